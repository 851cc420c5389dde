//! The text of a compiled report (汇总报告) as its reader sees it: an official text's
//! headings (`一、`, `（一）`), paragraphs, and runs of `a | b | c` lines as tables. A
//! compiled draft is plain text the bureau edits; the page and the PDF both draw it from
//! these blocks, so a table typed as pipes is a table in both.

use serde::Serialize;

/// One block of a report's text.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Block<'a> {
    /// `h1` (一、), `h2` (（一）), `p`, `table` (with `rows`, the first the header, all
    /// `columns` wide) or `materials` (the index of materials goes here).
    pub kind: &'static str,
    pub text: &'a str,
    pub rows: Vec<Vec<&'a str>>,
    pub columns: usize,
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

    /// The header row and the body rows of a table.
    pub fn header_and_body(&self) -> (&[&'a str], &[Vec<&'a str>]) {
        match self.rows.split_first() {
            Some((h, rest)) => (h.as_slice(), rest),
            None => (&[], &[]),
        }
    }
}

const NUMERALS: &str = "一二三四五六七八九十百零〇";

/// `一、` … `二十一、`: a first-level heading of an official text.
pub fn is_heading(line: &str) -> bool {
    let rest = line.trim_start_matches(|c| NUMERALS.contains(c));
    rest.len() < line.len() && rest.starts_with('、')
}

/// `（一）` or `(一)`: a second-level heading.
pub fn is_subheading(line: &str) -> bool {
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

/// Whether a line under the index heading is an entry the index itself now lists: drafts
/// compiled before the index was drawn from the sources listed each material with its
/// address on this server.
fn is_old_index_entry(line: &str) -> bool {
    line.split_whitespace()
        .last()
        .is_some_and(|w| w.starts_with("/tasks/submissions/") || w.starts_with("/activities/"))
}

/// The text as blocks, with the index of materials placed: under the first heading that
/// names 材料索引 (lines there that are old index entries are dropped), or, without such a
/// heading, after the text under 附：材料索引.
pub fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut out: Vec<Block<'_>> = Vec::new();
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
        if in_index && is_old_index_entry(line) {
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
        let b = blocks(text);
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
        let (head, body) = b[3].header_and_body();
        assert_eq!((head, body.len()), (&["单位", "活动", ""][..], 2));
        assert_eq!(b[5].text, "附：材料索引");
    }

    #[test]
    fn the_index_goes_under_its_heading_in_place_of_old_entries() {
        let text = "一、情况\n正文。\n三、材料索引\n1. 深圳 第1版 /tasks/submissions/7\n1.1 附件 a.pdf /tasks/submissions/7/files/1/0\n另附纸质材料一份。\n四、下一步工作\n继续。";
        let b = blocks(text);
        assert_eq!(kinds(&b), ["h1", "p", "h1", "materials", "p", "h1", "p"]);
        assert_eq!(b[4].text, "另附纸质材料一份。");
        // Only under the index heading are such lines dropped.
        let b = blocks("一、情况\n见 /tasks/submissions/7");
        assert_eq!(kinds(&b), ["h1", "p", "h1", "materials"]);
    }
}
