//! Industry statistics (行业统计) and the yearly industry report (行业发展情况报告): the
//! figures a bureau collects each year from the inspection, testing and certification
//! institutions of its area — one row per institution (name, 统一社会信用代码, kind, sector,
//! district, revenue, staff, certificates and reports issued) — their validation row by
//! row, the aggregates the analysis and the report show (by kind, sector, district, and
//! the totals year by year), and the report's states.

use crate::import::Table;
use crate::org::string_enum;
use crate::text::Line;
use crate::{FieldError, Invalid};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

string_enum! {
    /// What an institution does (机构类型).
    InstitutionKind {
        Testing = "testing", "检验检测", "Inspection and testing";
        Certification = "certification", "认证", "Certification";
        Both = "both", "检验检测和认证", "Testing and certification";
        Calibration = "calibration", "计量校准", "Calibration";
    }
}

string_enum! {
    /// The field an institution serves (行业领域).
    Sector {
        Construction = "construction", "建筑工程", "Construction";
        Vehicles = "vehicles", "机动车检验", "Motor vehicles";
        Environment = "environment", "环境监测", "Environmental monitoring";
        Food = "food", "食品农产品", "Food and agriculture";
        Electrical = "electrical", "电子电器", "Electrical and electronic";
        Medical = "medical", "医学检验", "Medical testing";
        Machinery = "machinery", "机械装备", "Machinery";
        Materials = "materials", "化工材料", "Chemicals and materials";
        Management = "management", "管理体系认证", "Management systems";
        Other = "other", "其他", "Other";
    }
}

string_enum! {
    /// Where a yearly report stands.
    ReportState {
        Draft = "draft", "草稿", "Draft";
        Published = "published", "已发布", "Published";
    }
}

/// The sixteen districts of Shanghai (上海市辖区), in the directory's order.
pub const SHANGHAI_DISTRICTS: [&str; 16] = [
    "黄浦区",
    "徐汇区",
    "长宁区",
    "静安区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "浦东新区",
    "金山区",
    "松江区",
    "青浦区",
    "奉贤区",
    "崇明区",
];

/// The districts known for a bureau by its name (Shanghai's sixteen for 上海市…); none for
/// others, whose areas come from the directory (see [`area_of`]).
pub fn known_districts(owner_name: &str) -> &'static [&'static str] {
    if owner_name.starts_with("上海市") {
        &SHANGHAI_DISTRICTS
    } else {
        &[]
    }
}

/// The area a regulator below a bureau stands for, from its name: 上海市黄浦区市场监督管理局
/// → 黄浦区, 广州市市场监督管理局 → 广州市. `None` for names that name no such area
/// (a free-trade zone's bureau, a lab).
pub fn area_of(org_name: &str) -> Option<String> {
    let stem = org_name.strip_suffix("市场监督管理局")?;
    let rest = match stem.char_indices().find(|(_, c)| *c == '省' || *c == '市') {
        Some((i, c)) if i + c.len_utf8() < stem.len() => &stem[i + c.len_utf8()..],
        _ => stem,
    };
    let ok = ["区", "县", "市", "旗"].iter().any(|s| rest.ends_with(s))
        && !rest.contains(['（', '(', '片']);
    ok.then(|| rest.to_owned())
}

/// The 统一社会信用代码 characters (GB 32100-2015): digits and capitals without I, O, S, V, Z.
const CODE_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// The weights of the first seventeen characters.
const CODE_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The check character of the first seventeen characters of a 统一社会信用代码, or `None`
/// when one of them is not allowed.
pub fn credit_code_check(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut n = 0;
    for (c, w) in first17.chars().zip(CODE_WEIGHTS) {
        let v = CODE_CHARS.find(c)? as u32;
        sum += v * w;
        n += 1;
    }
    if n != 17 || first17.chars().count() != 17 {
        return None;
    }
    let check = (31 - sum % 31) % 31;
    CODE_CHARS.chars().nth(check as usize)
}

/// A 统一社会信用代码, checked: 18 characters of the code's alphabet (letters upper-cased),
/// the last the check character of the others.
pub fn parse_credit_code(field: &str, raw: &str) -> Result<String, FieldError> {
    let s: String = raw.trim().to_ascii_uppercase();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if s.chars().count() != 18 || !s.chars().all(|c| CODE_CHARS.contains(c)) {
        return Err(FieldError::new(field, "credit_code_format").with("value", &s));
    }
    let (head, last) = s.split_at(17);
    if credit_code_check(head).map(String::from).as_deref() != Some(last) {
        return Err(FieldError::new(field, "credit_code_check").with("value", &s));
    }
    Ok(s)
}

/// Longest institution name, in characters.
pub const NAME_MAX: usize = 100;
/// At most this many institutions in one year's file.
pub const ROWS_MAX: usize = 20_000;
/// The largest revenue, in 万元 (a trillion yuan).
pub const REVENUE_MAX: f64 = 100_000_000.0;
/// The largest count (staff, certificates, reports).
pub const COUNT_MAX: i64 = 1_000_000_000;

/// One institution's figures for a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatRow {
    pub name: String,
    pub credit_code: String,
    pub kind: InstitutionKind,
    pub sector: Sector,
    pub district: String,
    /// 营业收入, 万元.
    pub revenue: f64,
    /// 从业人员.
    pub staff: i64,
    /// 发出证书 (certification bodies).
    pub certificates: i64,
    /// 出具报告 (testing).
    pub reports: i64,
}

/// A column of the statistics file: its key and its header (the template's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatColumn {
    pub key: &'static str,
    pub zh: &'static str,
    /// Other headers accepted for it.
    pub aliases: &'static [&'static str],
}

/// The columns of the statistics file, in the template's order; every one is required.
pub const COLUMNS: [StatColumn; 9] = [
    StatColumn {
        key: "name",
        zh: "机构名称",
        aliases: &["名称", "单位名称"],
    },
    StatColumn {
        key: "credit_code",
        zh: "统一社会信用代码",
        aliases: &["信用代码"],
    },
    StatColumn {
        key: "kind",
        zh: "机构类型",
        aliases: &["类型"],
    },
    StatColumn {
        key: "sector",
        zh: "行业领域",
        aliases: &["领域", "行业"],
    },
    StatColumn {
        key: "district",
        zh: "所在区",
        aliases: &["区", "所在区县", "地区"],
    },
    StatColumn {
        key: "revenue",
        zh: "营业收入（万元）",
        aliases: &["营业收入(万元)", "营业收入"],
    },
    StatColumn {
        key: "staff",
        zh: "从业人员（人）",
        aliases: &["从业人员(人)", "从业人员"],
    },
    StatColumn {
        key: "certificates",
        zh: "发出证书（张）",
        aliases: &["发出证书(张)", "发出证书", "证书数"],
    },
    StatColumn {
        key: "reports",
        zh: "出具报告（份）",
        aliases: &["出具报告(份)", "出具报告", "报告数"],
    },
];

fn normalise(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['*', '＊'])
        .trim()
        .to_lowercase()
}

/// One problem of a statistics file: the spreadsheet row (1 is the header), the column as
/// its header reads, a code and the offending value — a `FieldError` on `file` carrying
/// `row`, `column` and `value`, so the refusal lists every problem, each naming its place.
fn row_error(row: usize, column: &str, code: &'static str, value: &str) -> FieldError {
    FieldError::new("file", code)
        .with("row", row)
        .with("column", column)
        .with("value", value)
}

/// Reads a statistics table: each row checked, every problem at once. A file with a bad
/// row is refused as a whole — nothing of it is kept. `districts` are the districts (or
/// areas) a row may name; a row may leave out the final 区 (黄浦 for 黄浦区). One
/// institution (统一社会信用代码) appears once.
pub fn parse_table(table: &Table, districts: &[String]) -> Result<Vec<StatRow>, Invalid> {
    let mut errs = Invalid::default();
    let mut at: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in table.headers.iter().enumerate() {
        let n = normalise(h);
        if n.is_empty() {
            continue;
        }
        match COLUMNS
            .iter()
            .find(|c| n == c.key || n == c.zh || c.aliases.contains(&n.as_str()))
        {
            Some(c) if at.contains_key(c.key) => {
                errs.push(row_error(1, h.trim(), "stat_duplicate_column", h.trim()));
            }
            Some(c) => {
                at.insert(c.key, i);
            }
            None => errs.push(row_error(1, h.trim(), "stat_unknown_column", h.trim())),
        }
    }
    for c in &COLUMNS {
        if !at.contains_key(c.key) {
            errs.push(row_error(1, c.zh, "stat_missing_column", c.zh));
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let data: Vec<(usize, &Vec<String>)> = table
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, r)| (Table::row_number(i), r))
        .collect();
    if data.is_empty() {
        return Err(Invalid::one(FieldError::new("file", "stat_empty_file")));
    }
    if data.len() > ROWS_MAX {
        return Err(Invalid::one(
            FieldError::new("file", "stat_too_many_rows").with("max", ROWS_MAX),
        ));
    }
    let mut rows = Vec::with_capacity(data.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (n, raw) in data {
        let cells: Vec<&str> = COLUMNS
            .iter()
            .map(|c| {
                at.get(c.key)
                    .and_then(|i| raw.get(*i))
                    .map_or("", |s| s.trim())
            })
            .collect();
        if let Some(row) = parse_row(n, &cells, districts, &mut errs) {
            match seen.get(&row.credit_code) {
                Some(first) => errs.push(
                    row_error(n, COLUMNS[1].zh, "stat_duplicate_code", &row.credit_code)
                        .with("first", first),
                ),
                None => {
                    seen.insert(row.credit_code.clone(), n);
                    rows.push(row);
                }
            }
        }
    }
    errs.into_result()?;
    Ok(rows)
}

/// One row (its cells in the order of [`COLUMNS`]), or `None` with its problems added to
/// `errs`.
fn parse_row(
    n: usize,
    cells: &[&str],
    districts: &[String],
    errs: &mut Invalid,
) -> Option<StatRow> {
    let before = errs.0.len();
    let cell = |key: &str| {
        COLUMNS
            .iter()
            .position(|c| c.key == key)
            .and_then(|i| cells.get(i))
            .copied()
            .unwrap_or("")
    };
    let mut bad = |key: &str, code: &'static str| {
        let col = COLUMNS.iter().find(|c| c.key == key).map_or(key, |c| c.zh);
        errs.push(row_error(n, col, code, cell(key)));
    };
    let name = match Line::parse("name", cell("name"), NAME_MAX) {
        Ok(l) => l.as_str().to_owned(),
        Err(e) => {
            bad("name", stat_code(e.code));
            String::new()
        }
    };
    let credit_code = parse_credit_code("credit_code", cell("credit_code"))
        .map_err(|e| bad("credit_code", stat_code(e.code)))
        .unwrap_or_default();
    let kind = parse_enum(cell("kind"), InstitutionKind::parse).map_err(|c| bad("kind", c));
    let sector = parse_enum(cell("sector"), Sector::parse).map_err(|c| bad("sector", c));
    let district = parse_district(cell("district"), districts).map_err(|c| bad("district", c));
    let revenue = parse_amount(cell("revenue")).map_err(|c| bad("revenue", c));
    let staff = parse_count(cell("staff")).map_err(|c| bad("staff", c));
    let certificates = parse_count(cell("certificates")).map_err(|c| bad("certificates", c));
    let reports = parse_count(cell("reports")).map_err(|c| bad("reports", c));
    let (Ok(kind), Ok(sector), Ok(district), Ok(revenue), Ok(staff), Ok(certificates), Ok(reports)) = (
        kind,
        sector,
        district,
        revenue,
        staff,
        certificates,
        reports,
    ) else {
        return None;
    };
    (errs.0.len() == before).then_some(StatRow {
        name,
        credit_code,
        kind,
        sector,
        district,
        revenue,
        staff,
        certificates,
        reports,
    })
}

/// The row-level code of a cell's problem.
fn stat_code(code: &str) -> &'static str {
    match code {
        "required" => "stat_required",
        "too_long" => "stat_too_long",
        "single_line" => "stat_single_line",
        "credit_code_format" => "stat_credit_code_format",
        "credit_code_check" => "stat_credit_code_check",
        _ => "stat_unknown_value",
    }
}

fn parse_enum<T>(
    raw: &str,
    parse: impl Fn(&str, &str) -> Result<T, FieldError>,
) -> Result<T, &'static str> {
    if raw.is_empty() {
        return Err("stat_required");
    }
    parse("", raw).map_err(|_| "stat_unknown_value")
}

/// A district among `districts`, written in full or without its final 区.
fn parse_district(raw: &str, districts: &[String]) -> Result<String, &'static str> {
    if raw.is_empty() {
        return Err("stat_required");
    }
    districts
        .iter()
        .find(|d| d.as_str() == raw || d.strip_suffix('区') == Some(raw))
        .cloned()
        .ok_or("stat_unknown_district")
}

/// A revenue in 万元: a number of at most two decimals (thousands separators allowed),
/// not negative, at most [`REVENUE_MAX`].
fn parse_amount(raw: &str) -> Result<f64, &'static str> {
    if raw.is_empty() {
        return Err("stat_required");
    }
    let s = raw.replace([',', '，'], "");
    let v: f64 = s.parse().map_err(|_| "stat_not_a_number")?;
    if !v.is_finite() {
        return Err("stat_not_a_number");
    }
    if v < 0.0 {
        return Err("stat_negative");
    }
    if v > REVENUE_MAX {
        return Err("stat_too_large");
    }
    Ok((v * 100.0).round() / 100.0)
}

/// A count: a whole number (as a spreadsheet may write it, `12.0`), not negative.
fn parse_count(raw: &str) -> Result<i64, &'static str> {
    if raw.is_empty() {
        return Err("stat_required");
    }
    let s = raw.replace([',', '，'], "");
    let v: f64 = s.parse().map_err(|_| "stat_not_a_number")?;
    if !v.is_finite() {
        return Err("stat_not_a_number");
    }
    if v.fract() != 0.0 {
        return Err("stat_not_whole");
    }
    if v < 0.0 {
        return Err("stat_negative");
    }
    if v > COUNT_MAX as f64 {
        return Err("stat_too_large");
    }
    Ok(v as i64)
}

/// The figures of a group of institutions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// The group: a kind's, sector's or district's label, or a year.
    pub key: String,
    pub institutions: i64,
    /// 万元.
    pub revenue: f64,
    pub staff: i64,
    pub certificates: i64,
    pub reports: i64,
}

impl Totals {
    fn add(&mut self, r: &StatRow) {
        self.institutions += 1;
        self.revenue += r.revenue;
        self.staff += r.staff;
        self.certificates += r.certificates;
        self.reports += r.reports;
    }

    /// The revenue rounded to two decimals (sums of many rows drift).
    fn rounded(mut self) -> Totals {
        self.revenue = (self.revenue * 100.0).round() / 100.0;
        self
    }
}

/// What the analysis page and the report show of a year: the totals, and the figures by
/// kind, by sector (largest revenue first) and by district (in the order given), and the
/// totals of every year with figures (the trend).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub year: i32,
    pub total: Totals,
    pub by_kind: Vec<Totals>,
    pub by_sector: Vec<Totals>,
    pub by_district: Vec<Totals>,
    /// One entry per year (its key the year), oldest first.
    pub trend: Vec<Totals>,
}

/// The analysis of `rows` (one year's), with the districts in `district_order` first (in
/// that order; districts without institutions show with zero) and the `trend`.
pub fn analyse(
    year: i32,
    rows: &[StatRow],
    district_order: &[String],
    trend: Vec<Totals>,
) -> Analysis {
    let mut total = Totals {
        key: year.to_string(),
        ..Totals::default()
    };
    let mut kinds: BTreeMap<usize, Totals> = BTreeMap::new();
    let mut sectors: BTreeMap<usize, Totals> = BTreeMap::new();
    let mut districts: Vec<Totals> = district_order
        .iter()
        .map(|d| Totals {
            key: d.clone(),
            ..Totals::default()
        })
        .collect();
    for r in rows {
        total.add(r);
        let k = InstitutionKind::ALL
            .iter()
            .position(|x| *x == r.kind)
            .unwrap_or(0);
        kinds
            .entry(k)
            .or_insert_with(|| Totals {
                key: r.kind.zh().to_owned(),
                ..Totals::default()
            })
            .add(r);
        let s = Sector::ALL.iter().position(|x| *x == r.sector).unwrap_or(0);
        sectors
            .entry(s)
            .or_insert_with(|| Totals {
                key: r.sector.zh().to_owned(),
                ..Totals::default()
            })
            .add(r);
        match districts.iter_mut().find(|d| d.key == r.district) {
            Some(d) => d.add(r),
            None => {
                let mut d = Totals {
                    key: r.district.clone(),
                    ..Totals::default()
                };
                d.add(r);
                districts.push(d);
            }
        }
    }
    let mut by_sector: Vec<Totals> = sectors.into_values().map(Totals::rounded).collect();
    by_sector.sort_by(|a, b| b.revenue.total_cmp(&a.revenue));
    Analysis {
        year,
        total: total.rounded(),
        by_kind: kinds.into_values().map(Totals::rounded).collect(),
        by_sector,
        by_district: districts.into_iter().map(Totals::rounded).collect(),
        trend,
    }
}

/// Longest report title, in characters.
pub const REPORT_TITLE_MAX: usize = 100;
/// Longest narrative, in characters.
pub const NARRATIVE_MAX: usize = 50_000;
/// The years a dataset or report may be for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A year as typed (`required`, `year_out_of_range` on `field`).
pub fn parse_year(field: &str, raw: &str) -> Result<i32, FieldError> {
    let s = raw.trim().trim_end_matches('年');
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    match s.parse::<i32>() {
        Ok(y) if YEARS.contains(&y) => Ok(y),
        _ => Err(FieldError::new(field, "year_out_of_range")
            .with("value", raw.trim())
            .with("min", YEARS.start())
            .with("max", YEARS.end())),
    }
}

/// A report's text fields, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportText {
    pub title: Line,
    pub year: i32,
    /// The editable narrative: `一、` headings, `（一）` subheadings and paragraphs, one a
    /// line (as the compiled report's text).
    pub narrative: String,
}

/// Checks a report's fields, every problem at once: `title` required and at most
/// [`REPORT_TITLE_MAX`]; `year`; `narrative` at most [`NARRATIVE_MAX`] characters.
pub fn parse_report(title: &str, year: &str, narrative: &str) -> Result<ReportText, Invalid> {
    let mut errs = Invalid::default();
    let title = Line::parse("title", title, REPORT_TITLE_MAX)
        .map_err(|e| errs.push(e))
        .ok();
    let year = parse_year("year", year).map_err(|e| errs.push(e)).ok();
    let narrative = narrative.trim().replace("\r\n", "\n");
    let n = crate::text::char_len(&narrative);
    if n > NARRATIVE_MAX {
        errs.push(
            FieldError::new("narrative", "too_long")
                .with("max", NARRATIVE_MAX)
                .with("actual", n),
        );
    }
    let (Some(title), Some(year)) = (title, year) else {
        return Err(errs);
    };
    errs.into_result()?;
    Ok(ReportText {
        title,
        year,
        narrative,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[[&str; 9]]) -> Table {
        Table {
            headers: COLUMNS.iter().map(|c| c.zh.to_owned()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
                .collect(),
        }
    }

    fn districts() -> Vec<String> {
        SHANGHAI_DISTRICTS.iter().map(|d| (*d).to_owned()).collect()
    }

    #[test]
    fn credit_codes_are_checked() {
        // Published codes of companies, and their check characters.
        assert_eq!(credit_code_check("91440300708461136"), Some('T'));
        assert_eq!(credit_code_check("91350100M000100Y4"), Some('3'));
        assert_eq!(credit_code_check("91310000607216849"), Some('1'));
        assert!(parse_credit_code("c", "913100006072168491").is_ok());
        assert_eq!(
            parse_credit_code("c", "9144030071526726xg").unwrap(),
            "9144030071526726XG"
        );
        let e = parse_credit_code("c", "913100006072168495").unwrap_err();
        assert_eq!(e.code, "credit_code_check");
        let e = parse_credit_code("c", "91310000I07216849X").unwrap_err();
        assert_eq!(e.code, "credit_code_format");
        assert_eq!(
            parse_credit_code("c", " 9131000060721684 ")
                .unwrap_err()
                .code,
            "credit_code_format"
        );
    }

    #[test]
    fn areas_come_from_regulator_names() {
        assert_eq!(
            area_of("上海市黄浦区市场监督管理局").as_deref(),
            Some("黄浦区")
        );
        assert_eq!(
            area_of("上海市浦东新区市场监督管理局").as_deref(),
            Some("浦东新区")
        );
        assert_eq!(area_of("广州市市场监督管理局").as_deref(), Some("广州市"));
        assert_eq!(
            area_of("中国（上海）自由贸易试验区临港新片区市场监督管理局"),
            None
        );
        assert_eq!(area_of("上海市质量监督检验技术研究院"), None);
    }

    #[test]
    fn a_file_with_bad_rows_is_refused_with_every_problem() {
        let good = [
            "上海浦江检测技术有限公司",
            "913100006072168491",
            "检验检测",
            "电子电器",
            "浦东新区",
            "1,250.5",
            "86",
            "0",
            "12000",
        ];
        let t = table(&[
            good,
            [
                "上海申信认证有限公司",
                "913100006072168495",
                "认证机构",
                "管理体系认证",
                "外滩区",
                "-3",
                "12.5",
                "300",
                "",
            ],
            good,
        ]);
        let errs = parse_table(&t, &districts()).unwrap_err();
        let got: Vec<(String, String, &str)> = errs
            .0
            .iter()
            .map(|e| {
                (
                    e.param("row").unwrap_or("").to_owned(),
                    e.param("column").unwrap_or("").to_owned(),
                    e.code,
                )
            })
            .collect();
        let want = [
            ("3", "统一社会信用代码", "stat_credit_code_check"),
            ("3", "机构类型", "stat_unknown_value"),
            ("3", "所在区", "stat_unknown_district"),
            ("3", "营业收入（万元）", "stat_negative"),
            ("3", "从业人员（人）", "stat_not_whole"),
            ("3", "出具报告（份）", "stat_required"),
            ("4", "统一社会信用代码", "stat_duplicate_code"),
        ];
        let want: Vec<(String, String, &str)> = want
            .iter()
            .map(|(r, c, k)| ((*r).to_owned(), (*c).to_owned(), *k))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn good_rows_are_read_and_analysed() {
        let t = table(&[
            [
                "上海浦江检测技术有限公司",
                "913100006072168491",
                "testing",
                "电子电器",
                "浦东新区",
                "1,250.5",
                "86",
                "0",
                "12000.0",
            ],
            [
                "上海申信认证有限公司",
                &format!(
                    "91310101MA1FL0000{}",
                    credit_code_check("91310101MA1FL0000").unwrap()
                ),
                "认证",
                "管理体系认证",
                "黄浦",
                "800",
                "40",
                "3000",
                "0",
            ],
        ]);
        let rows = parse_table(&t, &districts()).unwrap();
        assert_eq!(rows[0].revenue, 1250.5);
        assert_eq!(rows[0].reports, 12000);
        assert_eq!(rows[1].district, "黄浦区");
        let a = analyse(2021, &rows, &districts(), Vec::new());
        assert_eq!(a.total.institutions, 2);
        assert_eq!(a.total.revenue, 2050.5);
        assert_eq!(a.by_sector[0].key, "电子电器");
        assert_eq!(a.by_district.len(), 16);
        assert_eq!(a.by_district[0].key, "黄浦区");
        assert_eq!(a.by_district[0].certificates, 3000);
        assert_eq!(a.by_kind.len(), 2);
    }

    #[test]
    fn missing_columns_are_named() {
        let t = Table {
            headers: vec!["机构名称".into(), "备注".into()],
            rows: vec![vec!["x".into()]],
        };
        let errs = parse_table(&t, &districts()).unwrap_err();
        assert_eq!(errs.0[0].code, "stat_unknown_column");
        assert_eq!(errs.0.len(), 1 + 8);
        assert!(
            errs.0
                .iter()
                .skip(1)
                .all(|e| e.code == "stat_missing_column")
        );
    }

    #[test]
    fn reports_need_a_title_and_a_year() {
        let e = parse_report("", "1999", "").unwrap_err();
        let codes: Vec<_> = e.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            vec![("title", "required"), ("year", "year_out_of_range")]
        );
        let ok = parse_report(
            "2021年度检验检测认证行业发展情况",
            "2021年",
            "一、概况\r\n正文",
        )
        .unwrap();
        assert_eq!(ok.year, 2021);
        assert_eq!(ok.narrative, "一、概况\n正文");
    }
}
