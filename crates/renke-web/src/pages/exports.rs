//! Downloads of a task's status (xlsx) and materials (zip), for its collectors.

use super::download;
use crate::AppState;
use crate::auth::User;
use crate::error::AppError;
use crate::service::exports;
use axum::extract::{Path, State};
use axum::response::Response;

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub async fn status_xlsx(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (name, bytes) = exports::status_xlsx(&state, &user.account, id).await?;
    Ok(download(&name, XLSX, bytes))
}

pub async fn materials_zip(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (name, bytes) = exports::materials_zip(&state, &user.account, id).await?;
    Ok(download(&name, "application/zip", bytes))
}
