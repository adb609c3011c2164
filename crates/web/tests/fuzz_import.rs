//! Property tests of the roster import end to end (parser, validation, matching): no input makes
//! it panic or fail internally, and every non-blank row is accounted for exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jiaogong_web::members::import::{run_import, Mode};
use jiaogong_web::platform::error::AppError;
use jiaogong_web::platform::i18n::Tr;
use proptest::prelude::*;
use rust_xlsxwriter::Workbook;

const HEADERS: [&str; 8] = ["姓名", "工号", "性别", "出生日期", "身份证号", "手机号", "工会小组", "状态"];

fn sheet(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[\\PC]{0,12}",
        "[0-9Xx１２３４５６７８９０]{0,19}",
        Just("11010519491231002X".to_string()),
        Just("2020年9月1日".to_string()),
        Just("男".to_string()),
        Just("在职会员".to_string()),
        Just("=HYPERLINK(\"x\")".to_string()),
        "1[3-9][0-9]{9}",
    ]
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_sheet_is_accounted_for_row_by_row(rows in prop::collection::vec(prop::collection::vec(cell(), 8), 0..25)) {
        let rt = runtime();
        let (report, non_blank) = rt.block_on(async {
            let t = common::app().await;
            let school = jiaogong_store::platform::tenancy::school(&t.store, "a").await.unwrap();
            let non_blank = rows.iter().filter(|r| r.iter().any(|c| !jiaogong_domain::platform::text::normalize(c).is_empty())).count();
            (run_import(&t.store, &Tr::default(), &school, &sheet(&rows), Mode::DryRun, "prop").await, non_blank)
        });
        let report = report.expect("a well-formed sheet never fails as a whole");
        let mut rejected_rows: Vec<u32> = report.rejected.iter().map(|r| r.row).collect();
        rejected_rows.dedup();
        prop_assert_eq!(report.created + report.updated + report.unchanged + rejected_rows.len(), non_blank);
        prop_assert!(!report.committed);
    }

    #[test]
    fn arbitrary_bytes_are_refused_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let rt = runtime();
        let r = rt.block_on(async {
            let t = common::app().await;
            let school = jiaogong_store::platform::tenancy::school(&t.store, "a").await.unwrap();
            run_import(&t.store, &Tr::default(), &school, &bytes, Mode::SkipRejected, "prop").await
        });
        prop_assert!(matches!(r, Err(AppError::BadInput { .. })), "{:?}", r.err());
    }

    #[test]
    fn mutated_workbooks_never_fail_internally(pos in 0usize..4096, byte in any::<u8>(), cut in 0usize..4096) {
        let valid = sheet(&[vec!["张三".into(), "T1".into(), "男".into(), "".into(), "".into(), "".into(), "语文组".into(), "".into()]]);
        let mut bytes = valid.clone();
        let p = pos % bytes.len();
        bytes[p] = byte;
        bytes.truncate(bytes.len() - cut % bytes.len());
        let rt = runtime();
        let r = rt.block_on(async {
            let t = common::app().await;
            let school = jiaogong_store::platform::tenancy::school(&t.store, "a").await.unwrap();
            run_import(&t.store, &Tr::default(), &school, &bytes, Mode::DryRun, "prop").await
        });
        prop_assert!(!matches!(r, Err(AppError::Internal(_))), "{:?}", r.err());
    }
}
