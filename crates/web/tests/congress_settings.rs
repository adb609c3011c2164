//! The per-school congress settings end to end: who may read and change them, a refused form
//! writes nothing, and each setting reaches the code that used its default (the quorum of a
//! session vote, the 差额 margin on the API, evaluation and selection defaults); and the
//! 教职工大会 mode, where every active member is the voting body.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use jiaogong_domain::members::{validate_member, Field, RawMember};
use serde_json::{json, Value};

fn form(t: &common::TestApp, uri: &str, who: &str, body: &str) -> axum::http::Request<Body> {
    t.req("POST", uri, Some(t.as_role(who)), Body::from(body.to_string()), Some("application/x-www-form-urlencoded"))
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn get(t: &common::TestApp, uri: &str, who: &str) -> (StatusCode, String) {
    let r = t.send(t.req("GET", uri, Some(t.as_role(who)), Body::empty(), None)).await;
    let s = r.status();
    (s, common::body_text(r).await)
}

async fn api(t: &common::TestApp, method: &str, uri: &str, who: &str, body: Option<Value>) -> (StatusCode, Value) {
    let r = t
        .send(t.req(
            method,
            uri,
            Some(t.as_role(who)),
            body.map(|b| Body::from(b.to_string())).unwrap_or_default(),
            Some("application/json"),
        ))
        .await;
    let s = r.status();
    (s, serde_json::from_str(&common::body_text(r).await).unwrap_or(Value::Null))
}

/// Adds active members A2..An to school A; returns every member id of school A.
async fn staff(t: &common::TestApp, n: usize) -> Vec<String> {
    let mut tx = t.store.begin().await.unwrap();
    let mut ids = vec![t.member_a.clone()];
    for i in 2..=n {
        let m = validate_member(
            &RawMember::new().with(Field::Name, format!("教师{i}")).with(Field::EmployeeNo, format!("A{i}")),
        )
        .unwrap();
        ids.push(jiaogong_store::members::insert(&mut tx, &t.store.crypto, &t.school_a, &m, None, None).await.unwrap());
    }
    jiaogong_store::commit(tx).await.unwrap();
    ids
}

fn settings_body(quorum: &str, margin: &str, extra: &str) -> String {
    format!(
        "quorum={}&margin_percent={margin}&min_group_size=7&flag_fail_ratio={}&publicity_days=8&min_cosigners=3&max_rounds=2{extra}",
        enc(quorum),
        enc("1/2")
    )
}

async fn save(t: &common::TestApp, quorum: &str, margin: &str, extra: &str) -> (StatusCode, String) {
    let r = t.send(form(t, "/s/a/congress/settings", "chair", &settings_body(quorum, margin, extra))).await;
    let s = r.status();
    (s, common::body_text(r).await)
}

/// A session of term 5 in school A; returns its page URL.
async fn session(t: &common::TestApp) -> String {
    let body = format!("term=5&number=1&title={}&held_on=2030-12-20", enc("第五届一次"));
    let r = t.send(form(t, "/s/a/congress", "chair", &body)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    r.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_show_defaults_only_chair_and_admin_change_them_and_bad_input_writes_nothing() {
    let t = common::app().await;
    for who in ["chair", "admin", "org_committee", "auditor"] {
        let (s, page) = get(&t, "/s/a/congress/settings", who).await;
        assert_eq!(s, StatusCode::OK, "{who}");
        assert!(page.contains("2/3") && page.contains("1/3"), "{who} sees the defaults");
    }
    assert_eq!(get(&t, "/s/a/congress/settings", "member").await.0, StatusCode::FORBIDDEN);
    let (_, auditor) = get(&t, "/s/a/congress/settings", "auditor").await;
    assert!(!auditor.contains("settings-save"), "the auditor reads, no form");
    let r = t.send(form(&t, "/s/a/congress/settings", "org_committee", &settings_body("3/4", "10", ""))).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = t.send(t.req("GET", "/s/b/congress/settings", Some(t.as_role("chair")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "another school's settings");

    // Refused: a quorum below one half, a margin out of range; the form comes back as typed.
    let (s, page) = save(&t, "1/3", "10", "").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("法定人数请填写 1/2 到 1/1 之间的分数") && page.contains("value=\"1/3\""), "{page}");
    let (s, page) = save(&t, "3/4", "百分之十", "").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("差额比例请填写 0 到 50 之间的整数"));
    let stored = jiaogong_store::congress::congress_settings::get(&t.store, &t.school_a).await.unwrap();
    assert_eq!(stored, jiaogong_domain::congress::CongressSettings::default(), "nothing written");

    let (s, _) = save(&t, "３／４", "10", "").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let stored = jiaogong_store::congress::congress_settings::get(&t.store, &t.school_a).await.unwrap();
    assert_eq!((stored.quorum.to_string(), stored.margin_percent, stored.min_group_size), ("3/4".to_string(), 10, 7));
    assert_eq!((stored.flag_fail_ratio.to_string(), stored.publicity_days), ("1/2".to_string(), 8));
    let p = jiaogong_store::congress::proposals::settings(&t.store, &t.school_a).await.unwrap();
    assert_eq!((p.min_cosigners, p.max_rounds), (3, 2), "the proposal settings are on the same page");
    let (_, page) = get(&t, "/s/a/congress/settings", "auditor").await;
    assert!(page.contains("id=\"v-quorum\">3/4<") && page.contains("id=\"v-cosigners\">3<"));
    let (_, audit) = get(&t, "/s/a/audit", "chair").await;
    assert!(audit.contains("congress.settings") && audit.contains("proposal.settings"), "both changes audited");
    // Another school keeps its defaults.
    let b = jiaogong_store::congress::congress_settings::get(&t.store, &t.school_b).await.unwrap();
    assert_eq!(b.quorum.to_string(), "2/3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_school_quorum_decides_when_a_session_vote_may_open() {
    let t = common::app().await;
    staff(&t, 4).await;
    let url = session(&t).await;
    assert_eq!(
        t.send(form(&t, &format!("{url}/delegates"), "chair", "employee_nos=A1 A2 A3 A4")).await.status(),
        StatusCode::SEE_OTHER
    );
    let sid = url.rsplit('/').next().unwrap().to_string();
    let s = jiaogong_store::congress::session(&t.store, &t.school_a, &sid).await.unwrap();
    let mut tx = t.store.begin().await.unwrap();
    for m in jiaogong_store::congress::current_delegate_ids(&t.store, &s.term_id).await.unwrap().iter().take(3) {
        assert!(jiaogong_store::congress::check_in(&mut tx, &s, m, "clerk").await.unwrap());
    }
    jiaogong_store::commit(tx).await.unwrap();
    // 3 of 4 present reaches the default 2/3 but not a quorum of 4/5 set by the school.
    assert_eq!(save(&t, "4/5", "5", "").await.0, StatusCode::SEE_OTHER);
    let r = t.send(form(&t, &format!("{url}/polls"), "chair", &format!("title={}", enc("决议一")))).await;
    let poll = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    let def: Value =
        serde_json::from_str(&jiaogong_store::congress::polls::by_id(&t.store, &poll).await.unwrap().definition)
            .unwrap();
    assert_eq!(def["rules"]["quorum"], "4/5", "the session vote carries the school's quorum");
    let (s, v) = api(&t, "POST", &format!("/api/v1/polls/{poll}/open"), "chair", None).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(v["error"]["message"].as_str().unwrap().contains("4/5"), "{v}");
    let (_, page) = get(&t, &url, "chair").await;
    assert!(page.contains("未达法定人数（4/5）"));
    // Lowered to 3/4, the same presence (inclusive bound) lets the vote open.
    assert_eq!(save(&t, "3/4", "5", "").await.0, StatusCode::SEE_OTHER);
    let (s, _) = api(&t, "POST", &format!("/api/v1/polls/{poll}/open"), "chair", None).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_elections_follow_the_school_margin_unless_uncontested() {
    let t = common::app().await;
    let election = |n: usize, seats: u64| {
        let names: Vec<String> = (1..=n).map(|i| format!("候选{i}")).collect();
        json!({"title": "工会委员选举", "kind": "election", "seats": seats, "candidates": names})
    };
    // Default 5 %: 7 seats need 8 candidates.
    let (s, v) = api(&t, "POST", "/api/v1/schools/a/polls", "chair", Some(json!({"poll": election(7, 7)}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "not_competitive");
    assert!(v["error"]["message"].as_str().unwrap().contains("至少需要 8 名候选人"));
    assert_eq!(jiaogong_store::congress::polls::list(&t.store, &t.school_a).await.unwrap().len(), 0, "nothing written");
    let (s, _) = api(&t, "POST", "/api/v1/schools/a/polls", "chair", Some(json!({"poll": election(8, 7)}))).await;
    assert_eq!(s, StatusCode::CREATED);
    // The school sets 50 %: 4 seats need 6 candidates.
    assert_eq!(save(&t, "2/3", "50", "").await.0, StatusCode::SEE_OTHER);
    let (s, v) = api(&t, "POST", "/api/v1/schools/a/polls", "chair", Some(json!({"poll": election(5, 4)}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"]["message"].as_str().unwrap().contains("至少需要 6 名候选人"), "{v}");
    let (s, _) = api(&t, "POST", "/api/v1/schools/a/polls", "chair", Some(json!({"poll": election(6, 4)}))).await;
    assert_eq!(s, StatusCode::CREATED);
    // The chair elected 等额.
    let body = json!({"poll": election(1, 1), "uncontested": true});
    assert_eq!(api(&t, "POST", "/api/v1/schools/a/polls", "chair", Some(body)).await.0, StatusCode::CREATED);
    // The form follows the same rule.
    let body = format!(
        "title={}&kind=election&purpose=union_election&seats=4&candidates={}",
        enc("委员"),
        enc("甲、乙、丙、丁、戊")
    );
    let page = common::body_text(t.send(form(&t, "/s/a/polls", "chair", &body)).await).await;
    assert!(page.contains("至少需要 6 名候选人"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_evaluations_and_selections_take_the_school_defaults() {
    let t = common::app().await;
    assert_eq!(save(&t, "2/3", "5", "").await.0, StatusCode::SEE_OTHER);
    let (_, page) = get(&t, "/s/a/evaluations", "chair").await;
    assert!(page.contains("name=\"min_group_size\" value=\"7\""), "the form starts from the school's minimum");
    let setup = format!(
        "title={}&electorate=all_staff&min_group_size=7&items=&grades={}&group_name={}&group_who=everyone&group_weight=1",
        enc("年度测评"),
        enc("优秀=100\n称职=80\n基本称职=60\n不称职=0"),
        enc("教职工")
    );
    let r = t.send(form(&t, "/s/a/evaluations", "chair", &setup)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let ev = jiaogong_store::congress::evaluations::list(&t.store, &t.school_a).await.unwrap().remove(0);
    let s: Value = serde_json::from_str(&ev.settings).unwrap();
    assert_eq!((s["flag_fail_ratio"].as_str(), s["min_group_size"].as_u64()), (Some("1/2"), Some(7)));

    let (_, page) = get(&t, "/s/a/selections", "chair").await;
    assert!(page.contains("name=\"publicity_days\" inputmode=\"numeric\" value=\"8\""));
    let body = format!("title={}&award={}&quota=2", enc("仁爱教师评选"), enc("仁爱教师"));
    assert_eq!(t.send(form(&t, "/s/a/selections", "chair", &body)).await.status(), StatusCode::SEE_OTHER);
    let sel = jiaogong_store::congress::selections::list(&t.store, &t.school_a).await.unwrap().remove(0);
    assert_eq!(sel.publicity_days, 8, "a selection without a period takes the school's");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assembly_makes_every_active_member_the_voting_body() {
    let t = common::app().await;
    staff(&t, 3).await;
    assert_eq!(save(&t, "2/3", "5", "&assembly=1").await.0, StatusCode::SEE_OTHER);
    let url = session(&t).await;
    let sid = url.rsplit('/').next().unwrap().to_string();
    let s = jiaogong_store::congress::session(&t.store, &t.school_a, &sid).await.unwrap();
    assert!(s.is_assembly(), "a new term takes the school's mode");
    let (_, page) = get(&t, &url, "chair").await;
    assert!(page.contains("教职工大会") && page.contains("id=\"n-delegates\">3<"), "3 active members expected");
    // No delegate was added: the member (not a delegate) signs in herself.
    let mut tx = t.store.begin().await.unwrap();
    assert!(jiaogong_store::congress::check_in(&mut tx, &s, &t.member_a, "qr").await.unwrap());
    jiaogong_store::commit(tx).await.unwrap();
    let (_, page) = get(&t, &url, "chair").await;
    assert!(page.contains("id=\"n-present\">1<") && page.contains("未达法定人数"));
    let r = t.send(form(&t, &format!("{url}/attendance/{}", staff_id(&t, "A2").await), "chair", "")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the clerk ticks a member");
    // A vote of the session: every active member is the electorate; 2 of 3 present is 2/3.
    let r = t.send(form(&t, &format!("{url}/polls"), "chair", &format!("title={}", enc("决议")))).await;
    let poll = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    let (s, _) = api(&t, "POST", &format!("/api/v1/polls/{poll}/open"), "chair", None).await;
    assert_eq!(s, StatusCode::OK);
    let (_, turnout) = api(&t, "GET", &format!("/api/v1/polls/{poll}/turnout"), "chair", None).await;
    assert_eq!(turnout["electorate"], 3);
    let (s, _) =
        api(&t, "POST", &format!("/api/v1/polls/{poll}/ballots"), "member", Some(json!({"choice": "yes"}))).await;
    assert_eq!(s, StatusCode::CREATED, "a member who is not a delegate votes at the assembly");
    // The member may draft a proposal for the session.
    let (_, page) = get(&t, "/s/a/proposals/new", "member").await;
    assert!(page.contains(&sid), "the assembly's session is offered to the member");
    // The term has a vote now: its form is fixed.
    let r = t.send(form(&t, &format!("{url}/mode"), "chair", "assembly=0")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::body_text(r).await.contains("不能再改变会议形式"));
}

async fn staff_id(t: &common::TestApp, no: &str) -> String {
    jiaogong_store::members::dues::employee_numbers(&t.store, &t.school_a).await.unwrap()[no].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assembly_is_refused_with_a_hundred_active_staff() {
    let t = common::app().await;
    staff(&t, 100).await;
    let (s, page) = save(&t, "2/3", "5", "&assembly=1").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("本校在职会员有 100 人") && page.contains("应当召开教职工代表大会"), "{page}");
    assert!(!jiaogong_store::congress::congress_settings::get(&t.store, &t.school_a).await.unwrap().assembly);
    let url = session(&t).await;
    let r = t.send(form(&t, &format!("{url}/mode"), "chair", "assembly=1")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let sid = url.rsplit('/').next().unwrap().to_string();
    assert!(!jiaogong_store::congress::session(&t.store, &t.school_a, &sid).await.unwrap().is_assembly());
}
