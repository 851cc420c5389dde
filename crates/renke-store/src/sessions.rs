//! Login sessions, personal API tokens and failed-login records. Only hashes of session
//! and API tokens are stored; the caller hashes what the browser or client presents.

use crate::accounts::{ACCOUNT_COLS, Account, AccountRow};
use crate::{Db, StoreError, on_db, on_tx};
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

/// Ends a session; returns the ID token it was opened with when an OpenID Connect sign-in
/// opened it (for the provider's logout), `None` otherwise or when there was no session.
pub async fn delete(db: &Db, token_hash: &str) -> Result<Option<String>, StoreError> {
    let mut tx = db.write().await?;
    let id_token: Option<Option<String>> = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "DELETE FROM sessions WHERE token_hash = $1 RETURNING id_token"
    )
    .bind(token_hash)
    .fetch_optional(&mut *c)
    .await)?;
    tx.commit().await?;
    Ok(id_token.flatten())
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
    /// When the token stops working (tokens from before expiry existed have none only if
    /// their migration could not compute one; they are refused).
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn create_token(
    db: &Db,
    account_id: i64,
    name: &str,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let sql = "INSERT INTO api_tokens (account_id, name, token_hash, created_at, expires_at) \
               VALUES ($1, $2, $3, $4, $5) RETURNING id";
    Ok(on_db!(db, |p| sqlx::query_scalar(sql)
        .bind(account_id)
        .bind(name)
        .bind(token_hash)
        .bind(now)
        .bind(expires_at)
        .fetch_one(p)
        .await)?)
}

/// The account of an unrevoked, unexpired token; records its use (to the minute).
pub async fn find_token(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Account>, StoreError> {
    let sql = format!(
        "SELECT {ACCOUNT_COLS} FROM api_tokens t JOIN accounts a ON a.id = t.account_id \
         JOIN orgs o ON o.id = a.org_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND a.active"
    );
    let row: Option<AccountRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(token_hash)
        .bind(now)
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
    let sql = "SELECT id, name, created_at, last_used_at, revoked_at, expires_at FROM api_tokens WHERE account_id = $1 ORDER BY id DESC";
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
    let mut tx = db.write().await?;
    let done = on_tx!(&mut tx, |c| sqlx::query(sql)
        .bind(now)
        .bind(token_id)
        .bind(account_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    if done == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Records a failed login: it slows down further attempts of the same login name from
/// the same address, and is shown to the account and its administrators.
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

/// Recent failed logins that bear on the next attempt: those of this login name from this
/// address not cleared by a success from it, and all those of this address.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LoginPressure {
    pub pair: i64,
    pub pair_last: Option<DateTime<Utc>>,
    pub address: i64,
    pub address_last: Option<DateTime<Utc>>,
}

/// The failed logins since `since` for (login name, address) and for the address.
pub async fn login_pressure(
    db: &Db,
    login: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<LoginPressure, StoreError> {
    let pair = "SELECT COUNT(*), MAX(at) FROM login_failures \
                WHERE login = $1 AND ip = $2 AND at > $3 AND NOT cleared";
    let address = "SELECT COUNT(*), MAX(at) FROM login_failures WHERE ip = $1 AND at > $2";
    type CountAndLast = (i64, Option<DateTime<Utc>>);
    let ((pair, pair_last), (address, address_last)): (CountAndLast, CountAndLast) =
        on_db!(db, |p| (
            sqlx::query_as(pair)
                .bind(login)
                .bind(ip)
                .bind(since)
                .fetch_one(p)
                .await?,
            sqlx::query_as(address)
                .bind(ip)
                .bind(since)
                .fetch_one(p)
                .await?
        ));
    Ok(LoginPressure {
        pair,
        pair_last,
        address,
        address_last,
    })
}

/// Failed logins of one account's login name that the account has not seen: since its
/// previous login, or within the look-back window if it never logged in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnseenFailures {
    pub login: String,
    pub count: i64,
    pub last_at: DateTime<Utc>,
    pub last_ip: String,
}

/// What a successful login writes, in one transaction.
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub account_id: i64,
    pub login: &'a str,
    pub ip: &'a str,
    pub csrf_token: &'a str,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// How far back unseen failures are looked for.
    pub look_back: DateTime<Utc>,
    /// The ID token of an OpenID Connect sign-in (the provider's logout is sent it).
    pub id_token: Option<&'a str>,
}

/// Opens a session after a successful login: stores it, clears the slowdown of this login
/// name from this address, records the login time, and, when the login name failed since
/// the account's previous login, leaves the account a message made by `compose`. Returns
/// those unseen failures.
pub async fn open(
    db: &Db,
    s: &NewSession<'_>,
    compose: impl FnOnce(&UnseenFailures) -> crate::reminders::NewMessage,
) -> Result<Option<UnseenFailures>, StoreError> {
    let mut tx = db.write().await?;
    let unseen_sql = unseen_sql("a.id = $1", "$2");
    let unseen: Option<UnseenRow> = on_tx!(&mut tx, |tx| {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at, id_token) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(s.token_hash)
        .bind(s.account_id)
        .bind(s.csrf_token)
        .bind(s.now)
        .bind(s.expires_at)
        .bind(s.id_token)
        .execute(&mut *tx)
        .await?;
        // Read before the login time moves: what failed since the previous login.
        let unseen: Option<UnseenRow> = sqlx::query_as(AssertSqlSafe(unseen_sql.as_str()))
            .bind(s.account_id)
            .bind(s.look_back)
            .fetch_optional(&mut *tx)
            .await?;
        sqlx::query("UPDATE accounts SET last_login_at = $1 WHERE id = $2")
            .bind(s.now)
            .bind(s.account_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE login_failures SET cleared = TRUE WHERE login = $1 AND ip = $2 AND NOT cleared",
        )
        .bind(s.login)
        .bind(s.ip)
        .execute(&mut *tx)
        .await?;
        unseen
    });
    let unseen = unseen.map(UnseenFailures::from);
    if let Some(u) = &unseen {
        crate::reminders::tell_account(&mut tx, s.account_id, &compose(u), s.now).await?;
    }
    tx.commit().await?;
    Ok(unseen)
}

/// login, count, latest time, latest address.
type UnseenRow = (String, i64, DateTime<Utc>, String);

impl From<UnseenRow> for UnseenFailures {
    fn from((login, count, last_at, last_ip): UnseenRow) -> Self {
        UnseenFailures {
            login,
            count,
            last_at,
            last_ip,
        }
    }
}

/// The failed logins of the accounts matching `scope` that each has not seen (since its
/// last login, and after the parameter `look_back`): one row per login name with the count
/// and the latest failure.
fn unseen_sql(scope: &str, look_back: &str) -> String {
    format!(
        "SELECT login, cnt, at, ip FROM (\
         SELECT f.login, f.at, f.ip, COUNT(*) OVER (PARTITION BY f.login) AS cnt, \
         ROW_NUMBER() OVER (PARTITION BY f.login ORDER BY f.at DESC, f.id DESC) AS rn \
         FROM login_failures f JOIN accounts a ON a.login = f.login \
         JOIN orgs o ON o.id = a.org_id \
         WHERE {scope} AND f.at > {look_back} \
         AND (a.last_login_at IS NULL OR f.at > a.last_login_at)) x WHERE rn = 1"
    )
}

/// The failed logins not yet seen by each account of a subtree (for its administrators),
/// keyed by login name; failures before `look_back` are left out.
pub async fn unseen_failures_within(
    db: &Db,
    within: &renke_domain::org::OrgPath,
    look_back: DateTime<Utc>,
) -> Result<Vec<UnseenFailures>, StoreError> {
    let sql = unseen_sql("o.path >= $1 AND o.path < $2", "$3");
    let upper = within.upper_bound();
    let rows: Vec<UnseenRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(within.as_str())
        .bind(&upper)
        .bind(look_back)
        .fetch_all(p)
        .await)?;
    Ok(rows.into_iter().map(UnseenFailures::from).collect())
}

/// Removes failed-login records older than `before`; returns how many.
pub async fn purge_login_failures(db: &Db, before: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(on_db!(db, |p| sqlx::query(
        "DELETE FROM login_failures WHERE at <= $1"
    )
    .bind(before)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?)
}
