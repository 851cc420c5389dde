//! 催办 records and in-app messages.
//!
//! A reminder is recorded once per task, unit and slot (`reminders_task_id_org_id_slot_key`);
//! its in-app message and its e-mail job are written in the same transaction, only when the
//! record is new. That is what makes a rerun of the scheduler — or two servers running it at
//! once — send nothing twice.

use crate::jobs::{Enqueue, NewJob};
use crate::orgs::Page;
use crate::{Db, StoreError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use renke_domain::reminder::ReminderPlan;
use serde::Serialize;
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// A task's reminder plan: its own, or the default.
pub async fn plan(db: &Db, task_id: i64) -> Result<ReminderPlan, StoreError> {
    let sql = "SELECT plan FROM task_reminder_plans WHERE task_id = $1";
    let raw: Option<String> = on_db!(db, |p| sqlx::query_scalar(sql)
        .bind(task_id)
        .fetch_optional(p)
        .await)?;
    match raw {
        None => Ok(ReminderPlan::default()),
        Some(s) => serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(e.to_string())),
    }
}

/// Sets a task's own plan.
pub async fn set_plan(
    db: &Db,
    task_id: i64,
    plan: &ReminderPlan,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(plan).map_err(|e| StoreError::Payload(e.to_string()))?;
    let sql = "INSERT INTO task_reminder_plans (task_id, plan, updated_at) VALUES ($1, $2, $3) \
               ON CONFLICT (task_id) DO UPDATE SET plan = $2, updated_at = $3";
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |c| sqlx::query(sql)
        .bind(task_id)
        .bind(&json)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(())
}

/// A task whose reminders may be due: issued, deadline within the scheduler's horizon.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenTask {
    pub id: i64,
    pub title: String,
    /// None: 及时报送 (only 立即催办 reminds of such a task).
    pub deadline: Option<DateTime<Utc>>,
    /// The notice's 发文字号, or its title in 《》 when it has none.
    pub notice_doc_number: String,
    pub submit_to_name: String,
    pub plan: Option<String>,
}

impl OpenTask {
    pub fn plan(&self) -> Result<ReminderPlan, StoreError> {
        match &self.plan {
            None => Ok(ReminderPlan::default()),
            Some(s) => serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string())),
        }
    }
}

/// One task as the scheduler sees it (for 催办 now); `None` unless its notice is issued.
pub async fn open_task(db: &Db, task_id: i64) -> Result<Option<OpenTask>, StoreError> {
    let sql = "SELECT t.id, t.title, t.deadline, \
               COALESCE(n.doc_number, '《' || n.title || '》') AS notice_doc_number, \
               o.name AS submit_to_name, p.plan FROM tasks t \
               JOIN notices n ON n.id = t.notice_id AND n.status = 'issued' \
               JOIN orgs o ON o.id = t.submit_to_org_id \
               LEFT JOIN task_reminder_plans p ON p.task_id = t.id WHERE t.id = $1";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(task_id)
        .fetch_optional(p)
        .await)?)
}

/// Tasks of issued notices with a deadline in `[from, to)`.
pub async fn open_tasks(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<OpenTask>, StoreError> {
    let sql = "SELECT t.id, t.title, t.deadline, \
               COALESCE(n.doc_number, '《' || n.title || '》') AS notice_doc_number, \
               o.name AS submit_to_name, p.plan FROM tasks t \
               JOIN notices n ON n.id = t.notice_id AND n.status = 'issued' \
               JOIN orgs o ON o.id = t.submit_to_org_id \
               LEFT JOIN task_reminder_plans p ON p.task_id = t.id \
               WHERE t.deadline >= $1 AND t.deadline < $2 ORDER BY t.deadline, t.id";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(from)
        .bind(to)
        .fetch_all(p)
        .await)?)
}

/// Who to reach at one organisation.
#[derive(Debug, Clone, Default)]
pub struct OrgContacts {
    pub name: String,
    pub parent_id: Option<i64>,
    /// `(role, "显示名 <address>")` of active accounts with an e-mail address.
    pub emails: Vec<(String, String)>,
}

/// id, name, parent.
type OrgRow = (i64, String, Option<i64>);
/// org, role, display name, address.
type EmailRow = (i64, String, String, String);

/// Names, parents and e-mail addresses of the given organisations.
pub async fn contacts(db: &Db, org_ids: &[i64]) -> Result<HashMap<i64, OrgContacts>, StoreError> {
    let mut out: HashMap<i64, OrgContacts> = HashMap::new();
    for chunk in org_ids.chunks(500) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        // The ids are integers formatted here, never user text.
        let orgs_sql = format!("SELECT id, name, parent_id FROM orgs WHERE id IN ({list})");
        let acc_sql = format!(
            "SELECT org_id, role, display_name, email FROM accounts \
             WHERE active AND email IS NOT NULL AND org_id IN ({list}) ORDER BY id"
        );
        let (orgs, accounts): (Vec<OrgRow>, Vec<EmailRow>) = on_db!(db, |p| (
            sqlx::query_as(AssertSqlSafe(orgs_sql)).fetch_all(p).await?,
            sqlx::query_as(AssertSqlSafe(acc_sql)).fetch_all(p).await?,
        ));
        for (id, name, parent_id) in orgs {
            out.insert(
                id,
                OrgContacts {
                    name,
                    parent_id,
                    emails: Vec::new(),
                },
            );
        }
        for (org_id, role, display_name, email) in accounts {
            if let Some(c) = out.get_mut(&org_id) {
                c.emails.push((role, format!("{display_name} <{email}>")));
            }
        }
    }
    Ok(out)
}

/// An in-app message to write with a reminder.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
}

/// One reminder to record and deliver.
#[derive(Debug, Clone)]
pub struct Notify {
    /// The unit that has not submitted.
    pub org_id: i64,
    /// The slot key (`before3@2022-06-17`, `escalation`).
    pub slot: String,
    /// Who gets the message: the unit itself, or its parent bureau for an escalation.
    pub notified_org_id: i64,
    pub message: NewMessage,
    /// The e-mail job, when the notified organisation has addresses.
    pub mail: Option<NewJob>,
    pub emails: i32,
}

/// Records and delivers the reminders of one task in one transaction; those already
/// recorded are skipped. Returns how many were new.
pub async fn record(
    db: &Db,
    task_id: i64,
    items: &[Notify],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut tx = db.write().await?;
    let sent: usize = on_tx!(&mut tx, |tx| {
        let mut sent = 0;
        for n in items {
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO reminders (task_id, org_id, slot, notified_org_id, emails, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (task_id, org_id, slot) DO NOTHING RETURNING id",
            )
            .bind(task_id)
            .bind(n.org_id)
            .bind(&n.slot)
            .bind(n.notified_org_id)
            .bind(n.emails)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else { continue };
            sqlx::query(
                "INSERT INTO messages (org_id, kind, title, body, link, reminder_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(n.notified_org_id)
            .bind(n.message.kind)
            .bind(&n.message.title)
            .bind(&n.message.body)
            .bind(n.message.link.as_deref())
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if let Some(job) = &n.mail {
                let job = job.clone().dedupe(format!("reminder:{id}"));
                tx.enqueue(&job, now).await?;
            }
            sent += 1;
        }
        sent
    });
    tx.commit().await?;
    Ok(sent)
}

/// Whether slot `slot` of a task has been processed (it is recorded for some unit). Each
/// task's reminders of one pass are written in one transaction, so a recorded slot is a
/// finished slot.
pub async fn slot_done(db: &Db, task_id: i64, slot: &str) -> Result<bool, StoreError> {
    let sql = "SELECT COUNT(*) FROM reminders WHERE task_id = $1 AND slot = $2";
    let n: i64 = on_db!(db, |p| sqlx::query_scalar(sql)
        .bind(task_id)
        .bind(slot)
        .fetch_one(p)
        .await)?;
    Ok(n > 0)
}

/// A recorded reminder, for the task's reminder log.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SentReminder {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub slot: String,
    pub notified_org_id: i64,
    pub notified_org_name: String,
    pub emails: i32,
    pub created_at: DateTime<Utc>,
}

/// The reminders recorded for a task, newest first.
pub async fn sent_for_task(
    db: &Db,
    task_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Page<SentReminder>, StoreError> {
    let sql = "SELECT r.id, r.org_id, o.name AS org_name, r.slot, r.notified_org_id, \
               n.name AS notified_org_name, r.emails, r.created_at FROM reminders r \
               JOIN orgs o ON o.id = r.org_id JOIN orgs n ON n.id = r.notified_org_id \
               WHERE r.task_id = $1 ORDER BY r.id DESC LIMIT $2 OFFSET $3";
    let count = "SELECT COUNT(*) FROM reminders WHERE task_id = $1";
    let (items, total): (Vec<SentReminder>, i64) = on_db!(db, |p| (
        sqlx::query_as(sql)
            .bind(task_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await?,
        sqlx::query_scalar(count).bind(task_id).fetch_one(p).await?,
    ));
    Ok(Page {
        items,
        total,
        offset,
        limit,
    })
}

/// An in-app message.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Message {
    pub id: i64,
    pub org_id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// The messages an account reads: its organisation's and those addressed to it alone;
/// unread first, then newest; and how many are unread.
pub async fn messages(
    db: &Db,
    org_id: i64,
    account_id: i64,
    offset: i64,
    limit: i64,
) -> Result<(Page<Message>, i64), StoreError> {
    let sql = "SELECT id, org_id, kind, title, body, link, created_at, read_at FROM messages \
               WHERE org_id = $1 AND (account_id IS NULL OR account_id = $2) \
               ORDER BY (read_at IS NULL) DESC, id DESC LIMIT $3 OFFSET $4";
    let count = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END), 0) \
                 FROM messages WHERE org_id = $1 AND (account_id IS NULL OR account_id = $2)";
    let (items, (total, unread)): (Vec<Message>, (i64, i64)) = on_db!(db, |p| (
        sqlx::query_as(sql)
            .bind(org_id)
            .bind(account_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await?,
        sqlx::query_as(count)
            .bind(org_id)
            .bind(account_id)
            .fetch_one(p)
            .await?,
    ));
    Ok((
        Page {
            items,
            total,
            offset,
            limit,
        },
        unread,
    ))
}

/// Marks a message read (again is harmless); `false` when account `by` of `org_id` does
/// not read it.
pub async fn mark_read(
    db: &Db,
    id: i64,
    org_id: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let sql = "UPDATE messages SET read_at = COALESCE(read_at, $1), \
               read_by = COALESCE(read_by, $2) WHERE id = $3 AND org_id = $4 \
               AND (account_id IS NULL OR account_id = $2)";
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |c| sqlx::query(sql)
        .bind(now)
        .bind(by)
        .bind(id)
        .bind(org_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(n == 1)
}

/// Marks a message addressed to `account_id` alone read; `false` when it is not such a
/// message.
pub async fn mark_own_read(
    db: &Db,
    id: i64,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let sql = "UPDATE messages SET read_at = COALESCE(read_at, $1), \
               read_by = COALESCE(read_by, $2) WHERE id = $3 AND account_id = $2";
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |c| sqlx::query(sql)
        .bind(now)
        .bind(account_id)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(n == 1)
}

/// The unread messages addressed to one account alone (sign-in notices), newest first.
pub async fn unread_for_account(db: &Db, account_id: i64) -> Result<Vec<Message>, StoreError> {
    let sql = "SELECT id, org_id, kind, title, body, link, created_at, read_at FROM messages \
               WHERE account_id = $1 AND read_at IS NULL ORDER BY id DESC LIMIT 20";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(account_id)
        .fetch_all(p)
        .await)?)
}

/// Leaves one account alone a message (a sign-in notice), in the transaction of the write
/// that causes it. The account's organisation's other accounts do not see it.
pub(crate) async fn tell_account(
    tx: &mut Tx,
    account_id: i64,
    m: &NewMessage,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO messages (org_id, account_id, kind, title, body, link, created_at) \
         SELECT org_id, id, $2, $3, $4, $5, $6 FROM accounts WHERE id = $1"
    )
    .bind(account_id)
    .bind(m.kind)
    .bind(&m.title)
    .bind(&m.body)
    .bind(m.link.as_deref())
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())?);
    Ok(())
}

/// Tells an organisation something in-app, in the transaction of the write that causes it.
/// An unread message of the same `kind` and `link` gains `line` instead of a new message
/// being written: a rush of 21 submissions is one message of 21 lines, not 21 messages.
pub(crate) async fn notify(
    tx: &mut Tx,
    org_id: i64,
    kind: &'static str,
    title: &str,
    line: &str,
    link: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_tx!(tx, |c| {
        let merged = sqlx::query(
            "UPDATE messages SET body = body || $1, created_at = $2 WHERE org_id = $3 \
             AND account_id IS NULL AND kind = $4 AND link = $5 AND read_at IS NULL",
        )
        .bind(format!("\n{line}"))
        .bind(now)
        .bind(org_id)
        .bind(kind)
        .bind(link)
        .execute(&mut *c)
        .await?;
        if merged.rows_affected() == 0 {
            sqlx::query(
                "INSERT INTO messages (org_id, kind, title, body, link, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(org_id)
            .bind(kind)
            .bind(title)
            .bind(line)
            .bind(link)
            .bind(now)
            .execute(&mut *c)
            .await?;
        }
    });
    Ok(())
}

/// One version sent that its collector has not been told of yet.
#[derive(sqlx::FromRow)]
struct Untold {
    submission_id: i64,
    version: i32,
    org_name: String,
    task_id: i64,
    task_title: String,
    doc_number: Option<String>,
    submit_to_org_id: i64,
    submitted_at: DateTime<Utc>,
    late: bool,
    /// The task takes a stream of items: its items are told instead (see below).
    stream: bool,
}

/// One item of a stream task that its collector has not been told of yet.
#[derive(sqlx::FromRow)]
struct UntoldItem {
    id: i64,
    org_name: String,
    title: String,
    task_id: i64,
    task_title: String,
    doc_number: Option<String>,
    submit_to_org_id: i64,
    submitted_at: DateTime<Utc>,
}

/// The digest of submissions received: tells each collector, in-app, of up to `limit`
/// versions sent to it that it has not been told of, oldest first — one line per version in
/// the collector's unread message for the task (see [`notify`]), so a rush of 21
/// submissions between two passes, or while nobody reads, is one message of 21 lines. Each
/// version is marked told in the same transaction; two servers running it at once tell
/// each version once (PostgreSQL skips the rows the other has locked; SQLite has one
/// writer). Items of a stream task (信息和新闻稿件) are told the same way, one line per item
/// with its title, and the submission their first item sent is marked told without a line
/// of its own. Returns how many versions and items were told.
pub async fn digest_submissions(
    db: &Db,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<usize, StoreError> {
    let lock = match db {
        Db::Pg(_) => " FOR UPDATE OF v SKIP LOCKED",
        Db::Sqlite(_) => "",
    };
    let sql = format!(
        "SELECT v.submission_id, v.version, o.name AS org_name, t.id AS task_id, \
         t.title AS task_title, n.doc_number, t.submit_to_org_id, v.submitted_at, v.late, \
         t.kind = 'news' AS stream \
         FROM submission_versions v JOIN submissions s ON s.id = v.submission_id \
         JOIN tasks t ON t.id = s.task_id JOIN notices n ON n.id = t.notice_id \
         JOIN orgs o ON o.id = s.org_id \
         WHERE NOT v.collector_told ORDER BY v.submitted_at, v.submission_id LIMIT $1{lock}"
    );
    let mut tx = db.write().await?;
    let rows: Vec<Untold> = on_tx!(&mut tx, |c| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(limit)
        .fetch_all(&mut *c)
        .await?);
    for r in &rows {
        if r.stream {
            on_tx!(&mut tx, |c| sqlx::query(
                "UPDATE submission_versions SET collector_told = TRUE \
                 WHERE submission_id = $1 AND version = $2"
            )
            .bind(r.submission_id)
            .bind(r.version)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())?);
            continue;
        }
        let title = format!(
            "{}：收到新的报送",
            renke_domain::notice::with_doc_number(r.doc_number.as_deref(), &r.task_title)
        );
        let line = format!(
            "{} 报送了第{}版（{}）{}",
            r.org_name,
            r.version,
            renke_domain::clock::local_time(&r.submitted_at),
            if r.late { "，逾期" } else { "" }
        );
        let link = format!("/tasks/{}/dashboard?filter=submitted", r.task_id);
        notify(
            &mut tx,
            r.submit_to_org_id,
            "submission_received",
            &title,
            &line,
            &link,
            now,
        )
        .await?;
        on_tx!(&mut tx, |c| sqlx::query(
            "UPDATE submission_versions SET collector_told = TRUE \
             WHERE submission_id = $1 AND version = $2"
        )
        .bind(r.submission_id)
        .bind(r.version)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())?);
    }
    let item_sql = format!(
        "SELECT i.id, o.name AS org_name, i.title, t.id AS task_id, t.title AS task_title, \
         n.doc_number, t.submit_to_org_id, i.submitted_at \
         FROM task_items i JOIN tasks t ON t.id = i.task_id JOIN notices n ON n.id = t.notice_id \
         JOIN orgs o ON o.id = i.org_id \
         WHERE NOT i.collector_told ORDER BY i.submitted_at, i.id LIMIT $1{}",
        match db {
            Db::Pg(_) => " FOR UPDATE OF i SKIP LOCKED",
            Db::Sqlite(_) => "",
        }
    );
    let items: Vec<UntoldItem> = on_tx!(&mut tx, |c| sqlx::query_as(AssertSqlSafe(
        item_sql.as_str()
    ))
    .bind(limit)
    .fetch_all(&mut *c)
    .await?);
    for i in &items {
        let title = format!(
            "{}：收到新的稿件",
            renke_domain::notice::with_doc_number(i.doc_number.as_deref(), &i.task_title)
        );
        let line = format!(
            "{} 报送了稿件《{}》（{}）",
            i.org_name,
            i.title,
            renke_domain::clock::local_time(&i.submitted_at)
        );
        let link = format!("/tasks/{}/items", i.task_id);
        notify(
            &mut tx,
            i.submit_to_org_id,
            "item_received",
            &title,
            &line,
            &link,
            now,
        )
        .await?;
        on_tx!(&mut tx, |c| sqlx::query(
            "UPDATE task_items SET collector_told = TRUE WHERE id = $1"
        )
        .bind(i.id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())?);
    }
    tx.commit().await?;
    Ok(rows.len() + items.len())
}

/// Messages whose e-mail goes out on its own when they are written (催办, escalations, a
/// password reset) or that matter only in the session they greet (failed logins): an
/// e-mail digest leaves them out.
const MAILED_ON_THEIR_OWN: &str = "('reminder', 'escalation', 'password_reset', 'login_failures')";

/// An account whose e-mail digest is due.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DigestDue {
    pub account_id: i64,
    pub org_id: i64,
    pub display_name: String,
    pub email: String,
    pub locale: Option<String>,
    /// `hourly` or `daily`.
    pub mail_digest: String,
    /// The last digest's end, or the account's creation: the digest tells what came after.
    pub since: DateTime<Utc>,
}

/// A notice delivered to the account's organisation and not yet acknowledged (签收).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DigestNotice {
    pub notice_id: i64,
    pub doc_number: Option<String>,
    pub title: String,
    pub issuer_name: String,
    pub delivered_at: DateTime<Utc>,
}

/// What one digest tells: the messages and the notices to acknowledge that arrived in its
/// period, unread and unacknowledged.
#[derive(Debug, Clone, Default)]
pub struct Digest {
    pub messages: Vec<Message>,
    pub notices: Vec<DigestNotice>,
}

impl Digest {
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty() && self.notices.is_empty()
    }
}

/// Up to `limit` active accounts with an e-mail address whose digest is due: hourly ones
/// last made before `hourly` (the hour begun), daily ones before `daily` (08:00 Beijing
/// time), by id.
pub async fn digests_due(
    db: &Db,
    hourly: DateTime<Utc>,
    daily: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DigestDue>, StoreError> {
    let sql = "SELECT a.id AS account_id, a.org_id, a.display_name, a.email, a.locale, \
               a.mail_digest, COALESCE(a.mail_digest_through, a.created_at) AS since FROM accounts a \
               WHERE a.active AND a.email IS NOT NULL AND a.email <> '' AND ( \
                 (a.mail_digest = 'hourly' AND COALESCE(a.mail_digest_through, a.created_at) < $1) \
                 OR (a.mail_digest = 'daily' AND COALESCE(a.mail_digest_through, a.created_at) < $2)) \
               ORDER BY a.id LIMIT $3";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(hourly)
        .bind(daily)
        .bind(limit)
        .fetch_all(p)
        .await)?)
}

/// Claims one account's digest for the period ending `now`, in the transaction that queues
/// its e-mail: `None` when another server claimed it first (the account's digest was made
/// at or after `slot` meanwhile); else what arrived since the last digest.
pub async fn claim_digest(
    tx: &mut Tx,
    due: &DigestDue,
    slot: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<Digest>, StoreError> {
    let messages = format!(
        "SELECT id, org_id, kind, title, body, link, created_at, read_at FROM messages \
         WHERE org_id = $1 AND (account_id IS NULL OR account_id = $2) AND read_at IS NULL \
         AND created_at > $3 AND created_at <= $4 AND kind NOT IN {MAILED_ON_THEIR_OWN} \
         ORDER BY created_at, id"
    );
    let notices = "SELECT n.id AS notice_id, n.doc_number, n.title, o.name AS issuer_name, \
                   d.delivered_at FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id \
                   JOIN orgs o ON o.id = n.issuer_org_id \
                   WHERE d.org_id = $1 AND d.acknowledged_at IS NULL \
                   AND d.delivered_at > $2 AND d.delivered_at <= $3 ORDER BY d.delivered_at, n.id";
    Ok(on_tx!(tx, |c| {
        let claimed = sqlx::query(
            "UPDATE accounts SET mail_digest_through = $1 WHERE id = $2 \
             AND (mail_digest_through IS NULL OR mail_digest_through < $3)",
        )
        .bind(now)
        .bind(due.account_id)
        .bind(slot)
        .execute(&mut *c)
        .await?;
        if claimed.rows_affected() == 0 {
            None
        } else {
            Some(Digest {
                messages: sqlx::query_as(AssertSqlSafe(messages.as_str()))
                    .bind(due.org_id)
                    .bind(due.account_id)
                    .bind(due.since)
                    .bind(now)
                    .fetch_all(&mut *c)
                    .await?,
                notices: sqlx::query_as(notices)
                    .bind(due.org_id)
                    .bind(due.since)
                    .bind(now)
                    .fetch_all(&mut *c)
                    .await?,
            })
        }
    }))
}
