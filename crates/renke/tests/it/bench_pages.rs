//! `renke bench pages` and `renke bench soak` against a running `renke serve` on a small
//! synthetic dataset: every page answers, the side-by-side table has a row per page with its
//! ratio to the static yardstick, and the soak reports memory as it goes, with no failure.

use crate::support::{Process, becomes_ready, free_port, renke, sqlite_url, text};
use std::process::{Command, Stdio};

#[tokio::test]
async fn bench_pages_and_soak_print_their_figures() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir.path().join("renke.db"));
    let out = renke(
        &[
            "bench",
            "gen",
            "--orgs",
            "3000",
            "--accounts",
            "20",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = renke(
        &[
            "bench",
            "tasks",
            "--database-url",
            &url,
            "--clients",
            "2",
            "--per-client",
            "2",
            "--attachment-kb",
            "0",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let db = renke_store::Db::connect(&url).await.unwrap();
    let province = renke_store::orgs::get_by_code(&db, "GD").await.unwrap().id;
    db.close().await;

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = Process(
        Command::new(env!("CARGO_BIN_EXE_renke"))
            .args([
                "serve",
                "--database-url",
                &url,
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("RENKE_DATABASE_URL")
            .env_remove("RENKE_DATA_DIR")
            .env_remove("RENKE_LISTEN")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    assert!(becomes_ready(&base).await, "the server did not start");
    let pid = server.0.id().to_string();
    let province = province.to_string();
    let common: Vec<String> = [
        "--url",
        base.as_str(),
        "--province",
        province.as_str(),
        "--task",
        "1",
        "--pid",
        pid.as_str(),
        "--connections",
        "2",
    ]
    .map(str::to_owned)
    .to_vec();
    // The command blocks until done: off the runtime, which the server's client needs.
    let run = |head: &[&str]| {
        let mut args: Vec<String> = head.iter().map(|s| (*s).to_owned()).collect();
        args.extend(common.iter().cloned());
        tokio::task::spawn_blocking(move || {
            renke(&args.iter().map(String::as_str).collect::<Vec<_>>(), None)
        })
    };

    let out = run(&["bench", "pages", "--duration", "300ms", "--rounds", "2"])
        .await
        .unwrap();
    let printed = text(&out);
    assert!(out.status.success(), "{printed}");
    for page in [
        "static /static/style.css",
        "province tree",
        "national root (admin)",
        "task dashboard (admin)",
    ] {
        let row = printed
            .lines()
            .rev()
            .find(|l| l.starts_with(page))
            .unwrap_or_else(|| panic!("no summary row for {page}: {printed}"));
        assert!(!row.contains("errors"), "{row}");
    }
    assert!(printed.contains("÷ static"), "{printed}");
    assert!(printed.contains("memory after: VmRSS"), "{printed}");

    let out = run(&[
        "bench",
        "soak",
        "--requests",
        "300",
        "--report-every",
        "100",
    ])
    .await
    .unwrap();
    let printed = text(&out);
    assert!(out.status.success(), "{printed}");
    assert_eq!(
        printed
            .lines()
            .filter(|l| l.starts_with(' ') && l.contains(" requests ") && l.contains("VmRSS"))
            .count(),
        3,
        "memory every 100 requests: {printed}"
    );
    assert!(
        printed.contains("300 requests in") && printed.contains(", 0 failed"),
        "{printed}"
    );
    drop(server);
}
