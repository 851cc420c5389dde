//! The certificate ceremony (集中颁证仪式): the list of certified organisations presented at
//! an activity of a campaign — 上海品牌 certificates at Shanghai's ceremony — kept by whoever
//! runs the activity (`Actor::keeps_certificates_of`), by form one certificate at a time or
//! by importing an xlsx or CSV file checked row by row (all or nothing). Any activity may
//! carry a list: a ceremony is often part of a wider event (Shanghai's 线上主题宣传活动). The
//! lists of public activities appear on the campaign's public page, and each certificate
//! number has a public verification page.

use crate::error::AppError;
use crate::reporting::tasks::UploadedFile;
use crate::{App, Caller};
use renke_domain::ceremony::{CertificateInput, map_columns, number_key, parse_rows};
use renke_domain::org::OrgPath;
use renke_domain::{FieldError, Invalid};
use renke_store::ceremony as store;
use renke_store::orgs::Page;
use serde::Deserialize;

pub use renke_store::ceremony::{CeremonyActivity, CertificateRow, Verified};

/// Largest certificate list file, in bytes.
pub const IMPORT_MAX_BYTES: u64 = 5 * 1024 * 1024;

/// A certificate as typed.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CertificateForm {
    /// 获证组织
    #[serde(default)]
    pub organisation: String,
    /// 证书编号 (unique within the ceremony)
    #[serde(default)]
    pub number: String,
    /// 认证范围
    #[serde(default)]
    pub scope: String,
    /// 认证机构
    #[serde(default)]
    pub body: String,
}

/// A ceremony's list as one caller sees it.
#[derive(Debug, Clone)]
pub struct CeremonyView {
    pub activity_id: i64,
    pub activity_title: String,
    pub campaign_id: i64,
    pub campaign_title: String,
    pub public: bool,
    /// The caller keeps the list (adds, imports, removes).
    pub keeps: bool,
    pub page: Page<CertificateRow>,
}

/// The activity `activity_id` if the caller may read it, and whether the caller keeps its
/// list.
async fn activity(
    app: &App,
    me: Option<&Caller>,
    activity_id: i64,
) -> Result<(crate::activities::ActivityView, bool), AppError> {
    let v = crate::activities::activity_view(app, me, activity_id).await?;
    let owner = OrgPath::from_stored(v.activity.row.owner_path.clone()).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "bad stored path {}",
            v.activity.row.owner_path
        ))
    })?;
    let keeps = me.is_some_and(|m| m.actor().keeps_certificates_of(&owner));
    Ok((v, keeps))
}

/// The certificate list of activity `activity_id`, paged, for whoever may read the
/// activity.
pub async fn view(
    app: &App,
    me: Option<&Caller>,
    activity_id: i64,
    offset: i64,
    limit: i64,
) -> Result<CeremonyView, AppError> {
    let (v, keeps) = activity(app, me, activity_id).await?;
    let page = store::list(&app.db, activity_id, offset, limit).await?;
    Ok(CeremonyView {
        activity_id,
        activity_title: v.activity.row.title,
        campaign_id: v.campaign.id,
        campaign_title: v.campaign.title,
        public: v.activity.row.public && v.campaign.public,
        keeps,
        page,
    })
}

/// Refuses unless the caller keeps the list of activity `activity_id`.
async fn keeper(app: &App, me: &Caller, activity_id: i64) -> Result<(), AppError> {
    match activity(app, Some(me), activity_id).await? {
        (_, true) => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// Adds one certificate to the list of activity `activity_id`: every field's problem at
/// once; a number already in the list is refused on `number` (`number_exists`).
pub async fn add(
    app: &App,
    me: &Caller,
    activity_id: i64,
    f: &CertificateForm,
) -> Result<CertificateRow, AppError> {
    keeper(app, me, activity_id).await?;
    let cert = CertificateInput {
        organisation: &f.organisation,
        number: &f.number,
        scope: &f.scope,
        body: &f.body,
    }
    .parse()?;
    let keys = store::keys(&app.db, activity_id).await?;
    if keys.contains(&cert.key()) {
        return Err(AppError::Invalid(Invalid::one(
            FieldError::new("number", "number_exists").with("value", cert.number.as_str()),
        )));
    }
    store::add(
        &app.db,
        activity_id,
        std::slice::from_ref(&cert),
        Some(me.id),
        app.clock.now(),
    )
    .await?;
    let page = store::list(&app.db, activity_id, 0, 500).await?;
    page.items
        .into_iter()
        .find(|c| number_key(&c.number) == cert.key())
        .ok_or(AppError::NotFound)
}

/// Imports a certificate list (xlsx or CSV, columns 获证组织, 证书编号, 认证范围, 认证机构)
/// into activity `activity_id`: all rows or none; every bad row named (`row3.number`).
pub async fn import(
    app: &App,
    me: &Caller,
    activity_id: i64,
    file: Option<&UploadedFile>,
) -> Result<usize, AppError> {
    keeper(app, me, activity_id).await?;
    let file = file.ok_or_else(|| AppError::field("file", "required"))?;
    let bytes = file.read_whole("file", IMPORT_MAX_BYTES).await?;
    let table = renke_render::table::read_table(&bytes, &file.name).map_err(|e| {
        AppError::Invalid(Invalid::one(
            FieldError::new("file", "unreadable_table").with("message", e),
        ))
    })?;
    let columns = map_columns(&table.headers)?;
    let keys = store::keys(&app.db, activity_id).await?;
    let certs = parse_rows(&table.rows, columns, &keys)?;
    Ok(store::add(&app.db, activity_id, &certs, Some(me.id), app.clock.now()).await?)
}

/// Removes certificate `id` from the list of activity `activity_id`.
pub async fn remove(app: &App, me: &Caller, activity_id: i64, id: i64) -> Result<(), AppError> {
    keeper(app, me, activity_id).await?;
    Ok(store::remove(&app.db, activity_id, id).await?)
}

/// The activities of the campaigns the caller sees whose lists it keeps, with the
/// campaign's title: ceremonies first.
pub async fn kept(app: &App, me: &Caller) -> Result<Vec<(String, CeremonyActivity)>, AppError> {
    let campaigns = crate::campaigns::list_campaigns(app, me, 0, 50).await?;
    let actor = me.actor();
    let mut out = Vec::new();
    for c in campaigns.items {
        for a in store::activities_of(&app.db, c.id).await? {
            let keeps = OrgPath::from_stored(a.owner_path.clone())
                .is_some_and(|p| actor.keeps_certificates_of(&p));
            if keeps {
                out.push((c.title.clone(), a));
            }
        }
    }
    Ok(out)
}

/// One public ceremony of a campaign and the first page of its list.
#[derive(Debug, Clone)]
pub struct PublicCeremony {
    pub activity_id: i64,
    pub title: String,
    pub page: Page<CertificateRow>,
}

/// The lists of the campaign's public activities that have certificates, each with its
/// first `limit` certificates, for the campaign's public page.
pub async fn public_lists(
    app: &App,
    campaign_id: i64,
    limit: i64,
) -> Result<Vec<PublicCeremony>, AppError> {
    let mut out = Vec::new();
    for (id, title) in store::ceremonies(&app.db, campaign_id, true).await? {
        out.push(PublicCeremony {
            page: store::list(&app.db, id, 0, limit).await?,
            activity_id: id,
            title,
        });
    }
    Ok(out)
}

/// The certificates presented at public ceremonies under `number` (compared without
/// spaces, case or full width); empty when it is unknown. A blank number is refused on
/// `number` (`required`), one longer than a certificate number on `number` (`too_long`).
pub async fn verify(app: &App, number: &str) -> Result<Vec<Verified>, AppError> {
    let key = number_key(number);
    if key.is_empty() {
        return Err(AppError::field("number", "required"));
    }
    if key.chars().count() > renke_domain::ceremony::NUMBER_MAX {
        return Err(AppError::Invalid(Invalid::one(
            FieldError::new("number", "too_long").with("max", renke_domain::ceremony::NUMBER_MAX),
        )));
    }
    Ok(store::verify(&app.db, &key).await?)
}
