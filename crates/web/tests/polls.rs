//! The poll API end to end: create, open, vote once, results hidden until close, and a bulletin
//! that recounts to the same result.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use serde_json::{json, Value};

async fn call(t: &common::TestApp, method: &str, uri: &str, who: &str, body: Value) -> (StatusCode, Value) {
    let r =
        t.send(t.req(method, uri, Some(t.as_role(who)), Body::from(body.to_string()), Some("application/json"))).await;
    let status = r.status();
    let text = common::body_text(r).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolution_from_draft_to_bulletin() {
    let t = common::app().await;
    let poll = json!({"poll": {"title": "关于方案的表决", "kind": "resolution", "rules": {"quorum": "1/2", "threshold": "1/2", "base": "valid"}}, "voters": [t.member_a]});
    let (s, v) = call(&t, "POST", "/api/v1/schools/a/polls", "chair", poll).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["electorate"], 1);
    // Not open yet.
    let (s, v) = call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", json!({"choice": "yes"})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("poll_not_open")));
    // Members cannot open it.
    let (s, _) = call(&t, "POST", &format!("/api/v1/polls/{id}/open"), "member", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = call(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    // A ballot that does not fit the poll is refused with a clear message.
    let (s, v) = call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", json!({"choice": "maybe"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) =
        call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", json!({"choice": "yes", "spoiled": true}))
            .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", json!({"choice": "yes"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let tracker = v["tracker"].as_str().unwrap().to_string();
    let (s, v) = call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", json!({"choice": "no"})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("already_voted")));
    // The chair (no member record) is not in the electorate.
    let (s, _) = call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "chair", json!({"choice": "no"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, v) = call(&t, "GET", &format!("/api/v1/polls/{id}/turnout"), "chair", json!({})).await;
    assert_eq!((v["electorate"].as_i64(), v["voted"].as_i64()), (Some(1), Some(1)));
    assert_eq!(v["not_voted"], json!([]));
    let (_, v) = call(&t, "GET", &format!("/api/v1/polls/{id}/turnout"), "member", json!({})).await;
    assert!(v.get("not_voted").is_none(), "members do not see who has not voted");
    let (s, v) = call(&t, "GET", &format!("/api/v1/polls/{id}/result"), "chair", json!({})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("results_hidden")));
    let (s, _) = call(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, result) = call(&t, "GET", &format!("/api/v1/polls/{id}/result"), "member", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (result["yes"].as_i64(), result["passed"].as_bool(), result["void_reason"].clone()),
        (Some(1), Some(true), Value::Null)
    );
    let (_, bulletin) = call(&t, "GET", &format!("/api/v1/polls/{id}/bulletin"), "member", json!({})).await;
    assert_eq!(bulletin["ballots"][0]["tracker"], tracker.as_str());
    assert!(!bulletin.to_string().contains(&t.member_a), "no voter in the bulletin");
    // Anyone recounts the bulletin to the same result.
    let recount = jiaogong_domain::ballots::tally_json(&bulletin.to_string()).unwrap();
    assert_eq!(recount, result);
    // Another school's chair sees nothing.
    let r = t.send(t.req("GET", &format!("/api/v1/polls/{id}/result"), Some(&t.chair_b), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn election_with_write_in_through_the_vote_page() {
    let t = common::app().await;
    let poll = json!({"poll": {"title": "工会委员选举", "kind": "election", "seats": 1, "candidates": ["甲", "乙"], "allow_write_in": true}, "voters": [t.member_a]});
    let (_, v) = call(&t, "POST", "/api/v1/schools/a/polls", "chair", poll).await;
    let id = v["id"].as_str().unwrap().to_string();
    call(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", json!({})).await;
    // Over-voting (two approvals for one seat) is refused before it is stored.
    let r = t
        .send(t.req(
            "POST",
            &format!("/polls/{id}/vote"),
            Some(t.as_role("member")),
            Body::from("yes=%E7%94%B2&yes=%E4%B9%99"),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .send(t.req(
            "POST",
            &format!("/polls/{id}/vote"),
            Some(t.as_role("member")),
            Body::from("write_in=%E4%B8%99"),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = common::body_text(r).await;
    assert!(page.contains("id=\"tracker\""), "the receipt is shown");
    call(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", json!({})).await;
    let (_, result) = call(&t, "GET", &format!("/api/v1/polls/{id}/result"), "chair", json!({})).await;
    assert_eq!(result["elected"], json!(["丙"]), "{result}");
}
