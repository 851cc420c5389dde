//! Shanghai's industry statistics of the demo (`renke_domain::demo::industry_stats`):
//! 2019–2021 imported by Shanghai's staff, and the 2021 report — written with
//! 上海交通大学安泰经济与管理学院, shared with it, and published on the demo campaign's
//! public page with its figures frozen.

use super::{account_id, beijing};
use anyhow::Context;
use renke_domain::demo::industry_stats as plan;
use renke_domain::industry_stats::{SHANGHAI_DISTRICTS, analyse};
use renke_store::Db;
use renke_store::industry_stats::{self as store, ReportFields};

/// Loads the years and the published report; returns the report's id.
pub async fn load(db: &Db, campaign_id: i64) -> anyhow::Result<i64> {
    let owner = renke_store::orgs::get_by_code(db, plan::OWNER).await?;
    let partner = renke_store::orgs::get_by_code(db, plan::PARTNER).await?;
    let keeper = account_id(db, plan::KEEPER).await?;
    let imported = beijing(plan::IMPORTED_AT)?;
    for year in plan::YEARS {
        let rows: Vec<_> = plan::rows(year)
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i + 2, r))
            .collect();
        store::replace_year(
            db,
            owner.id,
            year,
            &format!("{year}年度上海市检验检测认证机构统计.xlsx"),
            &rows,
            keeper,
            imported,
        )
        .await
        .with_context(|| {
            format!("演示行业统计 {year} 写入失败 cannot store the demo statistics")
        })?;
    }
    let districts: Vec<String> = SHANGHAI_DISTRICTS.iter().map(|d| (*d).to_owned()).collect();
    let trend = store::trend(db, owner.id, 2021).await?;
    let analysis = analyse(2021, &plan::rows(2021), &districts, trend);
    let before = analysis.trend.iter().find(|t| t.key == "2020");
    let narrative = plan::narrative(&analysis.total, before);
    let report = store::create_report(
        db,
        owner.id,
        &ReportFields {
            campaign_id,
            year: 2021,
            title: plan::REPORT_TITLE,
            narrative: &narrative,
        },
        keeper,
        imported,
    )
    .await?;
    let published = beijing(plan::PUBLISHED_AT)?;
    let about = format!("{}：{}", owner.name, plan::REPORT_TITLE);
    store::set_share(db, report.id, partner.id, true, keeper, &about, published).await?;
    let frozen = serde_json::to_string(&analysis)?;
    store::set_published(db, report.id, Some(&frozen), keeper, published).await?;
    Ok(report.id)
}
