//! Activities (活动): organisers, venues with their participants, sessions with capacity,
//! registrations with a waiting list, idempotent check-ins, and the readiness of each
//! branch venue for each video-conference debugging slot.
//!
//! **Capacity under concurrency.** Every write that depends on how many places a session
//! has left (register, cancel with promotion, change of capacity) runs in a transaction that
//! first takes a lock that serialises writers of that session, then counts and writes:
//!
//! - SQLite: the transaction starts with `BEGIN IMMEDIATE`, which takes the database's
//!   write lock at once (waiting up to the busy timeout). A deferred transaction would read
//!   the count under a snapshot and could then fail to upgrade to a writer with
//!   `SQLITE_BUSY_SNAPSHOT`, which the busy timeout does not retry.
//! - PostgreSQL: `SELECT … FOR UPDATE` on the session's row; writers of other sessions are
//!   not held up.
//!
//! Under that lock the count of confirmed registrations is exact, so a session never goes
//! over capacity, and the first waiting registration is promoted exactly once per freed
//! place. A partial unique index (`registrations_person_key`) refuses a second live
//! registration of the same person for the same session whatever the timing.

use crate::rows::{ROWS_PER_INSERT, param, placeholders};
use crate::states::Stored;
use crate::{Db, StoreError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use rand::RngExt;
use renke_domain::activity::{
    ActivityDraft, Readiness, RegistrationDraft, RegistrationEvent, RegistrationStatus, Schedule,
    SessionDraft, TICKET_CODE_ALPHABET, TICKET_CODE_LEN, VenueSpec,
};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Opens a transaction that holds the write lock for session `session_id` (see the module
/// documentation). Refuses [`StoreError::NotFound`] for a session that does not exist on
/// PostgreSQL (on SQLite the statements that follow find out).
pub async fn session_lock(db: &Db, session_id: i64) -> Result<Tx, StoreError> {
    let mut tx = db.write().await?;
    // DIALECT: a SQLite transaction holds the database's write lock from its start;
    // on PostgreSQL, lock the session's row.
    if let Tx::Pg(t) = &mut tx {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM activity_sessions WHERE id = $1 FOR UPDATE")
                .bind(session_id)
                .fetch_optional(&mut *t.tx)
                .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
    }
    Ok(tx)
}

/// Queues messages about registrations in transaction `tx` (the same transaction as the
/// change that causes them): one `registration_messages` row per `(registration id, kind)`
/// of `msgs`, written with multi-row INSERTs, and one [`MAIL_JOB`] for all of them. The job
/// drains the outbox: it hands every unsent message to the mail queue (see
/// [`unsent_messages`] and [`hand_over`]), so a batch of 500 registrations costs one job, not
/// 500. Its payload and dedupe key name the batch's first message, so each batch queues its
/// own job exactly once.
pub async fn queue_messages(
    tx: &mut Tx,
    msgs: &[(i64, &str)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let backend = tx.backend();
    let mut first: Option<i64> = None;
    for chunk in msgs.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO registration_messages (registration_id, kind, created_at) VALUES {} RETURNING id",
            placeholders(backend, chunk.len(), 3)
        );
        let ids: Vec<i64> = on_tx!(&mut *tx, |tx| {
            let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
            for (id, kind) in chunk {
                q = q.bind(*id).bind(*kind).bind(now);
            }
            q.fetch_all(&mut *tx).await?
        });
        first = ids.into_iter().chain(first).min();
    }
    if let Some(first) = first {
        let job =
            crate::jobs::NewJob::new(MAIL_JOB, &first, now)?.dedupe(format!("{MAIL_JOB}:{first}"));
        crate::jobs::enqueue_in(tx, &job, now).await?;
    }
    Ok(())
}

/// Queues the link message (`link`) of every confirmed registration with an e-mail address
/// for an online session (its own link, or an online or livestream venue with one) whose
/// link may be shown by `links_from` (the start less the lead time, as the caller computes
/// it: `starts_at <= links_from`) and which has not ended at `now`; each registration gets
/// it once, however many workers scan (a unique index on the link message). Returns how
/// many were queued.
pub async fn queue_link_messages(
    db: &Db,
    now: DateTime<Utc>,
    links_from: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut tx = db.write().await?;
    let ids: Vec<i64> = on_tx!(&mut tx, |tx| {
        sqlx::query_scalar(
            "INSERT INTO registration_messages (registration_id, kind, created_at) \
             SELECT r.id, 'link', $1 FROM registrations r \
             JOIN activity_sessions s ON s.id = r.session_id \
             LEFT JOIN activity_venues v ON v.id = s.venue_id \
             WHERE r.status = 'confirmed' AND r.email IS NOT NULL AND r.email <> '' \
             AND (s.online_url IS NOT NULL OR (v.kind IN ('online', 'livestream') AND v.url IS NOT NULL)) \
             AND s.starts_at <= $2 AND s.ends_at > $1 \
             AND NOT EXISTS (SELECT 1 FROM registration_messages m WHERE m.registration_id = r.id AND m.kind = 'link') \
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(now)
        .bind(links_from)
        .fetch_all(&mut *tx)
        .await?
    });
    if let Some(first) = ids.iter().min() {
        let job =
            crate::jobs::NewJob::new(MAIL_JOB, first, now)?.dedupe(format!("{MAIL_JOB}:{first}"));
        crate::jobs::enqueue_in(&mut tx, &job, now).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}

/// Confirms up to `free` of session `session_id`'s waiting list, first come first served,
/// in transaction `tx` (holding [`session_lock`]), and queues a promotion message for each;
/// returns their ids.
pub async fn promote_waiting(
    tx: &mut Tx,
    session_id: i64,
    free: i64,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, StoreError> {
    let mut promoted: Vec<i64> = Vec::new();
    let sql = promote_sql()?;
    while (promoted.len() as i64) < free {
        let next: Option<i64> = on_tx!(&mut *tx, |tx| {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(now)
                .bind(session_id)
                .fetch_optional(&mut *tx)
                .await?
        });
        let Some(id) = next else { break };
        promoted.push(id);
    }
    let msgs: Vec<(i64, &str)> = promoted.iter().map(|id| (*id, "promoted")).collect();
    queue_messages(tx, &msgs, now).await?;
    Ok(promoted)
}

/// Promotes the first of session `$2`'s waiting list at time `$1`, returning its id: the
/// statuses it may leave and the one it leads to are the domain's rule.
fn promote_sql() -> Result<String, StoreError> {
    let (from, to) = crate::states::guard(
        RegistrationStatus::ALL,
        RegistrationEvent::Promote,
        RegistrationStatus::transition,
        RegistrationStatus::as_str,
    )?;
    Ok(format!(
        "UPDATE registrations SET status = '{}', promoted_at = $1 WHERE id = \
         (SELECT id FROM registrations WHERE session_id = $2 AND status IN ({from}) ORDER BY id LIMIT 1) \
         RETURNING id",
        to.as_str()
    ))
}

/// The job kind that drains the outbox of registration messages: it hands every unsent
/// message to the mail queue. Its payload is the first message id of the batch that queued
/// it (informative only: a drain takes every unsent message).
pub const MAIL_JOB: &str = "registration_mail";

// ---------------------------------------------------------------- registration

// ---------------------------------------------------------------- read models

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: i64,
    pub campaign_id: i64,
    pub owner_org_id: i64,
    pub owner_name: String,
    #[serde(skip)]
    pub owner_path: String,
    pub kind: String,
    pub title: String,
    pub description: Option<String>,
    pub schedule_kind: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub period_label: Option<String>,
    pub mode: String,
    pub audience: Option<String>,
    pub audience_roles: String,
    pub form_fields: String,
    pub public: bool,
    pub notice_id: Option<i64>,
    /// The source notice's 发文字号 (empty for a notice without one).
    pub notice_doc_number: Option<String>,
    pub task_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl ActivityRow {
    /// The schedule back as the domain type.
    pub fn schedule(&self) -> Schedule {
        stored_schedule(
            &self.schedule_kind,
            self.starts_at,
            self.ends_at,
            &self.period_label,
        )
    }
    /// Codes of the audience roles, in order.
    pub fn audience_role_codes(&self) -> Vec<&str> {
        split_codes(&self.audience_roles)
    }
    pub fn form_field_codes(&self) -> Vec<&str> {
        split_codes(&self.form_fields)
    }
}

/// A schedule back from its stored columns.
fn stored_schedule(
    kind: &str,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    period_label: &Option<String>,
) -> Schedule {
    if kind == "period" {
        let sh = renke_domain::clock::SHANGHAI;
        let from = starts_at.with_timezone(&sh).date_naive();
        let to = (ends_at - chrono::Duration::seconds(1))
            .with_timezone(&sh)
            .date_naive();
        Schedule::Period {
            from,
            to,
            label: period_label.clone(),
        }
    } else {
        Schedule::Window { starts_at, ends_at }
    }
}

fn split_codes(s: &str) -> Vec<&str> {
    s.split(',').filter(|c| !c.is_empty()).collect()
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Organiser {
    pub role: String,
    pub org_id: Option<i64>,
    /// The directory name of `org_id`, or the name as written.
    pub name: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Venue {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub org_id: Option<i64>,
    pub address: Option<String>,
    pub room: Option<String>,
    pub capacity: Option<i32>,
    pub url: Option<String>,
    #[sqlx(skip)]
    pub participants: Vec<Participant>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Participant {
    #[serde(skip)]
    pub venue_id: i64,
    pub position: i32,
    pub category: String,
    pub org_id: Option<i64>,
    pub label: String,
    pub attended: Option<bool>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Session {
    pub id: i64,
    pub activity_id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: Option<i32>,
    pub registration_closes_at: Option<DateTime<Utc>>,
    pub venue_id: Option<i64>,
    pub city: Option<String>,
    pub online_url: Option<String>,
    pub confirmed: i64,
    pub waiting: i64,
    pub checked_in: i64,
}

impl Session {
    /// When registration closes: the set time, or the session's start.
    pub fn closes_at(&self) -> DateTime<Utc> {
        self.registration_closes_at.unwrap_or(self.starts_at)
    }
    /// Places left, `None` when unlimited.
    pub fn places_left(&self) -> Option<i64> {
        self.capacity
            .map(|c| (i64::from(c) - self.confirmed).max(0))
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DebugSlot {
    pub id: i64,
    pub label: String,
    pub starts_at: DateTime<Utc>,
}

/// An activity with everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct Activity {
    #[serde(flatten)]
    pub row: ActivityRow,
    pub organisers: Vec<Organiser>,
    pub venues: Vec<Venue>,
    pub sessions: Vec<Session>,
    pub debug_slots: Vec<DebugSlot>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Registration {
    pub id: i64,
    pub session_id: i64,
    pub activity_id: i64,
    #[sqlx(try_from = "Stored<RegistrationStatus>")]
    pub status: RegistrationStatus,
    pub name: String,
    pub company: Option<String>,
    pub position: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub attendance: Option<String>,
    pub audience_role: Option<String>,
    #[serde(skip)]
    pub ticket: String,
    /// The short ticket code people read and type (`K7M2Q9XD`).
    pub code: String,
    pub account_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub promoted_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// 1-based place on the waiting list (0 when not waiting).
    pub queue_position: i64,
}

impl Registration {
    pub fn status(&self) -> RegistrationStatus {
        self.status
    }
}

/// One row of the day-of board: a branch venue and its report for a debugging slot.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct BoardRow {
    pub venue_id: i64,
    pub venue_name: String,
    pub org_id: Option<i64>,
    pub slot_id: i64,
    pub slot_label: String,
    pub slot_starts_at: DateTime<Utc>,
    pub readiness: String,
    pub test_confirmed: bool,
    pub technician_name: Option<String>,
    pub technician_phone: Option<String>,
    pub note: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A queued message about a registration (the mail queue sends it).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RegistrationMessage {
    pub id: i64,
    pub registration_id: i64,
    pub kind: String,
    pub created_at: DateTime<Utc>,
}

// ---------------------------------------------------------------- activities

const ACTIVITY_COLS: &str = "a.id, a.campaign_id, a.owner_org_id, o.name AS owner_name, o.path AS owner_path, \
    a.kind, a.title, a.description, a.schedule_kind, a.starts_at, a.ends_at, a.period_label, a.mode, \
    a.audience, a.audience_roles, a.form_fields, a.public, a.notice_id, \
    (SELECT n.doc_number FROM notices n WHERE n.id = a.notice_id) AS notice_doc_number, a.task_id, a.created_at";

fn join_codes<T: Copy>(items: &[T], code: impl Fn(T) -> &'static str) -> String {
    items.iter().map(|i| code(*i)).collect::<Vec<_>>().join(",")
}

/// A statement on either backend, with its arguments.
type Query<'q, DB> = sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>;

/// Binds an activity's own fields, in the order of the columns [`ACTIVITY_FIELDS`] names,
/// to `q` (the first thirteen parameters of the insert and of the update).
fn bind_activity_fields<'q, 'd, DB>(q: Query<'q, DB>, d: &'d ActivityDraft) -> Query<'q, DB>
where
    DB: sqlx::Database,
    &'d str: sqlx::Encode<'d, DB> + sqlx::Type<DB>,
    Option<&'d str>: sqlx::Encode<'d, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'d, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'d, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'d, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'d, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'d, DB> + sqlx::Type<DB>,
{
    let period_label = match &d.schedule {
        Schedule::Period { label, .. } => label.clone(),
        Schedule::Window { .. } => None,
    };
    q.bind(d.kind.as_str())
        .bind(d.title.as_str())
        .bind(d.description.clone())
        .bind(if d.schedule.is_period() {
            "period"
        } else {
            "window"
        })
        .bind(d.schedule.starts_at())
        .bind(d.schedule.ends_at())
        .bind(period_label)
        .bind(d.mode.as_str())
        .bind(d.audience.as_ref().map(|a| a.as_str()))
        .bind(join_codes(&d.audience_roles, |r| r.as_str()))
        .bind(join_codes(&d.form_fields, |f| f.as_str()))
        .bind(d.public)
        .bind(d.notice_id)
}

/// The columns [`bind_activity_fields`] binds, in its order.
const ACTIVITY_FIELDS: &str = "kind, title, description, schedule_kind, starts_at, ends_at, period_label, mode, \
    audience, audience_roles, form_fields, public, notice_id";

/// Writes the organisers of activity `id` in transaction `tx`, in their order.
async fn insert_organisers(
    tx: &mut Tx,
    id: i64,
    organisers: &[renke_domain::activity::OrganiserSpec],
) -> Result<(), StoreError> {
    on_tx!(tx, |tx| {
        for (i, o) in organisers.iter().enumerate() {
            sqlx::query(
                "INSERT INTO activity_organisers (activity_id, position, role, org_id, name) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(i as i32)
            .bind(o.role.as_str())
            .bind(o.org_id)
            .bind(o.name.as_ref().map(|n| n.as_str()))
            .execute(&mut *tx)
            .await?;
        }
    });
    Ok(())
}

/// Everything an activity is created with.
#[derive(Debug, Clone, Default)]
pub struct NewActivity<'a> {
    pub venues: &'a [VenueSpec],
    /// Organisations that each get a branch venue (分会场) named after them.
    pub branch_orgs: &'a [i64],
    /// Sessions, each optionally at the venue with that index in `venues`.
    pub sessions: &'a [(SessionDraft, Option<usize>)],
    /// Debugging slots (联调): label and start.
    pub debug_slots: &'a [(String, DateTime<Utc>)],
    /// The activity plan task (活动方案) it is listed in; checked by the caller.
    pub task_id: Option<i64>,
}

/// Stores a validated activity with its organisers, venues, branch venues, sessions and
/// debugging slots in one transaction.
pub async fn create(
    db: &Db,
    d: &ActivityDraft,
    parts: &NewActivity<'_>,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let mut tx = db.write().await?;
    let id = create_in(&mut tx, d, parts, created_by, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`create`] in transaction `tx`.
pub async fn create_in(
    tx: &mut Tx,
    d: &ActivityDraft,
    parts: &NewActivity<'_>,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let venues = parts.venues;
    let sql = format!(
        "INSERT INTO activities ({ACTIVITY_FIELDS}, task_id, campaign_id, owner_org_id, created_by, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id"
    );
    let id: i64 = on_tx!(tx, |tx| {
        let row = bind_activity_fields(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())), d)
            .bind(parts.task_id)
            .bind(d.campaign_id)
            .bind(d.owner_org_id)
            .bind(created_by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::Row::try_get(&row, 0)?
    });
    insert_organisers(tx, id, &d.organisers).await?;
    let mut vids = Vec::with_capacity(venues.len());
    for (i, v) in venues.iter().enumerate() {
        vids.push(crate::venues::insert_venue(tx, id, i as i32, v).await?);
    }
    on_tx!(tx, |tx| {
        for (k, org) in parts.branch_orgs.iter().enumerate() {
            sqlx::query(
                "INSERT INTO activity_venues (activity_id, position, kind, name, org_id) \
                 SELECT $1, $2, 'branch', o.name, o.id FROM orgs o WHERE o.id = $3 \
                 ON CONFLICT (activity_id, org_id) DO NOTHING",
            )
            .bind(id)
            .bind((venues.len() + k) as i32)
            .bind(org)
            .execute(&mut *tx)
            .await?;
        }
        for (s, venue) in parts.sessions {
            let venue_id = venue.and_then(|i| vids.get(i).copied()).or(s.venue_id);
            sqlx::query(
                "INSERT INTO activity_sessions (activity_id, title, starts_at, ends_at, capacity, \
                 registration_closes_at, venue_id, city, online_url) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(s.title.as_str())
            .bind(s.starts_at)
            .bind(s.ends_at)
            .bind(s.capacity)
            .bind(s.registration_closes_at)
            .bind(venue_id)
            .bind(s.city.as_ref().map(|c| c.as_str()))
            .bind(s.online_url.as_ref().map(|c| c.as_str()))
            .execute(&mut *tx)
            .await?;
        }
        for (label, at) in parts.debug_slots {
            sqlx::query(
                "INSERT INTO debug_slots (activity_id, label, starts_at) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(label)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
    });
    crate::search::sync_in(tx, crate::search::Source::Activity(id)).await?;
    Ok(id)
}

/// Adds one branch venue per organisation (name = the organisation's name), skipping
/// organisations that already have a venue in the activity. Returns how many were added.
pub async fn add_branch_venues(
    db: &Db,
    activity_id: i64,
    org_ids: &[i64],
) -> Result<u64, StoreError> {
    let mut added = 0;
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |tx| {
        let mut pos: i32 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(MAX(position), -1) + 1 AS INTEGER) FROM activity_venues WHERE activity_id = $1",
        )
        .bind(activity_id)
        .fetch_one(&mut *tx)
        .await?;
        for org in org_ids {
            let done = sqlx::query(
                "INSERT INTO activity_venues (activity_id, position, kind, name, org_id) \
                 SELECT $1, $2, 'branch', o.name, o.id FROM orgs o WHERE o.id = $3 \
                 ON CONFLICT (activity_id, org_id) DO NOTHING",
            )
            .bind(activity_id)
            .bind(pos)
            .bind(org)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() > 0 {
                added += done.rows_affected();
                pos += 1;
            }
        }
    });
    tx.commit().await?;
    Ok(added)
}

/// The direct children of `parent` of kind `kind` (e.g. every provincial bureau), for
/// generating branch venues from a list.
pub async fn children_of_kind(db: &Db, parent: i64, kind: &str) -> Result<Vec<i64>, StoreError> {
    let sql = "SELECT id FROM orgs WHERE parent_id = $1 AND kind = $2 ORDER BY id";
    Ok(on_db!(db, |p| sqlx::query_scalar(sql)
        .bind(parent)
        .bind(kind)
        .fetch_all(p)
        .await?))
}

/// Adds a session to an activity.
pub async fn add_session(db: &Db, activity_id: i64, s: &SessionDraft) -> Result<i64, StoreError> {
    let sql = "INSERT INTO activity_sessions (activity_id, title, starts_at, ends_at, capacity, \
               registration_closes_at, venue_id, city, online_url) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
    Ok(on_db!(db, |p| sqlx::query_scalar(sql)
        .bind(activity_id)
        .bind(s.title.as_str())
        .bind(s.starts_at)
        .bind(s.ends_at)
        .bind(s.capacity)
        .bind(s.registration_closes_at)
        .bind(s.venue_id)
        .bind(s.city.as_ref().map(|c| c.as_str()))
        .bind(s.online_url.as_ref().map(|c| c.as_str()))
        .fetch_one(p)
        .await?))
}

/// Adds a debugging slot (联调) before a video-conference event.
pub async fn add_debug_slot(
    db: &Db,
    activity_id: i64,
    label: &str,
    starts_at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let sql =
        "INSERT INTO debug_slots (activity_id, label, starts_at) VALUES ($1, $2, $3) RETURNING id";
    Ok(on_db!(db, |p| sqlx::query_scalar(sql)
        .bind(activity_id)
        .bind(label)
        .bind(starts_at)
        .fetch_one(p)
        .await?))
}

const SESSION_COLS: &str = "s.id, s.activity_id, s.title, s.starts_at, s.ends_at, s.capacity, \
    s.registration_closes_at, s.venue_id, s.city, s.online_url, \
    (SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.status = 'confirmed') AS confirmed, \
    (SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.status = 'waiting') AS waiting, \
    (SELECT COUNT(*) FROM checkins c WHERE c.session_id = s.id) AS checked_in";

#[allow(clippy::type_complexity)]
pub async fn get(db: &Db, id: i64) -> Result<Activity, StoreError> {
    let sql = format!(
        "SELECT {ACTIVITY_COLS} FROM activities a JOIN orgs o ON o.id = a.owner_org_id WHERE a.id = $1"
    );
    let osql = "SELECT ao.role, ao.org_id, COALESCE(o.name, ao.name, '') AS name FROM activity_organisers ao \
                LEFT JOIN orgs o ON o.id = ao.org_id WHERE ao.activity_id = $1 ORDER BY ao.position";
    let vsql = "SELECT id, kind, name, org_id, address, room, capacity, url FROM activity_venues \
                WHERE activity_id = $1 ORDER BY position";
    let psql = "SELECT p.venue_id, p.position, p.category, p.org_id, p.label, p.attended FROM venue_participants p \
                JOIN activity_venues v ON v.id = p.venue_id WHERE v.activity_id = $1 ORDER BY p.venue_id, p.position";
    let ssql = format!(
        "SELECT {SESSION_COLS} FROM activity_sessions s WHERE s.activity_id = $1 ORDER BY s.starts_at, s.id"
    );
    let dsql = "SELECT id, label, starts_at FROM debug_slots WHERE activity_id = $1 ORDER BY starts_at, id";
    let (row, organisers, mut venues, participants, sessions, debug_slots): (
        ActivityRow,
        Vec<Organiser>,
        Vec<Venue>,
        Vec<Participant>,
        Vec<Session>,
        Vec<DebugSlot>,
    ) = on_db!(db, |p| (
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(p)
            .await?,
        sqlx::query_as(osql).bind(id).fetch_all(p).await?,
        sqlx::query_as(vsql).bind(id).fetch_all(p).await?,
        sqlx::query_as(psql).bind(id).fetch_all(p).await?,
        sqlx::query_as(sqlx::AssertSqlSafe(ssql))
            .bind(id)
            .fetch_all(p)
            .await?,
        sqlx::query_as(dsql).bind(id).fetch_all(p).await?,
    ));
    for p in participants {
        if let Some(v) = venues.iter_mut().find(|v| v.id == p.venue_id) {
            v.participants.push(p);
        }
    }
    Ok(Activity {
        row,
        organisers,
        venues,
        sessions,
        debug_slots,
    })
}

/// Which activities a calendar shows.
#[derive(Debug, Clone, Default)]
pub struct CalendarQuery {
    pub campaign_id: Option<i64>,
    /// Activities this organisation owns or organises in any role.
    pub org_id: Option<i64>,
    pub public_only: bool,
    /// Activities that overlap `[from, to)`.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub offset: i64,
    pub limit: i64,
}

/// Activities in start order, for calendars and lists; with the total for paging.
pub async fn calendar(db: &Db, q: &CalendarQuery) -> Result<(Vec<ActivityRow>, i64), StoreError> {
    let filter = "($1 IS NULL OR a.campaign_id = $1) \
        AND ($2 IS NULL OR a.owner_org_id = $2 OR EXISTS (SELECT 1 FROM activity_organisers ao WHERE ao.activity_id = a.id AND ao.org_id = $2)) \
        AND ($3 = FALSE OR a.public = TRUE) \
        AND ($4 IS NULL OR a.ends_at > $4) AND ($5 IS NULL OR a.starts_at < $5)";
    // Day by day in Beijing time (UTC+8, no daylight saving), timed activities before
    // those of a period or "前后" that start the same day.
    // DIALECT: the Beijing date of an instant.
    let day = match db.backend() {
        crate::Backend::Postgres => "(a.starts_at AT TIME ZONE 'Asia/Shanghai')::date",
        crate::Backend::Sqlite => "date(a.starts_at, '+8 hours')",
    };
    let sql = format!(
        "SELECT {ACTIVITY_COLS} FROM activities a JOIN orgs o ON o.id = a.owner_org_id WHERE {filter} \
         ORDER BY {day}, CASE WHEN a.schedule_kind = 'window' THEN 0 ELSE 1 END, a.starts_at, a.id \
         LIMIT $6 OFFSET $7"
    );
    let csql = format!("SELECT COUNT(*) FROM activities a WHERE {filter}");
    let limit = if q.limit <= 0 { 1000 } else { q.limit };
    let (rows, total): (Vec<ActivityRow>, i64) = on_db!(db, |p| (
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(q.campaign_id)
            .bind(q.org_id)
            .bind(q.public_only)
            .bind(q.from)
            .bind(q.to)
            .bind(limit)
            .bind(q.offset.max(0))
            .fetch_all(p)
            .await?,
        sqlx::query_scalar(sqlx::AssertSqlSafe(csql))
            .bind(q.campaign_id)
            .bind(q.org_id)
            .bind(q.public_only)
            .bind(q.from)
            .bind(q.to)
            .fetch_one(p)
            .await?,
    ));
    Ok((rows, total))
}

/// Organisers of many activities at once (for calendar rows), as (activity id, organiser).
pub async fn organisers_of(db: &Db, ids: &[i64]) -> Result<Vec<(i64, Organiser)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    // Built from integers only.
    let sql = format!(
        "SELECT ao.activity_id, ao.role, ao.org_id, COALESCE(o.name, ao.name, '') AS name FROM activity_organisers ao \
         LEFT JOIN orgs o ON o.id = ao.org_id WHERE ao.activity_id IN ({list}) ORDER BY ao.activity_id, ao.position"
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        activity_id: i64,
        role: String,
        org_id: Option<i64>,
        name: String,
    }
    let rows: Vec<Row> = on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(p)
        .await?);
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.activity_id,
                Organiser {
                    role: r.role,
                    org_id: r.org_id,
                    name: r.name,
                },
            )
        })
        .collect())
}

pub async fn session(db: &Db, id: i64) -> Result<Session, StoreError> {
    let sql = format!("SELECT {SESSION_COLS} FROM activity_sessions s WHERE s.id = $1");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(p)
        .await?))
}

/// What changing a session's capacity did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CapacityChange {
    /// Changed; the ids of waiting registrations promoted into new places.
    Changed { promoted: Vec<i64> },
    /// Refused: fewer places than confirmed registrations; nothing changed.
    BelowRegistrations { confirmed: i64 },
}

/// Sets a session's capacity (`None` = unlimited). Refuses a capacity below the confirmed
/// registrations; a larger capacity promotes from the waiting list into the new places.
pub async fn set_capacity(
    db: &Db,
    session_id: i64,
    capacity: Option<i32>,
    now: DateTime<Utc>,
) -> Result<CapacityChange, StoreError> {
    let mut tx = session_lock(db, session_id).await?;
    let free = on_tx!(&mut tx, |tx| {
        let confirmed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM registrations WHERE session_id = $1 AND status = 'confirmed'",
        )
        .bind(session_id)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(c) = capacity
            && i64::from(c) < confirmed
        {
            return Ok(CapacityChange::BelowRegistrations { confirmed });
        }
        let done = sqlx::query("UPDATE activity_sessions SET capacity = $1 WHERE id = $2")
            .bind(capacity)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        capacity.map_or(i64::MAX, |c| i64::from(c) - confirmed)
    });
    let promoted = promote_waiting(&mut tx, session_id, free, now).await?;
    tx.commit().await?;
    Ok(CapacityChange::Changed { promoted })
}

/// What a registration attempt did.
#[derive(Debug, Clone)]
pub enum RegisterOutcome {
    Registered(Box<Registration>),
    /// Registration closed at this time; nothing was stored.
    Closed {
        closes_at: DateTime<Utc>,
    },
    /// The same person already holds a live registration for the session.
    Duplicate,
}

/// A new unguessable ticket (128 bits, hex): the registrant's key to the ticket page,
/// cancellation, the personal calendar feed and check-in by QR code.
pub fn new_ticket() -> String {
    let mut rng = rand::rng();
    format!("{:016x}{:016x}", rng.random::<u64>(), rng.random::<u64>())
}

/// A new short ticket code (see [`TICKET_CODE_ALPHABET`]): what a person reads out at the
/// door or types; it opens nothing by itself.
pub fn new_code() -> String {
    let mut rng = rand::rng();
    (0..TICKET_CODE_LEN)
        .map(|_| {
            let i = rng.random_range(0..TICKET_CODE_ALPHABET.len());
            char::from(TICKET_CODE_ALPHABET[i])
        })
        .collect()
}

/// Registers a person for a session: confirmed while places are left, else on the waiting
/// list. Refuses after closing and refuses duplicates; both leave nothing behind.
pub async fn register(
    db: &Db,
    session_id: i64,
    r: &RegistrationDraft,
    account_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<RegisterOutcome, StoreError> {
    let mut out = register_many(db, session_id, &[(r.clone(), account_id)], now).await?;
    out.pop()
        .ok_or_else(|| StoreError::Corrupt("register_many answered nothing".into()))
}

/// Registers several people for one session in one transaction under the session's lock,
/// in the order given (group commit: the web layer gathers the registrations that arrive
/// together and writes them at once). Each gets its own outcome: confirmed while places are
/// left, else waiting; `Duplicate` when the same person already holds a live registration
/// (also earlier in the same batch); `Closed` for all when registration has closed. The
/// registrations come back as written, without reading them again.
pub async fn register_many(
    db: &Db,
    session_id: i64,
    people: &[(RegistrationDraft, Option<i64>)],
    now: DateTime<Utc>,
) -> Result<Vec<RegisterOutcome>, StoreError> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = session_lock(db, session_id).await?;
    let (msgs, out) = on_tx!(&mut tx, |tx| {
        #[derive(sqlx::FromRow)]
        struct S {
            activity_id: i64,
            capacity: Option<i32>,
            starts_at: DateTime<Utc>,
            registration_closes_at: Option<DateTime<Utc>>,
            confirmed: i64,
            waiting: i64,
        }
        let s: S = sqlx::query_as(
            "SELECT s.activity_id, s.capacity, s.starts_at, s.registration_closes_at, \
             (SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.status = 'confirmed') AS confirmed, \
             (SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.status = 'waiting') AS waiting \
             FROM activity_sessions s WHERE s.id = $1",
        )
        .bind(session_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let closes_at = s.registration_closes_at.unwrap_or(s.starts_at);
        if now >= closes_at {
            return Ok(people
                .iter()
                .map(|_| RegisterOutcome::Closed { closes_at })
                .collect());
        }
        // Duplicates, decided before writing so that a duplicate takes no place: a person
        // who already holds a live registration (under the session's lock this read is
        // exact), or who appears earlier in this batch.
        let keys: Vec<String> = people.iter().map(|(r, _)| r.dedupe_key()).collect();
        let mut taken: HashSet<String> = HashSet::new();
        let backend = db.backend();
        for chunk in keys.chunks(ROWS_PER_INSERT) {
            let list = (2..chunk.len() + 2)
                .map(|i| param(backend, i))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT dedupe_key FROM registrations WHERE session_id = {} \
                 AND status <> 'cancelled' AND dedupe_key IN ({list})",
                param(backend, 1)
            );
            let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(session_id);
            for k in chunk {
                q = q.bind(k.as_str());
            }
            let found: Vec<String> = q.fetch_all(&mut *tx).await?;
            taken.extend(found);
        }
        // Each new registration's status, in the order given.
        let (mut confirmed, mut waiting) = (s.confirmed, s.waiting);
        // (index in `people`, status, queue position, ticket, short code) of each row to
        // write.
        let mut rows: Vec<(usize, RegistrationStatus, i64, String, String)> =
            Vec::with_capacity(people.len());
        for (i, key) in keys.iter().enumerate() {
            if !taken.insert(key.clone()) {
                continue;
            }
            let status = RegistrationStatus::on_register(
                s.capacity.is_none_or(|c| confirmed < i64::from(c)),
            );
            let queue_position = if status == RegistrationStatus::Waiting {
                waiting += 1;
                waiting
            } else {
                confirmed += 1;
                0
            };
            rows.push((i, status, queue_position, new_ticket(), new_code()));
        }
        // Short codes are drawn again while one is already held (a chance of about one in
        // 10⁶ per registration with a million of them stored).
        for _ in 0..8 {
            let mut held: HashSet<String> = HashSet::new();
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let list = (1..=chunk.len())
                    .map(|i| param(backend, i))
                    .collect::<Vec<_>>()
                    .join(", ");
                let sql = format!("SELECT code FROM registrations WHERE code IN ({list})");
                let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
                for row in chunk {
                    q = q.bind(row.4.as_str());
                }
                let found: Vec<String> = q.fetch_all(&mut *tx).await?;
                held.extend(found);
            }
            let mut seen: HashSet<String> = HashSet::new();
            let mut again = false;
            for row in &mut rows {
                if held.contains(&row.4) || !seen.insert(row.4.clone()) {
                    row.4 = new_code();
                    again = true;
                }
            }
            if !again {
                break;
            }
        }
        // The registrations, with multi-row INSERTs; RETURNING gives no order, so each id is
        // matched to its row by the (unique) ticket. The unique index stays the last word: a
        // row it refused would have been counted above, so the batch is undone.
        let mut ids: HashMap<String, i64> = HashMap::with_capacity(rows.len());
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO registrations (session_id, activity_id, status, name, company, position, phone, email, \
                 attendance, audience_role, dedupe_key, ticket, code, phone_key, account_id, created_at) VALUES {} \
                 ON CONFLICT DO NOTHING RETURNING ticket, id",
                placeholders(backend, chunk.len(), 16)
            );
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for (i, status, _, ticket, code) in chunk {
                let (r, account_id) = &people[*i];
                q = q
                    .bind(session_id)
                    .bind(s.activity_id)
                    .bind(status.as_str())
                    .bind(r.name.as_str())
                    .bind(r.company.as_ref().map(|v| v.as_str()))
                    .bind(r.position.as_ref().map(|v| v.as_str()))
                    .bind(r.phone.as_ref().map(|v| v.as_str()))
                    .bind(r.email.as_ref().map(|v| v.as_str()))
                    .bind(r.attendance.map(|v| v.as_str()))
                    .bind(r.audience_role.map(|v| v.as_str()))
                    .bind(keys[*i].as_str())
                    .bind(ticket.as_str())
                    .bind(code.as_str())
                    .bind(r.phone_key.as_deref())
                    .bind(*account_id)
                    .bind(now);
            }
            let written: Vec<(String, i64)> = q.fetch_all(&mut *tx).await?;
            ids.extend(written);
        }
        if ids.len() != rows.len() {
            return Err(StoreError::Corrupt(format!(
                "registrations of session {session_id}: {} of {} written",
                ids.len(),
                rows.len()
            )));
        }
        let msgs: Vec<(i64, &str)> = rows
            .iter()
            .map(|(_, status, _, ticket, _)| (ids[ticket], status.as_str()))
            .collect();
        let mut out: Vec<RegisterOutcome> =
            people.iter().map(|_| RegisterOutcome::Duplicate).collect();
        for (i, status, queue_position, ticket, code) in rows {
            let (r, account_id) = &people[i];
            out[i] = RegisterOutcome::Registered(Box::new(Registration {
                id: ids[&ticket],
                session_id,
                activity_id: s.activity_id,
                status,
                name: r.name.as_str().to_owned(),
                company: r.company.as_ref().map(|v| v.as_str().to_owned()),
                position: r.position.as_ref().map(|v| v.as_str().to_owned()),
                phone: r.phone.as_ref().map(|v| v.as_str().to_owned()),
                email: r.email.as_ref().map(|v| v.as_str().to_owned()),
                attendance: r.attendance.map(|v| v.as_str().to_owned()),
                audience_role: r.audience_role.map(|v| v.as_str().to_owned()),
                ticket,
                code,
                account_id: *account_id,
                created_at: now,
                promoted_at: None,
                cancelled_at: None,
                checked_in_at: None,
                queue_position,
            }));
        }
        (msgs, out)
    });
    queue_messages(&mut tx, &msgs, now).await?;
    tx.commit().await?;
    Ok(out)
}

const REG_COLS: &str = "r.id, r.session_id, r.activity_id, r.status, r.name, r.company, r.position, r.phone, \
    r.email, r.attendance, r.audience_role, r.ticket, r.code, r.account_id, r.created_at, r.promoted_at, r.cancelled_at, \
    c.checked_in_at, \
    CASE WHEN r.status = 'waiting' THEN (SELECT COUNT(*) FROM registrations w WHERE w.session_id = r.session_id \
      AND w.status = 'waiting' AND w.id <= r.id) ELSE 0 END AS queue_position";

pub async fn registration(db: &Db, id: i64) -> Result<Registration, StoreError> {
    let sql = format!(
        "SELECT {REG_COLS} FROM registrations r LEFT JOIN checkins c ON c.registration_id = r.id WHERE r.id = $1"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(p)
        .await?))
}

pub async fn registration_by_ticket(db: &Db, ticket: &str) -> Result<Registration, StoreError> {
    let sql = format!(
        "SELECT {REG_COLS} FROM registrations r LEFT JOIN checkins c ON c.registration_id = r.id WHERE r.ticket = $1"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(ticket)
        .fetch_one(p)
        .await?))
}

/// A session's registrations: confirmed and waiting first (in order), cancelled last.
pub async fn registrations(db: &Db, session_id: i64) -> Result<Vec<Registration>, StoreError> {
    let sql = format!(
        "SELECT {REG_COLS} FROM registrations r LEFT JOIN checkins c ON c.registration_id = r.id \
         WHERE r.session_id = $1 ORDER BY CASE r.status WHEN 'confirmed' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, r.id"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .fetch_all(p)
        .await?))
}

/// The registration holding the short code `code` (as stored: upper case, no dash).
pub async fn registration_by_code(db: &Db, code: &str) -> Result<Registration, StoreError> {
    let sql = format!(
        "SELECT {REG_COLS} FROM registrations r LEFT JOIN checkins c ON c.registration_id = r.id WHERE r.code = $1"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(code)
        .fetch_one(p)
        .await?))
}

/// The live registrations given with the e-mail address `email` (any case) or the phone
/// number of canonical digits `phone_key`, newest first, at most `limit`: the way back to a
/// registrant's tickets.
pub async fn registrations_of_contact(
    db: &Db,
    email: Option<&str>,
    phone_key: Option<&str>,
    limit: i64,
) -> Result<Vec<Registration>, StoreError> {
    let sql = format!(
        "SELECT {REG_COLS} FROM registrations r LEFT JOIN checkins c ON c.registration_id = r.id \
         WHERE r.status <> 'cancelled' AND (lower(r.email) = $1 OR r.phone_key = $2) \
         ORDER BY r.id DESC LIMIT $3"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(email.map(str::to_lowercase))
        .bind(phone_key)
        .bind(limit)
        .fetch_all(p)
        .await?))
}

/// Every live registration holding one of these tickets' e-mail addresses, for the
/// personal calendar feed: the registrations of the same person (same e-mail or phone).
pub async fn registrations_like(db: &Db, ticket: &str) -> Result<Vec<Registration>, StoreError> {
    let sql = format!(
        "SELECT {REG_COLS} FROM registrations r LEFT JOIN checkins c ON c.registration_id = r.id \
         WHERE r.status <> 'cancelled' AND r.dedupe_key = (SELECT dedupe_key FROM registrations WHERE ticket = $1) \
         ORDER BY r.id"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(ticket)
        .fetch_all(p)
        .await?))
}

/// Cancels a registration. When it held a place, the first on the waiting list is promoted
/// into it in the same transaction (exactly once). Returns the promoted registration's id.
/// Cancelling twice is refused with `already_cancelled`.
pub async fn cancel(
    db: &Db,
    registration_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    let session_id: i64 = on_db!(db, |p| sqlx::query_scalar(
        "SELECT session_id FROM registrations WHERE id = $1"
    )
    .bind(registration_id)
    .fetch_one(p)
    .await?);
    // The statuses a cancellation may leave and the one it leads to: the domain's rule.
    let (from, cancelled) = crate::states::guard(
        RegistrationStatus::ALL,
        RegistrationEvent::Cancel,
        RegistrationStatus::transition,
        RegistrationStatus::as_str,
    )?;
    let cancel_sql = format!(
        "UPDATE registrations SET status = $3, cancelled_at = $1 \
         WHERE id = $2 AND status IN ({from}) RETURNING id"
    );
    let promote = promote_sql()?;
    let mut tx = session_lock(db, session_id).await?;
    let (promoted, msgs) = on_tx!(&mut tx, |tx| {
        let was: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(cancel_sql.as_str()))
            .bind(now)
            .bind(registration_id)
            .bind(cancelled.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(_) = was else {
            let status: Stored<RegistrationStatus> =
                sqlx::query_scalar("SELECT status FROM registrations WHERE id = $1")
                    .bind(registration_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let refused = status.0.transition(RegistrationEvent::Cancel).err();
            return Err(StoreError::State(refused.unwrap_or("already_cancelled")));
        };
        // Under the session lock the count is exact: promote only into a free place.
        #[derive(sqlx::FromRow)]
        struct Cap {
            capacity: Option<i32>,
            confirmed: i64,
        }
        let cap: Cap = sqlx::query_as(
            "SELECT s.capacity, (SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id \
             AND r.status = 'confirmed') AS confirmed FROM activity_sessions s WHERE s.id = $1",
        )
        .bind(session_id)
        .fetch_one(&mut *tx)
        .await?;
        let free = cap.capacity.is_none_or(|c| cap.confirmed < i64::from(c));
        let mut promoted = None;
        if free {
            promoted = sqlx::query_scalar(sqlx::AssertSqlSafe(promote.as_str()))
                .bind(now)
                .bind(session_id)
                .fetch_optional(&mut *tx)
                .await?;
        }
        let mut msgs: Vec<(i64, &str)> = promoted.map(|id| (id, "promoted")).into_iter().collect();
        msgs.push((registration_id, "cancelled"));
        (promoted, msgs)
    });
    queue_messages(&mut tx, &msgs, now).await?;
    tx.commit().await?;
    Ok(promoted)
}

/// Messages queued for a registration, oldest first.
pub async fn messages(
    db: &Db,
    registration_id: i64,
) -> Result<Vec<RegistrationMessage>, StoreError> {
    let sql = "SELECT id, registration_id, kind, created_at FROM registration_messages \
               WHERE registration_id = $1 ORDER BY id";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(registration_id)
        .fetch_all(p)
        .await?))
}

/// One queued message.
pub async fn message(db: &Db, id: i64) -> Result<RegistrationMessage, StoreError> {
    let sql =
        "SELECT id, registration_id, kind, created_at FROM registration_messages WHERE id = $1";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .fetch_one(p)
        .await?))
}

/// Every message of a kind for a session, for counting.
pub async fn message_count(db: &Db, session_id: i64, kind: &str) -> Result<i64, StoreError> {
    let sql = "SELECT COUNT(*) FROM registration_messages m JOIN registrations r ON r.id = m.registration_id \
               WHERE r.session_id = $1 AND m.kind = $2";
    Ok(on_db!(db, |p| sqlx::query_scalar(sql)
        .bind(session_id)
        .bind(kind)
        .fetch_one(p)
        .await?))
}

/// The outbox: messages not yet handed to the mail queue with an id above `after`, oldest
/// first, at most `limit` (read through `registration_messages_pending_idx`).
pub async fn unsent_messages(
    db: &Db,
    after: i64,
    limit: i64,
) -> Result<Vec<RegistrationMessage>, StoreError> {
    let sql = "SELECT id, registration_id, kind, created_at FROM registration_messages \
               WHERE sent_at IS NULL AND id > $1 ORDER BY id LIMIT $2";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(after)
        .bind(limit)
        .fetch_all(p)
        .await?))
}

/// Hands messages over in one transaction: each `(message id, job)` is marked sent
/// (`sent_at`) and its job (the e-mail; `None` when there is nothing to send) is queued, both
/// only if the message was still unsent. Two drains racing over the same messages therefore
/// queue each e-mail once; the e-mail's own dedupe key (`registration_message:{id}`) backs
/// that up. Returns how many messages this call handed over.
pub async fn hand_over(
    db: &Db,
    messages: &[(i64, Option<crate::jobs::NewJob>)],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut handed = 0;
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |tx| {
        for (id, job) in messages {
            let done = sqlx::query(
                "UPDATE registration_messages SET sent_at = $1 WHERE id = $2 AND sent_at IS NULL",
            )
            .bind(now)
            .bind(*id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                continue;
            }
            handed += 1;
            if let Some(job) = job {
                let job = job.clone().dedupe(format!("registration_message:{id}"));
                crate::jobs::Enqueue::enqueue(&mut *tx, &job, now).await?;
            }
        }
    });
    tx.commit().await?;
    Ok(handed)
}

// ---------------------------------------------------------------- check-in

/// What one check-in did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckinOutcome {
    /// A new attendance record.
    Recorded,
    /// This client id was already received (a resent offline check-in): nothing changed.
    Repeated,
    /// The person was already checked in by another device or from the list.
    AlreadyCheckedIn,
}

/// Records attendance of the registration with `ticket` at `session_id`, idempotently: each
/// check-in carries a client-generated id; the same id twice, or a second check-in of the
/// same registration, counts once. `checked_in_at` is when it happened on the device.
/// Refuses `not_confirmed` for a registration that holds no place and NotFound for a ticket
/// of another session.
#[allow(clippy::too_many_arguments)]
pub async fn check_in(
    db: &Db,
    session_id: i64,
    client_id: &str,
    ticket: &str,
    method: &str,
    checked_in_at: DateTime<Utc>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<CheckinOutcome, StoreError> {
    let mut tx = db.write().await?;
    let out = on_tx!(&mut tx, |tx| {
        let seen: Option<i64> =
            sqlx::query_scalar("SELECT registration_id FROM checkins WHERE client_id = $1")
                .bind(client_id)
                .fetch_optional(&mut *tx)
                .await?;
        if seen.is_some() {
            return Ok(CheckinOutcome::Repeated);
        }
        #[derive(sqlx::FromRow)]
        struct RegRow {
            id: i64,
            #[sqlx(try_from = "Stored<RegistrationStatus>")]
            status: RegistrationStatus,
        }
        let r: Option<RegRow> = sqlx::query_as(
            "SELECT id, status FROM registrations WHERE (ticket = $1 OR code = $1) AND session_id = $2",
        )
        .bind(ticket)
        .bind(session_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(r) = r else {
            return Err(StoreError::NotFound);
        };
        if !r.status.holds_place() {
            return Err(StoreError::State("not_confirmed"));
        }
        let done = sqlx::query(
            "INSERT INTO checkins (client_id, registration_id, session_id, method, checked_in_at, received_at, by_account) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        )
        .bind(client_id)
        .bind(r.id)
        .bind(session_id)
        .bind(method)
        .bind(checked_in_at)
        .bind(now)
        .bind(by)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            CheckinOutcome::Recorded
        } else {
            // Lost a race on the client id or the registration: find which.
            let again: Option<i64> =
                sqlx::query_scalar("SELECT registration_id FROM checkins WHERE client_id = $1")
                    .bind(client_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if again.is_some() {
                CheckinOutcome::Repeated
            } else {
                CheckinOutcome::AlreadyCheckedIn
            }
        }
    });
    tx.commit().await?;
    Ok(out)
}

/// Marks a venue participant entry as present or absent (attendance per venue).
pub async fn set_participant_attendance(
    db: &Db,
    venue_id: i64,
    position: i32,
    attended: bool,
) -> Result<(), StoreError> {
    let sql = "UPDATE venue_participants SET attended = $1 WHERE venue_id = $2 AND position = $3";
    let mut tx = db.write().await?;
    let done = on_tx!(&mut tx, |c| sqlx::query(sql)
        .bind(attended)
        .bind(venue_id)
        .bind(position)
        .execute(&mut *c)
        .await?
        .rows_affected());
    tx.commit().await?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

// ---------------------------------------------------------------- readiness

/// A branch venue's report for one debugging slot.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub readiness: Readiness,
    pub test_confirmed: bool,
    pub technician_name: Option<String>,
    pub technician_phone: Option<String>,
    pub note: Option<String>,
}

/// Records (or replaces) a venue's report for a slot of the same activity.
pub async fn report_check(
    db: &Db,
    venue_id: i64,
    slot_id: i64,
    r: &CheckReport,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |tx| {
        let same: Option<i64> = sqlx::query_scalar(
            "SELECT v.id FROM activity_venues v JOIN debug_slots d ON d.activity_id = v.activity_id \
             WHERE v.id = $1 AND d.id = $2",
        )
        .bind(venue_id)
        .bind(slot_id)
        .fetch_optional(&mut *tx)
        .await?;
        if same.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO venue_checks (venue_id, slot_id, readiness, test_confirmed, technician_name, technician_phone, \
             note, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (venue_id, slot_id) DO UPDATE SET readiness = excluded.readiness, \
             test_confirmed = excluded.test_confirmed, technician_name = excluded.technician_name, \
             technician_phone = excluded.technician_phone, note = excluded.note, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(venue_id)
        .bind(slot_id)
        .bind(r.readiness.as_str())
        .bind(r.test_confirmed)
        .bind(&r.technician_name)
        .bind(&r.technician_phone)
        .bind(&r.note)
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    });
    tx.commit().await?;
    Ok(())
}

/// The day-of board: every branch venue of the activity with its report for every slot
/// (`pending` where none came in), in venue order then slot time.
pub async fn board(db: &Db, activity_id: i64) -> Result<Vec<BoardRow>, StoreError> {
    let sql = "SELECT v.id AS venue_id, v.name AS venue_name, v.org_id, d.id AS slot_id, d.label AS slot_label, \
               d.starts_at AS slot_starts_at, COALESCE(c.readiness, 'pending') AS readiness, \
               COALESCE(c.test_confirmed, FALSE) AS test_confirmed, c.technician_name, c.technician_phone, c.note, \
               c.updated_at \
               FROM activity_venues v JOIN debug_slots d ON d.activity_id = v.activity_id \
               LEFT JOIN venue_checks c ON c.venue_id = v.id AND c.slot_id = d.id \
               WHERE v.activity_id = $1 AND v.kind = 'branch' ORDER BY v.position, d.starts_at, d.id";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(activity_id)
        .fetch_all(p)
        .await?))
}

/// The venue of an activity hosted by `org_id`, if any.
pub async fn venue_of_org(
    db: &Db,
    activity_id: i64,
    org_id: i64,
) -> Result<Option<i64>, StoreError> {
    let sql = "SELECT id FROM activity_venues WHERE activity_id = $1 AND org_id = $2";
    Ok(on_db!(db, |p| sqlx::query_scalar(sql)
        .bind(activity_id)
        .bind(org_id)
        .fetch_optional(p)
        .await?))
}

/// Dates of activities in a month, for the month view: activities overlapping `[from, to)`.
pub fn month_bounds(year: i32, month: u32) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some((
        renke_domain::activity::day_start(first),
        renke_domain::activity::day_start(next),
    ))
}

// ---------------------------------------------------------------- activity plans

/// An activity listed in an activity plan task (活动方案), with its figures: confirmed
/// registrations and attendance (people checked in, each registration once).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LinkedActivity {
    pub id: i64,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub title: String,
    pub schedule_kind: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub period_label: Option<String>,
    pub registrations: i64,
    pub checked_in: i64,
}

impl LinkedActivity {
    pub fn schedule(&self) -> Schedule {
        stored_schedule(
            &self.schedule_kind,
            self.starts_at,
            self.ends_at,
            &self.period_label,
        )
    }
}

/// The activities linked to task `task_id`, those of organisation `org_id` only when given,
/// by start.
pub async fn linked_to_task(
    db: &Db,
    task_id: i64,
    org_id: Option<i64>,
) -> Result<Vec<LinkedActivity>, StoreError> {
    let sql = "SELECT a.id, a.owner_org_id, o.name AS owner_name, a.title, a.schedule_kind, a.starts_at, \
               a.ends_at, a.period_label, \
               (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'confirmed') \
                 AS registrations, \
               (SELECT COUNT(*) FROM checkins c JOIN activity_sessions s ON s.id = c.session_id \
                 WHERE s.activity_id = a.id) AS checked_in \
               FROM activities a JOIN orgs o ON o.id = a.owner_org_id \
               WHERE a.task_id = $1 AND ($2 IS NULL OR a.owner_org_id = $2) ORDER BY a.starts_at, a.id";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(task_id)
        .bind(org_id)
        .fetch_all(p)
        .await)?)
}

/// The activities organisation `org_id` itself runs for task `task_id`: linked to the task,
/// or coming from its notice or from a notice with which `org_id` relayed the task; by
/// start. (What a bureau's compiled report lists as its own, beside its units'.)
pub async fn own_for_task(
    db: &Db,
    org_id: i64,
    task_id: i64,
) -> Result<Vec<LinkedActivity>, StoreError> {
    let sql = "SELECT a.id, a.owner_org_id, o.name AS owner_name, a.title, a.schedule_kind, a.starts_at, \
               a.ends_at, a.period_label, \
               (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'confirmed') \
                 AS registrations, \
               (SELECT COUNT(*) FROM checkins c JOIN activity_sessions s ON s.id = c.session_id \
                 WHERE s.activity_id = a.id) AS checked_in \
               FROM activities a JOIN orgs o ON o.id = a.owner_org_id \
               WHERE a.owner_org_id = $1 AND (a.task_id = $2 OR a.notice_id IN ( \
                 SELECT notice_id FROM tasks WHERE id = $2 \
                 UNION SELECT notice_id FROM tasks WHERE parent_task_id = $2 AND submit_to_org_id = $1)) \
               ORDER BY a.starts_at, a.id";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(org_id)
        .bind(task_id)
        .fetch_all(p)
        .await)?)
}

/// A material of an activity, for the index of a roll-up: a file attached to the notice
/// the activity comes from, or an online or livestream link of one of its venues or
/// sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityMaterial {
    pub activity_id: i64,
    /// `notice_attachment`, `venue_link` or `session_link`.
    pub kind: &'static str,
    pub title: String,
    /// The address: a path on this server for a file, the URL itself for a link.
    pub link: String,
}

/// The materials of activities `ids`, by activity then kind then position: the stored files
/// attached to each activity's source notice (titles without a file are left out), then its
/// venues' links, then its sessions' online links.
pub async fn materials_of(db: &Db, ids: &[i64]) -> Result<Vec<ActivityMaterial>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    // Built from integers only.
    let nsql = format!(
        "SELECT a.id, na.notice_id, na.position, na.title FROM activities a \
         JOIN notice_attachments na ON na.notice_id = a.notice_id \
         WHERE a.id IN ({list}) AND na.file_id IS NOT NULL ORDER BY a.id, na.position"
    );
    let vsql = format!(
        "SELECT activity_id, name, url FROM activity_venues \
         WHERE activity_id IN ({list}) AND url IS NOT NULL AND url <> '' ORDER BY activity_id, position"
    );
    let ssql = format!(
        "SELECT activity_id, title, online_url FROM activity_sessions \
         WHERE activity_id IN ({list}) AND online_url IS NOT NULL AND online_url <> '' \
         ORDER BY activity_id, starts_at, id"
    );
    #[allow(clippy::type_complexity)]
    let (files, venues, sessions): (
        Vec<(i64, i64, i32, String)>,
        Vec<(i64, String, String)>,
        Vec<(i64, String, String)>,
    ) = on_db!(db, |p| (
        sqlx::query_as(sqlx::AssertSqlSafe(nsql))
            .fetch_all(p)
            .await?,
        sqlx::query_as(sqlx::AssertSqlSafe(vsql))
            .fetch_all(p)
            .await?,
        sqlx::query_as(sqlx::AssertSqlSafe(ssql))
            .fetch_all(p)
            .await?,
    ));
    let mut out: Vec<ActivityMaterial> = files
        .into_iter()
        .map(
            |(activity_id, notice_id, position, title)| ActivityMaterial {
                activity_id,
                kind: "notice_attachment",
                title,
                link: format!("/notices/{notice_id}/attachments/{position}"),
            },
        )
        .chain(
            venues
                .into_iter()
                .map(|(activity_id, title, link)| ActivityMaterial {
                    activity_id,
                    kind: "venue_link",
                    title,
                    link,
                }),
        )
        .chain(
            sessions
                .into_iter()
                .map(|(activity_id, title, link)| ActivityMaterial {
                    activity_id,
                    kind: "session_link",
                    title,
                    link,
                }),
        )
        .collect();
    // Stable: within an activity, files, then venue links, then session links.
    out.sort_by_key(|m| m.activity_id);
    Ok(out)
}

// ---------------------------------------------------------------- editing

/// Replaces an activity's own fields, its activity plan task and its organisers (campaign
/// and owner stay) in one transaction. Venues, sessions and registrations are untouched.
pub async fn update(
    db: &Db,
    id: i64,
    d: &ActivityDraft,
    task_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let sets: Vec<String> = ACTIVITY_FIELDS
        .split(", ")
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect();
    let sql = format!(
        "UPDATE activities SET {}, task_id = $14, updated_at = $15 WHERE id = $16",
        sets.join(", ")
    );
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |tx| {
        let done = bind_activity_fields(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())), d)
            .bind(task_id)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM activity_organisers WHERE activity_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    });
    insert_organisers(&mut tx, id, &d.organisers).await?;
    crate::search::sync_in(&mut tx, crate::search::Source::Activity(id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a session (title, times, capacity, closing time, place) under the session's
/// write lock, like [`set_capacity`]: a capacity below the confirmed registrations is
/// refused and nothing changes; a larger one promotes from the waiting list, each
/// promotion with its message, in the same transaction.
pub async fn update_session(
    db: &Db,
    session_id: i64,
    s: &SessionDraft,
    now: DateTime<Utc>,
) -> Result<CapacityChange, StoreError> {
    let mut tx = session_lock(db, session_id).await?;
    let free = on_tx!(&mut tx, |tx| {
        let confirmed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM registrations WHERE session_id = $1 AND status = 'confirmed'",
        )
        .bind(session_id)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(c) = s.capacity
            && i64::from(c) < confirmed
        {
            return Ok(CapacityChange::BelowRegistrations { confirmed });
        }
        let done = sqlx::query(
            "UPDATE activity_sessions SET title = $1, starts_at = $2, ends_at = $3, capacity = $4, \
             registration_closes_at = $5, venue_id = $6, city = $7, online_url = $8 WHERE id = $9",
        )
        .bind(s.title.as_str())
        .bind(s.starts_at)
        .bind(s.ends_at)
        .bind(s.capacity)
        .bind(s.registration_closes_at)
        .bind(s.venue_id)
        .bind(s.city.as_ref().map(|c| c.as_str()))
        .bind(s.online_url.as_ref().map(|c| c.as_str()))
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        s.capacity.map_or(i64::MAX, |c| i64::from(c) - confirmed)
    });
    let promoted = promote_waiting(&mut tx, session_id, free, now).await?;
    tx.commit().await?;
    Ok(CapacityChange::Changed { promoted })
}
