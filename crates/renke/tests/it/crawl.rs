//! Every link a person is shown leads somewhere: the demo after every seeded report
//! (2022-06-28 10:00), crawled through its pages as Guangdong's organiser and as a lab's
//! staff; each `href` on each page answers 2xx or 3xx — no 403 or 404 behind a visible link.
//!
//! Then every form that writes leaves an audit row (审计日志): each POST form the crawl met
//! is sent as shown (its hidden fields, default values, first named button); whenever the
//! database changed meanwhile (SQLite's `data_version`, seen from a connection of the
//! test's own, with no worker running), the request's id must have audit entries naming
//! the account and the route.

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

/// A POST form as a page shows it: where it goes and what it sends unchanged.
#[derive(Debug, Clone)]
struct Form {
    login: String,
    page: String,
    action: String,
    fields: Vec<(String, String)>,
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of attribute `name` in a tag's text.
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let v = &tag[i..];
    Some(unescape(&v[..v.find('"')?]))
}

fn has_flag(tag: &str, name: &str) -> bool {
    tag.split(|c: char| c.is_whitespace() || c == '>')
        .any(|w| w == name)
}

/// The POST forms of a page with the values they would send as they stand.
fn forms(html: &str, page: &str, login: &str) -> Vec<Form> {
    let mut out = Vec::new();
    for part in html.split("<form").skip(1) {
        let Some(end) = part.find('>') else { continue };
        let tag = &part[..end];
        if !attr(tag, "method").is_some_and(|m| m.eq_ignore_ascii_case("post")) {
            continue;
        }
        let body = &part[end..part.find("</form>").unwrap_or(part.len())];
        let action = attr(tag, "action").unwrap_or_else(|| page.to_owned());
        let mut fields = Vec::new();
        let mut button = false;
        for chunk in body.split('<').skip(1) {
            let tag_end = chunk.find('>').unwrap_or(chunk.len());
            let t = format!(" {}", &chunk[..tag_end]);
            let Some(name) = attr(&t, "name") else {
                continue;
            };
            if chunk.starts_with("input") {
                let ty = attr(&t, "type").unwrap_or_else(|| "text".into());
                match ty.as_str() {
                    "file" => {}
                    "submit" | "image" => {
                        if !button {
                            button = true;
                            fields.push((name, attr(&t, "value").unwrap_or_default()));
                        }
                    }
                    "checkbox" | "radio" => {
                        if has_flag(&t, "checked") {
                            fields.push((name, attr(&t, "value").unwrap_or_else(|| "on".into())));
                        }
                    }
                    _ => fields.push((name, attr(&t, "value").unwrap_or_default())),
                }
            } else if chunk.starts_with("textarea") {
                let text = &chunk[tag_end + 1..];
                fields.push((name, unescape(text)));
            } else if chunk.starts_with("select") {
                let rest = &body[body.find(chunk).unwrap_or(0)..];
                let options = &rest[..rest.find("</select>").unwrap_or(rest.len())];
                let opts: Vec<&str> = options.split("<option").skip(1).collect();
                let chosen = opts
                    .iter()
                    .find(|o| has_flag(&o[..o.find('>').unwrap_or(o.len())], "selected"))
                    .or(opts.first());
                if let Some(o) = chosen {
                    let ot = format!(" {}", &o[..o.find('>').unwrap_or(o.len())]);
                    fields.push((name, attr(&ot, "value").unwrap_or_default()));
                }
            } else if chunk.starts_with("button")
                && !button
                && attr(&t, "type").as_deref() != Some("button")
            {
                button = true;
                fields.push((name, attr(&t, "value").unwrap_or_default()));
            }
        }
        out.push(Form {
            login: login.to_owned(),
            page: page.to_owned(),
            action,
            fields,
        });
    }
    out
}

async fn login_client(base: &str, login: &str) -> reqwest::Client {
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
    http
}

async fn crawl(
    http: &reqwest::Client,
    base: &str,
    login: &str,
    found: &mut Vec<Form>,
) -> Vec<String> {
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
        found.extend(forms(&body, &path, login));
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

/// The forms worth sending once: one per action and set of fields, never the way out.
fn walked(forms: Vec<Form>) -> Vec<Form> {
    let mut seen = HashSet::new();
    forms
        .into_iter()
        .filter(|f| f.action != "/logout" && f.action.starts_with('/'))
        .filter(|f| {
            let names: Vec<&str> = f.fields.iter().map(|(k, _)| k.as_str()).collect();
            seen.insert((f.login.clone(), f.action.clone(), names.join(",")))
        })
        .collect()
}

/// The content of every audited table, hashed (for telling a write that changed something
/// from one that saved what was there).
async fn digest(watch: &mut sqlx::SqliteConnection, tables: &[renke_store::audit::Table]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for t in tables {
        let cols: Vec<String> = t
            .columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect();
        let sql = format!(
            "SELECT {} FROM \"{}\" ORDER BY rowid",
            cols.join(" || '|' || "),
            t.name
        );
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *watch)
            .await
            .unwrap();
        (&t.name, rows).hash(&mut h);
    }
    h.finish()
}

/// Sends a form in the session whose page showed it; returns the status and request id.
async fn send(base: &str, http: &reqwest::Client, f: &Form) -> (u16, String) {
    let res = http
        .post(format!("{base}{}", f.action))
        .form(&f.fields)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let request = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let _ = res.bytes().await;
    (status, request)
}

/// Sends each form as shown, in the session whose page showed it (`clients`: login →
/// client); returns the problems: a change with no audit entry for its request, or entries
/// that do not name the account and a POST route.
///
/// Every write transaction bumps SQLite's `data_version`, also one that saved the values
/// already there (a form sent as shown mostly does): those with no entry are sent again,
/// one per route, between two digests of the audited tables' content, and count as a
/// problem when the content changed.
async fn walk_forms(
    base: &str,
    db: &renke_store::Db,
    url: &str,
    clients: &std::collections::HashMap<String, reqwest::Client>,
    forms: &[Form],
) -> Vec<String> {
    use sqlx::Connection;
    let mut watch = sqlx::SqliteConnection::connect(url).await.unwrap();
    let mut ids = std::collections::HashMap::new();
    for login in clients.keys() {
        let id = renke_store::accounts::get_by_login(db, login)
            .await
            .unwrap()
            .id;
        ids.insert(login.clone(), id);
    }
    let data_version = async |w: &mut sqlx::SqliteConnection| -> i64 {
        sqlx::query_scalar("PRAGMA data_version")
            .fetch_one(w)
            .await
            .unwrap()
    };
    let mut problems = Vec::new();
    let (mut wrote, mut routes) = (0, HashSet::new());
    let mut statuses = std::collections::BTreeMap::new();
    let mut unrecorded: Vec<&Form> = Vec::new();
    let mut check = async |watch: &mut sqlx::SqliteConnection,
                           f: &Form,
                           status: u16,
                           request: &str,
                           problems: &mut Vec<String>|
           -> bool {
        let entries: Vec<(Option<i64>, Option<String>)> =
            sqlx::query_as("SELECT account_id, action FROM audit_log WHERE request_id = $1")
                .bind(request)
                .fetch_all(watch)
                .await
                .unwrap();
        let what = format!("{} POST {} ({status}, from {})", f.login, f.action, f.page);
        for (account, action) in &entries {
            let action = action.clone().unwrap_or_default();
            if *account != Some(ids[&f.login]) || !action.starts_with("POST /") {
                problems.push(format!("{what}: an entry by {account:?} for {action:?}"));
            }
            routes.insert(action);
        }
        !entries.is_empty()
    };
    for f in forms {
        let before = data_version(&mut watch).await;
        let (status, request) = send(base, &clients[&f.login], f).await;
        *statuses.entry(status).or_insert(0) += 1;
        if data_version(&mut watch).await == before {
            continue;
        }
        if check(&mut watch, f, status, &request, &mut problems).await {
            wrote += 1;
        } else {
            unrecorded.push(f);
        }
    }
    // The writes with no entry, once per route (ids as `{n}`), sent again between digests.
    let tables = renke_store::audit::tables(db).await.unwrap();
    let mut replayed = HashSet::new();
    let route = |a: &str| -> String {
        a.split('/')
            .map(|p| {
                if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() {
                    "{n}"
                } else {
                    p
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    };
    for f in &unrecorded {
        if !replayed.insert((f.login.clone(), route(&f.action))) {
            continue;
        }
        let d0 = digest(&mut watch, &tables).await;
        let (status, request) = send(base, &clients[&f.login], f).await;
        let d1 = digest(&mut watch, &tables).await;
        if d0 != d1 && !check(&mut watch, f, status, &request, &mut problems).await {
            problems.push(format!(
                "{} POST {} ({status}, from {}): the audited tables changed, no audit entry",
                f.login, f.action, f.page
            ));
        }
    }
    eprintln!(
        "{} forms sent (answers {statuses:?}): {wrote} recorded changes through {} routes; \
         {} wrote with no entry, {} of their routes sent again between digests",
        forms.len(),
        routes.len(),
        unrecorded.len(),
        replayed.len()
    );
    assert!(
        wrote >= 15 && routes.len() >= 10,
        "too few forms wrote ({wrote}, {} routes) for the walk to mean anything",
        routes.len()
    );
    problems
}

#[tokio::test]
async fn every_link_answers_and_every_form_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = renke_store::testing::TestDb::sqlite().await.unwrap();
    let at = renke::demo::parse_clock("2022-06-28T10:00:00+08:00").unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let settings = Settings {
        data_dir: dir.path().to_owned(),
        listen: addr,
        // No jobs run meanwhile: every change to the database is a request's.
        run_worker: false,
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
    let mut found = Vec::new();
    let mut clients = std::collections::HashMap::new();
    for login in ["gd.organiser", "lab.staff"] {
        let http = login_client(&base, login).await;
        for d in crawl(&http, &base, login, &mut found).await {
            dead.push(format!("{login}: {d}"));
        }
        clients.insert(login.to_owned(), http);
    }
    assert!(
        dead.is_empty(),
        "{} dead links:\n{}",
        dead.len(),
        dead.join("\n")
    );
    let problems = walk_forms(&base, &db.db, &db.url, &clients, &walked(found)).await;
    drop(stop);
    let _ = server.await;
    assert!(
        problems.is_empty(),
        "{} writes without their audit entries:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
