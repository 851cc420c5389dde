//! Case collections (案例征集) under publicity: calls, the units' cases, the panel's scores,
//! the ranking and selection, the published collection with its booklet and files zip.
//! Who may do what is decided by `renke_app::cases`.

use super::ApiResult;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::schema::form;
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use renke_app::cases::{
    self as svc, Call, CallView, Case, CaseFile, CaseForm, CaseStepForm, CaseView, Collection,
    Ranking, ScoreForm, SelectForm,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Calls per page of the list.
const LIMIT: i64 = 50;

/// A criterion of a call.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionDto {
    pub name: String,
    /// The most points it gives.
    pub max: u32,
}

/// A call for cases (案例征集).
#[derive(Debug, Serialize, ToSchema)]
pub struct CallDto {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub criteria: Vec<CriterionDto>,
    /// `/api/v1/publicity/cases/{id}/template`, when the call has a template.
    pub template_url: Option<String>,
    pub template_name: Option<String>,
    pub deadline: DateTime<Utc>,
    /// Units under this organisation may submit.
    pub scope_org_id: i64,
    pub scope_name: String,
    /// Organisation kinds that may submit; empty: any.
    pub kinds: Vec<String>,
    pub review_opened_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    /// Cases in front of the panel.
    pub submitted: i64,
}

impl From<Call> for CallDto {
    fn from(c: Call) -> Self {
        CallDto {
            template_url: c
                .template_file_id
                .map(|_| format!("/api/v1/publicity/cases/{}/template", c.id)),
            criteria: c
                .criteria
                .into_iter()
                .map(|c| CriterionDto {
                    name: c.name,
                    max: c.max,
                })
                .collect(),
            kinds: c.kinds.iter().map(|k| k.as_str().to_owned()).collect(),
            id: c.id,
            title: c.title,
            description: c.description,
            owner_org_id: c.owner_org_id,
            owner_name: c.owner_name,
            template_name: c.template_name,
            deadline: c.deadline,
            scope_org_id: c.scope_org_id,
            scope_name: c.scope_name,
            review_opened_at: c.review_opened_at,
            published_at: c.published_at,
            submitted: c.submitted,
        }
    }
}

/// A unit's case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDto {
    pub id: i64,
    pub call_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub title: String,
    pub summary: Option<String>,
    pub body: String,
    /// draft, submitted, selected, not_selected, withdrawn.
    pub state: String,
    pub state_zh: String,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl From<Case> for CaseDto {
    fn from(c: Case) -> Self {
        CaseDto {
            state: c.state.as_str().to_owned(),
            state_zh: c.state.zh().to_owned(),
            id: c.id,
            call_id: c.call_id,
            org_id: c.org_id,
            org_name: c.org_name,
            title: c.title,
            summary: c.summary,
            body: c.body,
            created_at: c.created_at,
            submitted_at: c.submitted_at,
        }
    }
}

/// A file of a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseFileDto {
    pub name: String,
    pub size: i64,
    /// `/api/v1/publicity/cases/submissions/{case}/files/{file}`.
    pub url: String,
}

impl From<CaseFile> for CaseFileDto {
    fn from(f: CaseFile) -> Self {
        CaseFileDto {
            url: format!(
                "/api/v1/publicity/cases/submissions/{}/files/{}",
                f.submission_id, f.file_id
            ),
            name: f.name,
            size: f.size,
        }
    }
}

/// A panel member.
#[derive(Debug, Serialize, ToSchema)]
pub struct PanelMemberDto {
    pub account_id: i64,
    pub display_name: String,
    pub org_name: String,
}

/// A case in front of the panel, as the caller sees it in a call.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewableDto {
    pub case: CaseDto,
    /// The caller sits on the panel and its organisation is the unit (or inside it): it
    /// may not score this case.
    pub conflict: bool,
}

/// A call with the caller's part in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallViewDto {
    pub call: CallDto,
    /// The caller runs the call.
    pub runs: bool,
    pub on_panel: bool,
    /// The caller's organisation may submit.
    pub submits: bool,
    /// Before the deadline.
    pub open: bool,
    pub panel: Vec<PanelMemberDto>,
    /// The caller's organisation's cases.
    pub mine: Vec<CaseDto>,
    pub reviewable: Vec<ReviewableDto>,
}

impl From<CallView> for CallViewDto {
    fn from(v: CallView) -> Self {
        CallViewDto {
            runs: v.role.runs,
            on_panel: v.role.on_panel,
            submits: v.role.submits,
            open: v.open,
            panel: v
                .panel
                .into_iter()
                .map(|p| PanelMemberDto {
                    account_id: p.account_id,
                    display_name: p.display_name,
                    org_name: p.org_name,
                })
                .collect(),
            mine: v.mine.into_iter().map(Into::into).collect(),
            reviewable: v
                .reviewable
                .into_iter()
                .map(|(c, conflict)| ReviewableDto {
                    case: c.into(),
                    conflict,
                })
                .collect(),
            call: v.call.into(),
        }
    }
}

/// A case with what the caller may do to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseViewDto {
    pub case: CaseDto,
    pub files: Vec<CaseFileDto>,
    pub criteria: Vec<CriterionDto>,
    pub may_edit: bool,
    pub may_withdraw: bool,
    /// The caller sits on the panel and the review is open.
    pub reviewing: bool,
    /// The caller's organisation is the unit or inside it: it may not score.
    pub conflict: bool,
    /// The caller's points so far, by criterion.
    pub my_points: Vec<Option<u32>>,
}

impl From<CaseView> for CaseViewDto {
    fn from(v: CaseView) -> Self {
        CaseViewDto {
            files: v.files.into_iter().map(Into::into).collect(),
            criteria: v
                .call
                .criteria
                .into_iter()
                .map(|c| CriterionDto {
                    name: c.name,
                    max: c.max,
                })
                .collect(),
            may_edit: v.may_edit,
            may_withdraw: v.may_withdraw,
            reviewing: v.reviewing,
            conflict: v.conflict,
            my_points: v.my_points,
            case: v.case.into(),
        }
    }
}

/// A reviewer's total in the ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct SheetDto {
    pub reviewer: String,
    pub total: u32,
    /// Left out of the average: a conflict of interest.
    pub conflict: bool,
}

/// A line of the ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankDto {
    pub rank: usize,
    pub case: CaseDto,
    /// The average of the counted reviewers' totals; none before anyone counted scored.
    pub average: Option<f64>,
    pub by_criterion: Vec<Option<f64>>,
    pub counted: usize,
    pub excluded: usize,
    pub sheets: Vec<SheetDto>,
}

/// A call's ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankingDto {
    pub call: CallDto,
    pub rows: Vec<RankDto>,
    /// Members of the panel.
    pub panel: usize,
    pub may_select: bool,
}

impl From<Ranking> for RankingDto {
    fn from(r: Ranking) -> Self {
        RankingDto {
            rows: r
                .rows
                .into_iter()
                .enumerate()
                .map(|(i, row)| RankDto {
                    rank: i + 1,
                    average: row.standing.average,
                    by_criterion: row.standing.by_criterion,
                    counted: row.standing.counted,
                    excluded: row.standing.excluded,
                    sheets: row
                        .sheets
                        .into_iter()
                        .map(|s| SheetDto {
                            reviewer: s.reviewer,
                            total: s.total,
                            conflict: s.conflict,
                        })
                        .collect(),
                    case: row.case.into(),
                })
                .collect(),
            panel: r.panel,
            may_select: r.may_select,
            call: r.call.into(),
        }
    }
}

/// A published collection: the call and its selected cases with their files.
#[derive(Debug, Serialize, ToSchema)]
pub struct CollectionDto {
    pub call: CallDto,
    pub cases: Vec<CollectionCaseDto>,
    /// `/api/v1/publicity/cases/{id}/booklet`.
    pub booklet_url: String,
    /// `/api/v1/publicity/cases/{id}/files`.
    pub files_url: String,
}

/// A case of a collection.
#[derive(Debug, Serialize, ToSchema)]
pub struct CollectionCaseDto {
    pub case: CaseDto,
    pub files: Vec<CaseFileDto>,
}

impl From<Collection> for CollectionDto {
    fn from(c: Collection) -> Self {
        CollectionDto {
            booklet_url: format!("/api/v1/publicity/cases/{}/booklet", c.call.id),
            files_url: format!("/api/v1/publicity/cases/{}/files", c.call.id),
            cases: c
                .cases
                .into_iter()
                .map(|(case, files)| CollectionCaseDto {
                    case: case.into(),
                    files: files.into_iter().map(Into::into).collect(),
                })
                .collect(),
            call: c.call.into(),
        }
    }
}

/// A page of calls.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallsDto {
    pub items: Vec<CallDto>,
    pub total: i64,
    pub offset: i64,
    /// The caller may open calls.
    pub may_create: bool,
}

/// The offset of a list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct OffsetQuery {
    #[serde(default)]
    pub offset: i64,
}

/// The call form: the fields of `CallForm` and the template `file`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CallUploadDto {
    title: String,
    description: Option<String>,
    /// Beijing time, `2022-06-30 17:00`.
    deadline: String,
    /// One per line, `名称 分值`.
    criteria: String,
    scope_org_id: i64,
    /// Kind codes separated by commas; empty: any.
    kinds: Option<String>,
    /// Reviewer account ids separated by commas.
    panel: String,
    /// 模板 The template (optional).
    #[schema(format = Binary, value_type = String)]
    file: Option<Vec<u8>>,
}

/// The case form: the fields of `CaseForm` and any number of `file` parts.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CaseUploadDto {
    title: String,
    summary: Option<String>,
    body: String,
    /// `1`: submit now; otherwise a draft.
    submit: Option<String>,
    /// 附件 Files (repeat the part for several).
    #[schema(format = Binary, value_type = String)]
    file: Option<Vec<u8>>,
}

/// The calls the caller runs, may answer or reviews.
#[utoipa::path(
    get, path = "/api/v1/publicity/cases", tag = "publicity",
    params(OffsetQuery),
    responses((status = 200, description = "案例征集 Calls", body = CallsDto)),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<OffsetQuery>,
) -> ApiResult<Json<CallsDto>> {
    let page = svc::list_calls(&state, &user.account, q.offset, LIMIT).await?;
    Ok(Json(CallsDto {
        total: page.total,
        offset: page.offset,
        items: page.items.into_iter().map(Into::into).collect(),
        may_create: svc::may_create_call(&user.account),
    }))
}

/// Open a call for the caller's organisation (multipart: the fields and an optional
/// template `file`).
#[utoipa::path(
    post, path = "/api/v1/publicity/cases", tag = "publicity",
    request_body(content = CallUploadDto, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "已发布征集 Call opened", body = CallDto),
        (status = 403, description = "无权发起征集 Not allowed", body = ErrorBody),
        (status = 422, description = "`title`, `description`, `deadline` (`deadline_past`), `criteria` (`criterion_invalid`, `criterion_points`, `criterion_duplicate`, `too_many`), `kinds`, `scope_org_id`, `panel`: `required`, `unknown_value`; `file`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    req: axum::extract::Request,
) -> ApiResult<(StatusCode, Json<CallDto>)> {
    let (f, files): (svc::CallForm, _) = crate::pages::read_form_with_files(req).await?;
    let c = svc::create_call(&state, &user.account, &f, files.first()).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// One call with the caller's part in it.
#[utoipa::path(
    get, path = "/api/v1/publicity/cases/{id}", tag = "publicity",
    params(("id" = i64, Path, description = "征集编号 Call id")),
    responses(
        (status = 200, description = "征集 The call", body = CallViewDto),
        (status = 404, description = "没有或无关 No such call, or none of the caller's", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CallViewDto>> {
    Ok(Json(svc::get_call(&state, &user.account, id).await?.into()))
}

/// A call's template file.
#[utoipa::path(
    get, path = "/api/v1/publicity/cases/{id}/template", tag = "publicity",
    params(("id" = i64, Path, description = "征集编号 Call id")),
    responses(
        (status = 200, description = "模板 The template", content_type = "application/octet-stream"),
        (status = 404, description = "没有模板 No template", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn template(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (f, stream) = svc::template(&state, &user.account, id).await?;
    Ok(crate::download::stored(&f, stream))
}

/// Write a case for the caller's organisation (multipart: the fields and `file` parts), as
/// a draft or submitted (`submit=1`), before the deadline.
#[utoipa::path(
    post, path = "/api/v1/publicity/cases/{id}/submissions", tag = "publicity",
    params(("id" = i64, Path, description = "征集编号 Call id")),
    request_body(content = CaseUploadDto, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "已保存 Saved", body = CaseDto),
        (status = 403, description = "本单位不在征集范围 The caller's organisation may not submit", body = ErrorBody),
        (status = 409, description = "`call_closed`", body = ErrorBody),
        (status = 422, description = "`title`, `summary`, `body`; `file`: `too_many`, `file_type_refused`, `file_too_large`, `storage_quota_exceeded`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn submit(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    req: axum::extract::Request,
) -> ApiResult<(StatusCode, Json<CaseDto>)> {
    let (f, files): (CaseForm, _) = crate::pages::read_form_with_files(req).await?;
    let c = svc::save_case(&state, &user.account, id, None, &f, &files).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// One case: for its unit, those above it, the call's organiser and its panel.
#[utoipa::path(
    get, path = "/api/v1/publicity/cases/submissions/{id}", tag = "publicity",
    params(("id" = i64, Path, description = "案例编号 Case id")),
    responses(
        (status = 200, description = "案例 The case", body = CaseViewDto),
        (status = 404, description = "没有或无权查看 No such case, or not readable", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn case(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CaseViewDto>> {
    Ok(Json(svc::get_case(&state, &user.account, id).await?.into()))
}

/// Submit a draft or withdraw a case (its unit, before the deadline).
#[utoipa::path(
    post, path = "/api/v1/publicity/cases/submissions/{id}/step", tag = "publicity",
    params(("id" = i64, Path, description = "案例编号 Case id")),
    request_body = form::CaseStepForm,
    responses(
        (status = 200, description = "已处理 Done", body = CaseViewDto),
        (status = 403, description = "无权操作 Not allowed", body = ErrorBody),
        (status = 409, description = "`call_closed`, `case_not_draft`, `case_not_withdrawable`", body = ErrorBody),
        (status = 422, description = "`step`: `unknown_value`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn step(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CaseStepForm>,
) -> ApiResult<Json<CaseViewDto>> {
    Ok(Json(
        svc::case_step(&state, &user.account, id, &body)
            .await?
            .into(),
    ))
}

/// Score a case against every criterion (a panel member, once the review is open; never a
/// case of its own organisation).
#[utoipa::path(
    put, path = "/api/v1/publicity/cases/submissions/{id}/scores", tag = "publicity",
    params(("id" = i64, Path, description = "案例编号 Case id")),
    request_body = form::ScoreForm,
    responses(
        (status = 200, description = "已评分 Scored", body = CaseViewDto),
        (status = 403, description = "不是评审专家 Not on the panel", body = ErrorBody),
        (status = 409, description = "`conflict_of_interest` (the reviewer's organisation submitted the case), `review_not_open`, `collection_published`, `case_not_submitted`", body = ErrorBody),
        (status = 422, description = "`score_<n>`: `required`, `score_invalid`, `score_out_of_range`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn score(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ScoreForm>,
) -> ApiResult<Json<CaseViewDto>> {
    Ok(Json(
        svc::score(&state, &user.account, id, &body).await?.into(),
    ))
}

/// A file of a case (of a published collection's case, for anyone).
#[utoipa::path(
    get, path = "/api/v1/publicity/cases/submissions/{id}/files/{file}", tag = "publicity",
    params(
        ("id" = i64, Path, description = "案例编号 Case id"),
        ("file" = i64, Path, description = "文件编号 File id"),
    ),
    responses(
        (status = 200, description = "文件 The file", content_type = "application/octet-stream"),
        (status = 404, description = "没有这个文件 No such file", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn case_file(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, file)): ApiPath<(i64, i64)>,
) -> ApiResult<Response> {
    let (f, stream) = svc::case_file(&state, ctx.account(), id, file).await?;
    Ok(crate::download::stored(&f, stream))
}

/// Open the review after the deadline (the organiser); the panel is told by e-mail.
#[utoipa::path(
    post, path = "/api/v1/publicity/cases/{id}/review", tag = "publicity",
    params(("id" = i64, Path, description = "征集编号 Call id")),
    responses(
        (status = 200, description = "评审已开始 Review open", body = CallViewDto),
        (status = 403, description = "无权操作 Not allowed", body = ErrorBody),
        (status = 409, description = "`call_still_open`, `review_already_open`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn open_review(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CallViewDto>> {
    Ok(Json(
        svc::open_review(&state, &user.account, id).await?.into(),
    ))
}

/// The ranking by average score, reviewers in conflict left out (the organiser and those
/// above it).
#[utoipa::path(
    get, path = "/api/v1/publicity/cases/{id}/ranking", tag = "publicity",
    params(("id" = i64, Path, description = "征集编号 Call id")),
    responses(
        (status = 200, description = "排名 The ranking", body = RankingDto),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "没有或无关 No such call", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn ranking(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RankingDto>> {
    Ok(Json(svc::ranking(&state, &user.account, id).await?.into()))
}

/// Set the selection (the organiser); units whose case changed are told by e-mail.
#[utoipa::path(
    post, path = "/api/v1/publicity/cases/{id}/selection", tag = "publicity",
    params(("id" = i64, Path, description = "征集编号 Call id")),
    request_body = form::SelectForm,
    responses(
        (status = 200, description = "已遴选 Selected", body = RankingDto),
        (status = 403, description = "无权操作 Not allowed", body = ErrorBody),
        (status = 409, description = "`review_not_open`, `collection_published`", body = ErrorBody),
        (status = 422, description = "`selected`: `unknown_value`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn select(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SelectForm>,
) -> ApiResult<Json<RankingDto>> {
    Ok(Json(
        svc::select(&state, &user.account, id, &body).await?.into(),
    ))
}

/// Publish the collection (the organiser).
#[utoipa::path(
    post, path = "/api/v1/publicity/cases/{id}/publish", tag = "publicity",
    params(("id" = i64, Path, description = "征集编号 Call id")),
    responses(
        (status = 200, description = "已发布 Published", body = CallViewDto),
        (status = 403, description = "无权操作 Not allowed", body = ErrorBody),
        (status = 409, description = "`nothing_selected`, `collection_published`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn publish(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CallViewDto>> {
    Ok(Json(svc::publish(&state, &user.account, id).await?.into()))
}

/// A published collection (anyone; before publication, its organiser).
#[utoipa::path(
    get, path = "/api/v1/publicity/cases/{id}/collection", tag = "publicity",
    params(("id" = i64, Path, description = "征集编号 Call id")),
    responses(
        (status = 200, description = "案例集 The collection", body = CollectionDto),
        (status = 404, description = "未发布 Not published", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn collection(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CollectionDto>> {
    Ok(Json(
        svc::collection(&state, ctx.account(), id).await?.into(),
    ))
}

/// The collection's booklet (PDF).
#[utoipa::path(
    get, path = "/api/v1/publicity/cases/{id}/booklet", tag = "publicity",
    params(("id" = i64, Path, description = "征集编号 Call id")),
    responses(
        (status = 200, description = "案例集 PDF", content_type = "application/pdf"),
        (status = 404, description = "未发布 Not published", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn booklet(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (name, bytes) = svc::booklet(&state, ctx.account(), id).await?;
    Ok(crate::download::download(&name, "application/pdf", bytes))
}

/// Every file of the collection's cases as a zip, streamed.
#[utoipa::path(
    get, path = "/api/v1/publicity/cases/{id}/files", tag = "publicity",
    params(("id" = i64, Path, description = "征集编号 Call id")),
    responses(
        (status = 200, description = "案例文件 zip", content_type = "application/zip"),
        (status = 404, description = "未发布 Not published", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn files_zip(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (name, stream) = svc::files_zip(&state, ctx.account(), id).await?;
    Ok(crate::download::download(
        &name,
        "application/zip",
        axum::body::Body::from_stream(stream),
    ))
}
