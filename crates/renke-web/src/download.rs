//! Files sent to the browser: the one encoder of `Content-Disposition` (RFC 6266 with the
//! UTF-8 `filename*` of RFC 5987/8187, so Chinese names survive) and the responses built
//! on it.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use renke_app::pdf::PdfFile;

/// `Content-Disposition` for `name`: `disposition` is `attachment` or `inline`; `fallback`
/// is the plain name for clients that ignore `filename*` (default: `name` with anything
/// outside printable ASCII replaced by `_`).
pub fn content_disposition(disposition: &str, name: &str, fallback: Option<&str>) -> String {
    let plain = match fallback {
        Some(f) => ascii_fallback(f),
        None => ascii_fallback(name),
    };
    format!(
        "{disposition}; filename=\"{plain}\"; filename*=UTF-8''{}",
        percent_encode(name)
    )
}

/// Bytes (or a streamed body) as a download: their type, and the name.
pub fn download(name: &str, content_type: &str, bytes: impl IntoResponse) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                content_disposition("attachment", name, None),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// A stored file sent as it is read (chunk by chunk, never whole in memory), with its
/// length.
pub fn stream<E>(
    name: &str,
    content_type: &str,
    size: i64,
    chunks: futures_util::stream::BoxStream<'static, Result<axum::body::Bytes, E>>,
) -> Response
where
    E: Into<axum::BoxError> + 'static,
{
    let mut res = download(name, content_type, axum::body::Body::from_stream(chunks));
    if let Ok(v) = HeaderValue::from_str(&size.to_string()) {
        res.headers_mut().insert(header::CONTENT_LENGTH, v);
    }
    res
}

/// A stored file as a download, streamed from the file store with its name, type and
/// length.
pub fn stored<E>(
    file: &renke_app::model::StoredFile,
    chunks: futures_util::stream::BoxStream<'static, Result<axum::body::Bytes, E>>,
) -> Response
where
    E: Into<axum::BoxError> + 'static,
{
    stream(&file.name, file.kind.content_type(), file.size, chunks)
}

/// A rendered PDF as a download that is not cached.
pub fn pdf(file: PdfFile) -> Response {
    let mut res = download(&file.filename, "application/pdf", file.bytes);
    if let Ok(v) = HeaderValue::from_str(&content_disposition(
        "attachment",
        &file.filename,
        Some(&file.fallback),
    )) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

/// An iCalendar document shown inline (calendar apps open it).
pub fn ics(body: String, name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                content_disposition("inline", name, None),
            ),
        ],
        body,
    )
        .into_response()
}

/// The name with anything outside printable ASCII (and quotes) replaced by `_`.
fn ascii_fallback(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// RFC 5987 `attr-char` percent-encoding of UTF-8.
fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5987_encodes_chinese_names() {
        assert_eq!(
            percent_encode("粤〔2022〕253号.pdf"),
            "%E7%B2%A4%E3%80%942022%E3%80%95253%E5%8F%B7.pdf"
        );
        assert_eq!(percent_encode("a b\"c;.pdf"), "a%20b%22c%3B.pdf");
        assert_eq!(
            content_disposition("attachment", "粤〔2022〕253号.pdf", Some("notice-253.pdf")),
            "attachment; filename=\"notice-253.pdf\"; filename*=UTF-8''%E7%B2%A4%E3%80%942022%E3%80%95253%E5%8F%B7.pdf"
        );
        assert_eq!(
            content_disposition("inline", "a\"b.ics", None),
            "inline; filename=\"a_b.ics\"; filename*=UTF-8''a%22b.ics"
        );
    }
}
