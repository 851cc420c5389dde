//! The industry initiative (行业倡议): rows of `publicity_initiatives` and the institutions'
//! signatures in `publicity_signatures` (one per institution, by the table's unique key).

use crate::orgs::Page;
use crate::{Db, StoreError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use renke_domain::initiative::{InitiativeState, InitiativeText, Signer, join_kinds, split_kinds};
use renke_domain::org::{OrgKind, OrgPath};
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// An initiative as stored, with its publisher's and campaign's names and its number of
/// signatures.
#[derive(Debug, Clone, Serialize)]
pub struct Initiative {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_title: String,
    pub activity_id: Option<i64>,
    pub activity_title: Option<String>,
    pub owner_org_id: i64,
    pub owner_name: String,
    #[serde(skip)]
    pub owner_path: OrgPath,
    pub title: String,
    pub body: String,
    pub kinds: Vec<OrgKind>,
    #[serde(skip)]
    pub area: OrgPath,
    pub area_name: String,
    pub state: InitiativeState,
    pub published_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub signatures: i64,
}

#[derive(sqlx::FromRow)]
struct InitiativeRow {
    id: i64,
    campaign_id: i64,
    campaign_title: String,
    activity_id: Option<i64>,
    activity_title: Option<String>,
    owner_org_id: i64,
    owner_name: String,
    owner_path: String,
    title: String,
    body: String,
    kinds: String,
    area_path: String,
    area_name: Option<String>,
    state: String,
    published_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    signatures: i64,
}

impl TryFrom<InitiativeRow> for Initiative {
    type Error = StoreError;
    fn try_from(r: InitiativeRow) -> Result<Initiative, StoreError> {
        let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("initiative {what} {v:?}"));
        Ok(Initiative {
            state: InitiativeState::from_code(&r.state)
                .ok_or_else(|| corrupt("state", &r.state))?,
            kinds: split_kinds(&r.kinds).ok_or_else(|| corrupt("kinds", &r.kinds))?,
            owner_path: OrgPath::from_stored(r.owner_path.clone())
                .ok_or_else(|| corrupt("path", &r.owner_path))?,
            area: OrgPath::from_stored(r.area_path.clone())
                .ok_or_else(|| corrupt("area", &r.area_path))?,
            area_name: r.area_name.unwrap_or_default(),
            id: r.id,
            campaign_id: r.campaign_id,
            campaign_title: r.campaign_title,
            activity_id: r.activity_id,
            activity_title: r.activity_title,
            owner_org_id: r.owner_org_id,
            owner_name: r.owner_name,
            title: r.title,
            body: r.body,
            published_at: r.published_at,
            closed_at: r.closed_at,
            signatures: r.signatures,
        })
    }
}

const SELECT: &str = "SELECT i.id, i.campaign_id, c.title AS campaign_title, i.activity_id, \
    a.title AS activity_title, i.owner_org_id, o.name AS owner_name, o.path AS owner_path, \
    i.title, i.body, i.kinds, i.area_path, ar.name AS area_name, i.state, i.published_at, \
    i.closed_at, \
    (SELECT COUNT(*) FROM publicity_signatures s WHERE s.initiative_id = i.id) AS signatures \
    FROM publicity_initiatives i JOIN orgs o ON o.id = i.owner_org_id \
    JOIN campaigns c ON c.id = i.campaign_id \
    LEFT JOIN orgs ar ON ar.path = i.area_path \
    LEFT JOIN activities a ON a.id = i.activity_id";

/// An initiative to publish.
pub struct NewInitiative<'a> {
    pub campaign_id: i64,
    pub activity_id: Option<i64>,
    pub owner_org_id: i64,
    pub area: &'a OrgPath,
    pub text: &'a InitiativeText,
    pub by: i64,
}

/// Publishes an initiative, open for signatures at once.
pub async fn create(
    db: &Db,
    n: &NewInitiative<'_>,
    now: DateTime<Utc>,
) -> Result<Initiative, StoreError> {
    let mut tx = db.write().await?;
    let id: i64 = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
            "INSERT INTO publicity_initiatives (campaign_id, activity_id, owner_org_id, title, \
             body, kinds, area_path, state, published_by, published_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(n.campaign_id)
        .bind(n.activity_id)
        .bind(n.owner_org_id)
        .bind(n.text.title.as_str())
        .bind(&n.text.body)
        .bind(join_kinds(&n.text.kinds))
        .bind(n.area.as_str())
        .bind(InitiativeState::Open.as_str())
        .bind(n.by)
        .bind(now)
        .fetch_one(&mut *c)
        .await?
    });
    tell_addressed(&mut tx, id, n, now).await?;
    crate::search::sync_in(&mut tx, crate::search::Source::Initiative(id)).await?;
    tx.commit().await?;
    get(db, id).await
}

/// Tells every institution the new initiative addresses, in its transaction: one message
/// each, linking to the initiative's page (one INSERT … SELECT over the area).
async fn tell_addressed(
    tx: &mut Tx,
    id: i64,
    n: &NewInitiative<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO messages (org_id, kind, title, body, link, created_at) \
         SELECT o.id, 'initiative_published', \
         (SELECT p.name FROM orgs p WHERE p.id = $1) || ' 发起倡议《' || $2 || '》 / New initiative', \
         '请本机构组织者账号登录后署名签署。Your institution''s organiser can sign it.', \
         $3, $4 FROM orgs o WHERE o.path >= $5 AND o.path < $6 \
         AND (',' || $7 || ',') LIKE ('%,' || o.kind || ',%') AND o.id <> $1"
    )
    .bind(n.owner_org_id)
    .bind(n.text.title.as_str())
    .bind(format!("/publicity/initiatives/{id}"))
    .bind(now)
    .bind(n.area.as_str())
    .bind(n.area.upper_bound())
    .bind(join_kinds(&n.text.kinds))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())?
    });
    Ok(())
}

/// One initiative.
pub async fn get(db: &Db, id: i64) -> Result<Initiative, StoreError> {
    let sql = format!("{SELECT} WHERE i.id = $1");
    let row: Option<InitiativeRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_optional(p)
        .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// The initiatives of campaign `campaign_id`, newest first.
pub async fn of_campaign(db: &Db, campaign_id: i64) -> Result<Vec<Initiative>, StoreError> {
    let sql = format!("{SELECT} WHERE i.campaign_id = $1 ORDER BY i.published_at DESC, i.id DESC");
    let rows: Vec<InitiativeRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(campaign_id)
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(Initiative::try_from).collect()
}

/// Closes an open initiative (no more signatures); `initiative_closed` when it is closed
/// already.
pub async fn close(db: &Db, id: i64, by: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE publicity_initiatives SET state = 'closed', closed_by = $1, closed_at = $2 \
         WHERE id = $3 AND state = 'open'"
    )
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())?);
    if n == 0 {
        return Err(StoreError::State("initiative_closed"));
    }
    tx.commit().await?;
    Ok(())
}

/// An institution's signature.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Signature {
    pub id: i64,
    pub initiative_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: String,
    pub signer_name: String,
    pub signer_title: String,
    pub signed_at: DateTime<Utc>,
}

const SIGNATURE: &str = "SELECT s.id, s.initiative_id, s.org_id, o.name AS org_name, \
    o.kind AS org_kind, s.signer_name, s.signer_title, s.signed_at \
    FROM publicity_signatures s JOIN orgs o ON o.id = s.org_id";

/// Signs initiative `initiative_id` for organisation `org_id` (by account `by`; `None` for
/// a signature recorded from paper), in one transaction that
/// checks the initiative is still open (`initiative_closed`); a second signature of the
/// same institution is refused by the unique key (`initiative_already_signed`).
pub async fn sign(
    db: &Db,
    initiative_id: i64,
    org_id: i64,
    signer: &Signer,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Signature, StoreError> {
    let mut tx = db.write().await?;
    let found: Option<(String, i64, String)> = on_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT state, owner_org_id, title FROM publicity_initiatives WHERE id = $1"
    )
    .bind(initiative_id)
    .fetch_optional(&mut *c)
    .await?);
    let (owner, title) = match found {
        None => return Err(StoreError::NotFound),
        Some((state, owner, title)) if state == "open" => (owner, title),
        Some(_) => return Err(StoreError::State("initiative_closed")),
    };
    let inserted: Result<i64, StoreError> = on_tx!(&mut tx, |c| sqlx::query_scalar(
        "INSERT INTO publicity_signatures (initiative_id, org_id, signer_name, signer_title, \
         signed_by, signed_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    )
    .bind(initiative_id)
    .bind(org_id)
    .bind(signer.name.as_str())
    .bind(signer.title.as_str())
    .bind(by)
    .bind(now)
    .fetch_one(&mut *c)
    .await
    .map_err(StoreError::from));
    let id = match inserted {
        Ok(id) => id,
        Err(StoreError::Conflict { .. }) => {
            return Err(StoreError::State("initiative_already_signed"));
        }
        Err(e) => return Err(e),
    };
    let sql = format!("{SIGNATURE} WHERE s.id = $1");
    let signature: Signature = on_tx!(&mut tx, |c| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_one(&mut *c)
        .await?);
    // One line per signature in the publisher's unread message about this initiative.
    crate::reminders::notify(
        &mut tx,
        owner,
        "initiative_signed",
        &format!("《{title}》有新的签署 / New signatures"),
        &format!(
            "{}（{}，{}）已签署（{}）",
            signature.org_name,
            signature.signer_name,
            signature.signer_title,
            renke_domain::clock::local_time(&now)
        ),
        &format!("/publicity/initiatives/{initiative_id}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(signature)
}

/// Withdraws the signature of organisation `org_id` from an open initiative
/// (`initiative_closed` when closed, not found when it has not signed).
pub async fn withdraw(db: &Db, initiative_id: i64, org_id: i64) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM publicity_signatures WHERE initiative_id = $1 AND org_id = $2 \
         AND EXISTS (SELECT 1 FROM publicity_initiatives i WHERE i.id = $1 AND i.state = 'open')"
    )
    .bind(initiative_id)
    .bind(org_id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())?);
    if n == 0 {
        drop(tx);
        let i = get(db, initiative_id).await?;
        return Err(if i.state == InitiativeState::Closed {
            StoreError::State("initiative_closed")
        } else {
            StoreError::NotFound
        });
    }
    tx.commit().await?;
    Ok(())
}

/// The signature of organisation `org_id`, if it signed.
pub async fn signature_of(
    db: &Db,
    initiative_id: i64,
    org_id: i64,
) -> Result<Option<Signature>, StoreError> {
    let sql = format!("{SIGNATURE} WHERE s.initiative_id = $1 AND s.org_id = $2");
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(initiative_id)
        .bind(org_id)
        .fetch_optional(p)
        .await)?)
}

/// The signatures of an initiative in the order they came, paged.
pub async fn signatures(
    db: &Db,
    initiative_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Page<Signature>, StoreError> {
    let limit = limit.clamp(1, 200);
    let offset = offset.max(0);
    let sql = format!(
        "{SIGNATURE} WHERE s.initiative_id = $1 ORDER BY s.signed_at, s.id \
         LIMIT {limit} OFFSET {offset}"
    );
    let (items, total): (Vec<Signature>, i64) = on_db!(db, |p| (
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(initiative_id)
            .fetch_all(p)
            .await?,
        sqlx::query_scalar("SELECT COUNT(*) FROM publicity_signatures WHERE initiative_id = $1")
            .bind(initiative_id)
            .fetch_one(p)
            .await?
    ));
    Ok(Page {
        items,
        total,
        offset,
        limit,
    })
}

/// An institution addressed by an initiative that has not signed it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Unsigned {
    pub org_id: i64,
    pub name: String,
    pub kind: String,
    /// The organisation directly above it (its district or city bureau).
    pub parent_name: Option<String>,
}

/// The institutions `i` addresses (its kinds, in its area, not its publisher) that have
/// not signed, in tree order, paged; and how many it addresses in all.
pub async fn unsigned(
    db: &Db,
    i: &Initiative,
    offset: i64,
    limit: i64,
) -> Result<(Page<Unsigned>, i64), StoreError> {
    let limit = limit.clamp(1, 200);
    let offset = offset.max(0);
    // $1 area, $2 its upper bound, $3 kinds joined by commas, $4 the publisher, $5 the
    // initiative.
    let addressed = "o.path >= $1 AND o.path < $2 \
        AND (',' || $3 || ',') LIKE ('%,' || o.kind || ',%') AND o.id <> $4 AND $5 = $5";
    let not_signed = "NOT EXISTS (SELECT 1 FROM publicity_signatures s \
        WHERE s.initiative_id = $5 AND s.org_id = o.id)";
    let sql = format!(
        "SELECT o.id AS org_id, o.name, o.kind, p.name AS parent_name FROM orgs o \
         LEFT JOIN orgs p ON p.id = o.parent_id WHERE {addressed} AND {not_signed} \
         ORDER BY o.path LIMIT {limit} OFFSET {offset}"
    );
    let count = format!("SELECT COUNT(*) FROM orgs o WHERE {addressed} AND {not_signed}");
    let all = format!("SELECT COUNT(*) FROM orgs o WHERE {addressed}");
    let kinds = join_kinds(&i.kinds);
    let upper = i.area.upper_bound();
    let (items, total, addressed_total): (Vec<Unsigned>, i64, i64) = on_db!(db, |p| (
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(i.area.as_str())
            .bind(&upper)
            .bind(&kinds)
            .bind(i.owner_org_id)
            .bind(i.id)
            .fetch_all(p)
            .await?,
        sqlx::query_scalar(AssertSqlSafe(count.as_str()))
            .bind(i.area.as_str())
            .bind(&upper)
            .bind(&kinds)
            .bind(i.owner_org_id)
            .bind(i.id)
            .fetch_one(p)
            .await?,
        sqlx::query_scalar(AssertSqlSafe(all.as_str()))
            .bind(i.area.as_str())
            .bind(&upper)
            .bind(&kinds)
            .bind(i.owner_org_id)
            .bind(i.id)
            .fetch_one(p)
            .await?
    ));
    Ok((
        Page {
            items,
            total,
            offset,
            limit,
        },
        addressed_total,
    ))
}
