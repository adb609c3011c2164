//! The staff-home assessment and submissions upward on every database: the default standard
//! copied on first use, edited and copied to a year; evidence linked (another school's record
//! refused) and uploaded; self-scores within the item's points; computed items scored from the
//! school's data; the sheet's totals and gaps; a submission opened, submitted on time and late,
//! refused across districts, and the schools that have not submitted reminded through the inbox.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use jiaogong_domain::district::assessment::{validate_item, DEFAULT_STANDARD};
use jiaogong_domain::district::submissions::validate;
use jiaogong_domain::platform::roles::Role;
use jiaogong_domain::transparency::validate_item as tp_item;
use jiaogong_store::district::assessment as assess;
use jiaogong_store::district::submissions as subs;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::platform::tenancy;
use jiaogong_store::transparency::items;
use jiaogong_store::{members, Store, StoreError};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

async fn setup(store: &Store) -> (String, String, String, String, String) {
    let mut tx = store.begin().await.unwrap();
    let d1 = tenancy::create_district(&mut tx, "一区", "d1").await.unwrap();
    let d2 = tenancy::create_district(&mut tx, "二区", "d2").await.unwrap();
    let a = tenancy::create_school(&mut tx, Some(&d1), "甲校", "a").await.unwrap();
    let b = tenancy::create_school(&mut tx, Some(&d1), "乙校", "b").await.unwrap();
    let c = tenancy::create_school(&mut tx, Some(&d2), "丙校", "c").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    (d1, d2, a, b, c)
}

async fn tp(store: &Store, school: &str, title: &str) -> String {
    jiaogong_store::platform::calendar::preload(store).await.unwrap();
    let item = tp_item("funds", title, "<p>见附件</p>", "staff").unwrap();
    let mut tx = store.begin().await.unwrap();
    let (id, _) = items::publish(&mut tx, &store.crypto, school, "chair", &item, d(2026, 3, 9), 5, None).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    id
}

on_every_db!(the_standard_is_copied_from_the_default_on_first_use_edited_and_copied_to_a_year, |store, db| {
    let (d1, _, _, _, _) = setup(&store).await;
    let s = assess::standard(&store, &d1, 2026).await.unwrap();
    let items = assess::items(&store, &s.id).await.unwrap();
    assert_eq!(items.len(), DEFAULT_STANDARD.len());
    assert_eq!(items.iter().map(|i| i.points).sum::<i64>(), 100);
    // Asking again finds the same standard.
    assert_eq!(assess::standard(&store, &d1, 2026).await.unwrap().id, s.id);
    // Add, edit, remove.
    let input = validate_item("special", "志愿服务", "组织教职工志愿服务", 2, "evidence", 0).unwrap();
    let mut tx = store.begin().await.unwrap();
    let added = assess::save_item(&mut tx, &store.crypto, &s, None, &input, "district").await.unwrap();
    let first = items[0].id.clone();
    let edited = validate_item("org", "工会组织健全规范", "按期换届", 3, "evidence", 0).unwrap();
    assess::save_item(&mut tx, &store.crypto, &s, Some(&first), &edited, "district").await.unwrap();
    assess::remove_item(&mut tx, &store.crypto, &s, &items[1].id, "district").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let now = assess::items(&store, &s.id).await.unwrap();
    assert_eq!(now.len(), DEFAULT_STANDARD.len());
    assert!(now.iter().any(|i| i.id == added && i.points == 2));
    assert_eq!(now.iter().find(|i| i.id == first).unwrap().title, "工会组织健全规范");
    assert!(!now.iter().any(|i| i.id == items[1].id));
    // Copy to 2027: the same items; a second copy is refused.
    let mut tx = store.begin().await.unwrap();
    assess::copy_year(&mut tx, &store.crypto, &d1, 2026, 2027, "district").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let s27 = assess::standard(&store, &d1, 2027).await.unwrap();
    let copied = assess::items(&store, &s27.id).await.unwrap();
    assert_eq!(copied.iter().map(|i| &i.title).collect::<Vec<_>>(), now.iter().map(|i| &i.title).collect::<Vec<_>>());
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        assess::copy_year(&mut tx, &store.crypto, &d1, 2026, 2027, "district").await,
        Err(StoreError::Conflict(_))
    ));
    drop(tx);
    // A later year starts from the latest earlier one, not from the default.
    let s30 = assess::standard(&store, &d1, 2030).await.unwrap();
    assert!(assess::items(&store, &s30.id).await.unwrap().iter().any(|i| i.title == "志愿服务"));
    // Another scope (schools without a district) still has the default.
    let def = assess::standard(&store, assess::scope_of(None), 2026).await.unwrap();
    assert_eq!(assess::items(&store, &def.id).await.unwrap()[0].title, DEFAULT_STANDARD[0].title);
});

on_every_db!(evidence_of_the_schools_own_records_scores_and_gaps_make_the_sheet, |store, db| {
    let (d1, _, a, b, _) = setup(&store).await;
    let s = assess::standard(&store, &d1, 2026).await.unwrap();
    let list = assess::items(&store, &s.id).await.unwrap();
    let org = list.iter().find(|i| i.title == "年度工作计划").unwrap().clone();
    let own = tp(&store, &a, "2026年上半年经费使用情况").await;
    let other = tp(&store, &b, "乙校的公开事项").await;
    let mut tx = store.begin().await.unwrap();
    let linked =
        assess::link_evidence(&mut tx, &store.crypto, &a, &org, "transparency_item", &own, "chair").await.unwrap();
    // Another school's record, an unknown kind: not found.
    assert!(matches!(
        assess::link_evidence(&mut tx, &store.crypto, &a, &org, "transparency_item", &other, "chair").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        assess::link_evidence(&mut tx, &store.crypto, &a, &org, "members", &own, "chair").await,
        Err(StoreError::NotFound)
    ));
    let file = assess::upload_evidence(
        &mut tx,
        &store.crypto,
        &a,
        &org,
        "会议记录.txt",
        "text/plain; charset=utf-8",
        "委员会会议记录".as_bytes(),
        "chair",
    )
    .await
    .unwrap();
    // A self-score above the item's points is refused; within them it is kept.
    assert!(matches!(
        assess::set_score(&mut tx, &store.crypto, &a, &org, org.points + 1, "", "chair").await,
        Err(StoreError::Invalid(_))
    ));
    assess::set_score(&mut tx, &store.crypto, &a, &org, 3, "计划已制定", "chair").await.unwrap();
    // Both half-yearly disclosures published.
    for (from, to) in [("2026-01", "2026-06"), ("2026-07", "2026-12")] {
        sqlx::query(
            "INSERT INTO fin_disclosures (id, school_id, period_from, period_to, title, body, state, created_by, created_at) \
             VALUES ($1, $2, $3, $4, '经费收支公开', '{}', 'published', 'fin', 0)",
        )
        .bind(jiaogong_store::new_id())
        .bind(&a)
        .bind(from)
        .bind(to)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();
    let (name, _, bytes) = assess::evidence_file(&store, &a, &file).await.unwrap();
    assert_eq!((name.as_str(), bytes.as_slice()), ("会议记录.txt", "委员会会议记录".as_bytes()));
    assert!(matches!(assess::evidence_file(&store, &b, &file).await, Err(StoreError::NotFound)));

    let sheet = assess::sheet(&store, &a, &d1, 2026, d(2026, 12, 31)).await.unwrap();
    assert_eq!(sheet.figures.transparency_items, 1);
    let line = |title: &str| sheet.lines.iter().find(|l| l.item.title == title).unwrap();
    let plan = line("年度工作计划");
    assert_eq!((plan.evidence.len(), plan.scored.score(), plan.scored.is_gap()), (2, 3, false));
    assert!(plan.evidence.iter().any(|e| e.id == linked && e.label == "2026年上半年经费使用情况"));
    let disclosures = line("经费公开");
    assert!(disclosures.scored.computed.unwrap().met);
    assert_eq!(disclosures.scored.score(), 6);
    // No congress session: computed, not met, a gap.
    assert!(line("每年召开教代会").scored.is_gap());
    // Nothing computed as met but the disclosures and the care rate (no events: nothing missed)
    // and the proposals (none: nothing unanswered): 3 + 6 + 6 + 5 = 20.
    assert_eq!(sheet.total(), 20);
    assert_eq!(sheet.gaps().len(), sheet.lines.len() - 4);
    assert_eq!(sheet.groups().iter().map(|g| g.2).sum::<i64>(), 100);
    // The evidence survives a backup and a restore into an empty database.
    let mut buf = Vec::new();
    let n = jiaogong_store::platform::backup::backup(&store, &mut buf).await.unwrap();
    // Into SQLite, as the store's own backup test does (a restore into PostgreSQL binds every NULL
    // as text, which PostgreSQL refuses for BIGINT columns: a limit of the restore, not of these tables).
    let target = common::sqlite().await;
    let restored =
        jiaogong_store::platform::backup::restore(&target.store, &mut std::io::Cursor::new(&buf)).await.unwrap();
    assert_eq!(restored, n);
    let again = assess::sheet(&target.store, &a, &d1, 2026, d(2026, 12, 31)).await.unwrap();
    assert_eq!(again.total(), 20);
    assert_eq!(assess::evidence_file(&target.store, &a, &file).await.unwrap().2, "委员会会议记录".as_bytes());
    target.drop_db().await;
    // Removing the school's own evidence; another school cannot remove it.
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        assess::remove_evidence(&mut tx, &store.crypto, &b, &linked, "chair-b").await,
        Err(StoreError::NotFound)
    ));
    assess::remove_evidence(&mut tx, &store.crypto, &a, &linked, "chair").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(
        assess::sheet(&store, &a, &d1, 2026, d(2026, 12, 31))
            .await
            .unwrap()
            .lines
            .iter()
            .map(|l| l.evidence.len())
            .sum::<usize>(),
        1
    );
});

on_every_db!(schools_submit_on_time_or_late_and_those_missing_are_reminded, |store, db| {
    let (d1, d2, a, b, c) = setup(&store).await;
    let req = validate("summary", "2026年度工作总结", "请上传系统生成的总结", "2026-12-31", d(2026, 12, 1)).unwrap();
    let mut tx = store.begin().await.unwrap();
    let id = subs::open(&mut tx, &store.crypto, &d1, &req, "district").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(subs::list(&store, &d1).await.unwrap().len(), 1);
    assert!(subs::list(&store, &d2).await.unwrap().is_empty());
    assert!(matches!(subs::get(&store, &d2, &id).await, Err(StoreError::NotFound)));
    let file = subs::SubmittedFile { name: "总结.docx", content_type: "application/octet-stream", bytes: b"PK" };
    let mut tx = store.begin().await.unwrap();
    // On the deadline: on time.
    let late = subs::submit(&mut tx, &store.crypto, &a, &d1, &id, "已完成", Some(file), d(2026, 12, 31), "chair")
        .await
        .unwrap();
    assert!(!late);
    // A school of another district does not find the request.
    assert!(matches!(
        subs::submit(&mut tx, &store.crypto, &c, &d2, &id, "", None, d(2026, 12, 1), "chair-c").await,
        Err(StoreError::NotFound)
    ));
    jiaogong_store::commit(tx).await.unwrap();
    let (name, _, bytes) = subs::file(&store, &id, &a).await.unwrap();
    assert_eq!((name.as_str(), bytes.as_slice()), ("总结.docx", b"PK".as_slice()));

    // The chair of school B is a member: the reminder reaches their inbox.
    let m = common::member("乙一", "B1", None, None, None);
    let mut tx = store.begin().await.unwrap();
    let ids = members::insert_many(&store, &mut tx, &b, &[(m, None, None)]).await.unwrap();
    accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(&b),
            district_id: None,
            username: "chair-b",
            display_name: "乙校主席",
            password_hash: "x",
            role: Role::Chair,
            member_id: Some(&ids[0]),
        },
    )
    .await
    .unwrap();
    let s = subs::get(&store, &d1, &id).await.unwrap();
    let sent = subs::remind(&mut tx, &store.crypto, &s, std::slice::from_ref(&b), "district").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!(sent, 1);
    let inbox = jiaogong_store::platform::inbox::messages(&store, &b, &ids[0], 10).await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].link, "/s/b/submissions");

    // After the deadline: kept, flagged late; submitting again replaces the school's own.
    let mut tx = store.begin().await.unwrap();
    assert!(subs::submit(&mut tx, &store.crypto, &b, &d1, &id, "补报", None, d(2027, 1, 3), "chair-b").await.unwrap());
    assert!(subs::submit(&mut tx, &store.crypto, &b, &d1, &id, "再次补报", None, d(2027, 1, 4), "chair-b")
        .await
        .unwrap());
    jiaogong_store::commit(tx).await.unwrap();
    let entries = subs::entries(&store, &id).await.unwrap();
    assert_eq!(entries.len(), 2);
    let mut buf = Vec::new();
    let n = jiaogong_store::platform::backup::backup(&store, &mut buf).await.unwrap();
    // Into SQLite, as the store's own backup test does (a restore into PostgreSQL binds every NULL
    // as text, which PostgreSQL refuses for BIGINT columns: a limit of the restore, not of these tables).
    let target = common::sqlite().await;
    assert_eq!(
        jiaogong_store::platform::backup::restore(&target.store, &mut std::io::Cursor::new(&buf)).await.unwrap(),
        n
    );
    assert_eq!(subs::entries(&target.store, &id).await.unwrap().len(), 2);
    assert!(matches!(subs::file(&target.store, &id, &b).await, Err(StoreError::NotFound)));
    target.drop_db().await;
    let eb = entries.iter().find(|e| e.school_id == b).unwrap();
    assert_eq!((eb.late, eb.note.as_str(), eb.submitted_on.as_str()), (1, "再次补报", "2027-01-04"));
    assert_eq!(entries.iter().find(|e| e.school_id == a).unwrap().late, 0);
});
