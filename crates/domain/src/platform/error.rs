//! Validation errors shared by every parser in the domain.
//!
//! Error policy: a parser returns a [`ValidationError`] that says *what* is wrong, never *where*
//! (the caller attaches the field, row or column). [`ValidationError::key`] is a Fluent message
//! id that the web layer translates with [`ValidationError::args`]; `Display` gives a zh-CN
//! fallback for the CLI and logs. Errors never carry the rejected value itself, so sensitive
//! input (ID numbers, phones) cannot leak into logs through them.

use thiserror::Error;

/// A validation failure of one value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Error)]
pub enum ValidationError {
    #[error("必填项不能为空")]
    Required,
    #[error("身份证号应为18位，实际为{len}位")]
    IdLength { len: usize },
    #[error("不支持15位旧身份证号，请填写18位身份证号")]
    IdLegacy15,
    #[error("身份证号只能包含数字，最后一位可以是X")]
    IdChars,
    #[error("身份证号校验位不正确")]
    IdCheckDigit,
    #[error("身份证号中的出生日期无效")]
    IdBirthDate,
    #[error("出生日期与身份证号不一致")]
    IdBirthMismatch,
    #[error("性别与身份证号不一致")]
    IdGenderMismatch,
    #[error("手机号格式不正确，应为11位大陆手机号")]
    PhoneFormat,
    #[error("日期格式不正确，可用2020-09-01、2020/9/1、2020.9.1、2020年9月1日")]
    DateFormat,
    #[error("日期超出允许范围")]
    DateOutOfRange,
    #[error("不是有效的数字")]
    NotANumber,
    #[error("不能为负数")]
    Negative,
    #[error("最多{max}位小数")]
    TooManyDecimals { max: u32 },
    #[error("数值过大")]
    TooLarge,
    #[error("逗号只能用作千位分隔符（如 1,234.50），小数请用小数点（如 12.5）")]
    MisplacedComma,
    #[error("不能超过{max}")]
    AboveMaximum { max: String },
    #[error("不能超过{max}个字符")]
    TooLong { max: usize },
    #[error("无法识别的值，可选：{allowed}")]
    UnknownValue { allowed: String },
    #[error("含有不可见的控制字符或文字方向控制字符，请删除后重新输入")]
    ControlChars,
}

impl ValidationError {
    /// Fluent message id, e.g. `err-id-check-digit`.
    pub fn key(&self) -> &'static str {
        match self {
            Self::Required => "err-required",
            Self::IdLength { .. } => "err-id-length",
            Self::IdLegacy15 => "err-id-legacy15",
            Self::IdChars => "err-id-chars",
            Self::IdCheckDigit => "err-id-check-digit",
            Self::IdBirthDate => "err-id-birth-date",
            Self::IdBirthMismatch => "err-id-birth-mismatch",
            Self::IdGenderMismatch => "err-id-gender-mismatch",
            Self::PhoneFormat => "err-phone-format",
            Self::DateFormat => "err-date-format",
            Self::DateOutOfRange => "err-date-out-of-range",
            Self::NotANumber => "err-not-a-number",
            Self::Negative => "err-negative",
            Self::TooManyDecimals { .. } => "err-too-many-decimals",
            Self::TooLarge => "err-too-large",
            Self::MisplacedComma => "err-misplaced-comma",
            Self::AboveMaximum { .. } => "err-above-maximum",
            Self::TooLong { .. } => "err-too-long",
            Self::UnknownValue { .. } => "err-unknown-value",
            Self::ControlChars => "err-control-chars",
        }
    }

    /// One instance of every variant, so callers (and the i18n completeness test of the web
    /// layer) can list every message id.
    pub fn samples() -> Vec<ValidationError> {
        vec![
            Self::Required,
            Self::IdLength { len: 0 },
            Self::IdLegacy15,
            Self::IdChars,
            Self::IdCheckDigit,
            Self::IdBirthDate,
            Self::IdBirthMismatch,
            Self::IdGenderMismatch,
            Self::PhoneFormat,
            Self::DateFormat,
            Self::DateOutOfRange,
            Self::NotANumber,
            Self::Negative,
            Self::TooManyDecimals { max: 2 },
            Self::TooLarge,
            Self::MisplacedComma,
            Self::AboveMaximum { max: String::new() },
            Self::TooLong { max: 50 },
            Self::UnknownValue { allowed: String::new() },
            Self::ControlChars,
        ]
    }

    /// Arguments of the Fluent message (names match the `{ $name }` placeholders).
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::IdLength { len } => vec![("len", len.to_string())],
            Self::TooManyDecimals { max } => vec![("max", max.to_string())],
            Self::TooLong { max } => vec![("max", max.to_string())],
            Self::UnknownValue { allowed } => vec![("allowed", allowed.clone())],
            Self::AboveMaximum { max } => vec![("max", max.clone())],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_keys_are_kebab_case_fluent_ids() {
        let all = [
            ValidationError::Required,
            ValidationError::IdLength { len: 3 },
            ValidationError::IdLegacy15,
            ValidationError::IdCheckDigit,
            ValidationError::TooLong { max: 50 },
            ValidationError::UnknownValue { allowed: "男、女".into() },
        ];
        for e in all {
            let k = e.key();
            assert!(k.starts_with("err-"), "{k}");
            assert!(k.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()));
        }
    }

    #[test]
    fn error_args_carry_placeholders() {
        assert_eq!(ValidationError::IdLength { len: 17 }.args(), vec![("len", "17".to_string())]);
        assert!(ValidationError::Required.args().is_empty());
    }

    #[test]
    fn error_display_is_chinese_and_mentions_legacy() {
        assert!(ValidationError::IdLegacy15.to_string().contains("15位"));
        assert_eq!(ValidationError::TooLong { max: 50 }.to_string(), "不能超过50个字符");
    }
}
