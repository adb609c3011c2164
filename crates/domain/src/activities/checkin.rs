//! The organiser's rotating check-in code (签到). The code changes every 30 seconds; a scan is
//! accepted for the step it was shown in and the one before (a phone that scanned just as the
//! code turned), and only inside the activity's window: from half an hour before the start
//! (people arrive early) to the end. A photo of the screen sent home stops working within a
//! minute, and never works on another day.

/// Length of one step of the rotating code.
pub const STEP_MS: i64 = 30_000;
/// How early before the start check-in opens.
pub const EARLY_MS: i64 = 30 * 60_000;

/// The step an instant (unix ms) falls in.
pub fn step_of(now_ms: i64) -> u64 {
    u64::try_from(now_ms.max(0) / STEP_MS).unwrap_or(0)
}

/// Why a scanned code is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckinRefusal {
    /// Not a code of ours, or its signature does not match.
    Forged,
    /// The code of another activity than the one asked for.
    OtherActivity,
    /// Older than the current and previous step (or from the future).
    Expired,
    /// Before check-in opens or after the activity ended.
    OutsideWindow,
}

impl CheckinRefusal {
    pub fn key(&self) -> &'static str {
        match self {
            CheckinRefusal::Forged => "act-qr-forged",
            CheckinRefusal::OtherActivity => "act-qr-other",
            CheckinRefusal::Expired => "act-qr-expired",
            CheckinRefusal::OutsideWindow => "act-qr-window",
        }
    }
}

/// A check-in link's token: `{activity}.{step}.{code}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinToken {
    pub activity_id: String,
    pub step: u64,
    pub code: String,
}

impl CheckinToken {
    pub fn new(activity_id: &str, step: u64, code: &str) -> Self {
        CheckinToken { activity_id: activity_id.into(), step, code: code.into() }
    }

    /// Parses a token; `None` for anything that is not `hex.digits.hex`.
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.split('.');
        let (id, step, code) = (parts.next()?, parts.next()?, parts.next()?);
        let hex = |t: &str| !t.is_empty() && t.len() <= 64 && t.bytes().all(|b| b.is_ascii_hexdigit());
        if parts.next().is_some() || !hex(id) || !hex(code) || step.is_empty() || step.len() > 15 {
            return None;
        }
        if !step.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(CheckinToken::new(id, step.parse().ok()?, code))
    }

    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.activity_id, self.step, self.code)
    }

    /// The validity rule, once the signature is known to match: the right activity, the current
    /// or previous step, inside the activity's window.
    pub fn check(&self, activity_id: &str, now_ms: i64, starts_at: i64, ends_at: i64) -> Result<(), CheckinRefusal> {
        if self.activity_id != activity_id {
            return Err(CheckinRefusal::OtherActivity);
        }
        if now_ms < starts_at.saturating_sub(EARLY_MS) || now_ms > ends_at {
            return Err(CheckinRefusal::OutsideWindow);
        }
        let now = step_of(now_ms);
        if !(self.step == now || self.step.checked_add(1) == Some(now)) {
            return Err(CheckinRefusal::Expired);
        }
        Ok(())
    }
}

/// Compares two codes in time independent of where they first differ.
pub fn codes_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
