//! Reporting (报送) pages: my tasks, a notice's tasks with the forms to add or relay one, a
//! task with its submission form, a submission with its versions and the review forms, and
//! the live dashboard with drill-down.

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
use renke_app::model::{Collecting, Counts, Due, Filter, Levels, Scope, Task};
use renke_app::reporting::tasks::{
    self as svc, DashboardView, PaperForm, ReviewForm, SubmissionView, TaskForm, TaskView,
};
use renke_domain::file::human_size;
use renke_domain::task::{AttachmentRule, Chip, Deadline, SubmissionInput, TaskKind};
use serde::Deserialize;

fn chip_label(c: &Chrome, chip: Chip) -> &'static str {
    if c.tr.is_zh() { chip.zh() } else { chip.en() }
}

// ---------------------------------------------------------------- my tasks

#[derive(Template)]
#[template(path = "tasks.html")]
struct MinePage {
    c: Chrome,
    due: Vec<Due>,
    collecting: Vec<Collecting>,
    now: DateTime<Utc>,
}

impl MinePage {
    fn chip(&self, d: &Due) -> (&'static str, &'static str) {
        let chip = d.chip(self.now);
        (chip.colour(), chip_label(&self.c, chip))
    }
}

pub async fn mine(State(state): State<AppState>, user: User) -> Result<Response, PageError> {
    let (due, collecting) = svc::home(&state, &user.account).await?;
    Ok(render(&MinePage {
        c: Chrome::new(&user.ctx, "tasks", user.ctx.tr.pick("报送", "Reporting")),
        due,
        collecting,
        now: state.clock.now(),
    }))
}

// ---------------------------------------------------------------- a notice's tasks

/// The task form as posted.
#[derive(Deserialize, Default)]
pub struct TaskPageForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    instructions: String,
    #[serde(default)]
    deadline: String,
    /// The 及时报送 checkbox.
    #[serde(default)]
    timely: Option<String>,
    #[serde(default)]
    submit_to_code: String,
    #[serde(default)]
    submit_to_dept: String,
    #[serde(default)]
    length_target: String,
    #[serde(default)]
    length_tolerance: String,
    #[serde(default)]
    attachments: String,
    #[serde(default)]
    attachment_types: String,
    #[serde(default)]
    attachment_max_mb: String,
    #[serde(default)]
    paper_required: Option<String>,
    /// Organisation codes, one per line or separated by spaces; empty = all recipients.
    #[serde(default)]
    recipients: String,
    #[serde(default)]
    parent_task_id: String,
}

impl TaskPageForm {
    fn to_service(&self) -> TaskForm {
        TaskForm {
            kind: self.kind.clone(),
            title: self.title.clone(),
            instructions: self.instructions.clone(),
            deadline: self.deadline.clone(),
            timely: self.timely.is_some(),
            submit_to_code: self.submit_to_code.clone(),
            submit_to_dept: self.submit_to_dept.clone(),
            length_target: self.length_target.clone(),
            length_tolerance: self.length_tolerance.clone(),
            attachments: self.attachments.clone(),
            attachment_types: self.attachment_types.clone(),
            attachment_max_mb: self.attachment_max_mb.clone(),
            paper_required: self.paper_required.is_some(),
            recipient_codes: self
                .recipients
                .split([',', '，', ' ', '\n', '\r', '、'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            parent_task_id: self.parent_task_id.trim().parse().ok(),
        }
    }
}

#[derive(Template)]
#[template(path = "notice_tasks.html")]
struct NoticeTasksPage {
    c: Chrome,
    notice_id: i64,
    notice_title: String,
    tasks: Vec<Task>,
    /// Tasks of the relayed notice not yet relayed here.
    to_relay: Vec<Task>,
    may_manage: bool,
    /// The tasks whose dashboard the caller may open (it collects them).
    dashboards: Vec<i64>,
    f: TaskPageForm,
    errors: Errors,
    /// Organisations to pick for 报送至 (code, name).
    orgs: Vec<(String, String)>,
    /// The notice's addressees by name, to tick as a task's recipients (empty before the
    /// notice is issued: the recipients are then typed).
    addressees: Vec<String>,
}

impl NoticeTasksPage {
    /// Whether addressee `name` is among the recipients typed or ticked.
    fn picked(&self, name: &str) -> bool {
        self.f
            .recipients
            .split([',', '，', '\n', '\r', '、'])
            .any(|r| r.trim() == name)
    }
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        TaskKind::ALL
            .iter()
            .map(|k| (k.as_str(), if self.c.tr.is_zh() { k.zh() } else { k.en() }))
            .collect()
    }
    fn rules(&self) -> Vec<(&'static str, &'static str)> {
        AttachmentRule::ALL
            .iter()
            .map(|k| (k.as_str(), if self.c.tr.is_zh() { k.zh() } else { k.en() }))
            .collect()
    }
    fn kind_label(&self, t: &Task) -> &'static str {
        if self.c.tr.is_zh() {
            t.kind.zh()
        } else {
            t.kind.en()
        }
    }
}

async fn notice_tasks_page(
    state: &AppState,
    user: &User,
    id: i64,
    f: TaskPageForm,
    errors: Errors,
) -> Result<NoticeTasksPage, PageError> {
    let v = renke_app::notices::notice_view(state, Some(&user.account), id).await?;
    let tasks = svc::notice_tasks(state, Some(&user.account), id).await?;
    let may_manage = v.may_edit || renke_app::notices::may_manage_issuer(&user.account, &v.notice);
    let to_relay = match (&v.notice.relays_id, may_manage) {
        (Some(orig), true) => svc::notice_tasks(state, Some(&user.account), *orig)
            .await?
            .into_iter()
            .filter(|p| !tasks.iter().any(|t| t.parent_task_id == Some(p.id)))
            .collect(),
        _ => Vec::new(),
    };
    let issued = v.notice.is_issued();
    let dashboards = tasks
        .iter()
        .filter(|t| svc::collects(&user.account, &t.submit_to_path))
        .map(|t| t.id)
        .collect();
    Ok(NoticeTasksPage {
        c: Chrome::new(
            &user.ctx,
            "tasks",
            user.ctx.tr.pick("报送任务", "Reporting tasks"),
        ),
        notice_id: id,
        notice_title: v.notice.title,
        tasks,
        to_relay,
        orgs: if may_manage {
            renke_app::orgs::directory_choices(state, &user.account, 500).await?
        } else {
            Vec::new()
        },
        addressees: if may_manage && issued {
            match renke_app::notices::notice_status(state, &user.account, id).await {
                Ok(st) => st
                    .rows
                    .into_iter()
                    .filter(|r| r.depth == 0)
                    .map(|r| r.org_name)
                    .collect(),
                Err(AppError::Forbidden) => Vec::new(),
                Err(e) => return Err(e.into()),
            }
        } else {
            Vec::new()
        },
        may_manage,
        dashboards,
        f,
        errors,
    })
}

pub async fn notice_tasks(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let f = TaskPageForm {
        attachments: "allowed".into(),
        ..Default::default()
    };
    Ok(render(
        &notice_tasks_page(&state, &user, id, f, Errors::default()).await?,
    ))
}

pub async fn create_task(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    // The form's fields, with the addressees ticked (`recipient`, one per box) as the
    // recipients (by name).
    let (picked, rest): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| k == "recipient");
    let encoded = serde_urlencoded::to_string(&rest)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    let mut pf: TaskPageForm = serde_urlencoded::from_str(&encoded).map_err(|e| {
        AppError::from(
            renke_domain::FieldError::new("kind", "unknown_value").with("value", e.to_string()),
        )
    })?;
    if !picked.is_empty() {
        pf.recipients = picked
            .into_iter()
            .map(|(_, v)| v)
            .collect::<Vec<_>>()
            .join("\n");
    }
    match svc::create_task(&state, &user.account, id, &pf.to_service()).await {
        Ok(t) => Ok(Redirect::to(&format!("/tasks/{}", t.id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = notice_tasks_page(&state, &user, id, pf, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- a task

/// The submission form as posted; `action` is `draft` or `submit`.
#[derive(Deserialize, Default)]
pub struct SubmissionPageForm {
    #[serde(flatten)]
    input: SubmissionInput,
    /// `draft`, `review` (the 报送 button: checked, then previewed for confirmation) or
    /// `submit` (send now).
    #[serde(default)]
    action: String,
    /// Positions of attached files to remove (check boxes, joined with commas).
    #[serde(default)]
    remove: String,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    c: Chrome,
    v: TaskView,
    f: SubmissionPageForm,
    errors: Errors,
    now: DateTime<Utc>,
}

impl TaskPage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    fn t(&self) -> &Task {
        &self.v.task
    }
    /// An activity plan task (活动方案), which lists the unit's linked activities.
    fn is_plan(&self) -> bool {
        self.v.task.kind == TaskKind::Plan
    }
    fn kind_label(&self) -> &'static str {
        if self.c.tr.is_zh() {
            self.v.task.kind.zh()
        } else {
            self.v.task.kind.en()
        }
    }
    fn attachments_label(&self) -> &'static str {
        let a = self.v.task.attachments;
        if self.c.tr.is_zh() { a.zh() } else { a.en() }
    }
    /// Whether the form takes files.
    fn takes_files(&self) -> bool {
        self.v.task.attachments != AttachmentRule::None
    }
    fn files_required(&self) -> bool {
        self.v.task.attachments == AttachmentRule::Required
    }
    /// The `accept` list of the file input: `.pdf,.docx,…`.
    fn accept(&self) -> String {
        svc::upload_rule(&self.v.task)
            .kinds
            .iter()
            .map(|k| format!(".{}", k.as_str()))
            .collect::<Vec<_>>()
            .join(",")
    }
    fn max_size(&self) -> String {
        human_size(self.v.task.attachment_max_bytes.max(0) as u64)
    }
    fn size(&self, bytes: impl std::borrow::Borrow<i64>) -> String {
        human_size((*bytes.borrow()).max(0) as u64)
    }
    fn summary_chars(&self) -> usize {
        svc::count_chars(&self.f.input.summary)
    }
    /// The summary as typed lies outside the task's 字数 range: sending asks to confirm.
    fn length_off(&self) -> bool {
        let n = self.summary_chars();
        n > 0 && self.v.task.length.is_some_and(|l| !l.fits(n))
    }
    /// Whether the attached file at `position` was ticked for removal (kept ticked when the
    /// form comes back with errors).
    fn removing(&self, position: &i32) -> bool {
        svc::parse_removals(&self.f.remove).is_ok_and(|r| r.contains(position))
    }
    fn my_chip(&self) -> (&'static str, &'static str) {
        let s = self.v.mine.as_ref();
        let chip = Chip::of(
            self.v.task.deadline.map(Deadline::at),
            s.and_then(|s| s.first_submitted_at.filter(|_| s.has_submitted())),
            s.is_some_and(|s| s.status.is_returned()),
            s.is_some_and(|s| s.status.is_accepted()),
            self.now,
        );
        (chip.colour(), chip_label(&self.c, chip))
    }
}

async fn task_page(
    state: &AppState,
    user: &User,
    id: i64,
    f: Option<SubmissionPageForm>,
    errors: Errors,
) -> Result<TaskPage, PageError> {
    let v = svc::task_view(state, &user.account, id).await?;
    let f = f.unwrap_or_else(|| match &v.mine {
        Some(s) => SubmissionPageForm {
            input: svc::submission_input(s),
            ..SubmissionPageForm::default()
        },
        None => SubmissionPageForm::default(),
    });
    Ok(TaskPage {
        c: Chrome::new(&user.ctx, "tasks", v.task.title.clone()),
        v,
        f,
        errors,
        now: state.clock.now(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    Ok(render(
        &task_page(&state, &user, id, None, Errors::default()).await?,
    ))
}

pub async fn save_submission(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let (pf, files): (SubmissionPageForm, _) = super::read_form_with_files(req).await?;
    let save = match pf.action.as_str() {
        "submit" => svc::Save::Submit,
        "review" => svc::Save::Review,
        _ => svc::Save::Draft,
    };
    let saved = match svc::parse_removals(&pf.remove) {
        Ok(remove) => {
            svc::save_submission(
                &state,
                &user.account,
                id,
                None,
                &pf.input,
                &files,
                &remove,
                save,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(s) => Ok(Redirect::to(&match save {
            svc::Save::Submit => format!("/tasks/submissions/{}", s.id),
            svc::Save::Review => format!("/tasks/submissions/{}/confirm", s.id),
            svc::Save::Draft => format!("/tasks/{id}"),
        })
        .into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = task_page(&state, &user, id, Some(pf), errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn compile(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let s = svc::compile(&state, &user.account, id, None).await?;
    Ok(Redirect::to(&format!("/tasks/{}#submission", s.task_id)).into_response())
}

// ---------------------------------------------------------------- a submission

#[derive(Template)]
#[template(path = "submission.html")]
struct SubmissionPage {
    c: Chrome,
    v: SubmissionView,
    errors: Errors,
}

impl SubmissionPage {
    /// The summary's 字数, and whether it fits the task's rule (if it has one).
    fn length(&self) -> Option<(usize, renke_domain::task::LengthRule, bool)> {
        let rule = self.v.task.length?;
        let n = svc::count_chars(self.v.submission.summary.as_deref()?);
        Some((n, rule, rule.fits(n)))
    }
    fn is_plan(&self) -> bool {
        self.v.task.kind == TaskKind::Plan
    }
    /// A compiled report's text as headings, paragraphs and tables, with the place of its
    /// index of materials.
    fn blocks(&self) -> Vec<renke_domain::report_text::Block<'_>> {
        renke_domain::report_text::blocks(self.v.submission.body.as_deref().unwrap_or(""))
    }
    /// Where an index entry opens: a path on this server or a web address, nothing else.
    fn href<'a>(&self, e: &'a svc::IndexEntry) -> Option<&'a str> {
        e.href.as_deref().filter(|h| {
            (h.starts_with('/') && !h.starts_with("//"))
                || h.starts_with("https://")
                || h.starts_with("http://")
        })
    }
    /// Fields with an input next to them (the others are listed at the top).
    fn shown(&self) -> &'static [&'static str] {
        &["reason", "received_on"]
    }
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    fn status_label(&self) -> &'static str {
        let s = self.v.submission.status();
        if self.c.tr.is_zh() { s.zh() } else { s.en() }
    }
    fn status_colour(&self) -> &'static str {
        use renke_domain::task::SubmissionStatus as S;
        match self.v.submission.status {
            S::Accepted => "green",
            S::Returned => "yellow",
            S::Submitted => "green",
            S::Draft => "grey",
        }
    }
}

async fn submission_page(
    state: &AppState,
    user: &User,
    id: i64,
    errors: Errors,
) -> Result<SubmissionPage, PageError> {
    let v = svc::submission_view(state, &user.account, id).await?;
    let title = format!("{} · {}", v.task.title, v.submission.org_name);
    Ok(SubmissionPage {
        c: Chrome::new(&user.ctx, "tasks", title),
        v,
        errors,
    })
}

pub async fn submission(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    Ok(render(
        &submission_page(&state, &user, id, Errors::default()).await?,
    ))
}

async fn or_form_error<T>(
    state: &AppState,
    user: &User,
    id: i64,
    r: Result<T, AppError>,
) -> Result<Response, PageError> {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/tasks/submissions/{id}")).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = submission_page(state, user, id, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn review(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let r = svc::review_submission(&state, &user.account, id, &f).await;
    or_form_error(&state, &user, id, r).await
}

pub async fn paper(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<PaperForm>,
) -> Result<Response, PageError> {
    let r = svc::record_paper(&state, &user.account, id, &f).await;
    or_form_error(&state, &user, id, r).await
}

/// A file of a submission, under the submission's read permission.
pub async fn submission_file(
    State(state): State<AppState>,
    user: User,
    PagePath((id, version, pos)): PagePath<(i64, i32, i32)>,
) -> Result<Response, PageError> {
    let (file, bytes) = svc::submission_file(&state, &user.account, id, version, pos).await?;
    Ok(crate::download::stored(&file, bytes))
}

#[derive(Template)]
#[template(path = "submission_confirm.html")]
struct ConfirmPage {
    c: Chrome,
    v: SubmissionView,
    /// The working copy's files: what the new version will carry.
    files: Vec<renke_app::model::SubmissionFile>,
}

impl ConfirmPage {
    fn chars(&self) -> usize {
        svc::count_chars(self.v.submission.summary.as_deref().unwrap_or(""))
    }
    fn size(&self, bytes: &i64) -> String {
        human_size((*bytes).max(0) as u64)
    }
    fn deadline(&self) -> String {
        crate::view::due(&self.c.tr, &self.v.task.deadline)
    }
    /// The summary's 字数 is outside the task's rule (the preview says so).
    fn length_off(&self) -> bool {
        self.v.task.length.is_some_and(|l| !l.fits(self.chars()))
    }
}

/// The preview before 报送: exactly what the new version will carry — the working copy's
/// text, figures and files — with the button that sends it.
pub async fn confirm(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let v = svc::submission_view(&state, &user.account, id).await?;
    if !v.own || !v.may_edit {
        return Ok(Redirect::to(&format!("/tasks/submissions/{id}")).into_response());
    }
    let files = v.files.iter().filter(|f| f.version == 0).cloned().collect();
    let page = ConfirmPage {
        c: Chrome::new(
            &user.ctx,
            "tasks",
            user.ctx.tr.pick("确认报送", "Confirm submission"),
        ),
        v,
        files,
    };
    Ok(render(&page))
}

pub async fn submit_current(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let r = svc::submit_current(&state, &user.account, id).await;
    or_form_error(&state, &user, id, r).await
}

// ---------------------------------------------------------------- dashboards

#[derive(Deserialize, Default)]
pub struct DashQuery {
    org: Option<i64>,
    #[serde(default)]
    filter: String,
    /// `all`: count every relay level; otherwise the scope's own addressees.
    #[serde(default)]
    levels: String,
    #[serde(default)]
    offset: i64,
}

#[derive(Template)]
#[template(path = "task_dashboard.html")]
struct DashboardPage {
    c: Chrome,
    v: DashboardView,
    base: String,
    /// Appended to the page's own links so they keep the levels counted (`&levels=all`).
    lv: &'static str,
    pager: Pager,
}

impl DashboardPage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    fn chip(&self, k: &Counts) -> (&'static str, &'static str) {
        let chip = k.chip();
        (chip.colour(), chip_label(&self.c, chip))
    }
    fn row_chip(&self, r: &renke_app::model::ExpectedRow) -> (&'static str, &'static str) {
        let chip = r.chip(self.v.now);
        (chip.colour(), chip_label(&self.c, chip))
    }
    fn status_label(&self, s: &Option<renke_domain::task::SubmissionStatus>) -> &'static str {
        match s {
            Some(st) if self.c.tr.is_zh() => st.zh(),
            Some(st) => st.en(),
            None => self.c.tr.pick("未报送", "Not submitted"),
        }
    }
    fn filters(&self) -> Vec<(&'static str, &'static str, bool)> {
        [
            (Filter::All, "全部", "All"),
            (Filter::Missing, "未报送", "Missing"),
            (Filter::Late, "逾期报送", "Late"),
            (Filter::Returned, "退回修改", "Returned"),
            (Filter::Submitted, "已报送", "Submitted"),
            (Filter::PaperMissing, "纸质版未收到", "Paper copy missing"),
        ]
        .into_iter()
        .filter(|(f, _, _)| *f != Filter::PaperMissing || self.v.paper_required)
        .map(|(f, zh, en)| (f.as_str(), self.c.tr.pick(zh, en), f == self.v.filter))
        .collect()
    }
    fn all_levels(&self) -> bool {
        self.v.dashboard.counted == Levels::All
    }
    /// Expected over every level and over the node's own addressees, for the switch.
    fn level_totals(&self) -> (i64, i64) {
        let levels = &self.v.dashboard.levels;
        let direct = levels
            .iter()
            .filter(|l| l.depth == 0)
            .map(|l| l.counts.expected)
            .sum();
        (direct, levels.iter().map(|l| l.counts.expected).sum())
    }
    fn level_label(&self, depth: &i32) -> String {
        match (*depth, self.c.tr.is_zh()) {
            (0, true) => "本级任务".to_owned(),
            (0, false) => "This task".to_owned(),
            (d, true) => format!("第{d}级转发"),
            (d, false) => format!("Relay level {d}"),
        }
    }
}

async fn dashboard(
    state: &AppState,
    user: &User,
    scope: Scope,
    q: DashQuery,
) -> Result<Response, PageError> {
    let filter = Filter::parse(&q.filter);
    let levels = Levels::parse(&q.levels);
    let v = svc::dashboard(
        state,
        &user.account,
        scope,
        levels,
        q.org,
        filter,
        q.offset,
        PAGE_SIZE,
    )
    .await?;
    let base = match scope {
        Scope::Task(id) => format!("/tasks/{id}/dashboard"),
        Scope::Notice(id) => format!("/notices/{id}/dashboard"),
    };
    let lv = match levels {
        Levels::All => "&levels=all",
        Levels::Direct => "",
    };
    let pager = Pager {
        offset: v.recipients.offset,
        limit: v.recipients.limit,
        total: v.recipients.total,
        base: format!("{base}?org={}&filter={}{lv}&", v.node.id, filter.as_str()),
    };
    let title = format!(
        "{} · {}",
        user.ctx.tr.pick("报送情况", "Dashboard"),
        v.title
    );
    Ok(render(&DashboardPage {
        c: Chrome::new(&user.ctx, "tasks", title),
        v,
        base,
        lv,
        pager,
    }))
}

pub async fn task_dashboard(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(q): Query<DashQuery>,
) -> Result<Response, PageError> {
    dashboard(&state, &user, Scope::Task(id), q).await
}

pub async fn notice_dashboard(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(q): Query<DashQuery>,
) -> Result<Response, PageError> {
    dashboard(&state, &user, Scope::Notice(id), q).await
}
