//! 导入通知, second half: the user confirms a draft (corrected where the parser erred, the
//! unmatched names mapped) and, in one transaction, the platform gets the notice as a draft
//! of its issuer — a relay of the notice it cites when that one is in the platform and
//! reached the issuer, with the original's tasks relayed — the campaign when it is new, the
//! activities with their times, venues, organisers and debugging slots, the reporting tasks
//! with their deadlines and materials, and the contacts. The same document is imported once.

use super::{MatchKind, canonical, match_one, may_ingest, named};
use crate::notices::{ContactForm, NoticeForm, RecipientInput, notice_draft};
use crate::reporting::tasks::{RelayTaskForm, relay_drafts, relayable};
use crate::{App, AppError, Caller};
use chrono::{DateTime, NaiveDate, Utc};
use renke_domain::activity::{ActivityDraft, ActivityInput, VenueKind, VenueSpec};
use renke_domain::campaign::{CampaignDraft, CampaignInput};
use renke_domain::error::{FieldError, Invalid};
use renke_domain::notice::DocNumber;
use renke_domain::org::OrgKind;
use renke_domain::perm::Action;
use renke_domain::task::{TaskDraft, TaskInput};
use renke_domain::text::Line;
use renke_notice::Notice;
use renke_store::orgs::{self, Org};
use renke_store::{StoreError, activities, campaigns, imports, notices, tasks};
use std::collections::HashMap;

/// A name the user mapped by hand to a directory entry; remembered for the importing
/// organisation.
#[derive(Debug, Clone)]
pub struct OrgMapping {
    pub name: String,
    pub org_id: i64,
}

/// Which campaign the notice belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CampaignChoice {
    /// None: a notice outside any campaign (then it may carry no activities).
    #[default]
    None,
    Existing(i64),
    /// A new campaign of the issuer, titled so, its themes from the notice.
    New(String),
}

impl OrgMapping {
    /// `name` mapped to the organisation with code `code` (as typed in the page's picker);
    /// an unknown code is refused on the field `map:NAME`.
    pub async fn by_code(app: &App, name: &str, code: &str) -> Result<OrgMapping, AppError> {
        match orgs::get_by_code(&app.db, code.trim()).await {
            Ok(o) => Ok(OrgMapping {
                name: name.to_owned(),
                org_id: o.id,
            }),
            Err(StoreError::NotFound) => Err(AppError::Invalid(Invalid::one(
                FieldError::new(format!("map:{name}"), "unknown_value").with("value", code.trim()),
            ))),
            Err(e) => Err(e.into()),
        }
    }
}

impl CampaignChoice {
    /// An existing campaign by id, else a new one when titled, else none.
    pub fn of(id: Option<i64>, new_title: Option<&str>) -> CampaignChoice {
        match (id, new_title.map(str::trim)) {
            (Some(id), _) => CampaignChoice::Existing(id),
            (None, Some(t)) if !t.is_empty() => CampaignChoice::New(t.to_owned()),
            _ => CampaignChoice::None,
        }
    }
}

/// A confirmed draft: the source text, the notice as corrected, the user's mappings.
#[derive(Debug, Clone)]
pub struct Confirmed {
    pub text: String,
    pub notice: Notice,
    pub mappings: Vec<OrgMapping>,
    pub campaign: CampaignChoice,
}

/// A record the import created or linked to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Created {
    pub id: i64,
    pub title: String,
    /// When it is due or takes place, as the notice gives it.
    pub when: Option<String>,
}

/// What the import created.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Imported {
    /// The notice, a draft of its issuer.
    pub notice: Created,
    pub campaign: Option<Created>,
    pub campaign_created: bool,
    /// The notice it relays, when its cited number is in the platform.
    pub relays: Option<Created>,
    /// The original's tasks relayed with it, then the notice's own tasks.
    pub tasks: Vec<Created>,
    pub activities: Vec<Created>,
    /// Names left out because they match no single organisation (a 主送 written as a
    /// group the platform cannot expand, an unmapped name): for the user to check.
    pub left_out: Vec<String>,
}

/// How a name resolved: one organisation, a group, or nothing.
#[derive(Debug, Clone)]
enum Resolved {
    Org(Box<Org>),
    Group,
    Unmatched,
}

/// The fingerprint of a document: its issuer and 发文字号, or, without a number, its issuer,
/// title and date.
pub fn fingerprint(
    issuer_org_id: i64,
    doc_number: Option<&str>,
    title: &str,
    date: NaiveDate,
) -> String {
    match doc_number {
        Some(n) => format!("{issuer_org_id}|{n}"),
        None => format!("{issuer_org_id}|{title}|{date}"),
    }
}

/// The notice already in the platform that is this document, if any: imported before, or
/// written here with the same issuer and number.
pub(crate) async fn existing(
    app: &App,
    issuer_org_id: i64,
    doc_number: Option<&str>,
    title: &str,
    date: NaiveDate,
) -> Result<Option<i64>, AppError> {
    let fp = fingerprint(issuer_org_id, doc_number, title, date);
    if let Some(id) = imports::notice_with_fingerprint(&app.db, &fp).await? {
        return Ok(Some(id));
    }
    if let Some(n) = doc_number {
        let same = notices::with_number(&app.db, n).await?;
        return Ok(same
            .into_iter()
            .find(|r| r.issuer_org_id == issuer_org_id)
            .map(|r| r.id));
    }
    Ok(None)
}

fn already_imported(id: i64) -> AppError {
    AppError::Invalid(Invalid::one(
        FieldError::new("document_number", "already_imported").with("notice_id", id),
    ))
}

/// Resolves every name the notice gives: the user's mapping, a remembered alias of the
/// importing organisation, the directory's exact or variant match.
async fn resolve_names(
    app: &App,
    me: &Caller,
    n: &Notice,
    mappings: &[OrgMapping],
) -> Result<HashMap<String, Resolved>, AppError> {
    let mut errs = Invalid::default();
    let mut out: HashMap<String, Resolved> = HashMap::new();
    for (i, m) in mappings.iter().enumerate() {
        match orgs::get(&app.db, m.org_id).await {
            Ok(o) => {
                out.insert(m.name.trim().to_owned(), Resolved::Org(Box::new(o)));
            }
            Err(StoreError::NotFound) => errs.push(
                FieldError::new(format!("mappings[{i}].org_id"), "unknown_value")
                    .with("value", m.org_id),
            ),
            Err(e) => return Err(e.into()),
        }
    }
    errs.into_result()?;
    for (field, name) in named(n) {
        if out.contains_key(&name) {
            continue;
        }
        let m = match_one(app, me, field, name.clone()).await?;
        let r = match (m.kind, m.org) {
            (MatchKind::Group, _) => Resolved::Group,
            (_, Some(o)) => Resolved::Org(Box::new(orgs::get(&app.db, o.id).await?)),
            (_, None) => Resolved::Unmatched,
        };
        out.insert(name, r);
    }
    Ok(out)
}

/// The kind of organisation a group name addresses (各地级以上市市场监管局 → regulators,
/// 省局有关处室 → departments), if it says.
fn group_kind(name: &str) -> Option<OrgKind> {
    let rules: [(&[&str], OrgKind); 5] = [
        (&["处室", "处（室）", "内设机构"], OrgKind::Department),
        (
            &["市场监管局", "市场监督管理局", "市场监管部门"],
            OrgKind::Regulator,
        ),
        (&["检验检测机构", "实验室"], OrgKind::Lab),
        (&["认证机构"], OrgKind::CertificationBody),
        (&["协会", "学会"], OrgKind::Association),
    ];
    rules
        .iter()
        .find(|(words, _)| words.iter().any(|w| name.ends_with(w)))
        .map(|(_, k)| *k)
}

/// A 主送 group may name several kinds at once (各认证机构、检验检测机构): one entry each.
/// Bracketed variants are ignored (…市场监管局（厅、委） are regulators).
fn group_kinds(name: &str) -> Vec<OrgKind> {
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for part in plain.split(['、', '，', ',']) {
        if let Some(k) = group_kind(part.trim())
            && !out.contains(&k)
        {
            out.push(k);
        }
    }
    out
}

/// 公开方式 as the notice form takes it.
fn publication_code(p: Option<&str>) -> &'static str {
    match p {
        Some(p) if p.contains("依申请") => "on_request",
        Some(p) if p.contains("不予") || p.contains("不公开") => "not_public",
        _ => "active",
    }
}

/// The notice form the draft gives, with what it leaves out.
fn notice_form(
    n: &Notice,
    text: &str,
    issuer: &Org,
    names: &HashMap<String, Resolved>,
    left_out: &mut Vec<String>,
) -> NoticeForm {
    let mut recipients = Vec::new();
    for name in &n.recipients {
        match names.get(name.trim()) {
            Some(Resolved::Org(o)) => recipients.push(RecipientInput {
                org_code: o.code.clone(),
                children_kind: String::new(),
                label: name.clone(),
            }),
            Some(Resolved::Group) if !group_kinds(name).is_empty() => {
                for k in group_kinds(name) {
                    recipients.push(RecipientInput {
                        org_code: issuer.code.clone(),
                        children_kind: k.as_str().to_owned(),
                        label: name.clone(),
                    });
                }
            }
            _ => left_out.push(name.clone()),
        }
    }
    NoticeForm {
        issuer_code: issuer.code.clone(),
        doc_number: n.document_number.clone().unwrap_or_default(),
        title: n.title.clone().unwrap_or_default(),
        recipients,
        body: text.trim().to_owned(),
        attachments: n.attachments.clone(),
        signature: issuer.name.clone(),
        written_on: n.issue_date.clone().unwrap_or_default(),
        contacts: n
            .contacts
            .iter()
            .filter(|c| c.name.is_some() || c.phone.is_some() || c.email.is_some())
            .map(|c| ContactForm {
                name: c.name.clone().unwrap_or_default(),
                phone: c.phone.clone().unwrap_or_default(),
                email: c.email.clone().unwrap_or_default(),
            })
            .collect(),
        publication: publication_code(n.publication.as_deref()).to_owned(),
        cc: n.cc.join("，"),
        ..NoticeForm::default()
    }
}

/// The original a draft relays: the issued notice with the cited number that reached the
/// issuer.
async fn relayed_original(app: &App, n: &Notice, issuer: &Org) -> Result<Option<i64>, AppError> {
    let Some(number) = n
        .relayed
        .as_ref()
        .and_then(|r| r.document_number.as_deref())
    else {
        return Ok(None);
    };
    let Ok(number) = DocNumber::parse("relayed", number) else {
        return Ok(None);
    };
    for r in notices::with_number(&app.db, &number.to_string()).await? {
        if r.is_issued() && notices::delivery(&app.db, r.id, issuer.id).await?.is_some() {
            return Ok(Some(r.id));
        }
    }
    Ok(None)
}

/// A deadline's date and time as a task takes it (`2022-06-20 17:00`), or None (及时报送).
fn deadline_text(date: Option<&str>, time: Option<&str>) -> Option<String> {
    date.map(|d| match time {
        Some(t) => format!("{d} {t}"),
        None => d.to_owned(),
    })
}

/// What a deadline asks for, from its words (the first that matches: 情况 before 宣传 in
/// 活动开展情况和宣传报道资料).
fn task_kind(task: &str) -> &'static str {
    const RULES: [(&str, &str); 7] = [
        ("方案", "plan"),
        ("总结", "summary"),
        ("典型", "case"),
        ("案例", "case"),
        ("情况", "progress"),
        ("新闻", "news"),
        ("宣传", "publicity"),
    ];
    RULES
        .iter()
        .find(|(w, _)| task.contains(w))
        .map_or("other", |(_, k)| k)
}

/// The share of `part`'s character pairs found in `whole`, 0 to 1: how far a task's title
/// (活动开展情况) is written out in a deadline's words (请于6月20日前将活动开展情况和宣传报道资料报送).
fn contained(part: &str, whole: &str) -> f64 {
    let p: Vec<char> = part.chars().collect();
    let w: Vec<char> = whole.chars().collect();
    if p.len() < 2 {
        return 0.0;
    }
    let found = p
        .windows(2)
        .filter(|g| w.windows(2).any(|x| x == *g))
        .count();
    found as f64 / (p.len() - 1) as f64
}

/// The reporting tasks: each deadline relays the original's task it names (by the closest
/// title among those the issuer may relay), or is a task of the notice's own.
async fn task_drafts(
    app: &App,
    n: &Notice,
    issuer: &Org,
    original: Option<i64>,
) -> Result<(Vec<(i64, TaskDraft)>, Vec<TaskDraft>), AppError> {
    let offered = match original {
        Some(o) => relayable(app, o, issuer.id).await?,
        None => Vec::new(),
    };
    let now = app.clock.now();
    let mut errs = Invalid::default();
    let mut relay_forms: Vec<RelayTaskForm> = Vec::new();
    let mut own = Vec::new();
    for (i, d) in n.deadlines.iter().enumerate() {
        let deadline = deadline_text(d.date.as_deref(), d.time.as_deref());
        let best = offered
            .iter()
            .filter(|t| !relay_forms.iter().any(|f| f.task_id == t.id))
            .map(|t| (contained(&t.title, &d.task), t))
            .filter(|(s, _)| *s >= 0.6)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let (Some((_, t)), Some(deadline)) = (best, &deadline) {
            relay_forms.push(RelayTaskForm {
                task_id: t.id,
                deadline: deadline.clone(),
            });
            continue;
        }
        let input = TaskInput {
            kind: task_kind(&d.task).to_owned(),
            title: d
                .task
                .chars()
                .take(renke_domain::task::TASK_TITLE_MAX)
                .collect(),
            instructions: d.materials.join("；"),
            deadline: deadline.clone().unwrap_or_default(),
            timely: deadline.is_none(),
            submit_to_org_id: issuer.id,
            submit_to_dept: d.submit_to.clone().unwrap_or_default(),
            length_target: d.length_chars.map(|l| l.to_string()).unwrap_or_default(),
            paper_required: d.paper_copy.unwrap_or(false),
            ..TaskInput::default()
        };
        match input.validate(now, None) {
            Ok(t) => own.push(t),
            Err(e) => errs.0.extend(e.under(&format!("deadlines[{i}]")).0),
        }
    }
    let relayed = match original {
        Some(o) => match relay_drafts(app, o, issuer, &relay_forms).await {
            Ok(r) => r,
            Err(AppError::Invalid(e)) => {
                errs.0.extend(e.0);
                Vec::new()
            }
            Err(e) => return Err(e),
        },
        None => Vec::new(),
    };
    errs.into_result()?;
    Ok((relayed, own))
}

/// An organiser of an activity: its role code and the organisation, or the name as written.
fn organisers(
    a: &renke_notice::Activity,
    names: &HashMap<String, Resolved>,
) -> Vec<(String, Option<i64>, String)> {
    let o = &a.organizers;
    let unlabelled = if o.host.is_empty() {
        "host"
    } else {
        "undertaker"
    };
    let mut out = Vec::new();
    for (role, list) in [
        ("host", &o.host),
        ("undertaker", &o.undertaker),
        ("co_organiser", &o.co_organizer),
        ("guide", &o.guide),
        (unlabelled, &a.organized_by),
    ] {
        for name in list {
            match names.get(name.trim()) {
                Some(Resolved::Org(org)) => {
                    out.push((role.to_owned(), Some(org.id), String::new()))
                }
                _ => out.push((role.to_owned(), None, name.chars().take(200).collect())),
            }
        }
    }
    out
}

/// How people take part, from the modes the text names.
fn activity_mode(modes: &[String]) -> &'static str {
    let has = |m: &str| modes.iter().any(|x| x == m);
    match (
        has("offline"),
        has("online") || has("livestream") || has("video_conference"),
    ) {
        (true, true) => "hybrid",
        (false, true) if has("video_conference") => "video_conference",
        (false, true) if has("livestream") => "livestream",
        (false, true) => "online",
        _ => "offline",
    }
}

/// One activity, owned by the issuer, with its venues and debugging slots; an activity
/// without a date is left out (it is listed for the user to add by hand).
fn activity_draft(
    a: &renke_notice::Activity,
    i: usize,
    issuer: &Org,
    names: &HashMap<String, Resolved>,
) -> Result<Option<ActivityParts>, Invalid> {
    let Some(date) = a.date.as_deref() else {
        return Ok(None);
    };
    let (schedule_kind, starts_at, ends_at, from, to) = match (&a.start_time, a.end_date.as_deref())
    {
        (Some(start), None) => {
            let end = a.end_time.clone().unwrap_or_else(|| start.clone());
            let end = if end == *start { plus_hour(start) } else { end };
            (
                "window",
                format!("{date} {start}"),
                format!("{date} {end}"),
                String::new(),
                String::new(),
            )
        }
        (_, end_date) => (
            "period",
            String::new(),
            String::new(),
            date.to_owned(),
            end_date.unwrap_or(date).to_owned(),
        ),
    };
    let input = ActivityInput {
        // Set when the campaign and the notice exist.
        campaign_id: 0,
        owner_org_id: issuer.id,
        kind: a.kind.clone().unwrap_or_else(|| "local_series".to_owned()),
        title: a
            .title
            .chars()
            .take(renke_domain::activity::TITLE_MAX)
            .collect(),
        description: a.period_text.clone().unwrap_or_default(),
        organisers: organisers(a, names),
        schedule_kind: schedule_kind.to_owned(),
        starts_at,
        ends_at,
        period_from: from,
        period_to: to,
        period_label: String::new(),
        mode: activity_mode(&a.mode).to_owned(),
        audience: a
            .audience
            .clone()
            .unwrap_or_default()
            .chars()
            .take(500)
            .collect(),
        ..ActivityInput::default()
    };
    let prefix = format!("activities[{i}].");
    let draft = input
        .validate()
        .map_err(|e| e.under(&format!("activities[{i}]")))?;
    let when = match (&a.start_time, &a.end_time) {
        (Some(s), Some(e)) => format!("{date} {s}–{e}"),
        (Some(s), None) => format!("{date} {s}"),
        _ => match a.end_date.as_deref() {
            Some(e) => format!("{date}–{e}"),
            None => date.to_owned(),
        },
    };
    let mut errs = Invalid::default();
    let mut venues = Vec::new();
    for (k, v) in a.venues.iter().enumerate() {
        match Line::parse(&format!("{prefix}venues[{k}]"), v, 300) {
            Ok(name) => venues.push(VenueSpec {
                kind: if k == 0 && a.venues.len() > 1 {
                    VenueKind::Main
                } else {
                    VenueKind::Room
                },
                name,
                org_id: None,
                address: None,
                room: None,
                capacity: None,
                url: None,
                participants: Vec::new(),
            }),
            Err(e) => errs.push(e),
        }
    }
    let mut slots = Vec::new();
    for s in &a.debug_sessions {
        if let (Some(d), Some(t)) = (&s.date, &s.time) {
            match renke_domain::activity::parse_local_datetime(
                &format!("{prefix}debug_sessions"),
                &format!("{d} {t}"),
            ) {
                Ok(at) => slots.push((s.note.chars().take(100).collect(), at)),
                Err(e) => errs.push(e),
            }
        }
    }
    errs.into_result()?;
    Ok(Some(ActivityParts {
        draft,
        venues,
        slots,
        when,
    }))
}

/// An activity ready to store: the draft, its venues, its debugging slots, and its time
/// as the notice gives it.
struct ActivityParts {
    draft: ActivityDraft,
    venues: Vec<VenueSpec>,
    slots: Vec<(String, DateTime<Utc>)>,
    when: String,
}

/// `HH:MM` an hour later (capped at 23:59): a window given by its start only.
fn plus_hour(t: &str) -> String {
    let mut it = t.split(':');
    let h: u32 = it.next().and_then(|h| h.parse().ok()).unwrap_or(0);
    let m: u32 = it.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    if h >= 23 {
        "23:59".to_owned()
    } else {
        format!("{:02}:{m:02}", h + 1)
    }
}

/// A new campaign of the issuer from the notice's themes: its day is the first activity's
/// date, else the notice's.
fn campaign_draft(
    n: &Notice,
    title: &str,
    issuer: &Org,
    written_on: NaiveDate,
) -> Result<CampaignDraft, Invalid> {
    let theme = |scope: &str| {
        n.themes
            .iter()
            .find(|t| t.scope.as_deref() == Some(scope))
            .map(|t| t.text.clone())
            .unwrap_or_default()
    };
    let day = n
        .activities
        .iter()
        .filter_map(|a| a.date.clone())
        .min()
        .unwrap_or_else(|| written_on.to_string());
    let input = CampaignInput {
        title: title.to_owned(),
        edition: String::new(),
        day,
        international_theme: theme("international"),
        domestic_theme: theme("domestic"),
        owner_org_id: issuer.id,
        public: false,
        local_themes: n
            .themes
            .iter()
            .filter(|t| t.scope.as_deref() == Some("local"))
            .map(|t| (issuer.id, t.text.clone()))
            .collect(),
    };
    input.validate().map_err(|e| e.under("campaign"))
}

/// A campaign the notice may be attached to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CampaignRef {
    pub id: i64,
    pub title: String,
}

/// What confirming would do, shown with the draft: the issuer found, the notice it would
/// relay, the notice it would duplicate, the campaigns to choose from and the one proposed.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Proposal {
    pub issuer: Option<super::OrgRef>,
    /// The original in the platform, as (id, 发文字号 or title).
    pub relays: Option<(i64, String)>,
    /// This document, already in the platform.
    pub duplicate: Option<i64>,
    pub campaigns: Vec<CampaignRef>,
    /// The campaign proposed: the original's, else one of the same year and domestic
    /// theme, else none (a new one titled `new_campaign_title`).
    pub campaign_id: Option<i64>,
    pub new_campaign_title: String,
}

/// A campaign title from the notice's: 关于组织开展第十五个“世界认可日”活动的通知 →
/// 第十五个“世界认可日”活动.
fn campaign_title(title: &str) -> String {
    let t = title.split_once("关于").map_or(title, |(_, t)| t);
    let t = ["的通知", "的公告", "的函", "的意见", "的方案"]
        .iter()
        .find_map(|s| t.strip_suffix(s))
        .unwrap_or(t);
    let t = ["组织开展", "开展", "举办", "做好"]
        .iter()
        .find_map(|s| t.strip_prefix(s))
        .unwrap_or(t);
    t.split_whitespace()
        .collect::<String>()
        .chars()
        .take(200)
        .collect()
}

/// What confirming the draft would do, for the page beside the draft.
pub async fn propose(
    app: &App,
    me: &Caller,
    n: &Notice,
    orgs: &[super::OrgMatch],
) -> Result<Proposal, AppError> {
    let issuer = orgs
        .iter()
        .find(|m| m.field == "issuer[0]")
        .and_then(|m| m.org.clone());
    let mut p = Proposal {
        new_campaign_title: campaign_title(n.title.as_deref().unwrap_or_default()),
        ..Proposal::default()
    };
    let mut original_campaign = None;
    if let Some(i) = &issuer {
        let org = orgs::get(&app.db, i.id).await?;
        if let Some(o) = relayed_original(app, n, &org).await? {
            let r = notices::get(&app.db, o).await?;
            original_campaign = r.campaign_id;
            p.relays = Some((o, r.doc_number.clone().unwrap_or(r.title.clone())));
        }
        let doc = n
            .document_number
            .as_deref()
            .and_then(|d| DocNumber::parse("document_number", d).ok())
            .map(|d| d.to_string());
        let date = n
            .issue_date
            .as_deref()
            .and_then(|d| d.parse::<NaiveDate>().ok());
        if let (Some(title), Some(date)) = (n.title.as_deref(), date) {
            p.duplicate = existing(app, i.id, doc.as_deref(), title, date).await?;
        } else if let Some(doc) = doc.as_deref() {
            p.duplicate = existing(app, i.id, Some(doc), "", NaiveDate::MIN).await?;
        }
    }
    let year = n
        .issue_date
        .as_deref()
        .and_then(|d| d.get(..4))
        .unwrap_or_default();
    let domestic = n
        .themes
        .iter()
        .find(|t| t.scope.as_deref() == Some("domestic"))
        .map(|t| canonical(&t.text));
    let listed = crate::campaigns::list_campaigns(app, me, 0, 100).await?;
    for c in listed.items {
        let kept = original_campaign == Some(c.id);
        if !kept && me.actor().may(Action::Manage, &c.owner_path).is_err() {
            continue;
        }
        let same_year = c.day.to_string().starts_with(year) && !year.is_empty();
        let same_theme =
            domestic.is_some() && c.domestic_theme.as_deref().map(canonical) == domestic;
        if kept || (p.campaign_id.is_none() && same_year && same_theme) {
            p.campaign_id = Some(c.id);
        }
        p.campaigns.push(CampaignRef {
            id: c.id,
            title: c.title,
        });
    }
    p.issuer = issuer;
    Ok(p)
}

/// Creates what the confirmed draft describes, in one transaction.
pub async fn import(app: &App, me: &Caller, c: Confirmed) -> Result<Imported, AppError> {
    if !may_ingest(me) {
        return Err(AppError::Forbidden);
    }
    if c.text.trim().is_empty() {
        return Err(AppError::field("text", "required"));
    }
    let n = &c.notice;
    let names = resolve_names(app, me, n, &c.mappings).await?;
    let issuer_name = n
        .issuer
        .first()
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let issuer = match names.get(&issuer_name) {
        Some(Resolved::Org(o)) => (**o).clone(),
        _ if issuer_name.is_empty() => return Err(AppError::field("issuer", "required")),
        _ => {
            return Err(AppError::Invalid(Invalid::one(
                FieldError::new("issuer", "unmatched_org").with("value", issuer_name),
            )));
        }
    };
    if me.actor().may(Action::Manage, &issuer.path).is_err() {
        return Err(AppError::Invalid(Invalid::one(
            FieldError::new("issuer", "issuer_not_managed").with("value", &issuer.name),
        )));
    }
    let mut left_out = Vec::new();
    let mut form = notice_form(n, &c.text, &issuer, &names, &mut left_out);
    let original = relayed_original(app, n, &issuer).await?;
    let original_notice = match original {
        Some(o) => Some(notices::get(&app.db, o).await?),
        None => None,
    };
    if let CampaignChoice::Existing(id) = c.campaign {
        form.campaign_id = Some(id);
    }
    // Every problem at once: the notice, its tasks, its activities, the new campaign.
    let mut errs = Invalid::default();
    let mut collect = |r: Result<(), AppError>| -> Result<(), AppError> {
        match r {
            Err(AppError::Invalid(e)) => {
                errs.0.extend(e.0);
                Ok(())
            }
            other => other,
        }
    };
    // No 主送 found in the directory: say which names, not just "required".
    let unmatched_recipients = form.recipients.is_empty() && !n.recipients.is_empty();
    let mut draft = None;
    collect(
        notice_draft(app, me, &issuer, &form, original_notice.as_ref())
            .await
            .map(|d| draft = Some(d)),
    )?;
    let mut tasks_out = None;
    collect(
        task_drafts(app, n, &issuer, original)
            .await
            .map(|t| tasks_out = Some(t)),
    )?;
    if unmatched_recipients {
        errs.0.retain(|e| e.field != "recipients");
        errs.push(
            FieldError::new("recipients", "recipients_unmatched")
                .with("value", n.recipients.join("；")),
        );
    }
    let mut acts = Vec::new();
    for (i, a) in n.activities.iter().enumerate() {
        match activity_draft(a, i, &issuer, &names) {
            Ok(Some(x)) => acts.push(x),
            Ok(None) => left_out.push(a.title.clone()),
            Err(e) => errs.0.extend(e.0),
        }
    }
    if !acts.is_empty() && c.campaign == CampaignChoice::None {
        errs.push(FieldError::new("campaign_id", "required"));
    }
    let new_campaign = match (&c.campaign, &draft) {
        (CampaignChoice::New(title), Some(d)) => {
            match campaign_draft(n, title, &issuer, d.written_on) {
                Ok(cd) => Some(cd),
                Err(e) => {
                    errs.0.extend(e.0);
                    None
                }
            }
        }
        _ => None,
    };
    errs.into_result()?;
    let (Some(mut draft), Some((relayed, own))) = (draft, tasks_out) else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "import validated without a draft"
        )));
    };
    let doc = draft.doc_number.as_ref().map(|d| d.to_string());
    let title = draft.title.as_str().to_owned();
    if let Some(id) = existing(app, issuer.id, doc.as_deref(), &title, draft.written_on).await? {
        return Err(already_imported(id));
    }
    let fp = fingerprint(issuer.id, doc.as_deref(), &title, draft.written_on);
    let now = app.clock.now();
    let mut tx = app.db.write().await?;
    let (campaign_id, campaign_created) = match (&new_campaign, &c.campaign) {
        (Some(cd), _) => (Some(campaigns::create_in(&mut tx, cd, now).await?), true),
        (None, CampaignChoice::Existing(id)) => (Some(*id), false),
        _ => (None, false),
    };
    draft.campaign_id = campaign_id;
    let (notice_id, relayed_ids) =
        notices::create_relay_in(&mut tx, &draft, me.id, original, &relayed, now).await?;
    let created = |id: i64, t: &TaskDraft| Created {
        id,
        title: t.title.as_str().to_owned(),
        when: t.deadline.map(|d| d.shanghai()),
    };
    let mut task_refs: Vec<Created> = relayed_ids
        .iter()
        .zip(&relayed)
        .map(|(id, (_, t))| created(*id, t))
        .collect();
    for t in &own {
        let id = tasks::create_in(&mut tx, notice_id, None, t, me.id, now).await?;
        task_refs.push(created(id, t));
    }
    let mut activity_refs = Vec::new();
    for mut a in acts {
        a.draft.campaign_id = campaign_id.unwrap_or_default();
        a.draft.notice_id = Some(notice_id);
        let parts = activities::NewActivity {
            venues: &a.venues,
            debug_slots: &a.slots,
            ..activities::NewActivity::default()
        };
        let id = activities::create_in(&mut tx, &a.draft, &parts, Some(me.id), now).await?;
        activity_refs.push(Created {
            id,
            title: a.draft.title.as_str().to_owned(),
            when: Some(a.when),
        });
    }
    match imports::record_in(&mut tx, notice_id, &fp, &c.text, me.id, now).await {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => {
            drop(tx);
            let first = imports::notice_with_fingerprint(&app.db, &fp).await?;
            return Err(already_imported(first.unwrap_or_default()));
        }
        Err(e) => return Err(e.into()),
    }
    for m in &c.mappings {
        imports::remember_in(
            &mut tx,
            me.org_id,
            &canonical(&m.name),
            m.org_id,
            me.id,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    let campaign = match campaign_id {
        Some(id) => {
            let c = campaigns::get(&app.db, id).await?;
            Some(Created {
                id,
                title: c.title,
                when: Some(c.day.to_string()),
            })
        }
        None => None,
    };
    Ok(Imported {
        notice: Created {
            id: notice_id,
            title,
            when: Some(draft.written_on.to_string()),
        },
        campaign,
        campaign_created,
        relays: original_notice.map(|o| Created {
            id: o.id,
            title: match &o.doc_number {
                Some(n) => format!("{n} {}", o.title),
                None => o.title.clone(),
            },
            when: Some(o.written_on.to_string()),
        }),
        tasks: task_refs,
        activities: activity_refs,
        left_out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_address_children_by_kind() {
        assert_eq!(
            group_kinds("各地级以上市市场监管局"),
            vec![OrgKind::Regulator]
        );
        assert_eq!(
            group_kinds("省市场监管局有关处室"),
            vec![OrgKind::Department]
        );
        assert_eq!(
            group_kinds("各认证机构、检验检测机构"),
            vec![OrgKind::CertificationBody, OrgKind::Lab]
        );
        assert!(group_kinds("各有关单位").is_empty());
        assert_eq!(
            group_kinds("各省、自治区、直辖市和新疆生产建设兵团市场监管局（厅、委）"),
            vec![OrgKind::Regulator]
        );
    }

    #[test]
    fn deadlines_name_their_kind_and_windows_their_end() {
        assert_eq!(task_kind("活动方案"), "plan");
        assert_eq!(task_kind("活动开展情况和宣传报道资料"), "progress");
        assert_eq!(task_kind("活动总结"), "summary");
        assert_eq!(task_kind("回执"), "other");
        let task = "请于6月20日前将活动开展情况和宣传报道资料报送省局认监处";
        assert!((contained("活动开展情况", task) - 1.0).abs() < 1e-9);
        assert!(contained("宣传报道素材", task) < contained("活动开展情况", task));
        assert!(contained("活动方案", task) < 0.6);
        assert_eq!(plus_hour("10:00"), "11:00");
        assert_eq!(plus_hour("23:30"), "23:59");
        assert_eq!(publication_code(Some("此件依申请公开")), "on_request");
        assert_eq!(publication_code(None), "active");
        assert_eq!(
            campaign_title("广东省市场监督管理局关于组织开展 第十五个\"世界认可日\"活动的通知"),
            "第十五个\"世界认可日\"活动"
        );
        assert_eq!(
            fingerprint(7, Some("粤市监认监〔2022〕253号"), "t", NaiveDate::MIN),
            "7|粤市监认监〔2022〕253号"
        );
    }
}
