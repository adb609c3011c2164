//! The committee's queue of handed-in proposals, with the proposal settings and the collection
//! window of a session.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use chrono::NaiveDate;
use jiaogong_domain::congress::ProposalSettings;
use jiaogong_store::congress::proposals::{self as repo, Line, SessionChoice};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;

use super::{base, pick_session, SessionQuery};
use crate::platform::ctx::Ctx;
use crate::platform::error::AppResult;
use crate::platform::pages::{render, see_other, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "congress/proposals/review.html")]
struct ReviewPage {
    c: Chrome,
    school: School,
    sessions: Vec<SessionChoice>,
    session: Option<SessionChoice>,
    lines: Vec<Line>,
    settings: ProposalSettings,
    window: Option<(NaiveDate, NaiveDate)>,
    error: String,
}

async fn review_with(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    asked: Option<&str>,
    error: String,
) -> AppResult<Response> {
    let sessions = repo::session_choices(&st.store, &school.id).await?;
    let session = pick_session(&sessions, asked)?;
    let (lines, window) = match &session {
        Some(s) => (
            repo::all_handed_in(&st.store, &school.id, &s.id).await?,
            repo::window(&st.store, &school.id, &s.id).await?,
        ),
        None => (Vec::new(), None),
    };
    let settings = repo::settings(&st.store, &school.id).await?;
    let title = ctx.tr.t("proposal-review-title");
    let failed = !error.is_empty();
    let mut r = render(&ReviewPage {
        c: Chrome::new(ctx, "proposals", title),
        school,
        sessions,
        session,
        lines,
        settings,
        window,
        error,
    })?;
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub(super) async fn review_queue(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<SessionQuery>,
) -> AppResult<Response> {
    review_with(&st, &ctx, school, q.session.as_deref(), String::new()).await
}

#[derive(Deserialize)]
pub(super) struct SettingsForm {
    min_cosigners: String,
    max_rounds: String,
    #[serde(default)]
    session: String,
}

pub(super) async fn save_settings(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<SettingsForm>,
) -> AppResult<Response> {
    let (Ok(c), Ok(r)) = (f.min_cosigners.trim().parse::<usize>(), f.max_rounds.trim().parse::<u32>()) else {
        return review_with(&st, &ctx, school, Some(&f.session), ctx.tr.t("proposal-err-settings")).await;
    };
    if c > 10 || !(1..=5).contains(&r) {
        return review_with(&st, &ctx, school, Some(&f.session), ctx.tr.t("proposal-err-settings")).await;
    }
    let mut tx = st.store.begin().await?;
    let s = ProposalSettings { min_cosigners: c, max_rounds: r };
    repo::set_settings(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &s).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("{}/review?session={}", base(&school), f.session)))
}

#[derive(Deserialize)]
pub(super) struct WindowForm {
    session: String,
    opens: String,
    closes: String,
}

pub(super) async fn save_window(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<WindowForm>,
) -> AppResult<Response> {
    let dates = jiaogong_domain::platform::dates::parse_date(&f.opens)
        .and_then(|a| Ok((a, jiaogong_domain::platform::dates::parse_date(&f.closes)?)));
    let (opens, closes) = match dates {
        Ok((a, b)) if a <= b => (a, b),
        Ok(_) => return review_with(&st, &ctx, school, Some(&f.session), ctx.tr.t("proposal-err-window-order")).await,
        Err(e) => {
            let msg = format!("{}：{}", ctx.tr.t("proposal-window"), ctx.tr.validation(&e));
            return review_with(&st, &ctx, school, Some(&f.session), msg).await;
        }
    };
    let mut tx = st.store.begin().await?;
    repo::set_window(&mut tx, &st.store.crypto, &school.id, &f.session, &ctx.actor(), opens, closes).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("{}/review?session={}", base(&school), f.session)))
}
