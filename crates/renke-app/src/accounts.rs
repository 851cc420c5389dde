//! Accounts of an organisation: listing and creating them.

use crate::App;
use crate::Caller;
use crate::auth::hash_password;
use crate::error::AppError;
use crate::orgs::{opt, org_by_code, s};
use renke_domain::account::{Login, NewPassword};
use renke_domain::contact::{parse_email, parse_phone};
use renke_domain::perm::{Action, Role};
use renke_domain::text::Line;
use renke_domain::{FieldError, Invalid};
use renke_store::accounts::{self, Account, NewAccount};
use renke_store::orgs::{self, Page};
use renke_store::sessions;
use serde::Deserialize;

// ---------------------------------------------------------------- accounts

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
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

/// The caller's own account record (the API's `/me`).
pub async fn me(app: &App, me: &Caller) -> Result<Account, AppError> {
    Ok(accounts::get(&app.db, me.id).await?)
}

/// Whether the caller manages its own organisation's accounts (the navigation's 账号).
pub fn may_manage_own_accounts(me: &Caller) -> bool {
    me.actor().may(Action::ManageAccounts, &me.org_path).is_ok()
}

pub async fn list_accounts(
    app: &App,
    me: &Caller,
    org_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Page<Account>, AppError> {
    let org = orgs::get(&app.db, org_id).await?;
    me.actor().may(Action::ManageAccounts, &org.path)?;
    Ok(accounts::list(&app.db, &org.path, offset, limit).await?)
}

/// The failed logins each account of an organisation's subtree has not yet seen (since
/// its last login, within the last 30 days), by login name: for those who manage them.
pub async fn unseen_login_failures(
    app: &App,
    me: &Caller,
    org_id: i64,
) -> Result<std::collections::HashMap<String, sessions::UnseenFailures>, AppError> {
    let org = orgs::get(&app.db, org_id).await?;
    me.actor().may(Action::ManageAccounts, &org.path)?;
    let look_back = app.clock.now() - chrono::Duration::days(crate::auth::FAILURES_LOOK_BACK_DAYS);
    Ok(
        sessions::unseen_failures_within(&app.db, &org.path, look_back)
            .await?
            .into_iter()
            .map(|u| (u.login.clone(), u))
            .collect(),
    )
}

pub async fn create_account(
    app: &App,
    me: &Caller,
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
    let org = org_by_code(app, &mut errs, "org_code", &input.org_code).await?;
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
    Ok(accounts::create(&app.db, &new, app.clock.now()).await?)
}

/// Sets or clears an account's external id (工号), which a first sign-in through the
/// OpenID provider is matched by (`[oidc] link_to = "external_id"`). Whoever may reset the
/// account's password may set it; unique among accounts (`external_id_taken`).
pub async fn set_external_id(
    app: &App,
    me: &Caller,
    account_id: i64,
    raw: &str,
) -> Result<Account, AppError> {
    let target = accounts::get(&app.db, account_id).await?;
    me.actor().may(Action::ManageAccounts, &target.org_path)?;
    if !me.role.may_grant(target.role) {
        return Err(AppError::Forbidden);
    }
    let value = Line::parse_opt("external_id", raw, 64)?;
    renke_store::oidc::set_external_id(
        &app.db,
        account_id,
        value.as_ref().map(Line::as_str),
        app.clock.now(),
    )
    .await?;
    Ok(accounts::get(&app.db, account_id).await?)
}
