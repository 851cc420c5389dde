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
        let chain = orgs::placed(db, ft.id).await.unwrap().chain;
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
async fn child_and_subtree_counts_are_kept_on_every_write() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        tree(db).await;
        assert_eq!(orgs::count_mismatches(db).await.unwrap(), [], "{l}");
        // A batch whose parents are partly stored, partly in the batch, three levels deep.
        let rows = vec![
            regulator(
                "GD-ZH",
                Some("GD"),
                "珠海市市场监督管理局",
                AdminLevel::Municipal,
            ),
            regulator("GD-ZH-XZ", Some("GD-ZH"), "香洲区", AdminLevel::District),
            regulator("GD-ZH-XZ-1", Some("GD-ZH-XZ"), "所一", AdminLevel::District),
            regulator("GD-SZ-FT-1", Some("GD-SZ-FT"), "所二", AdminLevel::District),
        ];
        orgs::create_many(db, &rows, now()).await.unwrap();
        assert_eq!(orgs::count_mismatches(db).await.unwrap(), [], "{l}");
        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        assert_eq!(orgs::subtree_count(db, &gd.path).await.unwrap(), 8, "{l}");
        let ft = orgs::get_by_code(db, "GD-SZ-FT").await.unwrap();
        assert_eq!(orgs::subtree_count(db, &ft.path).await.unwrap(), 2, "{l}");
        // A refused batch changes no count.
        let bad = vec![
            regulator("GD-ZH-2", Some("GD-ZH"), "新", AdminLevel::District),
            regulator("GD", Some("N"), "重复", AdminLevel::Provincial),
        ];
        assert!(orgs::create_many(db, &bad, now()).await.is_err());
        assert_eq!(orgs::subtree_count(db, &gd.path).await.unwrap(), 8, "{l}");
        // Moves: under a leaf (which gains its first child), back, under the same parent,
        // and across provinces.
        let zh = orgs::get_by_code(db, "GD-ZH").await.unwrap();
        let leaf = orgs::get_by_code(db, "GD-SZ-FT-1").await.unwrap();
        orgs::move_subtree(db, zh.id, leaf.id, now()).await.unwrap();
        assert_eq!(orgs::count_mismatches(db).await.unwrap(), [], "{l}");
        let leaf = orgs::get(db, leaf.id).await.unwrap();
        assert_eq!(orgs::subtree_count(db, &leaf.path).await.unwrap(), 4, "{l}");
        orgs::move_subtree(db, zh.id, gd.id, now()).await.unwrap();
        orgs::move_subtree(db, zh.id, gd.id, now()).await.unwrap();
        assert_eq!(orgs::count_mismatches(db).await.unwrap(), [], "{l}");
        let sh = orgs::get_by_code(db, "SH").await.unwrap();
        orgs::move_subtree(db, zh.id, sh.id, now()).await.unwrap();
        assert_eq!(orgs::count_mismatches(db).await.unwrap(), [], "{l}");
        assert_eq!(orgs::subtree_count(db, &gd.path).await.unwrap(), 5, "{l}");
        let kids = orgs::children(db, sh.id, 0, 50).await.unwrap().items;
        let zh_node = kids.iter().find(|k| k.org.code == "GD-ZH").unwrap();
        assert_eq!(zh_node.child_count, 1, "{l}");
        // The tree page's read: the chain and the counts in one statement.
        let xz1 = orgs::get_by_code(db, "GD-ZH-XZ-1").await.unwrap();
        let placed = orgs::placed(db, xz1.id).await.unwrap();
        let codes: Vec<_> = placed.chain.iter().map(|o| o.code.as_str()).collect();
        assert_eq!(codes, ["N", "SH", "GD-ZH", "GD-ZH-XZ", "GD-ZH-XZ-1"], "{l}");
        assert_eq!(placed.org.code, "GD-ZH-XZ-1");
        assert_eq!((placed.child_count, placed.subtree_count), (0, 1), "{l}");
        let placed = orgs::placed(db, gd.id).await.unwrap();
        assert_eq!((placed.child_count, placed.subtree_count), (2, 5), "{l}");
        let page = orgs::children_of(db, &placed, 0, 1).await.unwrap();
        assert_eq!((page.total, page.items.len()), (2, 1), "{l}");
        assert!(matches!(
            orgs::placed(db, 999_999).await,
            Err(StoreError::NotFound)
        ));
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

#[tokio::test]
async fn a_bulk_batch_takes_stored_and_new_parents_and_keeps_every_character() {
    use renke_domain::account::Login;
    use renke_domain::perm::Role;
    use renke_store::accounts::{self, NewAccount};
    for t in backends().await {
        let db = &t.db;
        tree(db).await;
        let sz = orgs::get_by_code(db, "GD-SZ").await.unwrap();
        // A new city and 600 labs under it and under a stored city: more rows than one
        // SQLite statement takes, parents from the batch and from the database.
        let mut rows = vec![regulator(
            "GD-ZH",
            Some("GD"),
            "珠海市市场监督管理局",
            AdminLevel::Municipal,
        )];
        for i in 0..600 {
            let parent = if i % 2 == 0 { "GD-SZ" } else { "GD-ZH" };
            let mut lab = NewOrg::new(
                code(&format!("LAB-{i:04}")),
                Some(code(parent)),
                format!("检测实验室{i}"),
                OrgKind::Lab,
            );
            lab.contact_phone = (i % 3 == 0).then(|| format!("0756-{i:07}"));
            rows.push(lab);
        }
        let odd = "名称\t制表\\反斜杠\n换行\r回车 'quote' \"dq\" \\N";
        rows[1].name = odd.into();
        rows[1].short_name = Some("短名".into());
        let ids = orgs::create_many(db, &rows, now()).await.unwrap();
        assert_eq!(ids.len(), 601, "{}", t.label());
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{}", t.label());
        let zh = orgs::get(db, ids[0]).await.unwrap();
        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        assert_eq!(zh.path, gd.path.child(ids[0]), "{}", t.label());
        assert_eq!((zh.depth, zh.parent_id), (2, Some(gd.id)));
        let first = orgs::get(db, ids[1]).await.unwrap();
        assert_eq!(first.name, odd, "{}", t.label());
        assert_eq!(first.short_name.as_deref(), Some("短名"));
        assert_eq!(first.contact_phone.as_deref(), Some("0756-0000000"));
        assert_eq!(first.name_en, None);
        assert_eq!((first.parent_id, first.depth), (Some(sz.id), 3));
        assert_eq!(first.path, sz.path.child(ids[1]), "{}", t.label());
        assert_eq!(first.created_at, now());
        let second = orgs::get(db, ids[2]).await.unwrap();
        assert_eq!(second.path, zh.path.child(ids[2]), "{}", t.label());
        assert_eq!(orgs::subtree_count(db, &zh.path).await.unwrap(), 301);
        assert_eq!(orgs::subtree_count(db, &sz.path).await.unwrap(), 302);

        // Accounts in bulk find their organisations by code; an unknown code writes nothing.
        let new: Vec<NewAccount> = (0..700)
            .map(|i| NewAccount {
                login: Login::parse("login", &format!("bulk{i:04}")).unwrap(),
                display_name: format!("用户{i}\t甲"),
                org_code: format!("LAB-{:04}", i % 600),
                role: Role::Staff,
                email: (i == 5).then(|| "a@example.cn".to_owned()),
                phone: None,
                password_hash: "hash".into(),
            })
            .collect();
        let ids = accounts::create_many(db, &new, now()).await.unwrap();
        assert_eq!(ids.len(), 700);
        let a = accounts::get(db, ids[5]).await.unwrap();
        assert_eq!(a.display_name, "用户5\t甲", "{}", t.label());
        assert_eq!(a.org_code, "LAB-0005");
        assert_eq!(a.email.as_deref(), Some("a@example.cn"));
        let mut bad = vec![new[0].clone()];
        bad[0].login = Login::parse("login", "bulknew").unwrap();
        bad.push(NewAccount {
            login: Login::parse("login", "bulklost").unwrap(),
            org_code: "NOPE".into(),
            ..new[1].clone()
        });
        assert!(matches!(
            accounts::create_many(db, &bad, now()).await,
            Err(StoreError::MissingReference)
        ));
        assert!(accounts::get_by_login(db, "bulknew").await.is_err());

        // The yardstick of `bench gen` writes the same rows into a copy, then drops it.
        let (n, _) = renke_store::bulk::rewrite_time(db, "orgs", 500)
            .await
            .unwrap();
        assert_eq!(n, 607, "{}", t.label());
        let (n, _) = renke_store::bulk::rewrite_time(db, "accounts", 300)
            .await
            .unwrap();
        assert_eq!(n, 700, "{}", t.label());
        assert_eq!(orgs::count(db).await.unwrap(), 607);
        t.cleanup().await;
    }
}
