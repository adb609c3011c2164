//! Hardship files (困难职工档案): the household's figures, causes and level sealed with the
//! store's key (only dates and amounts of aid stay in the clear, for the auditor and the
//! figures), the yearly review, aid records; every read of a file is audited by the caller.

use chrono::{Datelike, NaiveDate};
use jiaogong_domain::care::hardship::{self as rules, Household, Level};
use jiaogong_domain::platform::money::Fen;
use serde::{Deserialize, Serialize};

use super::{date, iso, settings_conn, CareFail};
use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Store, StoreError, Tx};

/// The sealed part of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileData {
    pub level: String,
    pub causes: Vec<String>,
    pub household_size: i64,
    pub income_year: i64,
    pub rigid_year: i64,
    pub hardship_costs_year: i64,
    pub accident: bool,
    pub notes: String,
}

/// The causes offered (a file may name others).
pub const CAUSES: [&str; 6] = ["大病", "子女就学", "家庭变故", "灾害", "残疾", "其他"];

/// Figures as entered: the level is computed from them and the school's 低保 line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub causes: Vec<String>,
    pub household: Household,
    pub notes: String,
}

fn check(f: &Figures) -> Result<(), CareFail> {
    let h = &f.household;
    if !(1..=30).contains(&h.size) {
        return Err(CareFail::Invalid("家庭人口应在1到30人之间".into()));
    }
    if h.income_year.is_negative() || h.rigid_year.is_negative() || h.hardship_costs_year.is_negative() {
        return Err(CareFail::Invalid("收入和支出不能为负数".into()));
    }
    if f.causes.is_empty() {
        return Err(CareFail::Invalid("请至少选择一项致困原因".into()));
    }
    if f.notes.chars().count() > 2000 {
        return Err(CareFail::Invalid("说明最多2000字".into()));
    }
    Ok(())
}

async fn seal(tx: &mut Tx, crypto: &Crypto, school_id: &str, f: &Figures) -> Result<(String, Level), CareFail> {
    let s = settings_conn(tx, school_id).await?;
    let level = rules::level(&f.household, s.dibao);
    let data = FileData {
        level: level.code().into(),
        causes: f.causes.clone(),
        household_size: f.household.size,
        income_year: f.household.income_year.0,
        rigid_year: f.household.rigid_year.0,
        hardship_costs_year: f.household.hardship_costs_year.0,
        accident: f.household.accident,
        notes: f.notes.clone(),
    };
    let json = serde_json::to_string(&data).map_err(|e| CareFail::Invalid(e.to_string()))?;
    Ok((crypto.encrypt(&json)?, level))
}

/// Opens a file for a member of the school (one open file per member).
pub async fn create(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    member_id: &str,
    filed_on: NaiveDate,
    f: &Figures,
) -> Result<(String, Level), CareFail> {
    check(f)?;
    let ok: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM members WHERE school_id = $1 AND id = $2")
        .bind(school_id)
        .bind(member_id)
        .fetch_optional(&mut **tx)
        .await?;
    if ok.is_none() {
        return Err(StoreError::NotFound.into());
    }
    let open: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM care_hardship_files WHERE school_id = $1 AND member_id = $2 AND closed_on IS NULL",
    )
    .bind(school_id)
    .bind(member_id)
    .fetch_optional(&mut **tx)
    .await?;
    if open.is_some() {
        return Err(CareFail::Invalid("该教职工已有在档的困难档案，请在原档案中复核更新".into()));
    }
    let (sealed, level) = seal(tx, crypto, school_id, f).await?;
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO care_hardship_files (id, school_id, member_id, sealed, filed_on, review_due, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(member_id)
    .bind(&sealed)
    .bind(iso(filed_on))
    .bind(iso(rules::next_review(filed_on)))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    // The level and figures stay out of the audit log: it names the file only.
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "care.hardship.create", &id)).await?;
    Ok((id, level))
}

/// The yearly review: new figures, the level recomputed, the next review a year on.
pub async fn review(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    file_id: &str,
    on: NaiveDate,
    f: &Figures,
) -> Result<Level, CareFail> {
    check(f)?;
    let (sealed, level) = seal(tx, crypto, school_id, f).await?;
    let r = sqlx::query(
        "UPDATE care_hardship_files SET sealed = $1, review_due = $2, updated_at = $3 WHERE school_id = $4 AND id = $5 AND closed_on IS NULL",
    )
    .bind(&sealed)
    .bind(iso(rules::next_review(on)))
    .bind(now_ms())
    .bind(school_id)
    .bind(file_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound.into());
    }
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "care.hardship.review", file_id)).await?;
    Ok(level)
}

/// Kinds of aid.
pub const AID_KINDS: [&str; 3] = ["money", "goods", "help"];

/// Records aid given to a file's household; the description is sealed, the amount is not.
#[allow(clippy::too_many_arguments)]
pub async fn add_aid(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    file_id: &str,
    on: NaiveDate,
    kind: &str,
    amount: Fen,
    detail: &str,
) -> Result<String, CareFail> {
    if !AID_KINDS.contains(&kind) {
        return Err(CareFail::Invalid("帮扶方式应为资金、物资或其他帮助".into()));
    }
    if amount.is_negative() {
        return Err(CareFail::Invalid("金额不能为负数".into()));
    }
    if kind == "money" && amount.0 == 0 {
        return Err(CareFail::Invalid("资金帮扶的金额应大于0元".into()));
    }
    let ok: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM care_hardship_files WHERE school_id = $1 AND id = $2")
        .bind(school_id)
        .bind(file_id)
        .fetch_optional(&mut **tx)
        .await?;
    if ok.is_none() {
        return Err(StoreError::NotFound.into());
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO care_aid (id, school_id, file_id, aid_date, year, kind, amount_fen, sealed, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(file_id)
    .bind(iso(on))
    .bind(i64::from(on.year()))
    .bind(kind)
    .bind(amount.0)
    .bind(crypto.encrypt(detail)?)
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    if amount.0 > 0 {
        // Money aid is booked as a draft voucher of 困难职工帮扶; the summary names no one.
        let link = format!("/care/hardship/{file_id}");
        crate::finance::drafts::create_draft(
            tx,
            &crate::finance::drafts::DraftRequest {
                school_id,
                date: on,
                summary: "困难职工帮扶",
                debit_account: "50404",
                credit_account: "102",
                amount,
                source_kind: "care_aid",
                source_id: &id,
                link: &link,
                needs_clearance: false,
            },
        )
        .await?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "care.hardship.aid", file_id).detail(amount.0.to_string()),
    )
    .await?;
    Ok(id)
}

/// One aid record as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Aid {
    pub id: String,
    pub date: String,
    pub kind: String,
    pub amount: Fen,
    /// `None` for a viewer who sees amounts only.
    pub detail: Option<String>,
}

/// A file as shown: everything to the chair and the welfare member, dates and amounts only to
/// the auditor (`member_name` and `data` are `None` then).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileView {
    pub id: String,
    pub member_id: Option<String>,
    pub member_name: Option<String>,
    pub filed_on: String,
    pub review_due: String,
    pub review_overdue: bool,
    pub closed_on: Option<String>,
    pub data: Option<FileData>,
    pub aid: Vec<Aid>,
    pub aid_total: Fen,
}

type FileRow = (String, String, String, String, String, String, Option<String>);
type AidRow = (String, String, String, String, i64, String);

/// The school's files, audited as one view (`care.hardship.view` by `actor`). `full` is false
/// for a viewer who sees amounts only.
pub async fn files(
    store: &Store,
    school_id: &str,
    actor: &str,
    full: bool,
    only: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<FileView>, StoreError> {
    let rows: Vec<FileRow> = sqlx::query_as(
        "SELECT f.id, f.member_id, m.name, f.sealed, f.filed_on, f.review_due, f.closed_on FROM care_hardship_files f \
         JOIN members m ON m.id = f.member_id WHERE f.school_id = $1 AND ($2 = '' OR f.id = $2) ORDER BY f.review_due, f.id",
    )
    .bind(school_id)
    .bind(only.unwrap_or(""))
    .fetch_all(&store.read)
    .await?;
    let aid: Vec<AidRow> = sqlx::query_as(
        "SELECT id, file_id, aid_date, kind, amount_fen, sealed FROM care_aid WHERE school_id = $1 AND ($2 = '' OR file_id = $2) ORDER BY aid_date, id",
    )
    .bind(school_id)
    .bind(only.unwrap_or(""))
    .fetch_all(&store.read)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, member_id, name, sealed, filed_on, review_due, closed_on) in rows {
        let mut list = Vec::new();
        let mut total = Fen::ZERO;
        for (aid_id, _, d, kind, amount, sealed) in aid.iter().filter(|a| a.1 == id) {
            total = jiaogong_domain::platform::money::add_fen(total, Fen(*amount))?;
            list.push(Aid {
                id: aid_id.clone(),
                date: d.clone(),
                kind: kind.clone(),
                amount: Fen(*amount),
                detail: if full { Some(store.crypto.decrypt(sealed)?) } else { None },
            });
        }
        let data = if full {
            let json = store.crypto.decrypt(&sealed)?;
            Some(serde_json::from_str(&json).map_err(|e| StoreError::Invalid(e.to_string()))?)
        } else {
            None
        };
        let overdue = closed_on.is_none() && date(&review_due).is_some_and(|r| rules::review_overdue(r, today));
        out.push(FileView {
            id,
            member_id: full.then_some(member_id),
            member_name: full.then_some(name),
            filed_on,
            review_due,
            review_overdue: overdue,
            closed_on,
            data,
            aid: list,
            aid_total: total,
        });
    }
    let target = only.unwrap_or("all");
    crate::platform::audit::record(
        store,
        &Event::new(Some(school_id), actor, "care.hardship.view", target).detail(if full { "full" } else { "amounts" }),
    )
    .await?;
    Ok(out)
}

/// Files whose yearly review is overdue (ids and dates only; no sealed field is read).
pub async fn overdue_reviews(store: &Store, school_id: &str, today: NaiveDate) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM care_hardship_files WHERE school_id = $1 AND closed_on IS NULL AND review_due < $2",
    )
    .bind(school_id)
    .bind(iso(today))
    .fetch_one(&store.read)
    .await?;
    Ok(n)
}
