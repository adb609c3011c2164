//! The store suite: every test runs on SQLite and, with JIAOGONG_TEST_PG, on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jiaogong_domain::members::{MemberEventKind, MemberStatus};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::members::{self, Filter, Sensitive};
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::platform::audit::{self, Event, Verdict};
use jiaogong_store::{members::dues, platform::tenancy, Store};

const ID1: &str = "11010519491231002X";
const PHONE1: &str = "13912345678";

async fn append_n(store: &Store, n: usize) {
    for i in 0..n {
        audit::record(store, &Event::new(None, "tester", "test.event", &format!("t{i}")).detail(format!("d{i}")))
            .await
            .unwrap();
    }
}

async fn exec(store: &Store, sql: &str) {
    let mut tx = store.begin().await.unwrap();
    sqlx::query(sql).execute(&mut *tx).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
}

on_every_db!(audit_chain_is_intact_after_appends, |store, db| {
    append_n(&store, 5).await;
    assert_eq!(audit::verify(&store).await.unwrap(), Verdict::Intact { entries: 5 });
});

on_every_db!(audit_verify_names_an_edited_entry, |store, db| {
    append_n(&store, 5).await;
    exec(&store, "UPDATE audit_log SET detail = 'forged' WHERE seq = 3").await;
    assert!(matches!(audit::verify(&store).await.unwrap(), Verdict::Broken { seq: 3, .. }));
});

on_every_db!(audit_verify_names_a_deleted_entry, |store, db| {
    append_n(&store, 5).await;
    exec(&store, "DELETE FROM audit_log WHERE seq = 2").await;
    assert!(matches!(audit::verify(&store).await.unwrap(), Verdict::Broken { seq: 2, .. }));
});

on_every_db!(audit_verify_detects_reordering, |store, db| {
    append_n(&store, 5).await;
    // Swap the contents of entries 2 and 4, keeping their sequence numbers and hashes.
    exec(&store, "UPDATE audit_log SET target = 'tmp' WHERE seq = 2").await;
    exec(&store, "UPDATE audit_log SET target = 't1' WHERE seq = 4").await;
    exec(&store, "UPDATE audit_log SET target = 't3' WHERE seq = 2").await;
    assert!(matches!(audit::verify(&store).await.unwrap(), Verdict::Broken { seq: 2, .. }));
});

on_every_db!(audit_verify_detects_an_insertion, |store, db| {
    append_n(&store, 3).await;
    exec(
        &store,
        "INSERT INTO audit_log (seq, at, school_id, actor, action, target, detail, prev_hash, hash) SELECT 4, at, school_id, actor, action, target, detail, hash, hash FROM audit_log WHERE seq = 3",
    )
    .await;
    assert!(matches!(audit::verify(&store).await.unwrap(), Verdict::Broken { seq: 4, .. }));
});

on_every_db!(audit_verify_detects_truncation_of_the_tail, |store, db| {
    append_n(&store, 5).await;
    exec(&store, "DELETE FROM audit_log WHERE seq >= 4").await;
    match audit::verify(&store).await.unwrap() {
        Verdict::Broken { seq, reason } => {
            assert_eq!(seq, 4);
            assert!(reason.contains("truncated"), "{reason}");
        }
        v => panic!("truncation not detected: {v:?}"),
    }
});

on_every_db!(audit_appends_serialise_under_concurrency, |store, db| {
    let mut tasks = Vec::new();
    for i in 0..20 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            audit::record(&s, &Event::new(None, "c", "concurrent", &i.to_string())).await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(audit::verify(&store).await.unwrap(), Verdict::Intact { entries: 20 });
});

on_every_db!(sensitive_fields_are_encrypted_and_masked, |store, db| {
    let school = common::school(&store, "s1").await;
    let mut tx = store.begin().await.unwrap();
    let m = common::member("张三", "T1", Some(ID1), Some(PHONE1), None);
    let id = members::insert(&mut tx, &store.crypto, &school, &m, None, None).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let d = members::get(&store, &school, &id).await.unwrap();
    assert_eq!(d.id_masked.as_deref(), Some("1101**********002X"));
    assert_eq!(d.phone_masked.as_deref(), Some("139****5678"));
    // No column holds the clear value.
    let (id_enc, phone_enc): (String, String) = sqlx::query_as("SELECT id_enc, phone_enc FROM members WHERE id = $1")
        .bind(&id)
        .fetch_one(store.reader())
        .await
        .unwrap();
    assert!(!id_enc.contains(ID1) && !phone_enc.contains(PHONE1));
    assert_eq!(members::reveal(&store, &school, &id, Sensitive::IdNumber).await.unwrap().as_deref(), Some(ID1));
    assert_eq!(members::reveal(&store, &school, &id, Sensitive::Phone).await.unwrap().as_deref(), Some(PHONE1));
    if let Some(path) = &db.sqlite_path {
        exec(&store, "PRAGMA wal_checkpoint(TRUNCATE)").await;
        let mut raw = std::fs::read(path).unwrap();
        if let Ok(wal) = std::fs::read(path.with_extension("db-wal")) {
            raw.extend(wal);
        }
        let hay = String::from_utf8_lossy(&raw);
        assert!(!hay.contains(ID1), "ID number found in clear in the database file");
        assert!(!hay.contains(PHONE1), "phone found in clear in the database file");
        assert!(hay.contains("张三") || raw.windows(6).any(|w| w == "张三".as_bytes()), "sanity: names are stored");
    }
});

on_every_db!(another_schools_member_is_not_found, |store, db| {
    let a = common::school(&store, "a").await;
    let b = common::school(&store, "b").await;
    let mut tx = store.begin().await.unwrap();
    let id = members::insert(&mut tx, &store.crypto, &a, &common::member("李四", "T1", None, None, None), None, None)
        .await
        .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert!(matches!(members::get(&store, &b, &id).await, Err(jiaogong_store::StoreError::NotFound)));
    assert!(matches!(
        members::reveal(&store, &b, &id, Sensitive::IdNumber).await,
        Err(jiaogong_store::StoreError::NotFound)
    ));
    let (rows, total) = members::list(&store, &b, &Filter::default(), 0, 50).await.unwrap();
    assert!(rows.is_empty() && total == 0);
});

on_every_db!(employee_number_is_unique_within_a_school_only, |store, db| {
    let a = common::school(&store, "a").await;
    let b = common::school(&store, "b").await;
    let mut tx = store.begin().await.unwrap();
    members::insert(&mut tx, &store.crypto, &a, &common::member("王五", "T9", None, None, None), None, None)
        .await
        .unwrap();
    members::insert(&mut tx, &store.crypto, &b, &common::member("王五", "T9", None, None, None), None, None)
        .await
        .unwrap();
    let dup =
        members::insert(&mut tx, &store.crypto, &a, &common::member("赵六", "T9", None, None, None), None, None).await;
    assert!(dup.unwrap_err().is_unique_violation());
});

on_every_db!(roster_search_by_name_initials_and_employee_number, |store, db| {
    let s = common::school(&store, "s").await;
    let mut tx = store.begin().await.unwrap();
    let g = tenancy::create_group(&mut tx, &s, "语文组", false).await.unwrap();
    for (name, no) in [("张三丰", "T001"), ("李小龙", "T002"), ("张无忌", "T003")] {
        members::insert(
            &mut tx,
            &store.crypto,
            &s,
            &common::member(name, no, None, None, Some("语文组")),
            Some(&g),
            None,
        )
        .await
        .unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();
    let names = |f: Filter| {
        let store = store.clone();
        let s = s.clone();
        async move { members::list(&store, &s, &f, 0, 50).await.unwrap().0.into_iter().map(|r| r.name).collect::<Vec<_>>() }
    };
    assert_eq!(names(Filter { q: "张".into(), ..Default::default() }).await, vec!["张三丰", "张无忌"]);
    assert_eq!(names(Filter { q: "zsf".into(), ..Default::default() }).await, vec!["张三丰"]);
    assert_eq!(names(Filter { q: "T002".into(), ..Default::default() }).await, vec!["李小龙"]);
    assert_eq!(names(Filter { group_id: g.clone(), ..Default::default() }).await.len(), 3);
    assert_eq!(tenancy::groups(&store, &s).await.unwrap()[0].members, 3);
    // What is typed is matched literally: LIKE's wildcards match nothing here.
    for wild in ["%", "_", "张%", "_三", "\\"] {
        assert!(names(Filter { q: wild.into(), ..Default::default() }).await.is_empty(), "{wild}");
    }
    // A page number past any end is an empty page, not an overflow.
    let (rows, total) = members::list(&store, &s, &Filter::default(), i64::MAX, 50).await.unwrap();
    assert_eq!((rows.len(), total), (0, 3));
});

on_every_db!(status_events_change_status_and_keep_history, |store, db| {
    let s = common::school(&store, "s").await;
    let mut tx = store.begin().await.unwrap();
    let id = members::insert(&mut tx, &store.crypto, &s, &common::member("钱七", "T7", None, None, None), None, None)
        .await
        .unwrap();
    let retired = tenancy::retired_group(&mut tx, &s, "退休组").await.unwrap();
    members::record_event(
        &mut tx,
        &s,
        &id,
        MemberEventKind::Retire,
        MemberStatus::Retired,
        Some(&retired),
        "2026-09-01",
        "到龄",
        "",
        "chair",
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let d = members::get(&store, &s, &id).await.unwrap();
    assert_eq!(d.status, "retired");
    assert_eq!(d.group_name.as_deref(), Some("退休组"));
    let ev = members::events(&store, &s, &id).await.unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!((ev[0].kind.as_str(), ev[0].reason.as_str()), ("retire", "到龄"));
});

on_every_db!(sessions_end_on_password_change_and_failures_throttle, |store, db| {
    let s = common::school(&store, "s").await;
    let mut tx = store.begin().await.unwrap();
    let uid = accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(&s),
            district_id: None,
            username: "u1",
            display_name: "U",
            password_hash: "x",
            role: Role::Chair,
            member_id: None,
        },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let (t1, _) = accounts::create_session(&store, &uid).await.unwrap();
    let (t2, _) = accounts::create_session(&store, &uid).await.unwrap();
    assert_ne!(t1, t2);
    assert!(accounts::session(&store, &t1).await.unwrap().is_some());
    let mut tx = store.begin().await.unwrap();
    accounts::set_password_hash(&mut tx, &uid, "y").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert!(accounts::session(&store, &t1).await.unwrap().is_none());
    assert!(accounts::session(&store, &t2).await.unwrap().is_none());
    let login = |account: &str, ip: &str| {
        let (a, i) = (accounts::account_subject(account), accounts::ip_subject(ip));
        let store = store.clone();
        async move {
            accounts::claim_attempt(
                &store,
                &[(&a, accounts::MAX_FAILURES_PER_ACCOUNT), (&i, accounts::MAX_FAILURES_PER_IP)],
            )
            .await
            .unwrap()
        }
    };
    for _ in 0..accounts::MAX_FAILURES_PER_ACCOUNT {
        assert!(login("u1", "1.2.3.4").await);
    }
    assert!(!login("u1", "5.6.7.8").await, "per-account limit");
    assert!(login("other", "5.6.7.8").await);
});

on_every_db!(tokens_end_with_a_password_change_and_a_reset, |store, db| {
    let s = common::school(&store, "s").await;
    let mut tx = store.begin().await.unwrap();
    let new = |name: &'static str| NewUser {
        school_id: Some(&s),
        district_id: None,
        username: name,
        display_name: "U",
        password_hash: "x",
        role: Role::Chair,
        member_id: None,
    };
    let changer = accounts::create_user(&mut tx, &new("changer")).await.unwrap();
    let reset = accounts::create_user(&mut tx, &new("reset")).await.unwrap();
    let t1 = accounts::create_api_token(&mut tx, &changer, "hr").await.unwrap();
    let t2 = accounts::create_api_token(&mut tx, &reset, "hr").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert!(accounts::user_by_api_token(&store, &t1).await.unwrap().is_some());
    assert!(accounts::user_by_api_token(&store, &t2).await.unwrap().is_some());
    let mut tx = store.begin().await.unwrap();
    accounts::set_password_hash(&mut tx, &changer, "y").await.unwrap();
    accounts::reset_password(&mut tx, &s, &reset, "z").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert!(accounts::user_by_api_token(&store, &t1).await.unwrap().is_none(), "password change");
    assert!(accounts::user_by_api_token(&store, &t2).await.unwrap().is_none(), "password reset");
});

on_every_db!(parallel_attempts_on_two_servers_pass_the_throttle_only_up_to_the_limit, |store, db| {
    let other = db.second_server().await;
    let account = accounts::account_subject("victim");
    let mut tasks = Vec::new();
    for i in 0..60 {
        let s = if i % 2 == 0 { store.clone() } else { other.clone() };
        let (a, ip) = (account.clone(), accounts::ip_subject(&format!("10.0.0.{i}")));
        tasks.push(tokio::spawn(async move {
            accounts::claim_attempt(
                &s,
                &[(&a, accounts::MAX_FAILURES_PER_ACCOUNT), (&ip, accounts::MAX_FAILURES_PER_IP)],
            )
            .await
            .unwrap()
        }));
    }
    let mut passed = 0;
    for t in tasks {
        passed += i64::from(t.await.unwrap());
    }
    assert_eq!(passed, accounts::MAX_FAILURES_PER_ACCOUNT);
    other.close().await;
});

on_every_db!(one_account_per_member, |store, db| {
    let s = common::school(&store, "s").await;
    let mut tx = store.begin().await.unwrap();
    let m = members::insert(&mut tx, &store.crypto, &s, &common::member("甲", "A1", None, None, None), None, None)
        .await
        .unwrap();
    let new = |name: &'static str| NewUser {
        school_id: Some(&s),
        district_id: None,
        username: name,
        display_name: "U",
        password_hash: "x",
        role: Role::Member,
        member_id: Some(&m),
    };
    accounts::create_user(&mut tx, &new("first")).await.unwrap();
    let second = accounts::create_user(&mut tx, &new("second")).await.unwrap_err();
    assert!(matches!(&second, jiaogong_store::StoreError::Conflict(w) if w == "member"), "{second:?}");
    drop(tx);
    assert_eq!(accounts::account_of_member(&store, &s, &m).await.unwrap(), None, "rolled back");
});

on_every_db!(idle_session_expires, |store, db| {
    let s = common::school(&store, "s").await;
    let mut tx = store.begin().await.unwrap();
    let uid = accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(&s),
            district_id: None,
            username: "u2",
            display_name: "U",
            password_hash: "x",
            role: Role::Member,
            member_id: None,
        },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let (t, _) = accounts::create_session(&store, &uid).await.unwrap();
    let old = jiaogong_store::now_ms() - accounts::IDLE_TIMEOUT_MS - 1000;
    let mut tx = store.begin().await.unwrap();
    sqlx::query("UPDATE sessions SET last_seen = $1").bind(old).execute(&mut *tx).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert!(accounts::session(&store, &t).await.unwrap().is_none());
});

on_every_db!(dues_totals_beyond_what_fen_can_hold_are_a_money_error_not_a_database_failure, |store, db| {
    // Two payments written around the application's bound (the store itself books any i64):
    // their sum fits no BIGINT. The totals say so as `StoreError::Money` on both databases,
    // where SQL's SUM failed with an integer overflow (SQLite) or an out-of-range cast (PG).
    let s = common::school(&store, "s").await;
    let mut tx = store.begin().await.unwrap();
    let id = members::insert(&mut tx, &store.crypto, &s, &common::member("孙八", "T8", None, None, None), None, None)
        .await
        .unwrap();
    for _ in 0..2 {
        dues::record_payment(
            &mut tx,
            &s,
            &dues::Payment {
                member_id: &id,
                month: "2026-10",
                amount_fen: i64::MAX - 1,
                paid_on: "2026-10-10",
                is_back_payment: false,
                recorded_by: "t",
                request_key: None,
            },
        )
        .await
        .unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();
    let month = dues::month_facts(&store, &s, "2026-10").await;
    assert!(matches!(month, Err(jiaogong_store::StoreError::Money(_))), "{month:?}");
    let year = dues::member_facts(&store, &s, &id, &["2026-10".to_string()]).await;
    assert!(matches!(year, Err(jiaogong_store::StoreError::Money(_))), "{year:?}");
    // Another month of the same member is unaffected.
    assert_eq!(dues::month_facts(&store, &s, "2026-09").await.unwrap()[0].paid_fen, 0);
});

on_every_db!(dues_month_facts_sum_payments_per_member, |store, db| {
    let s = common::school(&store, "s").await;
    let mut tx = store.begin().await.unwrap();
    let id = members::insert(&mut tx, &store.crypto, &s, &common::member("孙八", "T8", None, None, None), None, None)
        .await
        .unwrap();
    dues::set_standing_salary(&mut tx, &s, &id, 500_000).await.unwrap();
    dues::set_salary(&mut tx, &s, &id, "2026-10", 600_000).await.unwrap();
    for amount in [1000, 1500] {
        dues::record_payment(
            &mut tx,
            &s,
            &dues::Payment {
                member_id: &id,
                month: "2026-10",
                amount_fen: amount,
                paid_on: "2026-10-10",
                is_back_payment: false,
                recorded_by: "t",
                request_key: None,
            },
        )
        .await
        .unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();
    let oct = dues::month_facts(&store, &s, "2026-10").await.unwrap();
    assert_eq!((oct[0].base_fen, oct[0].paid_fen), (Some(600_000), 2500));
    let sep = dues::month_facts(&store, &s, "2026-09").await.unwrap();
    assert_eq!((sep[0].base_fen, sep[0].paid_fen), (Some(500_000), 0));
    // A payment for another school's member is refused.
    let other = common::school(&store, "o").await;
    let mut tx = store.begin().await.unwrap();
    let r = dues::record_payment(
        &mut tx,
        &other,
        &dues::Payment {
            member_id: &id,
            month: "2026-10",
            amount_fen: 1,
            paid_on: "2026-10-10",
            is_back_payment: false,
            recorded_by: "t",
            request_key: None,
        },
    )
    .await;
    assert!(matches!(r, Err(jiaogong_store::StoreError::NotFound)));
});

on_every_db!(a_payment_with_the_same_request_key_is_booked_once, |store, db| {
    let s = common::school(&store, "s").await;
    let mut tx = store.begin().await.unwrap();
    let id = members::insert(&mut tx, &store.crypto, &s, &common::member("钱七", "T7", None, None, None), None, None)
        .await
        .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let pay = |key: &'static str| dues::Payment {
        member_id: Box::leak(id.clone().into_boxed_str()),
        month: "2026-10",
        amount_fen: 3000,
        paid_on: "2026-10-10",
        is_back_payment: false,
        recorded_by: "t",
        request_key: Some(key),
    };
    let mut tx = store.begin().await.unwrap();
    let first = dues::record_payment(&mut tx, &s, &pay("k1")).await.unwrap();
    let again = dues::record_payment(&mut tx, &s, &pay("k1")).await.unwrap();
    let other = dues::record_payment(&mut tx, &s, &pay("k2")).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let dues::Recorded::New(first_id) = first else { panic!("first payment not booked") };
    assert_eq!(again, dues::Recorded::Duplicate(first_id), "{}", db.name);
    assert!(matches!(other, dues::Recorded::New(_)));
    let oct = dues::month_facts(&store, &s, "2026-10").await.unwrap();
    assert_eq!(oct[0].paid_fen, 6000, "{}: two keys, two payments; the repeated key booked once", db.name);
});

on_every_db!(backup_restores_into_an_empty_database, |store, db| {
    let s = common::school(&store, "s").await;
    let mut tx = store.begin().await.unwrap();
    members::insert(
        &mut tx,
        &store.crypto,
        &s,
        &common::member("周九", "T9", Some(ID1), Some(PHONE1), None),
        None,
        None,
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    append_n(&store, 3).await;
    let mut buf = Vec::new();
    let n = jiaogong_store::platform::backup::backup(&store, &mut buf).await.unwrap();
    assert!(n > 5);
    // Restore into a fresh SQLite database with the same key.
    let target = common::sqlite().await;
    let restored =
        jiaogong_store::platform::backup::restore(&target.store, &mut std::io::Cursor::new(&buf)).await.unwrap();
    assert_eq!(restored, n);
    let (rows, total) = members::list(&target.store, &s, &Filter::default(), 0, 50).await.unwrap();
    assert_eq!((total, rows[0].name.as_str()), (1, "周九"));
    assert_eq!(
        members::reveal(&target.store, &s, &rows[0].id, Sensitive::IdNumber).await.unwrap().as_deref(),
        Some(ID1)
    );
    assert_eq!(audit::verify(&target.store).await.unwrap(), Verdict::Intact { entries: 3 });
    // A second restore into the now non-empty database is refused.
    assert!(jiaogong_store::platform::backup::restore(&target.store, &mut std::io::Cursor::new(&buf)).await.is_err());
    // A truncated file restores nothing.
    let fresh = common::sqlite().await;
    let cut = &buf[..buf.len() / 2];
    let cut = &cut[..cut.iter().rposition(|b| *b == b'\n').unwrap_or(0)];
    assert!(jiaogong_store::platform::backup::restore(&fresh.store, &mut std::io::Cursor::new(cut)).await.is_err());
    assert!(fresh.store.is_empty().await.unwrap());
    let (n_members,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM members").fetch_one(fresh.store.reader()).await.unwrap();
    assert_eq!(n_members, 0);
    target.drop_db().await;
    fresh.drop_db().await;
});

on_every_db!(bulk_insert_many_members, |store, db| {
    let s = common::school(&store, "s").await;
    let rows: Vec<_> = (0..205)
        .map(|i| (common::member(&format!("会员{i}"), &format!("N{i:04}"), None, None, None), None, None))
        .collect();
    let mut tx = store.begin().await.unwrap();
    let ids = members::insert_many(&store, &mut tx, &s, &rows).await.unwrap();
    assert_eq!(ids.len(), 205);
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(members::list(&store, &s, &Filter::default(), 0, 50).await.unwrap().1, 205);
    assert_eq!(members::get(&store, &s, &ids[204]).await.unwrap().origin, "import");
    let (keys, _) = members::import_keys(&store, &s).await.unwrap();
    assert_eq!(keys.len(), 205);
});

on_every_db!(blind_indexes_of_either_length_match_an_import, |store, db| {
    let s = common::school(&store, "blind").await;
    let m = common::member("张三", "B001", Some("11010519491231002X"), None, None);
    let mut tx = store.begin().await.unwrap();
    let ids = members::insert_many(&store, &mut tx, &s, &[(m.clone(), None, None)]).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let idx = members::id_index_of(&store.crypto, &s, "11010519491231002X");
    let fp = members::fingerprint_of(&store.crypto, &s, &m);
    assert_eq!(idx.len(), 32);
    assert_eq!(fp.len(), 32);
    let (keys, by_idx) = members::import_keys(&store, &s).await.unwrap();
    assert_eq!(by_idx.get(&idx).map(String::as_str), Some("B001"));
    assert_eq!(keys["B001"].fingerprint, fp);
    // A row restored from a backup written before the cut holds 64 digits, starting with these.
    let mut tx = store.begin().await.unwrap();
    sqlx::query("UPDATE members SET id_index = id_index || $1, fingerprint = fingerprint || $1 WHERE id = $2")
        .bind("0123456789abcdef0123456789abcdef")
        .bind(&ids[0])
        .execute(&mut *tx)
        .await
        .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let (keys, by_idx) = members::import_keys(&store, &s).await.unwrap();
    assert_eq!(by_idx.get(&idx).map(String::as_str), Some("B001"));
    assert_eq!(keys["B001"].fingerprint, fp);
});

on_every_db!(backup_covers_every_table_of_the_schema, |store, db| {
    use jiaogong_store::platform::backup;
    let tables = store.table_names().await.unwrap();
    let missing: Vec<&String> = tables
        .iter()
        .filter(|t| !backup::TABLES.contains(&t.as_str()) && !backup::NOT_BACKED_UP.contains(&t.as_str()))
        .collect();
    assert!(missing.is_empty(), "tables left out of the backup: {missing:?}");
    assert!(tables.len() > 20, "{tables:?}");
});

on_every_db!(cached_reads_never_outlive_a_write, |store, db| {
    let s = common::school(&store, "cache").await;
    let (rows, total) = members::list(&store, &s, &Filter::default(), 0, 50).await.unwrap();
    assert_eq!((rows.len(), total), (0, 0));
    // The same page again comes from the cache; after a committed insert it is read afresh.
    assert_eq!(members::list(&store, &s, &Filter::default(), 0, 50).await.unwrap().1, 0);
    let mut tx = store.begin().await.unwrap();
    members::insert(&mut tx, &store.crypto, &s, &common::member("缓存", "C1", None, None, None), None, None)
        .await
        .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let (rows, total) = members::list(&store, &s, &Filter::default(), 0, 50).await.unwrap();
    assert_eq!((rows[0].name.as_str(), total), ("缓存", 1));
    assert!(tenancy::group_refs(&store, &s).await.unwrap().is_empty());
    let mut tx = store.begin().await.unwrap();
    tenancy::create_group(&mut tx, &s, "新组", false).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(tenancy::group_refs(&store, &s).await.unwrap().len(), 1);

    // A session read from the cache ends at once on logout, and a new locale shows at once.
    let mut tx = store.begin().await.unwrap();
    let uid = accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(&s),
            district_id: None,
            username: "cache-user",
            display_name: "缓存用户",
            password_hash: "x",
            role: Role::Member,
            member_id: None,
        },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let (token, _) = accounts::create_session(&store, &uid).await.unwrap();
    assert_eq!(accounts::session(&store, &token).await.unwrap().unwrap().user.locale, "zh-CN");
    accounts::set_locale(&store, &uid, "en").await.unwrap();
    assert_eq!(accounts::session(&store, &token).await.unwrap().unwrap().user.locale, "en");
    accounts::end_session(&store, &token).await.unwrap();
    assert!(accounts::session(&store, &token).await.unwrap().is_none());
});

on_every_db!(api_token_lookups_arriving_together_each_get_their_own_user, |store, db| {
    let s = common::school(&store, "tok").await;
    let mut tx = store.begin().await.unwrap();
    let mut tokens = Vec::new();
    for i in 0..40 {
        let username = format!("voter{i}");
        let uid = accounts::create_user(
            &mut tx,
            &NewUser {
                school_id: Some(&s),
                district_id: None,
                username: &username,
                display_name: "V",
                password_hash: "x",
                role: Role::Member,
                member_id: None,
            },
        )
        .await
        .unwrap();
        tokens.push((accounts::create_api_token(&mut tx, &uid, "phone").await.unwrap(), Some(username)));
    }
    let revoked_owner = accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(&s),
            district_id: None,
            username: "revoked",
            display_name: "R",
            password_hash: "x",
            role: Role::Member,
            member_id: None,
        },
    )
    .await
    .unwrap();
    let revoked = accounts::create_api_token(&mut tx, &revoked_owner, "old").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let token_id = accounts::list_api_tokens(&store, &revoked_owner).await.unwrap()[0].id.clone();
    let mut tx = store.begin().await.unwrap();
    assert!(accounts::revoke_api_token(&mut tx, &revoked_owner, &token_id).await.unwrap());
    jiaogong_store::commit(tx).await.unwrap();
    tokens.push((revoked, None));
    tokens.push(("jg_unknown".into(), None));
    // Every lookup at once, twice over (the second time a token may come from the cache).
    for _ in 0..2 {
        let tasks: Vec<_> = tokens
            .iter()
            .cloned()
            .map(|(t, who)| {
                let st = store.clone();
                tokio::spawn(
                    async move { (accounts::user_by_api_token(&st, &t).await.unwrap().map(|u| u.username), who) },
                )
            })
            .collect();
        for t in tasks {
            let (got, want) = t.await.unwrap();
            assert_eq!(got, want);
        }
    }
});

#[test]
fn ids_of_one_import_are_ids_that_sort_together_and_never_repeat() {
    let mut a = jiaogong_store::IdSequence::new();
    let mut b = jiaogong_store::IdSequence::new();
    let ids: Vec<String> = (0..1000).map(|_| a.next_id()).collect();
    assert!(ids.iter().all(|i| i.len() == 32 && i.chars().all(|c| c.is_ascii_hexdigit())));
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order, so a B-tree index appends them");
    let other = b.next_id();
    assert_ne!(other[..20], ids[0][..20], "each import has its own random prefix");
    assert!(!ids.contains(&other));
}

/// The secondary indexes of `members` as (name, statement) on SQLite; none on PostgreSQL.
async fn member_indexes(store: &Store) -> Vec<(String, String)> {
    if store.kind != jiaogong_store::DbKind::Sqlite {
        return Vec::new();
    }
    sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'members' AND sql IS NOT NULL ORDER BY name",
    )
    .fetch_all(store.reader())
    .await
    .unwrap()
}

on_every_db!(a_bulk_insert_leaves_the_indexes_as_they_were_and_a_failed_one_changes_nothing, |store, db| {
    let s = common::school(&store, "bulk").await;
    let before = member_indexes(&store).await;
    assert_eq!(before.len(), if store.kind == jiaogong_store::DbKind::Sqlite { 2 } else { 0 }, "{before:?}");
    // 1,500 rows into an empty table: on SQLite the indexes are dropped and built again.
    let rows: Vec<_> = (0..1500)
        .map(|i| (common::member(&format!("成员{i}"), &format!("B{i:04}"), None, None, None), None, None))
        .collect();
    let mut tx = store.begin().await.unwrap();
    members::insert_many(&store, &mut tx, &s, &rows).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(member_indexes(&store).await, before);
    let found = members::list(&store, &s, &Filter { q: "B0042".into(), ..Filter::default() }, 0, 10).await.unwrap();
    assert_eq!(found.0.len(), 1);
    // A batch that fails on its last row (an employee number already taken) writes nothing
    // and keeps the indexes.
    let mut rows: Vec<_> = (0..1600)
        .map(|i| (common::member(&format!("新人{i}"), &format!("N{i:04}"), None, None, None), None, None))
        .collect();
    rows.push((common::member("重复", "B0001", None, None, None), None, None));
    let mut tx = store.begin().await.unwrap();
    assert!(members::insert_many(&store, &mut tx, &s, &rows).await.is_err());
    drop(tx);
    assert_eq!(member_indexes(&store).await, before);
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM members WHERE school_id = $1")
        .bind(&s)
        .fetch_one(store.reader())
        .await
        .unwrap();
    assert_eq!(n, 1500);
});

on_every_db!(import_stash_is_sealed_and_usable_once, |store, db| {
    use base64::Engine;
    let s = common::school(&store, "stash").await;
    let bytes = format!("PK roster {ID1} {PHONE1}").into_bytes();
    let id = members::stash_upload(&store, &s, "u1", "名册.xlsx", &bytes).await.unwrap();
    let (data,): (String,) = sqlx::query_as("SELECT data FROM import_stash WHERE id = $1")
        .bind(&id)
        .fetch_one(store.reader())
        .await
        .unwrap();
    let plain_b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
    assert!(!data.contains(ID1) && !data.contains(&plain_b64), "the stash holds the file in clear");
    // Another user or school gets nothing; the owner reads it, and a commit takes it once.
    assert!(members::stashed_upload(&store, &s, "u2", &id).await.is_err());
    assert_eq!(members::stashed_upload(&store, &s, "u1", &id).await.unwrap().1, bytes);
    assert_eq!(members::take_stashed_upload(&store, &s, "u1", &id).await.unwrap().1, bytes);
    assert!(members::take_stashed_upload(&store, &s, "u1", &id).await.is_err());
    assert!(members::stashed_upload(&store, &s, "u1", &id).await.is_err());
    let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM import_stash").fetch_one(store.reader()).await.unwrap();
    assert_eq!(left, 0, "a committed stash is deleted");
});

on_every_db!(import_stash_expires_within_the_hour, |store, db| {
    let s = common::school(&store, "stash2").await;
    let id = members::stash_upload(&store, &s, "u1", "a.xlsx", b"PK old").await.unwrap();
    let two_hours_ago = jiaogong_store::now_ms() - 2 * 3600 * 1000;
    exec(&store, &format!("UPDATE import_stash SET created_at = {two_hours_ago}")).await;
    assert!(members::stashed_upload(&store, &s, "u1", &id).await.is_err(), "an expired stash is not served");
    members::stash_upload(&store, &s, "u1", "b.xlsx", b"PK new").await.unwrap();
    let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM import_stash").fetch_one(store.reader()).await.unwrap();
    assert_eq!(left, 1, "expired stashes are deleted");
});

on_every_db!(members_list_total_equals_the_rows_its_pages_give, |store, db| {
    let s = common::school(&store, "t").await;
    let mut tx = store.begin().await.unwrap();
    let rows: Vec<_> = (0..118)
        .map(|i| (common::member(&format!("同名{}", i % 7), &format!("E{i:03}"), None, None, None), None, None))
        .collect();
    let ids = members::insert_many(&store, &mut tx, &s, &rows).await.unwrap();
    for id in ids.iter().take(50) {
        members::record_event(
            &mut tx,
            &s,
            id,
            MemberEventKind::TransferOut,
            MemberStatus::TransferredOut,
            None,
            "2026-09-01",
            "调出",
            "",
            "chair",
        )
        .await
        .unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();
    for f in [
        Filter::default(),
        Filter { status: "active".into(), ..Filter::default() },
        Filter { q: "同名1".into(), ..Filter::default() },
    ] {
        let (_, total) = members::list(&store, &s, &f, 0, 50).await.unwrap();
        let mut seen = std::collections::HashSet::new();
        let mut page = 0;
        loop {
            let (rows, t) = members::list(&store, &s, &f, page, 50).await.unwrap();
            assert_eq!(t, total);
            if rows.is_empty() {
                break;
            }
            for r in rows {
                assert!(seen.insert(r.id.clone()), "a row on two pages");
            }
            page += 1;
        }
        assert_eq!(seen.len() as i64, total, "{f:?} on {}", db.name);
    }
});

// A backup restores into PostgreSQL too (into SQLite when no PostgreSQL is configured): rows
// with NULL in BIGINT columns (a voucher not yet reviewed or approved) go in as NULL.
on_every_db!(backup_restores_rows_with_nulls_into_postgresql, |store, db| {
    use jiaogong_domain::finance::Line;
    use jiaogong_domain::platform::money::Fen;
    let s = common::school(&store, "n").await;
    let lines = [
        Line { account: "102".into(), debit: Fen(5_000), credit: Fen(0) },
        Line { account: "401".into(), debit: Fen(0), credit: Fen(5_000) },
    ];
    let mut tx = store.begin().await.unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let v =
        jiaogong_store::finance::prepare(&mut tx, &store.crypto, &s, "fin", day, "会费收入", "", &lines).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let mut buf = Vec::new();
    let n = jiaogong_store::platform::backup::backup(&store, &mut buf).await.unwrap();
    let target = match common::postgres().await {
        Some(pg) => pg,
        None => common::sqlite().await,
    };
    let restored =
        jiaogong_store::platform::backup::restore(&target.store, &mut std::io::Cursor::new(&buf)).await.unwrap();
    assert_eq!(restored, n, "from {} into {}", db.name, target.name);
    let (reviewed,): (Option<i64>,) = sqlx::query_as("SELECT reviewed_at FROM fin_vouchers WHERE id = $1")
        .bind(&v)
        .fetch_one(target.store.reader())
        .await
        .unwrap();
    assert_eq!(reviewed, None);
    target.drop_db().await;
});
