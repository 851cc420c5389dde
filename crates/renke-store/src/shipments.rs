//! Poster distribution (海报寄送): rows of `publicity_shipments` and their addressees'
//! lines in `publicity_shipment_lines`, with the put-up photos (and thumbnails) in `files`.

use crate::files::Staged;
use crate::orgs::Page;
use crate::{Db, StoreError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use renke_domain::org::OrgPath;
use renke_domain::shipment::{Counts, LineState, LineStep, LineText, ShipmentText};
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// A shipment with its sender's and campaign's names and its lines' counts.
#[derive(Debug, Clone, Serialize)]
pub struct Shipment {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_title: String,
    pub sender_org_id: i64,
    pub sender_name: String,
    #[serde(skip)]
    pub sender_path: OrgPath,
    pub item: String,
    pub print_size: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub counts: Counts,
}

#[derive(sqlx::FromRow)]
struct ShipmentRow {
    id: i64,
    campaign_id: i64,
    campaign_title: String,
    sender_org_id: i64,
    sender_name: String,
    sender_path: String,
    item: String,
    print_size: Option<String>,
    note: Option<String>,
    created_at: DateTime<Utc>,
    total: i64,
    received: i64,
    posted: i64,
}

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("publicity_shipments {what} {v:?}"))
}

fn path_of(raw: String) -> Result<OrgPath, StoreError> {
    let shown = raw.clone();
    OrgPath::from_stored(raw).ok_or_else(|| corrupt("path", &shown))
}

impl TryFrom<ShipmentRow> for Shipment {
    type Error = StoreError;
    fn try_from(r: ShipmentRow) -> Result<Shipment, StoreError> {
        Ok(Shipment {
            sender_path: path_of(r.sender_path)?,
            id: r.id,
            campaign_id: r.campaign_id,
            campaign_title: r.campaign_title,
            sender_org_id: r.sender_org_id,
            sender_name: r.sender_name,
            item: r.item,
            print_size: r.print_size,
            note: r.note,
            created_at: r.created_at,
            counts: Counts {
                total: r.total,
                received: r.received,
                posted: r.posted,
            },
        })
    }
}

const SHIPMENT_SELECT: &str = "SELECT s.id, s.campaign_id, c.title AS campaign_title, \
    s.sender_org_id, so.name AS sender_name, so.path AS sender_path, s.item, s.print_size, \
    s.note, s.created_at, \
    (SELECT COUNT(*) FROM publicity_shipment_lines l WHERE l.shipment_id = s.id) AS total, \
    (SELECT COUNT(*) FROM publicity_shipment_lines l WHERE l.shipment_id = s.id \
        AND l.state <> 'sent') AS received, \
    (SELECT COUNT(*) FROM publicity_shipment_lines l WHERE l.shipment_id = s.id \
        AND l.state = 'posted') AS posted \
    FROM publicity_shipments s JOIN orgs so ON so.id = s.sender_org_id \
    JOIN campaigns c ON c.id = s.campaign_id";

/// One addressee's line, with its shipment's item and sender.
#[derive(Debug, Clone, Serialize)]
pub struct ShipmentLine {
    pub id: i64,
    pub shipment_id: i64,
    pub org_id: i64,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: OrgPath,
    pub quantity: i64,
    pub courier: Option<String>,
    pub tracking_no: Option<String>,
    pub state: LineState,
    pub received_at: Option<DateTime<Utc>>,
    pub posted_at: Option<DateTime<Utc>>,
    pub photo_id: Option<i64>,
    pub photo_name: Option<String>,
    pub thumb_id: Option<i64>,
    pub item: String,
    pub print_size: Option<String>,
    pub sender_org_id: i64,
    pub sender_name: String,
    #[serde(skip)]
    pub sender_path: OrgPath,
    pub sent_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    id: i64,
    shipment_id: i64,
    org_id: i64,
    org_name: String,
    org_path: String,
    quantity: i64,
    courier: Option<String>,
    tracking_no: Option<String>,
    state: String,
    received_at: Option<DateTime<Utc>>,
    posted_at: Option<DateTime<Utc>>,
    photo_id: Option<i64>,
    photo_name: Option<String>,
    thumb_id: Option<i64>,
    item: String,
    print_size: Option<String>,
    sender_org_id: i64,
    sender_name: String,
    sender_path: String,
    sent_at: DateTime<Utc>,
}

impl TryFrom<LineRow> for ShipmentLine {
    type Error = StoreError;
    fn try_from(r: LineRow) -> Result<ShipmentLine, StoreError> {
        Ok(ShipmentLine {
            state: LineState::from_code(&r.state).ok_or_else(|| corrupt("state", &r.state))?,
            org_path: path_of(r.org_path)?,
            sender_path: path_of(r.sender_path)?,
            id: r.id,
            shipment_id: r.shipment_id,
            org_id: r.org_id,
            org_name: r.org_name,
            quantity: r.quantity,
            courier: r.courier,
            tracking_no: r.tracking_no,
            received_at: r.received_at,
            posted_at: r.posted_at,
            photo_id: r.photo_id,
            photo_name: r.photo_name,
            thumb_id: r.thumb_id,
            item: r.item,
            print_size: r.print_size,
            sender_org_id: r.sender_org_id,
            sender_name: r.sender_name,
            sent_at: r.sent_at,
        })
    }
}

const LINE_SELECT: &str = "SELECT l.id, l.shipment_id, l.org_id, o.name AS org_name, \
    o.path AS org_path, l.quantity, l.courier, l.tracking_no, l.state, l.received_at, \
    l.posted_at, l.photo_id, f.name AS photo_name, l.thumb_id, s.item, s.print_size, \
    s.sender_org_id, so.name AS sender_name, so.path AS sender_path, s.created_at AS sent_at \
    FROM publicity_shipment_lines l JOIN publicity_shipments s ON s.id = l.shipment_id \
    JOIN orgs o ON o.id = l.org_id JOIN orgs so ON so.id = s.sender_org_id \
    LEFT JOIN files f ON f.id = l.photo_id";

/// A shipment to record.
pub struct NewShipment<'a> {
    pub campaign_id: i64,
    pub sender_org_id: i64,
    /// For the addressees' message.
    pub sender_name: &'a str,
    pub text: &'a ShipmentText,
    /// Each addressee once.
    pub addressees: &'a [i64],
    pub by: Option<i64>,
}

/// Records a shipment and a line per addressee (copies and courier from the shipment's
/// fields, state sent), and tells each addressee in-app — all in one transaction; its id.
pub async fn create(db: &Db, s: &NewShipment<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
    let mut tx = db.write().await?;
    let t = s.text;
    let id: i64 = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "INSERT INTO publicity_shipments (campaign_id, sender_org_id, item, print_size, note, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    )
    .bind(s.campaign_id)
    .bind(s.sender_org_id)
    .bind(t.item.as_str())
    .bind(t.print_size.as_deref())
    .bind(t.note.as_deref())
    .bind(s.by)
    .bind(now)
    .fetch_one(&mut *c)
    .await?);
    insert_lines(&mut tx, id, s).await?;
    let title = format!("{} 寄来宣传品 / Publicity items on the way", s.sender_name);
    let size = t
        .print_size
        .as_deref()
        .map(|p| format!("（{p}）"))
        .unwrap_or_default();
    let courier = t.courier.as_deref().unwrap_or("");
    let line = format!(
        "{}{size} × {}，{courier} 已寄出，请收到后确认签收并张贴。",
        t.item.as_str(),
        t.quantity
    );
    let link = format!("/publicity/shipments/{id}");
    for org in s.addressees {
        crate::reminders::notify(&mut tx, *org, "shipment_sent", &title, &line, &link, now).await?;
    }
    tx.commit().await?;
    Ok(id)
}

async fn insert_lines(tx: &mut Tx, id: i64, s: &NewShipment<'_>) -> Result<(), StoreError> {
    let backend = tx.backend();
    on_tx!(tx, |c| {
        for chunk in s.addressees.chunks(crate::rows::ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO publicity_shipment_lines (shipment_id, org_id, quantity, courier, state) \
                 VALUES {}",
                crate::rows::placeholders(backend, chunk.len(), 5)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for org in chunk {
                q = q
                    .bind(id)
                    .bind(*org)
                    .bind(s.text.quantity)
                    .bind(s.text.courier.as_deref())
                    .bind(LineState::Sent.as_str());
            }
            q.execute(&mut *c).await?;
        }
    });
    Ok(())
}

/// One shipment with its counts.
pub async fn get(db: &Db, id: i64) -> Result<Shipment, StoreError> {
    let sql = format!("{SHIPMENT_SELECT} WHERE s.id = $1");
    let row: Option<ShipmentRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_optional(p)
        .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// One line.
pub async fn line(db: &Db, id: i64) -> Result<ShipmentLine, StoreError> {
    let sql = format!("{LINE_SELECT} WHERE l.id = $1");
    let row: Option<LineRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_optional(p)
        .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// The line of shipment `shipment_id` addressed to `org_id`, if any.
pub async fn line_for(
    db: &Db,
    shipment_id: i64,
    org_id: i64,
) -> Result<Option<ShipmentLine>, StoreError> {
    let sql = format!("{LINE_SELECT} WHERE l.shipment_id = $1 AND l.org_id = $2");
    let row: Option<LineRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(shipment_id)
        .bind(org_id)
        .fetch_optional(p)
        .await)?;
    row.map(ShipmentLine::try_from).transpose()
}

/// Which lines of a board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pending {
    /// Every line.
    #[default]
    All,
    /// Not confirmed as received.
    NotReceived,
    /// Not confirmed as put up (received or not).
    NotPosted,
}

impl Pending {
    fn sql(self) -> &'static str {
        match self {
            Pending::All => "",
            Pending::NotReceived => " AND l.state = 'sent'",
            Pending::NotPosted => " AND l.state <> 'posted'",
        }
    }
}

fn page_bounds(offset: i64, limit: i64) -> (i64, i64) {
    (offset.max(0), limit.clamp(1, 500))
}

/// The lines of shipment `shipment_id`, by addressee (in tree order), paged.
pub async fn lines(
    db: &Db,
    shipment_id: i64,
    pending: Pending,
    offset: i64,
    limit: i64,
) -> Result<Page<ShipmentLine>, StoreError> {
    let (offset, limit) = page_bounds(offset, limit);
    let cond = format!("l.shipment_id = $1{}", pending.sql());
    let sql = format!("{LINE_SELECT} WHERE {cond} ORDER BY o.path LIMIT {limit} OFFSET {offset}");
    let count = format!("SELECT COUNT(*) FROM publicity_shipment_lines l WHERE {cond}");
    let (rows, total): (Vec<LineRow>, i64) = on_db!(db, |p| (
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(shipment_id)
            .fetch_all(p)
            .await?,
        sqlx::query_scalar(AssertSqlSafe(count.as_str()))
            .bind(shipment_id)
            .fetch_one(p)
            .await?
    ));
    Ok(Page {
        items: rows
            .into_iter()
            .map(ShipmentLine::try_from)
            .collect::<Result<_, _>>()?,
        total,
        offset,
        limit,
    })
}

/// The lines addressed to organisation `org_id`, newest shipment first, paged.
pub async fn received(
    db: &Db,
    org_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Page<ShipmentLine>, StoreError> {
    let (offset, limit) = page_bounds(offset, limit);
    let sql = format!(
        "{LINE_SELECT} WHERE l.org_id = $1 ORDER BY s.created_at DESC, l.id DESC \
         LIMIT {limit} OFFSET {offset}"
    );
    let count = "SELECT COUNT(*) FROM publicity_shipment_lines l WHERE l.org_id = $1";
    let (rows, total): (Vec<LineRow>, i64) = on_db!(db, |p| (
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(org_id)
            .fetch_all(p)
            .await?,
        sqlx::query_scalar(count).bind(org_id).fetch_one(p).await?
    ));
    Ok(Page {
        items: rows
            .into_iter()
            .map(ShipmentLine::try_from)
            .collect::<Result<_, _>>()?,
        total,
        offset,
        limit,
    })
}

/// Which shipments a list shows, by their sender.
#[derive(Debug, Clone)]
pub enum Senders<'a> {
    /// Sent by this organisation.
    Org(i64),
    /// Sent by an organisation in this subtree.
    Within(&'a OrgPath),
    /// Every shipment (an administrator's list).
    All,
}

/// The shipments of `senders` (optionally of one campaign), newest first, paged.
pub async fn list(
    db: &Db,
    senders: Senders<'_>,
    campaign_id: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<Page<Shipment>, StoreError> {
    let (offset, limit) = page_bounds(offset, limit);
    // Both scopes bind one text value as $1 (an id is cast back), and $2 the campaign.
    let (scope, key) = match senders {
        Senders::Org(id) => ("s.sender_org_id = CAST($1 AS BIGINT)", id.to_string()),
        Senders::Within(path) => ("so.path >= $1 AND so.path < $3", path.as_str().to_owned()),
        Senders::All => ("$1 = $1", String::new()),
    };
    let upper = match senders {
        Senders::Within(path) => path.upper_bound(),
        Senders::Org(_) | Senders::All => String::new(),
    };
    let cond = format!("{scope} AND ($2 IS NULL OR s.campaign_id = $2) AND $3 = $3");
    let sql = format!(
        "{SHIPMENT_SELECT} WHERE {cond} ORDER BY s.created_at DESC, s.id DESC \
         LIMIT {limit} OFFSET {offset}"
    );
    let count = format!(
        "SELECT COUNT(*) FROM publicity_shipments s JOIN orgs so ON so.id = s.sender_org_id \
         WHERE {cond}"
    );
    let (rows, total): (Vec<ShipmentRow>, i64) = on_db!(db, |p| (
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(&key)
            .bind(campaign_id)
            .bind(&upper)
            .fetch_all(p)
            .await?,
        sqlx::query_scalar(AssertSqlSafe(count.as_str()))
            .bind(&key)
            .bind(campaign_id)
            .bind(&upper)
            .fetch_one(p)
            .await?
    ));
    Ok(Page {
        items: rows
            .into_iter()
            .map(Shipment::try_from)
            .collect::<Result<_, _>>()?,
        total,
        offset,
        limit,
    })
}

/// Changes a line's copies, courier and tracking number while it is still on its way;
/// `shipment_already_received` once the addressee confirmed it.
pub async fn edit_line(db: &Db, id: i64, t: &LineText) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE publicity_shipment_lines SET quantity = $1, courier = $2, tracking_no = $3 \
         WHERE id = $4 AND state = 'sent'"
    )
    .bind(t.quantity)
    .bind(t.courier.as_deref())
    .bind(t.tracking_no.as_deref())
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())?);
    if n == 0 {
        drop(tx);
        line(db, id).await?;
        return Err(StoreError::State("shipment_already_received"));
    }
    tx.commit().await?;
    Ok(())
}

/// A put-up photo and its thumbnail, staged.
pub struct Photo<'a> {
    pub file: &'a Staged,
    pub thumb: &'a Staged,
}

/// Confirms `step` on line `l` (read before; its state checked again in the UPDATE, so a
/// line is confirmed once): received, or posted with an optional photo. The sender is told
/// in-app, one line per confirmation in its unread message about the shipment.
pub async fn confirm(
    db: &Db,
    l: &ShipmentLine,
    step: LineStep,
    photo: Option<Photo<'_>>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let to = l
        .state
        .after(step)
        .ok_or(StoreError::State(l.state.refusal(step)))?;
    let mut tx = db.write().await?;
    let (photo_id, thumb_id) = match &photo {
        Some(p) => (
            Some(p.file.insert(&mut tx, now).await?),
            Some(p.thumb.insert(&mut tx, now).await?),
        ),
        None => (None, None),
    };
    let sql = match step {
        LineStep::Receive => {
            "UPDATE publicity_shipment_lines SET state = $1, received_by = $2, received_at = $3 \
             WHERE id = $4 AND state = $5 AND $6 IS NULL AND $7 IS NULL"
        }
        LineStep::Post => {
            "UPDATE publicity_shipment_lines SET state = $1, posted_by = $2, posted_at = $3, \
             photo_id = $6, thumb_id = $7 WHERE id = $4 AND state = $5"
        }
    };
    let n = on_tx!(&mut tx, |c| sqlx::query(sql)
        .bind(to.as_str())
        .bind(by)
        .bind(now)
        .bind(l.id)
        .bind(l.state.as_str())
        .bind(photo_id)
        .bind(thumb_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())?);
    if n == 0 {
        drop(tx);
        let again = line(db, l.id).await?;
        return Err(StoreError::State(again.state.refusal(step)));
    }
    let what = match step {
        LineStep::Receive => "已签收",
        LineStep::Post => "已张贴",
    };
    let at = renke_domain::clock::local_time(&now);
    crate::reminders::notify(
        &mut tx,
        l.sender_org_id,
        "shipment_confirmed",
        &format!("{} 有新的确认 / New confirmations", l.item),
        &format!("{} {what}（{at}）", l.org_name),
        &format!("/publicity/shipments/{}", l.shipment_id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
