//! The voting pages: a member's open polls, the ballot form with its receipt, and the committee's
//! list, creation form, live turnout and result.

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
use serde_json::{json, Value};

use super::outcome::{purpose_of, result_view, rules_text, ResultView};
use super::{cast, create_poll_with, scoped, tally_of, transition};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub(super) fn routes(r: Routes) -> Routes {
    r.add("GET", "/polls", get(my_polls))
        .add("GET", "/polls/{id}", get(vote_page))
        .add("POST", "/polls/{id}/vote", post(vote))
        .add("GET", "/polls/{id}/receipt", get(receipt_page))
        .add("GET", "/s/{school}/polls", get(manage_list))
        .add("POST", "/s/{school}/polls", post(manage_create))
        .add("GET", "/s/{school}/polls/{id}", get(manage_page))
        .add("GET", "/s/{school}/polls/{id}/turnout", get(turnout_fragment))
        .add("POST", "/s/{school}/polls/{id}/open", post(manage_open))
        .add("POST", "/s/{school}/polls/{id}/close", post(manage_close))
}

#[derive(Template)]
#[template(path = "congress/polls/mine.html")]
struct MinePage {
    c: Chrome,
    open: Vec<(Poll, bool)>,
    voted: Vec<Poll>,
}

async fn my_polls(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user()?;
    let (open, voted) = match (&user.school_id, &user.member_id) {
        (Some(s), Some(m)) => (repo::open_for_member(&st.store, s, m).await?, repo::voted_by(&st.store, s, m).await?),
        _ => (Vec::new(), Vec::new()),
    };
    let title = ctx.tr.t("nav-polls");
    render(&MinePage { c: Chrome::new(&ctx, "polls", title), open, voted })
}

/// What the vote page shows for a poll.
struct VoteView {
    kind: ballots::PollKind,
    candidates: Vec<String>,
    seats: u64,
    write_in: bool,
    subjects: Vec<String>,
    grades: Vec<String>,
    groups: Vec<String>,
}

fn vote_view(poll: &Poll) -> VoteView {
    let def: ballots::Poll = serde_json::from_str(&poll.definition)
        .unwrap_or_else(|_| ballots::Poll::new(ballots::PollKind::Resolution, "", 0, 0, 0));
    VoteView {
        kind: poll.kind,
        candidates: def.candidates.clone(),
        seats: def.seats.unwrap_or(0),
        write_in: def.allow_write_in,
        subjects: def.subjects.clone(),
        grades: def.grades.iter().map(|g| g.name.clone()).collect(),
        groups: def.groups.iter().map(|g| g.name.clone()).collect(),
    }
}

#[derive(Template)]
#[template(path = "congress/polls/vote.html")]
struct VotePage {
    c: Chrome,
    poll: Poll,
    v: VoteView,
    voted: bool,
    tracker: String,
    error: String,
    result: Option<ResultView>,
    rules: String,
    about: About,
    /// The form's fields as sent, so a ballot refused by the server is shown as it was filled.
    chosen: Vec<(String, String)>,
}

impl VotePage {
    /// Whether the form sent `name=value` (a candidate's mark, a choice).
    fn picked(&self, name: &str, value: &str) -> bool {
        self.chosen.iter().any(|(n, v)| n == name && v == value)
    }

    /// Whether the form sent `value` for the mark of the `i`-th candidate.
    fn marked(&self, i: &usize, value: &str) -> bool {
        self.picked(&format!("mark_{i}"), value)
    }

    /// What the form sent for `name`.
    fn sent(&self, name: &str) -> &str {
        self.chosen.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    /// The over-vote message the page shows before asking for confirmation.
    fn over_vote_text(&self) -> String {
        self.c.tr.t1("poll-over-vote", "seats", &self.v.seats.to_string())
    }
}

async fn vote_page_with(
    st: &AppState,
    ctx: &Ctx,
    poll: Poll,
    tracker: String,
    error: String,
    chosen: Vec<(String, String)>,
) -> AppResult<Response> {
    let voted = match &ctx.user()?.member_id {
        Some(m) => repo::has_voted(&st.store, &poll.id, m).await?,
        None => false,
    };
    let purpose = purpose_of(st, &poll).await?;
    let result = closed_result(st, ctx, &poll, purpose).await?;
    let title = poll.title.clone();
    let v = vote_view(&poll);
    let rules = rules_text(ctx, &poll, purpose);
    let about = about_of(st, &poll).await?;
    let mut r = render(&VotePage {
        c: Chrome::new(ctx, "polls", title),
        poll,
        v,
        voted,
        tracker,
        error: error.clone(),
        result,
        rules,
        about,
        chosen,
    })?;
    if !error.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn vote_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let (school, poll) = scoped(&st, &ctx, &id).await?;
    let poll = super::closed_if_due(&st, &school, poll).await?;
    // A leader evaluation has its own phone page (one tap per grade, the rater group set by the server).
    if poll.kind == ballots::PollKind::Evaluation {
        if let Some(ev) = jiaogong_store::congress::evaluations::of_poll(&st.store, &poll.id).await? {
            return Ok(crate::platform::pages::see_other(&format!("/evaluations/{}", ev.id)));
        }
    }
    vote_page_with(&st, &ctx, poll, String::new(), String::new(), Vec::new()).await
}

/// The vote form's fields into a ballot of the poll's kind.
fn ballot_from_form(v: &VoteView, form: &[(String, String)]) -> Value {
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    match v.kind.as_str() {
        "resolution" => match get("choice") {
            Some(c) => json!({"choice": c}),
            None => json!({}),
        },
        "election" => {
            // Per candidate 赞成 / 反对 / 弃权 (`mark_i`), or `yes=` / `no=` with the name. A candidate
            // left unmarked is an abstention (ballots.md), so it is left out of the marks.
            let marks: serde_json::Map<String, Value> = v
                .candidates
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    let named = |k: &str| form.iter().any(|(n, x)| n == k && x == c);
                    let mark = match get(&format!("mark_{i}")).as_deref() {
                        Some("yes") => Some("yes"),
                        Some("no") => Some("no"),
                        Some(_) => None,
                        None if named("yes") => Some("yes"),
                        None if named("no") => Some("no"),
                        None => None,
                    };
                    mark.map(|m| (c.clone(), json!(m)))
                })
                .collect();
            let write_ins: Vec<String> = form
                .iter()
                .filter(|(n, x)| n == "write_in" && !x.trim().is_empty())
                .map(|(_, x)| x.trim().to_string())
                .collect();
            if write_ins.is_empty() {
                json!({"marks": marks})
            } else {
                json!({"marks": marks, "write_ins": write_ins})
            }
        }
        _ => {
            let grades: serde_json::Map<String, Value> = v
                .subjects
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    get(&format!("grade_{i}")).filter(|g| !g.is_empty()).map(|g| (s.clone(), json!(g)))
                })
                .collect();
            let mut b = json!({"grades": grades});
            if let Some(g) = get("group") {
                b["group"] = json!(g);
            }
            b
        }
    }
}

async fn vote(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (_, poll) = scoped(&st, &ctx, &id).await?;
    let ballot = ballot_from_form(&vote_view(&poll), &form);
    match cast(&st, &ctx, &poll, &ballot).await {
        // The receipt is shown here and nowhere else (no redirect with it in the address).
        Ok(tracker) => vote_page_with(&st, &ctx, poll, tracker, String::new(), Vec::new()).await,
        Err(e @ (AppError::BadInput { .. } | AppError::Conflict { .. })) => {
            let msg = e.message(&ctx.tr);
            // The choices are shown again as they were made (CSRF token excluded).
            let chosen = form.into_iter().filter(|(n, _)| n != "_csrf").collect();
            vote_page_with(&st, &ctx, poll, String::new(), msg, chosen).await
        }
        Err(e) => Err(e),
    }
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

/// A poll's description and closing time as its pages show them.
pub(super) struct About {
    pub description: String,
    /// "2026-12-05 18:00" (Beijing time), or empty.
    pub closes_at: String,
    pub attachments: Vec<repo::Attachment>,
}

pub(super) async fn about_of(st: &AppState, poll: &Poll) -> AppResult<About> {
    let d = repo::details(&st.store, &poll.id).await?;
    Ok(About {
        description: d.description,
        closes_at: d.closes_at.map(|ms| crate::platform::pages::instant(&ms)).unwrap_or_default(),
        attachments: repo::attachments(&st.store, &poll.id).await?,
    })
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

/// The result of a closed poll, recounted from its bulletin; nothing while it is open.
async fn closed_result(
    st: &AppState,
    ctx: &Ctx,
    poll: &Poll,
    purpose: Option<ballots::PollPurpose>,
) -> AppResult<Option<ResultView>> {
    if !poll.status.is_closed() {
        return Ok(None);
    }
    let decides = purpose.is_none_or(|p| p.decides());
    Ok(Some(result_view(ctx, &json!(tally_of(st, poll).await?), decides)))
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

#[derive(Template)]
#[template(path = "congress/polls/receipt.html")]
struct ReceiptPage {
    c: Chrome,
    poll: Poll,
    code: String,
    /// None: not looked up (no code, or the poll is not closed); Some(None): not in the bulletin.
    found: Option<Option<ReceiptEntry>>,
}

/// A ballot of the bulletin, as its voter reads it.
struct ReceiptEntry {
    paper: bool,
    /// The choice in words.
    words: String,
    /// The ballot as the bulletin writes it.
    json: String,
}

#[derive(Deserialize)]
struct ReceiptQuery {
    #[serde(default)]
    code: String,
}

/// Checking a receipt against the published bulletin: the member types or pastes the code they
/// were shown after voting (the server does not know which code is theirs, ADR 007).
async fn receipt_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<ReceiptQuery>,
) -> AppResult<Response> {
    let (_, poll) = scoped(&st, &ctx, &id).await?;
    let code: String = q.code.trim().chars().filter(|c| !c.is_whitespace()).take(64).collect();
    let found = if poll.status.is_closed() && !code.is_empty() {
        let packed = repo::ballots_packed(&st.store, &poll.id).await?;
        let hit = packed.rows().into_iter().find(|(t, _, _)| t.eq_ignore_ascii_case(&code));
        Some(match hit {
            Some((tracker, content, paper)) => {
                let def = super::definition(&poll)?;
                let value: Value = serde_json::from_str(content).unwrap_or(Value::Null);
                let words = receipt_words(&ctx, &def, &value);
                let mut entry = serde_json::Map::new();
                entry.insert("tracker".into(), json!(tracker));
                if paper {
                    entry.insert("paper".into(), json!(true));
                }
                if let Some(obj) = value.as_object() {
                    entry.extend(obj.clone());
                }
                Some(ReceiptEntry { paper, words, json: Value::Object(entry).to_string() })
            }
            None => None,
        })
    } else {
        None
    };
    let title = ctx.tr.t("poll-receipt-check");
    render(&ReceiptPage { c: Chrome::new(&ctx, "polls", title), poll, code, found })
}

/// A ballot in words: the choice, the people approved, or each subject's grade.
fn receipt_words(ctx: &Ctx, def: &ballots::Poll, content: &Value) -> String {
    if def.kind != ballots::PollKind::Evaluation {
        return super::paper::describe(ctx, def, content);
    }
    let grades: Vec<String> = content
        .get("grades")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(s, g)| format!("{s}：{}", g.as_str().unwrap_or_default()))
        .collect();
    grades.join("；")
}
