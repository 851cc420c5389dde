//! 导入通知: a notice as received (text, `.txt`, `.docx` or a PDF with a text layer) parsed
//! into a draft with the span of each field and the directory's match for each organisation
//! it names. Decided by `renke_app::ingest`; nothing is saved.

use super::ApiResult;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::State;
use renke_app::ingest::{self as svc, Draft, MatchKind, OrgMatch, OrgRef, ParseInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The form: pasted text, or a file (which wins when both are given).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ParseUploadDto {
    /// 通知全文 The notice's text, as pasted.
    text: Option<String>,
    /// 文件 A `.txt` (UTF-8 or GB 18030), `.docx` or `.pdf` with a text layer.
    #[schema(format = Binary, value_type = String)]
    file: Option<Vec<u8>>,
}

#[derive(Debug, Default, Deserialize)]
struct ParseForm {
    #[serde(default)]
    text: String,
}

/// Where a field's value stands in `text`: characters (Unicode scalar values) `start..end`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpanDto {
    /// The field's path in `notice`, e.g. `title`, `recipients[1]`.
    pub field: String,
    pub start: usize,
    pub end: usize,
}

/// A directory entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgRefDto {
    pub id: i64,
    pub code: String,
    pub name: String,
}

impl From<OrgRef> for OrgRefDto {
    fn from(o: OrgRef) -> Self {
        OrgRefDto {
            id: o.id,
            code: o.code,
            name: o.name,
        }
    }
}

/// An organisation the draft names, and its match in the directory.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgMatchDto {
    /// The draft's field, e.g. `issuer[0]`, `recipients[2]`.
    pub field: String,
    pub name: String,
    /// `exact` (name or short name), `variant` (市场监管 for 市场监督管理), `group` (各…,
    /// …有关处室: several organisations), `unmatched`.
    pub kind: String,
    pub org: Option<OrgRefDto>,
    /// For an unmatched name: the closest names, best first.
    pub suggestions: Vec<OrgRefDto>,
}

impl From<OrgMatch> for OrgMatchDto {
    fn from(m: OrgMatch) -> Self {
        OrgMatchDto {
            field: m.field,
            name: m.name,
            kind: match m.kind {
                MatchKind::Exact => "exact",
                MatchKind::Variant => "variant",
                MatchKind::Group => "group",
                MatchKind::Unmatched => "unmatched",
            }
            .to_owned(),
            org: m.org.map(Into::into),
            suggestions: m.suggestions.into_iter().map(Into::into).collect(),
        }
    }
}

/// The draft to review.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftDto {
    /// The text read (from the file when one was sent).
    pub text: String,
    /// The parsed notice: issuer, document_number, title, recipients, cc, issue_date,
    /// publication, themes, activities, deadlines, contacts, attachments, relayed,
    /// attached_notices, warnings (the draft of `renke notice parse`).
    #[schema(value_type = Object)]
    pub notice: serde_json::Value,
    pub spans: Vec<SpanDto>,
    pub orgs: Vec<OrgMatchDto>,
}

impl DraftDto {
    fn of(d: Draft) -> Result<Self, crate::error::AppError> {
        Ok(DraftDto {
            notice: serde_json::to_value(&d.notice)
                .map_err(|e| crate::error::AppError::Internal(e.into()))?,
            text: d.text,
            spans: d
                .spans
                .into_iter()
                .map(|s| SpanDto {
                    field: s.field,
                    start: s.start,
                    end: s.end,
                })
                .collect(),
            orgs: d.orgs.into_iter().map(Into::into).collect(),
        })
    }
}

/// Parses a notice as received into a draft (nothing is saved).
#[utoipa::path(
    post, path = "/api/v1/notices/parse", tag = "notices",
    request_body(content = ParseUploadDto, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "草稿 The draft, with spans and the directory's matches", body = DraftDto),
        (status = 403, description = "只有本单位的组织者可导入通知 Only an organiser of the caller's organisation brings notices in", body = ErrorBody),
        (status = 422, description = "`text`: `required`, `too_long`; `file`: `file_type_unsupported`, `pdf_needs_ocr`, `file_unreadable`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn parse(
    State(state): State<AppState>,
    user: ApiUser,
    req: axum::extract::Request,
) -> ApiResult<Json<DraftDto>> {
    let (f, files): (ParseForm, _) = crate::pages::read_form_with_files(req).await?;
    let input = ParseInput {
        text: f.text,
        file: files.into_iter().next().map(|u| (u.name, u.bytes)),
    };
    let d = svc::parse(&state, &user.account, input).await?;
    Ok(Json(DraftDto::of(d)?))
}
