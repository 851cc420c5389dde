//! The compiled report (汇总报告) of a bureau's upward submission: what each unit reported,
//! a table of the activities with their figures, and an index of the materials.

use super::zh_date;
use chrono::NaiveDate;
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
    /// Where to fetch it: an `http(s)` address or a path on the server; others are shown
    /// as text only.
    pub link: Option<String>,
}

#[derive(Serialize)]
struct Data<'a> {
    title: &'a str,
    organisation: &'a str,
    task: Option<&'a str>,
    notice: Option<&'a str>,
    submit_to: Option<&'a str>,
    compiled_on: String,
    introduction: Option<&'a str>,
    /// The bureau's text as blocks, or none for the sections built from the units.
    blocks: Option<Vec<Block<'a>>>,
    units: Vec<UnitData<'a>>,
    activities: Vec<ActivityData<'a>>,
    total_participants: u64,
    materials: Vec<MaterialData<'a>>,
}

/// One block of the bureau's text: `h1`, `h2`, `p`, `table` (with `rows`, the first the
/// header, all `columns` wide) or `materials` (the index of materials goes here).
#[derive(Debug, Serialize, PartialEq, Eq)]
struct Block<'a> {
    kind: &'static str,
    text: &'a str,
    rows: Vec<Vec<&'a str>>,
    columns: usize,
}

impl<'a> Block<'a> {
    fn new(kind: &'static str, text: &'a str) -> Self {
        Block {
            kind,
            text,
            rows: Vec::new(),
            columns: 0,
        }
    }
}

const NUMERALS: &str = "一二三四五六七八九十百零〇";

/// `一、` … `二十一、`: a first-level heading of an official text.
fn is_heading(line: &str) -> bool {
    let rest = line.trim_start_matches(|c| NUMERALS.contains(c));
    rest.len() < line.len() && rest.starts_with('、')
}

/// `（一）` or `(一)`: a second-level heading.
fn is_subheading(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('（').or_else(|| line.strip_prefix('(')) else {
        return false;
    };
    let after = rest.trim_start_matches(|c| NUMERALS.contains(c));
    after.len() < rest.len() && (after.starts_with('）') || after.starts_with(')'))
}

/// The cells of a table line (`a | b | c`), or none for a line that is not one.
fn cells(line: &str) -> Option<Vec<&str>> {
    if !line.contains('|') {
        return None;
    }
    let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
    (cells.len() >= 2).then_some(cells)
}

/// The bureau's text as blocks, with the index of materials placed (see [`Report::text`]).
fn blocks<'a>(text: &'a str, materials: &[Material]) -> Vec<Block<'a>> {
    let links: Vec<&str> = materials.iter().filter_map(|m| m.link.as_deref()).collect();
    let mut out: Vec<Block<'a>> = Vec::new();
    let mut in_index = false;
    let mut placed = false;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if is_heading(line) {
            in_index = !placed && line.contains("材料索引");
            out.push(Block::new("h1", line));
            if in_index {
                out.push(Block::new("materials", ""));
                placed = true;
            }
            continue;
        }
        if in_index && links.iter().any(|l| line.ends_with(l)) {
            continue;
        }
        if let Some(row) = cells(line) {
            if let Some(t) = out.last_mut().filter(|b| b.kind == "table") {
                t.columns = t.columns.max(row.len());
                t.rows.push(row);
            } else {
                let mut t = Block::new("table", "");
                t.columns = row.len();
                t.rows.push(row);
                out.push(t);
            }
            continue;
        }
        let kind = if is_subheading(line) { "h2" } else { "p" };
        out.push(Block::new(kind, line));
    }
    for t in out.iter_mut().filter(|b| b.kind == "table") {
        for r in &mut t.rows {
            r.resize(t.columns, "");
        }
    }
    if !placed {
        out.push(Block::new("h1", "附：材料索引"));
        out.push(Block::new("materials", ""));
    }
    out
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
    /// Shown as text.
    link: Option<&'a str>,
    /// Made clickable: only web addresses.
    url: Option<&'a str>,
}

impl Report {
    pub(super) fn to_data(&self) -> impl Serialize + '_ {
        Data {
            title: &self.title,
            organisation: &self.organisation,
            task: self.task.as_deref(),
            notice: self.notice.as_deref(),
            submit_to: self.submit_to.as_deref(),
            compiled_on: zh_date(&self.compiled_on),
            introduction: self.introduction.as_deref(),
            blocks: self.text.as_deref().map(|t| blocks(t, &self.materials)),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(b: &[Block<'_>]) -> Vec<&'static str> {
        b.iter().map(|b| b.kind).collect()
    }

    #[test]
    fn headings_paragraphs_and_tables() {
        assert!(is_heading("一、各单位报送情况") && is_heading("十二、其他"));
        assert!(!is_heading("一些情况") && !is_heading("、") && !is_heading("1、x"));
        assert!(is_subheading("（一）深圳市") && is_subheading("(十)x"));
        assert!(!is_subheading("（注）") && !is_subheading("一）"));
        let text = "一、情况\n（一）深圳\n开展活动。\n\n单位 | 活动\n深圳 | 3 | 备注\n合计 | 3\n其后一段。";
        let b = blocks(text, &[]);
        assert_eq!(
            kinds(&b),
            ["h1", "h2", "p", "table", "p", "h1", "materials"]
        );
        assert_eq!(b[3].columns, 3);
        assert_eq!(
            b[3].rows,
            [
                vec!["单位", "活动", ""],
                vec!["深圳", "3", "备注"],
                vec!["合计", "3", ""]
            ]
        );
        assert_eq!(b[5].text, "附：材料索引");
    }

    #[test]
    fn the_index_goes_under_its_heading_in_place_of_listed_lines() {
        let m = |link: &str| Material {
            unit: "深圳".into(),
            title: "第1版报送内容".into(),
            kind: "开展情况".into(),
            link: Some(link.into()),
        };
        let text = "一、情况\n正文。\n三、材料索引\n1. 深圳 第1版 /tasks/submissions/7\n另附纸质材料一份。\n四、下一步工作\n继续。";
        let b = blocks(text, &[m("/tasks/submissions/7")]);
        assert_eq!(kinds(&b), ["h1", "p", "h1", "materials", "p", "h1", "p"]);
        assert_eq!(b[4].text, "另附纸质材料一份。");
        // Only under the index heading are such lines dropped.
        let b = blocks(
            "一、情况\n见 /tasks/submissions/7",
            &[m("/tasks/submissions/7")],
        );
        assert_eq!(kinds(&b), ["h1", "p", "h1", "materials"]);
    }
}
