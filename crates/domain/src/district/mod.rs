//! The district union's view: the staff-home assessment (建家) and submissions upward (上报).

pub mod assessment;
pub mod submissions;
