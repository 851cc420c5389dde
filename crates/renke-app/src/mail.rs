//! E-mail: written to the job queue in the transaction of the write that causes it, sent
//! later by the worker through lettre.
//!
//! Transports: SMTP in production, a directory of `.eml` files in development (the default,
//! so a fresh checkout never sends real mail), and an in-memory list that tests read.

use crate::App;
use crate::error::AppError;
use crate::jobs::Job;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Attachment as LettreAttachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use renke_store::StoreError;
use renke_store::jobs::Enqueue;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The job kind of an e-mail.
pub const KIND: &str = "mail";

/// One e-mail, as it waits in the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mail {
    /// Addresses, e.g. `张三 <zhangsan@example.cn>` or a bare address.
    pub to: Vec<String>,
    pub subject: String,
    /// Plain-text body (Chinese first, English after).
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

/// A file sent with an e-mail, e.g. an iCalendar invitation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    #[serde(with = "base64_bytes")]
    pub data: Vec<u8>,
}

mod base64_bytes {
    use super::B64;
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&B64.encode(b))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        B64.decode(s).map_err(serde::de::Error::custom)
    }
}

/// An e-mail waiting in the queue is a job: the worker sends it through the configured
/// transport.
impl Job for Mail {
    const KIND: &'static str = KIND;

    async fn run(self, app: &App) -> Result<(), String> {
        app.mailer.send(&self).await.map_err(|e| e.to_string())
    }
}

/// Queues `mail` on a transaction's connection, so it is sent exactly when the write that
/// causes it commits. With a `dedupe` key the same e-mail is queued at most once, ever;
/// returns whether it was queued now.
pub async fn queue<C: Enqueue>(
    conn: &mut C,
    mail: &Mail,
    dedupe: Option<String>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut job = mail.to_new_job(now)?;
    job.dedupe_key = dedupe;
    Ok(conn.enqueue(&job, now).await?.is_some())
}

/// Mail settings (section `[mail]` of the configuration file).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    /// The sender, e.g. `认可平台 <noreply@renke.example.gov.cn>`.
    pub from: String,
    /// `file` (write `.eml` files to `dir`), `smtp` (send through `smtp_url`) or `off`.
    pub transport: String,
    /// Where the file transport writes; relative paths are under the data directory.
    pub dir: PathBuf,
    /// `smtps://USER:PASSWORD@HOST:465` or `smtp://HOST:587?tls=required`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp_url: Option<String>,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            from: "认可平台 Renke <noreply@renke.localhost>".into(),
            transport: "file".into(),
            dir: PathBuf::from("mail"),
            smtp_url: None,
        }
    }
}

/// Why an e-mail could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("地址无效 invalid address {0:?}")]
    Address(String),
    #[error("邮件无法生成 cannot build message: {0}")]
    Build(String),
    #[error("发送失败 sending failed: {0}")]
    Send(String),
    #[error("配置错误 mail configuration: {0}")]
    Config(String),
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
    Memory(Arc<Mutex<Vec<Mail>>>),
    Off,
}

/// Sends e-mail through the configured transport.
#[derive(Clone)]
pub struct Mailer {
    from: String,
    transport: Transport,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::File(_) => "file",
            Transport::Memory(_) => "memory",
            Transport::Off => "off",
        };
        f.debug_struct("Mailer")
            .field("from", &self.from)
            .field("transport", &kind)
            .finish()
    }
}

fn mailbox(s: &str) -> Result<Mailbox, MailError> {
    s.parse().map_err(|_| MailError::Address(s.to_owned()))
}

impl Mailer {
    /// The mailer `config` describes; `data_dir` anchors a relative file-transport directory.
    pub fn from_config(
        config: &MailConfig,
        data_dir: &std::path::Path,
    ) -> Result<Mailer, MailError> {
        mailbox(&config.from)?;
        let from = config.from.clone();
        let transport = match config.transport.as_str() {
            "file" => {
                let dir = data_dir.join(&config.dir);
                std::fs::create_dir_all(&dir)
                    .map_err(|e| MailError::Config(format!("{}: {e}", dir.display())))?;
                Transport::File(AsyncFileTransport::new(dir))
            }
            "smtp" => {
                let url = config.smtp_url.as_deref().ok_or_else(|| {
                    MailError::Config("transport = \"smtp\" needs smtp_url".into())
                })?;
                let t = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::Config(e.to_string()))?
                    .build();
                Transport::Smtp(t)
            }
            "off" => Transport::Off,
            other => {
                return Err(MailError::Config(format!(
                    "unknown transport {other:?}: use file, smtp or off"
                )));
            }
        };
        Ok(Mailer { from, transport })
    }

    /// A mailer that keeps what it sends in memory, for tests; read it with [`Mailer::sent`].
    pub fn memory() -> Mailer {
        Mailer {
            from: MailConfig::default().from,
            transport: Transport::Memory(Arc::new(Mutex::new(Vec::new()))),
        }
    }

    /// What the in-memory transport has sent so far (empty for other transports).
    pub fn sent(&self) -> Vec<Mail> {
        match &self.transport {
            Transport::Memory(m) => m.lock().map(|v| v.clone()).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Builds the MIME message: UTF-8 text, attachments as parts.
    pub fn message(&self, mail: &Mail) -> Result<Message, MailError> {
        let mut b = Message::builder()
            .from(mailbox(&self.from)?)
            .subject(mail.subject.clone());
        if mail.to.is_empty() {
            return Err(MailError::Address(String::new()));
        }
        for to in &mail.to {
            b = b.to(mailbox(to)?);
        }
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.clone());
        let built = if mail.attachments.is_empty() {
            b.singlepart(text)
        } else {
            let mut parts = MultiPart::mixed().singlepart(text);
            for a in &mail.attachments {
                let ct = ContentType::parse(&a.content_type)
                    .map_err(|e| MailError::Build(e.to_string()))?;
                parts = parts
                    .singlepart(LettreAttachment::new(a.filename.clone()).body(a.data.clone(), ct));
            }
            b.multipart(parts)
        };
        built.map_err(|e| MailError::Build(e.to_string()))
    }

    /// Sends one e-mail now.
    pub async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let message = self.message(mail)?;
        match &self.transport {
            Transport::Smtp(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Send(e.to_string())),
            Transport::File(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Send(e.to_string())),
            Transport::Memory(m) => {
                m.lock()
                    .map_err(|_| MailError::Send("memory transport poisoned".into()))?
                    .push(mail.clone());
                Ok(())
            }
            Transport::Off => Ok(()),
        }
    }
}

/// An e-mail in trouble, as administrators see it: to whom, about what, how often it was
/// tried, why it failed and when it is tried next (none when given up).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    pub job_id: i64,
    pub to: Vec<String>,
    pub subject: String,
    /// `failed` (given up) or `queued` (waiting for its retry).
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_try: Option<DateTime<Utc>>,
    pub given_up_at: Option<DateTime<Utc>>,
}

/// A page of e-mails in trouble and how many there are in all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deliveries {
    pub items: Vec<Delivery>,
    pub total: i64,
}

/// Whether `me` sees the e-mails in trouble (and may send one again): administrators.
pub fn may_see_deliveries(me: &crate::Caller) -> bool {
    me.actor().is_admin()
}

/// 邮件投递: the e-mails that failed for good or wait for a retry after an error, newest
/// first. Administrators only (they hold addresses of every organisation).
pub async fn troubled(
    app: &App,
    me: &crate::Caller,
    offset: i64,
    limit: i64,
) -> Result<Deliveries, AppError> {
    if !may_see_deliveries(me) {
        return Err(AppError::Forbidden);
    }
    let (rows, total) =
        renke_store::jobs::troubled(&app.db, KIND, offset.max(0), limit.clamp(1, 200)).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            // A payload this version cannot read still shows, with its error.
            let mail: Option<Mail> = serde_json::from_str(&r.payload).ok();
            let given_up = r.status == "failed";
            Delivery {
                job_id: r.id,
                to: mail.as_ref().map(|m| m.to.clone()).unwrap_or_default(),
                subject: mail.map(|m| m.subject).unwrap_or_default(),
                status: r.status,
                attempts: r.attempts,
                last_error: r.last_error,
                next_try: (!given_up).then_some(r.run_at),
                given_up_at: if given_up { r.finished_at } else { None },
            }
        })
        .collect();
    Ok(Deliveries { items, total })
}

/// Sends an e-mail that was given up once more (after the address or the server was
/// fixed): it is queued now with all its attempts again. Administrators only; an e-mail
/// that is not given up is `not_found`.
pub async fn retry(app: &App, me: &crate::Caller, job_id: i64) -> Result<(), AppError> {
    if !may_see_deliveries(me) {
        return Err(AppError::Forbidden);
    }
    if renke_store::jobs::requeue(&app.db, KIND, job_id, app.clock.now()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

impl From<MailError> for AppError {
    fn from(e: MailError) -> Self {
        AppError::Internal(anyhow::anyhow!(e))
    }
}
