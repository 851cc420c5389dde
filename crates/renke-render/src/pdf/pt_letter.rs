//! The letter to one participant of a proficiency-testing round (能力验证结果通知书): its
//! results, their scores and classes, how the assigned values and σpt were found, the
//! criteria, and charts in which the laboratory's own result is highlighted.
//!
//! The letter names only its own laboratory: other participants appear in its charts as
//! unlabelled bars (a caller passes their codes as empty strings to
//! [`crate::chart::ranked_scores_svg`]); the round report lists everyone by code.

use super::zh_date;
use chrono::NaiveDate;
use serde::Serialize;

/// A proficiency-testing result letter to one laboratory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtLetter {
    /// 能力验证提供者: who runs the round and signs the letter.
    pub provider: String,
    /// The round's code (GDPT-2022-01).
    pub round_code: String,
    /// The round's title (电气产品绝缘电阻测试).
    pub round_title: String,
    /// The scheme (能力验证计划) the round belongs to.
    pub scheme: String,
    /// The laboratory the letter is addressed to.
    pub lab_name: String,
    /// The laboratory's blind code in the round (GD01-K7M2).
    pub lab_code: String,
    /// The day the letter is issued.
    pub issued_on: NaiveDate,
    /// One row per measurand (or sample) the laboratory reported.
    pub rows: Vec<PtLetterRow>,
    /// Further remarks, one paragraph each, printed under 说明.
    pub notes: Vec<String>,
    /// Charts (SVG from [`crate::chart`]), each under its title.
    pub charts: Vec<PtChart>,
}

/// The laboratory's result for one measurand and its evaluation, as formatted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtLetterRow {
    /// 检测项目 (绝缘电阻（样品A）).
    pub measurand: String,
    /// The unit (MΩ).
    pub unit: String,
    /// The result as reported, formatted ("1.23", "<0.01", "检出").
    pub result: String,
    /// The assigned value x_pt.
    pub assigned: String,
    /// σpt, the standard deviation for proficiency assessment.
    pub sigma_pt: String,
    /// u(x_pt), the standard uncertainty of the assigned value.
    pub u_assigned: String,
    /// How x_pt was found (稳健平均值（算法A，ISO 13528:2022 C.3.1）).
    pub assigned_method: String,
    /// How σpt was found.
    pub sigma_method: String,
    /// The score's name: "z", "z′", or "—" when the result is not scored.
    pub score_name: String,
    /// The score, formatted ("-1.25"), or "—".
    pub score: String,
    /// The class: 满意, 可疑 or 不满意 (or — when not scored).
    pub class: String,
    /// The ζ score, formatted, when the laboratory reported an uncertainty.
    pub zeta: Option<String>,
    /// The En number, formatted, when the round uses it.
    pub en: Option<String>,
    /// The result came after the deadline (逾期提交); the letter says so.
    pub late: bool,
}

/// A chart in a proficiency-testing document: a title and an SVG image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtChart {
    /// Printed under the chart (图1 绝缘电阻（样品A）结果分布).
    pub title: String,
    /// The SVG text, e.g. from [`crate::chart::distribution_svg`]; an empty string shows
    /// no image.
    pub svg: String,
}

#[derive(Serialize)]
struct Data<'a> {
    provider: &'a str,
    round_code: &'a str,
    round_title: &'a str,
    scheme: &'a str,
    lab_name: &'a str,
    lab_code: &'a str,
    issued_on: String,
    rows: Vec<RowData<'a>>,
    /// Some row has a ζ score / an En number / is late: the table gets the column, the
    /// criteria their line.
    has_zeta: bool,
    has_en: bool,
    any_late: bool,
    /// Some row's score is z′.
    has_z_prime: bool,
    notes: Vec<&'a str>,
    charts: Vec<ChartData<'a>>,
}

#[derive(Serialize)]
struct RowData<'a> {
    measurand: &'a str,
    unit: &'a str,
    result: &'a str,
    assigned: &'a str,
    sigma_pt: &'a str,
    u_assigned: &'a str,
    assigned_method: &'a str,
    sigma_method: &'a str,
    /// `z = -1.25`, or the score alone when it has no name.
    score: String,
    class: &'a str,
    /// 0 satisfactory, 1 questionable, 2 unsatisfactory, -1 other (for the colour).
    level: i8,
    zeta: Option<&'a str>,
    en: Option<&'a str>,
    late: bool,
}

#[derive(Serialize)]
pub(super) struct ChartData<'a> {
    title: &'a str,
    svg: &'a str,
}

/// 0 for 满意, 1 for 可疑, 2 for 不满意, -1 for anything else.
pub(super) fn level(class: &str) -> i8 {
    match class.trim() {
        "满意" => 0,
        "可疑" => 1,
        "不满意" => 2,
        _ => -1,
    }
}

/// `z = -1.25`; the score alone when its name is empty or "—", "—" when both are.
pub(super) fn score_text(name: &str, score: &str) -> String {
    let (name, score) = (name.trim(), score.trim());
    if name.is_empty() || name == "—" || name == "-" {
        if score.is_empty() {
            "—".to_owned()
        } else {
            score.to_owned()
        }
    } else if score.is_empty() || score == "—" {
        "—".to_owned()
    } else {
        format!("{name} = {score}")
    }
}

pub(super) fn charts(charts: &[PtChart]) -> Vec<ChartData<'_>> {
    charts
        .iter()
        .map(|c| ChartData {
            title: &c.title,
            svg: &c.svg,
        })
        .collect()
}

impl PtLetter {
    pub(super) fn to_data(&self) -> impl Serialize + '_ {
        Data {
            provider: &self.provider,
            round_code: &self.round_code,
            round_title: &self.round_title,
            scheme: &self.scheme,
            lab_name: &self.lab_name,
            lab_code: &self.lab_code,
            issued_on: zh_date(&self.issued_on),
            has_zeta: self.rows.iter().any(|r| r.zeta.is_some()),
            has_en: self.rows.iter().any(|r| r.en.is_some()),
            any_late: self.rows.iter().any(|r| r.late),
            has_z_prime: self
                .rows
                .iter()
                .any(|r| r.score_name.trim() == "z′" || r.score_name.trim() == "z'"),
            rows: self
                .rows
                .iter()
                .map(|r| RowData {
                    measurand: &r.measurand,
                    unit: &r.unit,
                    result: &r.result,
                    assigned: &r.assigned,
                    sigma_pt: &r.sigma_pt,
                    u_assigned: &r.u_assigned,
                    assigned_method: &r.assigned_method,
                    sigma_method: &r.sigma_method,
                    score: score_text(&r.score_name, &r.score),
                    class: &r.class,
                    level: level(&r.class),
                    zeta: r.zeta.as_deref(),
                    en: r.en.as_deref(),
                    late: r.late,
                })
                .collect(),
            notes: self
                .notes
                .iter()
                .map(|n| n.trim())
                .filter(|n| !n.is_empty())
                .collect(),
            charts: charts(&self.charts),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_written_with_their_name() {
        assert_eq!(score_text("z", "-1.25"), "z = -1.25");
        assert_eq!(score_text("z′", "3.10"), "z′ = 3.10");
        assert_eq!(score_text("—", "—"), "—");
        assert_eq!(score_text("", ""), "—");
        assert_eq!(score_text("z", "—"), "—");
        assert_eq!(level("不满意"), 2);
        assert_eq!(level("—"), -1);
    }
}
