//! The request context: who is calling (session cookie or bearer token), in which language,
//! whether it is an htmx or API call; CSRF checking; and rendering of deferred errors with that
//! context.

use std::net::SocketAddr;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use jiaogong_store::platform::accounts::{self, User};

use crate::platform::error::{AppError, Deferred, ErrorShape};
use crate::platform::i18n::{Lang, Tr};
use crate::AppState;

pub const SESSION_COOKIE: &str = "jg_session";
pub const PRE_COOKIE: &str = "jg_pre";
/// Largest request body (imports included).
pub const MAX_BODY: usize = 32 * 1024 * 1024;

/// Who is calling and how.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: Option<User>,
    /// The token forms must echo: the session's, or the pre-session cookie's before login.
    pub csrf: String,
    pub tr: Tr,
    pub htmx: bool,
    pub api: bool,
    pub bearer: bool,
    pub ip: String,
    pub session_token: Option<String>,
    /// Unread inbox messages of a signed-in member (the 通知 tab's badge).
    pub unread: i64,
    /// `scheme://host` of this server for links printed as QR codes: the configured public URL,
    /// never the request's Host header (which the client chooses).
    pub origin: String,
    /// The request reached us over HTTPS (directly or through a proxy that says so).
    pub https: bool,
}

impl Ctx {
    pub fn user(&self) -> Result<&User, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }
    /// The message for a refused name: the text check's own for control characters (the form's
    /// usual message would not say what is wrong), else the form's message `fallback`.
    pub fn name_error(&self, e: &jiaogong_domain::ValidationError, fallback: &str) -> String {
        match e {
            jiaogong_domain::ValidationError::ControlChars => self.tr.validation(e),
            _ => self.tr.t(fallback),
        }
    }
    pub fn actor(&self) -> String {
        self.user.as_ref().map(|u| u.username.clone()).unwrap_or_else(|| "anonymous".into())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or(AppError::Internal("context missing".into()))
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn client_ip(extensions: &axum::http::Extensions) -> String {
    extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_else(|| "local".into())
}

/// Builds the context, checks CSRF on unsafe methods, runs the handler, renders deferred errors.
pub async fn context(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let api = parts.uri.path().starts_with("/api/");
    let is_static = parts.uri.path().starts_with("/static/");
    let accept_lang = parts
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default();
    let mut ctx = Ctx {
        user: None,
        csrf: cookie(&parts.headers, PRE_COOKIE).unwrap_or_default(),
        tr: Tr::new(accept_lang),
        htmx: parts.headers.contains_key("hx-request"),
        api,
        bearer: false,
        ip: client_ip(&parts.extensions),
        session_token: None,
        unread: 0,
        origin: state.config.origin(),
        https: parts.uri.scheme_str() == Some("https")
            || parts
                .headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("https")),
    };
    let shape = |ctx: &Ctx| ErrorShape { api: ctx.api, tr: ctx.tr };

    let bearer = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(bearer_token);
    if let Some(token) = bearer {
        match accounts::user_by_api_token(&state.store, &token).await {
            Ok(Some(user)) => {
                ctx.tr = Tr::new(Lang::from_code(&user.locale).unwrap_or_default());
                ctx.user = Some(user);
                ctx.bearer = true;
                ctx.api = true;
            }
            Ok(None) => return AppError::Unauthenticated.render(shape(&ctx)),
            Err(e) => return AppError::from(e).render(shape(&ctx)),
        }
    } else if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
        match accounts::session(&state.store, &token).await {
            Ok(Some(s)) => {
                ctx.tr = Tr::new(Lang::from_code(&s.user.locale).unwrap_or(accept_lang));
                ctx.csrf = s.csrf;
                ctx.unread = s.unread;
                ctx.user = Some(s.user);
                ctx.session_token = Some(token);
            }
            Ok(None) => {}
            Err(e) => return AppError::from(e).render(shape(&ctx)),
        }
    }

    // Before login a browser gets its CSRF token in a pre-session cookie.
    let mut set_pre = false;
    if ctx.csrf.is_empty() && !ctx.api {
        ctx.csrf = jiaogong_store::new_secret();
        set_pre = true;
    }

    // CSRF: every unsafe request from a browser must echo the token, in a header (htmx) or in the
    // form body. Bearer-token API calls carry no ambient credential and need none.
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let body = if unsafe_method && !ctx.bearer {
        let bytes = match to_bytes(body, MAX_BODY).await {
            Ok(b) => b,
            Err(_) => return AppError::TooLarge.render(shape(&ctx)),
        };
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| form_token(&parts.headers, &bytes));
        let ok = match sent {
            Some(t) => !ctx.csrf.is_empty() && constant_eq(t.as_bytes(), ctx.csrf.as_bytes()),
            None => false,
        };
        // A write from nobody is unauthenticated, not forged (the login and set-up forms excepted,
        // which anyone may send and which need their pre-session token).
        if !ok && ctx.user.is_none() && !public_write(parts.uri.path()) {
            return AppError::Unauthenticated.render(shape(&ctx));
        }
        if !ok {
            audit_refusal(&state, &ctx, None, "csrf.denied", parts.uri.path()).await;
            return AppError::Csrf.render(shape(&ctx));
        }
        Body::from(bytes)
    } else {
        body
    };

    parts.extensions.insert(ctx.clone());
    let req = Request::from_parts(parts, body);
    let mut resp = next.run(req).await;
    let deferred = match resp.extensions_mut().remove::<Deferred>() {
        Some(Deferred(err)) => Some(err),
        None => bare_error(&mut resp, ctx.api).await,
    };
    if let Some(err) = deferred {
        let kept = std::mem::take(resp.headers_mut());
        resp = err.render_for(&ctx);
        // The router's `Allow` (405) and the like stay.
        for (name, value) in kept.iter() {
            if !resp.headers().contains_key(name) && name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                resp.headers_mut().insert(name, value.clone());
            }
        }
    }
    // What the API returns and what a logged-in page shows is personal: no cache keeps it.
    if (ctx.api || (ctx.user.is_some() && !is_static)) && !resp.headers().contains_key(header::CACHE_CONTROL) {
        resp.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    }
    if set_pre && ctx.user.is_none() {
        let secure = if secure_cookies(&state, &ctx) { "; Secure" } else { "" };
        if let Ok(v) = format!("{PRE_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax{secure}", ctx.csrf).parse() {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// Whether cookies are marked Secure: always when configured or when the public URL is https,
/// and whenever the request itself came over https.
pub fn secure_cookies(state: &AppState, ctx: &Ctx) -> bool {
    state.config.secure_cookies || state.config.public_url_is_https() || ctx.https
}

/// The most audit rows anonymous callers write per minute and kind of event (per server).
pub const ANONYMOUS_AUDIT_PER_MINUTE: u32 = 30;
/// The longest text an audit row keeps of what a caller sent (a path, a username).
pub const AUDIT_TEXT_MAX: usize = 200;

/// Cuts caller-chosen text to [`AUDIT_TEXT_MAX`] characters.
pub fn audit_text(s: &str) -> String {
    match s.char_indices().nth(AUDIT_TEXT_MAX) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

/// Whether one more anonymous audit row of this kind fits this minute's allowance. Thousands
/// of anonymous requests must not become thousands of audit rows: past the allowance, the
/// minute's further refusals of that kind are only counted in the server log.
fn anonymous_row_allowed(action: &str) -> bool {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static WINDOWS: Mutex<Option<HashMap<String, (i64, u32)>>> = Mutex::new(None);
    let minute = jiaogong_store::now_ms() / 60_000;
    let Ok(mut guard) = WINDOWS.lock() else { return false };
    let map = guard.get_or_insert_with(HashMap::new);
    map.retain(|_, (m, _)| *m == minute);
    let (_, n) = map.entry(action.to_string()).or_insert((minute, 0));
    *n += 1;
    if *n > ANONYMOUS_AUDIT_PER_MINUTE {
        tracing::warn!(action, "anonymous audit row skipped: over the minute's allowance");
        return false;
    }
    true
}

/// Audits a refused or failed request. The caller-chosen text (path, username) is cut to
/// [`AUDIT_TEXT_MAX`] characters; rows for anonymous callers are rate-limited per kind.
pub async fn audit_refusal(state: &AppState, ctx: &Ctx, school: Option<&str>, action: &str, target: &str) {
    if ctx.user.is_none() && !anonymous_row_allowed(action) {
        return;
    }
    let (actor, target) = (audit_text(&ctx.actor()), audit_text(target));
    let event =
        jiaogong_store::platform::audit::Event::new(school, &actor, action, &target).detail(audit_text(&ctx.ip));
    if let Err(e) = jiaogong_store::platform::audit::record(&state.store, &event).await {
        tracing::error!(action, "audit: {e}");
    }
}

/// Audits an event of an anonymous caller (a failed or throttled login): [`audit_refusal`]
/// with the caller-chosen `subject` as actor and target.
/// `school` is the school of the account the subject names, if there is one, so that its chair
/// and auditor see the failed logins of their people.
pub async fn audit_anonymous(state: &AppState, ctx: &Ctx, school: Option<&str>, action: &str, subject: &str) {
    if !anonymous_row_allowed(action) {
        return;
    }
    let subject = audit_text(subject);
    let event =
        jiaogong_store::platform::audit::Event::new(school, &subject, action, &subject).detail(audit_text(&ctx.ip));
    if let Err(e) = jiaogong_store::platform::audit::record(&state.store, &event).await {
        tracing::error!(action, "audit: {e}");
    }
}

/// The token of an `Authorization: Bearer …` header; the scheme is case-insensitive (RFC 9110).
fn bearer_token(value: &str) -> Option<String> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string()).filter(|t| !t.is_empty())
}

/// Whether a path is one of the forms anyone may send (login, set-up): the access table's public
/// unsafe routes.
fn public_write(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    crate::platform::access::TABLE
        .iter()
        .filter(|(m, _, a)| *m != "GET" && matches!(a, crate::platform::access::Allow::Public))
        .any(|(_, pattern, _)| {
            let p: Vec<&str> = pattern.split('/').collect();
            p.len() == segments.len() && p.iter().zip(&segments).all(|(p, s)| p.starts_with('{') || p == s)
        })
}

/// A client or server error that did not come from `AppError` (axum's extractor rejections, the
/// body limit, the router's fallbacks) becomes one, unless it already has the caller's shape:
/// JSON for the API, HTML for pages.
async fn bare_error(resp: &mut Response, api: bool) -> Option<AppError> {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    let ct = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let shaped = if api { ct.starts_with("application/json") } else { ct.starts_with("text/html") };
    if shaped {
        return None;
    }
    let body = std::mem::take(resp.body_mut());
    let text = to_bytes(body, 64 * 1024).await.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    Some(AppError::from_bare(status, &text))
}

pub(crate) fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Finds `_csrf` in an urlencoded or multipart body.
fn form_token(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if ct.starts_with("application/x-www-form-urlencoded") {
        return url::form_urlencoded::parse(body).find(|(k, _)| k == "_csrf").map(|(_, v)| v.into_owned());
    }
    if ct.starts_with("multipart/form-data") {
        let needle = b"name=\"_csrf\"\r\n\r\n";
        let pos = body.windows(needle.len()).position(|w| w == needle)?;
        let rest = &body[pos + needle.len()..];
        let end = rest.windows(2).position(|w| w == b"\r\n")?;
        return std::str::from_utf8(&rest[..end]).ok().map(str::to_string);
    }
    None
}
