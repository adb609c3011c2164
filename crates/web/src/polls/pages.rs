//! The voting pages: a member's open polls, the ballot form with its receipt, and the committee's
//! list, creation form, live turnout and result.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::ballots;
use jiaogong_store::polls::{self as repo, Poll};
use jiaogong_store::tenancy::{self, School};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{cast, create_poll_with, scoped, tally_of, transition};
use crate::ctx::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::{render, see_other, Chrome};
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

/// A result as people read it: a few key figures, a table and a chart.
pub struct ResultView {
    pub summary: Vec<(String, String)>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub chart: String,
}

/// `decides`: false for a consultation (意见征集), whose result only reports the counts (no
/// "passed", no "elected", no runoff).
pub(super) fn result_view(ctx: &Ctx, r: &Value, decides: bool) -> ResultView {
    let t = |k: &str| ctx.tr.t(k);
    let n = |k: &str| r.get(k).map(|v| v.to_string()).unwrap_or_default();
    let mut summary =
        vec![(t("poll-returned"), n("returned")), (t("poll-valid"), n("valid")), (t("poll-invalid"), n("invalid"))];
    if let Some(reason) = r.get("void_reason").and_then(Value::as_str) {
        summary.push((t("poll-void"), t(&format!("poll-void-{}", reason.replace('_', "-")))));
    }
    let (headers, mut rows, mut series);
    rows = Vec::new();
    series = Vec::new();
    match r.get("kind").and_then(Value::as_str) {
        Some("resolution") => {
            if decides {
                summary.push((
                    t("poll-passed"),
                    if r["passed"].as_bool() == Some(true) { t("poll-passed-yes") } else { t("poll-passed-no") },
                ));
            } else {
                summary.push((t("poll-passed"), t("poll-report-only")));
            }
            headers = vec![t("poll-yes"), t("poll-no"), t("poll-abstain"), t("poll-base")];
            rows.push(vec![n("yes"), n("no"), n("abstain"), n("base")]);
            for (k, label) in [("yes", t("poll-yes")), ("no", t("poll-no")), ("abstain", t("poll-abstain"))] {
                series.push(jiaogong_office::svg::Series { label, value: r[k].as_f64().unwrap_or(0.0) });
            }
        }
        Some("election") => {
            headers = if decides {
                vec![t("poll-candidate"), t("poll-yes"), t("poll-no"), t("poll-abstain"), t("poll-elected")]
            } else {
                summary.push((t("poll-elected"), t("poll-report-only")));
                vec![t("poll-candidate"), t("poll-yes"), t("poll-no"), t("poll-abstain")]
            };
            for e in r["tally"].as_array().into_iter().flatten() {
                let name = e["name"].as_str().unwrap_or_default().to_string();
                let name = if e["write_in"].as_bool() == Some(true) {
                    format!("{name}（{}）", t("poll-write-in-mark"))
                } else {
                    name
                };
                let mut row = vec![name.clone(), e["yes"].to_string(), e["no"].to_string(), e["abstain"].to_string()];
                if decides {
                    row.push(if e["elected"].as_bool() == Some(true) { "✓".into() } else { String::new() });
                }
                rows.push(row);
                series.push(jiaogong_office::svg::Series { label: name, value: e["yes"].as_f64().unwrap_or(0.0) });
            }
            if let Some(runoff) = r.get("runoff").filter(|v| decides && !v.is_null()) {
                let among: Vec<&str> =
                    runoff["among"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                summary.push((
                    t("poll-runoff"),
                    ctx.tr.ta(
                        "poll-runoff-detail",
                        &[("seats", runoff["seats"].to_string()), ("among", among.join("、"))],
                    ),
                ));
            }
        }
        _ => {
            headers = vec![t("poll-subject"), t("poll-n"), t("poll-competent-rate"), t("poll-score")];
            for sub in r["subjects"].as_array().into_iter().flatten() {
                let name = sub["name"].as_str().unwrap_or_default().to_string();
                if sub["withheld"].as_bool() == Some(true) {
                    rows.push(vec![name, sub["n"].to_string(), t("poll-withheld"), String::new()]);
                } else {
                    let rate = sub["competent_rate"].as_str().unwrap_or_default();
                    let score = sub["score"].as_str().unwrap_or_default();
                    series.push(jiaogong_office::svg::Series {
                        label: name.clone(),
                        value: score.parse().unwrap_or(0.0),
                    });
                    rows.push(vec![name, sub["n"].to_string(), format!("{rate}%"), score.to_string()]);
                }
            }
        }
    }
    let chart =
        if series.is_empty() { String::new() } else { jiaogong_office::svg::bar_chart(&t("poll-result"), &series, "") };
    ResultView { summary, headers, rows, chart }
}

#[derive(Template)]
#[template(path = "polls/mine.html")]
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
    kind: String,
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
        kind: poll.kind.clone(),
        candidates: def.candidates.clone(),
        seats: def.seats.unwrap_or(0),
        write_in: def.allow_write_in,
        subjects: def.subjects.clone(),
        grades: def.grades.iter().map(|g| g.name.clone()).collect(),
        groups: def.groups.iter().map(|g| g.name.clone()).collect(),
    }
}

#[derive(Template)]
#[template(path = "polls/vote.html")]
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
    if poll.kind == "evaluation" {
        if let Some(ev) = jiaogong_store::evaluations::of_poll(&st.store, &poll.id).await? {
            return Ok(crate::pages::see_other(&format!("/evaluations/{}", ev.id)));
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
#[template(path = "polls/manage_list.html")]
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
    let title = match jiaogong_domain::text::line(&f.title, 100) {
        Ok(t) => t,
        Err(e) => {
            let msg = ctx.name_error(&e, "poll-title-required");
            return manage_list_with(&st, &ctx, school, f, msg).await;
        }
    };
    let description = match jiaogong_domain::text::optional_text(&f.description, super::MAX_DESCRIPTION) {
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
                .map(|c| jiaogong_domain::text::optional_line(c, 50))
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
        closes_at: d.closes_at.map(|ms| crate::pages::instant(&ms)).unwrap_or_default(),
        attachments: repo::attachments(&st.store, &poll.id).await?,
    })
}

/// The purpose a poll was created for (none for older polls and for rounds of selections).
pub(super) async fn purpose_of(st: &AppState, poll: &Poll) -> AppResult<Option<ballots::PollPurpose>> {
    Ok(repo::details(&st.store, &poll.id).await?.purpose.as_deref().and_then(ballots::PollPurpose::parse))
}

/// A poll's counting rules in plain sentences, e.g. "按工会选举的规则：实到人数须不少于应到人数的
/// 三分之二，否则投票无效；候选人的赞成票须多于全体应到人数的二分之一方可当选。" A consultation
/// says that it decides nothing.
pub(super) fn rules_text(ctx: &Ctx, poll: &Poll, purpose: Option<ballots::PollPurpose>) -> String {
    let Ok(def) = serde_json::from_str::<ballots::Poll>(&poll.definition) else { return String::new() };
    let fraction = |f: ballots::Fraction| match (f.num(), f.den()) {
        (1, 2) => ctx.tr.t("poll-fraction-half"),
        (2, 3) => ctx.tr.t("poll-fraction-two-thirds"),
        _ => f.to_string(),
    };
    let quorum = match def.rules.quorum {
        Some(q) => ctx.tr.t1("poll-rule-quorum", "fraction", &fraction(q)),
        None => ctx.tr.t("poll-rule-no-quorum"),
    };
    let base = match def.base() {
        ballots::Base::Valid => ctx.tr.t("poll-rule-base-valid"),
        ballots::Base::Present => ctx.tr.t("poll-rule-base-present"),
        ballots::Base::Electorate => ctx.tr.t("poll-rule-base-electorate"),
    };
    let args = [("base", base), ("fraction", fraction(def.threshold()))];
    let decision = match (def.kind, purpose) {
        (_, Some(p)) if !p.decides() => ctx.tr.t("poll-rule-report-only"),
        (ballots::PollKind::Resolution, _) => ctx.tr.ta("poll-rule-threshold", &args),
        (ballots::PollKind::Election, _) => ctx.tr.ta("poll-rule-threshold-election", &args),
        // Evaluations have no threshold (ballots.md).
        (ballots::PollKind::Evaluation, _) => String::new(),
    };
    let lead = purpose.map(|p| ctx.tr.t1("poll-rule-purpose", "purpose", &ctx.tr.t(p.key()))).unwrap_or_default();
    format!("{lead}{quorum}{decision}")
}

#[derive(Template)]
#[template(path = "polls/manage.html")]
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
#[template(path = "polls/turnout.html")]
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
    if poll.status != "closed" {
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
    transition(&st, &ctx, &school, &poll, "draft", "open").await?;
    Ok(see_other(&format!("/s/{}/polls/{id}", school.code)))
}

async fn manage_close(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let poll = repo::get(&st.store, &school.id, &id).await?;
    transition(&st, &ctx, &school, &poll, "open", "closed").await?;
    Ok(see_other(&format!("/s/{}/polls/{id}", school.code)))
}

#[derive(Template)]
#[template(path = "polls/receipt.html")]
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
    let found = if poll.status == "closed" && !code.is_empty() {
        let packed = repo::ballots_packed(&st.store, &poll.id).await?;
        let hit = packed.rows().into_iter().find(|(t, _, _)| t.eq_ignore_ascii_case(&code));
        Some(match hit {
            Some((tracker, content, paper)) => {
                let def = super::paper::definition(&poll)?;
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
