//! `/api/v1`: JSON twins of the pages, described by an OpenAPI document. Handlers only
//! parse input, call the same `renke_app` use cases as the pages (which own every
//! permission check) and turn the result into API types from [`dto`].

mod accounts;
mod activities;
mod attachments;
mod campaigns;
mod cases;
pub mod dto;
mod exports;
pub mod extract;
mod industry_stats;
mod ingest;
mod initiatives;
mod items;
mod me;
mod notices;
mod orgs;
mod pdf;
mod pt;
mod publicity;
mod reminders;
mod responses;
mod schema;
mod search;
mod shipments;
mod tasks;

use crate::AppState;
use crate::error::{ApiError, ErrorBody, FieldProblem};
use crate::i18n::{Locale, Tr};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

pub use extract::ClientIp;

/// What every handler returns on failure: the JSON error body with its stable code.
pub type ApiResult<T> = Result<T, ApiError>;

fn no_content() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// Every route under `/api/v1` with its documented operation: a handler is registered
/// only through `routes!`, which takes its path and method from the handler's
/// `#[utoipa::path]`, so an API route cannot exist without its entry in the document.
/// Handlers given to one `routes!` share one path. The collected document starts from
/// [`ApiDoc`] (info, tags, security schemes, shared schemas).
pub fn openapi_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(me::login, me::logout))
        .routes(routes!(me::me))
        .routes(routes!(me::set_locale))
        .routes(routes!(me::set_mail_digest))
        .routes(routes!(me::change_password))
        .routes(routes!(me::list_tokens, me::create_token))
        .routes(routes!(me::revoke_token))
        .routes(routes!(orgs::search, orgs::create))
        .routes(routes!(orgs::detail, orgs::update))
        .routes(routes!(orgs::children))
        .routes(routes!(orgs::move_org))
        .routes(routes!(accounts::list, accounts::create))
        .routes(routes!(accounts::reset_password))
        .routes(routes!(accounts::set_external_id))
        .routes(routes!(campaigns::list, campaigns::create))
        .routes(routes!(campaigns::get, campaigns::update))
        .routes(routes!(campaigns::current_public))
        .routes(routes!(notices::sent, notices::create))
        .routes(routes!(notices::inbox))
        .routes(routes!(ingest::parse))
        .routes(routes!(ingest::import))
        .routes(routes!(notices::get, notices::update))
        .routes(routes!(notices::issue))
        .routes(routes!(notices::acknowledge))
        .routes(routes!(notices::status))
        .routes(routes!(notices::correct))
        .routes(routes!(notices::relay))
        .routes(routes!(attachments::upload))
        .routes(routes!(attachments::download))
        .routes(routes!(tasks::list, tasks::create))
        .routes(routes!(tasks::notice_dashboard))
        .routes(routes!(tasks::get))
        .routes(routes!(tasks::save, tasks::submit))
        .routes(routes!(tasks::compile))
        .routes(routes!(tasks::task_dashboard))
        .routes(routes!(tasks::submission))
        .routes(routes!(tasks::submit_current))
        .routes(routes!(tasks::submission_file))
        .routes(routes!(tasks::review))
        .routes(routes!(tasks::paper))
        .routes(routes!(items::send, items::list))
        .routes(routes!(items::review))
        .routes(routes!(items::publish))
        .routes(routes!(tasks::mine))
        .routes(routes!(reminders::get, reminders::put))
        .routes(routes!(exports::status_xlsx))
        .routes(routes!(exports::materials_zip))
        .routes(routes!(reminders::messages))
        .routes(routes!(reminders::read))
        .routes(routes!(activities::calendar, activities::create))
        .routes(routes!(activities::get))
        .routes(routes!(activities::add_session))
        .routes(routes!(activities::board))
        .routes(routes!(activities::report_readiness))
        .routes(routes!(activities::set_capacity))
        .routes(routes!(activities::registrations, activities::register))
        .routes(routes!(activities::check_in))
        .routes(routes!(activities::cancel))
        .routes(routes!(pdf::notice_pdf))
        .routes(routes!(pdf::certificate_pdf))
        .routes(routes!(pdf::report_pdf))
        .routes(routes!(pt::schemes, pt::create_scheme))
        .routes(routes!(pt::rounds, pt::create_round))
        .routes(routes!(pt::round))
        .routes(routes!(pt::invite))
        .routes(routes!(pt::invitable))
        .routes(routes!(pt::apply))
        .routes(routes!(pt::decide))
        .routes(routes!(pt::start_testing))
        .routes(routes!(pt::dispatch))
        .routes(routes!(pt::confirm_receipt))
        .routes(routes!(pt::results, pt::save_results))
        .routes(routes!(pt::submit_results))
        .routes(routes!(pt::load_results))
        .routes(routes!(pt::evaluations, pt::evaluate))
        .routes(routes!(pt::evaluation_runs))
        .routes(routes!(pt::evaluation_run))
        .routes(routes!(pt::evaluation_diff))
        .routes(routes!(pt::release_revision))
        .routes(routes!(pt::release))
        .routes(routes!(pt::outcomes))
        .routes(routes!(pt::letter_pdf))
        .routes(routes!(pt::certificate_pdf))
        .routes(routes!(pt::instructions, pt::upload_instructions))
        .routes(routes!(pt::evidence, pt::add_evidence))
        .routes(routes!(pt::evidence_file, pt::remove_evidence))
        .routes(routes!(pt::followups))
        .routes(routes!(pt::followup))
        .routes(routes!(pt::answer_followup))
        .routes(routes!(pt::review_followup))
        .routes(routes!(pt::report_pdf))
        .routes(routes!(pt::letters_zip))
        .routes(routes!(pt::participation))
        .routes(routes!(pt::lab_history))
        .routes(routes!(pt::studies, pt::record_study))
        .routes(routes!(pt::results_template, pt::import_results))
        .routes(routes!(publicity::list, publicity::submit))
        .routes(routes!(publicity::get))
        .routes(routes!(publicity::step))
        .routes(routes!(publicity::file))
        .routes(routes!(publicity::thumbnail))
        .routes(routes!(publicity::zone))
        .routes(routes!(industry_stats::overview))
        .routes(routes!(industry_stats::import))
        .routes(routes!(industry_stats::analysis))
        .routes(routes!(industry_stats::create_report))
        .routes(routes!(
            industry_stats::report,
            industry_stats::update_report
        ))
        .routes(routes!(industry_stats::publish))
        .routes(routes!(industry_stats::share))
        .routes(routes!(industry_stats::pdf))
        .routes(routes!(industry_stats::campaign_reports))
        .routes(routes!(shipments::list, shipments::create))
        .routes(routes!(shipments::board))
        .routes(routes!(shipments::lines_xlsx))
        .routes(routes!(shipments::receive))
        .routes(routes!(shipments::posted))
        .routes(routes!(shipments::edit_line))
        .routes(routes!(shipments::photo))
        .routes(routes!(shipments::thumbnail))
        .routes(routes!(shipments::materials_xlsx))
        .routes(routes!(search::search))
        .routes(routes!(search::search_public))
        .routes(routes!(initiatives::list, initiatives::publish))
        .routes(routes!(initiatives::of_campaign))
        .routes(routes!(initiatives::get))
        .routes(routes!(initiatives::close))
        .routes(routes!(initiatives::signatures, initiatives::sign))
        .routes(routes!(initiatives::withdraw))
        .routes(routes!(initiatives::unsigned))
        .routes(routes!(
            initiatives::certificates,
            initiatives::add_certificate
        ))
        .routes(routes!(initiatives::import_certificates))
        .routes(routes!(initiatives::remove_certificate))
        .routes(routes!(initiatives::verify))
        .routes(routes!(cases::list, cases::create))
        .routes(routes!(cases::get))
        .routes(routes!(cases::template))
        .routes(routes!(cases::submit))
        .routes(routes!(cases::case))
        .routes(routes!(cases::step))
        .routes(routes!(cases::score))
        .routes(routes!(cases::case_file))
        .routes(routes!(cases::open_review))
        .routes(routes!(cases::ranking))
        .routes(routes!(cases::select))
        .routes(routes!(cases::publish))
        .routes(routes!(cases::collection))
        .routes(routes!(cases::booklet))
        .routes(routes!(cases::files_zip))
}

/// The `/api/v1` routes (from [`openapi_router`], at their full paths, with the JSON 404
/// for any other path under `/api/v1`) and the OpenAPI document describing them.
pub fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = openapi_router().split_for_parts();
    responses::add_standard_errors(&mut doc);
    (
        router
            .method_not_allowed_fallback(method_not_allowed)
            .nest("/api/v1", Router::new().fallback(not_found)),
        doc,
    )
}

async fn not_found() -> ApiError {
    crate::error::AppError::NotFound.into()
}

/// A method the path does not have: 405 with the `Allow` header axum sets, and the JSON
/// error body every API failure has.
async fn method_not_allowed() -> Response {
    let (zh, en) = (Tr::new(Locale::ZhCn), Tr::new(Locale::En));
    let body = ErrorBody {
        code: "method_not_allowed".into(),
        message_zh: zh.t("err.method_not_allowed").into(),
        message_en: en.t("err.method_not_allowed").into(),
        fields: Vec::new(),
    };
    (StatusCode::METHOD_NOT_ALLOWED, Json(body)).into_response()
}

/// The top of the OpenAPI document of `/api/v1`: info, tags, security schemes and the
/// shared schemas. The operations are added by [`openapi_router`] as it registers them.
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
        (name = "publicity", description = "宣传：资料库、审核、发布、下载专区 Publicity: materials library, review, publication, download zone"),
        (name = "search", description = "检索：通知、活动、宣传资料、信息稿件 Search: notices, activities, publicity materials, news items"),
        (name = "pt", description = "能力验证：计划、轮次、报名、样品、结果、评价、发布、整改 Proficiency testing: schemes, rounds, enrolment, samples, results, evaluation, release, follow-ups"),
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
pub fn docs_routes(doc: utoipa::openapi::OpenApi) -> Router<AppState> {
    Router::new().merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", doc))
}
