//! One member's page: the record with masked sensitive fields and their audited reveal, the
//! history, and the status events (入会, 调出, 调回, 退休, 去世, group changes).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::members::{self, MemberEventKind};
use jiaogong_store::members::{self as repo, MemberDetail, Sensitive};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::{self, Group, School};
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/members/{id}", get(detail))
        .add("POST", "/s/{school}/members/{id}/event", post(event))
        .add("POST", "/s/{school}/members/{id}/reveal", post(reveal))
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
    /// The field visibility rule lets this reader reveal ID number and phone.
    can_reveal: bool,
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
    let role = ctx.user()?.role();
    let m = repo::get(&st.store, &school.id, id).await?;
    let scope = crate::members::roster_group(st, ctx, &school).await?;
    crate::members::check_roster_scope(&scope, m.group_id.as_deref())?;
    let m = crate::members::visible_detail(role, m);
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
    let status = m.status;
    let allowed = members::allowed_events(status)
        .into_iter()
        .filter(|k| !matches!(k, MemberEventKind::Update))
        .map(|k| (k.code(), ctx.tr.t(k.key())))
        .collect();
    let groups = tenancy::groups(&st.store, &school.id).await?;
    let can_edit = crate::platform::access::ROSTER_EDITORS.contains(&role);
    let can_reveal = role.can_reveal_sensitive();
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
        can_reveal,
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
    let date = match jiaogong_domain::platform::dates::parse_date(&f.date) {
        Ok(d) => d.format("%Y-%m-%d").to_string(),
        Err(e) => return detail_page(&st, &ctx, school, &id, ctx.tr.validation(&e)).await,
    };
    let from = m.status;
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
