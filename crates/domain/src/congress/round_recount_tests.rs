use super::*;
use crate::congress::ballots::{Ballot, Bulletin, Choice, Poll, BULLETIN_FORMAT};
use crate::congress::selection::combine;

/// The bulletin of one electorate: `approvals[k]` lists who ballot k approves (a no for the rest).
fn bulletin(nominees: &[&str], top: u64, approvals: &[&[&str]]) -> String {
    let n = approvals.len() as u64;
    let poll = Poll::election("仁爱教师 第1轮", n, n, n, top, nominees.iter().map(|s| s.to_string()).collect(), false);
    let ballots = approvals
        .iter()
        .enumerate()
        .map(|(k, yes)| {
            let marks: Vec<(&str, Choice)> =
                nominees.iter().map(|c| (*c, if yes.contains(c) { Choice::Yes } else { Choice::No })).collect();
            Ballot::election(format!("t{k:04}"), marks, Vec::new())
        })
        .collect();
    serde_json::to_string(&Bulletin { format: BULLETIN_FORMAT.to_string(), poll, ballots }).unwrap()
}

const NOMINEES: [&str; 4] = ["王芳", "李强", "张敏", "陈静"];

fn teachers() -> String {
    bulletin(&NOMINEES, 2, &[&["王芳", "李强"], &["王芳", "张敏"], &["李强"], &["王芳", "陈静"], &["张敏", "李强"]])
}

fn students() -> String {
    bulletin(&NOMINEES, 2, &[&["陈静", "张敏"], &["陈静"], &["张敏", "王芳"]])
}

#[test]
fn a_round_recounted_from_its_bulletins_matches_combining_the_tallies_by_weight() {
    let (t, s) = (teachers(), students());
    let got = recount_round(&[(3, &t), (2, &s)], 2).unwrap();
    let count = |json: &str, w: u64| {
        let b = crate::congress::ballots::parse_bulletin(json).unwrap();
        let TallyResult::Election(r) = tally(&b) else { panic!("not an election") };
        ElectorateCount::from_election("e", w, &r)
    };
    let names: Vec<String> = NOMINEES.iter().map(|s| s.to_string()).collect();
    let want = combine(&names, &[count(&t, 3), count(&s, 2)], 2).unwrap();
    assert_eq!(got, want);
    // 张敏 3·2/5 + 2·2/3 = 38/15 > 王芳 3·3/5 + 2·1/3 = 37/15 > 陈静 29/15 > 李强 27/15.
    assert_eq!(got.advancing, vec!["张敏".to_string(), "王芳".to_string()]);
    assert_eq!(got.ranking.iter().map(|r| r.rate.as_str()).collect::<Vec<_>>(), ["50.67", "49.33", "38.67", "36.00"]);
    // The order of the bulletins does not matter once each keeps its weight.
    assert_eq!(recount_round(&[(2, &s), (3, &t)], 2).unwrap(), got);
}

#[test]
fn weights_change_who_advances() {
    let (t, s) = (teachers(), students());
    let teachers_heavy = recount_round(&[(10, &t), (1, &s)], 1).unwrap();
    let students_heavy = recount_round(&[(1, &t), (10, &s)], 1).unwrap();
    assert_eq!(teachers_heavy.advancing, vec!["王芳".to_string()]);
    // 张敏 1·2/5 + 10·2/3 beats 陈静 1·1/5 + 10·2/3 by the teachers' vote.
    assert_eq!(students_heavy.advancing, vec!["张敏".to_string()]);
}

#[test]
fn bulletins_of_different_rounds_weights_out_of_range_and_top_zero_are_refused() {
    let t = teachers();
    let other = bulletin(&["王芳", "李强", "赵雷"], 1, &[&["赵雷"]]);
    assert_eq!(recount_round(&[(1, &t), (1, &other)], 1), Err(RecountError::DifferentNominees { index: 1 }));
    assert_eq!(recount_round(&[(0, &t)], 1), Err(RecountError::BadWeight { index: 0 }));
    assert_eq!(recount_round(&[(101, &t)], 1), Err(RecountError::BadWeight { index: 0 }));
    assert_eq!(recount_round(&[(1, &t)], 0), Err(RecountError::BadTop));
    assert!(matches!(recount_round(&[], 1), Err(RecountError::WeightsDoNotMatch { .. })));
    assert!(matches!(recount_round(&[(1, "{")], 1), Err(RecountError::Bulletin { index: 0, .. })));
    let resolution = serde_json::to_string(&Bulletin {
        format: BULLETIN_FORMAT.to_string(),
        poll: Poll::resolution("决议", 1, 1, 1, crate::congress::ballots::Rules::default()),
        ballots: vec![Ballot::resolution("r1", Some(Choice::Yes))],
    })
    .unwrap();
    assert_eq!(recount_round(&[(1, &resolution)], 1), Err(RecountError::NotElection { index: 0 }));
    for e in [
        RecountError::DifferentNominees { index: 1 },
        RecountError::BadWeight { index: 0 },
        RecountError::BadTop,
        RecountError::TooLarge,
        RecountError::WeightsDoNotMatch { bulletins: 2, weights: 1 },
    ] {
        let m = e.message_zh_en();
        assert!(m.contains(" / ") && !m.contains('\n'), "{m}");
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn electorate() -> impl Strategy<Value = (u64, Vec<Vec<bool>>)> {
        (0u64..=120, proptest::collection::vec(proptest::collection::vec(any::<bool>(), 4), 0..12))
    }

    proptest! {
        #[test]
        fn recounting_never_panics_and_never_lets_more_advance_than_top(
            electorates in proptest::collection::vec(electorate(), 1..4),
            top in 0u64..6,
        ) {
            let files: Vec<(u64, String)> = electorates
                .iter()
                .map(|(w, rows)| {
                    let approvals: Vec<Vec<&str>> = rows
                        .iter()
                        .map(|r| NOMINEES.iter().zip(r).filter(|(_, y)| **y).map(|(n, _)| *n).collect())
                        .collect();
                    let refs: Vec<&[&str]> = approvals.iter().map(Vec::as_slice).collect();
                    (*w, bulletin(&NOMINEES, 4, &refs))
                })
                .collect();
            let pairs: Vec<(u64, &str)> = files.iter().map(|(w, f)| (*w, f.as_str())).collect();
            match recount_round(&pairs, top) {
                Ok(o) => {
                    prop_assert!(top >= 1 && electorates.iter().all(|(w, _)| (1..=100).contains(w)));
                    prop_assert_eq!(o.ranking.len(), NOMINEES.len());
                    prop_assert!(o.advancing.len() as u64 <= top);
                    prop_assert!(o.advancing.len() + o.tied.len() <= NOMINEES.len());
                }
                Err(RecountError::BadTop) => prop_assert_eq!(top, 0),
                Err(RecountError::BadWeight { index }) => prop_assert!(!(1..=100).contains(&electorates[index].0)),
                Err(e) => prop_assert!(false, "unexpected {:?}", e),
            }
        }
    }
}
