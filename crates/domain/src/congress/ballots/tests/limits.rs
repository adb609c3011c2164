//! The size limits of a cast ballot and the padded size of a stored one.

use super::*;
use crate::congress::ballots::limits::{check_cast, content_cap, SizeError, MAX_NAME_CHARS};

fn content(b: &Ballot) -> String {
    let mut v = serde_json::to_value(b).unwrap();
    v.as_object_mut().unwrap().remove("tracker");
    v.to_string()
}

#[test]
fn the_largest_ballot_a_person_can_fill_in_fits_the_padded_size() {
    // Every candidate marked with the longest mark, as many of the longest write-ins as seats,
    // quotes and backslashes in every name.
    let long = "\"\\".repeat(MAX_NAME_CHARS / 2);
    let cands = names(&["张三", "李\"四", "王\\五", "Ａｌｉｃｅ·Ｂ"]);
    let p = Poll::election("选举", 9, 9, 9, 3, cands.clone(), true);
    let b = Ballot::election(
        "t",
        cands.iter().map(|c| (c.as_str(), Choice::Abstain)),
        vec![long.clone(), "𠀀".repeat(MAX_NAME_CHARS), long],
    );
    let c = content(&b);
    assert_eq!(check_cast(&p, &b, c.len()), Ok(()), "{} > {}", c.len(), content_cap(&p));
    let r = Poll::resolution("表决", 9, 9, 9, Rules::default());
    let b = Ballot::resolution("t", Some(Choice::Abstain));
    assert!(content(&b).len() <= content_cap(&r));
    let e = Poll::evaluation(
        "评议",
        9,
        9,
        9,
        names(&["王校长", "李\"副校长"]),
        vec![Grade::new("基本称职", 60), Grade::new("优秀", 100)],
        vec![Group::new("教职工代表", 5)],
    );
    let b = Ballot::evaluation("t", Some("教职工代表".into()), [("王校长", "基本称职"), ("李\"副校长", "基本称职")]);
    assert!(content(&b).len() <= content_cap(&e));
}

#[test]
fn a_cast_ballot_has_at_most_as_many_write_ins_as_seats_of_reasonable_length() {
    let p = Poll::election("选举", 9, 9, 9, 2, names(&["甲"]), true);
    let ok = Ballot::election("t", Vec::<(&str, Choice)>::new(), names(&["乙", "丙"]));
    assert_eq!(check_cast(&p, &ok, 10), Ok(()));
    let three = Ballot::election("t", Vec::<(&str, Choice)>::new(), names(&["乙", "丙", "丁"]));
    assert_eq!(check_cast(&p, &three, 10), Err(SizeError::TooManyWriteIns { max: 2 }));
    let long = Ballot::election("t", Vec::<(&str, Choice)>::new(), vec!["长".repeat(MAX_NAME_CHARS + 1)]);
    assert_eq!(check_cast(&p, &long, 10), Err(SizeError::BadName));
    let control = Ballot::election("t", Vec::<(&str, Choice)>::new(), vec!["乙\n".into()]);
    assert_eq!(check_cast(&p, &control, 10), Err(SizeError::BadName));
    let closed = Poll::election("选举", 9, 9, 9, 2, names(&["甲"]), false);
    assert_eq!(check_cast(&closed, &ok, 10), Err(SizeError::WriteInsNotAllowed));
    let cap = content_cap(&p);
    assert_eq!(check_cast(&p, &ok, cap + 1), Err(SizeError::TooLarge { max: cap }));
}
