//! Where each extracted value stands in the source text, so a reviewer sees the draft beside
//! the text with every field's origin highlighted.
//!
//! Values are normalised (simplified characters, full-width punctuation, no spaces, 〔〕),
//! the source is as pasted; both are compared through the same per-character key that
//! forgets those differences, and each value's first occurrence is mapped back to the
//! source's character offsets (Unicode scalar values, end exclusive). A value the text does
//! not hold as such (a resolved ISO date, a joined list) has no span.

use crate::model::Notice;
use crate::normalize::TradTable;
use serde::Serialize;

/// A field's value and where it came from in the source: characters `start..end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The field's path in the draft, e.g. `title`, `recipients[1]`, `activities[0].venues[0]`.
    pub field: String,
    pub start: usize,
    pub end: usize,
}

/// The traditional → simplified table, built once (it covers the whole CJK block).
static TRAD: std::sync::LazyLock<TradTable> = std::sync::LazyLock::new(TradTable::new);

/// The comparison key of a character, or `None` for whitespace (ignored on both sides).
fn key(trad: &TradTable, c: char) -> Option<char> {
    if c.is_whitespace() || c == '\u{3000}' {
        return None;
    }
    // full-width ASCII forms
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    Some(match c {
        ',' | '，' => '，',
        ':' | '：' => '：',
        ';' | '；' => '；',
        '!' | '！' => '！',
        '?' | '？' => '？',
        '(' | '（' | '[' | '［' | '【' | '〔' => '(',
        ')' | '）' | ']' | '］' | '】' | '〕' => ')',
        '"' | '“' | '”' | '「' | '」' | '『' | '』' | '\'' | '‘' | '’' => '"',
        '—' | '–' | '－' | '―' | '‒' => '—',
        c => trad.map(c),
    })
}

/// The source's keys, each with its character offset.
struct Projection {
    keys: Vec<char>,
    at: Vec<usize>,
}

impl Projection {
    fn new(trad: &TradTable, text: &str) -> Self {
        let mut keys = Vec::new();
        let mut at = Vec::new();
        for (i, c) in text.chars().enumerate() {
            if let Some(k) = key(trad, c) {
                keys.push(k);
                at.push(i);
            }
        }
        Self { keys, at }
    }

    /// The character range of the first occurrence of `value`.
    fn find(&self, trad: &TradTable, value: &str) -> Option<(usize, usize)> {
        let needle: Vec<char> = value.chars().filter_map(|c| key(trad, c)).collect();
        if needle.is_empty() || needle.len() > self.keys.len() {
            return None;
        }
        let first = self
            .keys
            .windows(needle.len())
            .position(|w| w == needle.as_slice())?;
        let last = first + needle.len() - 1;
        Some((*self.at.get(first)?, *self.at.get(last)? + 1))
    }
}

/// The spans of every string value of `notice` found in `text`, in the draft's field order.
pub fn spans(text: &str, notice: &Notice) -> Vec<Span> {
    let trad = &*TRAD;
    let p = Projection::new(trad, text);
    let mut out = Vec::new();
    let mut put = |field: String, value: &str| {
        if let Some((start, end)) = p.find(trad, value) {
            out.push(Span { field, start, end });
        }
    };
    values(notice, "", &mut put);
    out
}

/// Calls `put` with each string value of `n` and its path under `prefix`.
fn values(n: &Notice, prefix: &str, put: &mut impl FnMut(String, &str)) {
    let list = |put: &mut dyn FnMut(String, &str), name: &str, v: &[String]| {
        for (i, x) in v.iter().enumerate() {
            put(format!("{prefix}{name}[{i}]"), x);
        }
    };
    list(put, "issuer", &n.issuer);
    if let Some(v) = &n.document_number {
        put(format!("{prefix}document_number"), v);
    }
    if let Some(v) = &n.title {
        put(format!("{prefix}title"), v);
    }
    list(put, "recipients", &n.recipients);
    list(put, "cc", &n.cc);
    if let Some(v) = &n.publication {
        put(format!("{prefix}publication"), v);
    }
    for (i, t) in n.themes.iter().enumerate() {
        put(format!("{prefix}themes[{i}].text"), &t.text);
    }
    for (i, a) in n.activities.iter().enumerate() {
        let at = format!("{prefix}activities[{i}]");
        put(format!("{at}.title"), &a.title);
        if let Some(v) = &a.period_text {
            put(format!("{at}.period_text"), v);
        }
        for (j, v) in a.venues.iter().enumerate() {
            put(format!("{at}.venues[{j}]"), v);
        }
        if let Some(v) = &a.audience {
            put(format!("{at}.audience"), v);
        }
        for (j, d) in a.debug_sessions.iter().enumerate() {
            put(format!("{at}.debug_sessions[{j}].note"), &d.note);
        }
    }
    for (i, d) in n.deadlines.iter().enumerate() {
        let at = format!("{prefix}deadlines[{i}]");
        put(format!("{at}.task"), &d.task);
        if let Some(v) = &d.submit_to {
            put(format!("{at}.submit_to"), v);
        }
    }
    for (i, c) in n.contacts.iter().enumerate() {
        let at = format!("{prefix}contacts[{i}]");
        for (name, v) in [
            ("name", &c.name),
            ("org", &c.org),
            ("phone", &c.phone),
            ("email", &c.email),
        ] {
            if let Some(v) = v {
                put(format!("{at}.{name}"), v);
            }
        }
    }
    list(put, "attachments", &n.attachments);
    if let Some(r) = &n.relayed {
        if let Some(v) = &r.title {
            put(format!("{prefix}relayed.title"), v);
        }
        if let Some(v) = &r.document_number {
            put(format!("{prefix}relayed.document_number"), v);
        }
    }
    for (i, a) in n.attached_notices.iter().enumerate() {
        values(a, &format!("{prefix}attached_notices[{i}]."), put);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_across_widths_spaces_and_brackets() {
        let text =
            "網站首頁\n粤市监认监 [2022] 253 号\n关于开展活动的通知\n各市局, 各处室:\n正文。";
        let n = Notice {
            document_number: Some("粤市监认监〔2022〕253号".into()),
            title: Some("关于开展活动的通知".into()),
            recipients: vec!["各市局".into(), "各处室".into()],
            issue_date: Some("2022-06-02".into()),
            ..Notice::default()
        };
        let s = spans(text, &n);
        let chars: Vec<char> = text.chars().collect();
        let got: Vec<(String, String)> = s
            .iter()
            .map(|x| (x.field.clone(), chars[x.start..x.end].iter().collect()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("document_number".into(), "粤市监认监 [2022] 253 号".into()),
                ("title".into(), "关于开展活动的通知".into()),
                ("recipients[0]".into(), "各市局".into()),
                ("recipients[1]".into(), "各处室".into()),
            ]
        );
    }
}
