//! What every area shares.

pub mod accounts;
pub mod activation;
pub mod audit;
pub mod backup;
pub mod cache;
pub mod calendar;
pub mod crypto;
pub(crate) mod db;
pub mod files;
pub mod hooks;
pub mod inbox;
pub mod lease;
pub mod notify;
pub mod replica;
pub mod robots;
pub mod scheduled_backup;
pub mod tenancy;
pub mod uploads;
