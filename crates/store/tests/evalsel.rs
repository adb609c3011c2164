//! Evaluations and selections on every database: leaders and reports, server-assigned rater
//! groups, a round that eliminates, the review, objections that strike, the honour roll, and an
//! audit entry for every write.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jiaogong_domain::congress::ballots::PollStatus;
use jiaogong_store::{congress::evaluations, congress::polls, congress::selections, members, platform::audit, Store};

async fn staff(store: &Store, s: &str, n: usize) -> Vec<String> {
    let mut tx = store.begin().await.unwrap();
    let rows: Vec<_> = (0..n)
        .map(|i| (common::member(&format!("教工{i}"), &format!("E{i:03}"), None, None, None), None, None))
        .collect();
    let ids = members::insert_many(store, &mut tx, s, &rows).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    ids
}

async fn actions(store: &Store, s: &str) -> Vec<String> {
    audit::recent(store, s, 500).await.unwrap().into_iter().map(|e| e.action).collect()
}

on_every_db!(evaluation_leaders_reports_and_rater_groups, |store, db| {
    let s = common::school(&store, "e").await;
    let other = common::school(&store, "o").await;
    let ids = staff(&store, &s, 6).await;
    let foreign = staff(&store, &other, 1).await;
    let mut tx = store.begin().await.unwrap();
    let ev = evaluations::create(&mut tx, &store.crypto, &s, "2026年度民主测评", "{}", "chair").await.unwrap();
    assert!(evaluations::add_leader(&mut tx, &store.crypto, &s, &ev, &ids[0], "chair").await.unwrap());
    assert!(evaluations::add_leader(&mut tx, &store.crypto, &s, &ev, &ids[1], "chair").await.unwrap());
    assert!(!evaluations::add_leader(&mut tx, &store.crypto, &s, &ev, &ids[1], "chair").await.unwrap(), "twice");
    assert!(
        !evaluations::add_leader(&mut tx, &store.crypto, &s, &ev, &foreign[0], "chair").await.unwrap(),
        "other school"
    );
    evaluations::set_report(&mut tx, &store.crypto, &s, &ev, &ids[0], "一年来……", "leader").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let leaders = evaluations::leaders(&store, &ev).await.unwrap();
    assert_eq!(leaders.len(), 2);
    assert_eq!(leaders.iter().find(|l| l.member_id == ids[0]).unwrap().report, "一年来……");
    assert!(evaluations::get(&store, &other, &ev).await.is_err(), "scoped to the school");

    let raters: Vec<(String, String)> =
        ids.iter().enumerate().map(|(i, m)| (m.clone(), if i < 2 { "校领导" } else { "教职工" }.to_string())).collect();
    let mut tx = store.begin().await.unwrap();
    let poll = polls::create(&mut tx, &s, "evaluation", "测评", "{}", &ids, "chair").await.unwrap();
    assert!(evaluations::attach_poll(&mut tx, &store.crypto, &s, &ev, &poll, &raters, "chair").await.unwrap());
    assert!(!evaluations::attach_poll(&mut tx, &store.crypto, &s, &ev, &poll, &raters, "chair").await.unwrap());
    polls::set_status(&mut tx, &s, &poll, PollStatus::Draft, PollStatus::Open).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(evaluations::get(&store, &s, &ev).await.unwrap().status, "open");
    assert_eq!(evaluations::rater_group(&store, &poll, &ids[0]).await.unwrap().as_deref(), Some("校领导"));
    assert_eq!(evaluations::rater_group(&store, &poll, &ids[5]).await.unwrap().as_deref(), Some("教职工"));
    assert_eq!(evaluations::rater_group(&store, &poll, &foreign[0]).await.unwrap(), None);
    assert_eq!(
        evaluations::group_sizes(&store, &poll).await.unwrap(),
        vec![("教职工".to_string(), 4), ("校领导".to_string(), 2)]
    );
    assert_eq!(evaluations::of_poll(&store, &poll).await.unwrap().unwrap().id, ev);
    // Leaders cannot change once the poll exists.
    let mut tx = store.begin().await.unwrap();
    assert!(!evaluations::add_leader(&mut tx, &store.crypto, &s, &ev, &ids[2], "chair").await.unwrap());
    assert!(!evaluations::remove_leader(&mut tx, &store.crypto, &s, &ev, &ids[0], "chair").await.unwrap());
    jiaogong_store::commit(tx).await.unwrap();
    let a = actions(&store, &s).await;
    for action in ["evaluation.create", "evaluation.leader.add", "evaluation.report", "evaluation.open"] {
        assert!(a.iter().any(|x| x == action), "{action} audited");
    }
    assert_eq!(evaluations::led_by(&store, &s, &ids[1]).await.unwrap().len(), 1);
});

on_every_db!(selection_from_nomination_to_honour_roll, |store, db| {
    let s = common::school(&store, "s").await;
    let ids = staff(&store, &s, 5).await;
    let mut tx = store.begin().await.unwrap();
    let sel = selections::create(
        &mut tx,
        &store.crypto,
        &s,
        &selections::NewSelection {
            title: "2026年仁爱教师评选",
            award: "仁爱教师",
            quota: 2,
            min_years: 0,
            publicity_days: 5,
        },
        "chair",
    )
    .await
    .unwrap();
    let mut nominee_ids = Vec::new();
    for m in &ids[..4] {
        nominee_ids
            .push(selections::nominate(&mut tx, &store.crypto, &s, &sel, m, "group", "", "chair").await.unwrap());
    }
    jiaogong_store::commit(tx).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let dup = selections::nominate(&mut tx, &store.crypto, &s, &sel, &ids[0], "self", "", "m").await;
    assert!(dup.unwrap_err().is_unique_violation(), "a member is nominated once");
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    assert!(selections::set_stage(&mut tx, &store.crypto, &s, &sel, "nomination", "voting", "chair").await.unwrap());
    assert!(!selections::set_stage(&mut tx, &store.crypto, &s, &sel, "nomination", "voting", "chair").await.unwrap());
    let poll = polls::create(&mut tx, &s, "election", "第一轮", "{}", &ids, "chair").await.unwrap();
    let round =
        selections::create_round(&mut tx, &store.crypto, &s, &sel, 1, 2, &[(poll.clone(), "全体".into(), 1)], "chair")
            .await
            .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    // Nominations are closed now.
    let mut tx = store.begin().await.unwrap();
    assert!(selections::nominate(&mut tx, &store.crypto, &s, &sel, &ids[4], "self", "", "m").await.is_err());
    drop(tx);
    let nominees = selections::nominees(&store, &sel).await.unwrap();
    let labels: Vec<String> = nominees.iter().map(|n| n.label.clone()).collect();
    let mut tx = store.begin().await.unwrap();
    assert!(selections::close_round(&mut tx, &store.crypto, &s, &sel, &round, "{}", &labels[3..], "", "chair")
        .await
        .unwrap());
    assert!(!selections::close_round(&mut tx, &store.crypto, &s, &sel, &round, "{}", &labels[3..], "", "chair")
        .await
        .unwrap());
    jiaogong_store::commit(tx).await.unwrap();
    let nominees = selections::nominees(&store, &sel).await.unwrap();
    assert_eq!(nominees.iter().filter(|n| n.status == "running").count(), 3);
    assert_eq!(nominees.iter().find(|n| n.label == labels[3]).unwrap().status, "eliminated");
    assert_eq!(selections::rounds(&store, &sel).await.unwrap()[0].status, "closed");
    assert_eq!(selections::round_polls(&store, &sel).await.unwrap()[0].poll_id, poll);

    let mut tx = store.begin().await.unwrap();
    selections::set_stage(&mut tx, &store.crypto, &s, &sel, "voting", "review", "chair").await.unwrap();
    let run: Vec<&selections::Nominee> = nominees.iter().filter(|n| n.status == "running").collect();
    selections::review(&mut tx, &store.crypto, &s, &sel, &run[0].id, "approved", "", "chair").await.unwrap();
    selections::review(&mut tx, &store.crypto, &s, &sel, &run[1].id, "approved", "", "chair").await.unwrap();
    selections::review(&mut tx, &store.crypto, &s, &sel, &run[2].id, "removed", "年度考核未达优秀", "chair")
        .await
        .unwrap();
    assert!(selections::review(&mut tx, &store.crypto, &s, &sel, &nominee_ids[3], "approved", "", "chair")
        .await
        .is_err());
    assert!(selections::start_publicity(&mut tx, &store.crypto, &s, &sel, "2026-06-08", "2026-06-12", "chair")
        .await
        .unwrap());
    let objection =
        selections::object(&mut tx, &store.crypto, &s, &sel, &run[1].id, "有体罚学生情况", "member").await.unwrap();
    assert!(selections::object(&mut tx, &store.crypto, &s, &sel, &run[2].id, "已移除", "member").await.is_err());
    selections::resolve(&mut tx, &store.crypto, &s, &sel, &objection, "upheld", "经核实属实", "chair").await.unwrap();
    assert!(selections::resolve(&mut tx, &store.crypto, &s, &sel, &objection, "dismissed", "再议", "chair")
        .await
        .is_err());
    selections::set_stage(&mut tx, &store.crypto, &s, &sel, "publicity", "final", "chair").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let sel_row = selections::get(&store, &s, &sel).await.unwrap();
    assert_eq!((sel_row.stage.code(), sel_row.publicity_end.as_deref()), ("final", Some("2026-06-12")));
    assert!(sel_row.finished_at.is_some());
    let objections = selections::objections(&store, &sel).await.unwrap();
    assert_eq!(objections[0].status, "upheld");
    let honours = selections::honours(&store, &s).await.unwrap();
    assert_eq!(honours.iter().map(|h| h.name.clone()).collect::<Vec<_>>(), vec![run[0].name.clone()]);
    let a = actions(&store, &s).await;
    for action in [
        "selection.create",
        "selection.nominate",
        "selection.stage",
        "selection.round.open",
        "selection.round.close",
        "selection.review",
        "selection.publicity",
        "selection.objection",
        "selection.objection.resolve",
    ] {
        assert!(a.iter().any(|x| x == action), "{action} audited");
    }
});
