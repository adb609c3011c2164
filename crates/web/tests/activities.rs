//! Activities through the router: the committee creates one on the form, members sign up with one
//! tap, the second is waitlisted and promoted when the first withdraws; the API answers with the
//! contract's statuses (201, 409 already_signed_up, 409 signup_closed, 403 for a member reading the
//! sign-ups, 404 for another school); forms need their CSRF token; QR check-in refuses another
//! activity's, an expired and a forged code and counts once; the calendar feed parses with a real
//! iCalendar parser, escapes text, folds at 75 bytes and stops working when rotated.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use jiaogong_domain::activities::{format_local, step_of, CheckinToken};
use jiaogong_domain::members::{validate_member, Field, RawMember};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::{activities as repo, members};
use serde_json::{json, Value};

type Who = (String, String);

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn post_form(t: &common::TestApp, uri: &str, who: &Who, body: &str) -> (StatusCode, String, String) {
    let r = t
        .send(t.req("POST", uri, Some(who), Body::from(body.to_string()), Some("application/x-www-form-urlencoded")))
        .await;
    let status = r.status();
    let loc = r.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (status, loc, common::body_text(r).await)
}

async fn get(t: &common::TestApp, uri: &str, who: Option<&Who>) -> (StatusCode, String) {
    let r = t.send(t.req("GET", uri, who, Body::empty(), None)).await;
    let status = r.status();
    (status, common::body_text(r).await)
}

async fn api(t: &common::TestApp, method: &str, uri: &str, who: &Who, body: Option<Value>) -> (StatusCode, Value) {
    let b = body.map(|v| Body::from(v.to_string())).unwrap_or_else(Body::empty);
    let r = t.send(t.req(method, uri, Some(who), b, Some("application/json"))).await;
    let status = r.status();
    let text = common::body_text(r).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// A second member of school A with an account.
async fn second_member(t: &common::TestApp) -> (String, Who) {
    let mut tx = t.store.begin().await.unwrap();
    let m = validate_member(&RawMember::new().with(Field::Name, "甲二").with(Field::EmployeeNo, "A2")).unwrap();
    let id = members::insert(&mut tx, &t.store.crypto, &t.school_a, &m, None, None).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let who = common::user(&t.store, Some(&t.school_a), None, "u-member2", Role::Member, Some(&id)).await;
    (id, who)
}

const HOUR: i64 = 3_600_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_sign_up_the_second_waits_and_is_promoted_when_the_first_withdraws() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let member = t.as_role("member").clone();
    let (m2, member2) = second_member(&t).await;
    let now = jiaogong_store::now_ms();
    let form = format!(
        "_csrf={}&title={}&type=culture&organiser=&audience=all&start={}&end={}&place={}&capacity=1&signup_deadline={}&cost=12.50&hold_hours=&description={}",
        enc(&chair.1),
        enc("教工气排球友谊赛"),
        enc(&format_local(now + 48 * HOUR)),
        enc(&format_local(now + 50 * HOUR)),
        enc("风雨操场"),
        enc(&format_local(now + 24 * HOUR)),
        enc("每组限报两人"),
    );
    // Without its CSRF token the form is refused and nothing is created.
    let no_csrf = form.replacen(&format!("_csrf={}", enc(&chair.1)), "_csrf=wrong", 1);
    let r = t
        .send(
            axum::http::Request::builder()
                .method("POST")
                .uri("/s/a/activities")
                .header("cookie", format!("jg_session={}", chair.0))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(no_csrf))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(repo::list(&t.store, &t.school_a, 0, i64::MAX, None).await.unwrap().is_empty());
    // A member may not create one.
    let (status, _, _) = post_form(&t, "/s/a/activities", &member, &form).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A field in error keeps what was typed and names the field.
    let bad = form.replace("capacity=1", "capacity=abc");
    let (status, _, body) = post_form(&t, "/s/a/activities", &chair, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("名额请填") && body.contains("教工气排球友谊赛"), "{body}");

    let (status, loc, _) = post_form(&t, "/s/a/activities", &chair, &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{loc}");
    let id = loc.rsplit('/').next().unwrap().to_string();
    let a = repo::get(&t.store, &t.school_a, &id).await.unwrap();
    assert_eq!((a.capacity, a.cost_fen), (Some(1), 1250));

    // The member sees it on the list and on home, and signs up with one tap.
    let (_, list) = get(&t, "/activities", Some(&member)).await;
    assert!(list.contains("教工气排球友谊赛") && list.contains("可以报名的活动"), "{list}");
    let (_, home) = get(&t, "/", Some(&member)).await;
    assert!(home.contains("home-activities") && home.contains("教工气排球友谊赛"));
    let (status, loc, _) =
        post_form(&t, &format!("/activities/{id}/signup"), &member, &format!("_csrf={}", enc(&member.1))).await;
    assert_eq!((status, loc.as_str()), (StatusCode::SEE_OTHER, format!("/activities/{id}?done=confirmed").as_str()));
    let (status, loc, _) =
        post_form(&t, &format!("/activities/{id}/signup"), &member2, &format!("_csrf={}", enc(&member2.1))).await;
    assert_eq!((status, loc.as_str()), (StatusCode::SEE_OTHER, format!("/activities/{id}?done=waitlisted").as_str()));
    let (_, page) = get(&t, &format!("/activities/{id}"), Some(&member2)).await;
    assert!(page.contains("候补第 1 位"), "{page}");
    // Signing up twice says so.
    let (status, _, body) =
        post_form(&t, &format!("/activities/{id}/signup"), &member, &format!("_csrf={}", enc(&member.1))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("您已经报过名了"));

    // The first withdraws: the second is confirmed and finds a message in the inbox.
    let (status, _, _) =
        post_form(&t, &format!("/activities/{id}/withdraw"), &member, &format!("_csrf={}", enc(&member.1))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let list = repo::signups(&t.store, &t.school_a, &id).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].member_id.as_str(), list[0].state.as_str()), (m2.as_str(), "confirmed"));
    let (kinds,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE member_id = $1 AND kind = 'activity.promoted'")
            .bind(&m2)
            .fetch_one(t.store.reader())
            .await
            .unwrap();
    assert_eq!(kinds, 1);
    let (_, page) = get(&t, &format!("/activities/{id}"), Some(&member2)).await;
    assert!(page.contains("您已报名成功"), "{page}");

    // The organiser's page lists the sign-up and ticks the member present; another school's
    // chair finds nothing.
    let (status, manage) = get(&t, &format!("/s/a/activities/{id}"), Some(&chair)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(manage.contains("甲二"));
    let (status, _, _) = post_form(
        &t,
        &format!("/s/a/activities/{id}/attendance/{m2}"),
        &chair,
        &format!("_csrf={}&action=tick", enc(&chair.1)),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(repo::attendance(&t.store, &t.school_a, &id).await.unwrap().len(), 1);
    let (status, _) = get(&t, &format!("/activities/{id}"), Some(&t.chair_b)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let r =
        t.send(t.req("GET", &format!("/s/a/activities/{id}/attendance.xlsx"), Some(&chair), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an .xlsx is a zip");
    let (_, me) = get(&t, "/me", Some(&member2)).await;
    assert!(me.contains("我参加的活动") && me.contains("教工气排球友谊赛"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_with_the_contracts_statuses() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let member = t.as_role("member").clone();
    let (_, member2) = second_member(&t).await;
    let now = jiaogong_store::now_ms();
    let body = json!({"title": "读书分享会", "type": "training", "start": format_local(now + 48 * HOUR), "end": format_local(now + 50 * HOUR),
        "place": "图书馆", "capacity": 1, "signup_deadline": format_local(now + 24 * HOUR), "audience": "all"});
    let (status, _) = api(&t, "POST", "/api/v1/schools/a/activities", &member, Some(body.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, v) = api(
        &t,
        "POST",
        "/api/v1/schools/a/activities",
        &chair,
        Some(json!({"title": "", "start": "x", "end": "y", "signup_deadline": "z"})),
    )
    .await;
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_activity")));
    let (status, v) = api(&t, "POST", "/api/v1/schools/a/activities", &chair, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_string();

    let (status, v) = api(&t, "POST", &format!("/api/v1/activities/{id}/signup"), &member, None).await;
    assert_eq!((status, v.clone()), (StatusCode::CREATED, json!({"state": "confirmed", "position": 1})));
    let (status, v) = api(&t, "POST", &format!("/api/v1/activities/{id}/signup"), &member, None).await;
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("already_signed_up")));
    let (status, v) = api(&t, "POST", &format!("/api/v1/activities/{id}/signup"), &member2, None).await;
    assert_eq!((status, v.clone()), (StatusCode::CREATED, json!({"state": "waitlisted", "position": 1})));
    let (status, v) = api(&t, "GET", &format!("/api/v1/activities/{id}"), &member, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (v["title"].as_str(), v["capacity"].as_i64(), v["confirmed"].as_i64(), v["waitlist"].as_i64()),
        (Some("读书分享会"), Some(1), Some(1), Some(1))
    );
    let (status, _) = api(&t, "GET", &format!("/api/v1/activities/{id}/signups"), &member, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, v) = api(&t, "GET", &format!("/api/v1/activities/{id}/signups"), &chair, None).await;
    assert_eq!(status, StatusCode::OK);
    let states: Vec<&str> = v["signups"].as_array().unwrap().iter().map(|s| s["state"].as_str().unwrap()).collect();
    assert_eq!(states, vec!["confirmed", "waitlisted"]);
    let (status, v) = api(&t, "DELETE", &format!("/api/v1/activities/{id}/signup"), &member, None).await;
    assert_eq!((status, v["promoted"].as_bool()), (StatusCode::OK, Some(true)));
    let (status, v) = api(&t, "GET", &format!("/api/v1/activities/{id}"), &member, None).await;
    assert_eq!((status, v["confirmed"].as_i64(), v["waitlist"].as_i64()), (StatusCode::OK, Some(1), Some(0)));
    let (status, _) = api(&t, "GET", &format!("/api/v1/activities/{id}"), &t.chair_b, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another school's id");

    // After the deadline: 409 signup_closed.
    let past = json!({"title": "已截止的活动", "start": format_local(now + HOUR), "end": format_local(now + 2 * HOUR), "signup_deadline": format_local(now - HOUR)});
    let (_, v) = api(&t, "POST", "/api/v1/schools/a/activities", &chair, Some(past)).await;
    let closed = v["id"].as_str().unwrap().to_string();
    let (status, v) = api(&t, "POST", &format!("/api/v1/activities/{closed}/signup"), &member, None).await;
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("signup_closed")));
    assert!(v["error"]["message"].as_str().unwrap().contains("报名已截止"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qr_check_in_refuses_other_expired_and_forged_codes_and_counts_once() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let member = t.as_role("member").clone();
    let now = jiaogong_store::now_ms();
    let mk = |title: &str, start: i64| json!({"title": title, "start": format_local(start), "end": format_local(start + 3 * HOUR), "signup_deadline": format_local(start - 60_000)});
    let (_, v) = api(&t, "POST", "/api/v1/schools/a/activities", &chair, Some(mk("进行中的活动", now - HOUR))).await;
    let live = v["id"].as_str().unwrap().to_string();
    let (_, v) =
        api(&t, "POST", "/api/v1/schools/a/activities", &chair, Some(mk("下周的活动", now + 7 * 24 * HOUR))).await;
    let later = v["id"].as_str().unwrap().to_string();
    let token = |id: &str, step: u64| {
        let a = futures_lite(repo::get(&t.store, &t.school_a, id));
        CheckinToken::new(id, step, &t.store.crypto.checkin_code(id, &a.checkin_secret, step)).encode()
    };
    let step = step_of(now);
    let checkin = |id: String, body: Value| {
        let t = &t;
        let member = member.clone();
        async move { api(t, "POST", &format!("/api/v1/activities/{id}/checkins"), &member, Some(body)).await }
    };
    let (status, v) = checkin(live.clone(), json!({"token": token(&later, step)})).await;
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("qr_other_activity")));
    let (status, v) = checkin(later.clone(), json!({"token": token(&later, step)})).await;
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("qr_outside_window")));
    let (status, v) = checkin(live.clone(), json!({"token": token(&live, step - 3)})).await;
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("qr_expired")));
    assert!(v["error"]["message"].as_str().unwrap().contains("已过期"));
    let forged = CheckinToken::new(&live, step, "00112233445566778899aabbccddeeff").encode();
    let (status, v) = checkin(live.clone(), json!({"token": forged})).await;
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("qr_invalid")));
    // The current code checks the member in, once (a code shown a step ago is still good, so the
    // step turning during the test changes nothing).
    let (status, v) = checkin(live.clone(), json!({"token": token(&live, step)})).await;
    assert_eq!((status, v["state"].as_str()), (StatusCode::CREATED, Some("checked_in")));
    let (status, v) = checkin(live.clone(), json!({"token": token(&live, step_of(jiaogong_store::now_ms()))})).await;
    assert_eq!((status, v["state"].as_str()), (StatusCode::OK, Some("already_checked_in")));
    assert_eq!(repo::attendance(&t.store, &t.school_a, &live).await.unwrap().len(), 1);
    // The page a phone opens from the code, and its refusal in words.
    let (status, page) = get(&t, &format!("/a/checkin?t={}", token(&live, step)), Some(&member)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("进行中的活动") && page.contains("checkin-confirm"));
    let (status, page) = get(&t, &format!("/a/checkin?t={}", token(&live, step - 5)), Some(&member)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("签到码已过期"));
    // The organiser's screen shows the rotating code.
    let (status, qr) = get(&t, &format!("/s/a/activities/{live}/qr"), Some(&chair)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(qr.contains("<svg") && qr.contains("/a/checkin?t="), "{qr}");
}

/// Runs a future to completion on the current runtime from synchronous test code.
fn futures_lite<F: std::future::Future<Output = Result<repo::Activity, jiaogong_store::StoreError>>>(
    f: F,
) -> repo::Activity {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(f)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_feed_parses_escapes_folds_and_can_be_revoked() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let member = t.as_role("member").clone();
    let now = jiaogong_store::now_ms();
    let title =
        "教职工迎新年联欢会，暨优秀组室表彰；请带上节目道具\\以及家属（可选）并提前十分钟到场签到领取入场券和纪念品";
    let body = json!({"title": &title[..title.char_indices().nth(60).map(|(i, _)| i).unwrap_or(title.len())], "start": format_local(now + 48 * HOUR),
        "end": format_local(now + 50 * HOUR), "signup_deadline": format_local(now + 24 * HOUR), "place": "报告厅, 三楼; 东侧",
        "description": "第一行\n第二行，带逗号；带分号"});
    let (status, v) = api(&t, "POST", "/api/v1/schools/a/activities", &chair, Some(body.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    api(&t, "POST", &format!("/api/v1/activities/{id}/signup"), &member, None).await;

    let (status, _, page) = post_form(&t, "/me/calendar/rotate", &member, &format!("_csrf={}", enc(&member.1))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("8 到 24 小时"), "the page says how often Google refreshes");
    let start = page.find("/calendar/").unwrap();
    let url_path: String = page[start..].chars().take_while(|c| *c != '"' && *c != '<').collect();
    assert!(url_path.ends_with(".ics"), "{url_path}");
    // The feed needs no session: the secret URL is the credential.
    let r = t.send(t.req("GET", &url_path, None, Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let ics = common::body_text(r).await;
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "a line of {} bytes: {line}", line.len());
    }
    assert!(ics.contains("REFRESH-INTERVAL"));
    assert!(ics.contains("报告厅\\, 三楼\\; 东侧"), "text is escaped: {ics}");
    let cal: icalendar::Calendar = ics.parse().unwrap();
    use icalendar::{Component, EventLike};
    let events: Vec<&icalendar::Event> = cal.events().collect();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].get_summary(), body["title"].as_str());
    assert_eq!(events[0].get_location(), Some("报告厅, 三楼; 东侧"));
    assert_eq!(events[0].get_description(), Some("第一行\n第二行，带逗号；带分号"));
    assert!(events[0].get_start().is_some());

    // A new URL revokes the old one.
    post_form(&t, "/me/calendar/rotate", &member, &format!("_csrf={}", enc(&member.1))).await;
    let (status, _) = get(&t, &url_path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_places_competition_results_participation_and_the_month_view() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let member = t.as_role("member").clone();
    let (m2, member2) = second_member(&t).await;
    let now = jiaogong_store::now_ms();
    // A trip whose freed place is held for 48 hours.
    let body = json!({"title": "春季研学参观", "type": "visit", "start": format_local(now + 96 * HOUR), "end": format_local(now + 100 * HOUR),
        "capacity": 1, "signup_deadline": format_local(now + 72 * HOUR), "hold_hours": 48, "cost_fen": 8000});
    let (_, v) = api(&t, "POST", "/api/v1/schools/a/activities", &chair, Some(body)).await;
    let trip = v["id"].as_str().unwrap().to_string();
    api(&t, "POST", &format!("/api/v1/activities/{trip}/signup"), &member, None).await;
    api(&t, "POST", &format!("/api/v1/activities/{trip}/signup"), &member2, None).await;
    api(&t, "DELETE", &format!("/api/v1/activities/{trip}/signup"), &member, None).await;
    let (_, page) = get(&t, &format!("/activities/{trip}"), Some(&member2)).await;
    assert!(page.contains("名额为您保留到") && page.contains("act-accept"), "{page}");
    let (_, home) = get(&t, "/", Some(&member2)).await;
    assert!(home.contains("有为您保留的活动名额"), "the held place is a to-do on home");
    let (status, loc, _) =
        post_form(&t, &format!("/activities/{trip}/accept"), &member2, &format!("_csrf={}", enc(&member2.1))).await;
    assert_eq!((status, loc.ends_with("done=accepted")), (StatusCode::SEE_OTHER, true));
    let list = repo::signups(&t.store, &t.school_a, &trip).await.unwrap();
    assert_eq!((list[0].member_id.as_str(), list[0].state.as_str()), (m2.as_str(), "confirmed"));
    let (status, _, body) =
        post_form(&t, &format!("/activities/{trip}/accept"), &member2, &format!("_csrf={}", enc(&member2.1))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body.contains("没有为您保留的名额"));

    // A competition: entries, results and awards, shown in place order on the member's page.
    let body = json!({"title": "教工羽毛球赛", "type": "competition", "start": format_local(now - 2 * HOUR), "end": format_local(now + HOUR),
        "signup_deadline": format_local(now - 3 * HOUR)});
    let (_, v) = api(&t, "POST", "/api/v1/schools/a/activities", &chair, Some(body)).await;
    let game = v["id"].as_str().unwrap().to_string();
    for (name, members) in [("数学组队", "张三、李四"), ("语文组队", "王五、赵六")] {
        let (status, _, _) = post_form(
            &t,
            &format!("/s/a/activities/{game}/entries"),
            &chair,
            &format!("_csrf={}&name={}&members={}", enc(&chair.1), enc(name), enc(members)),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    let entries = repo::entries(&t.store, &t.school_a, &game).await.unwrap();
    let chinese = entries.iter().find(|e| e.name == "语文组队").unwrap().id.clone();
    let (status, _, _) = post_form(
        &t,
        &format!("/s/a/activities/{game}/entries/{chinese}"),
        &chair,
        &format!("_csrf={}&ranking=1&result={}&award={}", enc(&chair.1), enc("3:1"), enc("一等奖")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = post_form(
        &t,
        &format!("/s/a/activities/{game}/entries/{chinese}"),
        &chair,
        &format!("_csrf={}&ranking=abc", enc(&chair.1)),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, page) = get(&t, &format!("/activities/{game}"), Some(&member)).await;
    let first = page.find("语文组队").unwrap();
    let second = page.find("数学组队").unwrap();
    assert!(first < second && page.contains("一等奖") && page.contains("第 1 名"), "ranked first, with its award");
    // A member cannot enter results.
    let (status, _, _) =
        post_form(&t, &format!("/s/a/activities/{game}/entries"), &member, &format!("_csrf={}&name=x", enc(&member.1)))
            .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The member (in 语文组) is ticked present: 语文组's participation is 1 of 1.
    let (status, _, _) = post_form(
        &t,
        &format!("/s/a/activities/{game}/attendance/{}", t.member_a),
        &chair,
        &format!("_csrf={}&action=tick", enc(&chair.1)),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let day = |ms: i64| format_local(ms)[..10].to_string();
    let period = format!("from={}&to={}", day(now - 24 * HOUR), day(now + 24 * HOUR));
    let (status, page) = get(&t, &format!("/s/a/activities/participation?{period}"), Some(&chair)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("语文组") && page.contains("100%"), "{page}");
    let r = t
        .send(t.req("GET", &format!("/s/a/activities/participation.xlsx?{period}"), Some(&chair), Body::empty(), None))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    assert_eq!(book.sheet_names(), vec!["各组参与率".to_string(), "按会员".to_string()]);
    let groups = book.worksheet_range("各组参与率").unwrap();
    let row: Vec<String> = groups.rows().find(|r| r[0] == "语文组").unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(row, vec!["语文组", "1", "1", "100%", "1"]);
    let people = book.worksheet_range("按会员").unwrap();
    let me: Vec<String> = people.rows().find(|r| r[0] == "甲一").unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(me, vec!["甲一", "语文组", "1"]);
    let (status, _) = get(&t, "/s/a/activities/participation", Some(&member)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The month view lists this month's activities on their day.
    let month_of_game = format_local(now - 2 * HOUR)[..7].to_string();
    let (status, month) = get(&t, &format!("/activities?view=month&month={month_of_game}"), Some(&member)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(month.contains("act-month") && month.contains("教工羽毛球赛"), "{month}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_leader_organises_for_their_own_group_only() {
    let t = common::app().await;
    let now = jiaogong_store::now_ms();
    // A leader without a group is told why there is no form.
    let (status, page) = get(&t, "/s/a/activities/new", Some(t.as_role("group_leader"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("act-no-group") && !page.contains("act-form"), "{page}");
    // 甲三 (in 语文组) as group leader: whatever audience is asked, the activity is 语文组's.
    let groups = jiaogong_store::platform::tenancy::groups(&t.store, &t.school_a).await.unwrap();
    let ga = groups.iter().find(|g| g.name == "语文组").unwrap().id.clone();
    let mut tx = t.store.begin().await.unwrap();
    let m = validate_member(&RawMember::new().with(Field::Name, "甲三").with(Field::EmployeeNo, "A3")).unwrap();
    let m3 = members::insert(&mut tx, &t.store.crypto, &t.school_a, &m, Some(&ga), None).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let leader = common::user(&t.store, Some(&t.school_a), None, "u-leader-yw", Role::GroupLeader, Some(&m3)).await;
    let (_, page) = get(&t, "/s/a/activities/new", Some(&leader)).await;
    assert!(page.contains("语文组") && page.contains("act-form"));
    let body = json!({"title": "语文组教研沙龙", "start": format_local(now + 48 * HOUR), "end": format_local(now + 50 * HOUR),
        "signup_deadline": format_local(now + 24 * HOUR), "audience": "all"});
    let (status, v) = api(&t, "POST", "/api/v1/schools/a/activities", &leader, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["audience"].as_str(), Some(format!("group:{ga}").as_str()));
    assert_eq!(v["organiser_group_id"].as_str(), Some(ga.as_str()));
    let id = v["id"].as_str().unwrap().to_string();
    // They manage their group's activity, not the committee's.
    let (status, _) = api(&t, "GET", &format!("/api/v1/activities/{id}/signups"), &leader, None).await;
    assert_eq!(status, StatusCode::OK);
    let chair = t.as_role("chair").clone();
    let body = json!({"title": "全校运动会", "type": "sports_meet", "start": format_local(now + 48 * HOUR), "end": format_local(now + 50 * HOUR),
        "signup_deadline": format_local(now + 24 * HOUR)});
    let (_, v) = api(&t, "POST", "/api/v1/schools/a/activities", &chair, Some(body)).await;
    let meet = v["id"].as_str().unwrap().to_string();
    let (status, _) = api(&t, "GET", &format!("/api/v1/activities/{meet}/signups"), &leader, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get(&t, &format!("/s/a/activities/{meet}"), Some(&leader)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A JPEG from a phone, as bytes.
fn phone_jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_pixel(64, 48, image::Rgb([30, 120, 200]));
    let mut out = Vec::new();
    img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new(&mut out)).unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organiser_edits_adds_photos_after_the_start_and_cancels_with_a_reason() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let member = t.as_role("member").clone();
    let now = jiaogong_store::now_ms();
    let form = |title: &str, start: i64, capacity: &str| {
        format!(
            "_csrf={}&title={}&type=culture&organiser=&audience=all&start={}&end={}&place={}&capacity={capacity}&signup_deadline={}&cost=&hold_hours=&description=",
            enc(&chair.1),
            enc(title),
            enc(&format_local(start)),
            enc(&format_local(start + 2 * HOUR)),
            enc("风雨操场"),
            enc(&format_local(start - HOUR)),
        )
    };
    let (_, member2) = second_member(&t).await;
    let (status, loc, _) = post_form(&t, "/s/a/activities", &chair, &form("教工拔河比赛", now + 48 * HOUR, "2")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = loc.rsplit('/').next().unwrap().to_string();
    for who in [&member, &member2] {
        post_form(&t, &format!("/activities/{id}/signup"), who, &format!("_csrf={}", enc(&who.1))).await;
    }

    // The edit form shows what is stored; a capacity below the two seats taken is refused in words.
    let (status, page) = get(&t, &format!("/s/a/activities/{id}/edit"), Some(&chair)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("教工拔河比赛") && page.contains("修改活动"), "{page}");
    let (status, _, body) =
        post_form(&t, &format!("/s/a/activities/{id}/edit"), &chair, &form("教工拔河比赛", now + 48 * HOUR, "1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("名额不能少于"), "{body}");
    assert_eq!(repo::get(&t.store, &t.school_a, &id).await.unwrap().capacity, Some(2));
    // A member may not edit.
    let (status, _, _) =
        post_form(&t, &format!("/s/a/activities/{id}/edit"), &member, &form("改名", now + 48 * HOUR, "5")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) =
        post_form(&t, &format!("/s/a/activities/{id}/edit"), &chair, &form("教工拔河友谊赛", now + 72 * HOUR, "5"))
            .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let a = repo::get(&t.store, &t.school_a, &id).await.unwrap();
    assert_eq!((a.title.as_str(), a.capacity), ("教工拔河友谊赛", Some(5)));

    // Photos: refused before the start.
    let boundary = "XyZphotoBoundary";
    let multipart = |csrf: &str, bytes: &[u8]| {
        let mut b =
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n").into_bytes();
        b.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"IMG_0001.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").into_bytes());
        b.extend_from_slice(bytes);
        b.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
        b
    };
    let ct = format!("multipart/form-data; boundary={boundary}");
    let r = t
        .send(t.req(
            "POST",
            &format!("/s/a/activities/{id}/photos"),
            Some(&chair),
            Body::from(multipart(&chair.1, &phone_jpeg())),
            Some(&ct),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::body_text(r).await.contains("活动开始后"));
    // An activity under way takes a photo; a file that is not one is refused; the page shows it.
    let (_, loc, _) = post_form(&t, "/s/a/activities", &chair, &form("教工健步走", now - HOUR, "")).await;
    let walk = loc.rsplit('/').next().unwrap().to_string();
    let r = t
        .send(t.req(
            "POST",
            &format!("/s/a/activities/{walk}/photos"),
            Some(&chair),
            Body::from(multipart(&chair.1, b"MZ\x90\x00 not a photo")),
            Some(&ct),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .send(t.req(
            "POST",
            &format!("/s/a/activities/{walk}/photos"),
            Some(&chair),
            Body::from(multipart(&chair.1, &phone_jpeg())),
            Some(&ct),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let photos = repo::photos(&t.store, &t.school_a, &walk).await.unwrap();
    assert_eq!(photos.len(), 1);
    let (status, page) = get(&t, &format!("/activities/{walk}"), Some(&member)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("/activities/{walk}/photos/{}", photos[0].id)), "{page}");
    let r = t
        .send(t.req("GET", &format!("/activities/{walk}/photos/{}", photos[0].id), Some(&member), Body::empty(), None))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers().get("content-type").unwrap(), "image/jpeg");

    // Cancelling needs a reason; then the member is told and the activity is gone.
    let (status, _, _) =
        post_form(&t, &format!("/s/a/activities/{id}/cancel"), &chair, &format!("_csrf={}&reason=", enc(&chair.1)))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(repo::get(&t.store, &t.school_a, &id).await.is_ok());
    let (status, _, _) = post_form(
        &t,
        &format!("/s/a/activities/{id}/cancel"),
        &chair,
        &format!("_csrf={}&reason={}", enc(&chair.1), enc("雨天，改期")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(repo::get(&t.store, &t.school_a, &id).await.is_err());
    let (_, inbox) = api(&t, "GET", "/api/v1/me/inbox", &member, None).await;
    let kinds: Vec<&str> = inbox["items"].as_array().unwrap().iter().filter_map(|i| i["kind"].as_str()).collect();
    assert!(kinds.contains(&"activity.cancelled"), "{inbox}");
}
