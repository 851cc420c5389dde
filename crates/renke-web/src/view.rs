//! Helpers shared by page templates: the page chrome, form errors, paging, dates.

use crate::auth::Ctx;
use crate::error::{AppError, PageError};
use crate::i18n::Tr;
use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use renke_app::Caller;
use renke_domain::Invalid;

/// Deepest indentation step with a class in style.css (`indent-0` … `indent-16`, in em).
pub const MAX_INDENT: i32 = 16;

/// The class that indents a row of a tree by `depth` em (`indent-3`): pages carry no inline
/// `style` (the Content-Security-Policy refuses it).
pub fn indent(depth: i32) -> String {
    format!("indent-{}", depth.clamp(0, MAX_INDENT))
}

/// A title as HTML that breaks only between its runs (words, ordinals, quoted phrases: see
/// [`renke_domain::text::title_runs`]): each run escaped, `<wbr>` between them; the
/// `title-runs` class keeps the browser from breaking inside a run.
pub fn title_html(title: &str) -> String {
    renke_domain::text::title_runs(title)
        .into_iter()
        .map(crate::error::escape)
        .collect::<Vec<_>>()
        .join("<wbr>")
}

/// When a task is due, as a page shows it: its deadline in Shanghai time
/// (`2022-06-20 23:59`), or 及时报送 for a task without one.
/// A notice's 发文字号 as pages show it: "无文号" for a notice without one.
pub fn doc_no(tr: &Tr, doc_number: &Option<String>) -> String {
    match doc_number {
        Some(d) => d.clone(),
        None => tr
            .pick(renke_domain::notice::NO_DOC_NUMBER, "No document number")
            .to_owned(),
    }
}

pub fn due(tr: &Tr, deadline: &Option<renke_domain::task::Deadline>) -> String {
    match deadline {
        Some(d) => d.shanghai(),
        None => tr.pick("及时报送", "As soon as possible").to_owned(),
    }
}

/// Like [`due`], for a deadline read as an instant.
pub fn due_at(tr: &Tr, deadline: &Option<chrono::DateTime<chrono::Utc>>) -> String {
    due(tr, &deadline.map(renke_domain::task::Deadline::from_utc))
}

/// A Beijing-time moment as typed (`2022-06-09 10:00`) in the form a `datetime-local`
/// input shows (`2022-06-09T10:00`); anything else as it is (the input then shows empty,
/// and its error says what was wrong).
pub fn dt_local(typed: &str) -> String {
    let t = typed.trim();
    match t.split_once(' ') {
        Some((d, h)) if d.len() == 10 && h.len() == 5 => format!("{d}T{h}"),
        _ => t.to_owned(),
    }
}

/// What every page's frame needs: language, the account, the CSRF token, the active module.
pub struct Chrome {
    pub tr: Tr,
    pub account: Option<Caller>,
    pub csrf: String,
    pub nav: &'static str,
    pub title: String,
    /// Where the language switch sends the browser back to.
    pub here: String,
    /// A one-line notice shown above the content (e.g. "Saved.").
    pub flash: Option<String>,
}

impl Chrome {
    /// Whether the navigation shows 账号: to those who manage their organisation's accounts.
    pub fn shows_accounts(&self) -> bool {
        self.account
            .as_ref()
            .is_some_and(renke_app::accounts::may_manage_own_accounts)
    }
    /// Whether the navigation shows 邮件投递 (e-mails in trouble): to administrators.
    pub fn shows_deliveries(&self) -> bool {
        self.account
            .as_ref()
            .is_some_and(renke_app::mail::may_see_deliveries)
    }
    /// Whether the navigation shows 审计日志 (the audit trail): to administrators.
    pub fn shows_audit(&self) -> bool {
        self.account
            .as_ref()
            .is_some_and(renke_app::audit::may_search)
    }
    pub fn new(ctx: &Ctx, nav: &'static str, title: impl Into<String>) -> Chrome {
        Chrome {
            tr: ctx.tr,
            account: ctx.account().cloned(),
            csrf: ctx.csrf(),
            nav,
            title: title.into(),
            here: ctx.uri.clone(),
            flash: None,
        }
    }

    pub fn with_flash(mut self, msg: Option<String>) -> Self {
        self.flash = msg;
        self
    }

    /// The other language's code, for the switch.
    pub fn other_lang(&self) -> &'static str {
        if self.tr.is_zh() { "en" } else { "zh-CN" }
    }

    pub fn here_encoded(&self) -> String {
        url::form_urlencoded::byte_serialize(self.here.as_bytes()).collect()
    }

    pub fn role_label(&self) -> &'static str {
        match &self.account {
            Some(a) => {
                if self.tr.is_zh() {
                    a.role.zh()
                } else {
                    a.role.en()
                }
            }
            None => "",
        }
    }

    pub fn is_nav(&self, key: &str) -> bool {
        self.nav == key
    }
}

/// Field errors of a refused form, as messages in the page's language.
#[derive(Default)]
pub struct Errors {
    items: Vec<(String, String)>,
}

impl Errors {
    pub fn from_invalid(tr: Tr, inv: &Invalid) -> Errors {
        Errors {
            items: inv
                .0
                .iter()
                .map(|e| (e.field.clone(), tr.field_error(e)))
                .collect(),
        }
    }
    /// The message for `field`, or empty.
    pub fn of(&self, field: &str) -> String {
        self.items
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
    pub fn has(&self, field: &str) -> bool {
        self.items.iter().any(|(f, _)| f == field)
    }
    pub fn any(&self) -> bool {
        !self.items.is_empty()
    }
    /// `(field, message)` of every field `keep` accepts, in the order given (a row's
    /// errors of an import, a study's lines).
    pub fn matching(&self, keep: impl Fn(&str) -> bool) -> Vec<(String, String)> {
        self.items
            .iter()
            .filter(|(f, _)| keep(f))
            .cloned()
            .collect()
    }
    /// Messages for fields not shown next to an input.
    pub fn others(&self, shown: &[&str]) -> Vec<String> {
        self.items
            .iter()
            .filter(|(f, _)| !shown.contains(&f.as_str()))
            .map(|(f, m)| format!("{f}: {m}"))
            .collect()
    }
}

/// Server-side paging links.
pub struct Pager {
    pub offset: i64,
    pub limit: i64,
    pub total: i64,
    /// The URL without the `offset` parameter, ending in `?` or `&`.
    pub base: String,
}

impl Pager {
    pub fn page(&self) -> i64 {
        self.offset / self.limit.max(1) + 1
    }
    pub fn pages(&self) -> i64 {
        ((self.total + self.limit - 1) / self.limit.max(1)).max(1)
    }
    pub fn prev(&self) -> Option<String> {
        (self.offset > 0)
            .then(|| format!("{}offset={}", self.base, (self.offset - self.limit).max(0)))
    }
    pub fn next(&self) -> Option<String> {
        (self.offset + self.limit < self.total)
            .then(|| format!("{}offset={}", self.base, self.offset + self.limit))
    }
    pub fn label(&self, tr: &Tr) -> String {
        tr.tf(
            "common.page_of",
            &[
                ("page", self.page().to_string()),
                ("pages", self.pages().to_string()),
                ("total", self.total.to_string()),
            ],
        )
    }
}

pub use renke_domain::clock::local_time;

/// Renders a template into a response, or a logged 500.
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => PageError(AppError::Internal(anyhow::anyhow!("template: {e}"))).into_response(),
    }
}

/// A wait in words: "30 秒" / "30 seconds", "15 分钟" / "15 minutes" (rounded up).
pub fn wait_text(tr: Tr, secs: i64) -> String {
    let secs = secs.max(1);
    if secs < 60 {
        if tr.is_zh() {
            format!("{secs} 秒")
        } else {
            format!("{secs} second{}", if secs == 1 { "" } else { "s" })
        }
    } else {
        let min = (secs + 59) / 60;
        if tr.is_zh() {
            format!("{min} 分钟")
        } else {
            format!("{min} minute{}", if min == 1 { "" } else { "s" })
        }
    }
}
