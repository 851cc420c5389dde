//! Case collections (案例征集), part of publicity (宣传).
//!
//! An organiser opens a call for its organisation: title, description, criteria with their
//! points, an optional template file, a deadline, who may submit (the organisations under
//! one of its own, optionally of given kinds) and a panel of reviewer accounts. Eligible
//! units write cases (drafts, then submitted; one or more per unit) with files, and may
//! withdraw them until the deadline. After the deadline the organiser opens the review and
//! the panel is told by e-mail; each reviewer scores each case against every criterion,
//! except a case of its own organisation (a conflict of interest, refused and left out of
//! the ranking — see [`renke_domain::cases`]). The organiser ranks by average, selects
//! (the units are told by e-mail) and publishes: the collection then has a public page, a
//! PDF booklet and a zip of its cases' files.

use crate::error::AppError;
use crate::mail::{self, Mail};
use crate::reporting::exports::ByteStream;
use crate::reporting::tasks::UploadedFile;
use crate::{App, Caller};
use renke_domain::cases::{
    self as rules, CallInput, Eligibility, Sheet, Standing, SubmissionState as S,
};
use renke_domain::file::UploadRule;
use renke_domain::org::OrgPath;
use renke_domain::{FieldError, Invalid};
use renke_store::cases::{self as store, CallScope, Cases, NewCall, NewCase};
use renke_store::files::{self, FileStream, Staged, StoredFile, Upload};
use renke_store::orgs::Page;
use serde::Deserialize;

pub use renke_store::cases::{Call, Case, CaseFile, PanelMember};

/// What a case's files and a call's template may be: documents and images, 20 MB each.
fn upload_rule() -> UploadRule {
    UploadRule::documents(20)
}

/// A list of ids typed in a form (separated by commas): each must be a number
/// (`unknown_value` on `field`).
fn parse_ids(field: &str, raw: &str) -> Result<Vec<i64>, FieldError> {
    let mut out = Vec::new();
    for s in raw
        .split([',', '，', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let id = s
            .parse()
            .map_err(|_| FieldError::new(field, "unknown_value").with("value", s))?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// Stages uploaded files for organisation `org_id` after checking each (on `file`), their
/// number (at most `room`) and the organisation's quota.
async fn stage_files(
    app: &App,
    me: &Caller,
    org_id: i64,
    uploads: &[&UploadedFile],
    room: usize,
) -> Result<Vec<Staged>, AppError> {
    if uploads.len() > room {
        return Err(FieldError::new("file", "too_many")
            .with("max", rules::FILES_MAX)
            .with("actual", uploads.len())
            .into());
    }
    let mut checked = Vec::with_capacity(uploads.len());
    for up in uploads {
        let (name, kind) = up.check(&upload_rule(), "file")?;
        checked.push((name, kind, up));
    }
    let incoming: u64 = uploads.iter().map(|u| u.content.len()).sum();
    if incoming > 0 {
        crate::files::check_quota(app, "file", org_id, incoming).await?;
    }
    let now = app.clock.now();
    let mut staged = Vec::with_capacity(checked.len());
    for (name, kind, up) in checked {
        staged.push(
            app.files
                .stage(
                    &Upload {
                        name: &name,
                        kind,
                        content: &up.content,
                        org_id,
                        uploaded_by: Some(me.id),
                    },
                    now,
                )
                .await?,
        );
    }
    Ok(staged)
}

// ---------------------------------------------------------------- calls

/// A call as typed (the template file comes beside it).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CallForm {
    /// 征集名称, e.g. 2022年度上海市检验检测创新案例征集.
    #[serde(default)]
    pub title: String,
    /// 征集说明: what is sought and how (optional).
    #[serde(default)]
    pub description: String,
    /// 截止时间 (Beijing time), `2022-06-30 17:00`.
    #[serde(default)]
    pub deadline: String,
    /// 评审标准: one per line, `名称 分值` (e.g. `创新性 30`).
    #[serde(default)]
    pub criteria: String,
    /// 征集范围: the organisation (id) under which units may submit; the caller's own or
    /// one below it.
    #[serde(default)]
    pub scope_org_id: String,
    /// 单位类型: organisation kinds that may submit, separated by commas (`lab,
    /// certification_body`); empty: any kind.
    #[serde(default)]
    pub kinds: String,
    /// 评审专家: reviewer account ids, separated by commas; at least one.
    #[serde(default)]
    pub panel: String,
}

/// The choices of the call form.
#[derive(Debug, Clone)]
pub struct CallChoices {
    /// Organisations the scope may be (id, name): the caller's own and those below it.
    pub scopes: Vec<(i64, String)>,
    /// Accounts the panel may name (id, name, organisation).
    pub accounts: Vec<(i64, String, String)>,
}

/// Whether the caller may open calls (for its own organisation).
pub fn may_create_call(me: &Caller) -> bool {
    me.actor().runs_case_call(&me.org_path)
}

/// The choices of the call form, for whoever may open calls.
pub async fn call_choices(app: &App, me: &Caller) -> Result<CallChoices, AppError> {
    if !may_create_call(me) {
        return Err(AppError::Forbidden);
    }
    let accounts = store::panel_choices(&app.db, &me.org_path).await?;
    let scopes = accounts_orgs(app, &me.org_path).await?;
    Ok(CallChoices { scopes, accounts })
}

/// The organisations at or below `under`, by place in the tree (at most 500).
async fn accounts_orgs(app: &App, under: &OrgPath) -> Result<Vec<(i64, String)>, AppError> {
    let q = renke_store::orgs::OrgQuery {
        within: Some(under.clone()),
        text: None,
        kind: None,
        offset: 0,
        limit: 500,
    };
    let page = renke_store::orgs::search(&app.db, &q).await?;
    Ok(page.items.into_iter().map(|o| (o.id, o.name)).collect())
}

/// Opens a call for the caller's organisation, with its template file if any. Every
/// problem with the form at once, each naming its field: `title`, `description`,
/// `deadline` (`deadline_past`), `criteria`, `kinds`, `scope_org_id` (`required`,
/// `unknown_value`: not the caller's organisation or below it), `panel` (`required`,
/// `unknown_value`: not an account of the caller's organisation or below it); then the
/// template (`file`).
pub async fn create_call(
    app: &App,
    me: &Caller,
    f: &CallForm,
    template: Option<&UploadedFile>,
) -> Result<Call, AppError> {
    if !may_create_call(me) {
        return Err(AppError::Forbidden);
    }
    let kinds: Vec<String> = f.kinds.split(',').map(str::to_owned).collect();
    let parsed = CallInput {
        title: &f.title,
        description: &f.description,
        deadline: &f.deadline,
        criteria: &f.criteria,
        kinds: &kinds,
    }
    .parse(app.clock.now());
    let mut errs = Invalid::default();
    let text = parsed.map_err(|e| errs.0.extend(e.0)).ok();
    let scope = scope_of(app, me, &f.scope_org_id)
        .await?
        .map_err(|e| errs.push(e))
        .ok();
    let panel = panel_of(app, me, &f.panel)
        .await?
        .map_err(|e| errs.push(e))
        .ok();
    let (Some(text), Some(scope), Some(panel)) = (text, scope, panel) else {
        return Err(AppError::Invalid(errs));
    };
    errs.into_result()?;
    let staged = stage_files(app, me, me.org_id, template.as_slice(), 1).await?;
    Ok(store::create_call(
        &app.db,
        &NewCall {
            owner_org_id: me.org_id,
            scope_org_id: scope,
            text: &text,
            template: staged.first(),
            panel: &panel,
            by: me.id,
        },
        app.clock.now(),
    )
    .await?)
}

/// The scope organisation of a form: the caller's own or one below it.
async fn scope_of(app: &App, me: &Caller, raw: &str) -> Result<Result<i64, FieldError>, AppError> {
    let ids = match parse_ids("scope_org_id", raw) {
        Ok(ids) => ids,
        Err(e) => return Ok(Err(e)),
    };
    let [id] = ids[..] else {
        return Ok(Err(FieldError::new("scope_org_id", "required")));
    };
    let unknown = || FieldError::new("scope_org_id", "unknown_value").with("value", id);
    match renke_store::orgs::get(&app.db, id).await {
        Ok(o) if o.path.is_within(&me.org_path) => Ok(Ok(o.id)),
        Ok(_) | Err(renke_store::StoreError::NotFound) => Ok(Err(unknown())),
        Err(e) => Err(e.into()),
    }
}

/// The panel of a form: active accounts of the caller's organisation or below it.
async fn panel_of(
    app: &App,
    me: &Caller,
    raw: &str,
) -> Result<Result<Vec<i64>, FieldError>, AppError> {
    let ids = match parse_ids("panel", raw) {
        Ok(ids) if ids.is_empty() => return Ok(Err(FieldError::new("panel", "required"))),
        Ok(ids) => ids,
        Err(e) => return Ok(Err(e)),
    };
    for id in &ids {
        let unknown = || FieldError::new("panel", "unknown_value").with("value", id);
        match renke_store::accounts::get(&app.db, *id).await {
            Ok(a) if a.active && a.org_path.is_within(&me.org_path) => {}
            Ok(_) | Err(renke_store::StoreError::NotFound) => return Ok(Err(unknown())),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Ok(ids))
}

/// The calls the caller deals with: those its organisation runs (and, when it sees below,
/// those of organisations under it), those it may answer and those it reviews.
pub async fn list_calls(
    app: &App,
    me: &Caller,
    offset: i64,
    limit: i64,
) -> Result<Page<Call>, AppError> {
    let a = me.actor();
    Ok(store::list_calls(
        &app.db,
        &CallScope {
            all: a.is_admin(),
            account_id: me.id,
            org_path: &me.org_path,
            org_kind: me.org_kind,
            below: a.sees_below(),
        },
        offset,
        limit,
    )
    .await?)
}

/// What the caller is to a call.
#[derive(Debug, Clone, Copy, Default)]
pub struct Role {
    /// It runs the call (manages its owner).
    pub runs: bool,
    /// It sits on the panel.
    pub on_panel: bool,
    /// Its organisation may submit, and it submits for it.
    pub submits: bool,
    /// It sees the call (its organisation owns it or lies above the owner and sees below).
    pub oversees: bool,
}

impl Role {
    fn any(self) -> bool {
        self.runs || self.on_panel || self.submits || self.oversees
    }
}

fn eligibility(call: &Call) -> Eligibility {
    Eligibility {
        scope: call.scope_path.clone(),
        kinds: call.kinds.clone(),
    }
}

async fn role_in(app: &App, me: &Caller, call: &Call) -> Result<Role, AppError> {
    let a = me.actor();
    let panel = store::panel(&app.db, call.id).await?;
    Ok(Role {
        runs: a.runs_case_call(&call.owner_path),
        on_panel: panel.iter().any(|p| p.account_id == me.id),
        submits: a.submits_case_for(&me.org_path)
            && eligibility(call).admits(&me.org_path, me.org_kind),
        oversees: a.collects(&call.owner_path),
    })
}

/// A call as one caller sees it.
#[derive(Debug, Clone)]
pub struct CallView {
    pub call: Call,
    pub role: Role,
    /// Before the deadline: units may still submit and withdraw.
    pub open: bool,
    pub panel: Vec<PanelMember>,
    /// The caller's organisation's cases.
    pub mine: Vec<Case>,
    /// The cases in front of the panel (for the organiser, those who oversee it and the
    /// panel once the review is open), with whether the caller is in conflict with each.
    pub reviewable: Vec<(Case, bool)>,
}

/// Loads a call the caller has a part in (not found otherwise).
async fn call_for(app: &App, me: &Caller, id: i64) -> Result<(Call, Role), AppError> {
    let call = store::get_call(&app.db, id).await?;
    let role = role_in(app, me, &call).await?;
    if !role.any() {
        return Err(AppError::NotFound);
    }
    Ok((call, role))
}

/// One call, for whoever has a part in it.
pub async fn get_call(app: &App, me: &Caller, id: i64) -> Result<CallView, AppError> {
    let (call, role) = call_for(app, me, id).await?;
    let mine = if role.submits {
        store::cases(&app.db, id, Cases::Unit(me.org_id)).await?
    } else {
        Vec::new()
    };
    let sees_all = role.runs || role.oversees || role.on_panel && call.review_opened_at.is_some();
    let reviewable = if sees_all {
        store::cases(&app.db, id, Cases::Reviewable)
            .await?
            .into_iter()
            .map(|c| {
                let conflict = role.on_panel && rules::in_conflict(&me.org_path, &c.org_path);
                (c, conflict)
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(CallView {
        open: app.clock.now() < call.deadline,
        panel: store::panel(&app.db, id).await?,
        call,
        role,
        mine,
        reviewable,
    })
}

/// The call's template file, for whoever has a part in the call.
pub async fn template(
    app: &App,
    me: &Caller,
    id: i64,
) -> Result<(StoredFile, FileStream), AppError> {
    let (call, _) = call_for(app, me, id).await?;
    let file = files::get(&app.db, call.template_file_id.ok_or(AppError::NotFound)?).await?;
    let stream = app.files.stream(&file).await?;
    Ok((file, stream))
}

/// Opens the review of a call after its deadline (its organiser), and tells each panel
/// member with an address by e-mail that the cases are ready, in the same transaction.
/// Refused before the deadline (`call_still_open`) and once open (`review_already_open`).
pub async fn open_review(app: &App, me: &Caller, id: i64) -> Result<CallView, AppError> {
    let (call, role) = call_for(app, me, id).await?;
    if !role.runs {
        return Err(AppError::Forbidden);
    }
    let now = app.clock.now();
    if now < call.deadline {
        return Err(AppError::Conflict("call_still_open"));
    }
    let panel = store::panel(&app.db, id).await?;
    let base = app.config.public_url.trim_end_matches('/');
    let mut tx = app.db.write().await?;
    if !store::open_review(&mut tx, id, now).await? {
        return Err(AppError::Conflict("review_already_open"));
    }
    for p in &panel {
        let Some(email) = &p.email else { continue };
        let m = Mail {
            to: vec![email.clone()],
            subject: format!("【案例评审】{}", call.title),
            text: format!(
                "{name}：“{title}”共收到 {n} 个案例，请登录平台按评审标准打分：\n{base}/publicity/cases/{id}\n\nDear {name}, {n} case(s) of “{title}” await your scores:\n{base}/publicity/cases/{id}\n",
                name = p.display_name,
                title = call.title,
                n = call.submitted,
            ),
            attachments: Vec::new(),
        };
        mail::queue(
            &mut tx,
            &m,
            Some(format!("cases-review:{id}:{}", p.account_id)),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    get_call(app, me, id).await
}

// ---------------------------------------------------------------- cases

/// A case as typed (its files come beside it).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CaseForm {
    /// 案例标题
    #[serde(default)]
    pub title: String,
    /// 摘要 (optional, at most 500 characters)
    #[serde(default)]
    pub summary: String,
    /// 案例正文
    #[serde(default)]
    pub body: String,
    /// `1`: submit now; otherwise kept as a draft.
    #[serde(default)]
    pub submit: String,
}

impl CaseForm {
    fn submits(&self) -> bool {
        matches!(self.submit.trim(), "1" | "true" | "on")
    }
}

/// Writes a case of the caller's organisation for call `call_id` — a new one, or (with
/// `case_id`) a draft of its own — as a draft or submitted, with files added. Refused
/// when the organisation may not answer the call (forbidden), after the deadline
/// (`call_closed`), for a case no longer a draft (`case_not_draft`); the form's problems
/// name their fields (`title`, `summary`, `body`, `file`).
pub async fn save_case(
    app: &App,
    me: &Caller,
    call_id: i64,
    case_id: Option<i64>,
    f: &CaseForm,
    uploads: &[UploadedFile],
) -> Result<Case, AppError> {
    let (call, role) = call_for(app, me, call_id).await?;
    if !role.submits {
        return Err(AppError::Forbidden);
    }
    if app.clock.now() >= call.deadline {
        return Err(AppError::Conflict("call_closed"));
    }
    let existing = match case_id {
        Some(id) => {
            let c = store::get_case(&app.db, id).await?;
            if c.call_id != call_id || c.org_id != me.org_id {
                return Err(AppError::NotFound);
            }
            if !c.state.editable() {
                return Err(AppError::Conflict("case_not_draft"));
            }
            store::files_of(&app.db, &[id]).await?.len()
        }
        None => 0,
    };
    let text = rules::parse_case(&f.title, &f.summary, &f.body)?;
    let room = rules::FILES_MAX.saturating_sub(existing);
    let uploads: Vec<&UploadedFile> = uploads.iter().collect();
    let staged = stage_files(app, me, me.org_id, &uploads, room).await?;
    let now = app.clock.now();
    let id = match case_id {
        Some(id) => {
            store::update_draft(&app.db, id, &text, &staged, f.submits(), now).await?;
            id
        }
        None => {
            store::create_case(
                &app.db,
                &NewCase {
                    call_id,
                    org_id: me.org_id,
                    text: &text,
                    files: &staged,
                    submit: f.submits(),
                    by: me.id,
                },
                now,
            )
            .await?
        }
    };
    Ok(store::get_case(&app.db, id).await?)
}

/// A case as one caller sees it.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub case: Case,
    pub call: Call,
    pub files: Vec<CaseFile>,
    /// The unit may still edit it (a draft before the deadline).
    pub may_edit: bool,
    /// The unit may withdraw it (before the deadline).
    pub may_withdraw: bool,
    /// The caller sits on the panel and the review is open.
    pub reviewing: bool,
    /// The caller's organisation is the unit or inside it: it may not score.
    pub conflict: bool,
    /// The caller's points so far, by criterion.
    pub my_points: Vec<Option<u32>>,
}

/// Whether the caller reads a case, knowing its part in the call.
fn reads_case(me: &Caller, role: Role, call: &Call, c: &Case) -> bool {
    me.actor().reads_case_of(&c.org_path)
        || c.state.reviewable()
            && (role.runs || role.oversees || role.on_panel && call.review_opened_at.is_some())
        || c.state == S::Selected && call.published_at.is_some()
}

/// Loads a case the caller reads (not found otherwise), with its call and the caller's part.
async fn case_for(app: &App, me: &Caller, id: i64) -> Result<(Case, Call, Role), AppError> {
    let c = store::get_case(&app.db, id).await?;
    let call = store::get_call(&app.db, c.call_id).await?;
    let role = role_in(app, me, &call).await?;
    if !reads_case(me, role, &call, &c) {
        return Err(AppError::NotFound);
    }
    Ok((c, call, role))
}

/// One case, for the unit, those above it, the call's organiser and (once the review is
/// open) its panel.
pub async fn get_case(app: &App, me: &Caller, id: i64) -> Result<CaseView, AppError> {
    let (c, call, role) = case_for(app, me, id).await?;
    let open = app.clock.now() < call.deadline;
    let own = me.actor().submits_case_for(&c.org_path);
    let mut my_points = vec![None; call.criteria.len()];
    for s in store::scores(&app.db, call.id).await? {
        if s.submission_id == id
            && s.account_id == me.id
            && let Some(p) = my_points.get_mut(s.criterion as usize)
        {
            *p = u32::try_from(s.points).ok();
        }
    }
    Ok(CaseView {
        files: store::files_of(&app.db, &[id]).await?,
        may_edit: own && open && c.state.editable(),
        may_withdraw: own && open && c.state.withdrawable(),
        reviewing: role.on_panel
            && call.review_opened_at.is_some()
            && call.published_at.is_none()
            && c.state.reviewable(),
        conflict: rules::in_conflict(&me.org_path, &c.org_path),
        my_points,
        case: c,
        call,
    })
}

/// A step the unit takes on its case.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CaseStepForm {
    /// `submit` (a draft) or `withdraw` (a draft or a submitted case).
    #[serde(default)]
    pub step: String,
}

/// Submits a draft or withdraws a case of the caller's organisation, before the deadline
/// (`call_closed` after it; `case_not_draft`, `case_not_withdrawable` from the wrong state;
/// `step`: `unknown_value`).
pub async fn case_step(
    app: &App,
    me: &Caller,
    id: i64,
    f: &CaseStepForm,
) -> Result<CaseView, AppError> {
    let (c, call, _) = case_for(app, me, id).await?;
    let (from, to, refusal): (&[S], S, &'static str) = match f.step.trim() {
        "submit" => (&[S::Draft], S::Submitted, "case_not_draft"),
        "withdraw" => (
            &[S::Draft, S::Submitted],
            S::Withdrawn,
            "case_not_withdrawable",
        ),
        other => {
            return Err(FieldError::new("step", "unknown_value")
                .with("value", other)
                .into());
        }
    };
    if !me.actor().submits_case_for(&c.org_path) {
        return Err(AppError::Forbidden);
    }
    let now = app.clock.now();
    if now >= call.deadline {
        return Err(AppError::Conflict("call_closed"));
    }
    if to == S::Submitted {
        store::update_draft(
            &app.db,
            id,
            &rules::parse_case(&c.title, c.summary.as_deref().unwrap_or(""), &c.body)?,
            &[],
            true,
            now,
        )
        .await?;
    } else {
        store::set_state(&app.db, id, from, to, refusal, now).await?;
    }
    get_case(app, me, id).await
}

/// A file of a case the caller reads.
pub async fn case_file(
    app: &App,
    me: Option<&Caller>,
    case_id: i64,
    file_id: i64,
) -> Result<(StoredFile, FileStream), AppError> {
    let c = store::get_case(&app.db, case_id).await?;
    let readable = match me {
        Some(me) => case_for(app, me, case_id).await.is_ok(),
        None => {
            c.state == S::Selected
                && store::get_call(&app.db, c.call_id)
                    .await?
                    .published_at
                    .is_some()
        }
    };
    if !readable {
        return Err(AppError::NotFound);
    }
    if !store::files_of(&app.db, &[case_id])
        .await?
        .iter()
        .any(|f| f.file_id == file_id)
    {
        return Err(AppError::NotFound);
    }
    let file = files::get(&app.db, file_id).await?;
    let stream = app.files.stream(&file).await?;
    Ok((file, stream))
}

// ---------------------------------------------------------------- review

/// A reviewer's points, one per criterion in the call's order: a list (`[30, 20]`) or,
/// from a page, text separated by commas.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Points {
    List(Vec<i64>),
    Text(String),
}

impl Default for Points {
    fn default() -> Self {
        Points::Text(String::new())
    }
}

impl Points {
    fn values(&self) -> Vec<String> {
        match self {
            Points::List(v) => v.iter().map(i64::to_string).collect(),
            Points::Text(s) => s.split(',').map(|s| s.trim().to_owned()).collect(),
        }
    }
}

/// A reviewer's score sheet.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ScoreForm {
    /// 评分: one whole number per criterion, from 0 to its maximum.
    #[serde(default)]
    pub scores: Points,
}

/// Records the caller's points for a case (replacing its earlier ones). Only a panel
/// member (forbidden otherwise), once the review is open (`review_not_open`), before
/// publication (`collection_published`), for a case in front of the panel
/// (`case_not_submitted`), and never for a case of its own organisation or one it lies
/// inside (`conflict_of_interest`). Points name their field `score_<n>`.
pub async fn score(app: &App, me: &Caller, id: i64, f: &ScoreForm) -> Result<CaseView, AppError> {
    let (c, call, role) = case_for(app, me, id).await?;
    if !role.on_panel {
        return Err(AppError::Forbidden);
    }
    if !me.actor().scores_case_of(role.on_panel, &c.org_path) {
        return Err(AppError::Conflict("conflict_of_interest"));
    }
    if call.review_opened_at.is_none() {
        return Err(AppError::Conflict("review_not_open"));
    }
    if call.published_at.is_some() {
        return Err(AppError::Conflict("collection_published"));
    }
    if !c.state.reviewable() {
        return Err(AppError::Conflict("case_not_submitted"));
    }
    let points = rules::parse_scores(&call.criteria, &f.scores.values())?;
    store::save_scores(&app.db, id, me.id, &points, app.clock.now()).await?;
    get_case(app, me, id).await
}

/// One reviewer's total for a case in the ranking.
#[derive(Debug, Clone)]
pub struct SheetTotal {
    pub reviewer: String,
    pub total: u32,
    /// Left out: the reviewer's organisation is the unit or inside it.
    pub conflict: bool,
}

/// A case's line in the ranking.
#[derive(Debug, Clone)]
pub struct RankRow {
    pub case: Case,
    pub standing: Standing,
    pub sheets: Vec<SheetTotal>,
}

/// A call's ranking.
#[derive(Debug, Clone)]
pub struct Ranking {
    pub call: Call,
    /// Best average first; unscored cases last.
    pub rows: Vec<RankRow>,
    pub panel: usize,
    /// The organiser may still select (the review is open, not yet published).
    pub may_select: bool,
}

/// The ranking of a call's cases by the average of the panel's totals, reviewers in
/// conflict with a case left out of its average — for the organiser and those who
/// oversee it, except a reviewer on the panel who does not run the call.
pub async fn ranking(app: &App, me: &Caller, id: i64) -> Result<Ranking, AppError> {
    let (call, role) = call_for(app, me, id).await?;
    // A reviewer who does not run the call never sees the others' sheets.
    if !(role.runs || role.oversees && !role.on_panel) {
        return Err(AppError::Forbidden);
    }
    let cases = store::cases(&app.db, id, Cases::Reviewable).await?;
    let scores = store::scores(&app.db, id).await?;
    let n = call.criteria.len();
    let mut rows: Vec<(RankRow, Standing)> = cases
        .into_iter()
        .map(|c| {
            let mut sheets: Vec<(i64, String, Sheet)> = Vec::new();
            for s in scores.iter().filter(|s| s.submission_id == c.id) {
                let Some(org) = OrgPath::from_stored(s.org_path.clone()) else {
                    continue;
                };
                if sheets.last().is_none_or(|(a, _, _)| *a != s.account_id) {
                    sheets.push((
                        s.account_id,
                        s.display_name.clone(),
                        Sheet {
                            reviewer_org: org,
                            points: vec![0; n],
                        },
                    ));
                }
                if let Some((_, _, sheet)) = sheets.last_mut()
                    && let Some(p) = sheet.points.get_mut(s.criterion as usize)
                {
                    *p = u32::try_from(s.points).unwrap_or(0);
                }
            }
            let only: Vec<Sheet> = sheets.iter().map(|(_, _, s)| s.clone()).collect();
            let standing = rules::standing(n, &c.org_path, &only);
            let totals = sheets
                .iter()
                .map(|(_, name, s)| SheetTotal {
                    reviewer: name.clone(),
                    total: s.points.iter().sum(),
                    conflict: rules::in_conflict(&s.reviewer_org, &c.org_path),
                })
                .collect();
            (
                RankRow {
                    case: c,
                    standing: standing.clone(),
                    sheets: totals,
                },
                standing,
            )
        })
        .collect();
    rules::rank(&mut rows);
    Ok(Ranking {
        panel: store::panel(&app.db, id).await?.len(),
        may_select: role.runs && call.review_opened_at.is_some() && call.published_at.is_none(),
        rows: rows.into_iter().map(|(r, _)| r).collect(),
        call,
    })
}

/// The organiser's selection.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct SelectForm {
    /// 入选案例: the ids of the selected cases, separated by commas; every other case in
    /// front of the panel is not selected.
    #[serde(default)]
    pub selected: String,
}

/// Sets which cases are selected (the organiser, once the review is open and before
/// publication: `review_not_open`, `collection_published`); `selected`: `unknown_value`
/// for an id that is not a case in front of the panel. Each unit whose case changed is
/// told by e-mail, in the same transaction.
pub async fn select(app: &App, me: &Caller, id: i64, f: &SelectForm) -> Result<Ranking, AppError> {
    let (call, role) = call_for(app, me, id).await?;
    if !role.runs {
        return Err(AppError::Forbidden);
    }
    if call.review_opened_at.is_none() {
        return Err(AppError::Conflict("review_not_open"));
    }
    if call.published_at.is_some() {
        return Err(AppError::Conflict("collection_published"));
    }
    let ids = parse_ids("selected", &f.selected)?;
    let cases = store::cases(&app.db, id, Cases::Reviewable).await?;
    if let Some(bad) = ids.iter().find(|i| !cases.iter().any(|c| c.id == **i)) {
        return Err(FieldError::new("selected", "unknown_value")
            .with("value", bad)
            .into());
    }
    let now = app.clock.now();
    let base = app.config.public_url.trim_end_matches('/').to_owned();
    let mut tx = app.db.write().await?;
    let changed = store::select(&mut tx, id, &ids, now).await?;
    for (case_id, state) in changed {
        let Some(c) = cases.iter().find(|c| c.id == case_id) else {
            continue;
        };
        let Some(by) = c.created_by else { continue };
        let Some((email, name)) = store::contact(&app.db, by).await? else {
            continue;
        };
        let m = selection_mail(&base, &call, c, state, email, &name);
        let key = format!("cases-selection:{case_id}:{}", state.as_str());
        mail::queue(&mut tx, &m, Some(key), now).await?;
    }
    tx.commit().await?;
    ranking(app, me, id).await
}

fn selection_mail(base: &str, call: &Call, c: &Case, state: S, email: String, name: &str) -> Mail {
    let (zh, en) = if state == S::Selected {
        ("已入选", "has been selected for")
    } else {
        ("未入选", "has not been selected for")
    };
    Mail {
        to: vec![email],
        subject: format!("【案例征集】“{}”{zh}", c.title),
        text: format!(
            "{name}：贵单位报送的案例“{t}”{zh}“{call}”。\n{base}/publicity/cases/submissions/{id}\n\nDear {name}, your case “{t}” {en} “{call}”.\n{base}/publicity/cases/submissions/{id}\n",
            t = c.title,
            call = call.title,
            id = c.id,
        ),
        attachments: Vec::new(),
    }
}

/// Publishes the collection (the organiser; `nothing_selected` without a selected case,
/// `collection_published` once published).
pub async fn publish(app: &App, me: &Caller, id: i64) -> Result<CallView, AppError> {
    let (_, role) = call_for(app, me, id).await?;
    if !role.runs {
        return Err(AppError::Forbidden);
    }
    if store::cases(&app.db, id, Cases::Selected).await?.is_empty() {
        return Err(AppError::Conflict("nothing_selected"));
    }
    if !store::publish(&app.db, id, app.clock.now()).await? {
        return Err(AppError::Conflict("collection_published"));
    }
    get_call(app, me, id).await
}

// ---------------------------------------------------------------- the collection

/// A published collection: the call and its selected cases with their files.
#[derive(Debug, Clone)]
pub struct Collection {
    pub call: Call,
    pub cases: Vec<(Case, Vec<CaseFile>)>,
}

/// The collection of call `id`: once published, for anyone; before, for its organiser
/// (a preview). Not found otherwise.
pub async fn collection(app: &App, me: Option<&Caller>, id: i64) -> Result<Collection, AppError> {
    let call = store::get_call(&app.db, id).await?;
    let runs = me.is_some_and(|m| m.actor().runs_case_call(&call.owner_path));
    if call.published_at.is_none() && !runs {
        return Err(AppError::NotFound);
    }
    let cases = store::cases(&app.db, id, Cases::Selected).await?;
    let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    let files = store::files_of(&app.db, &ids).await?;
    let cases = cases
        .into_iter()
        .map(|c| {
            let f = files
                .iter()
                .filter(|f| f.submission_id == c.id)
                .cloned()
                .collect();
            (c, f)
        })
        .collect();
    Ok(Collection { call, cases })
}

/// Where a search result for case `id` opens: the case's own page for whoever reads it
/// there (signed in), else its place in the published collection; not found otherwise.
pub async fn case_link(app: &App, me: Option<&Caller>, id: i64) -> Result<String, AppError> {
    let c = store::get_case(&app.db, id).await?;
    let call = store::get_call(&app.db, c.call_id).await?;
    if let Some(me) = me {
        let role = role_in(app, me, &call).await?;
        if reads_case(me, role, &call, &c) {
            return Ok(format!("/publicity/cases/submissions/{id}"));
        }
    }
    if c.state == S::Selected && call.published_at.is_some() {
        return Ok(format!("/publicity/cases/{}/collection#case-{id}", call.id));
    }
    Err(AppError::NotFound)
}

/// The published collections, newest first (the public list).
pub async fn published(app: &App) -> Result<Vec<Call>, AppError> {
    Ok(store::published(&app.db, 50).await?)
}

/// The collection's booklet (PDF): a cover, the call's description as foreword, the
/// contents and each selected case.
pub async fn booklet(
    app: &App,
    me: Option<&Caller>,
    id: i64,
) -> Result<(String, Vec<u8>), AppError> {
    use renke_render::pdf::{BookletCase, CaseBooklet};
    let col = collection(app, me, id).await?;
    let day = col.call.published_at.unwrap_or_else(|| app.clock.now());
    let doc = CaseBooklet {
        title: col.call.title.trim_end_matches("征集").to_owned(),
        organisation: col.call.owner_name.clone(),
        foreword: col.call.description.clone(),
        published_on: day
            .with_timezone(&renke_domain::clock::SHANGHAI)
            .date_naive(),
        cases: col
            .cases
            .iter()
            .map(|(c, _)| BookletCase {
                title: c.title.clone(),
                unit: c.org_name.clone(),
                summary: c.summary.clone(),
                body: c.body.clone(),
            })
            .collect(),
    };
    let pdf = crate::pdf::render(app, move |r| r.case_booklet(&doc)).await?;
    Ok((format!("{}-案例集.pdf", col.call.title), pdf.bytes))
}

/// Every file of the collection's cases as a zip, streamed file by file: each named
/// `<序号>-<单位>-<文件名>` in the collection's order.
pub async fn files_zip(
    app: &App,
    me: Option<&Caller>,
    id: i64,
) -> Result<(String, ByteStream), AppError> {
    let col = collection(app, me, id).await?;
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    let app2 = app.clone();
    let entries: Vec<(String, i64)> = col
        .cases
        .iter()
        .enumerate()
        .flat_map(|(i, (c, files))| {
            files
                .iter()
                .map(move |f| (format!("{:02}-{}-{}", i + 1, c.org_name, f.name), f.file_id))
        })
        .collect();
    tokio::spawn(async move {
        for (name, file_id) in entries {
            let item = async {
                let f = files::get(&app2.db, file_id).await?;
                Ok::<_, anyhow::Error>((name, app2.files.stream(&f).await?))
            }
            .await;
            let failed = item.is_err();
            if tx.send(item).await.is_err() || failed {
                break;
            }
        }
    });
    Ok((
        format!("{}-案例文件.zip", col.call.title),
        crate::reporting::exports::zip_stream(rx, "case files"),
    ))
}
