//! The structured draft a notice is parsed into. Field order and names are the JSON contract.

use serde::{Deserialize, Serialize};

/// One parsed notice. A field is `null` or empty when the text does not say it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// 发文机关: from the issuer lines of the header (`…文件` stripped), else from the title prefix before 关于.
    pub issuer: Vec<String>,
    /// 发文字号 of this notice itself (never of a cited or relayed document), brackets as 〔〕.
    pub document_number: Option<String>,
    /// 标题, joined when split over lines.
    pub title: Option<String>,
    /// 主送机关, split on the top-level commas of the 主送 line.
    pub recipients: Vec<String>,
    /// 抄送.
    pub cc: Vec<String>,
    /// ISO date from 成文日期, else from 印发日期 of the signature block / 版记.
    pub issue_date: Option<String>,
    /// 公开方式, e.g. 主动公开 or 此件公开发布.
    pub publication: Option<String>,
    pub themes: Vec<Theme>,
    pub activities: Vec<Activity>,
    pub deadlines: Vec<Deadline>,
    pub contacts: Vec<Contact>,
    pub attachments: Vec<String>,
    pub relayed: Option<Relayed>,
    pub attached_notices: Vec<Notice>,
    /// Stable `code` or `code: detail` strings for what the organiser should check by hand.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    pub text: String,
    /// `international`, `domestic`, `local`, or null when the text does not qualify it.
    pub scope: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organizers {
    /// 主办
    pub host: Vec<String>,
    /// 承办
    pub undertaker: Vec<String>,
    /// 协办
    pub co_organizer: Vec<String>,
    /// 指导
    pub guide: Vec<String>,
}

impl Organizers {
    pub fn is_empty(&self) -> bool {
        self.host.is_empty()
            && self.undertaker.is_empty()
            && self.co_organizer.is_empty()
            && self.guide.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub title: String,
    /// See [`crate::ACTIVITY_KINDS`]; null when the title names none of them.
    pub kind: Option<String>,
    pub organizers: Organizers,
    /// Organisations named as running the activity without a 主办/承办/协办/指导 label.
    pub organized_by: Vec<String>,
    pub date: Option<String>,
    pub end_date: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub period_text: Option<String>,
    pub venues: Vec<String>,
    /// Any of `online`, `offline`, `livestream`, `video_conference`, in that order.
    pub mode: Vec<String>,
    pub audience: Option<String>,
    pub debug_sessions: Vec<DebugSession>,
}

/// A 调试 (test run) slot before an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebugSession {
    pub date: Option<String>,
    pub time: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub date: Option<String>,
    pub time: Option<String>,
    pub task: String,
    pub materials: Vec<String>,
    pub submit_to: Option<String>,
    pub length_chars: Option<u32>,
    pub paper_copy: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: Option<String>,
    pub org: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relayed {
    pub issuer: Option<String>,
    pub title: Option<String>,
    pub document_number: Option<String>,
}
