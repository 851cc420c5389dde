//! API types: what `/api/v1` sends and accepts. Kept apart from the store models so the
//! database can change without changing the API. Dates are ISO 8601 (`2022-06-09`),
//! timestamps RFC 3339 in UTC.

use chrono::{DateTime, NaiveDate, Utc};
use renke_app::model::Account;
use renke_app::model::ApiToken;
use renke_app::model::{Campaign, LocalTheme};
use renke_app::model::{ChainEntry, Delivery, DeliveryStatus, Notice, NoticeRef};
use renke_app::model::{Org, OrgNode, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One page of results with the total number of matches.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageDto<T> {
    pub items: Vec<T>,
    /// Number of matches over all pages.
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
}

impl<T> PageDto<T> {
    pub fn map<S>(page: Page<S>, f: impl Fn(S) -> T) -> Self {
        PageDto {
            items: page.items.into_iter().map(f).collect(),
            total: page.total,
            offset: page.offset,
            limit: page.limit,
        }
    }
}

/// Paging parameters: `offset` (default 0) and `limit` (default 50, at most 500).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items to skip (default 0).
    pub offset: Option<i64>,
    /// Items per page (default 50, at most 500).
    pub limit: Option<i64>,
}

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

impl PageQuery {
    pub fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).max(0)
    }
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }
}

/// An organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgDto {
    pub id: i64,
    /// Stable code, unchanged by renames and moves.
    pub code: String,
    pub parent_id: Option<i64>,
    /// Materialised path of ids from the root, e.g. `/1/7/42/`.
    pub path: String,
    /// 0 for a root.
    pub depth: i32,
    pub name: String,
    pub short_name: Option<String>,
    pub name_en: Option<String>,
    /// `regulator`, `department`, `accreditation_body`, `certification_body`, `lab`,
    /// `association`, `research_institute`, `university`, `company`, `archive`,
    /// `public_institution`.
    pub kind: String,
    /// For regulators: `national`, `provincial`, `municipal`, `district`.
    pub admin_level: Option<String>,
    /// For labs: `national` or `provincial`.
    pub cma_level: Option<String>,
    /// `mainland`, `hong_kong` or `macau`.
    pub region: String,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Org> for OrgDto {
    fn from(o: Org) -> Self {
        OrgDto {
            id: o.id,
            code: o.code,
            parent_id: o.parent_id,
            path: o.path.as_str().to_owned(),
            depth: o.depth,
            name: o.name,
            short_name: o.short_name,
            name_en: o.name_en,
            kind: o.kind.as_str().to_owned(),
            admin_level: o.admin_level.map(|l| l.as_str().to_owned()),
            cma_level: o.cma_level.map(|l| l.as_str().to_owned()),
            region: o.region.as_str().to_owned(),
            contact_name: o.contact_name,
            contact_phone: o.contact_phone,
            contact_email: o.contact_email,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// An organisation in a tree listing, with the number of its direct children.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgNodeDto {
    #[serde(flatten)]
    pub org: OrgDto,
    pub child_count: i64,
}

impl From<OrgNode> for OrgNodeDto {
    fn from(n: OrgNode) -> Self {
        OrgNodeDto {
            org: n.org.into(),
            child_count: n.child_count,
        }
    }
}

/// A short reference to an organisation (breadcrumbs).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgRefDto {
    pub id: i64,
    pub code: String,
    pub name: String,
}

impl From<Org> for OrgRefDto {
    fn from(o: Org) -> Self {
        OrgRefDto {
            id: o.id,
            code: o.code,
            name: o.name,
        }
    }
}

/// An organisation with its place in the tree and what the caller may do to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgDetailDto {
    #[serde(flatten)]
    pub org: OrgDto,
    /// From the root down to the organisation itself.
    pub ancestors: Vec<OrgRefDto>,
    /// Organisations in the subtree, the organisation itself included.
    pub subtree_count: i64,
    /// Direct children.
    pub child_count: i64,
    pub may_manage: bool,
    pub may_move: bool,
    pub may_manage_accounts: bool,
}

/// An account; never its password hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountDto {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    /// `admin`, `organiser`, `staff` or `viewer`.
    pub role: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// `zh-CN`, `en`, or none to follow the browser.
    pub locale: Option<String>,
    /// E-mail digests of the account's messages: `off`, `hourly` or `daily` (08:00).
    pub mail_digest: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// 工号: the external id a first sign-in through the OpenID provider is matched by.
    pub external_id: Option<String>,
}

impl From<Account> for AccountDto {
    fn from(a: Account) -> Self {
        AccountDto {
            id: a.id,
            login: a.login,
            display_name: a.display_name,
            org_id: a.org_id,
            org_code: a.org_code,
            org_name: a.org_name,
            role: a.role.as_str().to_owned(),
            email: a.email,
            phone: a.phone,
            locale: a.locale,
            mail_digest: a.mail_digest.as_str().to_owned(),
            active: a.active,
            created_at: a.created_at,
            external_id: a.external_id,
        }
    }
}

/// The calling account and how it authenticated.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    pub account: AccountDto,
    /// `session` (cookie) or `token` (Bearer).
    pub auth: String,
    /// For cookie sessions: the value unsafe requests must send as `X-CSRF-Token`.
    pub csrf_token: Option<String>,
}

/// A personal API token as listed (never the secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The token stops working at this time.
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<ApiToken> for TokenDto {
    fn from(t: ApiToken) -> Self {
        TokenDto {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
            expires_at: t.expires_at,
        }
    }
}

/// A new token with its secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenDto {
    #[serde(flatten)]
    pub entry: TokenDto,
    /// Send as `Authorization: Bearer <token>`. Not retrievable later.
    pub token: String,
}

/// A campaign such as a World Accreditation Day.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignDto {
    pub id: i64,
    pub title: String,
    pub edition: Option<i32>,
    /// The edition in Chinese, e.g. `第十五个`.
    pub edition_zh: Option<String>,
    pub day: NaiveDate,
    pub international_theme: Option<String>,
    pub domestic_theme: Option<String>,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub public: bool,
    pub local_themes: Vec<LocalThemeDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One organiser's local theme.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocalThemeDto {
    pub org_id: i64,
    pub org_name: String,
    pub theme: String,
}

impl From<LocalTheme> for LocalThemeDto {
    fn from(t: LocalTheme) -> Self {
        LocalThemeDto {
            org_id: t.org_id,
            org_name: t.org_name,
            theme: t.theme,
        }
    }
}

impl From<Campaign> for CampaignDto {
    fn from(c: Campaign) -> Self {
        CampaignDto {
            id: c.id,
            title: c.title,
            edition: c.edition,
            edition_zh: c
                .edition
                .and_then(|e| u32::try_from(e).ok())
                .map(renke_domain::campaign::edition_zh),
            day: c.day,
            international_theme: c.international_theme,
            domestic_theme: c.domestic_theme,
            owner_org_id: c.owner_org_id,
            owner_name: c.owner_name,
            public: c.public,
            local_themes: c.local_themes.into_iter().map(Into::into).collect(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

// ---------------------------------------------------------------- request bodies

/// Login with name and password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginBody {
    pub login: String,
    pub password: String,
}

/// The interface language: `zh-CN`, `en`, or null to follow the browser.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LocaleBody {
    pub locale: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MailDigestBody {
    /// `off` (不发邮件), `hourly` (每小时汇总一封) or `daily` (每天上午8时汇总一封).
    pub mail_digest: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTokenBody {
    /// A name to recognise the token by, e.g. `报送脚本`.
    pub name: String,
    /// Days the token lasts: 1 to 365, default 90.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 365)]
    pub days: Option<i64>,
}

/// A new organisation under `parent_id`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewOrgBody {
    pub parent_id: i64,
    #[serde(flatten)]
    #[schema(value_type = super::schema::form::OrgInput)]
    pub org: renke_app::orgs::OrgInput,
}

/// Move to the organisation with this code (the subtree moves along).
#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveBody {
    pub parent_code: String,
}

/// An account's external id (工号) in the unified identity platform; empty or absent
/// clears it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ExternalIdBody {
    /// 工号, e.g. `GD-0001`; at most 64 characters.
    #[serde(default)]
    pub external_id: Option<String>,
}

/// A new password set by an administrator or organiser.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetPasswordBody {
    pub password: String,
}

// ---------------------------------------------------------------- query strings

/// Organisation search.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgSearchQuery {
    /// Part of the name, short name or code, e.g. `深圳`.
    pub q: Option<String>,
    /// Only this kind, e.g. `lab` (code, Chinese or English label).
    pub kind: Option<String>,
    /// Only inside the subtree of this organisation id.
    pub within: Option<i64>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

/// Accounts of an organisation's subtree.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    /// Organisation id (default: the caller's own organisation).
    pub org: Option<i64>,
    pub offset: Option<i64>,
    pub limit: Option<i64>,
}

// ---------------------------------------------------------------- notices

/// One entry of 主送.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeRecipientDto {
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    /// Set for a group: every direct child of the organisation of this kind.
    pub children_kind: Option<String>,
    pub label: Option<String>,
}

/// A contact person (联系人).
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactDto {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A notice with every element of GB/T 9704-2012.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeDto {
    pub id: i64,
    pub issuer_org_id: i64,
    pub issuer_name: String,
    /// Normalised, e.g. `粤市监认监〔2022〕253号`; null for a notice without one (无文号).
    pub doc_number: Option<String>,
    pub title: String,
    pub recipients: Vec<NoticeRecipientDto>,
    /// Plain text; headings start with 一、 （一） 1. （1）.
    pub body: String,
    pub attachments: Vec<String>,
    pub signature: Option<String>,
    pub written_on: NaiveDate,
    pub notes: Option<String>,
    pub contacts: Vec<ContactDto>,
    /// `active` 主动公开, `on_request` 依申请公开, `not_public` 不予公开.
    pub publication: String,
    /// 行文方向: `down` 下行文, `up` 上行文 (to a superior), `across` 平行文 (to a peer).
    pub direction: String,
    pub cc: Option<String>,
    pub printed_by: Option<String>,
    pub printed_on: Option<NaiveDate>,
    pub proofreader: Option<String>,
    pub campaign_id: Option<i64>,
    /// `draft` or `issued`.
    pub status: String,
    pub version: i32,
    pub supersedes_id: Option<i64>,
    /// The notice this one relays (转发).
    pub relays_id: Option<i64>,
    pub issued_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Notice> for NoticeDto {
    fn from(n: Notice) -> Self {
        NoticeDto {
            id: n.id,
            issuer_org_id: n.issuer_org_id,
            issuer_name: n.issuer_name,
            doc_number: n.doc_number,
            title: n.title,
            recipients: n
                .recipients
                .into_iter()
                .map(|r| NoticeRecipientDto {
                    org_id: r.org_id,
                    org_code: r.org_code,
                    org_name: r.org_name,
                    children_kind: r.children_kind.map(|k| k.as_str().to_owned()),
                    label: r.label,
                })
                .collect(),
            body: n.body,
            attachments: n.attachments,
            signature: n.signature,
            written_on: n.written_on,
            notes: n.notes,
            contacts: n
                .contacts
                .into_iter()
                .map(|c| ContactDto {
                    name: c.name,
                    phone: c.phone,
                    email: c.email,
                })
                .collect(),
            publication: n.publication.as_str().to_owned(),
            direction: n.direction.as_str().to_owned(),
            cc: n.cc,
            printed_by: n.printed_by,
            printed_on: n.printed_on,
            proofreader: n.proofreader,
            campaign_id: n.campaign_id,
            status: n.status.as_str().to_owned(),
            version: n.version,
            supersedes_id: n.supersedes_id,
            relays_id: n.relays_id,
            issued_at: n.issued_at,
            created_at: n.created_at,
            updated_at: n.updated_at,
        }
    }
}

/// A short reference to a notice.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeRefDto {
    pub id: i64,
    /// Null for a notice without one (无文号).
    pub doc_number: Option<String>,
    pub title: String,
    pub issuer_org_id: i64,
    pub issuer_name: String,
    pub status: String,
    pub version: i32,
    pub written_on: NaiveDate,
    pub issued_at: Option<DateTime<Utc>>,
}

impl From<NoticeRef> for NoticeRefDto {
    fn from(n: NoticeRef) -> Self {
        NoticeRefDto {
            id: n.id,
            doc_number: n.doc_number,
            title: n.title,
            issuer_org_id: n.issuer_org_id,
            issuer_name: n.issuer_name,
            status: n.status,
            version: n.version,
            written_on: n.written_on,
            issued_at: n.issued_at,
        }
    }
}

/// A notice in a relay chain; `depth` 1 is the nearest.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChainEntryDto {
    pub notice: NoticeRefDto,
    pub depth: i32,
}

impl From<ChainEntry> for ChainEntryDto {
    fn from(c: ChainEntry) -> Self {
        ChainEntryDto {
            notice: c.notice.into(),
            depth: c.depth,
        }
    }
}

/// The delivery of a notice to one organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryDto {
    pub org_id: i64,
    pub delivered_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<i64>,
}

impl From<Delivery> for DeliveryDto {
    fn from(d: Delivery) -> Self {
        DeliveryDto {
            org_id: d.org_id,
            delivered_at: d.delivered_at,
            acknowledged_at: d.acknowledged_at,
            acknowledged_by: d.acknowledged_by,
        }
    }
}

/// A notice with its relay chain both ways, its versions and the caller's delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeDetailDto {
    pub notice: NoticeDto,
    /// The notices it relays, from the top (national first).
    pub relays: Vec<ChainEntryDto>,
    /// The notices relaying it, and their relays, in tree order.
    pub relayed_by: Vec<ChainEntryDto>,
    /// Every version, oldest first.
    pub versions: Vec<NoticeRefDto>,
    /// The delivery to the caller's organisation, when it is a recipient.
    pub my_delivery: Option<DeliveryDto>,
}

/// A notice in an inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxItemDto {
    pub notice: NoticeRefDto,
    pub delivered_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// An organisation's inbox, unacknowledged first.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxDto {
    pub items: Vec<InboxItemDto>,
    pub total: i64,
    /// Not yet acknowledged.
    pub unacknowledged: i64,
    pub offset: i64,
    pub limit: i64,
}

/// One recipient organisation's acknowledgement.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryStatusDto {
    pub notice_id: i64,
    pub doc_number: Option<String>,
    pub issuer_name: String,
    /// 0 for the notice itself, 1 for its relays, 2 for relays of relays.
    pub depth: i32,
    pub org_id: i64,
    pub org_name: String,
    pub delivered_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Display name of who acknowledged.
    pub acknowledged_by: Option<String>,
}

/// Who has and has not acknowledged, down the relay cascade.
#[derive(Debug, Serialize, ToSchema)]
pub struct AckStatusDto {
    pub notice_id: i64,
    pub total: usize,
    pub acknowledged: usize,
    pub not_acknowledged: usize,
    pub rows: Vec<DeliveryStatusDto>,
}

impl From<DeliveryStatus> for DeliveryStatusDto {
    fn from(d: DeliveryStatus) -> Self {
        DeliveryStatusDto {
            notice_id: d.notice_id,
            doc_number: d.doc_number,
            issuer_name: d.issuer_name,
            depth: d.depth,
            org_id: d.org_id,
            org_name: d.org_name,
            delivered_at: d.delivered_at,
            acknowledged_at: d.acknowledged_at,
            acknowledged_by: d.acknowledged_by,
        }
    }
}
