//! Stream tasks (信息和新闻稿件): a unit sends many items during the campaign, each reviewed
//! on its own (采用 or 退回 with a reason) and, once accepted, optionally published on the
//! campaign's public page by whoever reviews.

use super::tasks::{ReviewForm, collects, get_task, reviews, task_for_submitter};
use crate::App;
use crate::Caller;
use crate::error::AppError;
use renke_domain::perm::Action;
use renke_domain::task::parse_reason;
use renke_domain::text::Line;
use renke_domain::{FieldError, Invalid};
use renke_store::items::{self, Item};
use renke_store::orgs::{self, Page};
use renke_store::tasks::{self, Task};
use serde::Deserialize;

/// Longest item title, in characters.
pub const ITEM_TITLE_MAX: usize = 200;
/// Longest item text, in characters.
pub const ITEM_BODY_MAX: usize = 20_000;

/// An item as typed.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ItemForm {
    /// The organisation it is sent for; default the caller's own.
    #[serde(default)]
    pub org_id: Option<i64>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

/// A stream task: `not_a_stream_task` for any other kind.
fn stream(task: &Task) -> Result<(), AppError> {
    if task.kind.is_stream() {
        Ok(())
    } else {
        Err(AppError::Conflict("not_a_stream_task"))
    }
}

/// Sends an item for the caller's organisation (or `org_id`, on which it may Act) to stream
/// task `task_id`: a title and a text, both required (every problem at once). The unit
/// must be a recipient (`not_a_recipient`; a task the caller may not read is 404).
pub async fn send(app: &App, me: &Caller, task_id: i64, f: &ItemForm) -> Result<Item, AppError> {
    let org = orgs::get(&app.db, f.org_id.unwrap_or(me.org_id)).await?;
    me.actor().may(Action::Act, &org.path)?;
    let task = task_for_submitter(app, me, task_id, org.id).await?;
    stream(&task)?;
    let mut errs = Invalid::default();
    let title = Line::parse("title", &f.title, ITEM_TITLE_MAX)
        .map_err(|e| errs.push(e))
        .ok();
    let body = match renke_domain::notice::parse_text("body", &f.body, ITEM_BODY_MAX) {
        Ok(Some(b)) => Some(b),
        Ok(None) => {
            errs.push(FieldError::new("body", "required"));
            None
        }
        Err(e) => {
            errs.push(e);
            None
        }
    };
    let (Some(title), Some(body)) = (title, body) else {
        return Err(AppError::Invalid(errs));
    };
    Ok(items::send(
        &app.db,
        &task,
        org.id,
        title.as_str(),
        &body,
        me.id,
        app.clock.now(),
    )
    .await?)
}

/// The items of a stream task as the caller sees them: its own organisation's, and — for
/// whoever collects the task — every unit's.
pub struct ItemsView {
    pub task: Task,
    pub mine: Page<Item>,
    /// Every unit's items, for those who collect the task.
    pub all: Option<Page<Item>>,
    /// The caller reviews and publishes (acts for the task's submit-to organisation).
    pub may_review: bool,
    /// The caller's organisation is a recipient and the caller acts for it.
    pub may_send: bool,
}

pub async fn view(
    app: &App,
    me: &Caller,
    task_id: i64,
    offset: i64,
    limit: i64,
) -> Result<ItemsView, AppError> {
    let task = get_task(app, me, task_id).await?;
    stream(&task)?;
    let mine = items::list(&app.db, task_id, Some(me.org_id), 0, 50).await?;
    let all = if collects(me, &task.submit_to_path) {
        Some(items::list(&app.db, task_id, None, offset, limit).await?)
    } else {
        None
    };
    let may_send = me.actor().may(Action::Act, &me.org_path).is_ok()
        && tasks::is_recipient(&app.db, task_id, me.org_id).await?;
    Ok(ItemsView {
        may_send,
        may_review: reviews(me, &task.submit_to_path),
        task,
        mine,
        all,
    })
}

/// The task of item `id`, for whoever reviews what is submitted to it (403 otherwise).
async fn reviewed_item(app: &App, me: &Caller, id: i64) -> Result<Item, AppError> {
    let item = items::get(&app.db, id).await?;
    let task = tasks::get(&app.db, item.task_id).await?;
    if !reviews(me, &task.submit_to_path) {
        return Err(AppError::Forbidden);
    }
    Ok(item)
}

/// The task of item `id`, for a reviewer whose form comes back with errors.
pub async fn task_of(app: &App, me: &Caller, id: i64) -> Result<i64, AppError> {
    Ok(reviewed_item(app, me, id).await?.task_id)
}

/// Accepts (采用) or returns (退回, with a reason) an item waiting for review.
pub async fn review(app: &App, me: &Caller, id: i64, f: &ReviewForm) -> Result<Item, AppError> {
    reviewed_item(app, me, id).await?;
    let (accept, reason) = match f.decision.trim() {
        "accept" => (true, None),
        "return" => (false, Some(parse_reason(&f.reason)?)),
        other => {
            return Err(FieldError::new("decision", "unknown_value")
                .with("value", other)
                .into());
        }
    };
    Ok(items::decide(
        &app.db,
        id,
        accept,
        reason.as_deref(),
        me.id,
        app.clock.now(),
    )
    .await?)
}

/// Publishes an accepted item on the campaign's public page, or withdraws it.
pub async fn publish(app: &App, me: &Caller, id: i64, publish: bool) -> Result<Item, AppError> {
    reviewed_item(app, me, id).await?;
    Ok(items::publish(&app.db, id, publish, app.clock.now()).await?)
}

/// The items published for a campaign's public page, newest first.
pub async fn published(app: &App, campaign_id: i64) -> Result<Vec<Item>, AppError> {
    Ok(items::published_for_campaign(&app.db, campaign_id, 50).await?)
}
