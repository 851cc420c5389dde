//! Industry statistics (行业统计) and the yearly industry report (行业发展情况报告).
//!
//! A bureau (the caller's organisation, or a department's bureau) imports a year's figures
//! per institution from a spreadsheet: every row is checked and a file with a bad row is
//! refused as a whole, every problem naming its row and column; a good file replaces the
//! year's rows in one transaction. The analysis aggregates a year by kind, sector and
//! district, with the totals year by year. A report (title, year, campaign, narrative) is
//! written as a draft, previewed as a PDF with charts and tables, and published: its
//! figures are frozen then, and it is a download on the campaign's public page. A report
//! may be shared with a co-organiser (a university that writes it with the bureau), whose
//! accounts then read that report's figures — never the institutions' rows.

use crate::App;
use crate::Caller;
use crate::error::AppError;
use crate::pdf::{PdfFile, render};
use crate::reporting::tasks::UploadedFile;
use renke_domain::FieldError;
use renke_domain::industry_stats::{self as dom, Analysis, COLUMNS, ReportState, StatRow};
use renke_domain::org::{OrgKind, OrgPath};
use renke_render::chart::bars::{bars_svg, trend_svg};
use renke_render::pdf::IndustryReport;
use renke_store::industry_stats::{self as store, ReportFields, ReportScope};
use renke_store::orgs::{self, Org, OrgQuery, Page};
use serde::Deserialize;

pub use renke_store::industry_stats::{Report, Share, StatSet};

/// The bureau whose statistics the caller keeps or reads: its organisation, or for a
/// department the bureau it works for.
pub async fn bureau(app: &App, me: &Caller) -> Result<Org, AppError> {
    let own = orgs::get(&app.db, me.org_id).await?;
    match (me.org_kind, own.parent_id) {
        (OrgKind::Department, Some(parent)) => Ok(orgs::get(&app.db, parent).await?),
        _ => Ok(own),
    }
}

/// The districts a row of `owner`'s statistics may name: those known for it (Shanghai's
/// sixteen) and the areas of the regulators directly below it in the directory.
pub async fn districts(app: &App, owner: &Org) -> Result<Vec<String>, AppError> {
    let mut out: Vec<String> = dom::known_districts(&owner.name)
        .iter()
        .map(|d| (*d).to_owned())
        .collect();
    let below = orgs::children(&app.db, owner.id, 0, 500).await?;
    for n in below.items {
        if n.org.kind == OrgKind::Regulator
            && let Some(area) = dom::area_of(&n.org.name)
            && !out.contains(&area)
        {
            out.push(area);
        }
    }
    Ok(out)
}

/// The statistics home of the caller: its bureau's imported years and reports (when it
/// reads them), and the reports shared with its organisation.
#[derive(Debug, Clone)]
pub struct Overview {
    pub owner: Org,
    /// The caller reads the bureau's statistics.
    pub reads: bool,
    /// The caller imports and writes reports.
    pub keeps: bool,
    pub sets: Vec<StatSet>,
    pub reports: Vec<Report>,
    /// Reports of other bureaus shared with the caller's organisation.
    pub shared: Vec<Report>,
}

pub async fn overview(app: &App, me: &Caller) -> Result<Overview, AppError> {
    let owner = bureau(app, me).await?;
    let actor = me.actor();
    let reads = actor.reads_statistics_of(&owner.path);
    let (sets, reports) = if reads {
        (
            store::sets(&app.db, owner.id).await?,
            store::reports(&app.db, ReportScope::Owner(owner.id)).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let shared = store::reports(&app.db, ReportScope::SharedWith(me.org_id)).await?;
    Ok(Overview {
        keeps: actor.keeps_statistics_of(&owner.path),
        reads,
        owner,
        sets,
        reports,
        shared,
    })
}

/// The import form: the year (the file comes beside it).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ImportForm {
    /// 统计年度, e.g. 2021.
    #[serde(default)]
    pub year: String,
}

/// Imports a year's figures for the caller's bureau from an xlsx (or CSV) file. Refused as
/// a whole when the year or the file is missing, the file cannot be read, or any row is
/// bad — every problem at once, each on `file` with its `row`, `column` and `value`; nothing
/// is saved then. A good file replaces the year's rows in one transaction.
pub async fn import(
    app: &App,
    me: &Caller,
    f: &ImportForm,
    file: Option<&UploadedFile>,
) -> Result<StatSet, AppError> {
    let owner = bureau(app, me).await?;
    if !me.actor().keeps_statistics_of(&owner.path) {
        return Err(AppError::Forbidden);
    }
    let year = dom::parse_year("year", &f.year);
    let Some(up) = file.filter(|u| !u.content.is_empty()) else {
        let mut errs = renke_domain::Invalid::default();
        if let Err(e) = year {
            errs.push(e);
        }
        errs.push(FieldError::new("file", "required"));
        return Err(AppError::Invalid(errs));
    };
    let year = year?;
    let bytes = up.read_whole("file", crate::files::WHOLE_MAX_BYTES).await?;
    let table = renke_render::table::read_table(&bytes, &up.name).map_err(|e| {
        AppError::from(FieldError::new("file", "unreadable_table").with("message", e))
    })?;
    let rows = dom::parse_table(&table, &districts(app, &owner).await?)?;
    let lines: Vec<(usize, StatRow)> = numbered(&table, rows);
    let name = renke_domain::file::clean_name(&up.name);
    Ok(store::replace_year(
        &app.db,
        owner.id,
        year,
        &name,
        &lines,
        me.id,
        app.clock.now(),
    )
    .await?)
}

/// The rows with the spreadsheet row each came from (blank rows skipped).
fn numbered(table: &renke_domain::import::Table, rows: Vec<StatRow>) -> Vec<(usize, StatRow)> {
    let lines = table
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, _)| renke_domain::import::Table::row_number(i));
    lines.zip(rows).collect()
}

/// The import template: the header row and one example row (xlsx).
pub fn template() -> Result<Vec<u8>, AppError> {
    let head = format!("91310115MA1H7{}", "0000");
    let code = format!("{head}{}", dom::credit_code_check(&head).unwrap_or('0'));
    let example = [
        "上海示例检测技术有限公司",
        code.as_str(),
        "检验检测",
        "电子电器",
        "浦东新区",
        "1250.5",
        "86",
        "0",
        "12000",
    ];
    let table = renke_domain::import::Table {
        headers: COLUMNS.iter().map(|c| c.zh.to_owned()).collect(),
        rows: vec![example.iter().map(|s| (*s).to_owned()).collect()],
    };
    renke_render::table::write_xlsx_with(&table, &[5, 6, 7, 8])
        .map_err(|e| AppError::Internal(e.into()))
}

/// The analysis of a year, as the analysis page shows it.
#[derive(Debug, Clone)]
pub struct AnalysisView {
    pub owner: Org,
    pub keeps: bool,
    /// The imported years, newest first.
    pub sets: Vec<StatSet>,
    /// The year shown (the newest when none is asked for), with its analysis; `None`
    /// when nothing is imported.
    pub analysis: Option<Analysis>,
    /// A page of the year's institutions.
    pub rows: Page<(usize, StatRow)>,
}

/// The filters of the analysis.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct AnalysisQuery {
    /// 统计年度; empty: the newest imported.
    #[serde(default)]
    pub year: String,
    /// Offset of the institutions' page.
    #[serde(default)]
    pub offset: i64,
}

/// The analysis of the caller's bureau for a year (the newest imported by default), with
/// a page of its institutions, for whoever reads the bureau's statistics.
pub async fn analysis(
    app: &App,
    me: &Caller,
    q: &AnalysisQuery,
    limit: i64,
) -> Result<AnalysisView, AppError> {
    let owner = bureau(app, me).await?;
    let actor = me.actor();
    if !actor.reads_statistics_of(&owner.path) {
        return Err(AppError::Forbidden);
    }
    let sets = store::sets(&app.db, owner.id).await?;
    let year = if q.year.trim().is_empty() {
        sets.first().map(|s| s.year)
    } else {
        let y = dom::parse_year("year", &q.year)?;
        if !sets.iter().any(|s| s.year == y) {
            return Err(AppError::NotFound);
        }
        Some(y)
    };
    let (analysis, rows) = match year {
        Some(y) => (
            Some(analyse(app, &owner, y).await?),
            store::rows_page(&app.db, owner.id, y, q.offset, limit).await?,
        ),
        None => (
            None,
            Page {
                items: Vec::new(),
                total: 0,
                offset: 0,
                limit,
            },
        ),
    };
    Ok(AnalysisView {
        keeps: actor.keeps_statistics_of(&owner.path),
        owner,
        sets,
        analysis,
        rows,
    })
}

/// The analysis of year `year` of `owner` as it stands.
async fn analyse(app: &App, owner: &Org, year: i32) -> Result<Analysis, AppError> {
    let rows: Vec<StatRow> = store::rows(&app.db, owner.id, year)
        .await?
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let trend = store::trend(&app.db, owner.id, year).await?;
    Ok(dom::analyse(
        year,
        &rows,
        &districts(app, owner).await?,
        trend,
    ))
}

/// The charts of an analysis, each with its title: revenue by sector, institutions and
/// revenue by district, and the totals year by year.
pub fn charts(a: &Analysis) -> Vec<(String, String)> {
    let pairs = |v: &[dom::Totals], f: fn(&dom::Totals) -> f64| -> Vec<(String, f64)> {
        v.iter().map(|t| (t.key.clone(), f(t))).collect()
    };
    vec![
        (
            format!("{}年 各行业领域营业收入（万元）", a.year),
            bars_svg(&pairs(&a.by_sector, |t| t.revenue), "万元"),
        ),
        (
            format!("{}年 各区机构数量（家）", a.year),
            bars_svg(&pairs(&a.by_district, |t| t.institutions as f64), "家"),
        ),
        (
            format!("{}年 各区营业收入（万元）", a.year),
            bars_svg(&pairs(&a.by_district, |t| t.revenue), "万元"),
        ),
        (
            "历年机构数量（家）".to_owned(),
            trend_svg(&pairs(&a.trend, |t| t.institutions as f64), "家"),
        ),
        (
            "历年营业收入（万元）".to_owned(),
            trend_svg(&pairs(&a.trend, |t| t.revenue), "万元"),
        ),
    ]
}

// ---------------------------------------------------------------- reports

/// A report as typed.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ReportForm {
    /// 主题活动编号: the campaign whose public page shows the report once published.
    #[serde(default)]
    pub campaign_id: String,
    /// 统计年度: the year of figures the report is written from.
    #[serde(default)]
    pub year: String,
    /// 标题, e.g. 2021年度检验检测认证行业发展情况.
    #[serde(default)]
    pub title: String,
    /// 报告正文: `一、` headings, `（一）` subheadings and paragraphs, one a line; a run of
    /// lines with `|` between cells is a table.
    #[serde(default)]
    pub narrative: String,
}

/// Checks a report form: the fields, the campaign (one the caller sees) and the year (one
/// imported for the bureau: `year_not_imported`).
async fn checked(
    app: &App,
    me: &Caller,
    owner: &Org,
    f: &ReportForm,
) -> Result<(i64, dom::ReportText), AppError> {
    let mut errs = renke_domain::Invalid::default();
    let text = match dom::parse_report(&f.title, &f.year, &f.narrative) {
        Ok(t) => Some(t),
        Err(e) => {
            errs.0.extend(e.0);
            None
        }
    };
    let campaign = match f.campaign_id.trim().parse::<i64>() {
        Ok(id) => match crate::campaigns::get_campaign(app, Some(me), id).await {
            Ok(c) => Some(c.id),
            Err(AppError::NotFound | AppError::Forbidden) => {
                errs.push(FieldError::new("campaign_id", "unknown_value").with("value", id));
                None
            }
            Err(e) => return Err(e),
        },
        Err(_) if f.campaign_id.trim().is_empty() => {
            errs.push(FieldError::new("campaign_id", "required"));
            None
        }
        Err(_) => {
            errs.push(
                FieldError::new("campaign_id", "unknown_value").with("value", f.campaign_id.trim()),
            );
            None
        }
    };
    if let Some(t) = &text
        && store::set_of(&app.db, owner.id, t.year).await?.is_none()
    {
        errs.push(FieldError::new("year", "year_not_imported").with("value", t.year));
    }
    match (campaign, text) {
        (Some(c), Some(t)) if errs.is_empty() => Ok((c, t)),
        _ => Err(AppError::Invalid(errs)),
    }
}

/// Writes a new draft report of the caller's bureau.
pub async fn create_report(app: &App, me: &Caller, f: &ReportForm) -> Result<Report, AppError> {
    let owner = bureau(app, me).await?;
    if !me.actor().keeps_statistics_of(&owner.path) {
        return Err(AppError::Forbidden);
    }
    let (campaign_id, t) = checked(app, me, &owner, f).await?;
    Ok(store::create_report(
        &app.db,
        owner.id,
        &ReportFields {
            campaign_id,
            year: t.year,
            title: t.title.as_str(),
            narrative: &t.narrative,
        },
        me.id,
        app.clock.now(),
    )
    .await?)
}

/// A report the caller reads, with whether it keeps it (404 for others).
async fn load(app: &App, me: Option<&Caller>, id: i64) -> Result<(Report, bool), AppError> {
    let r = store::report(&app.db, id).await?;
    let Some(me) = me else {
        return if r.state == ReportState::Published {
            crate::campaigns::get_campaign(app, None, r.campaign_id).await?;
            Ok((r, false))
        } else {
            Err(AppError::NotFound)
        };
    };
    let actor = me.actor();
    let keeps = actor.keeps_statistics_of(&r.owner_path);
    let shared = store::is_shared(&app.db, r.id, me.org_id).await?;
    if actor.reads_report_figures(&r.owner_path, shared) {
        return Ok((r, keeps));
    }
    if r.state == ReportState::Published {
        crate::campaigns::get_campaign(app, Some(me), r.campaign_id).await?;
        return Ok((r, false));
    }
    Err(AppError::NotFound)
}

/// Changes a draft report (its keepers only; a published one: `report_published`).
pub async fn update_report(
    app: &App,
    me: &Caller,
    id: i64,
    f: &ReportForm,
) -> Result<Report, AppError> {
    let (r, keeps) = load(app, Some(me), id).await?;
    if !keeps {
        return Err(AppError::Forbidden);
    }
    if r.state == ReportState::Published {
        return Err(AppError::Conflict("report_published"));
    }
    let owner = orgs::get(&app.db, r.owner_org_id).await?;
    let (campaign_id, t) = checked(app, me, &owner, f).await?;
    Ok(store::update_report(
        &app.db,
        id,
        &ReportFields {
            campaign_id,
            year: t.year,
            title: t.title.as_str(),
            narrative: &t.narrative,
        },
        app.clock.now(),
    )
    .await?)
}

/// A report with its figures (frozen once published, as they stand for a draft), its
/// charts and who it is shared with.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub report: Report,
    pub analysis: Analysis,
    pub charts: Vec<(String, String)>,
    /// The caller edits, publishes and shares it.
    pub keeps: bool,
    pub shares: Vec<Share>,
}

/// The figures of a report: frozen when published, as they stand for a draft.
async fn figures(app: &App, r: &Report) -> Result<Analysis, AppError> {
    match &r.figures {
        Some(json) => serde_json::from_str(json).map_err(|e| AppError::Internal(e.into())),
        None => {
            let owner = orgs::get(&app.db, r.owner_org_id).await?;
            analyse(app, &owner, r.year).await
        }
    }
}

/// Report `id` with its figures, for its keepers, those who read the bureau's statistics,
/// the co-organisers it is shared with — and, once published, anyone who sees its campaign.
pub async fn report(app: &App, me: Option<&Caller>, id: i64) -> Result<ReportView, AppError> {
    let (report, keeps) = load(app, me, id).await?;
    let analysis = figures(app, &report).await?;
    let shares = if keeps {
        store::shares(&app.db, id).await?
    } else {
        Vec::new()
    };
    Ok(ReportView {
        charts: charts(&analysis),
        report,
        analysis,
        keeps,
        shares,
    })
}

/// Publishes report `id` with its figures frozen as they stand (`publish`), or takes it
/// back to draft; its keepers only (`report_published`, `report_not_published` when it
/// already is so).
pub async fn publish(app: &App, me: &Caller, id: i64, publish: bool) -> Result<Report, AppError> {
    let (r, keeps) = load(app, Some(me), id).await?;
    if !keeps {
        return Err(AppError::Forbidden);
    }
    let frozen = if publish {
        let a = figures(app, &r).await?;
        Some(serde_json::to_string(&a).map_err(|e| AppError::Internal(e.into()))?)
    } else {
        None
    };
    Ok(store::set_published(&app.db, id, frozen.as_deref(), me.id, app.clock.now()).await?)
}

/// Sharing a report with a co-organiser, as typed.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ShareForm {
    /// 机构编码 of the co-organiser (a university, an association …).
    #[serde(default)]
    pub org_code: String,
    /// `0` stops sharing; anything else shares.
    #[serde(default)]
    pub shared: String,
}

/// Shares report `id` with an organisation (its keepers only): that organisation's
/// accounts then read the report's figures. A regulator is refused (`not_a_partner`): the
/// administration reads statistics by the directory.
pub async fn share(app: &App, me: &Caller, id: i64, f: &ShareForm) -> Result<ReportView, AppError> {
    let (r, keeps) = load(app, Some(me), id).await?;
    if !keeps {
        return Err(AppError::Forbidden);
    }
    let code = f.org_code.trim();
    if code.is_empty() {
        return Err(FieldError::new("org_code", "required").into());
    }
    let org = match orgs::get_by_code(&app.db, code).await {
        Ok(o) => o,
        Err(renke_store::StoreError::NotFound) => {
            return Err(FieldError::new("org_code", "unknown_org")
                .with("value", code)
                .into());
        }
        Err(e) => return Err(e.into()),
    };
    if renke_domain::perm::is_administration(org.kind) {
        return Err(FieldError::new("org_code", "not_a_partner")
            .with("value", code)
            .into());
    }
    let shared = f.shared.trim() != "0";
    let about = format!("{}：{}", r.owner_name, r.title);
    store::set_share(
        &app.db,
        r.id,
        org.id,
        shared,
        me.id,
        &about,
        app.clock.now(),
    )
    .await?;
    report(app, Some(me), id).await
}

/// The organisations a report may be shared with: the institutions in the bureau's
/// subtree that are not regulators (universities, associations, research institutes), by
/// name; code and name.
pub async fn partner_choices(
    app: &App,
    owner: &OrgPath,
) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::new();
    for kind in [
        OrgKind::University,
        OrgKind::ResearchInstitute,
        OrgKind::Association,
    ] {
        let page = orgs::search(
            &app.db,
            &OrgQuery {
                within: Some(owner.clone()),
                text: None,
                kind: Some(kind),
                offset: 0,
                limit: 100,
            },
        )
        .await?;
        out.extend(page.items.into_iter().map(|o| (o.code, o.name)));
    }
    Ok(out)
}

/// The report as a PDF: its narrative, charts and tables; for whoever reads the report.
pub async fn report_pdf(app: &App, me: Option<&Caller>, id: i64) -> Result<PdfFile, AppError> {
    let v = report(app, me, id).await?;
    let partners: Vec<String> = store::shares(&app.db, id)
        .await?
        .into_iter()
        .map(|s| s.org_name)
        .collect();
    let dated = v
        .report
        .published_at
        .unwrap_or_else(|| app.clock.now())
        .with_timezone(&renke_domain::clock::SHANGHAI)
        .date_naive();
    let doc = IndustryReport {
        title: v.report.title.clone(),
        organisation: v.report.owner_name.clone(),
        partners,
        dated,
        narrative: v.report.narrative.clone(),
        analysis: v.analysis,
        charts: v.charts,
    };
    let pdf = render(app, move |r| r.industry_report(&doc)).await?;
    Ok(PdfFile {
        bytes: pdf.bytes,
        filename: format!("{}.pdf", v.report.title),
        fallback: format!("industry-report-{id}.pdf"),
    })
}

/// The published reports of a campaign (its public page), for anyone who sees it.
pub async fn public_reports(
    app: &App,
    me: Option<&Caller>,
    campaign_id: i64,
) -> Result<Vec<Report>, AppError> {
    crate::campaigns::get_campaign(app, me, campaign_id).await?;
    Ok(store::reports(&app.db, ReportScope::Public(campaign_id)).await?)
}

/// The campaigns a report may be published on (those the caller sees): id and title.
pub async fn campaign_choices(app: &App, me: &Caller) -> Result<Vec<(i64, String)>, AppError> {
    let list = crate::campaigns::list_campaigns(app, me, 0, 50).await?;
    Ok(list.items.into_iter().map(|c| (c.id, c.title)).collect())
}

/// The imported years of bureau `owner_org_id`, newest first (the report form's choices;
/// the page asks only once the caller is known to keep the report).
pub async fn years(app: &App, owner_org_id: i64) -> Result<Vec<i32>, AppError> {
    Ok(store::sets(&app.db, owner_org_id)
        .await?
        .into_iter()
        .map(|s| s.year)
        .collect())
}
