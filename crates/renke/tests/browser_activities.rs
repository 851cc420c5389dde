//! Browser test of activities: the real `renke demo` server (its clock set to 20 May 2022,
//! while registration is open) driven by headless Chromium through chromium-driver. Runs when RENKE_TEST_BROWSER=1 (CI sets it); then a
//! missing browser is a failure, never a skip. Screenshots go to
//! `$CARGO_TARGET_TMPDIR/screenshots/` (printed), for a person to look at.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser_support;

use browser_support::{body_text, click, csp_violations, enabled, log_in, shot, start, text};
use fantoccini::Locator;

#[tokio::test]
async fn sme_registers_on_a_phone_organiser_checks_in_and_the_board_shows_venues() {
    if !enabled() {
        return;
    }
    // The demo as it starts by default: 2022-06-06 09:00, registration open for the
    // sessions still ahead.
    let mut b = start(&[], 390, 844).await;
    let (c, base, shots) = (&b.c, b.base.as_str(), &b.shots);

    // An SME on a phone: the calendar, the training series, the Zhanjiang regional session
    // (6月8日; Shantou's, on 6月1日, is over).
    c.goto(&format!("{base}/activities")).await.unwrap();
    click(c, Locator::LinkText("全省中小微企业质量管理体系免费培训")).await;
    c.wait()
        .for_element(Locator::Css(".sessions"))
        .await
        .unwrap();
    let body = body_text(c).await;
    assert!(
        body.contains("5月—6月") && body.contains("网上直播课堂"),
        "series page: {body}"
    );
    c.find(Locator::XPath(
        "//li[contains(., '粤西片区现场培训')]//a[contains(@href, '/register')]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait().for_element(Locator::Id("name")).await.unwrap();
    let register_url = c.current_url().await.unwrap().to_string();
    let session_path = register_url
        .trim_start_matches(base)
        .trim_end_matches("/register")
        .to_owned();
    for (id, value) in [
        ("name", "周测试"),
        ("company", "湛江示例包装有限公司"),
        ("position", "质量负责人"),
        ("phone", "13800009999"),
        ("email", "zhou.test@example.org"),
    ] {
        c.find(Locator::Id(id))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    c.find(Locator::Css(
        "#audience_role option[value='quality_manager']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    shot(c, shots, "phone-register.png").await;
    c.find(Locator::Css("form button[type=submit].primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css(".ticket")).await.unwrap();
    let body = body_text(c).await;
    assert!(
        body.contains("报名成功") && body.contains("粤西片区现场培训（湛江）"),
        "confirmation: {body}"
    );
    assert!(
        c.find(Locator::Css(".qr svg")).await.is_ok(),
        "the ticket has a QR code"
    );
    // A short code to read out at the door: two groups of four, no look-alikes.
    let code = text(c, Locator::Id("ticket-code")).await;
    let (first, second) = code.split_once('-').expect("K7M2-Q9XD");
    assert!(
        first.len() == 4
            && second.len() == 4
            && (first.to_owned() + second)
                .chars()
                .all(|ch| renke_domain::activity::TICKET_CODE_ALPHABET.contains(&(ch as u8))),
        "short ticket code: {code}"
    );
    let ticket_width: i64 = c
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    assert!(
        ticket_width <= 390,
        "the ticket fits the phone: {ticket_width}px"
    );
    shot(c, shots, "phone-ticket.png").await;
    c.execute(
        "document.getElementById('ticket-code').scrollIntoView({block: 'center'});",
        vec![],
    )
    .await
    .unwrap();
    shot(c, shots, "phone-ticket-code.png").await;

    // The organiser, on a desktop, sees the registration and checks the person in.
    c.set_window_size(1280, 900).await.unwrap();
    log_in(c, base, "gd.organiser", renke_domain::demo::DEMO_PASSWORD).await;
    c.goto(&format!("{base}{session_path}/registrations"))
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    let body = body_text(c).await;
    assert!(
        body.contains("周测试") && body.contains("湛江示例包装有限公司") && body.contains(&code),
        "registration listed with its code {code}: {body}"
    );
    c.find(Locator::Css("button[aria-label='签到 周测试']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::XPath(
            "//tr[contains(., '周测试')]//span[contains(., '已签到')]",
        ))
        .await
        .unwrap();
    let checked = text(c, Locator::Id("n-checked")).await;
    assert_eq!(checked, "1", "one attendance record");
    let ticket = c
        .find(Locator::XPath(
            "//tr[contains(., '郑演示')]//input[@name='ticket']",
        ))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .expect("郑演示's ticket");
    // Recorded, with a word that 6月6日 is two days early for this session.
    let flash = text(c, Locator::Css("p.flash")).await;
    assert!(
        flash.contains("周测试 · 签到成功") && flash.contains("早于场次开始一小时以上"),
        "{flash}"
    );
    shot(c, shots, "organiser-checked-in.png").await;

    // Guangdong reports its branch venue ready for SAMR's main event; the board shows
    // every province's state.
    c.goto(&format!("{base}/activities")).await.unwrap();
    click(c, Locator::LinkText("第十五个“世界认可日”主场活动")).await;
    c.wait()
        .for_element(Locator::Id("readiness"))
        .await
        .unwrap();
    // Nothing is chosen until the venue says so.
    let ready = Locator::Css("#readiness input[name=readiness][value=ready]");
    assert!(!c.find(ready).await.unwrap().is_selected().await.unwrap());
    click(c, ready).await;
    c.find(Locator::Css("#readiness input[name=test_confirmed]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("#readiness input[name=technician_name]"))
        .await
        .unwrap()
        .send_keys("测试技术员")
        .await
        .unwrap();
    c.find(Locator::Css("#readiness input[name=technician_phone]"))
        .await
        .unwrap()
        .send_keys("020-00000000")
        .await
        .unwrap();
    // The form posts and the page reloads; wait until the old page is gone (its section
    // goes stale) before using the new one, or a click could land on the old page.
    let old_section = c.find(Locator::Id("readiness")).await.unwrap();
    c.find(Locator::Css("#readiness form button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let mut reloaded = false;
    for _ in 0..200 {
        if old_section.text().await.is_err() {
            reloaded = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(reloaded, "the readiness form did not reload the page");
    c.wait()
        .for_element(Locator::Id("readiness"))
        .await
        .unwrap();
    // The save is confirmed and the form shows what was saved.
    let body = body_text(c).await;
    assert!(body.contains("已保存调试报告："), "{body}");
    assert!(c.find(ready).await.unwrap().is_selected().await.unwrap());
    let technician = c
        .find(Locator::Css("#readiness input[name=technician_name]"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(technician.as_deref(), Some("测试技术员"));
    shot(c, shots, "readiness-saved.png").await;
    c.find(Locator::Css("#readiness a.button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("table.board"))
        .await
        .unwrap();
    let board = text(c, Locator::Id("board")).await;
    assert!(
        board.contains("就绪 1 / 未就绪 0 / 未确认 31"),
        "board summary: {board}"
    );
    let gd_row = text(
        c,
        Locator::XPath("//tr[contains(., '广东省市场监督管理局')]"),
    )
    .await;
    assert!(
        gd_row.contains("已就绪") && gd_row.contains("测试技术员"),
        "Guangdong ready: {gd_row}"
    );
    assert!(
        board.contains("新疆生产建设兵团市场监督管理局"),
        "every provincial branch venue: {board}"
    );
    shot(c, shots, "board.png").await;

    // The QR check-in page registers its service worker (scope /sessions/), which keeps
    // the page: with the server gone, a reload still opens it and a check-in is queued.
    c.goto(&format!("{base}{session_path}/checkin"))
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("checkin")).await.unwrap();

    // Online, the ticket of 郑演示 (registered on 6月1日): the line says 签到成功 in words,
    // warns that 6月6日 is long before the session on 6月8日, replaces its 待同步 line, and
    // the count goes up.
    let checked_in = Locator::Id("n-checked");
    let before: u32 = text(c, checked_in).await.parse().unwrap();
    c.find(Locator::Id("ticket"))
        .await
        .unwrap()
        .send_keys(&ticket)
        .await
        .unwrap();
    click(c, Locator::Css("#manual button[type=submit]")).await;
    c.wait()
        .for_element(Locator::XPath("//ol[@id='log']/li[contains(., '郑演示')]"))
        .await
        .unwrap();
    let log = text(c, Locator::Id("log")).await;
    assert!(
        log.contains("郑演示 · 签到成功") && log.contains("早于场次开始一小时以上"),
        "{log}"
    );
    assert!(
        !log.contains("待同步") && !log.contains("recorded"),
        "{log}"
    );
    let after: u32 = text(c, checked_in).await.parse().unwrap();
    assert_eq!(after, before + 1);
    shot(c, shots, "checkin-online-early.png").await;
    let scope = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.serviceWorker.ready.then(r => done(r.scope), e => done('error: ' + e));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        scope.as_str(),
        Some(format!("{base}/sessions/").as_str()),
        "service worker registered"
    );
    // Controlled from the next load on, which the worker keeps.
    c.refresh().await.unwrap();
    c.wait().for_element(Locator::Id("checkin")).await.unwrap();
    let kept = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const look = n => caches.match(location.pathname).then(r => {
               if (r && navigator.serviceWorker.controller) { done(true); }
               else if (n > 0) { setTimeout(() => look(n - 1), 100); } else { done(false); }
             });
             look(50);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(kept, serde_json::json!(true), "the check-in page is cached");
    let base = base.to_owned();
    b.stop_server();
    let (c, shots) = (&b.c, &b.shots);
    assert!(
        reqwest::get(format!("{base}/healthz")).await.is_err(),
        "the server is down"
    );
    c.refresh().await.unwrap();
    c.wait().for_element(Locator::Id("ticket")).await.unwrap();
    let body = body_text(c).await;
    assert!(
        body.contains("扫码签到") && body.contains("粤西片区现场培训"),
        "the check-in page opens offline: {body}"
    );
    c.find(Locator::Id("ticket"))
        .await
        .unwrap()
        .send_keys("0123456789abcdef0123456789abcdef")
        .await
        .unwrap();
    c.find(Locator::Css("#manual button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let mut pending = String::new();
    for _ in 0..50 {
        pending = text(c, Locator::Id("pending")).await;
        if pending == "1" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(pending, "1", "the offline check-in waits in the queue");
    shot(c, shots, "checkin-offline.png").await;

    // Every page and htmx swap of the walk ran under the Content-Security-Policy.
    assert_eq!(csp_violations(c).await, Vec::<String>::new());
    eprintln!("screenshots in {}", shots.display());
    c.clone().close().await.unwrap();
}
