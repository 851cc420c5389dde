//! The one error of the use cases. It names what went wrong in the application's terms;
//! the web layer maps each variant to a status code and a page or JSON body.

use renke_domain::perm::Forbidden;
use renke_domain::{FieldError, Invalid};
use renke_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input was refused, with field → problems.
    #[error("{0}")]
    Invalid(Invalid),
    /// Not logged in, session expired, bad credentials, bad token.
    #[error("unauthenticated: {0}")]
    Unauthenticated(&'static str),
    /// Too many failed logins.
    #[error("too many attempts")]
    TooMany { retry_after_secs: i64 },
    /// CSRF or origin check failed, with its code.
    #[error("csrf: {0}")]
    Csrf(&'static str),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The record's state does not allow this (editing an issued notice, acknowledging
    /// twice), with the code, e.g. `notice_issued`, `already_acknowledged`.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Anything else: logged with its cause chain, answered generically.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn field(field: &str, code: &'static str) -> AppError {
        AppError::Invalid(Invalid::one(FieldError::new(field, code)))
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
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict { constraint } => match constraint.as_str() {
                "orgs_code_key" => AppError::field("code", "code_taken"),
                "accounts_login_key" => AppError::field("login", "login_taken"),
                "accounts_external_id_key" => AppError::field("external_id", "external_id_taken"),
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
