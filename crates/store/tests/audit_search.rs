//! The audit log as people read it (finding 20): names joined to login names, filters by who,
//! what (one action or a family) and when, paging, on SQLite and PostgreSQL; member histories
//! name the person who acted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jiaogong_domain::members::{MemberEventKind, MemberStatus};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::members;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::platform::audit::{self, Event, Filter};

on_every_db!(audit_search_names_people_and_filters, |store, db| {
    let s = common::school(&store, "a").await;
    let mut tx = store.begin().await.unwrap();
    accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(&s),
            district_id: None,
            username: "heli",
            display_name: "何丽",
            password_hash: "x",
            role: Role::Chair,
            member_id: None,
        },
    )
    .await
    .unwrap();
    let m = members::insert(&mut tx, &store.crypto, &s, &common::member("甲一", "A1", None, None, None), None, None)
        .await
        .unwrap();
    members::record_event(
        &mut tx,
        &s,
        &m,
        MemberEventKind::Retire,
        MemberStatus::Retired,
        None,
        "2026-07-01",
        "",
        "",
        "heli",
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    for i in 0..7 {
        let action = if i % 2 == 0 { "dues.payment" } else { "member.export_sensitive" };
        audit::record(&store, &Event::new(Some(&s), "heli", action, &m)).await.unwrap();
    }
    audit::record(&store, &Event::new(Some(&s), "ghost", "login.failed", "ghost")).await.unwrap();
    audit::record(&store, &Event::new(None, "heli", "login.failed", "heli")).await.unwrap();

    let (rows, total) = audit::search(&store, &s, &Filter::default(), 0, 3).await.unwrap();
    assert_eq!(total, 8, "{}: only the school's entries", db.name);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].actor, "ghost");
    assert_eq!(rows[0].actor_name, None);
    assert_eq!(rows[1].actor_name.as_deref(), Some("何丽"));
    assert_eq!(rows[1].target_name.as_deref(), Some("甲一"));
    let (rest, _) = audit::search(&store, &s, &Filter::default(), 6, 3).await.unwrap();
    assert_eq!(rest.len(), 2);

    let who = Filter { actor: "heli".into(), ..Filter::default() };
    assert_eq!(audit::search(&store, &s, &who, 0, 50).await.unwrap().1, 7);
    let exact = Filter { action: "member.export_sensitive".into(), ..Filter::default() };
    assert_eq!(audit::search(&store, &s, &exact, 0, 50).await.unwrap().1, 3);
    let family = Filter { action: "dues".into(), ..Filter::default() };
    assert_eq!(audit::search(&store, &s, &family, 0, 50).await.unwrap().1, 4);
    let wild = Filter { action: "%".into(), ..Filter::default() };
    assert_eq!(audit::search(&store, &s, &wild, 0, 50).await.unwrap().1, 0);
    let later = Filter { from_ms: Some(jiaogong_store::now_ms() + 60_000), ..Filter::default() };
    assert_eq!(audit::search(&store, &s, &later, 0, 50).await.unwrap().1, 0);
    let earlier = Filter { until_ms: Some(jiaogong_store::now_ms() + 60_000), ..Filter::default() };
    assert_eq!(audit::search(&store, &s, &earlier, 0, 50).await.unwrap().1, 8);

    let actors = audit::actors(&store, &s).await.unwrap();
    assert_eq!(actors, vec![("ghost".to_string(), None), ("heli".to_string(), Some("何丽".to_string()))]);
    let actions = audit::actions(&store, &s).await.unwrap();
    assert_eq!(actions, vec!["dues.payment", "login.failed", "member.export_sensitive"]);

    let history = members::events(&store, &s, &m).await.unwrap();
    assert_eq!(history[0].actor, "何丽", "{}: the history names the person", db.name);
});
