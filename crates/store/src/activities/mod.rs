//! Activities, notices, the resource library and notifications.

pub mod library;
