//! "我的": a member's own record, dues, correction requests, and the export of everything the
//! system holds about them (PIPL access right).

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Form;
use jiaogong_domain::members::Field;
use jiaogong_store::members::{self as repo, MemberDetail, Sensitive};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::{self, School};
use serde::Deserialize;

use crate::members::dues::{member_year, YearLine};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/me", get(me)).add("POST", "/me/corrections", post(request)).add("GET", "/me/export", get(export))
}

/// The caller's own member record and school.
async fn mine(st: &AppState, ctx: &Ctx) -> AppResult<(School, MemberDetail)> {
    let user = ctx.user()?;
    let (Some(school_id), Some(member_id)) = (&user.school_id, &user.member_id) else {
        return Err(AppError::NotFound);
    };
    let school = tenancy::school(&st.store, school_id).await?;
    let m = repo::get(&st.store, &school.id, member_id).await?;
    Ok((school, m))
}

#[derive(Template)]
#[template(path = "members/me.html")]
struct MePage {
    c: Chrome,
    m: MemberDetail,
    dues: Vec<YearLine>,
    arrears: jiaogong_domain::platform::money::Fen,
    corrections: Vec<(repo::Correction, String)>,
    fields: Vec<(&'static str, String)>,
    message: String,
    error: String,
    /// 我参加的活动: (activity id, title, when).
    attended: Vec<(String, String, String)>,
}

async fn me_page(st: &AppState, ctx: &Ctx, message: String, error: String) -> AppResult<Response> {
    let (school, m) = mine(st, ctx).await?;
    let (dues, arrears) = member_year(&st.store, &school, &m).await?;
    let corrections = repo::corrections(&st.store, &school.id, Some(&m.id), false)
        .await?
        .into_iter()
        .map(|c| {
            let label = Field::from_code(&c.field).map(|f| ctx.tr.t(f.key())).unwrap_or_else(|| c.field.clone());
            (c, label)
        })
        .collect();
    let fields =
        Field::ALL.iter().filter(|f| !matches!(f, Field::Status)).map(|f| (f.code(), ctx.tr.t(f.key()))).collect();
    let title = ctx.tr.t("nav-me");
    let attended = jiaogong_store::activities::history(&st.store, &school.id, &m.id)
        .await?
        .into_iter()
        .map(|h| (h.activity_id, h.title, ctx.tr.when(h.starts_at)))
        .collect();
    render(&MePage {
        c: Chrome::new(ctx, "me", title),
        m,
        dues,
        arrears,
        corrections,
        fields,
        message,
        error,
        attended,
    })
}

#[derive(Deserialize, Default)]
struct MeQuery {
    #[serde(default)]
    sent: Option<String>,
}

async fn me(
    State(st): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<MeQuery>,
) -> AppResult<Response> {
    let msg = if q.sent.is_some() { ctx.tr.t("correction-sent") } else { String::new() };
    me_page(&st, &ctx, msg, String::new()).await
}

#[derive(Deserialize)]
struct CorrectionForm {
    field: String,
    requested: String,
    #[serde(default)]
    note: String,
}

async fn request(State(st): State<AppState>, ctx: Ctx, Form(f): Form<CorrectionForm>) -> AppResult<Response> {
    let (school, m) = mine(&st, &ctx).await?;
    let Some(field) = Field::from_code(&f.field) else {
        return me_page(&st, &ctx, String::new(), ctx.tr.t("err-bad-value")).await;
    };
    let requested = jiaogong_domain::platform::text::normalize(&f.requested);
    if requested.is_empty() || requested.chars().count() > 200 || f.note.chars().count() > 500 {
        return me_page(&st, &ctx, String::new(), ctx.tr.t("err-correction-value")).await;
    }
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    let id = repo::request_correction(&mut tx, &school.id, &m.id, field.code(), &requested, f.note.trim()).await?;
    audit::append(&mut tx, &st.store.crypto, &Event::new(Some(&school.id), &actor, "correction.request", &id)).await?;
    jiaogong_store::commit(tx).await?;
    Ok(crate::platform::pages::see_other("/me?sent=1"))
}

/// Everything about the member, sensitive fields in clear (it is their own data), as JSON.
async fn export(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (school, m) = mine(&st, &ctx).await?;
    let id_number = repo::reveal(&st.store, &school.id, &m.id, Sensitive::IdNumber).await?;
    let phone = repo::reveal(&st.store, &school.id, &m.id, Sensitive::Phone).await?;
    let events = repo::events(&st.store, &school.id, &m.id).await?;
    let payments = jiaogong_store::members::dues::payments_of(&st.store, &school.id, &m.id).await?;
    let corrections = repo::corrections(&st.store, &school.id, Some(&m.id), false).await?;
    let body = serde_json::json!({
        "school": school.name,
        "member": m,
        "id_number": id_number,
        "phone": phone,
        "history": events,
        "dues_payments": payments,
        "correction_requests": corrections,
    });
    audit::record(&st.store, &Event::new(Some(&school.id), &ctx.actor(), "member.self_export", &m.id)).await?;
    let text = serde_json::to_string_pretty(&body).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"my-data.json\""),
        ],
        text,
    )
        .into_response())
}
