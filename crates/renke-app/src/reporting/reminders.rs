//! 催办 plans of tasks, their log, and the in-app messages reminders leave.

use super::tasks::get_task;
use crate::App;
use crate::Caller;
use crate::error::AppError;
use renke_domain::perm::Action;
use renke_domain::reminder::ReminderPlan;
use renke_store::orgs::Page;
use renke_store::reminders::{self, Message, SentReminder};
use renke_store::tasks::Task;
use serde::Deserialize;

/// A task's reminder plan with what has been sent.
pub struct ReminderView {
    pub task: Task,
    pub plan: ReminderPlan,
    pub sent: Page<SentReminder>,
    /// Whether `me` may change the plan (Manage on the task's issuer).
    pub may_edit: bool,
}

/// The plan as a form sends it.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ReminderForm {
    /// 提前提醒天数 Days before the deadline, e.g. `3` or `7,3,1`.
    #[serde(default)]
    pub days_before: String,
    /// 截止当日提醒 Remind on the deadline's day.
    #[serde(default)]
    pub on_day: bool,
    /// 逾期每日提醒 Remind daily while overdue.
    #[serde(default)]
    pub overdue_daily: bool,
    /// 逾期几天后上报上级 Escalate to the parent bureau after this many days overdue; empty
    /// for never.
    #[serde(default)]
    pub escalate_after_days: String,
}

impl ReminderForm {
    pub fn from_plan(p: &ReminderPlan) -> ReminderForm {
        ReminderForm {
            days_before: p
                .days_before
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(","),
            on_day: p.on_day,
            overdue_daily: p.overdue_daily,
            escalate_after_days: p
                .escalate_after_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
        }
    }
}

/// The reminder plan and log of a task, for whoever may read the task.
pub async fn reminder_view(
    app: &App,
    me: &Caller,
    task_id: i64,
    offset: i64,
    limit: i64,
) -> Result<ReminderView, AppError> {
    let task = get_task(app, me, task_id).await?;
    let plan = reminders::plan(&app.db, task_id).await?;
    let sent =
        reminders::sent_for_task(&app.db, task_id, offset.max(0), limit.clamp(1, 200)).await?;
    let may_edit = me.actor().may(Action::Manage, &task.issuer_path).is_ok();
    Ok(ReminderView {
        task,
        plan,
        sent,
        may_edit,
    })
}

/// Changes a task's reminder plan (Manage on the task's issuer).
pub async fn set_reminder_plan(
    app: &App,
    me: &Caller,
    task_id: i64,
    f: &ReminderForm,
) -> Result<ReminderPlan, AppError> {
    let task = get_task(app, me, task_id).await?;
    me.actor().may(Action::Manage, &task.issuer_path)?;
    let plan = ReminderPlan::parse(
        &f.days_before,
        f.on_day,
        f.overdue_daily,
        &f.escalate_after_days,
    )?;
    reminders::set_plan(&app.db, task_id, &plan, app.clock.now()).await?;
    Ok(plan)
}

/// What 立即催办 would send now: to whom, and the message (the first unit's, as an
/// example; the others differ only in the unit's name).
pub struct RemindNow {
    pub units: Vec<String>,
    pub title: String,
    pub body: String,
    /// E-mail addresses reached in all.
    pub emails: i32,
}

/// Whoever reviews what is submitted to the task's organisation, or manages its issuer,
/// may 催办.
async fn may_remind(app: &App, me: &Caller, task_id: i64) -> Result<Task, AppError> {
    let task = get_task(app, me, task_id).await?;
    let actor = me.actor();
    if actor.reviews(&task.submit_to_path) || actor.may(Action::Manage, &task.issuer_path).is_ok() {
        Ok(task)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The preview of 立即催办: the units that owe the task a submission right now and the
/// reminder they would get.
pub async fn remind_now_preview(
    app: &App,
    me: &Caller,
    task_id: i64,
) -> Result<RemindNow, AppError> {
    may_remind(app, me, task_id).await?;
    let items = super::scheduler::reminders_now(app, task_id, app.clock.now()).await?;
    let units = items.iter().map(|(name, _)| name.clone()).collect();
    let (title, body) = items
        .first()
        .map(|(_, n)| (n.message.title.clone(), n.message.body.clone()))
        .unwrap_or_default();
    Ok(RemindNow {
        units,
        title,
        body,
        emails: items.iter().map(|(_, n)| n.emails).sum(),
    })
}

/// 立即催办: reminds every unit that owes the task a submission now, in-app and by e-mail;
/// returns how many were reminded (none twice within the same minute).
pub async fn remind_now(app: &App, me: &Caller, task_id: i64) -> Result<usize, AppError> {
    may_remind(app, me, task_id).await?;
    let now = app.clock.now();
    let items: Vec<_> = super::scheduler::reminders_now(app, task_id, now)
        .await?
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    Ok(reminders::record(&app.db, task_id, &items, now).await?)
}

/// The messages of `me`'s organisation and how many are unread.
pub async fn messages(
    app: &App,
    me: &Caller,
    offset: i64,
    limit: i64,
) -> Result<(Page<Message>, i64), AppError> {
    me.actor().may(Action::View, &me.org_path)?;
    Ok(reminders::messages(
        &app.db,
        me.org_id,
        me.id,
        offset.max(0),
        limit.clamp(1, 200),
    )
    .await?)
}

/// The unread messages addressed to `me` alone: a password reset by someone else, failed
/// logins since the last one. The home page shows them until they are read.
pub async fn account_alerts(app: &App, me: &Caller) -> Result<Vec<Message>, AppError> {
    Ok(reminders::unread_for_account(&app.db, me.id).await?)
}

/// Marks a message of `me`'s organisation, or addressed to `me`, read.
/// Any account reads its own messages; an organisation's need the right to act for it.
pub async fn read_message(app: &App, me: &Caller, id: i64) -> Result<(), AppError> {
    if reminders::mark_own_read(&app.db, id, me.id, app.clock.now()).await? {
        return Ok(());
    }
    me.actor().may(Action::Act, &me.org_path)?;
    if reminders::mark_read(&app.db, id, me.org_id, me.id, app.clock.now()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
