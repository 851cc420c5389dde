//! Publicity (宣传): the materials library of a campaign and its public download zone.
//!
//! A unit uploads a material (a file, or a video's link) for a campaign, optionally one of
//! its activities; the administration directly above the unit reviews it (accepts, or
//! returns it with a reason for the unit to resubmit) and publishes what it accepted; the
//! unit may withdraw it until it is accepted. The campaign's organiser adds official
//! material (posters, logos, slogans), published at once. Published material is listed in
//! the campaign's public download zone, which counts each download. Images get a JPEG
//! thumbnail of at most [`THUMB_MAX`] px, stored through the file store like the file.

use crate::App;
use crate::Caller;
use crate::error::AppError;
use crate::reporting::tasks::UploadedFile;
use renke_domain::file::{FileKind, UploadRule};
use renke_domain::org::OrgPath;
use renke_domain::publicity::{MaterialInput, MaterialKind, MaterialState, MaterialStep};
use renke_domain::{FieldError, Invalid};
use renke_store::campaigns::Campaign;
use renke_store::files::{self, FileStream, StoredFile, Upload};
use renke_store::orgs::Page;
use renke_store::publicity::{self as store, Filter, NewMaterial, Scope};
use renke_store::spool::Spooled;
use serde::Deserialize;

pub use renke_store::publicity::Material;

/// The longest side of a thumbnail, in pixels.
pub const THUMB_MAX: u32 = 320;

/// Images larger than this many pixels on a side are not decoded (a thumbnail of a
/// decompression bomb is refused, not attempted).
const DECODE_MAX_SIDE: u32 = 12_000;

/// What a material's file may be, by kind: images for photos and clippings, MP4 for
/// videos, images and PDF for posters, documents for news drafts and documents; each at
/// most 20 MB (the request limit; a longer video comes as a link).
pub fn upload_rule(kind: MaterialKind) -> UploadRule {
    use FileKind as F;
    let kinds = match kind {
        MaterialKind::Photo => vec![F::Jpg, F::Png],
        MaterialKind::Video => vec![F::Mp4],
        MaterialKind::Poster | MaterialKind::Clipping => vec![F::Jpg, F::Png, F::Pdf],
        MaterialKind::NewsDraft => vec![F::Docx, F::Doc, F::Pdf, F::Ofd, F::Txt],
        MaterialKind::Document => return UploadRule::documents(20),
    };
    UploadRule {
        max_bytes: 20 * 1024 * 1024,
        kinds,
    }
}

/// A material as typed: its text fields (the file comes beside it).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct MaterialForm {
    /// 主题活动编号 The campaign.
    #[serde(default)]
    pub campaign_id: String,
    /// 活动编号 One of the campaign's activities (optional).
    #[serde(default)]
    pub activity_id: String,
    /// 类型 photo, video, poster, news_draft, clipping, document.
    #[serde(default)]
    pub kind: String,
    /// 标题
    #[serde(default)]
    pub title: String,
    /// 说明 (optional)
    #[serde(default)]
    pub description: String,
    /// 标签, separated by commas or 、
    #[serde(default)]
    pub tags: String,
    /// 授权说明: the rights and consent note, required for photos and videos.
    #[serde(default)]
    pub consent: String,
    /// 视频链接: a video's address instead of a file.
    #[serde(default)]
    pub link: String,
    /// `1`: the campaign's official material (its organiser only), published at once.
    #[serde(default)]
    pub official: String,
}

impl MaterialForm {
    pub fn is_official(&self) -> bool {
        matches!(self.official.trim(), "1" | "true" | "on")
    }
}

/// An id typed in a form: empty is `None`; anything else must be a number
/// (`unknown_value` on `field`).
pub(crate) fn parse_id(field: &str, raw: &str) -> Result<Option<i64>, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| FieldError::new(field, "unknown_value").with("value", s))
}

/// The campaign of a form, if the caller may see it (`unknown_value` otherwise).
pub(crate) async fn form_campaign(
    app: &App,
    me: &Caller,
    errs: &mut Invalid,
    raw: &str,
) -> Result<Option<Campaign>, AppError> {
    let id = match parse_id("campaign_id", raw) {
        Ok(Some(id)) => id,
        Ok(None) => {
            errs.push(FieldError::new("campaign_id", "required"));
            return Ok(None);
        }
        Err(e) => {
            errs.push(e);
            return Ok(None);
        }
    };
    match crate::campaigns::get_campaign(app, Some(me), id).await {
        Ok(c) => Ok(Some(c)),
        Err(AppError::NotFound | AppError::Forbidden) => {
            errs.push(FieldError::new("campaign_id", "unknown_value").with("value", id));
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Makes a JPEG thumbnail of an image of at most [`THUMB_MAX`] px a side (off the async
/// runtime); an image that does not decode is refused on `file` (`image_unreadable`).
pub(crate) async fn thumbnail(bytes: Vec<u8>, name: String) -> Result<Vec<u8>, AppError> {
    let made = tokio::task::spawn_blocking(move || make_thumbnail(&bytes))
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    made.ok_or_else(|| {
        AppError::from(FieldError::new("file", "image_unreadable").with("name", name))
    })
}

/// The thumbnail of an image, or `None` when it does not decode (or is too large).
pub fn make_thumbnail(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(DECODE_MAX_SIDE);
    limits.max_image_height = Some(DECODE_MAX_SIDE);
    reader.limits(limits);
    let img = reader.decode().ok()?;
    let small = img.thumbnail(THUMB_MAX, THUMB_MAX).into_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&small)
        .ok()?;
    Some(out)
}

/// Uploads a material for the caller's organisation — or, with `official`, adds official
/// material to a campaign the caller organises — with its file (or a video's link).
/// Every problem with the form at once, each naming its field; then the file's type and
/// size (`file`), the storage quota, and a thumbnail for images.
pub async fn submit(
    app: &App,
    me: &Caller,
    f: &MaterialForm,
    file: Option<&UploadedFile>,
) -> Result<Material, AppError> {
    let actor = me.actor();
    let official = f.is_official();
    if !official && !actor.submits_material_for(&me.org_path) {
        return Err(AppError::Forbidden);
    }
    let mut errs = Invalid::default();
    let campaign = form_campaign(app, me, &mut errs, &f.campaign_id).await?;
    let (unit_id, unit_path): (i64, OrgPath) = match (&campaign, official) {
        (Some(c), true) => {
            if !actor.adds_official_material(&c.owner_path) {
                return Err(AppError::Forbidden);
            }
            (c.owner_org_id, c.owner_path.clone())
        }
        _ => (me.org_id, me.org_path.clone()),
    };
    let activity_id = match parse_id("activity_id", &f.activity_id) {
        Ok(Some(id)) => match &campaign {
            Some(c) => {
                let allowed = store::activities_for(&app.db, c.id, &unit_path).await?;
                if allowed.iter().any(|(a, _)| *a == id) {
                    Some(id)
                } else {
                    errs.push(FieldError::new("activity_id", "unknown_value").with("value", id));
                    None
                }
            }
            None => None,
        },
        Ok(None) => None,
        Err(e) => {
            errs.push(e);
            None
        }
    };
    let text = MaterialInput {
        kind: &f.kind,
        title: &f.title,
        description: &f.description,
        tags: &f.tags,
        consent: &f.consent,
        link: &f.link,
        has_file: file.is_some(),
        official,
    }
    .parse();
    let text = match text {
        Ok(t) => Some(t),
        Err(e) => {
            errs.0.extend(e.0);
            None
        }
    };
    let (Some(text), Some(campaign)) = (text, campaign) else {
        return Err(AppError::Invalid(errs));
    };
    errs.into_result()?;
    let mut staged_file = None;
    let mut staged_thumb = None;
    if let Some(up) = file {
        let (name, kind) = up.check(&upload_rule(text.kind), "file")?;
        let thumb = if matches!(kind, FileKind::Jpg | FileKind::Png) {
            let image = up.content.bytes().await?.to_vec();
            Some(Spooled::from(thumbnail(image, name.clone()).await?))
        } else {
            None
        };
        let incoming = up.content.len() + thumb.as_ref().map_or(0, Spooled::len);
        crate::files::check_quota(app, "file", unit_id, incoming).await?;
        let now = app.clock.now();
        staged_file = Some(
            app.files
                .stage(
                    &Upload {
                        name: &name,
                        kind,
                        content: &up.content,
                        org_id: unit_id,
                        uploaded_by: Some(me.id),
                    },
                    now,
                )
                .await?,
        );
        if let Some(t) = &thumb {
            let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
            staged_thumb = Some(
                app.files
                    .stage(
                        &Upload {
                            name: &format!("{stem}-thumb.jpg"),
                            kind: FileKind::Jpg,
                            content: t,
                            org_id: unit_id,
                            uploaded_by: Some(me.id),
                        },
                        now,
                    )
                    .await?,
            );
        }
    }
    Ok(store::create(
        &app.db,
        &NewMaterial {
            campaign_id: campaign.id,
            activity_id,
            org_id: unit_id,
            text: &text,
            file: staged_file.as_ref(),
            thumb: staged_thumb.as_ref(),
            official,
            by: me.id,
        },
        app.clock.now(),
    )
    .await?)
}

/// A material as one caller sees it, with what the caller may do to it.
#[derive(Debug, Clone)]
pub struct MaterialView {
    pub m: Material,
    /// The steps the caller may take now (accept, return, publish; resubmit, withdraw).
    pub steps: Vec<MaterialStep>,
}

/// Whether `me` reads material `m`: published material is public; the rest is read by the
/// unit and those above it that see below. Others are told it does not exist.
fn readable(me: Option<&Caller>, m: &Material) -> bool {
    m.state == MaterialState::Published
        || me.is_some_and(|c| c.actor().reads_material_of(&m.org_path))
}

/// Whether `me` may take `step` on `m` (apart from its state): the unit's steps by whoever
/// submits for the unit, the others by its reviewer. Official material changes no more.
fn may_take(me: &Caller, m: &Material, step: MaterialStep) -> bool {
    if m.official {
        return false;
    }
    let actor = me.actor();
    if step.by_unit() {
        actor.submits_material_for(&m.org_path)
    } else {
        actor.reviews_material_of(&m.org_path)
    }
}

/// One material, for whoever may read it (404 otherwise).
pub async fn get(app: &App, me: Option<&Caller>, id: i64) -> Result<MaterialView, AppError> {
    let m = store::get(&app.db, id).await?;
    if !readable(me, &m) {
        return Err(AppError::NotFound);
    }
    let steps = match me {
        Some(me) => MaterialStep::ALL
            .into_iter()
            .filter(|s| m.state.after(*s).is_some() && may_take(me, &m, *s))
            .collect(),
        None => Vec::new(),
    };
    Ok(MaterialView { m, steps })
}

/// A review step as typed: which, and the reason of a return.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct StepForm {
    /// accept, return, publish (the reviewer); resubmit, withdraw (the unit).
    #[serde(default)]
    pub step: String,
    /// 退回理由: required to return.
    #[serde(default)]
    pub reason: String,
}

/// Takes a step on material `id`: the reviewer (the administration directly above the
/// unit, or higher) accepts, returns with a reason (required, on `reason`) or publishes;
/// the unit resubmits a returned material or withdraws one not yet accepted. A material the
/// caller may not read is not found; one it reads but may not change is forbidden; a step
/// its state does not allow is a conflict (`material_not_submitted`, …).
pub async fn take_step(
    app: &App,
    me: &Caller,
    id: i64,
    f: &StepForm,
) -> Result<MaterialView, AppError> {
    let m = store::get(&app.db, id).await?;
    if !readable(Some(me), &m) {
        return Err(AppError::NotFound);
    }
    let step = MaterialStep::parse("step", &f.step)?;
    if !may_take(me, &m, step) {
        return Err(AppError::Forbidden);
    }
    let reason = match step {
        MaterialStep::Return => Some(renke_domain::task::parse_reason(&f.reason)?),
        _ => None,
    };
    store::take_step(
        &app.db,
        id,
        m.state,
        step,
        reason.as_deref(),
        me.id,
        app.clock.now(),
    )
    .await?;
    get(app, Some(me), id).await
}

/// Which of the caller's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tab {
    /// The caller's own organisation's materials.
    #[default]
    Mine,
    /// The materials of the units directly below, which the caller reviews.
    Review,
}

/// The filters of the caller's list, as in the URL.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct MaterialQuery {
    #[serde(default)]
    pub tab: Tab,
    /// submitted, accepted, published, returned, withdrawn; empty: any.
    #[serde(default)]
    pub state: String,
    /// photo, video, poster, news_draft, clipping, document; empty: any.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub campaign_id: String,
    #[serde(default)]
    pub offset: i64,
}

/// Parses an optional code (empty: any).
fn parse_opt<T>(
    field: &str,
    raw: &str,
    parse: impl Fn(&str, &str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse(field, raw).map(Some)
    }
}

/// A list of the caller's.
#[derive(Debug, Clone)]
pub struct MaterialList {
    pub page: Page<Material>,
    /// The caller reviews material of units below it (the review tab is offered).
    pub reviews: bool,
}

/// The caller's list: its own organisation's materials, or — on the review tab, for the
/// administration — those of the units directly below it (of every unit, for an
/// administrator), filtered by state, kind and campaign.
pub async fn list(
    app: &App,
    me: &Caller,
    q: &MaterialQuery,
    limit: i64,
) -> Result<MaterialList, AppError> {
    let actor = me.actor();
    let reviewer_org = actor.bureau().unwrap_or_else(|| me.org_path.clone());
    // Whether it reviews a unit directly below the organisation it reviews for (any id).
    let reviews = actor.is_admin() || actor.reviews_material_of(&reviewer_org.child(0));
    let filter = Filter {
        state: parse_opt("state", &q.state, MaterialState::parse)?,
        kind: parse_opt("kind", &q.kind, MaterialKind::parse)?,
        campaign_id: parse_id("campaign_id", &q.campaign_id)?,
        org_id: None,
    };
    let scope = match q.tab {
        Tab::Mine => Scope::Unit(me.org_id),
        Tab::Review if actor.is_admin() => Scope::All,
        Tab::Review if reviews => Scope::Below(&reviewer_org),
        Tab::Review => return Err(AppError::Forbidden),
    };
    let page = store::list(&app.db, scope, &filter, q.offset, limit).await?;
    Ok(MaterialList { page, reviews })
}

/// The choices of the upload form: the campaigns the caller sees, each with the
/// activities a material of the caller's organisation may belong to, and whether the
/// caller may add official material to it.
#[derive(Debug, Clone)]
pub struct CampaignChoice {
    pub id: i64,
    pub title: String,
    pub activities: Vec<(i64, String)>,
    pub may_add_official: bool,
}

pub async fn upload_choices(app: &App, me: &Caller) -> Result<Vec<CampaignChoice>, AppError> {
    let campaigns = crate::campaigns::list_campaigns(app, me, 0, 50).await?;
    let mut out = Vec::with_capacity(campaigns.items.len());
    for c in campaigns.items {
        out.push(CampaignChoice {
            activities: store::activities_for(&app.db, c.id, &me.org_path).await?,
            may_add_official: me.actor().adds_official_material(&c.owner_path),
            id: c.id,
            title: c.title,
        });
    }
    Ok(out)
}

/// The filters of the public download zone.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ZoneQuery {
    /// photo, video, poster, news_draft, clipping, document; empty: any.
    #[serde(default)]
    pub kind: String,
    /// The unit (organisation id); empty: any.
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub offset: i64,
}

/// A campaign's download zone.
#[derive(Debug, Clone)]
pub struct Zone {
    /// Official material first, then published material, newest first.
    pub page: Page<Material>,
    /// The units with published material (id, name), for the filter.
    pub units: Vec<(i64, String)>,
}

/// The download zone of campaign `campaign_id`: its official and published material,
/// filtered by kind and unit — for anyone who may see the campaign.
pub async fn zone(
    app: &App,
    me: Option<&Caller>,
    campaign_id: i64,
    q: &ZoneQuery,
    limit: i64,
) -> Result<Zone, AppError> {
    crate::campaigns::get_campaign(app, me, campaign_id).await?;
    let filter = Filter {
        kind: parse_opt("kind", &q.kind, MaterialKind::parse)?,
        org_id: parse_id("org", &q.org)?,
        ..Filter::default()
    };
    let page = store::list(
        &app.db,
        Scope::Public(campaign_id),
        &filter,
        q.offset,
        limit,
    )
    .await?;
    let units = store::public_units(&app.db, campaign_id).await?;
    Ok(Zone { page, units })
}

/// The file of material `id` (or its thumbnail) and its bytes as a stream, for whoever may
/// read the material; a download of a published material's file counts in its download
/// count.
pub async fn file(
    app: &App,
    me: Option<&Caller>,
    id: i64,
    thumb: bool,
) -> Result<(StoredFile, FileStream), AppError> {
    let m = store::get(&app.db, id).await?;
    if !readable(me, &m) {
        return Err(AppError::NotFound);
    }
    let file_id = if thumb { m.thumb_id } else { m.file_id };
    let file = files::get(&app.db, file_id.ok_or(AppError::NotFound)?).await?;
    if !thumb && m.state == MaterialState::Published {
        store::count_download(&app.db, id).await?;
    }
    let stream = app.files.stream(&file).await?;
    Ok((file, stream))
}
