//! PDF documents with typst: the notice in the official GB/T 9704-2012 layout, the
//! certificate of attendance, the compiled report, and the proficiency-testing letter,
//! round report (charts from [`crate::chart`]) and certificate of participation.
//!
//! - Data reaches a template only as the virtual file `/data.json` (read with `json(…)`);
//!   typst shows JSON strings as text, so nothing a user typed is ever markup.
//! - Templates are `.typ` files compiled into the crate (`templates/`), fonts too (a subset
//!   of Noto Serif/Sans CJK SC, see `fonts/README.md`), so a fresh machine needs no setup;
//!   a configured font directory adds system fonts (and official fonts such as 仿宋_GB2312,
//!   which the templates prefer when present).
//! - Rendering is synchronous and CPU-heavy (about a second for a notice on the first
//!   render, less when warm): async callers run it on a blocking thread
//!   (`tokio::task::spawn_blocking`). After each compile the memoisation cache is trimmed
//!   with `comemo::evict`, so a long-running server does not grow.
//! - A character that no font has is not dropped silently: typst draws the font's empty
//!   box for it, and [`Pdf::missing_chars`] lists it so the caller can log or show it.

mod case_booklet;
mod certificate;
pub mod demo;
mod industry_report;
mod notice;
mod pt_certificate;
mod pt_letter;
mod pt_report;
mod report;
mod world;

pub use case_booklet::{BookletCase, CaseBooklet};
pub use certificate::Certificate;
pub use industry_report::IndustryReport;
pub use notice::{ContactLine, NoticeDoc};
pub use pt_certificate::{PtCertificate, PtCertificateRow};
pub use pt_letter::{PtChart, PtLetter, PtLetterRow};
pub use pt_report::{PtReport, PtReportMeasurand, PtReportRow};
pub use report::{ActivityRow, Figure, Material, Report, UnitSummary};
pub use world::Fonts;

use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use typst::Library;
use typst::foundations::Bytes;
use typst::utils::LazyHash;
use typst_layout::PagedDocument;
use world::{RenderWorld, Template};

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("无法读取字体目录 {path} (cannot read the font directory): {source}")]
    FontDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("PDF 排版失败 (typesetting failed): {0}")]
    Typst(String),
    #[error("PDF 数据无法编码 (cannot encode the document data): {0}")]
    Data(#[from] serde_json::Error),
}

/// A rendered PDF.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Characters of the data that no available font covers. They appear as an empty box
    /// in the PDF; the caller reports them (the web layer logs a warning).
    pub missing_chars: Vec<char>,
    /// typst's warnings, if any (none for a well-formed document).
    pub warnings: Vec<String>,
}

/// How many compilations a memoised result survives unused (see `comemo::evict`).
const CACHE_MAX_AGE: usize = 10;

const COMMON: &str = include_str!("templates/common.typ");
const NOTICE: &str = include_str!("templates/notice.typ");
const CERTIFICATE: &str = include_str!("templates/certificate.typ");
const REPORT: &str = include_str!("templates/report.typ");
const PT_LETTER: &str = include_str!("templates/pt_letter.typ");
const PT_REPORT: &str = include_str!("templates/pt_report.typ");
const PT_CERTIFICATE: &str = include_str!("templates/pt_certificate.typ");
const INDUSTRY_REPORT: &str = include_str!("templates/industry_report.typ");
const CASE_BOOKLET: &str = include_str!("templates/case_booklet.typ");

/// The font stacks the templates use, best first: the official families (when a font
/// directory provides them), then the bundled stand-ins. Only families that exist are
/// passed on (`/fonts.json`), so typst never warns about an unknown one.
const FONT_STACKS: &[(&str, &[&str])] = &[
    // 仿宋: body text
    (
        "fang",
        &[
            "FangSong_GB2312",
            "FangSong",
            "STFangsong",
            world::SERIF_FAMILY,
        ],
    ),
    // 黑体: first-level headings
    ("hei", &["SimHei", "STHeiti", world::SANS_FAMILY]),
    // 楷体: second-level headings
    (
        "kai",
        &["KaiTi_GB2312", "KaiTi", "STKaiti", world::SERIF_FAMILY],
    ),
    // 小标宋: title and 发文机关标志
    (
        "title",
        &[
            "FZXiaoBiaoSong-B05S",
            "FZXiaoBiaoSong-B05",
            world::SERIF_FAMILY,
        ],
    ),
    // 宋体: page numbers
    ("song", &["SimSun", "STSong", world::SERIF_FAMILY]),
    ("serif", &[world::SERIF_FAMILY]),
    ("sans", &[world::SANS_FAMILY]),
];

/// Renders PDFs with a fixed set of fonts. Cheap to share (`Arc`) and safe to use from
/// several threads at once.
pub struct PdfRenderer {
    fonts: Fonts,
    /// `/fonts.json`: each stack of [`FONT_STACKS`] reduced to the families present.
    stacks: Bytes,
    library: LazyHash<Library>,
    templates: Vec<Template>,
}

#[derive(Clone, Copy)]
enum Kind {
    Notice,
    Certificate,
    Report,
    PtLetter,
    PtReport,
    PtCertificate,
    IndustryReport,
    CaseBooklet,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Notice => "/notice.typ",
            Kind::Certificate => "/certificate.typ",
            Kind::Report => "/report.typ",
            Kind::PtLetter => "/pt_letter.typ",
            Kind::PtReport => "/pt_report.typ",
            Kind::PtCertificate => "/pt_certificate.typ",
            Kind::IndustryReport => "/industry_report.typ",
            Kind::CaseBooklet => "/case_booklet.typ",
        }
    }
}

impl PdfRenderer {
    /// With the fonts compiled into the binary only.
    pub fn bundled() -> Result<PdfRenderer, PdfError> {
        PdfRenderer::with_fonts(Fonts::bundled())
    }

    /// With the bundled fonts and, if given, every font below `dir` (searched when the
    /// bundled ones lack a character, and used first for the official families such as
    /// FangSong_GB2312 or SimHei that the templates ask for).
    pub fn new(font_dir: Option<&Path>) -> Result<PdfRenderer, PdfError> {
        match font_dir {
            Some(dir) => PdfRenderer::with_fonts(Fonts::with_dir(dir)?),
            None => PdfRenderer::bundled(),
        }
    }

    pub fn with_fonts(fonts: Fonts) -> Result<PdfRenderer, PdfError> {
        let templates = vec![
            Template::new("/common.typ", COMMON)?,
            Template::new(Kind::Notice.path(), NOTICE)?,
            Template::new(Kind::Certificate.path(), CERTIFICATE)?,
            Template::new(Kind::Report.path(), REPORT)?,
            Template::new(Kind::PtLetter.path(), PT_LETTER)?,
            Template::new(Kind::PtReport.path(), PT_REPORT)?,
            Template::new(Kind::PtCertificate.path(), PT_CERTIFICATE)?,
            Template::new(Kind::IndustryReport.path(), INDUSTRY_REPORT)?,
            Template::new(Kind::CaseBooklet.path(), CASE_BOOKLET)?,
        ];
        let stacks: serde_json::Map<String, serde_json::Value> = FONT_STACKS
            .iter()
            .map(|(name, families)| {
                let present: Vec<serde_json::Value> = families
                    .iter()
                    .filter(|f| fonts.book().contains_family(&f.to_lowercase()))
                    .map(|f| serde_json::Value::from(*f))
                    .collect();
                ((*name).to_owned(), serde_json::Value::Array(present))
            })
            .collect();
        Ok(PdfRenderer {
            stacks: Bytes::new(serde_json::to_vec(&stacks)?),
            fonts,
            library: world::library(),
            templates,
        })
    }

    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }

    /// A notice in the official layout (GB/T 9704-2012).
    pub fn notice(&self, doc: &NoticeDoc) -> Result<Pdf, PdfError> {
        self.render(Kind::Notice, &doc.to_data())
    }

    /// A certificate of attendance (参加证明), A4 landscape.
    pub fn certificate(&self, c: &Certificate) -> Result<Pdf, PdfError> {
        self.render(Kind::Certificate, &c.to_data())
    }

    /// A compiled report (汇总报告): summaries per unit, activities and figures, materials.
    pub fn report(&self, r: &Report) -> Result<Pdf, PdfError> {
        self.render(Kind::Report, &r.to_data())
    }

    /// A proficiency-testing result letter (能力验证结果通知书) to one laboratory.
    pub fn pt_letter(&self, l: &PtLetter) -> Result<Pdf, PdfError> {
        self.render(Kind::PtLetter, &l.to_data())
    }

    /// A proficiency-testing round's report (能力验证结果报告), participants by code only.
    pub fn pt_report(&self, r: &PtReport) -> Result<Pdf, PdfError> {
        self.render(Kind::PtReport, &r.to_data())
    }

    /// A laboratory's certificate of participation in a proficiency-testing round
    /// (能力验证参加证明), one A4 page.
    pub fn pt_certificate(&self, c: &PtCertificate) -> Result<Pdf, PdfError> {
        self.render(Kind::PtCertificate, &c.to_data())
    }

    /// A yearly industry report (行业发展情况报告) with its charts and tables.
    pub fn industry_report(&self, r: &IndustryReport) -> Result<Pdf, PdfError> {
        self.render(Kind::IndustryReport, &r.to_data())
    }

    /// The booklet of a published case collection (案例集).
    pub fn case_booklet(&self, b: &CaseBooklet) -> Result<Pdf, PdfError> {
        self.render(Kind::CaseBooklet, &b.to_data())
    }

    fn render(&self, kind: Kind, data: &impl Serialize) -> Result<Pdf, PdfError> {
        let value = serde_json::to_value(data)?;
        let mut chars = Vec::new();
        collect_chars(&value, &mut chars);
        let missing_chars = self.fonts.uncovered(chars);
        let json = serde_json::to_vec(&value)?;
        let world = RenderWorld {
            library: &self.library,
            fonts: &self.fonts,
            main: world::file_id(kind.path())?,
            templates: &self.templates,
            data_id: world::file_id("/data.json")?,
            data: Bytes::new(json),
            fonts_id: world::file_id("/fonts.json")?,
            stacks: self.stacks.clone(),
        };
        let result = typst::compile::<PagedDocument>(&world);
        let warnings: Vec<String> = result
            .warnings
            .iter()
            .map(|w| w.message.to_string())
            .collect();
        let out = result
            .output
            .map_err(|errs| PdfError::Typst(messages(&errs)))
            .and_then(|doc| {
                let pages = doc.pages().len();
                typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
                    .map(|bytes| (bytes, pages))
                    .map_err(|errs| PdfError::Typst(messages(&errs)))
            });
        typst::comemo::evict(CACHE_MAX_AGE);
        let (bytes, pages) = out?;
        Ok(Pdf {
            bytes,
            pages,
            missing_chars,
            warnings,
        })
    }
}

fn messages(errs: &[typst::diag::SourceDiagnostic]) -> String {
    errs.iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

fn collect_chars(v: &serde_json::Value, out: &mut Vec<char>) {
    match v {
        serde_json::Value::String(s) => out.extend(s.chars()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_chars(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_chars(x, out)),
        _ => {}
    }
}

/// The renderer with the bundled fonts, built on first use and shared by the process.
pub fn shared() -> Result<Arc<PdfRenderer>, PdfError> {
    static RENDERER: OnceLock<Arc<PdfRenderer>> = OnceLock::new();
    if let Some(r) = RENDERER.get() {
        return Ok(r.clone());
    }
    let r = Arc::new(PdfRenderer::bundled()?);
    Ok(RENDERER.get_or_init(|| r).clone())
}

fn bundled() -> Result<Arc<PdfRenderer>, PdfError> {
    shared()
}

/// [`PdfRenderer::notice`] with the bundled fonts.
pub fn notice(doc: &NoticeDoc) -> Result<Pdf, PdfError> {
    bundled()?.notice(doc)
}

/// [`PdfRenderer::certificate`] with the bundled fonts.
pub fn certificate(c: &Certificate) -> Result<Pdf, PdfError> {
    bundled()?.certificate(c)
}

/// [`PdfRenderer::report`] with the bundled fonts.
pub fn report(r: &Report) -> Result<Pdf, PdfError> {
    bundled()?.report(r)
}

/// [`PdfRenderer::pt_letter`] with the bundled fonts.
pub fn pt_letter(l: &PtLetter) -> Result<Pdf, PdfError> {
    bundled()?.pt_letter(l)
}

/// [`PdfRenderer::pt_report`] with the bundled fonts.
pub fn pt_report(r: &PtReport) -> Result<Pdf, PdfError> {
    bundled()?.pt_report(r)
}

/// [`PdfRenderer::pt_certificate`] with the bundled fonts.
pub fn pt_certificate(c: &PtCertificate) -> Result<Pdf, PdfError> {
    bundled()?.pt_certificate(c)
}

/// [`PdfRenderer::industry_report`] with the bundled fonts.
pub fn industry_report(r: &IndustryReport) -> Result<Pdf, PdfError> {
    bundled()?.industry_report(r)
}

/// [`PdfRenderer::case_booklet`] with the bundled fonts.
pub fn case_booklet(b: &CaseBooklet) -> Result<Pdf, PdfError> {
    bundled()?.case_booklet(b)
}

/// 2022年6月1日: dates in documents are Chinese, with Arabic numerals (GB/T 9704-2012 §7.3.5.2).
pub fn zh_date(d: &chrono::NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}
