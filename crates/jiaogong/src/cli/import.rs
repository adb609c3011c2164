//! `jiaogong members import`: the roster workbook through the domain's import plan into the
//! store, with a dry run that says what would change.

use std::path::Path;
use std::process::ExitCode;

use super::{open, usage, Global};
use jiaogong_domain::members;

pub(super) async fn import(
    g: &Global,
    file: &Path,
    school: &str,
    dry_run: bool,
    all_or_nothing: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).map_err(|e| usage(format!("无法读取 {}：{e}", file.display())))?;
    let store = open(g).await?;
    let school = jiaogong_store::platform::tenancy::school(&store, school)
        .await
        .map_err(|_| usage(format!("找不到学校 {school}")))?;
    let tr = jiaogong_web::platform::i18n::Tr::default();
    let bad_file = |msg: String| usage(format!("{}：{msg}", file.display()));
    let limits = jiaogong_office::xlsx_read::Limits::default();
    // The first sheet with a header row: an instructions sheet before the roster is passed over.
    let found = jiaogong_office::xlsx_read::read_sheet_with_header(
        &bytes,
        &limits,
        |h| members::Field::from_header(h).is_some(),
        2,
    )
    .map_err(|e| match e {
        jiaogong_office::OfficeError::NoHeader { sheets } => {
            let names: Vec<String> = sheets.iter().map(|n| format!("“{n}”")).collect();
            bad_file(tr.t1("import-no-header", "sheets", &names.join("、")))
        }
        e => {
            let args = e.args();
            bad_file(tr.ta(e.key(), &args))
        }
    })?;
    let (sheet, header_idx) = (found.sheet, found.header_idx);
    let headers: Vec<String> = sheet.rows[header_idx].cells.iter().map(|c| c.to_text()).collect();
    let cols = members::RosterColumns::from_headers(&headers).map_err(|missing| {
        let names: Vec<&str> = missing.iter().map(|f| f.header_zh()).collect();
        bad_file(tr.t1("import-missing-columns", "columns", &names.join("、")))
    })?;
    let header_row = sheet.rows.get(header_idx).map_or(0, |r| r.number);
    let merged =
        cols.merged_cells(sheet.merged.iter().map(|m| (m.first_row, m.last_row, m.first_col, m.last_col)), header_row);
    let rows: Vec<members::ImportRow> = sheet.rows[header_idx + 1..]
        .iter()
        .map(|row| members::ImportRow {
            number: row.number,
            raw: cols.raw(row.cells.iter().map(|c| c.to_text())),
            numbers: cols
                .flagged(row.cells.iter().map(|c| matches!(c, jiaogong_office::xlsx_read::CellValue::Number(_)))),
            merged: merged.get(&row.number).cloned().unwrap_or_default(),
        })
        .collect();
    drop(sheet);
    let existing = jiaogong_store::members::import_existing(&store, &school.id).await?;
    let groups =
        jiaogong_store::platform::tenancy::groups(&store, &school.id).await?.into_iter().map(|g| g.name).collect();
    let depts =
        jiaogong_store::platform::tenancy::departments(&store, &school.id).await?.into_iter().map(|d| d.1).collect();
    let plan = members::plan_import(rows, &existing, &groups, &depts, chrono::Local::now().date_naive());
    let write = !dry_run && (!all_or_nothing || plan.rejected.is_empty());
    if write {
        jiaogong_store::members::apply_import(&store, &school.id, &plan, "cli").await?;
    }
    let report = CliReport {
        created: plan.creates.len(),
        updated: plan.updates.len(),
        unchanged: plan.unchanged,
        rejected: plan
            .rejected
            .iter()
            .map(|r| {
                let args = r.problem.args();
                serde_json::json!({"row": r.row, "column": r.field.header_zh(), "reason": tr.ta(r.problem.key(), &args)})
            })
            .collect(),
        committed: write,
    };
    if json {
        let v = serde_json::json!({"created": report.created, "updated": report.updated, "unchanged": report.unchanged, "rejected": report.rejected, "committed": report.committed});
        out!("{v}");
    } else {
        out!(
            "{}：新增 {}，更新 {}，不变 {}，拒绝 {}",
            if report.committed { "已导入" } else { "预检" },
            report.created,
            report.updated,
            report.unchanged,
            report.rejected.len()
        );
        for r in &report.rejected {
            out!("  第 {} 行 {}：{}", r["row"], r["column"].as_str().unwrap_or(""), r["reason"].as_str().unwrap_or(""));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What `members import` did, or would do.
struct CliReport {
    created: usize,
    updated: usize,
    unchanged: usize,
    rejected: Vec<serde_json::Value>,
    committed: bool,
}
