//! Per-task tallies behind the dashboards (`task_tallies`, migrations 0009 and 0010).
//!
//! For every task and every organisation above at least one of its expected recipients,
//! rows count the recipients strictly below that organisation: expected, acknowledged,
//! submitted, late, accepted, returned, and returned-and-late. The count is split in up to
//! [`STRIPES`] rows (migration 0010): stripe `s` counts the recipients whose id is `s`
//! modulo [`STRIPES`]. A submission shifts only its own stripe of each ancestor, so
//! submitters under one root do not queue on one row's lock; readers add the stripes up
//! ([`SUMMED`]). A dashboard at a node reads the rows of the node and of its children and
//! adds the node's and the children's own states, so its cost follows the number of
//! children, not of recipients (a task to all 52,000 labs has 36,697 rows).
//!
//! The rows are kept in the transaction of every write that changes them:
//! - [`refresh`] recomputes a task's rows from the recipients when its deliveries change
//!   (issuing its notice, creating the task, moving an organisation);
//! - [`shift`] moves one recipient's [`Mark`] from its old to its new state (签收, submit,
//!   accept, return) on the rows of its ancestors, as the last statement of the transaction
//!   so the rows it locks are held for the shortest time.
//!
//! Both take [`lock`] first on PostgreSQL. [`check`] recomputes and compares: the tests
//! call it after every kind of write.

use crate::{Db, StoreError, Tx, on_db, on_tx};
use renke_domain::org::OrgPath;
use renke_domain::task::SubmissionStatus;
use sqlx::AssertSqlSafe;
use std::collections::{BTreeMap, BTreeSet};

/// The recipients of the tasks matched by `{filter}` with their marks (`e`), and each mark
/// repeated for every organisation above the recipient (`up`).
const MARKS: &str = "WITH RECURSIVE e(task_id, org_id, stripe, ack, sub, late, acc, ret, lret) AS ( \
      SELECT t.id, d.org_id, CAST(d.org_id % 16 AS INTEGER), \
        CASE WHEN d.acknowledged_at IS NOT NULL THEN 1 ELSE 0 END, \
        CASE WHEN COALESCE(s.version, 0) > 0 THEN 1 ELSE 0 END, \
        CASE WHEN COALESCE(s.version, 0) > 0 AND s.late THEN 1 ELSE 0 END, \
        CASE WHEN s.status = 'accepted' THEN 1 ELSE 0 END, \
        CASE WHEN s.status = 'returned' THEN 1 ELSE 0 END, \
        CASE WHEN s.status = 'returned' AND s.late THEN 1 ELSE 0 END \
      FROM tasks t JOIN notice_deliveries d ON d.notice_id = t.notice_id \
      LEFT JOIN submissions s ON s.task_id = t.id AND s.org_id = d.org_id \
      WHERE t.id = $1 AND (t.all_recipients OR EXISTS ( \
        SELECT 1 FROM task_recipients r WHERE r.task_id = t.id AND r.org_id = d.org_id))), \
    up(task_id, anc_id, stripe, ack, sub, late, acc, ret, lret) AS ( \
      SELECT e.task_id, o.parent_id, e.stripe, e.ack, e.sub, e.late, e.acc, e.ret, e.lret \
      FROM e JOIN orgs o ON o.id = e.org_id WHERE o.parent_id IS NOT NULL \
      UNION ALL \
      SELECT up.task_id, o.parent_id, up.stripe, up.ack, up.sub, up.late, up.acc, up.ret, up.lret \
      FROM up JOIN orgs o ON o.id = up.anc_id WHERE o.parent_id IS NOT NULL) ";

/// How many rows one (task, organisation) count is split in; `16` is written out in
/// [`MARKS`] and in migration 0010.
pub const STRIPES: i64 = 16;

const TALLY_COLS: &str = "task_id, org_id, stripe, expected, acknowledged, submitted, late, \
    accepted, returned, late_returned";

const FRESH: &str = "SELECT task_id, anc_id AS org_id, stripe, COUNT(*) AS expected, \
    SUM(ack) AS acknowledged, SUM(sub) AS submitted, SUM(late) AS late, SUM(acc) AS accepted, \
    SUM(ret) AS returned, SUM(lret) AS late_returned FROM up GROUP BY task_id, anc_id, stripe";

/// The columns of a [`Tally`], each the sum over an organisation's stripes (`GROUP BY
/// task_id, org_id`). The casts keep PostgreSQL's sums of BIGINT, which are NUMERIC, integers.
pub(crate) const SUMMED: &str = "task_id, org_id, CAST(SUM(expected) AS BIGINT) AS expected, \
    CAST(SUM(acknowledged) AS BIGINT) AS acknowledged, CAST(SUM(submitted) AS BIGINT) AS submitted, \
    CAST(SUM(late) AS BIGINT) AS late, CAST(SUM(accepted) AS BIGINT) AS accepted, \
    CAST(SUM(returned) AS BIGINT) AS returned, CAST(SUM(late_returned) AS BIGINT) AS late_returned";

/// The recipients of `task_id` strictly below `org_id` (all stripes added up).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Tally {
    pub task_id: i64,
    pub org_id: i64,
    pub expected: i64,
    pub acknowledged: i64,
    pub submitted: i64,
    pub late: i64,
    pub accepted: i64,
    pub returned: i64,
    pub late_returned: i64,
}

impl Tally {
    /// Adds one recipient in state `m`.
    pub fn add(&mut self, m: Mark) {
        self.expected += 1;
        self.acknowledged += m.acknowledged as i64;
        self.submitted += m.submitted as i64;
        self.late += m.late as i64;
        self.accepted += m.accepted as i64;
        self.returned += m.returned as i64;
        self.late_returned += (m.returned && m.late) as i64;
    }

    /// Adds another tally's counts (ids are kept).
    pub fn absorb(&mut self, o: &Tally) {
        self.expected += o.expected;
        self.acknowledged += o.acknowledged;
        self.submitted += o.submitted;
        self.late += o.late;
        self.accepted += o.accepted;
        self.returned += o.returned;
        self.late_returned += o.late_returned;
    }
}

/// Where one recipient stands, as the tallies count it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mark {
    pub acknowledged: bool,
    pub submitted: bool,
    pub late: bool,
    pub accepted: bool,
    pub returned: bool,
}

impl Mark {
    /// The mark of a submission row (`None`: no submission yet).
    pub fn of(acknowledged: bool, s: Option<(SubmissionStatus, i32, bool)>) -> Mark {
        let (status, version, late) = s.unwrap_or((SubmissionStatus::Draft, 0, false));
        let submitted = version > 0;
        Mark {
            acknowledged,
            submitted,
            late: submitted && late,
            accepted: status.is_accepted(),
            returned: status.is_returned(),
        }
    }

    /// What moving from `self` to `to` adds to acknowledged, submitted, late, accepted,
    /// returned and late_returned.
    pub(crate) fn delta(self, to: Mark) -> [i64; 6] {
        let d = |a: bool, b: bool| b as i64 - a as i64;
        [
            d(self.acknowledged, to.acknowledged),
            d(self.submitted, to.submitted),
            d(self.late, to.late),
            d(self.accepted, to.accepted),
            d(self.returned, to.returned),
            d(self.returned && self.late, to.returned && to.late),
        ]
    }
}

/// Takes the tallies' table lock on PostgreSQL at the start of a transaction that will
/// [`shift`] ([`Lock::Share`]: a lock that many such transactions hold at once) or
/// [`refresh`] ([`Lock::Exclusive`]: waits for those in flight and holds them off). A
/// refresh recounts from what is committed, so a shift must neither read its state before a
/// refresh and apply it after (it would count twice) nor apply it to rows a refresh is
/// replacing (it would be lost). SQLite runs one writer at a time, so it needs none.
pub async fn lock(tx: &mut Tx, mode: Lock) -> Result<(), StoreError> {
    if let Tx::Pg(t) = tx {
        let sql = match mode {
            Lock::Share => "LOCK TABLE task_tallies IN ROW EXCLUSIVE MODE",
            Lock::Exclusive => "LOCK TABLE task_tallies IN SHARE ROW EXCLUSIVE MODE",
        };
        sqlx::query(sql).execute(&mut *t.tx).await?;
    }
    Ok(())
}

/// The mode of [`lock`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Before a [`shift`].
    Share,
    /// Before a [`refresh`].
    Exclusive,
}

/// Recomputes the rows of `task_id` in transaction `tx` (one statement over its recipients
/// and their ancestors). Take [`lock`] (`Exclusive`) first.
pub async fn refresh(tx: &mut Tx, task_id: i64) -> Result<(), StoreError> {
    on_tx!(tx, |tx| {
        sqlx::query("DELETE FROM task_tallies WHERE task_id = $1")
            .bind(task_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(sqlx::AssertSqlSafe(refresh_sql()))
            .bind(task_id)
            .execute(&mut *tx)
            .await?;
    });
    Ok(())
}

/// `INSERT … WITH RECURSIVE … SELECT`: the rows of task `$1` from its recipients.
pub(crate) fn refresh_sql() -> String {
    format!("INSERT INTO task_tallies ({TALLY_COLS}) {MARKS}{FRESH}")
}

/// Moves one recipient of `task_id` at `path` from mark `from` to `to` on its stripe of the
/// rows of the organisations above it, in transaction `tx`. Nothing is written when the
/// marks agree. Take [`lock`] (`Share`) first.
pub async fn shift(
    tx: &mut Tx,
    task_id: i64,
    path: &str,
    from: Mark,
    to: Mark,
) -> Result<(), StoreError> {
    if from != to {
        let (above, org_id) = split_path(path)?;
        let sql = shift_sql(above.len());
        on_tx!(tx, |tx| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(task_id);
            for d in from.delta(to) {
                q = q.bind(d);
            }
            q = q.bind(org_id.rem_euclid(STRIPES));
            for id in above {
                q = q.bind(id);
            }
            q.execute(&mut *tx).await?;
        });
    }
    Ok(())
}

/// The ids of the organisations strictly above the one at `path` (root first), and its own.
pub(crate) fn split_path(path: &str) -> Result<(Vec<i64>, i64), StoreError> {
    let corrupt = || StoreError::Corrupt(format!("org path {path}"));
    let mut ids: Vec<i64> = OrgPath::from_stored(path.to_owned())
        .ok_or_else(corrupt)?
        .ids()
        .collect();
    let own = ids.pop().ok_or_else(corrupt)?;
    Ok((ids, own))
}

/// The update of [`shift`] for `n` organisations above (`$9…`), on stripe `$8`.
pub(crate) fn shift_sql(n: usize) -> String {
    let list = if n == 0 {
        "NULL".to_owned()
    } else {
        (0..n)
            .map(|i| format!("${}", i + 9))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "UPDATE task_tallies SET acknowledged = acknowledged + $2, submitted = submitted + $3, \
         late = late + $4, accepted = accepted + $5, returned = returned + $6, \
         late_returned = late_returned + $7 WHERE task_id = $1 AND stripe = $8 AND org_id IN ({list})"
    )
}

/// One stored row: stripe `stripe` of the tally of `(task_id, org_id)`.
#[derive(Debug, PartialEq, Eq, sqlx::FromRow)]
struct StripeRow {
    stripe: i32,
    #[sqlx(flatten)]
    tally: Tally,
}

/// Recomputes the rows of `task_id` from its recipients and compares them, stripe by
/// stripe, with the stored ones; returns the differences (empty when they agree).
pub async fn check(db: &Db, task_id: i64) -> Result<Vec<String>, StoreError> {
    let fresh_sql = format!("{MARKS}{FRESH}");
    let fresh: Vec<StripeRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(fresh_sql.as_str()))
        .bind(task_id)
        .fetch_all(p)
        .await)?;
    let stored_sql = format!("SELECT {TALLY_COLS} FROM task_tallies WHERE task_id = $1");
    let stored: Vec<StripeRow> =
        on_db!(db, |p| sqlx::query_as(AssertSqlSafe(stored_sql.as_str()))
            .bind(task_id)
            .fetch_all(p)
            .await)?;
    let key = |r: &StripeRow| (r.tally.org_id, r.stripe);
    let fresh: BTreeMap<(i64, i32), StripeRow> = fresh.into_iter().map(|r| (key(&r), r)).collect();
    let stored: BTreeMap<(i64, i32), StripeRow> =
        stored.into_iter().map(|r| (key(&r), r)).collect();
    let mut diffs = Vec::new();
    for at in fresh.keys().chain(stored.keys()).collect::<BTreeSet<_>>() {
        let (f, s) = (fresh.get(at), stored.get(at));
        if f != s {
            let (org, stripe) = at;
            diffs.push(format!(
                "org {org} stripe {stripe}: stored {s:?}, recomputed {f:?}"
            ));
        }
    }
    Ok(diffs)
}

/// [`check`] for every task, each difference prefixed with its task.
pub async fn check_all(db: &Db) -> Result<Vec<String>, StoreError> {
    let ids: Vec<i64> = on_db!(db, |p| sqlx::query_scalar(
        "SELECT id FROM tasks ORDER BY id"
    )
    .fetch_all(p)
    .await)?;
    let mut out = Vec::new();
    for id in ids {
        out.extend(
            check(db, id)
                .await?
                .into_iter()
                .map(|d| format!("task {id}: {d}")),
        );
    }
    Ok(out)
}
