//! Extractors whose rejections are API errors with stable codes (not axum's plain text),
//! and the client address used for login rate limiting.

use crate::error::{ApiError, AppError};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use renke_domain::FieldError;
use serde::de::DeserializeOwned;

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

pub use crate::auth::ClientIp;
