//! Stream tasks (信息和新闻稿件) on pages: a unit sends items one by one and sees each one's
//! review; whoever collects the task reviews each (采用 / 退回) and publishes the accepted
//! ones on the campaign's public page.

use super::PAGE_SIZE;
use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::User;
use crate::error::{AppError, PageError};
use crate::view::{Chrome, Errors, Pager, local_time, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use renke_app::model::{Item, ItemStatus};
use renke_app::reporting::items::{self as svc, ItemForm, ItemsView};
use renke_app::reporting::tasks::ReviewForm;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "task_items.html")]
struct ItemsPage {
    c: Chrome,
    v: ItemsView,
    /// The send form as typed (kept when it comes back with errors).
    f: ItemForm,
    errors: Errors,
    pager: Pager,
}

impl ItemsPage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    fn status(&self, i: &Item) -> (&'static str, &'static str) {
        let colour = match i.status {
            ItemStatus::Submitted => "grey",
            ItemStatus::Accepted => "green",
            ItemStatus::Returned => "yellow",
        };
        let label = if self.c.tr.is_zh() {
            i.status.zh()
        } else {
            i.status.en()
        };
        (colour, label)
    }
    fn is_submitted(&self, i: &Item) -> bool {
        i.status == ItemStatus::Submitted
    }
    fn is_accepted(&self, i: &Item) -> bool {
        i.status == ItemStatus::Accepted
    }
}

#[derive(Deserialize, Default)]
pub struct ItemsQuery {
    #[serde(default)]
    offset: i64,
    /// `1` after an item was sent: the page says so.
    #[serde(default)]
    sent: String,
}

async fn items_page(
    state: &AppState,
    user: &User,
    id: i64,
    offset: i64,
    f: ItemForm,
    errors: Errors,
) -> Result<ItemsPage, PageError> {
    let v = svc::view(state, &user.account, id, offset, PAGE_SIZE).await?;
    let (total, limit) = v
        .all
        .as_ref()
        .map_or((0, PAGE_SIZE), |p| (p.total, p.limit));
    let title = format!("{} · {}", user.ctx.tr.pick("稿件", "Items"), v.task.title);
    Ok(ItemsPage {
        c: Chrome::new(&user.ctx, "tasks", title),
        pager: Pager {
            offset,
            limit,
            total,
            base: format!("/tasks/{id}/items?"),
        },
        v,
        f,
        errors,
    })
}

/// `GET /tasks/{id}/items`.
pub async fn show(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(q): Query<ItemsQuery>,
) -> Result<Response, PageError> {
    let mut page = items_page(
        &state,
        &user,
        id,
        q.offset,
        ItemForm::default(),
        Errors::default(),
    )
    .await?;
    if q.sent == "1" {
        let sent = user.ctx.tr.pick(
            "稿件已报送，等待审核。",
            "The item was sent; it awaits review.",
        );
        page.c = page.c.with_flash(Some(sent.to_owned()));
    }
    Ok(render(&page))
}

/// `POST /tasks/{id}/items`: sends an item; the form comes back with every problem.
pub async fn send(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ItemForm>,
) -> Result<Response, PageError> {
    let f = ItemForm { org_id: None, ..f };
    match svc::send(&state, &user.account, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}/items?sent=1")).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = items_page(&state, &user, id, 0, f, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /tasks/items/{id}/review`.
pub async fn review(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, PageError> {
    match svc::review(&state, &user.account, id, &f).await {
        Ok(item) => Ok(Redirect::to(&format!("/tasks/{}/items", item.task_id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let item = renke_app::reporting::items::task_of(&state, &user.account, id).await?;
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = items_page(&state, &user, item, 0, ItemForm::default(), errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct PublishForm {
    /// `1` publishes, anything else withdraws.
    #[serde(default)]
    publish: String,
}

/// `POST /tasks/items/{id}/publish`.
pub async fn publish(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<PublishForm>,
) -> Result<Response, PageError> {
    let item = svc::publish(&state, &user.account, id, f.publish == "1").await?;
    Ok(Redirect::to(&format!("/tasks/{}/items", item.task_id)).into_response())
}
