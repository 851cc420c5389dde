//! The notice parser and the stored activities speak of the same kinds.

use renke_domain::activity::ActivityKind;
use std::collections::BTreeSet;

/// Every `kind` the parser can put on an activity is a code of
/// `renke_domain::activity::ActivityKind`, and every such code is one the parser can give:
/// a parsed draft's activities are stored with the kind the parser read.
#[test]
fn parser_activity_kinds_are_the_domain_codes() {
    let parser: BTreeSet<&str> = renke_notice::ACTIVITY_KINDS
        .iter()
        .map(|(code, _)| *code)
        .collect();
    let domain: BTreeSet<&str> = ActivityKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        parser.len(),
        renke_notice::ACTIVITY_KINDS.len(),
        "a code twice"
    );
    assert_eq!(
        parser.difference(&domain).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "parser codes that are no ActivityKind"
    );
    assert_eq!(
        domain.difference(&parser).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "ActivityKind codes the parser never gives"
    );
}

/// The parser tells a case release from a report release, as the domain does.
#[test]
fn releases_are_told_apart() {
    let parser = renke_notice::Parser::new().unwrap();
    let text = "关于开展活动的通知\n\n一、活动安排\n\n（一）典型案例发布\n\n6月9日上午10:00举行。\n\n（二）发布2021年度检验检测认证行业发展情况\n\n6月9日上午11:00举行。\n";
    let notice = parser.parse(text);
    let kinds: Vec<Option<&str>> = notice
        .activities
        .iter()
        .map(|a| a.kind.as_deref())
        .collect();
    assert_eq!(
        kinds,
        [Some("case_release"), Some("report_release")],
        "{:#?}",
        notice.activities
    );
}
