//! The counting rules a committee picks on the web form when it creates a poll.
//!
//! The JSON API takes any fraction ballots.md allows; the form offers the choices schools use —
//! no quorum, 过半数 or 三分之二以上 present; 过半数 or 三分之二 approval; over valid ballots, the
//! present or the whole electorate — with the defaults of ballots.md preselected (no quorum,
//! threshold 1/2, base `valid`). Anything else sent by the form is refused, never replaced by a
//! default, so a tampered or stale form cannot quietly create a poll with other rules.

use super::{Base, Fraction, Rules};

/// Quorum choices: `None` is "no quorum rule" (the default).
pub const QUORUM_CHOICES: [Option<Fraction>; 3] = [None, Some(Fraction::HALF), Some(Fraction::TWO_THIRDS)];
/// Threshold choices, the default first.
pub const THRESHOLD_CHOICES: [Fraction; 2] = [Fraction::HALF, Fraction::TWO_THIRDS];
/// Base choices, the default first.
pub const BASE_CHOICES: [Base; 3] = [Base::Valid, Base::Present, Base::Electorate];

/// Which chosen rule is not one the form offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleChoiceError {
    Quorum,
    Threshold,
    Base,
}

impl RuleChoiceError {
    /// Fluent message id.
    pub fn key(self) -> &'static str {
        match self {
            RuleChoiceError::Quorum => "poll-err-quorum",
            RuleChoiceError::Threshold => "poll-err-threshold",
            RuleChoiceError::Base => "poll-err-base",
        }
    }
}

impl Base {
    /// The name used in bulletins and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Base::Electorate => "electorate",
            Base::Present => "present",
            Base::Valid => "valid",
        }
    }

    /// Parses `electorate`, `present` or `valid`.
    pub fn parse(s: &str) -> Option<Base> {
        BASE_CHOICES.into_iter().find(|b| b.as_str() == s)
    }
}

/// The rules of the form's three fields (`quorum`: empty or `"a/b"`; `threshold`: `"a/b"`;
/// `base`: `electorate` | `present` | `valid`). An empty threshold or base takes the default of
/// ballots.md; a value outside the offered choices is an error. The rules are always written out
/// in full, so the stored definition says what was chosen.
pub fn chosen_rules(quorum: &str, threshold: &str, base: &str) -> Result<Rules, RuleChoiceError> {
    let offered = |s: &str| Fraction::parse(s).ok();
    let quorum = match quorum.trim() {
        "" => None,
        q => Some(offered(q).filter(|f| QUORUM_CHOICES.contains(&Some(*f))).ok_or(RuleChoiceError::Quorum)?),
    };
    let threshold = match threshold.trim() {
        "" => THRESHOLD_CHOICES[0],
        t => offered(t).filter(|f| THRESHOLD_CHOICES.contains(f)).ok_or(RuleChoiceError::Threshold)?,
    };
    let base = match base.trim() {
        "" => BASE_CHOICES[0],
        b => Base::parse(b).ok_or(RuleChoiceError::Base)?,
    };
    Ok(Rules { quorum, threshold: Some(threshold), base: Some(base), ..Rules::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_rules_default_to_more_than_half_of_valid_ballots_without_quorum() {
        let r = chosen_rules("", "", "").unwrap();
        assert_eq!((r.quorum, r.threshold, r.base), (None, Some(Fraction::HALF), Some(Base::Valid)));
        // The defaults are written out, as ballots.md would assume them when absent.
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json, serde_json::json!({"threshold": "1/2", "base": "valid"}));
    }

    #[test]
    fn form_rules_two_thirds_of_the_electorate_with_a_two_thirds_quorum() {
        let r = chosen_rules("2/3", "2/3", "electorate").unwrap();
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json, serde_json::json!({"quorum": "2/3", "threshold": "2/3", "base": "electorate"}));
    }

    #[test]
    fn form_rules_refuse_values_the_form_does_not_offer() {
        assert_eq!(chosen_rules("3/4", "1/2", "valid"), Err(RuleChoiceError::Quorum));
        assert_eq!(chosen_rules("abc", "1/2", "valid"), Err(RuleChoiceError::Quorum));
        assert_eq!(chosen_rules("", "1/3", "valid"), Err(RuleChoiceError::Threshold));
        assert_eq!(
            chosen_rules("", "4/6", "valid"),
            Err(RuleChoiceError::Threshold),
            "unreduced forms are not offered"
        );
        assert_eq!(chosen_rules("", "1/0", "valid"), Err(RuleChoiceError::Threshold));
        assert_eq!(chosen_rules("", "1/2", "members"), Err(RuleChoiceError::Base));
        assert_eq!(chosen_rules("", "1/2", "Valid"), Err(RuleChoiceError::Base));
    }

    #[test]
    fn every_offered_choice_is_accepted_and_round_trips() {
        for q in QUORUM_CHOICES {
            for t in THRESHOLD_CHOICES {
                for b in BASE_CHOICES {
                    let qs = q.map(|f| f.to_string()).unwrap_or_default();
                    let r = chosen_rules(&qs, &t.to_string(), b.as_str()).unwrap();
                    assert_eq!((r.quorum, r.threshold, r.base), (q, Some(t), Some(b)));
                }
            }
        }
        assert_ne!(RuleChoiceError::Quorum.key(), RuleChoiceError::Base.key());
    }
}
