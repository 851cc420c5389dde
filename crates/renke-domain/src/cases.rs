//! Case collections (案例征集): a call for cases (title, criteria with their points, an
//! optional template, a deadline, who may submit), the units' submissions (text and files),
//! the panel's scores against the criteria, the selection and the published collection.
//!
//! **Conflicts of interest.** A reviewer whose organisation is the submitting unit, or lies
//! inside it (a department of the submitting bureau), is in conflict with that submission:
//! it may not score it, and a score it somehow holds (its account moved) is left out of the
//! ranking. An organisation *above* the unit (the bureau that supervises a lab) is not in
//! conflict: supervising is what qualifies it to review.

use crate::org::{OrgKind, OrgPath, string_enum};
use crate::text::Line;
use crate::{FieldError, Invalid};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

string_enum! {
    /// Where a submission stands.
    SubmissionState {
        Draft = "draft", "草稿", "Draft";
        Submitted = "submitted", "已提交", "Submitted";
        Selected = "selected", "入选", "Selected";
        NotSelected = "not_selected", "未入选", "Not selected";
        Withdrawn = "withdrawn", "已撤回", "Withdrawn";
    }
}

impl SubmissionState {
    /// The colour of the state's chip.
    pub fn colour(self) -> &'static str {
        match self {
            SubmissionState::Selected => "green",
            SubmissionState::Submitted => "yellow",
            _ => "grey",
        }
    }

    /// Whether the unit may still change it (a draft) or take it back (a draft or a
    /// submitted case), before the deadline.
    pub fn editable(self) -> bool {
        self == SubmissionState::Draft
    }

    /// Whether the unit may withdraw it (before the deadline).
    pub fn withdrawable(self) -> bool {
        matches!(self, SubmissionState::Draft | SubmissionState::Submitted)
    }

    /// Whether it is in front of the panel: submitted, and later selected or not.
    pub fn reviewable(self) -> bool {
        matches!(
            self,
            SubmissionState::Submitted | SubmissionState::Selected | SubmissionState::NotSelected
        )
    }
}

/// One criterion of a call and the most points it gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub name: String,
    pub max: u32,
}

/// At most this many criteria.
pub const CRITERIA_MAX: usize = 10;
/// The most points one criterion may give.
pub const POINTS_MAX: u32 = 100;
/// Longest criterion name, in characters.
pub const CRITERION_NAME_MAX: usize = 40;
/// Longest call title or case title, in characters.
pub const TITLE_MAX: usize = 200;
/// Longest call description, in characters.
pub const DESCRIPTION_MAX: usize = 5000;
/// Longest case summary, in characters.
pub const SUMMARY_MAX: usize = 500;
/// Longest case text, in characters.
pub const BODY_MAX: usize = 20_000;
/// At most this many files per case.
pub const FILES_MAX: usize = 10;

/// Parses criteria typed one per line as `名称 分值` (also `名称：分值`, `名称|分值`):
/// at least one, at most [`CRITERIA_MAX`], each name once, each worth 1..=[`POINTS_MAX`].
/// Errors on `criteria`: `required`, `too_many`, `criterion_invalid` (with the line),
/// `criterion_points` (with the line and the maximum), `criterion_duplicate`.
pub fn parse_criteria(raw: &str) -> Result<Vec<Criterion>, FieldError> {
    let mut out: Vec<Criterion> = Vec::new();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let split = line
            .rfind([' ', '\t', '：', ':', '|', '\u{3000}'])
            .map(|i| (&line[..i], &line[i..]));
        let Some((name, rest)) = split else {
            return Err(FieldError::new("criteria", "criterion_invalid").with("value", line));
        };
        let name = name.trim().trim_end_matches(['：', ':', '|']).trim();
        let points = rest
            .trim_start_matches([' ', '\t', '：', ':', '|', '\u{3000}'])
            .trim()
            .trim_end_matches('分');
        if name.is_empty() || crate::text::char_len(name) > CRITERION_NAME_MAX {
            return Err(FieldError::new("criteria", "criterion_invalid").with("value", line));
        }
        let max: u32 = match points.parse() {
            Ok(n) if (1..=POINTS_MAX).contains(&n) => n,
            _ => {
                return Err(FieldError::new("criteria", "criterion_points")
                    .with("value", line)
                    .with("max", POINTS_MAX));
            }
        };
        if out.iter().any(|c| c.name == name) {
            return Err(FieldError::new("criteria", "criterion_duplicate").with("value", name));
        }
        out.push(Criterion {
            name: name.to_owned(),
            max,
        });
    }
    if out.is_empty() {
        return Err(FieldError::new("criteria", "required"));
    }
    if out.len() > CRITERIA_MAX {
        return Err(FieldError::new("criteria", "too_many")
            .with("max", CRITERIA_MAX)
            .with("actual", out.len()));
    }
    Ok(out)
}

/// Criteria written back one per line, as the form takes them.
pub fn criteria_text(c: &[Criterion]) -> String {
    c.iter()
        .map(|c| format!("{} {}", c.name, c.max))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The most points a case may get: the sum of the criteria's.
pub fn total_max(c: &[Criterion]) -> u32 {
    c.iter().map(|c| c.max).sum()
}

/// A call's fields, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallText {
    pub title: Line,
    pub description: Option<String>,
    pub deadline: DateTime<Utc>,
    pub criteria: Vec<Criterion>,
    /// The kinds of organisation that may submit; empty: any kind.
    pub kinds: Vec<OrgKind>,
}

/// A call's fields as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallInput<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Beijing time, `2022-06-30 17:00`.
    pub deadline: &'a str,
    /// One per line, `名称 分值`.
    pub criteria: &'a str,
    /// Kind codes (or Chinese labels); empty: any kind.
    pub kinds: &'a [String],
}

impl CallInput<'_> {
    /// Every problem at once: `title` required / too long; `description` too long;
    /// `deadline` required, invalid or not after `now` (`deadline_past`); `criteria` (see
    /// [`parse_criteria`]); `kinds` unknown.
    pub fn parse(&self, now: DateTime<Utc>) -> Result<CallText, Invalid> {
        let mut errs = Invalid::default();
        let title = Line::parse("title", self.title, TITLE_MAX)
            .map_err(|e| errs.push(e))
            .ok();
        let description = optional_text("description", self.description, DESCRIPTION_MAX)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        let deadline = match crate::activity::parse_local_datetime("deadline", self.deadline) {
            Ok(t) if t <= now => {
                errs.push(FieldError::new("deadline", "deadline_past"));
                None
            }
            Ok(t) => Some(t),
            Err(e) => {
                errs.push(e);
                None
            }
        };
        let criteria = parse_criteria(self.criteria).map_err(|e| errs.push(e)).ok();
        let mut kinds = Vec::new();
        for k in self.kinds.iter().filter(|k| !k.trim().is_empty()) {
            match OrgKind::parse("kinds", k) {
                Ok(k) if !kinds.contains(&k) => kinds.push(k),
                Ok(_) => {}
                Err(e) => errs.push(e),
            }
        }
        let (Some(title), Some(deadline), Some(criteria)) = (title, deadline, criteria) else {
            return Err(errs);
        };
        errs.into_result()?;
        Ok(CallText {
            title,
            description,
            deadline,
            criteria,
            kinds,
        })
    }
}

/// Who may answer a call: the organisations under `scope` (itself included), of one of
/// `kinds` when any are given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    pub scope: OrgPath,
    pub kinds: Vec<OrgKind>,
}

impl Eligibility {
    /// Whether the organisation at `unit`, of kind `kind`, may submit.
    pub fn admits(&self, unit: &OrgPath, kind: OrgKind) -> bool {
        unit.is_within(&self.scope) && (self.kinds.is_empty() || self.kinds.contains(&kind))
    }
}

/// Whether a reviewer of organisation `reviewer` is in conflict with a case of `unit`: it is
/// the unit or lies inside it (see the module's documentation).
pub fn in_conflict(reviewer: &OrgPath, unit: &OrgPath) -> bool {
    reviewer.is_within(unit)
}

/// A case's fields, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseText {
    pub title: Line,
    pub summary: Option<String>,
    pub body: String,
}

/// Checks a case: `title` required / too long, `summary` too long, `body` required / too
/// long.
pub fn parse_case(title: &str, summary: &str, body: &str) -> Result<CaseText, Invalid> {
    let mut errs = Invalid::default();
    let title = Line::parse("title", title, TITLE_MAX)
        .map_err(|e| errs.push(e))
        .ok();
    let summary = optional_text("summary", summary, SUMMARY_MAX)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    let body = match optional_text("body", body, BODY_MAX) {
        Ok(Some(b)) => Some(b),
        Ok(None) => {
            errs.push(FieldError::new("body", "required"));
            None
        }
        Err(e) => {
            errs.push(e);
            None
        }
    };
    let (Some(title), Some(body)) = (title, body) else {
        return Err(errs);
    };
    errs.into_result()?;
    Ok(CaseText {
        title,
        summary,
        body,
    })
}

/// Checks a reviewer's points, one per criterion in order: each required, a whole number
/// from 0 to the criterion's maximum. Errors name the field `score_<n>` (from 0) with the
/// criterion's name (`required`, `score_invalid`, `score_out_of_range` with `max`).
pub fn parse_scores(criteria: &[Criterion], raw: &[String]) -> Result<Vec<u32>, Invalid> {
    let mut errs = Invalid::default();
    let mut out = Vec::with_capacity(criteria.len());
    for (i, c) in criteria.iter().enumerate() {
        let field = format!("score_{i}");
        let s = raw.get(i).map_or("", |s| s.trim());
        if s.is_empty() {
            errs.push(FieldError::new(&field, "required").with("criterion", &c.name));
            continue;
        }
        match s.parse::<u32>() {
            Ok(n) if n <= c.max => out.push(n),
            Ok(_) => errs.push(
                FieldError::new(&field, "score_out_of_range")
                    .with("criterion", &c.name)
                    .with("max", c.max),
            ),
            Err(_) => errs.push(
                FieldError::new(&field, "score_invalid")
                    .with("criterion", &c.name)
                    .with("value", s),
            ),
        }
    }
    errs.into_result()?;
    Ok(out)
}

/// One reviewer's score sheet for a case: its organisation and its points by criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub reviewer_org: OrgPath,
    pub points: Vec<u32>,
}

/// A case's place in the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// The average of the counted reviewers' totals; `None` when nobody counted scored it.
    pub average: Option<f64>,
    /// The average points per criterion, in the criteria's order.
    pub by_criterion: Vec<Option<f64>>,
    /// Reviewers whose sheets count.
    pub counted: usize,
    /// Sheets left out for a conflict of interest.
    pub excluded: usize,
}

/// The standing of a case of `unit` from its sheets: the average of the totals of every
/// reviewer not in conflict with the unit.
pub fn standing(criteria: usize, unit: &OrgPath, sheets: &[Sheet]) -> Standing {
    let (counted, excluded): (Vec<&Sheet>, Vec<&Sheet>) = sheets
        .iter()
        .partition(|s| !in_conflict(&s.reviewer_org, unit));
    let n = counted.len();
    let mean = |f: &dyn Fn(&Sheet) -> u32| -> Option<f64> {
        (n > 0).then(|| counted.iter().map(|s| f(s) as f64).sum::<f64>() / n as f64)
    };
    Standing {
        average: mean(&|s| s.points.iter().sum()),
        by_criterion: (0..criteria)
            .map(|i| mean(&|s| s.points.get(i).copied().unwrap_or(0)))
            .collect(),
        counted: n,
        excluded: excluded.len(),
    }
}

/// Orders standings best first: by average (unscored last), ties in the order given.
pub fn rank<T>(items: &mut [(T, Standing)]) {
    items.sort_by(|a, b| {
        let key = |s: &Standing| s.average.unwrap_or(-1.0);
        key(&b.1).total_cmp(&key(&a.1))
    });
}

/// Trimmed text of at most `max` characters; empty gives `None`.
fn optional_text(field: &str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let n = crate::text::char_len(s);
    if n > max {
        return Err(FieldError::new(field, "too_long")
            .with("max", max)
            .with("actual", n));
    }
    Ok(Some(s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_are_typed_one_per_line() {
        let c = parse_criteria("创新性 30\n示范性：30分\n 可推广性|20 \n\n材料规范性　20").unwrap();
        let names: Vec<_> = c.iter().map(|c| (c.name.as_str(), c.max)).collect();
        assert_eq!(
            names,
            vec![
                ("创新性", 30),
                ("示范性", 30),
                ("可推广性", 20),
                ("材料规范性", 20)
            ]
        );
        assert_eq!(total_max(&c), 100);
        assert_eq!(parse_criteria(&criteria_text(&c)).unwrap(), c);
        assert_eq!(parse_criteria(" \n").unwrap_err().code, "required");
        assert_eq!(
            parse_criteria("创新性").unwrap_err().code,
            "criterion_invalid"
        );
        assert_eq!(
            parse_criteria("创新性 0").unwrap_err().code,
            "criterion_points"
        );
        assert_eq!(
            parse_criteria("创新性 101").unwrap_err().code,
            "criterion_points"
        );
        assert_eq!(
            parse_criteria("创新性 10\n创新性 20").unwrap_err().code,
            "criterion_duplicate"
        );
    }

    #[test]
    fn a_call_needs_a_future_deadline() {
        let now = "2022-05-01T02:00:00Z".parse().unwrap();
        let kinds = vec!["lab".to_owned(), "认证机构".to_owned()];
        let ok = CallInput {
            title: "2022年度上海市检验检测创新案例征集",
            deadline: "2022-06-30 17:00",
            criteria: "创新性 50\n示范性 50",
            kinds: &kinds,
            ..Default::default()
        }
        .parse(now)
        .unwrap();
        assert_eq!(ok.kinds, vec![OrgKind::Lab, OrgKind::CertificationBody]);
        let bad = CallInput {
            title: "",
            deadline: "2022-04-30 17:00",
            criteria: "",
            ..Default::default()
        }
        .parse(now)
        .unwrap_err();
        let codes: Vec<_> = bad.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("title", "required"),
                ("deadline", "deadline_past"),
                ("criteria", "required")
            ]
        );
    }

    #[test]
    fn scores_stay_within_each_criterion() {
        let c = parse_criteria("创新性 30\n示范性 20").unwrap();
        let s = |a: &str, b: &str| vec![a.to_owned(), b.to_owned()];
        assert_eq!(parse_scores(&c, &s("30", "0")).unwrap(), vec![30, 0]);
        let bad = parse_scores(&c, &s("31", "")).unwrap_err();
        let codes: Vec<_> = bad.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            vec![("score_0", "score_out_of_range"), ("score_1", "required")]
        );
        assert_eq!(
            parse_scores(&c, &s("-1", "2.5")).unwrap_err().0[0].code,
            "score_invalid"
        );
    }

    #[test]
    fn eligibility_is_a_subtree_and_kinds() {
        let sh = OrgPath::root(1).child(2);
        let lab = sh.child(30);
        let gd_lab = OrgPath::root(1).child(3).child(40);
        let e = Eligibility {
            scope: sh.clone(),
            kinds: vec![OrgKind::Lab, OrgKind::CertificationBody],
        };
        assert!(e.admits(&lab, OrgKind::Lab));
        assert!(!e.admits(&lab, OrgKind::Company));
        assert!(!e.admits(&gd_lab, OrgKind::Lab));
        let any = Eligibility {
            scope: sh.clone(),
            kinds: vec![],
        };
        assert!(any.admits(&sh, OrgKind::Regulator));
    }

    /// The unit itself and its departments are in conflict; the bureau above and a sibling
    /// are not. Conflicted sheets are left out of the average.
    #[test]
    fn conflicted_reviewers_do_not_count() {
        let sh = OrgPath::root(1).child(2);
        let unit = sh.child(30);
        let dept = unit.child(31);
        let other = sh.child(40);
        assert!(in_conflict(&unit, &unit));
        assert!(in_conflict(&dept, &unit));
        assert!(!in_conflict(&sh, &unit));
        assert!(!in_conflict(&other, &unit));
        let sheet = |org: &OrgPath, p: [u32; 2]| Sheet {
            reviewer_org: org.clone(),
            points: p.to_vec(),
        };
        let s = standing(
            2,
            &unit,
            &[
                sheet(&sh, [30, 20]),
                sheet(&other, [20, 10]),
                sheet(&unit, [30, 30]),
            ],
        );
        assert_eq!(s.average, Some(40.0));
        assert_eq!(s.by_criterion, vec![Some(25.0), Some(15.0)]);
        assert_eq!((s.counted, s.excluded), (2, 1));
        let none = standing(2, &unit, &[sheet(&unit, [1, 1])]);
        assert_eq!(none.average, None);
        let mut items = vec![("a", none), ("b", s)];
        rank(&mut items);
        assert_eq!(items[0].0, "b");
    }
}
