//! Helpers shared by page templates.
