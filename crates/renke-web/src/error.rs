//! One error type owns the status codes. Pages render it as a bilingual HTML page, the API
//! as JSON with stable codes; validation errors name each field.

use crate::i18n::{Locale, Tr};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use renke_domain::perm::Forbidden;
use renke_domain::{FieldError, Invalid};
use renke_store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input was refused: 422 with field → messages.
    #[error("{0}")]
    Invalid(Invalid),
    /// Not logged in, session expired, bad credentials, bad token: 401.
    #[error("unauthenticated: {0}")]
    Unauthenticated(&'static str),
    /// Too many failed logins: 429.
    #[error("too many attempts")]
    TooMany { minutes: i64 },
    /// CSRF or origin check failed: 403 with its code.
    #[error("csrf: {0}")]
    Csrf(&'static str),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The record's state does not allow this (editing an issued notice, acknowledging
    /// twice): 409 with the code, e.g. `notice_issued`, `already_acknowledged`.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Anything else: logged with its cause chain, answered with a generic 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn field(field: &str, code: &'static str) -> AppError {
        AppError::Invalid(Invalid::one(FieldError::new(field, code)))
    }

    pub fn status(&self) -> StatusCode {
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

    /// The stable code clients and message lookups use.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid_input",
            AppError::Unauthenticated(c) | AppError::Csrf(c) | AppError::Conflict(c) => c,
            AppError::TooMany { .. } => "too_many_attempts",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Internal(_) => "internal",
        }
    }

    /// The message in one language.
    pub fn message(&self, tr: Tr) -> String {
        match self {
            AppError::Invalid(_) => tr.t("common.fix_errors").to_owned(),
            AppError::TooMany { minutes } => {
                tr.tf("err.too_many_attempts", &[("minutes", minutes.to_string())])
            }
            other => tr.t(&format!("err.{}", other.code())).to_owned(),
        }
    }

    fn log(&self) {
        if let AppError::Internal(e) = self {
            tracing::error!(error = ?e, "internal error");
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { constraint } => match constraint.as_str() {
                "orgs_code_key" => AppError::field("code", "code_taken"),
                "accounts_login_key" => AppError::field("login", "login_taken"),
                _ => AppError::Internal(anyhow::anyhow!("unexpected conflict on {constraint}")),
            },
            StoreError::MissingReference => AppError::field("org_code", "unknown_org"),
            StoreError::Rule(code) => AppError::field("parent", code),
            StoreError::State(code) => AppError::Conflict(code),
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<Forbidden> for AppError {
    fn from(_: Forbidden) -> Self {
        AppError::Forbidden
    }
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> Self {
        AppError::Invalid(e)
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(Invalid::one(e))
    }
}

/// HTML rendering, for pages: both languages, since the error may come before a locale.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let zh = Tr::new(Locale::ZhCn);
        let en = Tr::new(Locale::En);
        let mut details = String::new();
        if let AppError::Invalid(inv) = &self {
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
            status = self.status().as_u16(),
            t_zh = zh.t("err.title"),
            t_en = en.t("err.title"),
            m_zh = escape(&self.message(zh)),
            m_en = escape(&self.message(en)),
            code = self.code(),
            login_zh = zh.t("auth.login"),
            login_en = en.t("auth.login"),
            back_zh = zh.t("err.back"),
            back_en = en.t("err.back"),
        );
        (self.status(), Html(body)).into_response()
    }
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
        (self.0.status(), axum::Json(ErrorBody::of(&self.0))).into_response()
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
