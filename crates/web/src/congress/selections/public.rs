//! The members' pages: the honour roll and current selections, a selection's public page,
//! self-nomination and objections during publicity.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use jiaogong_domain::congress::selection::{NomineeStatus, SelectionError, Stage};
use jiaogong_store::congress::selections::{self as repo, Nominee, Selection};
use serde::Deserialize;

use super::{add_nominee, final_list, load, own_school, sel_error, stage_label_of, stage_of, Loaded};
use crate::platform::ctx::Ctx;
use crate::platform::error::AppResult;
use crate::platform::pages::{render, see_other, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "congress/selections/public_list.html")]
struct PublicList {
    c: Chrome,
    current: Vec<Selection>,
    honours: Vec<jiaogong_store::congress::selections::Honour>,
}

impl PublicList {
    fn stage_label(&self, stage: &Stage) -> String {
        stage_label_of(&self.c, *stage)
    }
}

pub(super) async fn public_list(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (current, honours) = match ctx.user()?.school_id.clone() {
        Some(school) => (
            repo::list(&st.store, &school).await?.into_iter().filter(|s| s.stage != Stage::Final).collect(),
            repo::honours(&st.store, &school).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let title = ctx.tr.t("nav-honours");
    render(&PublicList { c: Chrome::new(&ctx, "honours", title), current, honours })
}

#[derive(Template)]
#[template(path = "congress/selections/public.html")]
struct PublicPage {
    c: Chrome,
    l: Loaded,
    shown: Vec<Nominee>,
    mine: bool,
    end: String,
    error: String,
}

async fn public_with(st: &AppState, ctx: &Ctx, id: &str, error: String) -> AppResult<Response> {
    let school = own_school(ctx)?;
    let l = load(st, &school, id).await?;
    let member = ctx.user()?.member_id.clone();
    let mine = l.nominees.iter().any(|n| Some(&n.member_id) == member.as_ref());
    let shown = match l.stage {
        Stage::Nomination | Stage::Voting => {
            l.nominees.iter().filter(|n| n.status == NomineeStatus::Running).cloned().collect()
        }
        Stage::Review => Vec::new(),
        Stage::Publicity | Stage::Final => final_list(&l),
    };
    let end = l.s.publicity_end.as_deref().map(crate::platform::pages::date_zh).unwrap_or_default();
    let title = l.s.title.clone();
    let mut r =
        render(&PublicPage { c: Chrome::new(ctx, "honours", title), l, shown, mine, end, error: error.clone() })?;
    if !error.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub(super) async fn public_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    public_with(&st, &ctx, &id, String::new()).await
}

#[derive(Deserialize)]
pub(super) struct SelfForm {
    #[serde(default)]
    reason: String,
}

pub(super) async fn self_nominate(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<SelfForm>,
) -> AppResult<Response> {
    let school = own_school(&ctx)?;
    let s = repo::get(&st.store, &school, &id).await?;
    let Some(member) = ctx.user()?.member_id.clone() else {
        return public_with(&st, &ctx, &id, ctx.tr.t("sel-err-not-member")).await;
    };
    let reason = jiaogong_domain::platform::text::normalize(&f.reason);
    if reason.is_empty() || reason.chars().count() > 500 {
        return public_with(&st, &ctx, &id, ctx.tr.t("sel-err-self-reason")).await;
    }
    match add_nominee(&st, &ctx, &s, &member, "self", &reason).await? {
        Ok(()) => Ok(see_other(&format!("/selections/{id}"))),
        Err(msg) => public_with(&st, &ctx, &id, msg).await,
    }
}

#[derive(Deserialize)]
pub(super) struct ObjectForm {
    nominee: String,
    body: String,
}

pub(super) async fn object(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ObjectForm>,
) -> AppResult<Response> {
    let school = own_school(&ctx)?;
    let s = repo::get(&st.store, &school, &id).await?;
    let body = f.body.trim().to_string();
    if body.chars().count() < 5 || body.chars().count() > 2000 {
        return public_with(&st, &ctx, &id, ctx.tr.t("sel-err-objection")).await;
    }
    if stage_of(&s) != Stage::Publicity {
        return public_with(&st, &ctx, &id, sel_error(&ctx, &SelectionError::WrongStage)).await;
    }
    let mut tx = st.store.begin().await?;
    repo::object(&mut tx, &st.store.crypto, &school, &id, &f.nominee, &body, &ctx.actor()).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/selections/{id}#objection-sent")))
}
