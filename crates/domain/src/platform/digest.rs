//! When a member's waiting messages go out by email: per-person frequency {none, realtime, daily
//! (default), weekly}, never more than one email per person per (China) day unless something
//! urgent waits, which goes at once. Realtime still waits a short batching window so a burst of
//! messages becomes one email. Also the group robots' allowance (20 messages a minute).

/// How often a member wants email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Frequency {
    None,
    Realtime,
    #[default]
    Daily,
    Weekly,
}

impl Frequency {
    pub const ALL: [Frequency; 4] = [Frequency::None, Frequency::Realtime, Frequency::Daily, Frequency::Weekly];
    pub fn code(&self) -> &'static str {
        match self {
            Frequency::None => "none",
            Frequency::Realtime => "realtime",
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
        }
    }
    pub fn from_code(s: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.code() == s)
    }
    pub fn key(&self) -> &'static str {
        match self {
            Frequency::None => "notify-freq-none",
            Frequency::Realtime => "notify-freq-realtime",
            Frequency::Daily => "notify-freq-daily",
            Frequency::Weekly => "notify-freq-weekly",
        }
    }
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// China is UTC+8: a "day" is China's calendar day.
const CHINA_OFFSET_MS: i64 = 8 * HOUR_MS;
/// Messages that arrive within this window go out together (realtime).
pub const BATCH_MS: i64 = 2 * 60_000;
/// The hour of China's day from which the daily and weekly digests go out (after classes).
pub const DIGEST_HOUR: i64 = 17;

/// China's day number of an instant (days since 1970-01-01 in UTC+8).
pub fn china_day(ms: i64) -> i64 {
    (ms + CHINA_OFFSET_MS).div_euclid(DAY_MS)
}

fn china_hour(ms: i64) -> i64 {
    (ms + CHINA_OFFSET_MS).rem_euclid(DAY_MS) / HOUR_MS
}

/// What waits for one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    /// When the oldest unsent message arrived.
    pub oldest_at: i64,
    /// Something urgent is among them.
    pub urgent: bool,
}

/// Whether to email a member now: the digest batching rule.
pub fn email_due(freq: Frequency, waiting: Option<Waiting>, last_emailed_at: Option<i64>, now: i64) -> bool {
    let Some(w) = waiting else { return false };
    if freq == Frequency::None {
        return false;
    }
    if w.urgent {
        return true;
    }
    let emailed_today = last_emailed_at.is_some_and(|t| china_day(t) == china_day(now));
    if emailed_today {
        return false;
    }
    match freq {
        Frequency::None => false,
        Frequency::Realtime => now - w.oldest_at >= BATCH_MS,
        Frequency::Daily => china_hour(now) >= DIGEST_HOUR,
        Frequency::Weekly => {
            china_hour(now) >= DIGEST_HOUR && last_emailed_at.is_none_or(|t| china_day(now) - china_day(t) >= 7)
        }
    }
}

/// A group robot takes at most this many messages a minute (钉钉, 企业微信, 飞书 alike).
pub const ROBOT_PER_MINUTE: usize = 20;

/// How many more messages may go to a robot now, given how many went in the last minute.
pub fn robot_allowance(sent_last_minute: usize) -> usize {
    ROBOT_PER_MINUTE.saturating_sub(sent_last_minute)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-07 (a Monday) at `h`:00 in China.
    fn at(h: i64) -> i64 {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap().and_hms_opt(0, 0, 0).unwrap();
        day.and_utc().timestamp_millis() - CHINA_OFFSET_MS + h * HOUR_MS
    }

    fn waiting(at: i64, urgent: bool) -> Option<Waiting> {
        Some(Waiting { oldest_at: at, urgent })
    }

    #[test]
    fn one_email_per_person_per_day_unless_urgent() {
        for f in [Frequency::Realtime, Frequency::Daily] {
            // Emailed this morning: nothing more today, however much waits.
            assert!(!email_due(f, waiting(at(9), false), Some(at(8)), at(20)), "{f:?}");
            // The next day it goes.
            assert!(email_due(f, waiting(at(9), false), Some(at(8)), at(24 + 18)), "{f:?}");
            // Urgent goes at once, even after today's email.
            assert!(email_due(f, waiting(at(9), true), Some(at(8)), at(10)), "{f:?}");
        }
    }

    #[test]
    fn none_never_emails_even_urgent() {
        assert!(!email_due(Frequency::None, waiting(at(9), true), None, at(20)));
    }

    #[test]
    fn nothing_waiting_sends_nothing() {
        assert!(!email_due(Frequency::Realtime, None, None, at(20)));
    }

    #[test]
    fn realtime_batches_a_burst_for_two_minutes() {
        let t = at(10);
        assert!(!email_due(Frequency::Realtime, waiting(t, false), None, t + BATCH_MS - 1));
        assert!(email_due(Frequency::Realtime, waiting(t, false), None, t + BATCH_MS));
    }

    #[test]
    fn daily_digest_waits_for_the_digest_hour_in_china() {
        assert!(!email_due(Frequency::Daily, waiting(at(8), false), None, at(DIGEST_HOUR) - 1));
        assert!(email_due(Frequency::Daily, waiting(at(8), false), None, at(DIGEST_HOUR)));
        // China's day, not UTC's: 01:00 in China is still before the digest hour.
        assert!(!email_due(Frequency::Daily, waiting(at(0), false), Some(at(-7)), at(1)));
    }

    #[test]
    fn weekly_digest_waits_seven_days() {
        let last = at(DIGEST_HOUR);
        assert!(!email_due(Frequency::Weekly, waiting(at(30), false), Some(last), at(6 * 24 + DIGEST_HOUR)));
        assert!(email_due(Frequency::Weekly, waiting(at(30), false), Some(last), at(7 * 24 + DIGEST_HOUR)));
        assert!(email_due(Frequency::Weekly, waiting(at(30), false), None, at(DIGEST_HOUR + 1)));
    }

    #[test]
    fn daily_is_the_default_frequency() {
        assert_eq!(Frequency::default(), Frequency::Daily);
        for f in Frequency::ALL {
            assert_eq!(Frequency::from_code(f.code()), Some(f));
        }
    }

    #[test]
    fn robots_get_at_most_twenty_messages_a_minute() {
        assert_eq!(robot_allowance(0), 20);
        assert_eq!(robot_allowance(19), 1);
        assert_eq!(robot_allowance(20), 0);
        assert_eq!(robot_allowance(35), 0);
    }
}
