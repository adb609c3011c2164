//! One error type for every handler.
//!
//! Policy: the user always gets a sentence in their language saying what went wrong and what to
//! do; never a stack trace, SQL text or a bare 500 for something they did. Pages get the message
//! as a toast (an htmx fragment, or the error page for a full request); API callers get
//! `{"error": {"code", "message"}}` with a fitting 4xx. Unexpected failures are logged with
//! detail and shown as a generic message with status 500.
//!
//! Nothing else reaches the caller: a response that some other part of the stack made on its
//! own (axum's extractor rejections for a query, JSON body, form or path it cannot read; the
//! body-size limit; the router's 404 and 405) is turned into the same shape by
//! [`AppError::from_bare`] in the context middleware, so an API caller always gets JSON and a
//! page visitor our page in their language.

use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::platform::i18n::Tr;

#[derive(Debug, Clone)]
pub enum AppError {
    /// Not logged in.
    Unauthenticated,
    /// Logged in but not allowed (role or school scope).
    Forbidden,
    NotFound,
    /// A form or file the user should correct: (code, translated message).
    BadInput {
        code: &'static str,
        message: String,
    },
    Conflict {
        code: &'static str,
        message: String,
    },
    /// CSRF token missing or wrong.
    Csrf,
    TooLarge,
    /// A total of stored amounts too large to compute: a stored amount is wrong and must be
    /// corrected (see [`jiaogong_domain::platform::money::MoneyOverflow`]).
    MoneyOverflow,
    Throttled,
    /// The route exists, but not for this method.
    MethodNotAllowed,
    /// A request the server cannot read (query, body, form, path, media type), with axum's
    /// technical detail for API callers.
    Unreadable {
        status: StatusCode,
        code: &'static str,
        detail: String,
    },
    Internal(String),
}

/// Where the request came from decides the shape of the error.
#[derive(Debug, Clone, Copy)]
pub struct ErrorShape {
    pub api: bool,
    pub tr: Tr,
}

impl AppError {
    pub fn bad(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::BadInput { code, message: message.into() }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadInput { .. } | AppError::MoneyOverflow => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Unreadable { status, .. } => *status,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::BadInput { code, .. } | AppError::Conflict { code, .. } => code,
            AppError::Csrf => "csrf_failed",
            AppError::TooLarge => "too_large",
            AppError::MoneyOverflow => "amount_overflow",
            AppError::Throttled => "too_many_attempts",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Unreadable { code, .. } => code,
            AppError::Internal(_) => "internal",
        }
    }

    pub fn message(&self, tr: &Tr) -> String {
        match self {
            AppError::BadInput { message, .. } | AppError::Conflict { message, .. } => message.clone(),
            AppError::Unauthenticated => tr.t("err-unauthenticated"),
            AppError::Forbidden => tr.t("err-forbidden"),
            AppError::NotFound => tr.t("err-not-found"),
            AppError::Csrf => tr.t("err-csrf"),
            AppError::TooLarge => tr.t("err-upload-too-large"),
            AppError::MoneyOverflow => tr.t("err-amount-overflow"),
            AppError::Throttled => tr.t("err-throttled"),
            AppError::MethodNotAllowed => tr.t("err-method-not-allowed"),
            AppError::Unreadable { code, detail, .. } => match *code {
                "bad_query" => tr.t1("err-bad-query", "detail", detail),
                "bad_json" => tr.t1("err-bad-json", "detail", detail),
                "bad_path" => tr.t1("err-bad-path", "detail", detail),
                "unsupported_media_type" => tr.t("err-unsupported-media-type"),
                // A form comes from our own page: its technical detail means nothing to the user.
                "bad_form" => tr.t("err-bad-form"),
                _ => tr.t1("err-bad-request", "detail", detail),
            },
            AppError::Internal(_) => tr.t("err-internal"),
        }
    }

    /// The error for a response that was made without `AppError` (axum's extractor rejections,
    /// the body limit, the router's fallbacks): its status and plain-text body decide.
    pub fn from_bare(status: StatusCode, body: &str) -> AppError {
        let detail = body.trim().chars().take(300).collect::<String>();
        let unreadable = |code| AppError::Unreadable { status, code, detail: detail.clone() };
        match status {
            StatusCode::NOT_FOUND => AppError::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge,
            StatusCode::UNAUTHORIZED => AppError::Unauthenticated,
            StatusCode::FORBIDDEN => AppError::Forbidden,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => unreadable("unsupported_media_type"),
            s if s.is_server_error() => AppError::Internal(format!("{status}: {detail}")),
            _ if body.contains("length limit exceeded") => AppError::TooLarge,
            _ if body.starts_with("Failed to deserialize query string") => unreadable("bad_query"),
            _ if body.contains("JSON") => unreadable("bad_json"),
            _ if body.contains("form") || body.contains("Form") || body.contains("multipart") => unreadable("bad_form"),
            _ if body.contains("path") || body.contains("URL") => unreadable("bad_path"),
            _ => unreadable("bad_request"),
        }
    }

    /// Renders the error for a full page request (not the API, not htmx): our error page with
    /// the navigation; the rest as [`AppError::render`].
    pub fn render_for(self, ctx: &crate::platform::ctx::Ctx) -> Response {
        let shape = ErrorShape { api: ctx.api, tr: ctx.tr };
        if ctx.api || ctx.htmx || matches!(self, AppError::Unauthenticated) {
            return self.render(shape);
        }
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let status = self.status();
        let message = self.message(&ctx.tr);
        (status, Html(crate::platform::pages::full_error_page(ctx, status, &message))).into_response()
    }

    /// Renders the error for an API caller or a page.
    pub fn render(self, shape: ErrorShape) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let status = self.status();
        let message = self.message(&shape.tr);
        if shape.api {
            let body = serde_json::json!({"error": {"code": self.code(), "message": message}});
            return (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response();
        }
        if matches!(self, AppError::Unauthenticated) {
            return (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response();
        }
        let page = crate::platform::pages::error_page(&shape.tr, status, &message);
        (status, [("HX-Retarget", "#toast"), ("HX-Reswap", "innerHTML")], Html(page)).into_response()
    }
}

/// An error waiting in a response for `render_errors`, which knows the caller's language and
/// whether it is an API call.
#[derive(Debug, Clone)]
pub struct Deferred(pub AppError);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut r = self.status().into_response();
        r.extensions_mut().insert(Deferred(self));
        r
    }
}

impl From<jiaogong_store::StoreError> for AppError {
    fn from(e: jiaogong_store::StoreError) -> Self {
        use jiaogong_store::StoreError as S;
        match e {
            S::NotFound => AppError::NotFound,
            S::Conflict(what) => AppError::Conflict { code: "conflict", message: what },
            S::Money(_) => AppError::MoneyOverflow,
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<jiaogong_domain::platform::money::MoneyOverflow> for AppError {
    fn from(_: jiaogong_domain::platform::money::MoneyOverflow) -> Self {
        AppError::MoneyOverflow
    }
}

pub type AppResult<T> = Result<T, AppError>;
