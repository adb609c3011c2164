//! Democratic evaluation of leaders (民主评议): the committee sets an evaluation up (leaders from
//! the roster, grades, items, rater groups with weights, electorate, minimum group size), leaders
//! post their 述职报告, raters grade every leader on the phone (one tap per grade, cast through
//! the ballot box with the group the server assigned), and the closed evaluation prints as the
//! 测评结果汇总表. Results stay hidden until the poll closes.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::ballots::{self, TallyResult};
use jiaogong_domain::congress::evaluation::{
    item_subject, parse_grades, parse_items, Electorate, EvaluationError, EvaluationSettings, RaterFacts, RaterGroup,
    RaterKind,
};
use jiaogong_domain::congress::CongressSettings;
use jiaogong_domain::members::Post;
use jiaogong_store::evaluations::{self as repo, Evaluation, Leader};
use jiaogong_store::polls::{self, Poll};
use jiaogong_store::tenancy::School;
use serde::Deserialize;
use serde_json::json;

use crate::ctx::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/evaluations", get(list))
        .add("POST", "/s/{school}/evaluations", post(create))
        .add("GET", "/s/{school}/evaluations/{id}", get(manage))
        .add("POST", "/s/{school}/evaluations/{id}/leaders", post(add_leaders))
        .add("POST", "/s/{school}/evaluations/{id}/leaders/{member}/remove", post(remove_leader))
        .add("POST", "/s/{school}/evaluations/{id}/leaders/{member}/report", post(committee_report))
        .add("POST", "/s/{school}/evaluations/{id}/open", post(open))
        .add("POST", "/s/{school}/evaluations/{id}/close", post(close))
        .add("GET", "/s/{school}/evaluations/{id}/sheet", get(sheet))
        .add("GET", "/s/{school}/evaluations/{id}/sheet.xlsx", get(sheet_xlsx))
        .add("GET", "/evaluations/{id}", get(rate_page))
        .add("POST", "/evaluations/{id}/rate", post(rate))
        .add("GET", "/evaluations/{id}/check", get(check_page))
        .add("POST", "/evaluations/{id}/check", post(check))
        .add("GET", "/evaluations/{id}/report", get(report_page))
        .add("POST", "/evaluations/{id}/report", post(save_report))
}

fn eval_error(ctx: &Ctx, e: &EvaluationError) -> String {
    ctx.tr.ta(e.key(), &e.args())
}

fn settings_of(ev: &Evaluation) -> AppResult<EvaluationSettings> {
    serde_json::from_str(&ev.settings).map_err(|e| AppError::Internal(e.to_string()))
}

/// The subject name of each leader on the ballot: the name, or `name（工号）` when two share it.
fn subject_names(leaders: &[Leader]) -> Vec<String> {
    leaders
        .iter()
        .map(|l| {
            if leaders.iter().filter(|o| o.name == l.name).count() > 1 {
                format!("{}（{}）", l.name, l.employee_no)
            } else {
                l.name.clone()
            }
        })
        .collect()
}

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
#[template(path = "evaluations/list.html")]
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

async fn list(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    let cs = jiaogong_store::congress_settings::get(&st.store, &school.id).await?;
    list_with(&st, &ctx, school, Draft::for_school(&cs), String::new()).await
}

fn field(form: &[(String, String)], k: &str) -> String {
    form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
}

fn fields(form: &[(String, String)], k: &str) -> Vec<String> {
    form.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect()
}

/// The setup form into settings, or the message to show.
fn parse_draft(ctx: &Ctx, d: &Draft, cs: &CongressSettings) -> Result<(String, EvaluationSettings), String> {
    let title = jiaogong_domain::text::normalize(&d.title);
    if title.is_empty() || title.chars().count() > 60 {
        return Err(ctx.tr.t("eval-err-title"));
    }
    let grades = parse_grades(&d.grades).map_err(|e| eval_error(ctx, &e))?;
    let items = parse_items(&d.items).map_err(|e| eval_error(ctx, &e))?;
    let electorate = Electorate::from_code(&d.electorate).ok_or_else(|| ctx.tr.t("err-bad-value"))?;
    let min_group_size: u64 =
        d.min_group_size.trim().parse().map_err(|_| eval_error(ctx, &EvaluationError::MinGroupSize))?;
    let mut groups = Vec::new();
    for (name, who, weight) in &d.groups {
        let name = jiaogong_domain::text::normalize(name);
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

async fn create(
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
    let cs = jiaogong_store::congress_settings::get(&st.store, &school.id).await?;
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

/// A leader as the pages show them.
struct LeaderView {
    l: Leader,
    subject: String,
    post: String,
}

fn leader_views(ctx: &Ctx, leaders: Vec<Leader>) -> Vec<LeaderView> {
    let names = subject_names(&leaders);
    leaders
        .into_iter()
        .zip(names)
        .map(|(l, subject)| {
            let post = l.post.as_deref().and_then(Post::from_code).map(|p| ctx.tr.t(p.key())).unwrap_or_default();
            LeaderView { l, subject, post }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "evaluations/manage.html")]
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

async fn manage(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    manage_with(&st, &ctx, school, &id, String::new()).await
}

async fn add_leaders(
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
    let numbers = jiaogong_store::dues::employee_numbers(&st.store, &school.id).await?;
    let typed: Vec<String> = field(&form, "employee_nos")
        .split(|c: char| c.is_whitespace() || ",，、;；".contains(c))
        .map(jiaogong_domain::text::normalize)
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

async fn remove_leader(
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

#[derive(Deserialize)]
struct ReportForm {
    report: String,
}

/// A report: trimmed, at most 20,000 characters.
fn clean_report(ctx: &Ctx, text: &str) -> Result<String, String> {
    let t = text.trim().replace("\r\n", "\n");
    if t.chars().count() > 20_000 {
        return Err(ctx.tr.t("eval-err-report-long"));
    }
    Ok(t)
}

async fn committee_report(
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
async fn open(
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
    polls::set_status(&mut tx, &school.id, &poll_id, "draft", "open").await?;
    jiaogong_store::audit::append(
        &mut tx,
        &st.store.crypto,
        &jiaogong_store::audit::Event::new(Some(&school.id), &actor, "poll.open", &poll_id),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/evaluations/{id}", school.code)))
}

async fn close(
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
    crate::polls::transition(&st, &ctx, &school, &poll, "open", "closed").await?;
    Ok(see_other(&format!("/s/{}/evaluations/{id}/sheet", school.code)))
}

/// One row of the result sheet.
struct SheetRow {
    name: String,
    post: String,
    n: u64,
    withheld: bool,
    counts: Vec<u64>,
    rate: String,
    score: String,
    flagged: bool,
    items: Vec<SheetRow>,
    by_group: Option<Vec<GroupLine>>,
}

/// One rater group's answers for a leader: (group, answers, counts per grade, average points).
type GroupLine = (String, u64, Vec<u64>, String);

/// A rater group on the sheet: ballots returned and whether it is too small to show alone.
struct SheetGroup {
    name: String,
    weight: u64,
    returned: u64,
    small: bool,
}

struct Sheet {
    grades: Vec<String>,
    rows: Vec<SheetRow>,
    groups: Vec<SheetGroup>,
    returned: u64,
    valid: u64,
    electorate: u64,
    min: u64,
    any_suppressed: bool,
}

fn sheet_row(name: &str, post: String, r: &ballots::EvaluationResult) -> SheetRow {
    let sub = r.subjects.iter().find(|x| x.name == name);
    let mut row = SheetRow {
        name: name.to_string(),
        post,
        n: sub.map_or(0, |x| x.n),
        withheld: true,
        counts: Vec::new(),
        rate: String::new(),
        score: String::new(),
        flagged: false,
        items: Vec::new(),
        by_group: None,
    };
    if let Some(d) = sub.and_then(|x| x.detail.as_ref()) {
        row.withheld = false;
        row.counts = d.counts.0.iter().map(|(_, c)| *c).collect();
        row.rate.clone_from(&d.competent_rate);
        row.score.clone_from(&d.score);
        row.flagged = d.flagged;
        row.by_group = d.by_group.as_ref().map(|m| {
            m.0.iter()
                .map(|(g, t)| (g.clone(), t.n, t.counts.0.iter().map(|(_, c)| *c).collect(), t.score.clone()))
                .collect()
        });
    }
    row
}

/// The result sheet of a closed evaluation; `Conflict` (results hidden) before it closes.
async fn build_sheet(st: &AppState, ctx: &Ctx, school: &School, ev: &Evaluation) -> AppResult<(Poll, Sheet)> {
    let hidden = || AppError::Conflict { code: "results_hidden", message: ctx.tr.t("poll-results-hidden") };
    let poll_id = ev.poll_id.clone().ok_or_else(hidden)?;
    let poll = polls::get(&st.store, &school.id, &poll_id).await?;
    if poll.status != "closed" {
        return Err(hidden());
    }
    let s = settings_of(ev)?;
    let bulletin = crate::polls::bulletin_of(st, &poll).await?;
    let TallyResult::Evaluation(r) = ballots::tally(&bulletin) else {
        return Err(AppError::Internal("not an evaluation".into()));
    };
    let mut returned_by: BTreeMap<String, u64> = BTreeMap::new();
    for b in bulletin.ballots.iter().filter(|b| !b.spoiled) {
        *returned_by.entry(b.group.clone().unwrap_or_default()).or_default() += 1;
    }
    let groups = s
        .groups
        .iter()
        .map(|g| {
            let returned = returned_by.get(&g.name).copied().unwrap_or(0);
            SheetGroup {
                name: g.name.clone(),
                weight: g.weight,
                returned,
                small: returned > 0 && returned < s.min_group_size,
            }
        })
        .collect();
    let leaders = leader_views(ctx, repo::leaders(&st.store, &ev.id).await?);
    let rows: Vec<SheetRow> = leaders
        .iter()
        .map(|l| {
            let mut row = sheet_row(&l.subject, l.post.clone(), &r);
            row.items = s.items.iter().map(|i| sheet_row(&item_subject(&l.subject, i), i.clone(), &r)).collect();
            row
        })
        .collect();
    let any_suppressed = rows.iter().any(|r| !r.withheld && r.by_group.is_none());
    let sheet = Sheet {
        grades: s.grades.iter().map(|g| g.name.clone()).collect(),
        any_suppressed,
        rows,
        groups,
        returned: r.returned,
        valid: r.valid,
        electorate: bulletin.poll.electorate,
        min: s.min_group_size,
    };
    Ok((poll, sheet))
}

#[derive(Template)]
#[template(path = "evaluations/sheet.html")]
struct SheetPage {
    c: Chrome,
    school: School,
    ev: Evaluation,
    poll: Poll,
    sh: Sheet,
}

async fn sheet(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let ev = repo::get(&st.store, &school.id, &id).await?;
    let (poll, sh) = build_sheet(&st, &ctx, &school, &ev).await?;
    let title = ctx.tr.t("eval-sheet-title");
    render(&SheetPage { c: Chrome::new(&ctx, "evaluations", title), school, ev, poll, sh })
}

async fn sheet_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    use jiaogong_office::xlsx_write::{self, OutCell, Table};
    let ev = repo::get(&st.store, &school.id, &id).await?;
    let (_, sh) = build_sheet(&st, &ctx, &school, &ev).await?;
    let t = |k: &str| ctx.tr.t(k);
    let mut headers = vec![t("eval-leader"), t("eval-post"), t("eval-n")];
    headers.extend(sh.grades.iter().cloned());
    headers.extend([t("eval-competent-rate"), t("eval-score"), t("eval-flag")]);
    let mut rows = Vec::new();
    let mut push = |r: &SheetRow, name: String| {
        let mut cells = vec![OutCell::Text(name), OutCell::Text(r.post.clone()), OutCell::Int(r.n as i64)];
        if r.withheld {
            cells.push(OutCell::Text(t("eval-withheld")));
        } else {
            cells.extend(r.counts.iter().map(|c| OutCell::Int(*c as i64)));
            cells.push(OutCell::Text(format!("{}%", r.rate)));
            cells.push(OutCell::Text(r.score.clone()));
            cells.push(OutCell::Text(if r.flagged { t("eval-flagged") } else { String::new() }));
        }
        rows.push(cells);
    };
    for r in &sh.rows {
        push(r, r.name.clone());
        for i in &r.items {
            push(i, format!("　{}", i.name));
        }
    }
    let bytes =
        xlsx_write::write_tables(&[Table { sheet_name: t("eval-sheet-title"), headers, rows, col_widths: vec![] }])
            .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::export::xlsx_response(&format!("{}.xlsx", ev.title), bytes))
}

/// The evaluation of the caller's school with this id (404 for anyone else).
async fn own_evaluation(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<Evaluation> {
    let school = ctx.user()?.school_id.clone().ok_or(AppError::NotFound)?;
    Ok(repo::get(&st.store, &school, id).await?)
}

/// A leader on the rater's page: index of the overall subject, name, post, report, items.
struct RateLeader {
    idx: usize,
    subject: String,
    post: String,
    report: String,
    items: Vec<(usize, String)>,
}

#[derive(Template)]
#[template(path = "evaluations/rate.html")]
struct RatePage {
    c: Chrome,
    ev: Evaluation,
    leaders: Vec<RateLeader>,
    grades: Vec<String>,
    group: Option<String>,
    voted: bool,
    chosen: Vec<String>,
    tracker: String,
    error: String,
}

impl RatePage {
    /// Whether the form being shown again had grade `g` for subject `i`.
    fn is_chosen(&self, i: usize, g: &str) -> bool {
        self.chosen.get(i).is_some_and(|x| x == g)
    }
}

async fn rate_page_with(
    st: &AppState,
    ctx: &Ctx,
    ev: Evaluation,
    chosen: Vec<String>,
    tracker: String,
    error: String,
) -> AppResult<Response> {
    let s = settings_of(&ev)?;
    let leaders = leader_views(ctx, repo::leaders(&st.store, &ev.id).await?);
    let k = leaders.len();
    let rate_leaders = leaders
        .into_iter()
        .enumerate()
        .map(|(i, l)| RateLeader {
            idx: i,
            items: s.items.iter().enumerate().map(|(j, item)| (k + i * s.items.len() + j, item.clone())).collect(),
            subject: l.subject,
            post: l.post,
            report: l.l.report,
        })
        .collect();
    let member = ctx.user()?.member_id.clone();
    let (group, voted) = match (&ev.poll_id, &member) {
        (Some(p), Some(m)) => (repo::rater_group(&st.store, p, m).await?, polls::has_voted(&st.store, p, m).await?),
        _ => (None, false),
    };
    let grades = s.grades.iter().map(|g| g.name.clone()).collect();
    let title = ev.title.clone();
    let mut r = render(&RatePage {
        c: Chrome::new(ctx, "polls", title),
        ev,
        leaders: rate_leaders,
        grades,
        group,
        voted,
        chosen,
        tracker,
        error: error.clone(),
    })?;
    if !error.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn rate_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let ev = own_evaluation(&st, &ctx, &id).await?;
    rate_page_with(&st, &ctx, ev, Vec::new(), String::new(), String::new()).await
}

async fn rate(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let ev = own_evaluation(&st, &ctx, &id).await?;
    let Some(poll_id) = ev.poll_id.clone() else {
        return rate_page_with(&st, &ctx, ev, Vec::new(), String::new(), ctx.tr.t("poll-not-open")).await;
    };
    let poll = polls::get(&st.store, &ev.school_id, &poll_id).await?;
    let def: ballots::Poll = serde_json::from_str(&poll.definition).map_err(|e| AppError::Internal(e.to_string()))?;
    let chosen: Vec<String> = (0..def.subjects.len()).map(|i| field(&form, &format!("g{i}"))).collect();
    let answers: Vec<(String, String)> =
        def.subjects.iter().zip(&chosen).filter(|(_, g)| !g.is_empty()).map(|(s, g)| (s.clone(), g.clone())).collect();
    let s = settings_of(&ev)?;
    let leaders = subject_names(&repo::leaders(&st.store, &ev.id).await?);
    if let Err(e) = s.check_answers(&leaders, &answers) {
        let msg = eval_error(&ctx, &e);
        return rate_page_with(&st, &ctx, ev, chosen, String::new(), msg).await;
    }
    let grades: serde_json::Map<String, serde_json::Value> = answers.into_iter().map(|(s, g)| (s, json!(g))).collect();
    // The group is stamped by `polls::cast` from the server's record, never taken from the form.
    match crate::polls::cast(&st, &ctx, &poll, &json!({ "grades": grades })).await {
        // The receipt is shown here and nowhere else (no redirect carrying it in the address).
        Ok(tracker) => rate_page_with(&st, &ctx, ev, Vec::new(), tracker, String::new()).await,
        Err(e @ (AppError::BadInput { .. } | AppError::Conflict { .. })) => {
            let msg = e.message(&ctx.tr);
            rate_page_with(&st, &ctx, ev, chosen, String::new(), msg).await
        }
        Err(AppError::Forbidden) => {
            rate_page_with(&st, &ctx, ev, chosen, String::new(), ctx.tr.t("eval-not-rater")).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "evaluations/report.html")]
struct ReportPage {
    c: Chrome,
    ev: Evaluation,
    report: String,
    editable: bool,
    error: String,
}

/// The caller's own leader entry in an evaluation (404 when they are not one of its leaders).
async fn own_leader(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<(Evaluation, Leader)> {
    let ev = own_evaluation(st, ctx, id).await?;
    let member = ctx.user()?.member_id.clone().ok_or(AppError::NotFound)?;
    let leader = repo::leaders(&st.store, &ev.id)
        .await?
        .into_iter()
        .find(|l| l.member_id == member)
        .ok_or(AppError::NotFound)?;
    Ok((ev, leader))
}

async fn report_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let (ev, leader) = own_leader(&st, &ctx, &id).await?;
    let editable = ev.status != "closed";
    let title = ctx.tr.t("eval-report");
    render(&ReportPage { c: Chrome::new(&ctx, "me", title), ev, report: leader.report, editable, error: String::new() })
}

async fn save_report(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ReportForm>,
) -> AppResult<Response> {
    let (ev, leader) = own_leader(&st, &ctx, &id).await?;
    let report = match clean_report(&ctx, &f.report) {
        Ok(r) => r,
        Err(error) => {
            let title = ctx.tr.t("eval-report");
            let mut r =
                render(&ReportPage { c: Chrome::new(&ctx, "me", title), editable: true, ev, report: f.report, error })?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(r);
        }
    };
    let mut tx = st.store.begin().await?;
    repo::set_report(&mut tx, &st.store.crypto, &ev.school_id, &ev.id, &leader.member_id, &report, &ctx.actor())
        .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/evaluations/{id}/report")))
}

/// What the check found for the tracker the rater typed.
enum Found {
    /// Nothing checked yet (the empty form).
    Nothing,
    /// No ballot with this tracker in the closed evaluation's bulletin.
    Missing,
    /// A paper sheet: counted, but its sheet number is no secret, so its content is not shown.
    Paper { spoiled: bool },
    /// The rater's own online ballot: its group and the grade given to each subject.
    Online { group: String, grades: Vec<(String, String)> },
}

#[derive(Template)]
#[template(path = "evaluations/check.html")]
struct CheckPage {
    c: Chrome,
    ev: Evaluation,
    tracker: String,
    found: Found,
    error: String,
}

fn check_response(ctx: &Ctx, ev: Evaluation, tracker: String, found: Found, error: String) -> AppResult<Response> {
    let title = ev.title.clone();
    let mut r = render(&CheckPage { c: Chrome::new(ctx, "polls", title), ev, tracker, found, error: error.clone() })?;
    if !error.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    // The answer names the ballot's content: no cache may keep it.
    r.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(r)
}

/// "核对我的选票": a rater types the receipt code shown after rating and learns whether the closed
/// evaluation's bulletin holds it, without the bulletin (which carries every rater's group and
/// goes to the committee and auditors only, ADR 012).
async fn check_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let ev = own_evaluation(&st, &ctx, &id).await?;
    check_response(&ctx, ev, String::new(), Found::Nothing, String::new())
}

#[derive(Deserialize)]
struct CheckForm {
    #[serde(default)]
    tracker: String,
}

/// Looks the tracker up in the bulletin the tally counted. The tracker is the rater's secret (128
/// random bits): whoever holds it sees that ballot, nobody else learns which ballot is whose.
/// Nothing is stored or audited, so the server keeps no link between the caller and a tracker;
/// the code travels in a POST body, never in an address.
async fn check(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CheckForm>,
) -> AppResult<Response> {
    let ev = own_evaluation(&st, &ctx, &id).await?;
    let tracker: String = f.tracker.chars().filter(|c| !c.is_whitespace()).collect();
    if tracker.is_empty() || tracker.chars().count() > 64 {
        return check_response(&ctx, ev, String::new(), Found::Nothing, ctx.tr.t("eval-check-err-tracker"));
    }
    let poll = match &ev.poll_id {
        Some(p) => polls::get(&st.store, &ev.school_id, p).await?,
        None => return check_response(&ctx, ev, tracker, Found::Nothing, ctx.tr.t("eval-check-not-closed")),
    };
    if poll.status != "closed" {
        return check_response(&ctx, ev, tracker, Found::Nothing, ctx.tr.t("eval-check-not-closed"));
    }
    let bulletin = crate::polls::bulletin_of(&st, &poll).await?;
    let found = match bulletin.ballots.iter().find(|b| b.tracker.eq_ignore_ascii_case(&tracker)) {
        None => Found::Missing,
        Some(b) if b.paper => Found::Paper { spoiled: b.spoiled },
        Some(b) => {
            let given = b.grades.clone().unwrap_or_default();
            let grades =
                bulletin.poll.subjects.iter().map(|s| (s.clone(), given.get(s).cloned().unwrap_or_default())).collect();
            Found::Online { group: b.group.clone().unwrap_or_default(), grades }
        }
    };
    check_response(&ctx, ev, tracker, found, String::new())
}
