//! Placing a sign-up and promoting from the waiting list. The store takes the activity's row
//! lock, reads how many seats are taken, and asks these rules; so the rules decide and the lock
//! makes them hold under simultaneous sign-ups.

/// Where a new sign-up lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Confirmed,
    Waitlisted,
}

impl Placement {
    pub fn code(&self) -> &'static str {
        match self {
            Placement::Confirmed => "confirmed",
            Placement::Waitlisted => "waitlisted",
        }
    }
}

/// What happens when a seat frees and someone is waiting (activities.md, after pretix and
/// CiviEvent): the first waiting member is confirmed at once (the default for free union
/// activities), or the seat is held for them for some hours, after which it is offered to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Promotion {
    AtOnce,
    Hold { hours: i64 },
}

impl Promotion {
    /// Hours a promoted seat is held (0: confirmed at once).
    pub fn hold_hours(&self) -> i64 {
        match self {
            Promotion::AtOnce => 0,
            Promotion::Hold { hours } => *hours,
        }
    }

    pub fn from_hours(h: i64) -> Promotion {
        if h > 0 {
            Promotion::Hold { hours: h }
        } else {
            Promotion::AtOnce
        }
    }

    /// Until when the promoted member's seat is held (`None`: confirmed at once).
    pub fn offer_until(&self, now_ms: i64) -> Option<i64> {
        match self {
            Promotion::AtOnce => None,
            Promotion::Hold { hours } => Some(now_ms.saturating_add(hours.saturating_mul(3_600_000))),
        }
    }
}

/// The capacity rule: a seat is confirmed while fewer than `capacity` are taken (a held offer
/// takes a seat); beyond that the sign-up waits. No capacity: always confirmed.
pub fn place(capacity: Option<i64>, taken: i64) -> Placement {
    match capacity {
        Some(c) if taken >= c => Placement::Waitlisted,
        _ => Placement::Confirmed,
    }
}

/// Sign-ups are open until the deadline, inclusive.
pub fn signup_open(now_ms: i64, deadline_ms: i64) -> bool {
    now_ms <= deadline_ms
}

/// A member may withdraw until the sign-up deadline, inclusive (after it the organiser plans
/// with the list).
pub fn withdraw_open(now_ms: i64, deadline_ms: i64) -> bool {
    now_ms <= deadline_ms
}

/// A waiting sign-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub member_id: String,
    /// Arrival order: positions are handed out under the activity's lock, one higher each time.
    pub position: i64,
}

/// The waiting-list rule: the member who has waited longest (the lowest position) is promoted
/// first.
pub fn promote_first(waiting: &[Waiting]) -> Option<&Waiting> {
    waiting.iter().min_by_key(|w| w.position)
}
