//! The district dashboard through the router: a city user sees the schools of both of its 区,
//! a 区 user only its own; drill-down to a school in the subtree shows its figures and is
//! refused outside it; every school-private route (roster, care, ballots …) is refused to the
//! district role; the API lists one key per figure, sorts and filters, and the .xlsx export
//! is a workbook; bad filter values are a Chinese message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::district::{dashboard, hierarchy};
use jiaogong_store::platform::tenancy;
use jiaogong_web::platform::access::{Allow, TABLE};
use serde_json::Value;

struct World {
    t: common::TestApp,
    city: (String, String),
    east: (String, String),
}

/// School A sits in 测试区 (d1); the test puts d1 under a city with a second 区 holding school
/// "w1", and a third school "x1" in another city.
async fn world() -> World {
    let t = common::app().await;
    let store = &t.store;
    let mut tx = store.begin().await.unwrap();
    let (d1,): (String,) =
        sqlx::query_as("SELECT id FROM districts WHERE code = 'd1'").fetch_one(store.reader()).await.unwrap();
    let city = hierarchy::create_district(&mut tx, None, "某市教育工会", "city").await.unwrap();
    hierarchy::set_parent(&mut tx, &d1, Some(&city)).await.unwrap();
    let west = hierarchy::create_district(&mut tx, Some(&city), "西区教育工会", "west").await.unwrap();
    let other = hierarchy::create_district(&mut tx, None, "外市教育工会", "other").await.unwrap();
    tenancy::create_school(&mut tx, Some(&west), "西区小学", "w1").await.unwrap();
    tenancy::create_school(&mut tx, Some(&other), "外市中学", "x1").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let city_user = common::user(store, None, Some(&city), "u-city", Role::District, None).await;
    let east = t.as_role("district").clone();
    dashboard::refresh_changed(store, jiaogong_web::platform::pages::today(), 1000).await.unwrap();
    World { t, city: city_user, east }
}

async fn get(t: &common::TestApp, who: &(String, String), uri: &str) -> (StatusCode, String) {
    let r = t.send(t.req("GET", uri, Some(who), Body::empty(), None)).await;
    let s = r.status();
    (s, common::body_text(r).await)
}

fn codes(v: &Value) -> Vec<String> {
    let mut c: Vec<String> =
        v["schools"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap().to_string()).collect();
    c.sort();
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_city_user_sees_both_districts_and_a_district_user_only_its_own() {
    let w = world().await;
    let (s, body) = get(&w.t, &w.city, "/api/v1/district/schools").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(codes(&v), vec!["a", "w1"]);
    let a = v["schools"].as_array().unwrap().iter().find(|s| s["code"] == "a").unwrap();
    // One key per figure; school A has its one member, all active.
    for key in ["school", "name", "members", "membership_rate", "congress_held", "care_compliance_rate", "self_score"] {
        assert!(a.get(key).is_some(), "missing {key} in {a}");
    }
    assert_eq!(a["members"], 1);
    assert_eq!(a["membership_rate"], 1000);
    let (_, body) = get(&w.t, &w.east, "/api/v1/district/schools").await;
    assert_eq!(codes(&serde_json::from_str(&body).unwrap()), vec!["a"]);
    // The page shows the schools and the refresh time with its lag.
    let (s, page) = get(&w.t, &w.city, "/district?sort=members&desc=1").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("甲校") && page.contains("西区小学") && !page.contains("外市中学"));
    assert!(page.contains("数据更新于") && page.contains("分钟内反映到本表"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drill_down_is_open_inside_the_subtree_and_refused_outside() {
    let w = world().await;
    let (s, page) = get(&w.t, &w.city, "/district/schools/w1").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("入会率") && page.contains("不向上级工会开放"));
    assert_eq!(get(&w.t, &w.east, "/district/schools/w1").await.0, StatusCode::FORBIDDEN);
    assert_eq!(get(&w.t, &w.city, "/district/schools/x1").await.0, StatusCode::FORBIDDEN);
    // A school user does not reach the district's pages.
    assert_eq!(get(&w.t, w.t.as_role("chair"), "/district").await.0, StatusCode::FORBIDDEN);
    assert_eq!(get(&w.t, w.t.as_role("chair"), "/api/v1/district/schools").await.0, StatusCode::FORBIDDEN);
    // Refresh on demand: a form with CSRF, audited in the school's log.
    let r =
        w.t.send(w.t.req(
            "POST",
            "/district/schools/a/refresh",
            Some(&w.city),
            Body::empty(),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let log = jiaogong_store::platform::audit::recent(&w.t.store, &w.t.school_a, 10).await.unwrap();
    assert!(log.iter().any(|e| e.action == "district.refresh"));
    let forged =
        w.t.send(
            axum::http::Request::builder()
                .method("POST")
                .uri("/district/schools/a/refresh")
                .header("cookie", format!("jg_session={}", w.city.0))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "no CSRF token, no refresh");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_district_role_is_refused_on_every_school_private_route() {
    let w = world().await;
    let mut checked = 0;
    for (method, path, allow) in TABLE {
        if path.starts_with("/district") || path.starts_with("/api/v1/district") {
            continue;
        }
        let closed = match allow {
            Allow::Roles(roles) => !roles.contains(&Role::District),
            Allow::SystemAdmin => true,
            Allow::Public | Allow::Anyone => false,
        };
        if !(closed || path.contains("{school}")) {
            continue;
        }
        let uri = path
            .replace("{school}", "a")
            .replace("{id}", &w.t.member_a)
            .replace("{*path}", "x")
            .replace(['{', '}'], "");
        let r =
            w.t.send(w.t.req(method, &uri, Some(&w.city), Body::empty(), Some("application/x-www-form-urlencoded")))
                .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{method} {path} open to the district");
        checked += 1;
    }
    assert!(checked > 100, "only {checked} private routes");
    // Named: the roster, the hardship files, a poll's ballots.
    for uri in ["/s/a/members", "/care/hardship", "/api/v1/schools/a/members"] {
        assert_eq!(get(&w.t, &w.city, uri).await.0, StatusCode::FORBIDDEN, "{uri}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_sorting_export_and_bad_input() {
    let w = world().await;
    let (_, body) = get(&w.t, &w.city, "/api/v1/district/schools?below=membership_rate&threshold=50").await;
    // School A is at 100 %; 西区小学 has no staff, so no rate: kept as a gap to look at.
    assert_eq!(codes(&serde_json::from_str(&body).unwrap()), vec!["w1"]);
    let (s, body) = get(&w.t, &w.city, "/api/v1/district/schools?below=membership_rate&threshold=abc").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("阈值格式不对"), "{body}");
    let (s, body) = get(&w.t, &w.city, "/api/v1/district/schools?sort=nope").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("没有这一列"), "{body}");
    let (d1,): (String,) =
        sqlx::query_as("SELECT id FROM districts WHERE code = 'd1'").fetch_one(w.t.store.reader()).await.unwrap();
    let (_, body) = get(&w.t, &w.city, &format!("/api/v1/district/schools?district={d1}")).await;
    assert_eq!(codes(&serde_json::from_str(&body).unwrap()), vec!["a"]);
    let r = w
        .t
        .send(w.t.req("GET", "/api/v1/district/schools.xlsx?sort=members&desc=1", Some(&w.city), Body::empty(), None))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(r.into_body(), 1 << 24).await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an .xlsx is a zip");
}
