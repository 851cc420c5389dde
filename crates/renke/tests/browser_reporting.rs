//! Browser walk of the reporting cascade: the real `renke demo` server (its clock set to
//! 18 June 2022, two days before Guangdong's 6月20日 deadline) driven by headless Chromium
//! through chromium-driver. A Guangdong city bureau acknowledges 粤市监认监〔2022〕253号 and
//! submits its summary; the Guangdong organiser sees it counted on the dashboard and returns
//! a submission for revision. Runs when RENKE_TEST_BROWSER=1 (CI sets it); then a missing
//! browser is a failure, never a skip. Screenshots go to `$CARGO_TARGET_TMPDIR/screenshots/`
//! (printed), for a person to look at.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser_support;

use browser_support::{
    body_text, click, csp_violations, download, enabled, log_in, log_out, pdf_text, row_chip, shot,
    start, wait_gone,
};
use fantoccini::{Client, Locator};

/// The number after `label` in the dashboard's total counts (`应报 21 · 已签收 …`).
async fn total(c: &Client, label: &str) -> u32 {
    let counts = c
        .find(Locator::Css("section[aria-labelledby=tot-h] .counts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let rest = counts
        .split(label)
        .nth(1)
        .unwrap_or_else(|| panic!("no {label} in the counts: {counts}"));
    rest.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number after {label}: {counts}"))
}

/// The logged-in organiser gives organisation `org_code` a staff account (password the
/// demo's) through the accounts page, as a person would.
async fn add_staff_account(c: &Client, base: &str, login: &str, name: &str, org_code: &str) {
    c.goto(&format!("{base}/orgs")).await.unwrap();
    click(c, Locator::Css("a[href^='/accounts']")).await;
    c.wait().for_element(Locator::Id("org_code")).await.unwrap();
    for (id, value) in [
        ("login", login),
        ("display_name", name),
        ("org_code", org_code),
        ("password", renke_domain::demo::DEMO_PASSWORD),
    ] {
        // The organisation code starts filled in with the organiser's own.
        let input = c.find(Locator::Id(id)).await.unwrap();
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }
    click(c, Locator::Css("#role option[value='staff']")).await;
    click(
        c,
        Locator::XPath("//form[starts-with(@action, '/accounts?')]//button[@type='submit']"),
    )
    .await;
    c.wait()
        .for_element(Locator::XPath(&format!("//code[text()='{login}']")))
        .await
        .unwrap();
}

/// 报送… on a task page: the preview of what will be sent opens.
async fn open_preview(c: &Client) {
    click(c, Locator::Css("button[name=action][value=review]")).await;
    c.wait()
        .for_element(Locator::Id("confirm-submit"))
        .await
        .unwrap();
}

/// 确认报送 on the preview: the submission is sent and its page opens.
async fn send_previewed(c: &Client) {
    click(c, Locator::Id("confirm-submit")).await;
    c.wait()
        .for_element(Locator::XPath("//*[contains(., '已报送')]"))
        .await
        .unwrap();
}

/// On a submission's page, the reviewer returns it with `reason` and sees the reason shown.
async fn return_with_reason(c: &Client, reason: &str) {
    c.find(Locator::Id("reason"))
        .await
        .unwrap()
        .send_keys(reason)
        .await
        .unwrap();
    click(
        c,
        Locator::XPath("//form[.//input[@name='decision'][@value='return']]//button"),
    )
    .await;
    c.wait()
        .for_element(Locator::XPath(&format!("//*[contains(., '{reason}')]")))
        .await
        .unwrap();
}

/// Opens Guangdong's task dashboard from the reporting page, as the organiser would.
async fn open_dashboard(c: &Client, base: &str) {
    c.goto(&format!("{base}/tasks")).await.unwrap();
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    click(c, Locator::Css("a[href$='/dashboard']")).await;
    c.wait().for_element(Locator::Css("#rec-h")).await.unwrap();
}

#[tokio::test]
async fn city_bureau_acknowledges_and_submits_the_province_counts_and_returns() {
    if !enabled() {
        return;
    }
    let b = start(&["--clock", "2022-06-18T10:00:00+08:00"], 1280, 900).await;
    let (c, base, shots) = (&b.c, b.base.as_str(), &b.shots);
    let pw = renke_domain::demo::DEMO_PASSWORD;

    // The organiser looks at the dashboard first, and gives 珠海 (which has not acknowledged
    // 253号) an account through the accounts page.
    log_in(c, base, "gd.organiser", pw).await;
    open_dashboard(c, base).await;
    let before_submitted = total(c, "已报送").await;
    let before_acknowledged = total(c, "已签收").await;
    let before_on_time = total(c, "按时").await;
    assert_eq!(
        total(c, "应报").await,
        21,
        "Guangdong expects its 21 cities"
    );
    let (class, _) = row_chip(c, "珠海市市场监督管理局").await;
    assert!(
        class.split_whitespace().any(|k| k == "yellow"),
        "珠海 has not reported two days before the deadline: due soon, yellow ({class})"
    );
    let body = body_text(c).await;
    assert!(body.contains("3天内到期"), "due-soon count shown: {body}");

    add_staff_account(c, base, "gdzh.staff", "珠海市局工作人员（测试）", "GD-ZH").await;
    log_out(c).await;

    // 1. 珠海 opens its inbox, reads and acknowledges the notice.
    log_in(c, base, "gdzh.staff", pw).await;
    c.goto(&format!("{base}/notices")).await.unwrap();
    click(
        c,
        Locator::XPath(
            "//tr[td[contains(., '粤市监认监〔2022〕253号')]]//a[starts-with(@href, '/notices/')]",
        ),
    )
    .await;
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    let body = body_text(c).await;
    assert!(
        body.contains("未签收") && body.contains("请于6月20日前将活动开展情况"),
        "the notice, not yet acknowledged: {body}"
    );
    shot(c, shots, "reporting-notice-before-ack.png").await;
    click(c, Locator::Css("form[action$='/acknowledge'] button")).await;
    // The page after 签收 has no acknowledgement button; wait for that, not for a chip the
    // page before may show too.
    wait_gone(c, Locator::Css("form[action$='/acknowledge']")).await;
    c.wait()
        .for_element(Locator::Css(".chip.green"))
        .await
        .unwrap();
    let body = body_text(c).await;
    assert!(body.contains("已签收"), "acknowledged: {body}");
    shot(c, shots, "reporting-notice.png").await;

    // The notice's PDF, fetched as the 下载 PDF link would, rendered to PNG for a person to look at.
    let href = c
        .find(Locator::Css("a[href$='/pdf']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let hex = c
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => done(Array.from(new Uint8Array(b), \
             x => x.toString(16).padStart(2, '0')).join('')));",
            vec![serde_json::json!(href)],
        )
        .await
        .unwrap();
    let hex = hex.as_str().unwrap();
    let pdf: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    assert!(pdf.starts_with(b"%PDF"), "the notice downloads as a PDF");
    let pdf_path = shots.join("reporting-notice.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    let rendered = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1"])
        .arg(&pdf_path)
        .arg(shots.join("reporting-notice-pdf"))
        .status()
        .expect("pdftoppm (poppler-utils) renders the notice PDF");
    assert!(rendered.success(), "pdftoppm renders the notice PDF");

    // The notice's tasks, the task, the summary written and submitted.
    click(c, Locator::Css("a[href$='/tasks'].button")).await;
    click(c, Locator::LinkText("活动开展情况和宣传报道资料")).await;
    c.wait().for_element(Locator::Id("summary")).await.unwrap();
    let summary = "珠海市局6月9日组织收看总局主场活动，举办检验检测机构开放日2场，\
                   走访中小微企业12家，发布宣传报道5篇。";
    c.find(Locator::Id("summary"))
        .await
        .unwrap()
        .send_keys(summary)
        .await
        .unwrap();
    for (id, value) in [
        ("activities", "3"),
        ("participants", "260"),
        ("publicity_items", "5"),
    ] {
        c.find(Locator::Id(id))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    let count = c
        .find(Locator::Id("summary-count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        count.contains(&format!(
            "字数 {}",
            renke_domain::text::reading_len(summary)
        )),
        "the character count follows the typing: {count}"
    );
    shot(c, shots, "reporting-task-form.png").await;
    // 报送 first shows what will be sent; only the confirmation sends it.
    open_preview(c).await;
    let body = body_text(c).await;
    assert!(
        body.contains("将报送的内容")
            && body.contains("走访中小微企业12家")
            && body.contains("第 1 版"),
        "the preview shows what will be sent: {body}"
    );
    shot(c, shots, "reporting-submission-confirm.png").await;
    send_previewed(c).await;
    let body = body_text(c).await;
    assert!(
        body.contains("走访中小微企业12家"),
        "the submission shows the summary: {body}"
    );
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/tasks/submissions/"),
        "submitting leads to the submission page"
    );
    shot(c, shots, "reporting-submission-city.png").await;
    log_out(c).await;

    // 2. The organiser: the submission counted once, on time; 珠海's chip green.
    log_in(c, base, "gd.organiser", pw).await;
    open_dashboard(c, base).await;
    assert_eq!(total(c, "已报送").await, before_submitted + 1);
    assert_eq!(total(c, "已签收").await, before_acknowledged + 1);
    assert_eq!(total(c, "按时").await, before_on_time + 1);
    let (class, green) = row_chip(c, "珠海市市场监督管理局").await;
    assert!(
        class.split_whitespace().any(|k| k == "green"),
        "珠海 reported on time: green ({class})"
    );
    let (class, yellow) = row_chip(c, "江门市市场监督管理局").await;
    assert!(
        class.split_whitespace().any(|k| k == "yellow"),
        "江门 still missing, due soon: yellow ({class})"
    );
    // 佛山 has not reported yet on 6月18日 (its late report comes on the 22nd; the demo
    // walk at 6月28日 sees it red).
    let (class, _) = row_chip(c, "佛山市市场监督管理局").await;
    assert!(
        class.split_whitespace().any(|k| k == "yellow"),
        "佛山 still missing, due soon: yellow ({class})"
    );
    assert!(
        green != yellow,
        "the chips are painted differently: {green} {yellow}"
    );
    shot(c, shots, "reporting-dashboard.png").await;

    // Return 珠海's submission for revision, with a reason.
    click(
        c,
        Locator::XPath(
            "//section[@aria-labelledby='rec-h']//tr[td[1][contains(., '珠海市市场监督管理局')]]//a[starts-with(@href, '/tasks/submissions/')]",
        ),
    )
    .await;
    c.wait().for_element(Locator::Id("reason")).await.unwrap();
    shot(c, shots, "reporting-submission.png").await;
    return_with_reason(c, "请补充活动照片和媒体报道链接。").await;
    let body = body_text(c).await;
    assert!(body.contains("退回修改"), "returned for revision: {body}");
    shot(c, shots, "reporting-submission-returned.png").await;

    open_dashboard(c, base).await;
    let (class, _) = row_chip(c, "珠海市市场监督管理局").await;
    assert!(
        class.split_whitespace().any(|k| k == "yellow"),
        "the returned unit is yellow ({class})"
    );
    let returned = total(c, "退回修改").await;
    assert_eq!(returned, 2, "广州 and now 珠海 returned");

    // 3. The reminder plan and the messages.
    click(c, Locator::Css("a[href$='/reminders']")).await;
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    let body = body_text(c).await;
    assert!(body.contains("催办"), "reminder plan page: {body}");
    shot(c, shots, "reporting-reminders.png").await;
    c.goto(&format!("{base}/messages")).await.unwrap();
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    shot(c, shots, "reporting-messages.png").await;
    log_out(c).await;

    // 珠海 sees the reminder it was sent and the reason its submission came back.
    log_in(c, base, "gdzh.staff", pw).await;
    c.goto(&format!("{base}/messages")).await.unwrap();
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    shot(c, shots, "reporting-messages-city.png").await;
    c.goto(&format!("{base}/tasks")).await.unwrap();
    click(c, Locator::LinkText("活动开展情况和宣传报道资料")).await;
    c.wait().for_element(Locator::Id("summary")).await.unwrap();
    // The task page says why, above everything else, and so does the submission page.
    let note = c
        .find(Locator::Id("returned"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        note.contains("退回原因：请补充活动照片和媒体报道链接。") && note.contains("退回人"),
        "the task page shows the return reason: {note}"
    );
    shot(c, shots, "reporting-task-returned-city.png").await;
    click(c, Locator::LinkText("查看全部版本")).await;
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    let body = body_text(c).await;
    assert!(
        body.contains("退回修改") && body.contains("请补充活动照片和媒体报道链接。"),
        "the city sees why it was returned: {body}"
    );
    let note = c
        .find(Locator::Id("returned"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        note.contains("请补充活动照片和媒体报道链接。"),
        "the submission page shows the return reason: {note}"
    );
    shot(c, shots, "reporting-submission-returned-city.png").await;

    // Every page and htmx swap of the walk ran under the Content-Security-Policy.
    assert_eq!(csp_violations(c).await, Vec::<String>::new());
    eprintln!("screenshots in {}", shots.display());
    c.clone().close().await.unwrap();
}

/// SAMR's organiser sits in 认证监管司, a department under 总局: it works 总局's notice
/// 764号 — finds it in the 通知 list, reads its 签收情况 and the national dashboard — as
/// the bureau's own organiser would.
#[tokio::test]
async fn the_national_organiser_in_a_department_works_samrs_notice() {
    if !enabled() {
        return;
    }
    let b = start(&["--clock", "2022-06-18T10:00:00+08:00"], 1366, 900).await;
    let (c, base, shots) = (&b.c, b.base.as_str(), &b.shots);
    log_in(c, base, "samr.organiser", renke_domain::demo::DEMO_PASSWORD).await;
    c.goto(&format!("{base}/notices")).await.unwrap();
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    let body = body_text(c).await;
    assert!(
        !body.contains("本单位还没有发文") && body.contains("市监认证函〔2022〕764号"),
        "the department lists its bureau's notices: {body}"
    );
    shot(c, shots, "samr-organiser-notices.png").await;
    click(
        c,
        Locator::XPath("//a[contains(., '第十五个“世界认可日”')]"),
    )
    .await;
    click(c, Locator::Css("a[href$='/status']")).await;
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    let body = body_text(c).await;
    assert!(
        body.contains("签收情况") && body.contains("广东省市场监督管理局"),
        "764号's 签收情况 opens for the department: {body}"
    );
    shot(c, shots, "samr-organiser-notice-status.png").await;
    c.goto(&format!("{base}/tasks")).await.unwrap();
    click(
        c,
        Locator::XPath("//tr[td[a[text()='活动开展情况']]]//a[contains(@href, '/dashboard')]"),
    )
    .await;
    c.wait().for_element(Locator::Css("#rec-h")).await.unwrap();
    assert!(total(c, "应报").await >= 32, "the national dashboard opens");
    shot(c, shots, "samr-organiser-national-dashboard.png").await;
    // What Guangdong's cities submitted to Guangdong is readable from SAMR's side too (the
    // demo's first submission is 深圳's), though only Guangdong reviews it.
    c.goto(&format!("{base}/tasks/submissions/1"))
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    let body = body_text(c).await;
    assert!(body.contains("深圳市市场监督管理局"), "{body}");
    let review_forms = c
        .find_all(Locator::Css("form[action$='/review']"))
        .await
        .unwrap();
    assert!(review_forms.is_empty(), "no review actions for SAMR");
    assert_eq!(csp_violations(c).await, Vec::<String>::new());
    c.clone().close().await.unwrap();
}

/// The roll-up to the top: Guangdong compiles its cities' accepted reports and sends its
/// own up; SAMR's dashboard counts the 32 provinces (53 with Guangdong's cities, one click
/// away); SAMR accepts Guangdong's report and compiles the national summary, whose page
/// draws real tables and whose PDF names 广东省.
#[tokio::test]
async fn the_provinces_reports_roll_up_into_samrs_national_summary() {
    if !enabled() {
        return;
    }
    let b = start(&["--clock", "2022-06-18T10:00:00+08:00"], 1366, 900).await;
    let (c, base, shots) = (&b.c, b.base.as_str(), &b.shots);
    // Guangdong: compile 深圳's accepted report into its answer to 764号's 活动开展情况 (the
    // demo's task 2, which Guangdong relayed to its cities), send it.
    log_in(c, base, "gd.organiser", renke_domain::demo::DEMO_PASSWORD).await;
    c.goto(&format!("{base}/tasks/2")).await.unwrap();
    click(c, Locator::Css("form[action='/tasks/2/compile'] button")).await;
    c.wait()
        .for_element(Locator::XPath("//*[contains(., '由下级报送汇总')]"))
        .await
        .unwrap();
    open_preview(c).await;
    send_previewed(c).await;
    log_out(c).await;

    // SAMR's organiser (in 认证监管司): the national dashboard counts the provinces.
    log_in(c, base, "samr.organiser", renke_domain::demo::DEMO_PASSWORD).await;
    c.goto(&format!("{base}/tasks/2/dashboard")).await.unwrap();
    c.wait().for_element(Locator::Css("#rec-h")).await.unwrap();
    assert!(
        body_text(c).await.contains("截止时间 及时报送"),
        "764号 sets no date"
    );
    assert_eq!(
        total(c, "应报").await,
        32,
        "the provinces, not their cities"
    );
    shot(c, shots, "national-dashboard-direct.png").await;
    click(c, Locator::XPath("//a[contains(., '含各级转发')]")).await;
    wait_gone(c, Locator::XPath("//a[contains(., '含各级转发')]")).await;
    assert_eq!(total(c, "应报").await, 53, "with Guangdong's 21 cities");
    shot(c, shots, "national-dashboard-all-levels.png").await;
    // Guangdong's report is accepted.
    c.goto(&format!("{base}/tasks/2/dashboard?filter=submitted"))
        .await
        .unwrap();
    click(
        c,
        Locator::XPath(
            "//section[@aria-labelledby='rec-h']//tr[td[1][contains(., '广东省')]]//a[contains(@href, '/tasks/submissions/')]",
        ),
    )
    .await;
    click(
        c,
        Locator::XPath("//form[.//input[@name='decision'][@value='accept']]//button"),
    )
    .await;
    wait_gone(
        c,
        Locator::XPath("//form[.//input[@name='decision'][@value='accept']]"),
    )
    .await;
    // The national summary.
    c.goto(&format!("{base}/tasks/2")).await.unwrap();
    click(c, Locator::Css("form[action='/tasks/2/compile'] button")).await;
    click(c, Locator::XPath("//a[contains(., '查看汇总报告')]")).await;
    c.wait()
        .for_element(Locator::Css(".report table"))
        .await
        .unwrap();
    let body = body_text(c).await;
    assert!(
        body.contains("本级汇总报告") && body.contains("（一）广东省市场监督管理局"),
        "{body}"
    );
    assert!(
        !body.contains(" | ") && !body.contains("/tasks/submissions/"),
        "tables and links, not pipes and paths: {body}"
    );
    let headers = c
        .find(Locator::Css(".report table th"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(headers, "单位");
    shot(c, shots, "national-summary.png").await;
    let pdf = c
        .find(Locator::Css("a[href$='/report.pdf']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let text = pdf_text(&download(c, base, &pdf).await);
    assert!(
        text.contains("广东省市场监督管理局") && text.contains("第1版"),
        "Guangdong's report, by version: {text}"
    );
    assert_eq!(csp_violations(c).await, Vec::<String>::new());
    c.clone().close().await.unwrap();
}

/// Writes a small file for an upload field and returns its path.
fn upload_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

/// 惠州 acknowledges 253号 and sends its report as a PDF; Guangdong returns it; 惠州 adds a
/// photo and sends again. The second version keeps the PDF: attached files stay unless
/// ticked 移除, and the preview says so before anything is sent.
#[tokio::test]
async fn huizhou_resubmits_with_a_photo_and_keeps_its_report_pdf() {
    if !enabled() {
        return;
    }
    let b = start(&["--clock", "2022-06-18T10:00:00+08:00"], 1366, 900).await;
    let (c, base, shots) = (&b.c, b.base.as_str(), &b.shots);
    let pw = renke_domain::demo::DEMO_PASSWORD;
    let pdf = upload_file(
        shots,
        "惠州市活动总结.pdf",
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
    );
    let photo = upload_file(
        shots,
        "开放日照片.jpg",
        b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xFF\xD9",
    );
    log_in(c, base, "gdhz.staff", pw).await;
    c.goto(&format!("{base}/notices")).await.unwrap();
    click(
        c,
        Locator::XPath(
            "//tr[td[contains(., '粤市监认监〔2022〕253号')]]//a[starts-with(@href, '/notices/')]",
        ),
    )
    .await;
    click(c, Locator::Css("form[action$='/acknowledge'] button")).await;
    wait_gone(c, Locator::Css("form[action$='/acknowledge']")).await;
    c.goto(&format!("{base}/tasks")).await.unwrap();
    click(c, Locator::LinkText("活动开展情况和宣传报道资料")).await;
    c.wait().for_element(Locator::Id("summary")).await.unwrap();
    c.find(Locator::Id("summary"))
        .await
        .unwrap()
        .send_keys("惠州市局举办检验检测机构开放日1场。")
        .await
        .unwrap();
    c.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&pdf)
        .await
        .unwrap();
    open_preview(c).await;
    assert!(body_text(c).await.contains("惠州市活动总结.pdf"));
    send_previewed(c).await;
    let submission = c.current_url().await.unwrap().path().to_owned();
    log_out(c).await;

    // Guangdong is told: the worker's digest (a pass every few seconds) writes it a message.
    log_in(c, base, "gd.organiser", pw).await;
    let mut told = String::new();
    for _ in 0..40 {
        c.goto(&format!("{base}/messages")).await.unwrap();
        c.wait().for_element(Locator::Css("h1")).await.unwrap();
        told = body_text(c).await;
        if told.contains("惠州市市场监督管理局 报送了第1版") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(
        told.contains("收到新的报送") && told.contains("惠州市市场监督管理局 报送了第1版"),
        "Guangdong's messages name 惠州's submission: {told}"
    );
    shot(c, shots, "reporting-submission-received.png").await;
    c.goto(&format!("{base}{submission}")).await.unwrap();
    c.wait().for_element(Locator::Id("reason")).await.unwrap();
    return_with_reason(c, "请补充活动照片。").await;
    log_out(c).await;

    // 惠州 adds the photo; the report stays attached, with its own 移除 box unticked.
    log_in(c, base, "gdhz.staff", pw).await;
    c.goto(&format!("{base}/tasks")).await.unwrap();
    click(c, Locator::LinkText("活动开展情况和宣传报道资料")).await;
    c.wait().for_element(Locator::Id("attached")).await.unwrap();
    let attached = c
        .find(Locator::Id("attached"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        attached.contains("惠州市活动总结.pdf") && attached.contains("移除"),
        "{attached}"
    );
    c.find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&photo)
        .await
        .unwrap();
    let help = c
        .find(Locator::Id("file-help"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(help.contains("添加到上面已有的附件之后"), "{help}");
    shot(c, shots, "reporting-resubmit-form.png").await;
    open_preview(c).await;
    let preview = body_text(c).await;
    assert!(
        preview.contains("第 2 版")
            && preview.contains("惠州市活动总结.pdf")
            && preview.contains("开放日照片.jpg"),
        "the preview lists both files: {preview}"
    );
    shot(c, shots, "reporting-resubmit-confirm.png").await;
    send_previewed(c).await;
    // Version 2 carries both files; the report PDF is still there.
    let v2 = c
        .find_all(Locator::Css("a[href*='/files/2/']"))
        .await
        .unwrap();
    let mut names = Vec::new();
    for a in v2 {
        names.push(a.text().await.unwrap());
    }
    assert!(
        names.iter().any(|n| n.contains("惠州市活动总结.pdf"))
            && names.iter().any(|n| n.contains("开放日照片.jpg")),
        "version 2 keeps the report and adds the photo: {names:?}"
    );
    shot(c, shots, "reporting-resubmitted.png").await;
    assert_eq!(csp_violations(c).await, Vec::<String>::new());
    c.clone().close().await.unwrap();
}

/// Shanghai asks for an activity summary of 500字左右. 徐汇's first try has about 60: the
/// page counts it as a reader would, warns that it is outside 400–600 and sends only when
/// 徐汇 ticks 仍按此字数报送; Shanghai's reviewer sees the count and that it is off.
#[tokio::test]
async fn a_summary_far_from_500_characters_is_warned_and_needs_confirming() {
    if !enabled() {
        return;
    }
    let b = start(&["--clock", "2022-06-18T10:00:00+08:00"], 1366, 900).await;
    let (c, base, shots) = (&b.c, b.base.as_str(), &b.shots);
    let pw = renke_domain::demo::DEMO_PASSWORD;
    log_in(c, base, "sh.organiser", pw).await;
    add_staff_account(c, base, "shxh.staff", "徐汇区局工作人员（测试）", "SH-XH").await;
    log_out(c).await;

    log_in(c, base, "shxh.staff", pw).await;
    c.goto(&format!("{base}/tasks")).await.unwrap();
    click(c, Locator::LinkText("活动总结")).await;
    c.wait().for_element(Locator::Id("summary")).await.unwrap();
    let summary = "徐汇区局6月9日在徐家汇商圈开展世界认可日主题宣传，设置咨询台一处，\
                   发放宣传资料300份，接受群众咨询50人次。";
    let n = renke_domain::text::reading_len(summary);
    assert!(n < 400, "a summary far below 500字左右 ({n})");
    c.find(Locator::Id("summary"))
        .await
        .unwrap()
        .send_keys(summary)
        .await
        .unwrap();
    let count = c
        .find(Locator::Id("summary-count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        count.contains(&format!("字数 {n} / 500")) && count.contains("400–600"),
        "the counter counts as the server does and shows the range: {count}"
    );
    click(c, Locator::Css("button[name=action][value=review]")).await;
    c.wait()
        .for_element(Locator::Css("input[name=length_confirmed]"))
        .await
        .unwrap();
    let body = body_text(c).await;
    assert!(
        body.contains(&format!("字数 {n}，不在要求的 400–600 字")),
        "warned with the count and the range: {body}"
    );
    assert!(body.contains("计数规则"), "the counting rule is shown");
    shot(c, shots, "reporting-length-warning.png").await;
    click(c, Locator::Css("input[name=length_confirmed]")).await;
    open_preview(c).await;
    assert!(body_text(c).await.contains("不在要求的 400–600 字之内"));
    send_previewed(c).await;
    let submission = c.current_url().await.unwrap().path().to_owned();
    log_out(c).await;

    log_in(c, base, "sh.organiser", pw).await;
    c.goto(&format!("{base}{submission}")).await.unwrap();
    let length = c
        .find(Locator::Id("length"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        length.contains(&format!("字数 {n}")) && length.contains("400–600"),
        "{length}"
    );
    assert!(body_text(c).await.contains("字数不符合要求"));
    shot(c, shots, "reporting-length-reviewer.png").await;
    assert_eq!(csp_violations(c).await, Vec::<String>::new());
    c.clone().close().await.unwrap();
}

/// Shanghai's 信息和新闻稿件, a stream: 浦东 opens the phone menu to 报送 and sends an item
/// from its phone; Shanghai's
/// organiser accepts it and publishes it; the public page shows it under 信息动态.
#[tokio::test]
async fn a_district_sends_a_news_item_and_shanghai_publishes_it() {
    if !enabled() {
        return;
    }
    let b = start(&["--clock", "2022-06-18T10:00:00+08:00"], 390, 844).await;
    let (c, base, shots) = (&b.c, b.base.as_str(), &b.shots);
    let pw = renke_domain::demo::DEMO_PASSWORD;
    let title = "浦东新区开展检验检测机构开放日";
    log_in(c, base, "shpd.staff", pw).await;
    // At 390 px the side navigation is folded away; the top bar's 菜单 opens it, with no
    // script needed, and 报送 leads on.
    let nav_reports = Locator::Css("nav#nav a[href='/tasks']");
    let hidden = c.find(nav_reports).await.unwrap();
    assert!(!hidden.is_displayed().await.unwrap(), "folded on a phone");
    click(c, Locator::Css("a.menu-open")).await;
    let shown = c.find(nav_reports).await.unwrap();
    assert!(shown.is_displayed().await.unwrap(), "the menu opened");
    shot(c, shots, "phone-menu-390.png").await;
    click(c, nav_reports).await;
    c.wait()
        .for_element(Locator::LinkText("信息和新闻稿件"))
        .await
        .unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/tasks"));
    click(c, Locator::LinkText("信息和新闻稿件")).await;
    click(c, Locator::XPath("//a[contains(., '报送和查看稿件')]")).await;
    c.wait().for_element(Locator::Id("title")).await.unwrap();
    // Sent empty first: every problem is named, nothing is saved.
    c.execute(
        "document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))",
        vec![],
    )
    .await
    .unwrap();
    click(c, Locator::XPath("//button[contains(., '报送稿件')]")).await;
    c.wait()
        .for_element(Locator::Css("[role=alert]"))
        .await
        .unwrap();
    c.find(Locator::Id("title"))
        .await
        .unwrap()
        .send_keys(title)
        .await
        .unwrap();
    c.find(Locator::Id("body"))
        .await
        .unwrap()
        .send_keys("6月9日，浦东新区组织12家检验检测机构向市民开放实验室。")
        .await
        .unwrap();
    click(c, Locator::XPath("//button[contains(., '报送稿件')]")).await;
    c.wait()
        .for_element(Locator::XPath(&format!(
            "//section[@aria-labelledby='mine-h']//td[contains(., '{title}')]"
        )))
        .await
        .unwrap();
    let sent = body_text(c).await;
    assert!(
        sent.contains("稿件已报送，等待审核。") && sent.contains("待审核"),
        "{sent}"
    );
    shot(c, shots, "news-item-sent-390.png").await;
    c.set_window_size(1366, 900).await.unwrap();
    log_out(c).await;

    log_in(c, base, "sh.organiser", pw).await;
    // Shanghai's notice has no 发文字号 in the seed: it shows 无文号, not an invented one.
    c.goto(&format!("{base}/notices")).await.unwrap();
    click(
        c,
        Locator::XPath("//a[starts-with(., '上海市市场监督管理局关于积极开展')]"),
    )
    .await;
    c.wait()
        .for_element(Locator::Css("p.doc-number"))
        .await
        .unwrap();
    let notice = body_text(c).await;
    assert!(
        notice.contains("无文号") && !notice.contains("沪市监"),
        "{notice}"
    );
    shot(c, shots, "notice-without-doc-number.png").await;
    // 设置 › 邮件通知: one digest an hour instead of the daily default.
    c.goto(&format!("{base}/settings")).await.unwrap();
    click(c, Locator::Css("input[name=mail_digest][value=hourly]")).await;
    click(
        c,
        Locator::XPath("//form[@action='/settings/mail']//button"),
    )
    .await;
    c.wait()
        .for_element(Locator::Css(
            "input[name=mail_digest][value=hourly][checked]",
        ))
        .await
        .unwrap();
    assert!(
        body_text(c)
            .await
            .contains("邮件通知已保存：每小时汇总一封")
    );
    shot(c, shots, "settings-mail-digest.png").await;
    c.goto(&format!("{base}/tasks")).await.unwrap();
    click(c, Locator::LinkText("信息和新闻稿件")).await;
    click(
        c,
        Locator::XPath("//a[contains(., '稿件')][contains(@href, '/items')]"),
    )
    .await;
    click(
        c,
        Locator::XPath(&format!(
            "//article[.//h3[contains(., '{title}')]]//button[contains(., '采用')]"
        )),
    )
    .await;
    click(
        c,
        Locator::XPath(&format!(
            "//article[.//h3[contains(., '{title}')]]//button[contains(., '发布到公开页面')]"
        )),
    )
    .await;
    c.wait()
        .for_element(Locator::XPath("//button[contains(., '撤下公开页面')]"))
        .await
        .unwrap();
    shot(c, shots, "news-items-reviewed.png").await;
    log_out(c).await;
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{base}/")).await.unwrap();
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    let public = body_text(c).await;
    assert!(
        public.contains("信息动态") && public.contains(title),
        "the public page shows the published item: {public}"
    );
    shot(c, shots, "news-public-page-390.png").await;
    assert_eq!(csp_violations(c).await, Vec::<String>::new());
    c.clone().close().await.unwrap();
}
