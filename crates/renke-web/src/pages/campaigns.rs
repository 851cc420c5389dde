//! Managing campaigns: list, create, edit.

use super::{PAGE_SIZE, Paging};
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
use renke_app::campaigns::CampaignForm;
use renke_app::campaigns::LocalThemeInput;
use renke_app::model::Campaign;
use renke_app::model::Page;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "campaigns.html")]
struct ListPage {
    c: Chrome,
    page: Page<Campaign>,
    pager: Pager,
    /// The campaigns the caller may edit: only those get an 编辑 link.
    editable: Vec<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    user: User,
    Query(p): Query<Paging>,
) -> Result<Response, PageError> {
    let page =
        renke_app::campaigns::list_campaigns(&state, &user.account, p.offset, PAGE_SIZE).await?;
    let pager = Pager {
        offset: page.offset,
        limit: page.limit,
        total: page.total,
        base: "/manage/campaigns?".into(),
    };
    let editable = page
        .items
        .iter()
        .filter(|k| renke_app::campaigns::may_edit_campaign(&user.account, k))
        .map(|k| k.id)
        .collect();
    Ok(render(&ListPage {
        c: Chrome::new(&user.ctx, "campaigns", user.ctx.tr.t("camp.list")),
        page,
        pager,
        editable,
    }))
}

/// The form as posted: local themes as lines of "CODE theme".
#[derive(Deserialize, Default)]
pub struct PageForm {
    title: String,
    #[serde(default)]
    edition: String,
    day: String,
    #[serde(default)]
    international_theme: String,
    #[serde(default)]
    domestic_theme: String,
    owner_code: String,
    #[serde(default)]
    public: Option<String>,
    #[serde(default)]
    local_themes: String,
}

impl PageForm {
    fn to_service(&self) -> CampaignForm {
        CampaignForm {
            title: self.title.clone(),
            edition: self.edition.clone(),
            day: self.day.clone(),
            international_theme: self.international_theme.clone(),
            domestic_theme: self.domestic_theme.clone(),
            owner_code: self.owner_code.clone(),
            public: self.public.is_some(),
            local_themes: self
                .local_themes
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let l = l.trim();
                    let (code, theme) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
                    LocalThemeInput {
                        org_code: code.into(),
                        theme: theme.trim().into(),
                    }
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "campaign_form.html")]
struct FormPage {
    c: Chrome,
    f: CampaignForm,
    local_text: String,
    errors: Errors,
    shown: &'static [&'static str],
    /// Organisations to pick as owner (code, name).
    orgs: Vec<(String, String)>,
}

const SHOWN: &[&str] = &[
    "title",
    "edition",
    "day",
    "international_theme",
    "domestic_theme",
    "owner_code",
];

async fn form_page(
    state: &AppState,
    user: &User,
    title: &str,
    f: CampaignForm,
    local_text: String,
    errors: Errors,
) -> Result<FormPage, PageError> {
    Ok(FormPage {
        c: Chrome::new(&user.ctx, "campaigns", title),
        f,
        local_text,
        errors,
        shown: SHOWN,
        orgs: renke_app::orgs::directory_choices(state, &user.account, 500).await?,
    })
}

pub async fn new_form(State(state): State<AppState>, user: User) -> Result<Response, PageError> {
    let f = CampaignForm {
        owner_code: user.account.org_code.clone(),
        ..Default::default()
    };
    Ok(render(
        &form_page(
            &state,
            &user,
            user.ctx.tr.t("camp.new"),
            f,
            String::new(),
            Errors::default(),
        )
        .await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    user: User,
    Form(pf): Form<PageForm>,
) -> Result<Response, PageError> {
    let f = pf.to_service();
    match renke_app::campaigns::create_campaign(&state, &user.account, &f).await {
        Ok(c) => Ok(Redirect::to(&format!("/campaigns/{}", c.id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let page = form_page(
                &state,
                &user,
                user.ctx.tr.t("camp.new"),
                f,
                pf.local_themes,
                Errors::from_invalid(user.ctx.tr, &inv),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let k = renke_app::campaigns::get_campaign(&state, Some(&user.account), id).await?;
    if !renke_app::campaigns::may_edit_campaign(&user.account, &k) {
        return Err(AppError::Forbidden.into());
    }
    let local_text: String = k
        .local_themes
        .iter()
        .map(|l| format!("{} {}\n", l.org_code, l.theme))
        .collect();
    let f = CampaignForm {
        title: k.title.clone(),
        edition: k.edition.map(|e| e.to_string()).unwrap_or_default(),
        day: k.day.to_string(),
        international_theme: k.international_theme.clone().unwrap_or_default(),
        domestic_theme: k.domestic_theme.clone().unwrap_or_default(),
        owner_code: k.owner_code.clone(),
        public: k.public,
        local_themes: Vec::new(),
    };
    Ok(render(
        &form_page(
            &state,
            &user,
            user.ctx.tr.t("camp.edit"),
            f,
            local_text,
            Errors::default(),
        )
        .await?,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pf): Form<PageForm>,
) -> Result<Response, PageError> {
    let f = pf.to_service();
    match renke_app::campaigns::update_campaign(&state, &user.account, id, &f).await {
        Ok(c) => Ok(Redirect::to(&format!("/campaigns/{}", c.id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let page = form_page(
                &state,
                &user,
                user.ctx.tr.t("camp.edit"),
                f,
                pf.local_themes,
                Errors::from_invalid(user.ctx.tr, &inv),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
