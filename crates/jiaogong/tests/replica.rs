//! Two app servers against a PostgreSQL primary and its streaming replica (.ci/replica.sh):
//! a write on A is visible on B, a login on A is valid on B, a vote cast through A and B counts
//! once, B's GETs are served by the replica, a lagging replica and a stopped one send reads
//! back to the primary while pages keep answering.
//!
//! Needs JIAOGONG_TEST_PG (the primary) and JIAOGONG_TEST_REPLICA (its replica); skipped without
//! them unless JIAOGONG_REQUIRE_REPLICA=1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{free_port, http_get, TempDir, DEMO_PASSWORD};
use serde_json::{json, Value};

const KEY: &str = "7f3c9a1e5b2d4f6071829304a5b6c7d8e9f00112233445566778899aabbccdde";
const METRICS_TOKEN: &str = "metrics-secret-for-tests";

fn urls() -> Option<(String, String)> {
    let pg = std::env::var("JIAOGONG_TEST_PG").ok();
    let replica = std::env::var("JIAOGONG_TEST_REPLICA").ok();
    match (pg, replica) {
        (Some(p), Some(r)) => Some((p, r)),
        _ => {
            if std::env::var("JIAOGONG_REQUIRE_REPLICA").map(|v| v == "1").unwrap_or(false) {
                panic!("JIAOGONG_REQUIRE_REPLICA=1 but JIAOGONG_TEST_PG and JIAOGONG_TEST_REPLICA are not both set");
            }
            println!(
                "SKIPPED: set JIAOGONG_TEST_PG and JIAOGONG_TEST_REPLICA (.ci/replica.sh) to run the replica test"
            );
            None
        }
    }
}

fn with_db(base: &str, db: &str) -> String {
    let mut u = url::Url::parse(base).unwrap();
    u.set_path(&format!("/{db}"));
    u.to_string()
}

/// A server process killed when dropped.
struct Running(std::process::Child);
impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct App {
    port: u16,
    _proc: Running,
    log: std::path::PathBuf,
    _dir: TempDir,
}

impl App {
    fn start(primary: &str, replica: &str, demo: bool, extra: &[&str]) -> App {
        let dir = TempDir::new("replica");
        let port = free_port();
        let log = dir.path().join("server.log");
        let out = std::fs::File::create(&log).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_jiaogong"));
        cmd.arg("serve")
            .args(["--data", &dir.path().join("data").display().to_string()])
            .args(["--database-url", primary, "--read-database-url", replica])
            .args(["--secret-key", KEY, "--metrics-token", METRICS_TOKEN])
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .args(extra)
            .env_remove("JIAOGONG_DATA")
            .env_remove("JIAOGONG_DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out);
        if demo {
            cmd.arg("--demo");
        }
        let child = cmd.spawn().unwrap();
        let app = App { port, _proc: Running(child), log, _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(60);
        while http_get(port, "/healthz").map(|r| r.0) != Some(200) {
            assert!(Instant::now() < deadline, "server did not start:\n{}", app.log_text());
            std::thread::sleep(Duration::from_millis(100));
        }
        app
    }
    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The value of cookie `name` among a response's Set-Cookie headers.
fn set_cookie(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        let (k, rest) = v.split_once('=')?;
        (k == name).then(|| rest.split(';').next().unwrap_or("").to_string())
    })
}

/// Logs in through the form on `app`; returns the session cookie value.
async fn login(c: &reqwest::Client, app: &App, user: &str) -> String {
    let r = c.get(app.url("/login")).send().await.unwrap();
    let pre = set_cookie(&r, "jg_pre").expect("pre-session cookie");
    let r = c
        .post(app.url("/login"))
        .header("cookie", format!("jg_pre={pre}"))
        .form(&[("username", user), ("password", DEMO_PASSWORD), ("_csrf", &pre)])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "login as {user}: {}", r.status());
    assert!(set_cookie(&r, "jg_wrote").is_some(), "a write marks the browser as having written");
    set_cookie(&r, "jg_session").expect("session cookie")
}

async fn get_json(c: &reqwest::Client, app: &App, path: &str, cookie: &str) -> (u16, Value) {
    let r = c.get(app.url(path)).header("cookie", cookie).send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn metrics(c: &reqwest::Client, app: &App) -> String {
    let r = c.get(app.url("/metrics")).bearer_auth(METRICS_TOKEN).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.text().await.unwrap()
}

/// The value of the first sample line starting with `prefix`.
fn sample(text: &str, prefix: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

fn replica_script(arg: Option<&str>) {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci/replica.sh");
    let mut cmd = Command::new("bash");
    cmd.arg(&script);
    if let Some(a) = arg {
        cmd.arg(a);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

async fn turnout_until(c: &reqwest::Client, app: &App, poll: &str, cookie: &str, want: i64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (s, v) = get_json(c, app, &format!("/api/v1/polls/{poll}/turnout"), cookie).await;
        assert_eq!(s, 200, "{v}");
        let voted = v["voted"].as_i64().unwrap();
        if voted == want || Instant::now() > deadline {
            return voted;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_a_primary_and_its_replica() {
    let Some((pg, replica)) = urls() else { return };
    sqlx::any::install_default_drivers();
    let db = format!("jg_replica_{}", std::process::id());
    let admin = sqlx::AnyPool::connect(&pg).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).execute(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {db}")).execute(&admin).await.unwrap();
    let (p_url, r_url) = (with_db(&pg, &db), with_db(&replica, &db));

    let a = App::start(&p_url, &r_url, true, &[]);
    let b = App::start(&p_url, &r_url, false, &["--replica-max-lag-ms", "1000"]);
    let c = client();

    // The demo's open poll, which the demo member and the chair have not voted in.
    let primary = sqlx::AnyPool::connect(&p_url).await.unwrap();
    let (poll,): (String,) = sqlx::query_as("SELECT id FROM polls WHERE title = '关于调整教职工体检项目的意见征集'")
        .fetch_one(&primary)
        .await
        .unwrap();

    // A login on A is valid on B at once, even on a GET B would serve from the replica.
    let member = login(&c, &a, "member").await;
    let (s, me) = get_json(&c, &b, "/api/v1/me", &format!("jg_session={member}")).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["username"], "member");

    // A vote through A, then the same member through B: stored once.
    let before = turnout_until(&c, &b, &poll, &format!("jg_session={member}"), -1).await;
    let token_of = |session: &str| format!("jg_session={session}");
    // Ballots go through the API with the session and the CSRF header of that session.
    let csrf = |page: &str| -> String {
        page.split("\"X-CSRF-Token\": \"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("").to_string()
    };
    let home = c.get(a.url("/")).header("cookie", token_of(&member)).send().await.unwrap().text().await.unwrap();
    let member_csrf = csrf(&home);
    assert!(!member_csrf.is_empty(), "the page carries the session's CSRF token");
    let cast = |app: &App, session: String, token: String| {
        let c = c.clone();
        let url = app.url(&format!("/api/v1/polls/{poll}/ballots"));
        async move {
            c.post(url)
                .header("cookie", format!("jg_session={session}"))
                .header("x-csrf-token", token)
                .json(&json!({"choice": "yes"}))
                .send()
                .await
                .unwrap()
        }
    };
    let r = cast(&a, member.clone(), member_csrf.clone()).await;
    assert_eq!(r.status().as_u16(), 201, "{:?}", r.text().await);
    let r = cast(&b, member.clone(), member_csrf.clone()).await;
    assert_eq!(r.status().as_u16(), 409, "the second ballot of the same member is refused");
    // The write on A is visible on B: at once right after a write (the browser's mark sends
    // the read to the primary) and, from the replica, as soon as it has replayed the commit.
    let (s, v) =
        get_json(&c, &b, &format!("/api/v1/polls/{poll}/turnout"), &format!("jg_session={member}; jg_wrote=1")).await;
    assert_eq!(s, 200);
    assert_eq!(v["voted"].as_i64(), Some(before + 1), "read-your-write on the other server");
    assert_eq!(turnout_until(&c, &b, &poll, &token_of(&member), before + 1).await, before + 1);
    assert_eq!(turnout_until(&c, &a, &poll, &token_of(&member), before + 1).await, before + 1);
    let (stored,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM poll_voted WHERE poll_id = $1")
        .bind(&poll)
        .fetch_one(&primary)
        .await
        .unwrap();
    assert_eq!(stored, before + 1, "counted once");

    // B served GETs from the replica.
    for _ in 0..10 {
        assert_eq!(get_json(&c, &b, "/api/v1/me", &token_of(&member)).await.0, 200);
    }
    let m = metrics(&c, &b).await;
    let on_replica = sample(&m, "jiaogong_read_requests_total{target=\"replica\"}");
    let reads = sample(&m, "jiaogong_replica_reads_total{target=\"replica\"}");
    println!("B: GETs routed to the replica {on_replica}, queries answered by it {reads}");
    assert!(on_replica > 0.0 && reads > 0.0, "{m}");
    // /metrics is not public.
    assert_eq!(c.get(b.url("/metrics")).send().await.unwrap().status().as_u16(), 401);
    assert_eq!(c.get(b.url("/metrics")).bearer_auth("wrong").send().await.unwrap().status().as_u16(), 401);

    // A lagging replica: replay paused, a new vote on A; B (lag limit 1 s) reads the primary.
    let rep = sqlx::AnyPool::connect(&r_url).await.unwrap();
    sqlx::query("SELECT pg_wal_replay_pause()").execute(&rep).await.unwrap();
    let chair = login(&c, &a, "chair").await;
    let home = c.get(a.url("/")).header("cookie", token_of(&chair)).send().await.unwrap().text().await.unwrap();
    let r = cast(&a, chair.clone(), csrf(&home)).await;
    assert_eq!(r.status().as_u16(), 201);
    tokio::time::sleep(Duration::from_millis(3000)).await;
    let (s, v) = get_json(&c, &b, &format!("/api/v1/polls/{poll}/turnout"), &token_of(&member)).await;
    sqlx::query("SELECT pg_wal_replay_resume()").execute(&rep).await.unwrap();
    rep.close().await;
    assert_eq!(s, 200);
    assert_eq!(v["voted"].as_i64(), Some(before + 2), "a lagging replica is not read");
    let m = metrics(&c, &b).await;
    assert!(sample(&m, "jiaogong_read_requests_total{target=\"primary_fallback\"}") > 0.0, "{m}");

    // The replica stopped: pages still answer, from the primary.
    replica_script(Some("stop"));
    let mut statuses = Vec::new();
    for path in ["/api/v1/me", "/", &format!("/api/v1/polls/{poll}/turnout")] {
        let r = c.get(b.url(path)).header("cookie", token_of(&member)).send().await.unwrap();
        statuses.push((path.to_string(), r.status().as_u16()));
    }
    replica_script(None);
    assert!(statuses.iter().all(|(_, s)| *s == 200), "{statuses:?}\n{}", b.log_text());

    drop((a, b));
    primary.close().await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).execute(&admin).await.unwrap();
    admin.close().await;
}
