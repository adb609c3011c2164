//! The finance API (issue 14's contract): the chart, preparing a voucher, review and approval,
//! the 收入支出表 and 资产负债表 as JSON (the same figures as the pages), and the audit findings.
//! Vouchers are looked up in the caller's school only: another school's id is 404, and the
//! attempt is audited.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use jiaogong_domain::finance::{self as rules, Line};
use jiaogong_domain::platform::money::Fen;
use jiaogong_store::finance as fin;
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;
use serde_json::{json, Value};

use super::Refusal;
use crate::platform::ctx::Ctx;
use crate::platform::error::AppError;
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/api/v1/schools/{school}/accounts", get(accounts))
        .add("POST", "/api/v1/schools/{school}/vouchers", post(create))
        .add("POST", "/api/v1/vouchers/{id}/review", post(review))
        .add("POST", "/api/v1/vouchers/{id}/approve", post(approve))
        .add("GET", "/api/v1/schools/{school}/reports/income-expenditure", get(income_expenditure))
        .add("GET", "/api/v1/schools/{school}/reports/balance-sheet", get(balance_sheet))
        .add("GET", "/api/v1/schools/{school}/audit-findings", get(findings))
}

async fn accounts(State(st): State<AppState>, Extension(school): Extension<School>) -> Result<Json<Value>, Refusal> {
    let mut tx = st.store.begin().await?;
    let list = fin::accounts(&mut tx, &school.id).await?;
    jiaogong_store::commit(tx).await?;
    Ok(Json(Value::Array(
        list.iter()
            .map(|a| json!({"code": a.code, "name": a.name, "kind": a.kind.code(), "parent": a.parent_code}))
            .collect(),
    )))
}

#[derive(Deserialize)]
struct LineBody {
    account: String,
    #[serde(default)]
    debit: i64,
    #[serde(default)]
    credit: i64,
}

#[derive(Deserialize)]
struct VoucherBody {
    date: String,
    summary: String,
    #[serde(default)]
    payee: String,
    lines: Vec<LineBody>,
}

async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Json(b): Json<VoucherBody>,
) -> Result<Response, Refusal> {
    let date = rules::parse_date(&b.date).map_err(|e| AppError::bad("invalid_voucher", e.to_string()))?;
    let lines: Vec<Line> =
        b.lines.into_iter().map(|l| Line { account: l.account, debit: Fen(l.debit), credit: Fen(l.credit) }).collect();
    let mut tx = st.store.begin().await?;
    let id =
        fin::prepare(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), date, &b.summary, &b.payee, &lines).await?;
    let v = fin::voucher(&mut tx, Some(&school.id), &id).await?;
    jiaogong_store::commit(tx).await?;
    Ok((StatusCode::CREATED, Json(voucher_json(&v))).into_response())
}

pub(crate) fn voucher_json(v: &fin::Voucher) -> Value {
    json!({
        "id": v.id,
        "period": v.period,
        "number": v.number,
        "date": v.date,
        "summary": v.summary,
        "state": v.state,
        "amount": v.amount.0,
        "prepared_by": v.prepared_by,
        "reviewed_by": v.reviewed_by,
        "approved_by": v.approved_by,
        "reverses": v.reverses_id,
        "lines": v.lines.iter().map(|l| json!({"account": l.account, "name": l.name, "debit": l.debit.0, "credit": l.credit.0})).collect::<Vec<_>>(),
    })
}

/// The caller's school, or 404.
fn my_school(ctx: &Ctx) -> Result<String, AppError> {
    ctx.user()?.school_id.clone().ok_or(AppError::NotFound)
}

async fn step(st: &AppState, ctx: &Ctx, id: &str, approve: bool) -> Result<Json<Value>, Refusal> {
    let school = my_school(ctx)?;
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    // An id of another school: refused and audited, as not found.
    if fin::voucher(&mut tx, Some(&school), id).await.is_err() {
        audit::append(
            &mut tx,
            &st.store.crypto,
            &Event::new(Some(&school), &actor, "finance.approval_refused", id).detail("not_found"),
        )
        .await?;
        jiaogong_store::commit(tx).await?;
        return Err(AppError::NotFound.into());
    }
    let r = if approve {
        fin::approve(&mut tx, &st.store.crypto, &school, &actor, id).await
    } else {
        fin::review(&mut tx, &st.store.crypto, &school, &actor, id).await
    };
    match r {
        Ok(()) => {
            let v = fin::voucher(&mut tx, Some(&school), id).await?;
            jiaogong_store::commit(tx).await?;
            Ok(Json(voucher_json(&v)))
        }
        Err(e) => {
            // The refusal's audit entry stays.
            jiaogong_store::commit(tx).await?;
            Err(e.into())
        }
    }
}

async fn review(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Json<Value>, Refusal> {
    step(&st, &ctx, &id, false).await
}

async fn approve(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Result<Json<Value>, Refusal> {
    step(&st, &ctx, &id, true).await
}

#[derive(Deserialize, Default)]
pub(crate) struct Range {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub date: String,
}

/// A date of the query, checked, or this year's first/last day.
pub(crate) fn date_or(s: &str, fallback: String) -> Result<String, AppError> {
    if s.is_empty() {
        return Ok(fallback);
    }
    rules::parse_date(s)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|e| AppError::bad("invalid_date", e.to_string()))
}

pub(crate) fn year_bounds() -> (String, String) {
    use chrono::Datelike;
    let y = crate::platform::pages::today().year();
    (format!("{y}-01-01"), format!("{y}-12-31"))
}

async fn income_expenditure(
    State(st): State<AppState>,
    Extension(school): Extension<School>,
    Query(q): Query<Range>,
) -> Result<Json<Value>, Refusal> {
    let (f, t) = year_bounds();
    let (from, to) = (date_or(&q.from, f)?, date_or(&q.to, t)?);
    let mut tx = st.store.begin().await?;
    let r = fin::income_statement(&mut tx, &school.id, &from, &to).await?;
    jiaogong_store::commit(tx).await?;
    Ok(Json(serde_json::to_value(&r).map_err(|e| AppError::Internal(e.to_string()))?))
}

async fn balance_sheet(
    State(st): State<AppState>,
    Extension(school): Extension<School>,
    Query(q): Query<Range>,
) -> Result<Json<Value>, Refusal> {
    let date = date_or(&q.date, crate::platform::pages::today().format("%Y-%m-%d").to_string())?;
    let mut tx = st.store.begin().await?;
    let r = fin::balance_statement(&mut tx, &school.id, &date).await?;
    jiaogong_store::commit(tx).await?;
    Ok(Json(serde_json::to_value(&r).map_err(|e| AppError::Internal(e.to_string()))?))
}

async fn findings(
    State(st): State<AppState>,
    Extension(school): Extension<School>,
    Query(q): Query<Range>,
) -> Result<Json<Value>, Refusal> {
    let (f, t) = year_bounds();
    let (from, to) = (date_or(&q.from, f)?, date_or(&q.to, t)?);
    let mut tx = st.store.begin().await?;
    let list = fin::audit_findings(&mut tx, &school.id, &from, &to).await?;
    jiaogong_store::commit(tx).await?;
    Ok(Json(Value::Array(
        list.iter()
            .map(|f| json!({"kind": f.kind.code(), "title": f.kind.title(), "detail": f.detail, "vouchers": f.voucher_ids}))
            .collect(),
    )))
}
