//! Search (检索) in Chinese: text is cut into words with jieba (search mode, the same cut
//! for what is indexed and for what is asked), the words are stored space-joined, and a
//! query finds the items holding every word of it. Both databases index the same words
//! (SQLite FTS5, PostgreSQL `tsvector`), so both give the same results. Snippets show the
//! words found, marked with `<mark>`.

use crate::org::string_enum;
use crate::{FieldError, Invalid};
use jieba_rs::Jieba;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::LazyLock;

string_enum! {
    /// What a search result is. Each kind has its own reading rule
    /// ([`Actor::reads_found`](crate::perm::Actor::reads_found)).
    SearchKind {
        Notice = "notice", "通知", "Notice";
        Activity = "activity", "活动", "Activity";
        Material = "material", "宣传资料", "Publicity material";
        Item = "item", "信息稿件", "News item";
        Case = "case", "案例", "Case";
        Initiative = "initiative", "倡议", "Initiative";
    }
}

/// The dictionary (jieba's own, built in), loaded once.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Longest query, in characters.
pub const QUERY_MAX: usize = 100;
/// At most this many words of a query are looked for (the first ones).
pub const TERMS_MAX: usize = 12;

/// The words of `text` as indexed and asked: jieba's search-mode cut (long words also give
/// the shorter dictionary words inside them), each cut into its runs of letters and digits
/// (punctuation and spaces go), in lower case. Without jieba's guessing of unknown words
/// (HMM), so that the same text cuts the same way wherever it stands.
pub fn words(text: &str) -> Vec<String> {
    JIEBA
        .cut_for_search(text, false)
        .into_iter()
        .flat_map(|t| t.word.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The words of an item's title and body, each once, space-joined: what the index stores.
pub fn index_tokens(title: &str, body: &str) -> String {
    let mut seen = HashSet::new();
    let mut out = String::new();
    for w in words(title).into_iter().chain(words(body)) {
        if seen.insert(w.clone()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&w);
        }
    }
    out
}

/// A query, checked: the words an item must all hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The query as typed, trimmed.
    pub text: String,
    /// Its words, each once, at most [`TERMS_MAX`].
    pub terms: Vec<String>,
}

impl Query {
    /// `q` is required (a query of punctuation only has no word: `no_terms`) and at most
    /// [`QUERY_MAX`] characters.
    pub fn parse(raw: &str) -> Result<Query, Invalid> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(FieldError::new("q", "required").into());
        }
        let n = crate::text::char_len(text);
        if n > QUERY_MAX {
            return Err(FieldError::new("q", "too_long")
                .with("max", QUERY_MAX)
                .with("actual", n)
                .into());
        }
        let mut terms: Vec<String> = Vec::new();
        for w in words(text) {
            if !terms.contains(&w) && terms.len() < TERMS_MAX {
                terms.push(w);
            }
        }
        if terms.is_empty() {
            return Err(FieldError::new("q", "no_terms").into());
        }
        Ok(Query {
            text: text.to_owned(),
            terms,
        })
    }
}

/// `s` escaped for HTML text and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        _ => out.push(c),
    }
}

/// Lower-cased characters of `s`, one per character of `s` (so positions agree).
fn folded(s: &str) -> Vec<char> {
    s.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

/// The length (in characters) of the longest term found at `at` in `hay`, if any.
fn match_at(hay: &[char], at: usize, terms: &[Vec<char>]) -> Option<usize> {
    terms
        .iter()
        .filter(|t| !t.is_empty() && hay.get(at..at + t.len()) == Some(t.as_slice()))
        .map(Vec::len)
        .max()
}

/// `text` as HTML, escaped, with every occurrence of a term in `<mark>`.
pub fn highlight(text: &str, terms: &[String]) -> String {
    let chars: Vec<char> = text.chars().collect();
    mark_range(&chars, &folded(text), 0, chars.len(), terms)
}

fn mark_range(chars: &[char], hay: &[char], from: usize, to: usize, terms: &[String]) -> String {
    let terms: Vec<Vec<char>> = terms.iter().map(|t| folded(t)).collect();
    let mut out = String::new();
    let mut i = from;
    while i < to {
        match match_at(hay, i, &terms) {
            Some(n) => {
                let end = (i + n).min(to);
                out.push_str("<mark>");
                for c in &chars[i..end] {
                    push_escaped(&mut out, *c);
                }
                out.push_str("</mark>");
                i = end;
            }
            None => {
                push_escaped(&mut out, chars[i]);
                i += 1;
            }
        }
    }
    out
}

/// About `width` characters of `text` around the first term found (its beginning when none
/// is), as HTML: escaped, terms in `<mark>`, `…` where text was cut, line breaks as spaces.
pub fn snippet(text: &str, terms: &[String], width: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let chars: Vec<char> = flat.chars().collect();
    let hay = folded(&flat);
    let wanted: Vec<Vec<char>> = terms.iter().map(|t| folded(t)).collect();
    let first = (0..hay.len())
        .find(|&i| match_at(&hay, i, &wanted).is_some())
        .unwrap_or(0);
    let start = first.saturating_sub(width / 4);
    let end = (start + width).min(chars.len());
    let start = end.saturating_sub(width).min(start);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&mark_range(&chars, &hay, start, end, terms));
    if end < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_words_for_the_index_and_the_query() {
        let text = "开展实验室“云开放”直播活动，让广大市民群众足不出户了解检验检测。";
        let idx = index_tokens("实验室“云开放”直播活动", text);
        let indexed: Vec<&str> = idx.split(' ').collect();
        let q = Query::parse(" 云开放 ").unwrap();
        assert_eq!(q.text, "云开放");
        for t in &q.terms {
            assert!(indexed.contains(&t.as_str()), "{t} not in {indexed:?}");
        }
        // No punctuation, no empty word, each word once.
        assert!(indexed.iter().all(|w| w.chars().all(char::is_alphanumeric)));
        let unique: HashSet<_> = indexed.iter().collect();
        assert_eq!(unique.len(), indexed.len());
        // Search mode also gives the shorter words inside a long one.
        let w = words("中华人民共和国");
        assert!(w.contains(&"中华".to_owned()) && w.contains(&"中华人民共和国".to_owned()));
        // Latin letters fold to lower case.
        assert_eq!(words("CNAS 认可"), vec!["cnas", "认可"]);
    }

    #[test]
    fn queries_are_checked() {
        assert_eq!(Query::parse("  ").unwrap_err().0[0].code, "required");
        assert_eq!(Query::parse("“”、。").unwrap_err().0[0].code, "no_terms");
        let long = "认可".repeat(60);
        assert_eq!(Query::parse(&long).unwrap_err().0[0].code, "too_long");
        let q = Query::parse("认可 认可 检测").unwrap();
        assert_eq!(q.terms, vec!["认可", "检测"]);
    }

    #[test]
    fn snippets_mark_the_terms_and_escape_the_rest() {
        let terms = vec!["云".to_owned(), "开放".to_owned()];
        assert_eq!(
            highlight("<b>云开放</b> & 开放日", &terms),
            "&lt;b&gt;<mark>云</mark><mark>开放</mark>&lt;/b&gt; &amp; <mark>开放</mark>日"
        );
        let long = format!("{}实验室云开放{}", "前".repeat(100), "后".repeat(100));
        let s = snippet(&long, &terms, 40);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>云</mark><mark>开放</mark>"), "{s}");
        // A quarter of the width before the first word found (实验室 and 7 前).
        assert_eq!(s.chars().filter(|c| *c == '前').count(), 7);
        // Nothing found: the beginning; short text: no ellipsis.
        assert_eq!(snippet("检验\n检测", &terms, 40), "检验 检测");
        assert_eq!(
            highlight("CNAS 认可", &["cnas".to_owned()]),
            "<mark>CNAS</mark> 认可"
        );
    }
}
