//! Items of a stream task (信息和新闻稿件): a unit sends many, each reviewed on its own and,
//! once accepted, optionally published on the campaign's public page.
//!
//! A unit's first item also sends its submission to the task (version 1, the item's title as
//! summary), in the same transaction, so dashboards, exports and reminders count the units
//! that have sent something as they do for any task; the items carry their own review.

use crate::orgs::Page;
use crate::tasks::{Task, Write};
use crate::{Db, StoreError, on_db, on_tx};
use chrono::{DateTime, Utc};
use renke_domain::task::SubmissionContent;
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Sent, waiting for review.
    Submitted,
    Accepted,
    /// Returned with a reason; the unit sends a new item instead.
    Returned,
}

impl ItemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Submitted => "submitted",
            ItemStatus::Accepted => "accepted",
            ItemStatus::Returned => "returned",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            ItemStatus::Submitted => "待审核",
            ItemStatus::Accepted => "已采用",
            ItemStatus::Returned => "已退回",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            ItemStatus::Submitted => "Awaiting review",
            ItemStatus::Accepted => "Accepted",
            ItemStatus::Returned => "Returned",
        }
    }
    fn parse(s: &str) -> Result<ItemStatus, StoreError> {
        match s {
            "submitted" => Ok(ItemStatus::Submitted),
            "accepted" => Ok(ItemStatus::Accepted),
            "returned" => Ok(ItemStatus::Returned),
            other => Err(StoreError::Corrupt(format!("item status {other}"))),
        }
    }
}

/// An item as stored, with its unit's name.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: i64,
    pub task_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub title: String,
    pub body: String,
    pub status: ItemStatus,
    pub reason: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    task_id: i64,
    org_id: i64,
    org_name: String,
    title: String,
    body: String,
    status: String,
    reason: Option<String>,
    submitted_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
    published_at: Option<DateTime<Utc>>,
}

impl TryFrom<ItemRow> for Item {
    type Error = StoreError;
    fn try_from(r: ItemRow) -> Result<Item, StoreError> {
        Ok(Item {
            status: ItemStatus::parse(&r.status)?,
            id: r.id,
            task_id: r.task_id,
            org_id: r.org_id,
            org_name: r.org_name,
            title: r.title,
            body: r.body,
            reason: r.reason,
            submitted_at: r.submitted_at,
            decided_at: r.decided_at,
            published_at: r.published_at,
        })
    }
}

const ITEM_SELECT: &str = "SELECT i.id, i.task_id, i.org_id, o.name AS org_name, i.title, i.body, \
    i.status, i.reason, i.submitted_at, i.decided_at, i.published_at \
    FROM task_items i JOIN orgs o ON o.id = i.org_id";

/// Sends an item of organisation `org_id` to stream task `task`: the item, and (for the
/// unit's first) its submission, in one transaction. The organisation must be a recipient
/// (`not_a_recipient`, from the submission's write).
pub async fn send(
    db: &Db,
    task: &Task,
    org_id: i64,
    title: &str,
    body: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Item, StoreError> {
    let mut tx = db.write().await?;
    let sent: bool = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM submissions WHERE task_id = $1 AND org_id = $2 AND version > 0)"
    )
    .bind(task.id)
    .bind(org_id)
    .fetch_one(&mut *c)
    .await?
    });
    if !sent {
        let content = SubmissionContent {
            summary: renke_domain::task::Summary::parse("summary", title)
                .ok()
                .flatten(),
            body: None,
            activities: None,
            participants: None,
            publicity_items: None,
        };
        crate::tasks::write_in(
            &mut tx,
            task,
            org_id,
            &content,
            Write::Submit,
            None,
            crate::tasks::FileChanges::NONE,
            by,
            now,
        )
        .await?;
    }
    let id: i64 = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO task_items (task_id, org_id, title, body, status, submitted_by, submitted_at) \
         VALUES ($1, $2, $3, $4, 'submitted', $5, $6) RETURNING id"
    )
    .bind(task.id)
    .bind(org_id)
    .bind(title)
    .bind(body)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *c)
    .await?
    });
    tx.commit().await?;
    get(db, id).await
}

/// One item.
pub async fn get(db: &Db, id: i64) -> Result<Item, StoreError> {
    let sql = format!("{ITEM_SELECT} WHERE i.id = $1");
    let row: Option<ItemRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_optional(p)
        .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// The items of task `task_id` — of organisation `org_id` only when given — newest first,
/// paged.
pub async fn list(
    db: &Db,
    task_id: i64,
    org_id: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<Page<Item>, StoreError> {
    let limit = limit.clamp(1, 200);
    let offset = offset.max(0);
    let filter = "i.task_id = $1 AND ($2 IS NULL OR i.org_id = $2)";
    let sql = format!(
        "{ITEM_SELECT} WHERE {filter} ORDER BY i.submitted_at DESC, i.id DESC LIMIT {limit} OFFSET {offset}"
    );
    let count = format!("SELECT COUNT(*) FROM task_items i WHERE {filter}");
    let rows: Vec<ItemRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(task_id)
        .bind(org_id)
        .fetch_all(p)
        .await)?;
    let total: i64 = on_db!(db, |p| sqlx::query_scalar(AssertSqlSafe(count.as_str()))
        .bind(task_id)
        .bind(org_id)
        .fetch_one(p)
        .await)?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(Item::try_from)
            .collect::<Result<_, _>>()?,
        total,
        offset,
        limit,
    })
}

/// Accepts an item waiting for review, or returns it with `reason`
/// (`item_not_submitted` when it was already decided).
pub async fn decide(
    db: &Db,
    id: i64,
    accept: bool,
    reason: Option<&str>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Item, StoreError> {
    let status = if accept { "accepted" } else { "returned" };
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE task_items SET status = $1, reason = $2, decided_by = $3, decided_at = $4 \
         WHERE id = $5 AND status = 'submitted'"
    )
    .bind(status)
    .bind(reason)
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())?);
    finish(db, tx, id, n, "item_not_submitted").await
}

/// Publishes an accepted item on the campaign's public page, or withdraws it
/// (`item_not_accepted` for one not accepted).
pub async fn publish(
    db: &Db,
    id: i64,
    publish: bool,
    now: DateTime<Utc>,
) -> Result<Item, StoreError> {
    let at = publish.then_some(now);
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE task_items SET published_at = $1 WHERE id = $2 AND status = 'accepted'"
    )
    .bind(at)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())?);
    if n > 0 {
        crate::search::sync_in(&mut tx, crate::search::Source::Item(id)).await?;
    }
    finish(db, tx, id, n, "item_not_accepted").await
}

/// Ends an update of item `id` that changed `n` rows: commits and reads the item back, or —
/// when it changed none — refuses with `refusal` (or not found, for no such item).
async fn finish(
    db: &Db,
    tx: crate::Tx,
    id: i64,
    n: u64,
    refusal: &'static str,
) -> Result<Item, StoreError> {
    if n == 0 {
        drop(tx);
        get(db, id).await?;
        return Err(StoreError::State(refusal));
    }
    tx.commit().await?;
    get(db, id).await
}

/// The items published on the public page of campaign `campaign_id` (through the notices of
/// the campaign), newest first.
pub async fn published_for_campaign(
    db: &Db,
    campaign_id: i64,
    limit: i64,
) -> Result<Vec<Item>, StoreError> {
    let limit = limit.clamp(1, 200);
    let sql = format!(
        "{ITEM_SELECT} JOIN tasks t ON t.id = i.task_id JOIN notices n ON n.id = t.notice_id \
         WHERE i.published_at IS NOT NULL AND n.campaign_id = $1 \
         ORDER BY i.published_at DESC, i.id DESC LIMIT {limit}"
    );
    let rows: Vec<ItemRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(campaign_id)
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(Item::try_from).collect()
}
