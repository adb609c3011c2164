//! 工作计划 and 工作总结: the plan page (sections, goals, month-by-month entries with computed
//! progress and the month chart, linking records, adoption, starting next year's plan), the
//! summary page (one-click draft, the chair's prose that survives re-drafting, every figure
//! opening its records), its A4 print view and .docx, and the JSON API.

pub(crate) mod summary;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form, Json};
use chrono::Datelike;
use jiaogong_domain::plans::{self as rules, Comparison, Goal, LinkKind, Progress};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::plans::{self as repo, PlanView};
use jiaogong_store::platform::tenancy::School;
use jiaogong_store::StoreError;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::transparency::today;
use crate::{AppState, Routes};

/// Who writes the plan and the summary: the chair and the committee.
pub const EDITORS: &[Role] = &[Role::Admin, Role::Chair, Role::OrgCommittee];

pub fn routes(r: Routes) -> Routes {
    let r = r.add("GET", "/s/{school}/plans", get(plan_page)).add("POST", "/s/{school}/plans", post(plan_action)).add(
        "GET",
        "/api/v1/schools/{school}/plans/{year}",
        get(api_plan),
    );
    summary::routes(r)
}

pub(crate) fn is_editor(ctx: &Ctx) -> bool {
    ctx.user.as_ref().is_some_and(|u| EDITORS.contains(&u.role()))
}

#[derive(Deserialize)]
pub(crate) struct YearQuery {
    #[serde(default)]
    pub year: Option<i32>,
}

pub(crate) fn year_of(q: &YearQuery) -> i32 {
    q.year.filter(|y| rules::check_year(*y).is_ok()).unwrap_or_else(|| today().year())
}

/// The month chart: per month, stacked bars of done / in progress / not started / overdue.
pub(crate) fn month_chart(ctx: &Ctx, v: &PlanView) -> String {
    let counts = repo::month_counts(&v.entries);
    let colours = ["#27ae60", "#2e86c1", "#bdc3c7", "#c0392b"];
    let max = counts.iter().map(|(_, c)| c.iter().sum::<usize>()).max().unwrap_or(0).max(1);
    let (w, h, top, bottom) = (480.0_f64, 200.0_f64, 30.0_f64, 24.0_f64);
    let bar = w / 12.0;
    let scale = (h - top - bottom) / max as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" style=\"max-width:100%\" role=\"img\" aria-label=\"{}\">",
        jiaogong_office::svg::escape(&ctx.tr.t("plan-chart"))
    );
    for (m, c) in &counts {
        let x = (f64::from(*m) - 1.0) * bar + 4.0;
        let mut y = h - bottom;
        for (i, n) in c.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let bh = *n as f64 * scale;
            y -= bh;
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{}\"><title>{}</title></rect>",
                bar - 8.0,
                colours[i],
                n
            ));
        }
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">{m}</text>",
            x + (bar - 8.0) / 2.0,
            h - 8.0
        ));
    }
    for (i, p) in Progress::ALL.iter().enumerate() {
        let x = 4.0 + i as f64 * 110.0;
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"17\" font-size=\"12\">{}</text>",
            colours[i],
            x + 16.0,
            jiaogong_office::svg::escape(&ctx.tr.t(p.key()))
        ));
    }
    s.push_str("</svg>");
    s
}

struct EntryLine {
    e: repo::EntryView,
    kind: String,
    progress: String,
}

#[derive(Template)]
#[template(path = "plans/plan.html")]
struct PlanPage {
    c: Chrome,
    school: School,
    year: i32,
    plan: Option<PlanView>,
    entries: Vec<EntryLine>,
    goals: Vec<(repo::GoalView, String)>,
    chart: String,
    editor: bool,
    kinds: Vec<(&'static str, String)>,
    figures: Vec<(&'static str, String)>,
    has_last_year: bool,
    error: String,
}

async fn plan_page_with(st: &AppState, ctx: &Ctx, school: School, year: i32, error: String) -> AppResult<Response> {
    let plan = repo::view(&st.store, &school.id, year, today()).await?;
    let chart = plan.as_ref().map(|v| month_chart(ctx, v)).unwrap_or_default();
    let entries = plan
        .as_ref()
        .map(|v| {
            v.entries
                .iter()
                .map(|e| EntryLine { kind: ctx.tr.t(e.kind.key()), progress: ctx.tr.t(e.progress.key()), e: e.clone() })
                .collect()
        })
        .unwrap_or_default();
    let goals = plan
        .as_ref()
        .map(|v| v.goals.iter().map(|g| (g.clone(), ctx.tr.t(g.outcome.key()))).collect())
        .unwrap_or_default();
    let has_last_year = repo::find(&st.store, &school.id, year - 1).await?.is_some();
    render(&PlanPage {
        c: Chrome::new(ctx, "plans", ctx.tr.t1("plan-title-year", "year", &year.to_string())),
        school,
        year,
        plan,
        entries,
        goals,
        chart,
        editor: is_editor(ctx),
        kinds: LinkKind::ALL.iter().map(|k| (k.code(), ctx.tr.t(k.key()))).collect(),
        figures: jiaogong_store::plans::summary::specs()
            .into_iter()
            .map(|(_, s)| (s.code, ctx.tr.t(s.label)))
            .collect(),
        has_last_year,
        error,
    })
}

async fn plan_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    plan_page_with(&st, &ctx, school, year_of(&q), String::new()).await
}

#[derive(Deserialize, Default)]
struct PlanForm {
    year: i32,
    action: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    figure: String,
    #[serde(default)]
    cmp: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    responsible: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    entry: String,
    #[serde(default)]
    record: String,
    #[serde(default)]
    goal: String,
    #[serde(default)]
    judged: String,
}

/// Every change of the plan page is one POST with an `action`.
async fn plan_action(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<PlanForm>,
) -> AppResult<Response> {
    if !is_editor(&ctx) {
        return Err(AppError::Forbidden);
    }
    let year = match rules::check_year(f.year) {
        Ok(y) => y,
        Err(e) => return Err(AppError::bad("invalid_year", ctx.tr.t(e.key()))),
    };
    match apply(&st, &ctx, &school, year, &f).await {
        Ok(()) => Ok(see_other(&format!("/s/{}/plans?year={year}", school.code))),
        Err(AppError::BadInput { message, .. } | AppError::Conflict { message, .. }) => {
            plan_page_with(&st, &ctx, school, year, message).await
        }
        Err(e) => Err(e),
    }
}

async fn apply(st: &AppState, ctx: &Ctx, school: &School, year: i32, f: &PlanForm) -> Result<(), AppError> {
    let bad = |key: &str| AppError::bad("invalid_plan", ctx.tr.t(key));
    let crypto = &st.store.crypto;
    let actor = ctx.actor();
    let plan_id = repo::find(&st.store, &school.id, year).await?.map(|p| p.id);
    let mut tx = st.store.begin().await?;
    match (f.action.as_str(), plan_id) {
        ("create", None) => {
            repo::create(&mut tx, crypto, &school.id, &actor, year).await?;
        }
        ("start_from", None) => {
            repo::start_from(&mut tx, crypto, &school.id, &actor, year - 1, year).await?;
        }
        ("section", Some(p)) => {
            let title = f.title.trim();
            if title.is_empty() || title.chars().count() > rules::LINE_MAX {
                return Err(bad("plan-err-item"));
            }
            let body = rules::check_prose(&f.body).map_err(|e| bad(e.key()))?;
            repo::add_section(&mut tx, crypto, &school.id, &actor, &p, title, &body).await?;
        }
        ("goal", Some(p)) => {
            let text = f.text.trim();
            if text.is_empty() || text.chars().count() > rules::LINE_MAX || rules::check_prose(text).is_err() {
                return Err(bad("plan-err-item"));
            }
            let goal = if f.figure.is_empty() {
                Goal::ByHand { judged: None }
            } else {
                let cmp = Comparison::from_code(&f.cmp).ok_or_else(|| bad("plan-err-target"))?;
                let target: i64 = f.target.trim().parse().map_err(|_| bad("plan-err-target"))?;
                Goal::Figure { figure: f.figure.clone(), cmp, target }
            };
            repo::add_goal(&mut tx, crypto, &school.id, &actor, &p, text, &goal).await.map_err(|e| match e {
                StoreError::Invalid(_) => bad("plan-err-target"),
                e => e.into(),
            })?;
        }
        ("entry", Some(p)) => {
            let month: u32 = f.month.trim().parse().unwrap_or(0);
            let (month, item, kind) = rules::check_entry(month, &f.item, &f.kind).map_err(|e| bad(e.key()))?;
            let responsible: String = f.responsible.trim().chars().take(rules::LINE_MAX).collect();
            repo::add_entry(&mut tx, crypto, &school.id, &actor, &p, month, &item, &responsible, kind).await?;
        }
        ("link", Some(_)) => {
            let kind = LinkKind::from_code(&f.kind).ok_or_else(|| bad("plan-err-kind"))?;
            repo::link(&mut tx, crypto, &school.id, &actor, &f.entry, kind, f.record.trim()).await.map_err(
                |e| match e {
                    StoreError::Invalid(_) => bad("plan-err-record"),
                    e => e.into(),
                },
            )?;
        }
        ("done", Some(_)) => repo::set_done(&mut tx, crypto, &school.id, &actor, &f.entry, true).await?,
        ("judge", Some(_)) => {
            let judged = match f.judged.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            };
            repo::judge_goal(&mut tx, crypto, &school.id, &actor, &f.goal, judged).await?;
        }
        ("adopt", Some(p)) => repo::adopt(&mut tx, crypto, &school.id, &actor, &p, today()).await?,
        _ => return Err(bad("plan-err-action")),
    }
    jiaogong_store::commit(tx).await?;
    Ok(())
}

/// The chair's to-do list: this month's plan items not done yet (one line each, so the chair
/// sees what they are); the supervision group's: items whose period ended awaiting sign-off.
pub(crate) async fn home_todo(
    st: &AppState,
    ctx: &Ctx,
    school: &School,
    todos: &mut Vec<crate::platform::auth_pages::Todo>,
) -> AppResult<()> {
    let Some(user) = &ctx.user else { return Ok(()) };
    let now = today();
    if EDITORS.contains(&user.role()) {
        for e in repo::this_month(&st.store, &school.id, now).await? {
            todos.push(crate::platform::auth_pages::Todo {
                text: ctx.tr.t1("plan-todo", "item", &e.item),
                href: format!("/s/{}/plans?year={}", school.code, now.year()),
                count: 0,
            });
        }
    }
    if crate::transparency::SUPERVISORS.contains(&user.role()) {
        let waiting = jiaogong_store::transparency::items::list(&st.store, &school.id, None)
            .await?
            .into_iter()
            .filter(|i| !i.closed() && i.end().is_some_and(|e| e < now))
            .count();
        if waiting > 0 {
            todos.push(crate::platform::auth_pages::Todo {
                text: ctx.tr.t("tp-todo-signoff"),
                href: format!("/s/{}/transparency", school.code),
                count: i64::try_from(waiting).unwrap_or(i64::MAX),
            });
        }
    }
    Ok(())
}

pub(crate) fn plan_json(v: &PlanView) -> Value {
    json!({
        "id": v.plan.id,
        "year": v.plan.year,
        "state": v.plan.state,
        "adopted_on": v.plan.adopted_on,
        "sections": v.sections,
        "goals": v.goals,
        "entries": v.entries,
    })
}

async fn api_plan(
    State(st): State<AppState>,
    Extension(school): Extension<School>,
    Path((_, year)): Path<(String, i32)>,
) -> AppResult<Json<Value>> {
    let v = repo::view(&st.store, &school.id, year, today()).await?.ok_or(AppError::NotFound)?;
    Ok(Json(plan_json(&v)))
}
