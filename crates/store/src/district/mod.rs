//! The district union: its hierarchy of districts and the dashboard's per-school summaries.

pub mod dashboard;
pub mod hierarchy;
