//! Extractors whose rejections are API errors with stable codes (not axum's plain text),
//! and the client address used for login rate limiting.

use crate::error::{ApiError, AppError};
use axum::body::{Body, Bytes};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequest, Request};
use axum::http::request::Parts;
use renke_domain::FieldError;
use serde::de::DeserializeOwned;

fn bad(field: &str, detail: String) -> ApiError {
    AppError::from(FieldError::new(field, "unknown_value").with("value", detail)).into()
}

/// A JSON body, the one way an API handler reads JSON: whatever axum cannot read (not
/// JSON, no `Content-Type: application/json`, the wrong shape) is a 422 on field `body`
/// with code `malformed_json` and axum's explanation as `detail`, in the `ErrorBody` every
/// other failure has. `Option<ApiJson<T>>` is an optional body: empty is `None`.
pub struct ApiJson<T>(pub T);

fn malformed(rejection: JsonRejection) -> ApiError {
    AppError::from(FieldError::new("body", "malformed_json").with("detail", rejection.body_text()))
        .into()
}

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match <axum::Json<T> as FromRequest<S>>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(malformed(e)),
        }
    }
}

impl<S, T> OptionalFromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        let (parts, body) = req.into_parts();
        // The body limit layer bounds the body; reading past it is the same refusal.
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|e| malformed(JsonRejection::BytesRejection(e)))?;
        if bytes.is_empty() {
            return Ok(None);
        }
        let req = Request::from_parts(parts, Body::from(bytes));
        <Self as FromRequest<S>>::from_request(req, state)
            .await
            .map(Some)
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

/// A path id on a page; anything that is not a number names nothing: the styled 404 page
/// (where axum would answer "Invalid URL: Cannot parse `ingest` to a `i64`" as plain text).
pub struct PagePath<T>(pub T);

impl<S, T> FromRequestParts<S> for PagePath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = crate::error::PageError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(PagePath(v)),
            Err(_) => Err(AppError::NotFound.into()),
        }
    }
}

pub use crate::auth::ClientIp;
