//! 邮件投递 (administrators): the e-mails that could not be delivered — given up after their
//! last attempt, or waiting for a retry — with the server's answer, and a button that sends
//! a given-up one again once the cause is fixed.

use super::PAGE_SIZE;
use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::User;
use crate::error::PageError;
use crate::view::{Chrome, Pager, local_time, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Redirect, Response};
use chrono::{DateTime, Utc};
use renke_app::mail::{self, Deliveries};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "deliveries.html")]
struct DeliveriesPage {
    c: Chrome,
    v: Deliveries,
    pager: Pager,
    /// The id of the e-mail just queued again, to say so.
    retried: Option<i64>,
}

impl DeliveriesPage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
}

#[derive(Deserialize, Default)]
pub struct DeliveriesQuery {
    #[serde(default)]
    offset: i64,
    retried: Option<i64>,
}

/// `GET /admin/mail`.
pub async fn list(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<DeliveriesQuery>,
) -> Result<Response, PageError> {
    let v = mail::troubled(&state, &user.account, q.offset, PAGE_SIZE).await?;
    let title = user.ctx.tr.pick("邮件投递", "E-mail delivery");
    Ok(render(&DeliveriesPage {
        c: Chrome::new(&user.ctx, "deliveries", title),
        pager: Pager {
            offset: q.offset.max(0),
            limit: PAGE_SIZE,
            total: v.total,
            base: "/admin/mail?".into(),
        },
        v,
        retried: q.retried,
    }))
}

/// `POST /admin/mail/{id}/retry`: queues a given-up e-mail again.
pub async fn retry(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Redirect, PageError> {
    mail::retry(&state, &user.account, id).await?;
    Ok(Redirect::to(&format!("/admin/mail?retried={id}")))
}
