//! A published bulletin read for its tally (`jiaogong tally`): the ballots are kept as the text
//! they are written in, and identical ballots apart from their tracker are read and checked once
//! and counted with their number, as the server counts its stored ballots
//! ([`super::StoredCount`]).
//!
//! It accepts exactly what [`super::parse_bulletin`] accepts and gives the same tally: it reads
//! what that function's fast path reads, and anything it does not take (another layout, a
//! problem to report) goes to [`super::parse_bulletin`] itself.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Deserialize;
use serde_json::value::RawValue;

use super::bulletin::{Ballot, Bulletin, Poll, BULLETIN_FORMAT};
use super::error::BulletinError;
use super::fast::{published_ballot, Names};
use super::validate::PollChecker;
use super::{parse_bulletin, tally, tally_counted, TallyResult};

/// A published bulletin, checked as [`super::parse_bulletin`] checks it.
pub struct PublishedBallots<'a>(Inner<'a>);

enum Inner<'a> {
    /// Read as text: the poll's and each ballot's JSON, each distinct ballot once.
    Text { poll: Poll, poll_text: &'a str, ballots: Vec<&'a RawValue>, distinct: Vec<(Ballot, u64)> },
    /// Read ballot by ballot.
    Parsed(Bulletin),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBulletin<'a> {
    format: String,
    #[serde(borrow)]
    poll: &'a RawValue,
    #[serde(borrow)]
    ballots: Vec<&'a RawValue>,
}

impl<'a> PublishedBallots<'a> {
    /// Reads and checks a bulletin; the error is [`super::parse_bulletin`]'s.
    pub fn read(json: &'a str) -> Result<Self, BulletinError> {
        super::keys::check_keys(json)?;
        match read_text(json) {
            Some(inner) => Ok(Self(inner)),
            None => parse_bulletin(json).map(|b| Self(Inner::Parsed(b))),
        }
    }

    pub fn poll(&self) -> &Poll {
        match &self.0 {
            Inner::Text { poll, .. } => poll,
            Inner::Parsed(b) => &b.poll,
        }
    }

    /// How many ballots the bulletin holds.
    pub fn len(&self) -> usize {
        match &self.0 {
            Inner::Text { ballots, .. } => ballots.len(),
            Inner::Parsed(b) => b.ballots.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The tally of ballots.md, equal to [`super::tally`] of [`super::parse_bulletin`]'s bulletin.
    pub fn tally(&self) -> TallyResult {
        match &self.0 {
            Inner::Text { poll, distinct, .. } => tally_counted(poll, distinct.iter().map(|(b, n)| (b, *n))),
            Inner::Parsed(b) => tally(b),
        }
    }

    /// Writes the bulletin out again (the ballots as they were written when read as text).
    pub fn write_bulletin<W: Write>(&self, w: &mut W) -> io::Result<()> {
        match &self.0 {
            Inner::Text { poll_text, ballots, .. } => {
                w.write_all(b"{\"format\":")?;
                serde_json::to_writer(&mut *w, BULLETIN_FORMAT)?;
                w.write_all(b",\"poll\":")?;
                w.write_all(poll_text.as_bytes())?;
                w.write_all(b",\"ballots\":[")?;
                for (i, b) in ballots.iter().enumerate() {
                    if i > 0 {
                        w.write_all(b",")?;
                    }
                    w.write_all(b.get().as_bytes())?;
                }
                w.write_all(b"]}")
            }
            Inner::Parsed(b) => serde_json::to_writer(w, b).map_err(io::Error::from),
        }
    }
}

/// The text path; `None` sends the bulletin to [`super::parse_bulletin`].
fn read_text(json: &str) -> Option<Inner<'_>> {
    // An object, as the fast path reads it (a struct may also be written as an array).
    if !json.trim_start().starts_with('{') {
        return None;
    }
    let raw: RawBulletin = serde_json::from_str(json).ok()?;
    if raw.format != BULLETIN_FORMAT {
        return None;
    }
    let poll: Poll = serde_json::from_str(raw.poll.get()).ok()?;
    let checker = PollChecker::new(&poll).ok()?;
    let names = Names::of(&poll);
    let mut index: HashMap<&str, usize, foldhash::fast::RandomState> = HashMap::default();
    let mut distinct: Vec<(Ballot, u64)> = Vec::new();
    for b in &raw.ballots {
        let text = b.get();
        let key = without_tracker(text);
        if let Some(slot) = index.get(key).and_then(|&k| distinct.get_mut(k)) {
            slot.1 += 1;
            continue;
        }
        let ballot = published_ballot(text, &names).ok()?;
        checker.check(&ballot).ok()?;
        index.insert(key, distinct.len());
        distinct.push((ballot, 1));
    }
    Some(Inner::Text { poll, poll_text: raw.poll.get(), ballots: raw.ballots, distinct })
}

/// A ballot's text without its leading `{"tracker":"…"` when the tracker has no escape: what
/// is left decides everything the tally and the checks look at, so two ballots with the same
/// rest are read alike. Otherwise the whole text (which starts with `{`, unlike any rest).
fn without_tracker(text: &str) -> &str {
    let Some(after) = text.strip_prefix("{\"tracker\":\"") else { return text };
    match after.find('"') {
        Some(end) if !after.get(..end).is_some_and(|t| t.contains('\\')) => after.get(end + 1..).unwrap_or(text),
        _ => text,
    }
}
