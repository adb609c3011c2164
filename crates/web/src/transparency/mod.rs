//! 校务公开: the publisher's list and form (PC), the item's page where a member objects (phone),
//! the supervision group's handling and sign-off, the yearly index (print and .xlsx), the
//! public link, and the JSON API. The rules are the domain's; the store keeps anonymous
//! objections anonymous.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Json};
use chrono::{Datelike, NaiveDate};
use jiaogong_domain::platform::roles::Role;
use jiaogong_domain::transparency::{self as rules, Category, ObjectionStatus, PeriodError};
use jiaogong_office::xlsx_write::{self, OutCell, Table};
use jiaogong_store::platform::tenancy::School;
use jiaogong_store::transparency::{items, objections, TpError};
use serde::Deserialize;
use serde_json::json;

use crate::activities::notice_html::sanitize;
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::i18n::Tr;
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

mod files;

/// Who publishes items: the chair and the committee's designated office.
pub const PUBLISHERS: &[Role] = &[Role::Admin, Role::Chair, Role::OrgCommittee];
/// The supervision group (监督小组).
pub const SUPERVISORS: &[Role] = &[Role::Supervisor];

pub fn routes(r: Routes) -> Routes {
    let r = files::routes(r);
    r.add("GET", "/s/{school}/transparency", get(list))
        .add("POST", "/s/{school}/transparency", post(publish_form))
        .add("GET", "/s/{school}/transparency/index", get(index_page))
        .add("GET", "/s/{school}/transparency/index.xlsx", get(index_xlsx))
        .add("GET", "/s/{school}/transparency/{id}", get(detail))
        .add("POST", "/s/{school}/transparency/{id}/objections", post(object_form))
        .add("POST", "/s/{school}/transparency/{id}/objections/{objection}", post(handle_form))
        .add("POST", "/s/{school}/transparency/{id}/signoff", post(signoff_form))
        .add("POST", "/s/{school}/transparency/{id}/link", post(link_form))
        .add("GET", "/p/transparency/{token}", get(public_page))
        .add("POST", "/api/v1/schools/{school}/transparency", post(api_publish))
        .add("POST", "/api/v1/transparency/{id}/objections", post(api_object))
}

pub(super) fn has(ctx: &Ctx, roles: &[Role]) -> bool {
    ctx.user.as_ref().is_some_and(|u| roles.contains(&u.role()))
}

/// Today in China.
pub(crate) fn today() -> NaiveDate {
    jiaogong_domain::activities::local(jiaogong_store::now_ms()).map(|d| d.date()).unwrap_or_default()
}

/// The message of a refused step, in words that say what to do.
fn refusal(tr: &Tr, e: TpError) -> AppError {
    match e {
        TpError::Period(PeriodError::WorkingDays) => AppError::bad(
            "invalid_working_days",
            tr.t1("tp-err-working-days", "max", &rules::MAX_WORKING_DAYS.to_string()),
        ),
        TpError::Period(PeriodError::YearNotCovered(y)) => {
            AppError::bad("calendar_not_covered", tr.t1("tp-err-year-not-covered", "year", &y.to_string()))
        }
        TpError::PeriodOver(end) => AppError::Conflict {
            code: "period_over",
            message: tr.t1("tp-err-period-over", "end", &tr.date_iso(&end.format("%Y-%m-%d").to_string())),
        },
        TpError::PeriodRunning => AppError::Conflict { code: "period_running", message: tr.t("tp-err-period-running") },
        TpError::OpenObjections(n) => AppError::Conflict {
            code: "open_objections",
            message: tr.t1("tp-err-open-objections", "n", &n.to_string()),
        },
        TpError::Closed => AppError::Conflict { code: "closed", message: tr.t("tp-err-closed") },
        TpError::Store(e) => e.into(),
    }
}

fn parse_start(tr: &Tr, s: &str) -> Result<NaiveDate, AppError> {
    if s.trim().is_empty() {
        return Ok(today());
    }
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| AppError::bad("invalid_start", tr.t("tp-err-start")))
}

/// Publishes an item from raw fields (form and API share it).
#[allow(clippy::too_many_arguments)]
async fn publish_raw(
    st: &AppState,
    ctx: &Ctx,
    school: &School,
    category: &str,
    title: &str,
    content: &str,
    audience: &str,
    working_days: i64,
    start: &str,
) -> Result<(String, rules::Period), AppError> {
    let mut item = rules::validate_item(category, title, content, audience).map_err(|errs| {
        let message = errs.iter().map(|e| ctx.tr.t(e.key())).collect::<Vec<_>>().join("；");
        AppError::bad("invalid_item", message)
    })?;
    item.content = sanitize(&item.content);
    let start = parse_start(&ctx.tr, start)?;
    let days = u32::try_from(working_days).unwrap_or(0);
    let mut tx = st.store.begin().await?;
    let r = items::publish(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &item, start, days, None).await;
    match r {
        Ok(v) => {
            jiaogong_store::commit(tx).await?;
            Ok(v)
        }
        Err(e) => Err(refusal(&ctx.tr, e)),
    }
}

/// One line of the list.
struct Line {
    id: String,
    title: String,
    category: String,
    start: String,
    end: String,
    open: bool,
    closed: bool,
}

#[derive(Template)]
#[template(path = "transparency/list.html")]
struct ListPage {
    c: Chrome,
    school: School,
    lines: Vec<Line>,
    publisher: bool,
    categories: Vec<(&'static str, String)>,
    today: String,
    error: String,
}

async fn list_page(st: &AppState, ctx: &Ctx, school: School, error: String) -> AppResult<Response> {
    let all = items::list(&st.store, &school.id, None).await?;
    let now = today();
    let lines = all
        .into_iter()
        .map(|i| Line {
            open: i.end().is_some_and(|e| rules::objection_open(e, now)),
            closed: i.closed(),
            category: ctx.tr.t(i.category.key()),
            id: i.id,
            title: i.title,
            start: i.start_day,
            end: i.end_day,
        })
        .collect();
    render(&ListPage {
        c: Chrome::new(ctx, "transparency", ctx.tr.t("tp-title")),
        school,
        lines,
        publisher: has(ctx, PUBLISHERS),
        categories: Category::ALL.iter().map(|c| (c.code(), ctx.tr.t(c.key()))).collect(),
        today: now.format("%Y-%m-%d").to_string(),
        error,
    })
}

async fn list(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    list_page(&st, &ctx, school, String::new()).await
}

#[derive(Deserialize)]
struct PublishForm {
    category: String,
    title: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    working_days: String,
    #[serde(default)]
    start: String,
}

async fn publish_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<PublishForm>,
) -> AppResult<Response> {
    if !has(&ctx, PUBLISHERS) {
        return Err(AppError::Forbidden);
    }
    let days = if f.working_days.trim().is_empty() {
        i64::from(rules::DEFAULT_WORKING_DAYS)
    } else {
        f.working_days.trim().parse().unwrap_or(0)
    };
    match publish_raw(&st, &ctx, &school, &f.category, &f.title, &f.content, &f.audience, days, &f.start).await {
        Ok((id, _)) => Ok(see_other(&format!("/s/{}/transparency/{id}", school.code))),
        Err(AppError::BadInput { message, .. }) => list_page(&st, &ctx, school, message).await,
        Err(e) => Err(e),
    }
}

struct ObjLine {
    id: String,
    signer: String,
    body: String,
    status: String,
    open: bool,
    handling: String,
    filed_on: String,
}

#[derive(Template)]
#[template(path = "transparency/detail.html")]
struct DetailPage {
    c: Chrome,
    school: School,
    item: items::Item,
    category: String,
    content_html: String,
    open: bool,
    is_member: bool,
    publisher: bool,
    supervisor: bool,
    objections: Vec<ObjLine>,
    public_url: String,
    error: String,
    notice: String,
    files: Vec<items::FileMeta>,
}

async fn detail_page(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    id: &str,
    error: String,
    notice: String,
) -> AppResult<Response> {
    let item = items::get(&st.store, &school.id, id).await?;
    let supervisor = has(ctx, SUPERVISORS);
    let publisher = has(ctx, PUBLISHERS);
    let objections = if supervisor || publisher {
        objections::list(&st.store, &school.id, id)
            .await?
            .into_iter()
            .map(|o| ObjLine {
                open: o.status == ObjectionStatus::Open,
                status: ctx.tr.t(o.status.key()),
                // Only the supervision group sees who signed.
                signer: match (&o.signer, supervisor) {
                    (Some(n), true) => n.clone(),
                    (Some(_), false) => ctx.tr.t("tp-signed"),
                    (None, _) => ctx.tr.t("tp-anonymous"),
                },
                id: o.id,
                body: o.body,
                handling: o.handling,
                filed_on: o.filed_on,
            })
            .collect()
    } else {
        Vec::new()
    };
    let files = items::files(&st.store, &school.id, id).await?;
    let public_url = match (&item.public_token, publisher) {
        (Some(t), true) => format!("/p/transparency/{t}"),
        _ => String::new(),
    };
    let r = render(&DetailPage {
        c: Chrome::new(ctx, "transparency", item.title.clone()),
        category: ctx.tr.t(item.category.key()),
        content_html: sanitize(&item.content),
        open: item.end().is_some_and(|e| rules::objection_open(e, today())),
        is_member: ctx.user.as_ref().is_some_and(|u| u.member_id.is_some()),
        school,
        item,
        publisher,
        supervisor,
        objections,
        public_url,
        error,
        notice,
        files,
    });
    r
}

async fn detail(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    detail_page(&st, &ctx, school, &id, String::new(), String::new()).await
}

#[derive(Deserialize)]
struct ObjectForm {
    body: String,
    #[serde(default)]
    anonymous: Option<String>,
}

async fn file_objection(
    st: &AppState,
    ctx: &Ctx,
    school_id: &str,
    item_id: &str,
    body: &str,
    anonymous: bool,
) -> Result<String, AppError> {
    let Some(member) = ctx.user.as_ref().and_then(|u| u.member_id.clone()) else {
        return Err(AppError::bad("not_a_member", ctx.tr.t("tp-err-not-member")));
    };
    let body = body.trim();
    if body.is_empty() || body.chars().count() > rules::OBJECTION_MAX || rules::has_script(body) {
        return Err(AppError::bad("invalid_objection", ctx.tr.t("tp-err-objection")));
    }
    let signer = (!anonymous).then_some(member.as_str());
    let mut tx = st.store.begin().await?;
    match objections::file(&mut tx, &st.store.crypto, school_id, item_id, signer, body, today()).await {
        Ok(id) => {
            jiaogong_store::commit(tx).await?;
            Ok(id)
        }
        Err(e) => Err(refusal(&ctx.tr, e)),
    }
}

async fn object_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<ObjectForm>,
) -> AppResult<Response> {
    let anonymous = f.anonymous.is_some();
    match file_objection(&st, &ctx, &school.id, &id, &f.body, anonymous).await {
        Ok(_) => detail_page(&st, &ctx, school, &id, String::new(), ctx.tr.t("tp-objection-filed")).await,
        Err(AppError::BadInput { message, .. } | AppError::Conflict { message, .. }) => {
            detail_page(&st, &ctx, school, &id, message, String::new()).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct HandleForm {
    status: String,
    #[serde(default)]
    handling: String,
}

async fn handle_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, objection)): Path<(String, String, String)>,
    Form(f): Form<HandleForm>,
) -> AppResult<Response> {
    if !has(&ctx, SUPERVISORS) {
        return Err(AppError::Forbidden);
    }
    let status = ObjectionStatus::from_code(&f.status).filter(|s| *s != ObjectionStatus::Open);
    let handling = f.handling.trim();
    let (Some(status), false) = (status, handling.is_empty() || rules::has_script(handling)) else {
        return detail_page(&st, &ctx, school, &id, ctx.tr.t("tp-err-handling"), String::new()).await;
    };
    let mut tx = st.store.begin().await?;
    objections::handle(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &objection, status, handling).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/transparency/{id}", school.code)))
}

#[derive(Deserialize)]
struct SignoffForm {
    opinion: String,
}

async fn signoff_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<SignoffForm>,
) -> AppResult<Response> {
    if !has(&ctx, SUPERVISORS) {
        return Err(AppError::Forbidden);
    }
    let opinion = f.opinion.trim();
    if opinion.is_empty() || rules::has_script(opinion) {
        return detail_page(&st, &ctx, school, &id, ctx.tr.t("tp-err-opinion"), String::new()).await;
    }
    let mut tx = st.store.begin().await?;
    match items::sign_off(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &id, opinion, today()).await {
        Ok(()) => {
            jiaogong_store::commit(tx).await?;
            Ok(see_other(&format!("/s/{}/transparency/{id}", school.code)))
        }
        Err(e) => match refusal(&ctx.tr, e) {
            AppError::Conflict { message, .. } => detail_page(&st, &ctx, school, &id, message, String::new()).await,
            e => Err(e),
        },
    }
}

#[derive(Deserialize)]
struct LinkForm {
    on: String,
}

async fn link_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<LinkForm>,
) -> AppResult<Response> {
    if !has(&ctx, PUBLISHERS) {
        return Err(AppError::Forbidden);
    }
    let mut tx = st.store.begin().await?;
    items::set_public_link(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &id, f.on == "1").await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/transparency/{id}", school.code)))
}

#[derive(Template)]
#[template(path = "transparency/public.html")]
struct PublicPage {
    files: Vec<items::FileMeta>,
    c: Chrome,
    item: items::Item,
    category: String,
    content_html: String,
}

/// The public link: that item alone, no objections, no names.
async fn public_page(State(st): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let item = items::by_token(&st.store, &token).await?;
    let files = items::files(&st.store, &item.school_id, &item.id).await?;
    render(&PublicPage {
        files,
        c: Chrome::new(&ctx, "transparency", item.title.clone()),
        category: ctx.tr.t(item.category.key()),
        content_html: sanitize(&item.content),
        item,
    })
}

#[derive(Deserialize)]
struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
}

#[derive(Template)]
#[template(path = "transparency/index.html")]
struct IndexPage {
    c: Chrome,
    school: School,
    year: i32,
    lines: Vec<(items::IndexLine, String)>,
    rate: i64,
}

fn year_of(q: &YearQuery) -> i32 {
    q.year.filter(|y| (2000..=2100).contains(y)).unwrap_or_else(|| today().year())
}

async fn index_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    let year = year_of(&q);
    let (lines, rate) = items::index(&st.store, &school.id, year).await?;
    let lines = lines.into_iter().map(|l| (ctx.tr.t(l.category.key()), l)).map(|(c, l)| (l, c)).collect();
    render(&IndexPage { c: Chrome::new(&ctx, "transparency", ctx.tr.t("tp-index")), school, year, lines, rate })
}

async fn index_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    let year = year_of(&q);
    let (lines, rate) = items::index(&st.store, &school.id, year).await?;
    let t = |k: &str| ctx.tr.t(k);
    let headers = vec![
        t("tp-col-category"),
        t("tp-col-title"),
        t("tp-col-start"),
        t("tp-col-end"),
        t("tp-col-objections"),
        t("tp-col-on-time"),
        t("tp-col-signed-off"),
    ];
    let yes_no = |b: bool| if b { t("tp-yes") } else { t("tp-no") };
    let mut rows: Vec<Vec<OutCell>> = lines
        .iter()
        .map(|l| {
            vec![
                OutCell::Text(t(l.category.key())),
                OutCell::Text(l.title.clone()),
                OutCell::Text(l.start_day.clone()),
                OutCell::Text(l.end_day.clone()),
                OutCell::Int(l.objections),
                OutCell::Text(yes_no(l.on_time)),
                OutCell::Text(yes_no(l.signed_off)),
            ]
        })
        .collect();
    rows.push(vec![OutCell::Text(t("tp-on-time-rate")), OutCell::Text(format!("{rate}%"))]);
    let bytes = xlsx_write::write_tables(&[Table { sheet_name: t("tp-index"), headers, rows, col_widths: vec![] }])
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(xlsx_download(bytes, &format!("transparency-{year}")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PublishBody {
    category: String,
    title: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    working_days: Option<i64>,
    #[serde(default)]
    start: Option<String>,
}

async fn api_publish(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Json(b): Json<PublishBody>,
) -> AppResult<Response> {
    if !has(&ctx, PUBLISHERS) {
        return Err(AppError::Forbidden);
    }
    let days = b.working_days.unwrap_or(i64::from(rules::DEFAULT_WORKING_DAYS));
    let audience = b.audience.unwrap_or_else(|| "staff".into());
    let (id, p) = publish_raw(
        &st,
        &ctx,
        &school,
        &b.category,
        &b.title,
        &b.content,
        &audience,
        days,
        b.start.as_deref().unwrap_or(""),
    )
    .await?;
    let body =
        json!({"id": id, "start": p.start.format("%Y-%m-%d").to_string(), "end": p.end.format("%Y-%m-%d").to_string()});
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectBody {
    body: String,
    #[serde(default)]
    anonymous: bool,
}

async fn api_object(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(b): Json<ObjectBody>,
) -> AppResult<Response> {
    let Some(school_id) = ctx.user.as_ref().and_then(|u| u.school_id.clone()) else { return Err(AppError::NotFound) };
    // An item of another school is not found.
    let item = items::get(&st.store, &school_id, &id).await?;
    let oid = file_objection(&st, &ctx, &school_id, &item.id, &b.body, b.anonymous).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": oid, "anonymous": b.anonymous}))).into_response())
}

pub(crate) fn xlsx_download(bytes: Vec<u8>, name: &str) -> Response {
    use axum::http::header;
    let disposition = format!("attachment; filename=\"{name}.xlsx\"");
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}
