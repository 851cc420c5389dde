//! The yearly industry report (行业发展情况报告) of a bureau's industry statistics: the
//! narrative as written (the compiled report's text format: `一、` headings, `（一）`
//! subheadings, paragraphs, `|` tables), then the year's figures — totals, charts (SVG from
//! [`crate::chart::bars`]) and tables by kind, sector, district and year.

use super::zh_date;
use crate::chart::bars::grouped;
use chrono::NaiveDate;
use renke_domain::industry_stats::{Analysis, Totals};
use renke_domain::report_text::{Block, blocks};
use serde::Serialize;

/// A yearly industry report.
#[derive(Debug, Clone, PartialEq)]
pub struct IndustryReport {
    pub title: String,
    /// The bureau that publishes it.
    pub organisation: String,
    /// Those who wrote it with the bureau (上海交通大学安泰经济与管理学院), if any.
    pub partners: Vec<String>,
    /// The day it is published (or previewed).
    pub dated: NaiveDate,
    /// The narrative, as written.
    pub narrative: String,
    /// The figures.
    pub analysis: Analysis,
    /// Charts, each with its title (SVG).
    pub charts: Vec<(String, String)>,
}

#[derive(Serialize)]
struct Data<'a> {
    title: &'a str,
    title_runs: Vec<&'a str>,
    organisation: &'a str,
    partners: Option<String>,
    year: String,
    dated: String,
    blocks: Vec<Block<'a>>,
    total: Row,
    by_kind: Vec<Row>,
    by_sector: Vec<Row>,
    by_district: Vec<Row>,
    trend: Vec<Row>,
    charts: Vec<Chart<'a>>,
}

/// A table row: every figure written as people read it.
#[derive(Serialize)]
struct Row {
    key: String,
    institutions: String,
    revenue: String,
    staff: String,
    certificates: String,
    reports: String,
}

#[derive(Serialize)]
struct Chart<'a> {
    title: &'a str,
    svg: &'a str,
}

fn row(t: &Totals) -> Row {
    Row {
        key: t.key.clone(),
        institutions: grouped(t.institutions as f64),
        revenue: grouped(t.revenue),
        staff: grouped(t.staff as f64),
        certificates: grouped(t.certificates as f64),
        reports: grouped(t.reports as f64),
    }
}

impl IndustryReport {
    pub(super) fn to_data(&self) -> impl Serialize + '_ {
        let a = &self.analysis;
        Data {
            title: &self.title,
            title_runs: renke_domain::text::title_runs(&self.title),
            organisation: &self.organisation,
            partners: (!self.partners.is_empty()).then(|| self.partners.join("、")),
            year: a.year.to_string(),
            dated: zh_date(&self.dated),
            blocks: blocks(&self.narrative)
                .into_iter()
                .filter(|b| b.kind != "materials")
                .collect(),
            total: row(&a.total),
            by_kind: a.by_kind.iter().map(row).collect(),
            by_sector: a.by_sector.iter().map(row).collect(),
            by_district: a.by_district.iter().map(row).collect(),
            trend: a.trend.iter().map(row).collect(),
            charts: self
                .charts
                .iter()
                .map(|(title, svg)| Chart { title, svg })
                .collect(),
        }
    }
}
