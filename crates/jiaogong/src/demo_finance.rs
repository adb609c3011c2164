//! The demo school's books for last calendar year: dues income each month, the payroll
//! allocation each quarter, about 150 vouchers across the categories (activities, 送温暖,
//! training, meetings), a few large ones with committee decisions, one correction by a
//! reversing voucher, a budget approved by the committee, every month and the year closed, the
//! first half-year's disclosure published with a member's question answered, and three
//! deliberate findings for the auditor (an expense without receipt, a voucher approved by its
//! own preparer, and a purchase split just under the approval threshold).

use chrono::{Datelike, NaiveDate};
use jiaogong_domain::finance::Line;
use jiaogong_domain::platform::money::Fen;
use jiaogong_store::finance::{self as fin, drafts};
use jiaogong_store::Store;

const PREPARER: &str = "finance";
const REVIEWER: &str = "admin";
const APPROVER: &str = "chair";

/// A receipt's photo: the smallest valid PNG (1×1).
const RECEIPT: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49,
    0x44, 0x41, 0x54, 0x08, 0xD7, 0x63, 0xF8, 0xCF, 0xC0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xDD, 0x8D, 0xB0,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

fn l(account: &str, debit: i64, credit: i64) -> Line {
    Line { account: account.into(), debit: Fen(debit), credit: Fen(credit) }
}

fn day(y: i32, m: u32, d: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow::anyhow!("bad demo date"))
}

/// Prepares, attaches a receipt (unless `receipt` is false), reviews and approves.
#[allow(clippy::too_many_arguments)]
async fn book(
    store: &Store,
    school: &str,
    date: NaiveDate,
    summary: &str,
    payee: &str,
    lines: &[Line],
    receipt: bool,
    decision: bool,
) -> anyhow::Result<String> {
    let c = &store.crypto;
    let mut tx = store.begin().await?;
    let id = fin::prepare(&mut tx, c, school, PREPARER, date, summary, payee, lines).await?;
    if receipt {
        fin::attach(&mut tx, c, school, PREPARER, &id, "票据.png", "image/png", RECEIPT).await?;
    }
    if decision {
        let d = date.pred_opt().unwrap_or(date);
        fin::record_decision(&mut tx, c, school, APPROVER, &id, d, "工会主席、委员共7人", "经集体研究，同意该项支出。")
            .await?;
    }
    fin::review(&mut tx, c, school, REVIEWER, &id).await?;
    fin::approve(&mut tx, c, school, APPROVER, &id).await?;
    jiaogong_store::commit(tx).await?;
    Ok(id)
}

async fn approve_draft(store: &Store, school: &str, id: &str) -> anyhow::Result<()> {
    let c = &store.crypto;
    let mut tx = store.begin().await?;
    fin::attach(&mut tx, c, school, PREPARER, id, "回单.png", "image/png", RECEIPT).await?;
    fin::review(&mut tx, c, school, REVIEWER, id).await?;
    fin::approve(&mut tx, c, school, APPROVER, id).await?;
    jiaogong_store::commit(tx).await?;
    Ok(())
}

pub async fn create(store: &Store, school: &str) -> anyhow::Result<()> {
    let y = chrono::Utc::now().year() - 1;
    let c = &store.crypto;
    // The budget, approved by the committee in January.
    let mut tx = store.begin().await?;
    for (cat, yuan) in [("501", 180_000), ("503", 30_000), ("504", 60_000), ("505", 40_000), ("507", 20_000)] {
        fin::set_budget(&mut tx, c, school, PREPARER, i64::from(y), cat, Fen(yuan * 100)).await?;
    }
    fin::approve_budget(
        &mut tx,
        c,
        school,
        APPROVER,
        i64::from(y),
        &format!("{y}年1月8日工会委员会研究通过（7人参加）"),
    )
    .await?;
    // The opening balances: the bank account brought forward.
    fin::set_opening(&mut tx, c, school, PREPARER, &[l("102", 8_650_000, 0), l("322", 0, 8_650_000)], false).await?;
    jiaogong_store::commit(tx).await?;

    let mut split_done = false;
    for m in 1..=12u32 {
        // Dues received (会费收入) and, each quarter, the allocation (拨缴经费).
        let mut tx = store.begin().await?;
        let last = day(y, m, 28)?;
        let summary = format!("{y}-{m:02} 会费收入");
        let period = format!("{y}-{m:02}");
        let dues = drafts::create_draft(
            &mut tx,
            &drafts::DraftRequest {
                school_id: school,
                date: last,
                summary: &summary,
                debit_account: "102",
                credit_account: "401",
                amount: Fen(268_000 + i64::from(m) * 1_000),
                source_kind: "dues",
                source_id: &period,
                link: "/members/dues",
                needs_clearance: false,
            },
        )
        .await?;
        let alloc =
            if m % 3 == 0 { Some(fin::draft_allocation(&mut tx, school, last, Fen(80_000_000)).await?) } else { None };
        jiaogong_store::commit(tx).await?;
        approve_draft(store, school, &dues).await?;
        if let Some(a) = alloc {
            let mut tx = store.begin().await?;
            fin::record_decision(
                &mut tx,
                c,
                school,
                APPROVER,
                &a,
                last,
                "工会主席、委员共7人",
                "确认本季度拨缴经费入账。",
            )
            .await?;
            jiaogong_store::commit(tx).await?;
            approve_draft(store, school, &a).await?;
        }
        // Everyday spending: activities, care, training, meetings, books.
        let plans: [(&str, &str, &str, i64); 11] = [
            ("50102", "教工文体活动用品", "文体用品商店", 86_000),
            ("50105", "教职工生日慰问", "蛋糕店", 120_000),
            ("50405", "慰问住院教职工", "", 50_000),
            ("50501", "教工培训资料费", "新华书店", 32_000),
            ("50502", "工会委员会会议", "", 8_000),
            ("50304", "职工书屋购书", "新华书店", 45_000),
            ("50102", "教工健步走活动饮用水", "超市", 12_000),
            ("50404", "困难教职工帮扶", "", 100_000),
            ("50302", "教工之家维护", "五金店", 23_000),
            ("50103", "师德师风宣传展板", "广告公司", 28_000),
            ("50106", "教工合唱团排练", "", 15_000),
        ];
        let count = if m == 2 || m == 7 || m == 8 { 8 } else { 11 };
        for (i, (acc, what, payee, amount)) in plans.iter().take(count).enumerate() {
            let d = day(y, m, u32::try_from(3 + i * 2).unwrap_or(3))?;
            let cash = if *acc == "50405" || *acc == "50404" { "101" } else { "102" };
            // The deliberate finding: one expense without its receipt (March, books).
            let receipt = !(m == 3 && *acc == "50304");
            book(
                store,
                school,
                d,
                what,
                payee,
                &[l(acc, *amount + i64::from(m) * 100, 0), l(cash, 0, *amount + i64::from(m) * 100)],
                receipt,
                false,
            )
            .await?;
        }
        // Large items with committee decisions.
        if m == 5 {
            book(
                store,
                school,
                day(y, 5, 20)?,
                "教职工运动会奖品及场地",
                "体育用品公司",
                &[l("50102", 1_260_000, 0), l("102", 0, 1_260_000)],
                true,
                true,
            )
            .await?;
        }
        if m == 10 {
            book(
                store,
                school,
                day(y, 10, 15)?,
                "劳模教师疗休养",
                "旅行社",
                &[l("50104", 980_000, 0), l("102", 0, 980_000)],
                true,
                true,
            )
            .await?;
        }
        if m == 11 {
            book(
                store,
                school,
                day(y, 11, 12)?,
                "教工之家健身器材",
                "体育用品公司",
                &[l("50702", 650_000, 0), l("102", 0, 650_000)],
                true,
                true,
            )
            .await?;
        }
        // The split purchase, just under the threshold twice within a month (a finding).
        if m == 9 && !split_done {
            book(
                store,
                school,
                day(y, 9, 4)?,
                "教师节慰问品",
                "百货公司",
                &[l("50105", 480_000, 0), l("102", 0, 480_000)],
                true,
                false,
            )
            .await?;
            book(
                store,
                school,
                day(y, 9, 18)?,
                "教师节慰问品（二）",
                "百货公司",
                &[l("50105", 460_000, 0), l("102", 0, 460_000)],
                true,
                false,
            )
            .await?;
            split_done = true;
        }
        // One correction: a meeting posted to training is reversed and booked again.
        if m == 4 {
            let wrong = book(
                store,
                school,
                day(y, 4, 25)?,
                "工会小组长会议茶歇",
                "",
                &[l("50501", 6_000, 0), l("102", 0, 6_000)],
                true,
                false,
            )
            .await?;
            let mut tx = store.begin().await?;
            let rev = fin::reverse(&mut tx, c, school, PREPARER, &wrong, day(y, 4, 27)?).await?;
            fin::attach(&mut tx, c, school, PREPARER, &rev, "说明.png", "image/png", RECEIPT).await?;
            fin::review(&mut tx, c, school, REVIEWER, &rev).await?;
            fin::approve(&mut tx, c, school, APPROVER, &rev).await?;
            jiaogong_store::commit(tx).await?;
            book(
                store,
                school,
                day(y, 4, 27)?,
                "工会小组长会议茶歇（更正科目）",
                "",
                &[l("50502", 6_000, 0), l("102", 0, 6_000)],
                true,
                false,
            )
            .await?;
        }
        // The voucher approved by its own preparer (imported from the old paper books as it was).
        if m == 6 {
            let mut tx = store.begin().await?;
            let id = fin::prepare(
                &mut tx,
                c,
                school,
                PREPARER,
                day(y, 6, 26)?,
                "端午节教工慰问（补录）",
                "",
                &[l("50105", 150_000, 0), l("102", 0, 150_000)],
            )
            .await?;
            fin::attach(&mut tx, c, school, PREPARER, &id, "票据.png", "image/png", RECEIPT).await?;
            fin::import_signatures(&mut tx, c, school, PREPARER, &id, REVIEWER, PREPARER).await?;
            jiaogong_store::commit(tx).await?;
        }
        let mut tx = store.begin().await?;
        fin::close_month(&mut tx, c, school, PREPARER, &period).await?;
        jiaogong_store::commit(tx).await?;
        // The first half-year's disclosure, published, with a question answered.
        if m == 6 {
            let mut tx = store.begin().await?;
            let d = fin::draft_disclosure(&mut tx, c, school, PREPARER, &format!("{y}-01"), &format!("{y}-06")).await?;
            fin::publish_disclosure(&mut tx, c, school, APPROVER, &d).await?;
            let q = fin::ask(&mut tx, c, school, "member", &d, "困难职工帮扶的标准是什么？").await?;
            fin::answer(&mut tx, c, school, APPROVER, &q, "按工会委员会确定的标准，每人每次1000元，经集体研究后发放。")
                .await?;
            jiaogong_store::commit(tx).await?;
        }
    }
    let mut tx = store.begin().await?;
    fin::close_year(&mut tx, c, school, PREPARER, y).await?;
    fin::set_opinion(
        &mut tx,
        c,
        school,
        "auditor",
        &format!("{y}-01"),
        &format!("{y}-06"),
        "上半年账目清楚，收支符合规定；个别凭证缺少票据，已要求补齐。",
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(())
}
