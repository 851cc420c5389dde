//! Server-rendered pages. Handlers parse input, call a `renke_app` use case, and render; every
//! page works without JavaScript (htmx only speeds up search).

mod activities;
pub mod assets;
mod audit;
mod campaigns;
mod ceremony;
mod deliveries;
pub use ceremony::verify_link;
mod cases;
mod exports;
mod initiatives;
mod items;
mod notices;
mod oidc;
mod orgs;
pub use exports::XLSX;
mod industry_stats;
mod ingest;
mod pdf;
pub(crate) mod pt;
mod public;
mod publicity;
mod reminders;
pub(crate) mod search;
mod session;
mod settings;
mod shipments;
mod tasks;
mod venues;
mod way_back;

use crate::AppState;
use crate::error::AppError;
use axum::Router;
use axum::routing::{get, post};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(public::home))
        .route("/campaigns/{id}", get(public::campaign))
        .route("/login", get(session::login_form).post(session::login))
        .route("/login/oidc", get(oidc::start))
        .route("/login/oidc/callback", get(oidc::callback))
        .route("/logout", post(session::logout))
        .route("/lang/{code}", get(session::switch_language))
        .route("/home", get(session::dashboard))
        .route("/orgs", get(orgs::my_org))
        .route("/orgs/{id}", get(orgs::show))
        .route("/orgs/{id}/new", get(orgs::new_form).post(orgs::create))
        .route("/orgs/{id}/edit", get(orgs::edit_form).post(orgs::update))
        .route("/orgs/{id}/move", post(orgs::move_org))
        .route("/accounts", get(orgs::accounts).post(orgs::create_account))
        .route("/accounts/{id}/reset", post(orgs::reset_password))
        .route("/accounts/{id}/external-id", post(orgs::set_external_id))
        .route("/manage/campaigns", get(campaigns::list))
        .route(
            "/manage/campaigns/new",
            get(campaigns::new_form).post(campaigns::create),
        )
        .route(
            "/manage/campaigns/{id}/edit",
            get(campaigns::edit_form).post(campaigns::update),
        )
        .route("/notices", get(notices::list))
        .route("/notices/new", get(notices::new_form).post(notices::create))
        .route("/notices/import", get(ingest::form).post(ingest::parse))
        .route("/notices/import/confirm", post(ingest::confirm))
        .route("/notices/{id}", get(notices::show))
        .route(
            "/notices/{id}/edit",
            get(notices::edit_form).post(notices::update),
        )
        .route("/notices/{id}/issue", post(notices::issue))
        .route("/notices/{id}/acknowledge", post(notices::acknowledge))
        .route("/notices/{id}/correct", post(notices::correct))
        .route(
            "/notices/{id}/relay",
            get(notices::relay_form).post(notices::relay),
        )
        .route("/notices/{id}/status", get(notices::status))
        .route(
            "/notices/{id}/attachments",
            post(notices::upload_attachment),
        )
        .route(
            "/notices/{id}/attachments/{pos}",
            get(notices::download_attachment),
        )
        .route(
            "/notices/{id}/tasks",
            get(tasks::notice_tasks).post(tasks::create_task),
        )
        .route("/notices/{id}/dashboard", get(tasks::notice_dashboard))
        .route("/tasks", get(tasks::mine))
        .route("/tasks/{id}", get(tasks::show))
        .route("/tasks/{id}/submission", post(tasks::save_submission))
        .route("/tasks/{id}/compile", post(tasks::compile))
        .route("/tasks/{id}/items", get(items::show).post(items::send))
        .route("/tasks/items/{id}/review", post(items::review))
        .route("/tasks/items/{id}/publish", post(items::publish))
        .route("/tasks/{id}/dashboard", get(tasks::task_dashboard))
        .route("/tasks/submissions/{id}", get(tasks::submission))
        .route("/tasks/submissions/{id}/review", post(tasks::review))
        .route(
            "/tasks/submissions/{id}/files/{version}/{pos}",
            get(tasks::submission_file),
        )
        .route("/tasks/submissions/{id}/paper", post(tasks::paper))
        .route("/tasks/submissions/{id}/confirm", get(tasks::confirm))
        .route(
            "/tasks/submissions/{id}/submit",
            post(tasks::submit_current),
        )
        .route(
            "/tasks/{id}/reminders",
            get(reminders::show).post(reminders::save),
        )
        .route("/tasks/{id}/reminders/now", post(reminders::remind_now))
        .route("/tasks/{id}/export.xlsx", get(exports::status_xlsx))
        .route("/tasks/{id}/materials.zip", get(exports::materials_zip))
        .route("/messages", get(reminders::messages))
        .route("/messages/{id}/read", post(reminders::read))
        .route("/activities", get(activities::calendar))
        .route("/activities/{id}", get(activities::show))
        .route(
            "/activities/new",
            get(activities::new_form).post(activities::create),
        )
        .route(
            "/activities/{id}/edit",
            get(activities::edit_form).post(activities::update),
        )
        .route(
            "/activities/{id}/sessions/new",
            get(activities::new_session_form).post(activities::create_session),
        )
        .route(
            "/activities/{id}/sessions/{sid}/edit",
            get(activities::edit_session_form).post(activities::update_session),
        )
        .route("/activities/{id}/board", get(activities::board))
        .route("/activities/{id}/board/rows", get(activities::board_rows))
        .route(
            "/activities/{id}/venues/{venue_id}/slots/{slot_id}",
            post(activities::report_readiness),
        )
        .route(
            "/activities/{id}/venues",
            get(venues::show).post(venues::add_venue),
        )
        .route(
            "/activities/{id}/venues/branches",
            post(venues::add_branches),
        )
        .route(
            "/activities/{id}/venues/{venue_id}",
            get(venues::venue).post(venues::save_venue),
        )
        .route(
            "/activities/{id}/venues/{venue_id}/remove",
            post(venues::remove_venue),
        )
        .route(
            "/activities/{id}/venues/{venue_id}/participants",
            post(venues::add_participants),
        )
        .route(
            "/activities/{id}/venues/{venue_id}/participants/{position}/remove",
            post(venues::remove_participant),
        )
        .route("/activities/{id}/debug-slots", post(venues::add_slot))
        .route(
            "/activities/{id}/debug-slots/{slot_id}/remove",
            post(venues::remove_slot),
        )
        .route(
            "/sessions/{id}/register",
            get(activities::register_form).post(activities::register),
        )
        .route(
            "/sessions/{id}/registrations",
            get(activities::registrations),
        )
        .route(
            "/sessions/{id}/checkin",
            get(activities::checkin_page).post(activities::check_in_from_list),
        )
        .route("/sessions/{id}/capacity", post(activities::set_capacity))
        .route("/tickets/{ticket}", get(activities::ticket))
        .route("/tickets/{ticket}/cancel", post(activities::cancel_ticket))
        .route("/tickets/{ticket}/event.ics", get(activities::ticket_ics))
        .route(
            "/tickets/{ticket}/calendar.ics",
            get(activities::personal_feed),
        )
        .route("/campaigns/{id}/calendar.ics", get(activities::public_feed))
        .route("/notices/{id}/pdf", get(pdf::notice))
        .route("/tickets/{ticket}/certificate.pdf", get(pdf::certificate))
        .route(
            "/my-registrations",
            get(way_back::way_back_form).post(way_back::way_back),
        )
        .route("/verify", get(way_back::verify_form))
        .route("/verify/{code}", get(way_back::verify))
        .route("/tasks/submissions/{id}/report.pdf", get(pdf::report))
        .route("/pt", get(pt::list))
        .route(
            "/pt/schemes/new",
            get(pt::new_scheme_form).post(pt::create_scheme),
        )
        .route(
            "/pt/rounds/new",
            get(pt::new_round_form).post(pt::create_round),
        )
        .route("/pt/rounds/{id}", get(pt::show_round))
        .route(
            "/pt/rounds/{id}/invite-qualifying",
            post(pt::invite_qualifying),
        )
        .route("/pt/rounds/{id}/invite", post(pt::invite_lab))
        .route("/pt/rounds/{id}/apply", post(pt::apply))
        .route("/pt/rounds/{id}/start", post(pt::start_testing))
        .route("/pt/rounds/{id}/release", post(pt::release))
        .route(
            "/pt/rounds/{id}/enrolments/{enrolment}/decide",
            post(pt::decide),
        )
        .route(
            "/pt/rounds/{id}/enrolments/{enrolment}/dispatch",
            post(pt::dispatch),
        )
        .route(
            "/pt/rounds/{id}/dispatches/{dispatch}/receipt",
            post(pt::confirm_receipt),
        )
        .route(
            "/pt/rounds/{id}/evaluation",
            get(pt::evaluation).post(pt::evaluate),
        )
        .route(
            "/pt/rounds/{id}/evaluation/release",
            post(pt::release_from_evaluation),
        )
        .route(
            "/pt/rounds/{id}/evaluation/revision",
            post(pt::release_revision),
        )
        .route(
            "/pt/enrolments/{id}/results",
            get(pt::results_form).post(pt::save_results),
        )
        .route(
            "/pt/enrolments/{id}/results/confirm",
            get(pt::confirm_results),
        )
        .route(
            "/pt/enrolments/{id}/results/submit",
            post(pt::submit_results),
        )
        .route("/pt/enrolments/{id}/letter.pdf", get(pt::letter_pdf))
        .route(
            "/pt/enrolments/{id}/certificate.pdf",
            get(pt::certificate_pdf),
        )
        .route(
            "/pt/rounds/{id}/instructions",
            get(pt::instructions).post(pt::upload_instructions),
        )
        .route(
            "/pt/enrolments/{id}/results/import",
            post(pt::import_own_results),
        )
        .route("/pt/rounds/{id}/studies", post(pt::record_study))
        .route("/pt/rounds/{id}/results.xlsx", get(pt::results_template))
        .route(
            "/pt/rounds/{id}/results/import",
            post(pt::import_round_results),
        )
        .route("/pt/rounds/{id}/report.pdf", get(pt::report_pdf))
        .route("/pt/rounds/{id}/letters.zip", get(pt::letters_zip))
        .route("/pt/labs/{id}/history", get(pt::lab_history))
        .route("/pt/followups", get(pt::followups))
        .route("/pt/followups/{id}", get(pt::followup))
        .route("/pt/followups/{id}/answer", post(pt::answer_followup))
        .route("/pt/followups/{id}/review", post(pt::review_followup))
        .route("/pt/followups/{id}/files", post(pt::add_evidence))
        .route("/pt/followups/{id}/files/{file_id}", get(pt::evidence_file))
        .route(
            "/pt/followups/{id}/files/{file_id}/remove",
            post(pt::remove_evidence),
        )
        .route("/search", get(search::search))
        .route("/campaigns/{id}/search", get(search::search_public))
        .route("/publicity", get(publicity::list))
        .route(
            "/publicity/new",
            get(publicity::new_form).post(publicity::submit),
        )
        .route("/publicity/{id}", get(publicity::show))
        .route("/publicity/{id}/step", post(publicity::step))
        .route("/publicity/{id}/file", get(publicity::file))
        .route("/publicity/{id}/thumb", get(publicity::thumb))
        .route("/publicity/statistics", get(industry_stats::home))
        .route("/publicity/statistics/import", post(industry_stats::import))
        .route(
            "/publicity/statistics/template.xlsx",
            get(industry_stats::template),
        )
        .route(
            "/publicity/statistics/analysis",
            get(industry_stats::analysis),
        )
        .route(
            "/publicity/statistics/reports/new",
            get(industry_stats::new_report).post(industry_stats::create_report),
        )
        .route(
            "/publicity/statistics/reports/{id}",
            get(industry_stats::report).post(industry_stats::update_report),
        )
        .route(
            "/publicity/statistics/reports/{id}/publish",
            post(industry_stats::publish),
        )
        .route(
            "/publicity/statistics/reports/{id}/share",
            post(industry_stats::share),
        )
        .route(
            "/publicity/statistics/reports/{id}/pdf",
            get(industry_stats::pdf),
        )
        .route("/publicity/materials.xlsx", get(shipments::materials_xlsx))
        .route("/publicity/shipments", get(shipments::list))
        .route(
            "/publicity/shipments/new",
            get(shipments::new_form).post(shipments::create),
        )
        .route("/publicity/shipments/{id}", get(shipments::show))
        .route(
            "/publicity/shipments/{id}/lines.xlsx",
            get(shipments::lines_xlsx),
        )
        .route(
            "/publicity/shipments/lines/{id}/receive",
            post(shipments::receive),
        )
        .route(
            "/publicity/shipments/lines/{id}/posted",
            post(shipments::posted),
        )
        .route(
            "/publicity/shipments/lines/{id}/edit",
            post(shipments::edit),
        )
        .route(
            "/publicity/shipments/lines/{id}/photo",
            get(shipments::photo),
        )
        .route(
            "/publicity/shipments/lines/{id}/thumb",
            get(shipments::thumb),
        )
        .route("/publicity/initiatives", get(initiatives::list))
        .route(
            "/publicity/initiatives/new",
            get(initiatives::new_form).post(initiatives::publish),
        )
        .route("/publicity/initiatives/{id}", get(initiatives::show))
        .route("/publicity/initiatives/{id}/sign", post(initiatives::sign))
        .route(
            "/publicity/initiatives/{id}/withdraw",
            post(initiatives::withdraw),
        )
        .route(
            "/publicity/initiatives/{id}/close",
            post(initiatives::close),
        )
        .route(
            "/publicity/initiatives/{id}/unsigned",
            get(initiatives::unsigned),
        )
        .route("/initiatives/{id}", get(initiatives::public))
        .route("/publicity/ceremonies", get(ceremony::list))
        .route("/publicity/ceremonies/{id}/add", post(ceremony::add))
        .route("/publicity/ceremonies/{id}/import", post(ceremony::import))
        .route(
            "/publicity/ceremonies/{id}/{cert}/remove",
            post(ceremony::remove),
        )
        .route("/ceremonies/{id}", get(ceremony::show))
        .route("/certificates/verify", get(ceremony::verify_form))
        .route("/certificates/{number}", get(ceremony::verify))
        .route("/cases/{id}", get(cases::link))
        .route("/publicity/cases", get(cases::list))
        .route(
            "/publicity/cases/new",
            get(cases::new_call).post(cases::create_call),
        )
        .route("/publicity/cases/{id}", get(cases::show))
        .route("/publicity/cases/{id}/template", get(cases::template))
        .route("/publicity/cases/{id}/review", post(cases::open_review))
        .route("/publicity/cases/{id}/publish", post(cases::publish))
        .route(
            "/publicity/cases/{id}/submit",
            get(cases::new_case).post(cases::save_case),
        )
        .route("/publicity/cases/{id}/ranking", get(cases::ranking))
        .route("/publicity/cases/{id}/selection", post(cases::select))
        .route("/publicity/cases/{id}/collection", get(cases::collection))
        .route("/publicity/cases/{id}/booklet.pdf", get(cases::booklet))
        .route("/publicity/cases/{id}/files.zip", get(cases::files_zip))
        .route("/publicity/cases/submissions/{id}", get(cases::case))
        .route(
            "/publicity/cases/submissions/{id}/step",
            post(cases::case_step),
        )
        .route(
            "/publicity/cases/submissions/{id}/scores",
            post(cases::score),
        )
        .route(
            "/publicity/cases/submissions/{id}/files/{file}",
            get(cases::case_file),
        )
        .route("/admin/audit", get(audit::search))
        .route("/admin/audit/export", get(audit::export))
        .route("/history/{kind}/{id}", get(audit::history))
        .route("/admin/mail", get(deliveries::list))
        .route("/admin/mail/{id}/retry", post(deliveries::retry))
        .route("/settings", get(settings::show))
        .route("/settings/language", post(settings::language))
        .route("/settings/mail", post(settings::mail))
        .route("/settings/password", post(settings::password))
        .route("/settings/tokens", post(settings::create_token))
        .route("/settings/tokens/{id}/revoke", post(settings::revoke_token))
}

/// Paging parameters in the URL.
#[derive(Debug, Default, Deserialize)]
pub struct Paging {
    #[serde(default)]
    pub offset: i64,
}

pub const PAGE_SIZE: i64 = 50;

pub use renke_app::reporting::tasks::UploadedFile;

/// An uploaded file from a multipart form: the `file` part, and an optional `title`.
pub struct UploadForm {
    pub file: UploadedFile,
    pub title: String,
}

/// Reads an upload form (the one the CSRF guard parsed, or else the request's body); a
/// missing or empty `file` part is refused on the `file` field.
pub async fn read_upload(req: axum::extract::Request) -> Result<UploadForm, AppError> {
    let form = crate::form::multipart_form(req)
        .await?
        .ok_or_else(|| AppError::field("file", "upload_unreadable"))?;
    let file = form
        .files("file")
        .into_iter()
        .next()
        .ok_or_else(|| AppError::field("file", "required"))?;
    Ok(UploadForm {
        file,
        title: form.text("title").unwrap_or_default(),
    })
}

/// A form posted urlencoded, or as multipart with files in its `file` parts (the one the
/// CSRF guard parsed, or else the request's body; a file input left empty is skipped;
/// `_csrf` was checked by the guard): the text fields as `T`, and the files.
pub async fn read_form_with_files<T: serde::de::DeserializeOwned>(
    req: axum::extract::Request,
) -> Result<(T, Vec<UploadedFile>), AppError> {
    use axum::extract::FromRequest;
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut files = Vec::new();
    if crate::form::is_multipart(req.headers())
        || req
            .extensions()
            .get::<crate::form::MultipartForm>()
            .is_some()
    {
        let form = crate::form::multipart_form(req)
            .await?
            .ok_or_else(|| AppError::field("file", "upload_unreadable"))?;
        files = form.files("file");
        for part in form.parts {
            match (part.name.as_str(), part.value) {
                ("" | "_csrf" | "file", _) | (_, crate::form::Value::File { .. }) => {}
                (_, crate::form::Value::Text(text)) => pairs.push((part.name, text)),
            }
        }
    } else {
        let body = axum::body::Bytes::from_request(req, &())
            .await
            .map_err(|_| AppError::field("body", "upload_unreadable"))?;
        pairs = serde_urlencoded::from_bytes(&body).map_err(|e| {
            AppError::from(
                renke_domain::FieldError::new("body", "unknown_value").with("value", e.to_string()),
            )
        })?;
    }
    // A name given several times (check boxes) arrives as one value joined with commas.
    let mut joined: Vec<(String, String)> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        match joined.iter_mut().find(|(name, _)| *name == k) {
            Some((_, acc)) => {
                acc.push(',');
                acc.push_str(&v);
            }
            None => joined.push((k, v)),
        }
    }
    let encoded = serde_urlencoded::to_string(&joined)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    let form = serde_urlencoded::from_str(&encoded).map_err(|e| {
        AppError::from(
            renke_domain::FieldError::new("body", "unknown_value").with("value", e.to_string()),
        )
    })?;
    Ok((form, files))
}

pub use crate::download::download;
