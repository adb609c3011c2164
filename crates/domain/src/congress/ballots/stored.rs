//! The ballots of a closed poll as the store holds them: (tracker, content, on paper) rows, the
//! content being the ballot's JSON without tracker and paper flag.
//!
//! Closing a poll means tallying its ballots and publishing its bulletin. Both are done here
//! from the rows themselves: identical contents (a thousand voters often mark a ballot the same
//! way) are read and checked once and counted with their number, and the bulletin is written
//! by copying each stored content next to its tracker, without building a `Ballot` per row.
//! The result equals [`super::tally`] of the bulletin [`super::bulletin_from_stored`] builds from
//! the same rows, and the text written reads back (`parse_bulletin`) as that bulletin. Both go a
//! chunk of rows at a time ([`StoredCount`], [`write_stored_ballots`]).

use std::collections::HashMap;
use std::io::{self, Write};

use super::bulletin::{Ballot, Poll, BULLETIN_FORMAT};
use super::error::{BulletinError, BulletinErrorKind};
use super::fast::{bulletin_from_stored, stored_ballot, Names};
use super::validate::PollChecker;
use super::{tally_counted, TallyResult};

/// The count of a closed poll's stored ballots, fed a chunk of rows at a time: each distinct
/// content is read and checked once (its bytes kept, about 160 bytes each), every other row
/// only looked up, so no row has to be kept once counted.
pub struct StoredCount {
    /// The definition as stored, for the wording of an error.
    poll_json: String,
    poll: Poll,
    checker: PollChecker,
    names: Names,
    index: HashMap<Box<[u8]>, usize, foldhash::fast::RandomState>,
    /// Each distinct content once, with how many rows hold it.
    distinct: Vec<(Ballot, u64)>,
    rows: usize,
}

impl StoredCount {
    /// Reads and checks the poll definition.
    pub fn new(poll_json: &str) -> Result<Self, BulletinError> {
        let poll: Poll = serde_json::from_str(poll_json).map_err(|_| poll_error(poll_json))?;
        let checker = PollChecker::new(&poll)?;
        let names = Names::of(&poll);
        let poll_json = poll_json.to_string();
        Ok(Self { poll_json, poll, checker, names, index: HashMap::default(), distinct: Vec::new(), rows: 0 })
    }

    /// Counts the next rows, checked as [`super::parse_bulletin`] checks a published bulletin;
    /// an error names the row at fault (0-based over every row added, as a ballot index).
    /// Contents are bytes: each distinct one is read as JSON, which checks its UTF-8.
    pub fn add(&mut self, rows: &[(&str, &[u8], bool)]) -> Result<(), BulletinError> {
        for (k, &(_, content, _)) in rows.iter().enumerate() {
            let i = self.rows + k;
            if let Some(slot) = self.index.get(content).and_then(|&d| self.distinct.get_mut(d)) {
                slot.1 += 1;
                continue;
            }
            let ballot = match stored_ballot(content, &self.names) {
                Ok(ballot) => ballot,
                Err(e) => return Err(row_error(&self.poll_json, rows.get(k), i, &e)),
            };
            self.checker.check(&ballot).map_err(|kind| BulletinError::ballot(i, kind))?;
            self.index.insert(content.into(), self.distinct.len());
            self.distinct.push((ballot, 1));
        }
        self.rows += rows.len();
        Ok(())
    }

    pub fn poll(&self) -> &Poll {
        &self.poll
    }

    /// How many ballots have been counted.
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// How many different ballots there are.
    pub fn distinct(&self) -> usize {
        self.distinct.len()
    }

    /// The tally of ballots.md, equal to [`super::tally`] of the bulletin.
    pub fn tally(&self) -> TallyResult {
        tally_counted(&self.poll, self.distinct.iter().map(|(ballot, n)| (ballot, *n)))
    }
}

/// Writes the start of a bulletin (`jiaogong-bulletin/1`): the format and the definition as stored.
pub fn write_bulletin_start<W: Write>(w: &mut W, poll_json: &str) -> io::Result<()> {
    w.write_all(b"{\"format\":")?;
    serde_json::to_writer(&mut *w, BULLETIN_FORMAT)?;
    w.write_all(b",\"poll\":")?;
    w.write_all(poll_json.trim().as_bytes())?;
    w.write_all(b",\"ballots\":[")
}

/// Writes stored rows as ballots: the tracker, the paper flag when set, and the stored
/// content's fields. `first`: no ballot was written before these. The rows must have been
/// counted ([`StoredCount::add`]), which read every content as an object.
pub fn write_stored_ballots<W: Write>(w: &mut W, rows: &[(&str, &[u8], bool)], first: bool) -> io::Result<()> {
    for (i, &(tracker, content, paper)) in rows.iter().enumerate() {
        w.write_all(if first && i == 0 { b"{\"tracker\":" } else { b",{\"tracker\":" })?;
        if tracker.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            w.write_all(b"\"")?;
            w.write_all(tracker.as_bytes())?;
            w.write_all(b"\"")?;
        } else {
            serde_json::to_writer(&mut *w, tracker)?;
        }
        if paper {
            w.write_all(b",\"paper\":true")?;
        }
        let fields = content.trim_ascii().strip_prefix(b"{").and_then(|c| c.strip_suffix(b"}")).unwrap_or_default();
        let fields = fields.trim_ascii();
        if !fields.is_empty() {
            w.write_all(b",")?;
            w.write_all(fields)?;
        }
        w.write_all(b"}")?;
    }
    Ok(())
}

/// Writes the end of a bulletin.
pub fn write_bulletin_end<W: Write>(w: &mut W) -> io::Result<()> {
    w.write_all(b"]}")
}

/// The error of row `i`, as the precise path words it; a content carrying a tracker or a paper
/// flag (which the store keeps apart) is malformed.
fn row_error(poll_json: &str, row: Option<&(&str, &[u8], bool)>, i: usize, e: &serde_json::Error) -> BulletinError {
    let one: Vec<(&str, &str, bool)> =
        row.iter().map(|&&(t, c, p)| (t, std::str::from_utf8(c).unwrap_or(""), p)).collect();
    match bulletin_from_stored(poll_json, &one) {
        // The poll read, so whatever is wrong is in this row (a JSON error included).
        Err(mut err) => {
            err.ballot_index = Some(i);
            err
        }
        Ok(_) => BulletinError::ballot(
            i,
            BulletinErrorKind::Malformed { path: format!("ballots[{i}]"), detail: e.to_string() },
        ),
    }
}

/// The precise path's error for a poll definition that does not read.
fn poll_error(poll_json: &str) -> BulletinError {
    match bulletin_from_stored::<&str>(poll_json, &[]) {
        Err(err) => err,
        Ok(_) => BulletinError::poll(BulletinErrorKind::Malformed { path: "poll".into(), detail: "unreadable".into() }),
    }
}
