//! Union finance (经费) and 经审: vouchers (prepare on PC or phone, review, approve, committee
//! decision, receipts), reports with print views and .xlsx, the budget with its chart, the
//! half-yearly disclosure with members' questions, the auditors' findings and opinions, and the
//! JSON API. Rules are the domain's (`jiaogong_domain::finance`); the store numbers vouchers
//! under the month's counter row.

mod api;
mod books_pages;
mod pages;
mod setup;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jiaogong_domain::finance::{ApprovalBlock, FinanceError};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::finance::FinError;
use jiaogong_store::StoreError;

use crate::platform::error::AppError;
use crate::Routes;

pub fn routes(r: Routes) -> Routes {
    let r = pages::routes(r);
    let r = books_pages::routes(r);
    let r = setup::routes(r);
    api::routes(r)
}

/// Prepare vouchers, keep the books, draft disclosures: the finance committee member, the chair, the admin.
pub const BOOKKEEPERS: &[Role] = &[Role::Admin, Role::Chair, Role::Finance];
/// Review (审核): bookkeepers other than the preparer.
pub const REVIEWERS: &[Role] = &[Role::Admin, Role::Chair, Role::Finance];
/// Approve (批准), record committee decisions and overrides, publish disclosures, approve budgets.
pub const APPROVERS: &[Role] = &[Role::Admin, Role::Chair];
/// Read every voucher, attachment and report: the bookkeepers and the auditors (经审).
pub const READERS: &[Role] = &[Role::Admin, Role::Chair, Role::Finance, Role::Auditor];
/// Record findings' opinions.
pub const AUDITORS: &[Role] = &[Role::Auditor];

/// A finance refusal as the API and the pages report it.
pub(crate) enum Refusal {
    App(AppError),
    /// 403 with its own code (`own_voucher`).
    Forbidden(&'static str, String),
}

impl From<FinError> for Refusal {
    fn from(e: FinError) -> Self {
        match e {
            FinError::Rule(FinanceError::PeriodClosed { period }) => Refusal::App(AppError::Conflict {
                code: "period_closed",
                message: FinanceError::PeriodClosed { period }.to_string(),
            }),
            FinError::Rule(e @ FinanceError::Unbalanced { .. }) => {
                Refusal::App(AppError::bad("unbalanced", e.to_string()))
            }
            FinError::Rule(e) => Refusal::App(AppError::bad("invalid_voucher", e.to_string())),
            FinError::Blocked(ApprovalBlock::OwnVoucher) => {
                Refusal::Forbidden("own_voucher", ApprovalBlock::OwnVoucher.message().to_string())
            }
            FinError::Blocked(b) => {
                Refusal::App(AppError::Conflict { code: b.code(), message: b.message().to_string() })
            }
            FinError::Store(StoreError::Invalid(m)) => Refusal::App(AppError::bad("invalid", m)),
            FinError::Store(e) => Refusal::App(e.into()),
        }
    }
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Self {
        Refusal::App(e)
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::App(e.into())
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::App(e) => e.into_response(),
            Refusal::Forbidden(code, message) => {
                (StatusCode::FORBIDDEN, Json(serde_json::json!({"error": {"code": code, "message": message}})))
                    .into_response()
            }
        }
    }
}

impl Refusal {
    /// The message for a page.
    pub(crate) fn message(&self, tr: &crate::platform::i18n::Tr) -> String {
        match self {
            Refusal::App(e) => e.message(tr),
            Refusal::Forbidden(_, m) => m.clone(),
        }
    }
}

/// "1,234.50" style yuan for pages (from fen).
pub(crate) fn yuan(fen: i64) -> String {
    jiaogong_domain::platform::money::Fen(fen).yuan_string()
}

/// The home page's to-do line for the bookkeepers and the chair: the half-yearly disclosure that
/// is due (the latest finished half year without a published disclosure).
pub(crate) async fn home_todo(
    st: &crate::AppState,
    ctx: &crate::platform::ctx::Ctx,
    school: &jiaogong_store::platform::tenancy::School,
    todos: &mut Vec<crate::platform::auth_pages::Todo>,
) -> Result<(), AppError> {
    let Some(user) = &ctx.user else { return Ok(()) };
    if !BOOKKEEPERS.contains(&user.role()) {
        return Ok(());
    }
    let mut tx = st.store.begin().await?;
    let due = jiaogong_store::finance::disclosure_due(&mut tx, &school.id, crate::platform::pages::today()).await?;
    let pending = jiaogong_store::finance::drafts::pending(&mut tx, &school.id).await?;
    jiaogong_store::commit(tx).await?;
    // Vouchers still waiting for review or approval keep their month from being closed: the
    // earliest such month is where the list opens.
    if let Some(month) = &pending.earliest_period {
        let text =
            ctx.tr.ta("fin-todo-pending", &[("month", month.clone()), ("other", pending.from_other_areas.to_string())]);
        todos.push(crate::platform::auth_pages::Todo {
            text,
            href: format!("/s/{}/finance?month={month}", school.code),
            count: pending.count,
        });
    }
    if let Some((from, to)) = due {
        todos.push(crate::platform::auth_pages::Todo {
            text: format!("{}（{from} – {to}）", ctx.tr.t("fin-todo-disclosure")),
            href: format!("/s/{}/finance/disclosures", school.code),
            count: 0,
        });
    }
    Ok(())
}
