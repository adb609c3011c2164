//! A leader's own page for their 述职报告: read it, and edit it until the evaluation closes.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use jiaogong_store::congress::evaluations::{self as repo, Evaluation, Leader};

use super::{clean_report, own_evaluation, ReportForm};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "congress/evaluations/report.html")]
struct ReportPage {
    c: Chrome,
    ev: Evaluation,
    report: String,
    editable: bool,
    error: String,
}

/// The caller's own leader entry in an evaluation (404 when they are not one of its leaders).
async fn own_leader(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<(Evaluation, Leader)> {
    let ev = own_evaluation(st, ctx, id).await?;
    let member = ctx.user()?.member_id.clone().ok_or(AppError::NotFound)?;
    let leader = repo::leaders(&st.store, &ev.id)
        .await?
        .into_iter()
        .find(|l| l.member_id == member)
        .ok_or(AppError::NotFound)?;
    Ok((ev, leader))
}

pub(super) async fn report_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let (ev, leader) = own_leader(&st, &ctx, &id).await?;
    let editable = !ev.status.is_closed();
    let title = ctx.tr.t("eval-report");
    render(&ReportPage { c: Chrome::new(&ctx, "me", title), ev, report: leader.report, editable, error: String::new() })
}

pub(super) async fn save_report(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ReportForm>,
) -> AppResult<Response> {
    let (ev, leader) = own_leader(&st, &ctx, &id).await?;
    let report = match clean_report(&ctx, &f.report) {
        Ok(r) => r,
        Err(error) => {
            let title = ctx.tr.t("eval-report");
            let mut r =
                render(&ReportPage { c: Chrome::new(&ctx, "me", title), editable: true, ev, report: f.report, error })?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(r);
        }
    };
    let mut tx = st.store.begin().await?;
    repo::set_report(&mut tx, &st.store.crypto, &ev.school_id, &ev.id, &leader.member_id, &report, &ctx.actor())
        .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/evaluations/{id}/report")))
}
