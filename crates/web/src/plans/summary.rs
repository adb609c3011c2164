//! The year-end summary (工作总结): drafted in one click from the registry of figures, the
//! chair's prose per section (kept across re-drafts), every figure opening its records, an A4
//! print view and a .docx (宋体 body, 黑体 headings, the charts as tables of their figures).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Json};
use jiaogong_domain::plans as rules;
use jiaogong_office::docx::{write_docx, Block};
use jiaogong_office::svg::{bar_chart, Series};
use jiaogong_store::plans::summary::{self as repo, Figure, SECTIONS};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{is_editor, year_of, YearQuery};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::transparency::today;
use crate::{AppState, Routes};

pub(super) fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/summary", get(page))
        .add("POST", "/s/{school}/summary", post(action))
        .add("GET", "/s/{school}/summary/print", get(print))
        .add("GET", "/s/{school}/summary/records", get(records_page))
        .add("GET", "/s/{school}/summary.docx", get(docx_page))
        .add("GET", "/api/v1/schools/{school}/summary/{year}", get(api_summary))
        .add("GET", "/api/v1/schools/{school}/summary/{year}/figures/{code}", get(api_records))
}

/// The figures (drafted, or computed now when not drafted yet), the prose and the plan's goals.
struct Report {
    year: i32,
    drafted: bool,
    figures: Vec<Figure>,
    prose: std::collections::BTreeMap<String, String>,
    goals: Vec<jiaogong_store::plans::GoalView>,
}

async fn report(st: &AppState, school: &School, year: i32) -> AppResult<Report> {
    let drafted = repo::get(&st.store, &school.id, year).await?;
    let goals =
        jiaogong_store::plans::view(&st.store, &school.id, year, today()).await?.map(|v| v.goals).unwrap_or_default();
    Ok(match drafted {
        Some(s) => Report { year, drafted: true, figures: s.figures, prose: s.prose, goals },
        None => Report {
            year,
            drafted: false,
            figures: repo::figures(&st.store, &school.id, year).await?,
            prose: Default::default(),
            goals,
        },
    })
}

struct FigLine {
    code: String,
    label: String,
    value: i64,
    last_year: i64,
    change: String,
}

fn fig_lines(ctx: &Ctx, figs: &[Figure], area: &str) -> Vec<FigLine> {
    figs.iter()
        .filter(|f| f.area == area)
        .map(|f| FigLine {
            code: f.code.clone(),
            label: ctx.tr.t(&f.label),
            value: f.value,
            last_year: f.last_year,
            change: rules::change_percent(f.value, f.last_year).map(|p| format!("{p:+}%")).unwrap_or_default(),
        })
        .collect()
}

struct SectionView {
    key: &'static str,
    heading: String,
    prose: String,
    figures: Vec<FigLine>,
}

fn sections(ctx: &Ctx, r: &Report) -> Vec<SectionView> {
    SECTIONS
        .iter()
        .map(|key| SectionView {
            key,
            heading: ctx.tr.t(&format!("sum-section-{key}")),
            prose: r.prose.get(*key).cloned().unwrap_or_default(),
            figures: fig_lines(ctx, &r.figures, key),
        })
        .collect()
}

/// The charts of the main figures: the counts in one, the money (figures in yuan) in another,
/// so that neither scale hides the other.
fn charts(ctx: &Ctx, r: &Report) -> Vec<String> {
    let year = r.year.to_string();
    let mut out = Vec::new();
    for (money, title, unit) in [(false, "sum-chart", ""), (true, "sum-chart-money", "fin-yuan")] {
        let data: Vec<Series> = r
            .figures
            .iter()
            .filter(|f| f.code.ends_with("_yuan") == money)
            .map(|f| Series { label: ctx.tr.t(&f.label), value: f.value as f64 })
            .collect();
        if !data.is_empty() {
            let unit = if unit.is_empty() { String::new() } else { ctx.tr.t(unit) };
            out.push(bar_chart(&ctx.tr.t1(title, "year", &year), &data, &unit));
        }
    }
    out
}

#[derive(Template)]
#[template(path = "plans/summary.html")]
struct SummaryPage {
    c: Chrome,
    school: School,
    year: i32,
    drafted: bool,
    sections: Vec<SectionView>,
    goals: Vec<(String, String, String)>,
    charts: Vec<String>,
    editor: bool,
    print: bool,
}

fn goal_lines(ctx: &Ctx, r: &Report) -> Vec<(String, String, String)> {
    r.goals
        .iter()
        .map(|g| {
            let v = match (&g.value, &g.cmp, &g.target) {
                (Some(v), Some(c), Some(t)) => format!("{v}（{}{t}）", c.symbol()),
                _ => String::new(),
            };
            (g.text.clone(), v, ctx.tr.t(g.outcome.key()))
        })
        .collect()
}

async fn show(st: &AppState, ctx: &Ctx, school: School, year: i32, print: bool) -> AppResult<Response> {
    let r = report(st, &school, year).await?;
    render(&SummaryPage {
        c: Chrome::new(ctx, "summary", ctx.tr.t1("sum-title-year", "year", &year.to_string())),
        school,
        year,
        drafted: r.drafted,
        sections: sections(ctx, &r),
        goals: goal_lines(ctx, &r),
        charts: charts(ctx, &r),
        editor: is_editor(ctx),
        print,
    })
}

async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    show(&st, &ctx, school, year_of(&q), false).await
}

async fn print(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    show(&st, &ctx, school, year_of(&q), true).await
}

#[derive(Deserialize)]
struct SummaryForm {
    year: i32,
    action: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    body: String,
}

async fn action(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<SummaryForm>,
) -> AppResult<Response> {
    if !is_editor(&ctx) {
        return Err(AppError::Forbidden);
    }
    let year = rules::check_year(f.year).map_err(|e| AppError::bad("invalid_year", ctx.tr.t(e.key())))?;
    let mut tx = st.store.begin().await?;
    match f.action.as_str() {
        "draft" => {
            repo::draft(&mut tx, &st.store, &st.store.crypto, &school.id, &ctx.actor(), year).await?;
        }
        "prose" => {
            let body = rules::check_prose(&f.body).map_err(|e| AppError::bad("invalid_prose", ctx.tr.t(e.key())))?;
            if !SECTIONS.contains(&f.section.as_str()) {
                return Err(AppError::bad("invalid_section", ctx.tr.t("sum-err-section")));
            }
            if repo::get(&st.store, &school.id, year).await?.is_none() {
                repo::draft(&mut tx, &st.store, &st.store.crypto, &school.id, &ctx.actor(), year).await?;
            }
            repo::set_prose(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), year, &f.section, &body).await?;
        }
        _ => return Err(AppError::bad("invalid_action", ctx.tr.t("plan-err-action"))),
    }
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/summary?year={year}", school.code)))
}

#[derive(Deserialize)]
struct RecordsQuery {
    year: i32,
    code: String,
}

#[derive(Template)]
#[template(path = "plans/records.html")]
struct RecordsPage {
    c: Chrome,
    school: School,
    year: i32,
    label: String,
    records: Vec<repo::Record>,
}

async fn records_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<RecordsQuery>,
) -> AppResult<Response> {
    let spec = repo::specs().into_iter().map(|(_, s)| s).find(|s| s.code == q.code).ok_or(AppError::NotFound)?;
    let records = repo::records(&st.store, &school.id, q.year, &q.code).await?;
    let label = ctx.tr.t(spec.label);
    render(&RecordsPage { c: Chrome::new(&ctx, "summary", label.clone()), school, year: q.year, label, records })
}

/// The .docx of the summary: title, the charts as pictures, the sections with the chair's prose
/// and the figures as tables (this year, last year, change), the plan's goals.
fn docx_bytes(ctx: &Ctx, school: &School, r: &Report) -> Result<Vec<u8>, AppError> {
    let t = |k: &str| ctx.tr.t(k);
    let mut blocks = Vec::new();
    // The charts as pictures: every word processor shows a PNG.
    for svg in charts(ctx, r) {
        let (png, width_px, height_px) =
            jiaogong_office::raster::svg_to_png(&svg, 2.0).map_err(|e| AppError::Internal(e.to_string()))?;
        blocks.push(Block::Image { png, width_px, height_px, width_cm: 12.0 });
    }
    for s in sections(ctx, r) {
        blocks.push(Block::Heading(1, s.heading));
        if !s.prose.is_empty() {
            blocks.push(Block::Paragraph(s.prose));
        }
        if !s.figures.is_empty() {
            blocks.push(Block::Table {
                headers: vec![t("sum-col-figure"), t("sum-col-this-year"), t("sum-col-last-year"), t("sum-col-change")],
                rows: s
                    .figures
                    .into_iter()
                    .map(|f| vec![f.label, f.value.to_string(), f.last_year.to_string(), f.change])
                    .collect(),
            });
        }
    }
    let goals = goal_lines(ctx, r);
    if !goals.is_empty() {
        blocks.push(Block::Heading(1, t("sum-goals")));
        blocks.push(Block::Table {
            headers: vec![t("plan-goal"), t("sum-col-this-year"), t("plan-goal-outcome")],
            rows: goals.into_iter().map(|(a, b, c)| vec![a, b, c]).collect(),
        });
    }
    let title = ctx.tr.ta("sum-doc-title", &[("school", school.name.clone()), ("year", r.year.to_string())]);
    write_docx(&title, &blocks).map_err(|e| AppError::Internal(e.to_string()))
}

fn docx_response(bytes: Vec<u8>, year: i32) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document".to_string(),
            ),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"summary-{year}.docx\"")),
        ],
        bytes,
    )
        .into_response()
}

async fn docx_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    let year = year_of(&q);
    let r = report(&st, &school, year).await?;
    Ok(docx_response(docx_bytes(&ctx, &school, &r)?, year))
}

/// `GET /api/v1/schools/{school}/summary/{year}` (figures JSON) and `…/{year}.docx`.
async fn api_summary(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, year)): Path<(String, String)>,
) -> AppResult<Response> {
    let (y, docx) = match year.strip_suffix(".docx") {
        Some(y) => (y, true),
        None => (year.as_str(), false),
    };
    let year: i32 = y.parse().map_err(|_| AppError::bad("invalid_year", ctx.tr.t("plan-err-year")))?;
    rules::check_year(year).map_err(|e| AppError::bad("invalid_year", ctx.tr.t(e.key())))?;
    let r = report(&st, &school, year).await?;
    if docx {
        return Ok(docx_response(docx_bytes(&ctx, &school, &r)?, year));
    }
    let figures: Vec<Value> = r
        .figures
        .iter()
        .map(|f| {
            json!({"area": f.area, "code": f.code, "label": ctx.tr.t(&f.label), "value": f.value, "last_year": f.last_year,
                   "query": format!("/api/v1/schools/{}/summary/{year}/figures/{}", school.code, f.code)})
        })
        .collect();
    Ok(Json(json!({"year": year, "drafted": r.drafted, "figures": figures, "prose": r.prose, "goals": r.goals}))
        .into_response())
}

async fn api_records(
    State(st): State<AppState>,
    Extension(school): Extension<School>,
    Path((_, year, code)): Path<(String, i32, String)>,
) -> AppResult<Json<Value>> {
    let records = repo::records(&st.store, &school.id, year, &code).await?;
    Ok(Json(json!({"year": year, "code": code, "records": records})))
}

/// The year-end summary's .docx for another area to attach (the 台账, a submission upward).
pub(crate) async fn summary_docx(st: &AppState, ctx: &Ctx, school: &School, year: i32) -> AppResult<Vec<u8>> {
    let r = report(st, school, year).await?;
    docx_bytes(ctx, school, &r)
}
