//! Proposal storage on every database: the whole lifecycle with every round kept, delegates only,
//! another school's ids not found, merges, and a refused step that writes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use jiaogong_domain::congress::{
    Category, Feedback, HandlingStatus, ProposalError, ProposalSettings, ProposalState, ProposalText, Review,
};
use jiaogong_store::congress::proposals::{self as repo, Scope, Step, StepError, Who};
use jiaogong_store::{congress, members, Store};

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

fn window() -> (NaiveDate, NaiveDate) {
    (d(9, 1), d(10, 31))
}

struct Setup {
    school: String,
    session: String,
    /// Four delegates, then one member who is not a delegate.
    people: Vec<String>,
}

async fn setup(store: &Store, code: &str) -> Setup {
    let school = common::school(store, code).await;
    let mut tx = store.begin().await.unwrap();
    let rows: Vec<_> = (0..5)
        .map(|i| (common::member(&format!("代表{i}"), &format!("{code}{i:03}"), None, None, None), None, None))
        .collect();
    let people = members::insert_many(store, &mut tx, &school, &rows).await.unwrap();
    let term = congress::term(&mut tx, &school, 5, "2024-09-01").await.unwrap();
    let session = congress::create_session(&mut tx, &school, &term, 2, "第五届二次", "2026-11-20").await.unwrap();
    for p in &people[..4] {
        congress::add_delegate(&mut tx, &school, &term, p, "2024-09-01").await.unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();
    Setup { school, session, people }
}

fn text(title: &str) -> ProposalText {
    ProposalText::parse(title, "食堂排队时间长", "增设窗口", Category::Logistics).unwrap()
}

fn who(member: &str) -> Who<'_> {
    Who { actor: member, member: Some(member), committee: false }
}

const CHAIR: Who<'static> = Who { actor: "chair", member: None, committee: true };

async fn create(store: &Store, s: &Setup, by: usize, title: &str) -> Result<String, StepError> {
    let mut tx = store.begin().await.unwrap();
    let r =
        repo::create(&mut tx, &store.crypto, &s.school, &s.session, who(&s.people[by]), d(9, 5), &text(title)).await;
    if r.is_ok() {
        jiaogong_store::commit(tx).await.unwrap();
    }
    r
}

async fn step(
    store: &Store,
    s: &Setup,
    id: &str,
    w: Who<'_>,
    today: NaiveDate,
    st: Step,
) -> Result<ProposalState, StepError> {
    let settings = repo::settings(store, &s.school).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let r = repo::step(&mut tx, &store.crypto, &s.school, id, w, today, &settings, st).await;
    if r.is_ok() {
        jiaogong_store::commit(tx).await.unwrap();
    }
    r
}

/// Drafted, co-signed by two and submitted.
async fn submitted(store: &Store, s: &Setup, title: &str) -> String {
    let id = create(store, s, 0, title).await.unwrap();
    for i in [1, 2] {
        step(store, s, &id, who(&s.people[i]), d(9, 6), Step::CoSign).await.unwrap();
    }
    let st = step(store, s, &id, who(&s.people[0]), d(9, 7), Step::Submit { window: window() }).await.unwrap();
    assert_eq!(st, ProposalState::Submitted);
    id
}

fn rule(r: Result<ProposalState, StepError>) -> ProposalError {
    match r {
        Err(StepError::Rule(e)) => e,
        other => panic!("expected a refusal by the rules, got {other:?}"),
    }
}

on_every_db!(the_whole_lifecycle_keeps_every_round, |store, db| {
    let s = setup(&store, "lc").await;
    let id = create(&store, &s, 0, "关于缩短食堂排队时间的提案").await.unwrap();
    // Not enough co-signers yet: nothing changes.
    step(&store, &s, &id, who(&s.people[1]), d(9, 6), Step::CoSign).await.unwrap();
    let e = rule(step(&store, &s, &id, who(&s.people[0]), d(9, 6), Step::Submit { window: window() }).await);
    assert_eq!(e, ProposalError::NotEnoughCoSigners { have: 1, need: 2 });
    assert_eq!(repo::get(&store, &s.school, &id).await.unwrap().state, "draft");
    step(&store, &s, &id, who(&s.people[2]), d(9, 6), Step::CoSign).await.unwrap();
    // Only the proposer submits.
    let e = rule(step(&store, &s, &id, who(&s.people[1]), d(9, 7), Step::Submit { window: window() }).await);
    assert_eq!(e, ProposalError::NotProposer);
    step(&store, &s, &id, who(&s.people[0]), d(9, 7), Step::Submit { window: window() }).await.unwrap();
    let p = repo::get(&store, &s.school, &id).await.unwrap();
    assert_eq!((p.state.code(), p.number, p.submitted_on.as_deref()), ("submitted", Some(1), Some("2026-09-07")));

    step(&store, &s, &id, CHAIR, d(9, 20), Step::Review(Review::Accept)).await.unwrap();
    let assign = |dep: &str, due| Step::Assign { department: dep.into(), due, responder: None };
    let e = rule(step(&store, &s, &id, CHAIR, d(9, 20), assign("总务处", d(9, 19))).await);
    assert_eq!(e, ProposalError::DueInThePast);
    step(&store, &s, &id, CHAIR, d(9, 20), assign(" 总务处 ", d(10, 20))).await.unwrap();
    let answer =
        |m: &str| Step::Answer { status: HandlingStatus::InProgress, measures: m.into(), reason: String::new() };
    step(&store, &s, &id, CHAIR, d(10, 10), answer("增设两个窗口")).await.unwrap();
    let rate = |f| Step::Rate { feedback: f, comment: "仍然排队".into() };
    let e = rule(step(&store, &s, &id, who(&s.people[1]), d(10, 12), rate(Feedback::Satisfied)).await);
    assert_eq!(e, ProposalError::NotProposer, "only the proposer rates");
    let st = step(&store, &s, &id, who(&s.people[0]), d(10, 12), rate(Feedback::Unsatisfied)).await.unwrap();
    assert_eq!(st, ProposalState::Assigned, "不满意 sends it back to handling");
    step(&store, &s, &id, CHAIR, d(10, 25), answer("错峰就餐")).await.unwrap();
    let st = step(&store, &s, &id, who(&s.people[0]), d(10, 26), rate(Feedback::Satisfied)).await.unwrap();
    assert_eq!(st, ProposalState::Closed);

    let p = repo::get(&store, &s.school, &id).await.unwrap();
    assert_eq!((p.round, p.department.as_deref(), p.last_feedback.as_deref()), (2, Some("总务处"), Some("satisfied")));
    let replies = repo::replies(&store, &s.school, &id).await.unwrap();
    assert_eq!(replies.len(), 2, "both rounds kept");
    assert_eq!(
        (replies[0].rating.as_deref(), replies[0].replied_on.as_str(), replies[1].rating.as_deref()),
        (Some("unsatisfied"), "2026-10-10", Some("satisfied"))
    );
    let kinds: Vec<String> = repo::history(&store, &s.school, &id).await.unwrap().into_iter().map(|h| h.kind).collect();
    assert_eq!(
        kinds,
        ["create", "cosign", "cosign", "submit", "accept", "assign", "reply", "rate", "reply", "rate"]
            .map(String::from)
    );
    let audit = jiaogong_store::platform::audit::recent(&store, &s.school, 100).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action.starts_with("proposal.")).count(), 10, "every step audited");
    assert!(matches!(
        jiaogong_store::platform::audit::verify(&store).await.unwrap(),
        jiaogong_store::platform::audit::Verdict::Intact { .. }
    ));

    let (lines, total) = repo::list(&store, &s.school, &s.session, Scope::Public, 0, 50).await.unwrap();
    assert_eq!((lines.len(), total), (1, 1));
    assert_eq!((lines[0].cosigners, lines[0].first_reply.as_deref()), (2, Some("2026-10-10")));
});

on_every_db!(only_current_delegates_draft_and_cosign_and_other_schools_ids_are_not_found, |store, db| {
    let s = setup(&store, "dl").await;
    let other = setup(&store, "xx").await;
    assert!(matches!(create(&store, &s, 4, "非代表的提案").await, Err(StepError::Rule(ProposalError::NotDelegate))));
    let id = create(&store, &s, 0, "关于教师培训的提案").await.unwrap();
    let e = rule(step(&store, &s, &id, who(&s.people[4]), d(9, 6), Step::CoSign).await);
    assert_eq!(e, ProposalError::NotDelegate);
    let e = rule(step(&store, &s, &id, who(&s.people[0]), d(9, 6), Step::CoSign).await);
    assert_eq!(e, ProposalError::OwnProposal);
    // Another school's proposal through this school: not found, and nothing is read.
    let r = step(&store, &other, &id, who(&other.people[1]), d(9, 6), Step::CoSign).await;
    assert!(matches!(r, Err(StepError::Store(jiaogong_store::StoreError::NotFound))));
    assert!(matches!(repo::get(&store, &other.school, &id).await, Err(jiaogong_store::StoreError::NotFound)));
    // A session of another school cannot take a draft.
    let mut tx = store.begin().await.unwrap();
    let r =
        repo::create(&mut tx, &store.crypto, &s.school, &other.session, who(&s.people[0]), d(9, 5), &text("x")).await;
    assert!(matches!(r, Err(StepError::Store(jiaogong_store::StoreError::NotFound))));
    drop(tx);
    // Editing a draft withdraws the signature.
    step(&store, &s, &id, who(&s.people[1]), d(9, 6), Step::CoSign).await.unwrap();
    assert_eq!(repo::cosigners(&store, &s.school, &id).await.unwrap().len(), 1);
    step(&store, &s, &id, who(&s.people[0]), d(9, 6), Step::Edit(text("关于教师培训的提案（修改）"))).await.unwrap();
    assert!(repo::cosigners(&store, &s.school, &id).await.unwrap().is_empty());
    assert_eq!(
        repo::get(&store, &s.school, &id).await.unwrap().title,
        "关于教师培训的提案（修改）",
        "Chinese punctuation kept"
    );
    // The co-sign list of a delegate.
    let lines = repo::to_cosign(&store, &s.school, &s.people[2]).await.unwrap();
    assert_eq!((lines.len(), lines[0].signed), (1, 0));
    assert_eq!(repo::awaiting_cosign_count(&store, &s.school, &s.people[2]).await.unwrap(), 1);
    assert!(repo::to_cosign(&store, &s.school, &s.people[4]).await.unwrap().is_empty(), "not a delegate");
});

on_every_db!(review_merge_suggestion_return_and_window, |store, db| {
    let s = setup(&store, "rv").await;
    let a = submitted(&store, &s, "关于改善办公条件的提案").await;
    let b = submitted(&store, &s, "关于更换办公电脑的提案").await;
    let c = submitted(&store, &s, "关于增加体检项目的提案").await;
    let e = submitted(&store, &s, "关于放学后托管的提案").await;
    let draft = create(&store, &s, 0, "草稿").await.unwrap();
    // Not into a draft, not into itself.
    let merge = |into: &str| Step::Review(Review::Merge { into: into.to_string() });
    assert_eq!(rule(step(&store, &s, &b, CHAIR, d(9, 20), merge(&draft)).await), ProposalError::MergeTarget);
    assert_eq!(rule(step(&store, &s, &b, CHAIR, d(9, 20), merge(&b)).await), ProposalError::MergeIntoItself);
    step(&store, &s, &a, CHAIR, d(9, 20), Step::Review(Review::Accept)).await.unwrap();
    step(&store, &s, &b, CHAIR, d(9, 20), merge(&a)).await.unwrap();
    let merged = repo::merged_from(&store, &s.school, &a).await.unwrap();
    assert_eq!((merged.len(), merged[0].0.as_str()), (1, b.as_str()), "the merged proposal's proposer is kept");
    let reason = |r: &str| r.to_string();
    assert_eq!(
        rule(step(&store, &s, &c, CHAIR, d(9, 20), Step::Review(Review::Suggestion { reason: reason(" ") })).await),
        ProposalError::ReasonRequired
    );
    step(&store, &s, &c, CHAIR, d(9, 20), Step::Review(Review::Suggestion { reason: reason("属日常管理") }))
        .await
        .unwrap();
    step(&store, &s, &e, CHAIR, d(9, 20), Step::Review(Review::Return { reason: reason("请补充措施") })).await.unwrap();
    assert_eq!(repo::get(&store, &s.school, &e).await.unwrap().review_note, "请补充措施");
    // The returned proposal is revised and handed in again, keeping its number.
    let number = repo::get(&store, &s.school, &e).await.unwrap().number;
    step(&store, &s, &e, who(&s.people[0]), d(9, 21), Step::Edit(text("关于放学后托管的提案（修改）"))).await.unwrap();
    step(&store, &s, &e, who(&s.people[0]), d(9, 22), Step::Submit { window: window() }).await.unwrap();
    let p = repo::get(&store, &s.school, &e).await.unwrap();
    assert_eq!((p.state.code(), p.number), ("submitted", number));

    let (_, public) = repo::list(&store, &s.school, &s.session, Scope::Public, 0, 50).await.unwrap();
    let (_, handed_in) = repo::list(&store, &s.school, &s.session, Scope::HandedIn, 0, 50).await.unwrap();
    assert_eq!((public, handed_in), (1, 4));
    let numbers: Vec<Option<i64>> =
        repo::all_handed_in(&store, &s.school, &s.session).await.unwrap().into_iter().map(|l| l.number).collect();
    assert_eq!(numbers, vec![Some(1), Some(2), Some(3), Some(4)]);

    // The window and the settings.
    let mut tx = store.begin().await.unwrap();
    repo::set_window(&mut tx, &store.crypto, &s.school, &s.session, "chair", d(9, 1), d(9, 30)).await.unwrap();
    repo::set_settings(
        &mut tx,
        &store.crypto,
        &s.school,
        "chair",
        &ProposalSettings { min_cosigners: 1, max_rounds: 2 },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(repo::window(&store, &s.school, &s.session).await.unwrap(), Some((d(9, 1), d(9, 30))));
    assert_eq!(repo::settings(&store, &s.school).await.unwrap(), ProposalSettings { min_cosigners: 1, max_rounds: 2 });
    let late = create(&store, &s, 1, "迟到的提案").await.unwrap();
    step(&store, &s, &late, who(&s.people[2]), d(10, 1), Step::CoSign).await.unwrap();
    let w = repo::window(&store, &s.school, &s.session).await.unwrap().unwrap();
    assert_eq!(
        rule(step(&store, &s, &late, who(&s.people[1]), d(10, 1), Step::Submit { window: w }).await),
        ProposalError::OutsideWindow
    );
});

on_every_db!(the_member_named_for_the_department_answers_and_nobody_else, |store, db| {
    let s = setup(&store, "rs").await;
    // people[4] (not a delegate) works in the handling department and has an account; people[3]
    // has none.
    let mut tx = store.begin().await.unwrap();
    jiaogong_store::platform::accounts::create_user(
        &mut tx,
        &jiaogong_store::platform::accounts::NewUser {
            school_id: Some(&s.school),
            district_id: None,
            username: "zongwu",
            display_name: "总务处",
            password_hash: "x",
            role: jiaogong_domain::platform::roles::Role::Member,
            member_id: Some(&s.people[4]),
        },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let id = submitted(&store, &s, "关于增设饮水机的提案").await;
    step(&store, &s, &id, CHAIR, d(9, 20), Step::Review(Review::Accept)).await.unwrap();
    let assign =
        |r: Option<&str>| Step::Assign { department: "总务处".into(), due: d(10, 20), responder: r.map(Into::into) };

    // Only a member of this school with an account can be named; nothing is written otherwise.
    let e = rule(step(&store, &s, &id, CHAIR, d(9, 20), assign(Some(&s.people[3]))).await);
    assert_eq!(e, ProposalError::ResponderUnknown, "a member without an account cannot sign in to answer");
    let other = setup(&store, "rx").await;
    let e = rule(step(&store, &s, &id, CHAIR, d(9, 20), assign(Some(&other.people[0]))).await);
    assert_eq!(e, ProposalError::ResponderUnknown, "another school's member");
    assert_eq!(repo::get(&store, &s.school, &id).await.unwrap().state, "accepted");

    step(&store, &s, &id, CHAIR, d(9, 20), assign(Some(&s.people[4]))).await.unwrap();
    let p = repo::get(&store, &s.school, &id).await.unwrap();
    assert_eq!(p.responder_id.as_deref(), Some(s.people[4].as_str()));
    assert_eq!(p.responder_name.as_deref(), Some("代表4"));
    let waiting: Vec<String> =
        repo::to_answer(&store, &s.school, &s.people[4]).await.unwrap().into_iter().map(|l| l.id).collect();
    assert_eq!(waiting, vec![id.clone()]);
    assert!(repo::to_answer(&store, &s.school, &s.people[1]).await.unwrap().is_empty());
    let choices = repo::responder_choices(&store, &s.school).await.unwrap();
    assert_eq!(choices.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), vec![s.people[4].as_str()]);

    let answer = |m: &str| Step::Answer { status: HandlingStatus::Planned, measures: m.into(), reason: String::new() };
    // The proposer, a co-signer or any other member may not answer for the department.
    for i in [0, 1, 3] {
        let e = rule(step(&store, &s, &id, who(&s.people[i]), d(10, 1), answer("代答")).await);
        assert_eq!(e, ProposalError::NotResponder);
    }
    assert!(repo::replies(&store, &s.school, &id).await.unwrap().is_empty(), "a refused reply writes nothing");
    // The named member answers, and the reply says who recorded it.
    let st = step(
        &store,
        &s,
        &id,
        Who { actor: "zongwu", member: Some(&s.people[4]), committee: false },
        d(10, 2),
        answer("下月在二楼增设两台饮水机"),
    )
    .await
    .unwrap();
    assert_eq!(st, ProposalState::Answered);
    let replies = repo::replies(&store, &s.school, &id).await.unwrap();
    assert_eq!(replies.len(), 1);
    assert_eq!((replies[0].department.as_str(), replies[0].recorded_by.as_str()), ("总务处", "zongwu"));
    assert!(repo::to_answer(&store, &s.school, &s.people[4]).await.unwrap().is_empty(), "answered: no longer waiting");
    let history = repo::history(&store, &s.school, &id).await.unwrap();
    assert!(history.iter().any(|h| h.kind == "assign" && h.detail.ends_with("代表4")), "{history:?}");
});
