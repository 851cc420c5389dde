//! 催办: reminders reach only the units that owe a submission, at the slot times of the
//! plan, once each; escalation reaches the parent bureau; plans are edited with clear
//! errors; messages are the organisation's own.
//!
//! The cascade test in `tasks` calls the `cascade_*` steps at its clock times.

use crate::support::{PASSWORD, TestApp};
use serde_json::json;

/// Gives every account an e-mail address `<login>@example.cn`.
pub async fn give_emails(app: &TestApp) {
    let sql = "UPDATE accounts SET email = login || '@example.cn'";
    renke_store::on_db!(app.db(), |p| sqlx::query(sql)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
    .unwrap();
}

/// The 催办 and escalation e-mails sent so far (the accounts' daily digests aside).
fn reminder_mails(app: &TestApp) -> Vec<renke_app::mail::Mail> {
    app.mails()
        .into_iter()
        .filter(|m| m.subject.starts_with("【催办】") || m.subject.starts_with("【逾期提醒】"))
        .collect()
}

fn mailed_to(app: &TestApp, login: &str) -> usize {
    reminder_mails(app)
        .iter()
        .filter(|m| {
            m.to.iter()
                .any(|t| t.contains(&format!("<{login}@example.cn>")))
        })
        .count()
}

async fn reminded_orgs(app: &TestApp, task: i64) -> Vec<(String, String)> {
    let c = app.login("gd.org", PASSWORD).await;
    let r = c.get(&format!("/api/v1/tasks/{task}/reminders")).await;
    assert_eq!(r.status, 200, "{}: {}", app.label(), r.text);
    let mut v: Vec<(String, String)> = r.body["sent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["org_name"].as_str().unwrap().to_owned(),
                s["slot"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

/// 6月19日 09:00, deadline 6月20日: the "3 days before" slot (6月17日) is current. 佛山 and
/// 珠海 have not submitted; 深圳 and 广州 (accepted) get nothing. A rerun sends nothing.
pub async fn cascade_before_deadline(app: &TestApp, relay_task: i64) {
    let l = app.label();
    give_emails(app).await;
    let pass = app.run_jobs().await;
    assert_eq!(pass.reminders, 2, "{l}");
    assert_eq!(
        reminded_orgs(app, relay_task).await,
        vec![
            (
                "佛山市市场监督管理局".to_owned(),
                "before3@2022-06-17".to_owned()
            ),
            (
                "珠海市市场监督管理局".to_owned(),
                "before3@2022-06-17".to_owned()
            ),
        ],
        "{l}"
    );
    assert_eq!(mailed_to(app, "fs.staff"), 1, "{l}");
    assert_eq!(mailed_to(app, "zh.staff"), 1, "{l}");
    assert_eq!(
        mailed_to(app, "sz.staff") + mailed_to(app, "gz.staff"),
        0,
        "{l}"
    );
    let m = &reminder_mails(app)[0];
    assert!(m.subject.starts_with("【催办】"), "{}", m.subject);
    assert!(m.text.contains("2022-06-20 23:59"), "{}", m.text);
    // Never twice, however often the worker runs.
    assert_eq!(app.run_jobs().await.reminders, 0, "{l}");
    assert_eq!(reminder_mails(app).len(), 2, "{l}");
    // 珠海 sees it in its messages.
    let zh = app.login("zh.staff", PASSWORD).await;
    let r = zh.get("/api/v1/me/messages").await;
    assert_eq!(
        (r.body["total"].as_i64(), r.body["unread"].as_i64()),
        (Some(1), Some(1)),
        "{l}"
    );
    assert_eq!(r.body["items"][0]["link"], format!("/tasks/{relay_task}"));
}

/// 6月22日 09:00, after 佛山 submitted late: only 珠海 gets the "overdue, day 2" reminder;
/// escalation is not due before 6月23日 23:59.
pub async fn cascade_overdue(app: &TestApp, relay_task: i64) {
    let l = app.label();
    let pass = app.run_jobs().await;
    assert_eq!(pass.reminders, 1, "{l}");
    let sent = reminded_orgs(app, relay_task).await;
    assert!(
        sent.contains(&(
            "珠海市市场监督管理局".to_owned(),
            "overdue2@2022-06-22".to_owned()
        )),
        "{l}: {sent:?}"
    );
    assert_eq!(sent.len(), 3, "{l}: {sent:?}");
    assert_eq!(mailed_to(app, "zh.staff"), 2, "{l}");
    assert_eq!(mailed_to(app, "fs.staff"), 1, "{l}");
    assert_eq!(app.run_jobs().await.reminders, 0, "{l}");
}

/// 6月24日 09:00: 珠海 still has not submitted: its overdue reminder, and Guangdong's
/// organisers are told (escalation), once.
pub async fn cascade_escalation(app: &TestApp, relay_task: i64) {
    let l = app.label();
    let before = mailed_to(app, "gd.org");
    let pass = app.run_jobs().await;
    assert_eq!(pass.reminders, 2, "{l}: overdue4 and the escalation");
    let sent = reminded_orgs(app, relay_task).await;
    assert!(
        sent.contains(&("珠海市市场监督管理局".to_owned(), "escalation".to_owned())),
        "{l}: {sent:?}"
    );
    assert_eq!(
        mailed_to(app, "gd.org"),
        before + 1,
        "{l}: Guangdong's organiser"
    );
    assert_eq!(
        mailed_to(app, "gd.staff"),
        0,
        "{l}: escalations go to organisers only"
    );
    let gd = app.login("gd.org", PASSWORD).await;
    let r = gd.get("/api/v1/me/messages").await;
    let titles: Vec<&str> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["title"].as_str().unwrap())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("【逾期提醒】珠海市市场监督管理局未报送")),
        "{l}: {titles:?}"
    );
    assert_eq!(app.run_jobs().await.reminders, 0, "{l}");
}

#[tokio::test]
async fn plans_are_edited_by_the_issuer_with_clear_errors() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        app.tree().await;
        app.account("gd.org", Role::Organiser, "GD").await;
        app.account("sz.staff", Role::Staff, "GD-SZ").await;
        let gd = app.login("gd.org", PASSWORD).await;
        let n = gd
            .post(
                "/api/v1/notices",
                json!({
                    "issuer_code": "GD",
                    "doc_number": "粤市监认监〔2022〕253号",
                    "title": "关于组织开展第十五个“世界认可日”活动的通知",
                    "recipients": [{"org_code": "GD", "children_kind": "regulator"}],
                    "body": "请报送。",
                    "written_on": "2022-06-01",
                    "publication": "active",
                }),
            )
            .await;
        let notice = n.body["id"].as_i64().unwrap();
        let r = gd
            .post(
                &format!("/api/v1/notices/{notice}/tasks"),
                json!({"kind": "progress", "title": "活动开展情况", "deadline": "2022-06-20", "attachments": "none"}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let task = r.body["id"].as_i64().unwrap();
        let r = gd.get(&format!("/api/v1/tasks/{task}/reminders")).await;
        assert_eq!(
            (
                r.body["days_before"].clone(),
                r.body["on_day"].clone(),
                r.body["escalate_after_days"].clone()
            ),
            (json!([3]), json!(true), json!(3)),
            "{l}: the default plan"
        );
        let r = gd
            .put(
                &format!("/api/v1/tasks/{task}/reminders"),
                json!({"days_before": "7, 0", "on_day": true, "overdue_daily": true, "escalate_after_days": ""}),
            )
            .await;
        assert_eq!(r.status, 422, "{l}");
        assert_eq!(
            r.field_code("reminder_days_before").as_deref(),
            Some("days_out_of_range")
        );
        assert!(r.text.contains("“0”不是 1 到 60 之间的天数"), "{}", r.text);
        // Nothing changed.
        let r = gd.get(&format!("/api/v1/tasks/{task}/reminders")).await;
        assert_eq!(r.body["days_before"], json!([3]), "{l}");
        let r = gd
            .put(
                &format!("/api/v1/tasks/{task}/reminders"),
                json!({"days_before": "1,7", "on_day": false, "overdue_daily": true, "escalate_after_days": "5"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["days_before"], json!([7, 1]));
        assert_eq!(r.body["escalate_after_days"], 5);
        // A city's staff may read a task it received only once issued, and never edit it.
        let sz = app.login("sz.staff", PASSWORD).await;
        let r = sz
            .put(
                &format!("/api/v1/tasks/{task}/reminders"),
                json!({"days_before": "1", "on_day": true, "overdue_daily": true, "escalate_after_days": ""}),
            )
            .await;
        assert!(matches!(r.status, 403 | 404), "{l}: {}", r.status);
        // The page form shows the plan and the same error next to its field.
        let page = gd.get(&format!("/tasks/{task}/reminders")).await;
        assert_eq!(page.status, 200, "{l}");
        assert!(page.text.contains("value=\"7,1\""), "{l}");
        assert!(page.text.contains("还没有发送提醒"), "{l}");
        app.finish().await;
    }
}

#[tokio::test]
async fn messages_belong_to_their_organisation() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let tree = app.tree().await;
        app.account("sz.staff", Role::Staff, "GD-SZ").await;
        app.account("gz.staff", Role::Staff, "GD-GZ").await;
        let sql = "INSERT INTO messages (org_id, kind, title, body, link, created_at) \
                   VALUES ($1, 'reminder', '【催办】活动开展情况', '请报送。', '/tasks/1', $2)";
        renke_store::on_db!(app.db(), |p| sqlx::query(sql)
            .bind(tree.sz)
            .bind(app.clock.now())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .unwrap();
        let sz = app.login("sz.staff", PASSWORD).await;
        let gz = app.login("gz.staff", PASSWORD).await;
        let r = sz.get("/api/v1/me/messages").await;
        let id = r.body["items"][0]["id"].as_i64().unwrap();
        assert_eq!(r.body["unread"], 1, "{l}");
        assert_eq!(gz.get("/api/v1/me/messages").await.body["total"], 0, "{l}");
        // 广州 cannot mark 深圳's message.
        assert_eq!(
            gz.post(&format!("/api/v1/me/messages/{id}/read"), json!({}))
                .await
                .status,
            404
        );
        let page = sz.get("/messages").await;
        assert!(page.text.contains("【催办】活动开展情况"), "{l}");
        assert!(page.text.contains("1 条未读"), "{l}");
        assert_eq!(
            sz.post(&format!("/api/v1/me/messages/{id}/read"), json!({}))
                .await
                .status,
            204
        );
        assert_eq!(sz.get("/api/v1/me/messages").await.body["unread"], 0, "{l}");
        app.finish().await;
    }
}

use renke_domain::perm::Role;
