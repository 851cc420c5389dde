//! State columns hold codes the domain knows: an unknown value written behind the store's
//! back makes reading the row fail with `Corrupt` naming table, column and value, instead
//! of passing for a default state — on every backend.

use crate::activities::{activity_with_session, register};
use crate::fixtures::{now, tree};
use crate::notices::{account, summary_task};
use renke_domain::task::SubmissionInput;
use renke_store::activities::{self, RegisterOutcome};
use renke_store::tasks::{self, Decision, Write};
use renke_store::testing::backends;
use renke_store::{Db, StoreError, on_db, orgs};

/// Runs `sql` with one bound id, behind the store's back.
async fn poke(db: &Db, sql: &'static str, id: i64) {
    on_db!(db, |p| sqlx::query(sql)
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))
    .unwrap();
}

fn corrupt<T: std::fmt::Debug>(r: Result<T, StoreError>, names: &str, l: &str) {
    match r {
        Err(StoreError::Corrupt(m)) => assert!(m.contains(names), "{l}: {m}"),
        other => panic!("{l}: expected Corrupt naming {names}, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_submission_status_or_outcome_is_corrupt() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        tree(db).await;
        let n = orgs::get_by_code(db, "N").await.unwrap();
        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        let samr = account(db, "samr", "N").await;
        let gd_user = account(db, "gd_user", "GD").await;
        let task = summary_task(db, n.id, samr, "市监认证函〔2022〕801号", &[gd.id]).await;
        let content = SubmissionInput {
            summary: "已组织开展。".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let s = tasks::write(
            db,
            &task,
            gd.id,
            &content,
            Write::Submit,
            None,
            tasks::FileChanges::NONE,
            gd_user,
            now(),
        )
        .await
        .unwrap();

        poke(
            db,
            "UPDATE submission_versions SET outcome = 'maybe' WHERE submission_id = $1",
            s.id,
        )
        .await;
        corrupt(
            tasks::versions(db, s.id).await,
            "submission_versions.outcome: unknown value \"maybe\"",
            l,
        );

        poke(
            db,
            "UPDATE submissions SET status = 'sent' WHERE id = $1",
            s.id,
        )
        .await;
        let names = "submissions.status: unknown value \"sent\"";
        corrupt(tasks::submission(db, s.id).await, names, l);
        corrupt(tasks::submission_of(db, task.id, gd.id).await, names, l);
        corrupt(tasks::expected(db, task.id).await, names, l);
        corrupt(tasks::due_for(db, gd.id, 10).await, names, l);
        // The writes read the state too, and change nothing.
        corrupt(
            tasks::write(
                db,
                &task,
                gd.id,
                &content,
                Write::Draft,
                None,
                tasks::FileChanges::NONE,
                gd_user,
                now(),
            )
            .await,
            names,
            l,
        );
        corrupt(
            tasks::decide(db, s.id, Decision::Accept, None, samr, now()).await,
            names,
            l,
        );
        let raw: String = on_db!(db, |p| sqlx::query_scalar(
            "SELECT status FROM submissions WHERE id = $1"
        )
        .bind(s.id)
        .fetch_one(p)
        .await)
        .unwrap();
        assert_eq!(raw, "sent", "{l}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_unknown_registration_status_is_corrupt() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        tree(db).await;
        let (_, sid) = activity_with_session(db, "3").await;
        let RegisterOutcome::Registered(r) = register(db, sid, 0).await else {
            panic!("{l}: not registered");
        };
        poke(
            db,
            "UPDATE registrations SET status = 'lost' WHERE id = $1",
            r.id,
        )
        .await;
        let names = "registrations.status: unknown value \"lost\"";
        corrupt(activities::registration(db, r.id).await, names, l);
        corrupt(
            activities::registration_by_ticket(db, &r.ticket).await,
            names,
            l,
        );
        corrupt(activities::registrations(db, sid).await, names, l);
        corrupt(activities::cancel(db, r.id, now()).await, names, l);
        corrupt(
            activities::check_in(db, sid, "c-1", &r.ticket, "qr", now(), None, now()).await,
            names,
            l,
        );
        t.cleanup().await;
    }
}
