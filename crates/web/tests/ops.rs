//! Operations: `/metrics` is refused without its token, served with it; scheduled backups keep
//! the newest N files, 0600.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use jiaogong_web::WebConfig;

fn metrics_req(token: Option<&str>) -> Request<Body> {
    let mut r = Request::builder().method("GET").uri("/metrics");
    if let Some(t) = token {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    r.body(Body::empty()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_refused_without_the_token_and_served_with_it() {
    let t = common::app_with(WebConfig { metrics_token: Some("s3cret-token".into()), ..WebConfig::default() }).await;
    // Some traffic first, so that the latency histogram has a sample.
    let r = t.send(t.req("GET", "/me", Some(t.as_role("member")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);

    assert_eq!(t.send(metrics_req(None)).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(t.send(metrics_req(Some("wrong"))).await.status(), StatusCode::UNAUTHORIZED);
    // A signed-in administrator's session is not the token either.
    let admin = t.req("GET", "/metrics", Some(t.as_role("admin")), Body::empty(), None);
    assert_eq!(t.send(admin).await.status(), StatusCode::UNAUTHORIZED);

    let r = t.send(metrics_req(Some("s3cret-token"))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = common::body_text(r).await;
    assert!(text.contains("jiaogong_http_request_duration_seconds_bucket"), "{text}");
    assert!(text.contains("group=\"me\""), "{text}");
    assert!(text.contains("jiaogong_db_pool_connections"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_do_not_exist_without_a_configured_token() {
    let t = common::app().await;
    assert_eq!(t.send(metrics_req(Some(""))).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(t.send(metrics_req(None)).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_backups_keep_the_newest_files_private() {
    let t = common::app().await;
    let st = jiaogong_web::AppState { store: t.store.clone(), config: std::sync::Arc::new(WebConfig::default()) };
    let dir = std::env::temp_dir().join(format!("jg-backups-{}", jiaogong_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "not a backup").unwrap();
    let s = jiaogong_web::BackupSchedule { dir: dir.clone(), keep: 2, every: std::time::Duration::from_secs(3600) };
    let mut made = Vec::new();
    for _ in 0..4 {
        made.push(jiaogong_web::platform::backups::run_once(&st, &s).await.unwrap());
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let left = jiaogong_store::platform::scheduled_backup::scheduled_backups(&dir).unwrap();
    assert_eq!(left, made[2..].to_vec(), "the two newest are kept");
    assert!(dir.join("notes.txt").exists(), "other files are left alone");
    for p in &left {
        let text = std::fs::read_to_string(p).unwrap();
        assert!(text.starts_with("{") && text.contains("jiaogong-backup"), "a backup file");
        assert!(text.trim_end().ends_with("}") && text.contains("\"end\":true"), "complete");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(p).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
