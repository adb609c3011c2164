//! The congress through the JSON API: sessions, delegates, attendance and proposals with their
//! lifecycle steps, with the pages' roles and rules; another school's ids are 404.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use jiaogong_domain::members::{validate_member, Field, RawMember};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::{congress, members, platform::accounts};
use serde_json::{json, Value};

async fn token_of(t: &common::TestApp, username: &str) -> String {
    let user = accounts::user_by_username(&t.store, username).await.unwrap().unwrap().0;
    let mut tx = t.store.begin().await.unwrap();
    let secret = accounts::create_api_token(&mut tx, &user.id, "api-congress").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    secret
}

async fn call(t: &common::TestApp, method: &str, uri: &str, bearer: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut r = Request::builder().method(method).uri(uri).header("authorization", format!("Bearer {bearer}"));
    let body = match body {
        Some(v) => {
            r = r.header("content-type", "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let resp = t.send(r.body(body).unwrap()).await;
    let status = resp.status();
    let text = common::body_text(resp).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// School A's audit entries whose action starts with `prefix`.
async fn audit_count(t: &common::TestApp, prefix: &str) -> usize {
    let entries = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 1000).await.unwrap();
    entries.iter().filter(|e| e.action.starts_with(prefix)).count()
}

struct Congress {
    session: String,
    /// (member id, API token) of three delegates with accounts.
    delegates: Vec<(String, String)>,
    /// A session of school B.
    session_b: String,
}

/// A coming session of school A with three delegates who have accounts, and a session of school B.
async fn congress(t: &common::TestApp) -> Congress {
    let mut tx = t.store.begin().await.unwrap();
    let term = congress::term(&mut tx, &t.school_a, 5, "2024-09-01").await.unwrap();
    let held = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive().format("%Y-%m-%d").to_string();
    let session = congress::create_session(&mut tx, &t.school_a, &term, 2, "第五届二次", &held).await.unwrap();
    let term_b = congress::term(&mut tx, &t.school_b, 1, "2024-09-01").await.unwrap();
    let session_b = congress::create_session(&mut tx, &t.school_b, &term_b, 1, "乙校一届一次", &held).await.unwrap();
    let mut ids = Vec::new();
    for (name, no) in [("代表甲", "D1"), ("代表乙", "D2"), ("代表丙", "D3")] {
        let m = validate_member(&RawMember::new().with(Field::Name, name).with(Field::EmployeeNo, no)).unwrap();
        let id = members::insert(&mut tx, &t.store.crypto, &t.school_a, &m, None, None).await.unwrap();
        congress::add_delegate(&mut tx, &t.school_a, &term, &id, "2024-09-01").await.unwrap();
        ids.push(id);
    }
    jiaogong_store::commit(tx).await.unwrap();
    let mut delegates = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let name = format!("d{i}");
        common::user(&t.store, Some(&t.school_a), None, &name, Role::Member, Some(id)).await;
        delegates.push((id.clone(), token_of(t, &name).await));
    }
    Congress { session, delegates, session_b }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_delegates_and_attendance_follow_the_pages_roles() {
    let t = common::app().await;
    let c = congress(&t).await;
    let chair = token_of(&t, "u-chair").await;
    let member = token_of(&t, "u-member").await;

    // Sessions: every member of the school reads them; never the check-in secret.
    let (s, v) = call(&t, "GET", "/api/v1/schools/a/congress/sessions", &member, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["sessions"][0]["id"], json!(c.session));
    assert_eq!(v["sessions"][0]["term"], json!(5));
    assert!(!v.to_string().contains("checkin"), "{v}");
    let (s, v) = call(&t, "GET", &format!("/api/v1/schools/a/congress/sessions/{}", c.session), &chair, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["title"], json!("第五届二次"));
    assert!(v["items"].is_array());

    // Delegates of the current term: the committee's list.
    let (s, v) = call(&t, "GET", "/api/v1/schools/a/congress/delegates", &chair, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["term"], json!(5));
    assert_eq!(v["delegates"].as_array().unwrap().len(), 3);
    assert_eq!(call(&t, "GET", "/api/v1/schools/a/congress/delegates", &member, None).await.0, StatusCode::FORBIDDEN);

    // Attendance: the clerk (chair) records, idempotently; a member may not.
    let att = format!("/api/v1/schools/a/congress/sessions/{}/attendance", c.session);
    let one = format!("{att}/{}", c.delegates[0].0);
    let (s, v) = call(&t, "PUT", &one, &chair, Some(json!({"present": true}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["present_count"], json!(1));
    let (_, v) = call(&t, "PUT", &one, &chair, Some(json!({"present": true}))).await;
    assert_eq!(v["present_count"], json!(1), "recording twice counts once");
    let (s, v) = call(&t, "GET", &att, &chair, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!((v["body"].clone(), v["present"].clone()), (json!(3), json!(1)));
    assert_eq!(v["quorum_met"], json!(false));
    assert_eq!(call(&t, "GET", &att, &member, None).await.0, StatusCode::FORBIDDEN);
    let (s, _) = call(&t, "PUT", &one, &member, Some(json!({"present": false}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A member outside the voting body: a clear 422, nothing recorded.
    let (s, v) = call(&t, "PUT", &format!("{att}/{}", t.member_a), &chair, Some(json!({"present": true}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], json!("not_in_voting_body"));
    assert!(v["error"]["message"].as_str().unwrap().contains("表决范围"));
    let (_, v) = call(&t, "PUT", &one, &chair, Some(json!({"present": false}))).await;
    assert_eq!(v["present_count"], json!(0));
    let audited = audit_count(&t, "congress.checkin.").await;
    assert_eq!(audited, 3, "every recorded change is audited");
    // Bad body: the JSON error shape.
    let (s, v) = call(&t, "PUT", &one, &chair, Some(json!({"present": "yes"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], json!("bad_json"));

    // Another school: its path is refused, its ids inside our path are not found.
    let chair_b = token_of(&t, "chair-b").await;
    assert_eq!(call(&t, "GET", "/api/v1/schools/a/congress/sessions", &chair_b, None).await.0, StatusCode::FORBIDDEN);
    let (s, _) = call(&t, "GET", &format!("/api/v1/schools/b/congress/sessions/{}", c.session), &chair_b, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(&t, "GET", &format!("/api/v1/schools/a/congress/sessions/{}", c.session_b), &chair, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) =
        call(&t, "GET", &format!("/api/v1/schools/b/congress/sessions/{}/attendance", c.session), &chair_b, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let other = format!("/api/v1/schools/a/congress/sessions/{}/attendance/{}", c.session, t.member_b);
    assert_eq!(call(&t, "PUT", &other, &chair, Some(json!({"present": false}))).await.0, StatusCode::NOT_FOUND);
}

fn draft(session: &str, title: &str) -> Value {
    json!({"session": session, "title": title, "category": "logistics", "reason": "中午食堂排队超过二十分钟", "measures": "增设两个打饭窗口，错峰就餐"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proposals_go_through_their_lifecycle_with_the_pages_rules() {
    let t = common::app().await;
    let c = congress(&t).await;
    let chair = token_of(&t, "u-chair").await;
    let member = token_of(&t, "u-member").await;
    let proposer = &c.delegates[0].1;

    // Only a delegate drafts; bad input says what is wrong.
    assert_eq!(
        call(&t, "POST", "/api/v1/schools/a/proposals", &member, Some(draft(&c.session, "x"))).await.0,
        StatusCode::FORBIDDEN
    );
    let mut bad = draft(&c.session, "");
    bad["title"] = json!("");
    let (s, v) = call(&t, "POST", "/api/v1/schools/a/proposals", proposer, Some(bad)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"]["message"].as_str().unwrap().contains("案题"), "{v}");
    let (s, v) = call(
        &t,
        "POST",
        "/api/v1/schools/a/proposals",
        proposer,
        Some(draft(&c.session, "关于缩短食堂排队时间的提案")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["state"], json!("draft"));
    let id = v["id"].as_str().unwrap().to_string();
    let url = format!("/api/v1/schools/a/proposals/{id}");

    // A draft is not for a member who is not a delegate.
    assert_eq!(call(&t, "GET", &url, &member, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(call(&t, "POST", &format!("{url}/cosign"), &member, None).await.0, StatusCode::NOT_FOUND);
    // Too few co-signers: the domain's refusal, as on the page.
    let (s, v) = call(&t, "POST", &format!("{url}/submit"), proposer, None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], json!("proposal_refused"));
    assert!(v["error"]["message"].as_str().unwrap().contains("还需要附议人"), "{v}");
    for d in &c.delegates[1..] {
        let (s, v) = call(&t, "POST", &format!("{url}/cosign"), &d.1, None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    assert_eq!(
        call(&t, "POST", &format!("{url}/cosign"), &c.delegates[1].1, None).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Only the proposer submits.
    assert_eq!(
        call(&t, "POST", &format!("{url}/submit"), &c.delegates[1].1, None).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (s, v) = call(&t, "POST", &format!("{url}/submit"), proposer, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["state"], json!("submitted"));

    // The committee reviews and assigns; a member may not.
    assert_eq!(
        call(&t, "POST", &format!("{url}/review"), &member, Some(json!({"decision": "accept"}))).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, v) = call(&t, "POST", &format!("{url}/review"), &chair, Some(json!({"decision": "maybe"}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"]["message"].as_str().unwrap().contains("审查结果"));
    let (s, v) = call(&t, "POST", &format!("{url}/review"), &chair, Some(json!({"decision": "accept"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["state"], json!("accepted"));
    let due = (chrono::Utc::now() + chrono::Duration::days(20)).date_naive().format("%Y-%m-%d").to_string();
    let (s, v) =
        call(&t, "POST", &format!("{url}/assign"), &chair, Some(json!({"department": "总务处", "due": due}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["state"], json!("assigned"));
    // Accepted: now public, in every member's list.
    let (s, v) = call(&t, "GET", "/api/v1/schools/a/proposals", &member, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["proposals"][0]["id"], json!(id));
    assert_eq!(call(&t, "GET", &url, &member, None).await.0, StatusCode::OK);
    // The committee records the reply; the proposer rates it.
    let (s, v) = call(
        &t,
        "POST",
        &format!("{url}/reply"),
        &chair,
        Some(json!({"status": "solved", "measures": "已增设两个窗口"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        call(&t, "POST", &format!("{url}/feedback"), &member, Some(json!({"rating": "satisfied"}))).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (s, v) = call(&t, "POST", &format!("{url}/feedback"), proposer, Some(json!({"rating": "satisfied"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["state"], json!("closed"));
    assert_eq!(v["replies"][0]["rating"], json!("satisfied"));
    assert!(v["history"].as_array().unwrap().len() >= 6, "{v}");

    // Refused steps are audited as on the pages.
    let refused = audit_count(&t, "proposal.refused").await;
    assert!(refused >= 4, "{refused}");

    // Another school's chair: refused on school A's path, not found on their own.
    let chair_b = token_of(&t, "chair-b").await;
    assert_eq!(call(&t, "GET", &url, &chair_b, None).await.0, StatusCode::FORBIDDEN);
    let (s, _) = call(&t, "GET", &format!("/api/v1/schools/b/proposals/{id}"), &chair_b, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(
        &t,
        "POST",
        &format!("/api/v1/schools/b/proposals/{id}/review"),
        &chair_b,
        Some(json!({"decision": "return", "reason": "x"})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(&t, "POST", "/api/v1/schools/b/proposals", &chair_b, Some(draft(&c.session, "x"))).await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::UNPROCESSABLE_ENTITY, "{s}");
    let (s, _) = call(&t, "GET", &format!("/api/v1/schools/b/proposals?session={}", c.session), &chair_b, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_a_staff_assembly_every_active_member_is_on_the_roll() {
    let t = common::app().await;
    let c = congress(&t).await;
    let chair = token_of(&t, "u-chair").await;
    let mut tx = t.store.begin().await.unwrap();
    let s = congress::session(&t.store, &t.school_a, &c.session).await.unwrap();
    congress::set_term_assembly(&mut tx, &t.school_a, &s.term_id, true).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    // A member who is no delegate may now be recorded present.
    let att = format!("/api/v1/schools/a/congress/sessions/{}/attendance", c.session);
    let (s, v) = call(&t, "PUT", &format!("{att}/{}", t.member_a), &chair, Some(json!({"present": true}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = call(&t, "GET", &att, &chair, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["assembly"], json!(true));
    assert_eq!(v["body"], json!(4), "the three delegates and the member are the active staff: {v}");
    assert_eq!(v["present"], json!(1));
    let roll = v["attendance"].as_array().unwrap();
    assert!(roll.iter().any(|p| p["member_id"] == json!(t.member_a) && p["present"] == json!(true)), "{v}");
    let (_, v) = call(&t, "GET", &format!("/api/v1/schools/a/congress/sessions/{}", c.session), &chair, None).await;
    assert_eq!(v["assembly"], json!(true));
}
