//! Poster distribution (海报寄送) under publicity: shipments from a sender to many
//! addressees, their confirmations (received, put up with an optional photo), the board
//! and its xlsx export; and the xlsx export of the materials list. Who may do what is
//! decided by `renke_app::shipments`.

use super::ApiResult;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::schema::form;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use renke_app::publicity::MaterialQuery;
use renke_app::shipments::{
    self as svc, Board, BoardQuery, LineForm, Shipment, ShipmentForm, ShipmentLine, ShipmentList,
    ShipmentQuery,
};
use serde::Serialize;
use utoipa::ToSchema;

/// Rows per page of the API's lists.
const LIMIT: i64 = 50;

/// A shipment (寄送): what, from whom, and its lines' counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShipmentDto {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_title: String,
    pub sender_org_id: i64,
    pub sender_name: String,
    /// 寄送物品, e.g. 世界认可日海报.
    pub item: String,
    pub print_size: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Addressees.
    pub total: i64,
    /// Addressees that confirmed receipt (including those that put the posters up).
    pub received: i64,
    /// Addressees that confirmed the posters are up.
    pub posted: i64,
}

impl From<Shipment> for ShipmentDto {
    fn from(s: Shipment) -> Self {
        ShipmentDto {
            id: s.id,
            campaign_id: s.campaign_id,
            campaign_title: s.campaign_title,
            sender_org_id: s.sender_org_id,
            sender_name: s.sender_name,
            item: s.item,
            print_size: s.print_size,
            note: s.note,
            created_at: s.created_at,
            total: s.counts.total,
            received: s.counts.received,
            posted: s.counts.posted,
        }
    }
}

/// One addressee's line of a shipment.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShipmentLineDto {
    pub id: i64,
    pub shipment_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub quantity: i64,
    pub courier: Option<String>,
    pub tracking_no: Option<String>,
    /// sent (已寄出), received (已签收), posted (已张贴).
    pub state: String,
    pub state_zh: String,
    pub received_at: Option<DateTime<Utc>>,
    pub posted_at: Option<DateTime<Utc>>,
    /// `/api/v1/publicity/shipments/lines/{id}/photo`, when a put-up photo was given.
    pub photo_url: Option<String>,
    /// `/api/v1/publicity/shipments/lines/{id}/thumbnail`.
    pub thumbnail_url: Option<String>,
    pub item: String,
    pub print_size: Option<String>,
    pub sender_org_id: i64,
    pub sender_name: String,
    pub sent_at: DateTime<Utc>,
}

impl From<ShipmentLine> for ShipmentLineDto {
    fn from(l: ShipmentLine) -> Self {
        let url = |what: &str| format!("/api/v1/publicity/shipments/lines/{}/{what}", l.id);
        ShipmentLineDto {
            photo_url: l.photo_id.map(|_| url("photo")),
            thumbnail_url: l.thumb_id.map(|_| url("thumbnail")),
            id: l.id,
            shipment_id: l.shipment_id,
            org_id: l.org_id,
            org_name: l.org_name,
            quantity: l.quantity,
            courier: l.courier,
            tracking_no: l.tracking_no,
            state: l.state.as_str().to_owned(),
            state_zh: l.state.zh().to_owned(),
            received_at: l.received_at,
            posted_at: l.posted_at,
            item: l.item,
            print_size: l.print_size,
            sender_org_id: l.sender_org_id,
            sender_name: l.sender_name,
            sent_at: l.sent_at,
        }
    }
}

/// The caller's list: `received` lines (tab `received`) or `sent` shipments (tab `sent`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ShipmentsDto {
    pub received: Vec<ShipmentLineDto>,
    pub sent: Vec<ShipmentDto>,
    pub total: i64,
    pub offset: i64,
    /// The caller sends shipments for its unit.
    pub may_send: bool,
}

/// A shipment's board as the caller sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShipmentBoardDto {
    pub shipment: ShipmentDto,
    /// The caller reads every line (the sender and above); otherwise `lines` is empty.
    pub full: bool,
    /// The lines of the filter (`pending`), paged.
    pub lines: Vec<ShipmentLineDto>,
    pub total: i64,
    pub offset: i64,
    /// The caller's own unit's line, when it is an addressee.
    pub mine: Option<ShipmentLineDto>,
    /// The caller confirms receipt and put-up for `mine`.
    pub confirms: bool,
    /// The caller sends for the sender (edits lines still on their way).
    pub manages: bool,
}

impl From<Board> for ShipmentBoardDto {
    fn from(b: Board) -> Self {
        ShipmentBoardDto {
            shipment: b.shipment.into(),
            full: b.full,
            total: b.lines.total,
            offset: b.lines.offset,
            lines: b.lines.items.into_iter().map(Into::into).collect(),
            mine: b.mine.map(Into::into),
            confirms: b.confirms,
            manages: b.manages,
        }
    }
}

/// The put-up confirmation: an optional photo.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PostedUploadDto {
    /// 张贴照片 The photo: JPG or PNG, at most 20 MB (optional).
    #[schema(format = Binary, value_type = String)]
    file: Option<Vec<u8>>,
}

/// What was sent to the caller's unit (`tab=received`), or what it — and, for those who
/// see below, the units below it — sent (`tab=sent`).
#[utoipa::path(
    get, path = "/api/v1/publicity/shipments", tag = "publicity",
    params(form::ShipmentQuery),
    responses(
        (status = 200, description = "寄送 Shipments", body = ShipmentsDto),
        (status = 422, description = "`campaign_id`: `unknown_value`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ShipmentQuery>,
) -> ApiResult<Json<ShipmentsDto>> {
    let (l, may_send) = svc::list(&state, &user.account, &q, LIMIT).await?;
    Ok(Json(match l {
        ShipmentList::Received(p) => ShipmentsDto {
            total: p.total,
            offset: p.offset,
            received: p.items.into_iter().map(Into::into).collect(),
            sent: Vec::new(),
            may_send,
        },
        ShipmentList::Sent(p) => ShipmentsDto {
            total: p.total,
            offset: p.offset,
            received: Vec::new(),
            sent: p.items.into_iter().map(Into::into).collect(),
            may_send,
        },
    }))
}

/// Send posters from the caller's unit to many addressees at once (below it or beside
/// it); each is told in-app.
#[utoipa::path(
    post, path = "/api/v1/publicity/shipments", tag = "publicity",
    request_body = form::ShipmentForm,
    responses(
        (status = 201, description = "已寄出 Sent", body = ShipmentBoardDto),
        (status = 403, description = "无权寄送 The caller does not send for its unit", body = ErrorBody),
        (status = 422, description = "`campaign_id`: `required`, `unknown_value`; `item`: `required`, `too_long`; `quantity`: `required`, `quantity_invalid`; `print_size`, `courier`, `note`: `too_long`; `addressees`: `required`, `unknown_value`, `too_many`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(f): ApiJson<ShipmentForm>,
) -> ApiResult<(StatusCode, Json<ShipmentBoardDto>)> {
    let id = svc::create(&state, &user.account, &f).await?;
    let b = svc::board(&state, &user.account, id, &BoardQuery::default(), LIMIT).await?;
    Ok((StatusCode::CREATED, Json(b.into())))
}

/// A shipment's board: counts and lines (filter `pending=not_received|not_posted`) for the
/// sender and those above it; the shipment and its own line for an addressee.
#[utoipa::path(
    get, path = "/api/v1/publicity/shipments/{id}", tag = "publicity",
    params(("id" = i64, Path, description = "寄送编号 Shipment id"), form::BoardQuery),
    responses(
        (status = 200, description = "签收与张贴情况 The board", body = ShipmentBoardDto),
        (status = 404, description = "没有这次寄送，或无权查看 No such shipment, or not readable by the caller", body = ErrorBody),
        (status = 422, description = "`pending`: `unknown_value`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn board(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<BoardQuery>,
) -> ApiResult<Json<ShipmentBoardDto>> {
    Ok(Json(
        svc::board(&state, &user.account, id, &q, LIMIT)
            .await?
            .into(),
    ))
}

/// Every line of a shipment as an xlsx workbook (the board's readers).
#[utoipa::path(
    get, path = "/api/v1/publicity/shipments/{id}/lines.xlsx", tag = "publicity",
    params(("id" = i64, Path, description = "寄送编号 Shipment id")),
    responses(
        (status = 200, description = "寄送情况 The lines", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, description = "没有这次寄送，或无权查看 No such shipment, or not readable by the caller", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn lines_xlsx(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (name, bytes) = svc::lines_xlsx(&state, &user.account, id).await?;
    Ok(crate::pages::download(&name, crate::pages::XLSX, bytes))
}

/// The addressee confirms receipt (签收), once.
#[utoipa::path(
    post, path = "/api/v1/publicity/shipments/lines/{id}/receive", tag = "publicity",
    params(("id" = i64, Path, description = "寄送记录编号 Line id")),
    responses(
        (status = 200, description = "已签收 Received", body = ShipmentLineDto),
        (status = 403, description = "只有收件单位可以签收 Only the addressee confirms", body = ErrorBody),
        (status = 404, description = "没有这条寄送记录 No such line", body = ErrorBody),
        (status = 409, description = "`shipment_already_received`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn receive(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ShipmentLineDto>> {
    Ok(Json(svc::receive(&state, &user.account, id).await?.into()))
}

/// The addressee confirms the posters are up (张贴), after receipt, with an optional
/// photo (multipart field `file`).
#[utoipa::path(
    post, path = "/api/v1/publicity/shipments/lines/{id}/posted", tag = "publicity",
    params(("id" = i64, Path, description = "寄送记录编号 Line id")),
    request_body(content = PostedUploadDto, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "已张贴 Put up", body = ShipmentLineDto),
        (status = 403, description = "只有收件单位可以确认 Only the addressee confirms", body = ErrorBody),
        (status = 404, description = "没有这条寄送记录 No such line", body = ErrorBody),
        (status = 409, description = "`shipment_not_received`, `shipment_already_posted`", body = ErrorBody),
        (status = 422, description = "`file`: `file_type_refused`, `file_too_large`, `file_content_mismatch`, `image_unreadable`, `storage_quota_exceeded`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn posted(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    req: axum::extract::Request,
) -> ApiResult<Json<ShipmentLineDto>> {
    let (_, files): (Vec<(String, String)>, _) = crate::pages::read_form_with_files(req).await?;
    Ok(Json(
        svc::post(&state, &user.account, id, files.first())
            .await?
            .into(),
    ))
}

/// The sender changes a line's copies, courier and tracking number while it is on its way.
#[utoipa::path(
    put, path = "/api/v1/publicity/shipments/lines/{id}", tag = "publicity",
    params(("id" = i64, Path, description = "寄送记录编号 Line id")),
    request_body = form::LineForm,
    responses(
        (status = 200, description = "已保存 Saved", body = ShipmentLineDto),
        (status = 403, description = "只有寄件单位可以修改 Only the sender changes a line", body = ErrorBody),
        (status = 404, description = "没有这条寄送记录 No such line", body = ErrorBody),
        (status = 409, description = "`shipment_already_received`", body = ErrorBody),
        (status = 422, description = "`quantity`: `required`, `quantity_invalid`; `courier`: `too_long`; `tracking_no`: `tracking_invalid`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn edit_line(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<LineForm>,
) -> ApiResult<Json<ShipmentLineDto>> {
    Ok(Json(
        svc::edit_line(&state, &user.account, id, &f).await?.into(),
    ))
}

/// A line's put-up photo.
#[utoipa::path(
    get, path = "/api/v1/publicity/shipments/lines/{id}/photo", tag = "publicity",
    params(("id" = i64, Path, description = "寄送记录编号 Line id")),
    responses(
        (status = 200, description = "照片 The photo", content_type = "*/*"),
        (status = 404, description = "没有照片 No photo", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn photo(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    photo_of(&state, &user, id, false).await
}

/// A line's put-up photo's thumbnail (JPEG, at most 320 px a side).
#[utoipa::path(
    get, path = "/api/v1/publicity/shipments/lines/{id}/thumbnail", tag = "publicity",
    params(("id" = i64, Path, description = "寄送记录编号 Line id")),
    responses(
        (status = 200, description = "缩略图 The thumbnail", content_type = "image/jpeg"),
        (status = 404, description = "没有照片 No photo", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn thumbnail(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    photo_of(&state, &user, id, true).await
}

async fn photo_of(state: &AppState, user: &ApiUser, id: i64, thumb: bool) -> ApiResult<Response> {
    let (f, stream) = svc::photo(state, &user.account, id, thumb).await?;
    Ok(crate::download::stored(&f, stream))
}

/// The caller's materials list (the filters of `GET /api/v1/publicity/materials`, every
/// page) as an xlsx workbook.
#[utoipa::path(
    get, path = "/api/v1/publicity/materials.xlsx", tag = "publicity",
    params(form::MaterialQuery),
    responses(
        (status = 200, description = "宣传资料 The materials", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, description = "不审核下级资料 The caller reviews no unit (`tab=review`)", body = ErrorBody),
        (status = 422, description = "`state`, `kind`, `campaign_id`: `unknown_value`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn materials_xlsx(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<MaterialQuery>,
) -> ApiResult<Response> {
    let (name, bytes) =
        renke_app::publicity_xlsx::materials_xlsx(&state, &user.account, &q).await?;
    Ok(crate::pages::download(&name, crate::pages::XLSX, bytes))
}
