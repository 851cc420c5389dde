//! Activities, continued: the registration e-mails (confirmation and promotion with an
//! iCalendar attachment, waiting-list and cancellation notices). Each write that creates
//! registration messages queues one outbox drain; the worker's drain turns every unsent
//! message into a mail job, and each message is e-mailed exactly once.

use crate::activities::{person, setup, training};
use crate::support::{PASSWORD, TestApp};
use chrono::Duration;
use icalendar::{Calendar, CalendarDateTime, Component, DatePerhapsTime};
use renke_app::mail::Mail;
use serde_json::json;

/// The one `.ics` attachment of `mail`, parsed.
fn ics_of(mail: &Mail) -> Calendar {
    let ics: Vec<_> = mail
        .attachments
        .iter()
        .filter(|a| a.filename.ends_with(".ics"))
        .collect();
    assert_eq!(ics.len(), 1, "one .ics attachment: {mail:?}");
    assert!(ics[0].content_type.starts_with("text/calendar"));
    let text = String::from_utf8(ics[0].data.clone()).unwrap();
    text.parse().unwrap()
}

fn mails_to<'a>(mails: &'a [Mail], to: &str) -> Vec<&'a Mail> {
    mails.iter().filter(|m| m.to == [to]).collect()
}

#[tokio::test]
async fn registration_mails_with_icalendar_attachment() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        // One place; the e-mail address is optional on this form.
        let mut body = training(campaign, "1");
        body["form_fields"] = json!(["name", "company", "phone"]);
        let r = gd.post("/api/v1/activities", body).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let sid = r.body["sessions"][0]["id"].as_i64().unwrap();
        let path = format!("/api/v1/sessions/{sid}/registrations");

        // Confirmed: exactly one mail, with the ticket link and the session as .ics.
        let first = gd.post(&path, person(1)).await;
        assert_eq!(first.body["status"], "confirmed", "{l}: {}", first.text);
        let ticket1 = first.body["ticket"].as_str().unwrap().to_owned();
        assert!(
            app.mails().is_empty(),
            "{l}: sent by the worker, not inline"
        );
        // The drain, then the one e-mail it queued.
        let pass = app.run_jobs().await;
        assert_eq!((pass.done, pass.failed), (2, 0), "{l}");
        let mails = app.mails();
        assert_eq!(mails.len(), 1, "{l}: {mails:?}");
        let m = &mails[0];
        assert_eq!(m.to, ["learner1@example.org"], "{l}");
        assert!(m.subject.contains("报名成功"), "{l}: {}", m.subject);
        assert!(
            m.text.contains(&format!("/tickets/{ticket1}"))
                && m.text.find("您已成功报名") < m.text.find("is confirmed"),
            "{l}: Chinese first, with the ticket link: {}",
            m.text
        );
        let cal = ics_of(m);
        let evs: Vec<_> = cal.events().collect();
        assert_eq!(evs.len(), 1, "{l}");
        assert_eq!(
            evs[0].get_summary(),
            Some("全省中小微企业质量管理体系免费培训（广州片区现场培训）"),
            "{l}"
        );
        match evs[0].get_start() {
            Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid })) => {
                assert_eq!(tzid, "Asia/Shanghai", "{l}");
                assert_eq!(date_time.to_string(), "2022-05-20 09:00:00", "{l}");
            }
            other => panic!("{l}: not in Beijing time: {other:?}"),
        }
        assert!(
            evs[0]
                .get_url()
                .is_some_and(|u| u.ends_with(&format!("/tickets/{ticket1}"))),
            "{l}"
        );

        // Full: the next one gets a waiting-list notice with the position, no .ics; one
        // without an e-mail address gets nothing, and the job still completes.
        let second = gd.post(&path, person(2)).await;
        assert_eq!(second.body["status"], "waiting", "{l}");
        let mut third = person(3);
        third["email"] = json!("");
        let third = gd.post(&path, third).await;
        assert_eq!(third.body["status"], "waiting", "{l}: {}", third.text);
        // Two drains (one per registration), one e-mail.
        let pass = app.run_jobs().await;
        assert_eq!((pass.done, pass.failed), (3, 0), "{l}");
        let mails = app.mails();
        assert_eq!(mails.len(), 2, "{l}: no mail without an address: {mails:?}");
        let w = &mails[1];
        assert_eq!(w.to, ["learner2@example.org"], "{l}");
        assert!(
            w.subject.contains("候补") && w.text.contains("候补名单第 1 位"),
            "{l}: {}",
            w.text
        );
        assert!(w.attachments.is_empty(), "{l}");

        // The first cancels: a cancellation notice to them, exactly one promotion mail with
        // the .ics to the next in line; rerunning the worker sends nothing more.
        let r = gd
            .post(&format!("/api/v1/tickets/{ticket1}/cancel"), json!({}))
            .await;
        assert!(r.status < 300, "{l}: {} {}", r.status, r.text);
        // One drain for the cancellation and its promotion, two e-mails.
        let pass = app.run_jobs().await;
        assert_eq!((pass.done, pass.failed), (3, 0), "{l}");
        let again = app.run_jobs().await;
        assert_eq!((again.done, again.failed), (0, 0), "{l}");
        let mails = app.mails();
        assert_eq!(mails.len(), 4, "{l}: {mails:?}");
        let to1 = mails_to(&mails, "learner1@example.org");
        assert_eq!(to1.len(), 2, "{l}");
        assert!(to1[1].subject.contains("取消"), "{l}: {}", to1[1].subject);
        let to2 = mails_to(&mails, "learner2@example.org");
        let promotions: Vec<_> = to2.iter().filter(|m| m.subject.contains("转正")).collect();
        assert_eq!(promotions.len(), 1, "{l}: exactly one promotion mail");
        assert!(
            promotions[0].text.contains("已自动转为正式报名"),
            "{l}: {}",
            promotions[0].text
        );
        let cal = ics_of(promotions[0]);
        assert_eq!(cal.events().count(), 1, "{l}");

        // The promoted one cancels: the person without an address moves up silently.
        let ticket2 = second.body["ticket"].as_str().unwrap();
        let r = gd
            .post(&format!("/api/v1/tickets/{ticket2}/cancel"), json!({}))
            .await;
        assert!(r.status < 300, "{l}: {}", r.text);
        let pass = app.run_jobs().await;
        assert_eq!((pass.done, pass.failed), (2, 0), "{l}");
        let mails = app.mails();
        assert_eq!(mails.len(), 5, "{l}: only the cancellation to learner2");
        let drains =
            renke_store::jobs::list(app.db(), Some(renke_store::activities::MAIL_JOB), 0, 100)
                .await
                .unwrap();
        assert_eq!(drains.len(), 5, "{l}: one drain per write, not per message");
        assert!(drains.iter().all(|j| j.status == "done"), "{l}: {drains:?}");
        let sent = renke_store::jobs::list(app.db(), Some(renke_app::mail::KIND), 0, 100)
            .await
            .unwrap();
        assert_eq!(sent.len(), 5, "{l}: one mail job per e-mail");
        assert!(sent.iter().all(|j| j.status == "done"), "{l}: {sent:?}");
        app.finish().await;
    }
}

/// Several drains at once, whether two workers each claim one or the same server runs two:
/// every message is handed over once and e-mailed once.
#[tokio::test]
async fn each_registration_message_is_mailed_exactly_once() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gd.post("/api/v1/activities", training(campaign, "3")).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let sid = r.body["sessions"][0]["id"].as_i64().unwrap();
        let path = format!("/api/v1/sessions/{sid}/registrations");
        // Six registrations one after the other: six writes, six drain jobs, six messages.
        for i in 1..=6 {
            let r = gd.post(&path, person(i)).await;
            assert!(r.status < 300, "{l}: {}", r.text);
        }
        let drains =
            renke_store::jobs::list(app.db(), Some(renke_store::activities::MAIL_JOB), 0, 100)
                .await
                .unwrap();
        assert_eq!(drains.len(), 6, "{l}");

        // Two drains racing over the same outbox hand over six messages between them.
        let (a, b) = tokio::join!(
            renke_app::activities::drain_registration_messages(&app.state),
            renke_app::activities::drain_registration_messages(&app.state),
        );
        assert_eq!(
            a.unwrap() + b.unwrap(),
            6,
            "{l}: each message handed over once"
        );
        let queued = renke_store::jobs::list(app.db(), Some(renke_app::mail::KIND), 0, 100)
            .await
            .unwrap();
        assert_eq!(queued.len(), 6, "{l}: one mail job per message: {queued:?}");

        // Two workers run the six drain jobs and the mail jobs at once.
        let w1 = renke_app::jobs::Worker::new(app.state.app.clone(), "worker-1");
        let w2 = renke_app::jobs::Worker::new(app.state.app.clone(), "worker-2");
        let (p1, p2) = tokio::join!(w1.run_once(), w2.run_once());
        let (p1, p2) = (p1.unwrap(), p2.unwrap());
        assert_eq!(p1.failed + p2.failed, 0, "{l}");
        assert_eq!(p1.done + p2.done, 12, "{l}: six drains and six e-mails");
        let mails = app.mails();
        assert_eq!(mails.len(), 6, "{l}: {mails:?}");
        for i in 1..=6 {
            let to = format!("learner{i}@example.org");
            assert_eq!(
                mails_to(&mails, &to).len(),
                1,
                "{l}: exactly one mail to {to}"
            );
        }
        assert_eq!(
            mails
                .iter()
                .filter(|m| m.subject.contains("报名成功"))
                .count(),
            3,
            "{l}"
        );
        assert_eq!(
            mails.iter().filter(|m| m.subject.contains("候补")).count(),
            3,
            "{l}"
        );

        // A later registration is drained by its own job; nothing else is sent again.
        let r = gd.post(&path, person(7)).await;
        assert_eq!(r.body["status"], "waiting", "{l}: {}", r.text);
        let pass = app.run_jobs().await;
        assert_eq!((pass.done, pass.failed), (2, 0), "{l}");
        let mails = app.mails();
        assert_eq!(mails.len(), 7, "{l}");
        assert_eq!(mails_to(&mails, "learner7@example.org").len(), 1, "{l}");
        let again = app.run_jobs().await;
        assert_eq!((again.done, again.failed), (0, 0), "{l}");
        assert_eq!(app.mails().len(), 7, "{l}");
        app.finish().await;
    }
}

/// The text of a PDF as poppler reads it, with whitespace removed (phrases may wrap).
fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[tokio::test]
async fn certificate_of_attendance_after_check_in_only() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gd.post("/api/v1/activities", training(campaign, "5")).await;
        let sid = r.body["sessions"][0]["id"].as_i64().unwrap();
        let r = gd
            .post(&format!("/api/v1/sessions/{sid}/registrations"), person(1))
            .await;
        let ticket = r.body["ticket"].as_str().unwrap().to_owned();
        let other = gd
            .post(&format!("/api/v1/sessions/{sid}/registrations"), person(2))
            .await;
        let anon = app.anonymous();
        let page_url = format!("/tickets/{ticket}/certificate.pdf");
        let api_url = format!("/api/v1/tickets/{ticket}/certificate.pdf");

        // Not checked in: refused with the reason, on the page route and the API.
        let r = anon.get(&api_url).await;
        assert_eq!(r.status, 409, "{l}: {}", r.text);
        assert_eq!(r.body["code"], "not_checked_in", "{l}: {}", r.text);
        let r = anon.get(&page_url).await;
        assert_eq!(r.status, 409, "{l}: {}", r.text);
        assert!(r.text.contains("尚未签到"), "{l}: {}", r.text);
        let (_, _, html) = crate::pages::get(
            &crate::pages::browser(),
            &app,
            &format!("/tickets/{ticket}"),
        )
        .await;
        assert!(
            !html.contains("certificate.pdf"),
            "{l}: no link before check-in"
        );
        let r = anon
            .get("/api/v1/tickets/ffffffffffffffffffffffffffffffff/certificate.pdf")
            .await;
        assert_eq!(r.status, 404, "{l}");

        // Checked in: a PDF naming the person and the activity; the ticket links it.
        let staff = app.login("gd.staff", PASSWORD).await;
        let r = staff
            .post(
                &format!("/api/v1/sessions/{sid}/checkins"),
                json!({"items": [{"client_id": "0b7d4e5f-0000-0000-0000-0000000000c1", "ticket": ticket}]}),
            )
            .await;
        assert_eq!(r.body[0]["outcome"], "recorded", "{l}: {}", r.text);
        // Checked in, but the session (5/20 09:00–12:00) has not ended: not yet.
        let r = anon.get(&api_url).await;
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (409, Some("session_not_ended")),
            "{l}: {}",
            r.text
        );
        let (_, _, html) = crate::pages::get(
            &crate::pages::browser(),
            &app,
            &format!("/tickets/{ticket}"),
        )
        .await;
        assert!(
            !html.contains("certificate.pdf") && html.contains("活动结束后可在此下载参加证明"),
            "{l}: no link before the end"
        );
        app.clock.advance(Duration::days(20));
        let code = renke_store::activities::registration_by_ticket(app.db(), &ticket)
            .await
            .unwrap()
            .code;
        for url in [&page_url, &api_url] {
            let res = anon
                .request(reqwest::Method::GET, url)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 200, "{l} {url}");
            assert_eq!(
                res.headers()["content-type"].to_str().unwrap(),
                "application/pdf",
                "{l}"
            );
            let bytes = res.bytes().await.unwrap();
            let text = pdf_text(&bytes);
            assert!(
                text.contains("学员1")
                    && text.contains("全省中小微企业质量管理体系免费培训")
                    && text.contains("广东省市场监督管理局")
                    && text.contains(&format!("/verify/{code}")),
                "{l} {url}: {text}"
            );
        }
        // The certificate's verification page: public, the name masked; any other code,
        // or a code of a registration without a certificate, finds nothing.
        let shown = format!("{}-{}", &code[..4], &code[4..]);
        for path in [
            format!("/verify/{code}"),
            format!("/verify?code={}", shown.to_lowercase()),
        ] {
            let (s, _, html) = crate::pages::get(&crate::pages::browser(), &app, &path).await;
            assert_eq!(s, 200, "{l} {path}");
            assert!(
                html.contains("证书有效")
                    && html.contains("学*1")
                    && !html.contains("学员1")
                    && html.contains("全省中小微企业质量管理体系免费培训"),
                "{l} {path}: {html}"
            );
        }
        let other_code =
            renke_store::activities::registration(app.db(), other.body["id"].as_i64().unwrap())
                .await
                .unwrap()
                .code;
        for path in [format!("/verify/{other_code}"), "/verify/ZZZZ-ZZZZ".into()] {
            let (s, _, html) = crate::pages::get(&crate::pages::browser(), &app, &path).await;
            assert_eq!(s, 404, "{l} {path}");
            assert!(html.contains("未找到该验证码对应的参加证明"), "{l} {path}");
        }
        let (s, _, html) =
            crate::pages::get(&crate::pages::browser(), &app, "/verify?code=12").await;
        assert_eq!(s, 422, "{l}");
        assert!(html.contains("凭证号应为 8 位字母和数字"), "{l}: {html}");
        let (_, _, html) = crate::pages::get(
            &crate::pages::browser(),
            &app,
            &format!("/tickets/{ticket}"),
        )
        .await;
        assert!(
            html.contains(&page_url),
            "{l}: the ticket links the certificate"
        );
        // The registration mails the test caused are sent, and none fails.
        let pass = app.run_jobs().await;
        assert_eq!(pass.failed, 0, "{}", app.label());
        app.finish().await;
    }
}

#[tokio::test]
async fn check_in_service_worker_is_served_for_the_sessions_scope() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let anon = app.anonymous();
        let r = anon.get("/sessions/checkin-sw.js").await;
        assert_eq!(r.status, 200, "{l}");
        let header = |n: &str| r.headers[n].to_str().unwrap().to_owned();
        assert!(header("content-type").starts_with("text/javascript"), "{l}");
        assert_eq!(header("service-worker-allowed"), "/sessions/", "{l}");
        assert_eq!(header("cache-control"), "no-cache", "{l}");
        assert!(
            r.text.contains("addEventListener(\"fetch\"") && r.text.contains("/static/checkin.js"),
            "{l}: {}",
            r.text
        );
        // The check-in script registers it with that scope.
        let js = anon.get("/static/checkin.js").await;
        assert!(
            js.text
                .contains("register(\"/sessions/checkin-sw.js\", { scope: \"/sessions/\" })"),
            "{l}"
        );
        // Session routes next to it still answer as before.
        assert_eq!(
            anon.get("/sessions/999999/register").await.status,
            404,
            "{l}"
        );
        app.finish().await;
    }
}

/// The `<div class="field …">` of input `id` in a page, for checking that a message sits
/// next to its field.
fn field_block<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no input {id}"));
    let start = html[..at].rfind("<div class=\"field").unwrap();
    let end = at + html[at..].find("</div>").unwrap();
    &html[start..end]
}

#[tokio::test]
async fn activity_pages_create_edit_and_sessions() {
    use crate::pages::{csrf_field, form_login, get, post};
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let cid = campaign.to_string();
        let gd = app.login("gd.org", PASSWORD).await;
        let (c, _) = form_login(&app, "gd.org").await;

        // The calendar offers the form; the form has the campaign, the caller's
        // organisation as owner and host, and the organisations to pick from.
        let (_, _, cal) = get(&c, &app, &format!("/activities?campaign_id={campaign}")).await;
        assert!(
            cal.contains(&format!("href=\"/activities/new?campaign_id={campaign}\"")),
            "{l}"
        );
        let (s, _, form) = get(&c, &app, &format!("/activities/new?campaign_id={campaign}")).await;
        assert_eq!(s, 200, "{l}: {form}");
        assert!(
            form.contains("新建活动")
                && form.contains("id=\"owner_code\" name=\"owner_code\" value=\"GD\"")
                && form.contains("<option value=\"GD\">广东省市场监督管理局</option>")
                && form.contains("<option value=\"host\" selected>主办</option>"),
            "{l}: {form}"
        );
        let token = csrf_field(&form);

        // Bad input: each message next to its field, the values kept, nothing stored.
        let bad = [
            ("_csrf", token.as_str()),
            ("campaign_id", cid.as_str()),
            ("owner_code", "GD"),
            ("kind", "lecture"),
            ("title", "检验检测机构能力验证专题讲座"),
            ("organiser_role", "host"),
            ("organiser_org", "GD"),
            ("organiser_name", ""),
            ("organiser_role", "co_organiser"),
            ("organiser_org", "NOPE"),
            ("organiser_name", ""),
            ("schedule_kind", "window"),
            ("starts_at", "2022-06-09 10:00"),
            ("ends_at", "2022-06-09 09:00"),
            ("mode", "hybrid"),
            ("notice_id", "99999"),
        ];
        let (s, _, back) = post(&c, &app, "/activities/new", &bad).await;
        assert_eq!(s, 422, "{l}: {back}");
        assert!(
            field_block(&back, "ends_at")
                .contains("结束时间（2022-06-09 09:00）必须晚于开始时间（2022-06-09 10:00）"),
            "{l}: {back}"
        );
        assert!(
            field_block(&back, "organiser_org_1").contains("没有名称或编码为“NOPE”的机构"),
            "{l}: {back}"
        );
        assert!(
            field_block(&back, "notice_id").contains("没有编号为 99999 的通知"),
            "{l}: {back}"
        );
        assert!(
            back.contains("value=\"检验检测机构能力验证专题讲座\""),
            "{l}: values kept"
        );
        let listed = gd
            .get(&format!("/api/v1/activities?campaign_id={campaign}"))
            .await;
        assert_eq!(listed.body["total"], 0, "{l}: nothing created");

        // A good one: directory host, named co-organiser, an empty row ignored.
        let good = [
            ("_csrf", token.as_str()),
            ("campaign_id", cid.as_str()),
            ("owner_code", "GD"),
            ("kind", "lecture"),
            ("title", "检验检测机构能力验证专题讲座"),
            ("description", "面向全省检验检测机构"),
            ("organiser_role", "host"),
            ("organiser_org", "GD"),
            ("organiser_name", ""),
            ("organiser_role", "undertaker"),
            ("organiser_org", ""),
            ("organiser_name", "广东省计量科学研究院"),
            ("organiser_role", "guide"),
            ("organiser_org", ""),
            ("organiser_name", ""),
            ("schedule_kind", "window"),
            ("starts_at", "2022-06-09 14:30"),
            ("ends_at", "2022-06-09 16:30"),
            ("mode", "hybrid"),
            ("audience", "检验检测机构质量负责人"),
            ("audience_roles", "quality_manager"),
            ("form_fields", "name"),
            ("form_fields", "phone"),
            ("form_fields", "email"),
            ("public", "on"),
            ("notice_id", ""),
        ];
        let (s, location, body) = post(&c, &app, "/activities/new", &good).await;
        assert_eq!(s, 303, "{l}: {body}");
        let aid: i64 = location
            .strip_prefix("/activities/")
            .and_then(|x| x.parse().ok())
            .unwrap_or_else(|| panic!("{l}: {location}"));
        let a = gd.get(&format!("/api/v1/activities/{aid}")).await.body;
        let organisers: Vec<_> = a["organisers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["role"].as_str().unwrap(),
                    o["name"].as_str().unwrap(),
                    o["org_id"].is_i64(),
                )
            })
            .collect();
        assert_eq!(
            organisers,
            [
                ("host", "广东省市场监督管理局", true),
                ("undertaker", "广东省计量科学研究院", false)
            ],
            "{l}"
        );
        assert_eq!(
            (
                a["kind"].as_str(),
                a["mode"].as_str(),
                a["public"].as_bool()
            ),
            (Some("lecture"), Some("hybrid"), Some(true)),
            "{l}"
        );
        assert_eq!(a["form_fields"], json!(["name", "phone", "email"]), "{l}");

        // Edit: the stored values come back; a period that ends before it starts is
        // refused next to its field; a good edit changes the activity and keeps the host.
        let (s, _, edit) = get(&c, &app, &format!("/activities/{aid}/edit")).await;
        assert_eq!(s, 200, "{l}");
        assert!(
            edit.contains("value=\"检验检测机构能力验证专题讲座\"")
                && edit.contains("id=\"organiser_org_0\" name=\"organiser_org\" value=\"GD\"")
                && edit.contains("type=\"datetime-local\" value=\"2022-06-09T14:30\""),
            "{l}: {edit}"
        );
        let mut changed = good.to_vec();
        changed.retain(|(k, _)| !matches!(*k, "campaign_id" | "owner_code" | "public"));
        for (k, v) in changed.iter_mut() {
            match *k {
                "title" => *v = "检验检测机构能力验证系列讲座",
                "schedule_kind" => *v = "period",
                _ => {}
            }
        }
        let mut bad_period = changed.clone();
        bad_period.extend([("period_from", "2022-05-01"), ("period_to", "2022-04-01")]);
        let (s, _, back) = post(&c, &app, &format!("/activities/{aid}/edit"), &bad_period).await;
        assert_eq!(s, 422, "{l}: {back}");
        assert!(
            field_block(&back, "period_to").contains("field-error"),
            "{l}: {back}"
        );
        let a = gd.get(&format!("/api/v1/activities/{aid}")).await.body;
        assert_eq!(a["title"], "检验检测机构能力验证专题讲座", "{l}: unchanged");
        changed.extend([
            ("period_from", "2022-05-01"),
            ("period_to", "2022-06-30"),
            ("period_label", "5月—6月"),
        ]);
        let (s, location, body) =
            post(&c, &app, &format!("/activities/{aid}/edit"), &changed).await;
        assert_eq!(
            (s, location.as_str()),
            (303, format!("/activities/{aid}").as_str()),
            "{l}: {body}"
        );
        let a = gd.get(&format!("/api/v1/activities/{aid}")).await.body;
        assert_eq!(
            (
                a["title"].as_str(),
                a["schedule_kind"].as_str(),
                a["schedule_label"].as_str(),
                a["public"].as_bool()
            ),
            (
                Some("检验检测机构能力验证系列讲座"),
                Some("period"),
                Some("5月—6月"),
                Some(false)
            ),
            "{l}: {a}"
        );
        assert!(a["organisers"][0]["org_id"].is_i64(), "{l}: host kept");

        // Sessions: one ending before it starts and one closing after its end are refused
        // next to the field; a good one is added.
        let (s, _, sform) = get(&c, &app, &format!("/activities/{aid}/sessions/new")).await;
        assert_eq!(s, 200, "{l}");
        let stoken = csrf_field(&sform);
        let session = |title: &'static str,
                       starts: &'static str,
                       ends: &'static str,
                       cap: &'static str,
                       closes: &'static str| {
            vec![
                ("_csrf", stoken.clone()),
                ("title", title.to_owned()),
                ("starts_at", starts.to_owned()),
                ("ends_at", ends.to_owned()),
                ("capacity", cap.to_owned()),
                ("registration_closes_at", closes.to_owned()),
                ("venue_id", String::new()),
                ("city", "广州".to_owned()),
                ("online_url", String::new()),
            ]
        };
        let send = |path: String, v: Vec<(&'static str, String)>| {
            let c = &c;
            let app = &app;
            async move {
                let pairs: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
                post(c, app, &path, &pairs).await
            }
        };
        let new_path = format!("/activities/{aid}/sessions/new");
        let (s, _, back) = send(
            new_path.clone(),
            session("第一讲", "2022-05-20 09:00", "2022-05-20 08:00", "2", ""),
        )
        .await;
        assert_eq!(s, 422, "{l}: {back}");
        assert!(
            field_block(&back, "ends_at").contains("必须晚于开始时间"),
            "{l}: {back}"
        );
        let (s, _, back) = send(
            new_path.clone(),
            session(
                "第一讲",
                "2022-05-20 09:00",
                "2022-05-20 12:00",
                "2",
                "2022-05-21 09:00",
            ),
        )
        .await;
        assert_eq!(s, 422, "{l}: {back}");
        assert!(
            field_block(&back, "registration_closes_at").contains(
                "报名截止时间（2022-05-21 09:00）不能晚于场次结束时间（2022-05-20 12:00）"
            ),
            "{l}: {back}"
        );
        let a = gd.get(&format!("/api/v1/activities/{aid}")).await.body;
        assert_eq!(
            a["sessions"].as_array().unwrap().len(),
            0,
            "{l}: nothing added"
        );
        let (s, _, back) = send(
            new_path.clone(),
            session(
                "第一讲",
                "2022-05-20 09:00",
                "2022-05-20 12:00",
                "2",
                "2022-05-18 18:00",
            ),
        )
        .await;
        assert_eq!(s, 303, "{l}: {back}");
        let a = gd.get(&format!("/api/v1/activities/{aid}")).await.body;
        let sid = a["sessions"][0]["id"].as_i64().unwrap();
        assert_eq!(a["sessions"][0]["capacity"], 2, "{l}");

        // Two confirmed and one waiting; lowering the capacity below two is refused next to
        // the field and changes nothing (not even the title sent with it); raising it
        // promotes the waiting one.
        for i in 1..=3 {
            let r = gd
                .post(&format!("/api/v1/sessions/{sid}/registrations"), person(i))
                .await;
            assert_eq!(r.status, 201, "{l}: {}", r.text);
        }
        let edit_path = format!("/activities/{aid}/sessions/{sid}/edit");
        let (s, _, sedit) = get(&c, &app, &edit_path).await;
        assert_eq!(s, 200, "{l}");
        assert!(
            sedit.contains("type=\"datetime-local\" value=\"2022-05-18T18:00\""),
            "{l}: {sedit}"
        );
        let (s, _, back) = send(
            edit_path.clone(),
            session(
                "第一讲（改）",
                "2022-05-20 09:00",
                "2022-05-20 12:00",
                "1",
                "2022-05-18 18:00",
            ),
        )
        .await;
        assert_eq!(s, 422, "{l}: {back}");
        assert!(
            field_block(&back, "capacity").contains("名额 1 少于已报名的 2 人"),
            "{l}: {back}"
        );
        let a = gd.get(&format!("/api/v1/activities/{aid}")).await.body;
        assert_eq!(
            (
                a["sessions"][0]["title"].as_str(),
                a["sessions"][0]["capacity"].as_i64()
            ),
            (Some("第一讲"), Some(2)),
            "{l}: nothing changed"
        );
        let (s, _, back) = send(
            edit_path.clone(),
            session(
                "第一讲（改）",
                "2022-05-20 09:00",
                "2022-05-20 12:00",
                "3",
                "2022-05-18 18:00",
            ),
        )
        .await;
        assert_eq!(s, 303, "{l}: {back}");
        let a = gd.get(&format!("/api/v1/activities/{aid}")).await.body;
        assert_eq!(
            (
                a["sessions"][0]["title"].as_str(),
                a["sessions"][0]["capacity"].as_i64(),
                a["sessions"][0]["confirmed"].as_i64(),
                a["sessions"][0]["waiting"].as_i64()
            ),
            (Some("第一讲（改）"), Some(3), Some(3), Some(0)),
            "{l}"
        );
        let promoted = renke_store::activities::message_count(app.db(), sid, "promoted")
            .await
            .unwrap();
        assert_eq!(promoted, 1, "{l}: the waiting one moved up, once");

        // The activity page links the forms for its organiser only.
        let (_, _, page) = get(&c, &app, &format!("/activities/{aid}")).await;
        assert!(
            page.contains(&format!("href=\"/activities/{aid}/edit\""))
                && page.contains(&format!("href=\"{edit_path}\"")),
            "{l}"
        );
        let (other, _) = form_login(&app, "sh.staff").await;
        let (s, _, _) = get(&other, &app, &format!("/activities/{aid}/edit")).await;
        assert_eq!(s, 403, "{l}");
        let (s, _, _) = get(&other, &app, &edit_path).await;
        assert_eq!(s, 403, "{l}");
        // The registration mails the test caused are sent, and none fails.
        let pass = app.run_jobs().await;
        assert_eq!(pass.failed, 0, "{}", app.label());
        app.finish().await;
    }
}
