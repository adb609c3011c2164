use super::*;
use crate::members::MemberStatus;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

const HEADERS: [&str; 5] = ["姓名", "工号", "身份证号", "部门", "工会小组"];

fn row(number: u32, cells: [&str; 5]) -> ImportRow {
    let cols = RosterColumns::from_headers(&HEADERS).unwrap();
    ImportRow { number, raw: cols.raw(cells), numbers: Vec::new(), merged: Vec::new() }
}

fn existing(id: &str, cells: [&str; 5]) -> ExistingMember {
    let cols = RosterColumns::from_headers(&HEADERS).unwrap();
    ExistingMember { id: id.into(), member: validate_member_at(&cols.raw(cells), today()).unwrap() }
}

fn plan(rows: Vec<ImportRow>, existing: &[ExistingMember]) -> ImportPlan {
    let groups = ["语文组".to_string()].into_iter().collect();
    let depts = ["教务处".to_string()].into_iter().collect();
    plan_import(rows, existing, &groups, &depts, today())
}

const ID_A: &str = "11010519491231002X";
const ID_B: &str = "110105194912310011";

#[test]
fn columns_require_name_and_employee_number() {
    assert_eq!(RosterColumns::from_headers(&["姓名", "部门"]), Err(vec![Field::EmployeeNo]));
    let cols = RosterColumns::from_headers(&["工号", "姓名", "籍贯", "姓名"]).unwrap();
    assert_eq!(cols.fields, vec![Some(Field::EmployeeNo), Some(Field::Name), None, None]);
    assert_eq!(cols.unknown, vec!["籍贯".to_string(), "姓名".to_string()]);
}

#[test]
fn new_rows_are_created_and_blank_rows_skipped() {
    let p = plan(vec![row(2, ["张三", "T1", ID_A, "教务处", "语文组"]), row(3, ["", "", "", "", ""])], &[]);
    assert_eq!(p.creates.len(), 1);
    assert_eq!((p.updates.len(), p.unchanged, p.rejected.len()), (0, 0, 0));
}

#[test]
fn matches_by_employee_number_then_by_id_number() {
    let old = [existing("m1", ["张三", "T1", ID_A, "教务处", "语文组"])];
    let p = plan(vec![row(2, ["张三", "T1", ID_A, "教务处", "语文组"])], &old);
    assert_eq!((p.unchanged, p.updates.len(), p.creates.len()), (1, 0, 0));
    // A new employee number with a known ID number renumbers that member.
    let p = plan(vec![row(2, ["张三", "T9", ID_A, "教务处", "语文组"])], &old);
    assert_eq!(p.updates.len(), 1);
    assert_eq!(p.updates[0].id, "m1");
    assert_eq!(p.updates[0].member.employee_no, "T9");
}

#[test]
fn an_update_keeps_the_stored_status() {
    let mut old = existing("m1", ["张三", "T1", ID_A, "教务处", "语文组"]);
    old.member.status = MemberStatus::Retired;
    let p = plan(vec![row(2, ["张三", "T1", ID_A, "教务处", "语文组"])], &[old]);
    assert_eq!(p.unchanged, 1);
}

#[test]
fn duplicates_in_the_file_are_rejected_on_the_later_row() {
    let p = plan(
        vec![
            row(2, ["张三", "T1", ID_A, "", ""]),
            row(3, ["李四", "T1", "", "", ""]),
            row(4, ["王五", "T2", ID_A, "", ""]),
        ],
        &[],
    );
    assert_eq!(p.creates.len(), 1);
    assert_eq!(
        p.rejected,
        vec![
            Rejection { row: 3, field: Field::EmployeeNo, problem: Problem::DuplicateInFile { first_row: 2 } },
            Rejection { row: 4, field: Field::IdNumber, problem: Problem::DuplicateInFile { first_row: 2 } },
        ]
    );
}

#[test]
fn an_id_number_of_another_member_is_rejected() {
    let old = [existing("m1", ["张三", "T1", ID_A, "", ""]), existing("m2", ["李四", "T2", ID_B, "", ""])];
    let p = plan(vec![row(5, ["李四", "T2", ID_A, "", ""])], &old);
    assert_eq!(
        p.rejected,
        vec![Rejection { row: 5, field: Field::IdNumber, problem: Problem::IdBelongsTo { employee_no: "T1".into() } }]
    );
}

#[test]
fn unknown_groups_and_departments_are_listed_once() {
    let p =
        plan(vec![row(2, ["张三", "T1", "", "总务处", "数学组"]), row(3, ["李四", "T2", "", "总务处", "语文组"])], &[]);
    assert_eq!(p.new_groups, vec!["数学组".to_string()]);
    assert_eq!(p.new_departments, vec!["总务处".to_string()]);
}

#[test]
fn invalid_rows_report_every_field() {
    let p = plan(vec![row(7, ["", "T1", "123", "", ""])], &[]);
    let fields: Vec<Field> = p.rejected.iter().map(|r| r.field).collect();
    assert_eq!(fields, vec![Field::Name, Field::IdNumber]);
    assert!(p.creates.is_empty());
}

fn full(cells: [&str; 6]) -> RawMember {
    let cols = RosterColumns::from_headers(&["姓名", "工号", "身份证号", "手机号", "岗位", "部门"]).unwrap();
    cols.raw(cells)
}

#[test]
fn an_absent_column_keeps_the_field() {
    let stored = validate_member_at(&full(["张三", "T1", ID_A, "13800138000", "临时聘用", "教务处"]), today()).unwrap();
    let old = [ExistingMember { id: "m1".into(), member: stored }];
    // The file has no ID, phone or post column: those fields stay as they are.
    let cols = RosterColumns::from_headers(&["姓名", "工号", "部门"]).unwrap();
    let p = plan_import(
        vec![ImportRow {
            number: 2, raw: cols.raw(["张三", "T1", "教务处"]), numbers: Vec::new(), merged: Vec::new()
        }],
        &old,
        &Default::default(),
        &Default::default(),
        today(),
    );
    assert_eq!((p.unchanged, p.updates.len()), (1, 0), "{p:?}");
    // A changed department updates only that field.
    let p = plan_import(
        vec![ImportRow {
            number: 2, raw: cols.raw(["张三", "T1", "总务处"]), numbers: Vec::new(), merged: Vec::new()
        }],
        &old,
        &Default::default(),
        &Default::default(),
        today(),
    );
    let u = &p.updates[0];
    assert_eq!(u.member.department.as_deref(), Some("总务处"));
    assert_eq!(u.member.id_number, old[0].member.id_number);
    assert_eq!(u.member.phone, old[0].member.phone);
    assert!(u.member.is_temporary);
    assert!(u.cleared.is_empty());
}

#[test]
fn an_empty_cell_clears_the_field_and_the_plan_says_so() {
    let stored = validate_member_at(&full(["张三", "T1", ID_A, "13800138000", "临时聘用", "教务处"]), today()).unwrap();
    let old = [ExistingMember { id: "m1".into(), member: stored }];
    let p = plan_import(
        vec![ImportRow {
            number: 4,
            raw: full(["张三", "T1", ID_A, "", "", "教务处"]),
            numbers: Vec::new(),
            merged: Vec::new(),
        }],
        &old,
        &Default::default(),
        &Default::default(),
        today(),
    );
    let u = &p.updates[0];
    assert_eq!(u.member.phone, None);
    assert!(!u.member.is_temporary);
    assert_eq!(u.cleared, vec![Field::Phone, Field::Post]);
}

#[test]
fn an_id_number_in_a_number_cell_is_rejected_even_when_it_reads_valid() {
    let mut r = row(2, ["张三", "T1", ID_B, "", ""]);
    r.numbers = vec![Field::IdNumber];
    let p = plan(vec![r], &[]);
    assert!(p.creates.is_empty());
    assert_eq!(p.rejected, vec![Rejection { row: 2, field: Field::IdNumber, problem: Problem::IdAsNumber }]);
}

#[test]
fn a_cell_merged_over_rows_rejects_every_row_it_spans() {
    let cols = RosterColumns::from_headers(&HEADERS).unwrap();
    // 部门 (column D) merged over rows 2 to 3; a one-row range across columns is no problem, nor
    // a range above the header (row 1).
    let merged = cols.merged_cells([(2, 3, 3, 3), (4, 4, 0, 1), (1, 1, 0, 4)], 1);
    assert_eq!(merged.keys().copied().collect::<Vec<_>>(), [2, 3]);
    let rows: Vec<ImportRow> = [
        row(2, ["张三", "T1", "", "教务处", "语文组"]),
        row(3, ["李四", "T2", "", "", "语文组"]),
        row(4, ["王五", "T3", "", "教务处", "语文组"]),
    ]
    .into_iter()
    .map(|mut r| {
        r.merged = merged.get(&r.number).cloned().unwrap_or_default();
        r
    })
    .collect();
    let p = plan(rows, &[]);
    assert_eq!(p.creates.len(), 1, "only the row outside the range is written");
    assert_eq!(p.creates[0].employee_no, "T3");
    let problem = Problem::MergedCell { first_row: 2, last_row: 3 };
    assert_eq!(
        p.rejected,
        [
            Rejection { row: 2, field: Field::Department, problem: problem.clone() },
            Rejection { row: 3, field: Field::Department, problem },
        ]
    );
    assert_eq!(p.rejected[0].problem.key(), "import-merged-cell");
    assert_eq!(p.rejected[0].problem.args(), [("first_row", "2".to_string()), ("last_row", "3".to_string())]);
}
