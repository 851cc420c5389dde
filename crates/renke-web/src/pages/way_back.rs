//! Public pages around a ticket: the way back to one's tickets (找回电子票, by the e-mail
//! address or phone number registered with) and the verification of a certificate of
//! attendance (证书验证, by the code and QR code printed on it).

use super::activities::{ensure_pre_csrf, with_cookie};
use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::Ctx;
use crate::error::{AppError, PageError};
use crate::view::{Chrome, Errors, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use renke_render::pdf::Certificate;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "way_back.html")]
struct WayBackPage {
    c: Chrome,
    contact: String,
    errors: Errors,
    sent: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct WayBackForm {
    #[serde(default)]
    pub contact: String,
}

fn way_back_page(ctx: &Ctx, contact: String, errors: Errors, sent: bool) -> WayBackPage {
    WayBackPage {
        c: Chrome::new(ctx, "activities", ctx.tr.t("act.way_back")),
        contact,
        errors,
        sent,
    }
}

/// `GET /my-registrations`: the form that mails a registrant the links to their tickets.
pub async fn way_back_form(State(state): State<AppState>, mut ctx: Ctx) -> Response {
    let cookie = ensure_pre_csrf(&state, &mut ctx);
    with_cookie(
        render(&way_back_page(
            &ctx,
            String::new(),
            Errors::default(),
            false,
        )),
        cookie,
    )
}

/// `POST /my-registrations`: mails the ticket links; the answer is the same whether or not
/// anything was found.
pub async fn way_back(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<WayBackForm>,
) -> Result<Response, PageError> {
    match renke_app::activities::way_back::send_ticket_links(&state, &f.contact).await {
        Ok(_) => Ok(render(&way_back_page(
            &ctx,
            f.contact,
            Errors::default(),
            true,
        ))),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(ctx.tr, &inv);
            let page = way_back_page(&ctx, f.contact, errors, false);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    c: Chrome,
    code: String,
    /// The certificate found; `None` with a code typed means none holds it.
    found: Option<Certificate>,
    errors: Errors,
}

impl VerifyPage {
    fn dates(&self, cert: &Certificate) -> String {
        cert.dates()
    }
    /// The holder's name with all but its first and last characters hidden (张*明), as
    /// Chinese verification pages show it: enough to match the paper, not to harvest.
    fn masked(&self, name: &str) -> String {
        let chars: Vec<char> = name.chars().collect();
        match chars.len() {
            0 | 1 => name.to_owned(),
            2 => format!("{}*", chars[0]),
            n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct VerifyQuery {
    #[serde(default)]
    pub code: String,
}

async fn verify_page(state: &AppState, ctx: &Ctx, code: &str) -> Result<Response, PageError> {
    let mut page = VerifyPage {
        c: Chrome::new(ctx, "activities", ctx.tr.t("act.verify")),
        code: code.trim().to_owned(),
        found: None,
        errors: Errors::default(),
    };
    if page.code.is_empty() {
        return Ok(render(&page));
    }
    match renke_app::pdf::verify_certificate(state, code).await {
        Ok(cert) => {
            page.found = Some(cert);
            Ok(render(&page))
        }
        Err(AppError::Invalid(inv)) => {
            page.errors = Errors::from_invalid(ctx.tr, &inv);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(AppError::NotFound) => Ok((StatusCode::NOT_FOUND, render(&page)).into_response()),
        Err(e) => Err(e.into()),
    }
}

/// `GET /verify?code=…`: the verification form, and its answer when a code is given.
pub async fn verify_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<VerifyQuery>,
) -> Result<Response, PageError> {
    verify_page(&state, &ctx, &q.code).await
}

/// `GET /verify/{code}`: where a certificate's QR code leads.
pub async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(code): PagePath<String>,
) -> Result<Response, PageError> {
    verify_page(&state, &ctx, &code).await
}
