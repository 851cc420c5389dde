//! Notices (通知): drafts, issue with distribution to every recipient organisation, 签收,
//! corrections as new versions, and relays (转发) linking a notice to the one it relays.
//!
//! An issued notice is never updated: every write checks `status = 'draft'` inside its
//! transaction and answers [`StoreError::State`] otherwise.

use crate::orgs::Page;
use crate::{Db, StoreError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use renke_domain::notice::{
    DeliveryEvent, DeliveryState, Direction, NoticeDraft, NoticeStatus, Publication,
};
use renke_domain::org::{OrgKind, OrgPath};
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// A notice as stored, with its recipients, contacts and attachment titles.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub id: i64,
    pub issuer_org_id: i64,
    pub issuer_name: String,
    #[serde(skip)]
    pub issuer_path: OrgPath,
    /// 发文字号; `None` for a notice without one (无文号).
    pub doc_number: Option<String>,
    pub title: String,
    pub body: String,
    pub signature: Option<String>,
    pub written_on: NaiveDate,
    pub notes: Option<String>,
    pub publication: Publication,
    /// 行文方向: down, up (上行文) or across (平行文).
    pub direction: Direction,
    pub cc: Option<String>,
    pub printed_by: Option<String>,
    pub printed_on: Option<NaiveDate>,
    pub proofreader: Option<String>,
    pub campaign_id: Option<i64>,
    pub status: NoticeStatus,
    pub version: i32,
    pub supersedes_id: Option<i64>,
    /// The notice this one relays (转发), if any.
    pub relays_id: Option<i64>,
    pub issued_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub recipients: Vec<Recipient>,
    pub contacts: Vec<NoticeContact>,
    pub attachments: Vec<String>,
    /// The uploaded file of each attachment, by position (`None`: a title only).
    pub attachment_files: Vec<Option<i64>>,
}

impl Notice {
    pub fn is_issued(&self) -> bool {
        self.status == NoticeStatus::Issued
    }
}

/// One entry of 主送 as written: an organisation or a group of its children.
#[derive(Debug, Clone, Serialize)]
pub struct Recipient {
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub children_kind: Option<OrgKind>,
    pub label: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct NoticeContact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A short reference to a notice, for lists, chains and histories.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct NoticeRef {
    pub id: i64,
    pub doc_number: Option<String>,
    pub title: String,
    pub issuer_org_id: i64,
    pub issuer_name: String,
    pub status: String,
    pub version: i32,
    pub written_on: NaiveDate,
    pub issued_at: Option<DateTime<Utc>>,
}

impl NoticeRef {
    pub fn is_issued(&self) -> bool {
        self.status == NoticeStatus::Issued.as_str()
    }
}

/// A notice in a relay chain, with its distance from the notice asked about.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ChainEntry {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub notice: NoticeRef,
    #[serde(skip)]
    pub issuer_path: String,
    /// The notice's 公开方式 code (who may read it without an account: see
    /// `renke_domain::notice::Publication`).
    #[serde(skip)]
    pub publication: String,
    pub depth: i32,
}

/// A notice in an organisation's inbox.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct InboxItem {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub notice: NoticeRef,
    pub delivered_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

impl InboxItem {
    pub fn state(&self) -> DeliveryState {
        DeliveryState::of(self.acknowledged_at)
    }
}

/// One delivery in the acknowledgement status of a notice and of the notices relaying it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DeliveryStatus {
    pub notice_id: i64,
    pub doc_number: Option<String>,
    pub issuer_name: String,
    /// 0 for the notice itself, 1 for its relays, 2 for relays of relays.
    pub depth: i32,
    pub org_id: i64,
    pub org_name: String,
    pub delivered_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
}

impl DeliveryStatus {
    pub fn state(&self) -> DeliveryState {
        DeliveryState::of(self.acknowledged_at)
    }
}

/// A delivery to one organisation.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Delivery {
    pub org_id: i64,
    pub delivered_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<i64>,
}

impl Delivery {
    pub fn state(&self) -> DeliveryState {
        DeliveryState::of(self.acknowledged_at)
    }
}

#[derive(sqlx::FromRow)]
struct NoticeRow {
    id: i64,
    issuer_org_id: i64,
    issuer_name: String,
    issuer_path: String,
    doc_number: Option<String>,
    title: String,
    body: String,
    signature: Option<String>,
    written_on: NaiveDate,
    notes: Option<String>,
    publication: String,
    direction: String,
    cc: Option<String>,
    printed_by: Option<String>,
    printed_on: Option<NaiveDate>,
    proofreader: Option<String>,
    campaign_id: Option<i64>,
    status: String,
    version: i32,
    supersedes_id: Option<i64>,
    relays_id: Option<i64>,
    issued_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct RecipientRow {
    org_id: i64,
    org_code: String,
    org_name: String,
    children_kind: Option<String>,
    label: Option<String>,
}

const REF_COLS: &str = "n.id, n.doc_number, n.title, n.issuer_org_id, o.name AS issuer_name, \
    n.status, n.version, n.written_on, n.issued_at";

fn corrupt(e: renke_domain::FieldError) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Stores a validated draft; `relays` links it to the notice it relays.
pub async fn create(
    db: &Db,
    d: &NoticeDraft,
    created_by: i64,
    relays: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Notice, StoreError> {
    create_relay(db, d, created_by, relays, &[], now).await
}

/// Stores a validated draft relaying `relays` together with its relayed tasks — each a
/// (parent task id, validated draft) — in one transaction: the relay and its tasks are
/// written together or not at all.
pub async fn create_relay(
    db: &Db,
    d: &NoticeDraft,
    created_by: i64,
    relays: Option<i64>,
    tasks: &[(i64, renke_domain::task::TaskDraft)],
    now: DateTime<Utc>,
) -> Result<Notice, StoreError> {
    let mut tx = db.write().await?;
    let (id, _) = create_relay_in(&mut tx, d, created_by, relays, tasks, now).await?;
    tx.commit().await?;
    get(db, id).await
}

/// [`create_relay`] in transaction `tx`; returns the new draft's id and its tasks' ids.
pub async fn create_relay_in(
    tx: &mut Tx,
    d: &NoticeDraft,
    created_by: i64,
    relays: Option<i64>,
    tasks: &[(i64, renke_domain::task::TaskDraft)],
    now: DateTime<Utc>,
) -> Result<(i64, Vec<i64>), StoreError> {
    let sql = "INSERT INTO notices (doc_number, title, body, signature, written_on, notes, publication, cc, \
               printed_by, printed_on, proofreader, campaign_id, direction, issuer_org_id, status, version, \
               created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
               $14, 'draft', 1, $15, $16, $16) RETURNING id";
    let id: i64 = on_tx!(tx, |tx| {
        let row = bind_fields(sqlx::query(sql), d)
            .bind(d.issuer_org_id)
            .bind(created_by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        let id: i64 = sqlx::Row::try_get(&row, 0)?;
        if let Some(original) = relays {
            sqlx::query("INSERT INTO notice_relays (notice_id, original_id) VALUES ($1, $2)")
                .bind(id)
                .bind(original)
                .execute(&mut *tx)
                .await?;
        }
        id
    });
    write_parts(tx, id, d).await?;
    let mut task_ids = Vec::with_capacity(tasks.len());
    for (parent, draft) in tasks {
        task_ids.push(crate::tasks::insert(tx, id, Some(*parent), draft, created_by, now).await?);
    }
    Ok((id, task_ids))
}

/// The notices numbered `doc_number` (as stored, `粤市监认监〔2022〕253号`), of any issuer
/// and state, newest version first.
pub async fn with_number(db: &Db, doc_number: &str) -> Result<Vec<NoticeRef>, StoreError> {
    let sql = format!(
        "SELECT {REF_COLS} FROM notices n JOIN orgs o ON o.id = n.issuer_org_id \
         WHERE n.doc_number = $1 ORDER BY n.version DESC, n.id DESC"
    );
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(doc_number)
        .fetch_all(p)
        .await)?)
}

/// A statement on either backend, with its arguments.
type Query<'q, DB> = sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>;

/// Binds the thirteen editable fields of draft `d` to `q`, as `$1`…`$13` in the order
/// doc_number, title, body, signature, written_on, notes, publication, cc, printed_by,
/// printed_on, proofreader, campaign_id, direction (the order of `create` and `update`).
fn bind_fields<'q, 'd, DB>(q: Query<'q, DB>, d: &'d NoticeDraft) -> Query<'q, DB>
where
    DB: sqlx::Database,
    Option<String>: sqlx::Encode<'d, DB> + sqlx::Type<DB>,
    &'d str: sqlx::Encode<'d, DB> + sqlx::Type<DB>,
    Option<&'d str>: sqlx::Encode<'d, DB> + sqlx::Type<DB>,
    NaiveDate: sqlx::Encode<'d, DB> + sqlx::Type<DB>,
    Option<NaiveDate>: sqlx::Encode<'d, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'d, DB> + sqlx::Type<DB>,
{
    q.bind(d.doc_number.as_ref().map(|n| n.to_string()))
        .bind(d.title.as_str())
        .bind(d.body.as_str())
        .bind(d.signature.as_ref().map(|s| s.as_str()))
        .bind(d.written_on)
        .bind(d.notes.as_deref())
        .bind(d.publication.as_str())
        .bind(d.cc.as_ref().map(|s| s.as_str()))
        .bind(d.printed_by.as_ref().map(|s| s.as_str()))
        .bind(d.printed_on)
        .bind(d.proofreader.as_ref().map(|s| s.as_str()))
        .bind(d.campaign_id)
        .bind(d.direction.as_str())
}

/// Inserts recipients, contacts and attachment titles of draft `d` for notice `id`, in
/// transaction `tx`.
async fn write_parts(tx: &mut Tx, id: i64, d: &NoticeDraft) -> Result<(), StoreError> {
    // A notice to every lab names 52,000 recipients: multi-row INSERTs.
    let backend = tx.backend();
    let recipients: Vec<(usize, &renke_domain::notice::RecipientSpec)> =
        d.recipients.iter().enumerate().collect();
    on_tx!(tx, |tx| {
        for chunk in recipients.chunks(crate::rows::ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO notice_recipients (notice_id, position, org_id, children_kind, label) VALUES {}",
                crate::rows::placeholders(backend, chunk.len(), 5)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (i, r) in chunk {
                q = q
                    .bind(id)
                    .bind(*i as i32)
                    .bind(r.org_id)
                    .bind(r.children_kind.map(|k| k.as_str()))
                    .bind(r.label.as_ref().map(|l| l.as_str()));
            }
            q.execute(&mut *tx).await?;
        }
        for (i, c) in d.contacts.iter().enumerate() {
            sqlx::query(
                "INSERT INTO notice_contacts (notice_id, position, name, phone, email) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(i as i32)
            .bind(c.name.as_ref().map(|s| s.as_str()))
            .bind(c.phone.as_ref().map(|s| s.as_str()))
            .bind(c.email.as_ref().map(|s| s.as_str()))
            .execute(&mut *tx)
            .await?;
        }
        for (i, t) in d.attachments.iter().enumerate() {
            sqlx::query(
                "INSERT INTO notice_attachments (notice_id, position, title) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(i as i32)
            .bind(t.as_str())
            .execute(&mut *tx)
            .await?;
        }
    });
    Ok(())
}

/// Replaces a draft's fields. An issued notice is refused with `notice_issued`.
pub async fn update(
    db: &Db,
    id: i64,
    d: &NoticeDraft,
    now: DateTime<Utc>,
) -> Result<Notice, StoreError> {
    let sql = "UPDATE notices SET doc_number = $1, title = $2, body = $3, signature = $4, written_on = $5, \
               notes = $6, publication = $7, cc = $8, printed_by = $9, printed_on = $10, proofreader = $11, \
               campaign_id = $12, direction = $13, updated_at = $14 WHERE id = $15 AND status = 'draft'";
    let mut tx = db.write().await?;
    let mut files = on_tx!(&mut tx, |tx| {
        let done = bind_fields(sqlx::query(sql), d)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM notices WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match exists {
                Some(_) => StoreError::State("notice_issued"),
                None => StoreError::NotFound,
            });
        }
        let files: Vec<(String, i64)> = sqlx::query_as(
            "SELECT title, file_id FROM notice_attachments \
             WHERE notice_id = $1 AND file_id IS NOT NULL ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        for table in ["notice_recipients", "notice_contacts", "notice_attachments"] {
            let del = format!("DELETE FROM {table} WHERE notice_id = $1");
            sqlx::query(AssertSqlSafe(del))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        files
    });
    write_parts(&mut tx, id, d).await?;
    on_tx!(&mut tx, |tx| {
        // An uploaded file stays with the attachment title it was uploaded under.
        for (i, t) in d.attachments.iter().enumerate() {
            if let Some(k) = files.iter().position(|(title, _)| title == t.as_str()) {
                let (_, file_id) = files.remove(k);
                sqlx::query(
                    "UPDATE notice_attachments SET file_id = $1 WHERE notice_id = $2 AND position = $3",
                )
                .bind(file_id)
                .bind(id)
                .bind(i as i32)
                .execute(&mut *tx)
                .await?;
            }
        }
    });
    tx.commit().await?;
    get(db, id).await
}

/// An attachment's title and uploaded file.
type AttachmentRow = (String, Option<i64>);

pub async fn get(db: &Db, id: i64) -> Result<Notice, StoreError> {
    let sql = "SELECT n.id, n.issuer_org_id, o.name AS issuer_name, o.path AS issuer_path, n.doc_number, \
               n.title, n.body, n.signature, n.written_on, n.notes, n.publication, n.cc, n.printed_by, \
               n.printed_on, n.proofreader, n.campaign_id, n.direction, n.status, n.version, n.supersedes_id, \
               r.original_id AS relays_id, n.issued_at, n.created_at, n.updated_at \
               FROM notices n JOIN orgs o ON o.id = n.issuer_org_id \
               LEFT JOIN notice_relays r ON r.notice_id = n.id WHERE n.id = $1";
    let rsql = "SELECT r.org_id, o.code AS org_code, o.name AS org_name, r.children_kind, r.label \
                FROM notice_recipients r JOIN orgs o ON o.id = r.org_id WHERE r.notice_id = $1 ORDER BY r.position";
    let csql =
        "SELECT name, phone, email FROM notice_contacts WHERE notice_id = $1 ORDER BY position";
    let asql =
        "SELECT title, file_id FROM notice_attachments WHERE notice_id = $1 ORDER BY position";
    let (row, recipients, contacts, attachments): (
        NoticeRow,
        Vec<RecipientRow>,
        Vec<NoticeContact>,
        Vec<AttachmentRow>,
    ) = on_db!(db, |p| (
        sqlx::query_as(sql).bind(id).fetch_one(p).await?,
        sqlx::query_as(rsql).bind(id).fetch_all(p).await?,
        sqlx::query_as(csql).bind(id).fetch_all(p).await?,
        sqlx::query_as(asql).bind(id).fetch_all(p).await?,
    ));
    let (attachments, attachment_files) = attachments.into_iter().unzip();
    let recipients = recipients
        .into_iter()
        .map(|r| {
            Ok(Recipient {
                children_kind: r
                    .children_kind
                    .as_deref()
                    .map(|k| OrgKind::parse("children_kind", k))
                    .transpose()
                    .map_err(corrupt)?,
                org_id: r.org_id,
                org_code: r.org_code,
                org_name: r.org_name,
                label: r.label,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Notice {
        issuer_path: OrgPath::from_stored(row.issuer_path.clone())
            .ok_or(StoreError::Corrupt(row.issuer_path))?,
        publication: Publication::parse("publication", &row.publication).map_err(corrupt)?,
        status: NoticeStatus::parse("status", &row.status).map_err(corrupt)?,
        direction: Direction::from_code(&row.direction)
            .ok_or_else(|| StoreError::Corrupt(row.direction.clone()))?,
        id: row.id,
        issuer_org_id: row.issuer_org_id,
        issuer_name: row.issuer_name,
        doc_number: row.doc_number,
        title: row.title,
        body: row.body,
        signature: row.signature,
        written_on: row.written_on,
        notes: row.notes,
        cc: row.cc,
        printed_by: row.printed_by,
        printed_on: row.printed_on,
        proofreader: row.proofreader,
        campaign_id: row.campaign_id,
        version: row.version,
        supersedes_id: row.supersedes_id,
        relays_id: row.relays_id,
        issued_at: row.issued_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
        recipients,
        contacts,
        attachments,
        attachment_files,
    })
}

/// Adds an uploaded file (its bytes staged, its `files` row written here) to a draft as its
/// next attachment, titled `title`, in one transaction. Refuses `notice_issued` for an
/// issued notice. Returns the attachment's position.
pub async fn attach_file(
    db: &Db,
    id: i64,
    title: &str,
    file: &crate::files::Staged,
    now: DateTime<Utc>,
) -> Result<i32, StoreError> {
    let mut tx = db.write().await?;
    let out = on_tx!(&mut tx, |tx| {
        let done =
            sqlx::query("UPDATE notices SET updated_at = $1 WHERE id = $2 AND status = 'draft'")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM notices WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match exists {
                Some(_) => StoreError::State("notice_issued"),
                None => StoreError::NotFound,
            });
        }
        let file_id: i64 = sqlx::query_scalar(crate::files::Staged::INSERT)
            .bind(&file.name)
            .bind(file.kind.as_str())
            .bind(file.size)
            .bind(&file.sha256)
            .bind(file.org_id)
            .bind(file.uploaded_by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        let pos: i32 = sqlx::query_scalar(
            "INSERT INTO notice_attachments (notice_id, position, title, file_id) \
             SELECT $1, COALESCE(MAX(position) + 1, 0), $2, $3 FROM notice_attachments \
             WHERE notice_id = $1 RETURNING position",
        )
        .bind(id)
        .bind(title)
        .bind(file_id)
        .fetch_one(&mut *tx)
        .await?;
        Ok(pos)
    });
    tx.commit().await?;
    out
}

/// Issues a draft: in one transaction it becomes immutable and every recipient — groups
/// expanded to the concrete organisations they name now — gets a delivery in its inbox.
/// Returns the number of organisations it was delivered to. Refuses `notice_issued` for an
/// issued notice and `no_recipient_orgs` when the recipients name no organisation.
pub async fn issue(db: &Db, id: i64, by: i64, now: DateTime<Utc>) -> Result<i64, StoreError> {
    let mut tx = db.write().await?;
    crate::tallies::lock(&mut tx, crate::tallies::Lock::Exclusive).await?;
    let (count, tasks): (i64, Vec<i64>) = on_tx!(&mut tx, |tx| {
        let done = sqlx::query(
            "UPDATE notices SET status = 'issued', issued_at = $1, issued_by = $2, updated_at = $1 \
             WHERE id = $3 AND status = 'draft'",
        )
        .bind(now)
        .bind(by)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM notices WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match exists {
                Some(_) => StoreError::State("notice_issued"),
                None => StoreError::NotFound,
            });
        }
        // Organisations named one by one: one statement for all of them (a notice to every
        // lab names 52,000), the first position of each organisation.
        sqlx::query(
            "INSERT INTO notice_deliveries (notice_id, org_id, recipient_pos, delivered_at) \
             SELECT $1, r.org_id, MIN(r.position), $2 FROM notice_recipients r \
             WHERE r.notice_id = $1 AND r.children_kind IS NULL GROUP BY r.org_id \
             ON CONFLICT (notice_id, org_id) DO NOTHING",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let groups: Vec<(i32, i64, String)> = sqlx::query_as(
            "SELECT position, org_id, children_kind FROM notice_recipients \
             WHERE notice_id = $1 AND children_kind IS NOT NULL ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        for (pos, org_id, kind) in groups {
            sqlx::query(
                "INSERT INTO notice_deliveries (notice_id, org_id, recipient_pos, delivered_at) \
                 SELECT $1, o.id, $2, $3 FROM orgs o WHERE o.parent_id = $4 AND o.kind = $5 \
                 ON CONFLICT (notice_id, org_id) DO NOTHING",
            )
            .bind(id)
            .bind(pos)
            .bind(now)
            .bind(org_id)
            .bind(kind)
            .execute(&mut *tx)
            .await?;
        }
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM notice_deliveries WHERE notice_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if n == 0 {
            return Err(StoreError::State("no_recipient_orgs"));
        }
        let tasks: Vec<i64> = sqlx::query_scalar("SELECT id FROM tasks WHERE notice_id = $1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
        (n, tasks)
    });
    for task_id in tasks {
        crate::tallies::refresh(&mut tx, task_id).await?;
    }
    crate::search::sync_in(&mut tx, crate::search::Source::Notice(id)).await?;
    tx.commit().await?;
    crate::db::analyze_after_bulk(db, "notice_deliveries, task_tallies, notices", count as u64)
        .await;
    Ok(count)
}

/// Starts a correction of an issued notice: a new draft, version + 1, with the same
/// content, recipients and relay link, superseding it. A notice is corrected once
/// (`already_corrected`); a draft is edited instead (`notice_not_issued`).
pub async fn correct(db: &Db, id: i64, by: i64, now: DateTime<Utc>) -> Result<i64, StoreError> {
    let cols = "issuer_org_id, doc_number, title, body, signature, written_on, notes, publication, cc, \
                printed_by, printed_on, proofreader, campaign_id, direction";
    let sql = format!(
        "INSERT INTO notices ({cols}, status, version, supersedes_id, created_by, created_at, updated_at) \
         SELECT {cols}, 'draft', version + 1, id, $1, $2, $2 FROM notices WHERE id = $3 AND status = 'issued' \
         RETURNING id"
    );
    let mut tx = db.write().await?;
    let new_id: i64 = on_tx!(&mut tx, |tx| {
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM notices WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        match status.as_deref() {
            None => return Err(StoreError::NotFound),
            Some("issued") => {}
            Some(_) => return Err(StoreError::State("notice_not_issued")),
        }
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM notices WHERE supersedes_id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some() {
            return Err(StoreError::State("already_corrected"));
        }
        let new_id: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(by)
            .bind(now)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        for copy in [
            "INSERT INTO notice_recipients (notice_id, position, org_id, children_kind, label) \
             SELECT $1, position, org_id, children_kind, label FROM notice_recipients WHERE notice_id = $2",
            "INSERT INTO notice_contacts (notice_id, position, name, phone, email) \
             SELECT $1, position, name, phone, email FROM notice_contacts WHERE notice_id = $2",
            "INSERT INTO notice_attachments (notice_id, position, title, file_id) \
             SELECT $1, position, title, file_id FROM notice_attachments WHERE notice_id = $2",
            "INSERT INTO notice_relays (notice_id, original_id) \
             SELECT $1, original_id FROM notice_relays WHERE notice_id = $2",
        ] {
            sqlx::query(copy)
                .bind(new_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        new_id
    });
    tx.commit().await?;
    Ok(new_id)
}

/// 签收: records that `by` acknowledged the notice for organisation `org_id`. Refuses
/// `not_a_recipient` and `already_acknowledged`.
pub async fn acknowledge(
    db: &Db,
    id: i64,
    org_id: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    crate::tallies::lock(&mut tx, crate::tallies::Lock::Share).await?;
    let (path, tasks, org_name, issuer, doc_number) = on_tx!(&mut tx, |tx| {
        let done = sqlx::query(
            "UPDATE notice_deliveries SET acknowledged_at = $1, acknowledged_by = $2 \
             WHERE notice_id = $3 AND org_id = $4 AND acknowledged_at IS NULL",
        )
        .bind(now)
        .bind(by)
        .bind(id)
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let exists: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(
                "SELECT acknowledged_at FROM notice_deliveries WHERE notice_id = $1 AND org_id = $2",
            )
            .bind(id)
            .bind(org_id)
            .fetch_optional(&mut *tx)
            .await?;
            return Err(match exists {
                Some(at) => StoreError::State(
                    DeliveryState::of(at)
                        .transition(DeliveryEvent::Acknowledge)
                        .err()
                        .unwrap_or("already_acknowledged"),
                ),
                None => StoreError::State("not_a_recipient"),
            });
        }
        // Every task of the notice that expects this organisation counts one more 签收, and
        // the issuer is told.
        let (path, org_name, issuer, doc_number): (String, String, i64, String) = sqlx::query_as(
            "SELECT o.path, o.name, n.issuer_org_id, COALESCE(n.doc_number, n.title) FROM orgs o, notices n \
             WHERE o.id = $1 AND n.id = $2",
        )
        .bind(org_id)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let tasks: Vec<i64> = sqlx::query_scalar(
            "SELECT t.id FROM tasks t WHERE t.notice_id = $1 AND (t.all_recipients OR EXISTS ( \
             SELECT 1 FROM task_recipients r WHERE r.task_id = t.id AND r.org_id = $2)) ORDER BY t.id",
        )
        .bind(id)
        .bind(org_id)
        .fetch_all(&mut *tx)
        .await?;
        (path, tasks, org_name, issuer, doc_number)
    });
    // One line per 签收 in the issuer's unread message about this notice.
    let at = renke_domain::clock::local_time(&now);
    crate::reminders::notify(
        &mut tx,
        issuer,
        "notice_acknowledged",
        &format!("{doc_number} 有新的签收 / New acknowledgements"),
        &format!("{org_name} 已签收（{at}）"),
        &format!("/notices/{id}/status"),
        now,
    )
    .await?;
    let acknowledged = crate::tallies::Mark {
        acknowledged: true,
        ..Default::default()
    };
    // Last, so the tallies' rows stay locked for the shortest time.
    for task_id in tasks {
        crate::tallies::shift(&mut tx, task_id, &path, Default::default(), acknowledged).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The delivery of a notice to one organisation, if it was sent there.
pub async fn delivery(db: &Db, id: i64, org_id: i64) -> Result<Option<Delivery>, StoreError> {
    let sql = "SELECT org_id, delivered_at, acknowledged_at, acknowledged_by FROM notice_deliveries \
               WHERE notice_id = $1 AND org_id = $2";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .bind(org_id)
        .fetch_optional(p)
        .await)?)
}

/// Whether notice `id` reached organisation `org_id`: delivered to it, or to it through a
/// relay of the notice (at any depth) down the tree.
pub async fn reached(db: &Db, id: i64, org_id: i64) -> Result<bool, StoreError> {
    let sql = "WITH RECURSIVE chain(id, depth) AS ( \
                 SELECT CAST($1 AS BIGINT), 0 \
                 UNION ALL \
                 SELECT r.notice_id, c.depth + 1 FROM notice_relays r JOIN chain c ON r.original_id = c.id \
                 WHERE c.depth < 16) \
               SELECT COUNT(*) FROM notice_deliveries d JOIN chain c ON c.id = d.notice_id \
               WHERE d.org_id = $2";
    let n: i64 = on_db!(db, |p| sqlx::query_scalar(sql)
        .bind(id)
        .bind(org_id)
        .fetch_one(p)
        .await)?;
    Ok(n > 0)
}

/// An organisation's inbox: unacknowledged first, then newest first.
pub async fn inbox(
    db: &Db,
    org_id: i64,
    offset: i64,
    limit: i64,
) -> Result<(Page<InboxItem>, i64), StoreError> {
    let limit = limit.clamp(1, 500);
    let offset = offset.max(0);
    let sql = format!(
        "SELECT {REF_COLS}, d.delivered_at, d.acknowledged_at FROM notice_deliveries d \
         JOIN notices n ON n.id = d.notice_id JOIN orgs o ON o.id = n.issuer_org_id \
         WHERE d.org_id = $1 ORDER BY (d.acknowledged_at IS NOT NULL), d.delivered_at DESC, n.id DESC \
         LIMIT {limit} OFFSET {offset}"
    );
    let count = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN acknowledged_at IS NULL THEN 1 ELSE 0 END), 0) \
                 FROM notice_deliveries WHERE org_id = $1";
    let (items, (total, open)): (Vec<InboxItem>, (i64, i64)) = on_db!(db, |p| (
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(org_id)
            .fetch_all(p)
            .await?,
        sqlx::query_as(count).bind(org_id).fetch_one(p).await?,
    ));
    Ok((
        Page {
            items,
            total,
            offset,
            limit,
        },
        open,
    ))
}

/// Notices of these issuers, newest first: issued ones, and the drafts of `drafts_of`.
pub async fn sent(
    db: &Db,
    issuers: &[i64],
    drafts_of: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<Page<NoticeRef>, StoreError> {
    let limit = limit.clamp(1, 500);
    let offset = offset.max(0);
    let ids = crate::rows::ints(issuers);
    let filter = format!("n.issuer_org_id IN ({ids}) AND (n.status = $1 OR n.issuer_org_id = $2)");
    let sql = format!(
        "SELECT {REF_COLS} FROM notices n JOIN orgs o ON o.id = n.issuer_org_id WHERE {filter} \
         ORDER BY n.updated_at DESC, n.id DESC LIMIT {limit} OFFSET {offset}"
    );
    let count = format!("SELECT COUNT(*) FROM notices n WHERE {filter}");
    let issued = NoticeStatus::Issued.as_str();
    let drafts_of = drafts_of.unwrap_or(0);
    let (items, total): (Vec<NoticeRef>, i64) = on_db!(db, |p| (
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(issued)
            .bind(drafts_of)
            .fetch_all(p)
            .await?,
        sqlx::query_scalar(AssertSqlSafe(count.as_str()))
            .bind(issued)
            .bind(drafts_of)
            .fetch_one(p)
            .await?,
    ));
    Ok(Page {
        items,
        total,
        offset,
        limit,
    })
}

/// For each of notices `ids`: how many organisations it was delivered to directly and how
/// many of them have acknowledged it (签收进度), as `(notice_id, delivered, acknowledged)`.
pub async fn ack_counts(db: &Db, ids: &[i64]) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT notice_id, COUNT(*), COALESCE(SUM(CASE WHEN acknowledged_at IS NULL THEN 0 ELSE 1 END), 0) \
         FROM notice_deliveries WHERE notice_id IN ({}) GROUP BY notice_id",
        crate::rows::ints(ids)
    );
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .fetch_all(p)
        .await)?)
}

/// Who has and has not acknowledged: every delivery of the notice and of every notice that
/// relays it, down the chain. Per notice: not yet acknowledged first, then in tree order.
pub async fn ack_status(db: &Db, id: i64) -> Result<Vec<DeliveryStatus>, StoreError> {
    let sql = "WITH RECURSIVE tree(id, depth) AS ( \
                 SELECT n.id, 0 FROM notices n WHERE n.id = $1 \
                 UNION ALL \
                 SELECT r.notice_id, t.depth + 1 FROM notice_relays r JOIN tree t ON r.original_id = t.id \
                 WHERE t.depth < 16) \
               SELECT t.id AS notice_id, n.doc_number, io.name AS issuer_name, t.depth, d.org_id, \
                 o.name AS org_name, d.delivered_at, d.acknowledged_at, a.display_name AS acknowledged_by \
               FROM tree t JOIN notices n ON n.id = t.id JOIN orgs io ON io.id = n.issuer_org_id \
               JOIN notice_deliveries d ON d.notice_id = t.id JOIN orgs o ON o.id = d.org_id \
               LEFT JOIN accounts a ON a.id = d.acknowledged_by \
               ORDER BY t.depth, io.path, t.id, (d.acknowledged_at IS NOT NULL), o.path";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .fetch_all(p)
        .await)?)
}

/// The notices this one relays, nearest first (city → province → national).
pub async fn chain_up(db: &Db, id: i64) -> Result<Vec<ChainEntry>, StoreError> {
    let sql = format!(
        "WITH RECURSIVE up(id, depth) AS ( \
           SELECT r.original_id, 1 FROM notice_relays r WHERE r.notice_id = $1 \
           UNION ALL \
           SELECT r.original_id, u.depth + 1 FROM notice_relays r JOIN up u ON r.notice_id = u.id \
           WHERE u.depth < 16) \
         SELECT {REF_COLS}, o.path AS issuer_path, n.publication, u.depth FROM up u JOIN notices n ON n.id = u.id \
         JOIN orgs o ON o.id = n.issuer_org_id ORDER BY u.depth"
    );
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_all(p)
        .await)?)
}

/// The notices relaying this one, and those relaying them, in tree order of their issuers.
pub async fn chain_down(db: &Db, id: i64) -> Result<Vec<ChainEntry>, StoreError> {
    let sql = format!(
        "WITH RECURSIVE down(id, depth) AS ( \
           SELECT r.notice_id, 1 FROM notice_relays r WHERE r.original_id = $1 \
           UNION ALL \
           SELECT r.notice_id, d.depth + 1 FROM notice_relays r JOIN down d ON r.original_id = d.id \
           WHERE d.depth < 16) \
         SELECT {REF_COLS}, o.path AS issuer_path, n.publication, d.depth FROM down d JOIN notices n ON n.id = d.id \
         JOIN orgs o ON o.id = n.issuer_org_id ORDER BY o.path, d.depth, n.id"
    );
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_all(p)
        .await)?)
}

/// Every version of the notice's lineage, oldest first.
pub async fn versions(db: &Db, id: i64) -> Result<Vec<NoticeRef>, StoreError> {
    // Walk back to the first version, then forward; lineages are short.
    let mut first = id;
    loop {
        let prev: Option<Option<i64>> = on_db!(db, |p| sqlx::query_scalar(
            "SELECT supersedes_id FROM notices WHERE id = $1"
        )
        .bind(first)
        .fetch_optional(p)
        .await)?;
        match prev {
            Some(Some(p)) => first = p,
            Some(None) => break,
            None => return Err(StoreError::NotFound),
        }
    }
    let sql = format!(
        "WITH RECURSIVE v(id, depth) AS ( \
           SELECT n.id, 0 FROM notices n WHERE n.id = $1 \
           UNION ALL \
           SELECT n.id, v.depth + 1 FROM notices n JOIN v ON n.supersedes_id = v.id WHERE v.depth < 100) \
         SELECT {REF_COLS} FROM v JOIN notices n ON n.id = v.id JOIN orgs o ON o.id = n.issuer_org_id \
         ORDER BY n.version"
    );
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(first)
        .fetch_all(p)
        .await)?)
}

/// Published notices of a campaign: issued, 主动公开, and not superseded by an issued
/// correction; newest first.
pub async fn public_for_campaign(db: &Db, campaign_id: i64) -> Result<Vec<NoticeRef>, StoreError> {
    let sql = format!(
        "SELECT {REF_COLS} FROM notices n JOIN orgs o ON o.id = n.issuer_org_id \
         WHERE n.campaign_id = $1 AND n.status = 'issued' AND n.publication = 'active' \
         AND NOT EXISTS (SELECT 1 FROM notices s WHERE s.supersedes_id = n.id AND s.status = 'issued') \
         ORDER BY n.written_on DESC, o.path, n.id"
    );
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(campaign_id)
        .fetch_all(p)
        .await)?)
}
