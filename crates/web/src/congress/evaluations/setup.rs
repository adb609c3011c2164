//! The committee's setup pages: the list and the setup form, the managing page with the leaders
//! and their reports, and opening and closing the evaluation.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use jiaogong_domain::congress::ballots::PollStatus;
use jiaogong_domain::congress::evaluation::{
    parse_grades, parse_items, Electorate, EvaluationError, EvaluationSettings, RaterFacts, RaterGroup, RaterKind,
};
use jiaogong_domain::congress::CongressSettings;
use jiaogong_domain::members::Post;
use jiaogong_store::congress::evaluations::{self as repo, Evaluation};
use jiaogong_store::congress::polls;
use jiaogong_store::platform::tenancy::School;

use super::{
    clean_report, eval_error, field, fields, leader_views, settings_of, subject_names, LeaderView, ReportForm,
};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::AppState;

/// What the setup form held, so a refused form comes back as typed.
#[derive(Debug, Clone)]
struct Draft {
    title: String,
    electorate: String,
    min_group_size: String,
    grades: String,
    items: String,
    groups: Vec<(String, String, String)>,
}

impl Draft {
    /// An empty form with the school's defaults (minimum group size from the congress settings).
    fn for_school(cs: &CongressSettings) -> Self {
        let s = EvaluationSettings::default();
        let mut groups: Vec<(String, String, String)> =
            s.groups.iter().map(|g| (g.name.clone(), g.who.code().to_string(), g.weight.to_string())).collect();
        groups.push((String::new(), "everyone".into(), String::new()));
        Draft {
            title: String::new(),
            electorate: "all_staff".into(),
            min_group_size: cs.min_group_size.to_string(),
            grades: s.grades.iter().map(|g| format!("{}={}", g.name, g.points)).collect::<Vec<_>>().join("\n"),
            items: String::new(),
            groups,
        }
    }
}

#[derive(Template)]
#[template(path = "congress/evaluations/list.html")]
struct ListPage {
    c: Chrome,
    school: School,
    evaluations: Vec<Evaluation>,
    d: Draft,
    kinds: Vec<(&'static str, String)>,
    error: String,
}

async fn list_with(st: &AppState, ctx: &Ctx, school: School, d: Draft, error: String) -> AppResult<Response> {
    let evaluations = repo::list(&st.store, &school.id).await?;
    let kinds = RaterKind::ALL.iter().map(|k| (k.code(), ctx.tr.t(k.key()))).collect();
    let title = ctx.tr.t("eval-title");
    let mut r = render(&ListPage {
        c: Chrome::new(ctx, "evaluations", title),
        school,
        evaluations,
        d,
        kinds,
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
    let cs = jiaogong_store::congress::congress_settings::get(&st.store, &school.id).await?;
    list_with(&st, &ctx, school, Draft::for_school(&cs), String::new()).await
}

/// The setup form into settings, or the message to show.
fn parse_draft(ctx: &Ctx, d: &Draft, cs: &CongressSettings) -> Result<(String, EvaluationSettings), String> {
    let title =
        jiaogong_domain::platform::text::line(&d.title, 60).map_err(|e| ctx.name_error(&e, "eval-err-title"))?;
    let grades = parse_grades(&d.grades).map_err(|e| eval_error(ctx, &e))?;
    let items = parse_items(&d.items).map_err(|e| eval_error(ctx, &e))?;
    let electorate = Electorate::from_code(&d.electorate).ok_or_else(|| ctx.tr.t("err-bad-value"))?;
    let min_group_size: u64 =
        d.min_group_size.trim().parse().map_err(|_| eval_error(ctx, &EvaluationError::MinGroupSize))?;
    let mut groups = Vec::new();
    for (name, who, weight) in &d.groups {
        let name = jiaogong_domain::platform::text::optional_line(name, 30)
            .map_err(|e| ctx.name_error(&e, "err-bad-value"))?
            .unwrap_or_default();
        if name.is_empty() && weight.trim().is_empty() {
            continue;
        }
        let who = RaterKind::from_code(who).ok_or_else(|| ctx.tr.t("err-bad-value"))?;
        let weight: u64 = weight.trim().parse().map_err(|_| eval_error(ctx, &EvaluationError::Groups))?;
        groups.push(RaterGroup { name, weight, who });
    }
    let s =
        EvaluationSettings { grades, items, groups, min_group_size, electorate, flag_fail_ratio: cs.flag_fail_ratio };
    s.validate().map_err(|e| eval_error(ctx, &e))?;
    Ok((title, s))
}

pub(super) async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let names = fields(&form, "group_name");
    let whos = fields(&form, "group_who");
    let weights = fields(&form, "group_weight");
    let d = Draft {
        title: field(&form, "title"),
        electorate: field(&form, "electorate"),
        min_group_size: field(&form, "min_group_size"),
        grades: field(&form, "grades"),
        items: field(&form, "items"),
        groups: names.into_iter().zip(whos).zip(weights).map(|((n, w), x)| (n, w, x)).collect(),
    };
    let cs = jiaogong_store::congress::congress_settings::get(&st.store, &school.id).await?;
    let (title, settings) = match parse_draft(&ctx, &d, &cs) {
        Ok(v) => v,
        Err(msg) => return list_with(&st, &ctx, school, d, msg).await,
    };
    let json = serde_json::to_string(&settings).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = st.store.begin().await?;
    let id = repo::create(&mut tx, &st.store.crypto, &school.id, &title, &json, &ctx.actor()).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/evaluations/{id}", school.code)))
}

#[derive(Template)]
#[template(path = "congress/evaluations/manage.html")]
struct ManagePage {
    c: Chrome,
    school: School,
    ev: Evaluation,
    s: EvaluationSettings,
    group_labels: Vec<(String, u64, String)>,
    leaders: Vec<LeaderView>,
    candidates: Vec<(String, String, String, String)>,
    electorate: i64,
    voted: i64,
    sizes: Vec<(String, i64)>,
    error: String,
}

async fn manage_with(st: &AppState, ctx: &Ctx, school: School, id: &str, error: String) -> AppResult<Response> {
    let ev = repo::get(&st.store, &school.id, id).await?;
    let s = settings_of(&ev)?;
    let leaders = leader_views(ctx, repo::leaders(&st.store, &ev.id).await?);
    let listed: Vec<&str> = leaders.iter().map(|l| l.l.member_id.as_str()).collect();
    let candidates = repo::leader_candidates(&st.store, &school.id)
        .await?
        .into_iter()
        .filter(|c| !listed.contains(&c.0.as_str()))
        .collect();
    let (electorate, voted, sizes) = match &ev.poll_id {
        Some(p) => {
            let (e, v) = polls::turnout(&st.store, p).await?;
            (e, v, repo::group_sizes(&st.store, p).await?)
        }
        None => (0, 0, Vec::new()),
    };
    let group_labels = s.groups.iter().map(|g| (g.name.clone(), g.weight, ctx.tr.t(g.who.key()))).collect();
    let title = ev.title.clone();
    let mut r = render(&ManagePage {
        c: Chrome::new(ctx, "evaluations", title),
        school,
        ev,
        s,
        group_labels,
        leaders,
        candidates,
        electorate,
        voted,
        sizes,
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

pub(super) async fn add_leaders(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let ev = repo::get(&st.store, &school.id, &id).await?;
    if ev.poll_id.is_some() {
        return manage_with(&st, &ctx, school, &id, ctx.tr.t("eval-err-not-draft")).await;
    }
    let numbers = jiaogong_store::members::dues::employee_numbers(&st.store, &school.id).await?;
    let typed: Vec<String> = field(&form, "employee_nos")
        .split(|c: char| c.is_whitespace() || ",，、;；".contains(c))
        .map(jiaogong_domain::platform::text::normalize)
        .filter(|s| !s.is_empty())
        .collect();
    let unknown: Vec<&str> = typed.iter().filter(|n| !numbers.contains_key(*n)).map(String::as_str).collect();
    if !unknown.is_empty() {
        let msg = ctx.tr.t1("eval-err-unknown-numbers", "numbers", &unknown.join("、"));
        return manage_with(&st, &ctx, school, &id, msg).await;
    }
    let mut wanted: Vec<String> = fields(&form, "member");
    wanted.extend(typed.iter().filter_map(|n| numbers.get(n).cloned()));
    if wanted.is_empty() {
        return manage_with(&st, &ctx, school, &id, ctx.tr.t("eval-err-pick-leaders")).await;
    }
    let mut tx = st.store.begin().await?;
    for m in &wanted {
        repo::add_leader(&mut tx, &st.store.crypto, &school.id, &ev.id, m, &ctx.actor()).await?;
    }
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/evaluations/{id}", school.code)))
}

pub(super) async fn remove_leader(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, member)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let ev = repo::get(&st.store, &school.id, &id).await?;
    let mut tx = st.store.begin().await?;
    if !repo::remove_leader(&mut tx, &st.store.crypto, &school.id, &ev.id, &member, &ctx.actor()).await? {
        return Err(AppError::NotFound);
    }
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/evaluations/{id}", school.code)))
}

pub(super) async fn committee_report(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, member)): Path<(String, String, String)>,
    Form(f): Form<ReportForm>,
) -> AppResult<Response> {
    let ev = repo::get(&st.store, &school.id, &id).await?;
    let report = match clean_report(&ctx, &f.report) {
        Ok(r) => r,
        Err(msg) => return manage_with(&st, &ctx, school, &id, msg).await,
    };
    let mut tx = st.store.begin().await?;
    repo::set_report(&mut tx, &st.store.crypto, &school.id, &ev.id, &member, &report, &ctx.actor()).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/evaluations/{id}#leader-{member}", school.code)))
}

/// Opens the evaluation: decides every rater's group from their data, creates the poll with
/// that electorate and opens it, all in one transaction.
pub(super) async fn open(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let ev = repo::get(&st.store, &school.id, &id).await?;
    if ev.poll_id.is_some() {
        return manage_with(&st, &ctx, school, &id, ctx.tr.t("eval-err-not-draft")).await;
    }
    let s = settings_of(&ev)?;
    let leaders = repo::leaders(&st.store, &ev.id).await?;
    let raters: Vec<(String, String)> = repo::rater_facts(&st.store, &school.id)
        .await?
        .into_iter()
        .filter_map(|(member, post, delegate)| {
            let facts = RaterFacts { post: post.as_deref().and_then(Post::from_code), delegate: delegate == 1 };
            s.group_of(&facts).map(|g| (member, g.to_string()))
        })
        .collect();
    if raters.is_empty() {
        return manage_with(&st, &ctx, school, &id, ctx.tr.t("eval-err-no-raters")).await;
    }
    let poll = match s.poll(&ev.title, &subject_names(&leaders), raters.len() as u64) {
        Ok(p) => p,
        Err(e) => return manage_with(&st, &ctx, school, &id, eval_error(&ctx, &e)).await,
    };
    let def = serde_json::to_string(&poll).map_err(|e| AppError::Internal(e.to_string()))?;
    let electorate: Vec<String> = raters.iter().map(|r| r.0.clone()).collect();
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    let poll_id = polls::create(&mut tx, &school.id, "evaluation", &ev.title, &def, &electorate, &actor).await?;
    if !repo::attach_poll(&mut tx, &st.store.crypto, &school.id, &ev.id, &poll_id, &raters, &actor).await? {
        return Err(AppError::Conflict { code: "evaluation_state", message: ctx.tr.t("eval-err-not-draft") });
    }
    polls::set_status(&mut tx, &school.id, &poll_id, PollStatus::Draft, PollStatus::Open).await?;
    jiaogong_store::platform::audit::append(
        &mut tx,
        &st.store.crypto,
        &jiaogong_store::platform::audit::Event::new(Some(&school.id), &actor, "poll.open", &poll_id),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/evaluations/{id}", school.code)))
}

pub(super) async fn close(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let ev = repo::get(&st.store, &school.id, &id).await?;
    let Some(poll_id) = ev.poll_id else {
        return manage_with(&st, &ctx, school, &id, ctx.tr.t("poll-wrong-state")).await;
    };
    let poll = polls::get(&st.store, &school.id, &poll_id).await?;
    crate::congress::polls::transition(&st, &ctx, &school, &poll, PollStatus::Open, PollStatus::Closed).await?;
    Ok(see_other(&format!("/s/{}/evaluations/{id}/sheet", school.code)))
}
