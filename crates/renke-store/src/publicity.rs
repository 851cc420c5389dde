//! The materials library of a campaign (宣传资料) and its public download zone: rows of
//! `publicity_materials`, their files (and image thumbnails) in `files`.

use crate::files::Staged;
use crate::orgs::Page;
use crate::{Db, StoreError, on_db, on_tx};
use chrono::{DateTime, Utc};
use renke_domain::org::OrgPath;
use renke_domain::publicity::{MaterialKind, MaterialState, MaterialStep, MaterialText};
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// A material as stored, with its unit's and campaign's names and its file's.
#[derive(Debug, Clone, Serialize)]
pub struct Material {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_title: String,
    pub activity_id: Option<i64>,
    pub activity_title: Option<String>,
    pub org_id: i64,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: OrgPath,
    pub kind: MaterialKind,
    pub title: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub consent: Option<String>,
    pub link: Option<String>,
    pub file_id: Option<i64>,
    pub file_name: Option<String>,
    pub file_size: Option<i64>,
    pub thumb_id: Option<i64>,
    /// The campaign's own material (posters, logos, slogans), published when added.
    pub official: bool,
    pub state: MaterialState,
    /// Why it was returned.
    pub reason: Option<String>,
    pub downloads: i64,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct MaterialRow {
    id: i64,
    campaign_id: i64,
    campaign_title: String,
    activity_id: Option<i64>,
    activity_title: Option<String>,
    org_id: i64,
    org_name: String,
    org_path: String,
    kind: String,
    title: String,
    description: Option<String>,
    tags: String,
    consent: Option<String>,
    link: Option<String>,
    file_id: Option<i64>,
    file_name: Option<String>,
    file_size: Option<i64>,
    thumb_id: Option<i64>,
    official: bool,
    state: String,
    reason: Option<String>,
    downloads: i64,
    submitted_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
    published_at: Option<DateTime<Utc>>,
}

impl TryFrom<MaterialRow> for Material {
    type Error = StoreError;
    fn try_from(r: MaterialRow) -> Result<Material, StoreError> {
        let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("material {what} {v:?}"));
        Ok(Material {
            kind: MaterialKind::from_code(&r.kind).ok_or_else(|| corrupt("kind", &r.kind))?,
            state: MaterialState::from_code(&r.state).ok_or_else(|| corrupt("state", &r.state))?,
            org_path: OrgPath::from_stored(r.org_path.clone())
                .ok_or_else(|| corrupt("path", &r.org_path))?,
            tags: r
                .tags
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            id: r.id,
            campaign_id: r.campaign_id,
            campaign_title: r.campaign_title,
            activity_id: r.activity_id,
            activity_title: r.activity_title,
            org_id: r.org_id,
            org_name: r.org_name,
            title: r.title,
            description: r.description,
            consent: r.consent,
            link: r.link,
            file_id: r.file_id,
            file_name: r.file_name,
            file_size: r.file_size,
            thumb_id: r.thumb_id,
            official: r.official,
            reason: r.reason,
            downloads: r.downloads,
            submitted_at: r.submitted_at,
            decided_at: r.decided_at,
            published_at: r.published_at,
        })
    }
}

const SELECT: &str = "SELECT m.id, m.campaign_id, c.title AS campaign_title, m.activity_id, \
    a.title AS activity_title, m.org_id, o.name AS org_name, o.path AS org_path, m.kind, m.title, \
    m.description, m.tags, m.consent, m.link, m.file_id, f.name AS file_name, f.size AS file_size, \
    m.thumb_id, m.official, m.state, m.reason, m.downloads, m.submitted_at, m.decided_at, \
    m.published_at \
    FROM publicity_materials m JOIN orgs o ON o.id = m.org_id \
    JOIN campaigns c ON c.id = m.campaign_id \
    LEFT JOIN activities a ON a.id = m.activity_id \
    LEFT JOIN files f ON f.id = m.file_id";

/// A material to add.
pub struct NewMaterial<'a> {
    pub campaign_id: i64,
    pub activity_id: Option<i64>,
    pub org_id: i64,
    pub text: &'a MaterialText,
    /// The uploaded file (staged), unless a video comes as a link.
    pub file: Option<&'a Staged>,
    /// An image's thumbnail (staged).
    pub thumb: Option<&'a Staged>,
    /// Official material is published at once.
    pub official: bool,
    pub by: i64,
}

/// Adds a material with its file rows, in one transaction: submitted for review, or —
/// official material — published.
pub async fn create(
    db: &Db,
    m: &NewMaterial<'_>,
    now: DateTime<Utc>,
) -> Result<Material, StoreError> {
    let mut tx = db.write().await?;
    let file_id = match m.file {
        Some(f) => Some(f.insert(&mut tx, now).await?),
        None => None,
    };
    let thumb_id = match m.thumb {
        Some(f) => Some(f.insert(&mut tx, now).await?),
        None => None,
    };
    let (state, published_at) = if m.official {
        (MaterialState::Published, Some(now))
    } else {
        (MaterialState::Submitted, None)
    };
    let t = m.text;
    let id: i64 = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO publicity_materials (campaign_id, activity_id, org_id, kind, title, \
         description, tags, consent, link, file_id, thumb_id, official, state, submitted_by, \
         submitted_at, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id"
    )
    .bind(m.campaign_id)
    .bind(m.activity_id)
    .bind(m.org_id)
    .bind(t.kind.as_str())
    .bind(t.title.as_str())
    .bind(t.description.as_deref())
    .bind(t.tags.join(","))
    .bind(t.consent.as_deref())
    .bind(t.link.as_deref())
    .bind(file_id)
    .bind(thumb_id)
    .bind(m.official)
    .bind(state.as_str())
    .bind(m.by)
    .bind(now)
    .bind(published_at)
    .fetch_one(&mut *c)
    .await?
    });
    crate::search::sync_in(&mut tx, crate::search::Source::Material(id)).await?;
    tx.commit().await?;
    get(db, id).await
}

/// One material.
pub async fn get(db: &Db, id: i64) -> Result<Material, StoreError> {
    let sql = format!("{SELECT} WHERE m.id = $1");
    let row: Option<MaterialRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_optional(p)
        .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Takes `step` on material `id`, which must be in state `from` (checked again in the
/// UPDATE, so two reviewers cannot both act): the state it leads to, with the reason of a
/// return (cleared by every other step), who decided (accepted, returned, withdrew) and
/// when, who published and when, and for a resubmission who sent it again and when.
/// Refuses with the step's conflict code when the material is no longer in `from`.
pub async fn take_step(
    db: &Db,
    id: i64,
    from: MaterialState,
    step: MaterialStep,
    reason: Option<&str>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Material, StoreError> {
    let refusal = MaterialState::refusal(step);
    let to = from.after(step).ok_or(StoreError::State(refusal))?;
    // Every arm uses $3 (reason), $4 (who) and $5 (when).
    let set = match step {
        MaterialStep::Accept | MaterialStep::Return | MaterialStep::Withdraw => {
            "reason = $3, decided_by = $4, decided_at = $5"
        }
        MaterialStep::Publish => "reason = $3, published_by = $4, published_at = $5",
        MaterialStep::Resubmit => {
            "reason = $3, submitted_by = $4, submitted_at = $5, decided_by = NULL, decided_at = NULL"
        }
    };
    let sql =
        format!("UPDATE publicity_materials SET state = $1, {set} WHERE id = $6 AND state = $2");
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |c| sqlx::query(AssertSqlSafe(sql.as_str()))
        .bind(to.as_str())
        .bind(from.as_str())
        .bind(reason)
        .bind(by)
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())?);
    if n == 0 {
        drop(tx);
        get(db, id).await?;
        return Err(StoreError::State(refusal));
    }
    crate::search::sync_in(&mut tx, crate::search::Source::Material(id)).await?;
    tx.commit().await?;
    get(db, id).await
}

/// Counts one download of published material `id`; not found for any other.
pub async fn count_download(db: &Db, id: i64) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |c| {
        sqlx::query(
        "UPDATE publicity_materials SET downloads = downloads + 1 WHERE id = $1 AND state = 'published'"
    )
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())?
    });
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Which materials a list shows.
#[derive(Debug, Clone)]
pub enum Scope<'a> {
    /// A unit's own (not the official material it added).
    Unit(i64),
    /// The units' directly below the organisation of this path (a reviewer's).
    Below(&'a OrgPath),
    /// Every unit's (an administrator's).
    All,
    /// A campaign's published material, official first (the public download zone).
    Public(i64),
}

/// Filters of a list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub state: Option<MaterialState>,
    pub kind: Option<MaterialKind>,
    pub campaign_id: Option<i64>,
    pub org_id: Option<i64>,
}

/// The materials of `scope` matching `filter`, newest first (the public zone: official
/// material first, then newest published), paged.
pub async fn list(
    db: &Db,
    scope: Scope<'_>,
    filter: &Filter,
    offset: i64,
    limit: i64,
) -> Result<Page<Material>, StoreError> {
    let limit = limit.clamp(1, 200);
    let offset = offset.max(0);
    let (scope_sql, order, key): (&str, &str, String) = match scope {
        Scope::Unit(org) => (
            "m.org_id = CAST($1 AS BIGINT) AND NOT m.official",
            "m.submitted_at DESC, m.id DESC",
            org.to_string(),
        ),
        Scope::Below(path) => (
            "NOT m.official AND o.parent_id = (SELECT id FROM orgs WHERE path = $1)",
            "m.submitted_at DESC, m.id DESC",
            path.as_str().to_owned(),
        ),
        Scope::All => (
            "NOT m.official AND $1 = $1",
            "m.submitted_at DESC, m.id DESC",
            String::new(),
        ),
        Scope::Public(campaign) => (
            "m.state = 'published' AND m.campaign_id = CAST($1 AS BIGINT)",
            "m.official DESC, m.published_at DESC, m.id DESC",
            campaign.to_string(),
        ),
    };
    // Every scope binds one text value as $1 (an id is cast back).
    let filter_sql = "($2 IS NULL OR m.state = $2) AND ($3 IS NULL OR m.kind = $3) \
        AND ($4 IS NULL OR m.campaign_id = $4) AND ($5 IS NULL OR m.org_id = $5)";
    let sql = format!(
        "{SELECT} WHERE {scope_sql} AND {filter_sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
    );
    let count = format!(
        "SELECT COUNT(*) FROM publicity_materials m JOIN orgs o ON o.id = m.org_id \
         WHERE {scope_sql} AND {filter_sql}"
    );
    let state = filter.state.map(|s| s.as_str());
    let kind = filter.kind.map(|k| k.as_str());
    let (rows, total): (Vec<MaterialRow>, i64) = on_db!(db, |p| (
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(&key)
            .bind(state)
            .bind(kind)
            .bind(filter.campaign_id)
            .bind(filter.org_id)
            .fetch_all(p)
            .await?,
        sqlx::query_scalar(AssertSqlSafe(count.as_str()))
            .bind(&key)
            .bind(state)
            .bind(kind)
            .bind(filter.campaign_id)
            .bind(filter.org_id)
            .fetch_one(p)
            .await?
    ));
    Ok(Page {
        items: rows
            .into_iter()
            .map(Material::try_from)
            .collect::<Result<_, _>>()?,
        total,
        offset,
        limit,
    })
}

/// The units with published material in campaign `campaign_id` (for the zone's filter):
/// id and name, by name.
pub async fn public_units(db: &Db, campaign_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT DISTINCT o.id, o.name FROM publicity_materials m JOIN orgs o ON o.id = m.org_id \
         WHERE m.campaign_id = $1 AND m.state = 'published' ORDER BY o.name"
    )
    .bind(campaign_id)
    .fetch_all(p)
    .await)?)
}

/// The activities of campaign `campaign_id` a material of a unit at `unit` may belong to:
/// public ones and those owned by the unit or an organisation above it; id and title, by
/// start.
pub async fn activities_for(
    db: &Db,
    campaign_id: i64,
    unit: &OrgPath,
) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT a.id, a.title FROM activities a JOIN orgs o ON o.id = a.owner_org_id \
         WHERE a.campaign_id = $1 AND (a.public OR substr($2, 1, length(o.path)) = o.path) \
         ORDER BY a.starts_at, a.id"
    )
    .bind(campaign_id)
    .bind(unit.as_str())
    .fetch_all(p)
    .await)?)
}
