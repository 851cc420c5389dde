//! The text of a notice as received (导入通知): a `.txt` file (UTF-8, or GB 18030 as Chinese
//! Windows saves it), a `.docx` (the document's paragraphs, one per line), or a PDF with a
//! text layer. A scanned PDF has no text to read: it is refused with a message that it needs
//! OCR first.

use std::io::Read;

/// Why a file's text could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// Not a kind of file a notice is read from.
    #[error("unsupported file type: {0}")]
    Unsupported(String),
    /// A PDF whose pages carry no text (a scan).
    #[error("the PDF has no text layer (a scanned document needs OCR)")]
    NoTextLayer,
    /// The file is damaged or not what its name says.
    #[error("unreadable {kind} file: {detail}")]
    Corrupt { kind: &'static str, detail: String },
}

/// Characters a PDF's text layer must hold, at least, not to count as a scan.
const MIN_PDF_TEXT: usize = 20;

/// The text of `bytes`, by the extension of `file_name`.
pub fn extract(file_name: &str, bytes: &[u8]) -> Result<String, TextError> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "txt" | "text" => Ok(plain(bytes)),
        "docx" => docx(bytes),
        "pdf" => pdf(bytes),
        other => Err(TextError::Unsupported(if other.is_empty() {
            file_name.to_owned()
        } else {
            format!(".{other}")
        })),
    }
}

/// UTF-8 (with or without a byte-order mark), else GB 18030.
fn plain(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// The paragraphs of `word/document.xml`, a line each; tabs and line breaks kept.
fn docx(bytes: &[u8]) -> Result<String, TextError> {
    let corrupt = |detail: String| TextError::Corrupt {
        kind: "docx",
        detail,
    };
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .map_err(|e| corrupt(e.to_string()))?
        .read_to_string(&mut xml)
        .map_err(|e| corrupt(e.to_string()))?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = String::new();
    let mut in_text = false;
    loop {
        use quick_xml::events::Event;
        match reader.read_event().map_err(|e| corrupt(e.to_string()))? {
            Event::Start(e) if e.name().as_ref() == "w:t" => in_text = true,
            Event::End(e) if e.name().as_ref() == "w:t" => in_text = false,
            Event::End(e) if e.name().as_ref() == "w:p" => out.push('\n'),
            Event::Empty(e) if e.name().as_ref() == "w:tab" => out.push('\t'),
            Event::Empty(e) if matches!(e.name().as_ref(), "w:br" | "w:cr") => out.push('\n'),
            // the reader gives text without its entities, which come as references
            Event::Text(t) if in_text => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                // an entity inside a run's text (&amp; &lt; &#x4E00; …)
                let name = r.xml10_content();
                let s = quick_xml::escape::unescape(&format!("&{name};"))
                    .map_err(|e| corrupt(e.to_string()))?
                    .into_owned();
                out.push_str(&s);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The text layer of every page, in order.
fn pdf(bytes: &[u8]) -> Result<String, TextError> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| TextError::Corrupt {
        kind: "PDF",
        detail: e.to_string(),
    })?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let mut out = String::new();
    for p in pages {
        // a page whose text cannot be decoded counts as one without text
        if let Ok(t) = doc.extract_text(&[p]) {
            out.push_str(&t);
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    if out.chars().filter(|c| !c.is_whitespace()).count() < MIN_PDF_TEXT {
        return Err(TextError::NoTextLayer);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn docx_of(document_xml: &str) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all(document_xml.as_bytes()).unwrap();
        z.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn docx_paragraphs_become_lines() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>关于开展</w:t></w:r><w:r><w:t xml:space="preserve">活动的通知</w:t></w:r></w:p>
<w:p><w:r><w:t>各单位：</w:t></w:r></w:p>
<w:p><w:r><w:t>A&amp;B</w:t><w:tab/><w:t>正文。</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>
</w:body></w:document>"#;
        let text = extract("通知.DOCX", &docx_of(xml)).unwrap();
        assert_eq!(text, "关于开展活动的通知\n各单位：\nA&B\t正文。\n第二行\n");
    }

    #[test]
    fn text_files_in_utf8_or_gb18030() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("各单位：\n正文。");
        assert_eq!(extract("a.txt", &gbk).unwrap(), "各单位：\n正文。");
        assert_eq!(extract("a.txt", "\u{feff}通知".as_bytes()).unwrap(), "通知");
    }

    #[test]
    fn other_files_are_refused_by_name() {
        assert!(matches!(extract("a.doc", b"x"), Err(TextError::Unsupported(e)) if e == ".doc"));
        assert!(matches!(
            extract("a.docx", b"not a zip"),
            Err(TextError::Corrupt { kind: "docx", .. })
        ));
        assert!(matches!(
            extract("a.pdf", b"%PDF-1.4 broken"),
            Err(TextError::Corrupt { kind: "PDF", .. })
        ));
    }
}
