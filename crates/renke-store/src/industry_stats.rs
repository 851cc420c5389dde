//! Industry statistics (行业统计): a bureau's yearly rows per institution
//! (`industry_stat_sets`, `industry_stat_rows`), and the yearly industry reports written
//! from them (`industry_reports`) with the co-organisers they are shared with
//! (`industry_report_shares`).

use crate::orgs::Page;
use crate::{Db, StoreError, on_db, on_tx};
use chrono::{DateTime, Utc};
use renke_domain::industry_stats::{InstitutionKind, ReportState, Sector, StatRow, Totals};
use renke_domain::org::OrgPath;
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// One imported year of a bureau.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StatSet {
    pub id: i64,
    pub owner_org_id: i64,
    pub year: i32,
    pub file_name: String,
    pub row_count: i32,
    pub imported_by_name: Option<String>,
    pub imported_at: DateTime<Utc>,
}

const SET_SELECT: &str = "SELECT s.id, s.owner_org_id, s.year, s.file_name, s.row_count, \
    a.display_name AS imported_by_name, s.imported_at \
    FROM industry_stat_sets s LEFT JOIN accounts a ON a.id = s.imported_by";

/// Rows inserted by one statement (11 parameters each).
const CHUNK: usize = 400;

/// Replaces year `year` of `owner_org_id` with `rows` in one transaction: the year's
/// earlier rows go, the new ones come with the file's name, who imported it and when.
pub async fn replace_year(
    db: &Db,
    owner_org_id: i64,
    year: i32,
    file_name: &str,
    rows: &[(usize, StatRow)],
    by: i64,
    now: DateTime<Utc>,
) -> Result<StatSet, StoreError> {
    let mut tx = db.write().await?;
    on_tx!(&mut tx, |c| {
        sqlx::query(
            "DELETE FROM industry_stat_rows WHERE set_id IN \
             (SELECT id FROM industry_stat_sets WHERE owner_org_id = $1 AND year = $2)",
        )
        .bind(owner_org_id)
        .bind(year)
        .execute(&mut *c)
        .await?;
        sqlx::query("DELETE FROM industry_stat_sets WHERE owner_org_id = $1 AND year = $2")
            .bind(owner_org_id)
            .bind(year)
            .execute(&mut *c)
            .await?;
    });
    let set_id: i64 = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO industry_stat_sets (owner_org_id, year, file_name, row_count, imported_by, \
         imported_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    )
    .bind(owner_org_id)
    .bind(year)
    .bind(file_name)
    .bind(rows.len() as i32)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *c)
    .await?
    });
    for chunk in rows.chunks(CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 11;
                let params: Vec<String> = (1..=11).map(|k| format!("${}", b + k)).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO industry_stat_rows (set_id, line, name, credit_code, kind, sector, \
             district, revenue, staff, certificates, reports) VALUES {}",
            values.join(", ")
        );
        on_tx!(&mut tx, |c| {
            let mut q = sqlx::query(AssertSqlSafe(sql.as_str()));
            for (line, r) in chunk {
                q = q
                    .bind(set_id)
                    .bind(*line as i32)
                    .bind(r.name.as_str())
                    .bind(r.credit_code.as_str())
                    .bind(r.kind.as_str())
                    .bind(r.sector.as_str())
                    .bind(r.district.as_str())
                    .bind(r.revenue)
                    .bind(r.staff)
                    .bind(r.certificates)
                    .bind(r.reports);
            }
            q.execute(&mut *c).await?;
        });
    }
    tx.commit().await?;
    set_of(db, owner_org_id, year)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The imported years of `owner_org_id`, newest first.
pub async fn sets(db: &Db, owner_org_id: i64) -> Result<Vec<StatSet>, StoreError> {
    let sql = format!("{SET_SELECT} WHERE s.owner_org_id = $1 ORDER BY s.year DESC");
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(owner_org_id)
        .fetch_all(p)
        .await)?)
}

/// Year `year` of `owner_org_id`, if imported.
pub async fn set_of(db: &Db, owner_org_id: i64, year: i32) -> Result<Option<StatSet>, StoreError> {
    let sql = format!("{SET_SELECT} WHERE s.owner_org_id = $1 AND s.year = $2");
    Ok(on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(owner_org_id)
        .bind(year)
        .fetch_optional(p)
        .await)?)
}

#[derive(sqlx::FromRow)]
struct RowRow {
    line: i32,
    name: String,
    credit_code: String,
    kind: String,
    sector: String,
    district: String,
    revenue: f64,
    staff: i64,
    certificates: i64,
    reports: i64,
}

/// A stored row with its line.
fn decode_row(r: RowRow) -> Result<(usize, StatRow), StoreError> {
    let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("stat row {what} {v:?}"));
    Ok((
        r.line.max(0) as usize,
        StatRow {
            kind: InstitutionKind::from_code(&r.kind).ok_or_else(|| corrupt("kind", &r.kind))?,
            sector: Sector::from_code(&r.sector).ok_or_else(|| corrupt("sector", &r.sector))?,
            name: r.name,
            credit_code: r.credit_code,
            district: r.district,
            revenue: r.revenue,
            staff: r.staff,
            certificates: r.certificates,
            reports: r.reports,
        },
    ))
}

const ROW_SELECT: &str = "SELECT r.line, r.name, r.credit_code, r.kind, r.sector, r.district, \
    r.revenue, r.staff, r.certificates, r.reports FROM industry_stat_rows r \
    JOIN industry_stat_sets s ON s.id = r.set_id WHERE s.owner_org_id = $1 AND s.year = $2";

/// Every row of year `year` of `owner_org_id`, in the file's order, with its line.
pub async fn rows(
    db: &Db,
    owner_org_id: i64,
    year: i32,
) -> Result<Vec<(usize, StatRow)>, StoreError> {
    let sql = format!("{ROW_SELECT} ORDER BY r.line");
    let rows: Vec<RowRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(owner_org_id)
        .bind(year)
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(decode_row).collect()
}

/// A page of the rows of year `year` of `owner_org_id`, in the file's order.
pub async fn rows_page(
    db: &Db,
    owner_org_id: i64,
    year: i32,
    offset: i64,
    limit: i64,
) -> Result<Page<(usize, StatRow)>, StoreError> {
    let limit = limit.clamp(1, 200);
    let offset = offset.max(0);
    let sql = format!("{ROW_SELECT} ORDER BY r.line LIMIT {limit} OFFSET {offset}");
    let (rows, total): (Vec<RowRow>, i64) = on_db!(db, |p| (
        sqlx::query_as(AssertSqlSafe(sql.as_str()))
            .bind(owner_org_id)
            .bind(year)
            .fetch_all(p)
            .await?,
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM industry_stat_rows r JOIN industry_stat_sets s \
             ON s.id = r.set_id WHERE s.owner_org_id = $1 AND s.year = $2"
        )
        .bind(owner_org_id)
        .bind(year)
        .fetch_one(p)
        .await?
    ));
    Ok(Page {
        items: rows.into_iter().map(decode_row).collect::<Result<_, _>>()?,
        total,
        offset,
        limit,
    })
}

#[derive(sqlx::FromRow)]
struct TrendRow {
    year: i32,
    institutions: i64,
    revenue: f64,
    staff: i64,
    certificates: i64,
    reports: i64,
}

/// The totals of every imported year of `owner_org_id` up to `until`, oldest first.
pub async fn trend(db: &Db, owner_org_id: i64, until: i32) -> Result<Vec<Totals>, StoreError> {
    let rows: Vec<TrendRow> = on_db!(db, |p| sqlx::query_as(
        "SELECT s.year, CAST(COUNT(r.id) AS BIGINT) AS institutions, \
         CAST(COALESCE(SUM(r.revenue), 0) AS DOUBLE PRECISION) AS revenue, \
         CAST(COALESCE(SUM(r.staff), 0) AS BIGINT) AS staff, \
         CAST(COALESCE(SUM(r.certificates), 0) AS BIGINT) AS certificates, \
         CAST(COALESCE(SUM(r.reports), 0) AS BIGINT) AS reports \
         FROM industry_stat_sets s LEFT JOIN industry_stat_rows r ON r.set_id = s.id \
         WHERE s.owner_org_id = $1 AND s.year <= $2 GROUP BY s.year ORDER BY s.year"
    )
    .bind(owner_org_id)
    .bind(until)
    .fetch_all(p)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Totals {
            key: r.year.to_string(),
            institutions: r.institutions,
            revenue: (r.revenue * 100.0).round() / 100.0,
            staff: r.staff,
            certificates: r.certificates,
            reports: r.reports,
        })
        .collect())
}

// ---------------------------------------------------------------- reports

/// A yearly industry report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_title: String,
    pub owner_org_id: i64,
    pub owner_name: String,
    #[serde(skip)]
    pub owner_path: OrgPath,
    pub year: i32,
    pub title: String,
    pub narrative: String,
    pub state: ReportState,
    /// The analysis as published (JSON), once published.
    #[serde(skip)]
    pub figures: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    campaign_id: i64,
    campaign_title: String,
    owner_org_id: i64,
    owner_name: String,
    owner_path: String,
    year: i32,
    title: String,
    narrative: String,
    state: String,
    figures: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    published_at: Option<DateTime<Utc>>,
}

impl TryFrom<ReportRow> for Report {
    type Error = StoreError;
    fn try_from(r: ReportRow) -> Result<Report, StoreError> {
        let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("report {what} {v:?}"));
        Ok(Report {
            state: ReportState::from_code(&r.state).ok_or_else(|| corrupt("state", &r.state))?,
            owner_path: OrgPath::from_stored(r.owner_path.clone())
                .ok_or_else(|| corrupt("path", &r.owner_path))?,
            id: r.id,
            campaign_id: r.campaign_id,
            campaign_title: r.campaign_title,
            owner_org_id: r.owner_org_id,
            owner_name: r.owner_name,
            year: r.year,
            title: r.title,
            narrative: r.narrative,
            figures: r.figures,
            created_at: r.created_at,
            updated_at: r.updated_at,
            published_at: r.published_at,
        })
    }
}

const REPORT_SELECT: &str = "SELECT r.id, r.campaign_id, c.title AS campaign_title, \
    r.owner_org_id, o.name AS owner_name, o.path AS owner_path, r.year, r.title, r.narrative, \
    r.state, r.figures, r.created_at, r.updated_at, r.published_at \
    FROM industry_reports r JOIN orgs o ON o.id = r.owner_org_id \
    JOIN campaigns c ON c.id = r.campaign_id";

/// A report's fields as written.
pub struct ReportFields<'a> {
    pub campaign_id: i64,
    pub year: i32,
    pub title: &'a str,
    pub narrative: &'a str,
}

/// Adds a draft report of `owner_org_id`.
pub async fn create_report(
    db: &Db,
    owner_org_id: i64,
    f: &ReportFields<'_>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let mut tx = db.write().await?;
    let id: i64 = on_tx!(&mut tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO industry_reports (campaign_id, owner_org_id, year, title, narrative, state, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $7) \
         RETURNING id"
    )
    .bind(f.campaign_id)
    .bind(owner_org_id)
    .bind(f.year)
    .bind(f.title)
    .bind(f.narrative)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *c)
    .await?
    });
    tx.commit().await?;
    report(db, id).await
}

/// Changes a draft report's fields; a published one is refused (`report_published`).
pub async fn update_report(
    db: &Db,
    id: i64,
    f: &ReportFields<'_>,
    now: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |c| sqlx::query(
        "UPDATE industry_reports SET campaign_id = $1, year = $2, title = $3, narrative = $4, \
         updated_at = $5 WHERE id = $6 AND state = 'draft'"
    )
    .bind(f.campaign_id)
    .bind(f.year)
    .bind(f.title)
    .bind(f.narrative)
    .bind(now)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())?);
    if n == 0 {
        drop(tx);
        report(db, id).await?;
        return Err(StoreError::State("report_published"));
    }
    tx.commit().await?;
    report(db, id).await
}

/// Publishes a draft report with its figures frozen (`figures`, JSON); a published one is
/// refused (`report_published`). `to_draft` takes a published report back to draft
/// (its frozen figures dropped) instead.
pub async fn set_published(
    db: &Db,
    id: i64,
    figures: Option<&str>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let (sql, refusal) = if figures.is_some() {
        (
            "UPDATE industry_reports SET state = 'published', figures = $1, published_by = $2, \
             published_at = $3, updated_at = $3 WHERE id = $4 AND state = 'draft'",
            "report_published",
        )
    } else {
        (
            "UPDATE industry_reports SET state = 'draft', figures = $1, published_by = $2, \
             published_at = NULL, updated_at = $3 WHERE id = $4 AND state = 'published'",
            "report_not_published",
        )
    };
    let mut tx = db.write().await?;
    let n = on_tx!(&mut tx, |c| sqlx::query(sql)
        .bind(figures)
        .bind(figures.map(|_| by))
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())?);
    if n == 0 {
        drop(tx);
        report(db, id).await?;
        return Err(StoreError::State(refusal));
    }
    tx.commit().await?;
    report(db, id).await
}

/// One report.
pub async fn report(db: &Db, id: i64) -> Result<Report, StoreError> {
    let sql = format!("{REPORT_SELECT} WHERE r.id = $1");
    let row: Option<ReportRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_optional(p)
        .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Which reports a list shows.
pub enum ReportScope {
    /// Those of a bureau.
    Owner(i64),
    /// Those shared with an organisation.
    SharedWith(i64),
    /// The published reports of a campaign (its public page).
    Public(i64),
}

/// The reports of `scope`, newest year first.
pub async fn reports(db: &Db, scope: ReportScope) -> Result<Vec<Report>, StoreError> {
    let (cond, key) = match scope {
        ReportScope::Owner(id) => ("r.owner_org_id = $1", id),
        ReportScope::SharedWith(id) => (
            "r.id IN (SELECT report_id FROM industry_report_shares WHERE org_id = $1)",
            id,
        ),
        ReportScope::Public(id) => ("r.campaign_id = $1 AND r.state = 'published'", id),
    };
    let sql = format!("{REPORT_SELECT} WHERE {cond} ORDER BY r.year DESC, r.id DESC LIMIT 200");
    let rows: Vec<ReportRow> = on_db!(db, |p| sqlx::query_as(AssertSqlSafe(sql.as_str()))
        .bind(key)
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(TryFrom::try_from).collect()
}

/// An organisation a report is shared with.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Share {
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub granted_at: DateTime<Utc>,
}

/// The organisations report `id` is shared with, by name.
pub async fn shares(db: &Db, id: i64) -> Result<Vec<Share>, StoreError> {
    Ok(on_db!(db, |p| {
        sqlx::query_as(
        "SELECT s.org_id, o.code AS org_code, o.name AS org_name, s.granted_at FROM industry_report_shares s \
         JOIN orgs o ON o.id = s.org_id WHERE s.report_id = $1 ORDER BY o.name"
    )
    .bind(id)
    .fetch_all(p)
    .await
    })?)
}

/// Whether report `id` is shared with organisation `org_id`.
pub async fn is_shared(db: &Db, id: i64, org_id: i64) -> Result<bool, StoreError> {
    let n: i64 = on_db!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM industry_report_shares WHERE report_id = $1 AND org_id = $2"
    )
    .bind(id)
    .bind(org_id)
    .fetch_one(p)
    .await)?;
    Ok(n > 0)
}

/// Shares report `id` with `org_id` (again: nothing changes), telling the organisation
/// in-app (`about` names the report in the message), or stops sharing it.
pub async fn set_share(
    db: &Db,
    id: i64,
    org_id: i64,
    shared: bool,
    by: i64,
    about: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut tx = db.write().await?;
    if shared {
        let added = on_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO industry_report_shares (report_id, org_id, granted_by, granted_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (report_id, org_id) DO NOTHING"
        )
        .bind(id)
        .bind(org_id)
        .bind(by)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())?);
        if added > 0 {
            crate::reminders::notify(
                &mut tx,
                org_id,
                "report_shared",
                "行业发展报告已与本单位共享 / An industry report was shared with you",
                about,
                &format!("/publicity/statistics/reports/{id}"),
                now,
            )
            .await?;
        }
    } else {
        on_tx!(&mut tx, |c| sqlx::query(
            "DELETE FROM industry_report_shares WHERE report_id = $1 AND org_id = $2"
        )
        .bind(id)
        .bind(org_id)
        .execute(&mut *c)
        .await
        .map(|_| ())?);
    }
    tx.commit().await?;
    Ok(())
}
