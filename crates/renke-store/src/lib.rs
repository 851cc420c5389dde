//! Renke's database layer: one [`Db`] over a SQLite or a PostgreSQL pool.
//!
//! Queries are written once, in the SQL both databases accept (`$1` placeholders,
//! `RETURNING`, `ON CONFLICT`, CTEs), and run on whichever pool is configured through
//! [`on_db!`]. The few places where the dialects truly differ are marked `DIALECT:`.

pub mod accounts;
pub mod activities;
pub mod backup;
pub mod campaigns;
mod db;
pub mod error;
pub mod files;
pub mod jobs;
pub mod notices;
pub mod orgs;
pub mod reminders;
mod rows;
pub mod sessions;
mod states;
pub mod tallies;
pub mod tasks;
#[cfg(feature = "testing")]
pub mod testing;

pub use db::{Backend, Db, PoolStats, Sqlite, WriteTurn};
pub use error::StoreError;

/// Runs the same body on whichever pool `$db` holds; inside, `$p` is the concrete pool.
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($crate::Sqlite { pool: $p, .. }) => $body,
            $crate::Db::Pg($p) => $body,
        }
    };
}

/// Runs the same body inside a transaction on either backend. The transaction commits
/// when the body runs to its end and its value is returned; leaving the body early (`?` or
/// `return Err(..)`) drops the transaction, which rolls it back. A body that merely
/// *evaluates* to an `Err` value still commits, so fail with `?` or `return`.
///
/// On SQLite the transaction waits for its turn among this process's writers and runs on
/// the writer connection ([`Sqlite`]); it begins with `BEGIN IMMEDIATE`, taking the write
/// lock at once: a transaction that read first and wrote later could find its snapshot stale
/// and fail with `SQLITE_BUSY`. Never open one inside another's body: the inner would wait
/// for the outer.
#[macro_export]
macro_rules! in_tx {
    ($db:expr, |$tx:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite(sqlite) => {
                let turn = sqlite.write_turn().await;
                let mut $tx = turn.writer.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::Db::Pg(pool) => {
                let mut $tx = pool.begin().await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}
