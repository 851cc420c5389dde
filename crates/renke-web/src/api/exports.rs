//! A task's status as xlsx and its materials as zip.

use super::ApiResult;
use super::extract::ApiPath;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use crate::pages::download;
use axum::extract::State;
use axum::response::Response;
use renke_app::reporting::exports;

/// Every recipient of a task (and of its relays) in the collector's subtree with its
/// acknowledgement and submission state, as an xlsx workbook.
#[utoipa::path(
    get, path = "/api/v1/tasks/{id}/export.xlsx", tag = "tasks",
    params(("id" = i64, Path, description = "任务编号 Task id")),
    responses(
        (status = 200, description = "报送情况表 Status workbook",
         content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个任务 No such task", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn status_xlsx(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (name, bytes) = exports::status_xlsx(&state, &user.account, id).await?;
    Ok(download(&name, crate::pages::XLSX, bytes))
}

/// Every sent submission of a task (latest version) as a zip with a folder per unit.
#[utoipa::path(
    get, path = "/api/v1/tasks/{id}/materials.zip", tag = "tasks",
    params(("id" = i64, Path, description = "任务编号 Task id")),
    responses(
        (status = 200, description = "报送材料 Materials", content_type = "application/zip"),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个任务 No such task", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn materials_zip(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (name, stream) = exports::materials_zip(&state, &user.account, id).await?;
    Ok(download(
        &name,
        "application/zip",
        axum::body::Body::from_stream(stream),
    ))
}
