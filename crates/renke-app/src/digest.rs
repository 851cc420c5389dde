//! E-mail digests of in-app messages, per account preference (个人设置 › 邮件通知):
//! at most one e-mail an hour or a day, listing what arrived since the last one — the
//! submissions received, the reports returned, the 签收 of one's notices, the notices
//! waiting to be acknowledged. In-app messages are written whatever the preference; a rush
//! of 21 submissions is one line each in one message and one e-mail.
//!
//! The worker runs [`run`] once a minute. Each account's digest is claimed in the
//! transaction that queues its e-mail, so two servers never send it twice, and an account
//! whose period passed while the server was down gets one digest, not one per missed period.

use crate::App;
use crate::mail::{self, Mail};
use chrono::{DateTime, Utc};
use renke_domain::account::MailDigest;
use renke_domain::clock::local_time;
use renke_domain::notice::with_doc_number;
use renke_store::StoreError;
use renke_store::reminders::{self, Digest, DigestDue};

/// Accounts handled per pass at most (the next pass, a minute later, takes the rest).
const BATCH: i64 = 500;

/// Makes every digest due now: queues one e-mail per account that has something to tell,
/// and moves every due account's period on. Returns how many e-mails were queued.
pub async fn run(app: &App) -> Result<usize, StoreError> {
    let now = app.clock.now();
    let (Some(hourly), Some(daily)) = (MailDigest::Hourly.slot(now), MailDigest::Daily.slot(now))
    else {
        return Ok(0);
    };
    let base = app.config.public_url.trim_end_matches('/');
    let mut queued = 0;
    for due in reminders::digests_due(&app.db, hourly, daily, BATCH).await? {
        let slot = match MailDigest::from_code(&due.mail_digest) {
            Some(MailDigest::Hourly) => hourly,
            _ => daily,
        };
        let mut tx = app.db.write().await?;
        let Some(digest) = reminders::claim_digest(&mut tx, &due, slot, now).await? else {
            continue;
        };
        if !digest.is_empty() {
            let key = format!("digest:{}:{}", due.account_id, now.timestamp());
            if mail::queue(&mut tx, &compose(&due, &digest, base, now), Some(key), now).await? {
                queued += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(queued)
}

/// The e-mail of one digest, Chinese first, every item with its address on the platform.
pub fn compose(due: &DigestDue, d: &Digest, base: &str, now: DateTime<Utc>) -> Mail {
    let n = d.messages.len() + d.notices.len();
    let mut text = format!(
        "{name}，您好：\n自 {since} 至 {now}，认可平台有 {n} 项待您查看。\n\
         Since {since}, {n} item(s) on Renke await you.\n",
        name = due.display_name,
        since = local_time(&due.since),
        now = local_time(&now),
    );
    if !d.notices.is_empty() {
        text.push_str("\n【待签收通知 Notices to acknowledge】\n");
        for x in &d.notices {
            text.push_str(&format!(
                "■ {}（{}，{}）\n  {base}/notices/{}\n",
                with_doc_number(x.doc_number.as_deref(), &x.title),
                x.issuer_name,
                local_time(&x.delivered_at),
                x.notice_id
            ));
        }
    }
    if !d.messages.is_empty() {
        text.push_str("\n【消息 Messages】\n");
        for m in &d.messages {
            text.push_str(&format!("■ {}\n", m.title));
            for line in m.body.lines() {
                text.push_str(&format!("  {line}\n"));
            }
            if let Some(link) = &m.link {
                text.push_str(&format!("  {base}{link}\n"));
            }
        }
    }
    text.push_str(&format!(
        "\n邮件通知方式（不发、每小时、每天）可在个人设置中更改：{base}/settings\n\
         Choose how often you get these e-mails in Settings.\n"
    ));
    Mail {
        to: vec![format!("{} <{}>", due.display_name, due.email)],
        subject: format!("【认可平台】{n} 项新消息 / {n} new item(s)"),
        text,
        attachments: Vec::new(),
    }
}
