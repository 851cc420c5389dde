//! Extraction of the draft's fields from paragraphs.

use crate::ACTIVITY_KINDS;
use crate::dates::{DateHit, DateRx, YearCtx, fmt_time};
use crate::model::{Activity, Contact, Deadline, DebugSession, Notice, Organizers, Relayed, Theme};
use crate::normalize::{
    TradTable, canon_punct, chinese_date_to_arabic, collapse_spaces, file_stem,
    fix_entity_mojibake, fold_line, is_debris, is_file_name_line, is_furniture, is_han,
    is_web_stamp, strip_noise_runs, strip_stray_marker,
};
use crate::structure::{DOC_TYPES, Para, StructRx, last_top_level_open, paren_groups, split_top};
use regex::Regex;

const ORG_SUFFIXES: [&str; 28] = [
    "处",
    "科",
    "室",
    "司",
    "局",
    "中心",
    "办公室",
    "协会",
    "院",
    "所",
    "部",
    "组",
    "会",
    "站",
    "队",
    "厅",
    "委",
    "公司",
    "学会",
    "联盟",
    "学院",
    "大学",
    "政府",
    "办",
    "集团",
    "分中心",
    "）",
    "基地",
];

const CONTACT_ROLES: [&str; 9] = [
    "技术保障",
    "技术支持",
    "技术咨询",
    "业务咨询",
    "政策咨询",
    "报名咨询",
    "会务保障",
    "会务",
    "报名",
];

const VENUE_NOUNS: [&str; 16] = [
    "会议室",
    "会场",
    "礼堂",
    "报告厅",
    "多功能厅",
    "大厅",
    "展厅",
    "演播厅",
    "会议中心",
    "展览中心",
    "会展中心",
    "体育馆",
    "广场",
    "大楼",
    "酒店",
    "宾馆",
];

const WEB_META: [&str; 17] = [
    "发布时间",
    "发布日期",
    "发表时间",
    "更新时间",
    "发文日期",
    "来源",
    "信息来源",
    "作者",
    "浏览次数",
    "点击数",
    "访问次数",
    "字号",
    "【字体",
    "打印本页",
    "索引号",
    "主题分类",
    "有效性",
];

/// Labels of a page's time stamp that may follow the title on its line.
/// Words that qualify a theme's scope (国际 → international, 国内/全国/中国 → domestic, the
/// rest local).
const THEME_SCOPES: [&str; 13] = [
    "国际", "国内", "全国", "中国", "本市", "本省", "我省", "我市", "全省", "全市", "本区", "地方",
    "本地",
];

/// Other words for a paper copy than 纸质 (`书面文本与电子版`).
const PAPER_WORDS: [&str; 4] = ["书面文本", "书面材料", "书面版", "书面稿"];

/// Adverbs between the materials and the verb (`将X直接报送…`), not part of them.
const VERB_ADVERBS: [&str; 5] = ["直接", "一并", "统一", "及时", "分别"];

const WEB_STAMP: [&str; 5] = ["发布时间", "发布日期", "发表时间", "更新时间", "发文日期"];

pub(crate) struct Extractor {
    trad: TradTable,
    s: StructRx,
    d: DateRx,
    docnum_bracket: Regex,
    docnum_in: Regex,
    number_title: Regex,
    title_number: Regex,
    iso_stamp: Regex,
    year_in: Regex,
    printed: Regex,
    theme_a: Regex,
    theme_b: Regex,
    label_org: Regex,
    paren_clause: Regex,
    paren_clause_colon: Regex,
    org_by: Regex,
    org_at: Regex,
    org_subject: Regex,
    venue_at: Regex,
    venue_label: Regex,
    aud_label: Regex,
    aud_patterns: Vec<Regex>,
    phone: Regex,
    bare_phone: Regex,
    email: Regex,
    contact_label: Regex,
    dept_contact: Regex,
    relayed_cite: Regex,
    attach_label: Regex,
    length: Regex,
    submit_verb: Regex,
    no_paper: Regex,
    pinyin: Regex,
    run_on_heading: Regex,
    inline_item: Regex,
}

/// One activity section item before extraction.
struct Item {
    title: String,
    paras: Vec<Para>,
}

impl Extractor {
    pub fn new() -> Result<Self, regex::Error> {
        let scope = "国际|国内|全国|中国|本市|本省|我省|我市|全省|全市|本区|地方|本地";
        Ok(Self {
            trad: TradTable::new(),
            s: StructRx::new()?,
            d: DateRx::new()?,
            docnum_bracket: Regex::new(
                r"[\[【〔(（［]\s*((?:19|20)[0-9]{2})\s*[\]】〕)）］]\s*([0-9]{1,5})\s*号",
            )?,
            docnum_in: Regex::new(r"〔([0-9]{4})〕|([0-9]{4})年第")?,
            number_title: Regex::new(r"^(\S{1,20}?[0-9]{4}年第[0-9]{1,4}号公告)(\S*关于\S+)$")?,
            iso_stamp: Regex::new(
                r"^\p{Han}{0,4}(?:时间|日期)\s*[:：]\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?$",
            )?,
            title_number: Regex::new(
                r"^(.{4,}?(?:通知|通报|决定|公告|通告|意见|方案|函|批复|办法))\s*[（(]\s*([^（）()\s]{0,40}?(?:〔[0-9]{4}〕[0-9]{1,5}号|[0-9]{4}年第[0-9]{1,4}号(?:公告)?))\s*[）)]$",
            )?,
            year_in: Regex::new(r"([0-9]{4})年")?,
            printed: Regex::new(r"^(.*?)([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日印发$")?,
            theme_a: Regex::new(&format!(
                r"({scope})?主题(?:确定)?(?:为|是)?(?:——|—|：)?“([^”]{{2,80}})”"
            ))?,
            theme_b: Regex::new(&format!(r"以“([^”]{{2,80}})”为({scope})?主题"))?,
            label_org: Regex::new(r"^(主办|承办|协办|指导)(?:单位)?[：:](.+)$")?,
            paren_clause: Regex::new(r"^(.+?)(?:分别|联合|共同)?(主办|承办|协办|指导)(?:单位)?$")?,
            paren_clause_colon: Regex::new(r"^(主办|承办|协办|指导)(?:单位)?[：:](.+)$")?,
            org_by: Regex::new(
                r"由([^，。；：由]{2,40}?)(?:联合([^，。；：]{2,30}?))?(?:共同)?(?:举办|主办|组织开展|组织|开展|承办|牵头|发布)",
            )?,
            org_at: Regex::new(
                r"(?:^|[。；，])([^，。；：]{2,25}?(?:局|委|会|中心|院|厅|处|政府|）))(?:联合|共同)?在([^，。；]{1,25}?)(?:举办|召开|举行)",
            )?,
            org_subject: Regex::new(
                r"(?:^|[。；，])((?:各地|各级)?[^，。；：在的]{2,20}?(?:部门|局|委|中心|协会|学会))(?:要)?(?:组织|举办)",
            )?,
            venue_at: Regex::new(
                r"在([^，。；在]{2,60}?)(?:设|举办|举行|召开|收看|观看|进行|开展|[，。；]|$)",
            )?,
            venue_label: Regex::new(r"(?:^|[，。；])(?:活动|会议|培训)?地点[：:]([^，。；]+)")?,
            aud_label: Regex::new(r"^(?:参加|参会|参训|培训|参与|出席)(?:人员|对象)$")?,
            aud_patterns: vec![
                Regex::new(
                    r"(?:参会|参加|参训|培训|参与)(?:人员|对象)(?:范围)?(?:为|是)?[：:]([^。；]+)",
                )?,
                Regex::new(r"重点培训([^，。；]+)")?,
                Regex::new(r"面向([^，。；]{2,40}?)(?:开展|举办|组织|进行|提供)")?,
                Regex::new(
                    r"向([^，。；]{2,40}?)(?:做|作)[^，。；]{0,40}?(?:讲座|报告|培训|宣讲)",
                )?,
                Regex::new(r"邀请([^，。；]{2,40}?)(?:走进|参观|参加|参与|出席)")?,
            ],
            phone: Regex::new(
                r"(?:联系电话|电话|手机|座机)[：:]?\s*(（?[0-9][0-9\-—–（）/]*[0-9](?:(?:转|或|、|/)[0-9][0-9\-]*|\s[0-9]{3}[0-9\-]*)*(?:分机)?)",
            )?,
            bare_phone: Regex::new(
                r"(?:^|[^0-9])(0[0-9]{2,3}-[0-9]{7,8}(?:转[0-9]+)?|1[3-9][0-9]{9})",
            )?,
            email: Regex::new(
                r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
            )?,
            contact_label: Regex::new(
                r"(报名|业务|技术|会务|财务|宣传|政策)?联系人(?:及联系方式|及电话)?[：:]",
            )?,
            dept_contact: Regex::new(
                r"^([\p{Han}（）]{2,30}?)[：:]([\p{Han}]{2,4}(?:、[\p{Han}]{2,4})*)[，,\s]*(?:(?:联系)?电话[：:]?)?([0-9][0-9\-—转]{6,}[0-9])",
            )?,
            relayed_cite: Regex::new(
                r"《([^》]{4,120})》（([^（）]*?〔[0-9]{4}〕[0-9]{1,5}号)([^（）]*)）",
            )?,
            attach_label: Regex::new(r"^附件([0-9]*)(?:[：:](.*))?$")?,
            length: Regex::new(r"([0-9]{2,5})字(?:左右|以内|以上|内|为宜)?")?,
            pinyin: Regex::new(r"(\p{Han})[（(]([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})[）)]")?,
            run_on_heading: Regex::new(
                r"([^0-9\s])\s+((?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）|（[0-9]{1,2}）|[0-9]{1,2}[、．]|[0-9]{1,2}\.\s?|(?:主办|承办|协办|指导)(?:单位)?：|[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日$)\s*)",
            )?,
            inline_item: Regex::new(r"[；;]\s*[0-9]{1,2}[.、．]\s*")?,
            no_paper: Regex::new(r"(?:无需|无须|不需要|不需|不用|不必)(?:报送|提交|寄送|报)?纸质")?,
            submit_verb: Regex::new(
                r"(报送至|报送到|报送|上报至|上报|提交至|提交到|提交|发送至|发送到|发送|发至|寄送至|寄送|寄至|送至|报至|反馈至|反馈到|反馈给|反馈|传真至|传真到|传真|邮寄至|邮寄到|邮寄)",
            )?,
        })
    }

    // ----- normalisation -------------------------------------------------------------

    fn lines(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        // a metadata label left empty (`来源:`) has its value on the next line
        let mut meta_value_next = false;
        for line in text.lines() {
            // table borders of a web page copied as text (`|`, `||||`)
            let line = line.trim_matches(|c: char| c == '|' || c.is_whitespace());
            let l = strip_noise_runs(&fix_entity_mojibake(&fold_line(line, &self.trad)));
            if is_debris(&l) || is_web_stamp(&l) || is_furniture(&l) {
                continue;
            }
            let l = self.pinyin.replace_all(&l, |c: &regex::Captures<'_>| {
                // a reading in parentheses after a character (`场（chǎng）`), not a list marker
                if c[2].contains(|x: char| !x.is_ascii()) {
                    c[1].to_string()
                } else {
                    c[0].to_string()
                }
            });
            let l = chinese_date_to_arabic(&l);
            let l = strip_stray_marker(&l);
            let t = l.trim_start();
            if t.is_empty() {
                out.push(String::new());
                continue;
            }
            let value_line = std::mem::take(&mut meta_value_next);
            if let Some(m) = WEB_META.iter().find(|m| {
                t.strip_prefix(*m)
                    .is_some_and(|r| r.trim_start().starts_with([':', '：']))
            }) {
                let value = t[m.len()..].trim_start_matches([' ', ':', '：']).trim();
                meta_value_next = value.is_empty();
                continue;
            }
            // a page's date under a label of its own (`时间:2024-07-03`)
            if self.iso_stamp.is_match(t.trim_end()) {
                continue;
            }
            if value_line && t.chars().count() <= 30 && !t.contains(['。', '，', '：', ':']) {
                continue;
            }
            // a page's time stamp glued to the end of a title (`…的通知发表时间:2018-09-04`)
            let t = WEB_STAMP
                .iter()
                .filter_map(|m| {
                    let at = t.find(m)?;
                    let rest = t[at + m.len()..].trim_start();
                    let value = rest.strip_prefix([':', '：'])?.trim_start();
                    (at > 0 && value.starts_with(|c: char| c.is_ascii_digit())).then_some(at)
                })
                .min()
                .map_or(t, |at| &t[..at]);
            let l = self.docnum_bracket.replace_all(t, "〔$1〕$2号");
            let l = canon_punct(&l);
            let l = collapse_spaces(&l);
            if !self.split_number_title(&l, &mut out) && !self.split_title_number(&l, &mut out) {
                self.split_run_on(&l, &mut out);
            }
        }
        out
    }

    /// A 公告's number with its title glued after it, the title maybe in an unclosed 《
    /// (`X2014年第45号公告《X关于…的公告`): number and title go on lines of their own.
    fn split_number_title(&self, line: &str, out: &mut Vec<String>) -> bool {
        let Some(c) = self.number_title.captures(line) else {
            return false;
        };
        let (Some(num), Some(title)) = (c.get(1), c.get(2)) else {
            return false;
        };
        let title = title.as_str();
        let title = match title.strip_prefix('《') {
            Some(t) => t.strip_suffix('》').unwrap_or(t),
            None => title,
        };
        if !looks_like_title(title) {
            return false;
        }
        out.push(num.as_str().to_string());
        out.push(title.to_string());
        true
    }

    /// A title with its number after it in parentheses on the same line, as reposts print
    /// it (`X关于…的通知 (认秘函〔2024〕31号)`, `…的公告 (2022年第28号)`): title and number go
    /// on lines of their own.
    fn split_title_number(&self, line: &str, out: &mut Vec<String>) -> bool {
        let Some(c) = self.title_number.captures(line) else {
            return false;
        };
        let (Some(title), Some(num)) = (c.get(1), c.get(2)) else {
            return false;
        };
        let title = title.as_str().trim();
        // (never an attachment line `附件：X（number）`, which cites another notice)
        // (nor the end of a title broken over lines: the whole title is on the line)
        if title.contains(['：', ':'])
            || !title.contains("关于")
            || !looks_like_title(&crate::normalize::squash(title))
        {
            return false;
        }
        out.push(title.to_string());
        out.push(num.as_str().to_string());
        true
    }

    /// A notice pasted as one long line (a web page's text without its breaks): the
    /// salutation, each heading or organiser label after a space, and a closing date start
    /// their own line again; a short heading followed by a space ends its line.
    fn split_run_on(&self, line: &str, out: &mut Vec<String>) {
        let mut rest = line;
        // 主送 glued to the first paragraph (`各单位： 为做好…`)
        if let Some((head, tail)) = rest.split_once('：') {
            let h: String = head.split_whitespace().collect();
            if tail.chars().count() > 20 && crate::locate::is_salutation(&self.s, &format!("{h}："))
            {
                let head = head.trim_end();
                // the title before it, after a space (`X关于…的通知 各单位： 为做好…`)
                match head.rsplit_once(char::is_whitespace) {
                    Some((title, sal))
                        if looks_like_title(&crate::normalize::squash(title))
                            && title.contains("关于")
                            && !sal.trim().is_empty() =>
                    {
                        out.push(title.trim().to_string());
                        out.push(format!("{}：", sal.trim()));
                    }
                    _ => out.push(format!("{head}：")),
                }
                rest = tail.trim_start();
            }
        }
        if rest.chars().count() < 150 {
            out.push(rest.to_string());
            return;
        }
        let mut from = 0;
        for m in self.run_on_heading.captures_iter(rest) {
            let (Some(end), Some(h)) = (m.get(1), m.get(2)) else {
                continue;
            };
            if end.end() < from {
                continue;
            }
            push_piece(out, &rest[from..end.end()]);
            from = h.start();
            // a short heading followed by a space is a heading line of its own
            if let Some(k) = run_on_heading_text_end(&rest[h.end()..]) {
                push_piece(out, &rest[from..h.end() + k]);
                from = h.end() + k;
            }
        }
        push_piece(out, &rest[from..]);
    }

    pub fn parse(&self, text: &str) -> Notice {
        let lines = self.lines(text);
        let lines = crate::locate::document_lines(&self.s, &lines);
        let paras = self.s.paragraphs(&lines);
        // 版记: belongs to the main notice wherever it stands (it ends the whole document,
        // after the attachments).
        let mut banji: Vec<Para> = Vec::new();
        let mut rest: Vec<Para> = Vec::new();
        for (i, p) in paras.iter().enumerate() {
            let t = p.text.as_str();
            let is_banji = p.level == 0
                && (t.starts_with("公开方式")
                    || t.starts_with("公开属性")
                    || t.starts_with("抄送")
                    || t.starts_with("校对")
                    || (t.ends_with("印发") && self.printed.is_match(t))
                    || (paras.get(i + 1).is_some_and(|n| {
                        self.printed
                            .captures(&n.text)
                            .is_some_and(|c| c.get(1).is_some_and(|x| x.as_str().trim().is_empty()))
                    }) && is_short_org_line(t)));
            if is_banji {
                banji.push(p.clone());
            } else {
                rest.push(p.clone());
            }
        }
        self.parse_doc(&rest, &banji, YearCtx::default())
    }

    // ----- document level ------------------------------------------------------------

    /// Indices where notices attached after the 附件 list start.
    fn attached_starts(&self, paras: &[Para]) -> Vec<usize> {
        let Some(a) = paras.iter().position(|p| self.is_attach_label(p)) else {
            return Vec::new();
        };
        let mut starts = Vec::new();
        let mut k = a + 1;
        while k < paras.len() {
            let t = &paras[k].text;
            let header = self.s.is_docnum(t) || (t.ends_with("文件") && is_short_org_line(t));
            if header {
                let mut s = k;
                // back up over issuer lines and a bare 附件 line
                while s > a + 1 && s + 2 >= k {
                    let prev = &paras[s - 1];
                    if (is_short_org_line(&prev.text)
                        && prev.level == 0
                        && !self.s.is_docnum(&prev.text))
                        || self
                            .attach_label
                            .captures(&prev.text)
                            .is_some_and(|c| c.get(2).is_none())
                    {
                        s -= 1;
                    } else {
                        break;
                    }
                }
                if starts.last().is_none_or(|&l| s > l + 2) {
                    starts.push(s);
                }
                k += 1;
                // skip this notice's own header
                while k < paras.len()
                    && (self.s.is_docnum(&paras[k].text) || paras[k].text.ends_with("文件"))
                {
                    k += 1;
                }
                continue;
            }
            k += 1;
        }
        starts
    }

    fn is_attach_label(&self, p: &Para) -> bool {
        p.level == 0 && p.text.starts_with("附件") && self.attach_label.is_match(&p.text)
    }

    fn parse_doc(&self, paras: &[Para], banji: &[Para], parent: YearCtx) -> Notice {
        let starts = self.attached_starts(paras);
        let own_end = starts.first().copied().unwrap_or(paras.len());
        let own = &paras[..own_end];
        let mut n = Notice::default();

        // header
        let mut i = 0;
        while i < own.len() && i < 6 {
            let t = own[i].text.as_str();
            if own[i].level != 0 {
                break;
            }
            if t.ends_with("文件") && is_short_org_line(t) {
                let name = t.trim_end_matches("文件").trim_end_matches("联合");
                if !name.is_empty() {
                    n.issuer.push(name.to_string());
                }
                i += 1;
                continue;
            }
            if self.s.is_docnum(t) && n.document_number.is_none() {
                let num = t.split("签发人").next().unwrap_or(t).trim();
                n.document_number = Some(num.to_string());
                i += 1;
                continue;
            }
            if n.document_number.is_none()
                && is_short_org_line(t)
                && own.get(i + 1).is_some_and(|p| {
                    self.s.is_docnum(&p.text)
                        || p.text.ends_with("文件") && is_short_org_line(&p.text)
                })
            {
                n.issuer.push(t.to_string());
                i += 1;
                continue;
            }
            break;
        }
        if let Some(p) = own.get(i)
            && p.level == 0
            && looks_like_title(&p.text)
        {
            n.title = Some(p.text.clone());
            i += 1;
            // reposts print the title first and the number on its own line below it
            if n.document_number.is_none()
                && let Some(p) = own.get(i)
                && self.s.is_docnum(&p.text)
            {
                let num = p.text.split("签发人").next().unwrap_or(&p.text).trim();
                n.document_number = Some(num.to_string());
                i += 1;
            }
        }
        if let Some(p) = own.get(i) {
            let t = p.text.as_str();
            if p.level == 0 && crate::locate::is_salutation(&self.s, t) {
                // (a copy's doubled punctuation leaves a group starting with `、`)
                n.recipients = split_top(t.trim_end_matches('：'), &['，', '；'])
                    .into_iter()
                    .map(|r| r.trim_start_matches(['、', '，']).to_string())
                    .filter(|r| !r.is_empty())
                    .collect();
                i += 1;
            }
        }
        let body: Vec<Para> = own[i..].to_vec();
        for p in &body {
            if let Some(r) = p.text.strip_prefix("主送：") {
                n.recipients = split_top(r.trim_end_matches('。'), &['，', '；', '、']);
            }
        }
        if n.issuer.is_empty()
            && let Some(t) = &n.title
            && let Some((pre, _)) = t.split_once("关于")
            && !pre.is_empty()
            && ORG_SUFFIXES.iter().any(|s| pre.ends_with(s))
        {
            // `X转发Y关于…`: X issues the relay
            let pre = match pre.split_once("转发") {
                Some((x, _)) if ORG_SUFFIXES.iter().any(|s| x.ends_with(s)) => x,
                _ => pre,
            };
            n.issuer = split_top(pre, &['、']);
        }

        // signature and 版记
        let mut sign_date: Option<(i32, u32, u32)> = None;
        for p in &body {
            let t = p.text.trim_start_matches("成文日期：");
            if p.level == 0
                && self.s.is_date_line(&p.text)
                && !p.text.ends_with("印发")
                && let Some(d) = self.d.dates(t).first()
                && let crate::dates::YearSpec::Explicit(y) = d.date.year
            {
                sign_date = Some((y, d.date.month, d.date.day));
            }
        }
        let mut printed: Option<(i32, u32, u32)> = None;
        for p in banji {
            if let Some(c) = self.printed.captures(&p.text) {
                let y = c.get(2).and_then(|x| x.as_str().parse().ok());
                let m = c.get(3).and_then(|x| x.as_str().parse().ok());
                let d = c.get(4).and_then(|x| x.as_str().parse().ok());
                if let (Some(y), Some(m), Some(d)) = (y, m, d)
                    && crate::dates::valid_md(m, d)
                {
                    printed = Some((y, m, d));
                }
            }
            if let Some(v) = label_value(&p.text, &["公开方式", "公开属性"]) {
                n.publication = Some(v.trim_end_matches('。').to_string());
            }
            if let Some(v) = label_value(&p.text, &["抄送"]) {
                n.cc = split_top(v.trim_end_matches('。'), &['，', '、', '；']);
            }
        }
        if n.publication.is_none() {
            n.publication = body.iter().find_map(|p| {
                let t = p.text.strip_prefix('（')?.strip_suffix('）')?;
                t.starts_with("此件").then(|| t.to_string())
            });
        }
        let issue = sign_date.or(printed);
        n.issue_date = issue.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));

        // year context
        let year = n
            .document_number
            .as_deref()
            .and_then(|d| self.docnum_in.captures(d))
            .and_then(|c| c.get(1).or(c.get(2))?.as_str().parse().ok())
            .or(issue.map(|x| x.0))
            .or_else(|| {
                n.title
                    .as_deref()
                    .and_then(|t| self.year_in.captures(t))
                    .and_then(|c| c.get(1)?.as_str().parse().ok())
            })
            .or(parent.year);
        let ctx = YearCtx {
            year,
            issue_month: issue.map(|x| x.1),
        };

        // content paragraphs: drop signature lines and publication notes
        let signature_line = |k: usize| {
            body.get(k)
                .is_some_and(|p| p.level == 0 && self.s.is_date_line(&p.text))
                || (body
                    .get(k)
                    .is_some_and(|p| p.level == 0 && is_short_org_line(&p.text))
                    && body
                        .get(k + 1)
                        .is_some_and(|p| p.level == 0 && self.s.is_date_line(&p.text)))
        };
        let content: Vec<Para> = body
            .iter()
            .enumerate()
            .filter(|(k, p)| {
                !(signature_line(*k)
                    || (p.level == 0 && p.text.starts_with("（此件") && p.text.ends_with('）')))
            })
            .map(|(_, p)| p.clone())
            .collect();

        let mut warnings: Vec<String> = Vec::new();
        n.themes = self.themes(&content);
        n.activities = self.activities(&content, ctx);
        n.deadlines = self.deadlines(&content, ctx);
        let debug = self.debug_sessions(&content, ctx);
        attach_debug(&mut n.activities, debug, &mut warnings);
        n.contacts = self.contacts(&content);
        n.attachments = self.attachments(&content);
        n.relayed = self.relayed(&content, n.title.as_deref(), &n.attachments);

        // warnings
        let mut w: Vec<String> = Vec::new();
        if n.document_number.is_none() {
            w.push("no_document_number".into());
        }
        if n.issue_date.is_none() {
            w.push("no_issue_date".into());
        }
        for p in &content {
            for h in self.d.dates(&p.text) {
                let s = format!("date_missing_day: {}", h.text);
                if h.missing_day && !w.contains(&s) {
                    w.push(s);
                }
                if ctx.year.is_none() && !matches!(h.date.year, crate::dates::YearSpec::Explicit(_))
                {
                    let s = format!("year_unknown: {}", h.text);
                    if !w.contains(&s) {
                        w.push(s);
                    }
                }
            }
        }
        w.extend(warnings);
        n.warnings = w;

        // attached notices
        for (k, &s) in starts.iter().enumerate() {
            let e = starts.get(k + 1).copied().unwrap_or(paras.len());
            let sub = &paras[s..e];
            // skip a bare 附件 line in front
            let sub = match sub.first() {
                Some(p)
                    if self
                        .attach_label
                        .captures(&p.text)
                        .is_some_and(|c| c.get(2).is_none()) =>
                {
                    &sub[1..]
                }
                _ => sub,
            };
            n.attached_notices.push(self.parse_doc(sub, &[], ctx));
        }
        n
    }

    // ----- themes --------------------------------------------------------------------

    fn themes(&self, paras: &[Para]) -> Vec<Theme> {
        let mut found: Vec<(usize, usize, Theme)> = Vec::new();
        for (pi, p) in paras.iter().enumerate() {
            let t = &p.text;
            if !t.contains("主题") {
                continue;
            }
            for c in self.theme_a.captures_iter(t) {
                let (Some(m), Some(x)) = (c.get(0), c.get(2)) else {
                    continue;
                };
                if t[m.end()..].starts_with('的') {
                    continue;
                }
                // `2020年全国“质量月”活动的主题是…`: the campaign's scope qualifies its theme
                let scope = c.get(1).map(|s| s.as_str()).or_else(|| {
                    let clause = t[..m.start()].rsplit(['，', '。', '；']).next()?;
                    let clause = clause.trim_start_matches(|c: char| c.is_ascii_digit());
                    let clause = clause.strip_prefix('年').unwrap_or(clause);
                    if !clause.ends_with('的') {
                        return None;
                    }
                    THEME_SCOPES.iter().copied().find(|w| clause.starts_with(w))
                });
                found.push((
                    pi,
                    m.start(),
                    Theme {
                        text: x.as_str().to_string(),
                        scope: scope_of(scope),
                    },
                ));
            }
            for c in self.theme_b.captures_iter(t) {
                let (Some(m), Some(x)) = (c.get(0), c.get(1)) else {
                    continue;
                };
                if t[m.end()..].starts_with('的') {
                    continue;
                }
                found.push((
                    pi,
                    m.start(),
                    Theme {
                        text: x.as_str().to_string(),
                        scope: scope_of(c.get(2).map(|s| s.as_str())),
                    },
                ));
            }
        }
        // a heading 活动主题 (国际主题, 国内主题 …) with the theme on its own line below it
        for (pi, p) in paras.iter().enumerate() {
            let Some(h) = p.heading_only() else {
                continue;
            };
            let Some(pre) = h.strip_suffix("主题").or_else(|| h.strip_suffix("主题：")) else {
                continue;
            };
            let Some(next) = paras.get(pi + 1) else {
                continue;
            };
            let t = next.text.trim_matches(['“', '”']);
            let n = t.chars().count();
            if next.level == 0 && (4..=40).contains(&n) && !t.contains(['。', '：', '，']) {
                let pre = pre.trim_start_matches("活动").trim_start_matches("宣传");
                let scope = ["国际", "国内", "全国", "中国"]
                    .into_iter()
                    .find(|w| pre.starts_with(w));
                found.push((
                    pi + 1,
                    0,
                    Theme {
                        text: t.to_string(),
                        scope: scope.and_then(|w| scope_of(Some(w))),
                    },
                ));
            }
        }
        found.sort_by_key(|(p, s, _)| (*p, *s));
        let mut out: Vec<Theme> = Vec::new();
        for (_, _, th) in found {
            if !out.contains(&th) {
                out.push(th);
            }
        }
        out
    }

    // ----- activities ----------------------------------------------------------------

    fn items(&self, paras: &[Para]) -> Vec<Item> {
        // sections
        let mut sections: Vec<(String, Vec<Para>)> = Vec::new();
        for p in paras {
            if p.level == 1 {
                let title = p
                    .heading_only()
                    .map_or_else(|| first_sentence(&p.content), str::to_string);
                sections.push((title, Vec::new()));
            } else if self.is_attach_label(p) {
                // the attachment list ends the last section
                sections.push((String::new(), Vec::new()));
            } else if let Some((_, v)) = sections.last_mut() {
                v.push(p.clone());
            }
        }
        let mut items = Vec::new();
        for (title, ps) in sections {
            if !is_activity_section(&title) {
                continue;
            }
            let level = if ps.iter().any(|p| p.level == 2) {
                2
            } else {
                3
            };
            let mut cur: Option<Item> = None;
            for p in ps {
                if p.level == level {
                    if let Some(it) = cur.take() {
                        items.push(it);
                    }
                    let (t, rest) = match p.heading_only() {
                        Some(h) => (h.trim_end_matches('；').to_string(), None),
                        None => item_title(&p.content),
                    };
                    let mut it = Item {
                        title: t,
                        paras: Vec::new(),
                    };
                    if let Some(r) = rest.filter(|r| !r.is_empty()) {
                        it.paras.push(Para {
                            text: r.clone(),
                            raw: r.clone(),
                            level: 0,
                            content: r.clone(),
                            raw_content: r,
                        });
                    }
                    cur = Some(it);
                } else if let Some(it) = cur.as_mut() {
                    it.paras.push(p);
                }
            }
            if let Some(it) = cur.take() {
                items.push(it);
            }
        }
        items
    }

    fn activities(&self, paras: &[Para], ctx: YearCtx) -> Vec<Activity> {
        self.items(paras)
            .into_iter()
            .filter(|it| !it.title.is_empty())
            .map(|it| self.activity(it, ctx))
            .collect()
    }

    fn activity(&self, it: Item, ctx: YearCtx) -> Activity {
        let mut a = Activity {
            title: it.title.clone(),
            ..Default::default()
        };
        a.kind = ACTIVITY_KINDS
            .iter()
            .find(|(_, kws)| kws.iter().any(|k| it.title.contains(k)))
            .map(|(k, _)| (*k).to_string());
        let texts: Vec<&str> = it.paras.iter().map(|p| p.text.as_str()).collect();
        let all = format!("{}。{}", it.title, texts.join("\n"));

        // organisers
        let mut org = Organizers::default();
        for p in &it.paras {
            if let Some(c) = self.label_org.captures(&p.text)
                && let (Some(r), Some(v)) = (c.get(1), c.get(2))
            {
                push_role(
                    &mut org,
                    r.as_str(),
                    split_orgs(v.as_str().trim_end_matches('。')),
                );
            }
            for g in if p.text.contains('（') {
                paren_groups(&p.text)
            } else {
                Vec::new()
            } {
                let clauses = split_top(g, &['，', '；']);
                let mut parsed = Vec::new();
                for cl in &clauses {
                    if let Some(c) = self.paren_clause_colon.captures(cl)
                        && let (Some(r), Some(v)) = (c.get(1), c.get(2))
                    {
                        parsed.push((r.as_str().to_string(), split_orgs(v.as_str())));
                        continue;
                    }
                    if let Some(c) = self.paren_clause.captures(cl)
                        && let (Some(v), Some(r)) = (c.get(1), c.get(2))
                    {
                        parsed.push((r.as_str().to_string(), split_orgs(v.as_str())));
                        continue;
                    }
                    break;
                }
                if !clauses.is_empty() && parsed.len() == clauses.len() {
                    for (r, v) in parsed {
                        push_role(&mut org, &r, v);
                    }
                }
            }
        }
        a.organizers = org;
        let (by, places) = self.organized_by(&it.paras);
        if a.organizers.is_empty() {
            a.organized_by = by;
        }

        self.schedule(&mut a, &it.title, &texts, ctx);

        // venues
        let mut venues: Vec<String> = Vec::new();
        for p in &texts {
            for c in self
                .venue_at
                .captures_iter(if p.contains('在') { p } else { "" })
            {
                if let Some(x) = c.get(1) {
                    for part in split_and(x.as_str()) {
                        if VENUE_NOUNS.iter().any(|v| part.ends_with(v)) {
                            venues.push(part);
                        }
                    }
                }
            }
            for c in self
                .venue_label
                .captures_iter(if p.contains("地点") { p } else { "" })
            {
                if let Some(x) = c.get(1) {
                    venues.push(x.as_str().trim().to_string());
                }
            }
        }
        // a city or a place without a room (`在北京举办`) when no room is named
        if venues.is_empty() {
            venues = places;
        }
        dedup(&mut venues);
        a.venues = venues;

        // mode
        let modes: [(&str, &[&str]); 4] = [
            ("online", &["线上", "网上", "在线", "云端"]),
            ("offline", &["线下", "现场", "实地"]),
            ("livestream", &["直播"]),
            (
                "video_conference",
                &["视频会议", "视频连线", "电视电话会议"],
            ),
        ];
        a.mode = modes
            .iter()
            .filter(|(_, kws)| kws.iter().any(|k| all.contains(k)))
            .map(|(m, _)| (*m).to_string())
            .collect();

        // audience
        a.audience = self.audience(&it.paras);
        a
    }

    /// Organisations named as running an activity without a label, and the places where
    /// they run it: `由X(联合Y)举办`, `X(联合)在P举办`; failing those, the subject of
    /// `X组织…` (`各地市场监管部门组织有条件的机构…`).
    fn organized_by(&self, paras: &[Para]) -> (Vec<String>, Vec<String>) {
        let mut by: Vec<String> = Vec::new();
        let mut places: Vec<String> = Vec::new();
        for p in paras {
            for c in self
                .org_by
                .captures_iter(if p.text.contains('由') { &p.text } else { "" })
            {
                for g in [c.get(1), c.get(2)].into_iter().flatten() {
                    by.extend(split_orgs(g.as_str()));
                }
            }
            for c in self
                .org_at
                .captures_iter(if p.text.contains('在') { &p.text } else { "" })
            {
                let place = c.get(2).map_or("", |x| x.as_str());
                if ["收看", "观看", "参加", "的"]
                    .iter()
                    .any(|w| place.contains(w))
                {
                    continue;
                }
                if let Some(x) = c.get(1) {
                    by.extend(split_orgs(x.as_str()));
                }
                // `在线上举办` names a mode, not a place
                if !["线上", "网上", "云端", "线下"]
                    .iter()
                    .any(|w| place.contains(w))
                {
                    places.push(place.to_string());
                }
            }
        }
        if by.is_empty() {
            for p in paras {
                for c in self.org_subject.captures_iter(&p.text) {
                    if let Some(x) = c.get(1) {
                        by.extend(split_orgs(x.as_str()));
                    }
                }
            }
        }
        dedup(&mut by);
        (by, places)
    }

    /// The first date, time or period of an item that is not a deadline or a test run; a
    /// date given first without its time (`6月9日上午，…`) takes the time of a later mention
    /// (`6月9日（周三）上午10:00—11:10`). Without any, a named period (`“质量月”期间`).
    fn schedule(&self, a: &mut Activity, title: &str, texts: &[&str], ctx: YearCtx) {
        let clauses: Vec<String> = std::iter::once(title)
            .chain(texts.iter().copied())
            .flat_map(|p| p.split(['。', '；']))
            .flat_map(|sentence| split_top(sentence, &['，']))
            .filter(|c| !c.contains("调试"))
            .collect();
        for (k, clause) in clauses.iter().enumerate() {
            let period = self.d.first_period(clause);
            let first_date = self
                .d
                .dates(clause)
                .into_iter()
                .find(|h| !is_deadline_at(clause, h));
            match (period, first_date) {
                (Some(pd), fd) if fd.as_ref().is_none_or(|d| pd.start <= d.start) => {
                    if is_deadline_tail(&clause[pd.start + pd.text.len()..]) {
                        continue;
                    }
                    a.date = ctx.iso(pd.from);
                    a.end_date = ctx.iso(pd.to);
                    a.period_text = Some(pd.text.clone());
                    return;
                }
                (_, Some(d)) => {
                    a.date = ctx.iso(d.date);
                    let time = self.d.time_at(&clause[d.end..]).or_else(|| {
                        clauses[k + 1..].iter().find_map(|c| {
                            let h = self.d.dates(c).into_iter().find(|h| h.date == d.date)?;
                            self.d.time_at(&c[h.end..])
                        })
                    });
                    if let Some(t) = time {
                        a.start_time = Some(fmt_time(t.start));
                        a.end_time = t.end.map(fmt_time);
                    }
                    return;
                }
                _ => {}
            }
        }
        a.period_text = clauses.iter().find(|c| is_named_period(c)).cloned();
    }

    fn audience(&self, paras: &[Para]) -> Option<String> {
        // a sub-heading 参加人员 with its block
        for (i, p) in paras.iter().enumerate() {
            if p.level >= 3 && p.heading_only().is_some_and(|h| self.aud_label.is_match(h)) {
                let block: Vec<&str> = paras[i + 1..]
                    .iter()
                    .take_while(|q| q.level == 0 || q.level > p.level)
                    .map(|q| q.text.as_str())
                    .collect();
                if !block.is_empty() {
                    return Some(block.join("\n"));
                }
            }
        }
        for p in paras {
            let mut best: Option<(usize, String)> = None;
            if !p.text.contains(['员', '象', '培', '向']) {
                continue;
            }
            for rx in &self.aud_patterns {
                if let Some(c) = rx.captures(&p.text)
                    && let (Some(m), Some(x)) = (c.get(0), c.get(1))
                    && best.as_ref().is_none_or(|(s, _)| m.start() < *s)
                {
                    best = Some((m.start(), x.as_str().trim().to_string()));
                }
            }
            if let Some((_, s)) = best {
                return Some(s);
            }
        }
        None
    }

    // ----- deadlines -----------------------------------------------------------------

    fn deadlines(&self, paras: &[Para], ctx: YearCtx) -> Vec<Deadline> {
        let mut out = Vec::new();
        for p in paras {
            let body = if p.level > 0 {
                p.content.as_str()
            } else {
                p.text.as_str()
            };
            if !body.contains('月') {
                continue;
            }
            for sentence in body.split(['。', '；']) {
                let clauses = split_top(sentence, &['，']);
                let has_deadline = |c: &str| {
                    !c.contains("调试") && self.d.dates(c).iter().any(|h| is_deadline_at(c, h))
                };
                for (ci, clause) in clauses.iter().enumerate() {
                    if is_condition(clause) || clause.contains("调试") {
                        continue;
                    }
                    let hits: Vec<(DateHit, Option<String>)> = self
                        .d
                        .dates(clause)
                        .into_iter()
                        .filter(|h| is_deadline_at(clause, h))
                        .map(|h| {
                            let time = self.d.time_at(&clause[h.end..]).map(|t| fmt_time(t.start));
                            (h, time)
                        })
                        .collect();
                    let hits = if hits.is_empty() {
                        self.window_end(&clauses, ci)
                            .map(|h| vec![(h, None)])
                            .unwrap_or_default()
                    } else {
                        hits
                    };
                    for (h, time) in hits {
                        // the task runs to the end of the sentence or to the next deadline
                        let end = (ci + 1..clauses.len())
                            .find(|&k| has_deadline(&clauses[k]))
                            .unwrap_or(clauses.len());
                        let task = clauses[ci..end].join("，");
                        let lead = clauses[..ci].join("，");
                        out.push(self.deadline(&task, &lead, h, time, ctx));
                    }
                }
            }
        }
        out
    }

    /// The end of a window that closes submissions: `期限为8月6日至9月5日`, or a window
    /// followed by `逾期不予受理` in the same sentence. The end is given as a date hit.
    fn window_end(&self, clauses: &[String], ci: usize) -> Option<DateHit> {
        let clause = &clauses[ci];
        // (a 有效期限 is how long something stays valid, not a window for submissions)
        let closes = (clause.contains("期限") && !clause.contains("有效"))
            || clauses[ci + 1..].iter().any(|c| c.starts_with("逾期"));
        if !closes {
            return None;
        }
        let pd = self.d.first_period(clause)?;
        Some(DateHit {
            start: pd.start,
            end: pd.start + pd.text.len(),
            date: pd.to,
            missing_day: false,
            text: pd.text,
        })
    }

    /// One deadline: its task, what is to be handed in (`materials`), where to
    /// (`submit_to`), its length and whether a paper copy is asked for. `lead` is the part of
    /// the sentence before the task, which may name the materials and their destination
    /// (`…将X邮寄至Y，截止日期为…`, `向Y提交X的，请于…前…`).
    fn deadline(
        &self,
        task: &str,
        lead: &str,
        h: DateHit,
        time: Option<String>,
        ctx: YearCtx,
    ) -> Deadline {
        let mut d = Deadline {
            date: ctx.iso(h.date),
            time,
            task: task.to_string(),
            ..Default::default()
        };
        d.length_chars = self
            .length
            .captures(task)
            .and_then(|c| c.get(1)?.as_str().parse().ok());
        let at = task.find(&h.text);
        let after_date = at.map_or(task, |i| &task[i + h.text.len()..]);
        let before = at.map_or("", |i| &task[..i]);
        let (materials, target) = self.materials_target(after_date, topic_before(before));
        let (mut materials, mut target) = (non_blank(materials), non_blank(target));
        let mut asked = task.to_string();
        if materials.is_none() && target.is_none() && !lead.is_empty() {
            (materials, target) = self.lead_materials_target(lead);
            if materials.is_some() || target.is_some() {
                asked = format!("{lead}，{task}");
            }
        }
        // what is handed in named earlier in the sentence: `提出X，于…前反馈Y`, or a lead
        // that is only a noun phrase (`各单位开展工作的情况和特色做法，请在…前报送Y`)
        let mut lead_items: Option<String> = None;
        if materials.is_none() && !lead.is_empty() {
            lead_items = proposed_items(lead).or_else(|| {
                let last = lead.rsplit('，').next().unwrap_or("");
                (ends_like_material(last) && !has_lead_verb(last)).then(|| last.to_string())
            });
        }
        if asked.contains("纸质") || PAPER_WORDS.iter().any(|w| asked.contains(w)) {
            d.paper_copy = Some(!self.no_paper.is_match(&asked));
        }
        if let Some(m) = materials {
            d.materials = material_list(m);
        } else if let Some(m) = lead_items {
            d.materials = material_list(&m);
        }
        if let Some(t) = target {
            let t = t
                .split(['，', '。', '；'])
                .next()
                .unwrap_or("")
                .trim_start_matches(['至', '到', '给']);
            // (a note on how to send it: `质量处（电子版发至邮箱）`)
            let t = match last_top_level_open(t) {
                Some(k) if k > 0 && t.ends_with('）') => &t[..k],
                _ => t,
            };
            let t = t.trim();
            if !t.is_empty() {
                d.submit_to = Some(t.to_string());
            }
        }
        d
    }

    /// Materials and destination in the text after a deadline's date: `将X报送至Y`,
    /// `报送X至Y`, `反馈Y`, or the `topic` named before the date.
    fn materials_target<'a>(
        &self,
        after_date: &'a str,
        topic: Option<&'a str>,
    ) -> (Option<&'a str>, Option<&'a str>) {
        if let Some(j) = after_date.find('将') {
            let tail = &after_date[j + '将'.len_utf8()..];
            return match self.submit_verb.find(tail) {
                Some(v) => (Some(&tail[..v.start()]), Some(&tail[v.end()..])),
                None => (None, None),
            };
        }
        let Some(v) = self.submit_verb.find(after_date) else {
            return (topic, None);
        };
        let tail = &after_date[v.end()..];
        // `向Y报送X`: Y is whom it goes to, X what
        if let Some(k) = after_date[..v.start()].rfind('向') {
            let to = &after_date[k + '向'.len_utf8()..v.start()];
            if !to.is_empty() && !to.contains(['，', '。']) {
                let m = with_further_items(tail);
                return ((!m.is_empty()).then_some(m).or(topic), Some(to));
            }
        }
        // 反馈 names whom it goes to (`反馈国家市场监督管理总局`)
        if v.as_str().ends_with(['至', '到', '给']) || v.as_str() == "反馈" {
            (topic, Some(tail))
        } else {
            match tail.find(['至', '到']) {
                Some(k) => (Some(&tail[..k]), Some(&tail[k + '至'.len_utf8()..])),
                // `报送市局价监科、两反科`: offices are whom it goes to, not what
                None if names_offices(tail) => (topic, Some(tail)),
                None => (Some(tail), None),
            }
        }
    }

    /// Materials and destination named in the part of a sentence before its deadline:
    /// `将X报送至Y`, `向Y提交X的`, or what is being collected (`征求意见`).
    fn lead_materials_target<'a>(&self, lead: &'a str) -> (Option<&'a str>, Option<&'a str>) {
        if lead.contains('将') {
            let (m, t) = self.materials_target(lead, None);
            if m.is_some() {
                return (m, t);
            }
        }
        if let Some(k) = lead.rfind('向') {
            let rest = &lead[k + '向'.len_utf8()..];
            if let Some(v) = self.submit_verb.find(rest)
                && v.start() > 0
            {
                let m = rest[v.end()..].trim_end_matches('的');
                let m = m.split('，').next().unwrap_or("");
                return ((!m.is_empty()).then_some(m), Some(&rest[..v.start()]));
            }
        }
        let last = lead.rsplit('，').next().unwrap_or("");
        let collected = ["征求", "征集", "收集"].iter().find_map(|w| {
            let k = last.rfind(w)?;
            Some(&last[k + w.len()..])
        });
        (collected.filter(|m| ends_like_material(m)), None)
    }

    fn debug_sessions(&self, paras: &[Para], ctx: YearCtx) -> Vec<(String, DebugSession)> {
        let mut out = Vec::new();
        for p in paras {
            let body = if p.level > 0 {
                p.content.as_str()
            } else {
                p.text.as_str()
            };
            if !body.contains("调试") {
                continue;
            }
            for sentence in body.split(['。', '；']) {
                for clause in split_top(sentence, &['，']) {
                    if !clause.contains("调试") {
                        continue;
                    }
                    if let Some(h) = self.d.dates(&clause).into_iter().next() {
                        let time = self.d.time_at(&clause[h.end..]).map(|t| fmt_time(t.start));
                        let subject = clause[..h.start].to_string();
                        out.push((
                            subject,
                            DebugSession {
                                date: ctx.iso(h.date),
                                time,
                                note: clause.clone(),
                            },
                        ));
                    }
                }
            }
        }
        out
    }

    // ----- contacts ------------------------------------------------------------------

    fn contacts(&self, paras: &[Para]) -> Vec<Contact> {
        let mut out: Vec<Contact> = Vec::new();
        let mut i = 0;
        while i < paras.len() {
            let p = &paras[i];
            if let Some((role, end)) = self.contact_label_at(p) {
                let rest = p.text[end..].trim_end_matches(['）', '。']).trim();
                if rest.is_empty() {
                    // a list of contacts follows
                    i += 1;
                    let mut group_start = out.len();
                    while i < paras.len() {
                        let q = &paras[i];
                        if self.is_phone_line(&q.text) {
                            self.fill_phone_email(&mut out[group_start..], &q.text);
                            i += 1;
                            continue;
                        }
                        if let Some(group) = name_number_entries(&q.raw) {
                            out.extend(group.into_iter().map(|g| Contact {
                                role: role.clone(),
                                ..g
                            }));
                            i += 1;
                            continue;
                        }
                        match self.entry(&q.raw_content, &q.content) {
                            Some(mut group) => {
                                for g in &mut group {
                                    if g.role.is_none() {
                                        g.role = role.clone();
                                    }
                                }
                                group_start = out.len();
                                out.extend(group);
                                self.fill_phone_email(&mut out[group_start..], &q.content);
                                i += 1;
                            }
                            None => break,
                        }
                    }
                    continue;
                }
                // inline: 联系人：A、B，联系电话：…，电子邮箱：…
                let raw_rest = p.raw.find("联系人").map_or("", |k| &p.raw[k..]);
                let raw_rest = raw_rest.split_once(['：', ':']).map_or("", |x| x.1).trim();
                let names_part = cut_before_digit(cut_before_any(rest, &NAME_STOPS));
                let raw_names = cut_before_digit(cut_before_any(raw_rest, &NAME_STOPS));
                // a number right after the names, without a label (`邱枫 027—59811837`)
                let number_after = leading_number_run(&rest[names_part.len()..]);
                let (org, mut names) = match raw_names.trim().rsplit_once(' ') {
                    // names spaced apart (`徐闽阳 马鹏飞`), not an organisation and a name
                    Some((o, _)) if valid_names(o) && !ends_with_org(o) => {
                        (None, raw_names.trim().to_string())
                    }
                    Some((o, nm)) if valid_names(nm) => {
                        (Some(o.trim().to_string()), nm.to_string())
                    }
                    // `科技司董丽丽`: the office glued to the name
                    _ => match split_glued_org(names_part) {
                        Some((o, nm)) => (Some(o.to_string()), nm.to_string()),
                        None => (None, names_part.to_string()),
                    },
                };
                // more names after a comma (`史小妹，钟志雄`), and a bare number after them
                let mut more = rest.split('，').skip(1);
                let mut bare_phone = number_after;
                for piece in more.by_ref() {
                    let piece = piece.trim();
                    if org.is_none() && valid_names(piece) && !ends_with_org(piece) {
                        names.push('、');
                        names.push_str(piece);
                        continue;
                    }
                    let digits = piece.chars().filter(char::is_ascii_digit).count();
                    if digits >= 7 && piece.chars().all(|c| c.is_ascii_digit() || c == '-') {
                        bare_phone.get_or_insert(piece);
                    }
                    break;
                }
                // the office in parentheses after the name (`张三（认证处）`)
                let org = org.or_else(|| {
                    let after = rest[names_part.len()..].strip_prefix('（')?;
                    let office = &after[..after.find('）')?];
                    (is_short_org_line(office) && ends_with_org(office)).then(|| office.to_string())
                });
                // the organisation before the label (`北京市标准化研究院联系人：…`), or on a
                // `单位：` line just above it
                let org = org.or_else(|| {
                    let base = if p.level > 0 { &p.content } else { &p.text };
                    let lead = &base[..self.contact_label.find(base)?.start()];
                    (is_short_org_line(lead) && ORG_SUFFIXES.iter().any(|s| lead.ends_with(s)))
                        .then(|| lead.to_string())
                });
                let org = org.or_else(|| {
                    paras[i.saturating_sub(3)..i].iter().rev().find_map(|q| {
                        // (a 单位 line may be joined to the address lines above it)
                        let k = q.text.rfind("单位：")?;
                        let prev = q.text[..k].chars().next_back();
                        if prev.is_some_and(is_han) {
                            return None;
                        }
                        let v = q.text[k + "单位：".len()..].trim_end_matches('。');
                        (is_short_org_line(v) && ORG_SUFFIXES.iter().any(|s| v.ends_with(s)))
                            .then(|| v.to_string())
                    })
                });
                let start = out.len();
                for name in split_names(&names) {
                    out.push(Contact {
                        name: Some(name),
                        org: org.clone(),
                        phone: None,
                        email: None,
                        role: role.clone(),
                    });
                }
                if out.len() > start {
                    if let Some(ph) = number_after {
                        for c in &mut out[start..] {
                            c.phone = Some(ph.to_string());
                        }
                    }
                    self.fill_phone_email(&mut out[start..], &p.text);
                    if let Some(ph) = bare_phone {
                        for c in &mut out[start..] {
                            c.phone.get_or_insert_with(|| ph.to_string());
                        }
                    }
                    i += 1;
                    while i < paras.len() && self.is_phone_line(&paras[i].text) {
                        self.fill_phone_email(&mut out[start..], &paras[i].text);
                        i += 1;
                    }
                    // further contacts of the same form on the next lines, without the label
                    // (`联系人：价监科 罗会琼，电话：…` / `两反科 付慧君，电话：…`)
                    while i < paras.len() && org.is_some() {
                        let q = &paras[i];
                        let has_phone = self.phone.is_match(&q.text);
                        let Some(group) = has_phone
                            .then(|| self.entry(&q.raw, &q.text))
                            .flatten()
                            .filter(|g| g.iter().all(|c| c.org.is_some()))
                        else {
                            break;
                        };
                        let from = out.len();
                        out.extend(group.into_iter().map(|g| Contact {
                            role: role.clone(),
                            ..g
                        }));
                        self.fill_phone_email(&mut out[from..], &q.text);
                        i += 1;
                    }
                    continue;
                }
                i += 1;
                continue;
            }
            // `联系电话：认可检测司 82262762`: an office's number without a person
            if let Some(v) = label_value(&p.text, &["联系电话", "电话"])
                && let Some(contact) = office_number(&p.raw, v)
            {
                out.push(contact);
                i += 1;
                continue;
            }
            // 部门：姓名 电话, without a 联系人 label
            let t = if p.level == 3 {
                p.content.as_str()
            } else {
                p.text.as_str()
            };
            if t.contains(['：', ':'])
                && t.contains(|c: char| c.is_ascii_digit())
                && let Some(c) = self.dept_contact.captures(t)
            {
                let left = c.get(1).map_or("", |x| x.as_str());
                let names = c.get(2).map_or("", |x| x.as_str());
                if ORG_SUFFIXES
                    .iter()
                    .chain(CONTACT_ROLES.iter())
                    .any(|s| left.ends_with(s))
                {
                    let (org, role) = split_role(left);
                    let start = out.len();
                    for name in split_names(names) {
                        out.push(Contact {
                            name: Some(name),
                            org: org.clone(),
                            phone: None,
                            email: None,
                            role: role.clone(),
                        });
                    }
                    self.fill_phone_email(&mut out[start..], t);
                    i += 1;
                    while i < paras.len() && self.is_phone_line(&paras[i].text) {
                        self.fill_phone_email(&mut out[start..], &paras[i].text);
                        i += 1;
                    }
                    continue;
                }
            }
            i += 1;
        }
        out
    }

    /// A `联系人：` label in the paragraph: its role prefix (报名, 技术 …) and the byte offset
    /// of the text after it. A heading that is only `联系人` (`5、联系人`) is a label too.
    fn contact_label_at(&self, p: &Para) -> Option<(Option<String>, usize)> {
        if !p.text.contains("联系人") {
            return None;
        }
        if p.level > 0 && p.content.trim_end_matches(['：', '。']) == "联系人" {
            return Some((None, p.text.len()));
        }
        let c = self.contact_label.captures(&p.text)?;
        let role = c.get(1).map(|x| x.as_str().to_string());
        Some((role, c.get(0).map_or(0, |m| m.end())))
    }

    fn is_phone_line(&self, t: &str) -> bool {
        [
            "电话",
            "联系电话",
            "手机",
            "邮箱",
            "电子邮箱",
            "E-mail",
            "Email",
            "电子邮件",
            "传真",
        ]
        .iter()
        .any(|l| {
            t.strip_prefix(l)
                .is_some_and(|r| r.starts_with(['：', ':']))
        })
    }

    fn fill_phone_email(&self, group: &mut [Contact], t: &str) {
        let phone = self
            .phone
            .captures(t)
            .and_then(|c| c.get(1))
            .map(|m| with_noted_numbers(m.as_str(), &t[m.end()..]))
            .or_else(|| {
                self.bare_phone
                    .captures(t)
                    .and_then(|c| c.get(1))
                    .map(|m| m.as_str().to_string())
            });
        let email = self.email.find(t).map(|m| m.as_str().to_string());
        for c in group {
            if c.phone.is_none() {
                c.phone.clone_from(&phone);
            }
            if c.email.is_none() {
                c.email.clone_from(&email);
            }
        }
    }

    /// One entry of a contact list: `ORG 姓名（role）`, `ORG：姓名`, or squashed `ORG姓名`.
    fn entry(&self, raw: &str, text: &str) -> Option<Vec<Contact>> {
        let head = cut_before_any(text, &["电话", "联系电话", "手机", "邮箱"]);
        let raw_head = cut_before_any(raw, &["电话", "联系电话", "手机", "邮箱"]).trim();
        let (left, right) = if let Some((l, r)) = head.split_once('：') {
            (l.to_string(), r.to_string())
        } else if let Some((l, r)) = raw_head.rsplit_once(' ') {
            (crate::normalize::squash(l), crate::normalize::squash(r))
        } else {
            // squashed: the organisation ends at its last suffix
            let (role_part, core) = strip_paren_tail(head);
            let mut split = None;
            for s in ORG_SUFFIXES {
                if let Some(k) = core.rfind(s) {
                    let cut = k + s.len();
                    let nm = &core[cut..];
                    if valid_names(nm) && split.is_none_or(|(c, _): (usize, &str)| cut > c) {
                        split = Some((cut, nm));
                    }
                }
            }
            let (cut, _) = split?;
            let right = match role_part {
                Some(r) => format!("{}（{}）", &core[cut..], r),
                None => core[cut..].to_string(),
            };
            (core[..cut].to_string(), right)
        };
        let (role_paren, names) = strip_paren_tail(right.trim());
        let names = names.trim_end_matches(['，', '。', ' ']);
        if !valid_names(names) {
            return None;
        }
        let (org, role) = split_role(left.trim());
        let role = role_paren.map(str::to_string).or(role);
        Some(
            split_names(names)
                .into_iter()
                .map(|n| Contact {
                    name: Some(n),
                    org: org.clone(),
                    phone: None,
                    email: None,
                    role: role.clone(),
                })
                .collect(),
        )
    }

    // ----- attachments, relayed --------------------------------------------------------

    fn attachments(&self, paras: &[Para]) -> Vec<String> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < paras.len() {
            let p = &paras[i];
            if p.level == 0
                && let Some(c) = self.attach_label.captures(&p.text)
            {
                let v = c.get(2).map_or("", |x| x.as_str()).trim();
                if c.get(2).is_none() {
                    // a bare `附件` line heads a list when two or more short numbered items
                    // follow it (else it heads the attachment itself)
                    let list: Vec<&Para> = paras[i + 1..]
                        .iter()
                        .take_while(|q| {
                            q.level == 3
                                && !q.content.is_empty()
                                && q.content.chars().count() <= 80
                                && !q.content.contains('。')
                        })
                        .collect();
                    if list.len() >= 2 {
                        for q in &list {
                            push_attachment(&mut out, &q.content);
                        }
                        i += list.len();
                    }
                    i += 1;
                    continue;
                }
                let (lvl, mlen) = self.s.heading(v);
                let v = if lvl == 3 { &v[mlen..] } else { v };
                // items on one line: `1.X；2.Y`
                let mut inline = self.inline_item.split(v);
                let v = inline.next().unwrap_or(v);
                push_attachment(&mut out, v);
                for more in inline {
                    push_attachment(&mut out, more);
                }
                let files = is_file_name_line(v);
                i += 1;
                while i < paras.len() && paras[i].level == 3 && !paras[i].content.is_empty() {
                    push_attachment(&mut out, &paras[i].content);
                    i += 1;
                }
                // unnumbered further items of the same form: file names after a file name,
                // titles of documents after a title (not the title of a notice attached in
                // full, which its salutation follows)
                while i < paras.len() && paras[i].level == 0 {
                    let t = paras[i].text.as_str();
                    if files {
                        if !is_file_name_line(t) {
                            break;
                        }
                        push_attachment(&mut out, t);
                        i += 1;
                        continue;
                    }
                    let title = looks_like_title(v)
                        && looks_like_title(t)
                        && t.contains("关于")
                        && !paras
                            .get(i + 1)
                            .is_some_and(|q| crate::locate::is_salutation(&self.s, &q.text));
                    if !title {
                        break;
                    }
                    push_attachment(&mut out, t);
                    i += 1;
                }
                continue;
            }
            // a page's download list: `附件下载` and lines that are file names
            let download = ["附件下载", "相关附件"]
                .iter()
                .find_map(|w| p.text.strip_prefix(w))
                .map(|r| r.trim_start_matches('：'));
            if p.level == 0
                && let Some(rest) = download
                && (rest.is_empty() || is_file_name_line(rest))
            {
                if !rest.is_empty() {
                    push_attachment(&mut out, rest);
                }
                i += 1;
                while i < paras.len() && is_file_name_line(&paras[i].text) {
                    push_attachment(&mut out, &paras[i].text);
                    i += 1;
                }
                continue;
            }
            i += 1;
        }
        out
    }

    fn relayed(
        &self,
        paras: &[Para],
        title: Option<&str>,
        attachments: &[String],
    ) -> Option<Relayed> {
        let relays_title = title.is_some_and(|t| t.contains("转发"));
        for p in paras {
            if !p.text.contains('《') {
                continue;
            }
            for c in self.relayed_cite.captures_iter(&p.text) {
                let (Some(t), Some(num)) = (c.get(1), c.get(2)) else {
                    continue;
                };
                let extra = c.get(3).map_or("", |x| x.as_str());
                let m = c.get(0).map_or(0, |m| m.end());
                let tail = &p.text[m..];
                let relays = extra.contains("附件")
                    || extra.contains("附后")
                    || relays_title
                    || tail.starts_with("转发")
                    || p.text.contains("现转发")
                    || p.text.contains("转发给你们");
                if !relays {
                    continue;
                }
                let title = t.as_str().to_string();
                let issuer = relay_issuer(&title).or_else(|| {
                    // `X《关于…》` or `X《转发…的通知》`: the issuer named just before the
                    // citation
                    let start = c.get(0).map_or(0, |m| m.start());
                    org_before(&p.text[..start])
                        .filter(|_| title.starts_with("关于") || title.starts_with("转发"))
                });
                let num = num.as_str().trim_start_matches(['，', ' ']).to_string();
                return Some(Relayed {
                    issuer,
                    title: Some(title),
                    document_number: Some(num),
                });
            }
        }
        // `现将X《关于…》转发给你们` without a number
        for p in paras {
            if !p.text.contains("》转发") {
                continue;
            }
            for (k, _) in p.text.match_indices("》转发") {
                let Some(open) = p.text[..k].rfind('《') else {
                    continue;
                };
                let title = &p.text[open + '《'.len_utf8()..k];
                // (`将本《通知》转发给…` asks to pass this notice on)
                if title.contains(['《', '》'])
                    || !title.contains("关于")
                    || !looks_like_title(title)
                {
                    continue;
                }
                let issuer = relay_issuer(title).or_else(|| {
                    org_before(&p.text[..open])
                        .filter(|_| title.starts_with("关于") || title.starts_with("转发"))
                });
                return Some(Relayed {
                    issuer,
                    title: Some(title.to_string()),
                    document_number: None,
                });
            }
        }
        // 关于转发《X》的通知, with no citation in the body
        if let Some(t) = title
            && let Some(k) = t.find("转发《")
        {
            let inner = &t[k + "转发《".len()..];
            let e = inner.find('》')?;
            let rt = inner[..e].to_string();
            return Some(Relayed {
                issuer: relay_issuer(&rt),
                title: Some(rt),
                document_number: None,
            });
        }
        // `现将通知转发给你们` with the relayed notice only named as the first attachment
        // or `接X通知，…` with X's notice as the first attachment
        let first = attachments.first()?;
        let rt = first.trim_start_matches('《').trim_end_matches('》');
        let received = issuer_of(rt).is_some_and(|x| {
            let x = format!("接{x}");
            paras.iter().any(|p| {
                p.text.find(&x).is_some_and(|k| {
                    p.text[k + x.len()..]
                        .trim_start_matches('的')
                        .starts_with("通知")
                })
            })
        });
        let relays_body = received
            || paras.iter().any(|p| {
                p.text.contains("转发给你们")
                    || p.text.contains("转发你们")
                    || p.text.contains("现转发")
            });
        if !relays_body {
            return None;
        }
        (rt.contains("关于") && looks_like_title(rt)).then(|| Relayed {
            issuer: relay_issuer(rt),
            title: Some(rt.to_string()),
            document_number: None,
        })
    }
}

// ----- helpers ---------------------------------------------------------------------------

/// Push a piece of a run-on line unless it is blank.
fn push_piece(out: &mut Vec<String>, piece: &str) {
    let piece = piece.trim();
    if !piece.is_empty() {
        out.push(piece.to_string());
    }
}

/// In a run-on line, the byte length of a heading's text when it is short and followed by a
/// space (`（一）主场活动 市场监管总局…`): the text after it is the section's body.
fn run_on_heading_text_end(after_marker: &str) -> Option<usize> {
    let k = after_marker.find(char::is_whitespace)?;
    let text = &after_marker[..k];
    let n = text.chars().count();
    ((1..=20).contains(&n) && !text.contains(['。', '，', '；', '：', '！', '？'])).then_some(k)
}

/// Add an attachment's title. A download link's file name (`《X》.pdf`) names the attachment
/// without its extension and 《》, and is not added again when the list has it already.
fn push_attachment(out: &mut Vec<String>, v: &str) {
    let v = v.trim_end_matches('。');
    let (v, link) = match file_stem(v) {
        Some(stem) => (stem.trim_start_matches('《').trim_end_matches('》'), true),
        None => (v, false),
    };
    let repeated = link && out.iter().any(|x| x.trim_matches(['《', '》']) == v);
    if !v.is_empty() && !repeated {
        out.push(v.to_string());
    }
}

/// The issuer of a relayed document named by its title: the prefix before 关于, where a
/// title that itself relays (`转发Y关于…的通知`) names no issuer of its own and `X转发Y关于…`
/// names X.
fn relay_issuer(title: &str) -> Option<String> {
    let pre = issuer_of(title)?;
    match pre.split_once("转发") {
        None => Some(pre),
        Some((x, _)) => (!x.is_empty() && ends_with_org(x)).then(|| x.to_string()),
    }
}

/// The issuer a title names before 关于.
fn issuer_of(title: &str) -> Option<String> {
    title
        .split_once("关于")
        .map(|(pre, _)| pre.to_string())
        .filter(|s| !s.is_empty())
}

/// The organisation named at the end of `text` (`…，现将陕西省市场监督管理局`), without a
/// leading 现将/将.
fn org_before(text: &str) -> Option<String> {
    let k = text
        .char_indices()
        .rev()
        .find(|(_, c)| !(is_han(*c) || matches!(c, '（' | '）')))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let name = text[k..]
        .trim_start_matches("现将")
        .trim_start_matches('将')
        .trim_start_matches('现');
    // (`省局`, `市局`: a level's bureau; never `我局`, `本局`)
    let short_bureau = name.chars().count() == 2
        && name.ends_with(['局', '委', '厅'])
        && !name.starts_with(['我', '本', '你', '贵', '该']);
    ((name.chars().count() >= 3 || short_bureau) && ends_with_org(name)).then(|| name.to_string())
}

fn scope_of(q: Option<&str>) -> Option<String> {
    match q? {
        "国际" => Some("international".into()),
        "国内" | "全国" | "中国" => Some("domestic".into()),
        _ => Some("local".into()),
    }
}

fn looks_like_title(t: &str) -> bool {
    let n = t.chars().count();
    !t.contains('。')
        && !t.ends_with('：')
        && n <= 120
        && DOC_TYPES.iter().any(|d| t.ends_with(d))
        && (t.contains("关于") || n <= 60)
}

/// A short line naming an organisation: no sentence punctuation.
fn is_short_org_line(t: &str) -> bool {
    let n = t.chars().count();
    (2..=40).contains(&n)
        && !t.contains(['，', '。', '：', '；', '、', '“', '《'])
        && t.chars()
            .all(|c| is_han(c) || matches!(c, '（' | '）') || c.is_ascii_alphanumeric())
        && !t.chars().any(|c| c.is_ascii_digit())
        && !t.contains("关于")
}

fn is_activity_section(title: &str) -> bool {
    let yes = ["活动", "内容", "安排", "日程", "议程"]
        .iter()
        .any(|k| title.contains(k));
    let no = [
        "要求", "主题", "事项", "实施", "保障", "目标", "意义", "思想", "背景", "领导", "过渡",
    ]
    .iter()
    .any(|k| title.contains(k));
    yes && !no
}

/// An item's title and the rest of its text when it has no heading of its own: its first
/// sentence when short; an entry of an enumeration (one clause, ending in `；` or unclosed)
/// is its own title whatever its length.
fn item_title(content: &str) -> (String, Option<String>) {
    let entry = content.trim_end_matches('；');
    if entry.len() < content.len() && !entry.contains('。') {
        return (entry.to_string(), None);
    }
    let fs = first_sentence(content);
    if fs.chars().count() <= 40 && fs.len() < content.len() {
        let r = content[fs.len()..].trim_start_matches('。').to_string();
        (fs, Some(r))
    } else {
        (String::new(), Some(content.to_string()))
    }
}

/// A period named after a campaign rather than dates: `全国“质量月”期间`.
fn is_named_period(clause: &str) -> bool {
    clause.ends_with("期间") && clause.contains('“') && clause.chars().count() <= 20
}

fn first_sentence(t: &str) -> String {
    t.split('。').next().unwrap_or(t).to_string()
}

fn label_value<'a>(t: &'a str, labels: &[&str]) -> Option<&'a str> {
    labels.iter().find_map(|l| {
        let r = t.strip_prefix(l)?;
        r.strip_prefix('：')
            .or_else(|| r.strip_prefix(':'))
            .map(str::trim)
    })
}

fn push_role(org: &mut Organizers, role: &str, names: Vec<String>) {
    let v = match role {
        "主办" => &mut org.host,
        "承办" => &mut org.undertaker,
        "协办" => &mut org.co_organizer,
        _ => &mut org.guide,
    };
    for n in names {
        if !v.contains(&n) {
            v.push(n);
        }
    }
}

fn ends_with_org(s: &str) -> bool {
    ORG_SUFFIXES.iter().any(|x| s.ends_with(x))
}

/// Split a list of organisations: on 、，； and on 和/及 between two organisation names.
pub(crate) fn split_orgs(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in split_top(s.trim(), &['、', '，', '；']) {
        for p in split_and(&part) {
            let p = p.trim().trim_start_matches('由');
            let p = p
                .strip_suffix("等单位")
                .or_else(|| p.strip_suffix('等'))
                .unwrap_or(p)
                .trim();
            if !p.is_empty() {
                out.push(p.to_string());
            }
        }
    }
    out
}

/// Split on 和 / 及 / 以及 / 、 where the left side ends like an organisation or a noun phrase
/// of its own; used for venues and materials.
fn split_and(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in split_top(s, &['、', '，']) {
        let mut rest = part.as_str();
        loop {
            let cut = ["以及", "和", "及"].iter().find_map(|w| {
                let k = rest.find(w)?;
                let left = &rest[..k];
                (ends_with_org(left)
                    || VENUE_NOUNS.iter().any(|v| left.ends_with(v))
                    || ends_like_material(left))
                .then_some((k, w.len()))
            });
            match cut {
                Some((k, l)) => {
                    out.push(rest[..k].to_string());
                    rest = &rest[k + l..];
                }
                None => {
                    out.push(rest.to_string());
                    break;
                }
            }
        }
    }
    out.into_iter()
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

fn dedup(v: &mut Vec<String>) {
    let mut seen: Vec<String> = Vec::new();
    v.retain(|x| {
        if seen.contains(x) {
            false
        } else {
            seen.push(x.clone());
            true
        }
    });
}

/// What a deadline is for when named just before its date: `典型案例材料请于…`,
/// `请将相关材料于…`, or `反馈意见截止日期为…` (only when it names a material).
fn topic_before(before: &str) -> Option<&str> {
    before
        .strip_suffix("请于")
        .or_else(|| before.strip_suffix("请在"))
        .filter(|b| !b.is_empty() && !b.contains(['，', '请']))
        // or sit between 将 and the date: `请将相关材料于1月17日前报送至…`
        .or_else(|| {
            let b = before
                .strip_suffix('于')
                .or_else(|| before.strip_suffix('在'))?;
            let (_, m) = b.rsplit_once('将')?;
            (!m.is_empty() && !m.contains('，')).then_some(m)
        })
        .or_else(|| {
            let b = ["截止日期为", "截止时间为", "截止日期是", "截止日期："]
                .iter()
                .find_map(|w| before.strip_suffix(w))?;
            // (`意见反馈截止日期为…`: what is fed back, without the verb)
            let b = SUBMIT_NOUNS
                .iter()
                .find_map(|v| b.strip_suffix(v))
                .filter(|m| ends_like_material(m))
                .unwrap_or(b);
            (!b.contains('，') && ends_like_material(b)).then_some(b)
        })
}

/// Verbs used as nouns after what is handed in (`意见反馈`, `材料报送`).
const SUBMIT_NOUNS: [&str; 4] = ["反馈", "报送", "提交", "上报"];

/// Words that make a clause a request rather than the name of what is handed in.
const LEAD_VERBS: [&str; 6] = ["请", "将", "要求", "应", "须", "需"];

fn has_lead_verb(t: &str) -> bool {
    LEAD_VERBS.iter().any(|v| t.contains(v))
}

/// The text after a verb that names what is handed in, with the items that follow it after
/// a comma (`报送X（见…），以及Y`).
fn with_further_items(tail: &str) -> &str {
    let mut end = tail.find(['，', '。']).unwrap_or(tail.len());
    while tail[end..].starts_with('，') {
        let rest = &tail[end + '，'.len_utf8()..];
        if !(rest.starts_with("以及") || rest.starts_with('及')) {
            break;
        }
        end += '，'.len_utf8() + rest.find(['，', '。']).unwrap_or(rest.len());
    }
    &tail[..end]
}

/// What a lead asks to be proposed: `提出X，Y，以及Z` (X, Y and Z).
fn proposed_items(lead: &str) -> Option<String> {
    let k = lead.rfind("提出")?;
    let items: Vec<String> = split_top(&lead[k + "提出".len()..], &['，'])
        .into_iter()
        .map(|x| {
            x.trim_start_matches("以及")
                .trim_start_matches(['及', '和'])
                .to_string()
        })
        .filter(|x| !x.is_empty())
        .collect();
    let all_nouns = items.iter().all(|x| !has_lead_verb(x));
    (!items.is_empty() && all_nouns).then(|| items.join("、"))
}

/// Does the text name offices (`市局价监科、两反科`) rather than documents?
fn names_offices(t: &str) -> bool {
    let t = t.split(['，', '。', '；']).next().unwrap_or("");
    let parts = split_top(t, &['、']);
    !parts.is_empty()
        && parts.iter().all(|p| {
            p.chars().count() <= 20
                && ["处", "科", "室", "司", "局", "中心", "办公室"]
                    .iter()
                    .any(|e| p.ends_with(e))
        })
}

fn non_blank(x: Option<&str>) -> Option<&str> {
    x.filter(|m| !m.trim().is_empty())
}

/// The list of materials in `m`: parenthesised notes, 纸质版/电子版 and 一式N份 dropped, split on
/// 和/及/、.
fn material_list(m: &str) -> Vec<String> {
    let mut s: String = m.to_string();
    for g in paren_groups(m) {
        s = s.replace(&format!("（{g}）"), "");
    }
    if let Some(k) = s.find("一式") {
        let copies = s[k..]
            .find('份')
            .map_or(s.len(), |e| k + e + '份'.len_utf8());
        s.replace_range(k..copies, "");
    }
    let s = strip_copies(&s.replace(['《', '》', '“', '”'], ""));
    let mut s = s.trim_end().to_string();
    while let Some(a) = VERB_ADVERBS
        .iter()
        .chain(TRAILING_VERBS.iter())
        .find(|a| s.ends_with(*a))
    {
        s.truncate(s.len() - a.len());
    }
    // `国际、国家标准…材料`: levels of one kind of standard, not two materials
    for a in STANDARD_LEVELS {
        for b in STANDARD_LEVELS {
            s = s.replace(&format!("{a}、{b}"), &format!("{a}{LEVEL_SEP}{b}"));
        }
    }
    for w in [
        "书面文本",
        "书面材料",
        "书面版",
        "书面稿",
        "纸质版",
        "电子版",
        "纸质稿",
        "电子稿",
        "纸质材料",
        "电子文档",
    ] {
        s = s.replace(w, "、");
    }
    let s = s
        .trim_start_matches(['前', '之', '以'])
        .trim_end_matches(['等', '的']);
    split_and(s)
        .into_iter()
        .map(|x| {
            x.trim_matches(['、', '，', ' '])
                .trim_start_matches("以及")
                .replace(LEVEL_SEP, "、")
        })
        .filter(|x| x.chars().count() >= 2)
        .collect()
}

/// Verbs left at the end of a material's name (`相关材料汇总报送`).
const TRAILING_VERBS: [&str; 1] = ["汇总"];

/// Levels of standards, named together before one noun (`国际、国家标准`).
const STANDARD_LEVELS: [&str; 6] = ["国际", "国家", "行业", "地方", "团体", "企业"];

/// Stands for a `、` that joins two standard levels while materials are split.
const LEVEL_SEP: char = '\u{E000}';

/// Without the number of copies (`标准草案各3份`, `信息表1份`, `各一份`).
fn strip_copies(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    for &c in &chars {
        if c == '份' {
            let mut k = out.len();
            while k > 0
                && (out[k - 1].is_ascii_digit() || "一二两三四五六七八九十".contains(out[k - 1]))
            {
                k -= 1;
            }
            if k < out.len() {
                if k > 0 && out[k - 1] == '各' {
                    k -= 1;
                }
                out.truncate(k);
                continue;
            }
        }
        out.push(c);
    }
    out.into_iter().collect()
}

/// Does a noun phrase end like something handed in (a form, a report, comments …)?
fn ends_like_material(s: &str) -> bool {
    MATERIAL_ENDS.iter().any(|e| s.ends_with(e))
}

/// A conditional clause (`如…在6月10日之前到期`) states a case, not a task, unless it asks
/// for something (`如有意见请于…前反馈`).
fn is_condition(clause: &str) -> bool {
    ["如果", "倘若", "如", "若"]
        .iter()
        .any(|w| clause.starts_with(w))
        && !["如期", "如实", "如下"]
            .iter()
            .any(|w| clause.starts_with(w))
        && !clause.contains('请')
}

fn is_deadline_tail(after: &str) -> bool {
    (after.starts_with('前') && !after.starts_with("前后"))
        || after.starts_with("之前")
        || after.starts_with("以前")
}

/// Is the date hit a deadline: `…日前` (not 前后), optionally with a time before 前, or after
/// 截止/截至/最迟/不晚于?
fn is_deadline_at(clause: &str, h: &DateHit) -> bool {
    let after = &clause[h.end..];
    // skip a time: digits, colon, 时, 点, 分, 上午/下午
    let skipped = after.trim_start_matches(|c: char| {
        c.is_ascii_digit()
            || matches!(
                c,
                ':' | '时' | '点' | '分' | '半' | '上' | '下' | '午' | '晚' | '中' | '早'
            )
    });
    // `下班前`: by the end of office hours that day
    let skipped = skipped.strip_prefix('班').unwrap_or(skipped);
    if is_deadline_tail(skipped) {
        // `（2024年5月30日之前）` qualifies something, it sets no deadline
        let rest = skipped.trim_start_matches(['之', '以', '前']);
        return !(clause[..h.start].ends_with('（') && rest.starts_with('）'));
    }
    let before = &clause[..h.start];
    let tail: String = before
        .chars()
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    ["截止", "截至", "最迟", "不晚于"]
        .iter()
        .any(|w| tail.contains(w))
}

fn attach_debug(
    acts: &mut [Activity],
    debug: Vec<(String, DebugSession)>,
    warnings: &mut Vec<String>,
) {
    for (subject, ds) in debug {
        let mut best: Option<(usize, usize)> = None;
        let mut tie = false;
        for (i, a) in acts.iter().enumerate() {
            let l = lcs_len(&subject, &a.title);
            if l >= 2 {
                match best {
                    Some((_, b)) if l == b => tie = true,
                    Some((_, b)) if l < b => {}
                    _ => {
                        best = Some((i, l));
                        tie = false;
                    }
                }
            }
        }
        let target = match best {
            Some((i, _)) if !tie => Some(i),
            _ if ds.note.contains("视频会议") || ds.note.contains("会议系统") => acts
                .iter()
                .position(|a| a.mode.iter().any(|m| m == "video_conference")),
            _ => None,
        };
        match target.and_then(|i| acts.get_mut(i)) {
            Some(a) => a.debug_sessions.push(ds),
            None => warnings.push(format!("debug_session_unmatched: {}", ds.note)),
        }
    }
}

fn lcs_len(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut best = 0;
    let mut prev = vec![0usize; b.len() + 1];
    for x in &a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            if x == y {
                cur[j + 1] = prev[j] + 1;
                best = best.max(cur[j + 1]);
            }
        }
        prev = cur;
    }
    best
}

/// A number followed by a note and more numbers (`010-65292100（兼传真）、65292803`): the
/// numbers, without the note.
fn with_noted_numbers(number: &str, after: &str) -> String {
    let mut out = number.to_string();
    let Some(rest) = after.strip_prefix('（') else {
        return out;
    };
    let Some(close) = rest.find('）') else {
        return out;
    };
    let note = &rest[..close];
    if note.is_empty() || note.chars().count() > 8 || note.contains(|c: char| c.is_ascii_digit()) {
        return out;
    }
    let mut more = &rest[close + '）'.len_utf8()..];
    while let Some(r) = more.strip_prefix('、') {
        let n = r
            .find(|c: char| !(c.is_ascii_digit() || c == '-'))
            .unwrap_or(r.len());
        if r[..n].chars().filter(char::is_ascii_digit).count() < 7 {
            break;
        }
        out.push('、');
        out.push_str(&r[..n]);
        more = &r[n..];
    }
    out
}

/// An office and a person's name written together (`科技司董丽丽`): split after the last
/// organisation suffix that leaves a name of two or three characters.
fn split_glued_org(s: &str) -> Option<(&str, &str)> {
    if valid_names(s) {
        return None;
    }
    let mut best: Option<usize> = None;
    for suf in ORG_SUFFIXES {
        if let Some(k) = s.rfind(suf) {
            let cut = k + suf.len();
            let name = &s[cut..];
            let n = name.chars().count();
            if s[..cut].chars().count() >= 2
                && (2..=3).contains(&n)
                && valid_names(name)
                && best.is_none_or(|b| cut > b)
            {
                best = Some(cut);
            }
        }
    }
    best.map(|c| (&s[..c], &s[c..]))
}

/// `联系电话：认可检测司 82262762`: the office and its number, no person named.
fn office_number(raw: &str, value: &str) -> Option<Contact> {
    let raw_value = raw.split_once(['：', ':']).map_or("", |x| x.1).trim();
    let (office, number) = raw_value.rsplit_once(' ')?;
    let office = office.trim();
    let number = leading_number_run(number)?;
    (is_short_org_line(office) && ends_with_org(office) && value.ends_with(number)).then(|| {
        Contact {
            org: Some(office.to_string()),
            phone: Some(number.to_string()),
            ..Default::default()
        }
    })
}

/// Contacts given as runs of `姓名 电话 [邮箱]` separated by spaces (a table flattened to
/// one line: `苏志明 010-67105362 suzm@x.cn 曹卫佳 010-67105306 …`); the line starts with
/// such a run.
fn name_number_entries(raw: &str) -> Option<Vec<Contact>> {
    let tokens: Vec<&str> = raw.split_whitespace().collect();
    let mut out: Vec<Contact> = Vec::new();
    let mut k = 0;
    while k + 1 < tokens.len() {
        let (name, number) = (tokens[k], tokens[k + 1]);
        let is_number = leading_number_run(number).is_some_and(|r| r.len() == number.len());
        if !(valid_names(name) && split_names(name).len() == 1 && is_number) {
            if out.is_empty() {
                return None;
            }
            k += 1;
            continue;
        }
        let email = tokens
            .get(k + 2)
            .filter(|t| t.contains('@') && t.is_ascii())
            .map(|t| t.to_string());
        k += if email.is_some() { 3 } else { 2 };
        out.push(Contact {
            name: Some(name.to_string()),
            phone: Some(number.to_string()),
            email,
            ..Default::default()
        });
    }
    (!out.is_empty()).then_some(out)
}

/// How the names of materials end (forms, reports, comments …).
const MATERIAL_ENDS: [&str; 18] = [
    "情况", "资料", "方案", "总结", "素材", "书", "表", "稿", "草案", "材料", "报告", "意见",
    "建议", "回执", "名单", "函", "做法", "数据",
];

/// Where the names after a `联系人：` label end.
const NAME_STOPS: [&str; 9] = [
    "，",
    "；",
    "（",
    "联系电话",
    "电话",
    "手机",
    "邮箱",
    "。",
    "）",
];

/// The text before its first ASCII digit.
fn cut_before_digit(s: &str) -> &str {
    s.find(|c: char| c.is_ascii_digit()).map_or(s, |k| &s[..k])
}

/// Telephone numbers at the start of `s` (digits, dashes, 转, and spaces between two
/// numbers), when there are at least seven digits.
fn leading_number_run(s: &str) -> Option<&str> {
    let s = s.trim_start();
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '-' | '—' | '–' | '转' | ' ' | '/')))
        .map_or(s.len(), |(i, _)| i);
    let run = s[..end].trim_end_matches([' ', '-', '—', '–', '转', '/']);
    (run.chars().filter(char::is_ascii_digit).count() >= 7).then_some(run)
}

fn cut_before_any<'a>(s: &'a str, stops: &[&str]) -> &'a str {
    let k = stops
        .iter()
        .filter_map(|x| s.find(x))
        .min()
        .unwrap_or(s.len());
    &s[..k]
}

fn strip_paren_tail(s: &str) -> (Option<&str>, &str) {
    if let Some(inner) = s.strip_suffix('）')
        && let Some(k) = inner.rfind('（')
    {
        return (Some(&inner[k + '（'.len_utf8()..]), &inner[..k]);
    }
    (None, s)
}

fn split_names(s: &str) -> Vec<String> {
    s.split(['、', '，', '/', ' '])
        .flat_map(|x| x.split('和'))
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// Person names: 2–4 Chinese characters (a middle dot allowed), separated by 、 or 和.
fn valid_names(s: &str) -> bool {
    let names = split_names(s.trim());
    !names.is_empty()
        && names.iter().all(|n| {
            let k = n.chars().count();
            (2..=4).contains(&k) && n.chars().all(|c| is_han(c) || c == '·')
        })
}

fn split_role(left: &str) -> (Option<String>, Option<String>) {
    for r in CONTACT_ROLES {
        if let Some(o) = left.strip_suffix(r) {
            let o = o.trim();
            return ((!o.is_empty()).then(|| o.to_string()), Some(r.to_string()));
        }
    }
    ((!left.is_empty()).then(|| left.to_string()), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_and_paper_words_are_no_materials() {
        assert_eq!(
            material_list("标准项目建议书、标准草案各3份及“申报项目信息表”1份"),
            ["标准项目建议书", "标准草案", "申报项目信息表"]
        );
        assert_eq!(
            material_list("《实验室申报表》书面文本与电子版直接"),
            ["实验室申报表"]
        );
        assert_eq!(strip_copies("省份一览表各一份"), "省份一览表");
    }

    #[test]
    fn a_title_with_its_number_in_parentheses_is_split() {
        let e = Extractor::new().unwrap();
        let mut out = Vec::new();
        assert!(e.split_title_number("X局关于开展活动的通知 （认秘函〔2024〕31号）", &mut out));
        assert_eq!(out, ["X局关于开展活动的通知", "认秘函〔2024〕31号"]);
        let mut out = Vec::new();
        assert!(!e.split_title_number(
            "附件：X局关于开展活动的通知（认秘函〔2024〕31号）",
            &mut out
        ));
        assert!(!e.split_title_number(
            "“世界认可日”活动的通知（市监认证函〔2022〕764号）",
            &mut out
        ));
    }

    #[test]
    fn standard_levels_and_trailing_verbs_stay_in_one_material() {
        assert_eq!(
            material_list("本辖区内国际、国家标准制（修）订相关材料汇总"),
            ["本辖区内国际、国家标准制订相关材料"]
        );
        assert_eq!(
            material_list("本次活动总结和有关统计数据（见附件），以及活动中的图片、视频等资料"),
            ["本次活动总结", "有关统计数据", "活动中的图片", "视频等资料"]
        );
    }

    #[test]
    fn materials_named_before_the_deadline_clause() {
        assert_eq!(
            proposed_items("请研究提出意见建议").as_deref(),
            Some("意见建议")
        );
        assert_eq!(
            proposed_items("请各单位提出项目名称，必要性和可行性，以及监测计划（含经费）")
                .as_deref(),
            Some("项目名称、必要性和可行性、监测计划（含经费）")
        );
        assert_eq!(proposed_items("请提出后将材料报送"), None);
        assert_eq!(topic_before("意见反馈截止日期为"), Some("意见"));
        assert!(names_offices("市局价监科、两反科"));
        assert!(!names_offices("活动总结"));
        assert_eq!(
            with_further_items("X和Y（见附件1、2），以及Z等资料。其他"),
            "X和Y（见附件1、2），以及Z等资料"
        );
    }

    #[test]
    fn contact_forms() {
        assert_eq!(split_glued_org("科技司董丽丽"), Some(("科技司", "董丽丽")));
        assert_eq!(split_glued_org("王科长"), None);
        assert_eq!(
            with_noted_numbers("010-65292100", "（兼传真）、65292803，通信地址"),
            "010-65292100、65292803"
        );
        assert_eq!(
            with_noted_numbers("010-65292100", "（兼传真）"),
            "010-65292100"
        );
        let c = office_number("联系电话：认可检测司 82262762", "认可检测司82262762");
        assert_eq!(
            c.map(|c| (c.org, c.phone)),
            Some((Some("认可检测司".into()), Some("82262762".into())))
        );
        assert!(office_number("联系电话：010-82262762", "010-82262762").is_none());
    }

    #[test]
    fn relay_issuers() {
        assert_eq!(
            relay_issuer("省局关于开展活动的通知").as_deref(),
            Some("省局")
        );
        assert_eq!(
            relay_issuer("转发市场监管总局办公厅关于开展活动的通知"),
            None
        );
        assert_eq!(
            relay_issuer("陕西省质监局转发国家认监委关于开展活动的通知").as_deref(),
            Some("陕西省质监局")
        );
        assert_eq!(org_before("现将省局").as_deref(), Some("省局"));
        assert_eq!(org_before("现将我局"), None);
    }
}
