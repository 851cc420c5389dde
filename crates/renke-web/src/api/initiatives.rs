//! Publicity (宣传): the industry initiative (publish, sign once per institution, withdraw,
//! close, the signatories, who has not signed) and the certificate ceremony (a ceremony
//! activity's certificate list, added by form or imported, and the public verification of
//! a certificate number). Who may do what is decided by `renke_app::initiatives` and
//! `renke_app::ceremony`.

use super::ApiResult;
use super::dto::PageQuery;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::schema::form;
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use renke_app::ceremony::{self as ceremony, CertificateForm, CertificateRow, Verified};
use renke_app::initiatives::{
    self as svc, Initiative, InitiativeForm, InitiativeView, SignForm, Signature, Unsigned,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An industry initiative (行业倡议).
#[derive(Debug, Serialize, ToSchema)]
pub struct InitiativeDto {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_title: String,
    pub activity_id: Option<i64>,
    pub activity_title: Option<String>,
    /// 发起单位 The publisher.
    pub owner_org_id: i64,
    pub owner_name: String,
    pub title: String,
    pub body: String,
    /// 倡议对象 The kinds of institution addressed.
    pub kinds: Vec<String>,
    /// The bureau whose subtree is addressed.
    pub area_name: String,
    /// open, closed.
    pub state: String,
    pub state_zh: String,
    pub published_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// 签署数 How many institutions have signed.
    pub signatures: i64,
    /// `/initiatives/{id}`, the public page.
    pub public_url: String,
}

impl From<Initiative> for InitiativeDto {
    fn from(i: Initiative) -> Self {
        InitiativeDto {
            public_url: format!("/initiatives/{}", i.id),
            kinds: i.kinds.iter().map(|k| k.as_str().to_owned()).collect(),
            state: i.state.as_str().to_owned(),
            state_zh: i.state.zh().to_owned(),
            id: i.id,
            campaign_id: i.campaign_id,
            campaign_title: i.campaign_title,
            activity_id: i.activity_id,
            activity_title: i.activity_title,
            owner_org_id: i.owner_org_id,
            owner_name: i.owner_name,
            title: i.title,
            body: i.body,
            area_name: i.area_name,
            published_at: i.published_at,
            closed_at: i.closed_at,
            signatures: i.signatures,
        }
    }
}

/// An institution's signature.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureDto {
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: String,
    /// 签署人姓名
    pub signer_name: String,
    /// 签署人职务
    pub signer_title: String,
    pub signed_at: DateTime<Utc>,
}

impl From<Signature> for SignatureDto {
    fn from(s: Signature) -> Self {
        SignatureDto {
            org_id: s.org_id,
            org_name: s.org_name,
            org_kind: s.org_kind,
            signer_name: s.signer_name,
            signer_title: s.signer_title,
            signed_at: s.signed_at,
        }
    }
}

/// An initiative as the caller sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InitiativeViewDto {
    pub initiative: InitiativeDto,
    /// The caller's institution's signature, if it signed.
    pub mine: Option<SignatureDto>,
    /// The caller may sign now.
    pub may_sign: bool,
    /// The caller may close it (its publisher).
    pub may_close: bool,
    /// The caller follows who has not signed.
    pub follows: bool,
}

impl From<InitiativeView> for InitiativeViewDto {
    fn from(v: InitiativeView) -> Self {
        InitiativeViewDto {
            mine: v.mine.map(Into::into),
            may_sign: v.may_sign,
            may_close: v.may_close,
            follows: v.follows,
            initiative: v.i.into(),
        }
    }
}

/// A page of signatures.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignaturesDto {
    pub items: Vec<SignatureDto>,
    pub total: i64,
    pub offset: i64,
}

/// An addressed institution that has not signed.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnsignedDto {
    pub org_id: i64,
    pub name: String,
    pub kind: String,
    /// The organisation directly above it.
    pub parent_name: Option<String>,
}

/// Who has not signed, paged.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnsignedPageDto {
    pub items: Vec<UnsignedDto>,
    /// How many have not signed.
    pub total: i64,
    pub offset: i64,
    /// How many institutions the initiative addresses in all.
    pub addressed: i64,
}

fn unsigned_dto(u: Unsigned) -> UnsignedDto {
    UnsignedDto {
        org_id: u.org_id,
        name: u.name,
        kind: u.kind,
        parent_name: u.parent_name,
    }
}

/// The initiatives of the campaigns the caller sees, with what it may do.
#[utoipa::path(
    get, path = "/api/v1/publicity/initiatives", tag = "publicity",
    responses((status = 200, description = "行业倡议 Initiatives", body = Vec<InitiativeViewDto>)),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Json<Vec<InitiativeViewDto>>> {
    let items = svc::list(&state, &user.account).await?;
    Ok(Json(items.into_iter().map(Into::into).collect()))
}

/// Publish an initiative in the name of the caller's organisation (an association's or a
/// bureau's organiser), open for signatures at once.
#[utoipa::path(
    post, path = "/api/v1/publicity/initiatives", tag = "publicity",
    request_body = form::InitiativeForm,
    responses(
        (status = 201, description = "已发布 Published", body = InitiativeDto),
        (status = 403, description = "无权发布 Not allowed", body = ErrorBody),
        (status = 422, description = "`campaign_id`, `activity_id`: `required`, `unknown_value`; `title`, `body`: `required`, `too_long`; `kinds`: `required`, `unknown_value`, `kind_not_addressable`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn publish(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(f): ApiJson<InitiativeForm>,
) -> ApiResult<(StatusCode, Json<InitiativeDto>)> {
    let i = svc::publish(&state, &user.account, &f).await?;
    Ok((StatusCode::CREATED, Json(i.into())))
}

/// The initiatives of a campaign (public like the campaign).
#[utoipa::path(
    get, path = "/api/v1/publicity/campaigns/{id}/initiatives", tag = "publicity",
    params(("id" = i64, Path, description = "主题活动编号 Campaign id")),
    responses(
        (status = 200, description = "行业倡议 Initiatives", body = Vec<InitiativeDto>),
        (status = 404, description = "没有这个主题活动 No such campaign", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn of_campaign(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<InitiativeDto>>> {
    renke_app::campaigns::get_campaign(&state, ctx.account(), id).await?;
    let items = svc::of_campaign(&state, id).await?;
    Ok(Json(items.into_iter().map(Into::into).collect()))
}

/// One initiative, with what the caller may do (public like its campaign).
#[utoipa::path(
    get, path = "/api/v1/publicity/initiatives/{id}", tag = "publicity",
    params(("id" = i64, Path, description = "倡议编号 Initiative id")),
    responses(
        (status = 200, description = "倡议 The initiative", body = InitiativeViewDto),
        (status = 404, description = "没有这个倡议 No such initiative", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<InitiativeViewDto>> {
    Ok(Json(svc::get(&state, ctx.account(), id).await?.into()))
}

/// Close an initiative for signatures (its publisher).
#[utoipa::path(
    post, path = "/api/v1/publicity/initiatives/{id}/close", tag = "publicity",
    params(("id" = i64, Path, description = "倡议编号 Initiative id")),
    responses(
        (status = 200, description = "已结束签署 Closed", body = InitiativeViewDto),
        (status = 403, description = "无权操作 Not allowed", body = ErrorBody),
        (status = 409, description = "`initiative_closed`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn close(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<InitiativeViewDto>> {
    Ok(Json(svc::close(&state, &user.account, id).await?.into()))
}

/// The signatories in the order they signed, paged (public like the initiative).
#[utoipa::path(
    get, path = "/api/v1/publicity/initiatives/{id}/signatures", tag = "publicity",
    params(("id" = i64, Path, description = "倡议编号 Initiative id"), PageQuery),
    responses(
        (status = 200, description = "签署机构 Signatories", body = SignaturesDto),
        (status = 404, description = "没有这个倡议 No such initiative", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn signatures(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<SignaturesDto>> {
    let p = svc::signatures(&state, ctx.account(), id, q.offset(), q.limit()).await?;
    Ok(Json(SignaturesDto {
        total: p.total,
        offset: p.offset,
        items: p.items.into_iter().map(Into::into).collect(),
    }))
}

/// Sign for the caller's institution (its authorised account: the institution's
/// organiser), with the signer's name and title; each institution signs once.
#[utoipa::path(
    post, path = "/api/v1/publicity/initiatives/{id}/signatures", tag = "publicity",
    params(("id" = i64, Path, description = "倡议编号 Initiative id")),
    request_body = form::SignForm,
    responses(
        (status = 201, description = "已签署 Signed", body = SignatureDto),
        (status = 403, description = "不是机构的授权账号 Not the institution's authorised account", body = ErrorBody),
        (status = 409, description = "`initiative_already_signed`, `initiative_closed`, `initiative_not_addressed`", body = ErrorBody),
        (status = 422, description = "`signer_name`, `signer_title`: `required`, `too_long`, `single_line`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn sign(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<SignForm>,
) -> ApiResult<(StatusCode, Json<SignatureDto>)> {
    let s = svc::sign(&state, &user.account, id, &f).await?;
    Ok((StatusCode::CREATED, Json(s.into())))
}

/// Withdraw the caller's institution's signature while the initiative is open.
#[utoipa::path(
    delete, path = "/api/v1/publicity/initiatives/{id}/signatures/mine", tag = "publicity",
    params(("id" = i64, Path, description = "倡议编号 Initiative id")),
    responses(
        (status = 204, description = "已撤回 Withdrawn"),
        (status = 403, description = "无权操作 Not allowed", body = ErrorBody),
        (status = 404, description = "本机构未签署 Your institution has not signed", body = ErrorBody),
        (status = 409, description = "`initiative_closed`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn withdraw(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    svc::withdraw(&state, &user.account, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who in the initiative's sector and area has not signed (its publisher and the bureau
/// above it).
#[utoipa::path(
    get, path = "/api/v1/publicity/initiatives/{id}/unsigned", tag = "publicity",
    params(("id" = i64, Path, description = "倡议编号 Initiative id"), PageQuery),
    responses(
        (status = 200, description = "未签署机构 Institutions yet to sign", body = UnsignedPageDto),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn unsigned(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<UnsignedPageDto>> {
    let (p, addressed) = svc::unsigned(&state, &user.account, id, q.offset(), q.limit()).await?;
    Ok(Json(UnsignedPageDto {
        total: p.total,
        offset: p.offset,
        addressed,
        items: p.items.into_iter().map(unsigned_dto).collect(),
    }))
}

/// A certificate of a ceremony's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateDto {
    pub id: i64,
    pub activity_id: i64,
    /// 获证组织
    pub organisation: String,
    /// 证书编号
    pub number: String,
    /// 认证范围
    pub scope: String,
    /// 认证机构
    pub body: String,
    /// `/certificates/{number}`, the public verification page.
    pub verify_url: String,
}

impl From<CertificateRow> for CertificateDto {
    fn from(c: CertificateRow) -> Self {
        CertificateDto {
            verify_url: crate::pages::verify_link(&c.number),
            id: c.id,
            activity_id: c.activity_id,
            organisation: c.organisation,
            number: c.number,
            scope: c.scope,
            body: c.body,
        }
    }
}

/// A ceremony's list, paged.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificatesDto {
    pub activity_id: i64,
    pub activity_title: String,
    /// The list is public (the activity and its campaign are).
    pub public: bool,
    /// The caller keeps the list.
    pub keeps: bool,
    pub items: Vec<CertificateDto>,
    pub total: i64,
    pub offset: i64,
}

/// The certificate list of an activity (for whoever may read the activity).
#[utoipa::path(
    get, path = "/api/v1/publicity/activities/{id}/certificates", tag = "publicity",
    params(("id" = i64, Path, description = "活动编号 Activity id"), PageQuery),
    responses(
        (status = 200, description = "获证组织名单 Certificates", body = CertificatesDto),
        (status = 404, description = "没有这个活动 No such activity", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn certificates(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<CertificatesDto>> {
    let v = ceremony::view(&state, ctx.account(), id, q.offset(), q.limit()).await?;
    Ok(Json(CertificatesDto {
        activity_id: v.activity_id,
        activity_title: v.activity_title,
        public: v.public,
        keeps: v.keeps,
        total: v.page.total,
        offset: v.page.offset,
        items: v.page.items.into_iter().map(Into::into).collect(),
    }))
}

/// Add a certificate to an activity's list (whoever runs the activity).
#[utoipa::path(
    post, path = "/api/v1/publicity/activities/{id}/certificates", tag = "publicity",
    params(("id" = i64, Path, description = "活动编号 Activity id")),
    request_body = form::CertificateForm,
    responses(
        (status = 201, description = "已添加 Added", body = CertificateDto),
        (status = 403, description = "无权维护名单 Not allowed", body = ErrorBody),
        (status = 422, description = "`organisation`, `number`, `scope`, `body`: `required`, `too_long`, `single_line`; `number`: `number_exists`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn add_certificate(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<CertificateForm>,
) -> ApiResult<(StatusCode, Json<CertificateDto>)> {
    let c = ceremony::add(&state, &user.account, id, &f).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// The import form: one xlsx or CSV file.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CertificateImportDto {
    /// Columns 获证组织, 证书编号, 认证范围, 认证机构 (or organisation, number, scope, body).
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
}

/// How many certificates an import added.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedDto {
    pub imported: usize,
}

/// Import a certificate list (xlsx or CSV; all rows or none, every bad row named
/// `row{N}.{field}`).
#[utoipa::path(
    post, path = "/api/v1/publicity/activities/{id}/certificates/import", tag = "publicity",
    params(("id" = i64, Path, description = "活动编号 Activity id")),
    request_body(content = CertificateImportDto, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "已导入 Imported", body = ImportedDto),
        (status = 403, description = "无权维护名单 Not allowed", body = ErrorBody),
        (status = 422, description = "`file`: `required`, `unreadable_table`, `missing_column`, `no_rows`, `file_too_large`; `row{N}.organisation|number|scope|body`: `required`, `too_long`, `single_line`, `duplicate_number`, `number_exists`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn import_certificates(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    req: axum::extract::Request,
) -> ApiResult<(StatusCode, Json<ImportedDto>)> {
    let (_, files): (crate::pages::Paging, _) = crate::pages::read_form_with_files(req).await?;
    let imported = ceremony::import(&state, &user.account, id, files.first()).await?;
    Ok((StatusCode::CREATED, Json(ImportedDto { imported })))
}

/// Remove a certificate from an activity's list.
#[utoipa::path(
    delete, path = "/api/v1/publicity/activities/{id}/certificates/{cert}", tag = "publicity",
    params(
        ("id" = i64, Path, description = "活动编号 Activity id"),
        ("cert" = i64, Path, description = "证书记录编号 Certificate id"),
    ),
    responses(
        (status = 204, description = "已删除 Removed"),
        (status = 403, description = "无权维护名单 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这张证书 No such certificate", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn remove_certificate(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, cert)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    ceremony::remove(&state, &user.account, id, cert).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?number=` of a verification.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyQuery {
    /// 证书编号 (case, spaces and full width do not matter).
    #[serde(default)]
    pub number: String,
}

/// The result of a verification.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationDto {
    /// Whether the number is in a public ceremony's list.
    pub valid: bool,
    pub certificates: Vec<VerifiedDto>,
}

/// A certificate found by its number.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifiedDto {
    pub organisation: String,
    pub number: String,
    pub scope: String,
    pub body: String,
    pub activity_id: i64,
    pub activity_title: String,
    pub campaign_id: i64,
    pub campaign_title: String,
    /// The activity's organiser.
    pub owner_name: String,
}

impl From<Verified> for VerifiedDto {
    fn from(v: Verified) -> Self {
        VerifiedDto {
            organisation: v.organisation,
            number: v.number,
            scope: v.scope,
            body: v.body,
            activity_id: v.activity_id,
            activity_title: v.activity_title,
            campaign_id: v.campaign_id,
            campaign_title: v.campaign_title,
            owner_name: v.owner_name,
        }
    }
}

/// Verify a certificate number against the lists of public ceremonies (no login needed).
#[utoipa::path(
    get, path = "/api/v1/publicity/certificates/verify", tag = "publicity",
    params(VerifyQuery),
    responses(
        (status = 200, description = "查验结果 The result: `valid` false when unknown", body = VerificationDto),
        (status = 422, description = "`number`: `required`, `too_long`", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn verify(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<VerifyQuery>,
) -> ApiResult<Json<VerificationDto>> {
    let found = ceremony::verify(&state, &q.number).await?;
    Ok(Json(VerificationDto {
        valid: !found.is_empty(),
        certificates: found.into_iter().map(Into::into).collect(),
    }))
}
