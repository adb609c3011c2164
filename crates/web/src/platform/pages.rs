//! Page chrome shared by every page (navigation, language, CSRF token), the render helper that
//! returns a full page or an htmx fragment, and formatting helpers for templates.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use jiaogong_domain::platform::roles::Role;

use crate::platform::ctx::Ctx;
use crate::platform::error::AppError;
use crate::platform::i18n::Tr;

/// What the layout needs to know about the caller.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub tr: Tr,
    pub csrf: String,
    pub user_name: String,
    pub logged_in: bool,
    pub school: String,
    pub manages_roster: bool,
    pub reads_roster: bool,
    pub reads_dues: bool,
    pub district: bool,
    pub reads_audit: bool,
    pub manages_accounts: bool,
    pub system_admin: bool,
    pub manages_polls: bool,
    pub reads_congress_settings: bool,
    pub is_member: bool,
    /// Unread inbox messages, shown on the 通知 tab.
    pub unread: i64,
    pub reads_finance: bool,
    pub active: &'static str,
    pub title: String,
    pub lang: &'static str,
}

impl Chrome {
    pub fn new(ctx: &Ctx, active: &'static str, title: impl Into<String>) -> Chrome {
        let role = ctx.user.as_ref().map(|u| u.role());
        let has = |roles: &[Role]| role.map(|r| roles.contains(&r)).unwrap_or(false);
        Chrome {
            tr: ctx.tr,
            csrf: ctx.csrf.clone(),
            user_name: ctx.user.as_ref().map(|u| u.display_name.clone()).unwrap_or_default(),
            logged_in: ctx.user.is_some(),
            school: ctx.user.as_ref().and_then(|u| u.school_code.clone()).unwrap_or_default(),
            manages_roster: has(crate::platform::access::ROSTER_EDITORS),
            reads_roster: has(crate::platform::access::ROSTER_READERS),
            reads_dues: has(crate::platform::access::DUES_READERS),
            district: has(crate::platform::access::DISTRICT),
            reads_audit: has(crate::platform::access::AUDIT_READERS),
            manages_accounts: has(crate::platform::access::ACCOUNT_MANAGERS),
            manages_polls: has(crate::platform::access::POLL_MANAGERS),
            reads_congress_settings: has(crate::platform::access::CONGRESS_SETTINGS_READERS),
            system_admin: role == Some(Role::Admin)
                && ctx.user.as_ref().map(|u| u.school_id.is_none()).unwrap_or(false),
            is_member: ctx.user.as_ref().map(|u| u.member_id.is_some()).unwrap_or(false),
            unread: ctx.unread,
            reads_finance: has(crate::finance::READERS),
            active,
            title: title.into(),
            lang: ctx.tr.lang.code(),
        }
    }

    pub fn t(&self, key: &str) -> std::borrow::Cow<'static, str> {
        self.tr.t_cow(key)
    }

    /// A message with one argument.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        self.tr.t1(key, name, value)
    }

    /// An ISO date in the one date style of the reader's language ("2026年12月20日 周日").
    pub fn date(&self, iso: &str) -> String {
        self.tr.date_iso(iso)
    }

    /// An instant (Unix ms) with its time of day ("2026年12月20日 周日 15:30").
    pub fn when(&self, ms: &i64) -> String {
        self.tr.when(*ms)
    }

    /// The label of a member status code ("transferred_out" → 调出).
    pub fn status<S: AsRef<str> + ?Sized>(&self, code: &S) -> String {
        self.tr.t(&format!("status-{}", code.as_ref().replace('_', "-")))
    }

    /// The label of a post code.
    pub fn post(&self, code: &str) -> String {
        self.tr.t(&format!("post-{}", code.replace('_', "-")))
    }

    /// The label of a poll's state.
    pub fn poll_status<S: AsRef<str> + ?Sized>(&self, code: &S) -> String {
        self.tr.t(&format!("poll-status-{}", code.as_ref()))
    }

    /// The label of a correction request's state.
    pub fn correction(&self, code: &str) -> String {
        self.tr.t(&format!("correction-{code}"))
    }
}

/// Renders a template; an htmx request for a fragment gets the same template (each template
/// decides via `chrome.fragment`-free partial templates where it matters).
pub fn render<T: Template>(t: &T) -> Result<Response, AppError> {
    t.render().map(|s| Html(s).into_response()).map_err(|e| AppError::Internal(e.to_string()))
}

/// Today's date in China (UTC+8), where every school of the installation is.
pub fn today() -> chrono::NaiveDate {
    jiaogong_store::today_cn()
}

/// Today as `YYYY-MM-DD`.
pub fn today_iso() -> String {
    today().format("%Y-%m-%d").to_string()
}

/// Renders a large page into a buffer of the expected size (no regrowing and copying).
pub fn render_sized<T: Template>(t: &T, capacity: usize) -> Result<Response, AppError> {
    let mut out = String::with_capacity(capacity);
    t.render_into(&mut out).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Html(out).into_response())
}

#[derive(Template)]
#[template(path = "platform/error.html")]
struct ErrorPage<'a> {
    tr: &'a Tr,
    status: u16,
    message: &'a str,
}

/// The page (or toast fragment) for an error.
pub fn error_page(tr: &Tr, status: StatusCode, message: &str) -> String {
    ErrorPage { tr, status: status.as_u16(), message }.render().unwrap_or_else(|_| "error".to_string())
}

#[derive(Template)]
#[template(path = "platform/error_page.html")]
struct FullErrorPage<'a> {
    c: Chrome,
    status: u16,
    heading: String,
    message: &'a str,
}

/// The whole page for an error of a page request: our layout with the navigation (who is logged
/// in keeps the sidebar and the bottom bar), what went wrong and the ways on.
pub fn full_error_page(ctx: &Ctx, status: StatusCode, message: &str) -> String {
    let heading =
        if status == StatusCode::NOT_FOUND { ctx.tr.t("error-not-found-title") } else { ctx.tr.t("error-page-title") };
    let page = FullErrorPage { c: Chrome::new(ctx, "", heading.clone()), status: status.as_u16(), heading, message };
    page.render().unwrap_or_else(|_| error_page(&ctx.tr, status, message))
}

/// Fen as "¥1,234.50".
pub fn money(fen: &i64) -> String {
    jiaogong_domain::platform::money::Fen(*fen).display()
}

/// An ISO date in the one date style, in Chinese: "2026年9月1日 周二" (pages use
/// [`Chrome::date`], which follows the reader's language).
pub fn date_zh(iso: &str) -> String {
    Tr::new(crate::platform::i18n::Lang::ZhCn).date_iso(iso)
}

/// Unix milliseconds in China's time, in Chinese: "2026年9月1日 周二 08:30".
pub fn instant(ms: &i64) -> String {
    Tr::new(crate::platform::i18n::Lang::ZhCn).when(*ms)
}

/// A redirect after a successful POST (303), which htmx follows too.
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(axum::http::header::LOCATION, to.to_string())]).into_response()
}
