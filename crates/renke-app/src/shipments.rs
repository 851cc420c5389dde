//! Poster distribution (海报寄送): a unit sends printed publicity items to its addressees —
//! CNAS to every provincial bureau beside it, a province to its city bureaus — in one
//! shipment with a line per addressee (copies, courier, tracking number). Each addressee
//! is told in-app, confirms receipt (已签收) and then put-up (已张贴), optionally with a
//! photo (thumbnail made as for materials); the sender is told of each confirmation. The
//! sender and those above it that see below read the board: counts and who has not
//! received or not confirmed, and export it as xlsx.

use crate::App;
use crate::Caller;
use crate::error::AppError;
use crate::publicity::{form_campaign, parse_id, thumbnail};
use crate::reporting::tasks::UploadedFile;
use renke_domain::file::{FileKind, UploadRule};
use renke_domain::import::Table;
use renke_domain::org::{OrgKind, OrgPath};
use renke_domain::perm::ships_to;
use renke_domain::shipment::{ADDRESSEES_MAX, LineState, LineStep, ShipmentInput, parse_line};
use renke_domain::{FieldError, Invalid};
use renke_store::files::{self, FileStream, StoredFile, Upload};
use renke_store::orgs::{self, Page};
use renke_store::shipments::{self as store, NewShipment, Photo, Senders};
use renke_store::spool::Spooled;
use serde::Deserialize;

pub use renke_store::shipments::{Pending, Shipment, ShipmentLine};

/// A shipment as typed.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ShipmentForm {
    /// 主题活动编号 The campaign the items belong to.
    #[serde(default)]
    pub campaign_id: String,
    /// 寄送物品 What is sent, e.g. 世界认可日海报.
    #[serde(default)]
    pub item: String,
    /// 规格 Print size, e.g. 对开（570×840mm） (optional).
    #[serde(default)]
    pub print_size: String,
    /// 每单位份数 Copies per addressee.
    #[serde(default)]
    pub quantity: String,
    /// 快递公司 Courier (optional; each line's may be changed later).
    #[serde(default)]
    pub courier: String,
    /// 备注 Note (optional).
    #[serde(default)]
    pub note: String,
    /// 收件单位 Addressee organisation ids: below the sender or beside it.
    #[serde(default)]
    pub addressees: Vec<i64>,
    /// Add every bureau (regulator) directly below the sender.
    #[serde(default)]
    pub all_subordinates: bool,
    /// Add every bureau (regulator) beside the sender under the same superior.
    #[serde(default)]
    pub all_peers: bool,
}

/// A line's courier details as typed (by the sender, while the parcel is on its way).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct LineForm {
    /// 份数 Copies.
    #[serde(default)]
    pub quantity: String,
    /// 快递公司 Courier.
    #[serde(default)]
    pub courier: String,
    /// 运单号 Tracking number: letters, digits and `-`.
    #[serde(default)]
    pub tracking_no: String,
}

/// The organisation the caller acts for as its own: its own, or a department's bureau.
async fn unit_of(app: &App, me: &Caller) -> Result<(i64, OrgPath), AppError> {
    if me.org_kind == OrgKind::Department
        && let Some(path) = me.actor().bureau()
    {
        let org = orgs::get(&app.db, me.org_id).await?;
        if let Some(parent) = org.parent_id {
            return Ok((parent, path));
        }
    }
    Ok((me.org_id, me.org_path.clone()))
}

/// An organisation a shipment may go to.
#[derive(Debug, Clone)]
pub struct Addressee {
    pub id: i64,
    pub name: String,
    pub kind: OrgKind,
}

/// The picker of the shipment form: the organisations directly below the sender and
/// those beside it, and whether the caller may send at all.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    pub may_send: bool,
    pub sender_name: String,
    pub subordinates: Vec<Addressee>,
    pub peers: Vec<Addressee>,
    /// The campaigns the caller sees: id and title.
    pub campaigns: Vec<(i64, String)>,
}

fn addressees(nodes: Vec<orgs::OrgNode>, except: i64) -> Vec<Addressee> {
    nodes
        .into_iter()
        .filter(|n| n.org.id != except)
        .map(|n| Addressee {
            id: n.org.id,
            name: n.org.name,
            kind: n.org.kind,
        })
        .collect()
}

/// The form's choices for the caller's unit.
pub async fn choices(app: &App, me: &Caller) -> Result<Choices, AppError> {
    let (unit_id, unit_path) = unit_of(app, me).await?;
    if !me.actor().acts_as(&unit_path) {
        return Ok(Choices::default());
    }
    let unit = orgs::get(&app.db, unit_id).await?;
    let subordinates = orgs::children(&app.db, unit_id, 0, 500).await?.items;
    let peers = match unit.parent_id {
        Some(p) => orgs::children(&app.db, p, 0, 500).await?.items,
        None => Vec::new(),
    };
    let campaigns = crate::campaigns::list_campaigns(app, me, 0, 50)
        .await?
        .items
        .into_iter()
        .map(|c| (c.id, c.title))
        .collect();
    Ok(Choices {
        may_send: true,
        sender_name: unit.name,
        subordinates: addressees(subordinates, unit_id),
        peers: addressees(peers, unit_id),
        campaigns,
    })
}

/// The addressees a form names (its ids, and the bureaus of the groups it ticks), each
/// once, in the order named; errors on `addressees`.
async fn resolve_addressees(
    app: &App,
    f: &ShipmentForm,
    c: &Choices,
    sender: &OrgPath,
    errs: &mut Invalid,
) -> Result<Vec<i64>, AppError> {
    let mut ids: Vec<i64> = Vec::new();
    let bureaus = |list: &[Addressee]| -> Vec<i64> {
        list.iter()
            .filter(|a| a.kind == OrgKind::Regulator)
            .map(|a| a.id)
            .collect()
    };
    let groups = [
        (f.all_subordinates, bureaus(&c.subordinates)),
        (f.all_peers, bureaus(&c.peers)),
    ];
    let named = groups
        .into_iter()
        .filter(|(on, _)| *on)
        .flat_map(|(_, v)| v)
        .chain(f.addressees.iter().copied());
    for id in named {
        if ids.contains(&id) {
            continue;
        }
        let known = c.subordinates.iter().chain(&c.peers).any(|a| a.id == id);
        let reachable = known
            || match orgs::get(&app.db, id).await {
                Ok(o) => ships_to(sender, &o.path),
                Err(renke_store::StoreError::NotFound) => false,
                Err(e) => return Err(e.into()),
            };
        if !reachable {
            errs.push(FieldError::new("addressees", "unknown_value").with("value", id));
            continue;
        }
        ids.push(id);
    }
    if ids.is_empty() && errs.0.iter().all(|e| e.field != "addressees") {
        errs.push(FieldError::new("addressees", "required"));
    }
    if ids.len() > ADDRESSEES_MAX {
        errs.push(
            FieldError::new("addressees", "too_many")
                .with("max", ADDRESSEES_MAX)
                .with("actual", ids.len()),
        );
    }
    Ok(ids)
}

/// Sends a shipment from the caller's unit to every addressee at once (one transaction,
/// a message to each). Every problem with the form at once, each naming its field.
pub async fn create(app: &App, me: &Caller, f: &ShipmentForm) -> Result<i64, AppError> {
    let (unit_id, unit_path) = unit_of(app, me).await?;
    if !me.actor().acts_as(&unit_path) {
        return Err(AppError::Forbidden);
    }
    let c = choices(app, me).await?;
    let mut errs = Invalid::default();
    let campaign = form_campaign(app, me, &mut errs, &f.campaign_id).await?;
    let text = ShipmentInput {
        item: &f.item,
        print_size: &f.print_size,
        note: &f.note,
        quantity: &f.quantity,
        courier: &f.courier,
    }
    .parse()
    .map_err(|e| errs.0.extend(e.0))
    .ok();
    let ids = resolve_addressees(app, f, &c, &unit_path, &mut errs).await?;
    let (Some(campaign), Some(text)) = (campaign, text) else {
        return Err(AppError::Invalid(errs));
    };
    errs.into_result()?;
    Ok(store::create(
        &app.db,
        &NewShipment {
            campaign_id: campaign.id,
            sender_org_id: unit_id,
            sender_name: &c.sender_name,
            text: &text,
            addressees: &ids,
            by: Some(me.id),
        },
        app.clock.now(),
    )
    .await?)
}

/// Which of the caller's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentTab {
    /// What was sent to the caller's unit.
    #[default]
    Received,
    /// What the caller's unit (and, for those who see below, the units below it) sent.
    Sent,
}

/// The filters of the caller's list, as in the URL.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct ShipmentQuery {
    #[serde(default)]
    pub tab: ShipmentTab,
    /// 主题活动编号; empty: any (the sent tab).
    #[serde(default)]
    pub campaign_id: String,
    #[serde(default)]
    pub offset: i64,
}

/// One of the caller's lists.
#[derive(Debug, Clone)]
pub enum ShipmentList {
    Received(Page<ShipmentLine>),
    Sent(Page<Shipment>),
}

/// The caller's list, and whether it may send.
pub async fn list(
    app: &App,
    me: &Caller,
    q: &ShipmentQuery,
    limit: i64,
) -> Result<(ShipmentList, bool), AppError> {
    let actor = me.actor();
    let (unit_id, unit_path) = unit_of(app, me).await?;
    let may_send = actor.acts_as(&unit_path);
    let l = match q.tab {
        ShipmentTab::Received => {
            ShipmentList::Received(store::received(&app.db, unit_id, q.offset, limit).await?)
        }
        ShipmentTab::Sent => {
            let senders = if actor.is_admin() {
                Senders::All
            } else if actor.reads_shipments_of(&unit_path) && actor.sees_below() {
                Senders::Within(&unit_path)
            } else {
                Senders::Org(unit_id)
            };
            let campaign = parse_id("campaign_id", &q.campaign_id)?;
            ShipmentList::Sent(store::list(&app.db, senders, campaign, q.offset, limit).await?)
        }
    };
    Ok((l, may_send))
}

/// A shipment as one caller sees it.
#[derive(Debug, Clone)]
pub struct Board {
    pub shipment: Shipment,
    /// The caller reads every line (the sender, or above it); otherwise only `mine`.
    pub full: bool,
    /// The lines shown (the filter's, paged), when `full`.
    pub lines: Page<ShipmentLine>,
    pub pending: Pending,
    /// The caller's own unit's line, when it is an addressee.
    pub mine: Option<ShipmentLine>,
    /// The caller confirms for `mine`.
    pub confirms: bool,
    /// The caller sends for the sender (edits lines still on their way).
    pub manages: bool,
}

/// Which lines of the board, as in the URL: empty (all), `not_received`, `not_posted`.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct BoardQuery {
    /// not_received, not_posted; empty: every addressee.
    #[serde(default)]
    pub pending: String,
    #[serde(default)]
    pub offset: i64,
}

fn parse_pending(raw: &str) -> Result<Pending, FieldError> {
    match raw.trim() {
        "" | "all" => Ok(Pending::All),
        "not_received" => Ok(Pending::NotReceived),
        "not_posted" => Ok(Pending::NotPosted),
        s => Err(FieldError::new("pending", "unknown_value").with("value", s)),
    }
}

/// Shipment `id`'s board for the sender and those above it (every line, filtered to those
/// not received or not confirmed, paged); for an addressee, the shipment and its own line.
/// Anyone else is told it does not exist.
pub async fn board(
    app: &App,
    me: &Caller,
    id: i64,
    q: &BoardQuery,
    limit: i64,
) -> Result<Board, AppError> {
    let shipment = store::get(&app.db, id).await?;
    let actor = me.actor();
    let full = actor.reads_shipments_of(&shipment.sender_path);
    let (unit_id, _) = unit_of(app, me).await?;
    let mine = store::line_for(&app.db, id, unit_id).await?;
    if !full && mine.is_none() {
        return Err(AppError::NotFound);
    }
    let pending = parse_pending(&q.pending)?;
    let lines = if full {
        store::lines(&app.db, id, pending, q.offset, limit).await?
    } else {
        Page {
            items: Vec::new(),
            total: 0,
            offset: 0,
            limit,
        }
    };
    Ok(Board {
        confirms: mine.as_ref().is_some_and(|l| actor.acts_as(&l.org_path)),
        manages: actor.acts_as(&shipment.sender_path),
        shipment,
        full,
        lines,
        pending,
        mine,
    })
}

/// Line `id`, if the caller may read it: its addressee (and those above it that see
/// below) and whoever reads the sender's board; not found otherwise.
async fn readable_line(app: &App, me: &Caller, id: i64) -> Result<ShipmentLine, AppError> {
    let l = store::line(&app.db, id).await?;
    let actor = me.actor();
    if actor.acts_as(&l.org_path)
        || actor.collects(&l.org_path)
        || actor.reads_shipments_of(&l.sender_path)
    {
        Ok(l)
    } else {
        Err(AppError::NotFound)
    }
}

/// Line `id`, for whoever reads it (its addressee, those above it, the sender's board
/// readers); not found otherwise.
pub async fn line(app: &App, me: &Caller, id: i64) -> Result<ShipmentLine, AppError> {
    readable_line(app, me, id).await
}

/// The addressee confirms receipt of line `id` (once; a second time is a conflict,
/// `shipment_already_received`). Only whoever acts for the addressee confirms.
pub async fn receive(app: &App, me: &Caller, id: i64) -> Result<ShipmentLine, AppError> {
    let l = readable_line(app, me, id).await?;
    if !me.actor().acts_as(&l.org_path) {
        return Err(AppError::Forbidden);
    }
    store::confirm(&app.db, &l, LineStep::Receive, None, me.id, app.clock.now()).await?;
    Ok(store::line(&app.db, id).await?)
}

/// What a put-up photo may be: a JPEG or PNG image of at most 20 MB.
pub fn photo_rule() -> UploadRule {
    UploadRule {
        max_bytes: 20 * 1024 * 1024,
        kinds: vec![FileKind::Jpg, FileKind::Png],
    }
}

/// The addressee confirms the posters of line `id` are up, after receipt
/// (`shipment_not_received` before it), with an optional photo (checked on `file`:
/// type, size, quota; a thumbnail is made).
pub async fn post(
    app: &App,
    me: &Caller,
    id: i64,
    photo: Option<&UploadedFile>,
) -> Result<ShipmentLine, AppError> {
    let l = readable_line(app, me, id).await?;
    if !me.actor().acts_as(&l.org_path) {
        return Err(AppError::Forbidden);
    }
    if l.state != LineState::Received {
        return Err(AppError::Conflict(l.state.refusal(LineStep::Post)));
    }
    let now = app.clock.now();
    let staged = match photo {
        Some(up) => Some(stage_photo(app, me, l.org_id, up).await?),
        None => None,
    };
    let photo = staged.as_ref().map(|(file, thumb)| Photo { file, thumb });
    store::confirm(&app.db, &l, LineStep::Post, photo, me.id, now).await?;
    Ok(store::line(&app.db, id).await?)
}

async fn stage_photo(
    app: &App,
    me: &Caller,
    org_id: i64,
    up: &UploadedFile,
) -> Result<(files::Staged, files::Staged), AppError> {
    let (name, kind) = up.check(&photo_rule(), "file")?;
    let image = up.content.bytes().await?.to_vec();
    let thumb = Spooled::from(thumbnail(image, name.clone()).await?);
    crate::files::check_quota(app, "file", org_id, up.content.len() + thumb.len()).await?;
    let now = app.clock.now();
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    let thumb_name = format!("{stem}-thumb.jpg");
    let file = app
        .files
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
        .await?;
    let thumb = app
        .files
        .stage(
            &Upload {
                name: &thumb_name,
                kind: FileKind::Jpg,
                content: &thumb,
                org_id,
                uploaded_by: Some(me.id),
            },
            now,
        )
        .await?;
    Ok((file, thumb))
}

/// The sender changes line `id`'s copies, courier and tracking number while the parcel
/// is on its way (`shipment_already_received` after).
pub async fn edit_line(
    app: &App,
    me: &Caller,
    id: i64,
    f: &LineForm,
) -> Result<ShipmentLine, AppError> {
    let l = readable_line(app, me, id).await?;
    if !me.actor().acts_as(&l.sender_path) {
        return Err(AppError::Forbidden);
    }
    let t = parse_line(&f.quantity, &f.courier, &f.tracking_no)?;
    store::edit_line(&app.db, id, &t).await?;
    Ok(store::line(&app.db, id).await?)
}

/// The put-up photo of line `id` (or its thumbnail), for whoever reads the line.
pub async fn photo(
    app: &App,
    me: &Caller,
    id: i64,
    thumb: bool,
) -> Result<(StoredFile, FileStream), AppError> {
    let l = readable_line(app, me, id).await?;
    let file_id = if thumb { l.thumb_id } else { l.photo_id };
    let file = files::get(&app.db, file_id.ok_or(AppError::NotFound)?).await?;
    let stream = app.files.stream(&file).await?;
    Ok((file, stream))
}

/// Every line of shipment `id` as an xlsx workbook, for whoever reads its board, with the
/// file name to offer.
pub async fn lines_xlsx(app: &App, me: &Caller, id: i64) -> Result<(String, Vec<u8>), AppError> {
    const PAGE: i64 = 500;
    let shipment = store::get(&app.db, id).await?;
    if !me.actor().reads_shipments_of(&shipment.sender_path) {
        return Err(AppError::NotFound);
    }
    let mut lines = Vec::new();
    loop {
        let page = store::lines(&app.db, id, Pending::All, lines.len() as i64, PAGE).await?;
        let done = page.items.len() < PAGE as usize;
        lines.extend(page.items);
        if done {
            break;
        }
    }
    let t = Table {
        headers: [
            "收件单位 Addressee",
            "份数 Copies",
            "快递公司 Courier",
            "运单号 Tracking number",
            "状态 State",
            "签收时间 Received",
            "张贴时间 Put up",
            "张贴照片 Photo",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: lines.iter().map(line_row).collect(),
    };
    let name = format!("{}-寄送情况.xlsx", shipment.item);
    Ok((name, crate::publicity_xlsx::write(t, &[1]).await?))
}

fn line_row(l: &ShipmentLine) -> Vec<String> {
    let time = |t: &Option<chrono::DateTime<chrono::Utc>>| {
        t.as_ref()
            .map(renke_domain::clock::local_time)
            .unwrap_or_default()
    };
    vec![
        l.org_name.clone(),
        l.quantity.to_string(),
        l.courier.clone().unwrap_or_default(),
        l.tracking_no.clone().unwrap_or_default(),
        l.state.zh().to_owned(),
        time(&l.received_at),
        time(&l.posted_at),
        if l.photo_id.is_some() { "有" } else { "" }.to_owned(),
    ]
}
