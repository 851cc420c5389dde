//! The report of a proficiency-testing round (能力验证结果报告): a summary of every
//! measurand (assigned value, its uncertainty, σpt, how many results were satisfactory,
//! questionable, unsatisfactory), then per measurand the methods, the charts and every
//! participant's result and score — by code only, never by name — and the Youden plot of
//! each pair of paired samples.
//!
//! The rows are handed to the template as they are, in the caller's order (one pass, no
//! sorting). The template sets up to 80 rows as two tables side by side, and more as one
//! table flowing through two columns page after page: 10,000 rows make about 100 pages in
//! a couple of seconds.

use super::pt_letter::{ChartData, PtChart, charts, level};
use super::zh_date;
use chrono::NaiveDate;
use serde::Serialize;

/// A proficiency-testing round's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtReport {
    /// 能力验证提供者: who runs the round and issues the report.
    pub provider: String,
    /// The round's code (GDPT-2022-01).
    pub round_code: String,
    /// The round's title (电气产品绝缘电阻测试).
    pub round_title: String,
    /// The scheme (能力验证计划) the round belongs to.
    pub scheme: String,
    /// The day the report is issued.
    pub issued_on: NaiveDate,
    /// How many laboratories took part.
    pub participants: usize,
    /// One section per measurand (or sample).
    pub measurands: Vec<PtReportMeasurand>,
    /// The Youden plot of each pair of paired samples (SVG from
    /// [`crate::chart::youden_svg`]), after the measurands.
    pub youden: Vec<PtChart>,
}

/// One measurand of a round: its statistics, methods, charts and every result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtReportMeasurand {
    /// 检测项目 (绝缘电阻（样品A）).
    pub name: String,
    /// The unit (MΩ).
    pub unit: String,
    /// How many results were used for the statistics.
    pub n: usize,
    /// The assigned value x_pt, formatted.
    pub assigned: String,
    /// u(x_pt), the standard uncertainty of the assigned value, formatted.
    pub u_assigned: String,
    /// σpt, the standard deviation for proficiency assessment, formatted.
    pub sigma_pt: String,
    /// How x_pt was found (稳健平均值（算法A，ISO 13528:2022 C.3.1）).
    pub assigned_method: String,
    /// How σpt was found.
    pub sigma_method: String,
    /// The methods disclosure: the options chosen and the clauses they follow, one line
    /// each.
    pub method_lines: Vec<String>,
    /// How many results were satisfactory, questionable, unsatisfactory.
    pub counts: [usize; 3],
    /// Every participant's result, by code.
    pub rows: Vec<PtReportRow>,
    /// Charts (SVG from [`crate::chart`]), each under its title.
    pub charts: Vec<PtChart>,
}

/// One participant's result for a measurand, by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtReportRow {
    /// The participant's code (GD01-K7M2); the report never names a laboratory.
    pub code: String,
    /// The result as reported, formatted ("1.23", "<0.01", "检出").
    pub result: String,
    /// The score, formatted ("-1.25"), or "—".
    pub score: String,
    /// The class: 满意, 可疑 or 不满意 (or —).
    pub class: String,
    /// The result came after the deadline (逾期提交).
    pub late: bool,
}

#[derive(Serialize)]
struct Data<'a> {
    provider: &'a str,
    round_code: &'a str,
    round_title: &'a str,
    scheme: &'a str,
    issued_on: String,
    participants: usize,
    measurands: Vec<MeasurandData<'a>>,
    youden: Vec<ChartData<'a>>,
}

#[derive(Serialize)]
struct MeasurandData<'a> {
    name: &'a str,
    unit: &'a str,
    n: usize,
    assigned: &'a str,
    u_assigned: &'a str,
    sigma_pt: &'a str,
    assigned_method: &'a str,
    sigma_method: &'a str,
    method_lines: Vec<&'a str>,
    /// `12（85.7%）` for each class.
    counts: [String; 3],
    any_late: bool,
    /// Each row as `[code, result, score, class, level, late]` (arrays keep the JSON, and
    /// the template's work per row, small).
    rows: Vec<(&'a str, &'a str, &'a str, &'a str, i8, bool)>,
    charts: Vec<ChartData<'a>>,
}

/// `12（85.7%）`: a count and its share of `total` (the count alone when total is 0).
fn count_text(count: usize, total: usize) -> String {
    if total == 0 {
        return count.to_string();
    }
    let pct = count as f64 * 100.0 / total as f64;
    let pct = format!("{pct:.1}");
    let pct = pct.strip_suffix(".0").unwrap_or(&pct);
    format!("{count}（{pct}%）")
}

impl PtReport {
    pub(super) fn to_data(&self) -> impl Serialize + '_ {
        Data {
            provider: &self.provider,
            round_code: &self.round_code,
            round_title: &self.round_title,
            scheme: &self.scheme,
            issued_on: zh_date(&self.issued_on),
            participants: self.participants,
            measurands: self
                .measurands
                .iter()
                .map(|m| {
                    let total: usize = m.counts.iter().sum();
                    MeasurandData {
                        name: &m.name,
                        unit: &m.unit,
                        n: m.n,
                        assigned: &m.assigned,
                        u_assigned: &m.u_assigned,
                        sigma_pt: &m.sigma_pt,
                        assigned_method: &m.assigned_method,
                        sigma_method: &m.sigma_method,
                        method_lines: m
                            .method_lines
                            .iter()
                            .map(|l| l.trim())
                            .filter(|l| !l.is_empty())
                            .collect(),
                        counts: m.counts.map(|c| count_text(c, total)),
                        any_late: m.rows.iter().any(|r| r.late),
                        rows: m
                            .rows
                            .iter()
                            .map(|r| {
                                (
                                    r.code.as_str(),
                                    r.result.as_str(),
                                    r.score.as_str(),
                                    r.class.as_str(),
                                    level(&r.class),
                                    r.late,
                                )
                            })
                            .collect(),
                        charts: charts(&m.charts),
                    }
                })
                .collect(),
            youden: charts(&self.youden),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_with_their_share() {
        assert_eq!(count_text(6, 7), "6（85.7%）");
        assert_eq!(count_text(1, 2), "1（50%）");
        assert_eq!(count_text(0, 0), "0");
    }
}
