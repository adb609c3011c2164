//! 校务公开, the work plan and the summary on every database: an item's period on the stored
//! calendar, objections signed and anonymous (nothing anywhere ties an anonymous one to its
//! member), handling and sign-off, the public link, the automatic item of a selection (once),
//! the yearly index; a plan's computed progress and goals, links refused across schools, next
//! year's plan from this year's; the summary's figures and prose surviving a re-draft.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use jiaogong_domain::plans::{Comparison, Goal, LinkKind, Outcome, Progress};
use jiaogong_domain::platform::calendar::{CalendarEntry, DayKind};
use jiaogong_domain::transparency::{validate_item, ObjectionStatus, PeriodError};
use jiaogong_store::plans::{self, summary};
use jiaogong_store::transparency::{items, objections, TpError};
use jiaogong_store::{members, Store, StoreError};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

async fn calendar(store: &Store) {
    let mut tx = store.begin().await.unwrap();
    for day in d(2026, 10, 1).iter_days().take(7) {
        let e = CalendarEntry { date: day, kind: DayKind::Holiday, name: "国庆节".into() };
        jiaogong_store::platform::calendar::upsert(&mut tx, &e).await.unwrap();
    }
    let e = CalendarEntry { date: d(2026, 10, 10), kind: DayKind::MakeupWorkday, name: "国庆节调休上班".into() };
    jiaogong_store::platform::calendar::upsert(&mut tx, &e).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
}

async fn publish(store: &Store, school: &str, start: NaiveDate, days: u32, audience: &str) -> Result<String, TpError> {
    let item = validate_item("funds", "2026年上半年工会经费使用情况", "<p>收支明细见附件</p>", audience).unwrap();
    let mut tx = store.begin().await.unwrap();
    let r = items::publish(&mut tx, &store.crypto, school, "chair", &item, start, days, None).await;
    if r.is_ok() {
        jiaogong_store::commit(tx).await.unwrap();
    }
    r.map(|(id, _)| id)
}

async fn member(store: &Store, school: &str, name: &str, no: &str) -> String {
    let m = common::member(name, no, None, None, None);
    let mut tx = store.begin().await.unwrap();
    let ids = members::insert_many(store, &mut tx, school, &[(m, None, None)]).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    ids[0].clone()
}

on_every_db!(an_item_is_published_for_its_working_days_on_the_stored_calendar, |store, db| {
    calendar(&store).await;
    let s = common::school(&store, "t1").await;
    // Starts on 国庆 (10-03) → moved to Thursday 10-08; 3 working days: 8, 9, make-up Saturday 10.
    let id = publish(&store, &s, d(2026, 10, 3), 3, "staff").await.unwrap();
    let item = items::get(&store, &s, &id).await.unwrap();
    assert_eq!((item.start_day.as_str(), item.end_day.as_str()), ("2026-10-08", "2026-10-10"));
    // 0 and 400 working days are refused; so is a year the calendar does not cover, by name.
    assert!(matches!(
        publish(&store, &s, d(2026, 3, 9), 0, "staff").await,
        Err(TpError::Period(PeriodError::WorkingDays))
    ));
    assert!(matches!(
        publish(&store, &s, d(2026, 3, 9), 400, "staff").await,
        Err(TpError::Period(PeriodError::WorkingDays))
    ));
    assert!(matches!(
        publish(&store, &s, d(2031, 3, 10), 5, "staff").await,
        Err(TpError::Period(PeriodError::YearNotCovered(2031)))
    ));
    // Another school does not see it.
    let other = common::school(&store, "t2").await;
    assert!(matches!(items::get(&store, &other, &id).await, Err(StoreError::NotFound)));
});

on_every_db!(objections_are_signed_or_truly_anonymous_and_refused_after_the_period, |store, db| {
    calendar(&store).await;
    let s = common::school(&store, "o1").await;
    let other = common::school(&store, "o2").await;
    let signer = member(&store, &s, "李老师", "L001").await;
    let anon = member(&store, &s, "王匿名", "W001").await;
    let id = publish(&store, &s, d(2026, 3, 9), 5, "public").await.unwrap();

    let mut tx = store.begin().await.unwrap();
    objections::file(&mut tx, &store.crypto, &s, &id, Some(&signer), "第三项支出不清楚", d(2026, 3, 10)).await.unwrap();
    let anon_id =
        objections::file(&mut tx, &store.crypto, &s, &id, None, "慰问金标准有疑问", d(2026, 3, 13)).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    // After the last day (Friday 03-13): refused, naming the end.
    let mut tx = store.begin().await.unwrap();
    let late = objections::file(&mut tx, &store.crypto, &s, &id, Some(&anon), "晚了", d(2026, 3, 14)).await;
    assert!(matches!(late, Err(TpError::PeriodOver(e)) if e == d(2026, 3, 13)));
    // An item of another school is not found.
    let foreign = objections::file(&mut tx, &store.crypto, &other, &id, None, "x", d(2026, 3, 10)).await;
    assert!(matches!(foreign, Err(TpError::Store(StoreError::NotFound))));
    drop(tx);

    let list = objections::list(&store, &s, &id).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].signer.as_deref(), Some("李老师"));
    assert_eq!(list[1].signer, None);

    // Nothing in any table ties the anonymous objection to the member: read every table's
    // every row (the audit log decrypted) and look for the member's id next to it.
    let mut tables: Vec<&str> = jiaogong_store::platform::backup::TABLES.to_vec();
    tables.retain(|t| *t != "ballots");
    for table in tables {
        let rows = sqlx::query(&format!("SELECT * FROM {table}")).fetch_all(store.reader()).await.unwrap();
        for row in rows {
            let text = row_text(&row);
            if text.contains(&anon_id) || text.contains("慰问金标准有疑问") || text.contains("object_anonymous")
            {
                assert!(!text.contains(&anon), "{table} ties the anonymous objection to its member: {text}");
                assert!(!text.contains("王匿名"), "{table}: {text}");
            }
        }
    }
    let audit = jiaogong_store::platform::audit::recent(&store, &s, 100).await.unwrap();
    let anon_events: Vec<_> = audit.iter().filter(|e| e.action == "transparency.object_anonymous").collect();
    assert_eq!(anon_events.len(), 1);
    assert_eq!(anon_events[0].actor, "anonymous");
    assert!(
        audit.iter().all(|e| !format!("{e:?}").contains(&anon)),
        "the anonymous member is nowhere in the audit log"
    );

    // The supervision group handles both, then signs off after the period.
    let mut tx = store.begin().await.unwrap();
    let r = items::sign_off(&mut tx, &store.crypto, &s, "supervisor", &id, "同意", d(2026, 3, 13)).await;
    assert!(matches!(r, Err(TpError::PeriodRunning)));
    let r = items::sign_off(&mut tx, &store.crypto, &s, "supervisor", &id, "同意", d(2026, 3, 16)).await;
    assert!(matches!(r, Err(TpError::OpenObjections(2))));
    for o in &list {
        objections::handle(&mut tx, &store.crypto, &s, "supervisor", &o.id, ObjectionStatus::Dismissed, "已当面解释")
            .await
            .unwrap();
    }
    items::sign_off(&mut tx, &store.crypto, &s, "supervisor", &id, "公示无异议，同意", d(2026, 3, 16)).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let item = items::get(&store, &s, &id).await.unwrap();
    assert_eq!(item.signoff.as_deref(), Some("公示无异议，同意"));

    // The public link finds that item alone, and can be withdrawn.
    let token = item.public_token.clone().unwrap();
    assert_eq!(items::by_token(&store, &token).await.unwrap().id, id);
    let mut tx = store.begin().await.unwrap();
    items::set_public_link(&mut tx, &store.crypto, &s, "chair", &id, false).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert!(items::by_token(&store, &token).await.is_err());
});

fn row_text(row: &sqlx::any::AnyRow) -> String {
    use sqlx::{Column, Row, ValueRef};
    let mut out = String::new();
    for c in row.columns() {
        let i = c.ordinal();
        if row.try_get_raw(i).map(|v| v.is_null()).unwrap_or(true) {
            continue;
        }
        if let Ok(s) = row.try_get::<String, _>(i) {
            out.push_str(&s);
        } else if let Ok(n) = row.try_get::<i64, _>(i) {
            out.push_str(&n.to_string());
        } else if let Ok(b) = row.try_get::<Vec<u8>, _>(i) {
            out.push_str(&String::from_utf8_lossy(&b));
        }
        out.push('|');
    }
    out
}

on_every_db!(a_selections_result_becomes_one_transparency_item_and_the_index_counts_it, |store, db| {
    calendar(&store).await;
    let s = common::school(&store, "s1").await;
    let sel = jiaogong_store::new_id();
    sqlx::query(
        "INSERT INTO selections (id, school_id, title, award, quota, min_years, publicity_days, stage, created_by, created_at) \
         VALUES ($1, $2, '2026年度优秀教师评选', '优秀教师', 3, 0, 5, 'review', 'chair', 0)",
    )
    .bind(&sel)
    .bind(&s)
    .execute(store.reader())
    .await
    .unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(jiaogong_store::congress::selections::start_publicity(
        &mut tx,
        &store.crypto,
        &s,
        &sel,
        "2026-06-08",
        "2026-06-12",
        "chair"
    )
    .await
    .unwrap());
    // Publishing the same source again is a no-op.
    let link = format!("/s/s1/selections/{sel}");
    let again = items::publish_linked(
        &mut tx,
        &store.crypto,
        &items::LinkedItem {
            school_id: &s,
            category: jiaogong_domain::transparency::Category::Selection,
            title: "重复",
            link: &link,
            source_kind: "selection",
            source_id: &sel,
            start: d(2026, 6, 8),
            working_days: 5,
        },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let list = items::list(&store, &s, Some(2026)).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, again);
    assert_eq!((list[0].title.as_str(), list[0].end_day.as_str()), ("2026年度优秀教师评选", "2026-06-12"));
    assert_eq!(list[0].link.as_deref(), Some(link.as_str()));
    let (lines, rate) = items::index(&store, &s, 2026).await.unwrap();
    assert_eq!((lines.len(), rate), (1, 100));
    assert_eq!(items::index(&store, &s, 2025).await.unwrap().0.len(), 0);
});

on_every_db!(a_plans_progress_is_computed_from_linked_records_and_goals_from_figures, |store, db| {
    calendar(&store).await;
    let s = common::school(&store, "p1").await;
    let other = common::school(&store, "p2").await;
    let item = publish(&store, &s, d(2026, 3, 9), 5, "staff").await.unwrap();
    let foreign_item = publish(&store, &other, d(2026, 3, 9), 5, "staff").await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let plan = plans::create(&mut tx, &store.crypto, &s, "chair", 2026).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let mut dup = store.begin().await.unwrap();
    assert!(matches!(plans::create(&mut dup, &store.crypto, &s, "chair", 2026).await, Err(StoreError::Conflict(_))));
    drop(dup);
    let mut tx = store.begin().await.unwrap();
    plans::add_section(&mut tx, &store.crypto, &s, "chair", &plan, "指导思想", "以教代会为基本形式……").await.unwrap();
    plans::add_goal(
        &mut tx,
        &store.crypto,
        &s,
        "chair",
        &plan,
        "校务公开≥1次",
        &Goal::Figure { figure: "transparency.items".into(), cmp: Comparison::AtLeast, target: 1 },
    )
    .await
    .unwrap();
    plans::add_goal(
        &mut tx,
        &store.crypto,
        &s,
        "chair",
        &plan,
        "组织大型活动≥2次",
        &Goal::Figure { figure: "activities.held".into(), cmp: Comparison::AtLeast, target: 2 },
    )
    .await
    .unwrap();
    let judged =
        plans::add_goal(&mut tx, &store.crypto, &s, "chair", &plan, "师德建设", &Goal::ByHand { judged: None })
            .await
            .unwrap();
    let unknown = Goal::Figure { figure: "nonsense.figure".into(), cmp: Comparison::AtLeast, target: 1 };
    assert!(plans::add_goal(&mut tx, &store.crypto, &s, "chair", &plan, "x", &unknown).await.is_err());
    let march = plans::add_entry(
        &mut tx,
        &store.crypto,
        &s,
        "chair",
        &plan,
        3,
        "公开上半年经费",
        "财务委员",
        LinkKind::Transparency,
    )
    .await
    .unwrap();
    let april =
        plans::add_entry(&mut tx, &store.crypto, &s, "chair", &plan, 4, "三八节联谊", "女工委员", LinkKind::Activity)
            .await
            .unwrap();
    let _june =
        plans::add_entry(&mut tx, &store.crypto, &s, "chair", &plan, 6, "教代会", "主席", LinkKind::CongressSession)
            .await
            .unwrap();
    let _may = plans::add_entry(&mut tx, &store.crypto, &s, "chair", &plan, 5, "师德报告会", "主席", LinkKind::Other)
        .await
        .unwrap();
    plans::link(&mut tx, &store.crypto, &s, "chair", &march, LinkKind::Transparency, &item).await.unwrap();
    // A record of another school is refused.
    let r = plans::link(&mut tx, &store.crypto, &s, "chair", &april, LinkKind::Transparency, &foreign_item).await;
    assert!(matches!(r, Err(StoreError::Invalid(_))));
    plans::judge_goal(&mut tx, &store.crypto, &s, "chair", &judged, Some(true)).await.unwrap();
    plans::adopt(&mut tx, &store.crypto, &s, "chair", &plan, d(2026, 2, 20)).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();

    let v = plans::view(&store, &s, 2026, d(2026, 5, 10)).await.unwrap().unwrap();
    assert_eq!(v.plan.state, "adopted");
    let progress: Vec<(i64, Progress)> = v.entries.iter().map(|e| (e.month, e.progress)).collect();
    assert_eq!(
        progress,
        vec![(3, Progress::Done), (4, Progress::Overdue), (5, Progress::InProgress), (6, Progress::NotStarted)]
    );
    let outcomes: Vec<Outcome> = v.goals.iter().map(|g| g.outcome).collect();
    assert_eq!(outcomes, vec![Outcome::Achieved, Outcome::NotAchieved, Outcome::Achieved]);
    assert_eq!(v.goals[0].value, Some(1));
    let counts = plans::month_counts(&v.entries);
    assert_eq!(counts[2].1, [1, 0, 0, 0]);
    assert_eq!(counts[3].1, [0, 0, 0, 1]);
    let todo = plans::this_month(&store, &s, d(2026, 5, 10)).await.unwrap();
    assert_eq!(todo.iter().map(|e| e.item.as_str()).collect::<Vec<_>>(), vec!["师德报告会"]);

    // Next year's plan starts from this year's: same sections, goals unjudged, entries unlinked.
    let mut tx = store.begin().await.unwrap();
    plans::start_from(&mut tx, &store.crypto, &s, "chair", 2026, 2027).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let next = plans::view(&store, &s, 2027, d(2027, 1, 5)).await.unwrap().unwrap();
    assert_eq!(next.plan.state, "draft");
    assert_eq!(next.sections[0].title, "指导思想");
    assert_eq!(next.goals.len(), 3);
    assert_eq!(next.goals[2].outcome, Outcome::Open);
    assert!(next.entries.iter().all(|e| e.links.is_empty() && e.progress == Progress::NotStarted));
});

on_every_db!(the_summary_figures_list_their_records_and_redrafting_keeps_the_prose, |store, db| {
    calendar(&store).await;
    let s = common::school(&store, "y1").await;
    publish(&store, &s, d(2026, 3, 9), 5, "staff").await.unwrap();
    publish(&store, &s, d(2026, 6, 8), 5, "staff").await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let cal = jiaogong_store::transparency::items::LinkedItem {
        school_id: &s,
        category: jiaogong_domain::transparency::Category::Other,
        title: "2025年度公开",
        link: "/x",
        source_kind: "test",
        source_id: "last-year",
        start: d(2025, 11, 3),
        working_days: 5,
    };
    items::publish_linked(&mut tx, &store.crypto, &cal).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    summary::draft(&mut tx, &store, &store.crypto, &s, "chair", 2026).await.unwrap();
    summary::set_prose(&mut tx, &store.crypto, &s, "chair", 2026, "opening", "一年来，在校党委的领导下……")
        .await
        .unwrap();
    assert!(summary::set_prose(&mut tx, &store.crypto, &s, "chair", 2026, "nonsense", "x").await.is_err());
    jiaogong_store::commit(tx).await.unwrap();
    let got = summary::get(&store, &s, 2026).await.unwrap().unwrap();
    let fig = got.figures.iter().find(|f| f.code == "transparency.items").unwrap();
    assert_eq!((fig.value, fig.last_year), (2, 1));
    assert!(got.figures.iter().any(|f| f.code == "members.total"));
    assert!(got.figures.iter().any(|f| f.code == "congress.sessions"));
    assert!(got.figures.iter().any(|f| f.code == "activities.held"));
    let recs = summary::records(&store, &s, 2026, "transparency.items").await.unwrap();
    assert_eq!(recs.len() as i64, fig.value);
    for (_, spec) in summary::specs() {
        summary::records(&store, &s, 2026, spec.code).await.unwrap();
    }
    // A new item and a re-draft: the figure moves, the prose stays.
    publish(&store, &s, d(2026, 9, 7), 5, "staff").await.unwrap();
    let mut tx = store.begin().await.unwrap();
    summary::draft(&mut tx, &store, &store.crypto, &s, "chair", 2026).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let got = summary::get(&store, &s, 2026).await.unwrap().unwrap();
    assert_eq!(got.figures.iter().find(|f| f.code == "transparency.items").unwrap().value, 3);
    assert_eq!(got.prose.get("opening").map(String::as_str), Some("一年来，在校党委的领导下……"));
});
