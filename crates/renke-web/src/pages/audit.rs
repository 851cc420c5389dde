//! 审计日志 (administrators): search the audit trail by account, organisation, object and
//! time, and export what is found as a workbook; 历史: one object's changes, for whoever
//! may manage it.

use super::PAGE_SIZE;
use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::User;
use crate::error::PageError;
use crate::view::{Chrome, Errors, Pager, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use renke_app::audit::{self, Found, Row, SearchForm};
use renke_app::error::AppError;
use serde::Deserialize;

/// How a page shows an entry: labels in the page's language.
pub(crate) struct Labels {
    zh: bool,
}

impl Labels {
    pub(crate) fn op(&self, op: &str) -> &'static str {
        let (zh, en) = audit::op_label(op);
        if self.zh { zh } else { en }
    }
    pub(crate) fn kind(&self, kind: &str) -> String {
        audit::kind_label(kind, self.zh)
    }
    pub(crate) fn who(&self, r: &Row) -> String {
        match &r.entry.login {
            Some(l) => l.clone(),
            None if self.zh => "系统".into(),
            None => "System".into(),
        }
    }
    pub(crate) fn role(&self, code: &str) -> String {
        audit::role_label(code, self.zh)
    }
    pub(crate) fn action(&self, r: &Row) -> String {
        r.entry.action.clone().unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    l: Labels,
    f: SearchForm,
    errors: Errors,
    found: Option<Found>,
    pager: Pager,
    kinds: Vec<(&'static str, String)>,
    export: String,
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(flatten)]
    form: SearchForm,
    #[serde(default)]
    offset: i64,
}

/// `GET /admin/audit`: the search form and one page of entries, newest first.
pub async fn search(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let tr = user.ctx.tr;
    let zh = tr.is_zh();
    let (found, errors) =
        match audit::search(&state, &user.account, &q.form, q.offset, PAGE_SIZE).await {
            Ok(f) => (Some(f), Errors::default()),
            Err(AppError::Invalid(inv)) => (None, Errors::from_invalid(tr, &inv)),
            Err(e) => return Err(e.into()),
        };
    let query = q.form.query();
    Ok(render(&AuditPage {
        c: Chrome::new(&user.ctx, "audit", tr.pick("审计日志", "Audit trail")),
        l: Labels { zh },
        pager: Pager {
            offset: q.offset.max(0),
            limit: PAGE_SIZE,
            total: found.as_ref().map_or(0, |f| f.total),
            base: format!(
                "/admin/audit?{query}{}",
                if query.is_empty() { "" } else { "&" }
            ),
        },
        export: format!("/admin/audit/export?{query}"),
        kinds: audit::KINDS
            .iter()
            .map(|(k, _, _)| (*k, audit::kind_label(k, zh)))
            .collect(),
        f: q.form,
        errors,
        found,
    }))
}

/// `GET /admin/audit/export`: what the search finds, as a workbook.
pub async fn export(
    State(state): State<AppState>,
    user: User,
    Query(form): Query<SearchForm>,
) -> Result<Response, PageError> {
    let bytes = audit::export(&state, &user.account, &form).await?;
    let day = renke_domain::clock::local_time(&state.clock.now());
    let day = day.get(..10).unwrap_or("");
    Ok(crate::download::download(
        &format!("审计日志-{day}.xlsx"),
        super::XLSX,
        bytes,
    ))
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    c: Chrome,
    l: Labels,
    kind: String,
    id: i64,
    rows: Vec<Row>,
    limit: i64,
}

/// `GET /history/{kind}/{id}`: 历史, the changes of one object and of what belongs to it.
pub async fn history(
    State(state): State<AppState>,
    user: User,
    PagePath((kind, id)): PagePath<(String, i64)>,
) -> Result<Response, PageError> {
    let tr = user.ctx.tr;
    let zh = tr.is_zh();
    let rows = audit::history(&state, &user.account, &kind, id).await?;
    let l = Labels { zh };
    let title = format!("{} {} · {}", l.kind(&kind), id, tr.pick("历史", "History"));
    Ok(render(&HistoryPage {
        c: Chrome::new(&user.ctx, "audit", title),
        l,
        kind,
        id,
        rows,
        limit: audit::HISTORY_MAX,
    }))
}
