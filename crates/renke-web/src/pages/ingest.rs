//! 导入通知 (`/notices/import`): paste or upload a notice as received and see the draft
//! beside its source, each field's origin marked and each organisation it names matched
//! against the directory; correct it, map the names not found, choose the campaign and
//! confirm (`/notices/import/confirm`): the notice, campaign, activities and tasks are
//! created at once. Decided by `renke_app::ingest`.

use crate::AppState;
use crate::auth::User;
use crate::error::{AppError, PageError};
use crate::view::{Chrome, Errors, render};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use renke_app::ingest::{self as svc, Confirmed, Draft, Imported, MatchKind, OrgMatch, ParseInput};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "notice_import.html")]
struct ImportPage {
    c: Chrome,
    text: String,
    errors: Errors,
    draft: Option<Draft>,
    /// The confirmation's fields as the user left them (the draft's at first).
    confirm: ConfirmForm,
    /// The directory as (code, name), for mapping a name the suggestions miss.
    orgs: Vec<(String, String)>,
}

/// The confirmation as typed: corrections of the head, the campaign, the mappings.
#[derive(Debug, Clone, Default)]
struct ConfirmForm {
    title: String,
    document_number: String,
    issue_date: String,
    /// `new`, `none` or a campaign id.
    campaign: String,
    new_campaign_title: String,
    /// Name → chosen org id (empty: left unmapped).
    mappings: Vec<(String, String)>,
    /// Name → organisation code typed in the picker (wins over the choice above).
    codes: Vec<(String, String)>,
}

impl ConfirmForm {
    /// The draft's values, its proposed campaign and its remembered or empty mappings.
    fn of(d: &Draft) -> ConfirmForm {
        let n = &d.notice;
        ConfirmForm {
            title: n.title.clone().unwrap_or_default(),
            document_number: n.document_number.clone().unwrap_or_default(),
            issue_date: n.issue_date.clone().unwrap_or_default(),
            campaign: match d.proposal.campaign_id {
                Some(id) => id.to_string(),
                None if n.activities.is_empty() => "none".to_owned(),
                None => "new".to_owned(),
            },
            new_campaign_title: d.proposal.new_campaign_title.clone(),
            mappings: Vec::new(),
            codes: Vec::new(),
        }
    }

    /// The org id chosen for `name`, or empty.
    fn chosen(&self, name: &str) -> &str {
        self.mappings
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The organisation code typed for `name`, or empty.
    fn code(&self, name: &str) -> &str {
        self.codes
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

#[derive(Template)]
#[template(path = "notice_imported.html")]
struct ImportedPage {
    c: Chrome,
    i: Imported,
}

/// A run of the source text, marked when it is a field's origin.
struct Segment {
    text: String,
    field: Option<String>,
}

impl ImportPage {
    /// The source cut into runs at the spans (an overlapped span is left unmarked).
    fn segments(&self) -> Vec<Segment> {
        let Some(d) = &self.draft else {
            return Vec::new();
        };
        let chars: Vec<char> = d.text.chars().collect();
        let mut spans: Vec<_> = d.spans.iter().collect();
        spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
        let mut out = Vec::new();
        let mut at = 0;
        for s in spans {
            if s.start < at || s.end > chars.len() {
                continue;
            }
            if s.start > at {
                out.push(Segment {
                    text: chars[at..s.start].iter().collect(),
                    field: None,
                });
            }
            out.push(Segment {
                text: chars[s.start..s.end].iter().collect(),
                field: Some(s.field.clone()),
            });
            at = s.end;
        }
        if at < chars.len() {
            out.push(Segment {
                text: chars[at..].iter().collect(),
                field: None,
            });
        }
        out
    }

    /// The problems of fields the confirmation has no input for (a task's deadline, an
    /// activity's time, the issuer), listed under it.
    fn other_errors(&self) -> Vec<(String, String)> {
        const SHOWN: [&str; 5] = [
            "title",
            "document_number",
            "written_on",
            "campaign_id",
            "campaign.title",
        ];
        self.errors
            .matching(|f| !SHOWN.contains(&f) && !f.starts_with("map:"))
    }

    /// A list as one line, or a dash.
    fn list(&self, v: &[String]) -> String {
        if v.is_empty() {
            "—".to_owned()
        } else {
            v.join("；")
        }
    }

    fn or_dash<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("—")
    }

    /// The chip of a match: its colour and label.
    fn chip(&self, m: &OrgMatch) -> (&'static str, &'static str) {
        let tr = self.c.tr;
        match m.kind {
            MatchKind::Exact => ("green", tr.pick("已匹配", "Matched")),
            MatchKind::Variant => (
                "green",
                tr.pick("已匹配（简称写法）", "Matched (short form)"),
            ),
            MatchKind::Remembered => (
                "green",
                tr.pick("已匹配（曾指定）", "Matched (mapped before)"),
            ),
            MatchKind::Group => ("grey", tr.pick("泛称", "Group")),
            MatchKind::Unmatched => ("yellow", tr.pick("未匹配", "Not matched")),
        }
    }

    /// The field's label, for the match table (`recipients[2]` → 主送).
    fn field_label(&self, field: &str) -> &'static str {
        let tr = self.c.tr;
        let head = field.split(['[', '.']).next().unwrap_or("");
        match head {
            "issuer" => tr.pick("发文机关", "Issuer"),
            "recipients" => tr.pick("主送", "Recipients"),
            "cc" => tr.pick("抄送", "CC"),
            "activities" if field.contains(".organi") => {
                tr.pick("活动组织单位", "Activity organiser")
            }
            "activities" => tr.pick("活动", "Activity"),
            "contacts" => tr.pick("联系人单位", "Contact's unit"),
            "deadlines" => tr.pick("报送事项", "Deadline"),
            "campaign" => tr.pick("所属活动", "Campaign"),
            "body" | "text" | "notice" => tr.pick("通知正文", "Notice text"),
            _ => tr.pick("单位", "Organisation"),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    text: String,
}

/// `GET /notices/import`: the form (the demo's pre-filled with a notice to try).
pub async fn form(State(state): State<AppState>, user: User) -> Result<Response, PageError> {
    let c = Chrome::new(&user.ctx, "notices", user.ctx.tr.t("ing.title"));
    Ok(render(&ImportPage {
        c,
        text: state.config.import_example.clone().unwrap_or_default(),
        errors: Errors::default(),
        draft: None,
        confirm: ConfirmForm::default(),
        orgs: Vec::new(),
    }))
}

/// `POST /notices/import`: the draft beside its source, or the form with its problem.
pub async fn parse(
    State(state): State<AppState>,
    user: User,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let (f, files): (ImportForm, _) = crate::pages::read_form_with_files(req).await?;
    let c = Chrome::new(&user.ctx, "notices", user.ctx.tr.t("ing.title"));
    let input = ParseInput {
        text: f.text.clone(),
        file: files.into_iter().next(),
    };
    match svc::parse(&state, &user.account, input).await {
        Ok(d) => Ok(render(&ImportPage {
            c,
            text: d.text.clone(),
            errors: Errors::default(),
            confirm: ConfirmForm::of(&d),
            orgs: renke_app::orgs::directory_choices(&state, &user.account, 500).await?,
            draft: Some(d),
        })),
        Err(AppError::Invalid(inv)) => {
            let page = ImportPage {
                errors: Errors::from_invalid(user.ctx.tr, &inv),
                c,
                text: f.text,
                draft: None,
                confirm: ConfirmForm::default(),
                orgs: Vec::new(),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /notices/import/confirm`: imports the draft as corrected; the list of what was
/// created, or the draft again with every problem.
pub async fn confirm(
    State(state): State<AppState>,
    user: User,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map_or(String::new(), |(_, v)| v.clone())
    };
    let text = get("text");
    let form = ConfirmForm {
        title: get("title"),
        document_number: get("document_number"),
        issue_date: get("issue_date"),
        campaign: get("campaign"),
        new_campaign_title: get("new_campaign_title"),
        mappings: pairs
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("map:").map(|n| (n.to_owned(), v.clone())))
            .collect(),
        codes: pairs
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("mapcode:")
                    .map(|n| (n.to_owned(), v.clone()))
            })
            .filter(|(_, v)| !v.trim().is_empty())
            .collect(),
    };
    let tr = user.ctx.tr;
    // The notice is the source parsed again (the same text gives the same draft), with the
    // user's corrections of the head.
    let mut notice = svc::read(&text)?;
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    notice.title = opt(&form.title);
    notice.document_number = opt(&form.document_number);
    notice.issue_date = opt(&form.issue_date);
    // A code typed in the picker wins over the suggestion chosen for the same name.
    let mut mappings: Vec<svc::OrgMapping> = form
        .mappings
        .iter()
        .filter(|(name, _)| form.code(name).is_empty())
        .filter_map(|(name, id)| {
            id.parse().ok().map(|org_id| svc::OrgMapping {
                name: name.clone(),
                org_id,
            })
        })
        .collect();
    let mut code_errors = renke_domain::error::Invalid::default();
    for (name, code) in &form.codes {
        match svc::OrgMapping::by_code(&state, name, code).await {
            Ok(m) => mappings.push(m),
            Err(AppError::Invalid(e)) => code_errors.0.extend(e.0),
            Err(e) => return Err(e.into()),
        }
    }
    let campaign = match form.campaign.as_str() {
        "new" => svc::CampaignChoice::of(None, Some(&form.new_campaign_title)),
        "none" | "" => svc::CampaignChoice::None,
        id => match id.parse() {
            Ok(id) => svc::CampaignChoice::Existing(id),
            Err(_) => svc::CampaignChoice::None,
        },
    };
    let text_again = text.clone();
    let confirmed = Confirmed {
        text,
        notice,
        mappings,
        campaign,
    };
    let result = if code_errors.is_empty() {
        svc::import(&state, &user.account, confirmed).await
    } else {
        Err(AppError::Invalid(code_errors))
    };
    match result {
        Ok(i) => {
            let c = Chrome::new(&user.ctx, "notices", tr.t("ing.done"))
                .with_flash(Some(tr.t("ing.done").to_owned()));
            Ok(render(&ImportedPage { c, i }))
        }
        Err(AppError::Invalid(inv)) => {
            // The draft again, beside the problems (matches and proposal only now: the
            // confirmation that succeeds does not need them).
            let draft = svc::parse(
                &state,
                &user.account,
                ParseInput {
                    text: text_again,
                    file: None,
                },
            )
            .await?;
            let c = Chrome::new(&user.ctx, "notices", tr.t("ing.title"));
            let page = ImportPage {
                errors: Errors::from_invalid(tr, &inv),
                c,
                text: draft.text.clone(),
                draft: Some(draft),
                confirm: form,
                orgs: renke_app::orgs::directory_choices(&state, &user.account, 500).await?,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
