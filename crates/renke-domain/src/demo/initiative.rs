//! Shanghai's industry initiative and its 上海品牌 certificate ceremony in the demo, as the
//! Shanghai notice describes them: (四) 市检验检测认证协会 launches the initiative
//! 支持疫情防控和复工复产 across the industry; (一) the online publicity event holds the
//! ceremony for the organisations certified under 上海品牌. The signers' names and the
//! certified organisations are invented (示例) — none is a real person or company.

/// The initiative: who publishes it, for which activity, to which kinds of institution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoInitiative {
    /// The publisher's organisation code.
    pub owner: &'static str,
    /// The title of the demo activity it belongs to.
    pub activity: &'static str,
    pub title: &'static str,
    pub body: &'static str,
    pub kinds: &'static [&'static str],
    /// Beijing time.
    pub published_at: &'static str,
    /// Organisation code, signer's name, title, Beijing time — before the demo's
    /// earliest clock, so they stand the same at every start.
    pub signatures: &'static [(&'static str, &'static str, &'static str, &'static str)],
}

pub fn initiative() -> DemoInitiative {
    DemoInitiative {
        owner: "SH-JJRXH",
        activity: "检验检测行业支持复工复产倡议活动",
        title: "关于检验检测认证行业支持疫情防控和复工复产的倡议书",
        body: "全市检验检测认证机构：\n\n\
            当前，疫情防控和复工复产进入关键阶段。为发挥行业协会引领作用，上海市检验检测认证协会在全行业发起支持疫情防控和复工复产行动倡议：\n\n\
            一、凝聚抗击疫情的精神力量。坚定信心、同舟共济，严格落实各项防控要求，保障从业人员健康安全。\n\
            二、主动承担社会责任。发挥专业优势，为防疫物资、民生商品和重点企业提供及时、准确、可靠的检验检测认证服务。\n\
            三、全力参与疫情防控工作。开辟绿色通道，优化服务流程，对防疫相关检测认证需求优先受理、加快出具结果。\n\
            四、积极推进复工复产。帮助企业解决质量、标准和认证方面的难题，助力产业链供应链稳定畅通。\n\
            五、坚守诚信底线。依法依规开展检验检测认证活动，确保数据和结果真实准确，共同维护行业公信力。\n\n\
            让我们携手同心，以实际行动传递质量信任，为本市疫情防控和经济社会发展贡献检验检测认证力量！\n\n\
            上海市检验检测认证协会",
        kinds: &["lab", "certification_body"],
        published_at: "2022-06-01 10:00",
        signatures: &[
            ("SH-SQI", "陈示例", "院长", "2022-06-01 14:20"),
            ("SH-CQC", "王示例", "主任", "2022-06-01 16:05"),
            ("SH-PD-LAB1", "刘示例", "总经理", "2022-06-01 17:30"),
            ("SH-JA-LAB1", "赵示例", "技术负责人", "2022-06-02 08:40"),
            ("SH-CB1", "孙示例", "总经理", "2022-06-02 09:15"),
        ],
    }
}

/// The title of the demo activity that holds the 上海品牌 ceremony (the online publicity
/// event of 市市场监管局, which 举行“上海品牌”认证获证组织集中颁证仪式).
pub const CEREMONY_ACTIVITY: &str = "“传递质量信任，服务绿色发展”线上主题宣传活动";

/// When the list was entered, Beijing time.
pub const CERTIFICATES_AT: &str = "2022-06-01 11:00";

/// The certified organisations: organisation, certificate number, scope, certification
/// body.
pub const CERTIFICATES: &[(&str, &str, &str, &str)] = &[
    (
        "上海示例电梯有限公司",
        "SHPP-2022-0001",
        "乘客电梯、载货电梯的设计、制造、安装和维修保养服务",
        "中国质量认证中心上海分中心",
    ),
    (
        "上海示例乳业有限公司",
        "SHPP-2022-0002",
        "巴氏杀菌乳、发酵乳的生产和配送",
        "中国质量认证中心上海分中心",
    ),
    (
        "上海示例仪表有限公司",
        "SHPP-2022-0003",
        "智能电能表、水表的设计和生产",
        "上海申信认证有限公司",
    ),
    (
        "上海示例物流有限公司",
        "SHPP-2022-0004",
        "冷链物流仓储和城市配送服务",
        "上海申信认证有限公司",
    ),
    (
        "上海示例食品有限公司",
        "SHPP-2022-0005",
        "糕点、月饼的生产和销售",
        "上海浦认质量认证有限公司",
    ),
    (
        "上海示例缝纫机械有限公司",
        "SHPP-2022-0006",
        "工业缝纫机的设计、生产和售后服务",
        "上海浦认质量认证有限公司",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ceremony::CertificateInput;
    use crate::initiative::{InitiativeInput, Signer};
    use std::collections::HashSet;

    /// The demo's initiative and certificates pass the rules the use cases apply, name
    /// organisations and activities of the demo, and number every certificate once.
    #[test]
    fn demo_initiative_and_certificates_are_valid() {
        let i = initiative();
        let kinds: Vec<String> = i.kinds.iter().map(|k| (*k).to_owned()).collect();
        InitiativeInput {
            title: i.title,
            body: i.body,
            kinds: &kinds,
        }
        .parse()
        .unwrap();
        let orgs = crate::demo::orgs();
        let known = |code: &str| orgs.iter().find(|o| o.code == code);
        assert!(known(i.owner).is_some());
        for &(code, name, title, _) in i.signatures {
            let o = known(code).unwrap();
            assert!(i.kinds.contains(&o.kind.as_str()), "{code}");
            Signer::parse(name, title).unwrap();
        }
        let titles: Vec<_> = crate::demo::activities::activities()
            .iter()
            .map(|a| a.title)
            .collect();
        assert!(titles.contains(&i.activity));
        assert!(titles.contains(&CEREMONY_ACTIVITY));
        let mut numbers = HashSet::new();
        for &(organisation, number, scope, body) in CERTIFICATES {
            let c = CertificateInput {
                organisation,
                number,
                scope,
                body,
            }
            .parse()
            .unwrap();
            assert!(numbers.insert(c.key()), "{number} twice");
        }
    }
}
