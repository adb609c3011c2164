//! The care pages: the dashboard (counts, compliance per month as an SVG chart, exports), the
//! phone form to report a life event, the task lists, a task with its visit form (one visit per
//! tap: the form carries its key), the chair's approval, a visit's page and the published
//! figures (cells under 3 people shown as "<3").

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Form;
use chrono::Datelike;
use jiaogong_domain::care::{self as rules, Compliance};
use jiaogong_office::xlsx_write::{self, OutCell, Table};
use jiaogong_store::care::events::{self, EventLine, NewEvent, TaskFilter, TaskLine};
use jiaogong_store::care::figures::{self, Counts};
use jiaogong_store::care::visits::{self, NewVisit, VisitLine};
use serde::Deserialize;

use super::{
    fail, has, led_group, may_report, member_of, my_school, parse_amount, parse_date, today, APPROVERS, CARE_COMMITTEE,
};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/care", get(dashboard))
        .add("GET", "/care/tasks.xlsx", get(tasks_xlsx))
        .add("GET", "/care/report", get(report_form))
        .add("POST", "/care/report", post(report))
        .add("GET", "/care/tasks", get(task_list))
        .add("GET", "/care/tasks/{id}", get(task_page))
        .add("POST", "/care/tasks/{id}/visits", post(record_visit))
        .add("GET", "/care/visits/{id}", get(visit_page))
        .add("POST", "/care/visits/{id}/approve", post(approve))
        .add(
            "POST",
            "/care/visits/{id}/photo",
            post(upload_photo).layer(axum::extract::DefaultBodyLimit::max(crate::platform::ctx::MAX_BODY)),
        )
        .add("GET", "/care/visits/{id}/photo", get(show_photo))
        .add("GET", "/care/figures", get(published))
        .add("POST", "/care/milestones", post(milestones))
}

/// The name of an event type in the page's language (a school's own type by its name).
pub(crate) fn type_name(c: &Chrome, code: &str, rules: &[rules::Rule]) -> String {
    let key = rules::type_key(code);
    if key == "care-type-other" {
        return rules.iter().find(|r| r.code == code).map(|r| r.name.clone()).unwrap_or_else(|| code.to_string());
    }
    c.t(key).into_owned()
}

struct MonthRow {
    label: String,
    c: Compliance,
}

#[derive(Template)]
#[template(path = "care/dashboard.html")]
struct DashboardPage {
    c: Chrome,
    counts: Counts,
    year: i32,
    total: Compliance,
    months: Vec<MonthRow>,
    chart: String,
    overdue: Vec<(TaskLine, String)>,
    awaiting: Vec<VisitLine>,
    approver: bool,
}

#[derive(Deserialize, Default)]
struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
}

async fn dashboard(State(st): State<AppState>, ctx: Ctx, Query(q): Query<YearQuery>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let today = today();
    let year = q.year.filter(|y| (2000..=2100).contains(y)).unwrap_or(today.year());
    let c = Chrome::new(&ctx, "care", ctx.tr.t("care-dashboard"));
    let counts = figures::counts(&st.store, &school.id, today).await?;
    let (months, total) = figures::compliance(&st.store, &school.id, year, today).await?;
    let series: Vec<jiaogong_office::svg::Series> = months
        .iter()
        .enumerate()
        .map(|(i, m)| jiaogong_office::svg::Series {
            label: ctx.tr.t1("care-month", "month", &(i + 1).to_string()),
            value: m.rate_permille().map(|p| p as f64 / 10.0).unwrap_or(0.0),
        })
        .collect();
    let chart = jiaogong_office::svg::bar_chart(&ctx.tr.t("care-chart-title"), &series, "%");
    let all_rules = jiaogong_store::care::rules(&st.store, &school.id).await?;
    let overdue = events::tasks(&st.store, &school.id, TaskFilter::Overdue, None, today)
        .await?
        .into_iter()
        .map(|t| {
            let n = type_name(&c, &t.kind, &all_rules);
            (t, n)
        })
        .collect();
    let awaiting = visits::visits(&st.store, &school.id, None, true).await?;
    render(&DashboardPage {
        counts,
        year,
        total,
        months: months
            .iter()
            .enumerate()
            .map(|(i, m)| MonthRow { label: ctx.tr.t1("care-month", "month", &(i + 1).to_string()), c: *m })
            .collect(),
        chart,
        overdue,
        awaiting,
        approver: has(&ctx, APPROVERS),
        c,
    })
}

#[derive(Template)]
#[template(path = "care/report.html")]
struct ReportPage {
    c: Chrome,
    /// (id, name) of the people the caller may report for.
    people: Vec<(String, String)>,
    types: Vec<(String, String)>,
    today: String,
    mine: Vec<(EventLine, String)>,
}

async fn report_form(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let c = Chrome::new(&ctx, "care", ctx.tr.t("care-report"));
    let me = member_of(&ctx);
    let all_rules = jiaogong_store::care::rules(&st.store, &school.id).await?;
    let mut people: Vec<(String, String)> = Vec::new();
    if has(&ctx, CARE_COMMITTEE) || has(&ctx, &[jiaogong_domain::platform::roles::Role::WomenCommittee]) {
        people = all_members(&st, &school.id).await?;
    } else if let Some(g) = led_group(&st, &ctx, &school).await? {
        people = all_members(&st, &school.id).await?;
        let mut keep = Vec::new();
        for p in people {
            if jiaogong_store::members::group_of(&st.store, &school.id, &p.0).await?.as_deref() == Some(g.as_str()) {
                keep.push(p);
            }
        }
        people = keep;
    }
    if let Some(m) = &me {
        if !people.iter().any(|(id, _)| id == m) {
            people.insert(0, (m.clone(), ctx.tr.t("care-myself")));
        }
    }
    let types = all_rules.iter().map(|r| (r.code.clone(), type_name(&c, &r.code, &all_rules))).collect();
    let mine = match &me {
        Some(m) => events::events(&st.store, &school.id, Some(m), None)
            .await?
            .into_iter()
            .map(|e| {
                let n = type_name(&c, &e.kind, &all_rules);
                (e, n)
            })
            .collect(),
        None => Vec::new(),
    };
    render(&ReportPage { c, people, types, today: today().format("%Y-%m-%d").to_string(), mine })
}

async fn all_members(st: &AppState, school_id: &str) -> Result<Vec<(String, String)>, AppError> {
    Ok(jiaogong_store::care::campaigns::members_list(&st.store, school_id).await?)
}

#[derive(Deserialize)]
struct ReportForm {
    member: String,
    kind: String,
    date: String,
    #[serde(default)]
    note: String,
}

async fn report(State(st): State<AppState>, ctx: Ctx, Form(f): Form<ReportForm>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let date = parse_date(&f.date, "事件日期")?;
    if !may_report(&st, &ctx, &school, &f.member).await? {
        return Err(AppError::NotFound);
    }
    let mut tx = st.store.begin().await?;
    let ev = NewEvent { member_id: &f.member, kind: &f.kind, date, note: &f.note, source: "report" };
    let r =
        events::report(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &ev, today(), false).await.map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(match (&r.task, has(&ctx, CARE_COMMITTEE)) {
        (Some((task, _)), true) => see_other(&format!("/care/tasks/{task}")),
        _ => see_other("/care/report?done=1"),
    })
}

#[derive(Template)]
#[template(path = "care/tasks.html")]
struct TasksPage {
    c: Chrome,
    state: String,
    tasks: Vec<(TaskLine, String)>,
}

#[derive(Deserialize, Default)]
struct StateQuery {
    #[serde(default)]
    state: String,
}

async fn visible_tasks(st: &AppState, ctx: &Ctx, state: &str) -> Result<(Vec<TaskLine>, Vec<rules::Rule>), AppError> {
    let school = my_school(st, ctx).await?;
    let filter = TaskFilter::parse(state)
        .ok_or_else(|| AppError::bad("invalid_state", "状态应为 open、overdue、done 或 all"))?;
    let group =
        if has(ctx, CARE_COMMITTEE) { None } else { Some(led_group(st, ctx, &school).await?.unwrap_or_default()) };
    let list = events::tasks(&st.store, &school.id, filter, group.as_deref(), today()).await?;
    Ok((list, jiaogong_store::care::rules(&st.store, &school.id).await?))
}

async fn task_list(State(st): State<AppState>, ctx: Ctx, Query(q): Query<StateQuery>) -> AppResult<Response> {
    let (list, all_rules) = visible_tasks(&st, &ctx, &q.state).await?;
    let c = Chrome::new(&ctx, "care", ctx.tr.t("care-tasks"));
    let tasks = list
        .into_iter()
        .map(|t| {
            let n = type_name(&c, &t.kind, &all_rules);
            (t, n)
        })
        .collect();
    render(&TasksPage { c, state: if q.state.is_empty() { "open".into() } else { q.state }, tasks })
}

async fn tasks_xlsx(State(st): State<AppState>, ctx: Ctx, Query(q): Query<StateQuery>) -> AppResult<Response> {
    let (list, all_rules) = visible_tasks(&st, &ctx, &q.state).await?;
    let c = Chrome::new(&ctx, "care", "");
    let t = |k: &str| ctx.tr.t(k);
    let headers = vec![
        t("care-col-member"),
        t("care-col-group"),
        t("care-col-type"),
        t("care-col-date"),
        t("care-col-due"),
        t("care-col-visited"),
    ];
    let rows = list
        .iter()
        .map(|x| {
            vec![
                OutCell::Text(x.member_name.clone()),
                OutCell::Text(x.group_name.clone().unwrap_or_default()),
                OutCell::Text(type_name(&c, &x.kind, &all_rules)),
                OutCell::Text(x.event_date.clone()),
                OutCell::Text(x.due.clone()),
                OutCell::Text(x.visited_on.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let bytes = xlsx_write::write_tables(&[Table { sheet_name: t("care-tasks"), headers, rows, col_widths: vec![] }])
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(super::xlsx_file(bytes, "care-tasks"))
}

#[derive(Template)]
#[template(path = "care/task.html")]
struct TaskPage {
    c: Chrome,
    t: TaskLine,
    type_name: String,
    visits: Vec<VisitLine>,
    people: Vec<(String, String)>,
    me: String,
    key: String,
    today: String,
}

async fn may_see_task(st: &AppState, ctx: &Ctx, t: &TaskLine) -> Result<(), AppError> {
    if has(ctx, CARE_COMMITTEE) {
        return Ok(());
    }
    let school = my_school(st, ctx).await?;
    let g = led_group(st, ctx, &school).await?;
    if g.is_some() && g == t.group_id {
        return Ok(());
    }
    if t.campaign_id.is_some() {
        // A campaign's visitor sees the task they were given.
        if let Some(m) = member_of(ctx) {
            if jiaogong_store::care::campaigns::visitor_of(&st.store, &t.id).await?.as_deref() == Some(m.as_str()) {
                return Ok(());
            }
        }
    }
    Err(AppError::NotFound)
}

async fn task_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let t = events::task(&st.store, &school.id, &id, today()).await?;
    may_see_task(&st, &ctx, &t).await?;
    let all_rules = jiaogong_store::care::rules(&st.store, &school.id).await?;
    let c = Chrome::new(&ctx, "care", ctx.tr.t("care-task"));
    let type_name = type_name(&c, &t.kind, &all_rules);
    let visits = visits::visits(&st.store, &school.id, Some(&id), false).await?;
    render(&TaskPage {
        type_name,
        visits,
        people: all_members(&st, &school.id).await?,
        me: member_of(&ctx).unwrap_or_default(),
        key: jiaogong_store::new_id(),
        today: today().format("%Y-%m-%d").to_string(),
        t,
        c,
    })
}

struct VisitForm {
    date: String,
    visitor: Vec<String>,
    gift: String,
    goods: String,
    amount: String,
    notes: String,
    key: String,
}

async fn record_visit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    // Several visitors arrive as repeated `visitor` fields.
    let mut f = VisitForm {
        date: String::new(),
        visitor: Vec::new(),
        gift: String::new(),
        goods: String::new(),
        amount: String::new(),
        notes: String::new(),
        key: String::new(),
    };
    for (k, v) in url::form_urlencoded::parse(&body) {
        let v = v.into_owned();
        match k.as_ref() {
            "date" => f.date = v,
            "visitor" if !v.is_empty() => f.visitor.push(v),
            "gift" => f.gift = v,
            "goods" => f.goods = v,
            "amount" => f.amount = v,
            "notes" => f.notes = v,
            "key" => f.key = v,
            _ => {}
        }
    }
    let school = my_school(&st, &ctx).await?;
    let t = events::task(&st.store, &school.id, &id, today()).await?;
    may_see_task(&st, &ctx, &t).await?;
    let date = parse_date(&f.date, "慰问日期")?;
    let amount = parse_amount(&f.amount)?;
    let mut tx = st.store.begin().await?;
    let v = NewVisit {
        task_id: &id,
        date,
        visitors: &f.visitor,
        gift: &f.gift,
        goods: &f.goods,
        amount,
        notes: &f.notes,
        idem_key: &f.key,
        photo: None,
    };
    let r = visits::record(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &v, today()).await.map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/care/visits/{}", r.id)))
}

#[derive(Template)]
#[template(path = "care/visit.html")]
struct VisitPage {
    c: Chrome,
    v: VisitLine,
    type_name: String,
    approver: bool,
    voucher: Option<String>,
}

async fn visit_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let v = visits::visit(&st.store, &school.id, &id).await?;
    let t = events::task(&st.store, &school.id, &v.task_id, today()).await?;
    if !has(&ctx, &[jiaogong_domain::platform::roles::Role::Finance, jiaogong_domain::platform::roles::Role::Auditor]) {
        may_see_task(&st, &ctx, &t).await?;
    }
    let all_rules = jiaogong_store::care::rules(&st.store, &school.id).await?;
    let c = Chrome::new(&ctx, "care", ctx.tr.t("care-visit"));
    let mut tx = st.store.begin().await?;
    let voucher = jiaogong_store::finance::drafts::draft_for_source(&mut tx, &school.id, "care_visit", &id)
        .await?
        .map(|d| d.state);
    tx.rollback().await.map_err(jiaogong_store::StoreError::from)?;
    render(&VisitPage { type_name: type_name(&c, &v.kind, &all_rules), approver: has(&ctx, APPROVERS), voucher, v, c })
}

/// The visit's photo: decoded and re-encoded as JPEG (no EXIF, at most 1600 px).
async fn upload_photo(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    mut mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let v = visits::visit(&st.store, &school.id, &id).await?;
    let t = events::task(&st.store, &school.id, &v.task_id, today()).await?;
    may_see_task(&st, &ctx, &t).await?;
    let refused = |_| AppError::bad("invalid_photo", "照片无法读取，请上传手机拍摄的JPEG或PNG照片");
    let mut bytes = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(refused)? {
        if field.name() == Some("photo") {
            bytes = field.bytes().await.map_err(refused)?.to_vec();
        }
    }
    let jpeg = crate::activities::notice_photos::prepare(&bytes)
        .map_err(|_| AppError::bad("invalid_photo", "照片无法读取，请上传手机拍摄的JPEG或PNG照片"))?;
    let mut tx = st.store.begin().await?;
    visits::set_photo(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &id, &jpeg).await.map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/care/visits/{id}")))
}

async fn show_photo(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    use axum::response::IntoResponse;
    let school = my_school(&st, &ctx).await?;
    let v = visits::visit(&st.store, &school.id, &id).await?;
    let t = events::task(&st.store, &school.id, &v.task_id, today()).await?;
    may_see_task(&st, &ctx, &t).await?;
    let bytes = visits::photo(&st.store, &school.id, &id).await?.ok_or(AppError::NotFound)?;
    Ok(([(axum::http::header::CONTENT_TYPE, "image/jpeg")], bytes).into_response())
}

#[derive(Deserialize)]
struct ApproveForm {
    #[serde(default)]
    reason: String,
}

async fn approve(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ApproveForm>,
) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let mut tx = st.store.begin().await?;
    visits::approve(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &id, &f.reason).await.map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/care/visits/{id}")))
}

#[derive(Template)]
#[template(path = "care/figures.html")]
struct FiguresPage {
    c: Chrome,
    year: i32,
    /// (type name, visits shown, people shown, money shown).
    lines: Vec<(String, String, String, String)>,
    rate: String,
}

/// The figures members and the district may see: aggregates only, "<3" for small cells, no names.
async fn published(State(st): State<AppState>, ctx: Ctx, Query(q): Query<YearQuery>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let year = q.year.filter(|y| (2000..=2100).contains(y)).unwrap_or(today().year());
    let f = figures::year_figures(&st.store, &school.id, year, today()).await?;
    let all_rules = jiaogong_store::care::rules(&st.store, &school.id).await?;
    let c = Chrome::new(&ctx, "care", ctx.tr.t("care-figures"));
    let lines = f
        .visits_by_type
        .iter()
        .map(|(kind, n, people)| {
            let money = f.money_by_type.iter().find(|(k, _, _)| k == kind);
            let money = money.map(|(_, m, paid)| rules::published_amount(*paid, *m)).unwrap_or_else(|| "—".into());
            // The visits of a cell of one or two people would tell who: hidden with the count.
            let visits = if rules::published_count(*people) == "<3" { "<3".to_string() } else { n.to_string() };
            (type_name(&c, kind, &all_rules), visits, rules::published_count(*people), money)
        })
        .collect();
    render(&FiguresPage { c, year, lines, rate: f.compliance.rate_display() })
}

async fn milestones(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if !has(&ctx, CARE_COMMITTEE) {
        return Err(AppError::Forbidden);
    }
    let school = my_school(&st, &ctx).await?;
    let mut tx = st.store.begin().await?;
    events::milestone_tasks(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), today().year()).await.map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/care/tasks"))
}
