//! The result sheet (测评结果汇总表) of a closed evaluation, as a page and as .xlsx.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;
use jiaogong_domain::congress::ballots::{self, TallyResult};
use jiaogong_domain::congress::evaluation::item_subject;
use jiaogong_store::congress::evaluations::{self as repo, Evaluation};
use jiaogong_store::congress::polls::{self, Poll};
use jiaogong_store::platform::tenancy::School;

use super::{leader_views, settings_of};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, Chrome};
use crate::AppState;

/// One row of the result sheet.
struct SheetRow {
    name: String,
    post: String,
    n: u64,
    withheld: bool,
    counts: Vec<u64>,
    rate: String,
    score: String,
    flagged: bool,
    items: Vec<SheetRow>,
    by_group: Option<Vec<GroupLine>>,
}

/// One rater group's answers for a leader: (group, answers, counts per grade, average points).
type GroupLine = (String, u64, Vec<u64>, String);

/// A rater group on the sheet: ballots returned and whether it is too small to show alone.
struct SheetGroup {
    name: String,
    weight: u64,
    returned: u64,
    small: bool,
}

struct Sheet {
    grades: Vec<String>,
    rows: Vec<SheetRow>,
    groups: Vec<SheetGroup>,
    returned: u64,
    valid: u64,
    electorate: u64,
    min: u64,
    any_suppressed: bool,
}

fn sheet_row(name: &str, post: String, r: &ballots::EvaluationResult) -> SheetRow {
    let sub = r.subjects.iter().find(|x| x.name == name);
    let mut row = SheetRow {
        name: name.to_string(),
        post,
        n: sub.map_or(0, |x| x.n),
        withheld: true,
        counts: Vec::new(),
        rate: String::new(),
        score: String::new(),
        flagged: false,
        items: Vec::new(),
        by_group: None,
    };
    if let Some(d) = sub.and_then(|x| x.detail.as_ref()) {
        row.withheld = false;
        row.counts = d.counts.0.iter().map(|(_, c)| *c).collect();
        row.rate.clone_from(&d.competent_rate);
        row.score.clone_from(&d.score);
        row.flagged = d.flagged;
        row.by_group = d.by_group.as_ref().map(|m| {
            m.0.iter()
                .map(|(g, t)| (g.clone(), t.n, t.counts.0.iter().map(|(_, c)| *c).collect(), t.score.clone()))
                .collect()
        });
    }
    row
}

/// The result sheet of a closed evaluation; `Conflict` (results hidden) before it closes.
async fn build_sheet(st: &AppState, ctx: &Ctx, school: &School, ev: &Evaluation) -> AppResult<(Poll, Sheet)> {
    let hidden = || AppError::Conflict { code: "results_hidden", message: ctx.tr.t("poll-results-hidden") };
    let poll_id = ev.poll_id.clone().ok_or_else(hidden)?;
    let poll = polls::get(&st.store, &school.id, &poll_id).await?;
    if !poll.status.is_closed() {
        return Err(hidden());
    }
    let s = settings_of(ev)?;
    let bulletin = crate::congress::polls::bulletin_of(st, &poll).await?;
    let TallyResult::Evaluation(r) = ballots::tally(&bulletin) else {
        return Err(AppError::Internal("not an evaluation".into()));
    };
    let mut returned_by: BTreeMap<String, u64> = BTreeMap::new();
    for b in bulletin.ballots.iter().filter(|b| !b.spoiled) {
        *returned_by.entry(b.group.clone().unwrap_or_default()).or_default() += 1;
    }
    let groups = s
        .groups
        .iter()
        .map(|g| {
            let returned = returned_by.get(&g.name).copied().unwrap_or(0);
            SheetGroup {
                name: g.name.clone(),
                weight: g.weight,
                returned,
                small: returned > 0 && returned < s.min_group_size,
            }
        })
        .collect();
    let leaders = leader_views(ctx, repo::leaders(&st.store, &ev.id).await?);
    let rows: Vec<SheetRow> = leaders
        .iter()
        .map(|l| {
            let mut row = sheet_row(&l.subject, l.post.clone(), &r);
            row.items = s.items.iter().map(|i| sheet_row(&item_subject(&l.subject, i), i.clone(), &r)).collect();
            row
        })
        .collect();
    let any_suppressed = rows.iter().any(|r| !r.withheld && r.by_group.is_none());
    let sheet = Sheet {
        grades: s.grades.iter().map(|g| g.name.clone()).collect(),
        any_suppressed,
        rows,
        groups,
        returned: r.returned,
        valid: r.valid,
        electorate: bulletin.poll.electorate,
        min: s.min_group_size,
    };
    Ok((poll, sheet))
}

#[derive(Template)]
#[template(path = "congress/evaluations/sheet.html")]
struct SheetPage {
    c: Chrome,
    school: School,
    ev: Evaluation,
    poll: Poll,
    sh: Sheet,
}

pub(super) async fn sheet(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let ev = repo::get(&st.store, &school.id, &id).await?;
    let (poll, sh) = build_sheet(&st, &ctx, &school, &ev).await?;
    let title = ctx.tr.t("eval-sheet-title");
    render(&SheetPage { c: Chrome::new(&ctx, "evaluations", title), school, ev, poll, sh })
}

pub(super) async fn sheet_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    use jiaogong_office::xlsx_write::{self, OutCell, Table};
    let ev = repo::get(&st.store, &school.id, &id).await?;
    let (_, sh) = build_sheet(&st, &ctx, &school, &ev).await?;
    let t = |k: &str| ctx.tr.t(k);
    let mut headers = vec![t("eval-leader"), t("eval-post"), t("eval-n")];
    headers.extend(sh.grades.iter().cloned());
    headers.extend([t("eval-competent-rate"), t("eval-score"), t("eval-flag")]);
    let mut rows = Vec::new();
    let mut push = |r: &SheetRow, name: String| {
        let mut cells = vec![OutCell::Text(name), OutCell::Text(r.post.clone()), OutCell::Int(r.n as i64)];
        if r.withheld {
            cells.push(OutCell::Text(t("eval-withheld")));
        } else {
            cells.extend(r.counts.iter().map(|c| OutCell::Int(*c as i64)));
            cells.push(OutCell::Text(format!("{}%", r.rate)));
            cells.push(OutCell::Text(r.score.clone()));
            cells.push(OutCell::Text(if r.flagged { t("eval-flagged") } else { String::new() }));
        }
        rows.push(cells);
    };
    for r in &sh.rows {
        push(r, r.name.clone());
        for i in &r.items {
            push(i, format!("　{}", i.name));
        }
    }
    let bytes =
        xlsx_write::write_tables(&[Table { sheet_name: t("eval-sheet-title"), headers, rows, col_widths: vec![] }])
            .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::members::export::xlsx_response(&format!("{}.xlsx", ev.title), bytes))
}
