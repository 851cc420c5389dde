use crate::fixtures::{now, tree};
use renke_store::orgs;
use renke_store::public_changes::{self, TABLES};
use renke_store::testing::backends;

#[tokio::test]
async fn every_table_the_public_pages_read_bumps_the_count_in_the_writing_transaction() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        let mut listed: Vec<String> = TABLES.iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(
            public_changes::triggered_tables(db).await.unwrap(),
            listed,
            "{l}"
        );

        let before = public_changes::current(db).await.unwrap();
        tree(db).await;
        let after_tree = public_changes::current(db).await.unwrap();
        assert!(after_tree.generation > before.generation, "{l}: insert");
        assert!(after_tree.changed_at >= before.changed_at, "{l}");

        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        let g = public_changes::current(db).await.unwrap().generation;
        let edit = orgs::OrgUpdate {
            name: "广东省市场监管局".into(),
            short_name: gd.short_name.clone(),
            name_en: gd.name_en.clone(),
            kind: gd.kind,
            admin_level: gd.admin_level,
            cma_level: gd.cma_level,
            region: gd.region,
            contact_name: None,
            contact_phone: None,
            contact_email: None,
        };
        orgs::update(db, gd.id, &edit, now()).await.unwrap();
        assert!(
            public_changes::current(db).await.unwrap().generation > g,
            "{l}: update"
        );

        // A write that is rolled back leaves the count as it was.
        let g = public_changes::current(db).await.unwrap().generation;
        let dup = vec![crate::fixtures::regulator(
            "GD",
            Some("N"),
            "重复",
            renke_domain::org::AdminLevel::Provincial,
        )];
        assert!(orgs::create_many(db, &dup, now()).await.is_err());
        assert_eq!(
            public_changes::current(db).await.unwrap().generation,
            g,
            "{l}"
        );
        t.cleanup().await;
    }
}
