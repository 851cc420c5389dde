//! PDF downloads from the pages: same permission as viewing the record.

use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::Ctx;
use crate::error::PageError;
use axum::extract::State;
use axum::response::Response;

/// `GET /notices/{id}/pdf`: the notice in the official layout.
pub async fn notice(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let file = renke_app::pdf::notice_pdf(&state, ctx.account(), id).await?;
    Ok(crate::download::pdf(file))
}

/// `GET /tickets/{ticket}/certificate.pdf`: the certificate of attendance, once checked in.
pub async fn certificate(
    State(state): State<AppState>,
    PagePath(ticket): PagePath<String>,
) -> Result<Response, PageError> {
    let file = renke_app::pdf::certificate_pdf(&state, &ticket).await?;
    Ok(crate::download::pdf(file))
}

/// `GET /tasks/submissions/{id}/report.pdf`: a compiled submission as its report.
pub async fn report(
    State(state): State<AppState>,
    user: crate::auth::User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let file = renke_app::pdf::report_pdf(&state, &user.account, id).await?;
    Ok(crate::download::pdf(file))
}
