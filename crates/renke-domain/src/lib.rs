//! Renke's domain: validated values, the organisation tree, roles and the one permission
//! function, campaigns. Pure: no I/O, no async, no database.

pub mod account;
pub mod activity;
pub mod campaign;
pub mod cases;
pub mod ceremony;
pub mod clock;
pub mod contact;
pub mod demo;
pub mod error;
pub mod file;
pub mod import;
pub mod industry_stats;
pub mod initiative;
pub mod locale;
pub mod notice;
pub mod org;
pub mod perm;
pub mod pt;
pub mod publicity;
pub mod reminder;
pub mod report_text;
pub mod search;
pub mod shipment;
pub mod task;
pub mod text;

pub use error::{FieldError, Invalid};
