//! Files attached to notices.

use super::ApiResult;
use super::extract::ApiPath;
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ErrorBody;
use crate::pages::read_upload;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

/// An attachment added to a draft.
#[derive(Serialize, ToSchema)]
pub struct AttachedDto {
    /// 附件序号 Position among the notice's attachments, from 0.
    pub position: i32,
}

/// The upload form: the file, and an optional title (default: the file name).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadDto {
    /// 附件名称 Attachment title.
    title: Option<String>,
    /// 文件 The file.
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
}

/// Upload a file to a draft notice as its next attachment (multipart form: `file`, optional
/// `title`). Refused files answer 422 on `file` with the reason (`file_too_large`,
/// `file_type_refused`, `file_content_mismatch`, `file_empty`).
#[utoipa::path(
    post, path = "/api/v1/notices/{id}/attachments", tag = "notices",
    params(("id" = i64, Path, description = "通知编号 Notice id")),
    request_body(content = UploadDto, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "已上传 Attached", body = AttachedDto),
        (status = 403, description = "无权管理 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个通知，或无权查看 No such notice, or not readable by the caller", body = ErrorBody),
        (status = 409, description = "已印发 `notice_issued`", body = ErrorBody),
        (status = 422, description = "文件不符合要求 File refused: `file_too_large`, `file_type_refused`, `file_content_mismatch`, `storage_quota_exceeded` (limit, used)", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn upload(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    form: axum::extract::Request,
) -> ApiResult<(StatusCode, Json<AttachedDto>)> {
    let up = read_upload(form).await?;
    let position = renke_app::notices::attachments::attach_to_notice(
        &state,
        &user.account,
        id,
        &up.file,
        &up.title,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(AttachedDto { position })))
}

/// Download the file of attachment `pos`, for anyone who may read the notice.
#[utoipa::path(
    get, path = "/api/v1/notices/{id}/attachments/{pos}", tag = "notices",
    params(
        ("id" = i64, Path, description = "通知编号 Notice id"),
        ("pos" = usize, Path, description = "附件序号 Attachment position, from 0"),
    ),
    responses(
        (status = 200, description = "文件 The file", content_type = "*/*"),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个文件 No such file", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, pos)): ApiPath<(i64, usize)>,
) -> ApiResult<Response> {
    let (file, bytes) =
        renke_app::notices::attachments::notice_attachment(&state, ctx.account(), id, pos).await?;
    Ok(crate::download::stored(&file, bytes))
}
