//! Notices through the JSON API: publish a notice or news post (the same checks and sanitising
//! as the form), acknowledge a notice, read its readers, and read my inbox. A notice the caller
//! may not see is 404, as on the pages.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use jiaogong_store::activities::notices as repo;
use jiaogong_store::platform::inbox;
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;
use serde_json::{json, Value};

use super::notices::{is_editor, school_of, visible};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::{AppState, Routes};

pub(super) fn routes(r: Routes) -> Routes {
    r.add("POST", "/api/v1/schools/{school}/notices", post(create))
        .add("POST", "/api/v1/notices/{id}/read", post(read))
        .add("GET", "/api/v1/notices/{id}/readers", get(readers))
        .add("GET", "/api/v1/me/inbox", get(my_inbox))
}

fn default_kind() -> String {
    "notice".into()
}
fn default_audience() -> String {
    "all".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewNoticeBody {
    #[serde(default = "default_kind")]
    kind: String,
    title: String,
    body_html: String,
    #[serde(default = "default_audience")]
    audience: String,
    #[serde(default)]
    pinned: bool,
    #[serde(default)]
    needs_ack: bool,
}

async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    body: Bytes,
) -> AppResult<Response> {
    let b: NewNoticeBody = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad("bad_json", ctx.tr.t1("err-bad-json", "detail", &e.to_string())))?;
    let n = super::notices_admin::check(&ctx, &b.kind, &b.title, &b.body_html, &b.audience, b.pinned, b.needs_ack)
        .map_err(|errs| {
            let msg = errs.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("；");
            AppError::bad("invalid_notice", msg)
        })?;
    let mut tx = st.store.begin().await?;
    let (id, readers) = match repo::publish(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &n).await {
        Ok(v) => v,
        Err(jiaogong_store::StoreError::Invalid(_)) => {
            return Err(AppError::bad("invalid_notice", format!("audience: {}", ctx.tr.t("notice-err-audience"))))
        }
        Err(e) => return Err(e.into()),
    };
    jiaogong_store::commit(tx).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "kind": n.kind.code(), "title": n.title, "body_html": n.body_html,
            "audience": n.audience.code(), "pinned": n.pinned, "needs_ack": n.needs_ack, "readers": readers})),
    )
        .into_response())
}

async fn read(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let (user, school) = school_of(&ctx)?;
    let member = user.member_id.clone().ok_or(AppError::NotFound)?;
    let mut tx = st.store.begin().await?;
    let first = repo::acknowledge(&mut tx, &st.store.crypto, &school, &id, &member, &ctx.actor()).await?;
    jiaogong_store::commit(tx).await?;
    Ok(Json(json!({"id": id, "read": true, "first_time": first})))
}

async fn readers(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let (user, school) = school_of(&ctx)?;
    if !is_editor(user) {
        return Err(AppError::NotFound);
    }
    let (n, _) = visible(&st, &ctx, &id).await?;
    let count = repo::count(&st.store, &n.id).await?;
    let rows = repo::readers(&st.store, &school, &n.id).await?;
    let people: Vec<Value> = rows
        .iter()
        .map(|r| json!({"member_id": r.member_id, "name": r.name, "group": r.group_name, "read_at": r.read_at}))
        .collect();
    Ok(Json(json!({"id": n.id, "title": n.title, "read": count.read, "total": count.total,
        "unread": count.unread(), "readers": people})))
}

async fn my_inbox(State(st): State<AppState>, ctx: Ctx) -> AppResult<Json<Value>> {
    let user = ctx.user()?;
    let (items, unread) = match (&user.school_id, &user.member_id) {
        (Some(s), Some(m)) => {
            (inbox::messages(&st.store, s, m, 100).await?, inbox::unread_count(&st.store, s, m).await?)
        }
        _ => (Vec::new(), 0),
    };
    Ok(Json(json!({"unread": unread, "items": items})))
}
