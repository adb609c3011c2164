//! The 提案工作报告 of a session, generated from the data: the figures the domain computes
//! (`report_figures`), then the list of proposals with their status. One loader feeds the page,
//! the A4 print view and the .docx.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::NaiveDate;
use jiaogong_domain::congress::{report_figures, Feedback, ReportFigures, ReportItem};
use jiaogong_office::docx::{write_docx, Block};
use jiaogong_store::congress::proposals::{self as repo, Line, SessionChoice};
use jiaogong_store::platform::tenancy::School;

use super::{label, number, pick_session, today, SessionQuery};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, Chrome};
use crate::AppState;

pub(crate) struct Report {
    pub sessions: Vec<SessionChoice>,
    pub session: Option<SessionChoice>,
    pub lines: Vec<Line>,
    pub f: ReportFigures,
}

fn date(s: &Option<String>) -> Option<NaiveDate> {
    s.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

async fn load(st: &AppState, school: &School, asked: Option<&str>) -> AppResult<Report> {
    let sessions = repo::session_choices(&st.store, &school.id).await?;
    let session = pick_session(&sessions, asked)?;
    let lines = match &session {
        Some(s) => repo::all_handed_in(&st.store, &school.id, &s.id).await?,
        None => Vec::new(),
    };
    let items: Vec<ReportItem> = lines
        .iter()
        .map(|l| ReportItem {
            state: l.state,
            category: l.category,
            department: l.department.clone(),
            due: date(&l.due_on),
            first_reply: date(&l.first_reply),
            feedback: l.last_feedback.as_deref().and_then(Feedback::from_code),
        })
        .collect();
    let f = report_figures(&items, today());
    Ok(Report { sessions, session, lines, f })
}

/// A percentage for display, "—" when there is nothing to divide.
pub fn pct(p: Option<u32>) -> String {
    p.map(|p| format!("{p}%")).unwrap_or_else(|| "—".into())
}

fn summary(c: &Chrome, f: &ReportFigures) -> String {
    c.tr.ta(
        "proposal-report-summary",
        &[
            ("received", f.received.to_string()),
            ("accepted", f.accepted.to_string()),
            ("suggestions", f.suggestions.to_string()),
            ("merged", f.merged.to_string()),
            ("returned", f.returned.to_string()),
            ("pending", f.pending.to_string()),
        ],
    )
}

fn handling(c: &Chrome, f: &ReportFigures) -> String {
    c.tr.ta(
        "proposal-report-handling",
        &[
            ("replied", f.replied.to_string()),
            ("ontime", f.replied_on_time.to_string()),
            ("rate", pct(f.on_time_percent())),
            ("overdue", f.overdue.to_string()),
        ],
    )
}

fn satisfaction(c: &Chrome, f: &ReportFigures) -> String {
    c.tr.ta(
        "proposal-report-satisfaction",
        &[
            ("rated", f.rated().to_string()),
            ("satisfied", f.satisfied.to_string()),
            ("mostly", f.mostly_satisfied.to_string()),
            ("unsatisfied", f.unsatisfied.to_string()),
            ("rate", pct(f.satisfaction_percent())),
        ],
    )
}

#[derive(Template)]
#[template(path = "congress/proposals/report.html")]
struct ReportPage {
    c: Chrome,
    school: School,
    r: Report,
    summary: String,
    handling: String,
    satisfaction: String,
}

#[derive(Template)]
#[template(path = "congress/proposals/report_print.html")]
struct PrintPage {
    c: Chrome,
    school: School,
    r: Report,
    summary: String,
    handling: String,
    satisfaction: String,
}

pub(super) async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<SessionQuery>,
) -> AppResult<Response> {
    let r = load(&st, &school, q.session.as_deref()).await?;
    let c = Chrome::new(&ctx, "proposals", ctx.tr.t("proposal-report-title"));
    let (summary, handling, satisfaction) = (summary(&c, &r.f), handling(&c, &r.f), satisfaction(&c, &r.f));
    render(&ReportPage { c, school, r, summary, handling, satisfaction })
}

pub(super) async fn print(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<SessionQuery>,
) -> AppResult<Response> {
    let r = load(&st, &school, q.session.as_deref()).await?;
    let c = Chrome::new(&ctx, "proposals", ctx.tr.t("proposal-report-title"));
    let (summary, handling, satisfaction) = (summary(&c, &r.f), handling(&c, &r.f), satisfaction(&c, &r.f));
    render(&PrintPage { c, school, r, summary, handling, satisfaction })
}

/// The list of proposals as table rows (number, title, proposer, category, department, status).
fn list_rows(c: &Chrome, lines: &[Line]) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|l| {
            let mut status = label(c, "proposal-state", &l.state);
            if let Some(s) = &l.reply_status {
                status = format!("{status}（{}）", label(c, "proposal-status", s));
            }
            if let Some(f) = &l.last_feedback {
                status = format!("{status}，{}", label(c, "proposal-rating", f));
            }
            vec![
                number(c, &l.number),
                l.title.clone(),
                l.proposer_name.clone(),
                label(c, "proposal-category", &l.category),
                l.department.clone().unwrap_or_default(),
                status,
            ]
        })
        .collect()
}

pub(super) async fn docx(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<SessionQuery>,
) -> AppResult<Response> {
    let r = load(&st, &school, q.session.as_deref()).await?;
    let c = Chrome::new(&ctx, "proposals", ctx.tr.t("proposal-report-title"));
    let t = |k: &str| c.tr.t(k);
    let session_title = r.session.as_ref().map(|s| s.title.clone()).unwrap_or_default();
    let mut blocks = vec![
        Block::Paragraph(format!("{} · {session_title}", school.name)),
        Block::Heading(1, t("proposal-report-basic")),
        Block::Paragraph(summary(&c, &r.f)),
        Block::Table {
            headers: vec![t("proposal-category"), t("proposal-report-received"), t("proposal-report-accepted")],
            rows: r
                .f
                .by_category
                .iter()
                .map(|(cat, n, a)| vec![label(&c, "proposal-category", cat.code()), n.to_string(), a.to_string()])
                .collect(),
        },
        Block::Heading(1, t("proposal-report-handling-title")),
        Block::Paragraph(handling(&c, &r.f)),
        Block::Table {
            headers: vec![
                t("proposal-department"),
                t("proposal-report-assigned"),
                t("proposal-report-replied"),
                t("proposal-report-on-time"),
                t("proposal-report-overdue"),
            ],
            rows: r
                .f
                .by_department
                .iter()
                .map(|(d, f)| {
                    vec![
                        d.clone(),
                        f.assigned.to_string(),
                        f.replied.to_string(),
                        f.on_time.to_string(),
                        f.overdue.to_string(),
                    ]
                })
                .collect(),
        },
        Block::Heading(1, t("proposal-report-satisfaction-title")),
        Block::Paragraph(satisfaction(&c, &r.f)),
        Block::Heading(1, t("proposal-report-list")),
    ];
    blocks.push(Block::Table {
        headers: vec![
            t("proposal-number-col"),
            t("proposal-title"),
            t("proposal-proposer"),
            t("proposal-category"),
            t("proposal-department"),
            t("proposal-state"),
        ],
        rows: list_rows(&c, &r.lines),
    });
    let bytes = write_docx(&t("proposal-report-title"), &blocks).map_err(|e| AppError::Internal(e.to_string()))?;
    let name = format!("{}.docx", t("proposal-report-title"));
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"proposal-report.docx\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response())
}
