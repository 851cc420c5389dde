//! Renke's web layer: server-rendered pages (askama, htmx where it helps) and the `/api/v1`
//! JSON API. Both call the same use cases in `renke_app`, which own permission checks;
//! handlers only parse input and render output. This crate is HTTP only.

pub mod api;
pub mod auth;
pub mod csrf;
pub mod download;
pub mod error;
pub mod form;
pub mod headers;
pub mod i18n;
pub mod metrics;
pub mod page_cache;
pub mod pages;
pub mod request_id;
mod state;
mod view;

pub use state::{AppState, WebConfig};

use axum::Router;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;

/// The whole application router. Pages and the API resolve the identity and check CSRF;
/// static files, the API document, `/healthz`, `/readyz` and `/metrics` need neither, so they skip
/// the session lookup.
pub fn router(state: AppState) -> Router {
    let (api, api_doc) = api::routes();
    let app = Router::new()
        .merge(pages::routes())
        .merge(api)
        .fallback(not_found)
        .layer(axum::middleware::from_fn(error::with_chrome))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            page_cache::serve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::load_identity,
        ));
    Router::new()
        .merge(app)
        .merge(api::docs_routes(api_doc))
        .route("/healthz", get(health))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics::render))
        .route("/static/{*file}", get(pages::assets::serve))
        .route(
            "/sessions/checkin-sw.js",
            get(pages::assets::checkin_worker),
        )
        .layer(axum::middleware::from_fn(metrics::track))
        // Every body up to the larger limit, upload forms' (read as they arrive by
        // `form::parse`); what an extractor reads whole (a form, JSON) up to
        // `max_body_bytes`, as the CSRF guard reads a form.
        .layer(RequestBodyLimitLayer::new(
            state
                .config
                .max_upload_bytes
                .max(state.config.max_body_bytes),
        ))
        .layer(axum::extract::DefaultBodyLimit::max(
            state.config.max_body_bytes,
        ))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security,
        ))
        .layer(axum::middleware::from_fn(request_id::tag))
        .with_state(state)
}

/// An address that names nothing: the styled 404 page, or the API's JSON error under `/api/`.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        error::ApiError(renke_app::error::AppError::NotFound).into_response()
    } else {
        error::PageError(renke_app::error::AppError::NotFound).into_response()
    }
}

async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match state.health().await {
        Ok(()) => (axum::http::StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable",
            )
                .into_response()
        }
    }
}

/// `/readyz`: whether this server should get traffic — the database answers and is at this
/// binary's migration, the file store answers. 200 or 503, with each check as JSON
/// (`"ok"` or the problem).
async fn ready(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let r = state.readiness().await;
    let checks: serde_json::Map<String, serde_json::Value> = r
        .checks
        .iter()
        .map(|(name, problem)| {
            let v = problem.clone().unwrap_or_else(|| "ok".to_owned());
            ((*name).to_owned(), serde_json::Value::String(v))
        })
        .collect();
    let status = if r.ready() {
        axum::http::StatusCode::OK
    } else {
        tracing::error!(?checks, "not ready");
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::json!({ "ready": r.ready(), "checks": checks });
    (status, axum::Json(body)).into_response()
}
