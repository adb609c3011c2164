//! The district union's view of its schools: the dashboard's figures and their columns.

pub mod dashboard;
