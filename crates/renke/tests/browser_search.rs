//! Browser test of publicity and search: the real `renke demo` server driven by headless
//! Chromium through chromium-driver. Runs when RENKE_TEST_BROWSER=1 (CI sets it); then a
//! missing browser is a failure, never a skip. Shenzhen's staff upload a photo of their
//! 实验室“云开放” day; Guangdong's organiser accepts and publishes it; it is then in the
//! public download zone; a visitor searches “云开放” on the public page and finds both the
//! campaign's 云开放 activity and the photo, the words marked. Screenshots
//! `search-*.png` go to `$CARGO_TARGET_TMPDIR/screenshots/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser_support;

use browser_support::{
    body_text, click, csp_violations, enabled, log_in, log_out, shot, start, wait_gone,
};
use fantoccini::Locator;

const TITLE: &str = "深圳实验室“云开放”直播现场";

/// An 8 × 8 PNG photo, written to a temporary file for the file input.
fn photo_file(dir: &std::path::Path) -> std::path::PathBuf {
    const PNG: [u8; 74] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x08, 0x02, 0x00, 0x00, 0x00, 0x4B,
        0x6D, 0x29, 0xDC, 0x00, 0x00, 0x00, 0x11, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x38,
        0x61, 0xA3, 0x81, 0x15, 0x31, 0x0C, 0x2D, 0x09, 0x00, 0x76, 0x7B, 0x4B, 0x01, 0x1B, 0x3B,
        0xF9, 0xA7, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];
    let path = dir.join("yunkaifang.png");
    std::fs::write(&path, PNG).unwrap();
    path
}

#[tokio::test]
async fn search_finds_the_published_photo_and_the_activity_on_the_public_page() {
    if !enabled() {
        return;
    }
    let b = start(&[], 1366, 900).await;
    let (c, base, shots) = (&b.c, b.base.as_str(), &b.shots);
    let tmp = tempfile::tempdir().unwrap();
    let file = photo_file(tmp.path());

    // Shenzhen's staff upload the photo.
    log_in(c, base, "gdsz.staff", renke_domain::demo::DEMO_PASSWORD).await;
    c.goto(&format!("{base}/publicity/new")).await.unwrap();
    c.wait().for_element(Locator::Id("title")).await.unwrap();
    click(c, Locator::Css("#campaign_id option:not([value=''])")).await;
    click(c, Locator::Css("#kind option[value='photo']")).await;
    c.find(Locator::Id("title"))
        .await
        .unwrap()
        .send_keys(TITLE)
        .await
        .unwrap();
    c.find(Locator::Id("consent"))
        .await
        .unwrap()
        .send_keys("出镜人员均已书面同意用于宣传")
        .await
        .unwrap();
    c.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    click(
        c,
        Locator::Css("form[action='/publicity/new'] button.primary"),
    )
    .await;
    c.wait()
        .for_element(Locator::XPath(&format!("//a[contains(., '{TITLE}')]")))
        .await
        .unwrap();
    log_out(c).await;

    // Guangdong's organiser accepts and publishes it.
    log_in(c, base, "gd.organiser", renke_domain::demo::DEMO_PASSWORD).await;
    c.goto(&format!("{base}/publicity?tab=review"))
        .await
        .unwrap();
    click(c, Locator::XPath(&format!("//a[contains(., '{TITLE}')]"))).await;
    for step in ["accept", "publish"] {
        let button = format!("form[action$='/step'] input[value='{step}'] + button");
        click(c, Locator::Css(&button)).await;
        wait_gone(c, Locator::Css(&button)).await;
    }
    log_out(c).await;

    // The public page: the photo is in the download zone.
    c.goto(&format!("{base}/")).await.unwrap();
    c.wait().for_element(Locator::Id("public-q")).await.unwrap();
    let page = body_text(c).await;
    assert!(page.contains(TITLE), "the download zone lists the photo");

    // A visitor searches 云开放.
    c.find(Locator::Id("public-q"))
        .await
        .unwrap()
        .send_keys("云开放")
        .await
        .unwrap();
    click(c, Locator::Css("form[role=search] button[type=submit]")).await;
    c.wait()
        .for_element(Locator::Id("results-h"))
        .await
        .unwrap();
    shot(c, shots, "search-public-1366.png").await;
    let results = body_text(c).await;
    assert!(
        results.contains("实验室“云开放”直播活动"),
        "the campaign's 云开放 activity is found: {results}"
    );
    assert!(results.contains(TITLE), "the published photo is found");
    let kinds: Vec<String> = {
        let mut v = Vec::new();
        for li in c.find_all(Locator::Css("li.result")).await.unwrap() {
            v.push(li.attr("data-kind").await.unwrap().unwrap_or_default());
        }
        v
    };
    assert!(
        kinds.iter().any(|k| k == "activity") && kinds.iter().any(|k| k == "material"),
        "{kinds:?}"
    );
    assert!(
        !c.find_all(Locator::Css("li.result mark"))
            .await
            .unwrap()
            .is_empty(),
        "the words found are marked"
    );
    assert_eq!(csp_violations(c).await, Vec::<String>::new());
}
