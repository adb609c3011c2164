//! Published bulletins read as text (`PublishedBallots`, what `jiaogong tally` counts with):
//! the same acceptance, errors and tally as `parse_bulletin`, on good, wild and damaged input.

use proptest::prelude::*;

use super::props::arb_bulletin;
use super::robust::{arb_json, arb_wild_bulletin, mutated};
use super::*;

/// A reading of a bulletin: its tally and number of ballots, or the error.
type Reading = Result<(TallyResult, usize), BulletinError>;

/// Both readings of `text`: as text (`PublishedBallots`) and ballot by ballot.
fn both(text: &str) -> (Reading, Reading) {
    let published = PublishedBallots::read(text).map(|p| (p.tally(), p.len()));
    let parsed = parse_bulletin(text).map(|b| (tally(&b), b.ballots.len()));
    (published, parsed)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_published_bulletin_tallies_as_parse_bulletin_reads_it(b in arb_bulletin()) {
        for text in [serde_json::to_string(&b).unwrap(), serde_json::to_string_pretty(&b).unwrap()] {
            let (published, parsed) = both(&text);
            prop_assert!(published.is_ok());
            prop_assert_eq!(published, parsed);
            // Written out again, it reads back as the same bulletin.
            let mut out = Vec::new();
            PublishedBallots::read(&text).unwrap().write_bulletin(&mut out).unwrap();
            prop_assert_eq!(parse_bulletin(std::str::from_utf8(&out).unwrap()), parse_bulletin(&text));
        }
    }

    #[test]
    fn a_wild_bulletin_gets_the_same_verdict_either_way(b in arb_wild_bulletin()) {
        let text = serde_json::to_string(&b).unwrap();
        let (published, parsed) = both(&text);
        prop_assert_eq!(published, parsed);
    }

    #[test]
    fn a_damaged_bulletin_gets_the_same_verdict_either_way(b in arb_bulletin(), at in any::<prop::sample::Index>(), v in arb_json()) {
        let text = mutated(&b, at, v);
        let (published, parsed) = both(&text);
        prop_assert_eq!(published, parsed);
    }
}

const POLL: &str = r#"{"title":"t","kind":"election","electorate":9,"present":9,"ballots_issued":9,"seats":1,"candidates":["张三","李四"]}"#;

fn bulletin(ballots: &[&str]) -> String {
    format!(r#"{{"format":"jiaogong-bulletin/1","poll":{POLL},"ballots":[{}]}}"#, ballots.join(","))
}

#[test]
fn ballots_alike_but_for_their_tracker_are_counted_each() {
    let text = bulletin(&[
        r#"{"tracker":"a","marks":{"张三":"yes"}}"#,
        r#"{"tracker":"b","marks":{"张三":"yes"}}"#,
        r#"{"tracker":"c\"d","marks":{"张三":"yes"}}"#,
        r#"{"tracker":"e","paper":true,"marks":{"张三":"yes"}}"#,
        r#"{"tracker":"f","marks":{"张三":"no","李四":"yes"}}"#,
    ]);
    let (published, parsed) = both(&text);
    let (result, n) = published.unwrap();
    assert_eq!(n, 5);
    let TallyResult::Election(r) = &result else { panic!("not an election") };
    assert_eq!((r.returned, r.elected.clone()), (5, vec!["张三".to_string()]));
    assert_eq!(Ok((result, n)), parsed);
}

#[test]
fn a_ballot_repeating_its_tracker_is_refused_by_both_readings() {
    // A repeated key is refused (it was read with the last value counting before).
    let text = bulletin(&[
        r#"{"tracker":"a","marks":{"张三":"yes"}}"#,
        r#"{"tracker":"b","marks":{"张三":"yes"},"tracker":"c"}"#,
    ]);
    let (published, parsed) = both(&text);
    assert!(matches!(&parsed, Err(e) if e.ballot_index == Some(1)), "{parsed:?}");
    assert_eq!(published, parsed);
    // A bulletin written as an array, or of another format, is refused with the same words.
    for text in [format!(r#"["jiaogong-bulletin/1",{POLL},[]]"#), text.replace("bulletin/1", "bulletin/2")] {
        let (published, parsed) = both(&text);
        assert!(parsed.is_err(), "{text}");
        assert_eq!(published.map_err(|e| e.message_zh_en()), parsed.map_err(|e| e.message_zh_en()));
    }
}

#[test]
fn a_key_repeated_at_any_level_of_a_bulletin_is_refused_by_both_readings() {
    let poll = r#"{"title":"表决","kind":"resolution","electorate":3,"present":3,"ballots_issued":3}"#;
    let election = r#"{"title":"选举","kind":"election","electorate":3,"present":3,"ballots_issued":3,"seats":1,"candidates":["甲","乙"]}"#;
    let cases = [
        // A second `ballots` silently emptied the count (finding 14).
        (
            format!(
                r#"{{"format":"jiaogong-bulletin/1","poll":{poll},"ballots":[{{"tracker":"a","choice":"yes"}}],"ballots":[]}}"#
            ),
            None,
            "ballots",
        ),
        (
            format!(r#"{{"format":"jiaogong-bulletin/1","format":"jiaogong-bulletin/1","poll":{poll},"ballots":[]}}"#),
            None,
            "format",
        ),
        (
            r#"{"format":"jiaogong-bulletin/1","poll":{"title":"表决","kind":"resolution","electorate":3,"electorate":30,"present":3,"ballots_issued":3},"ballots":[]}"#.to_string(),
            None,
            "electorate",
        ),
        (
            format!(
                r#"{{"format":"jiaogong-bulletin/1","poll":{poll},"ballots":[{{"tracker":"a","choice":"yes"}},{{"tracker":"b","choice":"yes","choice":"no"}}]}}"#
            ),
            Some(1),
            "choice",
        ),
        (
            format!(
                r#"{{"format":"jiaogong-bulletin/1","poll":{election},"ballots":[{{"tracker":"a","marks":{{"甲":"yes","甲":"no"}}}}]}}"#
            ),
            Some(0),
            "甲",
        ),
        (
            r#"{"format":"jiaogong-bulletin/1","poll":{"title":"表决","kind":"resolution","electorate":3,"present":3,"ballots_issued":3,"rules":{"quorum":"1/2","quorum":"2/3"}},"ballots":[]}"#.to_string(),
            None,
            "quorum",
        ),
    ];
    for (text, ballot, key) in cases {
        let stepwise = parse_bulletin(&text).unwrap_err();
        let published = PublishedBallots::read(&text).err().unwrap();
        assert_eq!(stepwise, published, "{text}");
        assert_eq!(stepwise.ballot_index, ballot, "{text}");
        assert!(matches!(&stepwise.kind, BulletinErrorKind::DuplicateKey { key: k, .. } if k == key), "{stepwise:?}");
        assert!(stepwise.message_zh_en().contains("两次"), "{}", stepwise.message_zh_en());
    }
}
