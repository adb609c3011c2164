//! The congress through the JSON API: sessions, the current term's delegates, a session's
//! attendance and the clerk's record of it, and (in `proposals::api`) proposals with their
//! lifecycle steps. Same roles as the pages (the access table), same store calls; every id is
//! looked up inside the school of the path, so another school's id is 404.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Extension, Json};
use jiaogong_store::congress::{self as repo, Delegate, Session};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    let r = r
        .add("GET", "/api/v1/schools/{school}/congress/sessions", get(sessions))
        .add("GET", "/api/v1/schools/{school}/congress/sessions/{id}", get(session))
        .add("GET", "/api/v1/schools/{school}/congress/delegates", get(delegates))
        .add("GET", "/api/v1/schools/{school}/congress/sessions/{id}/attendance", get(attendance))
        .add("PUT", "/api/v1/schools/{school}/congress/sessions/{id}/attendance/{member}", put(record_attendance));
    crate::congress::proposals::api::routes(r)
}

/// A session as the API shows it (never its check-in secret).
fn session_json(s: &Session) -> Value {
    json!({
        "id": s.id,
        "term": s.term_number,
        "number": s.number,
        "title": s.title,
        "held_on": s.held_on,
        "assembly": s.is_assembly(),
    })
}

fn delegate_json(d: &Delegate) -> Value {
    json!({
        "id": d.id,
        "member_id": d.member_id,
        "name": d.name,
        "employee_no": d.employee_no,
        "constituency": d.constituency,
        "since": d.since,
        "present": d.present == 1,
    })
}

async fn sessions(State(st): State<AppState>, Extension(school): Extension<School>) -> AppResult<Json<Value>> {
    let list = repo::sessions(&st.store, &school.id).await?;
    Ok(Json(json!({"sessions": list.iter().map(session_json).collect::<Vec<_>>()})))
}

/// A session with its agenda items and documents, as every member reads them.
async fn session(
    State(st): State<AppState>,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Json<Value>> {
    let s = repo::session(&st.store, &school.id, &id).await?;
    let items = jiaogong_store::congress::agenda::items(&st.store, &school.id, &s.id).await?;
    let mut v = session_json(&s);
    if let Some(o) = v.as_object_mut() {
        o.insert("items".into(), json!(items));
    }
    Ok(Json(v))
}

/// The current delegates of the school's current (latest) term; at a 教职工大会 the list is
/// empty and `assembly` is true (every active member votes).
async fn delegates(State(st): State<AppState>, Extension(school): Extension<School>) -> AppResult<Json<Value>> {
    let Some(term) = jiaogong_store::congress::interim::current_term(&st.store, &school.id).await? else {
        return Ok(Json(json!({"term": null, "assembly": false, "delegates": []})));
    };
    let list = repo::delegates(&st.store, &school.id, &term.id, "").await?;
    let current: Vec<Value> = list
        .iter()
        .filter(|d| d.until.is_none())
        .map(|d| {
            let mut v = delegate_json(d);
            if let Some(o) = v.as_object_mut() {
                o.remove("present");
            }
            v
        })
        .collect();
    Ok(Json(json!({"term": term.number, "assembly": term.is_assembly(), "delegates": current})))
}

/// Who of the session's voting body is present, and whether the school's quorum holds.
async fn attendance(
    State(st): State<AppState>,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Json<Value>> {
    let s = repo::session(&st.store, &school.id, &id).await?;
    let live = crate::congress::quorum::live(&st, &school, &s).await?;
    let roll = if s.is_assembly() {
        repo::assembly_roll(&st.store, &school.id, &s.id).await?
    } else {
        repo::delegates(&st.store, &school.id, &s.term_id, &s.id)
            .await?
            .into_iter()
            .filter(|d| d.until.is_none())
            .collect()
    };
    let people: Vec<Value> = roll
        .iter()
        .map(|d| {
            json!({"member_id": d.member_id, "name": d.name, "employee_no": d.employee_no, "constituency": d.constituency, "present": d.present == 1})
        })
        .collect();
    Ok(Json(json!({
        "session_id": s.id,
        "assembly": live.assembly,
        "body": live.delegates,
        "present": live.present,
        "quorum": live.rule,
        "quorum_met": live.quorum,
        "attendance": people,
    })))
}

#[derive(Deserialize)]
struct PresentBody {
    present: bool,
}

/// The clerk records a member of the voting body as present or not (the session page's tick):
/// idempotent, audited.
async fn record_attendance(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, member)): Path<(String, String, String)>,
    body: Bytes,
) -> AppResult<Json<Value>> {
    let b: PresentBody = serde_json::from_slice(&body)
        .map_err(|e| AppError::bad("bad_json", ctx.tr.t1("err-bad-json", "detail", &e.to_string())))?;
    let s = repo::session(&st.store, &school.id, &id).await?;
    match jiaogong_store::members::school_of(&st.store, &member).await {
        Ok(owner) if owner == school.id => {}
        Ok(_) | Err(jiaogong_store::StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    }
    let mut tx = st.store.begin().await?;
    if b.present {
        if !repo::check_in(&mut tx, &s, &member, "clerk").await? {
            return Err(AppError::bad("not_in_voting_body", ctx.tr.t("congress-err-not-in-body")));
        }
    } else {
        repo::undo_check_in(&mut tx, &s.id, &member).await?;
    }
    let action = if b.present { "congress.checkin.clerk" } else { "congress.checkin.undo" };
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), action, &member).detail(format!("{} api", s.id)),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    let live = crate::congress::quorum::live(&st, &school, &s).await?;
    Ok(Json(json!({
        "session_id": s.id,
        "member_id": member,
        "present": b.present,
        "body": live.delegates,
        "present_count": live.present,
        "quorum_met": live.quorum,
    })))
}
