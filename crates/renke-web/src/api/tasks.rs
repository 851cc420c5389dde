//! Reporting (报送): tasks on notices, submissions with versions, review, paper copies,
//! live dashboards and roll-up. API types live here, apart from the store's.

use super::ApiResult;
use super::dto::PageQuery;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::schema::form;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use renke_app::model::{
    Collecting, Counts, Due, ExpectedRow, Filter, Levels, OrgCounts, Scope, Source, Submission,
    SubmissionFile, Task, Version,
};
use renke_app::reporting::tasks::{self as svc, PaperForm, ReviewForm, TaskForm};
use renke_domain::task::SubmissionInput;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A reporting task.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDto {
    pub id: i64,
    pub notice_id: i64,
    /// Null for a notice without one (无文号).
    pub notice_doc_number: Option<String>,
    pub notice_title: String,
    /// The task this one relays (转发), if any.
    pub parent_task_id: Option<i64>,
    /// plan, progress, summary, publicity, case, news, other.
    pub kind: String,
    pub kind_zh: String,
    pub title: String,
    pub instructions: Option<String>,
    /// UTC; null for a task due 及时报送 (`timely`).
    pub deadline: Option<DateTime<Utc>>,
    /// Asia/Shanghai, `2022-06-20 23:59`; null when `timely`.
    pub deadline_shanghai: Option<String>,
    /// 及时报送: the task has no fixed deadline (never overdue or late).
    pub timely: bool,
    pub submit_to_org_id: i64,
    pub submit_to_name: String,
    pub submit_to_dept: Option<String>,
    /// Characters asked for (about), if any.
    pub length_target: Option<u32>,
    /// Most characters accepted.
    pub length_max: Option<usize>,
    /// none, allowed, required.
    pub attachments: String,
    pub attachment_types: Vec<String>,
    pub attachment_max_bytes: i64,
    pub paper_required: bool,
    /// True when the task goes to every recipient of its notice.
    pub all_recipients: bool,
}

impl From<Task> for TaskDto {
    fn from(t: Task) -> Self {
        TaskDto {
            id: t.id,
            notice_id: t.notice_id,
            notice_doc_number: t.notice_doc_number,
            notice_title: t.notice_title,
            parent_task_id: t.parent_task_id,
            kind: t.kind.as_str().to_owned(),
            kind_zh: t.kind.zh().to_owned(),
            title: t.title,
            instructions: t.instructions,
            deadline: t.deadline.map(|d| d.at()),
            deadline_shanghai: t.deadline.map(|d| d.shanghai()),
            timely: t.deadline.is_none(),
            submit_to_org_id: t.submit_to_org_id,
            submit_to_name: t.submit_to_name,
            submit_to_dept: t.submit_to_dept,
            length_target: t.length.map(|l| l.target),
            length_max: t.length.map(|l| l.max()),
            attachments: t.attachments.as_str().to_owned(),
            attachment_types: t.attachment_types,
            attachment_max_bytes: t.attachment_max_bytes,
            paper_required: t.paper_required,
            all_recipients: t.all_recipients,
        }
    }
}

/// A submission: the working copy (for its own organisation) or the latest version sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionDto {
    pub id: i64,
    pub task_id: i64,
    pub org_id: i64,
    pub org_name: String,
    /// draft, submitted, returned, accepted.
    pub status: String,
    pub summary: Option<String>,
    /// Characters in the summary.
    pub summary_chars: usize,
    pub body: Option<String>,
    pub activities: Option<i64>,
    pub participants: Option<i64>,
    pub publicity_items: Option<i64>,
    /// Compiled from the units below (roll-up).
    pub compiled: bool,
    /// Versions sent so far.
    pub version: i32,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// First sent after the deadline.
    pub late: bool,
    pub paper_received_on: Option<NaiveDate>,
    pub paper_recorded_by: Option<String>,
}

impl From<Submission> for SubmissionDto {
    fn from(s: Submission) -> Self {
        SubmissionDto {
            summary_chars: s.summary.as_deref().map_or(0, svc::count_chars),
            id: s.id,
            task_id: s.task_id,
            org_id: s.org_id,
            org_name: s.org_name,
            status: s.status.as_str().to_owned(),
            summary: s.summary,
            body: s.body,
            activities: s.activities,
            participants: s.participants,
            publicity_items: s.publicity_items,
            compiled: s.compiled,
            version: s.version,
            first_submitted_at: s.first_submitted_at,
            submitted_at: s.submitted_at,
            late: s.late,
            paper_received_on: s.paper_received_on,
            paper_recorded_by: s.paper_recorded_by,
        }
    }
}

/// One version sent, with the decision on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionDto {
    pub version: i32,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub activities: Option<i64>,
    pub participants: Option<i64>,
    pub publicity_items: Option<i64>,
    pub submitted_at: DateTime<Utc>,
    pub submitted_by: Option<String>,
    pub late: bool,
    /// returned, accepted, or null while under review.
    pub outcome: Option<String>,
    pub reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
}

impl From<Version> for VersionDto {
    fn from(v: Version) -> Self {
        VersionDto {
            version: v.version,
            summary: v.summary,
            body: v.body,
            activities: v.activities,
            participants: v.participants,
            publicity_items: v.publicity_items,
            submitted_at: v.submitted_at,
            submitted_by: v.submitted_by,
            late: v.late,
            outcome: v.outcome.map(|o| o.as_str().to_owned()),
            reason: v.reason,
            decided_at: v.decided_at,
            decided_by: v.decided_by,
        }
    }
}

/// A source of a compiled report: an accepted version from a unit below.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceDto {
    pub submission_id: i64,
    pub task_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub version: i32,
    pub summary: Option<String>,
    pub activities: Option<i64>,
    pub participants: Option<i64>,
    pub publicity_items: Option<i64>,
    pub late: bool,
    /// The page of the source submission.
    pub link: String,
}

impl From<Source> for SourceDto {
    fn from(s: Source) -> Self {
        SourceDto {
            link: format!("/tasks/submissions/{}", s.submission_id),
            submission_id: s.submission_id,
            task_id: s.task_id,
            org_id: s.org_id,
            org_name: s.org_name,
            version: s.version,
            summary: s.summary,
            activities: s.activities,
            participants: s.participants,
            publicity_items: s.publicity_items,
            late: s.late,
        }
    }
}

/// One entry of a compiled report's index of materials.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndexEntryDto {
    pub unit: String,
    pub title: String,
    /// 报送内容, 附件, 活动, 通知附件, 会场链接, 线上链接.
    pub kind: String,
    pub version: Option<i32>,
    /// A path on this server, or an online link's address.
    pub href: Option<String>,
}

impl From<svc::IndexEntry> for IndexEntryDto {
    fn from(e: svc::IndexEntry) -> Self {
        IndexEntryDto {
            unit: e.unit,
            title: e.title,
            kind: e.kind.to_owned(),
            version: e.version,
            href: e.href,
        }
    }
}

/// A submission with its versions and, for a compiled report, its sources and its index
/// of materials.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionDetailDto {
    pub task: TaskDto,
    pub submission: SubmissionDto,
    pub versions: Vec<VersionDto>,
    pub sources: Vec<SourceDto>,
    pub index: Vec<IndexEntryDto>,
    /// The collector's own summary of a task it collects at the top (汇总报告): a draft
    /// that is never sent.
    pub collectors_summary: bool,
    /// 附件 Files by version (version 0 is the working copy, shown to its own organisation).
    pub files: Vec<SubmissionFileDto>,
    /// 退回修改 While the submission is returned: the latest return's reason, who, when.
    pub returned: Option<ReturnDto>,
}

/// The latest return (退回修改) of a submission, while it is returned.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnDto {
    /// The version that was returned.
    pub version: i32,
    pub reason: String,
    pub returned_at: Option<DateTime<Utc>>,
    pub returned_by: Option<String>,
}

impl From<svc::ReturnNote> for ReturnDto {
    fn from(r: svc::ReturnNote) -> Self {
        ReturnDto {
            version: r.version,
            reason: r.reason,
            returned_at: r.returned_at,
            returned_by: r.returned_by,
        }
    }
}

/// A file attached to a submission's version; download it at
/// `/api/v1/submissions/{id}/files/{version}/{position}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionFileDto {
    pub version: i32,
    pub position: i32,
    pub name: String,
    pub kind: String,
    pub size: i64,
}

impl From<SubmissionFile> for SubmissionFileDto {
    fn from(f: SubmissionFile) -> Self {
        SubmissionFileDto {
            version: f.version,
            position: f.position,
            name: f.name,
            kind: f.kind,
            size: f.size,
        }
    }
}

/// A task with its relays and the caller's submission.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDetailDto {
    pub task: TaskDto,
    pub relays: Vec<TaskDto>,
    pub is_recipient: bool,
    pub my_submission: Option<SubmissionDto>,
    /// 退回修改 While the caller's submission is returned: the latest return.
    pub returned: Option<ReturnDto>,
}

/// Counts of a group of expected recipients, with its status chip.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountsDto {
    pub expected: i64,
    pub acknowledged: i64,
    pub submitted: i64,
    pub on_time: i64,
    pub late: i64,
    pub missing: i64,
    pub accepted: i64,
    pub returned: i64,
    pub overdue: i64,
    pub due_soon: i64,
    /// on_time, due_soon, returned, overdue, late, not_started.
    pub chip: String,
    /// green, yellow, red, grey.
    pub colour: String,
}

impl From<Counts> for CountsDto {
    fn from(c: Counts) -> Self {
        let chip = c.chip();
        CountsDto {
            expected: c.expected,
            acknowledged: c.acknowledged,
            submitted: c.submitted,
            on_time: c.on_time,
            late: c.late,
            missing: c.missing,
            accepted: c.accepted,
            returned: c.returned,
            overdue: c.overdue,
            due_soon: c.due_soon,
            chip: chip.as_str().to_owned(),
            colour: chip.colour().to_owned(),
        }
    }
}

/// A child organisation with its subtree's counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgCountsDto {
    pub org_id: i64,
    pub org_name: String,
    pub counts: CountsDto,
}

impl From<OrgCounts> for OrgCountsDto {
    fn from(o: OrgCounts) -> Self {
        OrgCountsDto {
            org_id: o.org_id,
            org_name: o.org_name,
            counts: o.counts.into(),
        }
    }
}

/// Counts of one relay level: 0 the task's own recipients, 1 those of its relays …
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelDto {
    pub depth: i32,
    pub counts: CountsDto,
}

/// One expected recipient and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecipientDto {
    pub task_id: i64,
    pub depth: i32,
    pub org_id: i64,
    pub org_name: String,
    /// Null: 及时报送.
    pub deadline: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub submission_id: Option<i64>,
    pub status: Option<String>,
    pub version: Option<i32>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub chip: String,
    pub colour: String,
}

/// A live dashboard at one node of the org tree.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardDto {
    pub title: String,
    pub node_id: i64,
    pub node_name: String,
    /// The node's subtree.
    pub total: CountsDto,
    /// The node itself, when it is a recipient.
    pub own: Option<CountsDto>,
    /// Each child of the node with its subtree's counts (drill down with `org`).
    pub children: Vec<OrgCountsDto>,
    /// The relay levels `total`, `own`, `children` and `recipients` count: `direct` or `all`.
    pub counted: String,
    /// Every relay level, whichever are counted above.
    pub levels: Vec<LevelDto>,
    /// Recipients in the node's subtree, missing and returned first (paged, filtered).
    pub recipients: Vec<RecipientDto>,
    pub recipients_total: i64,
}

impl DashboardDto {
    fn from_view(v: svc::DashboardView) -> Self {
        let now = v.now;
        let rec = |r: ExpectedRow| {
            let chip = r.chip(now);
            RecipientDto {
                task_id: r.task_id,
                depth: r.depth,
                org_id: r.org_id,
                org_name: r.org_name,
                deadline: r.deadline,
                acknowledged_at: r.acknowledged_at,
                submission_id: r.submission_id.filter(|_| r.version.unwrap_or(0) > 0),
                status: r.status.map(|s| s.as_str().to_owned()),
                version: r.version,
                first_submitted_at: r.first_submitted_at,
                late: r.late.unwrap_or(false),
                chip: chip.as_str().to_owned(),
                colour: chip.colour().to_owned(),
            }
        };
        DashboardDto {
            title: v.title,
            node_id: v.node.id,
            node_name: v.node.name,
            total: v.dashboard.total.into(),
            own: v.dashboard.own.map(Into::into),
            counted: v.dashboard.counted.as_str().to_owned(),
            children: v.dashboard.children.into_iter().map(Into::into).collect(),
            levels: v
                .dashboard
                .levels
                .into_iter()
                .map(|l| LevelDto {
                    depth: l.depth,
                    counts: l.counts.into(),
                })
                .collect(),
            recipients_total: v.recipients.total,
            recipients: v.recipients.items.into_iter().map(rec).collect(),
        }
    }
}

/// Where a dashboard is shown: `org` (default the submit-to organisation), a filter of the
/// recipient list (all, missing, late, returned, submitted) and paging.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// The organisation to show (drill-down).
    pub org: Option<i64>,
    /// all, missing, late, returned, submitted, paper_missing.
    pub filter: Option<String>,
    /// Which relay levels the counts and the list cover: `direct` (default: the task's own
    /// addressees) or `all` (with every level of relays below). `levels` always has each.
    pub levels: Option<String>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

impl DashboardQuery {
    fn page(&self) -> PageQuery {
        PageQuery {
            offset: self.offset,
            limit: self.limit,
        }
    }
}

/// Submission content, and optionally the organisation it is for (default the caller's).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SubmissionBody {
    pub org_id: Option<i64>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub activities: String,
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub publicity_items: String,
    /// Positions of attached files to remove, comma-separated (e.g. `0,2`). New files are
    /// added after those kept; nothing attached is removed otherwise.
    #[serde(default)]
    pub remove: String,
    /// Send although the summary's 字数 is outside the task's range (otherwise 422
    /// `summary_length_off` with `actual`, `min`, `max`, `target`).
    #[serde(default)]
    pub length_confirmed: bool,
}

impl SubmissionBody {
    fn input(&self) -> SubmissionInput {
        SubmissionInput {
            summary: self.summary.clone(),
            body: self.body.clone(),
            activities: self.activities.clone(),
            participants: self.participants.clone(),
            publicity_items: self.publicity_items.clone(),
            length_confirmed: self.length_confirmed,
        }
    }
}

/// The tasks of a notice.
#[utoipa::path(
    get, path = "/api/v1/notices/{id}/tasks", tag = "tasks",
    params(("id" = i64, Path, description = "通知编号 Notice id")),
    responses(
        (status = 200, description = "报送任务 Tasks", body = Vec<TaskDto>),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<TaskDto>>> {
    let tasks = svc::notice_tasks(&state, Some(&user.account), id).await?;
    Ok(Json(tasks.into_iter().map(Into::into).collect()))
}

/// Add a task to a notice (Manage on its issuer). With `parent_task_id` it relays a task of
/// the relayed notice, and its deadline must come before the parent's.
#[utoipa::path(
    post, path = "/api/v1/notices/{id}/tasks", tag = "tasks",
    params(("id" = i64, Path, description = "通知编号 Notice id")),
    request_body = form::TaskForm,
    responses(
        (status = 201, description = "任务已创建 Task created", body = TaskDto),
        (status = 403, description = "无权管理 Not allowed", body = ErrorBody),
        (status = 422, description = "`deadline_past`, `deadline_not_before_parent` … every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<TaskForm>,
) -> ApiResult<(StatusCode, Json<TaskDto>)> {
    let t = svc::create_task(&state, &user.account, id, &body).await?;
    Ok((StatusCode::CREATED, Json(t.into())))
}

/// One task with its relays and the caller's submission.
#[utoipa::path(
    get, path = "/api/v1/tasks/{id}", tag = "tasks",
    params(("id" = i64, Path, description = "任务编号 Task id")),
    responses(
        (status = 200, description = "任务 The task", body = TaskDetailDto),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个任务 No such task", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TaskDetailDto>> {
    let v = svc::task_view(&state, &user.account, id).await?;
    Ok(Json(TaskDetailDto {
        task: v.task.into(),
        relays: v.relays.into_iter().map(Into::into).collect(),
        is_recipient: v.is_recipient,
        my_submission: v.mine.map(Into::into),
        returned: v.returned.map(Into::into),
    }))
}

/// Save the caller's organisation's submission as a draft.
#[utoipa::path(
    put, path = "/api/v1/tasks/{id}/submission", tag = "tasks",
    params(("id" = i64, Path, description = "任务编号 Task id")),
    request_body(content(
        (SubmissionBody = "application/json"),
        (SubmissionUploadDto = "multipart/form-data"),
    )),
    responses(
        (status = 200, description = "草稿已保存 Draft saved", body = SubmissionDto),
        (status = 403, description = "无权报送 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个任务，或无权查看 No such task, or not readable by the caller", body = ErrorBody),
        (status = 409, description = "`not_a_recipient`, `already_submitted`, `submission_accepted`", body = ErrorBody),
        (status = 422, description = "`summary_length_off` (actual, min, max, target) unless `length_confirmed`; `summary_too_long` (max, actual); on `file`: `file_too_large`, `file_type_refused`, `file_content_mismatch`, `attachment_required`, `attachments_not_accepted`, `storage_quota_exceeded` (limit, used) …", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn save(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    req: Request,
) -> ApiResult<Json<SubmissionDto>> {
    let (body, files) = submission_request(req).await?;
    let s = svc::save_submission(
        &state,
        &user.account,
        id,
        body.org_id,
        &body.input(),
        &files,
        &svc::parse_removals(&body.remove)?,
        svc::Save::Draft,
    )
    .await?;
    Ok(Json(s.into()))
}

/// The submission as multipart: the content's fields as text parts, and the files as `file`
/// parts (as many as needed). They are added after the files already attached, which are
/// kept unless named in `remove`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SubmissionUploadDto {
    org_id: Option<i64>,
    summary: Option<String>,
    body: Option<String>,
    activities: Option<String>,
    participants: Option<String>,
    publicity_items: Option<String>,
    /// Positions of attached files to remove, comma-separated.
    remove: Option<String>,
    /// `true` to send although the 字数 is outside the task's range.
    length_confirmed: Option<bool>,
    /// 附件 Files.
    #[schema(format = Binary, value_type = Vec<String>)]
    file: Vec<Vec<u8>>,
}

/// A submission body as JSON, or as a multipart form with files.
async fn submission_request(
    req: Request,
) -> Result<(SubmissionBody, Vec<svc::UploadedFile>), crate::error::ApiError> {
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        Ok(crate::pages::read_form_with_files(req).await?)
    } else {
        let ApiJson(body) =
            <ApiJson<SubmissionBody> as FromRequest<()>>::from_request(req, &()).await?;
        Ok((body, Vec::new()))
    }
}

/// Send the caller's organisation's submission (a new version; after the deadline it is
/// accepted and marked late).
#[utoipa::path(
    post, path = "/api/v1/tasks/{id}/submission", tag = "tasks",
    params(("id" = i64, Path, description = "任务编号 Task id")),
    request_body(content(
        (SubmissionBody = "application/json"),
        (SubmissionUploadDto = "multipart/form-data"),
    )),
    responses(
        (status = 200, description = "已报送 Submitted", body = SubmissionDto),
        (status = 403, description = "无权报送 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个任务，或无权查看 No such task, or not readable by the caller", body = ErrorBody),
        (status = 409, description = "`not_a_recipient`, `already_submitted`, `submission_accepted`, `summary_not_sent` (the collector's own summary)", body = ErrorBody),
        (status = 422, description = "`summary_length_off` (actual, min, max, target) unless `length_confirmed`; `summary_too_long` (max, actual); on `file`: `file_too_large`, `file_type_refused`, `file_content_mismatch`, `attachment_required`, `attachments_not_accepted`, `storage_quota_exceeded` (limit, used) …", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn submit(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    req: Request,
) -> ApiResult<Json<SubmissionDto>> {
    let (body, files) = submission_request(req).await?;
    let s = svc::save_submission(
        &state,
        &user.account,
        id,
        body.org_id,
        &body.input(),
        &files,
        &svc::parse_removals(&body.remove)?,
        svc::Save::Submit,
    )
    .await?;
    Ok(Json(s.into()))
}

/// Download file `pos` of version `version` of a submission (version 0: the working copy,
/// for its own organisation only), under the submission's read permission.
#[utoipa::path(
    get, path = "/api/v1/submissions/{id}/files/{version}/{pos}", tag = "tasks",
    params(
        ("id" = i64, Path, description = "报送编号 Submission id"),
        ("version" = i32, Path, description = "版本 Version (0: working copy)"),
        ("pos" = i32, Path, description = "序号 Position, from 0"),
    ),
    responses(
        (status = 200, description = "文件 The file", content_type = "*/*"),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
        (status = 404, description = "没有这个文件 No such file", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn submission_file(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, version, pos)): ApiPath<(i64, i32, i32)>,
) -> ApiResult<Response> {
    let (file, bytes) = svc::submission_file(&state, &user.account, id, version, pos).await?;
    Ok(crate::download::stored(&file, bytes))
}

/// Which organisation compiles; default the caller's own.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CompileBody {
    pub org_id: Option<i64>,
}

/// Roll-up: compile the accepted submissions collected through the caller's relays of this
/// task into a draft of its own submission; or, for the collector of a task that is not a
/// relay (SAMR for 764号), the accepted answers to the task into its own summary (汇总报告),
/// kept as a draft and never sent.
#[utoipa::path(
    post, path = "/api/v1/tasks/{id}/compile", tag = "tasks",
    params(("id" = i64, Path, description = "上级任务 The task to answer upward")),
    request_body(content = CompileBody, description = "可省略 Optional"),
    responses(
        (status = 200, description = "汇总草稿 The compiled draft", body = SubmissionDto),
        (status = 403, description = "无权报送 Not allowed", body = ErrorBody),
        (status = 409, description = "`nothing_to_compile`, `not_a_recipient`, `already_submitted`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn compile(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    body: Option<ApiJson<CompileBody>>,
) -> ApiResult<Json<SubmissionDto>> {
    let org_id = body.and_then(|b| b.0.org_id);
    let s = svc::compile(&state, &user.account, id, org_id).await?;
    Ok(Json(s.into()))
}

/// The live dashboard of a task and its relays.
#[utoipa::path(
    get, path = "/api/v1/tasks/{id}/dashboard", tag = "tasks",
    params(("id" = i64, Path, description = "任务编号 Task id"), DashboardQuery),
    responses(
        (status = 200, description = "报送情况 Dashboard", body = DashboardDto),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn task_dashboard(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> ApiResult<Json<DashboardDto>> {
    dashboard(&state, &user, Scope::Task(id), &q).await
}

/// The live dashboard of every task of a notice and their relays.
#[utoipa::path(
    get, path = "/api/v1/notices/{id}/dashboard", tag = "tasks",
    params(("id" = i64, Path, description = "通知编号 Notice id"), DashboardQuery),
    responses(
        (status = 200, description = "报送情况 Dashboard", body = DashboardDto),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn notice_dashboard(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> ApiResult<Json<DashboardDto>> {
    dashboard(&state, &user, Scope::Notice(id), &q).await
}

async fn dashboard(
    state: &AppState,
    user: &ApiUser,
    scope: Scope,
    q: &DashboardQuery,
) -> ApiResult<Json<DashboardDto>> {
    let p = q.page();
    let v = svc::dashboard(
        state,
        &user.account,
        scope,
        Levels::parse(q.levels.as_deref().unwrap_or("")),
        q.org,
        Filter::parse(q.filter.as_deref().unwrap_or("")),
        p.offset(),
        p.limit(),
    )
    .await?;
    Ok(Json(DashboardDto::from_view(v)))
}

/// One submission: its own organisation sees the working copy; the receiving side sees
/// what was sent.
#[utoipa::path(
    get, path = "/api/v1/submissions/{id}", tag = "tasks",
    params(("id" = i64, Path, description = "报送编号 Submission id")),
    responses(
        (status = 200, description = "报送 The submission", body = SubmissionDetailDto),
        (status = 403, description = "无权查看 Not allowed", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn submission(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SubmissionDetailDto>> {
    let v = svc::submission_view(&state, &user.account, id).await?;
    Ok(Json(SubmissionDetailDto {
        task: v.task.into(),
        submission: v.submission.into(),
        versions: v.versions.into_iter().map(Into::into).collect(),
        sources: v.sources.into_iter().map(Into::into).collect(),
        index: v.index.into_iter().map(Into::into).collect(),
        collectors_summary: v.collectors_summary,
        files: v.files.into_iter().map(Into::into).collect(),
        returned: v.returned.map(Into::into),
    }))
}

/// Send the working copy as it is (e.g. an edited compiled draft) as a new version.
#[utoipa::path(
    post, path = "/api/v1/submissions/{id}/submit", tag = "tasks",
    params(("id" = i64, Path, description = "报送编号 Submission id")),
    responses(
        (status = 200, description = "已报送 Submitted", body = SubmissionDto),
        (status = 403, description = "无权报送 Not allowed", body = ErrorBody),
        (status = 409, description = "`already_submitted`, `submission_accepted`, `summary_not_sent` (the collector's own summary)", body = ErrorBody),
        (status = 422, description = "工作稿不完整，逐个字段说明 The working copy is incomplete: every missing or bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn submit_current(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SubmissionDto>> {
    let s = svc::submit_current(&state, &user.account, id).await?;
    Ok(Json(s.into()))
}

/// Accept, or return for revision with a reason (the submit-to organisation).
#[utoipa::path(
    post, path = "/api/v1/submissions/{id}/review", tag = "tasks",
    params(("id" = i64, Path, description = "报送编号 Submission id")),
    request_body = form::ReviewForm,
    responses(
        (status = 200, description = "已处理 Decided", body = SubmissionDto),
        (status = 403, description = "无权审核 Not allowed", body = ErrorBody),
        (status = 409, description = "`submission_not_submitted`", body = ErrorBody),
        (status = 422, description = "`reason` required when returning", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn review(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReviewForm>,
) -> ApiResult<Json<SubmissionDto>> {
    let s = svc::review_submission(&state, &user.account, id, &body).await?;
    Ok(Json(s.into()))
}

/// Record receipt of the paper copy (date; the recorder is the caller).
#[utoipa::path(
    post, path = "/api/v1/submissions/{id}/paper", tag = "tasks",
    params(("id" = i64, Path, description = "报送编号 Submission id")),
    request_body = form::PaperForm,
    responses(
        (status = 200, description = "已登记 Recorded", body = SubmissionDto),
        (status = 403, description = "无权登记 Not allowed", body = ErrorBody),
        (status = 409, description = "`submission_not_submitted`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn paper(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PaperForm>,
) -> ApiResult<Json<SubmissionDto>> {
    let s = svc::record_paper(&state, &user.account, id, &body).await?;
    Ok(Json(s.into()))
}

/// A task the caller's organisation must answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueDto {
    pub task_id: i64,
    pub title: String,
    pub notice_id: i64,
    pub doc_number: Option<String>,
    /// Null: 及时报送.
    pub deadline: Option<DateTime<Utc>>,
    pub submit_to_name: String,
    pub status: Option<String>,
    pub chip: String,
    pub colour: String,
}

/// A task the caller's organisation collects.
#[derive(Debug, Serialize, ToSchema)]
pub struct CollectingDto {
    pub task_id: i64,
    pub title: String,
    pub notice_id: i64,
    pub doc_number: Option<String>,
    /// Null: 及时报送.
    pub deadline: Option<DateTime<Utc>>,
    pub expected: i64,
    pub submitted: i64,
    pub late: i64,
    pub returned: i64,
    /// Sent and waiting for review (待审核).
    pub waiting: i64,
}

/// What is due and what is being collected.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyTasksDto {
    pub due: Vec<DueDto>,
    pub collecting: Vec<CollectingDto>,
}

/// The caller's organisation's reporting work: tasks it must answer, tasks it collects.
#[utoipa::path(
    get, path = "/api/v1/me/tasks", tag = "tasks",
    responses(
        (status = 200, description = "我的报送 My reporting", body = MyTasksDto),
        (status = 401, description = "未登录 Not logged in", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn mine(State(state): State<AppState>, user: ApiUser) -> ApiResult<Json<MyTasksDto>> {
    let now = state.clock.now();
    let (due, collecting) = svc::home(&state, &user.account).await?;
    Ok(Json(MyTasksDto {
        due: due
            .into_iter()
            .map(|d: Due| {
                let chip = d.chip(now);
                DueDto {
                    task_id: d.task_id,
                    title: d.title,
                    notice_id: d.notice_id,
                    doc_number: d.doc_number,
                    deadline: d.deadline,
                    submit_to_name: d.submit_to_name,
                    status: d.status.map(|s| s.as_str().to_owned()),
                    chip: chip.as_str().to_owned(),
                    colour: chip.colour().to_owned(),
                }
            })
            .collect(),
        collecting: collecting
            .into_iter()
            .map(|c: Collecting| CollectingDto {
                task_id: c.task_id,
                title: c.title,
                notice_id: c.notice_id,
                doc_number: c.doc_number,
                deadline: c.deadline,
                expected: c.expected,
                submitted: c.submitted,
                late: c.late,
                returned: c.returned,
                waiting: c.waiting,
            })
            .collect(),
    }))
}
