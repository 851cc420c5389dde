//! Logging in and out, passwords, languages and personal API tokens.

use crate::App;
use crate::Caller;
use crate::error::AppError;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine;
use chrono::Duration;
use rand::RngExt;
use renke_domain::account::NewPassword;
use renke_domain::perm::Action;
use renke_domain::text::Line;
use renke_domain::{FieldError, Invalid};
use renke_store::accounts::{self, Account};
use renke_store::sessions;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// A fresh random token, URL-safe.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored for a token: its SHA-256 digest in hex.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Password hashing is deliberately expensive: argon2id with the default parameters uses
/// 19 MiB and tens of milliseconds of CPU per call. At most one call per CPU runs at a time,
/// so a login storm queues instead of exhausting memory (each blocking thread would keep its
/// own 19 MiB in its allocator arena) or starving page requests of CPU.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let n = std::thread::available_parallelism().map_or(2, |n| n.get());
    tokio::sync::Semaphore::new(n)
});

/// Hashes a password with argon2id (default parameters) on a blocking thread.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let pw = password.to_owned();
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| anyhow::anyhow!("hash permit: {e}"))?;
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))
    })
    .await
    .map_err(|e| anyhow::anyhow!("hash task: {e}"))?
    .map_err(AppError::Internal)
}

/// An argon2id hash with the smallest cost argon2 allows (8 KiB, one pass), so logging in
/// fixture accounts costs microseconds. For tests only: a real password never gets it.
#[cfg(feature = "testing")]
pub fn cheap_hash_for_tests(password: &str) -> Result<String, AppError> {
    let params = argon2::Params::new(8, 1, 1, None).map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("argon2: {e}")))
}

/// A hash of a random password, computed once: checked against when a login name does not
/// exist, so that case takes as long as a wrong password.
pub async fn dummy_hash() -> &'static str {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    HASH.get_or_init(|| async { hash_password(&new_token()).await.unwrap_or_default() })
        .await
        .as_str()
}

/// Checks a password against a stored hash on a blocking thread.
pub async fn verify_password(hash: &str, password: &str) -> bool {
    let (h, pw) = (hash.to_owned(), password.to_owned());
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(pw.as_bytes(), h.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

// ---------------------------------------------------------------- login and sessions

/// A new session: the cookie value (secret) and its account.
pub struct LoggedIn {
    pub token: String,
    /// The session's CSRF token, for clients that send `X-CSRF-Token`.
    pub csrf_token: String,
    pub account: Account,
    pub max_age_secs: i64,
}

/// Checks a login name and password, with rate limiting per login name and per address.
pub async fn login(app: &App, login: &str, password: &str, ip: &str) -> Result<LoggedIn, AppError> {
    let now = app.clock.now();
    let cfg = &app.config;
    let name = login.trim().to_ascii_lowercase();
    let since = now - Duration::minutes(cfg.login_window_minutes);
    let (by_login, by_ip) = sessions::recent_login_failures(&app.db, &name, ip, since).await?;
    if by_login >= cfg.login_max_failures || by_ip >= cfg.login_max_failures_per_ip {
        return Err(AppError::TooMany {
            minutes: cfg.login_window_minutes,
        });
    }
    let found = match accounts::get_by_login(&app.db, &name).await {
        Ok(a) => Some(a),
        Err(renke_store::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let account = match found {
        Some(a) if a.active && verify_password(&a.password_hash, password).await => a,
        found => {
            // An unknown or inactive login name costs the same hash as a wrong password,
            // so response times do not tell which login names exist.
            if !found.is_some_and(|a| a.active) {
                let _ = verify_password(crate::auth::dummy_hash().await, password).await;
            }
            sessions::record_login_failure(&app.db, &name, ip, now).await?;
            return Err(AppError::Unauthenticated("bad_credentials"));
        }
    };
    sessions::clear_login_failures(&app.db, &name).await?;
    let token = new_token();
    let csrf_token = new_token();
    let expires = now + Duration::hours(cfg.session_hours);
    sessions::create(
        &app.db,
        &token_hash(&token),
        account.id,
        &csrf_token,
        now,
        expires,
    )
    .await?;
    Ok(LoggedIn {
        token,
        csrf_token,
        account,
        max_age_secs: cfg.session_hours * 3600,
    })
}

pub async fn logout(app: &App, session_hash: &str) -> Result<(), AppError> {
    sessions::delete(&app.db, session_hash).await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
    pub repeat: String,
}

/// Changes one's own password; other sessions end, the current one stays.
pub async fn change_password(
    app: &App,
    me: &Caller,
    input: &PasswordChange,
    keep_session: Option<&str>,
) -> Result<(), AppError> {
    let mut errs = Invalid::default();
    let new = NewPassword::parse("new", &input.new)
        .map_err(|e| errs.push(e))
        .ok();
    if input.new != input.repeat {
        errs.push(FieldError::new("repeat", "password_mismatch"));
    }
    let stored = accounts::get(&app.db, me.id).await?;
    if !verify_password(&stored.password_hash, &input.current).await {
        errs.push(FieldError::new("current", "wrong_password"));
    }
    errs.clone().into_result()?;
    let new = new.ok_or(AppError::Invalid(errs))?;
    let hash = hash_password(new.expose()).await?;
    accounts::set_password(&app.db, me.id, &hash, keep_session, app.clock.now()).await?;
    Ok(())
}

/// An administrator or organiser sets a new password for an account in its subtree.
pub async fn reset_password(
    app: &App,
    actor: &Caller,
    account_id: i64,
    new: &str,
) -> Result<(), AppError> {
    let target = accounts::get(&app.db, account_id).await?;
    actor
        .actor()
        .may(Action::ManageAccounts, &target.org_path)?;
    if !actor.role.may_grant(target.role) {
        return Err(AppError::Forbidden);
    }
    let pw = NewPassword::parse("password", new)?;
    let hash = hash_password(pw.expose()).await?;
    accounts::set_password(&app.db, account_id, &hash, None, app.clock.now()).await?;
    Ok(())
}

pub async fn set_locale(app: &App, me: &Caller, locale: Option<&str>) -> Result<(), AppError> {
    let locale = locale
        .and_then(renke_domain::locale::Locale::parse)
        .map(|l| l.code());
    accounts::set_locale(&app.db, me.id, locale, app.clock.now()).await?;
    Ok(())
}

/// A new API token: the secret, shown once.
pub async fn create_token(app: &App, me: &Caller, name: &str) -> Result<String, AppError> {
    Ok(issue_token(app, me, name).await?.1)
}

/// A new API token: its listing entry and the secret, shown once.
pub async fn issue_token(
    app: &App,
    me: &Caller,
    name: &str,
) -> Result<(sessions::ApiToken, String), AppError> {
    let name = Line::parse("name", name, 100)?;
    let token = format!("rk_{}", new_token());
    let now = app.clock.now();
    let id =
        sessions::create_token(&app.db, me.id, name.as_str(), &token_hash(&token), now).await?;
    let entry = sessions::ApiToken {
        id,
        name: name.into_inner(),
        created_at: now,
        last_used_at: None,
        revoked_at: None,
    };
    Ok((entry, token))
}

pub async fn list_tokens(app: &App, me: &Caller) -> Result<Vec<sessions::ApiToken>, AppError> {
    Ok(sessions::list_tokens(&app.db, me.id).await?)
}

pub async fn revoke_token(app: &App, me: &Caller, id: i64) -> Result<(), AppError> {
    Ok(sessions::revoke_token(&app.db, me.id, id, app.clock.now()).await?)
}

// ---------------------------------------------------------------- who is asking

/// A live login session found by its cookie value.
pub struct SessionFound {
    pub caller: Caller,
    /// The digest the session is stored under (for logging out).
    pub token_hash: String,
    /// The session's CSRF token.
    pub csrf: String,
}

/// The session a cookie value belongs to, if it exists and has not expired.
pub async fn find_session(app: &App, token: &str) -> Result<Option<SessionFound>, AppError> {
    let hash = token_hash(token);
    Ok(sessions::find(&app.db, &hash, app.clock.now())
        .await?
        .map(|s| SessionFound {
            caller: s.account.into(),
            token_hash: hash,
            csrf: s.csrf_token,
        }))
}

/// The account an API token acts for, if the token exists and is not revoked.
pub async fn find_token(app: &App, token: &str) -> Result<Option<Caller>, AppError> {
    Ok(
        sessions::find_token(&app.db, &token_hash(token), app.clock.now())
            .await?
            .map(Caller::from),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn dummy_hash_is_a_real_argon2id_hash_that_matches_nothing_typed() {
        let h = dummy_hash().await;
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!verify_password(h, "renke-demo-2022").await);
        assert_eq!(dummy_hash().await, h, "computed once");
    }

    #[cfg(feature = "testing")]
    #[tokio::test]
    async fn cheap_test_hashes_verify_like_real_ones() {
        let h = cheap_hash_for_tests("renke-test-2022").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{h}");
        assert!(verify_password(&h, "renke-test-2022").await);
        assert!(!verify_password(&h, "renke-test-2023").await);
    }

    #[tokio::test]
    async fn passwords_round_trip() {
        let h = hash_password("传递质量信任-2022").await.unwrap();
        assert!(verify_password(&h, "传递质量信任-2022").await);
        assert!(!verify_password(&h, "传递质量信任-2023").await);
        assert_eq!(token_hash("abc").len(), 64);
    }
}
