//! Service functions: the one place where permission checks happen. Page handlers and
//! their `/api/v1` twins call these and differ only in how they render the result.

pub mod activities;
pub mod attachments;
pub mod exports;
pub mod pdf;
pub mod registrar;
pub mod reminders;
pub mod tasks;

use crate::AppState;
use crate::auth::{self, hash_password, new_token, token_hash, verify_password};
use crate::error::AppError;
use chrono::Duration;
use renke_domain::account::{Login, NewPassword};
use renke_domain::campaign::CampaignInput;
use renke_domain::contact::{parse_email, parse_phone};
use renke_domain::notice::{ContactInput, NoticeDraft, NoticeInput, Publication, RecipientSpec};
use renke_domain::org::Relation;
use renke_domain::org::{AdminLevel, CmaLevel, OrgCode, OrgKind, OrgPath, Region};
use renke_domain::perm::{Action, Role, permits};
use renke_domain::text::Line;
use renke_domain::{FieldError, Invalid};
use renke_store::accounts::{self, Account, NewAccount};
use renke_store::campaigns::{self, Campaign};
use renke_store::notices::{
    self, ChainEntry, Delivery, DeliveryStatus, InboxItem, Notice, NoticeRef,
};
use renke_store::orgs::{self, NewOrg, Org, OrgNode, OrgQuery, OrgUpdate, Page};
use renke_store::sessions;
use serde::Deserialize;

// ---------------------------------------------------------------- login and sessions

/// A new session: the cookie value (secret) and its account.
pub struct LoggedIn {
    pub token: String,
    /// The session's CSRF token, for clients that send `X-CSRF-Token`.
    pub csrf_token: String,
    pub account: Account,
    pub max_age_secs: i64,
}

/// Checks a login name and password, with rate limiting per login name and per address.
pub async fn login(
    state: &AppState,
    login: &str,
    password: &str,
    ip: &str,
) -> Result<LoggedIn, AppError> {
    let now = state.clock.now();
    let cfg = &state.config;
    let name = login.trim().to_ascii_lowercase();
    let since = now - Duration::minutes(cfg.login_window_minutes);
    let (by_login, by_ip) = sessions::recent_login_failures(&state.db, &name, ip, since).await?;
    if by_login >= cfg.login_max_failures || by_ip >= cfg.login_max_failures_per_ip {
        return Err(AppError::TooMany {
            minutes: cfg.login_window_minutes,
        });
    }
    let found = match accounts::get_by_login(&state.db, &name).await {
        Ok(a) => Some(a),
        Err(renke_store::StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let account = match found {
        Some(a) if a.active && verify_password(&a.password_hash, password).await => a,
        found => {
            // An unknown or inactive login name costs the same hash as a wrong password,
            // so response times do not tell which login names exist.
            if !found.is_some_and(|a| a.active) {
                let _ = verify_password(crate::auth::dummy_hash().await, password).await;
            }
            sessions::record_login_failure(&state.db, &name, ip, now).await?;
            return Err(AppError::Unauthenticated("bad_credentials"));
        }
    };
    sessions::clear_login_failures(&state.db, &name).await?;
    let token = new_token();
    let csrf_token = new_token();
    let expires = now + Duration::hours(cfg.session_hours);
    sessions::create(
        &state.db,
        &token_hash(&token),
        account.id,
        &csrf_token,
        now,
        expires,
    )
    .await?;
    Ok(LoggedIn {
        token,
        csrf_token,
        account,
        max_age_secs: cfg.session_hours * 3600,
    })
}

pub async fn logout(state: &AppState, session_hash: &str) -> Result<(), AppError> {
    sessions::delete(&state.db, session_hash).await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
    pub repeat: String,
}

/// Changes one's own password; other sessions end, the current one stays.
pub async fn change_password(
    state: &AppState,
    me: &Account,
    input: &PasswordChange,
    keep_session: Option<&str>,
) -> Result<(), AppError> {
    let mut errs = Invalid::default();
    let new = NewPassword::parse("new", &input.new)
        .map_err(|e| errs.push(e))
        .ok();
    if input.new != input.repeat {
        errs.push(FieldError::new("repeat", "password_mismatch"));
    }
    if !verify_password(&me.password_hash, &input.current).await {
        errs.push(FieldError::new("current", "wrong_password"));
    }
    errs.clone().into_result()?;
    let new = new.ok_or(AppError::Invalid(errs))?;
    let hash = hash_password(new.expose()).await?;
    accounts::set_password(&state.db, me.id, &hash, keep_session, state.clock.now()).await?;
    Ok(())
}

/// An administrator or organiser sets a new password for an account in its subtree.
pub async fn reset_password(
    state: &AppState,
    actor: &Account,
    account_id: i64,
    new: &str,
) -> Result<(), AppError> {
    let target = accounts::get(&state.db, account_id).await?;
    actor
        .actor()
        .may(Action::ManageAccounts, &target.org_path)?;
    if !actor.role.may_grant(target.role) {
        return Err(AppError::Forbidden);
    }
    let pw = NewPassword::parse("password", new)?;
    let hash = hash_password(pw.expose()).await?;
    accounts::set_password(&state.db, account_id, &hash, None, state.clock.now()).await?;
    Ok(())
}

pub async fn set_locale(
    state: &AppState,
    me: &Account,
    locale: Option<&str>,
) -> Result<(), AppError> {
    let locale = locale
        .and_then(crate::i18n::Locale::parse)
        .map(|l| l.code());
    accounts::set_locale(&state.db, me.id, locale, state.clock.now()).await?;
    Ok(())
}

/// A new API token: the secret, shown once.
pub async fn create_token(state: &AppState, me: &Account, name: &str) -> Result<String, AppError> {
    Ok(issue_token(state, me, name).await?.1)
}

/// A new API token: its listing entry and the secret, shown once.
pub async fn issue_token(
    state: &AppState,
    me: &Account,
    name: &str,
) -> Result<(sessions::ApiToken, String), AppError> {
    let name = Line::parse("name", name, 100)?;
    let token = format!("rk_{}", new_token());
    let now = state.clock.now();
    let id = sessions::create_token(
        &state.db,
        me.id,
        name.as_str(),
        &auth::token_hash(&token),
        now,
    )
    .await?;
    let entry = sessions::ApiToken {
        id,
        name: name.into_inner(),
        created_at: now,
        last_used_at: None,
        revoked_at: None,
    };
    Ok((entry, token))
}

pub async fn list_tokens(
    state: &AppState,
    me: &Account,
) -> Result<Vec<sessions::ApiToken>, AppError> {
    Ok(sessions::list_tokens(&state.db, me.id).await?)
}

pub async fn revoke_token(state: &AppState, me: &Account, id: i64) -> Result<(), AppError> {
    Ok(sessions::revoke_token(&state.db, me.id, id, state.clock.now()).await?)
}

// ---------------------------------------------------------------- organisations

/// An organisation with what its page shows.
pub struct OrgDetail {
    pub org: Org,
    pub ancestors: Vec<Org>,
    pub children: Page<OrgNode>,
    pub subtree_count: i64,
    pub may_manage: bool,
    pub may_move: bool,
    pub may_manage_accounts: bool,
}

async fn visible_org(state: &AppState, me: &Account, id: i64) -> Result<Org, AppError> {
    let org = orgs::get(&state.db, id).await?;
    me.actor().may(Action::View, &org.path)?;
    Ok(org)
}

pub async fn org_detail(
    state: &AppState,
    me: &Account,
    id: i64,
    offset: i64,
    limit: i64,
) -> Result<OrgDetail, AppError> {
    let org = visible_org(state, me, id).await?;
    let actor = me.actor();
    let ancestors = orgs::ancestors(&state.db, &org.path).await?;
    let children = orgs::children(&state.db, org.id, offset, limit).await?;
    let subtree_count = orgs::subtree_count(&state.db, &org.path).await?;
    Ok(OrgDetail {
        may_manage: actor.may(Action::Manage, &org.path).is_ok(),
        may_move: actor.may(Action::Move, &org.path).is_ok(),
        may_manage_accounts: actor.may(Action::ManageAccounts, &org.path).is_ok(),
        org,
        ancestors,
        children,
        subtree_count,
    })
}

pub async fn get_org(state: &AppState, me: &Account, id: i64) -> Result<Org, AppError> {
    visible_org(state, me, id).await
}

pub async fn children(
    state: &AppState,
    me: &Account,
    id: i64,
    offset: i64,
    limit: i64,
) -> Result<Page<OrgNode>, AppError> {
    let org = visible_org(state, me, id).await?;
    Ok(orgs::children(&state.db, org.id, offset, limit).await?)
}

/// Search within what the account may see: its own subtree (administrators: everything).
pub async fn search_orgs(
    state: &AppState,
    me: &Account,
    mut q: OrgQuery,
) -> Result<Page<Org>, AppError> {
    let actor = me.actor();
    q.within = match q.within {
        Some(w) => {
            if actor.may(Action::View, &w).is_err() {
                return Err(AppError::Forbidden);
            }
            // Searching below an ancestor stays inside one's own subtree.
            if actor.is_admin() || w.is_within(&me.org_path) {
                Some(w)
            } else {
                Some(me.org_path.clone())
            }
        }
        None if actor.is_admin() => None,
        None => Some(me.org_path.clone()),
    };
    Ok(orgs::search(&state.db, &q).await?)
}

/// Organisation form input as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OrgInput {
    #[serde(default)]
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub name_en: String,
    pub kind: String,
    #[serde(default)]
    pub admin_level: String,
    #[serde(default)]
    pub cma_level: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub contact_email: String,
}

struct ValidOrg {
    name: Line,
    short_name: Option<Line>,
    name_en: Option<Line>,
    kind: OrgKind,
    admin_level: Option<AdminLevel>,
    cma_level: Option<CmaLevel>,
    region: Region,
    contact_name: Option<Line>,
    contact_phone: Option<Line>,
    contact_email: Option<Line>,
}

fn opt<T>(errs: &mut Invalid, r: Result<Option<T>, FieldError>) -> Option<T> {
    r.map_err(|e| errs.push(e)).ok().flatten()
}

impl OrgInput {
    fn validate(&self) -> Result<ValidOrg, Invalid> {
        let mut errs = Invalid::default();
        let name = Line::parse("name", &self.name, 200)
            .map_err(|e| errs.push(e))
            .ok();
        let short_name = opt(
            &mut errs,
            Line::parse_opt("short_name", &self.short_name, 50),
        );
        let name_en = opt(&mut errs, Line::parse_opt("name_en", &self.name_en, 300));
        let kind = OrgKind::parse("kind", &self.kind)
            .map_err(|e| errs.push(e))
            .ok();
        let admin_level = opt(
            &mut errs,
            Some(self.admin_level.trim())
                .filter(|s| !s.is_empty())
                .map(|s| AdminLevel::parse("admin_level", s))
                .transpose(),
        );
        let cma_level = opt(
            &mut errs,
            Some(self.cma_level.trim())
                .filter(|s| !s.is_empty())
                .map(|s| CmaLevel::parse("cma_level", s))
                .transpose(),
        );
        let region = match self.region.trim() {
            "" => Region::Mainland,
            s => Region::parse("region", s)
                .map_err(|e| errs.push(e))
                .unwrap_or(Region::Mainland),
        };
        if kind == Some(OrgKind::Regulator)
            && admin_level.is_none()
            && errs.0.iter().all(|e| e.field != "admin_level")
        {
            errs.push(FieldError::new("admin_level", "required"));
        }
        let contact_name = opt(
            &mut errs,
            Line::parse_opt("contact_name", &self.contact_name, 50),
        );
        let contact_phone = opt(&mut errs, parse_phone("contact_phone", &self.contact_phone));
        let contact_email = opt(&mut errs, parse_email("contact_email", &self.contact_email));
        errs.clone().into_result()?;
        match (name, kind) {
            (Some(name), Some(kind)) => Ok(ValidOrg {
                name,
                short_name,
                name_en,
                kind,
                admin_level: if kind == OrgKind::Regulator {
                    admin_level
                } else {
                    None
                },
                cma_level: if kind == OrgKind::Lab {
                    cma_level
                } else {
                    None
                },
                region,
                contact_name,
                contact_phone,
                contact_email,
            }),
            _ => Err(errs),
        }
    }
}

fn s(l: Option<Line>) -> Option<String> {
    l.map(Line::into_inner)
}

/// Creates an organisation under `parent_id`.
pub async fn create_org(
    state: &AppState,
    me: &Account,
    parent_id: i64,
    input: &OrgInput,
) -> Result<Org, AppError> {
    let parent = orgs::get(&state.db, parent_id).await?;
    me.actor().may(Action::Manage, &parent.path)?;
    let mut errs = Invalid::default();
    let code = OrgCode::parse("code", &input.code)
        .map_err(|e| errs.push(e))
        .ok();
    let v = match input.validate() {
        Ok(v) => Some(v),
        Err(e) => {
            errs.0.extend(e.0);
            None
        }
    };
    let (Some(code), Some(v)) = (code, v) else {
        return Err(AppError::Invalid(errs));
    };
    let new = NewOrg {
        code,
        parent: Some(OrgCode::parse("parent", &parent.code)?),
        name: v.name.into_inner(),
        short_name: s(v.short_name),
        name_en: s(v.name_en),
        kind: v.kind,
        admin_level: v.admin_level,
        cma_level: v.cma_level,
        region: v.region,
        contact_name: s(v.contact_name),
        contact_phone: s(v.contact_phone),
        contact_email: s(v.contact_email),
    };
    Ok(orgs::create(&state.db, &new, state.clock.now()).await?)
}

pub async fn update_org(
    state: &AppState,
    me: &Account,
    id: i64,
    input: &OrgInput,
) -> Result<Org, AppError> {
    let org = orgs::get(&state.db, id).await?;
    me.actor().may(Action::Manage, &org.path)?;
    let v = input.validate()?;
    let u = OrgUpdate {
        name: v.name.into_inner(),
        short_name: s(v.short_name),
        name_en: s(v.name_en),
        kind: v.kind,
        admin_level: v.admin_level,
        cma_level: v.cma_level,
        region: v.region,
        contact_name: s(v.contact_name),
        contact_phone: s(v.contact_phone),
        contact_email: s(v.contact_email),
    };
    Ok(orgs::update(&state.db, id, &u, state.clock.now()).await?)
}

/// Moves an organisation (with its subtree) under the organisation with `new_parent_code`.
pub async fn move_org(
    state: &AppState,
    me: &Account,
    id: i64,
    new_parent_code: &str,
) -> Result<Org, AppError> {
    let org = orgs::get(&state.db, id).await?;
    me.actor().may(Action::Move, &org.path)?;
    let code = OrgCode::parse("parent", new_parent_code)?;
    let mut errs = Invalid::default();
    let Some(parent) = org_by_code(state, &mut errs, "parent", code.as_str()).await? else {
        return Err(AppError::Invalid(errs));
    };
    me.actor().may(Action::Manage, &parent.path)?;
    Ok(orgs::move_subtree(&state.db, id, parent.id, state.clock.now()).await?)
}

// ---------------------------------------------------------------- accounts

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AccountInput {
    pub login: String,
    pub display_name: String,
    pub org_code: String,
    pub role: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    pub password: String,
}

pub async fn list_accounts(
    state: &AppState,
    me: &Account,
    org_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Page<Account>, AppError> {
    let org = orgs::get(&state.db, org_id).await?;
    me.actor().may(Action::ManageAccounts, &org.path)?;
    Ok(accounts::list(&state.db, &org.path, offset, limit).await?)
}

pub async fn create_account(
    state: &AppState,
    me: &Account,
    input: &AccountInput,
) -> Result<Account, AppError> {
    let mut errs = Invalid::default();
    let login = Login::parse("login", &input.login)
        .map_err(|e| errs.push(e))
        .ok();
    let display_name = Line::parse("display_name", &input.display_name, 50)
        .map_err(|e| errs.push(e))
        .ok();
    let role = Role::parse("role", &input.role)
        .map_err(|e| errs.push(e))
        .ok();
    let email = opt(&mut errs, parse_email("email", &input.email));
    let phone = opt(&mut errs, parse_phone("phone", &input.phone));
    let password = NewPassword::parse("password", &input.password)
        .map_err(|e| errs.push(e))
        .ok();
    let org = org_by_code(state, &mut errs, "org_code", &input.org_code).await?;
    if let Some(org) = &org {
        me.actor().may(Action::ManageAccounts, &org.path)?;
    }
    if let Some(r) = role
        && !me.role.may_grant(r)
    {
        errs.push(FieldError::new("role", "role_not_grantable"));
    }
    errs.clone().into_result()?;
    let (Some(login), Some(display_name), Some(role), Some(password), Some(org)) =
        (login, display_name, role, password, org)
    else {
        return Err(AppError::Invalid(errs));
    };
    let new = NewAccount {
        login,
        display_name: display_name.into_inner(),
        org_code: org.code,
        role,
        email: s(email),
        phone: s(phone),
        password_hash: hash_password(password.expose()).await?,
    };
    Ok(accounts::create(&state.db, &new, state.clock.now()).await?)
}

// ---------------------------------------------------------------- campaigns

fn may_see_campaign(me: Option<&Account>, c: &Campaign) -> bool {
    c.public || me.is_some_and(|a| a.actor().may(Action::View, &c.owner_path).is_ok())
}

pub async fn list_campaigns(
    state: &AppState,
    me: &Account,
    offset: i64,
    limit: i64,
) -> Result<Page<Campaign>, AppError> {
    let visible = if me.actor().is_admin() {
        None
    } else {
        Some(&me.org_path)
    };
    let below = permits(me.role, Action::View, Relation::Descendant);
    Ok(campaigns::list(&state.db, visible, below, offset, limit).await?)
}

/// A campaign for a page or API call; `me` is `None` for the public.
pub async fn get_campaign(
    state: &AppState,
    me: Option<&Account>,
    id: i64,
) -> Result<Campaign, AppError> {
    let c = campaigns::get(&state.db, id).await?;
    if may_see_campaign(me, &c) {
        Ok(c)
    } else if me.is_some() {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn current_public_campaign(state: &AppState) -> Result<Option<Campaign>, AppError> {
    let today = state
        .clock
        .now()
        .with_timezone(&renke_domain::clock::SHANGHAI)
        .date_naive();
    Ok(campaigns::current_public(&state.db, today).await?)
}

/// Campaign form input; local themes as (org code, theme) pairs.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CampaignForm {
    pub title: String,
    #[serde(default)]
    pub edition: String,
    pub day: String,
    #[serde(default)]
    pub international_theme: String,
    #[serde(default)]
    pub domestic_theme: String,
    pub owner_code: String,
    #[serde(default)]
    pub public: bool,
    #[serde(default)]
    pub local_themes: Vec<LocalThemeInput>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct LocalThemeInput {
    pub org_code: String,
    pub theme: String,
}

async fn campaign_input(
    state: &AppState,
    me: &Account,
    f: &CampaignForm,
) -> Result<(CampaignInput, OrgPath), AppError> {
    let mut errs = Invalid::default();
    let owner = org_by_code(state, &mut errs, "owner_code", &f.owner_code).await?;
    let mut local = Vec::new();
    for (i, lt) in f.local_themes.iter().enumerate() {
        let field = format!("local_themes[{i}]");
        if let Some(o) = org_by_code(state, &mut errs, &field, &lt.org_code).await? {
            local.push((o.id, lt.theme.clone()));
        }
    }
    let input = CampaignInput {
        title: f.title.clone(),
        edition: f.edition.clone(),
        day: f.day.clone(),
        international_theme: f.international_theme.clone(),
        domestic_theme: f.domestic_theme.clone(),
        owner_org_id: owner.as_ref().map_or(0, |o| o.id),
        public: f.public,
        local_themes: local,
    };
    if let Err(e) = input.validate() {
        errs.0.extend(e.0);
    }
    errs.into_result()?;
    let owner = owner.ok_or(AppError::NotFound)?;
    me.actor().may(Action::Manage, &owner.path)?;
    Ok((input, owner.path))
}

pub async fn create_campaign(
    state: &AppState,
    me: &Account,
    f: &CampaignForm,
) -> Result<Campaign, AppError> {
    let (input, _) = campaign_input(state, me, f).await?;
    Ok(campaigns::create(&state.db, &input.validate()?, state.clock.now()).await?)
}

pub async fn update_campaign(
    state: &AppState,
    me: &Account,
    id: i64,
    f: &CampaignForm,
) -> Result<Campaign, AppError> {
    let current = campaigns::get(&state.db, id).await?;
    me.actor().may(Action::Manage, &current.owner_path)?;
    let (input, _) = campaign_input(state, me, f).await?;
    Ok(campaigns::update(&state.db, id, &input.validate()?, state.clock.now()).await?)
}

/// Whether `me` may edit campaign `c` (for showing the edit button).
pub fn may_edit_campaign(me: &Account, c: &Campaign) -> bool {
    me.actor().may(Action::Manage, &c.owner_path).is_ok()
}

// ---------------------------------------------------------------- notices

/// One entry of 主送 as typed: an organisation code; with `children_kind`, every direct
/// child of that organisation of that kind (各地级以上市市场监管局 = the regulators under 广东).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct RecipientInput {
    pub org_code: String,
    /// `regulator`, `lab`, … (or the Chinese label); empty = the organisation itself.
    #[serde(default)]
    pub children_kind: String,
    /// How the entry is written in the notice, e.g. 各地级以上市市场监管局.
    #[serde(default)]
    pub label: String,
}

/// A contact person (联系人) as typed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct ContactForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// A notice as typed, every element of GB/T 9704-2012. Dates as `2022-06-01` (also
/// `2022年6月1日`); 发文字号 in any common spelling, stored as `粤市监认监〔2022〕253号`.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct NoticeForm {
    /// Code of the issuing organisation (发文机关); ignored when editing.
    #[serde(default)]
    pub issuer_code: String,
    pub doc_number: String,
    pub title: String,
    #[serde(default)]
    pub recipients: Vec<RecipientInput>,
    pub body: String,
    /// 附件说明: attachment titles in order.
    #[serde(default)]
    pub attachments: Vec<String>,
    #[serde(default)]
    pub signature: String,
    pub written_on: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub contacts: Vec<ContactForm>,
    /// `active` (主动公开, default), `on_request` (依申请公开), `not_public` (不予公开).
    #[serde(default)]
    pub publication: String,
    #[serde(default)]
    pub cc: String,
    #[serde(default)]
    pub printed_by: String,
    #[serde(default)]
    pub printed_on: String,
    #[serde(default)]
    pub proofreader: String,
    #[serde(default)]
    pub campaign_id: Option<i64>,
    /// When relaying (转发): the tasks of the original to relay with the notice, each with
    /// its own deadline, which must come before the original task's. A blank deadline
    /// relays that task later, by hand.
    #[serde(default)]
    pub relay_tasks: Vec<tasks::RelayTaskForm>,
}

/// The organisation with `code`; an unknown code adds an `unknown_org` error on `field`
/// to `errs` and gives `None`.
async fn org_by_code(
    state: &AppState,
    errs: &mut Invalid,
    field: &str,
    code: &str,
) -> Result<Option<Org>, AppError> {
    match orgs::get_by_code(&state.db, code.trim()).await {
        Ok(o) => Ok(Some(o)),
        Err(renke_store::StoreError::NotFound) => {
            errs.push(FieldError::new(field, "unknown_org").with("value", code.trim()));
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Resolves codes and validates every field; `issuer` is already checked for Manage.
async fn notice_draft(
    state: &AppState,
    issuer: &Org,
    f: &NoticeForm,
) -> Result<NoticeDraft, AppError> {
    let mut errs = Invalid::default();
    let mut recipients = Vec::new();
    for (i, r) in f.recipients.iter().enumerate() {
        if r.org_code.trim().is_empty() {
            continue;
        }
        let field = format!("recipients[{i}]");
        let org = org_by_code(state, &mut errs, &field, &r.org_code).await?;
        let kind = match r.children_kind.trim() {
            "" => Some(None),
            k => OrgKind::parse(&field, k)
                .map(Some)
                .map_err(|e| errs.push(e))
                .ok(),
        };
        let label = Line::parse_opt(&field, &r.label, renke_domain::notice::RECIPIENT_LABEL_MAX)
            .map_err(|e| errs.push(e))
            .ok();
        if let (Some(org), Some(children_kind), Some(label)) = (org, kind, label) {
            recipients.push(RecipientSpec {
                org_id: org.id,
                children_kind,
                label,
            });
        }
    }
    if !f.recipients.is_empty() && recipients.is_empty() && errs.is_empty() {
        errs.push(FieldError::new("recipients", "required"));
    }
    if let Some(cid) = f.campaign_id {
        match campaigns::get(&state.db, cid).await {
            Ok(_) => {}
            Err(renke_store::StoreError::NotFound) => {
                errs.push(FieldError::new("campaign_id", "unknown_value").with("value", cid))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let input = NoticeInput {
        issuer_org_id: issuer.id,
        doc_number: f.doc_number.clone(),
        title: f.title.clone(),
        recipients,
        body: f.body.clone(),
        attachments: f.attachments.clone(),
        signature: f.signature.clone(),
        written_on: f.written_on.clone(),
        notes: f.notes.clone(),
        contacts: f
            .contacts
            .iter()
            .map(|c| ContactInput {
                name: c.name.clone(),
                phone: c.phone.clone(),
                email: c.email.clone(),
            })
            .collect(),
        publication: f.publication.clone(),
        cc: f.cc.clone(),
        printed_by: f.printed_by.clone(),
        printed_on: f.printed_on.clone(),
        proofreader: f.proofreader.clone(),
        campaign_id: f.campaign_id,
    };
    match input.validate() {
        Ok(d) if errs.is_empty() => Ok(d),
        Ok(_) => Err(AppError::Invalid(errs)),
        Err(e) => {
            // Resolution errors of one recipient replace the generic "required".
            let has_recipient_errors = errs.0.iter().any(|e| e.field.starts_with("recipients"));
            errs.0.extend(
                e.0.into_iter()
                    .filter(|e| !(has_recipient_errors && e.field == "recipients")),
            );
            Err(AppError::Invalid(errs))
        }
    }
}

/// Creates a draft issued by the organisation `issuer_code` (Manage on it).
pub async fn create_notice(
    state: &AppState,
    me: &Account,
    f: &NoticeForm,
) -> Result<Notice, AppError> {
    let mut errs = Invalid::default();
    let Some(issuer) = org_by_code(state, &mut errs, "issuer_code", &f.issuer_code).await? else {
        // Report the other fields too.
        if let Err(AppError::Invalid(more)) =
            notice_draft(state, &me_org(state, me).await?, f).await
        {
            errs.0.extend(more.0);
        }
        return Err(AppError::Invalid(errs));
    };
    me.actor().may(Action::Manage, &issuer.path)?;
    let d = notice_draft(state, &issuer, f).await?;
    Ok(notices::create(&state.db, &d, me.id, None, state.clock.now()).await?)
}

async fn me_org(state: &AppState, me: &Account) -> Result<Org, AppError> {
    Ok(orgs::get(&state.db, me.org_id).await?)
}

/// Edits a draft (Manage on its issuer). An issued notice is refused with `notice_issued`.
pub async fn update_notice(
    state: &AppState,
    me: &Account,
    id: i64,
    f: &NoticeForm,
) -> Result<Notice, AppError> {
    let n = notices::get(&state.db, id).await?;
    me.actor().may(Action::Manage, &n.issuer_path)?;
    if n.is_issued() {
        return Err(AppError::Conflict("notice_issued"));
    }
    let issuer = orgs::get(&state.db, n.issuer_org_id).await?;
    let d = notice_draft(state, &issuer, f).await?;
    Ok(notices::update(&state.db, id, &d, state.clock.now()).await?)
}

/// Issues a draft: it becomes immutable and lands in every recipient's inbox.
pub async fn issue_notice(state: &AppState, me: &Account, id: i64) -> Result<Notice, AppError> {
    let n = notices::get(&state.db, id).await?;
    me.actor().may(Action::Manage, &n.issuer_path)?;
    notices::issue(&state.db, id, me.id, state.clock.now()).await?;
    Ok(notices::get(&state.db, id).await?)
}

/// Starts a correction of an issued notice: a new draft version superseding it.
pub async fn correct_notice(state: &AppState, me: &Account, id: i64) -> Result<Notice, AppError> {
    let n = notices::get(&state.db, id).await?;
    me.actor().may(Action::Manage, &n.issuer_path)?;
    let new_id = notices::correct(&state.db, id, me.id, state.clock.now()).await?;
    Ok(notices::get(&state.db, new_id).await?)
}

/// 转发: a recipient bureau (`issuer_code`, Manage on it) relays an issued notice it
/// received with its own text and recipients; the original becomes its attachment.
pub async fn relay_notice(
    state: &AppState,
    me: &Account,
    id: i64,
    f: &NoticeForm,
) -> Result<Notice, AppError> {
    let original = readable_notice(state, Some(me), id).await?;
    if !original.is_issued() {
        return Err(AppError::Conflict("notice_not_issued"));
    }
    let code = if f.issuer_code.trim().is_empty() {
        me.org_code.clone()
    } else {
        f.issuer_code.clone()
    };
    let mut errs = Invalid::default();
    let Some(issuer) = org_by_code(state, &mut errs, "issuer_code", &code).await? else {
        return Err(AppError::Invalid(errs));
    };
    me.actor().may(Action::Manage, &issuer.path)?;
    if notices::delivery(&state.db, id, issuer.id).await?.is_none() {
        return Err(AppError::Conflict("not_a_recipient"));
    }
    // Every problem at once: the notice's fields and each relayed task's deadline.
    let d = notice_draft(state, &issuer, f).await;
    let relayed = tasks::relay_drafts(state, id, &issuer, &f.relay_tasks).await;
    let (d, relayed) = match (d, relayed) {
        (Ok(d), Ok(t)) => (d, t),
        (Err(AppError::Invalid(mut a)), Err(AppError::Invalid(b))) => {
            a.0.extend(b.0);
            return Err(AppError::Invalid(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    notices::create_relay(&state.db, &d, me.id, Some(id), &relayed, state.clock.now())
        .await
        .map_err(tasks::conflict_to_field)
}

/// Whether `me` (or a visitor, `None`) may read `n`: 主动公开 issued notices are public;
/// drafts are for the issuer; issued notices for whoever sees the issuer or received it.
async fn may_read_notice(
    state: &AppState,
    me: Option<&Account>,
    n: &Notice,
) -> Result<bool, AppError> {
    if n.is_issued() && n.publication == Publication::Active {
        return Ok(true);
    }
    let Some(me) = me else { return Ok(false) };
    let actor = me.actor();
    if !n.is_issued() {
        return Ok(actor.may(Action::Manage, &n.issuer_path).is_ok()
            || (me.org_path == n.issuer_path && actor.may(Action::View, &n.issuer_path).is_ok()));
    }
    if actor.may(Action::View, &n.issuer_path).is_ok() {
        return Ok(true);
    }
    let below = permits(me.role, Action::View, Relation::Descendant);
    Ok(notices::delivered_within(&state.db, n.id, &me.org_path, below).await?)
}

async fn readable_notice(
    state: &AppState,
    me: Option<&Account>,
    id: i64,
) -> Result<Notice, AppError> {
    let n = notices::get(&state.db, id).await?;
    if may_read_notice(state, me, &n).await? {
        Ok(n)
    } else if me.is_some() {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

/// A notice with what its page shows around it.
pub struct NoticeView {
    pub notice: Notice,
    /// The notice it relays, shown as its first attachment.
    pub original: Option<NoticeRef>,
    /// Relayed notices above, from the top (national first).
    pub chain_up: Vec<ChainEntry>,
    /// Relays below, in tree order.
    pub chain_down: Vec<ChainEntry>,
    pub versions: Vec<NoticeRef>,
    /// The delivery to the account's own organisation, if it is a recipient.
    pub my_delivery: Option<Delivery>,
    pub may_edit: bool,
    pub may_acknowledge: bool,
    pub may_relay: bool,
    pub may_correct: bool,
    pub may_see_status: bool,
}

pub async fn notice_view(
    state: &AppState,
    me: Option<&Account>,
    id: i64,
) -> Result<NoticeView, AppError> {
    let notice = readable_notice(state, me, id).await?;
    let mut chain_up = notices::chain_up(&state.db, id).await?;
    chain_up.retain(|c| c.notice.is_issued());
    chain_up.reverse();
    let mut chain_down = notices::chain_down(&state.db, id).await?;
    chain_down.retain(|c| {
        c.notice.is_issued()
            || me.is_some_and(|a| {
                OrgPath::from_stored(c.issuer_path.clone())
                    .is_some_and(|p| a.actor().may(Action::Manage, &p).is_ok())
            })
    });
    let original = chain_up.last().map(|c| c.notice.clone());
    let mut versions = notices::versions(&state.db, id).await?;
    let manage = me.is_some_and(|a| a.actor().may(Action::Manage, &notice.issuer_path).is_ok());
    if !manage {
        versions.retain(NoticeRef::is_issued);
    }
    let my_delivery = match me {
        Some(a) if notice.is_issued() => notices::delivery(&state.db, id, a.org_id).await?,
        _ => None,
    };
    let acting = me.is_some_and(|a| a.actor().may(Action::Act, &a.org_path).is_ok());
    let manage_own = me.is_some_and(|a| a.actor().may(Action::Manage, &a.org_path).is_ok());
    let corrected = versions.iter().any(|v| v.version > notice.version);
    Ok(NoticeView {
        may_edit: manage && !notice.is_issued(),
        may_correct: manage && notice.is_issued() && !corrected,
        may_see_status: notice.is_issued()
            && me.is_some_and(|a| a.actor().may(Action::Act, &notice.issuer_path).is_ok()),
        may_acknowledge: acting
            && my_delivery
                .as_ref()
                .is_some_and(|d| d.acknowledged_at.is_none()),
        may_relay: manage_own && my_delivery.is_some(),
        notice,
        original,
        chain_up,
        chain_down,
        versions,
        my_delivery,
    })
}

/// 签收 for the account's own organisation (or `org_id`, on which it may Act).
pub async fn acknowledge_notice(
    state: &AppState,
    me: &Account,
    id: i64,
    org_id: Option<i64>,
) -> Result<Delivery, AppError> {
    let n = readable_notice(state, Some(me), id).await?;
    let org = orgs::get(&state.db, org_id.unwrap_or(me.org_id)).await?;
    me.actor().may(Action::Act, &org.path)?;
    if !n.is_issued() {
        return Err(AppError::Conflict("notice_not_issued"));
    }
    notices::acknowledge(&state.db, id, org.id, me.id, state.clock.now()).await?;
    notices::delivery(&state.db, id, org.id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Who has and has not acknowledged, across the relay cascade below the notice. For the
/// sender: whoever may Act for the issuer.
pub struct AckStatus {
    pub notice: Notice,
    pub rows: Vec<DeliveryStatus>,
    pub total: usize,
    pub acknowledged: usize,
}

pub async fn notice_status(state: &AppState, me: &Account, id: i64) -> Result<AckStatus, AppError> {
    let notice = notices::get(&state.db, id).await?;
    me.actor().may(Action::Act, &notice.issuer_path)?;
    let rows = notices::ack_status(&state.db, id).await?;
    let acknowledged = rows.iter().filter(|r| r.acknowledged_at.is_some()).count();
    Ok(AckStatus {
        total: rows.len(),
        acknowledged,
        notice,
        rows,
    })
}

/// The account's organisation's inbox, unacknowledged first, and the number unacknowledged.
pub async fn notice_inbox(
    state: &AppState,
    me: &Account,
    offset: i64,
    limit: i64,
) -> Result<(Page<InboxItem>, i64), AppError> {
    me.actor().may(Action::View, &me.org_path)?;
    Ok(notices::inbox(&state.db, me.org_id, offset, limit).await?)
}

/// Notices the account's organisation issues, drafts included.
pub async fn sent_notices(
    state: &AppState,
    me: &Account,
    offset: i64,
    limit: i64,
) -> Result<Page<NoticeRef>, AppError> {
    me.actor().may(Action::View, &me.org_path)?;
    let mut page = notices::sent(&state.db, me.org_id, offset, limit).await?;
    if me.actor().may(Action::Manage, &me.org_path).is_err() {
        page.items.retain(NoticeRef::is_issued);
    }
    Ok(page)
}

/// Published notices of a public campaign, for its public page.
pub async fn public_notices(state: &AppState, c: &Campaign) -> Result<Vec<NoticeRef>, AppError> {
    if !c.public {
        return Ok(Vec::new());
    }
    Ok(notices::public_for_campaign(&state.db, c.id).await?)
}

/// A form prefilled from a notice: for editing a draft, or (with `relay`) for relaying it.
pub fn notice_form_from(n: &Notice, relay_by: Option<&Account>) -> NoticeForm {
    let recipients = n
        .recipients
        .iter()
        .map(|r| RecipientInput {
            org_code: r.org_code.clone(),
            children_kind: r
                .children_kind
                .map(|k| k.as_str().to_owned())
                .unwrap_or_default(),
            label: r.label.clone().unwrap_or_default(),
        })
        .collect();
    let contacts = n
        .contacts
        .iter()
        .map(|c| ContactForm {
            name: c.name.clone().unwrap_or_default(),
            phone: c.phone.clone().unwrap_or_default(),
            email: c.email.clone().unwrap_or_default(),
        })
        .collect();
    match relay_by {
        None => NoticeForm {
            issuer_code: String::new(),
            doc_number: n.doc_number.clone(),
            title: n.title.clone(),
            recipients,
            body: n.body.clone(),
            attachments: n.attachments.clone(),
            signature: n.signature.clone().unwrap_or_default(),
            written_on: n.written_on.to_string(),
            notes: n.notes.clone().unwrap_or_default(),
            contacts,
            publication: n.publication.as_str().to_owned(),
            cc: n.cc.clone().unwrap_or_default(),
            printed_by: n.printed_by.clone().unwrap_or_default(),
            printed_on: n.printed_on.map(|d| d.to_string()).unwrap_or_default(),
            proofreader: n.proofreader.clone().unwrap_or_default(),
            campaign_id: n.campaign_id,
            relay_tasks: Vec::new(),
        },
        Some(a) => NoticeForm {
            issuer_code: a.org_code.clone(),
            title: format!(
                "{}关于转发{}的通知",
                a.org_name,
                n.title.trim_end_matches("的通知")
            ),
            body: format!(
                "现将《{}》（{}）转发给你们，请结合实际认真贯彻落实。",
                n.title, n.doc_number
            ),
            publication: n.publication.as_str().to_owned(),
            campaign_id: n.campaign_id,
            ..Default::default()
        },
    }
}
