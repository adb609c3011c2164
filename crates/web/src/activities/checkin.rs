//! Check-in by QR: the organiser's screen shows `/a/checkin?t=…`; a logged-in member opens it
//! and confirms with one tap. The signature, the activity, the 30-second step and the activity's
//! window are checked; a refusal says in words what is wrong and what to do.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Form;
use jiaogong_domain::activities::{codes_equal, CheckinRefusal, CheckinToken};
use jiaogong_store::activities::{self as repo, Activity, CheckinOutcome};
use jiaogong_store::platform::tenancy::School;
use jiaogong_store::StoreError;
use serde::Deserialize;

use super::{member_of, my_school, span_label};
use crate::platform::ctx::Ctx;
use crate::platform::error::AppResult;
use crate::platform::pages::{render, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/a/checkin", get(show)).add("POST", "/a/checkin", post(confirm))
}

/// Checks a scanned token for `expected` (the API names the activity; the page takes the
/// token's own) at `now`.
pub(crate) async fn verify(
    st: &AppState,
    school: &School,
    token: &str,
    expected: Option<&str>,
    now: i64,
) -> Result<Result<Activity, CheckinRefusal>, StoreError> {
    let Some(t) = CheckinToken::parse(token.trim()) else { return Ok(Err(CheckinRefusal::Forged)) };
    if expected.is_some_and(|e| e != t.activity_id) {
        // Knowing whether the other activity exists tells nothing: it is refused either way.
        return Ok(Err(CheckinRefusal::OtherActivity));
    }
    let a = match repo::get(&st.store, &school.id, &t.activity_id).await {
        Ok(a) => a,
        Err(StoreError::NotFound) => return Ok(Err(CheckinRefusal::Forged)),
        Err(e) => return Err(e),
    };
    let code = st.store.crypto.checkin_code(&a.id, &a.checkin_secret, t.step);
    if !codes_equal(&code, &t.code) {
        return Ok(Err(CheckinRefusal::Forged));
    }
    Ok(t.check(&a.id, now, a.starts_at, a.ends_at).map(|()| a))
}

#[derive(Deserialize, Default)]
struct TokenQuery {
    #[serde(default)]
    t: String,
}

#[derive(Template)]
#[template(path = "activities/checkin.html")]
struct CheckinPage {
    c: Chrome,
    token: String,
    title: String,
    span: String,
    done: bool,
    already: bool,
    error: String,
}

fn page(
    ctx: &Ctx,
    token: String,
    a: Option<&Activity>,
    done: bool,
    already: bool,
    error: String,
) -> AppResult<Response> {
    let failed = !error.is_empty();
    let mut r = render(&CheckinPage {
        c: Chrome::new(ctx, "activities", ctx.tr.t("act-checkin")),
        token,
        title: a.map(|a| a.title.clone()).unwrap_or_default(),
        span: a.map(|a| span_label(&ctx.tr, a)).unwrap_or_default(),
        done,
        already,
        error,
    })?;
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn show(State(st): State<AppState>, ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    match verify(&st, &school, &q.t, None, jiaogong_store::now_ms()).await? {
        Ok(a) => page(&ctx, q.t.clone(), Some(&a), false, false, String::new()),
        Err(refusal) => page(&ctx, String::new(), None, false, false, ctx.tr.t(refusal.key())),
    }
}

async fn confirm(State(st): State<AppState>, ctx: Ctx, Form(q): Form<TokenQuery>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let Some(me) = member_of(&ctx) else {
        return page(&ctx, String::new(), None, false, false, ctx.tr.t("act-err-not-member"));
    };
    let a = match verify(&st, &school, &q.t, None, jiaogong_store::now_ms()).await? {
        Ok(a) => a,
        Err(refusal) => return page(&ctx, String::new(), None, false, false, ctx.tr.t(refusal.key())),
    };
    let mut tx = st.store.begin().await?;
    let outcome = repo::check_in(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &a.id, &me, "qr").await?;
    jiaogong_store::commit(tx).await?;
    page(&ctx, String::new(), Some(&a), true, outcome == CheckinOutcome::AlreadyIn, String::new())
}
