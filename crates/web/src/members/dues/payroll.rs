//! Payroll import: a month's base salaries and payments from the school's payroll workbook.

use axum::extract::{Multipart, State};
use axum::response::Response;
use axum::Extension;
use jiaogong_domain::members::dues::{self, MonthKey};
use jiaogong_domain::platform::money::Fen;
use jiaogong_office::xlsx_read::{self, Limits};
use jiaogong_store::members::dues::{self as repo, Payment};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::School;

use super::{current_month, month_page_with};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::AppState;

/// Payroll import: columns 工号, 基本工资 (sets the month's base salary) and/or 实缴金额 (records a
/// payment for the month). One transaction; any bad row rejects the file with its row numbers.
pub(super) async fn import_payroll(
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
