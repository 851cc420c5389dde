//! 导入通知 (`/notices/import`): paste or upload a notice as received and see the draft
//! beside its source, each field's origin marked and each organisation it names matched
//! against the directory. Decided by `renke_app::ingest`; nothing is saved.

use crate::AppState;
use crate::auth::User;
use crate::error::{AppError, PageError};
use crate::view::{Chrome, Errors, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use renke_app::ingest::{self as svc, Draft, MatchKind, OrgMatch, ParseInput};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "notice_import.html")]
struct ImportPage {
    c: Chrome,
    text: String,
    errors: Errors,
    draft: Option<Draft>,
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
            "activities" => tr.pick("活动组织单位", "Activity organiser"),
            "contacts" => tr.pick("联系人单位", "Contact's unit"),
            _ => tr.pick("单位", "Organisation"),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    text: String,
}

/// `GET /notices/import`: the form.
pub async fn form(user: User) -> Result<Response, PageError> {
    let c = Chrome::new(&user.ctx, "notices", user.ctx.tr.t("ing.title"));
    Ok(render(&ImportPage {
        c,
        text: String::new(),
        errors: Errors::default(),
        draft: None,
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
        file: files.into_iter().next().map(|u| (u.name, u.bytes)),
    };
    match svc::parse(&state, &user.account, input).await {
        Ok(d) => Ok(render(&ImportPage {
            c,
            text: d.text.clone(),
            errors: Errors::default(),
            draft: Some(d),
        })),
        Err(AppError::Invalid(inv)) => {
            let page = ImportPage {
                errors: Errors::from_invalid(user.ctx.tr, &inv),
                c,
                text: f.text,
                draft: None,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
