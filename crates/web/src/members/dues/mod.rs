//! Dues pages: the month sheet (due, paid, arrears per member and per group) here; the rate and
//! payments entered by hand in `entry`, the payroll import in `payroll`, one member's year in
//! `member`.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Extension;
use jiaogong_domain::members::dues::{self, DuesLine, MonthKey};
use jiaogong_domain::members::MemberStatus;
use jiaogong_domain::platform::money::{add_fen, sum_fen, Fen, Rate};
use jiaogong_store::members::dues::{self as repo, MonthFact};
use jiaogong_store::platform::tenancy::School;
use jiaogong_store::Store;
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, Chrome};
use crate::{AppState, Routes};

mod entry;
mod member;
mod payroll;

use entry::{add_payment, set_rate};
use member::member_page;
pub use member::{member_year, YearLine};
use payroll::import_payroll;

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/dues", get(month_page))
        .add("POST", "/s/{school}/dues/rate", post(set_rate))
        .add("POST", "/s/{school}/dues/payments", post(add_payment))
        .add("POST", "/s/{school}/dues/import", post(import_payroll))
        .add("GET", "/s/{school}/dues/member/{id}", get(member_page))
}

/// The month people are working on (China time).
pub fn current_month() -> MonthKey {
    MonthKey::of(crate::platform::pages::today())
}

/// What a member owes for a month under the school's rates ([`dues::owed_for_month`]); `None`
/// when the month asks nothing of them.
pub fn owed(
    school: &School,
    status: MemberStatus,
    joined_union: Option<&str>,
    base: Option<i64>,
    month: MonthKey,
) -> Option<Fen> {
    let joined = joined_union.and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let rates = dues::DuesRates {
        active: Rate { per_million: school.dues_rate_ppm },
        retired: Rate { per_million: school.retired_rate_ppm },
    };
    dues::owed_for_month(status, joined, base.map(Fen), month, current_month(), rates)
}

/// One member's line on the month sheet.
pub struct SheetLine {
    pub f: MonthFact,
    pub due: Fen,
    pub arrears: Fen,
}

/// Per group: members, due, paid, arrears.
pub struct GroupTotal {
    pub name: String,
    pub members: usize,
    pub due: Fen,
    pub paid: Fen,
    pub arrears: Fen,
}

pub async fn month_sheet(
    store: &Store,
    school: &School,
    month: &MonthKey,
) -> AppResult<(Vec<SheetLine>, Vec<GroupTotal>)> {
    let facts = repo::month_facts(store, &school.id, &month.to_string()).await?;
    let mut groups: BTreeMap<String, GroupTotal> = BTreeMap::new();
    let mut lines = Vec::with_capacity(facts.len());
    for f in facts {
        // A member the month asks nothing of stays off the sheet unless money was booked for it.
        let owed = owed(school, f.status, f.joined_union.as_deref(), f.base_fen, *month);
        let Some(due) = dues::listed_due(owed, Fen(f.paid_fen)) else {
            continue;
        };
        let line = DuesLine { month: *month, due, paid: Fen(f.paid_fen) };
        let arrears = dues::arrears(&[line])?;
        let g = f.group_name.clone().unwrap_or_default();
        let t = groups.entry(g.clone()).or_insert(GroupTotal {
            name: g,
            members: 0,
            due: Fen(0),
            paid: Fen(0),
            arrears: Fen(0),
        });
        t.members += 1;
        // Checked: a wrong stored amount makes the sheet say so instead of showing a wrong total.
        t.due = add_fen(t.due, due)?;
        t.paid = add_fen(t.paid, Fen(f.paid_fen))?;
        t.arrears = add_fen(t.arrears, arrears)?;
        lines.push(SheetLine { f, due, arrears });
    }
    Ok((lines, groups.into_values().collect()))
}

/// How many members owe dues for the month (home page to-do).
pub async fn arrears_count(store: &Store, school: &School, month: &MonthKey) -> AppResult<i64> {
    let (lines, _) = month_sheet(store, school, month).await?;
    Ok(lines.iter().filter(|l| l.arrears.0 > 0).count() as i64)
}

#[derive(Deserialize, Default)]
struct MonthQuery {
    #[serde(default)]
    month: String,
    #[serde(default)]
    only_arrears: Option<String>,
    #[serde(default)]
    saved: Option<String>,
    /// Name or employee number.
    #[serde(default)]
    q: String,
    /// A group's name.
    #[serde(default)]
    group: String,
    #[serde(default)]
    page: String,
}

/// Members per page of the month sheet: a school of 118 was one 33,000 px page on a phone.
pub const SHEET_PER_PAGE: usize = 20;

/// Which part of the month sheet's member list is shown.
#[derive(Debug, Clone, Default)]
pub struct SheetView {
    pub only_arrears: bool,
    pub q: String,
    pub group: String,
    pub page: i64,
}

impl SheetView {
    /// Whether a line passes the filters.
    fn keeps(&self, l: &SheetLine) -> bool {
        let q = self.q.trim().to_lowercase();
        (!self.only_arrears || l.arrears.0 > 0)
            && (q.is_empty() || l.f.name.to_lowercase().contains(&q) || l.f.employee_no.to_lowercase().contains(&q))
            && (self.group.is_empty() || l.f.group_name.as_deref().unwrap_or("") == self.group)
    }

    /// The query string of this view at another page.
    fn query(&self, month: &str, page: i64) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("month", month);
        if self.only_arrears {
            s.append_pair("only_arrears", "1");
        }
        if !self.q.trim().is_empty() {
            s.append_pair("q", self.q.trim());
        }
        if !self.group.is_empty() {
            s.append_pair("group", &self.group);
        }
        if page > 0 {
            s.append_pair("page", &page.to_string());
        }
        s.finish()
    }
}

#[derive(Template)]
#[template(path = "members/dues/month.html")]
struct MonthPage {
    c: Chrome,
    school: School,
    month: String,
    month_zh: String,
    prev: String,
    next: String,
    lines: Vec<SheetLine>,
    groups: Vec<GroupTotal>,
    total_due: Fen,
    total_paid: Fen,
    total_arrears: Fen,
    rate: String,
    retired_rate: String,
    can_edit: bool,
    only_arrears: bool,
    message: String,
    error: String,
    chart: String,
    view: SheetView,
    /// Members shown after the filters (all pages).
    shown: usize,
    page_info: String,
    prev_page: String,
    next_page: String,
    filtered: bool,
    max_payment: String,
    /// A one-time key in the payment form: the same form sent twice books one payment.
    request_key: String,
}

pub(super) async fn month_page_with(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    month: MonthKey,
    only_arrears: bool,
    message: String,
    error: String,
) -> AppResult<Response> {
    let view = SheetView { only_arrears, ..SheetView::default() };
    month_page_view(st, ctx, school, month, view, message, error).await
}

async fn month_page_view(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    month: MonthKey,
    view: SheetView,
    message: String,
    error: String,
) -> AppResult<Response> {
    let only_arrears = view.only_arrears;
    let (mut lines, groups) = month_sheet(&st.store, &school, &month).await?;
    let total_due = sum_fen(groups.iter().map(|g| g.due))?;
    let total_paid = sum_fen(groups.iter().map(|g| g.paid))?;
    let total_arrears = sum_fen(groups.iter().map(|g| g.arrears))?;
    lines.retain(|l| view.keeps(l));
    let shown = lines.len();
    let pages = shown.div_ceil(SHEET_PER_PAGE).max(1) as i64;
    let page = jiaogong_domain::platform::paging::page_number(view.page).min(pages - 1);
    let start = (page as usize).saturating_mul(SHEET_PER_PAGE).min(shown);
    let lines: Vec<SheetLine> = lines.into_iter().skip(start).take(SHEET_PER_PAGE).collect();
    let month_s = month.to_string();
    let link = |p: i64| format!("/s/{}/dues?{}", school.code, view.query(&month_s, p));
    let prev_page = if page > 0 { link(page - 1) } else { String::new() };
    let next_page = if page + 1 < pages { link(page + 1) } else { String::new() };
    let page_info = if pages > 1 {
        ctx.tr.ta("audit-page-of", &[("page", (page + 1).to_string()), ("pages", pages.to_string())])
    } else {
        String::new()
    };
    let filtered = view.only_arrears || !view.q.trim().is_empty() || !view.group.is_empty();
    let chart = jiaogong_office::svg::bar_chart(
        &ctx.tr.t("dues-chart-arrears"),
        &groups
            .iter()
            .map(|g| jiaogong_office::svg::Series { label: g.name.clone(), value: g.arrears.0 as f64 / 100.0 })
            .collect::<Vec<_>>(),
        "元",
    );
    let can_edit = crate::platform::access::ROSTER_EDITORS.contains(&ctx.user()?.role());
    let title = ctx.tr.t("nav-dues");
    render(&MonthPage {
        c: Chrome::new(ctx, "dues", title),
        month: month.to_string(),
        month_zh: month.format_zh(),
        prev: month.prev().to_string(),
        next: month.next().to_string(),
        rate: Rate { per_million: school.dues_rate_ppm }.display(),
        retired_rate: Rate { per_million: school.retired_rate_ppm }.display(),
        max_payment: Fen(school.max_payment_fen).yuan_string(),
        request_key: jiaogong_store::new_id(),
        school,
        lines,
        groups,
        total_due,
        total_paid,
        total_arrears,
        can_edit,
        only_arrears,
        message,
        error,
        chart,
        view,
        shown,
        page_info,
        prev_page,
        next_page,
        filtered,
    })
}

pub(super) fn parse_month(ctx: &Ctx, s: &str) -> AppResult<MonthKey> {
    if s.trim().is_empty() {
        return Ok(current_month());
    }
    MonthKey::parse(s).map_err(|e| AppError::bad("bad_month", ctx.tr.validation(&e)))
}

async fn month_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<MonthQuery>,
) -> AppResult<Response> {
    let month = parse_month(&ctx, &q.month)?;
    let msg = if q.saved.is_some() { ctx.tr.t("dues-payment-saved") } else { String::new() };
    let view = SheetView {
        only_arrears: q.only_arrears.is_some_and(|v| !v.is_empty() && v != "0"),
        q: q.q.chars().take(50).collect(),
        group: q.group.chars().take(100).collect(),
        page: q.page.trim().parse().unwrap_or(0),
    };
    month_page_view(&st, &ctx, school, month, view, msg, String::new()).await
}
