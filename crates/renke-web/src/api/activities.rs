//! Activities: create, read, calendar, sessions and capacity, registration, cancellation,
//! check-in (batched, idempotent), branch-venue readiness and the day-of board.

use super::ApiResult;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::schema::form;
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use renke_app::activities::{
    self as svc, ActivityForm, CalendarParams, CheckinInput, CheckinResult, ReadinessForm,
    RegistrationForm, SessionForm,
};
use renke_app::model::{
    Activity, ActivityRow, BoardRow, DebugSlot, Organiser, Participant, Registration, Session,
    Venue,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// ---------------------------------------------------------------- DTOs

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganiserDto {
    /// `host` 主办, `undertaker` 承办, `co_organiser` 协办, `guide` 指导.
    pub role: String,
    pub org_id: Option<i64>,
    pub name: String,
}

impl From<Organiser> for OrganiserDto {
    fn from(o: Organiser) -> Self {
        OrganiserDto {
            role: o.role,
            org_id: o.org_id,
            name: o.name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantDto {
    pub category: String,
    pub org_id: Option<i64>,
    pub label: String,
    pub attended: Option<bool>,
}

impl From<Participant> for ParticipantDto {
    fn from(p: Participant) -> Self {
        ParticipantDto {
            category: p.category,
            org_id: p.org_id,
            label: p.label,
            attended: p.attended,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VenueDto {
    pub id: i64,
    /// `main`, `branch`, `room`, `online`, `livestream`.
    pub kind: String,
    pub name: String,
    pub org_id: Option<i64>,
    pub address: Option<String>,
    pub room: Option<String>,
    pub capacity: Option<i32>,
    pub url: Option<String>,
    pub participants: Vec<ParticipantDto>,
}

impl From<Venue> for VenueDto {
    fn from(v: Venue) -> Self {
        VenueDto {
            id: v.id,
            kind: v.kind,
            name: v.name,
            org_id: v.org_id,
            address: v.address,
            room: v.room,
            capacity: v.capacity,
            url: v.url,
            participants: v.participants.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDto {
    pub id: i64,
    pub activity_id: i64,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// `null` = no limit.
    pub capacity: Option<i32>,
    pub registration_closes_at: DateTime<Utc>,
    pub venue_id: Option<i64>,
    pub city: Option<String>,
    pub online_url: Option<String>,
    pub confirmed: i64,
    pub waiting: i64,
    pub checked_in: i64,
}

impl From<Session> for SessionDto {
    fn from(s: Session) -> Self {
        SessionDto {
            registration_closes_at: s.closes_at(),
            id: s.id,
            activity_id: s.activity_id,
            title: s.title,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            capacity: s.capacity,
            venue_id: s.venue_id,
            city: s.city,
            online_url: s.online_url,
            confirmed: s.confirmed,
            waiting: s.waiting,
            checked_in: s.checked_in,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DebugSlotDto {
    pub id: i64,
    pub label: String,
    pub starts_at: DateTime<Utc>,
}

impl From<DebugSlot> for DebugSlotDto {
    fn from(d: DebugSlot) -> Self {
        DebugSlotDto {
            id: d.id,
            label: d.label,
            starts_at: d.starts_at,
        }
    }
}

/// An activity in a list or calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityRefDto {
    pub id: i64,
    pub campaign_id: i64,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub kind: String,
    pub title: String,
    /// `window` or `period`.
    pub schedule_kind: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// As written, e.g. 5月—6月, or 6月9日 10:00–11:00.
    pub schedule_label: String,
    /// In English, e.g. May–June, around 9 June, or 9 June 10:00–11:00.
    pub schedule_label_en: String,
    pub mode: String,
    pub public: bool,
    pub organisers: Vec<OrganiserDto>,
}

impl ActivityRefDto {
    fn new(a: ActivityRow, organisers: Vec<Organiser>) -> Self {
        ActivityRefDto {
            schedule_label: a.schedule().label_zh(),
            schedule_label_en: a.schedule().label_en(),
            id: a.id,
            campaign_id: a.campaign_id,
            owner_org_id: a.owner_org_id,
            owner_name: a.owner_name,
            kind: a.kind,
            title: a.title,
            schedule_kind: a.schedule_kind,
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            mode: a.mode,
            public: a.public,
            organisers: organisers.into_iter().map(Into::into).collect(),
        }
    }
}

/// An activity with its venues, sessions and debugging slots.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityDto {
    #[serde(flatten)]
    pub activity: ActivityRefDto,
    pub description: Option<String>,
    pub audience: Option<String>,
    pub audience_roles: Vec<String>,
    pub form_fields: Vec<String>,
    pub notice_id: Option<i64>,
    /// The activity plan task it belongs to (reporting), when linked.
    pub task_id: Option<i64>,
    pub venues: Vec<VenueDto>,
    pub sessions: Vec<SessionDto>,
    pub debug_slots: Vec<DebugSlotDto>,
}

impl From<Activity> for ActivityDto {
    fn from(a: Activity) -> Self {
        let audience_roles = a
            .row
            .audience_role_codes()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let form_fields = a
            .row
            .form_field_codes()
            .into_iter()
            .map(str::to_owned)
            .collect();
        ActivityDto {
            description: a.row.description.clone(),
            audience: a.row.audience.clone(),
            notice_id: a.row.notice_id,
            task_id: a.row.task_id,
            audience_roles,
            form_fields,
            activity: ActivityRefDto::new(a.row, a.organisers),
            venues: a.venues.into_iter().map(Into::into).collect(),
            sessions: a.sessions.into_iter().map(Into::into).collect(),
            debug_slots: a.debug_slots.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDto {
    pub total: i64,
    pub items: Vec<ActivityRefDto>,
}

/// A registration. `ticket` is returned only to the person who registered (and to those
/// who check people in): it opens the ticket page, cancellation and the personal feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationDto {
    pub id: i64,
    pub session_id: i64,
    pub activity_id: i64,
    /// `confirmed`, `waiting` or `cancelled`.
    pub status: String,
    /// Place on the waiting list, 0 when not waiting.
    pub queue_position: i64,
    pub name: String,
    pub company: Option<String>,
    pub position: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub attendance: Option<String>,
    pub audience_role: Option<String>,
    pub ticket: String,
    /// The short ticket code people read out and type at check-in (`K7M2Q9XD`; shown as
    /// `K7M2-Q9XD`).
    pub code: String,
    pub created_at: DateTime<Utc>,
    pub promoted_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
}

impl From<Registration> for RegistrationDto {
    fn from(r: Registration) -> Self {
        RegistrationDto {
            id: r.id,
            session_id: r.session_id,
            activity_id: r.activity_id,
            status: r.status.as_str().to_owned(),
            queue_position: r.queue_position,
            name: r.name,
            company: r.company,
            position: r.position,
            phone: r.phone,
            email: r.email,
            attendance: r.attendance,
            audience_role: r.audience_role,
            ticket: r.ticket,
            code: r.code,
            created_at: r.created_at,
            promoted_at: r.promoted_at,
            cancelled_at: r.cancelled_at,
            checked_in_at: r.checked_in_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardRowDto {
    pub venue_id: i64,
    pub venue_name: String,
    pub org_id: Option<i64>,
    pub slot_id: i64,
    pub slot_label: String,
    pub slot_starts_at: DateTime<Utc>,
    /// `pending`, `ready` or `not_ready`.
    pub readiness: String,
    pub test_confirmed: bool,
    pub technician_name: Option<String>,
    pub technician_phone: Option<String>,
    pub note: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<BoardRow> for BoardRowDto {
    fn from(b: BoardRow) -> Self {
        BoardRowDto {
            venue_id: b.venue_id,
            venue_name: b.venue_name,
            org_id: b.org_id,
            slot_id: b.slot_id,
            slot_label: b.slot_label,
            slot_starts_at: b.slot_starts_at,
            readiness: b.readiness,
            test_confirmed: b.test_confirmed,
            technician_name: b.technician_name,
            technician_phone: b.technician_phone,
            note: b.note,
            updated_at: b.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CapacityBody {
    /// Whole number of places; empty = no limit.
    pub capacity: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CheckinBatch {
    #[schema(value_type = Vec<form::CheckinInput>)]
    pub items: Vec<CheckinInput>,
}

// ---------------------------------------------------------------- handlers

/// Create an activity with its organisers, venues (branch venues generated from a list),
/// sessions and debugging slots, in one transaction.
#[utoipa::path(
    post, path = "/api/v1/activities", tag = "activities",
    request_body = form::ActivityForm,
    responses(
        (status = 201, description = "已创建 Created", body = ActivityDto),
        (status = 403, description = "无权 Not allowed", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<ActivityForm>,
) -> ApiResult<(StatusCode, Json<ActivityDto>)> {
    let a = svc::create_activity(&state, &user.account, &body).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// The activity calendar: public activities for everyone; internal ones of one's own tree.
#[utoipa::path(
    get, path = "/api/v1/activities", tag = "activities",
    params(form::CalendarParams),
    responses(
        (status = 200, description = "活动 Activities in start order", body = CalendarDto),
        (status = 422, description = "筛选条件有误 Bad filter", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn calendar(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(p): ApiQuery<CalendarParams>,
) -> ApiResult<Json<CalendarDto>> {
    let (items, total) = svc::calendar(&state, ctx.account(), &p).await?;
    Ok(Json(CalendarDto {
        total,
        items: items
            .into_iter()
            .map(|i| ActivityRefDto::new(i.activity, i.organisers))
            .collect(),
    }))
}

/// One activity.
#[utoipa::path(
    get, path = "/api/v1/activities/{id}", tag = "activities",
    params(("id" = i64, Path, description = "活动编号 Activity id")),
    responses(
        (status = 200, description = "活动 The activity", body = ActivityDto),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个活动 No such activity", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ActivityDto>> {
    let v = svc::activity_view(&state, ctx.account(), id).await?;
    Ok(Json(v.activity.into()))
}

/// Add a session (a sitting people register for) to an activity.
#[utoipa::path(
    post, path = "/api/v1/activities/{id}/sessions", tag = "activities",
    params(("id" = i64, Path, description = "活动编号 Activity id")),
    request_body = form::SessionForm,
    responses(
        (status = 201, description = "已添加 Added", body = SessionDto),
        (status = 422, description = "例如结束早于开始 E.g. ends before it starts", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn add_session(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SessionForm>,
) -> ApiResult<(StatusCode, Json<SessionDto>)> {
    let s = svc::add_session(&state, &user.account, id, &body).await?;
    Ok((StatusCode::CREATED, Json(s.into())))
}

/// Change a session's capacity. Fewer places than confirmed registrations is refused
/// (`capacity_below_registrations`); more places promote from the waiting list.
#[utoipa::path(
    put, path = "/api/v1/sessions/{id}/capacity", tag = "activities",
    params(("id" = i64, Path, description = "场次编号 Session id")),
    request_body = CapacityBody,
    responses(
        (status = 200, description = "已修改 Changed", body = SessionDto),
        (status = 422, description = "名额少于已报名人数 Below registrations", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn set_capacity(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CapacityBody>,
) -> ApiResult<Json<SessionDto>> {
    let s = svc::set_capacity(&state, &user.account, id, &body.capacity).await?;
    Ok(Json(s.into()))
}

/// Register for a session: confirmed while places are left, else on the waiting list.
#[utoipa::path(
    post, path = "/api/v1/sessions/{id}/registrations", tag = "activities",
    params(("id" = i64, Path, description = "场次编号 Session id")),
    request_body = form::RegistrationForm,
    responses(
        (status = 201, description = "已报名或候补 Registered or waiting", body = RegistrationDto),
        (status = 422, description = "字段有误、已截止（registration_closed）、重复报名（already_registered） Bad field, closed, duplicate", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RegistrationForm>,
) -> ApiResult<(StatusCode, Json<RegistrationDto>)> {
    let r = svc::register(&state, ctx.account(), id, &body).await?;
    Ok((StatusCode::CREATED, Json(r.into())))
}

/// A session's registrations: confirmed and waiting in order, then cancelled.
#[utoipa::path(
    get, path = "/api/v1/sessions/{id}/registrations", tag = "activities",
    params(("id" = i64, Path, description = "场次编号 Session id")),
    responses(
        (status = 200, description = "报名名单 Registrations", body = Vec<RegistrationDto>),
        (status = 403, description = "无权 Not allowed", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn registrations(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<RegistrationDto>>> {
    let (_, _, regs) = svc::registrations(&state, &user.account, id).await?;
    Ok(Json(regs.into_iter().map(Into::into).collect()))
}

/// Cancel a registration by its ticket code; the first on the waiting list moves up.
#[utoipa::path(
    post, path = "/api/v1/tickets/{ticket}/cancel", tag = "activities",
    params(("ticket" = String, Path, description = "凭证号 Ticket code")),
    responses(
        (status = 200, description = "已取消 Cancelled", body = RegistrationDto),
        (status = 404, description = "没有这个凭证 No such ticket", body = ErrorBody),
        (status = 409, description = "已取消 Already cancelled", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn cancel(
    State(state): State<AppState>,
    ApiPath(ticket): ApiPath<String>,
) -> ApiResult<Json<RegistrationDto>> {
    let t = svc::cancel_by_ticket(&state, &ticket).await?;
    Ok(Json(t.registration.into()))
}

/// Send check-ins (from the QR page's offline queue or the list). Each item carries a
/// client-generated id; resending counts once.
#[utoipa::path(
    post, path = "/api/v1/sessions/{id}/checkins", tag = "activities",
    params(("id" = i64, Path, description = "场次编号 Session id")),
    request_body = CheckinBatch,
    responses(
        (status = 200, description = "每条的结果 The outcome of each", body = Vec<form::CheckinResult>),
        (status = 403, description = "无权 Not allowed", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn check_in(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CheckinBatch>,
) -> ApiResult<Json<Vec<CheckinResult>>> {
    Ok(Json(
        svc::check_in(&state, &user.account, id, &body.items).await?,
    ))
}

/// A branch venue confirms its test, names its technician and reports ready / not ready
/// for one debugging slot.
#[utoipa::path(
    put, path = "/api/v1/activities/{id}/venues/{venue_id}/slots/{slot_id}", tag = "activities",
    params(
        ("id" = i64, Path, description = "活动编号 Activity id"),
        ("venue_id" = i64, Path, description = "会场编号 Venue id"),
        ("slot_id" = i64, Path, description = "调试编号 Debugging slot id"),
    ),
    request_body = form::ReadinessForm,
    responses(
        (status = 204, description = "已记录 Recorded"),
        (status = 403, description = "无权 Not allowed", body = ErrorBody),
        (status = 422, description = "字段有误 Bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn report_readiness(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, venue_id, slot_id)): ApiPath<(i64, i64, i64)>,
    ApiJson(body): ApiJson<ReadinessForm>,
) -> ApiResult<StatusCode> {
    svc::report_readiness(&state, &user.account, id, venue_id, slot_id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The day-of board: every branch venue's state for every debugging slot.
#[utoipa::path(
    get, path = "/api/v1/activities/{id}/board", tag = "activities",
    params(("id" = i64, Path, description = "活动编号 Activity id")),
    responses(
        (status = 200, description = "看板 The board", body = Vec<BoardRowDto>),
        (status = 403, description = "无权 Not allowed", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn board(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<BoardRowDto>>> {
    let (_, rows) = svc::board(&state, &user.account, id).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}
