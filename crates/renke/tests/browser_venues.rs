//! Browser test of venues on the activity form: the real `renke demo` server driven by
//! headless Chromium through chromium-driver. Runs when RENKE_TEST_BROWSER=1 (CI sets it);
//! then a missing browser is a failure, never a skip. Guangdong's organiser creates a
//! collective viewing from its notice 253号 with 为每个主送单位设分会场 and finds one 分会场
//! per city bureau the notice is addressed to; the venues page repeats the action without
//! adding any. Screenshots `activity-venues-*.png` at 1366 and 390 px go to
//! `$CARGO_TARGET_TMPDIR/screenshots/` (printed), for a person to look at.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser_support;

use browser_support::{body_text, click, csp_violations, enabled, log_in, shot, start, text};
use fantoccini::{Client, Locator};

/// Types `value` into the input with id `id` (a date-time input gets it as its value, in
/// the form that input keeps).
async fn fill(c: &Client, id: &str, value: &str) {
    let input = c.find(Locator::Id(id)).await.unwrap();
    if input.attr("type").await.unwrap().as_deref() == Some("datetime-local") {
        c.execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![id.into(), value.replace(' ', "T").into()],
        )
        .await
        .unwrap();
    } else {
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }
}

/// Chooses the option with `value` of the select with id `id`.
async fn choose(c: &Client, id: &str, value: &str) {
    click(c, Locator::Css(&format!("#{id} option[value='{value}']"))).await;
}

/// Brings the element with id `id` to the top of the window (for a screenshot).
async fn scroll_to(c: &Client, id: &str) {
    c.execute(
        "document.getElementById(arguments[0]).scrollIntoView();",
        vec![id.into()],
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_activity_form_sets_a_branch_venue_per_addressee() {
    if !enabled() {
        return;
    }
    let b = start(&[], 1366, 900).await;
    let (c, base, shots) = (&b.c, b.base.as_str(), &b.shots);
    log_in(c, base, "gd.organiser", renke_domain::demo::DEMO_PASSWORD).await;

    // Guangdong's notice 253号, addressed to 各地级以上市市场监管局.
    c.goto(&format!("{base}/notices")).await.unwrap();
    let href = c
        .wait()
        .for_element(Locator::XPath(
            "//section[@aria-labelledby='sent-h']//tr[contains(., '253号')]//a[starts-with(@href, '/notices/')]",
        ))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .expect("a link to 253号");
    let notice = href.trim_start_matches("/notices/").to_owned();

    // The form: the activity, its main venue with participants by category, a branch
    // venue for each addressee, one debugging slot.
    c.goto(&format!("{base}/activities/new")).await.unwrap();
    c.wait().for_element(Locator::Id("venues")).await.unwrap();
    click(c, Locator::Css("#campaign_id option:not([value=''])")).await;
    choose(c, "kind", "collective_viewing").await;
    fill(c, "title", "集中收看总局“世界认可日”主场活动（分会场）").await;
    fill(c, "starts_at", "2022-06-09 10:00").await;
    fill(c, "ends_at", "2022-06-09 11:00").await;
    choose(c, "mode", "video_conference").await;
    let notice_field = c.find(Locator::Id("notice_id")).await.unwrap();
    if notice_field.tag_name().await.unwrap() == "select" {
        choose(c, "notice_id", &notice).await;
    } else {
        fill(c, "notice_id", &notice).await;
    }
    choose(c, "venue_kind", "room").await;
    fill(c, "venue_name", "广东省市场监督管理局").await;
    fill(c, "venue_room", "1301会议室").await;
    fill(c, "venue_capacity", "60").await;
    fill(c, "participant_label_0", "省局分管领导").await;
    choose(c, "participant_category_1", "department_heads").await;
    fill(c, "participant_label_1", "有关处室负责人").await;
    choose(c, "participant_category_2", "department_staff").await;
    fill(c, "participant_label_2", "认监处全体人员").await;
    fill(c, "participant_org_2", "GD-RJC").await;
    click(c, Locator::Id("branch_addressees")).await;
    fill(
        c,
        "debug_slot_label_0",
        "总局视频会议联调（省局视频会议系统）",
    )
    .await;
    fill(c, "debug_slot_starts_at_0", "2022-06-08 14:30").await;
    scroll_to(c, "venues").await;
    shot(c, shots, "activity-venues-form-1366.png").await;
    scroll_to(c, "debug-slots").await;
    shot(c, shots, "activity-venues-form-slots-1366.png").await;
    click(
        c,
        Locator::Css("form[action='/activities/new'] button.primary[type=submit]"),
    )
    .await;

    // The activity page: the venue, and one 分会场 per city bureau of Guangdong.
    c.wait().for_element(Locator::Id("venues-h")).await.unwrap();
    let venues = text(c, Locator::Css("section[aria-labelledby='venues-h']")).await;
    let branches = c
        .find_all(Locator::XPath(
            "//section[@aria-labelledby='venues-h']//tr[td[1][normalize-space(.)='分会场']]",
        ))
        .await
        .unwrap()
        .len();
    assert_eq!(branches, 21, "one branch venue per city bureau: {venues}");
    for city in [
        "广州市市场监督管理局",
        "深圳市市场监督管理局",
        "湛江市市场监督管理局",
        "云浮市市场监督管理局",
    ] {
        assert!(venues.contains(city), "{city}: {venues}");
    }
    assert!(
        venues.contains("1301会议室") && venues.contains("认监处全体人员"),
        "{venues}"
    );
    let body = body_text(c).await;
    assert!(
        body.contains("总局视频会议联调（省局视频会议系统）"),
        "the debugging slot: {body}"
    );
    scroll_to(c, "venues-h").await;
    shot(c, shots, "activity-venues-activity-1366.png").await;

    // The venues page: every addressee has its venue; the action again adds none.
    click(c, Locator::Css("a[href$='/venues']")).await;
    c.wait().for_element(Locator::Id("branches")).await.unwrap();
    let branches_card = text(c, Locator::Id("branches")).await;
    assert!(
        branches_card.contains("主送单位 21 个（发起单位除外），其中 0 个尚无会场"),
        "{branches_card}"
    );
    click(c, Locator::Css("#branches button.primary")).await;
    c.wait().for_element(Locator::Css("p.flash")).await.unwrap();
    let flash = text(c, Locator::Css("p.flash")).await;
    assert_eq!(
        flash, "已新增 0 个分会场；21 个主送单位已有会场，保持不变。",
        "a second click adds nothing"
    );
    let count = text(
        c,
        Locator::Css("section[aria-labelledby='venues-h'] p.help"),
    )
    .await;
    assert_eq!(count, "共 22 个会场，其中分会场 21 个。");
    shot(c, shots, "activity-venues-manage-1366.png").await;
    let manage = c.current_url().await.unwrap().to_string();

    // One branch venue's participants, by category.
    click(c, Locator::Css("a[aria-label='修改 深圳市市场监督管理局']")).await;
    c.wait()
        .for_element(Locator::Id("participants"))
        .await
        .unwrap();
    fill(c, "participant_label_0", "市局分管领导").await;
    choose(c, "participant_category_1", "department_heads").await;
    fill(c, "participant_label_1", "认证认可科负责人").await;
    click(
        c,
        Locator::Css("form[action$='/participants'] button.primary"),
    )
    .await;
    c.wait().for_element(Locator::Css("p.flash")).await.unwrap();
    let participants = text(c, Locator::Id("participants")).await;
    let (leaders, heads) = (
        participants.find("市局分管领导"),
        participants.find("认证认可科负责人"),
    );
    assert!(
        leaders.is_some() && heads.is_some() && leaders < heads,
        "grouped by category: {participants}"
    );
    shot(c, shots, "activity-venues-venue-1366.png").await;

    // On a phone: the venues page and the form's fieldset.
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&manage).await.unwrap();
    c.wait().for_element(Locator::Id("branches")).await.unwrap();
    shot(c, shots, "activity-venues-manage-390.png").await;
    scroll_to(c, "add-venue").await;
    shot(c, shots, "activity-venues-add-390.png").await;
    c.goto(&format!("{base}/activities/new")).await.unwrap();
    c.wait().for_element(Locator::Id("venues")).await.unwrap();
    scroll_to(c, "venues").await;
    shot(c, shots, "activity-venues-form-390.png").await;

    assert_eq!(csp_violations(c).await, Vec::<String>::new());
    eprintln!("screenshots in {}", shots.display());
    c.clone().close().await.unwrap();
}
