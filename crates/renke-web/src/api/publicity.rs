//! Publicity (宣传): the materials library (upload, review, publication) and each
//! campaign's public download zone. Who may do what is decided by `renke_app::publicity`.

use super::ApiResult;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::schema::form;
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use renke_app::publicity::{
    self as svc, Material, MaterialForm, MaterialQuery, MaterialView, StepForm, ZoneQuery,
};
use serde::Serialize;
use utoipa::ToSchema;

/// Materials per page of the API's lists.
const LIMIT: i64 = 50;

/// A publicity material (宣传资料).
#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialDto {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_title: String,
    pub activity_id: Option<i64>,
    pub activity_title: Option<String>,
    /// The unit it belongs to (for official material, the campaign's organiser).
    pub org_id: i64,
    pub org_name: String,
    /// photo, video, poster, news_draft, clipping, document.
    pub kind: String,
    pub kind_zh: String,
    pub title: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    /// 授权说明 The rights and consent note.
    pub consent: Option<String>,
    /// A video's link (instead of a file).
    pub link: Option<String>,
    pub file_name: Option<String>,
    pub file_size: Option<i64>,
    /// `/api/v1/publicity/materials/{id}/file`, when there is a file.
    pub file_url: Option<String>,
    /// `/api/v1/publicity/materials/{id}/thumbnail`, for images.
    pub thumbnail_url: Option<String>,
    /// The campaign's own material, published when added.
    pub official: bool,
    /// submitted, accepted, published, returned, withdrawn.
    pub state: String,
    pub state_zh: String,
    /// Why it was returned.
    pub reason: Option<String>,
    pub downloads: i64,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
}

impl From<Material> for MaterialDto {
    fn from(m: Material) -> Self {
        let url = |what: &str| format!("/api/v1/publicity/materials/{}/{what}", m.id);
        MaterialDto {
            file_url: m.file_id.map(|_| url("file")),
            thumbnail_url: m.thumb_id.map(|_| url("thumbnail")),
            id: m.id,
            campaign_id: m.campaign_id,
            campaign_title: m.campaign_title,
            activity_id: m.activity_id,
            activity_title: m.activity_title,
            org_id: m.org_id,
            org_name: m.org_name,
            kind: m.kind.as_str().to_owned(),
            kind_zh: m.kind.zh().to_owned(),
            title: m.title,
            description: m.description,
            tags: m.tags,
            consent: m.consent,
            link: m.link,
            file_name: m.file_name,
            file_size: m.file_size,
            official: m.official,
            state: m.state.as_str().to_owned(),
            state_zh: m.state.zh().to_owned(),
            reason: m.reason,
            downloads: m.downloads,
            submitted_at: m.submitted_at,
            decided_at: m.decided_at,
            published_at: m.published_at,
        }
    }
}

/// A material with the steps the caller may take on it now.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialViewDto {
    pub material: MaterialDto,
    /// Of accept, return, publish (the reviewer), resubmit, withdraw (the unit).
    pub steps: Vec<String>,
}

impl From<MaterialView> for MaterialViewDto {
    fn from(v: MaterialView) -> Self {
        MaterialViewDto {
            steps: v.steps.iter().map(|s| s.as_str().to_owned()).collect(),
            material: v.m.into(),
        }
    }
}

/// A page of materials.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialsDto {
    pub items: Vec<MaterialDto>,
    pub total: i64,
    pub offset: i64,
    /// The caller reviews material of the units below it (the `review` tab).
    pub reviews: bool,
}

/// A campaign's download zone.
#[derive(Debug, Serialize, ToSchema)]
pub struct ZoneDto {
    /// Official material first, then published material, newest first.
    pub items: Vec<MaterialDto>,
    pub total: i64,
    pub offset: i64,
    /// The units with published material, for the filter.
    pub units: Vec<UnitDto>,
}

/// A unit of the zone's filter.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    pub id: i64,
    pub name: String,
}

/// The upload form: the fields of `MaterialForm` and the file.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MaterialUploadDto {
    /// 主题活动编号 Campaign id.
    campaign_id: i64,
    /// 活动编号 Activity id (optional).
    activity_id: Option<i64>,
    /// photo, video, poster, news_draft, clipping, document.
    kind: String,
    title: String,
    description: Option<String>,
    /// 标签, separated by commas or 、.
    tags: Option<String>,
    /// 授权说明, required for photos and videos.
    consent: Option<String>,
    /// A video's link, instead of a file.
    link: Option<String>,
    /// `1`: official material of a campaign the caller organises, published at once.
    official: Option<String>,
    /// 文件 The file.
    #[schema(format = Binary, value_type = String)]
    file: Option<Vec<u8>>,
}

/// The caller's materials (`tab=mine`) or those of the units below it awaiting its review
/// (`tab=review`), filtered by state, kind and campaign.
#[utoipa::path(
    get, path = "/api/v1/publicity/materials", tag = "publicity",
    params(form::MaterialQuery),
    responses(
        (status = 200, description = "宣传资料 Materials", body = MaterialsDto),
        (status = 403, description = "不审核下级资料 The caller reviews no unit (`tab=review`)", body = ErrorBody),
        (status = 422, description = "`state`, `kind`, `campaign_id`: `unknown_value`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<MaterialQuery>,
) -> ApiResult<Json<MaterialsDto>> {
    let l = svc::list(&state, &user.account, &q, LIMIT).await?;
    Ok(Json(MaterialsDto {
        total: l.page.total,
        offset: l.page.offset,
        items: l.page.items.into_iter().map(Into::into).collect(),
        reviews: l.reviews,
    }))
}

/// Upload a material for the caller's organisation, or official material for a campaign
/// the caller organises (multipart form: the fields and `file`).
#[utoipa::path(
    post, path = "/api/v1/publicity/materials", tag = "publicity",
    request_body(content = MaterialUploadDto, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "已上传，待审核 Uploaded, awaiting review", body = MaterialDto),
        (status = 403, description = "无权上传 Not allowed", body = ErrorBody),
        (status = 422, description = "`campaign_id`, `activity_id`: `required`, `unknown_value`; `kind`; `title`; `consent`: `consent_required`; `link`: `link_invalid`, `link_only_for_video`, `file_or_link`; `file`: `required`, `file_type_refused`, `file_too_large`, `file_content_mismatch`, `image_unreadable`, `storage_quota_exceeded`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn submit(
    State(state): State<AppState>,
    user: ApiUser,
    req: axum::extract::Request,
) -> ApiResult<(StatusCode, Json<MaterialDto>)> {
    let (f, files): (MaterialForm, _) = crate::pages::read_form_with_files(req).await?;
    let m = svc::submit(&state, &user.account, &f, files.first()).await?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

/// One material: published ones for anyone, others for the unit and its reviewers.
#[utoipa::path(
    get, path = "/api/v1/publicity/materials/{id}", tag = "publicity",
    params(("id" = i64, Path, description = "资料编号 Material id")),
    responses(
        (status = 200, description = "资料 The material", body = MaterialViewDto),
        (status = 404, description = "没有这份资料，或无权查看 No such material, or not readable by the caller", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MaterialViewDto>> {
    Ok(Json(svc::get(&state, ctx.account(), id).await?.into()))
}

/// Take a step on a material: accept, return (with `reason`) or publish (its reviewer);
/// resubmit or withdraw (its unit).
#[utoipa::path(
    post, path = "/api/v1/publicity/materials/{id}/step", tag = "publicity",
    params(("id" = i64, Path, description = "资料编号 Material id")),
    request_body = form::StepForm,
    responses(
        (status = 200, description = "已处理 Done", body = MaterialViewDto),
        (status = 403, description = "无权操作 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这份资料，或无权查看 No such material, or not readable by the caller", body = ErrorBody),
        (status = 409, description = "`material_not_submitted`, `material_not_accepted`, `material_not_returned`, `material_already_accepted`", body = ErrorBody),
        (status = 422, description = "`step`: `unknown_value`; `reason`: `required` to return", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn step(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StepForm>,
) -> ApiResult<Json<MaterialViewDto>> {
    Ok(Json(
        svc::take_step(&state, &user.account, id, &body)
            .await?
            .into(),
    ))
}

/// Download a material's file (counted, for published material).
#[utoipa::path(
    get, path = "/api/v1/publicity/materials/{id}/file", tag = "publicity",
    params(("id" = i64, Path, description = "资料编号 Material id")),
    responses(
        (status = 200, description = "文件 The file", content_type = "*/*"),
        (status = 404, description = "没有这个文件 No such file", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (f, stream) = svc::file(&state, ctx.account(), id, false).await?;
    Ok(crate::download::stored(&f, stream))
}

/// A material's thumbnail (JPEG, at most 320 px a side), for images.
#[utoipa::path(
    get, path = "/api/v1/publicity/materials/{id}/thumbnail", tag = "publicity",
    params(("id" = i64, Path, description = "资料编号 Material id")),
    responses(
        (status = 200, description = "缩略图 The thumbnail", content_type = "image/jpeg"),
        (status = 404, description = "没有缩略图 No thumbnail", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn thumbnail(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (f, stream) = svc::file(&state, ctx.account(), id, true).await?;
    Ok(crate::download::stored(&f, stream))
}

/// A campaign's public download zone: its official material and published materials,
/// filtered by kind and unit.
#[utoipa::path(
    get, path = "/api/v1/publicity/campaigns/{id}/zone", tag = "publicity",
    params(("id" = i64, Path, description = "主题活动编号 Campaign id"), form::ZoneQuery),
    responses(
        (status = 200, description = "下载专区 The download zone", body = ZoneDto),
        (status = 404, description = "没有这个主题活动 No such campaign", body = ErrorBody),
        (status = 422, description = "`kind`, `org`: `unknown_value`", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn zone(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ZoneQuery>,
) -> ApiResult<Json<ZoneDto>> {
    let z = svc::zone(&state, ctx.account(), id, &q, LIMIT).await?;
    Ok(Json(ZoneDto {
        total: z.page.total,
        offset: z.page.offset,
        items: z.page.items.into_iter().map(Into::into).collect(),
        units: z
            .units
            .into_iter()
            .map(|(id, name)| UnitDto { id, name })
            .collect(),
    }))
}
