//! The member's side: the list (open to me, my sign-ups) and the month calendar, the activity's
//! page, and signing up, withdrawing and accepting a held seat with one tap each.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use jiaogong_domain::activities::{self as rules, Kind};
use jiaogong_store::activities::{self as repo, Activity, Entry, Line};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;

use super::{audience_label, capacity_label, member_of, my_school, refusal, span_label, take_step, Step, Stepped};
use crate::platform::ctx::Ctx;
use crate::platform::error::AppResult;
use crate::platform::pages::{money, render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/activities", get(list))
        .add("GET", "/activities/{id}", get(detail))
        .add("POST", "/activities/{id}/signup", post(signup))
        .add("POST", "/activities/{id}/withdraw", post(withdraw))
        .add("POST", "/activities/{id}/accept", post(accept))
}

/// An activity as a list shows it.
pub(crate) struct Card {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub span: String,
    pub place: String,
    pub deadline: String,
    pub seats: String,
    pub my_state: String,
    pub open: bool,
}

pub(crate) fn card(c: &Ctx, l: &Line, now: i64) -> Card {
    let a = &l.a;
    Card {
        id: a.id.clone(),
        title: a.title.clone(),
        kind: c.tr.t(a.kind.key()),
        span: span_label(&c.tr, a),
        place: a.place.clone(),
        deadline: c.tr.when(a.signup_deadline),
        seats: seats_label(c, a),
        my_state: l.my_state.clone().unwrap_or_default(),
        open: rules::signup_open(now, a.signup_deadline),
    }
}

fn seats_label(c: &Ctx, a: &Activity) -> String {
    match a.capacity {
        Some(cap) => c.tr.ta(
            "act-seats",
            &[
                ("taken", (a.confirmed + a.offered).to_string()),
                ("cap", cap.to_string()),
                ("wait", a.waitlist.to_string()),
            ],
        ),
        None => c.tr.t1("act-seats-unlimited", "taken", &a.confirmed.to_string()),
    }
}

/// One day of the month grid.
struct Day {
    day: u32,
    today: bool,
    items: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "activities/list.html")]
struct ListPage {
    c: Chrome,
    school: School,
    month_view: bool,
    open: Vec<Card>,
    mine: Vec<Card>,
    month_label: String,
    prev: String,
    next: String,
    weeks: Vec<Vec<Option<Day>>>,
    month_cards: Vec<Card>,
    organiser: bool,
    committee: bool,
    /// Votes open to the member that they have not cast yet (活动 gathers what is open to me).
    polls_waiting: usize,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    view: String,
    #[serde(default)]
    month: String,
}

fn month_bounds(first: NaiveDate) -> Option<(i64, i64, NaiveDate)> {
    let next = first.checked_add_months(chrono::Months::new(1))?;
    let start = rules::parse_local(&format!("{}T00:00", first.format("%Y-%m-%d")))?;
    let end = rules::parse_local(&format!("{}T00:00", next.format("%Y-%m-%d")))?;
    Some((start, end, next))
}

async fn list(State(st): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let now = jiaogong_store::now_ms();
    let me = member_of(&ctx);
    let today = crate::platform::pages::today();
    let first = NaiveDate::parse_from_str(&format!("{}-01", q.month), "%Y-%m-%d")
        .ok()
        .or_else(|| today.with_day(1))
        .unwrap_or(today);
    let polls_waiting = match &me {
        Some(m) => jiaogong_store::congress::polls::open_for_member(&st.store, &school.id, m)
            .await?
            .iter()
            .filter(|(_, voted)| !voted)
            .count(),
        None => 0,
    };
    let (open, mine) = match &me {
        Some(m) => {
            let open: Vec<Card> = repo::open_for(&st.store, &school.id, m, now)
                .await?
                .iter()
                .filter(|l| l.my_state.is_none())
                .map(|l| card(&ctx, l, now))
                .collect();
            let mine: Vec<Card> = repo::list(&st.store, &school.id, now - 86_400_000, i64::MAX, Some(m))
                .await?
                .iter()
                .filter(|l| l.my_state.is_some())
                .map(|l| card(&ctx, l, now))
                .collect();
            (open, mine)
        }
        None => (Vec::new(), Vec::new()),
    };
    let month_view = q.view == "month";
    let (mut weeks, mut month_cards) = (Vec::new(), Vec::new());
    let (mut prev, mut next) = (String::new(), String::new());
    if let Some((from, to, next_first)) = month_bounds(first) {
        let lines = repo::list(&st.store, &school.id, from, to, me.as_deref()).await?;
        let days = (next_first - first).num_days() as u32;
        let lead = first.weekday().num_days_from_monday() as usize;
        let mut cells: Vec<Option<Day>> = (0..lead).map(|_| None).collect();
        for d in 1..=days {
            let items = lines
                .iter()
                .filter(|l| rules::local(l.a.starts_at).map(|t| t.date().day()) == Some(d))
                .map(|l| (l.a.id.clone(), l.a.title.clone()))
                .collect();
            cells.push(Some(Day { day: d, today: first.with_day(d) == Some(today), items }));
        }
        while !cells.len().is_multiple_of(7) {
            cells.push(None);
        }
        let mut it = cells.into_iter().peekable();
        while it.peek().is_some() {
            weeks.push(it.by_ref().take(7).collect());
        }
        month_cards = lines.iter().map(|l| card(&ctx, l, now)).collect();
        prev =
            first.checked_sub_months(chrono::Months::new(1)).map(|d| d.format("%Y-%m").to_string()).unwrap_or_default();
        next = next_first.format("%Y-%m").to_string();
    }
    let month_label =
        ctx.tr.ta("act-month", &[("year", first.year().to_string()), ("month", first.month().to_string())]);
    let organiser = ctx.user.as_ref().is_some_and(|u| super::ORGANISERS.contains(&u.role()));
    render(&ListPage {
        c: Chrome::new(&ctx, "activities", ctx.tr.t("act-title")),
        school,
        month_view,
        open,
        mine,
        month_label,
        prev,
        next,
        weeks,
        month_cards,
        organiser,
        committee: super::is_committee(&ctx),
        polls_waiting,
    })
}

#[derive(Template)]
#[template(path = "activities/detail.html")]
struct DetailPage {
    c: Chrome,
    school: School,
    a: Activity,
    photos: Vec<jiaogong_store::activities::Photo>,
    kind: String,
    span: String,
    audience: String,
    capacity: String,
    seats: String,
    deadline: String,
    cost: String,
    my_state: String,
    my_position: i64,
    offer_until: String,
    open: bool,
    admitted: bool,
    manage: bool,
    competition: bool,
    entries: Vec<Entry>,
    notice: String,
    error: String,
}

#[derive(Deserialize, Default)]
struct DetailQuery {
    #[serde(default)]
    done: String,
}

async fn detail_page(st: &AppState, ctx: &Ctx, id: &str, notice: String, error: String) -> AppResult<Response> {
    let school = my_school(st, ctx).await?;
    let a = repo::get(&st.store, &school.id, id).await?;
    let now = jiaogong_store::now_ms();
    let me = member_of(ctx);
    let (mut my_state, mut my_position, mut offer_until) = (String::new(), 0, String::new());
    let mut admitted = false;
    if let Some(m) = &me {
        let lines = repo::signups(&st.store, &school.id, &a.id).await?;
        let mut waiting = 0;
        for l in &lines {
            if l.state == "waitlisted" {
                waiting += 1;
            }
            if &l.member_id == m {
                my_state = l.state.clone();
                my_position = if l.state == "waitlisted" { waiting } else { 0 };
                offer_until = l.offer_until.map(|t| ctx.tr.when(t)).unwrap_or_default();
            }
        }
        let mut conn = st.store.reader().acquire().await.map_err(jiaogong_store::StoreError::from)?;
        admitted = repo::member_facts(&mut conn, &school.id, m).await?.is_some_and(|f| a.audience.admits(&f));
    }
    let manage = super::may_manage(st, ctx, &school, &a).await?;
    let competition = a.kind == Kind::Competition;
    let entries = if competition { repo::entries(&st.store, &school.id, &a.id).await? } else { Vec::new() };
    let photos = repo::photos(&st.store, &school.id, &a.id).await?;
    let mut r = render(&DetailPage {
        photos,
        c: Chrome::new(ctx, "activities", a.title.clone()),
        kind: ctx.tr.t(a.kind.key()),
        span: span_label(&ctx.tr, &a),
        audience: audience_label(&ctx.tr, &a),
        capacity: capacity_label(&ctx.tr, &a),
        seats: seats_label(ctx, &a),
        deadline: ctx.tr.when(a.signup_deadline),
        cost: if a.cost_fen > 0 { money(&a.cost_fen) } else { String::new() },
        open: rules::signup_open(now, a.signup_deadline),
        school,
        my_state,
        my_position,
        offer_until,
        admitted,
        manage,
        competition,
        entries,
        a,
        notice,
        error: error.clone(),
    })?;
    if !error.is_empty() {
        *r.status_mut() = StatusCode::CONFLICT;
    }
    Ok(r)
}

async fn detail(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> AppResult<Response> {
    let notice = match q.done.as_str() {
        "confirmed" => ctx.tr.t("act-done-confirmed"),
        "waitlisted" => ctx.tr.t("act-done-waitlisted"),
        "withdrawn" => ctx.tr.t("act-done-withdrawn"),
        "accepted" => ctx.tr.t("act-done-accepted"),
        _ => String::new(),
    };
    detail_page(&st, &ctx, &id, notice, String::new()).await
}

async fn signup(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    step_page(&st, &ctx, &id, Step::SignUp).await
}

async fn withdraw(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    step_page(&st, &ctx, &id, Step::Withdraw).await
}

async fn accept(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    step_page(&st, &ctx, &id, Step::Accept).await
}

/// A member's step from the activity's page: back to the page with what happened, or the page
/// with the refusal in words.
async fn step_page(st: &AppState, ctx: &Ctx, id: &str, step: Step) -> AppResult<Response> {
    match take_step(st, ctx, id, step).await? {
        Ok(done) => {
            let code = match done {
                Stepped::Placed(p) => p.placement.code(),
                Stepped::Withdrawn { .. } => "withdrawn",
                Stepped::Accepted => "accepted",
            };
            Ok(see_other(&format!("/activities/{id}?done={code}")))
        }
        Err(e) => {
            let (_, msg) = refusal(&ctx.tr, e)?;
            detail_page(st, ctx, id, String::new(), msg).await
        }
    }
}
