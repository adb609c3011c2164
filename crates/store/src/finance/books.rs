//! Accounts, vouchers, review and approval, closing.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use jiaogong_domain::finance::{self as rules, AccountKind, ApprovalBlock, ApprovalFacts, FinanceError, Line};
use jiaogong_domain::platform::money::Fen;

use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, StoreError, Tx};

/// What went wrong in finance: a rule (shown to the user), a block on approval, or the store.
#[derive(Debug, thiserror::Error)]
pub enum FinError {
    #[error("{0}")]
    Rule(#[from] FinanceError),
    #[error("{}", .0.message())]
    Blocked(ApprovalBlock),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for FinError {
    fn from(e: sqlx::Error) -> Self {
        FinError::Store(StoreError::Db(e))
    }
}

/// An account of a school's chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub code: String,
    pub name: String,
    pub kind: AccountKind,
    pub parent_code: Option<String>,
    pub restricted: bool,
}

/// Seeds the default chart for the school when it has none yet (idempotent).
pub async fn ensure_chart(tx: &mut Tx, school_id: &str) -> Result<(), StoreError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM fin_accounts WHERE school_id = $1")
        .bind(school_id)
        .fetch_one(&mut **tx)
        .await?;
    if n > 0 {
        return Ok(());
    }
    let now = now_ms();
    for a in rules::DEFAULT_CHART {
        let kind = AccountKind::of_code(a.code).ok_or_else(|| StoreError::Invalid(a.code.into()))?;
        sqlx::query(
            "INSERT INTO fin_accounts (school_id, code, name, kind, parent_code, restricted, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7) ON CONFLICT (school_id, code) DO NOTHING",
        )
        .bind(school_id)
        .bind(a.code)
        .bind(a.name)
        .bind(kind.code())
        .bind(rules::parent_code(a.code))
        .bind(i64::from(a.restricted))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO fin_settings (school_id, threshold_fen, keep_share_pct, disclosure_months, updated_at) \
         VALUES ($1, $2, 60, 6, $3) ON CONFLICT (school_id) DO NOTHING",
    )
    .bind(school_id)
    .bind(rules::DEFAULT_THRESHOLD.0)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

type AccountRow = (String, String, String, Option<String>, i64);

/// The school's chart, in code order.
pub async fn accounts(tx: &mut Tx, school_id: &str) -> Result<Vec<Account>, StoreError> {
    ensure_chart(tx, school_id).await?;
    let rows: Vec<AccountRow> = sqlx::query_as(
        "SELECT code, name, kind, parent_code, restricted FROM fin_accounts WHERE school_id = $1 AND active = 1 ORDER BY code",
    )
    .bind(school_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(code, name, kind, parent_code, restricted)| {
            Some(Account { code, name, kind: AccountKind::from_code(&kind)?, parent_code, restricted: restricted != 0 })
        })
        .collect())
}

/// Adds a sub-account under an existing account.
pub async fn add_sub_account(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    parent: &str,
    code: &str,
    name: &str,
) -> Result<(), FinError> {
    let chart = accounts(tx, school_id).await?;
    let p =
        chart.iter().find(|a| a.code == parent).ok_or(FinanceError::UnknownAccount { line: 1, code: parent.into() })?;
    rules::check_sub_account(parent, code, name)?;
    sqlx::query(
        "INSERT INTO fin_accounts (school_id, code, name, kind, parent_code, restricted, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
    )
    .bind(school_id)
    .bind(code)
    .bind(name.trim())
    .bind(p.kind.code())
    .bind(parent)
    .bind(i64::from(p.restricted))
    .bind(now_ms())
    .execute(&mut **tx)
    .await
    .map_err(crate::unique_as("科目编码已存在"))?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "finance.account_added", code).detail(name.trim()))
        .await?;
    Ok(())
}

/// The finance settings of a school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub threshold: Fen,
    pub keep_share_pct: i64,
    pub disclosure_months: i64,
}

pub async fn settings(tx: &mut Tx, school_id: &str) -> Result<Settings, StoreError> {
    ensure_chart(tx, school_id).await?;
    let (t, k, d): (i64, i64, i64) = sqlx::query_as(
        "SELECT threshold_fen, keep_share_pct, disclosure_months FROM fin_settings WHERE school_id = $1",
    )
    .bind(school_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Settings { threshold: Fen(t), keep_share_pct: k, disclosure_months: d })
}

pub async fn set_settings(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    s: &Settings,
) -> Result<(), StoreError> {
    ensure_chart(tx, school_id).await?;
    if s.threshold.0 < 0 || !(0..=100).contains(&s.keep_share_pct) || !(1..=12).contains(&s.disclosure_months) {
        return Err(StoreError::Invalid("设置超出范围：标准不能为负，留成比例0–100，公开周期1–12个月".into()));
    }
    sqlx::query("UPDATE fin_settings SET threshold_fen = $1, keep_share_pct = $2, disclosure_months = $3, updated_at = $4 WHERE school_id = $5")
        .bind(s.threshold.0)
        .bind(s.keep_share_pct)
        .bind(s.disclosure_months)
        .bind(now_ms())
        .bind(school_id)
        .execute(&mut **tx)
        .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "finance.settings", school_id)
            .detail(format!("threshold={} share={} months={}", s.threshold.0, s.keep_share_pct, s.disclosure_months)),
    )
    .await?;
    Ok(())
}

/// The closed periods ("2026-09") and closed years ("2026") of a school.
pub async fn closed_periods(tx: &mut Tx, school_id: &str) -> Result<BTreeSet<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT period FROM fin_periods WHERE school_id = $1")
        .bind(school_id)
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A voucher to write.
pub struct NewVoucher<'a> {
    pub date: NaiveDate,
    pub summary: &'a str,
    pub payee: &'a str,
    pub lines: &'a [Line],
    pub prepared_by: &'a str,
    pub source: Option<(&'a str, &'a str)>,
    pub link: &'a str,
    pub needs_clearance: bool,
    pub reverses: Option<&'a str>,
    pub closing: bool,
}

/// Takes the next number of the month: the counter row is created if missing, then updated
/// (the update holds the row lock on PostgreSQL until commit, so a concurrent writer waits and
/// then sees the new value).
async fn next_number(tx: &mut Tx, school_id: &str, period: &str) -> Result<i64, StoreError> {
    sqlx::query("INSERT INTO fin_counters (school_id, period, last_number) VALUES ($1, $2, 0) ON CONFLICT (school_id, period) DO NOTHING")
        .bind(school_id)
        .bind(period)
        .execute(&mut **tx)
        .await?;
    let (n,): (i64,) = sqlx::query_as(
        "UPDATE fin_counters SET last_number = last_number + 1 WHERE school_id = $1 AND period = $2 RETURNING last_number",
    )
    .bind(school_id)
    .bind(period)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n)
}

/// Checks and writes a voucher with its number; returns (id, number). Nothing is written when a
/// rule fails.
pub(crate) async fn insert_voucher(
    tx: &mut Tx,
    school_id: &str,
    v: &NewVoucher<'_>,
) -> Result<(String, i64), FinError> {
    if v.summary.trim().is_empty() {
        return Err(FinanceError::EmptySummary.into());
    }
    let chart = accounts(tx, school_id).await?;
    let known = |c: &str| chart.iter().any(|a| a.code == c);
    let amount = rules::check_double_entry(v.lines, &known)?;
    if !v.closing {
        let closed = closed_periods(tx, school_id).await?;
        rules::check_open(v.date, &closed)?;
    }
    let period = rules::period_of(v.date);
    let number = next_number(tx, school_id, &period).await?;
    let id = new_id();
    let (sk, si) = match v.source {
        Some((k, i)) => (Some(k), Some(i)),
        None => (None, None),
    };
    sqlx::query(
        "INSERT INTO fin_vouchers (id, school_id, period, number, voucher_date, summary, state, amount_fen, payee, prepared_by, \
         reverses_id, source_kind, source_id, link, needs_clearance, closing, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(&period)
    .bind(number)
    .bind(v.date.format("%Y-%m-%d").to_string())
    .bind(v.summary.trim())
    .bind(amount.0)
    .bind(v.payee.trim())
    .bind(v.prepared_by)
    .bind(v.reverses)
    .bind(sk)
    .bind(si)
    .bind(v.link)
    .bind(i64::from(v.needs_clearance))
    .bind(i64::from(v.closing))
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    for (i, l) in v.lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO fin_lines (voucher_id, line_no, school_id, account_code, debit_fen, credit_fen) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(i64::try_from(i).unwrap_or(i64::MAX))
        .bind(school_id)
        .bind(&l.account)
        .bind(l.debit.0)
        .bind(l.credit.0)
        .execute(&mut **tx)
        .await?;
    }
    Ok((id, number))
}

/// Prepares a voucher (经办 = actor) and audits it.
#[allow(clippy::too_many_arguments)]
pub async fn prepare(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    date: NaiveDate,
    summary: &str,
    payee: &str,
    lines: &[Line],
) -> Result<String, FinError> {
    let v = NewVoucher {
        date,
        summary,
        payee,
        lines,
        prepared_by: actor,
        source: None,
        link: "",
        needs_clearance: false,
        reverses: None,
        closing: false,
    };
    let (id, number) = insert_voucher(tx, school_id, &v).await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "finance.voucher_prepared", &id)
            .detail(format!("{} #{number}", rules::period_of(date))),
    )
    .await?;
    Ok(id)
}

/// A voucher as the pages show it.
#[derive(Debug, Clone)]
pub struct Voucher {
    pub id: String,
    pub school_id: String,
    pub period: String,
    pub number: i64,
    pub date: String,
    pub summary: String,
    pub state: String,
    pub amount: Fen,
    pub payee: String,
    pub prepared_by: String,
    pub reviewed_by: Option<String>,
    pub approved_by: Option<String>,
    pub reverses_id: Option<String>,
    pub source_kind: Option<String>,
    pub link: String,
    pub needs_clearance: bool,
    pub cleared_by: Option<String>,
    pub decision: Option<(String, String, String)>,
    pub override_reason: Option<String>,
    pub closing: bool,
    pub lines: Vec<VoucherLine>,
    pub attachments: Vec<AttachmentInfo>,
}

#[derive(Debug, Clone)]
pub struct VoucherLine {
    pub account: String,
    pub name: String,
    pub debit: Fen,
    pub credit: Fen,
}

#[derive(Debug, Clone)]
pub struct AttachmentInfo {
    pub id: String,
    pub file_name: String,
    pub mime: String,
    pub size: i64,
}

pub(crate) const VOUCHER_COLS: &str = "id, school_id, period, number, voucher_date, summary, state, amount_fen, payee, prepared_by, \
    reviewed_by, approved_by, reverses_id, source_kind, link, needs_clearance, cleared_by, decision_date, decision_attendees, \
    decision_minutes, override_reason, closing";

#[derive(sqlx::FromRow)]
pub(crate) struct VoucherRow {
    id: String,
    school_id: String,
    period: String,
    number: i64,
    voucher_date: String,
    summary: String,
    state: String,
    amount_fen: i64,
    payee: String,
    prepared_by: String,
    reviewed_by: Option<String>,
    approved_by: Option<String>,
    reverses_id: Option<String>,
    source_kind: Option<String>,
    link: String,
    needs_clearance: i64,
    cleared_by: Option<String>,
    decision_date: Option<String>,
    decision_attendees: Option<String>,
    decision_minutes: Option<String>,
    override_reason: Option<String>,
    closing: i64,
}

impl VoucherRow {
    pub(crate) fn into_voucher(self) -> Voucher {
        let decision = match (self.decision_date, self.decision_attendees, self.decision_minutes) {
            (Some(d), Some(a), Some(m)) => Some((d, a, m)),
            _ => None,
        };
        Voucher {
            id: self.id,
            school_id: self.school_id,
            period: self.period,
            number: self.number,
            date: self.voucher_date,
            summary: self.summary,
            state: self.state,
            amount: Fen(self.amount_fen),
            payee: self.payee,
            prepared_by: self.prepared_by,
            reviewed_by: self.reviewed_by,
            approved_by: self.approved_by,
            reverses_id: self.reverses_id,
            source_kind: self.source_kind,
            link: self.link,
            needs_clearance: self.needs_clearance != 0,
            cleared_by: self.cleared_by,
            decision,
            override_reason: self.override_reason,
            closing: self.closing != 0,
            lines: Vec::new(),
            attachments: Vec::new(),
        }
    }
}

/// One voucher with lines and attachments, by id within the school (or in any school when
/// `school_id` is None: the API's /vouchers/{id} routes check the school afterwards).
pub async fn voucher(tx: &mut Tx, school_id: Option<&str>, id: &str) -> Result<Voucher, StoreError> {
    let row: Option<VoucherRow> = match school_id {
        Some(s) => {
            sqlx::query_as(&format!("SELECT {VOUCHER_COLS} FROM fin_vouchers WHERE id = $1 AND school_id = $2"))
                .bind(id)
                .bind(s)
                .fetch_optional(&mut **tx)
                .await?
        }
        None => {
            sqlx::query_as(&format!("SELECT {VOUCHER_COLS} FROM fin_vouchers WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?
        }
    };
    let mut v = row.ok_or(StoreError::NotFound)?.into_voucher();
    let lines: Vec<(String, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT l.account_code, a.name, l.debit_fen, l.credit_fen FROM fin_lines l \
         LEFT JOIN fin_accounts a ON a.school_id = l.school_id AND a.code = l.account_code \
         WHERE l.voucher_id = $1 ORDER BY l.line_no",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    v.lines = lines
        .into_iter()
        .map(|(account, name, d, c)| VoucherLine {
            account,
            name: name.unwrap_or_default(),
            debit: Fen(d),
            credit: Fen(c),
        })
        .collect();
    let atts: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT id, file_name, mime, size_bytes FROM fin_attachments WHERE voucher_id = $1 ORDER BY uploaded_at",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    v.attachments =
        atts.into_iter().map(|(id, file_name, mime, size)| AttachmentInfo { id, file_name, mime, size }).collect();
    Ok(v)
}

/// Vouchers of a school between two dates (inclusive, "YYYY-MM-DD"), newest first.
pub async fn list(
    tx: &mut Tx,
    school_id: &str,
    from: &str,
    to: &str,
    state: Option<&str>,
) -> Result<Vec<Voucher>, StoreError> {
    let rows: Vec<VoucherRow> = sqlx::query_as(&format!(
        "SELECT {VOUCHER_COLS} FROM fin_vouchers WHERE school_id = $1 AND voucher_date >= $2 AND voucher_date <= $3 \
         AND ($4 = '' OR state = $4) ORDER BY period DESC, number DESC"
    ))
    .bind(school_id)
    .bind(from)
    .bind(to)
    .bind(state.unwrap_or(""))
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(VoucherRow::into_voucher).collect())
}

/// 审核: by anyone but the preparer.
pub async fn review(tx: &mut Tx, crypto: &Crypto, school_id: &str, actor: &str, id: &str) -> Result<(), FinError> {
    let v = voucher(tx, Some(school_id), id).await?;
    rules::may_review(&v.state, &v.prepared_by, actor).map_err(FinError::Blocked)?;
    let closed = closed_periods(tx, school_id).await?;
    rules::check_open(rules::parse_date(&v.date)?, &closed)?;
    sqlx::query("UPDATE fin_vouchers SET state = 'reviewed', reviewed_by = $1, reviewed_at = $2 WHERE id = $3 AND state <> 'approved'")
        .bind(actor)
        .bind(now_ms())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "finance.voucher_reviewed", id)).await?;
    Ok(())
}

/// Records the committee decision (集体研究) on a voucher that is not yet approved.
#[allow(clippy::too_many_arguments)]
pub async fn record_decision(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    id: &str,
    date: NaiveDate,
    attendees: &str,
    minutes: &str,
) -> Result<(), FinError> {
    if attendees.trim().is_empty() || minutes.trim().is_empty() {
        return Err(StoreError::Invalid("请填写集体研究的参加人员和会议纪要".into()).into());
    }
    let r = sqlx::query(
        "UPDATE fin_vouchers SET decision_date = $1, decision_attendees = $2, decision_minutes = $3 \
         WHERE id = $4 AND school_id = $5 AND state <> 'approved'",
    )
    .bind(date.format("%Y-%m-%d").to_string())
    .bind(attendees.trim())
    .bind(minutes.trim())
    .bind(id)
    .bind(school_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 0 {
        return Err(FinError::Blocked(ApprovalBlock::AlreadyApproved));
    }
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "finance.decision_recorded", id)).await?;
    Ok(())
}

/// Records the reason an expense may exceed its category's budget.
pub async fn record_override(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    id: &str,
    reason: &str,
) -> Result<(), FinError> {
    if reason.trim().is_empty() {
        return Err(StoreError::Invalid("请填写超预算的理由".into()).into());
    }
    let r = sqlx::query(
        "UPDATE fin_vouchers SET override_reason = $1 WHERE id = $2 AND school_id = $3 AND state <> 'approved'",
    )
    .bind(reason.trim())
    .bind(id)
    .bind(school_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 0 {
        return Err(FinError::Blocked(ApprovalBlock::AlreadyApproved));
    }
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "finance.budget_override", id).detail(reason.trim()))
        .await?;
    Ok(())
}

/// Would this voucher's expense lines take a category over the year's budget?
pub async fn over_budget(tx: &mut Tx, school_id: &str, v: &Voucher) -> Result<bool, StoreError> {
    let year: i64 = v.date.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    for l in &v.lines {
        let Some(cat) = rules::budget_category(&l.account) else { continue };
        if l.debit.0 == 0 {
            continue;
        }
        let budget: Option<(i64,)> = sqlx::query_as(
            "SELECT amount_fen FROM fin_budgets WHERE school_id = $1 AND year = $2 AND account_code = $3",
        )
        .bind(school_id)
        .bind(year)
        .bind(cat)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((budget,)) = budget else { continue };
        let spent = super::reports::category_spent(tx, school_id, year, cat).await?;
        if rules::exceeds_budget(Some(Fen(budget)), spent, l.debit) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// 批准: reviewed, by another person than the preparer and reviewer, with the committee decision
/// above the threshold, the clearance a draft asks for, and an override when over budget.
pub async fn approve(tx: &mut Tx, crypto: &Crypto, school_id: &str, actor: &str, id: &str) -> Result<(), FinError> {
    let v = voucher(tx, Some(school_id), id).await?;
    let closed = closed_periods(tx, school_id).await?;
    rules::check_open(rules::parse_date(&v.date)?, &closed)?;
    let s = settings(tx, school_id).await?;
    let over = if v.state == "approved" { false } else { over_budget(tx, school_id, &v).await? };
    let facts = ApprovalFacts {
        state: &v.state,
        prepared_by: &v.prepared_by,
        reviewed_by: v.reviewed_by.as_deref(),
        amount: v.amount,
        threshold: s.threshold,
        has_decision: v.decision.is_some(),
        needs_clearance: v.needs_clearance,
        cleared: v.cleared_by.is_some(),
        over_budget: over,
        has_override: v.override_reason.is_some(),
    };
    if let Err(block) = rules::may_approve(&facts, actor) {
        audit::append(
            tx,
            crypto,
            &Event::new(Some(school_id), actor, "finance.approval_refused", id).detail(block.code()),
        )
        .await?;
        return Err(FinError::Blocked(block));
    }
    sqlx::query("UPDATE fin_vouchers SET state = 'approved', approved_by = $1, approved_at = $2 WHERE id = $3 AND state = 'reviewed'")
        .bind(actor)
        .bind(now_ms())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "finance.voucher_approved", id)).await?;
    Ok(())
}

/// A correction: a reversing voucher of an approved one, dated `date` (in an open month),
/// linked to the original. Returns the new voucher's id.
pub async fn reverse(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    id: &str,
    date: NaiveDate,
) -> Result<String, FinError> {
    let v = voucher(tx, Some(school_id), id).await?;
    if v.state != "approved" {
        return Err(StoreError::Invalid("只有已批准的凭证需要冲销；未批准的凭证可直接退回修改".into()).into());
    }
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM fin_vouchers WHERE reverses_id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    if n > 0 {
        return Err(StoreError::Conflict("该凭证已有冲销凭证".into()).into());
    }
    let lines: Vec<Line> =
        v.lines.iter().map(|l| Line { account: l.account.clone(), debit: l.debit, credit: l.credit }).collect();
    let rev = rules::reversing_lines(&lines);
    let summary = format!("冲销{}第{}号凭证：{}", v.period, v.number, v.summary);
    let nv = NewVoucher {
        date,
        summary: &summary,
        payee: &v.payee,
        lines: &rev,
        prepared_by: actor,
        source: None,
        link: "",
        needs_clearance: false,
        reverses: Some(id),
        closing: false,
    };
    let (new, _) = insert_voucher(tx, school_id, &nv).await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "finance.voucher_reversed", id).detail(new.clone()))
        .await?;
    Ok(new)
}

/// Deletes nothing: an unapproved voucher is edited by replacing its lines.
#[allow(clippy::too_many_arguments)]
pub async fn edit(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    id: &str,
    summary: &str,
    payee: &str,
    lines: &[Line],
) -> Result<(), FinError> {
    let v = voucher(tx, Some(school_id), id).await?;
    if v.state == "approved" {
        return Err(FinError::Blocked(ApprovalBlock::AlreadyApproved));
    }
    let closed = closed_periods(tx, school_id).await?;
    rules::check_open(rules::parse_date(&v.date)?, &closed)?;
    if summary.trim().is_empty() {
        return Err(FinanceError::EmptySummary.into());
    }
    let chart = accounts(tx, school_id).await?;
    let known = |c: &str| chart.iter().any(|a| a.code == c);
    let amount = rules::check_double_entry(lines, &known)?;
    sqlx::query(
        "UPDATE fin_vouchers SET summary = $1, payee = $2, amount_fen = $3, state = 'draft', reviewed_by = NULL, reviewed_at = NULL \
         WHERE id = $4 AND state <> 'approved'",
    )
    .bind(summary.trim())
    .bind(payee.trim())
    .bind(amount.0)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM fin_lines WHERE voucher_id = $1").bind(id).execute(&mut **tx).await?;
    for (i, l) in lines.iter().enumerate() {
        sqlx::query(
            "INSERT INTO fin_lines (voucher_id, line_no, school_id, account_code, debit_fen, credit_fen) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(i64::try_from(i).unwrap_or(i64::MAX))
        .bind(school_id)
        .bind(&l.account)
        .bind(l.debit.0)
        .bind(l.credit.0)
        .execute(&mut **tx)
        .await?;
    }
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "finance.voucher_edited", id)).await?;
    Ok(())
}

/// Attaches a receipt (票据) whose type the caller checked by content.
#[allow(clippy::too_many_arguments)]
pub async fn attach(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    voucher_id: &str,
    file_name: &str,
    mime: &str,
    bytes: &[u8],
) -> Result<String, FinError> {
    let v = voucher(tx, Some(school_id), voucher_id).await?;
    if v.state == "approved" {
        return Err(FinError::Blocked(ApprovalBlock::AlreadyApproved));
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO fin_attachments (id, voucher_id, school_id, file_name, mime, size_bytes, content, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(voucher_id)
    .bind(school_id)
    .bind(file_name)
    .bind(mime)
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .bind(bytes)
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "finance.attachment_added", voucher_id).detail(file_name.to_string()),
    )
    .await?;
    Ok(id)
}

/// An attachment's (mime, file name, bytes), within the school.
pub async fn attachment(tx: &mut Tx, school_id: &str, id: &str) -> Result<(String, String, Vec<u8>), StoreError> {
    let row: Option<(String, String, Vec<u8>)> =
        sqlx::query_as("SELECT mime, file_name, content FROM fin_attachments WHERE id = $1 AND school_id = $2")
            .bind(id)
            .bind(school_id)
            .fetch_optional(&mut **tx)
            .await?;
    row.ok_or(StoreError::NotFound)
}

/// 结账 of a month: every earlier month with vouchers closed, and no voucher of the month left
/// unapproved.
pub async fn close_month(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    period: &str,
) -> Result<(), FinError> {
    let closed = closed_periods(tx, school_id).await?;
    if closed.contains(period) {
        return Err(FinanceError::PeriodClosed { period: period.into() }.into());
    }
    let months: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT period FROM fin_vouchers WHERE school_id = $1 ORDER BY period")
            .bind(school_id)
            .fetch_all(&mut **tx)
            .await?;
    let months: Vec<String> = months.into_iter().map(|m| m.0).collect();
    if let Some(m) = rules::earlier_open_month(period, &months, &closed) {
        return Err(StoreError::Invalid(format!("请先结账更早的月份 {m}")).into());
    }
    let (open,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM fin_vouchers WHERE school_id = $1 AND period = $2 AND state <> 'approved'",
    )
    .bind(school_id)
    .bind(period)
    .fetch_one(&mut **tx)
    .await?;
    if open > 0 {
        return Err(StoreError::Invalid(format!("{period} 还有 {open} 张凭证未批准，请处理后再结账")).into());
    }
    sqlx::query("INSERT INTO fin_periods (school_id, period, closed_by, closed_at) VALUES ($1, $2, $3, $4)")
        .bind(school_id)
        .bind(period)
        .bind(actor)
        .bind(now_ms())
        .execute(&mut **tx)
        .await
        .map_err(crate::unique_as("该月已结账"))?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "finance.month_closed", period)).await?;
    Ok(())
}

/// Year-end close: a closing voucher (dated 12-31, approved by the closer, marked as closing)
/// brings every income and expense account to zero into 321/322, so the balances carried into
/// the next year are the balance sheet's; then December and the year are closed.
pub async fn close_year(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    year: i32,
) -> Result<Option<String>, FinError> {
    let closed = closed_periods(tx, school_id).await?;
    let ykey = year.to_string();
    if closed.contains(&ykey) {
        return Err(FinanceError::PeriodClosed { period: ykey }.into());
    }
    let from = format!("{year}-01-01");
    let to = format!("{year}-12-31");
    let (open,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM fin_vouchers WHERE school_id = $1 AND voucher_date >= $2 AND voucher_date <= $3 AND state <> 'approved'",
    )
    .bind(school_id)
    .bind(&from)
    .bind(&to)
    .fetch_one(&mut **tx)
    .await?;
    if open > 0 {
        return Err(StoreError::Invalid(format!("{year}年还有 {open} 张凭证未批准，请处理后再年终结账")).into());
    }
    let t = super::reports::totals_between(tx, school_id, &from, &to).await?;
    let chart = accounts(tx, school_id).await?;
    let restricted = |c: &str| chart.iter().any(|a| a.code == c && a.restricted);
    let lines = rules::closing_lines(&t, &restricted).map_err(StoreError::Money)?;
    let date = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(FinanceError::BadDate)?;
    let mut closing_id = None;
    if !lines.is_empty() {
        let summary = format!("{year}年度收支结转");
        let nv = NewVoucher {
            date,
            summary: &summary,
            payee: "",
            lines: &lines,
            prepared_by: actor,
            source: None,
            link: "",
            needs_clearance: false,
            reverses: None,
            closing: true,
        };
        let (id, _) = insert_voucher(tx, school_id, &nv).await?;
        sqlx::query("UPDATE fin_vouchers SET state = 'approved', approved_by = $1, approved_at = $2 WHERE id = $3")
            .bind(actor)
            .bind(now_ms())
            .bind(&id)
            .execute(&mut **tx)
            .await?;
        closing_id = Some(id);
    }
    let dec = format!("{year}-12");
    for p in [dec.as_str(), ykey.as_str()] {
        if !closed.contains(p) {
            sqlx::query("INSERT INTO fin_periods (school_id, period, closed_by, closed_at) VALUES ($1, $2, $3, $4)")
                .bind(school_id)
                .bind(p)
                .bind(actor)
                .bind(now_ms())
                .execute(&mut **tx)
                .await?;
        }
    }
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "finance.year_closed", &ykey)).await?;
    Ok(closing_id)
}

/// A voucher carried over from the paper books keeps the signatures it carried (审核, 批准), as
/// they were, even where they break today's rules: the auditors' findings then show them.
/// Audited as an import.
#[allow(clippy::too_many_arguments)]
pub async fn import_signatures(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    id: &str,
    reviewed_by: &str,
    approved_by: &str,
) -> Result<(), FinError> {
    let r = sqlx::query(
        "UPDATE fin_vouchers SET state = 'approved', reviewed_by = $1, reviewed_at = $2, approved_by = $3, approved_at = $2 \
         WHERE id = $4 AND school_id = $5 AND state <> 'approved'",
    )
    .bind(reviewed_by)
    .bind(now_ms())
    .bind(approved_by)
    .bind(id)
    .bind(school_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound.into());
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "finance.signatures_imported", id)
            .detail(format!("{reviewed_by}/{approved_by}")),
    )
    .await?;
    Ok(())
}
