//! Roster pages: the list with search and filters, and the member form (new and edit).

pub(crate) mod api;
pub(crate) mod dues;
pub mod export;
pub(crate) mod groups;
pub mod import;
pub(crate) mod me;
pub(crate) mod member_page;

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::members::visibility::{self, Guarded};
use jiaogong_domain::members::{self, Field, MemberEventKind, MemberInput, MemberStatus, Post, RawMember};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::members::{self as repo, Filter, MemberDetail, MemberRow, Sensitive};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::cache::ReadCache;
use jiaogong_store::platform::tenancy::{self, Group, School};
use jiaogong_store::{StoreError, Tx};
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/members", get(list))
        .add("POST", "/s/{school}/members", post(create))
        .add("GET", "/s/{school}/members/new", get(new_form))
        .add("GET", "/s/{school}/members/{id}/edit", get(edit_form))
        .add("POST", "/s/{school}/members/{id}/edit", post(update))
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
    /// The rendered `members/rows_inner.html` (see [`rows_html`]).
    rows_html: std::sync::Arc<str>,
    q: ListQuery,
    groups: Vec<tenancy::GroupRef>,
    statuses: Vec<(&'static str, String)>,
    posts: Vec<(&'static str, String)>,
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

/// Rendered roster pages (the rows, the total and the pager) by school, language, filter and
/// page. Served only at the generation they were read at: any committed write makes them stale
/// (`jiaogong_store::platform::cache`), so an edit shows at once.
fn rendered_rows() -> &'static ReadCache<std::sync::Arc<str>> {
    static CACHE: std::sync::OnceLock<ReadCache<std::sync::Arc<str>>> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| ReadCache::new(2_000))
}

/// The group filter that stands for "no group at all": a group leader without a group of their
/// own reads no one.
pub const NO_GROUP: &str = "-";

/// The union group a caller's roster is limited to (`Role::roster_scope`): `None` for the whole
/// school; a group leader's own group (or [`NO_GROUP`]).
pub async fn roster_group(st: &AppState, ctx: &Ctx, school: &School) -> AppResult<Option<String>> {
    let user = ctx.user()?;
    match user.role().roster_scope() {
        jiaogong_domain::platform::roles::RosterScope::School => Ok(None),
        jiaogong_domain::platform::roles::RosterScope::OwnGroup => {
            let group = match &user.member_id {
                Some(m) => match repo::get(&st.store, &school.id, m).await {
                    Ok(d) => d.group_id,
                    Err(jiaogong_store::StoreError::NotFound) => None,
                    Err(e) => return Err(e.into()),
                },
                None => None,
            };
            Ok(Some(group.unwrap_or_else(|| NO_GROUP.to_string())))
        }
    }
}

/// Refuses a member record outside the caller's roster (404: ids cannot be probed).
pub fn check_roster_scope(scope: &Option<String>, member_group: Option<&str>) -> AppResult<()> {
    match scope {
        Some(g) if member_group != Some(g.as_str()) => Err(AppError::NotFound),
        _ => Ok(()),
    }
}

/// A member's record as `role` may read it (domain `members::visibility`, the one rule for the
/// pages, the API and the exports): what the rule hides is left out.
pub fn visible_detail(role: Role, mut m: MemberDetail) -> MemberDetail {
    if !visibility::sees(role, Guarded::IdNumber) {
        m.id_masked = None;
    }
    if !visibility::sees(role, Guarded::Phone) {
        m.phone_masked = None;
    }
    if !visibility::sees(role, Guarded::BaseSalary) {
        m.base_salary_fen = None;
    }
    m
}

/// A roster line as `role` may read it (see [`visible_detail`]).
pub fn visible_row(role: Role, mut m: MemberRow) -> MemberRow {
    if !visibility::sees(role, Guarded::IdNumber) {
        m.id_masked = None;
    }
    if !visibility::sees(role, Guarded::Phone) {
        m.phone_masked = None;
    }
    m
}

/// The rows, total and pager of one roster page as HTML.
async fn rows_html(st: &AppState, ctx: &Ctx, school: &School, q: &ListQuery) -> AppResult<std::sync::Arc<str>> {
    let page = jiaogong_domain::platform::paging::page_number(q.page);
    let gen = jiaogong_store::platform::cache::read_gen();
    let role = ctx.user()?.role();
    // Readers who see different fields never share a rendered page.
    let sees = [Guarded::IdNumber, Guarded::Phone].map(|f| u8::from(visibility::sees(role, f)));
    let key = format!("{}\u{1f}{}\u{1f}{}\u{1f}{sees:?}", school.id, ctx.tr.lang.code(), q.query_string(page));
    if let Some(html) = rendered_rows().get(&key, gen) {
        return Ok(html);
    }
    let (rows, total) = repo::list(&st.store, &school.id, &q.filter(), page, PER_PAGE).await?;
    let rows = rows.into_iter().map(|r| visible_row(role, r)).collect();
    let prev = if page > 0 { q.query_string(page - 1) } else { String::new() };
    let next = if (page + 1) * PER_PAGE < total { q.query_string(page + 1) } else { String::new() };
    let c = Chrome::new(ctx, "members", String::new());
    let html: std::sync::Arc<str> = RowsFragment { c, school: school.clone(), rows, total, prev, next }
        .render()
        .map_err(|e| AppError::Internal(e.to_string()))?
        .into();
    rendered_rows().put(key, gen, html.clone());
    Ok(html)
}

async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(mut q): Query<ListQuery>,
) -> AppResult<Response> {
    let scope = roster_group(&st, &ctx, &school).await?;
    if let Some(g) = &scope {
        q.group = g.clone();
    }
    let rows_html = rows_html(&st, &ctx, &school, &q).await?;
    if ctx.htmx {
        return Ok(axum::response::Html(rows_html.to_string()).into_response());
    }
    let title = ctx.tr.t("nav-members");
    let c = Chrome::new(&ctx, "members", title);
    let mut groups = tenancy::group_refs(&st.store, &school.id).await?;
    if let Some(g) = &scope {
        groups.retain(|r| &r.id == g);
    }
    let export_qs = q.query_string(0);
    let can_edit = crate::platform::access::ROSTER_EDITORS.contains(&ctx.user()?.role());
    let capacity = rows_html.len() + 12 * 1024;
    crate::platform::pages::render_sized(
        &ListPage {
            c,
            school,
            rows_html,
            statuses: status_options(&ctx),
            posts: post_options(&ctx),
            q,
            groups,
            export_qs,
            can_edit,
        },
        capacity,
    )
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
/// The (group id, department id) of a member's input: the group must exist in the school (None
/// when it does not); a department is created on demand.
pub async fn resolve_refs(
    tx: &mut Tx,
    school_id: &str,
    m: &MemberInput,
) -> Result<Option<(Option<String>, Option<String>)>, StoreError> {
    let group = match &m.group {
        Some(name) => match tenancy::group_id_by_name(tx, school_id, name).await? {
            Some(id) => Some(id),
            None => return Ok(None),
        },
        None => None,
    };
    let dept = match &m.department {
        Some(name) => tenancy::department_id(tx, school_id, name, true).await?,
        None => None,
    };
    Ok(Some((group, dept)))
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
    let Some((group, dept)) = resolve_refs(&mut tx, &school.id, &input).await? else {
        let errors = HashMap::from([(Field::Group.code(), ctx.tr.t("err-unknown-group"))]);
        return form_page(&st, &ctx, school, String::new(), values, errors).await;
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
    raw = raw.with(Field::Status, current.status.label_zh());
    let mut input = match members::validate_member(&raw) {
        Ok(m) => m,
        Err(errs) => return form_page(&st, &ctx, school, id, values, errors_map(&ctx, &errs)).await,
    };
    input.is_temporary = form.contains_key("is_temporary");
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    let Some((group, dept)) = resolve_refs(&mut tx, &school.id, &input).await? else {
        let errors = HashMap::from([(Field::Group.code(), ctx.tr.t("err-unknown-group"))]);
        return form_page(&st, &ctx, school, id, values, errors).await;
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
    let status = current.status;
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
