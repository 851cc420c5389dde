//! Every activity the two seed notices name, with its organisers (主办 / 承办 / 协办 / 指导),
//! times, venues and audience. Times and places come from the notices; where a notice gives
//! only a period (5月—6月) the activity is a period. The sessions of the SME training
//! series (cities, dates, capacities, online links) and the people registered for them are
//! invented for the demo.

/// When, as typed: `("window", start, end)` in Beijing time or `("period", from, to)` with a label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoWhen {
    Window(&'static str, &'static str),
    Period(&'static str, &'static str, &'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoVenue {
    pub kind: &'static str,
    pub name: &'static str,
    pub org: Option<&'static str>,
    pub room: Option<&'static str>,
    pub address: Option<&'static str>,
    pub capacity: Option<i32>,
    pub url: Option<&'static str>,
    /// (category, department code, label).
    pub participants: Vec<(&'static str, Option<&'static str>, &'static str)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSession {
    pub title: &'static str,
    pub starts_at: &'static str,
    pub ends_at: &'static str,
    pub capacity: &'static str,
    pub closes_at: &'static str,
    pub city: &'static str,
    pub online_url: &'static str,
}

/// A demo registration: session index, name, company, position, phone, e-mail, audience role.
pub type DemoRegistration = (
    usize,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoActivity {
    pub owner: &'static str,
    pub kind: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// (role, organisation code, name as written when outside the directory).
    pub organisers: Vec<(&'static str, Option<&'static str>, Option<&'static str>)>,
    pub when: DemoWhen,
    pub mode: &'static str,
    pub audience: &'static str,
    pub audience_roles: Vec<&'static str>,
    pub public: bool,
    /// Index of the notice it comes from in `demo::notices::notices()`.
    pub notice: Option<usize>,
    pub form_fields: Vec<&'static str>,
    pub venues: Vec<DemoVenue>,
    /// A branch venue for every child of this organisation of this kind.
    pub branch_venues: Option<(&'static str, &'static str)>,
    pub sessions: Vec<DemoSession>,
    /// (label, start in Beijing time).
    pub debug_slots: Vec<(&'static str, &'static str)>,
    pub registrations: Vec<DemoRegistration>,
}

fn base(owner: &'static str, kind: &'static str, title: &'static str) -> DemoActivity {
    DemoActivity {
        owner,
        kind,
        title,
        description: "",
        organisers: Vec::new(),
        when: DemoWhen::Period("2022-06-01", "2022-06-30", "6月9日前后"),
        mode: "online",
        audience: "",
        audience_roles: Vec::new(),
        public: true,
        notice: None,
        form_fields: Vec::new(),
        venues: Vec::new(),
        branch_venues: None,
        sessions: Vec::new(),
        debug_slots: Vec::new(),
        registrations: Vec::new(),
    }
}

fn room(kind: &'static str, name: &'static str, room: &'static str) -> DemoVenue {
    DemoVenue {
        kind,
        name,
        org: None,
        room: Some(room),
        address: None,
        capacity: None,
        url: None,
        participants: Vec::new(),
    }
}

fn session(
    title: &'static str,
    starts_at: &'static str,
    ends_at: &'static str,
    capacity: &'static str,
    city: &'static str,
    online_url: &'static str,
) -> DemoSession {
    DemoSession {
        title,
        starts_at,
        ends_at,
        capacity,
        closes_at: "",
        city,
        online_url,
    }
}

const HOST: &str = "host";
const UNDERTAKER: &str = "undertaker";
const CO: &str = "co_organiser";
const GUIDE: &str = "guide";

/// Every activity of both seed notices.
pub fn activities() -> Vec<DemoActivity> {
    let mut v = Vec::new();

    // ---- SAMR, 市监认证函〔2022〕764号
    let mut main = base("SAMR", "main_event", "第十五个“世界认可日”主场活动");
    main.description = "市场监管总局（认监委）在北京举办“世界认可日”主场活动，总局领导出席并讲话。活动以线上为主，通过总局视频会议系统直播，组织地方市场监管部门和从业机构收看。";
    main.organisers = vec![
        (HOST, Some("SAMR"), None),
        (UNDERTAKER, Some("CNAS"), None),
        (CO, Some("SAMR-RYZX"), None),
        (CO, Some("CCAA"), None),
    ];
    main.when = DemoWhen::Window("2022-06-09 10:00", "2022-06-09 11:00");
    main.mode = "video_conference";
    main.audience = "总局领导，总局相关司局和直属单位负责人；各省级市场监管部门主管认证认可检验检测工作的负责人及有关处室人员";
    main.notice = Some(0);
    main.venues = vec![
        DemoVenue {
            participants: vec![
                ("leaders", None, "总局领导"),
                ("department_heads", None, "总局相关司局和直属单位负责人"),
                ("department_staff", Some("SAMR-RZJGS"), "认证监管司干部"),
                ("department_staff", Some("SAMR-RKJCS"), "认可检测司干部"),
            ],
            ..room("main", "三里河办公区", "10层中会议室")
        },
        room("main", "安外办公区", "202会议室"),
    ];
    main.branch_venues = Some(("SAMR", "regulator"));
    main.debug_slots = vec![("总局信息中心视频会议系统调试", "2022-06-08 09:00")];
    v.push(main);

    let mut series = base("SAMR", "local_series", "各地“世界认可日”系列活动");
    series.description = "各地市场监管部门和从业机构结合实际，在“世界认可日”前后组织开展系列活动，宣传认证认可检验检测服务经济社会发展的积极作用。";
    series.organisers = vec![(GUIDE, Some("SAMR"), None)];
    series.mode = "hybrid";
    series.audience = "各地市场监管部门和从业机构";
    series.notice = Some(0);
    v.push(series);

    // ---- Guangdong, 粤市监认监〔2022〕253号
    let mut viewing = base(
        "GD",
        "collective_viewing",
        "集中收看总局“世界认可日”主场活动",
    );
    viewing.organisers = vec![(HOST, Some("GD"), None)];
    viewing.when = DemoWhen::Window("2022-06-09 10:00", "2022-06-09 11:00");
    viewing.mode = "video_conference";
    viewing.audience = "省局分管领导，有关处室负责人及认监处全体人员；各地市局参会人员范围参照省局";
    viewing.public = false;
    viewing.notice = Some(1);
    let mut participants = vec![("leaders", None, "省局分管领导")];
    for (code, label) in [
        ("GD-ZFJDC", "执法监督处负责人"),
        ("GD-BZHC", "标准化处负责人"),
        ("GD-ZLFZC", "质量发展处负责人"),
        ("GD-ZLJDC", "质量监督处负责人"),
        ("GD-SPSCC", "食品生产处负责人"),
        ("GD-SPJYC", "食品经营处负责人"),
        ("GD-TSSPC", "特殊食品处负责人"),
        ("GD-TZSBC", "特种设备处负责人"),
        ("GD-JLC", "计量处负责人"),
    ] {
        participants.push(("department_heads", Some(code), label));
    }
    participants.push(("department_staff", Some("GD-RJC"), "认监处全体人员"));
    viewing.venues = vec![DemoVenue {
        org: Some("GD"),
        participants,
        ..room("room", "广东省市场监督管理局", "1301会议室")
    }];
    viewing.branch_venues = Some(("GD", "regulator"));
    viewing.debug_slots = vec![("总局视频会议联调（省局视频会议系统）", "2022-06-08 14:30")];
    v.push(viewing);

    let mut lecture = base("GD", "lecture", "专题讲座：认证认可：服务绿色发展");
    lecture.description = "邀请深圳市计量质量检测研究院院长李翔通过省局视频会议系统向全省市场监管部门检验检测认证监管人员做专题讲座。";
    lecture.organisers = vec![(HOST, Some("GD"), None), (CO, Some("GD-SZ-JLY"), None)];
    lecture.when = DemoWhen::Window("2022-06-08 09:30", "2022-06-08 11:00");
    lecture.mode = "video_conference";
    lecture.audience = "全省市场监管部门检验检测认证监管人员";
    lecture.audience_roles = vec!["regulatory_staff"];
    lecture.public = false;
    lecture.notice = Some(1);
    lecture.venues = vec![room("main", "广东省市场监督管理局", "视频会议室")];
    lecture.branch_venues = Some(("GD", "regulator"));
    lecture.debug_slots = vec![("专题讲座调试", "2022-06-07 14:30")];
    v.push(lecture);

    for title in [
        "检验检测机构能力验证：家电（电气产品绝缘电阻测试）",
        "检验检测机构能力验证：食品（大米重金属和农药残留测定）",
        "检验检测机构能力验证：防疫产品（一次性使用医用口罩微生物测定）",
    ] {
        let mut pt = base("GD", "proficiency_testing", title);
        pt.description = "社会重点关注领域的检验检测机构能力验证。";
        pt.organisers = vec![(HOST, Some("GD"), None)];
        pt.when = DemoWhen::Period("2022-05-01", "2022-06-30", "5月—6月");
        pt.mode = "offline";
        pt.audience = "获得省级资质认定的检验检测机构；邀请获得国家级资质认定的检验检测机构和具备相应能力的港澳地区检验检测机构参加";
        pt.audience_roles = vec!["institution_staff"];
        pt.public = false;
        pt.notice = Some(1);
        v.push(pt);
    }

    let mut qms = base("GD", "training", "全省中小微企业质量管理体系免费培训");
    qms.description = "以网上直播课堂、分片区现场培训等形式，重点培训企业负责人和质量管理人员，推动企业导入运行质量管理体系。";
    qms.organisers = vec![
        (HOST, Some("GD"), None),
        (UNDERTAKER, Some("GD-RZRKXH"), None),
    ];
    qms.when = DemoWhen::Period("2022-05-01", "2022-06-30", "5月—6月");
    qms.mode = "hybrid";
    qms.audience = "全省中小微企业负责人和质量管理人员（免费）";
    qms.audience_roles = vec!["company_head", "quality_manager"];
    qms.notice = Some(1);
    qms.form_fields = vec![
        "name",
        "company",
        "position",
        "phone",
        "email",
        "attendance",
    ];
    qms.sessions = vec![
        session(
            "网上直播课堂（一）：质量管理体系导入",
            "2022-05-24 14:30",
            "2022-05-24 16:30",
            "500",
            "",
            "https://live.example.org/gd-qms-1",
        ),
        session(
            "珠三角片区现场培训（广州）",
            "2022-05-27 09:00",
            "2022-05-27 12:00",
            "80",
            "广州",
            "",
        ),
        session(
            "粤东片区现场培训（汕头）",
            "2022-06-01 09:00",
            "2022-06-01 12:00",
            "60",
            "汕头",
            "",
        ),
        session(
            "粤西片区现场培训（湛江）",
            "2022-06-08 09:00",
            "2022-06-08 12:00",
            "60",
            "湛江",
            "",
        ),
        session(
            "粤北片区现场培训（韶关）",
            "2022-06-14 09:00",
            "2022-06-14 12:00",
            "60",
            "韶关",
            "",
        ),
        session(
            "网上直播课堂（二）：内部审核与管理评审",
            "2022-06-16 14:30",
            "2022-06-16 16:30",
            "500",
            "",
            "https://live.example.org/gd-qms-2",
        ),
    ];
    qms.registrations = vec![
        (
            1,
            "陈演示",
            "广州示例电器有限公司",
            "总经理",
            "13800000101",
            "chen.demo@example.org",
            "company_head",
        ),
        (
            1,
            "林演示",
            "广州示例食品有限公司",
            "质量经理",
            "13800000102",
            "lin.demo@example.org",
            "quality_manager",
        ),
        (
            2,
            "黄演示",
            "汕头示例玩具有限公司",
            "质量主管",
            "13800000103",
            "huang.demo@example.org",
            "quality_manager",
        ),
        (
            0,
            "梁演示",
            "佛山示例五金有限公司",
            "质量经理",
            "13800000104",
            "liang.demo@example.org",
            "quality_manager",
        ),
        (
            3,
            "郑演示",
            "湛江示例水产有限公司",
            "品控主管",
            "13800000105",
            "zheng.demo@example.org",
            "quality_manager",
        ),
    ];
    v.push(qms);

    // ---- Shanghai: eight activities
    let mut pub1 = base(
        "SH",
        "online_publicity",
        "“传递质量信任，服务绿色发展”线上主题宣传活动",
    );
    pub1.description = "发布2022年度本市检验检测创新案例、举行“上海品牌”认证获证组织集中颁证仪式等；浦东新区市场监管局举办“检测认证助力疫情防控 助推复工复产”线上主题宣传活动。";
    pub1.organisers = vec![
        (HOST, Some("SH"), None),
        (HOST, Some("SH-PD"), None),
        (UNDERTAKER, Some("SH-JJRXH"), None),
        (UNDERTAKER, Some("SH-CQC"), None),
        (UNDERTAKER, Some("SH-PPLM"), None),
        (UNDERTAKER, Some("SH-PD-BRI"), None),
        (UNDERTAKER, Some("SH-SEARI"), None),
    ];
    v.push(pub1);

    let mut report = base(
        "SH",
        "report_release",
        "发布2021年度检验检测认证行业发展情况",
    );
    report.organisers = vec![(HOST, Some("SH"), None), (HOST, Some("SH-SJTU-ACEM"), None)];
    v.push(report);

    let mut forum = base(
        "SH",
        "forum",
        "“上海品牌”认证分论坛：推动上海品牌建设和高质量发展",
    );
    forum.organisers = vec![
        (GUIDE, Some("SH"), None),
        (UNDERTAKER, Some("SH-JJRXH"), None),
    ];
    forum.audience = "长三角品牌建设代表、认证联盟成员代表和获证组织代表";
    v.push(forum);

    let mut initiative = base(
        "SH",
        "industry_initiative",
        "检验检测行业支持复工复产倡议活动",
    );
    initiative.organisers = vec![
        (GUIDE, Some("SH"), None),
        (UNDERTAKER, Some("SH-JJRXH"), None),
    ];
    v.push(initiative);

    let mut collect = base(
        "SH",
        "material_collection",
        "展示检验检测认证行业疫情防控成果",
    );
    collect.organisers = vec![
        (GUIDE, Some("SH"), None),
        (UNDERTAKER, None, Some("各区市场监管局")),
        (UNDERTAKER, Some("SH-JJRXH"), None),
        (UNDERTAKER, Some("SH-SJY"), None),
    ];
    v.push(collect);

    let mut science = base(
        "SH",
        "science_popularisation",
        "助力从业机构复工复产科普宣传",
    );
    science.organisers = vec![
        (GUIDE, Some("SH"), None),
        (UNDERTAKER, Some("SH-SJY"), None),
    ];
    v.push(science);

    let mut open_day = base("SH", "cloud_open_day", "实验室“云开放”直播活动");
    open_day.organisers = vec![
        (UNDERTAKER, Some("SH-JA"), None),
        (UNDERTAKER, Some("SH-MH"), None),
        (UNDERTAKER, Some("SH-CM"), None),
        (UNDERTAKER, Some("SH-SQI"), None),
    ];
    open_day.mode = "livestream";
    open_day.audience = "广大市民群众";
    open_day.audience_roles = vec!["public"];
    v.push(open_day);

    let mut training = base("SH", "training", "认证认可检验检测系列宣贯培训");
    training.organisers = vec![
        (GUIDE, Some("SH"), None),
        (UNDERTAKER, None, Some("各区市场监管局")),
        (UNDERTAKER, Some("SH-JJRXH"), None),
        (UNDERTAKER, Some("SH-QYWL"), None),
    ];
    training.description = "利用“沪检云”公共服务平台开展检测技术、资质认定、能力验证、标准文件、政策法规等培训，开展中小微企业质量管理体系和双碳、绿色产品认证宣贯。";
    v.push(training);

    v
}
