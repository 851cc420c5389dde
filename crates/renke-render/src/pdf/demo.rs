//! Sample documents from the demo data (the two seed notices), for tests, the benchmark
//! and anyone who wants to look at the layouts: `renke bench pdf --out DIR` writes them.

use super::{
    ActivityRow, Certificate, ContactLine, Figure, Material, NoticeDoc, PtChart, PtLetter,
    PtLetterRow, PtReport, PtReportMeasurand, PtReportRow, Report, UnitSummary,
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

/// The demo proficiency-testing round GDPT-2022-01 (电气产品绝缘电阻测试): 48 laboratories
/// measured the insulation resistance of two samples (A, B). The results are invented but
/// plausible, and the statistics are computed from them here as renke-pt would: algorithm A
/// (ISO 13528:2022 C.3.1) for x_pt and σpt = s*, u(x_pt) = 1.25 s*/√p, z scores.
struct PtDemo {
    codes: Vec<String>,
    samples: Vec<PtSample>,
}

struct PtSample {
    name: &'static str,
    values: Vec<f64>,
    assigned: f64,
    sigma: f64,
    u: f64,
    late: Vec<bool>,
}

/// The laboratory the demo letter goes to, and its code.
const PT_LAB: (&str, &str) = ("广州演示检测技术有限公司", "GD01-K7M2");
const PT_UNIT: &str = "MΩ";
const PT_MEASURAND: &str = "绝缘电阻";

/// A small deterministic generator (a 64-bit LCG) for the demo's results.
struct Lcg(u64);

impl Lcg {
    fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// A standard normal deviate (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Algorithm A (ISO 13528:2022 C.3.1): the robust mean x* and standard deviation s*.
fn algorithm_a(x: &[f64]) -> (f64, f64) {
    let mut sorted = x.to_vec();
    sorted.sort_by(f64::total_cmp);
    let med = median(&sorted);
    let mut dev: Vec<f64> = x.iter().map(|v| (v - med).abs()).collect();
    dev.sort_by(f64::total_cmp);
    let (mut m, mut s) = (med, 1.483 * median(&dev));
    let p = x.len() as f64;
    for _ in 0..200 {
        let delta = 1.5 * s;
        let c: Vec<f64> = x.iter().map(|v| v.clamp(m - delta, m + delta)).collect();
        let nm = c.iter().sum::<f64>() / p;
        let ns = 1.134 * (c.iter().map(|v| (v - nm).powi(2)).sum::<f64>() / (p - 1.0)).sqrt();
        let done = (nm - m).abs() < 1e-9 && (ns - s).abs() < 1e-9;
        (m, s) = (nm, ns);
        if done {
            break;
        }
    }
    (m, s)
}

/// A Gaussian kernel density of `x` (Silverman's bandwidth from s*) at 121 points over
/// x_pt ± 4σpt.
fn kde(x: &[f64], centre: f64, spread: f64) -> Vec<(f64, f64)> {
    let h = 1.06 * spread * (x.len() as f64).powf(-0.2);
    let norm = 1.0 / (x.len() as f64 * h * (2.0 * std::f64::consts::PI).sqrt());
    (0..=120)
        .map(|i| {
            let at = centre - 4.0 * spread + 8.0 * spread * f64::from(i) / 120.0;
            let d = x
                .iter()
                .map(|v| (-0.5 * ((at - v) / h).powi(2)).exp())
                .sum::<f64>()
                * norm;
            (at, d)
        })
        .collect()
}

fn pt_demo() -> PtDemo {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = Lcg(20_220_315);
    let labs = 48;
    let codes: Vec<String> = (0..labs)
        .map(|i| {
            if i == 0 {
                return PT_LAB.1.to_owned();
            }
            let tail: String = (0..4)
                .map(|_| {
                    let k = (rng.uniform() * ALPHABET.len() as f64) as usize;
                    char::from(ALPHABET[k.min(ALPHABET.len() - 1)])
                })
                .collect();
            format!("GD{:02}-{tail}", i + 1)
        })
        .collect();
    let mut sample =
        |name: &'static str, centre: f64, spread: f64, own: f64, odd: &[(usize, f64)]| {
            let mut values: Vec<f64> = (0..labs)
                .map(|_| ((centre + spread * rng.normal()) * 10.0).round() / 10.0)
                .collect();
            values[0] = own;
            for (i, v) in odd {
                values[*i] = *v;
            }
            let (assigned, sigma) = algorithm_a(&values);
            PtSample {
                name,
                u: 1.25 * sigma / (values.len() as f64).sqrt(),
                assigned,
                sigma,
                late: (0..labs).map(|i| i == 17).collect(),
                values,
            }
        };
    // Sample A: the laboratory agrees; sample B: it reads high. A few others slip: a
    // decimal point, a wrong range, a leaky fixture.
    let a = sample(
        "样品A",
        52.0,
        1.9,
        51.3,
        &[(9, 5.2), (23, 58.7), (31, 46.9)],
    );
    let b = sample(
        "样品B",
        118.0,
        4.6,
        137.0,
        &[(9, 11.9), (23, 129.4), (40, 97.5)],
    );
    PtDemo {
        codes,
        samples: vec![a, b],
    }
}

fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.starts_with("-0") && s.trim_start_matches(['-', '0', '.']).is_empty() {
        s.trim_start_matches('-').to_owned()
    } else {
        s
    }
}

fn pt_class(z: f64) -> &'static str {
    if z.abs() <= 2.0 {
        "满意"
    } else if z.abs() < 3.0 {
        "可疑"
    } else {
        "不满意"
    }
}

const PT_PROVIDER: &str = "广东省市场监督管理局";
const PT_ROUND: &str = "GDPT-2022-01";
const PT_TITLE: &str = "电气产品绝缘电阻测试";
const PT_SCHEME: &str = "2022年广东省检验检测机构能力验证计划";
const PT_ASSIGNED_METHOD: &str = "稳健平均值（算法A，ISO 13528:2022 C.3.1）";
const PT_SIGMA_METHOD: &str = "本轮结果的稳健标准差 s*（算法A，ISO 13528:2022 C.3.1）";

impl PtSample {
    fn z(&self, i: usize) -> f64 {
        (self.values[i] - self.assigned) / self.sigma
    }

    fn label(&self) -> String {
        format!("{PT_MEASURAND}（{}）", self.name)
    }

    fn distribution(&self, marked: Option<f64>) -> crate::chart::Distribution {
        crate::chart::Distribution {
            values: self.values.clone(),
            density: kde(&self.values, self.assigned, self.sigma),
            assigned: self.assigned,
            sigma_pt: self.sigma,
            marked,
            unit: PT_UNIT.into(),
            x_label: self.label(),
        }
    }
}

/// The letter to 广州演示检测技术有限公司 (code GD01-K7M2) on round GDPT-2022-01: sample A
/// satisfactory, sample B unsatisfactory; in its charts the other laboratories' bars carry
/// no code.
pub fn pt_letter() -> PtLetter {
    use crate::chart::{distribution_svg, ranked_scores_svg};
    let demo = pt_demo();
    let own = 0;
    let rows = demo
        .samples
        .iter()
        .map(|s| {
            let z = s.z(own);
            PtLetterRow {
                measurand: s.label(),
                unit: PT_UNIT.into(),
                result: fixed(s.values[own], 1),
                assigned: fixed(s.assigned, 2),
                sigma_pt: fixed(s.sigma, 2),
                u_assigned: fixed(s.u, 2),
                assigned_method: PT_ASSIGNED_METHOD.into(),
                sigma_method: PT_SIGMA_METHOD.into(),
                score_name: "z".into(),
                score: fixed(z, 2),
                class: pt_class(z).into(),
                zeta: None,
                en: None,
                late: s.late[own],
            }
        })
        .collect();
    let mut charts = Vec::new();
    for (i, s) in demo.samples.iter().enumerate() {
        charts.push(PtChart {
            title: format!(
                "图{} {}结果分布（直方图、核密度曲线与本实验室结果）",
                i + 1,
                s.label()
            ),
            svg: distribution_svg(&s.distribution(Some(s.values[own]))),
        });
    }
    let b = demo.samples.len() - 1;
    if let Some(s) = demo.samples.get(b) {
        let scores: Vec<(String, f64)> = (0..s.values.len())
            .map(|i| {
                let code = if i == own {
                    demo.codes[i].clone()
                } else {
                    String::new()
                };
                (code, s.z(i))
            })
            .collect();
        charts.push(PtChart {
            title: format!("图{} {} z 分数排序", charts.len() + 1, s.label()),
            svg: ranked_scores_svg(&scores, Some(PT_LAB.1), "z"),
        });
    }
    PtLetter {
        provider: PT_PROVIDER.into(),
        round_code: PT_ROUND.into(),
        round_title: PT_TITLE.into(),
        scheme: PT_SCHEME.into(),
        lab_name: PT_LAB.0.into(),
        lab_code: PT_LAB.1.into(),
        issued_on: date("2022-05-20").unwrap_or_default(),
        rows,
        notes: vec![
            "样品B结果为不满意，请分析原因（如测试电压、读数时间、试验环境湿度及仪器校准状态），采取纠正措施，并于2022年6月30日前将整改报告报送能力验证提供者。".into(),
            "如对本通知书有异议，请于收到之日起15个工作日内以书面形式提出。".into(),
        ],
        charts,
    }
}

/// The report of round GDPT-2022-01: both samples, every laboratory by code, and the
/// samples' Youden plot.
pub fn pt_report() -> PtReport {
    use crate::chart::{Youden, distribution_svg, ranked_scores_svg, youden_svg};
    let demo = pt_demo();
    let measurands = demo
        .samples
        .iter()
        .map(|s| {
            let mut counts = [0usize; 3];
            let mut rows: Vec<PtReportRow> = (0..s.values.len())
                .map(|i| {
                    let z = s.z(i);
                    let class = pt_class(z);
                    let k = match class {
                        "满意" => 0,
                        "可疑" => 1,
                        _ => 2,
                    };
                    counts[k] += 1;
                    PtReportRow {
                        code: demo.codes[i].clone(),
                        result: fixed(s.values[i], 1),
                        score: fixed(z, 2),
                        class: class.into(),
                        late: s.late[i],
                    }
                })
                .collect();
            rows.sort_by(|a, b| a.code.cmp(&b.code));
            let scores: Vec<(String, f64)> = (0..s.values.len())
                .map(|i| (demo.codes[i].clone(), s.z(i)))
                .collect();
            PtReportMeasurand {
                name: s.label(),
                unit: PT_UNIT.into(),
                n: s.values.len(),
                assigned: fixed(s.assigned, 2),
                u_assigned: fixed(s.u, 2),
                sigma_pt: fixed(s.sigma, 2),
                assigned_method: PT_ASSIGNED_METHOD.into(),
                sigma_method: PT_SIGMA_METHOD.into(),
                method_lines: vec![
                    "检测方法：按本轮作业指导书，测试电压 DC 500 V，施加电压 1 min 后读数。".into(),
                    "统计方法：算法A（ISO 13528:2022 C.3.1），以中位数和 1.483·MAD 为初值迭代至收敛；全部结果参与计算，未剔除离群值。".into(),
                    format!(
                        "u(xpt) = 1.25·s*/√p = {} {PT_UNIT}，不大于 0.3σpt，采用 z 分数，z = (x - xpt)/σpt。",
                        fixed(s.u, 2)
                    ),
                    "评价：|z| ≤ 2 满意，2 < |z| < 3 可疑，|z| ≥ 3 不满意（CNAS-GL002）。".into(),
                ],
                counts,
                rows,
                charts: vec![
                    PtChart {
                        title: format!("{}结果分布", s.label()),
                        svg: distribution_svg(&s.distribution(None)),
                    },
                    PtChart {
                        title: format!("{} z 分数排序", s.label()),
                        svg: ranked_scores_svg(&scores, None, "z"),
                    },
                ],
            }
        })
        .collect();
    PtReport {
        provider: PT_PROVIDER.into(),
        round_code: PT_ROUND.into(),
        round_title: PT_TITLE.into(),
        scheme: PT_SCHEME.into(),
        issued_on: date("2022-05-20").unwrap_or_default(),
        participants: demo.codes.len(),
        measurands,
        youden: match &demo.samples[..] {
            [a, b] => vec![PtChart {
                title: format!("{}与{}：z 值 Youden 图", a.label(), b.label()),
                svg: youden_svg(&Youden {
                    points: (0..demo.codes.len())
                        .map(|i| (demo.codes[i].clone(), a.z(i), b.z(i)))
                        .collect(),
                    marked: None,
                    x_label: format!("{}（z）", a.label()),
                    y_label: format!("{}（z）", b.label()),
                }),
            }],
            _ => Vec::new(),
        },
    }
}
