//! Care through the router: the API of issue 15 with its statuses (201 with the task's due date,
//! 404 for another school's member, a Chinese 400 for a death in the future and for an amount in
//! words or with three decimals, one visit for a retried key), the chair's approval on the page
//! and the draft voucher it clears, anonymous requests followed by code only, hardship files
//! closed to the member and amounts-only for the auditor, and the pages rendering.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use jiaogong_domain::platform::roles::Role;
use serde_json::{json, Value};

type Who = (String, String);

async fn api(t: &common::TestApp, method: &str, uri: &str, who: &Who, body: Option<Value>) -> (StatusCode, Value) {
    let b = body.map(|v| Body::from(v.to_string())).unwrap_or_else(Body::empty);
    let r = t.send(t.req(method, uri, Some(who), b, Some("application/json"))).await;
    let status = r.status();
    let text = common::body_text(r).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn get(t: &common::TestApp, uri: &str, who: &Who) -> (StatusCode, String) {
    let r = t.send(t.req("GET", uri, Some(who), Body::empty(), None)).await;
    let status = r.status();
    (status, common::body_text(r).await)
}

async fn post_form(t: &common::TestApp, uri: &str, who: &Who, body: &str) -> (StatusCode, String, String) {
    let r = t
        .send(t.req("POST", uri, Some(who), Body::from(body.to_string()), Some("application/x-www-form-urlencoded")))
        .await;
    let status = r.status();
    let loc = r.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (status, loc, common::body_text(r).await)
}

fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

fn iso(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn care_api_reports_events_and_records_visits_once() {
    let t = common::app().await;
    let welfare = t.as_role("welfare").clone();
    let member = t.as_role("member").clone();
    let day = today().checked_sub_days(chrono::Days::new(2)).unwrap();
    let (s, v) = api(
        &t,
        "POST",
        "/api/v1/schools/a/care/events",
        &welfare,
        Some(json!({"member": t.member_a, "type": "hospitalised", "date": iso(day)})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let due = v["task"]["due"].as_str().unwrap();
    assert_eq!(due, iso(day.checked_add_days(chrono::Days::new(7)).unwrap()));
    let task = v["task"]["id"].as_str().unwrap().to_string();
    // The same report again: the first event, nothing written twice.
    let (s, again) = api(
        &t,
        "POST",
        "/api/v1/schools/a/care/events",
        &welfare,
        Some(json!({"member": t.member_a, "type": "hospitalised", "date": iso(day)})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(again["id"], v["id"]);
    // Another school's member: not found.
    let (s, _) = api(
        &t,
        "POST",
        "/api/v1/schools/a/care/events",
        &welfare,
        Some(json!({"member": t.member_b, "type": "hospitalised", "date": iso(day)})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A death in the future: a Chinese message.
    let tomorrow = today().checked_add_days(chrono::Days::new(1)).unwrap();
    let (s, e) = api(
        &t,
        "POST",
        "/api/v1/schools/a/care/events",
        &welfare,
        Some(json!({"member": t.member_a, "type": "bereaved", "date": iso(tomorrow)})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.to_string().contains("去世日期不能晚于今天"), "{e}");
    // A member reports their own event, not someone else's.
    let (s, _) = api(
        &t,
        "POST",
        "/api/v1/schools/a/care/events",
        &member,
        Some(json!({"member": t.member_a, "type": "married", "date": iso(day)})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    // Tasks: open, and the member may not list them.
    let (s, v) = api(&t, "GET", "/api/v1/schools/a/care/tasks?state=open", &welfare, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["tasks"].as_array().unwrap().len(), 2);
    let (s, _) = api(&t, "GET", "/api/v1/schools/a/care/tasks", &member, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Amounts in words or with three decimals are refused in Chinese; nothing written.
    let uri = format!("/api/v1/care/tasks/{task}/visits");
    for bad in ["五百元", "500.123"] {
        let (s, e) = api(
            &t,
            "POST",
            &uri,
            &welfare,
            Some(json!({"date": iso(today()), "amount": bad, "visitors": [t.member_a], "key": "x"})),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(e.to_string().contains("金额"), "{e}");
    }
    // A visit before the event.
    let before = day.checked_sub_days(chrono::Days::new(1)).unwrap();
    let (s, e) = api(
        &t,
        "POST",
        &uri,
        &welfare,
        Some(json!({"date": iso(before), "amount": "500", "visitors": [t.member_a], "key": "y"})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e.to_string().contains("早于事件日期"), "{e}");
    // 1,200 yuan: above the 1,000 standard; recorded once for a retried key.
    let body = json!({"date": iso(today()), "amount": "1200", "visitors": [t.member_a], "key": "k-1"});
    let (s, first) = api(&t, "POST", &uri, &welfare, Some(body.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    assert_eq!(first["needs_approval"], true);
    let (s, second) = api(&t, "POST", &uri, &welfare, Some(body)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(second["id"], first["id"]);
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM care_visits").fetch_one(t.store.reader()).await.unwrap();
    assert_eq!(n, 1);
    let visit = first["id"].as_str().unwrap().to_string();
    // The chair approves on the page; an empty reason is refused.
    let chair = t.as_role("chair").clone();
    let (s, _, _) =
        post_form(&t, &format!("/care/visits/{visit}/approve"), &chair, &format!("_csrf={}&reason=", chair.1)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _, _) =
        post_form(&t, &format!("/care/visits/{visit}/approve"), &welfare, &format!("_csrf={}&reason=x", welfare.1))
            .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only the chair approves");
    let (s, loc, _) = post_form(
        &t,
        &format!("/care/visits/{visit}/approve"),
        &chair,
        &format!("_csrf={}&reason=%E7%97%85%E6%83%85%E4%B8%A5%E9%87%8D", chair.1),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(loc, format!("/care/visits/{visit}"));
    let (cleared,): (Option<String>,) =
        sqlx::query_as("SELECT cleared_by FROM fin_vouchers WHERE source_kind = 'care_visit' AND source_id = $1")
            .bind(&visit)
            .fetch_one(t.store.reader())
            .await
            .unwrap();
    assert_eq!(cleared.as_deref(), Some("u-chair"));
    // Compliance of the year.
    use chrono::Datelike;
    let (s, c) = api(&t, "GET", &format!("/api/v1/schools/a/care/compliance?year={}", day.year()), &chair, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["on_time"], 1);
    assert_eq!(c["months"].as_array().unwrap().len(), 12);
    // The pages render.
    for page in [
        "/care",
        "/care/tasks",
        "/care/tasks?state=done",
        &format!("/care/tasks/{task}"),
        &format!("/care/visits/{visit}"),
        "/care/campaigns",
        "/care/figures",
    ] {
        let (s, body) = get(&t, page, &chair).await;
        assert_eq!(s, StatusCode::OK, "{page}: {body}");
    }
    let (s, body) = get(&t, "/care", &chair).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("<svg"), "the compliance chart");
    let r = t.send(t.req("GET", "/care/tasks.xlsx?state=all", Some(&chair), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (s, _) = get(&t, "/care/report", &member).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_request_is_followed_by_its_code_only() {
    let t = common::app().await;
    let member = t.as_role("member").clone();
    let welfare = t.as_role("welfare").clone();
    let (s, v) = api(
        &t,
        "POST",
        "/api/v1/schools/a/requests",
        &member,
        Some(json!({"category": "work", "text": "希望减少无关会议", "anonymous": true})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let code = v["code"].as_str().unwrap().to_string();
    // Without the code the requester is nobody: not found.
    let (s, _) = api(&t, "GET", &format!("/api/v1/requests/{id}"), &member, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, r) = api(&t, "GET", &format!("/api/v1/requests/{id}?code={code}"), &member, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["anonymous"], true);
    // The committee sees it without its member, and answers.
    let (s, r) = api(&t, "GET", &format!("/api/v1/requests/{id}"), &welfare, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(r["member"].is_null());
    let (s, r) =
        api(&t, "POST", &format!("/api/v1/requests/{id}/answer"), &welfare, Some(json!({"text": "已与教务处商定"})))
            .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["state"], "answered");
    // The member may not answer.
    let (s, _) = api(&t, "POST", &format!("/api/v1/requests/{id}/answer"), &member, Some(json!({"text": "x"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The follow page by code, and the requester reopens with it.
    let enc: String = url::form_urlencoded::byte_serialize(code.as_bytes()).collect();
    let (s, body) = get(&t, &format!("/requests/follow?code={enc}"), &member).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("已与教务处商定"));
    let (s, _, _) = post_form(
        &t,
        &format!("/requests/{id}/respond"),
        &member,
        &format!("_csrf={}&step=reopen&text=%E6%B2%A1%E8%90%BD%E5%AE%9E&code={enc}", member.1),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, r) = api(&t, "GET", &format!("/api/v1/requests/{id}?code={code}"), &member, None).await;
    assert_eq!(r["state"], "reopened");
    // The audit log names no one for the requester's steps.
    let actors: Vec<(String,)> = sqlx::query_as(
        "SELECT actor FROM audit_log WHERE target = $1 AND action IN ('care.request.submit', 'care.request.reopen')",
    )
    .bind(&id)
    .fetch_all(t.store.reader())
    .await
    .unwrap();
    assert_eq!(actors, vec![("anonymous".to_string(),), ("anonymous".to_string(),)]);
    // A bad code is a clear message.
    let (s, body) = get(&t, "/requests/follow?code=AAAA", &member).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("查询码不正确"));
    // The committee's list and the member's page render.
    let (s, _) = get(&t, "/care/requests?overdue=1", &welfare).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = get(&t, "/requests", &member).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hardship_files_are_for_chair_and_welfare_and_amounts_for_the_auditor() {
    let t = common::app().await;
    let welfare = t.as_role("welfare").clone();
    let body = format!(
        "_csrf={}&member={}&date=2026-01-05&causes=%E5%A4%A7%E7%97%85&size=3&income=30000&rigid=6000&costs=0&notes=%E9%80%8F%E6%9E%90",
        welfare.1, t.member_a
    );
    let (s, _, b) = post_form(&t, "/care/hardship", &welfare, &body).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{b}");
    let (s, page) = get(&t, "/care/hardship", &welfare).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("甲一") && page.contains("透析") && page.contains("深度困难"));
    let (s, page) = get(&t, "/care/hardship", t.as_role("auditor")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!page.contains("甲一") && !page.contains("透析"), "the auditor sees amounts only");
    for role in ["member", "admin", "org_committee", "group_leader"] {
        let (s, _) = get(&t, "/care/hardship", t.as_role(role)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
        let (s, _) = get(&t, "/care/hardship.xlsx", t.as_role(role)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
    let r = t.send(t.req("GET", "/care/hardship.xlsx", Some(t.as_role("auditor")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (views,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'care.hardship.view'")
        .fetch_one(t.store.reader())
        .await
        .unwrap();
    assert_eq!(views, 3, "two page views and the export's read");
    let (exports,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'care.hardship.export'")
        .fetch_one(t.store.reader())
        .await
        .unwrap();
    assert_eq!(exports, 1);
    // The women staff's page.
    let (s, _) = get(&t, "/care/women", t.as_role("women_committee")).await;
    assert_eq!(s, StatusCode::OK);
    let _ = Role::Welfare;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chair_sets_a_rule_and_the_next_event_follows_it() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let (s, page) = get(&t, "/care/settings", &chair).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("安徽"), "the province's ceiling and its source are shown");
    let body =
        format!("_csrf={}&code=hospitalised&name=&must_visit=1&days=3&standard=800&cap=1600&notify_welfare=1", chair.1);
    let (s, _, b) = post_form(&t, "/care/settings/rules", &chair, &body).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{b}");
    let bad = format!("_csrf={}&code=hospitalised&days=3&standard=%E5%85%AB%E7%99%BE&cap=1600", chair.1);
    let (s, _, b) = post_form(&t, "/care/settings/rules", &chair, &bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b.contains("金额"), "{b}");
    let day = today();
    let (s, v) = api(
        &t,
        "POST",
        "/api/v1/schools/a/care/events",
        &chair,
        Some(json!({"member": t.member_a, "type": "hospitalised", "date": iso(day)})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(v["task"]["due"], iso(day.checked_add_days(chrono::Days::new(3)).unwrap()));
    // A type that is not must-visit makes no task.
    let (s, v) = api(
        &t,
        "POST",
        "/api/v1/schools/a/care/events",
        &chair,
        Some(json!({"member": t.member_a, "type": "birthday", "date": iso(day)})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    assert!(v["task"].is_null());
    let (s, _) = get(&t, "/care/settings", t.as_role("welfare")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visit_photo_is_uploaded_re_encoded_and_shown() {
    let t = common::app().await;
    let welfare = t.as_role("welfare").clone();
    let day = today();
    let (_, v) = api(
        &t,
        "POST",
        "/api/v1/schools/a/care/events",
        &welfare,
        Some(json!({"member": t.member_a, "type": "hospitalised", "date": iso(day)})),
    )
    .await;
    let task = v["task"]["id"].as_str().unwrap().to_string();
    let (_, visit) = api(
        &t,
        "POST",
        &format!("/api/v1/care/tasks/{task}/visits"),
        &welfare,
        Some(json!({"date": iso(day), "gift": "goods", "visitors": [t.member_a]})),
    )
    .await;
    let visit = visit["id"].as_str().unwrap().to_string();
    let (s, _) = get(&t, &format!("/care/visits/{visit}/photo"), &welfare).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let img = image::RgbImage::from_pixel(20, 10, image::Rgb([10, 120, 200]));
    let mut jpeg = Vec::new();
    img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new(&mut jpeg)).unwrap();
    let boundary = "XcareX";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n", welfare.1).into_bytes();
    body.extend_from_slice(&jpeg);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = t
        .send(t.req(
            "POST",
            &format!("/care/visits/{visit}/photo"),
            Some(&welfare),
            Body::from(body),
            Some(&format!("multipart/form-data; boundary={boundary}")),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = t.send(t.req("GET", &format!("/care/visits/{visit}/photo"), Some(&welfare), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (s, page) = get(&t, &format!("/care/visits/{visit}"), &welfare).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("/photo\""));
}
