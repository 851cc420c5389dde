//! The organisation tree, organisation forms and accounts.

use super::PAGE_SIZE;
use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::User;
use crate::error::{AppError, PageError};
use crate::view::{Chrome, Errors, Pager, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use renke_app::Role;
use renke_app::accounts::AccountInput;
use renke_app::model::Account;
use renke_app::model::{Org, OrgQuery, Page};
use renke_app::orgs::OrgDetail;
use renke_app::orgs::OrgInput;
use renke_domain::org::{AdminLevel, CmaLevel, OrgKind, Region};
use serde::Deserialize;

pub async fn my_org(user: User) -> Redirect {
    Redirect::to(&format!("/orgs/{}", user.account.org_id))
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    c: Chrome,
    d: OrgDetail,
    q: String,
    results: Option<Page<Org>>,
    search_pager: Option<Pager>,
    children_pager: Pager,
    move_value: String,
    move_error: String,
}

#[derive(Deserialize, Default)]
pub struct OrgQueryParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    offset: i64,
    #[serde(default)]
    soffset: i64,
}

async fn org_page(
    state: &AppState,
    user: &User,
    id: i64,
    p: &OrgQueryParams,
    move_value: String,
    move_error: String,
) -> Result<OrgPage, PageError> {
    let d = renke_app::orgs::org_detail(state, &user.account, id, p.offset, PAGE_SIZE).await?;
    let q = p.q.trim().to_owned();
    let (results, search_pager) = if q.is_empty() {
        (None, None)
    } else {
        let query = OrgQuery {
            within: Some(d.org.path.clone()),
            text: Some(q.clone()),
            kind: None,
            offset: p.soffset,
            limit: PAGE_SIZE,
        };
        let r = renke_app::orgs::search_orgs(state, &user.account, query).await?;
        let enc: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        let pager = Pager {
            offset: r.offset,
            limit: r.limit,
            total: r.total,
            base: format!("/orgs/{id}?q={enc}&s"),
        };
        (Some(r), Some(pager))
    };
    let children_pager = Pager {
        offset: d.children.offset,
        limit: d.children.limit,
        total: d.children.total,
        base: format!("/orgs/{id}?"),
    };
    Ok(OrgPage {
        c: Chrome::new(&user.ctx, "orgs", d.org.name.clone()),
        d,
        q,
        results,
        search_pager,
        children_pager,
        move_value,
        move_error,
    })
}

pub async fn show(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(p): Query<OrgQueryParams>,
) -> Result<Response, PageError> {
    Ok(render(
        &org_page(&state, &user, id, &p, String::new(), String::new()).await?,
    ))
}

#[derive(Template)]
#[template(path = "org_form.html")]
struct OrgFormPage {
    c: Chrome,
    creating: bool,
    parent_id: i64,
    parent_name: String,
    back_id: i64,
    f: OrgInput,
    errors: Errors,
    kinds: &'static [OrgKind],
    levels: &'static [AdminLevel],
    cmas: &'static [CmaLevel],
    regions: &'static [Region],
}

fn org_form(
    user: &User,
    title: &str,
    creating: bool,
    parent: &Org,
    back_id: i64,
    f: OrgInput,
    errors: Errors,
) -> OrgFormPage {
    OrgFormPage {
        c: Chrome::new(&user.ctx, "orgs", title),
        creating,
        parent_id: parent.id,
        parent_name: parent.name.clone(),
        back_id,
        f,
        errors,
        kinds: OrgKind::ALL,
        levels: AdminLevel::ALL,
        cmas: CmaLevel::ALL,
        regions: Region::ALL,
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let parent = renke_app::orgs::managed_org(&state, &user.account, id).await?;
    let f = OrgInput {
        kind: OrgKind::Regulator.as_str().into(),
        region: Region::Mainland.as_str().into(),
        ..Default::default()
    };
    Ok(render(&org_form(
        &user,
        user.ctx.tr.t("org.new_child"),
        true,
        &parent,
        id,
        f,
        Errors::default(),
    )))
}

pub async fn create(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<OrgInput>,
) -> Result<Response, PageError> {
    match renke_app::orgs::create_org(&state, &user.account, id, &f).await {
        Ok(org) => Ok(Redirect::to(&format!("/orgs/{}", org.id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let parent = renke_app::orgs::get_org(&state, &user.account, id).await?;
            let page = org_form(
                &user,
                user.ctx.tr.t("org.new_child"),
                true,
                &parent,
                id,
                f,
                Errors::from_invalid(user.ctx.tr, &inv),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn input_of(o: &Org) -> OrgInput {
    OrgInput {
        code: o.code.clone(),
        name: o.name.clone(),
        short_name: o.short_name.clone().unwrap_or_default(),
        name_en: o.name_en.clone().unwrap_or_default(),
        kind: o.kind.as_str().into(),
        admin_level: o
            .admin_level
            .map(|l| l.as_str().to_owned())
            .unwrap_or_default(),
        cma_level: o
            .cma_level
            .map(|l| l.as_str().to_owned())
            .unwrap_or_default(),
        region: o.region.as_str().into(),
        contact_name: o.contact_name.clone().unwrap_or_default(),
        contact_phone: o.contact_phone.clone().unwrap_or_default(),
        contact_email: o.contact_email.clone().unwrap_or_default(),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let org = renke_app::orgs::managed_org(&state, &user.account, id).await?;
    let title = format!("{} · {}", user.ctx.tr.t("common.edit"), org.name);
    Ok(render(&org_form(
        &user,
        &title,
        false,
        &org,
        id,
        input_of(&org),
        Errors::default(),
    )))
}

pub async fn update(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<OrgInput>,
) -> Result<Response, PageError> {
    match renke_app::orgs::update_org(&state, &user.account, id, &f).await {
        Ok(org) => Ok(Redirect::to(&format!("/orgs/{}", org.id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let org = renke_app::orgs::get_org(&state, &user.account, id).await?;
            let title = format!("{} · {}", user.ctx.tr.t("common.edit"), org.name);
            let page = org_form(
                &user,
                &title,
                false,
                &org,
                id,
                f,
                Errors::from_invalid(user.ctx.tr, &inv),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    parent: String,
}

pub async fn move_org(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<MoveForm>,
) -> Result<Response, PageError> {
    match renke_app::orgs::move_org(&state, &user.account, id, &f.parent).await {
        Ok(org) => Ok(Redirect::to(&format!("/orgs/{}", org.id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let msg = inv
                .0
                .iter()
                .map(|e| user.ctx.tr.field_error(e))
                .collect::<Vec<_>>()
                .join(" ");
            let page =
                org_page(&state, &user, id, &OrgQueryParams::default(), f.parent, msg).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    c: Chrome,
    org: Org,
    page: Page<Account>,
    failures: std::collections::HashMap<String, renke_app::model::UnseenFailures>,
    pager: Pager,
    f: AccountInput,
    errors: Errors,
    shown: &'static [&'static str],
    roles: Vec<Role>,
    /// Organisations to pick for the new account (code, name).
    orgs: Vec<(String, String)>,
}

impl AccountsPage {
    /// "3 次，最近 2026-12-06 10:00 来自 10.0.0.9" for an account whose login name failed
    /// since its last login.
    fn failures_of(&self, login: &str) -> String {
        let tr = self.c.tr;
        self.failures.get(login).map_or_else(String::new, |u| {
            let at = crate::view::local_time(&u.last_at);
            if tr.is_zh() {
                format!("{} 次，最近 {at} 来自 {}", u.count, u.last_ip)
            } else {
                format!("{} since last login; last {at} from {}", u.count, u.last_ip)
            }
        })
    }
}

#[derive(Deserialize, Default)]
pub struct AccountsQuery {
    org: Option<i64>,
    #[serde(default)]
    offset: i64,
}

async fn accounts_page(
    state: &AppState,
    user: &User,
    org_id: i64,
    offset: i64,
    f: AccountInput,
    errors: Errors,
) -> Result<AccountsPage, PageError> {
    let org = renke_app::orgs::get_org(state, &user.account, org_id).await?;
    let page =
        renke_app::accounts::list_accounts(state, &user.account, org_id, offset, PAGE_SIZE).await?;
    let failures = renke_app::accounts::unseen_login_failures(state, &user.account, org_id).await?;
    let pager = Pager {
        offset: page.offset,
        limit: page.limit,
        total: page.total,
        base: format!("/accounts?org={org_id}&"),
    };
    let roles = Role::ALL
        .iter()
        .copied()
        .filter(|r| user.account.role.may_grant(*r))
        .collect();
    Ok(AccountsPage {
        c: Chrome::new(&user.ctx, "accounts", user.ctx.tr.t("acct.list")),
        org,
        page,
        failures,
        pager,
        f,
        errors,
        shown: &[
            "login",
            "display_name",
            "org_code",
            "role",
            "email",
            "phone",
            "password",
        ],
        roles,
        orgs: renke_app::orgs::directory_choices(state, &user.account, 500).await?,
    })
}

pub async fn accounts(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<AccountsQuery>,
) -> Result<Response, PageError> {
    let org_id = q.org.unwrap_or(user.account.org_id);
    let org = renke_app::orgs::get_org(&state, &user.account, org_id).await?;
    let f = AccountInput {
        org_code: org.code.clone(),
        role: Role::Staff.as_str().into(),
        ..Default::default()
    };
    Ok(render(
        &accounts_page(&state, &user, org_id, q.offset, f, Errors::default()).await?,
    ))
}

pub async fn create_account(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<AccountsQuery>,
    Form(f): Form<AccountInput>,
) -> Result<Response, PageError> {
    let org_id = q.org.unwrap_or(user.account.org_id);
    match renke_app::accounts::create_account(&state, &user.account, &f).await {
        Ok(a) => Ok(Redirect::to(&format!("/accounts?org={}", a.org_id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let f = AccountInput {
                password: String::new(),
                ..f
            };
            let page = accounts_page(
                &state,
                &user,
                org_id,
                0,
                f,
                Errors::from_invalid(user.ctx.tr, &inv),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    password: String,
    org: i64,
}

pub async fn reset_password(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ResetForm>,
) -> Result<Response, PageError> {
    match renke_app::auth::reset_password(&state, &user.account, id, &f.password).await {
        Ok(()) => {
            let mut page = accounts_page(
                &state,
                &user,
                f.org,
                0,
                AccountInput::default(),
                Errors::default(),
            )
            .await?;
            page.c = page
                .c
                .with_flash(Some(user.ctx.tr.t("pw.reset_done").into()));
            Ok(render(&page))
        }
        Err(AppError::Invalid(inv)) => {
            let page = accounts_page(
                &state,
                &user,
                f.org,
                0,
                AccountInput::default(),
                Errors::from_invalid(user.ctx.tr, &inv),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ExternalIdForm {
    #[serde(default)]
    external_id: String,
    org: i64,
}

/// Sets or clears an account's external id (工号), which a first sign-in through the
/// OpenID provider finds the account by.
pub async fn set_external_id(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<ExternalIdForm>,
) -> Result<Response, PageError> {
    match renke_app::accounts::set_external_id(&state, &user.account, id, &f.external_id).await {
        Ok(_) => Ok(Redirect::to(&format!("/accounts?org={}", f.org)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let page = accounts_page(
                &state,
                &user,
                f.org,
                0,
                AccountInput::default(),
                Errors::from_invalid(user.ctx.tr, &inv),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
