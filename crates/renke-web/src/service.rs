//! Service functions: the one place where permission checks happen. Page handlers and
//! their `/api/v1` twins call these and differ only in how they render the result.

use crate::AppState;
use crate::auth::{self, hash_password, new_token, token_hash, verify_password};
use crate::error::AppError;
use chrono::Duration;
use renke_domain::account::{Login, NewPassword};
use renke_domain::campaign::CampaignInput;
use renke_domain::contact::{parse_email, parse_phone};
use renke_domain::org::Relation;
use renke_domain::org::{AdminLevel, CmaLevel, OrgCode, OrgKind, OrgPath, Region};
use renke_domain::perm::{Action, Role, permits};
use renke_domain::text::Line;
use renke_domain::{FieldError, Invalid};
use renke_store::accounts::{self, Account, NewAccount};
use renke_store::campaigns::{self, Campaign};
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
    let account = match accounts::get_by_login(&state.db, &name).await {
        Ok(a) if a.active && verify_password(&a.password_hash, password).await => a,
        Ok(_) | Err(renke_store::StoreError::NotFound) => {
            sessions::record_login_failure(&state.db, &name, ip, now).await?;
            return Err(AppError::Unauthenticated("bad_credentials"));
        }
        Err(e) => return Err(e.into()),
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

/// The organisation with `code`; an unknown code is an `unknown_org` error on `field`
/// (the inner result), a database failure the outer one.
async fn org_for_field(
    state: &AppState,
    field: &str,
    code: &str,
) -> Result<Result<Org, FieldError>, AppError> {
    match orgs::get_by_code(&state.db, code.trim()).await {
        Ok(o) => Ok(Ok(o)),
        Err(renke_store::StoreError::NotFound) => Ok(Err(
            FieldError::new(field, "unknown_org").with("value", code.trim())
        )),
        Err(e) => Err(e.into()),
    }
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
    let parent = org_for_field(state, "parent", code.as_str()).await??;
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
    let org = org_for_field(state, "org_code", &input.org_code)
        .await?
        .map_err(|e| errs.push(e))
        .ok();
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
    let owner = org_for_field(state, "owner_code", &f.owner_code)
        .await?
        .map_err(|e| errs.push(e))
        .ok();
    let mut local = Vec::new();
    for (i, lt) in f.local_themes.iter().enumerate() {
        match org_for_field(state, &format!("local_themes[{i}]"), &lt.org_code).await? {
            Ok(o) => local.push((o.id, lt.theme.clone())),
            Err(e) => errs.push(e),
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
