//! Office documents for Jiaogong: safe .xlsx import, .xlsx export (with formula-injection
//! neutralisation and import error reports), .docx reports and server-side SVG charts.
//!
//! This crate is deliberately independent of the domain types: it speaks in cells, tables,
//! blocks and series, and the calling modules map their own data onto them.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod docx;
pub mod error;
pub mod extract;
pub mod raster;
pub mod svg;
pub mod xlsx_read;
pub mod xlsx_write;
mod xml_encoding;
mod zip_guard;

pub use error::OfficeError;
