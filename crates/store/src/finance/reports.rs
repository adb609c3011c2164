//! Reports (收入支出表, 资产负债表, 明细账, budget execution), drafts from dues and the payroll
//! allocation, budgets, half-yearly disclosures with questions, and the auditors' findings and
//! opinions. Reports count approved vouchers only.

use chrono::{Datelike, NaiveDate};
use jiaogong_domain::finance::{
    self as rules, AccountKind, AuditVoucher, BalanceSheet, Finding, IncomeExpenditure, Totals,
};
use jiaogong_domain::platform::money::{add_fen, Fen};
use serde::{Deserialize, Serialize};

use super::books::{accounts, closed_periods, ensure_chart, settings, FinError};
use super::drafts::{create_draft, DraftRequest};
use crate::platform::audit::{self, Event};
use crate::platform::notify::{self, NewNotification};
use crate::{new_id, now_ms, Crypto, StoreError, Tx};

/// Per-account totals of approved vouchers between two dates (inclusive), with or without the
/// year-end closing vouchers (the 收入支出表 leaves them out, the balance sheet keeps them).
pub async fn totals_range(
    tx: &mut Tx,
    school_id: &str,
    from: &str,
    to: &str,
    with_closing: bool,
) -> Result<Totals, StoreError> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT l.account_code, CAST(SUM(l.debit_fen) AS BIGINT), CAST(SUM(l.credit_fen) AS BIGINT) FROM fin_lines l \
         JOIN fin_vouchers v ON v.id = l.voucher_id \
         WHERE v.school_id = $1 AND v.state = 'approved' AND v.voucher_date >= $2 AND v.voucher_date <= $3 \
         AND ($4 = 1 OR v.closing = 0) GROUP BY l.account_code",
    )
    .bind(school_id)
    .bind(from)
    .bind(to)
    .bind(i64::from(with_closing))
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(c, d, k)| (c, (Fen(d), Fen(k)))).collect())
}

/// Totals without the closing vouchers (what the year-end close brings to zero).
pub async fn totals_between(tx: &mut Tx, school_id: &str, from: &str, to: &str) -> Result<Totals, StoreError> {
    totals_range(tx, school_id, from, to, false).await
}

/// What a category (top expense account) spent in a year, approved vouchers only.
pub async fn category_spent(tx: &mut Tx, school_id: &str, year: i64, cat: &str) -> Result<Fen, StoreError> {
    let (d, c): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT CAST(SUM(l.debit_fen) AS BIGINT), CAST(SUM(l.credit_fen) AS BIGINT) FROM fin_lines l JOIN fin_vouchers v ON v.id = l.voucher_id \
         WHERE v.school_id = $1 AND v.state = 'approved' AND v.closing = 0 AND v.voucher_date >= $2 AND v.voucher_date <= $3 \
         AND l.account_code LIKE $4",
    )
    .bind(school_id)
    .bind(format!("{year}-01-01"))
    .bind(format!("{year}-12-31"))
    .bind(format!("{cat}%"))
    .fetch_one(&mut **tx)
    .await?;
    Fen(d.unwrap_or(0))
        .checked_sub(Fen(c.unwrap_or(0)))
        .ok_or(StoreError::Money(jiaogong_domain::platform::money::MoneyOverflow))
}

/// A report figure with its account's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedFigure {
    pub code: String,
    pub name: String,
    pub amount: i64,
}

/// The 收入支出表 with names.
#[derive(Debug, Clone, Serialize)]
pub struct IncomeStatement {
    pub from: String,
    pub to: String,
    pub income: Vec<NamedFigure>,
    pub expense: Vec<NamedFigure>,
    pub total_income: i64,
    pub total_expense: i64,
    pub surplus: i64,
}

async fn names(tx: &mut Tx, school_id: &str) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
    Ok(accounts(tx, school_id).await?.into_iter().map(|a| (a.code, a.name)).collect())
}

fn named(names: &std::collections::BTreeMap<String, String>, f: &[rules::Figure]) -> Vec<NamedFigure> {
    f.iter()
        .map(|f| NamedFigure {
            code: f.code.clone(),
            name: names.get(&f.code).cloned().unwrap_or_default(),
            amount: f.amount.0,
        })
        .collect()
}

pub async fn income_statement(
    tx: &mut Tx,
    school_id: &str,
    from: &str,
    to: &str,
) -> Result<IncomeStatement, StoreError> {
    let t = totals_between(tx, school_id, from, to).await?;
    let r: IncomeExpenditure = rules::income_expenditure(&t)?;
    let n = names(tx, school_id).await?;
    Ok(IncomeStatement {
        from: from.into(),
        to: to.into(),
        income: named(&n, &r.income),
        expense: named(&n, &r.expense),
        total_income: r.total_income.0,
        total_expense: r.total_expense.0,
        surplus: r.surplus.0,
    })
}

/// The 资产负债表 with names.
#[derive(Debug, Clone, Serialize)]
pub struct BalanceStatement {
    pub date: String,
    pub assets: Vec<NamedFigure>,
    pub liabilities: Vec<NamedFigure>,
    pub net_assets: Vec<NamedFigure>,
    pub unclosed_surplus: i64,
    pub total_assets: i64,
    pub total_liabilities: i64,
    pub total_net_assets: i64,
    pub balanced: bool,
}

/// Opening balances as totals (debit, credit) per account.
async fn opening(tx: &mut Tx, school_id: &str) -> Result<Totals, StoreError> {
    let rows: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT account_code, debit_fen, credit_fen FROM fin_opening_balances WHERE school_id = $1")
            .bind(school_id)
            .fetch_all(&mut **tx)
            .await?;
    Ok(rows.into_iter().map(|(c, d, k)| (c, (Fen(d), Fen(k)))).collect())
}

pub async fn balance_statement(tx: &mut Tx, school_id: &str, date: &str) -> Result<BalanceStatement, StoreError> {
    let mut t = totals_range(tx, school_id, "0000-01-01", date, true).await?;
    for (code, (d, c)) in opening(tx, school_id).await? {
        let e = t.entry(code).or_insert((Fen::ZERO, Fen::ZERO));
        e.0 = add_fen(e.0, d)?;
        e.1 = add_fen(e.1, c)?;
    }
    let b: BalanceSheet = rules::balance_sheet(&t)?;
    let n = names(tx, school_id).await?;
    Ok(BalanceStatement {
        date: date.into(),
        assets: named(&n, &b.assets),
        liabilities: named(&n, &b.liabilities),
        net_assets: named(&n, &b.net_assets),
        unclosed_surplus: b.unclosed_surplus.0,
        total_assets: b.total_assets.0,
        total_liabilities: b.total_liabilities.0,
        total_net_assets: b.total_net_assets.0,
        balanced: b.balances(),
    })
}

/// Sets opening balances (期初余额): every row (code, debit, credit); the debits must equal the
/// credits. With `dry_run` nothing is written; the per-row problems come back either way.
pub async fn set_opening(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    rows: &[rules::Line],
    dry_run: bool,
) -> Result<Vec<String>, FinError> {
    let chart = accounts(tx, school_id).await?;
    let mut problems = Vec::new();
    let (mut d, mut c) = (Fen::ZERO, Fen::ZERO);
    for (i, r) in rows.iter().enumerate() {
        if !chart.iter().any(|a| a.code == r.account) {
            problems.push(format!("第{}行：科目“{}”不存在", i + 1, r.account));
        }
        if r.debit.is_negative() || r.credit.is_negative() {
            problems.push(format!("第{}行：金额不能为负数", i + 1));
        }
        d = add_fen(d, r.debit).map_err(StoreError::Money)?;
        c = add_fen(c, r.credit).map_err(StoreError::Money)?;
    }
    if d != c {
        problems.push(format!("期初借方合计 {} 元与贷方合计 {} 元不相等", d.yuan_string(), c.yuan_string()));
    }
    if dry_run || !problems.is_empty() {
        return Ok(problems);
    }
    sqlx::query("DELETE FROM fin_opening_balances WHERE school_id = $1").bind(school_id).execute(&mut **tx).await?;
    for r in rows {
        sqlx::query(
            "INSERT INTO fin_opening_balances (school_id, account_code, debit_fen, credit_fen, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (school_id, account_code) DO UPDATE SET debit_fen = fin_opening_balances.debit_fen + excluded.debit_fen, \
             credit_fen = fin_opening_balances.credit_fen + excluded.credit_fen",
        )
        .bind(school_id)
        .bind(&r.account)
        .bind(r.debit.0)
        .bind(r.credit.0)
        .bind(actor)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "finance.opening_set", school_id).detail(format!("{} rows", rows.len())),
    )
    .await?;
    Ok(problems)
}

/// One line of an account's ledger (明细账) with the running balance on the account's side.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerLine {
    pub voucher_id: String,
    pub date: String,
    pub period: String,
    pub number: i64,
    pub summary: String,
    pub debit: i64,
    pub credit: i64,
    pub balance: i64,
}

/// The ledger of an account (and its sub-accounts) between two dates: one query, whatever the
/// size of the books.
pub async fn ledger(
    tx: &mut Tx,
    school_id: &str,
    code: &str,
    from: &str,
    to: &str,
) -> Result<Vec<LedgerLine>, StoreError> {
    let kind = AccountKind::of_code(code).ok_or(StoreError::NotFound)?;
    let rows: Vec<(String, String, String, i64, String, i64, i64)> = sqlx::query_as(
        "SELECT v.id, v.voucher_date, v.period, v.number, v.summary, l.debit_fen, l.credit_fen FROM fin_lines l \
         JOIN fin_vouchers v ON v.id = l.voucher_id \
         WHERE l.school_id = $1 AND l.account_code LIKE $2 AND v.state = 'approved' AND v.voucher_date >= $3 AND v.voucher_date <= $4 \
         ORDER BY v.voucher_date, v.period, v.number, l.line_no",
    )
    .bind(school_id)
    .bind(format!("{code}%"))
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?;
    let mut bal = Fen::ZERO;
    let mut out = Vec::with_capacity(rows.len());
    for (voucher_id, date, period, number, summary, d, c) in rows {
        let delta = rules::balance(kind, Fen(d), Fen(c))?;
        bal = add_fen(bal, delta)?;
        out.push(LedgerLine { voucher_id, date, period, number, summary, debit: d, credit: c, balance: bal.0 });
    }
    Ok(out)
}

/// Drafts the month's dues received (会费收入: debit 102, credit 401) from the dues records paid
/// in that month. None when nothing was paid. Idempotent per month.
pub async fn draft_dues(tx: &mut Tx, school_id: &str, year: i32, month: u32) -> Result<Option<String>, StoreError> {
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or(StoreError::Invalid("月份不正确".into()))?;
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .ok_or(StoreError::Invalid("月份不正确".into()))?;
    let (sum, n): (Option<i64>, i64) =
        sqlx::query_as("SELECT CAST(SUM(amount_fen) AS BIGINT), COUNT(*) FROM dues_payments WHERE school_id = $1 AND paid_on >= $2 AND paid_on <= $3")
            .bind(school_id)
            .bind(first.format("%Y-%m-%d").to_string())
            .bind(last.format("%Y-%m-%d").to_string())
            .fetch_one(&mut **tx)
            .await?;
    let amount = Fen(sum.unwrap_or(0));
    if amount.0 <= 0 {
        return Ok(None);
    }
    let period = rules::period_of(first);
    let summary = format!("{period} 会费收入（{n} 笔）");
    let link = format!("/members/dues?month={period}");
    let id = create_draft(
        tx,
        &DraftRequest {
            school_id,
            date: last,
            summary: &summary,
            debit_account: "102",
            credit_account: "401",
            amount,
            source_kind: "dues",
            source_id: &period,
            link: &link,
            needs_clearance: false,
        },
    )
    .await?;
    Ok(Some(id))
}

/// Drafts the union's kept share of the school's 2 % payroll allocation (拨缴经费收入: debit 102,
/// credit 402) for a month's payroll. Idempotent per month.
pub async fn draft_allocation(
    tx: &mut Tx,
    school_id: &str,
    date: NaiveDate,
    payroll: Fen,
) -> Result<String, StoreError> {
    let s = settings(tx, school_id).await?;
    let kept = rules::allocation_kept(payroll, s.keep_share_pct).ok_or(StoreError::Invalid("工资总额过大".into()))?;
    let period = rules::period_of(date);
    let summary = format!("{period} 拨缴经费（工资总额 {} 元 × 2% × {}%）", payroll.yuan_string(), s.keep_share_pct);
    create_draft(
        tx,
        &DraftRequest {
            school_id,
            date,
            summary: &summary,
            debit_account: "102",
            credit_account: "402",
            amount: kept,
            source_kind: "allocation",
            source_id: &period,
            link: "",
            needs_clearance: false,
        },
    )
    .await
}

/// Sets the year's budget of a category (a top expense account); refused once approved.
pub async fn set_budget(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    year: i64,
    cat: &str,
    amount: Fen,
) -> Result<(), FinError> {
    ensure_chart(tx, school_id).await?;
    if rules::budget_category(cat) != Some(cat) {
        return Err(StoreError::Invalid(format!("“{cat}”不是支出类一级科目，预算请按 501、503、504 等类别编制")).into());
    }
    if amount.is_negative() {
        return Err(StoreError::Invalid("预算金额不能为负数".into()).into());
    }
    if budget_approved(tx, school_id, year).await?.is_some() {
        return Err(StoreError::Conflict("本年度预算已经委员会批准，不能再修改".into()).into());
    }
    sqlx::query(
        "INSERT INTO fin_budgets (school_id, year, account_code, amount_fen) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (school_id, year, account_code) DO UPDATE SET amount_fen = excluded.amount_fen",
    )
    .bind(school_id)
    .bind(year)
    .bind(cat)
    .bind(amount.0)
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "finance.budget_set", cat).detail(format!("{year} {}", amount.0)),
    )
    .await?;
    Ok(())
}

pub async fn budget_approved(tx: &mut Tx, school_id: &str, year: i64) -> Result<Option<(String, String)>, StoreError> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT approved_by, decision FROM fin_budget_approvals WHERE school_id = $1 AND year = $2")
            .bind(school_id)
            .bind(year)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row)
}

/// The committee approves the year's budget (with its decision's text).
pub async fn approve_budget(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    year: i64,
    decision: &str,
) -> Result<(), FinError> {
    if decision.trim().is_empty() {
        return Err(StoreError::Invalid("请填写委员会审议预算的决定（日期、参加人员、结论）".into()).into());
    }
    sqlx::query("INSERT INTO fin_budget_approvals (school_id, year, approved_by, approved_at, decision) VALUES ($1, $2, $3, $4, $5)")
        .bind(school_id)
        .bind(year)
        .bind(actor)
        .bind(now_ms())
        .bind(decision.trim())
        .execute(&mut **tx)
        .await
        .map_err(crate::unique_as("本年度预算已批准"))?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "finance.budget_approved", &year.to_string()))
        .await?;
    Ok(())
}

/// One category of the budget execution: budget, actual by month, total, percentage in tenths.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetRow {
    pub code: String,
    pub name: String,
    pub budget: i64,
    pub months: Vec<i64>,
    pub actual: i64,
    pub permille: i64,
}

pub async fn budget_execution(tx: &mut Tx, school_id: &str, year: i64) -> Result<Vec<BudgetRow>, StoreError> {
    let n = names(tx, school_id).await?;
    let budgets: Vec<(String, i64)> = sqlx::query_as(
        "SELECT account_code, amount_fen FROM fin_budgets WHERE school_id = $1 AND year = $2 ORDER BY account_code",
    )
    .bind(school_id)
    .bind(year)
    .fetch_all(&mut **tx)
    .await?;
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT v.period, l.account_code, CAST(SUM(l.debit_fen) AS BIGINT), CAST(SUM(l.credit_fen) AS BIGINT) FROM fin_lines l JOIN fin_vouchers v ON v.id = l.voucher_id \
         WHERE v.school_id = $1 AND v.state = 'approved' AND v.closing = 0 AND v.voucher_date >= $2 AND v.voucher_date <= $3 \
         AND l.account_code LIKE '5%' GROUP BY v.period, l.account_code",
    )
    .bind(school_id)
    .bind(format!("{year}-01-01"))
    .bind(format!("{year}-12-31"))
    .fetch_all(&mut **tx)
    .await?;
    let mut cats: std::collections::BTreeMap<String, BudgetRow> = std::collections::BTreeMap::new();
    for (code, amount) in budgets {
        cats.insert(
            code.clone(),
            BudgetRow {
                name: n.get(&code).cloned().unwrap_or_default(),
                code,
                budget: amount,
                months: vec![0; 12],
                actual: 0,
                permille: 0,
            },
        );
    }
    for (period, code, d, c) in rows {
        let Some(cat) = rules::budget_category(&code) else { continue };
        let row = cats.entry(cat.to_string()).or_insert_with(|| BudgetRow {
            code: cat.to_string(),
            name: n.get(cat).cloned().unwrap_or_default(),
            budget: 0,
            months: vec![0; 12],
            actual: 0,
            permille: 0,
        });
        let m: usize = period.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
        let net = d.saturating_sub(c);
        if let Some(slot) = row.months.get_mut(m.saturating_sub(1)) {
            *slot = slot.saturating_add(net);
        }
        row.actual = row.actual.saturating_add(net);
    }
    Ok(cats
        .into_values()
        .map(|mut r| {
            r.permille = if r.budget > 0 { r.actual.saturating_mul(1000) / r.budget } else { 0 };
            r
        })
        .collect())
}

/// The automatic findings over a range, each with its vouchers.
pub async fn audit_findings(tx: &mut Tx, school_id: &str, from: &str, to: &str) -> Result<Vec<Finding>, StoreError> {
    let s = settings(tx, school_id).await?;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(String, String, i64, String, String, String, i64, String, String, Option<String>, i64, Option<String>, Option<String>, Option<String>)> =
        sqlx::query_as(
            "SELECT v.id, v.period, v.number, v.voucher_date, v.summary, v.payee, v.amount_fen, v.state, v.prepared_by, v.approved_by, \
             v.closing, v.source_kind, v.override_reason, CASE WHEN v.needs_clearance = 1 THEN 'above' ELSE NULL END \
             FROM fin_vouchers v WHERE v.school_id = $1 AND v.voucher_date >= $2 AND v.voucher_date <= $3 ORDER BY v.period, v.number",
        )
        .bind(school_id)
        .bind(from)
        .bind(to)
        .fetch_all(&mut **tx)
        .await?;
    let sums: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT l.voucher_id, CAST(SUM(l.debit_fen) AS BIGINT), CAST(SUM(l.credit_fen) AS BIGINT), CAST(SUM(CASE WHEN l.account_code LIKE '5%' THEN l.debit_fen ELSE 0 END) AS BIGINT) \
         FROM fin_lines l JOIN fin_vouchers v ON v.id = l.voucher_id \
         WHERE v.school_id = $1 AND v.voucher_date >= $2 AND v.voucher_date <= $3 GROUP BY l.voucher_id",
    )
    .bind(school_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?;
    let sums: std::collections::HashMap<String, (i64, i64, i64)> =
        sums.into_iter().map(|(id, d, c, e)| (id, (d, c, e))).collect();
    let atts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT a.voucher_id, COUNT(*) FROM fin_attachments a JOIN fin_vouchers v ON v.id = a.voucher_id \
         WHERE v.school_id = $1 AND v.voucher_date >= $2 AND v.voucher_date <= $3 GROUP BY a.voucher_id",
    )
    .bind(school_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?;
    let atts: std::collections::HashMap<String, i64> = atts.into_iter().collect();
    // Budgets and spending per category and year, to spot approved expenses over budget.
    let mut vs = Vec::with_capacity(rows.len());
    let mut spent: std::collections::HashMap<(i64, String), i64> = std::collections::HashMap::new();
    let mut budgets: std::collections::HashMap<(i64, String), Option<i64>> = std::collections::HashMap::new();
    for (
        id,
        period,
        number,
        date,
        summary,
        payee,
        amount,
        state,
        prepared_by,
        approved_by,
        closing,
        source_kind,
        override_reason,
        above,
    ) in rows
    {
        let (d, c, exp) = sums.get(&id).copied().unwrap_or((0, 0, 0));
        let date = rules::parse_date(&date).unwrap_or_default();
        let approved = state == "approved";
        let mut over = false;
        if approved && closing == 0 && exp > 0 {
            let lines: Vec<(String, i64)> =
                sqlx::query_as("SELECT account_code, debit_fen FROM fin_lines WHERE voucher_id = $1 AND debit_fen > 0")
                    .bind(&id)
                    .fetch_all(&mut **tx)
                    .await?;
            for (code, amt) in lines {
                let Some(cat) = rules::budget_category(&code) else { continue };
                let key = (i64::from(date.year()), cat.to_string());
                if !budgets.contains_key(&key) {
                    let b: Option<(i64,)> = sqlx::query_as(
                        "SELECT amount_fen FROM fin_budgets WHERE school_id = $1 AND year = $2 AND account_code = $3",
                    )
                    .bind(school_id)
                    .bind(key.0)
                    .bind(cat)
                    .fetch_optional(&mut **tx)
                    .await?;
                    budgets.insert(key.clone(), b.map(|b| b.0));
                }
                let s = spent.entry(key.clone()).or_insert(0);
                *s = s.saturating_add(amt);
                if let Some(Some(b)) = budgets.get(&key) {
                    if *s > *b && override_reason.is_none() {
                        over = true;
                    }
                }
            }
        }
        let care = source_kind.as_deref().is_some_and(|k| k.starts_with("care"));
        vs.push(AuditVoucher {
            id,
            period,
            number,
            date,
            summary,
            payee,
            amount: Fen(amount),
            approved,
            prepared_by,
            approved_by,
            is_expense: exp > 0,
            attachments: 0,
            source_kind,
            // A care payment whose area asked for a clearance was above its standard or cap.
            above_standard: care && above.is_some(),
            over_budget_without_override: over,
            debit: Fen(d),
            credit: Fen(c),
            closing: closing != 0,
        });
        if let Some(last) = vs.last_mut() {
            last.attachments = atts.get(&last.id).copied().unwrap_or(0);
        }
    }
    Ok(rules::findings(&vs, s.threshold))
}

/// An auditor's opinion on a period.
#[derive(Debug, Clone, Serialize)]
pub struct Opinion {
    pub period_from: String,
    pub period_to: String,
    pub opinion: String,
    pub written_by: String,
    pub written_at: i64,
}

pub async fn set_opinion(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    from: &str,
    to: &str,
    text: &str,
) -> Result<(), FinError> {
    if text.trim().is_empty() {
        return Err(StoreError::Invalid("请填写审查意见".into()).into());
    }
    sqlx::query(
        "INSERT INTO fin_opinions (school_id, period_from, period_to, opinion, written_by, written_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (school_id, period_from, period_to) DO UPDATE SET opinion = excluded.opinion, written_by = excluded.written_by, \
         written_at = excluded.written_at",
    )
    .bind(school_id)
    .bind(from)
    .bind(to)
    .bind(text.trim())
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "finance.opinion", &format!("{from}..{to}"))).await?;
    Ok(())
}

pub async fn opinions(tx: &mut Tx, school_id: &str) -> Result<Vec<Opinion>, StoreError> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT period_from, period_to, opinion, written_by, written_at FROM fin_opinions WHERE school_id = $1 ORDER BY period_from DESC",
    )
    .bind(school_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(period_from, period_to, opinion, written_by, written_at)| Opinion {
            period_from,
            period_to,
            opinion,
            written_by,
            written_at,
        })
        .collect())
}

/// The members' view of a half year: category totals, budget execution, large items, care
/// payments aggregated (counts under 3 shown as "<3").
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DisclosureBody {
    pub income: Vec<(String, String, i64)>,
    pub expense: Vec<(String, String, i64)>,
    pub total_income: i64,
    pub total_expense: i64,
    pub budget: Vec<(String, String, i64, i64)>,
    pub large_items: Vec<(String, String, i64)>,
    pub care: Vec<(String, String, i64)>,
}

#[derive(Debug, Clone)]
pub struct Disclosure {
    pub id: String,
    pub period_from: String,
    pub period_to: String,
    pub title: String,
    pub body: DisclosureBody,
    pub state: String,
    pub published_at: Option<i64>,
}

/// Drafts the disclosure of the months `from`..=`to` ("2026-01".."2026-06"): every month must be
/// closed. Idempotent per range (redrafting a draft replaces its figures).
pub async fn draft_disclosure(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    from: &str,
    to: &str,
) -> Result<String, FinError> {
    let closed = closed_periods(tx, school_id).await?;
    let start = rules::parse_date(&format!("{from}-01"))?;
    let end_first = rules::parse_date(&format!("{to}-01"))?;
    let mut m = start;
    while m <= end_first {
        let p = rules::period_of(m);
        if !closed.contains(&p) {
            return Err(StoreError::Invalid(format!("{p} 尚未结账，请先结账后再生成公开稿")).into());
        }
        m = m.checked_add_months(chrono::Months::new(1)).ok_or(FinanceError::BadDate)?;
    }
    let last =
        end_first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).ok_or(FinanceError::BadDate)?;
    let (df, dt) = (start.format("%Y-%m-%d").to_string(), last.format("%Y-%m-%d").to_string());
    let st = income_statement(tx, school_id, &df, &dt).await?;
    let threshold = settings(tx, school_id).await?.threshold;
    let large: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT voucher_date, summary, amount_fen FROM fin_vouchers WHERE school_id = $1 AND state = 'approved' AND closing = 0 \
         AND voucher_date >= $2 AND voucher_date <= $3 AND amount_fen > $4 AND (source_kind IS NULL OR source_kind NOT LIKE 'care%') \
         ORDER BY voucher_date",
    )
    .bind(school_id)
    .bind(&df)
    .bind(&dt)
    .bind(threshold.0)
    .fetch_all(&mut **tx)
    .await?;
    let care_rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT l.account_code, COUNT(DISTINCT v.id), CAST(SUM(l.debit_fen) AS BIGINT) FROM fin_lines l JOIN fin_vouchers v ON v.id = l.voucher_id \
         WHERE v.school_id = $1 AND v.state = 'approved' AND v.closing = 0 AND v.voucher_date >= $2 AND v.voucher_date <= $3 \
         AND (l.account_code LIKE '50404%' OR l.account_code LIKE '50405%') AND l.debit_fen > 0 GROUP BY l.account_code",
    )
    .bind(school_id)
    .bind(&df)
    .bind(&dt)
    .fetch_all(&mut **tx)
    .await?;
    let n = names(tx, school_id).await?;
    let year: i64 = from.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    let budget = budget_execution(tx, school_id, year).await?;
    let body = DisclosureBody {
        income: st.income.iter().map(|f| (f.code.clone(), f.name.clone(), f.amount)).collect(),
        expense: st.expense.iter().map(|f| (f.code.clone(), f.name.clone(), f.amount)).collect(),
        total_income: st.total_income,
        total_expense: st.total_expense,
        budget: budget.iter().map(|b| (b.code.clone(), b.name.clone(), b.budget, b.actual)).collect(),
        large_items: large,
        care: care_rows
            .into_iter()
            .map(|(c, k, a)| (n.get(&c).cloned().unwrap_or(c), rules::masked_count(k), a))
            .collect(),
    };
    let json = serde_json::to_string(&body).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let title = format!("{from} 至 {to} 工会经费收支情况公开");
    let existing: Option<(String, String)> = sqlx::query_as(
        "SELECT id, state FROM fin_disclosures WHERE school_id = $1 AND period_from = $2 AND period_to = $3",
    )
    .bind(school_id)
    .bind(from)
    .bind(to)
    .fetch_optional(&mut **tx)
    .await?;
    let id = match existing {
        Some((_, state)) if state == "published" => {
            return Err(StoreError::Conflict("该期收支情况已公开，不能再修改".into()).into())
        }
        Some((id, _)) => {
            sqlx::query("UPDATE fin_disclosures SET body = $1, title = $2 WHERE id = $3")
                .bind(&json)
                .bind(&title)
                .bind(&id)
                .execute(&mut **tx)
                .await?;
            id
        }
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO fin_disclosures (id, school_id, period_from, period_to, title, body, state, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8)",
            )
            .bind(&id)
            .bind(school_id)
            .bind(from)
            .bind(to)
            .bind(&title)
            .bind(&json)
            .bind(actor)
            .bind(now_ms())
            .execute(&mut **tx)
            .await?;
            id
        }
    };
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "finance.disclosure_drafted", &id)).await?;
    Ok(id)
}

type DisclosureRow = (String, String, String, String, String, String, Option<i64>);

fn to_disclosure(r: DisclosureRow) -> Result<Disclosure, StoreError> {
    let (id, period_from, period_to, title, body, state, published_at) = r;
    let body: DisclosureBody = serde_json::from_str(&body).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Ok(Disclosure { id, period_from, period_to, title, body, state, published_at })
}

pub async fn disclosure(tx: &mut Tx, school_id: &str, id: &str) -> Result<Disclosure, StoreError> {
    let r: Option<DisclosureRow> = sqlx::query_as(
        "SELECT id, period_from, period_to, title, body, state, published_at FROM fin_disclosures WHERE id = $1 AND school_id = $2",
    )
    .bind(id)
    .bind(school_id)
    .fetch_optional(&mut **tx)
    .await?;
    to_disclosure(r.ok_or(StoreError::NotFound)?)
}

pub async fn disclosures(tx: &mut Tx, school_id: &str, published_only: bool) -> Result<Vec<Disclosure>, StoreError> {
    let rows: Vec<DisclosureRow> = sqlx::query_as(
        "SELECT id, period_from, period_to, title, body, state, published_at FROM fin_disclosures WHERE school_id = $1 \
         AND ($2 = 0 OR state = 'published') ORDER BY period_from DESC",
    )
    .bind(school_id)
    .bind(i64::from(published_only))
    .fetch_all(&mut **tx)
    .await?;
    rows.into_iter().map(to_disclosure).collect()
}

/// The chair publishes: every member with an account is told, in the same transaction.
pub async fn publish_disclosure(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    id: &str,
) -> Result<(), FinError> {
    let d = disclosure(tx, school_id, id).await?;
    if d.state == "published" {
        return Err(StoreError::Conflict("该期收支情况已公开".into()).into());
    }
    sqlx::query("UPDATE fin_disclosures SET state = 'published', published_by = $1, published_at = $2 WHERE id = $3")
        .bind(actor)
        .bind(now_ms())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let members: Vec<(String,)> = sqlx::query_as("SELECT id FROM members WHERE school_id = $1 AND status = 'active'")
        .bind(school_id)
        .fetch_all(&mut **tx)
        .await?;
    let link = format!("/finance/disclosures/{id}");
    for (m,) in members {
        notify::send(
            tx,
            &NewNotification {
                school_id,
                member_id: &m,
                kind: "finance.disclosure",
                link: &link,
                title: &d.title,
                body: "",
                urgent: false,
            },
        )
        .await?;
    }
    // The disclosure is also a 校务公开 item (经费收支), with its publicity period from today.
    crate::transparency::items::publish_linked(
        tx,
        crypto,
        &crate::transparency::items::LinkedItem {
            school_id,
            category: jiaogong_domain::transparency::Category::Funds,
            title: &d.title,
            link: &link,
            source_kind: "finance_disclosure",
            source_id: id,
            start: crate::today_cn(),
            working_days: jiaogong_domain::transparency::DEFAULT_WORKING_DAYS,
        },
    )
    .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "finance.disclosure_published", id)).await?;
    Ok(())
}

/// The half year whose disclosure is due: the latest finished half year (by `today`) with no
/// published disclosure. None when it is published.
pub async fn disclosure_due(
    tx: &mut Tx,
    school_id: &str,
    today: NaiveDate,
) -> Result<Option<(String, String)>, StoreError> {
    let (from, to) = if today.month() >= 7 {
        (format!("{}-01", today.year()), format!("{}-06", today.year()))
    } else {
        (format!("{}-07", today.year() - 1), format!("{}-12", today.year() - 1))
    };
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM fin_disclosures WHERE school_id = $1 AND period_from = $2 AND period_to = $3 AND state = 'published'",
    )
    .bind(school_id)
    .bind(&from)
    .bind(&to)
    .fetch_one(&mut **tx)
    .await?;
    Ok(if n == 0 { Some((from, to)) } else { None })
}

/// A member's question and its public answer.
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub id: String,
    pub question: String,
    pub asked_at: i64,
    pub answer: Option<String>,
    pub answered_at: Option<i64>,
}

pub async fn ask(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    user: &str,
    disclosure_id: &str,
    text: &str,
) -> Result<String, FinError> {
    let d = disclosure(tx, school_id, disclosure_id).await?;
    if d.state != "published" {
        return Err(StoreError::NotFound.into());
    }
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 1000 {
        return Err(StoreError::Invalid("请填写问题（不超过1000字）".into()).into());
    }
    let id = new_id();
    sqlx::query("INSERT INTO fin_questions (id, disclosure_id, school_id, asked_by, question, asked_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(disclosure_id)
        .bind(school_id)
        .bind(user)
        .bind(t)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), user, "finance.question_asked", &id)).await?;
    Ok(id)
}

pub async fn answer(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    question_id: &str,
    text: &str,
) -> Result<(), FinError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(StoreError::Invalid("请填写答复".into()).into());
    }
    let r = sqlx::query(
        "UPDATE fin_questions SET answer = $1, answered_by = $2, answered_at = $3 WHERE id = $4 AND school_id = $5",
    )
    .bind(t)
    .bind(actor)
    .bind(now_ms())
    .bind(question_id)
    .bind(school_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound.into());
    }
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "finance.question_answered", question_id)).await?;
    Ok(())
}

pub async fn questions(tx: &mut Tx, school_id: &str, disclosure_id: &str) -> Result<Vec<Question>, StoreError> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(String, String, i64, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT id, question, asked_at, answer, answered_at FROM fin_questions WHERE school_id = $1 AND disclosure_id = $2 ORDER BY asked_at",
    )
    .bind(school_id)
    .bind(disclosure_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, question, asked_at, answer, answered_at)| Question { id, question, asked_at, answer, answered_at })
        .collect())
}

use jiaogong_domain::finance::FinanceError;
