//! OpenID Connect sign-in: pending sign-ins (the browser is at the provider), accounts found
//! by their link to the provider or their external id (工号), the link itself, and accounts
//! created at a first sign-in.

use crate::accounts::{ACCOUNT_COLS, Account, AccountRow, NewAccount};
use crate::{Db, StoreError, on_db, on_tx};
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

/// A sign-in under way: what the callback needs to finish it. Stored under the digest of
/// its `state`, never the state itself.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingLogin {
    pub state_hash: String,
    /// The PKCE code verifier.
    pub verifier: String,
    pub nonce: String,
    /// The local path to go to after signing in.
    pub return_to: String,
    pub created_at: DateTime<Utc>,
}

/// Stores a pending sign-in, and removes those begun before `stale_before` (never
/// finished: the person closed the provider's page).
pub async fn begin(
    db: &Db,
    login: &PendingLogin,
    stale_before: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |tx| {
        sqlx::query("DELETE FROM oidc_logins WHERE created_at < $1")
            .bind(stale_before)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO oidc_logins (state_hash, verifier, nonce, return_to, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&login.state_hash)
        .bind(&login.verifier)
        .bind(&login.nonce)
        .bind(&login.return_to)
        .bind(login.created_at)
        .execute(&mut *tx)
        .await?;
    });
    tx.commit().await?;
    Ok(())
}

/// Takes the pending sign-in stored under `state_hash`: it is removed in the same
/// statement, so a state is used once even when two callbacks race on two servers.
/// `None` when there is none (unknown, used already or purged).
pub async fn take(db: &Db, state_hash: &str) -> Result<Option<PendingLogin>, StoreError> {
    let sql = "DELETE FROM oidc_logins WHERE state_hash = $1 \
               RETURNING state_hash, verifier, nonce, return_to, created_at";
    let mut tx = db.write().await?;
    let taken = on_tx!(&mut tx, |c| sqlx::query_as(sql)
        .bind(state_hash)
        .fetch_optional(&mut *c)
        .await)?;
    tx.commit().await?;
    Ok(taken)
}

/// The account linked to the provider's subject, if any.
pub async fn by_subject(
    db: &Db,
    issuer: &str,
    subject: &str,
) -> Result<Option<Account>, StoreError> {
    let sql = format!(
        "SELECT {ACCOUNT_COLS} FROM accounts a JOIN orgs o ON o.id = a.org_id \
         WHERE a.oidc_issuer = $1 AND a.oidc_subject = $2"
    );
    let row: Option<AccountRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(issuer)
        .bind(subject)
        .fetch_optional(p)
        .await)?;
    row.map(Account::try_from).transpose()
}

/// The account with this external id (工号), if any.
pub async fn by_external_id(db: &Db, external_id: &str) -> Result<Option<Account>, StoreError> {
    let sql = format!(
        "SELECT {ACCOUNT_COLS} FROM accounts a JOIN orgs o ON o.id = a.org_id \
         WHERE a.external_id = $1"
    );
    let row: Option<AccountRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(external_id)
        .fetch_optional(p)
        .await)?;
    row.map(Account::try_from).transpose()
}

/// Whether the account is linked to another subject of this issuer (a first sign-in by
/// claim must not take it over).
pub async fn linked_elsewhere(
    db: &Db,
    account_id: i64,
    issuer: &str,
    subject: &str,
) -> Result<bool, StoreError> {
    let n: i64 = on_db!(db, |p| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM accounts WHERE id = $1 AND oidc_issuer = $2 AND oidc_subject <> $3"
    )
    .bind(account_id)
    .bind(issuer)
    .bind(subject)
    .fetch_one(p)
    .await
    })?;
    Ok(n > 0)
}

/// Links the account to the provider's subject (replacing an earlier link of the account).
/// Another account already linked to the subject: `Conflict` on
/// `accounts_oidc_issuer_oidc_subject_key`.
pub async fn link(
    db: &Db,
    account_id: i64,
    issuer: &str,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let done = on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE accounts SET oidc_issuer = $1, oidc_subject = $2, updated_at = $3 WHERE id = $4"
    )
    .bind(issuer)
    .bind(subject)
    .bind(now)
    .bind(account_id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Creates an account already linked to the provider's subject, with its external id, in
/// one statement (a first sign-in with just-in-time creation). The login name or external
/// id taken: `Conflict` naming the constraint; an unknown organisation code:
/// `MissingReference`.
pub async fn create_linked(
    db: &Db,
    a: &NewAccount,
    external_id: Option<&str>,
    issuer: &str,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<Account, StoreError> {
    let sql = "INSERT INTO accounts (login, display_name, org_id, role, email, phone, password_hash, \
               external_id, oidc_issuer, oidc_subject, created_at, updated_at) \
               SELECT $1, $2, o.id, $4, $5, $6, $7, $8, $9, $10, $11, $11 FROM orgs o WHERE o.code = $3 \
               RETURNING id";
    let mut tx = db.write().await?;
    let id: Option<i64> = on_tx!(&mut tx, |tx| sqlx::query_scalar(sql)
        .bind(a.login.as_str())
        .bind(&a.display_name)
        .bind(&a.org_code)
        .bind(a.role.as_str())
        .bind(&a.email)
        .bind(&a.phone)
        .bind(&a.password_hash)
        .bind(external_id)
        .bind(issuer)
        .bind(subject)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?);
    let id = id.ok_or(StoreError::MissingReference)?;
    tx.commit().await?;
    crate::accounts::get(db, id).await
}

/// Sets or clears an account's external id (工号). Taken by another account: `Conflict` on
/// `accounts_external_id_key`.
pub async fn set_external_id(
    db: &Db,
    account_id: i64,
    external_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let done = on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE accounts SET external_id = $1, updated_at = $2 WHERE id = $3"
    )
    .bind(external_id)
    .bind(now)
    .bind(account_id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}
