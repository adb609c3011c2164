//! Activities, notices and news of the union.

pub(crate) mod notice_html;
pub(crate) mod notice_photos;
pub mod notices;
pub(crate) mod notices_admin;
pub(crate) mod notices_api;
