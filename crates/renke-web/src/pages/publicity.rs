//! Publicity (宣传) pages: the caller's materials (its own unit's, and those awaiting its
//! review), the upload form, a material's page with its review steps, its file and
//! thumbnail; and the download zone on the campaign's public page.

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
use renke_app::model::Campaign;
use renke_app::publicity::{
    self as svc, CampaignChoice, Material, MaterialForm, MaterialQuery, MaterialView, StepForm,
    Tab, Zone, ZoneQuery,
};
use renke_domain::publicity::{MaterialKind, MaterialState, MaterialStep};

/// Materials per page.
const PAGE_SIZE: i64 = 20;

/// Labels of kinds and states in the page's language.
fn kind_label(tr: Tr, k: MaterialKind) -> &'static str {
    tr.pick(k.zh(), k.en())
}
fn state_label(tr: Tr, s: MaterialState) -> &'static str {
    tr.pick(s.zh(), s.en())
}

#[derive(Template)]
#[template(path = "publicity.html")]
struct ListPage {
    c: Chrome,
    q: MaterialQuery,
    items: Vec<Material>,
    reviews: bool,
    pager: Pager,
}

impl ListPage {
    fn kind(&self, m: &Material) -> &'static str {
        kind_label(self.c.tr, m.kind)
    }
    fn state(&self, m: &Material) -> (&'static str, &'static str) {
        (m.state.colour(), state_label(self.c.tr, m.state))
    }
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    fn on_review(&self) -> bool {
        self.q.tab == Tab::Review
    }
    /// The list's filters, for its xlsx export.
    fn export_query(&self) -> String {
        list_base(&self.q)
            .trim_start_matches("/publicity?")
            .trim_end_matches('&')
            .to_owned()
    }
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        MaterialKind::ALL
            .iter()
            .map(|k| (k.as_str(), kind_label(self.c.tr, *k)))
            .collect()
    }
    fn states(&self) -> Vec<(&'static str, &'static str)> {
        MaterialState::ALL
            .iter()
            .map(|s| (s.as_str(), state_label(self.c.tr, *s)))
            .collect()
    }
}

/// The list's URL with its filters, ending in `&` for the pager.
fn list_base(q: &MaterialQuery) -> String {
    let tab = match q.tab {
        Tab::Mine => "mine",
        Tab::Review => "review",
    };
    let pairs = [
        ("tab", tab),
        ("state", q.state.as_str()),
        ("kind", q.kind.as_str()),
        ("campaign_id", q.campaign_id.as_str()),
    ];
    let qs: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
        .finish();
    format!("/publicity?{qs}&")
}

/// `GET /publicity`: the caller's materials, or (`tab=review`) those awaiting its review.
pub async fn list(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<MaterialQuery>,
) -> Result<Response, PageError> {
    let l = svc::list(&state, &user.account, &q, PAGE_SIZE).await?;
    let title = user.ctx.tr.pick("宣传资料", "Publicity materials");
    let mut c = Chrome::new(&user.ctx, "publicity", title);
    if q.offset == 0 && user.ctx.uri.contains("uploaded=1") {
        c = c.with_flash(Some(
            user.ctx
                .tr
                .pick("资料已上传，等待上级审核。", "Uploaded; it awaits review.")
                .to_owned(),
        ));
    }
    Ok(render(&ListPage {
        c,
        pager: Pager {
            offset: l.page.offset,
            limit: l.page.limit,
            total: l.page.total,
            base: list_base(&q),
        },
        items: l.page.items,
        reviews: l.reviews,
        q,
    }))
}

#[derive(Template)]
#[template(path = "publicity_form.html")]
struct UploadPage {
    c: Chrome,
    f: MaterialForm,
    choices: Vec<CampaignChoice>,
    errors: Errors,
}

impl UploadPage {
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        MaterialKind::ALL
            .iter()
            .map(|k| (k.as_str(), kind_label(self.c.tr, *k)))
            .collect()
    }
    fn may_add_official(&self) -> bool {
        self.choices.iter().any(|c| c.may_add_official)
    }
    fn is(&self, value: &str, id: &i64) -> bool {
        value.trim() == id.to_string()
    }
}

async fn upload_page(
    state: &AppState,
    user: &User,
    f: MaterialForm,
    errors: Errors,
) -> Result<UploadPage, PageError> {
    let choices = svc::upload_choices(state, &user.account).await?;
    Ok(UploadPage {
        c: Chrome::new(
            &user.ctx,
            "publicity",
            user.ctx.tr.pick("上传宣传资料", "Upload material"),
        ),
        f,
        choices,
        errors,
    })
}

/// `GET /publicity/new`: the upload form (`?campaign_id=` preselects a campaign).
pub async fn new_form(
    State(state): State<AppState>,
    user: User,
    Query(f): Query<MaterialForm>,
) -> Result<Response, PageError> {
    Ok(render(
        &upload_page(&state, &user, f, Errors::default()).await?,
    ))
}

/// `POST /publicity/new` (multipart): uploads; the form comes back with every problem.
pub async fn submit(
    State(state): State<AppState>,
    user: User,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let (f, files): (MaterialForm, _) = super::read_form_with_files(req).await?;
    match svc::submit(&state, &user.account, &f, files.first()).await {
        Ok(m) if m.official => Ok(Redirect::to(&format!("/publicity/{}", m.id)).into_response()),
        Ok(_) => Ok(Redirect::to("/publicity?uploaded=1").into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = upload_page(&state, &user, f, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "publicity_material.html")]
struct MaterialPage {
    c: Chrome,
    v: MaterialView,
    reason: String,
    errors: Errors,
}

impl MaterialPage {
    fn kind(&self) -> &'static str {
        kind_label(self.c.tr, self.v.m.kind)
    }
    fn state(&self) -> (&'static str, &'static str) {
        (
            self.v.m.state.colour(),
            state_label(self.c.tr, self.v.m.state),
        )
    }
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    fn size(&self, n: &i64) -> String {
        renke_domain::file::human_size((*n).max(0) as u64)
    }
    fn downloads(&self) -> String {
        self.c.tr.tf(
            "pty.downloaded",
            &[("count", self.v.m.downloads.to_string())],
        )
    }
    fn may(&self, step: &str) -> bool {
        self.v.steps.iter().any(|s| s.as_str() == step)
    }
    /// The steps that need no more than a button, with their labels.
    fn buttons(&self) -> Vec<(&'static str, &'static str, bool)> {
        let tr = self.c.tr;
        self.v
            .steps
            .iter()
            .filter(|s| **s != MaterialStep::Return)
            .map(|s| {
                let label = match s {
                    MaterialStep::Accept => tr.pick("采用", "Accept"),
                    MaterialStep::Publish => {
                        tr.pick("发布到下载专区", "Publish in the download zone")
                    }
                    MaterialStep::Resubmit => tr.pick("重新提交", "Submit again"),
                    MaterialStep::Withdraw => tr.pick("撤回", "Withdraw"),
                    MaterialStep::Return => "",
                };
                (s.as_str(), label, *s != MaterialStep::Withdraw)
            })
            .collect()
    }
}

async fn material_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    reason: String,
    errors: Errors,
) -> Result<MaterialPage, PageError> {
    let v = svc::get(state, ctx.account(), id).await?;
    let nav = if ctx.account().is_some() {
        "publicity"
    } else {
        "public"
    };
    Ok(MaterialPage {
        c: Chrome::new(ctx, nav, v.m.title.clone()),
        v,
        reason,
        errors,
    })
}

/// `GET /publicity/{id}`: a material, with the steps the caller may take; a published one
/// is open to visitors too (the public search and the download zone link here).
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    Ok(render(
        &material_page(&state, &ctx, id, String::new(), Errors::default()).await?,
    ))
}

/// `POST /publicity/{id}/step`: accept, return (with a reason), publish, resubmit,
/// withdraw; a return without a reason comes back with the field's error.
pub async fn step(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<StepForm>,
) -> Result<Response, PageError> {
    match svc::take_step(&state, &user.account, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/publicity/{id}")).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = material_page(&state, &user.ctx, id, f.reason, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /publicity/{id}/file`: the material's file, streamed (a published material's
/// downloads are counted); anyone may download published material.
pub async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let (f, stream) = svc::file(&state, ctx.account(), id, false).await?;
    Ok(crate::download::stored(&f, stream))
}

/// `GET /publicity/{id}/thumb`: the thumbnail of an image material.
pub async fn thumb(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let (f, stream) = svc::file(&state, ctx.account(), id, true).await?;
    Ok(crate::download::stored(&f, stream))
}

// ---------------------------------------------------------------- the public zone

#[derive(Template)]
#[template(path = "publicity_zone.html")]
struct ZoneSection {
    tr: Tr,
    campaign_id: i64,
    z: Zone,
    q: ZoneQuery,
    pager: Pager,
}

impl ZoneSection {
    fn kind(&self, m: &Material) -> &'static str {
        kind_label(self.tr, m.kind)
    }
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        MaterialKind::ALL
            .iter()
            .map(|k| (k.as_str(), kind_label(self.tr, *k)))
            .collect()
    }
    fn is_unit(&self, id: &i64) -> bool {
        self.q.org.trim() == id.to_string()
    }
    fn filtered(&self) -> bool {
        !self.q.kind.trim().is_empty() || !self.q.org.trim().is_empty()
    }
    fn downloads(&self, m: &Material) -> String {
        self.tr
            .tf("pty.downloaded", &[("count", m.downloads.to_string())])
    }
}

/// The download zone of the campaign's public page: the filter (kind, unit), the official
/// and published material with thumbnails and download counts, or what to expect when
/// there is none. A filter value that is not known shows the zone unfiltered.
pub async fn zone_section(
    state: &AppState,
    ctx: &Ctx,
    tr: &Tr,
    campaign: &Campaign,
    q: ZoneQuery,
) -> Result<String, PageError> {
    let z = match svc::zone(state, ctx.account(), campaign.id, &q, PAGE_SIZE).await {
        Ok(z) => z,
        Err(AppError::Invalid(_)) => {
            let q = ZoneQuery {
                offset: q.offset,
                ..ZoneQuery::default()
            };
            svc::zone(state, ctx.account(), campaign.id, &q, PAGE_SIZE).await?
        }
        Err(e) => return Err(e.into()),
    };
    let qs: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            [("kind", q.kind.as_str()), ("org", q.org.as_str())]
                .iter()
                .filter(|(_, v)| !v.is_empty()),
        )
        .finish();
    let section = ZoneSection {
        tr: *tr,
        campaign_id: campaign.id,
        pager: Pager {
            offset: z.page.offset,
            limit: z.page.limit,
            total: z.page.total,
            base: format!("/campaigns/{}?{qs}&", campaign.id),
        },
        z,
        q,
    };
    section
        .render()
        .map_err(|e| PageError(AppError::Internal(anyhow::anyhow!("template: {e}"))))
}
