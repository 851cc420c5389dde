//! Write transactions: [`Tx`], opened with [`Db::write`], on behalf of the running
//! request's or job's audit context ([`crate::audit`]).

use crate::{Backend, Db, StoreError};
use std::panic::Location;
use std::sync::Arc;

/// A write transaction on either backend, opened with [`Db::write`]. [`Tx::commit`]
/// commits it; dropping it (an early `?` or `return`) rolls it back.
///
/// Store functions that write in several statements have a variant that takes `&mut Tx`
/// (`tasks::create_in`, `jobs::enqueue_in`, `tallies::shift` …), so that a use case can
/// run several of them in one transaction and commit once. Statements run on the
/// backend's connection through [`on_tx!`](crate::on_tx).
///
/// On SQLite the transaction holds this process's writer turn until it ends
/// ([`Sqlite`](crate::Sqlite)): never open a second one while holding one, it would wait
/// for the first.
/// Debug builds notice that and fail with [`StoreError::NestedWrite`] instead of waiting
/// for ever.
pub enum Tx {
    Sqlite(BackendTx<sqlx::Sqlite>),
    Pg(BackendTx<sqlx::Postgres>),
}

/// A [`Tx`] on one backend: the sqlx transaction and what it holds while it runs.
pub struct BackendTx<DB: sqlx::Database> {
    /// Run statements on `&mut *t.tx` (the transaction's connection).
    pub tx: sqlx::Transaction<'static, DB>,
    /// Whether the transaction runs on behalf of an audit context ([`crate::audit`]).
    audited: bool,
    // Dropped after `tx`, whose rollback is then already on its way: the writer turn
    // (SQLite) and the record of the open transaction (debug builds).
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    _open: open::Open,
}

impl<DB: sqlx::Database> BackendTx<DB> {
    async fn commit(self) -> Result<(), StoreError> {
        let BackendTx {
            tx, _turn, _open, ..
        } = self;
        tx.commit().await?;
        Ok(())
    }
}

impl Tx {
    /// Commits the transaction.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        if self.audited() {
            crate::audit::leave(&mut self).await?;
        }
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Pg(t) => t.commit().await,
        }
    }

    fn audited(&self) -> bool {
        match self {
            Tx::Sqlite(t) => t.audited,
            Tx::Pg(t) => t.audited,
        }
    }

    /// Which backend the transaction runs on.
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Pg(_) => Backend::Postgres,
        }
    }
}

impl Db {
    /// Opens a write transaction. On SQLite it first waits for this process's writer turn,
    /// then begins with `BEGIN IMMEDIATE` on the writer connection, taking the write lock
    /// at once: a transaction that read first and wrote later could find its snapshot stale
    /// and fail with `SQLITE_BUSY`.
    ///
    /// Debug builds refuse to open a second transaction on this database while the same
    /// tokio task holds one ([`StoreError::NestedWrite`], naming where the first was
    /// opened), after waiting a while in case the first belongs to a branch of the same
    /// task that will end it (`tokio::join!`).
    #[track_caller]
    pub fn write(&self) -> impl Future<Output = Result<Tx, StoreError>> + Send + '_ {
        let at = Location::caller();
        async move {
            let key = self.key();
            open::wait_for_own(key).await?;
            match self {
                Db::Sqlite(s) => {
                    let turn = Arc::clone(&s.turn).lock_owned().await;
                    let tx = s.writer.begin_with("BEGIN IMMEDIATE").await?;
                    let mut tx = Tx::Sqlite(BackendTx {
                        tx,
                        audited: false,
                        _turn: Some(turn),
                        _open: open::Open::new(key, at),
                    });
                    if crate::audit::enter(&mut tx).await?
                        && let Tx::Sqlite(t) = &mut tx
                    {
                        t.audited = true;
                    }
                    Ok(tx)
                }
                Db::Pg(p) => {
                    let tx = p.begin().await?;
                    let mut tx = Tx::Pg(BackendTx {
                        tx,
                        audited: false,
                        _turn: None,
                        _open: open::Open::new(key, at),
                    });
                    // The setting ends with the transaction: nothing to take back.
                    crate::audit::enter(&mut tx).await?;
                    Ok(tx)
                }
            }
        }
    }

    /// Tells this database apart from others in the process (for [`open`]).
    fn key(&self) -> usize {
        match self {
            Db::Sqlite(s) => Arc::as_ptr(&s.turn) as usize,
            Db::Pg(p) => Arc::as_ptr(&p.connect_options()) as usize,
        }
    }
}

/// Runs the same body on a [`Tx`]'s connection, whichever backend it is on: `$c` is the
/// concrete `&mut SqliteConnection` or `&mut PgConnection` (run statements on `&mut *$c`).
/// `$tx` is a `&mut Tx`.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c = &mut *t.tx;
                $body
            }
            $crate::Tx::Pg(t) => {
                let $c = &mut *t.tx;
                $body
            }
        }
    };
}

/// Which tasks hold a write transaction on which database, in debug builds, so that a
/// nested [`Db::write`] fails instead of waiting for ever.
mod open {
    use crate::StoreError;
    use std::panic::Location;

    #[cfg(debug_assertions)]
    pub(super) use imp::*;

    #[cfg(not(debug_assertions))]
    pub(super) struct Open;

    #[cfg(not(debug_assertions))]
    impl Open {
        pub(super) fn new(_db: usize, _at: &'static Location<'static>) -> Open {
            Open
        }
    }

    #[cfg(not(debug_assertions))]
    pub(super) async fn wait_for_own(_db: usize) -> Result<(), StoreError> {
        Ok(())
    }

    #[cfg(debug_assertions)]
    mod imp {
        use super::*;
        use std::sync::Mutex;
        use std::time::Duration;

        /// How long a task waits for its own open transaction to end before taking the
        /// wait for a nested write.
        const NESTED_WAIT: Duration = Duration::from_secs(3);

        /// Who runs a transaction: a tokio task, or outside any task (`block_on`) the thread.
        #[derive(Clone, Copy, PartialEq, Eq)]
        enum Holder {
            Task(tokio::task::Id),
            Thread(std::thread::ThreadId),
        }

        fn holder() -> Holder {
            match tokio::task::try_id() {
                Some(id) => Holder::Task(id),
                None => Holder::Thread(std::thread::current().id()),
            }
        }

        struct Entry {
            serial: u64,
            db: usize,
            holder: Holder,
            at: &'static Location<'static>,
        }

        static OPEN: Mutex<(u64, Vec<Entry>)> = Mutex::new((0, Vec::new()));

        /// One open transaction's entry in [`OPEN`], removed when dropped.
        pub(in crate::tx) struct Open(u64);

        impl Open {
            pub(in crate::tx) fn new(db: usize, at: &'static Location<'static>) -> Open {
                let mut open = OPEN.lock().unwrap_or_else(|e| e.into_inner());
                open.0 += 1;
                let serial = open.0;
                open.1.push(Entry {
                    serial,
                    db,
                    holder: holder(),
                    at,
                });
                Open(serial)
            }
        }

        impl Drop for Open {
            fn drop(&mut self) {
                let mut open = OPEN.lock().unwrap_or_else(|e| e.into_inner());
                open.1.retain(|e| e.serial != self.0);
            }
        }

        /// Where this task's open transaction on `db` was opened, if it holds one.
        fn own(db: usize) -> Option<&'static Location<'static>> {
            let me = holder();
            let open = OPEN.lock().unwrap_or_else(|e| e.into_inner());
            open.1
                .iter()
                .find(|e| e.db == db && e.holder == me)
                .map(|e| e.at)
        }

        /// Waits until this task holds no open transaction on `db`; fails when that takes
        /// [`NESTED_WAIT`]: the transaction is then the caller's own, waiting for it.
        pub(in crate::tx) async fn wait_for_own(db: usize) -> Result<(), StoreError> {
            let Some(mut at) = own(db) else {
                return Ok(());
            };
            let deadline = tokio::time::Instant::now() + NESTED_WAIT;
            loop {
                if tokio::time::Instant::now() >= deadline {
                    return Err(StoreError::NestedWrite {
                        outer: at.to_string(),
                    });
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
                match own(db) {
                    Some(still) => at = still,
                    None => return Ok(()),
                }
            }
        }
    }
}
