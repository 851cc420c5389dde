//! Proficiency testing (能力验证) in the platform: a scheme's measurands, a round's code,
//! schedule and states, who may take part (the eligibility rule stored with the round),
//! a lab's result as entered, score classes and the follow-up of a doubtful result.
//!
//! The statistics live in `renke-pt`; this module holds the values the platform validates
//! and stores around them.

use crate::activity::parse_local_datetime;
use crate::campaign::parse_date;
use crate::org::{CmaLevel, OrgKind, Region, string_enum};
use crate::text::Line;
use crate::{FieldError, Invalid};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

string_enum! {
    /// Whether a measurand is reported as a number or as a category.
    MeasurandKind {
        Quantitative = "quantitative", "定量", "Quantitative";
        Qualitative = "qualitative", "定性", "Qualitative";
    }
}

string_enum! {
    /// Where a round stands. Enrolment → testing (samples out, results in) → released
    /// (scores published and locked).
    RoundStatus {
        Enrolment = "enrolment", "报名中", "Enrolment";
        Testing = "testing", "检测与结果提交", "Testing";
        Released = "released", "结果已发布", "Released";
    }
}

impl RoundStatus {
    /// The state after `event` (`start_testing`, `release`), or the conflict code.
    ///
    /// ```
    /// use renke_domain::pt::RoundStatus;
    /// assert_eq!(RoundStatus::Enrolment.next("start_testing"), Ok(RoundStatus::Testing));
    /// assert_eq!(RoundStatus::Released.next("release"), Err("round_released"));
    /// ```
    pub fn next(self, event: &str) -> Result<RoundStatus, &'static str> {
        match (self, event) {
            (RoundStatus::Enrolment, "start_testing") => Ok(RoundStatus::Testing),
            (RoundStatus::Testing, "release") => Ok(RoundStatus::Released),
            (RoundStatus::Released, _) => Err("round_released"),
            (RoundStatus::Enrolment, _) => Err("round_in_enrolment"),
            (RoundStatus::Testing, _) => Err("round_testing"),
        }
    }
}

string_enum! {
    /// A lab's enrolment in a round. Invited or applied → approved (gets its blind sample
    /// code) or declined.
    EnrolmentStatus {
        Invited = "invited", "已邀请", "Invited";
        Applied = "applied", "待审核", "Awaiting approval";
        Approved = "approved", "已确认参加", "Approved";
        Declined = "declined", "未通过", "Declined";
    }
}

string_enum! {
    /// The condition of a sample on receipt.
    SampleCondition {
        Intact = "intact", "完好", "Intact";
        Damaged = "damaged", "破损", "Damaged";
        Temperature = "temperature", "温度异常", "Temperature out of range";
    }
}

string_enum! {
    /// A score's class (ISO 13528:2022 9.4.1): |z| ≤ 2, 2 < |z| < 3, |z| ≥ 3; for a
    /// qualitative result, the expected category or not.
    ScoreClass {
        Satisfactory = "satisfactory", "满意", "Satisfactory";
        Questionable = "questionable", "有问题", "Questionable";
        Unsatisfactory = "unsatisfactory", "不满意", "Unsatisfactory";
    }
}

impl ScoreClass {
    /// Whether a result of this class opens a follow-up (questionable and unsatisfactory).
    pub fn needs_follow_up(self) -> bool {
        self != ScoreClass::Satisfactory
    }
}

string_enum! {
    /// How the assigned value x_pt is obtained (ISO 13528:2022 7).
    AssignedMethod {
        AlgorithmA = "algorithm_a", "稳健平均值（算法A）", "Robust mean (Algorithm A)";
        QHampel = "q_hampel", "Q/Hampel 稳健平均值", "Q/Hampel";
        Median = "median", "中位值", "Median";
        Reference = "reference", "参考值", "Reference value";
        Certified = "certified", "有证标准物质认定值", "Certified value";
    }
}

string_enum! {
    /// How σpt is obtained (ISO 13528:2022 8).
    SigmaMethod {
        Robust = "robust", "稳健标准差", "Robust SD of the round";
        Horwitz = "horwitz", "Horwitz 公式", "Horwitz";
        Rsd = "rsd", "目标相对标准差（适用性）", "Fitness-for-purpose RSD";
        Fixed = "fixed", "规定值", "Prescribed value";
    }
}

string_enum! {
    /// A follow-up of a questionable or unsatisfactory result: the lab answers (root cause,
    /// corrective action, evidence), the provider closes or returns it.
    FollowupStatus {
        Open = "open", "待整改", "Open";
        Submitted = "submitted", "待审核", "Awaiting review";
        Returned = "returned", "已退回", "Returned";
        Closed = "closed", "已关闭", "Closed";
    }
}

impl FollowupStatus {
    /// The state after `event` (`submit`, `close`, `return`), or the conflict code.
    ///
    /// ```
    /// use renke_domain::pt::FollowupStatus as F;
    /// assert_eq!(F::Open.next("submit"), Ok(F::Submitted));
    /// assert_eq!(F::Returned.next("submit"), Ok(F::Submitted));
    /// assert_eq!(F::Open.next("close"), Err("followup_not_submitted"));
    /// ```
    pub fn next(self, event: &str) -> Result<FollowupStatus, &'static str> {
        use FollowupStatus as F;
        match (self, event) {
            (F::Open | F::Returned, "submit") => Ok(F::Submitted),
            (F::Submitted, "close") => Ok(F::Closed),
            (F::Submitted, "return") => Ok(F::Returned),
            (F::Closed, _) => Err("followup_closed"),
            (F::Submitted, _) => Err("followup_submitted"),
            _ => Err("followup_not_submitted"),
        }
    }
}

/// A round's code: 3–32 characters of upper-case letters, digits and `-` (GDPT-2022-01);
/// lower case is raised. Codes `required`, `invalid_round_code`.
///
/// ```
/// use renke_domain::pt::parse_round_code;
/// assert_eq!(parse_round_code("code", " gdpt-2022-01 ").unwrap(), "GDPT-2022-01");
/// assert!(parse_round_code("code", "广东-01").is_err());
/// ```
pub fn parse_round_code(field: &str, raw: &str) -> Result<String, FieldError> {
    let s = raw.trim().to_ascii_uppercase();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let ok = (3..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(s)
    } else {
        Err(FieldError::new(field, "invalid_round_code").with("value", raw.trim()))
    }
}

/// The most measurands a scheme has.
pub const MEASURANDS_MAX: usize = 30;
/// The most decimals a measurand is reported with.
pub const DECIMALS_MAX: u8 = 6;

/// A measurand of a scheme as the provider types it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasurandSpec {
    /// 检测项目, e.g. 绝缘电阻, 镉 (Cd).
    pub name: Line,
    /// Unit (MΩ, mg/kg, CFU/g); none for a qualitative measurand.
    pub unit: Option<Line>,
    /// Decimals the results are reported with.
    pub decimals: u8,
    pub kind: MeasurandKind,
    /// Counts evaluated on log10 (ISO 13528:2022 E.6).
    pub log10: bool,
    /// A qualitative measurand's categories (检出/未检出), at least two.
    pub categories: Vec<String>,
    /// 配对样品: two measurands of a scheme with the same pair group are a pair of similar
    /// samples (样品A/样品B), plotted against each other in a Youden plot
    /// ([`measurand_pairs`]).
    #[serde(default)]
    pub pair_group: Option<Line>,
}

/// The raw fields of a measurand row.
#[derive(Debug, Clone, Default)]
pub struct MeasurandRaw<'a> {
    pub name: &'a str,
    pub unit: &'a str,
    pub decimals: &'a str,
    pub kind: &'a str,
    pub log10: bool,
    pub categories: &'a str,
    pub pair_group: &'a str,
}

/// Splits a list typed with `/`, `、`, `,`, `，`, `;` or `；` into its trimmed, non-empty items.
pub fn split_list(raw: &str) -> Vec<String> {
    raw.split(['/', '、', ',', '，', ';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl MeasurandSpec {
    /// Validates a measurand row; every error names its field under `prefix`
    /// (`measurands[1].unit`). A quantitative measurand needs a unit; a qualitative one at
    /// least two distinct categories (`categories_needed`) and no log10 (`log10_quantitative`).
    pub fn parse(prefix: &str, raw: &MeasurandRaw<'_>) -> Result<MeasurandSpec, Invalid> {
        let f = |name: &str| format!("{prefix}.{name}");
        let mut errs = Invalid::default();
        let name = Line::parse(&f("name"), raw.name, 100)
            .map_err(|e| errs.push(e))
            .ok();
        let kind = if raw.kind.trim().is_empty() {
            Some(MeasurandKind::Quantitative)
        } else {
            MeasurandKind::parse(&f("kind"), raw.kind)
                .map_err(|e| errs.push(e))
                .ok()
        };
        let unit = Line::parse_opt(&f("unit"), raw.unit, 20)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        let decimals = match raw.decimals.trim() {
            "" => Some(2),
            s => match s.parse::<u8>() {
                Ok(d) if d <= DECIMALS_MAX => Some(d),
                _ => {
                    errs.push(
                        FieldError::new(f("decimals"), "out_of_range")
                            .with("min", 0)
                            .with("max", DECIMALS_MAX),
                    );
                    None
                }
            },
        };
        let pair_group = Line::parse_opt(&f("pair_group"), raw.pair_group, PAIR_GROUP_MAX)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        let mut categories = split_list(raw.categories);
        categories.dedup();
        match kind {
            Some(MeasurandKind::Quantitative) => {
                if unit.is_none() && errs.0.iter().all(|e| e.field != f("unit")) {
                    errs.push(FieldError::new(f("unit"), "required"));
                }
                categories.clear();
            }
            Some(MeasurandKind::Qualitative) => {
                let distinct: std::collections::BTreeSet<&String> = categories.iter().collect();
                if distinct.len() < 2 {
                    errs.push(FieldError::new(f("categories"), "categories_needed"));
                }
                if raw.log10 {
                    errs.push(FieldError::new(f("log10"), "log10_quantitative"));
                }
            }
            None => {}
        }
        let (Some(name), Some(decimals), Some(kind), true) =
            (name, decimals, kind, errs.is_empty())
        else {
            return Err(errs);
        };
        Ok(MeasurandSpec {
            name,
            unit,
            decimals,
            kind,
            log10: raw.log10,
            categories,
            pair_group,
        })
    }
}

/// The longest pair group (配对样品组, e.g. “A” or “镉”).
pub const PAIR_GROUP_MAX: usize = 20;

/// The non-empty pair groups of `items`, each with the indices of its members, in the order
/// the groups first appear.
pub fn pair_groups<'a, T>(
    items: &'a [T],
    group: impl Fn(&'a T) -> Option<&'a str>,
) -> Vec<(&'a str, Vec<usize>)> {
    let mut out: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(g) = group(item).map(str::trim).filter(|g| !g.is_empty()) else {
            continue;
        };
        match out.iter_mut().find(|(name, _)| *name == g) {
            Some((_, members)) => members.push(i),
            None => out.push((g, vec![i])),
        }
    }
    out
}

/// The pairs of a scheme's measurands, `(row, spec)` as typed: two measurands with the same
/// pair group are paired samples (ISO 13528:2022 10.5, the Youden plot of their scores).
/// Returns the pairs as row numbers. Errors name `{prefix}[row].pair_group`: a group of one
/// or of more than two (`pair_needs_two`, on each member), a qualitative member
/// (`pair_quantitative`), a second member whose unit or log10 differs from the first's
/// (`pair_unit_mismatch`, with the first's unit).
pub fn measurand_pairs(
    prefix: &str,
    measurands: &[(usize, &MeasurandSpec)],
) -> Result<Vec<(usize, usize)>, Invalid> {
    let mut errs = Invalid::default();
    let mut pairs = Vec::new();
    let field = |row: usize| format!("{prefix}[{row}].pair_group");
    for (name, members) in pair_groups(measurands, |(_, m)| m.pair_group.as_ref().map(Line::as_str))
    {
        let rows: Vec<(usize, &MeasurandSpec)> = members
            .iter()
            .filter_map(|i| measurands.get(*i))
            .copied()
            .collect();
        let [(ra, a), (rb, b)] = rows[..] else {
            for (row, _) in &rows {
                errs.push(
                    FieldError::new(field(*row), "pair_needs_two")
                        .with("group", name)
                        .with("count", rows.len()),
                );
            }
            continue;
        };
        let mut ok = true;
        for (row, m) in [(ra, a), (rb, b)] {
            if m.kind != MeasurandKind::Quantitative {
                errs.push(FieldError::new(field(row), "pair_quantitative").with("group", name));
                ok = false;
            }
        }
        let (ua, ub) = (a.unit.as_ref(), b.unit.as_ref());
        if ok && (ua != ub || a.log10 != b.log10) {
            errs.push(
                FieldError::new(field(rb), "pair_unit_mismatch")
                    .with("group", name)
                    .with("unit", ua.map(Line::as_str).unwrap_or("")),
            );
            ok = false;
        }
        if ok {
            pairs.push((ra, rb));
        }
    }
    if errs.is_empty() {
        Ok(pairs)
    } else {
        Err(errs)
    }
}

/// A round's dates: enrolment closes, samples go out, results are due. Enrolment closes
/// before results are due, and samples go out between the two (by date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub enrol_until: DateTime<Utc>,
    pub dispatch_on: NaiveDate,
    pub results_until: DateTime<Utc>,
}

impl Schedule {
    /// Parses the three dates (Beijing time); `date_order` on the later field when out of
    /// order.
    pub fn parse(
        enrol_until: &str,
        dispatch_on: &str,
        results_until: &str,
    ) -> Result<Schedule, Invalid> {
        let mut errs = Invalid::default();
        let e = parse_local_datetime("enrol_until", enrol_until)
            .map_err(|x| errs.push(x))
            .ok();
        let d = parse_date("dispatch_on", dispatch_on)
            .map_err(|x| errs.push(x))
            .ok();
        let r = parse_local_datetime("results_until", results_until)
            .map_err(|x| errs.push(x))
            .ok();
        if let (Some(e), Some(d), Some(r)) = (e, d, r) {
            let local = |t: DateTime<Utc>| t.with_timezone(&crate::clock::SHANGHAI).date_naive();
            if d < local(e) {
                errs.push(
                    FieldError::new("dispatch_on", "date_order").with("after", "enrol_until"),
                );
            }
            if r <= e || local(r) < d {
                errs.push(
                    FieldError::new("results_until", "date_order").with("after", "dispatch_on"),
                );
            }
        }
        let (Some(enrol_until), Some(dispatch_on), Some(results_until), true) =
            (e, d, r, errs.is_empty())
        else {
            return Err(errs);
        };
        Ok(Schedule {
            enrol_until,
            dispatch_on,
            results_until,
        })
    }
}

/// Who may take part in a round, stored with it and shown on its page. Labs with a
/// provincial CMA (资质认定) inside the round's scope (the provider's province) qualify and
/// are invited together; labs with a national CMA and labs in Hong Kong and Macau take part
/// only when invited one by one, where the rule allows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    /// Labs with a provincial CMA inside the scope qualify.
    pub provincial_cma: bool,
    /// Labs with a national CMA may be invited.
    pub national_cma_by_invitation: bool,
    /// Hong Kong and Macau labs with the capability may be invited.
    pub hk_macau_by_invitation: bool,
}

impl Default for Eligibility {
    fn default() -> Self {
        Eligibility {
            provincial_cma: true,
            national_cma_by_invitation: true,
            hk_macau_by_invitation: true,
        }
    }
}

/// What eligibility needs to know of an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabFacts {
    pub kind: OrgKind,
    pub cma: Option<CmaLevel>,
    pub region: Region,
    /// Whether it lies inside the round's scope (the provider's province).
    pub in_scope: bool,
}

/// Where an organisation stands under a round's [`Eligibility`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// It qualifies: invited with the others, and may apply.
    Qualifies,
    /// It takes part only when the provider invites it.
    ByInvitation,
    /// It may not take part (`not_eligible`).
    NotEligible,
}

impl Eligibility {
    /// Where `lab` stands.
    ///
    /// ```
    /// use renke_domain::org::{CmaLevel, OrgKind, Region};
    /// use renke_domain::pt::{Eligibility, LabFacts, Standing};
    /// let rule = Eligibility::default();
    /// let lab = |cma, region, in_scope| LabFacts { kind: OrgKind::Lab, cma, region, in_scope };
    /// assert_eq!(rule.standing(&lab(Some(CmaLevel::Provincial), Region::Mainland, true)), Standing::Qualifies);
    /// assert_eq!(rule.standing(&lab(Some(CmaLevel::Provincial), Region::Mainland, false)), Standing::NotEligible);
    /// assert_eq!(rule.standing(&lab(Some(CmaLevel::National), Region::Mainland, false)), Standing::ByInvitation);
    /// assert_eq!(rule.standing(&lab(None, Region::HongKong, true)), Standing::ByInvitation);
    /// ```
    pub fn standing(&self, lab: &LabFacts) -> Standing {
        if lab.kind != OrgKind::Lab {
            return Standing::NotEligible;
        }
        match lab.region {
            Region::HongKong | Region::Macau if self.hk_macau_by_invitation => {
                Standing::ByInvitation
            }
            Region::HongKong | Region::Macau => Standing::NotEligible,
            Region::Mainland => match lab.cma {
                Some(CmaLevel::Provincial) if self.provincial_cma && lab.in_scope => {
                    Standing::Qualifies
                }
                Some(CmaLevel::National) if self.national_cma_by_invitation => {
                    Standing::ByInvitation
                }
                _ => Standing::NotEligible,
            },
        }
    }

    /// The rule in Chinese, naming the scope (e.g. 广东省市场监督管理局).
    pub fn describe_zh(&self, scope: &str) -> String {
        let mut parts = Vec::new();
        if self.provincial_cma {
            parts.push(format!(
                "{scope}辖区内取得省级资质认定（CMA）的检验检测机构"
            ));
        }
        if self.national_cma_by_invitation {
            parts.push("经邀请的取得国家级资质认定的检验检测机构".to_owned());
        }
        if self.hk_macau_by_invitation {
            parts.push("经邀请的具备相应能力的香港、澳门检验检测机构".to_owned());
        }
        if parts.is_empty() {
            "仅限提供者逐一邀请的机构".to_owned()
        } else {
            parts.join("；")
        }
    }

    /// The rule in English.
    pub fn describe_en(&self, scope: &str) -> String {
        let mut parts = Vec::new();
        if self.provincial_cma {
            parts.push(format!("labs with a provincial CMA within {scope}"));
        }
        if self.national_cma_by_invitation {
            parts.push("labs with a national CMA, by invitation".to_owned());
        }
        if self.hk_macau_by_invitation {
            parts.push("Hong Kong and Macau labs with the capability, by invitation".to_owned());
        }
        if parts.is_empty() {
            "only organisations the provider invites".to_owned()
        } else {
            parts.join("; ")
        }
    }
}

/// What a lab reported for one measurand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reported {
    /// A value, with the replicates it is the mean of when they were given.
    Value { value: f64, replicates: Vec<f64> },
    /// Below the limit of quantification ("<0.01").
    BelowLoq { limit: f64 },
    /// Not tested, with the reason.
    NotTested { reason: String },
    /// A qualitative result: one of the measurand's categories.
    Category { category: String },
}

/// A lab's result for one measurand, validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultEntry {
    pub reported: Reported,
    /// Expanded uncertainty U.
    pub u: Option<f64>,
    /// Its coverage factor k (2 when not given).
    pub k: Option<f64>,
    /// The method (standard) used.
    pub method: Option<String>,
}

/// The raw fields of a result row, as a form or an xlsx row gives them.
#[derive(Debug, Clone, Default)]
pub struct ResultRaw<'a> {
    /// The value, or "<0.01" for below the limit of quantification, or a category.
    pub value: &'a str,
    /// Replicates separated by commas, spaces or 、.
    pub replicates: &'a str,
    pub u: &'a str,
    pub k: &'a str,
    pub method: &'a str,
    /// Why it was not tested (then every other field stays empty).
    pub not_tested: &'a str,
}

/// A number typed with full- or half-width characters: `１.２３`, `1.2e-3`, `−0.5`;
/// `invalid_number` on `field` with the text otherwise.
pub fn number(field: &str, raw: &str) -> Result<f64, FieldError> {
    let s: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' | '。' => '.',
            '−' | '－' => '-',
            '＋' => '+',
            c => c,
        })
        .collect();
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(FieldError::new(field, "invalid_number").with("value", raw.trim())),
    }
}

impl ResultEntry {
    /// Validates a result row for a measurand of `kind` with `categories`, evaluated on
    /// log10 when `log10`; every error names its field under `prefix`. `Ok(None)` when the
    /// row is empty (nothing entered yet). Codes: `invalid_number`, `must_be_positive`
    /// (U, k, a log10 value, a limit), `replicates_mismatch` (value differs from the
    /// replicates' mean by more than rounding), `unknown_category`, `not_tested_alone`.
    pub fn parse(
        prefix: &str,
        kind: MeasurandKind,
        categories: &[String],
        log10: bool,
        raw: &ResultRaw<'_>,
    ) -> Result<Option<ResultEntry>, Invalid> {
        let f = |name: &str| format!("{prefix}.{name}");
        let mut errs = Invalid::default();
        let filled = |s: &str| !s.trim().is_empty();
        if filled(raw.not_tested) {
            if filled(raw.value) || filled(raw.replicates) || filled(raw.u) {
                errs.push(FieldError::new(f("not_tested"), "not_tested_alone"));
                return Err(errs);
            }
            let reason =
                Line::parse(&f("not_tested"), raw.not_tested, 200).map_err(Invalid::one)?;
            return Ok(Some(ResultEntry {
                reported: Reported::NotTested {
                    reason: reason.into_inner(),
                },
                u: None,
                k: None,
                method: None,
            }));
        }
        if !filled(raw.value) && !filled(raw.replicates) {
            return Ok(None);
        }
        let method = Line::parse_opt(&f("method"), raw.method, 200)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten()
            .map(Line::into_inner);
        if kind == MeasurandKind::Qualitative {
            let v = raw.value.trim();
            errs.into_result()?;
            return match categories.iter().find(|c| c.as_str() == v) {
                Some(c) => Ok(Some(ResultEntry {
                    reported: Reported::Category {
                        category: c.clone(),
                    },
                    u: None,
                    k: None,
                    method,
                })),
                None => Err(Invalid::one(
                    FieldError::new(f("value"), "unknown_category")
                        .with("value", v)
                        .with("allowed", categories.join("/")),
                )),
            };
        }
        let positive = |field: String, v: f64, errs: &mut Invalid| {
            if v <= 0.0 {
                errs.push(FieldError::new(field, "must_be_positive"));
            }
        };
        let value_text = raw.value.trim();
        let loq = value_text
            .strip_prefix('<')
            .or_else(|| value_text.strip_prefix('＜'))
            .map(|rest| {
                rest.trim_start_matches("LOQ")
                    .trim_start_matches("loq")
                    .trim()
            });
        let reported = if let Some(limit) = loq {
            match number(&f("value"), limit) {
                Ok(l) => {
                    positive(f("value"), l, &mut errs);
                    Some(Reported::BelowLoq { limit: l })
                }
                Err(e) => {
                    errs.push(e);
                    None
                }
            }
        } else {
            let mut replicates = Vec::new();
            for part in raw
                .replicates
                .split([',', '，', '、', ';', '；', ' ', '\t'])
                .filter(|s| !s.trim().is_empty())
            {
                match number(&f("replicates"), part) {
                    Ok(v) => replicates.push(v),
                    Err(e) => {
                        errs.push(e);
                        break;
                    }
                }
            }
            let mean = (!replicates.is_empty())
                .then(|| replicates.iter().sum::<f64>() / replicates.len() as f64);
            let value = if filled(value_text) {
                number(&f("value"), value_text)
                    .map_err(|e| errs.push(e))
                    .ok()
            } else {
                mean
            };
            if let (Some(v), Some(m)) = (value, mean) {
                // The value may be the mean rounded to the reported decimals.
                let tolerance = 0.5 * 10f64.powi(-(decimals_of(value_text) as i32));
                if filled(value_text) && (v - m).abs() > tolerance.max(1e-12 * m.abs()) {
                    errs.push(FieldError::new(f("value"), "replicates_mismatch").with("mean", m));
                }
            }
            if let Some(v) = value
                && log10
            {
                positive(f("value"), v, &mut errs);
            }
            value.map(|value| Reported::Value { value, replicates })
        };
        let u = if filled(raw.u) {
            number(&f("u"), raw.u).map_err(|e| errs.push(e)).ok()
        } else {
            None
        };
        if let Some(u) = u {
            positive(f("u"), u, &mut errs);
        }
        let k = if filled(raw.k) {
            number(&f("k"), raw.k).map_err(|e| errs.push(e)).ok()
        } else {
            None
        };
        if let Some(k) = k {
            positive(f("k"), k, &mut errs);
        }
        errs.into_result()?;
        Ok(reported.map(|reported| ResultEntry {
            reported,
            u,
            k,
            method,
        }))
    }

    /// The value that enters the statistics, if any.
    pub fn value(&self) -> Option<f64> {
        match self.reported {
            Reported::Value { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The result as it is shown: the value with `decimals`, `<limit`, the category, or
    /// 未检测（reason）.
    pub fn display(&self, decimals: u8) -> String {
        match &self.reported {
            Reported::Value { value, .. } => format!("{:.*}", decimals as usize, value),
            Reported::BelowLoq { limit } => format!("<{limit}"),
            Reported::NotTested { reason } => format!("未检测（{reason}）"),
            Reported::Category { category } => category.clone(),
        }
    }
}

/// The digits after the decimal point of a typed number.
fn decimals_of(s: &str) -> usize {
    let s = s.trim();
    let mantissa = s.split(['e', 'E']).next().unwrap_or(s);
    mantissa.split_once(['.', '．']).map_or(0, |(_, d)| d.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(raw: ResultRaw<'_>) -> Result<Option<ResultEntry>, Invalid> {
        ResultEntry::parse("results[0]", MeasurandKind::Quantitative, &[], false, &raw)
    }

    fn codes(e: Invalid) -> Vec<(String, &'static str)> {
        e.0.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn results_parse_values_replicates_limits_and_reasons() {
        let r = entry(ResultRaw {
            value: "１２.５",
            u: "0.8",
            k: "2",
            method: "GB/T 12190",
            ..Default::default()
        })
        .unwrap()
        .unwrap();
        assert_eq!(r.value(), Some(12.5));
        assert_eq!((r.u, r.k), (Some(0.8), Some(2.0)));
        let r = entry(ResultRaw {
            replicates: "0.041, 0.043、0.045",
            ..Default::default()
        })
        .unwrap()
        .unwrap();
        assert!((r.value().unwrap() - 0.043).abs() < 1e-12);
        // A value rounded from the replicates' mean is accepted; one that is not, refused.
        assert!(
            entry(ResultRaw {
                value: "0.04",
                replicates: "0.041,0.043",
                ..Default::default()
            })
            .is_ok()
        );
        assert_eq!(
            codes(
                entry(ResultRaw {
                    value: "0.05",
                    replicates: "0.041,0.043",
                    ..Default::default()
                })
                .unwrap_err()
            ),
            vec![("results[0].value".into(), "replicates_mismatch")]
        );
        let r = entry(ResultRaw {
            value: "<LOQ 0.01",
            ..Default::default()
        })
        .unwrap()
        .unwrap();
        assert_eq!(r.reported, Reported::BelowLoq { limit: 0.01 });
        assert_eq!(r.display(3), "<0.01");
        let r = entry(ResultRaw {
            not_tested: "仪器故障",
            ..Default::default()
        })
        .unwrap()
        .unwrap();
        assert_eq!(r.value(), None);
        assert_eq!(entry(ResultRaw::default()).unwrap(), None);
        assert_eq!(
            codes(
                entry(ResultRaw {
                    value: "abc",
                    u: "-1",
                    k: "0",
                    ..Default::default()
                })
                .unwrap_err()
            ),
            vec![
                ("results[0].value".into(), "invalid_number"),
                ("results[0].u".into(), "must_be_positive"),
                ("results[0].k".into(), "must_be_positive"),
            ]
        );
        assert_eq!(
            codes(
                entry(ResultRaw {
                    value: "1",
                    not_tested: "无",
                    ..Default::default()
                })
                .unwrap_err()
            ),
            vec![("results[0].not_tested".into(), "not_tested_alone")]
        );
        // Counts on log10 must be positive.
        let e = ResultEntry::parse(
            "r",
            MeasurandKind::Quantitative,
            &[],
            true,
            &ResultRaw {
                value: "0",
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(codes(e), vec![("r.value".into(), "must_be_positive")]);
        let cats = vec!["检出".to_owned(), "未检出".to_owned()];
        let q = |v| {
            ResultEntry::parse(
                "r",
                MeasurandKind::Qualitative,
                &cats,
                false,
                &ResultRaw {
                    value: v,
                    ..Default::default()
                },
            )
        };
        assert_eq!(q("未检出").unwrap().unwrap().display(0), "未检出");
        assert_eq!(
            codes(q("阳性").unwrap_err()),
            vec![("r.value".into(), "unknown_category")]
        );
    }

    #[test]
    fn measurands_need_units_or_categories() {
        let m = MeasurandSpec::parse(
            "measurands[0]",
            &MeasurandRaw {
                name: "绝缘电阻",
                unit: "MΩ",
                decimals: "1",
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!((m.kind, m.decimals), (MeasurandKind::Quantitative, 1));
        let e = MeasurandSpec::parse(
            "measurands[1]",
            &MeasurandRaw {
                name: "镉",
                decimals: "9",
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(
            codes(e),
            vec![
                ("measurands[1].decimals".into(), "out_of_range"),
                ("measurands[1].unit".into(), "required"),
            ]
        );
        let e = MeasurandSpec::parse(
            "m",
            &MeasurandRaw {
                name: "金黄色葡萄球菌",
                kind: "定性",
                categories: "检出",
                log10: true,
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(
            codes(e),
            vec![
                ("m.categories".into(), "categories_needed"),
                ("m.log10".into(), "log10_quantitative")
            ]
        );
        let m = MeasurandSpec::parse(
            "m",
            &MeasurandRaw {
                name: "金黄色葡萄球菌",
                kind: "qualitative",
                categories: "检出/未检出",
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(m.categories, vec!["检出", "未检出"]);
    }

    #[test]
    fn paired_measurands_are_two_quantitative_ones_with_one_unit() {
        let m = |name: &'static str, unit: &'static str, group: &'static str| {
            MeasurandSpec::parse(
                "m",
                &MeasurandRaw {
                    name,
                    unit,
                    kind: if unit.is_empty() { "qualitative" } else { "" },
                    categories: "检出/未检出",
                    pair_group: group,
                    ..Default::default()
                },
            )
            .unwrap()
        };
        let list = [
            m("镉 样品A", "mg/kg", " A "),
            m("铅", "mg/kg", ""),
            m("镉 样品B", "mg/kg", "A"),
            m("铅 样品A", "mg/kg", "Pb"),
            m("铅 样品B", "mg/kg", "Pb"),
        ];
        assert_eq!(list[0].pair_group.as_ref().unwrap().as_str(), "A");
        let rows: Vec<(usize, &MeasurandSpec)> = list.iter().enumerate().collect();
        assert_eq!(
            measurand_pairs("measurands", &rows).unwrap(),
            vec![(0, 2), (3, 4)]
        );
        assert!(measurand_pairs("measurands", &rows[..2]).is_err());

        // Three in a group: each is told; a different unit: the second; a qualitative one.
        let bad = [
            m("镉 样品A", "mg/kg", "A"),
            m("镉 样品B", "mg/kg", "A"),
            m("镉 样品C", "mg/kg", "A"),
            m("绝缘电阻 样品A", "MΩ", "B"),
            m("绝缘电阻 样品B", "GΩ", "B"),
            m("金黄色葡萄球菌", "", "C"),
            m("沙门氏菌", "", "C"),
            m("铅", "mg/kg", "D"),
        ];
        let rows: Vec<(usize, &MeasurandSpec)> = bad.iter().enumerate().collect();
        let e = measurand_pairs("measurands", &rows).unwrap_err();
        assert_eq!(
            codes(e),
            vec![
                ("measurands[0].pair_group".into(), "pair_needs_two"),
                ("measurands[1].pair_group".into(), "pair_needs_two"),
                ("measurands[2].pair_group".into(), "pair_needs_two"),
                ("measurands[4].pair_group".into(), "pair_unit_mismatch"),
                ("measurands[5].pair_group".into(), "pair_quantitative"),
                ("measurands[6].pair_group".into(), "pair_quantitative"),
                ("measurands[7].pair_group".into(), "pair_needs_two"),
            ]
        );
        // log10 counts and plain counts are not one scale either.
        let mut counts = m("菌落总数 样品B", "CFU/g", "K");
        let plain = m("菌落总数 样品A", "CFU/g", "K");
        counts.log10 = true;
        let e = measurand_pairs("m", &[(0, &plain), (1, &counts)]).unwrap_err();
        assert_eq!(
            codes(e),
            vec![("m[1].pair_group".into(), "pair_unit_mismatch")]
        );
        // The group is a short line.
        let e = MeasurandSpec::parse(
            "m",
            &MeasurandRaw {
                name: "镉",
                unit: "mg/kg",
                pair_group: &"组".repeat(PAIR_GROUP_MAX + 1),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(codes(e)[0].0, "m.pair_group");
    }

    #[test]
    fn schedules_keep_their_order() {
        let s = Schedule::parse("2022-05-20 17:00", "2022-05-23", "2022-06-10 17:00").unwrap();
        assert_eq!(s.dispatch_on.to_string(), "2022-05-23");
        let e = Schedule::parse("2022-05-20 17:00", "2022-05-19", "2022-05-18 17:00").unwrap_err();
        assert_eq!(
            codes(e),
            vec![
                ("dispatch_on".into(), "date_order"),
                ("results_until".into(), "date_order"),
            ]
        );
    }

    #[test]
    fn eligibility_follows_the_stored_rule() {
        use Standing::*;
        let lab = |kind, cma, region, in_scope| LabFacts {
            kind,
            cma,
            region,
            in_scope,
        };
        let rule = Eligibility {
            provincial_cma: true,
            national_cma_by_invitation: false,
            hk_macau_by_invitation: true,
        };
        let rows = [
            (
                lab(
                    OrgKind::Lab,
                    Some(CmaLevel::Provincial),
                    Region::Mainland,
                    true,
                ),
                Qualifies,
            ),
            (
                lab(
                    OrgKind::Lab,
                    Some(CmaLevel::Provincial),
                    Region::Mainland,
                    false,
                ),
                NotEligible,
            ),
            (
                lab(
                    OrgKind::Lab,
                    Some(CmaLevel::National),
                    Region::Mainland,
                    true,
                ),
                NotEligible,
            ),
            (lab(OrgKind::Lab, None, Region::Mainland, true), NotEligible),
            (lab(OrgKind::Lab, None, Region::Macau, true), ByInvitation),
            (
                lab(
                    OrgKind::Company,
                    Some(CmaLevel::Provincial),
                    Region::Mainland,
                    true,
                ),
                NotEligible,
            ),
        ];
        for (facts, want) in rows {
            assert_eq!(rule.standing(&facts), want, "{facts:?}");
        }
        assert!(rule.describe_zh("广东省").contains("香港、澳门"));
        assert!(!rule.describe_zh("广东省").contains("国家级"));
    }

    #[test]
    fn round_codes_are_upper_case_letters_digits_and_dashes() {
        assert_eq!(
            parse_round_code("c", "gdpt-2022-01").unwrap(),
            "GDPT-2022-01"
        );
        for bad in ["", "AB", "-AB1", "AB 1", "A_B1"] {
            assert!(parse_round_code("c", bad).is_err(), "{bad}");
        }
    }
}
