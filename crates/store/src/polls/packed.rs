//! Reading a poll's ballots in bulk (the tally, the bulletin, the evaluation pages): a chunk of
//! ballots per statement, packed into three aggregated values.

use crate::{Result, Store};

/// Ballots per statement of [`ballots_packed`]: about a megabyte and a half of election
/// ballots, which stays in the processor's caches while it is copied from the database.
pub const PACKED_CHUNK: i64 = 8192;

/// Every ballot of a poll as (tracker, content, on paper), read a chunk of [`PACKED_CHUNK`]
/// ballots at a time (see [`PackedReader`]), all chunks kept.
pub async fn ballots_packed(store: &Store, poll_id: &str) -> Result<PackedBallots> {
    let mut conn = store.read.acquire().await?;
    ballots_packed_on(&mut conn, store.kind, poll_id, PACKED_CHUNK).await
}

/// [`ballots_packed`] on one connection, `chunk` ballots per statement.
pub async fn ballots_packed_on(
    conn: &mut sqlx::AnyConnection,
    kind: crate::DbKind,
    poll_id: &str,
    chunk: i64,
) -> Result<PackedBallots> {
    let mut reader = PackedReader::new(kind, poll_id, chunk);
    let mut packed = PackedBallots::default();
    while let Some(mut next) = reader.next(conn).await? {
        packed.count += next.count;
        packed.chunks.append(&mut next.chunks);
    }
    Ok(packed)
}

/// Reads a poll's ballots in tracker order, `chunk` at a time, each chunk as three packed texts
/// in one statement instead of row by row (100,000 rows cost a second through the driver; a
/// dozen aggregated rows a fraction). Trackers of online ballots are random, so tracker order
/// says nothing about who voted when. A chunk that does not split back into as many ballots as
/// it counted is read again row by row.
pub struct PackedReader {
    sql: String,
    poll_id: String,
    /// The last tracker read; every tracker sorts after "".
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
        self.next(&mut conn).await
    }

    /// The next chunk, or `None` once every ballot has been read.
    pub async fn next(&mut self, conn: &mut sqlx::AnyConnection) -> Result<Option<PackedBallots>> {
        if self.done {
            return Ok(None);
        }
        let (count, contents, trackers, papers, last): PackedRow = sqlx::query_as(&self.sql)
            .bind(&self.poll_id)
            .bind(&self.after)
            .bind(self.chunk)
            .fetch_one(&mut *conn)
            .await?;
        let mut chunk = Chunk {
            contents: contents.unwrap_or_default(),
            trackers: trackers.unwrap_or_default(),
            papers: papers.unwrap_or_default(),
        };
        if !chunk.lines_up(count) {
            let rows: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT tracker, content, paper FROM ballots WHERE poll_id = $1 AND tracker > $2 ORDER BY tracker LIMIT $3",
            )
            .bind(&self.poll_id)
            .bind(&self.after)
            .bind(self.chunk)
            .fetch_all(&mut *conn)
            .await?;
            let (mut contents, mut trackers, mut papers) = (Vec::new(), Vec::new(), String::new());
            for (t, c, p) in rows {
                trackers.push(t.replace('\n', " "));
                contents.push(c.replace('\n', " "));
                papers.push(if p == 1 { '1' } else { '0' });
            }
            chunk = Chunk { contents: contents.join("\n").into_bytes(), trackers: trackers.join("\n"), papers };
        }
        match last {
            Some(last) if count == self.chunk => self.after = last,
            _ => self.done = true,
        }
        if count == 0 {
            return Ok(None);
        }
        Ok(Some(PackedBallots { count: chunk.papers.len(), chunks: vec![chunk] }))
    }
}

type PackedRow = (i64, Option<Vec<u8>>, Option<String>, Option<String>, Option<String>);

/// The statement of [`ballots_packed`] (`$1` poll, `$2` the last tracker read, `$3` chunk size):
/// the count, the contents and the trackers each joined by newlines, the paper flags as one
/// digit per ballot, and the last tracker. One scan feeds the aggregates row by row, so the
/// k-th line of each belongs to the same ballot. The contents come as bytes: the tally reads
/// each distinct content once, and its JSON reader checks the UTF-8 of what it reads, so the
/// whole text is not checked twice.
fn packed_select(kind: crate::DbKind) -> String {
    // Trackers are generated and contents are compact JSON: neither holds a newline.
    let aggs = match kind {
        crate::DbKind::Sqlite => {
            "CAST(group_concat(content, char(10)) AS BLOB), group_concat(tracker, char(10)), group_concat(paper, '')"
        }
        crate::DbKind::Postgres => {
            "convert_to(string_agg(content, E'\\n'), 'UTF8'), string_agg(tracker, E'\\n'), \
             string_agg(CAST(paper AS TEXT), '')"
        }
    };
    format!(
        "SELECT COUNT(*), {aggs}, MAX(tracker) FROM (SELECT tracker, content, paper FROM ballots \
         WHERE poll_id = $1 AND tracker > $2 ORDER BY tracker LIMIT $3) AS chunk"
    )
}

/// The ballots of a poll as [`ballots_packed`] reads them.
#[derive(Default)]
pub struct PackedBallots {
    chunks: Vec<Chunk>,
    count: usize,
}

/// One statement's ballots: contents and trackers by line, paper flags by character.
struct Chunk {
    contents: Vec<u8>,
    trackers: String,
    papers: String,
}

impl Chunk {
    /// Whether the texts hold `count` ballots each.
    fn lines_up(&self, count: i64) -> bool {
        let lines = |text: &[u8]| if text.is_empty() { 0 } else { memchr::memchr_iter(b'\n', text).count() + 1 };
        let n = self.papers.len();
        n as i64 == count && lines(&self.contents) == n && lines(self.trackers.as_bytes()) == n
    }

    /// The rows, or fewer if the texts do not line up.
    fn byte_rows(&self) -> Vec<(&str, &[u8], bool)> {
        let mut rows = Vec::with_capacity(self.papers.len());
        if self.papers.is_empty() {
            return rows;
        }
        let mut trackers = self.trackers.split('\n');
        let mut rest: &[u8] = &self.contents;
        let mut done = false;
        for paper in self.papers.bytes() {
            let Some(tracker) = trackers.next() else { return Vec::new() };
            if done {
                return Vec::new();
            }
            let content = match memchr::memchr(b'\n', rest) {
                Some(end) => {
                    let (content, tail) = rest.split_at(end);
                    rest = tail.get(1..).unwrap_or_default();
                    content
                }
                None => {
                    done = true;
                    rest
                }
            };
            rows.push((tracker, content, paper == b'1'));
        }
        if trackers.next().is_some() || !done {
            return Vec::new();
        }
        rows
    }
}

impl PackedBallots {
    /// How many ballots.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// (tracker, content, on paper) of each ballot, borrowed from the packed texts. The contents
    /// are bytes, for [`jiaogong_domain::ballots::StoredBallots`].
    pub fn byte_rows(&self) -> Vec<(&str, &[u8], bool)> {
        let mut rows = Vec::with_capacity(self.count);
        for chunk in &self.chunks {
            rows.extend(chunk.byte_rows());
        }
        rows
    }

    /// [`Self::byte_rows`] with the contents as text; none if they are not UTF-8.
    pub fn rows(&self) -> Vec<(&str, &str, bool)> {
        self.byte_rows()
            .into_iter()
            .map(|(t, c, p)| std::str::from_utf8(c).map(|c| (t, c, p)))
            .collect::<std::result::Result<_, _>>()
            .unwrap_or_default()
    }
}
