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
pub mod notify;
pub mod tenancy;
pub mod uploads;
