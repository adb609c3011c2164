//! Security rules probed as an attacker would: login throttling under parallel guesses, bounded
//! password hashing, credentials ending with the password, member field visibility, what
//! anonymous callers can write to the audit log, HEAD, names, links and cookies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::{self, NewUser};

const PASSWORD: &str = "right-password-1";

/// A user with a real password; returns the user id.
async fn user_with_password(t: &common::TestApp, name: &str, role: Role) -> String {
    let hash = accounts::hash_password(PASSWORD).unwrap();
    let mut tx = t.store.begin().await.unwrap();
    let id = accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(&t.school_a),
            district_id: None,
            username: name,
            display_name: name,
            password_hash: &hash,
            role,
            member_id: None,
        },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    id
}

/// A login form post from a browser at `ip`.
use common::login;

fn form(t: &common::TestApp, uri: &str, who: &(String, String), body: &str) -> Request<Body> {
    t.req("POST", uri, Some(who), Body::from(body.to_string()), Some("application/x-www-form-urlencoded"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_guesses_check_at_most_the_limit_and_the_right_one_is_then_refused() {
    let t = common::app().await;
    user_with_password(&t, "victim", Role::Chair).await;
    let mut tasks = Vec::new();
    for i in 0..60 {
        let app = t.app.clone();
        let req = login("victim", &format!("guess-{i}"), &format!("10.1.0.{}", i % 250));
        tasks.push(tokio::spawn(async move { tower::ServiceExt::oneshot(app, req).await.unwrap().status() }));
    }
    let mut checked = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(checked <= accounts::MAX_FAILURES_PER_ACCOUNT, "{checked} guesses were checked");
    let r = t.send(login("victim", PASSWORD, "10.2.0.1")).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "the right password is refused while locked");
    assert!(common::body_text(r).await.contains("15 分钟"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_successful_login_gives_the_address_its_attempt_back() {
    let t = common::app().await;
    user_with_password(&t, "teacher", Role::Member).await;
    // More logins from one school address than the per-address limit, all of them right.
    for _ in 0..accounts::MAX_FAILURES_PER_IP + 2 {
        let r = t.send(login("teacher", PASSWORD, "10.3.0.1")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_old_password_check_is_throttled_like_a_login() {
    let t = common::app().await;
    let id = user_with_password(&t, "holder", Role::Chair).await;
    let session = accounts::create_session(&t.store, &id).await.unwrap();
    for i in 0..accounts::MAX_FAILURES_PER_ACCOUNT {
        let r = t
            .send(form(
                &t,
                "/profile/password",
                &session,
                &format!("old=wrong-{i}&new=new-password-1&new2=new-password-1"),
            ))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(common::body_text(r).await.contains("原密码"));
    }
    let body = format!("old={PASSWORD}&new=new-password-1&new2=new-password-1");
    let r = t.send(form(&t, "/profile/password", &session, &body)).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let (_, hash) = accounts::user_by_username(&t.store, "holder").await.unwrap().unwrap();
    assert!(accounts::verify_password(PASSWORD, &hash), "the password did not change");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_end_with_a_password_change_and_a_reset() {
    let t = common::app().await;
    let id = user_with_password(&t, "changer", Role::OrgCommittee).await;
    let reset_id = user_with_password(&t, "forgetful", Role::Member).await;
    let mut tx = t.store.begin().await.unwrap();
    let own = accounts::create_api_token(&mut tx, &id, "hr").await.unwrap();
    let other = accounts::create_api_token(&mut tx, &reset_id, "phone").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let me = |secret: &str| {
        Request::builder()
            .uri("/api/v1/me")
            .header("authorization", format!("Bearer {secret}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(t.send(me(&own)).await.status(), StatusCode::OK);
    assert_eq!(t.send(me(&other)).await.status(), StatusCode::OK);
    let session = accounts::create_session(&t.store, &id).await.unwrap();
    let body = format!("old={PASSWORD}&new=new-password-1&new2=new-password-1");
    let r = t.send(form(&t, "/profile/password", &session, &body)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.send(me(&own)).await.status(), StatusCode::UNAUTHORIZED, "after a password change");
    let r = t.send(form(&t, &format!("/s/a/accounts/{reset_id}"), t.as_role("chair"), "action=reset")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(t.send(me(&other)).await.status(), StatusCode::UNAUTHORIZED, "after a reset");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_leader_sees_no_salary_and_only_masked_id_and_phone_on_page_api_and_export() {
    let t = common::app().await;
    let mut tx = t.store.begin().await.unwrap();
    jiaogong_store::members::dues::set_standing_salary(&mut tx, &t.school_a, &t.member_a, 654_321).await.unwrap();
    // A group leader reads the members of their own group (finding 23): 甲一's group, 语文组.
    let group = jiaogong_store::platform::tenancy::group_id_by_name(&mut tx, &t.school_a, "语文组").await.unwrap();
    let raw = jiaogong_domain::members::RawMember::new()
        .with(jiaogong_domain::members::Field::Name, "组长")
        .with(jiaogong_domain::members::Field::EmployeeNo, "GL1");
    let own = jiaogong_store::members::insert(
        &mut tx,
        &t.store.crypto,
        &t.school_a,
        &jiaogong_domain::members::validate_member(&raw).unwrap(),
        group.as_deref(),
        None,
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let leader = &common::user(&t.store, Some(&t.school_a), None, "leader-gl1", Role::GroupLeader, Some(&own)).await;
    let r = t.send(t.req("GET", &format!("/api/v1/members/{}", t.member_a), Some(leader), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert!(v.get("base_salary_fen").is_none_or(|s| s.is_null()), "{v}");
    assert_eq!(v["id_masked"], "1101**********002X");
    assert_eq!(v["phone_masked"], "138****8000");
    let text = v.to_string();
    assert!(!text.contains("654321") && !text.contains("13800138000") && !text.contains("11010519491231002X"));
    // The chair keeps the salary; the page agrees with the rule for both.
    let r = t
        .send(t.req("GET", &format!("/api/v1/members/{}", t.member_a), Some(t.as_role("chair")), Body::empty(), None))
        .await;
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert_eq!(v["base_salary_fen"], 654_321);
    let page = t.send(t.req("GET", &format!("/s/a/members/{}", t.member_a), Some(leader), Body::empty(), None)).await;
    let page = common::body_text(page).await;
    assert!(page.contains("138****8000") && !page.contains("reveal-phone") && !page.contains("6543.21"));
    // The leader may not export at all, and never the sensitive columns.
    for req in [
        t.req("GET", "/s/a/members/export", Some(leader), Body::empty(), None),
        form(&t, "/s/a/members/export", leader, "sensitive=1"),
        t.req("GET", "/api/v1/schools/a/members/export?sensitive=1", Some(leader), Body::empty(), None),
    ] {
        assert_eq!(t.send(req).await.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sensitive_export_is_a_post_with_csrf() {
    let t = common::app().await;
    let chair = t.as_role("chair");
    let r = t.send(t.req("GET", "/s/a/members/export?sensitive=1", Some(chair), Body::empty(), None)).await;
    assert_ne!(r.status(), StatusCode::OK, "a link cannot export ID numbers");
    // Without the token (a cross-site form), refused.
    let req = Request::builder()
        .method("POST")
        .uri("/s/a/members/export")
        .header("cookie", format!("jg_session={}", chair.0))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("sensitive=1"))
        .unwrap();
    assert_eq!(t.send(req).await.status(), StatusCode::FORBIDDEN);
    let r = t.send(form(&t, "/s/a/members/export", chair, "sensitive=1")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(r.into_body(), 1 << 24).await.unwrap().to_vec();
    let sheet = jiaogong_office::xlsx_read::read_first_sheet(&bytes, &Default::default()).unwrap();
    let all: Vec<String> = sheet.rows.iter().flat_map(|r| r.cells.iter().map(|c| c.to_text())).collect();
    assert!(all.contains(&"11010519491231002X".to_string()));
    let page = common::body_text(t.send(t.req("GET", "/s/a/members", Some(chair), Body::empty(), None)).await).await;
    assert!(!page.contains("sensitive=1"), "the page offers a form button, not a link");
    assert!(page.contains("id=\"export-sensitive\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_requests_write_few_and_short_audit_rows() {
    let t = common::app().await;
    let count = || async {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log").fetch_one(t.store.reader()).await.unwrap();
        n
    };
    let before = count().await;
    let long = "x".repeat(60_000);
    // A failed login under a 60 KB username (an anonymous audit row of caller-chosen text), then
    // 299 forged form posts.
    assert_eq!(t.send(login(&long, "whatever-123", "10.5.0.1")).await.status(), StatusCode::UNAUTHORIZED);
    for _ in 1..300 {
        let req = Request::builder().method("POST").uri("/login").body(Body::empty()).unwrap();
        assert_eq!(t.send(req).await.status(), StatusCode::FORBIDDEN);
    }
    let written = count().await - before;
    assert!(
        written >= 2 && written <= 2 * jiaogong_web::platform::ctx::ANONYMOUS_AUDIT_PER_MINUTE as i64,
        "{written} rows for two kinds of event"
    );
    let (longest,): (i64,) =
        sqlx::query_as("SELECT MAX(LENGTH(target) + LENGTH(actor) + LENGTH(detail)) FROM audit_log")
            .fetch_one(t.store.reader())
            .await
            .unwrap();
    assert!(longest <= 600, "an audit row of {longest} characters");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_is_answered_like_get_without_a_body() {
    let t = common::app().await;
    let r = t.send(Request::builder().method("HEAD").uri("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(common::body_text(r).await.is_empty());
    let r = t.send(t.req("HEAD", "/s/a/members", Some(t.as_role("chair")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(common::body_text(r).await.is_empty());
    let r = t.send(t.req("HEAD", "/s/a/members", Some(t.as_role("member")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "HEAD obeys the access table like GET");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_names_are_at_most_64_characters_without_control_characters() {
    let t = common::app().await;
    let chair = t.as_role("chair");
    for name in ["x".repeat(65), "abc\u{202E}gpj".to_string(), "a\u{0}b".to_string()] {
        let body = url::form_urlencoded::Serializer::new(String::new()).append_pair("name", &name).finish();
        let r = t.send(form(&t, "/profile/tokens", chair, &body)).await;
        let page = common::body_text(r).await;
        assert!(!page.contains("jg_"), "no token was made for {name:?}");
    }
    let user = accounts::user_by_username(&t.store, "u-chair").await.unwrap().unwrap().0;
    assert!(accounts::list_api_tokens(&t.store, &user.id).await.unwrap().is_empty());
    let r = t.send(form(&t, "/profile/tokens", chair, &format!("name={}", "x".repeat(64)))).await;
    assert!(common::body_text(r).await.contains("jg_"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_with_nul_or_bidi_overrides_are_refused_everywhere() {
    let t = common::app().await;
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    // An account name, a school name, a calendar day's name, a member's name (API and form).
    let r = t
        .send(form(&t, "/s/a/accounts", t.as_role("chair"), &format!("username={}&role=member", enc("ev\u{202E}il"))))
        .await;
    assert!(common::body_text(r).await.contains("控制字符"));
    assert!(accounts::user_by_username(&t.store, "ev\u{202E}il").await.unwrap().is_none());
    let r =
        t.send(form(&t, "/admin/schools", t.as_role("sysadmin"), &format!("name={}&code=c", enc("丙\u{0}校")))).await;
    assert!(common::body_text(r).await.contains("控制字符"));
    let r = t
        .send(form(
            &t,
            "/admin/calendar",
            t.as_role("sysadmin"),
            &format!("date=2026-10-01&kind=holiday&name={}", enc("国\u{2066}庆")),
        ))
        .await;
    assert!(common::body_text(r).await.contains("控制字符"));
    let r = t.send(form(&t, "/s/a/groups", t.as_role("chair"), &format!("name={}", enc("语文\u{202E}组")))).await;
    assert!(common::body_text(r).await.contains("控制字符"));
    let body = format!("title={}&kind=resolution&quorum=&threshold=1/2&base=valid", enc("表决\u{0}"));
    let r = t.send(form(&t, "/s/a/polls", t.as_role("chair"), &body)).await;
    assert!(common::body_text(r).await.contains("控制字符"));
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/members",
            Some(t.as_role("chair")),
            Body::from(r#"{"name": "张\u202e三", "employee_no": "Z9"}"#),
            Some("application/json"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::body_text(r).await.contains("控制字符"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_cannot_get_a_second_account() {
    let t = common::app().await;
    // The test school's member A1 has the account u-member already.
    let r = t.send(form(&t, "/s/a/accounts", t.as_role("chair"), "username=second&employee_no=A1&role=member")).await;
    let page = common::body_text(r).await;
    assert!(page.contains("已有账号") && page.contains("u-member"), "the message names the existing account: {page}");
    assert!(accounts::user_by_username(&t.store, "second").await.unwrap().is_none());
}

async fn checkin_link(t: &common::TestApp, host: &str) -> String {
    let mut tx = t.store.begin().await.unwrap();
    let term = jiaogong_store::congress::term(&mut tx, &t.school_a, 1, "2026-01-01").await.unwrap();
    let id = jiaogong_store::congress::create_session(&mut tx, &t.school_a, &term, 1, "一届一次", "2026-03-01")
        .await
        .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let mut req = t.req("GET", &format!("/s/a/congress/{id}/qr"), Some(t.as_role("chair")), Body::empty(), None);
    req.headers_mut().insert("host", host.parse().unwrap());
    let page = common::body_text(t.send(req).await).await;
    let start = page.find("id=\"checkin-link\">").unwrap() + "id=\"checkin-link\">".len();
    page[start..].split('<').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qr_links_use_the_public_url_never_the_host_header() {
    let t = common::app().await;
    let link = checkin_link(&t, "evil.example").await;
    assert!(!link.contains("evil.example"), "{link}");
    let t = common::app_with(jiaogong_web::WebConfig::with_public_url("https://union.school.cn")).await;
    let link = checkin_link(&t, "evil.example").await;
    assert!(link.starts_with("https://union.school.cn/checkin/"), "{link}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pre_login_cookie_is_secure_over_https() {
    let pre_cookie = |r: &axum::http::Response<Body>| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("jg_pre="))
            .unwrap()
    };
    let t = common::app_with(jiaogong_web::WebConfig::with_public_url("https://union.school.cn")).await;
    let r = t.send(Request::builder().uri("/login").body(Body::empty()).unwrap()).await;
    assert!(pre_cookie(&r).contains("; Secure"), "public URL is https");
    let t = common::app().await;
    let r = t.send(Request::builder().uri("/login").body(Body::empty()).unwrap()).await;
    assert!(!pre_cookie(&r).contains("; Secure"), "plain http on a school network");
    let r = t
        .send(Request::builder().uri("/login").header("x-forwarded-proto", "https").body(Body::empty()).unwrap())
        .await;
    assert!(pre_cookie(&r).contains("; Secure"), "the request came over https");
}
