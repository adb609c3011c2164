//! The roster import (members.md "Excel import"): template, dry run with a per-row report,
//! commit (skip rejected rows, or all or nothing), the error report as .xlsx. The same
//! `run_import` serves the page, the API and the CLI.

use std::collections::{BTreeMap, HashMap, HashSet};

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::members::{self, Field, MemberInput, RawMember};
use jiaogong_office::xlsx_read::{self, Limits, Sheet};
use jiaogong_office::xlsx_write;
use jiaogong_store::audit::{self, Event};
use jiaogong_store::members as repo;
use jiaogong_store::tenancy::{self, School};
use jiaogong_store::Store;
use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/members/import", get(import_page))
        .add("POST", "/s/{school}/members/import", post(upload))
        .add("POST", "/s/{school}/members/import/{stash}/commit", post(commit))
        .add("GET", "/s/{school}/members/import/{stash}/report", get(report_xlsx))
}

/// One rejected cell or row.
#[derive(Debug, Clone, Serialize)]
pub struct Rejected {
    pub row: u32,
    pub column: String,
    pub reason: String,
}

/// What an import did, or would do.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<Rejected>,
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

/// Reads the sheet and finds the header row and its columns.
/// A read roster: the sheet, the index of its header row, the field of each column, and the
/// headers that were not recognised.
pub type RosterSheet = (Sheet, usize, Vec<Option<Field>>, Vec<String>);

pub fn read_roster(tr: &Tr, bytes: &[u8]) -> AppResult<RosterSheet> {
    let sheet = xlsx_read::read_first_sheet(bytes, &Limits::default()).map_err(|e| office_error(tr, &e))?;
    let header_idx = xlsx_read::find_header_row(&sheet, |h| Field::from_header(h).is_some(), 2)
        .ok_or_else(|| AppError::bad("no_header", tr.t("import-no-header")))?;
    let mut cols = Vec::new();
    let mut unknown = Vec::new();
    let mut seen = HashSet::new();
    for cell in &sheet.rows[header_idx].cells {
        let text = cell.to_text();
        let f = Field::from_header(&text);
        match f {
            Some(f) if seen.insert(f) => cols.push(Some(f)),
            _ => {
                if !text.trim().is_empty() {
                    unknown.push(text.trim().to_string());
                }
                cols.push(None);
            }
        }
    }
    let missing: Vec<String> = [Field::Name, Field::EmployeeNo]
        .iter()
        .filter(|f| !seen.contains(f))
        .map(|f| f.header_zh().to_string())
        .collect();
    if !missing.is_empty() {
        return Err(AppError::bad("missing_columns", tr.t1("import-missing-columns", "columns", &missing.join("、"))));
    }
    Ok((sheet, header_idx, cols, unknown))
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
    let (sheet, header_idx, cols, unknown) = read_roster(tr, bytes)?;
    let mut report = ImportReport { unknown_headers: unknown, ..Default::default() };
    let (existing, by_id_index) = repo::import_keys(store, &school.id).await?;
    // Hashed once or more per row: a fast hasher (the keys come from the chair's own file).
    let groups: foldhash::HashSet<String> =
        tenancy::groups(store, &school.id).await?.into_iter().map(|g| g.name).collect();
    let depts: foldhash::HashSet<String> =
        tenancy::departments(store, &school.id).await?.into_iter().map(|d| d.1).collect();
    let mut new_groups = BTreeMap::new();
    let mut new_depts = BTreeMap::new();
    let rows = sheet.rows.len().saturating_sub(header_idx + 1);
    let mut seen_no: foldhash::HashMap<String, u32> =
        foldhash::HashMap::with_capacity_and_hasher(rows, Default::default());
    let mut seen_id: foldhash::HashMap<String, u32> =
        foldhash::HashMap::with_capacity_and_hasher(rows, Default::default());
    let mut creates: Vec<MemberInput> = Vec::new();
    let mut updates: Vec<(String, MemberInput)> = Vec::new();
    let c = &store.crypto;
    for row in &sheet.rows[header_idx + 1..] {
        let mut raw = RawMember::new();
        for (i, cell) in row.cells.iter().enumerate() {
            if let Some(Some(f)) = cols.get(i) {
                raw = raw.with(*f, cell.to_text());
            }
        }
        if raw.is_blank() {
            continue;
        }
        let mut input = match members::validate_member(&raw) {
            Ok(m) => m,
            Err(errs) => {
                for (f, e) in errs {
                    report.rejected.push(Rejected {
                        row: row.number,
                        column: f.header_zh().to_string(),
                        reason: tr.validation(&e),
                    });
                }
                continue;
            }
        };
        if let Some(first) = seen_no.insert(input.employee_no.clone(), row.number) {
            report.rejected.push(Rejected {
                row: row.number,
                column: Field::EmployeeNo.header_zh().into(),
                reason: tr.t1("import-duplicate-in-file", "row", &first.to_string()),
            });
            continue;
        }
        let idx = input.id_number.as_ref().map(|i| repo::id_index_of(c, &school.id, i.as_str()));
        if let Some(idx) = &idx {
            if let Some(first) = seen_id.insert(idx.clone(), row.number) {
                report.rejected.push(Rejected {
                    row: row.number,
                    column: Field::IdNumber.header_zh().into(),
                    reason: tr.t1("import-duplicate-in-file", "row", &first.to_string()),
                });
                continue;
            }
        }
        // Match by employee number, else by ID number.
        let matched = match existing.get(&input.employee_no) {
            Some(e) => {
                if let Some(other_no) = idx.as_ref().and_then(|i| by_id_index.get(i)) {
                    if *other_no != input.employee_no {
                        report.rejected.push(Rejected {
                            row: row.number,
                            column: Field::IdNumber.header_zh().into(),
                            reason: tr.t1("import-id-belongs-to", "employee_no", other_no),
                        });
                        continue;
                    }
                }
                Some(e)
            }
            None => idx.as_ref().and_then(|i| by_id_index.get(i)).and_then(|no| existing.get(no)),
        };
        if let Some(g) = &input.group {
            if !groups.contains(g) {
                new_groups.entry(g.clone()).or_insert(());
            }
        }
        if let Some(d) = &input.department {
            if !depts.contains(d) {
                new_depts.entry(d.clone()).or_insert(());
            }
        }
        match matched {
            Some(e) => {
                // Status changes are events recorded on the member page, not import updates.
                if let Some(s) = members::MemberStatus::from_code(&e.status) {
                    input.status = s;
                }
                if repo::fingerprint_of(c, &school.id, &input) == e.fingerprint {
                    report.unchanged += 1;
                } else {
                    report.updated += 1;
                    updates.push((e.id.clone(), input));
                }
            }
            None => {
                report.created += 1;
                creates.push(input);
            }
        }
    }
    report.rejected.sort_by_key(|r| r.row);
    report.new_groups = new_groups.into_keys().collect();
    report.new_departments = new_depts.into_keys().collect();
    let write = match mode {
        Mode::DryRun => false,
        Mode::SkipRejected => true,
        Mode::AllOrNothing => report.rejected.is_empty(),
    };
    if !write {
        return Ok(report);
    }
    let mut tx = store.begin().await?;
    let mut group_ids: HashMap<String, String> = HashMap::new();
    let mut dept_ids: HashMap<String, String> = HashMap::new();
    let resolve = |m: &MemberInput| (m.group.clone(), m.department.clone());
    let mut rows = Vec::with_capacity(creates.len());
    for m in creates {
        let (g, d) = resolve(&m);
        let gid = match g {
            Some(g) => Some(group_id(&mut tx, &school.id, &g, &mut group_ids).await?),
            None => None,
        };
        let did = match d {
            Some(d) => Some(dept_id(&mut tx, &school.id, &d, &mut dept_ids).await?),
            None => None,
        };
        rows.push((m, gid, did));
    }
    // Created rows carry origin 'import'; their history line comes from that, not a row each.
    repo::insert_many(store, &mut tx, &school.id, &rows).await?;
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    for (id, m) in &updates {
        let (g, d) = resolve(m);
        let gid = match g {
            Some(g) => Some(group_id(&mut tx, &school.id, &g, &mut group_ids).await?),
            None => None,
        };
        let did = match d {
            Some(d) => Some(dept_id(&mut tx, &school.id, &d, &mut dept_ids).await?),
            None => None,
        };
        repo::update(&mut tx, c, &school.id, id, m, gid.as_deref(), did.as_deref()).await?;
        repo::record_event(
            &mut tx,
            &school.id,
            id,
            members::MemberEventKind::Update,
            m.status,
            None,
            &today,
            "",
            "imported",
            actor,
        )
        .await?;
    }
    let detail = serde_json::json!({"created": report.created, "updated": report.updated, "unchanged": report.unchanged, "rejected": report.rejected.len()}).to_string();
    audit::append(&mut tx, c, &Event::new(Some(&school.id), actor, "member.import", &school.id).detail(detail)).await?;
    jiaogong_store::commit(tx).await?;
    report.committed = true;
    Ok(report)
}

async fn group_id(
    tx: &mut jiaogong_store::Tx,
    school: &str,
    name: &str,
    cache: &mut HashMap<String, String>,
) -> Result<String, jiaogong_store::StoreError> {
    if let Some(id) = cache.get(name) {
        return Ok(id.clone());
    }
    let id = match tenancy::group_id_by_name(tx, school, name).await? {
        Some(id) => id,
        None => tenancy::create_group(tx, school, name, name.contains("退休")).await?,
    };
    cache.insert(name.to_string(), id.clone());
    Ok(id)
}

async fn dept_id(
    tx: &mut jiaogong_store::Tx,
    school: &str,
    name: &str,
    cache: &mut HashMap<String, String>,
) -> Result<String, jiaogong_store::StoreError> {
    if let Some(id) = cache.get(name) {
        return Ok(id.clone());
    }
    let id = tenancy::department_id(tx, school, name, true).await?.unwrap_or_default();
    cache.insert(name.to_string(), id.clone());
    Ok(id)
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
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload.xlsx").to_string();
            let bytes = field.bytes().await.map_err(|_| AppError::TooLarge)?;
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
    let (file_name, bytes) = repo::stashed_upload(&st.store, &school.id, &user.id, &stash).await?;
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
    let (sheet, header_idx, _, _) = read_roster(&ctx.tr, &bytes)?;
    let out =
        xlsx_write::write_error_report(&sheet, header_idx, &report.reasons_by_row(), &ctx.tr.t("import-error-column"))
            .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::export::xlsx_response("导入错误报告.xlsx", out))
}
