//! A notice as people receive it sits inside a web page: up to twenty lines of furniture
//! before it (site name, breadcrumbs, the page's time stamp, a view count, share buttons)
//! and after it (print and close links, the next and previous articles, the footer). Adding
//! such lines before or after any repo case changes none of its extracted fields.

use proptest::prelude::*;
use std::fs;
use std::path::Path;

/// Lines of web pages around a notice, none of them part of one.
const FURNITURE: &[&str] = &[
    "网站首页",
    "首页 | 机构概况 | 新闻中心 | 政务公开 | 互动交流",
    "当前位置：首页 > 政务公开 > 通知公告",
    "您现在的位置：首页 >> 政策法规 >> 正文",
    "您当前的位置 : 首页 >>规划信息>>正文",
    "分享到：",
    "分享好友 资讯首页 频道列表",
    "【字体：大 中 小】",
    "发布时间：2022-06-01 10:22:33",
    "发布日期: 2023-08-25",
    "来源：本网 作者：办公室",
    "浏览次数：1234",
    "2022-06-01",
    "2024-12-03 11:215540",
    "|",
    "||||||||",
    "打印本页 关闭窗口",
    "【打印本页】【关闭窗口】",
    "扫一扫在手机打开当前页",
    "Copyright © 2022 All Rights Reserved",
    "版权所有：某某市市场监督管理局",
    "网站标识码：1234567890 京ICP备12345678号",
    "相关链接",
    "上一篇：关于做好安全生产工作的通知",
    "下一篇：市局召开质量工作会议",
    "视频号",
    "app",
    "二维码",
    "我要投稿",
    "热点推荐",
    "索引号 : 011337207/2021-39769",
];

fn cases() -> std::io::Result<Vec<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut names = Vec::new();
    for e in fs::read_dir(&dir)? {
        let n = e?.file_name().to_string_lossy().into_owned();
        if n.ends_with(".txt") {
            names.push(n);
        }
    }
    names.sort();
    names
        .iter()
        .map(|n| fs::read_to_string(dir.join(n)))
        .collect()
}

/// A line of furniture, or a short line of letters and digits (a menu, a counter).
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(FURNITURE).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9 ]{0,24}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn furniture_around_a_case_changes_nothing(
        which in any::<proptest::sample::Index>(),
        before in proptest::collection::vec(line(), 0..=20),
        after in proptest::collection::vec(line(), 0..=20),
    ) {
        let all = cases().unwrap();
        let text = which.get(&all);
        let plain = renke_notice::parse(text).unwrap();
        let framed = format!("{}\n{}\n{}", before.join("\n"), text, after.join("\n"));
        let got = renke_notice::parse(&framed).unwrap();
        prop_assert_eq!(got, plain);
    }
}
