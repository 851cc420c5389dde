//! The link from activities to reporting (issue 6 item 7): an activity names the activity
//! plan task (活动方案) its organisation received; a task of another kind or one the
//! organisation is not a recipient of is refused with nothing saved; the task page and the
//! unit's submission page list the unit's linked activities with registrations and
//! attendance; Guangdong's roll-up of SAMR's plan carries the activities and their
//! attendance, and its materials index lists the units' files and the activities' own
//! materials (their calendar entries, files of their source notices, online links), each
//! with its address.

use crate::pages::{csrf_field, form_login, get, post};
use crate::support::{PASSWORD, TestApp};
use renke_domain::perm::Role;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";

struct Setup {
    campaign: i64,
    /// SAMR's activity plan task and its report-progress task (not a plan).
    plan: i64,
    progress: i64,
    /// Guangdong's relay of the plan, received by 深圳 and 广州.
    relay_plan: i64,
    /// Guangdong's relay notice and the position of the file attached to it.
    relay: i64,
    relay_file: i64,
}

async fn setup(app: &TestApp) -> Setup {
    let l = app.label();
    app.tree().await;
    for (login, org) in [
        ("cn.org", "CN"),
        ("gd.org", "GD"),
        ("sz.org", "GD-SZ"),
        ("gz.org", "GD-GZ"),
    ] {
        app.account(login, Role::Organiser, org).await;
    }
    let cn = app.login("cn.org", PASSWORD).await;
    let gd = app.login("gd.org", PASSWORD).await;
    let r = cn
        .post(
            "/api/v1/campaigns",
            json!({"title": "第十五个世界认可日", "day": "2022-06-09", "owner_code": "CN", "public": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let campaign = r.body["id"].as_i64().unwrap();
    let r = cn
        .post(
            "/api/v1/notices",
            json!({
                "issuer_code": "CN",
                "doc_number": "市监认证函〔2022〕764号",
                "title": "市场监管总局办公厅关于组织开展第十五个“世界认可日”活动的通知",
                "recipients": [{"org_code": "CN", "children_kind": "regulator", "label": "各省、自治区、直辖市市场监管局"}],
                "body": "请及时报送活动方案和活动开展情况。",
                "written_on": "2022-05-27",
                "publication": "active",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let notice = r.body["id"].as_i64().unwrap();
    let task = |kind: &'static str, title: &'static str| {
        let cn = &cn;
        async move {
            let r = cn
                .post(
                    &format!("/api/v1/notices/{notice}/tasks"),
                    json!({"kind": kind, "title": title, "deadline": "2022-06-05"}),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.text);
            r.body["id"].as_i64().unwrap()
        }
    };
    let plan = task("plan", "活动方案").await;
    let progress = task("progress", "活动开展情况").await;
    let r = cn
        .post(&format!("/api/v1/notices/{notice}/issue"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{l}: {}", r.text);
    let r = gd
        .post(
            &format!("/api/v1/notices/{notice}/relay"),
            json!({
                "issuer_code": "GD",
                "doc_number": "粤市监认监〔2022〕253号",
                "title": "广东省市场监督管理局关于组织开展第十五个“世界认可日”活动的通知",
                "recipients": [{"org_code": "GD", "children_kind": "regulator", "label": "各地级以上市市场监管局"}],
                "body": "请于6月3日前报送活动方案。",
                "written_on": "2022-06-01",
                "publication": "active",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let relay = r.body["id"].as_i64().unwrap();
    let r = gd
        .post(
            &format!("/api/v1/notices/{relay}/tasks"),
            json!({"parent_task_id": plan, "deadline": "2022-06-03"}),
        )
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let relay_plan = r.body["id"].as_i64().unwrap();
    let form = Form::new().text("title", "活动方案模板").part(
        "file",
        Part::bytes(PDF.to_vec()).file_name("活动方案模板.pdf"),
    );
    let r = gd
        .send(
            gd.request(
                Method::POST,
                &format!("/api/v1/notices/{relay}/attachments"),
            )
            .multipart(form),
        )
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let relay_file = r.body["position"].as_i64().unwrap();
    let r = gd
        .post(&format!("/api/v1/notices/{relay}/issue"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{l}: {}", r.text);
    Setup {
        campaign,
        plan,
        progress,
        relay_plan,
        relay,
        relay_file,
    }
}

fn activity(campaign: i64, owner: &str, title: &str, task_id: Option<i64>) -> Value {
    json!({
        "campaign_id": campaign,
        "owner_code": owner,
        "kind": "lecture",
        "title": title,
        "organisers": [{"role": "host", "org_code": owner}],
        "schedule_kind": "window",
        "starts_at": "2022-06-09 14:30",
        "ends_at": "2022-06-09 16:30",
        "mode": "offline",
        "form_fields": ["name", "phone", "email"],
        "public": true,
        "task_id": task_id,
        "sessions": [
            {"title": "专题讲座", "starts_at": "2022-06-09 14:30", "ends_at": "2022-06-09 16:30", "capacity": "50"},
        ],
    })
}

fn person(i: usize) -> Value {
    json!({
        "name": format!("听众{i}"),
        "phone": format!("1390000{i:04}"),
        "email": format!("listener{i}@example.org"),
    })
}

/// The number of activities in the campaign's calendar.
async fn activity_count(app: &TestApp, campaign: i64) -> i64 {
    let gd = app.login("gd.org", PASSWORD).await;
    let r = gd
        .get(&format!("/api/v1/activities?campaign_id={campaign}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["total"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", r.text))
}

#[tokio::test]
async fn link_refused_unless_plan_task_of_a_recipient() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let s = setup(&app).await;
        let sz = app.login("sz.org", PASSWORD).await;
        let before = activity_count(&app, s.campaign).await;
        for (task, code) in [
            (s.progress, "not_plan_task"),
            (s.plan, "not_task_recipient"),
            (9_999_999, "unknown_task"),
        ] {
            let r = sz
                .post(
                    "/api/v1/activities",
                    activity(s.campaign, "GD-SZ", "深圳市认可日专题讲座", Some(task)),
                )
                .await;
            assert_eq!(r.status, 422, "{l} {code}: {}", r.text);
            assert_eq!(r.field_code("task_id").as_deref(), Some(code), "{l}");
            let f = &r.body["fields"][0];
            assert!(
                f["message_zh"]
                    .as_str()
                    .is_some_and(|m| m.contains(&task.to_string()))
                    && f["message_en"].as_str().is_some_and(|m| !m.is_empty()),
                "{l}: {f}"
            );
        }
        assert_eq!(
            activity_count(&app, s.campaign).await,
            before,
            "{l}: nothing saved"
        );
        // The relayed plan that 深圳 received is accepted.
        let r = sz
            .post(
                "/api/v1/activities",
                activity(
                    s.campaign,
                    "GD-SZ",
                    "深圳市认可日专题讲座",
                    Some(s.relay_plan),
                ),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert_eq!(r.body["task_id"], s.relay_plan, "{l}");
        let aid = r.body["id"].as_i64().unwrap();

        // Editing on the page: a task of another kind is refused next to the field and the
        // link stays; the form shows the stored link.
        let (c, _) = form_login(&app, "sz.org").await;
        let (st, _, edit) = get(&c, &app, &format!("/activities/{aid}/edit")).await;
        assert_eq!(st, 200, "{l}");
        assert!(
            edit.contains(&format!("<option value=\"{}\" selected>", s.relay_plan)),
            "{l}: {edit}"
        );
        let csrf = csrf_field(&edit);
        let progress = s.progress.to_string();
        let form = |task: &str| {
            vec![
                ("_csrf", csrf.clone()),
                ("kind", "lecture".to_owned()),
                ("title", "深圳市认可日专题讲座".to_owned()),
                ("organiser_role", "host".to_owned()),
                ("organiser_org", "GD-SZ".to_owned()),
                ("organiser_name", String::new()),
                ("schedule_kind", "window".to_owned()),
                ("starts_at", "2022-06-09 14:30".to_owned()),
                ("ends_at", "2022-06-09 16:30".to_owned()),
                ("mode", "offline".to_owned()),
                ("public", "on".to_owned()),
                ("task_id", task.to_owned()),
            ]
        };
        let bad = form(&progress);
        let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (st, _, back) = post(&c, &app, &format!("/activities/{aid}/edit"), &bad).await;
        assert_eq!(st, 422, "{l}: {back}");
        let at = back.find("id=\"task_id\"").unwrap();
        let block = &back[at..at + back[at..].find("</div>").unwrap()];
        assert!(
            block.contains("field-error") && block.contains("活动方案"),
            "{l}: {block}"
        );
        let a = sz.get(&format!("/api/v1/activities/{aid}")).await.body;
        assert_eq!(a["task_id"], s.relay_plan, "{l}: unchanged");
        // Clearing the link is allowed.
        let none = form("");
        let none: Vec<(&str, &str)> = none.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (st, _, body) = post(&c, &app, &format!("/activities/{aid}/edit"), &none).await;
        assert_eq!(st, 303, "{l}: {body}");
        let a = sz.get(&format!("/api/v1/activities/{aid}")).await.body;
        assert_eq!(a["task_id"], Value::Null, "{l}: unlinked");
        app.finish().await;
    }
}

#[tokio::test]
async fn linked_activities_listed_and_rolled_up_with_attendance() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let s = setup(&app).await;
        let sz = app.login("sz.org", PASSWORD).await;
        let gz = app.login("gz.org", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let t2 = s.relay_plan;
        // 深圳: a linked lecture with 3 registrations and 2 checked in (one twice), and an
        // unlinked one; 广州: a linked open day with nobody yet.
        // 深圳's lecture comes from Guangdong's relay (which carries a file) and is also
        // streamed online.
        let mut lecture = activity(s.campaign, "GD-SZ", "深圳市认可日专题讲座", Some(t2));
        lecture["notice_id"] = json!(s.relay);
        lecture["sessions"][0]["online_url"] = json!("https://live.example.org/sz-lecture");
        let r = sz.post("/api/v1/activities", lecture).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let sz_act = r.body["id"].as_i64().unwrap();
        let sid = r.body["sessions"][0]["id"].as_i64().unwrap();
        let r = sz
            .post(
                "/api/v1/activities",
                activity(s.campaign, "GD-SZ", "深圳市未列入方案的活动", None),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let r = gz
            .post(
                "/api/v1/activities",
                activity(s.campaign, "GD-GZ", "广州市实验室开放日", Some(t2)),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let gz_act = r.body["id"].as_i64().unwrap();
        let mut tickets = Vec::new();
        for i in 0..3 {
            let r = sz
                .post(&format!("/api/v1/sessions/{sid}/registrations"), person(i))
                .await;
            assert_eq!(r.status, 201, "{l}: {}", r.text);
            tickets.push(r.body["ticket"].as_str().unwrap().to_owned());
        }
        let r = sz
            .post(
                &format!("/api/v1/sessions/{sid}/checkins"),
                json!({"items": [
                    {"client_id": "1b7d4e5f-0000-0000-0000-000000000001", "ticket": tickets[0]},
                    {"client_id": "1b7d4e5f-0000-0000-0000-000000000002", "ticket": tickets[1]},
                    {"client_id": "1b7d4e5f-0000-0000-0000-000000000003", "ticket": tickets[1]},
                ]}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);

        // 深圳's task page lists its own linked activity only, with its figures.
        let (c, _) = form_login(&app, "sz.org").await;
        let (st, _, page) = get(&c, &app, &format!("/tasks/{t2}")).await;
        assert_eq!(st, 200, "{l}");
        let at = page
            .find("id=\"plan-activities\"")
            .unwrap_or_else(|| panic!("{l}: {page}"));
        let section = &page[at..at + page[at..].find("</section>").unwrap()];
        assert!(
            section.contains(&format!("href=\"/activities/{sz_act}\""))
                && section.contains("深圳市认可日专题讲座")
                && section.contains("6月9日 14:30–16:30")
                && section.contains("<td>3</td><td>2</td>"),
            "{l}: {section}"
        );
        assert!(
            !section.contains("广州市实验室开放日") && !section.contains("未列入方案"),
            "{l}: {section}"
        );
        // A unit with nothing linked sees the empty state.
        let (c2, _) = form_login(&app, "gd.org").await;
        let (_, _, gd_page) = get(&c2, &app, &format!("/tasks/{}", s.plan)).await;
        assert!(gd_page.contains("还没有活动关联到本任务"), "{l}: {gd_page}");

        // Both cities report, 深圳 with its plan as a file; Guangdong reads 深圳's
        // submission with its activities.
        let mut subs = Vec::new();
        for (who, text, file) in [
            (&sz, "深圳市认可日活动方案。", Some("深圳市活动方案.pdf")),
            (&gz, "广州市认可日活动方案。", None),
        ] {
            let mut form = Form::new().text("summary", text).text("activities", "1");
            if let Some(name) = file {
                form = form.part("file", Part::bytes(PDF.to_vec()).file_name(name));
            }
            let r = who
                .send(
                    who.request(Method::POST, &format!("/api/v1/tasks/{t2}/submission"))
                        .multipart(form),
                )
                .await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
            subs.push(r.body["id"].as_i64().unwrap());
        }
        let (_, _, sub_page) = get(&c2, &app, &format!("/tasks/submissions/{}", subs[0])).await;
        let at = sub_page
            .find("id=\"plan-activities\"")
            .unwrap_or_else(|| panic!("{l}: {sub_page}"));
        let section = &sub_page[at..at + sub_page[at..].find("</section>").unwrap()];
        assert!(
            section.contains(&format!("href=\"/activities/{sz_act}\""))
                && section.contains("<td>3</td><td>2</td>")
                && !section.contains("广州市实验室开放日"),
            "{l}: {section}"
        );

        // Roll-up of SAMR's plan: the table lists each linked activity with attendance.
        for sub in &subs {
            let r = gd
                .post(
                    &format!("/api/v1/submissions/{sub}/review"),
                    json!({"decision": "accept"}),
                )
                .await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
        }
        let r = gd
            .post(&format!("/api/v1/tasks/{}/compile", s.plan), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let body = r.body["body"].as_str().unwrap();
        for line in [
            "列入活动方案的活动",
            "单位 | 活动 | 时间 | 报名（人） | 签到（人）",
            "深圳市市场监督管理局 | 深圳市认可日专题讲座 | 6月9日 14:30–16:30 | 3 | 2",
            "广州市市场监督管理局 | 广州市实验室开放日 | 6月9日 14:30–16:30 | 0 | 0",
            "合计 | 2项 | — | 3 | 2",
        ] {
            assert!(body.lines().any(|x| x == line), "{l}: {line}\n{body}");
        }
        assert!(!body.contains("未列入方案"), "{l}: {body}");

        // The materials index, drawn from the sources (the text keeps only its heading):
        // each unit's submission with its files, then each linked activity's calendar entry
        // with its materials, every one with its address.
        assert!(body.trim_end().ends_with("三、材料索引"), "{l}: {body}");
        assert!(!body.contains("/tasks/submissions/"), "{l}: {body}");
        let compiled = r.body["id"].as_i64().unwrap();
        let detail = gd.get(&format!("/api/v1/submissions/{compiled}")).await;
        assert_eq!(detail.status, 200, "{l}: {}", detail.text);
        let index: Vec<String> = detail.body["index"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{} {} {} {} {}",
                    e["unit"].as_str().unwrap(),
                    e["kind"].as_str().unwrap(),
                    e["title"].as_str().unwrap(),
                    e["version"],
                    e["href"].as_str().unwrap_or("")
                )
            })
            .collect();
        let (sz_sub, gz_sub) = (subs[0], subs[1]);
        let expected = [
            format!("深圳市市场监督管理局 报送内容 报送内容 1 /tasks/submissions/{sz_sub}"),
            format!(
                "深圳市市场监督管理局 附件 深圳市活动方案.pdf 1 /tasks/submissions/{sz_sub}/files/1/0"
            ),
            format!("广州市市场监督管理局 报送内容 报送内容 1 /tasks/submissions/{gz_sub}"),
            format!("深圳市市场监督管理局 活动 深圳市认可日专题讲座 null /activities/{sz_act}"),
            format!(
                "深圳市市场监督管理局 通知附件 活动方案模板 null /notices/{}/attachments/{}",
                s.relay, s.relay_file
            ),
            "深圳市市场监督管理局 线上链接 专题讲座 null https://live.example.org/sz-lecture"
                .to_owned(),
            format!("广州市市场监督管理局 活动 广州市实验室开放日 null /activities/{gz_act}"),
        ];
        assert_eq!(index, expected, "{l}");
        // The links work for Guangdong, which compiled them.
        for path in [
            format!("/api/v1/submissions/{sz_sub}/files/1/0"),
            format!("/api/v1/notices/{}/attachments/{}", s.relay, s.relay_file),
        ] {
            let r = gd.request(Method::GET, &path).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200, "{l}: {path}");
            assert_eq!(r.bytes().await.unwrap().as_ref(), PDF, "{l}: {path}");
        }
        // The registration mails the test caused are sent, and none fails.
        let pass = app.run_jobs().await;
        assert_eq!(pass.failed, 0, "{}", app.label());
        app.finish().await;
    }
}
