//! The demo's industry statistics: Shanghai's sixteen districts for 2019–2021, a few
//! hundred institutions in 2021, and the 2021 report published on the demo campaign's
//! public page, shared with 上海交通大学安泰经济与管理学院.

use chrono::{TimeZone, Utc};
use renke_domain::demo::industry_stats as plan;
use renke_domain::industry_stats::ReportState;
use renke_store::industry_stats::{self as store, ReportScope};
use renke_store::testing::backends;

#[tokio::test]
async fn the_demo_has_shanghai_statistics_and_the_published_2021_report() {
    let now = Utc.with_ymd_and_hms(2022, 6, 28, 2, 0, 0).unwrap();
    for t in backends().await {
        let l = t.label();
        let db = &t.db;
        let summary = renke::demo::load_demo(db, &renke_app::FileStore::memory(), now)
            .await
            .unwrap();
        let sh = renke_store::orgs::get_by_code(db, plan::OWNER)
            .await
            .unwrap();
        let years: Vec<i32> = store::sets(db, sh.id)
            .await
            .unwrap()
            .iter()
            .map(|s| s.year)
            .collect();
        assert_eq!(years, vec![2021, 2020, 2019], "{l}");
        let rows = store::rows(db, sh.id, 2021).await.unwrap();
        assert_eq!(rows.len(), plan::rows(2021).len(), "{l}");
        assert!(rows.len() >= 250, "{l}: {}", rows.len());
        let districts: std::collections::BTreeSet<&str> =
            rows.iter().map(|(_, r)| r.district.as_str()).collect();
        assert_eq!(districts.len(), 16, "{l}");

        let public = store::reports(db, ReportScope::Public(summary.campaign_id))
            .await
            .unwrap();
        assert_eq!(public.len(), 1, "{l}");
        let r = &public[0];
        assert_eq!(r.title, plan::REPORT_TITLE, "{l}");
        assert_eq!(r.state, ReportState::Published, "{l}");
        assert!(r.narrative.contains("安泰经济与管理学院"), "{l}");
        assert!(
            r.figures.as_deref().is_some_and(|f| f.contains("浦东新区")),
            "{l}"
        );
        let shares = store::shares(db, r.id).await.unwrap();
        assert_eq!(shares[0].org_code, plan::PARTNER, "{l}");
        let partner = renke_store::orgs::get_by_code(db, plan::PARTNER)
            .await
            .unwrap();
        let shared = store::reports(db, ReportScope::SharedWith(partner.id))
            .await
            .unwrap();
        assert_eq!(shared.len(), 1, "{l}");
    }
}
