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

#[tokio::test]
async fn an_unsendable_mail_is_retried_then_given_up() {
    for app in TestApp::spawn_all().await {
        let db = app.db();
        let bad = Mail {
            to: vec!["不是地址".into()],
            ..invitation("x@example.cn")
        };
        jobs::enqueue(
            db,
            &bad.to_new_job(app.clock.now()).unwrap(),
            app.clock.now(),
        )
        .await
        .unwrap();
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
