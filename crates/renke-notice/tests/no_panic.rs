//! No input makes the parser panic: arbitrary strings, strings built from the characters and
//! fragments notices are made of, and seed text cut, spliced and mutated.

use proptest::prelude::*;

const SEED_000: &str = include_str!("cases/seed_000_guangdong_relay.txt");
const SEED_002: &str = include_str!("cases/seed_002_shanghai_eight_activities.txt");

/// Fragments that drive the parser's rules.
const PIECES: &[&str] = &[
    "一、",
    "（一）",
    "(一)",
    "1.",
    "1、",
    "（1）",
    "- ",
    "附件：",
    "附件",
    "联系人：",
    "电话：",
    "邮箱：",
    "主办：",
    "承办：",
    "协办",
    "指导",
    "〔2022〕",
    "[2022]",
    "号",
    "年",
    "月",
    "日",
    "前",
    "上午",
    "下午",
    "10:00",
    "至",
    "—",
    "期间",
    "调试",
    "“",
    "”",
    "\"",
    "（",
    "）",
    "，",
    "。",
    "：",
    "\n",
    "\n\n",
    " ",
    "-3 -",
    "— 2 **—**",
    "文件",
    "关于",
    "的通知",
    "印发",
    "公开方式：主动公开",
    "抄送：",
    "（此件公开发布）",
    "500字左右",
    "纸质版",
    "将",
    "报送",
    "由",
    "举办",
    "在",
    "会议室",
    "线上",
    "直播",
    "视频会议",
    "主题为",
    "以",
    "为主题",
    "《",
    "》",
    "转发",
    "见附件",
    "@",
    "a.b",
    "0",
    "9",
    "12",
    "31",
    "2022",
    "二〇二二",
    "〇",
    "十",
    "廣東",
    "處",
    "：",
    "、",
    "；",
    "\u{3000}",
    "\t",
    "\r\n",
    "𠀀",
    "é",
    "\u{300}",
    "*",
    "·",
];

fn char_boundary_floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings(s in any::<String>()) {
        let _ = renke_notice::parse(&s).unwrap();
    }

    #[test]
    fn notice_alphabet(parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..200)) {
        let s: String = parts.concat();
        let _ = renke_notice::parse(&s).unwrap();
    }

    #[test]
    fn mutated_seeds(
        which in 0usize..2,
        cuts in proptest::collection::vec((0usize..9000, 0usize..9000, proptest::sample::select(PIECES)), 0..12),
    ) {
        let mut s = if which == 0 { SEED_000.to_string() } else { SEED_002.to_string() };
        for (a, b, ins) in cuts {
            let a = char_boundary_floor(&s, a);
            let b = char_boundary_floor(&s, b);
            let (lo, hi) = if a <= b { (a, b.min(a + 40)) } else { (b, a.min(b + 40)) };
            let hi = char_boundary_floor(&s, hi);
            s.replace_range(lo..hi, ins);
        }
        let n = renke_notice::parse(&s).unwrap();
        // whatever comes out serialises
        prop_assert!(serde_json::to_string(&n).is_ok());
    }
}
