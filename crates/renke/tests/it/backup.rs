use crate::support::{renke, text};
use chrono::{TimeZone, Utc};
use renke_store::backup::{TABLES, table_dump};
use renke_store::testing::backends;

/// A backup taken with `renke backup` and restored with `renke restore` into an empty
/// database gives identical data, on every backend under test.
#[tokio::test]
async fn backup_then_restore_gives_identical_data() {
    let now = Utc.with_ymd_and_hms(2022, 6, 28, 2, 0, 0).unwrap();
    for source in backends().await {
        renke::demo::load_demo(&source.db, &renke_app::FileStore::memory(), now)
            .await
            .unwrap();
        let target = source.sibling().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("renke.backup");
        let file = file.to_str().unwrap();

        let out = renke(
            &["backup", "--database-url", &source.url, "--to", file],
            None,
        );
        assert!(out.status.success(), "{}: {}", source.label(), text(&out));
        assert!(text(&out).contains("已备份"), "{}", text(&out));
        // A second backup never overwrites the first.
        let out = renke(
            &["backup", "--database-url", &source.url, "--to", file],
            None,
        );
        assert!(!out.status.success());

        let out = renke(
            &["restore", "--database-url", &target.url, "--from", file],
            None,
        );
        assert!(out.status.success(), "{}: {}", source.label(), text(&out));
        assert!(text(&out).contains("已恢复"), "{}", text(&out));

        for table in TABLES {
            assert_eq!(
                table_dump(&source.db, table).await.unwrap(),
                table_dump(&target.db, table).await.unwrap(),
                "{}: table {table} differs",
                source.label()
            );
        }
        assert!(renke_store::orgs::count(&target.db).await.unwrap() > 100);

        // Restoring into a database that is not empty is refused.
        let out = renke(
            &["restore", "--database-url", &target.url, "--from", file],
            None,
        );
        assert!(!out.status.success());
        assert!(text(&out).contains("不为空"), "{}", text(&out));
        target.cleanup().await;
        source.cleanup().await;
    }
}

#[tokio::test]
async fn bench_gen_builds_a_small_national_tree() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::support::sqlite_url(&dir.path().join("bench.db"));
    let out = renke(
        &[
            "bench",
            "gen",
            "--orgs",
            "1500",
            "--accounts",
            "300",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("bench.organiser.gd"), "{}", text(&out));
    let db = renke_store::Db::connect(&url).await.unwrap();
    assert_eq!(renke_store::orgs::count(&db).await.unwrap(), 1500);
    assert_eq!(renke_store::accounts::count(&db).await.unwrap(), 304);
    let gd = renke_store::orgs::get_by_code(&db, "GD").await.unwrap();
    assert_eq!(gd.name, "广东省市场监督管理局");
    let a = renke_store::accounts::get_by_login(&db, "bench.organiser.gd")
        .await
        .unwrap();
    assert_eq!(a.org_id, gd.id);
    db.close().await;
    // Refuses a database that already has data.
    let out = renke(
        &[
            "bench",
            "gen",
            "--orgs",
            "1500",
            "--accounts",
            "0",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(!out.status.success());

    let out = renke(&["bench", "perm", "--orgs", "1500", "--rounds", "1"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("ns per check"), "{}", text(&out));
}
