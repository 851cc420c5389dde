//! Downloads of a task's status (xlsx) and materials (zip), for its collectors.

use super::download;
use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::User;
use crate::error::PageError;
use axum::extract::State;
use axum::response::Response;
use renke_app::reporting::exports;

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub async fn status_xlsx(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let (name, bytes) = exports::status_xlsx(&state, &user.account, id).await?;
    Ok(download(&name, XLSX, bytes))
}

pub async fn materials_zip(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let (name, stream) = exports::materials_zip(&state, &user.account, id).await?;
    Ok(download(
        &name,
        "application/zip",
        axum::body::Body::from_stream(stream),
    ))
}
