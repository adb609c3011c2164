//! The fast path of [`super::parse_bulletin`]: the bulletin is read in one pass, and once the
//! poll is known every election mark naming a listed candidate in its exact spelling shares the
//! poll's [`Name`] instead of allocating its own copy (100,000 ballots × 9 marks).
//!
//! It accepts a subset of what the derived `Deserialize` impls accept (an object, not an array,
//! at every level) and builds the same values; anything it refuses is read again by the precise
//! path, which names the problem. Semantic checks stay in [`Bulletin::validate`].

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::bulletin::{Ballot, Bulletin, Choice, Name, Poll, BULLETIN_FORMAT};
use super::error::BulletinError;

/// Reads a whole bulletin; `Err` means "use the precise path".
pub(crate) fn from_str(json: &str) -> Result<Bulletin, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(json);
    let bulletin = (&mut de).deserialize_map(BulletinVisitor)?;
    de.end()?;
    Ok(bulletin)
}

/// Reads one ballot's stored content (a ballot object, usually without its tracker) with the
/// marks pointing at `names`; `tracker` fills in an absent tracker.
fn ballot_from_str(json: &str, names: &Names, tracker: &str) -> Result<Ballot, serde_json::Error> {
    read_ballot(
        serde_json::Deserializer::from_str(json),
        BallotVisitor { names, tracker: Some(tracker), stored: false },
    )
}

/// Reads one ballot of a published bulletin (tracker included) with the marks pointing at
/// `names`, as the bulletin's fast path reads each ballot.
pub(crate) fn published_ballot(json: &str, names: &Names) -> Result<Ballot, serde_json::Error> {
    read_ballot(serde_json::Deserializer::from_str(json), BallotVisitor { names, tracker: None, stored: false })
}

/// Reads one ballot's stored content strictly as the server stores it: an object without
/// `tracker` and `paper` (the store keeps those apart), with the marks pointing at `names`.
pub(crate) fn stored_ballot(json: &[u8], names: &Names) -> Result<Ballot, serde_json::Error> {
    read_ballot(serde_json::Deserializer::from_slice(json), BallotVisitor { names, tracker: Some(""), stored: true })
}

/// One whole text as one ballot object.
fn read_ballot<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    visitor: BallotVisitor<'_>,
) -> Result<Ballot, serde_json::Error> {
    let ballot = (&mut de).deserialize_map(visitor)?;
    de.end()?;
    Ok(ballot)
}

/// The candidates' names, shared by every ballot that marks them.
pub(crate) struct Names {
    list: Vec<Name>,
    /// For long lists, where a scan would cost more than hashing.
    set: Option<HashSet<Name>>,
    /// Where the k-th mark of the previous ballot was found in `list`: ballots usually mark the
    /// same people in the same order.
    hints: RefCell<Vec<usize>>,
}

const SCAN: usize = 16;

impl Names {
    pub(crate) fn of(poll: &Poll) -> Self {
        let list: Vec<Name> = poll.candidates.iter().map(|c| Name::from(c.as_str())).collect();
        let set = (list.len() > SCAN).then(|| list.iter().cloned().collect());
        Self { list, set, hints: RefCell::default() }
    }

    /// The shared name spelled exactly `s`, or a new one (a mark may differ by spaces or
    /// normalisation; the checks decide whether it names a candidate).
    fn get(&self, s: &str, k: usize) -> Name {
        let mut hints = self.hints.borrow_mut();
        if let Some(n) = hints.get(k).and_then(|&j| self.list.get(j)) {
            if &**n == s {
                return n.clone();
            }
        }
        let found = match &self.set {
            Some(set) => set.get(s),
            None => match self.list.iter().position(|n| &**n == s) {
                Some(j) => {
                    if hints.len() <= k {
                        hints.resize(k + 1, usize::MAX);
                    }
                    hints[k] = j;
                    self.list.get(j)
                }
                None => None,
            },
        };
        found.cloned().unwrap_or_else(|| Name::from(s))
    }
}

#[derive(Clone, Copy)]
enum Field {
    Format,
    Poll,
    Ballots,
}

struct FieldVisitor;

impl Visitor<'_> for FieldVisitor {
    type Value = Field;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a bulletin field")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
        match v {
            "format" => Ok(Field::Format),
            "poll" => Ok(Field::Poll),
            "ballots" => Ok(Field::Ballots),
            other => Err(E::unknown_field(other, &["format", "poll", "ballots"])),
        }
    }
}

impl<'de> de::Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_identifier(FieldVisitor)
    }
}

struct BulletinVisitor;

impl<'de> Visitor<'de> for BulletinVisitor {
    type Value = Bulletin;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a bulletin object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Bulletin, A::Error> {
        let (mut format, mut poll, mut ballots): (Option<String>, Option<Poll>, Option<Vec<Ballot>>) =
            (None, None, None);
        let mut names: Option<Names> = None;
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::Format if format.is_none() => format = Some(map.next_value()?),
                Field::Poll if poll.is_none() => {
                    let p: Poll = map.next_value()?;
                    names = Some(Names::of(&p));
                    poll = Some(p);
                }
                Field::Ballots if ballots.is_none() => {
                    ballots = Some(match &names {
                        Some(names) => map.next_value_seed(BallotsSeed(names))?,
                        // Ballots before the poll: read plainly.
                        None => map.next_value()?,
                    });
                }
                Field::Format => return Err(de::Error::duplicate_field("format")),
                Field::Poll => return Err(de::Error::duplicate_field("poll")),
                Field::Ballots => return Err(de::Error::duplicate_field("ballots")),
            }
        }
        Ok(Bulletin {
            format: format.ok_or_else(|| de::Error::missing_field("format"))?,
            poll: poll.ok_or_else(|| de::Error::missing_field("poll"))?,
            ballots: ballots.ok_or_else(|| de::Error::missing_field("ballots"))?,
        })
    }
}

struct BallotsSeed<'a>(&'a Names);

impl<'de> DeserializeSeed<'de> for BallotsSeed<'_> {
    type Value = Vec<Ballot>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for BallotsSeed<'_> {
    type Value = Vec<Ballot>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of ballots")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Ballot>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
        while let Some(b) = seq.next_element_seed(BallotSeed(self.0))? {
            out.push(b);
        }
        Ok(out)
    }
}

struct BallotSeed<'a>(&'a Names);

impl<'de> DeserializeSeed<'de> for BallotSeed<'_> {
    type Value = Ballot;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Ballot, D::Error> {
        d.deserialize_map(BallotVisitor { names: self.0, tracker: None, stored: false })
    }
}

const BALLOT_FIELDS: &[&str] = &["tracker", "paper", "spoiled", "choice", "marks", "write_ins", "group", "grades"];

/// A ballot field, as its position in [`BALLOT_FIELDS`].
struct BallotFieldSeed;

impl<'de> DeserializeSeed<'de> for BallotFieldSeed {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for BallotFieldSeed {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a ballot field")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        BALLOT_FIELDS.iter().position(|f| *f == v).ok_or_else(|| E::unknown_field(v, BALLOT_FIELDS))
    }
}

struct BallotVisitor<'a> {
    names: &'a Names,
    /// The tracker of a stored ballot, whose content does not repeat it.
    tracker: Option<&'a str>,
    /// Stored content: `tracker` and `paper` may not appear.
    stored: bool,
}

/// Sets a field once; a second occurrence is an error, as in the derived impls.
fn once<T, E: de::Error>(slot: &mut Option<T>, name: &'static str, value: T) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(value);
    Ok(())
}

impl<'de> Visitor<'de> for BallotVisitor<'_> {
    type Value = Ballot;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a ballot object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ballot, A::Error> {
        let mut tracker: Option<String> = None;
        let (mut paper, mut spoiled): (Option<bool>, Option<bool>) = (None, None);
        let mut choice: Option<Option<Choice>> = None;
        let mut marks: Option<Option<BTreeMap<Name, Choice>>> = None;
        let mut write_ins: Option<Option<Vec<String>>> = None;
        let mut group: Option<Option<String>> = None;
        let mut grades: Option<Option<BTreeMap<String, String>>> = None;
        while let Some(key) = map.next_key_seed(BallotFieldSeed)? {
            if self.stored && key < 2 {
                return Err(de::Error::custom(format_args!(
                    "`{}` is kept apart from stored content",
                    BALLOT_FIELDS.get(key).copied().unwrap_or_default()
                )));
            }
            match key {
                0 => once(&mut tracker, "tracker", map.next_value()?)?,
                1 => once(&mut paper, "paper", map.next_value()?)?,
                2 => once(&mut spoiled, "spoiled", map.next_value()?)?,
                3 => once(&mut choice, "choice", map.next_value()?)?,
                4 => once(&mut marks, "marks", map.next_value_seed(MarksSeed(self.names))?)?,
                5 => once(&mut write_ins, "write_ins", map.next_value()?)?,
                6 => once(&mut group, "group", map.next_value()?)?,
                _ => once(&mut grades, "grades", map.next_value()?)?,
            }
        }
        let tracker = match (tracker, self.tracker) {
            (Some(t), _) => t,
            (None, Some(t)) => t.to_string(),
            (None, None) => return Err(de::Error::missing_field("tracker")),
        };
        Ok(Ballot {
            tracker,
            paper: paper.unwrap_or(false),
            spoiled: spoiled.unwrap_or(false),
            choice: choice.flatten(),
            marks: marks.flatten(),
            write_ins: write_ins.flatten(),
            group: group.flatten(),
            grades: grades.flatten(),
        })
    }
}

/// `marks`: `null` or an object of candidate → choice (a repeated key keeps its last value, as a
/// map does).
struct MarksSeed<'a>(&'a Names);

impl<'de> DeserializeSeed<'de> for MarksSeed<'_> {
    type Value = Option<BTreeMap<Name, Choice>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for MarksSeed<'_> {
    type Value = Option<BTreeMap<Name, Choice>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of marks or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(MarksVisitor(self.0)).map(Some)
    }
}

struct MarksVisitor<'a>(&'a Names);

impl<'de> Visitor<'de> for MarksVisitor<'_> {
    type Value = BTreeMap<Name, Choice>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of marks")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // Collected first: a map built from a list (usually already in order, as the bulletin
        // writes it) compares far fewer keys than inserting one by one. A repeated key keeps its
        // last value either way.
        let mut marks = Vec::with_capacity(map.size_hint().unwrap_or(8).min(64));
        while let Some(name) = map.next_key_seed(NameSeed(self.0, marks.len()))? {
            let choice: Choice = map.next_value()?;
            marks.push((name, choice));
        }
        Ok(marks.into_iter().collect())
    }
}

/// A mark's name and its position on the ballot.
struct NameSeed<'a>(&'a Names, usize);

impl<'de> DeserializeSeed<'de> for NameSeed<'_> {
    type Value = Name;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Name, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for NameSeed<'_> {
    type Value = Name;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a candidate's name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Name, E> {
        Ok(self.0.get(v, self.1))
    }
}

/// The bulletin of a closed poll from what is stored: its definition and each ballot as
/// (tracker, content without tracker, on paper), in the order given. Checked as
/// [`super::parse_bulletin`] checks a published one, with the same errors.
pub fn bulletin_from_stored<S: AsRef<str>>(poll_json: &str, rows: &[(S, S, bool)]) -> Result<Bulletin, BulletinError> {
    let quick = || -> Option<Bulletin> {
        let poll: Poll = serde_json::from_str(poll_json).ok()?;
        let names = Names::of(&poll);
        let mut ballots = Vec::with_capacity(rows.len());
        for (tracker, content, paper) in rows {
            let mut b = ballot_from_str(content.as_ref(), &names, tracker.as_ref()).ok()?;
            b.paper |= *paper;
            ballots.push(b);
        }
        Some(Bulletin { format: BULLETIN_FORMAT.to_string(), poll, ballots })
    };
    if let Some(b) = quick() {
        b.validate()?;
        return Ok(b);
    }
    // Something did not read: assemble the bulletin text so the precise path names the problem.
    let mut text = format!("{{\"format\":\"{BULLETIN_FORMAT}\",\"poll\":{poll_json},\"ballots\":[");
    for (i, (tracker, content, paper)) in rows.iter().enumerate() {
        let content = content.as_ref();
        let body = content.trim_start().strip_prefix('{').unwrap_or(content);
        let sep = if body.trim_start().starts_with('}') { "" } else { "," };
        let tracker = serde_json::to_string(tracker.as_ref()).unwrap_or_default();
        text.push_str(if i == 0 { "{" } else { ",{" });
        text.push_str(&format!("\"tracker\":{tracker}{}{sep}{body}", if *paper { ",\"paper\":true" } else { "" }));
    }
    text.push_str("]}");
    super::validate::parse_stepwise(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLL: &str = r#"{"title":"t","kind":"election","electorate":3,"present":3,"ballots_issued":3,"seats":1,"candidates":["张三","李四"]}"#;

    #[test]
    fn a_repeated_mark_keeps_its_last_value_as_the_precise_path_does() {
        let text = format!(
            r#"{{"format":"jiaogong-bulletin/1","poll":{POLL},"ballots":[{{"tracker":"a","marks":{{"张三":"yes","李四":"no","张三":"no"}}}}]}}"#
        );
        let fast = from_str(&text).map_err(|e| e.to_string());
        let derived = serde_json::from_str::<Bulletin>(&text).map_err(|e| e.to_string());
        assert_eq!(fast, derived);
        let marks = fast.ok().and_then(|b| b.ballots.into_iter().next()).and_then(|b| b.marks).unwrap_or_default();
        assert_eq!(marks.get("张三"), Some(&Choice::No));
    }

    #[test]
    fn marks_in_any_order_and_spelling_read_as_the_derived_impl_reads_them() {
        let text = format!(
            r#"{{"format":"jiaogong-bulletin/1","poll":{POLL},"ballots":[
                {{"tracker":"a","marks":{{"张三":"yes","李四":"no"}}}},
                {{"tracker":"b","marks":{{"李四":"yes"," 张三":"abstain"}}}},
                {{"tracker":"c","spoiled":true,"marks":null}}]}}"#
        );
        let fast = from_str(&text).map_err(|e| e.to_string());
        assert!(fast.is_ok(), "{fast:?}");
        assert_eq!(fast, serde_json::from_str::<Bulletin>(&text).map_err(|e| e.to_string()));
    }
}
