//! Reporting demo data: the tasks the seed notices ask for, Shanghai's notice with its
//! 500-character 活动总结, and submissions in every state a dashboard shows (on time, late,
//! returned, draft, missing).
//!
//! The seeds fix: SAMR's 764号 asks the provinces to report 活动方案, 活动开展情况 and
//! 宣传报道素材 "及时报送" — three tasks without a deadline, the plan before the day and
//! the other two after it; Guangdong's 253号 asks its cities for 活动开展情况和宣传报道资料
//! by 2022-06-20 to 认监处 (one task, relaying SAMR's 活动开展情况); Shanghai asks for a
//! 活动总结 of about 500 characters, on paper and electronically, by 2022-06-25, and for
//! 信息和新闻稿件 "及时…上报" (a stream task: many items per district). Invented
//! here: Shanghai's 发文字号 and 成文日期 (the seed text carries none), the contact persons
//! and the submissions' content.

use super::notices::DemoNotice;
use crate::org::OrgKind;

/// A demo task on one of the demo notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoTask {
    /// Index into the demo notices followed by [`shanghai_notice`] (0 SAMR, 1 Guangdong,
    /// 2 Shanghai).
    pub notice: usize,
    /// Index of the demo task this one relays.
    pub parent: Option<usize>,
    pub kind: &'static str,
    pub title: &'static str,
    pub instructions: &'static str,
    /// Shanghai time; None: 及时报送, as the notice asks.
    pub deadline: Option<&'static str>,
    pub submit_to: &'static str,
    pub submit_to_dept: &'static str,
    pub length_target: &'static str,
    pub paper_required: bool,
}

/// A demo submission: who, when (Shanghai time), what, and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSubmission {
    pub task: usize,
    pub org: &'static str,
    /// Demo login of the person who sent it (`admin` where the unit has no demo account).
    pub by: &'static str,
    /// None: a draft only.
    pub submitted_at: Option<&'static str>,
    pub summary: &'static str,
    pub activities: i64,
    pub participants: i64,
    pub publicity_items: i64,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Left as it is (a draft, or awaiting review).
    None,
    Accepted,
    Returned(&'static str),
}

/// Shanghai's notice on 2022 World Accreditation Day publicity (the seed `002_…`): its
/// full text and 主送, except the contact sentence at the end, whose real names and
/// addresses the demo replaces with an invented contact person (as for the other notices).
pub fn shanghai_notice() -> DemoNotice {
    DemoNotice {
        issuer_code: "SH",
        // The seed carries no 发文字号: the notice shows 无文号.
        doc_number: None,
        title: "上海市市场监督管理局关于积极开展2022年“世界认可日”宣传活动的通知",
        // The seed's 主送 in full: the districts and 临港, then three institutions.
        recipients: vec![
            (
                "SH",
                Some(OrgKind::Regulator),
                "各区市场监管局，临港新片区市场监管局",
            ),
            ("SH-SQI", None, "市质量监督检验技术研究院"),
            ("SH-JJRXH", None, "市检验检测认证协会"),
            ("SH-SJY", None, "上海尚检检测认证技术研究院"),
        ],
        body: r#"2022年6月9日是第15个“世界认可日”，为切实体现认证认可检验检测在积极服务疫情防控和经济发展中的重要作用，进一步展示认证认可检验检测在促进质量提升、服务市场监管方面取得的新成绩，我局将会同相关单位在本市组织开展2022年“世界认可日”宣传活动，现将有关事项通知如下：
一、活动主题
国际认可论坛、国际实验室认可合作组织（IAF/ILAC）确定今年“世界认可日”的国际主题为“认可：促进经济和环境可持续发展”。为深入贯彻习近平生态文明思想，认真履行市场监管部门职责，推动检验检测认证行业更加规范健康发展，在服务绿色发展中更加积极作为，市场监管总局（国家认证认可监督管理委员会）确定今年“世界认可日”的国内主题为“认证认可检验检测：传递质量信任，服务绿色发展”。
二、重点活动内容
（一）举办“6·9世界认可日”主题宣传活动
由市市场监管局举办“传递质量信任，服务绿色发展”线上主题宣传活动，通过发布2022年度本市检验检测创新案例、举行“上海品牌”认证获证组织集中颁证仪式等，集中展现本市检验检测认证行业发展成果和突出作用。聚焦提高产业创新力，增强绿色发展新动能，加快推动检验检测认证服务向专业化和价值链高端延伸，实现与强化“四大功能”、深化“五个中心”建设的深度融合。由浦东新区市场监管局举办“检测认证助力疫情防控 助推复工复产”线上主题宣传活动，切实体现检测认证助力抗击疫情、服务民生的积极作用。（市市场监管局、浦东新区市场监管局分别主办，市检验检测认证协会、中国质量认证中心上海分中心、上海品牌国际认证联盟、上海自贸区“一带一路”技术交流国际合作中心、上海电科所等承办）
（二）发布2021年度检验检测认证行业发展情况
由市市场监管局联合上海交通大学安泰学院，结合行业资源统计数据分析和行业领域专题研究成果，发布2021年度本市检验检测认证行业发展情况，展示行业发展现状、趋势、特点，为助推行业健康有序发展提供科学指引和展望。（市市场监管局、上海交通大学安泰学院联合主办）
（三）举办“上海品牌”认证分论坛
聚焦“四大品牌”建设，举办以“推动上海品牌建设和高质量发展”为主题的线上分论坛。邀请长三角品牌建设代表、认证联盟成员代表和获证组织代表等，共同探讨品牌建设和质量提升工作，切实推动上海国际化品牌服务高地建设。（市市场监管局指导，市检验检测认证协会承办）
（四）开展检验检测行业支持复工复产倡议活动
发挥行业协会引领作用，在全行业发起支持疫情防控和复工复产行动倡议。倡议全行业凝聚抗击疫情的精神力量，主动承担社会责任，全力参与疫情防控工作，积极推进复工复产。（市市场监管局指导，市检验检测认证协会承办）
（五）展示检验检测认证行业疫情防控成果
征集本市检验检测认证行业疫情防控宣传素材，展现战斗在抗击疫情一线的检验检测认证人员的工作战绩、有效举措、奉献精神，宣传疫情防控正能量，展现检验检测认证行业众志成城筑牢防线、齐心协力打好疫情防控阻击战、勇担检验检测认证行业社会责任的工作风貌。（市市场监管局指导，各区市场监管局、市检验检测认证协会、上海尚检检测认证技术研究院承办）
（六）开展助力从业机构复工复产科普宣传
组织开展疫情防控在线科普宣传，邀请有关行业专家分享常态防疫经验方法、工作场所清洁消毒、重点区域风险防控等方面知识，切实提升从业机构疫情防控防护能力和水平，帮助从业机构在常态化疫情防控下加快推进复工复产。（市市场监管局指导，上海尚检检测认证技术研究院承办）
（七）开展实验室“云开放”活动
开展实验室“云开放”直播活动，让广大市民群众足不出户近距离了解和接触检验检测行业知识，充分展现检验检测机构在保障产品质量安全方面的重要技术支撑作用，以及检验检测在促进产业优化升级和产品质量提升等方面的创新作用。提高检验检测公信力，更好传递信任。（静安区市场监管局、闵行区市场监管局、崇明区市场监管局、市质量监督检验技术研究院等承办）
（八）开展认证认可检验检测系列宣贯培训
利用“沪检云”公共服务平台，加强对从业机构在检测技术、资质认定、能力验证、标准文件、政策法规等方面培训；针对本市认证机构的特点和需求，开展专项宣贯活动，提升机构的管理能力和认证质量；加大“上海品牌”认证相关制度、“一带一路”准入制度和《标准化法》等法律知识的普法宣传；开展中小微企业质量管理体系培训宣贯，深入推进小微企业质量管理体系认证提升行动；组织开展双碳和绿色产品认证技术和政策宣贯，提升绿色认证的社会认知度和影响力。（市市场监管局指导，各区市场监管局、市检验检测认证协会、上海牵翼网络科技有限公司等承办）
三、活动要求
（一）精心组织，营造氛围
各单位要在做好疫情防控工作的同时，扎实开展2022年“世界认可日”宣传活动，提高宣传的时效性和影响力，努力营造良好的宣传氛围。各区市场监管局要积极组织辖区从业机构共同参与，进一步提高认证认可检验检测的社会认知度、企业认同感、消费者获得感，使社会各界更加关心了解认证认可检验检测工作。
（二）聚焦主题，突出亮点
各单位要围绕活动主题，重点体现检验检测认证行业切实践行“传递信任，服务发展”的责任和使命，在助推社会经济高质量发展和加快引导绿色生产、绿色消费等方面发挥的重要支撑作用。同时，要紧密结合本市实际，重点征集检验检测认证行业在疫情防控期间履行社会责任、守护安全底线、服务复工复产等方面的典型事例，进一步弘扬抗疫正能量。
（三）创新形式，增强实效
鉴于当前疫情形势仍然严峻，各单位要不断创新宣传形式,充分发挥互联网的开放性、即时性，用好“两微一端”等新媒体，组织开展丰富多彩的线上活动。要不断延伸宣传外沿，扩大影响覆盖面，把认证认可检验检测“传递信任、服务发展”的本质属性传播给广大民众。
（四）认真总结，及时报送
各单位要对“世界认可日”宣传活动开展情况进行认真总结，及时将活动期间的好做法、好经验形成信息和新闻稿件上报，并于2022年6月25日前将活动总结（500字左右）纸质版和电子版报送市市场监管局。"#,
        signature: "上海市市场监督管理局",
        written_on: "2022-05-30",
        contacts: vec![("李演示", "021-00000001", "li.demo@example.org")],
        cc: "",
        printed_by: "",
        printed_on: "",
        proofreader: "",
        relays: None,
        acknowledged_by: vec![("SH-PD", "shpd.staff")],
    }
}

/// The index in [`tasks`] of Guangdong's task (253号), which relays SAMR's 活动开展情况.
pub const GUANGDONG_TASK: usize = 3;
/// The index in [`tasks`] of Shanghai's 活动总结.
pub const SHANGHAI_TASK: usize = 4;

pub fn tasks() -> Vec<DemoTask> {
    let samr = |kind, title, instructions| DemoTask {
        notice: 0,
        parent: None,
        kind,
        title,
        instructions,
        deadline: None,
        submit_to: "SAMR",
        submit_to_dept: "认证监督管理司",
        length_target: "",
        paper_required: false,
    };
    vec![
        samr(
            "plan",
            "“世界认可日”活动方案",
            "及时报送本地区“世界认可日”活动方案（活动开展前）。",
        ),
        samr(
            "progress",
            "活动开展情况",
            "活动开展后及时报送活动开展情况，并加强对辖区内市、县（区）市场监管部门的工作指导。",
        ),
        samr(
            "publicity",
            "宣传报道素材",
            "活动期间及活动开展后及时报送宣传报道素材。",
        ),
        DemoTask {
            notice: 1,
            parent: Some(1),
            kind: "progress",
            title: "活动开展情况和宣传报道资料",
            instructions: "",
            deadline: Some("2022-06-20"),
            submit_to: "GD",
            submit_to_dept: "认监处",
            length_target: "",
            paper_required: false,
        },
        DemoTask {
            notice: 2,
            parent: None,
            kind: "summary",
            title: "活动总结",
            instructions: "",
            deadline: Some("2022-06-25"),
            submit_to: "SH",
            submit_to_dept: "",
            length_target: "500",
            paper_required: true,
        },
        // "及时将活动期间的好做法、好经验形成信息和新闻稿件上报": many items per district.
        DemoTask {
            notice: 2,
            parent: None,
            kind: "news",
            title: "信息和新闻稿件",
            instructions: "及时将活动期间的好做法、好经验形成信息和新闻稿件上报，每篇单独报送。",
            deadline: None,
            submit_to: "SH",
            submit_to_dept: "",
            length_target: "",
            paper_required: false,
        },
    ]
}

pub fn submissions() -> Vec<DemoSubmission> {
    vec![
        DemoSubmission {
            task: GUANGDONG_TASK,
            org: "GD-SZ",
            by: "gdsz.staff",
            submitted_at: Some("2022-06-15 16:30"),
            summary: "深圳市局围绕“传递质量信任 服务绿色发展”主题，组织检验检测机构开展实验室开放日和专题宣传活动，发布典型案例，在主流媒体刊发报道。",
            activities: 6,
            participants: 850,
            publicity_items: 12,
            outcome: Outcome::Accepted,
        },
        DemoSubmission {
            task: GUANGDONG_TASK,
            org: "GD-GZ",
            by: "gdgz.staff",
            submitted_at: Some("2022-06-16 10:00"),
            summary: "广州市局组织收看总局主场活动并开展宣传。",
            activities: 2,
            participants: 120,
            publicity_items: 1,
            outcome: Outcome::Returned("请补充宣传报道资料和活动照片。"),
        },
        DemoSubmission {
            task: GUANGDONG_TASK,
            org: "GD-FS",
            by: "gdfs.staff",
            submitted_at: Some("2022-06-22 09:00"),
            summary: "佛山市局开展中小微企业质量管理体系培训两场。",
            activities: 2,
            participants: 160,
            publicity_items: 3,
            outcome: Outcome::None,
        },
        DemoSubmission {
            task: GUANGDONG_TASK,
            org: "GD-DG",
            by: "gddg.staff",
            submitted_at: None,
            summary: "东莞市局活动开展情况（草稿）",
            activities: 1,
            participants: 0,
            publicity_items: 0,
            outcome: Outcome::None,
        },
        DemoSubmission {
            task: SHANGHAI_TASK,
            org: "SH-PD",
            by: "shpd.staff",
            submitted_at: Some("2022-06-20 15:00"),
            summary: "浦东新区市场监管局举办“检测认证助力疫情防控 助推复工复产”线上主题宣传活动，组织辖区检验检测认证机构参与，展示行业助力抗击疫情、服务民生的积极作用。",
            activities: 3,
            participants: 2000,
            publicity_items: 5,
            outcome: Outcome::Accepted,
        },
        DemoSubmission {
            task: SHANGHAI_TASK,
            org: "SH-JA",
            by: "shja.staff",
            submitted_at: Some("2022-06-27 11:00"),
            summary: "静安区市场监管局组织实验室“云开放”直播活动。",
            activities: 1,
            participants: 5000,
            publicity_items: 2,
            outcome: Outcome::None,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::{Deadline, TaskInput};
    use chrono::{TimeZone, Utc};

    #[test]
    fn demo_tasks_are_valid_and_relays_fall_due_first() {
        let now = Utc.with_ymd_and_hms(2022, 5, 1, 0, 0, 0).unwrap();
        let tasks = tasks();
        let mut deadlines: Vec<Option<Deadline>> = Vec::new();
        for t in &tasks {
            let input = TaskInput {
                kind: t.kind.into(),
                title: t.title.into(),
                deadline: t.deadline.unwrap_or_default().into(),
                timely: t.deadline.is_none(),
                submit_to_org_id: 1,
                submit_to_dept: t.submit_to_dept.into(),
                length_target: t.length_target.into(),
                paper_required: t.paper_required,
                ..Default::default()
            };
            let parent = t.parent.and_then(|p| deadlines[p]);
            let d = input.validate(now, parent).unwrap();
            deadlines.push(d.deadline);
        }
        // 764号's three tasks are 及时报送; Guangdong's and Shanghai's have the seeds' dates.
        assert_eq!(&deadlines[..3], [None, None, None]);
        let date = |i: usize| deadlines[i].map(Deadline::shanghai);
        assert_eq!(date(GUANGDONG_TASK).as_deref(), Some("2022-06-20 23:59"));
        assert_eq!(date(SHANGHAI_TASK).as_deref(), Some("2022-06-25 23:59"));
        assert_eq!(tasks[SHANGHAI_TASK].length_target, "500");
        assert_eq!(tasks[GUANGDONG_TASK].parent, Some(1), "relays 活动开展情况");
        for s in submissions() {
            assert!(s.task < tasks.len());
            assert!(crate::text::char_len(s.summary) <= 600);
        }
        assert_eq!(
            shanghai_notice().doc_number,
            None,
            "the seed has no 发文字号"
        );
    }
}
