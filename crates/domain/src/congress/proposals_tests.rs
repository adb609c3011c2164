use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn window() -> (NaiveDate, NaiveDate) {
    (d(2026, 9, 1), d(2026, 9, 30))
}

fn submitted(settings: &ProposalSettings) -> Proposal {
    let mut p = Proposal::new("p1", "张三", Category::Welfare);
    p.apply(ProposalEvent::CoSign { delegate: "李四".into() }, settings).unwrap();
    p.apply(ProposalEvent::CoSign { delegate: "王五".into() }, settings).unwrap();
    p.apply(ProposalEvent::Submit { today: d(2026, 9, 10), window: window() }, settings).unwrap();
    p
}

fn answered(settings: &ProposalSettings) -> Proposal {
    let mut p = submitted(settings);
    p.apply(ProposalEvent::Review(Review::Accept), settings).unwrap();
    p.apply(ProposalEvent::Assign { department: "总务处".into(), due: d(2026, 11, 1) }, settings).unwrap();
    p.apply(ProposalEvent::Answer { status: HandlingStatus::InProgress, reason: String::new() }, settings).unwrap();
    p
}

#[test]
fn two_cosigners_needed_before_submission() {
    let s = ProposalSettings::default();
    let mut p = Proposal::new("p1", "张三", Category::Teaching);
    p.apply(ProposalEvent::CoSign { delegate: "李四".into() }, &s).unwrap();
    let before = p.clone();
    assert_eq!(
        p.apply(ProposalEvent::Submit { today: d(2026, 9, 10), window: window() }, &s),
        Err(ProposalError::NotEnoughCoSigners { have: 1, need: 2 })
    );
    assert_eq!(p, before, "a refused step changes nothing");
    p.apply(ProposalEvent::CoSign { delegate: "王五".into() }, &s).unwrap();
    p.apply(ProposalEvent::Submit { today: d(2026, 9, 10), window: window() }, &s).unwrap();
    assert_eq!(p.state, ProposalState::Submitted);
}

#[test]
fn proposer_cannot_cosign_and_nobody_cosigns_twice() {
    let s = ProposalSettings::default();
    let mut p = Proposal::new("p1", "张三", Category::Teaching);
    assert_eq!(p.apply(ProposalEvent::CoSign { delegate: "张三".into() }, &s), Err(ProposalError::OwnProposal));
    p.apply(ProposalEvent::CoSign { delegate: "李四".into() }, &s).unwrap();
    assert_eq!(p.apply(ProposalEvent::CoSign { delegate: "李四".into() }, &s), Err(ProposalError::AlreadyCoSigned));
}

#[test]
fn submission_only_inside_the_collection_window_inclusive() {
    let s = ProposalSettings { min_cosigners: 0, max_rounds: 3 };
    for (day, ok) in [(d(2026, 8, 31), false), (d(2026, 9, 1), true), (d(2026, 9, 30), true), (d(2026, 10, 1), false)] {
        let mut p = Proposal::new("p", "张三", Category::Other);
        let r = p.apply(ProposalEvent::Submit { today: day, window: window() }, &s);
        assert_eq!(r.is_ok(), ok, "{day}");
    }
}

#[test]
fn review_accept_suggest_merge_return() {
    let s = ProposalSettings::default();
    let mut p = submitted(&s);
    p.apply(ProposalEvent::Review(Review::Accept), &s).unwrap();
    assert_eq!(p.state, ProposalState::Accepted);

    let mut p = submitted(&s);
    assert_eq!(
        p.apply(ProposalEvent::Review(Review::Suggestion { reason: " ".into() }), &s),
        Err(ProposalError::ReasonRequired)
    );
    p.apply(ProposalEvent::Review(Review::Suggestion { reason: "属于日常管理事项".into() }), &s).unwrap();
    assert_eq!(p.state, ProposalState::Suggestion);

    let mut p = submitted(&s);
    assert_eq!(
        p.apply(ProposalEvent::Review(Review::Merge { into: "p1".into() }), &s),
        Err(ProposalError::MergeIntoItself)
    );
    p.apply(ProposalEvent::Review(Review::Merge { into: "p9".into() }), &s).unwrap();
    assert_eq!((p.state, p.merged_into.as_deref()), (ProposalState::Merged, Some("p9")));

    let mut p = submitted(&s);
    p.apply(ProposalEvent::Review(Review::Return { reason: "一事一案，请拆分".into() }), &s).unwrap();
    assert_eq!(p.state, ProposalState::Returned);
    p.apply(ProposalEvent::Resubmit, &s).unwrap();
    assert_eq!(p.state, ProposalState::Submitted);
}

#[test]
fn not_possible_reply_needs_a_reason() {
    let s = ProposalSettings::default();
    let mut p = submitted(&s);
    p.apply(ProposalEvent::Review(Review::Accept), &s).unwrap();
    p.apply(ProposalEvent::Assign { department: "总务处".into(), due: d(2026, 11, 1) }, &s).unwrap();
    assert_eq!(
        p.apply(ProposalEvent::Answer { status: HandlingStatus::NotPossible, reason: String::new() }, &s),
        Err(ProposalError::ReasonRequired)
    );
    p.apply(
        ProposalEvent::Answer {
            status: HandlingStatus::NotPossible, reason: "经费不足，列入明年预算".into()
        },
        &s,
    )
    .unwrap();
    assert_eq!(p.state, ProposalState::Answered);
}

#[test]
fn unsatisfied_sends_it_back_to_handling_until_the_rounds_run_out() {
    let s = ProposalSettings { min_cosigners: 2, max_rounds: 2 };
    let mut p = answered(&s);
    p.apply(ProposalEvent::Rate(Feedback::Unsatisfied), &s).unwrap();
    assert_eq!((p.state, p.round), (ProposalState::Assigned, 2));
    p.apply(ProposalEvent::Answer { status: HandlingStatus::Solved, reason: String::new() }, &s).unwrap();
    p.apply(ProposalEvent::Rate(Feedback::Unsatisfied), &s).unwrap();
    assert_eq!((p.state, p.last_feedback), (ProposalState::Closed, Some(Feedback::Unsatisfied)), "rounds used up");
}

#[test]
fn satisfied_or_mostly_satisfied_closes() {
    let s = ProposalSettings::default();
    for f in [Feedback::Satisfied, Feedback::MostlySatisfied] {
        let mut p = answered(&s);
        p.apply(ProposalEvent::Rate(f), &s).unwrap();
        assert_eq!(p.state, ProposalState::Closed);
    }
}

#[test]
fn overdue_only_while_assigned_after_the_due_date() {
    let s = ProposalSettings::default();
    let mut p = submitted(&s);
    p.apply(ProposalEvent::Review(Review::Accept), &s).unwrap();
    p.apply(ProposalEvent::Assign { department: "教务处".into(), due: d(2026, 10, 15) }, &s).unwrap();
    assert!(!p.is_overdue(d(2026, 10, 15)), "the due date itself is not late");
    assert!(p.is_overdue(d(2026, 10, 16)));
    p.apply(ProposalEvent::Answer { status: HandlingStatus::Planned, reason: String::new() }, &s).unwrap();
    assert!(!p.is_overdue(d(2026, 12, 1)), "answered is not overdue");
}

#[test]
fn steps_out_of_order_are_refused() {
    let s = ProposalSettings::default();
    let mut p = Proposal::new("p1", "张三", Category::Teaching);
    assert_eq!(p.apply(ProposalEvent::Review(Review::Accept), &s), Err(ProposalError::WrongState));
    assert_eq!(p.apply(ProposalEvent::Rate(Feedback::Satisfied), &s), Err(ProposalError::WrongState));
    let mut p = answered(&s);
    assert_eq!(p.apply(ProposalEvent::CoSign { delegate: "赵六".into() }, &s), Err(ProposalError::WrongState));
}

#[test]
fn editing_a_draft_withdraws_the_cosignatures_but_a_returned_proposal_keeps_them() {
    let s = ProposalSettings::default();
    let mut p = Proposal::new("p1", "张三", Category::Teaching);
    p.apply(ProposalEvent::CoSign { delegate: "李四".into() }, &s).unwrap();
    p.apply(ProposalEvent::Edit, &s).unwrap();
    assert!(p.cosigners.is_empty(), "they signed another text");
    let mut p = submitted(&s);
    p.apply(ProposalEvent::Review(Review::Return { reason: "请补充措施".into() }), &s).unwrap();
    p.apply(ProposalEvent::Edit, &s).unwrap();
    assert_eq!(p.cosigners.len(), 2);
    p.apply(ProposalEvent::Resubmit, &s).unwrap();
    assert_eq!(p.apply(ProposalEvent::Edit, &s), Err(ProposalError::WrongState), "no edits once submitted");
}

#[test]
fn merge_only_into_another_live_proposal() {
    let s = ProposalSettings::default();
    let p = submitted(&s);
    let mut target = submitted(&s);
    target.id = "p2".into();
    assert_eq!(p.check_merge_target(&target), Ok(()));
    target.apply(ProposalEvent::Review(Review::Accept), &s).unwrap();
    assert_eq!(p.check_merge_target(&target), Ok(()), "an accepted proposal can absorb another");
    assert_eq!(p.check_merge_target(&p), Err(ProposalError::MergeIntoItself));
    let mut draft = Proposal::new("p3", "李四", Category::Teaching);
    assert_eq!(p.check_merge_target(&draft), Err(ProposalError::MergeTarget), "not into a draft");
    draft.state = ProposalState::Suggestion;
    assert_eq!(p.check_merge_target(&draft), Err(ProposalError::MergeTarget), "not into a suggestion");
    draft.state = ProposalState::Merged;
    assert_eq!(p.check_merge_target(&draft), Err(ProposalError::MergeTarget), "not into a merged one");
}

#[test]
fn only_the_proposer_rates_edits_and_submits() {
    let p = Proposal::new("p1", "张三", Category::Welfare);
    assert_eq!(p.check_proposer("张三"), Ok(()));
    assert_eq!(p.check_proposer("李四"), Err(ProposalError::NotProposer));
}

#[test]
fn assignment_needs_a_department_and_a_due_date_not_in_the_past() {
    let s = ProposalSettings::default();
    let mut p = submitted(&s);
    p.apply(ProposalEvent::Review(Review::Accept), &s).unwrap();
    assert_eq!(
        p.apply(ProposalEvent::Assign { department: "  ".into(), due: d(2026, 11, 1) }, &s),
        Err(ProposalError::DepartmentRequired)
    );
    assert_eq!(check_due(d(2026, 10, 31), d(2026, 11, 1)), Err(ProposalError::DueInThePast));
    assert_eq!(check_due(d(2026, 11, 1), d(2026, 11, 1)), Ok(()), "due today is allowed");
}

#[test]
fn a_proposal_text_needs_title_reason_and_measures_within_limits() {
    let ok = ProposalText::parse("  关于增设教师休息室的提案 ", "案由", "措施", Category::Welfare).unwrap();
    assert_eq!(ok.title, "关于增设教师休息室的提案");
    assert_eq!(ProposalText::parse(" ", "a", "b", Category::Other), Err(ProposalError::TitleRequired));
    assert_eq!(ProposalText::parse("a\u{202E}b", "a", "b", Category::Other), Err(ProposalError::ControlChars));
    assert_eq!(ProposalText::parse("t", "\n ", "b", Category::Other), Err(ProposalError::ReasonTextRequired));
    assert_eq!(ProposalText::parse("t", "a", "", Category::Other), Err(ProposalError::MeasuresRequired));
    let long = "长".repeat(TITLE_MAX + 1);
    assert_eq!(ProposalText::parse(&long, "a", "b", Category::Other), Err(ProposalError::TooLong { max: TITLE_MAX }));
    let long = "长".repeat(TEXT_MAX + 1);
    assert_eq!(ProposalText::parse("t", &long, "b", Category::Other), Err(ProposalError::TooLong { max: TEXT_MAX }));
}

#[test]
fn without_a_set_window_collection_runs_until_the_session_day() {
    let held = d(2026, 12, 20);
    let (from, to) = collection_window(None, held);
    assert!(from <= d(2000, 1, 1) && to == held);
    assert_eq!(collection_window(Some(window()), held), window());
}

#[test]
fn codes_round_trip() {
    for c in Category::ALL {
        assert_eq!(Category::from_code(c.code()), Some(c));
    }
    for c in HandlingStatus::ALL {
        assert_eq!(HandlingStatus::from_code(c.code()), Some(c));
    }
    for c in Feedback::ALL {
        assert_eq!(Feedback::from_code(c.code()), Some(c));
    }
    for c in ProposalState::ALL {
        assert_eq!(ProposalState::from_code(c.code()), Some(c));
    }
    assert_eq!(Category::from_code("x"), None);
}

#[test]
fn members_read_accepted_proposals_and_after() {
    use ProposalState as S;
    let public: Vec<_> = S::ALL.into_iter().filter(|s| s.is_public()).collect();
    assert_eq!(public, vec![S::Accepted, S::Assigned, S::Answered, S::Closed]);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn event() -> impl Strategy<Value = ProposalEvent> {
        let who = prop::sample::select(vec!["张三", "李四", "王五", "赵六"]);
        prop_oneof![
            who.prop_map(|w| ProposalEvent::CoSign { delegate: w.to_string() }),
            (0u32..60).prop_map(|o| ProposalEvent::Submit {
                today: d(2026, 8, 20) + chrono::Days::new(u64::from(o)),
                window: window()
            }),
            Just(ProposalEvent::Review(Review::Accept)),
            Just(ProposalEvent::Review(Review::Return { reason: "改".into() })),
            Just(ProposalEvent::Review(Review::Merge { into: "p2".into() })),
            Just(ProposalEvent::Resubmit),
            Just(ProposalEvent::Edit),
            Just(ProposalEvent::Assign { department: "总务处".into(), due: d(2026, 11, 1) }),
            Just(ProposalEvent::Answer { status: HandlingStatus::Solved, reason: String::new() }),
            prop::sample::select(vec![Feedback::Satisfied, Feedback::MostlySatisfied, Feedback::Unsatisfied])
                .prop_map(ProposalEvent::Rate),
        ]
    }

    proptest! {
        #[test]
        fn any_event_sequence_keeps_the_invariants(events in prop::collection::vec(event(), 0..40), max_rounds in 1u32..4) {
            let s = ProposalSettings { min_cosigners: 2, max_rounds };
            let mut p = Proposal::new("p1", "张三", Category::Other);
            for e in events {
                let before = p.clone();
                if p.apply(e, &s).is_err() {
                    prop_assert_eq!(&p, &before);
                }
                prop_assert!(!p.cosigners.contains(&p.proposer));
                let mut c = p.cosigners.clone();
                c.sort();
                c.dedup();
                prop_assert_eq!(c.len(), p.cosigners.len());
                prop_assert!(p.round <= max_rounds);
                if p.state != ProposalState::Draft && p.state != ProposalState::Merged {
                    prop_assert!(p.cosigners.len() >= 2);
                }
            }
        }
    }
}

#[test]
fn a_new_round_after_unsatisfied_gets_its_own_due_date_but_the_first_round_is_assigned_once() {
    let s = ProposalSettings { min_cosigners: 2, max_rounds: 3 };
    let mut p = answered(&s);
    // Round 1 is assigned already: no second assignment while it runs.
    p.apply(ProposalEvent::Rate(Feedback::Unsatisfied), &s).unwrap();
    assert_eq!(p.round, 2);
    let new_due = d(2027, 1, 15);
    p.apply(ProposalEvent::Assign { department: "总务处".into(), due: new_due }, &s).unwrap();
    assert_eq!((p.state, p.round, p.due), (ProposalState::Assigned, 2, Some(new_due)));
    assert!(!p.is_overdue(d(2026, 12, 1)));
    assert_eq!(
        p.apply(ProposalEvent::Assign { department: " ".into(), due: new_due }, &s),
        Err(ProposalError::DepartmentRequired)
    );
}

#[test]
fn the_first_round_cannot_be_reassigned_while_it_runs() {
    let s = ProposalSettings::default();
    let mut p = submitted(&s);
    p.apply(ProposalEvent::Review(Review::Accept), &s).unwrap();
    p.apply(ProposalEvent::Assign { department: "总务处".into(), due: d(2026, 11, 1) }, &s).unwrap();
    assert_eq!((p.state, p.round), (ProposalState::Assigned, 1));
    assert_eq!(
        p.apply(ProposalEvent::Assign { department: "教务处".into(), due: d(2027, 1, 1) }, &s),
        Err(ProposalError::WrongState)
    );
}

#[test]
fn only_the_committee_or_the_member_named_for_the_department_may_reply() {
    // The committee records a reply on the department's behalf, named responder or not.
    assert_eq!(may_answer(true, None, None), Ok(()));
    assert_eq!(may_answer(true, Some("m-zongwu"), Some("m-other")), Ok(()));
    // The member named to answer for the department may reply.
    assert_eq!(may_answer(false, Some("m-zongwu"), Some("m-zongwu")), Ok(()));
    // Nobody else: not another member, not an account without a member, not anyone when nobody was named.
    assert_eq!(may_answer(false, Some("m-zongwu"), Some("m-other")), Err(ProposalError::NotResponder));
    assert_eq!(may_answer(false, Some("m-zongwu"), None), Err(ProposalError::NotResponder));
    assert_eq!(may_answer(false, None, Some("m-zongwu")), Err(ProposalError::NotResponder));
    assert_eq!(ProposalError::NotResponder.key(), "proposal-err-not-responder");
}
