//! Harness for the real-browser tests: the `jiaogong` binary with demo data, chromedriver and a
//! headless Chromium at phone size (390×844), polling helpers, and a wrapper that saves a
//! screenshot under `target/e2e/<test>.png` when a test fails.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type R<T = ()> = Result<T, Error>;

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "jiaogong-demo";
/// How long to wait for anything in the page.
pub const WAIT: Duration = Duration::from_secs(10);
/// Upper bound for one test body.
pub const TEST_LIMIT: Duration = Duration::from_secs(120);
pub const WIDTH: u32 = 390;
pub const HEIGHT: u32 = 844;

/// One browser test at a time: two cores do not run several Chromiums well, and the tests stay
/// independent (each gets its own server and data directory).
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

// ---------------------------------------------------------------------------------------------
// Processes and directories

/// A child process killed when dropped.
pub struct Proc {
    child: Child,
    pub name: &'static str,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let p = std::env::temp_dir().join(format!(
            "jiaogong-e2e-{prefix}-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// A plain HTTP/1.0 GET: (status, body).
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&format!("127.0.0.1:{port}").parse().ok()?, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").ok()?;
    // Read until the body is complete (Content-Length) or the peer closes; some servers
    // (chromedriver) keep the connection open regardless of `Connection: close`.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(_) => break,
        }
        let text = String::from_utf8_lossy(&buf);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len = head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim().eq_ignore_ascii_case("content-length").then(|| v.trim().parse::<usize>().ok()).flatten()
            });
            if len.is_some_and(|len| body.len() >= len) {
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Some((status, body))
}

fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

pub fn chromedriver_path() -> Option<PathBuf> {
    std::env::var_os("CHROMEDRIVER").map(PathBuf::from).filter(|p| p.is_file()).or_else(|| which(&["chromedriver"]))
}

pub fn chromium_path() -> Option<PathBuf> {
    std::env::var_os("CHROME_BIN")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| which(&["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]))
}

/// `target/` of this build: the test binary lives in `<target>/<profile>/deps/`.
pub fn target_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(d);
    }
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent()?.parent()?.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// The app with `serve --demo` on a free port and a fresh data directory.
pub struct Server {
    pub base: String,
    pub port: u16,
    proc: Proc,
    log: PathBuf,
    pub dir: TempDir,
}

impl Server {
    pub fn start() -> Server {
        let dir = TempDir::new("data");
        let port = free_port();
        let log = dir.path().join("server.log");
        let out = std::fs::File::create(&log).expect("server log");
        let err = out.try_clone().expect("server log");
        let child = Command::new(env!("CARGO_BIN_EXE_jiaogong"))
            .args(["serve", "--demo", "--data"])
            .arg(dir.path().join("data"))
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .env_remove("JIAOGONG_DATA")
            .env_remove("DATABASE_URL")
            .env_remove("JIAOGONG_DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("start the jiaogong binary");
        let mut server =
            Server { base: format!("http://127.0.0.1:{port}"), port, proc: Proc { child, name: "jiaogong" }, log, dir };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some((200, body)) = http_get(port, "/healthz") {
                if body.trim() == "ok" {
                    return server;
                }
            }
            if let Ok(Some(status)) = server.proc.child.try_wait() {
                panic!("jiaogong serve exited with {status} before answering /healthz:\n{}", server.log_text());
            }
            if Instant::now() > deadline {
                panic!("jiaogong serve did not answer /healthz within 30 s:\n{}", server.log_text());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

// ---------------------------------------------------------------------------------------------
// Browser

/// chromedriver plus one headless Chromium session at 390×844, zh-CN.
pub struct Browser {
    pub c: Client,
    pub base: String,
    _driver: Proc,
    _profile: TempDir,
}

async fn start_browser(base: &str) -> R<Browser> {
    let driver_bin = chromedriver_path().ok_or("chromedriver not found")?;
    let port = free_port();
    let child = Command::new(driver_bin)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let driver = Proc { child, name: "chromedriver" };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some((200, body)) = http_get(port, "/status") {
            if body.contains("\"ready\":true") || body.contains("\"ready\": true") {
                break;
            }
        }
        if Instant::now() > deadline {
            return Err("chromedriver did not become ready within 20 s".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let profile = TempDir::new("chromium-profile");
    let mut opts = serde_json::Map::new();
    opts.insert(
        "args".into(),
        json!([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-dev-shm-usage",
            format!("--user-data-dir={}", profile.path().display()),
            format!("--window-size={WIDTH},{HEIGHT}"),
            "--lang=zh-CN",
        ]),
    );
    opts.insert("prefs".into(), json!({"intl.accept_languages": "zh-CN,zh"}));
    if let Some(bin) = chromium_path() {
        opts.insert("binary".into(), json!(bin.display().to_string()));
    }
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), Value::Object(opts));
    let c = ClientBuilder::native().capabilities(caps).connect(&format!("http://127.0.0.1:{port}")).await?;
    Ok(Browser { c, base: base.to_string(), _driver: driver, _profile: profile })
}

/// Sizes the window so that the page viewport is exactly 390×844 (the window frame of headless
/// Chromium takes some of the window size).
async fn fit_viewport(c: &Client) -> R {
    c.set_window_size(WIDTH, HEIGHT).await?;
    let v = c
        .execute("return [window.innerWidth, window.innerHeight, window.outerWidth, window.outerHeight];", vec![])
        .await?;
    let n = |i: usize| v.get(i).and_then(Value::as_i64).unwrap_or(0);
    let (iw, ih) = (n(0), n(1));
    if iw != WIDTH as i64 || ih != HEIGHT as i64 {
        let w = (WIDTH as i64 + (WIDTH as i64 - iw)).max(1) as u32;
        let h = (HEIGHT as i64 + (HEIGHT as i64 - ih)).max(1) as u32;
        c.set_window_size(w, h).await?;
    }
    Ok(())
}

/// What a test body gets: the browser, the server's base URL and helpers.
#[derive(Clone)]
pub struct T {
    pub c: Client,
    pub base: String,
}

/// Whether the browser tests can run here; prints the skip line or panics under
/// `JIAOGONG_REQUIRE_BROWSER=1`.
pub fn browser_or_skip() -> bool {
    if chromedriver_path().is_some() && chromium_path().is_some() {
        return true;
    }
    if std::env::var("JIAOGONG_REQUIRE_BROWSER").map(|v| v == "1").unwrap_or(false) {
        panic!("JIAOGONG_REQUIRE_BROWSER=1 but chromium and/or chromedriver were not found on PATH");
    }
    println!("SKIPPED: browser tests need chromium and chromium-driver");
    false
}

fn panic_text(e: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = e.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = e.downcast_ref::<&str>() {
        s.to_string()
    } else {
        "panic".into()
    }
}

/// Runs one browser test: own server, own browser, serialised with the other browser tests.
/// A failure (error or panic) saves `target/e2e/<name>.png` and the page source next to it.
pub async fn run<F, Fut>(name: &str, body: F)
where
    F: FnOnce(T) -> Fut,
    Fut: Future<Output = R> + Send + 'static,
{
    if !browser_or_skip() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let started = Instant::now();
    let server = Server::start();
    let browser = match start_browser(&server.base).await {
        Ok(b) => b,
        Err(e) => panic!("{name}: could not start the browser: {e}"),
    };
    let t = T { c: browser.c.clone(), base: server.base.clone() };
    if let Err(e) = fit_viewport(&t.c).await {
        eprintln!("{name}: could not size the window: {e}");
    }
    let task = tokio::spawn(body(t.clone()));
    let abort = task.abort_handle();
    let outcome = match tokio::time::timeout(TEST_LIMIT, task).await {
        Ok(Ok(Ok(()))) => None,
        Ok(Ok(Err(e))) => Some(format!("error: {e}")),
        Ok(Err(join)) if join.is_panic() => Some(panic_text(join.into_panic())),
        Ok(Err(join)) => Some(format!("test task failed: {join}")),
        Err(_) => {
            abort.abort();
            Some(format!("the test did not finish within {TEST_LIMIT:?}"))
        }
    };
    if let Some(msg) = &outcome {
        let dir = target_dir().join("e2e");
        let _ = std::fs::create_dir_all(&dir);
        let png = dir.join(format!("{name}.png"));
        match t.c.screenshot().await {
            Ok(bytes) => {
                let _ = std::fs::write(&png, bytes);
                eprintln!("{name}: screenshot saved to {}", png.display());
            }
            Err(e) => eprintln!("{name}: no screenshot: {e}"),
        }
        if let Ok(src) = t.c.source().await {
            let _ = std::fs::write(dir.join(format!("{name}.html")), src);
        }
        if let Ok(u) = t.c.current_url().await {
            eprintln!("{name}: failed at {u}");
        }
        eprintln!("{name}: server log:\n{}", server.log_text());
        let _ = browser.c.clone().close().await;
        drop(browser);
        drop(server);
        panic!("{name} failed: {msg}");
    }
    let _ = browser.c.clone().close().await;
    drop(browser);
    drop(server);
    println!("{name}: passed in {:.1} s", started.elapsed().as_secs_f64());
}

// ---------------------------------------------------------------------------------------------
// Page helpers

impl T {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn goto(&self, path: &str) -> R {
        self.c.goto(&self.url(path)).await?;
        self.wait_ready().await
    }

    /// The path (and query) of the current page.
    pub async fn path(&self) -> R<String> {
        let u = self.c.current_url().await?;
        Ok(match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
    }

    /// Runs a script; `null` on a script error (for example while a page is being replaced).
    pub async fn js(&self, script: &str) -> R<Value> {
        Ok(self.c.execute(script, vec![]).await?)
    }

    pub async fn js_args(&self, script: &str, args: Vec<Value>) -> R<Value> {
        Ok(self.c.execute(script, args).await?)
    }

    /// Polls `script` (a function body) until it returns something other than
    /// null/undefined/false; returns that value. Script errors count as "not yet".
    pub async fn wait_js(&self, what: &str, script: &str) -> R<Value> {
        self.wait_js_args(what, script, vec![]).await
    }

    pub async fn wait_js_args(&self, what: &str, script: &str, args: Vec<Value>) -> R<Value> {
        let deadline = Instant::now() + WAIT;
        let mut last = String::new();
        loop {
            match self.c.execute(script, args.clone()).await {
                Ok(Value::Null) | Ok(Value::Bool(false)) => {}
                Ok(v) => return Ok(v),
                Err(e) => last = e.to_string(),
            }
            if Instant::now() > deadline {
                let url = self.c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
                return Err(format!("timed out after {WAIT:?} waiting for {what} (at {url}) {last}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn wait_ready(&self) -> R {
        self.wait_js("the page to load", "return document.readyState === 'complete' && !!document.body").await?;
        Ok(())
    }

    /// Waits for an element to be present.
    pub async fn el(&self, css: &str) -> R<Element> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(e) = self.c.find(Locator::Css(css)).await {
                return Ok(e);
            }
            if Instant::now() > deadline {
                let url = self.c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
                return Err(format!("timed out after {WAIT:?} waiting for element {css} (at {url})").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The trimmed textContent of the first element matching `css` (waits for it).
    pub async fn text(&self, css: &str) -> R<String> {
        let v = self
            .wait_js_args(
                &format!("element {css}"),
                "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;",
                vec![json!(css)],
            )
            .await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Waits until the textContent of `css` contains `needle`; returns the text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> R<String> {
        let v = self
            .wait_js_args(
                &format!("{css} to contain “{needle}”"),
                "const e = document.querySelector(arguments[0]); return e && e.textContent.includes(arguments[1]) ? e.textContent.trim() : null;",
                vec![json!(css), json!(needle)],
            )
            .await;
        match v {
            Ok(v) => Ok(v.as_str().unwrap_or_default().to_string()),
            Err(e) => {
                let now = self
                    .js_args("const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : '(missing)';", vec![json!(css)])
                    .await
                    .unwrap_or_default();
                Err(format!("{e}; {css} is now: {now}").into())
            }
        }
    }

    /// Replaces the value of an input by typing.
    pub async fn fill(&self, css: &str, value: &str) -> R {
        let e = self.el(css).await?;
        e.clear().await?;
        if !value.is_empty() {
            e.send_keys(value).await?;
        }
        Ok(())
    }

    pub async fn value(&self, css: &str) -> R<String> {
        let e = self.el(css).await?;
        Ok(e.prop("value").await?.unwrap_or_default())
    }

    /// Opens a folded `<details>` around `css` the way a user would (clicking its summary).
    pub async fn unfold(&self, css: &str) -> R {
        let e = self.el(css).await?;
        let folded = self
            .c
            .execute(
                "const d = arguments[0].closest('details'); if (!d || d.open) return false; \
                 document.querySelectorAll('[data-e2e-unfold]').forEach(x => x.removeAttribute('data-e2e-unfold')); \
                 d.setAttribute('data-e2e-unfold', '1'); return true;",
                vec![serde_json::to_value(&e)?],
            )
            .await?;
        if folded == Value::Bool(true) {
            self.click("details[data-e2e-unfold] > summary").await?;
            self.wait_js_args(
                &format!("{css} to be shown"),
                "const e = document.querySelector(arguments[0]); return !!e && e.getClientRects().length > 0;",
                vec![json!(css)],
            )
            .await?;
        }
        Ok(())
    }

    /// Chooses an option by value as a user would (the select must be visible).
    pub async fn select(&self, css: &str, value: &str) -> R {
        self.unfold(css).await?;
        let e = self.el(css).await?;
        let _ =
            self.c.execute("arguments[0].scrollIntoView({block: 'center'});", vec![serde_json::to_value(&e)?]).await;
        e.select_by_value(value).await?;
        Ok(())
    }

    pub async fn select_label(&self, css: &str, label: &str) -> R {
        self.unfold(css).await?;
        let e = self.el(css).await?;
        let _ =
            self.c.execute("arguments[0].scrollIntoView({block: 'center'});", vec![serde_json::to_value(&e)?]).await;
        e.select_by_label(label).await?;
        Ok(())
    }

    /// Scrolls the element into view and clicks it.
    pub async fn click(&self, css: &str) -> R {
        let e = self.el(css).await?;
        let _ =
            self.c.execute("arguments[0].scrollIntoView({block: 'center'});", vec![serde_json::to_value(&e)?]).await;
        e.click().await?;
        Ok(())
    }

    /// Marks the current document, clicks, and waits for a new document to load.
    pub async fn click_nav(&self, css: &str) -> R {
        self.js("window.__e2eOld = true; return true;").await?;
        self.click(css).await?;
        self.wait_js("the next page", "return window.__e2eOld === undefined && document.readyState === 'complete';")
            .await?;
        Ok(())
    }

    /// Makes data-confirm forms go through (window.confirm answers yes).
    pub async fn accept_confirms(&self) -> R {
        self.js("window.confirm = () => true; return true;").await?;
        Ok(())
    }

    pub async fn login(&self, username: &str) -> R {
        self.goto("/login").await?;
        self.fill("#username", username).await?;
        self.fill("#password", DEMO_PASSWORD).await?;
        self.click_nav("#login-submit").await?;
        let path = self.path().await?;
        if path.starts_with("/login") {
            let msg = self.js("const e = document.querySelector('.toast'); return e ? e.textContent : '';").await?;
            return Err(format!("login as {username} failed: {msg}").into());
        }
        Ok(())
    }

    /// Logs out through the page's own logout form.
    pub async fn logout(&self) -> R {
        self.js("window.__e2eOld = true; document.querySelector('form.logout').submit(); return true;").await?;
        self.wait_js(
            "the page after logout",
            "return window.__e2eOld === undefined && document.readyState === 'complete';",
        )
        .await?;
        Ok(())
    }

    /// `document.documentElement.scrollWidth`, for the no-horizontal-scroll check.
    pub async fn scroll_width(&self) -> R<i64> {
        Ok(self.js("return document.documentElement.scrollWidth;").await?.as_i64().unwrap_or(i64::MAX))
    }

    pub async fn assert_no_horizontal_scroll(&self, page: &str) -> R {
        let w = self.scroll_width().await?;
        if w > WIDTH as i64 {
            let wide = self
                .js(
                    "const out = []; for (const e of document.querySelectorAll('body *')) { const r = e.getBoundingClientRect(); \
                     if (r.right > document.documentElement.clientWidth + 1) out.push(e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') + ' right=' + Math.round(r.right)); } \
                     return out.slice(0, 10).join(', ');",
                )
                .await?;
            return Err(format!("{page}: horizontal scroll at {WIDTH}px (scrollWidth {w}); too wide: {wide}").into());
        }
        Ok(())
    }

    /// The roster rows as (name, employee number, group, status) from `#roster`.
    pub async fn roster_rows(&self) -> R<Vec<RosterRow>> {
        let v = self
            .js(
                "const t = document.querySelector('#roster'); if (!t) return []; \
                 return Array.from(t.querySelectorAll('tbody tr')).map(tr => { const td = tr.querySelectorAll('td'); const a = td[0].querySelector('a'); \
                 return {name: a ? a.textContent.trim() : td[0].textContent.trim(), href: a ? a.getAttribute('href') : '', no: td[1].textContent.trim(), \
                 group: td[2].textContent.trim(), status: td[4].textContent.trim()}; });",
            )
            .await?;
        let rows = v.as_array().cloned().unwrap_or_default();
        let s = |r: &Value, k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        Ok(rows
            .iter()
            .map(|r| RosterRow {
                name: s(r, "name"),
                href: s(r, "href"),
                no: s(r, "no"),
                group: s(r, "group"),
                status: s(r, "status"),
            })
            .collect())
    }

    /// N of "共 N 人" in `#total`.
    pub async fn roster_total(&self) -> R<i64> {
        let t = self.text("#total").await?;
        parse_total(&t).ok_or_else(|| format!("#total is not “共 N 人”: {t}").into())
    }
}

#[derive(Debug, Clone)]
pub struct RosterRow {
    pub name: String,
    pub href: String,
    pub no: String,
    pub group: String,
    pub status: String,
}

/// "共 118 人" → 118.
pub fn parse_total(s: &str) -> Option<i64> {
    let s = s.trim();
    let inner = s.strip_prefix('共')?.strip_suffix('人')?;
    inner.trim().parse().ok()
}

/// "¥1,234.50" → 123450 fen.
pub fn parse_money(s: &str) -> Option<i64> {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-').collect();
    let (yuan, fen) = match digits.split_once('.') {
        Some((y, f)) => (y.to_string(), format!("{f:0<2}")),
        None => (digits.clone(), "00".to_string()),
    };
    let neg = yuan.starts_with('-');
    let y: i64 = yuan.trim_start_matches('-').parse().ok()?;
    let f: i64 = fen.get(..2)?.parse().ok()?;
    let v = y * 100 + f;
    Some(if neg { -v } else { v })
}

/// The GB 11643 check character of the first 17 digits.
pub fn id_check_char(body17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = body17.chars().zip(W).map(|(ch, w)| ch.to_digit(10).unwrap_or(0) * w).sum();
    C[(sum % 11) as usize]
}

/// A valid ID number from 17 digits.
pub fn valid_id(body17: &str) -> String {
    format!("{body17}{}", id_check_char(body17))
}

/// The same 17 digits with a wrong check character.
pub fn wrong_check_id(body17: &str) -> String {
    let right = id_check_char(body17);
    let wrong = if right == '0' { '1' } else { '0' };
    format!("{body17}{wrong}")
}

/// A value of one Fluent message from a .ftl file (simple one-line messages only).
pub fn ftl_message(locale: &str, key: &str) -> Option<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web/i18n").join(locale);
    let text: String = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect::<Vec<_>>()
        .join("\n");
    text.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(parse_total("共 118 人"), Some(118));
        assert_eq!(parse_money("¥1,234.50"), Some(123450));
        assert_eq!(parse_money("¥0.00"), Some(0));
        assert_eq!(valid_id("11010519491231002"), "11010519491231002X");
        assert_eq!(wrong_check_id("11010519491231002"), "110105194912310020");
    }
}
