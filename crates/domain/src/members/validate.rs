//! The one validation rule for a member record, shared by the Excel import and the form:
//! raw text per field in, a typed [`MemberInput`] or every field error out.

use chrono::{Local, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Field, Gender, MemberStatus, Post, RawMember};
use crate::members::idcard::IdNumber;
use crate::members::phone::Phone;
use crate::platform::dates::parse_date;
use crate::platform::error::ValidationError;

/// The 岗位 value that marks a temporary hire (临时聘用): not a post, a flag.
pub const TEMPORARY_POST_ZH: &str = "临时聘用";

pub const NAME_MAX: usize = 50;
pub const EMPLOYEE_NO_MAX: usize = 32;
pub const SHORT_TEXT_MAX: usize = 50;
pub const NOTES_MAX: usize = 500;

/// A validated member record, ready to be stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInput {
    pub name: String,
    pub employee_no: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub id_number: Option<IdNumber>,
    pub phone: Option<Phone>,
    pub department: Option<String>,
    pub post: Option<Post>,
    pub title: Option<String>,
    pub joined_school: Option<NaiveDate>,
    pub joined_union: Option<NaiveDate>,
    pub group: Option<String>,
    pub status: MemberStatus,
    pub is_temporary: bool,
    pub notes: Option<String>,
}

/// Validates with today's date (ID birth dates may not lie in the future).
pub fn validate_member(raw: &RawMember) -> Result<MemberInput, Vec<(Field, ValidationError)>> {
    validate_member_at(raw, Local::now().date_naive())
}

/// The rule itself, with an explicit "today".
///
/// Every field is normalised and checked, and all errors are reported, not only the first.
/// Name and employee number are required. When an ID number is given, gender and birth date
/// are derived from it if missing, and must agree with it if present; a disagreement is
/// reported on the gender / birth-date field, since the ID already passed its check digit.
/// Status defaults to 在职会员; a 岗位 of 临时聘用 sets `is_temporary` and leaves `post` empty.
pub fn validate_member_at(raw: &RawMember, today: NaiveDate) -> Result<MemberInput, Vec<(Field, ValidationError)>> {
    let mut errors: Vec<(Field, ValidationError)> = Vec::new();

    let name = take(&mut errors, Field::Name, required_text(raw, Field::Name, NAME_MAX));
    let employee_no = take(
        &mut errors,
        Field::EmployeeNo,
        // An identifier: every full-width character folds (`Ｔ－００１` is `T-001`).
        required_text(raw, Field::EmployeeNo, EMPLOYEE_NO_MAX)
            .map(|o| o.map(|s| clean_employee_no(crate::platform::text::normalize(&s)))),
    );
    let gender = take(
        &mut errors,
        Field::Gender,
        optional(raw, Field::Gender, |s| {
            Gender::parse(s).ok_or_else(|| ValidationError::UnknownValue { allowed: "男、女".into() })
        }),
    );
    let birth_date = take(&mut errors, Field::BirthDate, optional(raw, Field::BirthDate, parse_date));
    let id_number =
        take(&mut errors, Field::IdNumber, optional(raw, Field::IdNumber, |s| IdNumber::parse_at(s, today)));
    let phone = take(&mut errors, Field::Phone, optional(raw, Field::Phone, Phone::parse));
    let department = take(&mut errors, Field::Department, text(raw, Field::Department, SHORT_TEXT_MAX));
    let post_text = take(&mut errors, Field::Post, text(raw, Field::Post, SHORT_TEXT_MAX));
    let title = take(&mut errors, Field::Title, text(raw, Field::Title, SHORT_TEXT_MAX));
    let joined_school = take(&mut errors, Field::JoinedSchool, optional(raw, Field::JoinedSchool, parse_date));
    let joined_union = take(&mut errors, Field::JoinedUnion, optional(raw, Field::JoinedUnion, parse_date));
    let group = take(&mut errors, Field::Group, text(raw, Field::Group, SHORT_TEXT_MAX));
    let status = take(
        &mut errors,
        Field::Status,
        optional(raw, Field::Status, |s| {
            MemberStatus::parse_zh(s).ok_or_else(|| ValidationError::UnknownValue {
                allowed: "在职会员、退休会员、调出、去世、非会员".into(),
            })
        }),
    );
    let notes = take(&mut errors, Field::Notes, notes_text(raw, NOTES_MAX));

    let (post, is_temporary) = match post_text.as_deref() {
        None => (None, false),
        Some(TEMPORARY_POST_ZH) => (None, true),
        Some(p) => match Post::parse_zh(p) {
            Some(post) => (Some(post), false),
            None => {
                errors.push((
                    Field::Post,
                    ValidationError::UnknownValue {
                        allowed: "教师、职员、工勤、校领导、中层、临时聘用".into()
                    },
                ));
                (None, false)
            }
        },
    };

    let (mut gender, mut birth_date) = (gender, birth_date);
    if let Some(id) = &id_number {
        match gender {
            Some(g) if g != id.gender() => {
                errors.push((Field::Gender, ValidationError::IdGenderMismatch));
            }
            _ => gender = Some(id.gender()),
        }
        match birth_date {
            Some(b) if b != id.birth_date() => {
                errors.push((Field::BirthDate, ValidationError::IdBirthMismatch));
            }
            _ => birth_date = Some(id.birth_date()),
        }
    }

    match (name, employee_no) {
        (Some(name), Some(employee_no)) if errors.is_empty() => Ok(MemberInput {
            name,
            employee_no,
            gender,
            birth_date,
            id_number,
            phone,
            department,
            post,
            title,
            joined_school,
            joined_union,
            group,
            status: status.unwrap_or(MemberStatus::Active),
            is_temporary,
            notes,
        }),
        _ => {
            errors.sort_by_key(|(f, _)| *f);
            Err(errors)
        }
    }
}

/// Records the error of `field`, if any, and yields the value.
fn take<T>(
    errors: &mut Vec<(Field, ValidationError)>,
    field: Field,
    r: Result<Option<T>, ValidationError>,
) -> Option<T> {
    r.unwrap_or_else(|e| {
        errors.push((field, e));
        None
    })
}

fn optional<T>(
    raw: &RawMember,
    field: Field,
    parse: impl FnOnce(&str) -> Result<T, ValidationError>,
) -> Result<Option<T>, ValidationError> {
    raw.get(field).map(|s| parse(&s)).transpose()
}

fn text(raw: &RawMember, field: Field, max: usize) -> Result<Option<String>, ValidationError> {
    match raw.get(field) {
        Some(s) => crate::platform::text::optional_line(&s, max),
        None => Ok(None),
    }
}

fn notes_text(raw: &RawMember, max: usize) -> Result<Option<String>, ValidationError> {
    match raw.get(Field::Notes) {
        Some(s) => crate::platform::text::optional_text(&s, max),
        None => Ok(None),
    }
}

fn required_text(raw: &RawMember, field: Field, max: usize) -> Result<Option<String>, ValidationError> {
    text(raw, field, max)?.map(Some).ok_or(ValidationError::Required)
}

/// Spreadsheets store numeric employee numbers as floats: "1001.0" means "1001".
fn clean_employee_no(s: String) -> String {
    match s.split_once('.') {
        Some((int, frac))
            if !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && !frac.is_empty()
                && frac.bytes().all(|b| b == b'0') =>
        {
            int.to_string()
        }
        _ => s,
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
