//! Text values whose length is counted in characters, never bytes.

use crate::FieldError;
use serde::{Deserialize, Serialize};

/// Number of characters (Unicode scalar values) in `s`: 认可 is 2, not 6.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// 字数 as a reader of a notice counts it (as word processors' 字数统计 do): each Chinese
/// character, full-width punctuation mark or other non-ASCII character counts one; a run
/// of ASCII letters, digits and signs without spaces (a word, a number such as 2022,
/// a web address) counts one; spaces and line breaks count nothing. "走访企业12家。" is 7.
pub fn reading_len(s: &str) -> usize {
    let mut n = 0;
    let mut in_ascii_run = false;
    for c in s.chars() {
        if c.is_ascii_graphic() {
            if !in_ascii_run {
                n += 1;
                in_ascii_run = true;
            }
        } else {
            in_ascii_run = false;
            if !c.is_ascii() && !c.is_whitespace() {
                n += 1;
            }
        }
    }
    n
}

/// A required, trimmed single-line text of at most `max` characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Line(String);

impl Line {
    /// Trims `raw`; refuses empty text (`required`), line breaks (`single_line`) and text
    /// longer than `max` characters (`too_long`, with `max` and `actual`).
    pub fn parse(field: &str, raw: &str, max: usize) -> Result<Self, FieldError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if s.contains(['\n', '\r']) {
            return Err(FieldError::new(field, "single_line"));
        }
        let n = char_len(s);
        if n > max {
            return Err(FieldError::new(field, "too_long")
                .with("max", max)
                .with("actual", n));
        }
        Ok(Self(s.to_owned()))
    }

    /// Like [`Line::parse`] but empty input gives `None`.
    pub fn parse_opt(field: &str, raw: &str, max: usize) -> Result<Option<Self>, FieldError> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(field, raw, max).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl AsRef<str> for Line {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Words of official titles that a line must not split (开展情|况 reads wrong): a title
/// breaks only between them, as GB/T 9704 asks titles to break "词意完整". Longest first
/// within each length is not needed: matching takes the longest word at each point.
const TITLE_WORDS: &[&str] = &[
    "市场监督管理局",
    "市场监管总局",
    "市场监管局",
    "办公厅",
    "办公室",
    "认证认可",
    "检验检测",
    "世界认可日",
    "宣传报道",
    "能力验证",
    "中小微企业",
    "质量管理体系",
    "实验室",
    "分会场",
    "关于",
    "组织",
    "开展",
    "举办",
    "积极",
    "做好",
    "印发",
    "转发",
    "通知",
    "通报",
    "报告",
    "情况",
    "活动",
    "宣传",
    "报道",
    "资料",
    "素材",
    "方案",
    "总结",
    "信息",
    "新闻",
    "稿件",
    "认可",
    "认证",
    "检验",
    "检测",
    "市场",
    "监管",
    "监督",
    "管理",
    "工作",
    "培训",
    "发展",
    "质量",
    "服务",
    "绿色",
    "信任",
    "传递",
    "促进",
    "经济",
    "环境",
    "持续",
    "主题",
    "国际",
    "国内",
    "典型",
    "事例",
    "案例",
    "行业",
    "机构",
    "企业",
    "复工",
    "复产",
    "疫情",
    "防控",
    "上海",
    "广东",
    "北京",
    "总局",
    "省局",
    "市局",
    "区局",
    "年度",
    "系列",
    "专题",
    "讲座",
];

/// A title as runs a line must not break inside: a quoted phrase (“世界认可日”, up to 12
/// characters), an ordinal (第十五个, 第15届), a run of Latin letters and digits, a word of
/// [`TITLE_WORDS`], or any other single character. Lines break only between runs, so
/// "第十|五个" and "开展情|况" cannot happen.
pub fn title_runs(title: &str) -> Vec<&str> {
    const NUMERALS: &str = "〇零一二三四五六七八九十百千0123456789";
    const COUNTERS: &str = "个届次期批号";
    let mut out = Vec::new();
    let mut rest = title;
    while let Some(c) = rest.chars().next() {
        let take = if c == '“' {
            rest.find('”')
                .map(|end| end + '”'.len_utf8())
                .filter(|&end| char_len(&rest[..end]) <= 12)
        } else if c == '第' {
            let digits: usize = rest[c.len_utf8()..]
                .chars()
                .take_while(|d| NUMERALS.contains(*d))
                .map(char::len_utf8)
                .sum();
            (digits > 0).then(|| {
                let end = c.len_utf8() + digits;
                end + rest[end..]
                    .chars()
                    .next()
                    .filter(|k| COUNTERS.contains(*k))
                    .map_or(0, char::len_utf8)
            })
        } else if c.is_ascii_alphanumeric() {
            Some(
                rest.find(|d: char| !d.is_ascii_alphanumeric())
                    .unwrap_or(rest.len()),
            )
        } else {
            TITLE_WORDS
                .iter()
                .filter(|w| rest.starts_with(**w))
                .map(|w| w.len())
                .max()
        };
        let end = take.unwrap_or(c.len_utf8());
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_break_between_words_only() {
        let runs = title_runs("市场监管总局办公厅关于组织开展第十五个“世界认可日”活动的通知");
        assert_eq!(
            runs,
            [
                "市场监管总局",
                "办公厅",
                "关于",
                "组织",
                "开展",
                "第十五个",
                "“世界认可日”",
                "活动",
                "的",
                "通知"
            ]
        );
        assert_eq!(
            runs.concat(),
            "市场监管总局办公厅关于组织开展第十五个“世界认可日”活动的通知"
        );
        assert_eq!(
            title_runs("活动开展情况和宣传报道资料"),
            ["活动", "开展", "情况", "和", "宣传报道", "资料"]
        );
        assert_eq!(title_runs("2022年ISO培训"), ["2022", "年", "ISO", "培训"]);
        // An unclosed or long quote is no run of its own.
        assert_eq!(title_runs("“未完"), ["“", "未", "完"]);
        assert_eq!(title_runs("第二批次"), ["第二批", "次"]);
        assert!(title_runs("").is_empty());
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(char_len("传递质量信任"), 6);
        assert!(Line::parse("title", "传递质量信任", 6).is_ok());
        let e = Line::parse("title", "传递质量信任服", 6).unwrap_err();
        assert_eq!(e.code, "too_long");
        assert_eq!(e.param("actual"), Some("7"));
    }

    #[test]
    fn refuses_blank_and_multiline() {
        assert_eq!(Line::parse("name", "  ", 10).unwrap_err().code, "required");
        assert_eq!(
            Line::parse("name", "a\nb", 10).unwrap_err().code,
            "single_line"
        );
        assert_eq!(Line::parse_opt("name", " ", 10).unwrap(), None);
    }
}
