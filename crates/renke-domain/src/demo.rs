//! The demo dataset that `renke demo` loads into a fresh database: the organisations the two
//! seed notices name (SAMR and its departments and centres, every provincial-level bureau,
//! Guangdong's cities and departments, Shanghai's districts and the institutions both
//! notices address), demo accounts for every role at several levels, and the 15th World
//! Accreditation Day campaign.
//!
//! Organisations, themes and dates come from the published notices. Contact persons,
//! phone numbers and e-mail addresses are invented (the e-mail domain is the reserved
//! `example.org`), and so are the names of the demo labs and certification bodies.

use crate::campaign::CampaignInput;
use crate::import::{ACCOUNT_COLUMNS, ORG_COLUMNS, Table};
use crate::org::{AdminLevel, CmaLevel, OrgKind, Region};
use crate::perm::Role;
use chrono::NaiveDate;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "renke-demo-2022";

/// One organisation of the demo tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOrg {
    pub code: &'static str,
    pub parent: Option<&'static str>,
    pub name: &'static str,
    pub short_name: Option<&'static str>,
    pub name_en: Option<&'static str>,
    pub kind: OrgKind,
    pub admin_level: Option<AdminLevel>,
    pub cma_level: Option<CmaLevel>,
    pub region: Region,
    /// Invented contact person: name, phone, e-mail.
    pub contact: Option<(&'static str, &'static str, &'static str)>,
}

impl DemoOrg {
    fn new(
        code: &'static str,
        parent: Option<&'static str>,
        name: &'static str,
        kind: OrgKind,
    ) -> Self {
        Self {
            code,
            parent,
            name,
            short_name: None,
            name_en: None,
            kind,
            admin_level: None,
            cma_level: None,
            region: Region::Mainland,
            contact: None,
        }
    }
    fn short(mut self, s: &'static str) -> Self {
        self.short_name = Some(s);
        self
    }
    fn en(mut self, s: &'static str) -> Self {
        self.name_en = Some(s);
        self
    }
    fn cma(mut self, l: CmaLevel) -> Self {
        self.cma_level = Some(l);
        self
    }
    fn region(mut self, r: Region) -> Self {
        self.region = r;
        self
    }
}

fn regulator(
    code: &'static str,
    parent: Option<&'static str>,
    name: &'static str,
    short: &'static str,
    level: AdminLevel,
) -> DemoOrg {
    let mut o = DemoOrg::new(code, parent, name, OrgKind::Regulator).short(short);
    o.admin_level = Some(level);
    o
}

fn dept(code: &'static str, parent: &'static str, name: &'static str) -> DemoOrg {
    DemoOrg::new(code, Some(parent), name, OrgKind::Department)
}

fn inst(code: &'static str, parent: &'static str, name: &'static str, kind: OrgKind) -> DemoOrg {
    DemoOrg::new(code, Some(parent), name, kind)
}

/// Provincial-level bureaus: code (ISO 3166-2:CN letters), name, short name, English name.
/// Most are 市场监督管理局; Jilin and Ningxia have a 厅, Tianjin a 委员会.
const PROVINCES: &[(&str, &str, &str, &str)] = &[
    (
        "BJ",
        "北京市市场监督管理局",
        "北京市市场监管局",
        "Beijing Municipal Administration for Market Regulation",
    ),
    (
        "TJ",
        "天津市市场监督管理委员会",
        "天津市市场监管委",
        "Tianjin Municipal Market Regulation Commission",
    ),
    (
        "HE",
        "河北省市场监督管理局",
        "河北省市场监管局",
        "Hebei Administration for Market Regulation",
    ),
    (
        "SX",
        "山西省市场监督管理局",
        "山西省市场监管局",
        "Shanxi Administration for Market Regulation",
    ),
    (
        "NM",
        "内蒙古自治区市场监督管理局",
        "内蒙古自治区市场监管局",
        "Inner Mongolia Autonomous Region Administration for Market Regulation",
    ),
    (
        "LN",
        "辽宁省市场监督管理局",
        "辽宁省市场监管局",
        "Liaoning Administration for Market Regulation",
    ),
    (
        "JL",
        "吉林省市场监督管理厅",
        "吉林省市场监管厅",
        "Jilin Provincial Department of Market Regulation",
    ),
    (
        "HL",
        "黑龙江省市场监督管理局",
        "黑龙江省市场监管局",
        "Heilongjiang Administration for Market Regulation",
    ),
    (
        "SH",
        "上海市市场监督管理局",
        "上海市市场监管局",
        "Shanghai Municipal Administration for Market Regulation",
    ),
    (
        "JS",
        "江苏省市场监督管理局",
        "江苏省市场监管局",
        "Jiangsu Administration for Market Regulation",
    ),
    (
        "ZJ",
        "浙江省市场监督管理局",
        "浙江省市场监管局",
        "Zhejiang Administration for Market Regulation",
    ),
    (
        "AH",
        "安徽省市场监督管理局",
        "安徽省市场监管局",
        "Anhui Administration for Market Regulation",
    ),
    (
        "FJ",
        "福建省市场监督管理局",
        "福建省市场监管局",
        "Fujian Administration for Market Regulation",
    ),
    (
        "JX",
        "江西省市场监督管理局",
        "江西省市场监管局",
        "Jiangxi Administration for Market Regulation",
    ),
    (
        "SD",
        "山东省市场监督管理局",
        "山东省市场监管局",
        "Shandong Administration for Market Regulation",
    ),
    (
        "HA",
        "河南省市场监督管理局",
        "河南省市场监管局",
        "Henan Administration for Market Regulation",
    ),
    (
        "HB",
        "湖北省市场监督管理局",
        "湖北省市场监管局",
        "Hubei Administration for Market Regulation",
    ),
    (
        "HN",
        "湖南省市场监督管理局",
        "湖南省市场监管局",
        "Hunan Administration for Market Regulation",
    ),
    (
        "GD",
        "广东省市场监督管理局",
        "广东省市场监管局",
        "Guangdong Administration for Market Regulation",
    ),
    (
        "GX",
        "广西壮族自治区市场监督管理局",
        "广西壮族自治区市场监管局",
        "Guangxi Zhuang Autonomous Region Administration for Market Regulation",
    ),
    (
        "HI",
        "海南省市场监督管理局",
        "海南省市场监管局",
        "Hainan Administration for Market Regulation",
    ),
    (
        "CQ",
        "重庆市市场监督管理局",
        "重庆市市场监管局",
        "Chongqing Administration for Market Regulation",
    ),
    (
        "SC",
        "四川省市场监督管理局",
        "四川省市场监管局",
        "Sichuan Administration for Market Regulation",
    ),
    (
        "GZ",
        "贵州省市场监督管理局",
        "贵州省市场监管局",
        "Guizhou Administration for Market Regulation",
    ),
    (
        "YN",
        "云南省市场监督管理局",
        "云南省市场监管局",
        "Yunnan Administration for Market Regulation",
    ),
    (
        "XZ",
        "西藏自治区市场监督管理局",
        "西藏自治区市场监管局",
        "Xizang Autonomous Region Administration for Market Regulation",
    ),
    (
        "SN",
        "陕西省市场监督管理局",
        "陕西省市场监管局",
        "Shaanxi Administration for Market Regulation",
    ),
    (
        "GS",
        "甘肃省市场监督管理局",
        "甘肃省市场监管局",
        "Gansu Administration for Market Regulation",
    ),
    (
        "QH",
        "青海省市场监督管理局",
        "青海省市场监管局",
        "Qinghai Administration for Market Regulation",
    ),
    (
        "NX",
        "宁夏回族自治区市场监督管理厅",
        "宁夏回族自治区市场监管厅",
        "Ningxia Hui Autonomous Region Department of Market Regulation",
    ),
    (
        "XJ",
        "新疆维吾尔自治区市场监督管理局",
        "新疆维吾尔自治区市场监管局",
        "Xinjiang Uygur Autonomous Region Administration for Market Regulation",
    ),
    (
        "XJBT",
        "新疆生产建设兵团市场监督管理局",
        "兵团市场监管局",
        "Xinjiang Production and Construction Corps Administration for Market Regulation",
    ),
];

/// Guangdong's 21 prefecture-level city bureaus: code, name, short name.
const GD_CITIES: &[(&str, &str, &str)] = &[
    ("GD-GZ", "广州市市场监督管理局", "广州市市场监管局"),
    ("GD-SZ", "深圳市市场监督管理局", "深圳市市场监管局"),
    ("GD-ZH", "珠海市市场监督管理局", "珠海市市场监管局"),
    ("GD-ST", "汕头市市场监督管理局", "汕头市市场监管局"),
    ("GD-FS", "佛山市市场监督管理局", "佛山市市场监管局"),
    ("GD-SG", "韶关市市场监督管理局", "韶关市市场监管局"),
    ("GD-HY", "河源市市场监督管理局", "河源市市场监管局"),
    ("GD-MZ", "梅州市市场监督管理局", "梅州市市场监管局"),
    ("GD-HZ", "惠州市市场监督管理局", "惠州市市场监管局"),
    ("GD-SW", "汕尾市市场监督管理局", "汕尾市市场监管局"),
    ("GD-DG", "东莞市市场监督管理局", "东莞市市场监管局"),
    ("GD-ZS", "中山市市场监督管理局", "中山市市场监管局"),
    ("GD-JM", "江门市市场监督管理局", "江门市市场监管局"),
    ("GD-YJ", "阳江市市场监督管理局", "阳江市市场监管局"),
    ("GD-ZJ", "湛江市市场监督管理局", "湛江市市场监管局"),
    ("GD-MM", "茂名市市场监督管理局", "茂名市市场监管局"),
    ("GD-ZQ", "肇庆市市场监督管理局", "肇庆市市场监管局"),
    ("GD-QY", "清远市市场监督管理局", "清远市市场监管局"),
    ("GD-CZ", "潮州市市场监督管理局", "潮州市市场监管局"),
    ("GD-JY", "揭阳市市场监督管理局", "揭阳市市场监管局"),
    ("GD-YF", "云浮市市场监督管理局", "云浮市市场监管局"),
];

/// The Guangdong bureau's departments the Guangdong notice names.
const GD_DEPARTMENTS: &[(&str, &str)] = &[
    ("GD-BGS", "办公室"),
    ("GD-RJC", "认监处"),
    ("GD-ZFJDC", "执法监督处"),
    ("GD-BZHC", "标准化处"),
    ("GD-ZLFZC", "质量发展处"),
    ("GD-ZLJDC", "质量监督处"),
    ("GD-SPSCC", "食品生产处"),
    ("GD-SPJYC", "食品经营处"),
    ("GD-TSSPC", "特殊食品处"),
    ("GD-TZSBC", "特种设备处"),
    ("GD-JLC", "计量处"),
];

/// Shanghai's 16 district bureaus and the Lin-gang Special Area bureau: code, name, short.
const SH_DISTRICTS: &[(&str, &str, &str)] = &[
    ("SH-HP", "上海市黄浦区市场监督管理局", "黄浦区市场监管局"),
    ("SH-XH", "上海市徐汇区市场监督管理局", "徐汇区市场监管局"),
    ("SH-CN", "上海市长宁区市场监督管理局", "长宁区市场监管局"),
    ("SH-JA", "上海市静安区市场监督管理局", "静安区市场监管局"),
    ("SH-PT", "上海市普陀区市场监督管理局", "普陀区市场监管局"),
    ("SH-HK", "上海市虹口区市场监督管理局", "虹口区市场监管局"),
    ("SH-YP", "上海市杨浦区市场监督管理局", "杨浦区市场监管局"),
    ("SH-MH", "上海市闵行区市场监督管理局", "闵行区市场监管局"),
    ("SH-BS", "上海市宝山区市场监督管理局", "宝山区市场监管局"),
    ("SH-JD", "上海市嘉定区市场监督管理局", "嘉定区市场监管局"),
    (
        "SH-PD",
        "上海市浦东新区市场监督管理局",
        "浦东新区市场监管局",
    ),
    ("SH-JS", "上海市金山区市场监督管理局", "金山区市场监管局"),
    ("SH-SJ", "上海市松江区市场监督管理局", "松江区市场监管局"),
    ("SH-QP", "上海市青浦区市场监督管理局", "青浦区市场监管局"),
    ("SH-FX", "上海市奉贤区市场监督管理局", "奉贤区市场监管局"),
    ("SH-CM", "上海市崇明区市场监督管理局", "崇明区市场监管局"),
    (
        "SH-LG",
        "中国（上海）自由贸易试验区临港新片区市场监督管理局",
        "临港新片区市场监管局",
    ),
];

/// Every demo organisation, parents before children.
pub fn orgs() -> Vec<DemoOrg> {
    use AdminLevel as L;
    use CmaLevel as Cma;
    use OrgKind as K;
    // National: SAMR, its departments and centres, and the national bodies.
    let mut v = vec![
        regulator(
            "SAMR",
            None,
            "国家市场监督管理总局",
            "市场监管总局",
            L::National,
        )
        .en("State Administration for Market Regulation"),
        dept("SAMR-BGT", "SAMR", "总局办公厅").short("办公厅"),
        dept("SAMR-RZJGS", "SAMR", "认证监督管理司")
            .short("认证监管司")
            .en("Department of Certification Supervision"),
        dept("SAMR-RZJGS-MSC", "SAMR-RZJGS", "认监委秘书处")
            .en("Secretariat of the Certification and Accreditation Administration (CNCA)"),
        dept("SAMR-RKJCS", "SAMR", "认可与检验检测监督管理司")
            .short("认可检测司")
            .en("Department of Accreditation, Inspection and Testing Supervision"),
        dept("SAMR-RKJCS-RKC", "SAMR-RKJCS", "认可管理处"),
        inst("SAMR-XXZX", "SAMR", "总局信息中心", K::PublicInstitution)
            .short("信息中心")
            .en("SAMR Information Center"),
        inst(
            "CNAS",
            "SAMR",
            "中国合格评定国家认可中心",
            K::AccreditationBody,
        )
        .short("认可中心")
        .en("China National Accreditation Service for Conformity Assessment"),
        dept("CNAS-BGS", "CNAS", "中国合格评定国家认可中心办公室").short("认可中心办公室"),
        inst(
            "CCRC",
            "SAMR",
            "中国网络安全审查技术与认证中心",
            K::CertificationBody,
        )
        .short("网安中心")
        .en("China Cybersecurity Review Technology and Certification Center"),
        inst(
            "SAMR-RYZX",
            "SAMR",
            "总局认证认可技术研究中心",
            K::ResearchInstitute,
        )
        .short("认研中心")
        .en("Certification and Accreditation Technology Research Center of SAMR"),
        inst("CCAA", "SAMR", "中国认证认可协会", K::Association)
            .short("认证认可协会")
            .en("China Certification and Accreditation Association"),
        inst("CQC", "SAMR", "中国质量认证中心", K::CertificationBody)
            .en("China Quality Certification Centre"),
    ];

    // Every provincial-level bureau, including the XPCC's.
    for &(code, name, short, en) in PROVINCES {
        v.push(regulator(code, Some("SAMR"), name, short, L::Provincial).en(en));
    }

    // Guangdong: departments, cities, institutions.
    for &(code, name) in GD_DEPARTMENTS {
        v.push(dept(code, "GD", name));
    }
    for &(code, name, short) in GD_CITIES {
        v.push(regulator(code, Some("GD"), name, short, L::Municipal));
    }
    v.extend([
        inst("GD-RZRKXH", "GD", "广东省认证认可协会", K::Association).short("省认证认可协会"),
        inst("GD-DAG", "GD", "广东省档案馆", K::Archive).short("省档案馆"),
        inst("GD-SZ-JLY", "GD-SZ", "深圳市计量质量检测研究院", K::Lab).cma(Cma::National),
        inst("GD-LAB-NYDQ", "GD", "广东南粤电器检测中心有限公司", K::Lab)
            .short("南粤电器检测")
            .cma(Cma::National),
        inst("GD-GZ-LAB1", "GD-GZ", "广州穗准检测技术有限公司", K::Lab)
            .short("穗准检测")
            .cma(Cma::Provincial),
        inst("GD-FS-LAB1", "GD-FS", "佛山禅信食品检测有限公司", K::Lab)
            .short("禅信检测")
            .cma(Cma::Provincial),
        inst(
            "GD-DG-LAB1",
            "GD-DG",
            "东莞莞安防护用品检测有限公司",
            K::Lab,
        )
        .short("莞安检测")
        .cma(Cma::Provincial),
        inst("GD-HK-LAB1", "GD", "香港维港检测实验所", K::Lab)
            .en("Victoria Harbour Testing Laboratory (Hong Kong)")
            .region(Region::HongKong),
        inst("GD-MO-LAB1", "GD", "澳门濠江检测实验室", K::Lab)
            .en("Ho Keng Testing Laboratory (Macau)")
            .region(Region::Macau),
        inst("GD-CB1", "GD", "广东粤信认证有限公司", K::CertificationBody).short("粤信认证"),
        inst(
            "GD-SZ-CB1",
            "GD-SZ",
            "深圳鹏城质量认证有限公司",
            K::CertificationBody,
        )
        .short("鹏城认证"),
    ]);

    // Shanghai: districts, the Lin-gang Special Area, institutions.
    for &(code, name, short) in SH_DISTRICTS {
        v.push(regulator(code, Some("SH"), name, short, L::District));
    }
    v.extend([
        inst("SH-SQI", "SH", "上海市质量监督检验技术研究院", K::Lab)
            .short("市质量监督检验技术研究院")
            .cma(Cma::National),
        inst("SH-JJRXH", "SH", "上海市检验检测认证协会", K::Association)
            .short("市检验检测认证协会"),
        inst(
            "SH-SJY",
            "SH",
            "上海尚检检测认证技术研究院",
            K::ResearchInstitute,
        ),
        inst(
            "SH-CQC",
            "SH",
            "中国质量认证中心上海分中心",
            K::CertificationBody,
        )
        .short("CQC上海分中心"),
        inst("SH-PPLM", "SH", "上海品牌国际认证联盟", K::Association),
        inst(
            "SH-PD-BRI",
            "SH-PD",
            "上海自贸区“一带一路”技术交流国际合作中心",
            K::PublicInstitution,
        )
        .short("“一带一路”国际合作中心"),
        inst("SH-SEARI", "SH", "上海电器科学研究所", K::ResearchInstitute).short("上海电科所"),
        inst(
            "SH-SJTU-ACEM",
            "SH",
            "上海交通大学安泰经济与管理学院",
            K::University,
        )
        .short("上海交通大学安泰学院"),
        inst("SH-QYWL", "SH", "上海牵翼网络科技有限公司", K::Company),
        inst("SH-PD-LAB1", "SH-PD", "上海浦江检测技术有限公司", K::Lab)
            .short("浦江检测")
            .cma(Cma::National),
        inst(
            "SH-JA-LAB1",
            "SH-JA",
            "上海静安检测技术服务有限公司",
            K::Lab,
        )
        .short("静安检测")
        .cma(Cma::Provincial),
        inst("SH-MH-LAB1", "SH-MH", "上海闵质检测技术有限公司", K::Lab)
            .short("闵质检测")
            .cma(Cma::Provincial),
        inst(
            "SH-CM-LAB1",
            "SH-CM",
            "上海崇明生态检测中心有限公司",
            K::Lab,
        )
        .short("崇明生态检测")
        .cma(Cma::Provincial),
        inst("SH-CB1", "SH", "上海申信认证有限公司", K::CertificationBody).short("申信认证"),
        inst(
            "SH-PD-CB1",
            "SH-PD",
            "上海浦认质量认证有限公司",
            K::CertificationBody,
        )
        .short("浦认认证"),
    ]);
    for o in &mut v {
        if let Some(&(_, name, phone, email)) = CONTACTS.iter().find(|c| c.0 == o.code) {
            o.contact = Some((name, phone, email));
        }
    }
    v
}

/// Invented contact persons: organisation code, name, phone, e-mail. None of them is a
/// real person of the seed notices.
const CONTACTS: &[(&str, &str, &str, &str)] = &[
    (
        "SAMR-RZJGS-MSC",
        "周文博",
        "010-60000101",
        "cnca.secretariat@example.org",
    ),
    (
        "SAMR-RKJCS-RKC",
        "吴嘉怡",
        "010-60000102",
        "accreditation.division@example.org",
    ),
    (
        "SAMR-XXZX",
        "郑浩然",
        "010-60000103",
        "it.support@example.org",
    ),
    (
        "CNAS-BGS",
        "孙雨桐",
        "010-60000104",
        "cnas.office@example.org",
    ),
    ("GD-RJC", "林晓峰", "020-60000201", "gd.rjc@example.org"),
    ("GD-SZ", "何思琪", "0755-60000202", "sz.amr@example.org"),
    (
        "GD-SZ-JLY",
        "黄振宇",
        "0755-60000203",
        "sz.metrology@example.org",
    ),
    (
        "GD-GZ-LAB1",
        "梁嘉欣",
        "020-60000204",
        "suizhun.lab@example.org",
    ),
    ("SH", "许嘉明", "021-60000301转2001", "sh.amr@example.org"),
    ("SH-PD", "沈佳琪", "021-60000302", "pudong.amr@example.org"),
    (
        "SH-JJRXH",
        "顾晨阳",
        "021-60000303",
        "sh.tic.association@example.org",
    ),
];

/// One demo account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub login: &'static str,
    pub password: &'static str,
    pub display_name: &'static str,
    pub org_code: &'static str,
    pub role: Role,
}

/// Demo accounts: a system administrator `admin` at SAMR, and an organiser, a staff member
/// and a viewer at SAMR, Guangdong, Shenzhen, Shanghai, Pudong and a Guangdong lab
/// (`samr.organiser`, `gd.staff`, `gdsz.viewer`, `lab.staff` …). All share
/// [`DEMO_PASSWORD`].
pub fn accounts() -> Vec<DemoAccount> {
    let a = |login, display_name, org_code, role| DemoAccount {
        login,
        password: DEMO_PASSWORD,
        display_name,
        org_code,
        role,
    };
    use Role::{Admin, Organiser, Staff, Viewer};
    vec![
        a("admin", "系统管理员", "SAMR", Admin),
        a(
            "samr.organiser",
            "总局组织者（演示）",
            "SAMR-RZJGS",
            Organiser,
        ),
        a("samr.staff", "总局工作人员（演示）", "SAMR-RZJGS", Staff),
        a("samr.viewer", "总局查看者（演示）", "SAMR", Viewer),
        a("gd.organiser", "广东省局组织者（演示）", "GD", Organiser),
        a("gd.staff", "广东省局工作人员（演示）", "GD", Staff),
        a("gd.viewer", "广东省局查看者（演示）", "GD", Viewer),
        a(
            "gdsz.organiser",
            "深圳市局组织者（演示）",
            "GD-SZ",
            Organiser,
        ),
        a("gdsz.staff", "深圳市局工作人员（演示）", "GD-SZ", Staff),
        a("gdsz.viewer", "深圳市局查看者（演示）", "GD-SZ", Viewer),
        // A city that has not acknowledged 粤市监认监〔2022〕253号 yet, to walk 签收 → 报送.
        a(
            "gdhz.organiser",
            "惠州市局组织者（演示）",
            "GD-HZ",
            Organiser,
        ),
        a("gdhz.staff", "惠州市局工作人员（演示）", "GD-HZ", Staff),
        // The cities and the district whose demo submissions are sent by their own staff.
        a("gdgz.staff", "广州市局工作人员（演示）", "GD-GZ", Staff),
        a("gdfs.staff", "佛山市局工作人员（演示）", "GD-FS", Staff),
        a("gddg.staff", "东莞市局工作人员（演示）", "GD-DG", Staff),
        a("sh.organiser", "上海市局组织者（演示）", "SH", Organiser),
        a("sh.staff", "上海市局工作人员（演示）", "SH", Staff),
        a("sh.viewer", "上海市局查看者（演示）", "SH", Viewer),
        a(
            "shpd.organiser",
            "浦东新区局组织者（演示）",
            "SH-PD",
            Organiser,
        ),
        a("shpd.staff", "浦东新区局工作人员（演示）", "SH-PD", Staff),
        a("shpd.viewer", "浦东新区局查看者（演示）", "SH-PD", Viewer),
        a("shja.staff", "静安区局工作人员（演示）", "SH-JA", Staff),
        // The association that publishes Shanghai's initiative, and a lab that has not
        // signed it yet (to walk 签署).
        a(
            "shxh.organiser",
            "市检验检测认证协会组织者（演示）",
            "SH-JJRXH",
            Organiser,
        ),
        a(
            "shlab.organiser",
            "闵质检测组织者（演示）",
            "SH-MH-LAB1",
            Organiser,
        ),
        a(
            "sjtu.staff",
            "安泰经管学院合作研究人员（演示）",
            "SH-SJTU-ACEM",
            Staff,
        ),
        a(
            "lab.organiser",
            "实验室组织者（演示）",
            "GD-GZ-LAB1",
            Organiser,
        ),
        a("lab.staff", "实验室技术人员（演示）", "GD-GZ-LAB1", Staff),
        a("lab.viewer", "实验室查看者（演示）", "GD-GZ-LAB1", Viewer),
    ]
}

/// The demo campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCampaign {
    pub title: &'static str,
    pub edition: u32,
    pub day: NaiveDate,
    /// IAF/ILAC theme.
    pub international_theme: &'static str,
    /// SAMR/CNCA theme, without the 认证认可检验检测： prefix of the national notice.
    pub domestic_theme: &'static str,
    pub owner_code: &'static str,
    /// Local themes: organisation code, theme.
    pub local_themes: Vec<(&'static str, &'static str)>,
}

const DAY: NaiveDate = match NaiveDate::from_ymd_opt(2022, 6, 9) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The 15th World Accreditation Day, 9 June 2022, as the seed notices describe it.
pub fn campaign() -> DemoCampaign {
    DemoCampaign {
        title: "第十五个世界认可日",
        edition: 15,
        day: DAY,
        international_theme: "认可：促进经济和环境可持续发展",
        // As SAMR's 764号 and Shanghai's notice give it, in full.
        domestic_theme: "认证认可检验检测：传递质量信任，服务绿色发展",
        owner_code: "SAMR",
        local_themes: vec![
            ("GD", "传递质量信任，服务绿色发展"),
            ("SH-PD", "检测认证助力疫情防控 助推复工复产"),
        ],
    }
}

impl DemoCampaign {
    /// The campaign as form input, with organisation codes turned into ids by `id_of`.
    /// `None` when the owner or a local theme's organisation has no id.
    pub fn to_input(&self, id_of: &dyn Fn(&str) -> Option<i64>) -> Option<CampaignInput> {
        let local_themes = self
            .local_themes
            .iter()
            .map(|(code, theme)| Some((id_of(code)?, (*theme).to_owned())))
            .collect::<Option<Vec<_>>>()?;
        Some(CampaignInput {
            title: self.title.to_owned(),
            edition: self.edition.to_string(),
            day: self.day.format("%Y-%m-%d").to_string(),
            international_theme: self.international_theme.to_owned(),
            domestic_theme: self.domestic_theme.to_owned(),
            owner_org_id: id_of(self.owner_code)?,
            public: true,
            local_themes,
        })
    }
}

fn opt(s: Option<&str>) -> String {
    s.unwrap_or_default().to_owned()
}

/// The demo organisations as an import table with the canonical column names: the same
/// data through `renke import orgs`, and a sample file for people to start from.
pub fn orgs_table() -> Table {
    Table {
        headers: ORG_COLUMNS.iter().map(|c| c.key.to_owned()).collect(),
        rows: orgs()
            .iter()
            .map(|o| {
                let (cn, cp, ce) = o.contact.unwrap_or_default();
                vec![
                    o.code.to_owned(),
                    opt(o.parent),
                    o.name.to_owned(),
                    opt(o.short_name),
                    opt(o.name_en),
                    o.kind.as_str().to_owned(),
                    opt(o.admin_level.map(AdminLevel::as_str)),
                    opt(o.cma_level.map(CmaLevel::as_str)),
                    o.region.as_str().to_owned(),
                    cn.to_owned(),
                    cp.to_owned(),
                    ce.to_owned(),
                ]
            })
            .collect(),
    }
}

/// The demo accounts as an import table with the canonical column names.
pub fn accounts_table() -> Table {
    Table {
        headers: ACCOUNT_COLUMNS.iter().map(|c| c.key.to_owned()).collect(),
        rows: accounts()
            .iter()
            .map(|a| {
                vec![
                    a.login.to_owned(),
                    a.display_name.to_owned(),
                    a.org_code.to_owned(),
                    a.role.as_str().to_owned(),
                    String::new(),
                    String::new(),
                    a.password.to_owned(),
                ]
            })
            .collect(),
    }
}

pub mod activities;
pub mod industry_stats;
pub mod initiative;
pub mod notices;
pub mod pt;
pub mod tasks;

#[cfg(test)]
mod tests;
