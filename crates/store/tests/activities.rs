//! Activities on every database: 100 simultaneous sign-ups from two servers fill 30 places exactly
//! and wait in arrival order; a withdrawal promotes the longest-waiting member and tells them; a
//! held seat lapses to the next in line; the audience and the deadline are obeyed; check-in counts
//! once; the calendar feed's URL can be revoked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jiaogong_domain::activities::{validate, NewActivity, Placement, RawActivity};
use jiaogong_domain::members::{validate_member, Field, RawMember};
use jiaogong_store::activities::{self as acts, ActError, CheckinOutcome, Organiser};
use jiaogong_store::{members, Store, StoreError};

const HOUR: i64 = 3_600_000;

fn activity(capacity: Option<i64>, audience: &str, hold_hours: Option<i64>) -> NewActivity {
    validate(&RawActivity {
        title: "教工羽毛球赛",
        kind: "competition",
        place: "体育馆",
        description: "每人限报一项",
        start: "2030-06-20T15:30",
        end: "2030-06-20T17:30",
        signup_deadline: "2030-06-18T17:00",
        capacity,
        audience,
        cost_fen: 3_000,
        hold_hours,
    })
    .unwrap()
}

async fn create(store: &Store, school: &str, a: &NewActivity) -> String {
    let mut tx = store.begin().await.unwrap();
    let id = acts::create(&mut tx, &store.crypto, school, "chair", a, &Organiser::default()).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    id
}

async fn people(store: &Store, school: &str, n: usize, women: bool) -> Vec<String> {
    let rows: Vec<_> = (0..n)
        .map(|i| {
            let raw = RawMember::new()
                .with(Field::Name, format!("教师{i}"))
                .with(Field::EmployeeNo, format!("T{}{i}", if women { "W" } else { "M" }))
                .with(Field::Gender, if women { "女" } else { "男" });
            (validate_member(&raw).unwrap(), None, None)
        })
        .collect();
    let mut tx = store.begin().await.unwrap();
    let ids = members::insert_many(store, &mut tx, school, &rows).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    ids
}

async fn sign(store: &Store, school: &str, act: &str, member: &str, now: i64) -> Result<acts::Placed, ActError> {
    let mut tx = store.begin().await.unwrap();
    let r = acts::signup(&mut tx, &store.crypto, school, "m", act, Some(member), now).await;
    if r.is_ok() {
        jiaogong_store::commit(tx).await.unwrap();
    }
    r
}

async fn leave(store: &Store, school: &str, act: &str, member: &str, now: i64) -> Result<Option<String>, ActError> {
    let mut tx = store.begin().await.unwrap();
    let r = acts::withdraw(&mut tx, &store.crypto, school, "m", act, Some(member), now).await;
    if r.is_ok() {
        jiaogong_store::commit(tx).await.unwrap();
    }
    r
}

async fn inbox(store: &Store, member: &str) -> Vec<String> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT kind FROM notifications WHERE member_id = $1 ORDER BY created_at")
            .bind(member)
            .fetch_all(store.reader())
            .await
            .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

on_every_db!(simultaneous_signups_from_two_servers_fill_the_capacity_exactly_in_arrival_order, |store, db| {
    let s = common::school(&store, "ca").await;
    let ids = people(&store, &s, 100, false).await;
    let a = activity(Some(30), "all", None);
    let act = create(&store, &s, &a).await;
    let second = db.second_server().await;
    let now = a.signup_deadline - HOUR;
    let mut tasks = Vec::new();
    for (i, m) in ids.iter().enumerate() {
        let st = if i % 2 == 0 { store.clone() } else { second.clone() };
        let (s, act, m) = (s.clone(), act.clone(), m.clone());
        tasks.push(tokio::spawn(async move { (m.clone(), sign(&st, &s, &act, &m, now).await.unwrap()) }));
    }
    let mut placed = Vec::new();
    for t in tasks {
        placed.push(t.await.unwrap());
    }
    let confirmed = placed.iter().filter(|(_, p)| p.placement == Placement::Confirmed).count();
    assert_eq!(confirmed, 30, "exactly the capacity is confirmed");
    // Seat numbers 1..=30 and queue places 1..=70, each handed out once.
    let mut seats: Vec<i64> =
        placed.iter().filter(|(_, p)| p.placement == Placement::Confirmed).map(|(_, p)| p.position).collect();
    seats.sort();
    assert_eq!(seats, (1..=30).collect::<Vec<_>>());
    let mut queue: Vec<i64> =
        placed.iter().filter(|(_, p)| p.placement == Placement::Waitlisted).map(|(_, p)| p.position).collect();
    queue.sort();
    assert_eq!(queue, (1..=70).collect::<Vec<_>>());
    // Arrival order: the thirty first to take the lock hold the seats, everyone after waits, in order.
    let list = acts::signups(&store, &s, &act).await.unwrap();
    assert_eq!(list.len(), 100);
    let positions: Vec<i64> = list.iter().map(|l| l.position).collect();
    assert_eq!(positions, (1..=100).collect::<Vec<_>>());
    assert!(list[..30].iter().all(|l| l.state == "confirmed"), "{list:?}");
    assert!(list[30..].iter().all(|l| l.state == "waitlisted"));
    let got = acts::get(&store, &s, &act).await.unwrap();
    assert_eq!((got.confirmed, got.waitlist), (30, 70));
    let (taken,): (i64,) = sqlx::query_as("SELECT seats_taken FROM activities WHERE id = $1")
        .bind(&act)
        .fetch_one(store.reader())
        .await
        .unwrap();
    assert_eq!(taken, 30);
    second.close().await;
});

on_every_db!(a_withdrawal_promotes_the_longest_waiting_member_and_tells_them, |store, db| {
    let s = common::school(&store, "wa").await;
    let other = common::school(&store, "wb").await;
    let ids = people(&store, &s, 4, false).await;
    let a = activity(Some(2), "all", None);
    let act = create(&store, &s, &a).await;
    let now = a.signup_deadline - HOUR;
    for (i, m) in ids.iter().enumerate() {
        let p = sign(&store, &s, &act, m, now).await.unwrap();
        let expect = if i < 2 { (Placement::Confirmed, i as i64 + 1) } else { (Placement::Waitlisted, i as i64 - 1) };
        assert_eq!((p.placement, p.position), expect);
    }
    assert!(matches!(sign(&store, &s, &act, &ids[0], now).await, Err(ActError::AlreadySignedUp)));
    assert!(matches!(sign(&store, &other, &act, &ids[0], now).await, Err(ActError::Store(StoreError::NotFound))));
    assert_eq!(inbox(&store, &ids[0]).await, vec!["activity.confirmed"]);
    assert!(inbox(&store, &ids[2]).await.is_empty(), "waiting is not confirmed");

    // A confirmed member leaves: the first waiting (ids[2]) takes the seat and is told.
    assert_eq!(leave(&store, &s, &act, &ids[0], now).await.unwrap().as_deref(), Some(ids[2].as_str()));
    assert_eq!(inbox(&store, &ids[2]).await, vec!["activity.promoted"]);
    let list = acts::signups(&store, &s, &act).await.unwrap();
    let states: Vec<(&str, &str)> = list.iter().map(|l| (l.member_id.as_str(), l.state.as_str())).collect();
    assert_eq!(
        states,
        vec![(ids[1].as_str(), "confirmed"), (ids[2].as_str(), "confirmed"), (ids[3].as_str(), "waitlisted")]
    );
    // A waiting member leaves: nobody is promoted, the seats stay full.
    assert_eq!(leave(&store, &s, &act, &ids[3], now).await.unwrap(), None);
    assert!(matches!(leave(&store, &s, &act, &ids[3], now).await, Err(ActError::NotSignedUp)));
    // With nobody waiting, a confirmed member's leaving frees the seat for the next sign-up.
    assert_eq!(leave(&store, &s, &act, &ids[1], now).await.unwrap(), None);
    assert_eq!(sign(&store, &s, &act, &ids[0], now).await.unwrap().placement, Placement::Confirmed);
    // After the deadline nothing changes.
    let late = a.signup_deadline + 1;
    assert!(matches!(sign(&store, &s, &act, &ids[3], late).await, Err(ActError::SignupClosed)));
    assert!(matches!(leave(&store, &s, &act, &ids[0], late).await, Err(ActError::SignupClosed)));
    let got = acts::get(&store, &s, &act).await.unwrap();
    assert_eq!((got.confirmed, got.waitlist), (2, 0));
});

on_every_db!(a_held_seat_lapses_to_the_next_in_line, |store, db| {
    let s = common::school(&store, "ha").await;
    let ids = people(&store, &s, 3, false).await;
    let a = activity(Some(1), "all", Some(48));
    let act = create(&store, &s, &a).await;
    let now = a.signup_deadline - 100 * HOUR;
    for m in &ids {
        sign(&store, &s, &act, m, now).await.unwrap();
    }
    leave(&store, &s, &act, &ids[0], now).await.unwrap();
    let list = acts::signups(&store, &s, &act).await.unwrap();
    assert_eq!((list[0].state.as_str(), list[0].offer_until), ("offered", Some(now + 48 * HOUR)));
    assert_eq!(inbox(&store, &ids[1]).await, vec!["activity.offered"]);
    // Not yet due: nothing lapses.
    assert_eq!(acts::expire_offers(&store, now + 48 * HOUR).await.unwrap(), 0);
    assert_eq!(acts::expire_offers(&store, now + 48 * HOUR + 1).await.unwrap(), 1);
    assert_eq!(acts::expire_offers(&store, now + 48 * HOUR + 1).await.unwrap(), 0, "once");
    let list = acts::signups(&store, &s, &act).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].member_id.as_str(), list[0].state.as_str()), (ids[2].as_str(), "offered"));
    let mut tx = store.begin().await.unwrap();
    acts::accept_offer(&mut tx, &store.crypto, &s, "m", &act, Some(&ids[2]), now + 49 * HOUR).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let got = acts::get(&store, &s, &act).await.unwrap();
    assert_eq!((got.confirmed, got.offered, got.waitlist), (1, 0, 0));
});

on_every_db!(the_audience_decides_who_may_sign_up, |store, db| {
    let s = common::school(&store, "aa").await;
    let men = people(&store, &s, 1, false).await;
    let women = people(&store, &s, 1, true).await;
    let a = activity(None, "women", None);
    let act = create(&store, &s, &a).await;
    let now = a.signup_deadline - HOUR;
    assert!(matches!(sign(&store, &s, &act, &men[0], now).await, Err(ActError::NotInAudience)));
    assert_eq!(sign(&store, &s, &act, &women[0], now).await.unwrap().placement, Placement::Confirmed);
    let open_to_man = acts::open_for(&store, &s, &men[0], now).await.unwrap();
    let open_to_woman = acts::open_for(&store, &s, &women[0], now).await.unwrap();
    assert!(open_to_man.is_empty());
    assert_eq!(open_to_woman.len(), 1);
    assert_eq!(open_to_woman[0].my_state.as_deref(), Some("confirmed"));
});

on_every_db!(check_in_counts_once_and_feeds_history_rates_and_the_calendar, |store, db| {
    let s = common::school(&store, "ka").await;
    let mut tx = store.begin().await.unwrap();
    let g = jiaogong_store::platform::tenancy::create_group(&mut tx, &s, "语文组", false).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let ids = people(&store, &s, 4, false).await;
    let mut tx = store.begin().await.unwrap();
    for m in &ids {
        sqlx::query("UPDATE members SET group_id = $1 WHERE id = $2").bind(&g).bind(m).execute(&mut *tx).await.unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();
    let a = activity(None, "all", None);
    let act = create(&store, &s, &a).await;
    sign(&store, &s, &act, &ids[0], a.signup_deadline).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let first = acts::check_in(&mut tx, &store.crypto, &s, "m", &act, &ids[0], "qr").await.unwrap();
    let again = acts::check_in(&mut tx, &store.crypto, &s, "m", &act, &ids[0], "ticked").await.unwrap();
    acts::check_in(&mut tx, &store.crypto, &s, "c", &act, &ids[1], "ticked").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!((first, again), (CheckinOutcome::CheckedIn, CheckinOutcome::AlreadyIn));
    assert_eq!(acts::attendance(&store, &s, &act).await.unwrap().len(), 2);
    assert_eq!(acts::history(&store, &s, &ids[0]).await.unwrap().len(), 1);
    let rates = acts::group_rates(&store, &s, 0, i64::MAX).await.unwrap();
    assert_eq!((rates[0].members, rates[0].participants, rates[0].percent()), (4, 2, 50));

    // The feed lists the activity signed up for; rotating revokes the old URL.
    let mut tx = store.begin().await.unwrap();
    let old = acts::rotate_feed(&mut tx, &store.crypto, &s, "m", &ids[0]).await.unwrap();
    let new = acts::rotate_feed(&mut tx, &store.crypto, &s, "m", &ids[0]).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(acts::feed_member(&store, &old).await.unwrap(), None);
    assert_eq!(acts::feed_member(&store, &new).await.unwrap(), Some((s.clone(), ids[0].clone())));
    let items = acts::feed_items(&store, &s, &ids[0]).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].title, "教工羽毛球赛");
});

on_every_db!(a_larger_capacity_promotes_the_waiting_in_order_and_a_smaller_one_than_taken_is_refused, |store, _db| {
    let s = common::school(&store, "ua").await;
    let ids = people(&store, &s, 5, false).await;
    let a = activity(Some(2), "all", None);
    let act = create(&store, &s, &a).await;
    let now = a.signup_deadline - HOUR;
    for m in &ids {
        sign(&store, &s, &act, m, now).await.unwrap();
    }
    // Two more seats: the first two waiting members (3rd and 4th to arrive) take them and are told.
    let mut bigger = a.clone();
    bigger.capacity = Some(4);
    bigger.place = "学校体育馆二楼".into();
    let mut tx = store.begin().await.unwrap();
    let promoted = acts::update(&mut tx, &store.crypto, &s, "chair", &act, &bigger, now).await.unwrap().unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(promoted, vec![ids[2].clone(), ids[3].clone()]);
    assert!(inbox(&store, &ids[2]).await.contains(&"activity.promoted".to_string()));
    // The place changed: every confirmed member is told, the one still waiting is not.
    assert!(inbox(&store, &ids[0]).await.contains(&"activity.changed".to_string()));
    assert!(!inbox(&store, &ids[4]).await.contains(&"activity.changed".to_string()));
    let got = acts::get(&store, &s, &act).await.unwrap();
    assert_eq!((got.confirmed, got.waitlist, got.place.as_str()), (4, 1, "学校体育馆二楼"));
    // Fewer seats than taken: refused, nothing changed.
    let mut smaller = bigger.clone();
    smaller.capacity = Some(3);
    let mut tx = store.begin().await.unwrap();
    let r = acts::update(&mut tx, &store.crypto, &s, "chair", &act, &smaller, now).await.unwrap();
    assert_eq!(r, Err(acts::ChangeRefused::CapacityBelowTaken(4)));
    drop(tx);
    assert_eq!(acts::get(&store, &s, &act).await.unwrap().capacity, Some(4));
});

on_every_db!(a_cancelled_activity_tells_everyone_signed_up_and_takes_no_more_signups, |store, _db| {
    let s = common::school(&store, "xa").await;
    let ids = people(&store, &s, 3, false).await;
    let a = activity(Some(1), "all", None);
    let act = create(&store, &s, &a).await;
    let now = a.signup_deadline - HOUR;
    sign(&store, &s, &act, &ids[0], now).await.unwrap();
    sign(&store, &s, &act, &ids[1], now).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let told = acts::cancel(&mut tx, &store.crypto, &s, "chair", &act, "场馆检修，改期另行通知").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(told, 2, "the confirmed and the waiting member");
    for m in &ids[..2] {
        assert!(inbox(&store, m).await.contains(&"activity.cancelled".to_string()));
    }
    assert!(!inbox(&store, &ids[2]).await.contains(&"activity.cancelled".to_string()));
    let (urgent, body): (i64, String) =
        sqlx::query_as("SELECT urgent, body FROM notifications WHERE member_id = $1 AND kind = 'activity.cancelled'")
            .bind(&ids[0])
            .fetch_one(store.reader())
            .await
            .unwrap();
    assert_eq!((urgent, body.as_str()), (1, "场馆检修，改期另行通知"));
    assert!(matches!(acts::get(&store, &s, &act).await, Err(StoreError::NotFound)));
    assert!(matches!(sign(&store, &s, &act, &ids[2], now).await, Err(ActError::Store(StoreError::NotFound))));
    // Cancelling twice finds nothing to cancel.
    let mut tx = store.begin().await.unwrap();
    assert!(acts::cancel(&mut tx, &store.crypto, &s, "chair", &act, "再次").await.is_err());
});

on_every_db!(activity_photos_are_kept_per_activity_and_capped, |store, _db| {
    let s = common::school(&store, "pa").await;
    let other = common::school(&store, "pb").await;
    let a = activity(None, "all", None);
    let act = create(&store, &s, &a).await;
    let mut tx = store.begin().await.unwrap();
    let id = acts::add_photo(&mut tx, &store.crypto, &s, "chair", &act, b"\xFF\xD8jpeg").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(acts::photo(&store, &s, &act, &id).await.unwrap(), b"\xFF\xD8jpeg".to_vec());
    assert!(matches!(acts::photo(&store, &other, &act, &id).await, Err(StoreError::NotFound)), "another school's");
    let mut tx = store.begin().await.unwrap();
    for _ in 1..acts::MAX_PHOTOS {
        acts::add_photo(&mut tx, &store.crypto, &s, "chair", &act, b"x").await.unwrap();
    }
    assert!(matches!(
        acts::add_photo(&mut tx, &store.crypto, &s, "chair", &act, b"x").await,
        Err(StoreError::Invalid(_))
    ));
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(acts::photos(&store, &s, &act).await.unwrap().len() as i64, acts::MAX_PHOTOS);
});
