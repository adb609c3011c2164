//! The staff congress at a session: sessions, delegates with their composition check, sign-in by
//! QR code on the delegate's phone or ticked by a clerk, the live quorum, confirming the delegate
//! list, and the session's votes, which can open only while the quorum holds.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::congress::checkin::{self, CheckinToken};
use jiaogong_domain::congress::{self, Composition};
use jiaogong_store::congress::polls::Poll;
use jiaogong_store::congress::{self as repo, Delegate, Session};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;
use serde_json::json;

use super::quorum::{composition_of, live, Live};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};
use jiaogong_domain::congress::confirm_list;
use jiaogong_store::congress::delegate_lists;

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/congress", get(list))
        .add("POST", "/s/{school}/congress", post(create_session))
        .add("GET", "/s/{school}/congress/{id}", get(page))
        .add("GET", "/s/{school}/congress/{id}/presence", get(presence_fragment))
        .add("GET", "/s/{school}/congress/{id}/qr", get(qr_fragment))
        .add("POST", "/s/{school}/congress/{id}/delegates", post(add_delegates))
        .add("POST", "/s/{school}/congress/{id}/delegates/{delegate}/end", post(end_delegate))
        .add("POST", "/s/{school}/congress/{id}/attendance/{member}", post(toggle_attendance))
        .add("POST", "/s/{school}/congress/{id}/polls", post(create_poll))
        .add("POST", "/s/{school}/congress/{id}/mode", post(set_mode))
        .add("POST", "/s/{school}/congress/{id}/delegate-list/confirm", post(confirm_list_of_delegates))
        .add("GET", "/checkin/{token}", get(checkin_page))
        .add("POST", "/checkin/{token}", post(checkin))
}

use crate::platform::pages::today_iso as today;

#[derive(Template)]
#[template(path = "congress/list.html")]
struct ListPage {
    c: Chrome,
    school: School,
    sessions: Vec<Session>,
    error: String,
}

async fn list_with(st: &AppState, ctx: &Ctx, school: School, error: String) -> AppResult<Response> {
    let sessions = repo::sessions(&st.store, &school.id).await?;
    let title = ctx.tr.t("nav-congress");
    render(&ListPage { c: Chrome::new(ctx, "congress", title), school, sessions, error })
}

async fn list(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    list_with(&st, &ctx, school, String::new()).await
}

#[derive(Deserialize)]
struct SessionForm {
    term: String,
    number: String,
    title: String,
    held_on: String,
}

async fn create_session(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<SessionForm>,
) -> AppResult<Response> {
    let (Ok(term), Ok(number)) = (f.term.trim().parse::<i64>(), f.number.trim().parse::<i64>()) else {
        return list_with(&st, &ctx, school, ctx.tr.t("congress-err-numbers")).await;
    };
    let held_on = match jiaogong_domain::platform::dates::parse_date(&f.held_on) {
        Ok(d) => d.format("%Y-%m-%d").to_string(),
        Err(e) => return list_with(&st, &ctx, school, ctx.tr.validation(&e)).await,
    };
    let title = match jiaogong_domain::platform::text::line(&f.title, 100) {
        Ok(t) => t,
        Err(e) => return list_with(&st, &ctx, school, ctx.name_error(&e, "congress-err-numbers")).await,
    };
    if !(1..=99).contains(&term) || !(1..=99).contains(&number) {
        return list_with(&st, &ctx, school, ctx.tr.t("congress-err-numbers")).await;
    }
    let mut tx = st.store.begin().await?;
    let term_id = repo::term(&mut tx, &school.id, term, &held_on).await?;
    let id = match repo::create_session(&mut tx, &school.id, &term_id, number, &title, &held_on).await {
        Ok(id) => id,
        Err(e) if e.is_unique_violation() => {
            return list_with(&st, &ctx, school, ctx.tr.t("congress-err-exists")).await
        }
        Err(e) => return Err(e.into()),
    };
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "congress.session.create", &id).detail(title),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/congress/{id}", school.code)))
}

#[derive(Template)]
#[template(path = "congress/session.html")]
struct SessionPage {
    c: Chrome,
    school: School,
    s: Session,
    live: Live,
    delegates: Vec<Delegate>,
    comp: Composition,
    polls: Vec<Poll>,
    items: Vec<jiaogong_store::congress::agenda::Item>,
    qr: Qr,
    error: String,
    /// The delegate list's confirmation, as its section shows it.
    list: super::delegate_list::ListStatus,
}

impl SessionPage {
    /// Why a delegate's mandate ended, in words: "退休" or "调出：调往实验中学" for one who left
    /// with the member's status, or the reason typed when the delegate was replaced.
    fn ended_because(&self, reason: &str) -> String {
        match congress::parse_leaving_reason(reason) {
            Some((status, why)) => {
                let what = self.c.tr.t(&format!("delegate-left-{}", status.code().replace('_', "-")));
                if why.is_empty() {
                    what
                } else {
                    format!("{what}：{why}")
                }
            }
            None => reason.to_string(),
        }
    }
}

/// The QR code on the chair's screen: a link with this minute's check-in code.
struct Qr {
    svg: String,
    url: String,
}

fn qr_of(st: &AppState, ctx: &Ctx, s: &Session) -> Qr {
    let slot = checkin::slot_of(jiaogong_store::now_ms());
    let code = st.store.crypto.checkin_code(&s.id, &s.checkin_token, slot);
    let url = format!("{}/checkin/{}", ctx.origin, CheckinToken::new(&s.id, slot, &code).encode());
    let svg = qrcode::QrCode::new(url.as_bytes())
        .map(|code| code.render::<qrcode::render::svg::Color>().min_dimensions(220, 220).build())
        .unwrap_or_default();
    Qr { svg, url }
}

#[derive(Template)]
#[template(path = "congress/qr.html")]
struct QrFragment {
    school: School,
    s: Session,
    qr: Qr,
}

/// The QR code alone, polled by the chair's page so the code on the screen follows the minute.
async fn qr_fragment(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let s = repo::session(&st.store, &school.id, &id).await?;
    let qr = qr_of(&st, &ctx, &s);
    render(&QrFragment { school, s, qr })
}

#[derive(Template)]
#[template(path = "congress/presence.html")]
struct PresenceFragment {
    c: Chrome,
    school: School,
    s: Session,
    live: Live,
}

pub(crate) async fn page_with(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    id: &str,
    error: String,
) -> AppResult<Response> {
    let s = repo::session(&st.store, &school.id, id).await?;
    let live = live(st, &school, &s).await?;
    let delegates = if s.is_assembly() {
        repo::assembly_roll(&st.store, &school.id, &s.id).await?
    } else {
        repo::delegates(&st.store, &school.id, &s.term_id, &s.id).await?
    };
    let comp = composition_of(st, &school, &delegates).await?;
    let list = super::delegate_list::status(st, &school, &s.term_id, &delegates).await?;
    let polls = jiaogong_store::congress::polls::of_session(&st.store, &school.id, &s.id).await?;
    let items = jiaogong_store::congress::agenda::items(&st.store, &school.id, &s.id).await?;
    let qr = qr_of(st, ctx, &s);
    let title = s.title.clone();
    let mut r = render(&SessionPage {
        c: Chrome::new(ctx, "congress", title),
        school,
        s,
        live,
        delegates,
        comp,
        polls,
        items,
        qr,
        error: error.clone(),
        list,
    })?;
    if !error.is_empty() {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    page_with(&st, &ctx, school, &id, String::new()).await
}

async fn presence_fragment(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let s = repo::session(&st.store, &school.id, &id).await?;
    let live = live(&st, &school, &s).await?;
    let title = s.title.clone();
    render(&PresenceFragment { c: Chrome::new(&ctx, "congress", title), school, s, live })
}

#[derive(Deserialize)]
struct DelegatesForm {
    employee_nos: String,
}

async fn add_delegates(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<DelegatesForm>,
) -> AppResult<Response> {
    let s = repo::session(&st.store, &school.id, &id).await?;
    let numbers = jiaogong_store::members::dues::employee_numbers(&st.store, &school.id).await?;
    let wanted: Vec<String> = f
        .employee_nos
        .split(|c: char| c.is_whitespace() || ",，、;；".contains(c))
        .map(jiaogong_domain::platform::text::normalize)
        .filter(|s| !s.is_empty())
        .collect();
    let unknown: Vec<&str> = wanted.iter().filter(|n| !numbers.contains_key(*n)).map(String::as_str).collect();
    if !unknown.is_empty() || wanted.is_empty() {
        let msg = ctx.tr.t1("congress-err-unknown-numbers", "numbers", &unknown.join("、"));
        return page_with(&st, &ctx, school, &id, msg).await;
    }
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    for n in &wanted {
        if let Some(member) = numbers.get(n) {
            // One entry per delegate added: who, in which term and constituency.
            if let Some(constituency) = repo::add_delegate(&mut tx, &school.id, &s.term_id, member, &today()).await? {
                let detail = format!("term={} constituency={constituency}", s.term_id);
                let event = Event::new(Some(&school.id), &actor, "congress.delegate.add", member).detail(detail);
                audit::append(&mut tx, &st.store.crypto, &event).await?;
            }
        }
    }
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/congress/{id}", school.code)))
}

#[derive(Deserialize)]
struct EndForm {
    reason: String,
}

async fn end_delegate(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, delegate)): Path<(String, String, String)>,
    Form(f): Form<EndForm>,
) -> AppResult<Response> {
    let reason = jiaogong_domain::platform::text::normalize(&f.reason);
    if reason.is_empty() {
        return page_with(&st, &ctx, school, &id, ctx.tr.t("proposal-err-reason")).await;
    }
    let mut tx = st.store.begin().await?;
    repo::end_delegate(&mut tx, &school.id, &delegate, &today(), &reason).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "congress.delegate.end", &delegate).detail(reason),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/congress/{id}", school.code)))
}

async fn toggle_attendance(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, member)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let s = repo::session(&st.store, &school.id, &id).await?;
    let present = jiaogong_store::congress::paper::is_present(&st.store, &s.id, &member).await?;
    let mut tx = st.store.begin().await?;
    if present {
        repo::undo_check_in(&mut tx, &s.id, &member).await?;
    } else if !repo::check_in(&mut tx, &s, &member, "clerk").await? {
        return Err(AppError::NotFound);
    }
    let action = if present { "congress.checkin.undo" } else { "congress.checkin.clerk" };
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), action, &member).detail(s.id.clone()),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/congress/{id}", school.code)))
}

#[derive(Deserialize)]
struct PollForm {
    title: String,
}

async fn create_poll(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<PollForm>,
) -> AppResult<Response> {
    let s = repo::session(&st.store, &school.id, &id).await?;
    let title = match jiaogong_domain::platform::text::line(&f.title, 100) {
        Ok(t) => t,
        Err(e) => return page_with(&st, &ctx, school, &id, ctx.name_error(&e, "poll-title-required")).await,
    };
    let voters = repo::body_ids(&st.store, &s).await?;
    let quorum = jiaogong_store::congress::congress_settings::get(&st.store, &school.id).await?.quorum.to_string();
    // 决议: more than half of the whole body (全体代表过半数), quorum as the school set it.
    let poll = json!({"title": title, "kind": "resolution", "rules": {"quorum": quorum, "threshold": "1/2", "base": "electorate"}});
    // A session's vote is a 教代会决议: its result sheet names the purpose with the rules.
    let purpose = jiaogong_domain::congress::ballots::PollPurpose::CongressResolution.as_str().to_string();
    let new = crate::congress::polls::NewPoll {
        details: jiaogong_store::congress::polls::PollDetails { purpose: Some(purpose), ..Default::default() },
        ..Default::default()
    };
    let poll_id = crate::congress::polls::create_poll_with(&st, &ctx, &school, poll, Some(voters), false, &new).await?;
    let mut tx = st.store.begin().await?;
    jiaogong_store::congress::polls::set_session(&mut tx, &poll_id, &s.id).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/polls/{poll_id}", school.code)))
}

#[derive(Deserialize)]
struct ModeForm {
    #[serde(default)]
    assembly: String,
}

/// Switches the session's term between 教代会 and 教职工大会. Refused when the school has 100
/// active staff or more (congress.md), and once the term has a vote (its electorate is fixed).
async fn set_mode(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<ModeForm>,
) -> AppResult<Response> {
    let s = repo::session(&st.store, &school.id, &id).await?;
    let assembly = f.assembly == "1";
    if assembly == s.is_assembly() {
        return Ok(see_other(&format!("/s/{}/congress/{id}", school.code)));
    }
    let staff = jiaogong_store::congress::congress_settings::active_staff(&st.store, &school.id).await?;
    if assembly && !congress::assembly_allowed(staff) {
        let e = congress::SettingsError::AssemblyTooLarge { staff };
        return page_with(&st, &ctx, school, &id, ctx.tr.ta(e.key(), &e.args())).await;
    }
    if repo::term_has_polls(&st.store, &s.term_id).await? {
        return page_with(&st, &ctx, school, &id, ctx.tr.t("congress-err-mode-polls")).await;
    }
    let mut tx = st.store.begin().await?;
    repo::set_term_assembly(&mut tx, &school.id, &s.term_id, assembly).await?;
    let detail = if assembly { "assembly" } else { "delegates" };
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "congress.term.mode", &s.term_id).detail(detail.to_string()),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/congress/{id}", school.code)))
}

#[derive(Template)]
#[template(path = "congress/checkin.html")]
struct CheckinPage {
    c: Chrome,
    s: Session,
    token: String,
    done: bool,
    error: String,
}

/// What a scanned link leads to: the session, or the page that says the code has expired.
enum Scan {
    Fresh(String, Session),
    Expired(Session),
}

/// Checks a scanned token: a code the server did not make is 404 (ids cannot be probed); a
/// genuine code older than the previous minute has expired.
async fn scan(st: &AppState, ctx: &Ctx, token: &str) -> AppResult<Scan> {
    let t = CheckinToken::parse(token).ok_or(AppError::NotFound)?;
    let (school_id, s) = repo::session_anywhere(&st.store, &t.session_id).await?;
    let user = ctx.user()?;
    if user.school_id.as_deref() != Some(school_id.as_str()) {
        return Err(AppError::NotFound);
    }
    if !checkin::codes_equal(&st.store.crypto.checkin_code(&s.id, &s.checkin_token, t.slot), &t.code) {
        return Err(AppError::NotFound);
    }
    if !t.is_fresh(checkin::slot_of(jiaogong_store::now_ms())) {
        return Ok(Scan::Expired(s));
    }
    Ok(Scan::Fresh(school_id, s))
}

fn expired(ctx: &Ctx, s: Session, token: String) -> AppResult<Response> {
    let title = s.title.clone();
    let error = ctx.tr.t("congress-checkin-expired");
    let mut r = render(&CheckinPage { c: Chrome::new(ctx, "congress", title), s, token, done: false, error })?;
    *r.status_mut() = axum::http::StatusCode::GONE;
    Ok(r)
}

async fn checkin_page(State(st): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let s = match scan(&st, &ctx, &token).await? {
        Scan::Fresh(_, s) => s,
        Scan::Expired(s) => return expired(&ctx, s, token),
    };
    let title = s.title.clone();
    render(&CheckinPage { c: Chrome::new(&ctx, "congress", title), s, token, done: false, error: String::new() })
}

async fn checkin(State(st): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let (school_id, s) = match scan(&st, &ctx, &token).await? {
        Scan::Fresh(school_id, s) => (school_id, s),
        Scan::Expired(s) => return expired(&ctx, s, token),
    };
    let user = ctx.user()?.clone();
    let title = s.title.clone();
    let not_in = if s.is_assembly() { "congress-not-member" } else { "congress-not-delegate" };
    let Some(member) = user.member_id.clone() else {
        let error = ctx.tr.t(not_in);
        return render(&CheckinPage { c: Chrome::new(&ctx, "congress", title), s, token, done: false, error });
    };
    let mut tx = st.store.begin().await?;
    let ok = repo::check_in(&mut tx, &s, &member, "qr").await?;
    if ok {
        audit::append(
            &mut tx,
            &st.store.crypto,
            &Event::new(Some(&school_id), &user.username, "congress.checkin.qr", &member).detail(s.id.clone()),
        )
        .await?;
    }
    jiaogong_store::commit(tx).await?;
    let error = if ok { String::new() } else { ctx.tr.t(not_in) };
    render(&CheckinPage { c: Chrome::new(&ctx, "congress", title), s, token, done: ok, error })
}

#[derive(Deserialize)]
struct ConfirmForm {
    /// The checkbox "已知悉以上提示，仍确认名单".
    #[serde(default)]
    acknowledge: String,
}

async fn confirm_list_of_delegates(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    let s = repo::session(&st.store, &school.id, &id).await?;
    let delegates = repo::delegates(&st.store, &school.id, &s.term_id, &s.id).await?;
    let comp = composition_of(&st, &school, &delegates).await?;
    let warnings = match confirm_list(&comp, !f.acknowledge.is_empty()) {
        Ok(w) => w,
        Err(e) => return page_with(&st, &ctx, school, &id, ctx.tr.t(e.key())).await,
    };
    let mut tx = st.store.begin().await?;
    let members = super::delegate_list::current_members(&delegates);
    delegate_lists::confirm(&mut tx, &st.store.crypto, &school.id, &s.term_id, &members, &warnings, &ctx.actor())
        .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/congress/{id}#delegate-list", school.code)))
}
