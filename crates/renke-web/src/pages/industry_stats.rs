//! Industry statistics (行业统计) pages under 宣传: the statistics home with the import
//! form (a refused file comes back with the table of every problem, row by row), the
//! analysis of a year with its charts and tables, the yearly report's editor with its
//! figures, preview, publication and sharing, and the report's PDF; the published
//! reports' section of the campaign's public page.

use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::{Ctx, User};
use crate::error::{AppError, PageError, escape};
use crate::i18n::Tr;
use crate::view::{Chrome, Errors, Pager, local_time, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use renke_app::industry_stats::{
    self as svc, AnalysisQuery, AnalysisView, ImportForm, Overview, Report, ReportForm, ReportView,
    ShareForm,
};
use renke_domain::industry_stats::{ReportState, StatRow, Totals};
use renke_domain::{FieldError, Invalid};
use renke_render::chart::bars::grouped;
use serde::Deserialize;

/// Institutions per page of the analysis.
const PAGE_SIZE: i64 = 50;

/// One problem of a refused import: row, column, message.
pub struct Problem {
    pub row: String,
    pub column: String,
    pub message: String,
}

fn problems(tr: Tr, inv: &Invalid) -> Vec<Problem> {
    inv.0
        .iter()
        .map(|e: &FieldError| Problem {
            row: e.param("row").unwrap_or("").to_owned(),
            column: e.param("column").unwrap_or("").to_owned(),
            message: tr.field_error(e),
        })
        .collect()
}

fn state_label(tr: Tr, s: ReportState) -> (&'static str, &'static str) {
    let colour = match s {
        ReportState::Published => "green",
        ReportState::Draft => "grey",
    };
    (colour, tr.pick(s.zh(), s.en()))
}

#[derive(Template)]
#[template(path = "stats.html")]
struct HomePage {
    c: Chrome,
    o: Overview,
    f: ImportForm,
    errors: Errors,
    problems: Vec<Problem>,
}

impl HomePage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    fn state(&self, r: &Report) -> (&'static str, &'static str) {
        state_label(self.c.tr, r.state)
    }
}

async fn home_page(
    state: &AppState,
    user: &User,
    f: ImportForm,
    inv: Option<&Invalid>,
) -> Result<HomePage, PageError> {
    let o = svc::overview(state, &user.account).await?;
    let tr = user.ctx.tr;
    let (errors, problems) = match inv {
        Some(inv) => {
            let rows: Invalid = Invalid(
                inv.0
                    .iter()
                    .filter(|e| e.param("row").is_some())
                    .cloned()
                    .collect(),
            );
            let fields: Invalid = Invalid(
                inv.0
                    .iter()
                    .filter(|e| e.param("row").is_none())
                    .cloned()
                    .collect(),
            );
            (Errors::from_invalid(tr, &fields), problems(tr, &rows))
        }
        None => (Errors::default(), Vec::new()),
    };
    Ok(HomePage {
        c: Chrome::new(&user.ctx, "publicity", tr.t("stat.title")),
        o,
        f,
        errors,
        problems,
    })
}

/// `GET /publicity/statistics`: the imported years, the import form, the reports.
pub async fn home(State(state): State<AppState>, user: User) -> Result<Response, PageError> {
    Ok(render(
        &home_page(&state, &user, ImportForm::default(), None).await?,
    ))
}

/// `POST /publicity/statistics/import` (multipart): imports a year; a refused file comes
/// back with the table of its problems, and nothing is saved.
pub async fn import(
    State(state): State<AppState>,
    user: User,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let (f, files): (ImportForm, _) = super::read_form_with_files(req).await?;
    match svc::import(&state, &user.account, &f, files.first()).await {
        Ok(set) => Ok(Redirect::to(&format!(
            "/publicity/statistics/analysis?year={}&imported=1",
            set.year
        ))
        .into_response()),
        Err(AppError::Invalid(inv)) => {
            let page = home_page(&state, &user, f, Some(&inv)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /publicity/statistics/template.xlsx`: the import template.
pub async fn template(_user: User) -> Result<Response, PageError> {
    let bytes = svc::template()?;
    Ok(crate::download::download(
        "行业统计导入模板.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

/// A table of figures by group, as the page shows it.
pub struct FigureRow {
    pub key: String,
    pub institutions: String,
    pub revenue: String,
    pub staff: String,
    pub certificates: String,
    pub reports: String,
}

pub fn figure_rows(v: &[Totals]) -> Vec<FigureRow> {
    v.iter()
        .map(|t| FigureRow {
            key: t.key.clone(),
            institutions: grouped(t.institutions as f64),
            revenue: grouped(t.revenue),
            staff: grouped(t.staff as f64),
            certificates: grouped(t.certificates as f64),
            reports: grouped(t.reports as f64),
        })
        .collect()
}

/// The figure tables of an analysis: (title key, rows).
fn tables(a: &renke_domain::industry_stats::Analysis) -> Vec<(&'static str, Vec<FigureRow>)> {
    vec![
        ("stat.by_kind", figure_rows(&a.by_kind)),
        ("stat.by_sector", figure_rows(&a.by_sector)),
        ("stat.by_district", figure_rows(&a.by_district)),
        ("stat.by_year", figure_rows(&a.trend)),
    ]
}

#[derive(Template)]
#[template(path = "stats_analysis.html")]
struct AnalysisPage {
    c: Chrome,
    v: AnalysisView,
    year: i32,
    total: Vec<FigureRow>,
    charts: Vec<(String, String)>,
    tables: Vec<(&'static str, Vec<FigureRow>)>,
    pager: Pager,
}

impl AnalysisPage {
    fn kind(&self, r: &StatRow) -> &'static str {
        self.c.tr.pick(r.kind.zh(), r.kind.en())
    }
    fn sector(&self, r: &StatRow) -> &'static str {
        self.c.tr.pick(r.sector.zh(), r.sector.en())
    }
    fn num(&self, x: &f64) -> String {
        grouped(*x)
    }
    fn int(&self, x: &i64) -> String {
        grouped(*x as f64)
    }
}

/// `GET /publicity/statistics/analysis?year=`: a year's figures with charts and tables,
/// and its institutions page by page.
pub async fn analysis(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<AnalysisQuery>,
) -> Result<Response, PageError> {
    let v = svc::analysis(&state, &user.account, &q, PAGE_SIZE).await?;
    let tr = user.ctx.tr;
    let mut c = Chrome::new(&user.ctx, "publicity", tr.t("stat.analysis"));
    if user.ctx.uri.contains("imported=1") {
        c = c.with_flash(Some(tr.t("stat.imported").to_owned()));
    }
    let (year, total, charts, tables) = match &v.analysis {
        Some(a) => (
            a.year,
            figure_rows(std::slice::from_ref(&a.total)),
            svc::charts(a),
            tables(a),
        ),
        None => (0, Vec::new(), Vec::new(), Vec::new()),
    };
    Ok(render(&AnalysisPage {
        pager: Pager {
            offset: v.rows.offset,
            limit: v.rows.limit,
            total: v.rows.total,
            base: format!("/publicity/statistics/analysis?year={year}&"),
        },
        c,
        year,
        total,
        charts,
        tables,
        v,
    }))
}

#[derive(Template)]
#[template(path = "stats_report_form.html")]
struct ReportFormPage {
    c: Chrome,
    f: ReportForm,
    campaigns: Vec<(i64, String)>,
    years: Vec<i32>,
    errors: Errors,
}

impl ReportFormPage {
    fn is(&self, value: &str, id: &i64) -> bool {
        value.trim() == id.to_string()
    }
    fn is_year(&self, value: &str, y: &i32) -> bool {
        value.trim() == y.to_string()
    }
}

/// The narrative a new report starts from: the usual sections, to be written over.
const NARRATIVE_START: &str = "一、总体情况\n\n二、各区发展情况\n\n三、各行业领域发展情况\n\n四、存在的问题\n\n五、下一步工作建议";

async fn report_form_page(
    state: &AppState,
    user: &User,
    f: ReportForm,
    errors: Errors,
) -> Result<ReportFormPage, PageError> {
    let o = svc::overview(state, &user.account).await?;
    Ok(ReportFormPage {
        c: Chrome::new(&user.ctx, "publicity", user.ctx.tr.t("stat.new_report")),
        campaigns: svc::campaign_choices(state, &user.account).await?,
        years: o.sets.iter().map(|s| s.year).collect(),
        f,
        errors,
    })
}

/// `GET /publicity/statistics/reports/new`: the new report's form.
pub async fn new_report(
    State(state): State<AppState>,
    user: User,
    Query(mut f): Query<ReportForm>,
) -> Result<Response, PageError> {
    if f.narrative.is_empty() {
        f.narrative = NARRATIVE_START.to_owned();
    }
    Ok(render(
        &report_form_page(&state, &user, f, Errors::default()).await?,
    ))
}

/// `POST /publicity/statistics/reports/new`: writes the draft.
pub async fn create_report(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<ReportForm>,
) -> Result<Response, PageError> {
    match svc::create_report(&state, &user.account, &f).await {
        Ok(r) => {
            Ok(Redirect::to(&format!("/publicity/statistics/reports/{}", r.id)).into_response())
        }
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = report_form_page(&state, &user, f, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "stats_report.html")]
struct ReportPage {
    c: Chrome,
    v: ReportView,
    f: ReportForm,
    campaigns: Vec<(i64, String)>,
    years: Vec<i32>,
    partners: Vec<(String, String)>,
    total: Vec<FigureRow>,
    charts: Vec<(String, String)>,
    tables: Vec<(&'static str, Vec<FigureRow>)>,
    errors: Errors,
}

impl ReportPage {
    fn state(&self) -> (&'static str, &'static str) {
        state_label(self.c.tr, self.v.report.state)
    }
    fn draft(&self) -> bool {
        self.v.report.state == ReportState::Draft
    }
    fn editable(&self) -> bool {
        self.v.keeps && self.draft()
    }
    fn is(&self, value: &str, id: &i64) -> bool {
        value.trim() == id.to_string()
    }
    fn is_year(&self, value: &str, y: &i32) -> bool {
        value.trim() == y.to_string()
    }
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
}

async fn report_page(
    state: &AppState,
    user: &User,
    id: i64,
    f: Option<ReportForm>,
    errors: Errors,
) -> Result<ReportPage, PageError> {
    let v = svc::report(state, Some(&user.account), id).await?;
    let (campaigns, years, partners) = if v.keeps {
        (
            svc::campaign_choices(state, &user.account).await?,
            svc::years(state, v.report.owner_org_id).await?,
            svc::partner_choices(state, &v.report.owner_path).await?,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let f = f.unwrap_or_else(|| ReportForm {
        campaign_id: v.report.campaign_id.to_string(),
        year: v.report.year.to_string(),
        title: v.report.title.clone(),
        narrative: v.report.narrative.clone(),
    });
    Ok(ReportPage {
        c: Chrome::new(&user.ctx, "publicity", v.report.title.clone()),
        total: figure_rows(std::slice::from_ref(&v.analysis.total)),
        charts: v.charts.clone(),
        tables: tables(&v.analysis),
        campaigns,
        years,
        partners,
        f,
        errors,
        v,
    })
}

/// `GET /publicity/statistics/reports/{id}`: the report with its figures and charts; its
/// editor, publication and sharing for its keepers.
pub async fn report(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    Ok(render(
        &report_page(&state, &user, id, None, Errors::default()).await?,
    ))
}

/// `POST /publicity/statistics/reports/{id}`: saves the draft.
pub async fn update_report(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ReportForm>,
) -> Result<Response, PageError> {
    match svc::update_report(&state, &user.account, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/publicity/statistics/reports/{id}")).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = report_page(&state, &user, id, Some(f), errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The publication form: `1` publishes, `0` takes back to draft.
#[derive(Debug, Default, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    pub publish: String,
}

/// `POST /publicity/statistics/reports/{id}/publish`.
pub async fn publish(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<PublishForm>,
) -> Result<Response, PageError> {
    svc::publish(&state, &user.account, id, f.publish.trim() != "0").await?;
    Ok(Redirect::to(&format!("/publicity/statistics/reports/{id}")).into_response())
}

/// `POST /publicity/statistics/reports/{id}/share`: shares with (or stops sharing with) a
/// co-organiser; a refused choice comes back with its error.
pub async fn share(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ShareForm>,
) -> Result<Response, PageError> {
    match svc::share(&state, &user.account, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/publicity/statistics/reports/{id}")).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = report_page(&state, &user, id, None, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /publicity/statistics/reports/{id}/pdf`: the report as a PDF (a draft's preview
/// for those who read it; a published one for anyone who sees its campaign).
pub async fn pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let file = svc::report_pdf(&state, ctx.account(), id).await?;
    Ok(crate::download::pdf(file))
}

/// The published industry reports of a campaign for its public page, each a PDF download;
/// empty when there is none (the page then says they come later).
pub async fn public_section(
    state: &AppState,
    ctx: &Ctx,
    campaign_id: i64,
) -> Result<String, PageError> {
    let list = svc::public_reports(state, ctx.account(), campaign_id).await?;
    if list.is_empty() {
        return Ok(String::new());
    }
    let mut html = String::from("<ul class=\"plain reports\">");
    for r in list {
        html.push_str(&format!(
            "<li><a href=\"/publicity/statistics/reports/{}/pdf\">{}</a> <span class=\"muted\">{} · {} · PDF</span></li>",
            r.id,
            escape(&r.title),
            escape(&r.owner_name),
            r.published_at
                .map(|t| local_time(&t))
                .unwrap_or_default(),
        ));
    }
    html.push_str("</ul>");
    Ok(html)
}
