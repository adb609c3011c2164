//! The school's audit log as the chair and the auditor read it (newest first), with the chain's
//! verdict.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Extension;
use jiaogong_store::platform::audit::{self, Entry};
use jiaogong_store::platform::tenancy::School;

use crate::platform::ctx::Ctx;
use crate::platform::error::AppResult;
use crate::platform::pages::{render, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/audit", get(page))
}

#[derive(Template)]
#[template(path = "platform/audit.html")]
struct AuditPage {
    c: Chrome,
    school: School,
    entries: Vec<Entry>,
}

async fn page(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    let entries = audit::recent(&st.store, &school.id, 200).await?;
    let title = ctx.tr.t("audit-title");
    render(&AuditPage { c: Chrome::new(&ctx, "audit", title), school, entries })
}
