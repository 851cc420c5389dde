use crate::fixtures::{now, tree};
use chrono::Duration;
use renke_domain::account::Login;
use renke_domain::perm::{Action, Role};
use renke_store::StoreError;
use renke_store::accounts::{self, NewAccount};
use renke_store::orgs;
use renke_store::sessions;
use renke_store::testing::backends;

fn account(login: &str, org: &str, role: Role) -> NewAccount {
    NewAccount {
        login: Login::parse("login", login).unwrap(),
        display_name: "测试用户".into(),
        org_code: org.into(),
        role,
        email: None,
        phone: None,
        password_hash: "hash".into(),
    }
}

#[tokio::test]
async fn accounts_sessions_and_tokens() {
    for t in backends().await {
        let db = &t.db;
        tree(db).await;
        let a = accounts::create(db, &account("gd.organiser", "GD", Role::Organiser), now())
            .await
            .unwrap();
        assert_eq!(a.org_code, "GD");
        let sz = orgs::get_by_code(db, "GD-SZ").await.unwrap();
        assert!(a.actor().may(Action::Manage, &sz.path).is_ok());
        let dup = accounts::create(db, &account("GD.Organiser", "SH", Role::Staff), now())
            .await
            .unwrap_err();
        assert!(
            matches!(dup, StoreError::Conflict { ref constraint } if constraint == "accounts_login_key"),
            "{}: {dup:?}",
            t.label()
        );
        let bad_org = accounts::create(db, &account("x.y", "NOPE", Role::Staff), now())
            .await
            .unwrap_err();
        assert!(matches!(bad_org, StoreError::MissingReference));

        sessions::create(db, "h1", a.id, "csrf", now(), now() + Duration::hours(8))
            .await
            .unwrap();
        sessions::create(db, "h2", a.id, "csrf2", now(), now() + Duration::hours(8))
            .await
            .unwrap();
        let s = sessions::find(db, "h1", now()).await.unwrap().unwrap();
        assert_eq!((s.account.id, s.csrf_token.as_str()), (a.id, "csrf"));
        assert!(
            sessions::find(db, "h1", now() + Duration::hours(9))
                .await
                .unwrap()
                .is_none(),
            "expired"
        );
        assert!(sessions::exists(db, "h1").await.unwrap());
        // A password change ends the other sessions but keeps the current one.
        accounts::set_password(db, a.id, "new", Some("h1"), now())
            .await
            .unwrap();
        assert!(sessions::find(db, "h1", now()).await.unwrap().is_some());
        assert!(sessions::find(db, "h2", now()).await.unwrap().is_none());
        assert_eq!(
            sessions::purge_expired(db, now() + Duration::days(1))
                .await
                .unwrap(),
            1
        );

        let tid = sessions::create_token(db, a.id, "脚本", "th", now())
            .await
            .unwrap();
        assert_eq!(
            sessions::find_token(db, "th", now())
                .await
                .unwrap()
                .unwrap()
                .id,
            a.id
        );
        assert_eq!(
            sessions::list_tokens(db, a.id).await.unwrap()[0].last_used_at,
            Some(now())
        );
        // Use is recorded to the minute: a second call within it writes nothing.
        sessions::find_token(db, "th", now() + Duration::seconds(30))
            .await
            .unwrap();
        assert_eq!(
            sessions::list_tokens(db, a.id).await.unwrap()[0].last_used_at,
            Some(now())
        );
        sessions::find_token(db, "th", now() + Duration::minutes(2))
            .await
            .unwrap();
        assert_eq!(
            sessions::list_tokens(db, a.id).await.unwrap()[0].last_used_at,
            Some(now() + Duration::minutes(2))
        );
        sessions::revoke_token(db, a.id, tid, now()).await.unwrap();
        assert!(
            sessions::find_token(db, "th", now())
                .await
                .unwrap()
                .is_none()
        );

        sessions::record_login_failure(db, "gd.organiser", "10.0.0.1", now())
            .await
            .unwrap();
        sessions::record_login_failure(db, "other", "10.0.0.1", now())
            .await
            .unwrap();
        let (by_login, by_ip) = sessions::recent_login_failures(
            db,
            "gd.organiser",
            "10.0.0.1",
            now() - Duration::minutes(15),
        )
        .await
        .unwrap();
        assert_eq!((by_login, by_ip), (1, 2));
        sessions::clear_login_failures(db, "gd.organiser")
            .await
            .unwrap();
        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        let page = accounts::list(db, &gd.path, 0, 50).await.unwrap();
        assert_eq!(page.total, 1);
        t.cleanup().await;
    }
}
