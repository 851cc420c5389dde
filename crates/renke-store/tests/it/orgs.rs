use crate::fixtures::{code, now, planner_rows, regulator, tree};
use renke_domain::org::{AdminLevel, OrgKind, Relation};
use renke_store::StoreError;
use renke_store::orgs::{self, NewOrg, OrgQuery};
use renke_store::testing::backends;

#[tokio::test]
async fn creates_a_tree_with_paths_and_depths() {
    for t in backends().await {
        let db = &t.db;
        tree(db).await;
        let ft = orgs::get_by_code(db, "GD-SZ-FT").await.unwrap();
        assert_eq!(ft.depth, 3, "{}", t.label());
        let chain = orgs::ancestors(db, &ft.path).await.unwrap();
        let codes: Vec<_> = chain.iter().map(|o| o.code.as_str()).collect();
        assert_eq!(codes, ["N", "GD", "GD-SZ", "GD-SZ-FT"], "{}", t.label());
        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        assert_eq!(orgs::subtree_count(db, &gd.path).await.unwrap(), 4);
        let kids = orgs::children(db, gd.id, 0, 50).await.unwrap().items;
        assert_eq!(kids.len(), 2);
        let sz = kids.iter().find(|k| k.org.code == "GD-SZ").unwrap();
        assert_eq!(sz.child_count, 1);
        assert_eq!(orgs::roots(db).await.unwrap().len(), 1);
        assert_eq!(Relation::between(&gd.path, &ft.path), Relation::Descendant);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn duplicate_code_is_a_named_conflict_and_writes_nothing() {
    for t in backends().await {
        let db = &t.db;
        tree(db).await;
        let rows = vec![
            regulator("NEW1", Some("N"), "新机构一", AdminLevel::Provincial),
            regulator("GD", Some("N"), "重复", AdminLevel::Provincial),
        ];
        let err = orgs::create_many(db, &rows, now()).await.unwrap_err();
        match err {
            StoreError::Conflict { constraint } => {
                assert_eq!(constraint, "orgs_code_key", "{}", t.label())
            }
            e => panic!("{}: expected conflict, got {e:?}", t.label()),
        }
        assert!(
            matches!(
                orgs::get_by_code(db, "NEW1").await,
                Err(StoreError::NotFound)
            ),
            "rolled back"
        );
        let unknown = vec![regulator("X", Some("NOPE"), "无上级", AdminLevel::District)];
        assert!(matches!(
            orgs::create_many(db, &unknown, now()).await,
            Err(StoreError::MissingReference)
        ));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn moves_a_subtree_and_refuses_cycles() {
    for t in backends().await {
        let db = &t.db;
        tree(db).await;
        let sz = orgs::get_by_code(db, "GD-SZ").await.unwrap();
        let sh = orgs::get_by_code(db, "SH").await.unwrap();
        let moved = orgs::move_subtree(db, sz.id, sh.id, now()).await.unwrap();
        assert_eq!(moved.parent_id, Some(sh.id));
        assert_eq!(moved.path, sh.path.child(sz.id));
        let ft = orgs::get_by_code(db, "GD-SZ-FT").await.unwrap();
        assert!(ft.path.is_within(&sh.path), "{}: {}", t.label(), ft.path);
        assert_eq!(ft.depth, 3);
        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        assert_eq!(orgs::subtree_count(db, &gd.path).await.unwrap(), 2);
        assert_eq!(orgs::subtree_count(db, &sh.path).await.unwrap(), 3);
        // Under its own descendant: refused, nothing changes.
        let err = orgs::move_subtree(db, sh.id, ft.id, now())
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Rule("move_into_own_subtree")),
            "{err:?}"
        );
        assert_eq!(orgs::get(db, sh.id).await.unwrap().path, sh.path);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn searches_by_partial_chinese_name_within_a_subtree() {
    for t in backends().await {
        let db = &t.db;
        tree(db).await;
        let mut lab = NewOrg::new(
            code("GD-LAB1"),
            Some(code("GD-SZ")),
            "深圳市计量质量检测研究院",
            OrgKind::Lab,
        );
        lab.short_name = Some("深圳计量院".into());
        orgs::create(db, &lab, now()).await.unwrap();
        let all = orgs::search(
            db,
            &OrgQuery {
                text: Some("深圳".into()),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(all.total, 3, "{}", t.label());
        let sh = orgs::get_by_code(db, "SH").await.unwrap();
        let none = orgs::search(
            db,
            &OrgQuery {
                text: Some("深圳".into()),
                within: Some(sh.path.clone()),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(none.total, 0);
        let labs = orgs::search(
            db,
            &OrgQuery {
                kind: Some(OrgKind::Lab),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(labs.items.len(), 1);
        // LIKE wildcards in the query are literal.
        let pct = orgs::search(
            db,
            &OrgQuery {
                text: Some("%".into()),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(pct.total, 0);
        let page = orgs::search(
            db,
            &OrgQuery {
                limit: 2,
                offset: 2,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!((page.items.len(), page.total), (2, 7));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_bulk_import_refreshes_the_planner_statistics() {
    for t in backends().await {
        let db = &t.db;
        tree(db).await;
        // A handful of rows leaves the statistics alone …
        if let Some(rows) = planner_rows(db, "orgs").await {
            assert!(rows < 100.0, "no ANALYZE after a small write: {rows}");
        }
        // … an import of thousands refreshes them, so the next query is planned for them.
        let labs: Vec<NewOrg> = (0..5_000)
            .map(|i| {
                NewOrg::new(
                    code(&format!("LAB{i:05}")),
                    Some(code("GD-SZ")),
                    format!("检验检测机构{i}"),
                    OrgKind::Lab,
                )
            })
            .collect();
        let ids = orgs::create_many(db, &labs, now()).await.unwrap();
        assert_eq!(ids.len(), 5_000, "{}", t.label());
        if let Some(rows) = planner_rows(db, "orgs").await {
            assert!(rows >= 5_000.0, "ANALYZE after the import: {rows}");
        }
        t.cleanup().await;
    }
}
