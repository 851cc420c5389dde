//! The synthetic national tree: 1 national bureau, 32 provincial bureaus, about 330
//! municipal and 2,850 district bureaus, about 52,000 labs and 1,000 certification bodies,
//! the rest companies (figures for 150,000 organisations; smaller trees scale down).
//! Deterministic: the same size and seed give the same tree.

use super::Rng;
use renke_domain::org::{AdminLevel, CmaLevel, OrgKind, OrgPath};

/// One synthetic organisation; `parent` indexes an earlier element.
#[derive(Debug, Clone)]
pub struct SynOrg {
    pub code: String,
    pub parent: Option<usize>,
    pub name: String,
    pub kind: OrgKind,
    pub admin_level: Option<AdminLevel>,
    pub cma_level: Option<CmaLevel>,
}

/// Provincial-level units: code and name (31 provinces plus 新疆生产建设兵团).
pub const PROVINCES: [(&str, &str); 32] = [
    ("BJ", "北京市"),
    ("TJ", "天津市"),
    ("HE", "河北省"),
    ("SX", "山西省"),
    ("NM", "内蒙古自治区"),
    ("LN", "辽宁省"),
    ("JL", "吉林省"),
    ("HL", "黑龙江省"),
    ("SH", "上海市"),
    ("JS", "江苏省"),
    ("ZJ", "浙江省"),
    ("AH", "安徽省"),
    ("FJ", "福建省"),
    ("JX", "江西省"),
    ("SD", "山东省"),
    ("HA", "河南省"),
    ("HB", "湖北省"),
    ("HN", "湖南省"),
    ("GD", "广东省"),
    ("GX", "广西壮族自治区"),
    ("HI", "海南省"),
    ("CQ", "重庆市"),
    ("SC", "四川省"),
    ("GZ", "贵州省"),
    ("YN", "云南省"),
    ("XZ", "西藏自治区"),
    ("SN", "陕西省"),
    ("GS", "甘肃省"),
    ("QH", "青海省"),
    ("NX", "宁夏回族自治区"),
    ("XJ", "新疆维吾尔自治区"),
    ("BT", "新疆生产建设兵团"),
];

const SYLLABLES: &[&str] = &[
    "安", "宝", "昌", "长", "崇", "德", "东", "丰", "福", "广", "海", "和", "华", "怀", "惠", "吉",
    "嘉", "建", "江", "金", "锦", "晋", "静", "康", "乐", "临", "龙", "隆", "茂", "明", "南", "宁",
    "平", "浦", "青", "清", "庆", "泉", "瑞", "山", "盛", "石", "顺", "泰", "通", "同", "武", "西",
    "祥", "新", "兴", "阳", "永", "裕", "元", "云", "泽", "章", "肇", "中",
];
const TRADE_WORDS: &[&str] = &[
    "精测", "华检", "中科", "诚信", "标准", "谱尼", "天祥", "恒信", "正源", "国信", "安科", "环宇",
    "博纳", "信达", "质衡", "联创", "瑞丰", "鼎诚", "卓越", "汇通",
];
const LAB_SUFFIXES: &[&str] = &[
    "检测有限公司",
    "检测技术有限公司",
    "检验检测有限公司",
    "质量检测中心",
    "计量检测研究院",
    "环境检测有限公司",
    "食品检测有限公司",
];
const COMPANY_SUFFIXES: &[&str] = &[
    "电子有限公司",
    "机械制造有限公司",
    "食品有限公司",
    "纺织有限公司",
    "化工有限公司",
    "建材有限公司",
    "医疗器械有限公司",
    "新能源科技有限公司",
];

/// How many of each kind a tree of `total` organisations has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub municipal: usize,
    pub district: usize,
    pub labs: usize,
    pub certification_bodies: usize,
    pub companies: usize,
}

impl Shape {
    pub fn for_total(total: usize) -> anyhow::Result<Shape> {
        if total < 100 {
            anyhow::bail!("--orgs 至少为 100 must be at least 100");
        }
        let scale = |n: usize| (n * total / 150_000).max(1);
        let municipal = scale(330).max(32);
        let district = scale(2_850).max(municipal);
        let labs = scale(52_000);
        let certification_bodies = scale(1_000);
        let fixed = 1 + 32 + municipal + district + labs + certification_bodies;
        let companies = total.saturating_sub(fixed);
        if fixed > total {
            anyhow::bail!("--orgs {total} 太小 is too small for the tree's fixed levels ({fixed})");
        }
        Ok(Shape {
            municipal,
            district,
            labs,
            certification_bodies,
            companies,
        })
    }
}

fn place_name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SYLLABLES), rng.pick(SYLLABLES))
}

/// Builds the tree, parents before children.
pub fn build(total: usize, seed: u64) -> anyhow::Result<Vec<SynOrg>> {
    let shape = Shape::for_total(total)?;
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(total);
    out.push(SynOrg {
        code: "SAMR".into(),
        parent: None,
        name: "国家市场监督管理总局".into(),
        kind: OrgKind::Regulator,
        admin_level: Some(AdminLevel::National),
        cma_level: None,
    });
    let provinces: Vec<usize> = PROVINCES
        .iter()
        .map(|(code, name)| {
            out.push(SynOrg {
                code: (*code).to_owned(),
                parent: Some(0),
                name: if *code == "BT" {
                    "新疆生产建设兵团市场监督管理局".to_owned()
                } else {
                    format!("{name}市场监督管理局")
                },
                kind: OrgKind::Regulator,
                admin_level: Some(AdminLevel::Provincial),
                cma_level: None,
            });
            out.len() - 1
        })
        .collect();
    let mut cities = Vec::with_capacity(shape.municipal);
    for i in 0..shape.municipal {
        let p = provinces[i % provinces.len()];
        let pname = PROVINCES[i % PROVINCES.len()].1;
        let city = place_name(&mut rng);
        out.push(SynOrg {
            code: format!(
                "{}-M{:03}",
                PROVINCES[i % PROVINCES.len()].0,
                i / PROVINCES.len() + 1
            ),
            parent: Some(p),
            name: format!("{pname}{city}市市场监督管理局"),
            kind: OrgKind::Regulator,
            admin_level: Some(AdminLevel::Municipal),
            cma_level: None,
        });
        cities.push((out.len() - 1, city));
    }
    let mut districts = Vec::with_capacity(shape.district);
    for i in 0..shape.district {
        let (c, city) = &cities[i % cities.len()];
        let code = format!("{}-D{:03}", out[*c].code, i / cities.len() + 1);
        let district = place_name(&mut rng);
        out.push(SynOrg {
            code,
            parent: Some(*c),
            name: format!("{city}市{district}区市场监督管理局"),
            kind: OrgKind::Regulator,
            admin_level: Some(AdminLevel::District),
            cma_level: None,
        });
        districts.push(out.len() - 1);
    }
    for i in 0..shape.certification_bodies {
        let p = provinces[i % provinces.len()];
        let name = format!(
            "{}{}{}认证有限公司",
            PROVINCES[i % PROVINCES.len()]
                .1
                .trim_end_matches(['省', '市']),
            rng.pick(TRADE_WORDS),
            rng.pick(SYLLABLES)
        );
        out.push(SynOrg {
            code: format!("CB-{:05}", i + 1),
            parent: Some(p),
            name,
            kind: OrgKind::CertificationBody,
            admin_level: None,
            cma_level: None,
        });
    }
    for i in 0..shape.labs {
        let d = districts[rng.below(districts.len())];
        let name = format!(
            "{}{}{}{}",
            place_name(&mut rng),
            rng.pick(TRADE_WORDS),
            rng.pick(SYLLABLES),
            rng.pick(LAB_SUFFIXES)
        );
        out.push(SynOrg {
            code: format!("LAB-{:06}", i + 1),
            parent: Some(d),
            name,
            kind: OrgKind::Lab,
            admin_level: None,
            cma_level: Some(if rng.below(10) == 0 {
                CmaLevel::National
            } else {
                CmaLevel::Provincial
            }),
        });
    }
    for i in 0..shape.companies {
        let d = districts[rng.below(districts.len())];
        let name = format!(
            "{}{}{}",
            place_name(&mut rng),
            rng.pick(SYLLABLES),
            rng.pick(COMPANY_SUFFIXES)
        );
        out.push(SynOrg {
            code: format!("CO-{:06}", i + 1),
            parent: Some(d),
            name,
            kind: OrgKind::Company,
            admin_level: None,
            cma_level: None,
        });
    }
    Ok(out)
}

/// The paths the tree gets when loaded into an empty database, where ids are assigned
/// 1, 2, 3 … in order.
pub fn paths(tree: &[SynOrg]) -> Vec<OrgPath> {
    let mut out: Vec<OrgPath> = Vec::with_capacity(tree.len());
    for (i, o) in tree.iter().enumerate() {
        let id = i as i64 + 1;
        let p = match o.parent.and_then(|p| out.get(p)) {
            Some(parent) => parent.child(id),
            None => OrgPath::root(id),
        };
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_shape_and_determinism() {
        let s = Shape::for_total(150_000).unwrap();
        assert_eq!(s.municipal, 330);
        assert_eq!(s.district, 2_850);
        assert_eq!(s.labs, 52_000);
        assert_eq!(s.certification_bodies, 1_000);
        assert_eq!(1 + 32 + 330 + 2_850 + 52_000 + 1_000 + s.companies, 150_000);
        let a = build(2_000, 7).unwrap();
        let b = build(2_000, 7).unwrap();
        assert_eq!(a.len(), 2_000);
        assert_eq!(
            a.iter().map(|o| &o.name).collect::<Vec<_>>(),
            b.iter().map(|o| &o.name).collect::<Vec<_>>()
        );
        let codes: std::collections::HashSet<_> = a.iter().map(|o| &o.code).collect();
        assert_eq!(codes.len(), a.len());
        assert!(
            a.iter()
                .enumerate()
                .all(|(i, o)| o.parent.is_none_or(|p| p < i))
        );
        assert!(a[40].name.ends_with("市场监督管理局"), "{}", a[40].name);
        let paths = paths(&a);
        assert_eq!(paths[1].as_str(), "/a1/a2/");
    }
}
