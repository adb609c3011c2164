//! The district union's view: the dashboard of every school of the caller's subtree (district →
//! 区/县 → school), read from the per-school summaries the refresher keeps current; rankings,
//! filters, the table as .xlsx, distributions as charts, and a school's published figures.
//! Never a school's roster, hardship files or ballots: those routes do not admit the district
//! role (the access table).

use std::time::Duration;

pub mod assessment;
pub mod ledger;
pub mod submissions;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use jiaogong_domain::district::dashboard::{self as rules, Column, Kind, Row, COLUMNS};
use jiaogong_office::svg::{self, Series};
use jiaogong_office::xlsx_write::{self, OutCell, Table};
use jiaogong_store::district::dashboard::{self as figures, SchoolFigures};
use jiaogong_store::district::hierarchy::{self, SubDistrict};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::{School, SchoolSummary};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, today, Chrome};
use crate::{AppState, Routes};

/// How often the refresher looks for schools whose records changed (the dashboard's lag).
pub const REFRESH_EVERY: Duration = Duration::from_secs(60);
/// Schools recomputed per tick only because their figures aged (see `figures::STALE_MS`).
const STALE_PER_TICK: i64 = 50;
/// The lease of the refresher: one app server refreshes at a time.
const LEASE: &str = "district-figures";

pub fn routes(r: Routes) -> Routes {
    let r = assessment::routes(r);
    let r = submissions::routes(r);
    r.add("GET", "/district", get(district))
        .add("GET", "/district/schools/{school}", get(school_page))
        .add("POST", "/district/schools/{school}/refresh", post(refresh))
        .add("GET", "/api/v1/district/schools", get(api_schools))
        .add("GET", "/api/v1/district/schools.xlsx", get(api_xlsx))
}

/// The caller's subtree: their district (`Some`), every school for the system admin (`None`);
/// a school user has none.
fn scope(ctx: &Ctx) -> AppResult<Option<Option<String>>> {
    let user = ctx.user()?;
    Ok(match (&user.district_id, &user.school_id) {
        (Some(d), _) => Some(Some(d.clone())),
        (None, None) => Some(None),
        (None, Some(_)) => None,
    })
}

/// The schools a district user (or a system admin) sees, with their member counts (from the
/// summaries: no scan of the members).
pub async fn visible_schools(st: &AppState, ctx: &Ctx) -> AppResult<(String, Vec<SchoolSummary>)> {
    let Some(district) = scope(ctx)? else { return Ok((String::new(), Vec::new())) };
    let name = match &district {
        Some(d) => jiaogong_store::platform::tenancy::district_name(&st.store, d).await?,
        None => ctx.tr.t("district-all"),
    };
    let year = chrono::Datelike::year(&today());
    let list = figures::subtree_figures(&st.store, district.as_deref(), year).await?;
    Ok((
        name,
        list.into_iter()
            .map(|f| SchoolSummary {
                members: f.figures.get(rules::code::MEMBERS).copied().unwrap_or(0),
                retired: f.figures.get(rules::code::RETIRED).copied().unwrap_or(0),
                id: f.school.id,
                name: f.school.name,
                code: f.school.code,
            })
            .collect(),
    ))
}

/// The dashboard's query: sort column and direction, a sub-district, a column below a threshold
/// (in percent for rates).
#[derive(Debug, Default, Deserialize)]
pub struct DashQuery {
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub desc: Option<String>,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub below: String,
    #[serde(default)]
    pub threshold: String,
}

struct Dash {
    name: String,
    year: i32,
    rows: Vec<Row>,
    total: usize,
    /// The oldest refresh among the schools shown (ms), if any.
    oldest: Option<i64>,
    districts: Vec<SubDistrict>,
}

/// Reads, filters and sorts; bad filter values are a Chinese message saying what to enter.
async fn dash(st: &AppState, ctx: &Ctx, q: &DashQuery) -> AppResult<Dash> {
    let year = chrono::Datelike::year(&today());
    // A school's own administrator passes the role check: an empty district.
    let Some(district) = scope(ctx)? else {
        return Ok(Dash { name: String::new(), year, rows: Vec::new(), total: 0, oldest: None, districts: Vec::new() });
    };
    let (name, districts) = match &district {
        Some(d) => (
            jiaogong_store::platform::tenancy::district_name(&st.store, d).await?,
            hierarchy::subtree_districts(&st.store, d).await?,
        ),
        None => (ctx.tr.t("district-all"), Vec::new()),
    };
    let list: Vec<SchoolFigures> = figures::subtree_figures(&st.store, district.as_deref(), year).await?;
    let total = list.len();
    let oldest = list.iter().filter_map(|f| f.refreshed_at).min();
    let mut rows: Vec<Row> = list
        .into_iter()
        .filter(|f| q.district.is_empty() || f.school.district_id == q.district)
        .map(|f| Row::new(f.school.id, f.school.name, f.school.code, f.school.district_name, &f.figures))
        .collect();
    if !q.below.is_empty() {
        let col = rules::column(&q.below).ok_or_else(|| AppError::bad("bad_column", ctx.tr.t("dist-err-column")))?;
        let threshold = parse_threshold(col, &q.threshold)
            .ok_or_else(|| AppError::bad("bad_threshold", ctx.tr.t("dist-err-threshold")))?;
        rows = rules::below(rows, col.key, threshold);
    }
    if !q.sort.is_empty() && rules::column(&q.sort).is_none() && q.sort != "name" {
        return Err(AppError::bad("bad_column", ctx.tr.t("dist-err-column")));
    }
    rules::sort_rows(&mut rows, &q.sort, q.desc.as_deref().is_some_and(|d| d == "1" || d == "true"));
    Ok(Dash { name, year, rows, total, oldest, districts })
}

/// A threshold as typed: percent (0–100, up to one decimal) for rates, yuan for amounts, a
/// whole number otherwise; in the column's stored unit.
fn parse_threshold(col: &Column, s: &str) -> Option<i64> {
    let s = s.trim().trim_end_matches('%');
    match col.kind {
        Kind::Rate { .. } => {
            let v: f64 = s.parse().ok()?;
            (v.is_finite() && (0.0..=100.0).contains(&v)).then(|| (v * 10.0).round() as i64)
        }
        Kind::Fen(_) => jiaogong_domain::platform::money::Fen::parse_yuan_non_negative(s).ok().map(|f| f.0),
        Kind::Count(_) | Kind::Flag(_) => s.parse::<i64>().ok().filter(|v| *v >= 0),
    }
}

/// A value as the page and the sheet show it.
pub fn shown(col: &Column, v: Option<i64>) -> String {
    match (col.kind, v) {
        (_, None) => "—".into(),
        (Kind::Rate { .. }, Some(p)) => format!("{}.{}%", p / 10, p % 10),
        (Kind::Fen(_), Some(f)) => jiaogong_domain::platform::money::Fen(f).display(),
        (Kind::Flag(_), Some(1)) => "✓".into(),
        (Kind::Flag(_), Some(_)) => "✗".into(),
        (Kind::Count(_), Some(n)) => n.to_string(),
    }
}

struct Cell {
    text: String,
    low: bool,
}

struct ViewRow {
    code: String,
    name: String,
    district: String,
    cells: Vec<Cell>,
}

struct Head {
    key: &'static str,
    label: String,
    href: String,
    sorted: bool,
}

#[derive(Template)]
#[template(path = "district/index.html")]
struct DistrictPage {
    c: Chrome,
    name: String,
    year: i32,
    shown_count: usize,
    total: usize,
    total_members: i64,
    heads: Vec<Head>,
    rows: Vec<ViewRow>,
    charts: Vec<String>,
    districts: Vec<SubDistrict>,
    q_district: String,
    q_below: String,
    q_threshold: String,
    q_sort: String,
    q_desc: bool,
    refreshed: String,
    lag_minutes: u64,
    xlsx: String,
}

fn query_string(q: &DashQuery, sort: &str, desc: bool) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    if !sort.is_empty() {
        s.append_pair("sort", sort);
    }
    if desc {
        s.append_pair("desc", "1");
    }
    if !q.district.is_empty() {
        s.append_pair("district", &q.district);
    }
    if !q.below.is_empty() {
        s.append_pair("below", &q.below);
        s.append_pair("threshold", &q.threshold);
    }
    s.finish()
}

fn chart(ctx: &Ctx, rows: &[Row], key: &str, title: &str) -> String {
    let (bands, none) = rules::rate_bands(rows, key);
    let mut data: Vec<Series> = bands
        .iter()
        .enumerate()
        .map(|(i, n)| Series { label: format!("{}–{}%", i * 10, i * 10 + 10), value: *n as f64 })
        .collect();
    data.push(Series { label: ctx.tr.t("dist-none"), value: none as f64 });
    svg::bar_chart(&ctx.tr.t(title), &data, &ctx.tr.t("dist-unit-schools"))
}

async fn district(State(st): State<AppState>, ctx: Ctx, Query(q): Query<DashQuery>) -> AppResult<Response> {
    let d = dash(&st, &ctx, &q).await?;
    let desc = q.desc.as_deref().is_some_and(|d| d == "1" || d == "true");
    let heads = COLUMNS
        .iter()
        .map(|c| {
            let sorted = q.sort == c.key;
            // A first click ranks from the top (descending); a second click turns it round.
            Head {
                key: c.key,
                label: ctx.tr.t(c.label),
                href: format!("/district?{}", query_string(&q, c.key, !(sorted && desc))),
                sorted,
            }
        })
        .collect();
    let threshold = q.below.as_str();
    let low_at = rules::column(threshold).and_then(|c| parse_threshold(c, &q.threshold).map(|t| (c.key, t)));
    let total_members = d.rows.iter().filter_map(|r| r.get("members")).sum();
    let rows = d
        .rows
        .iter()
        .map(|r| ViewRow {
            code: r.code.clone(),
            name: r.name.clone(),
            district: r.district.clone(),
            cells: COLUMNS
                .iter()
                .zip(&r.values)
                .map(|(c, v)| Cell {
                    text: shown(c, *v),
                    low: low_at.is_some_and(|(k, t)| k == c.key && v.is_none_or(|v| v < t)),
                })
                .collect(),
        })
        .collect();
    let charts = vec![
        chart(&ctx, &d.rows, "membership_rate", "dist-chart-membership"),
        chart(&ctx, &d.rows, "care_compliance_rate", "dist-chart-care"),
        chart(&ctx, &d.rows, "proposals_on_time_rate", "dist-chart-proposals"),
    ];
    let refreshed = d.oldest.map(|ms| ctx.tr.when(ms)).unwrap_or_else(|| ctx.tr.t("dist-not-refreshed"));
    let title = ctx.tr.t("nav-district");
    render(&DistrictPage {
        c: Chrome::new(&ctx, "district", title),
        name: d.name,
        year: d.year,
        shown_count: d.rows.len(),
        total: d.total,
        total_members,
        heads,
        rows,
        charts,
        districts: d.districts,
        q_district: q.district.clone(),
        q_below: q.below.clone(),
        q_threshold: q.threshold.clone(),
        q_sort: q.sort.clone(),
        q_desc: desc,
        refreshed,
        lag_minutes: REFRESH_EVERY.as_secs().div_ceil(60),
        xlsx: format!("/api/v1/district/schools.xlsx?{}", query_string(&q, &q.sort, desc)),
    })
}

/// One row as the API gives it: school, name, code, district, members and one key per column.
fn row_json(r: &Row) -> Value {
    let mut m = Map::new();
    m.insert("school".into(), json!(r.school));
    m.insert("name".into(), json!(r.name));
    m.insert("code".into(), json!(r.code));
    m.insert("district".into(), json!(r.district));
    for (c, v) in COLUMNS.iter().zip(&r.values) {
        m.insert(c.key.into(), json!(v));
    }
    Value::Object(m)
}

async fn api_schools(State(st): State<AppState>, ctx: Ctx, Query(q): Query<DashQuery>) -> AppResult<Json<Value>> {
    let d = dash(&st, &ctx, &q).await?;
    Ok(Json(json!({
        "year": d.year,
        "refreshed_at": d.oldest,
        "schools": d.rows.iter().map(row_json).collect::<Vec<_>>(),
    })))
}

async fn api_xlsx(State(st): State<AppState>, ctx: Ctx, Query(q): Query<DashQuery>) -> AppResult<Response> {
    let d = dash(&st, &ctx, &q).await?;
    let mut headers = vec![ctx.tr.t("district-school"), ctx.tr.t("district-code"), ctx.tr.t("dist-col-district")];
    headers.extend(COLUMNS.iter().map(|c| ctx.tr.t(c.label)));
    let rows = d
        .rows
        .iter()
        .map(|r| {
            let mut cells =
                vec![OutCell::Text(r.name.clone()), OutCell::Text(r.code.clone()), OutCell::Text(r.district.clone())];
            cells.extend(COLUMNS.iter().zip(&r.values).map(|(c, v)| match (c.kind, v) {
                (_, None) => OutCell::Empty,
                (Kind::Fen(_), Some(f)) => OutCell::Money(*f),
                (Kind::Rate { .. }, Some(p)) => OutCell::Number(*p as f64 / 10.0),
                (_, Some(n)) => OutCell::Int(*n),
            }));
            cells
        })
        .collect();
    let bytes = xlsx_write::write_tables(&[Table {
        sheet_name: format!("{} {}", d.name, d.year),
        headers,
        rows,
        col_widths: vec![],
    }])
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let user = ctx.user()?;
    audit::record(
        &st.store,
        &Event::new(None, &ctx.actor(), "district.export", user.district_id.as_deref().unwrap_or("all"))
            .detail(query_string(&q, &q.sort, false)),
    )
    .await?;
    Ok(crate::members::export::xlsx_response(&format!("{}-{}.xlsx", ctx.tr.t("nav-district"), d.year), bytes))
}

struct Figure {
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "district/school.html")]
struct SchoolPage {
    c: Chrome,
    school: School,
    year: i32,
    figures: Vec<Figure>,
    refreshed: String,
}

/// A school's published figures (the access guard has checked the school is in the subtree).
async fn school_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
) -> AppResult<Response> {
    let year = chrono::Datelike::year(&today());
    let (stored, refreshed_at) = figures::school_figures(&st.store, &school.id, year).await?;
    let row = Row::new(school.id.clone(), school.name.clone(), school.code.clone(), String::new(), &stored);
    let figures = COLUMNS
        .iter()
        .zip(&row.values)
        .map(|(c, v)| Figure { label: ctx.tr.t(c.label), value: shown(c, *v) })
        .collect();
    let refreshed = refreshed_at.map(|ms| ctx.tr.when(ms)).unwrap_or_else(|| ctx.tr.t("dist-not-refreshed"));
    let title = school.name.clone();
    render(&SchoolPage { c: Chrome::new(&ctx, "district", title), school, year, figures, refreshed })
}

/// Recomputes one school's figures now (audited in the school's log).
async fn refresh(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    figures::refresh_school(&st.store, &school.id, today()).await?;
    audit::record(&st.store, &Event::new(Some(&school.id), &ctx.actor(), "district.refresh", &school.id)).await?;
    Ok(see_other(&format!("/district/schools/{}", school.code)).into_response())
}

/// Runs the refresher every [`REFRESH_EVERY`] on this server (only the lease holder works).
pub fn spawn_refresher(st: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let holder = crate::platform::delivery::holder_id();
        let mut interval = tokio::time::interval(REFRESH_EVERY);
        loop {
            interval.tick().await;
            match jiaogong_store::platform::lease::acquire_at(
                &st.store,
                LEASE,
                &holder,
                (REFRESH_EVERY * 5).as_millis() as i64,
                jiaogong_store::now_ms(),
            )
            .await
            {
                Ok(true) => {
                    if let Err(e) = figures::refresh_changed(&st.store, today(), STALE_PER_TICK).await {
                        tracing::warn!("district figures: {e:?}");
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::warn!("district figures lease: {e:?}"),
            }
        }
    })
}
