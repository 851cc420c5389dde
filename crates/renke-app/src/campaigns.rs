//! Campaigns (e.g. the 15th World Accreditation Day) and their public page.

use crate::App;
use crate::Caller;
use crate::error::AppError;
use crate::orgs::org_by_code;
use renke_domain::Invalid;
use renke_domain::campaign::CampaignInput;
use renke_domain::org::OrgPath;
use renke_domain::perm::Action;
use renke_store::campaigns::{self, Campaign};
use renke_store::orgs::Page;
use serde::Deserialize;

// ---------------------------------------------------------------- campaigns

pub(crate) fn may_see_campaign(me: Option<&Caller>, c: &Campaign) -> bool {
    c.public || me.is_some_and(|a| a.actor().reads_internal_of(&c.owner_path))
}

pub async fn list_campaigns(
    app: &App,
    me: &Caller,
    offset: i64,
    limit: i64,
) -> Result<Page<Campaign>, AppError> {
    let visible = if me.actor().is_admin() {
        None
    } else {
        Some(&me.org_path)
    };
    let actor = me.actor();
    let reach = campaigns::Reach {
        below: actor.sees_below(),
        above: me
            .org_path
            .parent()
            .is_none_or(|p| actor.reads_internal_of(&p)),
    };
    Ok(campaigns::list(&app.db, visible, reach, offset, limit).await?)
}

/// A campaign for a page or API call; `me` is `None` for the public.
pub async fn get_campaign(app: &App, me: Option<&Caller>, id: i64) -> Result<Campaign, AppError> {
    let c = campaigns::get(&app.db, id).await?;
    if may_see_campaign(me, &c) {
        Ok(c)
    } else if me.is_some() {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn current_public_campaign(app: &App) -> Result<Option<Campaign>, AppError> {
    let today = app
        .clock
        .now()
        .with_timezone(&renke_domain::clock::SHANGHAI)
        .date_naive();
    Ok(campaigns::current_public(&app.db, today).await?)
}

/// How many times what anonymous visitors see has changed, and when last (for caches of the
/// public pages). Open to anyone: it says only that something public changed.
pub async fn public_changes(
    app: &App,
) -> Result<renke_store::public_changes::PublicChanges, AppError> {
    Ok(renke_store::public_changes::current(&app.db).await?)
}

/// Campaign form input; local themes as (org code, theme) pairs.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
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

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct LocalThemeInput {
    pub org_code: String,
    pub theme: String,
}

async fn campaign_input(
    app: &App,
    me: &Caller,
    f: &CampaignForm,
) -> Result<(CampaignInput, OrgPath), AppError> {
    let mut errs = Invalid::default();
    let owner = org_by_code(app, &mut errs, "owner_code", &f.owner_code).await?;
    let mut local = Vec::new();
    for (i, lt) in f.local_themes.iter().enumerate() {
        let field = format!("local_themes[{i}]");
        if let Some(o) = org_by_code(app, &mut errs, &field, &lt.org_code).await? {
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
    app: &App,
    me: &Caller,
    f: &CampaignForm,
) -> Result<Campaign, AppError> {
    let (input, _) = campaign_input(app, me, f).await?;
    Ok(campaigns::create(&app.db, &input.validate()?, app.clock.now()).await?)
}

pub async fn update_campaign(
    app: &App,
    me: &Caller,
    id: i64,
    f: &CampaignForm,
) -> Result<Campaign, AppError> {
    let current = campaigns::get(&app.db, id).await?;
    me.actor().may(Action::Manage, &current.owner_path)?;
    let (input, _) = campaign_input(app, me, f).await?;
    Ok(campaigns::update(&app.db, id, &input.validate()?, app.clock.now()).await?)
}

/// Whether `me` may edit campaign `c` (for showing the edit button).
pub fn may_edit_campaign(me: &Caller, c: &Campaign) -> bool {
    me.actor().may(Action::Manage, &c.owner_path).is_ok()
}
