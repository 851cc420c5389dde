//! Integration tests of the `renke` commands: the binary through `CARGO_BIN_EXE_renke`, and
//! the library functions behind it.

// Test helpers outside #[test] functions may fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod backup;
mod bench_pages;
mod config;
mod crawl;
mod demo;
mod demo_statistics;
mod files;
mod import;
mod multi_server;
mod notice_kinds;
mod server;
mod support;
mod worker;
