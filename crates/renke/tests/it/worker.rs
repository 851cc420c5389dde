//! `renke worker`: the job worker on its own, delivering what a web server queued.

use super::support::sqlite_url;
use renke_app::jobs::Job;
use renke_app::mail::Mail;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test]
async fn the_worker_alone_sends_queued_mail() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir.path().join("renke.db"));
    let db = renke_store::Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    let mail = Mail {
        to: vec!["lab@example.cn".into()],
        subject: "报送提醒 Reminder".into(),
        text: "请在截止日期前报送。".into(),
        attachments: Vec::new(),
    };
    let now = renke_domain::clock::Clock::System.now();
    renke_store::jobs::enqueue(&db, &mail.to_new_job(now).unwrap(), now)
        .await
        .unwrap();
    db.close().await;

    let mut child = Command::new(env!("CARGO_BIN_EXE_renke"))
        .args(["worker", "--database-url", &url, "--data-dir"])
        .arg(dir.path())
        .env_remove("RENKE_DATABASE_URL")
        .env_remove("RENKE_DATA_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mail_dir = dir.path().join("mail");
    let deadline = Instant::now() + Duration::from_secs(30);
    let sent = loop {
        let eml: Vec<_> = std::fs::read_dir(&mail_dir)
            .map(|d| d.filter_map(Result::ok).collect())
            .unwrap_or_default();
        if !eml.is_empty() || Instant::now() > deadline {
            break eml;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(sent.len(), 1, "one .eml file in {}", mail_dir.display());
    let body = std::fs::read_to_string(sent[0].path()).unwrap();
    assert!(body.contains("lab@example.cn"), "{body}");

    let db = renke_store::Db::connect(&url).await.unwrap();
    let counts = renke_store::jobs::counts(&db).await.unwrap();
    assert_eq!(counts, vec![("done".to_owned(), 1)]);
    db.close().await;
}
