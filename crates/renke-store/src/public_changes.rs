//! How many times what anonymous visitors see has changed: one row, bumped by triggers on
//! the tables the public pages read (migration 0035), in the writing transaction itself.
//! Servers that cache those pages compare it with the count their copies were made at.

use crate::{Db, StoreError, on_db};
use chrono::{DateTime, Utc};

/// The tables whose changes bump the count: what the public campaign page (with its
/// sections), a public notice and the activity calendar read. A test checks the triggers
/// against this list; a page that comes to read another table adds it here and to a
/// migration.
pub const TABLES: &[&str] = &[
    "campaigns",
    "campaign_local_themes",
    "orgs",
    "notices",
    "notice_relays",
    "notice_recipients",
    "notice_contacts",
    "notice_attachments",
    "tasks",
    "task_items",
    "activities",
    "activity_organisers",
    "publicity_materials",
    "industry_reports",
    "publicity_initiatives",
    "publicity_signatures",
    "publicity_certificates",
];

/// The tables that have the triggers, as the database says (for the test of [`TABLES`]).
pub async fn triggered_tables(db: &Db) -> Result<Vec<String>, StoreError> {
    let mut tables: Vec<String> = match db {
        Db::Sqlite(crate::Sqlite { pool, .. }) => {
            // Three triggers (insert, update, delete) a table.
            sqlx::query_scalar(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' \
                 AND name LIKE 'renke_public_%' GROUP BY tbl_name HAVING COUNT(*) = 3",
            )
            .fetch_all(pool)
            .await?
        }
        Db::Pg(pool) => {
            sqlx::query_scalar(
                "SELECT c.relname::text FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid \
                 WHERE g.tgname = 'renke_public' AND NOT g.tgisinternal",
            )
            .fetch_all(pool)
            .await?
        }
    };
    tables.sort();
    Ok(tables)
}

/// The count and the time of the last change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicChanges {
    pub generation: i64,
    pub changed_at: DateTime<Utc>,
}

pub async fn current(db: &Db) -> Result<PublicChanges, StoreError> {
    let (generation, changed_at): (i64, DateTime<Utc>) = on_db!(db, |p| sqlx::query_as(
        "SELECT generation, changed_at FROM public_changes WHERE id = 1"
    )
    .fetch_one(p)
    .await)?;
    Ok(PublicChanges {
        generation,
        changed_at,
    })
}
