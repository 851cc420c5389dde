//! Validation errors with stable codes. The web layer looks up the zh-CN / en message by
//! `code`; `field` names the form field or column the problem is in.

use serde::Serialize;
use std::fmt;

/// One problem with one field: a stable machine code plus parameters for the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    /// Parameters for the message, such as `max` and `actual`.
    pub params: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        Self {
            field: field.into(),
            code,
            params: Vec::new(),
        }
    }

    pub fn with(mut self, key: &'static str, value: impl ToString) -> Self {
        self.params.push((key, value.to_string()));
        self
    }

    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.code)?;
        for (k, v) in &self.params {
            write!(f, " {k}={v}")?;
        }
        Ok(())
    }
}

/// Entries a list in a request may have: recipients, task recipients, branch venues and
/// participants, each naming an organisation that is looked up one by one.
pub const LIST_MAX: usize = 500;
/// Entries of the shorter lists of a form: contacts, attachment titles, organisers,
/// sessions, relayed tasks, registration form fields.
pub const SHORT_LIST_MAX: usize = 100;

/// Refuses every list of `lists` — (field, entries, most allowed) — that is longer than
/// allowed: `too_many` on its field with `max` and `actual`. Checked before any entry is
/// looked at, so a long list costs nothing.
pub fn check_list_lengths(lists: &[(&str, usize, usize)]) -> Result<(), Invalid> {
    let errs: Vec<FieldError> = lists
        .iter()
        .filter(|(_, actual, max)| actual > max)
        .map(|(field, actual, max)| {
            FieldError::new(*field, "too_many")
                .with("max", max)
                .with("actual", actual)
        })
        .collect();
    if errs.is_empty() {
        Ok(())
    } else {
        Err(Invalid(errs))
    }
}

/// A set of field errors: input that was refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(e: FieldError) -> Self {
        Self(vec![e])
    }
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Ok(())` when no error was collected.
    pub fn into_result(self) -> Result<(), Invalid> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
    /// The errors of a part of a larger input: each field becomes `prefix.field`
    /// (`sessions[2]` + `starts_at` → `sessions[2].starts_at`).
    pub fn under(self, prefix: &str) -> Invalid {
        Invalid(
            self.0
                .into_iter()
                .map(|mut e| {
                    e.field = format!("{prefix}.{}", e.field);
                    e
                })
                .collect(),
        )
    }
}

impl From<FieldError> for Invalid {
    fn from(e: FieldError) -> Self {
        Self::one(e)
    }
}
