//! 校务公开 on both databases: items with their publicity period on the working-day calendar,
//! the public link, automatic items from other areas (`items::publish_linked`), objections
//! (signed or anonymous, with nothing that ties an anonymous one to its member), the
//! supervision group's handling and sign-off, and the yearly index.

pub mod items;
pub mod objections;

use chrono::NaiveDate;
use jiaogong_domain::platform::calendar::Calendar;
use jiaogong_domain::transparency::PeriodError;

use crate::{StoreError, Tx};

/// A step refused by the rules, or a database failure.
#[derive(Debug, thiserror::Error)]
pub enum TpError {
    #[error("period: {0}")]
    Period(#[from] PeriodError),
    /// Objections after the end of the period; carries the last day.
    #[error("the period ended on {0}")]
    PeriodOver(NaiveDate),
    #[error("the period is still running")]
    PeriodRunning,
    #[error("{0} objections are not handled")]
    OpenObjections(usize),
    #[error("already signed off")]
    Closed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for TpError {
    fn from(e: sqlx::Error) -> Self {
        TpError::Store(StoreError::Db(e))
    }
}

/// The working-day calendar read in the caller's transaction.
pub(crate) async fn calendar_in(tx: &mut Tx) -> Result<Calendar, StoreError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT day, kind FROM calendar_days").fetch_all(&mut **tx).await?;
    let mut holidays = Vec::new();
    let mut makeup = Vec::new();
    for (day, kind) in rows {
        if let Ok(d) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
            if kind == "holiday" {
                holidays.push(d);
            } else {
                makeup.push(d);
            }
        }
    }
    Ok(Calendar::new(holidays, makeup))
}

pub(crate) fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}
