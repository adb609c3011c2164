//! The hook other areas call: money they moved arrives in the books as a draft voucher linked
//! to its evidence (a care payment, an activity's cost, a prize, dues received, the payroll
//! allocation). Idempotent per (school, source kind, source id).

use chrono::NaiveDate;
use jiaogong_domain::finance::Line;
use jiaogong_domain::platform::money::Fen;

use crate::{now_ms, Result, StoreError, Tx};

/// Money another area moved: arrives in the books as a draft voucher linked to its evidence.
#[derive(Debug, Clone, Copy)]
pub struct DraftRequest<'a> {
    pub school_id: &'a str,
    pub date: NaiveDate,
    /// 摘要, e.g. "慰问住院教职工 张三" (the finance pages mask names where the viewer may not see them).
    pub summary: &'a str,
    /// Account codes of the default chart (finance.md): a care payment debits "50405" 送温暖 and credits
    /// "102" 银行存款; dues received debit "102" and credit "401".
    pub debit_account: &'a str,
    pub credit_account: &'a str,
    pub amount: Fen,
    /// "care_visit" | "care_aid" | "activity_cost" | "prize" | "dues" | "allocation" …
    pub source_kind: &'a str,
    pub source_id: &'a str,
    /// The evidence's page, e.g. "/care/visits/<id>".
    pub link: &'a str,
    /// When true the voucher cannot be approved (409 `awaiting_clearance`) until `clear` is called
    /// (care: an amount above the standard or the annual cap waits for the chair's explicit approval).
    pub needs_clearance: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftInfo {
    pub voucher_id: String,
    pub state: String,
    pub amount: Fen,
    pub cleared: bool,
}

/// Idempotent per (school_id, source_kind, source_id): a second call returns the first voucher's id.
pub async fn create_draft(tx: &mut Tx, req: &DraftRequest<'_>) -> Result<String> {
    if let Some(found) = draft_for_source(tx, req.school_id, req.source_kind, req.source_id).await? {
        return Ok(found.voucher_id);
    }
    if req.amount.0 <= 0 {
        return Err(StoreError::Invalid("草稿凭证的金额必须大于零".into()));
    }
    let lines = vec![
        Line { account: req.debit_account.to_string(), debit: req.amount, credit: Fen::ZERO },
        Line { account: req.credit_account.to_string(), debit: Fen::ZERO, credit: req.amount },
    ];
    let v = super::NewVoucher {
        date: req.date,
        summary: req.summary,
        payee: "",
        lines: &lines,
        prepared_by: "system",
        source: Some((req.source_kind, req.source_id)),
        link: req.link,
        needs_clearance: req.needs_clearance,
        reverses: None,
        closing: false,
    };
    super::insert_voucher(tx, req.school_id, &v).await.map(|(id, _)| id).map_err(|e| match e {
        super::FinError::Store(s) => s,
        other => StoreError::Invalid(other.to_string()),
    })
}

/// Records the clearance (who, why) so the draft may be approved; audited by the caller's area.
pub async fn clear(
    tx: &mut Tx,
    school_id: &str,
    source_kind: &str,
    source_id: &str,
    by_user: &str,
    reason: &str,
) -> Result<()> {
    let r = sqlx::query(
        "UPDATE fin_vouchers SET cleared_by = $1, cleared_reason = $2, cleared_at = $3 \
         WHERE school_id = $4 AND source_kind = $5 AND source_id = $6",
    )
    .bind(by_user)
    .bind(reason)
    .bind(now_ms())
    .bind(school_id)
    .bind(source_kind)
    .bind(source_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn draft_for_source(
    tx: &mut Tx,
    school_id: &str,
    source_kind: &str,
    source_id: &str,
) -> Result<Option<DraftInfo>> {
    let row: Option<(String, String, i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT id, state, amount_fen, needs_clearance, cleared_by FROM fin_vouchers \
         WHERE school_id = $1 AND source_kind = $2 AND source_id = $3",
    )
    .bind(school_id)
    .bind(source_kind)
    .bind(source_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(voucher_id, state, amount, needs, cleared_by)| DraftInfo {
        voucher_id,
        state,
        amount: Fen(amount),
        cleared: needs >= 0 && cleared_by.is_some(),
    }))
}

/// The vouchers of open months still waiting for review or approval: how many, how many came
/// from other areas, and the earliest month among them (the month that cannot be closed yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub count: i64,
    pub from_other_areas: i64,
    pub earliest_period: Option<String>,
}

pub async fn pending(tx: &mut Tx, school_id: &str) -> Result<Pending> {
    let (count, other, earliest): (i64, i64, Option<String>) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN v.source_kind IS NULL THEN 0 ELSE 1 END), 0) AS BIGINT), MIN(v.period) \
         FROM fin_vouchers v WHERE v.school_id = $1 AND v.state <> 'approved' \
         AND NOT EXISTS (SELECT 1 FROM fin_periods p WHERE p.school_id = v.school_id AND p.period = v.period)",
    )
    .bind(school_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Pending { count, from_other_areas: other, earliest_period: earliest })
}
