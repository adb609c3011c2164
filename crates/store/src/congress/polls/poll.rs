//! A poll as the store keeps it: its row, with status and kind read through the domain's checked
//! conversions (an unknown code is a decode error, not a silent mismatch).

use jiaogong_domain::congress::ballots::{PollKind, PollStatus, UnknownCode};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Poll {
    pub id: String,
    pub school_id: String,
    pub kind: PollKind,
    pub title: String,
    pub definition: String,
    pub status: PollStatus,
    pub created_at: i64,
    pub opened_at: Option<i64>,
    pub closed_at: Option<i64>,
}

impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for Poll {
    fn from_row(row: &'r sqlx::any::AnyRow) -> std::result::Result<Self, sqlx::Error> {
        use sqlx::Row;
        fn code<T: TryFrom<String, Error = UnknownCode>>(
            row: &sqlx::any::AnyRow,
            col: &str,
        ) -> std::result::Result<T, sqlx::Error> {
            T::try_from(row.try_get::<String, _>(col)?)
                .map_err(|e| sqlx::Error::ColumnDecode { index: col.to_string(), source: Box::new(e) })
        }
        Ok(Poll {
            id: row.try_get("id")?,
            school_id: row.try_get("school_id")?,
            kind: code(row, "kind")?,
            title: row.try_get("title")?,
            definition: row.try_get("definition")?,
            status: code(row, "status")?,
            created_at: row.try_get("created_at")?,
            opened_at: row.try_get("opened_at")?,
            closed_at: row.try_get("closed_at")?,
        })
    }
}

/// The columns [`Poll`] reads, in its order.
pub(super) const POLL_COLS: &str = "id, school_id, kind, title, definition, status, created_at, opened_at, closed_at";
