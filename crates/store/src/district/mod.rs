//! The district union: its hierarchy of districts and the dashboard's per-school summaries.

pub mod dashboard;
pub mod generate;
pub mod hierarchy;
