//! Weighted voting rounds: opening a round (one `election` poll per electorate) and closing it.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Extension, Form};
use jiaogong_domain::congress::ballots::PollStatus;
use jiaogong_domain::congress::ballots::{self, TallyResult};
use jiaogong_domain::congress::selection::{
    combine, next_round, ElectorateCount, NomineeStatus, SelectionError, Stage,
};
use jiaogong_store::congress::polls;
use jiaogong_store::congress::selections as repo;
use jiaogong_store::platform::tenancy::School;

use super::committee::manage_with;
use super::{load, sel_error};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::see_other;
use crate::AppState;

/// Opens a voting round: one `election` poll per electorate over the remaining nominees, with
/// `top_n` approvals per ballot, all created and opened in one transaction.
pub(super) async fn open_round(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let l = load(&st, &school.id, &id).await?;
    let bad = |key: &str| ctx.tr.t(key);
    if l.stage != Stage::Voting || l.facts.open_round {
        return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &SelectionError::WrongStage)).await;
    }
    let get_all = |k: &str| form.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let top_n = form.iter().find(|(n, _)| n == "top_n").and_then(|(_, v)| v.trim().parse::<u64>().ok()).unwrap_or(0);
    let running: Vec<String> =
        l.nominees.iter().filter(|n| n.status == NomineeStatus::Running).map(|n| n.label.clone()).collect();
    let last = l.rounds.last().and_then(|r| r.outcome.as_ref());
    let next = match next_round(last, &running, top_n) {
        Ok(n) => n,
        Err(e) => return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &e)).await,
    };
    let number = l.rounds.len() as i64 + 1;
    // A runoff is voted by the same electorates, with the same weights, as the tied round
    // (ballots.md: a runoff keeps the electorate); otherwise the electorates come from the form.
    let mut electorates = Vec::new();
    if next.runoff {
        for (p, _, _) in l.rounds.last().map(|r| r.polls.as_slice()).unwrap_or_default() {
            let voters = jiaogong_store::congress::paper::electorate_ids(&st.store, &p.poll_id).await?;
            electorates.push((p.label.clone(), p.weight as u64, voters));
        }
    } else {
        let mut rows = Vec::new();
        for ((kind, label), weight) in get_all("kind").into_iter().zip(get_all("label")).zip(get_all("weight")) {
            let label = match jiaogong_domain::platform::text::optional_line(&label, 60) {
                Ok(Some(l)) => l,
                Ok(None) => continue,
                Err(e) => return manage_with(&st, &ctx, school, &id, ctx.tr.validation(&e)).await,
            };
            let Some(weight) = weight.trim().parse::<u64>().ok().filter(|w| (1..=100).contains(w)) else {
                return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &SelectionError::BadRound)).await;
            };
            rows.push((kind, label, weight));
        }
        if rows.is_empty() {
            return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &SelectionError::BadRound)).await;
        }
        for (kind, label, weight) in &rows {
            let voters = match repo::electorate_ids(&st.store, &school.id, kind).await {
                Ok(v) => v,
                Err(jiaogong_store::StoreError::Invalid(_)) => {
                    return manage_with(&st, &ctx, school, &id, bad("err-bad-value")).await
                }
                Err(e) => return Err(e.into()),
            };
            if voters.is_empty() {
                let msg = ctx.tr.t1("sel-err-empty-electorate", "label", label);
                return manage_with(&st, &ctx, school, &id, msg).await;
            }
            electorates.push((label.clone(), *weight, voters));
        }
    }
    let (candidates, top_n) = (next.candidates, next.top_n);
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    let mut round_polls = Vec::new();
    for (label, weight, voters) in &electorates {
        let title = ctx.tr.ta(
            "sel-round-poll-title",
            &[("title", l.s.title.clone()), ("number", number.to_string()), ("label", label.clone())],
        );
        let poll = ballots::Poll::election(&title, voters.len() as u64, 0, 0, top_n, candidates.clone(), false);
        let def = serde_json::to_string(&poll).map_err(|e| AppError::Internal(e.to_string()))?;
        let poll_id = polls::create(&mut tx, &school.id, "election", &title, &def, voters, &actor).await?;
        polls::set_status(&mut tx, &school.id, &poll_id, PollStatus::Draft, PollStatus::Open).await?;
        jiaogong_store::platform::audit::append(
            &mut tx,
            &st.store.crypto,
            &jiaogong_store::platform::audit::Event::new(Some(&school.id), &actor, "poll.open", &poll_id).detail(title),
        )
        .await?;
        round_polls.push((poll_id, label.clone(), *weight as i64));
    }
    repo::create_round(&mut tx, &st.store.crypto, &school.id, &id, number, top_n as i64, &round_polls, &actor).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/selections/{id}", school.code)))
}

/// Closes every poll of the round, combines the electorates by weight and records who moves on.
pub(super) async fn close_round(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, round)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let l = load(&st, &school.id, &id).await?;
    let Some(rv) = l.rounds.iter().find(|r| r.r.id == round) else { return Err(AppError::NotFound) };
    if !rv.r.status.is_open() {
        return manage_with(&st, &ctx, school, &id, ctx.tr.t("poll-wrong-state")).await;
    }
    // The round's candidates are those on its ballots: every running nominee, or in a runoff the
    // tied ones only.
    let first_poll = rv.polls.first().ok_or_else(|| AppError::Internal("round without polls".into()))?;
    let def: ballots::Poll =
        serde_json::from_str(&polls::get(&st.store, &school.id, &first_poll.0.poll_id).await?.definition)
            .map_err(|e| AppError::Internal(e.to_string()))?;
    let candidates = def.candidates;
    let mut counts = Vec::new();
    for (p, _, _) in &rv.polls {
        let mut poll = polls::get(&st.store, &school.id, &p.poll_id).await?;
        if poll.status.is_open() {
            crate::congress::polls::transition(&st, &ctx, &school, &poll, PollStatus::Open, PollStatus::Closed).await?;
            poll = polls::get(&st.store, &school.id, &p.poll_id).await?;
        }
        let TallyResult::Election(r) = crate::congress::polls::tally_of(&st, &poll).await? else {
            return Err(AppError::Internal("round poll is not an election".into()));
        };
        counts.push(ElectorateCount::from_election(&p.label, p.weight as u64, &r));
    }
    let outcome = match combine(&candidates, &counts, rv.r.top_n as u64) {
        Ok(o) => o,
        Err(e) => return manage_with(&st, &ctx, school, &id, sel_error(&ctx, &e)).await,
    };
    let json = serde_json::to_string(&outcome).map_err(|e| AppError::Internal(e.to_string()))?;
    let detail = match outcome.runoff() {
        Some(r) => format!("advancing {}; tied {} for {}", outcome.advancing.join("、"), r.among.join("、"), r.places),
        None => format!("advancing {}", outcome.advancing.join("、")),
    };
    let mut tx = st.store.begin().await?;
    repo::close_round(
        &mut tx,
        &st.store.crypto,
        &school.id,
        &id,
        &round,
        &json,
        &outcome.eliminated(),
        &detail,
        &ctx.actor(),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/selections/{id}#round-{}", school.code, rv.r.number)))
}
