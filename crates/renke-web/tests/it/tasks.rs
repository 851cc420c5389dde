//! Reporting (报送) through `/api/v1`: the whole cascade SAMR → Guangdong → cities with
//! relayed tasks, submissions (on time, late, returned and resubmitted, missing), roll-up
//! and the dashboards at every level; bad input with nothing changed; who may read which
//! submission, as a table.

use crate::support::{PASSWORD, TestApp, t0};
use chrono::{Duration, TimeZone, Utc};
use renke_domain::org::{AdminLevel, OrgCode, OrgKind};
use renke_domain::perm::Role;
use renke_store::orgs::NewOrg;
use serde_json::{Value, json};

fn city(code: &str, name: &str) -> NewOrg {
    let mut o = NewOrg::new(
        OrgCode::parse("code", code).unwrap(),
        Some(OrgCode::parse("parent", "GD").unwrap()),
        name,
        OrgKind::Regulator,
    );
    o.admin_level = Some(AdminLevel::Municipal);
    o
}

/// The standard tree plus two more Guangdong cities (佛山, 珠海) and an account per unit.
async fn setup(app: &TestApp) {
    app.tree().await;
    renke_store::orgs::create_many(
        app.db(),
        &[
            city("GD-FS", "佛山市市场监督管理局"),
            city("GD-ZH", "珠海市市场监督管理局"),
        ],
        t0(),
    )
    .await
    .unwrap();
    for (login, role, org) in [
        ("cn.org", Role::Organiser, "CN"),
        ("gd.org", Role::Organiser, "GD"),
        ("gd.staff", Role::Staff, "GD"),
        ("sz.staff", Role::Staff, "GD-SZ"),
        ("sz.org", Role::Organiser, "GD-SZ"),
        ("gz.staff", Role::Staff, "GD-GZ"),
        ("fs.staff", Role::Staff, "GD-FS"),
        ("zh.staff", Role::Staff, "GD-ZH"),
        ("sh.staff", Role::Staff, "SH"),
    ] {
        app.account(login, role, org).await;
    }
}

fn samr_notice() -> Value {
    json!({
        "issuer_code": "CN",
        "doc_number": "市监认证函〔2022〕764号",
        "title": "市场监管总局办公厅关于组织开展第十五个“世界认可日”活动的通知",
        "recipients": [{"org_code": "CN", "children_kind": "regulator", "label": "各省、自治区、直辖市市场监管局"}],
        "body": "请及时报送活动方案、活动开展情况和宣传报道素材。",
        "written_on": "2022-05-27",
        "publication": "active",
    })
}

fn gd_relay() -> Value {
    json!({
        "issuer_code": "GD",
        "doc_number": "粤市监认监〔2022〕253号",
        "title": "广东省市场监督管理局关于组织开展第十五个“世界认可日”活动的通知",
        "recipients": [{"org_code": "GD", "children_kind": "regulator", "label": "各地级以上市市场监管局"}],
        "body": "请于6月20日前将活动开展情况和宣传报道资料报送省局认监处。",
        "written_on": "2022-06-01",
        "publication": "active",
    })
}

/// A submission's content. The relay task asks for 500字左右; these summaries are short
/// stand-ins, sent knowingly (`length_confirmed`): the length rule has its own test.
fn content(summary: &str, activities: i64, participants: i64, publicity: i64) -> Value {
    json!({
        "length_confirmed": true,
        "summary": summary,
        "activities": activities.to_string(),
        "participants": participants.to_string(),
        "publicity_items": publicity.to_string(),
    })
}

/// The caller's in-app messages of one kind.
async fn messages_of(c: &crate::support::Client, kind: &str) -> Vec<Value> {
    let m = c.get("/api/v1/me/messages").await;
    assert_eq!(m.status, 200, "{}", m.text);
    m.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == kind)
        .cloned()
        .collect()
}

/// Moves the server's clock to a Shanghai local time in 2022.
fn set_clock(app: &TestApp, month: u32, day: u32, hour: u32) {
    let target = Utc.with_ymd_and_hms(2022, month, day, hour, 0, 0).unwrap() - Duration::hours(8);
    let now = app.clock.now();
    app.clock.advance(target - now);
}

/// Ids of the cascade: SAMR's notice and task, Guangdong's relay notice and task.
struct Cascade {
    notice: i64,
    task: i64,
    relay: i64,
    relay_task: i64,
}

/// SAMR issues its notice with a task; Guangdong acknowledges, relays it with an earlier
/// deadline (after a refused later one) and issues; three cities acknowledge.
async fn issue_and_relay(app: &TestApp) -> Cascade {
    let l = app.label();
    let cn = app.login("cn.org", PASSWORD).await;
    let gd = app.login("gd.org", PASSWORD).await;
    let r = cn.post("/api/v1/notices", samr_notice()).await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let notice = r.body["id"].as_i64().unwrap();
    let r = cn
        .post(
            &format!("/api/v1/notices/{notice}/tasks"),
            json!({
                "kind": "progress",
                "title": "活动开展情况和宣传报道素材",
                "deadline": "2022-06-30",
                "length_target": "500",
                "length_tolerance": "100",
                "attachments": "allowed",
                "attachment_types": "pdf, docx, jpg",
                "attachment_max_mb": "20",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let task = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["deadline_shanghai"], "2022-06-30 23:59");
    assert_eq!(r.body["deadline"], "2022-06-30T15:59:00Z");
    assert_eq!(r.body["submit_to_name"], "国家市场监督管理总局");
    assert_eq!(r.body["length_max"], 600);
    let r = cn
        .post(&format!("/api/v1/notices/{notice}/issue"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{l}: {}", r.text);

    // Guangdong acknowledges and relays.
    let r = gd
        .post(&format!("/api/v1/notices/{notice}/acknowledge"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{l}: {}", r.text);
    let r = gd
        .post(&format!("/api/v1/notices/{notice}/relay"), gd_relay())
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let relay = r.body["id"].as_i64().unwrap();
    // A deadline at or after the parent's is refused with the date it must precede.
    let bad = gd
        .post(
            &format!("/api/v1/notices/{relay}/tasks"),
            json!({"parent_task_id": task, "deadline": "2022-06-30 23:59"}),
        )
        .await;
    assert_eq!(bad.status, 422, "{l}: {}", bad.text);
    assert_eq!(
        bad.field_code("deadline").as_deref(),
        Some("deadline_not_before_parent")
    );
    let msg = bad.body["fields"][0]["message_zh"].as_str().unwrap();
    assert!(msg.contains("2022-06-30 23:59"), "{msg}");
    let none = gd.get(&format!("/api/v1/notices/{relay}/tasks")).await;
    assert_eq!(
        none.body.as_array().map(Vec::len),
        Some(0),
        "{l}: nothing saved"
    );
    let r = gd
        .post(
            &format!("/api/v1/notices/{relay}/tasks"),
            json!({"parent_task_id": task, "deadline": "2022-06-20", "submit_to_dept": "认监处"}),
        )
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let relay_task = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["parent_task_id"], task);
    assert_eq!(r.body["title"], "活动开展情况和宣传报道素材");
    assert_eq!(r.body["submit_to_name"], "广东省市场监督管理局");
    assert_eq!(r.body["submit_to_dept"], "认监处");
    assert_eq!(r.body["length_max"], 600, "rules travel with the relay");
    // The same task is relayed once per notice.
    let twice = gd
        .post(
            &format!("/api/v1/notices/{relay}/tasks"),
            json!({"parent_task_id": task, "deadline": "2022-06-19"}),
        )
        .await;
    assert_eq!(
        (twice.status, twice.field_code("parent_task_id").as_deref()),
        (422, Some("task_already_relayed")),
        "{l}: {}",
        twice.text
    );
    let r = gd
        .post(&format!("/api/v1/notices/{relay}/issue"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{l}: {}", r.text);

    // Three cities acknowledge; 珠海 does not.
    for login in ["sz.staff", "gz.staff", "fs.staff"] {
        let c = app.login(login, PASSWORD).await;
        let r = c
            .post(&format!("/api/v1/notices/{relay}/acknowledge"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l} {login}: {}", r.text);
    }
    Cascade {
        notice,
        task,
        relay,
        relay_task,
    }
}

fn counts(v: &Value) -> [i64; 8] {
    [
        "expected",
        "acknowledged",
        "submitted",
        "on_time",
        "late",
        "missing",
        "accepted",
        "returned",
    ]
    .map(|k| v[k].as_i64().unwrap_or(-1))
}

#[tokio::test]
async fn cascade_submit_return_late_missing_rollup_and_dashboards() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let c = issue_and_relay(&app).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let t2 = c.relay_task;

        // The cities see the task in their home list, grey (not started).
        let mine = sz.get("/api/v1/me/tasks").await;
        assert_eq!(mine.body["due"][0]["task_id"], t2, "{l}: {}", mine.text);
        assert_eq!(mine.body["due"][0]["colour"], "grey");

        // 6月10日: 深圳 saves a draft, then submits; 广州 submits.
        set_clock(&app, 6, 10, 9);
        // Sessions expire over the weeks the clock moves: log in again.
        let sz = app.login("sz.staff", PASSWORD).await;
        let gz = app.login("gz.staff", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = sz
            .put(
                &format!("/api/v1/tasks/{t2}/submission"),
                content("深圳草稿", 1, 10, 1),
            )
            .await;
        assert_eq!(
            (r.status, r.body["status"].as_str()),
            (200, Some("draft")),
            "{l}: {}",
            r.text
        );
        assert_eq!(r.body["version"], 0);
        let r = sz
            .post(
                &format!("/api/v1/tasks/{t2}/submission"),
                content("深圳市开展认可日宣传活动三场。", 3, 120, 5),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(
            (
                r.body["status"].as_str(),
                r.body["version"].as_i64(),
                r.body["late"].as_bool()
            ),
            (Some("submitted"), Some(1), Some(false))
        );
        let sz_sub = r.body["id"].as_i64().unwrap();
        let r = gz
            .post(
                &format!("/api/v1/tasks/{t2}/submission"),
                content("广州市开展活动。", 2, 80, 3),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let gz_sub = r.body["id"].as_i64().unwrap();
        // Under review it cannot change.
        let r = gz
            .put(
                &format!("/api/v1/tasks/{t2}/submission"),
                content("改", 1, 1, 1),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "already_submitted"), "{l}");

        // Guangdong accepts 深圳 and returns 广州 with a reason.
        let r = gd
            .post(
                &format!("/api/v1/submissions/{sz_sub}/review"),
                json!({"decision": "accept"}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["status"].as_str()),
            (200, Some("accepted")),
            "{l}: {}",
            r.text
        );
        let r = gd
            .post(
                &format!("/api/v1/submissions/{gz_sub}/review"),
                json!({"decision": "return", "reason": ""}),
            )
            .await;
        assert_eq!(r.field_code("reason").as_deref(), Some("required"), "{l}");
        let r = gd
            .post(
                &format!("/api/v1/submissions/{gz_sub}/review"),
                json!({"decision": "return", "reason": "请补充宣传报道数量。"}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["status"].as_str()),
            (200, Some("returned")),
            "{l}: {}",
            r.text
        );
        let d = gd.get(&format!("/api/v1/tasks/{t2}/dashboard")).await;
        assert_eq!(d.status, 200, "{l}: {}", d.text);
        // expected, acknowledged, submitted, on_time, late, missing, accepted, returned
        assert_eq!(counts(&d.body["total"]), [4, 3, 2, 2, 0, 2, 1, 1], "{l}");
        assert_eq!(
            d.body["total"]["colour"], "yellow",
            "{l}: returned shows yellow"
        );

        // 6月15日: 广州 resubmits (version 2, both versions kept); accepted.
        set_clock(&app, 6, 15, 9);
        let gz = app.login("gz.staff", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gz
            .post(
                &format!("/api/v1/tasks/{t2}/submission"),
                content("广州市开展活动两场，宣传报道六篇。", 2, 80, 6),
            )
            .await;
        assert_eq!(
            (r.status, r.body["version"].as_i64()),
            (200, Some(2)),
            "{l}: {}",
            r.text
        );
        let r = gd
            .post(
                &format!("/api/v1/submissions/{gz_sub}/review"),
                json!({"decision": "accept"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let detail = gd.get(&format!("/api/v1/submissions/{gz_sub}")).await;
        let versions = detail.body["versions"].as_array().unwrap();
        assert_eq!(versions.len(), 2, "{l}");
        assert_eq!(versions[0]["outcome"], "returned");
        assert_eq!(versions[0]["reason"], "请补充宣传报道数量。");
        assert_eq!(versions[0]["summary"], "广州市开展活动。");
        assert_eq!(versions[1]["outcome"], "accepted");

        // 6月19日: 珠海 is due within three days (yellow); 6月22日: overdue (red) and 佛山
        // submits late — accepted and marked late.
        set_clock(&app, 6, 19, 9);
        let zh = app.login("zh.staff", PASSWORD).await;
        let mine = zh.get("/api/v1/me/tasks").await;
        assert_eq!(
            mine.body["due"][0]["colour"], "yellow",
            "{l}: {}",
            mine.text
        );
        // 催办: the "3 days before" reminder reaches 佛山 and 珠海 only, once.
        crate::reminders::cascade_before_deadline(&app, t2).await;
        set_clock(&app, 6, 22, 9);
        let zh = app.login("zh.staff", PASSWORD).await;
        let fs = app.login("fs.staff", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let cn = app.login("cn.org", PASSWORD).await;
        let mine = zh.get("/api/v1/me/tasks").await;
        assert_eq!(mine.body["due"][0]["chip"], "overdue", "{l}");
        let r = fs
            .post(
                &format!("/api/v1/tasks/{t2}/submission"),
                content("佛山市开展活动一场。", 1, 40, 2),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["late"], true, "{l}");
        let fs_sub = r.body["id"].as_i64().unwrap();
        let r = gd
            .post(
                &format!("/api/v1/submissions/{fs_sub}/review"),
                json!({"decision": "accept"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        // Paper copy received.
        let r = gd
            .post(
                &format!("/api/v1/submissions/{fs_sub}/paper"),
                json!({"received_on": "2022-06-23"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["paper_received_on"], "2022-06-23");
        assert_eq!(r.body["paper_recorded_by"], "测试gd.org");

        // 催办: overdue, only 珠海 (佛山 has just submitted) is reminded.
        crate::reminders::cascade_overdue(&app, t2).await;

        // Guangdong's dashboard of its relay: who is late and who is missing.
        let d = gd
            .get(&format!("/api/v1/tasks/{t2}/dashboard?filter=missing"))
            .await;
        assert_eq!(counts(&d.body["total"]), [4, 3, 3, 2, 1, 1, 3, 0], "{l}");
        assert_eq!(d.body["recipients_total"], 1);
        assert_eq!(d.body["recipients"][0]["org_name"], "珠海市市场监督管理局");
        assert_eq!(d.body["recipients"][0]["colour"], "red");
        let d = gd
            .get(&format!("/api/v1/tasks/{t2}/dashboard?filter=late"))
            .await;
        assert_eq!(
            d.body["recipients"][0]["org_name"], "佛山市市场监督管理局",
            "{l}"
        );
        assert_eq!(d.body["recipients"][0]["chip"], "late");

        // Roll-up: Guangdong compiles the accepted submissions into its own draft for
        // SAMR's task, edits it and submits upward.
        let r = gd
            .post(&format!("/api/v1/tasks/{}/compile", c.task), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["compiled"], true);
        assert_eq!(r.body["status"], "draft");
        assert_eq!(
            (
                r.body["activities"].as_i64(),
                r.body["participants"].as_i64(),
                r.body["publicity_items"].as_i64()
            ),
            (Some(6), Some(240), Some(13)),
            "{l}: figures add up"
        );
        let body = r.body["body"].as_str().unwrap();
        for needle in [
            "一、各单位报送情况",
            "深圳市开展认可日宣传活动三场。",
            "广州市开展活动两场，宣传报道六篇。",
            "二、活动和数据汇总",
            "合计 | 6 | 240 | 13",
            "三、材料索引",
        ] {
            assert!(body.contains(needle), "{l}: {needle} not in {body}");
        }
        assert!(
            !body.contains("/tasks/submissions/"),
            "{l}: the text carries no addresses; the index is drawn from the sources: {body}"
        );
        let gd_sub = r.body["id"].as_i64().unwrap();
        let detail = gd.get(&format!("/api/v1/submissions/{gd_sub}")).await;
        let sources = detail.body["sources"].as_array().unwrap();
        assert_eq!(sources.len(), 3, "{l}");
        let index = detail.body["index"].as_array().unwrap();
        let fs_entry = index
            .iter()
            .find(|e| e["href"] == format!("/tasks/submissions/{fs_sub}"))
            .unwrap_or_else(|| panic!("{l}: 佛山 not in the index {index:?}"));
        assert_eq!(
            (&fs_entry["unit"], &fs_entry["kind"], &fs_entry["version"]),
            (
                &json!("佛山市市场监督管理局"),
                &json!("报送内容"),
                &json!(1)
            ),
            "{l}"
        );
        assert_eq!(detail.body["collectors_summary"], false, "{l}");
        assert_eq!(
            sources[1]["version"], 2,
            "{l}: the accepted version of 广州"
        );
        let mut edited = content(
            "广东省各地市共开展活动6场，参与240人次，宣传报道13篇。",
            6,
            240,
            13,
        );
        edited["body"] = json!(format!("{body}\n四、下一步工作"));
        let r = gd
            .put(&format!("/api/v1/tasks/{}/submission", c.task), edited)
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(
            r.body["compiled"], true,
            "{l}: editing keeps the roll-up mark"
        );
        let r = gd
            .post(&format!("/api/v1/submissions/{gd_sub}/submit"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(
            (r.body["version"].as_i64(), r.body["late"].as_bool()),
            (Some(1), Some(false))
        );

        // SAMR's dashboard, computed live: by default its own addressees, the provinces
        // (Guangdong's cities are one level down, one click away)…
        app.assert_tallies().await;
        let d = cn.get(&format!("/api/v1/tasks/{}/dashboard", c.task)).await;
        assert_eq!(d.status, 200, "{l}: {}", d.text);
        assert_eq!(d.body["counted"], "direct", "{l}");
        assert_eq!(
            counts(&d.body["total"]),
            [2, 1, 1, 1, 0, 1, 0, 0],
            "{l}: {}",
            d.text
        );
        let provinces: Vec<_> = d.body["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| counts(&c["counts"]))
            .collect();
        assert_eq!(
            provinces,
            [[1, 1, 1, 1, 0, 0, 0, 0], [1, 0, 0, 0, 0, 1, 0, 0]],
            "{l}: Guangdong's own report, Shanghai's missing"
        );
        assert_eq!(d.body["recipients_total"], 2, "{l}");
        assert_eq!(d.body["levels"].as_array().map(Vec::len), Some(2), "{l}");
        // … and every level on asking.
        let d = cn
            .get(&format!("/api/v1/tasks/{}/dashboard?levels=all", c.task))
            .await;
        assert_eq!(d.body["counted"], "all", "{l}");
        assert_eq!(
            counts(&d.body["total"]),
            [6, 4, 4, 3, 1, 2, 3, 0],
            "{l}: {}",
            d.text
        );
        assert_eq!(d.body["recipients_total"], 6, "{l}");
        let levels = d.body["levels"].as_array().unwrap();
        assert_eq!(levels.len(), 2);
        assert_eq!(
            counts(&levels[0]["counts"]),
            [2, 1, 1, 1, 0, 1, 0, 0],
            "{l}: provinces"
        );
        assert_eq!(
            counts(&levels[1]["counts"]),
            [4, 3, 3, 2, 1, 1, 3, 0],
            "{l}: cities"
        );
        let children = d.body["children"].as_array().unwrap();
        let names: Vec<_> = children
            .iter()
            .map(|c| c["org_name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["广东省市场监督管理局", "上海市市场监督管理局"],
            "{l}"
        );
        assert_eq!(
            counts(&children[0]["counts"]),
            [5, 4, 4, 3, 1, 1, 3, 0],
            "{l}"
        );
        assert_eq!(
            children[0]["counts"]["colour"], "red",
            "{l}: 珠海 is overdue"
        );
        assert_eq!(
            counts(&children[1]["counts"]),
            [1, 0, 0, 0, 0, 1, 0, 0],
            "{l}"
        );
        assert_eq!(
            children[1]["counts"]["colour"], "grey",
            "{l}: 上海 not started"
        );
        // Drill down into Guangdong: its own submission and each city.
        let gd_id = children[0]["org_id"].as_i64().unwrap();
        let d = cn
            .get(&format!(
                "/api/v1/tasks/{}/dashboard?org={gd_id}&levels=all",
                c.task
            ))
            .await;
        assert_eq!(
            counts(&d.body["own"]),
            [1, 1, 1, 1, 0, 0, 0, 0],
            "{l}: {}",
            d.text
        );
        let cities: Vec<_> = d.body["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["org_name"].as_str().unwrap().to_owned(),
                    c["counts"]["chip"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(cities.len(), 4, "{l}: {cities:?}");
        assert!(
            cities.contains(&("佛山市市场监督管理局".into(), "late".into())),
            "{cities:?}"
        );
        assert!(
            cities.contains(&("珠海市市场监督管理局".into(), "overdue".into())),
            "{cities:?}"
        );
        assert!(
            cities.contains(&("深圳市市场监督管理局".into(), "on_time".into())),
            "{cities:?}"
        );
        // The notice's dashboard counts the same tasks.
        let d = cn
            .get(&format!(
                "/api/v1/notices/{}/dashboard?levels=all",
                c.notice
            ))
            .await;
        assert_eq!(
            counts(&d.body["total"]),
            [6, 4, 4, 3, 1, 2, 3, 0],
            "{l}: {}",
            d.text
        );
        // SAMR's home lists what it collects.
        let mine = cn.get("/api/v1/me/tasks").await;
        assert_eq!(
            mine.body["collecting"][0]["task_id"], c.task,
            "{l}: {}",
            mine.text
        );
        assert_eq!(mine.body["collecting"][0]["submitted"], 1);
        let _ = c.relay;

        // The national summary: SAMR accepts Guangdong's report and compiles the provinces'
        // accepted reports into its own summary, which it edits but never sends.
        let r = cn
            .post(&format!("/api/v1/tasks/{}/compile", c.task), json!({}))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (409, "nothing_to_compile"),
            "{l}: nothing accepted yet"
        );
        let r = cn
            .post(
                &format!("/api/v1/submissions/{gd_sub}/review"),
                json!({"decision": "accept"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let r = cn
            .post(&format!("/api/v1/tasks/{}/compile", c.task), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(
            (r.body["compiled"].as_bool(), r.body["status"].as_str()),
            (Some(true), Some("draft")),
            "{l}"
        );
        assert_eq!(r.body["participants"], 240, "{l}: Guangdong's figures");
        let national = r.body["id"].as_i64().unwrap();
        let body = r.body["body"].as_str().unwrap();
        assert!(
            body.contains("（一）广东省市场监督管理局\n广东省各地市共开展活动6场"),
            "{l}: Guangdong's own report, not its cities': {body}"
        );
        assert!(!body.contains("佛山"), "{l}: {body}");
        let detail = cn.get(&format!("/api/v1/submissions/{national}")).await;
        assert_eq!(detail.status, 200, "{l}: {}", detail.text);
        assert_eq!(detail.body["collectors_summary"], true, "{l}");
        assert_eq!(detail.body["sources"][0]["submission_id"], gd_sub, "{l}");
        let r = cn
            .post(&format!("/api/v1/submissions/{national}/submit"), json!({}))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (409, "summary_not_sent"),
            "{l}: {}",
            r.text
        );
        let mut edited = content("全国汇总：各省共开展活动6场。", 6, 240, 13);
        edited["body"] = json!(format!("{body}\n四、下一步工作"));
        let r = cn
            .put(&format!("/api/v1/tasks/{}/submission", c.task), edited)
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(
            (r.body["id"].as_i64(), r.body["compiled"].as_bool()),
            (Some(national), Some(true)),
            "{l}"
        );
        // Nobody else reads it: Guangdong, whose report it sums up, gets 403.
        let r = gd.get(&format!("/api/v1/submissions/{national}")).await;
        assert_eq!(r.status, 403, "{l}");
        // The dashboards do not count it.
        let d = cn.get(&format!("/api/v1/tasks/{}/dashboard", c.task)).await;
        assert_eq!(counts(&d.body["total"])[0], 2, "{l}");

        // 6月24日: 珠海 has still not submitted: escalation to Guangdong's organisers.
        set_clock(&app, 6, 24, 9);
        crate::reminders::cascade_escalation(&app, t2).await;
        // Guangdong exports the status and the materials of its relay.
        crate::exports::cascade_exports(&app, c.task, t2).await;
        // SAMR downloads Guangdong's compiled report as PDF.
        crate::pdf::cascade_report(&app, gd_sub, fs_sub, national).await;
        app.assert_tallies().await;
        app.finish().await;
    }
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_changes() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let c = issue_and_relay(&app).await;
        let cn = app.login("cn.org", PASSWORD).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let sh = app.login("sh.staff", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;

        // A deadline in the past (the clock is at 2022-05-01 10:00 Shanghai).
        let r = cn
            .post(
                &format!("/api/v1/notices/{}/tasks", c.notice),
                json!({"kind": "summary", "deadline": "2022-04-30 18:00"}),
            )
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(r.field_code("deadline").as_deref(), Some("deadline_past"));
        let msg = r.body["fields"][0]["message_zh"].as_str().unwrap();
        assert!(
            msg.contains("2022-04-30 18:00") && msg.contains("2022-05-01 10:00"),
            "{msg}"
        );
        let tasks = cn.get(&format!("/api/v1/notices/{}/tasks", c.notice)).await;
        assert_eq!(
            tasks.body.as_array().map(Vec::len),
            Some(1),
            "{l}: nothing added"
        );

        // 500字左右 means 400–600 by the reader's count. Outside it, sending is a warning
        // the sender must confirm: the message gives the count and the range, and nothing
        // is saved until confirmed.
        let r = sz
            .post(
                &format!("/api/v1/tasks/{}/submission", c.relay_task),
                json!({"summary": "认".repeat(601)}),
            )
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("summary").as_deref(),
            Some("summary_length_off")
        );
        let f = &r.body["fields"][0];
        let param = |k: &str| f["params"][k].as_str().map(str::to_owned);
        assert_eq!(
            [param("actual"), param("min"), param("max"), param("target")],
            [Some("601"), Some("400"), Some("600"), Some("500")].map(|s| s.map(str::to_owned))
        );
        let msg = f["message_zh"].as_str().unwrap();
        assert!(msg.contains("601") && msg.contains("400–600"), "{msg}");
        assert!(f["message_en"].as_str().unwrap().contains("601"));
        // Under fifty characters for 500字左右: too short, the same warning.
        let short = "深圳市局组织开展世界认可日宣传活动，发放资料二百份，接待咨询三十人次，效果良好，群众满意度高。";
        let r = sz
            .post(
                &format!("/api/v1/tasks/{}/submission", c.relay_task),
                json!({"summary": short}),
            )
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("summary").as_deref(),
            Some("summary_length_off")
        );
        let t = sz.get(&format!("/api/v1/tasks/{}", c.relay_task)).await;
        assert!(
            t.body["my_submission"].is_null(),
            "{l}: nothing saved: {}",
            t.text
        );
        // Drafts are saved at any length; the count is the reader's.
        let r = sz
            .put(
                &format!("/api/v1/tasks/{}/submission", c.relay_task),
                json!({"summary": "可".repeat(700)}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["summary_chars"].as_i64()),
            (200, Some(700)),
            "{l}: {}",
            r.text
        );
        let r = sz
            .put(
                &format!("/api/v1/tasks/{}/submission", c.relay_task),
                json!({"summary": "认".repeat(600)}),
            )
            .await;
        assert_eq!(r.body["summary_chars"].as_i64(), Some(600), "{l}");
        let t = sz.get(&format!("/api/v1/tasks/{}", c.relay_task)).await;
        assert_eq!(t.body["my_submission"]["status"], "draft");
        assert!(
            t.body["my_submission"]["summary"]
                .as_str()
                .unwrap()
                .starts_with('认')
        );

        // A submission from an organisation that is not a recipient.
        let r = sh
            .post(
                &format!("/api/v1/tasks/{}/submission", c.relay_task),
                json!({"summary": "上海"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (409, "not_a_recipient"),
            "{l}: {}",
            r.text
        );
        let r = gd
            .post(
                &format!("/api/v1/tasks/{}/submission", c.relay_task),
                json!({"summary": "广东"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (409, "not_a_recipient"),
            "{l}: {}",
            r.text
        );
        let d = gd
            .get(&format!("/api/v1/tasks/{}/dashboard", c.relay_task))
            .await;
        assert_eq!(d.body["total"]["submitted"], 0, "{l}: nothing submitted");
        assert_eq!(d.body["total"]["expected"], 4);

        // A second acknowledgement.
        let r = sz
            .post(
                &format!("/api/v1/notices/{}/acknowledge", c.relay),
                json!({}),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "already_acknowledged"), "{l}");

        // A relayed task must name a task of the relayed notice; a notice's own task is
        // not one.
        let r = gd
            .post(
                &format!("/api/v1/notices/{}/tasks", c.relay),
                json!({"parent_task_id": c.relay_task, "deadline": "2022-06-10"}),
            )
            .await;
        assert_eq!(
            r.field_code("parent_task_id").as_deref(),
            Some("not_relayed_task"),
            "{l}"
        );
        // Staff may not add tasks; recipients outside the notice are refused.
        let gd_staff = app.login("gd.staff", PASSWORD).await;
        let r = gd_staff
            .post(
                &format!("/api/v1/notices/{}/tasks", c.relay),
                json!({"deadline": "2022-06-10"}),
            )
            .await;
        assert_eq!(r.status, 403, "{l}");
        let r = gd
            .post(
                &format!("/api/v1/notices/{}/tasks", c.relay),
                json!({"deadline": "2022-06-10", "recipient_codes": ["SH"]}),
            )
            .await;
        assert_eq!(
            r.field_code("recipients[0]").as_deref(),
            Some("not_a_notice_recipient"),
            "{l}"
        );
        // Returning needs a submitted version; compiling needs accepted ones.
        let r = gd
            .post(&format!("/api/v1/tasks/{}/compile", c.task), json!({}))
            .await;
        assert_eq!((r.status, r.code()), (409, "nothing_to_compile"), "{l}");
        app.finish().await;
    }
}

/// The dashboards read tallies kept on every write (see `renke_store::tallies`): after each
/// kind of write they agree with a recount; every filter's list holds as many rows as the
/// counts say; moving an organisation moves its counts.
#[tokio::test]
async fn tallies_follow_every_write() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let c = issue_and_relay(&app).await;
        app.assert_tallies().await;
        let t2 = c.relay_task;
        let gd = app.login("gd.org", PASSWORD).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let at_gd = |filter: &str| format!("/api/v1/tasks/{t2}/dashboard?filter={filter}&limit=2");

        // A draft counts nothing; sending does.
        let r = sz
            .put(
                &format!("/api/v1/tasks/{t2}/submission"),
                content("深圳草稿", 1, 1, 1),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        app.assert_tallies().await;
        let r = sz
            .post(
                &format!("/api/v1/tasks/{t2}/submission"),
                content("深圳", 1, 1, 1),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let sz_sub = r.body["id"].as_i64().unwrap();
        app.assert_tallies().await;
        // Returned, then sent again: still on time (late is fixed at the first sending).
        let r = gd
            .post(
                &format!("/api/v1/submissions/{sz_sub}/review"),
                json!({"decision": "return", "reason": "请补充。"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        app.assert_tallies().await;
        set_clock(&app, 6, 21, 9);
        // Sessions lapse over seven weeks: log in again.
        let gd = app.login("gd.org", PASSWORD).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let zh = app.login("zh.staff", PASSWORD).await;
        let r = sz
            .post(
                &format!("/api/v1/tasks/{t2}/submission"),
                content("深圳补充", 2, 2, 2),
            )
            .await;
        assert_eq!(
            (r.status, r.body["late"].as_bool()),
            (200, Some(false)),
            "{l}: {}",
            r.text
        );
        // 珠海 acknowledges and sends after the deadline, and is returned: late and returned.
        let r = zh
            .post(
                &format!("/api/v1/notices/{}/acknowledge", c.relay),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        app.assert_tallies().await;
        let r = zh
            .post(
                &format!("/api/v1/tasks/{t2}/submission"),
                content("珠海", 1, 1, 1),
            )
            .await;
        assert_eq!(
            (r.status, r.body["late"].as_bool()),
            (200, Some(true)),
            "{l}: {}",
            r.text
        );
        let zh_sub = r.body["id"].as_i64().unwrap();
        let r = gd
            .post(
                &format!("/api/v1/submissions/{zh_sub}/review"),
                json!({"decision": "return", "reason": "请重写。"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let r = gd
            .post(
                &format!("/api/v1/submissions/{sz_sub}/review"),
                json!({"decision": "accept"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        app.assert_tallies().await;

        // expected, acknowledged, submitted, on_time, late, missing, accepted, returned
        let d = gd.get(&at_gd("all")).await;
        assert_eq!(
            counts(&d.body["total"]),
            [4, 4, 2, 1, 1, 2, 1, 1],
            "{l}: {}",
            d.text
        );
        // Each filter lists as many as its count, in pages of two: missing, then returned,
        // then the rest.
        for (filter, key, want) in [
            (
                "all",
                "expected",
                vec![
                    "广州市市场监督管理局",
                    "佛山市市场监督管理局",
                    "珠海市市场监督管理局",
                    "深圳市市场监督管理局",
                ],
            ),
            (
                "missing",
                "missing",
                vec!["广州市市场监督管理局", "佛山市市场监督管理局"],
            ),
            ("late", "late", vec!["珠海市市场监督管理局"]),
            ("returned", "returned", vec!["珠海市市场监督管理局"]),
            (
                "submitted",
                "submitted",
                vec!["珠海市市场监督管理局", "深圳市市场监督管理局"],
            ),
        ] {
            let mut names = Vec::new();
            let mut offset = 0;
            loop {
                let r = gd.get(&format!("{}&offset={offset}", at_gd(filter))).await;
                assert_eq!(r.status, 200, "{l}: {}", r.text);
                assert_eq!(
                    r.body["recipients_total"], d.body["total"][key],
                    "{l}: {filter}"
                );
                let page = r.body["recipients"].as_array().unwrap();
                names.extend(
                    page.iter()
                        .map(|x| x["org_name"].as_str().unwrap().to_owned()),
                );
                offset += 2;
                if page.is_empty() || offset >= r.body["recipients_total"].as_i64().unwrap() {
                    break;
                }
            }
            assert_eq!(names, want, "{l}: {filter}");
        }

        // 珠海 moves under Shanghai: SAMR's dashboard counts it there.
        let zh_org = renke_store::orgs::get_by_code(app.db(), "GD-ZH")
            .await
            .unwrap();
        let sh_org = renke_store::orgs::get_by_code(app.db(), "SH")
            .await
            .unwrap();
        renke_store::orgs::move_subtree(app.db(), zh_org.id, sh_org.id, app.clock.now())
            .await
            .unwrap();
        app.assert_tallies().await;
        let cn = app.login("cn.org", PASSWORD).await;
        let d = cn
            .get(&format!("/api/v1/tasks/{}/dashboard?levels=all", c.task))
            .await;
        let sh = d.body["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["org_id"] == sh_org.id)
            .unwrap();
        assert_eq!(
            counts(&sh["counts"]),
            [2, 1, 1, 0, 1, 1, 0, 1],
            "{l}: {}",
            d.text
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn task_for_some_recipients_only() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let c = issue_and_relay(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gd
            .post(
                &format!("/api/v1/notices/{}/tasks", c.relay),
                json!({"kind": "典型事例", "deadline": "2022-06-15 17:00", "recipient_codes": ["GD-SZ", "GD-GZ"], "paper_required": true}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert_eq!(
            (r.body["kind"].as_str(), r.body["all_recipients"].as_bool()),
            (Some("case"), Some(false))
        );
        assert_eq!(r.body["paper_required"], true);
        let id = r.body["id"].as_i64().unwrap();
        let d = gd.get(&format!("/api/v1/tasks/{id}/dashboard")).await;
        assert_eq!(d.body["total"]["expected"], 2, "{l}: {}", d.text);
        app.assert_tallies().await;
        let fs = app.login("fs.staff", PASSWORD).await;
        let r = fs
            .post(
                &format!("/api/v1/tasks/{id}/submission"),
                json!({"summary": "佛山"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "not_a_recipient"), "{l}");

        // 纸质版: 深圳 sends and its paper copy arrives; 广州's has not. The dashboard shows
        // a column and a filter for it, and so does the workbook.
        let sz = app.login("sz.staff", PASSWORD).await;
        let r = sz
            .post(
                &format!("/api/v1/tasks/{id}/submission"),
                json!({"summary": "深圳典型事例"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let sub = r.body["id"].as_i64().unwrap();
        let r = gd
            .post(
                &format!("/api/v1/submissions/{sub}/paper"),
                json!({"received_on": "2022-06-14"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let page = gd.get(&format!("/tasks/{id}/dashboard")).await.text;
        assert!(page.contains("<th>纸质版</th>"), "{l}: the column");
        assert!(
            page.contains("已收到 2022-06-14") && page.contains("未收到"),
            "{l}"
        );
        assert!(page.contains("filter=paper_missing"), "{l}: the filter");
        let missing = gd
            .get(&format!("/tasks/{id}/dashboard?filter=paper_missing"))
            .await
            .text;
        assert!(missing.contains("广州市市场监督管理局"), "{l}");
        assert!(
            !missing.contains("深圳市市场监督管理局</td>"),
            "{l}: 深圳's paper copy has arrived"
        );
        let xlsx = gd
            .request(reqwest::Method::GET, &format!("/tasks/{id}/export.xlsx"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows[0].last().unwrap(), "纸质版 Paper copy", "{l}");
        let paper_of = |unit: &str| rows.iter().find(|r| r[0] == unit).unwrap().last().cloned();
        assert_eq!(
            paper_of("深圳市市场监督管理局").as_deref(),
            Some("已收到 2022-06-14")
        );
        assert_eq!(paper_of("广州市市场监督管理局").as_deref(), Some("未收到"));

        // On the page the issuer ticks the addressees instead of typing codes.
        let (page_gd, csrf) = crate::pages::form_login(&app, "gd.org").await;
        let tasks_path = format!("/notices/{}/tasks", c.relay);
        let (_, _, form) = crate::pages::get(&page_gd, &app, &tasks_path).await;
        assert!(
            form.contains("name=\"recipient\" value=\"深圳市市场监督管理局\"")
                && form.contains("name=\"recipient\" value=\"佛山市市场监督管理局\"")
                && !form.contains("<textarea id=\"recipients\""),
            "{l}: {form}"
        );
        let (st, to, html) = crate::pages::post(
            &page_gd,
            &app,
            &tasks_path,
            &[
                ("_csrf", csrf.as_str()),
                ("kind", "news"),
                ("deadline", "2022-06-16T17:00"),
                ("recipient", "深圳市市场监督管理局"),
                ("recipient", "佛山市市场监督管理局"),
            ],
        )
        .await;
        assert_eq!(st, 303, "{l}: {html}");
        let picked = to.trim_start_matches("/tasks/").to_owned();
        let d = gd.get(&format!("/api/v1/tasks/{picked}/dashboard")).await;
        let mut names: Vec<_> = d.body["recipients"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["org_name"].as_str().unwrap().to_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["佛山市市场监督管理局", "深圳市市场监督管理局"],
            "{l}: {}",
            d.text
        );
        app.assert_tallies().await;
        app.finish().await;
    }
}

/// No account reads another organisation's drafts or submissions unless it acts for the
/// task's submit-to organisation or an ancestor of it.
#[tokio::test]
async fn who_reads_which_submission() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let c = issue_and_relay(&app).await;
        set_clock(&app, 6, 10, 9);
        let sz = app.login("sz.staff", PASSWORD).await;
        let gz = app.login("gz.staff", PASSWORD).await;
        let zh = app.login("zh.staff", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let t2 = c.relay_task;
        let sz_sub = sz
            .post(
                &format!("/api/v1/tasks/{t2}/submission"),
                content("深圳", 1, 1, 1),
            )
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let gz_sub = gz
            .post(
                &format!("/api/v1/tasks/{t2}/submission"),
                content("广州", 1, 1, 1),
            )
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let zh_draft = zh
            .put(
                &format!("/api/v1/tasks/{t2}/submission"),
                content("珠海草稿", 1, 1, 1),
            )
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        let gd_draft = gd
            .put(
                &format!("/api/v1/tasks/{}/submission", c.task),
                content("广东草稿", 1, 1, 1),
            )
            .await
            .body["id"]
            .as_i64()
            .unwrap();
        // (login, submission, expected status)
        let table: &[(&str, i64, u16)] = &[
            // The submitting organisation reads its own, drafts included.
            ("sz.staff", sz_sub, 200),
            ("zh.staff", zh_draft, 200),
            ("gd.org", gd_draft, 200),
            ("gd.staff", gd_draft, 200),
            // The submit-to organisation (广东) reads what was sent to it…
            ("gd.org", sz_sub, 200),
            ("gd.staff", gz_sub, 200),
            // …and so does its ancestor (总局).
            ("cn.org", sz_sub, 200),
            // Nobody else's drafts.
            ("gd.org", zh_draft, 403),
            ("cn.org", zh_draft, 403),
            ("cn.org", gd_draft, 403),
            // Siblings, their organisers and unrelated organisations read nothing.
            ("sz.staff", gz_sub, 403),
            ("sz.org", gz_sub, 403),
            ("gz.staff", zh_draft, 403),
            ("sh.staff", sz_sub, 403),
            ("sh.staff", gd_draft, 403),
            ("fs.staff", sz_sub, 403),
        ];
        let mut clients = std::collections::HashMap::new();
        for (login, sub, want) in table {
            if !clients.contains_key(login) {
                clients.insert(*login, app.login(login, PASSWORD).await);
            }
            let r = clients[login]
                .get(&format!("/api/v1/submissions/{sub}"))
                .await;
            assert_eq!(
                r.status, *want,
                "{l}: {login} reads submission {sub}: {}",
                r.text
            );
        }
        // Dashboards: the same reach.
        let dash: &[(&str, i64, u16)] = &[
            ("cn.org", c.task, 200),
            ("cn.org", t2, 200),
            ("gd.org", t2, 200),
            ("gd.staff", t2, 200),
            ("gd.org", c.task, 403),
            ("sz.org", t2, 403),
            ("sh.staff", c.task, 403),
        ];
        for (login, task, want) in dash {
            if !clients.contains_key(login) {
                clients.insert(*login, app.login(login, PASSWORD).await);
            }
            let r = clients[login]
                .get(&format!("/api/v1/tasks/{task}/dashboard"))
                .await;
            assert_eq!(r.status, *want, "{l}: {login} dashboard of {task}");
        }
        // Reviewing: only for the submit-to organisation (and organisers above it).
        let r = clients["sz.org"]
            .post(
                &format!("/api/v1/submissions/{gz_sub}/review"),
                json!({"decision": "accept"}),
            )
            .await;
        assert_eq!(r.status, 403, "{l}");
        let r = clients["cn.org"]
            .post(
                &format!("/api/v1/submissions/{gz_sub}/review"),
                json!({"decision": "accept"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        // Writing for another organisation needs Act on it.
        let r = clients["sh.staff"]
            .put(
                &format!("/api/v1/tasks/{t2}/submission"),
                json!({"org_id": gz.me["account"]["org_id"], "summary": "x"}),
            )
            .await;
        assert_eq!(r.status, 403, "{l}: {}", r.text);
        app.finish().await;
    }
}

/// The pages a browser meets: the relay form with a refused deadline, the submission form
/// with the character counter and an over-long summary, the dashboard with chips and
/// drill-down, the home page's due list, the review form.
#[tokio::test]
async fn pages_relay_submit_review_and_dashboard() {
    use crate::pages::{form_login, get, post};
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let c = issue_and_relay(&app).await;
        let t2 = c.relay_task;

        // The relay form of SAMR's task on a second relay draft refuses a late deadline.
        let gd_api = app.login("gd.org", PASSWORD).await;
        let r = gd_api
            .post(&format!("/api/v1/notices/{}/relay", c.notice), {
                let mut n = gd_relay();
                n["doc_number"] = json!("粤市监认监〔2022〕254号");
                n
            })
            .await;
        let relay2 = r.body["id"].as_i64().unwrap();
        let (gd, gd_csrf) = form_login(&app, "gd.org").await;
        let (s, _, html) = get(&gd, &app, &format!("/notices/{relay2}/tasks")).await;
        assert_eq!(s, 200, "{l}");
        assert!(html.contains("转发上级任务"), "{l}: relay form shown");
        let tid = c.task.to_string();
        let (s, _, html) = post(
            &gd,
            &app,
            &format!("/notices/{relay2}/tasks"),
            &[
                ("_csrf", &gd_csrf),
                ("parent_task_id", &tid),
                ("deadline", "2022-07-05"),
            ],
        )
        .await;
        assert_eq!(s, 422, "{l}");
        assert!(
            html.contains("必须早于上级截止时间 2022-06-30 23:59"),
            "{l}: {html}"
        );
        assert!(
            html.contains("value=\"2022-07-05\""),
            "{l}: the entered value is kept"
        );

        // 深圳 sees its task on the home page and in 报送, grey.
        let (sz, sz_csrf) = form_login(&app, "sz.staff").await;
        let (_, _, home) = get(&sz, &app, "/home").await;
        assert!(
            home.contains("活动开展情况和宣传报道素材") && home.contains("chip grey"),
            "{l}"
        );
        let (_, _, page) = get(&sz, &app, &format!("/tasks/{t2}")).await;
        assert!(page.contains("字数 0 / 500"), "{l}: counter");
        // Over the range: 422, the message gives count and range, the text is kept, and a
        // box to send it anyway appears; ticked, it goes.
        let long = "认".repeat(601);
        let (s, _, page) = post(
            &sz,
            &app,
            &format!("/tasks/{t2}/submission"),
            &[
                ("_csrf", &sz_csrf),
                ("summary", &long),
                ("action", "submit"),
            ],
        )
        .await;
        assert_eq!(s, 422, "{l}");
        assert!(page.contains("字数 601，不在要求的 400–600 字"), "{l}");
        assert!(page.contains("字数 601 / 500"), "{l}");
        assert!(
            page.contains("name=\"length_confirmed\""),
            "{l}: the box to confirm"
        );
        assert!(page.contains("计数规则"), "{l}: the counting rule is shown");
        let (s, location, _) = post(
            &sz,
            &app,
            &format!("/tasks/{t2}/submission"),
            &[
                ("_csrf", &sz_csrf),
                ("summary", "深圳市开展活动三场。"),
                ("activities", "3"),
                ("length_confirmed", "on"),
                ("action", "submit"),
            ],
        )
        .await;
        assert_eq!(s, 303, "{l}");
        assert!(location.starts_with("/tasks/submissions/"), "{location}");
        let sub = location
            .trim_start_matches("/tasks/submissions/")
            .to_owned();

        // Guangdong's dashboard: counts, chips with text, drill-down links, the list.
        let (s, _, dash) = get(&gd, &app, &format!("/tasks/{t2}/dashboard")).await;
        assert_eq!(s, 200, "{l}");
        assert!(dash.contains("应报 <strong>4</strong>"), "{l}: {dash}");
        assert!(dash.contains("已报送 <strong>1</strong>"), "{l}");
        assert!(dash.contains("chip grey\">未开始"), "{l}");
        assert!(dash.contains("深圳市市场监督管理局"));
        let (_, _, missing) =
            get(&gd, &app, &format!("/tasks/{t2}/dashboard?filter=missing")).await;
        assert!(
            !missing.contains("indent-1\">深圳市市场监督管理局</td>"),
            "{l}: 深圳 submitted"
        );
        assert!(
            missing.contains("indent-1\">广州市市场监督管理局</td>"),
            "{l}: 广州 has not"
        );
        // 总局's view of its own task drills down into Guangdong.
        let (cn, _) = form_login(&app, "cn.org").await;
        let (_, _, top) = get(&cn, &app, &format!("/tasks/{}/dashboard", c.task)).await;
        assert!(top.contains("?org="), "{l}: drill-down links");
        assert!(top.contains("第1级转发"), "{l}: per level");

        // Guangdong returns it with a reason through the review form.
        let (_, _, page) = get(&gd, &app, &format!("/tasks/submissions/{sub}")).await;
        assert!(page.contains("退回原因"), "{l}");
        let (s, _, page) = post(
            &gd,
            &app,
            &format!("/tasks/submissions/{sub}/review"),
            &[("_csrf", &gd_csrf), ("decision", "return"), ("reason", "")],
        )
        .await;
        assert_eq!(s, 422, "{l}: a reason is required");
        assert!(page.contains("退回原因"));
        let (s, _, _) = post(
            &gd,
            &app,
            &format!("/tasks/submissions/{sub}/review"),
            &[
                ("_csrf", &gd_csrf),
                ("decision", "return"),
                ("reason", "请补充材料。"),
            ],
        )
        .await;
        assert_eq!(s, 303, "{l}");
        let (_, _, page) = get(&sz, &app, &format!("/tasks/submissions/{sub}")).await;
        assert!(
            page.contains("请补充材料。") && page.contains("chip yellow"),
            "{l}"
        );
        // Another city's staff cannot open it.
        let (gz, _) = form_login(&app, "gz.staff").await;
        let (s, _, _) = get(&gz, &app, &format!("/tasks/submissions/{sub}")).await;
        assert_eq!(s, 403, "{l}");
        app.finish().await;
    }
}

/// The unit whose submission was returned sees why — the reason, who returned it and when —
/// at the top of its task page and its submission page, in the API's task and submission
/// details too; it stays while the unit revises (a saved draft) and disappears once the
/// unit sends again; a second return shows the second reason, not the first.
#[tokio::test]
async fn a_returned_submission_shows_why_until_it_is_sent_again() {
    use crate::pages::{form_login, get, post};
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let c = issue_and_relay(&app).await;
        let t2 = c.relay_task;
        set_clock(&app, 6, 13, 15);
        let (sz, sz_csrf) = form_login(&app, "sz.staff").await;
        let (gd, gd_csrf) = form_login(&app, "gd.org").await;
        let sz_api = app.login("sz.staff", PASSWORD).await;
        let task_page = format!("/tasks/{t2}");

        // Sent and under review: no return note anywhere.
        let (s, location, _) = post(
            &sz,
            &app,
            &format!("/tasks/{t2}/submission"),
            &[
                ("_csrf", &sz_csrf),
                ("summary", "深圳市开展活动三场。"),
                ("activities", "3"),
                ("length_confirmed", "on"),
                ("action", "submit"),
            ],
        )
        .await;
        assert_eq!(s, 303, "{l}");
        let sub_page = location;
        let sub = sub_page
            .trim_start_matches("/tasks/submissions/")
            .to_owned();
        for path in [&task_page, &sub_page] {
            let (_, _, html) = get(&sz, &app, path).await;
            assert!(!html.contains("id=\"returned\""), "{l}: {path}");
        }

        // 6月13日 15:30 Guangdong returns it.
        app.clock.advance(Duration::minutes(30));
        let (s, _, _) = post(
            &gd,
            &app,
            &format!("/tasks/submissions/{sub}/review"),
            &[
                ("_csrf", &gd_csrf),
                ("decision", "return"),
                ("reason", "请补充宣传报道的链接和图片。"),
            ],
        )
        .await;
        assert_eq!(s, 303, "{l}");
        let note = |html: &str| -> String {
            let start = html
                .find("<section class=\"returned\"")
                .unwrap_or_else(|| panic!("{l}: no return note in {html}"));
            let end = start + html[start..].find("</section>").unwrap();
            html[start..end].to_owned()
        };
        for path in [&task_page, &sub_page] {
            let (s, _, html) = get(&sz, &app, path).await;
            assert_eq!(s, 200, "{l}: {path}");
            let n = note(&html);
            for needle in [
                "退回修改",
                "退回原因：</strong>请补充宣传报道的链接和图片。",
                "退回人 测试gd.org",
                "2022-06-13 15:30",
                "退回版本 1",
            ] {
                assert!(n.contains(needle), "{l} {path}: {needle} not in {n}");
            }
            // Prominent: before the task's facts or the submission's content.
            let at = html.find("id=\"returned\"").unwrap();
            let content = html
                .find("<dl class=\"facts\">")
                .or_else(|| html.find("<section class=\"card\">"))
                .unwrap();
            assert!(at < content, "{l} {path}: the note comes first");
        }
        // The API's task and submission details carry the same.
        let d = sz_api.get(&format!("/api/v1/tasks/{t2}")).await;
        assert_eq!(d.body["returned"]["reason"], "请补充宣传报道的链接和图片。");
        assert_eq!(d.body["returned"]["returned_by"], "测试gd.org");
        assert_eq!(d.body["returned"]["returned_at"], "2022-06-13T07:30:00Z");
        assert_eq!(d.body["returned"]["version"], 1);
        let d = sz_api.get(&format!("/api/v1/submissions/{sub}")).await;
        assert_eq!(
            d.body["returned"]["reason"], "请补充宣传报道的链接和图片。",
            "{l}"
        );

        // Saving a draft while revising keeps it shown.
        let (s, _, _) = post(
            &sz,
            &app,
            &format!("/tasks/{t2}/submission"),
            &[
                ("_csrf", &sz_csrf),
                ("summary", "深圳市开展活动三场，宣传报道五篇。"),
                ("action", "draft"),
            ],
        )
        .await;
        assert_eq!(s, 303, "{l}");
        let (_, _, html) = get(&sz, &app, &task_page).await;
        assert!(note(&html).contains("请补充宣传报道的链接和图片。"), "{l}");

        // Sent again: the note is gone from both pages and the API.
        let (s, _, _) = post(
            &sz,
            &app,
            &format!("/tasks/{t2}/submission"),
            &[
                ("_csrf", &sz_csrf),
                ("summary", "深圳市开展活动三场，宣传报道五篇。"),
                ("publicity_items", "5"),
                ("length_confirmed", "on"),
                ("action", "submit"),
            ],
        )
        .await;
        assert_eq!(s, 303, "{l}");
        for path in [&task_page, &sub_page] {
            let (_, _, html) = get(&sz, &app, path).await;
            assert!(
                !html.contains("id=\"returned\""),
                "{l}: {path} after resubmission"
            );
        }
        let d = sz_api.get(&format!("/api/v1/tasks/{t2}")).await;
        assert!(d.body["returned"].is_null(), "{l}: {}", d.text);
        // The versions table still records the first return.
        let (_, _, html) = get(&sz, &app, &sub_page).await;
        assert!(html.contains("请补充宣传报道的链接和图片。"), "{l}");

        // Returned a second time: the latest reason, not the first.
        let (s, _, _) = post(
            &gd,
            &app,
            &format!("/tasks/submissions/{sub}/review"),
            &[
                ("_csrf", &gd_csrf),
                ("decision", "return"),
                ("reason", "图片请注明拍摄时间。"),
            ],
        )
        .await;
        assert_eq!(s, 303, "{l}");
        let (_, _, html) = get(&sz, &app, &task_page).await;
        let n = note(&html);
        assert!(n.contains("图片请注明拍摄时间。"), "{l}: {n}");
        assert!(!n.contains("请补充宣传报道的链接和图片。"), "{l}: {n}");
        assert!(n.contains("退回版本 2"), "{l}: {n}");
        // The reviewer sees it on the submission page as well.
        let (_, _, html) = get(&gd, &app, &sub_page).await;
        assert!(note(&html).contains("图片请注明拍摄时间。"), "{l}");
        // In English on request.
        get(&sz, &app, "/lang/en?back=/home").await;
        let (_, _, html) = get(&sz, &app, &task_page).await;
        let n = note(&html);
        assert!(
            n.contains("Reason: </strong>图片请注明拍摄时间。")
                && n.contains("Returned by 测试gd.org"),
            "{l}: {n}"
        );
        app.finish().await;
    }
}

/// The compiled report PDF is the compiled submission's own text as the bureau edited it —
/// its summary, its changed and added lines, its tables — with the index of materials,
/// not sections rebuilt from the source submissions; the draft's PDF shows the working
/// copy to the bureau, and after sending, SAMR reads the version sent.
#[tokio::test]
async fn the_report_pdf_shows_the_compiled_drafts_edited_text() {
    use crate::pdf::pdf_text;
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let c = issue_and_relay(&app).await;
        let t2 = c.relay_task;
        set_clock(&app, 6, 15, 9);
        let gd = app.login("gd.org", PASSWORD).await;
        let mut subs = Vec::new();
        for (login, summary) in [
            ("sz.staff", "深圳市开展认可日宣传活动三场。"),
            ("gz.staff", "广州市开展活动两场。"),
        ] {
            let city = app.login(login, PASSWORD).await;
            let r = city
                .post(
                    &format!("/api/v1/tasks/{t2}/submission"),
                    content(summary, 2, 50, 4),
                )
                .await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
            let id = r.body["id"].as_i64().unwrap();
            let r = gd
                .post(
                    &format!("/api/v1/submissions/{id}/review"),
                    json!({"decision": "accept"}),
                )
                .await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
            subs.push(id);
        }
        let r = gd
            .post(&format!("/api/v1/tasks/{}/compile", c.task), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let gd_sub = r.body["id"].as_i64().unwrap();
        let compiled = r.body["body"].as_str().unwrap().to_owned();
        assert!(compiled.contains("深圳市开展认可日宣传活动三场。"), "{l}");
        let detail = gd.get(&format!("/api/v1/submissions/{gd_sub}")).await;
        let hrefs: Vec<&str> = detail.body["index"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["href"].as_str())
            .collect();
        for id in &subs {
            assert!(
                hrefs.contains(&format!("/tasks/submissions/{id}").as_str()),
                "{l}: {hrefs:?}"
            );
        }

        // The bureau rewrites 深圳's paragraph, corrects a figure in the table, adds a note
        // under the index and a section of its own, and writes its own summary.
        let edited_body = compiled
            .replace(
                "深圳市开展认可日宣传活动三场。",
                "深圳市举办实验室开放日和主题宣讲共三场，覆盖机构八十余家。",
            )
            .replace(
                "合计 | 4 | 100 | 8",
                "合计 | 4 | 100 | 8\n其中线上直播 | 1 | 3650 | 2",
            )
            .replace("三、材料索引", "三、材料索引\n纸质材料另行寄送认监处。")
            + "\n四、下一步工作\n（一）常态化开展开放日\n将实验室开放日纳入年度计划。";
        assert_ne!(edited_body, compiled);
        let mut edited = content(
            "广东省汇总：全省开展活动四场，直播观看三千余人次。",
            4,
            100,
            8,
        );
        edited["body"] = json!(edited_body);
        let r = gd
            .put(&format!("/api/v1/tasks/{}/submission", c.task), edited)
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["compiled"], true, "{l}");

        let read = |who: &'static str| {
            let app = &app;
            async move {
                let client = app.login(who, PASSWORD).await;
                let res = client
                    .request(
                        reqwest::Method::GET,
                        &format!("/api/v1/submissions/{gd_sub}/report.pdf"),
                    )
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status().as_u16(), 200, "{who}");
                let bytes = res.bytes().await.unwrap().to_vec();
                (pdf_text(&bytes), bytes)
            }
        };
        let check = |text: &str, who: &str| {
            for needle in [
                "广东省汇总：全省开展活动四场，直播观看三千余人次。",
                "深圳市举办实验室开放日和主题宣讲共三场，覆盖机构八十余家。",
                "广州市开展活动两场。",
                "一、各单位报送情况",
                "二、活动和数据汇总",
                "三、材料索引",
                "纸质材料另行寄送认监处。",
                // The index, drawn from the sources: each unit's version sent.
                "报送内容",
                "第1版",
                "四、下一步工作",
                "（一）常态化开展开放日",
                "将实验室开放日纳入年度计划。",
            ] {
                assert!(text.contains(needle), "{l} {who}: {needle} not in {text}");
            }
            // The replaced sentence, sections rebuilt from the sources, and this server's
            // addresses are not there.
            for gone in [
                "深圳市开展认可日宣传活动三场。",
                "二、活动及数据",
                "/tasks/submissions/",
            ] {
                assert!(!text.contains(gone), "{l} {who}: {gone} in {text}");
            }
        };
        let rows = |bytes: &[u8]| {
            (
                crate::pdf::pdf_row(bytes, "合计"),
                crate::pdf::pdf_row(bytes, "其中线上直播"),
            )
        };
        let want = (
            ["合计", "4", "100", "8"].map(String::from).to_vec(),
            ["其中线上直播", "1", "3650", "2"]
                .map(String::from)
                .to_vec(),
        );
        // The draft, to the bureau.
        let (text, bytes) = read("gd.org").await;
        check(&text, "gd.org, draft");
        assert_eq!(rows(&bytes), want, "{l}: the edited table");
        let r = gd
            .post(&format!("/api/v1/submissions/{gd_sub}/submit"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        // Sent: SAMR reads the same.
        let (text, bytes) = read("cn.org").await;
        check(&text, "cn.org, sent");
        assert_eq!(rows(&bytes), want, "{l}: the edited table");
        app.finish().await;
    }
}

/// Whoever waits is told in-app: Guangdong sees each city's 签收 of its relay (one message
/// gaining a line per city while unread), and a city sees its submission returned, with
/// the reason, and then accepted.
#[tokio::test]
async fn acknowledgements_returns_and_acceptances_are_notified() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let c = issue_and_relay(&app).await;
        set_clock(&app, 6, 10, 9);
        let gd = app.login("gd.org", PASSWORD).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let gz = app.login("gz.staff", PASSWORD).await;
        // 深圳, 广州 and 佛山 acknowledged in the cascade; now 珠海.
        let zh = app.login("zh.staff", PASSWORD).await;
        let r = zh
            .post(
                &format!("/api/v1/notices/{}/acknowledge", c.relay),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let acks = messages_of(&gd, "notice_acknowledged").await;
        assert_eq!(acks.len(), 1, "{l}: one message for the notice: {acks:?}");
        let body = acks[0]["body"].as_str().unwrap();
        assert!(
            body.contains("深圳市市场监督管理局 已签收")
                && body.contains("广州市市场监督管理局 已签收"),
            "{l}: {body}"
        );
        assert_eq!(acks[0]["link"], format!("/notices/{}/status", c.relay));

        let r = sz
            .post(
                &format!("/api/v1/tasks/{}/submission", c.relay_task),
                content("深圳市开展活动三场。", 3, 100, 2),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let sub = r.body["id"].as_i64().unwrap();
        let r = gd
            .post(
                &format!("/api/v1/submissions/{sub}/review"),
                json!({"decision": "return", "reason": "请补充宣传报道的链接。"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let returned = messages_of(&sz, "submission_returned").await;
        let returned = returned
            .first()
            .unwrap_or_else(|| panic!("{l}: no return message"));
        assert!(returned["title"].as_str().unwrap().contains("被退回"));
        assert!(
            returned["body"]
                .as_str()
                .unwrap()
                .contains("退回原因：请补充宣传报道的链接。"),
            "{l}: {returned}"
        );
        assert_eq!(returned["link"], format!("/tasks/{}", c.relay_task));
        // 广州, which did nothing, is told nothing about it.
        let m = gz.get("/api/v1/me/messages").await;
        assert_eq!(m.body["total"], 0, "{l}: {}", m.text);

        let r = sz
            .post(
                &format!("/api/v1/tasks/{}/submission", c.relay_task),
                content("深圳市开展活动三场，附报道链接。", 3, 100, 2),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let r = gd
            .post(
                &format!("/api/v1/submissions/{sub}/review"),
                json!({"decision": "accept"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let accepted = messages_of(&sz, "submission_accepted").await;
        assert!(
            accepted
                .iter()
                .any(|x| x["body"].as_str().unwrap().contains("第 2 版")),
            "{l}: {accepted:?}"
        );

        // Submissions received are told to Guangdong by the worker's digest, not by the
        // submit: nothing until a pass; then one message for the task, a line per version
        // sent, and each version told once.
        assert!(
            messages_of(&gd, "submission_received").await.is_empty(),
            "{l}"
        );
        let r = gz
            .post(
                &format!("/api/v1/tasks/{}/submission", c.relay_task),
                content("广州市开展活动两场。", 2, 60, 1),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert!(app.run_jobs().await.told >= 3, "{l}");
        let received = messages_of(&gd, "submission_received").await;
        assert_eq!(received.len(), 1, "{l}: one digest: {received:?}");
        let body = received[0]["body"].as_str().unwrap();
        assert!(
            body.contains("深圳市市场监督管理局 报送了第1版")
                && body.contains("深圳市市场监督管理局 报送了第2版")
                && body.contains("广州市市场监督管理局 报送了第1版"),
            "{l}: {body}"
        );
        assert_eq!(
            received[0]["link"],
            format!("/tasks/{}/dashboard?filter=submitted", c.relay_task)
        );
        assert_eq!(app.run_jobs().await.told, 0, "{l}: told once");
        assert_eq!(
            messages_of(&gd, "submission_received").await[0]["body"],
            body,
            "{l}"
        );
        // A city is not told of its neighbours' submissions.
        assert!(
            messages_of(&gz, "submission_received").await.is_empty(),
            "{l}"
        );
        app.finish().await;
    }
}

/// 立即催办: Guangdong sees who owes its relay a submission and the text they will get,
/// reminds them at once, and a second press within the minute sends nothing twice. A city
/// has no such button.
#[tokio::test]
async fn remind_now_previews_and_reminds_who_owes_once() {
    use crate::pages::{form_login, get, post};
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let c = issue_and_relay(&app).await;
        let t2 = c.relay_task;
        set_clock(&app, 6, 18, 10);
        let sz = app.login("sz.staff", PASSWORD).await;
        let r = sz
            .post(
                &format!("/api/v1/tasks/{t2}/submission"),
                content("深圳市开展活动三场。", 3, 100, 2),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);

        let (gd, gd_csrf) = form_login(&app, "gd.org").await;
        let (s, _, page) = get(&gd, &app, &format!("/tasks/{t2}/reminders")).await;
        assert_eq!(s, 200, "{l}");
        assert!(page.contains("将提醒以下 3 个"), "{l}: {page}");
        for city in ["广州", "佛山", "珠海"] {
            assert!(
                page.contains(&format!("{city}市市场监督管理局")),
                "{l}: {city}"
            );
        }
        assert!(page.contains("【催办】"), "{l}: the text is shown");
        let (s, location, _) = post(
            &gd,
            &app,
            &format!("/tasks/{t2}/reminders/now"),
            &[("_csrf", &gd_csrf)],
        )
        .await;
        assert_eq!(
            (s, location.as_str()),
            (303, format!("/tasks/{t2}/reminders?reminded=3").as_str()),
            "{l}"
        );
        let gz = app.login("gz.staff", PASSWORD).await;
        assert!(!messages_of(&gz, "reminder").await.is_empty(), "{l}");
        assert_eq!(
            messages_of(&sz, "reminder").await.len(),
            0,
            "{l}: 深圳 has submitted"
        );
        let (_, location, _) = post(
            &gd,
            &app,
            &format!("/tasks/{t2}/reminders/now"),
            &[("_csrf", &gd_csrf)],
        )
        .await;
        assert!(
            location.ends_with("reminded=0"),
            "{l}: not twice in a minute: {location}"
        );
        let (_, _, page) = get(&gd, &app, &format!("/tasks/{t2}/reminders?reminded=3")).await;
        assert!(
            page.contains("已提醒 3 个单位") && page.contains("立即催办"),
            "{l}"
        );

        let (city, city_csrf) = form_login(&app, "gz.staff").await;
        let (_, _, page) = get(&city, &app, &format!("/tasks/{t2}/reminders")).await;
        assert!(!page.contains("将提醒以下"), "{l}: no 立即催办 for a city");
        let (s, _, _) = post(
            &city,
            &app,
            &format!("/tasks/{t2}/reminders/now"),
            &[("_csrf", &city_csrf)],
        )
        .await;
        assert_eq!(s, 403, "{l}");
        app.finish().await;
    }
}

/// 及时报送: a task without a deadline (as 764号 asks for plans and reports) is never due
/// soon, overdue or late, has no reminder schedule, and is reminded of only at once, with
/// a text that says 及时报送. A date beside it is refused, and so is a timely relay of a
/// task due by a date.
#[tokio::test]
async fn a_timely_task_is_never_overdue_or_late() {
    use crate::pages::{form_login, get, post};
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let c = issue_and_relay(&app).await;
        let cn = app.login("cn.org", PASSWORD).await;
        let tasks = format!("/api/v1/notices/{}/tasks", c.notice);
        let r = cn
            .post(
                &tasks,
                json!({"kind": "plan", "timely": true, "deadline": "2022-06-25"}),
            )
            .await;
        assert_eq!(
            (r.status, r.field_code("deadline").as_deref()),
            (422, Some("timely_has_no_deadline")),
            "{l}: {}",
            r.text
        );
        let r = cn
            .post(&tasks, json!({"kind": "plan", "timely": true}))
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert_eq!(
            (&r.body["deadline"], &r.body["timely"]),
            (&Value::Null, &json!(true)),
            "{l}"
        );
        let plan = r.body["id"].as_i64().unwrap();
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gd
            .post(
                &format!("/api/v1/notices/{}/tasks", c.relay),
                json!({"parent_task_id": c.task, "timely": true}),
            )
            .await;
        assert_eq!(
            (r.status, r.field_code("deadline").as_deref()),
            (422, Some("timely_relay_of_deadline")),
            "{l}: {}",
            r.text
        );

        // Half a year on, and the scheduler has run: nothing is overdue, nobody reminded.
        set_clock(&app, 12, 1, 9);
        app.run_jobs().await;
        // (Sessions have expired meanwhile.)
        let gd = app.login("gd.org", PASSWORD).await;
        let cn = app.login("cn.org", PASSWORD).await;
        let mine = gd.get("/api/v1/me/tasks").await;
        let due = mine.body["due"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["task_id"] == plan)
            .unwrap_or_else(|| panic!("{l}: {}", mine.text))
            .clone();
        assert_eq!(
            (&due["deadline"], &due["chip"]),
            (&Value::Null, &json!("not_started")),
            "{l}"
        );
        let d = cn.get(&format!("/api/v1/tasks/{plan}/dashboard")).await;
        assert_eq!(
            (&d.body["total"]["overdue"], &d.body["total"]["colour"]),
            (&json!(0), &json!("grey")),
            "{l}: {}",
            d.text
        );
        let sh = app.login("sh.staff", PASSWORD).await;
        let reminded = |m: Vec<Value>| {
            m.iter()
                .filter(|x| x["link"] == format!("/tasks/{plan}"))
                .count()
        };
        assert_eq!(reminded(messages_of(&sh, "reminder").await), 0, "{l}");
        let r = gd
            .post(
                &format!("/api/v1/tasks/{plan}/submission"),
                content("广东省“世界认可日”活动方案。", 3, 0, 0),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["late"], false, "{l}: never late");

        // 立即催办 reaches 上海, which has not sent its plan, and says 及时报送.
        let (cn_page, csrf) = form_login(&app, "cn.org").await;
        let (s, _, page) = get(&cn_page, &app, &format!("/tasks/{plan}/reminders")).await;
        assert_eq!(s, 200, "{l}");
        assert!(page.contains("（及时报送）"), "{l}: {page}");
        let (s, location, _) = post(
            &cn_page,
            &app,
            &format!("/tasks/{plan}/reminders/now"),
            &[("_csrf", &csrf)],
        )
        .await;
        assert_eq!(
            (s, location.as_str()),
            (303, format!("/tasks/{plan}/reminders?reminded=1").as_str()),
            "{l}"
        );
        let m = messages_of(&sh, "reminder").await;
        assert_eq!(reminded(m.clone()), 1, "{l}: {m:?}");
        assert!(
            m.iter()
                .any(|x| x["title"].as_str().unwrap().contains("（及时报送）")),
            "{l}: {m:?}"
        );
        app.finish().await;
    }
}

/// 信息和新闻稿件 as a stream: Guangdong sends several items to SAMR's news task, each with
/// a title and a text; SAMR accepts one and returns another with a reason, each on its own;
/// the unit counts once on the dashboard; only an accepted item is published, and it then
/// shows on the campaign's public page. Only the collector reviews or publishes.
#[tokio::test]
async fn news_items_are_sent_reviewed_and_published_one_by_one() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let cn = app.login("cn.org", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = cn
            .post(
                "/api/v1/campaigns",
                json!({"title": "第十五个世界认可日", "edition": "15", "day": "2022-06-09",
                       "owner_code": "CN", "public": true}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let campaign = r.body["id"].as_i64().unwrap();
        let mut notice = samr_notice();
        notice["campaign_id"] = json!(campaign);
        let r = cn.post("/api/v1/notices", notice).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let notice = r.body["id"].as_i64().unwrap();
        let r = cn
            .post(
                &format!("/api/v1/notices/{notice}/tasks"),
                json!({"kind": "news", "timely": true}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let news = r.body["id"].as_i64().unwrap();
        let r = cn
            .post(
                &format!("/api/v1/notices/{notice}/tasks"),
                json!({"kind": "summary", "deadline": "2022-06-30"}),
            )
            .await;
        let summary = r.body["id"].as_i64().unwrap();
        let r = cn
            .post(&format!("/api/v1/notices/{notice}/issue"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);

        // Every problem at once; nothing saved.
        let items = format!("/api/v1/tasks/{news}/items");
        let r = gd.post(&items, json!({"title": " ", "body": ""})).await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        let mut fields = r.fields();
        fields.sort();
        assert_eq!(fields, ["body", "title"], "{l}");
        let r = gd
            .post(
                &format!("/api/v1/tasks/{summary}/items"),
                json!({"title": "x", "body": "y"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (409, "not_a_stream_task"),
            "{l}: {}",
            r.text
        );
        let mut sent = Vec::new();
        for (title, body) in [
            (
                "广东省举办“世界认可日”主题宣传活动",
                "6月9日，广东省市场监管局……",
            ),
            ("深圳市实验室开放日", "深圳市组织20家实验室向公众开放。"),
        ] {
            let r = gd.post(&items, json!({"title": title, "body": body})).await;
            assert_eq!(r.status, 201, "{l}: {}", r.text);
            assert_eq!(r.body["status"], "submitted", "{l}");
            sent.push(r.body["id"].as_i64().unwrap());
        }
        // SAMR is told by the worker's digest: one message, a line per item with its title,
        // and no separate line for the submission the first item sent.
        app.run_jobs().await;
        let told = messages_of(&cn, "item_received").await;
        assert_eq!(told.len(), 1, "{l}: {told:?}");
        let body = told[0]["body"].as_str().unwrap();
        assert!(
            body.contains("广东省市场监督管理局 报送了稿件《广东省举办“世界认可日”主题宣传活动》")
                && body.contains("《深圳市实验室开放日》"),
            "{l}: {body}"
        );
        assert_eq!(told[0]["link"], format!("/tasks/{news}/items"), "{l}");
        assert!(
            messages_of(&cn, "submission_received").await.is_empty(),
            "{l}: the items say it"
        );
        // The unit counts once on the dashboard, as for any task.
        let d = cn.get(&format!("/api/v1/tasks/{news}/dashboard")).await;
        assert_eq!(
            (&d.body["total"]["expected"], &d.body["total"]["submitted"]),
            (&json!(2), &json!(1)),
            "{l}: {}",
            d.text
        );
        let mine = gd.get(&items).await;
        assert_eq!(mine.body["mine"].as_array().map(Vec::len), Some(2), "{l}");
        assert_eq!(
            mine.body["all"],
            Value::Null,
            "{l}: Guangdong collects nothing here"
        );
        let all = cn.get(&items).await;
        assert_eq!(
            (&all.body["all_total"], &all.body["may_review"]),
            (&json!(2), &json!(true)),
            "{l}: {}",
            all.text
        );

        // Each reviewed on its own; a unit reviews nothing.
        let review = |id: i64| format!("/api/v1/items/{id}/review");
        let r = gd
            .post(&review(sent[0]), json!({"decision": "accept"}))
            .await;
        assert_eq!(r.status, 403, "{l}");
        let r = cn
            .post(&review(sent[0]), json!({"decision": "accept"}))
            .await;
        assert_eq!(
            (r.status, &r.body["status"]),
            (200, &json!("accepted")),
            "{l}"
        );
        let r = cn
            .post(&review(sent[1]), json!({"decision": "return"}))
            .await;
        assert_eq!(r.status, 422, "{l}: a reason is required");
        let r = cn
            .post(
                &review(sent[1]),
                json!({"decision": "return", "reason": "请补充活动照片。"}),
            )
            .await;
        assert_eq!(r.body["reason"], "请补充活动照片。", "{l}: {}", r.text);
        let r = cn
            .post(
                &review(sent[0]),
                json!({"decision": "return", "reason": "x"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "item_not_submitted"), "{l}");

        // Only an accepted item is published, by the collector; then the public page has it.
        let publish = |id: i64| format!("/api/v1/items/{id}/publish");
        let r = cn.post(&publish(sent[1]), json!({"publish": true})).await;
        assert_eq!((r.status, r.code()), (409, "item_not_accepted"), "{l}");
        let r = gd.post(&publish(sent[0]), json!({"publish": true})).await;
        assert_eq!(r.status, 403, "{l}");
        let page = app.anonymous().get(&format!("/campaigns/{campaign}")).await;
        assert!(
            !page.text.contains("广东省举办“世界认可日”主题宣传活动"),
            "{l}"
        );
        let r = cn.post(&publish(sent[0]), json!({"publish": true})).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert!(r.body["published_at"].is_string(), "{l}");
        let page = app.anonymous().get(&format!("/campaigns/{campaign}")).await;
        assert_eq!(page.status, 200, "{l}");
        assert!(
            page.text.contains("信息动态")
                && page.text.contains("广东省举办“世界认可日”主题宣传活动")
                && page.text.contains("广东省市场监督管理局"),
            "{l}: {}",
            page.text
        );
        assert!(
            !page.text.contains("深圳市实验室开放日"),
            "{l}: returned, not published"
        );
        app.finish().await;
    }
}

/// A relay's PDF carries the notice it relays after its own, under 附件, as printed relays
/// do: a city reading Guangdong's relay has SAMR's notice in the same document.
#[tokio::test]
async fn a_relays_pdf_carries_the_relayed_notice() {
    use crate::pdf::pdf_text;
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let c = issue_and_relay(&app).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let res = sz
            .request(
                reqwest::Method::GET,
                &format!("/api/v1/notices/{}/pdf", c.relay),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{l}");
        // (pdf_text gives the text without spaces or page breaks.)
        let text = pdf_text(&res.bytes().await.unwrap());
        let own_end = text
            .find("公开方式：主动公开")
            .unwrap_or_else(|| panic!("{l}: {text}"));
        let attached = text
            .find("附件国家市场监督管理总局文件市监认证函〔2022〕764号")
            .unwrap_or_else(|| panic!("{l}: SAMR's notice is not in the relay's PDF: {text}"));
        assert!(
            text.starts_with("广东省市场监督管理局文件粤市监认监〔2022〕253号")
                && own_end < attached,
            "{l}: the relay first, then 附件 and the notice it relays: {text}"
        );
        assert!(
            text[attached..].contains("请及时报送活动方案、活动开展情况和宣传报道素材。"),
            "{l}: {text}"
        );
        app.finish().await;
    }
}

/// The home page says what needs each role now: a city sees the notice it has not
/// acknowledged and how long it has for its report; Guangdong sees how many units have
/// acknowledged its relay and how many submissions wait for its review.
#[tokio::test]
async fn the_home_page_shows_what_needs_attention_now() {
    use crate::pages::{form_login, get};
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let c = issue_and_relay(&app).await;
        set_clock(&app, 6, 17, 9);
        let sz = app.login("sz.staff", PASSWORD).await;
        let r = sz
            .post(
                &format!("/api/v1/tasks/{}/submission", c.relay_task),
                content("深圳市开展活动三场。", 3, 100, 2),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);

        // 珠海 has not acknowledged 253号; its report is due in three days.
        let (zh, _) = form_login(&app, "zh.staff").await;
        let (s, _, page) = get(&zh, &app, "/home").await;
        assert_eq!(s, 200, "{l}");
        assert!(
            page.contains("待签收通知") && page.contains("粤市监认监〔2022〕253号"),
            "{l}: {page}"
        );
        assert!(page.contains("还有 3 天"), "{l}: {page}");
        // 深圳 has acknowledged: nothing to acknowledge on its home.
        let (sz_page, _) = form_login(&app, "sz.staff").await;
        let (_, _, page) = get(&sz_page, &app, "/home").await;
        assert!(!page.contains("待签收通知"), "{l}");

        // Guangdong: 3 of its 4 cities acknowledged its relay; 深圳's report waits.
        let (gd, _) = form_login(&app, "gd.org").await;
        let (_, _, page) = get(&gd, &app, "/home").await;
        assert!(
            page.contains("发文签收进度") && page.contains("已签收 3 / 4"),
            "{l}: {page}"
        );
        assert!(
            page.contains(&format!(
                "href=\"/tasks/{}/dashboard?filter=submitted\">待审核 1",
                c.relay_task
            )),
            "{l}: {page}"
        );
        app.finish().await;
    }
}
