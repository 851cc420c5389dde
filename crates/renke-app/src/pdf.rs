//! PDF downloads. Permission is checked by the same use case as the page that shows
//! the record; the document is then mapped into renke-render's plain data struct and
//! rendered on a blocking thread, never on the async runtime.

use crate::App;
use crate::Caller;
use crate::error::AppError;
use crate::notices::{NoticeView, notice_view};
use renke_render::pdf::{
    Certificate, ContactLine, Material, NoticeDoc, Pdf, PdfError, PdfRenderer, Report,
};
use renke_store::notices::Recipient;
use std::sync::Arc;

/// A rendered PDF with the name it is downloaded as.
pub struct PdfFile {
    pub bytes: Vec<u8>,
    /// The file name people see, e.g. `粤市监认监〔2022〕253号.pdf`.
    pub filename: String,
    /// An ASCII name for clients that ignore `filename*`.
    pub fallback: String,
}

/// The notice `id` as a PDF in the official layout, for whoever may read the notice; a
/// relay (转发) with the relayed notice after it, under 附件.
pub async fn notice_pdf(app: &App, me: Option<&Caller>, id: i64) -> Result<PdfFile, AppError> {
    let v = notice_view(app, me, id).await?;
    let mut doc = notice_doc(&v);
    // A relay carries the notice it relays after its own, as printed relays do; for a
    // reader who may read it (anyone the relay reached may).
    if let Some(original) = &v.original {
        match notice_view(app, me, original.id).await {
            Ok(o) => doc.relayed = Some(Box::new(notice_doc(&o))),
            Err(AppError::Forbidden | AppError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    let pdf = render(app, move |r| r.notice(&doc)).await?;
    if !pdf.missing_chars.is_empty() {
        let chars: String = pdf.missing_chars.iter().collect();
        tracing::warn!(notice = id, missing = %chars, "PDF: characters without a font are drawn as empty boxes; configure a font directory that has them");
    }
    Ok(PdfFile {
        bytes: pdf.bytes,
        filename: format!(
            "{}.pdf",
            renke_domain::notice::doc_or_title(v.notice.doc_number.as_deref(), &v.notice.title)
        ),
        fallback: format!("notice-{id}.pdf"),
    })
}

/// The certificate of attendance (参加证明) of the registration holding `ticket` (the
/// ticket is the registrant's key): for a checked-in registration (`not_checked_in`
/// otherwise) once its session has ended (`session_not_ended`). It carries the address of
/// its public verification page, as text and as a QR code.
pub async fn certificate_pdf(app: &App, ticket: &str) -> Result<PdfFile, AppError> {
    let t = crate::activities::ticket(app, ticket).await?;
    let cert = certificate(app, &t)?;
    let (number, name) = (cert.number.clone(), t.registration.name.clone());
    let pdf = render(app, move |r| r.certificate(&cert)).await?;
    Ok(PdfFile {
        bytes: pdf.bytes,
        filename: format!("参加证明-{name}-{number}.pdf"),
        fallback: format!("certificate-{number}.pdf"),
    })
}

/// The certificate a ticket's holder is owed, or why none is owed yet.
pub fn certificate(app: &App, t: &crate::activities::Ticket) -> Result<Certificate, AppError> {
    let r = &t.registration;
    let Some(checked_in_at) = r.checked_in_at else {
        return Err(AppError::Conflict("not_checked_in"));
    };
    let now = app.clock.now();
    if now < t.session.ends_at {
        return Err(AppError::Conflict("session_not_ended"));
    }
    let sh = renke_domain::clock::SHANGHAI;
    let starts_on = t.session.starts_at.with_timezone(&sh).date_naive();
    let ends_on = t.session.ends_at.with_timezone(&sh).date_naive();
    let hosts: Vec<&str> = t
        .activity
        .organisers
        .iter()
        .filter(|o| o.role == "host")
        .map(|o| o.name.as_str())
        .collect();
    let organiser = if hosts.is_empty() {
        t.activity.row.owner_name.clone()
    } else {
        hosts.join("、")
    };
    let base = app.config.public_url.trim_end_matches('/');
    Ok(Certificate {
        number: format!(
            "RK-{}-{:04}-{:06}",
            checked_in_at.with_timezone(&sh).format("%Y"),
            t.activity.row.id,
            r.id
        ),
        person: r.name.clone(),
        person_org: r.company.clone(),
        activity: t.activity.row.title.clone(),
        session: (t.activity.sessions.len() > 1 || t.session.title != t.activity.row.title)
            .then(|| t.session.title.clone()),
        starts_on,
        ends_on: (ends_on != starts_on).then_some(ends_on),
        organiser,
        issued_on: now.with_timezone(&sh).date_naive(),
        verify_code: renke_domain::activity::format_ticket_code(&r.code),
        verify_url: format!("{base}/verify/{}", r.code),
    })
}

/// The certificate whose verification code is `code` (as printed, any case, dash or
/// not), for the public verification page. A code that holds no certificate — unknown,
/// not checked in, session not ended — is not found, whichever it is.
pub async fn verify_certificate(app: &App, code: &str) -> Result<Certificate, AppError> {
    let code = renke_domain::activity::parse_ticket_code("code", code)?;
    let r = match renke_store::activities::registration_by_code(&app.db, &code).await {
        Ok(r) => r,
        Err(renke_store::StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let t = crate::activities::ticket(app, &r.ticket).await?;
    certificate(app, &t).map_err(|e| match e {
        AppError::Conflict(_) => AppError::NotFound,
        e => e,
    })
}

/// The compiled (roll-up) submission `id` as a report PDF, for whoever may read the
/// submission: the submission's own text as the bureau edited it (its summary as
/// introduction, then its body with headings, paragraphs and `|` tables as written — the
/// working copy for its own organisation, the version sent for those who collect it), and
/// the index of the materials it was compiled from (each source submission and each of its
/// files by name and version, the activities covered) under the text's 材料索引 heading. A
/// submission that was not compiled has no report (404).
pub async fn report_pdf(app: &App, me: &Caller, id: i64) -> Result<PdfFile, AppError> {
    let v = crate::reporting::tasks::submission_view(app, me, id).await?;
    if !v.submission.compiled {
        return Err(AppError::NotFound);
    }
    // The index with file names and versions: addresses on this server mean nothing on
    // paper, so only online links (a livestream, a venue's meeting) keep theirs.
    let materials = v
        .index
        .iter()
        .map(|e| Material {
            unit: e.unit.clone(),
            title: e.title.clone(),
            kind: e.kind.to_owned(),
            version: e.version.map(|n| format!("第{n}版")),
            link: e
                .href
                .clone()
                .filter(|h| h.starts_with("https://") || h.starts_with("http://")),
        })
        .collect();
    let doc = report_doc(&v, materials);
    let pdf = render(app, move |r| r.report(&doc)).await?;
    if !pdf.missing_chars.is_empty() {
        let chars: String = pdf.missing_chars.iter().collect();
        tracing::warn!(submission = id, missing = %chars, "PDF: characters without a font are drawn as empty boxes");
    }
    Ok(PdfFile {
        bytes: pdf.bytes,
        filename: format!("{}-{}-汇总报告.pdf", v.submission.org_name, v.task.title),
        fallback: format!("report-{id}.pdf"),
    })
}

/// The date in Shanghai.
fn shanghai_date(t: &chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    t.with_timezone(&renke_domain::clock::SHANGHAI).date_naive()
}

/// A compiled submission as renke-render's report: its own (edited) text, and the index of
/// materials; the sections the renderer could build from the sources are not used, so what
/// the bureau changed, added or removed is what the PDF shows.
fn report_doc(v: &crate::reporting::tasks::SubmissionView, materials: Vec<Material>) -> Report {
    let s = &v.submission;
    let t = &v.task;
    Report {
        title: format!("{}{}汇总报告", s.org_name, t.title),
        organisation: s.org_name.clone(),
        task: Some(t.title.clone()),
        notice: t.notice_doc_number.clone(),
        // The collector's own summary goes nowhere.
        submit_to: (!v.collectors_summary).then(|| match &t.submit_to_dept {
            Some(d) => format!("{}{d}", t.submit_to_name),
            None => t.submit_to_name.clone(),
        }),
        compiled_on: shanghai_date(&s.submitted_at.unwrap_or(s.updated_at)),
        introduction: s.summary.clone(),
        text: Some(s.body.clone().unwrap_or_default()),
        units: Vec::new(),
        activities: Vec::new(),
        materials,
    }
}

/// Runs a render on a blocking thread: typesetting is CPU-heavy and synchronous.
pub async fn render<F>(app: &App, f: F) -> Result<Pdf, AppError>
where
    F: FnOnce(&PdfRenderer) -> Result<Pdf, PdfError> + Send + 'static,
{
    let renderer: Arc<PdfRenderer> = app
        .pdf_renderer()
        .map_err(|e| AppError::Internal(e.into()))?;
    tokio::task::spawn_blocking(move || f(&renderer))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("PDF rendering stopped: {e}")))?
        .map_err(|e| AppError::Internal(e.into()))
}

/// 主送 as written: a group's label, or the organisation's name.
fn recipient_label(r: &Recipient) -> String {
    match (&r.label, r.children_kind) {
        (Some(l), _) => l.clone(),
        (None, None) => r.org_name.clone(),
        (None, Some(k)) => format!("{}所属{}", r.org_name, k.zh()),
    }
}

/// The stored notice as its PDF shows it (the same elements, in the same order, as the
/// notice page).
pub fn notice_doc(v: &NoticeView) -> NoticeDoc {
    let n = &v.notice;
    let mut attachments = Vec::new();
    if let Some(o) = &v.original {
        attachments.push(renke_domain::notice::cite(
            &o.title,
            o.doc_number.as_deref(),
        ));
    }
    attachments.extend(n.attachments.iter().cloned());
    NoticeDoc {
        issuer_mark: format!("{}文件", n.issuer_name),
        doc_number: n.doc_number.clone(),
        title: n.title.clone(),
        recipients: n.recipients.iter().map(recipient_label).collect(),
        body: n.body.clone(),
        attachments,
        signature: n.signature.clone().unwrap_or_else(|| n.issuer_name.clone()),
        written_on: n.written_on,
        notes: n.notes.clone(),
        contacts: n
            .contacts
            .iter()
            .map(|c| ContactLine {
                name: c.name.clone(),
                phone: c.phone.clone(),
                email: c.email.clone(),
            })
            .collect(),
        publication: n.publication,
        cc: n.cc.clone(),
        printed_by: n.printed_by.clone(),
        printed_on: n.printed_on,
        proofreader: n.proofreader.clone(),
        draft: !n.is_issued(),
        relayed: None,
    }
}
