//! Participation (the figure for 文明组室): per group, the share of its active members who
//! attended at least one activity in a period, with the attendances; exported with a sheet per
//! member beside it.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::Extension;
use jiaogong_domain::activities as rules;
use jiaogong_office::xlsx_write::{self, OutCell, Table};
use jiaogong_store::activities::{self as repo, GroupRate};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;

use super::is_committee;
use super::manage::xlsx_response;
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/activities/participation", get(participation)).add(
        "GET",
        "/s/{school}/activities/participation.xlsx",
        get(participation_xlsx),
    )
}

#[derive(Deserialize, Default)]
struct Period {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The period asked for, by default the school year so far (from 1 September).
fn period(p: &Period) -> (String, String, i64, i64) {
    let today = crate::platform::pages::today();
    let year_start = {
        use chrono::Datelike;
        let y = if today.month() >= 9 { today.year() } else { today.year() - 1 };
        format!("{y}-09-01")
    };
    let from = if chrono::NaiveDate::parse_from_str(&p.from, "%Y-%m-%d").is_ok() { p.from.clone() } else { year_start };
    let to = if chrono::NaiveDate::parse_from_str(&p.to, "%Y-%m-%d").is_ok() {
        p.to.clone()
    } else {
        today.format("%Y-%m-%d").to_string()
    };
    let from_ms = rules::parse_local(&format!("{from}T00:00")).unwrap_or(0);
    let to_ms = rules::parse_local(&format!("{to}T23:59")).map(|t| t + 60_000).unwrap_or(i64::MAX);
    (from, to, from_ms, to_ms)
}

#[derive(Template)]
#[template(path = "activities/participation.html")]
struct ParticipationPage {
    c: Chrome,
    school: School,
    from: String,
    to: String,
    rates: Vec<GroupRate>,
}

async fn participation(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(p): Query<Period>,
) -> AppResult<Response> {
    if !is_committee(&ctx) {
        return Err(AppError::Forbidden);
    }
    let (from, to, from_ms, to_ms) = period(&p);
    let rates = repo::group_rates(&st.store, &school.id, from_ms, to_ms).await?;
    render(&ParticipationPage {
        c: Chrome::new(&ctx, "activities", ctx.tr.t("act-participation")),
        school,
        from,
        to,
        rates,
    })
}

async fn participation_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(p): Query<Period>,
) -> AppResult<Response> {
    if !is_committee(&ctx) {
        return Err(AppError::Forbidden);
    }
    let (from, to, from_ms, to_ms) = period(&p);
    let rates = repo::group_rates(&st.store, &school.id, from_ms, to_ms).await?;
    let t = |k: &str| ctx.tr.t(k);
    let headers = vec![
        t("act-col-group"),
        t("act-col-members"),
        t("act-col-participants"),
        t("act-col-rate"),
        t("act-col-attendances"),
    ];
    let rows = rates
        .into_iter()
        .map(|r| {
            vec![
                OutCell::Text(r.group.clone()),
                OutCell::Int(r.members),
                OutCell::Int(r.participants),
                OutCell::Text(format!("{}%", r.percent())),
                OutCell::Int(r.attendances),
            ]
        })
        .collect();
    let people = repo::member_counts(&st.store, &school.id, from_ms, to_ms).await?;
    let member_rows = people
        .into_iter()
        .map(|m| vec![OutCell::Text(m.name), OutCell::Text(m.group.unwrap_or_default()), OutCell::Int(m.attendances)])
        .collect();
    let bytes = xlsx_write::write_tables(&[
        Table { sheet_name: t("act-participation"), headers, rows, col_widths: vec![] },
        Table {
            sheet_name: t("act-by-member"),
            headers: vec![t("act-col-name"), t("act-col-group"), t("act-col-attendances")],
            rows: member_rows,
            col_widths: vec![],
        },
    ])
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(xlsx_response(bytes, &format!("participation-{from}-{to}")))
}
