//! Accounts for the whole staff (finding 23): the chair opens an account for every active
//! member at once and prints a sheet of activation slips (name, group, QR code of the link) or
//! copies each member's link; the member opens it, chooses a password and is logged in.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_store::platform::activation::{self, Slip};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{platform::hashing, AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("POST", "/s/{school}/accounts/activation", post(issue))
        .add("GET", "/activate/{code}", get(activate_page))
        .add("POST", "/activate/{code}", post(activate))
}

/// One slip as printed.
pub struct SlipView {
    pub name: String,
    pub employee_no: String,
    pub group: String,
    pub username: String,
    pub link: String,
    pub qr: String,
    pub expires: String,
    pub n: usize,
}

#[derive(Template)]
#[template(path = "platform/admin/activation_sheet.html")]
struct SheetPage {
    c: Chrome,
    school: School,
    slips: Vec<SlipView>,
    created: usize,
}

fn qr_svg(link: &str) -> String {
    qrcode::QrCode::new(link.as_bytes())
        .map(|code| code.render::<qrcode::render::svg::Color>().min_dimensions(150, 150).build())
        .unwrap_or_default()
}

/// Opens an account for every active member without one and issues fresh codes for every
/// account still waiting; answers with the sheet of slips (the only time the codes are shown).
async fn issue(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    let (without, _) = activation::counts(&st.store, &school.id).await?;
    let mut tx = st.store.begin().await?;
    let slips: Vec<Slip> = activation::issue_for_staff(&mut tx, &school.id, &school.code).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "user.bulk_activation", &school.id)
            .detail(format!("created {without}, codes {}", slips.len())),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    let slips = slips
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let link = format!("{}/activate/{}", ctx.origin, s.code);
            SlipView {
                qr: qr_svg(&link),
                name: s.name,
                employee_no: s.employee_no,
                group: s.group_name.unwrap_or_default(),
                username: s.username,
                expires: ctx.tr.when(s.expires_at),
                link,
                n: i + 1,
            }
        })
        .collect();
    let title = ctx.tr.t("activation-sheet-title");
    let mut resp =
        render(&SheetPage { c: Chrome::new(&ctx, "accounts", title), school, slips, created: without as usize })?;
    // The codes are in this page only: no cache keeps it.
    resp.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(resp)
}

#[derive(Template)]
#[template(path = "platform/activate.html")]
struct ActivatePage {
    c: Chrome,
    code: String,
    name: String,
    username: String,
    error: String,
    valid: bool,
}

async fn activate_page(State(st): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> AppResult<Response> {
    let found = activation::account_of_code(&st.store, &code).await?;
    let title = ctx.tr.t("activation-title");
    let (name, username, valid) = match found {
        Some((_, name, username, _)) => (name, username, true),
        None => (String::new(), String::new(), false),
    };
    let mut resp =
        render(&ActivatePage { c: Chrome::new(&ctx, "", title), code, name, username, error: String::new(), valid })?;
    if !valid {
        *resp.status_mut() = axum::http::StatusCode::NOT_FOUND;
    }
    Ok(resp)
}

#[derive(Deserialize)]
struct ActivateForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
}

async fn activate(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<ActivateForm>,
) -> AppResult<Response> {
    let Some((_, name, username, school_id)) = activation::account_of_code(&st.store, &code).await? else {
        return activate_page(State(st), ctx, Path(code)).await;
    };
    let page = |error: String| {
        let title = ctx.tr.t("activation-title");
        render(&ActivatePage {
            c: Chrome::new(&ctx, "", title),
            code: code.clone(),
            name: name.clone(),
            username: username.clone(),
            error,
            valid: true,
        })
    };
    if let Err(msg) = crate::platform::auth_pages::check_new_password(&ctx, &f.password, &f.password2) {
        let mut r = page(msg)?;
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    let hash = match hashing::hash(f.password).await {
        Ok(h) => h?,
        Err(hashing::Busy) => return page(ctx.tr.t("err-busy")),
    };
    let mut tx = st.store.begin().await?;
    let Some(user_id) = activation::activate(&mut tx, &code, &hash).await? else {
        // Used a moment ago by another request: the code works once.
        return Err(AppError::NotFound);
    };
    audit::append(&mut tx, &st.store.crypto, &Event::new(Some(&school_id), &username, "user.activate", &user_id))
        .await?;
    jiaogong_store::commit(tx).await?;
    if let Some(old) = &ctx.session_token {
        jiaogong_store::platform::accounts::end_session(&st.store, old).await?;
    }
    let (token, _csrf) = jiaogong_store::platform::accounts::create_session(&st.store, &user_id).await?;
    let mut resp = see_other("/");
    resp.headers_mut()
        .append(header::SET_COOKIE, crate::platform::auth_pages::session_cookie(&st, &ctx, &token, 12 * 3600)?);
    Ok(resp)
}
