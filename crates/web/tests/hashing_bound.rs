//! Password hashing is bounded by the cores: 200 parallel logins for unknown users run at most one
//! hash per core and the rest are told to try again shortly. The bound is process-wide, so this
//! test has its own process (it would make other tests' logins wait).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;

use common::login;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_password_hashing_is_bounded_by_the_cores() {
    let t = common::app().await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let app = t.app.clone();
        let req = login(&format!("nobody-{i}"), "whatever-123", &format!("10.4.{}.{}", i / 200, i % 200));
        tasks.push(tokio::spawn(async move {
            let r = tower::ServiceExt::oneshot(app, req).await.unwrap();
            let status = r.status();
            (status, common::body_text(r).await)
        }));
    }
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::SERVICE_UNAVAILABLE => assert!(body.contains("稍后再试"), "{body}"),
            other => panic!("unexpected {other}"),
        }
    }
    let peak = jiaogong_web::platform::hashing::peak();
    assert!(peak >= 1 && peak <= jiaogong_web::platform::hashing::limit(), "peak {peak} hashes at once");
}
