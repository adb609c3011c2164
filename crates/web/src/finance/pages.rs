//! The finance pages: vouchers (list, entry on PC or phone, review/approve with committee
//! decision and override, receipts), closing, reports with print view and .xlsx, the ledger,
//! the budget with its chart, disclosures with members' questions, and the auditors' page.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::congress::ballots::{attachment_kind, attachment_name, MAX_ATTACHMENT_BYTES};
use jiaogong_domain::finance::{self as rules, FindingKind, RawLine};
use jiaogong_domain::platform::money::Fen;
use jiaogong_domain::platform::roles::Role;
use jiaogong_office::xlsx_write::{self, OutCell, Table};
use jiaogong_store::finance::{
    self as fin, Account, BalanceStatement, Disclosure, IncomeStatement, Opinion, Question, Voucher,
};
use jiaogong_store::platform::tenancy::{self, School};
use serde::Deserialize;

use super::api::{date_or, year_bounds};
use super::{yuan, Refusal, APPROVERS, BOOKKEEPERS, READERS, REVIEWERS};
use crate::platform::ctx::Ctx;
use crate::platform::error::AppError;
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

type PageResult = Result<Response, Refusal>;

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/finance", get(index))
        .add("GET", "/s/{school}/finance/vouchers/new", get(new_form))
        .add("POST", "/s/{school}/finance/vouchers", post(create))
        .add("GET", "/s/{school}/finance/vouchers/{id}", get(detail))
        .add("POST", "/s/{school}/finance/vouchers/{id}/act", post(act))
        .add("GET", "/s/{school}/finance/vouchers/{id}/edit", get(edit_form))
        .add("POST", "/s/{school}/finance/vouchers/{id}/edit", post(edit))
        .add(
            "POST",
            "/s/{school}/finance/vouchers/{id}/attachments",
            post(upload).layer(DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES + 64 * 1024)),
        )
        .add("GET", "/s/{school}/finance/attachments/{att}", get(download))
        .add("POST", "/s/{school}/finance/close", post(close))
        .add("GET", "/s/{school}/finance/reports", get(reports))
        .add("GET", "/s/{school}/finance/reports.xlsx", get(reports_xlsx))
        .add("GET", "/s/{school}/finance/disclosures", get(disclosures))
        .add("POST", "/s/{school}/finance/disclosures", post(disclosure_draft))
        .add("POST", "/s/{school}/finance/disclosures/{id}/publish", post(disclosure_publish))
        .add("POST", "/s/{school}/finance/questions/{id}/answer", post(answer))
        .add("GET", "/finance/disclosures/{id}", get(disclosure_page))
        .add("POST", "/finance/disclosures/{id}/questions", post(ask))
        .add("GET", "/s/{school}/finance/audit", get(audit_page))
        .add("POST", "/s/{school}/finance/audit/opinion", post(opinion))
}

pub(super) fn role(ctx: &Ctx) -> Option<Role> {
    ctx.user.as_ref().map(|u| u.role())
}

pub(super) fn allowed(ctx: &Ctx, roles: &[Role]) -> Result<(), Refusal> {
    match role(ctx) {
        Some(r) if roles.contains(&r) => Ok(()),
        _ => Err(AppError::Forbidden.into()),
    }
}

/// A page that shows a refusal's message on the page it came from.
pub(super) fn flash(to: &str, msg: &str) -> Response {
    let enc: String = url::form_urlencoded::byte_serialize(msg.as_bytes()).collect();
    let sep = if to.contains('?') { '&' } else { '?' };
    see_other(&format!("{to}{sep}msg={enc}"))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    month: String,
    #[serde(default)]
    msg: String,
}

#[derive(Template)]
#[template(path = "finance/index.html")]
struct IndexPage {
    c: Chrome,
    school: School,
    month: String,
    vouchers: Vec<Voucher>,
    closed: Vec<String>,
    may_prepare: bool,
    msg: String,
}

impl IndexPage {
    fn yuan(&self, f: &Fen) -> String {
        f.yuan_string()
    }
}

async fn index(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    allowed(&ctx, READERS)?;
    let month = if q.month.len() == 7 && rules::parse_date(&format!("{}-01", q.month)).is_ok() {
        q.month.clone()
    } else {
        crate::platform::pages::today().format("%Y-%m").to_string()
    };
    let mut tx = st.store.begin().await?;
    let vouchers = fin::list(&mut tx, &school.id, &format!("{month}-01"), &format!("{month}-31"), None).await?;
    let closed = fin::closed_periods(&mut tx, &school.id).await?.into_iter().rev().collect();
    jiaogong_store::commit(tx).await?;
    Ok(render(&IndexPage {
        c: Chrome::new(&ctx, "finance", ctx.tr.t("fin-title")),
        school,
        month,
        vouchers,
        closed,
        may_prepare: role(&ctx).is_some_and(|r| BOOKKEEPERS.contains(&r)),
        msg: q.msg,
    })?)
}

/// The entry form: up to eight lines.
#[derive(Deserialize, Default)]
struct VoucherForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    payee: String,
    #[serde(default)]
    account: Vec<String>,
    #[serde(default)]
    debit: Vec<String>,
    #[serde(default)]
    credit: Vec<String>,
}

pub(crate) const FORM_LINES: usize = 6;

#[derive(Template)]
#[template(path = "finance/new.html")]
struct NewPage {
    c: Chrome,
    /// Where the form posts: a new voucher, or the edit of an unapproved one.
    action: String,
    date: String,
    summary: String,
    payee: String,
    rows: Vec<RawLine>,
    accounts: Vec<Account>,
    errors: Vec<String>,
}

async fn new_form(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> PageResult {
    allowed(&ctx, BOOKKEEPERS)?;
    let accounts = chart(&st, &school).await?;
    Ok(render(&NewPage {
        c: Chrome::new(&ctx, "finance", ctx.tr.t("fin-new")),
        action: format!("/s/{}/finance/vouchers", school.code),
        date: crate::platform::pages::today_iso(),
        summary: String::new(),
        payee: String::new(),
        rows: vec![RawLine::default(); FORM_LINES],
        accounts,
        errors: Vec::new(),
    })?)
}

pub(super) async fn chart(st: &AppState, school: &School) -> Result<Vec<Account>, Refusal> {
    let mut tx = st.store.begin().await?;
    let a = fin::accounts(&mut tx, &school.id).await?;
    jiaogong_store::commit(tx).await?;
    Ok(a)
}

/// Reads the form's repeated fields (`account`, `debit`, `credit` in order).
fn form_rows(body: &str) -> VoucherForm {
    let mut f = VoucherForm::default();
    for (k, v) in url::form_urlencoded::parse(body.as_bytes()) {
        let v = v.into_owned();
        match k.as_ref() {
            "date" => f.date = v,
            "summary" => f.summary = v,
            "payee" => f.payee = v,
            "account" => f.account.push(v),
            "debit" => f.debit.push(v),
            "credit" => f.credit.push(v),
            _ => {}
        }
    }
    f
}

async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    body: String,
) -> PageResult {
    allowed(&ctx, BOOKKEEPERS)?;
    let f = form_rows(&body);
    let n = f.account.len().max(f.debit.len()).max(f.credit.len());
    let rows: Vec<RawLine> = (0..n)
        .map(|i| RawLine {
            account: f.account.get(i).cloned().unwrap_or_default(),
            debit: f.debit.get(i).cloned().unwrap_or_default(),
            credit: f.credit.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    let mut errors = Vec::new();
    let date = rules::parse_date(&f.date).map_err(|e| errors.push(e.to_string())).ok();
    let lines = rules::parse_lines(&rows).map_err(|es| errors.extend(es.iter().map(ToString::to_string))).ok();
    if let (Some(date), Some(lines), true) = (date, lines, errors.is_empty()) {
        let mut tx = st.store.begin().await?;
        match fin::prepare(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), date, &f.summary, &f.payee, &lines)
            .await
        {
            Ok(id) => {
                jiaogong_store::commit(tx).await?;
                return Ok(see_other(&format!("/s/{}/finance/vouchers/{id}", school.code)));
            }
            Err(e) => errors.push(Refusal::from(e).message(&ctx.tr)),
        }
    }
    let accounts = chart(&st, &school).await?;
    let mut rows = rows;
    while rows.len() < FORM_LINES {
        rows.push(RawLine::default());
    }
    let mut r = render(&NewPage {
        c: Chrome::new(&ctx, "finance", ctx.tr.t("fin-new")),
        action: format!("/s/{}/finance/vouchers", school.code),
        date: f.date,
        summary: f.summary,
        payee: f.payee,
        rows,
        accounts,
        errors,
    })?;
    *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

#[derive(Template)]
#[template(path = "finance/voucher.html")]
struct VoucherPage {
    c: Chrome,
    school: School,
    v: Voucher,
    may_review: bool,
    may_approve: bool,
    may_edit: bool,
    needs_decision: bool,
    msg: String,
}

impl VoucherPage {
    fn yuan(&self, f: &Fen) -> String {
        f.yuan_string()
    }
}

async fn detail(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    allowed(&ctx, READERS)?;
    let mut tx = st.store.begin().await?;
    let v = fin::voucher(&mut tx, Some(&school.id), &id).await?;
    let s = fin::settings(&mut tx, &school.id).await?;
    jiaogong_store::commit(tx).await?;
    let me = ctx.actor();
    let r = role(&ctx);
    let open = v.state != "approved";
    Ok(render(&VoucherPage {
        c: Chrome::new(&ctx, "finance", ctx.tr.t("fin-voucher")),
        may_review: open && v.state == "draft" && r.is_some_and(|r| REVIEWERS.contains(&r)) && v.prepared_by != me,
        may_approve: open && v.state == "reviewed" && r.is_some_and(|r| APPROVERS.contains(&r)),
        may_edit: open && r.is_some_and(|r| BOOKKEEPERS.contains(&r)),
        needs_decision: rules::needs_committee(v.amount, s.threshold),
        school,
        v,
        msg: q.msg,
    })?)
}

#[derive(Deserialize)]
struct ActForm {
    action: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    attendees: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    reason: String,
}

async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<ActForm>,
) -> PageResult {
    let needed = match f.action.as_str() {
        "review" => REVIEWERS,
        "reverse" => BOOKKEEPERS,
        _ => APPROVERS,
    };
    allowed(&ctx, needed)?;
    let back = format!("/s/{}/finance/vouchers/{id}", school.code);
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    let c = &st.store.crypto;
    let r: Result<Option<String>, fin::FinError> = match f.action.as_str() {
        "review" => fin::review(&mut tx, c, &school.id, &actor, &id).await.map(|()| None),
        "approve" => fin::approve(&mut tx, c, &school.id, &actor, &id).await.map(|()| None),
        "decision" => match rules::parse_date(&f.date) {
            Ok(d) => fin::record_decision(&mut tx, c, &school.id, &actor, &id, d, &f.attendees, &f.minutes)
                .await
                .map(|()| None),
            Err(e) => Err(e.into()),
        },
        "override" => fin::record_override(&mut tx, c, &school.id, &actor, &id, &f.reason).await.map(|()| None),
        "reverse" => match rules::parse_date(&f.date) {
            Ok(d) => fin::reverse(&mut tx, c, &school.id, &actor, &id, d).await.map(Some),
            Err(e) => Err(e.into()),
        },
        _ => return Err(AppError::NotFound.into()),
    };
    // Refused approvals are audited: the transaction commits either way.
    jiaogong_store::commit(tx).await?;
    match r {
        Ok(Some(new)) => Ok(see_other(&format!("/s/{}/finance/vouchers/{new}", school.code))),
        Ok(None) => Ok(see_other(&back)),
        Err(e) => Ok(flash(&back, &Refusal::from(e).message(&ctx.tr))),
    }
}

async fn upload(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    mut mp: Multipart,
) -> PageResult {
    allowed(&ctx, BOOKKEEPERS)?;
    let back = format!("/s/{}/finance/vouchers/{id}", school.code);
    let mut file = None;
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or_default().to_string();
            match field.bytes().await {
                Ok(b) => file = Some((name, b.to_vec())),
                Err(_) => return Ok(flash(&back, &ctx.tr.t("fin-err-file-size"))),
            }
            break;
        }
    }
    let Some((name, bytes)) = file else { return Ok(flash(&back, &ctx.tr.t("fin-err-file-empty"))) };
    let kind = match attachment_kind(&name, &bytes) {
        Ok(k) if k.content_type().starts_with("image/") || k.content_type() == "application/pdf" => k,
        _ => return Ok(flash(&back, &ctx.tr.t("fin-err-file-type"))),
    };
    let mut tx = st.store.begin().await?;
    match fin::attach(
        &mut tx,
        &st.store.crypto,
        &school.id,
        &ctx.actor(),
        &id,
        &attachment_name(&name),
        kind.content_type(),
        &bytes,
    )
    .await
    {
        Ok(_) => {
            jiaogong_store::commit(tx).await?;
            Ok(see_other(&back))
        }
        Err(e) => Ok(flash(&back, &Refusal::from(e).message(&ctx.tr))),
    }
}

async fn download(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, att)): Path<(String, String)>,
) -> PageResult {
    allowed(&ctx, READERS)?;
    let mut tx = st.store.begin().await?;
    let (mime, name, bytes) = fin::attachment(&mut tx, &school.id, &att).await?;
    jiaogong_store::commit(tx).await?;
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let disposition = format!("inline; filename=\"receipt\"; filename*=UTF-8''{}", encoded.replace('+', "%20"));
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; img-src 'self'; sandbox".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
struct CloseForm {
    month: String,
}

async fn close(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<CloseForm>,
) -> PageResult {
    allowed(&ctx, BOOKKEEPERS)?;
    let back = format!("/s/{}/finance?month={}", school.code, f.month);
    let mut tx = st.store.begin().await?;
    let r = if f.month.len() == 4 {
        match f.month.parse::<i32>() {
            Ok(y) => fin::close_year(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), y).await.map(|_| ()),
            Err(_) => Err(rules::FinanceError::BadDate.into()),
        }
    } else if rules::parse_date(&format!("{}-01", f.month)).is_ok() {
        fin::close_month(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &f.month).await
    } else {
        Err(rules::FinanceError::BadDate.into())
    };
    match r {
        Ok(()) => {
            jiaogong_store::commit(tx).await?;
            Ok(flash(&back, &ctx.tr.t("fin-closed-ok")))
        }
        Err(e) => Ok(flash(&back, &Refusal::from(e).message(&ctx.tr))),
    }
}

#[derive(Template)]
#[template(path = "finance/reports.html")]
struct ReportsPage {
    c: Chrome,
    school: School,
    ie: IncomeStatement,
    bs: BalanceStatement,
    print: bool,
}

impl ReportsPage {
    fn yuan(&self, f: &i64) -> String {
        yuan(*f)
    }
}

#[derive(Deserialize, Default)]
struct ReportQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    print: Option<String>,
}

async fn statements(
    st: &AppState,
    school: &School,
    q: &ReportQuery,
) -> Result<(IncomeStatement, BalanceStatement), Refusal> {
    let (f, t) = year_bounds();
    let (from, to) = (date_or(&q.from, f)?, date_or(&q.to, t)?);
    let mut tx = st.store.begin().await?;
    let ie = fin::income_statement(&mut tx, &school.id, &from, &to).await?;
    let bs = fin::balance_statement(&mut tx, &school.id, &to).await?;
    jiaogong_store::commit(tx).await?;
    Ok((ie, bs))
}

async fn reports(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    allowed(&ctx, READERS)?;
    let (ie, bs) = statements(&st, &school, &q).await?;
    Ok(render(&ReportsPage {
        c: Chrome::new(&ctx, "finance", ctx.tr.t("fin-reports")),
        school,
        ie,
        bs,
        print: q.print.is_some(),
    })?)
}

async fn reports_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    allowed(&ctx, READERS)?;
    let (ie, bs) = statements(&st, &school, &q).await?;
    let t = |k: &str| ctx.tr.t(k);
    let money = |f: i64| OutCell::Text(yuan(f));
    let mut ie_rows = Vec::new();
    for (head, list, total) in
        [(t("fin-income"), &ie.income, ie.total_income), (t("fin-expense"), &ie.expense, ie.total_expense)]
    {
        ie_rows.push(vec![OutCell::Text(head.clone()), OutCell::Text(String::new()), OutCell::Text(String::new())]);
        for f in list.iter() {
            ie_rows.push(vec![OutCell::Text(f.code.clone()), OutCell::Text(f.name.clone()), money(f.amount)]);
        }
        ie_rows.push(vec![OutCell::Text(String::new()), OutCell::Text(t("fin-total")), money(total)]);
    }
    ie_rows.push(vec![OutCell::Text(String::new()), OutCell::Text(t("fin-surplus")), money(ie.surplus)]);
    let mut bs_rows = Vec::new();
    for (head, list, total) in [
        (t("fin-assets"), &bs.assets, bs.total_assets),
        (t("fin-liabilities"), &bs.liabilities, bs.total_liabilities),
        (t("fin-net-assets"), &bs.net_assets, bs.total_net_assets),
    ] {
        bs_rows.push(vec![OutCell::Text(head.clone()), OutCell::Text(String::new()), OutCell::Text(String::new())]);
        for f in list.iter() {
            bs_rows.push(vec![OutCell::Text(f.code.clone()), OutCell::Text(f.name.clone()), money(f.amount)]);
        }
        bs_rows.push(vec![OutCell::Text(String::new()), OutCell::Text(t("fin-total")), money(total)]);
    }
    let headers = vec![t("fin-col-code"), t("fin-col-account"), t("fin-col-amount")];
    let bytes = xlsx_write::write_tables(&[
        Table { sheet_name: t("fin-ie"), headers: headers.clone(), rows: ie_rows, col_widths: vec![] },
        Table { sheet_name: t("fin-bs"), headers, rows: bs_rows, col_widths: vec![] },
    ])
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::members::export::xlsx_response(&format!("finance-{}-{}.xlsx", ie.from, ie.to), bytes))
}

#[derive(Template)]
#[template(path = "finance/disclosures.html")]
struct DisclosuresPage {
    c: Chrome,
    school: School,
    list: Vec<Disclosure>,
    due: Option<(String, String)>,
    msg: String,
}

async fn disclosures(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    allowed(&ctx, READERS)?;
    let mut tx = st.store.begin().await?;
    let list = fin::disclosures(&mut tx, &school.id, false).await?;
    let due = fin::disclosure_due(&mut tx, &school.id, crate::platform::pages::today()).await?;
    jiaogong_store::commit(tx).await?;
    Ok(render(&DisclosuresPage {
        c: Chrome::new(&ctx, "finance", ctx.tr.t("fin-disclosures")),
        school,
        list,
        due,
        msg: q.msg,
    })?)
}

#[derive(Deserialize)]
struct DraftForm {
    from: String,
    to: String,
}

async fn disclosure_draft(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<DraftForm>,
) -> PageResult {
    allowed(&ctx, BOOKKEEPERS)?;
    let mut tx = st.store.begin().await?;
    match fin::draft_disclosure(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &f.from, &f.to).await {
        Ok(id) => {
            jiaogong_store::commit(tx).await?;
            Ok(see_other(&format!("/finance/disclosures/{id}")))
        }
        Err(e) => Ok(flash(&format!("/s/{}/finance/disclosures", school.code), &Refusal::from(e).message(&ctx.tr))),
    }
}

async fn disclosure_publish(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> PageResult {
    allowed(&ctx, APPROVERS)?;
    let mut tx = st.store.begin().await?;
    match fin::publish_disclosure(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &id).await {
        Ok(()) => {
            jiaogong_store::commit(tx).await?;
            Ok(see_other(&format!("/finance/disclosures/{id}")))
        }
        Err(e) => Ok(flash(&format!("/finance/disclosures/{id}"), &Refusal::from(e).message(&ctx.tr))),
    }
}

#[derive(Template)]
#[template(path = "finance/disclosure.html")]
struct DisclosurePage {
    c: Chrome,
    school: School,
    d: Disclosure,
    questions: Vec<Question>,
    may_publish: bool,
    may_answer: bool,
    msg: String,
}

impl DisclosurePage {
    fn yuan(&self, f: &i64) -> String {
        yuan(*f)
    }
}

async fn my_school(st: &AppState, ctx: &Ctx) -> Result<School, Refusal> {
    let user = ctx.user()?;
    let Some(id) = &user.school_id else { return Err(AppError::NotFound.into()) };
    Ok(tenancy::school(&st.store, id).await?)
}

async fn disclosure_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let school = my_school(&st, &ctx).await?;
    let r = role(&ctx);
    let staff = r.is_some_and(|r| READERS.contains(&r));
    let mut tx = st.store.begin().await?;
    let d = fin::disclosure(&mut tx, &school.id, &id).await?;
    if d.state != "published" && !staff {
        return Err(AppError::NotFound.into());
    }
    let questions = fin::questions(&mut tx, &school.id, &id).await?;
    jiaogong_store::commit(tx).await?;
    Ok(render(&DisclosurePage {
        c: Chrome::new(&ctx, "finance", d.title.clone()),
        may_publish: d.state != "published" && r.is_some_and(|r| APPROVERS.contains(&r)),
        may_answer: r.is_some_and(|r| APPROVERS.contains(&r) || r == Role::Finance),
        school,
        d,
        questions,
        msg: q.msg,
    })?)
}

#[derive(Deserialize)]
struct TextForm {
    text: String,
}

async fn ask(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, Form(f): Form<TextForm>) -> PageResult {
    let school = my_school(&st, &ctx).await?;
    let back = format!("/finance/disclosures/{id}");
    let mut tx = st.store.begin().await?;
    match fin::ask(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &id, &f.text).await {
        Ok(_) => {
            jiaogong_store::commit(tx).await?;
            Ok(flash(&back, &ctx.tr.t("fin-asked")))
        }
        Err(e) => Ok(flash(&back, &Refusal::from(e).message(&ctx.tr))),
    }
}

#[derive(Deserialize)]
struct AnswerForm {
    text: String,
    disclosure: String,
}

async fn answer(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<AnswerForm>,
) -> PageResult {
    let back = format!("/finance/disclosures/{}", f.disclosure);
    let mut tx = st.store.begin().await?;
    match fin::answer(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &id, &f.text).await {
        Ok(()) => {
            jiaogong_store::commit(tx).await?;
            Ok(see_other(&back))
        }
        Err(e) => Ok(flash(&back, &Refusal::from(e).message(&ctx.tr))),
    }
}

#[derive(Template)]
#[template(path = "finance/audit.html")]
struct AuditPage {
    c: Chrome,
    school: School,
    from: String,
    to: String,
    findings: Vec<(String, String, Vec<String>)>,
    opinions: Vec<Opinion>,
    may_write: bool,
    print: bool,
    msg: String,
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    print: Option<String>,
    #[serde(default)]
    msg: String,
}

async fn audit_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    allowed(&ctx, READERS)?;
    let (f, t) = year_bounds();
    let (from, to) = (date_or(&q.from, f)?, date_or(&q.to, t)?);
    let mut tx = st.store.begin().await?;
    let list = fin::audit_findings(&mut tx, &school.id, &from, &to).await?;
    let opinions = fin::opinions(&mut tx, &school.id).await?;
    jiaogong_store::commit(tx).await?;
    let findings = list.into_iter().map(|f| (kind_title(f.kind), f.detail, f.voucher_ids)).collect();
    Ok(render(&AuditPage {
        c: Chrome::new(&ctx, "finance", ctx.tr.t("fin-audit")),
        school,
        from,
        to,
        findings,
        opinions,
        may_write: role(&ctx) == Some(Role::Auditor),
        print: q.print.is_some(),
        msg: q.msg,
    })?)
}

fn kind_title(k: FindingKind) -> String {
    k.title().to_string()
}

#[derive(Deserialize)]
struct OpinionForm {
    from: String,
    to: String,
    text: String,
}

async fn opinion(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<OpinionForm>,
) -> PageResult {
    allowed(&ctx, super::AUDITORS)?;
    let back = format!("/s/{}/finance/audit?from={}&to={}", school.code, f.from, f.to);
    let mut tx = st.store.begin().await?;
    match fin::set_opinion(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &f.from, &f.to, &f.text).await {
        Ok(()) => {
            jiaogong_store::commit(tx).await?;
            Ok(see_other(&back))
        }
        Err(e) => Ok(flash(&back, &Refusal::from(e).message(&ctx.tr))),
    }
}

async fn edit_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> PageResult {
    allowed(&ctx, BOOKKEEPERS)?;
    let mut tx = st.store.begin().await?;
    let v = fin::voucher(&mut tx, Some(&school.id), &id).await?;
    jiaogong_store::commit(tx).await?;
    if v.state == "approved" {
        return Ok(flash(
            &format!("/s/{}/finance/vouchers/{id}", school.code),
            rules::ApprovalBlock::AlreadyApproved.message(),
        ));
    }
    let accounts = chart(&st, &school).await?;
    let mut rows: Vec<RawLine> = v
        .lines
        .iter()
        .map(|l| RawLine {
            account: l.account.clone(),
            debit: if l.debit.0 > 0 { l.debit.yuan_string() } else { String::new() },
            credit: if l.credit.0 > 0 { l.credit.yuan_string() } else { String::new() },
        })
        .collect();
    while rows.len() < FORM_LINES {
        rows.push(RawLine::default());
    }
    Ok(render(&NewPage {
        c: Chrome::new(&ctx, "finance", ctx.tr.t("fin-edit")),
        action: format!("/s/{}/finance/vouchers/{id}/edit", school.code),
        date: v.date,
        summary: v.summary,
        payee: v.payee,
        rows,
        accounts,
        errors: Vec::new(),
    })?)
}

/// Saves the edit of an unapproved voucher (its date stays: the number belongs to its month);
/// the voucher goes back to draft and must be reviewed again.
async fn edit(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    body: String,
) -> PageResult {
    allowed(&ctx, BOOKKEEPERS)?;
    let f = form_rows(&body);
    let n = f.account.len().max(f.debit.len()).max(f.credit.len());
    let rows: Vec<RawLine> = (0..n)
        .map(|i| RawLine {
            account: f.account.get(i).cloned().unwrap_or_default(),
            debit: f.debit.get(i).cloned().unwrap_or_default(),
            credit: f.credit.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    let mut errors = Vec::new();
    match rules::parse_lines(&rows) {
        Ok(lines) => {
            let mut tx = st.store.begin().await?;
            match fin::edit(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &id, &f.summary, &f.payee, &lines)
                .await
            {
                Ok(()) => {
                    jiaogong_store::commit(tx).await?;
                    return Ok(see_other(&format!("/s/{}/finance/vouchers/{id}", school.code)));
                }
                Err(e) => errors.push(Refusal::from(e).message(&ctx.tr)),
            }
        }
        Err(es) => errors.extend(es.iter().map(ToString::to_string)),
    }
    let accounts = chart(&st, &school).await?;
    let mut rows = rows;
    while rows.len() < FORM_LINES {
        rows.push(RawLine::default());
    }
    let mut r = render(&NewPage {
        c: Chrome::new(&ctx, "finance", ctx.tr.t("fin-edit")),
        action: format!("/s/{}/finance/vouchers/{id}/edit", school.code),
        date: f.date,
        summary: f.summary,
        payee: f.payee,
        rows,
        accounts,
        errors,
    })?;
    *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}
