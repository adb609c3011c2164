//! The rotating check-in code a session's QR shows (congress.md: sign-in by QR scan). The code
//! changes every minute; a scan is accepted for the minute it was shown and the one after, so a
//! photo of the screen sent home stops working within two minutes.

/// Length of one slot of the rotating code.
pub const SLOT_MS: i64 = 60_000;

/// The slot an instant (unix milliseconds) falls in.
pub fn slot_of(now_ms: i64) -> u64 {
    u64::try_from(now_ms.max(0) / SLOT_MS).unwrap_or(0)
}

/// A check-in link's token: `{session}.{slot}.{code}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinToken {
    pub session_id: String,
    pub slot: u64,
    pub code: String,
}

impl CheckinToken {
    pub fn new(session_id: &str, slot: u64, code: &str) -> Self {
        CheckinToken { session_id: session_id.to_string(), slot, code: code.to_string() }
    }

    /// Parses a token; `None` for anything that is not `hex.digits.hex`.
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.split('.');
        let (id, slot, code) = (parts.next()?, parts.next()?, parts.next()?);
        let hex = |t: &str| !t.is_empty() && t.len() <= 64 && t.bytes().all(|b| b.is_ascii_hexdigit());
        if parts.next().is_some() || !hex(id) || !hex(code) || slot.is_empty() || slot.len() > 15 {
            return None;
        }
        if !slot.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(CheckinToken::new(id, slot.parse().ok()?, code))
    }

    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.session_id, self.slot, self.code)
    }

    /// A code is fresh in its own slot and the next one (never a future slot).
    pub fn is_fresh(&self, now_slot: u64) -> bool {
        self.slot == now_slot || self.slot.checked_add(1) == Some(now_slot)
    }
}

/// Compares two codes in time independent of where they first differ.
pub fn codes_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkin_code_accepts_the_current_and_previous_minute_only() {
        let t = CheckinToken::new("ab12", 1000, "ff");
        assert!(t.is_fresh(1000));
        assert!(t.is_fresh(1001), "shown just before the minute turned");
        assert!(!t.is_fresh(1002), "two minutes later it has expired");
        assert!(!t.is_fresh(999), "a code for a future minute is refused");
    }

    #[test]
    fn slots_are_whole_minutes() {
        assert_eq!(slot_of(0), 0);
        assert_eq!(slot_of(59_999), 0);
        assert_eq!(slot_of(60_000), 1);
        assert_eq!(slot_of(-5), 0);
    }

    #[test]
    fn checkin_tokens_parse_only_their_own_shape() {
        let t = CheckinToken::new("ab12", 28_000_000, "0f9e");
        assert_eq!(CheckinToken::parse(&t.encode()), Some(t));
        for bad in ["", "ab12", "ab12.5", "ab12.5.ff.1", "zz.5.ff", "ab.x5.ff", "ab.5.", "ab.-5.ff", "ab.5.ff "] {
            assert_eq!(CheckinToken::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn codes_compare_exactly() {
        assert!(codes_equal("abc", "abc"));
        assert!(!codes_equal("abc", "abd"));
        assert!(!codes_equal("abc", "ab"));
    }
}
