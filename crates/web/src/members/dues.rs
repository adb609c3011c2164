//! Dues pages: the month sheet (due, paid, arrears per member and per group), the rate, payments
//! and back-payments, payroll import, and one member's year.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::members::dues::{self, DuesLine, MonthKey};
use jiaogong_domain::members::MemberStatus;
use jiaogong_domain::platform::money::{add_fen, sum_fen, Fen, Rate};
use jiaogong_office::xlsx_read::{self, Limits};
use jiaogong_store::members::dues::{self as repo, MonthFact, Payment};
use jiaogong_store::members::MemberDetail;
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::{self, School};
use jiaogong_store::Store;
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

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
    status: &str,
    joined_union: Option<&str>,
    base: Option<i64>,
    month: MonthKey,
) -> Option<Fen> {
    let status = MemberStatus::from_code(status)?;
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
        let owed = owed(school, &f.status, f.joined_union.as_deref(), f.base_fen, *month);
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

async fn month_page_with(
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

fn parse_month(ctx: &Ctx, s: &str) -> AppResult<MonthKey> {
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

#[derive(Deserialize)]
struct RateForm {
    rate: String,
    retired_rate: String,
    #[serde(default)]
    max_payment: String,
}

async fn set_rate(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<RateForm>,
) -> AppResult<Response> {
    let parse = |s: &str| Rate::parse(s).map_err(|e| ctx.tr.validation(&e));
    let max = if f.max_payment.trim().is_empty() {
        Ok(Fen(school.max_payment_fen))
    } else {
        Fen::parse_yuan_non_negative(&f.max_payment)
            .and_then(
                |m| if m.0 > 0 { Ok(m) } else { Err(jiaogong_domain::platform::error::ValidationError::Required) },
            )
            .map_err(|e| ctx.tr.validation(&e))
    };
    let (rate, retired, max) = match (parse(&f.rate), parse(&f.retired_rate), max) {
        (Ok(a), Ok(b), Ok(m)) => (a, b, m),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return month_page_with(&st, &ctx, school, current_month(), false, String::new(), e).await
        }
    };
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    tenancy::set_dues_rates(&mut tx, &school.id, rate.per_million, retired.per_million, max.0).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &actor, "dues.rate", &school.id).detail(format!(
            "{} {} {}",
            rate.display(),
            retired.display(),
            max.yuan_string()
        )),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    tenancy::forget_schools(&st.store);
    Ok(see_other(&format!("/s/{}/dues", school.code)))
}

#[derive(Deserialize)]
struct PaymentForm {
    employee_no: String,
    month: String,
    amount: String,
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    back_payment: Option<String>,
    #[serde(default)]
    request_key: String,
}

async fn add_payment(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<PaymentForm>,
) -> AppResult<Response> {
    let month = match MonthKey::parse(&f.month) {
        Ok(m) => m,
        Err(e) => {
            return month_page_with(&st, &ctx, school, current_month(), false, String::new(), ctx.tr.validation(&e))
                .await
        }
    };
    let amount = match dues::payment_amount(&f.amount, Fen(school.max_payment_fen)) {
        Ok(a) => a,
        Err(e) => return month_page_with(&st, &ctx, school, month, false, String::new(), ctx.tr.validation(&e)).await,
    };
    let paid_on = if f.paid_on.trim().is_empty() {
        chrono::Local::now().date_naive()
    } else {
        match jiaogong_domain::platform::dates::parse_date(&f.paid_on) {
            Ok(d) => d,
            Err(e) => {
                return month_page_with(&st, &ctx, school, month, false, String::new(), ctx.tr.validation(&e)).await
            }
        }
    };
    let numbers = repo::employee_numbers(&st.store, &school.id).await?;
    let no = jiaogong_domain::platform::text::normalize(&f.employee_no);
    let Some(member_id) = numbers.get(&no) else {
        return month_page_with(
            &st,
            &ctx,
            school,
            month,
            false,
            String::new(),
            ctx.tr.t1("err-unknown-employee-no", "employee_no", &no),
        )
        .await;
    };
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    let paid_on_s = paid_on.format("%Y-%m-%d").to_string();
    let month_s = month.to_string();
    let key = format!("form:{}", f.request_key.trim());
    let recorded = repo::record_payment(
        &mut tx,
        &school.id,
        &Payment {
            member_id,
            month: &month_s,
            amount_fen: amount.0,
            paid_on: &paid_on_s,
            is_back_payment: f.back_payment.is_some(),
            recorded_by: &actor,
            request_key: (!f.request_key.trim().is_empty()).then_some(key.as_str()),
        },
    )
    .await?;
    // After saving, the sheet shows the line just paid (the list is paged).
    let shown: String = url::form_urlencoded::byte_serialize(no.as_bytes()).collect();
    let back = format!("/s/{}/dues?month={month}&q={shown}&saved=1#by-member", school.code);
    // The same form sent again (a double tap, a resent request) was booked once already.
    let repo::Recorded::New(id) = recorded else {
        return Ok(see_other(&back));
    };
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &actor, "dues.payment", &id)
            .detail(format!("{no} {month_s} {}", amount.yuan_string())),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    // Post/redirect/get: reloading the page must not record the payment twice.
    Ok(see_other(&back))
}

/// Payroll import: columns 工号, 基本工资 (sets the month's base salary) and/or 实缴金额 (records a
/// payment for the month). One transaction; any bad row rejects the file with its row numbers.
async fn import_payroll(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    mut mp: Multipart,
) -> AppResult<Response> {
    let mut month = String::new();
    let mut bytes = Vec::new();
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name() {
            Some("month") => month = field.text().await.unwrap_or_default(),
            Some("file") => bytes = field.bytes().await.map_err(|_| AppError::TooLarge)?.to_vec(),
            _ => {}
        }
    }
    let month = match MonthKey::parse(&month) {
        Ok(m) => m,
        Err(e) => {
            return month_page_with(&st, &ctx, school, current_month(), false, String::new(), ctx.tr.validation(&e))
                .await
        }
    };
    match apply_payroll(&st, &ctx, &school, &month, &bytes).await {
        Ok(n) => {
            let msg = ctx.tr.t1("dues-import-done", "count", &n.to_string());
            month_page_with(&st, &ctx, school, month, false, msg, String::new()).await
        }
        Err(AppError::BadInput { message, .. }) => {
            month_page_with(&st, &ctx, school, month, false, String::new(), message).await
        }
        Err(e) => Err(e),
    }
}

async fn apply_payroll(st: &AppState, ctx: &Ctx, school: &School, month: &MonthKey, bytes: &[u8]) -> AppResult<usize> {
    let tr = &ctx.tr;
    let is_no = |h: &str| matches!(jiaogong_domain::platform::text::normalize(h).as_str(), "工号" | "职工号" | "编号");
    let is_base =
        |h: &str| matches!(jiaogong_domain::platform::text::normalize(h).as_str(), "基本工资" | "工资" | "缴费基数");
    let is_paid = |h: &str| {
        matches!(jiaogong_domain::platform::text::normalize(h).as_str(), "实缴金额" | "实缴" | "会费" | "缴费金额")
    };
    // The first sheet with a header row: an instructions sheet before the data is passed over.
    let found =
        xlsx_read::read_sheet_with_header(bytes, &Limits::default(), |h| is_no(h) || is_base(h) || is_paid(h), 2)
            .map_err(|e| match e {
                jiaogong_office::OfficeError::NoHeader { .. } => {
                    AppError::bad("no_header", tr.t("dues-import-no-header"))
                }
                e => {
                    let args: Vec<(&str, String)> = e.args().into_iter().collect();
                    AppError::bad("bad_file", tr.ta(e.key(), &args))
                }
            })?;
    let (sheet, hi) = (found.sheet, found.header_idx);
    let header: Vec<String> = sheet.rows[hi].cells.iter().map(|c| c.to_text()).collect();
    let col = |f: &dyn Fn(&str) -> bool| header.iter().position(|h| f(h));
    let no_col = col(&is_no).ok_or_else(|| AppError::bad("no_header", tr.t("dues-import-no-header")))?;
    let base_col = col(&is_base);
    let paid_col = col(&is_paid);
    let numbers = repo::employee_numbers(&st.store, &school.id).await?;
    let mut errors = Vec::new();
    let mut lines = Vec::new();
    for row in &sheet.rows[hi + 1..] {
        let cell = |i: Option<usize>| i.and_then(|i| row.cells.get(i)).map(|c| c.to_text()).unwrap_or_default();
        let no = jiaogong_domain::platform::text::normalize(&cell(Some(no_col)));
        if no.is_empty() {
            continue;
        }
        let Some(member) = numbers.get(&no) else {
            errors.push(tr.ta(
                "dues-import-row-error",
                &[("row", row.number.to_string()), ("reason", tr.t1("err-unknown-employee-no", "employee_no", &no))],
            ));
            continue;
        };
        let money = |s: String| -> Result<Option<Fen>, String> {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                Fen::parse_yuan_non_negative(&s).map(Some).map_err(|e| tr.validation(&e))
            }
        };
        let paid = |s: String| -> Result<Option<Fen>, String> {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                dues::payment_amount(&s, Fen(school.max_payment_fen)).map(Some).map_err(|e| tr.validation(&e))
            }
        };
        match (money(cell(base_col)), paid(cell(paid_col))) {
            (Ok(b), Ok(p)) => lines.push((member.clone(), b, p)),
            (Err(e), _) | (_, Err(e)) => {
                errors.push(tr.ta("dues-import-row-error", &[("row", row.number.to_string()), ("reason", e)]))
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::bad("bad_rows", errors.join("；")));
    }
    let actor = ctx.actor();
    let month_s = month.to_string();
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    // The same payroll file imported again books each payment once.
    let file_key = {
        use sha2::Digest;
        hex::encode(&sha2::Sha256::digest(bytes)[..16])
    };
    let mut tx = st.store.begin().await?;
    for (member, base, paid) in &lines {
        let key = format!("payroll:{month_s}:{file_key}:{member}");
        if let Some(b) = base {
            repo::set_salary(&mut tx, &school.id, member, &month_s, b.0).await?;
        }
        if let Some(p) = paid {
            repo::record_payment(
                &mut tx,
                &school.id,
                &Payment {
                    member_id: member,
                    month: &month_s,
                    amount_fen: p.0,
                    paid_on: &today,
                    is_back_payment: false,
                    recorded_by: &actor,
                    request_key: Some(&key),
                },
            )
            .await?;
        }
    }
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &actor, "dues.import", &month_s).detail(lines.len().to_string()),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(lines.len())
}

/// One member's dues over the school year.
pub struct YearLine {
    pub month: String,
    pub due: Fen,
    pub paid: Fen,
    pub arrears: Fen,
}

pub async fn member_year(store: &Store, school: &School, m: &MemberDetail) -> AppResult<(Vec<YearLine>, Fen)> {
    let months: Vec<String> = dues::school_year_months(current_month()).iter().map(|m| m.to_string()).collect();
    let facts = repo::member_facts(store, &school.id, &m.id, &months).await?;
    let mut out = Vec::new();
    let mut all = Vec::new();
    for (month, base, paid) in facts {
        let mk = MonthKey::parse(&month).map_err(|_| AppError::Internal("month".into()))?;
        // The same rule as the month sheet: a month that asks nothing is not listed.
        let Some(due) = dues::listed_due(owed(school, &m.status, m.joined_union.as_deref(), base, mk), Fen(paid))
        else {
            continue;
        };
        let line = DuesLine { month: mk, due, paid: Fen(paid) };
        all.push(line);
        out.push(YearLine { month: mk.format_zh(), due, paid: Fen(paid), arrears: dues::arrears(&[line])? });
    }
    Ok((out, dues::arrears(&all)?))
}

#[derive(Template)]
#[template(path = "members/dues/member.html")]
struct MemberDuesPage {
    c: Chrome,
    school: School,
    name: String,
    member_id: String,
    lines: Vec<YearLine>,
    total_arrears: Fen,
    payments: Vec<repo::PaymentRow>,
}

async fn member_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let m = jiaogong_store::members::get(&st.store, &school.id, &id).await?;
    let (lines, total_arrears) = member_year(&st.store, &school, &m).await?;
    let payments = repo::payments_of(&st.store, &school.id, &id).await?;
    let title = format!("{} · {}", m.name, ctx.tr.t("nav-dues"));
    render(&MemberDuesPage {
        c: Chrome::new(&ctx, "dues", title),
        school,
        name: m.name,
        member_id: id,
        lines,
        total_arrears,
        payments,
    })
}
