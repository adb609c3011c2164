//! The district on every database: the hierarchy (a city sees both of its 区, a 区 only its
//! own, a school outside is not in the subtree, cycles refused) and the dashboard's summaries
//! (computed from the records, refreshed for the schools whose audit log moved, read for a
//! subtree without touching the records).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use jiaogong_domain::district::dashboard::{code, Row};
use jiaogong_store::district::{dashboard, hierarchy};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy;
use jiaogong_store::{members, Store, StoreError};

struct Tree {
    city: String,
    east: String,
    west: String,
    east_school: String,
    west_school: String,
    outside_school: String,
}

async fn tree(store: &Store) -> Tree {
    let mut tx = store.begin().await.unwrap();
    let city = hierarchy::create_district(&mut tx, None, "某市教育工会", "city").await.unwrap();
    let east = hierarchy::create_district(&mut tx, Some(&city), "东区教育工会", "east").await.unwrap();
    let west = hierarchy::create_district(&mut tx, Some(&city), "西区教育工会", "west").await.unwrap();
    let other = hierarchy::create_district(&mut tx, None, "另一市教育工会", "other").await.unwrap();
    let east_school = tenancy::create_school(&mut tx, Some(&east), "东区第一中学", "e1").await.unwrap();
    let west_school = tenancy::create_school(&mut tx, Some(&west), "西区实验小学", "w1").await.unwrap();
    let outside_school = tenancy::create_school(&mut tx, Some(&other), "外市中学", "o1").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    Tree { city, east, west, east_school, west_school, outside_school }
}

fn ids(v: &[hierarchy::SubtreeSchool]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| s.id.clone()).collect();
    v.sort();
    v
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

on_every_db!(a_city_user_sees_both_districts_schools_and_a_district_user_only_its_own, |store, db| {
    let t = tree(&store).await;
    let mut both = vec![t.east_school.clone(), t.west_school.clone()];
    both.sort();
    assert_eq!(ids(&hierarchy::subtree_schools(&store, Some(&t.city)).await.unwrap()), both);
    assert_eq!(ids(&hierarchy::subtree_schools(&store, Some(&t.east)).await.unwrap()), vec![t.east_school.clone()]);
    assert!(hierarchy::contains_school(&store, &t.city, &t.west_school).await.unwrap());
    assert!(hierarchy::contains_school(&store, &t.east, &t.east_school).await.unwrap());
    assert!(!hierarchy::contains_school(&store, &t.east, &t.west_school).await.unwrap());
    assert!(!hierarchy::contains_school(&store, &t.city, &t.outside_school).await.unwrap());
    // The school's own district name comes with it (the dashboard's sub-district filter).
    let east = hierarchy::subtree_schools(&store, Some(&t.city)).await.unwrap();
    assert!(east.iter().any(|s| s.id == t.east_school && s.district_name == "东区教育工会"));
    let subs = hierarchy::subtree_districts(&store, &t.city).await.unwrap();
    assert_eq!(subs.len(), 3);
    assert_eq!(subs[0].id, t.city);
});

on_every_db!(a_district_cannot_be_moved_under_its_own_subtree, |store, db| {
    let t = tree(&store).await;
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(hierarchy::set_parent(&mut tx, &t.city, Some(&t.east)).await, Err(StoreError::Invalid(_))));
    assert!(matches!(hierarchy::set_parent(&mut tx, &t.city, Some(&t.city)).await, Err(StoreError::Invalid(_))));
    hierarchy::set_parent(&mut tx, &t.west, Some(&t.east)).await.unwrap();
    assert!(matches!(hierarchy::create_district(&mut tx, Some("nope"), "x", "x").await, Err(StoreError::NotFound)));
    jiaogong_store::commit(tx).await.unwrap();
    // West now lies under east: east sees both schools.
    assert_eq!(hierarchy::subtree_schools(&store, Some(&t.east)).await.unwrap().len(), 2);
});

on_every_db!(dashboard_figures_are_refreshed_for_changed_schools_and_read_for_the_subtree, |store, db| {
    let t = tree(&store).await;
    let today = d(2026, 11, 20);
    let mut tx = store.begin().await.unwrap();
    let rows: Vec<_> = (0..4)
        .map(|i| (common::member(&format!("成员{i}"), &format!("E{i:03}"), None, None, None), None, None))
        .collect();
    members::insert_many(&store, &mut tx, &t.east_school, &rows).await.unwrap();
    let term = jiaogong_store::congress::term(&mut tx, &t.east_school, 1, "2025-09-01").await.unwrap();
    jiaogong_store::congress::create_session(&mut tx, &t.east_school, &term, 1, "一届一次教代会", "2026-03-10")
        .await
        .unwrap();
    jiaogong_store::commit(tx).await.unwrap();

    // The first tick computes every school (none has figures yet).
    let r = dashboard::refresh_changed(&store, today, 1000).await.unwrap();
    assert_eq!(r.stale, 3);
    let figs = dashboard::subtree_figures(&store, Some(&t.city), 2026).await.unwrap();
    assert_eq!(figs.len(), 2, "the school outside the city is not read");
    let east = figs.iter().find(|f| f.school.id == t.east_school).unwrap();
    assert_eq!(east.figures.get(code::MEMBERS), Some(&4));
    assert_eq!(east.figures.get(code::CONGRESS_SESSIONS), Some(&1));
    assert!(east.refreshed_at.is_some());
    let row = Row::new(
        east.school.id.clone(),
        east.school.name.clone(),
        east.school.code.clone(),
        String::new(),
        &east.figures,
    );
    assert_eq!(row.get("congress_held"), Some(1));
    assert_eq!(row.get("membership_rate"), Some(1000));

    // Nothing changed: nothing is recomputed.
    assert_eq!(dashboard::refresh_changed(&store, today, 1000).await.unwrap(), dashboard::Refreshed::default());

    // A change in the west school (audited, as every change is) refreshes that school only.
    let mut tx = store.begin().await.unwrap();
    members::insert_many(&store, &mut tx, &t.west_school, &rows[..2]).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    audit::record(
        &store,
        &Event {
            school_id: Some(&t.west_school),
            actor: "chair",
            action: "member.create",
            target: "x",
            detail: String::new(),
        },
    )
    .await
    .unwrap();
    let r = dashboard::refresh_changed(&store, today, 1000).await.unwrap();
    assert_eq!((r.changed, r.stale), (1, 0));
    let figs = dashboard::subtree_figures(&store, Some(&t.west), 2026).await.unwrap();
    assert_eq!(figs.len(), 1);
    assert_eq!(figs[0].figures.get(code::MEMBERS), Some(&2));

    // The self-score another area writes survives a refresh.
    let mut tx = store.begin().await.unwrap();
    dashboard::set_figure(&mut tx, &t.west_school, 2026, code::SELF_SCORE, 88).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    dashboard::refresh_school(&store, &t.west_school, today).await.unwrap();
    let figs = dashboard::subtree_figures(&store, Some(&t.west), 2026).await.unwrap();
    assert_eq!(figs[0].figures.get(code::SELF_SCORE), Some(&88));
    let _ = t.outside_school;
});
