//! Finance on every database: the hook other areas call makes one draft voucher per source;
//! vouchers are numbered per month without gaps or duplicates from two servers at once; review
//! and approval by other people, the committee threshold, immutability and reversing vouchers;
//! month and year closing; reports that balance; disclosure with questions; audit findings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use jiaogong_domain::finance::{ApprovalBlock, FinanceError, FindingKind, Line};
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

async fn prepare(
    store: &Store,
    school: &str,
    who: &str,
    date: &str,
    summary: &str,
    lines: &[Line],
) -> Result<String, FinError> {
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
    assert_eq!(
        info,
        drafts::DraftInfo { voucher_id: id.clone(), state: "draft".into(), amount: Fen(80_000), cleared: false }
    );
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

on_every_db!(vouchers_are_reviewed_and_approved_by_others_and_stay_immutable, |store, db| {
    let school = common::school(&store, "F2").await;
    let other = common::school(&store, "F3").await;
    // Unbalanced, unknown account, empty summary: refused, nothing written.
    let e = prepare(&store, &school, "fin", "2026-04-02", "购买奖品", &[l("50102", 10_000, 0), l("102", 0, 9_000)])
        .await
        .unwrap_err();
    assert!(matches!(e, FinError::Rule(FinanceError::Unbalanced { .. })));
    let e = prepare(&store, &school, "fin", "2026-04-02", "购买奖品", &[l("999", 10_000, 0), l("102", 0, 10_000)])
        .await
        .unwrap_err();
    assert!(matches!(e, FinError::Rule(FinanceError::UnknownAccount { .. })));
    let mut tx = store.begin().await.unwrap();
    assert!(fin::list(&mut tx, &school, "2026-01-01", "2026-12-31", None).await.unwrap().is_empty());
    drop(tx);

    let small =
        prepare(&store, &school, "fin", "2026-04-02", "购买奖品", &[l("50102", 10_000, 0), l("102", 0, 10_000)])
            .await
            .unwrap();
    assert!(matches!(
        step(&store, &school, "fin", &small, false).await,
        Err(FinError::Blocked(ApprovalBlock::OwnVoucher))
    ));
    assert!(matches!(
        step(&store, &school, "chair", &small, true).await,
        Err(FinError::Blocked(ApprovalBlock::NotReviewed))
    ));
    step(&store, &school, "auditor", &small, false).await.unwrap();
    assert!(matches!(
        step(&store, &school, "fin", &small, true).await,
        Err(FinError::Blocked(ApprovalBlock::OwnVoucher))
    ));
    // A forged approval from another school finds nothing.
    assert!(matches!(
        step(&store, &other, "chair", &small, true).await,
        Err(FinError::Store(jiaogong_store::StoreError::NotFound))
    ));
    step(&store, &school, "chair", &small, true).await.unwrap();
    // Approved: immutable.
    let mut tx = store.begin().await.unwrap();
    let e = fin::edit(&mut tx, &store.crypto, &school, "fin", &small, "改", "", &[l("50102", 1, 0), l("102", 0, 1)])
        .await
        .unwrap_err();
    assert!(matches!(e, FinError::Blocked(ApprovalBlock::AlreadyApproved)));
    drop(tx);

    // Above 5,000 元: a committee decision first.
    let big =
        prepare(&store, &school, "fin", "2026-04-05", "教职工运动会", &[l("50102", 600_000, 0), l("102", 0, 600_000)])
            .await
            .unwrap();
    step(&store, &school, "auditor", &big, false).await.unwrap();
    assert!(matches!(
        step(&store, &school, "chair", &big, true).await,
        Err(FinError::Blocked(ApprovalBlock::NeedsDecision))
    ));
    let mut tx = store.begin().await.unwrap();
    fin::record_decision(
        &mut tx,
        &store.crypto,
        &school,
        "chair",
        &big,
        d("2026-04-03"),
        "主席、委员5人",
        "同意举办运动会",
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    step(&store, &school, "chair", &big, true).await.unwrap();

    // A correction is a reversing voucher linked to the original.
    let mut tx = store.begin().await.unwrap();
    let rev = fin::reverse(&mut tx, &store.crypto, &school, "fin", &small, d("2026-04-20")).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let r = fin::voucher(&mut tx, Some(&school), &rev).await.unwrap();
    assert_eq!(r.reverses_id.as_deref(), Some(small.as_str()));
    assert_eq!((r.lines[0].debit, r.lines[0].credit), (Fen(0), Fen(10_000)));
    assert_eq!(r.number, 3);
    drop(tx);
});

on_every_db!(numbers_have_no_gap_or_duplicate_with_two_servers, |store, db| {
    let school = common::school(&store, "F4").await;
    let second = db.second_server().await;
    let mut handles = Vec::new();
    for i in 0..40 {
        let s = if i % 2 == 0 { store.clone() } else { second.clone() };
        let school = school.clone();
        handles.push(tokio::spawn(async move {
            loop {
                let mut tx = s.begin().await.unwrap();
                let r = fin::prepare(
                    &mut tx,
                    &s.crypto,
                    &school,
                    &format!("p{i}"),
                    d("2026-05-06"),
                    "办公用品",
                    "",
                    &[l("50504", 100, 0), l("101", 0, 100)],
                )
                .await;
                match r {
                    Ok(_) => match jiaogong_store::commit(tx).await {
                        Ok(()) => return,
                        Err(_) => continue,
                    },
                    // SQLite busy or a PostgreSQL serialisation failure: try again, as a server would.
                    Err(_) => continue,
                }
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let mut tx = store.begin().await.unwrap();
    let mut numbers: Vec<i64> =
        fin::list(&mut tx, &school, "2026-05-01", "2026-05-31", None).await.unwrap().iter().map(|v| v.number).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=40).collect::<Vec<i64>>());
    let f = fin::audit_findings(&mut tx, &school, "2026-05-01", "2026-05-31").await.unwrap();
    assert!(!f.iter().any(|f| f.kind == FindingKind::NumberingGap));
    drop(tx);
    second.close().await;
});

async fn approved(store: &Store, school: &str, date: &str, summary: &str, lines: &[Line]) -> String {
    let id = prepare(store, school, "fin", date, summary, lines).await.unwrap();
    step(store, school, "auditor", &id, false).await.unwrap();
    step(store, school, "chair", &id, true).await.unwrap();
    id
}

on_every_db!(closing_reports_and_disclosure, |store, db| {
    let school = common::school(&store, "F5").await;
    approved(&store, &school, "2026-01-10", "会费收入", &[l("102", 300_000, 0), l("401", 0, 300_000)]).await;
    approved(&store, &school, "2026-02-10", "拨缴经费", &[l("102", 400_000, 0), l("402", 0, 400_000)]).await;
    let care =
        approved(&store, &school, "2026-02-12", "慰问住院教职工", &[l("50405", 50_000, 0), l("102", 0, 50_000)]).await;
    approved(&store, &school, "2026-03-01", "羽毛球赛奖品", &[l("50102", 80_000, 0), l("101", 0, 80_000)]).await;

    let mut tx = store.begin().await.unwrap();
    let ie = fin::income_statement(&mut tx, &school, "2026-01-01", "2026-06-30").await.unwrap();
    assert_eq!((ie.total_income, ie.total_expense, ie.surplus), (700_000, 130_000, 570_000));
    assert!(ie.income.iter().any(|f| f.code == "401" && f.name == "会费收入" && f.amount == 300_000));
    let bs = fin::balance_statement(&mut tx, &school, "2026-06-30").await.unwrap();
    assert!(bs.balanced);
    assert_eq!(bs.total_assets, 570_000);
    let ledger = fin::ledger(&mut tx, &school, "102", "2026-01-01", "2026-12-31").await.unwrap();
    assert_eq!(ledger.last().unwrap().balance, 650_000);
    // Closing out of order is refused; in order it works, and the month then accepts nothing.
    let e = fin::close_month(&mut tx, &store.crypto, &school, "fin", "2026-02").await.unwrap_err();
    assert!(e.to_string().contains("2026-01"));
    for m in ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"] {
        fin::close_month(&mut tx, &store.crypto, &school, "fin", m).await.unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();
    let e = prepare(&store, &school, "fin", "2026-02-15", "补录", &[l("50102", 100, 0), l("101", 0, 100)])
        .await
        .unwrap_err();
    assert!(matches!(e, FinError::Rule(FinanceError::PeriodClosed { .. })));
    let mut tx = store.begin().await.unwrap();
    let e = fin::reverse(&mut tx, &store.crypto, &school, "fin", &care, d("2026-02-20")).await.unwrap_err();
    assert!(matches!(e, FinError::Rule(FinanceError::PeriodClosed { .. })));
    drop(tx);

    // The disclosure: figures from the closed half year, care aggregated.
    let member = common::member("王老师", "T001", None, None, None);
    let mut tx = store.begin().await.unwrap();
    jiaogong_store::members::insert_many(&store, &mut tx, &school, &[(member, None, None)]).await.unwrap();
    assert!(fin::disclosure_due(&mut tx, &school, d("2026-07-05")).await.unwrap().is_some());
    let id = fin::draft_disclosure(&mut tx, &store.crypto, &school, "chair", "2026-01", "2026-06").await.unwrap();
    fin::publish_disclosure(&mut tx, &store.crypto, &school, "chair", &id).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let dis = fin::disclosure(&mut tx, &school, &id).await.unwrap();
    assert_eq!(dis.body.total_income, 700_000);
    assert_eq!(dis.body.care, vec![("送温暖".to_string(), "<3".to_string(), 50_000)]);
    assert!(fin::disclosure_due(&mut tx, &school, d("2026-07-05")).await.unwrap().is_none());
    // Publishing made it a 校务公开 item of the funds category, linked to the disclosure page.
    let linked: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT category, title, link FROM transparency_items WHERE school_id = $1 AND source_kind = 'finance_disclosure' AND source_id = $2",
    )
    .bind(&school)
    .bind(&id)
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    assert_eq!(
        linked,
        vec![("funds".to_string(), dis.title.clone(), format!("/finance/disclosures/{id}"))],
        "{}",
        db.name
    );
    let q = fin::ask(&mut tx, &store.crypto, &school, "member", &id, "送温暖的标准是多少？").await.unwrap();
    fin::answer(&mut tx, &store.crypto, &school, "chair", &q, "住院慰问每人500元。").await.unwrap();
    let qs = fin::questions(&mut tx, &school, &id).await.unwrap();
    assert_eq!(qs[0].answer.as_deref(), Some("住院慰问每人500元。"));
    jiaogong_store::commit(tx).await.unwrap();

    // Year close: income and expense to zero, the balance sheet still balances.
    let mut tx = store.begin().await.unwrap();
    let closing = fin::close_year(&mut tx, &store.crypto, &school, "fin", 2026).await.unwrap();
    assert!(closing.is_some());
    let t = fin::totals_range(&mut tx, &school, "2026-01-01", "2026-12-31", true).await.unwrap();
    for (code, (dr, cr)) in &t {
        if code.starts_with('4') || code.starts_with('5') {
            assert_eq!(dr, cr, "{code}");
        }
    }
    let bs = fin::balance_statement(&mut tx, &school, "2026-12-31").await.unwrap();
    assert!(bs.balanced);
    assert!(bs.net_assets.iter().any(|f| f.code == "322" && f.amount == 570_000));
    jiaogong_store::commit(tx).await.unwrap();
    let e = prepare(&store, &school, "fin", "2026-11-15", "补录", &[l("50102", 100, 0), l("101", 0, 100)])
        .await
        .unwrap_err();
    assert!(matches!(e, FinError::Rule(FinanceError::PeriodClosed { .. })));
    // The year-end summary's finance section: the year's income and expenditure without the
    // closing voucher, in yuan, and the one disclosure published.
    let sum = jiaogong_store::plans::summary::figures(&store, &school, 2026).await.unwrap();
    let value = |code: &str| sum.iter().find(|f| f.code == code).map(|f| f.value);
    assert_eq!(value("finance.income_yuan"), Some(7_000), "{}", db.name);
    assert_eq!(value("finance.expense_yuan"), Some(1_300));
    assert_eq!(value("finance.disclosures"), Some(1));
    let vouchers =
        jiaogong_store::plans::summary::records(&store, &school, 2026, "finance.expense_yuan").await.unwrap();
    assert_eq!(vouchers.len(), 2);
});

on_every_db!(auditors_see_findings_with_their_vouchers, |store, db| {
    let school = common::school(&store, "F6").await;
    let mut tx = store.begin().await.unwrap();
    fin::set_budget(&mut tx, &store.crypto, &school, "fin", 2026, "505", Fen(100_000)).await.unwrap();
    fin::approve_budget(&mut tx, &store.crypto, &school, "chair", 2026, "2026-01-05 委员会研究通过").await.unwrap();
    assert!(fin::set_budget(&mut tx, &store.crypto, &school, "fin", 2026, "505", Fen(1)).await.is_err());
    jiaogong_store::commit(tx).await.unwrap();
    let a =
        approved(&store, &school, "2026-03-01", "购买体育器材", &[l("50102", 480_000, 0), l("102", 0, 480_000)]).await;
    let b =
        approved(&store, &school, "2026-03-15", "购买体育器材", &[l("50102", 450_000, 0), l("102", 0, 450_000)]).await;
    let c = prepare(&store, &school, "fin", "2026-03-20", "培训费", &[l("50501", 150_000, 0), l("102", 0, 150_000)])
        .await
        .unwrap();
    step(&store, &school, "auditor", &c, false).await.unwrap();
    assert!(matches!(
        step(&store, &school, "chair", &c, true).await,
        Err(FinError::Blocked(ApprovalBlock::OverBudget))
    ));
    let mut tx = store.begin().await.unwrap();
    fin::attach(&mut tx, &store.crypto, &school, "fin", &c, "发票.png", "image/png", b"\x89PNG....").await.unwrap();
    fin::record_override(&mut tx, &store.crypto, &school, "chair", &c, "增加一期培训，经委员会同意").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    step(&store, &school, "chair", &c, true).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let rows = fin::budget_execution(&mut tx, &school, 2026).await.unwrap();
    let r505 = rows.iter().find(|r| r.code == "505").unwrap();
    assert_eq!((r505.budget, r505.actual, r505.months[2]), (100_000, 150_000, 150_000));
    let f = fin::audit_findings(&mut tx, &school, "2026-01-01", "2026-12-31").await.unwrap();
    assert!(f.iter().any(|f| f.kind == FindingKind::SplitPayment && f.voucher_ids == vec![a.clone(), b.clone()]));
    assert!(f.iter().any(|f| f.kind == FindingKind::NoAttachment && f.voucher_ids == vec![a.clone()]));
    assert!(!f.iter().any(|f| f.kind == FindingKind::NoAttachment && f.voucher_ids == vec![c.clone()]));
    assert!(!f.iter().any(|f| f.kind == FindingKind::OverBudget), "the override is recorded");
    fin::set_opinion(&mut tx, &store.crypto, &school, "auditor", "2026-01", "2026-06", "账目基本清楚，建议补齐票据。")
        .await
        .unwrap();
    assert_eq!(fin::opinions(&mut tx, &school).await.unwrap().len(), 1);
    // Dues and the allocation arrive as drafts.
    let member = common::member("李老师", "T002", None, None, None);
    let ids = jiaogong_store::members::insert_many(&store, &mut tx, &school, &[(member, None, None)]).await.unwrap();
    sqlx::query("INSERT INTO dues_payments (id, school_id, member_id, month, amount_fen, paid_on, recorded_by, at) VALUES ('dp1', $1, $2, '2026-04', 3500, '2026-04-08', 'x', 0)")
        .bind(&school)
        .bind(&ids[0])
        .execute(&mut *tx)
        .await
        .unwrap();
    let dues = fin::draft_dues(&mut tx, &school, 2026, 4).await.unwrap().unwrap();
    assert_eq!(fin::draft_dues(&mut tx, &school, 2026, 4).await.unwrap(), Some(dues.clone()));
    assert!(fin::draft_dues(&mut tx, &school, 2026, 5).await.unwrap().is_none());
    let alloc = fin::draft_allocation(&mut tx, &school, d("2026-04-30"), Fen(100_000_000)).await.unwrap();
    assert_eq!(fin::voucher(&mut tx, Some(&school), &alloc).await.unwrap().amount, Fen(1_200_000));
    jiaogong_store::commit(tx).await.unwrap();
});

on_every_db!(a_care_payment_above_its_standard_is_a_finding, |store, db| {
    let school = common::school(&store, "F7").await;
    let mut tx = store.begin().await.unwrap();
    let req = DraftRequest {
        school_id: &school,
        date: d("2026-05-10"),
        summary: "慰问住院教职工",
        debit_account: "50405",
        credit_account: "102",
        amount: Fen(200_000),
        source_kind: "care_visit",
        source_id: "v-over",
        link: "/care/visits/v-over",
        needs_clearance: true,
    };
    let id = drafts::create_draft(&mut tx, &req).await.unwrap();
    drafts::clear(&mut tx, &school, "care_visit", "v-over", "chair", "重病住院，主席同意").await.unwrap();
    let ok = drafts::create_draft(
        &mut tx,
        &DraftRequest { source_id: "v-ok", amount: Fen(50_000), needs_clearance: false, ..req },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let f = fin::audit_findings(&mut tx, &school, "2026-01-01", "2026-12-31").await.unwrap();
    assert!(f.iter().any(|f| f.kind == FindingKind::AboveStandard && f.voucher_ids == vec![id.clone()]));
    assert!(!f.iter().any(|f| f.kind == FindingKind::AboveStandard && f.voucher_ids == vec![ok.clone()]));
    drop(tx);
});
