//! The live facts of a session that pages and votes share: presence, the quorum, the delegates'
//! composition. Pages of the session, its delegate list and its polls read them here.

use std::collections::HashSet;

use jiaogong_domain::congress::{self, Composition, PersonFacts};
use jiaogong_domain::members::{Gender, Post};
use jiaogong_store::congress::{self as repo, Delegate, Session};
use jiaogong_store::platform::tenancy::School;

use crate::platform::ctx::Ctx;
use crate::platform::error::AppResult;
use crate::AppState;

/// Presence and quorum of a session: the voting body (delegates, or every active member at a
/// 教职工大会), who is present, and whether the school's quorum holds.
pub(crate) struct Live {
    pub delegates: i64,
    pub present: i64,
    pub quorum: bool,
    /// The school's quorum, e.g. `2/3`.
    pub rule: String,
    pub assembly: bool,
}

pub(crate) async fn live(st: &AppState, school: &School, session: &Session) -> AppResult<Live> {
    let settings = jiaogong_store::congress::congress_settings::get(&st.store, &school.id).await?;
    let (delegates, present) = repo::presence(&st.store, session).await?;
    let quorum = settings.quorum_met(present.max(0) as u64, delegates.max(0) as u64);
    Ok(Live { delegates, present, quorum, rule: settings.quorum.to_string(), assembly: session.is_assembly() })
}

fn person(post: &Option<String>, gender: &Option<String>, birth: &Option<String>) -> PersonFacts {
    let today = crate::platform::pages::today();
    let age = birth
        .as_deref()
        .and_then(|b| chrono::NaiveDate::parse_from_str(b, "%Y-%m-%d").ok())
        .and_then(|b| today.years_since(b));
    PersonFacts {
        post: post.as_deref().and_then(Post::from_code),
        gender: gender.as_deref().and_then(Gender::from_code),
        age,
    }
}

/// The composition of the current delegates (every delegate row without an end, the same rule as
/// the header's count and the voting body) against the active staff.
pub(crate) async fn composition_of(st: &AppState, school: &School, delegates: &[Delegate]) -> AppResult<Composition> {
    let facts = repo::member_facts(&st.store, &school.id).await?;
    let current: HashSet<&str> = delegates.iter().filter(|d| d.until.is_none()).map(|d| d.member_id.as_str()).collect();
    let staff: Vec<PersonFacts> = facts
        .iter()
        .filter(|f| f.status == jiaogong_domain::members::MemberStatus::Active)
        .map(|f| person(&f.post, &f.gender, &f.birth_date))
        .collect();
    let dels: Vec<PersonFacts> = facts
        .iter()
        .filter(|f| current.contains(f.id.as_str()))
        .map(|f| person(&f.post, &f.gender, &f.birth_date))
        .collect();
    Ok(congress::composition(&dels, &staff))
}

/// Whether a poll voted in a session may open now (the school's quorum holds; polls outside a
/// session may): `Some(message)` says why not.
pub async fn may_open(st: &AppState, ctx: &Ctx, school: &School, poll_id: &str) -> AppResult<Option<String>> {
    let Some(session_id) = jiaogong_store::congress::polls::session_of(&st.store, poll_id).await? else {
        return Ok(None);
    };
    let s = repo::session(&st.store, &school.id, &session_id).await?;
    let l = live(st, school, &s).await?;
    if l.quorum {
        return Ok(None);
    }
    let args = [("present", l.present.to_string()), ("delegates", l.delegates.to_string()), ("quorum", l.rule)];
    let key = if l.assembly { "congress-no-quorum-assembly" } else { "congress-no-quorum" };
    Ok(Some(ctx.tr.ta(key, &args)))
}

/// Present delegates of a poll's session (its 实到 and ballots issued at close).
pub async fn present_for(st: &AppState, school: &School, poll_id: &str) -> AppResult<Option<i64>> {
    let Some(session_id) = jiaogong_store::congress::polls::session_of(&st.store, poll_id).await? else {
        return Ok(None);
    };
    let s = repo::session(&st.store, &school.id, &session_id).await?;
    Ok(Some(live(st, school, &s).await?.present))
}
