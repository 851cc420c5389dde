//! 催办 pages: a task's reminder plan and log, and the organisation's in-app messages.

use super::{PAGE_SIZE, Paging};
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
use renke_app::model::Message;
use renke_app::model::Page;
use renke_app::reporting::reminders::{self as svc, ReminderForm, ReminderView};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "task_reminders.html")]
struct PlanPage {
    c: Chrome,
    v: ReminderView,
    form: ReminderForm,
    errors: Errors,
    pager: Pager,
    saved: bool,
    /// 立即催办: who would be reminded now, for those who may.
    now: Option<svc::RemindNow>,
    /// How many were reminded by the last 立即催办.
    reminded: Option<usize>,
}

impl PlanPage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    /// A slot key for people: `截止前 3 天（2022-06-17）`, `逾期上报`.
    fn slot_label(&self, slot: &str) -> String {
        let (kind, date) = slot.split_once('@').unwrap_or((slot, ""));
        let zh = self.c.tr.is_zh();
        let label = if kind == renke_app::reporting::scheduler::ESCALATION {
            self.c
                .tr
                .pick("逾期上报上级", "escalated to the parent bureau")
                .to_owned()
        } else if kind == "day" {
            self.c.tr.pick("截止当日", "on the day").to_owned()
        } else if kind == "now" {
            self.c.tr.pick("立即催办", "reminded now").to_owned()
        } else if let Some(n) = kind.strip_prefix("before") {
            if zh {
                format!("截止前 {n} 天")
            } else {
                format!("{n} day(s) before")
            }
        } else if let Some(n) = kind.strip_prefix("overdue") {
            if zh {
                format!("逾期第 {n} 天")
            } else {
                format!("overdue day {n}")
            }
        } else {
            kind.to_owned()
        };
        if date.is_empty() {
            label
        } else {
            format!("{label}（{date}）")
        }
    }
}

async fn plan_page(
    state: &AppState,
    user: &User,
    id: i64,
    offset: i64,
    form: Option<ReminderForm>,
    errors: Errors,
    (saved, reminded): (bool, Option<usize>),
) -> Result<PlanPage, PageError> {
    let v = svc::reminder_view(state, &user.account, id, offset, PAGE_SIZE).await?;
    let now = match svc::remind_now_preview(state, &user.account, id).await {
        Ok(p) => Some(p),
        Err(AppError::Forbidden) => None,
        Err(e) => return Err(e.into()),
    };
    let pager = Pager {
        offset: v.sent.offset,
        limit: v.sent.limit,
        total: v.sent.total,
        base: format!("/tasks/{id}/reminders?"),
    };
    Ok(PlanPage {
        c: Chrome::new(
            &user.ctx,
            "tasks",
            format!(
                "{}：{}",
                user.ctx.tr.pick("催办", "Reminders"),
                v.task.title
            ),
        ),
        form: form.unwrap_or_else(|| ReminderForm::from_plan(&v.plan)),
        v,
        errors,
        pager,
        saved,
        now,
        reminded,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct PlanQuery {
    #[serde(default)]
    offset: i64,
    #[serde(default)]
    saved: bool,
    /// How many the last 立即催办 reminded.
    reminded: Option<usize>,
}

pub async fn show(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(q): Query<PlanQuery>,
) -> Result<Response, PageError> {
    let page = plan_page(
        &state,
        &user,
        id,
        q.offset,
        None,
        Errors::default(),
        (q.saved, q.reminded),
    )
    .await?;
    Ok(render(&page))
}

/// 立即催办: reminds the units that owe the task a submission now.
pub async fn remind_now(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let n = svc::remind_now(&state, &user.account, id).await?;
    Ok(Redirect::to(&format!("/tasks/{id}/reminders?reminded={n}")).into_response())
}

pub async fn save(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ReminderForm>,
) -> Result<Response, PageError> {
    match svc::set_reminder_plan(&state, &user.account, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/{id}/reminders?saved=true")).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = plan_page(&state, &user, id, 0, Some(f), errors, (false, None)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "messages.html")]
struct MessagesPage {
    c: Chrome,
    page: Page<Message>,
    unread: i64,
    pager: Pager,
}

impl MessagesPage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
}

pub async fn messages(
    State(state): State<AppState>,
    user: User,
    Query(p): Query<Paging>,
) -> Result<Response, PageError> {
    let (page, unread) = svc::messages(&state, &user.account, p.offset, PAGE_SIZE).await?;
    let pager = Pager {
        offset: page.offset,
        limit: page.limit,
        total: page.total,
        base: "/messages?".into(),
    };
    Ok(render(&MessagesPage {
        c: Chrome::new(
            &user.ctx,
            "messages",
            user.ctx.tr.pick("站内消息", "Messages").to_owned(),
        ),
        page,
        unread,
        pager,
    }))
}

#[derive(Deserialize, Default)]
pub struct ReadForm {
    /// `/home` when the message was read from the home page's alerts.
    #[serde(default)]
    back: String,
}

pub async fn read(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ReadForm>,
) -> Result<Response, PageError> {
    svc::read_message(&state, &user.account, id).await?;
    let back = if f.back == "/home" {
        "/home"
    } else {
        "/messages"
    };
    Ok(Redirect::to(back).into_response())
}
