//! Reading a poll's ballots in bulk (the tally, the bulletin, the evaluation pages): a chunk of
//! sealed ballots per statement, packed into a few aggregated values, then opened with the
//! ballot key where they lie (ADR 007).

use super::sealed;
use crate::{Crypto, Result, Store, StoreError};

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
        packed.append(&mut next);
    }
    Ok(packed)
}

/// One chunk as the statement of [`PackedReader`] returns it.
type Packed = (i64, Option<String>, Option<Vec<u8>>, Option<String>, Option<String>);

/// Reads a poll's sealed ballots in row id order, `chunk` at a time, each chunk as packed
/// values in one statement instead of row by row. Row ids are random, so that order says nothing
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
    /// slow consumer holds no connection between chunks), opened off the async workers, or
    /// `None` once every ballot was read.
    pub async fn next_chunk(&mut self, store: &Store) -> Result<Option<PackedBallots>> {
        let packed = {
            let mut conn = store.read.acquire().await?;
            match self.fetch(&mut conn).await? {
                Some(p) => p,
                None => return Ok(None),
            }
        };
        let (crypto, poll_id) = (store.crypto.clone(), self.poll_id.clone());
        let opened = tokio::task::spawn_blocking(move || open_chunk(&crypto, &poll_id, packed))
            .await
            .map_err(|e| StoreError::Invalid(format!("opening ballots: {e}")))??;
        Ok(Some(opened))
    }

    /// The next chunk, opened, or `None` once every ballot has been read.
    pub async fn next(&mut self, conn: &mut sqlx::AnyConnection, crypto: &Crypto) -> Result<Option<PackedBallots>> {
        match self.fetch(conn).await? {
            Some(p) => open_chunk(crypto, &self.poll_id, p).map(Some),
            None => Ok(None),
        }
    }

    /// The next chunk as stored, or `None` once every ballot has been read.
    async fn fetch(&mut self, conn: &mut sqlx::AnyConnection) -> Result<Option<Packed>> {
        if self.done {
            return Ok(None);
        }
        let packed: Packed = sqlx::query_as(&self.sql)
            .bind(&self.poll_id)
            .bind(&self.after)
            .bind(self.chunk)
            .fetch_one(&mut *conn)
            .await?;
        let count = packed.0;
        match &packed.4 {
            Some(last) if count == self.chunk => self.after = last.clone(),
            _ => self.done = true,
        }
        if count == 0 {
            return Ok(None);
        }
        Ok(Some(packed))
    }
}

/// Opens the ballots of one chunk where they lie in the chunk's bytes: ids one per line, seals
/// one after the other with their lengths listed (seals are bytes and may hold any byte, so they
/// are cut by length, not by a separator).
fn open_chunk(crypto: &Crypto, poll_id: &str, packed: Packed) -> Result<PackedBallots> {
    let (count, ids, seals, lengths, _) = packed;
    let (ids, mut seals, lengths) = (ids.unwrap_or_default(), seals.unwrap_or_default(), lengths.unwrap_or_default());
    let broken = || StoreError::Invalid(format!("ballots of poll {poll_id} do not read back"));
    let mut rows = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut scratch = Vec::with_capacity(64 + poll_id.len());
    let mut at = 0usize;
    for (id, len) in ids.split('\n').zip(lengths.split(',')) {
        let len: usize = len.trim().parse().map_err(|_| broken())?;
        let seal = seals.get_mut(at..at + len).ok_or_else(broken)?;
        let s = sealed::open_spans(crypto, &mut scratch, poll_id, id, seal)?;
        rows.push(Row {
            chunk: 0,
            tracker: (at + s.tracker.0, at + s.tracker.1),
            content: (at + s.content.0, at + s.content.1),
            paper: s.paper,
        });
        at += len;
    }
    if rows.len() as i64 != count || at != seals.len() {
        return Err(broken());
    }
    Ok(PackedBallots { chunks: vec![seals], rows })
}

/// The statement of [`PackedReader`] (`$1` poll, `$2` the last row id read, `$3` chunk size):
/// the count, the ids joined by newlines, the seals' bytes one after the other, their lengths
/// joined by commas, and the last id. One scan feeds every aggregate row by row, so the k-th
/// part of each belongs to the same row. SQLite's group_concat keeps a BLOB's bytes as they are
/// (by length, whatever they hold); the cast makes the result bytes again.
fn packed_select(kind: crate::DbKind) -> String {
    let aggs = match kind {
        crate::DbKind::Sqlite => {
            "group_concat(id, char(10)), CAST(group_concat(sealed, '') AS BLOB), group_concat(length(sealed), ',')"
        }
        crate::DbKind::Postgres => {
            "string_agg(id, E'\\n'), string_agg(sealed, ''::bytea), string_agg(CAST(length(sealed) AS TEXT), ',')"
        }
    };
    format!(
        "SELECT COUNT(*), {aggs}, MAX(id) FROM (SELECT id, sealed FROM ballots \
         WHERE poll_id = $1 AND id > $2 ORDER BY id LIMIT $3) AS chunk"
    )
}

/// Where one opened ballot lies: in which chunk's bytes, its tracker and content as (start, end).
#[derive(Debug, Clone, Copy)]
struct Row {
    chunk: usize,
    tracker: (usize, usize),
    content: (usize, usize),
    paper: bool,
}

/// Opened ballots of a poll as [`PackedReader`] reads them. The ballots stay where they were
/// opened, in the bytes each statement returned (no copy and no allocation per ballot); the
/// padding stays there too.
#[derive(Default)]
pub struct PackedBallots {
    chunks: Vec<Vec<u8>>,
    rows: Vec<Row>,
}

impl PackedBallots {
    /// How many ballots.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn tracker(&self, r: &Row) -> &[u8] {
        self.chunks.get(r.chunk).and_then(|c| c.get(r.tracker.0..r.tracker.1)).unwrap_or_default()
    }

    /// (tracker, content, on paper) of each ballot. The contents are bytes, for
    /// [`jiaogong_domain::congress::ballots::StoredCount`].
    pub fn byte_rows(&self) -> Vec<(&str, &[u8], bool)> {
        self.rows
            .iter()
            .map(|r| {
                // Trackers were checked to be UTF-8 when opened.
                let tracker = std::str::from_utf8(self.tracker(r)).unwrap_or_default();
                let content =
                    self.chunks.get(r.chunk).and_then(|c| c.get(r.content.0..r.content.1)).unwrap_or_default();
                (tracker, content, r.paper)
            })
            .collect()
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
        let mut rows = std::mem::take(&mut self.rows);
        rows.sort_unstable_by(|a, b| self.tracker(a).cmp(self.tracker(b)));
        self.rows = rows;
    }

    /// Adds the ballots of another chunk (its bytes move, they are not copied).
    pub fn append(&mut self, other: &mut PackedBallots) {
        let shift = self.chunks.len();
        self.chunks.append(&mut other.chunks);
        self.rows.extend(other.rows.drain(..).map(|r| Row { chunk: r.chunk + shift, ..r }));
    }
}
