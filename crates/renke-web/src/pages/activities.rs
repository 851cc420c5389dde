//! Activity pages: the calendar (list and month), an activity with its organisers, venues
//! and sessions, registration on a phone, the ticket with its QR code, the organiser's
//! registration list with check-in, the offline QR check-in page, venue readiness and the
//! day-of board; iCalendar feeds.

use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::{Ctx, User};
use crate::error::{AppError, PageError};
use crate::i18n::Tr;
use crate::view::{Chrome, Errors, Pager, local_time, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use renke_app::activities::{
    self as svc, ActivityView, CalendarItem, CalendarParams, CheckinInput, ReadinessForm,
    RegistrationForm, Ticket,
};
use renke_app::model::{BoardRow, Organiser, Registration, Session};
use renke_domain::activity::{
    ActivityKind, ActivityMode, AudienceRole, FormField, OrganiserRole, ParticipantCategory,
    Readiness, VenueKind,
};
use renke_domain::clock::SHANGHAI;
use serde::Deserialize;

fn label<T: Copy>(
    tr: &Tr,
    v: Option<T>,
    zh: fn(T) -> &'static str,
    en: fn(T) -> &'static str,
    raw: &str,
) -> String {
    match v {
        Some(v) => (if tr.is_zh() { zh(v) } else { en(v) }).to_owned(),
        None => raw.to_owned(),
    }
}

pub fn kind_label(tr: &Tr, code: &str) -> String {
    label(
        tr,
        ActivityKind::parse("", code).ok(),
        ActivityKind::zh,
        ActivityKind::en,
        code,
    )
}
pub fn mode_label(tr: &Tr, code: &str) -> String {
    label(
        tr,
        ActivityMode::parse("", code).ok(),
        ActivityMode::zh,
        ActivityMode::en,
        code,
    )
}
fn venue_label(tr: &Tr, code: &str) -> String {
    label(
        tr,
        VenueKind::parse("", code).ok(),
        VenueKind::zh,
        VenueKind::en,
        code,
    )
}
fn category_label(tr: &Tr, code: &str) -> String {
    label(
        tr,
        ParticipantCategory::parse("", code).ok(),
        ParticipantCategory::zh,
        ParticipantCategory::en,
        code,
    )
}

/// 主办：A、B；承办：C — in the page's language.
pub fn organisers_line(tr: &Tr, orgs: &[Organiser]) -> String {
    let mut parts = Vec::new();
    for role in OrganiserRole::ALL {
        let names: Vec<&str> = orgs
            .iter()
            .filter(|o| o.role == role.as_str())
            .map(|o| o.name.as_str())
            .collect();
        if !names.is_empty() {
            parts.push(format!(
                "{}{}{}",
                if tr.is_zh() { role.zh() } else { role.en() },
                if tr.is_zh() { "：" } else { ": " },
                names.join(if tr.is_zh() { "、" } else { ", " })
            ));
        }
    }
    parts.join(if tr.is_zh() { "；" } else { "; " })
}

/// A time given to a template helper by value or by any depth of reference.
trait Moment {
    fn moment(&self) -> DateTime<Utc>;
}
impl Moment for DateTime<Utc> {
    fn moment(&self) -> DateTime<Utc> {
        *self
    }
}
impl<T: Moment> Moment for &T {
    fn moment(&self) -> DateTime<Utc> {
        (**self).moment()
    }
}

fn readiness_chip(code: &str) -> &'static str {
    match code {
        "ready" => "green",
        "not_ready" => "red",
        _ => "grey",
    }
}

fn readiness_label(tr: &Tr, code: &str) -> String {
    label(
        tr,
        Readiness::parse("", code).ok(),
        Readiness::zh,
        Readiness::en,
        code,
    )
}

// ---------------------------------------------------------------- calendar

#[derive(Debug, Default, Deserialize)]
pub struct CalendarQuery {
    #[serde(default)]
    view: Option<String>,
    #[serde(default)]
    month: Option<String>,
    /// Any day of the week the week view shows (`2022-06-06`).
    #[serde(default)]
    week: Option<String>,
    #[serde(default)]
    org: Option<String>,
    #[serde(default)]
    campaign_id: Option<i64>,
    #[serde(default)]
    offset: Option<i64>,
}

/// One day cell of the month view: the activities with a time that day, earliest first.
pub struct DayCell {
    pub day: Option<u32>,
    pub items: Vec<(i64, String, String)>,
}

/// An activity over a period (5月—6月, 6月9日前后) in the month view: shown once, above the
/// grid, with its period, not copied into every day it spans.
pub struct PeriodItem {
    pub id: i64,
    pub label: String,
    pub title: String,
}

/// One day of the week view: its date and its timed activities with their hours.
pub struct WeekDay {
    pub label: String,
    pub today: bool,
    /// (activity id, 10:00–11:00, title, mode).
    pub items: Vec<(i64, String, String, String)>,
}

#[derive(Template)]
#[template(path = "activities.html")]
struct CalendarPage {
    c: Chrome,
    items: Vec<CalendarItem>,
    month_view: bool,
    week_view: bool,
    /// The Monday of the week shown (`2022-06-06`), its label, and the neighbouring weeks'
    /// Mondays, empty where navigation stops.
    week: String,
    week_label: String,
    prev_week: String,
    next_week: String,
    days: Vec<WeekDay>,
    month_label: String,
    /// Empty where navigation stops: no activity before (or after) this month.
    prev_month: String,
    next_month: String,
    weeks: Vec<Vec<DayCell>>,
    periods: Vec<PeriodItem>,
    org: String,
    campaign: String,
    month: String,
    pager: Pager,
}

impl CalendarPage {
    fn kind(&self, code: &str) -> String {
        kind_label(&self.c.tr, code)
    }
    fn mode(&self, code: &str) -> String {
        mode_label(&self.c.tr, code)
    }
    fn organisers(&self, orgs: &[Organiser]) -> String {
        organisers_line(&self.c.tr, orgs)
    }
    fn when(&self, i: &CalendarItem) -> String {
        i.activity.schedule().label(self.c.tr.is_zh())
    }
    fn query(&self) -> String {
        let mut q = String::new();
        if !self.org.is_empty() {
            q.push_str(&format!("&org={}", urlenc(&self.org)));
        }
        if !self.campaign.is_empty() {
            q.push_str(&format!("&campaign_id={}", self.campaign));
        }
        q
    }
}

fn urlenc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn add_months(y: i32, m: u32, by: i32) -> (i32, u32) {
    let idx = y * 12 + (m as i32 - 1) + by;
    (idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32)
}

/// The month a month view opens on without a `month` in the address: the clock's month if
/// it has activities, else the month of the next activity after the clock, else of the last
/// one (a past campaign), else the clock's month.
fn opening_month(items: &[CalendarItem], now: DateTime<Utc>) -> (i32, u32) {
    let month_of = |t: DateTime<Utc>| {
        let d = t.with_timezone(&SHANGHAI).date_naive();
        (d.year(), d.month())
    };
    let here = month_of(now);
    let in_month = |i: &CalendarItem| {
        month_of(i.activity.starts_at) <= here && here <= month_of(last_moment(i))
    };
    if items.iter().any(in_month) {
        return here;
    }
    let next = items
        .iter()
        .filter(|i| i.activity.starts_at >= now)
        .map(|i| i.activity.starts_at)
        .min();
    let last = items.iter().map(last_moment).max();
    next.or(last).map_or(here, month_of)
}

/// The activities over a period among `items`, for the strip above a month or week.
fn period_items(items: &[CalendarItem], zh: bool) -> Vec<PeriodItem> {
    items
        .iter()
        .filter(|i| i.activity.schedule_kind != "window")
        .map(|i| PeriodItem {
            id: i.activity.id,
            label: i.activity.schedule().label(zh),
            title: i.activity.title.clone(),
        })
        .collect()
}

/// The Monday of the week a week view opens on without a `week` in the address: the
/// clock's week if an activity with hours falls in it, else the week of the next one after
/// the clock, else of the last one; periods (which span many weeks) count only when there
/// is no activity with hours at all; else the clock's week.
fn opening_week(items: &[CalendarItem], now: DateTime<Utc>) -> NaiveDate {
    let today = now.with_timezone(&SHANGHAI).date_naive();
    let here = monday_of(today);
    let timed: Vec<&CalendarItem> = items
        .iter()
        .filter(|i| i.activity.schedule_kind == "window")
        .collect();
    let pool: Vec<&CalendarItem> = if timed.is_empty() {
        items.iter().collect()
    } else {
        timed
    };
    let start = renke_domain::activity::day_start(here);
    let end = start + chrono::Duration::days(7);
    if pool
        .iter()
        .any(|i| i.activity.starts_at < end && i.activity.ends_at > start)
    {
        return here;
    }
    let next = pool
        .iter()
        .filter(|i| i.activity.starts_at >= now)
        .map(|i| i.activity.starts_at)
        .min();
    let last = pool.iter().map(|i| last_moment(i)).max();
    next.or(last)
        .map_or(here, |t| monday_of(t.with_timezone(&SHANGHAI).date_naive()))
}

fn monday_of(d: NaiveDate) -> NaiveDate {
    d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The last moment an activity runs: its end is exclusive (a period to 6月30日 ends at
/// 7月1日 00:00), so a month view does not count it in July.
fn last_moment(i: &CalendarItem) -> DateTime<Utc> {
    (i.activity.ends_at - chrono::Duration::seconds(1)).max(i.activity.starts_at)
}

pub async fn calendar(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<CalendarQuery>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let week_view = q.view.as_deref() == Some("week");
    let month_view = q.view.as_deref() == Some("month");
    let grid = month_view || week_view;
    let now = state.clock.now();
    let typed_month = q
        .month
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_owned);
    // The month view reads every activity of the filters once: its opening month and the
    // bounds of its navigation come from them, its cells from those of the month.
    let p = CalendarParams {
        campaign_id: q.campaign_id,
        org: q.org.clone(),
        month: if grid { None } else { typed_month.clone() },
        offset: if grid { Some(0) } else { q.offset },
        limit: Some(if grid { 500 } else { 50 }),
    };
    let (mut items, total) = svc::calendar(&state, ctx.account(), &p).await?;
    let month = match (&typed_month, month_view) {
        (Some(m), _) => m.clone(),
        (None, true) => {
            let (y, m) = opening_month(&items, now);
            format!("{y:04}-{m:02}")
        }
        (None, false) => String::new(),
    };
    let (mut month_label, mut prev_month, mut next_month, mut weeks, mut periods) = (
        String::new(),
        String::new(),
        String::new(),
        Vec::new(),
        Vec::new(),
    );
    if month_view {
        let (y, m) = svc::parse_month(&month).map_err(AppError::from)?;
        let month_index = |t: DateTime<Utc>| {
            let d = t.with_timezone(&SHANGHAI).date_naive();
            d.year() * 12 + d.month() as i32 - 1
        };
        let this = y * 12 + m as i32 - 1;
        let first_seen = items
            .iter()
            .map(|i| month_index(i.activity.starts_at))
            .min();
        let last_seen = items.iter().map(|i| month_index(last_moment(i))).max();
        month_label = if tr.is_zh() {
            format!("{y}年{m}月")
        } else {
            NaiveDate::from_ymd_opt(y, m, 1)
                .map(|d| d.format("%B %Y").to_string())
                .unwrap_or_else(|| format!("{y}-{m:02}"))
        };
        let (py, pm) = add_months(y, m, -1);
        let (ny, nm) = add_months(y, m, 1);
        if first_seen.is_some_and(|f| f < this) {
            prev_month = format!("{py:04}-{pm:02}");
        }
        if last_seen.is_some_and(|l| l > this) {
            next_month = format!("{ny:04}-{nm:02}");
        }
        items.retain(|i| {
            month_index(i.activity.starts_at) <= this && this <= month_index(last_moment(i))
        });
        periods = period_items(&items, tr.is_zh());
        if let Some(first) = NaiveDate::from_ymd_opt(y, m, 1) {
            let days = NaiveDate::from_ymd_opt(ny, nm, 1)
                .map(|n| (n - first).num_days() as u32)
                .unwrap_or(30);
            let lead = first.weekday().num_days_from_monday();
            let mut cells: Vec<DayCell> = (0..lead)
                .map(|_| DayCell {
                    day: None,
                    items: Vec::new(),
                })
                .collect();
            for d in 1..=days {
                let date = first.with_day(d).unwrap_or(first);
                let start = renke_domain::activity::day_start(date);
                let end = start + chrono::Duration::days(1);
                let mut its: Vec<&CalendarItem> = items
                    .iter()
                    .filter(|i| i.activity.schedule_kind == "window")
                    .filter(|i| i.activity.starts_at < end && i.activity.ends_at > start)
                    .collect();
                its.sort_by_key(|i| i.activity.starts_at);
                let its = its
                    .into_iter()
                    .map(|i| {
                        let time = i
                            .activity
                            .starts_at
                            .with_timezone(&SHANGHAI)
                            .format("%H:%M")
                            .to_string();
                        (i.activity.id, time, i.activity.title.clone())
                    })
                    .collect();
                cells.push(DayCell {
                    day: Some(d),
                    items: its,
                });
            }
            while !cells.len().is_multiple_of(7) {
                cells.push(DayCell {
                    day: None,
                    items: Vec::new(),
                });
            }
            let mut it = cells.into_iter().peekable();
            while it.peek().is_some() {
                weeks.push(it.by_ref().take(7).collect());
            }
        }
    }
    let (mut week, mut week_label, mut prev_week, mut next_week, mut days) = (
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        Vec::new(),
    );
    if week_view {
        let monday = match q.week.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
            Some(w) => {
                monday_of(renke_domain::campaign::parse_date("week", w).map_err(AppError::from)?)
            }
            None => opening_week(&items, now),
        };
        let start = renke_domain::activity::day_start(monday);
        let end = start + chrono::Duration::days(7);
        if items.iter().any(|i| i.activity.starts_at < start) {
            prev_week = (monday - chrono::Duration::days(7)).to_string();
        }
        if items.iter().any(|i| last_moment(i) >= end) {
            next_week = (monday + chrono::Duration::days(7)).to_string();
        }
        let sunday = monday + chrono::Duration::days(6);
        week_label = if tr.is_zh() {
            format!(
                "{}年{}月{}日—{}月{}日",
                monday.year(),
                monday.month(),
                monday.day(),
                sunday.month(),
                sunday.day()
            )
        } else {
            format!(
                "{} – {}",
                monday.format("%-d %B"),
                sunday.format("%-d %B %Y")
            )
        };
        week = monday.to_string();
        items.retain(|i| i.activity.starts_at < end && i.activity.ends_at > start);
        periods = period_items(&items, tr.is_zh());
        let today = now.with_timezone(&SHANGHAI).date_naive();
        let names_zh = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
        for n in 0..7 {
            let date = monday + chrono::Duration::days(n);
            let from = renke_domain::activity::day_start(date);
            let to = from + chrono::Duration::days(1);
            let mut its: Vec<&CalendarItem> = items
                .iter()
                .filter(|i| i.activity.schedule_kind == "window")
                .filter(|i| i.activity.starts_at < to && i.activity.ends_at > from)
                .collect();
            its.sort_by_key(|i| i.activity.starts_at);
            let hm = |t: DateTime<Utc>| t.with_timezone(&SHANGHAI).format("%H:%M").to_string();
            days.push(WeekDay {
                label: if tr.is_zh() {
                    format!(
                        "{} {}月{}日",
                        names_zh[n as usize],
                        date.month(),
                        date.day()
                    )
                } else {
                    date.format("%a %-d %b").to_string()
                },
                today: date == today,
                items: its
                    .into_iter()
                    .map(|i| {
                        (
                            i.activity.id,
                            format!("{}–{}", hm(i.activity.starts_at), hm(i.activity.ends_at)),
                            i.activity.title.clone(),
                            mode_label(&tr, &i.activity.mode),
                        )
                    })
                    .collect(),
            });
        }
    }
    let org = q.org.clone().unwrap_or_default();
    let campaign = q.campaign_id.map(|c| c.to_string()).unwrap_or_default();
    let mut base = String::from("/activities?");
    if !org.is_empty() {
        base.push_str(&format!("org={}&", urlenc(&org)));
    }
    if !campaign.is_empty() {
        base.push_str(&format!("campaign_id={campaign}&"));
    }
    let pager = Pager {
        offset: q.offset.unwrap_or(0),
        limit: 50,
        total,
        base,
    };
    Ok(render(&CalendarPage {
        c: Chrome::new(&ctx, "activities", tr.t("act.list")),
        items,
        month_view,
        week_view,
        week,
        week_label,
        prev_week,
        next_week,
        days,
        month_label,
        prev_month,
        next_month,
        weeks,
        periods,
        org,
        campaign,
        month,
        pager,
    }))
}

// ---------------------------------------------------------------- one activity

#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityPage {
    c: Chrome,
    v: ActivityView,
    organisers: String,
    when: String,
    now: DateTime<Utc>,
    /// A readiness report refused: its slot, what was typed and what is wrong.
    refused: Option<(i64, ReadinessPageForm, Errors)>,
}

/// What a readiness form shows for one debugging slot: what was just typed (when refused),
/// else what was saved, else nothing chosen.
struct CheckValues {
    readiness: String,
    test_confirmed: bool,
    technician_name: String,
    technician_phone: String,
    note: String,
}

impl ActivityPage {
    fn check_values(&self, slot_id: &i64) -> CheckValues {
        if let Some((slot, f, _)) = &self.refused
            && slot == slot_id
        {
            return CheckValues {
                readiness: f.readiness.clone(),
                test_confirmed: f.test_confirmed.is_some(),
                technician_name: f.technician_name.clone(),
                technician_phone: f.technician_phone.clone(),
                note: f.note.clone(),
            };
        }
        match self.saved_check(slot_id) {
            Some(r) => CheckValues {
                readiness: r.readiness.clone(),
                test_confirmed: r.test_confirmed,
                technician_name: r.technician_name.clone().unwrap_or_default(),
                technician_phone: r.technician_phone.clone().unwrap_or_default(),
                note: r.note.clone().unwrap_or_default(),
            },
            None => CheckValues {
                readiness: String::new(),
                test_confirmed: false,
                technician_name: String::new(),
                technician_phone: String::new(),
                note: String::new(),
            },
        }
    }
    /// The text fields of slot `slot_id`'s form: name, label key, value, input mode.
    fn check_fields(
        &self,
        slot_id: &i64,
    ) -> Vec<(&'static str, &'static str, String, &'static str)> {
        let v = self.check_values(slot_id);
        vec![
            (
                "technician_name",
                "act.technician",
                v.technician_name,
                "text",
            ),
            (
                "technician_phone",
                "act.technician_phone",
                v.technician_phone,
                "tel",
            ),
            ("note", "act.note", v.note, "text"),
        ]
    }
    fn saved_check(&self, slot_id: &i64) -> Option<&BoardRow> {
        self.v.my_checks.iter().find(|r| r.slot_id == *slot_id)
    }
    /// The error on `field` of slot `slot_id`'s form, if it was refused.
    fn check_error(&self, slot_id: &i64, field: &str) -> Option<String> {
        match &self.refused {
            Some((slot, _, errors)) if slot == slot_id && errors.has(field) => {
                Some(errors.of(field))
            }
            _ => None,
        }
    }
    fn readiness_state(&self, code: &str) -> String {
        readiness_label(&self.c.tr, code)
    }
    fn readiness_chip(&self, code: &str) -> &'static str {
        readiness_chip(code)
    }
    fn kind(&self) -> String {
        kind_label(&self.c.tr, &self.v.activity.row.kind)
    }
    fn mode(&self) -> String {
        mode_label(&self.c.tr, &self.v.activity.row.mode)
    }
    fn venue_kind(&self, code: &str) -> String {
        venue_label(&self.c.tr, code)
    }
    fn category(&self, code: &str) -> String {
        category_label(&self.c.tr, code)
    }
    fn time(&self, t: impl Moment) -> String {
        local_time(&t.moment())
    }
    fn open(&self, s: &Session) -> bool {
        self.now < s.closes_at()
    }
    /// 线上 / 现场 for a session attended only one way.
    fn attendance(&self, s: &Session) -> String {
        svc::session_attendance(&self.v.activity, s)
            .map(|a| if self.c.tr.is_zh() { a.zh() } else { a.en() }.to_owned())
            .unwrap_or_default()
    }
    /// An online session's link while it may be shown (from shortly before the start to
    /// the end).
    fn watch_url(&self, s: &Session) -> Option<String> {
        match svc::watch_link(&self.v.activity, s, self.now) {
            Some(Ok(link)) if self.now < s.ends_at => Some(link.to_owned()),
            _ => None,
        }
    }
    fn audience_roles(&self) -> String {
        svc::audience_roles(&self.v.activity.row)
            .iter()
            .map(|r| if self.c.tr.is_zh() { r.zh() } else { r.en() })
            .collect::<Vec<_>>()
            .join(if self.c.tr.is_zh() { "、" } else { ", " })
    }
    fn venue_name(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.v.activity.venues.iter().find(|v| v.id == id))
            .map(|v| v.name.clone())
            .unwrap_or_default()
    }
    /// The venues a viewer sees: everyone signed in sees every venue; the public, the main
    /// venues (the branch venues are counted, not listed).
    fn shown_venues(&self) -> Vec<&renke_app::model::Venue> {
        let public = self.c.account.is_none();
        self.v
            .activity
            .venues
            .iter()
            .filter(|v| !public || v.kind != "branch")
            .collect()
    }
    fn branch_count(&self) -> usize {
        self.v
            .activity
            .venues
            .iter()
            .filter(|v| v.kind == "branch")
            .count()
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct ShowQuery {
    /// The debugging slot whose readiness report was just saved: the page confirms it.
    #[serde(default)]
    saved: Option<i64>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let page = activity_page(&state, &ctx, id, None).await?;
    let flash = q.saved.and_then(|slot| {
        let saved = page.saved_check(&slot)?;
        Some(format!(
            "{}{} · {}",
            ctx.tr.pick("已保存调试报告：", "Report saved: "),
            saved.slot_label,
            readiness_label(&ctx.tr, &saved.readiness)
        ))
    });
    let page = ActivityPage {
        c: page.c.with_flash(flash),
        ..page
    };
    Ok(render(&page))
}

async fn activity_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    refused: Option<(i64, ReadinessPageForm, Errors)>,
) -> Result<ActivityPage, PageError> {
    let v = svc::activity_view(state, ctx.account(), id).await?;
    let organisers = organisers_line(&ctx.tr, &v.activity.organisers);
    let when = v.activity.row.schedule().label(ctx.tr.is_zh());
    Ok(ActivityPage {
        c: Chrome::new(ctx, "activities", v.activity.row.title.clone()),
        organisers,
        when,
        now: state.clock.now(),
        v,
        refused,
    })
}

// ---------------------------------------------------------------- registration

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    c: Chrome,
    v: ActivityView,
    session: Session,
    f: RegistrationForm,
    errors: Errors,
    fields: Vec<FormField>,
    roles: Vec<AudienceRole>,
    closed: bool,
}

impl RegisterPage {
    fn asks(&self, f: &str) -> bool {
        self.fields.iter().any(|x| x.as_str() == f)
    }
    fn role_options(&self) -> Vec<(&'static str, &'static str)> {
        let all: Vec<AudienceRole> = if self.roles.is_empty() {
            AudienceRole::ALL.to_vec()
        } else {
            self.roles.clone()
        };
        all.iter()
            .map(|r| (r.as_str(), if self.c.tr.is_zh() { r.zh() } else { r.en() }))
            .collect()
    }
    fn time(&self, t: impl Moment) -> String {
        local_time(&t.moment())
    }
    fn field_label(&self, f: FormField) -> &'static str {
        if self.c.tr.is_zh() { f.zh() } else { f.en() }
    }
    fn full(&self) -> bool {
        self.session.places_left() == Some(0)
    }
    /// The session's only way of attending, if it has one: the form states it instead
    /// of asking.
    fn only_attendance(&self) -> Option<(&'static str, &'static str)> {
        svc::session_attendance(&self.v.activity, &self.session)
            .map(|a| (a.as_str(), if self.c.tr.is_zh() { a.zh() } else { a.en() }))
    }
}

async fn register_page(
    state: &AppState,
    ctx: &Ctx,
    session_id: i64,
    f: RegistrationForm,
    errors: Errors,
) -> Result<RegisterPage, PageError> {
    let (session, v) = svc::session_view(state, ctx.account(), session_id).await?;
    let fields = svc::form_fields(&v.activity.row);
    let roles = svc::audience_roles(&v.activity.row);
    let closed = state.clock.now() >= session.closes_at();
    Ok(RegisterPage {
        c: Chrome::new(
            ctx,
            "activities",
            format!("{} · {}", ctx.tr.t("act.register"), session.title),
        ),
        v,
        session,
        f,
        errors,
        fields,
        roles,
        closed,
    })
}

/// A visitor without a session gets the pre-login CSRF cookie the form's token is
/// checked against (as on the login page).
pub(super) fn ensure_pre_csrf(state: &AppState, ctx: &mut Ctx) -> Option<String> {
    if let crate::auth::Identity::Anonymous { pre_csrf, .. } = &mut ctx.identity
        && pre_csrf.is_none()
    {
        let t = renke_app::auth::new_token();
        let cookie = crate::auth::set_cookie(state, crate::auth::PRE_CSRF_COOKIE, &t, None);
        *pre_csrf = Some(t);
        return Some(cookie);
    }
    None
}

pub(super) fn with_cookie(mut res: Response, cookie: Option<String>) -> Response {
    if let Some(c) = cookie
        && let Ok(v) = c.parse()
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

pub async fn register_form(
    State(state): State<AppState>,
    mut ctx: Ctx,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let cookie = ensure_pre_csrf(&state, &mut ctx);
    let page = register_page(
        &state,
        &ctx,
        id,
        RegistrationForm::default(),
        Errors::default(),
    )
    .await?;
    Ok(with_cookie(render(&page), cookie))
}

pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
    Form(f): Form<RegistrationForm>,
) -> Result<Response, PageError> {
    match svc::register(&state, ctx.account(), id, &f).await {
        Ok(r) => Ok(Redirect::to(&format!("/tickets/{}", r.ticket)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(ctx.tr, &inv);
            let page = register_page(&state, &ctx, id, f, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "ticket.html")]
struct TicketPage {
    c: Chrome,
    t: Ticket,
    qr: String,
    organisers: String,
    now: DateTime<Utc>,
}

impl TicketPage {
    fn time(&self, t: impl Moment) -> String {
        local_time(&t.moment())
    }
    fn code(&self) -> String {
        renke_domain::activity::format_ticket_code(&self.t.registration.code)
    }
    /// The link to watch an online session, once it may be shown.
    fn watch_url(&self) -> Option<String> {
        match svc::watch_link(&self.t.activity, &self.t.session, self.now) {
            Some(Ok(link)) => Some(link.to_owned()),
            _ => None,
        }
    }
    /// When an online session's link will be shown, before it is.
    fn watch_from(&self) -> Option<String> {
        match svc::watch_link(&self.t.activity, &self.t.session, self.now) {
            Some(Err(from)) => Some(local_time(&from)),
            _ => None,
        }
    }
    fn attendance(&self) -> String {
        self.t
            .registration
            .attendance
            .as_deref()
            .and_then(|a| renke_domain::activity::Attendance::parse("attendance", a).ok())
            .map(|a| if self.c.tr.is_zh() { a.zh() } else { a.en() }.to_owned())
            .unwrap_or_default()
    }
    /// Whether the certificate of attendance is owed now: checked in, session over.
    fn certificate_ready(&self) -> bool {
        self.t.registration.checked_in_at.is_some() && self.now >= self.t.session.ends_at
    }
    fn waiting_text(&self) -> String {
        self.c.tr.tf(
            "act.ticket_waiting",
            &[("n", self.t.registration.queue_position.to_string())],
        )
    }
    fn venue(&self) -> String {
        svc::venue_line(&self.t.activity, &self.t.session).unwrap_or_default()
    }
}

/// The ticket code as a QR code, as inline SVG.
fn qr_svg(data: &str) -> String {
    match qrcode::QrCode::new(data.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

pub async fn ticket(
    State(state): State<AppState>,
    mut ctx: Ctx,
    PagePath(code): PagePath<String>,
) -> Result<Response, PageError> {
    let cookie = ensure_pre_csrf(&state, &mut ctx);
    let t = svc::ticket(&state, &code).await?;
    let qr = qr_svg(&t.registration.ticket);
    let organisers = organisers_line(&ctx.tr, &t.activity.organisers);
    let page = TicketPage {
        c: Chrome::new(&ctx, "activities", ctx.tr.t("act.ticket")),
        t,
        qr,
        organisers,
        now: state.clock.now(),
    };
    Ok(with_cookie(render(&page), cookie))
}

pub async fn cancel_ticket(
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
) -> Result<Response, PageError> {
    svc::cancel_by_ticket(&state, &code).await?;
    Ok(Redirect::to(&format!("/tickets/{code}")).into_response())
}

use crate::download::ics;

pub async fn ticket_ics(
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
) -> Result<Response, PageError> {
    Ok(ics(svc::ticket_ics(&state, &code).await?, "event.ics"))
}

pub async fn personal_feed(
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
) -> Result<Response, PageError> {
    Ok(ics(
        svc::personal_feed(&state, &code).await?,
        "my-activities.ics",
    ))
}

pub async fn public_feed(
    State(state): State<AppState>,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    Ok(ics(svc::public_feed(&state, id).await?, "calendar.ics"))
}

// ---------------------------------------------------------------- organiser: list and check-in

#[derive(Template)]
#[template(path = "registrations.html")]
struct RegistrationsPage {
    c: Chrome,
    session: Session,
    activity_id: i64,
    activity_title: String,
    regs: Vec<Registration>,
    may_manage: bool,
    errors: Errors,
}

impl RegistrationsPage {
    fn time(&self, t: impl Moment) -> String {
        local_time(&t.moment())
    }
    fn status_chip(&self, s: &renke_domain::activity::RegistrationStatus) -> &'static str {
        use renke_domain::activity::RegistrationStatus as S;
        match s {
            S::Confirmed => "green",
            S::Waiting => "yellow",
            S::Cancelled => "grey",
        }
    }
    fn status_label(&self, s: &renke_domain::activity::RegistrationStatus) -> String {
        label(
            &self.c.tr,
            Some(*s),
            renke_domain::activity::RegistrationStatus::zh,
            renke_domain::activity::RegistrationStatus::en,
            s.as_str(),
        )
    }
    fn code(&self, r: &Registration) -> String {
        renke_domain::activity::format_ticket_code(&r.code)
    }
    fn client_id(&self, r: &Registration) -> String {
        format!("list-registration-{}", r.id)
    }
}

async fn registrations_page(
    state: &AppState,
    user: &User,
    id: i64,
    errors: Errors,
    flash: Option<String>,
) -> Result<Response, PageError> {
    let (session, activity, regs) = svc::registrations(state, &user.account, id).await?;
    let may_manage = svc::may_manage(Some(&user.account), &activity.row);
    Ok(render(&RegistrationsPage {
        c: Chrome::new(
            &user.ctx,
            "activities",
            format!("{} · {}", user.ctx.tr.t("act.registrations"), session.title),
        )
        .with_flash(flash),
        activity_id: activity.row.id,
        activity_title: activity.row.title,
        session,
        regs,
        may_manage,
        errors,
    }))
}

pub async fn registrations(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    registrations_page(&state, &user, id, Errors::default(), None).await
}

#[derive(Debug, Deserialize)]
pub struct ListCheckin {
    ticket: String,
    client_id: String,
}

/// Check-in from the list: the row's button posts its ticket; the client id is fixed per
/// registration, so a double click counts once.
pub async fn check_in_from_list(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ListCheckin>,
) -> Result<Response, PageError> {
    let item = CheckinInput {
        client_id: f.client_id,
        ticket: f.ticket,
        checked_in_at: String::new(),
        method: "list".into(),
    };
    let results = svc::check_in(&state, &user.account, id, &[item]).await?;
    let tr = user.ctx.tr;
    let flash = results.first().map(|r| {
        let mut text = format!(
            "{}{}",
            r.name
                .as_deref()
                .map(|n| format!("{n} · "))
                .unwrap_or_default(),
            checkin_outcome_label(&tr, &r.outcome)
        );
        if let Some(t) = &r.timing {
            text.push_str(&format!("（{}）", checkin_timing_label(&tr, t)));
        }
        text
    });
    registrations_page(&state, &user, id, Errors::default(), flash).await
}

/// What became of a check-in, as people say it.
fn checkin_outcome_label(tr: &Tr, outcome: &str) -> &'static str {
    match outcome {
        "recorded" => tr.pick("签到成功", "Checked in"),
        "repeated" => tr.pick("签到已记录（重复提交）", "Already recorded (sent again)"),
        "already_checked_in" => tr.pick("此前已签到", "Checked in earlier"),
        "unknown_ticket" => tr.pick(
            "票号无效，未找到报名",
            "Unknown ticket: no such registration",
        ),
        "not_confirmed" => tr.pick(
            "报名未确认（候补或已取消），不能签到",
            "Not confirmed (waiting or cancelled)",
        ),
        _ => tr.pick("无法识别的签到", "Check-in not understood"),
    }
}

/// A warning for a check-in outside its session's window.
fn checkin_timing_label(tr: &Tr, timing: &str) -> &'static str {
    match timing {
        "early" => tr.pick(
            "注意：早于场次开始一小时以上，请核对场次",
            "note: more than an hour before the session starts; check the session",
        ),
        _ => tr.pick(
            "注意：场次已结束，请核对场次",
            "note: the session has ended; check the session",
        ),
    }
}

#[derive(Debug, Deserialize)]
pub struct CapacityForm {
    capacity: String,
}

pub async fn set_capacity(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<CapacityForm>,
) -> Result<Response, PageError> {
    match svc::set_capacity(&state, &user.account, id, &f.capacity).await {
        Ok(_) => Ok(Redirect::to(&format!("/sessions/{id}/registrations")).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = registrations_page(&state, &user, id, errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "checkin.html")]
struct CheckinPage {
    c: Chrome,
    session: Session,
}

impl CheckinPage {
    /// The `data-outcome-…` and `data-timing-…` attributes the page's script reads its
    /// words from: every outcome and warning in the page's language.
    fn labels(&self) -> Vec<(String, &'static str)> {
        let tr = &self.c.tr;
        let outcomes = [
            "recorded",
            "repeated",
            "already_checked_in",
            "unknown_ticket",
            "not_confirmed",
            "invalid",
        ];
        let mut v: Vec<(String, &'static str)> = outcomes
            .iter()
            .map(|o| {
                (
                    format!("data-outcome-{}", o.replace('_', "-")),
                    checkin_outcome_label(tr, o),
                )
            })
            .collect();
        for t in ["early", "after_end"] {
            v.push((
                format!("data-timing-{}", t.replace('_', "-")),
                checkin_timing_label(tr, t),
            ));
        }
        v
    }
}

/// The phone check-in page: scans or takes typed ticket codes, keeps a queue in
/// localStorage and sends it whenever the network is there.
pub async fn checkin_page(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let (session, _, _) = svc::registrations(&state, &user.account, id).await?;
    Ok(render(&CheckinPage {
        c: Chrome::new(&user.ctx, "activities", user.ctx.tr.t("act.check_in_page")),
        session,
    }))
}

// ---------------------------------------------------------------- readiness and board

#[derive(Template)]
#[template(path = "board_rows.html")]
struct BoardRows {
    c: Chrome,
    rows: Vec<BoardRow>,
}

impl BoardRows {
    fn chip(&self, code: &str) -> &'static str {
        readiness_chip(code)
    }
    fn state(&self, code: &str) -> String {
        readiness_label(&self.c.tr, code)
    }
    fn time(&self, t: impl Moment) -> String {
        local_time(&t.moment())
    }
    fn summary(&self) -> String {
        let n = |s: &str| {
            self.rows
                .iter()
                .filter(|r| r.readiness == s)
                .count()
                .to_string()
        };
        self.c.tr.tf(
            "act.summary_ready",
            &[
                ("ready", n("ready")),
                ("not_ready", n("not_ready")),
                ("pending", n("pending")),
            ],
        )
    }
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    c: Chrome,
    activity_id: i64,
    title: String,
    rows_html: String,
}

async fn board_page(
    state: &AppState,
    user: &User,
    id: i64,
    fragment: bool,
) -> Result<Response, PageError> {
    let (a, rows) = svc::board(state, &user.account, id).await?;
    let frag = BoardRows {
        c: Chrome::new(&user.ctx, "activities", user.ctx.tr.t("act.board")),
        rows,
    };
    if fragment {
        return Ok(render(&frag));
    }
    let rows_html = frag
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
    Ok(render(&BoardPage {
        c: Chrome::new(&user.ctx, "activities", user.ctx.tr.t("act.board")),
        activity_id: id,
        title: a.row.title,
        rows_html,
    }))
}

pub async fn board(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    board_page(&state, &user, id, false).await
}

/// The board's table alone, for htmx polling.
pub async fn board_rows(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    board_page(&state, &user, id, true).await
}

#[derive(Debug, Deserialize, Default)]
pub struct ReadinessPageForm {
    #[serde(default)]
    readiness: String,
    #[serde(default)]
    test_confirmed: Option<String>,
    #[serde(default)]
    technician_name: String,
    #[serde(default)]
    technician_phone: String,
    #[serde(default)]
    note: String,
}

/// A branch venue's report for one debugging slot: saved, then the page confirms it and
/// shows the saved state; refused, the page shows the error beside the field and keeps
/// what was typed.
pub async fn report_readiness(
    State(state): State<AppState>,
    user: User,
    ctx: Ctx,
    PagePath((id, venue_id, slot_id)): PagePath<(i64, i64, i64)>,
    Form(f): Form<ReadinessPageForm>,
) -> Result<Response, PageError> {
    let form = ReadinessForm {
        readiness: f.readiness.clone(),
        test_confirmed: f.test_confirmed.is_some(),
        technician_name: f.technician_name.clone(),
        technician_phone: f.technician_phone.clone(),
        note: f.note.clone(),
    };
    match svc::report_readiness(&state, &user.account, id, venue_id, slot_id, &form).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/activities/{id}?saved={slot_id}#readiness")).into_response(),
        ),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(ctx.tr, &inv);
            let page = activity_page(&state, &ctx, id, Some((slot_id, f, errors))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The public calendar section of the campaign page, and the organisations that host (主办)
/// its public activities in the calendar's order, each once (the page's 组织单位).
pub async fn public_section(
    state: &AppState,
    tr: &Tr,
    campaign: &renke_app::model::Campaign,
) -> Result<(String, Vec<String>), PageError> {
    let items = svc::public_calendar(state, campaign).await?;
    let mut hosts: Vec<String> = Vec::new();
    for o in items.iter().flat_map(|i| &i.organisers) {
        if o.role == "host" && o.org_id.is_some() && !hosts.contains(&o.name) {
            hosts.push(o.name.clone());
        }
    }
    Ok((public_section_of(tr, campaign, &items), hosts))
}

fn public_section_of(
    tr: &Tr,
    campaign: &renke_app::model::Campaign,
    items: &[CalendarItem],
) -> String {
    use crate::error::escape;
    if items.is_empty() {
        return String::new();
    }
    let mut html = String::from("<ul class=\"plain calendar\">");
    for i in items {
        let a = &i.activity;
        html.push_str(&format!(
            "<li><span class=\"when\">{}</span> <a href=\"/activities/{}\">{}</a> <span class=\"chip grey\">{}</span> <span class=\"muted\">{}</span></li>",
            escape(&a.schedule().label(tr.is_zh())),
            a.id,
            escape(&a.title),
            escape(&kind_label(tr, &a.kind)),
            escape(&organisers_line(tr, &i.organisers)),
        ));
    }
    html.push_str("</ul>");
    html.push_str(&format!(
        "<p><a href=\"/campaigns/{}/calendar.ics\">{}</a></p>",
        campaign.id,
        escape(tr.t("act.feed"))
    ));
    html
}

// ---------------------------------------------------------------- create and edit

/// The activity form (new or edit), with every bad field next to its input.
#[derive(Template)]
#[template(path = "activity_form.html")]
struct ActivityFormPage {
    c: Chrome,
    /// `None` for a new activity.
    editing: Option<(i64, String)>,
    f: svc::ActivityForm,
    errors: Errors,
    /// Campaigns to choose from (id, title), for a new activity.
    campaigns: Vec<(i64, String)>,
    /// Organisations to pick (code, name).
    orgs: Vec<(String, String)>,
    /// Notices and activity plan tasks to pick.
    choices: svc::FormChoices,
}

/// (id, label, selected) for a select of `list`, with `chosen` added when missing.
fn options(list: &[(i64, String)], chosen: Option<i64>, what: &str) -> Vec<(i64, String, bool)> {
    let mut out: Vec<(i64, String, bool)> = list
        .iter()
        .map(|(id, l)| (*id, l.clone(), Some(*id) == chosen))
        .collect();
    if let Some(c) = chosen
        && !list.iter().any(|(id, _)| *id == c)
    {
        out.insert(0, (c, format!("{what} #{c}"), true));
    }
    out
}

/// Organiser rows shown: the typed ones and at least two empty ones to fill.
const ORGANISER_ROWS_MIN: usize = 4;

impl ActivityFormPage {
    fn action(&self) -> String {
        match &self.editing {
            Some((id, _)) => format!("/activities/{id}/edit"),
            None => "/activities/new".to_owned(),
        }
    }
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        ActivityKind::ALL
            .iter()
            .map(|k| (k.as_str(), if self.c.tr.is_zh() { k.zh() } else { k.en() }))
            .collect()
    }
    fn modes(&self) -> Vec<(&'static str, &'static str)> {
        ActivityMode::ALL
            .iter()
            .map(|k| (k.as_str(), if self.c.tr.is_zh() { k.zh() } else { k.en() }))
            .collect()
    }
    fn roles(&self) -> Vec<(&'static str, &'static str)> {
        OrganiserRole::ALL
            .iter()
            .map(|k| (k.as_str(), if self.c.tr.is_zh() { k.zh() } else { k.en() }))
            .collect()
    }
    fn audiences(&self) -> Vec<(&'static str, &'static str)> {
        AudienceRole::ALL
            .iter()
            .map(|k| (k.as_str(), if self.c.tr.is_zh() { k.zh() } else { k.en() }))
            .collect()
    }
    fn fields(&self) -> Vec<(&'static str, &'static str)> {
        FormField::ALL
            .iter()
            .map(|k| (k.as_str(), if self.c.tr.is_zh() { k.zh() } else { k.en() }))
            .collect()
    }
    fn has_audience(&self, code: &str) -> bool {
        self.f
            .audience_roles
            .iter()
            .any(|r| AudienceRole::parse("", r).is_ok_and(|r| r.as_str() == code))
    }
    fn has_field(&self, code: &str) -> bool {
        self.f
            .form_fields
            .iter()
            .any(|r| FormField::parse("", r).is_ok_and(|r| r.as_str() == code))
    }
    fn is_kind(&self, code: &str) -> bool {
        ActivityKind::parse("", &self.f.kind).is_ok_and(|k| k.as_str() == code)
    }
    fn is_mode(&self, code: &str) -> bool {
        ActivityMode::parse("", &self.f.mode).is_ok_and(|k| k.as_str() == code)
    }
    fn period(&self) -> bool {
        self.f.schedule_kind == "period"
    }
    /// The notices to choose from, with the chosen one kept even when the list does not
    /// have it (one of another organisation's, chosen earlier).
    fn notice_options(&self) -> Vec<(i64, String, bool)> {
        options(
            &self.choices.notices,
            self.f.notice_id,
            self.c.tr.pick("通知", "Notice"),
        )
    }
    fn task_options(&self) -> Vec<(i64, String, bool)> {
        options(
            &self.choices.plan_tasks,
            self.f.task_id,
            self.c.tr.pick("任务", "Task"),
        )
    }
    /// (index, role code, org code, name) for each row shown.
    fn organiser_rows(&self) -> Vec<(usize, String, String, String)> {
        let n = (self.f.organisers.len() + 2).max(ORGANISER_ROWS_MIN);
        (0..n)
            .map(|i| match self.f.organisers.get(i) {
                Some(o) => (
                    i,
                    OrganiserRole::parse("", &o.role)
                        .map(|r| r.as_str().to_owned())
                        .unwrap_or_else(|_| o.role.clone()),
                    o.org_code.clone(),
                    o.name.clone(),
                ),
                None => (i, String::new(), String::new(), String::new()),
            })
            .collect()
    }
    fn err(&self, field: &str) -> String {
        self.errors.of(field)
    }
    fn row_err(&self, i: &usize, part: &str) -> String {
        self.errors.of(&format!("organisers[{i}].{part}"))
    }
    /// Messages of fields that have no input of their own on this form.
    fn other_errors(&self) -> Vec<String> {
        let mut shown: Vec<String> = [
            "campaign_id",
            "owner_code",
            "kind",
            "title",
            "description",
            "schedule_kind",
            "starts_at",
            "ends_at",
            "period_from",
            "period_to",
            "period_label",
            "mode",
            "audience",
            "notice_id",
            "task_id",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        for i in 0..self.organiser_rows().len() {
            for part in ["role", "org_code", "name"] {
                shown.push(format!("organisers[{i}].{part}"));
            }
        }
        shown.extend(super::venues::fieldset_fields(&self.f));
        let refs: Vec<&str> = shown.iter().map(String::as_str).collect();
        self.errors.others(&refs)
    }
}

async fn activity_form_page(
    state: &AppState,
    user: &User,
    editing: Option<(i64, String)>,
    f: svc::ActivityForm,
    errors: Errors,
) -> Result<Response, PageError> {
    let tr = user.ctx.tr;
    let campaigns = if editing.is_none() {
        renke_app::campaigns::list_campaigns(state, &user.account, 0, 100)
            .await?
            .items
            .into_iter()
            .map(|c| (c.id, c.title))
            .collect()
    } else {
        Vec::new()
    };
    let title = match &editing {
        Some((_, t)) => format!("{} · {t}", tr.t("act.edit")),
        None => tr.t("act.new").to_owned(),
    };
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ActivityFormPage {
        c: Chrome::new(&user.ctx, "activities", title),
        editing,
        f,
        errors,
        campaigns,
        orgs: renke_app::orgs::directory_choices(state, &user.account, 500).await?,
        choices: svc::form_choices(state, &user.account).await?,
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct NewActivityQuery {
    #[serde(default)]
    campaign_id: Option<i64>,
}

/// `GET /activities/new`: an empty form, the caller's organisation as owner and host.
pub async fn new_form(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<NewActivityQuery>,
) -> Result<Response, PageError> {
    let me = &user.account;
    let f = svc::ActivityForm {
        campaign_id: q.campaign_id.unwrap_or(0),
        owner_code: me.org_code.clone(),
        schedule_kind: "window".into(),
        mode: "offline".into(),
        form_fields: vec!["name".into(), "phone".into()],
        organisers: vec![svc::OrganiserInput {
            role: "host".into(),
            org_code: me.org_code.clone(),
            name: String::new(),
        }],
        ..Default::default()
    };
    activity_form_page(&state, &user, None, f, Errors::default()).await
}

/// `POST /activities/new`.
pub async fn create(
    State(state): State<AppState>,
    user: User,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = svc::activity_form_from_pairs(&pairs);
    match svc::create_activity(&state, &user.account, &f).await {
        Ok(a) => Ok(Redirect::to(&format!("/activities/{}", a.row.id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            activity_form_page(&state, &user, None, f, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /activities/{id}/edit`, for those who manage the activity.
pub async fn edit_form(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let v = svc::activity_view(&state, Some(&user.account), id).await?;
    if !v.may_manage {
        return Err(AppError::Forbidden.into());
    }
    let f = svc::activity_form_of(&state, &v.activity).await?;
    let editing = Some((id, v.activity.row.title.clone()));
    activity_form_page(&state, &user, editing, f, Errors::default()).await
}

/// `POST /activities/{id}/edit`.
pub async fn update(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = svc::activity_form_from_pairs(&pairs);
    match svc::update_activity(&state, &user.account, id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/activities/{id}")).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let v = svc::activity_view(&state, Some(&user.account), id).await?;
            activity_form_page(&state, &user, Some((id, v.activity.row.title)), f, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The session form (add or change) of an activity.
#[derive(Template)]
#[template(path = "session_form.html")]
struct SessionFormPage {
    c: Chrome,
    activity_id: i64,
    activity_title: String,
    /// `None` when adding.
    session_id: Option<i64>,
    /// Venues to choose from (id, name).
    venues: Vec<(i64, String)>,
    f: svc::SessionPageForm,
    errors: Errors,
}

impl SessionFormPage {
    fn action(&self) -> String {
        match self.session_id {
            Some(s) => format!("/activities/{}/sessions/{s}/edit", self.activity_id),
            None => format!("/activities/{}/sessions/new", self.activity_id),
        }
    }
    fn venue_selected(&self, id: &i64) -> bool {
        self.f.venue_id.trim() == id.to_string()
    }
}

async fn session_form_page(
    state: &AppState,
    user: &User,
    activity_id: i64,
    session_id: Option<i64>,
    f: Option<svc::SessionPageForm>,
    errors: Errors,
) -> Result<Response, PageError> {
    let v = svc::activity_view(state, Some(&user.account), activity_id).await?;
    if !v.may_manage {
        return Err(AppError::Forbidden.into());
    }
    let a = v.activity;
    let f = match (f, session_id) {
        (Some(f), _) => f,
        (None, Some(sid)) => {
            let s = a
                .sessions
                .iter()
                .find(|s| s.id == sid)
                .ok_or(AppError::NotFound)?;
            svc::SessionPageForm::of(s)
        }
        (None, None) => svc::SessionPageForm::default(),
    };
    let tr = user.ctx.tr;
    let title = if session_id.is_some() {
        tr.t("act.edit_session")
    } else {
        tr.t("act.add_session")
    };
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = SessionFormPage {
        c: Chrome::new(
            &user.ctx,
            "activities",
            format!("{title} · {}", a.row.title),
        ),
        activity_id,
        activity_title: a.row.title.clone(),
        session_id,
        venues: a.venues.iter().map(|v| (v.id, v.name.clone())).collect(),
        f,
        errors,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /activities/{id}/sessions/new`.
pub async fn new_session_form(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    session_form_page(&state, &user, id, None, None, Errors::default()).await
}

/// `GET /activities/{id}/sessions/{sid}/edit`.
pub async fn edit_session_form(
    State(state): State<AppState>,
    user: User,
    PagePath((id, sid)): PagePath<(i64, i64)>,
) -> Result<Response, PageError> {
    session_form_page(&state, &user, id, Some(sid), None, Errors::default()).await
}

async fn save_session_page(
    state: &AppState,
    user: &User,
    id: i64,
    sid: Option<i64>,
    f: svc::SessionPageForm,
) -> Result<Response, PageError> {
    match svc::save_session(state, &user.account, id, sid, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/activities/{id}")).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            session_form_page(state, user, id, sid, Some(f), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /activities/{id}/sessions/new`.
pub async fn create_session(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<svc::SessionPageForm>,
) -> Result<Response, PageError> {
    save_session_page(&state, &user, id, None, f).await
}

/// `POST /activities/{id}/sessions/{sid}/edit`.
pub async fn update_session(
    State(state): State<AppState>,
    user: User,
    PagePath((id, sid)): PagePath<(i64, i64)>,
    Form(f): Form<svc::SessionPageForm>,
) -> Result<Response, PageError> {
    save_session_page(&state, &user, id, Some(sid), f).await
}
