//! The committee's poll pages: the list with the creation form (purposes with their legal rules
//! preselected), a poll's page with its live turnout and result, opening and closing.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::congress::ballots;
use jiaogong_domain::congress::ballots::PollStatus;
use jiaogong_store::congress::polls::{self as repo, Poll};
use jiaogong_store::platform::tenancy::{self, School};
use serde::Deserialize;
use serde_json::json;

use super::outcome::{purpose_of, rules_text, ResultView};
use super::pages::{about_of, closed_result, About};
use super::{create_poll_with, transition};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub(super) fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/polls", get(manage_list))
        .add("POST", "/s/{school}/polls", post(manage_create))
        .add("GET", "/s/{school}/polls/{id}", get(manage_page))
        .add("GET", "/s/{school}/polls/{id}/turnout", get(turnout_fragment))
        .add("POST", "/s/{school}/polls/{id}/open", post(manage_open))
        .add("POST", "/s/{school}/polls/{id}/close", post(manage_close))
}

#[derive(Template)]
#[template(path = "congress/polls/manage_list.html")]
struct ManageList {
    c: Chrome,
    school: School,
    polls: Vec<Poll>,
    groups: Vec<tenancy::GroupRef>,
    /// What the creation form shows: the defaults, or what was sent when it is shown again.
    f: CreateForm,
    rules: RuleChoices,
    error: String,
}

/// A purpose the creation form offers, with the rules it preselects and the kind it fits.
struct PurposeChoice {
    value: &'static str,
    name_key: &'static str,
    hint_key: String,
    quorum: String,
    threshold: String,
    base: String,
    kind: &'static str,
}

/// The rule choices the creation form offers (ballots::QUORUM_CHOICES …) as (value, label key).
struct RuleChoices {
    purposes: Vec<PurposeChoice>,
    quorum: Vec<(String, &'static str)>,
    threshold: Vec<(String, &'static str)>,
    base: Vec<(String, &'static str)>,
}

impl RuleChoices {
    fn offered() -> RuleChoices {
        use ballots::{Base, Fraction};
        let quorum_key = |q: Option<Fraction>| match q {
            None => "poll-quorum-none",
            Some(f) if f == Fraction::HALF => "poll-quorum-half",
            Some(_) => "poll-quorum-two-thirds",
        };
        let threshold_key =
            |t: Fraction| if t == Fraction::HALF { "poll-threshold-half" } else { "poll-threshold-two-thirds" };
        let base_key = |b: Base| match b {
            Base::Valid => "poll-base-valid",
            Base::Present => "poll-base-present",
            Base::Electorate => "poll-base-electorate",
        };
        let purposes = ballots::PollPurpose::ALL
            .into_iter()
            .map(|p| {
                let (quorum, threshold, base) = preset_fields(p);
                let kind = if p == ballots::PollPurpose::UnionElection { "election" } else { "resolution" };
                PurposeChoice {
                    value: p.as_str(),
                    name_key: p.key(),
                    hint_key: format!("{}-hint", p.key()),
                    quorum,
                    threshold,
                    base,
                    kind,
                }
            })
            .collect();
        RuleChoices {
            purposes,
            quorum: ballots::QUORUM_CHOICES
                .into_iter()
                .map(|q| (q.map(|f| f.to_string()).unwrap_or_default(), quorum_key(q)))
                .collect(),
            threshold: ballots::THRESHOLD_CHOICES.into_iter().map(|t| (t.to_string(), threshold_key(t))).collect(),
            base: ballots::BASE_CHOICES.into_iter().map(|b| (b.as_str().to_string(), base_key(b))).collect(),
        }
    }
}

async fn manage_list_with(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    f: CreateForm,
    error: String,
) -> AppResult<Response> {
    let polls = repo::list(&st.store, &school.id).await?;
    let groups = tenancy::group_refs(&st.store, &school.id).await?;
    let title = ctx.tr.t("nav-polls");
    let mut r = render(&ManageList {
        c: Chrome::new(ctx, "polls", title),
        school,
        polls,
        groups,
        f,
        rules: RuleChoices::offered(),
        error: error.clone(),
    })?;
    if !error.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn manage_list(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
) -> AppResult<Response> {
    manage_list_with(&st, &ctx, school, CreateForm::default(), String::new()).await
}

/// The form's quorum, threshold and base fields as a purpose preselects them.
fn preset_fields(p: ballots::PollPurpose) -> (String, String, String) {
    let r = p.default_rules();
    (
        r.quorum.map(|f| f.to_string()).unwrap_or_default(),
        r.threshold.unwrap_or(ballots::Fraction::HALF).to_string(),
        r.base.unwrap_or(ballots::Base::Valid).as_str().to_string(),
    )
}

#[derive(Deserialize)]
struct CreateForm {
    title: String,
    kind: String,
    /// What the poll is for (`ballots::PollPurpose`); it preselects the rules below.
    #[serde(default)]
    purpose: String,
    /// Plain text shown above the ballot (optional).
    #[serde(default)]
    description: String,
    /// When the poll closes by itself (`datetime-local`, Beijing time; optional).
    #[serde(default)]
    closes_at: String,
    /// 监票人 and 计票人 named with the poll (optional; none may be a candidate).
    #[serde(default)]
    scrutineers: String,
    #[serde(default)]
    counters: String,
    #[serde(default)]
    candidates: String,
    #[serde(default)]
    seats: String,
    #[serde(default)]
    group: String,
    /// 等额 (as many candidates as seats), e.g. the chair.
    #[serde(default)]
    uncontested: String,
    /// Counting rules (ballots.md): empty quorum is none; the defaults are preselected.
    #[serde(default)]
    quorum: String,
    #[serde(default)]
    threshold: String,
    #[serde(default)]
    base: String,
}

impl Default for CreateForm {
    /// A 教代会决议 with its rules: no default elects anyone with one vote.
    fn default() -> Self {
        let purpose = ballots::PollPurpose::CongressResolution;
        let (quorum, threshold, base) = preset_fields(purpose);
        CreateForm {
            title: String::new(),
            kind: "resolution".into(),
            purpose: purpose.as_str().into(),
            description: String::new(),
            closes_at: String::new(),
            scrutineers: String::new(),
            counters: String::new(),
            candidates: String::new(),
            seats: String::new(),
            group: String::new(),
            uncontested: String::new(),
            quorum,
            threshold,
            base,
        }
    }
}

async fn manage_create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<CreateForm>,
) -> AppResult<Response> {
    let title = match jiaogong_domain::platform::text::line(&f.title, 100) {
        Ok(t) => t,
        Err(e) => {
            let msg = ctx.name_error(&e, "poll-title-required");
            return manage_list_with(&st, &ctx, school, f, msg).await;
        }
    };
    let description = match jiaogong_domain::platform::text::optional_text(&f.description, super::MAX_DESCRIPTION) {
        Ok(d) => d.unwrap_or_default(),
        Err(e) => {
            let msg = ctx.name_error(&e, "poll-err-description");
            return manage_list_with(&st, &ctx, school, f, msg).await;
        }
    };
    let closes_at = match ballots::parse_closing_time(&f.closes_at, jiaogong_store::now_ms()) {
        Ok(t) => t,
        Err(e) => {
            let msg = ctx.tr.t(e.key());
            return manage_list_with(&st, &ctx, school, f, msg).await;
        }
    };
    let scrutineers = super::outcome::official_names_text(&f.scrutineers);
    let counters = super::outcome::official_names_text(&f.counters);
    if let Err(e) = super::outcome::check_officials(&ctx, &scrutineers, &counters) {
        let msg = e.message(&ctx.tr);
        return manage_list_with(&st, &ctx, school, f, msg).await;
    }
    let Some(purpose) = ballots::PollPurpose::parse(&f.purpose) else {
        let msg = ctx.tr.t("poll-err-purpose");
        return manage_list_with(&st, &ctx, school, f, msg).await;
    };
    let kind_fits = match f.kind.as_str() {
        "election" => purpose.fits(ballots::PollKind::Election),
        _ => purpose.fits(ballots::PollKind::Resolution),
    };
    if !kind_fits {
        let msg = ctx.tr.t1("poll-err-purpose-kind", "purpose", &ctx.tr.t(purpose.key()));
        return manage_list_with(&st, &ctx, school, f, msg).await;
    }
    let rules = match ballots::chosen_rules(&f.quorum, &f.threshold, &f.base) {
        Ok(r) => json!(r),
        Err(e) => {
            let msg = ctx.tr.t(e.key());
            return manage_list_with(&st, &ctx, school, f, msg).await;
        }
    };
    let poll = match f.kind.as_str() {
        "resolution" => json!({"title": title, "kind": "resolution", "rules": rules}),
        "election" => {
            let candidates: Result<Vec<Option<String>>, _> = f
                .candidates
                .split(['\n', ',', '，', '、'])
                .map(|c| jiaogong_domain::platform::text::optional_line(c, 50))
                .collect();
            let candidates: Vec<String> = match candidates {
                Ok(c) => c.into_iter().flatten().collect(),
                Err(e) => {
                    let msg = ctx.name_error(&e, "poll-election-fields");
                    return manage_list_with(&st, &ctx, school, f, msg).await;
                }
            };
            let seats: u64 = f.seats.trim().parse().unwrap_or(0);
            if candidates.is_empty() || seats == 0 {
                let msg = ctx.tr.t("poll-election-fields");
                return manage_list_with(&st, &ctx, school, f, msg).await;
            }
            // 差额 (the school's margin) is checked by `create_poll_with`, unless the chair is elected 等额.
            json!({"title": title, "kind": "election", "seats": seats, "candidates": candidates, "allow_write_in": true, "rules": rules})
        }
        _ => {
            let msg = ctx.tr.t("err-bad-value");
            return manage_list_with(&st, &ctx, school, f, msg).await;
        }
    };
    let voters = if f.group.is_empty() {
        None
    } else {
        Some(jiaogong_store::members::active_ids_in_group(&st.store, &school.id, &f.group).await?)
    };
    let new = super::NewPoll {
        details: repo::PollDetails { purpose: Some(purpose.as_str().into()), description, closes_at },
        scrutineers,
        counters,
    };
    match create_poll_with(&st, &ctx, &school, poll, voters, f.uncontested.is_empty(), &new).await {
        Ok(id) => Ok(see_other(&format!("/s/{}/polls/{id}", school.code))),
        Err(AppError::BadInput { message, .. }) => manage_list_with(&st, &ctx, school, f, message).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "congress/polls/manage.html")]
struct ManagePage {
    c: Chrome,
    school: School,
    poll: Poll,
    t: Turnout,
    result: Option<ResultView>,
    x: super::paper::Extras,
    rules: String,
    about: About,
}

#[derive(Template)]
#[template(path = "congress/polls/turnout.html")]
struct TurnoutFragment {
    c: Chrome,
    school: School,
    poll: Poll,
    t: Turnout,
}

/// The live turnout of a poll, as the committee sees it.
struct Turnout {
    electorate: i64,
    voted: i64,
    not_voted: Vec<(String, String)>,
}

async fn turnout_of(st: &AppState, poll: &Poll) -> AppResult<Turnout> {
    let t = repo::live_turnout(&st.store, &poll.id).await?;
    Ok(Turnout { electorate: t.electorate, voted: t.voted, not_voted: t.not_voted })
}

async fn manage_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let poll = repo::get(&st.store, &school.id, &id).await?;
    let poll = super::closed_if_due(&st, &school, poll).await?;
    let t = turnout_of(&st, &poll).await?;
    let purpose = purpose_of(&st, &poll).await?;
    let result = closed_result(&st, &ctx, &poll, purpose).await?;
    let x = super::paper::extras(&st, &ctx, &poll).await?;
    let rules = rules_text(&ctx, &poll, purpose);
    let about = about_of(&st, &poll).await?;
    let title = poll.title.clone();
    render(&ManagePage { c: Chrome::new(&ctx, "polls", title), school, poll, t, result, x, rules, about })
}

async fn turnout_fragment(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let poll = repo::get(&st.store, &school.id, &id).await?;
    let t = turnout_of(&st, &poll).await?;
    let title = poll.title.clone();
    render(&TurnoutFragment { c: Chrome::new(&ctx, "polls", title), school, poll, t })
}

async fn manage_open(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let poll = repo::get(&st.store, &school.id, &id).await?;
    transition(&st, &ctx, &school, &poll, PollStatus::Draft, PollStatus::Open).await?;
    Ok(see_other(&format!("/s/{}/polls/{id}", school.code)))
}

async fn manage_close(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let poll = repo::get(&st.store, &school.id, &id).await?;
    transition(&st, &ctx, &school, &poll, PollStatus::Open, PollStatus::Closed).await?;
    Ok(see_other(&format!("/s/{}/polls/{id}", school.code)))
}
