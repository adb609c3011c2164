//! Notices on the web: sanitising (no script, event handler or javascript: link survives),
//! access and school scope, CSRF, acknowledgement and readers, the inbox, and delivery: email
//! through a real SMTP server the test starts, and a group robot's webhook received by a local
//! HTTP listener.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use common::{app, body_text, TestApp};
use jiaogong_store::platform::{inbox, robots};
use serde_json::{json, Value};

async fn publish(t: &TestApp, role: &str, body: Value) -> (StatusCode, Value) {
    let who = t.as_role(role).clone();
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/notices",
            Some(&who),
            Body::from(body.to_string()),
            Some("application/json"),
        ))
        .await;
    let status = r.status();
    let text = body_text(r).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn script_event_handlers_and_javascript_links_are_removed_on_the_server() {
    let t = app().await;
    let (status, v) = publish(
        &t,
        "chair",
        json!({"title": "通知", "needs_ack": true, "body_html":
            "<p onclick=\"steal()\">请阅读<script>alert(1)</script></p><img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">点我</a><a href=\"https://example.org/a\">链接</a>"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let html = v["body_html"].as_str().unwrap();
    for bad in ["<script", "alert", "onclick", "onerror", "javascript:"] {
        assert!(!html.contains(bad), "{bad} survived: {html}");
    }
    assert!(html.contains("https://example.org/a"));
    assert_eq!(v["readers"], 1);
    // The page shows the sanitised body, not what was sent.
    let id = v["id"].as_str().unwrap();
    let member = t.as_role("member").clone();
    let page =
        body_text(t.send(t.req("GET", &format!("/notices/{id}"), Some(&member), Body::empty(), None)).await).await;
    assert!(page.contains("请阅读"));
    assert!(!page.contains("steal()") && !page.contains("alert(1)"));
}

#[tokio::test]
async fn deep_nesting_is_refused_with_a_message_saying_what_to_fix() {
    let t = app().await;
    let deep = format!("{}x{}", "<blockquote>".repeat(60), "</blockquote>".repeat(60));
    let (status, v) = publish(&t, "chair", json!({"title": "深", "body_html": deep})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("嵌套"), "{v}");
}

async fn readers_of(t: &TestApp, chair: &(String, String), id: &str) -> Value {
    let r = t.send(t.req("GET", &format!("/api/v1/notices/{id}/readers"), Some(chair), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    serde_json::from_str::<Value>(&body_text(r).await).unwrap()
}

#[tokio::test]
async fn members_acknowledge_and_the_committee_sees_who_has_not_read() {
    let t = app().await;
    let (_, v) = publish(&t, "chair", json!({"title": "开会", "body_html": "<p>周五</p>", "needs_ack": true})).await;
    let id = v["id"].as_str().unwrap().to_string();
    let member = t.as_role("member").clone();
    let chair = t.as_role("chair").clone();

    // Home shows the line; the 通知 tab shows the button.
    let home = body_text(t.send(t.req("GET", "/", Some(&member), Body::empty(), None)).await).await;
    assert!(home.contains("待确认已阅的通知"), "{home}");
    let tab = body_text(t.send(t.req("GET", "/notices", Some(&member), Body::empty(), None)).await).await;
    assert!(tab.contains(&format!("/notices/{id}/read")));

    let before = readers_of(&t, &chair, &id).await;
    assert_eq!((before["read"].as_i64(), before["total"].as_i64()), (Some(0), Some(1)));
    assert_eq!(before["readers"][0]["name"], "甲一");

    // Without the CSRF token the acknowledgement is refused and nothing changes.
    let no_csrf = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/notices/{id}/read"))
        .header("cookie", format!("jg_session={}", member.0))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("x=1"))
        .unwrap();
    assert_eq!(t.send(no_csrf).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(readers_of(&t, &chair, &id).await["read"], 0);

    let r = t.send(t.req("POST", &format!("/notices/{id}/read"), Some(&member), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = readers_of(&t, &chair, &id).await;
    assert_eq!((after["read"].as_i64(), after["unread"].as_i64()), (Some(1), Some(0)));
    assert!(after["readers"][0]["read_at"].is_i64());
    let home = body_text(t.send(t.req("GET", "/", Some(&member), Body::empty(), None)).await).await;
    assert!(!home.contains("待确认已阅的通知"));

    // The readers page and its export for the committee.
    let page =
        body_text(t.send(t.req("GET", &format!("/s/a/notices/{id}"), Some(&chair), Body::empty(), None)).await).await;
    assert!(page.contains("已阅 1 / 1 人"), "{page}");
    let x = t.send(t.req("POST", &format!("/s/a/notices/{id}/export"), Some(&chair), Body::empty(), None)).await;
    assert_eq!(x.status(), StatusCode::OK);
    assert!(x.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
}

#[tokio::test]
async fn roles_and_schools_are_kept_apart() {
    let t = app().await;
    let (_, v) =
        publish(&t, "chair", json!({"title": "甲校通知", "body_html": "<p>内部</p>", "needs_ack": true})).await;
    let id = v["id"].as_str().unwrap().to_string();
    // A member cannot publish, read the receipts or remind.
    let (status, _) = publish(&t, "member", json!({"title": "x", "body_html": "<p>x</p>"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let member = t.as_role("member").clone();
    for (m, path) in [
        ("GET", "/s/a/notices".to_string()),
        ("GET", format!("/s/a/notices/{id}")),
        ("POST", format!("/s/a/notices/{id}/remind")),
        ("GET", format!("/api/v1/notices/{id}/readers")),
    ] {
        let r = t.send(t.req(m, &path, Some(&member), Body::empty(), None)).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{m} {path}");
    }
    // The auditor reads but does not write notices.
    let auditor = t.as_role("auditor").clone();
    let r = t.send(t.req("GET", "/s/a/notices", Some(&auditor), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Another school's chair: the school's pages are refused, the notice is not found.
    let r = t.send(t.req("GET", "/s/a/notices", Some(&t.chair_b), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for (m, path) in [
        ("GET", format!("/notices/{id}")),
        ("GET", format!("/api/v1/notices/{id}/readers")),
        ("POST", format!("/notices/{id}/read")),
    ] {
        let r = t.send(t.req(m, &path, Some(&t.chair_b), Body::empty(), None)).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{m} {path}");
    }
    // Not logged in: no notices at all.
    let r = t.send(t.req("GET", "/notices", None, Body::empty(), None)).await;
    assert_ne!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_inbox_lists_marks_read_and_follows_the_link() {
    let t = app().await;
    let (_, v) = publish(&t, "chair", json!({"title": "新通知", "body_html": "<p>内容</p>"})).await;
    let id = v["id"].as_str().unwrap().to_string();
    let member = t.as_role("member").clone();
    let r = t.send(t.req("GET", "/api/v1/me/inbox", Some(&member), Body::empty(), None)).await;
    let inbox: Value = serde_json::from_str(&body_text(r).await).unwrap();
    assert_eq!(inbox["unread"], 1);
    let msg = inbox["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(inbox["items"][0]["link"], format!("/notices/{id}"));
    // Another member's message cannot be marked.
    let r = t.send(t.req("POST", &format!("/inbox/{msg}/read"), Some(&t.chair_b), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = t.send(t.req("POST", &format!("/inbox/{msg}/read"), Some(&member), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], format!("/notices/{id}"));
    assert_eq!(inbox::unread_count(&t.store, &t.school_a, &t.member_a).await.unwrap(), 0);
    // Email settings: a bad address is refused in Chinese and nothing is stored.
    let form = |f: &str, e: &str| {
        format!("frequency={f}&email={}", url::form_urlencoded::byte_serialize(e.as_bytes()).collect::<String>())
    };
    let r = t
        .send(t.req(
            "POST",
            "/notices/settings",
            Some(&member),
            Body::from(form("daily", "not an address")),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(r).await.contains("邮箱地址格式不对"));
    let r = t
        .send(t.req(
            "POST",
            "/notices/settings",
            Some(&member),
            Body::from(form("weekly", "he@example.org")),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(inbox::prefs(&t.store, &t.member_a).await.unwrap(), ("weekly".into(), "he@example.org".into()));
}

/// A one-request HTTP listener: returns the port and a receiver of (request line, body).
async fn http_receiver() -> (u16, tokio::sync::mpsc::Receiver<(String, String)>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::mpsc::channel(256);
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let tx = tx.clone();
            // Each connection on its own task: an idle pooled connection never blocks the next.
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Read the head, then Content-Length bytes of body.
                loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let Some(split) = buf.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
                    let head = String::from_utf8_lossy(&buf[..split]).to_string();
                    let len = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if buf.len() >= split + 4 + len {
                        let body = String::from_utf8_lossy(&buf[split + 4..split + 4 + len]).to_string();
                        let line = head.lines().next().unwrap_or_default().to_string();
                        let _ = tx.send((line, body)).await;
                        break;
                    }
                }
                let _ = sock
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 13\r\nconnection: close\r\n\r\n{\"errcode\":0}")
                    .await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (port, rx)
}

#[tokio::test]
async fn a_published_notice_reaches_the_dingtalk_robot_signed() {
    let t = app().await;
    let (port, mut rx) = http_receiver().await;
    let mut tx = t.store.begin().await.unwrap();
    robots::set_robot(
        &mut tx,
        &t.store,
        &t.school_a,
        "dingtalk",
        &format!("http://127.0.0.1:{port}/robot/send?access_token=tok"),
        "SECdemo",
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    publish(&t, "chair", json!({"title": "工会通知：周五开会", "body_html": "<p>x</p>"})).await;
    let now = jiaogong_store::now_ms();
    let report =
        jiaogong_web::platform::delivery::tick(&t.store, None, "http://127.0.0.1", "server-a", now).await.unwrap();
    assert!(report.ran);
    assert_eq!((report.robot_sent, report.robot_errors), (1, 0), "{report:?}");
    let (line, body) = rx.recv().await.unwrap();
    assert!(line.starts_with(&format!("POST /robot/send?access_token=tok&timestamp={now}&sign=")), "{line}");
    let sign = line.split("&sign=").nth(1).unwrap().split(' ').next().unwrap();
    assert_eq!(sign, jiaogong_web::platform::robots::dingtalk_sign(now, "SECdemo"));
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["msgtype"], "text");
    assert_eq!(v["text"]["content"], "工会通知：周五开会");
    // Sent once: the next tick has nothing; a second server does not hold the lease.
    let again = jiaogong_web::platform::delivery::tick(&t.store, None, "x", "server-a", now + 1_000).await.unwrap();
    assert_eq!(again.robot_sent, 0);
    let other = jiaogong_web::platform::delivery::tick(&t.store, None, "x", "server-b", now + 2_000).await.unwrap();
    assert!(!other.ran);
}

#[tokio::test]
async fn the_robot_queue_keeps_to_twenty_a_minute() {
    let t = app().await;
    let (port, mut rx) = http_receiver().await;
    let mut tx = t.store.begin().await.unwrap();
    robots::set_robot(
        &mut tx,
        &t.store,
        &t.school_a,
        "wecom",
        &format!("http://127.0.0.1:{port}/cgi-bin/webhook/send?key=k"),
        "",
    )
    .await
    .unwrap();
    for i in 0..25 {
        robots::enqueue(&mut tx, &t.school_a, &format!("通知{i}")).await.unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();
    let now = jiaogong_store::now_ms();
    let first = jiaogong_web::platform::delivery::tick(&t.store, None, "x", "s", now).await.unwrap();
    if first.robot_sent != 20 {
        let errs: Vec<(String,)> = sqlx::query_as("SELECT last_error FROM webhook_queue WHERE last_error <> ''")
            .fetch_all(t.store.reader())
            .await
            .unwrap();
        panic!("{first:?} {errs:?}");
    }
    let within = jiaogong_web::platform::delivery::tick(&t.store, None, "x", "s", now + 30_000).await.unwrap();
    assert_eq!(within.robot_sent, 0, "the minute's allowance is used");
    let later = jiaogong_web::platform::delivery::tick(&t.store, None, "x", "s", now + 61_000).await.unwrap();
    assert_eq!(later.robot_sent, 5);
    let mut got = 0;
    while let Ok(Some(_)) = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv()).await {
        got += 1;
        if got == 25 {
            break;
        }
    }
    assert_eq!(got, 25);
}

/// A Python interpreter with aiosmtpd: `JIAOGONG_PYTHON`, the CI's virtual environment, or python3.
fn python_with_aiosmtpd() -> Option<String> {
    let home = std::env::var("HOME").unwrap_or_default();
    [
        std::env::var("JIAOGONG_PYTHON").unwrap_or_default(),
        format!("{home}/.cache/jiaogong-venv/bin/python"),
        "python3".into(),
    ]
    .into_iter()
    .filter(|c| !c.is_empty())
    .find(|py| {
        std::process::Command::new(py).args(["-c", "import aiosmtpd"]).output().is_ok_and(|o| o.status.success())
    })
}

/// The SMTP server: accepts every message and writes it to a file, one file per message.
const SMTP_SERVER: &str = r#"
import asyncio, sys, os
from aiosmtpd.controller import Controller
out = sys.argv[1]
class H:
    async def handle_DATA(self, server, session, envelope):
        n = len(os.listdir(out))
        with open(os.path.join(out, f"{n}.eml"), "wb") as f:
            f.write(("TO: " + ",".join(envelope.rcpt_tos) + "\n").encode() + envelope.content)
        return "250 OK"
c = Controller(H(), hostname="127.0.0.1", port=int(sys.argv[2]))
c.start()
print(sys.argv[2], flush=True)
sys.stdin.read()
"#;

struct Smtp {
    child: std::process::Child,
    port: u16,
    dir: std::path::PathBuf,
}
impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn start_smtp() -> Option<Smtp> {
    use std::io::BufRead;
    let required = std::env::var("JIAOGONG_REQUIRE_SMTP").is_ok_and(|v| v == "1");
    let Some(py) = python_with_aiosmtpd() else {
        assert!(!required, "JIAOGONG_REQUIRE_SMTP=1 but no Python with aiosmtpd (pip install aiosmtpd==1.4.6)");
        eprintln!("SKIPPED: the SMTP test needs Python with aiosmtpd (pip install aiosmtpd); set JIAOGONG_PYTHON");
        return None;
    };
    let dir = std::env::temp_dir().join(format!("jg-smtp-{}", jiaogong_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A free port: taken from the system, released, handed to the server.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = std::process::Command::new(py)
        .args(["-c", SMTP_SERVER, dir.to_str().unwrap(), &port.to_string()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let ok = std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).is_ok();
    match line.trim().parse::<u16>() {
        Ok(p) if ok && p == port => Some(Smtp { child, port, dir }),
        _ => {
            let _ = child.kill();
            assert!(!required, "JIAOGONG_REQUIRE_SMTP=1 but the SMTP server did not start: {line:?}");
            eprintln!("SKIPPED: the SMTP server did not start");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urgent_messages_are_emailed_at_once_and_never_twice() {
    let Some(smtp) = start_smtp() else { return };
    let t = app().await;
    let mut tx = t.store.begin().await.unwrap();
    inbox::set_prefs(&mut tx, &t.school_a, &t.member_a, "daily", "jiayi@example.org").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let (_, v) =
        publish(&t, "chair", json!({"title": "请确认：安全培训", "body_html": "<p>x</p>", "needs_ack": true})).await;
    let id = v["id"].as_str().unwrap();
    let cfg = jiaogong_web::SmtpConfig {
        url: format!("smtp://127.0.0.1:{}", smtp.port),
        from: "教工之家 <union@example.org>".into(),
    };
    // A daily member before the digest hour gets nothing for an ordinary notice …
    let morning = {
        use chrono::TimeZone;
        chrono::FixedOffset::east_opt(8 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 12, 7, 9, 0, 0)
            .unwrap()
            .timestamp_millis()
    };
    let r = jiaogong_web::platform::delivery::tick(&t.store, Some(&cfg), "https://union.example", "s", morning)
        .await
        .unwrap();
    assert_eq!(r.emails, 0);
    // … but the reminder is urgent and goes at once, with both messages in one email.
    let chair = t.as_role("chair").clone();
    t.send(t.req("POST", &format!("/s/a/notices/{id}/remind"), Some(&chair), Body::empty(), None)).await;
    let r = jiaogong_web::platform::delivery::tick(&t.store, Some(&cfg), "https://union.example", "s", morning + 1_000)
        .await
        .unwrap();
    assert_eq!((r.emails, r.email_errors), (1, 0), "{r:?}");
    let files: Vec<_> = std::fs::read_dir(&smtp.dir).unwrap().collect();
    assert_eq!(files.len(), 1);
    let mail = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
    assert!(mail.starts_with("TO: jiayi@example.org"), "{mail}");
    // The body is Base64 (UTF-8 Chinese text): decode it.
    let (_, encoded) = mail.split_once("\r\n\r\n").or_else(|| mail.split_once("\n\n")).unwrap();
    use base64::Engine;
    let text: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let body = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(text.trim_end_matches('.')).unwrap())
        .unwrap();
    assert!(body.contains(&format!("https://union.example/notices/{id}")), "{body}");
    assert!(body.contains("请确认：安全培训"), "{body}");
    assert!(body.contains("2 条新消息"), "{body}");
    // Nothing is sent twice.
    let r =
        jiaogong_web::platform::delivery::tick(&t.store, Some(&cfg), "https://union.example", "s", morning + 200_000)
            .await
            .unwrap();
    assert_eq!(r.emails, 0);
    assert_eq!(std::fs::read_dir(&smtp.dir).unwrap().count(), 1);
}
