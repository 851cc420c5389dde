//! Logging in and out, passwords, languages and personal API tokens.

use crate::App;
use crate::Caller;
use crate::error::AppError;
use crate::jobs::Job;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngExt;
use renke_domain::account::{MailDigest, NewPassword};
use renke_domain::perm::Action;
use renke_domain::text::Line;
use renke_domain::{FieldError, Invalid};
use renke_store::accounts::{self, Account};
use renke_store::reminders::NewMessage;
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

/// How long the next login attempt must wait after `failures` recent failures, the last
/// at `last`: nothing for the first `free`, then 1 s, doubling with each further failure,
/// up to `max_secs`. Returns the seconds still to wait at `now`, if any.
pub fn login_wait(
    failures: i64,
    last: Option<DateTime<Utc>>,
    free: i64,
    max_secs: i64,
    now: DateTime<Utc>,
) -> Option<i64> {
    let last = last?;
    let over = failures - free;
    if over < 0 {
        return None;
    }
    let delay = if over >= 31 {
        max_secs
    } else {
        (1i64 << over).min(max_secs)
    };
    let ready = last + Duration::seconds(delay);
    (ready > now).then(|| ((ready - now).num_milliseconds() + 999) / 1000)
}

/// Checks a login name and password. Failures slow down further attempts of the same
/// login name from the same address, and of the address, with growing delays; the right
/// password from another address always works. The account sees the failures it missed
/// in a message at its next login.
pub async fn login(app: &App, login: &str, password: &str, ip: &str) -> Result<LoggedIn, AppError> {
    if !app.auth.password_login {
        return Err(AppError::Unauthenticated("password_login_disabled"));
    }
    let now = app.clock.now();
    let cfg = &app.config;
    let name = login.trim().to_ascii_lowercase();
    let since = now - Duration::minutes(cfg.login_window_minutes);
    let p = sessions::login_pressure(&app.db, &name, ip, since).await?;
    let wait = [
        login_wait(
            p.pair,
            p.pair_last,
            cfg.login_free_failures,
            cfg.login_max_delay_seconds,
            now,
        ),
        login_wait(
            p.address,
            p.address_last,
            cfg.login_free_failures_per_ip,
            cfg.login_max_delay_per_ip_seconds,
            now,
        ),
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(retry_after_secs) = wait {
        tracing::warn!(login = %name, ip, retry_after_secs, "登录过于频繁 login attempt refused: too soon after failures");
        return Err(AppError::TooMany { retry_after_secs });
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
            tracing::warn!(login = %name, ip, failures = p.pair + 1, "登录失败 login failed");
            return Err(AppError::Unauthenticated("bad_credentials"));
        }
    };
    open_session(app, &account, ip, None).await
}

/// Opens a session for an account that has proved who it is (password, or an OpenID
/// provider's ID token, which the session keeps for the provider's logout): the cookie
/// value, its CSRF token, the login time, and the message about failed logins it missed.
pub(crate) async fn open_session(
    app: &App,
    account: &Account,
    ip: &str,
    id_token: Option<&str>,
) -> Result<LoggedIn, AppError> {
    let now = app.clock.now();
    let cfg = &app.config;
    let token = new_token();
    let csrf_token = new_token();
    let expires = now + Duration::hours(cfg.session_hours);
    let session = sessions::NewSession {
        token_hash: &token_hash(&token),
        account_id: account.id,
        login: &account.login,
        ip,
        csrf_token: &csrf_token,
        now,
        expires_at: expires,
        look_back: now - Duration::days(FAILURES_LOOK_BACK_DAYS),
        id_token,
    };
    sessions::open(&app.db, &session, failures_message).await?;
    crate::audit::session_event(app, "login", Some(&Caller::from(account.clone()))).await?;
    Ok(LoggedIn {
        token,
        csrf_token,
        account: account.clone(),
        max_age_secs: cfg.session_hours * 3600,
    })
}

/// How far back failed logins are shown to their account and its administrators; older
/// records are purged.
pub const FAILURES_LOOK_BACK_DAYS: i64 = 30;

/// The message an account finds after logging in when its login name failed meanwhile.
fn failures_message(u: &sessions::UnseenFailures) -> NewMessage {
    let at = renke_domain::clock::local_time(&u.last_at);
    NewMessage {
        kind: "login_failures",
        title: format!(
            "自上次登录以来有 {n} 次登录失败 / {n} failed login(s) since your last login",
            n = u.count
        ),
        body: format!(
            "最近一次：{at}，来自 {ip}。如果不是您本人，请在“设置”中修改密码。\n\
             Most recent: {at}, from {ip}. If this was not you, change your password in Settings.",
            ip = u.last_ip
        ),
        link: Some("/settings".into()),
    }
}

/// Ends a session. For a session an OpenID Connect sign-in opened, answers the provider's
/// logout address (with the ID token as a hint and Renke's login page to come back to)
/// when the provider has one, so the browser can end the session there too.
pub async fn logout(app: &App, session_hash: &str) -> Result<Option<String>, AppError> {
    let id_token = sessions::delete(&app.db, session_hash).await?;
    crate::audit::session_event(app, "logout", None).await?;
    Ok(match (id_token, app.oidc.as_deref()) {
        (Some(t), Some(p)) => p.end_session_url(app.clock.now(), &t).await,
        _ => None,
    })
}

/// Sign-in settings (section `[auth]` of the binary's configuration).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// Whether people may log in with a login name and password (the login form, `POST
    /// /api/v1/session`). Switch it off when everyone signs in through the OpenID
    /// provider (`[oidc]`).
    pub password_login: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            password_login: true,
        }
    }
}

/// What the login page offers: the password form, and the OpenID provider's button with
/// its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginOptions {
    pub password: bool,
    pub oidc_button: Option<String>,
}

pub fn login_options(app: &App) -> LoginOptions {
    LoginOptions {
        password: app.auth.password_login,
        oidc_button: app.oidc.as_deref().map(|p| p.button_label().to_owned()),
    }
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
    accounts::set_password(&app.db, me.id, &hash, keep_session, None, app.clock.now()).await?;
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
    let now = app.clock.now();
    let (message, mail) = reset_notice(actor, &target, &app.config.public_url, now);
    let job = mail.map(|m| m.to_new_job(now)).transpose()?;
    let notify = (target.id != actor.id).then_some((&message, job.as_ref()));
    accounts::set_password(&app.db, account_id, &hash, None, notify, now).await?;
    tracing::info!(account = %target.login, by = %actor.login, "密码已重置 password reset by an administrator");
    Ok(())
}

/// What an account is told when someone else resets its password: an in-app message, and
/// an e-mail when it has an address.
fn reset_notice(
    actor: &Caller,
    target: &Account,
    public_url: &str,
    now: DateTime<Utc>,
) -> (NewMessage, Option<crate::mail::Mail>) {
    let at = renke_domain::clock::local_time(&now);
    let title = "您的密码已被重置 / Your password was reset".to_owned();
    let body = format!(
        "{by}（{org}）于 {at} 重置了您的账号 {login} 的密码；您的登录会话和 API 令牌已失效。\
         如果您没有要求重置，请联系该管理员或上级单位。\n\
         {by} ({org}) reset the password of your account {login} at {at}; your sessions and \
         API tokens have ended. If you did not ask for this, contact them or your superior bureau.",
        by = actor.display_name,
        org = actor.org_name,
        login = target.login,
    );
    let mail = target.email.as_ref().map(|email| crate::mail::Mail {
        to: vec![format!("{} <{email}>", target.display_name)],
        subject: "【认可平台】您的密码已被重置 Your password was reset".into(),
        text: format!(
            "{body}\n\n{url}/login",
            url = public_url.trim_end_matches('/')
        ),
        attachments: Vec::new(),
    });
    let message = NewMessage {
        kind: "password_reset",
        title,
        body,
        link: Some("/settings".into()),
    };
    (message, mail)
}

/// Sets how the caller hears of its messages by e-mail: `off`, `hourly` or `daily` (or
/// their Chinese or English labels). An account without an e-mail address may choose too;
/// it gets mail once an administrator records its address.
pub async fn set_mail_digest(app: &App, me: &Caller, raw: &str) -> Result<MailDigest, AppError> {
    let digest = MailDigest::parse("mail_digest", raw)?;
    accounts::set_mail_digest(&app.db, me.id, digest, app.clock.now()).await?;
    Ok(digest)
}

pub async fn set_locale(app: &App, me: &Caller, locale: Option<&str>) -> Result<(), AppError> {
    let locale = locale
        .and_then(renke_domain::locale::Locale::parse)
        .map(|l| l.code());
    accounts::set_locale(&app.db, me.id, locale, app.clock.now()).await?;
    Ok(())
}

/// Days an API token lasts when its maker does not say.
pub const TOKEN_DAYS_DEFAULT: i64 = 90;
/// The longest an API token may last, in days.
pub const TOKEN_DAYS_MAX: i64 = 365;

/// A new API token: the secret, shown once.
pub async fn create_token(
    app: &App,
    me: &Caller,
    name: &str,
    days: Option<i64>,
) -> Result<String, AppError> {
    Ok(issue_token(app, me, name, days).await?.1)
}

/// A new API token lasting `days` (default 90, at most 365): its listing entry and the
/// secret, shown once.
pub async fn issue_token(
    app: &App,
    me: &Caller,
    name: &str,
    days: Option<i64>,
) -> Result<(sessions::ApiToken, String), AppError> {
    let mut errs = Invalid::default();
    let name = Line::parse("name", name, 100)
        .map_err(|e| errs.push(e))
        .ok();
    let days = days.unwrap_or(TOKEN_DAYS_DEFAULT);
    if !(1..=TOKEN_DAYS_MAX).contains(&days) {
        errs.push(FieldError::new("days", "token_days_out_of_range"));
    }
    errs.clone().into_result()?;
    let name = name.ok_or(AppError::Invalid(errs))?;
    let token = format!("rk_{}", new_token());
    let now = app.clock.now();
    let expires_at = now + Duration::days(days);
    let id = sessions::create_token(
        &app.db,
        me.id,
        name.as_str(),
        &token_hash(&token),
        now,
        expires_at,
    )
    .await?;
    let entry = sessions::ApiToken {
        id,
        name: name.into_inner(),
        created_at: now,
        last_used_at: None,
        revoked_at: None,
        expires_at: Some(expires_at),
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

    #[test]
    fn login_waits_start_after_the_free_failures_and_double_up_to_the_cap() {
        let t = DateTime::parse_from_rfc3339("2022-06-01T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(login_wait(0, None, 5, 900, t), None);
        assert_eq!(login_wait(4, Some(t), 5, 900, t), None, "four of five free");
        let waits: Vec<_> = (5..=16)
            .map(|n| login_wait(n, Some(t), 5, 900, t))
            .collect();
        let expect: Vec<_> = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
            .into_iter()
            .map(Some)
            .collect();
        assert_eq!(waits, expect);
        assert_eq!(
            login_wait(1000, Some(t), 5, 900, t),
            Some(900),
            "no overflow"
        );
        // What is left of the wait; none once it has passed.
        let later = t + Duration::milliseconds(1500);
        assert_eq!(login_wait(7, Some(t), 5, 900, later), Some(3));
        assert_eq!(
            login_wait(7, Some(t), 5, 900, t + Duration::seconds(4)),
            None
        );
    }

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
