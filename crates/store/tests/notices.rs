//! Notices on both databases: the audience is resolved when published, read receipts count once,
//! reminders reach only who has not read, the inbox reads and marks, and the scheduler lease is
//! held by one of two servers at a time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jiaogong_domain::activities::notices::validate;
use jiaogong_domain::members::{validate_member, Field, RawMember};
use jiaogong_store::activities::notices;
use jiaogong_store::platform::{inbox, lease, tenancy};
use jiaogong_store::{commit, members, Store};

async fn member(store: &Store, school: &str, name: &str, no: &str, gender: &str, group: Option<&str>) -> String {
    let raw = RawMember::new().with(Field::Name, name).with(Field::EmployeeNo, no).with(Field::Gender, gender);
    let m = validate_member(&raw).unwrap();
    let mut tx = store.begin().await.unwrap();
    let id = members::insert(&mut tx, &store.crypto, school, &m, group, None).await.unwrap();
    commit(tx).await.unwrap();
    id
}

on_every_db!(notice_read_receipts_count_each_reader_once, |store, db| {
    let school = common::school(&store, "n1").await;
    let other = common::school(&store, "n2").await;
    let mut tx = store.begin().await.unwrap();
    let g = tenancy::create_group(&mut tx, &school, "语文组", false).await.unwrap();
    commit(tx).await.unwrap();
    let he = member(&store, &school, "何丽", "1", "女", Some(&g)).await;
    let wang = member(&store, &school, "王强", "2", "男", None).await;
    let stranger = member(&store, &other, "外校", "3", "女", None).await;

    // Women only: 何丽 and nobody else, and nobody of the other school.
    let n = validate("notice", "三八节活动", "<p>下午三点</p>", "women", false, true).unwrap();
    let mut tx = store.begin().await.unwrap();
    let (id, readers) = notices::publish(&mut tx, &store.crypto, &school, "chair", &n).await.unwrap();
    commit(tx).await.unwrap();
    assert_eq!(readers, 1);
    assert_eq!(notices::to_acknowledge(&store, &school, &he).await.unwrap(), 1);
    assert_eq!(notices::to_acknowledge(&store, &school, &wang).await.unwrap(), 0);
    assert_eq!(inbox::unread_count(&store, &school, &he).await.unwrap(), 1);

    // Everyone: both; the group audience: only the group's member.
    let all = validate("notice", "教代会通知", "<p>周五开会</p>", "all", true, true).unwrap();
    let mut tx = store.begin().await.unwrap();
    let (all_id, readers) = notices::publish(&mut tx, &store.crypto, &school, "chair", &all).await.unwrap();
    assert_eq!(readers, 2);
    let grp = validate("notice", "组内通知", "<p>教研</p>", &format!("group:{g}"), false, false).unwrap();
    let (_, readers) = notices::publish(&mut tx, &store.crypto, &school, "chair", &grp).await.unwrap();
    assert_eq!(readers, 1);
    commit(tx).await.unwrap();

    // A reader acknowledges once; twice changes nothing; a stranger is not found.
    let mut tx = store.begin().await.unwrap();
    assert!(notices::acknowledge(&mut tx, &store.crypto, &school, &all_id, &he, "he").await.unwrap());
    assert!(!notices::acknowledge(&mut tx, &store.crypto, &school, &all_id, &he, "he").await.unwrap());
    let e = notices::acknowledge(&mut tx, &store.crypto, &school, &all_id, &stranger, "x").await;
    assert!(matches!(e, Err(jiaogong_store::StoreError::NotFound)));
    commit(tx).await.unwrap();
    let c = notices::count(&store, &all_id).await.unwrap();
    assert_eq!((c.read, c.total), (1, 2));
    let rows = notices::readers(&store, &school, &all_id).await.unwrap();
    assert_eq!(rows[0].name, "王强");
    assert!(rows[0].read_at.is_none());
    assert!(rows[1].read_at.is_some());
    // Opening the notice read its inbox message too.
    let msgs = inbox::messages(&store, &school, &he, 50).await.unwrap();
    assert!(msgs.iter().any(|m| m.link == format!("/notices/{all_id}") && !m.is_unread()));
    // Another school cannot read the readers.
    assert!(notices::readers(&store, &other, &all_id).await.unwrap().is_empty());
    assert!(notices::get(&store, &other, &all_id).await.is_err());

    // The reminder goes to 王强 only, urgent.
    let notice = notices::get(&store, &school, &all_id).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(notices::remind(&mut tx, &store.crypto, &school, &notice, "chair").await.unwrap(), 1);
    commit(tx).await.unwrap();
    let msgs = inbox::messages(&store, &school, &wang, 50).await.unwrap();
    assert!(msgs.iter().any(|m| m.kind == "notice.reminder" && m.urgent == 1));
    assert!(!inbox::messages(&store, &school, &he, 50).await.unwrap().iter().any(|m| m.kind == "notice.reminder"));

    // The member's list: unread first.
    let mine = notices::for_member(&store, &school, &he, 50).await.unwrap();
    assert_eq!(mine.len(), 3);
    assert!(mine[0].read_at.is_none());
    assert!(mine.last().unwrap().read_at.is_some());
    let _ = id;
});

on_every_db!(inbox_marks_read_only_the_members_own_messages, |store, db| {
    let school = common::school(&store, "i1").await;
    let a = member(&store, &school, "甲", "1", "男", None).await;
    let b = member(&store, &school, "乙", "2", "女", None).await;
    let n = validate("notice", "通知", "<p>内容</p>", "all", false, false).unwrap();
    let mut tx = store.begin().await.unwrap();
    notices::publish(&mut tx, &store.crypto, &school, "chair", &n).await.unwrap();
    commit(tx).await.unwrap();
    let ma = inbox::messages(&store, &school, &a, 10).await.unwrap();
    assert_eq!(ma.len(), 1);
    let mut tx = store.begin().await.unwrap();
    // b cannot mark a's message.
    assert!(inbox::mark_read(&mut tx, &school, &b, &ma[0].id).await.is_err());
    assert_eq!(inbox::mark_read(&mut tx, &school, &a, &ma[0].id).await.unwrap(), ma[0].link);
    commit(tx).await.unwrap();
    assert_eq!(inbox::unread_count(&store, &school, &a).await.unwrap(), 0);
    assert_eq!(inbox::unread_count(&store, &school, &b).await.unwrap(), 1);
    let mut tx = store.begin().await.unwrap();
    assert_eq!(inbox::mark_all_read(&mut tx, &school, &b).await.unwrap(), 1);
    commit(tx).await.unwrap();
    assert_eq!(inbox::unread_count(&store, &school, &b).await.unwrap(), 0);

    // Email candidates: only members who gave an address, with their unemailed messages.
    let n2 = validate("notice", "第二条", "<p>内容</p>", "all", false, false).unwrap();
    let mut tx = store.begin().await.unwrap();
    notices::publish(&mut tx, &store.crypto, &school, "chair", &n2).await.unwrap();
    inbox::set_prefs(&mut tx, &school, &a, "realtime", "a@example.org").await.unwrap();
    commit(tx).await.unwrap();
    let c = inbox::email_candidates(&store).await.unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].member_id, a);
    let waiting = inbox::unemailed(&store, &a).await.unwrap();
    assert_eq!(waiting.len(), 1);
    inbox::mark_emailed(&store, &a, &[waiting[0].id.clone()], 1_000).await.unwrap();
    assert!(inbox::email_candidates(&store).await.unwrap().is_empty());
    assert_eq!(inbox::prefs(&store, &a).await.unwrap(), ("realtime".to_string(), "a@example.org".to_string()));
    assert_eq!(inbox::prefs(&store, &b).await.unwrap().0, "daily");
});

on_every_db!(lease_is_held_by_one_of_two_contenders, |store, db| {
    let second = db.second_server().await;
    let now = 1_000_000;
    // Both try at once: exactly one wins.
    let (x, y) = tokio::join!(
        lease::acquire_at(&store, "digest", "server-a", 60_000, now),
        lease::acquire_at(&second, "digest", "server-b", 60_000, now)
    );
    let (x, y) = (x.unwrap(), y.unwrap());
    assert!(x ^ y, "exactly one holder: {x} {y}");
    let (winner, loser, ws, ls) =
        if x { ("server-a", "server-b", &store, &second) } else { ("server-b", "server-a", &second, &store) };
    assert_eq!(lease::holder(&store, "digest").await.unwrap().unwrap().0, winner);
    // The holder renews; the other still cannot take it before it expires.
    assert!(lease::acquire_at(ws, "digest", winner, 60_000, now + 30_000).await.unwrap());
    assert!(!lease::acquire_at(ls, "digest", loser, 60_000, now + 60_000).await.unwrap());
    // After expiry the other takes it.
    assert!(lease::acquire_at(ls, "digest", loser, 60_000, now + 90_000).await.unwrap());
    assert_eq!(lease::holder(&store, "digest").await.unwrap().unwrap().0, loser);
    // Another job's lease is independent; release gives it back.
    assert!(lease::acquire_at(ws, "robots", winner, 60_000, now).await.unwrap());
    lease::release(ws, "robots", winner).await.unwrap();
    assert!(lease::acquire_at(ls, "robots", loser, 60_000, now).await.unwrap());
    // Many rounds of contention: never two holders.
    for round in 0..20 {
        let t = now + 1_000_000 + round * 120_000;
        let (p, q) = tokio::join!(
            lease::acquire_at(&store, "many", "server-a", 60_000, t),
            lease::acquire_at(&second, "many", "server-b", 60_000, t)
        );
        let (p, q) = (p.unwrap(), q.unwrap());
        assert!(p ^ q, "round {round}: exactly one holder: {p} {q}");
    }
    second.close().await;
});
