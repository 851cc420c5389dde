//! Uploaded files: which kinds are known, how a kind is recognised, and the rule an upload
//! must meet (size limit, kinds allowed). An upload is checked before anything is stored.
//!
//! A kind is recognised by the file name's extension **and** the content's first bytes: a
//! `.pdf` that does not start with `%PDF-` is refused, so a renamed executable cannot pass as
//! a document.

use crate::FieldError;
use crate::org::string_enum;
use serde::{Deserialize, Serialize};

string_enum! {
    /// A file kind an upload may be.
    FileKind {
        Pdf = "pdf", "PDF 文档", "PDF document";
        Doc = "doc", "Word 97-2003 文档", "Word 97-2003 document";
        Docx = "docx", "Word 文档", "Word document";
        Xls = "xls", "Excel 97-2003 表格", "Excel 97-2003 workbook";
        Xlsx = "xlsx", "Excel 表格", "Excel workbook";
        Ppt = "ppt", "PowerPoint 97-2003 演示文稿", "PowerPoint 97-2003 presentation";
        Pptx = "pptx", "PowerPoint 演示文稿", "PowerPoint presentation";
        Ofd = "ofd", "OFD 版式文档", "OFD document";
        Jpg = "jpg", "JPEG 图片", "JPEG image";
        Png = "png", "PNG 图片", "PNG image";
        Zip = "zip", "ZIP 压缩包", "ZIP archive";
        Txt = "txt", "文本文件", "text file";
        Mp4 = "mp4", "MP4 视频", "MP4 video";
    }
}

const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP: &[u8] = b"PK\x03\x04";

impl FileKind {
    /// The kind a file name's extension names (case-insensitive; `.jpeg` is `jpg`).
    pub fn from_name(name: &str) -> Option<FileKind> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "jpeg" => Some(FileKind::Jpg),
            e => FileKind::ALL.iter().copied().find(|k| k.as_str() == e),
        }
    }

    /// The MIME type files of this kind are served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Doc => "application/msword",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xls => "application/vnd.ms-excel",
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Ppt => "application/vnd.ms-powerpoint",
            FileKind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            FileKind::Ofd => "application/ofd",
            FileKind::Jpg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Zip => "application/zip",
            FileKind::Txt => "text/plain; charset=utf-8",
            FileKind::Mp4 => "video/mp4",
        }
    }

    /// Whether `bytes` start the way files of this kind start. `bytes` may be the first
    /// part of a longer file (`whole` false): a text file's last character may then be cut.
    pub fn matches(self, bytes: &[u8], whole: bool) -> bool {
        match self {
            FileKind::Pdf => bytes.starts_with(b"%PDF-"),
            FileKind::Doc | FileKind::Xls | FileKind::Ppt => bytes.starts_with(OLE),
            // Office Open XML and OFD are ZIP containers.
            FileKind::Docx | FileKind::Xlsx | FileKind::Pptx | FileKind::Ofd | FileKind::Zip => {
                bytes.starts_with(ZIP)
            }
            FileKind::Jpg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            FileKind::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            FileKind::Txt => match std::str::from_utf8(bytes) {
                Ok(_) => true,
                Err(e) => !whole && e.error_len().is_none(),
            },
            FileKind::Mp4 => bytes.get(4..8) == Some(b"ftyp"),
        }
    }
}

/// How many leading bytes of an upload are kept to recognise its kind (and, for a text
/// file, its encoding) when the rest is not in memory.
pub const SNIFF_LEN: usize = 64 * 1024;

/// What an upload must meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadRule {
    /// Largest size in bytes.
    pub max_bytes: u64,
    /// Kinds accepted; empty means every known kind.
    pub kinds: Vec<FileKind>,
}

impl UploadRule {
    /// Documents and images up to `max_mb` MiB: what notices and submissions take by default.
    pub fn documents(max_mb: u64) -> UploadRule {
        UploadRule {
            max_bytes: max_mb * 1024 * 1024,
            kinds: vec![
                FileKind::Pdf,
                FileKind::Doc,
                FileKind::Docx,
                FileKind::Xls,
                FileKind::Xlsx,
                FileKind::Ppt,
                FileKind::Pptx,
                FileKind::Ofd,
                FileKind::Jpg,
                FileKind::Png,
                FileKind::Zip,
                FileKind::Txt,
            ],
        }
    }

    /// The kinds allowed, for messages: `pdf, docx, …`.
    pub fn kinds_label(&self) -> String {
        if self.kinds.is_empty() {
            return FileKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ");
        }
        self.kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Checks a named upload; the error names `field` and says what is wrong:
    /// `file_empty`, `file_too_large` (limit, size), `file_type_refused` (name, allowed) or
    /// `file_content_mismatch` (name, kind).
    pub fn check(&self, field: &str, name: &str, bytes: &[u8]) -> Result<FileKind, FieldError> {
        self.check_received(field, name, bytes.len() as u64, bytes)
    }

    /// [`UploadRule::check`] of an upload known by its size and its first bytes (`head`: at
    /// least [`SNIFF_LEN`] of them, or all of a shorter file), as a streamed upload is known
    /// without reading it again.
    pub fn check_received(
        &self,
        field: &str,
        name: &str,
        size: u64,
        head: &[u8],
    ) -> Result<FileKind, FieldError> {
        if size == 0 {
            return Err(FieldError::new(field, "file_empty").with("name", name));
        }
        if size > self.max_bytes {
            return Err(FieldError::new(field, "file_too_large")
                .with("name", name)
                .with("limit", human_size(self.max_bytes))
                .with("size", human_size(size)));
        }
        let refused = || {
            FieldError::new(field, "file_type_refused")
                .with("name", name)
                .with("allowed", self.kinds_label())
        };
        let kind = FileKind::from_name(name).ok_or_else(refused)?;
        if !self.kinds.is_empty() && !self.kinds.contains(&kind) {
            return Err(refused());
        }
        if !kind.matches(head, head.len() as u64 >= size) {
            return Err(FieldError::new(field, "file_content_mismatch")
                .with("name", name)
                .with("kind", kind.as_str()));
        }
        Ok(kind)
    }
}

/// A size for people: `512 B`, `200 KB`, `20 MB` (binary units, one decimal when needed).
pub fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    let one = |n: u64, unit: u64, name: &str| {
        if n.is_multiple_of(unit) {
            format!("{} {name}", n / unit)
        } else {
            format!("{:.1} {name}", n as f64 / unit as f64)
        }
    };
    if bytes >= MB {
        one(bytes, MB, "MB")
    } else if bytes >= KB {
        one(bytes, KB, "KB")
    } else {
        format!("{bytes} B")
    }
}

/// Unicode's bidirectional controls: in a file name they can make `gpj.exe` look like
/// `exe.jpg`, so they are removed.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// A file name safe to store and to offer for download: the last path segment, without
/// control characters or bidirectional controls, at most 120 characters; `附件` when
/// nothing is left.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last
        .chars()
        .filter(|&c| !c.is_control() && !is_bidi_control(c))
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .to_owned();
    let mut out: String = cleaned
        .chars()
        .rev()
        .take(120)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if out.is_empty() {
        out = "附件".to_owned();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n...";

    #[test]
    fn accepts_a_matching_document() {
        let r = UploadRule::documents(20);
        assert_eq!(r.check("file", "方案.PDF", PDF), Ok(FileKind::Pdf));
        assert_eq!(
            r.check("file", "photo.jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]),
            Ok(FileKind::Jpg)
        );
    }

    #[test]
    fn refuses_too_large_with_limit_and_size() {
        let r = UploadRule {
            max_bytes: 1024,
            kinds: vec![],
        };
        let big = [b"%PDF-".as_slice(), &[0u8; 2000]].concat();
        let e = r.check("attachment", "a.pdf", &big).unwrap_err();
        assert_eq!(e.field, "attachment");
        assert_eq!(e.code, "file_too_large");
        assert_eq!(e.param("limit"), Some("1 KB"));
        assert_eq!(e.param("size"), Some("2.0 KB"));
    }

    #[test]
    fn refuses_kinds_outside_the_rule_and_unknown_extensions() {
        let r = UploadRule {
            max_bytes: 1 << 20,
            kinds: vec![FileKind::Pdf, FileKind::Docx],
        };
        let e = r.check("f", "photo.png", b"\x89PNG\r\n\x1a\n").unwrap_err();
        assert_eq!(e.code, "file_type_refused");
        assert_eq!(e.param("allowed"), Some("pdf, docx"));
        assert_eq!(
            r.check("f", "x.exe", b"MZ").unwrap_err().code,
            "file_type_refused"
        );
        assert_eq!(
            r.check("f", "noext", PDF).unwrap_err().code,
            "file_type_refused"
        );
    }

    #[test]
    fn refuses_content_that_does_not_match_its_extension() {
        let r = UploadRule::documents(1);
        let e = r.check("f", "report.pdf", b"MZ\x90\x00").unwrap_err();
        assert_eq!(e.code, "file_content_mismatch");
        assert_eq!(e.param("kind"), Some("pdf"));
        assert_eq!(
            r.check("f", "a.docx", PDF).unwrap_err().code,
            "file_content_mismatch"
        );
        assert_eq!(
            r.check("f", "a.txt", &[0xFF, 0xFE, 0x00]).unwrap_err().code,
            "file_content_mismatch"
        );
        assert_eq!(
            r.check("f", "empty.pdf", b"").unwrap_err().code,
            "file_empty"
        );
    }

    #[test]
    fn a_received_head_is_judged_as_the_start_of_the_file() {
        let r = UploadRule::documents(1);
        // "认可" cut after its fourth byte: the start of a longer UTF-8 text, or a broken text
        // when those four bytes are the whole file.
        let cut = &"认可".as_bytes()[..4];
        assert_eq!(r.check_received("f", "a.txt", 100, cut), Ok(FileKind::Txt));
        assert_eq!(
            r.check_received("f", "a.txt", 4, cut).unwrap_err().code,
            "file_content_mismatch"
        );
        assert_eq!(
            r.check_received("f", "a.txt", 100, &[0xFF, 0xFE])
                .unwrap_err()
                .code,
            "file_content_mismatch"
        );
        let e = r.check_received("f", "a.pdf", 2 << 20, PDF).unwrap_err();
        assert_eq!((e.code, e.param("size")), ("file_too_large", Some("2 MB")));
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_name("C:\\Users\\x\\活动方案.docx"), "活动方案.docx");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("..."), "附件");
        assert_eq!(clean_name("a\u{0}b.pdf"), "ab.pdf");
        // A right-to-left override would show `报告\u{202E}fdp.exe` as `报告exe.pdf`.
        assert_eq!(clean_name("报告\u{202E}fdp.exe"), "报告fdp.exe");
        assert_eq!(
            clean_name("\u{2066}a\u{2067}b\u{2068}c\u{2069}\u{202A}\u{202B}\u{202C}\u{202D}.pdf"),
            "abc.pdf"
        );
        assert_eq!(clean_name(&"长".repeat(200)).chars().count(), 120);
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(200 * 1024), "200 KB");
        assert_eq!(human_size(20 * 1024 * 1024), "20 MB");
        assert_eq!(human_size(1536 * 1024), "1.5 MB");
    }
}
