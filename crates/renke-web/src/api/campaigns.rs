//! Campaigns, and the current public campaign for visitors without an account.

use super::ApiResult;
use super::dto::{CampaignDto, PageDto, PageQuery};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::schema::form;
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ErrorBody;
use crate::i18n::{Locale, Tr};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use renke_app::campaigns::CampaignForm;

/// Campaigns the caller may see, newest first.
#[utoipa::path(
    get, path = "/api/v1/campaigns", tag = "campaigns",
    params(PageQuery),
    responses(
        (status = 200, description = "主题活动 Campaigns", body = PageDto<CampaignDto>),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(p): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageDto<CampaignDto>>> {
    let page =
        renke_app::campaigns::list_campaigns(&state, &user.account, p.offset(), p.limit()).await?;
    Ok(Json(PageDto::map(page, CampaignDto::from)))
}

/// One campaign. Public campaigns need no login; others are 404 to visitors and 403 to
/// accounts that may not see them.
#[utoipa::path(
    get, path = "/api/v1/campaigns/{id}", tag = "campaigns",
    params(("id" = i64, Path, description = "活动编号 Campaign id")),
    responses(
        (status = 200, description = "主题活动 The campaign", body = CampaignDto),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个活动 No such campaign", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CampaignDto>> {
    let c = renke_app::campaigns::get_campaign(&state, ctx.account(), id).await?;
    Ok(Json(c.into()))
}

/// Create a campaign owned by an organisation the caller manages.
#[utoipa::path(
    post, path = "/api/v1/campaigns", tag = "campaigns",
    request_body = form::CampaignForm,
    responses(
        (status = 201, description = "已创建 Created", body = CampaignDto),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 403, description = "无权管理主办机构 Not allowed to manage the owner", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<CampaignForm>,
) -> ApiResult<(StatusCode, Json<CampaignDto>)> {
    let c = renke_app::campaigns::create_campaign(&state, &user.account, &body).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// Replace a campaign's fields and local themes.
#[utoipa::path(
    put, path = "/api/v1/campaigns/{id}", tag = "campaigns",
    params(("id" = i64, Path, description = "活动编号 Campaign id")),
    request_body = form::CampaignForm,
    responses(
        (status = 200, description = "已保存 Saved", body = CampaignDto),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 403, description = "无权管理 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个活动 No such campaign", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CampaignForm>,
) -> ApiResult<Json<CampaignDto>> {
    let c = renke_app::campaigns::update_campaign(&state, &user.account, id, &body).await?;
    Ok(Json(c.into()))
}

/// The campaign the public home page shows: the next public one, else the latest past one.
#[utoipa::path(
    get, path = "/api/v1/public/campaign", tag = "campaigns",
    responses(
        (status = 200, description = "当前公开的主题活动 The current public campaign", body = CampaignDto),
        (status = 404, description = "目前没有公开的主题活动 `no_public_campaign`", body = ErrorBody),
    ),
    security(()),
)]
pub async fn current_public(State(state): State<AppState>) -> ApiResult<Response> {
    match renke_app::campaigns::current_public_campaign(&state).await? {
        Some(c) => Ok(Json(CampaignDto::from(c)).into_response()),
        None => {
            let body = ErrorBody {
                code: "no_public_campaign".into(),
                message_zh: Tr::new(Locale::ZhCn).t("pub.no_campaign").to_owned(),
                message_en: Tr::new(Locale::En).t("pub.no_campaign").to_owned(),
                fields: Vec::new(),
            };
            Ok((StatusCode::NOT_FOUND, Json(body)).into_response())
        }
    }
}
