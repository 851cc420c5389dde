//! The use cases' error answered over HTTP: this module owns the status codes. Pages
//! render it as a bilingual HTML page, the API as JSON with stable codes; validation errors
//! name each field.

use crate::i18n::{Locale, Tr};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;

pub use renke_app::AppError;

/// An error answered as a page: the use case's error, rendered for people.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

/// How an application error is answered over HTTP: its status and its message.
pub trait ErrorView {
    fn status(&self) -> StatusCode;
    /// The message in one language.
    fn message(&self, tr: Tr) -> String;
    /// Logs what a person will not see (internal errors with their cause chain).
    fn log(&self);
}

impl ErrorView for AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            AppError::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Csrf(_) | AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self, tr: Tr) -> String {
        match self {
            AppError::Invalid(_) => tr.t("common.fix_errors").to_owned(),
            AppError::TooMany { retry_after_secs } => tr.tf(
                "err.too_many_attempts",
                &[("wait", crate::view::wait_text(tr, *retry_after_secs))],
            ),
            other => tr.t(&format!("err.{}", other.code())).to_owned(),
        }
    }

    fn log(&self) {
        if let AppError::Internal(e) = self {
            tracing::error!(error = ?e, "internal error");
        }
    }
}

/// A page's failure as the answer carries it, for [`with_chrome`] to show it again inside
/// the viewer's frame, in the viewer's language.
#[derive(Debug, Clone)]
struct Failure {
    status: StatusCode,
    code: &'static str,
    message: [String; 2],
    /// The fields refused, one line each: (field, zh, en).
    fields: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: crate::view::Chrome,
    message: String,
    fields: Vec<(String, String)>,
    code: &'static str,
    status: u16,
}

/// Shows a page's failure inside the site's frame — navigation, language, the account — as
/// the viewer's language says it, when the request went through the identity layer (an
/// address that names nothing included). The bilingual standalone page stays for answers
/// that come before that layer.
pub async fn with_chrome(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let ctx = req.extensions().get::<crate::auth::Ctx>().cloned();
    let res = next.run(req).await;
    let (Some(ctx), Some(f)) = (ctx, res.extensions().get::<Failure>().cloned()) else {
        return res;
    };
    let tr = ctx.tr;
    let page = ErrorPage {
        c: crate::view::Chrome::new(&ctx, "", tr.t("err.title")),
        message: f.message[usize::from(!tr.is_zh())].clone(),
        fields: f
            .fields
            .iter()
            .map(|(field, zh, en)| (field.clone(), if tr.is_zh() { zh } else { en }.clone()))
            .collect(),
        code: f.code,
        status: f.status.as_u16(),
    };
    let Ok(html) = page.render() else {
        return res;
    };
    let mut framed = (f.status, Html(html)).into_response();
    if let Some(v) = res.headers().get(axum::http::header::RETRY_AFTER) {
        framed
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, v.clone());
    }
    framed
}

/// HTML rendering, for pages: both languages, since the error may come before a locale.
impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let PageError(e) = self;
        e.log();
        let zh = Tr::new(Locale::ZhCn);
        let en = Tr::new(Locale::En);
        let mut details = String::new();
        if let AppError::Invalid(inv) = &e {
            details.push_str("<ul>");
            for e in &inv.0 {
                details.push_str(&format!(
                    "<li><code>{}</code>: {} / {}</li>",
                    escape(&e.field),
                    escape(&zh.field_error(e)),
                    escape(&en.field_error(e))
                ));
            }
            details.push_str("</ul>");
        }
        let body = format!(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
             content=\"width=device-width, initial-scale=1\"><title>{status} {t_zh}</title>\
             <link rel=\"stylesheet\" href=\"/static/style.css\"></head><body class=\"error-page\"><main class=\"card narrow\">\
             <h1>{t_zh} <small>{t_en}</small></h1><p class=\"error\">{m_zh}</p><p class=\"muted\">{m_en}</p>{details}\
             <p class=\"muted\">错误代码 error code: <code>{code}</code> · HTTP {status}</p>\
             <p><a href=\"/login\">{login_zh} / {login_en}</a> · <a href=\"/\">{back_zh} / {back_en}</a></p></main></body></html>",
            status = e.status().as_u16(),
            t_zh = zh.t("err.title"),
            t_en = en.t("err.title"),
            m_zh = escape(&e.message(zh)),
            m_en = escape(&e.message(en)),
            code = e.code(),
            login_zh = zh.t("auth.login"),
            login_en = en.t("auth.login"),
            back_zh = zh.t("err.back"),
            back_en = en.t("err.back"),
        );
        let mut res = with_retry_after(&e, (e.status(), Html(body)).into_response());
        res.extensions_mut().insert(Failure {
            status: e.status(),
            code: e.code(),
            message: [e.message(zh), e.message(en)],
            fields: match &e {
                AppError::Invalid(inv) => inv
                    .0
                    .iter()
                    .map(|f| (f.field.clone(), zh.field_error(f), en.field_error(f)))
                    .collect(),
                _ => Vec::new(),
            },
        });
        res
    }
}

/// Adds `Retry-After` to the answer of a slowed-down login.
pub fn with_retry_after(e: &AppError, mut res: Response) -> Response {
    if let AppError::TooMany { retry_after_secs } = e {
        res.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from(*retry_after_secs),
        );
    }
    res
}

/// The same error rendered as JSON for `/api/v1`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

/// The JSON error body of every failed API call.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable machine code, e.g. `invalid_input`, `forbidden`, `session_expired`.
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
    /// For `invalid_input`: one entry per problem.
    pub fields: Vec<FieldProblem>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
    pub params: std::collections::BTreeMap<String, String>,
}

impl ErrorBody {
    pub fn of(e: &AppError) -> ErrorBody {
        let zh = Tr::new(Locale::ZhCn);
        let en = Tr::new(Locale::En);
        let fields = match e {
            AppError::Invalid(inv) => inv
                .0
                .iter()
                .map(|f| FieldProblem {
                    field: f.field.clone(),
                    code: f.code.to_owned(),
                    message_zh: zh.field_error(f),
                    message_en: en.field_error(f),
                    params: f
                        .params
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), v.clone()))
                        .collect(),
                })
                .collect(),
            _ => Vec::new(),
        };
        ErrorBody {
            code: e.code().to_owned(),
            message_zh: e.message(zh),
            message_en: e.message(en),
            fields,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let res = (self.0.status(), axum::Json(ErrorBody::of(&self.0))).into_response();
        with_retry_after(&self.0, res)
    }
}

/// Minimal HTML escaping for text put into hand-built markup.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
