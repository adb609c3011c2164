//! Congress storage on every database: the per-school settings round-trip, a new term takes the
//! school's 教职工大会 mode, and the voting body (sign-in, presence, electorate, proposals) is the
//! delegates of a 教代会 or every active member of a 教职工大会.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jiaogong_domain::congress::ballots::Fraction;
use jiaogong_domain::congress::CongressSettings;
use jiaogong_store::{congress, congress::congress_settings, members};

on_every_db!(congress_settings_round_trip_with_defaults_when_never_saved, |store, db| {
    let s = common::school(&store, "cs").await;
    assert_eq!(congress_settings::get(&store, &s).await.unwrap(), CongressSettings::default());
    let new = CongressSettings {
        quorum: Fraction::parse("3/4").unwrap(),
        margin_percent: 10,
        min_group_size: 7,
        flag_fail_ratio: Fraction::HALF,
        publicity_days: 8,
        assembly: true,
    };
    let mut tx = store.begin().await.unwrap();
    congress_settings::set(&mut tx, &store.crypto, &s, "chair", &new).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(congress_settings::get(&store, &s).await.unwrap(), new);
    let mut tx = store.begin().await.unwrap();
    congress_settings::set(&mut tx, &store.crypto, &s, "chair", &CongressSettings { assembly: false, ..new })
        .await
        .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert!(!congress_settings::get(&store, &s).await.unwrap().assembly, "saved twice: updated in place");
    assert!(jiaogong_store::platform::audit::verify(&store).await.is_ok());
});

on_every_db!(an_assembly_term_makes_every_active_member_the_voting_body, |store, db| {
    let s = common::school(&store, "as").await;
    let mut tx = store.begin().await.unwrap();
    let rows: Vec<_> =
        (0..3).map(|i| (common::member(&format!("会员{i}"), &format!("M{i}"), None, None, None), None, None)).collect();
    let ids = members::insert_many(&store, &mut tx, &s, &rows).await.unwrap();
    // A 教代会 term: only the delegate is in the body.
    let term = congress::term(&mut tx, &s, 1, "2026-09-01").await.unwrap();
    let session = congress::create_session(&mut tx, &s, &term, 1, "一次", "2026-12-01").await.unwrap();
    congress::add_delegate(&mut tx, &s, &term, &ids[0], "2026-09-01").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let ses = congress::session(&store, &s, &session).await.unwrap();
    assert!(!ses.is_assembly());
    assert_eq!(congress::body_ids(&store, &ses).await.unwrap(), vec![ids[0].clone()]);
    let mut tx = store.begin().await.unwrap();
    assert!(!congress::check_in(&mut tx, &ses, &ids[1], "qr").await.unwrap(), "not a delegate");
    // The school switches to 教职工大会: the next term is one.
    let on = CongressSettings { assembly: true, ..CongressSettings::default() };
    congress_settings::set(&mut tx, &store.crypto, &s, "chair", &on).await.unwrap();
    let term2 = congress::term(&mut tx, &s, 2, "2029-09-01").await.unwrap();
    let session2 = congress::create_session(&mut tx, &s, &term2, 1, "二届一次", "2029-12-01").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let ses2 = congress::session(&store, &s, &session2).await.unwrap();
    assert!(ses2.is_assembly());
    assert!(!congress::session(&store, &s, &session).await.unwrap().is_assembly(), "the old term keeps its mode");
    let mut body = congress::body_ids(&store, &ses2).await.unwrap();
    body.sort();
    let mut all = ids.clone();
    all.sort();
    assert_eq!(body, all);
    let mut tx = store.begin().await.unwrap();
    assert!(congress::check_in(&mut tx, &ses2, &ids[1], "qr").await.unwrap(), "any active member signs in");
    assert!(congress::check_in(&mut tx, &ses2, &ids[2], "clerk").await.unwrap());
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(congress::presence(&store, &ses2).await.unwrap(), (3, 2));
    assert_eq!(
        congress::assembly_roll(&store, &s, &session2).await.unwrap().iter().filter(|d| d.present == 1).count(),
        2
    );
    let drafts = jiaogong_store::congress::proposals::sessions_for_delegate(
        &store,
        &s,
        &ids[2],
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(drafts.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), vec![session2.as_str()]);
    // Switching a term back is stored per term.
    let mut tx = store.begin().await.unwrap();
    congress::set_term_assembly(&mut tx, &s, &term2, false).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let ses2 = congress::session(&store, &s, &session2).await.unwrap();
    assert_eq!(congress::presence(&store, &ses2).await.unwrap(), (0, 0), "no delegates in term 2");
});

on_every_db!(a_delegate_who_leaves_the_staff_leaves_the_delegate_list_with_a_history_line, |store, db| {
    use jiaogong_domain::members::{MemberEventKind, MemberStatus};
    let s = common::school(&store, "d").await;
    let mut tx = store.begin().await.unwrap();
    let rows: Vec<_> =
        (0..3).map(|i| (common::member(&format!("代表{i}"), &format!("L{i}"), None, None, None), None, None)).collect();
    let ids = members::insert_many(&store, &mut tx, &s, &rows).await.unwrap();
    let term = congress::term(&mut tx, &s, 1, "2026-09-01").await.unwrap();
    for id in &ids {
        congress::add_delegate(&mut tx, &s, &term, id, "2026-09-01").await.unwrap();
    }
    // Dies; changes group only (stays); transfers out with a reason.
    members::record_event(
        &mut tx,
        &s,
        &ids[0],
        MemberEventKind::Death,
        MemberStatus::Deceased,
        None,
        "2026-10-02",
        "",
        "",
        "chair",
    )
    .await
    .unwrap();
    members::record_event(
        &mut tx,
        &s,
        &ids[1],
        MemberEventKind::Update,
        MemberStatus::Active,
        None,
        "2026-10-02",
        "",
        "",
        "chair",
    )
    .await
    .unwrap();
    members::record_event(
        &mut tx,
        &s,
        &ids[2],
        MemberEventKind::TransferOut,
        MemberStatus::TransferredOut,
        None,
        "2026-10-03",
        "调往一中",
        "",
        "chair",
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(congress::current_delegate_ids(&store, &term).await.unwrap(), vec![ids[1].clone()], "{}", db.name);
    let list = congress::delegates(&store, &s, &term, "none").await.unwrap();
    let line = |id: &str| list.iter().find(|d| d.member_id == id).map(|d| (d.until.clone(), d.reason.clone())).unwrap();
    assert_eq!(line(&ids[0]), (Some("2026-10-02".into()), "left:deceased".into()));
    assert_eq!(line(&ids[2]), (Some("2026-10-03".into()), "left:transferred_out:调往一中".into()));
    assert_eq!(line(&ids[1]), (None, String::new()));
});
