//! Changing an activity after it is published: its details (a larger capacity promotes the
//! waiting members, a smaller one than the seats taken is refused; signed-up members are told of
//! a new time or place), cancelling it (everyone signed up is told at once, with the reason), and
//! the photos of the day, added by the organiser once it has started and shown on its page.

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::activities::local;
use jiaogong_domain::platform::money::Fen;
use jiaogong_store::activities::{self as repo, Activity, ChangeRefused};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;

use super::manage::{form_page, organiser_of, parse_form, ActivityForm};
use super::{managed, my_school};
use crate::platform::ctx::{Ctx, MAX_BODY};
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::see_other;
use crate::{AppState, Routes};

/// The longest reason for a cancellation.
const MAX_REASON_CHARS: usize = 200;

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/activities/{id}/edit", get(edit_form))
        .add("POST", "/s/{school}/activities/{id}/edit", post(edit))
        .add("POST", "/s/{school}/activities/{id}/cancel", post(cancel))
        .add("POST", "/s/{school}/activities/{id}/photos", post(add_photos).layer(DefaultBodyLimit::max(MAX_BODY)))
        .add("GET", "/activities/{id}/photos/{photo}", get(photo))
}

/// `YYYY-MM-DDTHH:MM` in China's time, as the form's datetime fields take it.
fn field_time(ms: i64) -> String {
    local(ms).map(|d| d.format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default()
}

/// The form as the activity stands.
fn form_of(a: &Activity) -> ActivityForm {
    ActivityForm {
        title: a.title.clone(),
        kind: a.kind.code().to_string(),
        organiser: a.organiser_group_id.as_ref().map(|g| format!("group:{g}")).unwrap_or_default(),
        start: field_time(a.starts_at),
        end: field_time(a.ends_at),
        place: a.place.clone(),
        description: a.description.clone(),
        audience: a.audience.code(),
        capacity: a.capacity.map(|c| c.to_string()).unwrap_or_default(),
        signup_deadline: field_time(a.signup_deadline),
        cost: if a.cost_fen > 0 { Fen(a.cost_fen).yuan_string() } else { String::new() },
        hold_hours: match a.promotion.hold_hours() {
            0 => String::new(),
            h => h.to_string(),
        },
    }
}

async fn edit_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let a = managed(&st, &ctx, &school, &id).await?;
    form_page(&st, &ctx, school, form_of(&a), Vec::new(), a.id).await
}

async fn edit(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<ActivityForm>,
) -> AppResult<Response> {
    let a = managed(&st, &ctx, &school, &id).await?;
    let mut n = match parse_form(&ctx, &f) {
        Ok(n) => n,
        Err(errors) => return form_page(&st, &ctx, school, f, errors, a.id).await,
    };
    // The audience rules of a new activity hold for a changed one (a group leader: their group).
    if let Err(e) = organiser_of(&st, &ctx, &school, &f.organiser, &mut n).await {
        return match e {
            AppError::BadInput { message, .. } => {
                form_page(&st, &ctx, school, f, vec![("audience", message)], a.id).await
            }
            e => Err(e),
        };
    }
    let mut tx = st.store.begin().await?;
    let done = repo::update(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &a.id, &n, jiaogong_store::now_ms())
        .await
        .map_err(|e| match e {
            repo::ActError::Store(e) => AppError::from(e),
            _ => AppError::NotFound,
        })?;
    match done {
        Ok(_) => {
            jiaogong_store::commit(tx).await?;
            Ok(see_other(&format!("/s/{}/activities/{}", school.code, a.id)))
        }
        Err(ChangeRefused::CapacityBelowTaken(taken)) => {
            drop(tx);
            let msg = ctx.tr.t1("act-err-capacity-below", "n", &taken.to_string());
            form_page(&st, &ctx, school, f, vec![("capacity", msg)], a.id).await
        }
    }
}

#[derive(Deserialize)]
struct CancelForm {
    #[serde(default)]
    reason: String,
}

async fn cancel(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<CancelForm>,
) -> AppResult<Response> {
    let a = managed(&st, &ctx, &school, &id).await?;
    let reason = f.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS || reason.chars().any(char::is_control) {
        return Err(AppError::bad("cancel_reason", ctx.tr.t("act-err-cancel-reason")));
    }
    let mut tx = st.store.begin().await?;
    repo::cancel(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &a.id, reason).await.map_err(|e| match e {
        repo::ActError::Store(e) => AppError::from(e),
        _ => AppError::NotFound,
    })?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/activities"))
}

async fn add_photos(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    mut mp: Multipart,
) -> AppResult<Response> {
    let a = managed(&st, &ctx, &school, &id).await?;
    if jiaogong_store::now_ms() < a.starts_at {
        return Err(AppError::bad("photo_early", ctx.tr.t("act-err-photo-early")));
    }
    let refused = |_| AppError::bad("photo_form", ctx.tr.t("act-err-photo"));
    let mut prepared = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(refused)? {
        if field.name() != Some("photo") {
            continue;
        }
        let bytes = field.bytes().await.map_err(refused)?;
        if bytes.is_empty() {
            continue;
        }
        // Decoding and re-encoding is CPU work: off the request threads.
        let jpeg = tokio::task::spawn_blocking(move || super::notice_photos::prepare(&bytes))
            .await
            .map_err(|_| AppError::bad("photo_form", ctx.tr.t("act-err-photo")))?
            .map_err(|_| AppError::bad("photo_unreadable", ctx.tr.t("act-err-photo")))?;
        prepared.push(jpeg);
    }
    if prepared.is_empty() {
        return Err(AppError::bad("photo_missing", ctx.tr.t("act-err-photo")));
    }
    let mut tx = st.store.begin().await?;
    for jpeg in &prepared {
        match repo::add_photo(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &a.id, jpeg).await {
            Ok(_) => {}
            Err(jiaogong_store::StoreError::Invalid(_)) => {
                let max = repo::MAX_PHOTOS.to_string();
                return Err(AppError::bad("too_many_photos", ctx.tr.t1("act-err-photo-count", "n", &max)));
            }
            Err(e) => return Err(e.into()),
        }
    }
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/activities/{}#act-photos", a.id)))
}

async fn photo(State(st): State<AppState>, ctx: Ctx, Path((id, photo)): Path<(String, String)>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let bytes = repo::photo(&st.store, &school.id, &id, &photo).await?;
    Ok(([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "private, max-age=86400")], bytes)
        .into_response())
}
