//! Industry statistics (行业统计) and the yearly industry report: a year's import, the
//! analysis, the reports (draft, publication, sharing with co-organisers, PDF) and a
//! campaign's published reports. Who may do what is decided by
//! `renke_app::industry_stats`.

use super::ApiResult;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::schema::form;
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use renke_app::industry_stats::{
    self as svc, AnalysisQuery, ImportForm, Report, ReportForm, ReportView, ShareForm, StatSet,
};
use renke_domain::industry_stats::{Analysis, StatRow, Totals};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Institutions per page of the analysis.
const LIMIT: i64 = 100;

/// An imported year (统计年度).
#[derive(Debug, Serialize, ToSchema)]
pub struct StatSetDto {
    pub year: i32,
    /// 机构数 How many institutions it has.
    pub institutions: i32,
    pub file_name: String,
    pub imported_by: Option<String>,
    pub imported_at: DateTime<Utc>,
}

impl From<StatSet> for StatSetDto {
    fn from(s: StatSet) -> Self {
        StatSetDto {
            year: s.year,
            institutions: s.row_count,
            file_name: s.file_name,
            imported_by: s.imported_by_name,
            imported_at: s.imported_at,
        }
    }
}

/// A yearly industry report (行业发展情况报告).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_title: String,
    /// The bureau whose statistics it reports.
    pub owner_org_id: i64,
    pub owner_name: String,
    pub year: i32,
    pub title: String,
    /// 报告正文 as written.
    pub narrative: String,
    /// draft, published.
    pub state: String,
    pub state_zh: String,
    pub published_at: Option<DateTime<Utc>>,
    /// `/api/v1/publicity/statistics/reports/{id}/pdf`
    pub pdf_url: String,
}

impl From<Report> for ReportDto {
    fn from(r: Report) -> Self {
        ReportDto {
            pdf_url: format!("/api/v1/publicity/statistics/reports/{}/pdf", r.id),
            id: r.id,
            campaign_id: r.campaign_id,
            campaign_title: r.campaign_title,
            owner_org_id: r.owner_org_id,
            owner_name: r.owner_name,
            year: r.year,
            title: r.title,
            narrative: r.narrative,
            state: r.state.as_str().to_owned(),
            state_zh: r.state.zh().to_owned(),
            published_at: r.published_at,
        }
    }
}

/// The figures of a group of institutions (a kind, sector, district or year).
#[derive(Debug, Serialize, ToSchema)]
pub struct TotalsDto {
    pub key: String,
    pub institutions: i64,
    /// 营业收入（万元）
    pub revenue: f64,
    pub staff: i64,
    pub certificates: i64,
    pub reports: i64,
}

impl From<&Totals> for TotalsDto {
    fn from(t: &Totals) -> Self {
        TotalsDto {
            key: t.key.clone(),
            institutions: t.institutions,
            revenue: t.revenue,
            staff: t.staff,
            certificates: t.certificates,
            reports: t.reports,
        }
    }
}

/// The figures of a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresDto {
    pub year: i32,
    pub total: TotalsDto,
    pub by_kind: Vec<TotalsDto>,
    /// Largest revenue first.
    pub by_sector: Vec<TotalsDto>,
    /// In the directory's order of districts.
    pub by_district: Vec<TotalsDto>,
    /// Every imported year up to this one, oldest first.
    pub trend: Vec<TotalsDto>,
}

impl From<&Analysis> for FiguresDto {
    fn from(a: &Analysis) -> Self {
        let all = |v: &[Totals]| v.iter().map(TotalsDto::from).collect();
        FiguresDto {
            year: a.year,
            total: (&a.total).into(),
            by_kind: all(&a.by_kind),
            by_sector: all(&a.by_sector),
            by_district: all(&a.by_district),
            trend: all(&a.trend),
        }
    }
}

/// One institution's figures of a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstitutionDto {
    /// The row of the imported file.
    pub line: i64,
    pub name: String,
    /// 统一社会信用代码
    pub credit_code: String,
    /// testing, certification, both, calibration.
    pub kind: String,
    pub kind_zh: String,
    /// construction, vehicles, environment, food, electrical, medical, machinery,
    /// materials, management, other.
    pub sector: String,
    pub sector_zh: String,
    pub district: String,
    pub revenue: f64,
    pub staff: i64,
    pub certificates: i64,
    pub reports: i64,
}

impl From<(usize, StatRow)> for InstitutionDto {
    fn from((line, r): (usize, StatRow)) -> Self {
        InstitutionDto {
            line: line as i64,
            kind: r.kind.as_str().to_owned(),
            kind_zh: r.kind.zh().to_owned(),
            sector: r.sector.as_str().to_owned(),
            sector_zh: r.sector.zh().to_owned(),
            name: r.name,
            credit_code: r.credit_code,
            district: r.district,
            revenue: r.revenue,
            staff: r.staff,
            certificates: r.certificates,
            reports: r.reports,
        }
    }
}

/// The caller's statistics: its bureau's imported years and reports, and the reports
/// shared with its organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverviewDto {
    pub owner_org_id: i64,
    pub owner_name: String,
    /// The caller reads the bureau's statistics.
    pub reads: bool,
    /// The caller imports and writes reports.
    pub keeps: bool,
    pub years: Vec<StatSetDto>,
    pub reports: Vec<ReportDto>,
    pub shared_with_us: Vec<ReportDto>,
}

/// The analysis of a year with a page of its institutions.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnalysisDto {
    pub owner_name: String,
    pub years: Vec<StatSetDto>,
    /// None when nothing is imported.
    pub figures: Option<FiguresDto>,
    pub institutions: Vec<InstitutionDto>,
    pub total: i64,
    pub offset: i64,
}

/// A report with its figures (frozen once published) and the organisations it is shared
/// with (for its keepers).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportViewDto {
    pub report: ReportDto,
    pub figures: FiguresDto,
    pub keeps: bool,
    pub shared_with: Vec<ShareDto>,
}

/// An organisation a report is shared with.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareDto {
    pub org_code: String,
    pub org_name: String,
    pub granted_at: DateTime<Utc>,
}

impl From<ReportView> for ReportViewDto {
    fn from(v: ReportView) -> Self {
        ReportViewDto {
            figures: (&v.analysis).into(),
            keeps: v.keeps,
            shared_with: v
                .shares
                .into_iter()
                .map(|s| ShareDto {
                    org_code: s.org_code,
                    org_name: s.org_name,
                    granted_at: s.granted_at,
                })
                .collect(),
            report: v.report.into(),
        }
    }
}

/// The import: the year and the file.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportUploadDto {
    /// 统计年度, e.g. 2021.
    year: i32,
    /// 文件: xlsx (or CSV UTF-8) with the columns 机构名称, 统一社会信用代码, 机构类型, 行业领域,
    /// 所在区, 营业收入（万元）, 从业人员（人）, 发出证书（张）, 出具报告（份）.
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
}

/// Publication: `true` publishes (figures frozen), `false` takes back to draft.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PublishDto {
    pub publish: bool,
}

/// The caller's statistics.
#[utoipa::path(
    get, path = "/api/v1/publicity/statistics", tag = "publicity",
    responses((status = 200, description = "行业统计 Statistics", body = OverviewDto)),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn overview(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Json<OverviewDto>> {
    let o = svc::overview(&state, &user.account).await?;
    Ok(Json(OverviewDto {
        owner_org_id: o.owner.id,
        owner_name: o.owner.name,
        reads: o.reads,
        keeps: o.keeps,
        years: o.sets.into_iter().map(Into::into).collect(),
        reports: o.reports.into_iter().map(Into::into).collect(),
        shared_with_us: o.shared.into_iter().map(Into::into).collect(),
    }))
}

/// Import a year's figures for the caller's bureau (multipart: `year`, `file`). A file
/// with a bad row is refused as a whole and nothing is saved: every problem is a field
/// error on `file` with `row`, `column` and `value` in its params. A good file replaces
/// the year's figures.
#[utoipa::path(
    post, path = "/api/v1/publicity/statistics/import", tag = "publicity",
    request_body(content = ImportUploadDto, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "已导入 Imported", body = StatSetDto),
        (status = 403, description = "无权导入 Not allowed", body = ErrorBody),
        (status = 422, description = "`year`: `required`, `year_out_of_range`; `file`: `required`, `unreadable_table`, `stat_missing_column`, `stat_unknown_column`, `stat_duplicate_column`, `stat_empty_file`, `stat_too_many_rows`, and per row `stat_required`, `stat_too_long`, `stat_single_line`, `stat_credit_code_format`, `stat_credit_code_check`, `stat_duplicate_code`, `stat_unknown_value`, `stat_unknown_district`, `stat_not_a_number`, `stat_not_whole`, `stat_negative`, `stat_too_large`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn import(
    State(state): State<AppState>,
    user: ApiUser,
    req: axum::extract::Request,
) -> ApiResult<(StatusCode, Json<StatSetDto>)> {
    let (f, files): (ImportForm, _) = crate::pages::read_form_with_files(req).await?;
    let set = svc::import(&state, &user.account, &f, files.first()).await?;
    Ok((StatusCode::CREATED, Json(set.into())))
}

/// The analysis of a year (the newest imported by default) with a page of its
/// institutions.
#[utoipa::path(
    get, path = "/api/v1/publicity/statistics/analysis", tag = "publicity",
    params(form::AnalysisQuery),
    responses(
        (status = 200, description = "统计分析 The analysis", body = AnalysisDto),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "该年度未导入 The year is not imported", body = ErrorBody),
        (status = 422, description = "`year`: `year_out_of_range`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn analysis(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<AnalysisQuery>,
) -> ApiResult<Json<AnalysisDto>> {
    let v = svc::analysis(&state, &user.account, &q, LIMIT).await?;
    Ok(Json(AnalysisDto {
        owner_name: v.owner.name,
        years: v.sets.into_iter().map(Into::into).collect(),
        figures: v.analysis.as_ref().map(Into::into),
        total: v.rows.total,
        offset: v.rows.offset,
        institutions: v.rows.items.into_iter().map(Into::into).collect(),
    }))
}

/// Write a draft report of the caller's bureau.
#[utoipa::path(
    post, path = "/api/v1/publicity/statistics/reports", tag = "publicity",
    request_body = form::IndustryReportForm,
    responses(
        (status = 201, description = "草稿已保存 Draft saved", body = ReportDto),
        (status = 403, description = "无权撰写 Not allowed", body = ErrorBody),
        (status = 422, description = "`title`; `year`: `year_out_of_range`, `year_not_imported`; `campaign_id`: `required`, `unknown_value`; `narrative`: `too_long`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn create_report(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(f): ApiJson<ReportForm>,
) -> ApiResult<(StatusCode, Json<ReportDto>)> {
    let r = svc::create_report(&state, &user.account, &f).await?;
    Ok((StatusCode::CREATED, Json(r.into())))
}

/// A report with its figures: for its keepers, the administration reading the bureau's
/// statistics and the co-organisers it is shared with; once published, for anyone who
/// sees its campaign.
#[utoipa::path(
    get, path = "/api/v1/publicity/statistics/reports/{id}", tag = "publicity",
    params(("id" = i64, Path, description = "报告编号 Report id")),
    responses(
        (status = 200, description = "报告 The report", body = ReportViewDto),
        (status = 404, description = "没有这份报告，或无权查看 No such report, or not readable by the caller", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ReportViewDto>> {
    Ok(Json(svc::report(&state, ctx.account(), id).await?.into()))
}

/// Change a draft report.
#[utoipa::path(
    put, path = "/api/v1/publicity/statistics/reports/{id}", tag = "publicity",
    params(("id" = i64, Path, description = "报告编号 Report id")),
    request_body = form::IndustryReportForm,
    responses(
        (status = 200, description = "已保存 Saved", body = ReportDto),
        (status = 403, description = "无权修改 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这份报告 No such report", body = ErrorBody),
        (status = 409, description = "已发布 `report_published`", body = ErrorBody),
        (status = 422, description = "As for a new report", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn update_report(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<ReportForm>,
) -> ApiResult<Json<ReportDto>> {
    Ok(Json(
        svc::update_report(&state, &user.account, id, &f)
            .await?
            .into(),
    ))
}

/// Publish a report (its figures frozen as they stand) or take it back to draft.
#[utoipa::path(
    post, path = "/api/v1/publicity/statistics/reports/{id}/publish", tag = "publicity",
    params(("id" = i64, Path, description = "报告编号 Report id")),
    request_body = PublishDto,
    responses(
        (status = 200, description = "已处理 Done", body = ReportDto),
        (status = 403, description = "无权发布 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这份报告 No such report", body = ErrorBody),
        (status = 409, description = "`report_published`, `report_not_published`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn publish(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PublishDto>,
) -> ApiResult<Json<ReportDto>> {
    Ok(Json(
        svc::publish(&state, &user.account, id, body.publish)
            .await?
            .into(),
    ))
}

/// Share a report with a co-organiser (its accounts then read the report's figures), or
/// stop sharing it (`shared`: `0`).
#[utoipa::path(
    post, path = "/api/v1/publicity/statistics/reports/{id}/shares", tag = "publicity",
    params(("id" = i64, Path, description = "报告编号 Report id")),
    request_body = form::ShareForm,
    responses(
        (status = 200, description = "已处理 Done", body = ReportViewDto),
        (status = 403, description = "无权共享 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这份报告 No such report", body = ErrorBody),
        (status = 422, description = "`org_code`: `required`, `unknown_org`, `not_a_partner`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn share(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<ShareForm>,
) -> ApiResult<Json<ReportViewDto>> {
    Ok(Json(
        svc::share(&state, &user.account, id, &f).await?.into(),
    ))
}

/// The report as a PDF with its charts and tables.
#[utoipa::path(
    get, path = "/api/v1/publicity/statistics/reports/{id}/pdf", tag = "publicity",
    params(("id" = i64, Path, description = "报告编号 Report id")),
    responses(
        (status = 200, description = "报告 PDF The report as PDF", body = [u8], content_type = "application/pdf"),
        (status = 404, description = "没有这份报告，或无权查看 No such report, or not readable by the caller", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let file = svc::report_pdf(&state, ctx.account(), id).await?;
    Ok(crate::download::pdf(file))
}

/// A campaign's published industry reports.
#[utoipa::path(
    get, path = "/api/v1/publicity/campaigns/{id}/reports", tag = "publicity",
    params(("id" = i64, Path, description = "主题活动编号 Campaign id")),
    responses(
        (status = 200, description = "已发布的报告 Published reports", body = [ReportDto]),
        (status = 404, description = "没有这个主题活动 No such campaign", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn campaign_reports(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<ReportDto>>> {
    let list = svc::public_reports(&state, ctx.account(), id).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}
