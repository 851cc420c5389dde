//! Login sessions, personal API tokens and failed-login records. Only hashes of session
//! and API tokens are stored; the caller hashes what the browser or client presents.

use crate::accounts::{ACCOUNT_COLS, Account, AccountRow};
use crate::{Db, StoreError, on_db};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// A live session with its account.
#[derive(Debug, Clone)]
pub struct Session {
    pub account: Account,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    account: AccountRow,
    csrf_token: String,
    expires_at: DateTime<Utc>,
}

pub async fn create(
    db: &Db,
    token_hash: &str,
    account_id: i64,
    csrf_token: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) \
               VALUES ($1, $2, $3, $4, $5)";
    on_db!(db, |p| sqlx::query(sql)
        .bind(token_hash)
        .bind(account_id)
        .bind(csrf_token)
        .bind(now)
        .bind(expires_at)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The session for `token_hash` if it exists, has not expired and its account is active.
pub async fn find(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Session>, StoreError> {
    let sql = format!(
        "SELECT {ACCOUNT_COLS}, s.csrf_token, s.expires_at FROM sessions s \
         JOIN accounts a ON a.id = s.account_id JOIN orgs o ON o.id = a.org_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.active"
    );
    let row: Option<SessionRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(p)
        .await)?;
    row.map(|r| {
        Ok(Session {
            account: r.account.try_into()?,
            csrf_token: r.csrf_token,
            expires_at: r.expires_at,
        })
    })
    .transpose()
}

/// Whether a session with this hash exists at all (expired or not): lets the web layer
/// tell "your session expired" from "you are not logged in".
pub async fn exists(db: &Db, token_hash: &str) -> Result<bool, StoreError> {
    let n: i64 = on_db!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .fetch_one(p)
    .await)?;
    Ok(n > 0)
}

pub async fn delete(db: &Db, token_hash: &str) -> Result<(), StoreError> {
    on_db!(db, |p| sqlx::query(
        "DELETE FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes sessions that expired before `before`; returns how many.
pub async fn purge_expired(db: &Db, before: DateTime<Utc>) -> Result<u64, StoreError> {
    let done = on_db!(db, |p| sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1"
    )
    .bind(before)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done)
}

/// A personal API token as listed to its owner (never the secret).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn create_token(
    db: &Db,
    account_id: i64,
    name: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let sql = "INSERT INTO api_tokens (account_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id";
    Ok(on_db!(db, |p| sqlx::query_scalar(sql)
        .bind(account_id)
        .bind(name)
        .bind(token_hash)
        .bind(now)
        .fetch_one(p)
        .await)?)
}

/// The account of an unrevoked token; records its use (to the minute).
pub async fn find_token(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Account>, StoreError> {
    let sql = format!(
        "SELECT {ACCOUNT_COLS} FROM api_tokens t JOIN accounts a ON a.id = t.account_id \
         JOIN orgs o ON o.id = a.org_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND a.active"
    );
    let row: Option<AccountRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(token_hash)
        .fetch_optional(p)
        .await)?;
    if row.is_some() {
        // Recorded at most once a minute, so a busy API client does not turn every read
        // into a write.
        on_db!(db, |p| sqlx::query(
            "UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2 \
             AND (last_used_at IS NULL OR last_used_at < $3)"
        )
        .bind(now)
        .bind(token_hash)
        .bind(now - chrono::Duration::minutes(1))
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    }
    row.map(Account::try_from).transpose()
}

pub async fn list_tokens(db: &Db, account_id: i64) -> Result<Vec<ApiToken>, StoreError> {
    let sql = "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE account_id = $1 ORDER BY id DESC";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(account_id)
        .fetch_all(p)
        .await)?)
}

pub async fn revoke_token(
    db: &Db,
    account_id: i64,
    token_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let sql = "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL";
    let done = on_db!(db, |p| sqlx::query(sql)
        .bind(now)
        .bind(token_id)
        .bind(account_id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if done == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Records a failed login for rate limiting.
pub async fn record_login_failure(
    db: &Db,
    login: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_db!(db, |p| sqlx::query(
        "INSERT INTO login_failures (login, ip, at) VALUES ($1, $2, $3)"
    )
    .bind(login)
    .bind(ip)
    .bind(now)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Failed logins since `since` for this login name and for this address.
pub async fn recent_login_failures(
    db: &Db,
    login: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<(i64, i64), StoreError> {
    let by_login = "SELECT COUNT(*) FROM login_failures WHERE login = $1 AND at > $2";
    let by_ip = "SELECT COUNT(*) FROM login_failures WHERE ip = $1 AND at > $2";
    Ok(on_db!(db, |p| (
        sqlx::query_scalar(by_login)
            .bind(login)
            .bind(since)
            .fetch_one(p)
            .await?,
        sqlx::query_scalar(by_ip)
            .bind(ip)
            .bind(since)
            .fetch_one(p)
            .await?
    )))
}

/// Forgets the failures of a login name after it logs in successfully.
pub async fn clear_login_failures(db: &Db, login: &str) -> Result<(), StoreError> {
    on_db!(db, |p| sqlx::query(
        "DELETE FROM login_failures WHERE login = $1"
    )
    .bind(login)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
