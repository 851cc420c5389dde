//! The harness of the browser tests: the real `renke demo` server and chromium-driver as
//! child processes, and a WebDriver client for headless Chromium. The tests run when
//! RENKE_TEST_BROWSER=1 (CI sets it); then a missing browser is a failure, never a skip.
//! Screenshots go to `$CARGO_TARGET_TMPDIR/screenshots/`, for a person to look at.

use fantoccini::{Client, ClientBuilder, Locator};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A demo server, a browser driving it, and where screenshots go. Dropping it stops the
/// server and the driver.
pub struct Browser {
    pub c: Client,
    /// `http://127.0.0.1:PORT` of the demo server.
    pub base: String,
    pub shots: PathBuf,
    _server: Killed,
    _driver: Killed,
    _data: tempfile::TempDir,
}

/// Whether the browser tests are switched on; prints why not when they are off.
pub fn enabled() -> bool {
    let on = std::env::var("RENKE_TEST_BROWSER").as_deref() == Ok("1");
    if !on {
        eprintln!("RENKE_TEST_BROWSER is not 1: browser test not run");
    }
    on
}

/// Starts `renke demo` with `demo_args` and a headless Chromium window of `width`×`height`.
pub async fn start(demo_args: &[&str], width: u32, height: u32) -> Browser {
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut demo = Command::new(env!("CARGO_BIN_EXE_renke"));
    demo.arg("demo")
        .args(demo_args)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(data.path().join("demo"));
    let (server, _) = start_until(demo, &base);

    let driver_port = free_port();
    let mut driver = Command::new("chromedriver");
    driver.arg(format!("--port={driver_port}"));
    let (driver, _) = start_until(driver, "started successfully");

    // Both rustls providers are compiled in (through different crates); pick one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     format!("--window-size={width},{height}"), "--lang=zh-CN", "--accept-lang=zh-CN,zh"],
            "prefs": { "intl.accept_languages": "zh-CN,zh" }
        },
        // The console, for Content-Security-Policy violations (see `csp_violations`).
        "goog:loggingPrefs": { "browser": "ALL" }
    }))
    .unwrap();
    let c = ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("connect to chromedriver");
    c.set_window_size(width, height).await.unwrap();
    Browser {
        c,
        base,
        shots,
        _server: server,
        _driver: driver,
        _data: data,
    }
}

/// Logs in through the login form and waits for the staff navigation.
#[allow(dead_code)] // the OpenID walk signs in at the provider instead
pub async fn log_in(c: &Client, base: &str, login: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.wait().for_element(Locator::Id("login")).await.unwrap();
    c.find(Locator::Id("login"))
        .await
        .unwrap()
        .send_keys(login)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(password)
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
}

/// Logs out with the button in the page header.
#[allow(dead_code)] // not every browser test logs out
pub async fn log_out(c: &Client) {
    c.find(Locator::Css("form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("login")).await.unwrap();
}

/// Waits for the element at `at` and clicks it.
#[allow(dead_code)] // used by the reporting walk only
pub async fn click(c: &Client, at: Locator<'_>) {
    c.wait()
        .for_element(at)
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Saves a screenshot of the page as `shots/name`.
pub async fn shot(c: &Client, shots: &Path, name: &str) {
    std::fs::write(shots.join(name), c.screenshot().await.unwrap()).unwrap();
}

/// Waits (up to ten seconds) until no element matches `at`: after a click that leaves
/// the page, so that what is read next is the new page, not the old one going stale.
#[allow(dead_code)] // used by the reporting walks only
pub async fn wait_gone(c: &Client, at: Locator<'_>) {
    for _ in 0..200 {
        if c.find(at).await.is_err() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("still on the page after ten seconds: {at:?}");
}

/// Downloads `path` with the browser's session (its cookies), as a click on a download
/// link would, and returns the body; panics unless the answer is 200.
#[allow(dead_code)] // used by the reporting walks only
pub async fn download(c: &Client, base: &str, path: &str) -> Vec<u8> {
    let cookies: Vec<String> = c
        .get_all_cookies()
        .await
        .unwrap()
        .iter()
        .map(|k| format!("{}={}", k.name(), k.value()))
        .collect();
    let r = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header(reqwest::header::COOKIE, cookies.join("; "))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "GET {path}");
    r.bytes().await.unwrap().to_vec()
}

/// The text of a PDF, read back with pdftotext (poppler-utils).
#[allow(dead_code)] // used by the reporting walks only
pub fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("doc.pdf");
    std::fs::write(&pdf, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap()
}

/// The visible text of the current page.
pub async fn body_text(c: &Client) -> String {
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

impl Browser {
    /// The address of the demo server's SQLite database, for a test that sets up part of
    /// what it walks through with use-case calls of its own.
    #[allow(dead_code)] // used by the proficiency-testing walk only
    pub fn db_url(&self) -> String {
        format!(
            "sqlite://{}",
            self._data.path().join("demo").join("renke.db").display()
        )
    }

    /// Stops the demo server: from now on every request of the browser fails as it would
    /// without a network.
    #[allow(dead_code)] // not every browser test cuts the network
    pub fn stop_server(&mut self) {
        let _ = self._server.0.kill();
        let _ = self._server.0.wait();
    }
}

/// ChromeDriver's log of the browser console since the last call (`POST /session/{id}/se/log`).
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(r#"{"type":"browser"}"#.to_owned()),
        )
    }
}

/// The console messages about the Content-Security-Policy (Chromium logs each refused
/// script, style or eval) since the last call.
#[allow(dead_code)] // used by the page walk only
pub async fn csp_violations(c: &Client) -> Vec<String> {
    let log = c
        .issue_cmd(BrowserLog)
        .await
        .expect("read the browser console");
    log.as_array()
        .expect("console entries")
        .iter()
        .filter_map(|e| e["message"].as_str())
        .filter(|m| m.contains("Content Security Policy") || m.contains("Content-Security-Policy"))
        .map(str::to_owned)
        .collect()
}

/// The CSS class list and computed background colour of the status chip in the row of the
/// recipients table that names `unit`.
#[allow(dead_code)] // used by the dashboard walks only
pub async fn row_chip(c: &Client, unit: &str) -> (String, String) {
    let chip = c
        .find(Locator::XPath(&format!(
            "//section[@aria-labelledby='rec-h']//tr[td[1][contains(., '{unit}')]]//span[contains(@class, 'chip')]"
        )))
        .await
        .unwrap_or_else(|e| panic!("no status chip for {unit}: {e}"));
    let class = chip.attr("class").await.unwrap().unwrap_or_default();
    let colour = chip.css_value("background-color").await.unwrap();
    (class, colour)
}

/// The text of the first element `at` matches.
#[allow(dead_code)] // not every browser test reads one element's text
pub async fn text(c: &Client, at: Locator<'_>) -> String {
    c.find(at)
        .await
        .unwrap_or_else(|e| panic!("no {at:?}: {e}"))
        .text()
        .await
        .unwrap()
}
