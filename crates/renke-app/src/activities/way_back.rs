//! The way back to one's tickets (找回电子票). A registrant who lost the confirmation
//! e-mail gives the e-mail address or the phone number they registered with; each
//! registration found is mailed, as a link to its ticket, to the e-mail address given on
//! that registration — never anywhere else — so the answer proves nothing to whoever asked
//! and reaches only the registrant. The page answers the same whether anything was found.

use super::session_and_activity;
use crate::App;
use crate::error::AppError;
use crate::mail::{self, Mail};
use chrono::{DateTime, Utc};
use renke_domain::FieldError;
use renke_domain::activity::format_ticket_code;
use renke_domain::clock::local_time;
use renke_domain::contact::{parse_email, parse_personal_phone};
use renke_store::activities::{self, Registration};
use std::collections::BTreeMap;

/// Registrations one request looks at, newest first.
const MAX_FOUND: i64 = 50;
/// One e-mail per address per this many minutes, however often the form is sent.
const MAIL_EVERY_MINUTES: i64 = 10;

/// Mails the ticket links of every live registration given with `contact` (an e-mail
/// address or a phone number, `invalid_contact` when it is neither), one e-mail per address
/// on those registrations. Returns how many e-mails were queued (the page does not say).
pub async fn send_ticket_links(app: &App, contact: &str) -> Result<usize, AppError> {
    let contact = contact.trim();
    let (email, phone_key) = if contact.contains('@') || contact.contains('＠') {
        match parse_email("contact", contact)? {
            Some(e) => (Some(e.as_str().to_owned()), None),
            None => return Err(FieldError::new("contact", "required").into()),
        }
    } else {
        match parse_personal_phone("contact", contact) {
            Ok(Some((_, key))) => (None, Some(key)),
            Ok(None) => return Err(FieldError::new("contact", "required").into()),
            Err(_) => {
                return Err(FieldError::new("contact", "invalid_contact")
                    .with("value", contact)
                    .into());
            }
        }
    };
    let found = activities::registrations_of_contact(
        &app.db,
        email.as_deref(),
        phone_key.as_deref(),
        MAX_FOUND,
    )
    .await?;
    let mut by_address: BTreeMap<String, Vec<Registration>> = BTreeMap::new();
    for r in found {
        if let Some(to) = r.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            by_address.entry(to.to_lowercase()).or_default().push(r);
        }
    }
    let now = app.clock.now();
    let base = app.config.public_url.trim_end_matches('/').to_owned();
    let mut lines_of = Vec::new();
    for (to, regs) in by_address {
        let mut lines = Vec::new();
        for r in &regs {
            let (s, a) = session_and_activity(app, r.session_id).await?;
            lines.push(TicketLine {
                what: format!("{}（{}）", a.row.title, s.title),
                when: local_time(&s.starts_at),
                code: format_ticket_code(&r.code),
                link: format!("{base}/tickets/{}", r.ticket),
            });
        }
        lines_of.push((to, lines));
    }
    let mut tx = app.db.write().await?;
    let mut queued = 0;
    for (to, lines) in lines_of {
        let key = format!("ticket_links:{to}:{}", slot(now));
        if mail::queue(&mut tx, &compose(&to, &lines), Some(key), now).await? {
            queued += 1;
        }
    }
    tx.commit().await?;
    Ok(queued)
}

/// The period `now` falls in, for the one-mail-per-period rule.
fn slot(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(MAIL_EVERY_MINUTES * 60)
}

/// One registration as the e-mail lists it.
struct TicketLine {
    what: String,
    when: String,
    code: String,
    link: String,
}

fn compose(to: &str, lines: &[TicketLine]) -> Mail {
    let mut zh = String::from(
        "您好：\n以下是使用本邮箱报名的活动及电子票链接（凭电子票二维码或凭证号签到）：\n\n",
    );
    let mut en = String::from(
        "Hello,\nthese are the registrations made with this e-mail address, each with its ticket (check in with the QR code or the ticket code):\n\n",
    );
    for l in lines {
        zh.push_str(&format!(
            "· {}，{}（北京时间），凭证号 {}\n  {}\n",
            l.what, l.when, l.code, l.link
        ));
        en.push_str(&format!(
            "· {}, {} (Beijing time), ticket code {}\n  {}\n",
            l.what, l.when, l.code, l.link
        ));
    }
    zh.push_str("\n如非本人操作，请忽略本邮件。\n\n");
    en.push_str("\nIf you did not ask for this, ignore this e-mail.\n");
    Mail {
        to: vec![to.to_owned()],
        subject: "【找回电子票】您的活动报名 Your registrations".into(),
        text: format!("{zh}{en}"),
        attachments: Vec::new(),
    }
}
