//! Name lookup after trimming and NFKC normalisation (candidates, subjects, grades, groups).
//!
//! A lookup first tries the exact string (the common case, no allocation), then the normalised
//! form, so tallying 100,000 ballots does not normalise every mark.

use std::collections::HashMap;

use super::bulletin::normalize_name;
use super::error::BulletinErrorKind;

/// Position of each name of a poll list, by exact and by normalised spelling.
#[derive(Debug, Default)]
pub(crate) struct NameIndex {
    exact: HashMap<String, usize>,
    normalized: HashMap<String, usize>,
    /// (exact spelling, position) for short lists, where a scan beats hashing.
    short: Vec<(String, usize)>,
}

/// Lists up to this long are searched by a scan first.
const SHORT: usize = 16;

impl NameIndex {
    /// Indexes `names`, rejecting empty and duplicate names (after normalisation).
    pub(crate) fn strict<'a>(
        list: &'static str,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, BulletinErrorKind> {
        let mut index = Self::default();
        for (i, name) in names.into_iter().enumerate() {
            let norm = normalize_name(name);
            if norm.is_empty() {
                return Err(BulletinErrorKind::EmptyName { list });
            }
            if index.normalized.insert(norm, i).is_some() {
                return Err(BulletinErrorKind::DuplicateName { list, name: name.to_string() });
            }
            index.exact.insert(name.to_string(), i);
        }
        index.short = index.exact.iter().map(|(n, i)| (n.clone(), *i)).collect();
        index.short.sort_by_key(|(_, i)| *i);
        Ok(index)
    }

    /// Indexes `names` without complaint: the first of duplicate names wins, empty names match
    /// nothing. Used by the tally, which must not fail on a bulletin that was never validated.
    pub(crate) fn lenient<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut index = Self::default();
        for (i, name) in names.into_iter().enumerate() {
            let norm = normalize_name(name);
            if norm.is_empty() || index.normalized.contains_key(&norm) {
                continue;
            }
            index.normalized.insert(norm, i);
            index.exact.entry(name.to_string()).or_insert(i);
        }
        index.short = index.exact.iter().map(|(n, i)| (n.clone(), *i)).collect();
        index.short.sort_by_key(|(_, i)| *i);
        index
    }

    /// The position of a name that is already normalised (see [`normalize_name`]).
    pub(crate) fn find_normalized(&self, normalized: &str) -> Option<usize> {
        self.normalized.get(normalized).copied()
    }

    /// The position of `name`, compared after trimming and NFKC normalisation.
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        if self.exact.len() <= SHORT {
            if let Some((_, i)) = self.short.iter().find(|(n, _)| n == name) {
                return Some(*i);
            }
        } else if let Some(&i) = self.exact.get(name) {
            return Some(i);
        }
        self.normalized.get(&normalize_name(name)).copied()
    }
}

/// Where the k-th name of the previous ballot was found. Ballots usually name the same people in
/// the same order, so one comparison finds most marks.
#[derive(Debug, Default)]
pub(crate) struct Hints(Vec<usize>);

impl NameIndex {
    /// [`Self::find`] for the `k`-th name of a ballot, trying first where the `k`-th name of the
    /// previous ballot was found.
    pub(crate) fn find_hinted(&self, name: &str, k: usize, hints: &mut Hints) -> Option<usize> {
        if let Some((n, i)) = hints.0.get(k).and_then(|&j| self.short.get(j)) {
            if n == name {
                return Some(*i);
            }
        }
        if self.exact.len() <= SHORT {
            if let Some(j) = self.short.iter().position(|(n, _)| n == name) {
                if hints.0.len() <= k {
                    hints.0.resize(k + 1, usize::MAX);
                }
                hints.0[k] = j;
                return self.short.get(j).map(|(_, i)| *i);
            }
        }
        self.find(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_after_nfkc_and_trim() {
        let idx = NameIndex::strict("candidates", ["张三", "ＡＢ", "李四"]).unwrap();
        assert_eq!(idx.find("张三"), Some(0));
        assert_eq!(idx.find("　张三 "), Some(0)); // ideographic and ASCII spaces
        assert_eq!(idx.find("AB"), Some(1)); // full-width letters fold under NFKC
        assert_eq!(idx.find("王五"), None);
    }

    #[test]
    fn a_hint_from_the_previous_ballot_never_changes_what_a_name_finds() {
        let idx = NameIndex::strict("candidates", ["张三", "ＡＢ", "李四"]).unwrap();
        let mut hints = Hints::default();
        for ballot in [["张三", "李四"], ["李四", "张三"], ["AB", "王五"], ["李四", "　张三 "]] {
            for (k, name) in ballot.iter().enumerate() {
                assert_eq!(idx.find_hinted(name, k, &mut hints), idx.find(name), "{name} at {k}");
            }
        }
    }

    #[test]
    fn duplicate_and_empty_names_are_rejected() {
        assert!(matches!(
            NameIndex::strict("candidates", ["AB", "ＡＢ "]),
            Err(BulletinErrorKind::DuplicateName { .. })
        ));
        assert_eq!(
            NameIndex::strict("groups", ["a", " "]).err(),
            Some(BulletinErrorKind::EmptyName { list: "groups" })
        );
        let lenient = NameIndex::lenient(["AB", "ＡＢ", ""]);
        let mut hints = Hints::default();
        for _ in 0..2 {
            assert_eq!(lenient.find_hinted("ＡＢ", 0, &mut hints), Some(0));
            assert_eq!(lenient.find_hinted("", 1, &mut hints), None);
        }
        assert_eq!(lenient.find("ＡＢ"), Some(0));
        assert_eq!(lenient.find(""), None);
    }
}
