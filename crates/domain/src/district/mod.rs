//! The district union's view: the staff-home assessment (建家), submissions upward (上报) and
//! the dashboard's figures and their columns.

pub mod assessment;
pub mod dashboard;
pub mod submissions;
