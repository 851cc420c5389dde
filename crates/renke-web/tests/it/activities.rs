//! Activities through `/api/v1` and the pages: creation with branch venues from a list,
//! the three bad inputs (session ending before it starts, capacity below registrations,
//! registration after closing), duplicates, the phone registration page and ticket,
//! check-in (batched and idempotent, and from the list), branch-venue readiness and the
//! board, calendars and iCalendar feeds.

use crate::pages::{browser, csrf_field, form_login, get, post};
use crate::support::{PASSWORD, TestApp};
use chrono::Duration;
use renke_domain::perm::Role;
use serde_json::{Value, json};

pub(crate) async fn setup(app: &TestApp) -> i64 {
    app.tree().await;
    app.account("cn.org", Role::Organiser, "CN").await;
    app.account("gd.org", Role::Organiser, "GD").await;
    app.account("gd.staff", Role::Staff, "GD").await;
    app.account("sh.staff", Role::Staff, "SH").await;
    let cn = app.login("cn.org", PASSWORD).await;
    let r = cn
        .post(
            "/api/v1/campaigns",
            json!({"title": "第十五个世界认可日", "day": "2022-06-09", "owner_code": "CN", "public": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_i64().unwrap()
}

fn main_event(campaign: i64) -> Value {
    json!({
        "campaign_id": campaign,
        "owner_code": "CN",
        "kind": "main_event",
        "title": "第十五个“世界认可日”主场活动",
        "organisers": [
            {"role": "主办", "org_code": "CN"},
            {"role": "承办", "name": "中国合格评定国家认可中心"},
            {"role": "协办", "name": "总局认证认可技术研究中心"},
        ],
        "schedule_kind": "window",
        "starts_at": "2022-06-09 10:00",
        "ends_at": "2022-06-09 11:00",
        "mode": "video_conference",
        "audience": "各省级局主管认证认可检验检测工作的负责人及有关处室人员",
        "public": true,
        "venues": [
            {"kind": "main", "name": "三里河办公区", "room": "10层中会议室"},
            {"kind": "main", "name": "安外办公区", "room": "202会议室"},
        ],
        "branch_venues": {"parent_code": "CN", "kind": "regulator"},
        "debug_slots": [
            {"label": "总局视频会议系统调试", "starts_at": "2022-06-08 09:00"},
        ],
    })
}

pub(crate) fn training(campaign: i64, capacity: &str) -> Value {
    json!({
        "campaign_id": campaign,
        "owner_code": "GD",
        "kind": "training",
        "title": "全省中小微企业质量管理体系免费培训",
        "organisers": [{"role": "host", "org_code": "GD"}],
        "schedule_kind": "period",
        "period_from": "2022-05-01",
        "period_to": "2022-06-30",
        "period_label": "5月—6月",
        "mode": "hybrid",
        "audience": "企业负责人和质量管理人员",
        "audience_roles": ["company_head", "quality_manager"],
        "form_fields": ["name", "company", "position", "phone", "email", "attendance"],
        "public": true,
        "sessions": [
            {"title": "广州片区现场培训", "starts_at": "2022-05-20 09:00", "ends_at": "2022-05-20 12:00",
             "capacity": capacity, "city": "广州", "registration_closes_at": "2022-05-18 18:00"},
            {"title": "网上直播课堂（第一讲）", "starts_at": "2022-05-25 14:30", "ends_at": "2022-05-25 16:30",
             "online_url": "https://live.example.org/qms-1"},
        ],
    })
}

pub(crate) fn person(i: usize) -> Value {
    json!({
        "name": format!("学员{i}"),
        "company": "佛山某电器有限公司",
        "position": "质量经理",
        "phone": format!("1380000{i:04}"),
        "email": format!("learner{i}@example.org"),
        "attendance": "on_site",
        "audience_role": "quality_manager",
    })
}

#[tokio::test]
async fn main_event_with_branch_venues_readiness_and_board() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let cn = app.login("cn.org", PASSWORD).await;
        let r = cn.post("/api/v1/activities", main_event(campaign)).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["schedule_label"], "6月9日 10:00–11:00");
        assert_eq!(r.body["schedule_label_en"], "9 June 10:00–11:00");
        let organisers: Vec<_> = r.body["organisers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| (o["role"].as_str().unwrap(), o["name"].as_str().unwrap()))
            .collect();
        assert_eq!(
            organisers,
            [
                ("host", "国家市场监督管理总局"),
                ("undertaker", "中国合格评定国家认可中心"),
                ("co_organiser", "总局认证认可技术研究中心")
            ],
            "{l}"
        );
        let venues = r.body["venues"].as_array().unwrap();
        let kinds: Vec<_> = venues.iter().map(|v| v["kind"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            ["main", "main", "branch", "branch"],
            "{l}: two main venues, one branch per province"
        );
        let gd_venue = venues
            .iter()
            .find(|v| v["name"] == "广东省市场监督管理局")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let sh_venue = venues
            .iter()
            .find(|v| v["name"] == "上海市市场监督管理局")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let slot = r.body["debug_slots"][0]["id"].as_i64().unwrap();

        // Each branch venue reports for itself; another province may not.
        let gd = app.login("gd.staff", PASSWORD).await;
        let sh = app.login("sh.staff", PASSWORD).await;
        let path = |v: i64| format!("/api/v1/activities/{id}/venues/{v}/slots/{slot}");
        let ready = json!({"readiness": "ready", "test_confirmed": true, "technician_name": "测试技术员", "technician_phone": "020-00000000"});
        assert_eq!(
            sh.put(&path(gd_venue), ready.clone()).await.status,
            403,
            "{l}"
        );
        let bad = gd
            .put(
                &path(gd_venue),
                json!({"readiness": "ready", "test_confirmed": true}),
            )
            .await;
        assert_eq!(
            (bad.status, bad.field_code("technician_name").as_deref()),
            (422, Some("required")),
            "{l}: ready names its technician"
        );
        assert_eq!(gd.put(&path(gd_venue), ready).await.status, 204, "{l}");
        let nr = sh
            .put(
                &path(sh_venue),
                json!({"readiness": "not_ready", "note": "音频无输出"}),
            )
            .await;
        assert_eq!(nr.status, 204, "{l}: {}", nr.text);

        let board = cn.get(&format!("/api/v1/activities/{id}/board")).await;
        assert_eq!(board.status, 200, "{l}");
        let states: Vec<_> = board
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["venue_name"].as_str().unwrap().to_owned(),
                    r["readiness"].as_str().unwrap().to_owned(),
                    r["test_confirmed"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            states,
            [
                ("广东省市场监督管理局".to_owned(), "ready".to_owned(), true),
                (
                    "上海市市场监督管理局".to_owned(),
                    "not_ready".to_owned(),
                    false
                )
            ],
            "{l}"
        );

        // The public sees the main venues and how many branch venues there are, not the
        // list of branch venues, the debugging slots or the internal readiness board.
        let public = app.anonymous().get(&format!("/activities/{id}")).await;
        assert_eq!(public.status, 200, "{l}");
        assert!(public.text.contains("另设分会场 2 个。"), "{l}");
        assert!(
            !public.text.contains("/board") && !public.text.contains("上海市市场监督管理局</td>"),
            "{l}"
        );
        let inside = sh.get(&format!("/activities/{id}")).await;
        assert!(inside.text.contains("/board"), "{l}");

        // The page form: nothing chosen by default; sent without a choice, it is refused
        // beside the field and keeps what was typed; saved, the page confirms it and shows
        // the saved state (未就绪 stays 未就绪 when saved again).
        let page = sh.get(&format!("/activities/{id}")).await;
        assert!(
            page.text.contains(r#"value="not_ready" checked"#),
            "{l}: the saved state shows"
        );
        let form = format!("/activities/{id}/venues/{sh_venue}/slots/{slot}");
        let r = sh
            .form(&form, &[("technician_name", "李测试"), ("note", "")])
            .await;
        assert_eq!(r.status, 422, "{l}");
        assert!(
            r.text.contains(r#"value="李测试""#),
            "{l}: typed values kept"
        );
        assert!(r.text.contains("field-error"), "{l}");
        assert!(!r.text.contains(r#"value="ready" required checked"#), "{l}");
        for _ in 0..2 {
            let r = sh
                .form(
                    &form,
                    &[
                        ("readiness", "not_ready"),
                        ("technician_name", "李测试"),
                        ("note", "音频无输出"),
                    ],
                )
                .await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
            assert!(r.text.contains("已保存调试报告："), "{l}");
            assert!(r.text.contains(r#"value="not_ready" checked"#), "{l}");
            assert!(r.text.contains(r#"value="李测试""#), "{l}");
        }

        // The board page and its polled fragment.
        let (c, _) = form_login(&app, "cn.org").await;
        let (s, _, html) = get(&c, &app, &format!("/activities/{id}/board")).await;
        assert_eq!(s, 200, "{l}");
        assert!(html.contains("hx-trigger=\"every 5s\""), "{l}");
        assert!(
            html.contains("已就绪") && html.contains("未就绪") && html.contains("音频无输出"),
            "{l}"
        );
        let (_, _, frag) = get(&c, &app, &format!("/activities/{id}/board/rows")).await;
        assert!(
            frag.contains("就绪 1 / 未就绪 1 / 未确认 0") && !frag.contains("<html"),
            "{l}: {frag}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_changes() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        // A session that ends before it starts: 422 naming the field, nothing created.
        let mut body = training(campaign, "2");
        body["sessions"][0]["ends_at"] = json!("2022-05-20 08:00");
        let r = gd.post("/api/v1/activities", body).await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("sessions[0].ends_at").as_deref(),
            Some("ends_before_start"),
            "{l}"
        );
        let msg = r.body["fields"][0]["message_zh"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            msg.contains("结束时间（2022-05-20 08:00）必须晚于开始时间（2022-05-20 09:00）"),
            "{l}: {}",
            r.text
        );
        assert_eq!(
            gd.get("/api/v1/activities").await.body["total"],
            0,
            "{l}: nothing saved"
        );

        let r = gd.post("/api/v1/activities", training(campaign, "2")).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let sid = r.body["sessions"][0]["id"].as_i64().unwrap();
        // Adding a session later that ends before it starts.
        let bad = gd.post(&format!("/api/v1/activities/{}/sessions", r.body["id"]), json!({"title": "深圳片区", "starts_at": "2022-06-01 14:00", "ends_at": "2022-06-01 13:00"})).await;
        assert_eq!(
            (bad.status, bad.field_code("ends_at").as_deref()),
            (422, Some("ends_before_start")),
            "{l}"
        );

        let anon_reg = |i| {
            let gd = &gd;
            async move {
                gd.post(&format!("/api/v1/sessions/{sid}/registrations"), person(i))
                    .await
            }
        };
        for i in 0..3 {
            assert_eq!(anon_reg(i).await.status, 201, "{l}");
        }
        // Capacity below the current registrations.
        let r = gd
            .put(
                &format!("/api/v1/sessions/{sid}/capacity"),
                json!({"capacity": "1"}),
            )
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("capacity").as_deref(),
            Some("capacity_below_registrations"),
            "{l}"
        );
        assert!(
            r.text.contains("名额 1 少于已报名的 2 人"),
            "{l}: {}",
            r.text
        );
        let regs = gd
            .get(&format!("/api/v1/sessions/{sid}/registrations"))
            .await;
        let statuses: Vec<_> = regs
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["status"].as_str().unwrap())
            .collect();
        assert_eq!(
            statuses,
            ["confirmed", "confirmed", "waiting"],
            "{l}: nothing changed"
        );

        // The audience rule and a duplicate.
        let mut outsider = person(9);
        outsider["audience_role"] = json!("public");
        let r = gd
            .post(&format!("/api/v1/sessions/{sid}/registrations"), outsider)
            .await;
        assert_eq!(
            r.field_code("audience_role").as_deref(),
            Some("audience_not_allowed"),
            "{l}"
        );
        let r = anon_reg(1).await;
        assert_eq!(
            (r.status, r.field_code("phone").as_deref()),
            (422, Some("already_registered")),
            "{l}"
        );

        // Registration after closing.
        app.clock.advance(Duration::days(18));
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gd
            .post(&format!("/api/v1/sessions/{sid}/registrations"), person(7))
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("session_id").as_deref(),
            Some("registration_closed"),
            "{l}"
        );
        assert!(r.text.contains("2022-05-18 18:00"), "{l}: {}", r.text);
        let regs = gd
            .get(&format!("/api/v1/sessions/{sid}/registrations"))
            .await;
        assert_eq!(
            regs.body.as_array().unwrap().len(),
            3,
            "{l}: nothing stored"
        );
        // The registration mails the test caused are sent, and none fails.
        let pass = app.run_jobs().await;
        assert_eq!(pass.failed, 0, "{}", app.label());
        app.finish().await;
    }
}

#[tokio::test]
async fn phone_registration_ticket_cancel_and_promotion() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gd.post("/api/v1/activities", training(campaign, "1")).await;
        let aid = r.body["id"].as_i64().unwrap();
        let sid = r.body["sessions"][0]["id"].as_i64().unwrap();

        // An SME without an account registers on the public page.
        let sme = browser();
        let (s, _, html) = get(&sme, &app, &format!("/activities/{aid}")).await;
        assert_eq!(s, 200, "{l}");
        assert!(
            html.contains("广州片区现场培训") && html.contains("主办：广东省市场监督管理局"),
            "{l}"
        );
        let (s, _, form) = get(&sme, &app, &format!("/sessions/{sid}/register")).await;
        assert_eq!(s, 200, "{l}");
        let token = csrf_field(&form);
        let mut fields = vec![
            ("_csrf", token.as_str()),
            ("name", "陈小敏"),
            ("company", "佛山某电器有限公司"),
            ("position", "质量经理"),
            ("phone", "13800000001"),
            ("email", "chen@example.org"),
            ("attendance", "on_site"),
        ];
        // Missing the audience role: the form comes back with the message and the values.
        let (s, _, back) = post(&sme, &app, &format!("/sessions/{sid}/register"), &fields).await;
        assert_eq!(s, 422, "{l}");
        assert!(
            back.contains("本活动面向：企业负责人、质量管理人员。")
                && back.contains("value=\"陈小敏\""),
            "{l}"
        );
        fields.push(("audience_role", "quality_manager"));
        let (s, ticket_url, _) =
            post(&sme, &app, &format!("/sessions/{sid}/register"), &fields).await;
        assert_eq!(s, 303, "{l}");
        assert!(ticket_url.starts_with("/tickets/"), "{l}: {ticket_url}");
        let (_, _, ticket) = get(&sme, &app, &ticket_url).await;
        assert!(
            ticket.contains("报名成功") && ticket.contains("<svg"),
            "{l}: confirmation with a QR code"
        );

        // A second person goes on the waiting list.
        let other = gd
            .post(&format!("/api/v1/sessions/{sid}/registrations"), person(2))
            .await;
        assert_eq!(
            (other.status, other.body["status"].as_str()),
            (201, Some("waiting")),
            "{l}"
        );
        let other_ticket = other.body["ticket"].as_str().unwrap().to_owned();
        let (_, _, waiting) = get(&sme, &app, &format!("/tickets/{other_ticket}")).await;
        assert!(waiting.contains("候补名单第 1 位"), "{l}");

        // The personal ics parses as a calendar with Beijing time.
        let (s, _, ics) = get(&sme, &app, &format!("{ticket_url}/event.ics")).await;
        assert_eq!(s, 200, "{l}");
        let ics = ics.replace("\r\n ", "").replace("\n ", "");
        assert!(
            ics.contains("DTSTART;TZID=Asia/Shanghai:20220520T090000")
                && ics.contains("广州片区现场培训"),
            "{l}: {ics}"
        );

        // The SME cancels from the ticket page: the waiting person is promoted, once.
        let t2 = csrf_field(&ticket);
        let (s, _, _) = post(
            &sme,
            &app,
            &format!("{ticket_url}/cancel"),
            &[("_csrf", t2.as_str())],
        )
        .await;
        assert_eq!(s, 303, "{l}");
        let again = post(
            &sme,
            &app,
            &format!("{ticket_url}/cancel"),
            &[("_csrf", t2.as_str())],
        )
        .await;
        assert_eq!(again.0, 409, "{l}: cancelling twice is refused");
        let regs = gd
            .get(&format!("/api/v1/sessions/{sid}/registrations"))
            .await;
        let statuses: Vec<_> = regs
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["name"].as_str().unwrap(), r["status"].as_str().unwrap()))
            .collect();
        assert_eq!(
            statuses,
            [("学员2", "confirmed"), ("陈小敏", "cancelled")],
            "{l}"
        );
        let promoted = renke_store::activities::message_count(app.db(), sid, "promoted")
            .await
            .unwrap();
        assert_eq!(promoted, 1, "{l}: one promotion e-mail queued");
        // The registration mails the test caused are sent, and none fails.
        let pass = app.run_jobs().await;
        assert_eq!(pass.failed, 0, "{}", app.label());
        app.finish().await;
    }
}

#[tokio::test]
async fn check_in_batches_and_list_count_once() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gd
            .post("/api/v1/activities", training(campaign, "10"))
            .await;
        let sid = r.body["sessions"][0]["id"].as_i64().unwrap();
        let mut tickets = Vec::new();
        for i in 0..3 {
            let r = gd
                .post(&format!("/api/v1/sessions/{sid}/registrations"), person(i))
                .await;
            tickets.push(r.body["ticket"].as_str().unwrap().to_owned());
        }
        // The phone's offline queue, sent twice (the first answer was lost).
        let batch = json!({"items": [
            {"client_id": "0b7d4e5f-0000-0000-0000-000000000001", "ticket": tickets[0], "checked_in_at": "2022-05-20T01:05:00Z"},
            {"client_id": "0b7d4e5f-0000-0000-0000-000000000002", "ticket": tickets[1].to_uppercase()},
            {"client_id": "0b7d4e5f-0000-0000-0000-000000000003", "ticket": "ffffffffffffffffffffffffffffffff"},
            {"client_id": "x", "ticket": tickets[2]},
        ]});
        let staff = app.login("gd.staff", PASSWORD).await;
        let first = staff
            .post(&format!("/api/v1/sessions/{sid}/checkins"), batch.clone())
            .await;
        assert_eq!(first.status, 200, "{l}: {}", first.text);
        let outcomes: Vec<_> = first
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["outcome"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            outcomes,
            ["recorded", "recorded", "unknown_ticket", "invalid"],
            "{l}"
        );
        // Recorded on 5月1日 for a session on 5月20日: far too early, and said so.
        let timings: Vec<_> = first
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["timing"].as_str())
            .collect();
        assert_eq!(timings, [Some("early"), Some("early"), None, None], "{l}");
        let second = staff
            .post(&format!("/api/v1/sessions/{sid}/checkins"), batch)
            .await;
        let outcomes: Vec<_> = second
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["outcome"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            outcomes,
            ["repeated", "repeated", "unknown_ticket", "invalid"],
            "{l}"
        );
        // Another province's staff may not check people in.
        let sh = app.login("sh.staff", PASSWORD).await;
        assert_eq!(
            sh.post(
                &format!("/api/v1/sessions/{sid}/checkins"),
                json!({"items": []})
            )
            .await
            .status,
            403,
            "{l}"
        );

        // From the list page: the first person again (no double count) and the third.
        let (c, csrf) = form_login(&app, "gd.staff").await;
        let (s, _, list) = get(&c, &app, &format!("/sessions/{sid}/registrations")).await;
        assert_eq!(s, 200, "{l}");
        assert!(list.contains("学员2"), "{l}");
        let regs = gd
            .get(&format!("/api/v1/sessions/{sid}/registrations"))
            .await;
        let third_id = regs.body[2]["id"].as_i64().unwrap();
        // The page says what became of each, in words: the list answers with the
        // outcome instead of a bare reload.
        for (ticket, cid, said) in [
            (&tickets[0], "list-0000-0001".to_owned(), "此前已签到"),
            (
                &tickets[2],
                format!("list-registration-{third_id}"),
                "签到成功",
            ),
            (
                &tickets[2],
                format!("list-registration-{third_id}"),
                "签到已记录（重复提交）",
            ),
        ] {
            let (s, _, page) = post(
                &c,
                &app,
                &format!("/sessions/{sid}/checkin"),
                &[
                    ("_csrf", csrf.as_str()),
                    ("ticket", ticket.as_str()),
                    ("client_id", cid.as_str()),
                ],
            )
            .await;
            assert_eq!(s, 200, "{l}");
            assert!(page.contains(said), "{l}: {said}");
            assert!(!page.contains("already_checked_in"), "{l}");
        }
        let session = gd
            .get(&format!("/api/v1/activities/{}", r.body["id"]))
            .await;
        assert_eq!(
            session.body["sessions"][0]["checked_in"], 3,
            "{l}: three people, three records"
        );
        let (_, _, page) = get(&c, &app, &format!("/sessions/{sid}/checkin")).await;
        assert!(
            page.contains("/static/checkin.js")
                && page.contains(&format!("/api/v1/sessions/{sid}/checkins")),
            "{l}"
        );
        // The registration mails the test caused are sent, and none fails.
        let pass = app.run_jobs().await;
        assert_eq!(pass.failed, 0, "{}", app.label());
        app.finish().await;
    }
}

#[tokio::test]
async fn calendars_and_feeds() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let cn = app.login("cn.org", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        assert_eq!(
            cn.post("/api/v1/activities", main_event(campaign))
                .await
                .status,
            201
        );
        assert_eq!(
            gd.post("/api/v1/activities", training(campaign, ""))
                .await
                .status,
            201
        );
        let mut internal = main_event(campaign);
        internal["public"] = json!(false);
        internal["owner_code"] = json!("GD");
        internal["kind"] = json!("collective_viewing");
        internal["title"] = json!("集中收看总局主场活动");
        // In English the calendar says its dates in English.
        let en = gd
            .send(
                gd.request(reqwest::Method::GET, "/activities")
                    .header("accept-language", "en"),
            )
            .await;
        assert!(
            en.text.contains("9 June 10:00–11:00") && en.text.contains("May–June"),
            "{l}: {}",
            en.text
        );
        assert!(!en.text.contains("5月—6月"), "{l}");
        internal["branch_venues"] = Value::Null;
        internal["venues"] = json!([{"kind": "room", "name": "广东省市场监督管理局", "room": "1301会议室",
            "participants": [{"category": "leaders", "label": "省局分管领导"}, {"category": "department_heads", "label": "执法监督处负责人"}, {"category": "department_staff", "label": "认监处全体人员"}]}]);
        assert_eq!(
            gd.post("/api/v1/activities", internal).await.status,
            201,
            "{l}"
        );

        // The public sees the two public activities, in start order.
        let anon = app.anonymous();
        let r = anon
            .get(&format!("/api/v1/activities?campaign_id={campaign}"))
            .await;
        let titles: Vec<_> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap())
            .collect();
        assert_eq!(
            titles,
            [
                "全省中小微企业质量管理体系免费培训",
                "第十五个“世界认可日”主场活动"
            ],
            "{l}"
        );
        // Guangdong's staff see the internal one too; per organisation filter.
        let r = gd.get("/api/v1/activities?org=GD").await;
        assert_eq!(r.body["total"], 2, "{l}: {}", r.text);
        // A name typed for the organisation finds it; a name several share asks for more.
        let (c, _) = form_login(&app, "gd.staff").await;
        let (s, _, by_name) = get(&c, &app, "/activities?org=广东省市场监督管理局").await;
        assert_eq!(s, 200, "{l}");
        assert!(by_name.contains("集中收看总局主场活动"), "{l}");
        let (s, _, by_part) = get(&c, &app, "/activities?org=%E5%B9%BF%E5%B7%9E").await;
        assert_eq!(s, 200, "{l}: 广州 is one organisation");
        assert!(!by_part.contains("集中收看总局主场活动"), "{l}");
        let (s, _, many) = get(&c, &app, "/activities?org=%E6%B7%B1%E5%9C%B3").await;
        assert_eq!(s, 422, "{l}");
        assert!(
            many.contains("“深圳”对应多个机构：深圳市市场监督管理局、")
                && many.contains("深圳市计量质量检测研究院"),
            "{l}: {many}"
        );
        let r = gd.get("/api/v1/activities?month=2022-13").await;
        assert_eq!(
            r.field_code("month").as_deref(),
            Some("invalid_month"),
            "{l}"
        );

        // A "6月9日前后" activity comes after the timed main event of the same day in the
        // list; the week view shows hours per day and periods once, above the days.
        let about = json!({"campaign_id": campaign, "owner_code": "GD", "kind": "lecture",
            "title": "认可知识进企业宣讲", "schedule_kind": "period", "period_from": "2022-06-09",
            "period_to": "2022-06-09", "period_label": "6月9日前后", "mode": "offline", "public": true});
        assert_eq!(
            gd.post("/api/v1/activities", about).await.status,
            201,
            "{l}"
        );
        let b = browser();
        let (_, _, list) = get(&b, &app, &format!("/activities?campaign_id={campaign}")).await;
        let at = |t: &str| {
            list.find(t)
                .unwrap_or_else(|| panic!("{l}: {t} in the list"))
        };
        assert!(
            at("全省中小微企业质量管理体系免费培训") < at("第十五个“世界认可日”主场活动")
                && at("第十五个“世界认可日”主场活动") < at("认可知识进企业宣讲"),
            "{l}: chronological, timed before 前后 on the same day"
        );
        let (s, _, week) = get(&b, &app, "/activities?view=week&week=2022-06-09").await;
        assert_eq!(s, 200, "{l}");
        let strip = &week[week.find("本周持续进行").expect("periods strip")
            ..week.find("<ol class=\"week").expect("days")];
        let days = &week[week.find("<ol class=\"week").unwrap()..];
        assert!(
            week.contains("2022年6月6日—6月12日")
                && strip.contains("6月9日前后")
                && strip.contains("5月—6月")
                && days.contains("周四 6月9日")
                && days.contains("<b class=\"time\">10:00–11:00</b> <a")
                && !days.contains("认可知识进企业宣讲")
                && !days.contains("全省中小微企业"),
            "{l}: {week}"
        );
        // Navigation stops where the activities do.
        assert!(week.contains("week=2022-05-30"), "{l}: a previous week");
        let (_, _, last) = get(&b, &app, "/activities?view=week&week=2022-06-27").await;
        assert!(
            !last.contains("aria-label=\"下一周\""),
            "{l}: no week after the last"
        );
        let (s, _, _) = get(&b, &app, "/activities?view=week&week=2022-13-01").await;
        assert_eq!(s, 422, "{l}");

        // Month view and list view pages; the public campaign page's calendar section.
        let (s, _, month) = get(&b, &app, "/activities?view=month&month=2022-06").await;
        assert_eq!(s, 200, "{l}");
        assert!(
            month.contains("2022年6月")
                && month.contains("<b>10:00</b> 第十五个“世界认可日”主场活动"),
            "{l}"
        );
        let (_, _, page) = get(&b, &app, &format!("/campaigns/{campaign}")).await;
        assert!(
            page.contains("5月—6月") && page.contains("calendar.ics"),
            "{l}"
        );
        let (s, _, ics) = get(&b, &app, &format!("/campaigns/{campaign}/calendar.ics")).await;
        assert_eq!(s, 200, "{l}");
        assert!(
            ics.contains("BEGIN:VTIMEZONE")
                && ics.contains("DTSTART;TZID=Asia/Shanghai:20220609T100000"),
            "{l}"
        );
        assert!(
            ics.contains("DTSTART;VALUE=DATE:20220501"),
            "{l}: the period as whole days"
        );
        assert!(
            !ics.contains("集中收看"),
            "{l}: internal activities stay out of the public feed"
        );
        // The internal activity's page lists its participants per venue.
        let r = gd.get("/api/v1/activities?org=GD").await;
        let internal_id = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["kind"] == "collective_viewing")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let (s, _, html) = get(&c, &app, &format!("/activities/{internal_id}")).await;
        assert_eq!(s, 200, "{l}");
        assert!(
            html.contains("1301会议室")
                && html.contains("执法监督处负责人")
                && html.contains("处室全体人员"),
            "{l}"
        );
        assert_eq!(
            anon.get(&format!("/api/v1/activities/{internal_id}"))
                .await
                .status,
            404,
            "{l}"
        );
        app.finish().await;
    }
}

/// Many people register at once through the API (their registrations are written in
/// batches): the places go to exactly as many as there are, everyone else waits in order of
/// arrival, a bad form or a duplicate in the same rush gets its own error, and the answers
/// agree with what is stored.
#[tokio::test]
async fn a_rush_of_registrations_is_exact() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gd
            .post("/api/v1/activities", training(campaign, "10"))
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let sid = r.body["sessions"][0]["id"].as_i64().unwrap();
        let mut calls = Vec::new();
        for i in 0..60usize {
            let client = gd.clone();
            let body = match i {
                // No name: refused with the field named, alone.
                7 => {
                    let mut p = person(i);
                    p["name"] = json!("");
                    p
                }
                // The same person as number 3.
                40 => person(3),
                _ => person(i),
            };
            calls.push(tokio::spawn(async move {
                client
                    .post(&format!("/api/v1/sessions/{sid}/registrations"), body)
                    .await
            }));
        }
        let mut confirmed = Vec::new();
        let mut waiting = Vec::new();
        let mut refused = Vec::new();
        for (i, call) in calls.into_iter().enumerate() {
            let r = call.await.unwrap();
            match (r.status, r.body["status"].as_str()) {
                (201, Some("confirmed")) => confirmed.push(r.body["id"].as_i64().unwrap()),
                (201, Some("waiting")) => waiting.push((
                    r.body["id"].as_i64().unwrap(),
                    r.body["queue_position"].as_i64().unwrap(),
                )),
                (422, _) => refused.push((i, r.fields(), r.field_code(&r.fields()[0]))),
                other => panic!("{l}: {i}: {other:?} {}", r.text),
            }
        }
        assert_eq!(confirmed.len(), 10, "{l}");
        assert_eq!(waiting.len(), 48, "{l}");
        // Numbers 3 and 40 are the same person: whichever arrived second is refused.
        assert_eq!(refused.len(), 2, "{l}: {refused:?}");
        let (bad, dup): (Vec<_>, Vec<_>) = refused.into_iter().partition(|r| r.0 == 7);
        assert_eq!(
            bad,
            [(7, vec!["name".to_owned()], Some("required".to_owned()))],
            "{l}"
        );
        assert!(
            [3, 40].contains(&dup[0].0)
                && dup[0].1 == ["phone"]
                && dup[0].2.as_deref() == Some("already_registered"),
            "{l}: {dup:?}"
        );
        // Waiting positions are 1..=48 in the order the registrations were stored.
        waiting.sort();
        let positions: Vec<i64> = waiting.iter().map(|w| w.1).collect();
        assert_eq!(positions, (1..=48).collect::<Vec<_>>(), "{l}");
        let stored = gd
            .get(&format!("/api/v1/sessions/{sid}/registrations"))
            .await;
        let stored = stored.body.as_array().unwrap();
        assert_eq!(stored.len(), 58, "{l}: none lost, none extra");
        let stored_confirmed: Vec<i64> = stored
            .iter()
            .filter(|r| r["status"] == "confirmed")
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        confirmed.sort();
        assert_eq!(
            stored_confirmed, confirmed,
            "{l}: the answers are what is stored"
        );
        // The registration mails the test caused are sent, and none fails.
        let pass = app.run_jobs().await;
        assert_eq!(pass.failed, 0, "{}", app.label());
        app.finish().await;
    }
}
