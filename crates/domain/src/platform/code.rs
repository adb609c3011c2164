//! Statuses and kinds stored as text: one checked way from the stored code to the enum (an
//! unknown code is an error, never a silent mismatch) and back (`AsRef<str>`), shared by every
//! area's enums through [`stored_code!`](crate::stored_code).

use std::fmt;

/// A stored code that names no known status or kind (the database was changed by hand, or by a
/// newer version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode(pub String);

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown code {:?}", self.0)
    }
}

impl std::error::Error for UnknownCode {}

/// Gives an enum with `code()` and `from_code()` the conversions of a stored code:
/// `TryFrom<String>` (checked decoding, for `#[sqlx(try_from = "String")]`), `AsRef<str>` (to
/// bind), `Display` and comparison with a code (`status == "open"`, as templates write it).
/// `stored_code!(T, serialize)` also serialises the enum as its code, for types without serde;
/// `stored_code!(T, as_str, parse)` names other methods than `code` and `from_code`.
#[macro_export]
macro_rules! stored_code {
    ($t:ty) => {
        $crate::stored_code!($t, code, from_code);
    };
    ($t:ty, $code:ident, $from_code:ident) => {
        impl ::std::convert::TryFrom<String> for $t {
            type Error = $crate::platform::code::UnknownCode;
            fn try_from(code: String) -> ::std::result::Result<Self, Self::Error> {
                <$t>::$from_code(&code).ok_or($crate::platform::code::UnknownCode(code))
            }
        }

        impl ::std::convert::AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                self.$code()
            }
        }

        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.$code())
            }
        }

        impl ::std::cmp::PartialEq<str> for $t {
            fn eq(&self, code: &str) -> bool {
                self.$code() == code
            }
        }

        impl ::std::cmp::PartialEq<&str> for $t {
            fn eq(&self, code: &&str) -> bool {
                self.$code() == *code
            }
        }
    };
    ($t:ty, serialize) => {
        $crate::stored_code!($t, code, from_code, serialize);
    };
    ($t:ty, $code:ident, $from_code:ident, serialize) => {
        $crate::stored_code!($t, $code, $from_code);

        impl ::serde::Serialize for $t {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.$code())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::congress::selection::{NomineeStatus, ObjectionStatus, Stage};
    use crate::congress::{Category, Feedback, HandlingStatus, ProposalState};

    fn round_trips<T>(all: &[T])
    where
        T: TryFrom<String, Error = super::UnknownCode> + AsRef<str> + PartialEq + std::fmt::Debug + Copy,
    {
        for &v in all {
            assert_eq!(T::try_from(v.as_ref().to_string()), Ok(v));
            assert_eq!(v.as_ref().to_string(), format!("{}", v.as_ref()));
        }
        assert_eq!(T::try_from("Nonsense".to_string()), Err(super::UnknownCode("Nonsense".into())));
    }

    #[test]
    fn every_stored_status_and_kind_reads_back_and_an_unknown_code_is_refused() {
        round_trips(&ProposalState::ALL);
        round_trips(&HandlingStatus::ALL);
        round_trips(&Category::ALL);
        round_trips(&Feedback::ALL);
        round_trips(&NomineeStatus::ALL);
        round_trips(&Stage::ALL);
        round_trips(&[ObjectionStatus::Open, ObjectionStatus::Upheld, ObjectionStatus::Dismissed]);
        round_trips(&crate::congress::ResolutionStatus::ALL);
        round_trips(&crate::congress::SessionItemKind::ALL);
    }

    #[test]
    fn a_stored_code_is_serialised_as_itself() {
        assert_eq!(serde_json::to_value(ProposalState::Accepted).unwrap(), "accepted");
        assert_eq!(serde_json::to_value(HandlingStatus::NotPossible).unwrap(), "not_possible");
        assert_eq!(serde_json::to_value(NomineeStatus::Struck).unwrap(), "struck");
        assert!(ProposalState::Draft == "draft" && HandlingStatus::InProgress != "solved");
    }
}
