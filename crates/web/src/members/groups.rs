//! Union groups (list, create) and the members' correction requests (review, resolve).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::members::Field;
use jiaogong_store::members as repo;
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::{self, Group, School};
use jiaogong_store::StoreError;
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/groups", get(groups))
        .add("POST", "/s/{school}/groups", post(create_group))
        .add("GET", "/s/{school}/corrections", get(corrections))
        .add("POST", "/s/{school}/corrections/{id}", post(resolve_correction))
}

#[derive(Template)]
#[template(path = "members/groups.html")]
struct GroupsPage {
    c: Chrome,
    school: School,
    groups: Vec<Group>,
    can_edit: bool,
    error: String,
}

async fn groups(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    groups_page(&st, &ctx, school, String::new()).await
}

async fn groups_page(st: &AppState, ctx: &Ctx, school: School, error: String) -> AppResult<Response> {
    let groups = tenancy::groups(&st.store, &school.id).await?;
    let can_edit = crate::platform::access::ROSTER_EDITORS.contains(&ctx.user()?.role());
    let title = ctx.tr.t("nav-groups");
    render(&GroupsPage { c: Chrome::new(ctx, "groups", title), school, groups, can_edit, error })
}

#[derive(Deserialize)]
struct GroupForm {
    name: String,
    #[serde(default)]
    is_retired: Option<String>,
}

async fn create_group(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<GroupForm>,
) -> AppResult<Response> {
    let name = match jiaogong_domain::platform::text::line(&f.name, 30) {
        Ok(n) => n,
        Err(e) => return groups_page(&st, &ctx, school, ctx.name_error(&e, "err-group-name")).await,
    };
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    match tenancy::create_group(&mut tx, &school.id, &name, f.is_retired.is_some()).await {
        Ok(id) => {
            audit::append(
                &mut tx,
                &st.store.crypto,
                &Event::new(Some(&school.id), &actor, "group.create", &id).detail(name),
            )
            .await?;
            jiaogong_store::commit(tx).await?;
            Ok(see_other(&format!("/s/{}/groups", school.code)))
        }
        Err(StoreError::Conflict(_)) => groups_page(&st, &ctx, school, ctx.tr.t("err-group-exists")).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "members/corrections.html")]
struct CorrectionsPage {
    c: Chrome,
    school: School,
    items: Vec<(repo::Correction, String)>,
}

/// `?open=1`: only the requests still open (what the home page's to-do counts).
#[derive(serde::Deserialize, Default)]
struct CorrectionsQuery {
    #[serde(default)]
    open: Option<String>,
}

async fn corrections(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    axum::extract::Query(q): axum::extract::Query<CorrectionsQuery>,
) -> AppResult<Response> {
    let items = repo::corrections(&st.store, &school.id, None, q.open.is_some())
        .await?
        .into_iter()
        .map(|c| {
            let label = Field::from_code(&c.field).map(|f| ctx.tr.t(f.key())).unwrap_or_else(|| c.field.clone());
            (c, label)
        })
        .collect();
    let title = ctx.tr.t("nav-corrections");
    render(&CorrectionsPage { c: Chrome::new(&ctx, "corrections", title), school, items })
}

#[derive(Deserialize)]
struct ResolveForm {
    decision: String,
}

async fn resolve_correction(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<ResolveForm>,
) -> AppResult<Response> {
    let status = match f.decision.as_str() {
        "done" => "done",
        "rejected" => "rejected",
        _ => return Err(AppError::bad("bad_decision", ctx.tr.t("err-bad-value"))),
    };
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    repo::resolve_correction(&mut tx, &school.id, &id, status).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &actor, "correction.resolve", &id).detail(status),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/corrections", school.code)))
}
