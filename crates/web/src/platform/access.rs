//! The access-control table: every route of the router has one entry saying who may call it.
//! A route missing from the table is denied (and the router-wide test fails). Routes with a
//! `{school}` segment are also scoped: a user of another school gets 403, whatever the role.

use axum::extract::{MatchedPath, RawPathParams, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::User;
use jiaogong_store::platform::tenancy::{self, School};

use crate::platform::ctx::Ctx;
use crate::platform::error::AppError;
use crate::AppState;

/// Who may call a route.
#[derive(Debug, Clone, Copy)]
pub enum Allow {
    /// Anyone, logged in or not.
    Public,
    /// Any logged-in user.
    Anyone,
    /// Logged-in users with one of these roles.
    Roles(&'static [Role]),
    /// The installation's administrator (an admin attached to no school).
    SystemAdmin,
}

use Role::*;
/// Keep and change the roster.
pub const ROSTER_EDITORS: &[Role] = &[Admin, Chair, OrgCommittee];
/// Read the roster.
pub const ROSTER_READERS: &[Role] = &[Admin, Chair, OrgCommittee, GroupLeader];
/// Read dues.
pub const DUES_READERS: &[Role] = &[Admin, Chair, OrgCommittee, Auditor];
pub const DISTRICT: &[Role] = &[Admin, District];
/// Create, open and close polls.
pub const POLL_MANAGERS: &[Role] = &[Admin, Chair, OrgCommittee];
/// Manage a school's accounts.
pub const ACCOUNT_MANAGERS: &[Role] = &[Admin, Chair];
/// Everyone who belongs to a school (the district union reads its schools through its own view).
pub const SCHOOL_PEOPLE: &[Role] =
    &[Admin, Chair, OrgCommittee, GroupLeader, Member, Auditor, Finance, Welfare, WomenCommittee, Supervisor];
/// The principal's office in a selection's review: its decisions are entered by the chair (or the
/// school's admin), see docs/adr/010-evaluations-and-selections.md.
pub const SELECTION_REVIEWERS: &[Role] = &[Admin, Chair];
/// The proposal committee (提案工作委员会): reviews, assigns and records the departments' replies.
pub const PROPOSAL_COMMITTEE: &[Role] = &[Admin, Chair, OrgCommittee];
/// Read the congress settings (quorum, 差额 margin, evaluation and selection rules …).
pub const CONGRESS_SETTINGS_READERS: &[Role] = &[Admin, Chair, OrgCommittee, Auditor];
/// Change the congress settings.
pub const CONGRESS_SETTINGS_EDITORS: &[Role] = &[Admin, Chair];
/// Write notices and news, read their receipts and remind.
pub const NOTICE_EDITORS: &[Role] = &[Admin, Chair, OrgCommittee];
/// Upload, version, move and delete documents of the resource library.
pub const LIBRARY_EDITORS: &[Role] = &[Admin, Chair, OrgCommittee];
/// Read the audit log.
pub const AUDIT_READERS: &[Role] = &[Admin, Chair, Auditor];
/// Organise activities: the committee any, a group leader their own group's (the handler checks).
pub const ACTIVITY_ORGANISERS: &[Role] = crate::activities::ORGANISERS;
/// The committee's activity reports (participation per group).
pub const ACTIVITY_COMMITTEE: &[Role] = crate::activities::COMMITTEE;

/// (method, path, who). The single source of truth the router is checked against.
/// Publish 校务公开 items.
pub const TP_PUBLISHERS: &[Role] = crate::transparency::PUBLISHERS;
/// The supervision group (监督小组).
pub const TP_SUPERVISORS: &[Role] = crate::transparency::SUPERVISORS;
/// Write the work plan and the year-end summary.
pub const PLAN_EDITORS: &[Role] = crate::plans::EDITORS;
/// Keep a school's staff-home self-assessment and submit upward.
pub const ASSESSORS: &[Role] = crate::district::assessment::ASSESSORS;
/// The district union's own accounts (a school's admin is not one; the handlers check the district).
pub const DISTRICT_USERS: &[Role] = crate::district::assessment::DISTRICT_USERS;

pub const TABLE: &[(&str, &str, Allow)] = &[
    ("GET", "/healthz", Allow::Public),
    ("GET", "/static/{*path}", Allow::Public),
    ("GET", "/favicon.ico", Allow::Public),
    ("GET", "/login", Allow::Public),
    ("POST", "/login", Allow::Public),
    ("POST", "/logout", Allow::Anyone),
    ("GET", "/setup/{token}", Allow::Public),
    ("POST", "/setup/{token}", Allow::Public),
    // A member's one-time activation link (finding 23): the code is the credential.
    ("GET", "/activate/{code}", Allow::Public),
    ("POST", "/activate/{code}", Allow::Public),
    ("GET", "/", Allow::Anyone),
    ("GET", "/profile", Allow::Anyone),
    ("POST", "/profile/locale", Allow::Anyone),
    ("POST", "/profile/password", Allow::Anyone),
    ("POST", "/profile/tokens", Allow::Anyone),
    ("POST", "/profile/tokens/{id}/revoke", Allow::Anyone),
    ("GET", "/me", Allow::Anyone),
    ("POST", "/me/corrections", Allow::Anyone),
    ("GET", "/me/export", Allow::Anyone),
    ("GET", "/district", Allow::Roles(DISTRICT)),
    // A school's published figures, for the district users whose subtree holds the school.
    ("GET", "/district/schools/{school}", Allow::Roles(DISTRICT)),
    ("POST", "/district/schools/{school}/refresh", Allow::Roles(DISTRICT)),
    ("GET", "/api/v1/district/schools", Allow::Roles(DISTRICT)),
    ("GET", "/api/v1/district/schools.xlsx", Allow::Roles(DISTRICT)),
    ("GET", "/s/{school}/members", Allow::Roles(ROSTER_READERS)),
    ("POST", "/s/{school}/members", Allow::Roles(ROSTER_EDITORS)),
    ("GET", "/s/{school}/members/new", Allow::Roles(ROSTER_EDITORS)),
    ("GET", "/s/{school}/members/export", Allow::Roles(ROSTER_EDITORS)),
    // The export with ID numbers and phones: a form post (CSRF), never a link.
    ("POST", "/s/{school}/members/export", Allow::Roles(ROSTER_EDITORS)),
    ("GET", "/s/{school}/members/template", Allow::Roles(ROSTER_EDITORS)),
    ("GET", "/s/{school}/members/import", Allow::Roles(ROSTER_EDITORS)),
    ("POST", "/s/{school}/members/import", Allow::Roles(ROSTER_EDITORS)),
    ("POST", "/s/{school}/members/import/{stash}/commit", Allow::Roles(ROSTER_EDITORS)),
    ("GET", "/s/{school}/members/import/{stash}/report", Allow::Roles(ROSTER_EDITORS)),
    ("GET", "/s/{school}/members/{id}", Allow::Roles(ROSTER_READERS)),
    ("GET", "/s/{school}/members/{id}/edit", Allow::Roles(ROSTER_EDITORS)),
    ("POST", "/s/{school}/members/{id}/edit", Allow::Roles(ROSTER_EDITORS)),
    ("POST", "/s/{school}/members/{id}/event", Allow::Roles(ROSTER_EDITORS)),
    ("POST", "/s/{school}/members/{id}/reveal", Allow::Roles(ROSTER_EDITORS)),
    ("GET", "/s/{school}/groups", Allow::Roles(ROSTER_READERS)),
    ("POST", "/s/{school}/groups", Allow::Roles(ROSTER_EDITORS)),
    ("GET", "/s/{school}/corrections", Allow::Roles(ROSTER_EDITORS)),
    ("POST", "/s/{school}/corrections/{id}", Allow::Roles(ROSTER_EDITORS)),
    // Proposals (提案).
    ("GET", "/s/{school}/proposals", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/proposals", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/s/{school}/proposals/mine", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/s/{school}/proposals/new", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/s/{school}/proposals/review", Allow::Roles(PROPOSAL_COMMITTEE)),
    ("GET", "/s/{school}/proposals/overdue", Allow::Roles(PROPOSAL_COMMITTEE)),
    ("POST", "/s/{school}/proposals/settings", Allow::Roles(PROPOSAL_COMMITTEE)),
    ("POST", "/s/{school}/proposals/window", Allow::Roles(PROPOSAL_COMMITTEE)),
    ("GET", "/s/{school}/proposals/report", Allow::Roles(PROPOSAL_COMMITTEE)),
    ("GET", "/s/{school}/proposals/report/print", Allow::Roles(PROPOSAL_COMMITTEE)),
    ("GET", "/s/{school}/proposals/report/docx", Allow::Roles(PROPOSAL_COMMITTEE)),
    ("GET", "/s/{school}/proposals/{id}", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/s/{school}/proposals/{id}/edit", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/proposals/{id}/edit", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/proposals/{id}/cosign", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/proposals/{id}/submit", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/proposals/{id}/review", Allow::Roles(PROPOSAL_COMMITTEE)),
    ("POST", "/s/{school}/proposals/{id}/assign", Allow::Roles(PROPOSAL_COMMITTEE)),
    // The committee, or the member it named to answer for the department (checked by the step).
    ("POST", "/s/{school}/proposals/{id}/reply", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/proposals/{id}/feedback", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/s/{school}/dues", Allow::Roles(DUES_READERS)),
    ("POST", "/s/{school}/dues/rate", Allow::Roles(ROSTER_EDITORS)),
    ("POST", "/s/{school}/dues/payments", Allow::Roles(ROSTER_EDITORS)),
    ("POST", "/s/{school}/dues/import", Allow::Roles(ROSTER_EDITORS)),
    ("GET", "/s/{school}/dues/member/{id}", Allow::Roles(DUES_READERS)),
    ("GET", "/s/{school}/audit", Allow::Roles(AUDIT_READERS)),
    // The filtered log as .xlsx: names and addresses, so a form post (CSRF), never a link.
    ("POST", "/s/{school}/audit/export", Allow::Roles(AUDIT_READERS)),
    // Evaluations (民主评议) and award selections (评先评优).
    ("GET", "/s/{school}/evaluations", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/evaluations", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/evaluations/{id}", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/evaluations/{id}/leaders", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/evaluations/{id}/leaders/{member}/remove", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/evaluations/{id}/leaders/{member}/report", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/evaluations/{id}/open", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/evaluations/{id}/close", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/evaluations/{id}/sheet", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/evaluations/{id}/sheet.xlsx", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/selections", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/selections", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/selections/{id}", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/selections/{id}/nominees", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/selections/{id}/stage", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/selections/{id}/rounds", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/selections/{id}/rounds/{round}/close", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/selections/{id}/nominees/{nominee}/review", Allow::Roles(SELECTION_REVIEWERS)),
    ("POST", "/s/{school}/selections/{id}/publicity", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/selections/{id}/objections/{objection}", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/selections/{id}/certificates", Allow::Roles(POLL_MANAGERS)),
    // Members' selection pages: the handler reads the caller's own school only (404 otherwise).
    ("GET", "/selections", Allow::Anyone),
    ("GET", "/selections/{id}", Allow::Anyone),
    ("POST", "/selections/{id}/nominate", Allow::Anyone),
    ("POST", "/selections/{id}/objections", Allow::Anyone),
    // A rater's page and a leader's report: the handler finds the evaluation in the caller's own
    // school only (404 otherwise) and the report only for the leader.
    ("GET", "/evaluations/{id}", Allow::Anyone),
    ("POST", "/evaluations/{id}/rate", Allow::Anyone),
    // A rater checks their receipt code against the closed evaluation's bulletin (own school only).
    ("GET", "/evaluations/{id}/check", Allow::Anyone),
    ("POST", "/evaluations/{id}/check", Allow::Anyone),
    ("GET", "/evaluations/{id}/report", Allow::Anyone),
    ("POST", "/evaluations/{id}/report", Allow::Anyone),
    ("GET", "/admin/schools", Allow::SystemAdmin),
    ("POST", "/admin/schools", Allow::SystemAdmin),
    ("GET", "/admin/calendar", Allow::SystemAdmin),
    ("POST", "/admin/calendar", Allow::SystemAdmin),
    ("POST", "/admin/calendar/{day}/delete", Allow::SystemAdmin),
    ("GET", "/s/{school}/accounts", Allow::Roles(ACCOUNT_MANAGERS)),
    // Accounts and activation slips for every active member without one.
    ("POST", "/s/{school}/accounts/activation", Allow::Roles(ACCOUNT_MANAGERS)),
    ("POST", "/s/{school}/accounts", Allow::Roles(ACCOUNT_MANAGERS)),
    ("POST", "/s/{school}/accounts/{id}", Allow::Roles(ACCOUNT_MANAGERS)),
    ("POST", "/api/v1/schools/{school}/polls", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/api/v1/polls/{id}/open", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/api/v1/polls/{id}/ballots", Allow::Anyone),
    ("GET", "/api/v1/polls/{id}/turnout", Allow::Anyone),
    ("POST", "/api/v1/polls/{id}/close", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/api/v1/polls/{id}/result", Allow::Anyone),
    ("GET", "/api/v1/polls/{id}/bulletin", Allow::Anyone),
    ("GET", "/polls", Allow::Anyone),
    ("GET", "/polls/{id}", Allow::Anyone),
    ("POST", "/polls/{id}/vote", Allow::Anyone),
    ("GET", "/polls/{id}/receipt", Allow::Anyone),
    ("GET", "/polls/{id}/attachments/{file}", Allow::Anyone),
    ("GET", "/s/{school}/polls", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/polls", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/polls/{id}", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/polls/{id}/turnout", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/polls/{id}/open", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/polls/{id}/close", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/polls/{id}/paper", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/polls/{id}/paper/issue", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/polls/{id}/paper/sheets", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/polls/{id}/paper/{pass}", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/polls/{id}/paper/{pass}/remove", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/polls/{id}/officials", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/polls/{id}/attachments", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/polls/{id}/sheet", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/polls/{id}/runoff", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/polls/{id}/progress", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/congress", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/congress", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/congress/settings", Allow::Roles(CONGRESS_SETTINGS_READERS)),
    ("POST", "/s/{school}/congress/settings", Allow::Roles(CONGRESS_SETTINGS_EDITORS)),
    ("GET", "/s/{school}/congress/{id}", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/congress/{id}/presence", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/congress/{id}/qr", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/congress/{id}/delegates", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/congress/{id}/delegates/{delegate}/end", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/congress/{id}/delegate-list/confirm", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/congress/{id}/attendance/{member}", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/congress/{id}/polls", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/congress/{id}/mode", Allow::Roles(CONGRESS_SETTINGS_EDITORS)),
    ("POST", "/s/{school}/congress/{id}/items", Allow::Roles(POLL_MANAGERS)),
    ("POST", "/s/{school}/congress/{id}/items/{item}/delete", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/s/{school}/sessions", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/s/{school}/sessions/{id}", Allow::Roles(SCHOOL_PEOPLE)),
    // Interim session requests: any member of the voting body starts and signs (the store asks);
    // the chair convenes.
    ("GET", "/s/{school}/interim", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/interim", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/interim/{id}/sign", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/interim/{id}/withdraw", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/interim/{id}/convene", Allow::Roles(POLL_MANAGERS)),
    // Notices and news (通知公告, 工会动态) and the inbox: a member's pages read the caller's own
    // school only (404 otherwise); the committee writes, reads receipts and reminds.
    ("GET", "/notices", Allow::Anyone),
    ("GET", "/notices/{id}", Allow::Anyone),
    ("POST", "/notices/{id}/read", Allow::Anyone),
    ("GET", "/notices/{id}/files/{file}", Allow::Anyone),
    ("POST", "/notices/settings", Allow::Anyone),
    ("POST", "/inbox/{id}/read", Allow::Anyone),
    ("POST", "/inbox/read-all", Allow::Anyone),
    ("GET", "/news", Allow::Anyone),
    ("GET", "/s/{school}/notices", Allow::Roles(NOTICE_EDITORS)),
    ("POST", "/s/{school}/notices", Allow::Roles(NOTICE_EDITORS)),
    ("GET", "/s/{school}/notices/{id}", Allow::Roles(NOTICE_EDITORS)),
    ("POST", "/s/{school}/notices/{id}/remind", Allow::Roles(NOTICE_EDITORS)),
    // Who has not read, as .xlsx: names, so a form post (CSRF), never a link.
    ("POST", "/s/{school}/notices/{id}/export", Allow::Roles(NOTICE_EDITORS)),
    // The school's group robot: its address is a credential.
    ("POST", "/s/{school}/notices/robot", Allow::Roles(ACCOUNT_MANAGERS)),
    ("POST", "/api/v1/schools/{school}/notices", Allow::Roles(NOTICE_EDITORS)),
    ("POST", "/api/v1/notices/{id}/read", Allow::Anyone),
    ("GET", "/api/v1/notices/{id}/readers", Allow::Roles(NOTICE_EDITORS)),
    ("GET", "/api/v1/me/inbox", Allow::Anyone),
    ("GET", "/checkin/{token}", Allow::Anyone),
    ("POST", "/checkin/{token}", Allow::Anyone),
    // Activities: members' pages read the caller's own school only (404 otherwise); the
    // organiser's pages check that the caller organises the activity.
    ("GET", "/activities", Allow::Anyone),
    ("GET", "/activities/{id}", Allow::Anyone),
    ("POST", "/activities/{id}/signup", Allow::Anyone),
    ("POST", "/activities/{id}/withdraw", Allow::Anyone),
    ("POST", "/activities/{id}/accept", Allow::Anyone),
    ("GET", "/a/checkin", Allow::Anyone),
    ("POST", "/a/checkin", Allow::Anyone),
    ("GET", "/me/calendar", Allow::Anyone),
    ("POST", "/me/calendar/rotate", Allow::Anyone),
    // The calendar feed: the secret in the URL is the credential (a phone's calendar has no session).
    ("GET", "/calendar/{file}", Allow::Public),
    ("GET", "/s/{school}/activities/new", Allow::Roles(ACTIVITY_ORGANISERS)),
    ("POST", "/s/{school}/activities", Allow::Roles(ACTIVITY_ORGANISERS)),
    ("GET", "/s/{school}/activities/participation", Allow::Roles(ACTIVITY_COMMITTEE)),
    ("GET", "/s/{school}/activities/participation.xlsx", Allow::Roles(ACTIVITY_COMMITTEE)),
    ("GET", "/s/{school}/activities/{id}", Allow::Roles(ACTIVITY_ORGANISERS)),
    ("GET", "/s/{school}/activities/{id}/qr", Allow::Roles(ACTIVITY_ORGANISERS)),
    ("POST", "/s/{school}/activities/{id}/attendance/{member}", Allow::Roles(ACTIVITY_ORGANISERS)),
    ("GET", "/s/{school}/activities/{id}/attendance.xlsx", Allow::Roles(ACTIVITY_ORGANISERS)),
    ("POST", "/s/{school}/activities/{id}/entries", Allow::Roles(ACTIVITY_ORGANISERS)),
    ("POST", "/s/{school}/activities/{id}/entries/{entry}", Allow::Roles(ACTIVITY_ORGANISERS)),
    ("GET", "/s/{school}/activities/{id}/edit", Allow::Roles(ACTIVITY_ORGANISERS)),
    ("POST", "/s/{school}/activities/{id}/edit", Allow::Roles(ACTIVITY_ORGANISERS)),
    ("POST", "/s/{school}/activities/{id}/cancel", Allow::Roles(ACTIVITY_ORGANISERS)),
    ("POST", "/s/{school}/activities/{id}/photos", Allow::Roles(ACTIVITY_ORGANISERS)),
    ("GET", "/activities/{id}/photos/{photo}", Allow::Anyone),
    ("POST", "/api/v1/schools/{school}/activities", Allow::Roles(ACTIVITY_ORGANISERS)),
    ("GET", "/api/v1/activities/{id}", Allow::Anyone),
    ("POST", "/api/v1/activities/{id}/signup", Allow::Anyone),
    ("DELETE", "/api/v1/activities/{id}/signup", Allow::Anyone),
    ("GET", "/api/v1/activities/{id}/signups", Allow::Roles(ACTIVITY_ORGANISERS)),
    ("POST", "/api/v1/activities/{id}/checkins", Allow::Anyone),
    ("GET", "/api/v1/openapi.json", Allow::Public),
    ("GET", "/api/v1/me", Allow::Anyone),
    ("GET", "/api/v1/schools", Allow::Anyone),
    ("GET", "/api/v1/schools/{school}/groups", Allow::Roles(ROSTER_READERS)),
    ("GET", "/api/v1/schools/{school}/members", Allow::Roles(ROSTER_READERS)),
    ("POST", "/api/v1/schools/{school}/members", Allow::Roles(ROSTER_EDITORS)),
    ("POST", "/api/v1/schools/{school}/members/import", Allow::Roles(ROSTER_EDITORS)),
    ("GET", "/api/v1/schools/{school}/members/export", Allow::Roles(ROSTER_EDITORS)),
    ("GET", "/api/v1/members/{id}", Allow::Roles(ROSTER_READERS)),
    ("PATCH", "/api/v1/members/{id}", Allow::Roles(ROSTER_EDITORS)),
    ("GET", "/api/v1/schools/{school}/dues", Allow::Roles(DUES_READERS)),
    ("POST", "/api/v1/schools/{school}/dues/payments", Allow::Roles(ROSTER_EDITORS)),
    // The congress API: the same roles as the pages (sessions are read by every member on
    // /s/{school}/sessions; delegates and attendance are the committee's session page).
    ("GET", "/api/v1/schools/{school}/congress/sessions", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/api/v1/schools/{school}/congress/sessions/{id}", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/api/v1/schools/{school}/congress/delegates", Allow::Roles(POLL_MANAGERS)),
    ("GET", "/api/v1/schools/{school}/congress/sessions/{id}/attendance", Allow::Roles(POLL_MANAGERS)),
    ("PUT", "/api/v1/schools/{school}/congress/sessions/{id}/attendance/{member}", Allow::Roles(POLL_MANAGERS)),
    // Proposals: as on /s/{school}/proposals (the store and the domain decide who may take a step).
    ("GET", "/api/v1/schools/{school}/proposals", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/api/v1/schools/{school}/proposals", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/api/v1/schools/{school}/proposals/{id}", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/api/v1/schools/{school}/proposals/{id}/edit", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/api/v1/schools/{school}/proposals/{id}/cosign", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/api/v1/schools/{school}/proposals/{id}/submit", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/api/v1/schools/{school}/proposals/{id}/review", Allow::Roles(PROPOSAL_COMMITTEE)),
    ("POST", "/api/v1/schools/{school}/proposals/{id}/assign", Allow::Roles(PROPOSAL_COMMITTEE)),
    ("POST", "/api/v1/schools/{school}/proposals/{id}/reply", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/api/v1/schools/{school}/proposals/{id}/feedback", Allow::Roles(SCHOOL_PEOPLE)),
    // The resource library: everyone of the school reads, searches and downloads; the committee
    // uploads, adds versions, moves and deletes.
    ("GET", "/s/{school}/library", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/library", Allow::Roles(LIBRARY_EDITORS)),
    ("GET", "/s/{school}/library/{id}", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/library/{id}/versions", Allow::Roles(LIBRARY_EDITORS)),
    ("GET", "/s/{school}/library/{id}/versions/{version}", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/library/{id}/move", Allow::Roles(LIBRARY_EDITORS)),
    ("POST", "/s/{school}/library/{id}/delete", Allow::Roles(LIBRARY_EDITORS)),
    ("GET", "/api/v1/schools/{school}/library/search", Allow::Roles(SCHOOL_PEOPLE)),
    // Care (送温暖): members report their own events and file requests; group leaders see their
    // group's tasks; the committee and the 生活福利委员 run the rest; hardship files are the chair's
    // and the welfare member's (the auditor reads amounts only); the handlers check the scope.
    ("GET", "/care", Allow::Roles(crate::care::CARE_COMMITTEE)),
    ("GET", "/care/tasks.xlsx", Allow::Roles(crate::care::TASK_READERS)),
    ("GET", "/care/report", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/care/report", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/care/tasks", Allow::Roles(crate::care::TASK_READERS)),
    ("GET", "/care/tasks/{id}", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/care/tasks/{id}/visits", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/care/visits/{id}", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/care/visits/{id}/approve", Allow::Roles(crate::care::APPROVERS)),
    ("POST", "/care/visits/{id}/photo", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/care/visits/{id}/photo", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/care/figures", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/care/milestones", Allow::Roles(crate::care::CARE_COMMITTEE)),
    ("GET", "/care/settings", Allow::Roles(crate::care::SETTINGS_EDITORS)),
    ("POST", "/care/settings", Allow::Roles(crate::care::SETTINGS_EDITORS)),
    ("POST", "/care/settings/rules", Allow::Roles(crate::care::SETTINGS_EDITORS)),
    ("GET", "/care/hardship", Allow::Roles(crate::care::HARDSHIP_READERS)),
    ("GET", "/care/hardship.xlsx", Allow::Roles(crate::care::HARDSHIP_READERS)),
    ("POST", "/care/hardship", Allow::Roles(crate::care::HARDSHIP_FULL)),
    ("POST", "/care/hardship/{id}/aid", Allow::Roles(crate::care::HARDSHIP_FULL)),
    ("POST", "/care/hardship/{id}/review", Allow::Roles(crate::care::HARDSHIP_FULL)),
    ("GET", "/care/campaigns", Allow::Roles(crate::care::CARE_COMMITTEE)),
    ("POST", "/care/campaigns", Allow::Roles(crate::care::CARE_COMMITTEE)),
    ("GET", "/care/women", Allow::Roles(crate::care::WOMEN_COMMITTEE)),
    ("POST", "/care/women/checkups", Allow::Roles(crate::care::WOMEN_COMMITTEE)),
    ("POST", "/care/women/checkups/{id}/{member}", Allow::Roles(crate::care::WOMEN_COMMITTEE)),
    ("POST", "/care/women/protections", Allow::Roles(crate::care::WOMEN_COMMITTEE)),
    ("GET", "/requests", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/requests", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/requests/follow", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/requests/{id}/respond", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/care/requests", Allow::Roles(crate::care::REQUEST_COMMITTEE)),
    ("GET", "/care/requests/{id}", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/care/requests/{id}/step", Allow::Roles(crate::care::REQUEST_COMMITTEE)),
    ("POST", "/care/requests/{id}/promote", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/api/v1/schools/{school}/care/events", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/api/v1/schools/{school}/care/tasks", Allow::Roles(crate::care::TASK_READERS)),
    ("POST", "/api/v1/care/tasks/{id}/visits", Allow::Roles(crate::care::TASK_READERS)),
    ("GET", "/api/v1/schools/{school}/care/compliance", Allow::Roles(crate::care::FIGURE_READERS)),
    ("POST", "/api/v1/schools/{school}/requests", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/api/v1/requests/{id}", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/api/v1/requests/{id}/answer", Allow::Roles(crate::care::REQUEST_COMMITTEE)),
    // Finance (经费) and 经审.
    ("GET", "/s/{school}/finance", Allow::Roles(crate::finance::READERS)),
    ("GET", "/s/{school}/finance/vouchers/new", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("POST", "/s/{school}/finance/vouchers", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("GET", "/s/{school}/finance/vouchers/{id}", Allow::Roles(crate::finance::READERS)),
    ("POST", "/s/{school}/finance/vouchers/{id}/act", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("GET", "/s/{school}/finance/vouchers/{id}/edit", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("POST", "/s/{school}/finance/vouchers/{id}/edit", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("POST", "/s/{school}/finance/vouchers/{id}/attachments", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("GET", "/s/{school}/finance/attachments/{att}", Allow::Roles(crate::finance::READERS)),
    ("POST", "/s/{school}/finance/close", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("GET", "/s/{school}/finance/reports", Allow::Roles(crate::finance::READERS)),
    ("GET", "/s/{school}/finance/reports.xlsx", Allow::Roles(crate::finance::READERS)),
    ("GET", "/s/{school}/finance/ledger/{code}", Allow::Roles(crate::finance::READERS)),
    ("GET", "/s/{school}/finance/budget", Allow::Roles(crate::finance::READERS)),
    ("POST", "/s/{school}/finance/budget", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("GET", "/s/{school}/finance/disclosures", Allow::Roles(crate::finance::READERS)),
    ("POST", "/s/{school}/finance/disclosures", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("POST", "/s/{school}/finance/disclosures/{id}/publish", Allow::Roles(crate::finance::APPROVERS)),
    ("POST", "/s/{school}/finance/questions/{id}/answer", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("GET", "/finance/disclosures/{id}", Allow::Anyone),
    ("POST", "/finance/disclosures/{id}/questions", Allow::Anyone),
    ("GET", "/s/{school}/finance/audit", Allow::Roles(crate::finance::READERS)),
    ("POST", "/s/{school}/finance/audit/opinion", Allow::Roles(crate::finance::AUDITORS)),
    ("GET", "/s/{school}/finance/setup", Allow::Roles(crate::finance::READERS)),
    ("POST", "/s/{school}/finance/setup/account", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("POST", "/s/{school}/finance/setup/settings", Allow::Roles(crate::finance::APPROVERS)),
    ("GET", "/s/{school}/finance/setup/opening-template.xlsx", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("POST", "/s/{school}/finance/setup/opening", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("POST", "/s/{school}/finance/setup/drafts", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("GET", "/api/v1/schools/{school}/accounts", Allow::Roles(crate::finance::READERS)),
    ("POST", "/api/v1/schools/{school}/vouchers", Allow::Roles(crate::finance::BOOKKEEPERS)),
    ("POST", "/api/v1/vouchers/{id}/review", Allow::Roles(crate::finance::REVIEWERS)),
    ("POST", "/api/v1/vouchers/{id}/approve", Allow::Roles(crate::finance::APPROVERS)),
    ("GET", "/api/v1/schools/{school}/reports/income-expenditure", Allow::Roles(crate::finance::READERS)),
    ("GET", "/api/v1/schools/{school}/reports/balance-sheet", Allow::Roles(crate::finance::READERS)),
    ("GET", "/api/v1/schools/{school}/audit-findings", Allow::Roles(crate::finance::READERS)),
    // 校务公开: everyone of the school reads and objects; publishers publish and manage the
    // public link; the supervision group handles objections and signs off (the handlers check).
    ("GET", "/s/{school}/transparency", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/transparency", Allow::Roles(TP_PUBLISHERS)),
    ("GET", "/s/{school}/transparency/index", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/s/{school}/transparency/index.xlsx", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/s/{school}/transparency/{id}", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/transparency/{id}/objections", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/transparency/{id}/objections/{objection}", Allow::Roles(TP_SUPERVISORS)),
    ("POST", "/s/{school}/transparency/{id}/signoff", Allow::Roles(TP_SUPERVISORS)),
    ("POST", "/s/{school}/transparency/{id}/link", Allow::Roles(TP_PUBLISHERS)),
    ("GET", "/p/transparency/{token}", Allow::Public),
    ("POST", "/s/{school}/transparency/{id}/files", Allow::Roles(TP_PUBLISHERS)),
    ("GET", "/s/{school}/transparency/{id}/files/{file}", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/p/transparency/{token}/files/{file}", Allow::Public),
    ("POST", "/api/v1/schools/{school}/transparency", Allow::Roles(TP_PUBLISHERS)),
    ("POST", "/api/v1/transparency/{id}/objections", Allow::Anyone),
    // The work plan and the year-end summary: the school reads, the committee writes.
    ("GET", "/s/{school}/plans", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/plans", Allow::Roles(PLAN_EDITORS)),
    ("GET", "/api/v1/schools/{school}/plans/{year}", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/s/{school}/summary", Allow::Roles(SCHOOL_PEOPLE)),
    ("POST", "/s/{school}/summary", Allow::Roles(PLAN_EDITORS)),
    ("GET", "/s/{school}/summary/print", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/s/{school}/summary/records", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/s/{school}/summary.docx", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/api/v1/schools/{school}/summary/{year}", Allow::Roles(SCHOOL_PEOPLE)),
    ("GET", "/api/v1/schools/{school}/summary/{year}/figures/{code}", Allow::Roles(SCHOOL_PEOPLE)),
    // 建家 staff-home assessment: the school's committee keeps its sheet; the district edits its
    // standard and reads its schools' sheets (a school outside the district is not found).
    ("GET", "/s/{school}/assessment", Allow::Roles(ASSESSORS)),
    ("POST", "/s/{school}/assessment", Allow::Roles(ASSESSORS)),
    ("POST", "/s/{school}/assessment/upload", Allow::Roles(ASSESSORS)),
    ("GET", "/s/{school}/assessment/print", Allow::Roles(ASSESSORS)),
    ("GET", "/s/{school}/assessment/files/{id}", Allow::Roles(ASSESSORS)),
    ("GET", "/s/{school}/assessment.zip", Allow::Roles(ASSESSORS)),
    ("GET", "/district/assessment", Allow::Roles(DISTRICT_USERS)),
    ("POST", "/district/assessment", Allow::Roles(DISTRICT_USERS)),
    ("GET", "/district/assessment/{id}", Allow::Roles(DISTRICT_USERS)),
    // 上报: the district opens and follows submissions; the school's committee submits.
    ("GET", "/district/submissions", Allow::Roles(DISTRICT_USERS)),
    ("POST", "/district/submissions", Allow::Roles(DISTRICT_USERS)),
    ("GET", "/district/submissions/{id}", Allow::Roles(DISTRICT_USERS)),
    ("POST", "/district/submissions/{id}/remind", Allow::Roles(DISTRICT_USERS)),
    ("GET", "/district/submissions/{id}/files/{item}", Allow::Roles(DISTRICT_USERS)),
    ("GET", "/s/{school}/submissions", Allow::Roles(ASSESSORS)),
    ("POST", "/s/{school}/submissions/{id}", Allow::Roles(ASSESSORS)),
    ("POST", "/api/v1/district/submissions", Allow::Roles(DISTRICT_USERS)),
    ("GET", "/api/v1/district/submissions/{id}", Allow::Roles(DISTRICT_USERS)),
];

pub fn lookup(method: &str, path: &str) -> Option<Allow> {
    TABLE.iter().find(|(m, p, _)| *m == method && *p == path).map(|(_, _, a)| *a)
}

/// Whether a user may act in a school: its own school; a system admin (no school) anywhere; a
/// district user in the schools of the district's subtree (its sub-districts included, see
/// `jiaogong_store::district::hierarchy`).
pub async fn in_scope(store: &jiaogong_store::Store, user: &User, school: &School) -> Result<bool, AppError> {
    Ok(match (&user.school_id, user.role()) {
        (Some(s), _) => *s == school.id,
        (None, Role::Admin) => true,
        (None, Role::District) => match &user.district_id {
            Some(d) => jiaogong_store::district::hierarchy::contains_school(store, d, &school.id).await?,
            None => false,
        },
        _ => false,
    })
}

/// Route layer: applies the table and the school scope; inserts the `School` for handlers.
pub async fn guard(
    State(state): State<AppState>,
    matched: MatchedPath,
    params: RawPathParams,
    ctx: Ctx,
    mut req: Request,
    next: Next,
) -> Response {
    // HEAD is GET without the body (axum runs the GET handler and drops the body), so it
    // obeys the GET entry of the table.
    let method = match req.method().as_str() {
        "HEAD" => "GET".to_string(),
        m => m.to_string(),
    };
    let allow = lookup(&method, matched.as_str());
    let user = ctx.user.as_ref();
    let allowed = match (allow, user) {
        (None, _) => false,
        (Some(Allow::Public), _) => true,
        (Some(_), None) => return AppError::Unauthenticated.into_response(),
        (Some(Allow::Anyone), Some(_)) => true,
        (Some(Allow::Roles(roles)), Some(u)) => roles.contains(&u.role()),
        (Some(Allow::SystemAdmin), Some(u)) => u.role() == Role::Admin && u.school_id.is_none(),
    };
    if !allowed {
        deny(&state, &ctx, matched.as_str()).await;
        return AppError::Forbidden.into_response();
    }
    if let Some((_, code)) = params.iter().find(|(k, _)| *k == "school") {
        let Some(user) = user else { return AppError::Unauthenticated.into_response() };
        let school = match tenancy::school(&state.store, code).await {
            Ok(s) => s,
            Err(jiaogong_store::StoreError::NotFound) => return AppError::NotFound.into_response(),
            Err(e) => return AppError::from(e).into_response(),
        };
        let inside = match in_scope(&state.store, user, &school).await {
            Ok(b) => b,
            Err(e) => return e.into_response(),
        };
        if !inside {
            deny(&state, &ctx, req.uri().path()).await;
            return AppError::Forbidden.into_response();
        }
        req.extensions_mut().insert(school);
    }
    next.run(req).await
}

async fn deny(state: &AppState, ctx: &Ctx, path: &str) {
    let school = ctx.user.as_ref().and_then(|u| u.school_id.clone());
    crate::platform::ctx::audit_refusal(state, ctx, school.as_deref(), "access.denied", path).await;
}
