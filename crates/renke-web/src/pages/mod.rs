//! Server-rendered pages. Handlers parse input, call [`crate::service`], and render; every
//! page works without JavaScript (htmx only speeds up search).

pub mod assets;
mod campaigns;
mod notices;
mod orgs;
mod pdf;
mod public;
mod session;
mod settings;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(public::home))
        .route("/campaigns/{id}", get(public::campaign))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/lang/{code}", get(session::switch_language))
        .route("/home", get(session::dashboard))
        .route("/orgs", get(orgs::my_org))
        .route("/orgs/{id}", get(orgs::show))
        .route("/orgs/{id}/new", get(orgs::new_form).post(orgs::create))
        .route("/orgs/{id}/edit", get(orgs::edit_form).post(orgs::update))
        .route("/orgs/{id}/move", post(orgs::move_org))
        .route("/accounts", get(orgs::accounts).post(orgs::create_account))
        .route("/accounts/{id}/reset", post(orgs::reset_password))
        .route("/manage/campaigns", get(campaigns::list))
        .route(
            "/manage/campaigns/new",
            get(campaigns::new_form).post(campaigns::create),
        )
        .route(
            "/manage/campaigns/{id}/edit",
            get(campaigns::edit_form).post(campaigns::update),
        )
        .route("/notices", get(notices::list))
        .route("/notices/new", get(notices::new_form).post(notices::create))
        .route("/notices/{id}", get(notices::show))
        .route(
            "/notices/{id}/edit",
            get(notices::edit_form).post(notices::update),
        )
        .route("/notices/{id}/issue", post(notices::issue))
        .route("/notices/{id}/acknowledge", post(notices::acknowledge))
        .route("/notices/{id}/correct", post(notices::correct))
        .route(
            "/notices/{id}/relay",
            get(notices::relay_form).post(notices::relay),
        )
        .route("/notices/{id}/status", get(notices::status))
        .route("/notices/{id}/pdf", get(pdf::notice))
        .route("/settings", get(settings::show))
        .route("/settings/language", post(settings::language))
        .route("/settings/password", post(settings::password))
        .route("/settings/tokens", post(settings::create_token))
        .route("/settings/tokens/{id}/revoke", post(settings::revoke_token))
}

/// Paging parameters in the URL.
#[derive(Debug, Default, Deserialize)]
pub struct Paging {
    #[serde(default)]
    pub offset: i64,
}

pub const PAGE_SIZE: i64 = 50;
