//! What every area shares.

pub mod calendar;
pub mod code;
pub mod dates;
pub mod digest;
pub mod error;
pub mod money;
pub mod paging;
pub mod roles;
pub mod text;
