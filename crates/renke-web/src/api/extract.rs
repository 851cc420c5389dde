//! Extractors whose rejections are API errors with stable codes (not axum's plain text),
//! and the client address used for login rate limiting.

use crate::AppState;
use crate::error::{ApiError, AppError};
use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use renke_domain::FieldError;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;

fn bad(field: &str, detail: String) -> ApiError {
    AppError::from(FieldError::new(field, "unknown_value").with("value", detail)).into()
}

/// A JSON body; a missing or malformed body is a 422 on field `body`.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(bad("body", e.body_text())),
        }
    }
}

/// A query string; a malformed one is a 422 on field `query`.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(bad("query", e.body_text())),
        }
    }
}

/// A path id; anything that is not a number names nothing, so it is a 404.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(_) => Err(AppError::NotFound.into()),
        }
    }
}

/// The client's address: the socket peer, or — when `trust_proxy` is set — the address the
/// reverse proxy appended last to `X-Forwarded-For` (earlier entries are client-supplied
/// and could be forged). `unknown` when the server runs without connect info.
pub struct ClientIp(pub String);

impl<S> FromRequestParts<S> for ClientIp
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
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
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string());
        Ok(ClientIp(peer.unwrap_or_else(|| "unknown".to_owned())))
    }
}
