//! The district hierarchy: district → sub-district (区/县) → school. A district user sees the
//! schools of their district's subtree; every district scope check goes through
//! [`subtree_schools`] or [`contains_school`], which walk the same recursive query.

use crate::{new_id, Result, Store, StoreError, Tx};

/// A school of a subtree, with the district it belongs to directly.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct SubtreeSchool {
    pub id: String,
    pub name: String,
    pub code: String,
    pub district_id: String,
    pub district_name: String,
}

/// A district of a subtree.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct SubDistrict {
    pub id: String,
    pub name: String,
    pub code: String,
    pub parent_id: Option<String>,
}

/// The districts of the subtree rooted at `$1` (UNION, not UNION ALL: a cycle written by hand
/// into the database still ends).
const SUBTREE: &str = "WITH RECURSIVE sub(id) AS (SELECT id FROM districts WHERE id = $1 \
    UNION SELECT d.id FROM districts d JOIN sub ON d.parent_id = sub.id)";

/// Creates a district under `parent` (a top-level one when `None`).
pub async fn create_district(tx: &mut Tx, parent: Option<&str>, name: &str, code: &str) -> Result<String> {
    if let Some(p) = parent {
        let found: Option<(String,)> =
            sqlx::query_as("SELECT id FROM districts WHERE id = $1").bind(p).fetch_optional(&mut **tx).await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
    }
    let id = new_id();
    sqlx::query("INSERT INTO districts (id, name, code, parent_id) VALUES ($1, $2, $3, $4)")
        .bind(&id)
        .bind(name)
        .bind(code)
        .bind(parent.map(str::to_string))
        .execute(&mut **tx)
        .await
        .map_err(crate::unique_as("district"))?;
    Ok(id)
}

/// Moves a district under `parent`; refuses a move that would put a district under itself.
pub async fn set_parent(tx: &mut Tx, district: &str, parent: Option<&str>) -> Result<()> {
    if let Some(p) = parent {
        let (inside,): (i64,) = sqlx::query_as(&format!("{SUBTREE} SELECT COUNT(*) FROM sub WHERE id = $2"))
            .bind(district)
            .bind(p)
            .fetch_one(&mut **tx)
            .await?;
        if inside > 0 {
            return Err(StoreError::Invalid("a district cannot be placed under itself or its own sub-district".into()));
        }
    }
    let done = sqlx::query("UPDATE districts SET parent_id = $1 WHERE id = $2")
        .bind(parent.map(str::to_string))
        .bind(district)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The districts of a subtree (the root first, then by name).
pub async fn subtree_districts(store: &Store, district: &str) -> Result<Vec<SubDistrict>> {
    Ok(sqlx::query_as(&format!(
        "{SUBTREE} SELECT d.id, d.name, d.code, d.parent_id FROM districts d JOIN sub ON sub.id = d.id \
         ORDER BY CASE WHEN d.id = $1 THEN 0 ELSE 1 END, d.name"
    ))
    .bind(district)
    .fetch_all(&store.read)
    .await?)
}

/// The schools of a district's subtree; `None` (the installation's administrator): every school
/// that belongs to a district.
pub async fn subtree_schools(store: &Store, district: Option<&str>) -> Result<Vec<SubtreeSchool>> {
    let sql = match district {
        Some(_) => format!(
            "{SUBTREE} SELECT s.id, s.name, s.code, d.id AS district_id, d.name AS district_name FROM schools s \
             JOIN sub ON s.district_id = sub.id JOIN districts d ON d.id = s.district_id ORDER BY s.name, s.id"
        ),
        None => {
            "SELECT s.id, s.name, s.code, COALESCE(d.id, '') AS district_id, COALESCE(d.name, '') AS district_name \
                 FROM schools s LEFT JOIN districts d ON d.id = s.district_id WHERE ($1 = $1) ORDER BY s.name, s.id"
                .to_string()
        }
    };
    Ok(sqlx::query_as(&sql).bind(district.unwrap_or("")).fetch_all(&store.read).await?)
}

/// Whether a school lies in a district's subtree.
pub async fn contains_school(store: &Store, district: &str, school_id: &str) -> Result<bool> {
    let (n,): (i64,) = sqlx::query_as(&format!(
        "{SUBTREE} SELECT COUNT(*) FROM schools s JOIN sub ON s.district_id = sub.id WHERE s.id = $2"
    ))
    .bind(district)
    .bind(school_id)
    .fetch_one(&store.read)
    .await?;
    Ok(n > 0)
}
