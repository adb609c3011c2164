//! The ledger (明细账) of an account and the budget with its execution: each a page, a print
//! view laid out like the paper form (`?print=1`) and an .xlsx export (`?xlsx=1`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::finance as rules;
use jiaogong_office::xlsx_write::{self, OutCell, Table};
use jiaogong_store::finance::{self as fin, Account, BudgetRow, LedgerLine};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;

use super::api::{date_or, year_bounds};
use super::pages::{allowed, chart, flash, role};
use super::{yuan, Refusal, APPROVERS, BOOKKEEPERS, READERS};
use crate::platform::ctx::Ctx;
use crate::platform::error::AppError;
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

type PageResult = Result<axum::response::Response, Refusal>;

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/finance/ledger/{code}", get(ledger))
        .add("GET", "/s/{school}/finance/budget", get(budget))
        .add("POST", "/s/{school}/finance/budget", post(budget_set))
}

/// The ledger's range, and whether the print view or the workbook is asked for.
#[derive(Deserialize, Default)]
struct LedgerQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    print: Option<String>,
    #[serde(default)]
    xlsx: Option<String>,
}

#[derive(Template)]
#[template(path = "finance/ledger.html")]
struct LedgerPage {
    c: Chrome,
    school: School,
    code: String,
    name: String,
    from: String,
    to: String,
    lines: Vec<LedgerLine>,
    print: bool,
}

impl LedgerPage {
    fn yuan(&self, f: &i64) -> String {
        yuan(*f)
    }
}

async fn ledger(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, code)): Path<(String, String)>,
    Query(q): Query<LedgerQuery>,
) -> PageResult {
    allowed(&ctx, READERS)?;
    let (f, t) = year_bounds();
    let (from, to) = (date_or(&q.from, f)?, date_or(&q.to, t)?);
    let accounts = chart(&st, &school).await?;
    let name = accounts.iter().find(|a| a.code == code).map(|a| a.name.clone()).ok_or(AppError::NotFound)?;
    let mut tx = st.store.begin().await?;
    let lines = fin::ledger(&mut tx, &school.id, &code, &from, &to).await?;
    jiaogong_store::commit(tx).await?;
    if q.xlsx.is_some() {
        let t = |k: &str| ctx.tr.t(k);
        let amount = |f: i64| OutCell::Text(if f > 0 { yuan(f) } else { String::new() });
        let rows = lines
            .iter()
            .map(|l| {
                vec![
                    OutCell::Text(l.date.clone()),
                    OutCell::Text(format!("{}-{}", l.period, l.number)),
                    OutCell::Text(l.summary.clone()),
                    amount(l.debit),
                    amount(l.credit),
                    OutCell::Text(yuan(l.balance)),
                ]
            })
            .collect();
        let headers = ["fin-col-date", "fin-col-number", "fin-col-summary", "fin-debit", "fin-credit", "fin-balance"]
            .iter()
            .map(|k| t(k))
            .collect();
        let bytes = xlsx_write::write_tables(&[Table {
            sheet_name: format!("{code} {name}"),
            headers,
            rows,
            col_widths: vec![],
        }])
        .map_err(|e| AppError::Internal(e.to_string()))?;
        return Ok(crate::members::export::xlsx_response(&format!("ledger-{code}-{from}-{to}.xlsx"), bytes));
    }
    Ok(render(&LedgerPage {
        c: Chrome::new(&ctx, "finance", ctx.tr.t("fin-ledger")),
        school,
        code,
        name,
        from,
        to,
        lines,
        print: q.print.is_some(),
    })?)
}

#[derive(Template)]
#[template(path = "finance/budget.html")]
struct BudgetPage {
    c: Chrome,
    school: School,
    year: i64,
    rows: Vec<BudgetRow>,
    approved: Option<(String, String)>,
    chart: String,
    categories: Vec<Account>,
    may_edit: bool,
    may_approve: bool,
    msg: String,
    print: bool,
}

impl BudgetPage {
    fn yuan(&self, f: &i64) -> String {
        yuan(*f)
    }
    fn pct(&self, permille: &i64) -> String {
        format!("{}.{}%", permille / 10, (permille % 10).abs())
    }
}

#[derive(Deserialize, Default)]
struct YearQuery {
    #[serde(default)]
    year: Option<i64>,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    print: Option<String>,
    #[serde(default)]
    xlsx: Option<String>,
}

fn whole_yuan(fen: i64) -> f64 {
    i32::try_from(fen / 100).map(f64::from).unwrap_or(0.0)
}

async fn budget(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<YearQuery>,
) -> PageResult {
    allowed(&ctx, READERS)?;
    use chrono::Datelike;
    let year = q.year.unwrap_or_else(|| i64::from(crate::platform::pages::today().year()));
    let mut tx = st.store.begin().await?;
    let rows = fin::budget_execution(&mut tx, &school.id, year).await?;
    let approved = fin::budget_approved(&mut tx, &school.id, year).await?;
    let categories = fin::accounts(&mut tx, &school.id)
        .await?
        .into_iter()
        .filter(|a| rules::budget_category(&a.code) == Some(a.code.as_str()))
        .collect();
    jiaogong_store::commit(tx).await?;
    if q.xlsx.is_some() {
        return budget_xlsx(&ctx, year, &rows);
    }
    let mut series = Vec::new();
    for r in &rows {
        series.push(jiaogong_office::svg::Series {
            label: format!("{} {}", r.name, ctx.tr.t("fin-budget")),
            value: whole_yuan(r.budget),
        });
        series.push(jiaogong_office::svg::Series {
            label: format!("{} {}", r.name, ctx.tr.t("fin-actual")),
            value: whole_yuan(r.actual),
        });
    }
    let chart = jiaogong_office::svg::bar_chart(&ctx.tr.t("fin-budget-chart"), &series, &ctx.tr.t("fin-yuan"));
    let r = role(&ctx);
    Ok(render(&BudgetPage {
        c: Chrome::new(&ctx, "finance", ctx.tr.t("fin-budget")),
        may_edit: approved.is_none() && r.is_some_and(|r| BOOKKEEPERS.contains(&r)),
        may_approve: approved.is_none() && r.is_some_and(|r| APPROVERS.contains(&r)),
        school,
        year,
        rows,
        approved,
        chart,
        categories,
        msg: q.msg,
        print: q.print.is_some(),
    })?)
}

#[derive(Deserialize)]
struct BudgetForm {
    year: i64,
    action: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    decision: String,
}

async fn budget_set(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<BudgetForm>,
) -> PageResult {
    let back = format!("/s/{}/finance/budget?year={}", school.code, f.year);
    let mut tx = st.store.begin().await?;
    let r = if f.action == "approve" {
        allowed(&ctx, APPROVERS)?;
        fin::approve_budget(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), f.year, &f.decision).await
    } else {
        allowed(&ctx, BOOKKEEPERS)?;
        match rules::parse_amount(&f.amount) {
            Ok(a) => fin::set_budget(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), f.year, &f.category, a).await,
            Err(m) => return Ok(flash(&back, &format!("{}{m}", ctx.tr.t("fin-col-amount")))),
        }
    };
    match r {
        Ok(()) => {
            jiaogong_store::commit(tx).await?;
            Ok(see_other(&back))
        }
        Err(e) => Ok(flash(&back, &Refusal::from(e).message(&ctx.tr))),
    }
}

/// The budget execution as a workbook: per category the budget, each month's spending, the
/// year's actual and the rate.
fn budget_xlsx(ctx: &Ctx, year: i64, rows: &[BudgetRow]) -> PageResult {
    let t = |k: &str| ctx.tr.t(k);
    let mut headers = vec![t("fin-col-account"), t("fin-budget")];
    headers.extend((1..=12).map(|m| ctx.tr.t1("fin-month-n", "month", &m.to_string())));
    headers.extend([t("fin-actual"), t("fin-rate")]);
    let out = rows
        .iter()
        .map(|r| {
            let mut row = vec![OutCell::Text(format!("{} {}", r.code, r.name)), OutCell::Text(yuan(r.budget))];
            row.extend(r.months.iter().map(|m| OutCell::Text(yuan(*m))));
            row.push(OutCell::Text(yuan(r.actual)));
            row.push(OutCell::Text(format!("{}.{}%", r.permille / 10, (r.permille % 10).abs())));
            row
        })
        .collect();
    let bytes = xlsx_write::write_tables(&[Table {
        sheet_name: format!("{} {year}", t("fin-budget")),
        headers,
        rows: out,
        col_widths: vec![],
    }])
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::members::export::xlsx_response(&format!("budget-{year}.xlsx"), bytes))
}
