//! The school's audit log as the chair and the auditor read it (newest first): people by their
//! names, events in words, filters (who, what, from/to date), paging and an .xlsx export.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use chrono::NaiveDate;
use jiaogong_domain::platform::paging;
use jiaogong_office::xlsx_write::{self, OutCell, Table};
use jiaogong_store::platform::audit::{self, Event, Filter, Named};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::i18n::Tr;
use crate::platform::pages::{render, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/audit", get(page)).add("POST", "/s/{school}/audit/export", post(export))
}

/// Entries per page.
pub const PER_PAGE: i64 = 50;
/// The most rows one export carries.
pub const EXPORT_MAX: i64 = 50_000;

/// The name of an audit action in the reader's language: `audit-action-member-update` for
/// `member.update`; an action without its own words says so and shows its code.
pub fn action_name(tr: &Tr, action: &str) -> String {
    let key = format!("audit-action-{}", action.replace(['.', '_'], "-"));
    match tr.t_static(&key) {
        "" => tr.t1("audit-action-other", "code", action),
        v => v.to_string(),
    }
}

/// Who did it: the person's name, with the login name when it is not the same; a login name no
/// account has (a mistyped login) is marked as such.
pub fn actor_name(tr: &Tr, e: &Named) -> String {
    match &e.actor_name {
        Some(n) if *n == e.actor => n.clone(),
        Some(n) => tr.ta("audit-actor-named", &[("name", n.clone()), ("login", e.actor.clone())]),
        None if e.actor == "anonymous" => tr.t("audit-anonymous"),
        None => tr.t1("audit-actor-unknown", "login", &e.actor),
    }
}

/// What it was about: a member's or an account's name when the target is one of them.
pub fn target_name(e: &Named) -> String {
    match &e.target_name {
        Some(n) => n.clone(),
        None => e.target.clone(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    who: String,
    #[serde(default)]
    what: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: String,
    #[serde(default, rename = "_csrf")]
    _csrf: String,
}

/// A date filter field: empty is "any"; else a date the form can read, or the message that says
/// how to write it.
fn date_field(tr: &Tr, s: &str, which: &str) -> Result<Option<NaiveDate>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    jiaogong_domain::platform::dates::parse_date(s)
        .map(Some)
        .map_err(|_| tr.t1("audit-bad-date", "field", &tr.t(which)))
}

/// The store filter of a query, or the message for a date it cannot read.
fn filter(tr: &Tr, q: &AuditQuery) -> Result<Filter, String> {
    let from = date_field(tr, &q.from, "audit-from")?;
    let to = date_field(tr, &q.to, "audit-to")?;
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(tr.t("audit-bad-range"));
        }
    }
    Ok(Filter {
        actor: q.who.trim().to_string(),
        action: q.what.trim().to_string(),
        from_ms: from.map(jiaogong_store::cn_day_start_ms),
        // "To" includes that whole day.
        until_ms: to.and_then(|t| t.succ_opt()).map(jiaogong_store::cn_day_start_ms),
    })
}

fn query_string(q: &AuditQuery, page: i64) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [("who", &q.who), ("what", &q.what), ("from", &q.from), ("to", &q.to)] {
        if !v.trim().is_empty() {
            s.append_pair(k, v.trim());
        }
    }
    if page > 0 {
        s.append_pair("page", &page.to_string());
    }
    s.finish()
}

/// One row as the page shows it.
pub struct Line {
    pub seq: i64,
    pub when: String,
    pub who: String,
    pub what: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "platform/audit.html")]
struct AuditPage {
    c: Chrome,
    school: School,
    lines: Vec<Line>,
    total: i64,
    actors: Vec<(String, String)>,
    actions: Vec<(String, String)>,
    who: String,
    what: String,
    from: String,
    to: String,
    error: String,
    prev: String,
    next: String,
    page_info: String,
}

fn line(tr: &Tr, e: &Named) -> Line {
    Line {
        seq: e.seq,
        when: tr.when(e.at),
        who: actor_name(tr, e),
        what: action_name(tr, &e.action),
        action: e.action.clone(),
        target: target_name(e),
        detail: e.detail.clone(),
    }
}

async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let page_no = paging::page_number(q.page.trim().parse().unwrap_or(0));
    let (lines, total, error) = match filter(&tr, &q) {
        Ok(f) => {
            let (rows, total) =
                audit::search(&st.store, &school.id, &f, paging::offset(page_no, PER_PAGE), PER_PAGE).await?;
            (rows.iter().map(|e| line(&tr, e)).collect(), total, String::new())
        }
        Err(msg) => (Vec::new(), 0, msg),
    };
    let actors = audit::actors(&st.store, &school.id)
        .await?
        .into_iter()
        .map(|(login, name)| {
            let label = match name {
                Some(n) if n != login => tr.ta("audit-actor-named", &[("name", n), ("login", login.clone())]),
                Some(n) => n,
                None => login.clone(),
            };
            (login, label)
        })
        .collect();
    let mut actions: Vec<(String, String)> =
        audit::actions(&st.store, &school.id).await?.into_iter().map(|a| (a.clone(), action_name(&tr, &a))).collect();
    actions.sort_by(|a, b| a.1.cmp(&b.1));
    let pages = (total + PER_PAGE - 1) / PER_PAGE;
    let href = |n: i64| format!("/s/{}/audit?{}", school.code, query_string(&q, n));
    let prev = if page_no > 0 { href(page_no - 1) } else { String::new() };
    let next = if page_no + 1 < pages { href(page_no + 1) } else { String::new() };
    let page_info = if pages > 1 {
        tr.ta("audit-page-of", &[("page", (page_no + 1).to_string()), ("pages", pages.to_string())])
    } else {
        String::new()
    };
    let title = tr.t("audit-title");
    render(&AuditPage {
        c: Chrome::new(&ctx, "audit", title),
        school,
        lines,
        total,
        actors,
        actions,
        who: q.who.trim().to_string(),
        what: q.what.trim().to_string(),
        from: q.from.trim().to_string(),
        to: q.to.trim().to_string(),
        error,
        prev,
        next,
        page_info,
    })
}

/// The filtered log as an .xlsx file (a form post: it names people and their addresses).
async fn export(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(q): Form<AuditQuery>,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let f = filter(&tr, &q).map_err(|m| AppError::bad("bad_date", m))?;
    let (rows, _) = audit::search(&st.store, &school.id, &f, 0, EXPORT_MAX).await?;
    let headers =
        ["audit-seq", "audit-time", "audit-actor", "audit-action", "audit-target", "audit-detail", "audit-code"]
            .iter()
            .map(|k| tr.t(k))
            .collect();
    let out = rows
        .iter()
        .map(|e| {
            let l = line(&tr, e);
            vec![
                OutCell::Int(l.seq),
                OutCell::Text(l.when),
                OutCell::Text(l.who),
                OutCell::Text(l.what),
                OutCell::Text(l.target),
                OutCell::Text(l.detail),
                OutCell::Text(l.action),
            ]
        })
        .collect();
    let bytes = xlsx_write::write_tables(&[Table {
        sheet_name: tr.t("audit-title"),
        headers,
        rows: out,
        col_widths: vec![8.0, 26.0, 18.0, 22.0, 24.0, 30.0, 24.0],
    }])
    .map_err(|e| AppError::Internal(e.to_string()))?;
    audit::record(
        &st.store,
        &Event::new(Some(&school.id), &ctx.actor(), "audit.export", &school.id).detail(query_string(&q, 0)),
    )
    .await?;
    Ok(crate::members::export::xlsx_response(&format!("{}-{}.xlsx", tr.t("audit-title"), school.code), bytes))
}
