use std::collections::BTreeSet;

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn line(account: &str, debit: i64, credit: i64) -> Line {
    Line { account: account.into(), debit: Fen(debit), credit: Fen(credit) }
}

fn any_account(_: &str) -> bool {
    true
}

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

#[test]
fn debits_must_equal_credits() {
    assert_eq!(check_double_entry(&[line("50405", 20_000, 0), line("102", 0, 20_000)], &any_account), Ok(Fen(20_000)));
    let e = check_double_entry(&[line("50405", 20_000, 0), line("102", 0, 19_999)], &any_account).unwrap_err();
    assert!(matches!(e, FinanceError::Unbalanced { .. }));
    assert!(e.to_string().contains("200.00") && e.to_string().contains("199.99"));
}

#[test]
fn a_line_has_one_positive_side() {
    assert_eq!(
        check_double_entry(&[line("50405", -5, 0), line("102", 0, -5)], &any_account),
        Err(FinanceError::NegativeAmount { line: 1 })
    );
    assert_eq!(
        check_double_entry(&[line("50405", 5, 5), line("102", 0, 0)], &any_account),
        Err(FinanceError::BothSides { line: 1 })
    );
    assert_eq!(
        check_double_entry(&[line("50405", 5, 0), line("102", 0, 0)], &any_account),
        Err(FinanceError::EmptyLine { line: 2 })
    );
    assert_eq!(check_double_entry(&[line("50405", 5, 0)], &any_account), Err(FinanceError::TooFewLines));
}

#[test]
fn unknown_accounts_are_refused() {
    let known = |c: &str| DEFAULT_CHART.iter().any(|a| a.code == c);
    assert_eq!(
        check_double_entry(&[line("999", 5, 0), line("102", 0, 5)], &known),
        Err(FinanceError::UnknownAccount { line: 1, code: "999".into() })
    );
}

#[test]
fn amounts_parse_to_fen_with_clear_errors() {
    assert_eq!(parse_amount("12.34"), Ok(Fen(1234)));
    assert_eq!(parse_amount("1,234.5"), Ok(Fen(123_450)));
    assert_eq!(parse_amount(""), Ok(Fen(0)));
    assert!(parse_amount("12.345").unwrap_err().contains("两位小数"));
    assert!(parse_amount("十二元").unwrap_err().contains("汉字"));
    assert!(parse_amount("-3").unwrap_err().contains("负数"));
    assert!(parse_amount("abc").is_err());
    let errs = parse_lines(&[
        RawLine { account: "50405".into(), debit: "12.345".into(), credit: String::new() },
        RawLine::default(),
        RawLine { account: "102".into(), debit: String::new(), credit: "十二".into() },
    ])
    .unwrap_err();
    assert_eq!(errs.len(), 2);
    assert!(errs[0].to_string().starts_with("第1行"));
    assert!(errs[1].to_string().starts_with("第3行"));
}

#[test]
fn the_committee_is_needed_strictly_above_the_threshold() {
    assert!(!needs_committee(Fen(500_000), DEFAULT_THRESHOLD));
    assert!(needs_committee(Fen(500_001), DEFAULT_THRESHOLD));
}

fn facts<'a>(amount: i64, reviewed_by: Option<&'a str>) -> ApprovalFacts<'a> {
    ApprovalFacts {
        state: if reviewed_by.is_some() { "reviewed" } else { "draft" },
        prepared_by: "fin",
        reviewed_by,
        amount: Fen(amount),
        threshold: DEFAULT_THRESHOLD,
        has_decision: false,
        needs_clearance: false,
        cleared: false,
        over_budget: false,
        has_override: false,
    }
}

#[test]
fn review_and_approval_are_by_other_people_in_order() {
    assert_eq!(may_review("draft", "fin", "fin"), Err(ApprovalBlock::OwnVoucher));
    assert_eq!(may_review("draft", "fin", "auditor2"), Ok(()));
    assert_eq!(may_approve(&facts(100, None), "chair"), Err(ApprovalBlock::NotReviewed));
    assert_eq!(may_approve(&facts(100, Some("rev")), "fin"), Err(ApprovalBlock::OwnVoucher));
    assert_eq!(may_approve(&facts(100, Some("rev")), "rev"), Err(ApprovalBlock::OwnVoucher));
    assert_eq!(may_approve(&facts(100, Some("rev")), "chair"), Ok(()));
}

#[test]
fn above_the_threshold_approval_needs_a_committee_decision() {
    let mut f = facts(600_000, Some("rev"));
    assert_eq!(may_approve(&f, "chair"), Err(ApprovalBlock::NeedsDecision));
    f.has_decision = true;
    assert_eq!(may_approve(&f, "chair"), Ok(()));
}

#[test]
fn a_draft_awaiting_clearance_cannot_be_approved() {
    let mut f = facts(100, Some("rev"));
    f.needs_clearance = true;
    assert_eq!(may_approve(&f, "chair"), Err(ApprovalBlock::AwaitingClearance));
    f.cleared = true;
    assert_eq!(may_approve(&f, "chair"), Ok(()));
}

#[test]
fn over_budget_needs_an_override() {
    let mut f = facts(100, Some("rev"));
    f.over_budget = true;
    assert_eq!(may_approve(&f, "chair"), Err(ApprovalBlock::OverBudget));
    f.has_override = true;
    assert_eq!(may_approve(&f, "chair"), Ok(()));
    assert!(exceeds_budget(Some(Fen(1000)), Fen(900), Fen(101)));
    assert!(!exceeds_budget(Some(Fen(1000)), Fen(900), Fen(100)));
    assert!(!exceeds_budget(None, Fen(900), Fen(100_000)));
    assert_eq!(budget_category("50405"), Some("504"));
    assert_eq!(budget_category("102"), None);
}

#[test]
fn a_closed_month_or_year_accepts_nothing() {
    let closed: BTreeSet<String> = ["2026-03".to_string(), "2025".to_string()].into();
    assert!(matches!(check_open(d("2026-03-31"), &closed), Err(FinanceError::PeriodClosed { .. })));
    assert!(matches!(check_open(d("2025-07-01"), &closed), Err(FinanceError::PeriodClosed { .. })));
    assert_eq!(check_open(d("2026-04-01"), &closed), Ok(()));
}

#[test]
fn months_close_in_order() {
    let months = vec!["2026-01".to_string(), "2026-02".to_string(), "2026-03".to_string()];
    let closed: BTreeSet<String> = ["2026-01".to_string()].into();
    assert_eq!(earlier_open_month("2026-03", &months, &closed), Some("2026-02"));
    assert_eq!(earlier_open_month("2026-02", &months, &closed), None);
}

#[test]
fn numbering_gaps_are_found() {
    assert_eq!(numbering_gaps(&[1, 2, 4, 6]), vec![3, 5]);
    assert!(numbering_gaps(&[3, 1, 2]).is_empty());
}

#[test]
fn reports_add_up() {
    let lines = vec![
        line("102", 100_000, 0),
        line("401", 0, 100_000),
        line("50405", 30_000, 0),
        line("102", 0, 30_000),
        line("50102", 5_000, 0),
        line("101", 0, 5_000),
    ];
    let t = totals(&lines).unwrap();
    let ie = income_expenditure(&t).unwrap();
    assert_eq!(ie.total_income, Fen(100_000));
    assert_eq!(ie.total_expense, Fen(35_000));
    assert_eq!(ie.surplus, Fen(65_000));
    let bs = balance_sheet(&t).unwrap();
    assert_eq!(bs.total_assets, Fen(65_000));
    assert!(bs.balances());
}

#[test]
fn the_year_end_close_zeroes_income_and_expense_into_321_and_322() {
    let lines = vec![
        line("102", 100_000, 0),
        line("401", 0, 100_000),
        line("102", 20_000, 0),
        line("40302", 0, 20_000),
        line("50405", 30_000, 0),
        line("102", 0, 30_000),
    ];
    let restricted = |c: &str| c == "40302";
    let close = closing_lines(&totals(&lines).unwrap(), &restricted).unwrap();
    let mut all = lines.clone();
    all.extend(close.clone());
    let t = totals(&all).unwrap();
    for (code, (dr, cr)) in &t {
        if code.starts_with('4') || code.starts_with('5') {
            assert_eq!(dr, cr, "{code} not zero after close");
        }
    }
    assert!(close.contains(&line("321", 0, 20_000)));
    assert!(close.contains(&line("322", 0, 70_000)));
    assert!(balance_sheet(&t).unwrap().balances());
}

#[test]
fn amounts_split_just_under_the_threshold_are_found() {
    let e = |id: &str, date: &str, payee: &str, summary: &str, amount: i64| Expense {
        voucher_id: id.into(),
        date: d(date),
        payee: payee.into(),
        summary: summary.into(),
        amount: Fen(amount),
    };
    let groups = split_groups(
        &[
            e("a", "2026-03-01", "文体商店", "购买球拍", 480_000),
            e("b", "2026-03-20", "文体商店", "购买球网", 450_000),
            e("c", "2026-05-01", "文体商店", "购买球", 480_000),
            e("d", "2026-03-02", "书店", "购书", 100_000),
            e("e", "2026-06-01", "", "慰问", 300_000),
            e("f", "2026-06-10", "", "慰问", 300_000),
        ],
        DEFAULT_THRESHOLD,
    );
    assert_eq!(groups, vec![vec!["a".to_string(), "b".to_string()], vec!["e".to_string(), "f".to_string()]]);
    // A single big one is not a split; two small ones under the threshold together are not either.
    assert!(split_groups(
        &[e("x", "2026-03-01", "p", "s", 900_000), e("y", "2026-03-02", "p", "s", 100)],
        DEFAULT_THRESHOLD
    )
    .is_empty());
}

#[test]
fn findings_name_their_vouchers() {
    let v = |id: &str, number: i64, approved_by: Option<&str>, attachments: i64| AuditVoucher {
        id: id.into(),
        period: "2026-03".into(),
        number,
        date: d("2026-03-05"),
        summary: format!("支出{id}"),
        payee: String::new(),
        amount: Fen(1000),
        approved: approved_by.is_some(),
        prepared_by: "fin".into(),
        approved_by: approved_by.map(String::from),
        is_expense: true,
        attachments,
        source_kind: None,
        above_standard: false,
        over_budget_without_override: false,
        debit: Fen(1000),
        credit: Fen(1000),
        closing: false,
    };
    let f = findings(&[v("a", 1, Some("fin"), 1), v("b", 3, Some("chair"), 0)], DEFAULT_THRESHOLD);
    let kinds: Vec<(FindingKind, Vec<String>)> = f.iter().map(|f| (f.kind, f.voucher_ids.clone())).collect();
    assert!(kinds.contains(&(FindingKind::SelfApproved, vec!["a".into()])));
    assert!(kinds.contains(&(FindingKind::NoAttachment, vec!["b".into()])));
    assert!(f.iter().any(|f| f.kind == FindingKind::NumberingGap && f.detail.contains('2')));
    let mut bad = v("c", 2, Some("chair"), 1);
    bad.credit = Fen(999);
    let f = findings(&[bad], DEFAULT_THRESHOLD);
    assert!(f.iter().any(|f| f.kind == FindingKind::Unbalanced && f.voucher_ids == vec!["c".to_string()]));
}

#[test]
fn small_counts_are_masked() {
    assert_eq!(masked_count(0), "<3");
    assert_eq!(masked_count(2), "<3");
    assert_eq!(masked_count(3), "3");
}

#[test]
fn the_allocation_keeps_the_unions_share() {
    // 1,000,000 元 payroll × 2 % × 60 % = 12,000 元.
    assert_eq!(allocation_kept(Fen(100_000_000), 60), Some(Fen(1_200_000)));
    assert_eq!(allocation_kept(Fen(1), 60), Some(Fen(0)));
}

#[test]
fn sub_accounts_extend_their_parent() {
    assert_eq!(check_sub_account("50102", "5010201", "球类"), Ok(()));
    assert!(check_sub_account("50102", "50201", "球类").is_err());
    assert!(check_sub_account("50102", "5010201", " ").is_err());
    assert_eq!(DEFAULT_CHART.iter().filter(|a| a.code.len() == 3).count(), 24);
}

const CODES: &[&str] =
    &["101", "102", "135", "215", "301", "322", "401", "402", "40302", "50102", "50405", "50501", "510"];

fn voucher_strategy() -> impl Strategy<Value = Vec<Line>> {
    prop::collection::vec((0..CODES.len(), 0..CODES.len(), 1i64..10_000_000), 1..5).prop_map(|pairs| {
        let mut lines = Vec::new();
        for (a, b, amt) in pairs {
            lines.push(line(CODES[a], amt, 0));
            lines.push(line(CODES[b], 0, amt));
        }
        lines
    })
}

proptest! {
    #[test]
    fn any_valid_vouchers_keep_reports_balanced(vouchers in prop::collection::vec(voucher_strategy(), 0..40)) {
        let mut all = Vec::new();
        for v in &vouchers {
            prop_assert!(check_double_entry(v, &any_account).is_ok());
            all.extend(v.iter().cloned());
        }
        let t = totals(&all).unwrap();
        let (dr, cr) = t.values().fold((0i64, 0i64), |(a, b), (d, c)| (a + d.0, b + c.0));
        prop_assert_eq!(dr, cr);
        let bs = balance_sheet(&t).unwrap();
        prop_assert!(bs.balances());
        let ie = income_expenditure(&t).unwrap();
        prop_assert_eq!(ie.total_income.0 - ie.total_expense.0, ie.surplus.0);
        let close = closing_lines(&t, &|c: &str| c == "40302").unwrap();
        let mut after = all.clone();
        after.extend(close);
        let t2 = totals(&after).unwrap();
        prop_assert!(balance_sheet(&t2).unwrap().balances());
        prop_assert_eq!(income_expenditure(&t2).unwrap().surplus, Fen::ZERO);
    }
}
