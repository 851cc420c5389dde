//! renke-web's integration tests: the real router over a fresh database, on SQLite and —
//! when `RENKE_TEST_POSTGRES_URL` is set — on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod activities;
mod activity_extras;
mod api_auth;
mod api_campaigns;
mod api_docs;
mod api_orgs;
mod api_perm;
mod attachments;
mod audit;
mod cases;
mod digest;
mod exports;
mod headers;
mod industry_stats;
mod ingest;
mod initiatives;
mod mail;
mod notices;
mod oidc;
mod page_cache;
mod pages;
mod pdf;
mod plan_link;
mod pt;
mod pt_charts;
mod pt_files;
mod pt_jobs;
mod pt_pages;
mod publicity;
mod relay_tasks;
mod reminders;
mod search;
mod shipments;
mod submission_files;
mod support;
mod tasks;
mod tickets;
mod trust;
mod venues;
