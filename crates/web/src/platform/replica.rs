//! Which requests may read from the replica (ADR 036): GET and HEAD of a browser or API client
//! that has not written through any server in the last seconds. Every other request (a form, an
//! API write, and the pages right after one, which must show what was just written) reads from
//! the primary. The "has written" mark is a short cookie set on every unsafe request's response,
//! so it follows the browser from server to server behind a load balancer.

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;

use crate::platform::ctx::cookie;
use crate::AppState;

/// Set on the response of every unsafe request; while present, reads go to the primary.
pub const WROTE_COOKIE: &str = "jg_wrote";
/// How long after a write a client keeps reading from the primary, unless configured.
pub const DEFAULT_STICKY_SECS: u64 = 10;

/// Where the reads of this request go, for the request counter in `/metrics`.
fn record(target: &'static str) {
    metrics::counter!("jiaogong_read_requests_total", "target" => target).increment(1);
}

/// The middleware: runs the request with its reads on the replica when it may.
pub async fn route_reads(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(replica) = state.store.reader().replica().cloned() else {
        return next.run(req).await;
    };
    let safe = matches!(*req.method(), Method::GET | Method::HEAD);
    if safe {
        if cookie(req.headers(), WROTE_COOKIE).is_none() {
            let healthy = state.store.reader().stats().healthy;
            record(if healthy { "replica" } else { "primary_fallback" });
            drop(replica);
            return jiaogong_store::platform::replica::on_replica(next.run(req)).await;
        }
        record("primary_after_write");
        return next.run(req).await;
    }
    drop(replica);
    let https = req
        .headers()
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    let mut resp = next.run(req).await;
    let secs = match state.config.sticky_secs {
        0 => DEFAULT_STICKY_SECS,
        n => n,
    };
    let secure =
        if state.config.secure_cookies || state.config.public_url_is_https() || https { "; Secure" } else { "" };
    if let Ok(v) = format!("{WROTE_COOKIE}=1; Max-Age={secs}; Path=/; HttpOnly; SameSite=Lax{secure}").parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}
