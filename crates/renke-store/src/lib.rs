//! Renke's database layer: one [`Db`] over a SQLite or a PostgreSQL pool.
//!
//! Queries are written once, in the SQL both databases accept (`$1` placeholders,
//! `RETURNING`, `ON CONFLICT`, CTEs), and run on whichever pool is configured through
//! [`on_db!`]. Writes of several statements run in a [`Tx`] ([`Db::write`]), on its
//! connection through [`on_tx!`]. The few places where the dialects truly differ are
//! marked `DIALECT:`.

pub mod accounts;
pub mod activities;
pub mod audit;
pub mod backup;
pub mod bulk;
pub mod campaigns;
pub mod cases;
pub mod ceremony;
mod db;
pub mod error;
pub mod files;
pub mod imports;
pub mod industry_stats;
pub mod initiatives;
pub mod items;
pub mod jobs;
pub mod notices;
pub mod oidc;
pub mod orgs;
pub mod pt;
pub mod public_changes;
pub mod publicity;
pub mod reminders;
mod rows;
pub mod search;
pub mod sessions;
pub mod shipments;
pub mod spool;
mod states;
pub mod tallies;
pub mod tasks;
#[cfg(feature = "testing")]
pub mod testing;
mod tx;
pub mod venues;

pub use db::{Backend, Db, DbOptions, PoolStats, Sqlite, Synchronous, WriteTurn};
pub use error::StoreError;
pub use tx::{BackendTx, Tx};

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
