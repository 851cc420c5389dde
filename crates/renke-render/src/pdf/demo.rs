//! Sample documents from the demo data (the two seed notices), for tests, the benchmark
//! and anyone who wants to look at the layouts: `renke bench pdf --out DIR` writes them.

use super::{
    ActivityRow, Certificate, ContactLine, Figure, Material, NoticeDoc, Report, UnitSummary,
};
use chrono::NaiveDate;
use renke_domain::demo;
use renke_domain::notice::Publication;

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// The demo notices as the web layer maps them once issued: SAMR's 市监认证函〔2022〕764号
/// first, then Guangdong's 粤市监认监〔2022〕253号 relaying it (the original is its
/// first attachment, and follows it in print).
pub fn notices() -> Vec<NoticeDoc> {
    let orgs = demo::orgs();
    let name = |code: &'static str| -> &'static str {
        orgs.iter()
            .find(|o| o.code == code)
            .map_or(code, |o| o.name)
    };
    let all = demo::notices::notices();
    let mut docs = all
        .iter()
        .map(|n| {
            let attachments = n
                .relays
                .and_then(|i| all.get(i))
                .map(|o| renke_domain::notice::cite(o.title, o.doc_number))
                .into_iter()
                .collect();
            NoticeDoc {
                issuer_mark: format!("{}文件", name(n.issuer_code)),
                doc_number: n.doc_number.map(str::to_owned),
                title: n.title.into(),
                recipients: n.recipients.iter().map(|r| r.2.to_owned()).collect(),
                body: n.body.into(),
                attachments,
                signature: n.signature.into(),
                written_on: date(n.written_on).unwrap_or_default(),
                notes: None,
                contacts: n
                    .contacts
                    .iter()
                    .map(|c| ContactLine {
                        name: opt(c.0),
                        phone: opt(c.1),
                        email: opt(c.2),
                    })
                    .collect(),
                publication: Publication::Active,
                cc: opt(n.cc),
                printed_by: opt(n.printed_by),
                printed_on: date(n.printed_on),
                proofreader: opt(n.proofreader),
                draft: false,
                relayed: None,
            }
        })
        .collect::<Vec<_>>();
    // A relay prints the notice it relays after its own.
    let originals: Vec<Option<NoticeDoc>> = all
        .iter()
        .map(|n| n.relays.and_then(|i| docs.get(i)).cloned())
        .collect();
    for (d, o) in docs.iter_mut().zip(originals) {
        d.relayed = o.map(Box::new);
    }
    docs
}

/// A certificate for a participant of Guangdong's SME QMS training (invented person).
pub fn certificate() -> Certificate {
    Certificate {
        number: "RK-2022-0007-000123".into(),
        person: "陈演示".into(),
        person_org: Some("广州演示检测技术有限公司".into()),
        activity: "中小微企业质量管理体系免费培训".into(),
        session: Some("广州片区现场培训".into()),
        starts_on: date("2022-06-15").unwrap_or_default(),
        ends_on: date("2022-06-16"),
        organiser: "广东省市场监督管理局".into(),
        issued_on: date("2022-06-16").unwrap_or_default(),
        verify_code: "K7M2-Q9XD".into(),
        verify_url: "http://127.0.0.1:8080/verify/K7M2Q9XD".into(),
    }
}

/// Guangdong's compiled report on the 253号 task (invented figures).
pub fn report() -> Report {
    let unit = |u: &str, status: &str, on: &str, summary: &str| UnitSummary {
        unit: u.into(),
        status: status.into(),
        submitted_on: date(on),
        summary: summary.into(),
    };
    Report {
        title: "广东省第十五个“世界认可日”活动开展情况汇总".into(),
        organisation: "广东省市场监督管理局".into(),
        task: Some("活动开展情况和宣传报道资料".into()),
        notice: Some("粤市监认监〔2022〕253号".into()),
        submit_to: Some("市场监管总局认证监管司".into()),
        compiled_on: date("2022-06-22").unwrap_or_default(),
        introduction: Some(
            "按照市场监管总局部署，全省各地市局围绕主题开展了系列活动。现将各地报送情况汇总如下。"
                .into(),
        ),
        text: None,
        units: vec![
            unit(
                "深圳市市场监督管理局",
                "已采纳",
                "2022-06-18",
                "6月9日组织全市检验检测机构收看主场活动。\n开展实验室开放日2场。",
            ),
            unit(
                "广州市市场监督管理局",
                "已采纳（逾期）",
                "2022-06-21",
                "组织中小微企业质量管理体系培训。",
            ),
        ],
        activities: vec![
            ActivityRow {
                unit: "深圳市市场监督管理局".into(),
                title: "实验室“云开放”直播".into(),
                when: "6月9日".into(),
                participants: Some(1200),
                figures: vec![Figure {
                    label: "观看人次".into(),
                    value: "15000".into(),
                }],
            },
            ActivityRow {
                unit: "广州市市场监督管理局".into(),
                title: "中小微企业质量管理体系培训（广州片区）".into(),
                when: "6月15日—16日".into(),
                participants: Some(86),
                figures: vec![],
            },
        ],
        materials: vec![
            Material {
                unit: "深圳市市场监督管理局".into(),
                title: "活动照片".into(),
                kind: "宣传报道素材".into(),
                version: None,
                link: Some("https://renke.example.org/files/42".into()),
            },
            Material {
                unit: "广州市市场监督管理局".into(),
                title: "培训签到表".into(),
                kind: "其他".into(),
                version: Some("第2版".into()),
                link: Some("javascript:alert(1)".into()),
            },
        ],
    }
}
