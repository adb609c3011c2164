//! Dues seen from every side agree: the chair's month sheet (page and API), the chair's view of
//! one member and the member's own page all follow one rule of what a month asks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use jiaogong_domain::members::dues::MonthKey;

fn this_month() -> MonthKey {
    MonthKey::of((chrono::Utc::now() + chrono::Duration::hours(8)).date_naive())
}

async fn sheet(t: &common::TestApp, month: MonthKey) -> serde_json::Value {
    let uri = format!("/api/v1/schools/a/dues?month={month}");
    let r = t.send(t.req("GET", &uri, Some(t.as_role("chair")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    serde_json::from_str(&common::body_text(r).await).unwrap()
}

fn line_of(v: &serde_json::Value, employee_no: &str) -> Option<serde_json::Value> {
    v["members"].as_array().unwrap().iter().find(|m| m["employee_no"] == employee_no).cloned()
}

fn bold(html: &str, id: &str) -> String {
    let start = html.find(&format!("id=\"{id}\">")).unwrap_or_else(|| panic!("{id} missing")) + id.len() + 6;
    html[start..start + html[start..].find("</b>").unwrap()].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn months_before_joining_and_months_to_come_ask_no_dues_and_every_view_agrees() {
    let t = common::app().await;
    let now = this_month();
    // 甲一 joined the union on the first day of this month, at a base salary of 6,000 yuan.
    let joined = now.first_day().unwrap().format("%Y-%m-%d").to_string();
    let uri = format!("/api/v1/members/{}", t.member_a);
    let body = Body::from(format!(r#"{{"joined_union": "{joined}"}}"#));
    let r = t.send(t.req("PATCH", &uri, Some(t.as_role("chair")), body, Some("application/json"))).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", common::body_text(r).await);
    let mut tx = t.store.begin().await.unwrap();
    for month in [now.prev(), now, now.next()] {
        jiaogong_store::members::dues::set_salary(&mut tx, &t.school_a, &t.member_a, &month.to_string(), 600_000)
            .await
            .unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();

    assert!(line_of(&sheet(&t, now.prev()).await, "A1").is_none(), "before joining, nothing is owed");
    assert!(line_of(&sheet(&t, now.next()).await, "A1").is_none(), "a month to come asks nothing yet");
    let line = line_of(&sheet(&t, now).await, "A1").expect("this month is owed");
    assert_eq!((line["due_fen"].as_i64(), line["arrears_fen"].as_i64()), (Some(3000), Some(3000)));

    // The member's own page and the chair's page of that member say the same 30.00 owed.
    let r = t.send(t.req("GET", "/me", Some(t.as_role("member")), Body::empty(), None)).await;
    let mine = bold(&common::body_text(r).await, "my-arrears");
    let uri = format!("/s/a/dues/member/{}", t.member_a);
    let r = t.send(t.req("GET", &uri, Some(t.as_role("chair")), Body::empty(), None)).await;
    let chairs = bold(&common::body_text(r).await, "member-arrears");
    assert!(mine.contains("30.00"), "{mine}");
    assert_eq!(mine, chairs);

    // A payment booked ahead for next month still shows on that month's sheet, with nothing due.
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/dues/payments",
            Some(t.as_role("chair")),
            Body::from(format!(r#"{{"employee_no": "A1", "month": "{}", "amount": "30"}}"#, now.next())),
            Some("application/json"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let line = line_of(&sheet(&t, now.next()).await, "A1").expect("a booked payment is shown");
    assert_eq!((line["due_fen"].as_i64(), line["paid_fen"].as_i64()), (Some(0), Some(3000)));
}

async fn pay(t: &common::TestApp, body: &str, key: Option<&str>) -> (StatusCode, serde_json::Value) {
    let mut req = t.req(
        "POST",
        "/api/v1/schools/a/dues/payments",
        Some(t.as_role("chair")),
        Body::from(body.to_string()),
        Some("application/json"),
    );
    if let Some(k) = key {
        req.headers_mut().insert("idempotency-key", k.parse().unwrap());
    }
    let r = t.send(req).await;
    let status = r.status();
    (status, serde_json::from_str(&common::body_text(r).await).unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absurd_amounts_and_decimal_commas_are_refused_and_sums_stay_sane() {
    let t = common::app().await;
    let month = this_month().prev();
    for amount in ["92233720368547758.07", "10000.01", "12,5"] {
        let body = format!(r#"{{"employee_no": "A1", "month": "{month}", "amount": "{amount}"}}"#);
        let (status, v) = pay(&t, &body, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{amount}: {v}");
        assert_eq!(v["error"]["code"], "bad_amount", "{amount}");
    }
    let (_, v) = pay(&t, &format!(r#"{{"employee_no": "A1", "month": "{month}", "amount": "12,5"}}"#), None).await;
    assert!(v["error"]["message"].as_str().unwrap().contains("小数点"), "{v}");
    // Nothing was booked, and the month's page answers.
    assert_eq!(line_of(&sheet(&t, month).await, "A1").unwrap()["paid_fen"].as_i64(), Some(0));
    let r =
        t.send(t.req("GET", &format!("/s/a/dues?month={month}"), Some(t.as_role("chair")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_payment_request_sent_twice_is_booked_once() {
    let t = common::app().await;
    let month = this_month().prev();
    let body = format!(r#"{{"employee_no": "A1", "month": "{month}", "amount": "30", "paid_on": "2026-10-10"}}"#);
    let (s1, v1) = pay(&t, &body, None).await;
    let (s2, v2) = pay(&t, &body, None).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(v1["id"], v2["id"]);
    assert_eq!(v2["duplicate"], true);
    // With an Idempotency-Key, two equal payments under different keys are two payments.
    let (s3, _) = pay(&t, &body, Some("batch-1")).await;
    let (s4, _) = pay(&t, &body, Some("batch-1")).await;
    let (s5, _) = pay(&t, &body, Some("batch-2")).await;
    assert_eq!((s3, s4, s5), (StatusCode::CREATED, StatusCode::OK, StatusCode::CREATED));
    assert_eq!(line_of(&sheet(&t, month).await, "A1").unwrap()["paid_fen"].as_i64(), Some(9000));

    // The page's form carries a one-time key: sent twice, one payment.
    let (token, csrf) = t.as_role("chair").clone();
    let form = format!("_csrf={csrf}&request_key=form-once&employee_no=A1&month={month}&amount=5&paid_on=2026-10-11");
    for _ in 0..2 {
        let req = axum::http::Request::builder()
            .method("POST")
            .uri("/s/a/dues/payments")
            .header("cookie", format!("jg_session={token}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form.clone()))
            .unwrap();
        assert_eq!(t.send(req).await.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(line_of(&sheet(&t, month).await, "A1").unwrap()["paid_fen"].as_i64(), Some(9500));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_arrears_to_do_opens_the_month_filtered_to_the_members_it_counts() {
    let t = common::app().await;
    // A1 has a salary, so owes this month's dues until paid.
    let mut tx = t.store.begin().await.unwrap();
    sqlx::query("UPDATE members SET base_salary_fen = 600000 WHERE id = $1")
        .bind(&t.member_a)
        .execute(&mut *tx)
        .await
        .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let month = this_month();
    assert!(line_of(&sheet(&t, month).await, "A1").unwrap()["due_fen"].as_i64().unwrap() > 0);
    let home = common::body_text(t.send(t.req("GET", "/", Some(t.as_role("chair")), Body::empty(), None)).await).await;
    let link = format!("/s/a/dues?month={month}&#38;only_arrears=1");
    assert!(home.contains(&link), "{home}");
    let r = t.send(t.req("GET", &link.replace("&#38;", "&"), Some(t.as_role("chair")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(common::body_text(r).await.contains("A1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_total_no_integer_can_hold_is_a_clear_error_on_every_dues_view_not_a_server_error() {
    let t = common::app().await;
    let month = this_month();
    // Two amounts written around the bound on payments (as data from before the bound could be).
    let mut tx = t.store.begin().await.unwrap();
    for key in ["x1", "x2"] {
        let payment = jiaogong_store::members::dues::Payment {
            member_id: &t.member_a,
            month: &month.to_string(),
            amount_fen: i64::MAX / 2 + 1,
            paid_on: "2026-01-01",
            is_back_payment: false,
            recorded_by: "t",
            request_key: Some(key),
        };
        jiaogong_store::members::dues::record_payment(&mut tx, &t.school_a, &payment).await.unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();

    let chair = Some(t.as_role("chair"));
    let uri = format!("/api/v1/schools/a/dues?month={month}");
    let r = t.send(t.req("GET", &uri, chair, Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert_eq!(v["error"]["code"], "amount_overflow", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("找出这笔金额并更正"), "{v}");
    for page in [format!("/s/a/dues?month={month}"), format!("/s/a/dues/member/{}", t.member_a)] {
        let r = t.send(t.req("GET", &page, chair, Body::empty(), None)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(common::body_text(r).await.contains("金额合计超出可计算的范围"), "{page}");
    }
    let r = t.send(t.req("GET", "/me", Some(t.as_role("member")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The home page still answers, and its to-do leads to the month sheet that explains.
    let r = t.send(t.req("GET", "/", chair, Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(common::body_text(r).await.contains(&format!("/s/a/dues?month={month}&#38;only_arrears=1")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wildcards_and_huge_page_numbers_on_every_searchable_list_are_taken_literally() {
    let t = common::app().await;
    let chair = Some(t.as_role("chair"));
    for uri in [
        "/s/a/members?q=%25",
        "/s/a/members?q=_",
        "/s/a/members?page=9223372036854775807",
        "/s/a/members?page=-9223372036854775808",
        "/api/v1/schools/a/members?q=%25",
        "/api/v1/schools/a/members?q=_",
        "/api/v1/schools/a/members?page=9223372036854775807",
        "/s/a/dues?q=%25",
        "/s/a/dues?q=_",
        "/s/a/dues?page=9223372036854775807",
        "/s/a/proposals?page=9223372036854775807",
        "/api/v1/schools/a/proposals?page=9223372036854775807",
    ] {
        let r = t.send(t.req("GET", uri, chair, Body::empty(), None)).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        let body = common::body_text(r).await;
        if uri.contains("q=") {
            // 甲一 (A1) is on the roster, yet neither % nor _ matches a name or an employee number.
            assert!(!body.contains("甲一"), "{uri} matched everything: {body}");
        }
    }
    // What is typed is still found.
    for uri in ["/s/a/members?q=%E7%94%B2", "/api/v1/schools/a/members?q=%E7%94%B2", "/s/a/dues?q=A1"] {
        let r = t.send(t.req("GET", uri, chair, Body::empty(), None)).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        assert!(common::body_text(r).await.contains("甲一"), "{uri}");
    }
}
