//! Activation codes for the whole staff (finding 23) on SQLite and PostgreSQL: accounts for the
//! active members without one, codes stored hashed, usable once, ended by a new batch, refused
//! after expiry.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jiaogong_store::platform::activation;

on_every_db!(activation_codes_work_once_and_expire, |store, db| {
    let s = common::school(&store, "a").await;
    let mut tx = store.begin().await.unwrap();
    for (name, no) in [("何丽", "T1"), ("王强", "T2")] {
        jiaogong_store::members::insert(
            &mut tx,
            &store.crypto,
            &s,
            &common::member(name, no, None, None, None),
            None,
            None,
        )
        .await
        .unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(activation::counts(&store, &s).await.unwrap(), (2, 0), "{}", db.name);

    let mut tx = store.begin().await.unwrap();
    let slips = activation::issue_for_staff(&mut tx, &s, "a").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(slips.len(), 2);
    assert_eq!(slips[0].username, "a-t1");
    assert_eq!(activation::counts(&store, &s).await.unwrap(), (0, 2));
    let he = &slips[0];
    let found = activation::account_of_code(&store, &he.code).await.unwrap().unwrap();
    assert_eq!((found.1.as_str(), found.2.as_str()), ("何丽", "a-t1"));
    assert!(activation::account_of_code(&store, "nope").await.unwrap().is_none());

    let mut tx = store.begin().await.unwrap();
    let user = activation::activate(&mut tx, &he.code, "hash-1").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(user.as_deref(), Some(he.user_id.as_str()));
    let mut tx = store.begin().await.unwrap();
    assert_eq!(activation::activate(&mut tx, &he.code, "hash-2").await.unwrap(), None, "{}: once", db.name);
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(jiaogong_store::platform::accounts::password_hash_of(&store, &he.user_id).await.unwrap(), "hash-1");

    // A new batch covers only the account still waiting, and ends its first code.
    let mut tx = store.begin().await.unwrap();
    let again = activation::issue_for_staff(&mut tx, &s, "a").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].name, "王强");
    assert!(activation::account_of_code(&store, &slips[1].code).await.unwrap().is_none());
    assert!(activation::account_of_code(&store, &again[0].code).await.unwrap().is_some());
    // Expired.
    let mut tx = store.begin().await.unwrap();
    sqlx::query("UPDATE activation_codes SET expires_at = 1").execute(&mut *tx).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert!(activation::account_of_code(&store, &again[0].code).await.unwrap().is_none());
    let mut tx = store.begin().await.unwrap();
    assert_eq!(activation::activate(&mut tx, &again[0].code, "h").await.unwrap(), None);
    jiaogong_store::commit(tx).await.unwrap();
});
