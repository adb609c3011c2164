//! Prometheus metrics at `/metrics` (ADR 037): request latency per route group, ballots cast,
//! activity sign-ups, database pool use, read-replica routing and scheduler runs.
//!
//! Not public: served only when a token is configured (`serve --metrics-token`), and only to a
//! request that presents it as `Authorization: Bearer <token>`. Without a configured token the
//! path does not exist (404); with a wrong or missing token the answer is 401.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::AppState;

pub const PATH: &str = "/metrics";

/// Latency buckets in seconds: pages are expected well under 100 ms, exports take seconds.
const BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder once (several apps in one test process share it).
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(BUCKETS)
                .map_err(|e| tracing::warn!("metrics buckets: {e}"))
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).map_err(|e| tracing::warn!("metrics recorder: {e}")).ok()?;
            Some(handle)
        })
        .as_ref()
}

/// The group of a route for the latency histogram: its first path segment after `/api/v1` and
/// the school or id segments (`/api/v1/polls/{id}/ballots` → `api/polls`, `/care/tasks` → `care`).
/// Taken from the route pattern, never from the request path, so the label set stays small.
pub fn route_group(pattern: &str) -> String {
    let mut segs = pattern.split('/').filter(|s| !s.is_empty()).peekable();
    let api = segs.peek() == Some(&"api");
    let first = segs.find(|s| !matches!(*s, "api" | "v1") && !s.starts_with('{'));
    match (api, first) {
        (true, Some(f)) => format!("api/{f}"),
        (true, None) => "api".into(),
        (false, Some(f)) => f.split('.').next().unwrap_or(f).to_string(),
        (false, None) => "home".into(),
    }
}

/// Route layer: times each matched request and counts it by group, method and status class.
pub async fn time_requests(req: Request, next: Next) -> Response {
    let group =
        req.extensions().get::<MatchedPath>().map(|m| route_group(m.as_str())).unwrap_or_else(|| "other".into());
    let method = req.method().as_str().to_string();
    let start = Instant::now();
    let resp = next.run(req).await;
    let status = format!("{}xx", resp.status().as_u16() / 100);
    metrics::histogram!("jiaogong_http_request_duration_seconds", "group" => group.clone(), "method" => method.clone())
        .record(start.elapsed().as_secs_f64());
    metrics::counter!("jiaogong_http_requests_total", "group" => group, "method" => method, "status" => status)
        .increment(1);
    resp
}

/// Outer layer: answers `/metrics` itself, before sessions and CSRF, so its bearer token is
/// never taken for an API token.
pub async fn serve_metrics(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path() != PATH {
        return next.run(req).await;
    }
    let Some(token) = state.config.metrics_token.as_deref().filter(|t| !t.is_empty()) else {
        return next.run(req).await;
    };
    let sent = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !crate::platform::ctx::constant_eq(sent.trim().as_bytes(), token.as_bytes()) {
        let mut resp = (StatusCode::UNAUTHORIZED, "unauthorized\n").into_response();
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"metrics\""));
        return resp;
    }
    let Some(handle) = install() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "metrics recorder unavailable\n").into_response();
    };
    sample_gauges(&state);
    let mut resp = handle.render().into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4"));
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Pool use and replica state, read when scraped.
fn sample_gauges(state: &AppState) {
    let (read, write) = state.store.pools();
    for (name, pool) in [("read", read), ("write", write)] {
        let size = f64::from(pool.size());
        let idle = pool.num_idle() as f64;
        metrics::gauge!("jiaogong_db_pool_connections", "pool" => name, "state" => "open").set(size);
        metrics::gauge!("jiaogong_db_pool_connections", "pool" => name, "state" => "idle").set(idle);
        metrics::gauge!("jiaogong_db_pool_connections", "pool" => name, "state" => "in_use")
            .set((size - idle).max(0.0));
    }
    let r = state.store.reader().stats();
    if r.configured {
        metrics::gauge!("jiaogong_replica_healthy").set(if r.healthy { 1.0 } else { 0.0 });
        metrics::gauge!("jiaogong_replica_lag_seconds").set(r.lag_ms as f64 / 1000.0);
        metrics::counter!("jiaogong_replica_reads_total", "target" => "replica").absolute(r.served);
        metrics::counter!("jiaogong_replica_reads_total", "target" => "primary_fallback").absolute(r.fallbacks);
    }
}

/// A ballot stored in a ballot box.
pub fn ballot_cast() {
    metrics::counter!("jiaogong_ballots_cast_total").increment(1);
}

/// A member signed up for an activity.
pub fn signup() {
    metrics::counter!("jiaogong_activity_signups_total").increment(1);
}

/// One run of a scheduled job, by job and outcome.
pub fn scheduler_run(job: &'static str, ok: bool) {
    metrics::counter!("jiaogong_scheduler_runs_total", "job" => job, "outcome" => if ok { "ok" } else { "error" })
        .increment(1);
}

#[cfg(test)]
mod tests {
    use super::route_group;

    #[test]
    fn route_groups_come_from_the_pattern_not_the_ids() {
        assert_eq!(route_group("/api/v1/polls/{id}/ballots"), "api/polls");
        assert_eq!(route_group("/api/v1/schools/{school}/members"), "api/schools");
        assert_eq!(route_group("/care/tasks/{id}"), "care");
        assert_eq!(route_group("/care/hardship.xlsx"), "care");
        assert_eq!(route_group("/"), "home");
        assert_eq!(route_group("/{code}"), "home");
    }
}
