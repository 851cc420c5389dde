//! E-mail through the job queue: queued with the write, sent once by the worker, retried on
//! failure; the file transport writes real MIME messages.

use crate::support::TestApp;
use chrono::Duration;
use renke_app::jobs::Job;
use renke_app::mail::{self, Attachment, Mail, MailConfig, Mailer};
use renke_store::StoreError;
use renke_store::jobs;

fn invitation(to: &str) -> Mail {
    Mail {
        to: vec![to.to_owned()],
        subject: "报名确认：中小企业质量管理体系培训（深圳站）".into(),
        text: "您已报名成功。\nYour registration is confirmed.".into(),
        attachments: vec![Attachment {
            filename: "邀请.ics".into(),
            content_type: "text/calendar; charset=utf-8; method=REQUEST".into(),
            data: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".as_bytes().to_vec(),
        }],
    }
}

#[tokio::test]
async fn queued_mail_is_sent_once_by_the_worker() {
    for app in TestApp::spawn_all().await {
        let db = app.db();
        let now = app.clock.now();
        let m = invitation("张三 <zhangsan@example.cn>");
        let key = Some("registration:1:confirm".to_owned());
        let queued: Result<bool, StoreError> = async {
            let mut tx = db.write().await?;
            let queued = mail::queue(&mut tx, &m, key.clone(), now).await?;
            tx.commit().await?;
            Ok(queued)
        }
        .await;
        assert!(queued.unwrap(), "{}", app.label());
        // The same key again: not queued a second time.
        let again: Result<bool, StoreError> = async {
            let mut tx = db.write().await?;
            let queued = mail::queue(&mut tx, &m, key.clone(), now).await?;
            tx.commit().await?;
            Ok(queued)
        }
        .await;
        assert!(!again.unwrap());
        assert!(
            app.mails().is_empty(),
            "nothing is sent before the worker runs"
        );

        let pass = app.run_jobs().await;
        assert_eq!((pass.done, pass.failed), (1, 0), "{}", app.label());
        assert_eq!(app.mails(), vec![m.clone()]);
        // A second pass finds nothing to do.
        assert_eq!(app.run_jobs().await.done, 0);
        assert_eq!(app.mails().len(), 1);
        app.finish().await;
    }
}

/// Queues an e-mail to an address no transport accepts.
async fn queue_unsendable(app: &TestApp) -> Mail {
    let bad = Mail {
        to: vec!["不是地址".into()],
        ..invitation("x@example.cn")
    };
    let now = app.clock.now();
    jobs::enqueue(app.db(), &bad.to_new_job(now).unwrap(), now)
        .await
        .unwrap();
    bad
}

#[tokio::test]
async fn an_unsendable_mail_is_retried_then_given_up() {
    for app in TestApp::spawn_all().await {
        let db = app.db();
        queue_unsendable(&app).await;
        for _ in 0..5 {
            let pass = app.run_jobs().await;
            assert_eq!(pass.failed, 1, "{}", app.label());
            app.clock.advance(Duration::hours(2));
        }
        let rows = jobs::list(db, Some(mail::KIND), 0, 10).await.unwrap();
        assert_eq!(rows[0].status, "failed");
        assert!(
            rows[0]
                .last_error
                .as_deref()
                .unwrap_or("")
                .contains("不是地址"),
            "{:?}",
            rows[0].last_error
        );
        assert!(app.mails().is_empty());
        app.finish().await;
    }
}

#[tokio::test]
async fn the_file_transport_writes_a_mime_message_with_its_attachment() {
    let dir = tempfile::tempdir().unwrap();
    let config = MailConfig {
        transport: "file".into(),
        dir: "outbox".into(),
        ..MailConfig::default()
    };
    let mailer = Mailer::from_config(&config, dir.path()).unwrap();
    mailer.send(&invitation("lisi@example.cn")).await.unwrap();
    let files: Vec<_> = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("To: lisi@example.cn"), "{eml}");
    // The Chinese subject is encoded (RFC 2047), the calendar travels as an attachment.
    assert!(eml.contains("Subject: =?utf-8?"), "{eml}");
    assert!(eml.contains("Content-Type: text/calendar"), "{eml}");
    assert!(eml.contains("Content-Disposition: attachment"), "{eml}");
}

#[test]
fn bad_mail_settings_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let e = Mailer::from_config(
        &MailConfig {
            transport: "pigeon".into(),
            ..MailConfig::default()
        },
        dir.path(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("pigeon"), "{e}");
    let e = Mailer::from_config(
        &MailConfig {
            transport: "smtp".into(),
            smtp_url: None,
            ..MailConfig::default()
        },
        dir.path(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("smtp_url"), "{e}");
    let e = Mailer::from_config(
        &MailConfig {
            from: "no address here".into(),
            ..MailConfig::default()
        },
        dir.path(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("no address here"), "{e}");
}

/// The SMTP server `.ci/services` starts (aiosmtpd writing a Maildir), when set.
fn smtp_server() -> Option<(String, std::path::PathBuf)> {
    let url = std::env::var("RENKE_TEST_SMTP_URL").ok()?;
    let maildir = std::env::var("RENKE_TEST_SMTP_MAILDIR").ok()?;
    Some((url, maildir.into()))
}

fn smtp_mailer(url: &str) -> Mailer {
    let dir = tempfile::tempdir().unwrap();
    Mailer::from_config(
        &MailConfig {
            transport: "smtp".into(),
            smtp_url: Some(url.to_owned()),
            ..MailConfig::default()
        },
        dir.path(),
    )
    .unwrap()
}

/// The message the SMTP server received for `rcpt`, waiting up to five seconds for it.
async fn received(maildir: &std::path::Path, rcpt: &str) -> String {
    for _ in 0..50 {
        if let Ok(entries) = std::fs::read_dir(maildir.join("new")) {
            for e in entries {
                let text = std::fs::read_to_string(e.unwrap().path()).unwrap_or_default();
                if text.contains(&format!("X-RcptTo: {rcpt}")) {
                    return text;
                }
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no message for {rcpt} in {}", maildir.display());
}

/// A header's value with its folded lines joined, its RFC 2047 encoded words decoded.
fn header(message: &str, name: &str) -> String {
    use base64::Engine;
    let head = message.split("\n\n").next().unwrap().replace("\r\n", "\n");
    let mut value = None::<String>;
    for line in head.lines() {
        match &mut value {
            Some(v) if line.starts_with([' ', '\t']) => v.push_str(line.trim_start()),
            Some(_) => break,
            None => {
                if let Some(rest) = line.strip_prefix(&format!("{name}: ")) {
                    value = Some(rest.to_owned());
                }
            }
        }
    }
    let raw = value.unwrap_or_else(|| panic!("no {name} header in {message}"));
    // Encoded words (`=?utf-8?b?…?=`), adjacent or separated by folding white space, which
    // is then not part of the text; anything else is kept as it is.
    let mut bytes = Vec::new();
    let mut rest = raw.as_str();
    let mut after_word = false;
    while !rest.is_empty() {
        let start = rest.to_ascii_lowercase().find("=?utf-8?b?");
        let (literal, word) = match start {
            Some(i) => (&rest[..i], Some(&rest[i + "=?utf-8?b?".len()..])),
            None => (rest, None),
        };
        if !(after_word && word.is_some() && literal.trim().is_empty()) {
            bytes.extend(literal.as_bytes());
        }
        let Some(word) = word else { break };
        let end = word
            .find("?=")
            .unwrap_or_else(|| panic!("unterminated word in {raw}"));
        bytes.extend(
            base64::engine::general_purpose::STANDARD
                .decode(&word[..end])
                .unwrap_or_else(|e| panic!("{e}: {raw}")),
        );
        rest = &word[end + 2..];
        after_word = true;
    }
    String::from_utf8(bytes).unwrap()
}

/// A queued e-mail goes out through a real SMTP server: the worker sends it, the server
/// receives it for the right recipient, the Chinese subject arrives encoded and decodes to
/// the original, the body is UTF-8 and the invitation travels as a text/calendar part.
#[tokio::test]
async fn mail_reaches_a_real_smtp_server() {
    let Some((url, maildir)) = smtp_server() else {
        eprintln!("RENKE_TEST_SMTP_URL unset: SMTP test skipped");
        return;
    };
    for db in renke_app::testing::backends().await {
        let app =
            TestApp::spawn_mapped(db, Default::default(), |a| a.with_mailer(smtp_mailer(&url)))
                .await;
        let l = app.label();
        // Unique per run and backend: the server's Maildir may hold earlier runs' messages.
        let stamp = renke_domain::clock::Clock::System
            .now()
            .timestamp_nanos_opt()
            .unwrap();
        let rcpt = format!("wangwu-{stamp}-{}@example.cn", l.to_lowercase());
        let m = invitation(&format!("王五 <{rcpt}>"));
        let mut tx = app.db().write().await.unwrap();
        assert!(
            mail::queue(&mut tx, &m, None, app.clock.now())
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();

        let pass = app.run_jobs().await;
        assert_eq!((pass.done, pass.failed), (1, 0), "{l}");
        let got = received(&maildir, &rcpt).await;
        assert_eq!(header(&got, "Subject"), m.subject, "{l}: {got}");
        assert!(header(&got, "To").contains(&rcpt), "{l}");
        assert!(
            header(&got, "From").contains("noreply@renke.localhost"),
            "{l}"
        );
        assert!(got.contains("Content-Type: text/calendar"), "{l}: {got}");
        assert!(
            got.contains("BEGIN:VCALENDAR"),
            "{l}: the invitation's content: {got}"
        );
        app.finish().await;
    }
}

/// An SMTP server that does not answer: the send fails, the job stays queued for a retry a
/// minute later with the error kept, then two minutes, four…, and is given up after its
/// last attempt, still showing why.
#[tokio::test]
async fn an_unreachable_smtp_server_is_retried_with_backoff() {
    let app = TestApp::spawn_mapped(
        renke_app::testing::TestDb::sqlite().await.unwrap(),
        Default::default(),
        |a| a.with_mailer(smtp_mailer("smtp://127.0.0.1:1")),
    )
    .await;
    let db = app.db();
    let mut tx = db.write().await.unwrap();
    mail::queue(
        &mut tx,
        &invitation("zhaoliu@example.cn"),
        None,
        app.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut waits = Vec::new();
    loop {
        let before = app.clock.now();
        let pass = app.run_jobs().await;
        assert_eq!(pass.failed, 1);
        let row = jobs::list(db, Some(mail::KIND), 0, 1)
            .await
            .unwrap()
            .remove(0);
        assert!(
            row.last_error.as_deref().unwrap_or("").contains("发送失败"),
            "{:?}",
            row.last_error
        );
        if row.status == "failed" {
            break;
        }
        assert_eq!(row.status, "queued");
        waits.push((row.run_at - before).num_minutes());
        app.clock.advance(row.run_at - before);
    }
    assert_eq!(waits, vec![1, 2, 4, 8], "backoff between the five attempts");
    assert!(app.mails().is_empty());
    app.finish().await;
}

/// 邮件投递: an administrator sees the e-mail given up with its address, subject and error,
/// and sends it again (queued with all its attempts); staff may not see the page.
#[tokio::test]
async fn administrators_see_undelivered_mail_and_send_it_again() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        app.tree().await;
        app.account("gd.admin", renke_domain::perm::Role::Admin, "GD")
            .await;
        app.account("gd.staff", renke_domain::perm::Role::Staff, "GD")
            .await;
        let db = app.db();
        let bad = queue_unsendable(&app).await;
        let admin = app.login("gd.admin", crate::support::PASSWORD).await;
        assert!(
            admin
                .get("/admin/mail")
                .await
                .text
                .contains("没有未送达的邮件"),
            "{l}: nothing has failed yet"
        );
        app.run_jobs().await;
        let page = admin.get("/admin/mail").await;
        assert_eq!(page.status, 200, "{l}");
        assert!(page.text.contains("等待重试"), "{l}: {}", page.text);
        for _ in 0..4 {
            app.clock.advance(Duration::hours(1));
            app.run_jobs().await;
        }
        let page = admin.get("/admin/mail").await;
        assert!(page.text.contains("已放弃"), "{l}");
        assert!(
            page.text.contains("不是地址"),
            "{l}: the address and its error"
        );
        assert!(page.text.contains(&bad.subject), "{l}");
        assert!(
            page.text.contains("href=\"/admin/mail\""),
            "{l}: in the navigation"
        );

        let staff = app.login("gd.staff", crate::support::PASSWORD).await;
        assert_eq!(staff.get("/admin/mail").await.status, 403, "{l}");
        let staff_home = staff.get("/settings").await;
        assert!(
            !staff_home.text.contains("/admin/mail"),
            "{l}: no link for staff"
        );
        let id = jobs::list(db, Some(mail::KIND), 0, 1).await.unwrap()[0].id;
        let refused = staff.form(&format!("/admin/mail/{id}/retry"), &[]).await;
        assert_eq!(refused.status, 403, "{l}");

        let again = admin.form(&format!("/admin/mail/{id}/retry"), &[]).await;
        assert_eq!(again.status, 200, "{l}: {}", again.text);
        assert!(again.text.contains("已重新排队发送"), "{l}");
        let row = jobs::list(db, Some(mail::KIND), 0, 1)
            .await
            .unwrap()
            .remove(0);
        assert_eq!((row.status.as_str(), row.attempts), ("queued", 0), "{l}");
        // A job not given up cannot be sent again.
        let twice = admin.form(&format!("/admin/mail/{id}/retry"), &[]).await;
        assert_eq!(twice.status, 404, "{l}");
        // Still a bad address: it fails five times more and is given up again.
        for _ in 0..5 {
            app.run_jobs().await;
            app.clock.advance(Duration::hours(1));
        }
        app.finish().await;
    }
}
