//! The draft form: a new draft by a delegate, and the proposer's edit form.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use jiaogong_domain::congress::{Category, ProposalText};
use jiaogong_store::congress::proposals::{self as repo, StepError, Who};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;

use super::detail::visible;
use super::{base, member_of, today, who};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::AppState;

/// What the draft form shows (and keeps after an error).
#[derive(Deserialize, Default, Clone)]
pub(super) struct DraftForm {
    #[serde(default)]
    session: String,
    title: String,
    category: String,
    reason: String,
    measures: String,
}

#[derive(Template)]
#[template(path = "congress/proposals/form.html")]
struct FormPage {
    c: Chrome,
    school: School,
    /// None for a new draft.
    id: Option<String>,
    sessions: Vec<repo::DraftSession>,
    f: DraftForm,
    categories: Vec<&'static str>,
    error: String,
}

fn categories() -> Vec<&'static str> {
    Category::ALL.iter().map(|c| c.code()).collect()
}

pub(super) async fn form_page(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    id: Option<String>,
    f: DraftForm,
    error: String,
) -> AppResult<Response> {
    let sessions = match (&id, member_of(ctx)) {
        (None, Some(m)) => repo::sessions_for_delegate(&st.store, &school.id, &m, today()).await?,
        _ => Vec::new(),
    };
    let title = ctx.tr.t(if id.is_some() { "proposal-edit-title" } else { "proposal-new-title" });
    let failed = !error.is_empty();
    let mut r = render(&FormPage {
        c: Chrome::new(ctx, "proposals", title),
        school,
        id,
        sessions,
        f,
        categories: categories(),
        error,
    })?;
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub(super) async fn new_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
) -> AppResult<Response> {
    let f = DraftForm { category: Category::Teaching.code().into(), ..DraftForm::default() };
    form_page(&st, &ctx, school, None, f, String::new()).await
}

pub(super) fn parse_text(ctx: &Ctx, f: &DraftForm) -> Result<ProposalText, String> {
    let Some(category) = Category::from_code(f.category.trim()) else {
        return Err(ctx.tr.t("proposal-err-category"));
    };
    ProposalText::parse(&f.title, &f.reason, &f.measures, category).map_err(|e| ctx.tr.ta(e.key(), &e.args()))
}

pub(super) async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<DraftForm>,
) -> AppResult<Response> {
    let text = match parse_text(&ctx, &f) {
        Ok(t) => t,
        Err(msg) => return form_page(&st, &ctx, school, None, f, msg).await,
    };
    let (actor, member) = who(&ctx)?;
    let mut tx = st.store.begin().await?;
    let who = Who { actor: &actor, member: member.as_deref(), committee: super::is_committee(&ctx) };
    let id = match repo::create(&mut tx, &st.store.crypto, &school.id, f.session.trim(), who, today(), &text).await {
        Ok(id) => id,
        Err(StepError::Rule(_)) => return Err(AppError::Forbidden),
        Err(StepError::Store(jiaogong_store::StoreError::NotFound)) => {
            return form_page(&st, &ctx, school, None, f, ctx.tr.t("proposal-err-session")).await
        }
        Err(StepError::Store(e)) => return Err(e.into()),
    };
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("{}/{id}", base(&school))))
}

pub(super) async fn edit_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let (p, _) = visible(&st, &ctx, &school, &id).await?;
    if member_of(&ctx).as_deref() != Some(p.proposer_id.as_str()) {
        return Err(AppError::Forbidden);
    }
    let f = DraftForm {
        session: p.session_id.clone(),
        title: p.title,
        category: p.category.code().to_string(),
        reason: p.reason,
        measures: p.measures,
    };
    form_page(&st, &ctx, school, Some(id), f, String::new()).await
}
