//! The committee's pages: the list and the new selection form, the managing page with nominations,
//! stages, the principal's review, publicity and objections, and the certificates.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use jiaogong_domain::congress::selection::{
    check_transition, publicity_end, resolve_objection, NomineeStatus, ObjectionStatus, RoundRunoff, SelectionError,
    Stage,
};
use jiaogong_store::congress::selections::{self as repo, Nominee, Selection};
use jiaogong_store::platform::tenancy::{self, School};
use serde::Deserialize;

use super::{add_nominee, final_list, label_of, load, sel_error, stage_label_of, Loaded};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, today, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "congress/selections/list.html")]
struct ListPage {
    c: Chrome,
    school: School,
    selections: Vec<Selection>,
    /// The school's publicity period, the form's default.
    publicity_days: u32,
    error: String,
}

impl ListPage {
    fn stage_label(&self, stage: &Stage) -> String {
        stage_label_of(&self.c, *stage)
    }
}

async fn list_with(st: &AppState, ctx: &Ctx, school: School, error: String) -> AppResult<Response> {
    let selections = repo::list(&st.store, &school.id).await?;
    let publicity_days = jiaogong_store::congress::congress_settings::get(&st.store, &school.id).await?.publicity_days;
    let title = ctx.tr.t("sel-title");
    let mut r = render(&ListPage {
        c: Chrome::new(ctx, "selections", title),
        school,
        selections,
        publicity_days,
        error: error.clone(),
    })?;
    if !error.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub(super) async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
) -> AppResult<Response> {
    list_with(&st, &ctx, school, String::new()).await
}

#[derive(Deserialize)]
pub(super) struct CreateForm {
    title: String,
    award: String,
    quota: String,
    #[serde(default)]
    min_years: String,
    #[serde(default)]
    publicity_days: String,
}

fn number(s: &str, default: i64, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
    let t = s.trim();
    let n = if t.is_empty() { default } else { t.parse().ok()? };
    range.contains(&n).then_some(n)
}

pub(super) async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<CreateForm>,
) -> AppResult<Response> {
    let names = jiaogong_domain::platform::text::line(&f.title, 60)
        .and_then(|t| Ok((t, jiaogong_domain::platform::text::line(&f.award, 20)?)));
    let (title, award) = match names {
        Ok(n) => n,
        Err(e) => return list_with(&st, &ctx, school, ctx.name_error(&e, "sel-err-title")).await,
    };
    let default_days =
        i64::from(jiaogong_store::congress::congress_settings::get(&st.store, &school.id).await?.publicity_days);
    let (Some(quota), Some(min_years), Some(days)) = (
        number(&f.quota, 0, 1..=200),
        number(&f.min_years, 0, 0..=50),
        number(&f.publicity_days, default_days, 5..=30),
    ) else {
        return list_with(&st, &ctx, school, ctx.tr.t("sel-err-numbers")).await;
    };
    let mut tx = st.store.begin().await?;
    let new = repo::NewSelection { title: &title, award: &award, quota, min_years, publicity_days: days };
    let id = repo::create(&mut tx, &st.store.crypto, &school.id, &new, &ctx.actor()).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/selections/{id}", school.code)))
}

#[derive(Template)]
#[template(path = "congress/selections/manage.html")]
struct ManagePage {
    c: Chrome,
    school: School,
    l: Loaded,
    groups: Vec<tenancy::GroupRef>,
    reviewer: bool,
    suggested_end: String,
    error: String,
}

impl ManagePage {
    fn label<T: AsRef<str> + ?Sized>(&self, prefix: &str, code: &T) -> String {
        label_of(&self.c, prefix, code)
    }

    fn stages(&self) -> [Stage; 5] {
        Stage::ALL
    }

    /// Whether the round with this number was the runoff of a tie in the round before it.
    fn is_runoff(&self, number: &i64) -> bool {
        self.l.rounds.iter().any(|r| r.r.number == number - 1 && r.outcome.as_ref().is_some_and(|o| !o.tied.is_empty()))
    }

    /// The runoff due now, as the page announces it.
    fn pending(&self) -> Option<&RoundRunoff> {
        self.l.facts.pending_runoff.as_ref()
    }

    fn approved(&self) -> usize {
        self.l
            .nominees
            .iter()
            .filter(|n| n.status == NomineeStatus::Running && n.review.as_deref() == Some("approved"))
            .count()
    }
}

pub(super) async fn manage_with(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    id: &str,
    error: String,
) -> AppResult<Response> {
    let l = load(st, &school.id, id).await?;
    let groups = tenancy::group_refs(&st.store, &school.id).await?;
    let cal = jiaogong_store::platform::calendar::load(&st.store).await?;
    let suggested_end = crate::platform::pages::date_zh(
        &publicity_end(&cal, today(), l.s.publicity_days as u32).format("%Y-%m-%d").to_string(),
    );
    let reviewer = crate::platform::access::SELECTION_REVIEWERS.contains(&ctx.user()?.role());
    let title = l.s.title.clone();
    let mut r = render(&ManagePage {
        c: Chrome::new(ctx, "selections", title),
        school,
        l,
        groups,
        reviewer,
        suggested_end,
        error: error.clone(),
    })?;
    if !error.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub(super) async fn manage(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    manage_with(&st, &ctx, school, &id, String::new()).await
}

#[derive(Deserialize)]
pub(super) struct NominateForm {
    employee_no: String,
    source: String,
    #[serde(default)]
    reason: String,
}

pub(super) async fn nominate(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<NominateForm>,
) -> AppResult<Response> {
    let s = repo::get(&st.store, &school.id, &id).await?;
    if !["group", "department"].contains(&f.source.as_str()) {
        return manage_with(&st, &ctx, school, &id, ctx.tr.t("err-bad-value")).await;
    }
    let no = jiaogong_domain::platform::text::normalize(&f.employee_no);
    let numbers = jiaogong_store::members::dues::employee_numbers(&st.store, &school.id).await?;
    let Some(member) = numbers.get(&no) else {
        return manage_with(&st, &ctx, school, &id, ctx.tr.t1("eval-err-unknown-numbers", "numbers", &no)).await;
    };
    let reason = jiaogong_domain::platform::text::normalize(&f.reason);
    match add_nominee(&st, &ctx, &s, member, &f.source, &reason).await? {
        Ok(()) => Ok(see_other(&format!("/s/{}/selections/{id}", school.code))),
        Err(msg) => manage_with(&st, &ctx, school, &id, msg).await,
    }
}

#[derive(Deserialize)]
pub(super) struct StageForm {
    to: String,
}

pub(super) async fn stage(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<StageForm>,
) -> AppResult<Response> {
    let l = load(&st, &school.id, &id).await?;
    let Some(to) = Stage::from_code(&f.to).filter(|t| *t != Stage::Publicity) else {
        return manage_with(&st, &ctx, school, &id, ctx.tr.t("err-bad-value")).await;
    };
    if let Err(e) = check_transition(l.stage, to, &l.facts) {
        return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &e)).await;
    }
    let mut tx = st.store.begin().await?;
    if !repo::set_stage(&mut tx, &st.store.crypto, &school.id, &id, l.stage.code(), to.code(), &ctx.actor()).await? {
        return Err(AppError::Conflict { code: "selection_state", message: ctx.tr.t("poll-wrong-state") });
    }
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/selections/{id}", school.code)))
}

#[derive(Deserialize)]
pub(super) struct ReviewForm {
    decision: String,
    #[serde(default)]
    reason: String,
}

pub(super) async fn review(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, nominee)): Path<(String, String, String)>,
    Form(f): Form<ReviewForm>,
) -> AppResult<Response> {
    let reason = jiaogong_domain::platform::text::normalize(&f.reason);
    if !["approved", "removed"].contains(&f.decision.as_str()) {
        return manage_with(&st, &ctx, school, &id, ctx.tr.t("err-bad-value")).await;
    }
    if f.decision == "removed" && reason.is_empty() {
        return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &SelectionError::ReasonRequired)).await;
    }
    let mut tx = st.store.begin().await?;
    repo::review(&mut tx, &st.store.crypto, &school.id, &id, &nominee, &f.decision, &reason, &ctx.actor()).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/selections/{id}", school.code)))
}

#[derive(Deserialize)]
pub(super) struct PublicityForm {
    start: String,
}

pub(super) async fn publicity(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<PublicityForm>,
) -> AppResult<Response> {
    let l = load(&st, &school.id, &id).await?;
    let start = if f.start.trim().is_empty() {
        today()
    } else {
        match jiaogong_domain::platform::dates::parse_date(&f.start) {
            Ok(d) => d,
            Err(e) => return manage_with(&st, &ctx, school, &id, ctx.tr.validation(&e)).await,
        }
    };
    if let Err(e) = check_transition(l.stage, Stage::Publicity, &l.facts) {
        return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &e)).await;
    }
    let cal = jiaogong_store::platform::calendar::load(&st.store).await?;
    let end = publicity_end(&cal, start, l.s.publicity_days as u32);
    let (s, e) = (start.format("%Y-%m-%d").to_string(), end.format("%Y-%m-%d").to_string());
    let mut tx = st.store.begin().await?;
    if !repo::start_publicity(&mut tx, &st.store.crypto, &school.id, &id, &s, &e, &ctx.actor()).await? {
        return Err(AppError::Conflict { code: "selection_state", message: ctx.tr.t("poll-wrong-state") });
    }
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/selections/{id}", school.code)))
}

#[derive(Deserialize)]
pub(super) struct ResolveForm {
    decision: String,
    #[serde(default)]
    reason: String,
}

pub(super) async fn resolve(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, objection)): Path<(String, String, String)>,
    Form(f): Form<ResolveForm>,
) -> AppResult<Response> {
    let l = load(&st, &school.id, &id).await?;
    let Some(o) = l.objections.iter().find(|o| o.id == objection) else { return Err(AppError::NotFound) };
    let current = o.status;
    let decision = ObjectionStatus::from_code(&f.decision).unwrap_or(ObjectionStatus::Open);
    let reason = jiaogong_domain::platform::text::normalize(&f.reason);
    let status = match resolve_objection(current, decision, &reason) {
        Ok(s) => s,
        Err(e) => return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &e)).await,
    };
    let mut tx = st.store.begin().await?;
    repo::resolve(&mut tx, &st.store.crypto, &school.id, &id, &objection, status.code(), &reason, &ctx.actor()).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/selections/{id}", school.code)))
}

#[derive(Template)]
#[template(path = "congress/selections/certificates.html")]
struct CertificatesPage {
    c: Chrome,
    school: School,
    s: Selection,
    people: Vec<Nominee>,
    date: String,
}

pub(super) async fn certificates(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let l = load(&st, &school.id, &id).await?;
    if l.stage != Stage::Final {
        return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &SelectionError::WrongStage)).await;
    }
    let people = final_list(&l);
    let date = jiaogong_domain::platform::dates::format_zh(today());
    let title = ctx.tr.t("sel-certificates");
    render(&CertificatesPage { c: Chrome::new(&ctx, "selections", title), school, s: l.s, people, date })
}
