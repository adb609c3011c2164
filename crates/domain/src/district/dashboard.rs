//! The district dashboard: the columns shown for every school, computed from the stored
//! key/value figures of the school's year (`school_figures`), with rates in permille, rankings,
//! filters and distributions. An area adds a figure by adding its code to the store's
//! refresher and, when it should be a column, one [`Column`] here.

use std::cmp::Ordering;
use std::collections::BTreeMap;

/// How a column is derived from the stored figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A stored count, shown as is.
    Count(&'static str),
    /// A stored amount in fen.
    Fen(&'static str),
    /// `numerator / denominator` in permille; no value when the denominator is 0.
    Rate { num: &'static str, den: &'static str },
    /// 1 when the stored count is above 0.
    Flag(&'static str),
}

/// One column of the dashboard: its key (also the API field), its Fluent label and its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: Kind,
}

/// Stored figure codes.
pub mod code {
    pub const MEMBERS: &str = "members.active";
    pub const STAFF: &str = "members.staff";
    pub const RETIRED: &str = "members.retired";
    pub const CONGRESS_SESSIONS: &str = "congress.sessions";
    pub const PROPOSALS_DUE: &str = "proposals.due";
    pub const PROPOSALS_ON_TIME: &str = "proposals.on_time";
    pub const CARE_DECIDED: &str = "care.decided";
    pub const CARE_ON_TIME: &str = "care.on_time";
    pub const DISCLOSURES_DUE: &str = "finance.disclosures_due";
    pub const DISCLOSURES_ON_TIME: &str = "finance.disclosures_on_time";
    pub const SPENT: &str = "finance.spent";
    pub const TP_ITEMS: &str = "transparency.items";
    pub const TP_ON_TIME: &str = "transparency.on_time";
    /// The staff-home self-score (points), written by the assessment when it lands.
    pub const SELF_SCORE: &str = "assessment.self_score";
    /// The number of items of the school's score sheet without evidence or score (its gaps).
    pub const ASSESSMENT_GAPS: &str = "assessment.gaps";
    /// Spending of one top expense account: `finance.spent.501`.
    pub const SPENT_PREFIX: &str = "finance.spent.";
}

/// The top expense accounts (职工活动, 职工服务, 维权, 业务, 资本性) shown as spending columns.
pub const SPENDING_ACCOUNTS: [&str; 5] = ["501", "503", "504", "505", "507"];

/// The columns, in the order of the table.
pub const COLUMNS: &[Column] = &[
    Column { key: "members", label: "dist-col-members", kind: Kind::Count(code::MEMBERS) },
    Column {
        key: "membership_rate",
        label: "dist-col-membership-rate",
        kind: Kind::Rate { num: code::MEMBERS, den: code::STAFF },
    },
    Column { key: "congress_held", label: "dist-col-congress-held", kind: Kind::Flag(code::CONGRESS_SESSIONS) },
    Column {
        key: "proposals_on_time_rate",
        label: "dist-col-proposals-on-time",
        kind: Kind::Rate { num: code::PROPOSALS_ON_TIME, den: code::PROPOSALS_DUE },
    },
    Column {
        key: "care_compliance_rate",
        label: "dist-col-care-compliance",
        kind: Kind::Rate { num: code::CARE_ON_TIME, den: code::CARE_DECIDED },
    },
    Column {
        key: "disclosures_on_time_rate",
        label: "dist-col-disclosures-on-time",
        kind: Kind::Rate { num: code::DISCLOSURES_ON_TIME, den: code::DISCLOSURES_DUE },
    },
    Column {
        key: "transparency_on_time_rate",
        label: "dist-col-transparency-on-time",
        kind: Kind::Rate { num: code::TP_ON_TIME, den: code::TP_ITEMS },
    },
    Column { key: "spent_fen", label: "dist-col-spent", kind: Kind::Fen(code::SPENT) },
    Column { key: "spent_501_fen", label: "dist-col-spent-501", kind: Kind::Fen("finance.spent.501") },
    Column { key: "spent_503_fen", label: "dist-col-spent-503", kind: Kind::Fen("finance.spent.503") },
    Column { key: "spent_504_fen", label: "dist-col-spent-504", kind: Kind::Fen("finance.spent.504") },
    Column { key: "spent_505_fen", label: "dist-col-spent-505", kind: Kind::Fen("finance.spent.505") },
    Column { key: "spent_507_fen", label: "dist-col-spent-507", kind: Kind::Fen("finance.spent.507") },
    Column { key: "self_score", label: "dist-col-self-score", kind: Kind::Count(code::SELF_SCORE) },
];

/// A column by its key.
pub fn column(key: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.key == key)
}

/// `num / den` in permille, rounded down; `None` when there is nothing to measure.
pub fn permille(num: i64, den: i64) -> Option<i64> {
    if den <= 0 || num < 0 {
        return None;
    }
    Some(((i128::from(num.min(den)) * 1000) / i128::from(den)) as i64)
}

/// The value of a column from a school's stored figures. A count the school has never
/// recorded is 0; a rate without a denominator, or a figure no area has written yet (the
/// self-score before the assessment), is `None`.
pub fn value(col: &Column, figures: &BTreeMap<String, i64>) -> Option<i64> {
    match col.kind {
        Kind::Count(c) if c == code::SELF_SCORE => figures.get(c).copied(),
        Kind::Count(c) | Kind::Fen(c) => Some(figures.get(c).copied().unwrap_or(0)),
        Kind::Flag(c) => Some(i64::from(figures.get(c).copied().unwrap_or(0) > 0)),
        Kind::Rate { num, den } => {
            permille(figures.get(num).copied().unwrap_or(0), figures.get(den).copied().unwrap_or(0))
        }
    }
}

/// One school's row: the values of every column, in the order of [`COLUMNS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub school: String,
    pub name: String,
    pub code: String,
    /// The district (or sub-district) the school belongs to.
    pub district: String,
    pub values: Vec<Option<i64>>,
}

impl Row {
    pub fn new(school: String, name: String, code: String, district: String, figures: &BTreeMap<String, i64>) -> Row {
        Row { school, name, code, district, values: COLUMNS.iter().map(|c| value(c, figures)).collect() }
    }

    /// The value of the column with `key`.
    pub fn get(&self, key: &str) -> Option<i64> {
        let i = COLUMNS.iter().position(|c| c.key == key)?;
        self.values.get(i).copied().flatten()
    }
}

/// Sorts by a column (by name when the key is unknown); schools without a value go last in
/// both directions, ties by name.
pub fn sort_rows(rows: &mut [Row], key: &str, descending: bool) {
    let idx = COLUMNS.iter().position(|c| c.key == key);
    rows.sort_by(|a, b| {
        let by_value = match idx {
            None => Ordering::Equal,
            Some(i) => {
                let (x, y) = (a.values.get(i).copied().flatten(), b.values.get(i).copied().flatten());
                match (x, y) {
                    (Some(x), Some(y)) if descending => y.cmp(&x),
                    (Some(x), Some(y)) => x.cmp(&y),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                }
            }
        };
        let by_name = if idx.is_none() && descending { b.name.cmp(&a.name) } else { a.name.cmp(&b.name) };
        by_value.then(by_name)
    });
}

/// Keeps the schools whose column value is below `threshold` (schools without a value are
/// kept too: nothing measured is a gap to look at).
pub fn below(rows: Vec<Row>, key: &str, threshold: i64) -> Vec<Row> {
    rows.into_iter().filter(|r| r.get(key).is_none_or(|v| v < threshold)).collect()
}

/// The distribution of a permille column in ten bands (0–9.9 %, …, 90–100 %) plus the count of
/// schools without a value, for the charts.
pub fn rate_bands(rows: &[Row], key: &str) -> ([i64; 10], i64) {
    let mut bands = [0i64; 10];
    let mut none = 0;
    for r in rows {
        match r.get(key) {
            Some(v) => {
                let i = usize::try_from((v.clamp(0, 1000) / 100).min(9)).unwrap_or(0);
                bands[i] += 1;
            }
            None => none += 1,
        }
    }
    (bands, none)
}

/// The deadline of a half-yearly finance disclosure: the last day of the month after the half.
pub fn disclosure_deadline(year: i32, first_half: bool) -> Option<chrono::NaiveDate> {
    if first_half {
        chrono::NaiveDate::from_ymd_opt(year, 7, 31)
    } else {
        chrono::NaiveDate::from_ymd_opt(year + 1, 1, 31)
    }
}

#[cfg(test)]
#[path = "dashboard_tests.rs"]
mod tests;
