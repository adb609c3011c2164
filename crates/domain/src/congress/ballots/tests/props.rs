//! Property tests: counting invariants, order independence and exact scores on generated
//! well-formed bulletins; plus an ignored performance check on 100,000 ballots.

use std::time::Instant;

use proptest::prelude::*;
use proptest::sample::{select, subsequence};

use super::*;

pub(super) const POOL: [&str; 6] = ["张三", "李四", "王五", "赵六", "A", "b"];
const WRITE_INS: [&str; 6] = ["王五", " 张三", "Ｃ", "C", "钱七", ""];
const GRADES: [&str; 4] = ["优秀", "称职", "基本称职", "不称职"];

pub(super) fn arb_choice() -> impl Strategy<Value = Choice> {
    prop_oneof![Just(Choice::Yes), Just(Choice::No), Just(Choice::Abstain)]
}

pub(super) fn arb_rules() -> impl Strategy<Value = Rules> {
    let fraction = (0u64..=6, 1u64..=6).prop_map(|(a, b)| Fraction::new(a.min(b), b).unwrap());
    let base = prop_oneof![1 => Just(Base::Electorate), 1 => Just(Base::Present), 3 => Just(Base::Valid)];
    (proptest::option::of(fraction.clone()), proptest::option::of(fraction), proptest::option::of(base))
        .prop_map(|(quorum, threshold, base)| Rules { quorum, threshold, base, ..Rules::default() })
}

/// (electorate, present, ballots_issued): mostly enough ballots issued, sometimes too few.
fn arb_counts() -> impl Strategy<Value = (u64, u64, u64)> {
    (0u64..60, 0u64..60, prop_oneof![4 => 60u64..80, 1 => 0u64..60])
}

fn arb_resolution() -> impl Strategy<Value = Bulletin> {
    let ballot = (any::<bool>(), proptest::option::of(arb_choice()), 0u8..10).prop_map(|(paper, choice, r)| {
        let b = if r == 0 { Ballot::spoiled("s") } else { Ballot::resolution("r", choice) };
        if paper {
            b.on_paper()
        } else {
            b
        }
    });
    (arb_counts(), arb_rules(), proptest::collection::vec(ballot, 0..50))
        .prop_map(|((e, p, i), rules, ballots)| Bulletin::new(Poll::resolution("r", e, p, i, rules), ballots))
}

fn arb_election() -> impl Strategy<Value = Bulletin> {
    let popularity = proptest::collection::vec(1u32..10, POOL.len());
    (subsequence(POOL.to_vec(), 0..=POOL.len()), 1u64..5, any::<bool>(), arb_counts(), arb_rules(), popularity)
        .prop_flat_map(|(candidates, seats, allow, (e, p, i), rules, popularity)| {
            // Per candidate: a mark (yes with the candidate's popularity out of 10, else no,
            // abstain or unmarked) and whether to spell the name with surrounding spaces.
            let marks: Vec<_> = popularity[..candidates.len()]
                .iter()
                .map(|&pop| {
                    let other = prop_oneof![Just(Some(Choice::No)), Just(Some(Choice::Abstain)), Just(None)];
                    (prop_oneof![pop => Just(Some(Choice::Yes)), 10 - pop => other], any::<bool>())
                })
                .collect();
            let write_ins = proptest::collection::vec(select(WRITE_INS.to_vec()), 0..3);
            let listed = candidates.clone();
            let ballot = (0u8..12, marks, write_ins).prop_map(move |(r, marks, write_ins)| {
                if r == 0 {
                    return Ballot::spoiled("s");
                }
                let marks = listed.iter().zip(marks).filter_map(|(name, (choice, spaced))| {
                    Some((if spaced { format!(" {name}　") } else { name.to_string() }, choice?))
                });
                Ballot::election("e", marks, write_ins.into_iter().map(String::from).collect())
            });
            let poll = Poll::election("e", e, p, i, seats, names(&candidates), allow).with_rules(rules);
            // Few ballots make ties across the cut-off likely; more make everything else likely.
            let ballot = ballot.boxed();
            let ballots =
                prop_oneof![proptest::collection::vec(ballot.clone(), 0..8), proptest::collection::vec(ballot, 0..40)];
            (Just(poll), ballots)
        })
        .prop_map(|(poll, ballots)| Bulletin::new(poll, ballots))
}

fn arb_evaluation() -> impl Strategy<Value = Bulletin> {
    let groups = proptest::collection::vec(1u64..10, 0..4);
    let points = proptest::collection::vec(0u64..=100, 4);
    (subsequence(POOL.to_vec(), 1..=4), groups, points, 0u64..6, arb_counts(), arb_rules())
        .prop_flat_map(|(subjects, weights, points, min, (e, p, i), rules)| {
            let group_names: Vec<String> = (0..weights.len()).map(|g| format!("组{g}")).collect();
            let groups: Vec<Group> = group_names.iter().zip(&weights).map(|(n, w)| Group::new(n.clone(), *w)).collect();
            let grades: Vec<Grade> = GRADES.iter().zip(&points).map(|(g, p)| Grade::new(*g, *p)).collect();
            let rules = Rules {
                competent: Some(names(&GRADES[..2])),
                fail: Some(GRADES[3].to_string()),
                min_group_size: Some(min),
                ..rules
            };
            let poll = Poll::evaluation("v", e, p, i, names(&subjects), grades, groups).with_rules(rules);
            let answers =
                proptest::collection::btree_map(select(subjects.clone()), select(GRADES.to_vec()), 0..=subjects.len());
            let group =
                if group_names.is_empty() { Just(None).boxed() } else { select(group_names).prop_map(Some).boxed() };
            let ballot = (0u8..12, group, answers).prop_map(|(r, group, answers)| {
                if r == 0 {
                    Ballot::spoiled("s")
                } else {
                    Ballot::evaluation("v", group, answers)
                }
            });
            (Just(poll), proptest::collection::vec(ballot, 0..60))
        })
        .prop_map(|(poll, ballots)| Bulletin::new(poll, ballots))
}

pub(super) fn arb_bulletin() -> impl Strategy<Value = Bulletin> {
    prop_oneof![arb_resolution(), arb_election(), arb_evaluation()]
}

/// The bulletin with its ballots in another order.
fn shuffled(b: Bulletin) -> impl Strategy<Value = (Bulletin, Bulletin)> {
    Just(b.ballots.clone()).prop_shuffle().prop_map(move |ballots| (b.clone(), Bulletin { ballots, ..b.clone() }))
}

pub(super) fn counts_of(r: &TallyResult) -> (u64, u64, u64) {
    match r {
        TallyResult::Resolution(r) => (r.returned, r.valid, r.invalid),
        TallyResult::Election(r) => (r.returned, r.valid, r.invalid),
        TallyResult::Evaluation(r) => (r.returned, r.valid, r.invalid),
    }
}

/// The weighted score recomputed independently with u128 (fine for these small sizes).
fn expected_score(b: &Bulletin, subject: &str) -> Option<String> {
    let groups: Vec<Option<&str>> = if b.poll.groups.is_empty() {
        vec![None]
    } else {
        b.poll.groups.iter().map(|g| Some(g.name.as_str())).collect()
    };
    let (mut num, mut den, mut weights) = (0u128, 1u128, 0u128);
    for (gi, group) in groups.iter().enumerate() {
        let answers: Vec<u64> = b
            .ballots
            .iter()
            .filter(|x| !x.spoiled && x.group.as_deref() == *group)
            .filter_map(|x| x.grades.as_ref()?.get(subject))
            .map(|g| b.poll.grades.iter().find(|gr| &gr.name == g).unwrap().points)
            .collect();
        if answers.is_empty() {
            continue;
        }
        let w = if group.is_none() { 1 } else { u128::from(b.poll.groups[gi].weight) };
        let (n, p) = (answers.len() as u128, answers.iter().map(|&x| u128::from(x)).sum::<u128>());
        num = num * n + w * p * den;
        den *= n;
        weights += w;
    }
    let den = den * weights;
    (den > 0).then(|| {
        let h = (200 * num + den) / (2 * den);
        format!("{}.{:02}", h / 100, h % 100)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn generated_bulletins_validate_and_round_trip(b in arb_bulletin()) {
        prop_assert!(b.validate().is_ok(), "{:?}", b.validate());
        let text = serde_json::to_string(&b).unwrap();
        prop_assert_eq!(parse_bulletin(&text).unwrap(), b.clone());
        prop_assert_eq!(super::validate::parse_stepwise(&text).unwrap(), b.clone());
        prop_assert_eq!(tally_json(&text).unwrap(), serde_json::to_value(tally(&b)).unwrap());
    }

    #[test]
    fn valid_plus_invalid_equals_returned(b in arb_bulletin()) {
        let (returned, valid, invalid) = counts_of(&tally(&b));
        prop_assert_eq!(returned, b.ballots.len() as u64);
        prop_assert_eq!(valid + invalid, returned);
    }

    #[test]
    fn shuffling_ballots_never_changes_the_result((a, b) in arb_bulletin().prop_flat_map(shuffled)) {
        prop_assert_eq!(tally(&a), tally(&b));
    }

    #[test]
    fn yes_no_abstain_sum_to_valid_for_resolutions(b in arb_resolution()) {
        let TallyResult::Resolution(r) = tally(&b) else { panic!("kind") };
        prop_assert_eq!(r.yes + r.no + r.abstain, r.valid);
        prop_assert!(!r.passed || r.void_reason.is_none());
    }

    #[test]
    fn never_more_elected_than_seats(b in arb_election()) {
        let TallyResult::Election(r) = tally(&b) else { panic!("kind") };
        let seats = b.poll.seats.unwrap();
        prop_assert!(r.elected.len() as u64 <= seats);
        if let Some(runoff) = &r.runoff {
            prop_assert_eq!(r.elected.len() as u64 + runoff.seats, seats);
            prop_assert!(runoff.among.iter().all(|n| !r.elected.contains(n)));
        }
        for e in r.tally.iter().filter(|e| !e.write_in) {
            prop_assert_eq!(e.yes + e.no + e.abstain, r.valid);
        }
        for w in r.tally.windows(2) {
            prop_assert!((w[0].yes, &w[1].name) >= (w[1].yes, &w[0].name));
        }
        let flagged: Vec<&String> = r.tally.iter().filter(|e| e.elected).map(|e| &e.name).collect();
        prop_assert_eq!(flagged, r.elected.iter().collect::<Vec<_>>());
        // Everyone elected qualified and has strictly more approvals than everyone not elected.
        let threshold = b.poll.threshold();
        let least_elected = r.tally.iter().filter(|e| e.elected).map(|e| e.yes).min();
        for e in &r.tally {
            if e.elected {
                prop_assert!(threshold.exceeded_by(e.yes, r.base));
            } else if let Some(least) = least_elected {
                prop_assert!(e.yes < least);
            }
        }
        if let Some(Runoff { reason: RunoffReason::Tie, among, .. }) = &r.runoff {
            let tied: Vec<u64> = r.tally.iter().filter(|e| among.contains(&e.name)).map(|e| e.yes).collect();
            prop_assert!(tied.len() >= 2 && tied.windows(2).all(|w| w[0] == w[1]));
        }
    }

    #[test]
    fn evaluation_counts_and_scores_are_exact(b in arb_evaluation()) {
        let TallyResult::Evaluation(r) = tally(&b) else { panic!("kind") };
        for s in &r.subjects {
            prop_assert_eq!(s.withheld, s.detail.is_none());
            if let Some(d) = &s.detail {
                prop_assert_eq!(d.counts.0.iter().map(|(_, c)| c).sum::<u64>(), s.n);
                prop_assert_eq!(Some(d.score.clone()), expected_score(&b, &s.name));
                if let Some(groups) = &d.by_group {
                    prop_assert_eq!(groups.0.iter().map(|(_, g)| g.n).sum::<u64>(), s.n);
                }
            }
        }
    }
}

#[test]
#[ignore = "performance sanity check; run with --ignored --nocapture"]
fn perf_tally_100k_election_ballots() {
    let candidates: Vec<String> = (0..12).map(|i| format!("候选人{i:02}")).collect();
    let mut poll = Poll::election("perf", 100_000, 100_000, 100_000, 5, candidates.clone(), true);
    poll.rules.quorum = Some(frac("2/3"));
    let ballots: Vec<Ballot> = (0..100_000usize)
        .map(|i| {
            let marks = candidates.iter().enumerate().filter(|(j, _)| (i * 7 + j * 3) % 5 < 2).take(5).map(|(j, c)| {
                let choice = if (i + j) % 3 == 0 { Choice::No } else { Choice::Yes };
                (c.clone(), choice)
            });
            let write_ins = if i % 50 == 0 { vec![format!("另选{}", i % 7)] } else { vec![] };
            Ballot::election(format!("{i:032x}"), marks, write_ins)
        })
        .collect();
    let json = serde_json::to_string(&Bulletin::new(poll, ballots)).unwrap();
    let start = Instant::now();
    let bulletin = parse_bulletin(&json).unwrap();
    let parsed = start.elapsed();
    let start = Instant::now();
    let result = tally(&bulletin);
    let counted = start.elapsed();
    let (returned, valid, _) = counts_of(&result);
    println!("100,000 ballots ({} MB JSON): parse+validate {parsed:?}, tally {counted:?}; returned {returned}, valid {valid}", json.len() / 1_000_000);
    assert_eq!(returned, 100_000);
}
