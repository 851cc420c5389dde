//! Browser test of sign-in through the unified identity platform: the real `renke demo`
//! server, configured with `[oidc]` for the OpenID provider `.ci/services` starts (npm's
//! oidc-provider, `.ci/oidc/provider.mjs`), driven by headless Chromium. On the login page
//! the person clicks 统一身份认证登录, signs in at the provider as `zhang.wei` (whose
//! `staff_no` claim is GD-0001, the demo's 工号 of `gd.organiser`), consents, and lands on
//! the home page of 广东省局组织者; logging out ends the provider's session too and comes
//! back to Renke's login page. Runs when RENKE_TEST_BROWSER=1 and RENKE_TEST_OIDC_ISSUER
//! is set (CI sets both). Screenshots `oidc-*.png`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser_support;

use browser_support::{body_text, click, csp_violations, enabled, shot, start};
use fantoccini::Locator;

#[tokio::test]
async fn sign_in_through_the_identity_platform_lands_on_the_linked_home_page() {
    if !enabled() {
        return;
    }
    let Ok(issuer) = std::env::var("RENKE_TEST_OIDC_ISSUER") else {
        eprintln!("RENKE_TEST_OIDC_ISSUER unset: OpenID browser test skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("renke.toml");
    std::fs::write(
        &config,
        format!(
            "[oidc]\nissuer = \"{issuer}\"\nclient_id = \"renke\"\n\
             client_secret = \"renke-ci-secret\"\nlink_claim = \"staff_no\"\n"
        ),
    )
    .unwrap();
    // ID tokens carry today's time: the demo runs on it.
    let config = config.to_str().unwrap();
    let b = start(&["--clock", "now", "--config", config], 1280, 860).await;
    let (c, base, shots) = (&b.c, b.base.as_str(), &b.shots);

    c.goto(&format!("{base}/login")).await.unwrap();
    let button = c
        .wait()
        .for_element(Locator::Id("oidc-login"))
        .await
        .unwrap();
    assert_eq!(button.text().await.unwrap(), "统一身份认证登录");
    shot(c, shots, "oidc-1-login.png").await;
    assert_eq!(csp_violations(c).await, Vec::<String>::new());
    button.click().await.unwrap();

    // The provider's own pages: its login form (any password), then consent.
    let login = c
        .wait()
        .for_element(Locator::Css("input[name=login]"))
        .await
        .unwrap();
    assert!(c.current_url().await.unwrap().as_str().starts_with(&issuer));
    login.send_keys("zhang.wei").await.unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys("any-password")
        .await
        .unwrap();
    shot(c, shots, "oidc-2-provider.png").await;
    click(c, Locator::Css("button[type=submit]")).await;
    c.wait()
        .for_element(Locator::Css("input[name=prompt][value=consent]"))
        .await
        .unwrap();
    click(c, Locator::Css("button[type=submit]")).await;

    // Back at Renke: the home page of the linked account.
    c.wait()
        .for_element(Locator::Css(".sidenav"))
        .await
        .unwrap();
    let url = c.current_url().await.unwrap();
    assert_eq!(url.as_str(), format!("{base}/home"));
    let text = body_text(c).await;
    assert!(text.contains("广东省局组织者（演示）"), "{text}");
    shot(c, shots, "oidc-3-home.png").await;

    // Logging out ends the provider's session too (its confirmation page), then comes
    // back to Renke's login page.
    click(c, Locator::Css("form[action='/logout'] button")).await;
    let yes = c
        .wait()
        .for_element(Locator::Css("button[value=yes]"))
        .await
        .unwrap();
    shot(c, shots, "oidc-4-provider-logout.png").await;
    yes.click().await.unwrap();
    c.wait()
        .for_element(Locator::Id("oidc-login"))
        .await
        .unwrap();
    let url = c.current_url().await.unwrap();
    assert!(url.as_str().starts_with(&format!("{base}/login")), "{url}");
    c.goto(&format!("{base}/home")).await.unwrap();
    c.wait()
        .for_element(Locator::Id("oidc-login"))
        .await
        .unwrap();
}
