//! The compiled report (汇总报告) of a bureau's upward submission: what each unit reported,
//! a table of the activities with their figures, and an index of the materials.

use super::zh_date;
use chrono::NaiveDate;
use renke_domain::report_text::{Block, blocks};
use serde::Serialize;

/// A compiled report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub title: String,
    /// The organisation that compiles and submits it.
    pub organisation: String,
    /// The task it answers (报送任务), if any.
    pub task: Option<String>,
    /// The notice the task comes from, e.g. 粤市监认监〔2022〕253号.
    pub notice: Option<String>,
    /// To whom it is submitted (报送至).
    pub submit_to: Option<String>,
    pub compiled_on: NaiveDate,
    /// The compiling bureau's own text before the unit summaries.
    pub introduction: Option<String>,
    /// The report's text as the compiling bureau wrote (or edited) it. When present the
    /// report shows it as written, line by line — `一、` headings, `（一）` subheadings,
    /// paragraphs, and runs of lines with `|` between cells as tables (the first line is the
    /// header) — instead of sections built from `units` and `activities`, which are then not
    /// shown. The index of materials goes under the text's heading that names 材料索引, in
    /// place of the lines there that end with a listed material's link; without such a
    /// heading it follows the text as 附：材料索引.
    pub text: Option<String>,
    pub units: Vec<UnitSummary>,
    pub activities: Vec<ActivityRow>,
    pub materials: Vec<Material>,
}

/// What one unit reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSummary {
    pub unit: String,
    /// The submission's state as shown (已采纳, 逾期提交 …).
    pub status: String,
    pub submitted_on: Option<NaiveDate>,
    pub summary: String,
}

/// One activity a unit reported, with its figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRow {
    pub unit: String,
    pub title: String,
    /// When, as written (6月9日, 5月—6月).
    pub when: String,
    pub participants: Option<u64>,
    pub figures: Vec<Figure>,
}

/// A reported figure: 发放资料 300 份.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

/// One material in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Material {
    pub unit: String,
    pub title: String,
    /// 宣传报道素材, 典型事例 …
    pub kind: String,
    /// Which version of a submission it came with (第2版), if any.
    pub version: Option<String>,
    /// Where to fetch it: an `http(s)` address or a path on the server; others are shown
    /// as text only.
    pub link: Option<String>,
}

#[derive(Serialize)]
struct Data<'a> {
    title: &'a str,
    /// The title as runs it breaks between only.
    title_runs: Vec<&'a str>,
    organisation: &'a str,
    task: Option<&'a str>,
    notice: Option<&'a str>,
    submit_to: Option<&'a str>,
    compiled_on: String,
    introduction: Option<&'a str>,
    /// The bureau's text as blocks, or none for the sections built from the units.
    blocks: Option<Vec<Block<'a>>>,
    /// Some material has an address: the index has a 链接 column.
    has_links: bool,
    units: Vec<UnitData<'a>>,
    activities: Vec<ActivityData<'a>>,
    total_participants: u64,
    materials: Vec<MaterialData<'a>>,
}

#[derive(Serialize)]
struct UnitData<'a> {
    unit: &'a str,
    status: &'a str,
    submitted_on: Option<String>,
    paragraphs: Vec<&'a str>,
}

#[derive(Serialize)]
struct ActivityData<'a> {
    unit: &'a str,
    title: &'a str,
    when: &'a str,
    participants: Option<String>,
    figures: String,
}

#[derive(Serialize)]
struct MaterialData<'a> {
    unit: &'a str,
    title: &'a str,
    kind: &'a str,
    version: Option<&'a str>,
    /// Shown as text.
    link: Option<&'a str>,
    /// Made clickable: only web addresses.
    url: Option<&'a str>,
}

impl Report {
    pub(super) fn to_data(&self) -> impl Serialize + '_ {
        Data {
            title: &self.title,
            title_runs: renke_domain::text::title_runs(&self.title),
            organisation: &self.organisation,
            task: self.task.as_deref(),
            notice: self.notice.as_deref(),
            submit_to: self.submit_to.as_deref(),
            compiled_on: zh_date(&self.compiled_on),
            introduction: self.introduction.as_deref(),
            blocks: self.text.as_deref().map(blocks),
            has_links: self.materials.iter().any(|m| m.link.is_some()),
            units: self
                .units
                .iter()
                .map(|u| UnitData {
                    unit: &u.unit,
                    status: &u.status,
                    submitted_on: u.submitted_on.as_ref().map(zh_date),
                    paragraphs: u
                        .summary
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .collect(),
                })
                .collect(),
            activities: self
                .activities
                .iter()
                .map(|a| ActivityData {
                    unit: &a.unit,
                    title: &a.title,
                    when: &a.when,
                    participants: a.participants.map(|p| p.to_string()),
                    figures: a
                        .figures
                        .iter()
                        .map(|f| format!("{}：{}", f.label, f.value))
                        .collect::<Vec<_>>()
                        .join("；"),
                })
                .collect(),
            total_participants: self.activities.iter().filter_map(|a| a.participants).sum(),
            materials: self
                .materials
                .iter()
                .map(|m| MaterialData {
                    unit: &m.unit,
                    title: &m.title,
                    kind: &m.kind,
                    version: m.version.as_deref(),
                    link: m.link.as_deref(),
                    url: m.link.as_deref().filter(|l| {
                        let l = l.to_ascii_lowercase();
                        l.starts_with("https://") || l.starts_with("http://")
                    }),
                })
                .collect(),
        }
    }
}
