//! Browser test of notice import (导入通知): the real `renke demo --without-253` server (the
//! demo without Guangdong's relay of SAMR's notice) driven by headless Chromium through
//! chromium-driver. Runs when RENKE_TEST_BROWSER=1 (CI sets it); then a missing browser is a
//! failure, never a skip. Guangdong's organiser pastes 253号 into the import page, maps
//! nothing by hand, confirms, and finds the four activities, the 6/20 reporting task and
//! the relay link to SAMR's 764号 in the platform; confirming the same notice again is
//! refused with a link to the first. Screenshots `import-*.png` go to
//! `$CARGO_TARGET_TMPDIR/screenshots/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser_support;

use browser_support::{body_text, click, csp_violations, enabled, log_in, shot, start};
use fantoccini::Locator;

const SEED_253: &str = include_str!("../../renke-notice/tests/cases/seed_000_guangdong_relay.txt");

/// Pastes `text` into the import form (replacing what is there) and parses it.
async fn paste_and_parse(c: &fantoccini::Client, base: &str, text: &str) {
    c.goto(&format!("{base}/notices/import")).await.unwrap();
    c.wait().for_element(Locator::Id("text")).await.unwrap();
    let area = c.find(Locator::Id("text")).await.unwrap();
    area.clear().await.unwrap();
    // A paste: the whole text at once (typing 8,000 characters key by key is not what a
    // user does).
    c.execute(
        "const t = document.getElementById('text'); t.value = arguments[0]; \
         t.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![serde_json::json!(text)],
    )
    .await
    .unwrap();
    click(
        c,
        Locator::Css("form[action='/notices/import'] button.primary"),
    )
    .await;
    c.wait()
        .for_element(Locator::Id("confirm-import"))
        .await
        .unwrap();
}

#[tokio::test]
async fn pasting_253_and_confirming_creates_its_activities_task_and_relay_link() {
    if !enabled() {
        return;
    }
    let b = start(&["--without-253"], 1366, 900).await;
    let (c, base, shots) = (&b.c, b.base.as_str(), &b.shots);
    log_in(c, base, "gd.organiser", renke_domain::demo::DEMO_PASSWORD).await;

    // The demo's page starts with a notice to try.
    c.goto(&format!("{base}/notices/import")).await.unwrap();
    let prefilled = c
        .find(Locator::Id("text"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(prefilled.contains("检验检测机构开放日"), "{prefilled:.200}");

    paste_and_parse(c, base, SEED_253).await;
    shot(c, shots, "import-draft").await;
    let page = body_text(c).await;
    assert!(page.contains("粤市监认监〔2022〕253号"), "{page}");
    assert!(page.contains("将作为以下通知的转发"), "{page}");
    // The campaign proposed is the one SAMR's notice belongs to.
    let campaign = c
        .find(Locator::Css("#campaign_id option:checked"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(campaign.contains("世界认可日"), "{campaign}");
    c.execute(
        "document.getElementById('confirm-import').scrollIntoView({block: 'center'});",
        vec![],
    )
    .await
    .unwrap();
    shot(c, shots, "import-confirm").await;
    click(c, Locator::Id("confirm-import")).await;
    c.wait()
        .for_element(Locator::Id("imported-notice"))
        .await
        .unwrap();
    shot(c, shots, "import-done").await;

    let activities = c
        .find_all(Locator::Css("#imported-activities li"))
        .await
        .unwrap();
    assert_eq!(activities.len(), 4, "{}", body_text(c).await);
    let tasks = c
        .find(Locator::Id("imported-tasks"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(tasks.contains("2022-06-20"), "{tasks}");
    let relayed = c
        .find(Locator::Id("relayed-original"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(relayed.contains("764号"), "{relayed}");

    // In the platform: the notice's page links to SAMR's as the one it relays; its tasks
    // page shows the 6/20 task; each activity has its page.
    let first_activity = c
        .find(Locator::Css("#imported-activities li a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    click(c, Locator::Id("imported-notice")).await;
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    let notice_url = c.current_url().await.unwrap();
    let notice_page = body_text(c).await;
    assert!(
        notice_page.contains("市监认证函〔2022〕764号"),
        "{notice_page}"
    );
    shot(c, shots, "import-notice").await;
    c.goto(&format!("{notice_url}/tasks")).await.unwrap();
    let tasks_page = body_text(c).await;
    assert!(tasks_page.contains("2022-06-20"), "{tasks_page}");
    c.goto(&format!("{base}{first_activity}")).await.unwrap();
    let activity = body_text(c).await;
    assert!(
        activity.contains("253号") || activity.contains("世界认可日"),
        "{activity}"
    );

    // The same notice again: the draft says it is in the platform, and links to it.
    paste_and_parse(c, base, SEED_253).await;
    let again = body_text(c).await;
    assert!(again.contains("这份通知已在平台中"), "{again}");
    let button_disabled = c
        .find(Locator::Id("confirm-import"))
        .await
        .unwrap()
        .attr("disabled")
        .await
        .unwrap();
    assert!(button_disabled.is_some());
    assert_eq!(csp_violations(c).await, Vec::<String>::new());
}
