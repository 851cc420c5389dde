//! PDF downloads: the notice in the official layout.

use super::extract::ApiPath;
use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, ErrorBody};
use axum::extract::State;
use axum::response::Response;

/// The notice as a PDF in the official layout (GB/T 9704-2012), with its fonts embedded;
/// downloaded as `<发文字号>.pdf`. Readable by whoever may read the notice; 主动公开 issued
/// notices need no login. A draft carries a 草稿 watermark.
#[utoipa::path(
    get, path = "/api/v1/notices/{id}/pdf", tag = "notices",
    params(("id" = i64, Path, description = "通知编号 Notice id")),
    responses(
        (status = 200, description = "通知 PDF The notice as PDF", body = [u8], content_type = "application/pdf"),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个通知 No such notice", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn notice_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let file = renke_app::pdf::notice_pdf(&state, ctx.account(), id).await?;
    Ok(crate::download::pdf(file))
}

/// The certificate of attendance (参加证明) of the registration holding `ticket`, as a PDF;
/// only once the person has checked in (409 `not_checked_in` before). The ticket code is the
/// registrant's key; no login needed.
#[utoipa::path(
    get, path = "/api/v1/tickets/{ticket}/certificate.pdf", tag = "activities",
    params(("ticket" = String, Path, description = "电子票号 Ticket code")),
    responses(
        (status = 200, description = "参加证明 PDF The certificate as PDF", body = [u8], content_type = "application/pdf"),
        (status = 404, description = "没有这张票 No such ticket", body = ErrorBody),
        (status = 409, description = "尚未签到 Not checked in", body = ErrorBody),
    ),
    security(()),
)]
pub async fn certificate_pdf(
    State(state): State<AppState>,
    ApiPath(ticket): ApiPath<String>,
) -> Result<Response, ApiError> {
    let file = renke_app::pdf::certificate_pdf(&state, &ticket).await?;
    Ok(crate::download::pdf(file))
}

/// A compiled (roll-up) submission as its report PDF: the bureau's summary, each unit's
/// accepted summary, the table of figures and the index of materials. Readable by whoever
/// may read the submission; 404 for a submission that was not compiled.
#[utoipa::path(
    get, path = "/api/v1/submissions/{id}/report.pdf", tag = "tasks",
    params(("id" = i64, Path, description = "报送编号 Submission id")),
    responses(
        (status = 200, description = "汇总报告 PDF The report as PDF", body = [u8], content_type = "application/pdf"),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "不是汇总报送 Not a compiled submission", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn report_pdf(
    State(state): State<AppState>,
    user: crate::auth::ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let file = renke_app::pdf::report_pdf(&state, &user.account, id).await?;
    Ok(crate::download::pdf(file))
}
