//! Figures: the on-time compliance of the 五必访 per month and year, the dashboard's counts,
//! and the year figures the year-end summary calls ([`year_figures`]). All reads are a fixed
//! number of aggregate statements, whatever the amount of data.

use chrono::NaiveDate;
use jiaogong_domain::care::{self as rules, Compliance};
use jiaogong_domain::platform::money::{add_fen, Fen};

use super::{date, iso};
use crate::{Store, StoreError};

/// Compliance of `year`, per month of the event and in total, as of `today`.
pub async fn compliance(
    store: &Store,
    school_id: &str,
    year: i32,
    today: NaiveDate,
) -> Result<([Compliance; 12], Compliance), StoreError> {
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT event_date, due, visited_on FROM care_tasks WHERE school_id = $1 AND must_visit = 1 AND event_date >= $2 AND event_date <= $3",
    )
    .bind(school_id)
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{year:04}-12-31"))
    .fetch_all(&store.read)
    .await?;
    let events: Vec<(NaiveDate, NaiveDate, Option<NaiveDate>)> =
        rows.iter().filter_map(|(e, d, v)| Some((date(e)?, date(d)?, v.as_deref().and_then(date)))).collect();
    Ok(rules::compliance_year(year, &events, today))
}

/// The dashboard's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Counts {
    pub open: i64,
    pub overdue: i64,
    pub awaiting_approval: i64,
    pub reviews_overdue: i64,
    pub requests_overdue: i64,
}

pub async fn counts(store: &Store, school_id: &str, today: NaiveDate) -> Result<Counts, StoreError> {
    let t = iso(today);
    let (open, overdue): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), CAST(SUM(CASE WHEN due < $2 THEN 1 ELSE 0 END) AS BIGINT) FROM care_tasks WHERE school_id = $1 AND visited_on IS NULL",
    )
    .bind(school_id)
    .bind(&t)
    .fetch_one(&store.read)
    .await?;
    let (awaiting,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM care_visits WHERE school_id = $1 AND approval <> 'none' AND approved_by IS NULL",
    )
    .bind(school_id)
    .fetch_one(&store.read)
    .await?;
    let reviews = super::hardship::overdue_reviews(store, school_id, today).await?;
    let (req,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM care_requests WHERE school_id = $1 AND state IN ('submitted', 'accepted', 'assigned', 'reopened') AND due < $2",
    )
    .bind(school_id)
    .bind(&t)
    .fetch_one(&store.read)
    .await?;
    Ok(Counts {
        open,
        overdue: overdue.unwrap_or(0),
        awaiting_approval: awaiting,
        reviews_overdue: reviews,
        requests_overdue: req,
    })
}

/// The year figures of the summary.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct YearFigures {
    pub year: i32,
    /// (type, visits 人次, people visited), by type code.
    pub visits_by_type: Vec<(String, i64, i64)>,
    /// (type, money given, people paid).
    pub money_by_type: Vec<(String, Fen, i64)>,
    pub visits_total: i64,
    pub money_total: Fen,
    /// Files open at the end of the year (or today), and filed during it.
    pub hardship_files_open: i64,
    pub hardship_files_new: i64,
    /// Aid records of the year, households helped and money given.
    pub aid_records: i64,
    pub aid_households: i64,
    pub aid_money: Fen,
    pub requests_received: i64,
    pub requests_answered: i64,
    pub requests_solved: i64,
    pub requests_partly: i64,
    pub compliance: Compliance,
}

/// The care figures of `year` for the year-end summary (six statements).
pub async fn year_figures(
    store: &Store,
    school_id: &str,
    year: i32,
    today: NaiveDate,
) -> Result<YearFigures, StoreError> {
    let mut f = YearFigures { year, ..YearFigures::default() };
    let rows: Vec<(String, i64, i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT kind, COUNT(*), COUNT(DISTINCT member_id), CAST(SUM(amount_fen) AS BIGINT), \
         COUNT(DISTINCT CASE WHEN amount_fen > 0 THEN member_id END) FROM care_visits \
         WHERE school_id = $1 AND year = $2 GROUP BY kind ORDER BY kind",
    )
    .bind(school_id)
    .bind(i64::from(year))
    .fetch_all(&store.read)
    .await?;
    for (kind, n, people, money, paid) in rows {
        f.visits_total += n;
        let money = Fen(money.unwrap_or(0));
        f.money_total = add_fen(f.money_total, money)?;
        f.visits_by_type.push((kind.clone(), n, people));
        if money.0 > 0 {
            f.money_by_type.push((kind, money, paid));
        }
    }
    let end = format!("{year:04}-12-31");
    let start = format!("{year:04}-01-01");
    let (open, new): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), CAST(SUM(CASE WHEN filed_on >= $3 THEN 1 ELSE 0 END) AS BIGINT) FROM care_hardship_files \
         WHERE school_id = $1 AND filed_on <= $2 AND (closed_on IS NULL OR closed_on > $2)",
    )
    .bind(school_id)
    .bind(&end)
    .bind(&start)
    .fetch_one(&store.read)
    .await?;
    f.hardship_files_open = open;
    f.hardship_files_new = new.unwrap_or(0);
    let (records, households, money): (i64, i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT file_id), CAST(SUM(amount_fen) AS BIGINT) FROM care_aid WHERE school_id = $1 AND year = $2",
    )
    .bind(school_id)
    .bind(i64::from(year))
    .fetch_one(&store.read)
    .await?;
    f.aid_records = records;
    f.aid_households = households;
    f.aid_money = Fen(money.unwrap_or(0));
    let months = super::requests::monthly(store, school_id, year).await?;
    for m in &months {
        f.requests_received += m.received;
        f.requests_answered += m.answered;
        f.requests_solved += m.solved;
        f.requests_partly += m.partly;
    }
    f.compliance = compliance(store, school_id, year, today).await?.1;
    Ok(f)
}
