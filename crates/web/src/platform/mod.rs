//! What every area shares.

pub mod access;
pub(crate) mod activation;
pub(crate) mod admin;
pub(crate) mod assets;
pub mod audit_page;
pub(crate) mod auth_pages;
pub mod backups;
pub mod ctx;
pub mod delivery;
pub mod error;
pub mod hashing;
pub mod i18n;
pub mod metrics;
pub(crate) mod openapi;
pub mod pages;
pub mod replica;
pub mod robots;
pub mod server;
