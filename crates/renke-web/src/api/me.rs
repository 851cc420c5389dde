//! Login, logout and the caller's own account: language, password, API tokens.

use super::dto::{
    LocaleBody, LoginBody, MailDigestBody, MeDto, NewTokenBody, NewTokenDto, TokenDto,
};
use super::extract::{ApiJson, ApiPath, ClientIp};
use super::schema::form;
use super::{ApiResult, no_content};
use crate::AppState;
use crate::auth::{self, ApiUser, Ctx, SESSION_COOKIE};
use crate::error::{AppError, ErrorBody};
use crate::i18n::Locale;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use renke_app::auth::PasswordChange;
use renke_domain::FieldError;

/// Log in with name and password.
///
/// Sets the same `renke_session` cookie the pages use and returns the account with the
/// CSRF token that later unsafe cookie requests must send as `X-CSRF-Token`. Failed logins
/// are rate-limited per login name and per client address.
#[utoipa::path(
    post, path = "/api/v1/session", tag = "session",
    request_body = LoginBody,
    responses(
        (status = 200, description = "登录成功 Logged in; the session cookie is set", body = MeDto),
        (status = 401, description = "登录名或密码不正确 `bad_credentials`", body = ErrorBody),
        (status = 422, description = "请求体无效 Malformed body", body = ErrorBody),
        (status = 429, description = "失败次数过多 `too_many_attempts`", body = ErrorBody),
    ),
    security(()),
)]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<Response> {
    let done = renke_app::auth::login(&state, &body.login, &body.password, &ip).await?;
    let cookie = auth::set_cookie(&state, SESSION_COOKIE, &done.token, Some(done.max_age_secs));
    let me = MeDto {
        account: done.account.into(),
        auth: "session".into(),
        csrf_token: Some(done.csrf_token),
    };
    Ok(([(SET_COOKIE, cookie)], Json(me)).into_response())
}

/// Log out: ends the cookie session (a Bearer call has no session to end).
#[utoipa::path(
    delete, path = "/api/v1/session", tag = "session",
    responses(
        (status = 204, description = "已退出 Logged out; the cookie is cleared"),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 403, description = "CSRF 检查失败 CSRF check failed", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn logout(State(state): State<AppState>, user: ApiUser) -> ApiResult<Response> {
    if let Some(hash) = &user.session {
        renke_app::auth::logout(&state, hash).await?;
    }
    let cookie = auth::set_cookie(&state, SESSION_COOKIE, "", Some(0));
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

/// The calling account.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "session",
    responses(
        (status = 200, description = "当前账号 The calling account", body = MeDto),
        (status = 401, description = "未登录、会话过期或令牌无效 `not_logged_in`, `session_expired`, `invalid_token`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn me(State(state): State<AppState>, user: ApiUser, ctx: Ctx) -> ApiResult<Json<MeDto>> {
    let session = user.session.is_some();
    let account = renke_app::accounts::me(&state, &user.account).await?;
    Ok(Json(MeDto {
        account: account.into(),
        auth: if session { "session" } else { "token" }.into(),
        csrf_token: session.then(|| ctx.csrf()),
    }))
}

/// Set the interface language of the calling account (null follows the browser).
#[utoipa::path(
    put, path = "/api/v1/me/locale", tag = "session",
    request_body = LocaleBody,
    responses(
        (status = 204, description = "已保存 Saved"),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 422, description = "无法识别的语言 Unknown language", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn set_locale(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<LocaleBody>,
) -> ApiResult<StatusCode> {
    let wanted = body
        .locale
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(s) = wanted
        && Locale::parse(s).is_none()
    {
        return Err(
            AppError::from(FieldError::new("locale", "unknown_value").with("value", s)).into(),
        );
    }
    renke_app::auth::set_locale(&state, &user.account, wanted).await?;
    Ok(no_content())
}

/// Choose how the calling account hears of its messages by e-mail: no e-mail, one digest
/// an hour, or one a day at 08:00 Beijing time. In-app messages arrive whatever the choice.
#[utoipa::path(
    put, path = "/api/v1/me/mail-digest", tag = "session",
    request_body = MailDigestBody,
    responses(
        (status = 204, description = "已保存 Saved"),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 422, description = "无法识别的选项 `unknown_value`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn set_mail_digest(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<MailDigestBody>,
) -> ApiResult<StatusCode> {
    renke_app::auth::set_mail_digest(&state, &user.account, &body.mail_digest).await?;
    Ok(no_content())
}

/// Change one's own password; other sessions of the account end, this one stays.
#[utoipa::path(
    post, path = "/api/v1/me/password", tag = "session",
    request_body = form::PasswordChange,
    responses(
        (status = 204, description = "密码已修改 Changed"),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 422, description = "`wrong_password`, `password_mismatch`, `password_too_short` …", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn change_password(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    renke_app::auth::change_password(&state, &user.account, &body, user.session.as_deref()).await?;
    Ok(no_content())
}

/// The caller's personal API tokens (never their secrets).
#[utoipa::path(
    get, path = "/api/v1/me/tokens", tag = "session",
    responses(
        (status = 200, description = "令牌列表 Tokens, newest first", body = Vec<TokenDto>),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn list_tokens(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Json<Vec<TokenDto>>> {
    let tokens = renke_app::auth::list_tokens(&state, &user.account).await?;
    Ok(Json(tokens.into_iter().map(Into::into).collect()))
}

/// Create a personal API token; the secret is in this response only.
#[utoipa::path(
    post, path = "/api/v1/me/tokens", tag = "session",
    request_body = NewTokenBody,
    responses(
        (status = 201, description = "已创建 Created; copy the token now", body = NewTokenDto),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 422, description = "名称或有效期无效 Bad name or days", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn create_token(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<NewTokenBody>,
) -> ApiResult<(StatusCode, Json<NewTokenDto>)> {
    let (entry, token) =
        renke_app::auth::issue_token(&state, &user.account, &body.name, body.days).await?;
    Ok((
        StatusCode::CREATED,
        Json(NewTokenDto {
            entry: entry.into(),
            token,
        }),
    ))
}

/// Revoke one of the caller's tokens.
#[utoipa::path(
    delete, path = "/api/v1/me/tokens/{id}", tag = "session",
    params(("id" = i64, Path, description = "令牌编号 Token id")),
    responses(
        (status = 204, description = "已吊销 Revoked"),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
        (status = 404, description = "没有这个令牌或已吊销 No such live token", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn revoke_token(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    renke_app::auth::revoke_token(&state, &user.account, id).await?;
    Ok(no_content())
}
