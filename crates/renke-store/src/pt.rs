//! Proficiency testing (能力验证): schemes and measurands, rounds, enrolments with their
//! blind sample codes, dispatches and receipts, results, evaluations with their scores, and
//! follow-ups. Validation and permission are the caller's; this module stores and reads.

use crate::rows::{ROWS_PER_INSERT, placeholders};
use crate::{Db, StoreError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use rand::RngExt;
use renke_domain::activity::TICKET_CODE_ALPHABET;
use renke_domain::org::OrgPath;
use renke_domain::pt::MeasurandSpec;
use serde::Serialize;

/// Length of a blind sample code (see [`new_sample_code`]).
pub const SAMPLE_CODE_LEN: usize = 6;

/// A new blind sample code: six characters drawn at random from the ticket alphabet (no
/// 0/1/I/L/O/U), about 7·10⁸ codes, so a lab's own code says nothing about another's.
pub fn new_sample_code() -> String {
    let mut rng = rand::rng();
    (0..SAMPLE_CODE_LEN)
        .map(|_| char::from(TICKET_CODE_ALPHABET[rng.random_range(0..TICKET_CODE_ALPHABET.len())]))
        .collect()
}

// ---------------------------------------------------------------- schemes

/// A scheme with its provider.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Scheme {
    pub id: i64,
    pub provider_org_id: i64,
    pub provider_name: String,
    pub provider_path: String,
    pub name: String,
    pub field: String,
}

/// A measurand of a scheme.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Measurand {
    pub id: i64,
    pub scheme_id: i64,
    pub position: i32,
    pub name: String,
    pub unit: Option<String>,
    pub decimals: i32,
    pub kind: String,
    pub log10: bool,
    /// JSON list of categories (qualitative).
    pub categories: String,
    /// 配对样品组: the measurand of the scheme with the same group is its paired sample.
    pub pair_group: Option<String>,
}

impl Measurand {
    /// The categories of a qualitative measurand.
    pub fn category_list(&self) -> Vec<String> {
        serde_json::from_str(&self.categories).unwrap_or_default()
    }
}

/// Writes a scheme and its measurands in `tx`; returns the scheme's id.
pub async fn insert_scheme(
    tx: &mut Tx,
    provider_org_id: i64,
    name: &str,
    field: &str,
    measurands: &[MeasurandSpec],
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let id: i64 = on_tx!(&mut *tx, |c| sqlx::query_scalar(
        "INSERT INTO pt_schemes (provider_org_id, name, field, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id"
    )
    .bind(provider_org_id)
    .bind(name)
    .bind(field)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *c)
    .await?);
    for (i, m) in measurands.iter().enumerate() {
        let categories = serde_json::to_string(&m.categories).unwrap_or_else(|_| "[]".into());
        on_tx!(&mut *tx, |c| {
            sqlx::query(
            "INSERT INTO pt_measurands (scheme_id, position, name, unit, decimals, kind, log10, categories, pair_group) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )
        .bind(id)
        .bind(i as i32)
        .bind(m.name.as_str())
        .bind(m.unit.as_ref().map(|u| u.as_str()))
        .bind(i32::from(m.decimals))
        .bind(m.kind.as_str())
        .bind(m.log10)
        .bind(&categories)
        .bind(m.pair_group.as_ref().map(|g| g.as_str()))
        .execute(&mut *c)
        .await?.rows_affected()
        });
    }
    Ok(id)
}

const SCHEME_COLS: &str =
    "s.id, s.provider_org_id, o.name AS provider_name, o.path AS provider_path, s.name, s.field";

/// Scheme `id`.
pub async fn scheme(db: &Db, id: i64) -> Result<Scheme, StoreError> {
    let sql = format!(
        "SELECT {SCHEME_COLS} FROM pt_schemes s JOIN orgs o ON o.id = s.provider_org_id WHERE s.id = $1"
    );
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or(StoreError::NotFound)
}

/// The schemes whose provider lies in the subtree at `path` (every scheme for `None`),
/// newest first, at most 200.
pub async fn schemes_within(db: &Db, path: Option<&str>) -> Result<Vec<Scheme>, StoreError> {
    let (lo, hi) = range(path);
    let sql = format!(
        "SELECT {SCHEME_COLS} FROM pt_schemes s JOIN orgs o ON o.id = s.provider_org_id \
         WHERE o.path >= $1 AND o.path < $2 ORDER BY s.id DESC LIMIT 200"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(&lo)
    .bind(&hi)
    .fetch_all(p)
    .await?))
}

/// The measurands of scheme `scheme_id`, in order.
pub async fn measurands(db: &Db, scheme_id: i64) -> Result<Vec<Measurand>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT id, scheme_id, CAST(position AS INTEGER) AS position, name, unit, \
         CAST(decimals AS INTEGER) AS decimals, kind, log10, categories, pair_group \
         FROM pt_measurands WHERE scheme_id = $1 ORDER BY position"
    )
    .bind(scheme_id)
    .fetch_all(p)
    .await?))
}

/// The byte range of the subtree at `path` (see [`OrgPath::upper_bound`]), or everything
/// for `None`; a path that is not a stored org path gives an empty range, never a wider one.
fn range(path: Option<&str>) -> (String, String) {
    match path {
        Some(p) => match OrgPath::from_stored(p.to_owned()) {
            Some(op) => (p.to_owned(), op.upper_bound()),
            None => (p.to_owned(), p.to_owned()),
        },
        None => (String::new(), "\u{10FFFF}".to_owned()),
    }
}

// ---------------------------------------------------------------- rounds

/// A new round.
#[derive(Debug, Clone)]
pub struct NewRound<'a> {
    pub scheme_id: i64,
    pub campaign_id: Option<i64>,
    pub code: &'a str,
    pub title: &'a str,
    pub scope_org_id: i64,
    /// The eligibility rule as JSON.
    pub eligibility: &'a str,
    pub enrol_until: DateTime<Utc>,
    pub dispatch_on: NaiveDate,
    pub results_until: DateTime<Utc>,
    pub instructions: Option<&'a str>,
    pub instructions_file_id: Option<i64>,
}

/// A round with its scheme, provider and scope.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Round {
    pub id: i64,
    pub scheme_id: i64,
    pub scheme_name: String,
    pub field: String,
    pub provider_org_id: i64,
    pub provider_name: String,
    pub provider_path: String,
    pub campaign_id: Option<i64>,
    pub code: String,
    pub title: String,
    pub status: String,
    pub scope_org_id: i64,
    pub scope_name: String,
    pub scope_path: String,
    pub eligibility: String,
    pub enrol_until: DateTime<Utc>,
    pub dispatch_on: NaiveDate,
    pub results_until: DateTime<Utc>,
    pub instructions: Option<String>,
    pub instructions_file_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub released_at: Option<DateTime<Utc>>,
}

const ROUND_COLS: &str = "r.id, r.scheme_id, s.name AS scheme_name, s.field, s.provider_org_id, \
    p.name AS provider_name, p.path AS provider_path, r.campaign_id, r.code, r.title, r.status, \
    r.scope_org_id, sc.name AS scope_name, sc.path AS scope_path, r.eligibility, r.enrol_until, \
    r.dispatch_on, r.results_until, r.instructions, r.instructions_file_id, r.created_at, r.released_at";
const ROUND_FROM: &str = "pt_rounds r JOIN pt_schemes s ON s.id = r.scheme_id \
    JOIN orgs p ON p.id = s.provider_org_id JOIN orgs sc ON sc.id = r.scope_org_id";

/// Writes a round in `tx`, in enrolment; `Conflict { pt_rounds_code_key }` when the code is
/// taken.
pub async fn insert_round(
    tx: &mut Tx,
    r: &NewRound<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    Ok(on_tx!(&mut *tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO pt_rounds (scheme_id, campaign_id, code, title, status, scope_org_id, eligibility, \
         enrol_until, dispatch_on, results_until, instructions, instructions_file_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, 'enrolment', $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id"
    )
    .bind(r.scheme_id)
    .bind(r.campaign_id)
    .bind(r.code)
    .bind(r.title)
    .bind(r.scope_org_id)
    .bind(r.eligibility)
    .bind(r.enrol_until)
    .bind(r.dispatch_on)
    .bind(r.results_until)
    .bind(r.instructions)
    .bind(r.instructions_file_id)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *c)
    .await?
    }))
}

/// Round `id`.
pub async fn round(db: &Db, id: i64) -> Result<Round, StoreError> {
    let sql = format!("SELECT {ROUND_COLS} FROM {ROUND_FROM} WHERE r.id = $1");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or(StoreError::NotFound)
}

/// Round `id` read in `tx` (after taking its lock on PostgreSQL: `FOR UPDATE`), so a
/// state change and what it checks see the same round.
pub async fn lock_round(tx: &mut Tx, id: i64) -> Result<Round, StoreError> {
    // DIALECT: a SQLite transaction holds the write lock from its start.
    let sql = match tx {
        Tx::Sqlite(_) => format!("SELECT {ROUND_COLS} FROM {ROUND_FROM} WHERE r.id = $1"),
        Tx::Pg(_) => {
            format!("SELECT {ROUND_COLS} FROM {ROUND_FROM} WHERE r.id = $1 FOR UPDATE OF r")
        }
    };
    on_tx!(&mut *tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?)
    .ok_or(StoreError::NotFound)
}

/// Every round visible in a list: those whose provider lies in the subtree at
/// `provider_within` (none for `None`), those `lab_org_id` is enrolled in or invited to, and
/// (for labs) those in enrolment; newest first, at most 200.
pub async fn rounds_for(
    db: &Db,
    provider_within: Option<&str>,
    lab_org_id: Option<i64>,
    open_for_labs: bool,
) -> Result<Vec<Round>, StoreError> {
    let (lo, hi) = match provider_within {
        Some(p) => range(Some(p)),
        None => (String::from("~"), String::from("~")),
    };
    let sql = format!(
        "SELECT {ROUND_COLS} FROM {ROUND_FROM} WHERE (p.path >= $1 AND p.path < $2) \
         OR r.id IN (SELECT round_id FROM pt_enrolments WHERE lab_org_id = $3) \
         OR ($4 AND r.status = 'enrolment') ORDER BY r.enrol_until DESC, r.id DESC LIMIT 200"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(&lo)
    .bind(&hi)
    .bind(lab_org_id.unwrap_or(-1))
    .bind(open_for_labs)
    .fetch_all(p)
    .await?))
}

/// Sets round `id`'s status in `tx` (and `released_at` when it is `released`).
pub async fn set_round_status(
    tx: &mut Tx,
    id: i64,
    status: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_tx!(&mut *tx, |c| sqlx::query(
        "UPDATE pt_rounds SET status = $2, \
         released_at = CASE WHEN $2 = 'released' THEN $3 ELSE released_at END WHERE id = $1"
    )
    .bind(id)
    .bind(status)
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

// ---------------------------------------------------------------- organisations

/// What eligibility and the pages need of an organisation.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LabOrg {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub path: String,
    pub kind: String,
    pub cma_level: Option<String>,
    pub region: String,
    /// The name of its parent (the city bureau a lab sits under).
    pub parent_name: Option<String>,
}

const LAB_COLS: &str =
    "o.id, o.code, o.name, o.path, o.kind, o.cma_level, o.region, pa.name AS parent_name";

/// Organisations `ids`, in tree order.
pub async fn lab_orgs(db: &Db, ids: &[i64]) -> Result<Vec<LabOrg>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(ROWS_PER_INSERT) {
        let list = (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {LAB_COLS} FROM orgs o LEFT JOIN orgs pa ON pa.id = o.parent_id WHERE o.id IN ({list})"
        );
        let rows: Vec<LabOrg> = on_db!(db, |p| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(p).await?
        });
        out.extend(rows);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The labs with a provincial CMA in the mainland inside the subtree at `scope_path`: those
/// a round's rule lets qualify there, in tree order.
pub async fn provincial_cma_labs(db: &Db, scope_path: &str) -> Result<Vec<LabOrg>, StoreError> {
    let (lo, hi) = range(Some(scope_path));
    let sql = format!(
        "SELECT {LAB_COLS} FROM orgs o LEFT JOIN orgs pa ON pa.id = o.parent_id \
         WHERE o.kind = 'lab' AND o.path >= $1 AND o.path < $2 AND o.cma_level = 'provincial' \
         AND o.region = 'mainland' ORDER BY o.path"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(&lo)
    .bind(&hi)
    .fetch_all(p)
    .await?))
}

/// Labs that may be invited one by one (national CMA, or in Hong Kong or Macau) whose
/// name or code contains `q`, at most 50.
pub async fn invitable_labs(db: &Db, q: &str) -> Result<Vec<LabOrg>, StoreError> {
    let like = format!("%{}%", q.trim());
    let sql = format!(
        "SELECT {LAB_COLS} FROM orgs o LEFT JOIN orgs pa ON pa.id = o.parent_id \
         WHERE o.kind = 'lab' AND (o.cma_level = 'national' OR o.region <> 'mainland') \
         AND (o.name LIKE $1 OR o.code LIKE $1) ORDER BY o.path LIMIT 50"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(&like)
    .fetch_all(p)
    .await?))
}

// ---------------------------------------------------------------- enrolments

/// A lab's enrolment in a round, with the lab.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Enrolment {
    pub id: i64,
    pub round_id: i64,
    pub lab_org_id: i64,
    pub lab_code: String,
    pub lab_name: String,
    pub lab_path: String,
    pub lab_region: String,
    pub city_name: Option<String>,
    pub status: String,
    pub invited: bool,
    pub sample_code: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
}

const ENROL_COLS: &str = "e.id, e.round_id, e.lab_org_id, o.code AS lab_code, o.name AS lab_name, \
    o.path AS lab_path, o.region AS lab_region, pa.name AS city_name, e.status, e.invited, \
    e.sample_code, e.applied_at, e.decided_at";
const ENROL_FROM: &str =
    "pt_enrolments e JOIN orgs o ON o.id = e.lab_org_id LEFT JOIN orgs pa ON pa.id = o.parent_id";

/// Invites `lab_ids` to round `round_id` in `tx`; labs already enrolled or invited keep
/// their enrolment. Returns how many were invited now.
pub async fn invite(
    tx: &mut Tx,
    round_id: i64,
    lab_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let backend = tx.backend();
    let mut n = 0;
    for chunk in lab_ids.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO pt_enrolments (round_id, lab_org_id, status, invited, created_at) VALUES {} \
             ON CONFLICT (round_id, lab_org_id) DO NOTHING",
            placeholders(backend, chunk.len(), 5)
        );
        n += on_tx!(&mut *tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for id in chunk {
                q = q
                    .bind(round_id)
                    .bind(*id)
                    .bind("invited")
                    .bind(true)
                    .bind(now);
            }
            q.execute(&mut *c).await?.rows_affected()
        });
    }
    Ok(n)
}

/// Lab `lab_org_id`'s enrolment in round `round_id`, if any.
pub async fn enrolment_of(
    db: &Db,
    round_id: i64,
    lab_org_id: i64,
) -> Result<Option<Enrolment>, StoreError> {
    let sql = format!(
        "SELECT {ENROL_COLS} FROM {ENROL_FROM} WHERE e.round_id = $1 AND e.lab_org_id = $2"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(round_id)
    .bind(lab_org_id)
    .fetch_optional(p)
    .await?))
}

/// Every enrolment of lab `lab_org_id`, in any round, by round.
pub async fn enrolments_of_lab(db: &Db, lab_org_id: i64) -> Result<Vec<Enrolment>, StoreError> {
    let sql = format!(
        "SELECT {ENROL_COLS} FROM {ENROL_FROM} WHERE e.lab_org_id = $1 ORDER BY e.round_id"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(lab_org_id)
    .fetch_all(p)
    .await?))
}

/// Enrolment `id`.
pub async fn enrolment(db: &Db, id: i64) -> Result<Enrolment, StoreError> {
    let sql = format!("SELECT {ENROL_COLS} FROM {ENROL_FROM} WHERE e.id = $1");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or(StoreError::NotFound)
}

/// Every enrolment of round `round_id`, in tree order of the labs.
pub async fn enrolments(db: &Db, round_id: i64) -> Result<Vec<Enrolment>, StoreError> {
    let sql =
        format!("SELECT {ENROL_COLS} FROM {ENROL_FROM} WHERE e.round_id = $1 ORDER BY o.path");
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(round_id)
    .fetch_all(p)
    .await?))
}

/// Writes lab `lab_org_id`'s application to round `round_id` in `tx` (an invitation
/// accepted, or a new application) with the measurands it takes part in; returns the
/// enrolment's id. An approved or declined enrolment is left as it is
/// (`State("enrolment_decided")`).
pub async fn apply(
    tx: &mut Tx,
    round_id: i64,
    lab_org_id: i64,
    measurand_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let existing: Option<(i64, String)> = on_tx!(&mut *tx, |c| sqlx::query_as(
        "SELECT id, status FROM pt_enrolments WHERE round_id = $1 AND lab_org_id = $2"
    )
    .bind(round_id)
    .bind(lab_org_id)
    .fetch_optional(&mut *c)
    .await?);
    let id = match existing {
        Some((_, s)) if s == "approved" || s == "declined" => {
            return Err(StoreError::State("enrolment_decided"));
        }
        Some((id, _)) => {
            on_tx!(&mut *tx, |c| sqlx::query(
                "UPDATE pt_enrolments SET status = 'applied', applied_at = $2 WHERE id = $1"
            )
            .bind(id)
            .bind(now)
            .execute(&mut *c)
            .await?
            .rows_affected());
            id
        }
        None => on_tx!(&mut *tx, |c| {
            sqlx::query_scalar(
            "INSERT INTO pt_enrolments (round_id, lab_org_id, status, invited, applied_at, created_at) \
             VALUES ($1, $2, 'applied', FALSE, $3, $3) RETURNING id"
        )
        .bind(round_id)
        .bind(lab_org_id)
        .bind(now)
        .fetch_one(&mut *c)
        .await?
        }),
    };
    set_measurands(tx, id, measurand_ids).await?;
    Ok(id)
}

/// Replaces enrolment `id`'s measurands in `tx`.
async fn set_measurands(tx: &mut Tx, id: i64, measurand_ids: &[i64]) -> Result<(), StoreError> {
    on_tx!(&mut *tx, |c| sqlx::query(
        "DELETE FROM pt_enrolment_measurands WHERE enrolment_id = $1"
    )
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    let backend = tx.backend();
    for chunk in measurand_ids.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO pt_enrolment_measurands (enrolment_id, measurand_id) VALUES {}",
            placeholders(backend, chunk.len(), 2)
        );
        on_tx!(&mut *tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for m in chunk {
                q = q.bind(id).bind(*m);
            }
            q.execute(&mut *c).await?.rows_affected()
        });
    }
    Ok(())
}

/// The measurand ids of every enrolment of round `round_id`: (enrolment, measurand).
pub async fn enrolment_measurands(db: &Db, round_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT em.enrolment_id, em.measurand_id FROM pt_enrolment_measurands em \
         JOIN pt_enrolments e ON e.id = em.enrolment_id WHERE e.round_id = $1 \
         ORDER BY em.enrolment_id, em.measurand_id"
    )
    .bind(round_id)
    .fetch_all(p)
    .await?))
}

/// The ids of the measurands enrolment `enrolment_id` takes part in.
pub async fn measurands_of_enrolment(db: &Db, enrolment_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_scalar(
        "SELECT measurand_id FROM pt_enrolment_measurands WHERE enrolment_id = $1 \
         ORDER BY measurand_id"
    )
    .bind(enrolment_id)
    .fetch_all(p)
    .await?))
}

/// Approves enrolment `id` with blind sample code `code`, or declines it (`code` none), in
/// `tx`. `Conflict { pt_enrolments_round_id_sample_code_key }` when the code is taken in the round (the
/// caller draws another).
pub async fn decide(
    tx: &mut Tx,
    id: i64,
    code: Option<&str>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let status = if code.is_some() {
        "approved"
    } else {
        "declined"
    };
    on_tx!(&mut *tx, |c| {
        sqlx::query(
        "UPDATE pt_enrolments SET status = $2, sample_code = $3, decided_by = $4, decided_at = $5 WHERE id = $1"
    )
    .bind(id)
    .bind(status)
    .bind(code)
    .bind(by)
    .bind(now)
    .execute(&mut *c)
    .await?.rows_affected()
    });
    Ok(())
}

// ---------------------------------------------------------------- samples

/// A dispatch of samples to an enrolled lab, and its receipt.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Dispatch {
    pub id: i64,
    pub enrolment_id: i64,
    pub courier: String,
    pub tracking: String,
    pub sent_on: NaiveDate,
    pub received_at: Option<DateTime<Utc>>,
    pub condition: Option<String>,
    pub receipt_note: Option<String>,
}

/// Records a dispatch in `tx`.
pub async fn insert_dispatch(
    tx: &mut Tx,
    enrolment_id: i64,
    courier: &str,
    tracking: &str,
    sent_on: NaiveDate,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    Ok(on_tx!(&mut *tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO pt_dispatches (enrolment_id, courier, tracking, sent_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    )
    .bind(enrolment_id)
    .bind(courier)
    .bind(tracking)
    .bind(sent_on)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *c)
    .await?
    }))
}

/// Every dispatch of round `round_id`, oldest first.
pub async fn dispatches(db: &Db, round_id: i64) -> Result<Vec<Dispatch>, StoreError> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
        "SELECT d.id, d.enrolment_id, d.courier, d.tracking, d.sent_on, d.received_at, d.condition, d.receipt_note \
         FROM pt_dispatches d JOIN pt_enrolments e ON e.id = d.enrolment_id WHERE e.round_id = $1 ORDER BY d.id"
    )
    .bind(round_id)
    .fetch_all(p)
    .await?
    }))
}

/// Records the receipt of dispatch `id` in `tx`; `State("already_received")` when it was.
pub async fn confirm_receipt(
    tx: &mut Tx,
    id: i64,
    condition: &str,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = on_tx!(&mut *tx, |c| sqlx::query(
        "UPDATE pt_dispatches SET received_at = $2, condition = $3, receipt_note = $4 \
         WHERE id = $1 AND received_at IS NULL"
    )
    .bind(id)
    .bind(now)
    .bind(condition)
    .bind(note)
    .execute(&mut *c)
    .await?
    .rows_affected());
    if n == 0 {
        return Err(StoreError::State("already_received"));
    }
    Ok(())
}

// ---------------------------------------------------------------- results

/// A stored result.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ResultRow {
    pub enrolment_id: i64,
    pub measurand_id: i64,
    /// The [`renke_domain::pt::ResultEntry`] as JSON.
    pub entry: String,
    pub value: Option<f64>,
    pub saved_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub behalf_note: Option<String>,
    pub sample_code: Option<String>,
}

/// A result to save.
#[derive(Debug, Clone)]
pub struct SaveResult<'a> {
    pub measurand_id: i64,
    pub entry: &'a str,
    pub value: Option<f64>,
}

/// Saves enrolment `enrolment_id`'s results in `tx` (unsubmitted; a submitted result is
/// replaced and unsubmitted again), with the note of a provider entering on the lab's behalf.
pub async fn save_results(
    tx: &mut Tx,
    enrolment_id: i64,
    rows: &[SaveResult<'_>],
    by: i64,
    behalf_note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for r in rows {
        on_tx!(&mut *tx, |c| {
            sqlx::query(
            "INSERT INTO pt_results (enrolment_id, measurand_id, entry, value, saved_at, submitted_at, late, entered_by, behalf_note) \
             VALUES ($1, $2, $3, $4, $5, NULL, FALSE, $6, $7) \
             ON CONFLICT (enrolment_id, measurand_id) DO UPDATE SET entry = excluded.entry, value = excluded.value, \
             saved_at = excluded.saved_at, submitted_at = NULL, late = FALSE, entered_by = excluded.entered_by, \
             behalf_note = excluded.behalf_note"
        )
        .bind(enrolment_id)
        .bind(r.measurand_id)
        .bind(r.entry)
        .bind(r.value)
        .bind(now)
        .bind(by)
        .bind(behalf_note)
        .execute(&mut *c)
        .await?.rows_affected()
        });
    }
    Ok(())
}

/// Removes enrolment `enrolment_id`'s unsubmitted result for `measurand_id` in `tx` (a row
/// emptied on the form).
pub async fn clear_result(
    tx: &mut Tx,
    enrolment_id: i64,
    measurand_id: i64,
) -> Result<(), StoreError> {
    on_tx!(&mut *tx, |c| sqlx::query(
        "DELETE FROM pt_results WHERE enrolment_id = $1 AND measurand_id = $2"
    )
    .bind(enrolment_id)
    .bind(measurand_id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

/// Submits every saved result of enrolment `enrolment_id` in `tx`, flagged late when
/// `late`; returns how many were submitted.
pub async fn submit_results(
    tx: &mut Tx,
    enrolment_id: i64,
    late: bool,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(on_tx!(&mut *tx, |c| {
        sqlx::query(
        "UPDATE pt_results SET submitted_at = $2, late = $3 WHERE enrolment_id = $1 AND submitted_at IS NULL"
    )
    .bind(enrolment_id)
    .bind(now)
    .bind(late)
    .execute(&mut *c)
    .await?
    .rows_affected()
    }))
}

const RESULT_COLS: &str = "x.enrolment_id, x.measurand_id, x.entry, x.value, x.saved_at, x.submitted_at, \
    x.late, x.behalf_note, e.sample_code";

/// Enrolment `enrolment_id`'s results.
pub async fn results_of(db: &Db, enrolment_id: i64) -> Result<Vec<ResultRow>, StoreError> {
    let sql = format!(
        "SELECT {RESULT_COLS} FROM pt_results x JOIN pt_enrolments e ON e.id = x.enrolment_id \
         WHERE x.enrolment_id = $1 ORDER BY x.measurand_id"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(enrolment_id)
    .fetch_all(p)
    .await?))
}

/// The submitted results of round `round_id` for `measurand_id`, by sample code.
pub async fn submitted_results(
    db: &Db,
    round_id: i64,
    measurand_id: i64,
) -> Result<Vec<ResultRow>, StoreError> {
    let sql = format!(
        "SELECT {RESULT_COLS} FROM pt_results x JOIN pt_enrolments e ON e.id = x.enrolment_id \
         WHERE e.round_id = $1 AND x.measurand_id = $2 AND x.submitted_at IS NOT NULL \
         AND e.status = 'approved' ORDER BY e.sample_code"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(round_id)
    .bind(measurand_id)
    .fetch_all(p)
    .await?))
}

/// How many enrolments of round `round_id` have submitted results: (approved, submitted).
pub async fn submission_counts(db: &Db, round_id: i64) -> Result<(i64, i64), StoreError> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
        "SELECT CAST(COUNT(DISTINCT e.id) AS BIGINT), CAST(COUNT(DISTINCT x.enrolment_id) AS BIGINT) FROM pt_enrolments e \
         LEFT JOIN pt_results x ON x.enrolment_id = e.id AND x.submitted_at IS NOT NULL \
         WHERE e.round_id = $1 AND e.status = 'approved'"
    )
    .bind(round_id)
    .fetch_one(p)
    .await?
    }))
}

// ---------------------------------------------------------------- evaluations

/// An evaluation of one measurand of a round.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Evaluation {
    pub id: i64,
    pub round_id: i64,
    pub measurand_id: i64,
    pub version: i32,
    /// The options as JSON.
    pub options: String,
    /// The outcome (statistics, method, scores) as JSON.
    pub outcome: String,
    pub n: i32,
    pub assigned: Option<f64>,
    pub sigma_pt: Option<f64>,
    pub released: bool,
    pub created_at: DateTime<Utc>,
}

/// A score of an evaluation.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Score {
    pub evaluation_id: i64,
    pub enrolment_id: i64,
    pub score_kind: String,
    pub score: Option<f64>,
    pub class: String,
    pub z: Option<f64>,
    pub zeta: Option<f64>,
    pub en: Option<f64>,
    pub late: bool,
}

/// A new evaluation.
#[derive(Debug, Clone)]
pub struct NewEvaluation<'a> {
    pub round_id: i64,
    pub measurand_id: i64,
    pub options: &'a str,
    pub outcome: &'a str,
    pub n: i32,
    pub assigned: Option<f64>,
    pub sigma_pt: Option<f64>,
}

/// Writes an evaluation as the next version for its measurand, with its scores, in `tx`.
pub async fn insert_evaluation(
    tx: &mut Tx,
    e: &NewEvaluation<'_>,
    scores: &[Score],
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let id: i64 = on_tx!(&mut *tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO pt_evaluations (round_id, measurand_id, version, options, outcome, n, assigned, sigma_pt, created_by, created_at) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(version), 0) + 1 FROM pt_evaluations WHERE round_id = $1 AND measurand_id = $2), \
         $3, $4, $5, $6, $7, $8, $9) RETURNING id"
    )
    .bind(e.round_id)
    .bind(e.measurand_id)
    .bind(e.options)
    .bind(e.outcome)
    .bind(e.n)
    .bind(e.assigned)
    .bind(e.sigma_pt)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *c)
    .await?
    });
    insert_scores(tx, id, scores).await?;
    Ok(id)
}

/// Writes scores of evaluation `evaluation_id` in `tx`; a participant's score already
/// written (a run resumed after its worker stopped) is kept.
pub async fn insert_scores(
    tx: &mut Tx,
    evaluation_id: i64,
    scores: &[Score],
) -> Result<(), StoreError> {
    let backend = tx.backend();
    for chunk in scores.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO pt_scores (evaluation_id, enrolment_id, score_kind, score, class, z, zeta, en, late) VALUES {} \
             ON CONFLICT (evaluation_id, enrolment_id) DO NOTHING",
            placeholders(backend, chunk.len(), 9)
        );
        on_tx!(&mut *tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for s in chunk {
                q = q
                    .bind(evaluation_id)
                    .bind(s.enrolment_id)
                    .bind(&s.score_kind)
                    .bind(s.score)
                    .bind(&s.class)
                    .bind(s.z)
                    .bind(s.zeta)
                    .bind(s.en)
                    .bind(s.late);
            }
            q.execute(&mut *c).await?.rows_affected()
        });
    }
    Ok(())
}

const EVAL_COLS: &str = "id, round_id, measurand_id, CAST(version AS INTEGER) AS version, options, outcome, \
    CAST(n AS INTEGER) AS n, assigned, sigma_pt, released, created_at";

/// Every evaluation of round `round_id`, by measurand and version.
pub async fn evaluations(db: &Db, round_id: i64) -> Result<Vec<Evaluation>, StoreError> {
    let sql = format!(
        "SELECT {EVAL_COLS} FROM pt_evaluations WHERE round_id = $1 ORDER BY measurand_id, version"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(round_id)
    .fetch_all(p)
    .await?))
}

/// Each measurand's current evaluations in round `round_id`: its latest version and its
/// latest released one (the same row when that is the latest), by measurand and version.
/// Letters, the report and release read these instead of every version's outcome.
pub async fn current_evaluations(db: &Db, round_id: i64) -> Result<Vec<Evaluation>, StoreError> {
    let sql = format!(
        "SELECT {EVAL_COLS} FROM pt_evaluations e WHERE round_id = $1 AND (\
         version = (SELECT MAX(version) FROM pt_evaluations x \
           WHERE x.round_id = e.round_id AND x.measurand_id = e.measurand_id) \
         OR version = (SELECT MAX(version) FROM pt_evaluations x \
           WHERE x.round_id = e.round_id AND x.measurand_id = e.measurand_id AND x.released)) \
         ORDER BY measurand_id, version"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(round_id)
    .fetch_all(p)
    .await?))
}

/// The time of the newest submitted result of each measurand of round `round_id` (approved
/// enrolments): (measurand id, time).
pub async fn newest_submissions(
    db: &Db,
    round_id: i64,
) -> Result<Vec<(i64, DateTime<Utc>)>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT x.measurand_id, MAX(x.submitted_at) FROM pt_results x \
         JOIN pt_enrolments e ON e.id = x.enrolment_id \
         WHERE e.round_id = $1 AND x.submitted_at IS NOT NULL AND e.status = 'approved' \
         GROUP BY x.measurand_id"
    )
    .bind(round_id)
    .fetch_all(p)
    .await?))
}

/// The scores of evaluation `evaluation_id`.
pub async fn scores(db: &Db, evaluation_id: i64) -> Result<Vec<Score>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT evaluation_id, enrolment_id, score_kind, score, class, z, zeta, en, late \
         FROM pt_scores WHERE evaluation_id = $1 ORDER BY enrolment_id"
    )
    .bind(evaluation_id)
    .fetch_all(p)
    .await?))
}

/// Marks evaluations `ids` released in `tx`.
pub async fn release_evaluations(tx: &mut Tx, ids: &[i64]) -> Result<(), StoreError> {
    for id in ids {
        on_tx!(&mut *tx, |c| sqlx::query(
            "UPDATE pt_evaluations SET released = TRUE WHERE id = $1"
        )
        .bind(*id)
        .execute(&mut *c)
        .await?
        .rows_affected());
    }
    Ok(())
}

// ---------------------------------------------------------------- evaluation runs

/// How many results of round `round_id` for `measurand_id` are submitted (those
/// [`submitted_results`] reads).
pub async fn submitted_count(db: &Db, round_id: i64, measurand_id: i64) -> Result<i64, StoreError> {
    Ok(on_db!(db, |p| {
        sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM pt_results x JOIN pt_enrolments e ON e.id = x.enrolment_id \
         WHERE e.round_id = $1 AND x.measurand_id = $2 AND x.submitted_at IS NOT NULL \
         AND e.status = 'approved'"
    )
    .bind(round_id)
    .bind(measurand_id)
    .fetch_one(p)
    .await?
    }))
}

/// An evaluation of one measurand run by the worker, with its progress.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct EvaluationRun {
    pub id: i64,
    pub round_id: i64,
    pub measurand_id: i64,
    /// The evaluation's options as JSON.
    pub options: String,
    /// `queued`, `running`, `done` or `failed`; a run whose job is over (failed for good,
    /// or gone) without finishing it reads as `failed`.
    pub status: String,
    /// `queued`, `reading`, `computing`, `writing`, `done`.
    pub stage: String,
    /// Rows written of `total` (the submitted results).
    pub done: i64,
    pub total: i64,
    pub error: Option<String>,
    /// The evaluation it wrote (set when writing starts).
    pub evaluation_id: Option<i64>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A run still queued or running whose job is too: the run is under way.
const RUN_ACTIVE: &str = "r.status IN ('queued', 'running') AND j.status IS NOT NULL AND j.status IN ('queued', 'running')";

fn run_select() -> String {
    format!(
        "SELECT r.id, r.round_id, r.measurand_id, r.options, \
         CASE WHEN r.status IN ('queued', 'running') AND NOT ({RUN_ACTIVE}) THEN 'failed' ELSE r.status END AS status, \
         r.stage, r.done, r.total, \
         COALESCE(r.error, CASE WHEN r.status IN ('queued', 'running') THEN j.last_error END) AS error, \
         r.evaluation_id, r.created_by, r.created_at, r.updated_at \
         FROM pt_evaluation_runs r LEFT JOIN jobs j ON j.id = r.job_id"
    )
}

/// Records a queued run of `measurand_id` in `tx` with the options `options` and
/// `total` results to evaluate; returns its id. The caller enqueues its job in the same
/// transaction and links it with [`set_run_job`].
pub async fn insert_evaluation_run(
    tx: &mut Tx,
    round_id: i64,
    measurand_id: i64,
    options: &str,
    total: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    Ok(on_tx!(&mut *tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO pt_evaluation_runs (round_id, measurand_id, options, status, stage, done, total, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, 'queued', 'queued', 0, $4, $5, $6, $6) \
         RETURNING id"
    )
    .bind(round_id)
    .bind(measurand_id)
    .bind(options)
    .bind(total)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *c)
    .await?
    }))
}

/// Links run `id` with job `job_id` that runs it, in `tx`.
pub async fn set_run_job(tx: &mut Tx, id: i64, job_id: i64) -> Result<(), StoreError> {
    on_tx!(&mut *tx, |c| sqlx::query(
        "UPDATE pt_evaluation_runs SET job_id = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(job_id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

/// Run `id`.
pub async fn evaluation_run(db: &Db, id: i64) -> Result<EvaluationRun, StoreError> {
    let sql = format!("{} WHERE r.id = $1", run_select());
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or(StoreError::NotFound)
}

/// The runs of round `round_id`, newest first, at most 200.
pub async fn evaluation_runs(db: &Db, round_id: i64) -> Result<Vec<EvaluationRun>, StoreError> {
    let sql = format!(
        "{} WHERE r.round_id = $1 ORDER BY r.id DESC LIMIT 200",
        run_select()
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(round_id)
    .fetch_all(p)
    .await?))
}

/// The measurands of round `round_id` with a run under way, read in `tx` (after the
/// round's lock, so a release and a new run see each other).
pub async fn active_run_measurands(tx: &mut Tx, round_id: i64) -> Result<Vec<i64>, StoreError> {
    let sql = format!(
        "SELECT DISTINCT r.measurand_id FROM pt_evaluation_runs r LEFT JOIN jobs j ON j.id = r.job_id \
         WHERE r.round_id = $1 AND {RUN_ACTIVE} ORDER BY r.measurand_id"
    );
    Ok(on_tx!(&mut *tx, |c| sqlx::query_scalar(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(round_id)
    .fetch_all(&mut *c)
    .await?))
}

/// Marks run `id` running (stage `reading` unless it already wrote its evaluation and
/// resumes); `None` when it is over (done or failed).
pub async fn start_run(
    db: &Db,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<EvaluationRun>, StoreError> {
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE pt_evaluation_runs SET status = 'running', \
         stage = CASE WHEN evaluation_id IS NULL THEN 'reading' ELSE stage END, updated_at = $2 \
         WHERE id = $1 AND status IN ('queued', 'running')"
    )
    .bind(id)
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.commit().await?;
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(evaluation_run(db, id).await?))
}

/// Records run `id`'s stage and progress (while it runs).
pub async fn set_run_progress(
    db: &Db,
    id: i64,
    stage: &str,
    done: i64,
    total: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_db!(db, |p| sqlx::query(
        "UPDATE pt_evaluation_runs SET stage = $2, done = $3, total = $4, updated_at = $5 \
         WHERE id = $1 AND status = 'running'"
    )
    .bind(id)
    .bind(stage)
    .bind(done)
    .bind(total)
    .bind(now)
    .execute(p)
    .await?
    .rows_affected());
    Ok(())
}

/// Starts run `id`'s writing stage in `tx`: links the evaluation just inserted, with
/// `total` rows to write. `false` when the run is not running or already wrote one (two
/// workers on one run: the caller rolls back).
pub async fn begin_run_writing(
    tx: &mut Tx,
    id: i64,
    evaluation_id: i64,
    total: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = on_tx!(&mut *tx, |c| {
        sqlx::query(
        "UPDATE pt_evaluation_runs SET stage = 'writing', evaluation_id = $2, done = 0, total = $3, \
         updated_at = $4 WHERE id = $1 AND status = 'running' AND evaluation_id IS NULL"
    )
    .bind(id)
    .bind(evaluation_id)
    .bind(total)
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    Ok(n == 1)
}

/// Records in `tx` that run `id` has written `done` rows.
pub async fn run_written(
    tx: &mut Tx,
    id: i64,
    done: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_tx!(&mut *tx, |c| sqlx::query(
        "UPDATE pt_evaluation_runs SET done = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(done)
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected());
    Ok(())
}

/// Marks run `id` done.
pub async fn finish_run(db: &Db, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |c| {
        sqlx::query(
        "UPDATE pt_evaluation_runs SET status = 'done', stage = 'done', done = total, updated_at = $2 \
         WHERE id = $1 AND status = 'running'"
    )
    .bind(id)
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    tx.commit().await?;
    Ok(())
}

/// Marks run `id` failed with `error` in one transaction, removing the evaluation it had
/// begun to write (with its scores), so no half-written version remains.
pub async fn fail_run(db: &Db, id: i64, error: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM pt_evaluations WHERE id = (SELECT evaluation_id FROM pt_evaluation_runs \
         WHERE id = $1 AND status IN ('queued', 'running'))"
    )
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE pt_evaluation_runs SET status = 'failed', error = $2, evaluation_id = NULL, \
         updated_at = $3 WHERE id = $1 AND status IN ('queued', 'running')"
    )
    .bind(id)
    .bind(error)
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- follow-ups

/// A follow-up, with its round, measurand and lab.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Followup {
    pub id: i64,
    pub enrolment_id: i64,
    pub measurand_id: i64,
    pub measurand_name: String,
    pub round_id: i64,
    pub round_code: String,
    pub lab_org_id: i64,
    pub lab_name: String,
    pub lab_path: String,
    pub city_name: Option<String>,
    pub class: String,
    pub status: String,
    pub root_cause: Option<String>,
    pub action: Option<String>,
    pub review_note: Option<String>,
    pub due_on: NaiveDate,
    pub updated_at: DateTime<Utc>,
}

const FOLLOWUP_SELECT: &str = "SELECT f.id, f.enrolment_id, f.measurand_id, m.name AS measurand_name, \
    e.round_id, r.code AS round_code, e.lab_org_id, o.name AS lab_name, o.path AS lab_path, \
    pa.name AS city_name, f.class, f.status, f.root_cause, f.action, f.review_note, f.due_on, f.updated_at \
    FROM pt_followups f JOIN pt_enrolments e ON e.id = f.enrolment_id \
    JOIN pt_rounds r ON r.id = e.round_id JOIN pt_measurands m ON m.id = f.measurand_id \
    JOIN orgs o ON o.id = e.lab_org_id LEFT JOIN orgs pa ON pa.id = o.parent_id";

/// Opens follow-ups in `tx`: (enrolment, measurand, class), due on `due_on`; one already
/// there for the same result (in any status) is kept. Returns how many were opened.
pub async fn open_followups(
    tx: &mut Tx,
    rows: &[(i64, i64, String)],
    due_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let backend = tx.backend();
    let mut opened = 0;
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO pt_followups (enrolment_id, measurand_id, class, status, due_on, created_at, updated_at) \
             VALUES {} ON CONFLICT (enrolment_id, measurand_id) DO NOTHING",
            placeholders(backend, chunk.len(), 7)
        );
        opened += on_tx!(&mut *tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (e, m, class) in chunk {
                q = q
                    .bind(*e)
                    .bind(*m)
                    .bind(class)
                    .bind("open")
                    .bind(due_on)
                    .bind(now)
                    .bind(now);
            }
            q.execute(&mut *c).await?.rows_affected()
        });
    }
    Ok(opened)
}

/// Follow-up `id`.
pub async fn followup(db: &Db, id: i64) -> Result<Followup, StoreError> {
    let sql = format!("{FOLLOWUP_SELECT} WHERE f.id = $1");
    on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .fetch_optional(p)
        .await?)
    .ok_or(StoreError::NotFound)
}

/// The follow-ups of round `round_id`, or of the labs in the subtree at `labs_within`
/// (open ones first), at most 500.
pub async fn followups(
    db: &Db,
    round_id: Option<i64>,
    labs_within: Option<&str>,
) -> Result<Vec<Followup>, StoreError> {
    let (lo, hi) = range(labs_within);
    let sql = format!(
        "{FOLLOWUP_SELECT} WHERE ($1 < 0 OR e.round_id = $1) AND o.path >= $2 AND o.path < $3 \
         ORDER BY CASE WHEN f.status = 'closed' THEN 1 ELSE 0 END, f.due_on, f.id LIMIT 500"
    );
    Ok(on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(round_id.unwrap_or(-1))
    .bind(&lo)
    .bind(&hi)
    .fetch_all(p)
    .await?))
}

/// Moves follow-up `id` from `from` to `to` in `tx`, writing the lab's answer or the
/// reviewer's note where given; `State("followup_changed")` when it is no longer in `from`.
#[allow(clippy::too_many_arguments)]
pub async fn update_followup(
    tx: &mut Tx,
    id: i64,
    from: &str,
    to: &str,
    root_cause: Option<&str>,
    action: Option<&str>,
    review_note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = on_tx!(&mut *tx, |c| sqlx::query(
        "UPDATE pt_followups SET status = $3, root_cause = COALESCE($4, root_cause), \
         action = COALESCE($5, action), review_note = COALESCE($6, review_note), updated_at = $7 \
         WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(root_cause)
    .bind(action)
    .bind(review_note)
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected());
    if n == 0 {
        return Err(StoreError::State("followup_changed"));
    }
    Ok(())
}

// ---------------------------------------------------------------- files

/// Makes `file` the instructions document (作业指导书) of round `id`, in one transaction
/// with the `files` row, replacing any earlier one (whose row the files sweep removes);
/// `State("round_released")` once the round is released. Returns the file's id.
pub async fn set_instructions_file(
    db: &Db,
    id: i64,
    file: &crate::files::Staged,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let mut tx = db.write().await?;
    if lock_round(&mut tx, id).await?.status == "released" {
        return Err(StoreError::State("round_released"));
    }
    let file_id = file.insert(&mut tx, now).await?;
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE pt_rounds SET instructions_file_id = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(file_id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    tx.commit().await?;
    Ok(file_id)
}

/// The evidence files (证据材料) of follow-up `followup_id`, in the order uploaded.
pub async fn followup_files(
    db: &Db,
    followup_id: i64,
) -> Result<Vec<crate::files::StoredFile>, StoreError> {
    let sql = format!(
        "SELECT {} FROM files f JOIN pt_followup_files pf ON pf.file_id = f.id \
         WHERE pf.followup_id = $1 ORDER BY f.id",
        crate::files::ROW_COLS
    );
    let rows: Vec<crate::files::FileRow> =
        on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(followup_id)
            .fetch_all(p)
            .await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Moves follow-up `followup_id` in `tx` to `updated_at = now` while the lab may still
/// change its answer (open or returned), which also locks its row on PostgreSQL;
/// `State("followup_changed")` otherwise.
async fn touch_answerable_followup(
    tx: &mut Tx,
    followup_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = on_tx!(&mut *tx, |c| {
        sqlx::query(
        "UPDATE pt_followups SET updated_at = $2 WHERE id = $1 AND status IN ('open', 'returned')"
    )
    .bind(followup_id)
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::State("followup_changed"));
    }
    Ok(())
}

/// Adds `files` to the evidence of follow-up `followup_id` in one transaction with their
/// `files` rows, while it is open or returned (`State("followup_changed")` otherwise) and
/// it keeps at most `max` files (`State("too_many_files")`). Returns the new files' ids.
pub async fn add_followup_files(
    db: &Db,
    followup_id: i64,
    files: &[crate::files::Staged],
    max: usize,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, StoreError> {
    let mut tx = db.write().await?;
    touch_answerable_followup(&mut tx, followup_id, now).await?;
    let held: i64 = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM pt_followup_files WHERE followup_id = $1"
    )
    .bind(followup_id)
    .fetch_one(&mut *c)
    .await?);
    if held.max(0) as usize + files.len() > max {
        return Err(StoreError::State("too_many_files"));
    }
    let mut ids = Vec::with_capacity(files.len());
    for f in files {
        let file_id = f.insert(&mut tx, now).await?;
        on_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO pt_followup_files (followup_id, file_id) VALUES ($1, $2)"
        )
        .bind(followup_id)
        .bind(file_id)
        .execute(&mut *c)
        .await?
        .rows_affected());
        ids.push(file_id);
    }
    tx.commit().await?;
    Ok(ids)
}

/// Removes file `file_id` from the evidence of follow-up `followup_id` while it is open or
/// returned (`State("followup_changed")` otherwise; `NotFound` when it is not one of its
/// files). The `files` row is left to the files sweep.
pub async fn remove_followup_file(
    db: &Db,
    followup_id: i64,
    file_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    touch_answerable_followup(&mut tx, followup_id, now).await?;
    let n = on_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM pt_followup_files WHERE followup_id = $1 AND file_id = $2"
    )
    .bind(followup_id)
    .bind(file_id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- studies

/// A homogeneity or stability study of one measurand.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Study {
    pub id: i64,
    pub round_id: i64,
    pub measurand_id: i64,
    /// `homogeneity` or `stability`.
    pub kind: String,
    /// The data as JSON.
    pub data: String,
    /// What `renke-pt` found, as JSON.
    pub outcome: String,
    /// The standard uncertainty carried into u(x_pt).
    pub u: f64,
    pub passed: bool,
    pub created_at: DateTime<Utc>,
}

/// A study to record.
#[derive(Debug, Clone)]
pub struct NewStudy<'a> {
    pub round_id: i64,
    pub measurand_id: i64,
    pub kind: &'a str,
    pub data: &'a str,
    pub outcome: &'a str,
    pub u: f64,
    pub passed: bool,
}

/// Records a study in `tx`.
pub async fn insert_study(
    tx: &mut Tx,
    s: &NewStudy<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    Ok(on_tx!(&mut *tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO pt_studies (round_id, measurand_id, kind, data, outcome, u, passed, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
    )
    .bind(s.round_id)
    .bind(s.measurand_id)
    .bind(s.kind)
    .bind(s.data)
    .bind(s.outcome)
    .bind(s.u)
    .bind(s.passed)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *c)
    .await?
    }))
}

/// Every study of round `round_id`, oldest first.
pub async fn studies(db: &Db, round_id: i64) -> Result<Vec<Study>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT id, round_id, measurand_id, kind, data, outcome, u, passed, created_at \
         FROM pt_studies WHERE round_id = $1 ORDER BY id"
    )
    .bind(round_id)
    .fetch_all(p)
    .await?))
}

// ---------------------------------------------------------------- history

/// A lab's released score in a round.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct HistoryScore {
    pub round_id: i64,
    pub round_code: String,
    pub released_at: Option<DateTime<Utc>>,
    pub measurand_id: i64,
    pub measurand_name: String,
    pub score_kind: String,
    pub score: Option<f64>,
    pub class: String,
    pub version: i32,
}

/// Lab `lab_org_id`'s scores in released evaluations of every round, oldest round first
/// (every released version; the caller keeps the latest per round and measurand).
pub async fn lab_history(db: &Db, lab_org_id: i64) -> Result<Vec<HistoryScore>, StoreError> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
        "SELECT r.id AS round_id, r.code AS round_code, r.released_at, m.id AS measurand_id, \
         m.name AS measurand_name, s.score_kind, s.score, s.class, CAST(v.version AS INTEGER) AS version \
         FROM pt_scores s JOIN pt_evaluations v ON v.id = s.evaluation_id AND v.released \
         JOIN pt_enrolments e ON e.id = s.enrolment_id JOIN pt_rounds r ON r.id = e.round_id \
         JOIN pt_measurands m ON m.id = v.measurand_id \
         WHERE e.lab_org_id = $1 ORDER BY r.released_at, r.id, m.position, v.version"
    )
    .bind(lab_org_id)
    .fetch_all(p)
    .await?
    }))
}

/// The enrolments of round `round_id` that submitted results: their ids.
pub async fn reporting_enrolments(db: &Db, round_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(on_db!(db, |p| {
        sqlx::query_scalar(
        "SELECT DISTINCT x.enrolment_id FROM pt_results x JOIN pt_enrolments e ON e.id = x.enrolment_id \
         WHERE e.round_id = $1 AND x.submitted_at IS NOT NULL"
    )
    .bind(round_id)
    .fetch_all(p)
    .await?
    }))
}

// ---------------------------------------------------------------- a lab's tasks

/// A lab's enrolment in a round not yet released, with what its home page needs.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LabRound {
    pub enrolment_id: i64,
    pub enrolment_status: String,
    pub round_id: i64,
    pub round_code: String,
    pub round_title: String,
    pub round_status: String,
    pub enrol_until: DateTime<Utc>,
    pub results_until: DateTime<Utc>,
    /// Measurands it takes part in, and of them those submitted.
    pub measurands: i64,
    pub submitted: i64,
    /// Dispatches to it not yet confirmed as received.
    pub unreceived: i64,
}

/// Lab `lab_org_id`'s enrolments in rounds not yet released, by deadline, at most 20.
pub async fn lab_rounds(db: &Db, lab_org_id: i64) -> Result<Vec<LabRound>, StoreError> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
        "SELECT e.id AS enrolment_id, e.status AS enrolment_status, r.id AS round_id, \
         r.code AS round_code, r.title AS round_title, r.status AS round_status, r.enrol_until, \
         r.results_until, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM pt_enrolment_measurands em WHERE em.enrolment_id = e.id) AS measurands, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM pt_results x WHERE x.enrolment_id = e.id AND x.submitted_at IS NOT NULL) AS submitted, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM pt_dispatches d WHERE d.enrolment_id = e.id AND d.received_at IS NULL) AS unreceived \
         FROM pt_enrolments e JOIN pt_rounds r ON r.id = e.round_id \
         WHERE e.lab_org_id = $1 AND r.status <> 'released' AND e.status <> 'declined' \
         ORDER BY r.results_until, r.id LIMIT 20"
    )
    .bind(lab_org_id)
    .fetch_all(p)
    .await?
    }))
}
