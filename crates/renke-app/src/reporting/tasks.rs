//! Reporting tasks (报送任务), submissions, dashboards and roll-up. Every permission check of
//! the reporting module lives here.
//!
//! Who may do what:
//! - create a task on a notice, or relay a task onto one's relay notice: Manage on the
//!   notice's issuer; only a notice down the tree (下行文) carries tasks
//!   (`letter_carries_no_tasks`), and what is submitted goes to the issuer or an
//!   organisation below it (`submit_to_out_of_reach`);
//! - read a task: whoever may read its notice;
//! - write and send a submission: Act on the submitting organisation, which must be a
//!   recipient (`not_a_recipient` otherwise);
//! - read a submission: its own organisation (drafts included); otherwise only versions that
//!   were sent, and only for accounts acting for the task's submit-to organisation or an
//!   ancestor of it ([`collects`]);
//! - return, accept, record the paper copy: Act on the submit-to organisation;
//! - dashboards: the same reach as reading sent submissions.

use crate::App;
use crate::Caller;
use crate::error::AppError;
use crate::notices::readable_notice;
use crate::orgs::org_by_code;
use chrono::{DateTime, Utc};
use renke_domain::error::{LIST_MAX, check_list_lengths};
use renke_domain::file::{FileKind, UploadRule, clean_name, human_size};
use renke_domain::perm::{self, Action};
use renke_domain::task::{
    AttachmentRule, Deadline, SubmissionContent, SubmissionInput, Summary, TaskInput, TaskKind,
    parse_reason,
};
use renke_domain::{FieldError, Invalid};
use renke_store::StoreError;
use renke_store::activities::LinkedActivity;
use renke_store::files::{self, FileStream, StoredFile, Upload};
use renke_store::notices;
use renke_store::orgs::{self, Org, Page};
use renke_store::spool::Spooled;
use renke_store::tasks::{
    self, Collecting, Dashboard, Decision, Due, ExpectedRow, FileChanges, Filter, Levels, Scope,
    Source, Submission, SubmissionFile, Task, Version, Write,
};
use serde::{Deserialize, Deserializer};

/// Accepts `true`/`false` (JSON) and `on`/`true`/`1` (HTML check boxes).
fn de_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        B(bool),
        S(String),
    }
    Ok(match B::deserialize(d)? {
        B::B(b) => b,
        B::S(s) => matches!(s.as_str(), "on" | "true" | "1" | "yes"),
    })
}

/// A task as typed. The deadline is Shanghai time (`2022-06-20 18:00`, or a date for the end
/// of that day); the submit-to organisation defaults to the notice's issuer.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, schemars::JsonSchema)]
pub struct TaskForm {
    /// plan, progress, summary, publicity, case, news, other (or the Chinese label).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub instructions: String,
    /// Shanghai time, e.g. 2022-06-20 or 2022-06-20 17:00; blank with `timely`.
    #[serde(default)]
    pub deadline: String,
    /// 及时报送: no fixed deadline (the notice asks for it in good time).
    #[serde(default, deserialize_with = "de_bool")]
    pub timely: bool,
    /// Organisation code; empty = the notice's issuer.
    #[serde(default)]
    pub submit_to_code: String,
    #[serde(default)]
    pub submit_to_dept: String,
    #[serde(default)]
    pub length_target: String,
    #[serde(default)]
    pub length_tolerance: String,
    /// none, allowed, required.
    #[serde(default)]
    pub attachments: String,
    #[serde(default)]
    pub attachment_types: String,
    #[serde(default)]
    pub attachment_max_mb: String,
    #[serde(default, deserialize_with = "de_bool")]
    pub paper_required: bool,
    /// Organisation codes; empty = every recipient of the notice.
    #[serde(default)]
    pub recipient_codes: Vec<String>,
    /// For a relay notice: the task of the relayed notice this task relays.
    #[serde(default)]
    pub parent_task_id: Option<i64>,
}

pub(crate) fn conflict_to_field(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { constraint }
            if constraint == "tasks_notice_id_parent_task_id_key" =>
        {
            AppError::field("parent_task_id", "task_already_relayed")
        }
        other => other.into(),
    }
}

/// Creates a task on a notice (Manage on its issuer). With `parent_task_id` it relays a task
/// of the notice this one relays; its deadline must come before the parent's.
pub async fn create_task(
    app: &App,
    me: &Caller,
    notice_id: i64,
    f: &TaskForm,
) -> Result<Task, AppError> {
    let notice = notices::get(&app.db, notice_id).await?;
    me.actor().may(Action::Manage, &notice.issuer_path)?;
    if !notice.direction.carries_tasks() {
        return Err(AppError::Conflict("letter_carries_no_tasks"));
    }
    check_list_lengths(&[("recipients", f.recipient_codes.len(), LIST_MAX)])?;
    let mut errs = Invalid::default();
    let parent = match f.parent_task_id {
        None => None,
        Some(pid) => match tasks::get(&app.db, pid).await {
            Ok(p) if Some(p.notice_id) == notice.relays_id => Some(p),
            Ok(_) | Err(StoreError::NotFound) => {
                errs.push(FieldError::new("parent_task_id", "not_relayed_task").with("value", pid));
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    let submit_to = if f.submit_to_code.trim().is_empty() {
        Some(orgs::get(&app.db, notice.issuer_org_id).await?)
    } else {
        match org_by_code(app, &mut errs, "submit_to", &f.submit_to_code).await? {
            Some(o) if !perm::may_collect_for(&notice.issuer_path, &o.path) => {
                errs.push(
                    FieldError::new("submit_to", "submit_to_out_of_reach")
                        .with("value", o.code.as_str()),
                );
                None
            }
            found => found,
        }
    };
    let deliveries: Option<Vec<i64>> = if notice.is_issued() {
        Some(delivered_orgs(app, notice_id).await?)
    } else {
        None
    };
    let mut recipient_org_ids = Vec::new();
    for (i, code) in f.recipient_codes.iter().enumerate() {
        if code.trim().is_empty() {
            continue;
        }
        let field = format!("recipients[{i}]");
        if let Some(o) = org_by_code(app, &mut errs, &field, code).await? {
            if deliveries.as_ref().is_some_and(|d| !d.contains(&o.id)) {
                errs.push(
                    FieldError::new(field, "not_a_notice_recipient").with("value", code.trim()),
                );
            } else if !recipient_org_ids.contains(&o.id) {
                // A unit named twice is one recipient.
                recipient_org_ids.push(o.id);
            }
        }
    }
    let input = TaskInput {
        kind: match (&parent, f.kind.trim()) {
            (Some(p), "") => p.kind.as_str().to_owned(),
            _ => f.kind.clone(),
        },
        title: match (&parent, f.title.trim()) {
            (Some(p), "") => p.title.clone(),
            _ => f.title.clone(),
        },
        instructions: f.instructions.clone(),
        deadline: f.deadline.clone(),
        timely: f.timely,
        submit_to_org_id: submit_to.as_ref().map_or(-1, |o| o.id),
        submit_to_dept: f.submit_to_dept.clone(),
        length_target: match (&parent, f.length_target.trim()) {
            (Some(p), "") => p.length.map(|l| l.target.to_string()).unwrap_or_default(),
            _ => f.length_target.clone(),
        },
        length_tolerance: match (&parent, f.length_tolerance.trim()) {
            (Some(p), "") => p
                .length
                .map(|l| l.tolerance.to_string())
                .unwrap_or_default(),
            _ => f.length_tolerance.clone(),
        },
        attachments: match (&parent, f.attachments.trim()) {
            (Some(p), "") => p.attachments.as_str().to_owned(),
            _ => f.attachments.clone(),
        },
        attachment_types: match (&parent, f.attachment_types.trim()) {
            (Some(p), "") => p.attachment_types.join(","),
            _ => f.attachment_types.clone(),
        },
        attachment_max_mb: match (&parent, f.attachment_max_mb.trim()) {
            (Some(p), "") => (p.attachment_max_bytes / 1024 / 1024).to_string(),
            _ => f.attachment_max_mb.clone(),
        },
        paper_required: f.paper_required || parent.as_ref().is_some_and(|p| p.paper_required),
        recipient_org_ids,
    };
    let draft = match input.validate(app.clock.now(), parent.as_ref().and_then(|p| p.deadline)) {
        Ok(d) if errs.is_empty() => d,
        Ok(_) => return Err(AppError::Invalid(errs)),
        Err(e) => {
            // A missing submit-to organisation was already reported by its code.
            let unknown_submit_to = errs.0.iter().any(|e| e.field == "submit_to");
            errs.0.extend(
                e.0.into_iter()
                    .filter(|e| !(unknown_submit_to && e.field == "submit_to")),
            );
            return Err(AppError::Invalid(errs));
        }
    };
    tasks::create(
        &app.db,
        notice_id,
        parent.map(|p| p.id),
        &draft,
        me.id,
        app.clock.now(),
    )
    .await
    .map_err(conflict_to_field)
}

async fn delivered_orgs(app: &App, notice_id: i64) -> Result<Vec<i64>, AppError> {
    let rows = notices::ack_status(&app.db, notice_id).await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.depth == 0)
        .map(|r| r.org_id)
        .collect())
}

/// Whether `me` acts for the submit-to organisation `path` or an ancestor of it (and so may
/// read what is sent there and see the dashboards).
pub fn collects(me: &Caller, submit_to: &renke_domain::org::OrgPath) -> bool {
    me.actor().collects(submit_to)
}

/// Whether `me` may review (return, accept, record paper) what is sent to `submit_to`.
pub(crate) fn reviews(me: &Caller, submit_to: &renke_domain::org::OrgPath) -> bool {
    me.actor().reviews(submit_to)
}

/// Whether the submission of organisation `org_id` to `task` is its collector's own summary
/// (汇总报告) of the answers it received: a task at the top of its chain (not a relay) is
/// summed up where it is collected — SAMR's national summary of the provinces' reports.
/// Such a summary is compiled and edited, never sent: nobody above receives it. (A relay's
/// collector compiles into its own answer to the task it relays instead.)
pub fn is_collectors_summary(task: &Task, org_id: i64) -> bool {
    task.parent_task_id.is_none() && task.submit_to_org_id == org_id
}

/// Whether `me` works for organisation `org_id` at `path`: it belongs to it, or it is a
/// department acting for it as its bureau (see `Actor::bureau`).
fn works_for(me: &Caller, org_id: i64, path: &renke_domain::org::OrgPath) -> bool {
    me.org_id == org_id
        || me.actor().bureau().as_ref() == Some(path) && me.actor().may(Action::Act, path).is_ok()
}

/// Whether `me` works for the collector of `task` at the top of its chain, which sums it up.
fn sums_up(me: &Caller, task: &Task) -> bool {
    is_collectors_summary(task, task.submit_to_org_id)
        && works_for(me, task.submit_to_org_id, &task.submit_to_path)
}

/// The organisation a submission of `me` to `task` is for when none is named: the
/// collector's when `me` sums the task up, else its own.
fn answering_org(me: &Caller, task: &Task) -> i64 {
    if sums_up(me, task) {
        task.submit_to_org_id
    } else {
        me.org_id
    }
}

/// A task readable by `me`: its notice must be.
pub async fn get_task(app: &App, me: &Caller, id: i64) -> Result<Task, AppError> {
    let task = tasks::get(&app.db, id).await?;
    if !collects(me, &task.submit_to_path) {
        readable_notice(app, Some(me), task.notice_id).await?;
    }
    Ok(task)
}

/// The tasks of a notice readable by `me`.
pub async fn notice_tasks(
    app: &App,
    me: Option<&Caller>,
    notice_id: i64,
) -> Result<Vec<Task>, AppError> {
    readable_notice(app, me, notice_id).await?;
    Ok(tasks::for_notice(&app.db, notice_id).await?)
}

/// A task with what its page shows around it.
pub struct TaskView {
    pub task: Task,
    pub parent: Option<Task>,
    pub relays: Vec<Task>,
    /// The account's organisation's submission, if it started one (or the collector's
    /// summary, see `sums_up`).
    pub mine: Option<Submission>,
    /// The files of its working copy.
    pub my_files: Vec<SubmissionFile>,
    pub is_recipient: bool,
    pub may_submit: bool,
    pub may_see_dashboard: bool,
    /// 历史: the collector's managers read the task's audit trail.
    pub may_see_history: bool,
    /// Whether the account's organisation relays this task below and may compile a roll-up
    /// into its answer, or collects this task at the top and may compile its summary.
    pub may_compile: bool,
    /// The account works for the collector of this task at the top of its chain: `mine` is
    /// then the collector's summary (see [`is_collectors_summary`]), edited as a draft and
    /// never sent.
    pub sums_up: bool,
    /// For an activity plan task (活动方案): the account's organisation's activities linked
    /// to it, with registrations and attendance.
    pub plan_activities: Vec<LinkedActivity>,
    /// While the account's organisation's submission is returned: why, by whom, when.
    pub returned: Option<ReturnNote>,
}

/// The latest return (退回修改) of a submission, shown to the unit while it revises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnNote {
    /// The version that was returned.
    pub version: i32,
    pub reason: String,
    pub returned_at: Option<DateTime<Utc>>,
    pub returned_by: Option<String>,
}

/// The latest return of a submission whose status is `returned`, from its versions (oldest
/// first); none in any other status, so it disappears once the unit sends again.
pub fn return_note(
    status: renke_domain::task::SubmissionStatus,
    versions: &[Version],
) -> Option<ReturnNote> {
    if !status.is_returned() {
        return None;
    }
    let v = versions
        .iter()
        .rev()
        .find(|v| v.outcome.is_some_and(|o| o.is_returned()))?;
    Some(ReturnNote {
        version: v.version,
        reason: v.reason.clone().unwrap_or_default(),
        returned_at: v.decided_at,
        returned_by: v.decided_by.clone(),
    })
}

/// The activities of organisation `org_id` linked to `task` when it is an activity plan.
async fn plan_activities(
    app: &App,
    task: &Task,
    org_id: i64,
) -> Result<Vec<LinkedActivity>, AppError> {
    if task.kind != TaskKind::Plan {
        return Ok(Vec::new());
    }
    Ok(renke_store::activities::linked_to_task(&app.db, task.id, Some(org_id)).await?)
}

pub async fn task_view(app: &App, me: &Caller, id: i64) -> Result<TaskView, AppError> {
    let task = get_task(app, me, id).await?;
    let parent = match task.parent_task_id {
        Some(p) => Some(tasks::get(&app.db, p).await?),
        None => None,
    };
    let relays = tasks::relays_of(&app.db, id).await?;
    let is_recipient = tasks::is_recipient(&app.db, id, me.org_id).await?;
    let sums_up = !is_recipient && sums_up(me, &task);
    let answering = if sums_up {
        task.submit_to_org_id
    } else {
        me.org_id
    };
    let mine = tasks::submission_of(&app.db, id, answering).await?;
    let my_files = match &mine {
        Some(s) => tasks::version_files(&app.db, s.id, 0).await?,
        None => Vec::new(),
    };
    let acting = me.actor().may(Action::Act, &me.org_path).is_ok();
    let open = mine.as_ref().is_none_or(|s| s.status.is_editable());
    let plan_activities = plan_activities(app, &task, answering).await?;
    let returned = match &mine {
        Some(s) if s.status.is_returned() => {
            return_note(s.status, &tasks::versions(&app.db, s.id).await?)
        }
        _ => None,
    };
    Ok(TaskView {
        plan_activities,
        returned,
        may_submit: acting && is_recipient && open || sums_up,
        may_see_dashboard: collects(me, &task.submit_to_path),
        may_see_history: me.actor().may(Action::Manage, &task.submit_to_path).is_ok(),
        may_compile: sums_up
            || acting
                && is_recipient
                && open
                && relays.iter().any(|r| r.submit_to_org_id == me.org_id),
        sums_up,
        task,
        parent,
        relays,
        mine,
        my_files,
        is_recipient,
    })
}

/// A file sent with a form (a submission's, a material, an import), as uploaded: its name
/// as the browser gave it, and its bytes as received (in memory, or in a temporary file when
/// large).
#[derive(Debug, Clone)]
pub struct UploadedFile {
    pub name: String,
    pub content: Spooled,
}

impl UploadedFile {
    /// A file of these bytes (demo data, tests).
    pub fn new(name: impl Into<String>, bytes: impl Into<Spooled>) -> UploadedFile {
        UploadedFile {
            name: name.into(),
            content: bytes.into(),
        }
    }

    /// The whole file in memory, for a file read as a whole (a workbook to import, a notice
    /// to parse), refused on `field` beyond `limit` bytes (`file_too_large`) before it is
    /// read.
    pub async fn read_whole(&self, field: &str, limit: u64) -> Result<bytes::Bytes, AppError> {
        if self.content.len() > limit {
            return Err(FieldError::new(field, "file_too_large")
                .with("name", clean_name(&self.name))
                .with("limit", human_size(limit))
                .with("size", human_size(self.content.len()))
                .into());
        }
        Ok(self.content.bytes().await?)
    }

    /// Checks the file against `rule` on `field` by its size and first bytes: its cleaned
    /// name and kind.
    pub fn check(&self, rule: &UploadRule, field: &str) -> Result<(String, FileKind), FieldError> {
        let name = clean_name(&self.name);
        let kind = rule.check_received(field, &name, self.content.len(), self.content.head())?;
        Ok((name, kind))
    }
}

/// What a task's attachments must meet: its size limit, and its types (those we know; a
/// task without a type list takes every kind of document and image).
pub fn upload_rule(task: &Task) -> UploadRule {
    let kinds: Vec<FileKind> = task
        .attachment_types
        .iter()
        .filter_map(|t| FileKind::from_name(&format!("f.{t}")))
        .collect();
    UploadRule {
        max_bytes: task.attachment_max_bytes.max(0) as u64,
        kinds: if kinds.is_empty() {
            UploadRule::documents(1).kinds
        } else {
            kinds
        },
    }
}

/// Checks the uploads against the task's rule, every problem at once (field `file`):
/// `attachments_not_accepted` when the task takes none, then each file's size, type and
/// content. Returns the cleaned names with their kinds.
fn check_files(task: &Task, files: &[UploadedFile], errs: &mut Invalid) -> Vec<(String, FileKind)> {
    if files.is_empty() {
        return Vec::new();
    }
    if task.attachments == AttachmentRule::None {
        errs.push(FieldError::new("file", "attachments_not_accepted"));
        return Vec::new();
    }
    let rule = upload_rule(task);
    let mut ok = Vec::new();
    for f in files {
        match f.check(&rule, "file") {
            Ok(checked) => ok.push(checked),
            Err(e) => errs.push(e),
        }
    }
    ok
}

/// What saving a submission does besides storing its working copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Save {
    /// Keep it as a draft.
    Draft,
    /// Keep it as a draft after every check a sending makes, to be confirmed from its
    /// preview (the page's 报送 button leads there).
    Review,
    /// Send it as a new version now.
    Submit,
}

/// Positions of attached files to remove, as a form sends them (`"0,2"`; the page's
/// checkboxes arrive joined with commas). A bad entry is `unknown_value` on `remove`.
pub fn parse_removals(raw: &str) -> Result<Vec<i32>, AppError> {
    raw.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<i32>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                AppError::from(FieldError::new("remove", "unknown_value").with("value", p))
            })
        })
        .collect()
}

/// Saves the submission of the account's organisation (or `org_id`, on which it may Act):
/// as a draft, as a draft checked for sending ([`Save::Review`]), or sent as a new version.
/// Sending checks the summary's 字数 against the task's rule (`summary_length_off` unless
/// `length_confirmed`), and always the files against the task's attachment rule (`file_too_large`,
/// `file_type_refused`, …; a task that requires attachments refuses a sending that would
/// carry none: `attachment_required`), all before anything is stored; nothing is saved on
/// error. New files are added to those already attached; `remove` names the positions of
/// attached files to drop. Nothing attached is ever dropped otherwise.
#[allow(clippy::too_many_arguments)]
pub async fn save_submission(
    app: &App,
    me: &Caller,
    task_id: i64,
    org_id: Option<i64>,
    input: &SubmissionInput,
    files: &[UploadedFile],
    remove: &[i32],
    save: Save,
) -> Result<Submission, AppError> {
    let default = match tasks::get(&app.db, task_id).await {
        Ok(t) => answering_org(me, &t),
        Err(_) => me.org_id,
    };
    let org = orgs::get(&app.db, org_id.unwrap_or(default)).await?;
    me.actor().may(Action::Act, &org.path)?;
    let task = task_for_submitter(app, me, task_id, org.id).await?;
    if save != Save::Draft && is_collectors_summary(&task, org.id) {
        return Err(AppError::Conflict("summary_not_sent"));
    }
    let mut errs = Invalid::default();
    let content = match input.validate() {
        Ok(c) => Some(c),
        Err(e) => {
            errs.0.extend(e.0);
            None
        }
    };
    let checked = check_files(&task, files, &mut errs);
    if save != Save::Draft {
        if let Some(Err(e)) = content.as_ref().map(SubmissionContent::check_submittable) {
            errs.0.extend(e.0);
        }
        if let Some(Err(e)) = content
            .as_ref()
            .map(|c| c.check_length(task.length, input.length_confirmed))
        {
            errs.0.extend(e.0);
        }
        if errs.is_empty() {
            check_required(app, &task, org.id, remove, files.len()).await?;
        }
    }
    let content = match content {
        Some(c) if errs.is_empty() => c,
        _ => return Err(AppError::Invalid(errs)),
    };
    let incoming: u64 = files.iter().map(|f| f.content.len()).sum();
    if incoming > 0 {
        crate::files::check_quota(app, "file", org.id, incoming).await?;
    }
    let mut staged = Vec::with_capacity(checked.len());
    for ((name, kind), f) in checked.iter().zip(files) {
        staged.push(
            app.files
                .stage(
                    &Upload {
                        name,
                        kind: *kind,
                        content: &f.content,
                        org_id: org.id,
                        uploaded_by: Some(me.id),
                    },
                    app.clock.now(),
                )
                .await?,
        );
    }
    let mode = if save == Save::Submit {
        Write::Submit
    } else {
        Write::Draft
    };
    let changes = FileChanges {
        add: &staged,
        remove,
    };
    Ok(tasks::write(
        &app.db,
        &task,
        org.id,
        &content,
        mode,
        None,
        changes,
        me.id,
        app.clock.now(),
    )
    .await?)
}

/// Task `task_id` for a submission by organisation `org_id`, checked before anything is
/// stored: a task the caller may not read is not found (404), so its existence is not
/// told; one the caller reads but `org_id` is not a recipient of is `not_a_recipient`.
pub(crate) async fn task_for_submitter(
    app: &App,
    me: &Caller,
    task_id: i64,
    org_id: i64,
) -> Result<Task, AppError> {
    let task = tasks::get(&app.db, task_id).await?;
    if is_collectors_summary(&task, org_id) || tasks::is_recipient(&app.db, task_id, org_id).await?
    {
        return Ok(task);
    }
    match get_task(app, me, task_id).await {
        Ok(_) => Err(AppError::Conflict("not_a_recipient")),
        Err(AppError::Forbidden | AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e),
    }
}

/// A task that requires attachments refuses sending a working copy that would carry no
/// file (`attachment_required` on `file`): the files attached, less those at `remove`,
/// plus `adding` new ones.
async fn check_required(
    app: &App,
    task: &Task,
    org_id: i64,
    remove: &[i32],
    adding: usize,
) -> Result<(), AppError> {
    if task.attachments != AttachmentRule::Required || adding > 0 {
        return Ok(());
    }
    let has_files = match tasks::submission_of(&app.db, task.id, org_id).await? {
        Some(s) => tasks::version_files(&app.db, s.id, 0)
            .await?
            .iter()
            .any(|f| !remove.contains(&f.position)),
        None => false,
    };
    if has_files {
        Ok(())
    } else {
        Err(AppError::Invalid(Invalid::one(FieldError::new(
            "file",
            "attachment_required",
        ))))
    }
}

/// A stored submission's working copy as the form shows it (figures as typed text).
pub fn submission_input(sub: &Submission) -> SubmissionInput {
    let figure = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    SubmissionInput {
        summary: sub.summary.clone().unwrap_or_default(),
        body: sub.body.clone().unwrap_or_default(),
        activities: figure(sub.activities),
        participants: figure(sub.participants),
        publicity_items: figure(sub.publicity_items),
        length_confirmed: false,
    }
}

/// Sends the current working copy (e.g. a compiled draft after editing) as a new version.
pub async fn submit_current(
    app: &App,
    me: &Caller,
    submission_id: i64,
) -> Result<Submission, AppError> {
    let sub = tasks::submission(&app.db, submission_id).await?;
    let path = sub.path().ok_or(AppError::NotFound)?;
    me.actor().may(Action::Act, &path)?;
    let task = tasks::get(&app.db, sub.task_id).await?;
    // Sent from its preview, which showed the 字数 against the task's rule: the click is
    // the confirmation, so the length is not asked about again.
    let content = submission_input(&sub).validate()?;
    content.check_submittable()?;
    check_required(app, &task, sub.org_id, &[], 0).await?;
    Ok(tasks::write(
        &app.db,
        &task,
        sub.org_id,
        &content,
        Write::Submit,
        None,
        FileChanges::NONE,
        me.id,
        app.clock.now(),
    )
    .await?)
}

/// A submission with its task, its versions and (for a compiled report) its sources.
pub struct SubmissionView {
    pub task: Task,
    pub submission: Submission,
    pub versions: Vec<Version>,
    pub sources: Vec<Source>,
    /// For a compiled report: its index of materials (see [`compiled_index`]).
    pub index: Vec<IndexEntry>,
    /// Files by version; the working copy's (version 0) only for its own organisation.
    pub files: Vec<SubmissionFile>,
    /// The account belongs to the submitting organisation (and sees the working copy).
    pub own: bool,
    pub may_edit: bool,
    pub may_review: bool,
    /// The collector's own summary of the task (see [`is_collectors_summary`]): never sent.
    pub collectors_summary: bool,
    /// For an activity plan task: the submitting unit's activities linked to the task.
    pub plan_activities: Vec<LinkedActivity>,
    /// While the submission is returned: why, by whom, when.
    pub returned: Option<ReturnNote>,
}

/// Reads a submission: its own organisation sees everything; accounts acting for the
/// submit-to organisation or an ancestor see what was sent; nobody else sees anything.
pub async fn submission_view(app: &App, me: &Caller, id: i64) -> Result<SubmissionView, AppError> {
    let mut submission = tasks::submission(&app.db, id).await?;
    let task = tasks::get(&app.db, submission.task_id).await?;
    let path = submission.path().ok_or(AppError::NotFound)?;
    let own =
        works_for(me, submission.org_id, &path) && me.actor().may(Action::View, &path).is_ok();
    let collector = collects(me, &task.submit_to_path);
    if !(own || me.actor().is_admin() || (collector && submission.has_submitted())) {
        return Err(AppError::Forbidden);
    }
    let versions = tasks::versions(&app.db, id).await?;
    if !own && submission.status.is_editable() {
        // The working copy of a returned submission is a draft again: show what was sent.
        if let Some(v) = versions.last() {
            submission.summary = v.summary.clone();
            submission.body = v.body.clone();
            submission.activities = v.activities;
            submission.participants = v.participants;
            submission.publicity_items = v.publicity_items;
        }
    }
    let (sources, index) = if submission.compiled {
        let sources = tasks::rollup_sources(&app.db, id).await?;
        let index = compiled_index(app, &task, submission.org_id, &sources).await?;
        (sources, index)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut files = tasks::submission_files(&app.db, id).await?;
    if !own {
        files.retain(|f| f.version > 0);
    }
    let may_edit =
        me.actor().may(Action::Act, &path).is_ok() && own && submission.status.is_editable();
    let plan_activities = plan_activities(app, &task, submission.org_id).await?;
    Ok(SubmissionView {
        collectors_summary: is_collectors_summary(&task, submission.org_id),
        returned: return_note(submission.status, &versions),
        plan_activities,
        // A stream task's items are reviewed one by one; its submission only marks that the
        // unit has sent something.
        may_review: reviews(me, &task.submit_to_path)
            && submission.status.is_under_review()
            && !task.kind.is_stream(),
        may_edit,
        own,
        task,
        submission,
        versions,
        sources,
        index,
        files,
    })
}

/// File `pos` of version `version` (0: the working copy) of a submission, with its bytes
/// as a stream, for whoever may read that version: the working copy only for its own organisation, a
/// version sent also for those who collect the task.
pub async fn submission_file(
    app: &App,
    me: &Caller,
    id: i64,
    version: i32,
    pos: i32,
) -> Result<(StoredFile, FileStream), AppError> {
    let v = submission_view(app, me, id).await?;
    let f = v
        .files
        .iter()
        .find(|f| f.version == version && f.position == pos)
        .ok_or(AppError::NotFound)?;
    let file = files::get(&app.db, f.file_id).await?;
    let bytes = app.files.stream(&file).await?;
    // A submission's files are the reporting organisation's: who read them is recorded.
    crate::audit::read(
        app,
        "files",
        file.id,
        Some(("submissions", id)),
        serde_json::json!({ "name": file.name, "version": version, "position": pos }),
    )
    .await?;
    Ok((file, bytes))
}

/// What the receiving side decides.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ReviewForm {
    /// `accept` or `return`.
    #[serde(default)]
    pub decision: String,
    /// Required when returning.
    #[serde(default)]
    pub reason: String,
}

/// Accepts or returns (with a reason) the version under review: Act on the submit-to
/// organisation.
pub async fn review_submission(
    app: &App,
    me: &Caller,
    id: i64,
    f: &ReviewForm,
) -> Result<Submission, AppError> {
    let sub = tasks::submission(&app.db, id).await?;
    let task = tasks::get(&app.db, sub.task_id).await?;
    if !reviews(me, &task.submit_to_path) {
        return Err(AppError::Forbidden);
    }
    let (decision, reason) = match f.decision.trim() {
        "accept" => (Decision::Accept, None),
        "return" => (Decision::Return, Some(parse_reason(&f.reason)?)),
        other => {
            return Err(FieldError::new("decision", "unknown_value")
                .with("value", other)
                .into());
        }
    };
    Ok(tasks::decide(
        &app.db,
        id,
        decision,
        reason.as_deref(),
        me.id,
        app.clock.now(),
    )
    .await?)
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct PaperForm {
    /// The date the paper copy arrived, e.g. 2022-06-24.
    #[serde(default)]
    pub received_on: String,
}

/// Records receipt of the paper copy: Act on the submit-to organisation.
pub async fn record_paper(
    app: &App,
    me: &Caller,
    id: i64,
    f: &PaperForm,
) -> Result<Submission, AppError> {
    let sub = tasks::submission(&app.db, id).await?;
    let task = tasks::get(&app.db, sub.task_id).await?;
    if !reviews(me, &task.submit_to_path) {
        return Err(AppError::Forbidden);
    }
    let on = renke_domain::campaign::parse_date("received_on", &f.received_on)?;
    Ok(tasks::record_paper(&app.db, id, on, me.id, app.clock.now()).await?)
}

/// A dashboard with the node it is shown at and the way back up.
pub struct DashboardView {
    pub scope: Scope,
    pub title: String,
    pub deadline: Option<Deadline>,
    pub node: Org,
    /// From the top of what the account may see down to the node's parent.
    pub breadcrumbs: Vec<Org>,
    pub dashboard: Dashboard,
    pub recipients: Page<ExpectedRow>,
    pub filter: Filter,
    pub now: DateTime<Utc>,
    /// Some task of the scope asks for a paper copy: the list shows whose has arrived.
    pub paper_required: bool,
}

/// The live dashboard of a task (with its relays) or of every task of a notice, at `node`
/// (default: the task's submit-to organisation or the notice's issuer), counting the relay
/// levels `levels`. The node lies in that organisation's subtree (403 otherwise), and the
/// breadcrumbs start there.
#[allow(clippy::too_many_arguments)]
pub async fn dashboard(
    app: &App,
    me: &Caller,
    scope: Scope,
    levels: Levels,
    node: Option<i64>,
    filter: Filter,
    offset: i64,
    limit: i64,
) -> Result<DashboardView, AppError> {
    let (top_id, top_path, title, deadline, paper_required) = match scope {
        Scope::Task(id) => {
            let t = tasks::get(&app.db, id).await?;
            (
                t.submit_to_org_id,
                t.submit_to_path.clone(),
                t.title.clone(),
                t.deadline,
                t.paper_required,
            )
        }
        Scope::Notice(id) => {
            let n = notices::get(&app.db, id).await?;
            let paper = tasks::for_notice(&app.db, id)
                .await?
                .iter()
                .any(|t| t.paper_required);
            (
                n.issuer_org_id,
                n.issuer_path.clone(),
                n.title.clone(),
                None,
                paper,
            )
        }
    };
    if !collects(me, &top_path) {
        return Err(AppError::Forbidden);
    }
    // The unit with its ancestors (the breadcrumbs) in one statement.
    let orgs::Placed {
        org: node,
        chain: mut breadcrumbs,
        ..
    } = orgs::placed(&app.db, node.unwrap_or(top_id)).await?;
    if !node.path.is_within(&top_path) {
        return Err(AppError::Forbidden);
    }
    breadcrumbs.retain(|a| a.id != node.id && a.path.is_within(&top_path));
    let now = app.clock.now();
    let dashboard = tasks::dashboard(&app.db, scope, levels, node.id, &node.path, now).await?;
    let recipients = tasks::recipients(&app.db, &dashboard, filter, offset, limit).await?;
    Ok(DashboardView {
        scope,
        title,
        deadline,
        node,
        breadcrumbs,
        dashboard,
        recipients,
        filter,
        now,
        paper_required,
    })
}

/// The organiser's home: what the account's organisation must report, and what it (or, for
/// a department, its bureau) collects.
pub async fn home(app: &App, me: &Caller) -> Result<(Vec<Due>, Vec<Collecting>), AppError> {
    me.actor().may(Action::View, &me.org_path)?;
    let due = tasks::due_for(&app.db, me.org_id, 20).await?;
    // A department collects for its bureau too (see `Actor::bureau`).
    let bureau = me.actor().bureau();
    let collectors: Vec<i64> = std::iter::once((me.org_id, me.org_path.clone()))
        .chain(bureau.and_then(|b| Some((b.ids().last()?, b))))
        .filter(|(_, path)| collects(me, path))
        .map(|(id, _)| id)
        .collect();
    let collecting = tasks::collecting(&app.db, &collectors, 20).await?;
    Ok((due, collecting))
}

/// Roll-up: compiles the accepted submissions that organisation `org_id` collected through
/// its relays of `task_id` into a draft of its own submission for `task_id` — per-unit
/// summaries, a table of the activities and figures reported, an index of the materials —
/// to be edited and sent upward; or, where `org_id` collects `task_id` at the top of its
/// chain, the answers to `task_id` itself into its summary (see [`is_collectors_summary`]).
/// `org_id` defaults to the account's organisation, or to the task's collector when the
/// account works for it (a department for its bureau). Refuses `nothing_to_compile` when
/// nothing was accepted yet.
pub async fn compile(
    app: &App,
    me: &Caller,
    task_id: i64,
    org_id: Option<i64>,
) -> Result<Submission, AppError> {
    let task = tasks::get(&app.db, task_id).await?;
    let org = orgs::get(&app.db, org_id.unwrap_or(answering_org(me, &task))).await?;
    me.actor().may(Action::Act, &org.path)?;
    let sources = tasks::accepted_below(&app.db, task_id, org.id).await?;
    if sources.is_empty() {
        return Err(AppError::Conflict("nothing_to_compile"));
    }
    let (linked, own) = report_activities(app, &task, org.id, &sources).await?;
    let content = compiled_content(&task, &org, &sources, &linked, &own);
    let ids: Vec<(i64, i32)> = sources
        .iter()
        .map(|s| (s.submission_id, s.version))
        .collect();
    Ok(tasks::write(
        &app.db,
        &task,
        org.id,
        &content,
        Write::Draft,
        Some(&ids),
        FileChanges::NONE,
        me.id,
        app.clock.now(),
    )
    .await?)
}

/// The activities a compiled report of organisation `org_id` for `task` covers: for an
/// activity plan (活动方案), those each source unit linked to the task it answered; and the
/// organisation's own (see [`renke_store::activities::own_for_task`]).
async fn report_activities(
    app: &App,
    task: &Task,
    org_id: i64,
    sources: &[Source],
) -> Result<(Vec<LinkedActivity>, Vec<LinkedActivity>), AppError> {
    let mut linked = Vec::new();
    if task.kind == TaskKind::Plan {
        for s in sources {
            linked.extend(
                renke_store::activities::linked_to_task(&app.db, s.task_id, Some(s.org_id)).await?,
            );
        }
    }
    let own = renke_store::activities::own_for_task(&app.db, org_id, task.id).await?;
    Ok((linked, own))
}

/// One entry of a compiled report's index of materials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub unit: String,
    pub title: String,
    /// 报送内容, 附件, 活动, 通知附件, 会场链接, 线上链接.
    pub kind: &'static str,
    /// The version of the unit's submission it came with.
    pub version: Option<i32>,
    /// Where to open it: a path on this server or, for an online link, its address.
    pub href: Option<String>,
}

/// The index of materials of a compiled submission of organisation `org_id` for `task`,
/// drawn from its sources as they stand: each unit's accepted version and the files sent
/// with it, then the activities the report covers with their own materials.
pub async fn compiled_index(
    app: &App,
    task: &Task,
    org_id: i64,
    sources: &[Source],
) -> Result<Vec<IndexEntry>, AppError> {
    let mut out = Vec::new();
    for s in sources {
        out.push(IndexEntry {
            unit: s.org_name.clone(),
            title: format!("报送内容{}", if s.late { "（逾期报送）" } else { "" }),
            kind: "报送内容",
            version: Some(s.version),
            href: Some(format!("/tasks/submissions/{}", s.submission_id)),
        });
        for f in tasks::version_files(&app.db, s.submission_id, s.version).await? {
            out.push(IndexEntry {
                unit: s.org_name.clone(),
                title: f.name.clone(),
                kind: "附件",
                version: Some(f.version),
                href: Some(format!(
                    "/tasks/submissions/{}/files/{}/{}",
                    f.submission_id, f.version, f.position
                )),
            });
        }
    }
    let (linked, own) = report_activities(app, task, org_id, sources).await?;
    let activities: Vec<&LinkedActivity> = own.iter().chain(&linked).collect();
    let ids: Vec<i64> = activities.iter().map(|a| a.id).collect();
    let materials = renke_store::activities::materials_of(&app.db, &ids).await?;
    for a in activities {
        out.push(IndexEntry {
            unit: a.owner_name.clone(),
            title: a.title.clone(),
            kind: "活动",
            version: None,
            href: Some(format!("/activities/{}", a.id)),
        });
        for m in materials.iter().filter(|m| m.activity_id == a.id) {
            out.push(IndexEntry {
                unit: a.owner_name.clone(),
                title: m.title.clone(),
                kind: match m.kind {
                    "notice_attachment" => "通知附件",
                    "venue_link" => "会场链接",
                    _ => "线上链接",
                },
                version: None,
                href: Some(m.link.clone()),
            });
        }
    }
    Ok(out)
}

/// The compiled draft: a summary sentence within the task's length, and the report text —
/// each unit's summary, the figures as a table (`|` between cells, which the page and the
/// PDF draw as a table), the activities of an activity plan and the organisation's own,
/// and the heading under which the index of materials is drawn from the sources.
fn compiled_content(
    task: &Task,
    org: &Org,
    sources: &[Source],
    linked: &[LinkedActivity],
    own: &[LinkedActivity],
) -> SubmissionContent {
    let sum = |f: fn(&Source) -> Option<i64>| -> Option<i64> {
        let v: Vec<i64> = sources.iter().filter_map(f).collect();
        (!v.is_empty()).then(|| v.iter().sum())
    };
    let activities = sum(|s| s.activities);
    let participants = sum(|s| s.participants);
    let publicity = sum(|s| s.publicity_items);
    let fig = |n: Option<i64>| n.map_or_else(|| "—".to_owned(), |n| n.to_string());
    let mut summary = format!(
        "{}汇总{}个单位报送的{}：共开展活动{}场，参与{}人次，宣传报道{}篇。",
        org.name,
        sources.len(),
        task.title,
        fig(activities),
        fig(participants),
        fig(publicity)
    );
    if let Some(rule) = task.length {
        summary = summary.chars().take(rule.max()).collect();
    }
    let mut section = 0;
    let mut heading = |body: &mut String, title: &str| {
        section += 1;
        body.push_str(&format!("{}、{title}\n", chinese_number(section)));
    };
    let mut body = String::new();
    heading(&mut body, "各单位报送情况");
    for (i, s) in sources.iter().enumerate() {
        body.push_str(&format!(
            "（{}）{}\n{}\n",
            chinese_number(i + 1),
            s.org_name,
            s.summary
                .as_deref()
                .or(s.body.as_deref())
                .unwrap_or("（无摘要）")
        ));
    }
    heading(&mut body, "活动和数据汇总");
    body.push_str("单位 | 活动（场） | 参与（人次） | 宣传报道（篇）\n");
    for s in sources {
        body.push_str(&format!(
            "{} | {} | {} | {}\n",
            s.org_name,
            fig(s.activities),
            fig(s.participants),
            fig(s.publicity_items)
        ));
    }
    body.push_str(&format!(
        "合计 | {} | {} | {}\n",
        fig(activities),
        fig(participants),
        fig(publicity)
    ));
    let table = |body: &mut String, list: &[LinkedActivity]| {
        body.push_str("单位 | 活动 | 时间 | 报名（人） | 签到（人）\n");
        for a in list {
            body.push_str(&format!(
                "{} | {} | {} | {} | {}\n",
                a.owner_name,
                a.title,
                a.schedule().label_zh(),
                a.registrations,
                a.checked_in
            ));
        }
        body.push_str(&format!(
            "合计 | {}项 | — | {} | {}\n",
            list.len(),
            list.iter().map(|a| a.registrations).sum::<i64>(),
            list.iter().map(|a| a.checked_in).sum::<i64>()
        ));
    };
    if !linked.is_empty() {
        body.push_str("列入活动方案的活动\n");
        table(&mut body, linked);
    }
    if !own.is_empty() {
        heading(&mut body, &format!("{}开展的活动", org.name));
        table(&mut body, own);
    }
    heading(&mut body, "材料索引");
    SubmissionContent {
        summary: Summary::parse("summary", &summary).ok().flatten(),
        body: Some(body.trim_end().to_owned()),
        activities,
        participants,
        publicity_items: publicity,
    }
}

fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", D[n - 10]),
        20..=99 => format!(
            "{}十{}",
            D[n / 10],
            if n.is_multiple_of(10) { "" } else { D[n % 10] }
        ),
        _ => n.to_string(),
    }
}

/// One task of the original to relay with a notice (转发), with the relaying bureau's own
/// deadline (Shanghai time, as for a task).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, schemars::JsonSchema)]
pub struct RelayTaskForm {
    /// The original's task.
    pub task_id: i64,
    /// The relayed task's deadline; must come before the original's. Blank: not relayed now.
    #[serde(default)]
    pub deadline: String,
}

/// The tasks of notice `original_id` that organisation `org_id` received, which its relay
/// of the notice offers to relay.
pub async fn relayable(app: &App, original_id: i64, org_id: i64) -> Result<Vec<Task>, AppError> {
    let mut out = Vec::new();
    for t in tasks::for_notice(&app.db, original_id).await? {
        if tasks::is_recipient(&app.db, t.id, org_id).await? {
            out.push(t);
        }
    }
    Ok(out)
}

/// Validates the tasks relayed with a notice: each must be a task of the original that the
/// relaying bureau received (`not_relayed_task`), relayed once, with a deadline in the
/// future and before the original task's (`deadline_not_before_parent` with the date it
/// must precede). Errors are on `relay_tasks[i].task_id` / `relay_tasks[i].deadline`. The
/// relayed task keeps the original's kind, title, rules and paper requirement, is submitted
/// to the relaying bureau and goes to every recipient of the relay notice.
pub async fn relay_drafts(
    app: &App,
    original_id: i64,
    issuer: &Org,
    items: &[RelayTaskForm],
) -> Result<Vec<(i64, renke_domain::task::TaskDraft)>, AppError> {
    let offered = relayable(app, original_id, issuer.id).await?;
    let now = app.clock.now();
    let mut errs = Invalid::default();
    let mut out: Vec<(i64, renke_domain::task::TaskDraft)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if item.deadline.trim().is_empty() {
            continue;
        }
        let Some(parent) = offered.iter().find(|t| t.id == item.task_id) else {
            errs.push(
                FieldError::new(format!("relay_tasks[{i}].task_id"), "not_relayed_task")
                    .with("value", item.task_id),
            );
            continue;
        };
        if out.iter().any(|(p, _)| *p == parent.id) {
            errs.push(FieldError::new(
                format!("relay_tasks[{i}].task_id"),
                "task_already_relayed",
            ));
            continue;
        }
        let input = TaskInput {
            kind: parent.kind.as_str().to_owned(),
            title: parent.title.clone(),
            instructions: parent.instructions.clone().unwrap_or_default(),
            deadline: item.deadline.clone(),
            timely: false,
            submit_to_org_id: issuer.id,
            submit_to_dept: String::new(),
            length_target: parent
                .length
                .map(|l| l.target.to_string())
                .unwrap_or_default(),
            length_tolerance: parent
                .length
                .map(|l| l.tolerance.to_string())
                .unwrap_or_default(),
            attachments: parent.attachments.as_str().to_owned(),
            attachment_types: parent.attachment_types.join(","),
            attachment_max_mb: (parent.attachment_max_bytes / 1024 / 1024).to_string(),
            paper_required: parent.paper_required,
            recipient_org_ids: Vec::new(),
        };
        match input.validate(now, parent.deadline) {
            Ok(d) => out.push((parent.id, d)),
            Err(e) => errs.0.extend(e.under(&format!("relay_tasks[{i}]")).0),
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Invalid(errs))
    }
}

/// A form prefilled to relay `parent` onto the account's relay notice: its own deadline is
/// left for the bureau to set (it must be earlier).
pub fn relay_form(parent: &Task) -> TaskForm {
    TaskForm {
        kind: parent.kind.as_str().to_owned(),
        title: parent.title.clone(),
        instructions: parent.instructions.clone().unwrap_or_default(),
        parent_task_id: Some(parent.id),
        ..Default::default()
    }
}

/// 字数 of a text as its reader counts it (see [`renke_domain::text::reading_len`]), for
/// counters on pages and the length rule.
pub fn count_chars(s: &str) -> usize {
    renke_domain::text::reading_len(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn chinese_numbers() {
        assert_eq!(super::chinese_number(1), "一");
        assert_eq!(super::chinese_number(12), "十二");
        assert_eq!(super::chinese_number(20), "二十");
        assert_eq!(super::chinese_number(21), "二十一");
    }
}
