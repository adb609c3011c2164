//! Award selections (评先评优): the committee's pages (nominations, weighted voting rounds, the
//! principal's review, publicity with objections, the final list and certificates) and the
//! members' pages (self-nomination, objections during publicity, the honour roll). Rules come from
//! `jiaogong_domain::congress::selection`; every round electorate votes in an ordinary `election`
//! poll on the existing voting pages.

mod committee;
mod public;
mod rounds;

use axum::routing::{get, post};
use chrono::NaiveDate;
use jiaogong_domain::congress::selection::{
    publicity_over, Eligibility, NomineeStatus, ObjectionStatus, RoundOutcome, SelectionError, Stage, StageFacts,
};
use jiaogong_store::congress::polls;
use jiaogong_store::congress::selections::{self as repo, Nominee, Objection, Round, RoundPoll, Selection};

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::Chrome;
use crate::{AppState, Routes};
use committee::{certificates, create, list, manage, nominate, publicity, resolve, review, stage};
use public::{object, public_list, public_page, self_nominate};
use rounds::{close_round, open_round};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/selections", get(list))
        .add("POST", "/s/{school}/selections", post(create))
        .add("GET", "/s/{school}/selections/{id}", get(manage))
        .add("POST", "/s/{school}/selections/{id}/nominees", post(nominate))
        .add("POST", "/s/{school}/selections/{id}/stage", post(stage))
        .add("POST", "/s/{school}/selections/{id}/rounds", post(open_round))
        .add("POST", "/s/{school}/selections/{id}/rounds/{round}/close", post(close_round))
        .add("POST", "/s/{school}/selections/{id}/nominees/{nominee}/review", post(review))
        .add("POST", "/s/{school}/selections/{id}/publicity", post(publicity))
        .add("POST", "/s/{school}/selections/{id}/objections/{objection}", post(resolve))
        .add("GET", "/s/{school}/selections/{id}/certificates", get(certificates))
        .add("GET", "/selections", get(public_list))
        .add("GET", "/selections/{id}", get(public_page))
        .add("POST", "/selections/{id}/nominate", post(self_nominate))
        .add("POST", "/selections/{id}/objections", post(object))
}

use crate::platform::pages::today;

fn sel_error(ctx: &Ctx, e: &SelectionError) -> String {
    ctx.tr.ta(e.key(), &e.args())
}

fn stage_of(s: &Selection) -> Stage {
    s.stage
}

/// The label of a code under a message prefix (`sel-status` + `running`).
fn label_of<T: AsRef<str> + ?Sized>(c: &Chrome, prefix: &str, code: &T) -> String {
    c.tr.t(&format!("{prefix}-{}", code.as_ref()))
}

fn stage_label_of(c: &Chrome, stage: Stage) -> String {
    c.tr.t(stage.key())
}

/// A closed round as shown: its outcome and electorates.
struct RoundView {
    r: Round,
    polls: Vec<(RoundPoll, i64, i64)>,
    outcome: Option<RoundOutcome>,
}

/// Everything about a selection the pages show.
struct Loaded {
    s: Selection,
    stage: Stage,
    nominees: Vec<Nominee>,
    rounds: Vec<RoundView>,
    objections: Vec<Objection>,
    facts: StageFacts,
}

async fn load(st: &AppState, school_id: &str, id: &str) -> AppResult<Loaded> {
    let s = repo::get(&st.store, school_id, id).await?;
    let nominees = repo::nominees(&st.store, &s.id).await?;
    let all_polls = repo::round_polls(&st.store, &s.id).await?;
    let mut rounds = Vec::new();
    for r in repo::rounds(&st.store, &s.id).await? {
        let mut ps = Vec::new();
        for p in all_polls.iter().filter(|p| p.round_id == r.id) {
            let (e, v) = polls::turnout(&st.store, &p.poll_id).await?;
            ps.push((p.clone(), e, v));
        }
        let outcome = serde_json::from_str(&r.outcome).ok();
        rounds.push(RoundView { r, polls: ps, outcome });
    }
    let objections = repo::objections(&st.store, &s.id).await?;
    let end = s.publicity_end.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let running: Vec<&Nominee> = nominees.iter().filter(|n| n.status == NomineeStatus::Running).collect();
    // The last round, once closed, may call for a runoff among nominees tied at its cut.
    let last = rounds.last().filter(|r| r.r.status.is_closed()).and_then(|r| r.outcome.as_ref());
    let facts = StageFacts {
        pending_runoff: last.and_then(RoundOutcome::runoff),
        quota: u32::try_from(s.quota).ok(),
        remaining: running.len() as u32,
        closed_rounds: rounds.iter().filter(|r| r.r.status.is_closed()).count() as u32,
        open_round: rounds.iter().any(|r| r.r.status.is_open()),
        unreviewed: running.iter().filter(|n| n.review.is_none()).count() as u32,
        publicity_over: end.is_some_and(|e| publicity_over(e, today())),
        publicity_end: end,
        open_objections: objections.iter().filter(|o| o.status == ObjectionStatus::Open).count() as u32,
    };
    Ok(Loaded { stage: stage_of(&s), s, nominees, rounds, objections, facts })
}

/// Checks eligibility and adds a nominee; the message to show when refused.
async fn add_nominee(
    st: &AppState,
    ctx: &Ctx,
    s: &Selection,
    member: &str,
    source: &str,
    reason: &str,
) -> AppResult<Result<(), String>> {
    if stage_of(s) != Stage::Nomination {
        return Ok(Err(ctx.tr.t("sel-err-not-nominating")));
    }
    let (status, joined, name, _) = repo::member_facts(&st.store, &s.school_id, member).await?;
    let joined = joined.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let rule = Eligibility { min_years: s.min_years as u32 };
    if let Err(e) = rule.check(status == "active", joined, today()) {
        return Ok(Err(format!("{name}：{}", sel_error(ctx, &e))));
    }
    let mut tx = st.store.begin().await?;
    match repo::nominate(&mut tx, &st.store.crypto, &s.school_id, &s.id, member, source, reason, &ctx.actor()).await {
        Ok(_) => {}
        Err(e) if e.is_unique_violation() => {
            return Ok(Err(format!("{name}：{}", sel_error(ctx, &SelectionError::AlreadyNominated))))
        }
        Err(e) => return Err(e.into()),
    }
    jiaogong_store::commit(tx).await?;
    Ok(Ok(()))
}

/// The final list of a finished selection (running and approved nominees).
fn final_list(l: &Loaded) -> Vec<Nominee> {
    l.nominees
        .iter()
        .filter(|n| n.status == NomineeStatus::Running && n.review.as_deref() == Some("approved"))
        .cloned()
        .collect()
}

/// The caller's school (404 for users without one).
fn own_school(ctx: &Ctx) -> AppResult<String> {
    ctx.user()?.school_id.clone().ok_or(AppError::NotFound)
}
