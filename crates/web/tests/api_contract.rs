//! The API as a contract: every error is the JSON shape of API.md, the OpenAPI document lists
//! exactly the router's `/api/v1` routes and is valid OpenAPI, and the transport rules (405,
//! 401 before CSRF, case-insensitive `Bearer`, no caching of personal data) hold.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use serde_json::Value;

async fn token(t: &common::TestApp, username: &str) -> String {
    let user = jiaogong_store::platform::accounts::user_by_username(&t.store, username).await.unwrap().unwrap().0;
    let mut tx = t.store.begin().await.unwrap();
    let secret = jiaogong_store::platform::accounts::create_api_token(&mut tx, &user.id, "contract").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    secret
}

fn api(method: &str, uri: &str, bearer: &str, body: impl Into<Body>, ct: Option<&str>) -> Request<Body> {
    let mut r = Request::builder().method(method).uri(uri).header("authorization", format!("Bearer {bearer}"));
    if let Some(ct) = ct {
        r = r.header("content-type", ct);
    }
    r.body(body.into()).unwrap()
}

/// Asserts the response is `{"error": {"code", "message"}}` JSON with a Chinese message, and
/// returns the code.
async fn json_error(r: Response<Body>, status: StatusCode, what: &str) -> String {
    assert_eq!(r.status(), status, "{what}");
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(ct.starts_with("application/json"), "{what}: content-type {ct:?}");
    let text = common::body_text(r).await;
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: not JSON: {text:?}"));
    let code = v["error"]["code"].as_str().unwrap_or_else(|| panic!("{what}: no code in {text}"));
    assert!(
        !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
        "{what}: code {code:?} is not snake_case"
    );
    let message = v["error"]["message"].as_str().unwrap_or_else(|| panic!("{what}: no message in {text}"));
    assert!(message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{what}: message not Chinese: {message}");
    code.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_error_is_the_json_error_shape() {
    let t = common::app().await;
    let chair = token(&t, "u-chair").await;
    // Unknown path under /api/v1.
    let r = t.send(api("GET", "/api/v1/no/such/thing", &chair, Body::empty(), None)).await;
    assert_eq!(json_error(r, StatusCode::NOT_FOUND, "unknown path").await, "not_found");
    // Also without credentials.
    let r = t.send(Request::builder().uri("/api/v1/nothing-here").body(Body::empty()).unwrap()).await;
    json_error(r, StatusCode::NOT_FOUND, "unknown path, anonymous").await;
    // A query the server cannot read.
    let r = t.send(api("GET", "/api/v1/schools/a/members?page=abc", &chair, Body::empty(), None)).await;
    assert_eq!(json_error(r, StatusCode::BAD_REQUEST, "bad query").await, "bad_query");
    // Bad JSON bodies.
    for body in ["{", "[]", "\"x\"", ""] {
        let r = t.send(api("POST", "/api/v1/schools/a/members", &chair, body, Some("application/json"))).await;
        let status = r.status();
        assert!(status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY, "{body:?}: {status}");
        json_error(r, status, &format!("bad json {body:?}")).await;
    }
    // An oversized body, announced or not.
    let big = vec![b'x'; jiaogong_web::platform::ctx::MAX_BODY + 1];
    let r = t.send(api("POST", "/api/v1/schools/a/members", &chair, big, Some("application/json"))).await;
    assert_eq!(json_error(r, StatusCode::PAYLOAD_TOO_LARGE, "oversized body").await, "too_large");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_method_is_405_and_json_on_the_api() {
    let t = common::app().await;
    let chair = token(&t, "u-chair").await;
    let r = t.send(api("DELETE", "/api/v1/schools/a/members", &chair, Body::empty(), None)).await;
    let allow = r.headers().get("allow").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert_eq!(json_error(r, StatusCode::METHOD_NOT_ALLOWED, "DELETE members").await, "method_not_allowed");
    assert!(allow.contains("GET") && allow.contains("POST"), "Allow header: {allow:?}");
    // On pages: 405 too, with our page.
    let who = t.as_role("chair");
    let r = t.send(t.req("PUT", "/s/a/members", Some(who), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    let text = common::body_text(r).await;
    assert!(text.contains("<html"), "page 405 is our page: {text:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_form_is_a_chinese_error_page() {
    let t = common::app().await;
    let who = t.as_role("chair");
    // The groups form without its fields.
    let r = t
        .send(t.req(
            "POST",
            "/s/a/groups",
            Some(who),
            Body::from("nothing=1"),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(ct.starts_with("text/html"), "content-type {ct:?}");
    let text = common::body_text(r).await;
    assert!(!text.contains("Failed to deserialize"), "axum's text leaks: {text}");
    assert!(text.contains("表单"), "no Chinese explanation: {text}");
    // Unknown page: our page, not an empty body.
    let r = t.send(t.req("GET", "/no/such/page", Some(who), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let text = common::body_text(r).await;
    assert!(text.contains("<html"), "404 page: {text:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unauthenticated_write_is_401_not_a_csrf_failure() {
    let t = common::app().await;
    let r = t
        .send(
            Request::builder()
                .method("POST")
                .uri("/api/v1/schools/a/members")
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(json_error(r, StatusCode::UNAUTHORIZED, "anonymous API write").await, "unauthenticated");
    // A page write without a session goes to the login page, not a CSRF error.
    let r = t
        .send(
            Request::builder()
                .method("POST")
                .uri("/s/a/groups")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("name=x"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers().get("location").unwrap(), "/login");
    // The login form itself still needs its CSRF token.
    let r = t
        .send(
            Request::builder()
                .method("POST")
                .uri("/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("username=a&password=b"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bearer_scheme_is_case_insensitive() {
    let t = common::app().await;
    let chair = token(&t, "u-chair").await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let r = t
            .send(
                Request::builder()
                    .uri("/api/v1/me")
                    .header("authorization", format!("{scheme} {chair}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{scheme}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_data_is_never_cached() {
    let t = common::app().await;
    let chair = token(&t, "u-chair").await;
    let no_store = |r: &Response<Body>| {
        r.headers().get("cache-control").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("no-store"))
    };
    for uri in ["/api/v1/me", "/api/v1/schools/a/members", &format!("/api/v1/members/{}", t.member_a)] {
        let r = t.send(api("GET", uri, &chair, Body::empty(), None)).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        assert!(no_store(&r), "{uri} may be cached");
    }
    let r = t.send(api("GET", "/api/v1/nope", &chair, Body::empty(), None)).await;
    assert!(no_store(&r), "API errors may be cached");
    let who = t.as_role("chair");
    for uri in ["/s/a/members", &format!("/s/a/members/{}", t.member_a), "/profile"] {
        let r = t.send(t.req("GET", uri, Some(who), Body::empty(), None)).await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        assert!(no_store(&r), "logged-in page {uri} may be cached");
    }
}

async fn openapi_document(t: &common::TestApp) -> Value {
    let r = t.send(Request::builder().uri("/api/v1/openapi.json").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status(), StatusCode::OK);
    serde_json::from_str(&common::body_text(r).await).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_lists_every_api_route_and_no_other() {
    let t = common::app().await;
    let doc = openapi_document(&t).await;
    let routes: Vec<(String, String)> = jiaogong_web::routes()
        .list
        .iter()
        .filter(|(_, p)| p.starts_with("/api/v1/"))
        .map(|(m, p)| (m.to_lowercase(), p.to_string()))
        .collect();
    let mut missing = Vec::new();
    for (m, p) in &routes {
        if doc["paths"][p][m].is_null() {
            missing.push(format!("{m} {p}"));
        }
    }
    assert!(missing.is_empty(), "routes missing from the OpenAPI document: {missing:?}");
    let mut extra = Vec::new();
    for (p, item) in doc["paths"].as_object().unwrap() {
        for m in item.as_object().unwrap().keys() {
            if !routes.iter().any(|(rm, rp)| rm == m && rp == p) {
                extra.push(format!("{m} {p}"));
            }
        }
    }
    assert!(extra.is_empty(), "operations in the OpenAPI document without a route: {extra:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_has_an_id_tags_a_response_schema_and_its_errors() {
    let t = common::app().await;
    let doc = openapi_document(&t).await;
    let mut ids = std::collections::HashSet::new();
    for (p, item) in doc["paths"].as_object().unwrap() {
        for (m, op) in item.as_object().unwrap() {
            let what = format!("{m} {p}");
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{what}: no operationId"));
            assert!(ids.insert(id.to_string()), "{what}: operationId {id} twice");
            assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{what}: no tags");
            let responses = op["responses"].as_object().unwrap_or_else(|| panic!("{what}: no responses"));
            let ok = responses.iter().find(|(s, _)| s.starts_with('2')).unwrap_or_else(|| panic!("{what}: no 2xx"));
            assert!(ok.1["content"].is_object(), "{what}: success response without a schema");
            if p == "/api/v1/openapi.json" {
                continue;
            }
            for status in ["400", "401", "403", "404", "422"] {
                assert_eq!(
                    responses.get(status).map(|r| r["$ref"].clone()),
                    Some(Value::from("#/components/responses/Error")),
                    "{what}: error {status} not documented"
                );
            }
            if m != "get" {
                for status in ["409", "413"] {
                    assert!(responses.contains_key(status), "{what}: error {status} not documented");
                }
            }
        }
    }
}

/// The Python interpreter that has `openapi_spec_validator` (and schemathesis): `JIAOGONG_PYTHON`,
/// else the virtual environment `.ci/run` makes, else `python3`.
fn python_with(module: &str) -> Option<String> {
    let home = std::env::var("HOME").unwrap_or_default();
    let candidates = [
        std::env::var("JIAOGONG_PYTHON").unwrap_or_default(),
        format!("{home}/.cache/jiaogong-venv/bin/python"),
        "python3".to_string(),
    ];
    candidates.into_iter().filter(|c| !c.is_empty()).find(|py| {
        std::process::Command::new(py)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_passes_a_real_validator() {
    let Some(py) = python_with("openapi_spec_validator") else {
        assert!(
            std::env::var_os("JIAOGONG_REQUIRE_FUZZER").is_none(),
            "openapi-spec-validator is required (JIAOGONG_REQUIRE_FUZZER) but not installed"
        );
        eprintln!("SKIPPED: the_openapi_document_passes_a_real_validator: Python openapi-spec-validator not found (set JIAOGONG_PYTHON; .ci/run installs it)");
        return;
    };
    let t = common::app().await;
    let doc = openapi_document(&t).await;
    let path = std::env::temp_dir().join(format!("jiaogong-openapi-{}.json", std::process::id()));
    std::fs::write(&path, doc.to_string()).unwrap();
    let out = std::process::Command::new(&py)
        .args([
            "-c",
            "import json, sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(open(sys.argv[1])))\nprint('valid')",
        ])
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "the OpenAPI document is not valid: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The schema behind a `$ref` (one level), or the schema itself.
fn resolved<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/")) {
        Some(path) => doc.pointer(&format!("/{path}")).unwrap_or(schema),
        None => schema,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_json_success_response_names_its_fields() {
    let t = common::app().await;
    let doc = openapi_document(&t).await;
    // The document itself, and the result and bulletin formats of ballots.md (documented there).
    let free = ["openapi", "pollResult", "pollBulletin"];
    let mut vague = Vec::new();
    for (p, item) in doc["paths"].as_object().unwrap() {
        for (m, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default();
            if free.contains(&id) {
                continue;
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                if !status.starts_with('2') {
                    continue;
                }
                let Some(schema) = response["content"]["application/json"].get("schema") else { continue };
                let schema = resolved(&doc, schema);
                // A top-level array (a contract that says `[{…}]`) names the fields of its items.
                let items = resolved(&doc, &schema["items"]);
                let named = schema["properties"].as_object().is_some_and(|p| !p.is_empty())
                    || schema["allOf"].as_array().is_some_and(|a| !a.is_empty())
                    || (schema["type"] == "array" && items["properties"].as_object().is_some_and(|p| !p.is_empty()));
                if !named {
                    vague.push(format!("{m} {p} {status}"));
                }
            }
        }
    }
    assert!(vague.is_empty(), "success responses without their fields: {vague:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_api_total_equals_the_rows_its_pages_give() {
    let t = common::app().await;
    // 118 members in school A (A1 and 117 more), 50 of them since transferred out.
    let mut tx = t.store.begin().await.unwrap();
    let rows: Vec<_> = (2..=118)
        .map(|i| {
            let m = jiaogong_domain::members::validate_member(
                &jiaogong_domain::members::RawMember::new()
                    .with(jiaogong_domain::members::Field::Name, format!("教师{}", i % 9))
                    .with(jiaogong_domain::members::Field::EmployeeNo, format!("P{i:03}")),
            )
            .unwrap();
            (m, None, None)
        })
        .collect();
    let ids = jiaogong_store::members::insert_many(&t.store, &mut tx, &t.school_a, &rows).await.unwrap();
    for id in ids.iter().take(50) {
        jiaogong_store::members::record_event(
            &mut tx,
            &t.school_a,
            id,
            jiaogong_domain::members::MemberEventKind::TransferOut,
            jiaogong_domain::members::MemberStatus::TransferredOut,
            None,
            "2026-09-01",
            "调出",
            "",
            "chair",
        )
        .await
        .unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();
    let chair = token(&t, "u-chair").await;
    let get = |uri: String| {
        let t = &t;
        let chair = chair.clone();
        async move {
            let r = t.send(api("GET", &uri, &chair, Body::empty(), None)).await;
            let status = r.status();
            (status, serde_json::from_str::<serde_json::Value>(&common::body_text(r).await).unwrap())
        }
    };
    for filter in ["", "&status=active", "&status=transferred_out", "&q=%E6%95%99%E5%B8%881"] {
        let (_, first) = get(format!("/api/v1/schools/a/members?{filter}")).await;
        let total = first["total"].as_u64().unwrap();
        let pages = first["pages"].as_u64().unwrap();
        assert_eq!(first["page"], 1, "no page is page 1");
        // Pages 1 … pages, as a client reads them from total and per_page.
        let mut seen = std::collections::HashSet::new();
        for page in 1..=pages {
            let (_, v) = get(format!("/api/v1/schools/a/members?page={page}{filter}")).await;
            assert_eq!(v["total"].as_u64(), Some(total));
            for m in v["members"].as_array().unwrap() {
                assert!(seen.insert(m["id"].as_str().unwrap().to_string()), "a member on two pages");
            }
            assert_eq!(v["next"] == serde_json::Value::Null, page == pages);
        }
        assert_eq!(seen.len() as u64, total, "filter {filter:?}");
    }
    let (_, all) = get("/api/v1/schools/a/members".into()).await;
    assert_eq!((all["total"].as_u64(), all["pages"].as_u64()), (Some(118), Some(3)));
    let (s, v) = get("/api/v1/schools/a/members?page=0".into()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"]["message"].as_str().unwrap().contains("页码从 1 开始"), "{v}");
}
