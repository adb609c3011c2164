//! The per-school congress settings (congress.md: "Every number below is a per-school setting with
//! this default, shown on the settings page"): the quorum of a session, the 差额 margin of
//! committee elections, the privacy and flag rules of leader evaluations, the publicity period of
//! award selections and whether the school holds a 教职工大会 (all staff) instead of a 教代会.
//! The proposal rules (co-signers, feedback rounds) are `ProposalSettings`.

use serde::{Deserialize, Serialize};

use crate::congress::ballots::Fraction;

/// A school with this many active staff or more must hold a 教代会 (congress.md: fewer than 100
/// staff may hold a 教职工大会 instead).
pub const ASSEMBLY_STAFF_LIMIT: u64 = 100;

/// The school's congress settings; `Default` holds the values congress.md gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CongressSettings {
    /// A session may vote only while `present ≥ quorum × body` (三分之二以上, bound included).
    pub quorum: Fraction,
    /// 差额: candidates exceed seats by at least this percentage of the seats (rounded up, ≥ 1).
    pub margin_percent: u64,
    /// Evaluations: groups (and subjects) with fewer answers are withheld.
    pub min_group_size: u64,
    /// Evaluations: a leader is flagged when 不称职 answers exceed this share of the valid ones.
    pub flag_fail_ratio: Fraction,
    /// Selections: the publicity period (公示) in working days.
    pub publicity_days: u32,
    /// New terms are a 教职工大会: the voting body is every active member, not the delegates.
    pub assembly: bool,
}

impl Default for CongressSettings {
    fn default() -> Self {
        CongressSettings {
            quorum: Fraction::TWO_THIRDS,
            margin_percent: 5,
            min_group_size: 5,
            flag_fail_ratio: Fraction::THIRD,
            publicity_days: 5,
            assembly: false,
        }
    }
}

/// Why settings are refused; `key()` is the Fluent id of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsError {
    /// The quorum is not a fraction between 1/2 and 1.
    Quorum,
    /// The margin is not 0–50 %.
    Margin,
    /// The minimum group size is not 1–50.
    MinGroupSize,
    /// The flag ratio is not a fraction strictly between 0 and 1.
    FlagRatio,
    /// The publicity period is not 5–30 working days.
    PublicityDays,
    /// A 教职工大会 needs fewer than 100 active staff.
    AssemblyTooLarge { staff: u64 },
}

impl SettingsError {
    pub fn key(&self) -> &'static str {
        match self {
            SettingsError::Quorum => "csettings-err-quorum",
            SettingsError::Margin => "csettings-err-margin",
            SettingsError::MinGroupSize => "csettings-err-min-group",
            SettingsError::FlagRatio => "csettings-err-flag",
            SettingsError::PublicityDays => "csettings-err-publicity",
            SettingsError::AssemblyTooLarge { .. } => "csettings-err-assembly",
        }
    }

    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            SettingsError::AssemblyTooLarge { staff } => {
                vec![("staff", staff.to_string()), ("limit", ASSEMBLY_STAFF_LIMIT.to_string())]
            }
            _ => Vec::new(),
        }
    }

    pub const SAMPLES: [SettingsError; 6] = [
        SettingsError::Quorum,
        SettingsError::Margin,
        SettingsError::MinGroupSize,
        SettingsError::FlagRatio,
        SettingsError::PublicityDays,
        SettingsError::AssemblyTooLarge { staff: 0 },
    ];
}

/// Parses a fraction as people type it: `2/3`, `２／３`, with spaces around.
pub fn parse_share(text: &str) -> Option<Fraction> {
    let t: String = crate::platform::text::normalize(text).chars().filter(|c| !c.is_whitespace()).collect();
    Fraction::parse(&t.replace('／', "/")).ok()
}

/// Whether a school with `active_staff` active members may hold a 教职工大会 (fewer than 100).
pub fn assembly_allowed(active_staff: u64) -> bool {
    active_staff < ASSEMBLY_STAFF_LIMIT
}

impl CongressSettings {
    /// Checks every number, and the 教职工大会 mode against the school's active staff.
    pub fn validate(&self, active_staff: u64) -> Result<(), SettingsError> {
        let q = self.quorum;
        if q.num() * 2 < q.den() || q.num() == 0 {
            return Err(SettingsError::Quorum);
        }
        if self.margin_percent > 50 {
            return Err(SettingsError::Margin);
        }
        if !(1..=50).contains(&self.min_group_size) {
            return Err(SettingsError::MinGroupSize);
        }
        let f = self.flag_fail_ratio;
        if f.num() == 0 || f.num() >= f.den() {
            return Err(SettingsError::FlagRatio);
        }
        if !(5..=30).contains(&self.publicity_days) {
            return Err(SettingsError::PublicityDays);
        }
        if self.assembly && !assembly_allowed(active_staff) {
            return Err(SettingsError::AssemblyTooLarge { staff: active_staff });
        }
        Ok(())
    }

    /// The live quorum: `present ≥ quorum × body`, exactly; a body of nobody never votes.
    pub fn quorum_met(&self, present: u64, body: u64) -> bool {
        body > 0 && self.quorum.reached_by(present, body)
    }

    /// The fewest candidates a 差额 election for `seats` needs under this margin.
    pub fn competitive_minimum(&self, seats: u64) -> u64 {
        super::competitive_minimum(seats, self.margin_percent)
    }

    /// Checks the 差额 rule for an election; an election declared 等额 (e.g. the chair) is exempt.
    /// `Err(needed)` gives the number of candidates required.
    pub fn check_competitive(&self, seats: u64, candidates: u64, uncontested: bool) -> Result<(), u64> {
        let needed = self.competitive_minimum(seats);
        if uncontested || candidates >= needed {
            Ok(())
        } else {
            Err(needed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(s: &str) -> Fraction {
        Fraction::parse(s).unwrap()
    }

    #[test]
    fn defaults_are_the_numbers_of_congress_md() {
        let s = CongressSettings::default();
        assert_eq!(s.quorum.to_string(), "2/3");
        assert_eq!(s.margin_percent, 5);
        assert_eq!(s.min_group_size, 5);
        assert_eq!(s.flag_fail_ratio.to_string(), "1/3");
        assert_eq!(s.publicity_days, 5);
        assert!(!s.assembly);
        assert_eq!(s.validate(500), Ok(()));
    }

    #[test]
    fn quorum_is_two_thirds_inclusive_by_default() {
        let s = CongressSettings::default();
        assert!(s.quorum_met(40, 60), "exactly two thirds votes");
        assert!(!s.quorum_met(39, 60));
        assert!(s.quorum_met(21, 31));
        assert!(!s.quorum_met(20, 31));
        assert!(!s.quorum_met(0, 0), "a body of nobody never votes");
    }

    #[test]
    fn quorum_follows_the_school_setting() {
        let s = CongressSettings { quorum: share("3/4"), ..CongressSettings::default() };
        assert!(s.quorum_met(45, 60));
        assert!(!s.quorum_met(44, 60));
    }

    #[test]
    fn competitive_margin_rounds_up_to_at_least_one() {
        let s = CongressSettings::default();
        assert_eq!(s.competitive_minimum(7), 8);
        assert_eq!(s.competitive_minimum(21), 23);
        let none = CongressSettings { margin_percent: 0, ..s };
        assert_eq!(none.competitive_minimum(7), 8, "at least one more than the seats");
        let ten = CongressSettings { margin_percent: 10, ..s };
        assert_eq!(ten.competitive_minimum(11), 13);
    }

    #[test]
    fn uncontested_election_is_exempt_from_the_margin() {
        let s = CongressSettings::default();
        assert_eq!(s.check_competitive(7, 7, false), Err(8));
        assert_eq!(s.check_competitive(7, 8, false), Ok(()));
        assert_eq!(s.check_competitive(1, 1, true), Ok(()));
    }

    #[test]
    fn assembly_needs_fewer_than_one_hundred_staff() {
        let s = CongressSettings { assembly: true, ..CongressSettings::default() };
        assert_eq!(s.validate(99), Ok(()));
        assert_eq!(s.validate(100), Err(SettingsError::AssemblyTooLarge { staff: 100 }));
        assert!(assembly_allowed(0));
        assert!(!assembly_allowed(100));
    }

    #[test]
    fn settings_outside_their_bounds_are_refused() {
        let d = CongressSettings::default();
        assert_eq!(CongressSettings { quorum: share("1/3"), ..d }.validate(10), Err(SettingsError::Quorum));
        assert_eq!(CongressSettings { quorum: share("1/2"), ..d }.validate(10), Ok(()));
        assert_eq!(CongressSettings { quorum: share("1/1"), ..d }.validate(10), Ok(()));
        assert_eq!(CongressSettings { margin_percent: 51, ..d }.validate(10), Err(SettingsError::Margin));
        assert_eq!(CongressSettings { min_group_size: 0, ..d }.validate(10), Err(SettingsError::MinGroupSize));
        assert_eq!(CongressSettings { flag_fail_ratio: share("1/1"), ..d }.validate(10), Err(SettingsError::FlagRatio));
        assert_eq!(CongressSettings { flag_fail_ratio: share("0/3"), ..d }.validate(10), Err(SettingsError::FlagRatio));
        assert_eq!(CongressSettings { publicity_days: 4, ..d }.validate(10), Err(SettingsError::PublicityDays));
    }

    #[test]
    fn shares_parse_as_typed() {
        assert_eq!(parse_share(" 2 / 3 "), Some(share("2/3")));
        assert_eq!(parse_share("２／３"), Some(share("2/3")));
        assert_eq!(parse_share("两成"), None);
        assert_eq!(parse_share("3/2"), None);
    }
}
