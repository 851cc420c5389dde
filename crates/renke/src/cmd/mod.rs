//! One module per top-level command.

pub mod notice;
pub mod pt;
