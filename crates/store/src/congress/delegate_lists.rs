//! Confirmations of a term's delegate list: who confirmed which delegates, and which composition
//! warnings they acknowledged (congress.md). Each confirmation is kept and audited.

use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, Tx};

/// One confirmation of a delegate list.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Confirmation {
    pub id: String,
    /// The confirmed delegates' member ids, sorted, comma-separated.
    pub members: String,
    pub delegates: i64,
    /// The acknowledged warnings, comma-separated ('' when the composition had none).
    pub warnings: String,
    pub confirmed_by: String,
    pub confirmed_at: i64,
}

impl Confirmation {
    /// Whether it names exactly these delegates (any order).
    pub fn covers(&self, members: &[String]) -> bool {
        key(members) == self.members
    }
}

fn key(members: &[String]) -> String {
    let mut m = members.to_vec();
    m.sort();
    m.dedup();
    m.join(",")
}

/// Records a confirmation of the term's current delegates with the warnings acknowledged, and
/// audits it (`congress.delegates.confirm`, target the term).
#[allow(clippy::too_many_arguments)]
pub async fn confirm(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    term_id: &str,
    members: &[String],
    warnings: &[&str],
    actor: &str,
) -> Result<String> {
    let id = new_id();
    let members_key = key(members);
    let count = if members_key.is_empty() { 0 } else { members_key.split(',').count() as i64 };
    let warnings = warnings.join(",");
    sqlx::query(
        "INSERT INTO delegate_list_confirmations (id, school_id, term_id, members, delegates, warnings, confirmed_by, confirmed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(term_id)
    .bind(&members_key)
    .bind(count)
    .bind(&warnings)
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    let detail = if warnings.is_empty() {
        format!("delegates={count}")
    } else {
        format!("delegates={count} acknowledged={warnings}")
    };
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "congress.delegates.confirm", term_id).detail(detail),
    )
    .await?;
    Ok(id)
}

/// The latest confirmation of the term's list.
pub async fn latest(store: &Store, school_id: &str, term_id: &str) -> Result<Option<Confirmation>> {
    Ok(sqlx::query_as(
        "SELECT id, members, delegates, warnings, confirmed_by, confirmed_at FROM delegate_list_confirmations \
         WHERE school_id = $1 AND term_id = $2 ORDER BY confirmed_at DESC, id DESC LIMIT 1",
    )
    .bind(school_id)
    .bind(term_id)
    .fetch_optional(&store.read)
    .await?)
}
