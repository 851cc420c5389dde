//! CSRF protection for every unsafe request: a synchronizer token kept in the session (or,
//! before login, in a double-submit cookie) that forms send as `_csrf` and scripts as the
//! `X-CSRF-Token` header, plus an `Origin` / `Sec-Fetch-Site` check. Requests that
//! authenticate with a Bearer token carry no ambient credentials and are exempt.

use crate::AppState;
use crate::auth::{Ctx, Identity};
use crate::error::{ApiError, AppError, PageError};
use crate::form;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub const HEADER: &str = "x-csrf-token";
pub const FIELD: &str = "_csrf";

fn refuse(path: &str, code: &'static str) -> Response {
    fail(path, AppError::Csrf(code))
}

/// `e` as the API or a page answers it.
fn fail(path: &str, e: AppError) -> Response {
    if path.starts_with("/api/") {
        ApiError(e).into_response()
    } else {
        PageError(e).into_response()
    }
}

/// Whether the request comes from our own pages, judged by the browser's own headers.
fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match headers.get(ORIGIN).and_then(|v| v.to_str().ok()) {
        None | Some("null") => true,
        Some(origin) => {
            let origin_host = url::Url::parse(origin).ok().and_then(|u| {
                u.host_str().map(|h| match u.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_owned(),
                })
            });
            let host = headers
                .get(HOST)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let public = url::Url::parse(&state.config.public_url)
                .ok()
                .and_then(|u| {
                    u.host_str().map(|h| match u.port() {
                        Some(p) => format!("{h}:{p}"),
                        None => h.to_owned(),
                    })
                });
            origin_host.is_some() && (origin_host == host || origin_host == public)
        }
    }
}

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // Only the methods our handlers change state with are checked. Safe methods, and those
    // no route accepts (TRACE, CONNECT, extension methods), go on to the router, which
    // answers 405 with `Allow` for a method the path does not have.
    if !is_unsafe(req.method()) {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    let Some(ctx) = req.extensions().get::<Ctx>().cloned() else {
        return refuse(&path, "csrf_missing");
    };
    if matches!(ctx.identity, Identity::Token { .. } | Identity::BadToken) {
        return next.run(req).await;
    }
    if !same_origin(&state, req.headers()) {
        return refuse(&path, "cross_origin");
    }
    if is_api_login(&req, &ctx.identity) {
        return next.run(req).await;
    }
    let expected = ctx.csrf();
    if expected.is_empty() {
        return refuse(&path, "csrf_missing");
    }
    if let Some(h) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return if constant_time_eq(h, &expected) {
            next.run(req).await
        } else {
            refuse(&path, "csrf_mismatch")
        };
    }
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let boundary = form::boundary(req.headers());
    if !content_type.starts_with("application/x-www-form-urlencoded") && boundary.is_none() {
        return refuse(&path, "csrf_missing");
    }
    let (mut parts, body) = req.into_parts();
    let (presented, body) = match boundary {
        // An upload form: parsed here once, as it arrives (files spooled, never whole in
        // memory), `_csrf` is one of its parts, and the parsed form goes on to the handler's
        // reader in the request's extensions.
        Some(boundary) => match form::parse(body, boundary).await {
            Ok(parsed) => {
                let presented = parsed.text(FIELD);
                parts.extensions.insert(parsed);
                (presented, Body::empty())
            }
            // Broken after a valid `_csrf` (forms put it first): the form's own error, as
            // its reader would answer.
            Err(form::Unreadable(read)) => match read.text(FIELD) {
                Some(t) if constant_time_eq(&t, &expected) => {
                    return fail(&path, AppError::field("file", "upload_unreadable"));
                }
                presented => (presented, Body::empty()),
            },
        },
        None => {
            let bytes = match to_bytes(body, state.config.max_body_bytes).await {
                Ok(b) => b,
                Err(_) => return PageError(AppError::field("body", "too_long")).into_response(),
            };
            let presented = url::form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == FIELD)
                .map(|(_, v)| v.into_owned());
            (presented, Body::from(bytes))
        }
    };
    match presented {
        None => refuse(&path, "csrf_missing"),
        Some(t) if !constant_time_eq(&t, &expected) => refuse(&path, "csrf_mismatch"),
        Some(_) => next.run(Request::from_parts(parts, body)).await,
    }
}

/// The methods a route may change state with: every one of them is checked.
pub fn is_unsafe(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

/// `POST /api/v1/session` from a client without a live session carries no ambient
/// credential to abuse; its body must be JSON, which a cross-site form cannot send without
/// a CORS preflight that we never grant, and the origin check above still applies.
fn is_api_login(req: &Request, identity: &Identity) -> bool {
    matches!(identity, Identity::Anonymous { .. })
        && req.method() == Method::POST
        && req.uri().path() == "/api/v1/session"
        && req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
