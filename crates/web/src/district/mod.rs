//! The district union's view: its schools and their member counts.

pub mod assessment;
pub mod submissions;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use jiaogong_store::platform::tenancy::{self, SchoolSummary};

use crate::platform::ctx::Ctx;
use crate::platform::error::AppResult;
use crate::platform::pages::{render, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    let r = assessment::routes(r);
    let r = submissions::routes(r);
    r.add("GET", "/district", get(district))
}

#[derive(Template)]
#[template(path = "district/index.html")]
struct DistrictPage {
    c: Chrome,
    name: String,
    schools: Vec<SchoolSummary>,
    total_members: i64,
    total_retired: i64,
    chart: String,
}

/// The schools a district user (or a system admin) sees.
pub async fn visible_schools(st: &AppState, ctx: &Ctx) -> AppResult<(String, Vec<SchoolSummary>)> {
    let user = ctx.user()?;
    match &user.district_id {
        Some(d) => {
            Ok((tenancy::district_name(&st.store, d).await?, tenancy::school_summaries(&st.store, Some(d)).await?))
        }
        None if user.school_id.is_none() => {
            Ok((ctx.tr.t("district-all"), tenancy::school_summaries(&st.store, None).await?))
        }
        None => Ok((String::new(), Vec::new())),
    }
}

async fn district(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (name, schools) = visible_schools(&st, &ctx).await?;
    let total_members = schools.iter().map(|s| s.members).sum();
    let total_retired = schools.iter().map(|s| s.retired).sum();
    let chart = jiaogong_office::svg::bar_chart(
        &ctx.tr.t("district-chart"),
        &schools
            .iter()
            .map(|s| jiaogong_office::svg::Series { label: s.name.clone(), value: s.members as f64 })
            .collect::<Vec<_>>(),
        "",
    );
    let title = ctx.tr.t("nav-district");
    render(&DistrictPage {
        c: Chrome::new(&ctx, "district", title),
        name,
        schools,
        total_members,
        total_retired,
        chart,
    })
}
