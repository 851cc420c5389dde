//! The industry initiative (行业倡议). An association (or a bureau) publishes the text of
//! an initiative for a campaign — optionally tied to one of its activities — addressed to
//! the kinds of institution it names in its area (see `renke_domain::initiative`). Each
//! addressed institution signs once, through its authorised account (its organiser, see
//! `Actor::signs_initiative_for`), with the signer's name and title, and may withdraw the
//! signature while the initiative is open; a second signature is refused
//! (`initiative_already_signed`). Anyone who may see the campaign reads the text and the
//! signatories; the publisher and the bureau above it follow who has not signed yet. The
//! publisher closes it when the campaign is over.

use crate::error::AppError;
use crate::{App, Caller};
use renke_domain::initiative::{InitiativeInput, InitiativeState, Signer, addresses, area};
use renke_domain::org::OrgPath;
use renke_domain::{FieldError, Invalid};
use renke_store::initiatives::{self as store, NewInitiative};
use renke_store::orgs::Page;
use serde::Deserialize;

pub use renke_store::initiatives::{Initiative, Signature, Unsigned};

/// An initiative as typed.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct InitiativeForm {
    /// 主题活动编号 The campaign.
    #[serde(default)]
    pub campaign_id: String,
    /// 活动编号 One of the campaign's activities (optional), e.g. its 行业倡议 activity.
    #[serde(default)]
    pub activity_id: String,
    /// 倡议标题
    #[serde(default)]
    pub title: String,
    /// 倡议正文
    #[serde(default)]
    pub body: String,
    /// 倡议对象: the kinds of institution addressed (lab, certification_body, …),
    /// separated by commas.
    #[serde(default)]
    pub kinds: String,
}

/// A signature as typed.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct SignForm {
    /// 签署人姓名
    #[serde(default)]
    pub signer_name: String,
    /// 签署人职务
    #[serde(default)]
    pub signer_title: String,
}

/// An id typed in a form: empty is `None`; anything else must be a number.
fn parse_id(field: &str, raw: &str) -> Result<Option<i64>, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| FieldError::new(field, "unknown_value").with("value", s))
}

/// Publishes an initiative in the name of the caller's organisation, open for signatures
/// at once. Every problem with the form at once, each naming its field.
pub async fn publish(app: &App, me: &Caller, f: &InitiativeForm) -> Result<Initiative, AppError> {
    let actor = me.actor();
    if !actor.publishes_initiative(&me.org_path) {
        return Err(AppError::Forbidden);
    }
    let mut errs = Invalid::default();
    let campaign = match parse_id("campaign_id", &f.campaign_id) {
        Ok(Some(id)) => match crate::campaigns::get_campaign(app, Some(me), id).await {
            Ok(c) => Some(c),
            Err(AppError::NotFound | AppError::Forbidden) => {
                errs.push(FieldError::new("campaign_id", "unknown_value").with("value", id));
                None
            }
            Err(e) => return Err(e),
        },
        Ok(None) => {
            errs.push(FieldError::new("campaign_id", "required"));
            None
        }
        Err(e) => {
            errs.push(e);
            None
        }
    };
    let activity_id = match (parse_id("activity_id", &f.activity_id), &campaign) {
        (Ok(Some(id)), Some(c)) => {
            let allowed =
                renke_store::publicity::activities_for(&app.db, c.id, &me.org_path).await?;
            if allowed.iter().any(|(a, _)| *a == id) {
                Some(id)
            } else {
                errs.push(FieldError::new("activity_id", "unknown_value").with("value", id));
                None
            }
        }
        (Err(e), _) => {
            errs.push(e);
            None
        }
        _ => None,
    };
    let kinds: Vec<String> = f
        .kinds
        .split([',', '，', '、'])
        .map(str::to_owned)
        .collect();
    let text = InitiativeInput {
        title: &f.title,
        body: &f.body,
        kinds: &kinds,
    }
    .parse()
    .map_err(|e| errs.0.extend(e.0))
    .ok();
    let (Some(text), Some(campaign)) = (text, campaign) else {
        return Err(AppError::Invalid(errs));
    };
    errs.into_result()?;
    let area = area(&me.org_path, me.org_kind);
    Ok(store::create(
        &app.db,
        &NewInitiative {
            campaign_id: campaign.id,
            activity_id,
            owner_org_id: me.org_id,
            area: &area,
            text: &text,
            by: me.id,
        },
        app.clock.now(),
    )
    .await?)
}

/// An initiative as one caller sees it.
#[derive(Debug, Clone)]
pub struct InitiativeView {
    pub i: Initiative,
    /// The caller's institution's signature, if it signed.
    pub mine: Option<Signature>,
    /// The caller may sign now (its institution is addressed, has not signed, it is open).
    pub may_sign: bool,
    /// The caller's institution is addressed and the caller is its authorised account.
    pub signs: bool,
    /// The caller publishes it (may close it).
    pub may_close: bool,
    /// The caller follows who has not signed.
    pub follows: bool,
}

/// Whether `me`'s organisation is addressed by `i` and `me` signs for it.
fn signs_for(me: &Caller, i: &Initiative) -> bool {
    me.actor().signs_initiative_for(&me.org_path, me.org_kind)
        && addresses(&i.owner_path, &i.area, &i.kinds, &me.org_path, me.org_kind)
}

/// One initiative, for anyone who may see its campaign.
pub async fn get(app: &App, me: Option<&Caller>, id: i64) -> Result<InitiativeView, AppError> {
    let i = store::get(&app.db, id).await?;
    crate::campaigns::get_campaign(app, me, i.campaign_id).await?;
    view(app, me, i).await
}

async fn view(app: &App, me: Option<&Caller>, i: Initiative) -> Result<InitiativeView, AppError> {
    let Some(me) = me else {
        return Ok(InitiativeView {
            i,
            mine: None,
            may_sign: false,
            signs: false,
            may_close: false,
            follows: false,
        });
    };
    let mine = store::signature_of(&app.db, i.id, me.org_id).await?;
    let signs = signs_for(me, &i);
    let open = i.state == InitiativeState::Open;
    let actor = me.actor();
    Ok(InitiativeView {
        may_sign: signs && open && mine.is_none(),
        may_close: open && actor.publishes_initiative(&i.owner_path),
        follows: actor.follows_initiative_of(&i.owner_path),
        signs,
        mine,
        i,
    })
}

/// Signs initiative `id` for the caller's institution with the signer's name and title.
/// Refused: not the institution's authorised account (forbidden); an institution the
/// initiative does not address (`initiative_not_addressed`); a closed initiative
/// (`initiative_closed`); a second signature (`initiative_already_signed`).
pub async fn sign(app: &App, me: &Caller, id: i64, f: &SignForm) -> Result<Signature, AppError> {
    let v = get(app, Some(me), id).await?;
    let signer = Signer::parse(&f.signer_name, &f.signer_title)?;
    if !me.actor().signs_initiative_for(&me.org_path, me.org_kind) {
        return Err(AppError::Forbidden);
    }
    if !v.signs {
        return Err(AppError::Conflict("initiative_not_addressed"));
    }
    if v.mine.is_some() {
        return Err(AppError::Conflict("initiative_already_signed"));
    }
    Ok(store::sign(
        &app.db,
        id,
        me.org_id,
        &signer,
        Some(me.id),
        app.clock.now(),
    )
    .await?)
}

/// Withdraws the caller's institution's signature while the initiative is open.
pub async fn withdraw(app: &App, me: &Caller, id: i64) -> Result<(), AppError> {
    get(app, Some(me), id).await?;
    if !me.actor().signs_initiative_for(&me.org_path, me.org_kind) {
        return Err(AppError::Forbidden);
    }
    Ok(store::withdraw(&app.db, id, me.org_id).await?)
}

/// Closes initiative `id` (its publisher): no more signatures.
pub async fn close(app: &App, me: &Caller, id: i64) -> Result<InitiativeView, AppError> {
    let v = get(app, Some(me), id).await?;
    if !me.actor().publishes_initiative(&v.i.owner_path) {
        return Err(AppError::Forbidden);
    }
    store::close(&app.db, id, me.id, app.clock.now()).await?;
    get(app, Some(me), id).await
}

/// The signatories of initiative `id` in the order they signed, paged — public like the
/// initiative.
pub async fn signatures(
    app: &App,
    me: Option<&Caller>,
    id: i64,
    offset: i64,
    limit: i64,
) -> Result<Page<Signature>, AppError> {
    let i = store::get(&app.db, id).await?;
    crate::campaigns::get_campaign(app, me, i.campaign_id).await?;
    Ok(store::signatures(&app.db, id, offset, limit).await?)
}

/// Who in the initiative's sector and area has not signed, paged, and how many it
/// addresses in all: for its publisher and the bureau above it.
pub async fn unsigned(
    app: &App,
    me: &Caller,
    id: i64,
    offset: i64,
    limit: i64,
) -> Result<(Page<Unsigned>, i64), AppError> {
    let v = get(app, Some(me), id).await?;
    if !v.follows {
        return Err(AppError::Forbidden);
    }
    Ok(store::unsigned(&app.db, &v.i, offset, limit).await?)
}

/// The initiatives of a campaign, for its public page.
pub async fn of_campaign(app: &App, campaign_id: i64) -> Result<Vec<Initiative>, AppError> {
    Ok(store::of_campaign(&app.db, campaign_id).await?)
}

/// The initiatives of the campaigns the caller sees, each as the caller sees it (whether
/// it may sign, has signed, follows): newest campaign first.
pub async fn list(app: &App, me: &Caller) -> Result<Vec<InitiativeView>, AppError> {
    let campaigns = crate::campaigns::list_campaigns(app, me, 0, 50).await?;
    let mut out = Vec::new();
    for c in campaigns.items {
        for i in store::of_campaign(&app.db, c.id).await? {
            out.push(view(app, Some(me), i).await?);
        }
    }
    Ok(out)
}

/// Whether the caller may publish an initiative (for its own organisation).
pub fn may_publish(me: &Caller) -> bool {
    me.actor().publishes_initiative(&me.org_path)
}

/// The name of the area an initiative of the caller's organisation would address (the
/// bureau it belongs to, or its own).
pub async fn area_name(app: &App, me: &Caller) -> Result<String, AppError> {
    let area: OrgPath = area(&me.org_path, me.org_kind);
    match area.ids().last() {
        Some(id) => Ok(renke_store::orgs::get(&app.db, id).await?.name),
        None => Ok(String::new()),
    }
}
