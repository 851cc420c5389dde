//! Sign-in through the OpenID provider (统一身份认证): `GET /login/oidc` sends the browser
//! to the provider, `GET /login/oidc/callback` finishes there. The protocol is
//! `renke_app::oidc`'s; here are the redirects and cookies.

use super::session::safe_next;
use crate::AppState;
use crate::auth::{ClientIp, SESSION_COOKIE, cookie, set_cookie};
use crate::error::PageError;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The cookie that ties a sign-in to the browser that began it (its state).
pub const STATE_COOKIE: &str = "renke_oidc";

#[derive(Deserialize, Default)]
pub struct Start {
    #[serde(default)]
    next: String,
}

/// `GET /login/oidc`: begins a sign-in and sends the browser to the provider.
pub async fn start(
    State(state): State<AppState>,
    Query(q): Query<Start>,
) -> Result<Response, PageError> {
    let next = safe_next(&state, &q.next, "/home");
    let started = renke_app::oidc::start(&state, &next).await?;
    let mut res = Redirect::to(&started.url).into_response();
    let max_age = renke_app::oidc::PENDING_MINUTES * 60;
    if let Ok(v) = set_cookie(&state, STATE_COOKIE, &started.state, Some(max_age)).parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}

/// `GET /login/oidc/callback`: the provider sends the browser back here with a code (or
/// an error, shown as a page). A session opens as with a password login.
pub async fn callback(
    State(state): State<AppState>,
    ip: ClientIp,
    headers: HeaderMap,
    Query(cb): Query<renke_app::oidc::Callback>,
) -> Result<Response, PageError> {
    let kept = cookie(&headers, STATE_COOKIE);
    let done = renke_app::oidc::finish(&state, &cb, kept, &ip.0).await;
    let clear = set_cookie(&state, STATE_COOKIE, "", Some(0));
    let mut res = match done {
        Ok(done) => {
            let mut res = Redirect::to(&done.return_to).into_response();
            let session = set_cookie(
                &state,
                SESSION_COOKIE,
                &done.logged_in.token,
                Some(done.logged_in.max_age_secs),
            );
            if let Ok(v) = session.parse() {
                res.headers_mut().append(SET_COOKIE, v);
            }
            res
        }
        Err(e) => PageError(e).into_response(),
    };
    if let Ok(v) = clear.parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}
