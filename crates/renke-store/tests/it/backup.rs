use crate::fixtures::{now, tree};
use renke_domain::account::Login;
use renke_domain::campaign::CampaignInput;
use renke_domain::perm::Role;
use renke_store::accounts::{self, NewAccount};
use renke_store::backup::{self, TABLES};
use renke_store::testing::backends;
use renke_store::{campaigns, orgs, sessions};

#[tokio::test]
async fn table_list_covers_the_schema() {
    for t in backends().await {
        let mut listed: Vec<String> = TABLES.iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(
            backup::schema_tables(&t.db).await.unwrap(),
            listed,
            "{}",
            t.label()
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn backup_restored_into_an_empty_database_is_identical() {
    for t in backends().await {
        let db = &t.db;
        tree(db).await;
        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        let sh = orgs::get_by_code(db, "SH").await.unwrap();
        // A move makes ids and paths disagree in order, which a restore must keep.
        orgs::move_subtree(
            db,
            orgs::get_by_code(db, "GD-GZ").await.unwrap().id,
            sh.id,
            now(),
        )
        .await
        .unwrap();
        let acc = accounts::create(
            db,
            &NewAccount {
                login: Login::parse("login", "gd.staff").unwrap(),
                display_name: "张三".into(),
                org_code: "GD".into(),
                role: Role::Staff,
                email: Some("a@example.cn".into()),
                phone: None,
                password_hash: "$argon2id$x".into(),
            },
            now(),
        )
        .await
        .unwrap();
        sessions::create_token(
            db,
            acc.id,
            "令牌",
            "hash1",
            now(),
            now() + chrono::Duration::days(90),
        )
        .await
        .unwrap();
        let input = CampaignInput {
            title: "第十五个世界认可日".into(),
            day: "2022-06-09".into(),
            owner_org_id: gd.id,
            public: true,
            local_themes: vec![(gd.id, "传递质量信任".into())],
            ..Default::default()
        };
        campaigns::create(db, &input.validate().unwrap(), now())
            .await
            .unwrap();

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("renke.backup");
        backup::backup(db, &file).await.unwrap();
        assert!(backup::backup(db, &file).await.is_err(), "never overwrites");

        let target = t.sibling().await.unwrap();
        backup::restore(&target.db, &file).await.unwrap();
        for table in TABLES {
            let a = backup::table_dump(db, table).await.unwrap();
            let b = backup::table_dump(&target.db, table).await.unwrap();
            assert_eq!(a, b, "{}: table {table}", t.label());
        }
        // New rows after a restore get fresh ids (sequences were reset).
        let more = vec![crate::fixtures::regulator(
            "NEW",
            Some("GD"),
            "新机构",
            renke_domain::org::AdminLevel::Municipal,
        )];
        orgs::create_many(&target.db, &more, now()).await.unwrap();
        // A second restore into a non-empty database is refused and changes nothing.
        let before = backup::table_dump(&target.db, "orgs").await.unwrap();
        let err = backup::restore(&target.db, &file).await.unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
        assert_eq!(
            backup::table_dump(&target.db, "orgs").await.unwrap(),
            before
        );
        target.cleanup().await;
        t.cleanup().await;
    }
}
