//! Signing up, withdrawing, and the waiting list. Every step begins by updating the activity's
//! row, which on PostgreSQL takes the row lock until the transaction ends (READ COMMITTED
//! re-reads the row after waiting, so the counter each transaction sees is the latest), and on
//! SQLite runs on the one writer connection: sign-ups from any number of servers are placed one
//! after the other, and the seat counter is also guarded by a conditional update and a CHECK.

use jiaogong_domain::activities::{self as rules, NewActivity, Placement, Promotion, Waiting};

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

/// Cancels the activity: sign-ups close, and every signed-up or waiting member is told at once
/// (urgent) with the reason. Returns how many were told; `NotFound` if it was already cancelled.
pub async fn cancel(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    activity_id: &str,
    reason: &str,
) -> Result<usize, ActError> {
    let a = lock(tx, school_id, activity_id, false).await?;
    sqlx::query("UPDATE activities SET cancelled = 1 WHERE id = $1 AND school_id = $2")
        .bind(activity_id)
        .bind(school_id)
        .execute(&mut **tx)
        .await?;
    let people: Vec<(String,)> =
        sqlx::query_as("SELECT member_id FROM activity_signups WHERE activity_id = $1 ORDER BY position")
            .bind(activity_id)
            .fetch_all(&mut **tx)
            .await?;
    // The activity's own page is gone with it: the message leads to the list.
    for (member_id,) in &people {
        notify::send(
            tx,
            &NewNotification {
                school_id,
                member_id,
                kind: "activity.cancelled",
                link: "/activities",
                title: &a.title,
                body: reason,
                urgent: true,
            },
        )
        .await?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "activity.cancel", activity_id).detail(reason.to_string()),
    )
    .await?;
    Ok(people.len())
}

/// Why a change of an activity is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeRefused {
    /// The new capacity is below the seats already taken (given).
    CapacityBelowTaken(i64),
}

/// Changes an activity's details under its lock. A larger capacity promotes the longest-waiting
/// members into the new seats (each told, as on a withdrawal); a capacity below the seats already
/// taken is refused. Signed-up members are told when the time or the place changed. Returns the
/// promoted members.
pub async fn update(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    activity_id: &str,
    n: &NewActivity,
    now: i64,
) -> Result<Result<Vec<String>, ChangeRefused>, ActError> {
    let a = lock(tx, school_id, activity_id, false).await?;
    if let Some(cap) = n.capacity {
        if cap < a.seats_taken {
            return Ok(Err(ChangeRefused::CapacityBelowTaken(a.seats_taken)));
        }
    }
    let before: (i64, i64, String) = sqlx::query_as("SELECT starts_at, ends_at, place FROM activities WHERE id = $1")
        .bind(activity_id)
        .fetch_one(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE activities SET title = $1, kind = $2, place = $3, description = $4, starts_at = $5, ends_at = $6, \
         signup_deadline = $7, capacity = $8, audience = $9, cost_fen = $10, hold_hours = $11 WHERE id = $12 AND school_id = $13",
    )
    .bind(&n.title)
    .bind(n.kind.code())
    .bind(&n.place)
    .bind(&n.description)
    .bind(n.starts_at)
    .bind(n.ends_at)
    .bind(n.signup_deadline)
    .bind(n.capacity)
    .bind(n.audience.code())
    .bind(n.cost_fen)
    .bind(n.promotion.hold_hours())
    .bind(activity_id)
    .bind(school_id)
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "activity.update", activity_id).detail(n.title.clone()),
    )
    .await?;
    // New seats go to the waiting members, longest-waiting first.
    let mut promoted = Vec::new();
    let locked = Locked { title: n.title.clone(), hold_hours: n.promotion.hold_hours(), ..a };
    let free = n.capacity.map_or(i64::MAX, |c| c - locked.seats_taken);
    let mut given = 0;
    while given < free {
        sqlx::query("UPDATE activities SET seats_taken = seats_taken + 1 WHERE id = $1")
            .bind(activity_id)
            .execute(&mut **tx)
            .await?;
        match fill_seat(tx, crypto, school_id, activity_id, &locked, now).await? {
            Some(m) => promoted.push(m),
            None => break,
        }
        given += 1;
    }
    if (before.0, before.1, before.2.as_str()) != (n.starts_at, n.ends_at, n.place.as_str()) {
        let people: Vec<(String,)> = sqlx::query_as(
            "SELECT member_id FROM activity_signups WHERE activity_id = $1 AND state IN ('confirmed', 'offered') ORDER BY position",
        )
        .bind(activity_id)
        .fetch_all(&mut **tx)
        .await?;
        let link = link(activity_id);
        for (member_id,) in &people {
            notify::send(
                tx,
                &NewNotification {
                    school_id,
                    member_id,
                    kind: "activity.changed",
                    link: &link,
                    title: &n.title,
                    body: &n.place,
                    urgent: false,
                },
            )
            .await?;
        }
    }
    Ok(Ok(promoted))
}
