//! Proposals (提案) of the staff congress: the public list every member reads, a delegate's own
//! proposals and the drafts waiting for their co-signature, the draft form, the detail page with
//! the full history and the step each role may take there, the committee's queue with the
//! settings and the collection window, and the 提案工作报告 (in `report`).
//!
//! Who may do what: drafting and co-signing need a current delegate of the session's term (the
//! store asks); reviewing and assigning are the committee's (chair, organisation committee,
//! admin — see ADR 009); the department's reply is recorded by the member the committee named to
//! answer for the department, or by the committee on its behalf (the domain's `may_answer`);
//! submitting, editing and rating are the proposer's (the domain asks). Every id is looked up inside the school first, so another
//! school's id is "not found" before any role question is asked.

mod committee;
mod detail;
mod draft;
mod lists;
mod overdue;
mod report;
mod steps;

pub(crate) mod api;

use axum::routing::{get, post};
use chrono::NaiveDate;
use jiaogong_domain::congress::{Category, ProposalState};
use jiaogong_store::congress::proposals::SessionChoice;
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::Chrome;
use crate::Routes;
use committee::{review_queue, save_settings, save_window};
use detail::detail;
use draft::{create, edit_form, new_form};
use lists::{mine, public_list};
use steps::{assign, cosign, edit, feedback, reply, review, submit};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/proposals", get(public_list))
        .add("POST", "/s/{school}/proposals", post(create))
        .add("GET", "/s/{school}/proposals/mine", get(mine))
        .add("GET", "/s/{school}/proposals/new", get(new_form))
        .add("GET", "/s/{school}/proposals/review", get(review_queue))
        .add("GET", "/s/{school}/proposals/overdue", get(overdue::overdue_list))
        .add("POST", "/s/{school}/proposals/settings", post(save_settings))
        .add("POST", "/s/{school}/proposals/window", post(save_window))
        .add("GET", "/s/{school}/proposals/report", get(report::page))
        .add("GET", "/s/{school}/proposals/report/print", get(report::print))
        .add("GET", "/s/{school}/proposals/report/docx", get(report::docx))
        .add("GET", "/s/{school}/proposals/{id}", get(detail))
        .add("GET", "/s/{school}/proposals/{id}/edit", get(edit_form))
        .add("POST", "/s/{school}/proposals/{id}/edit", post(edit))
        .add("POST", "/s/{school}/proposals/{id}/cosign", post(cosign))
        .add("POST", "/s/{school}/proposals/{id}/submit", post(submit))
        .add("POST", "/s/{school}/proposals/{id}/review", post(review))
        .add("POST", "/s/{school}/proposals/{id}/assign", post(assign))
        .add("POST", "/s/{school}/proposals/{id}/reply", post(reply))
        .add("POST", "/s/{school}/proposals/{id}/feedback", post(feedback))
}

pub(crate) use crate::platform::pages::today;

fn is_committee(ctx: &Ctx) -> bool {
    ctx.user.as_ref().is_some_and(|u| crate::platform::access::PROPOSAL_COMMITTEE.contains(&u.role()))
}

fn member_of(ctx: &Ctx) -> Option<String> {
    ctx.user.as_ref().and_then(|u| u.member_id.clone())
}

fn base(school: &School) -> String {
    format!("/s/{}/proposals", school.code)
}

/// The label of a code under a message prefix ("proposal-state", "in_progress" → …-in-progress).
pub fn label<T: AsRef<str> + ?Sized>(c: &Chrome, prefix: &str, code: &T) -> String {
    c.tr.t(&format!("{prefix}-{}", code.as_ref().replace('_', "-")))
}

/// A date as "2026年9月1日".
pub fn day(d: &NaiveDate) -> String {
    jiaogong_domain::platform::dates::format_zh(*d)
}

/// "第3号" or "草稿".
pub fn number(c: &Chrome, n: &Option<i64>) -> String {
    match n {
        Some(n) => c.tr.t1("proposal-number", "n", &n.to_string()),
        None => c.tr.t("proposal-no-number"),
    }
}

/// Handling past its due date without a reply, at today.
pub fn overdue(state: &ProposalState, due: &Option<String>) -> bool {
    let due = due.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let mut p = jiaogong_domain::congress::Proposal::new("", "", Category::Other);
    p.state = *state;
    p.due = due;
    p.is_overdue(today())
}

#[derive(Deserialize, Default)]
pub(crate) struct SessionQuery {
    session: Option<String>,
    page: Option<i64>,
}

/// The session asked for, else the newest one with proposals handed in, else the newest.
pub(crate) fn pick_session(choices: &[SessionChoice], asked: Option<&str>) -> AppResult<Option<SessionChoice>> {
    if let Some(id) = asked.filter(|s| !s.is_empty()) {
        return choices.iter().find(|c| c.id == id).cloned().map(Some).ok_or(AppError::NotFound);
    }
    Ok(choices.iter().find(|c| c.handed_in > 0).or(choices.first()).cloned())
}

fn who(ctx: &Ctx) -> AppResult<(String, Option<String>)> {
    let u = ctx.user()?;
    Ok((u.username.clone(), u.member_id.clone()))
}

/// The member id in a form field ("" is none).
fn chosen(v: &str) -> Option<String> {
    Some(v.trim().to_string()).filter(|v| !v.is_empty())
}

/// What the committee's and the proposer's forms keep after an error.
#[derive(Deserialize, Default, Clone)]
struct Echo {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    into: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    due: String,
    /// The member named to answer for the department ("" for none).
    #[serde(default)]
    responder: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    measures: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    from: String,
}
