//! Dues (会费): base salaries per month, payments and back-payments. The amounts due are computed
//! by the domain from these facts; this module only stores and gathers them.

use std::collections::HashMap;

use jiaogong_domain::platform::money::{add_fen, Fen};

use crate::{new_id, now_ms, Result, Store, StoreError, Tx};

/// One member's facts for one month.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct MonthFact {
    pub member_id: String,
    pub employee_no: String,
    pub name: String,
    pub group_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: jiaogong_domain::members::MemberStatus,
    pub joined_union: Option<String>,
    pub base_fen: Option<i64>,
    pub paid_fen: i64,
}

/// Facts of every dues-paying member (active or retired) for one month, in two queries whatever
/// the number of members: the members, and the month's payments, which are added up here with
/// checked arithmetic (SQL's `SUM` fails with an overflow on SQLite and an out-of-range cast on
/// PostgreSQL, which would reach the user as a bare server error). A total that no `i64` can
/// hold is [`StoreError::Money`].
pub async fn month_facts(store: &Store, school_id: &str, month: &str) -> Result<Vec<MonthFact>> {
    let mut facts: Vec<MonthFact> = sqlx::query_as(
        "SELECT m.id AS member_id, m.employee_no, m.name, g.name AS group_name, m.status, m.joined_union, \
         COALESCE(s.base_fen, m.base_salary_fen) AS base_fen, \
         CAST(0 AS BIGINT) AS paid_fen \
         FROM members m \
         LEFT JOIN union_groups g ON g.id = m.group_id \
         LEFT JOIN salaries s ON s.member_id = m.id AND s.month = $2 \
         WHERE m.school_id = $1 AND m.status IN ('active', 'retired') \
         ORDER BY g.name, m.name_pinyin",
    )
    .bind(school_id)
    .bind(month)
    .fetch_all(&store.read)
    .await?;
    let payments: Vec<(String, i64)> =
        sqlx::query_as("SELECT member_id, amount_fen FROM dues_payments WHERE school_id = $1 AND month = $2")
            .bind(school_id)
            .bind(month)
            .fetch_all(&store.read)
            .await?;
    let paid = totals(payments)?;
    for f in &mut facts {
        f.paid_fen = paid.get(&f.member_id).map_or(0, |p| p.0);
    }
    Ok(facts)
}

/// Amounts added up per key, with checked arithmetic.
fn totals(rows: Vec<(String, i64)>) -> Result<HashMap<String, Fen>> {
    let mut out: HashMap<String, Fen> = HashMap::new();
    for (key, amount) in rows {
        let t = out.entry(key).or_default();
        *t = add_fen(*t, Fen(amount))?;
    }
    Ok(out)
}

/// Facts of one member over a list of months.
pub async fn member_facts(
    store: &Store,
    school_id: &str,
    member_id: &str,
    months: &[String],
) -> Result<Vec<(String, Option<i64>, i64)>> {
    // Three statements whatever the number of months: the standing salary, the month salaries,
    // the payments (added up per month here, with checked arithmetic).
    let (standing,): (Option<i64>,) =
        sqlx::query_as("SELECT base_salary_fen FROM members WHERE school_id = $1 AND id = $2")
            .bind(school_id)
            .bind(member_id)
            .fetch_optional(&store.read)
            .await?
            .ok_or(StoreError::NotFound)?;
    let salaries: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT month, base_fen FROM salaries WHERE school_id = $1 AND member_id = $2",
    )
    .bind(school_id)
    .bind(member_id)
    .fetch_all(&store.read)
    .await?
    .into_iter()
    .collect();
    let paid = totals(
        sqlx::query_as::<_, (String, i64)>(
            "SELECT month, amount_fen FROM dues_payments WHERE school_id = $1 AND member_id = $2",
        )
        .bind(school_id)
        .bind(member_id)
        .fetch_all(&store.read)
        .await?,
    )?;
    Ok(months
        .iter()
        .map(|m| (m.clone(), salaries.get(m).copied().or(standing), paid.get(m).map_or(0, |p| p.0)))
        .collect())
}

/// Sets (or replaces) a member's base salary for a month.
pub async fn set_salary(tx: &mut Tx, school_id: &str, member_id: &str, month: &str, base_fen: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO salaries (member_id, month, school_id, base_fen) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (member_id, month) DO UPDATE SET base_fen = excluded.base_fen",
    )
    .bind(member_id)
    .bind(month)
    .bind(school_id)
    .bind(base_fen)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Sets the standing base salary used when a month has no salary line.
pub async fn set_standing_salary(tx: &mut Tx, school_id: &str, member_id: &str, base_fen: i64) -> Result<()> {
    sqlx::query("UPDATE members SET base_salary_fen = $1 WHERE school_id = $2 AND id = $3")
        .bind(base_fen)
        .bind(school_id)
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A payment line as entered.
#[derive(Debug, Clone)]
pub struct Payment<'a> {
    pub member_id: &'a str,
    pub month: &'a str,
    pub amount_fen: i64,
    pub paid_on: &'a str,
    pub is_back_payment: bool,
    pub recorded_by: &'a str,
    /// Makes the payment idempotent: a second payment with the same key in the school is not
    /// booked again.
    pub request_key: Option<&'a str>,
}

/// What recording a payment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Booked now, with this id.
    New(String),
    /// The same request was booked before, with this id; nothing was written.
    Duplicate(String),
}

/// Books a payment, once per request key ([`Recorded`]).
pub async fn record_payment(tx: &mut Tx, school_id: &str, p: &Payment<'_>) -> Result<Recorded> {
    if let Some(key) = p.request_key {
        let earlier: Option<(String,)> =
            sqlx::query_as("SELECT id FROM dues_payments WHERE school_id = $1 AND request_key = $2")
                .bind(school_id)
                .bind(key)
                .fetch_optional(&mut **tx)
                .await?;
        if let Some((id,)) = earlier {
            return Ok(Recorded::Duplicate(id));
        }
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO dues_payments (id, school_id, member_id, month, amount_fen, paid_on, is_back_payment, recorded_by, at, request_key) \
         SELECT $1, $2, m.id, $4, $5, $6, $7, $8, $9, $10 FROM members m WHERE m.school_id = $2 AND m.id = $3",
    )
    .bind(&id)
    .bind(school_id)
    .bind(p.member_id)
    .bind(p.month)
    .bind(p.amount_fen)
    .bind(p.paid_on)
    .bind(i64::from(p.is_back_payment))
    .bind(p.recorded_by)
    .bind(now_ms())
    .bind(p.request_key)
    .execute(&mut **tx)
    .await
    .and_then(|r| if r.rows_affected() == 1 { Ok(()) } else { Err(sqlx::Error::RowNotFound) })
    .map_err(|e| match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        // Two servers booking the same request at once: the unique index keeps one.
        e => crate::unique_as("payment request")(e),
    })?;
    Ok(Recorded::New(id))
}

/// A payment as listed.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PaymentRow {
    pub id: String,
    pub month: String,
    pub amount_fen: i64,
    pub paid_on: String,
    pub is_back_payment: i64,
}

pub async fn payments_of(store: &Store, school_id: &str, member_id: &str) -> Result<Vec<PaymentRow>> {
    Ok(sqlx::query_as(
        "SELECT id, month, amount_fen, paid_on, is_back_payment FROM dues_payments WHERE school_id = $1 AND member_id = $2 ORDER BY month DESC, at DESC",
    )
    .bind(school_id)
    .bind(member_id)
    .fetch_all(&store.read)
    .await?)
}

/// Members of the school keyed by employee number (payroll imports match on it).
pub async fn employee_numbers(store: &Store, school_id: &str) -> Result<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT employee_no, id FROM members WHERE school_id = $1")
        .bind(school_id)
        .fetch_all(&store.read)
        .await?;
    Ok(rows.into_iter().collect())
}
