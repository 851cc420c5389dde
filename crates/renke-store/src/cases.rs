//! Case collections (案例征集): calls (`case_calls`), their panels (`case_panel`), the units'
//! cases (`case_submissions` with `case_submission_files`) and the panel's points
//! (`case_scores`). Migration 0029.

use crate::files::Staged;
use crate::orgs::Page;
use crate::{Db, StoreError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use renke_domain::cases::{CallText, CaseText, Criterion, SubmissionState};
use renke_domain::org::{OrgKind, OrgPath};
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// A call for cases, with its owner's and scope's names.
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    pub id: i64,
    pub owner_org_id: i64,
    pub owner_name: String,
    #[serde(skip)]
    pub owner_path: OrgPath,
    pub title: String,
    pub description: Option<String>,
    pub criteria: Vec<Criterion>,
    pub template_file_id: Option<i64>,
    pub template_name: Option<String>,
    pub deadline: DateTime<Utc>,
    pub scope_org_id: i64,
    pub scope_name: String,
    #[serde(skip)]
    pub scope_path: OrgPath,
    /// The kinds of organisation that may submit; empty: any.
    pub kinds: Vec<OrgKind>,
    pub review_opened_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Cases in front of the panel (submitted, selected or not).
    pub submitted: i64,
}

#[derive(sqlx::FromRow)]
struct CallRow {
    id: i64,
    owner_org_id: i64,
    owner_name: String,
    owner_path: String,
    title: String,
    description: Option<String>,
    criteria: String,
    template_file_id: Option<i64>,
    template_name: Option<String>,
    deadline: DateTime<Utc>,
    scope_org_id: i64,
    scope_name: String,
    scope_path: String,
    kinds: String,
    review_opened_at: Option<DateTime<Utc>>,
    published_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    submitted: i64,
}

fn path(what: &str, raw: String) -> Result<OrgPath, StoreError> {
    OrgPath::from_stored(raw.clone())
        .ok_or_else(|| StoreError::Corrupt(format!("case {what} path {raw:?}")))
}

impl TryFrom<CallRow> for Call {
    type Error = StoreError;
    fn try_from(r: CallRow) -> Result<Call, StoreError> {
        let criteria = serde_json::from_str(&r.criteria)
            .map_err(|e| StoreError::Corrupt(format!("call {} criteria: {e}", r.id)))?;
        let kinds = r
            .kinds
            .split(',')
            .filter(|k| !k.is_empty())
            .map(|k| {
                OrgKind::from_code(k).ok_or_else(|| StoreError::Corrupt(format!("call kind {k:?}")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Call {
            owner_path: path("owner", r.owner_path)?,
            scope_path: path("scope", r.scope_path)?,
            criteria,
            kinds,
            id: r.id,
            owner_org_id: r.owner_org_id,
            owner_name: r.owner_name,
            title: r.title,
            description: r.description,
            template_file_id: r.template_file_id,
            template_name: r.template_name,
            deadline: r.deadline,
            scope_org_id: r.scope_org_id,
            scope_name: r.scope_name,
            review_opened_at: r.review_opened_at,
            published_at: r.published_at,
            created_at: r.created_at,
            submitted: r.submitted,
        })
    }
}

const CALL_SELECT: &str = "SELECT c.id, c.owner_org_id, o.name AS owner_name, o.path AS owner_path, \
    c.title, c.description, c.criteria, c.template_file_id, f.name AS template_name, c.deadline, \
    c.scope_org_id, s.name AS scope_name, s.path AS scope_path, c.kinds, c.review_opened_at, \
    c.published_at, c.created_at, \
    (SELECT COUNT(*) FROM case_submissions x WHERE x.call_id = c.id \
       AND x.state IN ('submitted', 'selected', 'not_selected')) AS submitted \
    FROM case_calls c JOIN orgs o ON o.id = c.owner_org_id JOIN orgs s ON s.id = c.scope_org_id \
    LEFT JOIN files f ON f.id = c.template_file_id";

/// A call to add.
pub struct NewCall<'a> {
    pub owner_org_id: i64,
    pub scope_org_id: i64,
    pub text: &'a CallText,
    pub template: Option<&'a Staged>,
    /// The reviewer accounts.
    pub panel: &'a [i64],
    pub by: i64,
}

fn kinds_text(kinds: &[OrgKind]) -> String {
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Adds a call with its template file and panel, in one transaction.
pub async fn create_call(db: &Db, c: &NewCall<'_>, now: DateTime<Utc>) -> Result<Call, StoreError> {
    let criteria = serde_json::to_string(&c.text.criteria)
        .map_err(|e| StoreError::Corrupt(format!("criteria: {e}")))?;
    let mut tx = db.write().await?;
    let template = match c.template {
        Some(f) => Some(f.insert(&mut tx, now).await?),
        None => None,
    };
    let t = c.text;
    let id: i64 = on_tx!(&mut tx, |x| sqlx::query_scalar(
        "INSERT INTO case_calls (owner_org_id, title, description, criteria, template_file_id, \
         deadline, scope_org_id, kinds, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
    )
    .bind(c.owner_org_id)
    .bind(t.title.as_str())
    .bind(t.description.as_deref())
    .bind(&criteria)
    .bind(template)
    .bind(t.deadline)
    .bind(c.scope_org_id)
    .bind(kinds_text(&t.kinds))
    .bind(c.by)
    .bind(now)
    .fetch_one(&mut *x)
    .await?);
    insert_panel(&mut tx, id, c.panel).await?;
    tx.commit().await?;
    get_call(db, id).await
}

async fn insert_panel(tx: &mut Tx, call_id: i64, panel: &[i64]) -> Result<(), StoreError> {
    for account in panel {
        on_tx!(&mut *tx, |x| sqlx::query(
            "INSERT INTO case_panel (call_id, account_id) VALUES ($1, $2)"
        )
        .bind(call_id)
        .bind(account)
        .execute(&mut *x)
        .await
        .map(|_| ())?);
    }
    Ok(())
}

/// Replaces a call's panel.
pub async fn set_panel(db: &Db, call_id: i64, panel: &[i64]) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |x| sqlx::query(
        "DELETE FROM case_panel WHERE call_id = $1"
    )
    .bind(call_id)
    .execute(&mut *x)
    .await
    .map(|_| ())?);
    insert_panel(&mut tx, call_id, panel).await?;
    tx.commit().await?;
    Ok(())
}

/// One call.
pub async fn get_call(db: &Db, id: i64) -> Result<Call, StoreError> {
    let sql = format!("{CALL_SELECT} WHERE c.id = $1");
    let row: Option<CallRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_optional(p)
        .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Whose calls a list shows.
#[derive(Debug, Clone)]
pub struct CallScope<'a> {
    /// Every call (an administrator).
    pub all: bool,
    pub account_id: i64,
    pub org_path: &'a OrgPath,
    pub org_kind: OrgKind,
    /// Include calls owned below the caller's organisation.
    pub below: bool,
}

/// The calls a caller deals with, newest first: those its organisation (or, with `below`,
/// one under it) owns, those it may answer (its organisation lies in the scope and is of
/// an admitted kind) and those whose panel it sits on.
pub async fn list_calls(
    db: &Db,
    s: &CallScope<'_>,
    offset: i64,
    limit: i64,
) -> Result<Page<Call>, StoreError> {
    let limit = limit.clamp(1, 200);
    let offset = offset.max(0);
    let cond = "($1 OR o.path = $2 OR ($3 AND substr(o.path, 1, length($2)) = $2) \
        OR (substr($2, 1, length(s.path)) = s.path \
            AND (c.kinds = '' OR (',' || c.kinds || ',') LIKE ('%,' || $4 || ',%'))) \
        OR EXISTS (SELECT 1 FROM case_panel p WHERE p.call_id = c.id AND p.account_id = $5))";
    let sql = format!(
        "{CALL_SELECT} WHERE {cond} ORDER BY c.created_at DESC, c.id DESC LIMIT {limit} OFFSET {offset}"
    );
    let count = format!(
        "SELECT COUNT(*) FROM case_calls c JOIN orgs o ON o.id = c.owner_org_id \
         JOIN orgs s ON s.id = c.scope_org_id WHERE {cond}"
    );
    let (rows, total): (Vec<CallRow>, i64) = on_db!(db, |p| (
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(s.all)
            .bind(s.org_path.as_str())
            .bind(s.below)
            .bind(s.org_kind.as_str())
            .bind(s.account_id)
            .fetch_all(p)
            .await?,
        sqlx::query_scalar(AssertSqlSafe(count.as_str()))
            .bind(s.all)
            .bind(s.org_path.as_str())
            .bind(s.below)
            .bind(s.org_kind.as_str())
            .bind(s.account_id)
            .fetch_one(p)
            .await?
    ));
    Ok(Page {
        items: rows
            .into_iter()
            .map(Call::try_from)
            .collect::<Result<_, _>>()?,
        total,
        offset,
        limit,
    })
}

/// The published collections, newest first (the public list).
pub async fn published(db: &Db, limit: i64) -> Result<Vec<Call>, StoreError> {
    let sql = format!(
        "{CALL_SELECT} WHERE c.published_at IS NOT NULL ORDER BY c.published_at DESC LIMIT {}",
        limit.clamp(1, 200)
    );
    let rows: Vec<CallRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(Call::try_from).collect()
}

/// A member of a call's panel.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PanelMember {
    pub account_id: i64,
    pub display_name: String,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: String,
    #[serde(skip)]
    pub email: Option<String>,
}

/// A call's panel, by name.
pub async fn panel(db: &Db, call_id: i64) -> Result<Vec<PanelMember>, StoreError> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
        "SELECT a.id AS account_id, a.display_name, o.name AS org_name, o.path AS org_path, a.email \
         FROM case_panel cp JOIN accounts a ON a.id = cp.account_id JOIN orgs o ON o.id = a.org_id \
         WHERE cp.call_id = $1 ORDER BY a.display_name, a.id"
    )
    .bind(call_id)
    .fetch_all(p)
    .await
    })?)
}

/// The active accounts of the organisations at or below `under` (the panel's picker), by
/// organisation and name: id, name, organisation name.
pub async fn panel_choices(
    db: &Db,
    under: &OrgPath,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_as(
        "SELECT a.id, a.display_name, o.name FROM accounts a JOIN orgs o ON o.id = a.org_id \
         WHERE a.active AND substr(o.path, 1, length($1)) = $1 ORDER BY o.path, a.display_name \
         LIMIT 500"
    )
    .bind(under.as_str())
    .fetch_all(p)
    .await)?)
}

/// Marks a call's review open (once); false when it already was.
pub async fn open_review(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let n = on_tx!(&mut *tx, |x| sqlx::query(
        "UPDATE case_calls SET review_opened_at = $1 WHERE id = $2 AND review_opened_at IS NULL"
    )
    .bind(now)
    .bind(id)
    .execute(&mut *x)
    .await
    .map(|r| r.rows_affected())?);
    Ok(n == 1)
}

/// Publishes a call's collection (once); false when it already was.
pub async fn publish(db: &Db, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |x| sqlx::query(
        "UPDATE case_calls SET published_at = $1 WHERE id = $2 AND published_at IS NULL"
    )
    .bind(now)
    .bind(id)
    .execute(&mut *x)
    .await
    .map(|r| r.rows_affected())?);
    crate::search::sync_in(&mut tx, crate::search::Source::CallCases(id)).await?;
    tx.commit().await?;
    Ok(n == 1)
}

// ---------------------------------------------------------------- cases

/// A unit's case, with its unit's name and path and who wrote it.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub id: i64,
    pub call_id: i64,
    pub org_id: i64,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: OrgPath,
    pub title: String,
    pub summary: Option<String>,
    pub body: String,
    pub state: SubmissionState,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: i64,
    call_id: i64,
    org_id: i64,
    org_name: String,
    org_path: String,
    title: String,
    summary: Option<String>,
    body: String,
    state: String,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    decided_at: Option<DateTime<Utc>>,
}

impl TryFrom<CaseRow> for Case {
    type Error = StoreError;
    fn try_from(r: CaseRow) -> Result<Case, StoreError> {
        Ok(Case {
            state: SubmissionState::from_code(&r.state)
                .ok_or_else(|| StoreError::Corrupt(format!("case state {:?}", r.state)))?,
            org_path: path("unit", r.org_path)?,
            id: r.id,
            call_id: r.call_id,
            org_id: r.org_id,
            org_name: r.org_name,
            title: r.title,
            summary: r.summary,
            body: r.body,
            created_by: r.created_by,
            created_at: r.created_at,
            submitted_at: r.submitted_at,
            decided_at: r.decided_at,
        })
    }
}

const CASE_SELECT: &str = "SELECT x.id, x.call_id, x.org_id, o.name AS org_name, o.path AS org_path, \
    x.title, x.summary, x.body, x.state, x.created_by, x.created_at, x.submitted_at, x.decided_at \
    FROM case_submissions x JOIN orgs o ON o.id = x.org_id";

/// A case to add, as a draft or submitted.
pub struct NewCase<'a> {
    pub call_id: i64,
    pub org_id: i64,
    pub text: &'a CaseText,
    pub files: &'a [Staged],
    pub submit: bool,
    pub by: i64,
}

/// Adds a case with its files, in one transaction.
pub async fn create_case(db: &Db, c: &NewCase<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
    let mut tx = db.write().await?;
    let (state, submitted_at) = if c.submit {
        (SubmissionState::Submitted, Some(now))
    } else {
        (SubmissionState::Draft, None)
    };
    let id: i64 = on_tx!(&mut tx, |x| {
        sqlx::query_scalar(
        "INSERT INTO case_submissions (call_id, org_id, title, summary, body, state, created_by, \
         created_at, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
    )
    .bind(c.call_id)
    .bind(c.org_id)
    .bind(c.text.title.as_str())
    .bind(c.text.summary.as_deref())
    .bind(&c.text.body)
    .bind(state.as_str())
    .bind(c.by)
    .bind(now)
    .bind(submitted_at)
    .fetch_one(&mut *x)
    .await?
    });
    add_files(&mut tx, id, c.files, now).await?;
    crate::search::sync_in(&mut tx, crate::search::Source::Case(id)).await?;
    tx.commit().await?;
    Ok(id)
}

async fn add_files(
    tx: &mut Tx,
    case_id: i64,
    files: &[Staged],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let start: i64 = on_tx!(&mut *tx, |x| sqlx::query_scalar(
        "SELECT COUNT(*) FROM case_submission_files WHERE submission_id = $1"
    )
    .bind(case_id)
    .fetch_one(&mut *x)
    .await?);
    for (i, f) in files.iter().enumerate() {
        let file_id = f.insert(tx, now).await?;
        on_tx!(&mut *tx, |x| {
            sqlx::query(
            "INSERT INTO case_submission_files (submission_id, file_id, position) VALUES ($1, $2, $3)"
        )
        .bind(case_id)
        .bind(file_id)
        .bind(start + i as i64)
        .execute(&mut *x)
        .await
        .map(|_| ())?
        });
    }
    Ok(())
}

/// Rewrites a draft's text, adds files and — with `submit` — submits it; refuses
/// (`case_not_draft`) when it is no longer a draft.
pub async fn update_draft(
    db: &Db,
    id: i64,
    text: &CaseText,
    files: &[Staged],
    submit: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    let (state, submitted_at) = if submit {
        (SubmissionState::Submitted, Some(now))
    } else {
        (SubmissionState::Draft, None)
    };
    let n = on_tx!(&mut tx, |x| sqlx::query(
        "UPDATE case_submissions SET title = $1, summary = $2, body = $3, state = $4, \
         submitted_at = $5 WHERE id = $6 AND state = 'draft'"
    )
    .bind(text.title.as_str())
    .bind(text.summary.as_deref())
    .bind(&text.body)
    .bind(state.as_str())
    .bind(submitted_at)
    .bind(id)
    .execute(&mut *x)
    .await
    .map(|r| r.rows_affected())?);
    if n == 0 {
        return Err(StoreError::State("case_not_draft"));
    }
    add_files(&mut tx, id, files, now).await?;
    crate::search::sync_in(&mut tx, crate::search::Source::Case(id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a case from one of `from` to `to`; refuses with `refusal` when it is in none.
pub async fn set_state(
    db: &Db,
    id: i64,
    from: &[SubmissionState],
    to: SubmissionState,
    refusal: &'static str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let list = from
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(",");
    // The list holds state codes only, never user text.
    let sql = format!(
        "UPDATE case_submissions SET state = $1, decided_at = $2 WHERE id = $3 AND state IN ({list})"
    );
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |x| sqlx::query(AssertSqlSafe(sql.as_str()))
        .bind(to.as_str())
        .bind(now)
        .bind(id)
        .execute(&mut *x)
        .await
        .map(|r| r.rows_affected())?);
    if n == 0 {
        return Err(StoreError::State(refusal));
    }
    crate::search::sync_in(&mut tx, crate::search::Source::Case(id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets the selection of a call in `tx`: its cases in front of the panel become selected
/// when listed in `selected`, not selected otherwise. Returns the cases whose state
/// changed (to tell their units).
pub async fn select(
    tx: &mut Tx,
    call_id: i64,
    selected: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<(i64, SubmissionState)>, StoreError> {
    let rows: Vec<(i64, String)> = on_tx!(&mut *tx, |x| sqlx::query_as(
        "SELECT id, state FROM case_submissions WHERE call_id = $1 \
         AND state IN ('submitted', 'selected', 'not_selected') ORDER BY id"
    )
    .bind(call_id)
    .fetch_all(&mut *x)
    .await?);
    let mut changed = Vec::new();
    for (id, state) in rows {
        let to = if selected.contains(&id) {
            SubmissionState::Selected
        } else {
            SubmissionState::NotSelected
        };
        if state == to.as_str() {
            continue;
        }
        on_tx!(&mut *tx, |x| sqlx::query(
            "UPDATE case_submissions SET state = $1, decided_at = $2 WHERE id = $3"
        )
        .bind(to.as_str())
        .bind(now)
        .bind(id)
        .execute(&mut *x)
        .await
        .map(|_| ())?);
        changed.push((id, to));
        crate::search::sync_in(tx, crate::search::Source::Case(id)).await?;
    }
    Ok(changed)
}

/// One case.
pub async fn get_case(db: &Db, id: i64) -> Result<Case, StoreError> {
    let sql = format!("{CASE_SELECT} WHERE x.id = $1");
    let row: Option<CaseRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_optional(p)
        .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Which cases of a call.
#[derive(Debug, Clone, Copy)]
pub enum Cases {
    /// Every case of one unit (drafts and withdrawn ones too).
    Unit(i64),
    /// Those in front of the panel.
    Reviewable,
    /// The selected ones.
    Selected,
}

/// The cases of a call, oldest first.
pub async fn cases(db: &Db, call_id: i64, which: Cases) -> Result<Vec<Case>, StoreError> {
    let (cond, key) = match which {
        Cases::Unit(org) => ("x.org_id = $2", org),
        Cases::Reviewable => (
            "x.state IN ('submitted', 'selected', 'not_selected') AND $2 = $2",
            0,
        ),
        Cases::Selected => ("x.state = 'selected' AND $2 = $2", 0),
    };
    let sql = format!("{CASE_SELECT} WHERE x.call_id = $1 AND {cond} ORDER BY x.id");
    let rows: Vec<CaseRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(call_id)
        .bind(key)
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(Case::try_from).collect()
}

/// A file of a case.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseFile {
    pub submission_id: i64,
    pub file_id: i64,
    pub name: String,
    pub size: i64,
}

/// The files of the cases `ids`, in each case's order.
pub async fn files_of(db: &Db, ids: &[i64]) -> Result<Vec<CaseFile>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    // The list holds numbers only.
    let sql = format!(
        "SELECT sf.submission_id, sf.file_id, f.name, f.size FROM case_submission_files sf \
         JOIN files f ON f.id = sf.file_id WHERE sf.submission_id IN ({list}) \
         ORDER BY sf.submission_id, sf.position"
    );
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .fetch_all(p)
        .await)?)
}

// ---------------------------------------------------------------- scores

/// Writes a reviewer's points for a case (replacing its earlier ones), in one transaction.
pub async fn save_scores(
    db: &Db,
    case_id: i64,
    account_id: i64,
    points: &[u32],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |x| sqlx::query(
        "DELETE FROM case_scores WHERE submission_id = $1 AND account_id = $2"
    )
    .bind(case_id)
    .bind(account_id)
    .execute(&mut *x)
    .await
    .map(|_| ())?);
    for (i, p) in points.iter().enumerate() {
        on_tx!(&mut tx, |x| sqlx::query(
            "INSERT INTO case_scores (submission_id, account_id, criterion, points, scored_at) \
             VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(case_id)
        .bind(account_id)
        .bind(i as i64)
        .bind(i64::from(*p))
        .bind(now)
        .execute(&mut *x)
        .await
        .map(|_| ())?);
    }
    tx.commit().await?;
    Ok(())
}

/// One reviewer's points on one criterion of one case, with the reviewer's organisation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScoreRow {
    pub submission_id: i64,
    pub account_id: i64,
    pub display_name: String,
    pub org_path: String,
    pub criterion: i64,
    pub points: i64,
}

/// Every point given on the cases of a call, by case, reviewer and criterion.
pub async fn scores(db: &Db, call_id: i64) -> Result<Vec<ScoreRow>, StoreError> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
        "SELECT s.submission_id, s.account_id, a.display_name, o.path AS org_path, s.criterion, s.points \
         FROM case_scores s JOIN case_submissions x ON x.id = s.submission_id \
         JOIN accounts a ON a.id = s.account_id JOIN orgs o ON o.id = a.org_id \
         WHERE x.call_id = $1 ORDER BY s.submission_id, s.account_id, s.criterion"
    )
    .bind(call_id)
    .fetch_all(p)
    .await
    })?)
}

/// The e-mail address and name of an account, if it has an address.
pub async fn contact(db: &Db, account_id: i64) -> Result<Option<(String, String)>, StoreError> {
    let row: Option<(Option<String>, String)> = on_db!(db, |p| sqlx::query_as(
        "SELECT email, display_name FROM accounts WHERE id = $1 AND active"
    )
    .bind(account_id)
    .fetch_optional(p)
    .await)?;
    Ok(row.and_then(|(e, n)| e.map(|e| (e, n))))
}
