//! The web layer: axum router, request context, access control, pages (askama + htmx) and the
//! JSON API. Handlers parse input into domain types, let the domain decide, and call the store.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod activities;
pub mod care;
pub mod congress;
pub mod district;
pub mod finance;
pub mod members;
pub mod plans;
pub mod platform;
pub mod transparency;

/// Closing polls whose closing time has come (the server's tick, and tests).
pub use congress::polls::{close_due_polls, spawn_closer};
/// Email digests and the group robots' queue (the server's tick, and tests).
pub use district::spawn_refresher;
/// Scheduled backups with retention.
pub use platform::backups::{spawn_backups, BackupSchedule};
pub use platform::delivery::{spawn_delivery, SmtpConfig};

use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::routing::MethodRouter;
use axum::Router;
use jiaogong_store::Store;
use tower_http::set_header::SetResponseHeaderLayer;

/// Settings the web layer needs.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies Secure (served over HTTPS).
    pub secure_cookies: bool,
    /// `scheme://host[:port]` under which members reach the server (links in QR codes); without
    /// it, `http://` and the bind address. Never taken from a request's Host header.
    pub public_url: Option<String>,
    /// SMTP for email notifications; without it, the inbox only.
    pub smtp: Option<platform::delivery::SmtpConfig>,
    /// The bearer token `/metrics` asks for; without it, `/metrics` is not served.
    pub metrics_token: Option<String>,
    /// Seconds after a write during which a client reads from the primary, not the replica
    /// (0: [`platform::replica::DEFAULT_STICKY_SECS`]).
    pub sticky_secs: u64,
}

impl WebConfig {
    /// Settings with a public URL (a trailing `/` is dropped).
    pub fn with_public_url(url: &str) -> WebConfig {
        WebConfig { public_url: Some(url.trim_end_matches('/').to_string()), ..WebConfig::default() }
    }

    /// The origin for absolute links.
    pub fn origin(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| "http://127.0.0.1:8080".to_string())
    }

    pub fn public_url_is_https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.to_ascii_lowercase().starts_with("https://"))
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
}

/// Records every route as it is added, so tests can check the whole router against the table.
pub struct Routes {
    router: Router<AppState>,
    pub list: Vec<(&'static str, &'static str)>,
}

impl Routes {
    fn new() -> Self {
        Routes { router: Router::new(), list: Vec::new() }
    }
    pub(crate) fn add(mut self, method: &'static str, path: &'static str, mr: MethodRouter<AppState>) -> Self {
        self.list.push((method, path));
        self.router = self.router.route(path, mr);
        self
    }
}

/// Every route of the application, with the (method, path) list.
pub fn routes() -> Routes {
    let r = Routes::new();
    let r = platform::assets::routes(r);
    let r = platform::auth_pages::routes(r);
    let r = members::routes(r);
    let r = members::member_page::routes(r);
    let r = members::groups::routes(r);
    let r = members::import::routes(r);
    let r = members::export::routes(r);
    let r = members::dues::routes(r);
    let r = members::me::routes(r);
    let r = district::routes(r);
    let r = platform::audit_page::routes(r);
    let r = platform::admin::routes(r);
    let r = platform::activation::routes(r);
    let r = congress::polls::routes(r);
    let r = congress::session_page::routes(r);
    let r = congress::congress_settings::routes(r);
    let r = congress::sessions::routes(r);
    let r = congress::interim::routes(r);
    let r = congress::evaluations::routes(r);
    let r = congress::selections::routes(r);
    let r = congress::proposals::routes(r);
    let r = congress::api::routes(r);
    let r = activities::notices::routes(r);
    let r = activities::routes(r);
    let r = activities::library::routes(r);
    let r = members::api::routes(r);
    let r = care::routes(r);
    let r = transparency::routes(r);
    let r = plans::routes(r);
    finance::routes(r)
}

/// The application router with its middleware.
pub fn app(state: AppState) -> Router {
    let Routes { router, .. } = routes();
    platform::metrics::install();
    router
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), platform::access::guard))
        .route_layer(axum::middleware::from_fn(platform::metrics::time_requests))
        // Unknown paths and wrong methods are errors like any other (JSON on the API).
        .fallback(|| async { platform::error::AppError::NotFound })
        .method_not_allowed_fallback(|| async { platform::error::AppError::MethodNotAllowed })
        // Inside the context, so a body over the limit gets the caller's error shape.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(platform::ctx::MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(state.clone(), platform::ctx::context))
        // Outside the context: the session lookup itself may read from the replica.
        .layer(axum::middleware::from_fn_with_state(state.clone(), platform::replica::route_reads))
        .layer(axum::middleware::from_fn_with_state(state.clone(), platform::metrics::serve_metrics))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}
