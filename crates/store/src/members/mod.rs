//! The roster: members, their status events and history, search, reveal of sensitive fields,
//! and the bulk writes of the roster import.

pub mod corrections;
pub mod dues;

use std::collections::HashMap;

use jiaogong_domain::members::pinyin_search;
use jiaogong_domain::members::{MemberEventKind, MemberInput, MemberStatus};

use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

mod bulk;
mod import;
pub use bulk::insert_many;
pub use import::{apply_import, import_existing};

/// One line of the roster list (sensitive fields masked).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct MemberRow {
    pub id: String,
    pub employee_no: String,
    pub name: String,
    pub gender: Option<String>,
    pub group_id: Option<String>,
    pub group_name: Option<String>,
    pub department: Option<String>,
    pub post: Option<String>,
    pub title: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: MemberStatus,
    pub is_temporary: i64,
    pub id_masked: Option<String>,
    pub phone_masked: Option<String>,
}

/// The whole record (sensitive fields masked; `reveal` gives them in clear).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct MemberDetail {
    pub id: String,
    pub school_id: String,
    pub employee_no: String,
    pub name: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub id_masked: Option<String>,
    pub phone_masked: Option<String>,
    pub department: Option<String>,
    pub post: Option<String>,
    pub title: Option<String>,
    pub joined_school: Option<String>,
    pub joined_union: Option<String>,
    pub group_id: Option<String>,
    pub group_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: MemberStatus,
    pub is_temporary: i64,
    pub spouse_staff: i64,
    pub notes: Option<String>,
    pub base_salary_fen: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub origin: String,
}

/// A status or group event on the member page.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EventRow {
    pub id: String,
    pub kind: String,
    pub event_date: String,
    pub reason: String,
    pub detail: String,
    pub actor: String,
    pub at: i64,
}

/// Roster filters as the list page and the API take them.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub q: String,
    pub group_id: String,
    pub status: String,
    pub post: String,
}

const ROW_COLS: &str = "m.id, m.employee_no, m.name, m.gender, m.group_id, g.name AS group_name, d.name AS department, m.post, m.title, m.status, m.is_temporary, m.id_masked, m.phone_masked";
const FROM_JOINS: &str =
    "FROM members m LEFT JOIN union_groups g ON g.id = m.group_id LEFT JOIN departments d ON d.id = m.department_id";

/// The WHERE clause of a filter with only the conditions that are set, so the planner can use the
/// (school, name_pinyin) index; returns the clause and its string parameters ($1 … $n).
fn filter_sql(school_id: &str, f: &Filter) -> (String, Vec<String>) {
    let mut clause = String::from("WHERE m.school_id = $1");
    let mut binds = vec![school_id.to_string()];
    let q = f.q.trim();
    if !q.is_empty() {
        // What the user typed is matched literally: `%` and `_` are not wildcards.
        let literal = like_escape(q);
        binds.push(format!("%{literal}%"));
        binds.push(q.to_string());
        binds.push(format!("{}%", literal.to_lowercase()));
        let (a, b, c) = (binds.len() - 2, binds.len() - 1, binds.len());
        clause.push_str(&format!(
            " AND (m.name LIKE ${a} ESCAPE '\\' OR m.employee_no = ${b} OR m.name_initials LIKE ${c} ESCAPE '\\' OR m.name_pinyin LIKE ${c} ESCAPE '\\')"
        ));
    }
    for (value, column) in [(&f.group_id, "m.group_id"), (&f.status, "m.status"), (&f.post, "m.post")] {
        if !value.is_empty() {
            binds.push(value.clone());
            clause.push_str(&format!(" AND {column} = ${}", binds.len()));
        }
    }
    (clause, binds)
}

/// `text` as a LIKE pattern that matches itself only (escape character `\`).
pub(crate) fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One page of the roster and the total count. Two statements on purpose: a window count would
/// make the database join and sort every matching row instead of stopping after one page.
pub async fn list(
    store: &Store,
    school_id: &str,
    f: &Filter,
    page: i64,
    per_page: i64,
) -> Result<(Vec<MemberRow>, i64)> {
    // The generation is taken before reading, so a write committed meanwhile outdates the entry.
    let gen = crate::platform::cache::read_gen();
    let key = format!(
        "{school_id}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{page}\u{1f}{per_page}",
        f.q, f.group_id, f.status, f.post
    );
    if let Some(hit) = store.caches.roster.get(&key, gen) {
        return Ok(hit);
    }
    let (clause, binds) = filter_sql(school_id, f);
    let n = binds.len();
    let sql = format!(
        "SELECT {ROW_COLS} {FROM_JOINS} {clause} ORDER BY m.name_pinyin, m.employee_no LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut q = sqlx::query_as(&sql);
    for b in &binds {
        q = q.bind(b.clone());
    }
    let rows: Vec<MemberRow> =
        q.bind(per_page).bind(jiaogong_domain::platform::paging::offset(page, per_page)).fetch_all(&store.read).await?;
    let count_sql = format!("SELECT COUNT(*) FROM members m {clause}");
    let mut c = sqlx::query_as(&count_sql);
    for b in binds {
        c = c.bind(b);
    }
    let (total,): (i64,) = c.fetch_one(&store.read).await?;
    store.caches.roster.put(key, gen, (rows.clone(), total));
    Ok((rows, total))
}

/// Every roster row matching the filter (export).
pub async fn list_all(store: &Store, school_id: &str, f: &Filter) -> Result<Vec<MemberDetail>> {
    let (clause, binds) = filter_sql(school_id, f);
    let sql = format!("SELECT {DETAIL_COLS} {FROM_JOINS} {clause} ORDER BY g.name, m.name_pinyin");
    let mut q = sqlx::query_as(&sql);
    for b in binds {
        q = q.bind(b);
    }
    Ok(q.fetch_all(&store.read).await?)
}

const DETAIL_COLS: &str = "m.id, m.school_id, m.employee_no, m.name, m.gender, m.birth_date, m.id_masked, m.phone_masked, d.name AS department, m.post, m.title, m.joined_school, m.joined_union, m.group_id, g.name AS group_name, m.status, m.is_temporary, m.spouse_staff, m.notes, m.base_salary_fen, m.created_at, m.updated_at, m.origin";

pub async fn get(store: &Store, school_id: &str, id: &str) -> Result<MemberDetail> {
    sqlx::query_as(&format!("SELECT {DETAIL_COLS} {FROM_JOINS} WHERE m.school_id = $1 AND m.id = $2"))
        .bind(school_id)
        .bind(id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn events(store: &Store, school_id: &str, member_id: &str) -> Result<Vec<EventRow>> {
    Ok(sqlx::query_as(
        // People by their names: the login name only when no account has it any more.
        "SELECT e.id, e.kind, e.event_date, e.reason, e.detail, COALESCE(u.display_name, e.actor) AS actor, e.at \
         FROM member_events e LEFT JOIN users u ON u.username = e.actor \
         WHERE e.school_id = $1 AND e.member_id = $2 ORDER BY e.at DESC, e.event_date DESC",
    )
    .bind(school_id)
    .bind(member_id)
    .fetch_all(&store.read)
    .await?)
}

/// Which sensitive field to reveal.
#[derive(Debug, Clone, Copy)]
pub enum Sensitive {
    IdNumber,
    Phone,
}

/// Decrypts one sensitive field. The caller audits the reveal.
pub async fn reveal(store: &Store, school_id: &str, id: &str, field: Sensitive) -> Result<Option<String>> {
    let col = match field {
        Sensitive::IdNumber => "id_enc",
        Sensitive::Phone => "phone_enc",
    };
    let row: Option<(Option<String>,)> =
        sqlx::query_as(&format!("SELECT {col} FROM members WHERE school_id = $1 AND id = $2"))
            .bind(school_id)
            .bind(id)
            .fetch_optional(&store.read)
            .await?;
    match row {
        None => Err(StoreError::NotFound),
        Some((None,)) => Ok(None),
        Some((Some(sealed),)) => Ok(Some(store.crypto.decrypt(&sealed)?)),
    }
}

/// ID and phone numbers in clear for every member of the school, in one query (the audited export
/// with sensitive columns).
pub async fn reveal_all(store: &Store, school_id: &str) -> Result<HashMap<String, (Option<String>, Option<String>)>> {
    let rows: Vec<(String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT id, id_enc, phone_enc FROM members WHERE school_id = $1")
            .bind(school_id)
            .fetch_all(&store.read)
            .await?;
    let open = |v: Option<String>| v.map(|s| store.crypto.decrypt(&s)).transpose();
    rows.into_iter().map(|(id, i, p)| Ok((id, (open(i)?, open(p)?)))).collect()
}

/// The canonical text of a member's data; its keyed hash tells the import whether a row changed.
fn fingerprint(c: &Crypto, school_id: &str, m: &MemberInput) -> String {
    // Each field as text (absent = empty), separated by a control character no field contains.
    let date = |d: Option<chrono::NaiveDate>| d.map(jiaogong_domain::platform::dates::iso).unwrap_or_default();
    let parts: [&str; 15] = [
        &m.name,
        &m.employee_no,
        m.gender.map(|g| g.code()).unwrap_or(""),
        &date(m.birth_date),
        m.id_number.as_ref().map(|i| i.as_str()).unwrap_or(""),
        m.phone.as_ref().map(|p| p.as_str()).unwrap_or(""),
        m.department.as_deref().unwrap_or(""),
        m.post.map(|p| p.code()).unwrap_or(""),
        m.title.as_deref().unwrap_or(""),
        &date(m.joined_school),
        &date(m.joined_union),
        m.group.as_deref().unwrap_or(""),
        m.status.code(),
        if m.is_temporary { "1" } else { "0" },
        m.notes.as_deref().unwrap_or(""),
    ];
    c.blind_index(school_id, &parts.join("\u{1f}"))
}

/// Column values of a member ready to write (names resolved to ids, sensitive fields sealed).
struct Sealed {
    initials: String,
    pinyin: String,
    id_enc: Option<String>,
    id_index: Option<String>,
    id_masked: Option<String>,
    phone_enc: Option<String>,
    phone_masked: Option<String>,
    fingerprint: String,
}

fn seal(c: &Crypto, school_id: &str, m: &MemberInput) -> Result<Sealed> {
    let (id_enc, id_index, id_masked) = match &m.id_number {
        Some(idn) => (Some(c.encrypt(idn.as_str())?), Some(c.blind_index(school_id, idn.as_str())), Some(idn.masked())),
        None => (None, None, None),
    };
    let (phone_enc, phone_masked) = match &m.phone {
        Some(p) => (Some(c.encrypt(p.as_str())?), Some(p.masked())),
        None => (None, None),
    };
    Ok(Sealed {
        initials: pinyin_search::initials(&m.name),
        pinyin: pinyin_search::full_pinyin(&m.name),
        id_enc,
        id_index,
        id_masked,
        phone_enc,
        phone_masked,
        fingerprint: fingerprint(c, school_id, m),
    })
}

fn date_text(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(jiaogong_domain::platform::dates::iso)
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds a member's data columns in the order every members statement lists them:
/// employee_no, name, name_initials, name_pinyin, gender, birth_date, id_enc, id_index, id_masked,
/// phone_enc, phone_masked, department_id, post, title, joined_school, joined_union, group_id.
/// The fingerprint is returned for the statement to bind where it lists it.
fn bind_fields<'q>(
    q: AnyQuery<'q>,
    m: &'q MemberInput,
    s: Sealed,
    department_id: Option<String>,
    group_id: Option<String>,
) -> (AnyQuery<'q>, String) {
    let q = q
        .bind(m.employee_no.as_str())
        .bind(m.name.as_str())
        .bind(s.initials)
        .bind(s.pinyin)
        .bind(m.gender.map(|g| g.code()))
        .bind(date_text(m.birth_date))
        .bind(s.id_enc)
        .bind(s.id_index)
        .bind(s.id_masked)
        .bind(s.phone_enc)
        .bind(s.phone_masked)
        .bind(department_id)
        .bind(m.post.map(|p| p.code()))
        .bind(m.title.as_deref())
        .bind(date_text(m.joined_school))
        .bind(date_text(m.joined_union))
        .bind(group_id);
    (q, s.fingerprint)
}

/// Inserts a new member. `group_id` and `department_id` are already resolved in this school.
pub async fn insert(
    tx: &mut Tx,
    c: &Crypto,
    school_id: &str,
    m: &MemberInput,
    group_id: Option<&str>,
    department_id: Option<&str>,
) -> Result<String> {
    let id = new_id();
    let s = seal(c, school_id, m)?;
    let now = now_ms();
    let q = sqlx::query(
        "INSERT INTO members (id, school_id, employee_no, name, name_initials, name_pinyin, gender, birth_date, id_enc, id_index, id_masked, \
         phone_enc, phone_masked, department_id, post, title, joined_school, joined_union, group_id, status, is_temporary, spouse_staff, notes, \
         fingerprint, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, 0, $22, $23, $24, $24)",
    )
    .bind(&id)
    .bind(school_id);
    let (q, fingerprint) = bind_fields(q, m, s, department_id.map(str::to_string), group_id.map(str::to_string));
    q.bind(m.status.code())
        .bind(i64::from(m.is_temporary))
        .bind(m.notes.as_deref())
        .bind(fingerprint)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(crate::unique_as("employee_no"))?;
    Ok(id)
}

/// Overwrites a member's data fields (not its status: status changes are events).
pub async fn update(
    tx: &mut Tx,
    c: &Crypto,
    school_id: &str,
    id: &str,
    m: &MemberInput,
    group_id: Option<&str>,
    department_id: Option<&str>,
) -> Result<()> {
    let s = seal(c, school_id, m)?;
    let q = sqlx::query(
        "UPDATE members SET employee_no = $1, name = $2, name_initials = $3, name_pinyin = $4, gender = $5, birth_date = $6, \
         id_enc = $7, id_index = $8, id_masked = $9, phone_enc = $10, phone_masked = $11, department_id = $12, post = $13, title = $14, \
         joined_school = $15, joined_union = $16, group_id = $17, is_temporary = $18, notes = $19, fingerprint = $20, updated_at = $21 \
         WHERE school_id = $22 AND id = $23",
    );
    let (q, fingerprint) = bind_fields(q, m, s, department_id.map(str::to_string), group_id.map(str::to_string));
    let r = q
        .bind(i64::from(m.is_temporary))
        .bind(m.notes.as_deref())
        .bind(fingerprint)
        .bind(now_ms())
        .bind(school_id)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(crate::unique_as("employee_no"))?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Records an event and applies its effect (status, group) in the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn record_event(
    tx: &mut Tx,
    school_id: &str,
    member_id: &str,
    kind: MemberEventKind,
    new_status: MemberStatus,
    new_group: Option<&str>,
    date: &str,
    reason: &str,
    detail: &str,
    actor: &str,
) -> Result<()> {
    let r = sqlx::query("UPDATE members SET status = $1, group_id = COALESCE($2, group_id), updated_at = $3 WHERE school_id = $4 AND id = $5")
        .bind(new_status.code())
        .bind(new_group.map(str::to_string))
        .bind(now_ms())
        .bind(school_id)
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("INSERT INTO member_events (id, school_id, member_id, kind, event_date, reason, detail, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(new_id())
        .bind(school_id)
        .bind(member_id)
        .bind(kind.code())
        .bind(date)
        .bind(reason)
        .bind(detail)
        .bind(actor)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    // A death or a retirement creates its care event (and visit task) in the same transaction.
    crate::care::events::from_roster(tx, school_id, member_id, kind.code(), date, actor).await?;
    // A delegate who transfers out, retires or dies leaves the current delegate lists, with the
    // history line (who: the delegate row, when: the event's date, why: the status and reason).
    if jiaogong_domain::congress::leaves_delegate_list(new_status) {
        sqlx::query(
            "UPDATE delegates SET until = $1, reason = $2 WHERE school_id = $3 AND member_id = $4 AND until IS NULL",
        )
        .bind(date)
        .bind(jiaogong_domain::congress::leaving_reason(new_status, reason))
        .bind(school_id)
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// What the import needs to match a row with an existing member.
#[derive(Debug, Clone)]
pub struct Existing {
    pub id: String,
    pub fingerprint: String,
    pub status: String,
}

/// Existing members keyed by employee number and by ID-number blind index, in one query.
pub async fn import_keys(
    store: &Store,
    school_id: &str,
) -> Result<(foldhash::HashMap<String, Existing>, foldhash::HashMap<String, String>)> {
    let rows: Vec<(String, String, Option<String>, String, String)> =
        sqlx::query_as("SELECT id, employee_no, id_index, fingerprint, status FROM members WHERE school_id = $1")
            .bind(school_id)
            .fetch_all(&store.read)
            .await?;
    let mut by_no = foldhash::HashMap::with_capacity_and_hasher(rows.len(), Default::default());
    let mut by_idx = foldhash::HashMap::default();
    // A backup from before blind indexes were cut to 128 bits holds all 64 digits: their start
    // is today's value.
    let cut = |mut s: String| {
        if s.is_char_boundary(crate::platform::crypto::BLIND_INDEX_LEN) {
            s.truncate(crate::platform::crypto::BLIND_INDEX_LEN);
        }
        s
    };
    for (id, no, idx, fingerprint, status) in rows {
        let fingerprint = cut(fingerprint);
        if let Some(idx) = idx {
            by_idx.insert(cut(idx), no.clone());
        }
        by_no.insert(no, Existing { id, fingerprint, status });
    }
    Ok((by_no, by_idx))
}

/// The fingerprint a member would have, for the import's "unchanged" check.
pub fn fingerprint_of(c: &Crypto, school_id: &str, m: &MemberInput) -> String {
    fingerprint(c, school_id, m)
}

/// The blind index of an ID number in this school.
pub fn id_index_of(c: &Crypto, school_id: &str, id_number: &str) -> String {
    c.blind_index(school_id, id_number)
}

/// Counts for the home page and the district view.
pub async fn count_by_status(store: &Store, school_id: &str) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as("SELECT status, CAST(COUNT(*) AS BIGINT) FROM members WHERE school_id = $1 GROUP BY status")
        .bind(school_id)
        .fetch_all(&store.read)
        .await?)
}

/// Moves members to another group (both checked to be in the school by the caller's query).
pub async fn group_of(store: &Store, school_id: &str, member_id: &str) -> Result<Option<String>> {
    let r: Option<(Option<String>,)> = sqlx::query_as("SELECT group_id FROM members WHERE school_id = $1 AND id = $2")
        .bind(school_id)
        .bind(member_id)
        .fetch_optional(&store.read)
        .await?;
    r.map(|r| r.0).ok_or(StoreError::NotFound)
}

/// The school a member belongs to (for routes that carry only the member id).
pub async fn school_of(store: &Store, member_id: &str) -> Result<String> {
    let (s,): (String,) = sqlx::query_as("SELECT school_id FROM members WHERE id = $1")
        .bind(member_id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(s)
}

/// Ids of the school's active members (the default electorate of a poll).
pub async fn active_ids(store: &Store, school_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM members WHERE school_id = $1 AND status = 'active'")
        .bind(school_id)
        .fetch_all(&store.read)
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Ids of the active members of one group of the school.
pub async fn active_ids_in_group(store: &Store, school_id: &str, group_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM members WHERE school_id = $1 AND group_id = $2 AND status = 'active'")
            .bind(school_id)
            .bind(group_id)
            .fetch_all(&store.read)
            .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

pub use crate::members::corrections::{corrections, request_correction, resolve_correction, Correction};
pub use crate::platform::uploads::{stash_upload, stashed_upload, take_stashed_upload};
