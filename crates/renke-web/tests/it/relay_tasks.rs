//! Relaying a notice relays its tasks (转发): the relay form lists the original's tasks the
//! bureau received, each with its own deadline; a deadline at or after the parent's is
//! refused with the date it must precede, and the relay and its tasks are written in one
//! transaction — a refusal leaves nothing written.

use crate::pages::{csrf_field, form_login, get, post};
use crate::support::{PASSWORD, TestApp};
use renke_domain::perm::Role;
use serde_json::{Value, json};

fn gd_relay(relay_tasks: Value) -> Value {
    json!({
        "doc_number": "粤市监认监〔2022〕253号",
        "title": "广东省市场监督管理局关于组织开展第十五个“世界认可日”活动的通知",
        "recipients": [{"org_code": "GD", "children_kind": "regulator", "label": "各地级以上市市场监管局"}],
        "body": "请于6月20日前将活动开展情况和宣传报道资料报送省局认监处。",
        "written_on": "2022-05-01",
        "publication": "active",
        "relay_tasks": relay_tasks,
    })
}

/// SAMR's issued notice with two tasks: (notice, 开展情况 due 06-30, 活动方案 due 06-10).
async fn setup(app: &TestApp) -> (i64, i64, i64) {
    let l = app.label();
    app.tree().await;
    app.account("cn.org", Role::Organiser, "CN").await;
    app.account("gd.org", Role::Organiser, "GD").await;
    let cn = app.login("cn.org", PASSWORD).await;
    let r = cn
        .post(
            "/api/v1/notices",
            json!({
                "issuer_code": "CN",
                "doc_number": "市监认证函〔2022〕764号",
                "title": "市场监管总局办公厅关于组织开展第十五个“世界认可日”活动的通知",
                "recipients": [{"org_code": "CN", "children_kind": "regulator", "label": "各省、自治区、直辖市市场监管局"}],
                "body": "请及时报送活动方案、活动开展情况和宣传报道素材。",
                "written_on": "2022-04-27",
                "publication": "active",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let notice = r.body["id"].as_i64().unwrap();
    let mut ids = Vec::new();
    for (kind, title, deadline) in [
        ("progress", "活动开展情况和宣传报道素材", "2022-06-30"),
        ("plan", "活动方案", "2022-06-10 18:00"),
    ] {
        let r = cn
            .post(
                &format!("/api/v1/notices/{notice}/tasks"),
                json!({"kind": kind, "title": title, "deadline": deadline,
                       "attachments": "allowed", "attachment_types": "pdf", "attachment_max_mb": "5",
                       "length_target": "500"}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        ids.push(r.body["id"].as_i64().unwrap());
    }
    let r = cn
        .post(&format!("/api/v1/notices/{notice}/issue"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{l}: {}", r.text);
    (notice, ids[0], ids[1])
}

/// Rows of (notices, tasks, notice_relays).
async fn counts(app: &TestApp) -> [i64; 3] {
    let mut out = [0; 3];
    for (i, table) in ["notices", "tasks", "notice_relays"].iter().enumerate() {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        out[i] = renke_store::on_db!(app.db(), |p| sqlx::query_scalar(sqlx::AssertSqlSafe(
            sql.as_str()
        ))
        .fetch_one(p)
        .await)
        .unwrap();
    }
    out
}

#[tokio::test]
async fn relaying_a_notice_relays_its_tasks_in_one_transaction() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let (notice, progress, plan) = setup(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let before = counts(&app).await;

        // A deadline equal to the parent's and one after it: both refused with the date
        // they must precede, together with a bad field of the notice itself.
        let mut body = gd_relay(json!([
            {"task_id": progress, "deadline": "2022-06-30"},
            {"task_id": plan, "deadline": "2022-06-15"},
        ]));
        body["doc_number"] = json!("粤市监认监");
        let r = gd
            .post(&format!("/api/v1/notices/{notice}/relay"), body)
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("relay_tasks[0].deadline").as_deref(),
            Some("deadline_not_before_parent"),
            "{l}: {}",
            r.text
        );
        assert_eq!(
            r.field_code("relay_tasks[1].deadline").as_deref(),
            Some("deadline_not_before_parent"),
            "{l}"
        );
        assert!(r.text.contains("2022-06-30 23:59"), "{l}: {}", r.text);
        assert!(r.text.contains("2022-06-10 18:00"), "{l}: {}", r.text);
        assert!(
            r.field_code("doc_number").is_some(),
            "{l}: every problem at once"
        );
        // One good deadline does not let the other through.
        let r = gd
            .post(
                &format!("/api/v1/notices/{notice}/relay"),
                gd_relay(json!([
                    {"task_id": progress, "deadline": "2022-06-20"},
                    {"task_id": plan, "deadline": "2022-06-11"},
                ])),
            )
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(r.fields(), vec!["relay_tasks[1].deadline"], "{l}");
        // A past deadline, and a task that is not the original's.
        let r = gd
            .post(
                &format!("/api/v1/notices/{notice}/relay"),
                gd_relay(json!([
                    {"task_id": progress, "deadline": "2022-04-01"},
                    {"task_id": 999_999, "deadline": "2022-06-01"},
                ])),
            )
            .await;
        assert_eq!(
            r.field_code("relay_tasks[0].deadline").as_deref(),
            Some("deadline_past"),
            "{l}"
        );
        assert_eq!(
            r.field_code("relay_tasks[1].task_id").as_deref(),
            Some("not_relayed_task"),
            "{l}"
        );
        assert_eq!(counts(&app).await, before, "{l}: nothing written");

        // Good: 开展情况 relayed with an earlier deadline; 活动方案 left for later.
        let r = gd
            .post(
                &format!("/api/v1/notices/{notice}/relay"),
                gd_relay(json!([
                    {"task_id": progress, "deadline": "2022-06-20"},
                    {"task_id": plan, "deadline": ""},
                ])),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let relay = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["relays_id"], notice, "{l}");
        assert_eq!(
            counts(&app).await,
            [before[0] + 1, before[1] + 1, before[2] + 1],
            "{l}"
        );
        let t = gd.get(&format!("/api/v1/notices/{relay}/tasks")).await;
        assert_eq!(t.status, 200, "{l}: {}", t.text);
        let list = t.body.as_array().unwrap();
        assert_eq!(list.len(), 1, "{l}: {}", t.text);
        assert_eq!(list[0]["parent_task_id"], progress, "{l}");
        assert_eq!(list[0]["title"], "活动开展情况和宣传报道素材", "{l}");
        assert_eq!(list[0]["deadline_shanghai"], "2022-06-20 23:59", "{l}");
        assert_eq!(list[0]["submit_to_name"], "广东省市场监督管理局", "{l}");
        assert_eq!(list[0]["length_max"], 600, "{l}: the rules travel with it");
        // The one left out can still be relayed by hand onto the relay.
        let r = gd
            .post(
                &format!("/api/v1/notices/{relay}/tasks"),
                json!({"parent_task_id": plan, "deadline": "2022-06-08"}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_relay_form_lists_the_tasks_with_a_deadline_each() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let (notice, progress, plan) = setup(&app).await;
        let (c, _) = form_login(&app, "gd.org").await;
        let (status, _, html) = get(&c, &app, &format!("/notices/{notice}/relay")).await;
        assert_eq!(status, 200, "{l}");
        for id in [progress, plan] {
            assert!(
                html.contains(&format!("name=\"relay_deadline_{id}\"")),
                "{l}: a deadline field per task"
            );
        }
        assert!(html.contains("上级截止时间 2022-06-30 23:59"), "{l}");
        let token = csrf_field(&html);
        let before = counts(&app).await;
        let progress_key = format!("relay_deadline_{progress}");
        let plan_key = format!("relay_deadline_{plan}");
        let form = |progress_deadline: &str| -> Vec<(String, String)> {
            [
                ("_csrf", token.as_str()),
                ("doc_number", "粤市监认监〔2022〕253号"),
                (
                    "title",
                    "广东省市场监督管理局关于转发世界认可日活动通知的通知",
                ),
                ("recipients", "GD/regulator 各地级以上市市场监管局"),
                ("body", "请认真贯彻落实。"),
                ("written_on", "2022-05-01"),
                ("publication", "active"),
                (progress_key.as_str(), progress_deadline),
                (plan_key.as_str(), ""),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
        };
        let url = format!("/notices/{notice}/relay");
        let (status, _, html) = send(&c, &app, &url, &form("2022-07-01")).await;
        assert_eq!(status, 422, "{l}");
        assert!(
            html.contains("必须早于上级截止时间 2022-06-30 23:59"),
            "{l}: {html}"
        );
        assert!(
            html.contains("value=\"2022-07-01\""),
            "{l}: the typed value is kept"
        );
        assert_eq!(counts(&app).await, before, "{l}: nothing written");
        let (status, location, _) = send(&c, &app, &url, &form("2022-06-25 12:00")).await;
        assert_eq!(status, 303, "{l}: redirected to the new relay");
        let relay: i64 = location.trim_start_matches("/notices/").parse().unwrap();
        let (_, _, html) = get(&c, &app, &format!("/notices/{relay}/tasks")).await;
        assert!(
            html.contains("2022-06-25 12:00"),
            "{l}: the relayed task is there"
        );
        app.finish().await;
    }
}

async fn send(
    c: &reqwest::Client,
    app: &TestApp,
    url: &str,
    f: &[(String, String)],
) -> (u16, String, String) {
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    post(c, app, url, &pairs).await
}
