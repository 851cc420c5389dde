//! The organisation tree, stored with materialised paths (`/1/7/42/`): a subtree is one
//! range scan on the unique path index, and moving a subtree is one UPDATE.

use crate::{Db, StoreError, on_db, on_tx};
use chrono::{DateTime, Utc};
use renke_domain::org::{AdminLevel, CmaLevel, OrgCode, OrgKind, OrgPath, Region};
use serde::Serialize;
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// An organisation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Org {
    pub id: i64,
    pub code: String,
    pub parent_id: Option<i64>,
    pub path: OrgPath,
    pub depth: i32,
    pub name: String,
    pub short_name: Option<String>,
    pub name_en: Option<String>,
    pub kind: OrgKind,
    pub admin_level: Option<AdminLevel>,
    pub cma_level: Option<CmaLevel>,
    pub region: Region,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Org {
    /// The short name when there is one, else the full name.
    pub fn label(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.name)
    }
}

/// An organisation with the number of its direct children, for tree pages.
#[derive(Debug, Clone, Serialize)]
pub struct OrgNode {
    #[serde(flatten)]
    pub org: Org,
    pub child_count: i64,
}

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: i64,
    code: String,
    parent_id: Option<i64>,
    path: String,
    depth: i32,
    name: String,
    short_name: Option<String>,
    name_en: Option<String>,
    kind: String,
    admin_level: Option<String>,
    cma_level: Option<String>,
    region: String,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    contact_email: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct OrgNodeRow {
    #[sqlx(flatten)]
    org: OrgRow,
    child_count: i64,
}

const COLS: &str = "o.id, o.code, o.parent_id, o.path, o.depth, o.name, o.short_name, o.name_en, \
    o.kind, o.admin_level, o.cma_level, o.region, o.contact_name, o.contact_phone, o.contact_email, \
    o.created_at, o.updated_at";

fn corrupt(e: renke_domain::FieldError) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

impl TryFrom<OrgRow> for Org {
    type Error = StoreError;
    fn try_from(r: OrgRow) -> Result<Self, StoreError> {
        Ok(Org {
            path: OrgPath::from_stored(r.path.clone())
                .ok_or_else(|| StoreError::Corrupt(format!("path {}", r.path)))?,
            kind: OrgKind::parse("kind", &r.kind).map_err(corrupt)?,
            admin_level: r
                .admin_level
                .as_deref()
                .map(|s| AdminLevel::parse("admin_level", s))
                .transpose()
                .map_err(corrupt)?,
            cma_level: r
                .cma_level
                .as_deref()
                .map(|s| CmaLevel::parse("cma_level", s))
                .transpose()
                .map_err(corrupt)?,
            region: Region::parse("region", &r.region).map_err(corrupt)?,
            id: r.id,
            code: r.code,
            parent_id: r.parent_id,
            depth: r.depth,
            name: r.name,
            short_name: r.short_name,
            name_en: r.name_en,
            contact_name: r.contact_name,
            contact_phone: r.contact_phone,
            contact_email: r.contact_email,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

fn convert(rows: Vec<OrgRow>) -> Result<Vec<Org>, StoreError> {
    rows.into_iter().map(Org::try_from).collect()
}

/// A new organisation. `parent` is a code so imports and the demo can refer to rows
/// created earlier in the same transaction.
#[derive(Debug, Clone)]
pub struct NewOrg {
    pub code: OrgCode,
    pub parent: Option<OrgCode>,
    pub name: String,
    pub short_name: Option<String>,
    pub name_en: Option<String>,
    pub kind: OrgKind,
    pub admin_level: Option<AdminLevel>,
    pub cma_level: Option<CmaLevel>,
    pub region: Region,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
}

impl NewOrg {
    pub fn new(
        code: OrgCode,
        parent: Option<OrgCode>,
        name: impl Into<String>,
        kind: OrgKind,
    ) -> Self {
        NewOrg {
            code,
            parent,
            name: name.into(),
            short_name: None,
            name_en: None,
            kind,
            admin_level: None,
            cma_level: None,
            region: Region::Mainland,
            contact_name: None,
            contact_phone: None,
            contact_email: None,
        }
    }
}

/// A page of results with the total count, for server-side paging.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
}

/// Creates one organisation.
pub async fn create(db: &Db, org: &NewOrg, now: DateTime<Utc>) -> Result<Org, StoreError> {
    let ids = create_many(db, std::slice::from_ref(org), now).await?;
    let id = ids.first().copied().ok_or(StoreError::NotFound)?;
    get(db, id).await
}

/// Creates many organisations in one transaction: all or none. Parents must come before
/// their children (or already exist). Returns the new ids in input order. The ids are
/// reserved first, so every path is complete before the rows are written in bulk
/// ([`crate::bulk`]); a bulk import refreshes PostgreSQL's statistics afterwards
/// (`db::analyze_after_bulk`).
pub async fn create_many(
    db: &Db,
    orgs: &[NewOrg],
    now: DateTime<Utc>,
) -> Result<Vec<i64>, StoreError> {
    const COLUMNS: [&str; 17] = [
        "id",
        "code",
        "parent_id",
        "path",
        "depth",
        "name",
        "short_name",
        "name_en",
        "kind",
        "admin_level",
        "cma_level",
        "region",
        "contact_name",
        "contact_phone",
        "contact_email",
        "created_at",
        "updated_at",
    ];
    let mut tx = db.write().await?;
    let ids = crate::bulk::reserve_ids(&mut tx, "orgs", orgs.len()).await?;
    // Each organisation's id and path, by code: this batch's, and parents already stored.
    let mut known: HashMap<&str, (i64, String)> = HashMap::with_capacity(orgs.len());
    for (o, id) in orgs.iter().zip(&ids) {
        let parent = match o.parent.as_ref().map(|c| c.as_str()) {
            None => None,
            Some(code) => {
                if !known.contains_key(code) {
                    let row: Option<(i64, String)> = on_tx!(&mut tx, |tx| {
                        sqlx::query_as("SELECT id, path FROM orgs WHERE code = $1")
                            .bind(code)
                            .fetch_optional(&mut *tx)
                            .await?
                    });
                    known.insert(code, row.ok_or(StoreError::MissingReference)?);
                }
                known.get(code).map(|(id, path)| (*id, path.as_str()))
            }
        };
        let seg = OrgPath::segment(*id);
        let path = match parent {
            Some((_, p)) => format!("{p}{seg}/"),
            None => format!("/{seg}/"),
        };
        known.insert(o.code.as_str(), (*id, path));
    }
    let mut rows = Vec::with_capacity(orgs.len());
    for (o, id) in orgs.iter().zip(&ids) {
        let path = known
            .get(o.code.as_str())
            .map(|(_, p)| p.as_str())
            .ok_or(StoreError::MissingReference)?;
        let parent_id = match &o.parent {
            Some(code) => Some(
                known
                    .get(code.as_str())
                    .map(|(id, _)| *id)
                    .ok_or(StoreError::MissingReference)?,
            ),
            None => None,
        };
        use crate::bulk::Cell::{Int, Text, Time};
        rows.push(vec![
            Int(Some(*id)),
            Text(Some(o.code.as_str())),
            Int(parent_id),
            Text(Some(path)),
            Int(Some(path.matches('/').count() as i64 - 2)),
            Text(Some(&o.name)),
            Text(o.short_name.as_deref()),
            Text(o.name_en.as_deref()),
            Text(Some(o.kind.as_str())),
            Text(o.admin_level.map(|l| l.as_str())),
            Text(o.cma_level.map(|l| l.as_str())),
            Text(Some(o.region.as_str())),
            Text(o.contact_name.as_deref()),
            Text(o.contact_phone.as_deref()),
            Text(o.contact_email.as_deref()),
            Time(now),
            Time(now),
        ]);
    }
    crate::bulk::insert(&mut tx, "orgs", &COLUMNS, &rows).await?;
    // Each new organisation is one more child of its parent and one more in the subtree of
    // each of its ancestors.
    let mut deltas = Counts::new();
    for o in orgs {
        let path = known
            .get(o.code.as_str())
            .and_then(|(_, p)| OrgPath::from_stored(p.clone()))
            .ok_or(StoreError::MissingReference)?;
        let ancestors: Vec<i64> = path.ids().collect();
        if let [above @ .., parent, _] = ancestors.as_slice() {
            for a in above.iter().chain([parent]) {
                deltas.entry(*a).or_default().1 += 1;
            }
            deltas.entry(*parent).or_default().0 += 1;
        }
    }
    add_counts(&mut tx, &deltas).await?;
    tx.commit().await?;
    crate::db::analyze_after_bulk(db, "orgs, org_counts", ids.len() as u64).await;
    Ok(ids)
}

/// The ids of the organisations with these codes, in a transaction (codes not found are
/// absent from the map).
pub(crate) async fn ids_by_code<'a>(
    tx: &mut crate::Tx,
    codes: &[&'a str],
) -> Result<HashMap<&'a str, i64>, StoreError> {
    let mut found = HashMap::with_capacity(codes.len());
    let backend = tx.backend();
    // Within SQLite's parameter limit, and short enough for either database to plan well.
    for chunk in codes.chunks(500) {
        let list: Vec<String> = (1..=chunk.len())
            .map(|i| crate::rows::param(backend, i))
            .collect();
        let sql = format!(
            "SELECT code, id FROM orgs WHERE code IN ({})",
            list.join(", ")
        );
        let rows: Vec<(String, i64)> = on_tx!(&mut *tx, |tx| {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.as_str()));
            for c in chunk {
                q = q.bind(*c);
            }
            q.fetch_all(&mut *tx).await?
        });
        let asked: HashMap<&str, &'a str> = chunk.iter().map(|c| (*c, *c)).collect();
        for (code, id) in rows {
            if let Some(c) = asked.get(code.as_str()) {
                found.insert(*c, id);
            }
        }
    }
    Ok(found)
}

pub async fn get(db: &Db, id: i64) -> Result<Org, StoreError> {
    let sql = format!("SELECT {COLS} FROM orgs o WHERE o.id = $1");
    let row: OrgRow = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_one(p)
        .await)?;
    row.try_into()
}

pub async fn get_by_code(db: &Db, code: &str) -> Result<Org, StoreError> {
    let sql = format!("SELECT {COLS} FROM orgs o WHERE o.code = $1");
    let row: OrgRow = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(code)
        .fetch_one(p)
        .await)?;
    row.try_into()
}

/// Which of `codes` already exist.
pub async fn existing_codes(db: &Db) -> Result<std::collections::HashSet<String>, StoreError> {
    let rows: Vec<String> = on_db!(db, |p| sqlx::query_scalar("SELECT code FROM orgs")
        .fetch_all(p)
        .await)?;
    Ok(rows.into_iter().collect())
}

/// The roots of the tree (organisations without a parent).
pub async fn roots(db: &Db) -> Result<Vec<OrgNode>, StoreError> {
    Ok(nodes(db, "o.parent_id IS NULL", None, None, 0, 500)
        .await?
        .items)
}

/// The direct children of `parent_id` with their own child counts, regulators and
/// departments first, one page at a time.
pub async fn children(
    db: &Db,
    parent_id: i64,
    offset: i64,
    limit: i64,
) -> Result<Page<OrgNode>, StoreError> {
    nodes(db, "o.parent_id = $1", Some(parent_id), None, offset, limit).await
}

/// [`children`] of an organisation read with [`placed`], whose kept child count is the
/// page's total (one statement fewer).
pub async fn children_of(
    db: &Db,
    parent: &Placed,
    offset: i64,
    limit: i64,
) -> Result<Page<OrgNode>, StoreError> {
    let id = parent.org.id;
    let total = Some(parent.child_count);
    nodes(db, "o.parent_id = $1", Some(id), total, offset, limit).await
}

/// An organisation with the chain above it and its kept counts, read by [`placed`].
#[derive(Debug, Clone)]
pub struct Placed {
    pub org: Org,
    /// From the root down to the organisation itself.
    pub chain: Vec<Org>,
    pub child_count: i64,
    pub subtree_count: i64,
}

#[derive(sqlx::FromRow)]
struct PlacedRow {
    #[sqlx(flatten)]
    org: OrgRow,
    child_count: i64,
    subtree_count: i64,
}

/// Organisation `id` with its ancestors and its kept counts, in one statement (the chain
/// is followed up the parent links: one index lookup per level).
pub async fn placed(db: &Db, id: i64) -> Result<Placed, StoreError> {
    let sql = format!(
        "WITH RECURSIVE chain(id, n) AS (SELECT CAST($1 AS BIGINT), 0 UNION ALL \
         SELECT o.parent_id, c.n + 1 FROM orgs o JOIN chain c ON o.id = c.id \
         WHERE o.parent_id IS NOT NULL AND c.n < 64) \
         SELECT {COLS}, COALESCE(k.child_count, 0) AS child_count, \
         COALESCE(k.subtree_count, 1) AS subtree_count \
         FROM chain c JOIN orgs o ON o.id = c.id LEFT JOIN org_counts k ON k.org_id = o.id \
         ORDER BY o.depth"
    );
    let rows: Vec<PlacedRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_all(p)
        .await)?;
    let (child_count, subtree_count) = match rows.last() {
        Some(r) if r.org.id == id => (r.child_count, r.subtree_count),
        _ => return Err(StoreError::NotFound),
    };
    let chain: Vec<Org> = rows
        .into_iter()
        .map(|r| r.org.try_into())
        .collect::<Result<_, StoreError>>()?;
    let org = chain.last().cloned().ok_or(StoreError::NotFound)?;
    Ok(Placed {
        org,
        chain,
        child_count,
        subtree_count,
    })
}

async fn nodes(
    db: &Db,
    filter: &str,
    arg: Option<i64>,
    known_total: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<Page<OrgNode>, StoreError> {
    let limit = limit.clamp(1, 500);
    let offset = offset.max(0);
    let sql = format!(
        "SELECT {COLS}, COALESCE(k.child_count, 0) AS child_count \
         FROM orgs o LEFT JOIN org_counts k ON k.org_id = o.id WHERE {filter} ORDER BY o.kind <> 'regulator', o.kind <> 'department', o.code \
         LIMIT {limit} OFFSET {offset}"
    );
    let count_sql = format!("SELECT COUNT(*) FROM orgs o WHERE {filter}");
    let (total, rows): (i64, Vec<OrgNodeRow>) = on_db!(db, |p| {
        let mut q = sqlx::query_as(AssertSqlSafe(sql.as_str()));
        let mut c = sqlx::query_scalar(AssertSqlSafe(count_sql.as_str()));
        if let Some(a) = arg {
            q = q.bind(a);
            c = c.bind(a);
        }
        let total = match known_total {
            Some(t) => t,
            None => c.fetch_one(p).await?,
        };
        (total, q.fetch_all(p).await?)
    });
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(OrgNode {
                org: r.org.try_into()?,
                child_count: r.child_count,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Page {
        items,
        total,
        offset,
        limit,
    })
}

/// Number of organisations in the subtree rooted at `path`, the root included (kept on
/// write: see [`add_counts`]).
pub async fn subtree_count(db: &Db, path: &OrgPath) -> Result<i64, StoreError> {
    let id = path.ids().last().ok_or(StoreError::NotFound)?;
    let sql = "SELECT COALESCE((SELECT subtree_count FROM org_counts WHERE org_id = $1), 1)";
    Ok(on_db!(db, |p| sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(p)
        .await)?)
}

/// Changes to the kept counts: organisation id → (children, organisations in its subtree).
type Counts = std::collections::BTreeMap<i64, (i64, i64)>;

/// Adds `deltas` to the counts kept in `org_counts` (a row for each organisation that has
/// or had children; none for a leaf, which counts 0 children and a subtree of 1), in id
/// order, so that concurrent writers lock shared ancestors in the same order.
async fn add_counts(tx: &mut crate::Tx, deltas: &Counts) -> Result<(), StoreError> {
    let changed: Vec<(i64, i64, i64)> = deltas
        .iter()
        .filter(|(_, d)| **d != (0, 0))
        .map(|(id, (c, s))| (*id, *c, 1 + *s))
        .collect();
    let backend = tx.backend();
    for chunk in changed.chunks(crate::rows::ROWS_PER_INSERT) {
        // A new row is a leaf that gains children: 1 + its new descendants.
        let sql = format!(
            "INSERT INTO org_counts (org_id, child_count, subtree_count) VALUES {} \
             ON CONFLICT (org_id) DO UPDATE SET \
             child_count = org_counts.child_count + excluded.child_count, \
             subtree_count = org_counts.subtree_count + excluded.subtree_count - 1",
            crate::rows::placeholders(backend, chunk.len(), 3)
        );
        on_tx!(&mut *tx, |c| {
            let mut q = sqlx::query(AssertSqlSafe(sql.as_str()));
            for (id, children, subtree) in chunk {
                q = q.bind(*id).bind(*children).bind(*subtree);
            }
            q.execute(&mut *c).await?;
        });
    }
    Ok(())
}

/// Organisations whose kept counts differ from a recount: (id, kept, counted), each count
/// as (children, subtree). Empty when the counts are right.
pub async fn count_mismatches(db: &Db) -> Result<Vec<(i64, (i64, i64), (i64, i64))>, StoreError> {
    let sql = "SELECT id, kept_children, kept_subtree, children, subtree FROM ( \
         SELECT o.id, COALESCE(k.child_count, 0) AS kept_children, \
         COALESCE(k.subtree_count, 1) AS kept_subtree, \
         (SELECT COUNT(*) FROM orgs c WHERE c.parent_id = o.id) AS children, \
         (SELECT COUNT(*) FROM orgs d WHERE d.path >= o.path \
           AND d.path < substr(o.path, 1, length(o.path) - 1) || '0') AS subtree \
         FROM orgs o LEFT JOIN org_counts k ON k.org_id = o.id) x \
         WHERE kept_children <> children OR kept_subtree <> subtree ORDER BY id";
    let rows: Vec<(i64, i64, i64, i64, i64)> =
        on_db!(db, |p| sqlx::query_as(sql).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, kc, ks, c, s)| (id, (kc, ks), (c, s)))
        .collect())
}

/// Filters for listing or searching organisations.
#[derive(Debug, Clone, Default)]
pub struct OrgQuery {
    /// Only inside this subtree.
    pub within: Option<OrgPath>,
    /// Part of the name, short name or code.
    pub text: Option<String>,
    pub kind: Option<OrgKind>,
    pub offset: i64,
    pub limit: i64,
}

fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Organisations matching `q`, in tree order, one page at a time.
pub async fn search(db: &Db, q: &OrgQuery) -> Result<Page<Org>, StoreError> {
    let mut clauses = Vec::new();
    let mut args: Vec<String> = Vec::new();
    if let Some(w) = &q.within {
        args.push(w.as_str().to_owned());
        args.push(w.upper_bound());
        clauses.push(format!(
            "o.path >= ${} AND o.path < ${}",
            args.len() - 1,
            args.len()
        ));
    }
    if let Some(t) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        args.push(like_pattern(t));
        let n = args.len();
        clauses.push(format!(
            "(o.name LIKE ${n} ESCAPE '\\' OR o.short_name LIKE ${n} ESCAPE '\\' OR o.code LIKE ${n} ESCAPE '\\')"
        ));
    }
    if let Some(k) = q.kind {
        args.push(k.as_str().to_owned());
        clauses.push(format!("o.kind = ${}", args.len()));
    }
    let filter = if clauses.is_empty() {
        "1 = 1".to_owned()
    } else {
        clauses.join(" AND ")
    };
    let limit = q.limit.clamp(1, 500);
    let offset = q.offset.max(0);
    let count_sql = format!("SELECT COUNT(*) FROM orgs o WHERE {filter}");
    let sql = format!(
        "SELECT {COLS} FROM orgs o WHERE {filter} ORDER BY o.path LIMIT {limit} OFFSET {offset}"
    );
    let (total, rows): (i64, Vec<OrgRow>) = on_db!(db, |p| {
        let mut c = sqlx::query_scalar(AssertSqlSafe(count_sql.as_str()));
        let mut s = sqlx::query_as(AssertSqlSafe(sql.as_str()));
        for a in &args {
            c = c.bind(a);
            s = s.bind(a);
        }
        (c.fetch_one(p).await?, s.fetch_all(p).await?)
    });
    Ok(Page {
        items: convert(rows)?,
        total,
        offset,
        limit,
    })
}

/// Editable fields of an organisation (its code, parent and path never change here).
#[derive(Debug, Clone)]
pub struct OrgUpdate {
    pub name: String,
    pub short_name: Option<String>,
    pub name_en: Option<String>,
    pub kind: OrgKind,
    pub admin_level: Option<AdminLevel>,
    pub cma_level: Option<CmaLevel>,
    pub region: Region,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
}

pub async fn update(
    db: &Db,
    id: i64,
    u: &OrgUpdate,
    now: DateTime<Utc>,
) -> Result<Org, StoreError> {
    let sql = "UPDATE orgs SET name = $1, short_name = $2, name_en = $3, kind = $4, admin_level = $5, \
               cma_level = $6, region = $7, contact_name = $8, contact_phone = $9, contact_email = $10, \
               updated_at = $11 WHERE id = $12";
    let mut tx = db.write().await?;
    let done = on_tx!(&mut tx, |c| sqlx::query(sql)
        .bind(&u.name)
        .bind(&u.short_name)
        .bind(&u.name_en)
        .bind(u.kind.as_str())
        .bind(u.admin_level.map(|l| l.as_str()))
        .bind(u.cma_level.map(|l| l.as_str()))
        .bind(u.region.as_str())
        .bind(&u.contact_name)
        .bind(&u.contact_phone)
        .bind(&u.contact_email)
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    get(db, id).await
}

/// Moves the organisation `id` and its whole subtree under `new_parent_id`, in one
/// transaction. Refuses a move under itself or one of its descendants.
pub async fn move_subtree(
    db: &Db,
    id: i64,
    new_parent_id: i64,
    now: DateTime<Utc>,
) -> Result<Org, StoreError> {
    let mut tx = db.write().await?;
    crate::tallies::lock(&mut tx, crate::tallies::Lock::Exclusive).await?;
    let (deltas, tasks): (Counts, Vec<i64>) = on_tx!(&mut tx, |tx| {
        let (old, old_depth): (String, i32) =
            sqlx::query_as("SELECT path, depth FROM orgs WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        let (parent_path, parent_depth): (String, i32) =
            sqlx::query_as("SELECT path, depth FROM orgs WHERE id = $1")
                .bind(new_parent_id)
                .fetch_one(&mut *tx)
                .await?;
        if parent_path.starts_with(&old) {
            return Err(StoreError::Rule("move_into_own_subtree"));
        }
        let new = format!("{parent_path}{}/", OrgPath::segment(id));
        let old_p =
            OrgPath::from_stored(old.clone()).ok_or_else(|| StoreError::Corrupt(old.clone()))?;
        let parent_p = OrgPath::from_stored(parent_path.clone())
            .ok_or_else(|| StoreError::Corrupt(parent_path.clone()))?;
        // The subtree leaves its old ancestors' counts for its new ones'.
        let size: i64 = sqlx::query_scalar(
            "SELECT COALESCE((SELECT subtree_count FROM org_counts WHERE org_id = $1), 1)",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let mut deltas = Counts::new();
        let before: Vec<i64> = old_p.ids().filter(|a| *a != id).collect();
        for a in &before {
            deltas.entry(*a).or_default().1 -= size;
        }
        if let Some(p) = before.last() {
            deltas.entry(*p).or_default().0 -= 1;
        }
        for a in parent_p.ids() {
            deltas.entry(a).or_default().1 += size;
        }
        deltas.entry(new_parent_id).or_default().0 += 1;
        sqlx::query(
            "UPDATE orgs SET path = $1 || substr(path, $2), depth = depth + $3, updated_at = $4 \
             WHERE path >= $5 AND path < $6",
        )
        .bind(&new)
        .bind(old.len() as i32 + 1)
        .bind(parent_depth + 1 - old_depth)
        .bind(now)
        .bind(&old)
        .bind(old_p.upper_bound())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE orgs SET parent_id = $1 WHERE id = $2")
            .bind(new_parent_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // The recipients in the subtree now lie under other organisations.
        let new_p = OrgPath::from_stored(new.clone()).ok_or_else(|| StoreError::Corrupt(new))?;
        let tasks = sqlx::query_scalar(
            "SELECT DISTINCT t.id FROM orgs o JOIN notice_deliveries d ON d.org_id = o.id \
             JOIN tasks t ON t.notice_id = d.notice_id WHERE o.path >= $1 AND o.path < $2",
        )
        .bind(new_p.as_str())
        .bind(new_p.upper_bound())
        .fetch_all(&mut *tx)
        .await?;
        (deltas, tasks)
    });
    add_counts(&mut tx, &deltas).await?;
    for task_id in tasks {
        crate::tallies::refresh(&mut tx, task_id).await?;
    }
    tx.commit().await?;
    get(db, id).await
}

/// Total number of organisations.
pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM orgs"
    )
    .fetch_one(p)
    .await)?)
}
