//! Reporting tasks (报送任务), submissions with every version kept, dashboards computed live,
//! and the sources of a compiled (roll-up) submission.
//!
//! A task's recipients are the deliveries of its notice (`all_recipients`) or the subset
//! listed in `task_recipients`, always intersected with the deliveries, so a task on a draft
//! notice expects nobody until the notice is issued. A relayed task points at the task it
//! relays (`parent_task_id`); dashboards walk that tree with one recursive CTE and count per
//! subtree of the org tree with the materialised paths, in one grouped query per view.
//!
//! For reminders (催办), a task exposes its deadline, its recipients and who has submitted
//! ([`expected`]) and its parent task.

use crate::files::Staged;
use crate::orgs::Page;
use crate::states::{MaybeStored, Stored};
use crate::tallies::{self, Mark, Tally};
use crate::{Backend, Db, StoreError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use renke_domain::org::OrgPath;
use renke_domain::task::{
    AttachmentRule, Chip, Deadline, LengthRule, SubmissionContent, SubmissionEvent,
    SubmissionStatus, TaskDraft, TaskKind, VersionOutcome,
};
use serde::Serialize;
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// Tasks by deadline, soonest first, those due 及时报送 (without one) after them: one order
/// on both databases (PostgreSQL and SQLite place NULLs differently).
const BY_DEADLINE: &str = "t.deadline IS NULL, t.deadline";

/// A task as stored, with its notice and the organisation it is submitted to.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub id: i64,
    pub notice_id: i64,
    pub notice_doc_number: Option<String>,
    pub notice_title: String,
    pub notice_issued: bool,
    pub issuer_org_id: i64,
    #[serde(skip)]
    pub issuer_path: OrgPath,
    pub parent_task_id: Option<i64>,
    pub kind: TaskKind,
    pub title: String,
    pub instructions: Option<String>,
    /// None: 及时报送, no fixed deadline.
    pub deadline: Option<Deadline>,
    pub submit_to_org_id: i64,
    pub submit_to_name: String,
    #[serde(skip)]
    pub submit_to_path: OrgPath,
    pub submit_to_dept: Option<String>,
    pub length: Option<LengthRule>,
    pub attachments: AttachmentRule,
    pub attachment_types: Vec<String>,
    pub attachment_max_bytes: i64,
    pub paper_required: bool,
    pub all_recipients: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: i64,
    notice_id: i64,
    notice_doc_number: Option<String>,
    notice_title: String,
    notice_status: String,
    issuer_org_id: i64,
    issuer_path: String,
    parent_task_id: Option<i64>,
    kind: String,
    title: String,
    instructions: Option<String>,
    deadline: Option<DateTime<Utc>>,
    submit_to_org_id: i64,
    submit_to_name: String,
    submit_to_path: String,
    submit_to_dept: Option<String>,
    length_target: Option<i32>,
    length_tolerance: Option<i32>,
    attachments: String,
    attachment_types: String,
    attachment_max_bytes: i64,
    paper_required: bool,
    all_recipients: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const TASK_COLS: &str = "t.id, t.notice_id, n.doc_number AS notice_doc_number, n.title AS notice_title, \
    n.status AS notice_status, n.issuer_org_id, io.path AS issuer_path, t.parent_task_id, t.kind, t.title, \
    t.instructions, t.deadline, t.submit_to_org_id, so.name AS submit_to_name, so.path AS submit_to_path, \
    t.submit_to_dept, t.length_target, t.length_tolerance, t.attachments, t.attachment_types, \
    t.attachment_max_bytes, t.paper_required, t.all_recipients, t.created_at, t.updated_at";
const TASK_FROM: &str = "FROM tasks t JOIN notices n ON n.id = t.notice_id JOIN orgs io ON io.id = n.issuer_org_id \
    JOIN orgs so ON so.id = t.submit_to_org_id";

fn corrupt(e: renke_domain::FieldError) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn path(s: String) -> Result<OrgPath, StoreError> {
    OrgPath::from_stored(s.clone()).ok_or(StoreError::Corrupt(s))
}

impl TryFrom<TaskRow> for Task {
    type Error = StoreError;
    fn try_from(r: TaskRow) -> Result<Task, StoreError> {
        Ok(Task {
            kind: TaskKind::parse("kind", &r.kind).map_err(corrupt)?,
            attachments: AttachmentRule::parse("attachments", &r.attachments).map_err(corrupt)?,
            issuer_path: path(r.issuer_path)?,
            submit_to_path: path(r.submit_to_path)?,
            length: r.length_target.map(|t| LengthRule {
                target: t.max(0) as u32,
                tolerance: r.length_tolerance.unwrap_or(0).max(0) as u32,
            }),
            attachment_types: r
                .attachment_types
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            id: r.id,
            notice_id: r.notice_id,
            notice_doc_number: r.notice_doc_number,
            notice_title: r.notice_title,
            notice_issued: r.notice_status == "issued",
            issuer_org_id: r.issuer_org_id,
            parent_task_id: r.parent_task_id,
            title: r.title,
            instructions: r.instructions,
            deadline: r.deadline.map(Deadline::from_utc),
            submit_to_org_id: r.submit_to_org_id,
            submit_to_name: r.submit_to_name,
            submit_to_dept: r.submit_to_dept,
            attachment_max_bytes: r.attachment_max_bytes,
            paper_required: r.paper_required,
            all_recipients: r.all_recipients,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

pub(crate) const INSERT_TASK: &str = "INSERT INTO tasks (notice_id, parent_task_id, kind, title, instructions, deadline, \
    submit_to_org_id, submit_to_dept, length_target, length_tolerance, attachments, attachment_types, \
    attachment_max_bytes, paper_required, all_recipients, created_by, created_at, updated_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id";

/// Inserts task draft `d` on notice `notice_id` (relaying `parent`) with its explicit
/// recipients and its tallies (none while the notice is a draft), in transaction `tx`;
/// returns the new id. Used by [`create_in`] and by `notices::create_relay`, which writes a
/// relay notice and its tasks in one transaction.
pub(crate) async fn insert(
    tx: &mut Tx,
    notice_id: i64,
    parent: Option<i64>,
    d: &TaskDraft,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let backend = tx.backend();
    let id: i64 = on_tx!(tx, |tx| {
        let id: i64 = sqlx::query_scalar(INSERT_TASK)
            .bind(notice_id)
            .bind(parent)
            .bind(d.kind.as_str())
            .bind(d.title.as_str())
            .bind(&d.instructions)
            .bind(d.deadline.map(Deadline::at))
            .bind(d.submit_to_org_id)
            .bind(d.submit_to_dept.as_ref().map(|s| s.as_str()))
            .bind(d.length.map(|l| l.target as i32))
            .bind(d.length.map(|l| l.tolerance as i32))
            .bind(d.attachments.as_str())
            .bind(d.attachment_types.join(","))
            .bind(d.attachment_max_bytes)
            .bind(d.paper_required)
            .bind(d.recipient_org_ids.is_empty())
            .bind(by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        for chunk in d.recipient_org_ids.chunks(crate::rows::ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO task_recipients (task_id, org_id) VALUES {} ON CONFLICT DO NOTHING",
                crate::rows::placeholders(backend, chunk.len(), 2)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for org in chunk {
                q = q.bind(id).bind(*org);
            }
            q.execute(&mut *tx).await?;
        }
        id
    });
    // A task on an issued notice has recipients at once.
    tallies::refresh(tx, id).await?;
    Ok(id)
}

/// Stores a validated task on a notice; `parent` links a relayed task to the task it relays
/// (one relay per task and notice: `tasks_notice_id_parent_task_id_key`).
pub async fn create(
    db: &Db,
    notice_id: i64,
    parent: Option<i64>,
    d: &TaskDraft,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Task, StoreError> {
    let mut tx = db.write().await?;
    let id = create_in(&mut tx, notice_id, parent, d, by, now).await?;
    // How many deliveries the task's queries join it to: PostgreSQL plans them by the
    // statistics of `tasks`, and a task on a notice to thousands refreshes them.
    let deliveries: i64 = on_tx!(&mut tx, |tx| match db.backend() {
        Backend::Postgres => {
            sqlx::query_scalar("SELECT COUNT(*) FROM notice_deliveries WHERE notice_id = $1")
                .bind(notice_id)
                .fetch_one(&mut *tx)
                .await?
        }
        Backend::Sqlite => 0,
    });
    tx.commit().await?;
    crate::db::analyze_after_bulk(db, "task_tallies, tasks", deliveries as u64).await;
    get(db, id).await
}

/// [`create`] in transaction `tx`; returns the new task's id. PostgreSQL's statistics are
/// left to the caller (`create` refreshes them after a task on a notice to thousands).
pub async fn create_in(
    tx: &mut Tx,
    notice_id: i64,
    parent: Option<i64>,
    d: &TaskDraft,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    tallies::lock(tx, tallies::Lock::Exclusive).await?;
    insert(tx, notice_id, parent, d, by, now).await
}

pub async fn get(db: &Db, id: i64) -> Result<Task, StoreError> {
    let sql = format!("SELECT {TASK_COLS} {TASK_FROM} WHERE t.id = $1");
    let row: TaskRow = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_one(p)
        .await)?;
    row.try_into()
}

/// The tasks of a notice, by deadline.
pub async fn for_notice(db: &Db, notice_id: i64) -> Result<Vec<Task>, StoreError> {
    let sql = format!(
        "SELECT {TASK_COLS} {TASK_FROM} WHERE t.notice_id = $1 ORDER BY {BY_DEADLINE}, t.id"
    );
    let rows: Vec<TaskRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(notice_id)
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(Task::try_from).collect()
}

/// The tasks relaying this one (one per relaying notice).
pub async fn relays_of(db: &Db, task_id: i64) -> Result<Vec<Task>, StoreError> {
    let sql = format!(
        "SELECT {TASK_COLS} {TASK_FROM} WHERE t.parent_task_id = $1 ORDER BY io.path, t.id"
    );
    let rows: Vec<TaskRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(task_id)
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(Task::try_from).collect()
}

/// The explicit recipients of a task (empty when it goes to every recipient of its notice).
pub async fn explicit_recipients(db: &Db, task_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_scalar(
        "SELECT org_id FROM task_recipients WHERE task_id = $1 ORDER BY org_id"
    )
    .bind(task_id)
    .fetch_all(p)
    .await)?)
}

/// The expected recipients of task `$1`: deliveries of its notice, limited to the explicit
/// recipients when there are any. Columns: org_id, acknowledged_at.
const EXPECTED_ONE: &str = "SELECT d.org_id, d.acknowledged_at FROM tasks t \
    JOIN notice_deliveries d ON d.notice_id = t.notice_id WHERE t.id = $1 \
    AND (t.all_recipients OR EXISTS (SELECT 1 FROM task_recipients r WHERE r.task_id = t.id AND r.org_id = d.org_id))";

/// Whether `org_id` is expected to answer task `task_id`.
pub async fn is_recipient(db: &Db, task_id: i64, org_id: i64) -> Result<bool, StoreError> {
    let sql = format!("SELECT COUNT(*) FROM ({EXPECTED_ONE}) e WHERE e.org_id = $2");
    let n: i64 = on_db!(db, |p| sqlx::query_scalar(AssertSqlSafe(sql.as_str()))
        .bind(task_id)
        .bind(org_id)
        .fetch_one(p)
        .await)?;
    Ok(n > 0)
}

/// One expected recipient of a task and where its submission stands.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExpectedRow {
    pub task_id: i64,
    /// 0 for the task asked about, 1 for its relays, 2 for relays of relays.
    pub depth: i32,
    /// None: 及时报送.
    pub deadline: Option<DateTime<Utc>>,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub submission_id: Option<i64>,
    #[sqlx(try_from = "MaybeStored<SubmissionStatus>")]
    pub status: Option<SubmissionStatus>,
    pub version: Option<i32>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub late: Option<bool>,
    /// The task asks for a paper copy (纸质版).
    pub paper_required: bool,
    /// When the paper copy was received, if it was.
    pub paper_received_on: Option<NaiveDate>,
}

impl ExpectedRow {
    pub fn has_submitted(&self) -> bool {
        self.version.unwrap_or(0) > 0
    }
    pub fn chip(&self, now: DateTime<Utc>) -> Chip {
        Chip::of(
            self.deadline,
            self.first_submitted_at.filter(|_| self.has_submitted()),
            self.status.is_some_and(SubmissionStatus::is_returned),
            self.status.is_some_and(SubmissionStatus::is_accepted),
            now,
        )
    }
}

/// The task tree (`tt`: the roots and their relays, with depth) and its expected recipients
/// (`ex`). `$1` is a task id, `$2` a notice id (every task of the notice); pass -1 for the
/// one not used.
const TREE: &str = "WITH RECURSIVE tt(id, depth) AS ( \
      SELECT id, 0 FROM tasks WHERE id = $1 OR notice_id = $2 \
      UNION ALL \
      SELECT t.id, tt.depth + 1 FROM tasks t JOIN tt ON t.parent_task_id = tt.id WHERE tt.depth < 16), \
    ex AS ( \
      SELECT tt.id AS task_id, tt.depth, t.deadline, d.org_id, d.acknowledged_at FROM tt \
      JOIN tasks t ON t.id = tt.id JOIN notice_deliveries d ON d.notice_id = t.notice_id \
      WHERE t.all_recipients OR EXISTS ( \
        SELECT 1 FROM task_recipients r WHERE r.task_id = t.id AND r.org_id = d.org_id))";

const EXPECTED_COLS: &str = "e.task_id, e.depth, e.deadline, e.org_id, o.name AS org_name, o.path AS org_path, \
    e.acknowledged_at, s.id AS submission_id, s.status, s.version, s.first_submitted_at, s.submitted_at, s.late, \
    pt.paper_required, s.paper_received_on";

/// Which recipients a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    All,
    /// Not submitted yet.
    Missing,
    Late,
    Returned,
    Submitted,
    /// A paper copy is asked for and has not been received (纸质版未收到).
    PaperMissing,
}

impl Filter {
    pub fn parse(s: &str) -> Filter {
        match s {
            "missing" => Filter::Missing,
            "late" => Filter::Late,
            "returned" => Filter::Returned,
            "submitted" => Filter::Submitted,
            "paper_missing" => Filter::PaperMissing,
            _ => Filter::All,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Missing => "missing",
            Filter::Late => "late",
            Filter::Returned => "returned",
            Filter::Submitted => "submitted",
            Filter::PaperMissing => "paper_missing",
        }
    }
}

/// Every expected recipient of a task and of its relays, with its submission state (for
/// reminders: who has not submitted, and the deadline that applies to each).
pub async fn expected(db: &Db, task_id: i64) -> Result<Vec<ExpectedRow>, StoreError> {
    let sql = format!(
        "{TREE} SELECT {EXPECTED_COLS} FROM ex e JOIN orgs o ON o.id = e.org_id \
         JOIN tasks pt ON pt.id = e.task_id \
         LEFT JOIN submissions s ON s.task_id = e.task_id AND s.org_id = e.org_id \
         ORDER BY e.depth, o.path"
    );
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(task_id)
        .bind(-1_i64)
        .fetch_all(p)
        .await)?)
}

/// What a dashboard scopes to: one task (with its relays) or every task of a notice.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    Task(i64),
    Notice(i64),
}

/// Which relay levels a dashboard counts and lists: the scope's own addressees (本级, the
/// default: at SAMR's dashboard of 764号 the 32 provinces, not their cities as well), or
/// every level down the relays. The table per level always shows every level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Levels {
    #[default]
    Direct,
    All,
}

impl Levels {
    pub fn parse(s: &str) -> Levels {
        match s {
            "all" => Levels::All,
            _ => Levels::Direct,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Levels::Direct => "direct",
            Levels::All => "all",
        }
    }
    /// Whether tasks at relay depth `depth` are counted and listed.
    fn counts(self, depth: i32) -> bool {
        self == Levels::All || depth == 0
    }
}

impl Scope {
    fn ids(self) -> (i64, i64) {
        match self {
            Scope::Task(t) => (t, -1),
            Scope::Notice(n) => (-1, n),
        }
    }
}

/// Which rows of a recipient list a segment holds: the list shows the missing first, then
/// the returned, then the rest sent, each by relay level and tree order.
#[derive(Debug, Clone, Copy)]
enum Segment {
    Missing,
    Returned {
        late_only: bool,
    },
    Sent {
        late_only: bool,
    },
    /// Not counted by the tallies: its size is counted when asked for.
    PaperMissing,
}

impl Segment {
    fn of(filter: Filter) -> &'static [Segment] {
        use Segment::*;
        match filter {
            Filter::All => &[
                Missing,
                Returned { late_only: false },
                Sent { late_only: false },
            ],
            Filter::Missing => &[Missing],
            Filter::Late => &[Returned { late_only: true }, Sent { late_only: true }],
            Filter::Returned => &[Returned { late_only: false }],
            Filter::Submitted => &[Returned { late_only: false }, Sent { late_only: false }],
            Filter::PaperMissing => &[PaperMissing],
        }
    }

    /// How many recipients of one task (its tally at the node) the segment holds.
    fn count(self, t: &Tally) -> i64 {
        match self {
            Segment::Missing => t.expected - t.submitted,
            Segment::Returned { late_only: false } => t.returned,
            Segment::Returned { late_only: true } => t.late_returned,
            Segment::Sent { late_only: false } => t.submitted - t.returned,
            Segment::Sent { late_only: true } => t.late - t.late_returned,
            Segment::PaperMissing => 0,
        }
    }

    fn sql(self) -> &'static str {
        match self {
            // NOT EXISTS rather than `COALESCE(s.version, 0) = 0` on the outer join: PostgreSQL
            // estimates the anti-join well and walks the path index, where the COALESCE made
            // it expect a few hundred rows and sort the whole subtree (140 ms at 52,000).
            Segment::Missing => {
                "NOT EXISTS (SELECT 1 FROM submissions m WHERE m.task_id = t.id AND m.org_id = o.id \
                 AND m.version > 0)"
            }
            Segment::Returned { late_only: false } => "s.status = 'returned'",
            Segment::Returned { late_only: true } => "s.status = 'returned' AND s.late",
            Segment::Sent { late_only: false } => {
                "COALESCE(s.version, 0) > 0 AND s.status <> 'returned'"
            }
            Segment::Sent { late_only: true } => {
                "COALESCE(s.version, 0) > 0 AND s.status <> 'returned' AND s.late"
            }
            Segment::PaperMissing => "t.paper_required AND s.paper_received_on IS NULL",
        }
    }
}

/// The recipients in the subtree of the dashboard's node, filtered and paged: the missing
/// first, then the returned, then the rest, each by relay level and tree order. The
/// dashboard's tallies say how many rows each segment and level holds, so a page reads
/// only its own rows: each query walks the organisations in path order from the node and
/// stops at the page's end.
pub async fn recipients(
    db: &Db,
    dash: &Dashboard,
    filter: Filter,
    offset: i64,
    limit: i64,
) -> Result<Page<ExpectedRow>, StoreError> {
    let limit = limit.clamp(1, 500);
    let offset = offset.max(0);
    let mut depths: Vec<i32> = dash.tasks.iter().map(|t| t.depth).collect();
    depths.sort_unstable();
    depths.dedup();
    let segments = Segment::of(filter);
    let mut total = 0;
    let mut parts = Vec::new();
    for seg in segments {
        for &depth in &depths {
            let at: Vec<&TaskAtNode> = dash.tasks.iter().filter(|t| t.depth == depth).collect();
            let n: i64 = match seg {
                Segment::PaperMissing => count_segment(db, dash, *seg, &at).await?,
                _ => at.iter().map(|t| seg.count(&t.tally)).sum(),
            };
            if n > 0 {
                parts.push((*seg, depth, at, total, n));
                total += n;
            }
        }
    }
    let mut items: Vec<ExpectedRow> = Vec::new();
    for (seg, depth, at, start, n) in parts {
        let want = limit - items.len() as i64;
        if want == 0 {
            break;
        }
        if start + n <= offset {
            continue;
        }
        let skip = (offset - start).max(0);
        let ids: Vec<i64> = at.iter().map(|t| t.task_id).collect();
        // DIALECT: CROSS JOIN makes SQLite walk the organisations in path order (the
        // planner keeps the written order); PostgreSQL reads it as an inner join.
        let sql = format!(
            "SELECT t.id AS task_id, CAST({depth} AS INTEGER) AS depth, t.deadline, o.id AS org_id, \
             o.name AS org_name, o.path AS org_path, d.acknowledged_at, s.id AS submission_id, \
             s.status, s.version, s.first_submitted_at, s.submitted_at, s.late, \
             t.paper_required, s.paper_received_on \
             FROM orgs o CROSS JOIN tasks t \
             JOIN notice_deliveries d ON d.notice_id = t.notice_id AND d.org_id = o.id \
             LEFT JOIN submissions s ON s.task_id = t.id AND s.org_id = o.id \
             WHERE o.path >= $1 AND o.path < $2 AND t.id IN ({}) AND (t.all_recipients OR EXISTS ( \
               SELECT 1 FROM task_recipients r WHERE r.task_id = t.id AND r.org_id = o.id)) \
             AND {} ORDER BY o.path, t.id LIMIT {} OFFSET {skip}",
            crate::rows::ints(&ids),
            seg.sql(),
            want.min(n - skip),
        );
        let rows: Vec<ExpectedRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(dash.node_path.as_str())
            .bind(dash.node_path.upper_bound())
            .fetch_all(p)
            .await)?;
        items.extend(rows);
    }
    Ok(Page {
        items,
        total,
        offset,
        limit,
    })
}

/// How many recipients of the tasks `at` in the subtree of the dashboard's node a segment
/// holds, counted from the rows (for a segment the tallies do not keep).
async fn count_segment(
    db: &Db,
    dash: &Dashboard,
    seg: Segment,
    at: &[&TaskAtNode],
) -> Result<i64, StoreError> {
    let ids: Vec<i64> = at.iter().map(|t| t.task_id).collect();
    let sql = format!(
        "SELECT COUNT(*) FROM orgs o CROSS JOIN tasks t \
         JOIN notice_deliveries d ON d.notice_id = t.notice_id AND d.org_id = o.id \
         LEFT JOIN submissions s ON s.task_id = t.id AND s.org_id = o.id \
         WHERE o.path >= $1 AND o.path < $2 AND t.id IN ({}) AND (t.all_recipients OR EXISTS ( \
           SELECT 1 FROM task_recipients r WHERE r.task_id = t.id AND r.org_id = o.id)) AND {}",
        crate::rows::ints(&ids),
        seg.sql(),
    );
    Ok(on_db!(db, |p| sqlx::query_scalar(AssertSqlSafe(
        sql.as_str()
    ))
    .bind(dash.node_path.as_str())
    .bind(dash.node_path.upper_bound())
    .fetch_one(p)
    .await)?)
}

/// Counts of one group of expected recipients.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Counts {
    pub expected: i64,
    pub acknowledged: i64,
    pub submitted: i64,
    pub on_time: i64,
    pub late: i64,
    pub missing: i64,
    pub accepted: i64,
    pub returned: i64,
    /// Not submitted and past the deadline.
    pub overdue: i64,
    /// Not submitted and due within three days.
    pub due_soon: i64,
}

impl Counts {
    /// The chip of a group: red when someone is overdue, yellow when someone is due soon or
    /// returned, green when everyone has submitted, grey otherwise.
    pub fn chip(&self) -> Chip {
        if self.overdue > 0 {
            Chip::Overdue
        } else if self.returned > 0 {
            Chip::Returned
        } else if self.due_soon > 0 {
            Chip::DueSoon
        } else if self.expected > 0 && self.missing == 0 {
            if self.late > 0 {
                Chip::Late
            } else {
                Chip::OnTime
            }
        } else {
            Chip::NotStarted
        }
    }
}

/// One row of a dashboard: an organisation and the counts of its subtree.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OrgCounts {
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub counts: Counts,
}

/// Counts per relay level (0: the task's own recipients, 1: recipients of its relays …).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LevelCounts {
    pub depth: i32,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub counts: Counts,
}

/// A dashboard at one node of the org tree: totals of its subtree, the node itself when it
/// is a recipient, each child with its subtree's counts (all over the levels counted), and
/// totals per relay level (every level).
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// Which levels `total`, `own`, `children` and the recipients list count.
    pub counted: Levels,
    pub total: Counts,
    pub own: Option<Counts>,
    pub children: Vec<OrgCounts>,
    pub levels: Vec<LevelCounts>,
    /// The node's path (the subtree [`recipients`] lists).
    #[serde(skip)]
    pub node_path: OrgPath,
    /// Each task of the scope with its tally over the node's subtree, node included.
    #[serde(skip)]
    pub tasks: Vec<TaskAtNode>,
}

/// One task of a dashboard's scope and its recipients in the node's subtree.
#[derive(Debug, Clone)]
pub struct TaskAtNode {
    pub task_id: i64,
    pub depth: i32,
    pub deadline: Option<DateTime<Utc>>,
    pub tally: Tally,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.expected += o.expected;
        self.acknowledged += o.acknowledged;
        self.submitted += o.submitted;
        self.on_time += o.on_time;
        self.late += o.late;
        self.missing += o.missing;
        self.accepted += o.accepted;
        self.returned += o.returned;
        self.overdue += o.overdue;
        self.due_soon += o.due_soon;
    }

    /// The counts of a tally of one task due at `deadline`, seen at `now`: its missing are
    /// overdue past the deadline and due soon within three days of it (never, without one).
    fn of(t: &Tally, deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Counts {
        let soon = now + chrono::Duration::days(renke_domain::task::DUE_SOON_DAYS);
        let missing = t.expected - t.submitted;
        Counts {
            expected: t.expected,
            acknowledged: t.acknowledged,
            submitted: t.submitted,
            on_time: t.submitted - t.late,
            late: t.late,
            missing,
            accepted: t.accepted,
            returned: t.returned,
            overdue: if deadline.is_some_and(|d| d < now) {
                missing
            } else {
                0
            },
            due_soon: if deadline.is_some_and(|d| d >= now && d < soon) {
                missing
            } else {
                0
            },
        }
    }

    /// How many recipients a list with `filter` shows.
    pub fn matching(&self, filter: Filter) -> i64 {
        match filter {
            Filter::All => self.expected,
            Filter::Missing => self.missing,
            Filter::Late => self.late,
            Filter::Returned => self.returned,
            Filter::Submitted => self.submitted,
            // Not kept in the counts; the list counts it.
            Filter::PaperMissing => 0,
        }
    }
}

/// The tasks of a scope (the roots and their relays, with depth): `$1` is a task id, `$2` a
/// notice id (every task of the notice); -1 for the one not used.
const TASK_TREE: &str = "WITH RECURSIVE tt(id, depth) AS ( \
      SELECT id, 0 FROM tasks WHERE id = $1 OR notice_id = $2 \
      UNION ALL \
      SELECT t.id, tt.depth + 1 FROM tasks t JOIN tt ON t.parent_task_id = tt.id WHERE tt.depth < 16) \
    SELECT tt.id, tt.depth, t.deadline FROM tt JOIN tasks t ON t.id = tt.id ORDER BY tt.depth, tt.id";

/// The dashboard of `scope` at the node `node` (id and path), counting the relay levels
/// `counted`. Reads the tallies of the node and of its children (see [`crate::tallies`])
/// and the own state of the node and of each child that is itself a recipient: its cost
/// follows the number of children and tasks, not the number of recipients below.
pub async fn dashboard(
    db: &Db,
    scope: Scope,
    counted: Levels,
    node_id: i64,
    node: &OrgPath,
    now: DateTime<Utc>,
) -> Result<Dashboard, StoreError> {
    let (t, n) = scope.ids();
    let tree: Vec<(i64, i32, Option<DateTime<Utc>>)> = on_db!(db, |p| sqlx::query_as(TASK_TREE)
        .bind(t)
        .bind(n)
        .fetch_all(p)
        .await)?;
    let kids: Vec<(i64, String, String)> = on_db!(db, |p| sqlx::query_as(
        "SELECT id, name, path FROM orgs WHERE parent_id = $1"
    )
    .bind(node_id)
    .fetch_all(p)
    .await)?;
    let (below, own) = if tree.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let ids = crate::rows::ints(&tree.iter().map(|t| t.0).collect::<Vec<_>>());
        // The node and its children, as one list (an `OR` of two conditions here made
        // PostgreSQL read every delivery of the task's notice: 52,000 rows for 33).
        let at_node =
            |col: &str| format!("{col} IN (SELECT id FROM orgs WHERE id = $1 OR parent_id = $1)");
        let below_sql = format!(
            "SELECT {} FROM task_tallies WHERE task_id IN ({ids}) AND {} \
             GROUP BY task_id, org_id",
            tallies::SUMMED,
            at_node("org_id")
        );
        let below: Vec<Tally> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(below_sql.as_str()))
            .bind(node_id)
            .fetch_all(p)
            .await)?;
        let own_sql = format!(
            "SELECT t.id, d.org_id, d.acknowledged_at, s.status, s.version, s.late FROM tasks t \
             JOIN notice_deliveries d ON d.notice_id = t.notice_id \
             LEFT JOIN submissions s ON s.task_id = t.id AND s.org_id = d.org_id \
             WHERE t.id IN ({ids}) AND {} AND (t.all_recipients OR EXISTS ( \
               SELECT 1 FROM task_recipients r WHERE r.task_id = t.id AND r.org_id = d.org_id))",
            at_node("d.org_id")
        );
        type OwnRow = (
            i64,
            i64,
            Option<DateTime<Utc>>,
            MaybeStored<SubmissionStatus>,
            Option<i32>,
            Option<bool>,
        );
        let own: Vec<OwnRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(own_sql.as_str()))
            .bind(node_id)
            .fetch_all(p)
            .await)?;
        (below, own)
    };
    // Per task: the node's subtree (its tally plus its own state), and per child the same.
    let below: HashMap<(i64, i64), Tally> = below
        .into_iter()
        .map(|b| ((b.task_id, b.org_id), b))
        .collect();
    let mut itself: HashMap<(i64, i64), Tally> = HashMap::new();
    for (task_id, org_id, ack, status, version, late) in own {
        let sub = status
            .0
            .zip(version)
            .map(|(s, v)| (s, v, late.unwrap_or(false)));
        itself
            .entry((task_id, org_id))
            .or_default()
            .add(Mark::of(ack.is_some(), sub));
    }
    let mut total = Counts::default();
    let mut own_counts = Counts::default();
    let mut children: Vec<OrgCounts> = Vec::new();
    let mut child_at: HashMap<i64, usize> = HashMap::new();
    let mut levels: Vec<LevelCounts> = Vec::new();
    let mut tasks = Vec::with_capacity(tree.len());
    for &(task_id, depth, deadline) in &tree {
        let at = |org: i64| {
            let own = itself.get(&(task_id, org)).copied().unwrap_or_default();
            let mut sum = below.get(&(task_id, org)).copied().unwrap_or_default();
            sum.absorb(&own);
            (sum, own)
        };
        let (mut sum, itself) = at(node_id);
        let c = Counts::of(&sum, deadline, now);
        if sum.expected > 0 {
            match levels.iter_mut().find(|l| l.depth == depth) {
                Some(l) => l.counts.add(&c),
                None => levels.push(LevelCounts {
                    depth,
                    counts: c.clone(),
                }),
            }
        }
        if !counted.counts(depth) {
            continue;
        }
        for (kid, name, path) in &kids {
            let (k, _) = at(*kid);
            if k.expected == 0 {
                continue;
            }
            let c = Counts::of(&k, deadline, now);
            match child_at.get(kid) {
                Some(&i) => children[i].counts.add(&c),
                None => {
                    child_at.insert(*kid, children.len());
                    children.push(OrgCounts {
                        org_id: *kid,
                        org_name: name.clone(),
                        org_path: path.clone(),
                        counts: c,
                    });
                }
            }
        }
        own_counts.add(&Counts::of(&itself, deadline, now));
        total.add(&c);
        sum.task_id = task_id;
        sum.org_id = node_id;
        tasks.push(TaskAtNode {
            task_id,
            depth,
            deadline,
            tally: sum,
        });
    }
    levels.sort_by_key(|l| l.depth);
    children.sort_by(|a, b| a.org_path.cmp(&b.org_path));
    Ok(Dashboard {
        counted,
        total,
        own: (own_counts.expected > 0).then_some(own_counts),
        children,
        levels,
        node_path: node.clone(),
        tasks,
    })
}

// ---------------------------------------------------------------- submissions

/// A submission: the working copy (what a draft holds, or the latest version sent) and
/// where it stands.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Submission {
    pub id: i64,
    pub task_id: i64,
    pub org_id: i64,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: String,
    #[sqlx(try_from = "Stored<SubmissionStatus>")]
    pub status: SubmissionStatus,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub activities: Option<i64>,
    pub participants: Option<i64>,
    pub publicity_items: Option<i64>,
    pub compiled: bool,
    /// Number of versions sent.
    pub version: i32,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// First sent after the deadline.
    pub late: bool,
    pub paper_received_on: Option<NaiveDate>,
    pub paper_recorded_by: Option<String>,
    pub paper_recorded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Submission {
    pub fn status(&self) -> SubmissionStatus {
        self.status
    }
    pub fn has_submitted(&self) -> bool {
        self.version > 0
    }
    pub fn path(&self) -> Option<OrgPath> {
        OrgPath::from_stored(self.org_path.clone())
    }
}

const SUB_COLS: &str = "s.id, s.task_id, s.org_id, o.name AS org_name, o.path AS org_path, s.status, s.summary, \
    s.body, s.activities, s.participants, s.publicity_items, s.compiled, s.version, s.first_submitted_at, \
    s.submitted_at, s.late, s.paper_received_on, a.display_name AS paper_recorded_by, s.paper_recorded_at, \
    s.created_at, s.updated_at";
const SUB_FROM: &str = "FROM submissions s JOIN orgs o ON o.id = s.org_id \
    LEFT JOIN accounts a ON a.id = s.paper_recorded_by";

/// One version sent, with its outcome.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Version {
    pub version: i32,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub activities: Option<i64>,
    pub participants: Option<i64>,
    pub publicity_items: Option<i64>,
    pub submitted_at: DateTime<Utc>,
    pub submitted_by: Option<String>,
    pub late: bool,
    /// Accepted or returned, or none while under review.
    #[sqlx(try_from = "MaybeStored<VersionOutcome>")]
    pub outcome: Option<VersionOutcome>,
    pub reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
}

pub async fn submission(db: &Db, id: i64) -> Result<Submission, StoreError> {
    let sql = format!("SELECT {SUB_COLS} {SUB_FROM} WHERE s.id = $1");
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_one(p)
        .await)?)
}

/// The submission of `org_id` for `task_id`, if it has started one.
pub async fn submission_of(
    db: &Db,
    task_id: i64,
    org_id: i64,
) -> Result<Option<Submission>, StoreError> {
    let sql = format!("SELECT {SUB_COLS} {SUB_FROM} WHERE s.task_id = $1 AND s.org_id = $2");
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(task_id)
        .bind(org_id)
        .fetch_optional(p)
        .await)?)
}

/// Every version sent, oldest first.
pub async fn versions(db: &Db, submission_id: i64) -> Result<Vec<Version>, StoreError> {
    let sql = "SELECT v.version, v.summary, v.body, v.activities, v.participants, v.publicity_items, \
               v.submitted_at, sa.display_name AS submitted_by, v.late, v.outcome, v.reason, v.decided_at, \
               da.display_name AS decided_by FROM submission_versions v \
               LEFT JOIN accounts sa ON sa.id = v.submitted_by LEFT JOIN accounts da ON da.id = v.decided_by \
               WHERE v.submission_id = $1 ORDER BY v.version";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(submission_id)
        .fetch_all(p)
        .await)?)
}

/// What a write does with the working copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// Save as a draft.
    Draft,
    /// Save and send as a new version.
    Submit,
}

/// Saves (and with [`Write::Submit`] sends) the submission of `org_id` for `task`, in one
/// transaction that re-checks everything: the organisation must be a recipient
/// (`not_a_recipient`), and a submission under review or accepted is not changed
/// (`already_submitted`, `submission_accepted`). A version sent after the deadline is
/// recorded and marked late. `compiled` marks a roll-up draft; `sources` lists the
/// submissions (id, version) it was compiled from.
///
/// The working copy's files: `remove` lists positions of files already attached to drop,
/// `add` (checked and staged by the caller) the files to attach after those kept. Nothing
/// attached is dropped unless named in `remove`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FileChanges<'a> {
    pub add: &'a [Staged],
    pub remove: &'a [i32],
}

impl FileChanges<'_> {
    /// No change: the working copy keeps its files.
    pub const NONE: FileChanges<'static> = FileChanges {
        add: &[],
        remove: &[],
    };
}

/// `files` changes the working copy's list (see [`FileChanges`]). Sending copies the
/// working list to the new version, so every version keeps its own list and a
/// resubmission carries the earlier files forward unless they were removed. The `files`
/// rows are written in this transaction.
#[allow(clippy::too_many_arguments)]
pub async fn write(
    db: &Db,
    task: &Task,
    org_id: i64,
    c: &SubmissionContent,
    mode: Write,
    compiled: Option<&[(i64, i32)]>,
    files: FileChanges<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Submission, StoreError> {
    let mut tx = db.write().await?;
    let id = write_in(&mut tx, task, org_id, c, mode, compiled, files, by, now).await?;
    tx.commit().await?;
    submission(db, id).await
}

/// [`write`] inside the caller's transaction (which it leaves open): returns the
/// submission's id.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn write_in(
    tx: &mut Tx,
    task: &Task,
    org_id: i64,
    c: &SubmissionContent,
    mode: Write,
    compiled: Option<&[(i64, i32)]>,
    files: FileChanges<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let backend = tx.backend();
    // The submission's state, its organisation's path (for the tallies) and whether the
    // organisation is expected to answer, in one statement.
    let state_sql = format!(
        "SELECT s.id, s.status, s.version, s.late, o.path, \
         EXISTS (SELECT 1 FROM ({EXPECTED_ONE}) e WHERE e.org_id = $2) FROM submissions s \
         JOIN orgs o ON o.id = s.org_id WHERE s.task_id = $1 AND s.org_id = $2"
    );
    let late = task.deadline.is_some_and(|d| now > d.at());
    tallies::lock(tx, tallies::Lock::Share).await?;
    let (id, status, next, version, was_late, path) = on_tx!(tx, |tx| {
        // The row first, so the read below finds it; the unique (task_id, org_id) makes a
        // race harmless and a refusal rolls it back. A row returned is a new one.
        let created: Option<i64> = sqlx::query_scalar(
            "INSERT INTO submissions (task_id, org_id, status, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'draft', $3, $4, $4) ON CONFLICT (task_id, org_id) DO NOTHING RETURNING id",
        )
        .bind(task.id)
        .bind(org_id)
        .bind(by)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let (id, status, version, was_late, path, expected): (
            i64,
            Stored<SubmissionStatus>,
            i32,
            bool,
            String,
            bool,
        ) = sqlx::query_as(AssertSqlSafe(state_sql.as_str()))
            .bind(task.id)
            .bind(org_id)
            .fetch_one(&mut *tx)
            .await?;
        // The collector of a task at the top of its chain keeps its summary of the answers
        // here too: a draft, never sent (nobody above receives it).
        let summary = task.parent_task_id.is_none() && org_id == task.submit_to_org_id;
        if summary && mode == Write::Submit {
            return Err(StoreError::State("summary_not_sent"));
        }
        if !expected && !summary {
            return Err(StoreError::State("not_a_recipient"));
        }
        let status = status.0;
        let event = match mode {
            Write::Draft => SubmissionEvent::Save,
            Write::Submit => SubmissionEvent::Submit,
        };
        let next = status.transition(event).map_err(StoreError::State)?;
        // The working copy (version 0) loses the files removed and gains the new ones after
        // those kept; sending copies it to the new version below.
        if !files.remove.is_empty() && created.is_none() {
            let positions = files
                .remove
                .iter()
                .map(|p| i64::from(*p))
                .collect::<Vec<_>>();
            let sql = format!(
                "DELETE FROM submission_files WHERE submission_id = $1 AND version = 0 \
                 AND position IN ({})",
                crate::rows::ints(&positions)
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if !files.add.is_empty() {
            let next_position: i32 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM submission_files \
                 WHERE submission_id = $1 AND version = 0",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            let mut listed: Vec<(i32, i64, &str)> = Vec::new();
            for (i, f) in files.add.iter().enumerate() {
                let file_id: i64 = sqlx::query_scalar(Staged::INSERT)
                    .bind(&f.name)
                    .bind(f.kind.as_str())
                    .bind(f.size)
                    .bind(&f.sha256)
                    .bind(f.org_id)
                    .bind(f.uploaded_by)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                listed.push((next_position + i as i32, file_id, f.name.as_str()));
            }
            for chunk in listed.chunks(crate::rows::ROWS_PER_INSERT) {
                let sql = format!(
                    "INSERT INTO submission_files (submission_id, version, position, file_id, name) VALUES {}",
                    crate::rows::placeholders(backend, chunk.len(), 5)
                );
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for (pos, file_id, name) in chunk {
                    q = q.bind(id).bind(0).bind(*pos).bind(*file_id).bind(*name);
                }
                q.execute(&mut *tx).await?;
            }
        }
        let summary = c.summary.as_ref().map(|s| s.as_str());
        match mode {
            Write::Draft => {
                sqlx::query(
                    "UPDATE submissions SET summary = $1, body = $2, activities = $3, participants = $4, \
                     publicity_items = $5, compiled = (compiled OR $6), updated_at = $7 WHERE id = $8",
                )
                .bind(summary)
                .bind(&c.body)
                .bind(c.activities)
                .bind(c.participants)
                .bind(c.publicity_items)
                .bind(compiled.is_some())
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            Write::Submit => {
                let v = version + 1;
                sqlx::query(
                    "UPDATE submissions SET summary = $1, body = $2, activities = $3, participants = $4, \
                     publicity_items = $5, status = $10, version = $6, \
                     first_submitted_at = COALESCE(first_submitted_at, $7), submitted_at = $7, \
                     late = CASE WHEN first_submitted_at IS NULL THEN $8 ELSE late END, updated_at = $7 \
                     WHERE id = $9",
                )
                .bind(summary)
                .bind(&c.body)
                .bind(c.activities)
                .bind(c.participants)
                .bind(c.publicity_items)
                .bind(v)
                .bind(now)
                .bind(late)
                .bind(id)
                .bind(next.as_str())
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO submission_versions (submission_id, version, summary, body, activities, \
                     participants, publicity_items, submitted_at, submitted_by, late, collector_told) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, FALSE)",
                )
                .bind(id)
                .bind(v)
                .bind(summary)
                .bind(&c.body)
                .bind(c.activities)
                .bind(c.participants)
                .bind(c.publicity_items)
                .bind(now)
                .bind(by)
                .bind(late)
                .execute(&mut *tx)
                .await?;
                // The working copy's files, as they now stand, go with the new version.
                sqlx::query(
                    "INSERT INTO submission_files (submission_id, version, position, file_id, name) \
                     SELECT submission_id, $2, position, file_id, name FROM submission_files \
                     WHERE submission_id = $1 AND version = 0",
                )
                .bind(id)
                .bind(v)
                .execute(&mut *tx)
                .await?;
            }
        }
        if let Some(sources) = compiled {
            sqlx::query("DELETE FROM rollup_sources WHERE submission_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for (src, ver) in sources {
                sqlx::query(
                    "INSERT INTO rollup_sources (submission_id, source_submission_id, source_version) \
                     VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(src)
                .bind(ver)
                .execute(&mut *tx)
                .await?;
            }
        }
        (id, status, next, version, was_late, path)
    });
    // Last, so the tallies' rows stay locked for the shortest time.
    if mode == Write::Submit {
        let before = Mark::of(false, Some((status, version, was_late)));
        let now_late = if version == 0 { late } else { was_late };
        let after = Mark::of(false, Some((next, version + 1, now_late)));
        tallies::shift(tx, task.id, &path, before, after).await?;
    }
    Ok(id)
}

/// A file attached to a submission: to the working copy (`version` 0) or to a version sent.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SubmissionFile {
    pub submission_id: i64,
    pub version: i32,
    /// Position in that version's list, from 0.
    pub position: i32,
    pub file_id: i64,
    pub name: String,
    pub kind: String,
    pub size: i64,
}

const SF_SELECT: &str = "SELECT sf.submission_id, sf.version, sf.position, sf.file_id, sf.name, f.kind, f.size \
    FROM submission_files sf JOIN files f ON f.id = sf.file_id";

/// Every file of a submission, by version (the working copy's first) and position.
pub async fn submission_files(
    db: &Db,
    submission_id: i64,
) -> Result<Vec<SubmissionFile>, StoreError> {
    let sql = format!("{SF_SELECT} WHERE sf.submission_id = $1 ORDER BY sf.version, sf.position");
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(submission_id)
        .fetch_all(p)
        .await)?)
}

/// The files of one version (0: the working copy), in order.
pub async fn version_files(
    db: &Db,
    submission_id: i64,
    version: i32,
) -> Result<Vec<SubmissionFile>, StoreError> {
    let sql =
        format!("{SF_SELECT} WHERE sf.submission_id = $1 AND sf.version = $2 ORDER BY sf.position");
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(submission_id)
        .bind(version)
        .fetch_all(p)
        .await)?)
}

/// The reviewer's decision on the version under review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Return,
}

/// What a decision reads back: task, version, late, the unit's path, the unit, the task's
/// title and the reviewing organisation's name.
type Decided = (i64, i32, bool, String, i64, String, String);

/// Accepts or returns (with `reason`) the version under review. Refuses
/// `submission_not_submitted` unless the submission is waiting for a decision.
pub async fn decide(
    db: &Db,
    id: i64,
    decision: Decision,
    reason: Option<&str>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Submission, StoreError> {
    let event = match decision {
        Decision::Accept => SubmissionEvent::Accept,
        Decision::Return => SubmissionEvent::Return,
    };
    // The statuses the decision may leave and the one it leads to: the domain's rule.
    let (from, status) = crate::states::guard(
        SubmissionStatus::ALL,
        event,
        SubmissionStatus::transition,
        SubmissionStatus::as_str,
    )?;
    let outcome = VersionOutcome::of(event).map(VersionOutcome::as_str);
    let update_sql = format!(
        "UPDATE submissions SET status = $1, updated_at = $2 WHERE id = $3 AND status IN ({from})"
    );
    let mut tx = db.write().await?;
    tallies::lock(&mut tx, tallies::Lock::Share).await?;
    let (task_id, version, late, path, org_id, title, reviewer): Decided = on_tx!(&mut tx, |tx| {
        let done = sqlx::query(AssertSqlSafe(update_sql.as_str()))
            .bind(status.as_str())
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            let was: Option<Stored<SubmissionStatus>> =
                sqlx::query_scalar("SELECT status FROM submissions WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(was) = was else {
                return Err(StoreError::NotFound);
            };
            let refused = was.0.transition(event).err();
            return Err(StoreError::State(
                refused.unwrap_or("submission_not_submitted"),
            ));
        }
        sqlx::query(
            "UPDATE submission_versions SET outcome = $1, reason = $2, decided_at = $3, decided_by = $4 \
             WHERE submission_id = $5 AND version = (SELECT version FROM submissions WHERE id = $5)",
        )
        .bind(outcome)
        .bind(reason)
        .bind(now)
        .bind(by)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query_as(
            "SELECT s.task_id, s.version, s.late, o.path, s.org_id, t.title, so.name \
             FROM submissions s JOIN orgs o ON o.id = s.org_id JOIN tasks t ON t.id = s.task_id \
             JOIN orgs so ON so.id = t.submit_to_org_id WHERE s.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?
    });
    // The submitting organisation is told the outcome.
    let (kind, head, line) = match decision {
        Decision::Accept => (
            "submission_accepted",
            format!("「{title}」的报送已采纳 / Accepted"),
            format!("第 {version} 版已被{reviewer}采纳。"),
        ),
        Decision::Return => (
            "submission_returned",
            format!("「{title}」的报送被退回，请修改后重新报送 / Returned"),
            format!(
                "第 {version} 版被{reviewer}退回。退回原因：{}",
                reason.unwrap_or("")
            ),
        ),
    };
    crate::reminders::notify(
        &mut tx,
        org_id,
        kind,
        &head,
        &line,
        &format!("/tasks/{task_id}"),
        now,
    )
    .await?;
    // Last, so the tallies' rows stay locked for the shortest time.
    let before = Mark::of(false, Some((SubmissionStatus::Submitted, version, late)));
    let after = Mark::of(false, Some((status, version, late)));
    tallies::shift(&mut tx, task_id, &path, before, after).await?;
    tx.commit().await?;
    submission(db, id).await
}

/// Records receipt of the paper copy (the date it arrived; who recorded it and when).
/// Refuses `submission_not_submitted` before anything was sent.
pub async fn record_paper(
    db: &Db,
    id: i64,
    received_on: NaiveDate,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Submission, StoreError> {
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |tx| {
        let done = sqlx::query(
            "UPDATE submissions SET paper_received_on = $1, paper_recorded_by = $2, paper_recorded_at = $3, \
             updated_at = $3 WHERE id = $4 AND version > 0",
        )
        .bind(received_on)
        .bind(by)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT id FROM submissions WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(match exists {
                Some(_) => StoreError::State("submission_not_submitted"),
                None => StoreError::NotFound,
            });
        }
    });
    tx.commit().await?;
    submission(db, id).await
}

// ---------------------------------------------------------------- roll-up

/// An accepted submission of a unit below, for a compiled report: the accepted version's
/// content.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Source {
    pub submission_id: i64,
    pub task_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub version: i32,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub activities: Option<i64>,
    pub participants: Option<i64>,
    pub publicity_items: Option<i64>,
    pub submitted_at: DateTime<Utc>,
    pub late: bool,
}

/// The accepted submissions collected by `org_id` for `parent_task_id`: those answering its
/// own relay of the task, or (where `org_id` collects the task itself) those answering the
/// task; in tree order.
pub async fn accepted_below(
    db: &Db,
    parent_task_id: i64,
    org_id: i64,
) -> Result<Vec<Source>, StoreError> {
    let sql = "SELECT s.id AS submission_id, s.task_id, s.org_id, o.name AS org_name, v.version, v.summary, \
               v.body, v.activities, v.participants, v.publicity_items, v.submitted_at, v.late \
               FROM tasks t JOIN submissions s ON s.task_id = t.id AND s.status = 'accepted' \
               JOIN submission_versions v ON v.submission_id = s.id AND v.version = s.version \
               JOIN orgs o ON o.id = s.org_id \
               WHERE (t.parent_task_id = $1 OR t.id = $1) AND t.submit_to_org_id = $2 \
               ORDER BY o.path";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(parent_task_id)
        .bind(org_id)
        .fetch_all(p)
        .await)?)
}

/// The sources a compiled submission was made from, with their task and unit.
pub async fn rollup_sources(db: &Db, submission_id: i64) -> Result<Vec<Source>, StoreError> {
    let sql = "SELECT s.id AS submission_id, s.task_id, s.org_id, o.name AS org_name, v.version, v.summary, \
               v.body, v.activities, v.participants, v.publicity_items, v.submitted_at, v.late \
               FROM rollup_sources r JOIN submissions s ON s.id = r.source_submission_id \
               JOIN submission_versions v ON v.submission_id = s.id AND v.version = r.source_version \
               JOIN orgs o ON o.id = s.org_id WHERE r.submission_id = $1 ORDER BY o.path";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(submission_id)
        .fetch_all(p)
        .await)?)
}

// ---------------------------------------------------------------- home page

/// A task an organisation is expected to answer, with where it stands.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Due {
    pub task_id: i64,
    pub title: String,
    pub notice_id: i64,
    pub doc_number: Option<String>,
    /// None: 及时报送.
    pub deadline: Option<DateTime<Utc>>,
    pub submit_to_name: String,
    #[sqlx(try_from = "MaybeStored<SubmissionStatus>")]
    pub status: Option<SubmissionStatus>,
    pub version: Option<i32>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub late: Option<bool>,
}

impl Due {
    pub fn chip(&self, now: DateTime<Utc>) -> Chip {
        Chip::of(
            self.deadline,
            self.first_submitted_at
                .filter(|_| self.version.unwrap_or(0) > 0),
            self.status.is_some_and(SubmissionStatus::is_returned),
            self.status.is_some_and(SubmissionStatus::is_accepted),
            now,
        )
    }
}

/// Tasks `org_id` must answer and has not had accepted, soonest deadline first.
pub async fn due_for(db: &Db, org_id: i64, limit: i64) -> Result<Vec<Due>, StoreError> {
    let limit = limit.clamp(1, 200);
    let sql = format!(
        "SELECT t.id AS task_id, t.title, n.id AS notice_id, n.doc_number, t.deadline, so.name AS submit_to_name, \
         s.status, s.version, s.first_submitted_at, s.late \
         FROM notice_deliveries d JOIN tasks t ON t.notice_id = d.notice_id JOIN notices n ON n.id = t.notice_id \
         JOIN orgs so ON so.id = t.submit_to_org_id \
         LEFT JOIN submissions s ON s.task_id = t.id AND s.org_id = d.org_id \
         WHERE d.org_id = $1 AND (t.all_recipients OR EXISTS ( \
           SELECT 1 FROM task_recipients r WHERE r.task_id = t.id AND r.org_id = d.org_id)) \
         AND COALESCE(s.status, 'draft') <> 'accepted' ORDER BY {BY_DEADLINE}, t.id LIMIT {limit}"
    );
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(org_id)
        .fetch_all(p)
        .await)?)
}

/// The activity plan tasks (活动方案) organisation `org_id` is a recipient of, newest notice
/// first, as (task id, task title, notice's 发文字号): what an activity of that organisation
/// may be listed under.
pub async fn plan_tasks_for(
    db: &Db,
    org_id: i64,
    limit: i64,
) -> Result<Vec<(i64, String, Option<String>)>, StoreError> {
    let sql = "SELECT t.id, t.title, n.doc_number \
         FROM notice_deliveries d JOIN tasks t ON t.notice_id = d.notice_id JOIN notices n ON n.id = t.notice_id \
         WHERE d.org_id = $1 AND t.kind = 'plan' AND (t.all_recipients OR EXISTS ( \
           SELECT 1 FROM task_recipients r WHERE r.task_id = t.id AND r.org_id = d.org_id)) \
         ORDER BY n.id DESC, t.id LIMIT $2";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(org_id)
        .bind(limit.clamp(1, 200))
        .fetch_all(p)
        .await)?)
}

/// A task collected by an organisation, with its counts.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Collecting {
    pub task_id: i64,
    pub title: String,
    pub notice_id: i64,
    pub doc_number: Option<String>,
    /// None: 及时报送.
    pub deadline: Option<DateTime<Utc>>,
    pub expected: i64,
    pub submitted: i64,
    pub late: i64,
    pub returned: i64,
    /// Sent and waiting for review (待审核).
    pub waiting: i64,
}

/// Tasks submitted to `org_id` (its own recipients only), latest deadline first.
pub async fn collecting(
    db: &Db,
    collectors: &[i64],
    limit: i64,
) -> Result<Vec<Collecting>, StoreError> {
    let limit = limit.clamp(1, 200);
    let ids = crate::rows::ints(collectors);
    let sql = format!(
        "SELECT t.id AS task_id, t.title, n.id AS notice_id, n.doc_number, t.deadline, COUNT(d.org_id) AS expected, \
         COALESCE(SUM(CASE WHEN COALESCE(s.version, 0) > 0 THEN 1 ELSE 0 END), 0) AS submitted, \
         COALESCE(SUM(CASE WHEN COALESCE(s.version, 0) > 0 AND s.late THEN 1 ELSE 0 END), 0) AS late, \
         COALESCE(SUM(CASE WHEN s.status = 'returned' THEN 1 ELSE 0 END), 0) AS returned, \
         COALESCE(SUM(CASE WHEN s.status = 'submitted' THEN 1 ELSE 0 END), 0) AS waiting \
         FROM tasks t JOIN notices n ON n.id = t.notice_id \
         LEFT JOIN notice_deliveries d ON d.notice_id = t.notice_id AND (t.all_recipients OR EXISTS ( \
           SELECT 1 FROM task_recipients r WHERE r.task_id = t.id AND r.org_id = d.org_id)) \
         LEFT JOIN submissions s ON s.task_id = t.id AND s.org_id = d.org_id \
         WHERE t.submit_to_org_id IN ({ids}) GROUP BY t.id, t.title, n.id, n.doc_number, t.deadline \
         ORDER BY t.deadline IS NULL, t.deadline DESC, t.id LIMIT {limit}"
    );
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .fetch_all(p)
        .await)?)
}

/// Ids and parents of every organisation of `kind`, in tree order (for benchmarks and bulk
/// recipient lists).
pub async fn orgs_of_kind(db: &Db, kind: &str) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT id, parent_id FROM orgs WHERE kind = $1 ORDER BY path"
    )
    .bind(kind)
    .fetch_all(p)
    .await)?)
}

/// How many files the sent versions of a task's submissions carry (the latest version of
/// each), for checking a load test's count afterwards.
pub async fn sent_file_count(db: &Db, task_id: i64) -> Result<i64, StoreError> {
    let sql = "SELECT COUNT(*) FROM submission_files f JOIN submissions s ON s.id = f.submission_id \
               WHERE s.task_id = $1 AND s.version > 0 AND f.version = s.version";
    Ok(on_db!(db, |p| sqlx::query_scalar(sql)
        .bind(task_id)
        .fetch_one(p)
        .await?))
}
