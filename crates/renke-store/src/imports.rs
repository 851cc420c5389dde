//! Imported notices (导入通知): the text each was read from, under a fingerprint of the
//! document that makes a second import of it fail, and the organisation names users mapped
//! by hand, remembered per importing organisation.

use crate::{Db, StoreError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};

/// The notice imported under `fingerprint`, if any.
pub async fn notice_with_fingerprint(
    db: &Db,
    fingerprint: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_scalar(
        "SELECT notice_id FROM notice_imports WHERE fingerprint = $1"
    )
    .bind(fingerprint)
    .fetch_optional(p)
    .await)?)
}

/// Records that notice `notice_id` was imported from `source_text`, in transaction `tx`.
/// A second notice under the same fingerprint fails with
/// `StoreError::Conflict { constraint: "notice_imports_fingerprint_key" }`.
pub async fn record_in(
    tx: &mut Tx,
    notice_id: i64,
    fingerprint: &str,
    source_text: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_tx!(tx, |tx| {
        sqlx::query(
            "INSERT INTO notice_imports (notice_id, fingerprint, source_text, imported_by, imported_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(notice_id)
        .bind(fingerprint)
        .bind(source_text)
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    });
    Ok(())
}

/// The organisation `alias` stands for when organisation `scope` imports, if a user of it
/// mapped that name before.
pub async fn alias(db: &Db, scope: i64, alias: &str) -> Result<Option<i64>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_scalar(
        "SELECT org_id FROM org_aliases WHERE scope_org_id = $1 AND alias = $2"
    )
    .bind(scope)
    .bind(alias)
    .fetch_optional(p)
    .await)?)
}

/// Remembers that `alias` stands for `org_id` when `scope` imports (replacing an earlier
/// choice), in transaction `tx`.
pub async fn remember_in(
    tx: &mut Tx,
    scope: i64,
    alias: &str,
    org_id: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_tx!(tx, |tx| {
        sqlx::query(
            "INSERT INTO org_aliases (scope_org_id, alias, org_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (scope_org_id, alias) DO UPDATE SET org_id = excluded.org_id, \
             created_by = excluded.created_by, created_at = excluded.created_at",
        )
        .bind(scope)
        .bind(alias)
        .bind(org_id)
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    });
    Ok(())
}
