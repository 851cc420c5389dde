//! 导入通知 (notice ingestion), first half: a notice as received — pasted text or an
//! uploaded `.txt`, `.docx` or PDF — becomes a draft shown beside its source. The draft is
//! `renke_notice`'s, each field with the span of the source it came from, and every
//! organisation it names (issuer, 主送, 抄送, organisers, contacts' units) matched against
//! the directory: exactly by name or short name, as the same name written with
//! 市场监管/市场监督管理 swapped, or else with a ranked list of suggestions for the user to
//! choose from. Nothing is saved here.

mod import;

pub use import::{
    CampaignChoice, CampaignRef, Confirmed, Created, Imported, OrgMapping, Proposal, import,
};

use crate::{App, AppError, Caller};
use renke_domain::error::FieldError;
use renke_notice::{Notice, Span};
use renke_store::orgs::{Org, OrgQuery};
use serde::Serialize;

/// The longest text read (a notice with its attachments is far shorter).
pub const MAX_TEXT_CHARS: usize = 200_000;

/// Suggestions offered for a name the directory does not hold as such.
const SUGGESTIONS: usize = 5;

/// What the user gives: pasted text, or a file (its name tells its kind).
#[derive(Debug, Clone, Default)]
pub struct ParseInput {
    pub text: String,
    pub file: Option<crate::reporting::tasks::UploadedFile>,
}

/// A directory entry a name was matched to, or may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

impl From<&Org> for OrgRef {
    fn from(o: &Org) -> Self {
        OrgRef {
            id: o.id,
            code: o.code.clone(),
            name: o.name.clone(),
        }
    }
}

/// How a name was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The full name or the short name, as written.
    Exact,
    /// The same name with 市场监管 for 市场监督管理 (or the reverse).
    Variant,
    /// A name a user of the importing organisation mapped to this entry before.
    Remembered,
    /// A group of organisations (各地级以上市市场监管局, 省局有关处室), no single entry.
    Group,
    /// Not found: `suggestions` lists the closest names, best first; the user chooses.
    Unmatched,
}

/// One organisation named in the draft.
#[derive(Debug, Clone, Serialize)]
pub struct OrgMatch {
    /// The draft's field, e.g. `issuer[0]`, `recipients[2]`.
    pub field: String,
    pub name: String,
    pub kind: MatchKind,
    pub org: Option<OrgRef>,
    pub suggestions: Vec<OrgRef>,
}

/// A draft to review: the source text, the parsed notice, where each field came from and
/// the organisations it names.
#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    pub text: String,
    pub notice: Notice,
    pub spans: Vec<Span>,
    pub orgs: Vec<OrgMatch>,
    /// What confirming would do.
    pub proposal: Proposal,
}

/// Whether `me` may bring notices in: it manages its own organisation (an organiser, an
/// administrator).
fn may_ingest(me: &Caller) -> bool {
    me.actor().manages_own_organisation()
}

/// Reads the text of `input` (the file when there is one, else the pasted text) and
/// parses it into a draft; field errors name `text` or `file`.
pub async fn parse(app: &App, me: &Caller, input: ParseInput) -> Result<Draft, AppError> {
    if !may_ingest(me) {
        return Err(AppError::Forbidden);
    }
    let text = match input.file {
        Some(file) => {
            let bytes = file
                .read_whole("file", crate::files::WHOLE_MAX_BYTES)
                .await?;
            let name = file.name;
            tokio::task::spawn_blocking(move || renke_render::text::extract(&name, &bytes))
                .await
                .map_err(|e| AppError::Internal(e.into()))?
                .map_err(|e| {
                    use renke_render::text::TextError as T;
                    let code = match e {
                        T::Unsupported(_) => "file_type_unsupported",
                        T::NoTextLayer => "pdf_needs_ocr",
                        T::Corrupt { .. } => "file_unreadable",
                    };
                    AppError::Invalid(renke_domain::error::Invalid::one(
                        FieldError::new("file", code).with("detail", e),
                    ))
                })?
        }
        None => input.text,
    };
    let notice = read(&text)?;
    let spans = renke_notice::spans(&text, &notice);
    let orgs = match_orgs(app, me, &notice).await?;
    let proposal = import::propose(app, me, &notice, &orgs).await?;
    Ok(Draft {
        text,
        notice,
        spans,
        orgs,
        proposal,
    })
}

/// The notice in `text` (pasted or read from a file); `text` is `required` and at most
/// [`MAX_TEXT_CHARS`] long.
pub fn read(text: &str) -> Result<Notice, AppError> {
    let n = text.chars().count();
    if text.trim().is_empty() {
        return Err(AppError::field("text", "required"));
    }
    if n > MAX_TEXT_CHARS {
        return Err(AppError::Invalid(renke_domain::error::Invalid::one(
            FieldError::new("text", "too_long")
                .with("max", MAX_TEXT_CHARS)
                .with("actual", n),
        )));
    }
    renke_notice::parse(text).map_err(|e| AppError::Internal(e.into()))
}

/// The organisations the draft names, each with its field.
fn named(n: &Notice) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut put = |field: String, name: &str| {
        let name = name.trim();
        if !name.is_empty() {
            out.push((field, name.to_owned()));
        }
    };
    for (i, x) in n.issuer.iter().enumerate() {
        put(format!("issuer[{i}]"), x);
    }
    for (i, x) in n.recipients.iter().enumerate() {
        put(format!("recipients[{i}]"), x);
    }
    for (i, x) in n.cc.iter().enumerate() {
        put(format!("cc[{i}]"), x);
    }
    for (i, a) in n.activities.iter().enumerate() {
        let o = &a.organizers;
        for (role, names) in [
            ("host", &o.host),
            ("undertaker", &o.undertaker),
            ("co_organizer", &o.co_organizer),
            ("guide", &o.guide),
        ] {
            for (j, x) in names.iter().enumerate() {
                put(format!("activities[{i}].organizers.{role}[{j}]"), x);
            }
        }
        for (j, x) in a.organized_by.iter().enumerate() {
            put(format!("activities[{i}].organized_by[{j}]"), x);
        }
    }
    for (i, c) in n.contacts.iter().enumerate() {
        if let Some(o) = &c.org {
            put(format!("contacts[{i}].org"), o);
        }
    }
    out
}

/// A name as compared: 市场监督管理 written short, no spaces.
fn canonical(name: &str) -> String {
    name.split_whitespace()
        .collect::<String>()
        .replace("市场监督管理", "市场监管")
}

/// Character-bigram Dice similarity of two names, 0 to 1.
fn similarity(a: &str, b: &str) -> f64 {
    let grams = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().collect();
        c.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (ga, mut gb) = (grams(a), grams(b));
    if ga.is_empty() || gb.is_empty() {
        return if a == b { 1.0 } else { 0.0 };
    }
    let total = ga.len() + gb.len();
    let mut common = 0;
    for g in ga {
        if let Some(k) = gb.iter().position(|x| *x == g) {
            gb.swap_remove(k);
            common += 1;
        }
    }
    2.0 * common as f64 / total as f64
}

/// Matches every named organisation against the directory.
async fn match_orgs(app: &App, me: &Caller, n: &Notice) -> Result<Vec<OrgMatch>, AppError> {
    let mut out = Vec::new();
    for (field, name) in named(n) {
        out.push(match_one(app, me, field, name).await?);
    }
    Ok(out)
}

/// Whether `name` names a group rather than one organisation: 各…, …有关处室/单位, 各级….
fn is_group(name: &str) -> bool {
    name.starts_with('各') || name.contains("有关")
}

/// Matches one name: a group, a name `me`'s organisation mapped before, the directory's
/// exact or variant entry, or suggestions.
async fn match_one(
    app: &App,
    me: &Caller,
    field: String,
    name: String,
) -> Result<OrgMatch, AppError> {
    if let Some(id) = renke_store::imports::alias(&app.db, me.org_id, &canonical(&name)).await? {
        let o = renke_store::orgs::get(&app.db, id).await?;
        return Ok(OrgMatch {
            field,
            name,
            kind: MatchKind::Remembered,
            org: Some((&o).into()),
            suggestions: Vec::new(),
        });
    }
    if is_group(&name) {
        return Ok(OrgMatch {
            field,
            name,
            kind: MatchKind::Group,
            org: None,
            suggestions: Vec::new(),
        });
    }
    let want = canonical(&name);
    // Candidates share a stretch of the name: its first two characters (the place, 广东,
    // 上海) or, for a name without a place, its last four (…认可中心).
    let chars: Vec<char> = want.chars().collect();
    let mut keys: Vec<String> = vec![chars.iter().take(2).collect()];
    if chars.len() > 4 {
        keys.push(chars[chars.len() - 4..].iter().collect());
    }
    let mut candidates: Vec<Org> = Vec::new();
    for k in &keys {
        let page = renke_store::orgs::search(
            &app.db,
            &OrgQuery {
                text: Some(k.clone()),
                limit: 200,
                ..OrgQuery::default()
            },
        )
        .await?;
        for o in page.items {
            if !candidates.iter().any(|c| c.id == o.id) {
                candidates.push(o);
            }
        }
    }
    let exact = candidates
        .iter()
        .find(|o| o.name == name || o.short_name.as_deref() == Some(name.as_str()));
    if let Some(o) = exact {
        return Ok(OrgMatch {
            field,
            name,
            kind: MatchKind::Exact,
            org: Some(o.into()),
            suggestions: Vec::new(),
        });
    }
    let variant = candidates.iter().find(|o| {
        canonical(&o.name) == want || o.short_name.as_deref().map(canonical) == Some(want.clone())
    });
    if let Some(o) = variant {
        return Ok(OrgMatch {
            field,
            name,
            kind: MatchKind::Variant,
            org: Some(o.into()),
            suggestions: Vec::new(),
        });
    }
    let mut ranked: Vec<(f64, &Org)> = candidates
        .iter()
        .map(|o| {
            let s = similarity(&want, &canonical(&o.name)).max(
                o.short_name
                    .as_deref()
                    .map_or(0.0, |s| similarity(&want, &canonical(s))),
            );
            (s, o)
        })
        .filter(|(s, _)| *s >= 0.3)
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.path.cmp(&b.1.path)));
    Ok(OrgMatch {
        field,
        name,
        kind: MatchKind::Unmatched,
        org: None,
        suggestions: ranked
            .into_iter()
            .take(SUGGESTIONS)
            .map(|(_, o)| o.into())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_with_the_short_form_of_market_regulation() {
        assert_eq!(canonical("广东省市场监督管理局"), "广东省市场监管局");
        assert!(similarity("深圳市市场监管局", "深圳市市场监管局") > 0.99);
        assert!(
            similarity("深圳市局", "深圳市市场监管局") > similarity("深圳市局", "广州市市场监管局")
        );
        assert_eq!(similarity("", "甲"), 0.0);
        assert!(is_group("各地级以上市市场监管局") && is_group("省市场监管局有关处室"));
        assert!(!is_group("广东省认证认可协会"));
    }
}
