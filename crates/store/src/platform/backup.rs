//! Logical backup and restore: every table as JSON lines, read in one snapshot. The same file
//! restores into an empty SQLite or PostgreSQL database, so it is also the way to move a school
//! from the embedded database to PostgreSQL. The encryption key is not in the file: keep the key
//! file with the backup.

use std::io::{BufRead, Write};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use sqlx::{Column, Row};

use crate::{DbKind, Result, Store, StoreError};

/// Tables in an order that satisfies the foreign keys on restore.
pub const TABLES: &[&str] = &[
    "districts",
    "schools",
    "users",
    "setup_tokens",
    "api_tokens",
    "activation_codes",
    "union_groups",
    "departments",
    "members",
    "member_events",
    "correction_requests",
    "salaries",
    "dues_payments",
    "calendar_days",
    "congress_terms",
    "congress_sessions",
    "delegates",
    "attendance",
    "congress_settings",
    "delegate_list_confirmations",
    "interim_requests",
    "interim_signatures",
    "session_items",
    "polls",
    "poll_electorate",
    "poll_voted",
    "ballots",
    "ballots_legacy",
    "ballots_base64",
    "paper_issued",
    "paper_counters",
    "paper_entries",
    "poll_officials",
    "poll_attachments",
    "library_docs",
    "library_versions",
    "library_tokens",
    "resolution_progress",
    "evaluations",
    "evaluation_leaders",
    "evaluation_raters",
    "selections",
    "selection_nominees",
    "selection_rounds",
    "selection_round_polls",
    "selection_objections",
    "proposal_settings",
    "proposal_windows",
    "proposals",
    "proposal_cosigners",
    "proposal_events",
    "proposal_replies",
    "proposal_feedback",
    "notifications",
    "notices",
    "notice_recipients",
    "notice_files",
    "notify_prefs",
    "school_webhooks",
    "activities",
    "activity_signups",
    "activity_attendance",
    "activity_entries",
    "activity_photos",
    "calendar_feeds",
    "fin_accounts",
    "fin_settings",
    "fin_counters",
    "fin_vouchers",
    "fin_lines",
    "fin_attachments",
    "fin_periods",
    "fin_opening_balances",
    "fin_budgets",
    "fin_budget_approvals",
    "fin_disclosures",
    "fin_questions",
    "fin_opinions",
    "care_settings",
    "care_rules",
    "care_events",
    "care_campaigns",
    "care_tasks",
    "care_visits",
    "care_hardship_files",
    "care_aid",
    "care_checkups",
    "care_checkup_people",
    "care_protections",
    "care_requests",
    "care_request_steps",
    "audit_log",
    "audit_head",
    "transparency_items",
    "transparency_files",
    "transparency_objections",
    "plans",
    "plan_sections",
    "plan_goals",
    "plan_entries",
    "plan_links",
    "summaries",
    "summary_prose",
    "assess_standards",
    "assess_items",
    "assess_evidence",
    "assess_scores",
    "district_submissions",
    "district_submission_entries",
    "school_figures",
    "school_figures_state",
    "school_figures_mark",
];

/// Tables left out on purpose: sign-in sessions, login throttling and import drafts are
/// short-lived and restoring them would revive stale state; so are the scheduler's leases and the
/// group robots' outgoing queue (a restored queue would post old announcements again).
/// `app_meta` records which program opened the database last: the restoring program writes its own.
pub const NOT_BACKED_UP: &[&str] =
    &["import_stash", "login_throttle", "sessions", "leases", "webhook_queue", "app_meta"];

const MAGIC: &str = "jiaogong-backup";

/// The key of a value that holds bytes: `{"base64": "…"}`.
const BYTES: &str = "base64";

/// Writes every table to `out`; returns the number of rows written.
pub async fn backup(store: &Store, out: &mut (dyn Write + Send)) -> Result<u64> {
    // A database at an older migration level (the backup taken before migrating) lacks the
    // newer tables: those are left out, and the file restores into that same level.
    let present = store.table_names().await?;
    let mut conn = store.read.acquire().await?;
    let begin = match store.kind {
        DbKind::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ",
        DbKind::Sqlite => "BEGIN",
    };
    sqlx::query(begin).execute(&mut *conn).await?;
    writeln!(out, "{}", serde_json::json!({"format": MAGIC, "version": 1, "key_check": key_check(store)}))?;
    let mut total = 0u64;
    for table in TABLES.iter().filter(|t| present.iter().any(|p| p == *t)) {
        let rows = sqlx::query(&format!("SELECT * FROM {table}")).fetch_all(&mut *conn).await?;
        let columns: Vec<String> = match rows.first() {
            Some(r) => r.columns().iter().map(|c| c.name().to_string()).collect(),
            None => Vec::new(),
        };
        writeln!(out, "{}", serde_json::json!({"table": table, "columns": columns, "rows": rows.len()}))?;
        for row in &rows {
            let mut vals = Vec::with_capacity(columns.len());
            for i in 0..columns.len() {
                let v = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                    serde_json::json!(v)
                } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
                    serde_json::json!(v)
                } else {
                    // Bytes (sealed ballots): {"base64": "…"}.
                    let v: Option<Vec<u8>> = row.try_get(i)?;
                    v.map(|b| serde_json::json!({ BYTES: B64.encode(b) })).unwrap_or(serde_json::Value::Null)
                };
                vals.push(v);
            }
            writeln!(out, "{}", serde_json::Value::Array(vals))?;
            total += 1;
        }
    }
    sqlx::query("COMMIT").execute(&mut *conn).await?;
    // The end marker: a file cut at a table boundary must not restore as a smaller database.
    writeln!(out, "{}", serde_json::json!({"end": true, "rows": total}))?;
    out.flush()?;
    Ok(total)
}

/// What a restore says when the backup was written under another master key.
pub const KEY_MISMATCH: &str =
    "此备份是在另一把主密钥下写成的：用当前密钥恢复后，身份证号、手机号等加密字段和审计链都将无法读取。\
请把备份时的 secret.key 放进数据目录（或设置 JIAOGONG_SECRET_KEY）后再恢复；数据库未作任何改动";

/// A value only the holder of the master key can compute, written in the backup's header so a
/// restore under another key is refused before anything is written.
fn key_check(store: &Store) -> String {
    let mut mac = store.crypto.audit_mac(&[b"jiaogong-backup-key-check"]);
    mac.truncate(32);
    mac
}

/// For a backup without a key check (older files): the first sealed field restored must open
/// with this key.
async fn sealed_fields_open(store: &Store, tx: &mut crate::Tx) -> Result<bool> {
    let sample: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT id_enc, phone_enc FROM members WHERE id_enc IS NOT NULL OR phone_enc IS NOT NULL LIMIT 1",
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match sample {
        Some((id, phone)) => id.or(phone).is_none_or(|sealed| store.crypto.decrypt(&sealed).is_ok()),
        None => true,
    })
}

/// Restores a backup into an empty database, all in one transaction. A backup written under
/// another master key is refused ([`KEY_MISMATCH`]) and nothing is written.
pub async fn restore(store: &Store, input: &mut dyn BufRead) -> Result<u64> {
    if !store.is_empty().await? {
        return Err(StoreError::Invalid("the target database is not empty".into()));
    }
    let mut lines = input.lines();
    let header: serde_json::Value = match lines.next() {
        Some(l) => serde_json::from_str(&l?).map_err(|_| StoreError::Invalid("not a backup file".into()))?,
        None => return Err(StoreError::Invalid("empty backup file".into())),
    };
    if header.get("format").and_then(|f| f.as_str()) != Some(MAGIC) {
        return Err(StoreError::Invalid("not a backup file".into()));
    }
    let checked = match header.get("key_check").and_then(|k| k.as_str()) {
        Some(k) if k != key_check(store) => return Err(StoreError::Invalid(KEY_MISMATCH.into())),
        Some(_) => true,
        None => false,
    };
    let mut tx = store.begin().await?;
    for t in ["audit_head", "calendar_days"] {
        sqlx::query(&format!("DELETE FROM {t}")).execute(&mut *tx).await?;
    }
    let mut total = 0u64;
    let mut ended = false;
    while let Some(line) = lines.next() {
        let meta: serde_json::Value =
            serde_json::from_str(&line?).map_err(|_| StoreError::Invalid("corrupt table header".into()))?;
        if meta.get("end").and_then(|e| e.as_bool()) == Some(true) {
            if meta.get("rows").and_then(|r| r.as_u64()) != Some(total) {
                return Err(StoreError::Invalid("the row count at the end of the file does not match".into()));
            }
            ended = true;
            break;
        }
        let table = meta.get("table").and_then(|t| t.as_str()).unwrap_or_default().to_string();
        if !TABLES.contains(&table.as_str()) {
            return Err(StoreError::Invalid(format!("unknown table {table}")));
        }
        let columns: Vec<String> = meta
            .get("columns")
            .and_then(|c| c.as_array())
            .map(|a| a.iter().filter_map(|c| c.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        if columns.iter().any(|c| !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')) {
            return Err(StoreError::Invalid("bad column name".into()));
        }
        let n = meta.get("rows").and_then(|r| r.as_u64()).unwrap_or(0);
        for _ in 0..n {
            let row = lines.next().ok_or_else(|| StoreError::Invalid("backup file is truncated".into()))??;
            let vals: Vec<serde_json::Value> =
                serde_json::from_str(&row).map_err(|_| StoreError::Invalid("corrupt row".into()))?;
            if vals.len() != columns.len() {
                return Err(StoreError::Invalid("row has the wrong number of values".into()));
            }
            // A NULL is written as the literal: a typed NULL parameter (text) is refused by
            // PostgreSQL for a BIGINT or BYTEA column.
            let mut k = 0;
            let placeholders: Vec<String> = vals
                .iter()
                .map(|v| {
                    if v.is_null() {
                        "NULL".to_string()
                    } else {
                        k += 1;
                        format!("${k}")
                    }
                })
                .collect();
            let sql = format!("INSERT INTO {table} ({}) VALUES ({})", columns.join(", "), placeholders.join(", "));
            let mut q = sqlx::query(&sql);
            for (v, column) in vals.into_iter().zip(&columns) {
                q = match v {
                    serde_json::Value::Null => q,
                    serde_json::Value::Number(n) => q.bind(n.as_i64().unwrap_or_default()),
                    // A backup written before migration 0025 holds the seals as base64 text.
                    serde_json::Value::String(s) if table == "ballots" && column == "sealed" => q.bind(
                        crate::congress::polls::sealed::from_base64(&s)
                            .map_err(|_| StoreError::Invalid("corrupt sealed ballot".into()))?,
                    ),
                    serde_json::Value::String(s) => q.bind(s),
                    serde_json::Value::Object(o) if o.len() == 1 && o.contains_key(BYTES) => {
                        let text = o.get(BYTES).and_then(|b| b.as_str()).unwrap_or_default();
                        q.bind(B64.decode(text).map_err(|_| StoreError::Invalid("corrupt bytes in a row".into()))?)
                    }
                    other => q.bind(other.to_string()),
                };
            }
            q.execute(&mut *tx).await?;
            total += 1;
        }
    }
    if !ended {
        return Err(StoreError::Invalid("backup file is truncated (no end marker)".into()));
    }
    if !checked && !sealed_fields_open(store, &mut tx).await? {
        return Err(StoreError::Invalid(KEY_MISMATCH.into()));
    }
    tx.commit().await?;
    crate::platform::cache::bump_all();
    Ok(total)
}
