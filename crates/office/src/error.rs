//! The one error type of the office crate, with a Fluent message id and arguments so the web
//! layer can show a translated message, and a Chinese `Display` for logs and fallbacks.

/// Everything that can go wrong while reading or writing an office document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfficeError {
    /// The bytes are not an .xlsx (zip) file: an .xls, a CSV or a renamed PDF, for example.
    #[error("文件不是 Excel 2007 及以上版本的 .xlsx 文件，请在 Excel 中另存为 .xlsx 后重新上传")]
    NotXlsx,
    /// The uploaded file is larger than allowed.
    #[error("文件太大，不能超过 {} MB", limit_bytes / (1024 * 1024))]
    TooLarge {
        /// The limit in bytes.
        limit_bytes: u64,
    },
    /// The zip container decompresses to far more than it should (a "zip bomb").
    #[error("文件解压后的内容异常庞大，已拒绝处理")]
    ZipBomb,
    /// The file is damaged or not a valid workbook; the string is a short technical detail.
    #[error("文件已损坏或格式不正确：{0}")]
    Corrupt(String),
    /// The workbook has no worksheet.
    #[error("文件中没有工作表")]
    NoSheet,
    /// The workbook is encrypted with a password (opening it asks for one).
    #[error("文件有密码保护，请先取消密码后再导入")]
    Password,
    /// No worksheet has the header row that was looked for; the names of those looked at.
    #[error("在工作表 {} 中都没有找到表头行", sheets.join("、"))]
    NoHeader {
        /// The worksheets looked at, in tab order.
        sheets: Vec<String>,
    },
    /// The worksheet has more rows than allowed.
    #[error("工作表行数太多，最多 {limit} 行")]
    TooManyRows {
        /// The maximum number of rows.
        limit: usize,
    },
    /// The worksheet has more columns than allowed.
    #[error("工作表列数太多，最多 {limit} 列")]
    TooManyColumns {
        /// The maximum number of columns.
        limit: usize,
    },
    /// Writing a document failed; the string is a short technical detail.
    #[error("生成文件失败：{0}")]
    Write(String),
}

impl OfficeError {
    /// The Fluent message id for this error.
    pub fn key(&self) -> &'static str {
        match self {
            OfficeError::NotXlsx => "office-not-xlsx",
            OfficeError::TooLarge { .. } => "office-too-large",
            OfficeError::ZipBomb => "office-zip-bomb",
            OfficeError::Corrupt(_) => "office-corrupt",
            OfficeError::NoSheet => "office-no-sheet",
            OfficeError::Password => "office-password",
            OfficeError::NoHeader { .. } => "office-no-header",
            OfficeError::TooManyRows { .. } => "office-too-many-rows",
            OfficeError::TooManyColumns { .. } => "office-too-many-columns",
            OfficeError::Write(_) => "office-write",
        }
    }

    /// The Fluent arguments for this error's message.
    ///
    /// `TooLarge` gives `limit_mb` (whole MiB) and `limit_bytes`; `TooManyRows` and
    /// `TooManyColumns` give `limit`; `Corrupt` and `Write` give `detail`; `NoHeader` gives
    /// `sheets` (the names joined by 、).
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            OfficeError::TooLarge { limit_bytes } => {
                vec![("limit_mb", (limit_bytes / (1024 * 1024)).to_string()), ("limit_bytes", limit_bytes.to_string())]
            }
            OfficeError::TooManyRows { limit } | OfficeError::TooManyColumns { limit } => {
                vec![("limit", limit.to_string())]
            }
            OfficeError::Corrupt(detail) | OfficeError::Write(detail) => {
                vec![("detail", detail.clone())]
            }
            OfficeError::NoHeader { sheets } => vec![("sheets", sheets.join("、"))],
            OfficeError::NotXlsx | OfficeError::ZipBomb | OfficeError::NoSheet | OfficeError::Password => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_args() {
        let e = OfficeError::TooLarge { limit_bytes: 50 * 1024 * 1024 };
        assert_eq!(e.key(), "office-too-large");
        assert_eq!(e.args()[0], ("limit_mb", "50".to_string()));
        assert!(e.to_string().contains("50 MB"));
        assert_eq!(OfficeError::NotXlsx.key(), "office-not-xlsx");
        assert!(OfficeError::NotXlsx.args().is_empty());
        let r = OfficeError::TooManyRows { limit: 100_000 };
        assert_eq!(r.key(), "office-too-many-rows");
        assert_eq!(r.args(), vec![("limit", "100000".to_string())]);
        assert!(r.to_string().contains("100000"));
    }
}
