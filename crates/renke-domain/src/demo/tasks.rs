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

/// Shanghai's notice on 2022 World Accreditation Day publicity (the seed `002_…`).
pub fn shanghai_notice() -> DemoNotice {
    DemoNotice {
        issuer_code: "SH",
        doc_number: "沪市监认证〔2022〕1号",
        title: "上海市市场监督管理局关于积极开展2022年“世界认可日”宣传活动的通知",
        recipients: vec![(
            "SH",
            Some(OrgKind::Regulator),
            "各区市场监管局，临港新片区市场监管局",
        )],
        body: r#"2022年6月9日是第15个“世界认可日”，为切实体现认证认可检验检测在积极服务疫情防控和经济发展中的重要作用，进一步展示认证认可检验检测在促进质量提升、服务市场监管方面取得的新成绩，我局将会同相关单位在本市组织开展2022年“世界认可日”宣传活动，现将有关事项通知如下：
一、活动主题
国际认可论坛、国际实验室认可合作组织（IAF/ILAC）确定今年“世界认可日”的国际主题为“认可：促进经济和环境可持续发展”。市场监管总局（国家认证认可监督管理委员会）确定今年“世界认可日”的国内主题为“认证认可检验检测：传递质量信任，服务绿色发展”。
二、重点活动内容
（一）举办“6·9世界认可日”主题宣传活动
（二）发布2021年度检验检测认证行业发展情况
（三）举办“上海品牌”认证分论坛
（四）开展检验检测行业支持复工复产倡议活动
（五）展示检验检测认证行业疫情防控成果
（六）开展助力从业机构复工复产科普宣传
（七）开展实验室“云开放”活动
（八）开展认证认可检验检测系列宣贯培训
三、活动要求
（一）精心组织，营造氛围
（二）聚焦主题，突出亮点
（三）创新形式，增强实效
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
            by: "admin",
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
            by: "admin",
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
            by: "admin",
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
            by: "admin",
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
        assert!(crate::notice::DocNumber::parse("d", shanghai_notice().doc_number).is_ok());
    }
}
