//! Stream tasks (信息和新闻稿件): items sent, reviewed one by one, published.

use super::ApiResult;
use super::dto::PageQuery;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::schema::form;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use renke_app::model::Item;
use renke_app::reporting::items::{self as svc, ItemForm};
use renke_app::reporting::tasks::ReviewForm;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One item of a stream task.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDto {
    pub id: i64,
    pub task_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub title: String,
    pub body: String,
    /// submitted, accepted, returned.
    pub status: String,
    pub status_zh: String,
    /// Why it was returned.
    pub reason: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// When it was published on the campaign's public page (null: not published).
    pub published_at: Option<DateTime<Utc>>,
}

impl From<Item> for ItemDto {
    fn from(i: Item) -> Self {
        ItemDto {
            id: i.id,
            task_id: i.task_id,
            org_id: i.org_id,
            org_name: i.org_name,
            title: i.title,
            body: i.body,
            status: i.status.as_str().to_owned(),
            status_zh: i.status.zh().to_owned(),
            reason: i.reason,
            submitted_at: i.submitted_at,
            decided_at: i.decided_at,
            published_at: i.published_at,
        }
    }
}

/// A stream task's items: the caller's organisation's, and every unit's for its collector.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemsDto {
    pub mine: Vec<ItemDto>,
    /// Every unit's items, newest first, paged; null unless the caller collects the task.
    pub all: Option<Vec<ItemDto>>,
    pub all_total: Option<i64>,
    pub may_review: bool,
}

/// Send an item (title and text) to a stream task (信息和新闻稿件).
#[utoipa::path(
    post, path = "/api/v1/tasks/{id}/items", tag = "tasks",
    params(("id" = i64, Path, description = "任务编号 Task id")),
    request_body = form::ItemForm,
    responses(
        (status = 201, description = "已报送 Sent", body = ItemDto),
        (status = 403, description = "无权报送 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个任务，或无权查看 No such task, or not readable by the caller", body = ErrorBody),
        (status = 409, description = "`not_a_recipient`, `not_a_stream_task`", body = ErrorBody),
        (status = 422, description = "`title`, `body`: `required`, `too_long` (max, actual)", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn send(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ItemForm>,
) -> ApiResult<(StatusCode, Json<ItemDto>)> {
    let item = svc::send(&state, &user.account, id, &body).await?;
    Ok((StatusCode::CREATED, Json(item.into())))
}

/// The items of a stream task.
#[utoipa::path(
    get, path = "/api/v1/tasks/{id}/items", tag = "tasks",
    params(("id" = i64, Path, description = "任务编号 Task id"), PageQuery),
    responses(
        (status = 200, description = "稿件 Items", body = ItemsDto),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 409, description = "`not_a_stream_task`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<ItemsDto>> {
    let v = svc::view(&state, &user.account, id, q.offset(), q.limit()).await?;
    Ok(Json(ItemsDto {
        mine: v.mine.items.into_iter().map(Into::into).collect(),
        all_total: v.all.as_ref().map(|p| p.total),
        all: v.all.map(|p| p.items.into_iter().map(Into::into).collect()),
        may_review: v.may_review,
    }))
}

/// Accept (采用) an item, or return it with a reason (the task's submit-to organisation).
#[utoipa::path(
    post, path = "/api/v1/items/{id}/review", tag = "tasks",
    params(("id" = i64, Path, description = "稿件编号 Item id")),
    request_body = form::ReviewForm,
    responses(
        (status = 200, description = "已处理 Decided", body = ItemDto),
        (status = 403, description = "无权审核 Not allowed", body = ErrorBody),
        (status = 409, description = "`item_not_submitted`", body = ErrorBody),
        (status = 422, description = "`reason` required when returning", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn review(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReviewForm>,
) -> ApiResult<Json<ItemDto>> {
    Ok(Json(
        svc::review(&state, &user.account, id, &body).await?.into(),
    ))
}

/// Whether to publish.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PublishBody {
    /// true: publish on the campaign's public page; false: withdraw.
    #[serde(default)]
    pub publish: bool,
}

/// Publish an accepted item on the campaign's public page, or withdraw it.
#[utoipa::path(
    post, path = "/api/v1/items/{id}/publish", tag = "tasks",
    params(("id" = i64, Path, description = "稿件编号 Item id")),
    request_body = PublishBody,
    responses(
        (status = 200, description = "已处理 Done", body = ItemDto),
        (status = 403, description = "无权发布 Not allowed", body = ErrorBody),
        (status = 409, description = "`item_not_accepted`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn publish(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PublishBody>,
) -> ApiResult<Json<ItemDto>> {
    Ok(Json(
        svc::publish(&state, &user.account, id, body.publish)
            .await?
            .into(),
    ))
}
