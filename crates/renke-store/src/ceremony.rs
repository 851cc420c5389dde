//! The certificate list of a ceremony activity (集中颁证仪式): rows of
//! `publicity_certificates`, unique by number key within the activity.

use crate::orgs::Page;
use crate::{Db, StoreError, on_db, on_tx};
use chrono::{DateTime, Utc};
use renke_domain::ceremony::Certificate;
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// A certificate as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CertificateRow {
    pub id: i64,
    pub activity_id: i64,
    pub organisation: String,
    pub number: String,
    pub scope: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A certificate found by its number, with the ceremony it was presented at.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Verified {
    pub organisation: String,
    pub number: String,
    pub scope: String,
    pub body: String,
    pub activity_id: i64,
    pub activity_title: String,
    pub campaign_id: i64,
    pub campaign_title: String,
    pub owner_name: String,
}

const SELECT: &str = "SELECT id, activity_id, organisation, number, scope, body, created_at \
    FROM publicity_certificates";

/// Adds certificates to ceremony `activity_id`, all or none, in one transaction; a number
/// already in the ceremony refuses them all (`number_exists`).
pub async fn add(
    db: &Db,
    activity_id: i64,
    certs: &[Certificate],
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut tx = db.write().await?;
    for c in certs {
        let r: Result<(), StoreError> = on_tx!(&mut tx, |t| {
            sqlx::query(
            "INSERT INTO publicity_certificates (activity_id, organisation, number, number_key, \
             scope, body, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )
        .bind(activity_id)
        .bind(c.organisation.as_str())
        .bind(c.number.as_str())
        .bind(c.key())
        .bind(&c.scope)
        .bind(c.body.as_str())
        .bind(by)
        .bind(now)
        .execute(&mut *t)
        .await
        .map(|_| ())
        .map_err(StoreError::from)
        });
        match r {
            Ok(_) => {}
            Err(StoreError::Conflict { .. }) => return Err(StoreError::State("number_exists")),
            Err(e) => return Err(e),
        }
    }
    tx.commit().await?;
    Ok(certs.len())
}

/// Removes certificate `id` of ceremony `activity_id`.
pub async fn remove(db: &Db, activity_id: i64, id: i64) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |t| sqlx::query(
        "DELETE FROM publicity_certificates WHERE id = $1 AND activity_id = $2"
    )
    .bind(id)
    .bind(activity_id)
    .execute(&mut *t)
    .await
    .map(|r| r.rows_affected())?);
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// The number keys of ceremony `activity_id` (to refuse a repeated number before writing).
pub async fn keys(db: &Db, activity_id: i64) -> Result<Vec<String>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_scalar(
        "SELECT number_key FROM publicity_certificates WHERE activity_id = $1"
    )
    .bind(activity_id)
    .fetch_all(p)
    .await)?)
}

/// The certificates of ceremony `activity_id`, by organisation, paged.
pub async fn list(
    db: &Db,
    activity_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Page<CertificateRow>, StoreError> {
    let limit = limit.clamp(1, 500);
    let offset = offset.max(0);
    let sql = format!(
        "{SELECT} WHERE activity_id = $1 ORDER BY number_key, id LIMIT {limit} OFFSET {offset}"
    );
    let (items, total): (Vec<CertificateRow>, i64) = on_db!(db, |p| (
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(activity_id)
            .fetch_all(p)
            .await?,
        sqlx::query_scalar("SELECT COUNT(*) FROM publicity_certificates WHERE activity_id = $1")
            .bind(activity_id)
            .fetch_one(p)
            .await?
    ));
    Ok(Page {
        items,
        total,
        offset,
        limit,
    })
}

/// The ceremonies of campaign `campaign_id` with certificates, public ones only when
/// `public_only`: id and title, by start.
pub async fn ceremonies(
    db: &Db,
    campaign_id: i64,
    public_only: bool,
) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT a.id, a.title FROM activities a WHERE a.campaign_id = $1 \
         AND (a.public OR NOT $2) \
         AND EXISTS (SELECT 1 FROM publicity_certificates c WHERE c.activity_id = a.id) \
         ORDER BY a.starts_at, a.id"
    )
    .bind(campaign_id)
    .bind(public_only)
    .fetch_all(p)
    .await)?)
}

/// The certificates with number key `key` presented at public ceremonies of public
/// campaigns (a number may have been presented at more than one ceremony).
pub async fn verify(db: &Db, key: &str) -> Result<Vec<Verified>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT c.organisation, c.number, c.scope, c.body, a.id AS activity_id, \
         a.title AS activity_title, k.id AS campaign_id, k.title AS campaign_title, \
         o.name AS owner_name \
         FROM publicity_certificates c JOIN activities a ON a.id = c.activity_id \
         JOIN campaigns k ON k.id = a.campaign_id JOIN orgs o ON o.id = a.owner_org_id \
         WHERE c.number_key = $1 AND a.public AND k.public ORDER BY a.starts_at, c.id"
    )
    .bind(key)
    .fetch_all(p)
    .await)?)
}

/// An activity of a campaign with its owner's path and number of certificates (to pick
/// the ceremony whose list one keeps).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CeremonyActivity {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub owner_name: String,
    #[serde(skip)]
    pub owner_path: String,
    pub certificates: i64,
}

/// The activities of campaign `campaign_id`, ceremonies first, then by start.
pub async fn activities_of(db: &Db, campaign_id: i64) -> Result<Vec<CeremonyActivity>, StoreError> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
        "SELECT a.id, a.title, a.kind, o.name AS owner_name, o.path AS owner_path, \
         (SELECT COUNT(*) FROM publicity_certificates c WHERE c.activity_id = a.id) AS certificates \
         FROM activities a JOIN orgs o ON o.id = a.owner_org_id WHERE a.campaign_id = $1 \
         ORDER BY CASE WHEN a.kind = 'certificate_ceremony' THEN 0 ELSE 1 END, a.starts_at, a.id"
    )
    .bind(campaign_id)
    .fetch_all(p)
    .await
    })?)
}
