//! Campaigns and their local themes.

use crate::orgs::Page;
use crate::{Db, StoreError, Tx, on_db, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use renke_domain::campaign::CampaignDraft;
use renke_domain::org::OrgPath;
use serde::Serialize;
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// A campaign with its owner and local themes.
#[derive(Debug, Clone, Serialize)]
pub struct Campaign {
    pub id: i64,
    pub title: String,
    pub edition: Option<i32>,
    pub day: NaiveDate,
    pub international_theme: Option<String>,
    pub domestic_theme: Option<String>,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub owner_code: String,
    #[serde(skip)]
    pub owner_path: OrgPath,
    pub public: bool,
    pub local_themes: Vec<LocalTheme>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One organiser's local theme, with the organiser's name.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LocalTheme {
    pub org_id: i64,
    pub org_name: String,
    pub org_code: String,
    pub theme: String,
}

#[derive(sqlx::FromRow)]
struct CampaignRow {
    id: i64,
    title: String,
    edition: Option<i32>,
    day: NaiveDate,
    international_theme: Option<String>,
    domestic_theme: Option<String>,
    owner_org_id: i64,
    owner_name: String,
    owner_code: String,
    owner_path: String,
    public: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const COLS: &str = "c.id, c.title, c.edition, c.day, c.international_theme, c.domestic_theme, \
    c.owner_org_id, o.name AS owner_name, o.code AS owner_code, o.path AS owner_path, c.public, c.created_at, c.updated_at";

impl CampaignRow {
    fn into_campaign(self, local_themes: Vec<LocalTheme>) -> Result<Campaign, StoreError> {
        Ok(Campaign {
            owner_path: OrgPath::from_stored(self.owner_path.clone())
                .ok_or(StoreError::Corrupt(self.owner_path))?,
            id: self.id,
            title: self.title,
            edition: self.edition,
            day: self.day,
            international_theme: self.international_theme,
            domestic_theme: self.domestic_theme,
            owner_org_id: self.owner_org_id,
            owner_name: self.owner_name,
            owner_code: self.owner_code,
            public: self.public,
            local_themes,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// Stores a new campaign with its local themes in one transaction.
pub async fn create(
    db: &Db,
    c: &CampaignDraft,
    now: DateTime<Utc>,
) -> Result<Campaign, StoreError> {
    let mut tx = db.write().await?;
    let id = create_in(&mut tx, c, now).await?;
    tx.commit().await?;
    get(db, id).await
}

/// [`create`] in transaction `tx`; returns the new campaign's id.
pub async fn create_in(
    tx: &mut Tx,
    c: &CampaignDraft,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let sql = "INSERT INTO campaigns (title, edition, day, international_theme, domestic_theme, owner_org_id, \
               public, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id";
    let id: i64 = on_tx!(tx, |tx| {
        let id: i64 = sqlx::query_scalar(sql)
            .bind(c.title.as_str())
            .bind(c.edition.map(|e| e as i32))
            .bind(c.day)
            .bind(c.international_theme.as_ref().map(|t| t.as_str()))
            .bind(c.domestic_theme.as_ref().map(|t| t.as_str()))
            .bind(c.owner_org_id)
            .bind(c.public)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        for t in &c.local_themes {
            sqlx::query("INSERT INTO campaign_local_themes (campaign_id, org_id, theme) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(t.org_id)
                .bind(t.theme.as_str())
                .execute(&mut *tx)
                .await?;
        }
        id
    });
    Ok(id)
}

/// Replaces a campaign's fields and local themes in one transaction.
pub async fn update(
    db: &Db,
    id: i64,
    c: &CampaignDraft,
    now: DateTime<Utc>,
) -> Result<Campaign, StoreError> {
    let sql = "UPDATE campaigns SET title = $1, edition = $2, day = $3, international_theme = $4, \
               domestic_theme = $5, owner_org_id = $6, public = $7, updated_at = $8 WHERE id = $9";
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |tx| {
        let done = sqlx::query(sql)
            .bind(c.title.as_str())
            .bind(c.edition.map(|e| e as i32))
            .bind(c.day)
            .bind(c.international_theme.as_ref().map(|t| t.as_str()))
            .bind(c.domestic_theme.as_ref().map(|t| t.as_str()))
            .bind(c.owner_org_id)
            .bind(c.public)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM campaign_local_themes WHERE campaign_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for t in &c.local_themes {
            sqlx::query("INSERT INTO campaign_local_themes (campaign_id, org_id, theme) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(t.org_id)
                .bind(t.theme.as_str())
                .execute(&mut *tx)
                .await?;
        }
    });
    tx.commit().await?;
    get(db, id).await
}

#[derive(sqlx::FromRow)]
struct ThemeRow {
    campaign_id: i64,
    #[sqlx(flatten)]
    theme: LocalTheme,
}

/// The local themes of the campaigns `ids` in one query, by campaign, in tree order.
async fn local_themes(db: &Db, ids: &[i64]) -> Result<HashMap<i64, Vec<LocalTheme>>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT t.campaign_id, t.org_id, o.name AS org_name, o.code AS org_code, t.theme FROM campaign_local_themes t \
         JOIN orgs o ON o.id = t.org_id WHERE t.campaign_id IN ({}) ORDER BY o.depth, o.code",
        placeholders.join(", ")
    );
    let rows: Vec<ThemeRow> = on_db!(db, |p| {
        let mut q = sqlx::query_as(AssertSqlSafe(sql.as_str()));
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(p).await
    })?;
    let mut out: HashMap<i64, Vec<LocalTheme>> = HashMap::new();
    for r in rows {
        out.entry(r.campaign_id).or_default().push(r.theme);
    }
    Ok(out)
}

pub async fn get(db: &Db, id: i64) -> Result<Campaign, StoreError> {
    let sql = format!(
        "SELECT {COLS} FROM campaigns c JOIN orgs o ON o.id = c.owner_org_id WHERE c.id = $1"
    );
    let row: CampaignRow = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_one(p)
        .await)?;
    let themes = local_themes(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    row.into_campaign(themes)
}

/// Campaigns an actor may see: public ones, those owned at or above `visible_to`, and —
/// when `below` — those owned inside its subtree. `None` = all, for administrators.
/// Newest first.
/// Whose internal campaigns a list shows besides the organisation's own and the public
/// ones: those of its subtree (`below`) and of the organisations above it (`above`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    pub below: bool,
    pub above: bool,
}

/// Campaigns, newest first: every one (`visible_to` = `None`), or the public ones and the
/// internal ones of `visible_to` and of its `reach`.
pub async fn list(
    db: &Db,
    visible_to: Option<&OrgPath>,
    reach: Reach,
    offset: i64,
    limit: i64,
) -> Result<Page<Campaign>, StoreError> {
    let limit = limit.clamp(1, 500);
    let offset = offset.max(0);
    // Owned by an ancestor-or-self: the owner's path is a prefix of the actor's path.
    // Owned by a descendant: the owner's path lies in the actor's subtree range.
    let above = if reach.above {
        "substr($1, 1, length(o.path)) = o.path"
    } else {
        "o.path = $1"
    };
    let below = if reach.below {
        "(o.path >= $1 AND o.path < $2)"
    } else {
        "$2 = ''"
    };
    let filter = if visible_to.is_some() {
        format!("(c.public OR {above} OR {below})")
    } else {
        "($1 = $1 AND $2 = $2)".to_owned()
    };
    let (a, b) = visible_to.map_or((String::new(), String::new()), |p| {
        (p.as_str().to_owned(), p.upper_bound())
    });
    let count_sql = format!(
        "SELECT COUNT(*) FROM campaigns c JOIN orgs o ON o.id = c.owner_org_id WHERE {filter}"
    );
    let sql = format!(
        "SELECT {COLS} FROM campaigns c JOIN orgs o ON o.id = c.owner_org_id WHERE {filter} \
         ORDER BY c.day DESC, c.id DESC LIMIT {limit} OFFSET {offset}"
    );
    let (total, rows): (i64, Vec<CampaignRow>) = on_db!(db, |p| (
        sqlx::query_scalar(AssertSqlSafe(count_sql.as_str()))
            .bind(&a)
            .bind(&b)
            .fetch_one(p)
            .await?,
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(&a)
            .bind(&b)
            .fetch_all(p)
            .await?
    ));
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut themes = local_themes(db, &ids).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let t = themes.remove(&r.id).unwrap_or_default();
            r.into_campaign(t)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page {
        items,
        total,
        offset,
        limit,
    })
}

/// The campaign the public home page shows: the next public campaign on or after `today`,
/// else the most recent past one.
pub async fn current_public(db: &Db, today: NaiveDate) -> Result<Option<Campaign>, StoreError> {
    let upcoming = "SELECT id FROM campaigns WHERE public AND day >= $1 ORDER BY day, id LIMIT 1";
    let past =
        "SELECT id FROM campaigns WHERE public AND day < $1 ORDER BY day DESC, id DESC LIMIT 1";
    let id: Option<i64> = on_db!(db, |p| match sqlx::query_scalar(upcoming)
        .bind(today)
        .fetch_optional(p)
        .await?
    {
        Some(id) => Some(id),
        None =>
            sqlx::query_scalar(past)
                .bind(today)
                .fetch_optional(p)
                .await?,
    });
    match id {
        Some(id) => get(db, id).await.map(Some),
        None => Ok(None),
    }
}
