//! Roster pages: list with search and filters, member detail with history, the member form,
//! status events, reveal of sensitive fields, groups and correction requests.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::members::{self, Field, MemberEventKind, MemberInput, MemberStatus, Post, RawMember};
use jiaogong_store::audit::{self, Event};
use jiaogong_store::members::{self as repo, Filter, MemberDetail, MemberRow, Sensitive};
use jiaogong_store::tenancy::{self, Group, School};
use jiaogong_store::{StoreError, Tx};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::{AppError, AppResult};
use crate::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/members", get(list))
        .add("POST", "/s/{school}/members", post(create))
        .add("GET", "/s/{school}/members/new", get(new_form))
        .add("GET", "/s/{school}/members/{id}", get(detail))
        .add("GET", "/s/{school}/members/{id}/edit", get(edit_form))
        .add("POST", "/s/{school}/members/{id}/edit", post(update))
        .add("POST", "/s/{school}/members/{id}/event", post(event))
        .add("POST", "/s/{school}/members/{id}/reveal", post(reveal))
        .add("GET", "/s/{school}/groups", get(groups))
        .add("POST", "/s/{school}/groups", post(create_group))
        .add("GET", "/s/{school}/corrections", get(corrections))
        .add("POST", "/s/{school}/corrections/{id}", post(resolve_correction))
}

pub const PER_PAGE: i64 = 50;

#[derive(Debug, Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub post: String,
    #[serde(default)]
    pub page: i64,
}

impl ListQuery {
    pub fn filter(&self) -> Filter {
        Filter { q: self.q.clone(), group_id: self.group.clone(), status: self.status.clone(), post: self.post.clone() }
    }
    fn query_string(&self, page: i64) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("q", &self.q)
            .append_pair("group", &self.group)
            .append_pair("status", &self.status)
            .append_pair("post", &self.post);
        s.append_pair("page", &page.to_string());
        s.finish()
    }
}

#[derive(Template)]
#[template(path = "members/list.html")]
struct ListPage {
    c: Chrome,
    school: School,
    rows: Vec<MemberRow>,
    total: i64,
    q: ListQuery,
    groups: Vec<tenancy::GroupRef>,
    statuses: Vec<(&'static str, String)>,
    posts: Vec<(&'static str, String)>,
    prev: String,
    next: String,
    export_qs: String,
    can_edit: bool,
}

#[derive(Template)]
#[template(path = "members/rows.html")]
struct RowsFragment {
    c: Chrome,
    school: School,
    rows: Vec<MemberRow>,
    total: i64,
    prev: String,
    next: String,
}

pub fn status_options(ctx: &Ctx) -> Vec<(&'static str, String)> {
    MemberStatus::ALL.iter().map(|s| (s.code(), ctx.tr.t(s.key()))).collect()
}

pub fn post_options(ctx: &Ctx) -> Vec<(&'static str, String)> {
    Post::ALL.iter().map(|p| (p.code(), ctx.tr.t(p.key()))).collect()
}

async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let page = q.page.max(0);
    let (rows, total) = repo::list(&st.store, &school.id, &q.filter(), page, PER_PAGE).await?;
    let prev = if page > 0 { q.query_string(page - 1) } else { String::new() };
    let next = if (page + 1) * PER_PAGE < total { q.query_string(page + 1) } else { String::new() };
    let title = ctx.tr.t("nav-members");
    let c = Chrome::new(&ctx, "members", title);
    if ctx.htmx {
        return render(&RowsFragment { c, school, rows, total, prev, next });
    }
    let groups = tenancy::group_refs(&st.store, &school.id).await?;
    let export_qs = q.query_string(0);
    let can_edit = crate::access::ROSTER_EDITORS.contains(&ctx.user()?.role());
    render(&ListPage {
        c,
        school,
        rows,
        total,
        statuses: status_options(&ctx),
        posts: post_options(&ctx),
        q,
        groups,
        prev,
        next,
        export_qs,
        can_edit,
    })
}

/// The member form: raw values as typed and per-field messages.
#[derive(Template)]
#[template(path = "members/form.html")]
struct FormPage {
    c: Chrome,
    school: School,
    member_id: String,
    values: HashMap<&'static str, String>,
    errors: HashMap<&'static str, String>,
    groups: Vec<Group>,
    posts: Vec<(&'static str, String)>,
    genders: Vec<(&'static str, String)>,
    fields: Vec<(&'static str, String, &'static str, bool)>,
}

impl FormPage {
    fn v(&self, code: &str) -> String {
        self.values.get(code).cloned().unwrap_or_default()
    }
    fn e(&self, code: &str) -> String {
        self.errors.get(code).cloned().unwrap_or_default()
    }
}

fn form_fields(ctx: &Ctx) -> Vec<(&'static str, String, &'static str, bool)> {
    // (code, label, input type, required); group, post and gender are selects in the template.
    use Field::*;
    [Name, EmployeeNo, IdNumber, Phone, BirthDate, Department, Title, JoinedSchool, JoinedUnion, Notes]
        .iter()
        .map(|f| {
            let kind = match f {
                BirthDate | JoinedSchool | JoinedUnion => "date",
                Phone => "tel",
                _ => "text",
            };
            (f.code(), ctx.tr.t(f.key()), kind, f.is_required())
        })
        .collect()
}

async fn form_page(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    member_id: String,
    values: HashMap<&'static str, String>,
    errors: HashMap<&'static str, String>,
) -> AppResult<Response> {
    let groups = tenancy::groups(&st.store, &school.id).await?;
    let title = if member_id.is_empty() { ctx.tr.t("member-new") } else { ctx.tr.t("member-edit") };
    let mut resp = render(&FormPage {
        c: Chrome::new(ctx, "members", title),
        school,
        member_id,
        fields: form_fields(ctx),
        values,
        groups,
        posts: Post::ALL.iter().map(|p| (p.label_zh(), ctx.tr.t(p.key()))).collect(),
        genders: members::Gender::ALL.iter().map(|g| (g.label_zh(), ctx.tr.t(g.key()))).collect(),
        errors: errors.clone(),
    })?;
    if !errors.is_empty() {
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

async fn new_form(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    form_page(&st, &ctx, school, String::new(), HashMap::new(), HashMap::new()).await
}

/// Form fields arrive keyed by `Field::code()`.
fn raw_from_form(form: &HashMap<String, String>) -> (RawMember, HashMap<&'static str, String>) {
    let mut raw = RawMember::new();
    let mut values = HashMap::new();
    for f in Field::ALL {
        if let Some(v) = form.get(f.code()) {
            raw = raw.with(f, v.clone());
            values.insert(f.code(), v.clone());
        }
    }
    if let Some(v) = form.get("is_temporary") {
        values.insert("is_temporary", v.clone());
    }
    (raw, values)
}

fn errors_map(ctx: &Ctx, errs: &[(Field, jiaogong_domain::ValidationError)]) -> HashMap<&'static str, String> {
    let mut out: HashMap<&'static str, String> = HashMap::new();
    for (f, e) in errs {
        let msg = ctx.tr.validation(e);
        out.entry(f.code())
            .and_modify(|m| {
                m.push('；');
                m.push_str(&msg);
            })
            .or_insert(msg);
    }
    out
}

/// Resolves the group (must exist, except in imports) and the department (created on demand).
pub async fn resolve_refs(
    tx: &mut Tx,
    school_id: &str,
    m: &MemberInput,
    create_group: bool,
) -> Result<(Option<String>, Option<String>), StoreError> {
    let group = match &m.group {
        Some(name) => match tenancy::group_id_by_name(tx, school_id, name).await? {
            Some(id) => Some(id),
            None if create_group => Some(tenancy::create_group(tx, school_id, name, name.contains("退休")).await?),
            None => return Err(StoreError::Invalid("group".into())),
        },
        None => None,
    };
    let dept = match &m.department {
        Some(name) => tenancy::department_id(tx, school_id, name, true).await?,
        None => None,
    };
    Ok((group, dept))
}

async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let (raw, values) = raw_from_form(&form);
    let mut input = match members::validate_member(&raw) {
        Ok(m) => m,
        Err(errs) => return form_page(&st, &ctx, school, String::new(), values, errors_map(&ctx, &errs)).await,
    };
    input.is_temporary = input.is_temporary || form.contains_key("is_temporary");
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    let (group, dept) = match resolve_refs(&mut tx, &school.id, &input, false).await {
        Ok(r) => r,
        Err(StoreError::Invalid(_)) => {
            let errors = HashMap::from([(Field::Group.code(), ctx.tr.t("err-unknown-group"))]);
            return form_page(&st, &ctx, school, String::new(), values, errors).await;
        }
        Err(e) => return Err(e.into()),
    };
    let id = match repo::insert(&mut tx, &st.store.crypto, &school.id, &input, group.as_deref(), dept.as_deref()).await
    {
        Ok(id) => id,
        Err(e) if e.is_unique_violation() => {
            let errors = HashMap::from([(Field::EmployeeNo.code(), ctx.tr.t("err-duplicate-employee-no"))]);
            return form_page(&st, &ctx, school, String::new(), values, errors).await;
        }
        Err(e) => return Err(e.into()),
    };
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    let joined = input.joined_union.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or(today);
    repo::record_event(
        &mut tx,
        &school.id,
        &id,
        MemberEventKind::Update,
        input.status,
        None,
        &joined,
        "",
        "created",
        &actor,
    )
    .await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &actor, "member.create", &id).detail(input.employee_no.clone()),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/members/{id}", school.code)))
}

fn values_of(m: &MemberDetail) -> HashMap<&'static str, String> {
    let mut v = HashMap::new();
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    v.insert(Field::Name.code(), m.name.clone());
    v.insert(Field::EmployeeNo.code(), m.employee_no.clone());
    let gender = m.gender.as_deref().and_then(members::Gender::from_code).map(|g| g.label_zh().to_string());
    v.insert(Field::Gender.code(), gender.unwrap_or_default());
    v.insert(Field::BirthDate.code(), o(&m.birth_date));
    v.insert(Field::Department.code(), o(&m.department));
    let post = m.post.as_deref().and_then(Post::from_code).map(|p| p.label_zh().to_string());
    v.insert(Field::Post.code(), post.unwrap_or_default());
    v.insert(Field::Title.code(), o(&m.title));
    v.insert(Field::JoinedSchool.code(), o(&m.joined_school));
    v.insert(Field::JoinedUnion.code(), o(&m.joined_union));
    v.insert(Field::Group.code(), o(&m.group_name));
    v.insert(Field::Notes.code(), o(&m.notes));
    if m.is_temporary == 1 {
        v.insert("is_temporary", "on".into());
    }
    v
}

async fn edit_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let m = repo::get(&st.store, &school.id, &id).await?;
    form_page(&st, &ctx, school, id, values_of(&m), HashMap::new()).await
}

async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let current = repo::get(&st.store, &school.id, &id).await?;
    let (mut raw, values) = raw_from_form(&form);
    // Sensitive fields left blank on the edit form keep their stored value.
    for (f, s) in [(Field::IdNumber, Sensitive::IdNumber), (Field::Phone, Sensitive::Phone)] {
        if raw.get(f).map(|v| v.trim().is_empty()).unwrap_or(true) {
            if let Some(v) = repo::reveal(&st.store, &school.id, &id, s).await? {
                raw = raw.with(f, v);
            }
        }
    }
    raw = raw.with(Field::Status, MemberStatus::from_code(&current.status).map(|s| s.label_zh()).unwrap_or_default());
    let mut input = match members::validate_member(&raw) {
        Ok(m) => m,
        Err(errs) => return form_page(&st, &ctx, school, id, values, errors_map(&ctx, &errs)).await,
    };
    input.is_temporary = form.contains_key("is_temporary");
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    let (group, dept) = match resolve_refs(&mut tx, &school.id, &input, false).await {
        Ok(r) => r,
        Err(StoreError::Invalid(_)) => {
            let errors = HashMap::from([(Field::Group.code(), ctx.tr.t("err-unknown-group"))]);
            return form_page(&st, &ctx, school, id, values, errors).await;
        }
        Err(e) => return Err(e.into()),
    };
    match repo::update(&mut tx, &st.store.crypto, &school.id, &id, &input, group.as_deref(), dept.as_deref()).await {
        Ok(()) => {}
        Err(e) if e.is_unique_violation() => {
            let errors = HashMap::from([(Field::EmployeeNo.code(), ctx.tr.t("err-duplicate-employee-no"))]);
            return form_page(&st, &ctx, school, id, values, errors).await;
        }
        Err(e) => return Err(e.into()),
    }
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    let status = MemberStatus::from_code(&current.status).unwrap_or(MemberStatus::Active);
    if current.group_id != group {
        let detail = serde_json::json!({"from": current.group_name, "to": input.group}).to_string();
        repo::record_event(
            &mut tx,
            &school.id,
            &id,
            MemberEventKind::GroupChange,
            status,
            None,
            &today,
            "",
            &detail,
            &actor,
        )
        .await?;
    }
    repo::record_event(&mut tx, &school.id, &id, MemberEventKind::Update, status, None, &today, "", "updated", &actor)
        .await?;
    audit::append(&mut tx, &st.store.crypto, &Event::new(Some(&school.id), &actor, "member.update", &id)).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/members/{id}", school.code)))
}

#[derive(Template)]
#[template(path = "members/detail.html")]
struct DetailPage {
    c: Chrome,
    school: School,
    m: MemberDetail,
    events: Vec<(String, repo::EventRow, String)>,
    allowed: Vec<(&'static str, String)>,
    groups: Vec<Group>,
    can_edit: bool,
    today: String,
    error: String,
}

/// A readable line for an event's detail.
fn describe(ctx: &Ctx, e: &repo::EventRow) -> String {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&e.detail) {
        if let (Some(from), Some(to)) = (v.get("from"), v.get("to")) {
            let s = |x: &serde_json::Value| x.as_str().map(str::to_string).unwrap_or_else(|| ctx.tr.t("none"));
            return ctx.tr.ta("event-group-moved", &[("from", s(from)), ("to", s(to))]);
        }
    }
    match e.detail.as_str() {
        "created" => ctx.tr.t("event-created"),
        "updated" => ctx.tr.t("event-updated"),
        "imported" => ctx.tr.t("event-imported"),
        _ => String::new(),
    }
}

async fn detail_page(st: &AppState, ctx: &Ctx, school: School, id: &str, error: String) -> AppResult<Response> {
    let m = repo::get(&st.store, &school.id, id).await?;
    let mut events: Vec<(String, repo::EventRow, String)> = repo::events(&st.store, &school.id, id)
        .await?
        .into_iter()
        .map(|e| {
            let label =
                MemberEventKind::from_code(&e.kind).map(|k| ctx.tr.t(k.key())).unwrap_or_else(|| e.kind.clone());
            let d = describe(ctx, &e);
            (label, e, d)
        })
        .collect();
    if m.origin == "import" {
        // Imported members have no history row of their own: the roster row says where it came from.
        let at = m.created_at;
        let day =
            chrono::DateTime::from_timestamp_millis(at).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let e = repo::EventRow {
            id: String::new(),
            kind: "update".into(),
            event_date: day,
            reason: String::new(),
            detail: "imported".into(),
            actor: String::new(),
            at,
        };
        events.push((ctx.tr.t("event-update"), e, ctx.tr.t("event-imported")));
    }
    let status = MemberStatus::from_code(&m.status).unwrap_or(MemberStatus::Active);
    let allowed = members::allowed_events(status)
        .into_iter()
        .filter(|k| !matches!(k, MemberEventKind::Update))
        .map(|k| (k.code(), ctx.tr.t(k.key())))
        .collect();
    let groups = tenancy::groups(&st.store, &school.id).await?;
    let can_edit = crate::access::ROSTER_EDITORS.contains(&ctx.user()?.role());
    let title = m.name.clone();
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    let mut resp = render(&DetailPage {
        c: Chrome::new(ctx, "members", title),
        school,
        m,
        events,
        allowed,
        groups,
        can_edit,
        today,
        error: error.clone(),
    })?;
    if !error.is_empty() {
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

async fn detail(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    detail_page(&st, &ctx, school, &id, String::new()).await
}

#[derive(Deserialize)]
struct EventForm {
    kind: String,
    date: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    group: String,
}

async fn event(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<EventForm>,
) -> AppResult<Response> {
    let m = repo::get(&st.store, &school.id, &id).await?;
    let Some(kind) = MemberEventKind::from_code(&f.kind) else {
        return detail_page(&st, &ctx, school, &id, ctx.tr.t("err-bad-value")).await;
    };
    let date = match jiaogong_domain::dates::parse_date(&f.date) {
        Ok(d) => d.format("%Y-%m-%d").to_string(),
        Err(e) => return detail_page(&st, &ctx, school, &id, ctx.tr.validation(&e)).await,
    };
    let from = MemberStatus::from_code(&m.status).unwrap_or(MemberStatus::Active);
    let to = match members::transition(from, kind) {
        Ok(s) => s,
        Err(e) => {
            let args = [("from", ctx.tr.t(e.from.key())), ("event", ctx.tr.t(e.event.key()))];
            return detail_page(&st, &ctx, school, &id, ctx.tr.ta(e.key(), &args)).await;
        }
    };
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    let new_group = match kind {
        MemberEventKind::GroupChange => {
            if f.group.is_empty() {
                return detail_page(&st, &ctx, school, &id, ctx.tr.t("err-choose-group")).await;
            }
            tenancy::group_name(&st.store, &school.id, &f.group).await?;
            Some(f.group.clone())
        }
        MemberEventKind::Retire if f.group.is_empty() => {
            Some(tenancy::retired_group(&mut tx, &school.id, &ctx.tr.t("group-retired-default")).await?)
        }
        MemberEventKind::Retire => {
            tenancy::group_name(&st.store, &school.id, &f.group).await?;
            Some(f.group.clone())
        }
        _ => None,
    };
    let detail = match &new_group {
        Some(g) if Some(g) != m.group_id.as_ref() => {
            let to_name =
                tenancy::groups(&st.store, &school.id).await?.into_iter().find(|x| &x.id == g).map(|x| x.name);
            serde_json::json!({"from": m.group_name, "to": to_name}).to_string()
        }
        _ => String::new(),
    };
    repo::record_event(
        &mut tx,
        &school.id,
        &id,
        kind,
        to,
        new_group.as_deref(),
        &date,
        f.reason.trim(),
        &detail,
        &actor,
    )
    .await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &actor, &format!("member.event.{}", kind.code()), &id).detail(date),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/members/{id}", school.code)))
}

#[derive(Deserialize)]
struct RevealForm {
    field: String,
}

async fn reveal(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<RevealForm>,
) -> AppResult<Response> {
    let field = match f.field.as_str() {
        "id_number" => Sensitive::IdNumber,
        "phone" => Sensitive::Phone,
        _ => return Err(AppError::bad("bad_field", ctx.tr.t("err-bad-value"))),
    };
    let user = ctx.user()?;
    if !user.role().can_reveal_sensitive() {
        return Err(AppError::Forbidden);
    }
    let value = repo::reveal(&st.store, &school.id, &id, field).await?.unwrap_or_default();
    audit::record(
        &st.store,
        &Event::new(Some(&school.id), &user.username, "member.reveal", &id).detail(f.field.clone()),
    )
    .await?;
    let escaped = value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    Ok(Html(format!("<span class=\"masked revealed\" data-field=\"{}\">{escaped}</span>", f.field)).into_response())
}

#[derive(Template)]
#[template(path = "members/groups.html")]
struct GroupsPage {
    c: Chrome,
    school: School,
    groups: Vec<Group>,
    can_edit: bool,
    error: String,
}

async fn groups(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    groups_page(&st, &ctx, school, String::new()).await
}

async fn groups_page(st: &AppState, ctx: &Ctx, school: School, error: String) -> AppResult<Response> {
    let groups = tenancy::groups(&st.store, &school.id).await?;
    let can_edit = crate::access::ROSTER_EDITORS.contains(&ctx.user()?.role());
    let title = ctx.tr.t("nav-groups");
    render(&GroupsPage { c: Chrome::new(ctx, "groups", title), school, groups, can_edit, error })
}

#[derive(Deserialize)]
struct GroupForm {
    name: String,
    #[serde(default)]
    is_retired: Option<String>,
}

async fn create_group(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<GroupForm>,
) -> AppResult<Response> {
    let name = jiaogong_domain::text::normalize(&f.name);
    if name.is_empty() || name.chars().count() > 30 {
        return groups_page(&st, &ctx, school, ctx.tr.t("err-group-name")).await;
    }
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    match tenancy::create_group(&mut tx, &school.id, &name, f.is_retired.is_some()).await {
        Ok(id) => {
            audit::append(
                &mut tx,
                &st.store.crypto,
                &Event::new(Some(&school.id), &actor, "group.create", &id).detail(name),
            )
            .await?;
            jiaogong_store::commit(tx).await?;
            Ok(see_other(&format!("/s/{}/groups", school.code)))
        }
        Err(StoreError::Conflict(_)) => groups_page(&st, &ctx, school, ctx.tr.t("err-group-exists")).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "members/corrections.html")]
struct CorrectionsPage {
    c: Chrome,
    school: School,
    items: Vec<(repo::Correction, String)>,
}

async fn corrections(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
) -> AppResult<Response> {
    let items = repo::corrections(&st.store, &school.id, None, false)
        .await?
        .into_iter()
        .map(|c| {
            let label = Field::from_code(&c.field).map(|f| ctx.tr.t(f.key())).unwrap_or_else(|| c.field.clone());
            (c, label)
        })
        .collect();
    let title = ctx.tr.t("nav-corrections");
    render(&CorrectionsPage { c: Chrome::new(&ctx, "corrections", title), school, items })
}

#[derive(Deserialize)]
struct ResolveForm {
    decision: String,
}

async fn resolve_correction(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<ResolveForm>,
) -> AppResult<Response> {
    let status = match f.decision.as_str() {
        "done" => "done",
        "rejected" => "rejected",
        _ => return Err(AppError::bad("bad_decision", ctx.tr.t("err-bad-value"))),
    };
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    repo::resolve_correction(&mut tx, &school.id, &id, status).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &actor, "correction.resolve", &id).detail(status),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/corrections", school.code)))
}
