//! Registration details: phone numbers checked as mainland mobiles, landlines with their
//! area code, or Hong Kong and Macau numbers; a person is the same by name with phone (or
//! e-mail), so colleagues sharing a mailbox both register; the short ticket code shown on
//! the ticket, in the list and accepted at check-in; the way back to one's tickets.

use crate::activities::{person, setup, training};
use crate::pages::{browser, csrf_field, get, post};
use crate::support::{PASSWORD, TestApp};
use serde_json::json;

#[tokio::test]
async fn phones_duplicates_short_codes_and_the_way_back() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gd
            .post("/api/v1/activities", training(campaign, "10"))
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let sid = r.body["sessions"][0]["id"].as_i64().unwrap();
        let reg = |body: serde_json::Value| {
            let gd = gd.clone();
            async move {
                gd.post(&format!("/api/v1/sessions/{sid}/registrations"), body)
                    .await
            }
        };

        // Seven digits, a local number without its area code, a foreign number: refused
        // with the field named; nothing is stored.
        for bad in ["1234567", "38835672", "+1 415 555 0100"] {
            let mut p = person(1);
            p["phone"] = json!(bad);
            let r = reg(p).await;
            assert_eq!(
                (r.status, r.field_code("phone").as_deref()),
                (422, Some("invalid_phone_number")),
                "{l} {bad}: {}",
                r.text
            );
        }
        // Mainland landline and mobile, Hong Kong and Macau: accepted.
        for (i, phone) in [
            (1, "020-38835672"),
            (2, "+86 139 0000 0002"),
            (3, "+852 2123 4567"),
            (4, "+853 6612 3456"),
        ] {
            let mut p = person(i);
            p["phone"] = json!(phone);
            let r = reg(p).await;
            assert_eq!(r.status, 201, "{l} {phone}: {}", r.text);
        }
        // Two colleagues on the company's mailbox are two people; the same person under
        // the same number written another way is one.
        let colleague = |name: &str, phone: &str| {
            json!({"name": name, "company": "佛山某电器有限公司", "position": "质量经理",
                   "phone": phone, "email": "info@fs-dianqi.cn", "attendance": "on_site",
                   "audience_role": "quality_manager"})
        };
        let a = reg(colleague("陈小敏", "13800000011")).await;
        let b = reg(colleague("李志强", "13800000012")).await;
        assert_eq!((a.status, b.status), (201, 201), "{l}: {}", b.text);
        let again = reg(colleague("陈 小敏", "138-0000-0011")).await;
        assert_eq!(
            (again.status, again.field_code("phone").as_deref()),
            (422, Some("already_registered")),
            "{l}: {}",
            again.text
        );

        // The short code: 8 characters without look-alikes, on the ticket and the list.
        let code = a.body["code"].as_str().unwrap().to_owned();
        assert!(
            code.len() == 8
                && code
                    .chars()
                    .all(|c| "23456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)),
            "{l}: {code}"
        );
        assert_ne!(code, b.body["code"].as_str().unwrap(), "{l}");
        let shown = format!("{}-{}", &code[..4], &code[4..]);
        let ticket = a.body["ticket"].as_str().unwrap().to_owned();
        let sme = browser();
        let (s, _, html) = get(&sme, &app, &format!("/tickets/{ticket}")).await;
        assert_eq!(s, 200, "{l}");
        assert!(
            html.contains(&format!("id=\"ticket-code\">{shown}<"))
                && !html.contains(&format!(">{ticket}<")),
            "{l}: the ticket shows the short code, not the long key"
        );
        let staff = app.login("gd.staff", PASSWORD).await;
        let list = staff.get(&format!("/sessions/{sid}/registrations")).await;
        assert!(list.text.contains(&shown), "{l}: the list shows the code");

        // Check-in by the code as typed at the door (lower case, dash): recorded, named.
        let r = staff
            .post(
                &format!("/api/v1/sessions/{sid}/checkins"),
                json!({"items": [
                    {"client_id": "c0de0000-0000-0000-0000-000000000001", "ticket": shown.to_lowercase()},
                    {"client_id": "c0de0000-0000-0000-0000-000000000002", "ticket": "ZZZZ-ZZZZ"},
                ]}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(
            (r.body[0]["outcome"].as_str(), r.body[0]["name"].as_str()),
            (Some("recorded"), Some("陈小敏")),
            "{l}: {}",
            r.text
        );
        assert_eq!(r.body[1]["outcome"], "unknown_ticket", "{l}");

        // The way back: by phone, the links go to the e-mail on each registration found.
        app.run_jobs().await;
        let before = app.mails().len();
        let (s, _, form) = get(&sme, &app, "/my-registrations").await;
        assert_eq!(s, 200, "{l}");
        let token = csrf_field(&form);
        let (s, _, html) = post(
            &sme,
            &app,
            "/my-registrations",
            &[("_csrf", token.as_str()), ("contact", "138 0000 0011")],
        )
        .await;
        assert_eq!(s, 200, "{l}");
        assert!(html.contains("电子票链接已发送至报名时填写的邮箱"), "{l}");
        // Unknown: the same answer, no mail. Neither address nor number: refused.
        let (s, _, same) = post(
            &sme,
            &app,
            "/my-registrations",
            &[("_csrf", token.as_str()), ("contact", "nobody@example.org")],
        )
        .await;
        assert!(
            s == 200 && same.contains("电子票链接已发送至报名时填写的邮箱"),
            "{l}"
        );
        let (s, _, bad) = post(
            &sme,
            &app,
            "/my-registrations",
            &[("_csrf", token.as_str()), ("contact", "张三")],
        )
        .await;
        assert!(
            s == 422 && bad.contains("请填写报名时使用的电子邮箱或电话号码"),
            "{l}"
        );
        // Asked twice in ten minutes: one mail.
        post(
            &sme,
            &app,
            "/my-registrations",
            &[("_csrf", token.as_str()), ("contact", "13800000011")],
        )
        .await;
        let pass = app.run_jobs().await;
        assert_eq!(pass.failed, 0, "{l}");
        let mails: Vec<_> = app.mails().into_iter().skip(before).collect();
        assert_eq!(mails.len(), 1, "{l}: {mails:?}");
        assert_eq!(mails[0].to, ["info@fs-dianqi.cn"], "{l}");
        assert!(
            mails[0].text.contains(&format!("/tickets/{ticket}"))
                && mails[0].text.contains(&shown)
                && !mails[0].text.contains(b.body["ticket"].as_str().unwrap()),
            "{l}: only the registration given with that number: {}",
            mails[0].text
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn an_online_session_gives_its_link_from_shortly_before_the_start() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gd
            .post("/api/v1/activities", training(campaign, "10"))
            .await;
        let aid = r.body["id"].as_i64().unwrap();
        // 网上直播课堂（第一讲）, 5/25 14:30–16:30, https://live.example.org/qms-1.
        let sid = r.body["sessions"][1]["id"].as_i64().unwrap();
        let link = "https://live.example.org/qms-1";

        // The form states the only way to attend instead of asking; on site is refused.
        let sme = browser();
        let (_, _, form) = get(&sme, &app, &format!("/sessions/{sid}/register")).await;
        assert!(
            form.contains("id=\"attendance-only\">线上参加<")
                && !form.contains("<select id=\"attendance\""),
            "{l}: {form}"
        );
        let mut p = person(1);
        let r = gd
            .post(&format!("/api/v1/sessions/{sid}/registrations"), p.clone())
            .await;
        assert_eq!(
            (r.status, r.field_code("attendance").as_deref()),
            (422, Some("attendance_not_offered")),
            "{l}: {}",
            r.text
        );
        p["attendance"] = json!("");
        let r = gd
            .post(&format!("/api/v1/sessions/{sid}/registrations"), p)
            .await;
        assert_eq!(
            (r.status, r.body["attendance"].as_str()),
            (201, Some("online")),
            "{l}: {}",
            r.text
        );
        let ticket = r.body["ticket"].as_str().unwrap().to_owned();

        // Days before: the ticket, the mail and the calendar say when the link comes; no
        // page shows it yet.
        let (_, _, html) = get(&sme, &app, &format!("/tickets/{ticket}")).await;
        assert!(
            !html.contains(link)
                && html.contains("观看链接将于 2022-05-25 14:00（北京时间）起在此显示"),
            "{l}: {html}"
        );
        let (_, _, page) = get(&sme, &app, &format!("/activities/{aid}")).await;
        assert!(!page.contains(link), "{l}");
        let (_, _, ics) = get(&sme, &app, &format!("/tickets/{ticket}/event.ics")).await;
        let ics = ics.replace("\r\n ", "").replace("\n ", "");
        assert!(
            !ics.contains(link) && ics.contains("2022-05-25 14:00"),
            "{l}: {ics}"
        );
        app.run_jobs().await;
        let mail = app
            .mails()
            .into_iter()
            .find(|m| m.subject.starts_with("【报名成功】") && m.text.contains("网上直播课堂"))
            .expect("a confirmation");
        assert!(
            !mail.text.contains(link) && mail.text.contains("观看链接将于 2022-05-25 14:00"),
            "{l}: {}",
            mail.text
        );

        // From half an hour before the start: the ticket, the activity page and the
        // calendar give the link.
        // t0 is 5/1 10:00 Beijing time; to 5/25 14:05.
        app.clock
            .advance(chrono::Duration::days(24) + chrono::Duration::minutes(4 * 60 + 5));
        let (_, _, html) = get(&sme, &app, &format!("/tickets/{ticket}")).await;
        assert!(
            html.contains(&format!("id=\"watch\" href=\"{link}\"")),
            "{l}: {html}"
        );
        let (_, _, page) = get(&sme, &app, &format!("/activities/{aid}")).await;
        assert!(page.contains(&format!("href=\"{link}\"")), "{l}");
        let (_, _, ics) = get(&sme, &app, &format!("/tickets/{ticket}/event.ics")).await;
        assert!(ics.contains(link), "{l}: {ics}");
        // And the registrant is mailed the link, once.
        let before = app.mails().len();
        let pass = app.run_jobs().await;
        assert_eq!((pass.links, pass.failed), (1, 0), "{l}");
        let pass = app.run_jobs().await;
        assert_eq!(pass.links, 0, "{l}");
        let mails: Vec<_> = app.mails().into_iter().skip(before).collect();
        assert_eq!(mails.len(), 1, "{l}: {mails:?}");
        assert!(
            mails[0].subject.starts_with("【观看链接】")
                && mails[0].to == ["learner1@example.org"]
                && mails[0].text.contains(link),
            "{l}: {:?}",
            mails[0]
        );
        app.finish().await;
    }
}
