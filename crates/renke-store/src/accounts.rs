//! Accounts: people who log in, each acting for one organisation with one role.

use crate::jobs::Enqueue;
use crate::orgs::Page;
use crate::{Db, StoreError, on_db, on_tx};
use chrono::{DateTime, Utc};
use renke_domain::account::{Login, MailDigest};
use renke_domain::org::{OrgKind, OrgPath};
use renke_domain::perm::{Actor, Role};
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// An account with the organisation it acts for. The password hash is never serialised.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_code: String,
    #[serde(skip)]
    pub org_path: OrgPath,
    pub org_kind: OrgKind,
    pub role: Role,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[serde(skip)]
    pub password_hash: String,
    pub locale: Option<String>,
    /// How the account hears of its messages by e-mail.
    pub mail_digest: MailDigest,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// The external id (工号) a first OpenID Connect sign-in is matched by, unique when set.
    pub external_id: Option<String>,
}

impl Account {
    /// The actor this account is for permission checks.
    pub fn actor(&self) -> Actor {
        Actor {
            account_id: self.id,
            role: self.role,
            org_path: self.org_path.clone(),
            org_kind: self.org_kind,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AccountRow {
    id: i64,
    login: String,
    display_name: String,
    org_id: i64,
    org_name: String,
    org_code: String,
    org_path: String,
    org_kind: String,
    role: String,
    email: Option<String>,
    phone: Option<String>,
    password_hash: String,
    locale: Option<String>,
    mail_digest: String,
    active: bool,
    created_at: DateTime<Utc>,
    external_id: Option<String>,
}

pub(crate) const ACCOUNT_COLS: &str = "a.id, a.login, a.display_name, a.org_id, o.name AS org_name, \
    o.code AS org_code, o.path AS org_path, o.kind AS org_kind, a.role, a.email, a.phone, a.password_hash, a.locale, a.mail_digest, a.active, a.created_at, a.external_id";

impl TryFrom<AccountRow> for Account {
    type Error = StoreError;
    fn try_from(r: AccountRow) -> Result<Self, StoreError> {
        Ok(Account {
            org_path: OrgPath::from_stored(r.org_path.clone())
                .ok_or_else(|| StoreError::Corrupt(r.org_path.clone()))?,
            org_kind: OrgKind::from_code(&r.org_kind)
                .ok_or_else(|| StoreError::Corrupt(r.org_kind.clone()))?,
            role: Role::parse("role", &r.role).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            mail_digest: MailDigest::from_code(&r.mail_digest)
                .ok_or_else(|| StoreError::Corrupt(r.mail_digest.clone()))?,
            id: r.id,
            login: r.login,
            display_name: r.display_name,
            org_id: r.org_id,
            org_name: r.org_name,
            org_code: r.org_code,
            email: r.email,
            phone: r.phone,
            password_hash: r.password_hash,
            locale: r.locale,
            active: r.active,
            created_at: r.created_at,
            external_id: r.external_id,
        })
    }
}

/// A new account; the password is already hashed by the caller.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub login: Login,
    pub display_name: String,
    /// Code of the organisation the account acts for.
    pub org_code: String,
    pub role: Role,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
}

pub async fn create(db: &Db, a: &NewAccount, now: DateTime<Utc>) -> Result<Account, StoreError> {
    let ids = create_many(db, std::slice::from_ref(a), now).await?;
    get(db, ids.first().copied().ok_or(StoreError::NotFound)?).await
}

/// Creates many accounts in one transaction: all or none; a bulk import refreshes
/// PostgreSQL's statistics afterwards (`db::analyze_after_bulk`).
pub async fn create_many(
    db: &Db,
    accounts: &[NewAccount],
    now: DateTime<Utc>,
) -> Result<Vec<i64>, StoreError> {
    const COLUMNS: [&str; 10] = [
        "id",
        "login",
        "display_name",
        "org_id",
        "role",
        "email",
        "phone",
        "password_hash",
        "created_at",
        "updated_at",
    ];
    let mut tx = db.write().await?;
    let mut codes: Vec<&str> = accounts.iter().map(|a| a.org_code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let orgs = crate::orgs::ids_by_code(&mut tx, &codes).await?;
    let ids = crate::bulk::reserve_ids(&mut tx, "accounts", accounts.len()).await?;
    let mut rows = Vec::with_capacity(accounts.len());
    for (a, id) in accounts.iter().zip(&ids) {
        let org_id = orgs
            .get(a.org_code.as_str())
            .copied()
            .ok_or(StoreError::MissingReference)?;
        use crate::bulk::Cell::{Int, Text, Time};
        rows.push(vec![
            Int(Some(*id)),
            Text(Some(a.login.as_str())),
            Text(Some(&a.display_name)),
            Int(Some(org_id)),
            Text(Some(a.role.as_str())),
            Text(a.email.as_deref()),
            Text(a.phone.as_deref()),
            Text(Some(&a.password_hash)),
            Time(now),
            Time(now),
        ]);
    }
    crate::bulk::insert(&mut tx, "accounts", &COLUMNS, &rows).await?;
    tx.commit().await?;
    crate::db::analyze_after_bulk(db, "accounts", ids.len() as u64).await;
    Ok(ids)
}

pub async fn get(db: &Db, id: i64) -> Result<Account, StoreError> {
    let sql = format!(
        "SELECT {ACCOUNT_COLS} FROM accounts a JOIN orgs o ON o.id = a.org_id WHERE a.id = $1"
    );
    let row: AccountRow = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_one(p)
        .await)?;
    row.try_into()
}

pub async fn get_by_login(db: &Db, login: &str) -> Result<Account, StoreError> {
    let sql = format!(
        "SELECT {ACCOUNT_COLS} FROM accounts a JOIN orgs o ON o.id = a.org_id WHERE a.login = $1"
    );
    let row: AccountRow = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(login.trim().to_ascii_lowercase())
        .fetch_one(p)
        .await)?;
    row.try_into()
}

/// Every login that exists, for import checks.
pub async fn existing_logins(db: &Db) -> Result<std::collections::HashSet<String>, StoreError> {
    let rows: Vec<String> = on_db!(db, |p| sqlx::query_scalar("SELECT login FROM accounts")
        .fetch_all(p)
        .await)?;
    Ok(rows.into_iter().collect())
}

/// Accounts of the organisations in the subtree at `within`, one page at a time.
pub async fn list(
    db: &Db,
    within: &OrgPath,
    offset: i64,
    limit: i64,
) -> Result<Page<Account>, StoreError> {
    let limit = limit.clamp(1, 500);
    let offset = offset.max(0);
    let filter = "o.path >= $1 AND o.path < $2";
    let count_sql =
        format!("SELECT COUNT(*) FROM accounts a JOIN orgs o ON o.id = a.org_id WHERE {filter}");
    let sql = format!(
        "SELECT {ACCOUNT_COLS} FROM accounts a JOIN orgs o ON o.id = a.org_id WHERE {filter} \
         ORDER BY o.path, a.login LIMIT {limit} OFFSET {offset}"
    );
    let upper = within.upper_bound();
    let (total, rows): (i64, Vec<AccountRow>) = on_db!(db, |p| (
        sqlx::query_scalar(AssertSqlSafe(count_sql.as_str()))
            .bind(within.as_str())
            .bind(&upper)
            .fetch_one(p)
            .await?,
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(within.as_str())
            .bind(&upper)
            .fetch_all(p)
            .await?
    ));
    Ok(Page {
        items: rows
            .into_iter()
            .map(Account::try_from)
            .collect::<Result<_, _>>()?,
        total,
        offset,
        limit,
    })
}

/// Replaces the password hash, ends every session of the account (a reset or change
/// must log out other devices) and revokes its API tokens. With `notify`, leaves the
/// account a message and queues its e-mail in the same transaction (an administrator's
/// reset).
pub async fn set_password(
    db: &Db,
    id: i64,
    hash: &str,
    keep_session: Option<&str>,
    notify: Option<(&crate::reminders::NewMessage, Option<&crate::jobs::NewJob>)>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |tx| {
        let done =
            sqlx::query("UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(hash)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
            .bind(id)
            .bind(keep_session.unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        // API tokens were issued under the old password: they end with it.
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if let Some((_, Some(job))) = notify {
            tx.enqueue(job, now).await?;
        }
    });
    if let Some((m, _)) = notify {
        crate::reminders::tell_account(&mut tx, id, m, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets the account's language (`zh-CN`, `en`) or clears it to follow the browser.
pub async fn set_locale(
    db: &Db,
    id: i64,
    locale: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE accounts SET locale = $1, updated_at = $2 WHERE id = $3"
    )
    .bind(locale)
    .bind(now)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(())
}

/// Sets how the account hears of its messages by e-mail.
pub async fn set_mail_digest(
    db: &Db,
    id: i64,
    digest: MailDigest,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE accounts SET mail_digest = $1, updated_at = $2 WHERE id = $3"
    )
    .bind(digest.as_str())
    .bind(now)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(())
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM accounts"
    )
    .fetch_one(p)
    .await)?)
}
