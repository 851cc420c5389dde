//! Notices: drafting, issuing, 签收, 转发, corrections and reading them.

pub mod attachments;

use crate::App;
use crate::Caller;
use crate::error::AppError;
use crate::orgs::org_by_code;
use renke_domain::error::{LIST_MAX, SHORT_LIST_MAX, check_list_lengths};
use renke_domain::notice::{
    ContactInput, Direction, NoticeDraft, NoticeInput, Publication, RecipientSpec,
};
use renke_domain::org::{OrgKind, OrgPath};
use renke_domain::perm::{self, Action};
use renke_domain::text::Line;
use renke_domain::{FieldError, Invalid};
use renke_store::campaigns::{self, Campaign};
use renke_store::notices::{
    self, ChainEntry, Delivery, DeliveryStatus, InboxItem, Notice, NoticeRef,
};
use renke_store::orgs::{self, Org, Page};
use serde::Deserialize;

// ---------------------------------------------------------------- notices

/// One entry of 主送 as typed: an organisation code; with `children_kind`, every direct
/// child of that organisation of that kind (各地级以上市市场监管局 = the regulators under 广东).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, schemars::JsonSchema)]
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
    /// 行文方向: `down` (下行文, default: to the issuer's own subtree), `up` (上行文: to a
    /// superior) or `across` (平行文: to a peer). Letters up and across are sent by a
    /// regulator, name each addressee and carry no reporting tasks.
    #[serde(default)]
    pub direction: String,
    /// When relaying (转发): the tasks of the original to relay with the notice, each with
    /// its own deadline, which must come before the original task's. A blank deadline
    /// relays that task later, by hand.
    #[serde(default)]
    pub relay_tasks: Vec<crate::reporting::tasks::RelayTaskForm>,
}

impl NoticeForm {
    /// Refuses lists longer than a notice can need (`too_many`), before any code is
    /// looked up: at most [`LIST_MAX`] recipients (a group such as 各地级以上市市场监管局 is
    /// one entry) and [`SHORT_LIST_MAX`] attachments, contacts and relayed tasks.
    pub fn check_list_lengths(&self) -> Result<(), Invalid> {
        check_list_lengths(&[
            ("recipients", self.recipients.len(), LIST_MAX),
            ("attachments", self.attachments.len(), SHORT_LIST_MAX),
            ("contacts", self.contacts.len(), SHORT_LIST_MAX),
            ("relay_tasks", self.relay_tasks.len(), SHORT_LIST_MAX),
        ])
    }
}

/// Resolves codes and validates every field; `issuer` is already checked for Manage.
/// Every addressee must lie where the notice's direction allows ([`perm::addresses`]); a
/// campaign is attached only by whoever manages its owner, or kept from `relayed`, the
/// notice a relay passes on.
pub(crate) async fn notice_draft(
    app: &App,
    me: &Caller,
    issuer: &Org,
    f: &NoticeForm,
    relayed: Option<&Notice>,
) -> Result<NoticeDraft, AppError> {
    f.check_list_lengths()?;
    let mut errs = Invalid::default();
    let direction = Direction::parse("direction", &f.direction).ok();
    let direction = match f.direction.trim() {
        "" => Some(Direction::Down),
        _ => direction,
    };
    let mut recipients = Vec::new();
    for (i, r) in f.recipients.iter().enumerate() {
        if r.org_code.trim().is_empty() {
            continue;
        }
        let field = format!("recipients[{i}]");
        let org = org_by_code(app, &mut errs, &field, &r.org_code).await?;
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
        if let (Some(org), Some(direction)) = (&org, direction)
            && !perm::addresses(direction, &issuer.path, issuer.kind, &org.path)
        {
            errs.push(
                FieldError::new(&field, "recipient_out_of_reach")
                    .with("value", org.code.as_str())
                    .with("direction", direction.as_str()),
            );
            continue;
        }
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
        let kept = relayed.is_some_and(|o| o.campaign_id == Some(cid));
        match campaigns::get(&app.db, cid).await {
            Ok(c) if kept || me.actor().may(Action::Manage, &c.owner_path).is_ok() => {}
            Ok(c) if crate::campaigns::may_see_campaign(Some(me), &c) => {
                errs.push(FieldError::new("campaign_id", "campaign_not_managed").with("value", cid))
            }
            Ok(_) | Err(renke_store::StoreError::NotFound) => {
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
        direction: f.direction.clone(),
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
pub async fn create_notice(app: &App, me: &Caller, f: &NoticeForm) -> Result<Notice, AppError> {
    let mut errs = Invalid::default();
    let Some(issuer) = org_by_code(app, &mut errs, "issuer_code", &f.issuer_code).await? else {
        // Report the other fields too.
        if let Err(AppError::Invalid(more)) =
            notice_draft(app, me, &me_org(app, me).await?, f, None).await
        {
            errs.0.extend(more.0);
        }
        return Err(AppError::Invalid(errs));
    };
    me.actor().may(Action::Manage, &issuer.path)?;
    let d = notice_draft(app, me, &issuer, f, None).await?;
    Ok(notices::create(&app.db, &d, me.id, None, app.clock.now()).await?)
}

async fn me_org(app: &App, me: &Caller) -> Result<Org, AppError> {
    Ok(orgs::get(&app.db, me.org_id).await?)
}

/// Edits a draft (Manage on its issuer). An issued notice is refused with `notice_issued`.
pub async fn update_notice(
    app: &App,
    me: &Caller,
    id: i64,
    f: &NoticeForm,
) -> Result<Notice, AppError> {
    let n = notices::get(&app.db, id).await?;
    me.actor().may(Action::Manage, &n.issuer_path)?;
    if n.is_issued() {
        return Err(AppError::Conflict("notice_issued"));
    }
    let issuer = orgs::get(&app.db, n.issuer_org_id).await?;
    let relayed = match n.relays_id {
        Some(o) => Some(notices::get(&app.db, o).await?),
        None => None,
    };
    let d = notice_draft(app, me, &issuer, f, relayed.as_ref()).await?;
    Ok(notices::update(&app.db, id, &d, app.clock.now()).await?)
}

/// Issues a draft: it becomes immutable and lands in every recipient's inbox.
pub async fn issue_notice(app: &App, me: &Caller, id: i64) -> Result<Notice, AppError> {
    let n = notices::get(&app.db, id).await?;
    me.actor().may(Action::Manage, &n.issuer_path)?;
    notices::issue(&app.db, id, me.id, app.clock.now()).await?;
    Ok(notices::get(&app.db, id).await?)
}

/// Starts a correction of an issued notice: a new draft version superseding it.
pub async fn correct_notice(app: &App, me: &Caller, id: i64) -> Result<Notice, AppError> {
    let n = notices::get(&app.db, id).await?;
    me.actor().may(Action::Manage, &n.issuer_path)?;
    let new_id = notices::correct(&app.db, id, me.id, app.clock.now()).await?;
    Ok(notices::get(&app.db, new_id).await?)
}

/// 转发: a recipient bureau (`issuer_code`, Manage on it) relays an issued notice it
/// received with its own text and recipients; the original becomes its attachment.
pub async fn relay_notice(
    app: &App,
    me: &Caller,
    id: i64,
    f: &NoticeForm,
) -> Result<Notice, AppError> {
    let original = readable_notice(app, Some(me), id).await?;
    if !original.is_issued() {
        return Err(AppError::Conflict("notice_not_issued"));
    }
    let code = if f.issuer_code.trim().is_empty() {
        me.org_code.clone()
    } else {
        f.issuer_code.clone()
    };
    let mut errs = Invalid::default();
    let Some(issuer) = org_by_code(app, &mut errs, "issuer_code", &code).await? else {
        return Err(AppError::Invalid(errs));
    };
    me.actor().may(Action::Manage, &issuer.path)?;
    if notices::delivery(&app.db, id, issuer.id).await?.is_none() {
        return Err(AppError::Conflict("not_a_recipient"));
    }
    // A relay passes the notice down the tree, with its tasks.
    if Direction::parse("direction", &f.direction).is_ok_and(|d| d != Direction::Down) {
        return Err(AppError::field("direction", "relay_goes_down"));
    }
    // Every problem at once: the notice's fields and each relayed task's deadline.
    let d = notice_draft(app, me, &issuer, f, Some(&original)).await;
    let relayed = crate::reporting::tasks::relay_drafts(app, id, &issuer, &f.relay_tasks).await;
    let (d, relayed) = match (d, relayed) {
        (Ok(d), Ok(t)) => (d, t),
        (Err(AppError::Invalid(mut a)), Err(AppError::Invalid(b))) => {
            a.0.extend(b.0);
            return Err(AppError::Invalid(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    notices::create_relay(&app.db, &d, me.id, Some(id), &relayed, app.clock.now())
        .await
        .map_err(crate::reporting::tasks::conflict_to_field)
}

/// Whether `me` (or a visitor, `None`) may read `n`: 主动公开 issued notices are public;
/// drafts are for the issuer; other issued notices on a need-to-know basis
/// ([`Actor::reads_notice_of`](renke_domain::perm::Actor::reads_notice_of)): the issuer and
/// those above it, and the organisations it reached, directly or through relays down the
/// tree.
async fn may_read_notice(app: &App, me: Option<&Caller>, n: &Notice) -> Result<bool, AppError> {
    if n.is_issued() && n.publication == Publication::Active {
        return Ok(true);
    }
    let Some(me) = me else { return Ok(false) };
    let actor = me.actor();
    if !n.is_issued() {
        return Ok(actor.may(Action::Manage, &n.issuer_path).is_ok()
            || (me.org_path == n.issuer_path && actor.may(Action::View, &n.issuer_path).is_ok()));
    }
    if actor.reads_notice_of(&n.issuer_path, false) {
        return Ok(true);
    }
    let addressed = notices::reached(&app.db, n.id, me.org_id).await?;
    Ok(actor.reads_notice_of(&n.issuer_path, addressed))
}

pub(crate) async fn readable_notice(
    app: &App,
    me: Option<&Caller>,
    id: i64,
) -> Result<Notice, AppError> {
    let n = notices::get(&app.db, id).await?;
    if may_read_notice(app, me, &n).await? {
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
    /// 历史: the issuer's managers read the notice's audit trail.
    pub may_see_history: bool,
}

pub async fn notice_view(app: &App, me: Option<&Caller>, id: i64) -> Result<NoticeView, AppError> {
    let notice = readable_notice(app, me, id).await?;
    let mut chain_up = notices::chain_up(&app.db, id).await?;
    chain_up.retain(|c| c.notice.is_issued());
    chain_up.reverse();
    // The relays below: issued ones, and drafts to whoever manages their issuer; a visitor
    // without an account sees the public ones only (above, the notices relayed are part of
    // the relay itself: its first attachment).
    let mut chain_down = notices::chain_down(&app.db, id).await?;
    chain_down.retain(|c| match me {
        None => c.notice.is_issued() && c.publication == Publication::Active.as_str(),
        Some(a) => {
            c.notice.is_issued()
                || OrgPath::from_stored(c.issuer_path.clone())
                    .is_some_and(|p| a.actor().may(Action::Manage, &p).is_ok())
        }
    });
    let original = chain_up.last().map(|c| c.notice.clone());
    let mut versions = notices::versions(&app.db, id).await?;
    let manage = me.is_some_and(|a| a.actor().may(Action::Manage, &notice.issuer_path).is_ok());
    if !manage {
        versions.retain(NoticeRef::is_issued);
    }
    let my_delivery = match me {
        Some(a) if notice.is_issued() => notices::delivery(&app.db, id, a.org_id).await?,
        _ => None,
    };
    let acting = me.is_some_and(|a| a.actor().may(Action::Act, &a.org_path).is_ok());
    let manage_own = me.is_some_and(|a| a.actor().may(Action::Manage, &a.org_path).is_ok());
    let corrected = versions.iter().any(|v| v.version > notice.version);
    Ok(NoticeView {
        may_see_history: manage,
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
    app: &App,
    me: &Caller,
    id: i64,
    org_id: Option<i64>,
) -> Result<Delivery, AppError> {
    let n = readable_notice(app, Some(me), id).await?;
    let org = orgs::get(&app.db, org_id.unwrap_or(me.org_id)).await?;
    me.actor().may(Action::Act, &org.path)?;
    if !n.is_issued() {
        return Err(AppError::Conflict("notice_not_issued"));
    }
    notices::acknowledge(&app.db, id, org.id, me.id, app.clock.now()).await?;
    notices::delivery(&app.db, id, org.id)
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

pub async fn notice_status(app: &App, me: &Caller, id: i64) -> Result<AckStatus, AppError> {
    let notice = notices::get(&app.db, id).await?;
    me.actor().may(Action::Act, &notice.issuer_path)?;
    let rows = notices::ack_status(&app.db, id).await?;
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
    app: &App,
    me: &Caller,
    offset: i64,
    limit: i64,
) -> Result<(Page<InboxItem>, i64), AppError> {
    me.actor().may(Action::View, &me.org_path)?;
    Ok(notices::inbox(&app.db, me.org_id, offset, limit).await?)
}

/// Notices the account's organisation issues, drafts included for those who manage it; for
/// a department, its bureau's issued notices too.
pub async fn sent_notices(
    app: &App,
    me: &Caller,
    offset: i64,
    limit: i64,
) -> Result<Page<NoticeRef>, AppError> {
    let actor = me.actor();
    actor.may(Action::View, &me.org_path)?;
    // A department lists its bureau's notices too: it works them (see `Actor::bureau`).
    let bureau = actor.bureau().and_then(|b| b.ids().last());
    let issuers: Vec<i64> = std::iter::once(me.org_id).chain(bureau).collect();
    // Drafts are shown to whoever may manage their issuer.
    let drafts_of = actor
        .may(Action::Manage, &me.org_path)
        .is_ok()
        .then_some(me.org_id);
    Ok(notices::sent(&app.db, &issuers, drafts_of, offset, limit).await?)
}

/// The 签收 progress of the latest notices the account's organisation (or, for a
/// department, its bureau) issued: each with how many it reached and how many acknowledged.
pub async fn sent_progress(
    app: &App,
    me: &Caller,
    limit: i64,
) -> Result<Vec<(NoticeRef, i64, i64)>, AppError> {
    let sent = sent_notices(app, me, 0, limit).await?;
    let issued: Vec<NoticeRef> = sent.items.into_iter().filter(|n| n.is_issued()).collect();
    let ids: Vec<i64> = issued.iter().map(|n| n.id).collect();
    let counts = notices::ack_counts(&app.db, &ids).await?;
    Ok(issued
        .into_iter()
        .map(|n| {
            let (d, a) = counts
                .iter()
                .find(|c| c.0 == n.id)
                .map_or((0, 0), |c| (c.1, c.2));
            (n, d, a)
        })
        .collect())
}

/// Published notices of a public campaign, for its public page.
pub async fn public_notices(app: &App, c: &Campaign) -> Result<Vec<NoticeRef>, AppError> {
    if !c.public {
        return Ok(Vec::new());
    }
    Ok(notices::public_for_campaign(&app.db, c.id).await?)
}

/// A form prefilled from a notice: for editing a draft, or (with `relay`) for relaying it.
/// Whether the caller may draft notices for its own organisation (the 新建通知 button).
pub fn may_create_notice(me: &Caller) -> bool {
    me.actor().may(Action::Manage, &me.org_path).is_ok()
}

/// Whether the caller manages the notice's issuer (and so its tasks and relays).
pub fn may_manage_issuer(me: &Caller, n: &Notice) -> bool {
    me.actor().may(Action::Manage, &n.issuer_path).is_ok()
}

pub fn notice_form_from(n: &Notice, relay_by: Option<&Caller>) -> NoticeForm {
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
            doc_number: n.doc_number.clone().unwrap_or_default(),
            title: n.title.clone(),
            recipients,
            body: n.body.clone(),
            attachments: n.attachments.clone(),
            signature: n.signature.clone().unwrap_or_default(),
            written_on: n.written_on.to_string(),
            notes: n.notes.clone().unwrap_or_default(),
            contacts,
            publication: n.publication.as_str().to_owned(),
            direction: n.direction.as_str().to_owned(),
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
                "现将{}转发给你们，请结合实际认真贯彻落实。",
                renke_domain::notice::cite(&format!("《{}》", n.title), n.doc_number.as_deref())
            ),
            publication: n.publication.as_str().to_owned(),
            campaign_id: n.campaign_id,
            ..Default::default()
        },
    }
}
