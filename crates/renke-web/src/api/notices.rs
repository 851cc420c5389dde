//! Notices: drafts, issue, 签收, status, corrections and relays (转发).

use super::ApiResult;
use super::dto::{
    AckStatusDto, DeliveryDto, InboxDto, InboxItemDto, NoticeDetailDto, NoticeDto, NoticeRefDto,
    PageDto, PageQuery,
};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::schema::form;
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use renke_app::notices::NoticeForm;
use serde::Deserialize;

/// The caller's organisation's inbox: unacknowledged first, then newest.
#[utoipa::path(
    get, path = "/api/v1/notices/inbox", tag = "notices",
    params(PageQuery),
    responses(
        (status = 200, description = "收文 Inbox", body = InboxDto),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn inbox(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(p): ApiQuery<PageQuery>,
) -> ApiResult<Json<InboxDto>> {
    let (page, open) =
        renke_app::notices::notice_inbox(&state, &user.account, p.offset(), p.limit()).await?;
    Ok(Json(InboxDto {
        total: page.total,
        unacknowledged: open,
        offset: page.offset,
        limit: page.limit,
        items: page
            .items
            .into_iter()
            .map(|i| InboxItemDto {
                notice: i.notice.into(),
                delivered_at: i.delivered_at,
                acknowledged_at: i.acknowledged_at,
            })
            .collect(),
    }))
}

/// Notices the caller's organisation issues, drafts included, newest first.
#[utoipa::path(
    get, path = "/api/v1/notices", tag = "notices",
    params(PageQuery),
    responses(
        (status = 200, description = "发文 Sent notices", body = PageDto<NoticeRefDto>),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn sent(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(p): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageDto<NoticeRefDto>>> {
    let page =
        renke_app::notices::sent_notices(&state, &user.account, p.offset(), p.limit()).await?;
    Ok(Json(PageDto::map(page, NoticeRefDto::from)))
}

/// Create a draft issued by an organisation the caller manages.
#[utoipa::path(
    post, path = "/api/v1/notices", tag = "notices",
    request_body = form::NoticeForm,
    responses(
        (status = 201, description = "草稿已创建 Draft created", body = NoticeDto),
        (status = 403, description = "无权以该机构发文 Not allowed to issue for that organisation", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<NoticeForm>,
) -> ApiResult<(StatusCode, Json<NoticeDto>)> {
    let n = renke_app::notices::create_notice(&state, &user.account, &body).await?;
    Ok((StatusCode::CREATED, Json(n.into())))
}

/// One notice with its relay chain both ways and its versions. 主动公开 issued notices
/// need no login.
#[utoipa::path(
    get, path = "/api/v1/notices/{id}", tag = "notices",
    params(("id" = i64, Path, description = "通知编号 Notice id")),
    responses(
        (status = 200, description = "通知 The notice", body = NoticeDetailDto),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个通知 No such notice", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<NoticeDetailDto>> {
    let v = renke_app::notices::notice_view(&state, ctx.account(), id).await?;
    Ok(Json(NoticeDetailDto {
        notice: v.notice.into(),
        relays: v.chain_up.into_iter().map(Into::into).collect(),
        relayed_by: v.chain_down.into_iter().map(Into::into).collect(),
        versions: v.versions.into_iter().map(Into::into).collect(),
        my_delivery: v.my_delivery.map(DeliveryDto::from),
    }))
}

/// Replace a draft. An issued notice is refused with 409 `notice_issued`.
#[utoipa::path(
    put, path = "/api/v1/notices/{id}", tag = "notices",
    params(("id" = i64, Path, description = "通知编号 Notice id")),
    request_body = form::NoticeForm,
    responses(
        (status = 200, description = "已保存 Saved", body = NoticeDto),
        (status = 403, description = "无权管理 Not allowed", body = ErrorBody),
        (status = 409, description = "已印发，不能修改 `notice_issued`", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NoticeForm>,
) -> ApiResult<Json<NoticeDto>> {
    let n = renke_app::notices::update_notice(&state, &user.account, id, &body).await?;
    Ok(Json(n.into()))
}

/// Issue a draft: it becomes immutable and lands in every recipient's inbox.
#[utoipa::path(
    post, path = "/api/v1/notices/{id}/issue", tag = "notices",
    params(("id" = i64, Path, description = "通知编号 Notice id")),
    responses(
        (status = 200, description = "已印发 Issued", body = NoticeDto),
        (status = 403, description = "无权管理 Not allowed", body = ErrorBody),
        (status = 409, description = "`notice_issued` or `no_recipient_orgs`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn issue(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<NoticeDto>> {
    let n = renke_app::notices::issue_notice(&state, &user.account, id).await?;
    Ok(Json(n.into()))
}

/// Which organisation acknowledges; default the caller's own.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AckBody {
    pub org_id: Option<i64>,
}

/// 签收: acknowledge receipt for the caller's organisation. Time and person are recorded.
#[utoipa::path(
    post, path = "/api/v1/notices/{id}/acknowledge", tag = "notices",
    params(("id" = i64, Path, description = "通知编号 Notice id")),
    request_body(content = AckBody, description = "可省略 Optional"),
    responses(
        (status = 200, description = "已签收 Acknowledged", body = DeliveryDto),
        (status = 403, description = "无权签收 Not allowed", body = ErrorBody),
        (status = 409, description = "`already_acknowledged` or `not_a_recipient`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn acknowledge(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    body: Option<ApiJson<AckBody>>,
) -> ApiResult<Json<DeliveryDto>> {
    let org_id = body.and_then(|b| b.0.org_id);
    let d = renke_app::notices::acknowledge_notice(&state, &user.account, id, org_id).await?;
    Ok(Json(d.into()))
}

/// Who has and has not acknowledged, down the relay cascade (for the sender).
#[utoipa::path(
    get, path = "/api/v1/notices/{id}/status", tag = "notices",
    params(("id" = i64, Path, description = "通知编号 Notice id")),
    responses(
        (status = 200, description = "签收情况 Acknowledgements", body = AckStatusDto),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn status(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AckStatusDto>> {
    let s = renke_app::notices::notice_status(&state, &user.account, id).await?;
    Ok(Json(AckStatusDto {
        notice_id: s.notice.id,
        total: s.total,
        acknowledged: s.acknowledged,
        not_acknowledged: s.total - s.acknowledged,
        rows: s.rows.into_iter().map(Into::into).collect(),
    }))
}

/// Start a correction: a new draft version superseding the issued notice.
#[utoipa::path(
    post, path = "/api/v1/notices/{id}/correct", tag = "notices",
    params(("id" = i64, Path, description = "通知编号 Notice id")),
    responses(
        (status = 201, description = "更正草稿 The correction draft", body = NoticeDto),
        (status = 403, description = "无权管理 Not allowed", body = ErrorBody),
        (status = 409, description = "`notice_not_issued` or `already_corrected`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn correct(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<(StatusCode, Json<NoticeDto>)> {
    let n = renke_app::notices::correct_notice(&state, &user.account, id).await?;
    Ok((StatusCode::CREATED, Json(n.into())))
}

/// 转发: relay a received notice with one's own text and recipients (a new draft).
#[utoipa::path(
    post, path = "/api/v1/notices/{id}/relay", tag = "notices",
    params(("id" = i64, Path, description = "被转发的通知 Notice to relay")),
    request_body = form::NoticeForm,
    responses(
        (status = 201, description = "转发草稿 The relay draft", body = NoticeDto),
        (status = 403, description = "无权转发 Not allowed", body = ErrorBody),
        (status = 409, description = "`not_a_recipient` or `notice_not_issued`", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn relay(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NoticeForm>,
) -> ApiResult<(StatusCode, Json<NoticeDto>)> {
    let n = renke_app::notices::relay_notice(&state, &user.account, id, &body).await?;
    Ok((StatusCode::CREATED, Json(n.into())))
}
