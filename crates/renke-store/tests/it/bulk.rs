//! The yardstick of `renke bench tasks`' rush: a task's sent submissions written again into
//! copies of their tables, then the copies dropped — on every backend.

use crate::fixtures::{now, tree};
use crate::notices::{account, summary_task};
use renke_domain::file::FileKind;
use renke_domain::task::SubmissionInput;
use renke_store::bulk::SubmissionsRewrite;
use renke_store::files::Staged;
use renke_store::tasks::{self, FileChanges, Write};
use renke_store::testing::backends;
use renke_store::{Db, on_db, orgs};

async fn count(db: &Db, sql: &'static str) -> i64 {
    on_db!(db, |p| sqlx::query_scalar(sql).fetch_one(p).await).unwrap()
}

#[tokio::test]
async fn the_rush_yardstick_writes_each_sent_submission_s_rows_again_and_drops_its_copies() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        tree(db).await;
        let n = orgs::get_by_code(db, "N").await.unwrap();
        let samr = account(db, "samr", "N").await;
        let gd = orgs::get_by_code(db, "GD").await.unwrap().id;
        let gz = orgs::get_by_code(db, "GD-GZ").await.unwrap().id;
        let task = summary_task(db, n.id, samr, "市监认证函〔2022〕802号", &[gd, gz]).await;
        let content = SubmissionInput {
            summary: "已组织开展。".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        // GD sends with two files, GD-GZ only saves a draft (not sent: not rewritten).
        let user = account(db, "gd_user", "GD").await;
        let staged: Vec<Staged> = (0..2)
            .map(|i| Staged {
                name: format!("总结{i}.pdf"),
                kind: FileKind::Pdf,
                size: 10,
                sha256: format!("{i:064}"),
                org_id: gd,
                uploaded_by: Some(user),
            })
            .collect();
        let files = FileChanges {
            add: &staged,
            remove: &[],
        };
        tasks::write(
            db,
            &task,
            gd,
            &content,
            Write::Submit,
            None,
            files,
            user,
            now(),
        )
        .await
        .unwrap();
        let gz_user = account(db, "gz_user", "GD-GZ").await;
        let none = FileChanges::NONE;
        tasks::write(
            db,
            &task,
            gz,
            &content,
            Write::Draft,
            None,
            none,
            gz_user,
            now(),
        )
        .await
        .unwrap();

        let rewrite = SubmissionsRewrite::prepare(db, task.id).await.unwrap();
        assert_eq!(rewrite.ids().len(), 1, "{l}");
        for id in rewrite.ids() {
            rewrite.write(db, *id).await.unwrap();
        }
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM bench_raw_submissions").await,
            1,
            "{l}"
        );
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM bench_raw_submission_versions").await,
            1
        );
        // The working copy's list and version 1's: two files each.
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM bench_raw_submission_files").await,
            4
        );
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM bench_raw_files").await,
            2,
            "{l}"
        );
        // Written again, a row would break the copies' unique keys as the originals'.
        assert!(rewrite.write(db, rewrite.ids()[0]).await.is_err(), "{l}");
        rewrite.finish(db).await.unwrap();
        let left = on_db!(db, |p| sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM bench_raw_submissions"
        )
        .fetch_one(p)
        .await);
        assert!(left.is_err(), "{l}: the copies are dropped");
        t.cleanup().await;
    }
}
