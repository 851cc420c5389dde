//! Shanghai's industry statistics (行业统计) of the demo: the inspection, testing and
//! certification institutions of its sixteen districts for 2019–2021, made up but
//! plausible (about three hundred in 2021, Pudong the largest, figures growing year by
//! year), generated deterministically — the same on every run — with valid 统一社会信用代码;
//! and the 2021 report written with 上海交通大学安泰经济与管理学院, as Shanghai's notice (二)
//! describes it.

use crate::industry_stats::{InstitutionKind, Sector, StatRow, Totals, credit_code_check};

/// The bureau that keeps the statistics.
pub const OWNER: &str = "SH";
/// The account that imports them and writes the report.
pub const KEEPER: &str = "sh.staff";
/// The co-organiser the report is shared with.
pub const PARTNER: &str = "SH-SJTU-ACEM";
/// The years of the demo.
pub const YEARS: [i32; 3] = [2019, 2020, 2021];
/// When each year was imported, in Beijing time.
pub const IMPORTED_AT: &str = "2022-05-10 10:00";
/// When the 2021 report was published.
pub const PUBLISHED_AT: &str = "2022-05-30 16:00";
/// The report's title.
pub const REPORT_TITLE: &str = "2021年度上海市检验检测认证行业发展情况";

/// Each district, its administrative code and how many institutions it has in 2021.
const DISTRICTS: [(&str, &str, u32); 16] = [
    ("黄浦区", "310101", 14),
    ("徐汇区", "310104", 26),
    ("长宁区", "310105", 12),
    ("静安区", "310106", 18),
    ("普陀区", "310107", 15),
    ("虹口区", "310109", 9),
    ("杨浦区", "310110", 20),
    ("闵行区", "310112", 34),
    ("宝山区", "310113", 22),
    ("嘉定区", "310114", 28),
    ("浦东新区", "310115", 58),
    ("金山区", "310116", 11),
    ("松江区", "310117", 21),
    ("青浦区", "310118", 15),
    ("奉贤区", "310120", 13),
    ("崇明区", "310151", 6),
];

/// Words of institution names.
const WORDS: [&str; 12] = [
    "华测", "申标", "沪质", "东方", "中检", "谱尼", "海川", "金桥", "新锐", "博远", "信诚", "安正",
];

/// A small deterministic generator (xorshift), seeded per institution.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// A number in `lo..hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo).max(1)
    }
}

/// One institution of the demo, as it is in 2021.
struct Institution {
    name: String,
    credit_code: String,
    kind: InstitutionKind,
    sector: Sector,
    district: &'static str,
    /// The first year it reports.
    since: i32,
    revenue: f64,
    staff: i64,
    per_head: i64,
}

fn institutions() -> Vec<Institution> {
    let mut out = Vec::new();
    let mut serial = 0u64;
    for (d, (district, region, count)) in DISTRICTS.iter().enumerate() {
        let stem = district.trim_end_matches('区').trim_end_matches("新");
        for i in 0..*count {
            serial += 1;
            let mut rng = Rng::new(serial);
            let (kind, suffix) = match rng.range(0, 100) {
                0..=69 => (InstitutionKind::Testing, "检测技术有限公司"),
                70..=81 => (InstitutionKind::Certification, "认证有限公司"),
                82..=89 => (InstitutionKind::Both, "检验认证有限公司"),
                _ => (InstitutionKind::Calibration, "计量校准有限公司"),
            };
            let sector = match kind {
                InstitutionKind::Certification => {
                    if rng.range(0, 4) == 0 {
                        Sector::Electrical
                    } else {
                        Sector::Management
                    }
                }
                InstitutionKind::Calibration => Sector::Machinery,
                _ => Sector::ALL[rng.range(0, 8) as usize],
            };
            let word = WORDS[(serial as usize * 7 + d) % WORDS.len()];
            let head = format!("91{region}MA1{serial:06}");
            let check = credit_code_check(&head).unwrap_or('0');
            let since = match i * 10 / (*count).max(1) {
                0..=7 => 2019,
                8 => 2020,
                _ => 2021,
            };
            let staff = rng.range(12, 160) as i64 * if d == 10 { 2 } else { 1 };
            out.push(Institution {
                name: format!("上海{stem}{word}{}{suffix}", ordinal(i / 12 + 1)),
                credit_code: format!("{head}{check}"),
                kind,
                sector,
                district,
                since,
                revenue: (staff as f64) * rng.range(9, 28) as f64,
                staff,
                per_head: rng.range(20, 400) as i64,
            });
        }
    }
    out
}

/// A short Chinese ordinal to tell namesakes apart: 一, 二, … (none for the first).
pub fn ordinal(n: u32) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1 => String::new(),
        2..=9 => format!("第{}", DIGITS[n as usize]),
        _ => format!("第{n}"),
    }
}

/// The rows of `year`: the institutions reporting then, with figures that grow by about
/// 8% a year up to 2021.
pub fn rows(year: i32) -> Vec<StatRow> {
    let back = (2021 - year).max(0);
    let shrink = 1.08_f64.powi(back);
    institutions()
        .into_iter()
        .filter(|i| i.since <= year)
        .map(|i| {
            let staff = ((i.staff as f64) / 1.03_f64.powi(back)).round() as i64;
            let work = staff * i.per_head;
            let (certificates, reports) = match i.kind {
                InstitutionKind::Certification => (work / 3, 0),
                InstitutionKind::Both => (work / 6, work),
                InstitutionKind::Testing | InstitutionKind::Calibration => (0, work),
            };
            StatRow {
                name: i.name,
                credit_code: i.credit_code,
                kind: i.kind,
                sector: i.sector,
                district: i.district.to_owned(),
                revenue: ((i.revenue / shrink) * 100.0).round() / 100.0,
                staff,
                certificates: ((certificates as f64) / shrink).round() as i64,
                reports: ((reports as f64) / shrink).round() as i64,
            }
        })
        .collect()
}

/// The report's narrative, with the year's totals (`total`) and those of the year before
/// (`before`) written in.
pub fn narrative(total: &Totals, before: Option<&Totals>) -> String {
    let growth = |now: f64, then: f64| {
        if then > 0.0 {
            format!("{:.1}%", (now / then - 1.0) * 100.0)
        } else {
            "—".to_owned()
        }
    };
    let (inst_growth, revenue_growth) = match before {
        Some(b) => (
            growth(total.institutions as f64, b.institutions as f64),
            growth(total.revenue, b.revenue),
        ),
        None => ("—".to_owned(), "—".to_owned()),
    };
    format!(
        "一、总体情况\n\
         2021年，本市检验检测认证行业在疫情防控常态化条件下保持平稳较快发展。纳入统计的检验检测认证机构{inst}家，较上年增长{inst_growth}；全年实现营业收入{revenue:.2}万元，较上年增长{revenue_growth}；从业人员{staff}人。\n\
         二、各区发展情况\n\
         机构主要集中在浦东新区、闵行区、嘉定区和徐汇区，四区机构数量合计超过全市的四成；崇明区、虹口区机构数量较少，以服务本地生态环境和城市运行为主。\n\
         三、各行业领域发展情况\n\
         （一）检验检测\n\
         电子电器、环境监测、建筑工程等领域检验检测需求稳定增长，出具报告数量继续增加。\n\
         （二）认证\n\
         管理体系认证仍是认证业务的主体，发出证书数量随市场主体数量增长而增加。\n\
         四、存在的问题\n\
         部分机构规模偏小、同质化竞争较多，高端检测能力和国际互认程度仍需提高。\n\
         五、下一步工作建议\n\
         推动检验检测认证机构集约化发展，支持龙头机构参与国际标准和国际互认，提升服务长三角一体化和“五个中心”建设的能力。\n\
         本报告由上海市市场监督管理局与上海交通大学安泰经济与管理学院共同编写。",
        inst = total.institutions,
        revenue = total.revenue,
        staff = total.staff,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Table;
    use crate::industry_stats::{COLUMNS, SHANGHAI_DISTRICTS, analyse, parse_table};

    #[test]
    fn the_demo_figures_pass_the_import_and_grow() {
        let districts: Vec<String> = SHANGHAI_DISTRICTS.iter().map(|d| (*d).to_owned()).collect();
        let mut before = 0;
        for year in YEARS {
            let rows = rows(year);
            assert!(rows.len() > before, "{year}");
            before = rows.len();
            // The same rows read back through the import's validation.
            let table = Table {
                headers: COLUMNS.iter().map(|c| c.zh.to_owned()).collect(),
                rows: rows
                    .iter()
                    .map(|r| {
                        vec![
                            r.name.clone(),
                            r.credit_code.clone(),
                            r.kind.zh().to_owned(),
                            r.sector.zh().to_owned(),
                            r.district.clone(),
                            r.revenue.to_string(),
                            r.staff.to_string(),
                            r.certificates.to_string(),
                            r.reports.to_string(),
                        ]
                    })
                    .collect(),
            };
            assert_eq!(parse_table(&table, &districts).unwrap(), rows, "{year}");
        }
        let rows = rows(2021);
        assert!((280..=360).contains(&rows.len()), "{}", rows.len());
        let a = analyse(2021, &rows, &districts, Vec::new());
        assert!(a.by_district.iter().all(|d| d.institutions > 0));
        let pudong = a.by_district.iter().find(|d| d.key == "浦东新区").unwrap();
        assert!(
            a.by_district
                .iter()
                .all(|d| d.institutions <= pudong.institutions)
        );
        assert_eq!(rows, super::rows(2021), "deterministic");
        assert!(narrative(&a.total, None).contains(&format!("{}家", rows.len())));
    }
}
