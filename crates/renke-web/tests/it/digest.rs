//! E-mail digests per account preference: in-app messages always, e-mail at most once per
//! chosen period (hourly, or daily at 08:00 Beijing time), one e-mail listing everything
//! that arrived since the last one; none for `off` or without an address.

use crate::reminders::give_emails;
use crate::support::{PASSWORD, TestApp};
use chrono::{Duration, TimeZone, Utc};
use renke_domain::perm::Role;
use serde_json::{Value, json};

fn notice(doc_number: &str, title: &str) -> Value {
    json!({
        "issuer_code": "GD",
        "doc_number": doc_number,
        "title": title,
        "recipients": [{"org_code": "GD", "children_kind": "regulator", "label": "各地级以上市市场监管局"}],
        "body": "一、活动主要内容\n（一）集中收看总局活动",
        "written_on": "2022-05-01",
        "publication": "not_public",
    })
}

fn to(app: &TestApp, login: &str) -> Vec<renke_app::mail::Mail> {
    app.mails()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t.contains(&format!("<{login}@"))))
        .collect()
}

#[tokio::test]
async fn each_account_gets_one_digest_per_chosen_period() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        app.tree().await;
        app.account("gd.org", Role::Organiser, "GD").await;
        app.account("sz.staff", Role::Staff, "GD-SZ").await;
        app.account("sz.org", Role::Organiser, "GD-SZ").await;
        app.account("gz.staff", Role::Staff, "GD-GZ").await;
        give_emails(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let sz_org = app.login("sz.org", PASSWORD).await;

        // Choices: hourly for Guangdong's organiser, none for 深圳's; the rest keep the
        // default (daily). A choice that is not one is refused on its field.
        let r = gd
            .put("/api/v1/me/mail-digest", json!({"mail_digest": "weekly"}))
            .await;
        assert_eq!(
            (r.status, r.field_code("mail_digest").as_deref()),
            (422, Some("unknown_value")),
            "{l}: {}",
            r.text
        );
        let r = gd
            .put("/api/v1/me/mail-digest", json!({"mail_digest": "hourly"}))
            .await;
        assert_eq!(r.status, 204, "{l}: {}", r.text);
        let r = sz_org
            .put("/api/v1/me/mail-digest", json!({"mail_digest": "不发邮件"}))
            .await;
        assert_eq!(r.status, 204, "{l}: {}", r.text);
        assert_eq!(
            sz_org.get("/api/v1/me").await.body["account"]["mail_digest"],
            "off"
        );
        assert_eq!(
            sz.get("/api/v1/me").await.body["account"]["mail_digest"],
            "daily"
        );

        // 10:01 Guangdong issues 253号; 10:02 a notice without a 发文字号.
        app.clock.advance(Duration::minutes(1));
        let mut ids = Vec::new();
        for (doc, title) in [
            (
                "粤市监认监〔2022〕253号",
                "广东省市场监督管理局关于组织开展第十五个“世界认可日”活动的通知",
            ),
            ("", "广东省市场监督管理局关于报送认可宣传材料的通知"),
        ] {
            let r = gd.post("/api/v1/notices", notice(doc, title)).await;
            assert_eq!(r.status, 201, "{l}: {}", r.text);
            let id = r.body["id"].as_i64().unwrap();
            let r = gd
                .post(&format!("/api/v1/notices/{id}/issue"), json!({}))
                .await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
            ids.push(id);
            app.clock.advance(Duration::minutes(1));
        }
        // 深圳 acknowledges both (10:30 and 10:31): two messages for Guangdong.
        app.clock.advance(Duration::minutes(27));
        for id in &ids {
            let r = sz
                .post(&format!("/api/v1/notices/{id}/acknowledge"), json!({}))
                .await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
            app.clock.advance(Duration::minutes(1));
        }
        // Before 11:00 nobody's period has ended.
        let pass = app.run_jobs().await;
        assert_eq!(pass.digests, 0, "{l}");
        assert!(app.mails().is_empty(), "{l}");

        // 11:05: one e-mail to Guangdong's organiser with both 签收 messages.
        app.clock.advance(Duration::minutes(33));
        assert_eq!(
            app.clock.now(),
            Utc.with_ymd_and_hms(2022, 5, 1, 3, 5, 0).unwrap()
        );
        let pass = app.run_jobs().await;
        assert_eq!((pass.digests, pass.done), (1, 1), "{l}");
        let mails = to(&app, "gd.org");
        assert_eq!(mails.len(), 1, "{l}: {:?}", app.mails());
        let m = &mails[0];
        assert_eq!(m.subject, "【认可平台】2 项新消息 / 2 new item(s)");
        assert!(
            m.text.contains("粤市监认监〔2022〕253号 有新的签收"),
            "{}",
            m.text
        );
        assert!(
            m.text
                .contains("广东省市场监督管理局关于报送认可宣传材料的通知 有新的签收"),
            "a notice without a 发文字号 is named by its title: {}",
            m.text
        );
        assert_eq!(
            m.text.matches("深圳市市场监督管理局 已签收").count(),
            2,
            "{}",
            m.text
        );
        assert!(
            m.text.contains("http://127.0.0.1:8080/notices/"),
            "{}",
            m.text
        );
        // Read in-app all the same.
        let inbox = gd.get("/api/v1/me/messages").await;
        assert_eq!(inbox.body["unread"], 2, "{l}");

        // The same hour again: nothing more.
        app.clock.advance(Duration::minutes(10));
        assert_eq!(app.run_jobs().await.digests, 0, "{l}");

        // The server is down until the next day at 08:30: one daily digest each, not one per
        // missed period. 广州 has both notices to acknowledge; 深圳's staff acknowledged
        // everything, its organiser chose no e-mail; Guangdong's organiser has nothing new.
        app.clock
            .advance(Utc.with_ymd_and_hms(2022, 5, 2, 0, 30, 0).unwrap() - app.clock.now());
        let pass = app.run_jobs().await;
        assert_eq!(pass.digests, 1, "{l}: {:?}", app.mails());
        let gz = to(&app, "gz.staff");
        assert_eq!(gz.len(), 1, "{l}");
        assert!(
            gz[0].text.contains("【待签收通知 Notices to acknowledge】"),
            "{}",
            gz[0].text
        );
        assert!(
            gz[0]
                .text
                .contains("粤市监认监〔2022〕253号 广东省市场监督管理局关于组织开展"),
            "{}",
            gz[0].text
        );
        assert!(
            gz[0]
                .text
                .contains("广东省市场监督管理局关于报送认可宣传材料的通知（广东省市场监督管理局"),
            "{}",
            gz[0].text
        );
        assert!(
            to(&app, "sz.staff").is_empty() && to(&app, "sz.org").is_empty(),
            "{l}"
        );
        assert_eq!(to(&app, "gd.org").len(), 1, "{l}");
        app.clock.advance(Duration::hours(2));
        assert_eq!(app.run_jobs().await.digests, 0, "{l}");

        // The settings page shows and saves the choice (a new day, a new session).
        let sz = app.login("sz.staff", PASSWORD).await;
        let page = sz.get("/settings").await;
        assert!(
            page.text.contains("邮件通知") && page.text.contains("sz.staff@example.cn"),
            "{l}: {}",
            page.text
        );
        assert!(page.text.contains(r#"value="daily" checked"#), "{l}");
        let r = sz
            .form("/settings/mail", &[("mail_digest", "hourly")])
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert!(r.text.contains("邮件通知已保存：每小时汇总一封"), "{l}");
        assert!(r.text.contains(r#"value="hourly" checked"#), "{l}");
        let r = sz.form("/settings/mail", &[("mail_digest", "x")]).await;
        assert_eq!(r.status, 422, "{l}");
        app.finish().await;
    }
}
