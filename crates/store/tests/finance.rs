//! Finance on every database: the hook other areas call makes one draft voucher per source;
//! vouchers are numbered per month without gaps or duplicates from two servers at once; review
//! and approval by other people, the committee threshold, immutability and reversing vouchers;
//! month and year closing; reports that balance; disclosure with questions; audit findings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use jiaogong_domain::finance::{ApprovalBlock, FindingKind, FinanceError, Line};
use jiaogong_domain::platform::money::Fen;
use jiaogong_store::finance::drafts::{self, DraftRequest};
use jiaogong_store::finance::{self as fin, FinError};
use jiaogong_store::Store;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn l(account: &str, debit: i64, credit: i64) -> Line {
    Line { account: account.into(), debit: Fen(debit), credit: Fen(credit) }
}

async fn prepare(store: &Store, school: &str, who: &str, date: &str, summary: &str, lines: &[Line]) -> Result<String, FinError> {
    let mut tx = store.begin().await.unwrap();
    let r = fin::prepare(&mut tx, &store.crypto, school, who, d(date), summary, "", lines).await;
    if r.is_ok() {
        jiaogong_store::commit(tx).await.unwrap();
    }
    r
}

async fn step(store: &Store, school: &str, who: &str, id: &str, approve: bool) -> Result<(), FinError> {
    let mut tx = store.begin().await.unwrap();
    let r = if approve {
        fin::approve(&mut tx, &store.crypto, school, who, id).await
    } else {
        fin::review(&mut tx, &store.crypto, school, who, id).await
    };
    // A refused approval is audited: commit either way.
    jiaogong_store::commit(tx).await.unwrap();
    r
}

on_every_db!(a_draft_appears_from_another_areas_call, |store, db| {
    let school = common::school(&store, "F1").await;
    let req = DraftRequest {
        school_id: &school,
        date: d("2026-03-10"),
        summary: "慰问住院教职工 张三",
        debit_account: "50405",
        credit_account: "102",
        amount: Fen(80_000),
        source_kind: "care_visit",
        source_id: "visit-1",
        link: "/care/visits/visit-1",
        needs_clearance: true,
    };
    let mut tx = store.begin().await.unwrap();
    let id = drafts::create_draft(&mut tx, &req).await.unwrap();
    let again = drafts::create_draft(&mut tx, &req).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(id, again, "a second call returns the first voucher");

    let mut tx = store.begin().await.unwrap();
    let info = drafts::draft_for_source(&mut tx, &school, "care_visit", "visit-1").await.unwrap().unwrap();
    assert_eq!(info, drafts::DraftInfo { voucher_id: id.clone(), state: "draft".into(), amount: Fen(80_000), cleared: false });
    let v = fin::voucher(&mut tx, Some(&school), &id).await.unwrap();
    assert_eq!(v.link, "/care/visits/visit-1");
    assert_eq!((v.period.as_str(), v.number), ("2026-03", 1));
    assert_eq!(v.lines.len(), 2);
    assert_eq!(v.lines[0].name, "送温暖");
    jiaogong_store::commit(tx).await.unwrap();

    // Awaiting clearance: reviewed, then refused, then cleared and approved.
    step(&store, &school, "finance2", &id, false).await.unwrap();
    let e = step(&store, &school, "chair", &id, true).await.unwrap_err();
    assert!(matches!(e, FinError::Blocked(ApprovalBlock::AwaitingClearance)));
    let mut tx = store.begin().await.unwrap();
    drafts::clear(&mut tx, &school, "care_visit", "visit-1", "chair", "超标准，经主席同意").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    step(&store, &school, "chair", &id, true).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let info = drafts::draft_for_source(&mut tx, &school, "care_visit", "visit-1").await.unwrap().unwrap();
    assert_eq!((info.state.as_str(), info.cleared), ("approved", true));
    assert!(drafts::draft_for_source(&mut tx, &school, "care_visit", "nope").await.unwrap().is_none());
    drop(tx);
});
