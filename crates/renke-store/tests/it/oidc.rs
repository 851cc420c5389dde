//! OpenID Connect sign-in: a pending sign-in is taken once, external ids and provider links
//! are unique, a session keeps its ID token for logout.

use crate::fixtures::{now, tree};
use chrono::Duration;
use renke_domain::account::Login;
use renke_domain::perm::Role;
use renke_store::StoreError;
use renke_store::accounts::{self, NewAccount};
use renke_store::oidc::{self, PendingLogin};
use renke_store::sessions;
use renke_store::testing::backends;

fn account(login: &str) -> NewAccount {
    NewAccount {
        login: Login::parse("login", login).unwrap(),
        display_name: "张伟".into(),
        org_code: "GD".into(),
        role: Role::Staff,
        email: None,
        phone: None,
        password_hash: "!".into(),
    }
}

fn pending(state_hash: &str, at: chrono::DateTime<chrono::Utc>) -> PendingLogin {
    PendingLogin {
        state_hash: state_hash.into(),
        verifier: "v".repeat(43),
        nonce: "n".into(),
        return_to: "/tasks".into(),
        created_at: at,
    }
}

#[tokio::test]
async fn pending_logins_are_taken_once_and_stale_ones_purged() {
    for t in backends().await {
        let db = &t.db;
        let old = pending("old", now() - Duration::minutes(30));
        oidc::begin(db, &old, now() - Duration::hours(1))
            .await
            .unwrap();
        let fresh = pending("fresh", now());
        oidc::begin(db, &fresh, now() - Duration::minutes(10))
            .await
            .unwrap();
        assert_eq!(
            oidc::take(db, "old").await.unwrap(),
            None,
            "{}: purged",
            t.label()
        );
        assert_eq!(oidc::take(db, "fresh").await.unwrap(), Some(fresh.clone()));
        assert_eq!(oidc::take(db, "fresh").await.unwrap(), None, "single use");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn links_external_ids_and_linked_creation() {
    for t in backends().await {
        let db = &t.db;
        tree(db).await;
        let a = accounts::create(db, &account("zhang.wei"), now())
            .await
            .unwrap();
        assert_eq!(a.external_id, None);
        oidc::set_external_id(db, a.id, Some("GD-0001"), now())
            .await
            .unwrap();
        let found = oidc::by_external_id(db, "GD-0001").await.unwrap().unwrap();
        assert_eq!(
            (found.id, found.external_id.as_deref()),
            (a.id, Some("GD-0001"))
        );
        let b = accounts::create(db, &account("li.na"), now())
            .await
            .unwrap();
        let taken = oidc::set_external_id(db, b.id, Some("GD-0001"), now())
            .await
            .unwrap_err();
        assert!(
            matches!(taken, StoreError::Conflict { ref constraint } if constraint == "accounts_external_id_key"),
            "{}: {taken:?}",
            t.label()
        );
        // Several accounts without one are fine.
        oidc::set_external_id(db, b.id, None, now()).await.unwrap();

        let iss = "https://id.example.gov.cn";
        assert!(oidc::by_subject(db, iss, "u-1").await.unwrap().is_none());
        oidc::link(db, a.id, iss, "u-1", now()).await.unwrap();
        assert_eq!(
            oidc::by_subject(db, iss, "u-1").await.unwrap().unwrap().id,
            a.id
        );
        assert!(
            oidc::by_subject(db, "https://other.example", "u-1")
                .await
                .unwrap()
                .is_none()
        );
        let twice = oidc::link(db, b.id, iss, "u-1", now()).await.unwrap_err();
        assert!(
            matches!(twice, StoreError::Conflict { ref constraint } if constraint == "accounts_oidc_issuer_oidc_subject_key"),
            "{}: {twice:?}",
            t.label()
        );

        let made = oidc::create_linked(
            db,
            &account("wang.fang"),
            Some("GD-0002"),
            iss,
            "u-2",
            now(),
        )
        .await
        .unwrap();
        assert_eq!((made.org_code.as_str(), made.role), ("GD", Role::Staff));
        assert_eq!(
            oidc::by_subject(db, iss, "u-2").await.unwrap().unwrap().id,
            made.id
        );
        let nowhere = NewAccount {
            org_code: "NOPE".into(),
            ..account("zhao.lei")
        };
        assert!(matches!(
            oidc::create_linked(db, &nowhere, None, iss, "u-3", now()).await,
            Err(StoreError::MissingReference)
        ));

        // A session keeps its ID token; ending it hands the token back once.
        let s = sessions::NewSession {
            token_hash: "h",
            account_id: a.id,
            login: &a.login,
            ip: "10.0.0.1",
            csrf_token: "c",
            now: now(),
            expires_at: now() + Duration::hours(8),
            look_back: now() - Duration::days(30),
            id_token: Some("eyJ.id.token"),
        };
        sessions::open(db, &s, |_| unreachable!("no failures"))
            .await
            .unwrap();
        assert_eq!(
            sessions::delete(db, "h").await.unwrap().as_deref(),
            Some("eyJ.id.token")
        );
        assert_eq!(sessions::delete(db, "h").await.unwrap(), None);
        t.cleanup().await;
    }
}
