//! Condolence standards as published by provinces: a rule table keyed by region and effective
//! date, shipped as data with its source. The school picks its province; a later row of the
//! same region and type replaces an earlier one from its effective date on. The school's own
//! rule (its settings) may be lower; an amount above the regional ceiling is flagged.

use chrono::NaiveDate;

use crate::platform::money::Fen;

/// One published ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standard {
    pub region: &'static str,
    /// `YYYY-MM-DD` from which the row applies.
    pub effective: &'static str,
    /// The event type code.
    pub code: &'static str,
    /// The most per occasion (for `festival`: per member per year).
    pub max: Fen,
    pub source: &'static str,
}

const AH: &str = "安徽省总工会《关于进一步规范基层工会经费使用管理的意见》(2018)";
const SC: &str = "四川省总工会基层工会经费收支管理实施办法";

/// The shipped table (editable data: a school's settings override it).
pub const TABLE: &[Standard] = &[
    Standard { region: "anhui", effective: "2018-01-01", code: "married", max: Fen(60_000), source: AH },
    Standard { region: "anhui", effective: "2018-01-01", code: "childbirth", max: Fen(60_000), source: AH },
    Standard { region: "anhui", effective: "2018-01-01", code: "hospitalised", max: Fen(100_000), source: AH },
    Standard { region: "anhui", effective: "2018-01-01", code: "deceased", max: Fen(200_000), source: AH },
    Standard { region: "anhui", effective: "2018-01-01", code: "bereaved", max: Fen(100_000), source: AH },
    Standard { region: "anhui", effective: "2018-01-01", code: "retired", max: Fen(100_000), source: AH },
    Standard { region: "anhui", effective: "2018-01-01", code: "festival", max: Fen(150_000), source: AH },
    Standard { region: "sichuan", effective: "2018-01-01", code: "festival", max: Fen(210_000), source: SC },
    Standard { region: "sichuan", effective: "2021-01-01", code: "festival", max: Fen(220_000), source: SC },
    Standard { region: "sichuan", effective: "2018-01-01", code: "married", max: Fen(50_000), source: SC },
    Standard { region: "sichuan", effective: "2018-01-01", code: "childbirth", max: Fen(50_000), source: SC },
];

/// The regions the table knows, with their names.
pub const REGIONS: [(&str, &str); 2] = [("anhui", "安徽"), ("sichuan", "四川")];

/// The ceiling of `code` in `region` on `date`: the row with the latest effective date not after it.
pub fn ceiling(region: &str, code: &str, date: NaiveDate) -> Option<Standard> {
    TABLE
        .iter()
        .filter(|s| s.region == region && s.code == code)
        .filter(|s| NaiveDate::parse_from_str(s.effective, "%Y-%m-%d").is_ok_and(|e| e <= date))
        .max_by_key(|s| s.effective)
        .copied()
}
