//! Multipart form bodies, parsed once per request. The CSRF guard reads an unsafe form
//! request's body to find `_csrf`; a multipart body it parses into a [`MultipartForm`]
//! (text fields and files, in the order sent), which it puts into the request's extensions.
//! The readers ([`crate::pages::read_upload`], [`crate::pages::read_form_with_files`]) take
//! that form; only when the guard let the request through unread (a Bearer token, or an
//! `X-CSRF-Token` header) do they parse the body themselves, with the same [`parse`].

use crate::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use renke_app::files::{SpoolWriter, Spooled};
use renke_app::reporting::tasks::UploadedFile;

/// The largest text field of a multipart form (a notice's pasted text the largest of them;
/// files have no such limit here: they are spooled, and bounded by the request's limit and
/// their rules).
pub const TEXT_MAX_BYTES: usize = 4 * 1024 * 1024;

/// The most text a multipart form may carry in all its text fields together: what is held
/// in memory is bounded as an urlencoded form's is, however many fields are sent.
pub const TEXTS_MAX_BYTES: usize = 8 * 1024 * 1024;

/// One part of a multipart form.
#[derive(Debug, Clone)]
pub struct FormPart {
    /// The part's field name.
    pub name: String,
    pub value: Value,
}

/// What a part holds.
#[derive(Debug, Clone)]
pub enum Value {
    Text(String),
    /// A file part: its name as sent (empty for a file input left empty) and its bytes as
    /// received (in memory when small, else in a temporary file).
    File {
        name: String,
        content: Spooled,
    },
}

/// A parsed multipart form: every part, in the order sent.
#[derive(Debug, Clone, Default)]
pub struct MultipartForm {
    pub parts: Vec<FormPart>,
}

impl MultipartForm {
    /// The text of the first text part named `name`.
    pub fn text(&self, name: &str) -> Option<String> {
        self.parts.iter().find_map(|p| match &p.value {
            Value::Text(t) if p.name == name => Some(t.clone()),
            _ => None,
        })
    }

    /// The files sent in parts named `name`, in order; a file input left empty is skipped.
    pub fn files(&self, name: &str) -> Vec<UploadedFile> {
        self.parts
            .iter()
            .filter(|p| p.name == name)
            .filter_map(|p| match &p.value {
                Value::File { name, content } if !(name.is_empty() && content.is_empty()) => {
                    Some(UploadedFile {
                        name: name.clone(),
                        content: content.clone(),
                    })
                }
                _ => None,
            })
            .collect()
    }
}

/// A multipart body that could not be parsed to its end; what was read before the error.
#[derive(Debug)]
pub struct Unreadable(pub MultipartForm);

/// Whether the request's body is declared `multipart/form-data`.
pub fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// The boundary of a `multipart/form-data` body.
pub fn boundary(headers: &HeaderMap) -> Option<String> {
    let content_type = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    multer::parse_boundary(content_type).ok()
}

/// Parses a multipart body as it arrives: text fields (up to [`TEXT_MAX_BYTES`] each and
/// [`TEXTS_MAX_BYTES`] together) into memory, file parts chunk by chunk into a
/// [`SpoolWriter`], so a large file never sits in memory whole. This is the one function
/// that parses one.
pub async fn parse(body: Body, boundary: String) -> Result<MultipartForm, Unreadable> {
    #[cfg(test)]
    let _ = tests::PARSES.try_with(|n| n.set(n.get() + 1));
    let mut multipart = multer::Multipart::new(body.into_data_stream(), boundary);
    let mut form = MultipartForm::default();
    let mut texts = 0;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(form),
            Err(_) => return Err(Unreadable(form)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let value = match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let mut spool = SpoolWriter::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if let Err(e) = spool.write(&chunk).await {
                                tracing::warn!(error = %e, "an upload could not be spooled");
                                return Err(Unreadable(form));
                            }
                        }
                        Ok(None) => break,
                        Err(_) => return Err(Unreadable(form)),
                    }
                }
                match spool.finish().await {
                    Ok(content) => Value::File {
                        name: file_name,
                        content,
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, "an upload could not be spooled");
                        return Err(Unreadable(form));
                    }
                }
            }
            None => {
                let mut text = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk))
                            if text.len() + chunk.len() <= TEXT_MAX_BYTES
                                && texts + chunk.len() <= TEXTS_MAX_BYTES =>
                        {
                            texts += chunk.len();
                            text.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Ok(Some(_)) | Err(_) => return Err(Unreadable(form)),
                    }
                }
                Value::Text(String::from_utf8_lossy(&text).into_owned())
            }
        };
        form.parts.push(FormPart { name, value });
    }
}

/// The multipart form of `req`: the one the CSRF guard parsed, or else its body parsed
/// here; `None` if the body is not multipart. A body that cannot be read or parsed is
/// refused on the `file` field (`upload_unreadable`).
pub async fn multipart_form(mut req: Request) -> Result<Option<MultipartForm>, AppError> {
    if let Some(form) = req.extensions_mut().remove::<MultipartForm>() {
        return Ok(Some(form));
    }
    if !is_multipart(req.headers()) {
        return Ok(None);
    }
    let unreadable = || AppError::field("file", "upload_unreadable");
    let boundary = boundary(req.headers()).ok_or_else(unreadable)?;
    // The body's size is bounded by the router's limit layer.
    parse(req.into_body(), boundary)
        .await
        .map(Some)
        .map_err(|_| unreadable())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::AppState;
    use crate::auth::{Ctx, Identity};
    use crate::i18n::{Locale, Tr};
    use axum::Router;
    use axum::body::{Bytes, to_bytes};
    use axum::routing::post;
    use std::cell::Cell;
    use tower::ServiceExt;

    tokio::task_local! {
        /// How often [`parse`] ran in the current task.
        pub(super) static PARSES: Cell<usize>;
    }

    const TOKEN: &str = "pre-login-token";
    const BOUNDARY: &str = "renke-test-boundary";

    /// A form with `_csrf`, a title and a file; `/form` also gets a file input left empty.
    fn body(csrf: &str, path: &str) -> String {
        let empty = if path == "/form" {
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n\r\n"
            )
        } else {
            String::new()
        };
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
             --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n活动方案\r\n\
             --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
             Content-Type: text/plain\r\n\r\nhello\r\n\
             {empty}--{BOUNDARY}--\r\n"
        )
    }

    /// The guard over a handler that reads the upload, as the router stacks them: the
    /// identity first (here an anonymous visitor with a pre-login CSRF cookie).
    async fn app() -> (Router, renke_app::testing::TestDb) {
        let db = renke_app::testing::TestDb::sqlite().await.unwrap();
        let state = AppState::new(
            db.db.clone(),
            renke_domain::clock::Clock::fixed(chrono::DateTime::UNIX_EPOCH),
            crate::WebConfig::default(),
        );
        async fn upload(req: Request) -> String {
            let up = crate::pages::read_upload(req).await.unwrap();
            let bytes = up.file.content.bytes().await.unwrap();
            format!(
                "{} {} {}",
                up.file.name,
                up.title,
                String::from_utf8(bytes.to_vec()).unwrap()
            )
        }
        async fn form(req: Request) -> String {
            #[derive(serde::Deserialize)]
            struct Form {
                title: String,
            }
            let (f, files): (Form, _) = crate::pages::read_form_with_files(req).await.unwrap();
            format!("{} {}", f.title, files.len())
        }
        let router = Router::new()
            .route("/upload", post(upload))
            .route("/form", post(form))
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                crate::csrf::guard,
            ))
            .layer(axum::middleware::from_fn(
                |mut req: Request, next: axum::middleware::Next| async move {
                    req.extensions_mut().insert(Ctx {
                        identity: Identity::Anonymous {
                            expired: false,
                            pre_csrf: Some(TOKEN.to_owned()),
                        },
                        tr: Tr::new(Locale::ZhCn),
                        uri: String::new(),
                    });
                    next.run(req).await
                },
            ))
            .with_state(state);
        (router, db)
    }

    /// Sends `csrf` in a multipart form to `path`; the status, the text answered and how
    /// often the body was parsed.
    async fn send(router: &Router, path: &str, csrf: &str) -> (u16, String, usize) {
        let req = axum::http::Request::post(path)
            .header(
                CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body(csrf, path)))
            .unwrap();
        let router = router.clone();
        PARSES
            .scope(Cell::new(0), async move {
                let r = router.oneshot(req).await.unwrap();
                let status = r.status().as_u16();
                let bytes = to_bytes(r.into_body(), usize::MAX).await.unwrap();
                let text = String::from_utf8_lossy(&bytes).into_owned();
                (status, text, PARSES.with(Cell::get))
            })
            .await
    }

    #[tokio::test]
    async fn the_guard_parses_a_multipart_body_once_for_the_reader() {
        let (router, db) = app().await;
        assert_eq!(
            send(&router, "/upload", TOKEN).await,
            (200, "a.txt 活动方案 hello".to_owned(), 1)
        );
        assert_eq!(
            send(&router, "/form", TOKEN).await,
            (200, "活动方案 1".to_owned(), 1),
            "the empty file input is skipped"
        );
        // A wrong token is refused after the one parse, before any handler.
        let (status, _, parses) = send(&router, "/upload", "wrong").await;
        assert_eq!((status, parses), (403, 1));
        db.cleanup().await;
    }

    /// A multipart body of one text field and one file part, sent in 64 KB chunks.
    fn chunked(title: &[u8], file: &[u8]) -> Body {
        let mut body =
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n")
                .into_bytes();
        body.extend_from_slice(title);
        body.extend_from_slice(
            format!(
                "\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"大.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let chunks: Vec<Result<Bytes, std::io::Error>> = body
            .chunks(64 * 1024)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        Body::from_stream(futures_util::stream::iter(chunks))
    }

    #[tokio::test]
    async fn a_large_file_part_is_spooled_not_kept_in_memory() {
        let file: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
        let form = parse(chunked("活动方案".as_bytes(), &file), BOUNDARY.into())
            .await
            .unwrap();
        assert_eq!(form.text("title").as_deref(), Some("活动方案"));
        let files = form.files("file");
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].name, "大.pdf");
        assert!(
            !files[0].content.in_memory(),
            "3 MB goes to a temporary file"
        );
        assert_eq!(files[0].content.bytes().await.unwrap(), file);
        // A text field has a limit of its own, and all of them together another.
        let long = vec![b'x'; TEXT_MAX_BYTES + 1];
        assert!(
            parse(chunked(&long, b"%PDF-"), BOUNDARY.into())
                .await
                .is_err()
        );
        let many = |n: usize| {
            let field = |i: usize| {
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\n{}\r\n",
                    "x".repeat(TEXT_MAX_BYTES - 64)
                )
            };
            let body: String = (0..n).map(field).collect();
            Body::from(body + &format!("--{BOUNDARY}--\r\n"))
        };
        assert!(parse(many(2), BOUNDARY.into()).await.is_ok(), "two fit");
        let n = TEXTS_MAX_BYTES / (TEXT_MAX_BYTES - 64) + 1;
        assert!(parse(many(n), BOUNDARY.into()).await.is_err(), "{n} do not");
    }

    #[tokio::test]
    async fn a_reader_parses_a_body_the_guard_did_not_read() {
        let req = axum::http::Request::post("/upload")
            .header(
                CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body("ignored", "/upload")))
            .unwrap();
        let (up, parses) = PARSES
            .scope(Cell::new(0), async move {
                let up = crate::pages::read_upload(req).await.unwrap();
                (up, PARSES.with(Cell::get))
            })
            .await;
        assert_eq!(
            (up.file.name.as_str(), up.file.content.head(), parses),
            ("a.txt", &b"hello"[..], 1)
        );
    }
}
