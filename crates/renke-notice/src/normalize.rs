//! Text normalisation: traditional → simplified for the characters notices use, NFKC width
//! folding, page-number debris, stray list markers, spaces, and canonical Chinese punctuation.

use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

/// Traditional → simplified pairs for the characters that occur in notices about
/// conformity-assessment campaigns (organisations, dates, contacts, labels, activities).
/// Each pair is two characters: traditional then simplified.
const TRAD_SIMP: &str = "國国際际認认證证監监總总廳厅處处開开關关於于動动將将會会議议時时間间聯联繫系係系話话\
郵邮電电號号發发佈布辦办協协導导組组織织員员報报質质驗验檢检測测構构機机區区縣县廣广東东場场覽览講讲題题\
課课訓训練练網网線线視视頻频試试調调請请單单書书為为與与務务門门錄录準准標标規规範范體体養养業业產产團团\
設设輔辅傳传遞递綠绿經经濟济環环續续細细節节屆届計计劃划畫画說说參参復复實实現现歲岁稱称據据結结數数項项\
點点層层樓楼館馆鐘钟長长華华農农藥药療疗醫医衛卫風风險险鄉乡鎮镇級级屬属擬拟舉举籌筹備备圍围繞绕論论壇坛\
儀仪頒颁週周歷历曆历紙纸約约餘余個个們们這这對对進进達达應应當当並并從从後后來来學学術术專专師师負负責责\
領领資资寫写讀读貫贯徹彻習习黨党鬥斗戰战離离樣样雜杂種种類类顯显權权適适選选絡络維维護护雲云齊齐歡欢陳陈\
劉刘張张趙赵黃黄楊杨吳吴孫孙鄭郑馬马錢钱許许濤涛熱热擊击億亿萬万問问閱阅聞闻觀观覺觉親亲歸归塊块壓压條条\
櫃柜橋桥氣气決决況况滬沪滿满漢汉災灾無无爲为獎奖畢毕異异盡尽碼码礎础禮礼稅税穩稳積积競竞筆笔簡简紀纪紅红\
納纳終终綜综緊紧績绩義义聲声職职臨临興兴舊旧藝艺蘇苏衝冲補补製制訂订討讨訊讯記记診诊評评詢询詳详語语誌志\
談谈諮咨謝谢識识讓让財财貨货購购費费賽赛趨趋車车軟软輕轻較较輸输轉转運运過过違违遠远遲迟還还邊边釋释針针\
銷销鋼钢閉闭隊队階阶隨随雙双靈灵預预頭头額额顧顾飛飞飯饭髮发鳥鸟麼么龍龙廠厂廢废徵征態态戶户擔担擴扩攜携\
斷断晉晋極极殘残溝沟滅灭潔洁營营燈灯爭争獲获盤盘眾众確确祕秘簽签籤签糧粮縮缩罰罚聽听腦脑虛虚裝装複复見见\
訪访詞词誤误謀谋譜谱變变貢贡貼贴賬账蹤踪軍军輛辆辭辞邏逻鄰邻鐵铁閒闲陸陆陰阴陽阳雞鸡難难響响頁页順顺須须\
飲饮騰腾鮮鲜麥麦齡龄勵励啟启團团園园圖图壽寿夢梦奮奋嚴严寬宽導导屬属崗岗幣币廳厅彙汇彥彦徑径憑凭戲戏\
挾挟換换揚扬損损搖摇擁拥擇择攝摄敗败敵敌斂敛暫暂樞枢歐欧殺杀毀毁漸渐濱滨瀏浏熾炽爾尔牆墙獨独瑪玛產产\
癥症盜盗碩硕禦御稱称竊窃籃篮紛纷紹绍統统絲丝綱纲網网緒绪線线緣缘編编緩缓縱纵繁繁繪绘繼继罷罢膽胆臉脸艦舰\
莊庄葉叶蓋盖薦荐蘭兰處处蟲虫衆众裏里裡里襲袭覆覆訴诉詐诈該该詩诗誠诚誰谁課课諾诺謂谓證证譯译讚赞豐丰\
貝贝負负貧贫貫贯貿贸賀贺資资賣卖賴赖贊赞贏赢趕赶躍跃輪轮辦办農农迴回遊游邀邀鄧邓醜丑釣钓鈴铃銀银鋪铺\
錯错鍵键鎖锁鑒鉴鑑鉴閃闪闊阔闡阐陣阵際际雖虽雜杂電电需需韓韩頂顶項项順顺領领頻频題题顏颜願愿類类颱台\
飼饲飾饰餐餐館馆驅驱驗验骯肮體体鬧闹魚鱼鳳凤鴻鸿麗丽黨党齒齿臺台灣湾溫温葯药粵粤內内曉晓鄒邹瀋沈麗丽凱凯蔣蒋";

/// Traditional → simplified as a direct table over U+4E00..U+9FFF (the block every entry of
/// [`TRAD_SIMP`] is in), for a lookup per character without hashing.
pub(crate) struct TradTable {
    table: Vec<char>,
}

const CJK_START: u32 = 0x4E00;
const CJK_END: u32 = 0x9FFF;

impl TradTable {
    pub fn new() -> Self {
        let mut table: Vec<char> = (CJK_START..=CJK_END).filter_map(char::from_u32).collect();
        for (t, s) in trad_map() {
            if let Some(slot) = (t as u32)
                .checked_sub(CJK_START)
                .and_then(|i| table.get_mut(i as usize))
            {
                *slot = s;
            }
        }
        Self { table }
    }

    pub fn map(&self, c: char) -> char {
        let u = c as u32;
        if (CJK_START..=CJK_END).contains(&u) {
            self.table
                .get((u - CJK_START) as usize)
                .copied()
                .unwrap_or(c)
        } else {
            c
        }
    }
}

/// A map from traditional to simplified characters.
pub(crate) fn trad_map() -> HashMap<char, char> {
    let chars: Vec<char> = TRAD_SIMP.chars().filter(|c| !c.is_whitespace()).collect();
    chars
        .chunks(2)
        .filter_map(|p| match p {
            [t, s] => Some((*t, *s)),
            _ => None,
        })
        .collect()
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF | 0x3007)
}

fn is_ascii_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// Is this line page-number debris from a PDF (`-3 -`, `— 2 —`, `第 3 页 共 5 页`)?
pub(crate) fn is_debris(line: &str) -> bool {
    // debris is short: a page number with dashes, or 第N页共M页
    if line.len() > 48 {
        return false;
    }
    let t: String = line
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect();
    if t.is_empty() {
        return false;
    }
    let dashes = |c: char| matches!(c, '-' | '—' | '–' | '一' | '－' | '‒' | '―');
    let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
    let rest_is_dashes = t.chars().all(|c| c.is_ascii_digit() || dashes(c));
    if rest_is_dashes && !digits.is_empty() && digits.len() <= 3 && t.chars().any(dashes) {
        // at least one dash on each side or a trailing/leading dash around a page number
        return true;
    }
    // 第3页 / 第3页共5页 / 3/5
    let page = t.strip_prefix('第').and_then(|r| {
        let r = r.trim_start_matches(|c: char| c.is_ascii_digit());
        r.strip_prefix('页')
    });
    if let Some(r) = page {
        let r = r
            .strip_prefix('共')
            .map(|x| x.trim_start_matches(|c: char| c.is_ascii_digit()))
            .and_then(|x| x.strip_suffix('页').or(Some(x)));
        return matches!(r, Some("") | None) || r.is_some_and(|x| x.is_empty());
    }
    false
}

/// Characters NFKC leaves alone that notices are mostly made of: ASCII, CJK unified
/// ideographs, CJK punctuation (except U+3000 and U+3036/U+3038–U+303A), curly quotes, dashes,
/// the middle dot.
fn nfkc_stable(c: char) -> bool {
    let u = c as u32;
    c.is_ascii()
        || (0x4E00..=0x9FFF).contains(&u)
        || (0x3001..=0x3035).contains(&u)
        || matches!(
            u,
            0x3007 | 0x00B7 | 0x2014 | 0x2015 | 0x2018 | 0x2019 | 0x201C | 0x201D | 0x2022 | 0x25CB
        )
}

/// Fold a line: traditional characters, NFKC widths, markdown emphasis, whitespace kinds.
pub(crate) fn fold_line(line: &str, map: &TradTable) -> String {
    // full-width ASCII forms and the ideographic space are folded here, which leaves most
    // Chinese lines already in NFKC (the quick check below then skips the full algorithm)
    let simp: String = line
        .chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => map.map(c),
        })
        .collect();
    let folded: String = if simp.chars().all(nfkc_stable) {
        simp
    } else {
        simp.nfkc().collect()
    };
    let folded = if folded.contains("**") {
        folded.replace("**", "")
    } else {
        folded
    };
    if folded.chars().any(|c| c.is_whitespace() && c != ' ') {
        folded
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect()
    } else {
        folded
    }
}

/// Strip a stray list marker such as `- ` or `• ` in front of a line.
pub(crate) fn strip_stray_marker(line: &str) -> &str {
    let t = line.trim_start();
    for m in ["- ", "• ", "* ", "· ", "● ", "-(", "•"] {
        if let Some(rest) = t.strip_prefix(m) {
            if m == "-(" {
                return &t[1..];
            }
            return rest.trim_start();
        }
    }
    t
}

/// Canonical punctuation: ASCII punctuation between Chinese text becomes full-width, except
/// where it belongs to a number (10:00, 1,000), an e-mail or a web address. Quotes are paired
/// separately, per paragraph, by [`pair_quotes`].
pub(crate) fn canon_punct(s: &str) -> String {
    if !s.contains([',', ':', ';', '(', ')', '!', '?', '「', '」', '『', '』']) {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if !matches!(
            c,
            ',' | ':' | ';' | '(' | ')' | '!' | '?' | '「' | '」' | '『' | '』'
        ) {
            out.push(c);
            continue;
        }
        // neighbours, looking past spaces (`10 : 00`)
        let prev = chars[..i].iter().rev().copied().find(|c| *c != ' ');
        let next = chars[i + 1..].iter().copied().find(|c| *c != ' ');
        let digit_both =
            prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit());
        let alnum_both = prev.is_some_and(is_ascii_alnum) && next.is_some_and(is_ascii_alnum);
        let mapped = match c {
            ',' if !digit_both => '，',
            ':' if !digit_both && next != Some('/') => '：',
            ';' => '；',
            '(' => '（',
            ')' => '）',
            '!' if !alnum_both => '！',
            '?' if !alnum_both => '？',
            '「' | '『' => '“',
            '」' | '』' => '”',
            other => other,
        };
        out.push(mapped);
    }
    out
}

/// Pair straight double quotes into “ ” within one paragraph; curly quotes keep their sense.
pub(crate) fn pair_quotes(s: &str) -> String {
    if !s.contains('"') {
        return s.to_string();
    }
    let mut open = false;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '“' => {
                open = true;
                out.push(c);
            }
            '”' => {
                open = false;
                out.push(c);
            }
            '"' => {
                out.push(if open { '”' } else { '“' });
                open = !open;
            }
            _ => out.push(c),
        }
    }
    out
}

/// Collapse runs of spaces to one and trim; keep the spaces (they can separate an
/// organisation from a person's name).
pub(crate) fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.trim().chars() {
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

/// Remove every space that is not between two ASCII letters or digits: PDF text puts spaces
/// inside Chinese words and numbers (`2022 年4月22 日`, `参 照`).
pub(crate) fn squash(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars[i + 1..].iter().copied().find(|c| *c != ' ');
            let keep = prev.is_some_and(is_ascii_alnum)
                && next.is_some_and(is_ascii_alnum)
                && !(prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit())
                    && digits_then_date_unit(&chars[i + 1..]));
            if keep && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// After `2 0`, is the run of digits followed by 年/月/日 (a number split by a space)?
fn digits_then_date_unit(rest: &[char]) -> bool {
    let mut it = rest.iter().skip_while(|c| **c == ' ' || c.is_ascii_digit());
    matches!(it.next(), Some('年' | '月' | '日' | '号' | '时'))
}

/// Chinese numerals of a date (二〇二二年六月二日) → Arabic, for signature dates.
pub(crate) fn chinese_date_to_arabic(s: &str) -> String {
    // every year from 2000 to 2099 written in Chinese numerals has a zero (二〇二二), often
    // typed as ○; a date has 年
    if !s.contains('年') || !s.contains(['〇', '零', '○']) {
        return s.to_string();
    }
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '〇' | '零' | '○' | 'О' | 'O' | '0' => 0,
            '一' => 1,
            '二' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let small = |t: &str| -> Option<u32> {
        let cs: Vec<char> = t.chars().collect();
        match cs.as_slice() {
            [a] if *a == '十' => Some(10),
            [a] => digit(*a),
            ['十', b] => digit(*b).map(|d| 10 + d),
            [a, '十'] => digit(*a).map(|d| d * 10),
            [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
            _ => None,
        }
    };
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // try: four numeral digits, 年, 1-3 numerals, 月, 1-3 numerals, 日
        let try_parse = || -> Option<(String, usize)> {
            let y: Vec<u32> = chars
                .get(i..i + 4)?
                .iter()
                .map(|c| digit(*c))
                .collect::<Option<_>>()?;
            let mut j = i + 4;
            if chars.get(j) != Some(&'年') {
                return None;
            }
            j += 1;
            let m_start = j;
            while j < chars.len() && j - m_start < 3 && chars[j] != '月' {
                j += 1;
            }
            if chars.get(j) != Some(&'月') {
                return None;
            }
            let m: String = chars[m_start..j].iter().collect();
            let m = small(&m)?;
            j += 1;
            let d_start = j;
            while j < chars.len() && j - d_start < 3 && chars[j] != '日' {
                j += 1;
            }
            if chars.get(j) != Some(&'日') {
                return None;
            }
            let d: String = chars[d_start..j].iter().collect();
            let d = small(&d)?;
            let year = y.iter().fold(0, |a, b| a * 10 + b);
            Some((format!("{year}年{m}月{d}日"), j + 1 - i))
        };
        if let Some((text, used)) = try_parse() {
            out.push_str(&text);
            i += used;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_characters_are_nfkc_stable() {
        let sample: String = (0x3001..=0x3035u32)
            .chain([
                0x3007, 0x00B7, 0x2014, 0x2015, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x25CB,
            ])
            .chain((0x4E00..=0x9FFFu32).step_by(7))
            .chain(0x20..0x7F)
            .filter_map(char::from_u32)
            .collect();
        for c in sample.chars() {
            assert!(nfkc_stable(c));
            let n: String = c.to_string().nfkc().collect();
            assert_eq!(n, c.to_string(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn debris_lines() {
        assert!(is_debris("-3 -"));
        assert!(is_debris("— 2 **—**"));
        assert!(is_debris("— 4 —"));
        assert!(is_debris("- 12 -"));
        assert!(is_debris("第3页共5页"));
        assert!(!is_debris("2022"));
        assert!(!is_debris("一、活动主要内容"));
        assert!(!is_debris("-"));
    }

    #[test]
    fn spaces_and_punct() {
        assert_eq!(squash("2022 年4月22 日"), "2022年4月22日");
        assert_eq!(squash("参 照省局"), "参照省局");
        assert_eq!(squash("内网 OA 邮箱"), "内网OA邮箱");
        assert_eq!(squash("IAF ILAC"), "IAF ILAC");
        assert_eq!(squash("20 22年"), "2022年");
        assert_eq!(
            canon_punct("上午10:00至11:00,认可:促进"),
            "上午10:00至11:00，认可：促进"
        );
        assert_eq!(pair_quotes("第\"世界认可日\"活动"), "第“世界认可日”活动");
        assert_eq!(chinese_date_to_arabic("二〇二二年六月二日"), "2022年6月2日");
        assert_eq!(
            chinese_date_to_arabic("二〇二二年十二月三十一日"),
            "2022年12月31日"
        );
    }

    #[test]
    fn traditional() {
        let m = trad_map();
        let s: String = "廣東省市場監督管理局關於組織開展"
            .chars()
            .map(|c| m.get(&c).copied().unwrap_or(c))
            .collect();
        assert_eq!(s, "广东省市场监督管理局关于组织开展");
        // pairs late in the table: a misaligned pair earlier would shift these
        let s: String = "臺灣溫粵內曉蔣"
            .chars()
            .map(|c| m.get(&c).copied().unwrap_or(c))
            .collect();
        assert_eq!(s, "台湾温粤内晓蒋");
        for (t, s) in &m {
            assert!(t != s || "繁需覆邀餐".contains(*t), "identity pair {t}");
        }
    }
}
