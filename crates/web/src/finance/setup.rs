//! Setting up the books: the chart with the school's own sub-accounts, the threshold and the
//! union's share of the allocation, opening balances from an .xlsx (template, dry run, per-row
//! report), and drafts from the dues records and the month's payroll allocation.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::finance::{self as rules, Line};
use jiaogong_office::xlsx_read::{self, Limits};
use jiaogong_office::xlsx_write::{self, OutCell, Table};
use jiaogong_store::finance::{self as fin, Account, Settings};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;

use super::{Refusal, APPROVERS, BOOKKEEPERS, READERS};
use crate::platform::ctx::Ctx;
use crate::platform::error::AppError;
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

type PageResult = Result<Response, Refusal>;

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/finance/setup", get(page))
        .add("POST", "/s/{school}/finance/setup/account", post(add_account))
        .add("POST", "/s/{school}/finance/setup/settings", post(save_settings))
        .add("GET", "/s/{school}/finance/setup/opening-template.xlsx", get(template))
        .add("POST", "/s/{school}/finance/setup/opening", post(opening).layer(DefaultBodyLimit::max(5 * 1024 * 1024)))
        .add("POST", "/s/{school}/finance/setup/drafts", post(drafts))
}

fn allowed(ctx: &Ctx, roles: &[jiaogong_domain::platform::roles::Role]) -> Result<(), Refusal> {
    match ctx.user.as_ref().map(|u| u.role()) {
        Some(r) if roles.contains(&r) => Ok(()),
        _ => Err(AppError::Forbidden.into()),
    }
}

fn back(school: &School, msg: &str) -> Response {
    let enc: String = url::form_urlencoded::byte_serialize(msg.as_bytes()).collect();
    see_other(&format!("/s/{}/finance/setup?msg={enc}", school.code))
}

#[derive(Template)]
#[template(path = "finance/setup.html")]
struct SetupPage {
    c: Chrome,
    school: School,
    accounts: Vec<Account>,
    threshold: String,
    share: i64,
    months: i64,
    msg: String,
}

#[derive(Deserialize, Default)]
struct MsgQuery {
    #[serde(default)]
    msg: String,
}

async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<MsgQuery>,
) -> PageResult {
    allowed(&ctx, READERS)?;
    let mut tx = st.store.begin().await?;
    let accounts = fin::accounts(&mut tx, &school.id).await?;
    let s = fin::settings(&mut tx, &school.id).await?;
    jiaogong_store::commit(tx).await?;
    Ok(render(&SetupPage {
        c: Chrome::new(&ctx, "finance", ctx.tr.t("fin-setup")),
        school,
        accounts,
        threshold: s.threshold.yuan_string(),
        share: s.keep_share_pct,
        months: s.disclosure_months,
        msg: q.msg,
    })?)
}

#[derive(Deserialize)]
struct AccountForm {
    parent: String,
    code: String,
    name: String,
}

async fn add_account(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<AccountForm>,
) -> PageResult {
    allowed(&ctx, BOOKKEEPERS)?;
    let mut tx = st.store.begin().await?;
    match fin::add_sub_account(
        &mut tx,
        &st.store.crypto,
        &school.id,
        &ctx.actor(),
        f.parent.trim(),
        f.code.trim(),
        &f.name,
    )
    .await
    {
        Ok(()) => {
            jiaogong_store::commit(tx).await?;
            Ok(back(&school, &ctx.tr.t("fin-saved")))
        }
        Err(e) => Ok(back(&school, &Refusal::from(e).message(&ctx.tr))),
    }
}

#[derive(Deserialize)]
struct SettingsForm {
    threshold: String,
    share: String,
    months: String,
}

async fn save_settings(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<SettingsForm>,
) -> PageResult {
    allowed(&ctx, APPROVERS)?;
    let threshold = match rules::parse_amount(&f.threshold) {
        Ok(t) => t,
        Err(m) => return Ok(back(&school, &format!("{}：{m}", ctx.tr.t("fin-threshold")))),
    };
    let (Ok(share), Ok(months)) = (f.share.trim().parse::<i64>(), f.months.trim().parse::<i64>()) else {
        return Ok(back(&school, &ctx.tr.t("fin-err-settings")));
    };
    let mut tx = st.store.begin().await?;
    let s = Settings { threshold, keep_share_pct: share, disclosure_months: months };
    match fin::set_settings(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &s).await {
        Ok(()) => {
            jiaogong_store::commit(tx).await?;
            Ok(back(&school, &ctx.tr.t("fin-saved")))
        }
        Err(e) => Ok(back(&school, &Refusal::from(e).message(&ctx.tr))),
    }
}

async fn template(ctx: Ctx) -> PageResult {
    allowed(&ctx, BOOKKEEPERS)?;
    let t = |k: &str| ctx.tr.t(k);
    let rows = vec![
        vec![
            OutCell::Text("102".into()),
            OutCell::Text("银行存款".into()),
            OutCell::Text("86500.00".into()),
            OutCell::Text(String::new()),
        ],
        vec![
            OutCell::Text("322".into()),
            OutCell::Text("工会资金结余".into()),
            OutCell::Text(String::new()),
            OutCell::Text("86500.00".into()),
        ],
    ];
    let bytes = xlsx_write::write_tables(&[Table {
        sheet_name: t("fin-opening"),
        headers: vec![t("fin-col-code"), t("fin-col-account"), t("fin-debit"), t("fin-credit")],
        rows,
        col_widths: vec![],
    }])
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::members::export::xlsx_response("opening-balances.xlsx", bytes))
}

/// Reads the opening balances' rows: (code, debit, credit) from the columns after the header;
/// problems name the spreadsheet's row.
fn opening_rows(bytes: &[u8]) -> Result<(Vec<Line>, Vec<String>), String> {
    let sheet = xlsx_read::read_first_sheet(bytes, &Limits::default())
        .map_err(|_| "无法读取该文件，请上传由模板填写的 .xlsx 文件".to_string())?;
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for row in sheet.rows.iter().skip(1) {
        let cell = |i: usize| row.cells.get(i).map(|c| c.to_text()).unwrap_or_default();
        let code = cell(0).trim().to_string();
        if code.is_empty() {
            continue;
        }
        let d = rules::parse_amount(&cell(2));
        let c = rules::parse_amount(&cell(3));
        match (d, c) {
            (Ok(debit), Ok(credit)) => lines.push(Line { account: code, debit, credit }),
            (d, c) => {
                for m in [d.err(), c.err()].into_iter().flatten() {
                    problems.push(format!("第{}行：金额{m}", row.number));
                }
            }
        }
    }
    Ok((lines, problems))
}

async fn opening(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    mut mp: Multipart,
) -> PageResult {
    allowed(&ctx, BOOKKEEPERS)?;
    let mut file = None;
    let mut dry_run = false;
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name() {
            Some("file") => match field.bytes().await {
                Ok(b) => file = Some(b.to_vec()),
                Err(_) => return Ok(back(&school, &ctx.tr.t("fin-err-file-size"))),
            },
            Some("dry_run") => dry_run = true,
            _ => {}
        }
    }
    let Some(bytes) = file else { return Ok(back(&school, &ctx.tr.t("fin-err-file-empty"))) };
    let (lines, mut problems) = match opening_rows(&bytes) {
        Ok(r) => r,
        Err(m) => return Ok(back(&school, &m)),
    };
    let mut tx = st.store.begin().await?;
    let dry = dry_run || !problems.is_empty();
    match fin::set_opening(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &lines, dry).await {
        Ok(more) => problems.extend(more),
        Err(e) => return Ok(back(&school, &Refusal::from(e).message(&ctx.tr))),
    }
    if problems.is_empty() && !dry {
        jiaogong_store::commit(tx).await?;
        return Ok(back(&school, &format!("{} {}", ctx.tr.t("fin-opening-saved"), lines.len())));
    }
    if problems.is_empty() {
        return Ok(back(&school, &format!("{} {}", ctx.tr.t("fin-opening-dry-ok"), lines.len())));
    }
    Ok(back(&school, &format!("{}{}", ctx.tr.t("fin-opening-problems"), problems.join("；"))))
}

#[derive(Deserialize)]
struct DraftsForm {
    kind: String,
    month: String,
    #[serde(default)]
    payroll: String,
}

async fn drafts(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<DraftsForm>,
) -> PageResult {
    allowed(&ctx, BOOKKEEPERS)?;
    let Ok(first) = rules::parse_date(&format!("{}-01", f.month.trim())) else {
        return Ok(back(&school, &rules::FinanceError::BadDate.to_string()));
    };
    use chrono::Datelike;
    let mut tx = st.store.begin().await?;
    let r = if f.kind == "allocation" {
        let payroll = match rules::parse_amount(&f.payroll) {
            Ok(p) if p.0 > 0 => p,
            Ok(_) => return Ok(back(&school, &ctx.tr.t("fin-err-payroll"))),
            Err(m) => return Ok(back(&school, &format!("{}：{m}", ctx.tr.t("fin-payroll")))),
        };
        let last = first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first);
        fin::draft_allocation(&mut tx, &school.id, last, payroll).await.map(Some)
    } else {
        fin::draft_dues(&mut tx, &school.id, first.year(), first.month()).await
    };
    match r {
        Ok(Some(id)) => {
            jiaogong_store::commit(tx).await?;
            Ok(see_other(&format!("/s/{}/finance/vouchers/{id}", school.code)))
        }
        Ok(None) => Ok(back(&school, &ctx.tr.t("fin-no-dues"))),
        Err(e) => Ok(back(&school, &Refusal::from(e).message(&ctx.tr))),
    }
}
