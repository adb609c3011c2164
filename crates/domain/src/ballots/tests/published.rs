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
fn a_ballot_repeating_its_tracker_reads_as_parse_bulletin_reads_it() {
    // The rest after the first tracker differs from the good ballot's: read on its own, and the
    // repeated key sends it to the precise path, where the last value counts.
    let text = bulletin(&[
        r#"{"tracker":"a","marks":{"张三":"yes"}}"#,
        r#"{"tracker":"b","marks":{"张三":"yes"},"tracker":"c"}"#,
    ]);
    let (published, parsed) = both(&text);
    assert_eq!(parsed.as_ref().map(|(_, n)| *n), Ok(2));
    assert_eq!(published, parsed);
    // A bulletin written as an array, or of another format, is refused with the same words.
    for text in [format!(r#"["jiaogong-bulletin/1",{POLL},[]]"#), text.replace("bulletin/1", "bulletin/2")] {
        let (published, parsed) = both(&text);
        assert!(parsed.is_err(), "{text}");
        assert_eq!(published.map_err(|e| e.message_zh_en()), parsed.map_err(|e| e.message_zh_en()));
    }
}
