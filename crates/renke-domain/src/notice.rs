//! Official notices (通知) after GB/T 9704-2012: the 发文字号, the 公开方式, recipients as
//! organisations or groups, the body with its official heading levels, and the draft with
//! every element validated at once.

use crate::contact::{Contact, NAME_MAX, parse_email, parse_phone};
use crate::org::{OrgKind, string_enum};
use crate::text::{Line, char_len};
use crate::{FieldError, Invalid};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

// ---------------------------------------------------------------- 发文字号

/// A document number such as 粤市监认监〔2022〕253号: issuer prefix (机关代字), year and
/// serial. Parsing accepts `[2022]`, `(2022)`, `（2022）`, `［2022］`, `【2022】`, full-width
/// digits, spaces and a missing 号; it is always shown as `粤市监认监〔2022〕253号`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocNumber {
    issuer: String,
    year: u16,
    serial: u32,
}

/// Longest accepted issuer prefix, in characters.
pub const DOC_ISSUER_MAX: usize = 30;

const OPEN: &[char] = &['〔', '[', '(', '（', '［', '【', '〖', '{', '｛'];
const CLOSE: &[char] = &['〕', ']', ')', '）', '］', '】', '〗', '}', '｝'];

fn ascii_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        c => c,
    }
}

impl DocNumber {
    /// Parses and normalises a 发文字号. Codes: `required`, `doc_number_format` (no
    /// bracketed year), `doc_number_issuer` (no or too long prefix), `doc_number_year`
    /// (not a year from 1949 to 2999), `doc_number_serial` (not a number from 1 to 999999).
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(ascii_digit)
            .collect();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        let bad = |code: &'static str| FieldError::new(field, code).with("value", raw.trim());
        let open = s.find(OPEN).ok_or_else(|| bad("doc_number_format"))?;
        let after_open = &s[open..];
        let open_len = after_open.chars().next().map_or(1, char::len_utf8);
        let inner_and_rest = &after_open[open_len..];
        let close = inner_and_rest
            .find(CLOSE)
            .ok_or_else(|| bad("doc_number_format"))?;
        let issuer = &s[..open];
        let year_text = &inner_and_rest[..close];
        let close_len = inner_and_rest[close..]
            .chars()
            .next()
            .map_or(1, char::len_utf8);
        let mut serial_text = &inner_and_rest[close + close_len..];
        serial_text = serial_text.strip_suffix('号').unwrap_or(serial_text);
        serial_text = serial_text.strip_prefix('第').unwrap_or(serial_text);
        if issuer.is_empty()
            || char_len(issuer) > DOC_ISSUER_MAX
            || issuer.contains(OPEN)
            || issuer.contains(CLOSE)
        {
            return Err(bad("doc_number_issuer").with("max", DOC_ISSUER_MAX));
        }
        let year = match year_text.parse::<u16>() {
            Ok(y) if year_text.len() == 4 && (1949..=2999).contains(&y) => y,
            _ => return Err(bad("doc_number_year")),
        };
        let serial = match serial_text.parse::<u32>() {
            Ok(n)
                if (1..=999_999).contains(&n)
                    && serial_text.chars().all(|c| c.is_ascii_digit()) =>
            {
                n
            }
            _ => return Err(bad("doc_number_serial")),
        };
        Ok(DocNumber {
            issuer: issuer.to_owned(),
            year,
            serial,
        })
    }

    /// The issuer prefix (机关代字), e.g. 粤市监认监.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    pub fn year(&self) -> u16 {
        self.year
    }
    pub fn serial(&self) -> u32 {
        self.serial
    }
}

/// What a notice without a 发文字号 shows where the number would stand (some notices, such
/// as a 市场监管局's 工作通知 sent by e-mail, carry none).
pub const NO_DOC_NUMBER: &str = "无文号";

impl DocNumber {
    /// Parses an optional 发文字号: empty (or typed as "无文号") is a notice without one.
    pub fn parse_opt(field: &str, raw: &str) -> Result<Option<Self>, FieldError> {
        match raw.trim() {
            "" | NO_DOC_NUMBER => Ok(None),
            s => DocNumber::parse(field, s).map(Some),
        }
    }
}

/// A notice named in a line of text (a message title, a file name): its 发文字号, or its
/// title when it has none.
pub fn doc_or_title<'a>(doc_number: Option<&'a str>, title: &'a str) -> &'a str {
    doc_number.filter(|d| !d.is_empty()).unwrap_or(title)
}

/// A line about a notice's task or report, led by the notice's 发文字号 when it has one:
/// "粤市监认监〔2022〕253号 活动开展情况", or "活动总结" alone.
pub fn with_doc_number(doc_number: Option<&str>, text: &str) -> String {
    match doc_number.filter(|d| !d.is_empty()) {
        Some(d) => format!("{d} {text}"),
        None => text.to_owned(),
    }
}

/// A notice cited by title, its 发文字号 after it in brackets when it has one:
/// "《…的通知》（市监认证函〔2022〕764号）" as 转发 bodies and 附件 lines cite it.
pub fn cite(title: &str, doc_number: Option<&str>) -> String {
    match doc_number.filter(|d| !d.is_empty()) {
        Some(d) => format!("{title}（{d}）"),
        None => title.to_owned(),
    }
}

impl fmt::Display for DocNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}〔{}〕{}号", self.issuer, self.year, self.serial)
    }
}

impl TryFrom<String> for DocNumber {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        DocNumber::parse("doc_number", &s)
    }
}

impl From<DocNumber> for String {
    fn from(d: DocNumber) -> String {
        d.to_string()
    }
}

// ---------------------------------------------------------------- 公开方式, status

string_enum! {
    /// 公开方式: whether the notice is published.
    Publication {
        Active = "active", "主动公开", "Published";
        OnRequest = "on_request", "依申请公开", "On request";
        NotPublic = "not_public", "不予公开", "Not published";
    }
}

string_enum! {
    /// 行文方向: to whom a notice goes relative to its issuer. Down (下行文) is the
    /// cascade to one's own subtree and the only kind that carries reporting tasks; a
    /// letter up to a superior (上行文, e.g. a province's report to SAMR) or across to a
    /// peer (平行文) is sent by a regulator explicitly, and asks nobody to report.
    Direction {
        Down = "down", "下行文", "To subordinates";
        Up = "up", "上行文", "To a superior";
        Across = "across", "平行文", "To peers";
    }
}

impl Direction {
    /// Whether notices in this direction may carry reporting tasks.
    pub fn carries_tasks(self) -> bool {
        self == Direction::Down
    }
}

string_enum! {
    /// Where a notice is in its life: a draft may change; an issued notice never does.
    NoticeStatus {
        Draft = "draft", "草稿", "Draft";
        Issued = "issued", "已印发", "Issued";
    }
}

string_enum! {
    /// Where the delivery of an issued notice to one organisation stands (签收). Not stored
    /// as a code: a delivery is acknowledged when it has an acknowledgement time.
    DeliveryState {
        Pending = "pending", "未签收", "Not acknowledged";
        Acknowledged = "acknowledged", "已签收", "Acknowledged";
    }
}

/// What happens to a delivery: the recipient acknowledges it (签收).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryEvent {
    Acknowledge,
}

impl DeliveryState {
    /// The state of a delivery acknowledged at `acknowledged_at`, if ever.
    pub fn of<T>(acknowledged_at: Option<T>) -> DeliveryState {
        match acknowledged_at {
            Some(_) => DeliveryState::Acknowledged,
            None => DeliveryState::Pending,
        }
    }
    /// The state after `event`, or the code of the refusal: a notice is acknowledged once
    /// (`already_acknowledged`).
    pub fn transition(self, event: DeliveryEvent) -> Result<DeliveryState, &'static str> {
        match (self, event) {
            (DeliveryState::Pending, DeliveryEvent::Acknowledge) => Ok(DeliveryState::Acknowledged),
            (DeliveryState::Acknowledged, DeliveryEvent::Acknowledge) => {
                Err("already_acknowledged")
            }
        }
    }
    pub fn is_acknowledged(self) -> bool {
        self == DeliveryState::Acknowledged
    }
}

// ---------------------------------------------------------------- recipients

/// One entry of 主送: an organisation, or a group such as 各地级以上市市场监管局 — every
/// direct child of `org_id` of kind `kind`, expanded to concrete organisations at issue time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientSpec {
    pub org_id: i64,
    /// `Some(kind)`: the children of `org_id` of this kind, not `org_id` itself.
    pub children_kind: Option<OrgKind>,
    /// How the group is written in the notice (各地级以上市市场监管局); `None` = the org's name.
    pub label: Option<Line>,
}

/// Longest group label, in characters.
pub const RECIPIENT_LABEL_MAX: usize = 100;

// ---------------------------------------------------------------- body

/// One block of a notice body: a paragraph, possibly led by an official heading.
///
/// Levels follow GB/T 9704-2012 §7.3.3: 1 = 一、 2 = （一） 3 = 1. 4 = （1）; 0 = plain
/// paragraph. A heading line ending without 。 is a standalone heading (`text` empty); a
/// run-in heading such as “（一）精心组织，突出重点。各地市局要……” is split after its first 。.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    pub level: u8,
    pub heading: String,
    pub text: String,
}

impl Block {
    pub fn is_standalone_heading(&self) -> bool {
        self.level > 0 && self.text.is_empty()
    }

    /// A numbered paragraph: the heading is the marker alone (“（二）”, “1.”), the rest is
    /// ordinary text.
    pub fn is_numbered_paragraph(&self) -> bool {
        self.level > 0
            && !self.text.is_empty()
            && heading_marker(&self.heading)
                .map(|(_, n)| n)
                .or_else(|| numbered_marker(&self.heading))
                .is_some_and(|n| n == self.heading.len())
    }
}

const ZH_DIGITS: &str = "一二三四五六七八九十百零〇";

/// The heading level a line starts with, and the length in bytes of its marker.
fn heading_marker(line: &str) -> Option<(u8, usize)> {
    // 一、
    let n: usize = line
        .chars()
        .take_while(|c| ZH_DIGITS.contains(*c))
        .map(char::len_utf8)
        .sum();
    if n > 0 && line[n..].starts_with('、') {
        return Some((1, n + '、'.len_utf8()));
    }
    // （一） (一) （1） (1)
    let open = line.chars().next().filter(|c| *c == '（' || *c == '(')?;
    let rest = &line[open.len_utf8()..];
    let zh: usize = rest
        .chars()
        .take_while(|c| ZH_DIGITS.contains(*c))
        .map(char::len_utf8)
        .sum();
    let digits: usize = rest.chars().take_while(char::is_ascii_digit).count();
    let (level, inner) = if zh > 0 {
        (2, zh)
    } else if digits > 0 {
        (4, digits)
    } else {
        return None;
    };
    let close = rest[inner..]
        .chars()
        .next()
        .filter(|c| *c == '）' || *c == ')')?;
    Some((level, open.len_utf8() + inner + close.len_utf8()))
}

/// Level 3 (`1.` / `1．`), checked separately because it needs no bracket.
fn numbered_marker(line: &str) -> Option<usize> {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let dot = line[digits..]
        .chars()
        .next()
        .filter(|c| *c == '.' || *c == '．')?;
    // "1.5 万" is a number, not a heading.
    let next = line[digits + dot.len_utf8()..].chars().next();
    if next.is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(digits + dot.len_utf8())
}

/// Longest heading, in characters, marker included: a longer line after a marker is a
/// numbered paragraph (its `heading` is the marker alone).
pub const HEADING_MAX: usize = 30;

/// Splits a stored body into blocks. Never produces markup: the page escapes every text
/// and chooses the element per level.
pub fn body_blocks(body: &str) -> Vec<Block> {
    let mut out = Vec::new();
    for raw in body.lines() {
        let mut line = raw.trim();
        // A list dash left by text extraction: "- （一）精心组织".
        if let Some(rest) = line.strip_prefix("- ") {
            line = rest.trim_start();
        }
        if line.is_empty() {
            continue;
        }
        let marker = heading_marker(line).or_else(|| numbered_marker(line).map(|n| (3, n)));
        let Some((level, marker_len)) = marker else {
            out.push(Block {
                level: 0,
                heading: String::new(),
                text: line.to_owned(),
            });
            continue;
        };
        let numbered = || {
            (
                line[..marker_len].to_owned(),
                line[marker_len..].trim().to_owned(),
            )
        };
        let (heading, text) = match line.find('。') {
            Some(i) if i + '。'.len_utf8() < line.len() => {
                let cut = i + '。'.len_utf8();
                // A long first sentence is the start of a numbered paragraph, not a
                // run-in heading such as “（一）精心组织，突出重点。”.
                if char_len(&line[..cut]) > HEADING_MAX {
                    numbered()
                } else {
                    (line[..cut].to_owned(), line[cut..].trim().to_owned())
                }
            }
            // One long sentence (or a long line cut by text extraction) after the marker is
            // a numbered paragraph, not a heading.
            _ if char_len(line) > HEADING_MAX => numbered(),
            _ => (line.to_owned(), String::new()),
        };
        out.push(Block {
            level,
            heading,
            text,
        });
    }
    out
}

/// Longest body, in characters.
pub const BODY_MAX: usize = 50_000;

/// A required or optional multi-line text of at most `max` characters; line ends become
/// `\n`, outer blank space is trimmed.
pub fn parse_text(field: &str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    let s = raw.replace("\r\n", "\n").replace('\r', "\n");
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let n = char_len(s);
    if n > max {
        return Err(FieldError::new(field, "too_long")
            .with("max", max)
            .with("actual", n));
    }
    Ok(Some(s.to_owned()))
}

// ---------------------------------------------------------------- the draft

/// Notice input as typed, with recipients already resolved to organisations (the caller
/// looks codes up and reports unknown ones).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeInput {
    pub issuer_org_id: i64,
    /// 发文字号; empty for a notice without one (无文号).
    pub doc_number: String,
    pub title: String,
    pub recipients: Vec<RecipientSpec>,
    pub body: String,
    pub attachments: Vec<String>,
    pub signature: String,
    pub written_on: String,
    pub notes: String,
    pub contacts: Vec<ContactInput>,
    pub publication: String,
    pub cc: String,
    pub printed_by: String,
    pub printed_on: String,
    pub proofreader: String,
    pub campaign_id: Option<i64>,
    /// `down` (default), `up` or `across` (or the Chinese label).
    pub direction: String,
}

/// A contact person as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// A validated notice, ready to be stored as a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeDraft {
    pub issuer_org_id: i64,
    /// 发文字号; `None` = the notice has none (无文号).
    pub doc_number: Option<DocNumber>,
    pub title: Line,
    pub recipients: Vec<RecipientSpec>,
    pub body: String,
    /// 附件说明: the titles of the attachments, in order.
    pub attachments: Vec<Line>,
    /// 署名; `None` = the issuer's name.
    pub signature: Option<Line>,
    /// 成文日期.
    pub written_on: NaiveDate,
    /// 附注.
    pub notes: Option<String>,
    pub contacts: Vec<Contact>,
    pub publication: Publication,
    /// 抄送.
    pub cc: Option<Line>,
    /// 印发机关 and 印发日期.
    pub printed_by: Option<Line>,
    pub printed_on: Option<NaiveDate>,
    /// 校对.
    pub proofreader: Option<Line>,
    pub campaign_id: Option<i64>,
    /// 行文方向.
    pub direction: Direction,
}

pub const TITLE_MAX: usize = 200;

fn ok<T>(r: Result<T, FieldError>, errs: &mut Invalid) -> Option<T> {
    r.map_err(|e| errs.push(e)).ok()
}

impl NoticeInput {
    /// Validates every field and reports every problem at once.
    pub fn validate(&self) -> Result<NoticeDraft, Invalid> {
        let mut errs = Invalid::default();
        let doc_number = ok(
            DocNumber::parse_opt("doc_number", &self.doc_number),
            &mut errs,
        );
        let title = ok(Line::parse("title", &self.title, TITLE_MAX), &mut errs);
        if self.recipients.is_empty() {
            errs.push(FieldError::new("recipients", "required"));
        }
        // The same organisation, or the same group, named twice is one recipient.
        let mut recipients: Vec<RecipientSpec> = Vec::with_capacity(self.recipients.len());
        let mut seen = std::collections::HashSet::new();
        for r in &self.recipients {
            if seen.insert((r.org_id, r.children_kind)) {
                recipients.push(r.clone());
            }
        }
        let body = match parse_text("body", &self.body, BODY_MAX) {
            Ok(Some(b)) => Some(b),
            Ok(None) => {
                errs.push(FieldError::new("body", "required"));
                None
            }
            Err(e) => {
                errs.push(e);
                None
            }
        };
        let mut attachments = Vec::new();
        for (i, a) in self.attachments.iter().enumerate() {
            match Line::parse_opt(&format!("attachments[{i}]"), a, TITLE_MAX) {
                Ok(Some(l)) => attachments.push(l),
                Ok(None) => {}
                Err(e) => errs.push(e),
            }
        }
        let signature = ok(
            Line::parse_opt("signature", &self.signature, 100),
            &mut errs,
        );
        let written_on = ok(
            crate::campaign::parse_date("written_on", &self.written_on),
            &mut errs,
        );
        let notes = ok(parse_text("notes", &self.notes, 2000), &mut errs);
        let mut contacts = Vec::new();
        for (i, c) in self.contacts.iter().enumerate() {
            let name = ok(
                Line::parse_opt(&format!("contacts[{i}].name"), &c.name, NAME_MAX),
                &mut errs,
            );
            let phone = ok(
                parse_phone(&format!("contacts[{i}].phone"), &c.phone),
                &mut errs,
            );
            let email = ok(
                parse_email(&format!("contacts[{i}].email"), &c.email),
                &mut errs,
            );
            if let (Some(name), Some(phone), Some(email)) = (name, phone, email) {
                let contact = Contact { name, phone, email };
                if !contact.is_empty() {
                    contacts.push(contact);
                }
            }
        }
        let publication = match self.publication.trim() {
            "" => Some(Publication::Active),
            s => ok(Publication::parse("publication", s), &mut errs),
        };
        let direction = match self.direction.trim() {
            "" => Some(Direction::Down),
            s => ok(Direction::parse("direction", s), &mut errs),
        };
        if direction.is_some_and(|d| d != Direction::Down)
            && self.recipients.iter().any(|r| r.children_kind.is_some())
        {
            // A letter up or across names each addressee; "every child of kind …" is the
            // cascade's shorthand.
            errs.push(FieldError::new("recipients", "children_only_down"));
        }
        let cc = ok(Line::parse_opt("cc", &self.cc, 500), &mut errs);
        let printed_by = ok(
            Line::parse_opt("printed_by", &self.printed_by, 100),
            &mut errs,
        );
        let printed_on = match self.printed_on.trim() {
            "" => Some(None),
            s => ok(crate::campaign::parse_date("printed_on", s), &mut errs).map(Some),
        };
        let proofreader = ok(
            Line::parse_opt("proofreader", &self.proofreader, 50),
            &mut errs,
        );
        if let (Some(w), Some(Some(p))) = (written_on, printed_on)
            && p < w
        {
            errs.push(
                FieldError::new("printed_on", "printed_before_written").with("written_on", w),
            );
        }
        match (
            doc_number,
            title,
            body,
            signature,
            written_on,
            notes,
            publication,
            cc,
            printed_by,
            printed_on,
            proofreader,
            direction,
        ) {
            (
                Some(doc_number),
                Some(title),
                Some(body),
                Some(signature),
                Some(written_on),
                Some(notes),
                Some(publication),
                Some(cc),
                Some(printed_by),
                Some(printed_on),
                Some(proofreader),
                Some(direction),
            ) if errs.is_empty() => Ok(NoticeDraft {
                issuer_org_id: self.issuer_org_id,
                doc_number,
                title,
                recipients,
                body,
                attachments,
                signature,
                written_on,
                notes,
                contacts,
                publication,
                cc,
                printed_by,
                printed_on,
                proofreader,
                campaign_id: self.campaign_id,
                direction,
            }),
            _ => Err(errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn doc_numbers_in_every_spelling() {
        for raw in [
            "粤市监认监〔2022〕253号",
            "粤市监认监[2022]253号",
            "粤市监认监 [2022] 253 号",
            "粤市监认监(2022)253号",
            "粤市监认监（2022）253号",
            "粤市监认监［２０２２］２５３号",
            "粤市监认监【2022】253",
            " 粤市监认监〔2022〕第253号 ",
        ] {
            let d = DocNumber::parse("doc_number", raw).unwrap();
            assert_eq!(d.to_string(), "粤市监认监〔2022〕253号", "{raw}");
            assert_eq!(d.issuer(), "粤市监认监");
            assert_eq!((d.year(), d.serial()), (2022, 253));
        }
        let d = DocNumber::parse("doc_number", "市监认证函 [2022] 764号").unwrap();
        assert_eq!(d.to_string(), "市监认证函〔2022〕764号");
    }

    #[test]
    fn bad_doc_numbers_have_codes() {
        let code = |s: &str| DocNumber::parse("doc_number", s).unwrap_err().code;
        assert_eq!(code("  "), "required");
        assert_eq!(code("粤市监认监2022253号"), "doc_number_format");
        assert_eq!(code("粤市监认监〔2022"), "doc_number_format");
        assert_eq!(code("〔2022〕253号"), "doc_number_issuer");
        assert_eq!(code("粤〔22〕253号"), "doc_number_year");
        assert_eq!(code("粤〔1800〕253号"), "doc_number_year");
        assert_eq!(code("粤〔2022〕号"), "doc_number_serial");
        assert_eq!(code("粤〔2022〕0号"), "doc_number_serial");
        assert_eq!(code("粤〔2022〕25a号"), "doc_number_serial");
        let e = DocNumber::parse("doc_number", "x").unwrap_err();
        assert_eq!(e.field, "doc_number");
        assert_eq!(e.param("value"), Some("x"));
    }

    fn spelling() -> impl Strategy<Value = (&'static str, &'static str)> {
        prop::sample::select(vec![
            ("〔", "〕"),
            ("[", "]"),
            ("(", ")"),
            ("（", "）"),
            ("［", "］"),
            ("【", "】"),
        ])
    }

    proptest! {
        #[test]
        fn doc_number_round_trip(
            issuer in "[粤沪京市监认证函办厅局处a-zA-Z]{1,12}",
            year in 1949u16..2999,
            serial in 1u32..999_999,
            (open, close) in spelling(),
            sp in prop::sample::select(vec!["", " ", "\u{3000}"]),
            hao in any::<bool>(),
        ) {
            let raw = format!("{issuer}{sp}{open}{year}{close}{sp}{serial}{}", if hao { "号" } else { "" });
            let d = DocNumber::parse("doc_number", &raw).unwrap();
            prop_assert_eq!(d.issuer(), issuer.as_str());
            prop_assert_eq!(d.year(), year);
            prop_assert_eq!(d.serial(), serial);
            let shown = d.to_string();
            prop_assert_eq!(&DocNumber::parse("doc_number", &shown).unwrap(), &d);
            prop_assert_eq!(shown, format!("{issuer}〔{year}〕{serial}号"));
        }

        #[test]
        fn doc_number_parse_never_panics(s in "\\PC{0,40}") {
            let _ = DocNumber::parse("doc_number", &s);
        }

        #[test]
        fn body_blocks_keep_all_text(s in "\\PC{0,200}") {
            let blocks = body_blocks(&s);
            let joined: usize = blocks.iter().map(|b| char_len(&b.heading) + char_len(&b.text)).sum();
            prop_assert!(joined <= char_len(&s));
        }
    }

    #[test]
    fn body_heading_levels() {
        let body = "现将有关事项通知如下：\n\n一、活动主要内容\n（一）集中收看总局活动\n\
                    6月9日上午10:00至11:00，省局在1301会议室收看。\n\
                    - (二)认真总结，扩大宣传。各地市局要充分借助新闻媒体。\n\
                    1. 组织单位\n（1）主会场\n1.5万人参加。\n<script>alert(1)</script>";
        let b = body_blocks(body);
        let levels: Vec<u8> = b.iter().map(|b| b.level).collect();
        assert_eq!(levels, [0, 1, 2, 0, 2, 3, 4, 0, 0]);
        assert_eq!(b[1].heading, "一、活动主要内容");
        assert!(b[1].is_standalone_heading());
        assert_eq!(b[4].heading, "(二)认真总结，扩大宣传。");
        assert_eq!(b[4].text, "各地市局要充分借助新闻媒体。");
        assert_eq!(
            b[8].text, "<script>alert(1)</script>",
            "kept as text, escaped on render"
        );
        assert!(!b[4].is_numbered_paragraph());
    }

    #[test]
    fn long_first_sentences_are_numbered_paragraphs() {
        let body = "（一）请各省、自治区、直辖市和新疆生产建设兵团市场监管局（厅、委）做好各分会场的会议组织工作。总局信息中心将调试。\n\
                    （二）请各省、自治区、直辖市和新疆生产建设兵团市场监管局（厅、委）及时报送活动方案、活动开展情\n\
                    （三）精心组织，突出重点。各地市局要按照部署要求。";
        let b = body_blocks(body);
        assert_eq!((b[0].level, b[0].heading.as_str()), (2, "（一）"));
        assert!(b[0].text.starts_with("请各省") && b[0].text.ends_with("将调试。"));
        assert!(b[0].is_numbered_paragraph());
        assert_eq!((b[1].level, b[1].heading.as_str()), (2, "（二）"));
        assert!(b[1].is_numbered_paragraph());
        assert_eq!(b[2].heading, "（三）精心组织，突出重点。");
        assert!(!b[2].is_numbered_paragraph());
    }

    fn valid() -> NoticeInput {
        NoticeInput {
            issuer_org_id: 1,
            doc_number: "粤市监认监[2022]253号".into(),
            title: "广东省市场监督管理局关于组织开展第十五个“世界认可日”活动的通知".into(),
            recipients: vec![RecipientSpec {
                org_id: 1,
                children_kind: Some(OrgKind::Regulator),
                label: Line::parse("label", "各地级以上市市场监管局", 100).ok(),
            }],
            body: "一、活动主要内容\r\n正文。".into(),
            written_on: "2022年6月1日".into(),
            printed_on: "2022-06-02".into(),
            contacts: vec![ContactInput {
                name: "李明".into(),
                phone: "020-12345678".into(),
                email: "".into(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn valid_notice() {
        let d = valid().validate().unwrap();
        assert_eq!(
            d.doc_number.map(|n| n.to_string()).as_deref(),
            Some("粤市监认监〔2022〕253号")
        );
        assert_eq!(d.publication, Publication::Active);
        assert_eq!(d.body, "一、活动主要内容\n正文。");
        assert_eq!(d.contacts.len(), 1);
        assert_eq!(d.printed_on, NaiveDate::from_ymd_opt(2022, 6, 2));
    }

    #[test]
    fn a_notice_may_have_no_doc_number() {
        for none in ["", "  ", "无文号"] {
            let input = NoticeInput {
                doc_number: none.into(),
                ..valid()
            };
            assert_eq!(input.validate().unwrap().doc_number, None, "{none:?}");
        }
        assert_eq!(doc_or_title(None, "通知"), "通知");
        assert_eq!(doc_or_title(Some(""), "通知"), "通知");
        assert_eq!(doc_or_title(Some("沪〔2022〕1号"), "通知"), "沪〔2022〕1号");
        assert_eq!(with_doc_number(None, "活动总结"), "活动总结");
        assert_eq!(cite("通知", Some("沪〔2022〕1号")), "通知（沪〔2022〕1号）");
        assert_eq!(cite("通知", None), "通知");
        assert_eq!(
            with_doc_number(Some("沪〔2022〕1号"), "活动总结"),
            "沪〔2022〕1号 活动总结"
        );
    }

    #[test]
    fn notice_reports_every_bad_field() {
        let input = NoticeInput {
            doc_number: "253号".into(),
            title: " ".into(),
            recipients: vec![],
            body: "\n".into(),
            written_on: "昨天".into(),
            publication: "秘密".into(),
            printed_on: "2022-05-01".into(),
            contacts: vec![ContactInput {
                email: "bad".into(),
                ..Default::default()
            }],
            ..valid()
        };
        let errs = input.validate().unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "doc_number",
                "title",
                "recipients",
                "body",
                "written_on",
                "contacts[0].email",
                "publication"
            ]
        );
        let before = NoticeInput {
            printed_on: "2022-05-01".into(),
            ..valid()
        };
        assert_eq!(
            before.validate().unwrap_err().0[0].code,
            "printed_before_written"
        );
    }

    /// Every state against every event: the state after it, or the refusal.
    #[test]
    fn delivery_transitions() {
        use DeliveryEvent::*;
        use DeliveryState::*;
        let table: [(DeliveryState, DeliveryEvent, Result<DeliveryState, &str>); 2] = [
            (Pending, Acknowledge, Ok(Acknowledged)),
            (Acknowledged, Acknowledge, Err("already_acknowledged")),
        ];
        for (from, event, to) in table {
            assert_eq!(from.transition(event), to, "{from:?} on {event:?}");
        }
        assert_eq!(table.len(), DeliveryState::ALL.len());
        assert_eq!(DeliveryState::of(None::<()>), Pending);
        assert_eq!(DeliveryState::of(Some(())), Acknowledged);
    }
}
