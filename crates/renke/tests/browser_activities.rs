//! Browser test of activities: the real `renke demo` server (its clock set to 20 May 2022,
//! while registration is open) driven by headless Chromium through chromium-driver. Runs when RENKE_TEST_BROWSER=1 (CI sets it); then a
//! missing browser is a failure, never a skip. Screenshots go to
//! `$CARGO_TARGET_TMPDIR/screenshots/` (printed), for a person to look at.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fantoccini::{ClientBuilder, Locator};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The visible text of the current page.
async fn body_text(c: &fantoccini::Client) -> String {
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts a process and reads its output until a line contains `ready`.
fn start_until(mut cmd: Command, ready: &str) -> (Killed, Vec<String>) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn");
    let out = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    let mut reader = BufReader::new(out);
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).unwrap();
        assert!(
            n > 0,
            "process ended before printing {ready:?}; output: {lines:#?}"
        );
        let found = line.contains(ready);
        lines.push(line);
        if found {
            break;
        }
    }
    // Keep draining so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in reader.lines() {});
    (Killed(child), lines)
}

#[tokio::test]
async fn sme_registers_on_a_phone_organiser_checks_in_and_the_board_shows_venues() {
    if std::env::var("RENKE_TEST_BROWSER").as_deref() != Ok("1") {
        eprintln!("RENKE_TEST_BROWSER is not 1: browser test not run");
        return;
    }
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut demo = Command::new(env!("CARGO_BIN_EXE_renke"));
    demo.args([
        "demo",
        "--clock",
        "2022-05-20T09:00:00+08:00",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data-dir",
    ])
    .arg(data.path().join("demo"));
    let (_server, _) = start_until(demo, &base);

    let driver_port = free_port();
    let mut driver = Command::new("chromedriver");
    driver.arg(format!("--port={driver_port}"));
    let (_driver, _) = start_until(driver, "started successfully");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=390,844", "--lang=zh-CN", "--accept-lang=zh-CN,zh"],
            "prefs": { "intl.accept_languages": "zh-CN,zh" }
        }
    }))
    .unwrap();
    let c = ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("connect to chromedriver");
    c.set_window_size(390, 844).await.unwrap();

    // An SME on a phone: the calendar, the training series, the Shantou regional session.
    c.goto(&format!("{base}/activities")).await.unwrap();
    c.wait()
        .for_element(Locator::LinkText("全省中小微企业质量管理体系免费培训"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(".sessions"))
        .await
        .unwrap();
    let body = body_text(&c).await;
    assert!(
        body.contains("5月—6月") && body.contains("网上直播课堂"),
        "series page: {body}"
    );
    c.find(Locator::XPath(
        "//li[contains(., '粤东片区现场培训')]//a[contains(@href, '/register')]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait().for_element(Locator::Id("name")).await.unwrap();
    let register_url = c.current_url().await.unwrap().to_string();
    let session_path = register_url
        .trim_start_matches(&base)
        .trim_end_matches("/register")
        .to_owned();
    for (id, value) in [
        ("name", "周测试"),
        ("company", "汕头示例包装有限公司"),
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
    std::fs::write(
        shots.join("phone-register.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    c.find(Locator::Css("form button[type=submit].primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css(".ticket")).await.unwrap();
    let body = body_text(&c).await;
    assert!(
        body.contains("报名成功") && body.contains("粤东片区现场培训（汕头）"),
        "confirmation: {body}"
    );
    assert!(
        c.find(Locator::Css(".qr svg")).await.is_ok(),
        "the ticket has a QR code"
    );
    std::fs::write(
        shots.join("phone-ticket.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    // The organiser, on a desktop, sees the registration and checks the person in.
    c.set_window_size(1280, 900).await.unwrap();
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Id("login"))
        .await
        .unwrap()
        .send_keys("gd.organiser")
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(renke_domain::demo::DEMO_PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(".sidenav"))
        .await
        .unwrap();
    c.goto(&format!("{base}{session_path}/registrations"))
        .await
        .unwrap();
    c.wait().for_element(Locator::Css("h1")).await.unwrap();
    let body = body_text(&c).await;
    assert!(
        body.contains("周测试") && body.contains("汕头示例包装有限公司"),
        "registration listed: {body}"
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
    let checked = c
        .find(Locator::Id("n-checked"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(checked, "1", "one attendance record");
    std::fs::write(
        shots.join("organiser-checked-in.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    // Guangdong reports its branch venue ready for SAMR's main event; the board shows
    // every province's state.
    c.goto(&format!("{base}/activities")).await.unwrap();
    c.wait()
        .for_element(Locator::LinkText("第十五个“世界认可日”主场活动"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("readiness"))
        .await
        .unwrap();
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
    let board = c
        .find(Locator::Id("board"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        board.contains("就绪 1 / 未就绪 0 / 未确认 31"),
        "board summary: {board}"
    );
    let gd_row = c
        .find(Locator::XPath("//tr[contains(., '广东省市场监督管理局')]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        gd_row.contains("已就绪") && gd_row.contains("测试技术员"),
        "Guangdong ready: {gd_row}"
    );
    assert!(
        board.contains("新疆生产建设兵团市场监督管理局"),
        "every provincial branch venue: {board}"
    );
    std::fs::write(shots.join("board.png"), c.screenshot().await.unwrap()).unwrap();

    eprintln!("screenshots in {}", shots.display());
    c.close().await.unwrap();
}
