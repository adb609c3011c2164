//! Tests of the shared member validation rule.

use super::*;
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 1).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Female, born 1949-12-31.
const ID_F: &str = "11010519491231002X";

fn base() -> RawMember {
    RawMember::new().with(Field::Name, "张三").with(Field::EmployeeNo, "T001")
}

fn errors(raw: &RawMember) -> Vec<(Field, ValidationError)> {
    validate_member_at(raw, today()).unwrap_err()
}

#[test]
fn minimal_member_defaults_to_active() {
    let m = validate_member_at(&base(), today()).unwrap();
    assert_eq!(m.name, "张三");
    assert_eq!(m.employee_no, "T001");
    assert_eq!(m.status, MemberStatus::Active);
    assert!(!m.is_temporary);
    assert_eq!(m.gender, None);
}

#[test]
fn name_and_employee_no_required() {
    let e = errors(&RawMember::new().with(Field::Name, "\u{3000}"));
    assert_eq!(e, vec![(Field::Name, ValidationError::Required), (Field::EmployeeNo, ValidationError::Required)]);
}

#[test]
fn name_keeps_middle_dot() {
    let raw = base().with(Field::Name, "").with(Field::Name, "\u{3000}阿依古丽·买买提 ");
    let raw = RawMember { values: raw.values.into_iter().skip(1).collect() };
    let m = validate_member_at(&raw, today()).unwrap();
    assert_eq!(m.name, "阿依古丽·买买提");
}

#[test]
fn name_longer_than_50_chars_rejected() {
    let raw = RawMember::new().with(Field::Name, "张".repeat(51)).with(Field::EmployeeNo, "1");
    assert_eq!(errors(&raw), vec![(Field::Name, ValidationError::TooLong { max: 50 })]);
}

#[test]
fn gender_and_birth_date_derived_from_id_when_missing() {
    let m = validate_member_at(&base().with(Field::IdNumber, ID_F), today()).unwrap();
    assert_eq!(m.gender, Some(Gender::Female));
    assert_eq!(m.birth_date, Some(d(1949, 12, 31)));
}

#[test]
fn id_gender_mismatch_reported_on_gender() {
    let raw = base().with(Field::IdNumber, ID_F).with(Field::Gender, "男");
    assert_eq!(errors(&raw), vec![(Field::Gender, ValidationError::IdGenderMismatch)]);
}

#[test]
fn id_birth_mismatch_reported_on_birth_date() {
    let raw = base().with(Field::IdNumber, ID_F).with(Field::BirthDate, "1949/12/30");
    assert_eq!(errors(&raw), vec![(Field::BirthDate, ValidationError::IdBirthMismatch)]);
    let ok = base().with(Field::IdNumber, ID_F).with(Field::BirthDate, "1949年12月31日");
    assert!(validate_member_at(&ok, today()).is_ok());
}

#[test]
fn all_field_errors_reported_not_only_first() {
    let raw = RawMember::new()
        .with(Field::Status, "请假")
        .with(Field::Phone, "12345")
        .with(Field::IdNumber, "110105491231002")
        .with(Field::JoinedUnion, "2020-02-30")
        .with(Field::Gender, "?");
    let fields: Vec<Field> = errors(&raw).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        vec![
            Field::Name,
            Field::EmployeeNo,
            Field::Gender,
            Field::IdNumber,
            Field::Phone,
            Field::JoinedUnion,
            Field::Status
        ]
    );
    assert!(errors(&raw).contains(&(Field::IdNumber, ValidationError::IdLegacy15)));
}

#[test]
fn temporary_hire_post_sets_flag_not_post() {
    let m = validate_member_at(&base().with(Field::Post, "临时聘用"), today()).unwrap();
    assert!(m.is_temporary);
    assert_eq!(m.post, None);
    let m = validate_member_at(&base().with(Field::Post, "教师"), today()).unwrap();
    assert_eq!(m.post, Some(Post::Teacher));
    assert!(!m.is_temporary);
}

#[test]
fn unknown_post_lists_allowed_values() {
    let e = errors(&base().with(Field::Post, "司机"));
    assert!(matches!(&e[0], (Field::Post, ValidationError::UnknownValue { allowed }) if allowed.contains("临时聘用")));
}

#[test]
fn fullwidth_values_normalised_in_every_field() {
    let raw = base()
        .with(Field::IdNumber, "１１０１０５１９４９１２３１００２ｘ")
        .with(Field::Phone, "１３８　１２３４　５６７８")
        .with(Field::JoinedSchool, "２０２０．９．１")
        .with(Field::Status, "\u{3000}退休会员");
    let m = validate_member_at(&raw, today()).unwrap();
    assert_eq!(m.id_number.map(String::from).as_deref(), Some(ID_F));
    assert_eq!(m.phone.map(String::from).as_deref(), Some("13812345678"));
    assert_eq!(m.joined_school, Some(d(2020, 9, 1)));
    assert_eq!(m.status, MemberStatus::Retired);
}

#[test]
fn excel_float_employee_no_cleaned() {
    let raw = RawMember::new().with(Field::Name, "李四").with(Field::EmployeeNo, "1001.0");
    assert_eq!(validate_member_at(&raw, today()).unwrap().employee_no, "1001");
    let raw = RawMember::new().with(Field::Name, "李四").with(Field::EmployeeNo, "A1.5");
    assert_eq!(validate_member_at(&raw, today()).unwrap().employee_no, "A1.5");
}

#[test]
fn optional_text_fields_kept_and_blank_is_none() {
    let raw = base()
        .with(Field::Department, " 教务处 ")
        .with(Field::Group, "语文组")
        .with(Field::Title, "")
        .with(Field::Notes, "双职工");
    let m = validate_member_at(&raw, today()).unwrap();
    assert_eq!(m.department.as_deref(), Some("教务处"));
    assert_eq!(m.group.as_deref(), Some("语文组"));
    assert_eq!(m.title, None);
    assert_eq!(m.notes.as_deref(), Some("双职工"));
}

proptest! {
    #[test]
    fn validate_never_panics(values in proptest::collection::vec((0usize..14, any::<String>()), 0..20)) {
        let raw = RawMember { values: values.into_iter().map(|(i, v)| (Field::ALL[i], v)).collect() };
        let _ = validate_member_at(&raw, today());
    }
}

#[test]
fn department_and_notes_keep_chinese_punctuation() {
    let raw = RawMember::new()
        .with(Field::Name, "张三")
        .with(Field::EmployeeNo, "Ｔ－００１")
        .with(Field::Department, "教务处（高一、高二）")
        .with(Field::Notes, "借调，返校：２０２６年");
    let m = validate_member_at(&raw, today()).unwrap();
    assert_eq!(m.department.as_deref(), Some("教务处（高一、高二）"));
    assert_eq!(m.notes.as_deref(), Some("借调，返校：2026年"));
    // The employee number is an identifier: every full-width character folds.
    assert_eq!(m.employee_no, "T-001");
}
