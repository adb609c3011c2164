//! Signing up, withdrawing, and the waiting list. Every step begins by updating the activity's
//! row, which on PostgreSQL takes the row lock until the transaction ends (READ COMMITTED
//! re-reads the row after waiting, so the counter each transaction sees is the latest), and on
//! SQLite runs on the one writer connection: sign-ups from any number of servers are placed one
//! after the other, and the seat counter is also guarded by a conditional update and a CHECK.

use jiaogong_domain::activities::{self as rules, Placement, Promotion, Waiting};

use super::{audience_of, member_facts, ActError};
use crate::platform::audit::{self, Event};
use crate::platform::notify::{self, NewNotification};
use crate::{now_ms, Crypto, Tx};

/// Where a sign-up landed: `position` is the seat number when confirmed, the place in the
/// queue when waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub placement: Placement,
    pub position: i64,
}

/// The locked activity row: what the rules need.
struct Locked {
    position: i64,
    seats_taken: i64,
    capacity: Option<i64>,
    deadline: i64,
    audience: String,
    hold_hours: i64,
    title: String,
}

/// (position, seats taken, capacity, deadline, audience, hold hours, title) as the lock returns them.
type LockedRow = (i64, i64, Option<i64>, i64, String, i64, String);

/// Takes the activity's lock, handing out the next arrival position (`bump`) or not.
async fn lock(tx: &mut Tx, school_id: &str, activity_id: &str, bump: bool) -> Result<Locked, ActError> {
    let sql = if bump {
        "UPDATE activities SET next_position = next_position + 1 WHERE id = $1 AND school_id = $2 AND cancelled = 0 \
         RETURNING next_position, seats_taken, capacity, signup_deadline, audience, hold_hours, title"
    } else {
        "UPDATE activities SET next_position = next_position WHERE id = $1 AND school_id = $2 AND cancelled = 0 \
         RETURNING next_position, seats_taken, capacity, signup_deadline, audience, hold_hours, title"
    };
    let row: Option<LockedRow> =
        sqlx::query_as(sql).bind(activity_id).bind(school_id).fetch_optional(&mut **tx).await?;
    let (position, seats_taken, capacity, deadline, audience, hold_hours, title) =
        row.ok_or(ActError::Store(crate::StoreError::NotFound))?;
    Ok(Locked { position, seats_taken, capacity, deadline, audience, hold_hours, title })
}

fn link(activity_id: &str) -> String {
    format!("/activities/{activity_id}")
}

/// Signs `member_id` up for the activity at `now`.
#[allow(clippy::too_many_arguments)]
pub async fn signup(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    activity_id: &str,
    member_id: Option<&str>,
    now: i64,
) -> Result<Placed, ActError> {
    let member_id = member_id.ok_or(ActError::NotAMember)?;
    let a = lock(tx, school_id, activity_id, true).await?;
    if !rules::signup_open(now, a.deadline) {
        return Err(ActError::SignupClosed);
    }
    let facts = member_facts(tx, school_id, member_id).await?.ok_or(ActError::NotAMember)?;
    if !audience_of(&a.audience).admits(&facts) {
        return Err(ActError::NotInAudience);
    }
    let existing: Option<(String,)> =
        sqlx::query_as("SELECT state FROM activity_signups WHERE activity_id = $1 AND member_id = $2")
            .bind(activity_id)
            .bind(member_id)
            .fetch_optional(&mut **tx)
            .await?;
    if existing.is_some() {
        return Err(ActError::AlreadySignedUp);
    }
    let mut placement = rules::place(a.capacity, a.seats_taken);
    if placement == Placement::Confirmed {
        let taken = sqlx::query(
            "UPDATE activities SET seats_taken = seats_taken + 1 WHERE id = $1 AND (capacity IS NULL OR seats_taken < capacity)",
        )
        .bind(activity_id)
        .execute(&mut **tx)
        .await?;
        if taken.rows_affected() != 1 {
            placement = Placement::Waitlisted;
        }
    }
    sqlx::query(
        "INSERT INTO activity_signups (activity_id, member_id, school_id, position, state, signed_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(activity_id)
    .bind(member_id)
    .bind(school_id)
    .bind(a.position)
    .bind(placement.code())
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    let position = match placement {
        Placement::Confirmed => a.seats_taken + 1,
        Placement::Waitlisted => {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM activity_signups WHERE activity_id = $1 AND state = 'waitlisted' AND position <= $2",
            )
            .bind(activity_id)
            .bind(a.position)
            .fetch_one(&mut **tx)
            .await?;
            n
        }
    };
    if placement == Placement::Confirmed {
        let link = link(activity_id);
        notify::send(
            tx,
            &NewNotification {
                school_id,
                member_id,
                kind: "activity.confirmed",
                link: &link,
                title: &a.title,
                body: "",
                urgent: false,
            },
        )
        .await?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "activity.signup", activity_id)
            .detail(format!("{member_id} {}", placement.code())),
    )
    .await?;
    Ok(Placed { placement, position })
}

/// Withdraws the member's sign-up before the deadline; a freed seat goes to the longest-waiting
/// member (confirmed at once, or held for them). Returns the promoted member, if any.
pub async fn withdraw(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    activity_id: &str,
    member_id: Option<&str>,
    now: i64,
) -> Result<Option<String>, ActError> {
    let member_id = member_id.ok_or(ActError::NotAMember)?;
    let a = lock(tx, school_id, activity_id, false).await?;
    if !rules::withdraw_open(now, a.deadline) {
        return Err(ActError::SignupClosed);
    }
    let state: Option<(String,)> =
        sqlx::query_as("SELECT state FROM activity_signups WHERE activity_id = $1 AND member_id = $2")
            .bind(activity_id)
            .bind(member_id)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((state,)) = state else { return Err(ActError::NotSignedUp) };
    sqlx::query("DELETE FROM activity_signups WHERE activity_id = $1 AND member_id = $2")
        .bind(activity_id)
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "activity.withdraw", activity_id).detail(member_id.to_string()),
    )
    .await?;
    if state == "waitlisted" {
        return Ok(None);
    }
    fill_seat(tx, crypto, school_id, activity_id, &a, now).await
}

/// A seat has freed: promote the longest-waiting member, or give the seat back.
async fn fill_seat(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    activity_id: &str,
    a: &Locked,
    now: i64,
) -> Result<Option<String>, ActError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT member_id, position FROM activity_signups WHERE activity_id = $1 AND state = 'waitlisted' ORDER BY position",
    )
    .bind(activity_id)
    .fetch_all(&mut **tx)
    .await?;
    let waiting: Vec<Waiting> = rows.into_iter().map(|(member_id, position)| Waiting { member_id, position }).collect();
    let Some(next) = rules::promote_first(&waiting) else {
        sqlx::query("UPDATE activities SET seats_taken = seats_taken - 1 WHERE id = $1 AND seats_taken > 0")
            .bind(activity_id)
            .execute(&mut **tx)
            .await?;
        return Ok(None);
    };
    let promotion = Promotion::from_hours(a.hold_hours);
    let until = promotion.offer_until(now);
    let state = if until.is_some() { "offered" } else { "confirmed" };
    sqlx::query("UPDATE activity_signups SET state = $1, offer_until = $2 WHERE activity_id = $3 AND member_id = $4")
        .bind(state)
        .bind(until)
        .bind(activity_id)
        .bind(&next.member_id)
        .execute(&mut **tx)
        .await?;
    let link = link(activity_id);
    let kind = if until.is_some() { "activity.offered" } else { "activity.promoted" };
    notify::send(
        tx,
        &NewNotification {
            school_id,
            member_id: &next.member_id,
            kind,
            link: &link,
            title: &a.title,
            body: "",
            urgent: until.is_some(),
        },
    )
    .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), "system", "activity.promote", activity_id)
            .detail(format!("{} {state}", next.member_id)),
    )
    .await?;
    Ok(Some(next.member_id.clone()))
}

/// The promoted member takes the seat held for them.
pub async fn accept_offer(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    activity_id: &str,
    member_id: Option<&str>,
    now: i64,
) -> Result<(), ActError> {
    let member_id = member_id.ok_or(ActError::NotAMember)?;
    lock(tx, school_id, activity_id, false).await?;
    let done = sqlx::query(
        "UPDATE activity_signups SET state = 'confirmed', offer_until = NULL \
         WHERE activity_id = $1 AND member_id = $2 AND state = 'offered' AND offer_until >= $3",
    )
    .bind(activity_id)
    .bind(member_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(ActError::NoOffer);
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "activity.accept", activity_id).detail(member_id.to_string()),
    )
    .await?;
    Ok(())
}

/// Offers whose hold has passed lapse, and their seats go to the next in line. Each lapse is its
/// own transaction that re-checks the offer under the activity's lock, so two servers running
/// this at once lapse each offer once. Returns how many lapsed.
pub async fn expire_offers(store: &crate::Store, now: i64) -> Result<usize, ActError> {
    let due: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT school_id, activity_id, member_id FROM activity_signups WHERE state = 'offered' AND offer_until < $1",
    )
    .bind(now)
    .fetch_all(store.reader())
    .await?;
    let mut lapsed = 0;
    for (school_id, activity_id, member_id) in due {
        let mut tx = store.begin().await?;
        let a = lock(&mut tx, &school_id, &activity_id, false).await?;
        let gone = sqlx::query(
            "DELETE FROM activity_signups WHERE activity_id = $1 AND member_id = $2 AND state = 'offered' AND offer_until < $3",
        )
        .bind(&activity_id)
        .bind(&member_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if gone.rows_affected() == 1 {
            audit::append(
                &mut tx,
                &store.crypto,
                &Event::new(Some(&school_id), "system", "activity.offer_lapsed", &activity_id)
                    .detail(member_id.clone()),
            )
            .await?;
            fill_seat(&mut tx, &store.crypto, &school_id, &activity_id, &a, now).await?;
            lapsed += 1;
        }
        crate::commit(tx).await?;
    }
    Ok(lapsed)
}
