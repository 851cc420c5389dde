//! Activities (活动): creation with organisers, venues, sessions and debugging slots;
//! registration with a waiting list; cancellation; check-in; branch-venue readiness;
//! calendars and iCalendar feeds. Every permission check of the module is here.

use crate::App;
use crate::Caller;
use crate::error::AppError;
use crate::jobs::Job;
use crate::orgs::org_by_code;
use chrono::{DateTime, Utc};
use renke_domain::activity::{
    ActivityInput, Attendance, AudienceRole, FormField, Readiness, RegistrationDraft,
    RegistrationInput, SessionInput, local_input, parse_capacity, parse_client_id,
    parse_local_datetime,
};
use renke_domain::error::{LIST_MAX, SHORT_LIST_MAX, check_list_lengths};
use renke_domain::org::OrgPath;
use renke_domain::perm::Action;
use renke_domain::task::TaskKind;
use renke_domain::text::Line;
use renke_domain::{FieldError, Invalid};
use renke_render::ical::{self, IcsEvent, When};
use renke_store::activities::{
    self, Activity, ActivityRow, BoardRow, CalendarQuery, CapacityChange, CheckReport,
    CheckinOutcome, NewActivity, Organiser, RegisterOutcome, Registration, Session,
};
use renke_store::campaigns::{self, Campaign};
use renke_store::{StoreError, orgs};
use serde::{Deserialize, Serialize};

pub mod registrar;
pub mod venues;
pub mod way_back;

// ---------------------------------------------------------------- input

/// One organiser as typed: a directory organisation (`org_code`) or a named outside body.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct OrganiserInput {
    /// `host` 主办, `undertaker` 承办, `co_organiser` 协办, `guide` 指导 (or the Chinese word).
    pub role: String,
    #[serde(default)]
    pub org_code: String,
    /// The name as written, for bodies outside the directory.
    #[serde(default)]
    pub name: String,
}

/// Who is invited to a venue.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct ParticipantInput {
    /// `leaders`, `department_heads`, `department_staff`, `institutions`, `others`.
    pub category: String,
    #[serde(default)]
    pub org_code: String,
    pub label: String,
}

/// A venue as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct VenueInput {
    /// `main` 主会场, `branch` 分会场, `room` 会场, `online`, `livestream`.
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub org_code: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub room: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub participants: Vec<ParticipantInput>,
}

/// A session as typed; times in Beijing time (`2022-06-15 09:00`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct SessionForm {
    pub title: String,
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub registration_closes_at: String,
    /// Index of the venue in `venues` when created with the activity.
    #[serde(default)]
    pub venue_index: Option<usize>,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub online_url: String,
}

/// A debugging slot (联调) as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct DebugSlotInput {
    pub label: String,
    pub starts_at: String,
}

/// Branch venues generated from a list: every direct child of `parent_code` of `kind`
/// (每个省级局一个分会场), and/or the organisations named by code.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct BranchVenueList {
    #[serde(default)]
    pub parent_code: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub org_codes: Vec<String>,
    /// Also every addressee (主送单位) of the activity's notice (`notice_id`) but the owner:
    /// 为每个主送单位设分会场.
    #[serde(default)]
    pub addressees: bool,
}

/// An activity as typed. Times in Beijing time.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct ActivityForm {
    pub campaign_id: i64,
    /// The organisation whose activity it is (the caller must manage it).
    pub owner_code: String,
    /// One of the activity types (`main_event`, `collective_viewing`, `lecture`, `training` …).
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub organisers: Vec<OrganiserInput>,
    /// `window` (starts_at, ends_at) or `period` (period_from, period_to, period_label).
    #[serde(default)]
    pub schedule_kind: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    #[serde(default)]
    pub period_from: String,
    #[serde(default)]
    pub period_to: String,
    #[serde(default)]
    pub period_label: String,
    /// `offline`, `online`, `livestream`, `video_conference`, `hybrid`.
    pub mode: String,
    #[serde(default)]
    pub audience: String,
    /// Who may register (`company_head`, `quality_manager` …); empty = anyone.
    #[serde(default)]
    pub audience_roles: Vec<String>,
    #[serde(default)]
    pub public: bool,
    #[serde(default)]
    pub notice_id: Option<i64>,
    /// The activity plan task (活动方案) that lists it: a task of kind `plan` whose
    /// recipients include the owner organisation.
    #[serde(default)]
    pub task_id: Option<i64>,
    /// Fields the registration form asks for: `name`, `company`, `position`, `phone`,
    /// `email`, `attendance`.
    #[serde(default)]
    pub form_fields: Vec<String>,
    #[serde(default)]
    pub venues: Vec<VenueInput>,
    #[serde(default)]
    pub branch_venues: Option<BranchVenueList>,
    #[serde(default)]
    pub sessions: Vec<SessionForm>,
    #[serde(default)]
    pub debug_slots: Vec<DebugSlotInput>,
}

impl ActivityForm {
    /// Refuses lists longer than an activity can need (`too_many`), before any code is
    /// looked up: at most [`LIST_MAX`] venues, branch venues named by code and participants
    /// of a venue, and [`SHORT_LIST_MAX`] organisers, sessions, debugging slots, audience
    /// rules and form fields.
    pub fn check_list_lengths(&self) -> Result<(), Invalid> {
        let mut lists = vec![
            (
                "organisers".to_owned(),
                self.organisers.len(),
                SHORT_LIST_MAX,
            ),
            (
                "audience_roles".to_owned(),
                self.audience_roles.len(),
                SHORT_LIST_MAX,
            ),
            (
                "form_fields".to_owned(),
                self.form_fields.len(),
                SHORT_LIST_MAX,
            ),
            ("venues".to_owned(), self.venues.len(), LIST_MAX),
            ("sessions".to_owned(), self.sessions.len(), SHORT_LIST_MAX),
            (
                "debug_slots".to_owned(),
                self.debug_slots.len(),
                SHORT_LIST_MAX,
            ),
        ];
        if let Some(b) = &self.branch_venues {
            lists.push((
                "branch_venues.org_codes".to_owned(),
                b.org_codes.len(),
                LIST_MAX,
            ));
        }
        for (i, v) in self.venues.iter().enumerate() {
            lists.push((
                format!("venues[{i}].participants"),
                v.participants.len(),
                LIST_MAX,
            ));
        }
        let lists: Vec<(&str, usize, usize)> =
            lists.iter().map(|(f, n, m)| (f.as_str(), *n, *m)).collect();
        check_list_lengths(&lists)
    }
}

fn ok<T>(r: Result<T, FieldError>, errs: &mut Invalid) -> Option<T> {
    r.map_err(|e| errs.push(e)).ok()
}

fn session_input(f: &SessionForm) -> SessionInput {
    SessionInput {
        title: f.title.clone(),
        starts_at: f.starts_at.clone(),
        ends_at: f.ends_at.clone(),
        capacity: f.capacity.clone(),
        registration_closes_at: f.registration_closes_at.clone(),
        venue_id: None,
        city: f.city.clone(),
        online_url: f.online_url.clone(),
    }
}

/// Creates an activity of an organisation the caller manages, in a campaign it can see,
/// with everything typed in one transaction. Every bad field is reported at once.
pub async fn create_activity(
    app: &App,
    me: &Caller,
    f: &ActivityForm,
) -> Result<Activity, AppError> {
    let mut errs = Invalid::default();
    let owner = org_by_code(app, &mut errs, "owner_code", &f.owner_code).await?;
    if let Some(o) = &owner {
        me.actor().may(Action::Manage, &o.path)?;
    }
    // A campaign or notice the caller may not read is as unknown as one that does not exist.
    f.check_list_lengths()?;
    match campaigns::get(&app.db, f.campaign_id).await {
        Ok(c) if crate::campaigns::may_see_campaign(Some(me), &c) => {}
        Ok(_) | Err(StoreError::NotFound) => errs
            .push(FieldError::new("campaign_id", "unknown_campaign").with("value", f.campaign_id)),
        Err(e) => return Err(e.into()),
    }
    check_notice(app, me, &mut errs, f.notice_id).await?;
    if let Some(o) = &owner {
        check_plan_task(app, &mut errs, f.task_id, o.id).await?;
    }
    let input = activity_input(
        app,
        &mut errs,
        f,
        f.campaign_id,
        owner.as_ref().map_or(0, |o| o.id),
    )
    .await?;
    let draft = input.validate().map_err(|e| errs.0.extend(e.0)).ok();
    let mut venues = Vec::new();
    for (i, v) in f.venues.iter().enumerate() {
        if let Some(spec) = venues::venue_spec(app, &mut errs, &format!("venues[{i}]"), v).await? {
            venues.push(spec);
        }
    }
    let mut branch_orgs = Vec::new();
    if let Some(b) = &f.branch_venues {
        if !b.parent_code.trim().is_empty()
            && let Some(parent) =
                org_by_code(app, &mut errs, "branch_venues.parent_code", &b.parent_code).await?
        {
            let kind = if b.kind.trim().is_empty() {
                "regulator".to_owned()
            } else {
                match renke_domain::org::OrgKind::parse("branch_venues.kind", &b.kind) {
                    Ok(k) => k.as_str().to_owned(),
                    Err(e) => {
                        errs.push(e);
                        String::new()
                    }
                }
            };
            branch_orgs.extend(activities::children_of_kind(&app.db, parent.id, &kind).await?);
        }
        for (i, code) in b.org_codes.iter().enumerate() {
            if let Some(o) = org_by_code(
                app,
                &mut errs,
                &format!("branch_venues.org_codes[{i}]"),
                code,
            )
            .await?
                && !branch_orgs.contains(&o.id)
            {
                branch_orgs.push(o.id);
            }
        }
        if b.addressees {
            let owner_id = owner.as_ref().map(|o| o.id);
            for id in venues::addressee_orgs(app, me, &mut errs, f.notice_id, owner_id).await? {
                if !branch_orgs.contains(&id) {
                    branch_orgs.push(id);
                }
            }
        }
    }
    let mut sessions = Vec::new();
    for (i, s) in f.sessions.iter().enumerate() {
        match session_input(s).validate() {
            Ok(d) => {
                if let Some(v) = s.venue_index
                    && v >= f.venues.len()
                {
                    errs.push(
                        FieldError::new(format!("sessions[{i}].venue_index"), "unknown_value")
                            .with("value", v),
                    );
                }
                sessions.push((d, s.venue_index));
            }
            Err(e) => errs.0.extend(e.under(&format!("sessions[{i}]")).0),
        }
    }
    let mut slots = Vec::new();
    for (i, s) in f.debug_slots.iter().enumerate() {
        let label = ok(
            Line::parse(&format!("debug_slots[{i}].label"), &s.label, 100),
            &mut errs,
        );
        let at = ok(
            parse_local_datetime(&format!("debug_slots[{i}].starts_at"), &s.starts_at),
            &mut errs,
        );
        if let (Some(label), Some(at)) = (label, at) {
            slots.push((label.into_inner(), at));
        }
    }
    errs.into_result()?;
    let (Some(draft), Some(_)) = (draft, owner) else {
        return Err(AppError::NotFound);
    };
    let parts = NewActivity {
        venues: &venues,
        branch_orgs: &branch_orgs,
        sessions: &sessions,
        debug_slots: &slots,
        task_id: f.task_id,
    };
    let id = activities::create(&app.db, &draft, &parts, Some(me.id), app.clock.now()).await?;
    Ok(activities::get(&app.db, id).await?)
}

// ---------------------------------------------------------------- reading

fn owner_path(a: &ActivityRow) -> Result<OrgPath, AppError> {
    OrgPath::from_stored(a.owner_path.clone())
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("bad stored path {}", a.owner_path)))
}

/// Whether `me` runs the activity (Manage on its owner).
pub fn may_manage(me: Option<&Caller>, a: &ActivityRow) -> bool {
    match (me, owner_path(a)) {
        (Some(me), Ok(p)) => me.actor().may(Action::Manage, &p).is_ok(),
        _ => false,
    }
}

/// Whether `me` may check people in (Act on the owner: its staff and organisers above).
pub fn may_check_in(me: Option<&Caller>, a: &ActivityRow) -> bool {
    match (me, owner_path(a)) {
        (Some(me), Ok(p)) => me.actor().may(Action::Act, &p).is_ok(),
        _ => false,
    }
}

/// Public activities are for everyone; internal ones for whoever reads the owner's internal
/// material (institutions never their superiors'), hosts one of its venues or organises it.
async fn readable(app: &App, me: Option<&Caller>, id: i64) -> Result<Activity, AppError> {
    let a = activities::get(&app.db, id).await?;
    may_read(me, &a)?;
    Ok(a)
}

/// Whether `me` may read activity `a` (see [`readable`]).
pub(super) fn may_read(me: Option<&Caller>, a: &Activity) -> Result<(), AppError> {
    if a.row.public {
        return Ok(());
    }
    let Some(me) = me else {
        return Err(AppError::NotFound);
    };
    if me.actor().reads_internal_of(&owner_path(&a.row)?)
        || a.venues.iter().any(|v| v.org_id == Some(me.org_id))
        || a.organisers.iter().any(|o| o.org_id == Some(me.org_id))
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// An activity with what its page shows around it.
pub struct ActivityView {
    pub activity: Activity,
    pub campaign: Campaign,
    pub may_manage: bool,
    pub may_check_in: bool,
    /// The branch venue the caller's organisation hosts, if any.
    pub my_venue: Option<i64>,
    /// That venue's saved reports, one per debugging slot reported on.
    pub my_checks: Vec<BoardRow>,
}

pub async fn activity_view(
    app: &App,
    me: Option<&Caller>,
    id: i64,
) -> Result<ActivityView, AppError> {
    let activity = readable(app, me, id).await?;
    let campaign = campaigns::get(&app.db, activity.row.campaign_id).await?;
    let my_venue = me.and_then(|m| {
        activity
            .venues
            .iter()
            .find(|v| v.org_id == Some(m.org_id))
            .map(|v| v.id)
    });
    let my_checks = match my_venue {
        Some(venue) if !activity.debug_slots.is_empty() => activities::board(&app.db, id)
            .await?
            .into_iter()
            .filter(|r| r.venue_id == venue && r.updated_at.is_some())
            .collect(),
        _ => Vec::new(),
    };
    Ok(ActivityView {
        may_manage: may_manage(me, &activity.row),
        may_check_in: may_check_in(me, &activity.row),
        my_venue,
        my_checks,
        activity,
        campaign,
    })
}

/// A session with its activity's page, for whoever may read the activity (the public
/// registration form).
pub async fn session_view(
    app: &App,
    me: Option<&Caller>,
    session_id: i64,
) -> Result<(Session, ActivityView), AppError> {
    let session = activities::session(&app.db, session_id).await?;
    let view = activity_view(app, me, session.activity_id).await?;
    Ok((session, view))
}

/// One row of a calendar: the activity and its organisers.
pub struct CalendarItem {
    pub activity: ActivityRow,
    pub organisers: Vec<Organiser>,
}

/// Filters of a calendar, as in the URL.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CalendarParams {
    /// Only this campaign.
    #[serde(default)]
    pub campaign_id: Option<i64>,
    /// Only activities this organisation (code) owns or organises.
    #[serde(default)]
    pub org: Option<String>,
    /// Month `2022-06` (month view); empty = every date (list view).
    #[serde(default)]
    pub month: Option<String>,
    #[serde(default)]
    pub offset: Option<i64>,
    #[serde(default)]
    pub limit: Option<i64>,
}

/// The (year, month) of a `2022-06` parameter.
pub fn parse_month(raw: &str) -> Result<(i32, u32), FieldError> {
    let bad = || FieldError::new("month", "invalid_month").with("value", raw.trim());
    let (y, m) = raw.trim().split_once('-').ok_or_else(bad)?;
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if (1..=12).contains(&m) && (1949..=2999).contains(&y) {
        Ok((y, m))
    } else {
        Err(bad())
    }
}

/// Activities for a calendar: everything the caller may see (public activities for the
/// public; for staff also their own organisation's subtree's internal activities).
pub async fn calendar(
    app: &App,
    me: Option<&Caller>,
    p: &CalendarParams,
) -> Result<(Vec<CalendarItem>, i64), AppError> {
    let mut errs = Invalid::default();
    let org_id = match p.org.as_deref().map(str::trim) {
        Some(code) if !code.is_empty() => org_by_code(app, &mut errs, "org", code)
            .await?
            .map(|o| o.id),
        _ => None,
    };
    let (from, to) = match p.month.as_deref().map(str::trim) {
        Some(m) if !m.is_empty() => match parse_month(m) {
            Ok((y, mo)) => match activities::month_bounds(y, mo) {
                Some((a, b)) => (Some(a), Some(b)),
                None => (None, None),
            },
            Err(e) => {
                errs.push(e);
                (None, None)
            }
        },
        _ => (None, None),
    };
    errs.into_result()?;
    let q = CalendarQuery {
        campaign_id: p.campaign_id,
        org_id,
        public_only: me.is_none(),
        from,
        to,
        offset: p.offset.unwrap_or(0),
        limit: p.limit.unwrap_or(200).clamp(1, 500),
    };
    let (mut rows, mut total) = activities::calendar(&app.db, &q).await?;
    if let Some(me) = me {
        let before = rows.len();
        rows.retain(|a| {
            a.public
                || OrgPath::from_stored(a.owner_path.clone())
                    .is_some_and(|p| me.actor().sees_calendar_of(&p))
        });
        total -= (before - rows.len()) as i64;
    }
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    let mut orgs = activities::organisers_of(&app.db, &ids).await?;
    let items = rows
        .into_iter()
        .map(|a| {
            let mine: Vec<Organiser> = orgs
                .iter()
                .filter(|(id, _)| *id == a.id)
                .map(|(_, o)| o.clone())
                .collect();
            CalendarItem {
                activity: a,
                organisers: mine,
            }
        })
        .collect();
    orgs.clear();
    Ok((items, total))
}

/// Public activities of a public campaign, for its public page.
pub async fn public_calendar(app: &App, c: &Campaign) -> Result<Vec<CalendarItem>, AppError> {
    if !c.public {
        return Ok(Vec::new());
    }
    let p = CalendarParams {
        campaign_id: Some(c.id),
        limit: Some(500),
        ..Default::default()
    };
    Ok(calendar(app, None, &p).await?.0)
}

// ---------------------------------------------------------------- sessions and capacity

async fn session_and_activity(app: &App, session_id: i64) -> Result<(Session, Activity), AppError> {
    let s = activities::session(&app.db, session_id).await?;
    let a = activities::get(&app.db, s.activity_id).await?;
    Ok((s, a))
}

/// Adds a session to an activity the caller manages.
pub async fn add_session(
    app: &App,
    me: &Caller,
    activity_id: i64,
    f: &SessionForm,
) -> Result<Session, AppError> {
    let a = activities::get(&app.db, activity_id).await?;
    me.actor().may(Action::Manage, &owner_path(&a.row)?)?;
    let d = session_input(f).validate()?;
    let id = activities::add_session(&app.db, activity_id, &d).await?;
    Ok(activities::session(&app.db, id).await?)
}

/// Changes a session's capacity (empty = unlimited). A capacity below the confirmed
/// registrations is refused (`capacity_below_registrations`) and nothing changes.
pub async fn set_capacity(
    app: &App,
    me: &Caller,
    session_id: i64,
    capacity: &str,
) -> Result<Session, AppError> {
    let (_, a) = session_and_activity(app, session_id).await?;
    me.actor().may(Action::Manage, &owner_path(&a.row)?)?;
    let cap = parse_capacity("capacity", capacity)?;
    match activities::set_capacity(&app.db, session_id, cap, app.clock.now()).await? {
        CapacityChange::Changed { .. } => Ok(activities::session(&app.db, session_id).await?),
        CapacityChange::BelowRegistrations { confirmed } => {
            Err(FieldError::new("capacity", "capacity_below_registrations")
                .with("value", capacity.trim())
                .with("confirmed", confirmed)
                .into())
        }
    }
}

// ---------------------------------------------------------------- registration

/// A registration as typed; which fields are required depends on the activity.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct RegistrationForm {
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
    /// `on_site` or `online`.
    #[serde(default)]
    pub attendance: String,
    /// `company_head`, `quality_manager`, `regulatory_staff`, `institution_staff`, `public`.
    #[serde(default)]
    pub audience_role: String,
}

impl From<&RegistrationForm> for RegistrationInput {
    fn from(f: &RegistrationForm) -> Self {
        RegistrationInput {
            name: f.name.clone(),
            company: f.company.clone(),
            position: f.position.clone(),
            phone: f.phone.clone(),
            email: f.email.clone(),
            attendance: f.attendance.clone(),
            audience_role: f.audience_role.clone(),
        }
    }
}

/// The registration form's field codes of an activity.
pub fn form_fields(a: &ActivityRow) -> Vec<FormField> {
    a.form_field_codes()
        .into_iter()
        .filter_map(|c| FormField::parse("form_fields", c).ok())
        .collect()
}

pub fn audience_roles(a: &ActivityRow) -> Vec<AudienceRole> {
    a.audience_role_codes()
        .into_iter()
        .filter_map(|c| AudienceRole::parse("audience_roles", c).ok())
        .collect()
}

/// Registers for a session of a public activity (anyone) or of an internal one (those who
/// may read it). Refuses, with the field named and nothing stored: a bad or missing field,
/// an audience outside the activity's rules, registration after closing
/// (`registration_closed`), and a second registration of the same person
/// (`already_registered`). Registrations that arrive together are written together (see
/// [`registrar`]).
pub async fn register(
    app: &App,
    me: Option<&Caller>,
    session_id: i64,
    form: &RegistrationForm,
) -> Result<Registration, AppError> {
    registrar::register(app, me, session_id, RegistrationInput::from(form)).await
}

/// The answer to one registration attempt of `d`.
pub(super) fn registered(
    outcome: RegisterOutcome,
    d: &RegistrationDraft,
) -> Result<Registration, AppError> {
    match outcome {
        RegisterOutcome::Registered(r) => Ok(*r),
        RegisterOutcome::Closed { closes_at } => {
            Err(FieldError::new("session_id", "registration_closed")
                .with("closes_at", local_input(&closes_at))
                .into())
        }
        RegisterOutcome::Duplicate => {
            // The field that, with the name, made the person the same (see `dedupe_key`).
            let field = if d.phone_key.is_some() {
                "phone"
            } else if d.email.is_some() {
                "email"
            } else {
                "name"
            };
            Err(FieldError::new(field, "already_registered").into())
        }
    }
}

/// A registration with its session and activity, for the ticket page.
pub struct Ticket {
    pub registration: Registration,
    pub session: Session,
    pub activity: Activity,
}

/// Whether `s` has the shape of a (long) ticket: 32 hexadecimal digits.
fn is_ticket(s: &str) -> bool {
    s.len() == 32 && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// The registration holding `ticket` (the long ticket is the registrant's key).
pub async fn ticket(app: &App, ticket: &str) -> Result<Ticket, AppError> {
    if !is_ticket(ticket) {
        return Err(AppError::NotFound);
    }
    let registration = activities::registration_by_ticket(&app.db, ticket).await?;
    let (session, activity) = session_and_activity(app, registration.session_id).await?;
    Ok(Ticket {
        registration,
        session,
        activity,
    })
}

/// Cancels by ticket (the registrant) — the first on the waiting list moves up.
pub async fn cancel_by_ticket(app: &App, code: &str) -> Result<Ticket, AppError> {
    let t = ticket(app, code).await?;
    activities::cancel(&app.db, t.registration.id, app.clock.now()).await?;
    ticket(app, code).await
}

/// Cancels a registration of an activity the caller manages.
pub async fn cancel_registration(
    app: &App,
    me: &Caller,
    registration_id: i64,
) -> Result<Registration, AppError> {
    let r = activities::registration(&app.db, registration_id).await?;
    let a = activities::get(&app.db, r.activity_id).await?;
    me.actor().may(Action::Manage, &owner_path(&a.row)?)?;
    activities::cancel(&app.db, registration_id, app.clock.now()).await?;
    Ok(activities::registration(&app.db, registration_id).await?)
}

/// A session's registrations, for whoever may check people in.
pub async fn registrations(
    app: &App,
    me: &Caller,
    session_id: i64,
) -> Result<(Session, Activity, Vec<Registration>), AppError> {
    let (s, a) = session_and_activity(app, session_id).await?;
    me.actor().may(Action::Act, &owner_path(&a.row)?)?;
    let regs = activities::registrations(&app.db, session_id).await?;
    // The list holds people's phone numbers: who read it is recorded.
    crate::audit::read(
        app,
        "activity_sessions",
        session_id,
        Some(("activities", a.row.id)),
        serde_json::json!({ "registrations": regs.len() }),
    )
    .await?;
    Ok((s, a, regs))
}

// ---------------------------------------------------------------- check-in

/// One check-in as the phone sends it (possibly long after, from its offline queue).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct CheckinInput {
    /// Generated on the device; the same id sent twice counts once.
    pub client_id: String,
    /// The ticket from the QR code or the list, or the short code as typed (`K7M2-Q9XD`).
    pub ticket: String,
    /// When it happened on the device (RFC 3339); empty = now.
    #[serde(default)]
    pub checked_in_at: String,
    /// `qr` or `list`.
    #[serde(default)]
    pub method: String,
}

/// What became of one check-in.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CheckinResult {
    pub client_id: String,
    /// `recorded`, `repeated`, `already_checked_in`, `unknown_ticket`, `not_confirmed`,
    /// `invalid`.
    pub outcome: String,
    pub name: Option<String>,
    /// Recorded outside the session's window: `early` (more than an hour before the
    /// start) or `after_end`; none within it.
    pub timing: Option<String>,
}

/// Records a batch of check-ins for a session (Act on the activity's owner). Each item
/// succeeds or fails on its own; none is counted twice.
pub async fn check_in(
    app: &App,
    me: &Caller,
    session_id: i64,
    items: &[CheckinInput],
) -> Result<Vec<CheckinResult>, AppError> {
    let (session, a) = session_and_activity(app, session_id).await?;
    me.actor().may(Action::Act, &owner_path(&a.row)?)?;
    let now = app.clock.now();
    let mut out = Vec::new();
    for it in items {
        let client_id = match parse_client_id("client_id", &it.client_id) {
            Ok(c) => c,
            Err(_) => {
                out.push(CheckinResult {
                    client_id: it.client_id.clone(),
                    outcome: "invalid".into(),
                    name: None,
                    timing: None,
                });
                continue;
            }
        };
        let at = DateTime::parse_from_rfc3339(it.checked_in_at.trim())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now)
            .min(now);
        let method = if it.method == "list" { "list" } else { "qr" };
        // The long ticket (QR code, list) in lower case, or the short code as stored; what
        // is neither is no ticket of this session.
        let long = it.ticket.trim().to_ascii_lowercase();
        let ticket = if is_ticket(&long) {
            long
        } else {
            renke_domain::activity::parse_ticket_code("ticket", &it.ticket).unwrap_or(long)
        };
        let res = activities::check_in(
            &app.db,
            session_id,
            &client_id,
            &ticket,
            method,
            at,
            Some(me.id),
            now,
        )
        .await;
        let outcome = match res {
            Ok(CheckinOutcome::Recorded) => "recorded",
            Ok(CheckinOutcome::Repeated) => "repeated",
            Ok(CheckinOutcome::AlreadyCheckedIn) => "already_checked_in",
            Err(StoreError::NotFound) => "unknown_ticket",
            Err(StoreError::State(_)) => "not_confirmed",
            Err(e) => return Err(e.into()),
        };
        let name = match outcome {
            "unknown_ticket" | "invalid" => None,
            _ if is_ticket(&ticket) => activities::registration_by_ticket(&app.db, &ticket)
                .await
                .ok()
                .map(|r| r.name),
            _ => activities::registration_by_code(&app.db, &ticket)
                .await
                .ok()
                .map(|r| r.name),
        };
        let timing = matches!(outcome, "recorded" | "repeated")
            .then(|| renke_domain::activity::checkin_timing(at, session.starts_at, session.ends_at))
            .flatten()
            .map(str::to_owned);
        out.push(CheckinResult {
            client_id,
            outcome: outcome.into(),
            name,
            timing,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------- readiness

/// A branch venue's report as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct ReadinessForm {
    /// `ready` or `not_ready`.
    pub readiness: String,
    /// The venue took part in the test (联调) and confirms it.
    #[serde(default)]
    pub test_confirmed: bool,
    #[serde(default)]
    pub technician_name: String,
    #[serde(default)]
    pub technician_phone: String,
    #[serde(default)]
    pub note: String,
}

/// Records a venue's test and readiness for a debugging slot: the organisation hosting
/// the venue (Act on it) or the activity's organiser (Manage). A venue reported ready
/// must name its technician.
pub async fn report_readiness(
    app: &App,
    me: &Caller,
    activity_id: i64,
    venue_id: i64,
    slot_id: i64,
    f: &ReadinessForm,
) -> Result<(), AppError> {
    let a = activities::get(&app.db, activity_id).await?;
    let venue = a
        .venues
        .iter()
        .find(|v| v.id == venue_id)
        .ok_or(AppError::NotFound)?;
    let by_host = match venue.org_id {
        Some(o) => {
            let org = orgs::get(&app.db, o).await?;
            me.actor().may(Action::Act, &org.path).is_ok()
        }
        None => false,
    };
    if !by_host {
        me.actor().may(Action::Manage, &owner_path(&a.row)?)?;
    }
    let mut errs = Invalid::default();
    // A report says ready or not ready; nothing chosen is refused, not taken for either.
    let readiness = match f.readiness.trim() {
        "" => {
            errs.push(FieldError::new("readiness", "required"));
            None
        }
        s => ok(Readiness::parse("readiness", s), &mut errs),
    };
    let name = ok(
        Line::parse_opt("technician_name", &f.technician_name, 50),
        &mut errs,
    );
    let phone = ok(
        renke_domain::contact::parse_phone("technician_phone", &f.technician_phone),
        &mut errs,
    );
    let note = ok(Line::parse_opt("note", &f.note, 500), &mut errs);
    if readiness == Some(Readiness::Ready) && name.as_ref().is_some_and(Option::is_none) {
        errs.push(FieldError::new("technician_name", "required"));
    }
    errs.into_result()?;
    let report = CheckReport {
        readiness: readiness.unwrap_or(Readiness::Pending),
        test_confirmed: f.test_confirmed,
        technician_name: name.flatten().map(Line::into_inner),
        technician_phone: phone.flatten().map(Line::into_inner),
        note: note.flatten().map(Line::into_inner),
    };
    activities::report_check(&app.db, venue_id, slot_id, &report, me.id, app.clock.now()).await?;
    Ok(())
}

/// The day-of board: for those who may read the activity.
pub async fn board(
    app: &App,
    me: &Caller,
    activity_id: i64,
) -> Result<(Activity, Vec<BoardRow>), AppError> {
    let a = readable(app, Some(me), activity_id).await?;
    let rows = activities::board(&app.db, activity_id).await?;
    Ok((a, rows))
}

// ---------------------------------------------------------------- iCalendar

fn organiser_line(orgs: &[Organiser]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for role in ["host", "undertaker", "co_organiser", "guide"] {
        let names: Vec<&str> = orgs
            .iter()
            .filter(|o| o.role == role)
            .map(|o| o.name.as_str())
            .collect();
        if !names.is_empty() {
            let label = renke_domain::activity::OrganiserRole::parse("role", role)
                .map(|r| r.zh())
                .unwrap_or(role);
            parts.push(format!("{label}：{}", names.join("、")));
        }
    }
    parts.join("；")
}

fn activity_event(base: &str, a: &ActivityRow, orgs: &[Organiser], now: DateTime<Utc>) -> IcsEvent {
    let when = match a_schedule(a) {
        renke_domain::activity::Schedule::Window { starts_at, ends_at } => {
            When::Window { starts_at, ends_at }
        }
        renke_domain::activity::Schedule::Period { from, to, .. } => When::Days { from, to },
    };
    let mut desc = organiser_line(orgs);
    if let Some(d) = &a.description {
        if !desc.is_empty() {
            desc.push('\n');
        }
        desc.push_str(d);
    }
    IcsEvent {
        uid: format!("activity-{}@renke", a.id),
        summary: a.title.clone(),
        description: (!desc.is_empty()).then_some(desc),
        location: None,
        url: Some(format!("{base}/activities/{}", a.id)),
        when,
        stamp: now,
        cancelled: false,
    }
}

fn a_schedule(a: &ActivityRow) -> renke_domain::activity::Schedule {
    a.schedule()
}

/// The public iCalendar feed of a public campaign's public activities.
pub async fn public_feed(app: &App, campaign_id: i64) -> Result<String, AppError> {
    let c = crate::campaigns::get_campaign(app, None, campaign_id).await?;
    let items = public_calendar(app, &c).await?;
    let base = app.config.public_url.trim_end_matches('/');
    let now = app.clock.now();
    let events: Vec<IcsEvent> = items
        .iter()
        .map(|i| activity_event(base, &i.activity, &i.organisers, now))
        .collect();
    Ok(ical::calendar(&c.title, &events))
}

/// Where a session takes place, as one line: its venue's name, address and room, else the
/// session's city.
pub fn venue_line(a: &Activity, s: &Session) -> Option<String> {
    s.venue_id
        .and_then(|v| a.venues.iter().find(|x| x.id == v))
        .map(|v| {
            [
                Some(v.name.as_str()),
                v.address.as_deref(),
                v.room.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
        })
        .or_else(|| s.city.clone())
}

/// Where a session is watched: its own link, or its venue's when that is an online or
/// livestream venue.
pub fn online_link<'a>(a: &'a Activity, s: &'a Session) -> Option<&'a str> {
    s.online_url.as_deref().or_else(|| {
        s.venue_id
            .and_then(|v| a.venues.iter().find(|x| x.id == v))
            .filter(|v| matches!(v.kind.as_str(), "online" | "livestream"))
            .and_then(|v| v.url.as_deref())
    })
}

/// The only way session `s` can be attended, if it has one (see
/// [`renke_domain::activity::offered_attendance`]): online with a link, on site with a
/// venue to sit in or a city.
pub fn session_attendance(a: &Activity, s: &Session) -> Option<Attendance> {
    let venue = s.venue_id.and_then(|v| a.venues.iter().find(|x| x.id == v));
    let on_site = s.city.is_some()
        || venue.is_some_and(|v| !matches!(v.kind.as_str(), "online" | "livestream"));
    renke_domain::activity::offered_attendance(online_link(a, s).is_some(), on_site)
}

/// The link to watch session `s`, once it may be shown at `now` (from
/// [`ONLINE_LINK_LEAD_MINUTES`](renke_domain::activity::ONLINE_LINK_LEAD_MINUTES) before the
/// start); `Err` with the moment it will be for a session that has one.
pub fn watch_link<'a>(
    a: &'a Activity,
    s: &'a Session,
    now: DateTime<Utc>,
) -> Option<Result<&'a str, DateTime<Utc>>> {
    let link = online_link(a, s)?;
    let from = renke_domain::activity::online_link_from(s.starts_at);
    Some(if now >= from { Ok(link) } else { Err(from) })
}

/// One registration's session as a calendar event (the e-mail attachment and the personal
/// feed).
pub fn session_event(
    base: &str,
    a: &Activity,
    s: &Session,
    r: &Registration,
    now: DateTime<Utc>,
) -> IcsEvent {
    let venue = venue_line(a, s).or_else(|| match watch_link(a, s, now) {
        Some(Ok(link)) => Some(link.to_owned()),
        Some(Err(from)) => Some(format!(
            "线上（观看链接 {} 起见电子票） Online (link on the ticket from {})",
            renke_domain::clock::local_time(&from),
            renke_domain::clock::local_time(&from)
        )),
        None => None,
    });
    IcsEvent {
        uid: format!("registration-{}@renke", r.id),
        summary: format!("{}（{}）", a.row.title, s.title),
        description: Some(organiser_line(&a.organisers)),
        location: venue,
        url: Some(format!("{base}/tickets/{}", r.ticket)),
        when: When::Window {
            starts_at: s.starts_at,
            ends_at: s.ends_at,
        },
        stamp: now,
        cancelled: r.status.is_cancelled(),
    }
}

/// The personal feed of the person holding `ticket`: every live registration of theirs.
pub async fn personal_feed(app: &App, code: &str) -> Result<String, AppError> {
    let t = ticket(app, code).await?;
    let regs = activities::registrations_like(&app.db, code).await?;
    let base = app.config.public_url.trim_end_matches('/');
    let now = app.clock.now();
    let mut events = Vec::new();
    for r in regs {
        let (s, a) = session_and_activity(app, r.session_id).await?;
        events.push(session_event(base, &a, &s, &r, now));
    }
    Ok(ical::calendar(
        &format!("{} 的活动", t.registration.name),
        &events,
    ))
}

/// A registration's own event, for the confirmation e-mail's attachment and download.
pub async fn ticket_ics(app: &App, code: &str) -> Result<String, AppError> {
    let t = ticket(app, code).await?;
    let base = app.config.public_url.trim_end_matches('/');
    let ev = session_event(
        base,
        &t.activity,
        &t.session,
        &t.registration,
        app.clock.now(),
    );
    Ok(ical::calendar(&t.activity.row.title, &[ev]))
}

// ---------------------------------------------------------------- e-mail

/// The e-mail for registration message `message_id` (confirmation, waiting list,
/// promotion, cancellation), Chinese first and English after; `None` when the registrant
/// gave no e-mail address. Confirmations and promotions carry the registration's own
/// `.ics`; a cancellation carries it with `STATUS:CANCELLED`, so calendars drop the event.
pub async fn registration_mail(
    app: &App,
    message_id: i64,
) -> Result<Option<crate::mail::Mail>, AppError> {
    use renke_domain::clock::local_time;
    let m = activities::message(&app.db, message_id).await?;
    let r = activities::registration(&app.db, m.registration_id).await?;
    let Some(email) = r.email.clone().filter(|e| !e.trim().is_empty()) else {
        return Ok(None);
    };
    if m.kind == "waiting" && !r.status.is_waiting() {
        // Moved up (or cancelled) before the notice went out: that message follows.
        return Ok(None);
    }
    let (s, a) = session_and_activity(app, r.session_id).await?;
    if m.kind == "link" {
        return Ok(link_mail(app, &r, &s, &a, email));
    }
    let base = app.config.public_url.trim_end_matches('/');
    let link = format!("{base}/tickets/{}", r.ticket);
    let code = renke_domain::activity::format_ticket_code(&r.code);
    let what = format!("{}（{}）", a.row.title, s.title);
    let when = format!(
        "{} — {}（北京时间）",
        local_time(&s.starts_at),
        local_time(&s.ends_at)
    );
    let when_en = format!(
        "{} – {} (Beijing time)",
        local_time(&s.starts_at),
        local_time(&s.ends_at)
    );
    let (subject, zh, en, ics) = match m.kind.as_str() {
        "confirmed" => (
            format!("【报名成功】{what}"),
            format!(
                "{name}：您已成功报名“{what}”，时间 {when}。凭证号 {code}，请凭电子票入场（签到时出示二维码或报出凭证号），如需取消请在电子票页面办理：",
                name = r.name
            ),
            format!(
                "Dear {name}, your registration for “{what}” on {when_en} is confirmed. Your ticket code is {code}; show the QR code on your ticket or give the code to check in; you can cancel on the ticket page.",
                name = r.name
            ),
            true,
        ),
        "waiting" => (
            format!("【候补登记】{what}"),
            format!(
                "{name}：“{what}”（{when}）名额已满，您已进入候补名单第 {pos} 位。有名额空出时将按顺序自动递补，并另行邮件通知。查看状态：",
                name = r.name,
                pos = r.queue_position
            ),
            format!(
                "Dear {name}, “{what}” ({when_en}) is full; you are number {pos} on the waiting list. You will move up automatically when a place frees, and we will e-mail you.",
                name = r.name,
                pos = r.queue_position
            ),
            false,
        ),
        "promoted" => (
            format!("【候补转正】{what}"),
            format!(
                "{name}：有名额空出，您在“{what}”（{when}）的候补报名已自动转为正式报名。凭证号 {code}，请凭电子票入场：",
                name = r.name
            ),
            format!(
                "Dear {name}, a place has freed: your waiting-list registration for “{what}” ({when_en}) is now confirmed. Your ticket code is {code}; show the QR code on your ticket or give the code to check in.",
                name = r.name
            ),
            true,
        ),
        "cancelled" => (
            format!("【报名已取消】{what}"),
            format!(
                "{name}：您在“{what}”（{when}）的报名已取消。",
                name = r.name
            ),
            format!(
                "Dear {name}, your registration for “{what}” ({when_en}) has been cancelled.",
                name = r.name
            ),
            true,
        ),
        other => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "unknown registration message kind {other:?}"
            )));
        }
    };
    // An online session's link: in the mail once it may be shown, else when it will be.
    let watch = match (m.kind.as_str(), watch_link(&a, &s, app.clock.now())) {
        ("confirmed" | "promoted", Some(Ok(link))) => {
            format!("观看链接 Link to watch: {link}\n")
        }
        ("confirmed" | "promoted", Some(Err(from))) => format!(
            "本场次线上进行，观看链接将于 {t}（北京时间）起在电子票页面显示。\nThis session is online: the link to watch appears on your ticket page from {t} (Beijing time).\n",
            t = local_time(&from)
        ),
        _ => String::new(),
    };
    let mut attachments = Vec::new();
    if ics {
        let ev = session_event(base, &a, &s, &r, app.clock.now());
        attachments.push(crate::mail::Attachment {
            filename: "event.ics".into(),
            content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
            data: ical::calendar(&a.row.title, &[ev]).into_bytes(),
        });
    }
    Ok(Some(crate::mail::Mail {
        to: vec![email],
        subject,
        text: format!("{zh}\n{link}\n\n{en}\n{link}\n\n{watch}"),
        attachments,
    }))
}

/// Mails each registrant of an online session its link when the link may be shown
/// ([`ONLINE_LINK_LEAD_MINUTES`](renke_domain::activity::ONLINE_LINK_LEAD_MINUTES) before
/// the start), once. Returns how many were queued.
pub async fn queue_watch_links(app: &App) -> Result<usize, StoreError> {
    let now = app.clock.now();
    let links_from =
        now + chrono::Duration::minutes(renke_domain::activity::ONLINE_LINK_LEAD_MINUTES);
    activities::queue_link_messages(&app.db, now, links_from).await
}

/// The e-mail that gives a registrant the link to an online session shortly before it
/// starts; none for a registration no longer confirmed, or confirmed when the link could
/// already be shown (its confirmation carried the link).
fn link_mail(
    app: &App,
    r: &Registration,
    s: &Session,
    a: &Activity,
    email: String,
) -> Option<crate::mail::Mail> {
    use renke_domain::clock::local_time;
    let from = renke_domain::activity::online_link_from(s.starts_at);
    let confirmed_at = r.promoted_at.unwrap_or(r.created_at);
    if !r.status.holds_place() || confirmed_at >= from {
        return None;
    }
    let link = online_link(a, s)?;
    let base = app.config.public_url.trim_end_matches('/');
    let what = format!("{}（{}）", a.row.title, s.title);
    Some(crate::mail::Mail {
        to: vec![email],
        subject: format!("【观看链接】{what}"),
        text: format!(
            "{name}：您报名的“{what}”将于 {start}（北京时间）开始，观看链接：\n{link}\n电子票：{base}/tickets/{ticket}\n\nDear {name}, “{what}” starts at {start} (Beijing time). Link to watch:\n{link}\nYour ticket: {base}/tickets/{ticket}\n",
            name = r.name,
            start = local_time(&s.starts_at),
            ticket = r.ticket,
        ),
        attachments: Vec::new(),
    })
}

/// Messages a drain reads and hands over per transaction.
const DRAIN_CHUNK: i64 = 50;

/// The job that drains the outbox of registration messages into the mail queue (queued by
/// the store with every write that owes someone a message; its payload is the first
/// message id of that write, for the record: a drain takes every unsent message). The
/// e-mails are jobs of their own, run by the worker's next claim.
#[derive(Debug, Serialize, Deserialize)]
pub struct DrainRegistrationMessages(pub i64);

impl Job for DrainRegistrationMessages {
    const KIND: &'static str = activities::MAIL_JOB;

    async fn run(self, app: &App) -> Result<(), String> {
        drain_registration_messages(app)
            .await
            .map(|_| ())
            .map_err(|e| format!("registration messages: {e}"))
    }
}

/// Drains the outbox of registration messages (the [`activities::MAIL_JOB`] job): every
/// unsent message becomes its e-mail's job in the mail queue, in the same transaction that
/// marks it sent, so each is e-mailed exactly once however many drains run at once, and a
/// failed delivery is retried by the mail queue. A message with nothing to send (no
/// address, or a waiting-list notice overtaken by a promotion) is marked sent without one.
/// A message whose e-mail cannot be written stays unsent and the drain ends with its error
/// after handing over the others, so the job is retried later. Returns how many messages
/// this drain handed over.
pub async fn drain_registration_messages(app: &App) -> Result<usize, AppError> {
    let (mut handed, mut after, mut failure) = (0, 0, None);
    loop {
        let pending = activities::unsent_messages(&app.db, after, DRAIN_CHUNK).await?;
        let Some(last) = pending.last() else { break };
        after = last.id;
        let now = app.clock.now();
        let mut jobs = Vec::with_capacity(pending.len());
        for m in &pending {
            match registration_mail(app, m.id).await {
                Ok(mail) => jobs.push((m.id, mail.map(|m| m.to_new_job(now)).transpose()?)),
                Err(e) => {
                    tracing::warn!(message = m.id, error = %e, "registration message not sent");
                    failure = Some(e);
                }
            }
        }
        handed += activities::hand_over(&app.db, &jobs, now).await?;
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(handed),
    }
}

// ---------------------------------------------------------------- forms on the pages

/// The activity form of the pages, read from the posted fields in order (repeated
/// `audience_roles` and `form_fields` checkboxes; organiser rows as repeated
/// `organiser_role`, `organiser_org`, `organiser_name`, one of each per row).
pub fn activity_form_from_pairs(pairs: &[(String, String)]) -> ActivityForm {
    let mut f = ActivityForm::default();
    let (mut roles, mut orgs, mut names) = (Vec::new(), Vec::new(), Vec::new());
    for (k, v) in pairs {
        match k.as_str() {
            "campaign_id" => f.campaign_id = v.trim().parse().unwrap_or(0),
            "owner_code" => f.owner_code = v.clone(),
            "kind" => f.kind = v.clone(),
            "title" => f.title = v.clone(),
            "description" => f.description = v.clone(),
            "schedule_kind" => f.schedule_kind = v.clone(),
            "starts_at" => f.starts_at = v.clone(),
            "ends_at" => f.ends_at = v.clone(),
            "period_from" => f.period_from = v.clone(),
            "period_to" => f.period_to = v.clone(),
            "period_label" => f.period_label = v.clone(),
            "mode" => f.mode = v.clone(),
            "audience" => f.audience = v.clone(),
            "audience_roles" => f.audience_roles.push(v.clone()),
            "form_fields" => f.form_fields.push(v.clone()),
            "public" => f.public = !v.is_empty(),
            "notice_id" => f.notice_id = v.trim().parse().ok(),
            "task_id" => f.task_id = v.trim().parse().ok(),
            "organiser_role" => roles.push(v.clone()),
            "organiser_org" => orgs.push(v.clone()),
            "organiser_name" => names.push(v.clone()),
            _ => {}
        }
    }
    venues::read_form_pairs(pairs, &mut f);
    for (i, role) in roles.into_iter().enumerate() {
        let org_code = orgs.get(i).cloned().unwrap_or_default();
        let name = names.get(i).cloned().unwrap_or_default();
        // A row left empty is no organiser.
        if org_code.trim().is_empty() && name.trim().is_empty() {
            continue;
        }
        f.organisers.push(OrganiserInput {
            role,
            org_code,
            name,
        });
    }
    f
}

/// What the activity form offers to choose from instead of typed numbers: the notices the
/// caller's organisation received or issued (newest first) and the activity plan tasks it
/// is a recipient of, each as (id, label).
pub struct FormChoices {
    pub notices: Vec<(i64, String)>,
    pub plan_tasks: Vec<(i64, String)>,
}

/// The choices of the activity form for `me` (see [`FormChoices`]).
pub async fn form_choices(app: &App, me: &Caller) -> Result<FormChoices, AppError> {
    const MAX: i64 = 100;
    let cite =
        |doc: &Option<String>, title: &str| renke_domain::notice::cite(title, doc.as_deref());
    let mut notices: Vec<(i64, String)> = Vec::new();
    let (inbox, _) = crate::notices::notice_inbox(app, me, 0, MAX).await?;
    for n in inbox.items.iter().map(|i| &i.notice) {
        notices.push((n.id, cite(&n.doc_number, &n.title)));
    }
    for n in crate::notices::sent_notices(app, me, 0, MAX).await?.items {
        if n.issued_at.is_some() && !notices.iter().any(|(id, _)| *id == n.id) {
            notices.push((n.id, cite(&n.doc_number, &n.title)));
        }
    }
    notices.sort_by_key(|n| std::cmp::Reverse(n.0));
    let plan_tasks = renke_store::tasks::plan_tasks_for(&app.db, me.org_id, MAX)
        .await?
        .into_iter()
        .map(|(id, title, doc)| (id, cite(&doc, &title)))
        .collect();
    Ok(FormChoices {
        notices,
        plan_tasks,
    })
}

/// `notice_id`, when given, must name a notice the caller may read (`unknown_notice`): an
/// activity shows its source notice's files.
async fn check_notice(
    app: &App,
    me: &Caller,
    errs: &mut Invalid,
    notice_id: Option<i64>,
) -> Result<(), AppError> {
    if let Some(n) = notice_id {
        match crate::notices::readable_notice(app, Some(me), n).await {
            Ok(_) => {}
            Err(AppError::NotFound | AppError::Forbidden) => {
                errs.push(FieldError::new("notice_id", "unknown_notice").with("value", n))
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `task_id`, when given, must name an activity plan task (`not_plan_task` for a task of
/// another kind, `unknown_task` for none) that organisation `owner` is a recipient of
/// (`not_task_recipient`).
async fn check_plan_task(
    app: &App,
    errs: &mut Invalid,
    task_id: Option<i64>,
    owner: i64,
) -> Result<(), AppError> {
    let Some(t) = task_id else {
        return Ok(());
    };
    match renke_store::tasks::get(&app.db, t).await {
        Ok(task) if task.kind != TaskKind::Plan => {
            errs.push(FieldError::new("task_id", "not_plan_task").with("value", t))
        }
        Ok(_) => {
            if !renke_store::tasks::is_recipient(&app.db, t, owner).await? {
                errs.push(FieldError::new("task_id", "not_task_recipient").with("value", t));
            }
        }
        Err(StoreError::NotFound) => {
            errs.push(FieldError::new("task_id", "unknown_task").with("value", t))
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

/// The form's activity fields as the domain's input, for creating (`campaign_id` and
/// `owner_org_id` from the form) and editing (both from the stored activity). Directory
/// organisers are looked up by code; an unknown code is added to `errs` on its row's field.
async fn activity_input(
    app: &App,
    errs: &mut Invalid,
    f: &ActivityForm,
    campaign_id: i64,
    owner_org_id: i64,
) -> Result<ActivityInput, AppError> {
    let mut organisers = Vec::new();
    for (i, o) in f.organisers.iter().enumerate() {
        let org_id = if o.org_code.trim().is_empty() {
            None
        } else {
            org_by_code(app, errs, &format!("organisers[{i}].org_code"), &o.org_code)
                .await?
                .map(|o| o.id)
        };
        organisers.push((o.role.clone(), org_id, o.name.clone()));
    }
    Ok(ActivityInput {
        campaign_id,
        owner_org_id,
        kind: f.kind.clone(),
        title: f.title.clone(),
        description: f.description.clone(),
        organisers,
        schedule_kind: f.schedule_kind.clone(),
        starts_at: f.starts_at.clone(),
        ends_at: f.ends_at.clone(),
        period_from: f.period_from.clone(),
        period_to: f.period_to.clone(),
        period_label: f.period_label.clone(),
        mode: f.mode.clone(),
        audience: f.audience.clone(),
        audience_roles: f.audience_roles.clone(),
        public: f.public,
        notice_id: f.notice_id,
        form_fields: f.form_fields.clone(),
    })
}

/// Changes an activity the caller manages: its type, title, description, organisers,
/// schedule, mode, audience, public or internal, form fields and notice. The campaign and
/// the owner stay. Every bad field is reported at once and nothing changes.
pub async fn update_activity(
    app: &App,
    me: &Caller,
    id: i64,
    f: &ActivityForm,
) -> Result<Activity, AppError> {
    let a = activities::get(&app.db, id).await?;
    me.actor().may(Action::Manage, &owner_path(&a.row)?)?;
    f.check_list_lengths()?;
    let mut errs = Invalid::default();
    check_notice(app, me, &mut errs, f.notice_id).await?;
    check_plan_task(app, &mut errs, f.task_id, a.row.owner_org_id).await?;
    let input = activity_input(app, &mut errs, f, a.row.campaign_id, a.row.owner_org_id).await?;
    let draft = input.validate().map_err(|e| errs.0.extend(e.0)).ok();
    errs.into_result()?;
    let Some(draft) = draft else {
        return Err(AppError::NotFound);
    };
    activities::update(&app.db, id, &draft, f.task_id, app.clock.now()).await?;
    Ok(activities::get(&app.db, id).await?)
}

/// The activity as its edit form shows it (the stored values, in the typed format;
/// directory organisers by their code).
pub async fn activity_form_of(app: &App, a: &Activity) -> Result<ActivityForm, AppError> {
    let r = &a.row;
    let mut organisers = Vec::new();
    for o in &a.organisers {
        let (org_code, name) = match o.org_id {
            Some(id) => (orgs::get(&app.db, id).await?.code, String::new()),
            None => (String::new(), o.name.clone()),
        };
        organisers.push(OrganiserInput {
            role: o.role.clone(),
            org_code,
            name,
        });
    }
    let mut f = ActivityForm {
        campaign_id: r.campaign_id,
        kind: r.kind.clone(),
        title: r.title.clone(),
        description: r.description.clone().unwrap_or_default(),
        schedule_kind: r.schedule_kind.clone(),
        mode: r.mode.clone(),
        audience: r.audience.clone().unwrap_or_default(),
        audience_roles: r
            .audience_role_codes()
            .into_iter()
            .map(String::from)
            .collect(),
        form_fields: r.form_field_codes().into_iter().map(String::from).collect(),
        public: r.public,
        notice_id: r.notice_id,
        task_id: r.task_id,
        organisers,
        ..ActivityForm::default()
    };
    match r.schedule() {
        renke_domain::activity::Schedule::Window { starts_at, ends_at } => {
            f.starts_at = local_input(&starts_at);
            f.ends_at = local_input(&ends_at);
        }
        renke_domain::activity::Schedule::Period { from, to, label } => {
            f.period_from = from.to_string();
            f.period_to = to.to_string();
            f.period_label = label.unwrap_or_default();
        }
    }
    Ok(f)
}

/// A session as typed on the page: the venue chosen by its id among the activity's venues.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SessionPageForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub registration_closes_at: String,
    /// Empty = no venue.
    #[serde(default)]
    pub venue_id: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub online_url: String,
}

impl SessionPageForm {
    /// The stored session as its edit form shows it.
    pub fn of(s: &Session) -> SessionPageForm {
        SessionPageForm {
            title: s.title.clone(),
            starts_at: local_input(&s.starts_at),
            ends_at: local_input(&s.ends_at),
            capacity: s.capacity.map(|c| c.to_string()).unwrap_or_default(),
            registration_closes_at: s
                .registration_closes_at
                .map(|t| local_input(&t))
                .unwrap_or_default(),
            venue_id: s.venue_id.map(|v| v.to_string()).unwrap_or_default(),
            city: s.city.clone().unwrap_or_default(),
            online_url: s.online_url.clone().unwrap_or_default(),
        }
    }
}

/// Adds (`session_id` = `None`) or changes a session of an activity the caller manages.
/// Refused with the field named and nothing changed: a session that ends before it
/// starts (`ends_before_start`), registration closing after the session has ended
/// (`closes_after_end`), a venue of another activity, and a capacity below the confirmed
/// registrations (`capacity_below_registrations`).
pub async fn save_session(
    app: &App,
    me: &Caller,
    activity_id: i64,
    session_id: Option<i64>,
    f: &SessionPageForm,
) -> Result<Session, AppError> {
    let a = activities::get(&app.db, activity_id).await?;
    me.actor().may(Action::Manage, &owner_path(&a.row)?)?;
    if let Some(sid) = session_id
        && !a.sessions.iter().any(|s| s.id == sid)
    {
        return Err(AppError::NotFound);
    }
    let mut errs = Invalid::default();
    let venue_id = match f.venue_id.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(v) if a.venues.iter().any(|x| x.id == v) => Some(v),
            _ => {
                errs.push(FieldError::new("venue_id", "unknown_value").with("value", raw));
                None
            }
        },
    };
    let input = SessionInput {
        title: f.title.clone(),
        starts_at: f.starts_at.clone(),
        ends_at: f.ends_at.clone(),
        capacity: f.capacity.clone(),
        registration_closes_at: f.registration_closes_at.clone(),
        venue_id,
        city: f.city.clone(),
        online_url: f.online_url.clone(),
    };
    let d = input.validate().map_err(|e| errs.0.extend(e.0)).ok();
    if let Some(d) = &d
        && let Some(closes) = d.registration_closes_at
        && closes > d.ends_at
    {
        errs.push(
            FieldError::new("registration_closes_at", "closes_after_end")
                .with("value", local_input(&closes))
                .with("ends_at", local_input(&d.ends_at)),
        );
    }
    errs.into_result()?;
    let Some(d) = d else {
        return Err(AppError::NotFound);
    };
    let id = match session_id {
        None => activities::add_session(&app.db, activity_id, &d).await?,
        Some(sid) => match activities::update_session(&app.db, sid, &d, app.clock.now()).await? {
            CapacityChange::Changed { .. } => sid,
            CapacityChange::BelowRegistrations { confirmed } => {
                return Err(FieldError::new("capacity", "capacity_below_registrations")
                    .with("value", f.capacity.trim())
                    .with("confirmed", confirmed)
                    .into());
            }
        },
    };
    Ok(activities::session(&app.db, id).await?)
}
