//! Resident ID numbers (居民身份证号, GB 11643-1999): parsing, check digit, derived birth
//! date and gender, and masking for lists.
//!
//! An [`IdNumber`] can only hold a valid 18-character number, so the rest of the system never
//! re-checks it. `Debug` prints the masked form, so the number does not leak into logs.

use chrono::{Datelike, Local, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::members::Gender;
use crate::platform::error::ValidationError;
use crate::platform::text::normalize;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// A valid 18-character ID number; the check character is always an uppercase `X` or digit.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

impl IdNumber {
    /// Parses with today's date as the upper bound of the birth date.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        Self::parse_at(s, Local::now().date_naive())
    }

    /// Parses with an explicit "today" (the birth date may not be after it).
    pub fn parse_at(s: &str, today: NaiveDate) -> Result<Self, ValidationError> {
        let s = normalize(s).to_ascii_uppercase();
        if s.is_empty() {
            return Err(ValidationError::Required);
        }
        let chars: Vec<char> = s.chars().collect();
        if chars.len() == 15 && chars.iter().all(char::is_ascii_digit) {
            return Err(ValidationError::IdLegacy15);
        }
        if chars.len() != 18 {
            return Err(ValidationError::IdLength { len: chars.len() });
        }
        let body_ok = chars[..17].iter().all(char::is_ascii_digit);
        let last_ok = chars[17].is_ascii_digit() || chars[17] == 'X';
        if !body_ok || !last_ok {
            return Err(ValidationError::IdChars);
        }
        if check_char(&s[..17]) != Some(chars[17]) {
            return Err(ValidationError::IdCheckDigit);
        }
        let birth = birth_from(&s).ok_or(ValidationError::IdBirthDate)?;
        if birth.year() < 1900 || birth > today {
            return Err(ValidationError::IdBirthDate);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date encoded in characters 7..=14 (validated at parse time).
    pub fn birth_date(&self) -> NaiveDate {
        birth_from(&self.0).unwrap_or_default()
    }

    /// The 17th digit's parity: odd is male, even is female.
    pub fn gender(&self) -> Gender {
        let d = self.0.as_bytes().get(16).copied().unwrap_or(b'0');
        if d % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// `1101**********1234`: first 4, ten stars, last 4.
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..4], "*".repeat(10), &self.0[14..])
    }
}

impl std::fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("IdNumber").field(&self.masked()).finish()
    }
}

impl TryFrom<String> for IdNumber {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<IdNumber> for String {
    fn from(id: IdNumber) -> String {
        id.0
    }
}

/// The GB 11643 check character of the first 17 digits, or `None` when `body` is not
/// exactly 17 ASCII digits.
pub fn check_char(body: &str) -> Option<char> {
    if body.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in body.chars().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    CHECK_CHARS.get((sum % 11) as usize).copied()
}

fn birth_from(s: &str) -> Option<NaiveDate> {
    let y = s.get(6..10)?.parse().ok()?;
    let m = s.get(10..12)?.parse().ok()?;
    let d = s.get(12..14)?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()
    }

    fn with_check(body: &str) -> String {
        format!("{body}{}", check_char(body).unwrap())
    }

    #[test]
    fn id_known_valid_example_parses() {
        let id = IdNumber::parse_at("11010519491231002X", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.gender(), Gender::Female);
    }

    #[test]
    fn id_check_digit_mod11_rejects_wrong_digit() {
        assert_eq!(IdNumber::parse_at("110105194912310021", today()), Err(ValidationError::IdCheckDigit));
    }

    #[test]
    fn id_lowercase_x_accepted_as_upper() {
        let id = IdNumber::parse_at("11010519491231002x", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn id_fullwidth_and_spaces_normalised() {
        let id = IdNumber::parse_at("\u{3000}１１０１０５１９４９１２３１００２Ｘ ", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn id_15_digit_legacy_rejected_with_message() {
        let e = IdNumber::parse_at("110105491231002", today()).unwrap_err();
        assert_eq!(e, ValidationError::IdLegacy15);
        assert_eq!(e.key(), "err-id-legacy15");
        assert!(e.to_string().contains("15位"));
    }

    #[test]
    fn id_wrong_length_reports_length() {
        assert_eq!(IdNumber::parse_at("1101051949", today()), Err(ValidationError::IdLength { len: 10 }));
        assert_eq!(IdNumber::parse_at("  ", today()), Err(ValidationError::Required));
    }

    #[test]
    fn id_x_only_allowed_last() {
        assert_eq!(IdNumber::parse_at("1101051949123100X2", today()), Err(ValidationError::IdChars));
    }

    #[test]
    fn id_birth_date_must_be_real() {
        // 1990-02-30 does not exist; the check digit is right so the date rule is what fails.
        let id = with_check("11010519900230001");
        assert_eq!(IdNumber::parse_at(&id, today()), Err(ValidationError::IdBirthDate));
    }

    #[test]
    fn id_birth_date_not_future_nor_before_1900() {
        let future = with_check("11010520300101001");
        assert_eq!(IdNumber::parse_at(&future, today()), Err(ValidationError::IdBirthDate));
        let old = with_check("11010518991231001");
        assert_eq!(IdNumber::parse_at(&old, today()), Err(ValidationError::IdBirthDate));
    }

    #[test]
    fn id_17th_digit_odd_is_male() {
        let id = IdNumber::parse_at(&with_check("44030619850615123"), today()).unwrap();
        assert_eq!(id.gender(), Gender::Male);
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1985, 6, 15).unwrap());
    }

    #[test]
    fn id_masked_keeps_first_and_last_four() {
        let id = IdNumber::parse_at("11010519491231002X", today()).unwrap();
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(format!("{id:?}"), "IdNumber(\"1101**********002X\")");
    }

    #[test]
    fn id_serde_round_trip_validates() {
        let id: IdNumber = String::from("11010519491231002x").try_into().unwrap();
        assert_eq!(String::from(id), "11010519491231002X");
        assert!(IdNumber::try_from(String::from("123")).is_err());
    }

    proptest! {
        #[test]
        fn id_parse_never_panics(s in any::<String>()) {
            let _ = IdNumber::parse_at(&s, today());
        }

        #[test]
        fn id_generated_valid_always_parses_and_round_trips(
            area in 110000u32..660000,
            days in 0i64..40000,
            seq in 0u32..1000,
            lower in any::<bool>(),
        ) {
            let birth = NaiveDate::from_ymd_opt(1910, 1, 1).unwrap() + chrono::Duration::days(days);
            let body = format!("{area:06}{}{seq:03}", birth.format("%Y%m%d"));
            let mut s = with_check(&body);
            if lower { s = s.to_lowercase(); }
            let id = IdNumber::parse_at(&s, today()).unwrap();
            prop_assert_eq!(id.as_str(), s.to_uppercase());
            prop_assert_eq!(id.birth_date(), birth);
            let again = IdNumber::parse_at(id.as_str(), today()).unwrap();
            prop_assert_eq!(again, id);
        }
    }
}
