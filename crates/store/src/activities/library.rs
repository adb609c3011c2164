//! The resource library's tables: documents in folders, their versions (every uploaded file is
//! kept), and the search index (`library_tokens`), which lives in the database so that every
//! app server searches the same one. The caller checks files, extracts and normalises text and
//! computes tokens (domain `activities::library`), and writes the audit row in the same
//! transaction.

use std::collections::BTreeSet;

use jiaogong_domain::activities::library::{Folder, Query};

use crate::{Result, Store, StoreError, Tx};

/// A document as lists show it: its current version's file.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Doc {
    pub id: String,
    pub folder: String,
    pub title: String,
    pub version: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub updated_by: String,
    pub updated_at: i64,
}

impl Doc {
    pub fn folder_kind(&self) -> Option<Folder> {
        Folder::parse(&self.folder)
    }
}

/// One uploaded version of a document.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Version {
    pub version: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: String,
    pub uploaded_at: i64,
}

/// A checked file with what search needs of it.
#[derive(Debug, Clone, Copy)]
pub struct NewFile<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
    /// The normalised title and text (the substring check runs on it).
    pub search_text: &'a str,
    pub tokens: &'a BTreeSet<String>,
}

const DOC_COLUMNS: &str =
    "d.id, d.folder, d.title, d.version, d.file_name, d.content_type, d.size, d.updated_by, d.updated_at";

/// Rows per INSERT of tokens (3 parameters each, far under both databases' limits).
const TOKEN_BATCH: usize = 400;

fn size_of(bytes: &[u8]) -> i64 {
    i64::try_from(bytes.len()).unwrap_or(i64::MAX)
}

async fn insert_version(
    tx: &mut Tx,
    school: &str,
    doc: &str,
    version: i64,
    f: &NewFile<'_>,
    actor: &str,
    at: i64,
) -> Result<()> {
    use base64::Engine;
    sqlx::query(
        "INSERT INTO library_versions (doc_id, version, school_id, file_name, content_type, size, data, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(doc)
    .bind(version)
    .bind(school)
    .bind(f.file_name)
    .bind(f.content_type)
    .bind(size_of(f.bytes))
    .bind(base64::engine::general_purpose::STANDARD.encode(f.bytes))
    .bind(actor)
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(crate::unique_as("library_version"))?;
    Ok(())
}

/// Replaces the index rows of a document.
async fn index(tx: &mut Tx, school: &str, doc: &str, tokens: &BTreeSet<String>) -> Result<()> {
    sqlx::query("DELETE FROM library_tokens WHERE doc_id = $1").bind(doc).execute(&mut **tx).await?;
    let tokens: Vec<&String> = tokens.iter().collect();
    for chunk in tokens.chunks(TOKEN_BATCH) {
        let mut sql = String::from("INSERT INTO library_tokens (school_id, token, doc_id) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3));
        }
        let mut q = sqlx::query(&sql);
        for t in chunk {
            q = q.bind(school).bind(t.as_str()).bind(doc);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Adds a document with its first version; returns its id.
pub async fn create(
    tx: &mut Tx,
    school: &str,
    folder: Folder,
    title: &str,
    f: &NewFile<'_>,
    actor: &str,
) -> Result<String> {
    let id = crate::new_id();
    let at = crate::now_ms();
    sqlx::query(
        "INSERT INTO library_docs (id, school_id, folder, title, version, file_name, content_type, size, search_text, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(school)
    .bind(folder.code())
    .bind(title)
    .bind(f.file_name)
    .bind(f.content_type)
    .bind(size_of(f.bytes))
    .bind(f.search_text)
    .bind(actor)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    insert_version(tx, school, &id, 1, f, actor, at).await?;
    index(tx, school, &id, f.tokens).await?;
    Ok(id)
}

/// Makes `f` the current version of a document (the old ones stay downloadable) and re-indexes
/// it; returns the new version number. `expected` is the version the uploader saw: if another
/// upload came first, this one is refused (`Conflict`) instead of silently stacking on it.
pub async fn add_version(
    tx: &mut Tx,
    school: &str,
    id: &str,
    expected: i64,
    f: &NewFile<'_>,
    actor: &str,
) -> Result<i64> {
    let at = crate::now_ms();
    let next = expected + 1;
    let r = sqlx::query(
        "UPDATE library_docs SET version = $1, file_name = $2, content_type = $3, size = $4, search_text = $5, \
         updated_by = $6, updated_at = $7 WHERE id = $8 AND school_id = $9 AND version = $10",
    )
    .bind(next)
    .bind(f.file_name)
    .bind(f.content_type)
    .bind(size_of(f.bytes))
    .bind(f.search_text)
    .bind(actor)
    .bind(at)
    .bind(id)
    .bind(school)
    .bind(expected)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() != 1 {
        let exists: Option<(i64,)> =
            sqlx::query_as("SELECT version FROM library_docs WHERE id = $1 AND school_id = $2")
                .bind(id)
                .bind(school)
                .fetch_optional(&mut **tx)
                .await?;
        return Err(match exists {
            Some(_) => StoreError::Conflict("library_version".into()),
            None => StoreError::NotFound,
        });
    }
    insert_version(tx, school, id, next, f, actor, at).await?;
    index(tx, school, id, f.tokens).await?;
    Ok(next)
}

/// Moves a document to another folder.
pub async fn move_to(tx: &mut Tx, school: &str, id: &str, folder: Folder) -> Result<()> {
    let r = sqlx::query("UPDATE library_docs SET folder = $1 WHERE id = $2 AND school_id = $3")
        .bind(folder.code())
        .bind(id)
        .bind(school)
        .execute(&mut **tx)
        .await?;
    if r.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Deletes a document with all its versions and its index rows.
pub async fn delete(tx: &mut Tx, school: &str, id: &str) -> Result<()> {
    let found: Option<(String,)> = sqlx::query_as("SELECT id FROM library_docs WHERE id = $1 AND school_id = $2")
        .bind(id)
        .bind(school)
        .fetch_optional(&mut **tx)
        .await?;
    if found.is_none() {
        return Err(StoreError::NotFound);
    }
    sqlx::query("DELETE FROM library_tokens WHERE doc_id = $1").bind(id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM library_versions WHERE doc_id = $1").bind(id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM library_docs WHERE id = $1").bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// The documents of a school (of one folder), by folder and title.
pub async fn list(store: &Store, school: &str, folder: Option<Folder>) -> Result<Vec<Doc>> {
    let sql = format!(
        "SELECT {DOC_COLUMNS} FROM library_docs d WHERE d.school_id = $1 AND ($2 = '' OR d.folder = $2) ORDER BY d.folder, d.title, d.id"
    );
    Ok(sqlx::query_as(&sql).bind(school).bind(folder.map(Folder::code).unwrap_or("")).fetch_all(&store.read).await?)
}

/// One document of a school.
pub async fn get(store: &Store, school: &str, id: &str) -> Result<Doc> {
    let sql = format!("SELECT {DOC_COLUMNS} FROM library_docs d WHERE d.id = $1 AND d.school_id = $2");
    sqlx::query_as(&sql).bind(id).bind(school).fetch_optional(&store.read).await?.ok_or(StoreError::NotFound)
}

/// The versions of a document, newest first.
pub async fn versions(store: &Store, school: &str, id: &str) -> Result<Vec<Version>> {
    Ok(sqlx::query_as(
        "SELECT version, file_name, content_type, size, uploaded_by, uploaded_at FROM library_versions \
         WHERE doc_id = $1 AND school_id = $2 ORDER BY version DESC",
    )
    .bind(id)
    .bind(school)
    .fetch_all(&store.read)
    .await?)
}

/// One version of a document with its bytes.
pub async fn version_file(store: &Store, school: &str, id: &str, version: i64) -> Result<(Version, Vec<u8>)> {
    use base64::Engine;
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        v: Version,
        data: String,
    }
    let row: Row = sqlx::query_as(
        "SELECT version, file_name, content_type, size, uploaded_by, uploaded_at, data FROM library_versions \
         WHERE doc_id = $1 AND school_id = $2 AND version = $3",
    )
    .bind(id)
    .bind(school)
    .bind(version)
    .fetch_optional(&store.read)
    .await?
    .ok_or(StoreError::NotFound)?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(row.data).map_err(|_| StoreError::NotFound)?;
    Ok((row.v, bytes))
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn like_pattern(term: &str) -> String {
    let mut p = String::with_capacity(term.len() + 2);
    p.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The documents of a school that contain every word of the query, at most `limit`, titles
/// that match first. The first token's index range drives the query (rows in doc_id order, so
/// the LIMIT stops early); the other tokens are index probes per candidate; the substring
/// check on the stored text removes the pairs' false hits. The work grows with the number of
/// matches looked at, not with the size of the library.
pub async fn search(store: &Store, school: &str, q: &Query, folder: Option<Folder>, limit: i64) -> Result<Vec<Doc>> {
    let tokens = rarest_first(store, school, &q.tokens).await?;
    let Some(first) = tokens.first() else { return Ok(Vec::new()) };
    let mut sql = format!(
        "SELECT {DOC_COLUMNS} FROM library_tokens t0 JOIN library_docs d ON d.id = t0.doc_id \
         WHERE t0.school_id = $1 AND t0.token = $2"
    );
    let mut n = 2;
    for i in 1..tokens.len() {
        n += 1;
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM library_tokens t{i} WHERE t{i}.school_id = $1 AND t{i}.token = ${n} AND t{i}.doc_id = t0.doc_id)"
        ));
    }
    for _ in &q.terms {
        n += 1;
        sql.push_str(&format!(" AND d.search_text LIKE ${n} ESCAPE '\\'"));
    }
    if folder.is_some() {
        n += 1;
        sql.push_str(&format!(" AND d.folder = ${n}"));
    }
    n += 1;
    sql.push_str(&format!(" ORDER BY t0.doc_id LIMIT ${n}"));
    let mut query = sqlx::query_as::<_, Doc>(&sql).bind(school).bind(first.as_str());
    for t in &tokens[1..] {
        query = query.bind(t.as_str());
    }
    for t in &q.terms {
        query = query.bind(like_pattern(t));
    }
    if let Some(f) = folder {
        query = query.bind(f.code());
    }
    let mut docs = query.bind(limit).fetch_all(&store.read).await?;
    let title_hit = |d: &Doc| {
        let t = jiaogong_domain::activities::library::normalize(&d.title);
        !q.terms.iter().all(|w| t.contains(w.as_str()))
    };
    docs.sort_by(|a, b| title_hit(a).cmp(&title_hit(b)).then_with(|| a.title.cmp(&b.title)));
    Ok(docs)
}

/// Index rows counted per token to pick the rarest one to drive a search.
const RARITY_PROBE: i64 = 2_000;

/// The query's tokens, the rarest first: each token's rows are counted up to [`RARITY_PROBE`]
/// (a bounded index range), so a query such as 工会法 drives from 会法 (few documents) rather
/// than 工会 (most of them) and probes the common pair only for the few candidates.
async fn rarest_first(store: &Store, school: &str, tokens: &[String]) -> Result<Vec<String>> {
    if tokens.len() < 2 {
        return Ok(tokens.to_vec());
    }
    let mut counted = Vec::with_capacity(tokens.len());
    for t in tokens {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM (SELECT 1 FROM library_tokens WHERE school_id = $1 AND token = $2 LIMIT $3) x",
        )
        .bind(school)
        .bind(t.as_str())
        .bind(RARITY_PROBE)
        .fetch_one(&store.read)
        .await?;
        counted.push((n, t.clone()));
    }
    counted.sort();
    Ok(counted.into_iter().map(|(_, t)| t).collect())
}

/// The number of index rows of a document (tests and the benchmark's sanity check).
pub async fn token_count(store: &Store, id: &str) -> Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM library_tokens WHERE doc_id = $1").bind(id).fetch_one(&store.read).await?;
    Ok(n)
}
