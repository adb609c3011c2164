//! The staff congress at a session: sessions, delegates with their composition check, sign-in by
//! QR code on the delegate's phone or ticked by a clerk, the live quorum, and the session's votes,
//! which can open only while the quorum holds.

pub(crate) mod api;
pub(crate) mod congress_settings;
pub(crate) mod delegate_list;
pub(crate) mod evaluations;
pub(crate) mod interim;
pub(crate) mod polls;
pub mod proposals;
pub(crate) mod quorum;
pub(crate) mod selections;
pub(crate) mod session_page;
pub(crate) mod sessions;
