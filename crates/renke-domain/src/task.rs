//! Reporting tasks (报送任务) attached to a notice, and the submissions that answer them.
//!
//! A task says what is to be reported (its kind), by whom (the notice's recipients, or a
//! subset), by when (a deadline in Asia/Shanghai, stored as UTC), to whom (an organisation
//! and optionally a department), and under which rules: a length for the summary counted
//! in characters with a tolerance, attachments allowed or required, a paper copy or not.
//! A relayed task (转发) must be due strictly before the task it relays.

use crate::clock::SHANGHAI;
use crate::org::string_enum;
use crate::text::{Line, char_len};
use crate::{FieldError, Invalid};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

string_enum! {
    /// What a task asks for.
    TaskKind {
        Plan = "plan", "活动方案", "Activity plan";
        Progress = "progress", "开展情况", "Progress report";
        Summary = "summary", "总结", "Summary";
        Publicity = "publicity", "宣传报道素材", "Publicity material";
        Case = "case", "典型事例", "Typical case";
        News = "news", "信息和新闻稿件", "News and information";
        Other = "other", "其他", "Other";
    }
}

impl TaskKind {
    /// A stream task (信息和新闻稿件, "及时…上报" during a campaign) takes many items per
    /// unit, each reviewed on its own, instead of one submission in versions.
    pub fn is_stream(self) -> bool {
        self == TaskKind::News
    }
}

string_enum! {
    /// Whether a submission may or must carry attachments.
    AttachmentRule {
        None = "none", "不需附件", "No attachments";
        Allowed = "allowed", "可附附件", "Attachments allowed";
        Required = "required", "须附附件", "Attachments required";
    }
}

string_enum! {
    /// Where a submission is in its life.
    SubmissionStatus {
        Draft = "draft", "草稿", "Draft";
        Submitted = "submitted", "已报送", "Submitted";
        Returned = "returned", "退回修改", "Returned for revision";
        Accepted = "accepted", "已采纳", "Accepted";
    }
}

/// What happens to a submission: its organisation saves the working copy or sends it, the
/// organisation it is submitted to accepts or returns the version sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubmissionEvent {
    Save,
    Submit,
    Accept,
    Return,
}

impl SubmissionStatus {
    /// The status after `event`, or the code of the refusal: a submission under review is
    /// not changed by its organisation (`already_submitted`), nor one accepted
    /// (`submission_accepted`); only a submission under review is accepted or returned
    /// (`submission_not_submitted`). Saving keeps the status: a returned submission stays
    /// returned until it is sent again.
    pub fn transition(self, event: SubmissionEvent) -> Result<SubmissionStatus, &'static str> {
        use SubmissionEvent as E;
        use SubmissionStatus as S;
        match (self, event) {
            (S::Draft | S::Returned, E::Save) => Ok(self),
            (S::Draft | S::Returned, E::Submit) => Ok(S::Submitted),
            (S::Submitted, E::Save | E::Submit) => Err("already_submitted"),
            (S::Accepted, E::Save | E::Submit) => Err("submission_accepted"),
            (S::Submitted, E::Accept) => Ok(S::Accepted),
            (S::Submitted, E::Return) => Ok(S::Returned),
            (S::Draft | S::Returned | S::Accepted, E::Accept | E::Return) => {
                Err("submission_not_submitted")
            }
        }
    }
    /// Whether `event` may happen in this status.
    pub fn allows(self, event: SubmissionEvent) -> bool {
        self.transition(event).is_ok()
    }
    /// Whether its organisation may still edit it (a draft, or returned for revision).
    pub fn is_editable(self) -> bool {
        self.allows(SubmissionEvent::Save)
    }
    /// Sent and waiting for a decision.
    pub fn is_under_review(self) -> bool {
        self == SubmissionStatus::Submitted
    }
    pub fn is_returned(self) -> bool {
        self == SubmissionStatus::Returned
    }
    pub fn is_accepted(self) -> bool {
        self == SubmissionStatus::Accepted
    }
}

string_enum! {
    /// The decision on one version sent (none while it is under review).
    VersionOutcome {
        Accepted = "accepted", "已采纳", "Accepted";
        Returned = "returned", "退回修改", "Returned for revision";
    }
}

impl VersionOutcome {
    /// The outcome a decision records on the version under review (none for the
    /// organisation's own events).
    pub fn of(event: SubmissionEvent) -> Option<VersionOutcome> {
        match event {
            SubmissionEvent::Accept => Some(VersionOutcome::Accepted),
            SubmissionEvent::Return => Some(VersionOutcome::Returned),
            SubmissionEvent::Save | SubmissionEvent::Submit => None,
        }
    }
    pub fn is_returned(self) -> bool {
        self == VersionOutcome::Returned
    }
}

/// How many days before the deadline a task counts as due soon (yellow).
pub const DUE_SOON_DAYS: i64 = 3;
pub const TASK_TITLE_MAX: usize = 200;
pub const DEPT_MAX: usize = 100;
pub const INSTRUCTIONS_MAX: usize = 5_000;
/// Longest summary accepted when a task sets no length.
pub const SUMMARY_MAX_DEFAULT: usize = 20_000;
pub const BODY_MAX: usize = 100_000;
pub const REASON_MAX: usize = 1_000;
/// Largest attachment size limit a task may set: 200 MB.
pub const ATTACHMENT_MAX_BYTES: i64 = 200 * 1024 * 1024;

/// A deadline: an instant, entered and shown in Asia/Shanghai.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Deadline(DateTime<Utc>);

impl Deadline {
    /// Parses `2022-06-20 18:00`, `2022-06-20T18:00`, `2022-06-20 18:00:00` or a bare date
    /// (`2022-06-20`, `2022年6月20日`: the end of that day, 23:59) in Shanghai time. A
    /// deadline at or before `now` is refused (`deadline_past`, with `now`).
    pub fn parse(field: &str, raw: &str, now: DateTime<Utc>) -> Result<Self, FieldError> {
        let d = Self::parse_any(field, raw)?;
        if d.0 <= now {
            return Err(FieldError::new(field, "deadline_past")
                .with("value", d.shanghai())
                .with("now", Deadline(now).shanghai()));
        }
        Ok(d)
    }

    /// Like [`Deadline::parse`] without the check against the present (for stored values
    /// and demo data).
    pub fn parse_any(field: &str, raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        let bad = || FieldError::new(field, "invalid_deadline").with("value", s);
        // A date outside the accepted years says so; any other bad date is a bad deadline.
        let date_error = |e: FieldError| {
            if e.code == "date_out_of_range" {
                e
            } else {
                bad()
            }
        };
        let norm = s.replace('T', " ");
        let local: NaiveDateTime = if let Some((date, time)) = norm.split_once(' ') {
            let date = crate::campaign::parse_date(field, date).map_err(date_error)?;
            let time = NaiveTime::parse_from_str(time.trim(), "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(time.trim(), "%H:%M:%S"))
                .map_err(|_| bad())?;
            date.and_time(time)
        } else {
            let date = crate::campaign::parse_date(field, s).map_err(date_error)?;
            Self::end_of(date)
        };
        let at = SHANGHAI
            .from_local_datetime(&local)
            .single()
            .ok_or_else(bad)?;
        Ok(Deadline(at.with_timezone(&Utc)))
    }

    fn end_of(date: NaiveDate) -> NaiveDateTime {
        date.and_time(NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default())
    }

    pub fn from_utc(at: DateTime<Utc>) -> Self {
        Deadline(at)
    }
    pub fn at(self) -> DateTime<Utc> {
        self.0
    }
    /// `2022-06-20 23:59` in Shanghai time.
    pub fn shanghai(self) -> String {
        self.0
            .with_timezone(&SHANGHAI)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
    /// Refuses a relayed deadline that is not strictly before the parent's
    /// (`deadline_not_before_parent`, with `before` = the parent deadline).
    pub fn check_before_parent(self, field: &str, parent: Deadline) -> Result<(), FieldError> {
        if self.0 >= parent.0 {
            return Err(FieldError::new(field, "deadline_not_before_parent")
                .with("value", self.shanghai())
                .with("before", parent.shanghai()));
        }
        Ok(())
    }
}

/// The length rule of a summary: about `target` characters, at most `target + tolerance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LengthRule {
    pub target: u32,
    pub tolerance: u32,
}

impl LengthRule {
    pub fn max(self) -> usize {
        (self.target + self.tolerance) as usize
    }
    pub fn min(self) -> usize {
        self.target.saturating_sub(self.tolerance) as usize
    }
    /// Whether `n` characters (counted by [`crate::text::reading_len`]) lie within the rule.
    pub fn fits(self, n: usize) -> bool {
        (self.min()..=self.max()).contains(&n)
    }
}

/// A summary, counted in characters (never bytes), within the ceiling on any summary. The
/// task's 字数 rule is checked when sending ([`SubmissionContent::check_length`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Summary(String);

impl Summary {
    /// Trims and normalises line ends; refuses a summary longer than any may be
    /// (`summary_too_long`, with `max` and `actual`). Empty gives `None`.
    pub fn parse(field: &str, raw: &str) -> Result<Option<Self>, FieldError> {
        let s = raw.replace("\r\n", "\n").replace('\r', "\n");
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        let max = SUMMARY_MAX_DEFAULT;
        let n = char_len(s);
        if n > max {
            return Err(FieldError::new(field, "summary_too_long")
                .with("max", max)
                .with("actual", n));
        }
        Ok(Some(Summary(s.to_owned())))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn len_chars(&self) -> usize {
        char_len(&self.0)
    }
}

/// A task as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskInput {
    pub kind: String,
    pub title: String,
    pub instructions: String,
    pub deadline: String,
    /// 及时报送: the notice asks for it "in good time", without a date (764号's plans and
    /// reports); `deadline` is then left blank.
    pub timely: bool,
    pub submit_to_org_id: i64,
    pub submit_to_dept: String,
    /// Characters asked for, e.g. "500"; empty = no length rule.
    pub length_target: String,
    /// Characters allowed above the target, e.g. "100"; empty = 20 % of the target.
    pub length_tolerance: String,
    pub attachments: String,
    /// Allowed file types, e.g. "pdf, docx, jpg"; empty = any.
    pub attachment_types: String,
    /// Size limit per file in MB; empty = 20.
    pub attachment_max_mb: String,
    pub paper_required: bool,
    /// Recipient organisations (a subset of the notice's); empty = all of them.
    pub recipient_org_ids: Vec<i64>,
}

/// A validated task, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskDraft {
    pub kind: TaskKind,
    pub title: Line,
    pub instructions: Option<String>,
    /// None: 及时报送, no fixed deadline (nobody is overdue or late).
    pub deadline: Option<Deadline>,
    pub submit_to_org_id: i64,
    pub submit_to_dept: Option<Line>,
    pub length: Option<LengthRule>,
    pub attachments: AttachmentRule,
    pub attachment_types: Vec<String>,
    pub attachment_max_bytes: i64,
    pub paper_required: bool,
    pub recipient_org_ids: Vec<i64>,
}

fn ok<T>(r: Result<T, FieldError>, errs: &mut Invalid) -> Option<T> {
    r.map_err(|e| errs.push(e)).ok()
}

fn parse_count(field: &str, raw: &str, max: u32) -> Result<Option<u32>, FieldError> {
    let s = raw.trim().trim_end_matches('字').trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<u32>() {
        Ok(n) if n <= max => Ok(Some(n)),
        _ => Err(FieldError::new(field, "invalid_count")
            .with("value", raw.trim())
            .with("max", max)),
    }
}

impl TaskInput {
    /// Validates every field at once. `parent` is the deadline of the task this one relays,
    /// if any: the new deadline must come strictly before it. A task is due by a deadline,
    /// or 及时报送 (`timely`, with the deadline left blank: `timely_has_no_deadline`
    /// otherwise); a relay of a task due by a deadline has one too
    /// (`timely_relay_of_deadline`).
    pub fn validate(
        &self,
        now: DateTime<Utc>,
        parent: Option<Deadline>,
    ) -> Result<TaskDraft, Invalid> {
        let mut errs = Invalid::default();
        let kind = match self.kind.trim() {
            "" => Some(TaskKind::Other),
            k => ok(TaskKind::parse("kind", k), &mut errs),
        };
        let title = match self.title.trim() {
            "" => kind.map(|k| Line::parse("title", k.zh(), TASK_TITLE_MAX)),
            t => Some(Line::parse("title", t, TASK_TITLE_MAX)),
        }
        .and_then(|r| ok(r, &mut errs));
        let instructions = ok(
            crate::notice::parse_text("instructions", &self.instructions, INSTRUCTIONS_MAX),
            &mut errs,
        );
        let deadline = if self.timely {
            if !self.deadline.trim().is_empty() {
                errs.push(
                    FieldError::new("deadline", "timely_has_no_deadline")
                        .with("value", self.deadline.trim()),
                );
            }
            if let Some(p) = parent {
                errs.push(
                    FieldError::new("deadline", "timely_relay_of_deadline")
                        .with("before", p.shanghai()),
                );
            }
            Some(None)
        } else {
            let d = ok(Deadline::parse("deadline", &self.deadline, now), &mut errs);
            if let (Some(d), Some(p)) = (d, parent) {
                ok(d.check_before_parent("deadline", p), &mut errs);
            }
            d.map(Some)
        };
        let dept = ok(
            Line::parse_opt("submit_to_dept", &self.submit_to_dept, DEPT_MAX),
            &mut errs,
        );
        let target = ok(
            parse_count("length_target", &self.length_target, 100_000),
            &mut errs,
        );
        let tolerance = ok(
            parse_count("length_tolerance", &self.length_tolerance, 100_000),
            &mut errs,
        );
        let length = match (target, tolerance) {
            (Some(Some(0)), _) => {
                errs.push(
                    FieldError::new("length_target", "invalid_count")
                        .with("value", "0")
                        .with("max", 100_000),
                );
                None
            }
            (Some(Some(t)), Some(tol)) => Some(Some(LengthRule {
                target: t,
                tolerance: tol.unwrap_or(t / 5),
            })),
            (Some(None), Some(Some(_))) => {
                errs.push(FieldError::new("length_target", "required"));
                None
            }
            (Some(None), _) => Some(None),
            _ => None,
        };
        let attachments = match self.attachments.trim() {
            "" => Some(AttachmentRule::Allowed),
            a => ok(AttachmentRule::parse("attachments", a), &mut errs),
        };
        let mut attachment_types = Vec::new();
        for t in self
            .attachment_types
            .split([',', '，', ' ', ';', '、'])
            .map(|t| t.trim().trim_start_matches('.').to_ascii_lowercase())
            .filter(|t| !t.is_empty())
        {
            if t.len() > 10 || !t.bytes().all(|b| b.is_ascii_alphanumeric()) {
                errs.push(
                    FieldError::new("attachment_types", "invalid_file_type").with("value", &t),
                );
            } else if !attachment_types.contains(&t) {
                attachment_types.push(t);
            }
        }
        let max_mb = ok(
            parse_count(
                "attachment_max_mb",
                &self.attachment_max_mb,
                (ATTACHMENT_MAX_BYTES / 1024 / 1024) as u32,
            ),
            &mut errs,
        );
        if self.submit_to_org_id <= 0 {
            errs.push(FieldError::new("submit_to", "required"));
        }
        match (
            kind,
            title,
            instructions,
            deadline,
            dept,
            length,
            attachments,
            max_mb,
        ) {
            (
                Some(kind),
                Some(title),
                Some(instructions),
                Some(deadline),
                Some(submit_to_dept),
                Some(length),
                Some(attachments),
                Some(max_mb),
            ) if errs.is_empty() => Ok(TaskDraft {
                kind,
                title,
                instructions,
                deadline,
                submit_to_org_id: self.submit_to_org_id,
                submit_to_dept,
                length,
                attachments,
                attachment_types,
                attachment_max_bytes: i64::from(max_mb.unwrap_or(20)) * 1024 * 1024,
                paper_required: self.paper_required,
                recipient_org_ids: self.recipient_org_ids.clone(),
            }),
            _ => Err(errs),
        }
    }
}

/// What an organisation reports, as typed: the summary, the fuller text, and the figures
/// that a roll-up adds up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionInput {
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    /// Number of activities held.
    #[serde(default)]
    pub activities: String,
    /// Number of participants.
    #[serde(default)]
    pub participants: String,
    /// Number of publicity items (reports, posts, articles).
    #[serde(default)]
    pub publicity_items: String,
    /// The sender has seen that the summary's 字数 is outside the task's range and sends
    /// it anyway (a check box; `true`, `on` or `1`).
    #[serde(default, deserialize_with = "de_flag")]
    pub length_confirmed: bool,
}

/// A check box or JSON flag: `true`, `on`, `1` (or JSON `true`) are set.
fn de_flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    Ok(match Flag::deserialize(d)? {
        Flag::Bool(b) => b,
        Flag::Text(t) => matches!(t.as_str(), "true" | "on" | "1"),
    })
}

/// Validated submission content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubmissionContent {
    pub summary: Option<Summary>,
    pub body: Option<String>,
    pub activities: Option<i64>,
    pub participants: Option<i64>,
    pub publicity_items: Option<i64>,
}

impl SubmissionInput {
    /// Checks the summary and the figures; every problem at once.
    pub fn validate(&self) -> Result<SubmissionContent, Invalid> {
        let mut errs = Invalid::default();
        let summary = ok(Summary::parse("summary", &self.summary), &mut errs);
        let body = ok(
            crate::notice::parse_text("body", &self.body, BODY_MAX),
            &mut errs,
        );
        let mut figure = |field: &str, raw: &str| {
            ok(parse_count(field, raw, 100_000_000), &mut errs).map(|o| o.map(i64::from))
        };
        let activities = figure("activities", &self.activities);
        let participants = figure("participants", &self.participants);
        let publicity_items = figure("publicity_items", &self.publicity_items);
        match (summary, body, activities, participants, publicity_items) {
            (Some(summary), Some(body), Some(activities), Some(participants), Some(publicity))
                if errs.is_empty() =>
            {
                Ok(SubmissionContent {
                    summary,
                    body,
                    activities,
                    participants,
                    publicity_items: publicity,
                })
            }
            _ => Err(errs),
        }
    }
}

impl SubmissionContent {
    /// The summary's 字数 against the task's rule (about `target`, within the tolerance):
    /// outside it, sending needs the sender's confirmation (`summary_length_off` on
    /// `summary`, with `actual`, `min`, `max`, `target`).
    pub fn check_length(&self, rule: Option<LengthRule>, confirmed: bool) -> Result<(), Invalid> {
        let (Some(rule), Some(summary)) = (rule, &self.summary) else {
            return Ok(());
        };
        let n = crate::text::reading_len(summary.as_str());
        if confirmed || rule.fits(n) {
            return Ok(());
        }
        Err(Invalid::one(
            FieldError::new("summary", "summary_length_off")
                .with("actual", n)
                .with("min", rule.min())
                .with("max", rule.max())
                .with("target", rule.target),
        ))
    }

    /// A submission needs a summary or a text before it is sent (`required` on `summary`).
    pub fn check_submittable(&self) -> Result<(), Invalid> {
        if self.summary.is_none() && self.body.is_none() {
            return Err(Invalid::one(FieldError::new("summary", "required")));
        }
        Ok(())
    }
}

/// A reason for returning a submission: required, at most 1000 characters.
pub fn parse_reason(raw: &str) -> Result<String, FieldError> {
    match crate::notice::parse_text("reason", raw, REASON_MAX)? {
        Some(r) => Ok(r),
        None => Err(FieldError::new("reason", "required")),
    }
}

/// How a deadline stands at `now`, in both languages: `还有 3 天`, `今日截止`, `已逾期 2 天`
/// (whole days; a deadline just passed counts as one day overdue). Reminders and the home
/// page say it the same way.
pub fn standing(deadline: DateTime<Utc>, now: DateTime<Utc>) -> (String, String) {
    let days = (deadline - now).num_hours().div_euclid(24);
    if deadline > now {
        if days == 0 {
            ("今日截止".into(), "due today".into())
        } else {
            (format!("还有 {days} 天"), format!("{days} day(s) left"))
        }
    } else {
        let late = (now - deadline).num_hours().div_euclid(24).max(1);
        (
            format!("已逾期 {late} 天"),
            format!("{late} day(s) overdue"),
        )
    }
}

/// The status chip of one recipient (or a whole task), computed from the deadline, the
/// submission state and the present. Always shown with its text, never colour alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Chip {
    /// Green: submitted on time (accepted or awaiting review).
    OnTime,
    /// Yellow: not submitted and due within three days, or returned for revision.
    DueSoon,
    Returned,
    /// Red: not submitted and past the deadline, or submitted late.
    Overdue,
    Late,
    /// Grey: not submitted, the deadline is further away.
    NotStarted,
}

impl Chip {
    /// The chip for a recipient: `submitted_at` is the first time it submitted (if ever),
    /// `returned` whether its latest version was returned. Without a deadline (及时报送)
    /// nobody is late, overdue or due soon.
    pub fn of(
        deadline: Option<DateTime<Utc>>,
        submitted_at: Option<DateTime<Utc>>,
        returned: bool,
        accepted: bool,
        now: DateTime<Utc>,
    ) -> Chip {
        let past = |at: DateTime<Utc>| deadline.is_some_and(|d| at > d);
        let soon = deadline.is_some_and(|d| d - now <= chrono::Duration::days(DUE_SOON_DAYS));
        match submitted_at {
            _ if returned => Chip::Returned,
            // A late submission stays marked late, even once accepted.
            Some(at) if past(at) => Chip::Late,
            Some(_) if accepted => Chip::OnTime,
            Some(_) => Chip::OnTime,
            None if past(now) => Chip::Overdue,
            None if soon => Chip::DueSoon,
            None => Chip::NotStarted,
        }
    }

    /// The colour class: green, yellow, red or grey.
    pub fn colour(self) -> &'static str {
        match self {
            Chip::OnTime => "green",
            Chip::DueSoon | Chip::Returned => "yellow",
            Chip::Overdue | Chip::Late => "red",
            Chip::NotStarted => "grey",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Chip::OnTime => "on_time",
            Chip::DueSoon => "due_soon",
            Chip::Returned => "returned",
            Chip::Overdue => "overdue",
            Chip::Late => "late",
            Chip::NotStarted => "not_started",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Chip::OnTime => "按时",
            Chip::DueSoon => "即将到期",
            Chip::Returned => "退回修改",
            Chip::Overdue => "已逾期",
            Chip::Late => "逾期报送",
            Chip::NotStarted => "未开始",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Chip::OnTime => "On time",
            Chip::DueSoon => "Due soon",
            Chip::Returned => "Returned",
            Chip::Overdue => "Overdue",
            Chip::Late => "Late",
            Chip::NotStarted => "Not started",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2022, 6, 1, 2, 0, 0).unwrap()
    }

    #[test]
    fn deadlines_are_shanghai_time_stored_as_utc() {
        let d = Deadline::parse("deadline", "2022-06-20 18:00", now()).unwrap();
        assert_eq!(d.at(), Utc.with_ymd_and_hms(2022, 6, 20, 10, 0, 0).unwrap());
        assert_eq!(d.shanghai(), "2022-06-20 18:00");
        let d = Deadline::parse("deadline", "2022年6月20日", now()).unwrap();
        assert_eq!(d.shanghai(), "2022-06-20 23:59");
        let d = Deadline::parse("deadline", "2022-06-20T09:30", now()).unwrap();
        assert_eq!(d.shanghai(), "2022-06-20 09:30");
        assert_eq!(
            Deadline::parse("deadline", "next week", now())
                .unwrap_err()
                .code,
            "invalid_deadline"
        );
    }

    #[test]
    fn past_deadline_is_refused_with_the_present() {
        let e = Deadline::parse("deadline", "2022-05-31", now()).unwrap_err();
        assert_eq!(e.code, "deadline_past");
        assert_eq!(e.param("now"), Some("2022-06-01 10:00"));
    }

    #[test]
    fn relayed_deadline_must_precede_the_parent() {
        let parent = Deadline::parse_any("d", "2022-06-20").unwrap();
        let same = Deadline::parse_any("d", "2022-06-20").unwrap();
        let e = same.check_before_parent("deadline", parent).unwrap_err();
        assert_eq!(e.code, "deadline_not_before_parent");
        assert_eq!(e.param("before"), Some("2022-06-20 23:59"));
        let earlier = Deadline::parse_any("d", "2022-06-15 17:00").unwrap();
        assert!(earlier.check_before_parent("deadline", parent).is_ok());
    }

    #[test]
    fn summary_is_counted_in_characters() {
        let ok = "认".repeat(SUMMARY_MAX_DEFAULT);
        assert_eq!(
            Summary::parse("summary", &ok).unwrap().unwrap().len_chars(),
            SUMMARY_MAX_DEFAULT
        );
        let e = Summary::parse("summary", &"认".repeat(SUMMARY_MAX_DEFAULT + 1)).unwrap_err();
        assert_eq!(e.code, "summary_too_long");
        assert_eq!(e.param("actual"), Some("20001"));
        // CJK characters are three bytes each; bytes never count.
        assert!(ok.len() > SUMMARY_MAX_DEFAULT);
    }

    /// "500字左右": 400 to 600 by the reader's count; outside, sending needs confirmation.
    #[test]
    fn length_about_target_warns_outside_the_tolerance() {
        let rule = Some(LengthRule {
            target: 500,
            tolerance: 100,
        });
        let content = |summary: String| {
            SubmissionInput {
                summary,
                ..Default::default()
            }
            .validate()
            .unwrap()
        };
        for (n, fits) in [
            (60, false),
            (399, false),
            (400, true),
            (600, true),
            (601, false),
        ] {
            let c = content("认".repeat(n));
            assert_eq!(c.check_length(rule, false).is_ok(), fits, "{n}");
            assert!(c.check_length(rule, true).is_ok(), "{n}: confirmed");
            assert!(c.check_length(None, false).is_ok(), "{n}: no rule");
        }
        let e = content("认".repeat(60))
            .check_length(rule, false)
            .unwrap_err();
        let f = &e.0[0];
        assert_eq!(
            (f.field.as_str(), f.code),
            ("summary", "summary_length_off")
        );
        assert_eq!(
            (
                f.param("actual"),
                f.param("min"),
                f.param("max"),
                f.param("target")
            ),
            (Some("60"), Some("400"), Some("600"), Some("500"))
        );
    }

    #[test]
    fn the_reader_counts_chinese_and_full_width_marks_one_each_and_a_word_one() {
        use crate::text::reading_len;
        assert_eq!(reading_len("走访企业12家。"), 7);
        assert_eq!(reading_len("举办 CNAS 开放日，2 场"), 9);
        assert_eq!(reading_len("见 https://www.cnas.org.cn/ 。"), 3);
        assert_eq!(reading_len(" \n\u{3000}"), 0, "spaces and line breaks");
        assert_eq!(reading_len("（一）"), 3);
    }

    #[test]
    fn task_input_reports_every_problem() {
        let t = TaskInput {
            kind: "总结".into(),
            deadline: "2022-05-01".into(),
            submit_to_org_id: 0,
            length_target: "abc".into(),
            attachment_types: "pdf, ../x".into(),
            ..Default::default()
        };
        let e = t.validate(now(), None).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["deadline", "length_target", "attachment_types", "submit_to"]
        );
    }

    #[test]
    fn a_timely_task_has_no_deadline() {
        let t = TaskInput {
            kind: "plan".into(),
            timely: true,
            submit_to_org_id: 7,
            ..Default::default()
        };
        assert_eq!(t.validate(now(), None).unwrap().deadline, None);
        // A date beside 及时报送 is refused, not dropped.
        let e = TaskInput {
            deadline: "2022-06-25".into(),
            ..t.clone()
        }
        .validate(now(), None)
        .unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code),
            ("deadline", "timely_has_no_deadline")
        );
        // A relay of a task due by a date has its own, earlier date.
        let parent = Deadline::parse_any("d", "2022-06-20").unwrap();
        let e = t.validate(now(), Some(parent)).unwrap_err();
        assert_eq!(e.0[0].code, "timely_relay_of_deadline");
        // Without 及时报送 the deadline is required.
        let e = TaskInput { timely: false, ..t }
            .validate(now(), None)
            .unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code),
            ("deadline", "required")
        );
    }

    #[test]
    fn task_input_defaults() {
        let t = TaskInput {
            kind: "总结".into(),
            deadline: "2022-06-25".into(),
            submit_to_org_id: 7,
            length_target: "500字".into(),
            attachment_types: "PDF，.docx".into(),
            paper_required: true,
            ..Default::default()
        };
        let d = t.validate(now(), None).unwrap();
        assert_eq!(d.title.as_str(), "总结");
        assert_eq!(
            d.length,
            Some(LengthRule {
                target: 500,
                tolerance: 100
            })
        );
        assert_eq!(d.attachment_types, ["pdf", "docx"]);
        assert_eq!(d.attachment_max_bytes, 20 * 1024 * 1024);
        let parent = Deadline::parse_any("d", "2022-06-20").unwrap();
        let e = t.validate(now(), Some(parent)).unwrap_err();
        assert_eq!(e.0[0].code, "deadline_not_before_parent");
    }

    #[test]
    fn chips() {
        let dl = Utc.with_ymd_and_hms(2022, 6, 20, 15, 59, 0).unwrap();
        let early = Utc.with_ymd_and_hms(2022, 6, 1, 0, 0, 0).unwrap();
        let soon = Utc.with_ymd_and_hms(2022, 6, 18, 0, 0, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2022, 6, 21, 0, 0, 0).unwrap();
        let dl = Some(dl);
        assert_eq!(Chip::of(dl, None, false, false, early), Chip::NotStarted);
        assert_eq!(Chip::of(dl, None, false, false, soon), Chip::DueSoon);
        assert_eq!(Chip::of(dl, None, false, false, after), Chip::Overdue);
        assert_eq!(Chip::of(dl, Some(soon), false, false, after), Chip::OnTime);
        assert_eq!(Chip::of(dl, Some(after), false, false, after), Chip::Late);
        assert_eq!(Chip::of(dl, Some(soon), true, false, after), Chip::Returned);
        // 及时报送: never overdue, due soon or late.
        assert_eq!(Chip::of(None, None, false, false, after), Chip::NotStarted);
        assert_eq!(
            Chip::of(None, Some(after), false, true, after),
            Chip::OnTime
        );
        assert_eq!(Chip::NotStarted.colour(), "grey");
        assert_eq!(Chip::Overdue.colour(), "red");
    }

    /// Every status against every event: the state after it, or the refusal.
    #[test]
    fn submission_transitions() {
        use SubmissionEvent::*;
        use SubmissionStatus::*;
        let table: [(
            SubmissionStatus,
            SubmissionEvent,
            Result<SubmissionStatus, &str>,
        ); 16] = [
            (Draft, Save, Ok(Draft)),
            (Draft, Submit, Ok(Submitted)),
            (Draft, Accept, Err("submission_not_submitted")),
            (Draft, Return, Err("submission_not_submitted")),
            (Returned, Save, Ok(Returned)),
            (Returned, Submit, Ok(Submitted)),
            (Returned, Accept, Err("submission_not_submitted")),
            (Returned, Return, Err("submission_not_submitted")),
            (Submitted, Save, Err("already_submitted")),
            (Submitted, Submit, Err("already_submitted")),
            (Submitted, Accept, Ok(Accepted)),
            (Submitted, Return, Ok(Returned)),
            (Accepted, Save, Err("submission_accepted")),
            (Accepted, Submit, Err("submission_accepted")),
            (Accepted, Accept, Err("submission_not_submitted")),
            (Accepted, Return, Err("submission_not_submitted")),
        ];
        for (from, event, to) in table {
            assert_eq!(from.transition(event), to, "{from:?} on {event:?}");
            assert_eq!(from.allows(event), to.is_ok());
        }
        // The table covers every pair once.
        assert_eq!(table.len(), SubmissionStatus::ALL.len() * 4);
        assert!(Draft.is_editable() && Returned.is_editable());
        assert!(!Submitted.is_editable() && !Accepted.is_editable());
        assert_eq!(VersionOutcome::of(Accept), Some(VersionOutcome::Accepted));
        assert_eq!(VersionOutcome::of(Return), Some(VersionOutcome::Returned));
        assert_eq!(VersionOutcome::of(Save), None);
        assert_eq!(VersionOutcome::of(Submit), None);
    }

    #[test]
    fn stored_codes_round_trip_strictly() {
        for s in SubmissionStatus::ALL {
            assert_eq!(SubmissionStatus::from_code(s.as_str()), Some(*s));
        }
        for o in VersionOutcome::ALL {
            assert_eq!(VersionOutcome::from_code(o.as_str()), Some(*o));
        }
        assert_eq!(SubmissionStatus::from_code("sent"), None);
        // Labels are for input, not for stored values.
        assert_eq!(SubmissionStatus::from_code("草稿"), None);
        assert_eq!(SubmissionStatus::from_code(" draft"), None);
        assert_eq!(
            SubmissionStatus::parse("s", "草稿"),
            Ok(SubmissionStatus::Draft)
        );
    }
}
