//! CSRF protection for every unsafe request: a synchronizer token kept in the session (or,
//! before login, in a double-submit cookie) that forms send as `_csrf` and scripts as the
//! `X-CSRF-Token` header, plus an `Origin` / `Sec-Fetch-Site` check. Requests that
//! authenticate with a Bearer token carry no ambient credentials and are exempt.

use crate::AppState;
use crate::auth::{Ctx, Identity};
use crate::error::{ApiError, AppError, PageError};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub const HEADER: &str = "x-csrf-token";
pub const FIELD: &str = "_csrf";

fn refuse(path: &str, code: &'static str) -> Response {
    let e = AppError::Csrf(code);
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
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
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
    let boundary = multer::parse_boundary(&content_type).ok();
    if !content_type.starts_with("application/x-www-form-urlencoded") && boundary.is_none() {
        return refuse(&path, "csrf_missing");
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, state.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => return PageError(AppError::field("body", "too_long")).into_response(),
    };
    let presented = match boundary {
        // An upload form: `_csrf` is one of its parts (forms put it first).
        Some(boundary) => multipart_field(bytes.clone(), boundary, FIELD).await,
        None => url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| v.into_owned()),
    };
    match presented {
        None => refuse(&path, "csrf_missing"),
        Some(t) if !constant_time_eq(&t, &expected) => refuse(&path, "csrf_mismatch"),
        Some(_) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
    }
}

/// The text of the first part named `name` of a multipart body.
async fn multipart_field(body: axum::body::Bytes, boundary: String, name: &str) -> Option<String> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
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
