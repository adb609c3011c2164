//! Activities through the JSON API (issue 13's contract): create, read with counts, sign up and
//! withdraw as the caller, the organiser's list of sign-ups in arrival order, and check-ins (a
//! member with a scanned code, or the organiser naming a member). Same rules and store calls as
//! the pages; ids are looked up in the caller's school only, so another school's id is 404.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Extension, Json};
use jiaogong_domain::activities::{format_local, Placement};
use jiaogong_store::activities::{self as repo, ActError, Activity, CheckinOutcome};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;
use serde_json::{json, Value};

use super::manage::{organiser_of, parse_form, ActivityForm};
use super::{may_manage, member_of, my_school, refusal, take_step, Step, Stepped};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("POST", "/api/v1/schools/{school}/activities", post(create))
        .add("GET", "/api/v1/activities/{id}", get(one))
        .add("POST", "/api/v1/activities/{id}/signup", post(signup))
        .add("DELETE", "/api/v1/activities/{id}/signup", delete(withdraw))
        .add("GET", "/api/v1/activities/{id}/signups", get(signups))
        .add("POST", "/api/v1/activities/{id}/checkins", post(checkin))
}

pub(crate) fn activity_json(a: &Activity) -> Value {
    json!({
        "id": a.id,
        "title": a.title,
        "type": a.kind.code(),
        "start": format_local(a.starts_at),
        "end": format_local(a.ends_at),
        "place": a.place,
        "description": a.description,
        "audience": a.audience.code(),
        "capacity": a.capacity,
        "signup_deadline": format_local(a.signup_deadline),
        "cost_fen": a.cost_fen,
        "hold_hours": a.promotion.hold_hours(),
        "organiser_group_id": a.organiser_group_id,
        "confirmed": a.confirmed,
        "offered": a.offered,
        "waitlist": a.waitlist,
        "attended": a.attended,
    })
}

#[derive(Deserialize)]
struct CreateBody {
    title: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    start: String,
    end: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    capacity: Option<i64>,
    signup_deadline: String,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    cost_fen: i64,
    #[serde(default)]
    hold_hours: Option<i64>,
    /// `group:<id>` when a group organises.
    #[serde(default)]
    organiser: String,
}

async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Json(b): Json<CreateBody>,
) -> AppResult<Response> {
    let form = ActivityForm {
        title: b.title,
        kind: b.kind.unwrap_or_else(|| "culture".into()),
        organiser: b.organiser.clone(),
        start: b.start,
        end: b.end,
        place: b.place,
        description: b.description,
        audience: b.audience.unwrap_or_else(|| "all".into()),
        capacity: b.capacity.map(|c| c.to_string()).unwrap_or_default(),
        signup_deadline: b.signup_deadline,
        cost: String::new(),
        hold_hours: b.hold_hours.map(|h| h.to_string()).unwrap_or_default(),
    };
    let mut a = match parse_form(&ctx, &form) {
        Ok(a) => a,
        Err(errors) => {
            let message = errors.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("；");
            return Err(AppError::bad("invalid_activity", message));
        }
    };
    if !(0..=jiaogong_domain::platform::money::MAX_AMOUNT.0).contains(&b.cost_fen) {
        return Err(AppError::bad("invalid_activity", format!("cost_fen: {}", ctx.tr.t("act-err-cost"))));
    }
    a.cost_fen = b.cost_fen;
    let organiser = organiser_of(&st, &ctx, &school, &b.organiser, &mut a).await?;
    let mut tx = st.store.begin().await?;
    let id = repo::create(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &a, &organiser).await?;
    jiaogong_store::commit(tx).await?;
    let a = repo::get(&st.store, &school.id, &id).await?;
    Ok((StatusCode::CREATED, Json(activity_json(&a))).into_response())
}

async fn one(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let school = my_school(&st, &ctx).await?;
    let a = repo::get(&st.store, &school.id, &id).await?;
    Ok(Json(activity_json(&a)))
}

fn refused(ctx: &Ctx, e: ActError) -> AppError {
    let unprocessable = matches!(e, ActError::NotInAudience | ActError::NotAMember);
    match refusal(&ctx.tr, e) {
        Ok((code, message)) if unprocessable => AppError::BadInput { code, message },
        Ok((code, message)) => AppError::Conflict { code, message },
        Err(e) => e,
    }
}

async fn signup(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    match take_step(&st, &ctx, &id, Step::SignUp).await? {
        Ok(Stepped::Placed(p)) => {
            let state = if p.placement == Placement::Confirmed { "confirmed" } else { "waitlisted" };
            Ok((StatusCode::CREATED, Json(json!({"state": state, "position": p.position}))).into_response())
        }
        Ok(_) => Err(AppError::NotFound),
        Err(e) => Err(refused(&ctx, e)),
    }
}

async fn withdraw(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Value>> {
    match take_step(&st, &ctx, &id, Step::Withdraw).await? {
        Ok(Stepped::Withdrawn { promoted }) => Ok(Json(json!({"state": "withdrawn", "promoted": promoted}))),
        Ok(_) => Err(AppError::NotFound),
        Err(e) => Err(refused(&ctx, e)),
    }
}

async fn signups(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let school = my_school(&st, &ctx).await?;
    let a = repo::get(&st.store, &school.id, &id).await?;
    if !may_manage(&st, &ctx, &school, &a).await? {
        return Err(AppError::Forbidden);
    }
    let list = repo::signups(&st.store, &school.id, &a.id).await?;
    let rows: Vec<Value> = list
        .iter()
        .map(|s| {
            json!({"member_id": s.member_id, "name": s.name, "position": s.position, "state": s.state,
                   "offer_until": s.offer_until, "attended": s.attended})
        })
        .collect();
    Ok(Json(json!({"activity_id": a.id, "capacity": a.capacity, "signups": rows})))
}

#[derive(Deserialize)]
struct CheckinBody {
    /// The scanned code (a member checks themselves in).
    #[serde(default)]
    token: Option<String>,
    /// The member the organiser ticks.
    #[serde(default)]
    member_id: Option<String>,
}

async fn checkin(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(b): Json<CheckinBody>,
) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let (activity_id, member, how) = match (b.token, b.member_id) {
        (Some(token), None) => {
            let me = member_of(&ctx).ok_or_else(|| AppError::bad("not_a_member", ctx.tr.t("act-err-not-member")))?;
            match super::checkin::verify(&st, &school, &token, Some(&id), jiaogong_store::now_ms()).await? {
                Ok(a) => (a.id, me, "qr"),
                Err(r) => {
                    let code = match r {
                        jiaogong_domain::activities::CheckinRefusal::Forged => "qr_invalid",
                        jiaogong_domain::activities::CheckinRefusal::OtherActivity => "qr_other_activity",
                        jiaogong_domain::activities::CheckinRefusal::Expired => "qr_expired",
                        jiaogong_domain::activities::CheckinRefusal::OutsideWindow => "qr_outside_window",
                    };
                    return Err(AppError::bad(code, ctx.tr.t(r.key())));
                }
            }
        }
        (None, Some(member)) => {
            let a = repo::get(&st.store, &school.id, &id).await?;
            if !may_manage(&st, &ctx, &school, &a).await? {
                return Err(AppError::Forbidden);
            }
            (a.id, member, "ticked")
        }
        _ => return Err(AppError::bad("token_or_member", ctx.tr.t("act-err-token-or-member"))),
    };
    let mut tx = st.store.begin().await?;
    let outcome =
        repo::check_in(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &activity_id, &member, how).await?;
    jiaogong_store::commit(tx).await?;
    let (status, state) = match outcome {
        CheckinOutcome::CheckedIn => (StatusCode::CREATED, "checked_in"),
        CheckinOutcome::AlreadyIn => (StatusCode::OK, "already_checked_in"),
    };
    Ok((status, Json(json!({"state": state, "member_id": member}))).into_response())
}
