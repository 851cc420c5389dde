//! Browser test: the real `renke demo` server driven by headless Chromium through
//! chromium-driver (WebDriver). Runs when RENKE_TEST_BROWSER=1 (CI sets it); then a
//! missing browser is a failure, never a skip. Screenshots go to
//! `$CARGO_TARGET_TMPDIR/screenshots/` (printed), for a person to look at.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser_support;

use browser_support::{
    body_text, csp_violations, enabled, log_in, log_out, row_chip, shot, start, text,
};
use fantoccini::Locator;

#[tokio::test]
async fn organiser_logs_in_browses_the_tree_and_reads_the_public_page() {
    if !enabled() {
        return;
    }
    // After every seeded report: 2022-06-28 10:00.
    let b = start(&["--clock", "2022-06-28T10:00:00+08:00"], 1280, 900).await;
    let (c, base, shots) = (&b.c, b.base.as_str(), &b.shots);

    // Log in as the Guangdong organiser.
    log_in(c, base, "gd.organiser", renke_domain::demo::DEMO_PASSWORD).await;
    let body = body_text(c).await;
    assert!(body.contains("欢迎"), "dashboard greets in Chinese: {body}");
    assert!(
        body.contains("广东省市场监督管理局"),
        "acting for Guangdong: {body}"
    );

    // The organisation tree: Guangdong with its city bureaus.
    c.goto(&format!("{base}/orgs")).await.unwrap();
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    let body = body_text(c).await;
    for text in [
        "广东省市场监督管理局",
        "下级机构",
        "深圳市市场监督管理局",
        "广州市市场监督管理局",
        "认监处",
    ] {
        assert!(body.contains(text), "tree page shows {text}: {body}");
    }
    shot(c, shots, "org-tree.png").await;

    // Reporting: Guangdong collects 活动开展情况和宣传报道资料 from its cities. The deadline
    // (2022-06-20) is past, so the missing cities are red; 深圳 was accepted (green), 广州
    // returned (yellow), 佛山 late (red), each chip painted differently.
    c.goto(&format!("{base}/tasks")).await.unwrap();
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    let body = body_text(c).await;
    assert!(
        body.contains("活动开展情况和宣传报道资料"),
        "reporting page lists the task Guangdong collects: {body}"
    );
    c.find(Locator::Css("a[href$='/dashboard']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("#rec-h")).await.unwrap();
    let body = body_text(c).await;
    for text in [
        "应报 21",
        "已报送 3",
        "逾期报送 1",
        "退回修改 1",
        "已采纳 1",
        "未报送 18",
        "深圳市市场监督管理局",
    ] {
        assert!(body.contains(text), "dashboard shows {text}: {body}");
    }
    let mut colours = Vec::new();
    for (unit, class) in [
        ("深圳市市场监督管理局", "green"),
        ("广州市市场监督管理局", "yellow"),
        ("佛山市市场监督管理局", "red"),
    ] {
        let (classes, colour) = row_chip(c, unit).await;
        assert!(
            classes.split_whitespace().any(|k| k == class),
            "{unit}: {classes}"
        );
        colours.push(colour);
    }
    assert!(
        colours[0] != colours[1] && colours[1] != colours[2] && colours[0] != colours[2],
        "{colours:?}"
    );
    shot(c, shots, "task-dashboard.png").await;

    // The month calendar opens on June 2022 (the clock's month, which has activities): the
    // main event on 6月9日 at 10:00 in its day; activities over a period (5月—6月,
    // 6月9日前后) listed once above the grid, in no day cell; no month after June to go to.
    c.goto(&format!("{base}/activities?view=month"))
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("table.month"))
        .await
        .unwrap();
    let heading = text(c, Locator::Id("month-h")).await;
    assert!(heading.contains("2022年6月"), "{heading}");
    let ninth = text(
        c,
        Locator::XPath("//table[contains(@class, 'month')]//td[span[@class='daynum' and .='9']]"),
    )
    .await;
    assert!(
        ninth.contains("10:00") && ninth.contains("主场活动"),
        "{ninth}"
    );
    let strip: Vec<String> = {
        let mut v = Vec::new();
        for a in c.find_all(Locator::Css(".periods li a")).await.unwrap() {
            v.push(a.text().await.unwrap());
        }
        v
    };
    assert!(
        strip.iter().any(|t| t.contains("质量管理体系免费培训")),
        "{strip:?}"
    );
    let grid = text(c, Locator::Css("table.month")).await;
    for title in &strip {
        assert!(!grid.contains(title.as_str()), "{title} is in a day cell");
    }
    assert!(
        c.find(Locator::Css("a[aria-label='下个月']"))
            .await
            .is_err(),
        "no later month"
    );
    assert!(
        c.find(Locator::Css("a[aria-label='上个月']")).await.is_ok(),
        "May has activities"
    );
    shot(c, shots, "calendar-month-june.png").await;
    // The week view opens, on 6月28日, on the week of the last activity with hours
    // (6月6日—12日): the main event under 周四 with its hours; the periods once, above the
    // days; on a phone, one day under another.
    c.goto(&format!("{base}/activities?view=week"))
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("ol.week")).await.unwrap();
    let heading = text(c, Locator::Id("week-h")).await;
    assert!(heading.contains("2022年6月6日—6月12日"), "{heading}");
    let thursday = text(
        c,
        Locator::XPath("//ol[contains(@class, 'week')]/li[h3[contains(., '周四 6月9日')]]"),
    )
    .await;
    assert!(
        thursday.contains("10:00–11:00") && thursday.contains("主场活动"),
        "{thursday}"
    );
    let days = text(c, Locator::Css("ol.week")).await;
    assert!(
        !days.contains("质量管理体系免费培训"),
        "a period in a day: {days}"
    );
    c.execute(
        "document.getElementById('week-days').scrollIntoView();",
        vec![],
    )
    .await
    .unwrap();
    shot(c, shots, "calendar-week-1366.png").await;
    c.set_window_size(390, 844).await.unwrap();
    c.execute(
        "document.getElementById('week-days').scrollIntoView();",
        vec![],
    )
    .await
    .unwrap();
    shot(c, shots, "calendar-week-390.png").await;
    let width: i64 = c
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    assert!(width <= 390, "the week fits a phone: {width}px");
    c.set_window_size(1366, 900).await.unwrap();
    c.goto(&format!("{base}/orgs")).await.unwrap();
    c.wait().for_element(Locator::Css("h1")).await.unwrap();

    // Search by part of a Chinese name: htmx replaces the results as one types (the
    // form without JavaScript is covered by the page tests).
    c.find(Locator::Id("q"))
        .await
        .unwrap()
        .send_keys("深圳")
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#results h2"))
        .await
        .unwrap();
    let results = text(c, Locator::Id("results")).await;
    assert!(
        results.contains("深圳市市场监督管理局"),
        "search finds Shenzhen: {results}"
    );

    // An address that names nothing: the 404 keeps the navigation and speaks Chinese.
    c.goto(&format!("{base}/notices/ingest")).await.unwrap();
    c.wait().for_element(Locator::Css("p.error")).await.unwrap();
    assert!(
        text(c, Locator::Css("p.error"))
            .await
            .contains("没有找到您要的内容。")
    );
    assert!(
        c.find(Locator::Css("nav#nav a[href='/tasks']"))
            .await
            .is_ok()
    );
    shot(c, shots, "error-404-framed.png").await;

    // The public campaign page, without logging out: the themes in full, as the notices
    // give them; 组织单位 names the bureaus that host its public activities (上海市局 hosts
    // seven of Shanghai's eight).
    c.goto(&format!("{base}/")).await.unwrap();
    c.wait().for_element(Locator::Css(".hero")).await.unwrap();
    let body = body_text(c).await;
    for text in [
        "认证认可检验检测：传递质量信任，服务绿色发展",
        "认可：促进经济和环境可持续发展",
        "第十五个",
        "2022年6月9日",
    ] {
        assert!(body.contains(text), "public page shows {text}: {body}");
    }
    let organisers = text(c, Locator::Css("section[aria-labelledby=org-h]")).await;
    for org in [
        "国家市场监督管理总局",
        "广东省市场监督管理局",
        "上海市市场监督管理局",
    ] {
        assert!(organisers.contains(org), "{org} in {organisers}");
    }
    shot(c, shots, "public-campaign.png").await;

    // And in English after the switch.
    c.find(Locator::Css("a.lang"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css(".hero")).await.unwrap();
    let body = body_text(c).await;
    assert!(
        body.contains("World Accreditation Day"),
        "English page: {body}"
    );
    shot(c, shots, "public-campaign-en.png").await;

    // Log out: the public page as a visitor sees it, without the staff navigation.
    log_out(c).await;
    c.goto(&format!("{base}/")).await.unwrap();
    c.wait().for_element(Locator::Css(".hero")).await.unwrap();
    assert!(
        c.find(Locator::Css(".sidenav")).await.is_err(),
        "no staff navigation for visitors"
    );
    shot(c, shots, "public-visitor.png").await;

    assert_eq!(csp_violations(c).await, Vec::<String>::new());
    eprintln!("screenshots in {}", shots.display());
    c.clone().close().await.unwrap();
}

/// The main pages under the Content-Security-Policy: the console shows no refused script,
/// style or eval; htmx still works (with `allowEval: false`) and a confirmation asks first.
#[tokio::test]
async fn pages_run_under_the_content_security_policy() {
    if !enabled() {
        return;
    }
    let b = start(&["--clock", "2022-06-18T09:00:00+08:00"], 1280, 900).await;
    let (c, base) = (&b.c, b.base.as_str());
    let visit = |path: &'static str| async move {
        c.goto(&format!("{base}{path}")).await.unwrap();
        c.wait().for_element(Locator::Css("body")).await.unwrap();
        let seen = csp_violations(c).await;
        assert!(seen.is_empty(), "{path}: {seen:#?}");
    };
    visit("/").await;
    visit("/login").await;

    // The check sees a violation when there is one: an inline script added to the page.
    c.execute(
        "var s = document.createElement('script'); s.textContent = 'window.inlined = 1'; \
         document.body.appendChild(s);",
        vec![],
    )
    .await
    .unwrap();
    let seen = csp_violations(c).await;
    assert!(!seen.is_empty(), "an inline script is refused and logged");
    let ran = c
        .execute("return window.inlined || 0;", vec![])
        .await
        .unwrap();
    assert_eq!(ran, serde_json::json!(0), "the inline script did not run");

    log_in(c, base, "gd.organiser", renke_domain::demo::DEMO_PASSWORD).await;
    for path in [
        "/home",
        "/notices",
        "/tasks",
        "/activities",
        "/activities?view=month",
        "/messages",
        "/orgs",
        "/accounts",
        "/manage/campaigns",
        "/notices/new",
        "/api/docs/",
    ] {
        visit(path).await;
    }
    // A notice, its status and a task's dashboard (indented rows).
    c.goto(&format!("{base}/notices")).await.unwrap();
    let href = c
        .find(Locator::Css(
            "main a[href^='/notices/']:not([href='/notices/new'])",
        ))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    c.goto(&format!("{base}{href}")).await.unwrap();
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    assert_eq!(csp_violations(c).await, Vec::<String>::new(), "{href}");

    // htmx: the organisation search replaces the results as one types.
    c.goto(&format!("{base}/orgs")).await.unwrap();
    c.find(Locator::Id("q"))
        .await
        .unwrap()
        .send_keys("深圳")
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#results h2"))
        .await
        .unwrap();
    assert!(
        c.current_url().await.unwrap().as_str().contains("q="),
        "htmx pushed the URL"
    );
    assert_eq!(csp_violations(c).await, Vec::<String>::new(), "htmx search");

    // A confirmation (data-confirm, no inline handler): dismissing it keeps the token.
    c.goto(&format!("{base}/settings")).await.unwrap();
    c.find(Locator::Id("token-name"))
        .await
        .unwrap()
        .send_keys("csp")
        .await
        .unwrap();
    c.find(Locator::Css("form[action='/settings/tokens'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let revoke = Locator::Css("form[action$='/revoke'] button");
    c.wait()
        .for_element(revoke)
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(c.get_alert_text().await.unwrap().contains("吊销"));
    c.dismiss_alert().await.unwrap();
    assert!(
        c.find(Locator::Css(".chip.grey")).await.is_err(),
        "kept on cancel"
    );
    c.find(revoke).await.unwrap().click().await.unwrap();
    c.accept_alert().await.unwrap();
    c.wait()
        .for_element(Locator::Css(".chip.grey"))
        .await
        .unwrap();
    assert_eq!(csp_violations(c).await, Vec::<String>::new(), "settings");
    c.clone().close().await.unwrap();
}
