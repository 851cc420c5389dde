use crate::fixtures::{now, tree};
use chrono::Duration;
use renke_domain::account::Login;
use renke_domain::perm::{Action, Role};
use renke_store::StoreError;
use renke_store::accounts::{self, NewAccount};
use renke_store::orgs;
use renke_store::sessions;
use renke_store::testing::backends;

async fn open_session(db: &renke_store::Db, hash: &str, account_id: i64, csrf: &str) {
    let a = accounts::get(db, account_id).await.unwrap();
    let s = sessions::NewSession {
        token_hash: hash,
        account_id,
        login: &a.login,
        ip: "10.0.0.1",
        csrf_token: csrf,
        now: now(),
        expires_at: now() + Duration::hours(8),
        look_back: now() - Duration::days(30),
        id_token: None,
    };
    sessions::open(db, &s, |_| unreachable!("no failures were recorded"))
        .await
        .unwrap();
}

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

        open_session(db, "h1", a.id, "csrf").await;
        open_session(db, "h2", a.id, "csrf2").await;
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
        accounts::set_password(db, a.id, "new", Some("h1"), None, now())
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

        let tid = sessions::create_token(db, a.id, "脚本", "th", now(), now() + Duration::days(90))
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
        assert!(
            sessions::find_token(db, "th", now() + Duration::days(90))
                .await
                .unwrap()
                .is_none(),
            "{}: a token ends when it expires",
            t.label()
        );
        sessions::revoke_token(db, a.id, tid, now()).await.unwrap();
        assert!(
            sessions::find_token(db, "th", now())
                .await
                .unwrap()
                .is_none()
        );
        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        let page = accounts::list(db, &gd.path, 0, 50).await.unwrap();
        assert_eq!(page.total, 1);
        t.cleanup().await;
    }
}

/// Failed logins slow down one login name from one address until a success from there;
/// the account is told at its next login what it missed, once; its administrators see
/// the same until then.
#[tokio::test]
async fn failed_logins_are_kept_cleared_per_address_and_told_once() {
    for t in backends().await {
        let db = &t.db;
        tree(db).await;
        let a = accounts::create(db, &account("sz.staff", "GD-SZ", Role::Staff), now())
            .await
            .unwrap();
        let since = now() - Duration::hours(24);
        for (ip, n) in [("10.0.0.1", 3), ("10.0.0.2", 1)] {
            for i in 0..n {
                sessions::record_login_failure(db, "sz.staff", ip, now() + Duration::seconds(i))
                    .await
                    .unwrap();
            }
        }
        sessions::record_login_failure(db, "nobody", "10.0.0.1", now())
            .await
            .unwrap();
        let p = sessions::login_pressure(db, "sz.staff", "10.0.0.1", since)
            .await
            .unwrap();
        assert_eq!(
            (p.pair, p.pair_last, p.address),
            (3, Some(now() + Duration::seconds(2)), 4),
            "{}",
            t.label()
        );
        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        let seen_by_admins = sessions::unseen_failures_within(db, &gd.path, since)
            .await
            .unwrap();
        assert_eq!(
            seen_by_admins.len(),
            1,
            "{}: only accounts' login names",
            t.label()
        );
        assert_eq!(
            (seen_by_admins[0].count, seen_by_admins[0].last_ip.as_str()),
            (4, "10.0.0.1")
        );
        // The right password from 10.0.0.2: that pair is cleared, 10.0.0.1's is not.
        let later = now() + Duration::minutes(5);
        let s = sessions::NewSession {
            token_hash: "h",
            account_id: a.id,
            login: "sz.staff",
            ip: "10.0.0.2",
            csrf_token: "c",
            now: later,
            expires_at: later + Duration::hours(8),
            look_back: since,
            id_token: None,
        };
        let told = sessions::open(db, &s, |u| renke_store::reminders::NewMessage {
            kind: "login_failures",
            title: format!("{} failures", u.count),
            body: u.last_ip.clone(),
            link: None,
        })
        .await
        .unwrap()
        .expect("failures since the last login");
        assert_eq!((told.count, told.last_ip.as_str()), (4, "10.0.0.1"));
        let msgs = renke_store::reminders::unread_for_account(db, a.id)
            .await
            .unwrap();
        assert_eq!(msgs.len(), 1, "{}", t.label());
        assert_eq!(msgs[0].title, "4 failures");
        // The message is the account's alone, not its organisation's.
        let other = accounts::create(db, &account("sz.viewer", "GD-SZ", Role::Viewer), now())
            .await
            .unwrap();
        let sz = orgs::get_by_code(db, "GD-SZ").await.unwrap();
        let (page, unread) = renke_store::reminders::messages(db, sz.id, other.id, 0, 50)
            .await
            .unwrap();
        assert_eq!((page.total, unread), (0, 0), "{}", t.label());
        assert!(
            !renke_store::reminders::mark_read(db, msgs[0].id, sz.id, other.id, later)
                .await
                .unwrap()
        );
        let p = sessions::login_pressure(db, "sz.staff", "10.0.0.2", since)
            .await
            .unwrap();
        assert_eq!(p.pair, 0);
        let p = sessions::login_pressure(db, "sz.staff", "10.0.0.1", since)
            .await
            .unwrap();
        assert_eq!(p.pair, 3);
        // Seen: neither the account at its next login nor its administrators are told again.
        assert!(
            sessions::unseen_failures_within(db, &gd.path, since)
                .await
                .unwrap()
                .is_empty()
        );
        let s2 = sessions::NewSession {
            token_hash: "h2",
            now: later + Duration::minutes(1),
            ..s
        };
        let again = sessions::open(db, &s2, |_| unreachable!("nothing new"))
            .await
            .unwrap();
        assert_eq!(again, None);
        assert_eq!(
            sessions::purge_login_failures(db, now() + Duration::days(1))
                .await
                .unwrap(),
            5
        );
        t.cleanup().await;
    }
}
