//! Who is asking: session cookies for people, Bearer tokens for programs. Passwords are
//! hashed with argon2id off the async runtime. Session and API tokens are random 256-bit
//! values; only their SHA-256 digests are stored.

use crate::AppState;
use crate::error::AppError;
use crate::i18n::{Locale, Tr};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use rand::RngExt;
use renke_store::accounts::Account;
use renke_store::sessions;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "renke_session";
/// Double-submit token for forms shown before login (the login form itself).
pub const PRE_CSRF_COOKIE: &str = "renke_csrf";
pub const LANG_COOKIE: &str = "renke_lang";

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

/// The identity of a request, put in its extensions by [`load_identity`].
#[derive(Clone, Debug)]
pub enum Identity {
    Anonymous {
        /// A session cookie was sent but its session is gone or expired.
        expired: bool,
        /// The pre-login CSRF cookie, if any.
        pre_csrf: Option<String>,
    },
    Session {
        account: Box<Account>,
        token_hash: String,
        csrf: String,
    },
    Token {
        account: Box<Account>,
    },
    /// A Bearer token was sent but is unknown or revoked.
    BadToken,
}

impl Identity {
    pub fn account(&self) -> Option<&Account> {
        match self {
            Identity::Session { account, .. } | Identity::Token { account } => Some(account),
            _ => None,
        }
    }
}

/// Request context for pages: identity, language and the CSRF token to put in forms.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub identity: Identity,
    pub tr: Tr,
    /// The path and query of the request, for "back to where you were" links.
    pub uri: String,
}

impl Ctx {
    pub fn account(&self) -> Option<&Account> {
        self.identity.account()
    }
    /// The token forms must carry in their `_csrf` field.
    pub fn csrf(&self) -> String {
        match &self.identity {
            Identity::Session { csrf, .. } => csrf.clone(),
            Identity::Anonymous {
                pre_csrf: Some(t), ..
            } => t.clone(),
            _ => String::new(),
        }
    }
}

pub(crate) fn cookie<'a>(parts: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    parts
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

/// Resolves the identity and language of every request once.
pub async fn load_identity(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let headers = req.headers();
    let now = state.clock.now();
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").map(str::trim).map(str::to_owned));
    let identity = if let Some(token) = bearer {
        match sessions::find_token(&state.db, &token_hash(&token), now).await {
            Ok(Some(account)) => Identity::Token {
                account: Box::new(account),
            },
            Ok(None) => Identity::BadToken,
            Err(e) => return AppError::from(e).into_response(),
        }
    } else if let Some(token) = cookie(headers, SESSION_COOKIE) {
        let hash = token_hash(token);
        match sessions::find(&state.db, &hash, now).await {
            Ok(Some(s)) => Identity::Session {
                account: Box::new(s.account),
                token_hash: hash,
                csrf: s.csrf_token,
            },
            Ok(None) => Identity::Anonymous {
                expired: true,
                pre_csrf: cookie(headers, PRE_CSRF_COOKIE).map(str::to_owned),
            },
            Err(e) => return AppError::from(e).into_response(),
        }
    } else {
        Identity::Anonymous {
            expired: false,
            pre_csrf: cookie(headers, PRE_CSRF_COOKIE).map(str::to_owned),
        }
    };
    let locale = identity
        .account()
        .and_then(|a| a.locale.as_deref())
        .and_then(Locale::parse)
        .or_else(|| cookie(headers, LANG_COOKIE).and_then(Locale::parse))
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or_default();
    let uri = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    req.extensions_mut().insert(Ctx {
        identity,
        tr: Tr::new(locale),
        uri,
    });
    next.run(req).await
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("identity layer missing")))
    }
}

/// A page request from a logged-in person. Without a session the browser is sent to the
/// login page, which says whether the session expired.
pub struct User {
    pub ctx: Ctx,
    pub account: Account,
}

pub struct LoginRedirect(Response);

impl IntoResponse for LoginRedirect {
    fn into_response(self) -> Response {
        self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for User {
    type Rejection = LoginRedirect;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, s)
            .await
            .map_err(|e| LoginRedirect(e.into_response()))?;
        match &ctx.identity {
            Identity::Session { account, .. } | Identity::Token { account } => {
                let account = (**account).clone();
                Ok(User { ctx, account })
            }
            Identity::Anonymous { expired, .. } => {
                let next =
                    url::form_urlencoded::byte_serialize(ctx.uri.as_bytes()).collect::<String>();
                let reason = if *expired {
                    "&reason=session_expired"
                } else {
                    ""
                };
                Err(LoginRedirect(
                    Redirect::to(&format!("/login?next={next}{reason}")).into_response(),
                ))
            }
            Identity::BadToken => Err(LoginRedirect(
                AppError::Unauthenticated("invalid_token").into_response(),
            )),
        }
    }
}

/// An API request from an authenticated account (session cookie or Bearer token).
pub struct ApiUser {
    pub account: Account,
    pub tr: Tr,
    /// The session's token hash, when authenticated by cookie.
    pub session: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = crate::error::ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, s).await?;
        match ctx.identity {
            Identity::Session {
                account,
                token_hash,
                ..
            } => Ok(ApiUser {
                account: *account,
                tr: ctx.tr,
                session: Some(token_hash),
            }),
            Identity::Token { account } => Ok(ApiUser {
                account: *account,
                tr: ctx.tr,
                session: None,
            }),
            Identity::Anonymous { expired: true, .. } => {
                Err(AppError::Unauthenticated("session_expired").into())
            }
            Identity::Anonymous { .. } => Err(AppError::Unauthenticated("not_logged_in").into()),
            Identity::BadToken => Err(AppError::Unauthenticated("invalid_token").into()),
        }
    }
}

/// A `Set-Cookie` value with the attributes every Renke cookie has.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_secs: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; SameSite=Lax");
    if name != LANG_COOKIE {
        c.push_str("; HttpOnly");
    }
    if state.config.secure_cookies() {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

/// The client's address for rate limiting: the socket peer, or — when `trust_proxy` is
/// set — the address the reverse proxy appended last to `X-Forwarded-For` (earlier entries
/// are client-supplied and could be forged). `unknown` when the server runs without
/// connect info.
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.trust_proxy
            && let Some(ip) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|s| !s.is_empty())
        {
            return Ok(ClientIp(ip.to_owned()));
        }
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(ClientIp(peer.unwrap_or_else(|| "unknown".into())))
    }
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

    #[tokio::test]
    async fn passwords_round_trip() {
        let h = hash_password("传递质量信任-2022").await.unwrap();
        assert!(verify_password(&h, "传递质量信任-2022").await);
        assert!(!verify_password(&h, "传递质量信任-2023").await);
        assert_eq!(token_hash("abc").len(), 64);
    }
}
