//! Interim session requests on every database: a third of the voting body (exact integers) calls
//! the session, signatures are counted only while the signer is in the body, every refusal writes
//! nothing, and convening creates the session once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jiaogong_store::congress::interim::{self, InterimError};
use jiaogong_store::{congress, members, StoreError};

fn refuse<T: std::fmt::Debug>(r: Result<T, InterimError>) -> InterimError {
    r.unwrap_err()
}

async fn audit_count(store: &jiaogong_store::Store) -> i64 {
    match jiaogong_store::platform::audit::verify(store).await.unwrap() {
        jiaogong_store::platform::audit::Verdict::Intact { entries } => entries,
        broken => panic!("{broken:?}"),
    }
}

on_every_db!(a_third_of_thirty_delegates_is_ten_and_refusals_write_nothing, |store, db| {
    let s = common::school(&store, "ia").await;
    let other = common::school(&store, "ib").await;
    let mut tx = store.begin().await.unwrap();
    let rows: Vec<_> = (0..31)
        .map(|i| (common::member(&format!("代表{i}"), &format!("D{i}"), None, None, None), None, None))
        .collect();
    let ids = members::insert_many(&store, &mut tx, &s, &rows).await.unwrap();
    let term = congress::term(&mut tx, &s, 5, "2026-09-01").await.unwrap();
    congress::create_session(&mut tx, &s, &term, 1, "第五届一次", "2026-10-01").await.unwrap();
    // 30 delegates; member 30 is not one.
    for id in &ids[..30] {
        congress::add_delegate(&mut tx, &s, &term, id, "2026-09-01").await.unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(interim::body_size(&store, &term).await.unwrap(), 30);
    assert_eq!(interim::threshold(30), 10);

    let mut tx = store.begin().await.unwrap();
    let req = interim::start(&mut tx, &store.crypto, &s, "d0", Some(&ids[0]), "讨论绩效工资方案").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    for id in &ids[1..9] {
        let mut tx = store.begin().await.unwrap();
        interim::sign(&mut tx, &store.crypto, &s, "d", &req, Some(id)).await.unwrap();
        jiaogong_store::commit(tx).await.unwrap();
    }
    let list = interim::requests(&store, &s, &term, Some(&ids[0])).await.unwrap();
    assert_eq!((list.len(), list[0].signatures, list[0].signed, list[0].reached_at), (1, 9, 1, None));

    // Refusals: each leaves the database (and the audit log) as it was.
    let before = audit_count(&store).await;
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        refuse(interim::sign(&mut tx, &store.crypto, &s, "x", &req, Some(&ids[30])).await),
        InterimError::NotInBody
    ));
    assert!(matches!(
        refuse(interim::sign(&mut tx, &store.crypto, &s, "x", &req, None).await),
        InterimError::NotInBody
    ));
    assert!(matches!(
        refuse(interim::sign(&mut tx, &store.crypto, &s, "x", &req, Some(&ids[3])).await),
        InterimError::AlreadySigned
    ));
    assert!(matches!(
        refuse(interim::withdraw(&mut tx, &store.crypto, &s, "x", &req, Some(&ids[20])).await),
        InterimError::NotSigned
    ));
    assert!(matches!(
        refuse(interim::sign(&mut tx, &store.crypto, &other, "x", &req, Some(&ids[20])).await),
        InterimError::Store(StoreError::NotFound)
    ));
    assert!(matches!(
        refuse(
            interim::convene(&mut tx, &store.crypto, &s, "chair", &req, "2026-11-01", |t, n| format!("{t}-{n}")).await
        ),
        InterimError::NotReached { signatures: 9, threshold: 10 }
    ));
    assert!(matches!(
        refuse(interim::start(&mut tx, &store.crypto, &s, "x", Some(&ids[30]), "理由").await),
        InterimError::NotInBody
    ));
    assert!(matches!(
        refuse(interim::start(&mut tx, &store.crypto, &s, "x", Some(&ids[1]), "").await),
        InterimError::BadReason
    ));
    assert!(matches!(
        refuse(interim::start(&mut tx, &store.crypto, &other, "x", Some(&ids[1]), "理由").await),
        InterimError::NoTerm
    ));
    drop(tx);
    assert_eq!(audit_count(&store).await, before);

    // The tenth signature reaches a third; a withdrawal drops below it again.
    let mut tx = store.begin().await.unwrap();
    assert_eq!(interim::sign(&mut tx, &store.crypto, &s, "d9", &req, Some(&ids[9])).await.unwrap(), (10, 30));
    jiaogong_store::commit(tx).await.unwrap();
    assert!(interim::requests(&store, &s, &term, None).await.unwrap()[0].reached_at.is_some());
    let mut tx = store.begin().await.unwrap();
    assert_eq!(interim::withdraw(&mut tx, &store.crypto, &s, "d9", &req, Some(&ids[9])).await.unwrap(), (9, 30));
    jiaogong_store::commit(tx).await.unwrap();
    // A replaced delegate's signature no longer counts.
    let mut tx = store.begin().await.unwrap();
    interim::sign(&mut tx, &store.crypto, &s, "d9", &req, Some(&ids[9])).await.unwrap();
    let delegate: (String,) = sqlx::query_as("SELECT id FROM delegates WHERE member_id = $1")
        .bind(&ids[1])
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    congress::end_delegate(&mut tx, &s, &delegate.0, "2026-10-02", "调离").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(interim::requests(&store, &s, &term, None).await.unwrap()[0].signatures, 9);
    assert_eq!(interim::body_size(&store, &term).await.unwrap(), 29, "threshold still 10");
    let mut tx = store.begin().await.unwrap();
    interim::sign(&mut tx, &store.crypto, &s, "d10", &req, Some(&ids[10])).await.unwrap();
    let session = interim::convene(&mut tx, &store.crypto, &s, "chair", &req, "2026-11-01", |t, n| {
        format!("第{t}届第{n}次会议（临时会议）")
    })
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let ses = congress::session(&store, &s, &session).await.unwrap();
    assert_eq!((ses.number, ses.title.as_str(), ses.held_on.as_str()), (2, "第5届第2次会议（临时会议）", "2026-11-01"));
    let list = interim::requests(&store, &s, &term, None).await.unwrap();
    assert_eq!(list[0].session_id.as_deref(), Some(session.as_str()));
    assert_eq!(interim::signers(&store, &s, &term).await.unwrap().len(), 10);

    // Closed: nothing more is written.
    let before = audit_count(&store).await;
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        refuse(interim::sign(&mut tx, &store.crypto, &s, "x", &req, Some(&ids[20])).await),
        InterimError::Closed
    ));
    assert!(matches!(
        refuse(interim::withdraw(&mut tx, &store.crypto, &s, "x", &req, Some(&ids[0])).await),
        InterimError::Closed
    ));
    assert!(matches!(
        refuse(
            interim::convene(&mut tx, &store.crypto, &s, "chair", &req, "2026-11-02", |t, n| format!("{t}-{n}")).await
        ),
        InterimError::Closed
    ));
    drop(tx);
    assert_eq!(audit_count(&store).await, before);
    assert_eq!(congress::sessions(&store, &s).await.unwrap().len(), 2);
});

on_every_db!(at_an_assembly_every_active_member_counts_and_may_sign, |store, db| {
    let s = common::school(&store, "ic").await;
    let mut tx = store.begin().await.unwrap();
    let rows: Vec<_> =
        (0..7).map(|i| (common::member(&format!("会员{i}"), &format!("M{i}"), None, None, None), None, None)).collect();
    let ids = members::insert_many(&store, &mut tx, &s, &rows).await.unwrap();
    let term = congress::term(&mut tx, &s, 1, "2026-09-01").await.unwrap();
    congress::set_term_assembly(&mut tx, &s, &term, true).await.unwrap();
    let req = interim::start(&mut tx, &store.crypto, &s, "m0", Some(&ids[0]), "临时议题").await.unwrap();
    assert_eq!(interim::sign(&mut tx, &store.crypto, &s, "m1", &req, Some(&ids[1])).await.unwrap(), (2, 7));
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(interim::threshold(7), 3);
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        interim::convene(&mut tx, &store.crypto, &s, "chair", &req, "2026-11-01", |_, _| "临时".into()).await,
        Err(InterimError::NotReached { signatures: 2, threshold: 3 })
    ));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert_eq!(interim::sign(&mut tx, &store.crypto, &s, "m6", &req, Some(&ids[6])).await.unwrap(), (3, 7));
    let session = interim::convene(&mut tx, &store.crypto, &s, "chair", &req, "2026-11-01", |_, n| format!("{n}临时"))
        .await
        .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert!(congress::session(&store, &s, &session).await.unwrap().is_assembly());
    assert!(audit_count(&store).await > 0);
});
