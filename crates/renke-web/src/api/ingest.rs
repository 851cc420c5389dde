//! 导入通知: a notice as received (text, `.txt`, `.docx` or a PDF with a text layer) parsed
//! into a draft with the span of each field and the directory's match for each organisation
//! it names (nothing saved), then the confirmed draft imported: the notice, its campaign,
//! activities and tasks created in one transaction. Decided by `renke_app::ingest`.

use super::ApiResult;
use super::extract::ApiJson;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use renke_app::ingest::{
    self as svc, CampaignChoice, Confirmed, Draft, MatchKind, OrgMatch, OrgRef, ParseInput,
    Proposal,
};
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
    /// `exact` (name or short name), `variant` (市场监管 for 市场监督管理), `remembered`
    /// (mapped by hand before, by the caller's organisation), `group` (各…, …有关处室:
    /// several organisations), `unmatched`.
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
                MatchKind::Remembered => "remembered",
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
    pub proposal: ProposalDto,
}

/// What confirming the draft would do.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalDto {
    /// The issuer found in the directory.
    pub issuer: Option<OrgRefDto>,
    /// The notice in the platform it would relay (转发): its id.
    pub relays_notice_id: Option<i64>,
    /// This document, already in the platform: confirming is refused.
    pub duplicate_notice_id: Option<i64>,
    /// Campaigns the notice may be attached to.
    pub campaigns: Vec<CampaignRefDto>,
    /// The campaign proposed; absent: a new one titled `new_campaign_title`.
    pub campaign_id: Option<i64>,
    pub new_campaign_title: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignRefDto {
    pub id: i64,
    pub title: String,
}

impl From<Proposal> for ProposalDto {
    fn from(p: Proposal) -> Self {
        ProposalDto {
            issuer: p.issuer.map(Into::into),
            relays_notice_id: p.relays.map(|(id, _)| id),
            duplicate_notice_id: p.duplicate,
            campaigns: p
                .campaigns
                .into_iter()
                .map(|c| CampaignRefDto {
                    id: c.id,
                    title: c.title,
                })
                .collect(),
            campaign_id: p.campaign_id,
            new_campaign_title: p.new_campaign_title,
        }
    }
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
            proposal: d.proposal.into(),
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
        file: files.into_iter().next(),
    };
    let d = svc::parse(&state, &user.account, input).await?;
    Ok(Json(DraftDto::of(d)?))
}

/// A name of the draft mapped by hand to a directory entry (remembered for next time).
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrgMappingDto {
    pub name: String,
    pub org_id: i64,
}

/// The confirmed draft.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NoticeImportDto {
    /// The source text, as `parse` returned it (kept with the notice).
    pub text: String,
    /// The draft's `notice`, as corrected.
    #[schema(value_type = Object)]
    pub notice: serde_json::Value,
    #[serde(default)]
    pub mappings: Vec<OrgMappingDto>,
    /// The campaign to attach the notice to; absent with `new_campaign_title`: a new one.
    #[serde(default)]
    pub campaign_id: Option<i64>,
    #[serde(default)]
    pub new_campaign_title: Option<String>,
}

/// What was created.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeImportedDto {
    /// The notice, a draft of its issuer.
    pub notice_id: i64,
    pub campaign_id: Option<i64>,
    pub campaign_created: bool,
    /// The notice it relays.
    pub relays_notice_id: Option<i64>,
    pub task_ids: Vec<i64>,
    pub activity_ids: Vec<i64>,
    /// Names and activities left out (a group not expandable, an unmapped name, an
    /// activity without a date), to add by hand.
    pub left_out: Vec<String>,
}

/// Imports a confirmed draft: in one transaction, the notice (as a draft of its issuer,
/// relaying the notice it cites when that is in the platform, with its tasks), the
/// campaign if new, the activities and the reporting tasks.
#[utoipa::path(
    post, path = "/api/v1/notices/import", tag = "notices",
    request_body = NoticeImportDto,
    responses(
        (status = 201, description = "已创建 Created", body = NoticeImportedDto),
        (status = 403, description = "只有本单位的组织者可导入通知 Only an organiser of the caller's organisation brings notices in", body = ErrorBody),
        (status = 422, description = "`notice`: `invalid_json`; `issuer`: `required`, `unmatched_org`, `issuer_not_managed`; `document_number`: `already_imported` (with `notice_id`, the first); `campaign_id`: `required` (activities need a campaign); and every field of the notice, `deadlines[i].…`, `activities[i].…`, `campaign.…`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn import(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<NoticeImportDto>,
) -> ApiResult<(StatusCode, Json<NoticeImportedDto>)> {
    let notice = serde_json::from_value(body.notice).map_err(|e| {
        crate::error::AppError::Invalid(renke_domain::error::Invalid::one(
            renke_domain::error::FieldError::new("notice", "invalid_json").with("detail", e),
        ))
    })?;
    let confirmed = Confirmed {
        text: body.text,
        notice,
        mappings: body
            .mappings
            .into_iter()
            .map(|m| svc::OrgMapping {
                name: m.name,
                org_id: m.org_id,
            })
            .collect(),
        campaign: CampaignChoice::of(body.campaign_id, body.new_campaign_title.as_deref()),
    };
    let i = svc::import(&state, &user.account, confirmed).await?;
    Ok((
        StatusCode::CREATED,
        Json(NoticeImportedDto {
            notice_id: i.notice.id,
            campaign_id: i.campaign.map(|c| c.id),
            campaign_created: i.campaign_created,
            relays_notice_id: i.relays.map(|r| r.id),
            task_ids: i.tasks.iter().map(|t| t.id).collect(),
            activity_ids: i.activities.iter().map(|a| a.id).collect(),
            left_out: i.left_out,
        }),
    ))
}
