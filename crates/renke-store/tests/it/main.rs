//! Store tests: every test runs on SQLite, and on PostgreSQL when RENKE_TEST_POSTGRES_URL is set.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod activities;
mod audit;
mod backup;
mod bulk;
mod campaigns;
mod files_s3;
mod fixtures;
mod jobs;
mod notices;
mod oidc;
mod orgs;
mod pt;
mod public_changes;
mod states;
mod testing;
mod tx;
