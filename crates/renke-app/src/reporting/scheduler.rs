//! The 催办 scheduler: for every open task, the current slot of its reminder plan goes to
//! each recipient unit that has not submitted (or whose submission was returned), as an
//! in-app message and an e-mail to its organisers and staff; N days after the deadline the
//! unit's parent bureau's organisers are told. The worker runs it before each pass over the
//! job queue; [`renke_store::reminders::record`] makes every reminder happen once.

use crate::App;
use crate::jobs::Job;
use crate::mail::Mail;
use chrono::{DateTime, Duration, Utc};
use renke_domain::clock::local_time;
use renke_domain::perm::Role;
use renke_domain::reminder::{MAX_OVERDUE_DAYS, Slot};
use renke_domain::task::standing;
use renke_store::StoreError;
use renke_store::reminders::{self, NewMessage, Notify, OpenTask, OrgContacts};
use renke_store::tasks::{self, ExpectedRow};
use std::collections::HashMap;

/// The slot key of an escalation (one per task and unit).
pub const ESCALATION: &str = "escalation";

/// Whether a unit still owes the task a submission.
fn owes(r: &ExpectedRow) -> bool {
    !r.has_submitted() || r.status.is_some_and(|s| s.is_returned())
}

fn addresses(c: Option<&OrgContacts>, roles: &[Role]) -> Vec<String> {
    c.map(|c| {
        c.emails
            .iter()
            .filter(|(role, _)| roles.iter().any(|r| r.as_str() == role))
            .map(|(_, a)| a.clone())
            .collect()
    })
    .unwrap_or_default()
}

/// When a task is due, in both languages: its deadline with how it stands
/// (`截止 2022-06-20 23:59，还有 3 天`), or 及时报送 for a task without one.
fn due_words(deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> (String, String) {
    match deadline {
        Some(d) => {
            let (zh, en) = standing(d, now);
            let at = local_time(&d);
            (format!("截止 {at}，{zh}"), format!("due {at}, {en}"))
        }
        None => ("及时报送".into(), "due as soon as possible".into()),
    }
}

struct Ctx<'a> {
    task: &'a OpenTask,
    now: DateTime<Utc>,
    link: String,
}

impl Ctx<'_> {
    fn mail(
        &self,
        to: Vec<String>,
        subject: String,
        text: String,
    ) -> Result<Option<renke_store::jobs::NewJob>, StoreError> {
        if to.is_empty() {
            return Ok(None);
        }
        Mail {
            to,
            subject,
            text,
            attachments: Vec::new(),
        }
        .to_new_job(self.now)
        .map(Some)
    }

    fn reminder(
        &self,
        r: &ExpectedRow,
        slot: String,
        c: Option<&OrgContacts>,
    ) -> Result<Notify, StoreError> {
        let t = self.task;
        let (zh, en) = due_words(t.deadline, self.now);
        let title = format!("【催办】{}（{zh}）", t.title);
        let body = format!(
            "{org}：{doc} 的报送任务“{task}”（{zh}），贵单位尚未报送，请报送至{to}。\n\
             Reminder: “{task}” ({doc}) is {en}; your organisation has not submitted yet.",
            org = r.org_name,
            doc = t.notice_doc_number,
            task = t.title,
            to = t.submit_to_name,
        );
        let to = addresses(c, &[Role::Organiser, Role::Staff]);
        let emails = to.len() as i32;
        let text = format!("{body}\n\n{}", self.link);
        Ok(Notify {
            org_id: r.org_id,
            slot,
            notified_org_id: r.org_id,
            message: NewMessage {
                kind: "reminder",
                title: title.clone(),
                body,
                link: Some(format!("/tasks/{}", t.id)),
            },
            mail: self.mail(to, title, text)?,
            emails,
        })
    }

    fn escalation(
        &self,
        r: &ExpectedRow,
        parent_id: i64,
        parent: Option<&OrgContacts>,
    ) -> Result<Notify, StoreError> {
        let t = self.task;
        let (zh, en) = due_words(t.deadline, self.now);
        let title = format!("【逾期提醒】{}未报送“{}”（{zh}）", r.org_name, t.title);
        let body = format!(
            "下级单位{org}未按期报送 {doc} 的报送任务“{task}”（{zh}），请督促报送。\n\
             Escalation: {org} has not submitted “{task}” ({doc}), {en}.",
            org = r.org_name,
            doc = t.notice_doc_number,
            task = t.title,
        );
        let to = addresses(parent, &[Role::Organiser]);
        let emails = to.len() as i32;
        let text = format!("{body}\n\n{}", self.link);
        Ok(Notify {
            org_id: r.org_id,
            slot: ESCALATION.to_owned(),
            notified_org_id: parent_id,
            message: NewMessage {
                kind: "escalation",
                title: title.clone(),
                body,
                link: Some(format!("/tasks/{}/dashboard", t.id)),
            },
            mail: self.mail(to, title, text)?,
            emails,
        })
    }
}

/// Sends the reminders due at the application's clock time; returns how many were new.
pub async fn run(app: &App) -> Result<usize, StoreError> {
    let now = app.clock.now();
    let db = &app.db;
    // Deadlines far enough ahead for the earliest "days before" slot, and back far enough
    // for the last overdue reminder and the escalation.
    let from = now - Duration::days(i64::from(MAX_OVERDUE_DAYS) + 31);
    let to = now + Duration::days(61);
    let mut sent = 0;
    for task in reminders::open_tasks(db, from, to).await? {
        // Only tasks with a deadline fall in the range; 及时报送 has no schedule.
        let Some(deadline) = task.deadline else {
            continue;
        };
        let plan = task.plan()?;
        let due = match plan.due(deadline, now) {
            Some(d) if !reminders::slot_done(db, task.id, &d.key()).await? => Some(d),
            _ => None,
        };
        let escalate = plan.escalation_due(deadline, now)
            && !reminders::slot_done(db, task.id, ESCALATION).await?;
        if due.is_none() && !escalate {
            continue;
        }
        let owing: Vec<ExpectedRow> = tasks::expected(db, task.id)
            .await?
            .into_iter()
            .filter(|r| r.task_id == task.id && owes(r))
            .collect();
        if owing.is_empty() {
            continue;
        }
        let ids: Vec<i64> = owing.iter().map(|r| r.org_id).collect();
        let mut contacts: HashMap<i64, OrgContacts> = reminders::contacts(db, &ids).await?;
        if escalate {
            let parents: Vec<i64> = contacts.values().filter_map(|c| c.parent_id).collect();
            let mut parents = reminders::contacts(db, &parents).await?;
            for (id, c) in parents.drain() {
                contacts.entry(id).or_insert(c);
            }
        }
        let cx = Ctx {
            task: &task,
            now,
            link: format!(
                "{}/tasks/{}",
                app.config.public_url.trim_end_matches('/'),
                task.id
            ),
        };
        let mut items = Vec::new();
        for r in &owing {
            let own = contacts.get(&r.org_id);
            if let Some(d) = due {
                // "On the day" and "before" slots only make sense before the deadline passes.
                let stale = matches!(d.slot, Slot::Before(_) | Slot::OnDay) && now > deadline;
                if !stale {
                    items.push(cx.reminder(r, d.key(), own)?);
                }
            }
            if escalate && let Some(parent_id) = own.and_then(|c| c.parent_id) {
                items.push(cx.escalation(r, parent_id, contacts.get(&parent_id))?);
            }
        }
        sent += reminders::record(db, task.id, &items, now).await?;
    }
    Ok(sent)
}

/// 催办 now: the reminder each unit that owes task `task_id` a submission gets when its
/// collector presses 立即催办 at `now` (the units the task was sent to, not its relays').
/// The slot is the minute, so a second press within it sends nothing twice. Each with the
/// unit's name.
pub async fn reminders_now(
    app: &App,
    task_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<(String, Notify)>, StoreError> {
    let db = &app.db;
    // A task of a notice not yet issued owes nothing yet.
    let Some(task) = reminders::open_task(db, task_id).await? else {
        return Ok(Vec::new());
    };
    let owing: Vec<ExpectedRow> = tasks::expected(db, task_id)
        .await?
        .into_iter()
        .filter(|r| r.task_id == task_id && owes(r))
        .collect();
    let ids: Vec<i64> = owing.iter().map(|r| r.org_id).collect();
    let contacts = reminders::contacts(db, &ids).await?;
    let cx = Ctx {
        task: &task,
        now,
        link: format!(
            "{}/tasks/{}",
            app.config.public_url.trim_end_matches('/'),
            task.id
        ),
    };
    let slot = format!("now@{}", now.format("%Y-%m-%dT%H:%M"));
    owing
        .iter()
        .map(|r| {
            cx.reminder(r, slot.clone(), contacts.get(&r.org_id))
                .map(|n| (r.org_name.clone(), n))
        })
        .collect()
}
