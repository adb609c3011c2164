//! Award selections (评先评优): the committee's pages (nominations, weighted voting rounds, the
//! principal's review, publicity with objections, the final list and certificates) and the
//! members' pages (self-nomination, objections during publicity, the honour roll). Rules come from
//! `jiaogong_domain::congress::selection`; every round electorate votes in an ordinary `election`
//! poll on the existing voting pages.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use chrono::NaiveDate;
use jiaogong_domain::ballots::{self, TallyResult};
use jiaogong_domain::congress::selection::{
    check_transition, combine, next_round, publicity_end, publicity_over, resolve_objection, ElectorateCount,
    Eligibility, ObjectionStatus, RoundOutcome, RoundRunoff, SelectionError, Stage, StageFacts,
};
use jiaogong_store::polls;
use jiaogong_store::selections::{self as repo, Nominee, Objection, Round, RoundPoll, Selection};
use jiaogong_store::tenancy::{self, School};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/selections", get(list))
        .add("POST", "/s/{school}/selections", post(create))
        .add("GET", "/s/{school}/selections/{id}", get(manage))
        .add("POST", "/s/{school}/selections/{id}/nominees", post(nominate))
        .add("POST", "/s/{school}/selections/{id}/stage", post(stage))
        .add("POST", "/s/{school}/selections/{id}/rounds", post(open_round))
        .add("POST", "/s/{school}/selections/{id}/rounds/{round}/close", post(close_round))
        .add("POST", "/s/{school}/selections/{id}/nominees/{nominee}/review", post(review))
        .add("POST", "/s/{school}/selections/{id}/publicity", post(publicity))
        .add("POST", "/s/{school}/selections/{id}/objections/{objection}", post(resolve))
        .add("GET", "/s/{school}/selections/{id}/certificates", get(certificates))
        .add("GET", "/selections", get(public_list))
        .add("GET", "/selections/{id}", get(public_page))
        .add("POST", "/selections/{id}/nominate", post(self_nominate))
        .add("POST", "/selections/{id}/objections", post(object))
}

use crate::pages::today;

fn sel_error(ctx: &Ctx, e: &SelectionError) -> String {
    ctx.tr.ta(e.key(), &e.args())
}

fn stage_of(s: &Selection) -> Stage {
    Stage::from_code(&s.stage).unwrap_or(Stage::Nomination)
}

#[derive(Template)]
#[template(path = "selections/list.html")]
struct ListPage {
    c: Chrome,
    school: School,
    selections: Vec<Selection>,
    /// The school's publicity period, the form's default.
    publicity_days: u32,
    error: String,
}

/// The label of a code under a message prefix (`sel-status` + `running`).
fn label_of(c: &Chrome, prefix: &str, code: &str) -> String {
    c.tr.t(&format!("{prefix}-{code}"))
}

fn stage_label_of(c: &Chrome, code: &str) -> String {
    c.tr.t(Stage::from_code(code).unwrap_or(Stage::Nomination).key())
}

impl ListPage {
    fn stage_label(&self, code: &str) -> String {
        stage_label_of(&self.c, code)
    }
}

impl PublicList {
    fn stage_label(&self, code: &str) -> String {
        stage_label_of(&self.c, code)
    }
}

async fn list_with(st: &AppState, ctx: &Ctx, school: School, error: String) -> AppResult<Response> {
    let selections = repo::list(&st.store, &school.id).await?;
    let publicity_days = jiaogong_store::congress_settings::get(&st.store, &school.id).await?.publicity_days;
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

async fn list(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    list_with(&st, &ctx, school, String::new()).await
}

#[derive(Deserialize)]
struct CreateForm {
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

async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<CreateForm>,
) -> AppResult<Response> {
    let title = jiaogong_domain::text::normalize(&f.title);
    let award = jiaogong_domain::text::normalize(&f.award);
    if title.is_empty() || award.is_empty() || title.chars().count() > 60 || award.chars().count() > 20 {
        return list_with(&st, &ctx, school, ctx.tr.t("sel-err-title")).await;
    }
    let default_days = i64::from(jiaogong_store::congress_settings::get(&st.store, &school.id).await?.publicity_days);
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

/// A closed round as shown: its outcome and electorates.
struct RoundView {
    r: Round,
    polls: Vec<(RoundPoll, i64, i64)>,
    outcome: Option<RoundOutcome>,
}

/// Everything about a selection the pages show.
struct Loaded {
    s: Selection,
    stage: Stage,
    nominees: Vec<Nominee>,
    rounds: Vec<RoundView>,
    objections: Vec<Objection>,
    facts: StageFacts,
}

async fn load(st: &AppState, school_id: &str, id: &str) -> AppResult<Loaded> {
    let s = repo::get(&st.store, school_id, id).await?;
    let nominees = repo::nominees(&st.store, &s.id).await?;
    let all_polls = repo::round_polls(&st.store, &s.id).await?;
    let mut rounds = Vec::new();
    for r in repo::rounds(&st.store, &s.id).await? {
        let mut ps = Vec::new();
        for p in all_polls.iter().filter(|p| p.round_id == r.id) {
            let (e, v) = polls::turnout(&st.store, &p.poll_id).await?;
            ps.push((p.clone(), e, v));
        }
        let outcome = serde_json::from_str(&r.outcome).ok();
        rounds.push(RoundView { r, polls: ps, outcome });
    }
    let objections = repo::objections(&st.store, &s.id).await?;
    let end = s.publicity_end.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let running: Vec<&Nominee> = nominees.iter().filter(|n| n.status == "running").collect();
    // The last round, once closed, may call for a runoff among nominees tied at its cut.
    let last = rounds.last().filter(|r| r.r.status == "closed").and_then(|r| r.outcome.as_ref());
    let facts = StageFacts {
        pending_runoff: last.and_then(RoundOutcome::runoff),
        quota: u32::try_from(s.quota).ok(),
        remaining: running.len() as u32,
        closed_rounds: rounds.iter().filter(|r| r.r.status == "closed").count() as u32,
        open_round: rounds.iter().any(|r| r.r.status == "open"),
        unreviewed: running.iter().filter(|n| n.review.is_none()).count() as u32,
        publicity_over: end.is_some_and(|e| publicity_over(e, today())),
        publicity_end: end,
        open_objections: objections.iter().filter(|o| o.status == "open").count() as u32,
    };
    Ok(Loaded { stage: stage_of(&s), s, nominees, rounds, objections, facts })
}

#[derive(Template)]
#[template(path = "selections/manage.html")]
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
    fn label(&self, prefix: &str, code: &str) -> String {
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
        self.l.nominees.iter().filter(|n| n.status == "running" && n.review.as_deref() == Some("approved")).count()
    }
}

async fn manage_with(st: &AppState, ctx: &Ctx, school: School, id: &str, error: String) -> AppResult<Response> {
    let l = load(st, &school.id, id).await?;
    let groups = tenancy::group_refs(&st.store, &school.id).await?;
    let cal = jiaogong_store::calendar::load(&st.store).await?;
    let suggested_end =
        crate::pages::date_zh(&publicity_end(&cal, today(), l.s.publicity_days as u32).format("%Y-%m-%d").to_string());
    let reviewer = crate::access::SELECTION_REVIEWERS.contains(&ctx.user()?.role());
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

async fn manage(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    manage_with(&st, &ctx, school, &id, String::new()).await
}

/// Checks eligibility and adds a nominee; the message to show when refused.
async fn add_nominee(
    st: &AppState,
    ctx: &Ctx,
    s: &Selection,
    member: &str,
    source: &str,
    reason: &str,
) -> AppResult<Result<(), String>> {
    if stage_of(s) != Stage::Nomination {
        return Ok(Err(ctx.tr.t("sel-err-not-nominating")));
    }
    let (status, joined, name, _) = repo::member_facts(&st.store, &s.school_id, member).await?;
    let joined = joined.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let rule = Eligibility { min_years: s.min_years as u32 };
    if let Err(e) = rule.check(status == "active", joined, today()) {
        return Ok(Err(format!("{name}：{}", sel_error(ctx, &e))));
    }
    let mut tx = st.store.begin().await?;
    match repo::nominate(&mut tx, &st.store.crypto, &s.school_id, &s.id, member, source, reason, &ctx.actor()).await {
        Ok(_) => {}
        Err(e) if e.is_unique_violation() => {
            return Ok(Err(format!("{name}：{}", sel_error(ctx, &SelectionError::AlreadyNominated))))
        }
        Err(e) => return Err(e.into()),
    }
    jiaogong_store::commit(tx).await?;
    Ok(Ok(()))
}

#[derive(Deserialize)]
struct NominateForm {
    employee_no: String,
    source: String,
    #[serde(default)]
    reason: String,
}

async fn nominate(
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
    let no = jiaogong_domain::text::normalize(&f.employee_no);
    let numbers = jiaogong_store::dues::employee_numbers(&st.store, &school.id).await?;
    let Some(member) = numbers.get(&no) else {
        return manage_with(&st, &ctx, school, &id, ctx.tr.t1("eval-err-unknown-numbers", "numbers", &no)).await;
    };
    let reason = jiaogong_domain::text::normalize(&f.reason);
    match add_nominee(&st, &ctx, &s, member, &f.source, &reason).await? {
        Ok(()) => Ok(see_other(&format!("/s/{}/selections/{id}", school.code))),
        Err(msg) => manage_with(&st, &ctx, school, &id, msg).await,
    }
}

#[derive(Deserialize)]
struct StageForm {
    to: String,
}

async fn stage(
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

/// Opens a voting round: one `election` poll per electorate over the remaining nominees, with
/// `top_n` approvals per ballot, all created and opened in one transaction.
async fn open_round(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let l = load(&st, &school.id, &id).await?;
    let bad = |key: &str| ctx.tr.t(key);
    if l.stage != Stage::Voting || l.facts.open_round {
        return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &SelectionError::WrongStage)).await;
    }
    let get_all = |k: &str| form.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let top_n = form.iter().find(|(n, _)| n == "top_n").and_then(|(_, v)| v.trim().parse::<u64>().ok()).unwrap_or(0);
    let running: Vec<String> = l.nominees.iter().filter(|n| n.status == "running").map(|n| n.label.clone()).collect();
    let last = l.rounds.last().and_then(|r| r.outcome.as_ref());
    let next = match next_round(last, &running, top_n) {
        Ok(n) => n,
        Err(e) => return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &e)).await,
    };
    let number = l.rounds.len() as i64 + 1;
    // A runoff is voted by the same electorates, with the same weights, as the tied round
    // (ballots.md: a runoff keeps the electorate); otherwise the electorates come from the form.
    let mut electorates = Vec::new();
    if next.runoff {
        for (p, _, _) in l.rounds.last().map(|r| r.polls.as_slice()).unwrap_or_default() {
            let voters = jiaogong_store::paper::electorate_ids(&st.store, &p.poll_id).await?;
            electorates.push((p.label.clone(), p.weight as u64, voters));
        }
    } else {
        let mut rows = Vec::new();
        for ((kind, label), weight) in get_all("kind").into_iter().zip(get_all("label")).zip(get_all("weight")) {
            let label = jiaogong_domain::text::normalize(&label);
            if label.is_empty() {
                continue;
            }
            let Some(weight) = weight.trim().parse::<u64>().ok().filter(|w| (1..=100).contains(w)) else {
                return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &SelectionError::BadRound)).await;
            };
            rows.push((kind, label, weight));
        }
        if rows.is_empty() {
            return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &SelectionError::BadRound)).await;
        }
        for (kind, label, weight) in &rows {
            let voters = match repo::electorate_ids(&st.store, &school.id, kind).await {
                Ok(v) => v,
                Err(jiaogong_store::StoreError::Invalid(_)) => {
                    return manage_with(&st, &ctx, school, &id, bad("err-bad-value")).await
                }
                Err(e) => return Err(e.into()),
            };
            if voters.is_empty() {
                let msg = ctx.tr.t1("sel-err-empty-electorate", "label", label);
                return manage_with(&st, &ctx, school, &id, msg).await;
            }
            electorates.push((label.clone(), *weight, voters));
        }
    }
    let (candidates, top_n) = (next.candidates, next.top_n);
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    let mut round_polls = Vec::new();
    for (label, weight, voters) in &electorates {
        let title = ctx.tr.ta(
            "sel-round-poll-title",
            &[("title", l.s.title.clone()), ("number", number.to_string()), ("label", label.clone())],
        );
        let poll = ballots::Poll::election(&title, voters.len() as u64, 0, 0, top_n, candidates.clone(), false);
        let def = serde_json::to_string(&poll).map_err(|e| AppError::Internal(e.to_string()))?;
        let poll_id = polls::create(&mut tx, &school.id, "election", &title, &def, voters, &actor).await?;
        polls::set_status(&mut tx, &school.id, &poll_id, "draft", "open").await?;
        jiaogong_store::audit::append(
            &mut tx,
            &st.store.crypto,
            &jiaogong_store::audit::Event::new(Some(&school.id), &actor, "poll.open", &poll_id).detail(title),
        )
        .await?;
        round_polls.push((poll_id, label.clone(), *weight as i64));
    }
    repo::create_round(&mut tx, &st.store.crypto, &school.id, &id, number, top_n as i64, &round_polls, &actor).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/selections/{id}", school.code)))
}

/// Closes every poll of the round, combines the electorates by weight and records who moves on.
async fn close_round(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, round)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let l = load(&st, &school.id, &id).await?;
    let Some(rv) = l.rounds.iter().find(|r| r.r.id == round) else { return Err(AppError::NotFound) };
    if rv.r.status != "open" {
        return manage_with(&st, &ctx, school, &id, ctx.tr.t("poll-wrong-state")).await;
    }
    // The round's candidates are those on its ballots: every running nominee, or in a runoff the
    // tied ones only.
    let first_poll = rv.polls.first().ok_or_else(|| AppError::Internal("round without polls".into()))?;
    let def: ballots::Poll =
        serde_json::from_str(&polls::get(&st.store, &school.id, &first_poll.0.poll_id).await?.definition)
            .map_err(|e| AppError::Internal(e.to_string()))?;
    let candidates = def.candidates;
    let mut counts = Vec::new();
    for (p, _, _) in &rv.polls {
        let mut poll = polls::get(&st.store, &school.id, &p.poll_id).await?;
        if poll.status == "open" {
            crate::polls::transition(&st, &ctx, &school, &poll, "open", "closed").await?;
            poll = polls::get(&st.store, &school.id, &p.poll_id).await?;
        }
        let TallyResult::Election(r) = ballots::tally(&crate::polls::bulletin_of(&st, &poll).await?) else {
            return Err(AppError::Internal("round poll is not an election".into()));
        };
        counts.push(ElectorateCount::from_election(&p.label, p.weight as u64, &r));
    }
    let outcome = match combine(&candidates, &counts, rv.r.top_n as u64) {
        Ok(o) => o,
        Err(e) => return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &e)).await,
    };
    let json = serde_json::to_string(&outcome).map_err(|e| AppError::Internal(e.to_string()))?;
    let detail = match outcome.runoff() {
        Some(r) => format!("advancing {}; tied {} for {}", outcome.advancing.join("、"), r.among.join("、"), r.places),
        None => format!("advancing {}", outcome.advancing.join("、")),
    };
    let mut tx = st.store.begin().await?;
    repo::close_round(
        &mut tx,
        &st.store.crypto,
        &school.id,
        &id,
        &round,
        &json,
        &outcome.eliminated(),
        &detail,
        &ctx.actor(),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/selections/{id}#round-{}", school.code, rv.r.number)))
}

#[derive(Deserialize)]
struct ReviewForm {
    decision: String,
    #[serde(default)]
    reason: String,
}

async fn review(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, nominee)): Path<(String, String, String)>,
    Form(f): Form<ReviewForm>,
) -> AppResult<Response> {
    let reason = jiaogong_domain::text::normalize(&f.reason);
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
struct PublicityForm {
    start: String,
}

async fn publicity(
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
        match jiaogong_domain::dates::parse_date(&f.start) {
            Ok(d) => d,
            Err(e) => return manage_with(&st, &ctx, school, &id, ctx.tr.validation(&e)).await,
        }
    };
    if let Err(e) = check_transition(l.stage, Stage::Publicity, &l.facts) {
        return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &e)).await;
    }
    let cal = jiaogong_store::calendar::load(&st.store).await?;
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
struct ResolveForm {
    decision: String,
    #[serde(default)]
    reason: String,
}

async fn resolve(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, objection)): Path<(String, String, String)>,
    Form(f): Form<ResolveForm>,
) -> AppResult<Response> {
    let l = load(&st, &school.id, &id).await?;
    let Some(o) = l.objections.iter().find(|o| o.id == objection) else { return Err(AppError::NotFound) };
    let current = ObjectionStatus::from_code(&o.status).unwrap_or(ObjectionStatus::Open);
    let decision = ObjectionStatus::from_code(&f.decision).unwrap_or(ObjectionStatus::Open);
    let reason = jiaogong_domain::text::normalize(&f.reason);
    let status = match resolve_objection(current, decision, &reason) {
        Ok(s) => s,
        Err(e) => return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &e)).await,
    };
    let mut tx = st.store.begin().await?;
    repo::resolve(&mut tx, &st.store.crypto, &school.id, &id, &objection, status.code(), &reason, &ctx.actor()).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/selections/{id}", school.code)))
}

/// The final list of a finished selection (running and approved nominees).
fn final_list(l: &Loaded) -> Vec<Nominee> {
    l.nominees.iter().filter(|n| n.status == "running" && n.review.as_deref() == Some("approved")).cloned().collect()
}

#[derive(Template)]
#[template(path = "selections/certificates.html")]
struct CertificatesPage {
    c: Chrome,
    school: School,
    s: Selection,
    people: Vec<Nominee>,
    date: String,
}

async fn certificates(
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
    let date = jiaogong_domain::dates::format_zh(today());
    let title = ctx.tr.t("sel-certificates");
    render(&CertificatesPage { c: Chrome::new(&ctx, "selections", title), school, s: l.s, people, date })
}

/// The caller's school (404 for users without one).
fn own_school(ctx: &Ctx) -> AppResult<String> {
    ctx.user()?.school_id.clone().ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "selections/public_list.html")]
struct PublicList {
    c: Chrome,
    current: Vec<Selection>,
    honours: Vec<jiaogong_store::selections::Honour>,
}

async fn public_list(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (current, honours) = match ctx.user()?.school_id.clone() {
        Some(school) => (
            repo::list(&st.store, &school).await?.into_iter().filter(|s| s.stage != "final").collect(),
            repo::honours(&st.store, &school).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let title = ctx.tr.t("nav-honours");
    render(&PublicList { c: Chrome::new(&ctx, "honours", title), current, honours })
}

#[derive(Template)]
#[template(path = "selections/public.html")]
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
        Stage::Nomination | Stage::Voting => l.nominees.iter().filter(|n| n.status == "running").cloned().collect(),
        Stage::Review => Vec::new(),
        Stage::Publicity | Stage::Final => final_list(&l),
    };
    let end = l.s.publicity_end.as_deref().map(crate::pages::date_zh).unwrap_or_default();
    let title = l.s.title.clone();
    let mut r =
        render(&PublicPage { c: Chrome::new(ctx, "honours", title), l, shown, mine, end, error: error.clone() })?;
    if !error.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn public_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    public_with(&st, &ctx, &id, String::new()).await
}

#[derive(Deserialize)]
struct SelfForm {
    #[serde(default)]
    reason: String,
}

async fn self_nominate(
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
    let reason = jiaogong_domain::text::normalize(&f.reason);
    if reason.is_empty() || reason.chars().count() > 500 {
        return public_with(&st, &ctx, &id, ctx.tr.t("sel-err-self-reason")).await;
    }
    match add_nominee(&st, &ctx, &s, &member, "self", &reason).await? {
        Ok(()) => Ok(see_other(&format!("/selections/{id}"))),
        Err(msg) => public_with(&st, &ctx, &id, msg).await,
    }
}

#[derive(Deserialize)]
struct ObjectForm {
    nominee: String,
    body: String,
}

async fn object(
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
