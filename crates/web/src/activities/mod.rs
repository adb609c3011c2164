//! Activities, notices, the resource library and notifications: what a member opens the app for
//! every week.

pub mod library;
