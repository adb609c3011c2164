//! Care on every database: a must-visit event makes its task due in calendar days and tells the
//! group leader and the 生活福利委员; reports of another school's member or a future death are
//! refused; a visit is written once however often it is tapped, an amount above the standard
//! waits for the chair's reason; compliance and the year figures; hardship files are sealed at
//! rest and every view audited; an anonymous request is linked to its member by nothing in any
//! table of the database, while its code finds it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use jiaogong_domain::care::hardship::Household;
use jiaogong_domain::care::requests::Step;
use jiaogong_domain::care::{Approval, CareError};
use jiaogong_domain::members::{validate_member, Field, RawMember};
use jiaogong_domain::platform::money::Fen;
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::care::events::{self, NewEvent, TaskFilter};
use jiaogong_store::care::requests::{self, By};
use jiaogong_store::care::visits::{self, NewVisit};
use jiaogong_store::care::{figures, hardship, CareFail};
use jiaogong_store::platform::accounts::{create_user, NewUser};
use jiaogong_store::{members, Store, StoreError};
use sqlx::Row;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

struct Sch {
    id: String,
    teacher: String,
    leader: String,
    welfare: String,
    welfare_user: String,
    teacher_user: String,
}

async fn setup(store: &Store, code: &str) -> Sch {
    let id = common::school(store, code).await;
    let rows: Vec<_> = ["王老师", "李组长", "赵委员"]
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let raw = RawMember::new()
                .with(Field::Name, *n)
                .with(Field::EmployeeNo, format!("{code}{i}"))
                .with(Field::Gender, "女");
            (validate_member(&raw).unwrap(), None, None)
        })
        .collect();
    let mut tx = store.begin().await.unwrap();
    let ids = members::insert_many(store, &mut tx, &id, &rows).await.unwrap();
    let group = jiaogong_store::new_id();
    sqlx::query("INSERT INTO union_groups (id, school_id, name, is_retired, leader_member_id, created_at) VALUES ($1, $2, '语文组', 0, $3, 0)")
        .bind(&group)
        .bind(&id)
        .bind(&ids[1])
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE members SET group_id = $1 WHERE id = $2 OR id = $3")
        .bind(&group)
        .bind(&ids[0])
        .bind(&ids[1])
        .execute(&mut *tx)
        .await
        .unwrap();
    let mk = |u: &'static str, role, m: String| (u, role, m);
    let mut users = Vec::new();
    for (u, role, m) in [mk("teacher", Role::Member, ids[0].clone()), mk("welfare", Role::Welfare, ids[2].clone())] {
        let name = format!("{code}-{u}");
        let uid = create_user(
            &mut tx,
            &NewUser {
                school_id: Some(&id),
                district_id: None,
                username: &name,
                display_name: &name,
                password_hash: "x",
                role,
                member_id: Some(&m),
            },
        )
        .await
        .unwrap();
        users.push(uid);
    }
    jiaogong_store::commit(tx).await.unwrap();
    Sch {
        id,
        teacher: ids[0].clone(),
        leader: ids[1].clone(),
        welfare: ids[2].clone(),
        teacher_user: users[0].clone(),
        welfare_user: users[1].clone(),
    }
}

async fn report(
    store: &Store,
    s: &str,
    member: &str,
    kind: &str,
    on: &str,
    today: &str,
) -> Result<events::Reported, CareFail> {
    let mut tx = store.begin().await.unwrap();
    let ev = NewEvent { member_id: member, kind, date: d(on), note: "", source: "report" };
    let r = events::report(&mut tx, &store.crypto, s, "u-leader", &ev, d(today), false).await;
    if r.is_ok() {
        jiaogong_store::commit(tx).await.unwrap();
    }
    r
}

async fn inbox(store: &Store, member: &str) -> Vec<(String, String)> {
    sqlx::query_as("SELECT kind, link FROM notifications WHERE member_id = $1 ORDER BY created_at")
        .bind(member)
        .fetch_all(store.reader())
        .await
        .unwrap()
}

async fn visit(
    store: &Store,
    s: &str,
    task: &str,
    on: &str,
    amount: i64,
    key: &str,
    visitors: &[String],
) -> Result<visits::Recorded, CareFail> {
    let mut tx = store.begin().await.unwrap();
    let v = NewVisit {
        task_id: task,
        date: d(on),
        visitors,
        gift: if amount > 0 { "money" } else { "goods" },
        goods: "水果",
        amount: Fen(amount),
        notes: "",
        idem_key: key,
        photo: None,
    };
    let r = visits::record(&mut tx, &store.crypto, s, "u-welfare", &v, d("2026-12-31")).await;
    if r.is_ok() {
        jiaogong_store::commit(tx).await.unwrap();
    }
    r
}

on_every_db!(must_visit_event_creates_a_task_and_tells_leader_and_welfare, |store, db| {
    let s = setup(&store, "C1").await;
    let r = report(&store, &s.id, &s.teacher, "hospitalised", "2026-12-28", "2026-12-29").await.unwrap();
    let (task, due) = r.task.clone().unwrap();
    assert_eq!(due, d("2027-01-04"), "7 calendar days across the year end");
    assert!(inbox(&store, &s.leader).await.iter().any(|(k, l)| k == "care.task" && l.contains(&task)));
    assert!(inbox(&store, &s.welfare).await.iter().any(|(k, l)| k == "care.task" && l.contains(&task)));
    assert!(inbox(&store, &s.teacher).await.is_empty(), "the member is not sent their own task");
    // The same event reported twice is the first one.
    let again = report(&store, &s.id, &s.teacher, "hospitalised", "2026-12-28", "2026-12-29").await.unwrap();
    assert_eq!(again.id, r.id);
    assert!(!again.created);
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM care_tasks").fetch_one(store.reader()).await.unwrap();
    assert_eq!(n, 1);
    // Not must-visit: no task.
    let b = report(&store, &s.id, &s.teacher, "achievement", "2026-12-01", "2026-12-29").await.unwrap();
    assert!(b.task.is_none());
    // Overdue on 5 January.
    let late = events::tasks(&store, &s.id, TaskFilter::Overdue, None, d("2027-01-05")).await.unwrap();
    assert_eq!(late.len(), 1);
    assert!(events::tasks(&store, &s.id, TaskFilter::Overdue, None, d("2027-01-04")).await.unwrap().is_empty());
    assert_eq!(events::overdue_count(&store, &s.id, d("2027-01-05")).await.unwrap(), 1);
});

on_every_db!(bad_events_are_refused_and_nothing_is_written, |store, db| {
    let a = setup(&store, "C2").await;
    let b = setup(&store, "C3").await;
    let other = report(&store, &a.id, &b.teacher, "hospitalised", "2026-05-01", "2026-05-02").await;
    assert!(matches!(other, Err(CareFail::Store(StoreError::NotFound))));
    let future = report(&store, &a.id, &a.teacher, "bereaved", "2026-05-03", "2026-05-02").await;
    assert!(matches!(future, Err(CareFail::Rule(CareError::DeathInFuture))));
    let unknown = report(&store, &a.id, &a.teacher, "party", "2026-05-01", "2026-05-02").await;
    assert!(matches!(unknown, Err(CareFail::Rule(CareError::UnknownType))));
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM care_events").fetch_one(store.reader()).await.unwrap();
    assert_eq!(n, 0);
});

on_every_db!(visit_is_written_once_and_above_standard_waits_for_the_chair, |store, db| {
    let s = setup(&store, "C4").await;
    let r = report(&store, &s.id, &s.teacher, "hospitalised", "2026-03-02", "2026-03-02").await.unwrap();
    let task = r.task.unwrap().0;
    let visitors = vec![s.welfare.clone()];
    let early = visit(&store, &s.id, &task, "2026-03-01", 50_000, "k0", &visitors).await;
    assert!(matches!(early, Err(CareFail::Rule(CareError::VisitBeforeEvent))));
    // 1,500 yuan against a standard of 1,000: the chair must approve.
    let first = visit(&store, &s.id, &task, "2026-03-05", 150_000, "k1", &visitors).await.unwrap();
    assert!(first.created);
    assert_eq!(first.approval, Approval::AboveBoth);
    let second = visit(&store, &s.id, &task, "2026-03-05", 150_000, "k1", &visitors).await.unwrap();
    assert_eq!(second.id, first.id);
    assert!(!second.created);
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM care_visits").fetch_one(store.reader()).await.unwrap();
    assert_eq!(n, 1, "a double tap writes one visit");
    let waiting = visits::visits(&store, &s.id, None, true).await.unwrap();
    assert_eq!(waiting.len(), 1);
    let mut tx = store.begin().await.unwrap();
    let no_reason = visits::approve(&mut tx, &store.crypto, &s.id, "u-chair", &first.id, "  ").await;
    assert!(matches!(no_reason, Err(CareFail::Rule(CareError::ReasonRequired))));
    visits::approve(&mut tx, &store.crypto, &s.id, "u-chair", &first.id, "病情严重，经委员会讨论").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert!(visits::visits(&store, &s.id, None, true).await.unwrap().is_empty());
    let mut tx = store.begin().await.unwrap();
    let draft = jiaogong_store::finance::drafts::draft_for_source(&mut tx, &s.id, "care_visit", &first.id)
        .await
        .unwrap()
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(draft.amount, Fen(150_000));
    assert!(draft.cleared, "the chair's approval cleared the draft voucher");
    let t = events::task(&store, &s.id, &task, d("2026-03-20")).await.unwrap();
    assert_eq!(t.visited_on.as_deref(), Some("2026-03-05"));
    // Within the standard but past the annual cap with what was paid: approval again.
    let r2 = report(&store, &s.id, &s.teacher, "hospitalised", "2026-06-01", "2026-06-01").await.unwrap();
    let within = visit(&store, &s.id, &r2.task.unwrap().0, "2026-06-02", 50_000, "k2", &visitors).await.unwrap();
    assert_eq!(within.approval, Approval::AboveAnnualCap);
    let mut tx = store.begin().await.unwrap();
    let draft = jiaogong_store::finance::drafts::draft_for_source(&mut tx, &s.id, "care_visit", &within.id)
        .await
        .unwrap()
        .unwrap();
    tx.rollback().await.unwrap();
    assert!(!draft.cleared, "waits for the chair");
    // Goods only: no voucher.
    let r3 = report(&store, &s.id, &s.leader, "hospitalised", "2026-06-01", "2026-06-01").await.unwrap();
    let goods = visit(&store, &s.id, &r3.task.unwrap().0, "2026-06-02", 0, "k3", &visitors).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(jiaogong_store::finance::drafts::draft_for_source(&mut tx, &s.id, "care_visit", &goods.id)
        .await
        .unwrap()
        .is_none());
    tx.rollback().await.unwrap();
});

on_every_db!(compliance_and_year_figures_count_on_time_visits, |store, db| {
    let s = setup(&store, "C5").await;
    let visitors = vec![s.welfare.clone()];
    let a =
        report(&store, &s.id, &s.teacher, "hospitalised", "2026-01-10", "2026-01-10").await.unwrap().task.unwrap().0;
    let b = report(&store, &s.id, &s.leader, "childbirth", "2026-02-10", "2026-02-10").await.unwrap().task.unwrap().0;
    let _missed = report(&store, &s.id, &s.welfare, "married", "2026-03-10", "2026-03-10").await.unwrap();
    visit(&store, &s.id, &a, "2026-01-15", 80_000, "a", &visitors).await.unwrap();
    visit(&store, &s.id, &b, "2026-03-20", 0, "b", &visitors).await.unwrap(); // late (due 12 March)
    let (months, total) = figures::compliance(&store, &s.id, 2026, d("2026-12-31")).await.unwrap();
    assert_eq!(total.events, 3);
    assert_eq!(total.on_time, 1);
    assert_eq!(total.late, 1);
    assert_eq!(total.missed, 1);
    assert_eq!(months[0].on_time, 1);
    assert_eq!(months[1].late, 1);
    let mut tx = store.begin().await.unwrap();
    let sub = requests::submit(
        &mut tx,
        &store.crypto,
        &s.id,
        &s.teacher_user,
        Some(&s.teacher),
        "welfare",
        "食堂太贵",
        false,
        d("2026-04-01"),
    )
    .await
    .unwrap();
    requests::step(&mut tx, &store.crypto, &s.id, &sub.id, By::Committee("u-chair"), Step::Accept, "", d("2026-04-02"))
        .await
        .unwrap();
    requests::step(
        &mut tx,
        &store.crypto,
        &s.id,
        &sub.id,
        By::Committee("u-chair"),
        Step::Answer,
        "已与后勤协商降价",
        d("2026-04-05"),
    )
    .await
    .unwrap();
    requests::step(
        &mut tx,
        &store.crypto,
        &s.id,
        &sub.id,
        By::Requester(Some("t")),
        Step::Confirm,
        "",
        d("2026-04-06"),
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let f = figures::year_figures(&store, &s.id, 2026, d("2026-12-31")).await.unwrap();
    assert_eq!(f.visits_total, 2);
    assert_eq!(f.money_total, Fen(80_000));
    assert_eq!(f.money_by_type, vec![("hospitalised".to_string(), Fen(80_000), 1)]);
    assert_eq!((f.requests_received, f.requests_answered, f.requests_solved), (1, 1, 1));
    assert_eq!(f.compliance.on_time, 1);
    assert_eq!(f.compliance.decided(), 3);
    // The year-end summary's care section counts the same records.
    let sum = jiaogong_store::plans::summary::figures(&store, &s.id, 2026).await.unwrap();
    let value = |code: &str| sum.iter().find(|f| f.code == code).map(|f| (f.area.clone(), f.value));
    assert_eq!(value("care.visits"), Some(("care".to_string(), 2)), "{}", db.name);
    assert_eq!(value("care.visits_sick_birth"), Some(("care".to_string(), 2)));
    assert_eq!(value("care.money_yuan"), Some(("care".to_string(), 800)));
    assert_eq!(value("care.requests"), Some(("care".to_string(), 1)));
    assert_eq!(value("finance.income_yuan"), Some(("finance".to_string(), 0)));
    let listed = jiaogong_store::plans::summary::records(&store, &s.id, 2026, "care.money_yuan").await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].label, "hospitalised", "the list names the type, never the member");
});

on_every_db!(hardship_files_are_sealed_and_every_view_is_audited, |store, db| {
    let s = setup(&store, "C6").await;
    let figures = hardship::Figures {
        causes: vec!["大病".into()],
        household: Household {
            size: 3,
            income_year: Fen(3_000_000),
            rigid_year: Fen(0),
            hardship_costs_year: Fen(0),
            accident: false,
        },
        notes: "配偶患尿毒症长期透析".into(),
    };
    let mut tx = store.begin().await.unwrap();
    let (file, level) =
        hardship::create(&mut tx, &store.crypto, &s.id, "u-welfare", &s.teacher, d("2025-01-10"), &figures)
            .await
            .unwrap();
    assert_eq!(level.code(), "deep");
    hardship::add_aid(
        &mut tx,
        &store.crypto,
        &s.id,
        "u-welfare",
        &file,
        d("2026-01-20"),
        "money",
        Fen(200_000),
        "春节慰问",
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let (sealed,): (String,) = sqlx::query_as("SELECT sealed FROM care_hardship_files WHERE id = $1")
        .bind(&file)
        .fetch_one(store.reader())
        .await
        .unwrap();
    assert!(!sealed.contains("透析") && !sealed.contains("deep"), "figures are encrypted at rest");
    let full = hardship::files(&store, &s.id, "u-chair", true, None, d("2026-02-01")).await.unwrap();
    assert_eq!(full[0].data.as_ref().unwrap().notes, "配偶患尿毒症长期透析");
    assert!(full[0].review_overdue, "filed 2025-01-10, review due 2026-01-10");
    let amounts = hardship::files(&store, &s.id, "u-auditor", false, None, d("2026-02-01")).await.unwrap();
    assert!(amounts[0].data.is_none() && amounts[0].member_name.is_none());
    assert_eq!(amounts[0].aid_total, Fen(200_000));
    assert!(amounts[0].aid[0].detail.is_none());
    let views: Vec<(String,)> =
        sqlx::query_as("SELECT actor FROM audit_log WHERE action = 'care.hardship.view' ORDER BY seq")
            .fetch_all(store.reader())
            .await
            .unwrap();
    assert_eq!(views, vec![("u-chair".to_string(),), ("u-auditor".to_string(),)]);
    let f = figures::year_figures(&store, &s.id, 2026, d("2026-12-31")).await.unwrap();
    assert_eq!((f.aid_records, f.aid_households, f.aid_money), (1, 1, Fen(200_000)));
    assert_eq!(f.hardship_files_open, 1);
});

/// Every table of the database, read in full, each cell as text.
async fn every_row(store: &Store) -> Vec<(String, Vec<String>)> {
    let tables: Vec<(String,)> = match store.kind {
        jiaogong_store::DbKind::Sqlite => sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(store.reader())
            .await
            .unwrap(),
        jiaogong_store::DbKind::Postgres => {
            sqlx::query_as("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'")
                .fetch_all(store.reader())
                .await
                .unwrap()
        }
    };
    assert!(tables.len() > 40, "the whole schema is read");
    let mut out = Vec::new();
    for (t,) in tables {
        let rows = sqlx::query(&format!("SELECT * FROM {t}")).fetch_all(store.reader()).await.unwrap();
        for row in rows {
            let mut cells = Vec::new();
            for i in 0..row.columns().len() {
                let v = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                    v.map(|x| x.to_string()).unwrap_or_default()
                } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
                    v.unwrap_or_default()
                } else if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(i) {
                    v.map(|b: Vec<u8>| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
                } else {
                    String::new()
                };
                cells.push(v);
            }
            out.push((t.clone(), cells));
        }
    }
    out
}

on_every_db!(anonymous_request_is_linked_to_its_member_by_no_row_of_any_table, |store, db| {
    let s = setup(&store, "C7").await;
    let mut tx = store.begin().await.unwrap();
    let anon = requests::submit(
        &mut tx,
        &store.crypto,
        &s.id,
        &s.teacher_user,
        Some(&s.teacher),
        "work",
        "希望减少非教学任务",
        true,
        d("2026-04-01"),
    )
    .await
    .unwrap();
    let named = requests::submit(
        &mut tx,
        &store.crypto,
        &s.id,
        &s.teacher_user,
        Some(&s.teacher),
        "welfare",
        "希望增加体检项目",
        false,
        d("2026-04-01"),
    )
    .await
    .unwrap();
    requests::step(
        &mut tx,
        &store.crypto,
        &s.id,
        &anon.id,
        By::Committee(&s.welfare_user),
        Step::Accept,
        "",
        d("2026-04-02"),
    )
    .await
    .unwrap();
    requests::step(
        &mut tx,
        &store.crypto,
        &s.id,
        &anon.id,
        By::Committee(&s.welfare_user),
        Step::Answer,
        "已向校长办公室反映",
        d("2026-04-03"),
    )
    .await
    .unwrap();
    requests::step(
        &mut tx,
        &store.crypto,
        &s.id,
        &anon.id,
        By::Requester(None),
        Step::Reopen,
        "还没有落实",
        d("2026-04-04"),
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    // What would name the requester: the member, the account, the account's name.
    let teacher_name = "C7-teacher".to_string();
    let names = [s.teacher.as_str(), s.teacher_user.as_str(), teacher_name.as_str(), "王老师"];
    let rows = every_row(&store).await;
    let mut seen_anon = 0;
    let mut seen_named_link = false;
    for (table, cells) in &rows {
        if cells.iter().any(|c| c.contains(&anon.id)) {
            seen_anon += 1;
            for n in names {
                assert!(!cells.iter().any(|c| c.contains(n)), "{table} links the anonymous request to {n}: {cells:?}");
            }
        }
        if cells.iter().any(|c| c.contains(&named.id))
            && cells.iter().any(|c| c.contains(&s.teacher) || c.contains(&s.teacher_user))
        {
            seen_named_link = true;
        }
    }
    assert!(seen_anon >= 5, "the request, its steps and its audit entries were read ({seen_anon})");
    assert!(seen_named_link, "the check would see a link: the named request has one");
    // No notification went to the anonymous requester.
    assert!(inbox(&store, &s.teacher).await.is_empty());
    // The backup carries no link either.
    let mut buf = Vec::new();
    jiaogong_store::platform::backup::backup(&store, &mut buf).await.unwrap();
    let text = String::from_utf8(buf).unwrap();
    for line in text.lines().filter(|l| l.contains(&anon.id)) {
        for n in names {
            assert!(!line.contains(n), "a backup line links the request: {line}");
        }
    }
    // The code finds it; a member's own list does not show it.
    let found = requests::by_code(&store, &s.id, &anon.code.to_lowercase(), d("2026-04-05")).await.unwrap();
    assert_eq!(found.id, anon.id);
    assert_eq!(found.state, "reopened");
    assert!(found.member_id.is_none());
    assert!(requests::code_matches(&store, &s.id, &anon.id, &anon.code).await.unwrap());
    assert!(!requests::code_matches(&store, &s.id, &anon.id, &named.code).await.unwrap());
    let mine = requests::list(&store, &s.id, requests::ReqFilter::Mine(&s.teacher), d("2026-04-05")).await.unwrap();
    assert_eq!(mine.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec![named.id.as_str()]);
    // The named request is overdue after its 15 days unanswered.
    let late = requests::list(&store, &s.id, requests::ReqFilter::Overdue, d("2026-04-17")).await.unwrap();
    assert!(late.iter().any(|r| r.id == named.id));
    let months = requests::monthly(&store, &s.id, 2026).await.unwrap();
    assert_eq!(months[3].received, 2);
    assert_eq!(months[3].reopened, 1);
});

on_every_db!(roster_death_creates_its_care_event, |store, db| {
    let s = setup(&store, "C8").await;
    let today = jiaogong_store::care::today_cn();
    let mut tx = store.begin().await.unwrap();
    members::record_event(
        &mut tx,
        &s.id,
        &s.teacher,
        jiaogong_domain::members::MemberEventKind::Death,
        jiaogong_domain::members::MemberStatus::Deceased,
        None,
        &today.format("%Y-%m-%d").to_string(),
        "病故",
        "",
        "u-org",
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let ev = events::events(&store, &s.id, Some(&s.teacher), None).await.unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].kind, "deceased");
    assert!(ev[0].due.is_some(), "a must-visit task for the family");
});

on_every_db!(women_checkups_protections_and_retiree_milestones, |store, db| {
    let s = setup(&store, "C9").await;
    let today = jiaogong_store::care::today_cn();
    let mut tx = store.begin().await.unwrap();
    let ck = jiaogong_store::care::campaigns::create_checkup(
        &mut tx,
        &store.crypto,
        &s.id,
        "u-women",
        2026,
        "女教职工年度体检",
        &[(s.teacher.clone(), d("2026-05-10")), (s.leader.clone(), d("2026-05-11"))],
    )
    .await
    .unwrap();
    jiaogong_store::care::campaigns::mark_attended(&mut tx, &store.crypto, &s.id, "u-women", &ck, &s.teacher, true)
        .await
        .unwrap();
    let p = jiaogong_store::care::campaigns::add_protection(
        &mut tx,
        &store.crypto,
        &s.id,
        "u-women",
        &s.teacher,
        d("2026-09-30"),
        None,
        false,
        1,
    )
    .await
    .unwrap();
    assert!(!p.is_empty());
    // A retiree born 80 years ago gets a birthday task this year.
    let born = format!("{}-03-15", chrono::Datelike::year(&today) - 80);
    sqlx::query("UPDATE members SET status = 'retired', birth_date = $1 WHERE id = $2")
        .bind(&born)
        .bind(&s.leader)
        .execute(&mut *tx)
        .await
        .unwrap();
    let n = events::milestone_tasks(&mut tx, &store.crypto, &s.id, "u-welfare", chrono::Datelike::year(&today))
        .await
        .unwrap();
    assert_eq!(n, 1);
    let again = events::milestone_tasks(&mut tx, &store.crypto, &s.id, "u-welfare", chrono::Datelike::year(&today))
        .await
        .unwrap();
    assert_eq!(again, 0, "once per milestone");
    jiaogong_store::commit(tx).await.unwrap();
    let list = jiaogong_store::care::campaigns::checkups(&store, &s.id).await.unwrap();
    assert_eq!((list[0].scheduled, list[0].attended), (2, 1));
    let cols: Vec<String> = {
        let rows = sqlx::query("SELECT * FROM care_checkup_people").fetch_all(store.reader()).await.unwrap();
        rows.first()
            .map(|r| r.columns().iter().map(|c| sqlx::Column::name(c).to_string()).collect())
            .unwrap_or_default()
    };
    assert!(!cols.iter().any(|c| c.contains("result")), "no result is ever stored: {cols:?}");
    let prot = jiaogong_store::care::campaigns::protections(&store, &s.id).await.unwrap();
    assert_eq!(prot[0].leave_days, 98);
    assert_eq!(prot[0].dates.len(), 4);
    // Women committee members are reminded (none has an account here); the welfare task exists.
    let tasks = events::tasks(&store, &s.id, TaskFilter::Open, None, today).await.unwrap();
    assert!(tasks.iter().any(|t| t.kind == "birthday" && t.member_id == s.leader));
    // A man gets no protection checklist.
    let mut tx = store.begin().await.unwrap();
    sqlx::query("UPDATE members SET gender = 'M' WHERE id = $1").bind(&s.welfare).execute(&mut *tx).await.unwrap();
    let r = jiaogong_store::care::campaigns::add_protection(
        &mut tx,
        &store.crypto,
        &s.id,
        "u-women",
        &s.welfare,
        d("2026-09-30"),
        None,
        false,
        1,
    )
    .await;
    assert!(matches!(r, Err(CareFail::Invalid(_))));
});

on_every_db!(a_delegate_promotes_a_request_into_a_proposal_draft, |store, db| {
    use jiaogong_store::congress;
    let s = setup(&store, "CA").await;
    let mut tx = store.begin().await.unwrap();
    let term = congress::term(&mut tx, &s.id, 5, "2024-09-01").await.unwrap();
    let session = congress::create_session(&mut tx, &s.id, &term, 2, "第五届二次", "2026-11-20").await.unwrap();
    congress::add_delegate(&mut tx, &s.id, &term, &s.leader, "2024-09-01").await.unwrap();
    let r = requests::submit(
        &mut tx,
        &store.crypto,
        &s.id,
        "t",
        Some(&s.teacher),
        "welfare",
        "建议为教职工办理补充医疗保险，减轻大病负担。",
        true,
        d("2026-10-01"),
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let not_delegate = requests::promote(
        &mut tx,
        &store.crypto,
        &s.id,
        &r.id,
        &session,
        congress::proposals::Who { actor: "u-teacher", member: Some(&s.teacher), committee: false },
        d("2026-10-05"),
    )
    .await;
    assert!(matches!(not_delegate, Err(CareFail::Invalid(_))));
    tx.rollback().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let delegate = congress::proposals::Who { actor: "u-leader", member: Some(&s.leader), committee: false };
    let pid =
        requests::promote(&mut tx, &store.crypto, &s.id, &r.id, &session, delegate, d("2026-10-05")).await.unwrap();
    let again =
        requests::promote(&mut tx, &store.crypto, &s.id, &r.id, &session, delegate, d("2026-10-05")).await.unwrap();
    assert_eq!(pid, again, "promoted once");
    jiaogong_store::commit(tx).await.unwrap();
    let p = congress::proposals::get(&store, &s.id, &pid).await.unwrap();
    assert!(format!("{p:?}").contains("补充医疗保险"));
    let view = requests::get(&store, &s.id, &r.id, d("2026-10-05")).await.unwrap();
    assert_eq!(view.proposal_id.as_deref(), Some(pid.as_str()));
    assert!(view.member_id.is_none(), "promotion keeps the anonymity");
});
