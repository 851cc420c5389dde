//! From normalised lines to paragraphs: reflow of broken lines, headings (一、 （一） 1. （1）),
//! label lines (主办： 电话： 附件： …).

use crate::normalize::{is_file_name_line, pair_quotes, squash};
use regex::Regex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Para {
    /// squashed text (no spaces inside Chinese), canonical punctuation
    pub text: String,
    /// the same with single spaces kept (an organisation and a person's name may be separated
    /// by one)
    pub raw: String,
    /// 0 = body text; 1 = 一、; 2 = （一）; 3 = 1.; 4 = （1）
    pub level: u8,
    /// text after the heading marker (squashed)
    pub content: String,
    /// raw text after the heading marker
    pub raw_content: String,
}

impl Para {
    /// Heading text when the paragraph is a heading line only (short, no full stop).
    pub fn heading_only(&self) -> Option<&str> {
        if self.level == 0 {
            return None;
        }
        let c = self.content.trim();
        let n = c.chars().count();
        if n == 0 || n > 40 || c.contains('。') || c.ends_with('，') || c.ends_with('、') {
            return None;
        }
        Some(c)
    }
}

pub(crate) struct StructRx {
    l1: Regex,
    l2: Regex,
    l3: Regex,
    l4: Regex,
    label: Regex,
    docnum: Regex,
    date_line: Regex,
    dept_contact: Regex,
}

/// How attachment titles other than documents end (forms, lists, templates).
const ATTACHMENT_ENDS: [&str; 8] = ["表", "名单", "回执", "清单", "模板", "汇总", "指南", "目录"];

pub(crate) const DOC_TYPES: [&str; 12] = [
    "通知", "通报", "决定", "公告", "通告", "意见", "方案", "函", "批复", "报告", "请示", "办法",
];

impl StructRx {
    pub fn new() -> Result<Self, regex::Error> {
        Ok(Self {
            l1: Regex::new(r"^[一二三四五六七八九十壹贰叁肆伍陆柒捌玖拾]{1,3}、")?,
            l2: Regex::new(r"^（[一二三四五六七八九十]{1,3}）")?,
            l3: Regex::new(r"^[0-9]{1,2}(?:、|\.(?:[0-9]{1,2}月|[^0-9]))")?,
            l4: Regex::new(r"^（[0-9]{1,2}）")?,
            label: Regex::new(
                r"^(?:(?:主办|承办|协办|指导)(?:单位)?|(?:报名|业务|技术|会务|财务|宣传|政策)?联系人|联系电话|电话|手机|传真|邮箱|电子邮箱|E-mail|Email|地址|地点|时间|附件[0-9]*|抄送|主送|公开方式|公开属性|校对|成文日期|印发日期)[：:]",
            )?,
            docnum: Regex::new(
                r"^(?:\S{1,20}?〔[0-9]{4}〕[0-9]{1,5}号(?:\s*签发人[：:].*)?|\S{1,20}?(?:公告[0-9]{4}年第[0-9]{1,4}号|[0-9]{4}年第[0-9]{1,4}号公告)|[0-9]{4}年第[0-9]{1,4}号)$",
            )?,
            date_line: Regex::new(
                r"^(?:成文日期[：:])?[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日(?:印发|成文)?$",
            )?,
            dept_contact: Regex::new(
                r"^(?:[0-9]{1,2}[.、])?[\p{Han}（）]{2,30}[：:][\p{Han}]{2,4}(?:、[\p{Han}]{2,4})*(?:(?:联系)?电话[：:]?)?[0-9][0-9\-—转]{6,}[0-9]$",
            )?,
        })
    }

    /// Heading level and the byte length of its marker in squashed text.
    pub fn heading(&self, text: &str) -> (u8, usize) {
        // every marker starts with a Chinese numeral, a full-width parenthesis or a digit
        // (四 lies outside the code-point range 一..=十, so the numerals are listed; the
        // formal numerals 壹贰叁 … number first-level headings too)
        match text.chars().next() {
            Some(c)
                if "一二三四五六七八九十壹贰叁肆伍陆柒捌玖拾（".contains(c)
                    || c.is_ascii_digit() => {}
            _ => return (0, 0),
        }
        if let Some(m) = self.l1.find(text) {
            return (1, m.end());
        }
        if let Some(m) = self.l2.find(text) {
            return (2, m.end());
        }
        if let Some(m) = self.l4.find(text) {
            return (4, m.end());
        }
        if let Some(m) = self.l3.find(text) {
            // the marker is the digits and the dot/comma; anything matched after is content
            let marker_len = text[..m.end()]
                .char_indices()
                .find(|(_, c)| *c == '.' || *c == '、')
                .map_or(m.end(), |(i, c)| i + c.len_utf8());
            return (3, marker_len);
        }
        (0, 0)
    }

    fn is_dept_contact(&self, t: &str) -> bool {
        t.len() <= 160
            && t.ends_with(|c: char| c.is_ascii_digit())
            && t.contains(['：', ':'])
            && self.dept_contact.is_match(t)
    }

    pub fn is_label(&self, text: &str) -> bool {
        // first characters of every label
        text.starts_with(|c: char| {
            "主承协指报业技会财宣政联电手传邮EeＥ地时附抄公校成印".contains(c)
        }) && self.label.is_match(text)
    }

    /// A 发文字号 line: `X〔2022〕12号`, or a 公告's number `X公告2020年第18号` /
    /// `X2014年第45号公告`.
    pub fn is_docnum(&self, text: &str) -> bool {
        (text.contains('〔') || text.contains("年第")) && self.docnum.is_match(text)
    }

    pub fn is_date_line(&self, text: &str) -> bool {
        text.len() <= 64 && self.date_line.is_match(text)
    }

    fn is_issuer_file_line(text: &str) -> bool {
        text.ends_with("文件") && text.chars().count() <= 40 && !text.contains('，')
    }

    fn is_title_line(text: &str) -> bool {
        text.contains("关于")
            && text.chars().count() <= 120
            && !text.contains('。')
            && DOC_TYPES.iter().any(|t| text.ends_with(t))
    }

    /// Does a paragraph ending like this stand complete (no reflow into the next line)?
    fn closed(&self, text: &str, level: u8) -> bool {
        let t = text.trim_end();
        let Some(last) = t.chars().last() else {
            return true;
        };
        if matches!(last, '。' | '！' | '？' | '；' | '：' | ':') {
            return true;
        }
        if level > 0 {
            let c = &t[self.heading(t).1..];
            let n = c.chars().count();
            if n <= 40 && !c.contains('。') && !matches!(last, '，' | '、') {
                return true;
            }
        }
        if self.is_docnum(t) || self.is_date_line(t) || self.is_dept_contact(t) {
            return true;
        }
        // a contact line ending with its telephone number (`…，电话：15873471689`)
        if let Some(k) = t.rfind("电话：").or_else(|| t.rfind("手机："))
            && t[k..].split_once('：').is_some_and(|(_, n)| {
                n.chars().filter(char::is_ascii_digit).count() >= 7
                    && n.chars()
                        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '—' | '转' | ' '))
            })
        {
            return true;
        }
        // a download link's file name stands on its own line
        if is_file_name_line(t) {
            return true;
        }
        // an attachment title ends with its document type or its parenthesised number
        if t.starts_with("附件")
            && self.is_label(t)
            && (last == '）'
                || DOC_TYPES
                    .iter()
                    .chain(ATTACHMENT_ENDS.iter())
                    .any(|d| t.ends_with(d)))
        {
            return true;
        }
        if Self::is_issuer_file_line(t) || Self::is_title_line(t) {
            return true;
        }
        if last == '）' || last == ')' {
            // a paragraph that is one parenthesised note, or a note after a full stop
            if t.starts_with('（') || t.starts_with('(') {
                return true;
            }
            if let Some(open) = last_top_level_open(t) {
                let before = t[..open].trim_end();
                if before.ends_with('。') || before.is_empty() {
                    return true;
                }
            }
        }
        if last == '”' && t[..t.len() - '”'.len_utf8()].ends_with('。') {
            return true;
        }
        false
    }

    /// Does this line have to begin a new paragraph? (A download link's file name under an
    /// attachment title is a line of its own.)
    fn starts_new(&self, text: &str) -> bool {
        let (level, _) = self.heading(text);
        level > 0
            || self.is_label(text)
            || self.is_docnum(text)
            || self.is_date_line(text)
            || Self::is_issuer_file_line(text)
            || self.is_dept_contact(text)
            || (text.starts_with('（') && text.ends_with('）'))
            || text.strip_prefix('（').is_some_and(|r| self.is_label(r))
            || is_file_name_line(text)
    }

    /// Join lines into paragraphs. Blank lines do not end a paragraph by themselves: PDF text
    /// breaks sentences over blank lines; a paragraph ends at closing punctuation, a heading,
    /// a label line or a header line.
    pub fn paragraphs(&self, lines: &[String]) -> Vec<Para> {
        let mut out: Vec<(String, String)> = Vec::new(); // (raw, squashed)
        let mut open = false;
        for (k, line) in lines.iter().enumerate() {
            let raw = line.trim();
            if raw.is_empty() {
                continue;
            }
            let sq = squash(raw);
            if sq.is_empty() {
                continue;
            }
            // the signature: an organisation's name on a line of its own right above the
            // date line (never the end of an attachment title before it)
            let signature = is_signature_org(&sq)
                && lines[k + 1..]
                    .iter()
                    .map(|l| squash(l.trim()))
                    .find(|l| !l.is_empty())
                    .is_some_and(|l| self.is_date_line(&l));
            // a label right after a comma continues the sentence (`…，\n电子邮箱：…`)
            let after_comma = out
                .last()
                .is_some_and(|(_, s)| s.ends_with(['，', '、']) && self.is_label(&sq));
            // a line cannot start with a comma: it goes on with the line before
            let continues = sq.starts_with(['，', '、', '；', '。']) && !out.is_empty();
            if continues || (open && !signature && (after_comma || !self.starts_new(&sq))) {
                if let Some((r, s)) = out.last_mut() {
                    let need_space = r.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
                        && raw
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_ascii_alphanumeric());
                    if need_space {
                        r.push(' ');
                        s.push(' ');
                    }
                    r.push_str(raw);
                    s.push_str(&sq);
                }
            } else {
                out.push((raw.to_string(), sq));
            }
            if let Some((_, s)) = out.last() {
                let (level, _) = self.heading(s);
                open = !self.closed(s, level);
            }
        }
        out.into_iter()
            .map(|(raw, text)| {
                let text = pair_quotes(&text);
                let raw = pair_quotes(&raw);
                let (level, mlen) = self.heading(&text);
                let content = text[mlen..].trim().to_string();
                let raw_content = strip_marker_raw(&raw, level);
                Para {
                    text,
                    raw,
                    level,
                    content,
                    raw_content,
                }
            })
            .collect()
    }
}

/// Words a signing organisation's name ends with.
const SIGNATURE_ENDS: [&str; 12] = [
    "局",
    "委",
    "厅",
    "办",
    "办公室",
    "部",
    "中心",
    "协会",
    "学会",
    "会",
    "院",
    "政府",
];

/// A short line that is only an organisation's name (the signature above a date line).
fn is_signature_org(t: &str) -> bool {
    let n = t.chars().count();
    (3..=30).contains(&n)
        && t.chars()
            .all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c) || matches!(c, '（' | '）'))
        && !t.contains("关于")
        && SIGNATURE_ENDS.iter().any(|e| t.ends_with(e))
}

fn strip_marker_raw(raw: &str, level: u8) -> String {
    if level == 0 {
        return raw.to_string();
    }
    let t = raw.trim_start();
    let end = match level {
        1 => t.find('、').map(|i| i + '、'.len_utf8()),
        2 | 4 => t.find('）').map(|i| i + '）'.len_utf8()),
        _ => t
            .find(['.', '、'])
            .map(|i| i + 1.max(t[i..].chars().next().map_or(1, char::len_utf8))),
    };
    end.map_or_else(|| t.to_string(), |e| t[e..].trim().to_string())
}

/// Byte index of the `（` that opens the last top-level parenthesised group ending the text.
pub(crate) fn last_top_level_open(t: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in t.char_indices().rev() {
        match c {
            '）' | ')' => depth += 1,
            '（' | '(' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Top-level parenthesised groups (content without the parentheses).
pub(crate) fn paren_groups(t: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0usize;
    for (i, c) in t.char_indices() {
        match c {
            '（' => {
                if depth == 0 {
                    start = i + c.len_utf8();
                }
                depth += 1;
            }
            '）' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(&t[start..i]);
                }
            }
            _ => {}
        }
    }
    out
}

/// Split on separators that are not inside parentheses or quotes.
pub(crate) fn split_top(t: &str, seps: &[char]) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote = false;
    let mut from = 0usize;
    for (i, c) in t.char_indices() {
        match c {
            '（' | '(' | '《' => depth += 1,
            '）' | ')' | '》' => depth -= 1,
            '“' => quote = true,
            '”' => quote = false,
            _ => {}
        }
        if depth <= 0 && !quote && seps.contains(&c) {
            let piece = t[from..i].trim();
            if !piece.is_empty() {
                out.push(piece.to_string());
            }
            from = i + c.len_utf8();
        }
    }
    let piece = t[from..].trim();
    if !piece.is_empty() {
        out.push(piece.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.lines().map(String::from).collect()
    }

    #[test]
    fn reflow_joins_broken_sentences() {
        let rx = StructRx::new().unwrap();
        let p = rx.paragraphs(&lines("（一）主场活动\n\n活动以线上为主的方式进行，\n\n通过视频会议系统直播。\n1.组织单位\n主办：国家市场监督管理总局"));
        let t: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            t,
            vec![
                "（一）主场活动",
                "活动以线上为主的方式进行，通过视频会议系统直播。",
                "1.组织单位",
                "主办：国家市场监督管理总局"
            ]
        );
        assert_eq!(p[0].level, 2);
        assert_eq!(p[2].level, 3);
        assert_eq!(p[2].content, "组织单位");
    }

    #[test]
    fn signature_contact_lines_and_leading_commas() {
        let rx = StructRx::new().unwrap();
        let p = rx.paragraphs(&lines(
            "附件：1.甲\n2.关于乙的说明\n市场监管总局\n2024年11月19日\n\
             联系人：价监科 罗会琼，电话：17607346536\n两反科 付慧君，电话：15873471689\n\
             联系电话：020-38835672\n，电子邮箱：a@b.cn",
        ));
        let t: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            t,
            vec![
                "附件：1.甲",
                "2.关于乙的说明",
                "市场监管总局",
                "2024年11月19日",
                "联系人：价监科罗会琼，电话：17607346536",
                "两反科付慧君，电话：15873471689",
                "联系电话：020-38835672，电子邮箱：a@b.cn",
            ]
        );
    }

    #[test]
    fn list_number_glued_to_date() {
        let rx = StructRx::new().unwrap();
        assert_eq!(rx.heading("1.8月16日前报送"), (3, 2));
        assert_eq!(rx.heading("1.5万家机构").0, 0);
        assert_eq!(rx.heading("四、相关要求").0, 1);
        assert_eq!(rx.heading("叁、活动要求").0, 1);
    }

    #[test]
    fn splits() {
        assert_eq!(
            split_top("A（甲，乙），B", &['，']),
            vec!["A（甲，乙）", "B"]
        );
        assert_eq!(paren_groups("x（a（b）c）y（d）"), vec!["a（b）c", "d"]);
    }
}
