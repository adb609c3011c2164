//! Timing of a 60,000 x 14 roster export and import. Run with
//! `cargo test --release -p jiaogong-office --test bench -- --ignored --nocapture`.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected results.

use std::time::Instant;

use chrono::NaiveDate;
use jiaogong_office::xlsx_read::{read_first_sheet, Limits};
use jiaogong_office::xlsx_write::{write_tables, OutCell, Table};

fn roster(rows: usize) -> Table {
    let headers = [
        "姓名",
        "工号",
        "性别",
        "出生日期",
        "身份证号",
        "手机号",
        "部门",
        "岗位",
        "职称",
        "入职日期",
        "入会日期",
        "工会小组",
        "状态",
        "备注",
    ];
    let day = |n: usize| NaiveDate::from_ymd_opt(1970 + (n % 40) as i32, 1 + (n % 12) as u32, 1 + (n % 28) as u32);
    let rows = (0..rows)
        .map(|i| {
            vec![
                OutCell::Text(format!("教师{i}")),
                OutCell::Text(format!("T{i:06}")),
                OutCell::Text(if i % 2 == 0 { "男" } else { "女" }.into()),
                day(i).map_or(OutCell::Empty, OutCell::Date),
                OutCell::Text(format!("11010119800101{i:04}")),
                OutCell::Int(13_800_000_000 + i as i64),
                OutCell::Text(format!("部门{}", i % 20)),
                OutCell::Text("教师".into()),
                OutCell::Text("一级教师".into()),
                day(i + 7).map_or(OutCell::Empty, OutCell::Date),
                day(i + 11).map_or(OutCell::Empty, OutCell::Date),
                OutCell::Text(format!("第{}小组", i % 30)),
                OutCell::Text("在职".into()),
                OutCell::Text(String::new()),
            ]
        })
        .collect();
    Table {
        sheet_name: "会员".into(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
        col_widths: vec![],
    }
}

#[test]
#[ignore = "timing; run in release"]
fn write_and_read_60000_by_14() {
    let table = roster(60_000);
    let t = Instant::now();
    let bytes = write_tables(std::slice::from_ref(&table)).unwrap();
    let write = t.elapsed();
    let t = Instant::now();
    let sheet = read_first_sheet(&bytes, &Limits::default()).unwrap();
    let read = t.elapsed();
    assert_eq!(sheet.rows.len(), 60_001);
    let t = Instant::now();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    for i in 0..zip.len() {
        std::io::copy(&mut zip.by_index(i).unwrap(), &mut std::io::sink()).unwrap();
    }
    println!("of which inflating once (the zip check): {:?}", t.elapsed());
    println!("60,000 x 14: write {write:?}, read {read:?}, file {} KiB", bytes.len() / 1024);
}
