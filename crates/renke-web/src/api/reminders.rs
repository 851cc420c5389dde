//! 催办: a task's reminder plan and log; the organisation's in-app messages.

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
use renke_app::reporting::reminders::{self as svc, ReminderForm};
use serde::Serialize;
use utoipa::ToSchema;

/// A task's reminder plan and the reminders recorded for it.
#[derive(Serialize, ToSchema)]
pub struct RemindersDto {
    /// 提前提醒天数 Days before the deadline.
    pub days_before: Vec<u32>,
    pub on_day: bool,
    pub overdue_daily: bool,
    /// 逾期几天后上报 Days overdue before the parent bureau is told; null for never.
    pub escalate_after_days: Option<u32>,
    pub sent_total: i64,
    pub sent: Vec<SentReminderDto>,
}

/// One reminder recorded for a task.
#[derive(Serialize, ToSchema)]
pub struct SentReminderDto {
    pub org_id: i64,
    pub org_name: String,
    /// `before3@2022-06-17`, `day@2022-06-20`, `overdue2@2022-06-22` or `escalation`.
    pub slot: String,
    pub notified_org_id: i64,
    pub emails: i32,
    pub created_at: DateTime<Utc>,
}

/// An in-app message.
#[derive(Serialize, ToSchema)]
pub struct MessageDto {
    pub id: i64,
    /// `reminder` or `escalation`.
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// A page of messages.
#[derive(Serialize, ToSchema)]
pub struct MessagesDto {
    pub total: i64,
    pub unread: i64,
    pub offset: i64,
    pub limit: i64,
    pub items: Vec<MessageDto>,
}

async fn view(state: &AppState, user: &ApiUser, id: i64, q: &PageQuery) -> ApiResult<RemindersDto> {
    let v = svc::reminder_view(state, &user.account, id, q.offset(), q.limit()).await?;
    Ok(RemindersDto {
        days_before: v.plan.days_before,
        on_day: v.plan.on_day,
        overdue_daily: v.plan.overdue_daily,
        escalate_after_days: v.plan.escalate_after_days,
        sent_total: v.sent.total,
        sent: v
            .sent
            .items
            .into_iter()
            .map(|r| SentReminderDto {
                org_id: r.org_id,
                org_name: r.org_name,
                slot: r.slot,
                notified_org_id: r.notified_org_id,
                emails: r.emails,
                created_at: r.created_at,
            })
            .collect(),
    })
}

/// A task's reminder plan (default: 3 days before, on the day, daily while overdue,
/// escalation after 3 days) and the reminders sent, newest first.
#[utoipa::path(
    get, path = "/api/v1/tasks/{id}/reminders", tag = "tasks",
    params(("id" = i64, Path, description = "任务编号 Task id"), PageQuery),
    responses(
        (status = 200, description = "催办计划与记录 Plan and log", body = RemindersDto),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个任务 No such task", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<RemindersDto>> {
    Ok(Json(view(&state, &user, id, &q).await?))
}

/// Change a task's reminder plan (Manage on the task's issuer). Bad day counts answer 422
/// on `reminder_days_before` / `reminder_escalate_after_days`.
#[utoipa::path(
    put, path = "/api/v1/tasks/{id}/reminders", tag = "tasks",
    params(("id" = i64, Path, description = "任务编号 Task id")),
    request_body = form::ReminderForm,
    responses(
        (status = 200, description = "已保存 Saved", body = RemindersDto),
        (status = 403, description = "无权管理 Not allowed", body = ErrorBody),
        (status = 422, description = "输入有误 Invalid", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn put(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<ReminderForm>,
) -> ApiResult<Json<RemindersDto>> {
    svc::set_reminder_plan(&state, &user.account, id, &f).await?;
    Ok(Json(view(&state, &user, id, &PageQuery::default()).await?))
}

/// The caller's organisation's in-app messages (reminders, escalations), unread first.
#[utoipa::path(
    get, path = "/api/v1/me/messages", tag = "tasks",
    params(PageQuery),
    responses(
        (status = 200, description = "站内消息 Messages", body = MessagesDto),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn messages(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<MessagesDto>> {
    let (page, unread) = svc::messages(&state, &user.account, q.offset(), q.limit()).await?;
    Ok(Json(MessagesDto {
        total: page.total,
        unread,
        offset: page.offset,
        limit: page.limit,
        items: page
            .items
            .into_iter()
            .map(|m| MessageDto {
                id: m.id,
                kind: m.kind,
                title: m.title,
                body: m.body,
                link: m.link,
                created_at: m.created_at,
                read_at: m.read_at,
            })
            .collect(),
    }))
}

/// Mark a message of the caller's organisation read.
#[utoipa::path(
    post, path = "/api/v1/me/messages/{id}/read", tag = "tasks",
    params(("id" = i64, Path, description = "消息编号 Message id")),
    responses(
        (status = 204, description = "已读 Read"),
        (status = 404, description = "没有这条消息 No such message", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn read(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    svc::read_message(&state, &user.account, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
