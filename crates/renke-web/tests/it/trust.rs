//! Who may address whom, need-to-know reading and the dashboards' reach (issue: trust).
//!
//! The standard tree (see `support::Tree`): CN above GD and SH; GD above GD-SZ (with the
//! district GD-SZ-FT and the lab LAB-SZ) and GD-GZ; SH above SH-PD.

use crate::support::{Client, PASSWORD, TestApp, Tree};
use renke_domain::perm::Role;
use serde_json::{Value, json};

fn notice(issuer: &str, recipients: Value, publication: &str) -> Value {
    json!({
        "issuer_code": issuer,
        "doc_number": "测试〔2022〕1号",
        "title": "关于测试行文范围的通知",
        "recipients": recipients,
        "body": "一、事项\n请按要求办理。",
        "written_on": "2022-06-01",
        "publication": publication,
    })
}

fn to(code: &str) -> Value {
    json!([{ "org_code": code }])
}

async fn setup(app: &TestApp) -> Tree {
    let tree = app.tree().await;
    for (login, role, org) in [
        ("cn.org", Role::Organiser, "CN"),
        ("gd.org", Role::Organiser, "GD"),
        ("gd.staff", Role::Staff, "GD"),
        ("sz.org", Role::Organiser, "GD-SZ"),
        ("sz.staff", Role::Staff, "GD-SZ"),
        ("ft.staff", Role::Staff, "GD-SZ-FT"),
        ("gz.staff", Role::Staff, "GD-GZ"),
        ("lab.org", Role::Organiser, "LAB-SZ"),
        ("lab.staff", Role::Staff, "LAB-SZ"),
        ("lab.viewer", Role::Viewer, "LAB-SZ"),
    ] {
        app.account(login, role, org).await;
    }
    tree
}

async fn read(c: &Client, id: i64) -> u16 {
    c.get(&format!("/api/v1/notices/{id}")).await.status
}

/// Creates and issues a notice, answering its id.
async fn issue(c: &Client, body: Value) -> i64 {
    let r = c.post("/api/v1/notices", body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_i64().unwrap();
    let r = c
        .post(&format!("/api/v1/notices/{id}/issue"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    id
}

#[tokio::test]
async fn recipients_campaigns_and_submit_to_stay_within_reach() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let cn = app.login("cn.org", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let lab = app.login("lab.org", PASSWORD).await;
        let r = cn
            .post(
                "/api/v1/campaigns",
                json!({"title": "第十五个世界认可日", "day": "2022-06-09", "owner_code": "CN", "public": true}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let campaign = r.body["id"].as_i64().unwrap();

        // A lab's organiser addresses only its own subtree: not SAMR, not every province,
        // not another province's district, in no direction.
        for (recipients, direction) in [
            (to("CN"), "down"),
            (
                json!([{"org_code": "CN", "children_kind": "regulator"}]),
                "down",
            ),
            (to("SH-PD"), "down"),
            (to("GD-SZ"), "up"),
            (to("GD-GZ"), "across"),
        ] {
            let mut body = notice("LAB-SZ", recipients, "active");
            body["direction"] = json!(direction);
            let r = lab.post("/api/v1/notices", body).await;
            assert_eq!(r.status, 422, "{l} {direction}: {}", r.text);
            assert_eq!(
                r.field_code("recipients[0]").as_deref(),
                Some("recipient_out_of_reach"),
                "{l} {direction}: {}",
                r.text
            );
        }
        // Nor does it attach its notice to SAMR's public campaign.
        let mut body = notice("LAB-SZ", to("LAB-SZ"), "active");
        body["campaign_id"] = json!(campaign);
        let r = lab.post("/api/v1/notices", body).await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("campaign_id").as_deref(),
            Some("campaign_not_managed")
        );
        let anon = app.anonymous();
        let page = anon.get(&format!("/campaigns/{campaign}")).await;
        assert!(!page.text.contains("关于测试行文范围的通知"), "{l}");

        // A province writes up to SAMR (上行文) and across to Shanghai (平行文) explicitly;
        // down is its own subtree only.
        let mut up = notice("GD", to("CN"), "not_public");
        let r = gd.post("/api/v1/notices", up.clone()).await;
        assert_eq!(
            r.field_code("recipients[0]").as_deref(),
            Some("recipient_out_of_reach"),
            "{l}: a letter to SAMR is not a notice down"
        );
        up["direction"] = json!("up");
        up["title"] = json!("广东省市场监督管理局关于世界认可日活动开展情况的报告");
        let letter = issue(&gd, up).await;
        let r = cn.get(&format!("/api/v1/notices/{letter}")).await;
        assert_eq!(r.status, 200, "{l}: SAMR reads the report sent to it");
        assert_eq!(r.body["notice"]["direction"], "up");
        let page = cn.get(&format!("/notices/{letter}")).await;
        assert!(page.text.contains("上行文"), "{l}: shown as a letter up");
        let inbox = cn.get("/api/v1/notices/inbox").await;
        assert_eq!(inbox.body["total"], 1, "{l}");
        // A letter carries no tasks.
        let r = gd
            .post(
                &format!("/api/v1/notices/{letter}/tasks"),
                json!({"kind": "summary", "title": "总结", "deadline": "2022-06-30"}),
            )
            .await;
        assert_eq!(r.status, 409, "{l}: {}", r.text);
        assert_eq!(r.code(), "letter_carries_no_tasks");
        let mut across = notice("GD", to("SH"), "not_public");
        across["direction"] = json!("across");
        issue(&gd, across.clone()).await;
        across["recipients"] = json!([{"org_code": "SH", "children_kind": "regulator"}]);
        let r = gd.post("/api/v1/notices", across).await;
        assert_eq!(r.status, 422, "{l}");
        assert_eq!(
            r.field_code("recipients").as_deref(),
            Some("children_only_down"),
            "{}",
            r.text
        );
        let r = gd
            .post("/api/v1/notices", notice("GD", to("SH"), "active"))
            .await;
        assert_eq!(
            r.field_code("recipients[0]").as_deref(),
            Some("recipient_out_of_reach"),
            "{l}"
        );

        // Reports go to the issuer or below it, never to an outsider.
        let down = issue(&gd, notice("GD", to("GD-SZ"), "not_public")).await;
        for outsider in ["CN", "SH-PD"] {
            let r = gd
                .post(
                    &format!("/api/v1/notices/{down}/tasks"),
                    json!({"kind": "summary", "title": "总结", "deadline": "2022-06-30", "submit_to_code": outsider}),
                )
                .await;
            assert_eq!(r.status, 422, "{l}: {}", r.text);
            assert_eq!(
                r.field_code("submit_to").as_deref(),
                Some("submit_to_out_of_reach"),
                "{l}: {}",
                r.text
            );
        }
        let r = gd
            .post(
                &format!("/api/v1/notices/{down}/tasks"),
                json!({"kind": "summary", "title": "总结", "deadline": "2022-06-30", "submit_to_code": "GD"}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);

        // SAMR's notice in its campaign; Guangdong's relay keeps the campaign it came with,
        // and may not pick a campaign it does not run.
        let mut national = notice(
            "CN",
            json!([{"org_code": "CN", "children_kind": "regulator"}]),
            "active",
        );
        national["campaign_id"] = json!(campaign);
        let national = issue(&cn, national).await;
        // A public notice is read by all, and acknowledged by its addressees only.
        let r = lab
            .post(
                &format!("/api/v1/notices/{national}/acknowledge"),
                json!({}),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "not_a_recipient"), "{l}");
        let mut relay = notice(
            "GD",
            json!([{"org_code": "GD", "children_kind": "regulator"}]),
            "active",
        );
        relay["campaign_id"] = json!(campaign);
        let r = gd
            .post(&format!("/api/v1/notices/{national}/relay"), relay.clone())
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        relay["direction"] = json!("up");
        let r = gd
            .post(&format!("/api/v1/notices/{national}/relay"), relay)
            .await;
        assert_eq!(
            r.field_code("direction").as_deref(),
            Some("relay_goes_down")
        );
        let mut own = notice("GD", to("GD-SZ"), "active");
        own["campaign_id"] = json!(campaign);
        let r = gd.post("/api/v1/notices", own).await;
        assert_eq!(
            r.field_code("campaign_id").as_deref(),
            Some("campaign_not_managed"),
            "{l}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn non_public_notices_campaigns_and_activities_are_read_on_need_to_know() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let sz = app.login("sz.org", PASSWORD).await;
        let clients = [
            "cn.org",
            "gd.org",
            "gd.staff",
            "sz.org",
            "sz.staff",
            "ft.staff",
            "gz.staff",
            "lab.org",
            "lab.staff",
            "lab.viewer",
        ];
        let mut by_login = Vec::new();
        for login in clients {
            by_login.push((login, app.login(login, PASSWORD).await));
        }

        // Guangdong writes to Guangzhou only, not public, with a task.
        let gz_only = issue(&gd, notice("GD", to("GD-GZ"), "not_public")).await;
        let r = gd
            .post(
                &format!("/api/v1/notices/{gz_only}/tasks"),
                json!({"kind": "summary", "title": "总结", "deadline": "2022-06-30"}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let task = r.body["id"].as_i64().unwrap();
        // Readers: the issuer (its organiser and staff), SAMR above it, the addressee.
        let readers = ["cn.org", "gd.org", "gd.staff", "gz.staff"];
        for (login, c) in &by_login {
            let want = if readers.contains(login) { 200 } else { 403 };
            assert_eq!(
                read(c, gz_only).await,
                want,
                "{l}: {login} reads the notice"
            );
            let status = c.get(&format!("/api/v1/tasks/{task}")).await.status;
            assert_eq!(status, want, "{l}: {login} reads its task");
        }

        // Guangdong writes to Shenzhen; Shenzhen relays it to its lab. The lab now reads
        // the original (it reached the lab down the tree); Futian, not addressed, does not.
        let to_sz = issue(&gd, notice("GD", to("GD-SZ"), "not_public")).await;
        let ft = &by_login.iter().find(|(l, _)| *l == "ft.staff").unwrap().1;
        let lab = &by_login.iter().find(|(l, _)| *l == "lab.staff").unwrap().1;
        assert_eq!(read(lab, to_sz).await, 403, "{l}");
        let r = sz
            .post(
                &format!("/api/v1/notices/{to_sz}/relay"),
                notice("GD-SZ", to("LAB-SZ"), "not_public"),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let relay = r.body["id"].as_i64().unwrap();
        let r = sz
            .post(&format!("/api/v1/notices/{relay}/issue"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(read(lab, to_sz).await, 200, "{l}");
        assert_eq!(read(lab, relay).await, 200, "{l}");
        assert_eq!(read(ft, to_sz).await, 403, "{l}");
        assert_eq!(read(ft, relay).await, 403, "{l}");

        // An internal campaign of Guangdong: its administration below reads it, the lab
        // (an institution) does not, neither directly nor in its list.
        let r = gd
            .post(
                "/api/v1/campaigns",
                json!({"title": "广东省内部部署", "day": "2022-06-09", "owner_code": "GD", "public": false}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let internal = r.body["id"].as_i64().unwrap();
        for (login, c) in &by_login {
            let institution = login.starts_with("lab.");
            let want = if institution { 403 } else { 200 };
            let status = c.get(&format!("/api/v1/campaigns/{internal}")).await.status;
            assert_eq!(
                status, want,
                "{l}: {login} reads Guangdong's internal campaign"
            );
            let list = c.get("/api/v1/campaigns").await;
            let listed = list.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == internal);
            assert_eq!(listed, !institution, "{l}: {login} lists it");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn dashboards_and_pickers_stay_in_reach() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let tree = setup(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let gd_staff = app.login("gd.staff", PASSWORD).await;
        let notice_id = issue(
            &gd,
            notice(
                "GD",
                json!([{"org_code": "GD", "children_kind": "regulator"}]),
                "not_public",
            ),
        )
        .await;
        let r = gd
            .post(
                &format!("/api/v1/notices/{notice_id}/tasks"),
                json!({"kind": "summary", "title": "总结", "deadline": "2022-06-30"}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let task = r.body["id"].as_i64().unwrap();
        for (path, node, want) in [
            (format!("/api/v1/tasks/{task}/dashboard"), tree.sz, 200),
            (format!("/api/v1/tasks/{task}/dashboard"), tree.pudong, 403),
            (
                format!("/api/v1/tasks/{task}/dashboard"),
                tree.national,
                403,
            ),
            (
                format!("/api/v1/notices/{notice_id}/dashboard"),
                tree.sh,
                403,
            ),
            (format!("/tasks/{task}/dashboard"), tree.pudong, 403),
        ] {
            let r = gd_staff.get(&format!("{path}?org={node}")).await;
            assert_eq!(r.status, want, "{l}: {path}?org={node}");
            assert!(!r.text.contains("浦东"), "{l}: {path} names Pudong");
        }
        // The page's breadcrumbs start at the task's submit-to organisation.
        let page = gd_staff
            .get(&format!("/tasks/{task}/dashboard?org={}", tree.futian))
            .await;
        assert_eq!(page.status, 200, "{l}");
        assert!(page.text.contains("深圳市市场监督管理局"), "{l}");
        assert!(!page.text.contains("国家市场监督管理总局"), "{l}");

        // The activity form's organisation picker offers what the API's search offers:
        // the caller's own subtree.
        let sz = app.login("sz.org", PASSWORD).await;
        let form = sz.get("/activities/new").await;
        assert_eq!(form.status, 200, "{l}");
        assert!(form.text.contains("GD-SZ-FT"), "{l}");
        for outside in ["SH-PD", "GD-GZ", "上海市"] {
            assert!(
                !form.text.contains(outside),
                "{l}: the form offers {outside}"
            );
        }
        let search = sz.get("/api/v1/orgs?q=上海").await;
        assert_eq!(search.body["total"], 0, "{l}: {}", search.text);
        app.finish().await;
    }
}
