//! Robustness: the tally and the parser never panic, whatever the input, and both parse paths
//! (fast typed, precise stepwise) agree on every input.

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

use super::props::{arb_bulletin, arb_choice, arb_rules, counts_of, POOL};
use super::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn tally_never_panics_on_unvalidated_bulletins(b in arb_wild_bulletin()) {
        let r = tally(&b);
        prop_assert_eq!(counts_of(&r).0, b.ballots.len() as u64);
        let _ = serde_json::to_string(&r).unwrap();
        // Both parse paths agree on which rule a wild bulletin breaks first.
        let text = serde_json::to_string(&b).unwrap();
        prop_assert_eq!(parse_bulletin(&text), super::validate::parse_stepwise(&text));
    }

    #[test]
    fn a_stored_poll_reads_as_its_published_bulletin_does(b in arb_wild_bulletin(), at in any::<prop::sample::Index>(), v in arb_json()) {
        let rows = stored_rows(&b);
        let poll_json = serde_json::to_string(&b.poll).unwrap();
        let text = serde_json::to_string(&b).unwrap();
        prop_assert_eq!(bulletin_from_stored(&poll_json, &rows), parse_bulletin(&text));
        // A damaged stored ballot gives the error its published bulletin gives.
        if !rows.is_empty() {
            let mut rows = rows;
            let i = at.index(rows.len());
            let mut content: Value = serde_json::from_str(&rows[i].1).unwrap();
            if let Some(obj) = content.as_object_mut() {
                obj.insert("marks".into(), v);
            }
            rows[i].1 = content.to_string();
            let mut published = serde_json::to_value(&b).unwrap();
            published["ballots"][i]["marks"] = serde_json::from_str::<Value>(&rows[i].1).unwrap()["marks"].clone();
            prop_assert_eq!(bulletin_from_stored(&poll_json, &rows), parse_bulletin(&published.to_string()));
        }
    }

    #[test]
    fn parse_bulletin_never_panics_on_arbitrary_strings(s in any::<String>(), t in "[\\[\\]{}\":,0-9a-z/ -]{0,80}") {
        let _ = parse_bulletin(&s);
        let _ = parse_bulletin(&t);
    }

    #[test]
    fn parse_bulletin_never_panics_on_arbitrary_json(v in arb_json()) {
        let text = v.to_string();
        prop_assert_eq!(parse_bulletin(&text), super::validate::parse_stepwise(&text));
    }

    #[test]
    fn parse_bulletin_never_panics_on_mutated_bulletins(b in arb_bulletin(), at in any::<prop::sample::Index>(), v in arb_json()) {
        let text = mutated(&b, at, v);
        let parsed = parse_bulletin(&text);
        prop_assert_eq!(&parsed, &super::validate::parse_stepwise(&text));
        match parsed {
            Ok(b) => {
                let _ = tally(&b);
            }
            Err(e) => prop_assert!(!e.message_zh_en().contains('\n')),
        }
    }
}

/// `b` as JSON text with the value at one of its places (chosen by `at`) replaced by `v`.
pub(super) fn mutated(b: &Bulletin, at: prop::sample::Index, v: Value) -> String {
    let mut value = serde_json::to_value(b).unwrap();
    let mut paths = Vec::new();
    collect_pointers(&value, String::new(), &mut paths);
    let path = at.get(&paths).clone();
    if let Some(node) = value.pointer_mut(&path) {
        *node = v;
    }
    value.to_string()
}

/// Bulletins that break the rules: unknown names, duplicates, zero or huge numbers, wrong fields.
pub(super) fn arb_wild_bulletin() -> impl Strategy<Value = Bulletin> {
    let name = prop_oneof![select(POOL.to_vec()).prop_map(String::from), "[ a-zＡ-Ｃ]{0,3}"].boxed();
    let number = prop_oneof![Just(0u64), Just(1), Just(u64::MAX), any::<u64>()].boxed();
    let kind = prop_oneof![Just(PollKind::Resolution), Just(PollKind::Election), Just(PollKind::Evaluation)];
    let names = proptest::collection::vec(name.clone(), 0..4);
    let ballot = (
        any::<bool>(),
        proptest::option::of(arb_choice()),
        proptest::option::of(proptest::collection::btree_map(name.clone(), arb_choice(), 0..4)),
        proptest::option::of(proptest::collection::vec(name.clone(), 0..3)),
        proptest::option::of(name.clone()),
        proptest::option::of(proptest::collection::btree_map(name.clone(), name.clone(), 0..4)),
    )
        .prop_map(|(spoiled, choice, marks, write_ins, group, grades)| Ballot {
            tracker: "w".into(),
            paper: false,
            spoiled,
            choice,
            marks: marks.map(|m| m.into_iter().map(|(k, v)| (k.into(), v)).collect()),
            write_ins,
            group,
            grades,
        })
        .boxed();
    (
        kind,
        (number.clone(), number.clone(), number.clone()),
        proptest::option::of(number.clone()),
        names.clone(),
        any::<bool>(),
    )
        .prop_flat_map(move |(kind, (e, p, i), seats, candidates, allow)| {
            let grades =
                proptest::collection::vec((name.clone(), number.clone()).prop_map(|(n, p)| Grade::new(n, p)), 0..4);
            let groups =
                proptest::collection::vec((name.clone(), number.clone()).prop_map(|(n, w)| Group::new(n, w)), 0..3);
            let rules = (
                arb_rules(),
                proptest::option::of(names.clone()),
                proptest::option::of(name.clone()),
                proptest::option::of(number.clone()),
            )
                .prop_map(|(r, competent, fail, min)| Rules { competent, fail, min_group_size: min, ..r });
            let mut poll = Poll::new(kind, "w", e, p, i);
            poll.seats = seats;
            poll.candidates = candidates.clone();
            poll.allow_write_in = allow;
            (Just(poll), names.clone(), grades, groups, rules, proptest::collection::vec(ballot.clone(), 0..20))
        })
        .prop_map(|(mut poll, subjects, grades, groups, rules, ballots)| {
            poll.subjects = subjects;
            poll.grades = grades;
            poll.groups = groups;
            poll.rules = rules;
            Bulletin::new(poll, ballots)
        })
}

pub(super) fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1.0e20f64..1.0e20).prop_map(Value::from),
        prop_oneof![select(POOL.to_vec()).prop_map(String::from), Just("2/3".to_string()), any::<String>()]
            .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            select(vec!["format", "poll", "ballots", "kind", "rules", "tracker", "marks", "grades", "seats", "quorum"])
                .prop_map(String::from),
            "[a-z_]{1,8}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(keys, inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn collect_pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Array(items) => {
            items.iter().enumerate().for_each(|(i, x)| collect_pointers(x, format!("{at}/{i}"), out))
        }
        Value::Object(map) => map
            .iter()
            .for_each(|(k, x)| collect_pointers(x, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)),
        _ => {}
    }
    out.push(at);
}

/// A bulletin's ballots as the server stores them: (tracker, content without tracker and paper, paper).
fn stored_rows(b: &Bulletin) -> Vec<(String, String, bool)> {
    b.ballots
        .iter()
        .map(|x| {
            let mut v = serde_json::to_value(x).unwrap();
            let obj = v.as_object_mut().unwrap();
            obj.remove("tracker");
            obj.remove("paper");
            (x.tracker.clone(), v.to_string(), x.paper)
        })
        .collect()
}
