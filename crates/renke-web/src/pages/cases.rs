//! Case collection pages (案例征集) under 宣传: the calls, the call form, a call with the
//! caller's part in it, the case form, a case with its score grid, the ranking with the
//! selection, and the public collection page with its booklet and files zip.

use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::{Ctx, User};
use crate::error::{AppError, PageError};
use crate::view::{Chrome, Errors, Pager, local_time, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use renke_app::cases::{
    self as svc, Call, CallChoices, CallForm, CallView, Case, CaseForm, CaseStepForm, CaseView,
    Collection, Ranking, ScoreForm, SelectForm,
};
use renke_domain::cases::SubmissionState;
use renke_domain::org::OrgKind;
use serde::Deserialize;

/// Calls per page.
const PAGE_SIZE: i64 = 20;

fn state_chip(c: &Chrome, s: SubmissionState) -> (&'static str, &'static str) {
    (s.colour(), c.tr.pick(s.zh(), s.en()))
}

fn size(n: &i64) -> String {
    renke_domain::file::human_size((*n).max(0) as u64)
}

/// The offset of the list.
#[derive(Debug, Default, Deserialize)]
pub struct OffsetQuery {
    #[serde(default)]
    pub offset: i64,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct ListPage {
    c: Chrome,
    items: Vec<Call>,
    may_create: bool,
    pager: Pager,
    now: DateTime<Utc>,
}

impl ListPage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    fn stage(&self, call: &Call) -> (&'static str, &'static str) {
        stage(&self.c, call, self.now)
    }
}

/// Where a call stands, as a chip.
fn stage(c: &Chrome, call: &Call, now: DateTime<Utc>) -> (&'static str, &'static str) {
    let tr = c.tr;
    if call.published_at.is_some() {
        ("green", tr.pick("已发布", "Published"))
    } else if call.review_opened_at.is_some() {
        ("yellow", tr.pick("评审中", "In review"))
    } else if now < call.deadline {
        ("green", tr.pick("征集中", "Open"))
    } else {
        ("grey", tr.pick("已截止", "Closed"))
    }
}

/// `GET /publicity/cases`: the calls the caller runs, may answer or reviews.
pub async fn list(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<OffsetQuery>,
) -> Result<Response, PageError> {
    let page = svc::list_calls(&state, &user.account, q.offset, PAGE_SIZE).await?;
    let c = Chrome::new(
        &user.ctx,
        "publicity",
        user.ctx.tr.pick("案例征集", "Case collections"),
    );
    Ok(render(&ListPage {
        c,
        pager: Pager {
            offset: page.offset,
            limit: page.limit,
            total: page.total,
            base: "/publicity/cases?".to_owned(),
        },
        items: page.items,
        may_create: svc::may_create_call(&user.account),
        now: state.clock.now(),
    }))
}

#[derive(Template)]
#[template(path = "case_call_form.html")]
struct CallFormPage {
    c: Chrome,
    f: CallForm,
    choices: CallChoices,
    errors: Errors,
}

impl CallFormPage {
    fn kinds(&self) -> Vec<(&'static str, &'static str, bool)> {
        let chosen: Vec<&str> = self.f.kinds.split(',').map(str::trim).collect();
        OrgKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    self.c.tr.pick(k.zh(), k.en()),
                    chosen.contains(&k.as_str()),
                )
            })
            .collect()
    }
    fn picked(&self, list: &str, id: &i64) -> bool {
        list.split(',').any(|s| s.trim() == id.to_string())
    }
}

async fn call_form(
    state: &AppState,
    user: &User,
    f: CallForm,
    errors: Errors,
) -> Result<CallFormPage, PageError> {
    let choices = svc::call_choices(state, &user.account).await?;
    Ok(CallFormPage {
        c: Chrome::new(
            &user.ctx,
            "publicity",
            user.ctx.tr.pick("发起案例征集", "New call for cases"),
        ),
        f,
        choices,
        errors,
    })
}

/// `GET /publicity/cases/new`: the call form.
pub async fn new_call(State(state): State<AppState>, user: User) -> Result<Response, PageError> {
    let f = CallForm {
        criteria: "创新性 30\n示范性 30\n可推广性 20\n材料规范性 20".to_owned(),
        scope_org_id: user.account.org_id.to_string(),
        ..CallForm::default()
    };
    Ok(render(
        &call_form(&state, &user, f, Errors::default()).await?,
    ))
}

/// `POST /publicity/cases/new` (multipart): opens the call; the form comes back with every
/// problem.
pub async fn create_call(
    State(state): State<AppState>,
    user: User,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let (f, files): (CallForm, _) = super::read_form_with_files(req).await?;
    match svc::create_call(&state, &user.account, &f, files.first()).await {
        Ok(c) => Ok(Redirect::to(&format!("/publicity/cases/{}", c.id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = call_form(&state, &user, f, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "case_call.html")]
struct CallPage {
    c: Chrome,
    v: CallView,
    now: DateTime<Utc>,
}

impl CallPage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    fn stage(&self) -> (&'static str, &'static str) {
        stage(&self.c, &self.v.call, self.now)
    }
    fn chip(&self, s: &SubmissionState) -> (&'static str, &'static str) {
        state_chip(&self.c, *s)
    }
    fn kinds(&self) -> String {
        if self.v.call.kinds.is_empty() {
            return self.c.tr.pick("不限", "Any").to_owned();
        }
        let sep = self.c.tr.pick("、", ", ");
        self.v
            .call
            .kinds
            .iter()
            .map(|k| self.c.tr.pick(k.zh(), k.en()))
            .collect::<Vec<_>>()
            .join(sep)
    }
    fn total(&self) -> u32 {
        renke_domain::cases::total_max(&self.v.call.criteria)
    }
}

/// `GET /publicity/cases/{id}`: a call, with what the caller may do in it.
pub async fn show(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let v = svc::get_call(&state, &user.account, id).await?;
    Ok(render(&CallPage {
        c: Chrome::new(&user.ctx, "publicity", v.call.title.clone()),
        v,
        now: state.clock.now(),
    }))
}

/// `POST /publicity/cases/{id}/review`: opens the review.
pub async fn open_review(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    svc::open_review(&state, &user.account, id).await?;
    Ok(Redirect::to(&format!("/publicity/cases/{id}")).into_response())
}

/// `POST /publicity/cases/{id}/publish`: publishes the collection.
pub async fn publish(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    svc::publish(&state, &user.account, id).await?;
    Ok(Redirect::to(&format!("/publicity/cases/{id}/collection")).into_response())
}

/// `GET /publicity/cases/{id}/template`: the call's template.
pub async fn template(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let (f, stream) = svc::template(&state, &user.account, id).await?;
    Ok(crate::download::stored(&f, stream))
}

#[derive(Template)]
#[template(path = "case_form.html")]
struct CaseFormPage {
    c: Chrome,
    call: Call,
    /// The draft being edited.
    case_id: Option<i64>,
    f: CaseForm,
    errors: Errors,
}

async fn case_form(
    state: &AppState,
    user: &User,
    call_id: i64,
    case_id: Option<i64>,
    f: CaseForm,
    errors: Errors,
) -> Result<CaseFormPage, PageError> {
    let v = svc::get_call(state, &user.account, call_id).await?;
    Ok(CaseFormPage {
        c: Chrome::new(
            &user.ctx,
            "publicity",
            user.ctx.tr.pick("报送案例", "Submit a case"),
        ),
        call: v.call,
        case_id,
        f,
        errors,
    })
}

/// The draft to edit, if any (`?case=`).
#[derive(Debug, Default, Deserialize)]
pub struct DraftQuery {
    #[serde(default)]
    pub case: Option<i64>,
}

/// `GET /publicity/cases/{id}/submit`: the case form (a new case, or `?case=` a draft).
pub async fn new_case(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, PageError> {
    let f = match q.case {
        Some(cid) => {
            let v = svc::get_case(&state, &user.account, cid).await?;
            CaseForm {
                title: v.case.title,
                summary: v.case.summary.unwrap_or_default(),
                body: v.case.body,
                submit: String::new(),
            }
        }
        None => CaseForm::default(),
    };
    Ok(render(
        &case_form(&state, &user, id, q.case, f, Errors::default()).await?,
    ))
}

/// `POST /publicity/cases/{id}/submit` (multipart): saves the case as a draft or submits it.
pub async fn save_case(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(q): Query<DraftQuery>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let (f, files): (CaseForm, _) = super::read_form_with_files(req).await?;
    match svc::save_case(&state, &user.account, id, q.case, &f, &files).await {
        Ok(c) => {
            Ok(Redirect::to(&format!("/publicity/cases/submissions/{}", c.id)).into_response())
        }
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = case_form(&state, &user, id, q.case, f, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    c: Chrome,
    v: CaseView,
    /// The points as typed, when the grid comes back with errors.
    typed: Vec<String>,
    errors: Errors,
}

impl CasePage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    fn chip(&self) -> (&'static str, &'static str) {
        state_chip(&self.c, self.v.case.state)
    }
    fn size(&self, n: &i64) -> String {
        size(n)
    }
    /// Each criterion with its field name, maximum, value and error.
    fn grid(&self) -> Vec<(String, String, u32, String)> {
        self.v
            .call
            .criteria
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let value = self.typed.get(i).cloned().unwrap_or_else(|| {
                    self.v
                        .my_points
                        .get(i)
                        .copied()
                        .flatten()
                        .map(|p| p.to_string())
                        .unwrap_or_default()
                });
                (format!("score_{i}"), c.name.clone(), c.max, value)
            })
            .collect()
    }
}

async fn case_page(
    state: &AppState,
    user: &User,
    id: i64,
    typed: Vec<String>,
    errors: Errors,
) -> Result<CasePage, PageError> {
    let v = svc::get_case(state, &user.account, id).await?;
    Ok(CasePage {
        c: Chrome::new(&user.ctx, "publicity", v.case.title.clone()),
        v,
        typed,
        errors,
    })
}

/// `GET /publicity/cases/submissions/{id}`: a case, its files, the unit's steps and the
/// reviewer's score grid.
pub async fn case(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    Ok(render(
        &case_page(&state, &user, id, Vec::new(), Errors::default()).await?,
    ))
}

/// `POST /publicity/cases/submissions/{id}/step`: submit or withdraw.
pub async fn case_step(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    axum::Form(f): axum::Form<CaseStepForm>,
) -> Result<Response, PageError> {
    svc::case_step(&state, &user.account, id, &f).await?;
    Ok(Redirect::to(&format!("/publicity/cases/submissions/{id}")).into_response())
}

/// `POST /publicity/cases/submissions/{id}/scores`: the score grid (one `scores` field per
/// criterion); comes back with each bad field named.
pub async fn score(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let (f, _): (ScoreForm, _) = super::read_form_with_files(req).await?;
    match svc::score(&state, &user.account, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/publicity/cases/submissions/{id}")).into_response()),
        Err(AppError::Invalid(inv)) => {
            let typed = match &f.scores {
                svc::Points::Text(s) => s.split(',').map(|s| s.trim().to_owned()).collect(),
                svc::Points::List(v) => v.iter().map(i64::to_string).collect(),
            };
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = case_page(&state, &user, id, typed, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /publicity/cases/submissions/{id}/files/{file}`: a file of a case.
pub async fn case_file(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((id, file)): PagePath<(i64, i64)>,
) -> Result<Response, PageError> {
    let (f, stream) = svc::case_file(&state, ctx.account(), id, file).await?;
    Ok(crate::download::stored(&f, stream))
}

#[derive(Template)]
#[template(path = "case_ranking.html")]
struct RankingPage {
    c: Chrome,
    r: Ranking,
}

impl RankingPage {
    fn avg(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".to_owned(), |x| format!("{x:.1}"))
    }
    fn chip(&self, s: &SubmissionState) -> (&'static str, &'static str) {
        state_chip(&self.c, *s)
    }
    fn total(&self) -> u32 {
        renke_domain::cases::total_max(&self.r.call.criteria)
    }
    fn selected(&self, s: &SubmissionState) -> bool {
        *s == SubmissionState::Selected
    }
}

/// `GET /publicity/cases/{id}/ranking`: the ranking and the selection form.
pub async fn ranking(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let r = svc::ranking(&state, &user.account, id).await?;
    Ok(render(&RankingPage {
        c: Chrome::new(&user.ctx, "publicity", r.call.title.clone()),
        r,
    }))
}

/// `POST /publicity/cases/{id}/selection`: the ticked cases are selected.
pub async fn select(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let (f, _): (SelectForm, _) = super::read_form_with_files(req).await?;
    svc::select(&state, &user.account, id, &f).await?;
    Ok(Redirect::to(&format!("/publicity/cases/{id}/ranking")).into_response())
}

#[derive(Template)]
#[template(path = "case_collection.html")]
struct CollectionPage {
    c: Chrome,
    col: Collection,
}

impl CollectionPage {
    fn size(&self, n: &i64) -> String {
        size(n)
    }
    fn date(&self) -> String {
        self.col
            .call
            .published_at
            .as_ref()
            .map(local_time)
            .unwrap_or_default()
    }
    fn paragraphs<'a>(&self, case: &'a Case) -> Vec<&'a str> {
        case.body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

/// `GET /publicity/cases/{id}/collection`: the public collection page (its organiser sees a
/// preview before publication).
pub async fn collection(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let col = svc::collection(&state, ctx.account(), id).await?;
    let title = col.call.title.trim_end_matches("征集").to_owned();
    let page = CollectionPage {
        c: Chrome::new(&ctx, "public", title),
        col,
    };
    Ok(render(&page))
}

/// `GET /publicity/cases/{id}/booklet.pdf`: the collection's booklet.
pub async fn booklet(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let (name, bytes) = svc::booklet(&state, ctx.account(), id).await?;
    Ok(crate::download::download(&name, "application/pdf", bytes))
}

/// `GET /publicity/cases/{id}/files.zip`: every file of the collection, streamed.
pub async fn files_zip(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let (name, stream) = svc::files_zip(&state, ctx.account(), id).await?;
    Ok(crate::download::download(
        &name,
        "application/zip",
        axum::body::Body::from_stream(stream),
    ))
}

/// `GET /cases/{id}`: where a search result for a case opens — the case for whoever reads
/// it, else its place in the published collection.
pub async fn link(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let to = svc::case_link(&state, ctx.account(), id).await?;
    Ok(Redirect::to(&to).into_response())
}
