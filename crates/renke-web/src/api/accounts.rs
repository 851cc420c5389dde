//! Accounts, created and reset by administrators and organisers.

use super::dto::{AccountDto, AccountQuery, ExternalIdBody, PageDto, PageQuery, ResetPasswordBody};
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::schema::form;
use super::{ApiResult, no_content};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use renke_app::accounts::AccountInput;

/// Accounts of an organisation's subtree (default: the caller's own organisation).
#[utoipa::path(
    get, path = "/api/v1/accounts", tag = "accounts",
    params(AccountQuery),
    responses(
        (status = 200, description = "账号 Accounts", body = PageDto<AccountDto>),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 403, description = "无权管理该机构的账号 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个机构 No such organisation", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<AccountQuery>,
) -> ApiResult<Json<PageDto<AccountDto>>> {
    let org = q.org.unwrap_or(user.account.org_id);
    let p = PageQuery {
        offset: q.offset,
        limit: q.limit,
    };
    let page =
        renke_app::accounts::list_accounts(&state, &user.account, org, p.offset(), p.limit())
            .await?;
    Ok(Json(PageDto::map(page, AccountDto::from)))
}

/// Create an account; the role may be at most the caller's own.
#[utoipa::path(
    post, path = "/api/v1/accounts", tag = "accounts",
    request_body = form::AccountInput,
    responses(
        (status = 201, description = "已创建 Created", body = AccountDto),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 403, description = "无权管理该机构的账号 Not allowed", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field, e.g. `login_taken`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<AccountInput>,
) -> ApiResult<(StatusCode, Json<AccountDto>)> {
    let a = renke_app::accounts::create_account(&state, &user.account, &body).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// Set a new password for an account; all its sessions end.
#[utoipa::path(
    post, path = "/api/v1/accounts/{id}/password", tag = "accounts",
    params(("id" = i64, Path, description = "账号编号 Account id")),
    request_body = ResetPasswordBody,
    responses(
        (status = 204, description = "密码已重置 Reset"),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 403, description = "无权重置 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个账号 No such account", body = ErrorBody),
        (status = 422, description = "密码不符合要求 Bad password", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn reset_password(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ResetPasswordBody>,
) -> ApiResult<StatusCode> {
    renke_app::auth::reset_password(&state, &user.account, id, &body.password).await?;
    Ok(no_content())
}

/// Set or clear an account's external id (工号), which a first sign-in through the unified
/// identity platform is matched by (`[oidc] link_claim`); the caller must be allowed to
/// manage the account and grant its role.
#[utoipa::path(
    put, path = "/api/v1/accounts/{id}/external-id", tag = "accounts",
    params(("id" = i64, Path, description = "账号编号 Account id")),
    request_body = ExternalIdBody,
    responses(
        (status = 200, description = "已保存 Saved", body = AccountDto),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 403, description = "无权管理该账号 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个账号 No such account", body = ErrorBody),
        (status = 422, description = "`external_id_taken` (another account has it), `too_long`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn set_external_id(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ExternalIdBody>,
) -> ApiResult<Json<AccountDto>> {
    let raw = body.external_id.unwrap_or_default();
    let a = renke_app::accounts::set_external_id(&state, &user.account, id, &raw).await?;
    Ok(Json(a.into()))
}
