//! A poll's optional closing time, as the committee types it on the form (the browser's
//! `datetime-local`, "2026-12-05T18:00", in Beijing time) and as stored (ms since the epoch).

use chrono::{NaiveDateTime, TimeZone};

/// Beijing time, which every school of the system keeps.
const OFFSET_SECONDS: i32 = 8 * 3600;

/// Why a closing time is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosingTimeError {
    /// Not a date and time.
    Format,
    /// Not after now: the poll would close before anyone could vote.
    NotInFuture,
}

impl ClosingTimeError {
    /// Fluent message id.
    pub fn key(self) -> &'static str {
        match self {
            ClosingTimeError::Format => "poll-err-closes-at-format",
            ClosingTimeError::NotInFuture => "poll-err-closes-at-past",
        }
    }
}

/// Parses a closing time typed on the form: blank is "no closing time"; "2026-12-05T18:00",
/// "2026-12-05 18:00" (seconds allowed) in Beijing time; it must be later than `now_ms`.
pub fn parse_closing_time(s: &str, now_ms: i64) -> Result<Option<i64>, ClosingTimeError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let local = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .ok_or(ClosingTimeError::Format)?;
    let zone = chrono::FixedOffset::east_opt(OFFSET_SECONDS).ok_or(ClosingTimeError::Format)?;
    let at = zone.from_local_datetime(&local).single().ok_or(ClosingTimeError::Format)?.timestamp_millis();
    if at <= now_ms {
        return Err(ClosingTimeError::NotInFuture);
    }
    Ok(Some(at))
}

/// Whether a poll with this closing time is due to close at `now_ms`.
pub fn is_due(closes_at: Option<i64>, now_ms: i64) -> bool {
    closes_at.is_some_and(|t| t <= now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-05 10:00 Beijing time.
    const NOW: i64 = 1_796_436_000_000;

    #[test]
    fn closing_time_is_read_in_beijing_time() {
        // 2026-12-05 18:00 +08:00 is 10:00 UTC.
        let at = parse_closing_time("2026-12-05T18:00", NOW).unwrap().unwrap();
        assert_eq!(chrono::DateTime::from_timestamp_millis(at).unwrap().to_rfc3339(), "2026-12-05T10:00:00+00:00");
        assert_eq!(parse_closing_time(" 2026-12-05 18:00:00 ", NOW), Ok(Some(at)));
    }

    #[test]
    fn blank_closing_time_means_closed_by_hand() {
        assert_eq!(parse_closing_time("  ", NOW), Ok(None));
    }

    #[test]
    fn closing_time_must_be_a_date_and_time_in_the_future() {
        assert_eq!(parse_closing_time("明天", NOW), Err(ClosingTimeError::Format));
        assert_eq!(parse_closing_time("2026-13-01T10:00", NOW), Err(ClosingTimeError::Format));
        assert_eq!(parse_closing_time("2026-12-05T09:59", NOW), Err(ClosingTimeError::NotInFuture));
        assert_eq!(parse_closing_time("2026-12-05T10:00", NOW), Err(ClosingTimeError::NotInFuture));
    }

    #[test]
    fn poll_is_due_once_its_closing_time_has_come() {
        assert!(is_due(Some(NOW), NOW));
        assert!(!is_due(Some(NOW + 1), NOW));
        assert!(!is_due(None, NOW));
    }
}
