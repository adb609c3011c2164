//! Ballot storage on every database: one ballot per member under concurrency, only while open,
//! only for the electorate, and ballot rows that carry nothing about the voter.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jiaogong_domain::congress::ballots::PollStatus;
use jiaogong_store::congress::polls::{self, CastError};
use jiaogong_store::members;

async fn setup(store: &jiaogong_store::Store, n: usize) -> (String, String, Vec<String>) {
    let s = common::school(store, "p").await;
    let mut tx = store.begin().await.unwrap();
    let rows: Vec<_> = (0..n)
        .map(|i| (common::member(&format!("代表{i}"), &format!("D{i:03}"), None, None, None), None, None))
        .collect();
    let ids = members::insert_many(store, &mut tx, &s, &rows).await.unwrap();
    let poll = polls::create(&mut tx, &s, "resolution", "表决", "{}", &ids, "chair").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    (s, poll, ids)
}

/// Who has not voted, read row by row: the reference the packed live view is checked against.
async fn not_voted_rows(store: &jiaogong_store::Store, poll: &str) -> Vec<(String, String)> {
    let url = store.url.to_string();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let rows = sqlx::query_as(
        "SELECT m.employee_no, m.name FROM poll_electorate e JOIN members m ON m.id = e.member_id \
         WHERE e.poll_id = $1 AND NOT EXISTS (SELECT 1 FROM poll_voted v WHERE v.poll_id = e.poll_id AND v.member_id = e.member_id) \
         ORDER BY m.name_pinyin, m.employee_no",
    )
    .bind(poll)
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows
}

async fn open(store: &jiaogong_store::Store, s: &str, poll: &str) {
    let mut tx = store.begin().await.unwrap();
    assert!(polls::set_status(&mut tx, s, poll, PollStatus::Draft, PollStatus::Open).await.unwrap());
    jiaogong_store::commit(tx).await.unwrap();
}

on_every_db!(ballots_only_while_open_and_only_for_the_electorate, |store, db| {
    let (s, poll, ids) = setup(&store, 3).await;
    let bb = store.ballot_box();
    assert_eq!(bb.cast(&poll, &ids[0], r#"{"choice":"yes"}"#.into()).await, Err(CastError::NotOpen));
    open(&store, &s, &poll).await;
    let tracker = bb.cast(&poll, &ids[0], r#"{"choice":"yes"}"#.into()).await.unwrap();
    assert_eq!(tracker.len(), 32);
    assert_eq!(bb.cast(&poll, &ids[0], r#"{"choice":"no"}"#.into()).await, Err(CastError::AlreadyVoted));
    let outsider = {
        let mut tx = store.begin().await.unwrap();
        let id =
            members::insert(&mut tx, &store.crypto, &s, &common::member("局外人", "X1", None, None, None), None, None)
                .await
                .unwrap();
        jiaogong_store::commit(tx).await.unwrap();
        id
    };
    assert_eq!(bb.cast(&poll, &outsider, "{}".into()).await, Err(CastError::NotEligible));
    let mut tx = store.begin().await.unwrap();
    assert!(polls::set_status(&mut tx, &s, &poll, PollStatus::Open, PollStatus::Closed).await.unwrap());
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(bb.cast(&poll, &ids[1], r#"{"choice":"yes"}"#.into()).await, Err(CastError::NotOpen));
    assert_eq!(polls::turnout(&store, &poll).await.unwrap(), (3, 1));
    let ballots = polls::ballots(&store, &poll).await.unwrap();
    assert_eq!(ballots, vec![(tracker, r#"{"choice":"yes"}"#.to_string(), 0)]);
});

on_every_db!(one_ballot_per_member_under_concurrency, |store, db| {
    let (s, poll, ids) = setup(&store, 40).await;
    open(&store, &s, &poll).await;
    let mut tasks = Vec::new();
    // Every member tries three times at once.
    for round in 0..3 {
        for id in &ids {
            let st = store.clone();
            let (poll, id) = (poll.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                (round, st.ballot_box().cast(&poll, &id, r#"{"choice":"yes"}"#.into()).await)
            }));
        }
    }
    let mut ok = 0;
    let mut dup = 0;
    for t in tasks {
        match t.await.unwrap().1 {
            Ok(_) => ok += 1,
            Err(CastError::AlreadyVoted) => dup += 1,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((ok, dup), (40, 80));
    assert_eq!(polls::ballots(&store, &poll).await.unwrap().len(), 40);
    // The packed read gives the same rows as reading them one by one.
    let mut one_by_one: Vec<(String, String, bool)> =
        polls::ballots(&store, &poll).await.unwrap().into_iter().map(|(t, c, p)| (t, c, p == 1)).collect();
    let packed = polls::ballots_packed(&store, &poll).await.unwrap();
    let mut rows: Vec<(String, String, bool)> =
        packed.rows().into_iter().map(|(t, c, p)| (t.to_string(), c.to_string(), p)).collect();
    one_by_one.sort();
    rows.sort();
    assert_eq!(rows, one_by_one);
    // Read a few ballots per statement, chunks split evenly or not, the rows are the same.
    for chunk in [1, 7, 8, 39, 40, 41] {
        let mut conn = store.reader().acquire().await.unwrap();
        let packed = polls::ballots_packed_on(&mut conn, store.kind, &store.crypto, &poll, chunk).await.unwrap();
        assert_eq!(packed.len(), 40, "chunk {chunk}");
        let mut rows: Vec<(String, String, bool)> =
            packed.rows().into_iter().map(|(t, c, p)| (t.to_string(), c.to_string(), p)).collect();
        rows.sort();
        assert_eq!(rows, one_by_one, "chunk {chunk}");
    }
    assert_eq!(polls::turnout(&store, &poll).await.unwrap(), (40, 40));
    assert!(polls::live_turnout(&store, &poll).await.unwrap().not_voted.is_empty());
});

on_every_db!(ballot_rows_hold_nothing_about_the_voter, |store, db| {
    let (s, poll, ids) = setup(&store, 2).await;
    open(&store, &s, &poll).await;
    store.ballot_box().cast(&poll, &ids[0], r#"{"choice":"no"}"#.into()).await.unwrap();
    let row: (String, String, Vec<u8>) =
        sqlx::query_as("SELECT * FROM ballots").fetch_one(store.reader()).await.unwrap();
    let all = format!("{row:?}");
    assert!(!all.contains(&ids[0]), "{all}");
    assert!(!row.2.windows(ids[0].len()).any(|w| w == ids[0].as_bytes()));
    // Three columns: poll, random row id, sealed. No time, no voter, no sequence, no tracker.
    assert!(sqlx::query_as::<_, (String, String, Vec<u8>, i64)>("SELECT *, 0 FROM ballots")
        .fetch_one(store.reader())
        .await
        .is_ok());
    // The audit log counts ballots, it does not name voters.
    let entries = jiaogong_store::platform::audit::recent(&store, &s, 10).await.unwrap();
    let e = entries.iter().find(|e| e.action == "poll.ballots").unwrap();
    assert_eq!((e.actor.as_str(), e.detail.as_str()), ("voters", "1"));
});

// Seals are bytes and hold any byte (newlines, commas, zeros): a chunk read in one statement is
// cut by the lengths, and every ballot opens as cast, whatever the chunk size.
on_every_db!(sealed_ballots_are_bytes_of_one_length_cut_by_length_when_read_in_bulk, |store, db| {
    let (s, poll, ids) = setup(&store, 40).await;
    open(&store, &s, &poll).await;
    let mut cast = Vec::new();
    for (i, m) in ids.iter().enumerate() {
        let content = [r#"{"choice":"yes"}"#, r#"{"choice":"no"}"#, r#"{"choice":"abstain"}"#][i % 3];
        let tracker = store.ballot_box().cast(&poll, m, content.into()).await.unwrap();
        cast.push((tracker, content.to_string(), false));
    }
    cast.sort();
    let seals: Vec<(Vec<u8>,)> = sqlx::query_as("SELECT sealed FROM ballots WHERE poll_id = $1")
        .bind(&poll)
        .fetch_all(store.reader())
        .await
        .unwrap();
    assert_eq!(seals.len(), 40);
    assert!(seals.iter().all(|s| s.0.len() == seals[0].0.len()), "one length per poll");
    let all: Vec<u8> = seals.iter().flat_map(|s| s.0.clone()).collect();
    for byte in [b'\n', b',', 0u8] {
        assert!(all.contains(&byte), "the seals hold byte {byte} ({})", db.name);
    }
    for chunk in [1, 3, 39, 40, 41] {
        let mut conn = store.reader().acquire().await.unwrap();
        let mut packed = polls::ballots_packed_on(&mut conn, store.kind, &store.crypto, &poll, chunk).await.unwrap();
        packed.sort_by_tracker();
        let rows: Vec<(String, String, bool)> =
            packed.rows().into_iter().map(|(t, c, p)| (t.to_string(), c.to_string(), p)).collect();
        assert_eq!(rows, cast, "chunk {chunk}");
    }
    // A seal moved to another row does not open: the first row (by id) gets the second row's seal.
    let by_id: Vec<(String, Vec<u8>)> = sqlx::query_as("SELECT id, sealed FROM ballots WHERE poll_id = $1 ORDER BY id")
        .bind(&poll)
        .fetch_all(store.reader())
        .await
        .unwrap();
    assert_ne!(by_id[0].1, by_id[1].1);
    let mut tx = store.begin().await.unwrap();
    sqlx::query("UPDATE ballots SET sealed = $1 WHERE poll_id = $2 AND id = $3")
        .bind(by_id[1].1.clone())
        .bind(&poll)
        .bind(&by_id[0].0)
        .execute(&mut *tx)
        .await
        .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert!(polls::ballots_packed(&store, &poll).await.is_err());
});

// Ballots sealed before migration 0025 were base64 text; at start-up they are decoded into bytes
// with the same row ids (bound into each seal), open as cast, and the old table is emptied.
on_every_db!(ballots_sealed_as_base64_text_are_stored_as_bytes_at_start_up, |store, db| {
    use base64::Engine;
    let (s, poll, ids) = setup(&store, 5).await;
    open(&store, &s, &poll).await;
    for (i, m) in ids.iter().enumerate() {
        let content = if i % 2 == 0 { r#"{"choice":"yes"}"# } else { r#"{"choice":"no"}"# };
        store.ballot_box().cast(&poll, m, content.into()).await.unwrap();
    }
    let before = polls::ballots(&store, &poll).await.unwrap();
    assert_eq!(before.len(), 5);
    // The rows as the previous schema held them.
    let rows: Vec<(String, String, Vec<u8>)> =
        sqlx::query_as("SELECT poll_id, id, sealed FROM ballots").fetch_all(store.reader()).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    for (p, id, sealed) in &rows {
        sqlx::query("INSERT INTO ballots_base64 (poll_id, id, sealed) VALUES ($1, $2, $3)")
            .bind(p)
            .bind(id)
            .bind(base64::engine::general_purpose::STANDARD_NO_PAD.encode(sealed))
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    sqlx::query("DELETE FROM ballots").execute(&mut *tx).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert!(polls::ballots(&store, &poll).await.unwrap().is_empty());
    polls::unpack_base64(&store).await.unwrap();
    assert_eq!(polls::ballots(&store, &poll).await.unwrap(), before, "{}", db.name);
    let (left,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM ballots_base64").fetch_one(store.reader()).await.unwrap();
    assert_eq!(left, 0);
    let after: Vec<(String, String, Vec<u8>)> =
        sqlx::query_as("SELECT poll_id, id, sealed FROM ballots").fetch_all(store.reader()).await.unwrap();
    let (mut a, mut b) = (after, rows);
    a.sort();
    b.sort();
    assert_eq!(a, b, "the same ids and bytes");
    // Again: nothing to do.
    polls::unpack_base64(&store).await.unwrap();
    assert_eq!(polls::ballots(&store, &poll).await.unwrap(), before);
});

/// An election whose ballots differ in length: with or without a long write-in.
const ELECTION: &str = r#"{"title":"选举","kind":"election","electorate":3,"present":0,"ballots_issued":0,"seats":2,"candidates":["甲","乙"],"allow_write_in":true}"#;

// Every ballot cast alone (group size 1) by a known voter, then the database read as someone
// holding a copy of its files but not the master key would: on PostgreSQL each voter's
// has-voted row is paired with the rows of the same transaction (`xmin`, with their `ctid`),
// on SQLite the database file and its WAL are searched byte by byte. Neither the receipt
// (published in the bulletin next to the choice) nor the choice is found, and every stored
// ballot has the same length, so what can be paired with a voter is meaningless.
on_every_db!(an_observer_of_the_database_files_cannot_link_a_voter_to_a_ballot, |store, db| {
    let s = common::school(&store, "obs").await;
    let mut tx = store.begin().await.unwrap();
    let rows: Vec<_> = (0..3)
        .map(|i| (common::member(&format!("投票人{i}"), &format!("O{i:03}"), None, None, None), None, None))
        .collect();
    let ids = members::insert_many(&store, &mut tx, &s, &rows).await.unwrap();
    let poll = polls::create(&mut tx, &s, "election", "选举", ELECTION, &ids, "chair").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    open(&store, &s, &poll).await;
    let contents = [
        r#"{"marks":{"甲":"yes","乙":"no"}}"#.to_string(),
        r#"{"marks":{},"write_ins":["欧阳秘密候选人名字很长的一位"]}"#.to_string(),
        r#"{"marks":{"乙":"yes"}}"#.to_string(),
    ];
    let mut trackers = Vec::new();
    for (member, content) in ids.iter().zip(&contents) {
        trackers.push(store.ballot_box().cast(&poll, member, content.clone()).await.unwrap());
    }
    let secrets: Vec<&str> =
        trackers.iter().map(String::as_str).chain(["欧阳秘密候选人", r#""甲":"yes""#, r#""乙":"yes""#]).collect();
    match db.name {
        "postgres" => {
            let tables = store.table_names().await.unwrap();
            for member in &ids {
                let (xmin,): (String,) =
                    sqlx::query_as("SELECT CAST(xmin AS TEXT) FROM poll_voted WHERE poll_id = $1 AND member_id = $2")
                        .bind(&poll)
                        .bind(member)
                        .fetch_one(store.reader())
                        .await
                        .unwrap();
                let mut paired = Vec::new();
                for table in &tables {
                    let sql = format!(
                        "SELECT CAST(ctid AS TEXT) || ' ' || CAST(t AS TEXT) FROM {table} t WHERE CAST(xmin AS TEXT) = $1"
                    );
                    let rows: Vec<(String,)> =
                        sqlx::query_as(&sql).bind(&xmin).fetch_all(store.reader()).await.unwrap();
                    paired.extend(rows.into_iter().map(|r| format!("{table}: {}", r.0)));
                }
                // The pairing exists (the ballot row was written with the has-voted row) …
                assert!(paired.iter().any(|r| r.starts_with("ballots:")), "{paired:?}");
                // … and carries neither the receipt nor the choice.
                for secret in &secrets {
                    assert!(!paired.iter().any(|r| r.contains(secret)), "{secret} in {paired:?}");
                }
            }
        }
        _ => {
            let path = db.sqlite_path.clone().unwrap();
            let mut bytes = std::fs::read(&path).unwrap();
            bytes.extend(std::fs::read(format!("{}-wal", path.display())).unwrap_or_default());
            let found = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
            assert!(found(ids[0].as_bytes()), "the observer sees the voters");
            for secret in &secrets {
                assert!(!found(secret.as_bytes()), "{secret} is in the database files");
            }
        }
    }
    let lengths: Vec<(i64,)> = sqlx::query_as("SELECT length(sealed) FROM ballots WHERE poll_id = $1")
        .bind(&poll)
        .fetch_all(store.reader())
        .await
        .unwrap();
    assert_eq!(lengths.len(), 3);
    assert!(lengths.iter().all(|l| *l == lengths[0]), "{lengths:?}");
    // With the key, every ballot is there as cast.
    let mut opened: Vec<String> = polls::ballots(&store, &poll).await.unwrap().into_iter().map(|b| b.1).collect();
    let mut cast = contents.to_vec();
    opened.sort();
    cast.sort();
    assert_eq!(opened, cast);
});

/// Ballots stored in plain text before migration 0014 are sealed when the store opens, and their
/// text no longer appears in the database files.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ballots_stored_in_plain_text_are_sealed_at_start_up_and_erased() {
    let db = common::sqlite().await;
    let store = db.store.clone();
    let (_, poll, _) = setup(&store, 2).await;
    for (tracker, content) in
        [("legacytracker0001", r#"{"choice":"yes","x":"明文内容甲"}"#), ("S-0001", r#"{"choice":"no"}"#)]
    {
        sqlx::query("INSERT INTO ballots_legacy (poll_id, tracker, content, paper) VALUES ($1, $2, $3, $4)")
            .bind(&poll)
            .bind(tracker)
            .bind(content)
            .bind(i64::from(tracker.starts_with('S')))
            .execute(store.reader())
            .await
            .unwrap();
    }
    let path = db.sqlite_path.clone().unwrap();
    let url = store.url.to_string();
    store.close().await;
    let store = jiaogong_store::Store::open(&url, common::crypto()).await.unwrap();
    let got = polls::ballots(&store, &poll).await.unwrap();
    assert_eq!(
        got,
        vec![
            ("S-0001".to_string(), r#"{"choice":"no"}"#.to_string(), 1),
            ("legacytracker0001".to_string(), r#"{"choice":"yes","x":"明文内容甲"}"#.to_string(), 0)
        ]
    );
    // Opening again changes nothing.
    store.close().await;
    let store = jiaogong_store::Store::open(&url, common::crypto()).await.unwrap();
    assert_eq!(polls::ballots(&store, &poll).await.unwrap().len(), 2);
    store.close().await;
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend(std::fs::read(format!("{}-wal", path.display())).unwrap_or_default());
    for secret in ["legacytracker0001", "明文内容甲"] {
        assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret} is still in the files");
    }
}

on_every_db!(a_counting_pass_is_taken_once_held_by_its_counter_and_refused_to_others, |store, db| {
    use jiaogong_store::congress::paper::{claim_pass, PassClaim};
    let (_, poll, _) = setup(&store, 1).await;
    let mut tx = store.begin().await.unwrap();
    assert_eq!(claim_pass(&mut tx, &poll, 1, "acc-a", "甲").await.unwrap(), PassClaim::Taken);
    assert_eq!(claim_pass(&mut tx, &poll, 1, "acc-a", "甲").await.unwrap(), PassClaim::Held);
    assert_eq!(claim_pass(&mut tx, &poll, 1, "acc-b", "乙").await.unwrap(), PassClaim::Refused, "{}", db.name);
    assert_eq!(claim_pass(&mut tx, &poll, 2, "acc-a", "甲").await.unwrap(), PassClaim::Refused, "two people");
    assert_eq!(claim_pass(&mut tx, &poll, 2, "acc-b", "乙").await.unwrap(), PassClaim::Taken);
    jiaogong_store::commit(tx).await.unwrap();
});

on_every_db!(adding_a_delegate_names_the_constituency_once, |store, db| {
    use jiaogong_store::{congress, platform::tenancy};
    let s = common::school(&store, "q").await;
    let mut tx = store.begin().await.unwrap();
    let group = tenancy::create_group(&mut tx, &s, "数学组", false).await.unwrap();
    let m = common::member("代表甲", "Q1", None, None, None);
    let a = members::insert(&mut tx, &store.crypto, &s, &m, Some(&group), None).await.unwrap();
    let term = congress::term(&mut tx, &s, 1, "2025-09-01").await.unwrap();
    let first = congress::add_delegate(&mut tx, &s, &term, &a, "2025-09-01").await.unwrap();
    assert_eq!(first.as_deref(), Some("数学组"), "{}", db.name);
    assert_eq!(congress::add_delegate(&mut tx, &s, &term, &a, "2025-09-01").await.unwrap(), None, "already one");
    assert_eq!(congress::add_delegate(&mut tx, &s, &term, "no-such", "2025-09-01").await.unwrap(), None);
    jiaogong_store::commit(tx).await.unwrap();
});

on_every_db!(a_delegate_list_confirmation_names_its_delegates_and_warnings, |store, db| {
    use jiaogong_store::{congress, congress::delegate_lists};
    let s = common::school(&store, "r").await;
    let mut tx = store.begin().await.unwrap();
    let a = members::insert(&mut tx, &store.crypto, &s, &common::member("甲", "R1", None, None, None), None, None)
        .await
        .unwrap();
    let b = members::insert(&mut tx, &store.crypto, &s, &common::member("乙", "R2", None, None, None), None, None)
        .await
        .unwrap();
    let term = congress::term(&mut tx, &s, 1, "2025-09-01").await.unwrap();
    let list = vec![b.clone(), a.clone()];
    delegate_lists::confirm(&mut tx, &store.crypto, &s, &term, &list, &["teachers_below_60"], "chair").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let c = delegate_lists::latest(&store, &s, &term).await.unwrap().unwrap();
    assert_eq!(
        (c.delegates, c.warnings.as_str(), c.confirmed_by.as_str()),
        (2, "teachers_below_60", "chair"),
        "{}",
        db.name
    );
    assert!(c.covers(&[a.clone(), b.clone()]) && !c.covers(std::slice::from_ref(&a)));
    assert!(delegate_lists::latest(&store, "other-school", &term).await.unwrap().is_none());
});

on_every_db!(live_turnout_in_one_row_matches_reading_row_by_row, |store, db| {
    let s = common::school(&store, "lt").await;
    let mut tx = store.begin().await.unwrap();
    // Names in an order that differs from their employee numbers' order; one name holds the
    // packing's record separator, which must send the read to the row-by-row path.
    let names = ["周敏", "安然", "钱伟", "孙丽", "李强", "王芳", "赵雷", "陈静"];
    let mut rows: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (common::member(n, &format!("T{i:03}"), None, None, None), None, None))
        .collect();
    let ids = members::insert_many(&store, &mut tx, &s, &rows).await.unwrap();
    let poll = polls::create(&mut tx, &s, "resolution", "表决", "{}", &ids, "chair").await.unwrap();
    rows.truncate(0);
    // The text rule now refuses such a name, but rows stored before it may still hold one.
    let mut odd_member = common::member("怪名", "T999", None, None, None);
    odd_member.name = "怪\u{1e}名".into();
    rows.push((odd_member, None, None));
    let odd = members::insert_many(&store, &mut tx, &s, &rows).await.unwrap();
    let poll_odd =
        polls::create(&mut tx, &s, "resolution", "表决二", "{}", &[ids.clone(), odd].concat(), "chair").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    open(&store, &s, &poll).await;
    open(&store, &s, &poll_odd).await;
    for id in &ids[..3] {
        store.ballot_box().cast(&poll, id, r#"{"choice":"yes"}"#.into()).await.unwrap();
    }
    let live = polls::live_turnout(&store, &poll).await.unwrap();
    assert_eq!((live.electorate, live.voted), (8, 3));
    assert_eq!(live.not_voted, not_voted_rows(&store, &poll).await);
    assert_eq!(live.not_voted.len(), 5);
    assert!(live.not_voted.iter().all(|(no, _)| !["T000", "T001", "T002"].contains(&no.as_str())));
    assert_eq!(polls::turnout(&store, &poll).await.unwrap(), (8, 3));
    let odd_live = polls::live_turnout(&store, &poll_odd).await.unwrap();
    assert_eq!(odd_live.not_voted.len(), 9);
    assert!(odd_live.not_voted.contains(&("T999".to_string(), "怪\u{1e}名".to_string())));
    assert_eq!(odd_live.not_voted, not_voted_rows(&store, &poll_odd).await);
});

on_every_db!(a_poll_past_its_closing_time_is_closed_once_by_two_servers_racing, |store, db| {
    let (s, poll, ids) = setup(&store, 2).await;
    open(&store, &s, &poll).await;
    let now = jiaogong_store::now_ms();
    // Not due yet: nobody closes it.
    let mut tx = store.begin().await.unwrap();
    polls::set_details(
        &mut tx,
        &poll,
        &polls::PollDetails { purpose: None, description: String::new(), closes_at: Some(now + 60_000) },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert!(polls::due_polls(&store, now).await.unwrap().is_empty());
    let mut tx = store.begin().await.unwrap();
    assert!(!polls::close_if_due(&mut tx, &poll, now).await.unwrap());
    drop(tx);
    // Due: the ballot writer refuses a ballot at once, before any server has closed it.
    let due_at = now + 60_000;
    let mut tx = store.begin().await.unwrap();
    polls::set_details(
        &mut tx,
        &poll,
        &polls::PollDetails { purpose: None, description: String::new(), closes_at: Some(now - 1) },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(store.ballot_box().cast(&poll, &ids[0], r#"{"choice":"yes"}"#.into()).await, Err(CastError::NotOpen));
    assert_eq!(polls::due_polls(&store, due_at).await.unwrap(), vec![(s.clone(), poll.clone())]);
    // Two servers, several closers each, all at once: one closes it and writes the audit row.
    let other = db.second_server().await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let st = if i % 2 == 0 { store.clone() } else { other.clone() };
        let (s, poll) = (s.clone(), poll.clone());
        tasks.push(tokio::spawn(async move {
            let mut tx = st.begin().await.unwrap();
            let closed = polls::close_if_due(&mut tx, &poll, due_at).await.unwrap();
            if closed {
                jiaogong_store::platform::audit::append(
                    &mut tx,
                    &st.crypto,
                    &jiaogong_store::platform::audit::Event::new(Some(&s), "system", "poll.closed", &poll),
                )
                .await
                .unwrap();
            }
            jiaogong_store::commit(tx).await.unwrap();
            closed
        }));
    }
    let mut closed = 0;
    for t in tasks {
        closed += usize::from(t.await.unwrap());
    }
    assert_eq!(closed, 1, "exactly one closer on {}", db.name);
    let audit = jiaogong_store::platform::audit::recent(&store, &s, 100).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "poll.closed" && e.target == poll).count(), 1);
    assert_eq!(polls::get(&store, &s, &poll).await.unwrap().status.as_str(), "closed");
    assert!(polls::due_polls(&store, due_at).await.unwrap().is_empty());
    other.close().await;
});

on_every_db!(a_poll_attachment_is_stored_and_read_back_byte_for_byte, |store, db| {
    let (_, poll, _) = setup(&store, 1).await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let mut tx = store.begin().await.unwrap();
    let id = polls::add_attachment(&mut tx, &poll, "方案.pdf", "application/pdf", &bytes, "chair").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let list = polls::attachments(&store, &poll).await.unwrap();
    assert_eq!(list.len(), 1, "{}", db.name);
    assert_eq!((list[0].file_name.as_str(), list[0].size), ("方案.pdf", 70_000));
    let (a, back) = polls::attachment(&store, &poll, &id).await.unwrap();
    assert_eq!(a.content_type, "application/pdf");
    assert_eq!(back, bytes);
    assert!(polls::attachment(&store, "other-poll", &id).await.is_err(), "only through its own poll");
});

// A backup holds the seals' bytes as {"base64": …} and restores them; a backup written before
// migration 0025 (seals as base64 text) restores too. Either way the ballots open as cast.
on_every_db!(sealed_ballots_restore_from_a_backup_of_either_schema, |store, db| {
    use jiaogong_store::platform::backup;
    let (s, poll, ids) = setup(&store, 3).await;
    open(&store, &s, &poll).await;
    for m in &ids {
        store.ballot_box().cast(&poll, m, r#"{"choice":"yes"}"#.into()).await.unwrap();
    }
    let before = polls::ballots(&store, &poll).await.unwrap();
    let mut buf = Vec::new();
    backup::backup(&store, &mut buf).await.unwrap();
    let text = String::from_utf8(buf.clone()).unwrap();
    assert_eq!(text.matches(r#"{"base64":"#).count(), 3, "{}", db.name);
    // The same file as the previous schema wrote it: each seal a base64 string.
    let old: String = text
        .lines()
        .map(|l| match serde_json::from_str::<serde_json::Value>(l) {
            Ok(serde_json::Value::Array(vals)) => serde_json::Value::Array(
                vals.into_iter()
                    .map(|v| match v.get("base64").and_then(|b| b.as_str()) {
                        Some(b) => serde_json::Value::String(b.trim_end_matches('=').to_string()),
                        None => v,
                    })
                    .collect(),
            )
            .to_string(),
            _ => l.to_string(),
        })
        .map(|l| l + "\n")
        .collect();
    assert!(!old.contains(r#"{"base64":"#));
    for file in [buf, old.into_bytes()] {
        let target = common::sqlite().await;
        backup::restore(&target.store, &mut std::io::Cursor::new(&file)).await.unwrap();
        assert_eq!(polls::ballots(&target.store, &poll).await.unwrap(), before);
        target.drop_db().await;
    }
});
