//! Mainland mobile phone numbers: parsing (`1[3-9]` followed by 9 digits) and masking.
//!
//! Landlines are a separate free-text field and are not handled here. `Debug` prints the
//! masked form so the number does not leak into logs.

use serde::{Deserialize, Serialize};

use crate::platform::error::ValidationError;
use crate::platform::text::normalize;

/// An 11-digit mainland mobile number, stored without prefix or separators.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Accepts full-width digits, spaces and dashes inside, and a `+86`/`0086` prefix.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = normalize(s);
        if s.is_empty() {
            return Err(ValidationError::Required);
        }
        let compact: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = compact.strip_prefix("+86").or_else(|| compact.strip_prefix("0086")).unwrap_or(&compact);
        let b = digits.as_bytes();
        let ok = b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
        if ok {
            Ok(Self(digits.to_string()))
        } else {
            Err(ValidationError::PhoneFormat)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl std::fmt::Debug for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Phone").field(&self.masked()).finish()
    }
}

impl TryFrom<String> for Phone {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn phone_mobile_pattern_accepted() {
        assert_eq!(Phone::parse("13812345678").unwrap().as_str(), "13812345678");
        assert_eq!(Phone::parse("19912345678").unwrap().as_str(), "19912345678");
    }

    #[test]
    fn phone_second_digit_3_to_9_only() {
        assert_eq!(Phone::parse("12812345678"), Err(ValidationError::PhoneFormat));
        assert_eq!(Phone::parse("23812345678"), Err(ValidationError::PhoneFormat));
    }

    #[test]
    fn phone_separators_and_country_code_allowed() {
        for s in ["138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+8613812345678"] {
            assert_eq!(Phone::parse(s).unwrap().as_str(), "13812345678", "{s}");
        }
    }

    #[test]
    fn phone_fullwidth_digits_normalised() {
        assert_eq!(Phone::parse("１３８１２３４５６７８").unwrap().as_str(), "13812345678");
    }

    #[test]
    fn phone_landline_rejected() {
        assert_eq!(Phone::parse("010-62345678"), Err(ValidationError::PhoneFormat));
        assert_eq!(Phone::parse("1381234567"), Err(ValidationError::PhoneFormat));
        assert_eq!(Phone::parse(""), Err(ValidationError::Required));
    }

    #[test]
    fn phone_masked_keeps_three_and_four() {
        let p = Phone::parse("13812345678").unwrap();
        assert_eq!(p.masked(), "138****5678");
        assert_eq!(format!("{p:?}"), "Phone(\"138****5678\")");
    }

    proptest! {
        #[test]
        fn phone_parse_never_panics(s in any::<String>()) {
            let _ = Phone::parse(&s);
        }

        #[test]
        fn phone_valid_round_trips(s in "1[3-9][0-9]{9}") {
            let p = Phone::parse(&s).unwrap();
            prop_assert_eq!(p.as_str(), s.as_str());
        }
    }
}
