//! `renke demo`: a fresh demo database built from the seeds, served at once.

use crate::config::{Settings, sqlite_url};
use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};
use renke_app::FileStore;
use renke_domain::account::Login;
use renke_domain::clock::Clock;
use renke_domain::demo::{self, DEMO_PASSWORD};
use renke_domain::org::{OrgCode, OrgKind};
use renke_store::Db;
use renke_store::accounts::NewAccount;
use renke_store::orgs::NewOrg;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

mod cases;
mod industry_stats;
mod initiative;
mod materials;
mod pt;
mod shipments;

/// Build a fresh demo database and serve it.
#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// 监听地址 Address to listen on.
    #[arg(long, default_value = crate::config::DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// 演示数据目录（每次运行都会删除并重建）Demo directory, deleted and rebuilt on every run.
    #[arg(long, default_value = "./renke-demo")]
    pub data_dir: PathBuf,
    /// 演示时钟从此刻开始走（RFC 3339，如 2022-06-28T10:00:00+08:00，不早于两份通知印发），
    /// 演示数据只包含此刻以前发生的事；now 表示用今天的时间
    /// Run the demo's clock from this moment (RFC 3339, not before both seed notices are
    /// issued); the demo holds what had happened by then. `now` runs on today's time.
    #[arg(long, default_value = DEFAULT_CLOCK)]
    pub clock: String,
    /// 不载入广东省局转发总局通知的粤市监认监〔2022〕253号及其报送任务和活动，以便演示在
    /// “导入通知”页导入它
    /// Leave out Guangdong's 253号 (its relay of SAMR's notice) with its reporting tasks
    /// and activities, to walk importing it on the import page.
    #[arg(long)]
    pub without_253: bool,
    /// 配置文件（如用 [oidc] 演示统一身份认证登录）；演示的目录、数据库、地址仍以上面为准
    /// A configuration file, e.g. with [oidc] to try sign-in through an OpenID provider;
    /// the demo's directory, database, address and public URL still apply.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Demo accounts with an external id (工号): a first sign-in through an OpenID provider
/// whose `staff_no` claim carries it lands on that account (`[oidc] link_to =
/// "external_id"`; .ci/oidc/provider.mjs gives zhang.wei and li.na these).
pub const EXTERNAL_IDS: &[(&str, &str)] =
    &[("gd.organiser", "GD-0001"), ("samr.organiser", "SAMR-0001")];

/// The demo's notice to try on the import page: SAMR's 2024 notice on the open day of
/// inspection and testing bodies (市监检测函〔2024〕402号), a real notice as its web page
/// gives it.
pub const IMPORT_EXAMPLE: &str =
    include_str!("../../renke-notice/corpus/dev/samr_open_day_2024_402.txt");

/// The index in `demo::notices::notices()` of Guangdong's 253号.
const GUANGDONG_NOTICE: usize = 1;

/// The moment `renke demo` starts at unless told otherwise: 2022-06-06 09:00 Beijing time,
/// three days before 世界认可日 — the notices issued and partly acknowledged, the 6/7 and
/// 6/8 debugging slots ahead, registration open for the coming training sessions, no report
/// due yet.
pub const DEFAULT_CLOCK: &str = "2022-06-06T09:00:00+08:00";

/// When the demo's organisations, accounts, campaign and activities were set up.
const SET_UP: &str = "2022-05-01 09:00";
/// When the demo's publicity materials were uploaded and reviewed: before the earliest
/// clock (as the PT rounds' `demo::pt::DONE_BY`), so they stand the same at every start.
const MATERIALS_AT: &str = "2022-06-02 09:00";

/// A moment in Beijing time as the seeds write it (`2022-06-15 16:30`).
fn beijing(s: &str) -> anyhow::Result<DateTime<Utc>> {
    renke_domain::task::Deadline::parse_any("at", s)
        .map(renke_domain::task::Deadline::at)
        .map_err(|e| anyhow!("demo time {s}: {e}"))
}

/// When a demo notice was issued: 10:00 on its 成文日期.
fn issued_at(n: &demo::notices::DemoNotice) -> anyhow::Result<DateTime<Utc>> {
    beijing(&format!("{} 10:00", n.written_on))
}

/// The earliest moment the demo can start at: every seed notice issued.
pub fn earliest_clock() -> anyhow::Result<DateTime<Utc>> {
    let mut all = demo::notices::notices();
    all.push(demo::tasks::shanghai_notice());
    let mut latest = beijing(SET_UP)?;
    for n in &all {
        latest = latest.max(issued_at(n)?);
    }
    Ok(latest)
}

/// The demo account that acts for organisation `code` as its organiser: the bureau's own,
/// else one in a department of it (SAMR's sits in 认证监管司); the administrator otherwise.
fn organiser_of(code: &str) -> &'static str {
    let accounts = demo::accounts();
    let organiser = |a: &&demo::DemoAccount| a.role == renke_domain::perm::Role::Organiser;
    accounts
        .iter()
        .filter(organiser)
        .find(|a| a.org_code == code)
        .or_else(|| {
            let departments: Vec<&str> = demo::orgs()
                .iter()
                .filter(|o| o.parent == Some(code) && o.kind == OrgKind::Department)
                .map(|o| o.code)
                .collect();
            accounts
                .iter()
                .filter(organiser)
                .find(|a| departments.contains(&a.org_code))
        })
        .map_or("admin", |a| a.login)
}

/// Parses `--clock`: `now` for today's time, else an RFC 3339 moment not before
/// [`earliest_clock`].
pub fn parse_clock(raw: &str) -> anyhow::Result<Clock> {
    let raw = raw.trim();
    if raw.eq_ignore_ascii_case("now") {
        return Ok(Clock::System);
    }
    let at = DateTime::parse_from_rfc3339(raw)
        .with_context(|| {
            format!("--clock {raw}: 须为 RFC 3339 时间或 now must be an RFC 3339 time or `now`")
        })?
        .with_timezone(&Utc);
    let earliest = earliest_clock()?;
    if at < earliest {
        anyhow::bail!(
            "--clock {raw}: 须不早于 {}（两份通知均已印发）must not be before {} (both seed notices issued)",
            renke_domain::clock::local_time(&earliest),
            earliest.to_rfc3339()
        );
    }
    Ok(Clock::starting_at(at))
}

/// What [`load_demo`] wrote.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub orgs: usize,
    pub accounts: usize,
    pub campaign_id: i64,
    /// Ids of the demo notices, in the order of `demo::notices::notices()`.
    pub notices: Vec<i64>,
    /// Shanghai's notice with its 活动总结 task.
    pub shanghai_notice: i64,
    /// Ids of the demo tasks, in the order of `demo::tasks::tasks()`.
    pub tasks: Vec<i64>,
    /// How many activities were loaded.
    pub activities: usize,
    /// Guangdong's proficiency-testing rounds, in the order of `demo::pt::rounds()`:
    /// GDPT-2022-01 (released), -02 (results coming in), -03 (enrolment).
    pub pt_rounds: Vec<i64>,
    /// Publicity materials loaded (official posters and the cities' materials).
    pub materials: usize,
    /// The poster shipments: CNAS's to the provinces, Guangdong's to its cities.
    pub shipments: Vec<i64>,
    /// Shanghai's case collections: 2022 innovation cases (published), epidemic-fighting
    /// material (open).
    pub case_calls: Vec<i64>,
}

/// Shanghai's notice and the reporting tasks of the seeds, with submissions in every state
/// (on time and accepted, returned, late, draft, missing) at the times the demo data names.
async fn load_reporting(
    db: &Db,
    id_of: &HashMap<&str, i64>,
    campaign_id: i64,
    notices: &[Option<i64>],
    now: DateTime<Utc>,
) -> anyhow::Result<(i64, Vec<i64>)> {
    use demo::tasks::Outcome;
    use renke_domain::task::{SubmissionInput, TaskInput};
    use renke_store::tasks::{self, Decision, Write};
    let org = |code: &str| {
        id_of
            .get(code)
            .copied()
            .ok_or_else(|| anyhow!("demo task names unknown organisation {code}"))
    };
    let at = beijing;
    let sh = store_notice(
        db,
        id_of,
        campaign_id,
        &demo::tasks::shanghai_notice(),
        None,
        now,
    )
    .await?;
    let mut all_notices = notices.to_vec();
    all_notices.push(Some(sh));
    let mut seeds = demo::notices::notices();
    seeds.push(demo::tasks::shanghai_notice());
    // `None` for a task of a notice left out.
    let mut created: Vec<Option<tasks::Task>> = Vec::new();
    for t in demo::tasks::tasks() {
        let Some(notice) = *all_notices
            .get(t.notice)
            .ok_or_else(|| anyhow!("demo task {} names no notice", t.title))?
        else {
            created.push(None);
            continue;
        };
        let parent = t
            .parent
            .and_then(|p| created.get(p))
            .and_then(Option::as_ref);
        // A task is set up by its notice's issuer, as the notice is issued.
        let seed = seeds
            .get(t.notice)
            .ok_or_else(|| anyhow!("demo task {} names no notice", t.title))?;
        let set_up = issued_at(seed)?;
        let by = account_id(db, organiser_of(seed.issuer_code)).await?;
        let input = TaskInput {
            kind: t.kind.into(),
            title: t.title.into(),
            instructions: t.instructions.into(),
            deadline: t.deadline.unwrap_or_default().into(),
            timely: t.deadline.is_none(),
            submit_to_org_id: org(t.submit_to)?,
            submit_to_dept: t.submit_to_dept.into(),
            length_target: t.length_target.into(),
            paper_required: t.paper_required,
            ..Default::default()
        };
        let draft = input
            .validate(set_up, parent.and_then(|p| p.deadline))
            .map_err(|e| anyhow!("demo task {} is invalid: {e}", t.title))?;
        let task = tasks::create(db, notice, parent.map(|p| p.id), &draft, by, set_up)
            .await
            .context("演示报送任务写入失败 cannot store a demo task")?;
        created.push(Some(task));
    }
    for s in demo::tasks::submissions() {
        let Some(task) = created
            .get(s.task)
            .ok_or_else(|| anyhow!("demo submission names no task"))?
        else {
            continue;
        };
        let by = renke_store::accounts::get_by_login(db, s.by).await?.id;
        let unit = org(s.org)?;
        let content = SubmissionInput {
            summary: s.summary.into(),
            activities: s.activities.to_string(),
            participants: s.participants.to_string(),
            publicity_items: s.publicity_items.to_string(),
            ..Default::default()
        }
        .validate()
        .map_err(|e| anyhow!("demo submission of {}: {e}", s.org))?;
        let (mode, when) = match s.submitted_at {
            Some(t) => (Write::Submit, at(t)?),
            None => (Write::Draft, at("2022-06-10 10:00")?),
        };
        if when > now {
            // Not yet, at the demo's clock.
            continue;
        }
        if renke_store::notices::delivery(db, task.notice_id, unit)
            .await?
            .is_some_and(|d| d.acknowledged_at.is_none())
        {
            let read = when - chrono::Duration::minutes(30);
            renke_store::notices::acknowledge(db, task.notice_id, unit, by, read).await?;
        }
        let sub = tasks::write(
            db,
            task,
            unit,
            &content,
            mode,
            None,
            tasks::FileChanges::NONE,
            by,
            when,
        )
        .await?;
        // Reviewed the next day by the collecting bureau's organiser, if that has come.
        let collector = demo::tasks::tasks()
            .get(s.task)
            .map_or("admin", |t| organiser_of(t.submit_to));
        let reviewer = account_id(db, collector).await?;
        let decided = when + chrono::Duration::days(1);
        if decided > now {
            continue;
        }
        match s.outcome {
            Outcome::None => {}
            Outcome::Accepted => {
                tasks::decide(db, sub.id, Decision::Accept, None, reviewer, decided).await?;
            }
            Outcome::Returned(reason) => {
                tasks::decide(
                    db,
                    sub.id,
                    Decision::Return,
                    Some(reason),
                    reviewer,
                    decided,
                )
                .await?;
            }
        }
    }
    Ok((sh, created.iter().flatten().map(|t| t.id).collect()))
}

/// The seed notices, issued: SAMR's to every provincial bureau, Guangdong's relaying it to
/// its city bureaus; some recipients have acknowledged.
/// `None` for a notice left out (`--without-253`).
async fn load_notices(
    db: &Db,
    id_of: &HashMap<&str, i64>,
    campaign_id: i64,
    now: DateTime<Utc>,
    without_253: bool,
) -> anyhow::Result<Vec<Option<i64>>> {
    let mut ids: Vec<Option<i64>> = Vec::new();
    for (i, n) in demo::notices::notices().iter().enumerate() {
        if without_253 && i == GUANGDONG_NOTICE {
            ids.push(None);
            continue;
        }
        let relays = n.relays.and_then(|i| ids.get(i).copied().flatten());
        ids.push(Some(
            store_notice(db, id_of, campaign_id, n, relays, now).await?,
        ));
    }
    Ok(ids)
}

/// Stores one demo notice, issues it and records its acknowledgements.
async fn store_notice(
    db: &Db,
    id_of: &HashMap<&str, i64>,
    campaign_id: i64,
    n: &demo::notices::DemoNotice,
    relays: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    use renke_domain::notice::{ContactInput, NoticeInput, RecipientSpec};
    use renke_store::notices;
    let org = |code: &str| {
        id_of
            .get(code)
            .copied()
            .ok_or_else(|| anyhow!("demo notice names unknown organisation {code}"))
    };
    let mut recipients = Vec::new();
    for (code, kind, label) in &n.recipients {
        recipients.push(RecipientSpec {
            org_id: org(code)?,
            children_kind: *kind,
            label: renke_domain::text::Line::parse_opt("label", label, 100)
                .map_err(|e| anyhow!("demo notice {}: {e}", n.title))?,
        });
    }
    let input = NoticeInput {
        issuer_org_id: org(n.issuer_code)?,
        doc_number: n.doc_number.unwrap_or_default().into(),
        title: n.title.into(),
        recipients,
        body: n.body.into(),
        attachments: Vec::new(),
        signature: n.signature.into(),
        written_on: n.written_on.into(),
        notes: String::new(),
        contacts: n
            .contacts
            .iter()
            .map(|(name, phone, email)| ContactInput {
                name: (*name).into(),
                phone: (*phone).into(),
                email: (*email).into(),
            })
            .collect(),
        publication: "active".into(),
        cc: n.cc.into(),
        printed_by: n.printed_by.into(),
        printed_on: n.printed_on.into(),
        proofreader: n.proofreader.into(),
        campaign_id: Some(campaign_id),
        direction: String::new(),
    };
    let draft = input
        .validate()
        .map_err(|e| anyhow!("demo notice {} is invalid: {e}", n.title))?;
    // Drafted an hour before it is issued, both by the issuer's organiser; each named
    // recipient acknowledges it, an hour and a half apart, as far as the clock has come.
    let issued = issued_at(n)?;
    let by = account_id(db, organiser_of(n.issuer_code)).await?;
    let created = notices::create(db, &draft, by, relays, issued - chrono::Duration::hours(1))
        .await
        .context("演示通知写入失败 cannot store a demo notice")?;
    notices::issue(db, created.id, by, issued).await?;
    for (i, (code, login)) in n.acknowledged_by.iter().enumerate() {
        let at = issued + chrono::Duration::minutes(90 * (i as i64 + 1));
        if at > now {
            break;
        }
        let who = account_id(db, login).await?;
        notices::acknowledge(db, created.id, org(code)?, who, at).await?;
    }
    Ok(created.id)
}

/// The id of demo account `login`.
async fn account_id(db: &Db, login: &str) -> anyhow::Result<i64> {
    Ok(renke_store::accounts::get_by_login(db, login).await?.id)
}

/// Every activity of both seed notices, with organisers, venues (branch venues one per
/// province or city), sessions, debugging slots and the demo registrations.
async fn load_activities(
    db: &Db,
    id_of: &HashMap<&str, i64>,
    campaign_id: i64,
    notices: &[Option<i64>],
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    use renke_domain::activity::{
        ActivityInput, ParticipantCategory, ParticipantSpec, RegistrationInput, SessionInput,
        VenueKind, VenueSpec,
    };
    use renke_domain::demo::activities::DemoWhen;
    use renke_domain::text::Line;
    use renke_store::activities::{self, NewActivity};
    let org = |code: &str| {
        id_of
            .get(code)
            .copied()
            .ok_or_else(|| anyhow!("demo activity names unknown organisation {code}"))
    };
    let all = demo::activities::activities();
    let mut stored = 0;
    for a in &all {
        // The activities of a notice left out are left out with it.
        let notice_id = match a.notice {
            Some(i) => match notices.get(i).copied().flatten() {
                Some(id) => Some(id),
                None => continue,
            },
            None => None,
        };
        stored += 1;
        let (schedule_kind, starts_at, ends_at, period_from, period_to, period_label) = match a.when
        {
            DemoWhen::Window(s, e) => ("window", s, e, "", "", ""),
            DemoWhen::Period(f, t, l) => ("period", "", "", f, t, l),
        };
        let mut organisers = Vec::new();
        for (role, code, name) in &a.organisers {
            let id = code.map(org).transpose()?;
            organisers.push(((*role).to_owned(), id, name.unwrap_or("").to_owned()));
        }
        let input = ActivityInput {
            campaign_id,
            owner_org_id: org(a.owner)?,
            kind: a.kind.into(),
            title: a.title.into(),
            description: a.description.into(),
            organisers,
            schedule_kind: schedule_kind.into(),
            starts_at: starts_at.into(),
            ends_at: ends_at.into(),
            period_from: period_from.into(),
            period_to: period_to.into(),
            period_label: period_label.into(),
            mode: a.mode.into(),
            audience: a.audience.into(),
            audience_roles: a.audience_roles.iter().map(|r| (*r).to_owned()).collect(),
            public: a.public,
            notice_id,
            form_fields: a.form_fields.iter().map(|f| (*f).to_owned()).collect(),
        };
        let draft = input
            .validate()
            .map_err(|e| anyhow!("demo activity {}: {e}", a.title))?;
        let line = |s: &str| Line::parse("demo", s, 300).map_err(|e| anyhow!("{}: {e}", a.title));
        let mut venues = Vec::new();
        for v in &a.venues {
            let mut participants = Vec::new();
            for (cat, code, label) in &v.participants {
                participants.push(ParticipantSpec {
                    category: ParticipantCategory::parse("category", cat)
                        .map_err(|e| anyhow!("{}: {e}", a.title))?,
                    org_id: code.map(org).transpose()?,
                    label: line(label)?,
                });
            }
            venues.push(VenueSpec {
                kind: VenueKind::parse("kind", v.kind).map_err(|e| anyhow!("{}: {e}", a.title))?,
                name: line(v.name)?,
                org_id: v.org.map(org).transpose()?,
                address: v.address.map(line).transpose()?,
                room: v.room.map(line).transpose()?,
                capacity: v.capacity,
                url: v.url.map(line).transpose()?,
                participants,
            });
        }
        let branch_orgs = match a.branch_venues {
            Some((parent, kind)) => activities::children_of_kind(db, org(parent)?, kind).await?,
            None => Vec::new(),
        };
        let mut sessions = Vec::new();
        for s in &a.sessions {
            let d = SessionInput {
                title: s.title.into(),
                starts_at: s.starts_at.into(),
                ends_at: s.ends_at.into(),
                capacity: s.capacity.into(),
                registration_closes_at: s.closes_at.into(),
                venue_id: None,
                city: s.city.into(),
                online_url: s.online_url.into(),
            }
            .validate()
            .map_err(|e| anyhow!("demo session {}: {e}", s.title))?;
            sessions.push((d, None));
        }
        let mut slots = Vec::new();
        for (label, at) in &a.debug_slots {
            let t = renke_domain::activity::parse_local_datetime("debug_slot", at)
                .map_err(|e| anyhow!("{}: {e}", a.title))?;
            slots.push(((*label).to_owned(), t));
        }
        let parts = NewActivity {
            venues: &venues,
            branch_orgs: &branch_orgs,
            sessions: &sessions,
            debug_slots: &slots,
            task_id: None,
        };
        let id = activities::create(db, &draft, &parts, None, beijing(SET_UP)?)
            .await
            .with_context(|| format!("演示活动写入失败 cannot store {}", a.title))?;
        if a.registrations.is_empty() {
            continue;
        }
        let stored = activities::get(db, id).await?;
        for (i, name, company, position, phone, email, role) in &a.registrations {
            let sid = stored
                .sessions
                .get(*i)
                .map(|s| s.id)
                .ok_or_else(|| anyhow!("demo registration for session {i} of {}", a.title))?;
            let reg = RegistrationInput {
                name: (*name).into(),
                company: (*company).into(),
                position: (*position).into(),
                phone: (*phone).into(),
                email: (*email).into(),
                attendance: "on_site".into(),
                audience_role: (*role).into(),
            }
            .validate(&draft.form_fields, &draft.audience_roles)
            .map_err(|e| anyhow!("demo registration {name}: {e}"))?;
            // Registered a week before the session, if that has come.
            let at = stored.sessions[*i].starts_at - chrono::Duration::days(7);
            if at > now {
                continue;
            }
            activities::register(db, sid, &reg, None, at).await?;
        }
    }
    Ok(stored)
}

/// Loads the whole demo dataset into an empty, migrated database: the organisations (with
/// the labs of Guangdong's proficiency testing), the demo accounts and a staff account for
/// each of those labs (all with [`DEMO_PASSWORD`], hashed once), the 2022 campaign with its
/// notices, reporting and activities, and Guangdong's three proficiency-testing rounds.
pub async fn load_demo(
    db: &Db,
    files: &FileStore,
    now: DateTime<Utc>,
) -> anyhow::Result<DemoSummary> {
    load_demo_with(db, files, now, false).await
}

/// [`load_demo`], leaving out Guangdong's 253号 with its tasks and activities when
/// `without_253` (`renke demo --without-253`).
pub async fn load_demo_with(
    db: &Db,
    files: &FileStore,
    now: DateTime<Utc>,
    without_253: bool,
) -> anyhow::Result<DemoSummary> {
    let earliest = earliest_clock()?;
    if now < earliest {
        anyhow::bail!(
            "演示数据须在 {} 之后载入 the demo's history starts at {}",
            renke_domain::clock::local_time(&earliest),
            earliest.to_rfc3339()
        );
    }
    let set_up = beijing(SET_UP)?;
    let mut orgs = demo::orgs();
    orgs.extend(demo::pt::labs());
    let new_orgs = orgs
        .iter()
        .map(|o| {
            let code =
                OrgCode::parse("code", o.code).map_err(|e| anyhow!("demo org {}: {e}", o.code))?;
            let parent = o
                .parent
                .map(|p| OrgCode::parse("parent_code", p))
                .transpose()
                .map_err(|e| anyhow!("demo org {}: {e}", o.code))?;
            let mut n = NewOrg::new(code, parent, o.name, o.kind);
            n.short_name = o.short_name.map(str::to_owned);
            n.name_en = o.name_en.map(str::to_owned);
            n.admin_level = o.admin_level;
            n.cma_level = o.cma_level;
            n.region = o.region;
            if let Some((name, phone, email)) = o.contact {
                n.contact_name = Some(name.to_owned());
                n.contact_phone = Some(phone.to_owned());
                n.contact_email = Some(email.to_owned());
            }
            Ok(n)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let ids = renke_store::orgs::create_many(db, &new_orgs, set_up)
        .await
        .context("演示机构写入失败 cannot store the demo organisations")?;
    let id_of: HashMap<&str, i64> = orgs.iter().map(|o| o.code).zip(ids).collect();

    // One argon2 hash for every demo account: they share the password, and hashing is the
    // slow part of start-up.
    let hash = renke_app::auth::hash_password(DEMO_PASSWORD)
        .await
        .map_err(|e| anyhow!("argon2: {e}"))?;
    let labs = demo::pt::lab_accounts();
    let accounts = demo::accounts()
        .iter()
        .map(|a| (a.login, a.display_name, a.org_code, a.role))
        .chain(labs.iter().map(|a| {
            (
                a.login.as_str(),
                demo::pt::LAB_ACCOUNT_NAME,
                a.org_code,
                renke_domain::perm::Role::Staff,
            )
        }))
        .map(|(login, display_name, org_code, role)| {
            Ok(NewAccount {
                login: Login::parse("login", login)
                    .map_err(|e| anyhow!("demo account {login}: {e}"))?,
                display_name: display_name.to_owned(),
                org_code: org_code.to_owned(),
                role,
                // Reserved-looking addresses: the demo writes its e-mail (digests, 催办) as
                // files under its directory, never to a server.
                email: Some(format!("{login}@demo.example.cn")),
                phone: None,
                password_hash: hash.clone(),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let ids = renke_store::accounts::create_many(db, &accounts, set_up)
        .await
        .context("演示账号写入失败 cannot store the demo accounts")?;
    for (login, external_id) in EXTERNAL_IDS {
        let at = accounts
            .iter()
            .position(|a| a.login.as_str() == *login)
            .and_then(|i| ids.get(i))
            .ok_or_else(|| anyhow!("demo account {login} missing"))?;
        renke_store::oidc::set_external_id(db, *at, Some(external_id), set_up)
            .await
            .context("演示工号写入失败 cannot store the demo external ids")?;
    }

    let input = demo::campaign()
        .to_input(&|code| id_of.get(code).copied())
        .ok_or_else(|| {
            anyhow!("demo campaign names an organisation that is not in the demo tree")
        })?;
    let draft = input
        .validate()
        .map_err(|e| anyhow!("demo campaign is invalid: {e}"))?;
    let campaign = renke_store::campaigns::create(db, &draft, set_up)
        .await
        .context("演示活动写入失败 cannot store the demo campaign")?;
    let notices = load_notices(db, &id_of, campaign.id, now, without_253).await?;
    let (shanghai_notice, tasks) = load_reporting(db, &id_of, campaign.id, &notices, now).await?;
    let activities = load_activities(db, &id_of, campaign.id, &notices, now).await?;
    // Every step of the rounds lies before the earliest clock (`demo::pt::DONE_BY`), so
    // they stand the same at every moment the demo may start at.
    let pt_rounds = pt::load(db, campaign.id).await?;
    let materials = materials::load(db, files, campaign.id, beijing(MATERIALS_AT)?).await?;
    industry_stats::load(db, campaign.id).await?;
    let shipments = shipments::load(db, &id_of, campaign.id, now).await?;
    initiative::load(db, campaign.id).await?;
    let case_calls = cases::load(db).await?;
    // Writes index what they store; the seeds also write rows directly, so index it all.
    renke_store::search::reindex(db)
        .await
        .context("检索索引失败 cannot index the demo for search")?;
    Ok(DemoSummary {
        materials,
        activities,
        pt_rounds,
        shipments,
        case_calls,
        orgs: new_orgs.len(),
        accounts: accounts.len(),
        campaign_id: campaign.id,
        notices: notices.into_iter().flatten().collect(),
        shanghai_notice,
        tasks,
    })
}

/// The table of demo accounts printed at start-up.
pub fn accounts_table() -> String {
    let orgs: HashMap<&str, &str> = demo::orgs()
        .iter()
        .map(|o| (o.code, o.short_name.unwrap_or(o.name)))
        .collect();
    let rows: Vec<[String; 4]> = demo::accounts()
        .iter()
        .map(|a| {
            [
                a.login.to_owned(),
                a.password.to_owned(),
                format!("{} {}", a.role.zh(), a.role.as_str()),
                format!(
                    "{} ({})",
                    orgs.get(a.org_code).copied().unwrap_or(a.org_code),
                    a.org_code
                ),
            ]
        })
        .collect();
    let header = [
        "登录名 login".to_owned(),
        "密码 password".to_owned(),
        "角色 role".to_owned(),
        "机构 organisation".to_owned(),
    ];
    format_table(&header, &rows)
}

/// Display width of a string in a terminal: CJK characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let cp = c as u32;
            if (0x1100..=0x115F).contains(&cp)
                || (0x2E80..=0xA4CF).contains(&cp)
                || (0xAC00..=0xD7A3).contains(&cp)
                || (0xF900..=0xFAFF).contains(&cp)
                || (0xFE30..=0xFE4F).contains(&cp)
                || (0xFF00..=0xFF60).contains(&cp)
                || (0xFFE0..=0xFFE6).contains(&cp)
            {
                2
            } else {
                1
            }
        })
        .sum()
}

/// A plain text table with columns padded to the widest cell.
pub fn format_table<const N: usize>(header: &[String; N], rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for r in std::iter::once(header).chain(rows.iter()) {
        for (w, cell) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(width(cell));
        }
    }
    let line = |r: &[String; N]| {
        let mut out = String::new();
        for (i, (cell, w)) in r.iter().zip(widths.iter()).enumerate() {
            out.push_str(cell);
            if i + 1 < N {
                out.push_str(&" ".repeat(w - width(cell) + 2));
            }
        }
        out.trim_end().to_owned()
    };
    let mut out = line(header);
    out.push('\n');
    out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (N - 1)));
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

/// The demo's settings: its data directory and address, and SQLite commits synced at
/// checkpoints only (`synchronous = NORMAL`): a demo rebuilt on every run need not survive
/// a power loss.
pub fn settings(args: &DemoArgs) -> anyhow::Result<Settings> {
    let base = match &args.config {
        Some(file) => Settings::load(
            Some(file),
            std::iter::empty(),
            &crate::config::Overrides::default(),
        )?,
        None => Settings::default(),
    };
    let mut settings = Settings {
        data_dir: args.data_dir.clone(),
        database_url: Some(sqlite_url(&args.data_dir.join("renke.db"))),
        listen: args.listen,
        ..base
    };
    settings.web.public_url = format!("http://{}", args.listen);
    settings.web.import_example = Some(IMPORT_EXAMPLE.to_owned());
    settings.database.sqlite_synchronous = renke_store::Synchronous::Normal;
    Ok(settings)
}

/// Empties (or makes) the demo directory and opens a fresh, migrated database in it.
pub async fn open(args: &DemoArgs) -> anyhow::Result<(Db, Settings)> {
    let dir = &args.data_dir;
    if dir.exists() {
        // Only a directory this command made earlier is deleted.
        let marker = dir.join(MARKER);
        if !marker.exists() && std::fs::read_dir(dir)?.next().is_some() {
            anyhow::bail!(
                "{} 不是演示目录，拒绝删除 is not a demo directory (no {MARKER}); choose another --data-dir",
                dir.display()
            );
        }
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("无法删除旧的演示目录 cannot remove {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("无法创建演示目录 cannot create {}", dir.display()))?;
    std::fs::write(
        dir.join(MARKER),
        "renke demo directory: deleted and rebuilt by `renke demo`\n",
    )?;
    let settings = settings(args)?;
    let db = crate::open_migrated(
        &settings.database_url(),
        settings.database.sqlite_synchronous,
    )
    .await?;
    Ok((db, settings))
}

/// `renke demo`.
pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    crate::serve::init_tracing("info");
    let (db, settings) = open(&args).await?;
    let clock = parse_clock(&args.clock)?;
    let files = settings.file_store()?;
    let summary = load_demo_with(&db, &files, clock.now(), args.without_253).await?;
    println!(
        "演示数据已就绪 demo ready: {} 个机构 organisations, {} 个账号 accounts, 活动 campaign #{}",
        summary.orgs, summary.accounts, summary.campaign_id
    );
    println!(
        "演示时钟 Demo clock: {}（北京时间，从此刻起走 Beijing time, ticking from here）\n\
         换一个时刻 Another moment: --clock 2022-06-28T10:00:00+08:00（全部报送之后 after every \
         report），--clock now（今天 today）\n",
        renke_domain::clock::local_time(&clock.now())
    );
    println!("访问地址 Open: http://{}/\n", args.listen);
    println!("演示账号（密码相同）Demo accounts (same password):");
    print!("{}", accounts_table());
    println!(
        "惠州市局尚未签收粤市监认监〔2022〕253号：以 gdhz.staff 登录可演示签收和报送。\n\
         Log in as gdhz.staff (惠州, which has not acknowledged 253号) to walk 签收 → 报送.\n"
    );
    println!(
        "能力验证：广东省局的 GDPT-2022-01 已发布结果（两项待整改），GDPT-2022-02 正在提交结果\
         （lab.staff 所在实验室待提交），GDPT-2022-03 正在报名；另有 {} 个参加实验室的账号，\
         登录名为机构代码小写加 .staff（如 gd-jm-lab2.staff），密码相同。\n\
         Proficiency testing: Guangdong's GDPT-2022-01 is released (two follow-ups open), \
         GDPT-2022-02 takes results (lab.staff's lab has yet to submit), GDPT-2022-03 is in \
         enrolment; {} more labs taking part log in as their code in lower case + .staff \
         (gd-jm-lab2.staff), same password.\n",
        demo::pt::lab_accounts().len(),
        demo::pt::lab_accounts().len()
    );
    crate::serve::serve(db, clock, &settings).await
}

/// File that marks a directory as made by `renke demo`, so only such a directory is deleted.
pub const MARKER: &str = ".renke-demo";
