//! Accounts for the whole staff (finding 23): the chair's bulk activation with one-time codes
//! (stored hashed, expiring, usable once) and a printable sheet of slips with QR codes; the
//! member sets their own password and is logged in. And a group leader reads only their own
//! group's roster, on the pages and through the API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use jiaogong_domain::members::{validate_member, Field, MemberStatus, RawMember};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::{members, platform::tenancy};
use jiaogong_web::WebConfig;

const PUBLIC: &str = "https://union.example.cn";

/// Adds a member to school A: (name, employee no, group name or none, status).
async fn add_member(t: &common::TestApp, name: &str, no: &str, group: Option<&str>, status: MemberStatus) -> String {
    let mut tx = t.store.begin().await.unwrap();
    let mut raw = RawMember::new().with(Field::Name, name).with(Field::EmployeeNo, no);
    raw = raw.with(Field::Status, status.label_zh());
    let m = validate_member(&raw).unwrap();
    let g = match group {
        Some(g) => match tenancy::group_id_by_name(&mut tx, &t.school_a, g).await.unwrap() {
            Some(id) => Some(id),
            None => Some(tenancy::create_group(&mut tx, &t.school_a, g, false).await.unwrap()),
        },
        None => None,
    };
    let id = members::insert(&mut tx, &t.store.crypto, &t.school_a, &m, g.as_deref(), None).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    id
}

fn form(uri: &str, body: &str, pre: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(uri)
        .header("cookie", format!("jg_pre={pre}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("{body}&_csrf={pre}")))
        .unwrap()
}

/// Every `/activate/<code>` link on a page.
fn links(html: &str) -> Vec<String> {
    let mut out: Vec<String> = html
        .match_indices(&format!("{PUBLIC}/activate/"))
        .map(|(i, _)| html[i..].split(['<', '"']).next().unwrap().to_string())
        .collect();
    out.dedup();
    out
}

async fn issue(t: &common::TestApp) -> String {
    let chair = t.as_role("chair").clone();
    let r = t.send(t.req("POST", "/s/a/accounts/activation", Some(&chair), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    common::body_text(r).await
}

#[tokio::test]
async fn bulk_activation_opens_accounts_with_one_time_codes() {
    let t = common::app_with(WebConfig::with_public_url(PUBLIC)).await;
    add_member(&t, "何丽", "T0101", Some("语文组"), MemberStatus::Active).await;
    add_member(&t, "王强", "T0102", None, MemberStatus::Active).await;
    add_member(&t, "老李", "T0103", None, MemberStatus::Retired).await;
    let chair = t.as_role("chair").clone();
    let page = common::body_text(t.send(t.req("GET", "/s/a/accounts", Some(&chair), Body::empty(), None)).await).await;
    assert!(page.contains("还有 2 名在职会员没有账号"), "甲一 has an account, 老李 is retired");

    let sheet = issue(&t).await;
    let codes = links(&sheet);
    assert_eq!(codes.len(), 2, "one slip per active member without an account: {codes:?}");
    assert!(sheet.contains("何丽") && sheet.contains("语文组") && sheet.contains("王强") && !sheet.contains("老李"));
    assert!(sheet.matches("<svg").count() >= 2, "each slip has its QR code");
    assert!(sheet.contains("a-t0101"), "the login name is on the slip");
    let code = codes.iter().find(|l| sheet.split(l.as_str()).next().unwrap().contains("何丽")).unwrap().clone();
    let code = code.rsplit('/').next().unwrap().to_string();
    // Stored hashed only.
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT code_hash FROM activation_codes").fetch_all(t.store.reader()).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|(h,)| h != &code), "never the code itself");
    assert!(rows.iter().any(|(h,)| h == &jiaogong_store::hash_secret(&code)));
    // Before activation the account cannot be logged into with any password.
    let r = t.send(form("/login", "username=a-t0101&password=", "pre1")).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = t.send(form("/login", "username=a-t0101&password=%21activation", "pre1")).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // The member opens the link, sets a password and is logged in.
    let r = t.send(Request::builder().uri(format!("/activate/{code}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = common::body_text(r).await;
    assert!(html.contains("何丽，您好") && html.contains("a-t0101"), "{html}");
    let r = t.send(form(&format!("/activate/{code}"), "password=short&password2=short", "pre2")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::body_text(r).await.contains("至少"), "the password rule in Chinese");
    let r =
        t.send(form(&format!("/activate/{code}"), "password=my-own-secret-1&password2=my-own-secret-1", "pre2")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    assert!(cookie.starts_with("jg_session=") && cookie.len() > "jg_session=".len());
    let home = t.send(Request::builder().uri("/").header("cookie", &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(home.status(), StatusCode::OK);
    assert!(common::body_text(home).await.contains("何丽"), "logged in as the member");
    // The code works once.
    let r = t.send(Request::builder().uri(format!("/activate/{code}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(common::body_text(r).await.contains("已经用过或已过期"));
    let r = t
        .send(form(&format!("/activate/{code}"), "password=another-secret-2&password2=another-secret-2", "pre3"))
        .await;
    assert_ne!(r.status(), StatusCode::SEE_OTHER, "a used code sets no password");
    // Their own password works at the login form.
    let r = t.send(form("/login", "username=a-t0101&password=my-own-secret-1", "pre4")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // A new batch: only 王强 still waits; his first code ends.
    let first_wang = links(&sheet).into_iter().find(|l| !l.ends_with(&code)).unwrap();
    let again = issue(&t).await;
    let second = links(&again);
    assert_eq!(second.len(), 1);
    assert!(again.contains("王强") && !again.contains("何丽"));
    let old = first_wang.rsplit('/').next().unwrap();
    let r = t.send(Request::builder().uri(format!("/activate/{old}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "a new slip ends the old one");
    // An expired code is refused.
    let mut tx = t.store.begin().await.unwrap();
    sqlx::query("UPDATE activation_codes SET expires_at = 1").execute(&mut *tx).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let newest = second[0].rsplit('/').next().unwrap();
    let r = t.send(Request::builder().uri(format!("/activate/{newest}")).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Audited.
    let actions: Vec<String> = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions.iter().filter(|a| *a == "user.bulk_activation").count(), 2);
    assert!(actions.contains(&"user.activate".to_string()));
    // Only the account managers may issue.
    for role in ["member", "group_leader", "org_committee", "auditor"] {
        let who = t.as_role(role).clone();
        let r = t.send(t.req("POST", "/s/a/accounts/activation", Some(&who), Body::empty(), None)).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role}");
    }
    let r = t.send(t.req("POST", "/s/b/accounts/activation", Some(&chair), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "another school");
}

#[tokio::test]
async fn a_group_leader_reads_only_their_own_groups_roster() {
    let t = common::app().await;
    let own = add_member(&t, "组长甲", "L1", Some("语文组"), MemberStatus::Active).await;
    let mate = add_member(&t, "组员乙", "L2", Some("语文组"), MemberStatus::Active).await;
    let other = add_member(&t, "外组丙", "L3", Some("数学组"), MemberStatus::Active).await;
    let leader = common::user(&t.store, Some(&t.school_a), None, "leader-l1", Role::GroupLeader, Some(&own)).await;

    let html = common::body_text(t.send(t.req("GET", "/s/a/members", Some(&leader), Body::empty(), None)).await).await;
    assert!(html.contains("组员乙") && html.contains("甲一"), "their own group");
    assert!(!html.contains("外组丙"), "not another group");
    let html =
        common::body_text(t.send(t.req("GET", "/s/a/members?group=&q=", Some(&leader), Body::empty(), None)).await)
            .await;
    assert!(!html.contains("外组丙"), "an empty group filter does not widen it");
    let r = t.send(t.req("GET", &format!("/s/a/members/{other}"), Some(&leader), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = t.send(t.req("GET", &format!("/s/a/members/{mate}"), Some(&leader), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);

    let r = t.send(t.req("GET", "/api/v1/schools/a/members", Some(&leader), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert_eq!(v["total"], 3, "{v}");
    let names: Vec<&str> = v["members"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert!(!names.contains(&"外组丙"), "{names:?}");
    let r = t.send(t.req("GET", &format!("/api/v1/members/{other}"), Some(&leader), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = t.send(t.req("GET", &format!("/api/v1/members/{mate}"), Some(&leader), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    // The exports are not theirs at all.
    let r = t.send(t.req("GET", "/s/a/members/export", Some(&leader), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = t.send(t.req("POST", "/s/a/members/export", Some(&leader), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // A group leader without a group of their own reads no one; the chair reads everyone.
    let lone = t.as_role("group_leader").clone();
    let v: serde_json::Value = serde_json::from_str(
        &common::body_text(t.send(t.req("GET", "/api/v1/schools/a/members", Some(&lone), Body::empty(), None)).await)
            .await,
    )
    .unwrap();
    assert_eq!(v["total"], 0, "{v}");
    let chair = t.as_role("chair").clone();
    let v: serde_json::Value = serde_json::from_str(
        &common::body_text(t.send(t.req("GET", "/api/v1/schools/a/members", Some(&chair), Body::empty(), None)).await)
            .await,
    )
    .unwrap();
    assert_eq!(v["total"], 4);
}
