//! Reading a poll's ballots in bulk (the tally, the bulletin, the evaluation pages): a chunk of
//! sealed ballots per statement, packed into two aggregated values, then opened with the
//! ballot key (ADR 007).

use super::sealed::{self, Opened};
use crate::{Crypto, Result, Store};

/// Ballots per statement of [`ballots_packed`].
pub const PACKED_CHUNK: i64 = 8192;

/// Every ballot of a poll, opened, all chunks kept (row id order, which is random).
pub async fn ballots_packed(store: &Store, poll_id: &str) -> Result<PackedBallots> {
    let mut conn = store.read.acquire().await?;
    ballots_packed_on(&mut conn, store.kind, &store.crypto, poll_id, PACKED_CHUNK).await
}

/// [`ballots_packed`] on one connection, `chunk` ballots per statement.
pub async fn ballots_packed_on(
    conn: &mut sqlx::AnyConnection,
    kind: crate::DbKind,
    crypto: &Crypto,
    poll_id: &str,
    chunk: i64,
) -> Result<PackedBallots> {
    let mut reader = PackedReader::new(kind, poll_id, chunk);
    let mut packed = PackedBallots::default();
    while let Some(mut next) = reader.next(conn, crypto).await? {
        packed.rows.append(&mut next.rows);
    }
    Ok(packed)
}

/// Reads a poll's sealed ballots in row id order, `chunk` at a time, each chunk as two packed
/// texts in one statement instead of row by row. Row ids are random, so that order says nothing
/// about who voted when; it is not the order a bulletin is published in either (that is the
/// trackers' order, which nobody can relate to row ids without the key).
pub struct PackedReader {
    sql: String,
    poll_id: String,
    /// The last row id read; every id sorts after "".
    after: String,
    chunk: i64,
    done: bool,
}

impl PackedReader {
    pub fn new(kind: crate::DbKind, poll_id: &str, chunk: i64) -> Self {
        Self {
            sql: packed_select(kind),
            poll_id: poll_id.to_string(),
            after: String::new(),
            chunk: chunk.max(1),
            done: false,
        }
    }

    /// The poll being read.
    pub fn poll_id(&self) -> &str {
        &self.poll_id
    }

    /// The next chunk read on a reader connection of `store` taken for this chunk only (a
    /// slow consumer holds no connection between chunks), or `None` once every ballot was read.
    pub async fn next_chunk(&mut self, store: &Store) -> Result<Option<PackedBallots>> {
        if self.done {
            return Ok(None);
        }
        let mut conn = store.read.acquire().await?;
        self.next(&mut conn, &store.crypto).await
    }

    /// The next chunk, opened, or `None` once every ballot has been read.
    pub async fn next(&mut self, conn: &mut sqlx::AnyConnection, crypto: &Crypto) -> Result<Option<PackedBallots>> {
        if self.done {
            return Ok(None);
        }
        let (count, ids, seals, last): (i64, Option<String>, Option<String>, Option<String>) =
            sqlx::query_as(&self.sql)
                .bind(&self.poll_id)
                .bind(&self.after)
                .bind(self.chunk)
                .fetch_one(&mut *conn)
                .await?;
        let (ids, seals) = (ids.unwrap_or_default(), seals.unwrap_or_default());
        let mut rows = Vec::with_capacity(count.max(0) as usize);
        // Ids are hex and seals base64: neither holds a newline.
        if count > 0 {
            for (id, seal) in ids.split('\n').zip(seals.split('\n')) {
                rows.push(sealed::open(crypto, &self.poll_id, id, seal.as_bytes())?);
            }
        }
        if rows.len() as i64 != count {
            return Err(crate::StoreError::Invalid(format!("ballots of poll {} do not read back", self.poll_id)));
        }
        match last {
            Some(last) if count == self.chunk => self.after = last,
            _ => self.done = true,
        }
        if count == 0 {
            return Ok(None);
        }
        Ok(Some(PackedBallots { rows }))
    }
}

/// The statement of [`PackedReader`] (`$1` poll, `$2` the last row id read, `$3` chunk size):
/// the count, the ids and the seals each joined by newlines, and the last id. One scan feeds
/// both aggregates row by row, so the k-th line of each belongs to the same row.
fn packed_select(kind: crate::DbKind) -> String {
    let aggs = match kind {
        crate::DbKind::Sqlite => "group_concat(id, char(10)), group_concat(sealed, char(10))",
        crate::DbKind::Postgres => "string_agg(id, E'\\n'), string_agg(sealed, E'\\n')",
    };
    format!(
        "SELECT COUNT(*), {aggs}, MAX(id) FROM (SELECT id, sealed FROM ballots \
         WHERE poll_id = $1 AND id > $2 ORDER BY id LIMIT $3) AS chunk"
    )
}

/// Opened ballots of a poll as [`PackedReader`] reads them.
#[derive(Default)]
pub struct PackedBallots {
    rows: Vec<Opened>,
}

impl PackedBallots {
    /// How many ballots.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// (tracker, content, on paper) of each ballot. The contents are bytes, for
    /// [`jiaogong_domain::congress::ballots::StoredCount`].
    pub fn byte_rows(&self) -> Vec<(&str, &[u8], bool)> {
        self.rows.iter().map(|(t, c, p)| (t.as_str(), c.as_slice(), *p)).collect()
    }

    /// [`Self::byte_rows`] with the contents as text; none if they are not UTF-8.
    pub fn rows(&self) -> Vec<(&str, &str, bool)> {
        self.byte_rows()
            .into_iter()
            .map(|(t, c, p)| std::str::from_utf8(c).map(|c| (t, c, p)))
            .collect::<std::result::Result<_, _>>()
            .unwrap_or_default()
    }

    /// The ballots in tracker order: the order a bulletin is published in (ADR 007).
    pub fn sort_by_tracker(&mut self) {
        self.rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    }

    /// Adds the ballots of another chunk.
    pub fn append(&mut self, other: &mut PackedBallots) {
        self.rows.append(&mut other.rows);
    }
}
