//! Activities (活动): the member's list and calendar, the activity page with one-tap sign-up and
//! withdrawal, the organiser's pages (create, sign-ups, ticking names, the rotating QR code,
//! attendance exports, competition results), QR check-in, participation per group, the
//! member's iCalendar feed, and the JSON API. The rules are the domain's; the store places
//! sign-ups under the activity's lock.

pub mod library;
pub(crate) mod notice_html;
pub(crate) mod notice_photos;
pub mod notices;
pub(crate) mod notices_admin;
pub(crate) mod notices_api;

mod api;
mod calendar;
mod changes;
mod checkin;
mod manage;
mod pages;
mod participation;

pub use calendar::write_ics;

use jiaogong_domain::activities::Audience;
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::activities::{self as repo, ActError, Activity};
use jiaogong_store::platform::tenancy::{self, School};

use crate::platform::ctx::Ctx;
use crate::platform::error::AppError;
use crate::platform::i18n::Tr;
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    let r = pages::routes(r);
    let r = participation::routes(r);
    let r = manage::routes(r);
    let r = changes::routes(r);
    let r = checkin::routes(r);
    let r = calendar::routes(r);
    api::routes(r)
}

/// Committee members who organise any activity of the school.
pub const COMMITTEE: &[Role] = &[Role::Admin, Role::Chair, Role::OrgCommittee];
/// Who may create activities: the committee, and group leaders for their own group.
pub const ORGANISERS: &[Role] = &[Role::Admin, Role::Chair, Role::OrgCommittee, Role::GroupLeader];

/// The caller's own school (member pages have no school in the path).
pub(crate) async fn my_school(st: &AppState, ctx: &Ctx) -> Result<School, AppError> {
    let user = ctx.user()?;
    let Some(id) = &user.school_id else { return Err(AppError::NotFound) };
    Ok(tenancy::school(&st.store, id).await?)
}

pub(crate) fn member_of(ctx: &Ctx) -> Option<String> {
    ctx.user.as_ref().and_then(|u| u.member_id.clone())
}

pub(crate) fn is_committee(ctx: &Ctx) -> bool {
    ctx.user.as_ref().is_some_and(|u| COMMITTEE.contains(&u.role()))
}

/// The group a group leader leads (`None` for anyone else).
pub(crate) async fn led_group(st: &AppState, ctx: &Ctx, school: &School) -> Result<Option<String>, AppError> {
    let Some(user) = &ctx.user else { return Ok(None) };
    if user.role() != Role::GroupLeader {
        return Ok(None);
    }
    let Some(me) = &user.member_id else { return Ok(None) };
    // The group that names them its leader, else the group their own member record is in.
    let groups = repo::organiser_choices(&st.store, &school.id).await?;
    if let Some((id, _, _)) = groups.into_iter().find(|(_, _, leader)| leader.as_deref() == Some(me.as_str())) {
        return Ok(Some(id));
    }
    Ok(jiaogong_store::members::group_of(&st.store, &school.id, me).await?)
}

/// Whether the caller organises this activity: the committee any, a group leader their group's.
pub(crate) async fn may_manage(st: &AppState, ctx: &Ctx, school: &School, a: &Activity) -> Result<bool, AppError> {
    if is_committee(ctx) {
        return Ok(true);
    }
    let led = led_group(st, ctx, school).await?;
    Ok(led.is_some() && led == a.organiser_group_id)
}

/// An activity the caller may manage, or 404/403.
pub(crate) async fn managed(st: &AppState, ctx: &Ctx, school: &School, id: &str) -> Result<Activity, AppError> {
    let a = repo::get(&st.store, &school.id, id).await?;
    if !may_manage(st, ctx, school, &a).await? {
        return Err(AppError::Forbidden);
    }
    Ok(a)
}

/// The audience in words ("全体会员", "语文组").
pub(crate) fn audience_label(tr: &Tr, a: &Activity) -> String {
    match (&a.audience, &a.audience_group) {
        (Audience::Group(_), Some(name)) => name.clone(),
        (aud, _) => tr.t(aud.key()),
    }
}

/// The capacity in words ("20 人" or "不限").
pub(crate) fn capacity_label(tr: &Tr, a: &Activity) -> String {
    match a.capacity {
        Some(n) => tr.t1("act-capacity-n", "n", &n.to_string()),
        None => tr.t("act-capacity-unlimited"),
    }
}

/// The start and end in the one date style ("2026年12月20日（周日）15:30–17:30").
pub(crate) fn span_label(tr: &Tr, a: &Activity) -> String {
    let start = tr.when(a.starts_at);
    let same_day = jiaogong_domain::activities::local(a.starts_at).map(|d| d.date())
        == jiaogong_domain::activities::local(a.ends_at).map(|d| d.date());
    if same_day {
        let end =
            jiaogong_domain::activities::local(a.ends_at).map(|d| d.format("%H:%M").to_string()).unwrap_or_default();
        format!("{start}–{end}")
    } else {
        format!("{start} – {}", tr.when(a.ends_at))
    }
}

/// The message for a refused sign-up step.
pub(crate) fn refusal(tr: &Tr, e: ActError) -> Result<(&'static str, String), AppError> {
    Ok(match e {
        ActError::SignupClosed => ("signup_closed", tr.t("act-err-closed")),
        ActError::AlreadySignedUp => ("already_signed_up", tr.t("act-err-already")),
        ActError::NotSignedUp => ("not_signed_up", tr.t("act-err-not-signed")),
        ActError::NotInAudience => ("not_in_audience", tr.t("act-err-audience-refused")),
        ActError::NotAMember => ("not_a_member", tr.t("act-err-not-member")),
        ActError::NoOffer => ("no_offer", tr.t("act-err-no-offer")),
        ActError::Store(e) => return Err(e.into()),
    })
}

/// A member's own step on an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    SignUp,
    Withdraw,
    Accept,
}

/// What a step that the rules allowed did.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stepped {
    Placed(repo::Placed),
    /// Withdrawn; whether a waiting member took the seat.
    Withdrawn {
        promoted: bool,
    },
    Accepted,
}

/// Takes the caller's step in its own transaction (their school, their member record, now),
/// committed when the rules allow it; a refusal writes nothing.
pub(crate) async fn take_step(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    step: Step,
) -> Result<Result<Stepped, ActError>, AppError> {
    let school = my_school(st, ctx).await?;
    let me = member_of(ctx);
    let (crypto, actor, now) = (&st.store.crypto, ctx.actor(), jiaogong_store::now_ms());
    let mut tx = st.store.begin().await?;
    let done = match step {
        Step::SignUp => {
            repo::signup(&mut tx, crypto, &school.id, &actor, id, me.as_deref(), now).await.map(Stepped::Placed)
        }
        Step::Withdraw => repo::withdraw(&mut tx, crypto, &school.id, &actor, id, me.as_deref(), now)
            .await
            .map(|p| Stepped::Withdrawn { promoted: p.is_some() }),
        Step::Accept => repo::accept_offer(&mut tx, crypto, &school.id, &actor, id, me.as_deref(), now)
            .await
            .map(|()| Stepped::Accepted),
    };
    if done.is_ok() {
        jiaogong_store::commit(tx).await?;
        if matches!(done, Ok(Stepped::Placed(_))) {
            crate::platform::metrics::signup();
        }
    }
    Ok(done)
}

/// Lapses held places whose time has passed, every `every`, until the process ends (started by
/// `jiaogong serve`). Each lapse is re-checked under the activity's lock in its own transaction,
/// so when several servers tick at once each offer still lapses exactly once.
pub fn spawn_offer_expiry(st: AppState, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let r = repo::expire_offers(&st.store, jiaogong_store::now_ms()).await;
            crate::platform::metrics::scheduler_run("offer_expiry", r.is_ok());
            if let Err(e) = r {
                tracing::warn!("lapsing held activity places: {e:?}");
            }
        }
    })
}
