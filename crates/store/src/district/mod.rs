//! The district union on both databases: its hierarchy of districts, the dashboard's
//! per-school summaries, the bulk generator of the demo, the staff-home assessment (建家) and
//! submissions upward (上报).

pub mod assessment;
pub mod dashboard;
pub mod generate;
pub mod hierarchy;
pub mod submissions;
