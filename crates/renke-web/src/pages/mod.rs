//! Server-rendered pages.

pub mod assets;

use crate::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}
