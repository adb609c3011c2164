//! Districts, schools (the tenants), union groups and departments.

use crate::{new_id, now_ms, Result, Store, StoreError, Tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct School {
    pub id: String,
    pub district_id: Option<String>,
    pub name: String,
    pub code: String,
    pub dues_rate_ppm: i64,
    pub retired_rate_ppm: i64,
    /// The largest single dues payment the school accepts.
    pub max_payment_fen: i64,
}

const SCHOOL_COLS: &str = "id, district_id, name, code, dues_rate_ppm, retired_rate_ppm, max_payment_fen";

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub is_retired: i64,
    pub members: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct SchoolSummary {
    pub id: String,
    pub name: String,
    pub code: String,
    pub members: i64,
    pub retired: i64,
}

pub async fn create_district(tx: &mut Tx, name: &str, code: &str) -> Result<String> {
    let id = new_id();
    sqlx::query("INSERT INTO districts (id, name, code) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(name)
        .bind(code)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

pub async fn district_by_code(store: &Store, code: &str) -> Result<Option<(String, String)>> {
    Ok(sqlx::query_as("SELECT id, name FROM districts WHERE code = $1").bind(code).fetch_optional(&store.read).await?)
}

pub async fn district_name(store: &Store, id: &str) -> Result<String> {
    let (n,): (String,) = sqlx::query_as("SELECT name FROM districts WHERE id = $1")
        .bind(id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(n)
}

pub async fn create_school(tx: &mut Tx, district_id: Option<&str>, name: &str, code: &str) -> Result<String> {
    let id = new_id();
    sqlx::query("INSERT INTO schools (id, district_id, name, code, dues_rate_ppm, retired_rate_ppm, created_at) VALUES ($1, $2, $3, $4, 5000, 0, $5)")
        .bind(&id)
        .bind(district_id.map(str::to_string))
        .bind(name)
        .bind(code)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// A short-lived in-process cache of schools. Changes made through this process clear it; other
/// app servers see a change within `SCHOOL_TTL_MS`.
pub type SchoolCache = std::sync::Arc<std::sync::RwLock<std::collections::HashMap<String, (School, i64)>>>;
const SCHOOL_TTL_MS: i64 = 5_000;

/// Empties the school cache of this process (after a change to a school is committed).
pub fn forget_schools(store: &Store) {
    if let Ok(mut c) = store.school_cache.write() {
        c.clear();
    }
}

/// A school by its id or its short code.
pub async fn school(store: &Store, id_or_code: &str) -> Result<School> {
    let now = now_ms();
    if let Ok(c) = store.school_cache.read() {
        if let Some((s, expires)) = c.get(id_or_code) {
            if *expires > now {
                return Ok(s.clone());
            }
        }
    }
    let s: School = sqlx::query_as(&format!("SELECT {SCHOOL_COLS} FROM schools WHERE id = $1 OR code = $1"))
        .bind(id_or_code)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)?;
    if let Ok(mut c) = store.school_cache.write() {
        if c.len() > 10_000 {
            c.clear();
        }
        c.insert(id_or_code.to_string(), (s.clone(), now + SCHOOL_TTL_MS));
    }
    Ok(s)
}

pub async fn all_schools(store: &Store) -> Result<Vec<School>> {
    Ok(sqlx::query_as(&format!("SELECT {SCHOOL_COLS} FROM schools ORDER BY name")).fetch_all(&store.read).await?)
}

/// Schools with their member counts; `district` limits to one district.
pub async fn school_summaries(store: &Store, district: Option<&str>) -> Result<Vec<SchoolSummary>> {
    let sql = "SELECT s.id, s.name, s.code, \
        CAST(COALESCE(SUM(CASE WHEN m.status = 'active' THEN 1 ELSE 0 END), 0) AS BIGINT) AS members, \
        CAST(COALESCE(SUM(CASE WHEN m.status = 'retired' THEN 1 ELSE 0 END), 0) AS BIGINT) AS retired \
        FROM schools s LEFT JOIN members m ON m.school_id = s.id \
        WHERE ($1 = '' OR s.district_id = $1) GROUP BY s.id, s.name, s.code ORDER BY s.name";
    Ok(sqlx::query_as(sql).bind(district.unwrap_or("")).fetch_all(&store.read).await?)
}

/// Call [`forget_schools`] after the commit.
pub async fn set_dues_rates(
    tx: &mut Tx,
    school_id: &str,
    active_ppm: i64,
    retired_ppm: i64,
    max_payment_fen: i64,
) -> Result<()> {
    sqlx::query("UPDATE schools SET dues_rate_ppm = $1, retired_rate_ppm = $2, max_payment_fen = $4 WHERE id = $3")
        .bind(active_ppm)
        .bind(retired_ppm)
        .bind(school_id)
        .bind(max_payment_fen)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn groups(store: &Store, school_id: &str) -> Result<Vec<Group>> {
    Ok(sqlx::query_as(
        "SELECT g.id, g.name, g.is_retired, CAST(COUNT(m.id) AS BIGINT) AS members FROM union_groups g \
         LEFT JOIN members m ON m.school_id = g.school_id AND m.group_id = g.id AND m.status IN ('active', 'retired') \
         WHERE g.school_id = $1 GROUP BY g.id, g.name, g.is_retired ORDER BY g.is_retired, g.name",
    )
    .bind(school_id)
    .fetch_all(&store.read)
    .await?)
}

pub async fn group_id_by_name(tx: &mut Tx, school_id: &str, name: &str) -> Result<Option<String>> {
    let r: Option<(String,)> = sqlx::query_as("SELECT id FROM union_groups WHERE school_id = $1 AND name = $2")
        .bind(school_id)
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(r.map(|r| r.0))
}

/// Checks that a group belongs to the school; returns its name.
pub async fn group_name(store: &Store, school_id: &str, group_id: &str) -> Result<String> {
    let (n,): (String,) = sqlx::query_as("SELECT name FROM union_groups WHERE school_id = $1 AND id = $2")
        .bind(school_id)
        .bind(group_id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(n)
}

pub async fn create_group(tx: &mut Tx, school_id: &str, name: &str, is_retired: bool) -> Result<String> {
    let id = new_id();
    sqlx::query("INSERT INTO union_groups (id, school_id, name, is_retired, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(school_id)
        .bind(name)
        .bind(i64::from(is_retired))
        .bind(now_ms())
        .execute(&mut **tx)
        .await
        .map_err(crate::unique_as("group"))?;
    Ok(id)
}

/// The school's retirees' group, created when missing.
pub async fn retired_group(tx: &mut Tx, school_id: &str, default_name: &str) -> Result<String> {
    let r: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM union_groups WHERE school_id = $1 AND is_retired = 1 ORDER BY created_at LIMIT 1",
    )
    .bind(school_id)
    .fetch_optional(&mut **tx)
    .await?;
    match r {
        Some((id,)) => Ok(id),
        None => create_group(tx, school_id, default_name, true).await,
    }
}

pub async fn departments(store: &Store, school_id: &str) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as("SELECT id, name FROM departments WHERE school_id = $1 ORDER BY name")
        .bind(school_id)
        .fetch_all(&store.read)
        .await?)
}

pub async fn department_id(tx: &mut Tx, school_id: &str, name: &str, create: bool) -> Result<Option<String>> {
    let r: Option<(String,)> = sqlx::query_as("SELECT id FROM departments WHERE school_id = $1 AND name = $2")
        .bind(school_id)
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some((id,)) = r {
        return Ok(Some(id));
    }
    if !create {
        return Ok(None);
    }
    let id = new_id();
    sqlx::query("INSERT INTO departments (id, school_id, name) VALUES ($1, $2, $3)")
        .bind(&id)
        .bind(school_id)
        .bind(name)
        .execute(&mut **tx)
        .await?;
    Ok(Some(id))
}

/// A group's id and name (for filter lists: no counting).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct GroupRef {
    pub id: String,
    pub name: String,
}

pub async fn group_refs(store: &Store, school_id: &str) -> Result<Vec<GroupRef>> {
    let gen = crate::platform::cache::read_gen();
    if let Some(hit) = store.caches.group_refs.get(school_id, gen) {
        return Ok(hit);
    }
    let refs: Vec<GroupRef> =
        sqlx::query_as("SELECT id, name FROM union_groups WHERE school_id = $1 ORDER BY is_retired, name")
            .bind(school_id)
            .fetch_all(&store.read)
            .await?;
    store.caches.group_refs.put(school_id.to_string(), gen, refs.clone());
    Ok(refs)
}
