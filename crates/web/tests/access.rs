//! The router-wide access-control test: every route has an entry in the table, every role gets
//! exactly what the table says, and another school's ids are refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use jiaogong_domain::platform::roles::Role;
use jiaogong_web::platform::access::{self, Allow, TABLE};

#[test]
fn every_route_has_an_access_entry_and_every_entry_a_route() {
    let routes = jiaogong_web::routes().list;
    for (m, p) in &routes {
        assert!(access::lookup(m, p).is_some(), "route {m} {p} has no entry in the access table");
    }
    for (m, p, _) in TABLE {
        assert!(routes.iter().any(|(rm, rp)| rm == m && rp == p), "table entry {m} {p} has no route");
    }
}

fn concrete(path: &str, school: &str, member: &str) -> String {
    path.replace("{school}", school)
        .replace("{id}", member)
        .replace("{token}", "0000")
        .replace("{stash}", "0000")
        .replace("{day}", "2026-10-01")
        .replace("{delegate}", "0000")
        .replace("{member}", member)
        .replace("{pass}", "1")
        .replace("{item}", "0000")
        .replace("{round}", "0000")
        .replace("{nominee}", "0000")
        .replace("{objection}", "0000")
        .replace("{*path}", "app.css")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_gets_exactly_what_the_table_allows() {
    let t = common::app().await;
    let mut checked = 0;
    for (method, path, allow) in TABLE {
        if *path == "/logout" || path.contains("password") {
            continue; // would end the session used by later requests
        }
        let uri = concrete(path, "a", &t.member_a);
        // Anonymous.
        let r = t.send(t.req(method, &uri, None, Body::empty(), None)).await;
        match allow {
            // A public form without the pre-session CSRF cookie is refused as a forgery.
            Allow::Public if *method != "GET" => assert_eq!(r.status(), StatusCode::FORBIDDEN, "{method} {path}"),
            Allow::Public => assert!(
                r.status() != StatusCode::UNAUTHORIZED && r.status() != StatusCode::FORBIDDEN,
                "{method} {path} public but {}",
                r.status()
            ),
            _ => assert!(
                r.status() == StatusCode::UNAUTHORIZED
                    || r.status() == StatusCode::SEE_OTHER
                    || (r.status() == StatusCode::FORBIDDEN && *method != "GET"),
                "{method} {path} anonymous got {}",
                r.status()
            ),
        }
        for role in Role::ALL {
            let who = t.as_role(role.code());
            let r =
                t.send(t.req(method, &uri, Some(who), Body::empty(), Some("application/x-www-form-urlencoded"))).await;
            let allowed = match allow {
                Allow::Public | Allow::Anyone => true,
                Allow::Roles(roles) => roles.contains(&role),
                // Every role here belongs to a school (or a district): none is the system admin.
                Allow::SystemAdmin => false,
            };
            // The district user reaches school A (in its district) only through the district's
            // own routes: every school route is closed to the role.
            let scoped_out = role == Role::District && path.contains("{school}") && !path.starts_with("/district/");
            if allowed && !scoped_out {
                assert!(
                    r.status() != StatusCode::FORBIDDEN && r.status() != StatusCode::UNAUTHORIZED,
                    "{method} {path} should be open to {role:?}, got {}",
                    r.status()
                );
                assert!(r.status() != StatusCode::INTERNAL_SERVER_ERROR, "{method} {path} as {role:?}: 500");
            } else {
                assert_eq!(r.status(), StatusCode::FORBIDDEN, "{method} {path} should be closed to {role:?}");
            }
            checked += 1;
        }
        if matches!(allow, Allow::SystemAdmin) {
            let r = t
                .send(t.req(
                    method,
                    &uri,
                    Some(t.as_role("sysadmin")),
                    Body::empty(),
                    Some("application/x-www-form-urlencoded"),
                ))
                .await;
            assert!(
                r.status() != StatusCode::FORBIDDEN && r.status().as_u16() < 500,
                "{method} {path} as system admin: {}",
                r.status()
            );
        }
    }
    assert!(checked > 200, "only {checked} combinations checked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_schools_ids_are_refused() {
    let t = common::app().await;
    let chair = t.as_role("chair");
    for (method, path, _) in TABLE.iter().filter(|(_, p, _)| p.contains("{school}")) {
        let uri = concrete(path, "b", &t.member_b);
        let r =
            t.send(t.req(method, &uri, Some(chair), Body::empty(), Some("application/x-www-form-urlencoded"))).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{method} {uri}");
    }
    // School A's member through school A's path but as school B's chair.
    let r = t.send(t.req("GET", &format!("/s/a/members/{}", t.member_a), Some(&t.chair_b), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // School B's member id inside school A's path: not found, nothing revealed.
    let r = t.send(t.req("GET", &format!("/s/a/members/{}", t.member_b), Some(chair), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = t
        .send(t.req(
            "POST",
            &format!("/s/a/members/{}/reveal", t.member_b),
            Some(chair),
            Body::from("field=id_number"),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The API's member routes carry no school: another school's id is not found.
    for method in ["GET", "PATCH"] {
        let r = t
            .send(t.req(
                method,
                &format!("/api/v1/members/{}", t.member_b),
                Some(chair),
                Body::from("{}"),
                Some("application/json"),
            ))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{method}");
    }
    // A system admin may act in any school.
    let r = t.send(t.req("GET", "/s/b/members", Some(t.as_role("sysadmin")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denials_are_audited() {
    let t = common::app().await;
    let r = t.send(t.req("GET", "/s/b/members", Some(t.as_role("chair")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (n,): (i64,) = sqlx_count(&t, "access.denied").await;
    assert!(n >= 1);
}

async fn sqlx_count(t: &common::TestApp, action: &str) -> (i64,) {
    let entries = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 100).await.unwrap();
    (entries.iter().filter(|e| e.action == action).count() as i64,)
}
