//! The certificate ceremony (集中颁证仪式) pages: the activities whose certificate lists the
//! caller keeps, a list with its add form, import form and remove buttons, the public
//! verification page of a certificate number, and the ceremony section of the campaign's
//! public page.

use super::Paging;
use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::{Ctx, User};
use crate::error::{AppError, PageError};
use crate::i18n::Tr;
use crate::view::{Chrome, Errors, Pager, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use renke_app::ceremony::{
    self as svc, CeremonyActivity, CeremonyView, CertificateForm, PublicCeremony, Verified,
};
use renke_app::model::Campaign;
use serde::Deserialize;

/// Certificates per page.
const PAGE_SIZE: i64 = 50;
/// Certificates of each ceremony shown on the campaign's public page.
const SECTION_SIZE: i64 = 20;

/// The verification page of a certificate number: `/certificates/` and the number with every
/// byte but ASCII letters, digits and `-_.~` percent-encoded.
pub fn verify_link(number: &str) -> String {
    let mut out = String::from("/certificates/");
    for b in number.trim().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn activity_kind(tr: Tr, code: &str) -> &'static str {
    renke_domain::activity::ActivityKind::from_code(code).map_or("", |k| tr.pick(k.zh(), k.en()))
}

#[derive(Template)]
#[template(path = "ceremonies.html")]
struct ListPage {
    c: Chrome,
    items: Vec<(String, CeremonyActivity)>,
}

impl ListPage {
    fn kind(&self, code: &str) -> &'static str {
        activity_kind(self.c.tr, code)
    }
}

/// `GET /publicity/ceremonies`: the activities whose certificate lists the caller keeps.
pub async fn list(State(state): State<AppState>, user: User) -> Result<Response, PageError> {
    let items = svc::kept(&state, &user.account).await?;
    Ok(render(&ListPage {
        c: Chrome::new(&user.ctx, "publicity", user.ctx.tr.t("cer.ceremonies")),
        items,
    }))
}

#[derive(Template)]
#[template(path = "ceremony.html")]
struct CeremonyPage {
    c: Chrome,
    v: CeremonyView,
    pager: Pager,
    f: CertificateForm,
    errors: Errors,
    /// Errors of the import, by row.
    import_errors: Vec<(String, String)>,
}

impl CeremonyPage {
    fn link(&self, number: &str) -> String {
        verify_link(number)
    }
}

async fn ceremony_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    offset: i64,
    f: CertificateForm,
    errors: Errors,
) -> Result<CeremonyPage, PageError> {
    let v = svc::view(state, ctx.account(), id, offset, PAGE_SIZE).await?;
    let import_errors = errors.matching(|f| f == "file" || f.starts_with("row"));
    Ok(CeremonyPage {
        c: Chrome::new(ctx, "publicity", v.activity_title.clone()),
        pager: Pager {
            offset: v.page.offset,
            limit: v.page.limit,
            total: v.page.total,
            base: format!("/ceremonies/{id}?"),
        },
        v,
        f,
        errors,
        import_errors,
    })
}

/// `GET /ceremonies/{activity}`: the activity's certificate list, for whoever may read the
/// activity (anyone, for a public one), with the add and import forms for its keeper.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
    Query(p): Query<Paging>,
) -> Result<Response, PageError> {
    let mut page = ceremony_page(
        &state,
        &ctx,
        id,
        p.offset,
        CertificateForm::default(),
        Errors::default(),
    )
    .await?;
    if let Some(n) = ctx
        .uri
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("imported="))
    {
        page.c = page
            .c
            .with_flash(Some(ctx.tr.tf("cer.imported", &[("count", n.to_owned())])));
    }
    Ok(render(&page))
}

/// The page again with the problems of a form.
async fn failed(
    state: &AppState,
    user: &User,
    id: i64,
    f: CertificateForm,
    e: AppError,
) -> Result<Response, PageError> {
    match e {
        AppError::Invalid(inv) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = ceremony_page(state, &user.ctx, id, 0, f, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        e => Err(e.into()),
    }
}

/// `POST /publicity/ceremonies/{activity}/add`: adds one certificate.
pub async fn add(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<CertificateForm>,
) -> Result<Response, PageError> {
    match svc::add(&state, &user.account, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/ceremonies/{id}")).into_response()),
        Err(e) => failed(&state, &user, id, f, e).await,
    }
}

/// `POST /publicity/ceremonies/{activity}/import` (multipart): imports a list file.
pub async fn import(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let (_, files): (Paging, _) = super::read_form_with_files(req).await?;
    match svc::import(&state, &user.account, id, files.first()).await {
        Ok(n) => Ok(Redirect::to(&format!("/ceremonies/{id}?imported={n}")).into_response()),
        Err(e) => failed(&state, &user, id, CertificateForm::default(), e).await,
    }
}

/// `POST /publicity/ceremonies/{activity}/{certificate}/remove`.
pub async fn remove(
    State(state): State<AppState>,
    user: User,
    PagePath((id, cert)): PagePath<(i64, i64)>,
) -> Result<Response, PageError> {
    svc::remove(&state, &user.account, id, cert).await?;
    Ok(Redirect::to(&format!("/ceremonies/{id}")).into_response())
}

/// `?number=` of the verification form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VerifyQuery {
    #[serde(default)]
    pub number: String,
}

#[derive(Template)]
#[template(path = "certificate_verify.html")]
struct VerifyPage {
    c: Chrome,
    number: String,
    /// `None` before a number is asked for.
    found: Option<Vec<Verified>>,
    errors: Errors,
}

async fn verify_page(state: &AppState, ctx: &Ctx, number: String) -> Result<Response, PageError> {
    let title = ctx.tr.t("cer.verify");
    let (found, errors, status) = if number.trim().is_empty() {
        (None, Errors::default(), StatusCode::OK)
    } else {
        match svc::verify(state, &number).await {
            Ok(v) if v.is_empty() => (Some(v), Errors::default(), StatusCode::NOT_FOUND),
            Ok(v) => (Some(v), Errors::default(), StatusCode::OK),
            Err(AppError::Invalid(inv)) => (
                None,
                Errors::from_invalid(ctx.tr, &inv),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Err(e) => return Err(e.into()),
        }
    };
    let page = VerifyPage {
        c: Chrome::new(ctx, "public", title),
        number: number.trim().to_owned(),
        found,
        errors,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /certificates/verify?number=`: the verification form, and the result of the number asked.
pub async fn verify_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<VerifyQuery>,
) -> Result<Response, PageError> {
    verify_page(&state, &ctx, q.number).await
}

/// `GET /certificates/{number}`: the verification page of one certificate number — valid, with
/// the organisation, scope, certification body and ceremony; or unknown (404).
pub async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(number): PagePath<String>,
) -> Result<Response, PageError> {
    verify_page(&state, &ctx, number).await
}

#[derive(Template)]
#[template(path = "ceremony_section.html")]
struct Section {
    tr: Tr,
    items: Vec<PublicCeremony>,
}

impl Section {
    fn more(&self, c: &PublicCeremony) -> String {
        self.tr
            .tf("cer.more", &[("count", c.page.total.to_string())])
    }
    fn link(&self, number: &str) -> String {
        verify_link(number)
    }
    fn has_more(&self, c: &PublicCeremony) -> bool {
        c.page.total > c.page.items.len() as i64
    }
}

/// The certificate lists of the campaign's public activities for its public page; empty
/// when there are none.
pub async fn public_section(
    state: &AppState,
    tr: &Tr,
    campaign: &Campaign,
) -> Result<String, PageError> {
    let items = svc::public_lists(state, campaign.id, SECTION_SIZE).await?;
    if items.is_empty() {
        return Ok(String::new());
    }
    Section { tr: *tr, items }
        .render()
        .map_err(|e| PageError(AppError::Internal(anyhow::anyhow!("template: {e}"))))
}
