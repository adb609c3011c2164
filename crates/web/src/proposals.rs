//! Proposals (提案) of the staff congress: the public list every member reads, a delegate's own
//! proposals and the drafts waiting for their co-signature, the draft form, the detail page with
//! the full history and the step each role may take there, the committee's queue with the
//! settings and the collection window, and the 提案工作报告 (in `report`).
//!
//! Who may do what: drafting and co-signing need a current delegate of the session's term (the
//! store asks); reviewing, assigning and recording the department's reply are the committee's
//! (chair, organisation committee, admin — see ADR 009); submitting, editing and rating are the
//! proposer's (the domain asks). Every id is looked up inside the school first, so another
//! school's id is "not found" before any role question is asked.

mod report;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use chrono::NaiveDate;
use jiaogong_domain::congress::{
    collection_window, Category, Feedback, HandlingStatus, ProposalSettings, ProposalState, ProposalText, Review,
};
use jiaogong_store::proposals::{self as repo, CosignLine, Detail, Line, Scope, SessionChoice, Step, StepError, Who};
use jiaogong_store::tenancy::School;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/proposals", get(public_list))
        .add("POST", "/s/{school}/proposals", post(create))
        .add("GET", "/s/{school}/proposals/mine", get(mine))
        .add("GET", "/s/{school}/proposals/new", get(new_form))
        .add("GET", "/s/{school}/proposals/review", get(review_queue))
        .add("POST", "/s/{school}/proposals/settings", post(save_settings))
        .add("POST", "/s/{school}/proposals/window", post(save_window))
        .add("GET", "/s/{school}/proposals/report", get(report::page))
        .add("GET", "/s/{school}/proposals/report/print", get(report::print))
        .add("GET", "/s/{school}/proposals/report/docx", get(report::docx))
        .add("GET", "/s/{school}/proposals/{id}", get(detail))
        .add("GET", "/s/{school}/proposals/{id}/edit", get(edit_form))
        .add("POST", "/s/{school}/proposals/{id}/edit", post(edit))
        .add("POST", "/s/{school}/proposals/{id}/cosign", post(cosign))
        .add("POST", "/s/{school}/proposals/{id}/submit", post(submit))
        .add("POST", "/s/{school}/proposals/{id}/review", post(review))
        .add("POST", "/s/{school}/proposals/{id}/assign", post(assign))
        .add("POST", "/s/{school}/proposals/{id}/reply", post(reply))
        .add("POST", "/s/{school}/proposals/{id}/feedback", post(feedback))
}

pub(crate) use crate::pages::today;

fn is_committee(ctx: &Ctx) -> bool {
    ctx.user.as_ref().is_some_and(|u| crate::access::PROPOSAL_COMMITTEE.contains(&u.role()))
}

fn member_of(ctx: &Ctx) -> Option<String> {
    ctx.user.as_ref().and_then(|u| u.member_id.clone())
}

fn base(school: &School) -> String {
    format!("/s/{}/proposals", school.code)
}

/// The label of a code under a message prefix ("proposal-state", "in_progress" → …-in-progress).
pub fn label(c: &Chrome, prefix: &str, code: &str) -> String {
    c.tr.t(&format!("{prefix}-{}", code.replace('_', "-")))
}

/// A date as "2026年9月1日".
pub fn day(d: &NaiveDate) -> String {
    jiaogong_domain::dates::format_zh(*d)
}

/// "第3号" or "草稿".
pub fn number(c: &Chrome, n: &Option<i64>) -> String {
    match n {
        Some(n) => c.tr.t1("proposal-number", "n", &n.to_string()),
        None => c.tr.t("proposal-no-number"),
    }
}

/// Handling past its due date without a reply, at today.
pub fn overdue(state: &str, due: &Option<String>) -> bool {
    let due = due.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let Some(state) = ProposalState::from_code(state) else { return false };
    let mut p = jiaogong_domain::congress::Proposal::new("", "", Category::Other);
    p.state = state;
    p.due = due;
    p.is_overdue(today())
}

#[derive(Deserialize, Default)]
pub(crate) struct SessionQuery {
    session: Option<String>,
    page: Option<i64>,
}

/// The session asked for, else the newest one with proposals handed in, else the newest.
pub(crate) fn pick_session(choices: &[SessionChoice], asked: Option<&str>) -> AppResult<Option<SessionChoice>> {
    if let Some(id) = asked.filter(|s| !s.is_empty()) {
        return choices.iter().find(|c| c.id == id).cloned().map(Some).ok_or(AppError::NotFound);
    }
    Ok(choices.iter().find(|c| c.handed_in > 0).or(choices.first()).cloned())
}

const PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "proposals/list.html")]
struct ListPage {
    c: Chrome,
    school: School,
    sessions: Vec<SessionChoice>,
    session: Option<SessionChoice>,
    lines: Vec<Line>,
    total: i64,
    page: i64,
    pages: i64,
    committee: bool,
    delegate_links: bool,
}

/// The public list: accepted proposals and their replies, for every member of the school.
async fn public_list(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<SessionQuery>,
) -> AppResult<Response> {
    let sessions = repo::session_choices(&st.store, &school.id).await?;
    let session = pick_session(&sessions, q.session.as_deref())?;
    // Clamped so that no page number can overflow the offset.
    let page = q.page.unwrap_or(0).clamp(0, 1_000_000);
    let (lines, total) = match &session {
        Some(s) => repo::list(&st.store, &school.id, &s.id, Scope::Public, page * PAGE, PAGE).await?,
        None => (Vec::new(), 0),
    };
    let title = ctx.tr.t("proposal-public-title");
    render(&ListPage {
        c: Chrome::new(&ctx, "proposals", title),
        school,
        sessions,
        session,
        lines,
        total,
        page,
        pages: (total + PAGE - 1) / PAGE,
        committee: is_committee(&ctx),
        delegate_links: member_of(&ctx).is_some(),
    })
}

#[derive(Template)]
#[template(path = "proposals/mine.html")]
struct MinePage {
    c: Chrome,
    school: School,
    own: Vec<Line>,
    to_sign: Vec<CosignLine>,
    can_draft: bool,
}

async fn mine(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    let (own, to_sign, can_draft) = match member_of(&ctx) {
        Some(m) => (
            repo::of_proposer(&st.store, &school.id, &m).await?,
            repo::to_cosign(&st.store, &school.id, &m).await?,
            !repo::sessions_for_delegate(&st.store, &school.id, &m, today()).await?.is_empty(),
        ),
        None => (Vec::new(), Vec::new(), false),
    };
    let title = ctx.tr.t("proposal-mine-title");
    render(&MinePage { c: Chrome::new(&ctx, "proposals", title), school, own, to_sign, can_draft })
}

/// What the draft form shows (and keeps after an error).
#[derive(Deserialize, Default, Clone)]
struct DraftForm {
    #[serde(default)]
    session: String,
    title: String,
    category: String,
    reason: String,
    measures: String,
}

#[derive(Template)]
#[template(path = "proposals/form.html")]
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

async fn form_page(
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

async fn new_form(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    let f = DraftForm { category: Category::Teaching.code().into(), ..DraftForm::default() };
    form_page(&st, &ctx, school, None, f, String::new()).await
}

fn parse_text(ctx: &Ctx, f: &DraftForm) -> Result<ProposalText, String> {
    let Some(category) = Category::from_code(f.category.trim()) else {
        return Err(ctx.tr.t("proposal-err-category"));
    };
    ProposalText::parse(&f.title, &f.reason, &f.measures, category).map_err(|e| ctx.tr.ta(e.key(), &e.args()))
}

fn who(ctx: &Ctx) -> AppResult<(String, Option<String>)> {
    let u = ctx.user()?;
    Ok((u.username.clone(), u.member_id.clone()))
}

async fn create(
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
    let who = Who { actor: &actor, member: member.as_deref() };
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

/// The proposal if the caller may see it: accepted ones are public; before that only the
/// committee, the proposer, its co-signers and (for drafts) the term's delegates see it.
async fn visible(st: &AppState, ctx: &Ctx, school: &School, id: &str) -> AppResult<(Detail, Vec<(String, String)>)> {
    let p = repo::get(&st.store, &school.id, id).await?;
    let cosigners = repo::cosigners(&st.store, &school.id, id).await?;
    let state = ProposalState::from_code(&p.state).unwrap_or(ProposalState::Draft);
    if state.is_public() || is_committee(ctx) {
        return Ok((p, cosigners));
    }
    let Some(me) = member_of(ctx) else { return Err(AppError::NotFound) };
    if p.proposer_id == me || cosigners.iter().any(|(m, _)| *m == me) {
        return Ok((p, cosigners));
    }
    if state == ProposalState::Draft
        && jiaogong_store::congress::current_delegate_ids(&st.store, &p.term_id).await?.contains(&me)
    {
        return Ok((p, cosigners));
    }
    Err(AppError::NotFound)
}

/// What the committee's and the proposer's forms keep after an error.
#[derive(Deserialize, Default, Clone)]
struct Echo {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    into: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    measures: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    from: String,
}

#[derive(Template)]
#[template(path = "proposals/detail.html")]
struct DetailPage {
    c: Chrome,
    school: School,
    p: Detail,
    cosigners: Vec<(String, String)>,
    history: Vec<repo::HistoryEntry>,
    replies: Vec<repo::Reply>,
    merged_from: Vec<(String, Option<i64>, String, String)>,
    merge_choices: Vec<(String, Option<i64>, String, String)>,
    departments: Vec<String>,
    settings: ProposalSettings,
    is_proposer: bool,
    can_cosign: bool,
    committee: bool,
    e: Echo,
    statuses: Vec<&'static str>,
    ratings: Vec<&'static str>,
    error: String,
}

async fn detail_with(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    id: &str,
    error: String,
    e: Echo,
) -> AppResult<Response> {
    let (p, cosigners) = visible(st, ctx, &school, id).await?;
    let me = member_of(ctx);
    let is_proposer = me.as_deref() == Some(p.proposer_id.as_str());
    let committee = is_committee(ctx);
    let can_cosign = match &me {
        Some(me) if p.state == "draft" && !is_proposer && !cosigners.iter().any(|(m, _)| m == me) => {
            jiaogong_store::congress::current_delegate_ids(&st.store, &p.term_id).await?.contains(me)
        }
        _ => false,
    };
    let history = repo::history(&st.store, &school.id, id).await?;
    let replies = repo::replies(&st.store, &school.id, id).await?;
    let merged_from = repo::merged_from(&st.store, &school.id, id).await?;
    let (merge_choices, departments) = if committee {
        (
            repo::merge_choices(&st.store, &school.id, &p.session_id, id).await?,
            repo::departments(&st.store, &school.id).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let settings = repo::settings(&st.store, &school.id).await?;
    let title = p.title.clone();
    let failed = !error.is_empty();
    let mut r = render(&DetailPage {
        c: Chrome::new(ctx, "proposals", title),
        school,
        p,
        cosigners,
        history,
        replies,
        merged_from,
        merge_choices,
        departments,
        settings,
        is_proposer,
        can_cosign,
        committee,
        e,
        statuses: HandlingStatus::ALL.iter().map(|s| s.code()).collect(),
        ratings: Feedback::ALL.iter().map(|s| s.code()).collect(),
        error,
    })?;
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn detail(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    detail_with(&st, &ctx, school, &id, String::new(), Echo::default()).await
}

async fn edit_form(
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
        category: p.category,
        reason: p.reason,
        measures: p.measures,
    };
    form_page(&st, &ctx, school, Some(id), f, String::new()).await
}

/// Runs one step; a refusal by the rules comes back as the detail page with the message and the
/// typed values, a foreign or unknown id as 404.
/// Runs a step and goes to `to`; a refused step shows the detail page with its message.
async fn step_then(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    id: &str,
    step: Step,
    e: Echo,
    to: &str,
) -> AppResult<Response> {
    Ok(match run_step(st, ctx, school, id, step, e).await? {
        Ok(_) => see_other(to),
        Err(page) => page,
    })
}

async fn run_step(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    id: &str,
    step: Step,
    e: Echo,
) -> AppResult<Result<ProposalState, Response>> {
    // Nothing about a proposal the caller may not see: not even whether it exists.
    let name = step.name();
    visible_for_step(st, ctx, &school, id, name).await?;
    let settings = repo::settings(&st.store, &school.id).await?;
    let (actor, member) = who(ctx)?;
    let mut tx = st.store.begin().await?;
    let who = Who { actor: &actor, member: member.as_deref() };
    // A refused step writes nothing but its refusal, in the audit log.
    match repo::step(&mut tx, &st.store.crypto, &school.id, id, who, today(), &settings, step).await {
        Ok(state) => {
            jiaogong_store::commit(tx).await?;
            Ok(Ok(state))
        }
        Err(StepError::Rule(rule)) => {
            drop(tx);
            let reason = rule.key().trim_start_matches("proposal-err-");
            repo::record_refusal(&st.store, &school.id, id, &actor, name, reason).await?;
            let msg = ctx.tr.ta(rule.key(), &rule.args());
            Ok(Err(detail_with(st, ctx, school, id, msg, e).await?))
        }
        Err(StepError::Store(jiaogong_store::StoreError::Conflict(_))) => {
            drop(tx);
            repo::record_refusal(&st.store, &school.id, id, &actor, name, "stale").await?;
            Ok(Err(detail_with(st, ctx, school, id, ctx.tr.t("proposal-err-conflict"), e).await?))
        }
        Err(StepError::Store(err)) => Err(err.into()),
    }
}

/// [`visible`] before a step: a caller who may not see the proposal gets 404, and the refusal
/// is audited (the id as sent, whether or not it exists).
async fn visible_for_step(
    st: &AppState,
    ctx: &Ctx,
    school: &School,
    id: &str,
    step: &str,
) -> AppResult<(Detail, Vec<(String, String)>)> {
    match visible(st, ctx, school, id).await {
        Err(AppError::NotFound) => {
            repo::record_refusal(&st.store, &school.id, id, &ctx.actor(), step, "not-visible").await?;
            Err(AppError::NotFound)
        }
        other => other,
    }
}

async fn edit(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<DraftForm>,
) -> AppResult<Response> {
    let text = match parse_text(&ctx, &f) {
        Ok(t) => t,
        Err(msg) => {
            visible(&st, &ctx, &school, &id).await?;
            return form_page(&st, &ctx, school, Some(id), f, msg).await;
        }
    };
    let to = format!("{}/{id}", base(&school));
    step_then(&st, &ctx, school, &id, Step::Edit(text), Echo::default(), &to).await
}

async fn cosign(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(e): Form<Echo>,
) -> AppResult<Response> {
    let to = if e.from == "detail" { format!("{}/{id}", base(&school)) } else { format!("{}/mine", base(&school)) };
    step_then(&st, &ctx, school, &id, Step::CoSign, e, &to).await
}

async fn submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let (p, _) = visible_for_step(&st, &ctx, &school, &id, "submit").await?;
    let held_on = NaiveDate::parse_from_str(&p.held_on, "%Y-%m-%d").unwrap_or_else(|_| today());
    let set = repo::window(&st.store, &school.id, &p.session_id).await?;
    let window = collection_window(set, held_on);
    let to = format!("{}/{id}", base(&school));
    step_then(&st, &ctx, school, &id, Step::Submit { window }, Echo::default(), &to).await
}

async fn review(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(e): Form<Echo>,
) -> AppResult<Response> {
    let reason = jiaogong_domain::text::normalize(&e.reason);
    let decision = match e.decision.as_str() {
        "accept" => Review::Accept,
        "suggestion" => Review::Suggestion { reason },
        "merge" => Review::Merge { into: e.into.trim().to_string() },
        "return" => Review::Return { reason },
        _ => {
            visible(&st, &ctx, &school, &id).await?;
            let msg = ctx.tr.t("proposal-err-decision");
            return detail_with(&st, &ctx, school, &id, msg, e).await;
        }
    };
    let to = format!("{}/{id}", base(&school));
    step_then(&st, &ctx, school, &id, Step::Review(decision), e, &to).await
}

async fn assign(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(e): Form<Echo>,
) -> AppResult<Response> {
    let due = match jiaogong_domain::dates::parse_date(&e.due) {
        Ok(d) => d,
        Err(err) => {
            visible(&st, &ctx, &school, &id).await?;
            let msg = format!("{}：{}", ctx.tr.t("proposal-due"), ctx.tr.validation(&err));
            return detail_with(&st, &ctx, school, &id, msg, e).await;
        }
    };
    let step = Step::Assign { department: e.department.clone(), due };
    let to = format!("{}/{id}", base(&school));
    step_then(&st, &ctx, school, &id, step, e, &to).await
}

async fn reply(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(e): Form<Echo>,
) -> AppResult<Response> {
    let Some(status) = HandlingStatus::from_code(e.status.trim()) else {
        visible(&st, &ctx, &school, &id).await?;
        let msg = ctx.tr.t("proposal-err-status");
        return detail_with(&st, &ctx, school, &id, msg, e).await;
    };
    let step = Step::Answer { status, measures: e.measures.clone(), reason: e.reason.clone() };
    let to = format!("{}/{id}", base(&school));
    step_then(&st, &ctx, school, &id, step, e, &to).await
}

async fn feedback(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(e): Form<Echo>,
) -> AppResult<Response> {
    let Some(rating) = Feedback::from_code(e.rating.trim()) else {
        visible(&st, &ctx, &school, &id).await?;
        let msg = ctx.tr.t("proposal-err-rating");
        return detail_with(&st, &ctx, school, &id, msg, e).await;
    };
    let step = Step::Rate { feedback: rating, comment: e.comment.clone() };
    let to = format!("{}/{id}", base(&school));
    step_then(&st, &ctx, school, &id, step, e, &to).await
}

#[derive(Template)]
#[template(path = "proposals/review.html")]
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

async fn review_queue(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<SessionQuery>,
) -> AppResult<Response> {
    review_with(&st, &ctx, school, q.session.as_deref(), String::new()).await
}

#[derive(Deserialize)]
struct SettingsForm {
    min_cosigners: String,
    max_rounds: String,
    #[serde(default)]
    session: String,
}

async fn save_settings(
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
struct WindowForm {
    session: String,
    opens: String,
    closes: String,
}

async fn save_window(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<WindowForm>,
) -> AppResult<Response> {
    let dates = jiaogong_domain::dates::parse_date(&f.opens)
        .and_then(|a| Ok((a, jiaogong_domain::dates::parse_date(&f.closes)?)));
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
