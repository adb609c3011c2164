//! Visits: recorded once per tap (an idempotency key per form), under the task's row lock; a
//! money gift above the type's standard or the member's annual cap waits for the chair's
//! explicit approval with a reason.

use chrono::{Datelike, NaiveDate};
use jiaogong_domain::care::{self as rules, Approval, CareError};
use jiaogong_domain::platform::money::Fen;

use super::{date, iso, rules_conn, CareFail};
use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Store, StoreError, Tx};

/// What was given.
pub const GIFTS: [&str; 4] = ["money", "goods", "both", "none"];

/// A visit as recorded.
#[derive(Debug, Clone, Copy)]
pub struct NewVisit<'a> {
    pub task_id: &'a str,
    pub date: NaiveDate,
    pub visitors: &'a [String],
    pub gift: &'a str,
    pub goods: &'a str,
    pub amount: Fen,
    pub notes: &'a str,
    /// The form's (or the API call's) key: a second submission with it is the first visit.
    pub idem_key: &'a str,
    pub photo: Option<(&'a str, &'a [u8])>,
}

/// What recording did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub id: String,
    pub approval: Approval,
    /// False when the key had been used: nothing was written.
    pub created: bool,
    pub member_id: String,
    pub kind: String,
    pub amount: Fen,
}

fn approval_of(code: &str) -> Approval {
    match code {
        "above_standard" => Approval::AboveStandard,
        "above_cap" => Approval::AboveAnnualCap,
        "above_both" => Approval::AboveBoth,
        _ => Approval::NotNeeded,
    }
}

/// Records a visit of a task.
pub async fn record(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    v: &NewVisit<'_>,
    today: NaiveDate,
) -> Result<Recorded, CareFail> {
    // The task's row lock first: a double tap waits here, then finds the first visit by its key.
    let task: Option<(String, String, String)> = sqlx::query_as(
        "UPDATE care_tasks SET visited_on = visited_on WHERE id = $1 AND school_id = $2 RETURNING member_id, kind, event_date",
    )
    .bind(v.task_id)
    .bind(school_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((member_id, kind, event_date)) = task else { return Err(StoreError::NotFound.into()) };
    if v.idem_key.is_empty() || v.idem_key.len() > 64 {
        return Err(CareFail::Invalid("表单已失效，请刷新页面后重新提交".into()));
    }
    let existing: Option<(String, String, i64)> =
        sqlx::query_as("SELECT id, approval, amount_fen FROM care_visits WHERE school_id = $1 AND idem_key = $2")
            .bind(school_id)
            .bind(v.idem_key)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some((id, approval, amount)) = existing {
        return Ok(Recorded {
            id,
            approval: approval_of(&approval),
            created: false,
            member_id,
            kind,
            amount: Fen(amount),
        });
    }
    let event = date(&event_date).ok_or(CareFail::Invalid("事件日期有误".into()))?;
    rules::check_visit_date(event, v.date, today)?;
    if !GIFTS.contains(&v.gift) {
        return Err(CareFail::Invalid("慰问方式应为慰问金、慰问品、两者或仅探望".into()));
    }
    if v.amount.is_negative() {
        return Err(CareError::NegativeAmount.into());
    }
    let money = matches!(v.gift, "money" | "both");
    if money && v.amount.0 == 0 {
        return Err(CareFail::Invalid("慰问金金额应大于0元；只送慰问品请选择“慰问品”".into()));
    }
    if !money && v.amount.0 != 0 {
        return Err(CareFail::Invalid("没有慰问金时金额应为空；送了慰问金请选择“慰问金”".into()));
    }
    if v.visitors.is_empty() {
        return Err(CareFail::Invalid("请至少选择一位慰问人".into()));
    }
    for m in v.visitors {
        let ok: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM members WHERE school_id = $1 AND id = $2")
            .bind(school_id)
            .bind(m)
            .fetch_optional(&mut **tx)
            .await?;
        if ok.is_none() {
            return Err(CareFail::Invalid("慰问人不是本校会员，请从名单中选择".into()));
        }
    }
    if v.notes.chars().count() > 1000 || v.goods.chars().count() > 200 {
        return Err(CareFail::Invalid("备注最多1000字，慰问品最多200字".into()));
    }
    let all = rules_conn(tx, school_id).await?;
    let rule = all.iter().find(|r| r.code == kind).ok_or(CareError::UnknownType)?.clone();
    let approval = if money {
        let (paid,): (Option<i64>,) = sqlx::query_as(
            "SELECT CAST(SUM(amount_fen) AS BIGINT) FROM care_visits WHERE school_id = $1 AND member_id = $2 AND kind = $3 AND year = $4",
        )
        .bind(school_id)
        .bind(&member_id)
        .bind(&kind)
        .bind(i64::from(v.date.year()))
        .fetch_one(&mut **tx)
        .await?;
        rules::approval_needed(v.amount, rule.standard, Fen(paid.unwrap_or(0)), rule.annual_cap)
    } else {
        Approval::NotNeeded
    };
    let id = new_id();
    sqlx::query(
        "INSERT INTO care_visits (id, school_id, task_id, member_id, kind, visit_date, year, visitors, gift, goods, amount_fen, notes, \
         photo_type, photo, approval, idem_key, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(v.task_id)
    .bind(&member_id)
    .bind(&kind)
    .bind(iso(v.date))
    .bind(i64::from(v.date.year()))
    .bind(v.visitors.join(","))
    .bind(v.gift)
    .bind(v.goods)
    .bind(v.amount.0)
    .bind(v.notes)
    .bind(v.photo.map(|(t, _)| t.to_string()))
    .bind(v.photo.map(|(_, b)| b.to_vec()))
    .bind(approval.code())
    .bind(v.idem_key)
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    // The task's first visit date: the earliest recorded.
    sqlx::query(
        "UPDATE care_tasks SET visited_on = CASE WHEN visited_on IS NULL OR visited_on > $1 THEN $1 ELSE visited_on END WHERE id = $2",
    )
    .bind(iso(v.date))
    .bind(v.task_id)
    .execute(&mut **tx)
    .await?;
    if money {
        // The payment reaches the books as a draft voucher with this visit as its evidence; above
        // the standard or the cap it waits for the chair's clearance.
        let (name,): (String,) =
            sqlx::query_as("SELECT name FROM members WHERE id = $1").bind(&member_id).fetch_one(&mut **tx).await?;
        let summary = format!("慰问{} {}", super::events::kind_zh(&kind, &rule.name), name);
        let link = format!("/care/visits/{id}");
        crate::finance::drafts::create_draft(
            tx,
            &crate::finance::drafts::DraftRequest {
                school_id,
                date: v.date,
                summary: &summary,
                debit_account: rule.debit_account(),
                credit_account: "102",
                amount: v.amount,
                source_kind: "care_visit",
                source_id: &id,
                link: &link,
                needs_clearance: approval.needed(),
            },
        )
        .await?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "care.visit.record", &id).detail(format!(
            "task {} {} {} {}",
            v.task_id,
            v.gift,
            v.amount.0,
            approval.code()
        )),
    )
    .await?;
    Ok(Recorded { id, approval, created: true, member_id, kind, amount: v.amount })
}

/// The chair approves a visit's amount above the standard or the cap, with a reason.
pub async fn approve(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    visit_id: &str,
    reason: &str,
) -> Result<(), CareFail> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CareError::ReasonRequired.into());
    }
    if reason.chars().count() > 500 {
        return Err(CareFail::Invalid("批准理由最多500字".into()));
    }
    let r = sqlx::query(
        "UPDATE care_visits SET approved_by = $1, approval_reason = $2, approved_at = $3 \
         WHERE school_id = $4 AND id = $5 AND approval <> 'none' AND approved_by IS NULL",
    )
    .bind(actor)
    .bind(reason)
    .bind(now_ms())
    .bind(school_id)
    .bind(visit_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 0 {
        let exists: Option<(String,)> =
            sqlx::query_as("SELECT approval FROM care_visits WHERE school_id = $1 AND id = $2")
                .bind(school_id)
                .bind(visit_id)
                .fetch_optional(&mut **tx)
                .await?;
        return match exists {
            None => Err(StoreError::NotFound.into()),
            Some(_) => Err(CareFail::Invalid("这笔慰问金无需批准或已经批准".into())),
        };
    }
    // The draft voucher may now be approved in finance.
    match crate::finance::drafts::clear(tx, school_id, "care_visit", visit_id, actor, reason).await {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "care.visit.approve", visit_id).detail(reason.to_string()),
    )
    .await?;
    Ok(())
}

/// A visit as pages show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VisitLine {
    pub id: String,
    pub task_id: String,
    pub member_id: String,
    pub member_name: String,
    pub kind: String,
    pub visit_date: String,
    pub visitors: String,
    pub gift: String,
    pub goods: String,
    pub amount: Fen,
    pub notes: String,
    pub approval: String,
    pub approved_by: Option<String>,
    pub approval_reason: Option<String>,
    pub has_photo: bool,
}

impl VisitLine {
    /// Waiting for the chair.
    pub fn awaiting_approval(&self) -> bool {
        self.approval != "none" && self.approved_by.is_none()
    }
}

type VisitRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

const VISIT_SELECT: &str = "SELECT v.id, v.task_id, v.member_id, m.name, v.kind, v.visit_date, v.visitors, v.gift, v.goods, v.amount_fen, v.notes, \
     v.approval, v.approved_by, v.approval_reason, v.photo_type FROM care_visits v JOIN members m ON m.id = v.member_id";

fn visit_line(r: VisitRow) -> VisitLine {
    VisitLine {
        id: r.0,
        task_id: r.1,
        member_id: r.2,
        member_name: r.3,
        kind: r.4,
        visit_date: r.5,
        visitors: r.6,
        gift: r.7,
        goods: r.8,
        amount: Fen(r.9),
        notes: r.10,
        approval: r.11,
        approved_by: r.12,
        approval_reason: r.13,
        has_photo: r.14.is_some(),
    }
}

/// Visits of the school: of one task, or those awaiting the chair's approval, or all.
pub async fn visits(
    store: &Store,
    school_id: &str,
    task: Option<&str>,
    awaiting: bool,
) -> Result<Vec<VisitLine>, StoreError> {
    let rows: Vec<VisitRow> = sqlx::query_as(&format!(
        "{VISIT_SELECT} WHERE v.school_id = $1 AND ($2 = '' OR v.task_id = $2) \
         AND ($3 = 0 OR (v.approval <> 'none' AND v.approved_by IS NULL)) ORDER BY v.visit_date DESC, v.id LIMIT 2000"
    ))
    .bind(school_id)
    .bind(task.unwrap_or(""))
    .bind(i64::from(awaiting))
    .fetch_all(&store.read)
    .await?;
    Ok(rows.into_iter().map(visit_line).collect())
}

/// One visit of the school.
pub async fn visit(store: &Store, school_id: &str, id: &str) -> Result<VisitLine, StoreError> {
    let row: Option<VisitRow> = sqlx::query_as(&format!("{VISIT_SELECT} WHERE v.school_id = $1 AND v.id = $2"))
        .bind(school_id)
        .bind(id)
        .fetch_optional(&store.read)
        .await?;
    row.map(visit_line).ok_or(StoreError::NotFound)
}

/// Attaches the visit's photo (already re-encoded without metadata by the caller).
pub async fn set_photo(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    visit_id: &str,
    jpeg: &[u8],
) -> Result<(), CareFail> {
    let r =
        sqlx::query("UPDATE care_visits SET photo_type = 'image/jpeg', photo = $1 WHERE school_id = $2 AND id = $3")
            .bind(jpeg.to_vec())
            .bind(school_id)
            .bind(visit_id)
            .execute(&mut **tx)
            .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound.into());
    }
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "care.visit.photo", visit_id)).await?;
    Ok(())
}

/// The visit's photo, if any.
pub async fn photo(store: &Store, school_id: &str, visit_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let r: Option<(Option<Vec<u8>>,)> =
        sqlx::query_as("SELECT photo FROM care_visits WHERE school_id = $1 AND id = $2")
            .bind(school_id)
            .bind(visit_id)
            .fetch_optional(&store.read)
            .await?;
    Ok(r.and_then(|(p,)| p))
}
