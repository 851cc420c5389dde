//! `renke files gc`: the operator's sweep of uploaded files no record needs.

use crate::support::{renke, sqlite_url, text};
use chrono::Duration;
use renke_domain::clock::Clock;
use renke_domain::file::FileKind;
use renke_store::Db;
use renke_store::files::{FileStore, Staged, Upload};
use std::path::{Path, PathBuf};

/// Every stored object under `dir`.
fn objects(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

fn object_path(files: &Path, s: &Staged) -> PathBuf {
    files
        .join(&s.sha256[..2])
        .join(&s.sha256[2..4])
        .join(&s.sha256)
}

/// Removes a stored file no row names once older than the grace period (an hour by
/// default) and prints it; keeps a file a row names, however old, and an unnamed one
/// younger than the grace period (an upload in flight).
#[tokio::test]
async fn files_gc_removes_old_unnamed_files_and_prints_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let url = sqlite_url(&dir.path().join("renke.db"));
    let csv = dir.path().join("orgs.csv");
    std::fs::write(
        &csv,
        "code,parent_code,name,kind,admin_level\nGD,,广东省市场监督管理局,regulator,provincial\n",
    )
    .unwrap();
    let out = renke(
        &[
            "import",
            "orgs",
            csv.to_str().unwrap(),
            "--apply",
            "--data-dir",
            data,
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));

    let files = dir.path().join("files");
    let store = FileStore::local(&files).unwrap();
    let mut staged = Vec::new();
    for content in ["named", "orphan", "in flight"] {
        let bytes = format!("%PDF-1.7 {content}").into_bytes();
        staged.push(
            store
                .stage(
                    &Upload {
                        name: "a.pdf",
                        kind: FileKind::Pdf,
                        content: &bytes.into(),
                        org_id: 1,
                        uploaded_by: None,
                    },
                    Clock::System.now(),
                )
                .await
                .unwrap(),
        );
    }
    let db = Db::connect(&url).await.unwrap();
    let named = &staged[0];
    renke_store::on_db!(&db, |p| sqlx::query(Staged::INSERT)
        .bind(&named.name)
        .bind(named.kind.as_str())
        .bind(named.size)
        .bind(&named.sha256)
        .bind(named.org_id)
        .bind(named.uploaded_by)
        .bind(Clock::System.now())
        .execute(p)
        .await
        .unwrap()
        .rows_affected());
    db.close().await;
    let now = Clock::System.now();
    for (s, age) in staged.iter().zip([120, 120, 10]) {
        let f = std::fs::File::options()
            .write(true)
            .open(object_path(&files, s))
            .unwrap();
        f.set_modified((now - Duration::minutes(age)).into())
            .unwrap();
    }

    let out = renke(&["files", "gc", "--data-dir", data], None);
    let printed = text(&out);
    assert!(out.status.success(), "{printed}");
    let orphan = &staged[1].sha256;
    assert!(
        printed.contains(&format!("{}/{}/{orphan}", &orphan[..2], &orphan[2..4])),
        "the removed file is printed: {printed}"
    );
    assert!(printed.contains("1 个存储文件"), "{printed}");
    assert_eq!(
        objects(&files),
        vec![
            object_path(&files, &staged[0]),
            object_path(&files, &staged[2])
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>(),
        "the named and the young file are kept"
    );

    // With no grace period the file in flight goes too, and so does the named one: its row
    // is listed by no submission or attachment, and such rows are swept once older than
    // the grace period (none here), then their objects.
    let out = renke(
        &["files", "gc", "--grace-minutes", "0", "--data-dir", data],
        None,
    );
    let printed = text(&out);
    assert!(
        printed.contains("共删除 1 个未被引用的文件记录、2 个存储文件"),
        "{printed}"
    );
    assert_eq!(objects(&files), Vec::<std::path::PathBuf>::new());
}
