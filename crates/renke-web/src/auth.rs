//! Who is asking: session cookies for people, Bearer tokens for programs, resolved once per
//! request into an [`Identity`] (the lookups and the hashing are `renke_app::auth`'s).

use crate::AppState;
use crate::error::{AppError, PageError};
use crate::i18n::{Locale, Tr};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use renke_app::Caller;

pub const SESSION_COOKIE: &str = "renke_session";
/// Double-submit token for forms shown before login (the login form itself).
pub const PRE_CSRF_COOKIE: &str = "renke_csrf";
pub const LANG_COOKIE: &str = "renke_lang";

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
        caller: Caller,
        token_hash: String,
        csrf: String,
    },
    Token {
        caller: Caller,
    },
    /// A Bearer token was sent but is unknown or revoked.
    BadToken,
}

impl Identity {
    pub fn account(&self) -> Option<&Caller> {
        match self {
            Identity::Session { caller, .. } | Identity::Token { caller } => Some(caller),
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
    pub fn account(&self) -> Option<&Caller> {
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
pub async fn load_identity(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    // Personal API tokens open the API only: on a page the header is not looked at, so a
    // leaked token never reaches the HTML forms.
    let is_api = req.uri().path().starts_with("/api/");
    let bearer = headers
        .get(AUTHORIZATION)
        .filter(|_| is_api)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").map(str::trim).map(str::to_owned));
    let identity = if let Some(token) = bearer {
        match renke_app::auth::find_token(&state, &token).await {
            Ok(Some(caller)) => Identity::Token { caller },
            Ok(None) => Identity::BadToken,
            Err(e) => return PageError(e).into_response(),
        }
    } else if let Some(token) = cookie(headers, SESSION_COOKIE) {
        match renke_app::auth::find_session(&state, token).await {
            Ok(Some(s)) => Identity::Session {
                caller: s.caller,
                token_hash: s.token_hash,
                csrf: s.csrf,
            },
            Ok(None) => Identity::Anonymous {
                expired: true,
                pre_csrf: cookie(headers, PRE_CSRF_COOKIE).map(str::to_owned),
            },
            Err(e) => return PageError(e).into_response(),
        }
    } else {
        Identity::Anonymous {
            expired: false,
            pre_csrf: cookie(headers, PRE_CSRF_COOKIE).map(str::to_owned),
        }
    };
    // This browser's switch first, then the account's stored choice, then the browser's
    // languages.
    let locale = cookie(headers, LANG_COOKIE)
        .and_then(Locale::parse)
        .or_else(|| {
            identity
                .account()
                .and_then(|a| a.locale.as_deref())
                .and_then(Locale::parse)
        })
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
    // The audit trail's context: who, from where, in which request, doing what (the
    // route). Every write transaction the request opens records it.
    let (mut parts, body) = req.into_parts();
    let ClientIp(address) = match ClientIp::from_request_parts(&mut parts, &state).await {
        Ok(ip) => ip,
        Err(never) => match never {},
    };
    let action = format!(
        "{} {}",
        parts.method,
        parts
            .extensions
            .get::<axum::extract::MatchedPath>()
            .map_or_else(|| parts.uri.path(), |m| m.as_str())
    );
    let request_id = parts
        .headers
        .get(crate::request_id::HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let audit = renke_app::audit::context(
        identity.account(),
        Some(address),
        request_id,
        action,
        state.clock.now(),
    );
    let mut req = Request::from_parts(parts, body);
    req.extensions_mut().insert(Ctx {
        identity,
        tr: Tr::new(locale),
        uri,
    });
    renke_app::audit::scope(audit, next.run(req)).await
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| {
            PageError(AppError::Internal(anyhow::anyhow!(
                "identity layer missing"
            )))
        })
    }
}

/// A page request from a logged-in person. Without a session the browser is sent to the
/// login page, which says whether the session expired.
pub struct User {
    pub ctx: Ctx,
    pub account: Caller,
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
            Identity::Session { caller, .. } | Identity::Token { caller } => {
                let account = caller.clone();
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
                PageError(AppError::Unauthenticated("invalid_token")).into_response(),
            )),
        }
    }
}

/// An API request from an authenticated account (session cookie or Bearer token).
pub struct ApiUser {
    pub account: Caller,
    pub tr: Tr,
    /// The session's token hash, when authenticated by cookie.
    pub session: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = crate::error::ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, s)
            .await
            .map_err(|e| crate::error::ApiError(e.0))?;
        match ctx.identity {
            Identity::Session {
                caller, token_hash, ..
            } => Ok(ApiUser {
                account: caller,
                tr: ctx.tr,
                session: Some(token_hash),
            }),
            Identity::Token { caller } => Ok(ApiUser {
                account: caller,
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
