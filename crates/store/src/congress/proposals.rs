//! Proposals (提案) of the staff congress: drafts, co-signatures, the committee's review, handling
//! by a department, replies and ratings, with every step kept as an event and audited in the same
//! transaction. Whether a step is allowed is decided by the domain's `Proposal::apply`; this
//! module loads the proposal, asks the domain, and writes what the domain decided.
//!
//! Reads are a fixed number of statements whatever the number of rows: counts and the current
//! reply are correlated subqueries of the page's rows, never a query per row.

mod reads;
mod settings;
mod steps;

pub use reads::{
    all_handed_in, awaiting_cosign_count, cosigners, departments, get, history, list, merge_choices, merged_from,
    of_proposer, overdue, overdue_count, replies, responder_choices, session_choices, sessions_for_delegate, to_answer,
    to_cosign, CosignLine, Detail, DraftSession, HistoryEntry, Line, Reply, Scope, SessionChoice,
};
pub use settings::{set_settings, set_window, settings, window};
pub use steps::{create, record_refusal, step, Step, Who};

use chrono::NaiveDate;
use jiaogong_domain::congress::ProposalError;

use crate::StoreError;

/// A step refused by the rules, or a database failure.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    #[error("refused: {0}")]
    Rule(#[from] ProposalError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for StepError {
    fn from(e: sqlx::Error) -> Self {
        StepError::Store(StoreError::Db(e))
    }
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}
