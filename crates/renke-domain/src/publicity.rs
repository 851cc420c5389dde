//! Publicity (宣传): the materials library of a campaign — photos, videos, posters, news
//! drafts, clippings and documents that units upload and their superior reviews — and the
//! public download zone that shows the campaign's official material and what was published.

use crate::org::string_enum;
use crate::text::Line;
use crate::{FieldError, Invalid};
use serde::{Deserialize, Serialize};

string_enum! {
    /// What a material is.
    MaterialKind {
        Photo = "photo", "照片", "Photo";
        Video = "video", "视频", "Video";
        Poster = "poster", "海报", "Poster";
        NewsDraft = "news_draft", "新闻稿", "News draft";
        Clipping = "clipping", "媒体报道", "Press clipping";
        Document = "document", "文档", "Document";
    }
}

impl MaterialKind {
    /// Photos and videos show people: they need a rights and consent note (授权说明).
    pub fn needs_consent(self) -> bool {
        matches!(self, MaterialKind::Photo | MaterialKind::Video)
    }

    /// A video may be a link (to a video platform) instead of a file; every other kind
    /// is a file.
    pub fn may_be_link(self) -> bool {
        self == MaterialKind::Video
    }
}

string_enum! {
    /// Where a material stands in its review.
    MaterialState {
        Submitted = "submitted", "待审核", "Awaiting review";
        Accepted = "accepted", "已采用", "Accepted";
        Published = "published", "已发布", "Published";
        Returned = "returned", "已退回", "Returned";
        Withdrawn = "withdrawn", "已撤回", "Withdrawn";
    }
}

/// What is done to a material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialStep {
    /// The reviewer takes it (采用).
    Accept,
    /// The reviewer sends it back with a reason (退回).
    Return,
    /// The reviewer (or higher) shows it on the campaign's public page (发布).
    Publish,
    /// The unit sends a returned material again (重新提交).
    Resubmit,
    /// The unit takes it back before it is accepted (撤回).
    Withdraw,
}

impl MaterialStep {
    pub const ALL: [MaterialStep; 5] = [
        MaterialStep::Accept,
        MaterialStep::Return,
        MaterialStep::Publish,
        MaterialStep::Resubmit,
        MaterialStep::Withdraw,
    ];

    /// The stable code of the step.
    pub fn as_str(self) -> &'static str {
        match self {
            MaterialStep::Accept => "accept",
            MaterialStep::Return => "return",
            MaterialStep::Publish => "publish",
            MaterialStep::Resubmit => "resubmit",
            MaterialStep::Withdraw => "withdraw",
        }
    }

    /// The step a code names (`unknown_value` on `field` otherwise).
    pub fn parse(field: &str, raw: &str) -> Result<MaterialStep, FieldError> {
        let s = raw.trim();
        MaterialStep::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| FieldError::new(field, "unknown_value").with("value", s))
    }

    /// Whether the unit takes this step (resubmit, withdraw) rather than the reviewer.
    pub fn by_unit(self) -> bool {
        matches!(self, MaterialStep::Resubmit | MaterialStep::Withdraw)
    }
}

impl MaterialState {
    /// The state `step` leads to from this one, or `None` when it is not allowed:
    /// submitted → accepted → published; submitted → returned → submitted (resubmitted);
    /// submitted or returned → withdrawn by the unit.
    pub fn after(self, step: MaterialStep) -> Option<MaterialState> {
        use MaterialState as S;
        use MaterialStep as M;
        match (self, step) {
            (S::Submitted, M::Accept) => Some(S::Accepted),
            (S::Submitted, M::Return) => Some(S::Returned),
            (S::Accepted, M::Publish) => Some(S::Published),
            (S::Returned, M::Resubmit) => Some(S::Submitted),
            (S::Submitted | S::Returned, M::Withdraw) => Some(S::Withdrawn),
            _ => None,
        }
    }

    /// The conflict code when `step` is not allowed from this state.
    pub fn refusal(step: MaterialStep) -> &'static str {
        match step {
            MaterialStep::Accept | MaterialStep::Return => "material_not_submitted",
            MaterialStep::Publish => "material_not_accepted",
            MaterialStep::Resubmit => "material_not_returned",
            MaterialStep::Withdraw => "material_already_accepted",
        }
    }

    /// The colour of the state's chip: green accepted or published, yellow returned, grey
    /// waiting or withdrawn.
    pub fn colour(self) -> &'static str {
        match self {
            MaterialState::Accepted | MaterialState::Published => "green",
            MaterialState::Returned => "yellow",
            MaterialState::Submitted | MaterialState::Withdrawn => "grey",
        }
    }
}

/// Longest title, in characters.
pub const TITLE_MAX: usize = 200;
/// Longest consent note, in characters.
pub const CONSENT_MAX: usize = 1000;
/// Longest description, in characters.
pub const DESCRIPTION_MAX: usize = 2000;
/// At most this many tags, each at most [`TAG_MAX`] characters.
pub const TAGS_MAX: usize = 10;
pub const TAG_MAX: usize = 20;
/// Longest link, in characters.
pub const LINK_MAX: usize = 500;

/// A material's text fields, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialText {
    pub kind: MaterialKind,
    pub title: Line,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub consent: Option<String>,
    /// A video's link, when it is not a file.
    pub link: Option<String>,
}

/// The raw text fields of a material, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct MaterialInput<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// Separated by commas, 、 or spaces.
    pub tags: &'a str,
    pub consent: &'a str,
    pub link: &'a str,
    /// Whether a file comes with it.
    pub has_file: bool,
    /// Official material (the campaign's own) needs no consent note.
    pub official: bool,
}

impl MaterialInput<'_> {
    /// Every problem at once: `kind` unknown; `title` required / too long; `consent`
    /// required for photos and videos; `link` only for videos and only `http(s)://`;
    /// `file` required unless a video comes as a link (and not both).
    pub fn parse(&self) -> Result<MaterialText, Invalid> {
        let mut errs = Invalid::default();
        let kind = if self.kind.trim().is_empty() {
            errs.push(FieldError::new("kind", "required"));
            None
        } else {
            MaterialKind::parse("kind", self.kind)
                .map_err(|e| errs.push(e))
                .ok()
        };
        let title = Line::parse("title", self.title, TITLE_MAX)
            .map_err(|e| errs.push(e))
            .ok();
        let description = optional_text("description", self.description, DESCRIPTION_MAX)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        let tags = parse_tags(self.tags).map_err(|e| errs.push(e)).ok();
        let consent = optional_text("consent", self.consent, CONSENT_MAX)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        if consent.is_none()
            && !self.official
            && kind.is_some_and(MaterialKind::needs_consent)
            && self.consent.trim().is_empty()
        {
            errs.push(FieldError::new("consent", "consent_required"));
        }
        let link = self.link.trim();
        let link = if link.is_empty() {
            None
        } else if !kind.is_some_and(MaterialKind::may_be_link) {
            errs.push(FieldError::new("link", "link_only_for_video"));
            None
        } else if !(link.starts_with("https://") || link.starts_with("http://"))
            || link.contains(char::is_whitespace)
            || link.chars().count() > LINK_MAX
        {
            errs.push(FieldError::new("link", "link_invalid").with("value", link));
            None
        } else {
            Some(link.to_owned())
        };
        match (self.has_file, link.is_some()) {
            (false, false) if self.link.trim().is_empty() => {
                errs.push(FieldError::new("file", "required"));
            }
            (true, true) => errs.push(FieldError::new("link", "file_or_link")),
            _ => {}
        }
        let (Some(kind), Some(title), Some(tags)) = (kind, title, tags) else {
            return Err(errs);
        };
        errs.into_result()?;
        Ok(MaterialText {
            kind,
            title,
            description,
            tags,
            consent,
            link,
        })
    }
}

/// Trimmed text of at most `max` characters; empty gives `None`.
fn optional_text(field: &str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let n = crate::text::char_len(s);
    if n > max {
        return Err(FieldError::new(field, "too_long")
            .with("max", max)
            .with("actual", n));
    }
    Ok(Some(s.to_owned()))
}

/// Tags separated by commas (ASCII or full-width), 、 or spaces; duplicates dropped.
pub fn parse_tags(raw: &str) -> Result<Vec<String>, FieldError> {
    let mut tags: Vec<String> = Vec::new();
    for t in raw.split([',', '，', '、', ' ', '\u{3000}', ';', '；']) {
        let t = t.trim();
        if t.is_empty() || tags.iter().any(|x| x == t) {
            continue;
        }
        let n = crate::text::char_len(t);
        if n > TAG_MAX {
            return Err(FieldError::new("tags", "tag_too_long")
                .with("max", TAG_MAX)
                .with("value", t));
        }
        tags.push(t.to_owned());
    }
    if tags.len() > TAGS_MAX {
        return Err(FieldError::new("tags", "too_many_tags").with("max", TAGS_MAX));
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use MaterialState as S;
    use MaterialStep as M;

    /// Every state × step, written out: the table is the specification.
    #[test]
    fn transition_table() {
        // step order: accept, return, publish, resubmit, withdraw
        let table: &[(S, [Option<S>; 5])] = &[
            (
                S::Submitted,
                [
                    Some(S::Accepted),
                    Some(S::Returned),
                    None,
                    None,
                    Some(S::Withdrawn),
                ],
            ),
            (S::Accepted, [None, None, Some(S::Published), None, None]),
            (S::Published, [None, None, None, None, None]),
            (
                S::Returned,
                [None, None, None, Some(S::Submitted), Some(S::Withdrawn)],
            ),
            (S::Withdrawn, [None, None, None, None, None]),
        ];
        assert_eq!(table.len(), S::ALL.len());
        for (from, row) in table {
            for (step, want) in M::ALL.iter().zip(row) {
                assert_eq!(from.after(*step), *want, "{from} × {step:?}");
            }
        }
    }

    #[test]
    fn photo_needs_consent_and_a_file() {
        let bad = MaterialInput {
            kind: "photo",
            title: "开放日现场",
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let codes: Vec<_> = bad.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            vec![("consent", "consent_required"), ("file", "required")]
        );
        let ok = MaterialInput {
            kind: "照片",
            title: " 开放日现场 ",
            tags: "开放日，实验室、 开放日",
            consent: "参与者已书面同意",
            has_file: true,
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(ok.kind, MaterialKind::Photo);
        assert_eq!(ok.title.as_str(), "开放日现场");
        assert_eq!(ok.tags, vec!["开放日", "实验室"]);
    }

    #[test]
    fn links_are_for_videos_only() {
        let video = MaterialInput {
            kind: "video",
            title: "宣传片",
            consent: "已授权",
            link: "https://example.org/v/1",
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(video.link.as_deref(), Some("https://example.org/v/1"));
        let poster = MaterialInput {
            kind: "poster",
            title: "海报",
            link: "https://example.org/p.png",
            official: true,
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(poster.0[0].code, "link_only_for_video");
        let both = MaterialInput {
            kind: "video",
            title: "宣传片",
            consent: "已授权",
            link: "javascript:alert(1)",
            has_file: true,
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(both.0[0].code, "link_invalid");
    }
}
