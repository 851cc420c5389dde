//! Search (检索): the `search_index` rows, one per searchable item, written in the same
//! transaction as the item ([`put_in`], [`remove_in`], or [`sync_in`] for the items this
//! crate stores), and the query over them ([`candidates`], then [`shown`] for one page).
//!
//! SQLite matches through the FTS5 table `search_fts`, PostgreSQL through the `tsv` column
//! and its GIN index; both over the same words (see migration 0030), so both find the same
//! items, listed in the same order (newest first, then by kind and id).

use crate::{Backend, Db, StoreError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use renke_domain::activity::ActivityKind;
use renke_domain::org::OrgPath;
use renke_domain::search::{SearchKind, index_tokens};
use sqlx::AssertSqlSafe;

/// An item as the index holds it. Modules whose items are not a [`Source`] index theirs
/// with [`put_in`] inside the transaction that writes the item.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    pub kind: SearchKind,
    pub item_id: i64,
    pub campaign_id: Option<i64>,
    /// The organisation that issued, uploaded or owns it: whom it belongs to for the
    /// need-to-know rule of its kind.
    pub owner_org_id: i64,
    /// Shown to anyone (the public search finds only these).
    pub public: bool,
    pub title: &'a str,
    /// The text searched and shown in snippets, besides the title.
    pub body: &'a str,
    /// When it was issued or published (an activity: when it starts).
    pub at: DateTime<Utc>,
}

/// Adds or replaces the index row of `d` (its words cut here).
pub async fn put_in(tx: &mut Tx, d: &Doc<'_>) -> Result<(), StoreError> {
    let tokens = index_tokens(d.title, d.body);
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO search_index (kind, item_id, campaign_id, owner_org_id, public, title, body, \
         tokens, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (kind, item_id) DO UPDATE SET campaign_id = excluded.campaign_id, \
         owner_org_id = excluded.owner_org_id, public = excluded.public, title = excluded.title, \
         body = excluded.body, tokens = excluded.tokens, at = excluded.at"
    )
    .bind(d.kind.as_str())
    .bind(d.item_id)
    .bind(d.campaign_id)
    .bind(d.owner_org_id)
    .bind(d.public)
    .bind(d.title)
    .bind(d.body)
    .bind(&tokens)
    .bind(d.at)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Removes the index row of item `item_id` of `kind`, if there is one.
pub async fn remove_in(tx: &mut Tx, kind: SearchKind, item_id: i64) -> Result<(), StoreError> {
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM search_index WHERE kind = $1 AND item_id = $2"
    )
    .bind(kind.as_str())
    .bind(item_id)
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    Ok(())
}

/// An item this crate stores, to index from its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Issued and not superseded by an issued correction; public when 主动公开.
    Notice(i64),
    /// Every activity; public when it is.
    Activity(i64),
    /// A publicity material in review or published (public); withdrawn ones are not found.
    Material(i64),
    /// A news item (信息和新闻稿件) published on the campaign's page.
    Item(i64),
    /// A case (案例) once submitted, owned by its unit; public when selected and its
    /// collection published. Drafts and withdrawn cases are not found.
    Case(i64),
    /// Every case of a call (after its selection or publication changed them all).
    CallCases(i64),
    /// An industry initiative (倡议), public from its publication.
    Initiative(i64),
}

type NoticeRow = (
    i64,
    Option<i64>,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<DateTime<Utc>>,
    Option<i64>,
);

/// Brings the index row of `source` in line with the item as it now stands in `tx`: put,
/// replaced, or removed when the item is not to be found (a draft, a withdrawn material, an
/// unpublished item). A notice also updates the notice it corrects.
pub async fn sync_in(tx: &mut Tx, source: Source) -> Result<(), StoreError> {
    match source {
        Source::Notice(id) => sync_notice(tx, id).await,
        Source::Activity(id) => sync_activity(tx, id).await,
        Source::Material(id) => sync_material(tx, id).await,
        Source::Item(id) => sync_item(tx, id).await,
        Source::Case(id) => sync_case(tx, id).await,
        Source::CallCases(call) => {
            let ids: Vec<i64> = on_tx!(&mut *tx, |c| sqlx::query_scalar(
                "SELECT id FROM case_submissions WHERE call_id = $1 ORDER BY id"
            )
            .bind(call)
            .fetch_all(&mut *c)
            .await?);
            for id in ids {
                sync_case(tx, id).await?;
            }
            Ok(())
        }
        Source::Initiative(id) => sync_initiative(tx, id).await,
    }
}

async fn sync_notice(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    let row: Option<NoticeRow> = on_tx!(tx, |c| {
        sqlx::query_as(
        "SELECT n.issuer_org_id, n.campaign_id, n.title, n.body, n.doc_number, n.publication, \
         n.status, n.issued_at, n.supersedes_id FROM notices n WHERE n.id = $1 \
         AND NOT EXISTS (SELECT 1 FROM notices s WHERE s.supersedes_id = n.id AND s.status = 'issued')"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    });
    let Some((owner, campaign, title, body, number, publication, status, at, corrects)) = row
    else {
        return remove_in(tx, SearchKind::Notice, id).await;
    };
    let (Some(at), "issued") = (at, status.as_str()) else {
        return remove_in(tx, SearchKind::Notice, id).await;
    };
    let body = match number {
        Some(n) => format!("{n}\n{body}"),
        None => body,
    };
    let doc = Doc {
        kind: SearchKind::Notice,
        item_id: id,
        campaign_id: campaign,
        owner_org_id: owner,
        public: publication == "active",
        title: &title,
        body: &body,
        at,
    };
    put_in(tx, &doc).await?;
    if let Some(old) = corrects {
        remove_in(tx, SearchKind::Notice, old).await?;
    }
    Ok(())
}

type ActivityRow = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    bool,
    DateTime<Utc>,
);

async fn sync_activity(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    let row: Option<ActivityRow> = on_tx!(tx, |c| {
        sqlx::query_as(
        "SELECT owner_org_id, campaign_id, kind, title, description, audience, public, starts_at \
         FROM activities WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    });
    let Some((owner, campaign, kind, title, description, audience, public, at)) = row else {
        return remove_in(tx, SearchKind::Activity, id).await;
    };
    let body = [
        ActivityKind::from_code(&kind).map(|k| k.zh().to_owned()),
        description,
        audience,
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n");
    let doc = Doc {
        kind: SearchKind::Activity,
        item_id: id,
        campaign_id: Some(campaign),
        owner_org_id: owner,
        public,
        title: &title,
        body: &body,
        at,
    };
    put_in(tx, &doc).await
}

type MaterialRow = (
    i64,
    i64,
    String,
    Option<String>,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

async fn sync_material(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    let row: Option<MaterialRow> = on_tx!(tx, |c| {
        sqlx::query_as(
        "SELECT org_id, campaign_id, title, description, tags, state, submitted_at, published_at \
         FROM publicity_materials WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?
    });
    let Some((owner, campaign, title, description, tags, state, submitted, published)) = row else {
        return remove_in(tx, SearchKind::Material, id).await;
    };
    if state == "withdrawn" {
        return remove_in(tx, SearchKind::Material, id).await;
    }
    let body = match description {
        Some(d) => format!("{d}\n{}", tags.replace(',', " ")),
        None => tags.replace(',', " "),
    };
    let doc = Doc {
        kind: SearchKind::Material,
        item_id: id,
        campaign_id: Some(campaign),
        owner_org_id: owner,
        public: state == "published",
        title: &title,
        body: &body,
        at: published.unwrap_or(submitted),
    };
    put_in(tx, &doc).await
}

async fn sync_item(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    type Row = (i64, Option<i64>, String, String, Option<DateTime<Utc>>);
    let row: Option<Row> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT i.org_id, n.campaign_id, i.title, i.body, i.published_at FROM task_items i \
         JOIN tasks t ON t.id = i.task_id JOIN notices n ON n.id = t.notice_id WHERE i.id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?);
    let Some((owner, campaign, title, body, Some(at))) = row else {
        return remove_in(tx, SearchKind::Item, id).await;
    };
    let doc = Doc {
        kind: SearchKind::Item,
        item_id: id,
        campaign_id: campaign,
        owner_org_id: owner,
        public: true,
        title: &title,
        body: &body,
        at,
    };
    put_in(tx, &doc).await
}

type CaseRow = (
    i64,
    String,
    Option<String>,
    String,
    String,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

async fn sync_case(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    let row: Option<CaseRow> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT s.org_id, s.title, s.summary, s.body, s.state, s.submitted_at, c.published_at \
         FROM case_submissions s JOIN case_calls c ON c.id = s.call_id WHERE s.id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?);
    let Some((owner, title, summary, body, state, Some(submitted), published)) = row else {
        return remove_in(tx, SearchKind::Case, id).await;
    };
    if state == "draft" || state == "withdrawn" {
        return remove_in(tx, SearchKind::Case, id).await;
    }
    let public = state == "selected" && published.is_some();
    let body = match summary {
        Some(s) => format!("{s}\n{body}"),
        None => body,
    };
    let doc = Doc {
        kind: SearchKind::Case,
        item_id: id,
        campaign_id: None,
        owner_org_id: owner,
        public,
        title: &title,
        body: &body,
        at: if public {
            published.unwrap_or(submitted)
        } else {
            submitted
        },
    };
    put_in(tx, &doc).await
}

async fn sync_initiative(tx: &mut Tx, id: i64) -> Result<(), StoreError> {
    type Row = (i64, i64, String, String, DateTime<Utc>);
    let row: Option<Row> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT owner_org_id, campaign_id, title, body, published_at \
         FROM publicity_initiatives WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?);
    let Some((owner, campaign, title, body, at)) = row else {
        return remove_in(tx, SearchKind::Initiative, id).await;
    };
    let doc = Doc {
        kind: SearchKind::Initiative,
        item_id: id,
        campaign_id: Some(campaign),
        owner_org_id: owner,
        public: true,
        title: &title,
        body: &body,
        at,
    };
    put_in(tx, &doc).await
}

/// How many items of each kind [`reindex`] indexed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reindexed {
    pub notices: u64,
    pub activities: u64,
    pub materials: u64,
    pub items: u64,
    pub cases: u64,
    pub initiatives: u64,
}

/// Rebuilds the index rows of every [`Source`] (notices, activities, materials, news items,
/// cases, initiatives) from their tables, 500 items a transaction.
pub async fn reindex(db: &Db) -> Result<Reindexed, StoreError> {
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM search_index WHERE kind IN \
         ('notice', 'activity', 'material', 'item', 'case', 'initiative')"
    )
    .execute(&mut *c)
    .await
    .map(|_| ())?);
    tx.commit().await?;
    let mut done = Reindexed::default();
    // Each kind's ids and how one becomes a source.
    type Kind = (&'static str, fn(i64) -> Source);
    let sources: [Kind; 6] = [
        (
            "SELECT id FROM notices WHERE status = 'issued' ORDER BY id",
            Source::Notice,
        ),
        ("SELECT id FROM activities ORDER BY id", Source::Activity),
        (
            "SELECT id FROM publicity_materials WHERE state <> 'withdrawn' ORDER BY id",
            Source::Material,
        ),
        (
            "SELECT id FROM task_items WHERE published_at IS NOT NULL ORDER BY id",
            Source::Item,
        ),
        (
            "SELECT id FROM case_submissions WHERE state NOT IN ('draft', 'withdrawn') ORDER BY id",
            Source::Case,
        ),
        (
            "SELECT id FROM publicity_initiatives ORDER BY id",
            Source::Initiative,
        ),
    ];
    for (sql, source) in sources {
        let ids: Vec<i64> = on_db!(db, |p| sqlx::query_scalar(sql).fetch_all(p).await)?;
        for chunk in ids.chunks(500) {
            let mut tx = db.write().await?;
            for id in chunk {
                sync_in(&mut tx, source(*id)).await?;
            }
            tx.commit().await?;
        }
        let n = ids.len() as u64;
        match source(0) {
            Source::Notice(_) => done.notices = n,
            Source::Activity(_) => done.activities = n,
            Source::Material(_) => done.materials = n,
            Source::Item(_) => done.items = n,
            Source::Case(_) | Source::CallCases(_) => done.cases = n,
            Source::Initiative(_) => done.initiatives = n,
        }
    }
    Ok(done)
}

/// Who searches, as the query narrows the candidates.
#[derive(Debug, Clone)]
pub enum Reader<'a> {
    /// A visitor: public items only.
    Public,
    /// An administrator: everything.
    All,
    /// Public items, those owned by an organisation at, above or below `around`, and the
    /// notices that reached organisation `org_id` (directly or through relays).
    Around { around: &'a OrgPath, org_id: i64 },
}

/// A candidate result: what the policy needs to decide whether the searcher reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub kind: SearchKind,
    pub item_id: i64,
    pub owner_path: OrgPath,
    pub public: bool,
    /// A notice that reached the searcher's organisation.
    pub addressed: bool,
    pub at: DateTime<Utc>,
}

/// The words as the backend's match expression: FTS5 phrases (implicit AND) or a tsquery
/// of quoted lexemes joined by `&`. Words hold letters and digits only; quotes are doubled
/// all the same.
fn match_expr(backend: Backend, terms: &[String]) -> String {
    match backend {
        Backend::Sqlite => terms
            .iter()
            .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" "),
        Backend::Postgres => terms
            .iter()
            .map(|t| format!("'{}'", t.replace('\\', "\\\\").replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(" & "),
    }
}

type CandidateRow = (String, i64, String, bool, bool, DateTime<Utc>);

/// The items holding every word of `terms` that `reader` may be shown (narrowed here, decided
/// by the policy afterwards), in campaign `campaign` when given, newest first, at most
/// `cap` of them.
pub async fn candidates(
    db: &Db,
    terms: &[String],
    reader: &Reader<'_>,
    campaign: Option<i64>,
    cap: i64,
) -> Result<Vec<Candidate>, StoreError> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let matches = match db.backend() {
        Backend::Sqlite => "s.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH $1)",
        Backend::Postgres => "s.tsv @@ CAST($1 AS tsquery)",
    };
    // Every reader binds $2 (organisation id) and $4 (path); unused ones compare to themselves.
    let (who, org_id, around) = match reader {
        Reader::Public => ("s.public AND $2 = $2 AND $4 = $4", 0, String::new()),
        Reader::All => ("$2 = $2 AND $4 = $4", 0, String::new()),
        Reader::Around { around, org_id } => (
            "(s.public OR substr(o.path, 1, length($4)) = $4 OR substr($4, 1, length(o.path)) = o.path \
             OR (s.kind = 'notice' AND s.item_id IN (SELECT id FROM reached)))",
            *org_id,
            around.as_str().to_owned(),
        ),
    };
    let sql = format!(
        "WITH RECURSIVE reached(id, depth) AS ( \
           SELECT notice_id, 0 FROM notice_deliveries WHERE org_id = $2 \
           UNION ALL SELECT r.original_id, c.depth + 1 FROM notice_relays r \
           JOIN reached c ON r.notice_id = c.id WHERE c.depth < 16) \
         SELECT s.kind, s.item_id, o.path, s.public, \
           (s.kind = 'notice' AND s.item_id IN (SELECT id FROM reached)) AS addressed, s.at \
         FROM search_index s JOIN orgs o ON o.id = s.owner_org_id \
         WHERE {matches} AND (CAST($3 AS BIGINT) IS NULL OR s.campaign_id = $3) AND {who} \
         ORDER BY s.at DESC, s.kind, s.item_id DESC LIMIT {}",
        cap.clamp(1, 100_000)
    );
    let expr = match_expr(db.backend(), terms);
    let rows: Vec<CandidateRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(&expr)
        .bind(org_id)
        .bind(campaign)
        .bind(&around)
        .fetch_all(p)
        .await)?;
    rows.into_iter()
        .map(|(kind, item_id, path, public, addressed, at)| {
            Ok(Candidate {
                kind: SearchKind::from_code(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("search kind {kind:?}")))?,
                owner_path: OrgPath::from_stored(path.clone())
                    .ok_or_else(|| StoreError::Corrupt(format!("org path {path:?}")))?,
                item_id,
                public,
                addressed,
                at,
            })
        })
        .collect()
}

/// A result as listed: the item's title and text (for the snippet), its campaign and owner.
#[derive(Debug, Clone)]
pub struct Shown {
    pub kind: SearchKind,
    pub item_id: i64,
    pub title: String,
    pub body: String,
    pub campaign_id: Option<i64>,
    pub campaign_title: Option<String>,
    pub owner_name: String,
    pub public: bool,
    pub at: DateTime<Utc>,
}

type ShownRow = (
    String,
    i64,
    String,
    String,
    Option<i64>,
    Option<String>,
    String,
    bool,
    DateTime<Utc>,
);

/// The listed form of the items `keys` (kind and id), in the order of `keys`; items no
/// longer indexed are left out.
pub async fn shown(db: &Db, keys: &[(SearchKind, i64)]) -> Result<Vec<Shown>, StoreError> {
    let mut out = Vec::with_capacity(keys.len());
    for (kind, id) in keys {
        let row: Option<ShownRow> = on_db!(db, |p| {
            sqlx::query_as(
            "SELECT s.kind, s.item_id, s.title, s.body, s.campaign_id, c.title, o.name, s.public, s.at \
             FROM search_index s JOIN orgs o ON o.id = s.owner_org_id \
             LEFT JOIN campaigns c ON c.id = s.campaign_id WHERE s.kind = $1 AND s.item_id = $2"
        )
        .bind(kind.as_str())
        .bind(id)
        .fetch_optional(p)
        .await
        })?;
        if let Some((
            _,
            item_id,
            title,
            body,
            campaign_id,
            campaign_title,
            owner_name,
            public,
            at,
        )) = row
        {
            out.push(Shown {
                kind: *kind,
                item_id,
                title,
                body,
                campaign_id,
                campaign_title,
                owner_name,
                public,
                at,
            });
        }
    }
    Ok(out)
}

/// How many rows the index holds.
pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM search_index"
    )
    .fetch_one(p)
    .await)?)
}
