//! Parser of official-notice text into a structured campaign draft.
//!
//! Pure: no I/O. [`parse`] takes the text of a Chinese official notice as pasted or as
//! extracted from a PDF and returns a [`Notice`]. The pipeline:
//!
//! 1. **Normalise** each line ([`normalize`]): traditional → simplified for the characters
//!    notices use, NFKC width folding, page-number debris (`-3 -`, `— 2 **—**`) dropped, stray
//!    list markers (`- （一）`) stripped, 〔〕 for document-number brackets, Chinese-numeral
//!    signature dates to digits, canonical full-width punctuation in Chinese text.
//! 2. **Reflow** lines into paragraphs ([`structure`]): a paragraph runs on until closing
//!    punctuation, a heading (一、 （一） 1. （1）), a label line (主办： 电话： 附件： …) or a
//!    header line; spaces inside Chinese text and numbers are removed.
//! 3. **Split** off the 版记 (公开方式, 抄送, 印发), which belongs to the main notice wherever it
//!    is, and the notices attached after 附件 (each starting at its own header).
//! 4. **Extract** header, themes, activities, deadlines, contacts, attachments, relayed
//!    document, signature and warnings (see [`extract`]).
//!
//! Every rule is exercised by a named case in `tests/cases/`.

mod dates;
mod extract;
mod locate;
mod model;
mod normalize;
pub mod score;
mod spans;
mod structure;

pub use model::{Activity, Contact, Deadline, DebugSession, Notice, Organizers, Relayed, Theme};
pub use spans::{Span, spans};

use std::sync::LazyLock;

/// The `kind` values of an activity, in the order their keywords are tried on its title.
/// The codes are those of `renke_domain::activity::ActivityKind`, the kinds an activity is
/// stored with (checked by a test of the `renke` crate, which depends on both).
pub const ACTIVITY_KINDS: [(&str, &[&str]); 15] = [
    ("collective_viewing", &["收看", "观看"]),
    ("main_event", &["主场"]),
    ("lecture", &["讲座"]),
    ("proficiency_testing", &["能力验证"]),
    ("forum", &["论坛"]),
    ("industry_initiative", &["倡议"]),
    ("science_popularisation", &["科普"]),
    ("cloud_open_day", &["开放"]),
    // Showing results (展示) is done by collecting materials (征集素材) in the seeds.
    ("material_collection", &["征集", "展示", "展览"]),
    ("certificate_ceremony", &["颁证", "仪式"]),
    ("training", &["培训", "宣贯"]),
    ("case_release", &["案例发布", "发布典型案例", "发布案例"]),
    ("report_release", &["发布"]),
    ("local_series", &["系列活动"]),
    ("online_publicity", &["宣传"]),
];

#[derive(Debug, Clone, thiserror::Error)]
pub enum NoticeError {
    /// A built-in pattern failed to compile (a defect of this crate, caught by its tests).
    #[error("internal pattern failed to compile: {0}")]
    Pattern(#[from] regex::Error),
}

/// A parser with its patterns compiled once; reuse it for many notices.
pub struct Parser {
    inner: extract::Extractor,
}

impl Parser {
    pub fn new() -> Result<Self, NoticeError> {
        Ok(Self {
            inner: extract::Extractor::new()?,
        })
    }

    /// Parse one notice. Never panics; text that is not a notice gives a mostly empty draft.
    pub fn parse(&self, text: &str) -> Notice {
        self.inner.parse(text)
    }
}

static PARSER: LazyLock<Result<Parser, NoticeError>> = LazyLock::new(Parser::new);

/// Parse one notice with a shared parser.
pub fn parse(text: &str) -> Result<Notice, NoticeError> {
    match &*PARSER {
        Ok(p) => Ok(p.parse(text)),
        Err(e) => Err(e.clone()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn patterns_compile() {
        assert!(super::Parser::new().is_ok());
    }
}
