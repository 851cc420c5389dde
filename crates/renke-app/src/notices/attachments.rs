//! Files attached to notices: uploaded to a draft by whoever may edit it (checked, with the
//! issuer's storage quota, before the bytes are stored), downloaded by whoever may read the
//! notice.

use super::readable_notice;
use crate::App;
use crate::Caller;
use crate::error::AppError;
use crate::reporting::tasks::UploadedFile;
use renke_domain::file::UploadRule;
use renke_domain::perm::Action;
use renke_domain::text::Line;
use renke_store::files::{self, FileStream, StoredFile, Upload};
use renke_store::notices;

/// What a notice attachment may be: office documents, PDF/OFD, images and archives up to
/// 20 MB.
pub fn notice_rule() -> UploadRule {
    UploadRule::documents(10)
}

/// Adds an uploaded file to draft notice `id` as its next attachment. The title defaults to
/// the file name without its extension. Returns the attachment's position.
pub async fn attach_to_notice(
    app: &App,
    me: &Caller,
    id: i64,
    file: &UploadedFile,
    title: &str,
) -> Result<i32, AppError> {
    let n = notices::get(&app.db, id).await?;
    if me.actor().may(Action::Manage, &n.issuer_path).is_err() {
        // A notice the caller may not read is not found: its existence is not told.
        return Err(match readable_notice(app, Some(me), id).await {
            Ok(_) => AppError::Forbidden,
            Err(AppError::Forbidden | AppError::NotFound) => AppError::NotFound,
            Err(e) => e,
        });
    }
    if n.is_issued() {
        return Err(AppError::Conflict("notice_issued"));
    }
    let (name, kind) = file.check(&notice_rule(), "file")?;
    let title = if title.trim().is_empty() {
        name.rsplit_once('.')
            .map_or(name.as_str(), |(stem, _)| stem)
    } else {
        title
    };
    let title = Line::parse("title", title, 200)?;
    crate::files::check_quota(app, "file", n.issuer_org_id, file.content.len()).await?;
    let staged = app
        .files
        .stage(
            &Upload {
                name: &name,
                kind,
                content: &file.content,
                org_id: n.issuer_org_id,
                uploaded_by: Some(me.id),
            },
            app.clock.now(),
        )
        .await?;
    Ok(notices::attach_file(&app.db, id, title.as_str(), &staged, app.clock.now()).await?)
}

/// The file of attachment `pos` of notice `id`, with its bytes, for a reader of the notice.
pub async fn notice_attachment(
    app: &App,
    me: Option<&Caller>,
    id: i64,
    pos: usize,
) -> Result<(StoredFile, FileStream), AppError> {
    let n = readable_notice(app, me, id).await?;
    let file_id = n
        .attachment_files
        .get(pos)
        .copied()
        .flatten()
        .ok_or(AppError::NotFound)?;
    let file = files::get(&app.db, file_id).await?;
    let bytes = app.files.stream(&file).await?;
    Ok((file, bytes))
}
