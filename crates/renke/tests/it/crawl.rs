//! Every link a person is shown leads somewhere: the demo after every seeded report
//! (2022-06-28 10:00), crawled through its pages as Guangdong's organiser and as a lab's
//! staff; each `href` on each page answers 2xx or 3xx — no 403 or 404 behind a visible link.

use renke::config::Settings;
use std::collections::{HashSet, VecDeque};

/// Pages visited per account at most (the demo's pages for one account number well below).
const MAX_PAGES: usize = 1500;

fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .map(|h| h.split('#').next().unwrap_or("").to_owned())
        .filter(|h| !h.is_empty())
        .collect()
}

/// Links the crawl follows: pages, not downloads (PDFs, workbooks, archives, calendars are
/// checked by their own tests) and not the way out.
fn followed(path: &str) -> bool {
    let p = path.split('?').next().unwrap_or(path);
    !(p.starts_with("/static/")
        || p == "/logout"
        || p.starts_with("/lang/")
        || [".pdf", ".xlsx", ".zip", ".ics", ".js", ".css"]
            .iter()
            .any(|e| p.ends_with(e))
        || p.ends_with("/export")
        || p.ends_with("/materials"))
}

async fn crawl(base: &str, login: &str) -> Vec<String> {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = http.get(format!("{base}/login")).send().await.unwrap();
    let html = form.text().await.unwrap();
    let csrf = html
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let done = http
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("login", login),
            ("password", renke_domain::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status().as_u16(), 303, "{login} logs in");
    let mut seen: HashSet<String> = HashSet::new();
    let mut queue: VecDeque<(String, String)> =
        VecDeque::from([("/home".to_owned(), "-".to_owned())]);
    let mut dead = Vec::new();
    while let Some((path, from)) = queue.pop_front() {
        if seen.len() >= MAX_PAGES || !seen.insert(path.clone()) {
            continue;
        }
        let res = http.get(format!("{base}{path}")).send().await.unwrap();
        let status = res.status().as_u16();
        if !(200..400).contains(&status) {
            dead.push(format!("{status} {path} (linked from {from})"));
            continue;
        }
        if let Some(to) = res.headers().get("location").and_then(|l| l.to_str().ok()) {
            if to.starts_with('/') && followed(to) {
                queue.push_back((to.to_owned(), path.clone()));
            }
            continue;
        }
        let is_html = res
            .headers()
            .get("content-type")
            .and_then(|c| c.to_str().ok())
            .is_some_and(|c| c.starts_with("text/html"));
        if !is_html {
            continue;
        }
        let body = res.text().await.unwrap();
        for h in hrefs(&body) {
            if followed(&h) && !seen.contains(&h) {
                queue.push_back((h, path.clone()));
            }
        }
    }
    eprintln!("{login}: {} pages crawled", seen.len());
    assert!(
        seen.len() > 30,
        "{login}: only {} pages reached",
        seen.len()
    );
    dead
}

#[tokio::test]
async fn every_link_shown_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = renke_store::testing::TestDb::sqlite().await.unwrap();
    let at = renke::demo::parse_clock("2022-06-28T10:00:00+08:00").unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let settings = Settings {
        data_dir: dir.path().to_owned(),
        listen: addr,
        ..Settings::default()
    };
    // The demo's files where the server reads them, so their links answer too.
    let files = renke_app::FileStore::local(&settings.files_dir()).unwrap();
    renke::demo::load_demo(&db.db, &files, at.now())
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = db.db.clone();
    let server = tokio::spawn(async move {
        renke::serve::serve_on(listener, handle, at, &settings, async {
            let _ = stopped.await;
        })
        .await
    });
    let base = format!("http://{addr}");
    let mut dead = Vec::new();
    for login in ["gd.organiser", "lab.staff"] {
        for d in crawl(&base, login).await {
            dead.push(format!("{login}: {d}"));
        }
    }
    drop(stop);
    let _ = server.await;
    assert!(
        dead.is_empty(),
        "{} dead links:\n{}",
        dead.len(),
        dead.join("\n")
    );
}
