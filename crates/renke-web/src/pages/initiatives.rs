//! The industry initiative (行业倡议) pages: the list under 宣传, the publishing form, an
//! initiative's page (sign with name and title, withdraw, close, the signatories), who has
//! not signed, and the public page with the text, the count and the signatories; plus the
//! initiatives' section of the campaign's public page.

use super::Paging;
use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::{Ctx, User};
use crate::error::{AppError, PageError};
use crate::i18n::Tr;
use crate::view::{Chrome, Errors, Pager, local_time, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use renke_app::initiatives::{
    self as svc, Initiative, InitiativeForm, InitiativeView, SignForm, Signature, Unsigned,
};
use renke_app::model::Campaign;
use renke_app::publicity::CampaignChoice;
use renke_domain::initiative::{InitiativeState, addressable_kinds};
use renke_domain::org::OrgKind;

/// Rows per page.
const PAGE_SIZE: i64 = 30;

fn state_label(tr: Tr, s: InitiativeState) -> &'static str {
    tr.pick(s.zh(), s.en())
}

fn kinds_text(tr: Tr, kinds: &[OrgKind]) -> String {
    kinds
        .iter()
        .map(|k| tr.pick(k.zh(), k.en()))
        .collect::<Vec<_>>()
        .join(tr.pick("、", ", "))
}

fn kind_label(tr: Tr, code: &str) -> &'static str {
    OrgKind::from_code(code).map_or("", |k| tr.pick(k.zh(), k.en()))
}

fn template_error(e: askama::Error) -> PageError {
    PageError(AppError::Internal(anyhow::anyhow!("template: {e}")))
}

#[derive(Template)]
#[template(path = "initiatives.html")]
struct ListPage {
    c: Chrome,
    items: Vec<InitiativeView>,
    may_publish: bool,
}

impl ListPage {
    fn state(&self, i: &Initiative) -> (&'static str, &'static str) {
        (i.state.colour(), state_label(self.c.tr, i.state))
    }
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
}

/// `GET /publicity/initiatives`: the initiatives of the campaigns the caller sees, with
/// what the caller may do (sign, follow).
pub async fn list(State(state): State<AppState>, user: User) -> Result<Response, PageError> {
    let items = svc::list(&state, &user.account).await?;
    let title = user.ctx.tr.t("ini.initiatives");
    Ok(render(&ListPage {
        c: Chrome::new(&user.ctx, "publicity", title),
        may_publish: svc::may_publish(&user.account),
        items,
    }))
}

#[derive(Template)]
#[template(path = "initiative_form.html")]
struct FormPage {
    c: Chrome,
    f: InitiativeForm,
    choices: Vec<CampaignChoice>,
    area: String,
    errors: Errors,
}

impl FormPage {
    fn kinds(&self) -> Vec<(&'static str, &'static str, bool)> {
        let chosen: Vec<&str> = self.f.kinds.split(',').map(str::trim).collect();
        addressable_kinds()
            .into_iter()
            .map(|k| {
                (
                    k.as_str(),
                    self.c.tr.pick(k.zh(), k.en()),
                    chosen.contains(&k.as_str()),
                )
            })
            .collect()
    }
    fn is(&self, value: &str, id: &i64) -> bool {
        value.trim() == id.to_string()
    }
    fn area_help(&self) -> String {
        self.c
            .tr
            .tf("ini.area_help", &[("area", self.area.clone())])
    }
}

async fn form_page(
    state: &AppState,
    user: &User,
    f: InitiativeForm,
    errors: Errors,
) -> Result<FormPage, PageError> {
    if !svc::may_publish(&user.account) {
        return Err(AppError::Forbidden.into());
    }
    let choices = renke_app::publicity::upload_choices(state, &user.account).await?;
    let area = svc::area_name(state, &user.account).await?;
    Ok(FormPage {
        c: Chrome::new(&user.ctx, "publicity", user.ctx.tr.t("ini.publish")),
        f,
        choices,
        area,
        errors,
    })
}

/// `GET /publicity/initiatives/new`: the publishing form.
pub async fn new_form(
    State(state): State<AppState>,
    user: User,
    Query(f): Query<InitiativeForm>,
) -> Result<Response, PageError> {
    Ok(render(
        &form_page(&state, &user, f, Errors::default()).await?,
    ))
}

/// `POST /publicity/initiatives/new`: publishes; the form comes back with every problem.
pub async fn publish(
    State(state): State<AppState>,
    user: User,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let (f, _): (InitiativeForm, _) = super::read_form_with_files(req).await?;
    match svc::publish(&state, &user.account, &f).await {
        Ok(i) => Ok(Redirect::to(&format!("/publicity/initiatives/{}", i.id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = form_page(&state, &user, f, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "initiative.html")]
struct InitiativePage {
    c: Chrome,
    v: InitiativeView,
    signed: Vec<Signature>,
    pager: Pager,
    sign: SignForm,
    errors: Errors,
    /// A refusal of the last step (already signed, closed, not addressed).
    refusal: Option<String>,
}

impl InitiativePage {
    fn state(&self) -> (&'static str, &'static str) {
        (
            self.v.i.state.colour(),
            state_label(self.c.tr, self.v.i.state),
        )
    }
    fn kinds(&self) -> String {
        kinds_text(self.c.tr, &self.v.i.kinds)
    }
    fn kind(&self, code: &str) -> &'static str {
        kind_label(self.c.tr, code)
    }
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    fn count(&self) -> String {
        self.c.tr.tf(
            "ini.signed_count",
            &[("count", self.v.i.signatures.to_string())],
        )
    }
}

async fn initiative_page(
    state: &AppState,
    user: &User,
    id: i64,
    offset: i64,
    sign: SignForm,
    errors: Errors,
    refusal: Option<String>,
) -> Result<InitiativePage, PageError> {
    let v = svc::get(state, Some(&user.account), id).await?;
    let page = svc::signatures(state, Some(&user.account), id, offset, PAGE_SIZE).await?;
    Ok(InitiativePage {
        c: Chrome::new(&user.ctx, "publicity", v.i.title.clone()),
        pager: Pager {
            offset: page.offset,
            limit: page.limit,
            total: page.total,
            base: format!("/publicity/initiatives/{id}?"),
        },
        signed: page.items,
        v,
        sign,
        errors,
        refusal,
    })
}

/// `GET /publicity/initiatives/{id}`: the initiative, the signing form or the caller's
/// signature, the signatories.
pub async fn show(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(p): Query<Paging>,
) -> Result<Response, PageError> {
    let mut page = initiative_page(
        &state,
        &user,
        id,
        p.offset,
        SignForm::default(),
        Errors::default(),
        None,
    )
    .await?;
    if user.ctx.uri.contains("signed=1") {
        page.c = page
            .c
            .with_flash(Some(user.ctx.tr.t("ini.thanks").to_owned()));
    }
    Ok(render(&page))
}

/// The page again with the problem of a step: field errors beside their fields, a
/// refusal (already signed, closed, not addressed) as an alert.
async fn step_failed(
    state: &AppState,
    user: &User,
    id: i64,
    sign: SignForm,
    e: AppError,
) -> Result<Response, PageError> {
    let (status, errors, refusal) = match e {
        AppError::Invalid(inv) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Errors::from_invalid(user.ctx.tr, &inv),
            None,
        ),
        AppError::Conflict(code) => (
            StatusCode::CONFLICT,
            Errors::default(),
            Some(user.ctx.tr.t(&format!("err.{code}")).to_owned()),
        ),
        e => return Err(e.into()),
    };
    let page = initiative_page(state, user, id, 0, sign, errors, refusal).await?;
    Ok((status, render(&page)).into_response())
}

/// `POST /publicity/initiatives/{id}/sign`: signs for the caller's institution.
pub async fn sign(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<SignForm>,
) -> Result<Response, PageError> {
    match svc::sign(&state, &user.account, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/publicity/initiatives/{id}?signed=1")).into_response()),
        Err(e) => step_failed(&state, &user, id, f, e).await,
    }
}

/// `POST /publicity/initiatives/{id}/withdraw`: withdraws the institution's signature.
pub async fn withdraw(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    match svc::withdraw(&state, &user.account, id).await {
        Ok(()) => Ok(Redirect::to(&format!("/publicity/initiatives/{id}")).into_response()),
        Err(e) => step_failed(&state, &user, id, SignForm::default(), e).await,
    }
}

/// `POST /publicity/initiatives/{id}/close`: closes the initiative (its publisher).
pub async fn close(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    match svc::close(&state, &user.account, id).await {
        Ok(_) => Ok(Redirect::to(&format!("/publicity/initiatives/{id}")).into_response()),
        Err(e) => step_failed(&state, &user, id, SignForm::default(), e).await,
    }
}

#[derive(Template)]
#[template(path = "initiative_unsigned.html")]
struct UnsignedPage {
    c: Chrome,
    v: InitiativeView,
    items: Vec<Unsigned>,
    addressed: i64,
    pager: Pager,
}

impl UnsignedPage {
    fn kind(&self, code: &str) -> &'static str {
        kind_label(self.c.tr, code)
    }
    fn summary(&self) -> String {
        self.c.tr.tf(
            "ini.unsigned_summary",
            &[
                ("addressed", self.addressed.to_string()),
                ("signed", self.v.i.signatures.to_string()),
                ("unsigned", self.pager.total.to_string()),
            ],
        )
    }
}

/// `GET /publicity/initiatives/{id}/unsigned`: who in the sector has not signed (the
/// publisher and the bureau above it).
pub async fn unsigned(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(p): Query<Paging>,
) -> Result<Response, PageError> {
    let v = svc::get(&state, Some(&user.account), id).await?;
    let (page, addressed) = svc::unsigned(&state, &user.account, id, p.offset, PAGE_SIZE).await?;
    Ok(render(&UnsignedPage {
        c: Chrome::new(&user.ctx, "publicity", user.ctx.tr.t("ini.unsigned")),
        pager: Pager {
            offset: page.offset,
            limit: page.limit,
            total: page.total,
            base: format!("/publicity/initiatives/{id}/unsigned?"),
        },
        items: page.items,
        addressed,
        v,
    }))
}

#[derive(Template)]
#[template(path = "initiative_public.html")]
struct PublicPage {
    c: Chrome,
    v: InitiativeView,
    signed: Vec<Signature>,
    pager: Pager,
}

impl PublicPage {
    fn state(&self) -> (&'static str, &'static str) {
        (
            self.v.i.state.colour(),
            state_label(self.c.tr, self.v.i.state),
        )
    }
    fn count(&self) -> String {
        self.c.tr.tf(
            "ini.signed_count",
            &[("count", self.v.i.signatures.to_string())],
        )
    }
    fn date(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
}

/// `GET /initiatives/{id}`: the public page — the text, the count and the signatories
/// (paged); no login needed.
pub async fn public(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
    Query(p): Query<Paging>,
) -> Result<Response, PageError> {
    let v = svc::get(&state, ctx.account(), id).await?;
    let page = svc::signatures(&state, ctx.account(), id, p.offset, PAGE_SIZE).await?;
    Ok(render(&PublicPage {
        c: Chrome::new(&ctx, "public", v.i.title.clone()),
        pager: Pager {
            offset: page.offset,
            limit: page.limit,
            total: page.total,
            base: format!("/initiatives/{id}?"),
        },
        signed: page.items,
        v,
    }))
}

#[derive(Template)]
#[template(path = "initiative_section.html")]
struct Section {
    tr: Tr,
    items: Vec<Initiative>,
}

impl Section {
    fn count(&self, i: &Initiative) -> String {
        self.tr
            .tf("ini.signed_count", &[("count", i.signatures.to_string())])
    }
    fn state(&self, i: &Initiative) -> (&'static str, &'static str) {
        (i.state.colour(), state_label(self.tr, i.state))
    }
    fn excerpt(&self, i: &Initiative) -> String {
        let mut s: String = i.body.chars().take(120).collect();
        if i.body.chars().count() > 120 {
            s.push('…');
        }
        s
    }
}

/// The initiatives' section of the campaign's public page: each initiative's title, its
/// publisher, the beginning of its text and its count of signatories, linking to its
/// public page; empty when the campaign has none.
pub async fn public_section(
    state: &AppState,
    tr: &Tr,
    campaign: &Campaign,
) -> Result<String, PageError> {
    let items = svc::of_campaign(state, campaign.id).await?;
    if items.is_empty() {
        return Ok(String::new());
    }
    Section { tr: *tr, items }.render().map_err(template_error)
}
