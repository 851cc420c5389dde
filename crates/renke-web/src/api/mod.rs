//! `/api/v1`: JSON twins of the pages, described by an OpenAPI document. Handlers only
//! parse input, call the same [`crate::service`] functions as the pages (which own every
//! permission check) and turn the result into API types from [`dto`].

mod accounts;
mod activities;
mod attachments;
mod campaigns;
pub mod dto;
mod exports;
pub mod extract;
mod me;
mod notices;
mod orgs;
mod pdf;
mod reminders;
mod tasks;

use crate::AppState;
use crate::error::{ApiError, ErrorBody, FieldProblem};
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

pub use extract::ClientIp;

/// What every handler returns on failure: the JSON error body with its stable code.
pub type ApiResult<T> = Result<T, ApiError>;

fn no_content() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// The routes under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/session", post(me::login).delete(me::logout))
        .route("/me", get(me::me))
        .route("/me/locale", put(me::set_locale))
        .route("/me/password", post(me::change_password))
        .route("/me/tokens", get(me::list_tokens).post(me::create_token))
        .route("/me/tokens/{id}", axum::routing::delete(me::revoke_token))
        .route("/orgs", get(orgs::search).post(orgs::create))
        .route("/orgs/{id}", get(orgs::detail).put(orgs::update))
        .route("/orgs/{id}/children", get(orgs::children))
        .route("/orgs/{id}/move", post(orgs::move_org))
        .route("/accounts", get(accounts::list).post(accounts::create))
        .route("/accounts/{id}/password", post(accounts::reset_password))
        .route("/campaigns", get(campaigns::list).post(campaigns::create))
        .route(
            "/campaigns/{id}",
            get(campaigns::get).put(campaigns::update),
        )
        .route("/public/campaign", get(campaigns::current_public))
        .route("/notices", get(notices::sent).post(notices::create))
        .route("/notices/inbox", get(notices::inbox))
        .route("/notices/{id}", get(notices::get).put(notices::update))
        .route("/notices/{id}/issue", post(notices::issue))
        .route("/notices/{id}/acknowledge", post(notices::acknowledge))
        .route("/notices/{id}/status", get(notices::status))
        .route("/notices/{id}/correct", post(notices::correct))
        .route("/notices/{id}/relay", post(notices::relay))
        .route("/notices/{id}/attachments", post(attachments::upload))
        .route(
            "/notices/{id}/attachments/{pos}",
            get(attachments::download),
        )
        .route("/notices/{id}/tasks", get(tasks::list).post(tasks::create))
        .route("/notices/{id}/dashboard", get(tasks::notice_dashboard))
        .route("/tasks/{id}", get(tasks::get))
        .route(
            "/tasks/{id}/submission",
            put(tasks::save).post(tasks::submit),
        )
        .route("/tasks/{id}/compile", post(tasks::compile))
        .route("/tasks/{id}/dashboard", get(tasks::task_dashboard))
        .route("/submissions/{id}", get(tasks::submission))
        .route("/submissions/{id}/submit", post(tasks::submit_current))
        .route(
            "/submissions/{id}/files/{version}/{pos}",
            get(tasks::submission_file),
        )
        .route("/submissions/{id}/review", post(tasks::review))
        .route("/submissions/{id}/paper", post(tasks::paper))
        .route("/me/tasks", get(tasks::mine))
        .route(
            "/tasks/{id}/reminders",
            get(reminders::get).put(reminders::put),
        )
        .route("/tasks/{id}/export.xlsx", get(exports::status_xlsx))
        .route("/tasks/{id}/materials.zip", get(exports::materials_zip))
        .route("/me/messages", get(reminders::messages))
        .route("/me/messages/{id}/read", post(reminders::read))
        .route(
            "/activities",
            get(activities::calendar).post(activities::create),
        )
        .route("/activities/{id}", get(activities::get))
        .route("/activities/{id}/sessions", post(activities::add_session))
        .route("/activities/{id}/board", get(activities::board))
        .route(
            "/activities/{id}/venues/{venue_id}/slots/{slot_id}",
            put(activities::report_readiness),
        )
        .route("/sessions/{id}/capacity", put(activities::set_capacity))
        .route(
            "/sessions/{id}/registrations",
            get(activities::registrations).post(activities::register),
        )
        .route("/sessions/{id}/checkins", post(activities::check_in))
        .route("/tickets/{ticket}/cancel", post(activities::cancel))
        .route("/notices/{id}/pdf", get(pdf::notice_pdf))
        .route(
            "/tickets/{ticket}/certificate.pdf",
            get(pdf::certificate_pdf),
        )
        .route("/submissions/{id}/report.pdf", get(pdf::report_pdf))
        .fallback(not_found)
}

async fn not_found() -> ApiError {
    crate::error::AppError::NotFound.into()
}

/// The OpenAPI document of `/api/v1`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "认可 Renke API",
        description = "认证认可检验检测活动协同平台的 JSON 接口。The JSON API of Renke.\n\n\
            认证 Authentication: `POST /api/v1/session` sets the `renke_session` cookie; unsafe \
            requests with that cookie must send the session's CSRF token as `X-CSRF-Token`. \
            Programs use a personal token (`POST /api/v1/me/tokens`) as `Authorization: Bearer …` \
            and need no CSRF token.\n\n\
            错误 Errors: every failure answers with `ErrorBody`; `code` is stable, \
            `fields` names each bad field of a 422.",
    ),
    paths(
        me::login, me::logout, me::me, me::set_locale, me::change_password,
        me::list_tokens, me::create_token, me::revoke_token,
        orgs::search, orgs::detail, orgs::children, orgs::create, orgs::update, orgs::move_org,
        accounts::list, accounts::create, accounts::reset_password,
        campaigns::list, campaigns::get, campaigns::create, campaigns::update,
        campaigns::current_public,
        notices::inbox, notices::sent, notices::create, notices::get, notices::update,
        notices::issue, notices::acknowledge, notices::status, notices::correct, notices::relay,
        attachments::upload, attachments::download,
        tasks::list, tasks::create, tasks::get, tasks::save, tasks::submit, tasks::compile,
        tasks::task_dashboard, tasks::notice_dashboard, tasks::submission, tasks::submit_current,
        tasks::review, tasks::paper, tasks::mine, tasks::submission_file,
        reminders::get, reminders::put, reminders::messages, reminders::read,
        exports::status_xlsx, exports::materials_zip,
        activities::create, activities::calendar, activities::get, activities::add_session,
        activities::set_capacity, activities::register, activities::registrations,
        activities::cancel, activities::check_in, activities::report_readiness, activities::board,
        pdf::notice_pdf,
        pdf::certificate_pdf,
        pdf::report_pdf,
    ),
    components(schemas(ErrorBody, FieldProblem)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "session", description = "登录与个人设置 Login, own account, API tokens"),
        (name = "orgs", description = "机构树 The organisation tree"),
        (name = "accounts", description = "账号 Accounts"),
        (name = "campaigns", description = "主题活动 Campaigns"),
        (name = "notices", description = "通知、签收、转发 Notices, acknowledgement, relays"),
        (name = "tasks", description = "报送任务、报送、汇总 Reporting tasks, submissions, dashboards, roll-up"),
        (name = "activities", description = "活动、报名、签到、会场就绪 Activities, registration, check-in, venue readiness"),
    ),
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("个人 API 令牌 Personal API token (`rk_…`)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "登录会话 Session cookie from `POST /api/v1/session`; unsafe requests also need `X-CSRF-Token`",
            ))),
        );
    }
}

/// `/api/openapi.json` and the viewer at `/api/docs` (Swagger UI, served from files
/// compiled into the binary: it works without internet access).
pub fn docs_routes() -> Router<AppState> {
    Router::new().merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", ApiDoc::openapi()))
}
