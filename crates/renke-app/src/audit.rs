//! 审计日志: who changed what and when ([`renke_store::audit`] records every change in the
//! transaction that makes it), searched by administrators, exported as a workbook, shown
//! per object as its 历史 (history); reads of sensitive items recorded; old entries purged
//! after the configured retention.

use crate::{App, AppError, Caller};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use renke_domain::clock::{SHANGHAI, local_time};
use renke_domain::perm::Action;
use renke_domain::{FieldError, Invalid};
use renke_store::audit::{self, Entry, Event, Filter};
use renke_store::{StoreError, accounts, orgs};
use serde::Deserialize;

pub use renke_store::audit::{Context, scope};

/// The context of a request made by `caller` (none: not signed in) from `address`.
pub fn context(
    caller: Option<&Caller>,
    address: Option<String>,
    request_id: Option<String>,
    action: String,
    at: DateTime<Utc>,
) -> Context {
    Context {
        at,
        account_id: caller.map(|c| c.id),
        login: caller.map(|c| c.login.clone()),
        org_id: caller.map(|c| c.org_id),
        role: caller.map(|c| c.role.as_str().to_owned()),
        address,
        request_id,
        action,
    }
}

/// The context of a job run by the worker.
pub fn job_context(kind: &str, at: DateTime<Utc>) -> Context {
    Context {
        at,
        action: format!("job:{kind}"),
        ..Context::default()
    }
}

/// The kinds of object named in the log, with their labels (zh, en); others show their
/// table's name.
pub const KINDS: &[(&str, &str, &str)] = &[
    ("orgs", "机构", "Organisation"),
    ("accounts", "账户", "Account"),
    ("api_tokens", "API 令牌", "API token"),
    ("campaigns", "活动主题", "Campaign"),
    ("notices", "通知", "Notice"),
    ("notice_recipients", "通知接收单位", "Notice recipient"),
    ("notice_attachments", "通知附件", "Notice attachment"),
    ("tasks", "填报任务", "Reporting task"),
    ("task_recipients", "任务接收单位", "Task recipient"),
    ("submissions", "报送", "Submission"),
    ("submission_versions", "报送版本", "Submission version"),
    ("submission_files", "报送附件", "Submission file"),
    ("activities", "活动", "Activity"),
    ("registrations", "报名", "Registration"),
    ("checkins", "签到", "Check-in"),
    ("files", "文件", "File"),
    ("pt_schemes", "能力验证计划", "PT scheme"),
    ("pt_rounds", "能力验证轮次", "PT round"),
    ("pt_enrolments", "能力验证报名", "PT enrolment"),
    ("pt_results", "能力验证结果", "PT result"),
    ("publicity_materials", "宣传材料", "Publicity material"),
    ("case_submissions", "案例", "Case"),
];

/// The label of a kind in the language of `zh`.
pub fn kind_label(kind: &str, zh: bool) -> String {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, z, e)| if zh { *z } else { *e }.to_owned())
        .unwrap_or_else(|| kind.to_owned())
}

/// The label of a role's code in the language of `zh`; an unknown code as it is.
pub fn role_label(code: &str, zh: bool) -> String {
    match renke_domain::perm::Role::from_code(code) {
        Some(r) if zh => r.zh().to_owned(),
        Some(r) => r.en().to_owned(),
        None => code.to_owned(),
    }
}

/// The label of an entry's operation (zh, en).
pub fn op_label(op: &str) -> (&'static str, &'static str) {
    match op {
        "insert" => ("新建", "Created"),
        "update" => ("修改", "Changed"),
        "delete" => ("删除", "Deleted"),
        "read" => ("查阅", "Read"),
        "login" => ("登录", "Signed in"),
        "logout" => ("退出", "Signed out"),
        _ => ("其他", "Other"),
    }
}

/// One changed field of an entry: before → after, as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// An entry as a page shows it.
#[derive(Debug, Clone)]
pub struct Row {
    pub entry: Entry,
    pub changes: Vec<Change>,
}

impl Row {
    pub fn at(&self) -> String {
        local_time(&self.entry.at)
    }
}

fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The changed fields of an entry: `{"field": [before, after]}`; any other JSON (an
/// event's details) as one line per key.
pub fn changes(json: &str) -> Vec<Change> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(json) else {
        return Vec::new();
    };
    map.into_iter()
        .map(|(field, v)| match v {
            serde_json::Value::Array(pair) if pair.len() == 2 => Change {
                field,
                before: shown(&pair[0]),
                after: shown(&pair[1]),
            },
            other => Change {
                field,
                before: String::new(),
                after: shown(&other),
            },
        })
        .collect()
}

fn rows(entries: Vec<Entry>) -> Vec<Row> {
    entries
        .into_iter()
        .map(|entry| Row {
            changes: changes(&entry.changes),
            entry,
        })
        .collect()
}

/// Whether the caller may search the whole log (administrators).
pub fn may_search(me: &Caller) -> bool {
    me.actor().is_admin()
}

/// The admin search's form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchForm {
    /// An account's login name.
    #[serde(default)]
    pub account: String,
    /// An organisation's code.
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub object: String,
    /// First day (yyyy-mm-dd, Beijing time), included.
    #[serde(default)]
    pub from: String,
    /// Last day, included.
    #[serde(default)]
    pub until: String,
}

impl SearchForm {
    /// The query string that repeats this search (for the pager and the export link).
    pub fn query(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("account", &self.account),
            ("org", &self.org),
            ("kind", &self.kind),
            ("object", &self.object),
            ("from", &self.from),
            ("until", &self.until),
        ] {
            if !v.trim().is_empty() {
                q.append_pair(k, v.trim());
            }
        }
        q.finish()
    }
}

fn day(field: &str, raw: &str, errs: &mut Invalid) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => d
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(SHANGHAI).single())
            .map(|t| t.with_timezone(&Utc)),
        Err(_) => {
            errs.push(FieldError::new(field, "invalid_date").with("value", raw));
            None
        }
    }
}

/// Turns the form into a filter, naming each field that names nothing.
async fn filter(app: &App, f: &SearchForm) -> Result<Filter, AppError> {
    let mut errs = Invalid::default();
    let mut out = Filter::default();
    let login = f.account.trim();
    if !login.is_empty() {
        match accounts::get_by_login(&app.db, &login.to_ascii_lowercase()).await {
            Ok(a) => out.account_id = Some(a.id),
            Err(StoreError::NotFound) => {
                errs.push(FieldError::new("account", "unknown_account").with("value", login))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let code = f.org.trim();
    if !code.is_empty() {
        match orgs::get_by_code(&app.db, code).await {
            Ok(o) => out.org_id = Some(o.id),
            Err(StoreError::NotFound) => {
                errs.push(FieldError::new("org", "unknown_org").with("value", code))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let kind = f.kind.trim();
    if !kind.is_empty() {
        out.object_kind = Some(kind.to_owned());
    }
    let object = f.object.trim();
    if !object.is_empty() {
        out.object_id = Some(object.to_owned());
    }
    out.from = day("from", &f.from, &mut errs);
    out.until = day("until", &f.until, &mut errs).map(|d| d + Duration::days(1));
    if let (Some(a), Some(b)) = (out.from, out.until)
        && a >= b
    {
        errs.push(FieldError::new("until", "until_before_from"));
    }
    errs.into_result()?;
    Ok(out)
}

/// One page of the search's results, newest first.
pub struct Found {
    pub rows: Vec<Row>,
    pub total: i64,
}

/// 审计日志 search (administrators).
pub async fn search(
    app: &App,
    me: &Caller,
    form: &SearchForm,
    offset: i64,
    limit: i64,
) -> Result<Found, AppError> {
    if !may_search(me) {
        return Err(AppError::Forbidden);
    }
    let f = filter(app, form).await?;
    let (entries, total) = audit::search(&app.db, &f, limit.clamp(1, 200), offset.max(0)).await?;
    Ok(Found {
        rows: rows(entries),
        total,
    })
}

/// At most this many entries go into one export.
pub const EXPORT_MAX: i64 = 50_000;

/// The search's results as a workbook (administrators): at most [`EXPORT_MAX`] entries,
/// newest first, one row per changed field.
pub async fn export(app: &App, me: &Caller, form: &SearchForm) -> Result<Vec<u8>, AppError> {
    if !may_search(me) {
        return Err(AppError::Forbidden);
    }
    let f = filter(app, form).await?;
    let (entries, _) = audit::search(&app.db, &f, EXPORT_MAX, 0).await?;
    let headers = [
        "时间 Time",
        "账户 Account",
        "机构 Organisation",
        "角色 Role",
        "地址 Address",
        "请求编号 Request",
        "操作 Action",
        "动作 Operation",
        "对象类型 Kind",
        "对象编号 Id",
        "所属 Belongs to",
        "字段 Field",
        "原值 Before",
        "新值 After",
    ];
    let mut out = Vec::new();
    for r in rows(entries) {
        let e = &r.entry;
        let base = vec![
            local_time(&e.at),
            e.login.clone().unwrap_or_else(|| "系统".into()),
            e.org_name.clone().unwrap_or_default(),
            e.role.clone().unwrap_or_default(),
            e.address.clone().unwrap_or_default(),
            e.request_id.clone().unwrap_or_default(),
            e.action.clone().unwrap_or_default(),
            op_label(&e.op).0.to_owned(),
            kind_label(&e.object_kind, true),
            e.object_id.clone().unwrap_or_default(),
            match (&e.parent_kind, &e.parent_id) {
                (Some(k), Some(id)) => format!("{} {id}", kind_label(k, true)),
                _ => String::new(),
            },
        ];
        if r.changes.is_empty() {
            let mut row = base.clone();
            row.extend([String::new(), String::new(), String::new()]);
            out.push(row);
        }
        for c in &r.changes {
            let mut row = base.clone();
            row.extend([c.field.clone(), c.before.clone(), c.after.clone()]);
            out.push(row);
        }
    }
    let table = renke_domain::import::Table {
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows: out,
    };
    renke_render::table::write_xlsx(&table).map_err(|e| AppError::Internal(e.into()))
}

/// At most this many entries in one object's history.
pub const HISTORY_MAX: i64 = 1000;

/// Whether the caller may read the history of row `id` of `kind`: administrators always;
/// the managers of the organisation it belongs to for the kinds that belong to one.
pub async fn may_read_history(
    app: &App,
    me: &Caller,
    kind: &str,
    id: i64,
) -> Result<bool, AppError> {
    if me.actor().is_admin() {
        return Ok(true);
    }
    let Some(org) = audit::owner_org(&app.db, kind, id).await? else {
        return Ok(false);
    };
    let org = orgs::get(&app.db, org).await?;
    Ok(me.actor().may(Action::Manage, &org.path).is_ok())
}

/// 历史: the changes of one object and of the rows that belong to it, oldest first.
pub async fn history(app: &App, me: &Caller, kind: &str, id: i64) -> Result<Vec<Row>, AppError> {
    if !may_read_history(app, me, kind, id).await? {
        return Err(AppError::Forbidden);
    }
    let entries = audit::history(&app.db, kind, &id.to_string(), HISTORY_MAX).await?;
    Ok(rows(entries))
}

/// Records that the running request read a sensitive item (a submission's file, a list of
/// registrations with phone numbers): `details` says what.
pub async fn read(
    app: &App,
    kind: &str,
    id: i64,
    parent: Option<(&str, i64)>,
    details: serde_json::Value,
) -> Result<(), AppError> {
    if audit::current().is_none() {
        // A read outside a request (a test calling the use case) is no one's to record.
        return Ok(());
    }
    let e = Event {
        op: "read",
        object_kind: kind,
        object_id: Some(id.to_string()),
        parent: parent.map(|(k, id)| (k, id.to_string())),
        details,
    };
    audit::record(&app.db, None, &e).await?;
    Ok(())
}

/// Records a login (`account`: the request's context has no account yet) or a logout (the
/// context's account) in the running request.
pub async fn session_event(app: &App, op: &str, account: Option<&Caller>) -> Result<(), AppError> {
    let Some(mut ctx) = audit::current() else {
        return Ok(());
    };
    if let Some(a) = account {
        ctx.account_id = Some(a.id);
        ctx.login = Some(a.login.clone());
        ctx.org_id = Some(a.org_id);
        ctx.role = Some(a.role.as_str().to_owned());
    }
    let Some(id) = ctx.account_id else {
        return Ok(());
    };
    let e = Event {
        op,
        object_kind: "accounts",
        object_id: Some(id.to_string()),
        parent: None,
        details: serde_json::json!({}),
    };
    audit::record(&app.db, Some(&ctx), &e).await?;
    Ok(())
}

/// Deletes the entries older than the retention (`[audit] retention_days`); returns how
/// many.
pub async fn purge(app: &App) -> Result<u64, AppError> {
    let days = app.config.audit_retention_days;
    let before = app.clock.now() - Duration::days(days);
    Ok(audit::purge(&app.db, before).await?)
}
