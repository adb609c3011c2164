//! Jiaogong domain: the pure rules and value types of the school trade union.
//!
//! No IO, no async, no SQL. Every rule (an ID check digit, a dues amount, a status
//! transition, a working-day deadline) lives here once, so the web forms, the Excel
//! import, the API and the CLI all obey the same rule.

// Tests may unwrap: a panic there is a failed test. The library target itself is still linted
// without `cfg(test)`, so production code keeps the workspace's no-unwrap rule.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod activities;
pub mod care;
pub mod congress;
pub mod district;
pub mod finance;
pub mod members;
pub mod plans;
pub mod platform;
pub mod transparency;

pub use platform::error::ValidationError;

/// Every Fluent message id the domain hands to the web layer (errors and enum labels), so a
/// test there can check that each has a translation.
pub fn fluent_keys() -> Vec<&'static str> {
    use members::{Field, Gender, MemberEventKind, MemberStatus, Post, TransitionError};
    let mut keys: Vec<&'static str> = ValidationError::samples().iter().map(|e| e.key()).collect();
    keys.push(TransitionError { from: MemberStatus::Deceased, event: MemberEventKind::Update }.key());
    keys.extend(Gender::ALL.iter().map(|g| g.key()));
    keys.extend(MemberStatus::ALL.iter().map(|s| s.key()));
    keys.extend(MemberEventKind::ALL.iter().map(|e| e.key()));
    keys.extend(Post::ALL.iter().map(|p| p.key()));
    keys.extend(Field::ALL.iter().map(|f| f.key()));
    keys.extend(platform::roles::Role::ALL.iter().map(|r| r.key()));
    keys.extend(activities::Kind::ALL.iter().map(|k| k.key()));
    keys.extend(
        [
            activities::Audience::All,
            activities::Audience::Women,
            activities::Audience::Group(String::new()),
            activities::Audience::Retirees,
            activities::Audience::Delegates,
        ]
        .iter()
        .map(|a| a.key()),
    );
    keys.extend(activities::ActivityError::ALL.iter().map(|e| e.key()));
    keys.extend(
        [
            activities::CheckinRefusal::Forged,
            activities::CheckinRefusal::OtherActivity,
            activities::CheckinRefusal::Expired,
            activities::CheckinRefusal::OutsideWindow,
        ]
        .iter()
        .map(|r| r.key()),
    );
    keys
}

#[cfg(test)]
mod tests {
    #[test]
    fn fluent_keys_unique_and_kebab_case() {
        let keys = super::fluent_keys();
        let unique: std::collections::BTreeSet<_> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len());
        for k in keys {
            assert!(k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{k}");
        }
    }
}
