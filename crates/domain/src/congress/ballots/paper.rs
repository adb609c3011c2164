//! Paper ballots (congress.md "Paper ballots"): numbered sheets, and double entry by two counters.
//!
//! Each returned sheet is entered twice, independently (pass 1 and pass 2). The two passes agree
//! only when they hold exactly the same sheet numbers and, for every sheet, the same content
//! (compared as JSON values, so the order of keys never matters). Until then every disagreement
//! is listed; nothing enters the ballot box.

use std::collections::BTreeMap;

use serde_json::Value;

/// The printed number of the `n`-th sheet (1-based): `S-0001`, …, `S-9999`, `S-10000`.
pub fn sheet_number(n: u32) -> String {
    format!("S-{n:04}")
}

/// The canonical form of a sheet number typed by a counter: `s-12`, `S 0012`, `１２` → `S-0012`.
/// `None` when it is not a sheet number.
pub fn parse_sheet_number(typed: &str) -> Option<String> {
    let t = crate::platform::text::normalize(typed).to_ascii_uppercase();
    let digits = t.trim_start_matches('S').trim_start_matches(['-', ' ']).trim();
    if digits.is_empty() || digits.len() > 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    (n > 0).then(|| sheet_number(n))
}

/// One disagreement between the two passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disagreement {
    /// Entered in pass 1 only.
    OnlyFirst(String),
    /// Entered in pass 2 only.
    OnlySecond(String),
    /// Entered in both with different marks.
    Differs(String),
}

impl Disagreement {
    pub fn sheet(&self) -> &str {
        match self {
            Disagreement::OnlyFirst(s) | Disagreement::OnlySecond(s) | Disagreement::Differs(s) => s,
        }
    }
}

/// Every disagreement between the passes, in sheet order; empty when they agree.
pub fn compare_passes(first: &[(String, Value)], second: &[(String, Value)]) -> Vec<Disagreement> {
    let a: BTreeMap<&str, &Value> = first.iter().map(|(s, v)| (s.as_str(), v)).collect();
    let b: BTreeMap<&str, &Value> = second.iter().map(|(s, v)| (s.as_str(), v)).collect();
    let mut sheets: Vec<&str> = a.keys().chain(b.keys()).copied().collect();
    sheets.sort_unstable();
    sheets.dedup();
    sheets
        .into_iter()
        .filter_map(|s| match (a.get(s), b.get(s)) {
            (Some(x), Some(y)) if x == y => None,
            (Some(_), Some(_)) => Some(Disagreement::Differs(s.to_string())),
            (Some(_), None) => Some(Disagreement::OnlyFirst(s.to_string())),
            (None, _) => Some(Disagreement::OnlySecond(s.to_string())),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn e(s: &str, v: Value) -> (String, Value) {
        (s.to_string(), v)
    }

    #[test]
    fn sheets_are_numbered_with_four_digits_and_a_prefix() {
        assert_eq!(sheet_number(1), "S-0001");
        assert_eq!(sheet_number(31), "S-0031");
        assert_eq!(sheet_number(12345), "S-12345");
    }

    #[test]
    fn typed_sheet_numbers_are_read_leniently_but_never_guessed() {
        assert_eq!(parse_sheet_number("s-12").as_deref(), Some("S-0012"));
        assert_eq!(parse_sheet_number(" S0031 ").as_deref(), Some("S-0031"));
        assert_eq!(parse_sheet_number("１２").as_deref(), Some("S-0012"));
        assert_eq!(parse_sheet_number("S-0000"), None);
        assert_eq!(parse_sheet_number("S-12a"), None);
        assert_eq!(parse_sheet_number(""), None);
        assert_eq!(parse_sheet_number("S-9999999"), None);
    }

    #[test]
    fn passes_agree_when_they_hold_the_same_sheets_with_the_same_marks() {
        let a = vec![e("S-0001", json!({"choice": "yes"})), e("S-0002", json!({"marks": {"甲": "yes", "乙": "no"}}))];
        // Same content, keys in another order, sheets in another order.
        let b = vec![e("S-0002", json!({"marks": {"乙": "no", "甲": "yes"}})), e("S-0001", json!({"choice": "yes"}))];
        assert!(compare_passes(&a, &b).is_empty());
    }

    #[test]
    fn every_disagreement_is_listed_until_the_counters_agree() {
        let a = vec![e("S-0001", json!({"choice": "yes"})), e("S-0002", json!({"choice": "no"}))];
        let b = vec![e("S-0001", json!({"choice": "no"})), e("S-0003", json!({"spoiled": true}))];
        assert_eq!(
            compare_passes(&a, &b),
            vec![
                Disagreement::Differs("S-0001".into()),
                Disagreement::OnlyFirst("S-0002".into()),
                Disagreement::OnlySecond("S-0003".into()),
            ]
        );
    }

    const CHOICES: [&str; 3] = ["yes", "no", "abstain"];

    /// Entries in reverse sheet order (the order of entry must not matter).
    fn entries(m: &BTreeMap<u32, usize>) -> Vec<(String, Value)> {
        m.iter().rev().map(|(n, c)| (sheet_number(*n), json!({ "choice": CHOICES[*c] }))).collect()
    }

    proptest! {
        #[test]
        fn passes_agree_exactly_when_they_hold_the_same_sheets_and_marks(
            xs in proptest::collection::btree_map(1u32..40, 0usize..3, 0..25),
            ys in proptest::collection::btree_map(1u32..40, 0usize..3, 0..25),
        ) {
            let (a, b) = (entries(&xs), entries(&ys));
            prop_assert!(compare_passes(&a, &a).is_empty());
            let d = compare_passes(&a, &b);
            prop_assert_eq!(d.is_empty(), xs == ys);
            prop_assert_eq!(d.len(), compare_passes(&b, &a).len());
            let union: std::collections::BTreeSet<u32> = xs.keys().chain(ys.keys()).copied().collect();
            let differing = union.iter().filter(|n| xs.get(n) != ys.get(n)).count();
            prop_assert_eq!(d.len(), differing);
        }
    }
}
