//! 建家 staff-home assessment on both databases: the standard of a district and year (copied
//! from the built-in default, or from the scope's latest earlier year, on first use), edits of
//! its items, the figures computed items are scored from, the evidence a school links or
//! uploads (a link to another school's record finds nothing and is refused), the self-scores
//! and the score sheet with its totals and gaps.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use jiaogong_domain::district::assessment::{self as rules, Figures, ItemInput, Method, ScoredItem};

use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

/// The scope of the standard of schools without a district.
pub const DEFAULT_SCOPE: &str = "default";

/// The standard's scope for a school of `district` (or none).
pub fn scope_of(district: Option<&str>) -> &str {
    district.filter(|d| !d.is_empty()).unwrap_or(DEFAULT_SCOPE)
}

/// A standard of one scope and year.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Standard {
    pub id: String,
    pub scope: String,
    pub year: i64,
    pub title: String,
}

/// An item of a standard.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Item {
    pub id: String,
    pub standard_id: String,
    pub group_code: String,
    pub position: i64,
    pub title: String,
    pub criteria: String,
    pub points: i64,
    #[sqlx(try_from = "String")]
    pub method: Method,
    pub threshold: i64,
}

const ITEM_COLS: &str = "id, standard_id, group_code, position, title, criteria, points, method, threshold";

async fn find_standard(tx: &mut Tx, scope: &str, year: i32) -> Result<Option<Standard>> {
    Ok(sqlx::query_as("SELECT id, scope, year, title FROM assess_standards WHERE scope = $1 AND year = $2")
        .bind(scope)
        .bind(i64::from(year))
        .fetch_optional(&mut **tx)
        .await?)
}

async fn insert_standard(tx: &mut Tx, scope: &str, year: i32) -> Result<String> {
    let id = new_id();
    sqlx::query("INSERT INTO assess_standards (id, scope, year, title, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(scope)
        .bind(i64::from(year))
        .bind(format!("{year}年度先进教职工之家创建评分标准"))
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

async fn insert_item(tx: &mut Tx, standard_id: &str, position: i64, i: &ItemInput) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO assess_items (id, standard_id, group_code, position, title, criteria, points, method, threshold) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(standard_id)
    .bind(&i.group)
    .bind(position)
    .bind(&i.title)
    .bind(&i.criteria)
    .bind(i.points)
    .bind(i.method.code())
    .bind(i.threshold)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

async fn items_in(tx: &mut Tx, standard_id: &str) -> Result<Vec<Item>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ITEM_COLS} FROM assess_items WHERE standard_id = $1 AND removed = 0 ORDER BY position, id"
    ))
    .bind(standard_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The standard of `scope` and `year` in the caller's transaction, created on first use from the
/// scope's latest earlier year or, for a scope's first year, from the built-in default.
pub async fn standard_in(tx: &mut Tx, scope: &str, year: i32) -> Result<Standard> {
    if let Some(s) = find_standard(tx, scope, year).await? {
        return Ok(s);
    }
    let earlier: Option<(i64,)> =
        sqlx::query_as("SELECT MAX(year) FROM assess_standards WHERE scope = $1 AND year < $2 HAVING COUNT(*) > 0")
            .bind(scope)
            .bind(i64::from(year))
            .fetch_optional(&mut **tx)
            .await?;
    let source: Vec<ItemInput> = match earlier {
        Some((y,)) => {
            let from = find_standard(tx, scope, i32::try_from(y).unwrap_or(year)).await?.ok_or(StoreError::NotFound)?;
            items_in(tx, &from.id)
                .await?
                .into_iter()
                .map(|i| ItemInput {
                    group: i.group_code,
                    title: i.title,
                    criteria: i.criteria,
                    points: i.points,
                    method: i.method,
                    threshold: i.threshold,
                })
                .collect()
        }
        None => rules::DEFAULT_STANDARD
            .iter()
            .map(|d| ItemInput {
                group: d.group.to_string(),
                title: d.title.to_string(),
                criteria: d.criteria.to_string(),
                points: d.points,
                method: d.method,
                threshold: d.threshold,
            })
            .collect(),
    };
    let id = insert_standard(tx, scope, year).await?;
    for (n, i) in source.iter().enumerate() {
        insert_item(tx, &id, i64::try_from(n).unwrap_or(0) + 1, i).await?;
    }
    find_standard(tx, scope, year).await?.ok_or(StoreError::NotFound)
}

/// The standard of `scope` and `year`, created on first use (see [`standard_in`]).
pub async fn standard(store: &Store, scope: &str, year: i32) -> Result<Standard> {
    let existing: Option<Standard> =
        sqlx::query_as("SELECT id, scope, year, title FROM assess_standards WHERE scope = $1 AND year = $2")
            .bind(scope)
            .bind(i64::from(year))
            .fetch_optional(&store.read)
            .await?;
    if let Some(s) = existing {
        return Ok(s);
    }
    let mut tx = store.begin().await?;
    let s = standard_in(&mut tx, scope, year).await?;
    crate::commit(tx).await?;
    Ok(s)
}

/// The items of a standard, in order.
pub async fn items(store: &Store, standard_id: &str) -> Result<Vec<Item>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ITEM_COLS} FROM assess_items WHERE standard_id = $1 AND removed = 0 ORDER BY position, id"
    ))
    .bind(standard_id)
    .fetch_all(&store.read)
    .await?)
}

/// One item of a standard (404 for another standard's).
pub async fn item(store: &Store, standard_id: &str, id: &str) -> Result<Item> {
    sqlx::query_as(&format!("SELECT {ITEM_COLS} FROM assess_items WHERE standard_id = $1 AND id = $2 AND removed = 0"))
        .bind(standard_id)
        .bind(id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Adds an item to the standard (`item_id` None) or changes one of its items. Audited.
pub async fn save_item(
    tx: &mut Tx,
    crypto: &Crypto,
    standard: &Standard,
    item_id: Option<&str>,
    input: &ItemInput,
    actor: &str,
) -> Result<String> {
    let id = match item_id {
        Some(id) => {
            let n = sqlx::query(
                "UPDATE assess_items SET group_code = $1, title = $2, criteria = $3, points = $4, method = $5, threshold = $6 \
                 WHERE id = $7 AND standard_id = $8 AND removed = 0",
            )
            .bind(&input.group)
            .bind(&input.title)
            .bind(&input.criteria)
            .bind(input.points)
            .bind(input.method.code())
            .bind(input.threshold)
            .bind(id)
            .bind(&standard.id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            id.to_string()
        }
        None => {
            let (next,): (i64,) = sqlx::query_as(
                "SELECT CAST(COALESCE(MAX(position), 0) + 1 AS BIGINT) FROM assess_items WHERE standard_id = $1",
            )
            .bind(&standard.id)
            .fetch_one(&mut **tx)
            .await?;
            insert_item(tx, &standard.id, next, input).await?
        }
    };
    audit::append(
        tx,
        crypto,
        &Event::new(None, actor, "assess.item_save", &id).detail(format!(
            "{} {} {} {}分 {}",
            standard.scope,
            standard.year,
            input.title,
            input.points,
            input.method.code()
        )),
    )
    .await?;
    Ok(id)
}

/// Removes an item from the standard (kept for the evidence and scores that name it). Audited.
pub async fn remove_item(tx: &mut Tx, crypto: &Crypto, standard: &Standard, item_id: &str, actor: &str) -> Result<()> {
    let n = sqlx::query("UPDATE assess_items SET removed = 1 WHERE id = $1 AND standard_id = $2 AND removed = 0")
        .bind(item_id)
        .bind(&standard.id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(
        tx,
        crypto,
        &Event::new(None, actor, "assess.item_remove", item_id).detail(format!("{} {}", standard.scope, standard.year)),
    )
    .await?;
    Ok(())
}

/// Copies the scope's standard of `from` to the year `to` (409 when `to` has one already). Audited.
pub async fn copy_year(tx: &mut Tx, crypto: &Crypto, scope: &str, from: i32, to: i32, actor: &str) -> Result<String> {
    if find_standard(tx, scope, to).await?.is_some() {
        return Err(StoreError::Conflict(format!("{scope} {to}")));
    }
    let source = standard_in(tx, scope, from).await?;
    let id = insert_standard(tx, scope, to).await?;
    for i in items_in(tx, &source.id).await? {
        let input = ItemInput {
            group: i.group_code,
            title: i.title,
            criteria: i.criteria,
            points: i.points,
            method: i.method,
            threshold: i.threshold,
        };
        insert_item(tx, &id, i.position, &input).await?;
    }
    audit::append(tx, crypto, &Event::new(None, actor, "assess.copy_year", &id).detail(format!("{scope} {from}→{to}")))
        .await?;
    Ok(id)
}

/// The figures of `year` that computed items are scored from.
pub async fn figures(store: &Store, school_id: &str, year: i32, today: NaiveDate) -> Result<Figures> {
    let v = crate::plans::summary::figure_values(store, school_id, year).await?;
    let get = |k: &str| v.get(k).copied().unwrap_or(0);
    let care = crate::care::figures::compliance(store, school_id, year, today).await?.1;
    let disclosures: Vec<(String, String)> = sqlx::query_as(
        "SELECT period_from, period_to FROM fin_disclosures WHERE school_id = $1 AND state = 'published' \
         AND period_to >= $2 AND period_from <= $3",
    )
    .bind(school_id)
    .bind(format!("{year:04}-01"))
    .bind(format!("{year:04}-12"))
    .fetch_all(&store.read)
    .await?;
    Ok(Figures {
        congress_sessions: get("congress.sessions"),
        proposals: get("congress.proposals"),
        proposals_answered: get("congress.proposals_answered"),
        transparency_items: get("transparency.items"),
        activities_held: get("activities.held"),
        care_decided: care.decided(),
        care_on_time: care.on_time,
        disclosures,
    })
}

/// The kinds of record a school links as evidence: (kind, the query of one record of the school
/// by id, the query of the school's records to choose from). Both return (id, label).
const LINKS: &[(&str, &str, &str)] = &[
    (
        "congress_session",
        "SELECT id, title FROM congress_sessions WHERE school_id = $1 AND id = $2",
        "SELECT id, title FROM congress_sessions WHERE school_id = $1 ORDER BY held_on DESC",
    ),
    (
        "finance_disclosure",
        "SELECT id, title FROM fin_disclosures WHERE school_id = $1 AND id = $2",
        "SELECT id, title FROM fin_disclosures WHERE school_id = $1 ORDER BY period_from DESC",
    ),
    (
        "transparency_item",
        "SELECT id, title FROM transparency_items WHERE school_id = $1 AND id = $2",
        "SELECT id, title FROM transparency_items WHERE school_id = $1 ORDER BY start_day DESC",
    ),
    (
        "activity",
        "SELECT id, title FROM activities WHERE school_id = $1 AND id = $2",
        "SELECT id, title FROM activities WHERE school_id = $1 ORDER BY starts_at DESC",
    ),
    (
        "plan",
        "SELECT id, CAST(year AS TEXT) FROM plans WHERE school_id = $1 AND id = $2",
        "SELECT id, CAST(year AS TEXT) FROM plans WHERE school_id = $1 ORDER BY year DESC",
    ),
    (
        "summary",
        "SELECT id, CAST(year AS TEXT) FROM summaries WHERE school_id = $1 AND id = $2",
        "SELECT id, CAST(year AS TEXT) FROM summaries WHERE school_id = $1 ORDER BY year DESC",
    ),
];

/// The kinds of record that can be linked.
pub fn link_kinds() -> impl Iterator<Item = &'static str> {
    LINKS.iter().map(|(k, _, _)| *k)
}

/// A record of the school that can be linked: (kind, id, label).
pub type Candidate = (String, String, String);

/// The school's records that can be linked, per kind the newest 50.
pub async fn candidates(store: &Store, school_id: &str) -> Result<Vec<Candidate>> {
    let mut out = Vec::new();
    for (kind, _, list) in LINKS {
        let rows: Vec<(String, String)> =
            sqlx::query_as(&format!("{list} LIMIT 50")).bind(school_id).fetch_all(&store.read).await?;
        out.extend(rows.into_iter().map(|(id, label)| (kind.to_string(), id, label)));
    }
    Ok(out)
}

/// A piece of evidence (without the bytes of an uploaded file).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Evidence {
    pub id: String,
    pub item_id: String,
    pub kind: String,
    pub ref_id: Option<String>,
    pub label: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size: i64,
    pub created_at: i64,
}

const EVIDENCE_COLS: &str =
    "e.id, e.item_id, e.kind, e.ref_id, e.label, e.file_name, e.content_type, e.size, e.created_at";

/// Links a record of the school to an item. A record of another school, or of an unknown kind,
/// is not found. Audited.
pub async fn link_evidence(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    item: &Item,
    kind: &str,
    ref_id: &str,
    actor: &str,
) -> Result<String> {
    let (_, one, _) = LINKS.iter().find(|(k, _, _)| *k == kind).ok_or(StoreError::NotFound)?;
    let row: Option<(String, String)> =
        sqlx::query_as(one).bind(school_id).bind(ref_id).fetch_optional(&mut **tx).await?;
    let (ref_id, label) = row.ok_or(StoreError::NotFound)?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO assess_evidence (id, school_id, item_id, kind, ref_id, label, bytes, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(&item.id)
    .bind(kind)
    .bind(&ref_id)
    .bind(&label)
    .bind(Vec::<u8>::new())
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "assess.evidence_link", &id)
            .detail(format!("{} {kind}:{ref_id}", item.title)),
    )
    .await?;
    Ok(id)
}

/// Attaches an uploaded document (checked by the caller) to an item. Audited.
#[allow(clippy::too_many_arguments)]
pub async fn upload_evidence(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    item: &Item,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
    actor: &str,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO assess_evidence (id, school_id, item_id, kind, label, file_name, content_type, bytes, size, created_by, created_at) \
         VALUES ($1, $2, $3, 'file', $4, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(&item.id)
    .bind(file_name)
    .bind(content_type)
    .bind(bytes)
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "assess.evidence_upload", &id)
            .detail(format!("{} {file_name}", item.title)),
    )
    .await?;
    Ok(id)
}

/// Removes a piece of the school's evidence. Audited.
pub async fn remove_evidence(tx: &mut Tx, crypto: &Crypto, school_id: &str, id: &str, actor: &str) -> Result<()> {
    let n = sqlx::query("DELETE FROM assess_evidence WHERE id = $1 AND school_id = $2")
        .bind(id)
        .bind(school_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "assess.evidence_remove", id)).await?;
    Ok(())
}

/// The school's evidence for the items of a standard, in item order.
pub async fn evidence(store: &Store, school_id: &str, standard_id: &str) -> Result<Vec<Evidence>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {EVIDENCE_COLS} FROM assess_evidence e JOIN assess_items i ON i.id = e.item_id \
         WHERE e.school_id = $1 AND i.standard_id = $2 AND i.removed = 0 ORDER BY i.position, e.created_at, e.id"
    ))
    .bind(school_id)
    .bind(standard_id)
    .fetch_all(&store.read)
    .await?)
}

/// An uploaded evidence file of the school with its bytes: (file name, content type, bytes).
pub async fn evidence_file(store: &Store, school_id: &str, id: &str) -> Result<(String, String, Vec<u8>)> {
    let row: Option<FileRow> = sqlx::query_as(
        "SELECT file_name, content_type, bytes FROM assess_evidence WHERE school_id = $1 AND id = $2 AND kind = 'file'",
    )
    .bind(school_id)
    .bind(id)
    .fetch_optional(&store.read)
    .await?;
    match row {
        Some((Some(name), Some(ct), Some(bytes))) => Ok((name, ct, bytes)),
        _ => Err(StoreError::NotFound),
    }
}

/// Records the school's self-score of an item (0..=its points, checked again here). Audited.
pub async fn set_score(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    item: &Item,
    score: i64,
    note: &str,
    actor: &str,
) -> Result<()> {
    let score = rules::check_self_score(score, item.points).map_err(|e| StoreError::Invalid(e.code().into()))?;
    sqlx::query("DELETE FROM assess_scores WHERE school_id = $1 AND item_id = $2")
        .bind(school_id)
        .bind(&item.id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO assess_scores (school_id, item_id, self_score, note, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(school_id)
    .bind(&item.id)
    .bind(score)
    .bind(note)
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "assess.self_score", &item.id)
            .detail(format!("{} {score}/{}", item.title, item.points)),
    )
    .await?;
    Ok(())
}

/// The school's self-scores of a standard's items, by item id.
pub async fn scores(store: &Store, school_id: &str, standard_id: &str) -> Result<BTreeMap<String, i64>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT s.item_id, s.self_score FROM assess_scores s JOIN assess_items i ON i.id = s.item_id \
         WHERE s.school_id = $1 AND i.standard_id = $2",
    )
    .bind(school_id)
    .bind(standard_id)
    .fetch_all(&store.read)
    .await?;
    Ok(rows.into_iter().collect())
}

/// A line of the score sheet.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SheetLine {
    pub item: Item,
    pub scored: ScoredItem,
    pub evidence: Vec<Evidence>,
}

/// A school's score sheet of a year.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Sheet {
    pub standard: Standard,
    pub figures: Figures,
    pub lines: Vec<SheetLine>,
}

impl Sheet {
    pub fn total(&self) -> i64 {
        rules::total(&self.lines.iter().map(|l| &l.scored).collect::<Vec<_>>())
    }
    pub fn points(&self) -> i64 {
        rules::total_points(self.lines.iter().map(|l| l.item.points))
    }
    /// (group, score, points) in the order of the groups.
    pub fn groups(&self) -> Vec<(String, i64, i64)> {
        let mut out: Vec<(String, i64, i64)> = Vec::new();
        for l in &self.lines {
            match out.iter_mut().find(|(g, _, _)| *g == l.item.group_code) {
                Some(g) => {
                    g.1 = g.1.saturating_add(l.scored.score());
                    g.2 = g.2.saturating_add(l.item.points);
                }
                None => out.push((l.item.group_code.clone(), l.scored.score(), l.item.points)),
            }
        }
        out
    }
    /// The items without evidence and not computed as met.
    pub fn gaps(&self) -> Vec<&SheetLine> {
        self.lines.iter().filter(|l| l.scored.is_gap()).collect()
    }
}

/// The score sheet of a school for `year` under its scope's standard.
pub async fn sheet(store: &Store, school_id: &str, scope: &str, year: i32, today: NaiveDate) -> Result<Sheet> {
    let standard = standard(store, scope, year).await?;
    let items = items(store, &standard.id).await?;
    let figures = figures(store, school_id, year, today).await?;
    let scores = scores(store, school_id, &standard.id).await?;
    let mut evidence = evidence(store, school_id, &standard.id).await?;
    let mut lines = Vec::new();
    for item in items {
        let (mine, rest): (Vec<Evidence>, Vec<Evidence>) = evidence.into_iter().partition(|e| e.item_id == item.id);
        evidence = rest;
        let scored = ScoredItem {
            points: item.points,
            computed: rules::compute(item.method, item.threshold, item.points, year, &figures),
            evidence: mine.len(),
            self_score: scores.get(&item.id).copied(),
        };
        lines.push(SheetLine { item, scored, evidence: mine });
    }
    Ok(Sheet { standard, figures, lines })
}

/// A stored file's columns: name, content type, bytes (all NULL for a row without a file).
type FileRow = (Option<String>, Option<String>, Option<Vec<u8>>);
