//! Guangdong's proficiency testing of 2022 as the demo holds it. 粤市监认监〔2022〕253号
//! 一(三): in May–June the provincial bureau runs proficiency testing of 家电 (电气产品绝缘
//! 电阻测试), 食品 (大米重金属和农药残留测定) and 防疫产品 (一次性使用医用口罩微生物测定) for
//! the labs holding a provincial CMA, and invites labs with a national CMA and Hong Kong
//! and Macau labs with the capability.
//!
//! The demo adds [`labs`] — 53 invented labs with a provincial CMA, spread over the 21
//! cities, so that Guangdong has 60 — kept apart from [`super::orgs`] (the organisations
//! the seeds name), with a staff account for every lab taking part ([`lab_accounts`]). The
//! three rounds ([`rounds`]) stand, by the time the demo can start (the last seed notice,
//! 2022-06-02 10:00), at the three states of a round: GDPT-2022-01 released with two
//! follow-ups open, GDPT-2022-02 in result entry, GDPT-2022-03 in enrolment. Every value
//! comes from a fixed seed, so each run loads the same rounds.

use super::{DemoOrg, inst};
use crate::org::{CmaLevel, OrgKind};
use chrono::{Duration, NaiveDate, NaiveDateTime};

/// The provider: 广东省市场监督管理局.
pub const PROVIDER: &str = "GD";
/// The account that runs the rounds for the provider.
pub const PROVIDER_LOGIN: &str = "gd.organiser";
/// Every event of the rounds happens before this moment (Beijing time): the earliest the
/// demo can start at, so the rounds stand the same at every demo clock.
pub const DONE_BY: &str = "2022-06-02 10:00";

/// The lab of the demo accounts `lab.staff`, `lab.organiser` and `lab.viewer`.
pub const DEMO_LAB: &str = "GD-GZ-LAB1";
/// GDPT-2022-01: the lab whose result is questionable (2 < |z| < 3), in Shenzhen.
pub const QUESTIONABLE_LAB: &str = "GD-SZ-LAB2";
/// GDPT-2022-01: the lab whose result is unsatisfactory (|z| ≥ 3), in Huizhou, whose
/// bureau has demo accounts (`gdhz.organiser`) to see its labs' follow-ups.
pub const UNSATISFACTORY_LAB: &str = "GD-HZ-LAB1";

/// The demo's labs of Guangdong that take part: code, and what they test — `E` electrical
/// products (绝缘电阻), `F` food (大米重金属、农药残留), `M` medical masks (微生物). First those
/// of [`super::orgs`], then those of [`labs`].
const SEED_LABS: &[(&str, &str)] = &[
    ("GD-GZ-LAB1", "EFM"),
    ("GD-FS-LAB1", "F"),
    ("GD-DG-LAB1", "M"),
    ("GD-SZ-JLY", "EFM"),
    ("GD-LAB-NYDQ", "E"),
    ("GD-HK-LAB1", "EM"),
    ("GD-MO-LAB1", "FM"),
];

/// The invented labs: code (its city's code, then `LABn`), name, short name, what it tests.
const LABS: &[(&str, &str, &str, &str)] = &[
    (
        "GD-GZ-LAB2",
        "广州市羊城电器检测有限公司",
        "羊城电器检测",
        "E",
    ),
    (
        "GD-GZ-LAB3",
        "广州市珠江食品安全检测中心有限公司",
        "珠江食品检测",
        "F",
    ),
    (
        "GD-GZ-LAB4",
        "广州市白云质量检测技术有限公司",
        "白云检测",
        "EM",
    ),
    (
        "GD-GZ-LAB5",
        "广州市越秀生物检测有限公司",
        "越秀生物检测",
        "FM",
    ),
    (
        "GD-GZ-LAB6",
        "广州市黄埔综合检测技术有限公司",
        "黄埔检测",
        "EF",
    ),
    ("GD-SZ-LAB1", "深圳市鹏测检测技术有限公司", "鹏测检测", "E"),
    (
        "GD-SZ-LAB2",
        "深圳市前海电气安全检测有限公司",
        "前海电气检测",
        "E",
    ),
    (
        "GD-SZ-LAB3",
        "深圳市南山食品检测中心有限公司",
        "南山食品检测",
        "F",
    ),
    (
        "GD-SZ-LAB4",
        "深圳市宝安医疗器械检测有限公司",
        "宝安医械检测",
        "M",
    ),
    (
        "GD-SZ-LAB5",
        "深圳市龙岗综合检测技术有限公司",
        "龙岗检测",
        "EFM",
    ),
    ("GD-ZH-LAB1", "珠海市横琴检测技术有限公司", "横琴检测", "EF"),
    (
        "GD-ZH-LAB2",
        "珠海市香洲电器检测有限公司",
        "香洲电器检测",
        "E",
    ),
    (
        "GD-ZH-LAB3",
        "珠海市斗门食品检测有限公司",
        "斗门食品检测",
        "F",
    ),
    ("GD-ST-LAB1", "汕头市潮阳检测技术有限公司", "潮阳检测", "E"),
    ("GD-ST-LAB2", "汕头市澄海质量检测有限公司", "澄海检测", "EM"),
    (
        "GD-FS-LAB2",
        "佛山市顺德家电检测有限公司",
        "顺德家电检测",
        "E",
    ),
    (
        "GD-FS-LAB3",
        "佛山市南海电气检测技术有限公司",
        "南海电气检测",
        "E",
    ),
    (
        "GD-FS-LAB4",
        "佛山市三水食品检测有限公司",
        "三水食品检测",
        "F",
    ),
    ("GD-FS-LAB5", "佛山市高明综合检测有限公司", "高明检测", "EM"),
    ("GD-SG-LAB1", "韶关市丹霞检测技术有限公司", "丹霞检测", "F"),
    ("GD-SG-LAB2", "韶关市曲江质量检测有限公司", "曲江检测", "E"),
    (
        "GD-HY-LAB1",
        "河源市万绿湖检测技术有限公司",
        "万绿湖检测",
        "EF",
    ),
    ("GD-MZ-LAB1", "梅州市客都检测技术有限公司", "客都检测", "EF"),
    (
        "GD-MZ-LAB2",
        "梅州市嘉应食品检测有限公司",
        "嘉应食品检测",
        "F",
    ),
    (
        "GD-HZ-LAB1",
        "惠州市仲恺电子电器检测有限公司",
        "仲恺电器检测",
        "E",
    ),
    ("GD-HZ-LAB2", "惠州市西湖检测技术有限公司", "西湖检测", "EF"),
    (
        "GD-HZ-LAB3",
        "惠州市大亚湾质量检测有限公司",
        "大亚湾检测",
        "M",
    ),
    (
        "GD-SW-LAB1",
        "汕尾市红海湾检测技术有限公司",
        "红海湾检测",
        "F",
    ),
    (
        "GD-DG-LAB2",
        "东莞市松山湖电器检测有限公司",
        "松山湖电器检测",
        "E",
    ),
    (
        "GD-DG-LAB3",
        "东莞市虎门质量检测技术有限公司",
        "虎门检测",
        "EM",
    ),
    (
        "GD-DG-LAB4",
        "东莞市长安电子检测有限公司",
        "长安电子检测",
        "E",
    ),
    (
        "GD-DG-LAB5",
        "东莞市厚街食品检测有限公司",
        "厚街食品检测",
        "F",
    ),
    (
        "GD-ZS-LAB1",
        "中山市小榄电器检测有限公司",
        "小榄电器检测",
        "E",
    ),
    (
        "GD-ZS-LAB2",
        "中山市古镇灯饰检测有限公司",
        "古镇灯饰检测",
        "E",
    ),
    ("GD-ZS-LAB3", "中山市火炬检测技术有限公司", "火炬检测", "FM"),
    ("GD-JM-LAB1", "江门市五邑检测技术有限公司", "五邑检测", "EF"),
    (
        "GD-JM-LAB2",
        "江门市侨乡电器检测有限公司",
        "侨乡电器检测",
        "E",
    ),
    (
        "GD-JM-LAB3",
        "江门市新会食品检测有限公司",
        "新会食品检测",
        "F",
    ),
    ("GD-YJ-LAB1", "阳江市漠阳检测技术有限公司", "漠阳检测", "EF"),
    ("GD-ZJ-LAB1", "湛江市港城检测技术有限公司", "港城检测", "F"),
    (
        "GD-ZJ-LAB2",
        "湛江市雷州半岛食品检测有限公司",
        "雷州半岛食品检测",
        "F",
    ),
    ("GD-ZJ-LAB3", "湛江市赤坎质量检测有限公司", "赤坎检测", "EM"),
    ("GD-MM-LAB1", "茂名市油城检测技术有限公司", "油城检测", "EF"),
    (
        "GD-MM-LAB2",
        "茂名市高州农产品检测有限公司",
        "高州农检",
        "F",
    ),
    ("GD-ZQ-LAB1", "肇庆市端州检测技术有限公司", "端州检测", "EF"),
    ("GD-ZQ-LAB2", "肇庆市星湖质量检测有限公司", "星湖检测", "M"),
    ("GD-QY-LAB1", "清远市北江检测技术有限公司", "北江检测", "EF"),
    ("GD-QY-LAB2", "清远市英德质量检测有限公司", "英德检测", "F"),
    ("GD-CZ-LAB1", "潮州市韩江检测技术有限公司", "韩江检测", "E"),
    (
        "GD-CZ-LAB2",
        "潮州市凤城食品检测有限公司",
        "凤城食品检测",
        "F",
    ),
    ("GD-JY-LAB1", "揭阳市榕城检测技术有限公司", "榕城检测", "EM"),
    ("GD-JY-LAB2", "揭阳市普宁质量检测有限公司", "普宁检测", "F"),
    ("GD-YF-LAB1", "云浮市南江检测技术有限公司", "南江检测", "EF"),
];

/// The invented labs of Guangdong: each with a provincial CMA, under its city's bureau.
/// Not in [`super::orgs`]; `renke demo` loads both.
pub fn labs() -> Vec<DemoOrg> {
    LABS.iter()
        .map(|&(code, name, short, _)| {
            inst(code, city_of(code), name, OrgKind::Lab)
                .short(short)
                .cma(CmaLevel::Provincial)
        })
        .collect()
}

/// The city bureau a lab of [`LABS`] sits under: its code's first two parts (GD-JM).
fn city_of(code: &'static str) -> &'static str {
    code.get(..5).unwrap_or(PROVIDER)
}

/// Every lab that takes part in the demo's rounds, with what it tests.
fn acting_labs() -> impl Iterator<Item = (&'static str, &'static str)> {
    SEED_LABS
        .iter()
        .copied()
        .chain(LABS.iter().map(|&(code, _, _, caps)| (code, caps)))
}

/// A staff account of a lab taking part (all with the demo password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabAccount {
    /// The lab's code in lower case, then `.staff`: `gd-jm-lab2.staff`.
    pub login: String,
    pub org_code: &'static str,
}

/// The display name of every [`LabAccount`].
pub const LAB_ACCOUNT_NAME: &str = "实验室技术人员（演示）";

/// A staff account for every lab taking part that has none among the demo accounts (all
/// but [`DEMO_LAB`]).
pub fn lab_accounts() -> Vec<LabAccount> {
    acting_labs()
        .filter(|(code, _)| *code != DEMO_LAB)
        .map(|(code, _)| LabAccount {
            login: lab_login(code),
            org_code: code,
        })
        .collect()
}

fn lab_login(code: &str) -> String {
    format!("{}.staff", code.to_ascii_lowercase())
}

/// The login that acts for `lab` in the rounds: `lab.staff` for [`DEMO_LAB`] (whose
/// organiser, `lab.organiser`, applies), else its [`LabAccount`].
pub fn acting_login(lab: &str) -> String {
    if lab == DEMO_LAB {
        "lab.staff".to_owned()
    } else {
        lab_login(lab)
    }
}

/// The login that applies for `lab`: `lab.organiser` for [`DEMO_LAB`], else
/// [`acting_login`].
pub fn applying_login(lab: &str) -> String {
    if lab == DEMO_LAB {
        "lab.organiser".to_owned()
    } else {
        lab_login(lab)
    }
}

/// A measurand of a demo scheme, as the provider types it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoMeasurand {
    pub name: &'static str,
    pub unit: &'static str,
    pub decimals: &'static str,
    /// `quantitative` or `qualitative`.
    pub kind: &'static str,
    pub log10: bool,
    pub categories: &'static str,
}

/// One lab's result for one measurand, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoResult {
    /// Index into the round's measurands.
    pub measurand: usize,
    pub value: String,
    pub replicates: String,
    pub u: String,
    pub k: String,
    pub method: &'static str,
    pub not_tested: &'static str,
}

/// Samples sent to a lab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoDispatch {
    /// When the provider recorded it (Beijing time); its date is the day sent.
    pub at: NaiveDateTime,
    pub courier: &'static str,
    pub tracking: String,
}

/// A lab's receipt of its samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReceipt {
    pub at: NaiveDateTime,
    /// `intact`, `damaged` or `temperature`.
    pub condition: &'static str,
    pub note: &'static str,
}

/// What one lab did in a round, each step at its time (Beijing); a step left `None` has
/// not happened.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoEnrolment {
    pub lab: &'static str,
    /// Applied (accepting the invitation), with the measurands (indices) it takes part in.
    pub applied: Option<NaiveDateTime>,
    pub measurands: Vec<usize>,
    /// The provider approved (`true`) or declined it.
    pub decision: Option<(bool, NaiveDateTime)>,
    pub dispatch: Option<DemoDispatch>,
    pub receipt: Option<DemoReceipt>,
    /// Results entered, saved at `saved` and submitted at `submitted`.
    pub results: Vec<DemoResult>,
    pub saved: Option<NaiveDateTime>,
    pub submitted: Option<NaiveDateTime>,
}

/// A homogeneity or stability study, recorded by the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoStudy {
    pub measurand: usize,
    /// `homogeneity` or `stability`.
    pub kind: &'static str,
    /// Homogeneity: one line per item (`1 501.2 500.4`); stability: the first occasion.
    pub data: String,
    /// Stability: the second occasion.
    pub second: String,
    pub sigma_pt: &'static str,
    pub at: NaiveDateTime,
}

/// One of Guangdong's rounds, with its scheme and its history.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoRound {
    pub code: &'static str,
    pub title: &'static str,
    pub scheme: &'static str,
    pub field: &'static str,
    pub measurands: Vec<DemoMeasurand>,
    pub instructions: &'static str,
    /// Scheme and round set up.
    pub created: NaiveDateTime,
    /// Every lab that qualifies invited, then those admitted by invitation one by one.
    pub invited: NaiveDateTime,
    pub by_invitation: Vec<&'static str>,
    /// The schedule as typed (Beijing time).
    pub enrol_until: &'static str,
    pub dispatch_on: &'static str,
    pub results_until: &'static str,
    pub enrolments: Vec<DemoEnrolment>,
    pub studies: Vec<DemoStudy>,
    /// Enrolment ended, testing started.
    pub testing_from: Option<NaiveDateTime>,
    /// Every measurand evaluated (Algorithm A, robust σpt).
    pub evaluated: Option<NaiveDateTime>,
    pub released: Option<NaiveDateTime>,
}

/// A moment of 2022 in Beijing time.
fn at(month: u32, day: u32, hour: u32, minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2022, month, day)
        .and_then(|d| d.and_hms_opt(hour, minute, 0))
        .unwrap_or_default()
}

/// A small deterministic generator (SplitMix64), so every run loads the same values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A normal deviate (Box–Muller) within ±`bound`.
    fn normal_within(&mut self, bound: f64) -> f64 {
        loop {
            let u = self.next().max(1e-300);
            let z = (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * self.next()).cos();
            if z.abs() <= bound {
                return z;
            }
        }
    }
    /// An integer in `0..n`.
    fn below(&mut self, n: u32) -> u32 {
        (self.next() * f64::from(n)) as u32 % n.max(1)
    }
}

/// The morning after `t`, at 10 o'clock and some minutes.
fn next_morning(t: NaiveDateTime, n: u32) -> NaiveDateTime {
    (t.date() + Duration::days(1))
        .and_hms_opt(10, (n * 3) % 60, 0)
        .unwrap_or_default()
}

/// `v` with `decimals` decimals.
fn fixed(v: f64, decimals: usize) -> String {
    format!("{v:.decimals$}")
}

/// A tracking number of 顺丰速运.
fn tracking(round: u32, i: usize) -> String {
    format!("SF14{round:02}{:08}", 30_517_113 + i as u64 * 7_919)
}

/// The labs that test `cap`, in the order of [`acting_labs`].
fn testing(cap: char) -> Vec<&'static str> {
    acting_labs()
        .filter(|(_, caps)| caps.contains(cap))
        .map(|(code, _)| code)
        .collect()
}

/// A lab's enrolment with nothing done yet.
fn enrolment(lab: &'static str) -> DemoEnrolment {
    DemoEnrolment {
        lab,
        applied: None,
        measurands: Vec::new(),
        decision: None,
        dispatch: None,
        receipt: None,
        results: Vec::new(),
        saved: None,
        submitted: None,
    }
}

/// Homogeneity data: `items` lines of two replicates around `centre`, item effects and
/// noise of `spread`, with `decimals`.
fn homogeneity_data(
    rng: &mut Rng,
    items: usize,
    centre: f64,
    spread: f64,
    decimals: usize,
) -> String {
    (1..=items)
        .map(|i| {
            let item = centre + 0.5 * spread * rng.normal_within(2.0);
            let a = item + spread * rng.normal_within(2.0);
            let b = item + spread * rng.normal_within(2.0);
            format!("{i} {} {}", fixed(a, decimals), fixed(b, decimals))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Values on two occasions for a stability study: three each around `centre`.
fn stability_data(rng: &mut Rng, centre: f64, spread: f64, decimals: usize) -> (String, String) {
    let mut occasion = || {
        (0..3)
            .map(|_| fixed(centre + spread * rng.normal_within(2.0), decimals))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let first = occasion();
    (first, occasion())
}

/// GDPT-2022-01 电气产品绝缘电阻测试: released on 31 May.
fn round_01() -> DemoRound {
    let mut rng = Rng(20_220_501);
    let labs = testing('E');
    let declined = "GD-SG-LAB2";
    let never_reported = ["GD-YF-LAB1", "GD-CZ-LAB1"];
    let late = "GD-MM-LAB1";
    let not_tested = "GD-ST-LAB1";
    let damaged = "GD-ZH-LAB2";
    let mut enrolments = Vec::new();
    for (i, lab) in labs.iter().copied().enumerate() {
        let mut e = enrolment(lab);
        let n = i as u32;
        // Applications from 6 to 12 May, in office hours.
        let applied = at(5, 6 + n % 7, 9 + (n * 5) % 8, (n * 13) % 60);
        e.applied = Some(applied);
        e.measurands = vec![0];
        let approve = lab != declined;
        e.decision = Some((approve, next_morning(applied, n)));
        if approve {
            e.dispatch = Some(DemoDispatch {
                at: at(5, 16, 10, 0) + Duration::minutes(3 * i as i64),
                courier: "顺丰速运",
                tracking: tracking(1, i),
            });
            let received = at(5, 17 + n % 2, 9 + (n * 3) % 8, (n * 7) % 60);
            e.receipt = Some(if lab == damaged {
                DemoReceipt {
                    at: received,
                    condition: "damaged",
                    note: "外包装一角破损，样品外观完好，不影响检测",
                }
            } else {
                DemoReceipt {
                    at: received,
                    condition: "intact",
                    note: "",
                }
            });
        }
        // The draws come in the same order whatever the lab does, so a change of one lab's
        // part leaves the others' values as they were.
        let deviate = rng.normal_within(1.4);
        let spread = 0.8 + f64::from(rng.below(20)) / 10.0;
        if !approve || never_reported.contains(&lab) {
            enrolments.push(e);
            continue;
        }
        let value = match lab {
            QUESTIONABLE_LAB => 531.6,
            UNSATISFACTORY_LAB => 449.3,
            _ => ((500.0 + 14.0 * deviate) * 10.0).round() / 10.0,
        };
        let method = if lab == "GD-HK-LAB1" {
            "IEC 60335-1:2020 第16章"
        } else {
            "GB 4706.1-2005 第16章"
        };
        let result = if lab == not_tested {
            DemoResult {
                measurand: 0,
                value: String::new(),
                replicates: String::new(),
                u: String::new(),
                k: String::new(),
                method: "",
                not_tested: "绝缘电阻测试仪送检校准，未能在期限内检测",
            }
        } else {
            // Half give their two replicates (symmetric, so the mean is the value), three in
            // four their expanded uncertainty (k = 2).
            let d = (spread * 10.0).round() / 10.0;
            DemoResult {
                measurand: 0,
                value: fixed(value, 1),
                replicates: if i.is_multiple_of(2) {
                    format!("{}, {}", fixed(value + d, 1), fixed(value - d, 1))
                } else {
                    String::new()
                },
                u: if i % 4 == 3 {
                    String::new()
                } else {
                    fixed(value * 0.03, 1)
                },
                k: if i % 4 == 3 {
                    String::new()
                } else {
                    "2".into()
                },
                method,
                not_tested: "",
            }
        };
        e.results = vec![result];
        let saved = if lab == late {
            // A day after the deadline: accepted, flagged late, scored like the others.
            at(5, 28, 10, 30)
        } else {
            at(5, 20 + n % 7, 9 + (n * 3) % 8, (n * 11) % 60)
        };
        e.saved = Some(saved);
        e.submitted = Some(saved + Duration::minutes(40));
        enrolments.push(e);
    }
    let homogeneity = homogeneity_data(&mut rng, 10, 500.6, 1.2, 1);
    let (first, second) = stability_data(&mut rng, 500.4, 1.0, 1);
    DemoRound {
        code: "GDPT-2022-01",
        title: "2022年检验检测机构能力验证：家电（电气产品绝缘电阻测试）",
        scheme: "电气产品绝缘电阻测试能力验证",
        field: "家电",
        measurands: vec![DemoMeasurand {
            name: "绝缘电阻",
            unit: "MΩ",
            decimals: "1",
            kind: "quantitative",
            log10: false,
            categories: "",
        }],
        instructions: "样品为电气产品绝缘试验用试块一件（编号见样品标签）。收到样品后请于平台确认接收并\
                       记录样品状态；按 GB 4706.1-2005 第16章或本机构常用方法，在 500 V 直流试验电压下\
                       测量带电部件与外壳之间的绝缘电阻，报告两次测量的平均值（MΩ，保留一位小数），\
                       可同时报告扩展不确定度及包含因子。结果于截止时间前在平台提交。",
        created: at(5, 5, 10, 0),
        invited: at(5, 5, 10, 20),
        by_invitation: vec!["GD-LAB-NYDQ", "GD-SZ-JLY", "GD-HK-LAB1"],
        enrol_until: "2022-05-13 17:00",
        dispatch_on: "2022-05-16",
        results_until: "2022-05-27 17:00",
        enrolments,
        studies: vec![
            DemoStudy {
                measurand: 0,
                kind: "homogeneity",
                data: homogeneity,
                second: String::new(),
                sigma_pt: "15.0",
                at: at(5, 12, 15, 0),
            },
            DemoStudy {
                measurand: 0,
                kind: "stability",
                data: first,
                second,
                sigma_pt: "15.0",
                at: at(5, 28, 15, 0),
            },
        ],
        testing_from: Some(at(5, 16, 8, 30)),
        evaluated: Some(at(5, 30, 10, 0)),
        released: Some(at(5, 31, 10, 0)),
    }
}

/// GDPT-2022-02 大米中重金属和农药残留测定: samples out on 27 May, results due 17 June.
fn round_02() -> DemoRound {
    let mut rng = Rng(20_220_516);
    let labs = testing('F');
    let never_applied = [
        "GD-SW-LAB1",
        "GD-MZ-LAB2",
        "GD-QY-LAB2",
        "GD-CZ-LAB2",
        "GD-JY-LAB2",
    ];
    let declined = "GD-ZJ-LAB2";
    // Metals only, pesticide only; the rest all three.
    let metals_only = ["GD-FS-LAB4", "GD-ZJ-LAB1", "GD-HY-LAB1"];
    let pesticide_only = ["GD-GZ-LAB5"];
    // (centre, spread, method) of 镉, 铅, 毒死蜱 (mg/kg).
    let draw = [
        (0.152, 0.011, "GB 5009.15-2014"),
        (0.085, 0.007, "GB 5009.12-2017"),
        (0.212, 0.019, "GB 23200.113-2018"),
    ];
    let mut enrolments = Vec::new();
    let mut applied_n = 0u32;
    let mut saved_n = 0u32;
    for (i, lab) in labs.iter().copied().enumerate() {
        let mut e = enrolment(lab);
        let values: Vec<f64> = draw
            .iter()
            .map(|(c, s, _)| c + s * rng.normal_within(1.5))
            .collect();
        if never_applied.contains(&lab) {
            enrolments.push(e);
            continue;
        }
        let n = applied_n;
        applied_n += 1;
        // Applications from 17 to 25 May (enrolment closes at 17:00 on the 25th).
        let applied = at(5, 17 + n % 9, 9 + (n * 5) % 7, (n * 17) % 60);
        e.applied = Some(applied);
        e.measurands = if metals_only.contains(&lab) {
            vec![0, 1]
        } else if pesticide_only.contains(&lab) {
            vec![2]
        } else {
            vec![0, 1, 2]
        };
        let approve = lab != declined;
        e.decision = Some((
            approve,
            (applied + Duration::hours(3)).min(at(5, 25, 18, 0)),
        ));
        if !approve {
            enrolments.push(e);
            continue;
        }
        e.dispatch = Some(DemoDispatch {
            at: at(5, 27, 10, 0) + Duration::minutes(3 * i as i64),
            courier: "顺丰速运（冷链）",
            tracking: tracking(2, i),
        });
        // Two in three have confirmed receipt, the demo lab among them; half of those have
        // saved their results, and two in three of these submitted them.
        let received = lab == DEMO_LAB || n % 3 != 2;
        if !received {
            enrolments.push(e);
            continue;
        }
        e.receipt = Some(DemoReceipt {
            at: at(5, 28 + n % 3, 9 + (n * 3) % 8, (n * 7) % 60),
            condition: "intact",
            note: "",
        });
        if lab == DEMO_LAB || n % 2 == 1 {
            enrolments.push(e);
            continue;
        }
        e.results = e
            .measurands
            .iter()
            .map(|&m| DemoResult {
                measurand: m,
                value: fixed(values[m], 3),
                replicates: String::new(),
                u: fixed(values[m] * 0.12, 3),
                k: "2".into(),
                method: draw[m].2,
                not_tested: "",
            })
            .collect();
        // Five a day from 31 May, an hour and a half apart.
        let k = i64::from(saved_n);
        saved_n += 1;
        let saved = at(5, 31, 9, 30) + Duration::days(k / 5) + Duration::minutes(90 * (k % 5));
        e.saved = Some(saved);
        if n % 3 != 1 {
            e.submitted = Some(saved + Duration::minutes(30));
        }
        enrolments.push(e);
    }
    let homogeneity: Vec<DemoStudy> = [
        (0.150, 0.0015, "0.023"),
        (0.084, 0.0010, "0.013"),
        (0.210, 0.0025, "0.032"),
    ]
    .iter()
    .enumerate()
    .map(|(m, &(c, s, sigma))| DemoStudy {
        measurand: m,
        kind: "homogeneity",
        data: homogeneity_data(&mut rng, 10, c, s, 4),
        second: String::new(),
        sigma_pt: sigma,
        at: at(5, 26, 14, 0) + Duration::minutes(20 * m as i64),
    })
    .collect();
    DemoRound {
        code: "GDPT-2022-02",
        title: "2022年检验检测机构能力验证：食品（大米重金属和农药残留测定）",
        scheme: "大米中重金属和农药残留测定能力验证",
        field: "食品",
        measurands: vec![
            DemoMeasurand {
                name: "镉 (Cd)",
                unit: "mg/kg",
                decimals: "3",
                kind: "quantitative",
                log10: false,
                categories: "",
            },
            DemoMeasurand {
                name: "铅 (Pb)",
                unit: "mg/kg",
                decimals: "3",
                kind: "quantitative",
                log10: false,
                categories: "",
            },
            DemoMeasurand {
                name: "毒死蜱",
                unit: "mg/kg",
                decimals: "3",
                kind: "quantitative",
                log10: false,
                categories: "",
            },
        ],
        instructions: "样品为大米粉两瓶（各约 50 g），冷链寄送。收到后请确认接收并于 4 ℃ 以下避光保存；\
                       镉、铅按 GB 5009.15、GB 5009.12 或本机构常用方法测定，毒死蜱按 GB 23200.113 \
                       或等效方法测定，结果以 mg/kg 计，保留三位小数，并报告扩展不确定度（k=2）。",
        created: at(5, 16, 10, 0),
        invited: at(5, 16, 10, 20),
        by_invitation: vec!["GD-SZ-JLY", "GD-MO-LAB1"],
        enrol_until: "2022-05-25 17:00",
        dispatch_on: "2022-05-27",
        results_until: "2022-06-17 17:00",
        enrolments,
        studies: homogeneity,
        testing_from: Some(at(5, 26, 9, 0)),
        evaluated: None,
        released: None,
    }
}

/// GDPT-2022-03 一次性使用医用口罩微生物测定: enrolment open until 10 June.
fn round_03() -> DemoRound {
    let labs = testing('M');
    let mut enrolments = Vec::new();
    let mut applied_n = 0u32;
    for (i, lab) in labs.iter().copied().enumerate() {
        let mut e = enrolment(lab);
        // The demo lab has not applied yet (its organiser may, at the demo's clock); one in
        // four others neither.
        if lab == DEMO_LAB || i % 4 == 1 {
            enrolments.push(e);
            continue;
        }
        let n = applied_n;
        applied_n += 1;
        let applied = at(5, 26 + n % 6, 9 + (n * 5) % 8, (n * 19) % 60);
        e.applied = Some(applied);
        e.measurands = if n % 3 == 2 { vec![0] } else { vec![0, 1] };
        // Every other application is approved the next working day; the rest await.
        if n.is_multiple_of(2) {
            e.decision = Some((true, (applied + Duration::hours(22)).min(at(6, 1, 17, 0))));
        }
        enrolments.push(e);
    }
    DemoRound {
        code: "GDPT-2022-03",
        title: "2022年检验检测机构能力验证：防疫产品（一次性使用医用口罩微生物测定）",
        scheme: "一次性使用医用口罩微生物测定能力验证",
        field: "防疫产品",
        measurands: vec![
            DemoMeasurand {
                name: "细菌菌落总数",
                unit: "CFU/g",
                decimals: "0",
                kind: "quantitative",
                log10: true,
                categories: "",
            },
            DemoMeasurand {
                name: "金黄色葡萄球菌",
                unit: "",
                decimals: "0",
                kind: "qualitative",
                log10: false,
                categories: "检出/未检出",
            },
        ],
        instructions: "样品为一次性使用医用口罩模拟样品，冷链寄送。细菌菌落总数按 GB 15979-2002 附录B \
                       测定，以 CFU/g 报告（按 log10 评价）；金黄色葡萄球菌报告“检出”或“未检出”。",
        created: at(5, 25, 10, 0),
        invited: at(5, 25, 10, 20),
        by_invitation: vec!["GD-SZ-JLY", "GD-HK-LAB1", "GD-MO-LAB1"],
        enrol_until: "2022-06-10 17:00",
        dispatch_on: "2022-06-13",
        results_until: "2022-06-30 17:00",
        enrolments,
        studies: Vec::new(),
        testing_from: None,
        evaluated: None,
        released: None,
    }
}

/// Guangdong's three rounds, in the order they were set up.
pub fn rounds() -> Vec<DemoRound> {
    vec![round_01(), round_02(), round_03()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Login;
    use crate::activity::parse_local_datetime;
    use crate::clock::SHANGHAI;
    use crate::demo::{accounts, orgs};
    use crate::org::{OrgCode, Region};
    use crate::pt::{
        Eligibility, LabFacts, MeasurandKind, MeasurandRaw, MeasurandSpec, ResultEntry, ResultRaw,
        Schedule, Standing, parse_round_code,
    };
    use chrono::{DateTime, TimeZone, Utc};
    use std::collections::{HashMap, HashSet};

    fn utc(t: NaiveDateTime) -> DateTime<Utc> {
        SHANGHAI.from_local_datetime(&t).single().unwrap().to_utc()
    }

    #[test]
    fn sixty_labs_across_the_21_cities() {
        let seeds = orgs();
        let by_code: HashMap<&str, &DemoOrg> = seeds.iter().map(|o| (o.code, o)).collect();
        let mut codes: HashSet<&str> = seeds.iter().map(|o| o.code).collect();
        let mut names = HashSet::new();
        let cities: Vec<&str> = seeds
            .iter()
            .filter(|o| o.parent == Some("GD") && o.kind == OrgKind::Regulator)
            .map(|o| o.code)
            .collect();
        assert_eq!(cities.len(), 21);
        for l in labs() {
            assert!(codes.insert(l.code), "{} twice", l.code);
            assert_eq!(OrgCode::parse("code", l.code).unwrap().as_str(), l.code);
            let parent = l.parent.unwrap();
            assert!(cities.contains(&parent), "{}: {parent}", l.code);
            assert!(l.code.starts_with(&format!("{parent}-LAB")), "{}", l.code);
            assert_eq!(
                (l.kind, l.cma_level, l.region, l.admin_level),
                (
                    OrgKind::Lab,
                    Some(CmaLevel::Provincial),
                    Region::Mainland,
                    None
                ),
                "{}",
                l.code
            );
            assert!(names.insert(l.name), "{} twice", l.name);
            assert!(by_code.values().all(|o| o.name != l.name), "{}", l.name);
            assert!(
                l.name.contains("检测") && l.name.ends_with("有限公司"),
                "{}",
                l.name
            );
        }
        // With the labs the seeds name: 60 in Guangdong, in each of its 21 cities.
        let gd_labs: Vec<DemoOrg> = seeds
            .into_iter()
            .chain(labs())
            .filter(|o| o.kind == OrgKind::Lab && o.code.starts_with("GD-"))
            .collect();
        assert_eq!(gd_labs.len(), 60);
        for city in cities {
            assert!(
                gd_labs.iter().any(|l| l.parent == Some(city)),
                "no lab in {city}"
            );
        }
        // Every lab of the seeds' Guangdong takes part; every acting lab exists.
        let acting: HashSet<&str> = acting_labs().map(|(c, _)| c).collect();
        assert_eq!(acting.len(), 60);
        for l in &gd_labs {
            assert!(acting.contains(l.code), "{}", l.code);
        }
    }

    #[test]
    fn every_lab_taking_part_has_an_account() {
        let demo: HashSet<&str> = accounts().iter().map(|a| a.login).collect();
        let mut logins = HashSet::new();
        let all = lab_accounts();
        assert_eq!(all.len(), 59);
        for a in &all {
            assert_eq!(Login::parse("login", &a.login).unwrap().as_str(), a.login);
            assert!(logins.insert(a.login.clone()), "{} twice", a.login);
            assert!(!demo.contains(a.login.as_str()), "{}", a.login);
            assert_eq!(a.login, format!("{}.staff", a.org_code.to_lowercase()));
        }
        for r in rounds() {
            for e in &r.enrolments {
                let login = acting_login(e.lab);
                assert!(
                    logins.contains(&login) || demo.contains(login.as_str()),
                    "{}: {login}",
                    e.lab
                );
            }
        }
        assert_eq!(acting_login(DEMO_LAB), "lab.staff");
        assert_eq!(applying_login(DEMO_LAB), "lab.organiser");
        assert_eq!(applying_login("GD-JM-LAB2"), "gd-jm-lab2.staff");
    }

    /// Where `lab` stands under the seed notice's rule (every part of it).
    fn standing(lab: &str) -> Standing {
        let o = orgs()
            .into_iter()
            .chain(labs())
            .find(|o| o.code == lab)
            .unwrap();
        Eligibility::default().standing(&LabFacts {
            kind: o.kind,
            cma: o.cma_level,
            region: o.region,
            in_scope: o.code.starts_with("GD-"),
        })
    }

    #[test]
    fn the_rounds_are_valid_and_in_time() {
        let done_by = parse_local_datetime("t", DONE_BY).unwrap();
        let all = rounds();
        let codes: Vec<&str> = all.iter().map(|r| r.code).collect();
        assert_eq!(codes, ["GDPT-2022-01", "GDPT-2022-02", "GDPT-2022-03"]);
        for r in &all {
            let c = r.code;
            assert_eq!(parse_round_code("code", c).unwrap(), c);
            let s = Schedule::parse(r.enrol_until, r.dispatch_on, r.results_until).unwrap();
            let specs: Vec<MeasurandSpec> = r
                .measurands
                .iter()
                .map(|m| {
                    MeasurandSpec::parse(
                        c,
                        &MeasurandRaw {
                            name: m.name,
                            unit: m.unit,
                            decimals: m.decimals,
                            kind: m.kind,
                            log10: m.log10,
                            categories: m.categories,
                            pair_group: "",
                        },
                    )
                    .unwrap()
                })
                .collect();
            let created = utc(r.created);
            assert!(created < utc(r.invited) && created < s.enrol_until, "{c}");
            let mut seen = HashSet::new();
            for lab in &r.by_invitation {
                assert_eq!(standing(lab), Standing::ByInvitation, "{c} {lab}");
            }
            let mut events = vec![r.created, r.invited];
            for e in &r.enrolments {
                let l = e.lab;
                assert!(seen.insert(l), "{c}: {l} twice");
                let st = standing(l);
                assert!(
                    st == Standing::Qualifies || r.by_invitation.contains(&l),
                    "{c}: {l} may not take part"
                );
                if st == Standing::Qualifies {
                    assert!(!r.by_invitation.contains(&l), "{c}: {l}");
                }
                let Some(applied) = e.applied else {
                    assert!(e.decision.is_none() && e.measurands.is_empty(), "{c} {l}");
                    continue;
                };
                events.push(applied);
                assert!(
                    utc(r.invited) < utc(applied) && utc(applied) <= s.enrol_until,
                    "{c} {l}"
                );
                assert!(!e.measurands.is_empty() && e.measurands.iter().all(|m| *m < specs.len()));
                let Some((approved, decided)) = e.decision else {
                    assert!(e.dispatch.is_none(), "{c} {l}");
                    continue;
                };
                events.push(decided);
                assert!(applied < decided, "{c} {l}");
                if let Some(t) = r.testing_from {
                    assert!(decided < t, "{c} {l}: decided while in enrolment");
                }
                let Some(d) = &e.dispatch else {
                    assert!(e.receipt.is_none() && e.results.is_empty(), "{c} {l}");
                    continue;
                };
                assert!(approved, "{c} {l}");
                events.push(d.at);
                assert!(r.testing_from.unwrap() < d.at, "{c} {l}");
                assert_eq!(d.at.date(), s.dispatch_on, "{c} {l}");
                let Some(rc) = &e.receipt else {
                    assert!(e.results.is_empty(), "{c} {l}");
                    continue;
                };
                events.push(rc.at);
                assert!(d.at < rc.at, "{c} {l}");
                assert_eq!(rc.condition == "intact", rc.note.is_empty(), "{c} {l}");
                if e.results.is_empty() {
                    assert!(e.saved.is_none() && e.submitted.is_none(), "{c} {l}");
                    continue;
                }
                let saved = e.saved.unwrap();
                events.push(saved);
                assert!(rc.at < saved, "{c} {l}");
                if let Some(sub) = e.submitted {
                    events.push(sub);
                    assert!(saved < sub, "{c} {l}");
                }
                for res in &e.results {
                    assert!(e.measurands.contains(&res.measurand), "{c} {l}");
                    let spec = &specs[res.measurand];
                    let raw = ResultRaw {
                        value: &res.value,
                        replicates: &res.replicates,
                        u: &res.u,
                        k: &res.k,
                        method: res.method,
                        not_tested: res.not_tested,
                    };
                    ResultEntry::parse(c, spec.kind, &spec.categories, spec.log10, &raw)
                        .unwrap_or_else(|e| panic!("{c} {l}: {e:?}"))
                        .unwrap();
                }
            }
            for st in &r.studies {
                events.push(st.at);
                assert_eq!(specs[st.measurand].kind, MeasurandKind::Quantitative);
            }
            events.extend(r.testing_from);
            events.extend(r.evaluated);
            events.extend(r.released);
            for t in events {
                assert!(
                    r.created <= t && utc(t) < done_by,
                    "{c}: {t} outside the round's time"
                );
            }
        }
    }

    #[test]
    fn the_rounds_stand_at_three_states() {
        let all = rounds();
        let (r1, r2, r3) = (&all[0], &all[1], &all[2]);
        // 01: released after its results deadline; results from most invited labs, one
        // late, one not tested, the two doubtful ones among them; studies of both kinds.
        let due = parse_local_datetime("t", r1.results_until).unwrap();
        assert!(due < utc(r1.evaluated.unwrap()) && r1.evaluated < r1.released);
        let reported: Vec<&DemoEnrolment> = r1
            .enrolments
            .iter()
            .filter(|e| e.submitted.is_some())
            .collect();
        assert!(reported.len() > 30, "{}", reported.len());
        assert_eq!(
            reported
                .iter()
                .filter(|e| utc(e.submitted.unwrap()) > due)
                .count(),
            1
        );
        for lab in [QUESTIONABLE_LAB, UNSATISFACTORY_LAB, DEMO_LAB] {
            assert!(reported.iter().any(|e| e.lab == lab), "{lab}");
        }
        let kinds: Vec<&str> = r1.studies.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, ["homogeneity", "stability"]);
        for lab in ["GD-LAB-NYDQ", "GD-SZ-JLY", "GD-HK-LAB1"] {
            assert!(
                r1.enrolments
                    .iter()
                    .any(|e| e.lab == lab && e.submitted.is_some())
            );
        }
        // 02: testing, samples out, some receipts, some results saved and some submitted; the
        // demo lab approved with its samples received and nothing entered.
        assert!(r2.testing_from.is_some() && r2.released.is_none());
        let count =
            |f: &dyn Fn(&DemoEnrolment) -> bool| r2.enrolments.iter().filter(|e| f(e)).count();
        let dispatched = count(&|e| e.dispatch.is_some());
        let received = count(&|e| e.receipt.is_some());
        let saved = count(&|e| e.saved.is_some());
        let submitted = count(&|e| e.submitted.is_some());
        assert!(
            dispatched > received && received > saved && saved > submitted && submitted > 0,
            "{dispatched} {received} {saved} {submitted}"
        );
        let mine = r2.enrolments.iter().find(|e| e.lab == DEMO_LAB).unwrap();
        assert_eq!(mine.decision.map(|d| d.0), Some(true));
        assert!(mine.receipt.is_some() && mine.results.is_empty());
        assert_eq!(mine.measurands, [0, 1, 2]);
        assert!(
            parse_local_datetime("t", r2.results_until).unwrap()
                > parse_local_datetime("t", "2022-06-06 09:00").unwrap()
        );
        // 03: enrolment open past the default demo clock; some applied, some approved, the
        // demo lab invited only.
        assert!(r3.testing_from.is_none());
        assert!(
            parse_local_datetime("t", r3.enrol_until).unwrap()
                > parse_local_datetime("t", "2022-06-06 09:00").unwrap()
        );
        let applied = r3.enrolments.iter().filter(|e| e.applied.is_some()).count();
        let approved = r3
            .enrolments
            .iter()
            .filter(|e| e.decision.is_some())
            .count();
        assert!(applied > approved && approved > 0, "{applied} {approved}");
        let mine = r3.enrolments.iter().find(|e| e.lab == DEMO_LAB).unwrap();
        assert!(mine.applied.is_none());
        for lab in ["GD-HK-LAB1", "GD-MO-LAB1"] {
            assert!(
                r3.enrolments
                    .iter()
                    .any(|e| e.lab == lab && e.applied.is_some())
            );
        }
        // The same every time.
        assert_eq!(rounds(), all);
    }
}
