//! Transparency items: publishing (by hand or automatically from another area), reading,
//! the public link, the sign-off and the yearly index.

use chrono::NaiveDate;
use jiaogong_domain::transparency::{self as rules, Audience, Category, NewItem, Period};

use super::{calendar_in, day, parse_day, TpError};
use crate::platform::audit::{self, Event};
use crate::{new_id, new_secret, now_ms, Crypto, Result, Store, StoreError, Tx};

/// A stored item.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Item {
    pub id: String,
    pub school_id: String,
    #[sqlx(try_from = "String")]
    pub category: Category,
    pub title: String,
    pub content: String,
    #[sqlx(try_from = "String")]
    pub audience: Audience,
    #[serde(skip)]
    pub public_token: Option<String>,
    pub working_days: i64,
    pub start_day: String,
    pub end_day: String,
    pub decision_day: Option<String>,
    pub link: Option<String>,
    pub source_kind: Option<String>,
    pub source_id: Option<String>,
    pub signoff: Option<String>,
    pub signed_at: Option<i64>,
    pub created_at: i64,
}

impl Item {
    pub fn end(&self) -> Option<NaiveDate> {
        parse_day(&self.end_day)
    }
    pub fn closed(&self) -> bool {
        self.signoff.is_some()
    }
}

const COLS: &str =
    "id, school_id, category, title, content, audience, public_token, working_days, start_day, end_day, \
     decision_day, link, source_kind, source_id, signoff, signed_at, created_at";

/// Publishes an item from the day `start` for `working_days` working days; returns the item
/// and its computed period. The content must already be sanitised by the caller's HTML policy.
#[allow(clippy::too_many_arguments)]
pub async fn publish(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    item: &NewItem,
    start: NaiveDate,
    working_days: u32,
    decision: Option<NaiveDate>,
) -> Result<(String, Period), TpError> {
    let cal = calendar_in(tx).await?;
    let period = rules::publicity_period(&cal, start, working_days)?;
    let id = new_id();
    let token = (item.audience == Audience::Public).then(new_secret);
    sqlx::query(
        "INSERT INTO transparency_items (id, school_id, category, title, content, audience, public_token, working_days, \
         start_day, end_day, decision_day, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(item.category.code())
    .bind(&item.title)
    .bind(&item.content)
    .bind(item.audience.code())
    .bind(token)
    .bind(i64::from(working_days))
    .bind(day(period.start))
    .bind(day(period.end))
    .bind(decision.map(day))
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "transparency.publish", &id).detail(format!(
            "{} {}..{}",
            item.title,
            day(period.start),
            day(period.end)
        )),
    )
    .await?;
    Ok((id, period))
}

/// An item another area publishes (a selection's result, a finance disclosure).
#[derive(Debug, Clone)]
pub struct LinkedItem<'a> {
    pub school_id: &'a str,
    pub category: Category,
    pub title: &'a str,
    /// The page of the source record, relative to the server.
    pub link: &'a str,
    /// `selection`, `finance_disclosure` …
    pub source_kind: &'a str,
    pub source_id: &'a str,
    pub start: NaiveDate,
    pub working_days: u32,
}

/// Publishes the item of another area's record, once per source: publishing the same source
/// again returns the existing item's id. When the calendar does not cover the period's year
/// the period is counted on weekdays only, so the source's own step never fails for it.
pub async fn publish_linked(tx: &mut Tx, crypto: &Crypto, l: &LinkedItem<'_>) -> Result<String> {
    let existing: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM transparency_items WHERE school_id = $1 AND source_kind = $2 AND source_id = $3",
    )
    .bind(l.school_id)
    .bind(l.source_kind)
    .bind(l.source_id)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some((id,)) = existing {
        return Ok(id);
    }
    let cal = calendar_in(tx).await?;
    let days = l.working_days.clamp(1, rules::MAX_WORKING_DAYS);
    let period = match rules::publicity_period(&cal, l.start, days) {
        Ok(p) => p,
        Err(_) => {
            let weekdays = jiaogong_domain::platform::calendar::Calendar::default();
            let start = if weekdays.is_working_day(l.start) { l.start } else { weekdays.add_working_days(l.start, 1) };
            Period { start, end: weekdays.add_working_days(start, days - 1), working_days: days }
        }
    };
    let id = new_id();
    sqlx::query(
        "INSERT INTO transparency_items (id, school_id, category, title, content, audience, working_days, start_day, end_day, \
         link, source_kind, source_id, created_by, created_at) VALUES ($1, $2, $3, $4, '', 'staff', $5, $6, $7, $8, $9, $10, 'system', $11)",
    )
    .bind(&id)
    .bind(l.school_id)
    .bind(l.category.code())
    .bind(l.title)
    .bind(i64::from(days))
    .bind(day(period.start))
    .bind(day(period.end))
    .bind(l.link)
    .bind(l.source_kind)
    .bind(l.source_id)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(l.school_id), "system", "transparency.publish_linked", &id)
            .detail(format!("{}:{} {}", l.source_kind, l.source_id, l.title)),
    )
    .await?;
    Ok(id)
}

/// One item of the school (404 for another school's).
pub async fn get(store: &Store, school_id: &str, id: &str) -> Result<Item> {
    sqlx::query_as(&format!("SELECT {COLS} FROM transparency_items WHERE school_id = $1 AND id = $2"))
        .bind(school_id)
        .bind(id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)
}

/// An item by id alone (the objection API addresses items without their school); the caller
/// checks the school.
pub async fn get_any(store: &Store, id: &str) -> Result<Item> {
    sqlx::query_as(&format!("SELECT {COLS} FROM transparency_items WHERE id = $1"))
        .bind(id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The item behind a public link; a withdrawn link finds nothing.
pub async fn by_token(store: &Store, token: &str) -> Result<Item> {
    if token.len() != 64 {
        return Err(StoreError::NotFound);
    }
    sqlx::query_as(&format!("SELECT {COLS} FROM transparency_items WHERE public_token = $1 AND audience = 'public'"))
        .bind(token)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The school's items, newest first; `year` limits them to those whose period starts in it.
pub async fn list(store: &Store, school_id: &str, year: Option<i32>) -> Result<Vec<Item>> {
    let (from, to) = match year {
        Some(y) => (format!("{y}-01-01"), format!("{y}-12-31")),
        None => ("0000-01-01".to_string(), "9999-12-31".to_string()),
    };
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS} FROM transparency_items WHERE school_id = $1 AND start_day >= $2 AND start_day <= $3 \
         ORDER BY start_day DESC, created_at DESC"
    ))
    .bind(school_id)
    .bind(from)
    .bind(to)
    .fetch_all(&store.read)
    .await?)
}

/// Withdraws the public link (the item stays for staff); `renew` makes a new one instead.
pub async fn set_public_link(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    id: &str,
    on: bool,
) -> Result<Option<String>> {
    let token = on.then(new_secret);
    let r =
        sqlx::query("UPDATE transparency_items SET public_token = $1, audience = $2 WHERE school_id = $3 AND id = $4")
            .bind(token.as_deref())
            .bind(if on { "public" } else { "staff" })
            .bind(school_id)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    if r.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    let action = if on { "transparency.link_on" } else { "transparency.link_off" };
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, action, id)).await?;
    Ok(token)
}

/// The supervision group's sign-off (监督小组意见): after the period, with every objection handled.
pub async fn sign_off(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    id: &str,
    opinion: &str,
    today: NaiveDate,
) -> Result<(), TpError> {
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT end_day, signoff FROM transparency_items WHERE school_id = $1 AND id = $2")
            .bind(school_id)
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((end_day, signoff)) = row else { return Err(StoreError::NotFound.into()) };
    if signoff.is_some() {
        return Err(TpError::Closed);
    }
    let end = parse_day(&end_day).ok_or(StoreError::Invalid("stored end day".into()))?;
    let (open,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM transparency_objections WHERE item_id = $1 AND status = 'open'")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    match rules::may_sign_off(end, today, usize::try_from(open).unwrap_or(usize::MAX)) {
        Ok(()) => {}
        Err(rules::SignOffRefusal::PeriodRunning) => return Err(TpError::PeriodRunning),
        Err(rules::SignOffRefusal::OpenObjections(n)) => return Err(TpError::OpenObjections(n)),
    }
    sqlx::query(
        "UPDATE transparency_items SET signoff = $1, signed_by = $2, signed_at = $3 WHERE school_id = $4 AND id = $5",
    )
    .bind(opinion)
    .bind(actor)
    .bind(now_ms())
    .bind(school_id)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "transparency.sign_off", id)).await?;
    Ok(())
}

/// An attachment's metadata.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct FileMeta {
    pub id: String,
    pub name: String,
    pub mime: String,
}

#[allow(clippy::too_many_arguments)]
pub async fn attach(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    item_id: &str,
    name: &str,
    mime: &str,
    bytes: &[u8],
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO transparency_files (id, item_id, school_id, name, mime, bytes, created_at) \
         SELECT $1, id, school_id, $2, $3, $4, $5 FROM transparency_items WHERE id = $6 AND school_id = $7",
    )
    .bind(&id)
    .bind(name)
    .bind(mime)
    .bind(bytes)
    .bind(now_ms())
    .bind(item_id)
    .bind(school_id)
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "transparency.attach", item_id).detail(name.to_string()),
    )
    .await?;
    Ok(id)
}

pub async fn files(store: &Store, school_id: &str, item_id: &str) -> Result<Vec<FileMeta>> {
    Ok(sqlx::query_as(
        "SELECT id, name, mime FROM transparency_files WHERE school_id = $1 AND item_id = $2 ORDER BY created_at, id",
    )
    .bind(school_id)
    .bind(item_id)
    .fetch_all(&store.read)
    .await?)
}

pub async fn file(store: &Store, school_id: &str, item_id: &str, file_id: &str) -> Result<(FileMeta, Vec<u8>)> {
    let row: Option<(String, String, String, Vec<u8>)> = sqlx::query_as(
        "SELECT id, name, mime, bytes FROM transparency_files WHERE school_id = $1 AND item_id = $2 AND id = $3",
    )
    .bind(school_id)
    .bind(item_id)
    .bind(file_id)
    .fetch_optional(&store.read)
    .await?;
    let (id, name, mime, bytes) = row.ok_or(StoreError::NotFound)?;
    Ok((FileMeta { id, name, mime }, bytes))
}

/// One line of the yearly index.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndexLine {
    pub id: String,
    pub category: Category,
    pub title: String,
    pub start_day: String,
    pub end_day: String,
    pub decision_day: Option<String>,
    pub on_time: bool,
    pub objections: i64,
    pub signed_off: bool,
}

/// The yearly index of everything published, with the on-time rate in whole percent.
pub async fn index(store: &Store, school_id: &str, year: i32) -> Result<(Vec<IndexLine>, i64)> {
    let items = list(store, school_id, Some(year)).await?;
    let counts: Vec<(String, i64)> =
        sqlx::query_as("SELECT item_id, COUNT(*) FROM transparency_objections WHERE school_id = $1 GROUP BY item_id")
            .bind(school_id)
            .fetch_all(&store.read)
            .await?;
    let counts: std::collections::HashMap<String, i64> = counts.into_iter().collect();
    let mut lines: Vec<IndexLine> = items
        .into_iter()
        .map(|i| {
            let end = i.end();
            let decision = i.decision_day.as_deref().and_then(parse_day);
            IndexLine {
                on_time: end.is_some_and(|e| rules::on_time(e, decision)),
                objections: counts.get(&i.id).copied().unwrap_or(0),
                signed_off: i.signoff.is_some(),
                id: i.id,
                category: i.category,
                title: i.title,
                start_day: i.start_day,
                end_day: i.end_day,
                decision_day: i.decision_day,
            }
        })
        .collect();
    lines.reverse();
    let on_time = lines.iter().filter(|l| l.on_time).count();
    let rate = rules::on_time_percent(on_time, lines.len());
    Ok((lines, rate))
}
