//! The year-end summary's figures: a registry of one function per area, each returning the
//! figures it contributes as a counting query and the query that lists the records behind the
//! count. A new area adds one function to [`AREAS`]. Every query takes the same parameters:
//! `$1` school id, `$2`/`$3` first and last day of the year (`YYYY-MM-DD`), `$4`/`$5` first
//! and last millisecond of the year.

use std::collections::BTreeMap;

use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

/// One figure of an area: its code (`members.joined`), the Fluent id of its label, the query
/// that counts it (one row, one BIGINT) and the query that lists its records (rows of id,
/// label, date as text).
#[derive(Debug, Clone, Copy)]
pub struct FigureSpec {
    pub code: &'static str,
    pub label: &'static str,
    pub count_sql: &'static str,
    pub list_sql: &'static str,
}

/// An area's figures.
pub type AreaFigures = fn() -> Vec<FigureSpec>;

/// The areas that contribute figures, in the order of the report. A new area adds its
/// function here.
pub const AREAS: &[(&str, AreaFigures)] = &[
    ("members", members_figures),
    ("congress", congress_figures),
    ("activities", activities_figures),
    ("care", care_figures),
    ("finance", finance_figures),
    ("transparency", transparency_figures),
];

fn members_figures() -> Vec<FigureSpec> {
    vec![
        FigureSpec {
            code: "members.total",
            label: "sum-fig-members-total",
            count_sql: "SELECT COUNT(*) FROM members WHERE school_id = $1 AND status IN ('active', 'retired') \
                        AND created_at <= $5 AND ($2 = $2) AND ($3 = $3) AND ($4 = $4)",
            list_sql: "SELECT id, name, COALESCE(joined_union, '') FROM members WHERE school_id = $1 \
                       AND status IN ('active', 'retired') AND created_at <= $5 AND ($2 = $2) AND ($3 = $3) AND ($4 = $4) ORDER BY name",
        },
        FigureSpec {
            code: "members.joined",
            label: "sum-fig-members-joined",
            count_sql: "SELECT COUNT(*) FROM members WHERE school_id = $1 AND joined_union >= $2 AND joined_union <= $3 \
                        AND ($4 = $4) AND ($5 = $5)",
            list_sql: "SELECT id, name, joined_union FROM members WHERE school_id = $1 AND joined_union >= $2 \
                       AND joined_union <= $3 AND ($4 = $4) AND ($5 = $5) ORDER BY joined_union",
        },
    ]
}

fn congress_figures() -> Vec<FigureSpec> {
    vec![
        FigureSpec {
            code: "congress.sessions",
            label: "sum-fig-congress-sessions",
            count_sql: "SELECT COUNT(*) FROM congress_sessions WHERE school_id = $1 AND held_on >= $2 AND held_on <= $3 \
                        AND ($4 = $4) AND ($5 = $5)",
            list_sql: "SELECT id, title, held_on FROM congress_sessions WHERE school_id = $1 AND held_on >= $2 \
                       AND held_on <= $3 AND ($4 = $4) AND ($5 = $5) ORDER BY held_on",
        },
        FigureSpec {
            code: "congress.proposals",
            label: "sum-fig-congress-proposals",
            count_sql: "SELECT COUNT(*) FROM proposals WHERE school_id = $1 AND submitted_on >= $2 AND submitted_on <= $3 \
                        AND ($4 = $4) AND ($5 = $5)",
            list_sql: "SELECT id, title, submitted_on FROM proposals WHERE school_id = $1 AND submitted_on >= $2 \
                       AND submitted_on <= $3 AND ($4 = $4) AND ($5 = $5) ORDER BY submitted_on",
        },
        FigureSpec {
            code: "congress.proposals_answered",
            label: "sum-fig-congress-answered",
            count_sql: "SELECT COUNT(*) FROM proposals WHERE school_id = $1 AND submitted_on >= $2 AND submitted_on <= $3 \
                        AND state IN ('answered', 'closed') AND ($4 = $4) AND ($5 = $5)",
            list_sql: "SELECT id, title, submitted_on FROM proposals WHERE school_id = $1 AND submitted_on >= $2 \
                       AND submitted_on <= $3 AND state IN ('answered', 'closed') AND ($4 = $4) AND ($5 = $5) ORDER BY submitted_on",
        },
        FigureSpec {
            code: "congress.evaluations",
            label: "sum-fig-congress-evaluations",
            count_sql: "SELECT (SELECT COUNT(*) FROM evaluations WHERE school_id = $1 AND created_at >= $4 AND created_at <= $5) \
                        + (SELECT COUNT(*) FROM selections WHERE school_id = $1 AND created_at >= $4 AND created_at <= $5) \
                        + 0 * LENGTH($2) + 0 * LENGTH($3)",
            list_sql: "SELECT id, title, '' FROM evaluations WHERE school_id = $1 AND created_at >= $4 AND created_at <= $5 \
                       AND ($2 = $2) AND ($3 = $3) UNION ALL SELECT id, title, COALESCE(publicity_start, '') FROM selections \
                       WHERE school_id = $1 AND created_at >= $4 AND created_at <= $5",
        },
    ]
}

fn activities_figures() -> Vec<FigureSpec> {
    vec![
        FigureSpec {
            code: "activities.held",
            label: "sum-fig-activities-held",
            count_sql: "SELECT COUNT(*) FROM activities WHERE school_id = $1 AND cancelled = 0 AND starts_at >= $4 \
                        AND starts_at <= $5 AND ($2 = $2) AND ($3 = $3)",
            list_sql: "SELECT id, title, '' FROM activities WHERE school_id = $1 AND cancelled = 0 AND starts_at >= $4 \
                       AND starts_at <= $5 AND ($2 = $2) AND ($3 = $3) ORDER BY starts_at",
        },
        FigureSpec {
            code: "activities.attendance",
            label: "sum-fig-activities-attendance",
            count_sql: "SELECT COUNT(*) FROM activity_attendance t JOIN activities a ON a.id = t.activity_id \
                        WHERE a.school_id = $1 AND a.starts_at >= $4 AND a.starts_at <= $5 AND ($2 = $2) AND ($3 = $3)",
            list_sql: "SELECT a.id, a.title, '' FROM activity_attendance t JOIN activities a ON a.id = t.activity_id \
                       WHERE a.school_id = $1 AND a.starts_at >= $4 AND a.starts_at <= $5 AND ($2 = $2) AND ($3 = $3) ORDER BY a.starts_at",
        },
    ]
}

/// Care: visits by the 五必访 types and the money given (in whole yuan, rounded half up),
/// hardship aid, member requests. Lists name the type and date only, never the member.
fn care_figures() -> Vec<FigureSpec> {
    /// The visits of some event types (a list of quoted codes).
    macro_rules! visits_of {
        ($code:literal, $label:literal, $kinds:literal) => {
            FigureSpec {
                code: $code,
                label: $label,
                count_sql: concat!(
                    "SELECT COUNT(*) FROM care_visits WHERE school_id = $1 AND visit_date >= $2 AND visit_date <= $3 \
                     AND kind IN (",
                    $kinds,
                    ") AND ($4 = $4) AND ($5 = $5)"
                ),
                list_sql: concat!(
                    "SELECT id, kind, visit_date FROM care_visits WHERE school_id = $1 AND visit_date >= $2 \
                     AND visit_date <= $3 AND kind IN (",
                    $kinds,
                    ") AND ($4 = $4) AND ($5 = $5) ORDER BY visit_date"
                ),
            }
        };
    }
    let mut v = vec![
        FigureSpec {
            code: "care.visits",
            label: "sum-fig-care-visits",
            count_sql:
                "SELECT COUNT(*) FROM care_visits WHERE school_id = $1 AND visit_date >= $2 AND visit_date <= $3 \
                        AND ($4 = $4) AND ($5 = $5)",
            list_sql: "SELECT id, kind, visit_date FROM care_visits WHERE school_id = $1 AND visit_date >= $2 \
                       AND visit_date <= $3 AND ($4 = $4) AND ($5 = $5) ORDER BY visit_date",
        },
        visits_of!("care.visits_sick_birth", "sum-fig-care-sick-birth", "'hospitalised', 'childbirth'"),
        visits_of!("care.visits_bereaved", "sum-fig-care-bereaved", "'bereaved', 'deceased'"),
        visits_of!("care.visits_hardship", "sum-fig-care-hardship-visits", "'hardship'"),
    ];
    v.extend([
        FigureSpec {
            code: "care.money_yuan",
            label: "sum-fig-care-money",
            count_sql: "SELECT (CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) + 50) / 100 FROM care_visits WHERE school_id = $1 \
                        AND visit_date >= $2 AND visit_date <= $3 AND ($4 = $4) AND ($5 = $5)",
            list_sql: "SELECT id, kind, visit_date FROM care_visits WHERE school_id = $1 AND visit_date >= $2 \
                       AND visit_date <= $3 AND amount_fen > 0 AND ($4 = $4) AND ($5 = $5) ORDER BY visit_date",
        },
        FigureSpec {
            code: "care.hardship_aid",
            label: "sum-fig-care-aid",
            count_sql: "SELECT COUNT(*) FROM care_aid WHERE school_id = $1 AND aid_date >= $2 AND aid_date <= $3 \
                        AND ($4 = $4) AND ($5 = $5)",
            list_sql: "SELECT id, kind, aid_date FROM care_aid WHERE school_id = $1 AND aid_date >= $2 AND aid_date <= $3 \
                       AND ($4 = $4) AND ($5 = $5) ORDER BY aid_date",
        },
        FigureSpec {
            code: "care.requests",
            label: "sum-fig-care-requests",
            count_sql: "SELECT COUNT(*) FROM care_requests WHERE school_id = $1 AND submitted_on >= $2 AND submitted_on <= $3 \
                        AND ($4 = $4) AND ($5 = $5)",
            list_sql: "SELECT id, category, submitted_on FROM care_requests WHERE school_id = $1 AND submitted_on >= $2 \
                       AND submitted_on <= $3 AND ($4 = $4) AND ($5 = $5) ORDER BY submitted_on",
        },
    ]);
    v
}

/// Finance: the year's income and expenditure from approved vouchers (without the year-end
/// closing voucher), in whole yuan rounded half up, the list being the vouchers behind them;
/// and the published disclosures of the year's books (by the half year they cover).
fn finance_figures() -> Vec<FigureSpec> {
    vec![
        FigureSpec {
            code: "finance.income_yuan",
            label: "sum-fig-finance-income",
            count_sql: "SELECT (CAST(COALESCE(SUM(l.credit_fen - l.debit_fen), 0) AS BIGINT) + 50) / 100 FROM fin_lines l \
                        JOIN fin_vouchers v ON v.id = l.voucher_id JOIN fin_accounts a ON a.school_id = l.school_id AND a.code = l.account_code \
                        WHERE v.school_id = $1 AND v.state = 'approved' AND v.closing = 0 AND a.kind = 'income' \
                        AND v.voucher_date >= $2 AND v.voucher_date <= $3 AND ($4 = $4) AND ($5 = $5)",
            list_sql: "SELECT DISTINCT v.id, v.summary, v.voucher_date FROM fin_lines l JOIN fin_vouchers v ON v.id = l.voucher_id \
                       JOIN fin_accounts a ON a.school_id = l.school_id AND a.code = l.account_code \
                       WHERE v.school_id = $1 AND v.state = 'approved' AND v.closing = 0 AND a.kind = 'income' \
                       AND v.voucher_date >= $2 AND v.voucher_date <= $3 AND ($4 = $4) AND ($5 = $5) ORDER BY v.voucher_date",
        },
        FigureSpec {
            code: "finance.expense_yuan",
            label: "sum-fig-finance-expense",
            count_sql: "SELECT (CAST(COALESCE(SUM(l.debit_fen - l.credit_fen), 0) AS BIGINT) + 50) / 100 FROM fin_lines l \
                        JOIN fin_vouchers v ON v.id = l.voucher_id JOIN fin_accounts a ON a.school_id = l.school_id AND a.code = l.account_code \
                        WHERE v.school_id = $1 AND v.state = 'approved' AND v.closing = 0 AND a.kind = 'expense' \
                        AND v.voucher_date >= $2 AND v.voucher_date <= $3 AND ($4 = $4) AND ($5 = $5)",
            list_sql: "SELECT DISTINCT v.id, v.summary, v.voucher_date FROM fin_lines l JOIN fin_vouchers v ON v.id = l.voucher_id \
                       JOIN fin_accounts a ON a.school_id = l.school_id AND a.code = l.account_code \
                       WHERE v.school_id = $1 AND v.state = 'approved' AND v.closing = 0 AND a.kind = 'expense' \
                       AND v.voucher_date >= $2 AND v.voucher_date <= $3 AND ($4 = $4) AND ($5 = $5) ORDER BY v.voucher_date",
        },
        FigureSpec {
            code: "finance.disclosures",
            label: "sum-fig-finance-disclosures",
            count_sql: "SELECT COUNT(*) FROM fin_disclosures WHERE school_id = $1 AND state = 'published' \
                        AND period_from >= SUBSTR($2, 1, 7) AND period_from <= SUBSTR($3, 1, 7) AND ($4 = $4) AND ($5 = $5)",
            list_sql: "SELECT id, title, period_to FROM fin_disclosures WHERE school_id = $1 AND state = 'published' \
                       AND period_from >= SUBSTR($2, 1, 7) AND period_from <= SUBSTR($3, 1, 7) AND ($4 = $4) AND ($5 = $5) \
                       ORDER BY period_to",
        },
    ]
}

fn transparency_figures() -> Vec<FigureSpec> {
    vec![FigureSpec {
        code: "transparency.items",
        label: "sum-fig-transparency-items",
        count_sql:
            "SELECT COUNT(*) FROM transparency_items WHERE school_id = $1 AND start_day >= $2 AND start_day <= $3 \
                    AND ($4 = $4) AND ($5 = $5)",
        list_sql: "SELECT id, title, start_day FROM transparency_items WHERE school_id = $1 AND start_day >= $2 \
                   AND start_day <= $3 AND ($4 = $4) AND ($5 = $5) ORDER BY start_day",
    }]
}

/// Every figure spec of every area, with its area.
pub fn specs() -> Vec<(&'static str, FigureSpec)> {
    AREAS.iter().flat_map(|(area, f)| f().into_iter().map(move |s| (*area, s))).collect()
}

/// The bounds of a year: days as text and instants in ms (China time).
fn bounds(year: i32) -> (String, String, i64, i64) {
    let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1).map(crate::cn_day_start_ms).unwrap_or(0);
    let to = chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1).map(|d| crate::cn_day_start_ms(d) - 1).unwrap_or(0);
    (format!("{year:04}-01-01"), format!("{year:04}-12-31"), from, to)
}

async fn count(store: &Store, spec: &FigureSpec, school_id: &str, year: i32) -> Result<i64> {
    let (a, b, c, d) = bounds(year);
    let (n,): (i64,) =
        sqlx::query_as(spec.count_sql).bind(school_id).bind(a).bind(b).bind(c).bind(d).fetch_one(&store.read).await?;
    Ok(n)
}

/// A figure of the summary with last year's beside it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Figure {
    pub area: String,
    pub code: String,
    pub label: String,
    pub value: i64,
    pub last_year: i64,
    /// The API path that lists the records behind the figure.
    pub query: String,
}

/// Computes every figure of `year` with last year's beside it.
pub async fn figures(store: &Store, school_id: &str, year: i32) -> Result<Vec<Figure>> {
    let mut out = Vec::new();
    for (area, spec) in specs() {
        let value = count(store, &spec, school_id, year).await?;
        let last_year = count(store, &spec, school_id, year - 1).await?;
        out.push(Figure {
            area: area.to_string(),
            code: spec.code.to_string(),
            label: spec.label.to_string(),
            value,
            last_year,
            query: format!("/api/v1/schools/{school_id}/summary/{year}/figures/{}", spec.code),
        });
    }
    Ok(out)
}

/// The figures of `year` by code (for goals), without last year's.
pub async fn figure_values(store: &Store, school_id: &str, year: i32) -> Result<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    for (_, spec) in specs() {
        out.insert(spec.code.to_string(), count(store, &spec, school_id, year).await?);
    }
    Ok(out)
}

/// One record behind a figure.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Record {
    pub id: String,
    pub label: String,
    pub date: String,
}

/// The records behind a figure (404 for an unknown code).
pub async fn records(store: &Store, school_id: &str, year: i32, code: &str) -> Result<Vec<Record>> {
    let spec = specs().into_iter().map(|(_, s)| s).find(|s| s.code == code).ok_or(StoreError::NotFound)?;
    let (a, b, c, d) = bounds(year);
    let rows: Vec<(String, String, String)> =
        sqlx::query_as(spec.list_sql).bind(school_id).bind(a).bind(b).bind(c).bind(d).fetch_all(&store.read).await?;
    Ok(rows.into_iter().map(|(id, label, date)| Record { id, label, date }).collect())
}

/// The prose sections of a summary, in the order of the report.
pub const SECTIONS: &[&str] =
    &["opening", "members", "congress", "activities", "care", "finance", "transparency", "closing"];

/// A drafted summary: the figures of the last draft and the chair's prose.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    pub id: String,
    pub year: i32,
    pub figures: Vec<Figure>,
    pub prose: BTreeMap<String, String>,
    pub drafted_at: i64,
}

/// Drafts (or re-drafts) the summary of `year`: the figures are computed afresh; the prose
/// already written stays as it is.
pub async fn draft(
    tx: &mut Tx,
    store: &Store,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    year: i32,
) -> Result<String> {
    let figs = figures(store, school_id, year).await?;
    let json = serde_json::to_string(&figs).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let existing: Option<(String,)> = sqlx::query_as("SELECT id FROM summaries WHERE school_id = $1 AND year = $2")
        .bind(school_id)
        .bind(i64::from(year))
        .fetch_optional(&mut **tx)
        .await?;
    let id = match existing {
        Some((id,)) => {
            sqlx::query("UPDATE summaries SET figures = $1, drafted_at = $2, drafted_by = $3 WHERE id = $4")
                .bind(&json)
                .bind(now_ms())
                .bind(actor)
                .bind(&id)
                .execute(&mut **tx)
                .await?;
            id
        }
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO summaries (id, school_id, year, figures, drafted_at, drafted_by) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(school_id)
            .bind(i64::from(year))
            .bind(&json)
            .bind(now_ms())
            .bind(actor)
            .execute(&mut **tx)
            .await?;
            id
        }
    };
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "summary.draft", &id).detail(year.to_string()))
        .await?;
    Ok(id)
}

/// Writes one prose section (checked by the caller: no script).
pub async fn set_prose(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    year: i32,
    section: &str,
    body: &str,
) -> Result<()> {
    if !SECTIONS.contains(&section) {
        return Err(StoreError::Invalid("section".into()));
    }
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM summaries WHERE school_id = $1 AND year = $2")
        .bind(school_id)
        .bind(i64::from(year))
        .fetch_optional(&mut **tx)
        .await?;
    let (id,) = row.ok_or(StoreError::NotFound)?;
    sqlx::query(
        "INSERT INTO summary_prose (summary_id, school_id, section, body, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (summary_id, section) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(&id)
    .bind(school_id)
    .bind(section)
    .bind(body)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "summary.prose", &id).detail(section.to_string()))
        .await?;
    Ok(())
}

/// The drafted summary of `year`, if any.
pub async fn get(store: &Store, school_id: &str, year: i32) -> Result<Option<Summary>> {
    let row: Option<(String, String, i64)> =
        sqlx::query_as("SELECT id, figures, drafted_at FROM summaries WHERE school_id = $1 AND year = $2")
            .bind(school_id)
            .bind(i64::from(year))
            .fetch_optional(&store.read)
            .await?;
    let Some((id, figs, drafted_at)) = row else { return Ok(None) };
    let figures: Vec<Figure> = serde_json::from_str(&figs).unwrap_or_default();
    let prose: Vec<(String, String)> =
        sqlx::query_as("SELECT section, body FROM summary_prose WHERE summary_id = $1 AND school_id = $2")
            .bind(&id)
            .bind(school_id)
            .fetch_all(&store.read)
            .await?;
    Ok(Some(Summary { id, year, figures, prose: prose.into_iter().collect(), drafted_at }))
}
