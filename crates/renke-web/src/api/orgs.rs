//! The organisation tree.

use super::ApiResult;
use super::dto::{
    MoveBody, NewOrgBody, OrgDetailDto, OrgDto, OrgNodeDto, OrgRefDto, OrgSearchQuery, PageDto,
    PageQuery,
};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::schema::form;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, ErrorBody};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use renke_app::model::OrgQuery;
use renke_app::orgs::OrgInput;
use renke_domain::org::OrgKind;

/// Search organisations by part of the name, short name or code, within what the caller
/// may see (its own subtree; administrators everything).
#[utoipa::path(
    get, path = "/api/v1/orgs", tag = "orgs",
    params(OrgSearchQuery),
    responses(
        (status = 200, description = "匹配的机构 Matches in tree order", body = PageDto<OrgDto>),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 403, description = "无权查看 `within` Not allowed to view `within`", body = ErrorBody),
        (status = 404, description = "没有 `within` 这个机构 No organisation `within`", body = ErrorBody),
        (status = 422, description = "参数无效 Bad parameter", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn search(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<OrgSearchQuery>,
) -> ApiResult<Json<PageDto<OrgDto>>> {
    let kind = q
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| OrgKind::parse("kind", k))
        .transpose()
        .map_err(AppError::from)?;
    let within = match q.within {
        Some(id) => Some(
            renke_app::orgs::get_org(&state, &user.account, id)
                .await?
                .path,
        ),
        None => None,
    };
    let paging = PageQuery {
        offset: q.offset,
        limit: q.limit,
    };
    let query = OrgQuery {
        within,
        text: q.q,
        kind,
        offset: paging.offset(),
        limit: paging.limit(),
    };
    let page = renke_app::orgs::search_orgs(&state, &user.account, query).await?;
    Ok(Json(PageDto::map(page, OrgDto::from)))
}

/// One organisation with its ancestors, subtree size and the caller's permissions on it.
#[utoipa::path(
    get, path = "/api/v1/orgs/{id}", tag = "orgs",
    params(("id" = i64, Path, description = "机构编号 Organisation id")),
    responses(
        (status = 200, description = "机构 The organisation", body = OrgDetailDto),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个机构 No such organisation", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn detail(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<OrgDetailDto>> {
    let d = renke_app::orgs::org_detail(&state, &user.account, id, 0, 1).await?;
    Ok(Json(OrgDetailDto {
        org: d.org.into(),
        ancestors: d.ancestors.into_iter().map(OrgRefDto::from).collect(),
        subtree_count: d.subtree_count,
        child_count: d.children.total,
        may_manage: d.may_manage,
        may_move: d.may_move,
        may_manage_accounts: d.may_manage_accounts,
    }))
}

/// The direct children of an organisation, regulators and departments first.
#[utoipa::path(
    get, path = "/api/v1/orgs/{id}/children", tag = "orgs",
    params(("id" = i64, Path, description = "机构编号 Organisation id"), PageQuery),
    responses(
        (status = 200, description = "下级机构 Children", body = PageDto<OrgNodeDto>),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个机构 No such organisation", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn children(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<PageQuery>,
) -> ApiResult<Json<PageDto<OrgNodeDto>>> {
    let page = renke_app::orgs::children(&state, &user.account, id, p.offset(), p.limit()).await?;
    Ok(Json(PageDto::map(page, OrgNodeDto::from)))
}

/// Create an organisation under `parent_id`.
#[utoipa::path(
    post, path = "/api/v1/orgs", tag = "orgs",
    request_body = NewOrgBody,
    responses(
        (status = 201, description = "已创建 Created", body = OrgDto),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 403, description = "无权管理上级机构 Not allowed to manage the parent", body = ErrorBody),
        (status = 404, description = "没有这个上级机构 No such parent", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field, e.g. `code_taken` on `code`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<NewOrgBody>,
) -> ApiResult<(StatusCode, Json<OrgDto>)> {
    let org = renke_app::orgs::create_org(&state, &user.account, body.parent_id, &body.org).await?;
    Ok((StatusCode::CREATED, Json(org.into())))
}

/// Edit an organisation (its code, parent and path do not change here; `code` is ignored).
#[utoipa::path(
    put, path = "/api/v1/orgs/{id}", tag = "orgs",
    params(("id" = i64, Path, description = "机构编号 Organisation id")),
    request_body = form::OrgInput,
    responses(
        (status = 200, description = "已保存 Saved", body = OrgDto),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 403, description = "无权管理 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个机构 No such organisation", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<OrgInput>,
) -> ApiResult<Json<OrgDto>> {
    let org = renke_app::orgs::update_org(&state, &user.account, id, &body).await?;
    Ok(Json(org.into()))
}

/// Move an organisation and its whole subtree under another parent.
#[utoipa::path(
    post, path = "/api/v1/orgs/{id}/move", tag = "orgs",
    params(("id" = i64, Path, description = "机构编号 Organisation id")),
    request_body = MoveBody,
    responses(
        (status = 200, description = "已移动 Moved", body = OrgDto),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 403, description = "无权移动 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个机构 No such organisation", body = ErrorBody),
        (status = 422, description = "`unknown_org`, `move_into_own_subtree` on `parent`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn move_org(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MoveBody>,
) -> ApiResult<Json<OrgDto>> {
    let org = renke_app::orgs::move_org(&state, &user.account, id, &body.parent_code).await?;
    Ok(Json(org.into()))
}
