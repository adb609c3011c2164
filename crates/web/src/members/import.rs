//! The roster import (members.md "Excel import"): template, dry run with a per-row report,
//! commit (skip rejected rows, or all or nothing), the error report as .xlsx. The page and the
//! API share `run_import`: the sheet read here, the plan decided by the domain, applied by the store.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::members::import_plan::{PlannedUpdate, Rejection};
use jiaogong_domain::members::{self, Field, ImportRow, RosterColumns};
use jiaogong_office::xlsx_read::{self, CellValue, Limits, Sheet};
use jiaogong_office::xlsx_write;
use jiaogong_office::OfficeError;
use jiaogong_store::members as repo;
use jiaogong_store::platform::tenancy::{self, School};
use jiaogong_store::Store;
use serde::{Deserialize, Serialize};

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::i18n::Tr;
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/members/import", get(import_page))
        .add("POST", "/s/{school}/members/import", post(upload).layer(DefaultBodyLimit::max(IMPORT_MAX_BODY)))
        .add("POST", "/s/{school}/members/import/{stash}/commit", post(commit))
        .add("GET", "/s/{school}/members/import/{stash}/report", get(report_xlsx))
}

/// Largest roster upload, page and API alike (a 60,000-row roster is about 4 MB); axum's
/// default of 2 MB would refuse such a file before the handler sees it. The message of
/// `err-upload-too-large` names this limit.
pub const IMPORT_MAX_BODY: usize = crate::platform::ctx::MAX_BODY;

/// One rejected cell or row.
#[derive(Debug, Clone, Serialize)]
pub struct Rejected {
    pub row: u32,
    pub column: String,
    pub reason: String,
}

/// A row whose empty cells clear data a member has.
#[derive(Debug, Clone, Serialize)]
pub struct Cleared {
    pub row: u32,
    pub employee_no: String,
    pub columns: Vec<String>,
    /// The sentence the page shows.
    pub message: String,
}

/// What an import did, or would do.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<Rejected>,
    /// Updated rows that clear fields, so a dry run says so row by row.
    pub cleared: Vec<Cleared>,
    pub unknown_headers: Vec<String>,
    pub new_groups: Vec<String>,
    pub new_departments: Vec<String>,
    pub committed: bool,
}

impl ImportReport {
    /// Row numbers with their reasons joined, for the error report.
    pub fn reasons_by_row(&self) -> BTreeMap<u32, String> {
        let mut m: BTreeMap<u32, String> = BTreeMap::new();
        for r in &self.rejected {
            let line = if r.column.is_empty() { r.reason.clone() } else { format!("{}：{}", r.column, r.reason) };
            m.entry(r.row)
                .and_modify(|s| {
                    s.push('；');
                    s.push_str(&line);
                })
                .or_insert(line);
        }
        m
    }
}

/// How to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    DryRun,
    /// Write valid rows, skip rejected ones.
    SkipRejected,
    /// Write nothing if any row is rejected.
    AllOrNothing,
}

fn office_error(tr: &Tr, e: &jiaogong_office::error::OfficeError) -> AppError {
    let args: Vec<(&str, String)> = e.args().into_iter().collect();
    AppError::bad("bad_file", tr.ta(e.key(), &args))
}

/// A read roster: the sheet, the index of its header row and its columns.
pub type RosterSheet = (Sheet, usize, RosterColumns);

/// Reads the sheet and finds the header row and its columns.
pub fn read_roster(tr: &Tr, bytes: &[u8]) -> AppResult<RosterSheet> {
    // The first sheet with a header row: an instructions sheet before the roster is passed over.
    let found = xlsx_read::read_sheet_with_header(bytes, &Limits::default(), |h| Field::from_header(h).is_some(), 2)
        .map_err(|e| match e {
            OfficeError::NoHeader { sheets } => {
                AppError::bad("no_header", tr.t1("import-no-header", "sheets", &quoted(&sheets)))
            }
            e => office_error(tr, &e),
        })?;
    let (sheet, header_idx) = (found.sheet, found.header_idx);
    let headers: Vec<String> = sheet.rows[header_idx].cells.iter().map(|c| c.to_text()).collect();
    let cols = RosterColumns::from_headers(&headers).map_err(|missing| {
        let names: Vec<&str> = missing.iter().map(|f| f.header_zh()).collect();
        AppError::bad("missing_columns", tr.t1("import-missing-columns", "columns", &names.join("、")))
    })?;
    Ok((sheet, header_idx, cols))
}

/// Sheet names as a message shows them: “说明”、“名册”.
pub fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("“{n}”")).collect::<Vec<_>>().join("、")
}

/// The data rows of a read roster, for the import plan, with the cells merged over rows.
pub fn import_rows(sheet: &Sheet, header_idx: usize, cols: &RosterColumns) -> Vec<ImportRow> {
    let header_row = sheet.rows.get(header_idx).map_or(0, |r| r.number);
    let merged =
        cols.merged_cells(sheet.merged.iter().map(|m| (m.first_row, m.last_row, m.first_col, m.last_col)), header_row);
    sheet.rows[header_idx + 1..]
        .iter()
        .map(|row| ImportRow {
            number: row.number,
            raw: cols.raw(row.cells.iter().map(|c| c.to_text())),
            numbers: cols.flagged(row.cells.iter().map(|c| matches!(c, CellValue::Number(_)))),
            merged: merged.get(&row.number).cloned().unwrap_or_default(),
        })
        .collect()
}

/// One rejection in the reader's language.
pub fn rejected(tr: &Tr, r: &Rejection) -> Rejected {
    let args = r.problem.args();
    Rejected { row: r.row, column: r.field.header_zh().to_string(), reason: tr.ta(r.problem.key(), &args) }
}

fn cleared(tr: &Tr, u: &PlannedUpdate) -> Cleared {
    let columns: Vec<String> = u.cleared.iter().map(|f| f.header_zh().to_string()).collect();
    let args =
        [("row", u.row.to_string()), ("employee_no", u.member.employee_no.clone()), ("columns", columns.join("、"))];
    Cleared { row: u.row, employee_no: u.member.employee_no.clone(), message: tr.ta("import-cleared", &args), columns }
}

/// Validates, matches and (unless a dry run) writes the roster in one transaction.
pub async fn run_import(
    store: &Store,
    tr: &Tr,
    school: &School,
    bytes: &[u8],
    mode: Mode,
    actor: &str,
) -> AppResult<ImportReport> {
    let (sheet, header_idx, cols) = read_roster(tr, bytes)?;
    let existing = repo::import_existing(store, &school.id).await?;
    let groups: foldhash::HashSet<String> =
        tenancy::groups(store, &school.id).await?.into_iter().map(|g| g.name).collect();
    let depts: foldhash::HashSet<String> =
        tenancy::departments(store, &school.id).await?.into_iter().map(|d| d.1).collect();
    let today = chrono::Local::now().date_naive();
    let plan = members::plan_import(import_rows(&sheet, header_idx, &cols), &existing, &groups, &depts, today);
    drop(sheet);
    let mut report = ImportReport {
        created: plan.creates.len(),
        updated: plan.updates.len(),
        unchanged: plan.unchanged,
        rejected: plan.rejected.iter().map(|r| rejected(tr, r)).collect(),
        cleared: plan.updates.iter().filter(|u| !u.cleared.is_empty()).map(|u| cleared(tr, u)).collect(),
        unknown_headers: cols.unknown,
        new_groups: plan.new_groups.clone(),
        new_departments: plan.new_departments.clone(),
        committed: false,
    };
    let write = match mode {
        Mode::DryRun => false,
        Mode::SkipRejected => true,
        Mode::AllOrNothing => plan.rejected.is_empty(),
    };
    if write {
        repo::apply_import(store, &school.id, &plan, actor).await?;
        report.committed = true;
    }
    Ok(report)
}

#[derive(Template)]
#[template(path = "members/import.html")]
struct ImportPage {
    c: Chrome,
    school: School,
    report: Option<ImportReport>,
    stash: String,
    file_name: String,
    error: String,
}

async fn import_page(ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    let title = ctx.tr.t("import-title");
    render(&ImportPage {
        c: Chrome::new(&ctx, "members", title),
        school,
        report: None,
        stash: String::new(),
        file_name: String::new(),
        error: String::new(),
    })
}

/// Reads the uploaded file of a multipart form.
pub async fn file_from_multipart(tr: &Tr, mut mp: Multipart) -> AppResult<(String, Vec<u8>)> {
    // A body past the limit is "too large", never "no file chosen".
    let too_large_or = |e: axum::extract::multipart::MultipartError, other: AppError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            other
        }
    };
    while let Some(field) =
        mp.next_field().await.map_err(|e| too_large_or(e, AppError::bad("no_file", tr.t("import-no-file"))))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.xlsx").to_string();
            let bytes =
                field.bytes().await.map_err(|e| too_large_or(e, AppError::bad("no_file", tr.t("import-no-file"))))?;
            if bytes.is_empty() {
                return Err(AppError::bad("no_file", tr.t("import-no-file")));
            }
            return Ok((name, bytes.to_vec()));
        }
    }
    Err(AppError::bad("no_file", tr.t("import-no-file")))
}

async fn upload(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    mp: Multipart,
) -> AppResult<Response> {
    let title = ctx.tr.t("import-title");
    let (file_name, bytes) = match file_from_multipart(&ctx.tr, mp).await {
        Ok(f) => f,
        Err(e) => {
            let error = e.message(&ctx.tr);
            let mut r = render(&ImportPage {
                c: Chrome::new(&ctx, "members", title),
                school,
                report: None,
                stash: String::new(),
                file_name: String::new(),
                error,
            })?;
            *r.status_mut() = e.status();
            return Ok(r);
        }
    };
    let user = ctx.user()?.clone();
    match run_import(&st.store, &ctx.tr, &school, &bytes, Mode::DryRun, &user.username).await {
        Ok(report) => {
            let stash = repo::stash_upload(&st.store, &school.id, &user.id, &file_name, &bytes).await?;
            render(&ImportPage {
                c: Chrome::new(&ctx, "members", title),
                school,
                report: Some(report),
                stash,
                file_name,
                error: String::new(),
            })
        }
        Err(e @ AppError::BadInput { .. }) => {
            let error = e.message(&ctx.tr);
            let mut r = render(&ImportPage {
                c: Chrome::new(&ctx, "members", title),
                school,
                report: None,
                stash: String::new(),
                file_name,
                error,
            })?;
            *r.status_mut() = e.status();
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct CommitForm {
    #[serde(default)]
    all_or_nothing: Option<String>,
}

async fn commit(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, stash)): Path<(String, String)>,
    Form(f): Form<CommitForm>,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    // Taken, not read: a stash commits once.
    let (file_name, bytes) = repo::take_stashed_upload(&st.store, &school.id, &user.id, &stash).await?;
    let mode = if f.all_or_nothing.is_some() { Mode::AllOrNothing } else { Mode::SkipRejected };
    let report = run_import(&st.store, &ctx.tr, &school, &bytes, mode, &user.username).await?;
    if report.committed && report.rejected.is_empty() {
        return Ok(see_other(&format!("/s/{}/members", school.code)));
    }
    let title = ctx.tr.t("import-title");
    render(&ImportPage {
        c: Chrome::new(&ctx, "members", title),
        school,
        report: Some(report),
        stash,
        file_name,
        error: String::new(),
    })
}

async fn report_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, stash)): Path<(String, String)>,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let (_, bytes) = repo::stashed_upload(&st.store, &school.id, &user.id, &stash).await?;
    let report = run_import(&st.store, &ctx.tr, &school, &bytes, Mode::DryRun, &user.username).await?;
    let (sheet, header_idx, _) = read_roster(&ctx.tr, &bytes)?;
    let out =
        xlsx_write::write_error_report(&sheet, header_idx, &report.reasons_by_row(), &ctx.tr.t("import-error-column"))
            .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::members::export::xlsx_response("导入错误报告.xlsx", out))
}
