//! The roster reader through the import (issue 12, findings 5 and 6): what Excel shows is what
//! is imported, or the file is refused with a message that says what to do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

/// The API's answer to an import of `file`: status and JSON body.
async fn import(t: &common::TestApp, file: Vec<u8>, dry_run: bool) -> (StatusCode, serde_json::Value) {
    let uri = format!("/api/v1/schools/a/members/import?dry_run={dry_run}");
    let r = t.send(t.req("POST", &uri, Some(t.as_role("chair")), Body::from(file), None)).await;
    let status = r.status();
    (status, serde_json::from_str(&common::body_text(r).await).unwrap())
}

/// The stored member with this employee number, after a committed import.
async fn member(t: &common::TestApp, employee_no: &str) -> jiaogong_store::members::MemberDetail {
    let rows = jiaogong_store::members::list_all(&t.store, &t.school_a, &Default::default()).await.unwrap();
    rows.into_iter().find(|m| m.employee_no == employee_no).expect("the member was imported")
}

fn crafted(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../office/tests/corpus/crafted").join(name);
    std::fs::read(path).unwrap()
}

/// Imports a crafted roster (张三, T001, a department) and gives the stored department.
async fn department_of_crafted(name: &str) -> Option<String> {
    let t = common::app().await;
    let (status, v) = import(&t, crafted(name), false).await;
    assert_eq!(status, StatusCode::OK, "{name}: {v}");
    assert_eq!(v["created"], 1, "{name}: {v}");
    assert!(v["rejected"].as_array().unwrap().is_empty(), "{name}: {v}");
    let m = member(&t, "T001").await;
    assert_eq!(m.name, "张三", "{name}");
    m.department
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_an_empty_shared_string_value_leaves_the_department_empty() {
    // calamine 0.31 read string 0 there: the member's department became 姓名.
    assert_eq!(department_of_crafted("empty-shared-string-value.xlsx").await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_an_empty_si_does_not_shift_later_strings() {
    assert_eq!(department_of_crafted("empty-si.xlsx").await.as_deref(), Some("教务处"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_rich_text_after_a_plain_run_is_whole() {
    assert_eq!(department_of_crafted("rich-text-after-plain.xlsx").await.as_deref(), Some("教务处"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_cdata_in_an_inline_string_is_kept() {
    assert_eq!(department_of_crafted("inline-cdata.xlsx").await.as_deref(), Some("研发&测试<一>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_an_inline_string_workbook_is_read() {
    assert_eq!(department_of_crafted("inline-strings-only.xlsx").await.as_deref(), Some("教务处"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_a_namespace_prefixed_workbook_is_read() {
    assert_eq!(department_of_crafted("namespace-prefix-x.xlsx").await.as_deref(), Some("教务处"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_a_gbk_declared_sheet_is_read() {
    assert_eq!(department_of_crafted("gbk-declared-sheet.xlsx").await.as_deref(), Some("教务处"));
}

fn header(ws: &mut Worksheet, headers: &[&str]) {
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_date_cell_with_a_time_of_day_is_that_date() {
    let t = common::app().await;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    header(ws, &["姓名", "工号", "入职日期"]);
    ws.write_string(1, 0, "孙一").unwrap();
    ws.write_string(1, 1, "S1").unwrap();
    let when = ExcelDateTime::from_ymd(2020, 9, 1).unwrap().and_hms(14, 30, 0).unwrap();
    ws.write_datetime_with_format(1, 2, &when, &Format::new().set_num_format("yyyy-mm-dd hh:mm")).unwrap();
    let (status, v) = import(&t, wb.save_to_buffer().unwrap(), false).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["rejected"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(member(&t, "S1").await.joined_school.as_deref(), Some("2020-09-01"));
}

/// A workbook whose first, visible sheet holds filling-in instructions.
fn with_instructions(roster_headers: &[&str]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let help = wb.add_worksheet().set_name("填表说明").unwrap();
    help.write_string(0, 0, "填表说明").unwrap();
    help.write_string(1, 0, "1. 姓名、工号必填；身份证号一列请设为文本格式。").unwrap();
    help.write_string(2, 0, "2. 名册在下一个工作表。").unwrap();
    let ws = wb.add_worksheet().set_name("名册").unwrap();
    header(ws, roster_headers);
    ws.write_string(1, 0, "周一").unwrap();
    ws.write_string(1, 1, "Z1").unwrap();
    wb.save_to_buffer().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instructions_sheet_before_the_roster_is_passed_over() {
    let t = common::app().await;
    let (status, v) = import(&t, with_instructions(&["姓名", "工号"]), true).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["created"], 1, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_header_on_any_sheet_names_the_sheets_looked_at() {
    let t = common::app().await;
    let (status, v) = import(&t, with_instructions(&["名字甲", "编码乙"]), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("“填表说明”") && msg.contains("“名册”"), "{msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_protected_workbook_gets_its_own_message() {
    let t = common::app().await;
    // An Excel workbook saved with "Encrypt with password" (calamine's test file).
    let file = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../office/tests/corpus/real/calamine/pass_protected.xlsx"),
    )
    .unwrap();
    let (status, v) = import(&t, file, true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("密码保护") && msg.contains("取消密码"), "{msg}");
    assert!(!msg.contains("损坏") && !msg.contains("不是 .xlsx"), "{msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vertically_merged_cell_is_reported_on_every_row_it_spans() {
    let t = common::app().await;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    header(ws, &["姓名", "工号", "部门"]);
    for (r, (name, no)) in [("吴一", "W1"), ("吴二", "W2"), ("吴三", "W3")].iter().enumerate() {
        ws.write_string(r as u32 + 1, 0, *name).unwrap();
        ws.write_string(r as u32 + 1, 1, *no).unwrap();
    }
    // 部门 merged over rows 2 and 3: Excel shows 教务处 on both, the file holds it on row 2 only.
    ws.merge_range(1, 2, 2, 2, "教务处", &Format::new()).unwrap();
    ws.write_string(3, 2, "总务处").unwrap();
    let (status, v) = import(&t, wb.save_to_buffer().unwrap(), false).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["created"], 1, "{v}");
    let rejected = v["rejected"].as_array().unwrap();
    let rows: Vec<i64> = rejected.iter().map(|r| r["row"].as_i64().unwrap()).collect();
    assert_eq!(rows, [2, 3], "{v}");
    for r in rejected {
        assert_eq!(r["column"], "部门", "{v}");
        let reason = r["reason"].as_str().unwrap();
        assert!(reason.contains("第 2–3 行合并") && reason.contains("取消合并"), "{reason}");
    }
    let all = jiaogong_store::members::list_all(&t.store, &t.school_a, &Default::default()).await.unwrap();
    assert!(!all.iter().any(|m| m.employee_no == "W1" || m.employee_no == "W2"), "no row of the range is written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn free_text_keeps_chinese_punctuation_through_the_import() {
    let t = common::app().await;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    header(ws, &["姓名", "工号", "部门", "备注"]);
    ws.write_string(1, 0, "郑一").unwrap();
    ws.write_string(1, 1, "Ｚ－００９").unwrap();
    ws.write_string(1, 2, "教务处（高一、高二）").unwrap();
    ws.write_string(1, 3, "借调，返校：２０２６年９月").unwrap();
    let (status, v) = import(&t, wb.save_to_buffer().unwrap(), false).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["rejected"].as_array().unwrap().is_empty(), "{v}");
    // The employee number is an identifier and folds whole; free text keeps 、，（）：.
    let m = member(&t, "Z-009").await;
    assert_eq!(m.department.as_deref(), Some("教务处（高一、高二）"));
    assert_eq!(m.notes.as_deref(), Some("借调，返校：2026年9月"));
}
