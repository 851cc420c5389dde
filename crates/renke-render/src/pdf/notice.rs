//! The notice as its PDF shows it: a plain data struct the web layer fills from the stored
//! notice, turned into the JSON the template reads.

use super::zh_date;
use chrono::NaiveDate;
use renke_domain::notice::{Publication, body_blocks};
use serde::Serialize;

/// A notice, element by element in the official order (GB/T 9704-2012 §7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeDoc {
    /// 发文机关标志, e.g. 广东省市场监督管理局文件.
    pub issuer_mark: String,
    /// 发文字号, already normalised (粤市监认监〔2022〕253号); `None`: the notice has none,
    /// and its line stays empty above the red line.
    pub doc_number: Option<String>,
    pub title: String,
    /// 主送机关 as written, in order; joined with “，” and closed with “：”.
    pub recipients: Vec<String>,
    /// The body as stored: one paragraph per line, headings 一、 （一） 1. （1）.
    pub body: String,
    /// 附件说明: attachment titles in order.
    pub attachments: Vec<String>,
    /// 署名.
    pub signature: String,
    /// 成文日期.
    pub written_on: NaiveDate,
    /// 附注 (without brackets).
    pub notes: Option<String>,
    pub contacts: Vec<ContactLine>,
    /// 公开方式.
    pub publication: Publication,
    /// 抄送.
    pub cc: Option<String>,
    /// 印发机关 and 印发日期.
    pub printed_by: Option<String>,
    pub printed_on: Option<NaiveDate>,
    /// 校对.
    pub proofreader: Option<String>,
    /// Not yet issued: every page carries a 草稿 watermark.
    pub draft: bool,
    /// The notice this one relays (转发), printed after it as its attachment on a new page,
    /// as printed relays carry the document they relay.
    pub relayed: Option<Box<NoticeDoc>>,
}

/// A contact person of the 附注.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactLine {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Serialize)]
struct Data<'a> {
    issuer_mark: &'a str,
    doc_number: Option<&'a str>,
    title: &'a str,
    /// The title as runs it breaks between only.
    title_runs: Vec<&'a str>,
    recipients: String,
    blocks: Vec<BlockData>,
    attachments: &'a [String],
    signature: &'a str,
    written_on: String,
    notes: Option<String>,
    publication_note: Option<&'static str>,
    publication: &'static str,
    cc: Option<String>,
    printed_by: Option<&'a str>,
    printed_on: Option<String>,
    proofreader: Option<&'a str>,
    draft: bool,
    relayed: Option<Box<Data<'a>>>,
}

#[derive(Serialize)]
struct BlockData {
    level: u8,
    /// The heading is only its marker (“（二）”): an ordinary numbered paragraph.
    numbered: bool,
    heading: String,
    text: String,
}

impl NoticeDoc {
    /// 附注: the notes and the contact persons in one bracketed line, as on the page.
    pub fn notes_line(&self) -> Option<String> {
        let mut parts: Vec<String> = self.notes.iter().cloned().collect();
        let contacts: Vec<String> = self
            .contacts
            .iter()
            .map(|c| {
                let mut s = c.name.clone().unwrap_or_default();
                if let Some(p) = &c.phone {
                    s.push_str(&format!("，电话：{p}"));
                }
                if let Some(e) = &c.email {
                    s.push_str(&format!("，邮箱：{e}"));
                }
                s
            })
            .collect();
        if !contacts.is_empty() {
            parts.push(format!("联系人：{}", contacts.join("；")));
        }
        (!parts.is_empty()).then(|| format!("（{}）", parts.join("；")))
    }

    pub(super) fn to_data(&self) -> impl Serialize + '_ {
        self.data()
    }

    fn data(&self) -> Data<'_> {
        let cc = self.cc.as_deref().map(|c| {
            let c = c.trim_end_matches(['。', '.']);
            format!("{c}。")
        });
        Data {
            issuer_mark: &self.issuer_mark,
            doc_number: self.doc_number.as_deref(),
            title: &self.title,
            title_runs: renke_domain::text::title_runs(&self.title),
            recipients: format!("{}：", self.recipients.join("，")),
            blocks: body_blocks(&self.body)
                .into_iter()
                .map(|b| BlockData {
                    level: b.level,
                    numbered: b.is_numbered_paragraph(),
                    heading: b.heading,
                    text: b.text,
                })
                .collect(),
            attachments: &self.attachments,
            signature: &self.signature,
            written_on: zh_date(&self.written_on),
            notes: self.notes_line(),
            publication_note: (self.publication == Publication::Active)
                .then_some("（此件公开发布）"),
            publication: self.publication.zh(),
            cc,
            printed_by: self.printed_by.as_deref(),
            printed_on: self.printed_on.as_ref().map(zh_date),
            proofreader: self.proofreader.as_deref(),
            draft: self.draft,
            relayed: self.relayed.as_deref().map(|r| Box::new(r.data())),
        }
    }
}
