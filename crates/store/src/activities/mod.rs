//! Activities on both databases: creating an activity, sign-ups placed under the activity's row
//! lock (confirmed or waiting, in arrival order), withdrawals that promote the longest-waiting
//! member, held offers that lapse, attendance, competition entries and each member's calendar
//! feed. The rules are the domain's (`jiaogong_domain::activities`); this module takes the lock,
//! reads what the rules need, writes what they decided, and audits and notifies in the same
//! transaction.

pub mod library;
pub mod notices;

mod attendance;
mod entries;
mod feed;
mod photos;
mod reads;
mod signup;

pub use attendance::{
    attendance, check_in, group_rates, history, member_counts, untick, AttendanceLine, CheckinOutcome, GroupRate,
    HistoryLine, MemberCount,
};
pub use entries::{add_entry, entries, set_result, Entry};
pub use feed::{feed_items, feed_member, has_feed, rotate_feed, FeedItem};
pub use photos::{add_photo, photo, photos, Photo, MAX_PHOTOS};
pub use reads::{get, list, member_facts, open_for, organiser_choices, signups, Activity, Line, SignupLine};
pub use signup::{accept_offer, cancel, expire_offers, signup, update, withdraw, ChangeRefused, Placed};

use jiaogong_domain::activities::{Audience, Kind, NewActivity};

use crate::platform::audit::{self, Event};
use crate::{new_id, new_secret, now_ms, Crypto, StoreError, Tx};

/// A step refused by the rules, or a database failure.
#[derive(Debug, thiserror::Error)]
pub enum ActError {
    #[error("sign-up closed")]
    SignupClosed,
    #[error("already signed up")]
    AlreadySignedUp,
    #[error("not signed up")]
    NotSignedUp,
    #[error("not open to this member")]
    NotInAudience,
    #[error("the account is not a member")]
    NotAMember,
    #[error("no offer to accept")]
    NoOffer,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ActError {
    fn from(e: sqlx::Error) -> Self {
        ActError::Store(StoreError::Db(e))
    }
}

/// Who organises: a committee member, or a union group.
#[derive(Debug, Clone, Default)]
pub struct Organiser {
    pub member_id: Option<String>,
    pub group_id: Option<String>,
}

/// Creates an activity; returns its id.
pub async fn create(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    a: &NewActivity,
    organiser: &Organiser,
) -> Result<String, StoreError> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO activities (id, school_id, title, kind, organiser_member_id, organiser_group_id, created_by, place, \
         description, starts_at, ends_at, signup_deadline, capacity, audience, cost_fen, hold_hours, checkin_secret, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(&a.title)
    .bind(a.kind.code())
    .bind(organiser.member_id.as_deref())
    .bind(organiser.group_id.as_deref())
    .bind(actor)
    .bind(&a.place)
    .bind(&a.description)
    .bind(a.starts_at)
    .bind(a.ends_at)
    .bind(a.signup_deadline)
    .bind(a.capacity)
    .bind(a.audience.code())
    .bind(a.cost_fen)
    .bind(a.promotion.hold_hours())
    .bind(new_secret())
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "activity.create", &id).detail(a.title.clone()))
        .await?;
    Ok(id)
}

/// The audience of a stored activity; an unknown code is read as a group no one is in, so it
/// admits nobody rather than everybody.
pub(crate) fn audience_of(code: &str) -> Audience {
    Audience::parse(code).unwrap_or(Audience::Group(String::new()))
}

pub(crate) fn kind_of(code: &str) -> Kind {
    Kind::from_code(code).unwrap_or(Kind::Culture)
}
