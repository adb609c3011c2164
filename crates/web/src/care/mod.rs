//! 送温暖 (care): reporting life events from the phone, visit tasks, recording visits (once per
//! tap), the chair's approval above the standard, the dashboard with its compliance chart and
//! exports, hardship files, campaigns, members' requests (anonymous with a follow-up code), the
//! women staff's pages and retirees' milestone birthdays, and the JSON API of issue 15.

mod api;
mod pages;
mod people;
mod requests;
mod settings;

use jiaogong_domain::platform::roles::Role;
use jiaogong_store::care::CareFail;
use jiaogong_store::platform::tenancy::{self, School};
use jiaogong_store::StoreError;

use crate::platform::ctx::Ctx;
use crate::platform::error::AppError;
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    let r = pages::routes(r);
    let r = people::routes(r);
    let r = requests::routes(r);
    let r = settings::routes(r);
    api::routes(r)
}

use Role::*;
/// Who runs the care work: the dashboard, every task, visits.
pub const CARE_COMMITTEE: &[Role] = &[Admin, Chair, OrgCommittee, Welfare];
/// Who sees tasks: the committee, and group leaders (their group's).
pub const TASK_READERS: &[Role] = &[Admin, Chair, OrgCommittee, Welfare, GroupLeader];
/// Who approves an amount above the standard or the cap.
pub const APPROVERS: &[Role] = &[Chair];
/// Who reads hardship files in full (the auditor reads amounts only).
pub const HARDSHIP_FULL: &[Role] = &[Chair, Welfare];
pub const HARDSHIP_READERS: &[Role] = &[Chair, Welfare, Auditor];
/// The women staff's pages.
pub const WOMEN_COMMITTEE: &[Role] = &[Admin, Chair, OrgCommittee, WomenCommittee];
/// Who handles members' requests.
pub const REQUEST_COMMITTEE: &[Role] = &[Admin, Chair, OrgCommittee, Welfare];
/// Who changes the care rules and settings.
pub const SETTINGS_EDITORS: &[Role] = &[Admin, Chair];
/// Compliance figures: the committee and the auditor.
pub const FIGURE_READERS: &[Role] = &[Admin, Chair, OrgCommittee, Welfare, Auditor];

pub(crate) fn has(ctx: &Ctx, roles: &[Role]) -> bool {
    ctx.user.as_ref().is_some_and(|u| roles.contains(&u.role()))
}

/// The caller's own school.
pub(crate) async fn my_school(st: &AppState, ctx: &Ctx) -> Result<School, AppError> {
    let user = ctx.user()?;
    let Some(id) = &user.school_id else { return Err(AppError::NotFound) };
    Ok(tenancy::school(&st.store, id).await?)
}

pub(crate) fn member_of(ctx: &Ctx) -> Option<String> {
    ctx.user.as_ref().and_then(|u| u.member_id.clone())
}

/// A refused care step as the caller's error: the rule's Chinese message.
pub(crate) fn fail(e: CareFail) -> AppError {
    match e {
        CareFail::Store(StoreError::NotFound) => AppError::NotFound,
        CareFail::Store(StoreError::Money(_)) => AppError::MoneyOverflow,
        CareFail::Store(s) => AppError::from(s),
        CareFail::Step(s) => AppError::Conflict { code: "invalid_step", message: s.message() },
        other => AppError::bad("invalid_care", other.to_string()),
    }
}

pub(crate) fn today() -> chrono::NaiveDate {
    crate::platform::pages::today()
}

/// The date of a form or body field: `YYYY-MM-DD`, or a clear message.
pub(crate) fn parse_date(s: &str, what: &str) -> Result<chrono::NaiveDate, AppError> {
    jiaogong_domain::platform::dates::parse_date(s.trim())
        .map_err(|_| AppError::bad("invalid_date", format!("{what}格式不正确，请填写如2026-03-01的日期")))
}

/// An amount in yuan as typed: digits with at most two decimals; words or three decimals are refused.
pub(crate) fn parse_amount(s: &str) -> Result<jiaogong_domain::platform::money::Fen, AppError> {
    if s.trim().is_empty() {
        return Ok(jiaogong_domain::platform::money::Fen::ZERO);
    }
    jiaogong_domain::platform::money::Fen::parse_yuan_non_negative(s).map_err(|e| {
        AppError::bad(
            "invalid_amount",
            format!("金额“{}”无效：{e}。请填写数字金额（元），最多两位小数，如 500 或 500.50", s.trim()),
        )
    })
}

/// The group a group leader leads.
pub(crate) async fn led_group(st: &AppState, ctx: &Ctx, school: &School) -> Result<Option<String>, AppError> {
    crate::activities::led_group(st, ctx, school).await
}

/// Whether the caller may report an event for `member`: a committee member any, a group leader
/// their group's, a member themself.
pub(crate) async fn may_report(st: &AppState, ctx: &Ctx, school: &School, member: &str) -> Result<bool, AppError> {
    if has(ctx, CARE_COMMITTEE) || has(ctx, &[WomenCommittee]) {
        return Ok(true);
    }
    if member_of(ctx).as_deref() == Some(member) {
        return Ok(true);
    }
    if let Some(g) = led_group(st, ctx, school).await? {
        return Ok(
            jiaogong_store::members::group_of(&st.store, &school.id, member).await?.as_deref() == Some(g.as_str())
        );
    }
    Ok(false)
}

/// An .xlsx download.
pub(crate) fn xlsx_file(bytes: Vec<u8>, name: &str) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.xlsx\"")),
        ],
        bytes,
    )
        .into_response()
}

/// The home page's care lines: overdue visit tasks for the chair (and the committee who runs the
/// visits), amounts awaiting the chair's approval.
pub(crate) async fn home_todo(
    st: &AppState,
    ctx: &Ctx,
    school: &School,
    role: Role,
    todos: &mut Vec<crate::platform::auth_pages::Todo>,
) -> Result<(), AppError> {
    if !CARE_COMMITTEE.contains(&role) {
        return Ok(());
    }
    let counts = jiaogong_store::care::figures::counts(&st.store, &school.id, today()).await?;
    if counts.overdue > 0 {
        todos.push(crate::platform::auth_pages::Todo {
            text: ctx.tr.t("todo-care-overdue"),
            href: "/care/tasks?state=overdue".into(),
            count: counts.overdue,
        });
    }
    if APPROVERS.contains(&role) && counts.awaiting_approval > 0 {
        todos.push(crate::platform::auth_pages::Todo {
            text: ctx.tr.t("todo-care-approval"),
            href: "/care".into(),
            count: counts.awaiting_approval,
        });
    }
    Ok(())
}
