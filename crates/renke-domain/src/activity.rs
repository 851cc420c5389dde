//! Activities and events (活动): types, organiser roles (主办 / 承办 / 协办 / 指导), schedules
//! as an exact window or a period, venues, sessions with capacity, registration form
//! fields, audience rules, branch-venue readiness. Every input is validated at once and
//! every problem names its field.

use crate::clock::SHANGHAI;
use crate::contact::{NAME_MAX, parse_email, parse_personal_phone};
use crate::notice::parse_text;
use crate::org::string_enum;
use crate::text::Line;
use crate::{FieldError, Invalid};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

string_enum! {
    /// What kind of activity it is: every type the seed notices name.
    ActivityKind {
        MainEvent = "main_event", "主场活动", "Main event";
        CollectiveViewing = "collective_viewing", "集中收看", "Collective viewing";
        Lecture = "lecture", "专题讲座", "Lecture";
        ProficiencyTesting = "proficiency_testing", "能力验证", "Proficiency testing";
        Training = "training", "培训", "Training";
        OnlinePublicity = "online_publicity", "线上主题宣传活动", "Online publicity event";
        CaseRelease = "case_release", "案例发布", "Case release";
        CertificateCeremony = "certificate_ceremony", "集中颁证仪式", "Certificate ceremony";
        ReportRelease = "report_release", "报告发布", "Report release";
        Forum = "forum", "论坛", "Forum";
        IndustryInitiative = "industry_initiative", "行业倡议", "Industry initiative";
        MaterialCollection = "material_collection", "素材征集", "Material collection";
        SciencePopularisation = "science_popularisation", "科普宣传", "Science popularisation";
        CloudOpenDay = "cloud_open_day", "实验室云开放", "Lab cloud open day";
        LocalSeries = "local_series", "系列活动", "Local series activity";
    }
}

string_enum! {
    /// How people take part.
    ActivityMode {
        Offline = "offline", "线下", "On site";
        Online = "online", "线上", "Online";
        Livestream = "livestream", "直播", "Livestream";
        VideoConference = "video_conference", "视频会议", "Video conference";
        Hybrid = "hybrid", "线上线下结合", "Hybrid";
    }
}

string_enum! {
    /// An organiser's role in an activity.
    OrganiserRole {
        Host = "host", "主办", "Host";
        Undertaker = "undertaker", "承办", "Organised by";
        CoOrganiser = "co_organiser", "协办", "Co-organiser";
        Guide = "guide", "指导", "Guidance";
    }
}

string_enum! {
    /// What a venue is.
    VenueKind {
        Main = "main", "主会场", "Main venue";
        Branch = "branch", "分会场", "Branch venue";
        Room = "room", "会场", "Venue";
        Online = "online", "线上", "Online";
        Livestream = "livestream", "直播", "Livestream";
    }
}

string_enum! {
    /// Who is invited to a venue, by category.
    ParticipantCategory {
        Leaders = "leaders", "领导", "Leaders";
        DepartmentHeads = "department_heads", "处室负责人", "Heads of departments";
        DepartmentStaff = "department_staff", "处室全体人员", "All staff of a department";
        Institutions = "institutions", "邀请机构", "Invited institutions";
        Others = "others", "其他人员", "Others";
    }
}

string_enum! {
    /// The audience an activity is open to; an activity with audience rules accepts only
    /// registrations that name one of them.
    AudienceRole {
        CompanyHead = "company_head", "企业负责人", "Company head";
        QualityManager = "quality_manager", "质量管理人员", "Quality manager";
        RegulatoryStaff = "regulatory_staff", "监管人员", "Regulatory staff";
        InstitutionStaff = "institution_staff", "从业机构人员", "Staff of an institution";
        Public = "public", "社会公众", "Member of the public";
    }
}

string_enum! {
    /// Where a registration stands.
    RegistrationStatus {
        Confirmed = "confirmed", "报名成功", "Confirmed";
        Waiting = "waiting", "候补", "Waiting list";
        Cancelled = "cancelled", "已取消", "Cancelled";
    }
}

/// What happens to a registration after it was made (confirmed while places are left, else
/// waiting): the person cancels it, or a freed place promotes it from the waiting list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegistrationEvent {
    Cancel,
    Promote,
}

impl RegistrationStatus {
    /// The status at registration: confirmed while the session has places left.
    pub fn on_register(places_left: bool) -> RegistrationStatus {
        if places_left {
            RegistrationStatus::Confirmed
        } else {
            RegistrationStatus::Waiting
        }
    }
    /// The status after `event`, or the code of the refusal: a cancelled registration is
    /// not cancelled again (`already_cancelled`) nor promoted; only a waiting registration
    /// is promoted (`not_waiting`).
    pub fn transition(self, event: RegistrationEvent) -> Result<RegistrationStatus, &'static str> {
        use RegistrationEvent as E;
        use RegistrationStatus as S;
        match (self, event) {
            (S::Confirmed | S::Waiting, E::Cancel) => Ok(S::Cancelled),
            (S::Cancelled, E::Cancel) => Err("already_cancelled"),
            (S::Waiting, E::Promote) => Ok(S::Confirmed),
            (S::Confirmed | S::Cancelled, E::Promote) => Err("not_waiting"),
        }
    }
    /// Whether `event` may happen in this status.
    pub fn allows(self, event: RegistrationEvent) -> bool {
        self.transition(event).is_ok()
    }
    /// Holds a place: may be checked in, shows its ticket's code.
    pub fn holds_place(self) -> bool {
        self == RegistrationStatus::Confirmed
    }
    pub fn is_waiting(self) -> bool {
        self == RegistrationStatus::Waiting
    }
    pub fn is_cancelled(self) -> bool {
        self == RegistrationStatus::Cancelled
    }
}

string_enum! {
    /// How a registered person attends.
    Attendance {
        OnSite = "on_site", "现场参加", "On site";
        Online = "online", "线上参加", "Online";
    }
}

string_enum! {
    /// A field an activity's registration form asks for.
    FormField {
        Name = "name", "姓名", "Name";
        Company = "company", "单位", "Company";
        Position = "position", "职务", "Position";
        Phone = "phone", "手机", "Phone";
        Email = "email", "电子邮箱", "E-mail";
        Attendance = "attendance", "参加方式", "On site or online";
    }
}

string_enum! {
    /// A branch venue's report for one debugging slot.
    Readiness {
        Pending = "pending", "未确认", "Not confirmed";
        Ready = "ready", "已就绪", "Ready";
        NotReady = "not_ready", "未就绪", "Not ready";
    }
}

// ---------------------------------------------------------------- times

/// Parses a Beijing-time moment typed as `2022-06-09 10:00` (also `2022-06-09T10:00`,
/// `2022年6月9日 10:00`) into UTC. Code `invalid_datetime`.
pub fn parse_local_datetime(field: &str, raw: &str) -> Result<DateTime<Utc>, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let norm: String = s
        .replace(['年', '月', '/'], "-")
        .replace(['日', 'T'], " ")
        .replace('：', ":");
    let norm = norm.split_whitespace().collect::<Vec<_>>().join(" ");
    let bad = || FieldError::new(field, "invalid_datetime").with("value", s);
    let naive = NaiveDateTime::parse_from_str(&norm, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&norm, "%Y-%m-%d %H:%M:%S"))
        .map_err(|_| bad())?;
    crate::campaign::check_year(field, naive.date(), s)?;
    SHANGHAI
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(bad)
}

/// The first moment of a Beijing date, in UTC.
pub fn day_start(d: NaiveDate) -> DateTime<Utc> {
    SHANGHAI
        .from_local_datetime(&d.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// A time in Beijing as `2022-06-09 10:00`, as the forms take it.
pub fn local_input(t: &DateTime<Utc>) -> String {
    t.with_timezone(&SHANGHAI)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// When an activity happens: an exact window (6月9日 10:00–11:00) or a period of days
/// (5月—6月), with the label as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Schedule {
    Window {
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    },
    Period {
        from: NaiveDate,
        to: NaiveDate,
        label: Option<String>,
    },
}

impl Schedule {
    /// Start as a moment (a period starts at 00:00 Beijing time on its first day).
    pub fn starts_at(&self) -> DateTime<Utc> {
        match self {
            Schedule::Window { starts_at, .. } => *starts_at,
            Schedule::Period { from, .. } => day_start(*from),
        }
    }
    /// End as a moment (a period ends at 24:00 Beijing time on its last day).
    pub fn ends_at(&self) -> DateTime<Utc> {
        match self {
            Schedule::Window { ends_at, .. } => *ends_at,
            Schedule::Period { to, .. } => day_start(*to + chrono::Duration::days(1)),
        }
    }
    pub fn is_period(&self) -> bool {
        matches!(self, Schedule::Period { .. })
    }
    /// As shown: `6月9日 10:00–11:00` or the period's label (`5月—6月`).
    pub fn label_zh(&self) -> String {
        match self {
            Schedule::Window { starts_at, ends_at } => {
                let s = starts_at.with_timezone(&SHANGHAI);
                let e = ends_at.with_timezone(&SHANGHAI);
                if s.date_naive() == e.date_naive() {
                    format!(
                        "{}月{}日 {}–{}",
                        s.month(),
                        s.day(),
                        s.format("%H:%M"),
                        e.format("%H:%M")
                    )
                } else {
                    format!(
                        "{}月{}日 {} — {}月{}日 {}",
                        s.month(),
                        s.day(),
                        s.format("%H:%M"),
                        e.month(),
                        e.day(),
                        e.format("%H:%M")
                    )
                }
            }
            Schedule::Period { from, to, label } => label.clone().unwrap_or_else(|| {
                format!(
                    "{}月{}日—{}月{}日",
                    from.month(),
                    from.day(),
                    to.month(),
                    to.day()
                )
            }),
        }
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_en(m: u32) -> &'static str {
    MONTHS_EN
        .get((m as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("")
}

/// A period's label as the notices write it, read for English: `5月—6月` → `May–June`,
/// `6月9日前后` → `around 9 June`, `6月` → `June`; `None` for any other wording.
fn period_label_en(label: &str) -> Option<String> {
    let num = |s: &str| {
        s.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=31).contains(n))
    };
    let label = label.trim();
    if let Some(rest) = label.strip_suffix("前后")
        && let Some((m, d)) = rest.strip_suffix('日').and_then(|r| r.split_once('月'))
    {
        let (m, d) = (num(m)?, num(d)?);
        return (m <= 12).then(|| format!("around {d} {}", month_en(m)));
    }
    let months: Vec<&str> = label
        .split(['—', '-', '–', '至', '~', '～'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let names: Option<Vec<&str>> = months
        .iter()
        .map(|p| {
            p.strip_suffix('月')
                .and_then(num)
                .filter(|m| *m <= 12)
                .map(month_en)
        })
        .collect();
    match names?.as_slice() {
        [one] => Some((*one).to_owned()),
        [a, b] => Some(format!("{a}–{b}")),
        _ => None,
    }
}

impl Schedule {
    /// As shown in English: `9 June 10:00–11:00`, `May–June`, `around 9 June`, or the
    /// period's dates when its label is worded otherwise.
    pub fn label_en(&self) -> String {
        let day = |d: NaiveDate| format!("{} {}", d.day(), month_en(d.month()));
        match self {
            Schedule::Window { starts_at, ends_at } => {
                let s = starts_at.with_timezone(&SHANGHAI);
                let e = ends_at.with_timezone(&SHANGHAI);
                if s.date_naive() == e.date_naive() {
                    format!(
                        "{} {}–{}",
                        day(s.date_naive()),
                        s.format("%H:%M"),
                        e.format("%H:%M")
                    )
                } else {
                    format!(
                        "{} {} – {} {}",
                        day(s.date_naive()),
                        s.format("%H:%M"),
                        day(e.date_naive()),
                        e.format("%H:%M")
                    )
                }
            }
            Schedule::Period { from, to, label } => label
                .as_deref()
                .and_then(period_label_en)
                .unwrap_or_else(|| format!("{} – {}", day(*from), day(*to))),
        }
    }

    /// [`Schedule::label_zh`] or [`Schedule::label_en`].
    pub fn label(&self, zh: bool) -> String {
        if zh { self.label_zh() } else { self.label_en() }
    }
}

/// Reads a period written as in the notices — `5月—6月`, `5月-6月`, `6月` — for `year`:
/// from the first day of the first month to the last day of the last.
pub fn parse_month_period(
    field: &str,
    year: i32,
    raw: &str,
) -> Result<(NaiveDate, NaiveDate), FieldError> {
    let s = raw.trim();
    let bad = || FieldError::new(field, "invalid_period").with("value", s);
    let months: Vec<u32> = s
        .split(['—', '-', '–', '至', '~', '～'])
        .map(|p| {
            p.trim()
                .trim_end_matches("期间")
                .trim_end_matches('月')
                .trim()
        })
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u32>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let (a, b) = match months.as_slice() {
        [m] => (*m, *m),
        [a, b] => (*a, *b),
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&a) || !(1..=12).contains(&b) || b < a {
        return Err(bad());
    }
    let from = NaiveDate::from_ymd_opt(year, a, 1).ok_or_else(bad)?;
    let next = if b == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, b + 1, 1)
    }
    .ok_or_else(bad)?;
    Ok((from, next - chrono::Duration::days(1)))
}

// ---------------------------------------------------------------- activity

/// One organiser as typed: an organisation of the directory (by id, resolved by the
/// caller from its code) or a named outside body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganiserSpec {
    pub role: OrganiserRole,
    pub org_id: Option<i64>,
    /// The name as written; required when `org_id` is `None`.
    pub name: Option<Line>,
}

/// A venue of an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VenueSpec {
    pub kind: VenueKind,
    pub name: Line,
    /// The organisation that hosts a branch venue.
    pub org_id: Option<i64>,
    pub address: Option<Line>,
    pub room: Option<Line>,
    pub capacity: Option<i32>,
    pub url: Option<Line>,
    pub participants: Vec<ParticipantSpec>,
}

/// Who is invited to a venue: a category, optionally one department, and a label
/// (“执法监督处负责人”).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantSpec {
    pub category: ParticipantCategory,
    pub org_id: Option<i64>,
    pub label: Line,
}

/// Activity input as typed, with organisations already resolved to ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityInput {
    pub campaign_id: i64,
    pub owner_org_id: i64,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub organisers: Vec<(String, Option<i64>, String)>,
    /// `window` (with `starts_at`, `ends_at`) or `period` (with `period_from`, `period_to`).
    pub schedule_kind: String,
    pub starts_at: String,
    pub ends_at: String,
    pub period_from: String,
    pub period_to: String,
    pub period_label: String,
    pub mode: String,
    pub audience: String,
    pub audience_roles: Vec<String>,
    pub public: bool,
    pub notice_id: Option<i64>,
    pub form_fields: Vec<String>,
}

/// A validated activity, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityDraft {
    pub campaign_id: i64,
    pub owner_org_id: i64,
    pub kind: ActivityKind,
    pub title: Line,
    pub description: Option<String>,
    pub organisers: Vec<OrganiserSpec>,
    pub schedule: Schedule,
    pub mode: ActivityMode,
    pub audience: Option<Line>,
    pub audience_roles: Vec<AudienceRole>,
    pub public: bool,
    pub notice_id: Option<i64>,
    pub form_fields: Vec<FormField>,
}

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 5000;

fn ok<T>(r: Result<T, FieldError>, errs: &mut Invalid) -> Option<T> {
    r.map_err(|e| errs.push(e)).ok()
}

/// Checks that a window ends after it starts. Code `ends_before_start` on `ends_field`.
pub fn check_window(
    ends_field: &str,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Result<(), FieldError> {
    if ends_at <= starts_at {
        Err(FieldError::new(ends_field, "ends_before_start")
            .with("starts_at", local_input(&starts_at))
            .with("ends_at", local_input(&ends_at)))
    } else {
        Ok(())
    }
}

impl ActivityInput {
    /// Validates every field and reports every problem at once.
    pub fn validate(&self) -> Result<ActivityDraft, Invalid> {
        let mut errs = Invalid::default();
        let kind = ok(ActivityKind::parse("kind", &self.kind), &mut errs);
        let title = ok(Line::parse("title", &self.title, TITLE_MAX), &mut errs);
        let description = ok(
            parse_text("description", &self.description, DESCRIPTION_MAX),
            &mut errs,
        );
        let mut organisers = Vec::new();
        for (i, (role, org_id, name)) in self.organisers.iter().enumerate() {
            let role = ok(
                OrganiserRole::parse(&format!("organisers[{i}].role"), role),
                &mut errs,
            );
            let name = ok(
                Line::parse_opt(&format!("organisers[{i}].name"), name, TITLE_MAX),
                &mut errs,
            );
            if let (Some(role), Some(name)) = (role, name) {
                if org_id.is_none() && name.is_none() {
                    errs.push(FieldError::new(format!("organisers[{i}].name"), "required"));
                } else {
                    organisers.push(OrganiserSpec {
                        role,
                        org_id: *org_id,
                        name,
                    });
                }
            }
        }
        let schedule = match self.schedule_kind.trim() {
            "period" => {
                let from = ok(
                    crate::campaign::parse_date("period_from", &self.period_from),
                    &mut errs,
                );
                let to = ok(
                    crate::campaign::parse_date("period_to", &self.period_to),
                    &mut errs,
                );
                let label = ok(
                    Line::parse_opt("period_label", &self.period_label, 50),
                    &mut errs,
                );
                match (from, to, label) {
                    (Some(from), Some(to), Some(label)) => {
                        if to < from {
                            errs.push(
                                FieldError::new("period_to", "ends_before_start")
                                    .with("starts_at", from)
                                    .with("ends_at", to),
                            );
                            None
                        } else {
                            Some(Schedule::Period {
                                from,
                                to,
                                label: label.map(Line::into_inner),
                            })
                        }
                    }
                    _ => None,
                }
            }
            "window" | "" => {
                let s = ok(
                    parse_local_datetime("starts_at", &self.starts_at),
                    &mut errs,
                );
                let e = ok(parse_local_datetime("ends_at", &self.ends_at), &mut errs);
                match (s, e) {
                    (Some(s), Some(e)) => {
                        ok(check_window("ends_at", s, e), &mut errs).map(|_| Schedule::Window {
                            starts_at: s,
                            ends_at: e,
                        })
                    }
                    _ => None,
                }
            }
            other => {
                errs.push(FieldError::new("schedule_kind", "unknown_value").with("value", other));
                None
            }
        };
        let mode = ok(ActivityMode::parse("mode", &self.mode), &mut errs);
        let audience = ok(Line::parse_opt("audience", &self.audience, 500), &mut errs);
        let mut audience_roles = Vec::new();
        for (i, r) in self.audience_roles.iter().enumerate() {
            if let Some(r) = ok(
                AudienceRole::parse(&format!("audience_roles[{i}]"), r),
                &mut errs,
            ) && !audience_roles.contains(&r)
            {
                audience_roles.push(r);
            }
        }
        let mut form_fields = Vec::new();
        for (i, f) in self.form_fields.iter().enumerate() {
            if let Some(f) = ok(FormField::parse(&format!("form_fields[{i}]"), f), &mut errs)
                && !form_fields.contains(&f)
            {
                form_fields.push(f);
            }
        }
        // The name is always asked: a registration is of a person.
        if !form_fields.contains(&FormField::Name) {
            form_fields.insert(0, FormField::Name);
        }
        match (kind, title, description, schedule, mode, audience) {
            (
                Some(kind),
                Some(title),
                Some(description),
                Some(schedule),
                Some(mode),
                Some(audience),
            ) if errs.is_empty() => Ok(ActivityDraft {
                campaign_id: self.campaign_id,
                owner_org_id: self.owner_org_id,
                kind,
                title,
                description,
                organisers,
                schedule,
                mode,
                audience,
                audience_roles,
                public: self.public,
                notice_id: self.notice_id,
                form_fields,
            }),
            _ => Err(errs),
        }
    }
}

// ---------------------------------------------------------------- sessions

/// A session people register for: one sitting of an activity, at a venue or online.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInput {
    pub title: String,
    pub starts_at: String,
    pub ends_at: String,
    /// Empty = no limit.
    pub capacity: String,
    /// Empty = registration stays open until the session starts.
    pub registration_closes_at: String,
    pub venue_id: Option<i64>,
    pub city: String,
    pub online_url: String,
}

/// A validated session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionDraft {
    pub title: Line,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: Option<i32>,
    pub registration_closes_at: Option<DateTime<Utc>>,
    pub venue_id: Option<i64>,
    pub city: Option<Line>,
    pub online_url: Option<Line>,
}

/// Largest accepted capacity of one session.
pub const CAPACITY_MAX: i32 = 1_000_000;

/// A capacity as typed: empty = unlimited; else a whole number from 1. Code
/// `invalid_capacity`.
pub fn parse_capacity(field: &str, raw: &str) -> Result<Option<i32>, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<i32>() {
        Ok(n) if (1..=CAPACITY_MAX).contains(&n) => Ok(Some(n)),
        _ => Err(FieldError::new(field, "invalid_capacity")
            .with("value", s)
            .with("max", CAPACITY_MAX)),
    }
}

/// An optional web address (`http://` or `https://`). Code `invalid_url`.
pub fn parse_url(field: &str, raw: &str) -> Result<Option<Line>, FieldError> {
    let Some(l) = Line::parse_opt(field, raw, 500)? else {
        return Ok(None);
    };
    let v = l.as_str();
    let ok = (v.starts_with("https://") || v.starts_with("http://"))
        && v.len() > 8
        && !v.chars().any(char::is_whitespace);
    if ok {
        Ok(Some(l))
    } else {
        Err(FieldError::new(field, "invalid_url").with("value", v))
    }
}

impl SessionInput {
    pub fn validate(&self) -> Result<SessionDraft, Invalid> {
        let mut errs = Invalid::default();
        let title = ok(Line::parse("title", &self.title, TITLE_MAX), &mut errs);
        let s = ok(
            parse_local_datetime("starts_at", &self.starts_at),
            &mut errs,
        );
        let e = ok(parse_local_datetime("ends_at", &self.ends_at), &mut errs);
        if let (Some(s), Some(e)) = (s, e) {
            ok(check_window("ends_at", s, e), &mut errs);
        }
        let capacity = ok(parse_capacity("capacity", &self.capacity), &mut errs);
        let closes = match self.registration_closes_at.trim() {
            "" => Some(None),
            raw => ok(
                parse_local_datetime("registration_closes_at", raw),
                &mut errs,
            )
            .map(Some),
        };
        let city = ok(Line::parse_opt("city", &self.city, 50), &mut errs);
        let online_url = ok(parse_url("online_url", &self.online_url), &mut errs);
        match (title, s, e, capacity, closes, city, online_url) {
            (
                Some(title),
                Some(s),
                Some(e),
                Some(capacity),
                Some(closes),
                Some(city),
                Some(url),
            ) if errs.is_empty() => Ok(SessionDraft {
                title,
                starts_at: s,
                ends_at: e,
                capacity,
                registration_closes_at: closes,
                venue_id: self.venue_id,
                city,
                online_url: url,
            }),
            _ => Err(errs),
        }
    }
}

impl SessionDraft {
    /// When registration closes: the set time, or the session's start.
    pub fn closes_at(&self) -> DateTime<Utc> {
        self.registration_closes_at.unwrap_or(self.starts_at)
    }
}

// ---------------------------------------------------------------- registration

/// A registration as typed on the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub attendance: String,
    #[serde(default)]
    pub audience_role: String,
}

/// A validated registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistrationDraft {
    pub name: Line,
    pub company: Option<Line>,
    pub position: Option<Line>,
    pub phone: Option<Line>,
    /// The phone number's canonical digits (see [`parse_personal_phone`]).
    pub phone_key: Option<String>,
    pub email: Option<Line>,
    pub attendance: Option<Attendance>,
    pub audience_role: Option<AudienceRole>,
}

impl RegistrationDraft {
    /// What makes two registrations for one session the same person: the name (spaces
    /// ignored, Latin letters in lower case) with the phone number's canonical digits, or
    /// else with the e-mail address (lower case), or else with the company. Two colleagues
    /// sharing a company mailbox or switchboard are two people; one person registering
    /// twice under one number or address is one.
    pub fn dedupe_key(&self) -> String {
        let name: String = self
            .name
            .as_str()
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        if let Some(k) = &self.phone_key {
            return format!("{name}|phone:{k}");
        }
        if let Some(e) = &self.email {
            return format!("{name}|email:{}", e.as_str().to_lowercase());
        }
        format!(
            "{name}|company:{}",
            self.company.as_ref().map_or("", |c| c.as_str())
        )
    }
}

impl RegistrationInput {
    /// Validates against the fields the activity asks for (each asked field is required)
    /// and its audience rules (`audience_not_allowed`).
    pub fn validate(
        &self,
        fields: &[FormField],
        audience: &[AudienceRole],
    ) -> Result<RegistrationDraft, Invalid> {
        let mut errs = Invalid::default();
        let asks = |f: FormField| fields.contains(&f);
        let name = ok(Line::parse("name", &self.name, NAME_MAX), &mut errs);
        let req = |field: &str, v: &str, errs: &mut Invalid| {
            if v.trim().is_empty() {
                errs.push(FieldError::new(field, "required"));
            }
        };
        if asks(FormField::Company) {
            req("company", &self.company, &mut errs);
        }
        if asks(FormField::Position) {
            req("position", &self.position, &mut errs);
        }
        if asks(FormField::Phone) {
            req("phone", &self.phone, &mut errs);
        }
        if asks(FormField::Email) {
            req("email", &self.email, &mut errs);
        }
        if asks(FormField::Attendance) {
            req("attendance", &self.attendance, &mut errs);
        }
        let company = ok(
            Line::parse_opt("company", &self.company, TITLE_MAX),
            &mut errs,
        );
        let position = ok(Line::parse_opt("position", &self.position, 100), &mut errs);
        let phone = ok(parse_personal_phone("phone", &self.phone), &mut errs);
        let email = ok(parse_email("email", &self.email), &mut errs);
        let attendance = match self.attendance.trim() {
            "" => Some(None),
            s => ok(Attendance::parse("attendance", s), &mut errs).map(Some),
        };
        let audience_role = match self.audience_role.trim() {
            "" if audience.is_empty() => Some(None),
            "" => {
                errs.push(
                    FieldError::new("audience_role", "audience_not_allowed").with(
                        "allowed",
                        audience
                            .iter()
                            .map(|a| a.zh())
                            .collect::<Vec<_>>()
                            .join("、"),
                    ),
                );
                None
            }
            s => match AudienceRole::parse("audience_role", s) {
                Ok(r) if audience.is_empty() || audience.contains(&r) => Some(Some(r)),
                Ok(_) => {
                    errs.push(
                        FieldError::new("audience_role", "audience_not_allowed").with(
                            "allowed",
                            audience
                                .iter()
                                .map(|a| a.zh())
                                .collect::<Vec<_>>()
                                .join("、"),
                        ),
                    );
                    None
                }
                Err(e) => {
                    errs.push(e);
                    None
                }
            },
        };
        match (
            name,
            company,
            position,
            phone,
            email,
            attendance,
            audience_role,
        ) {
            (
                Some(name),
                Some(company),
                Some(position),
                Some(phone),
                Some(email),
                Some(attendance),
                Some(audience_role),
            ) if errs.is_empty() => Ok(RegistrationDraft {
                name,
                company,
                position,
                phone_key: phone.as_ref().map(|(_, k)| k.clone()),
                phone: phone.map(|(line, _)| line),
                email,
                attendance,
                audience_role,
            }),
            _ => Err(errs),
        }
    }
}

/// A client-generated check-in id (from the offline check-in page): 8 to 64 characters of
/// letters, digits and `-`. Code `invalid_client_id`.
/// How long before a session starts a check-in is expected (doors open).
pub const CHECKIN_OPENS_MINUTES: i64 = 60;

/// A check-in made outside its session's window: more than an hour before the start
/// (`early`), or after the end (`after_end`). It is recorded all the same, with a warning:
/// the organiser may be checking people in at the wrong session.
pub fn checkin_timing(
    at: DateTime<Utc>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Option<&'static str> {
    if at < starts_at - chrono::Duration::minutes(CHECKIN_OPENS_MINUTES) {
        Some("early")
    } else if at > ends_at {
        Some("after_end")
    } else {
        None
    }
}

pub fn parse_client_id(field: &str, raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    if (8..=64).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(s.to_owned())
    } else {
        Err(FieldError::new(field, "invalid_client_id").with("value", s))
    }
}

/// The letters of a short ticket code: digits and capitals without the look-alikes 0, 1,
/// I, L, O and U, so a code read out over the phone or copied from paper comes back right.
pub const TICKET_CODE_ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a short ticket code (30⁸ ≈ 6.6 × 10¹¹ codes).
pub const TICKET_CODE_LEN: usize = 8;

/// How long before a session starts its watching link (直播/会议链接) is shown to its
/// registrants and on its activity's page.
pub const ONLINE_LINK_LEAD_MINUTES: i64 = 30;

/// When an online session's link is first shown.
pub fn online_link_from(starts_at: DateTime<Utc>) -> DateTime<Utc> {
    starts_at - chrono::Duration::minutes(ONLINE_LINK_LEAD_MINUTES)
}

/// The only way a session can be attended, when there is one: online for a session with a
/// link and nowhere to sit, on site for a session with a place and no link; `None` when
/// the registrant chooses (both) or nothing says (neither).
pub fn offered_attendance(online: bool, on_site: bool) -> Option<Attendance> {
    match (online, on_site) {
        (true, false) => Some(Attendance::Online),
        (false, true) => Some(Attendance::OnSite),
        _ => None,
    }
}

impl RegistrationDraft {
    /// Makes the attendance follow the session's only way of attending, if it has one: a
    /// registration for an online session that chose nothing is online; a different choice
    /// is refused (`attendance_not_offered`).
    pub fn follow_session(&mut self, offered: Option<Attendance>) -> Result<(), FieldError> {
        let Some(only) = offered else {
            return Ok(());
        };
        match self.attendance {
            Some(a) if a != only => Err(FieldError::new("attendance", "attendance_not_offered")
                .with("value", a.zh())
                .with("offered", only.zh())),
            _ => {
                self.attendance = Some(only);
                Ok(())
            }
        }
    }
}

/// A short ticket code as people read it: two groups of four (`K7M2-Q9XD`).
pub fn format_ticket_code(code: &str) -> String {
    if code.len() == TICKET_CODE_LEN && code.is_ascii() {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_owned()
    }
}

/// A short ticket code as typed: case, spaces and dashes do not matter; a character outside
/// the alphabet (a look-alike such as O or 1) is refused, not guessed. Code
/// `invalid_ticket_code`.
pub fn parse_ticket_code(field: &str, raw: &str) -> Result<String, FieldError> {
    let s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if s.len() == TICKET_CODE_LEN && s.bytes().all(|b| TICKET_CODE_ALPHABET.contains(&b)) {
        Ok(s)
    } else {
        Err(FieldError::new(field, "invalid_ticket_code").with("value", raw.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity() -> ActivityInput {
        ActivityInput {
            campaign_id: 1,
            owner_org_id: 1,
            kind: "collective_viewing".into(),
            title: "集中收看总局“世界认可日”主场活动".into(),
            organisers: vec![("主办".into(), Some(2), String::new())],
            schedule_kind: "window".into(),
            starts_at: "2022-06-09 10:00".into(),
            ends_at: "2022年6月9日 11:00".into(),
            mode: "视频会议".into(),
            public: false,
            ..Default::default()
        }
    }

    #[test]
    fn window_in_beijing_time() {
        let d = activity().validate().unwrap();
        assert_eq!(d.kind, ActivityKind::CollectiveViewing);
        assert_eq!(d.mode, ActivityMode::VideoConference);
        assert_eq!(
            d.schedule.starts_at().to_rfc3339(),
            "2022-06-09T02:00:00+00:00"
        );
        assert_eq!(d.schedule.label_zh(), "6月9日 10:00–11:00");
        assert_eq!(d.form_fields, [FormField::Name]);
    }

    #[test]
    fn bad_activity_reports_every_field() {
        let input = ActivityInput {
            kind: "party".into(),
            title: " ".into(),
            ends_at: "2022-06-09 09:00".into(),
            organisers: vec![("主办".into(), None, String::new())],
            mode: "carrier pigeon".into(),
            ..activity()
        };
        let errs = input.validate().unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("kind", "unknown_value"),
                ("title", "required"),
                ("organisers[0].name", "required"),
                ("ends_at", "ends_before_start"),
                ("mode", "unknown_value"),
            ]
        );
    }

    #[test]
    fn periods_as_written() {
        let (f, t) = parse_month_period("period", 2022, "5月—6月").unwrap();
        assert_eq!(
            (f.to_string(), t.to_string()),
            ("2022-05-01".into(), "2022-06-30".into())
        );
        let (f, t) = parse_month_period("period", 2022, "12月").unwrap();
        assert_eq!(
            (f.to_string(), t.to_string()),
            ("2022-12-01".into(), "2022-12-31".into())
        );
        assert_eq!(
            parse_month_period("period", 2022, "6月—5月")
                .unwrap_err()
                .code,
            "invalid_period"
        );
        let input = ActivityInput {
            schedule_kind: "period".into(),
            period_from: "2022-05-01".into(),
            period_to: "2022-06-30".into(),
            period_label: "5月—6月".into(),
            ..activity()
        };
        let d = input.validate().unwrap();
        assert_eq!(d.schedule.label_zh(), "5月—6月");
        assert_eq!(
            d.schedule.ends_at().to_rfc3339(),
            "2022-06-30T16:00:00+00:00"
        );
    }

    #[test]
    fn session_that_ends_before_it_starts() {
        let s = SessionInput {
            title: "广州片区现场培训".into(),
            starts_at: "2022-05-20 14:00".into(),
            ends_at: "2022-05-20 09:00".into(),
            capacity: "0".into(),
            ..Default::default()
        };
        let errs = s.validate().unwrap_err();
        assert_eq!(errs.0[0].field, "ends_at");
        assert_eq!(errs.0[0].code, "ends_before_start");
        assert_eq!(errs.0[0].param("starts_at"), Some("2022-05-20 14:00"));
        assert_eq!(errs.0[1].code, "invalid_capacity");
    }

    #[test]
    fn registration_fields_and_audience() {
        let fields = [FormField::Name, FormField::Company, FormField::Phone];
        let audience = [AudienceRole::CompanyHead, AudienceRole::QualityManager];
        let r = RegistrationInput {
            name: "陈小敏".into(),
            company: "佛山某电器有限公司".into(),
            phone: "138 0000 0001".into(),
            audience_role: "quality_manager".into(),
            ..Default::default()
        };
        let d = r.validate(&fields, &audience).unwrap();
        assert_eq!(d.dedupe_key(), "陈小敏|phone:13800000001");
        // The same person however the number is written; a colleague on the same company
        // mailbox is someone else.
        let again = RegistrationInput {
            name: "陈 小敏".into(),
            phone: "+86 138-0000-0001".into(),
            ..r.clone()
        };
        assert_eq!(
            again.validate(&fields, &audience).unwrap().dedupe_key(),
            d.dedupe_key()
        );
        let shared = |name: &str| RegistrationInput {
            name: name.into(),
            company: "佛山某电器有限公司".into(),
            email: "Info@fs-dianqi.cn".into(),
            audience_role: "quality_manager".into(),
            ..Default::default()
        };
        let fields_mail = [FormField::Name, FormField::Company, FormField::Email];
        let a = shared("陈小敏").validate(&fields_mail, &audience).unwrap();
        let b = shared("李志强").validate(&fields_mail, &audience).unwrap();
        assert_eq!(a.dedupe_key(), "陈小敏|email:info@fs-dianqi.cn");
        assert_ne!(a.dedupe_key(), b.dedupe_key());
        let short = RegistrationInput {
            phone: "1234567".into(),
            ..r.clone()
        };
        let e = short.validate(&fields, &audience).unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code),
            ("phone", "invalid_phone_number")
        );
        let bad = RegistrationInput {
            company: String::new(),
            audience_role: "public".into(),
            ..r
        };
        let errs = bad.validate(&fields, &audience).unwrap_err();
        let codes: Vec<_> = errs.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            [
                ("company", "required"),
                ("audience_role", "audience_not_allowed")
            ]
        );
        assert_eq!(errs.0[1].param("allowed"), Some("企业负责人、质量管理人员"));
    }

    #[test]
    fn attendance_follows_the_session() {
        use Attendance::{OnSite, Online};
        assert_eq!(offered_attendance(true, false), Some(Online));
        assert_eq!(offered_attendance(false, true), Some(OnSite));
        assert_eq!(offered_attendance(true, true), None);
        assert_eq!(offered_attendance(false, false), None);
        let draft = RegistrationInput {
            name: "陈小敏".into(),
            ..Default::default()
        }
        .validate(&[FormField::Name], &[])
        .unwrap();
        let mut d = draft.clone();
        d.follow_session(Some(Online)).unwrap();
        assert_eq!(d.attendance, Some(Online));
        let mut d = RegistrationDraft {
            attendance: Some(OnSite),
            ..draft.clone()
        };
        let e = d.follow_session(Some(Online)).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("attendance", "attendance_not_offered")
        );
        let mut d = RegistrationDraft {
            attendance: Some(OnSite),
            ..draft
        };
        d.follow_session(None).unwrap();
        assert_eq!(
            d.attendance,
            Some(OnSite),
            "a hybrid session keeps the choice"
        );
    }

    #[test]
    fn short_ticket_codes() {
        assert_eq!(
            parse_ticket_code("code", " k7m2-q9xd ").unwrap(),
            "K7M2Q9XD"
        );
        assert_eq!(parse_ticket_code("code", "K7M2 Q9XD").unwrap(), "K7M2Q9XD");
        assert_eq!(format_ticket_code("K7M2Q9XD"), "K7M2-Q9XD");
        for bad in [
            "K7M2Q9X",
            "K7M2Q9XDD",
            "K0M2Q9XD",
            "KIM2Q9XD",
            "K7M2Q9XU",
            "票号12345",
        ] {
            let e = parse_ticket_code("code", bad).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.code),
                ("code", "invalid_ticket_code"),
                "{bad}"
            );
        }
    }

    #[test]
    fn client_ids() {
        assert!(parse_client_id("id", "3f2a9c1e-0b7d-4e5f-9a8b-1c2d3e4f5a6b").is_ok());
        assert_eq!(
            parse_client_id("id", "x").unwrap_err().code,
            "invalid_client_id"
        );
        assert_eq!(
            parse_client_id("id", "abc def ghi").unwrap_err().code,
            "invalid_client_id"
        );
    }

    /// Every status against every event: the state after it, or the refusal.
    #[test]
    fn registration_transitions() {
        use RegistrationEvent::*;
        use RegistrationStatus::*;
        let table: [(
            RegistrationStatus,
            RegistrationEvent,
            Result<RegistrationStatus, &str>,
        ); 6] = [
            (Confirmed, Cancel, Ok(Cancelled)),
            (Confirmed, Promote, Err("not_waiting")),
            (Waiting, Cancel, Ok(Cancelled)),
            (Waiting, Promote, Ok(Confirmed)),
            (Cancelled, Cancel, Err("already_cancelled")),
            (Cancelled, Promote, Err("not_waiting")),
        ];
        for (from, event, to) in table {
            assert_eq!(from.transition(event), to, "{from:?} on {event:?}");
            assert_eq!(from.allows(event), to.is_ok());
        }
        assert_eq!(table.len(), RegistrationStatus::ALL.len() * 2);
        assert_eq!(RegistrationStatus::on_register(true), Confirmed);
        assert_eq!(RegistrationStatus::on_register(false), Waiting);
        assert!(Confirmed.holds_place() && !Waiting.holds_place() && !Cancelled.holds_place());
        for s in RegistrationStatus::ALL {
            assert_eq!(RegistrationStatus::from_code(s.as_str()), Some(*s));
        }
        assert_eq!(RegistrationStatus::from_code("waitlisted"), None);
    }
}

#[cfg(test)]
mod checkin_timing_tests {
    use super::checkin_timing;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn checkins_outside_the_window_are_flagged() {
        let start = Utc.with_ymd_and_hms(2022, 6, 8, 1, 0, 0).unwrap();
        let end = start + Duration::hours(3);
        assert_eq!(
            checkin_timing(start - Duration::minutes(61), start, end),
            Some("early")
        );
        assert_eq!(
            checkin_timing(start - Duration::minutes(60), start, end),
            None
        );
        assert_eq!(checkin_timing(end, start, end), None);
        assert_eq!(
            checkin_timing(end + Duration::seconds(1), start, end),
            Some("after_end")
        );
    }
}

#[cfg(test)]
mod schedule_en_tests {
    use super::Schedule;
    use chrono::{NaiveDate, TimeZone, Utc};

    fn period(label: &str) -> Schedule {
        Schedule::Period {
            from: NaiveDate::from_ymd_opt(2022, 6, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2022, 6, 30).unwrap(),
            label: Some(label.into()),
        }
    }

    #[test]
    fn schedules_in_english() {
        assert_eq!(period("5月—6月").label_en(), "May–June");
        assert_eq!(period("6月9日前后").label_en(), "around 9 June");
        assert_eq!(period("6月").label_en(), "June");
        assert_eq!(period("活动周期间").label_en(), "1 June – 30 June");
        assert_eq!(period("13月").label_en(), "1 June – 30 June");
        let w = Schedule::Window {
            starts_at: Utc.with_ymd_and_hms(2022, 6, 9, 2, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2022, 6, 9, 3, 0, 0).unwrap(),
        };
        assert_eq!(w.label_en(), "9 June 10:00–11:00");
        assert_eq!(w.label(true), "6月9日 10:00–11:00");
    }
}
