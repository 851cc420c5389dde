//! `/api/v1`: JSON twins of the pages, described by an OpenAPI document.

use crate::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}

/// `/api/openapi.json` and the viewer at `/api/docs`.
pub fn docs_routes() -> Router<AppState> {
    Router::new()
}
