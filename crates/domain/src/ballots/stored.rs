//! The ballots of a closed poll as the store holds them: (tracker, content, on paper) rows, the
//! content being the ballot's JSON without tracker and paper flag.
//!
//! Closing a poll means tallying its ballots and publishing its bulletin. Both are done here
//! from the rows themselves: identical contents (a thousand voters often mark a ballot the same
//! way) are read and checked once and counted with their number, and the bulletin is written
//! by copying each stored content next to its tracker, without building a `Ballot` per row.
//! The result equals [`super::tally`] of the bulletin [`super::bulletin_from_stored`] builds from
//! the same rows, and the text written reads back (`parse_bulletin`) as that bulletin.

use std::collections::HashMap;
use std::io::{self, Write};

use super::bulletin::{Ballot, Poll, BULLETIN_FORMAT};
use super::error::{BulletinError, BulletinErrorKind};
use super::fast::{bulletin_from_stored, stored_ballot, Names};
use super::validate::PollChecker;
use super::{tally_counted, TallyResult};

/// A closed poll's stored ballots, checked, with each distinct content read once.
pub struct StoredBallots<'a> {
    poll: Poll,
    poll_json: &'a str,
    rows: &'a [(&'a str, &'a [u8], bool)],
    /// Each distinct content once, with how many rows hold it.
    distinct: Vec<(Ballot, u64)>,
}

impl<'a> StoredBallots<'a> {
    /// Reads and checks the poll definition and every row, as [`super::parse_bulletin`] checks
    /// a published bulletin; an error names the first row (0-based ballot index) at fault.
    /// Contents are bytes: each distinct one is read as JSON, which checks its UTF-8.
    pub fn read(poll_json: &'a str, rows: &'a [(&'a str, &'a [u8], bool)]) -> Result<Self, BulletinError> {
        let poll: Poll = match serde_json::from_str(poll_json) {
            Ok(poll) => poll,
            Err(_) => return Err(poll_error(poll_json)),
        };
        let checker = PollChecker::new(&poll)?;
        let names = Names::of(&poll);
        // Contents are the server's own JSON, hashed with a fast non-cryptographic hash.
        let mut index: HashMap<&[u8], usize, foldhash::fast::RandomState> = HashMap::default();
        let mut distinct: Vec<(Ballot, u64)> = Vec::new();
        for (i, &(_, content, _)) in rows.iter().enumerate() {
            if let Some(slot) = index.get(content).and_then(|&k| distinct.get_mut(k)) {
                slot.1 += 1;
                continue;
            }
            let ballot = match stored_ballot(content, &names) {
                Ok(ballot) => ballot,
                Err(e) => return Err(row_error(poll_json, rows, i, &e)),
            };
            checker.check(&ballot).map_err(|kind| BulletinError::ballot(i, kind))?;
            index.insert(content, distinct.len());
            distinct.push((ballot, 1));
        }
        Ok(Self { poll, poll_json, rows, distinct })
    }

    pub fn poll(&self) -> &Poll {
        &self.poll
    }

    /// How many ballots were returned.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// How many different ballots there are.
    pub fn distinct(&self) -> usize {
        self.distinct.len()
    }

    /// The tally of ballots.md, equal to [`super::tally`] of the bulletin.
    pub fn tally(&self) -> TallyResult {
        tally_counted(&self.poll, self.distinct.iter().map(|(ballot, n)| (ballot, *n)))
    }

    /// Writes the bulletin (`jiaogong-bulletin/1`) with the ballots in the order of the rows:
    /// the definition as stored, then each ballot as its tracker, the paper flag when set, and
    /// the stored content's fields.
    pub fn write_bulletin<W: Write>(&self, w: &mut W) -> io::Result<()> {
        w.write_all(b"{\"format\":")?;
        serde_json::to_writer(&mut *w, BULLETIN_FORMAT)?;
        w.write_all(b",\"poll\":")?;
        w.write_all(self.poll_json.trim().as_bytes())?;
        w.write_all(b",\"ballots\":[")?;
        for (i, &(tracker, content, paper)) in self.rows.iter().enumerate() {
            w.write_all(if i == 0 { b"{\"tracker\":" } else { b",{\"tracker\":" })?;
            serde_json::to_writer(&mut *w, tracker)?;
            if paper {
                w.write_all(b",\"paper\":true")?;
            }
            // `read` parsed every content as an object, so it is `{ … }` around its fields.
            let fields = content.trim_ascii().strip_prefix(b"{").and_then(|c| c.strip_suffix(b"}")).unwrap_or_default();
            let fields = fields.trim_ascii();
            if !fields.is_empty() {
                w.write_all(b",")?;
                w.write_all(fields)?;
            }
            w.write_all(b"}")?;
        }
        w.write_all(b"]}")
    }

    /// The bulletin text (see [`Self::write_bulletin`]).
    pub fn bulletin_text(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.poll_json.len() + self.rows.len() * 64 + 64);
        // Writing into a Vec cannot fail.
        let _ = self.write_bulletin(&mut out);
        out
    }
}

/// The error of row `i`, as the precise path words it; a content carrying a tracker or a paper
/// flag (which the store keeps apart) is malformed.
fn row_error(poll_json: &str, rows: &[(&str, &[u8], bool)], i: usize, e: &serde_json::Error) -> BulletinError {
    let one: Vec<(&str, &str, bool)> = rows
        .get(i..=i)
        .unwrap_or_default()
        .iter()
        .map(|&(t, c, p)| (t, std::str::from_utf8(c).unwrap_or(""), p))
        .collect();
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
