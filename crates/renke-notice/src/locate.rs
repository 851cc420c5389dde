//! Finding where the notice starts in pasted text (issue: notices as people receive them).
//!
//! A notice copied from a web page comes after the page's furniture — a site name,
//! breadcrumbs (`当前位置：首页 > 通知公告`), a repost's own headline, a line with the
//! publishing time and a view count — and the reflow would glue those lines to the title.
//! The document starts at its head: the 发文字号, a `…文件` line, the title, ending at the
//! salutation (主送, a line of organisations ending in a colon) above the first paragraph.
//! [`document_start`] finds the salutation, walks up over the head's lines (number, issuer,
//! a title of up to three lines) and returns the first of them; without a salutation (a
//! 公告), it starts at the last title before the first sentence. Text that already starts
//! with its head starts at 0.

use crate::structure::{DOC_TYPES, StructRx};

/// How far into the text the head is looked for (furniture runs to some thirty lines).
const SEARCH_LINES: usize = 80;

/// Lines of a title split over lines, at most (a PDF's text layer may give it word by word).
const TITLE_LINES: usize = 16;

/// Lines of the issuer's name before a title broken before 关于, at most.
const ISSUER_LINES: usize = 2;

/// Words that end a salutation's organisations (各省局：, 各有关单位：, 中国科协办公厅：).
const ADDRESSEE_ENDS: [&str; 22] = [
    "局", "委", "厅", "办", "单位", "机构", "中心", "协会", "学会", "部门", "公司", "会员", "政府",
    "组", "处", "院", "会", "站", "所", "室", "）", "企业",
];

/// Words that make a line ending in a colon something else than a salutation.
const NOT_ADDRESSEE: [&str; 14] = [
    "如下", "联系", "电话", "地址", "邮箱", "位置", "时间", "说明", "备注", "标题", "登录", "密码",
    "附件", "主办",
];

/// The index of the first line of the notice in `lines` (normalised, one per source line).
pub(crate) fn document_start(s: &StructRx, lines: &[String]) -> usize {
    let limit = lines.len().min(SEARCH_LINES);
    let anchor = (0..limit)
        .find(|&i| {
            is_salutation(s, &text(lines, i))
                && (next_text(lines, i + 1).is_some() || ends_head(s, lines, i))
        })
        .or_else(|| last_title_before_body(lines, limit))
        .or_else(|| number_before_body(s, lines, limit));
    let Some(anchor) = anchor else {
        return 0;
    };
    let (start, _) = head_start(s, lines, anchor);
    // Never skip part of the notice itself: what is cut holds no closing formula and no
    // 附件 list (a short 公告 followed by an attached notice with its own salutation).
    let cut = &lines[..start];
    if cut.iter().any(|l| {
        let t: String = l.split_whitespace().collect();
        t.contains("通知如下")
            || t.contains("特此通知")
            || t.contains("特此公告")
            || t.starts_with("附件")
    }) {
        return 0;
    }
    start
}

/// Line `i` without its spaces (PDF text spaces out numbers and names: `认秘函 [2023] 12 号`).
fn text(lines: &[String], i: usize) -> String {
    lines[i].split_whitespace().collect()
}

/// The first non-empty line at or after `from`.
fn next_text(lines: &[String], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&i| !lines[i].trim().is_empty())
}

/// The non-empty line before `i`.
fn prev_text(lines: &[String], i: usize) -> Option<usize> {
    (0..i).rev().find(|&k| !lines[k].trim().is_empty())
}

/// 主送: organisations ending in a colon, with nothing after it.
pub(crate) fn is_salutation(s: &StructRx, t: &str) -> bool {
    let Some(body) = t.strip_suffix('：') else {
        return false;
    };
    let n = body.chars().count();
    (2..=400).contains(&n)
        && !is_kind_of_addressee(body)
        && !body.contains(['。', '：', '！', '？', '>', '|'])
        && !s.is_label(t)
        && !NOT_ADDRESSEE.iter().any(|w| body.contains(w))
        && (body.starts_with('各')
            || ADDRESSEE_ENDS
                .iter()
                .any(|e| body.trim_end_matches(['，', '、']).ends_with(e)))
}

/// Does the line before `i` end a notice's head (its number or its title)? A page cut
/// right after the salutation still has its head above it.
fn ends_head(s: &StructRx, lines: &[String], i: usize) -> bool {
    prev_text(lines, i).is_some_and(|p| {
        let t = text(lines, p);
        s.is_docnum(&t) || (ends_title(&t) && t.contains("关于"))
    })
}

/// A bare kind of organisation (`单位：` in a web form) names no addressee.
fn is_kind_of_addressee(body: &str) -> bool {
    ADDRESSEE_ENDS.contains(&body)
}

/// An earlier line of a salutation broken over lines: a list of organisations that ends in
/// a comma or in the middle of a name, never a title, a number or a sentence.
fn continues_salutation(s: &StructRx, t: &str) -> bool {
    let n = t.chars().count();
    (2..=200).contains(&n)
        && !t.contains(['。', '：', '>', '|'])
        && !ends_title(t)
        && !s.is_docnum(t)
        && !t.contains("关于")
        && (t.ends_with(['，', '、', '；']) || t.starts_with('各') || !t.ends_with(['）', '”']))
}

/// A title line (or the last line of one): it ends with a document type and is not a
/// sentence.
fn ends_title(t: &str) -> bool {
    let n = t.chars().count();
    // not a metadata cell holding the title (`名称：…的通知`)
    let cell = t
        .find('：')
        .is_some_and(|c| t.find("关于").is_none_or(|g| c < g));
    n <= 120 && !t.contains('。') && !cell && DOC_TYPES.iter().any(|d| t.ends_with(d))
}

/// Without a salutation: the last title line before the first sentence of the body.
fn last_title_before_body(lines: &[String], limit: usize) -> Option<usize> {
    let body = (0..limit).find(|&i| {
        let t = text(lines, i);
        t.chars().count() > 40 && t.contains('。')
    })?;
    (0..body).rev().find(|&i| {
        let t = text(lines, i);
        ends_title(&t) && (t.contains("关于") || t.contains("公告"))
    })
}

/// Without a salutation or a title: the last 发文字号 line before the first sentence of the
/// body (a portal's metadata lines above it are no part of the notice).
fn number_before_body(s: &StructRx, lines: &[String], limit: usize) -> Option<usize> {
    let body = (0..limit).find(|&i| {
        let t = text(lines, i);
        t.chars().count() > 40 && t.contains('。')
    })?;
    (0..body).rev().find(|&i| s.is_docnum(&text(lines, i)))
}

/// The first line of the head that ends at `anchor` (the salutation, or a title): walks up
/// over the 发文字号, `…文件` lines, the issuer lines above a number and the title's lines.
fn head_start(s: &StructRx, lines: &[String], anchor: usize) -> (usize, bool) {
    let mut start = anchor;
    let mut titled = false;
    if is_salutation(s, &text(lines, anchor)) {
        // a salutation broken over lines (PDF text): its earlier lines end in a comma or
        // break inside a name
        while let Some(p) = prev_text(lines, start) {
            let t = text(lines, p);
            // a line starting with 各 begins a group of addressees: the line above belongs
            // to it only when it ends in a separator (`…市场监管局，` / `各有关单位：`), not
            // when it is page furniture (`文章播报`)
            let first_is_group = text(lines, start).starts_with('各');
            if first_is_group && !t.ends_with(['，', '、', '；']) {
                break;
            }
            if continues_salutation(s, &t) {
                start = p;
            } else {
                break;
            }
        }
    } else {
        // a title found as the anchor is the head's title
        start = title_start(lines, anchor);
        titled = true;
    }
    let mut numbered = false;
    let mut issuers = 0;
    while let Some(p) = prev_text(lines, start) {
        let t = text(lines, p);
        let t = t.as_str();
        if s.is_docnum(t) && !numbered {
            numbered = true;
            start = p;
        } else if t.ends_with("文件") && is_org_line(t) {
            start = p;
        } else if !titled && ends_title(t) {
            start = title_start(lines, p);
            titled = true;
        } else if numbered && issuers < 2 && is_org_line(t) && ends_like_org(t) {
            // the issuer (or joint issuers) above the number
            issuers += 1;
            start = p;
        } else {
            break;
        }
    }
    (start, titled)
}

/// The lines of the notice: from [`document_start`], with the title put back in front
/// when a portal's metadata table (索引号, 发文单位, 有效性 …) stands between the title and
/// the 发文字号.
pub(crate) fn document_lines(s: &StructRx, lines: &[String]) -> Vec<String> {
    let start = document_start(s, lines);
    let mut out = Vec::new();
    if start > 0 {
        let (_, titled) = head_start(s, lines, start_anchor(s, lines, start));
        if !titled {
            let title = (start.saturating_sub(12)..start).rev().find(|&i| {
                let t = text(lines, i);
                ends_title(&t) && t.contains("关于")
            });
            if let Some(last) = title {
                let first = title_start(lines, last);
                out.extend(lines[first..=last].iter().cloned());
                // with the 发文字号 printed right below it
                if let Some(k) = next_text(lines, last + 1)
                    && k < start
                    && s.is_docnum(&text(lines, k))
                {
                    out.push(lines[k].clone());
                }
            }
        }
    }
    out.extend(lines[start..].iter().cloned());
    out
}

/// The salutation at or after `start` (the anchor [`document_start`] walked up from).
fn start_anchor(s: &StructRx, lines: &[String], start: usize) -> usize {
    (start..lines.len().min(start + SEARCH_LINES))
        .find(|&i| is_salutation(s, &text(lines, i)))
        .unwrap_or(start)
}

/// The first line of a title whose last line is `last`: the line holding 关于 when the
/// title runs over up to [`TITLE_LINES`] lines (a PDF's text layer gives a centred title
/// word by word), with the issuer's name on the lines just above (each ending like an
/// organisation) when the title breaks right before 关于; else `last` alone.
fn title_start(lines: &[String], last: usize) -> usize {
    let mut k = last;
    for _ in 0..TITLE_LINES {
        let t = text(lines, k);
        if t.contains("关于") {
            if t.starts_with("关于") {
                // `市场监管总局` / `办公厅` / `关于…`: the issuer's name, broken too
                let mut first = k;
                for _ in 0..ISSUER_LINES {
                    match prev_text(lines, first) {
                        Some(p)
                            if continues_title(&text(lines, p))
                                && ends_like_org(&text(lines, p)) =>
                        {
                            first = p;
                        }
                        _ => break,
                    }
                }
                return first;
            }
            return k;
        }
        match prev_text(lines, k) {
            Some(p) if continues_title(&text(lines, p)) => k = p,
            _ => break,
        }
    }
    last
}

/// A line that may be the beginning of a title split over lines: short, no sentence
/// punctuation, not itself a finished title.
fn continues_title(t: &str) -> bool {
    let n = t.chars().count();
    (1..=60).contains(&n)
        && !t.contains(['。', '：', '>', '|', '；'])
        && !DOC_TYPES.iter().any(|d| t.ends_with(d))
}

/// Whether `t` ends like the name of an organisation.
fn ends_like_org(t: &str) -> bool {
    ADDRESSEE_ENDS.iter().any(|e| t.ends_with(e))
        || ["部", "署", "行", "社"].iter().any(|e| t.ends_with(e))
}

/// A short line naming an organisation.
fn is_org_line(t: &str) -> bool {
    let n = t.chars().count();
    (2..=40).contains(&n)
        && !t.contains(['，', '。', '：', '；', '“', '《', '>', '|'])
        && !t.chars().any(|c| c.is_ascii_digit())
        && !t.contains("关于")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(text: &str) -> usize {
        let s = StructRx::new().unwrap();
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        document_start(&s, &lines)
    }

    #[test]
    fn the_head_is_found_below_the_page_furniture() {
        let text = "网站首页\n当前位置：首页 > 通知公告\n市场监管总局关于开展活动的通知\n\
                    发布时间：2022-05-27\n市场监管总局关于开展活动的通知\n国市监认证〔2022〕1号\n\
                    各省局：\n现将有关事项通知如下。";
        assert_eq!(start(text), 4);
    }

    #[test]
    fn a_title_over_two_lines_and_an_issuer_above_the_number() {
        let text = "分享到\n市场监管总局办公厅\n市监认证函〔2021〕833号\n\
                    市场监管总局办公厅关于组织开展\n第十四个“世界认可日”主题活动的通知\n\
                    各省、自治区、直辖市市场监管局（厅、委）：\n今年6月9日是第十四个“世界认可日”。";
        assert_eq!(start(text), 1);
    }

    #[test]
    fn a_title_given_word_by_word_keeps_its_issuer_and_number() {
        let text = "国家市场监督管理总局文件\n市监认证函〔2022〕764号\n市场监管总局\n办公厅\n关于\n\
                    组织\n开展\n第十五个\n“世界认可日”\n活动\n的\n通知\n各省局：\n正文。";
        assert_eq!(start(text), 0);
        let text = "分享\n网站名称\n国家认监委\n关于印发方案的通知\n各认证机构：\n正文。";
        assert_eq!(start(text), 2);
    }

    #[test]
    fn a_notice_that_starts_with_its_head_starts_at_zero() {
        assert_eq!(start("关于开展活动的通知\n各单位：\n正文。"), 0);
        assert_eq!(start("各单位：\n正文。"), 0);
        assert_eq!(start("正文没有标题。"), 0);
    }

    #[test]
    fn furniture_above_a_salutation_and_a_number_without_title() {
        // a read-aloud button is no first line of the 主送
        assert_eq!(
            start("文章播报\n各工商所（分局）：\n现将有关事项通知如下。"),
            1
        );
        // portal metadata above a number, with neither title nor 主送
        let text = "政策级别：国家级\n政策主题：资质\n市监检测函〔2025〕245号\n\
                    按照有关要求，现将具有检验检测能力的机构名单予以公布，请你们做好检验检测机构的监督管理工作。";
        assert_eq!(start(text), 2);
    }

    #[test]
    fn nothing_of_the_notice_is_cut() {
        // a 公告 without 主送 and an attached notice with one: the start stays at 0
        let text = "关于发布目录的公告\n现将目录公告如下。特此公告。\n附件：通知\n\
                    关于做好工作的通知\n各单位：\n正文。";
        assert_eq!(start(text), 0);
    }
}
