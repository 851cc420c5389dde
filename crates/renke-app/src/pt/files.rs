//! Files of proficiency testing: a round's instructions document (作业指导书), uploaded by
//! the provider until the round is released and read by whoever sees the round; and a
//! follow-up's evidence files (证据材料), uploaded and removed by the lab while it answers
//! (open or returned) and read by whoever sees the follow-up.
//!
//! As for notice attachments, every upload is checked — the caller's permission, the
//! target's state, the upload rule and the organisation's storage quota — before a byte is
//! stored, and the `files` row is written in the transaction of the write it belongs to.

use super::followups::followup;
use super::{path, readable_round, round_status};
use crate::error::AppError;
use crate::reporting::tasks::UploadedFile;
use crate::{App, Caller};
use renke_domain::file::{FileKind, UploadRule};
use renke_domain::pt::RoundStatus;
use renke_domain::{FieldError, Invalid};
use renke_store::StoreError;
use renke_store::files::{self, FileStream, Staged, StoredFile, Upload};
use renke_store::pt as store;

/// The most evidence files a follow-up keeps.
pub const EVIDENCE_MAX: usize = 10;

/// The largest file either takes, in MiB.
const MAX_MB: u64 = 20;

const OFFICE: [FileKind; 8] = [
    FileKind::Pdf,
    FileKind::Doc,
    FileKind::Docx,
    FileKind::Xls,
    FileKind::Xlsx,
    FileKind::Ppt,
    FileKind::Pptx,
    FileKind::Ofd,
];

/// What an instructions document may be: PDF, OFD or an office document up to 20 MB.
pub fn instructions_rule() -> UploadRule {
    UploadRule {
        max_bytes: MAX_MB * 1024 * 1024,
        kinds: OFFICE.to_vec(),
    }
}

/// What an evidence file may be: an image, PDF, OFD or an office document up to 20 MB.
pub fn evidence_rule() -> UploadRule {
    let mut kinds = OFFICE.to_vec();
    kinds.extend([FileKind::Jpg, FileKind::Png]);
    UploadRule {
        max_bytes: MAX_MB * 1024 * 1024,
        kinds,
    }
}

/// Checks one upload against `rule` on `field` (its cleaned name and kind).
fn check(
    rule: &UploadRule,
    field: &str,
    file: &UploadedFile,
) -> Result<(String, FileKind), FieldError> {
    file.check(rule, field)
}

/// Checks an instructions document on `field`, for a form that reports every problem at
/// once.
pub(crate) fn check_instructions(
    field: &str,
    file: &UploadedFile,
) -> Result<(String, FileKind), FieldError> {
    check(&instructions_rule(), field, file)
}

/// Stores the bytes of checked uploads of organisation `org_id` after its quota is checked
/// on `field`; the rows are the caller's to write.
pub(crate) async fn stage(
    app: &App,
    me: &Caller,
    field: &str,
    org_id: i64,
    checked: &[((String, FileKind), &UploadedFile)],
) -> Result<Vec<Staged>, AppError> {
    let incoming = checked.iter().map(|(_, f)| f.content.len()).sum();
    crate::files::check_quota(app, field, org_id, incoming).await?;
    let mut out = Vec::with_capacity(checked.len());
    for ((name, kind), f) in checked {
        let upload = Upload {
            name,
            kind: *kind,
            content: &f.content,
            org_id,
            uploaded_by: Some(me.id),
        };
        out.push(app.files.stage(&upload, app.clock.now()).await?);
    }
    Ok(out)
}

// ---------------------------------------------------------------- instructions

/// Uploads `file` as round `round_id`'s instructions document, replacing any earlier one:
/// for the provider until the round is released (`round_released`). Refused files answer
/// on `file` (`file_type_refused`, `file_too_large`, `file_content_mismatch`,
/// `storage_quota_exceeded`, counted against the provider's quota). A round the caller may
/// not see is not found; one it sees but does not run is forbidden.
pub async fn attach_instructions(
    app: &App,
    me: &Caller,
    round_id: i64,
    file: &UploadedFile,
) -> Result<StoredFile, AppError> {
    let round = readable_round(app, me, round_id).await?;
    if !me.actor().runs_pt(&path(&round.provider_path)?) {
        return Err(AppError::Forbidden);
    }
    if round_status(&round)? == RoundStatus::Released {
        return Err(AppError::Conflict("round_released"));
    }
    let checked = check_instructions("file", file)?;
    let staged = stage(app, me, "file", round.provider_org_id, &[(checked, file)]).await?;
    let Some(staged) = staged.first() else {
        return Err(AppError::Internal(anyhow::anyhow!("nothing staged")));
    };
    let id = store::set_instructions_file(&app.db, round.id, staged, app.clock.now()).await?;
    Ok(files::get(&app.db, id).await?)
}

/// Round `round_id`'s instructions document, if it has one, for whoever sees the round
/// (the round page's rule).
pub async fn instructions_file(
    app: &App,
    me: &Caller,
    round_id: i64,
) -> Result<Option<StoredFile>, AppError> {
    let round = readable_round(app, me, round_id).await?;
    match round.instructions_file_id {
        Some(id) => Ok(Some(files::get(&app.db, id).await?)),
        None => Ok(None),
    }
}

/// The instructions document with its bytes as a stream (`NotFound` when the round has
/// none).
pub async fn instructions_download(
    app: &App,
    me: &Caller,
    round_id: i64,
) -> Result<(StoredFile, FileStream), AppError> {
    let file = instructions_file(app, me, round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = app.files.stream(&file).await?;
    Ok((file, bytes))
}

// ---------------------------------------------------------------- evidence

/// Follow-up `id` for a change of its evidence by the lab: seen by the caller (else
/// `NotFound`), answered for the lab by the caller (else `Forbidden`), and open or returned
/// (else `followup_submitted` or `followup_closed`). Returns the lab's organisation.
async fn answerable(app: &App, me: &Caller, id: i64) -> Result<i64, AppError> {
    let it = followup(app, me, id).await?;
    let f = &it.followup;
    if !(me.actor().takes_part_for(&path(&f.lab_path)?) && me.org_id == f.lab_org_id) {
        return Err(AppError::Forbidden);
    }
    it.status.next("submit").map_err(AppError::Conflict)?;
    Ok(f.lab_org_id)
}

fn too_many() -> AppError {
    AppError::Invalid(Invalid::one(
        FieldError::new("file", "too_many_files").with("max", EVIDENCE_MAX),
    ))
}

/// The evidence files of follow-up `id`, for whoever sees the follow-up.
pub async fn evidence(app: &App, me: &Caller, id: i64) -> Result<Vec<StoredFile>, AppError> {
    followup(app, me, id).await?;
    Ok(store::followup_files(&app.db, id).await?)
}

/// The lab adds `uploads` to the evidence of follow-up `id` while it answers (open or
/// returned), at most [`EVIDENCE_MAX`] in all (`too_many_files` on `file`); every refused file
/// is named on `file`, and nothing is stored unless all pass. Returns the evidence now.
pub async fn add_evidence(
    app: &App,
    me: &Caller,
    id: i64,
    uploads: &[UploadedFile],
) -> Result<Vec<StoredFile>, AppError> {
    if uploads.len() > EVIDENCE_MAX {
        return Err(too_many());
    }
    let lab = answerable(app, me, id).await?;
    if uploads.is_empty() {
        return Err(AppError::field("file", "required"));
    }
    let rule = evidence_rule();
    let mut errs = Invalid::default();
    let mut checked = Vec::new();
    for f in uploads {
        match check(&rule, "file", f) {
            Ok(c) => checked.push((c, f)),
            Err(e) => errs.push(e),
        }
    }
    errs.into_result()?;
    if store::followup_files(&app.db, id).await?.len() + uploads.len() > EVIDENCE_MAX {
        return Err(too_many());
    }
    let staged = stage(app, me, "file", lab, &checked).await?;
    match store::add_followup_files(&app.db, id, &staged, EVIDENCE_MAX, app.clock.now()).await {
        Ok(_) => {}
        Err(StoreError::State("too_many_files")) => return Err(too_many()),
        Err(e) => return Err(e.into()),
    }
    Ok(store::followup_files(&app.db, id).await?)
}

/// The lab removes evidence file `file_id` from follow-up `id` while it answers (open or
/// returned; not once submitted or closed).
pub async fn remove_evidence(
    app: &App,
    me: &Caller,
    id: i64,
    file_id: i64,
) -> Result<(), AppError> {
    answerable(app, me, id).await?;
    Ok(store::remove_followup_file(&app.db, id, file_id, app.clock.now()).await?)
}

/// Evidence file `file_id` of follow-up `id` with its bytes as a stream, for whoever sees
/// the follow-up.
pub async fn evidence_download(
    app: &App,
    me: &Caller,
    id: i64,
    file_id: i64,
) -> Result<(StoredFile, FileStream), AppError> {
    let file = evidence(app, me, id)
        .await?
        .into_iter()
        .find(|f| f.id == file_id)
        .ok_or(AppError::NotFound)?;
    let bytes = app.files.stream(&file).await?;
    Ok((file, bytes))
}
