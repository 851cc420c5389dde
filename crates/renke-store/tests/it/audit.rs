//! The audit trail: every audited table has its triggers; a change made inside a context
//! is recorded with who made it, in its transaction, with the changed fields only and no
//! secret; a rolled-back change leaves nothing; old entries are purged.

use crate::fixtures::{now, tree};
use chrono::Duration;
use renke_domain::account::Login;
use renke_domain::perm::Role;
use renke_store::accounts::{self, NewAccount};
use renke_store::audit::{self, Context, Filter};
use renke_store::orgs::{self, OrgUpdate};
use renke_store::testing::backends;
use serde_json::{Value, json};

fn ctx(org_id: i64, request: &str) -> Context {
    Context {
        at: now(),
        account_id: Some(7),
        login: Some("gd.organiser".into()),
        org_id: Some(org_id),
        role: Some("organiser".into()),
        address: Some("10.0.0.9".into()),
        request_id: Some(request.into()),
        action: "POST /orgs/{id}/edit".into(),
    }
}

#[tokio::test]
async fn every_change_is_recorded_with_who_made_it() {
    for t in backends().await {
        let db = &t.db;
        let label = t.label();
        assert_eq!(
            audit::untriggered(db).await.unwrap(),
            Vec::<String>::new(),
            "{label}: every audited table has its three triggers"
        );
        let tables = audit::tables(db).await.unwrap();
        assert!(
            tables.len() > 50,
            "{label}: {} audited tables",
            tables.len()
        );
        for (name, _) in audit::UNAUDITED {
            assert!(
                tables.iter().all(|t| t.name != *name),
                "{label}: {name} is not audited"
            );
        }
        let accounts_table = tables.iter().find(|t| t.name == "accounts").unwrap();
        assert!(!accounts_table.columns.iter().any(|c| c == "password_hash"));

        // Outside any context (a data load): recorded, by no one.
        tree(db).await;
        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        let (system, _) = audit::search(
            db,
            &Filter {
                object_kind: Some("orgs".into()),
                object_id: Some(gd.id.to_string()),
                ..Filter::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
        // Inserted once, with its path (its id is reserved before the row is written).
        let loaded = system.len();
        assert_eq!(
            system.iter().map(|e| e.op.as_str()).collect::<Vec<_>>(),
            ["insert"],
            "{label}"
        );
        assert!(
            system
                .iter()
                .all(|e| e.account_id.is_none() && e.action.is_none())
        );
        let inserted: Value = serde_json::from_str(&system[0].changes).unwrap();
        assert_eq!(inserted["code"], json!([null, "GD"]), "{label}");
        assert_eq!(inserted["path"], json!([null, gd.path.as_str()]), "{label}");

        // An account created on someone's behalf: who, and no password hash.
        let new = NewAccount {
            login: Login::parse("login", "gd.staff").unwrap(),
            display_name: "测试用户".into(),
            org_code: "GD".into(),
            role: Role::Staff,
            email: None,
            phone: Some("13800000000".into()),
            password_hash: "$argon2id$secret".into(),
        };
        let a = audit::scope(ctx(gd.id, "req-1"), accounts::create(db, &new, now()))
            .await
            .unwrap();
        let hist = audit::history(db, "accounts", &a.id.to_string(), 10)
            .await
            .unwrap();
        assert_eq!(hist.len(), 1, "{label}");
        let e = &hist[0];
        assert_eq!(
            (e.op.as_str(), e.account_id, e.login.as_deref(), e.org_id),
            ("insert", Some(7), Some("gd.organiser"), Some(gd.id)),
            "{label}"
        );
        assert_eq!(e.role.as_deref(), Some("organiser"));
        assert_eq!(e.address.as_deref(), Some("10.0.0.9"));
        assert_eq!(e.request_id.as_deref(), Some("req-1"));
        assert_eq!(e.action.as_deref(), Some("POST /orgs/{id}/edit"));
        assert_eq!(e.at, now(), "{label}: the request's time");
        assert_eq!(e.parent_kind.as_deref(), Some("orgs"), "{label}");
        assert_eq!(e.parent_id, Some(gd.id.to_string()));
        assert!(!e.changes.contains("secret"), "{label}: {}", e.changes);
        let ch: Value = serde_json::from_str(&e.changes).unwrap();
        assert_eq!(ch["login"], json!([null, "gd.staff"]));
        assert!(ch.get("password_hash").is_none());

        // An update: the changed fields only, before → after.
        let update = OrgUpdate {
            name: gd.name.clone(),
            short_name: gd.short_name.clone(),
            name_en: gd.name_en.clone(),
            kind: gd.kind,
            admin_level: gd.admin_level,
            cma_level: gd.cma_level,
            region: gd.region,
            contact_name: Some("张三".into()),
            contact_phone: gd.contact_phone.clone(),
            contact_email: gd.contact_email.clone(),
        };
        audit::scope(ctx(gd.id, "req-2"), orgs::update(db, gd.id, &update, now()))
            .await
            .unwrap();
        let (found, total) = audit::search(
            db,
            &Filter {
                object_kind: Some("orgs".into()),
                object_id: Some(gd.id.to_string()),
                ..Filter::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
        assert_eq!(total as usize, loaded + 1, "{label}");
        let u = &found[0];
        assert_eq!(u.op, "update");
        assert_eq!(u.request_id.as_deref(), Some("req-2"));
        let ch: Value = serde_json::from_str(&u.changes).unwrap();
        let before = gd.contact_name.clone().map_or(Value::Null, Value::from);
        assert_eq!(
            ch,
            json!({ "contact_name": [before, "张三"] }),
            "{label}: only what changed"
        );

        // The same update again changes nothing: no entry.
        audit::scope(ctx(gd.id, "req-3"), orgs::update(db, gd.id, &update, now()))
            .await
            .unwrap();
        let by_request = |r: &str| {
            let r = r.to_owned();
            async move {
                let (all, _) = audit::search(db, &Filter::default(), 10_000, 0)
                    .await
                    .unwrap();
                all.into_iter()
                    .filter(|e| e.request_id.as_deref() == Some(r.as_str()))
                    .count()
            }
        };
        assert_eq!(by_request("req-3").await, 0, "{label}");

        // A transaction rolled back leaves no entry.
        audit::scope(ctx(gd.id, "req-4"), async {
            let mut tx = db.write().await.unwrap();
            renke_store::on_tx!(&mut tx, |c| sqlx::query(
                "UPDATE orgs SET contact_name = 'rolled back' WHERE code = 'GD'"
            )
            .execute(&mut *c)
            .await
            .unwrap()
            .rows_affected());
            drop(tx);
        })
        .await;
        assert_eq!(by_request("req-4").await, 0, "{label}");

        // The search by account and time.
        let (mine, n) = audit::search(
            db,
            &Filter {
                account_id: Some(7),
                from: Some(now() - Duration::minutes(1)),
                until: Some(now() + Duration::minutes(1)),
                ..Filter::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
        assert_eq!(n, 2, "{label}: the account and the org change");
        assert!(mine.iter().all(|e| e.account_id == Some(7)));

        // Retention: the entries before the cut go, the others stay.
        let all_before = audit::search(db, &Filter::default(), 1, 0).await.unwrap().1;
        let purged = audit::purge(db, now() + Duration::seconds(1))
            .await
            .unwrap();
        assert_eq!(purged, 2, "{label}");
        let all_after = audit::search(db, &Filter::default(), 1, 0).await.unwrap().1;
        assert_eq!(all_after, all_before - 2, "{label}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_column_added_later_is_audited() {
    for t in backends().await {
        let db = &t.db;
        let label = t.label();
        tree(db).await;
        // A later migration adds a column; the next start installs the triggers again.
        let mut tx = db.write().await.unwrap();
        renke_store::on_tx!(&mut tx, |c| sqlx::query(
            "ALTER TABLE orgs ADD COLUMN motto TEXT"
        )
        .execute(&mut *c)
        .await
        .unwrap()
        .rows_affected());
        tx.commit().await.unwrap();
        audit::install(db).await.unwrap();
        assert!(audit::untriggered(db).await.unwrap().is_empty(), "{label}");
        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        audit::scope(ctx(gd.id, "req-m"), async {
            let mut tx = db.write().await.unwrap();
            renke_store::on_tx!(&mut tx, |c| sqlx::query(
                "UPDATE orgs SET motto = '认可传递信任' WHERE code = 'GD'"
            )
            .execute(&mut *c)
            .await
            .unwrap()
            .rows_affected());
            tx.commit().await.unwrap();
        })
        .await;
        let hist = audit::history(db, "orgs", &gd.id.to_string(), 10)
            .await
            .unwrap();
        let last = hist.last().unwrap();
        assert_eq!(last.request_id.as_deref(), Some("req-m"), "{label}");
        let ch: Value = serde_json::from_str(&last.changes).unwrap();
        assert_eq!(ch, json!({ "motto": [null, "认可传递信任"] }), "{label}");
        t.cleanup().await;
    }
}
