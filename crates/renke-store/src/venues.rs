//! The venues of an activity after it is created: a venue added, changed or removed, its
//! participants by category added and removed, debugging slots removed, and the
//! addressees (主送单位) of a notice, from which branch venues (分会场) are made.
//!
//! Writes that number rows (a venue's position in its activity, a participant's in its
//! venue) run in a transaction that first takes the activity's lock: on SQLite the
//! transaction holds the write lock from its start; on PostgreSQL it locks the activity's
//! row (`FOR UPDATE`), so two organisers adding at once take turns and never pick the
//! same position.

use crate::rows::{ROWS_PER_INSERT, placeholders};
use crate::{Db, StoreError, Tx, on_db, on_tx};
use renke_domain::activity::{ParticipantSpec, VenueSpec};
use serde::Serialize;

/// An organisation a notice is addressed to (主送单位).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Addressee {
    pub org_id: i64,
    pub code: String,
    pub name: String,
}

/// The addressees of notice `notice_id`, each once, in the order of its 主送 and then of
/// the tree: those it was delivered to when it is issued (its own, not its relays'), else
/// what its recipients name (an organisation, or every direct child of one of a kind).
pub async fn notice_addressees(db: &Db, notice_id: i64) -> Result<Vec<Addressee>, StoreError> {
    let delivered = "SELECT o.id AS org_id, o.code, o.name FROM notice_deliveries d \
                     JOIN orgs o ON o.id = d.org_id WHERE d.notice_id = $1 \
                     ORDER BY d.recipient_pos, o.path";
    let named = "SELECT org_id, code, name FROM ( \
                   SELECT o.id AS org_id, o.code, o.name, r.position AS pos, o.path AS path \
                   FROM notice_recipients r JOIN orgs o ON o.id = r.org_id \
                   WHERE r.notice_id = $1 AND r.children_kind IS NULL \
                   UNION ALL \
                   SELECT o.id AS org_id, o.code, o.name, r.position AS pos, o.path AS path \
                   FROM notice_recipients r JOIN orgs o ON o.parent_id = r.org_id AND o.kind = r.children_kind \
                   WHERE r.notice_id = $1 AND r.children_kind IS NOT NULL \
                 ) x ORDER BY pos, path";
    let mut rows: Vec<Addressee> = on_db!(db, |p| sqlx::query_as(delivered)
        .bind(notice_id)
        .fetch_all(p)
        .await?);
    if rows.is_empty() {
        rows = on_db!(db, |p| sqlx::query_as(named)
            .bind(notice_id)
            .fetch_all(p)
            .await?);
    }
    let mut seen = std::collections::HashSet::new();
    rows.retain(|a| seen.insert(a.org_id));
    Ok(rows)
}

/// An organisation an activity's venues or their participants name: id, code and name.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct VenueOrg {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// Every organisation that hosts a venue of activity `activity_id` or is named by one of
/// its participants.
pub async fn venue_orgs(db: &Db, activity_id: i64) -> Result<Vec<VenueOrg>, StoreError> {
    let sql = "SELECT o.id, o.code, o.name FROM orgs o WHERE o.id IN ( \
                 SELECT v.org_id FROM activity_venues v WHERE v.activity_id = $1 AND v.org_id IS NOT NULL \
                 UNION \
                 SELECT p.org_id FROM venue_participants p JOIN activity_venues v ON v.id = p.venue_id \
                 WHERE v.activity_id = $1 AND p.org_id IS NOT NULL) \
               ORDER BY o.path";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(activity_id)
        .fetch_all(p)
        .await?))
}

/// Takes activity `activity_id`'s lock in `tx` (see the module documentation); NotFound
/// when there is no such activity.
async fn lock_activity(tx: &mut Tx, activity_id: i64) -> Result<(), StoreError> {
    // DIALECT: a SQLite transaction holds the database's write lock from its start; on
    // PostgreSQL, lock the activity's row.
    let found: Option<i64> = match tx {
        Tx::Sqlite(t) => {
            sqlx::query_scalar("SELECT id FROM activities WHERE id = $1")
                .bind(activity_id)
                .fetch_optional(&mut *t.tx)
                .await?
        }
        Tx::Pg(t) => {
            sqlx::query_scalar("SELECT id FROM activities WHERE id = $1 FOR UPDATE")
                .bind(activity_id)
                .fetch_optional(&mut *t.tx)
                .await?
        }
    };
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

/// Writes `participants` after the last participant of venue `venue_id` in `tx`, with
/// multi-row INSERTs. The caller holds the activity's lock.
async fn insert_participants(
    tx: &mut Tx,
    venue_id: i64,
    participants: &[ParticipantSpec],
) -> Result<(), StoreError> {
    let backend = tx.backend();
    let mut next: i32 = on_tx!(&mut *tx, |c| {
        sqlx::query_scalar(
        "SELECT CAST(COALESCE(MAX(position), -1) + 1 AS INTEGER) FROM venue_participants WHERE venue_id = $1",
    )
    .bind(venue_id)
    .fetch_one(&mut *c)
    .await?
    });
    for chunk in participants.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO venue_participants (venue_id, position, category, org_id, label) VALUES {}",
            placeholders(backend, chunk.len(), 5)
        );
        on_tx!(&mut *tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for p in chunk {
                q = q
                    .bind(venue_id)
                    .bind(next)
                    .bind(p.category.as_str())
                    .bind(p.org_id)
                    .bind(p.label.as_str());
                next += 1;
            }
            q.execute(&mut *c).await?;
        });
    }
    Ok(())
}

/// Writes venue `v` of activity `activity_id` at `position`, with its participants, in
/// `tx`; returns its id. Used by the activity's creation and by [`add_venue`].
pub(crate) async fn insert_venue(
    tx: &mut Tx,
    activity_id: i64,
    position: i32,
    v: &VenueSpec,
) -> Result<i64, StoreError> {
    let id: i64 = on_tx!(&mut *tx, |c| {
        sqlx::query_scalar(
            "INSERT INTO activity_venues (activity_id, position, kind, name, org_id, address, room, capacity, url) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(activity_id)
        .bind(position)
        .bind(v.kind.as_str())
        .bind(v.name.as_str())
        .bind(v.org_id)
        .bind(v.address.as_ref().map(|s| s.as_str()))
        .bind(v.room.as_ref().map(|s| s.as_str()))
        .bind(v.capacity)
        .bind(v.url.as_ref().map(|s| s.as_str()))
        .fetch_one(&mut *c)
        .await?
    });
    insert_participants(tx, id, &v.participants).await?;
    Ok(id)
}

/// Adds venue `v` with its participants after the last venue of activity `activity_id`, in
/// one transaction; returns its id. A second venue hosted by the same organisation is
/// refused by `activity_venues_org_key` ([`StoreError::Conflict`]).
pub async fn add_venue(db: &Db, activity_id: i64, v: &VenueSpec) -> Result<i64, StoreError> {
    let mut tx = db.write().await?;
    lock_activity(&mut tx, activity_id).await?;
    let position: i32 = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
            "SELECT CAST(COALESCE(MAX(position), -1) + 1 AS INTEGER) FROM activity_venues WHERE activity_id = $1",
        )
        .bind(activity_id)
        .fetch_one(&mut *c)
        .await?
    });
    let id = insert_venue(&mut tx, activity_id, position, v).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes venue `venue_id` of activity `activity_id`: kind, name, host, address, room,
/// capacity and link (its participants stay). NotFound for a venue of another activity.
pub async fn update_venue(
    db: &Db,
    activity_id: i64,
    venue_id: i64,
    v: &VenueSpec,
) -> Result<(), StoreError> {
    let sql = "UPDATE activity_venues SET kind = $1, name = $2, org_id = $3, address = $4, room = $5, \
               capacity = $6, url = $7 WHERE id = $8 AND activity_id = $9";
    let mut tx = db.write().await?;
    let done = on_tx!(&mut tx, |c| sqlx::query(sql)
        .bind(v.kind.as_str())
        .bind(v.name.as_str())
        .bind(v.org_id)
        .bind(v.address.as_ref().map(|s| s.as_str()))
        .bind(v.room.as_ref().map(|s| s.as_str()))
        .bind(v.capacity)
        .bind(v.url.as_ref().map(|s| s.as_str()))
        .bind(venue_id)
        .bind(activity_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
    tx.commit().await?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Removes venue `venue_id` of activity `activity_id` with its participants and its
/// readiness reports, in one transaction. Refuses `venue_has_sessions` while a session
/// takes place there; NotFound for a venue of another activity.
pub async fn remove_venue(db: &Db, activity_id: i64, venue_id: i64) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    lock_activity(&mut tx, activity_id).await?;
    on_tx!(&mut tx, |c| {
        let sessions: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM activity_sessions WHERE venue_id = $1")
                .bind(venue_id)
                .fetch_one(&mut *c)
                .await?;
        if sessions > 0 {
            return Err(StoreError::State("venue_has_sessions"));
        }
        let done = sqlx::query("DELETE FROM activity_venues WHERE id = $1 AND activity_id = $2")
            .bind(venue_id)
            .bind(activity_id)
            .execute(&mut *c)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
    });
    tx.commit().await?;
    Ok(())
}

/// Adds `participants` after the last participant of venue `venue_id` of activity
/// `activity_id`, in one transaction. NotFound for a venue of another activity.
pub async fn add_participants(
    db: &Db,
    activity_id: i64,
    venue_id: i64,
    participants: &[ParticipantSpec],
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    lock_activity(&mut tx, activity_id).await?;
    let found: Option<i64> = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "SELECT id FROM activity_venues WHERE id = $1 AND activity_id = $2"
    )
    .bind(venue_id)
    .bind(activity_id)
    .fetch_optional(&mut *c)
    .await?);
    if found.is_none() {
        return Err(StoreError::NotFound);
    }
    insert_participants(&mut tx, venue_id, participants).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes the participant at `position` of venue `venue_id` of activity `activity_id`.
/// NotFound when there is none.
pub async fn remove_participant(
    db: &Db,
    activity_id: i64,
    venue_id: i64,
    position: i32,
) -> Result<(), StoreError> {
    let sql = "DELETE FROM venue_participants WHERE venue_id = $1 AND position = $2 \
               AND venue_id IN (SELECT id FROM activity_venues WHERE activity_id = $3)";
    let mut tx = db.write().await?;
    let done = on_tx!(&mut tx, |c| sqlx::query(sql)
        .bind(venue_id)
        .bind(position)
        .bind(activity_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
    tx.commit().await?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Removes debugging slot `slot_id` of activity `activity_id` with the venues' reports on
/// it. NotFound for a slot of another activity.
pub async fn remove_debug_slot(db: &Db, activity_id: i64, slot_id: i64) -> Result<(), StoreError> {
    let sql = "DELETE FROM debug_slots WHERE id = $1 AND activity_id = $2";
    let mut tx = db.write().await?;
    let done = on_tx!(&mut tx, |c| sqlx::query(sql)
        .bind(slot_id)
        .bind(activity_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
    tx.commit().await?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
