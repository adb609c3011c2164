//! Roster fields: their canonical Chinese headers, the header variants schools use in their
//! own sheets, and the raw per-field text of one row or form submission.

use serde::{Deserialize, Serialize};

/// One column of the roster (the import template has them in this order).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Field {
    Name,
    EmployeeNo,
    Gender,
    BirthDate,
    IdNumber,
    Phone,
    Department,
    Post,
    Title,
    JoinedSchool,
    JoinedUnion,
    Group,
    Status,
    Notes,
}

impl Field {
    pub const ALL: [Field; 14] = [
        Field::Name,
        Field::EmployeeNo,
        Field::Gender,
        Field::BirthDate,
        Field::IdNumber,
        Field::Phone,
        Field::Department,
        Field::Post,
        Field::Title,
        Field::JoinedSchool,
        Field::JoinedUnion,
        Field::Group,
        Field::Status,
        Field::Notes,
    ];

    /// The canonical Chinese header of the import template.
    pub fn header_zh(&self) -> &'static str {
        match self {
            Field::Name => "姓名",
            Field::EmployeeNo => "工号",
            Field::Gender => "性别",
            Field::BirthDate => "出生日期",
            Field::IdNumber => "身份证号",
            Field::Phone => "手机号",
            Field::Department => "部门",
            Field::Post => "岗位",
            Field::Title => "职称",
            Field::JoinedSchool => "入职日期",
            Field::JoinedUnion => "入会日期",
            Field::Group => "工会小组",
            Field::Status => "状态",
            Field::Notes => "备注",
        }
    }

    /// snake_case code, used as form field name and in JSON.
    pub fn code(&self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::EmployeeNo => "employee_no",
            Field::Gender => "gender",
            Field::BirthDate => "birth_date",
            Field::IdNumber => "id_number",
            Field::Phone => "phone",
            Field::Department => "department",
            Field::Post => "post",
            Field::Title => "title",
            Field::JoinedSchool => "joined_school",
            Field::JoinedUnion => "joined_union",
            Field::Group => "group",
            Field::Status => "status",
            Field::Notes => "notes",
        }
    }

    pub fn from_code(code: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.code() == code)
    }

    /// Fluent id of the field label, e.g. `field-employee-no`.
    pub fn key(&self) -> &'static str {
        match self {
            Field::Name => "field-name",
            Field::EmployeeNo => "field-employee-no",
            Field::Gender => "field-gender",
            Field::BirthDate => "field-birth-date",
            Field::IdNumber => "field-id-number",
            Field::Phone => "field-phone",
            Field::Department => "field-department",
            Field::Post => "field-post",
            Field::Title => "field-title",
            Field::JoinedSchool => "field-joined-school",
            Field::JoinedUnion => "field-joined-union",
            Field::Group => "field-group",
            Field::Status => "field-status",
            Field::Notes => "field-notes",
        }
    }

    pub fn is_required(&self) -> bool {
        matches!(self, Field::Name | Field::EmployeeNo)
    }

    /// Whether the value is personal data that lists show masked.
    pub fn is_sensitive(&self) -> bool {
        matches!(self, Field::IdNumber | Field::Phone)
    }

    /// Recognises a column header: the canonical one or a common variant. Spaces (`性 别`),
    /// full-width characters, required markers (`*姓名`) and a trailing parenthesised hint
    /// (`出生日期（例：2020-09-01）`) are ignored.
    pub fn from_header(h: &str) -> Option<Field> {
        let compact = crate::platform::text::normalize_compact(h);
        let without_hint = compact.split('(').next().unwrap_or("");
        let key = without_hint.trim_matches(['*', ':', '：']);
        let f = match key {
            "姓名" | "名字" | "职工姓名" | "会员姓名" | "教职工姓名" => Field::Name,
            "工号" | "编号" | "职工号" | "职工编号" | "员工号" | "员工编号" | "教工号" => {
                Field::EmployeeNo
            }
            "性别" => Field::Gender,
            "出生日期" | "出生年月" | "出生年月日" | "生日" => Field::BirthDate,
            "身份证号" | "身份证" | "身份证号码" | "公民身份号码" | "身份证件号码" => {
                Field::IdNumber
            }
            "手机号" | "手机" | "手机号码" | "联系电话" | "移动电话" | "联系方式" | "电话" => {
                Field::Phone
            }
            "部门" | "所在部门" | "科室" | "处室" => Field::Department,
            "岗位" | "岗位类别" | "岗位类型" => Field::Post,
            "职称" | "专业技术职称" => Field::Title,
            "入职日期" | "入职时间" | "入校日期" | "入校时间" | "到校日期" => Field::JoinedSchool,
            "入会日期" | "入会时间" => Field::JoinedUnion,
            "工会小组" | "小组" | "所在小组" | "工会组" => Field::Group,
            "状态" | "会员状态" => Field::Status,
            "备注" | "说明" => Field::Notes,
            other => return Field::from_code(other),
        };
        Some(f)
    }
}

/// Raw text per field, as extracted from a spreadsheet row or a form. Fields may be missing;
/// when a field appears twice the first non-blank value wins.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawMember {
    pub values: Vec<(Field, String)>,
}

impl RawMember {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builder-style push, handy in tests and in the form handler.
    pub fn with(mut self, field: Field, value: impl Into<String>) -> Self {
        self.values.push((field, value.into()));
        self
    }

    /// The first non-blank value of `field`, normalised as free text (Chinese punctuation kept;
    /// each field's own parser folds further); `None` when absent or blank.
    pub fn get(&self, field: Field) -> Option<String> {
        self.values
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, v)| crate::platform::text::normalize_text(v))
            .find(|v| !v.is_empty())
    }

    /// Whether every value is blank (blank spreadsheet rows are skipped, not rejected).
    pub fn is_blank(&self) -> bool {
        self.values.iter().all(|(_, v)| crate::platform::text::is_blank(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_canonical_names_round_trip() {
        for f in Field::ALL {
            assert_eq!(Field::from_header(f.header_zh()), Some(f));
            assert_eq!(Field::from_code(f.code()), Some(f));
            assert!(f.key().starts_with("field-"));
        }
    }

    #[test]
    fn header_common_variants_accepted() {
        let cases = [
            ("身份证", Field::IdNumber),
            ("身份证号码", Field::IdNumber),
            ("手机", Field::Phone),
            ("手机号码", Field::Phone),
            ("联系电话", Field::Phone),
            ("编号", Field::EmployeeNo),
            ("职工号", Field::EmployeeNo),
            ("小组", Field::Group),
            ("性 别", Field::Gender),
            ("\u{3000}姓\u{3000}名 ", Field::Name),
            ("*姓名", Field::Name),
            ("出生日期（例：2020-09-01）", Field::BirthDate),
        ];
        for (h, f) in cases {
            assert_eq!(Field::from_header(h), Some(f), "{h}");
        }
    }

    #[test]
    fn header_unknown_is_none() {
        assert_eq!(Field::from_header("籍贯"), None);
        assert_eq!(Field::from_header(""), None);
    }

    #[test]
    fn raw_member_first_non_blank_value_wins() {
        let raw = RawMember::new().with(Field::Name, "  ").with(Field::Name, " 张三 ").with(Field::Name, "李四");
        assert_eq!(raw.get(Field::Name).as_deref(), Some("张三"));
        assert_eq!(raw.get(Field::Phone), None);
        assert!(!raw.is_blank());
        assert!(RawMember::new().with(Field::Name, "\u{3000}").is_blank());
    }
}
