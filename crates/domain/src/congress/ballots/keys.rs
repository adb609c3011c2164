//! No JSON object of a bulletin may hold a key twice, at any level.
//!
//! A JSON reader keeps either the first or the last of two equal keys, silently: a second
//! `"ballots":[]` after the real ballots emptied the count, a second `"choice"` changed a vote.
//! Both readings of a bulletin ([`super::parse_bulletin`] and [`super::PublishedBallots`]) run
//! this walk first, so they refuse the same bulletins with the same message. Text that is not
//! JSON passes here and is reported by the readers.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::error::{BulletinError, BulletinErrorKind};

/// One step of the path to a value.
#[derive(Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

#[derive(Default)]
struct State {
    path: Vec<Seg>,
    found: Option<(Vec<Seg>, String)>,
}

/// Refuses a bulletin in which some object holds a key twice; the error names where.
pub(crate) fn check_keys(json: &str) -> Result<(), BulletinError> {
    let state = RefCell::new(State::default());
    let mut de = serde_json::Deserializer::from_str(json);
    let _ = Walk(&state).deserialize(&mut de);
    let Some((path, key)) = state.into_inner().found else { return Ok(()) };
    let ballot = match path.as_slice() {
        [Seg::Key(k), Seg::Index(i), ..] if k == "ballots" => Some(*i),
        _ => None,
    };
    let mut text = String::new();
    for seg in &path {
        match seg {
            Seg::Key(k) if text.is_empty() => text.push_str(k),
            Seg::Key(k) => {
                text.push('.');
                text.push_str(k);
            }
            Seg::Index(i) => text.push_str(&format!("[{i}]")),
        }
    }
    if text.is_empty() {
        text.push_str("bulletin");
    }
    let kind = BulletinErrorKind::DuplicateKey { path: text, key };
    Err(match ballot {
        Some(i) => BulletinError::ballot(i, kind),
        None => BulletinError::poll(kind),
    })
}

struct Walk<'s>(&'s RefCell<State>);

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// An object key, borrowed from the text when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
}

/// Objects up to this many keys are checked by a scan, larger ones with a set.
const SCAN: usize = 16;

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            self.0.borrow_mut().path.push(Seg::Index(i));
            let more = seq.next_element_seed(Walk(self.0))?;
            self.0.borrow_mut().path.pop();
            if more.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut few: Vec<Cow<'de, str>> = Vec::new();
        let mut many: HashSet<Cow<'de, str>> = HashSet::new();
        while let Some(key) = map.next_key_seed(Key)? {
            let repeated = if many.is_empty() && few.len() < SCAN {
                few.contains(&key)
            } else {
                many.extend(few.drain(..));
                many.contains(&key)
            };
            if repeated {
                let mut state = self.0.borrow_mut();
                state.found = Some((state.path.clone(), key.into_owned()));
                return Err(de::Error::custom("duplicate key"));
            }
            self.0.borrow_mut().path.push(Seg::Key(key.to_string()));
            map.next_value_seed(Walk(self.0))?;
            self.0.borrow_mut().path.pop();
            if many.is_empty() && few.len() < SCAN {
                few.push(key);
            } else {
                many.insert(key);
            }
        }
        Ok(())
    }
}
