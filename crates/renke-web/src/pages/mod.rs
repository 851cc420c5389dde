//! Server-rendered pages. Handlers parse input, call [`crate::service`], and render; every
//! page works without JavaScript (htmx only speeds up search).

pub mod assets;
mod campaigns;
mod notices;
mod orgs;
mod public;
mod reminders;
mod session;
mod settings;
mod tasks;

use crate::AppState;
use crate::error::AppError;
use axum::Router;
use axum::extract::Multipart;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use renke_store::files::StoredFile;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(public::home))
        .route("/campaigns/{id}", get(public::campaign))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/lang/{code}", get(session::switch_language))
        .route("/home", get(session::dashboard))
        .route("/orgs", get(orgs::my_org))
        .route("/orgs/{id}", get(orgs::show))
        .route("/orgs/{id}/new", get(orgs::new_form).post(orgs::create))
        .route("/orgs/{id}/edit", get(orgs::edit_form).post(orgs::update))
        .route("/orgs/{id}/move", post(orgs::move_org))
        .route("/accounts", get(orgs::accounts).post(orgs::create_account))
        .route("/accounts/{id}/reset", post(orgs::reset_password))
        .route("/manage/campaigns", get(campaigns::list))
        .route(
            "/manage/campaigns/new",
            get(campaigns::new_form).post(campaigns::create),
        )
        .route(
            "/manage/campaigns/{id}/edit",
            get(campaigns::edit_form).post(campaigns::update),
        )
        .route("/notices", get(notices::list))
        .route("/notices/new", get(notices::new_form).post(notices::create))
        .route("/notices/{id}", get(notices::show))
        .route(
            "/notices/{id}/edit",
            get(notices::edit_form).post(notices::update),
        )
        .route("/notices/{id}/issue", post(notices::issue))
        .route("/notices/{id}/acknowledge", post(notices::acknowledge))
        .route("/notices/{id}/correct", post(notices::correct))
        .route(
            "/notices/{id}/relay",
            get(notices::relay_form).post(notices::relay),
        )
        .route("/notices/{id}/status", get(notices::status))
        .route(
            "/notices/{id}/attachments",
            post(notices::upload_attachment),
        )
        .route(
            "/notices/{id}/attachments/{pos}",
            get(notices::download_attachment),
        )
        .route(
            "/notices/{id}/tasks",
            get(tasks::notice_tasks).post(tasks::create_task),
        )
        .route("/notices/{id}/dashboard", get(tasks::notice_dashboard))
        .route("/tasks", get(tasks::mine))
        .route("/tasks/{id}", get(tasks::show))
        .route("/tasks/{id}/submission", post(tasks::save_submission))
        .route("/tasks/{id}/compile", post(tasks::compile))
        .route("/tasks/{id}/dashboard", get(tasks::task_dashboard))
        .route("/tasks/submissions/{id}", get(tasks::submission))
        .route("/tasks/submissions/{id}/review", post(tasks::review))
        .route("/tasks/submissions/{id}/paper", post(tasks::paper))
        .route(
            "/tasks/submissions/{id}/submit",
            post(tasks::submit_current),
        )
        .route(
            "/tasks/{id}/reminders",
            get(reminders::show).post(reminders::save),
        )
        .route("/messages", get(reminders::messages))
        .route("/messages/{id}/read", post(reminders::read))
        .route("/settings", get(settings::show))
        .route("/settings/language", post(settings::language))
        .route("/settings/password", post(settings::password))
        .route("/settings/tokens", post(settings::create_token))
        .route("/settings/tokens/{id}/revoke", post(settings::revoke_token))
}

/// Paging parameters in the URL.
#[derive(Debug, Default, Deserialize)]
pub struct Paging {
    #[serde(default)]
    pub offset: i64,
}

pub const PAGE_SIZE: i64 = 50;

/// An uploaded file from a multipart form: the `file` part, and an optional `title`.
pub struct UploadForm {
    pub name: String,
    pub title: String,
    pub bytes: Vec<u8>,
}

/// Reads an upload form; a missing or empty `file` part is refused on the `file` field.
pub async fn read_upload(mut form: Multipart) -> Result<UploadForm, AppError> {
    let bad = |_| AppError::field("file", "upload_unreadable");
    let mut up = UploadForm {
        name: String::new(),
        title: String::new(),
        bytes: Vec::new(),
    };
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name() {
            Some("file") => {
                up.name = field.file_name().unwrap_or_default().to_owned();
                up.bytes = field.bytes().await.map_err(bad)?.to_vec();
            }
            Some("title") => up.title = field.text().await.map_err(bad)?,
            _ => {}
        }
    }
    if up.name.is_empty() && up.bytes.is_empty() {
        return Err(AppError::field("file", "required"));
    }
    Ok(up)
}

/// A stored file as a download: its type, and its (Chinese) name encoded per RFC 6266/5987.
pub fn file_response(file: &StoredFile, bytes: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_fallback(&file.name),
        percent_encode(&file.name)
    );
    (
        [
            (header::CONTENT_TYPE, file.kind.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The name with anything outside printable ASCII (and quotes) replaced by `_`, for
/// clients that ignore `filename*`.
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
pub fn percent_encode(s: &str) -> String {
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
