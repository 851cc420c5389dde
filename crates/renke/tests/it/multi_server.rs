//! A deployment of several servers on real parts, as `.ci/run` sets them up: two
//! `renke serve --no-worker` on one PostgreSQL database with their files on the S3 server,
//! and two `renke worker` processes. A login on one server holds on the other; a deadline
//! rush spread over both loses nothing and the tallies match a recount; a file uploaded
//! through one downloads through the other; a reminder slot is recorded and told once
//! although both workers scan for it. Skipped unless `RENKE_TEST_POSTGRES_URL` and
//! `RENKE_TEST_S3_ENDPOINT` are set (CI sets both).

use crate::support::{Process, becomes_ready, free_port, renke, text};
use renke_domain::clock::Clock;
use renke_store::on_db;
use renke_store::testing::{S3_BUCKET_ENV, S3_ENDPOINT_ENV, TestDb};
use sha2::Digest;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `renke ARGS` with the S3 store under `prefix`, its output in `log`.
fn start(args: &[&str], s3: &(String, String, String), log: &Path) -> Process {
    let out = std::fs::File::create(log).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_renke"))
        .args(args)
        .env_remove("RENKE_DATABASE_URL")
        .env_remove("RENKE_DATA_DIR")
        .env_remove("RENKE_LISTEN")
        .env("RENKE_FILES__STORE", "s3")
        .env("RENKE_FILES__S3_ENDPOINT", &s3.0)
        .env("RENKE_FILES__S3_BUCKET", &s3.1)
        .env("RENKE_FILES__S3_PREFIX", &s3.2)
        .env("RENKE_FILES__S3_ACCESS_KEY_ID", "renke-test")
        .env("RENKE_FILES__S3_SECRET_ACCESS_KEY", "renke-test")
        .env("RENKE_WORKER_POLL_SECONDS", "1")
        .env("RENKE_MAIL__TRANSPORT", "off")
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .unwrap();
    Process(child)
}

/// Waits until `base` is ready; else fails with the server's log.
async fn ready(base: &str, log: &Path) {
    assert!(
        becomes_ready(base).await,
        "{base} not ready: {}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

async fn json(c: &reqwest::Client, url: &str) -> serde_json::Value {
    c.get(url).send().await.unwrap().json().await.unwrap()
}

async fn scalar(db: &renke_store::Db, sql: &'static str, id: i64) -> i64 {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>(sql)
        .bind(id)
        .fetch_one(p)
        .await)
    .unwrap()
}

/// The first lab that has sent nothing for task `$1`.
const UNSENT_LAB: &str = "SELECT MIN(o.id) FROM orgs o WHERE o.kind = 'lab' \
     AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.task_id = $1 AND s.org_id = o.id)";

/// A summary of the length the bench's task asks for.
fn summary_text() -> String {
    "认可传递信任，服务绿色发展。"
        .repeat(36)
        .chars()
        .take(500)
        .collect()
}

/// Sends a submission of `lab` for `task` with one file through server `via.0`, then asks
/// server `via.1` for the file (answered 200).
async fn send_then_fetch(
    c: &reqwest::Client,
    via: (&str, &str),
    csrf: &str,
    task: i64,
    lab: i64,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("org_id", lab.to_string())
        .text("summary", summary_text())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str("application/pdf")
                .unwrap(),
        );
    let sent = c
        .post(format!("{}/api/v1/tasks/{task}/submission", via.0))
        .header("x-csrf-token", csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    let sent: serde_json::Value = sent.json().await.unwrap();
    let got = c
        .get(format!(
            "{}/api/v1/submissions/{}/files/{}/0",
            via.1, sent["id"], sent["version"]
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    got
}

/// The peak memory (VmHWM) of process `pid`, in KB.
fn peak_kb(pid: u32) -> i64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[tokio::test]
async fn two_servers_and_two_workers_share_one_database_and_one_bucket() {
    let (Ok(pg), Ok(endpoint)) = (
        std::env::var(renke_store::testing::POSTGRES_ENV),
        std::env::var(S3_ENDPOINT_ENV),
    ) else {
        eprintln!("PostgreSQL or S3 not configured: multi-server test skipped");
        return;
    };
    let bucket = std::env::var(S3_BUCKET_ENV).unwrap_or_else(|_| "renke-test".into());
    let stamp = Clock::System.now().timestamp_nanos_opt().unwrap();
    let s3 = (endpoint, bucket, format!("multi{stamp:x}"));
    let t = TestDb::postgres(&pg).await.unwrap();
    let url = t.url.clone();
    let dir = tempfile::tempdir().unwrap();

    let out = renke(
        &[
            "bench",
            "gen",
            "--orgs",
            "400",
            "--accounts",
            "50",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));

    let (pa, pb) = (free_port(), free_port());
    let (a, b) = (
        format!("http://127.0.0.1:{pa}"),
        format!("http://127.0.0.1:{pb}"),
    );
    let mut servers = Vec::new();
    for (name, port) in [("a", pa), ("b", pb)] {
        let data = dir.path().join(name);
        let listen = format!("127.0.0.1:{port}");
        let log = dir.path().join(format!("{name}.log"));
        servers.push(start(
            &[
                "serve",
                "--no-worker",
                "--database-url",
                &url,
                "--listen",
                &listen,
                "--data-dir",
                data.to_str().unwrap(),
            ],
            &s3,
            &log,
        ));
        ready(&format!("http://{listen}"), &log).await;
    }

    // A deadline rush spread over both servers: every submission answered ok is in the
    // database with its attachment, and the tallies match a recount.
    let (url2, a2, b2) = (url.clone(), a.clone(), b.clone());
    let out = tokio::task::spawn_blocking(move || {
        renke(
            &[
                "bench",
                "tasks",
                "--database-url",
                &url2,
                "--clients",
                "8",
                "--per-client",
                "6",
                "--attachment-kb",
                "16",
                "--server",
                &a2,
                "--server",
                &b2,
            ],
            None,
        )
    })
    .await
    .unwrap();
    let printed = text(&out);
    assert!(out.status.success(), "{printed}");
    assert!(printed.contains(" 0 failed"), "{printed}");
    assert!(
        printed.contains("submitted in the database, 48 answered ok — none lost"),
        "{printed}"
    );
    assert!(printed.contains("48 expected — none lost"), "{printed}");
    assert!(
        printed.contains("tallies afterwards: match a recount"),
        "{printed}"
    );
    let task = scalar(&t.db, "SELECT MAX(id) FROM tasks WHERE id > $1", 0).await;
    assert_eq!(
        scalar(
            &t.db,
            "SELECT COUNT(*) FROM submissions WHERE task_id = $1 AND version > 0",
            task
        )
        .await,
        48
    );

    // Signed in on A, the same session works on B.
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = c
        .post(format!("{a}/api/v1/session"))
        .json(&serde_json::json!({"login": "bench.admin", "password": renke::bench::r#gen::BENCH_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let csrf = login.json::<serde_json::Value>().await.unwrap()["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = json(&c, &format!("{b}/api/v1/me")).await;
    assert_eq!(me["account"]["login"], "bench.admin", "{me}");
    assert_eq!(me["auth"], "session", "{me}");

    // A file sent through A downloads through B, the same bytes (from the shared bucket).
    let lab = scalar(&t.db, UNSENT_LAB, task).await;
    let mut pdf = format!("%PDF-1.7\n% sent through A {stamp}\n").into_bytes();
    pdf.resize(40 * 1024, b' ');
    let got = send_then_fetch(&c, (&a, &b), &csrf, task, lab, "活动总结.pdf", pdf.clone()).await;
    assert!(
        got.bytes().await.unwrap().as_ref() == pdf.as_slice(),
        "the same bytes through B"
    );

    // A large file (80 MB: above the 20 MB limit of other bodies, a task may take 200 MB)
    // streams through A into the bucket and from the bucket through B: neither server's
    // peak memory grows by anything near its size.
    on_db!(&t.db, |p| sqlx::query(
        "UPDATE tasks SET attachment_max_bytes = 209715200 WHERE id = $1"
    )
    .bind(task)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    let mut big = format!("%PDF-1.7\n% large, sent through A {stamp}\n").into_bytes();
    big.extend((0..80 * 1024 * 1024u32).map(|i| (i % 251) as u8));
    let big_sha = hex::encode(sha2::Sha256::digest(&big));
    let lab2 = scalar(&t.db, UNSENT_LAB, task).await;
    let (pid_a, pid_b) = (servers[0].0.id(), servers[1].0.id());
    let (peak_a, peak_b) = (peak_kb(pid_a), peak_kb(pid_b));
    let mut got = send_then_fetch(&c, (&a, &b), &csrf, task, lab2, "活动影像.pdf", big).await;
    let mut hasher = sha2::Sha256::new();
    while let Some(chunk) = got.chunk().await.unwrap() {
        hasher.update(&chunk);
    }
    assert_eq!(
        hex::encode(hasher.finalize()),
        big_sha,
        "the same bytes through B"
    );
    let grew = (peak_kb(pid_a) - peak_a, peak_kb(pid_b) - peak_b);
    eprintln!(
        "80 MB upload: peak memory grew by {} KB on A, {} KB on B",
        grew.0, grew.1
    );
    assert!(
        grew.0 < 40 * 1024 && grew.1 < 40 * 1024,
        "an 80 MB file held in memory? peak grew by {grew:?} KB (A, B)"
    );

    // Two workers, one reminder slot: the deadline has passed (as if time had gone by), both
    // workers scan at once; every unit that still owes gets one reminder and one message.
    let owing = scalar(
        &t.db,
        "SELECT COUNT(*) FROM orgs o WHERE o.kind = 'lab' AND NOT EXISTS \
         (SELECT 1 FROM submissions s WHERE s.task_id = $1 AND s.org_id = o.id AND s.version > 0)",
        task,
    )
    .await;
    assert!(owing > 50, "{owing}");
    let board = json(&c, &format!("{b}/api/v1/tasks/{task}/dashboard")).await;
    assert_eq!(
        board["total"]["missing"], owing,
        "the dashboard agrees: {}",
        board["total"]
    );
    on_db!(&t.db, |p| sqlx::query(
        "UPDATE tasks SET deadline = $1 WHERE id = $2"
    )
    // Two days ago, at any hour: the first daily overdue reminder (09:00 Shanghai the day
    // after the deadline) is at most 33 hours after it, the escalation 3 days. At 30 hours
    // the test failed whenever it ran before 09:00 Shanghai with a deadline after midnight.
    .bind(Clock::System.now() - chrono::Duration::hours(48))
    .bind(task)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    let mut workers = Vec::new();
    for name in ["w1", "w2"] {
        let data = dir.path().join(name);
        let log = dir.path().join(format!("{name}.log"));
        workers.push(start(
            &[
                "worker",
                "--database-url",
                &url,
                "--data-dir",
                data.to_str().unwrap(),
            ],
            &s3,
            &log,
        ));
    }
    let deadline = Instant::now() + Duration::from_secs(90);
    let reminders = loop {
        let n = scalar(
            &t.db,
            "SELECT COUNT(*) FROM reminders WHERE task_id = $1",
            task,
        )
        .await;
        if n >= owing || Instant::now() > deadline {
            break n;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    // Both workers have scanned (each logs its pass) before the counts are read again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    drop(workers);
    let reminders_after = scalar(
        &t.db,
        "SELECT COUNT(*) FROM reminders WHERE task_id = $1",
        task,
    )
    .await;
    let worker_logs = || {
        ["w1", "w2"]
            .iter()
            .map(|w| {
                std::fs::read_to_string(dir.path().join(format!("{w}.log"))).unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("\n----\n")
    };
    assert_eq!(
        reminders,
        owing,
        "one reminder per unit that owes; the workers said:\n{}",
        worker_logs()
    );
    assert_eq!(reminders_after, owing, "and no second one");
    let messages = scalar(
        &t.db,
        "SELECT COUNT(*) FROM messages m JOIN reminders r ON r.id = m.reminder_id \
         WHERE r.task_id = $1",
        task,
    )
    .await;
    assert_eq!(messages, owing, "one message per reminder");
    drop(servers);
    t.cleanup().await;
}
