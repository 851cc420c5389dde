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
pub mod sessions;
pub mod tallies;
pub mod tasks;
#[cfg(feature = "testing")]
pub mod testing;

pub use db::{Backend, Db, PoolStats};
pub use error::StoreError;

/// Runs the same body on whichever pool `$db` holds; inside, `$p` is the concrete pool.
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($p) => $body,
            $crate::Db::Pg($p) => $body,
        }
    };
}

/// Runs the same body inside a transaction on either backend. The transaction commits
/// when the body runs to its end and its value is returned; leaving the body early (`?` or
/// `return Err(..)`) drops the transaction, which rolls it back. A body that merely
/// *evaluates* to an `Err` value still commits, so fail with `?` or `return`.
#[macro_export]
macro_rules! in_tx {
    ($db:expr, |$tx:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite(pool) => {
                let mut $tx = pool.begin().await?;
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
