//! Inserting many members at once (the roster import).

use std::borrow::Borrow;

use jiaogong_domain::members::MemberInput;

use super::{bind_fields, seal};
use crate::{now_ms, Result, Store, Tx};

/// Inserts many new members in multi-row statements (the import's fast path).
/// The rows are a member (owned or borrowed), its group id and its department id.
pub async fn insert_many<M: Borrow<MemberInput>>(
    store: &Store,
    tx: &mut Tx,
    school_id: &str,
    rows: &[(M, Option<String>, Option<String>)],
) -> Result<Vec<String>> {
    const COLS: usize = 25;
    // 200 rows × 25 = 5,000 parameters. On SQLite the placeholders are anonymous `?`: binding a
    // numbered `$N` makes SQLite look its name up in a list, which turns a large statement quadratic.
    const BATCH: usize = 200;
    let c = &store.crypto;
    let anonymous = store.kind == crate::DbKind::Sqlite;
    let now = now_ms();
    let mut ids = Vec::with_capacity(rows.len());
    let mut next_id = crate::IdSequence::new();
    let rebuild = if anonymous { drop_secondary_indexes(tx, rows.len()).await? } else { Vec::new() };
    for chunk in rows.chunks(BATCH) {
        let mut sql = String::from(
            "INSERT INTO members (id, school_id, employee_no, name, name_initials, name_pinyin, gender, birth_date, id_enc, id_index, id_masked, \
             phone_enc, phone_masked, department_id, post, title, joined_school, joined_union, group_id, status, is_temporary, notes, \
             fingerprint, created_at, updated_at, spouse_staff, origin) VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for j in 0..COLS {
                if j > 0 {
                    sql.push(',');
                }
                if anonymous {
                    sql.push('?');
                } else {
                    sql.push('$');
                    sql.push_str(&(i * COLS + j + 1).to_string());
                }
            }
            sql.push_str(",0,'import')");
        }
        let mut q = sqlx::query(&sql);
        for (m, group_id, dept_id) in chunk {
            let m: &MemberInput = m.borrow();
            let s = seal(c, school_id, m)?;
            let id = next_id.next_id();
            ids.push(id.clone());
            let (bound, fingerprint) =
                bind_fields(q.bind(id).bind(school_id.to_string()), m, s, dept_id.clone(), group_id.clone());
            q = bound
                .bind(m.status.code())
                .bind(i64::from(m.is_temporary))
                .bind(m.notes.as_deref())
                .bind(fingerprint)
                .bind(now)
                .bind(now);
        }
        q.execute(&mut **tx).await?;
    }
    for create in rebuild {
        sqlx::query(&create).execute(&mut **tx).await?;
    }
    Ok(ids)
}

/// Rows from which [`insert_many`] drops the secondary indexes on SQLite, if the table holds
/// fewer than twice as many.
const BULK_ROWS: usize = 1000;

/// On SQLite, a batch of at least [`BULK_ROWS`] that is at least half the size of the table goes
/// in without the table's secondary (non-unique, named) indexes: they are dropped inside the
/// transaction and built again after the inserts, one sort each instead of a random insertion
/// per row each (60,000 rows: 0.14 s to build against 0.46 s of insertions). Readers keep their
/// snapshot with the indexes; a failure rolls the drop back with the rest. Returns the
/// statements that build them again.
async fn drop_secondary_indexes(tx: &mut Tx, new_rows: usize) -> Result<Vec<String>> {
    if new_rows < BULK_ROWS {
        return Ok(Vec::new());
    }
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM members").fetch_one(&mut **tx).await?;
    if (new_rows as i64) * 2 < existing {
        return Ok(Vec::new());
    }
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'members' AND sql IS NOT NULL \
         AND upper(sql) NOT LIKE 'CREATE UNIQUE%'",
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut rebuild = Vec::with_capacity(indexes.len());
    for (name, create) in indexes {
        sqlx::query(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\""))).execute(&mut **tx).await?;
        rebuild.push(create);
    }
    Ok(rebuild)
}
