//! The per-lab result letter (能力验证结果通知书): the lab's results, scores and classes,
//! x_pt and σpt with their methods, and the distribution with the lab marked — by code,
//! never another lab's name; the round report with a Youden plot per pair of paired
//! samples; and the same charts for the round page ([`round_charts`]).

use super::evaluate::{LabOutcome, lab_outcomes};
use super::round_status;
use crate::error::AppError;
use crate::pdf::{PdfFile, render};
use crate::{App, Caller};
use renke_domain::clock::SHANGHAI;
use renke_domain::pt::RoundStatus;
use renke_domain::pt::{AssignedMethod, ScoreClass, SigmaMethod, pair_groups};
use renke_render::chart::{Distribution, Youden, distribution_svg, ranked_scores_svg, youden_svg};
use renke_render::pdf::{PtChart, PtLetter, PtLetterRow, PtReport, PtReportMeasurand, PtReportRow};
use renke_store::pt::{Enrolment, Measurand, Round};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// `v` with `decimals` places, or "—".
fn fmt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format!("{v:.decimals$}"))
}

/// The method named in an evaluation's record, in Chinese with its clause.
fn method_zh(method: &BTreeMap<String, String>, key: &str, clause: &str) -> String {
    let raw = method.get(key).map(String::as_str).unwrap_or("");
    let name = if key == "assigned" {
        match raw {
            "algorithm-a" => AssignedMethod::AlgorithmA.zh(),
            "q-hampel" => AssignedMethod::QHampel.zh(),
            "median" => AssignedMethod::Median.zh(),
            r if r.starts_with("reference") => AssignedMethod::Reference.zh(),
            _ => raw,
        }
    } else {
        match raw.split([':', ' ']).next().unwrap_or("") {
            "robust" => SigmaMethod::Robust.zh(),
            "horwitz" => SigmaMethod::Horwitz.zh(),
            "rsd" => SigmaMethod::Rsd.zh(),
            "fixed" => SigmaMethod::Fixed.zh(),
            _ => raw,
        }
    };
    match method.get(clause) {
        Some(c) => format!("{name}（{c}）"),
        None => name.to_owned(),
    }
}

/// Density points of `values` over their range (Silverman's bandwidth), for the chart.
fn density(values: &[f64]) -> Vec<(f64, f64)> {
    let Ok(h) = renke_pt::kde::silverman_bandwidth(values) else {
        return Vec::new();
    };
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min) - 3.0 * h;
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max) + 3.0 * h;
    (0..=120)
        .filter_map(|i| {
            let t = lo + (hi - lo) * f64::from(i) / 120.0;
            renke_pt::kde::density(values, h, t).ok().map(|d| (t, d))
        })
        .collect()
}

/// The most bars a letter's ranked chart draws.
const LETTER_BARS: usize = 500;

/// Every how many ranks a letter's ranked chart of `n` scores draws a bar.
fn ranked_step(n: usize) -> usize {
    n.div_ceil(LETTER_BARS).max(1)
}

/// The bars of a ranked chart in a letter or on the round page: every [`ranked_step`]-th
/// score in rank order and the lab's own (`own`). With `own`, only its bar is named (a
/// lab's view); without, every bar keeps its code (the provider's). A 10,000-lab round
/// draws about 500 bars with the shape of the whole ranking, so the chart stays small.
fn ranked_bars(scores: &[(String, f64)], own: Option<&str>) -> Vec<(String, f64)> {
    let mut ranked: Vec<&(String, f64)> = scores.iter().collect();
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1));
    let step = ranked_step(ranked.len());
    ranked
        .iter()
        .enumerate()
        .filter(|(i, s)| i.is_multiple_of(step) || Some(s.0.as_str()) == own)
        .map(|(_, s)| {
            let name = match own {
                Some(o) if o != s.0 => String::new(),
                _ => s.0.clone(),
            };
            (name, s.1)
        })
        .collect()
}

/// The name of a row's score kind as charts print it: `z`, `z′`, or "—".
fn score_name(kind: &str) -> &'static str {
    match kind {
        "z" => "z",
        "z_prime" => "z′",
        _ => "—",
    }
}

/// The kernel density curves of measurands' distributions, each computed once however many
/// letters draw it (about a million kernel terms for 10,000 values).
#[derive(Default)]
struct Densities(HashMap<i64, Vec<(f64, f64)>>);

impl Densities {
    fn of(&mut self, m: &Measurand, values: &[f64]) -> Vec<(f64, f64)> {
        self.0
            .entry(m.id)
            .or_insert_with(|| density(values))
            .clone()
    }
}

/// The histogram and kernel density of a measurand's evaluated values, with the lab's
/// value marked when given.
fn distribution_chart(
    m: &Measurand,
    values: &[f64],
    density: Vec<(f64, f64)>,
    assigned: f64,
    sigma_pt: f64,
    marked: Option<f64>,
) -> String {
    distribution_svg(&Distribution {
        density,
        values: values.to_vec(),
        assigned,
        sigma_pt,
        marked,
        unit: m.unit.clone().unwrap_or_default(),
        x_label: m.name.clone(),
    })
}

/// The pairs of paired samples among a scheme's measurands (those sharing a pair group,
/// two to a group), as indices into `measurands`.
pub(crate) fn paired(measurands: &[Measurand]) -> Vec<(usize, usize)> {
    pair_groups(measurands, |m| m.pair_group.as_deref())
        .into_iter()
        .filter_map(|(_, members)| match members[..] {
            [a, b] => Some((a, b)),
            _ => None,
        })
        .collect()
}

/// Participants' scores by code.
type ByCode = Vec<(String, f64)>;

/// A measurand's scores by code, for a Youden plot.
struct Scored<'a> {
    name: &'a str,
    score_name: &'static str,
    scores: &'a [(String, f64)],
}

/// The Youden plot of two paired measurands: a point for each code scored on both. With
/// `own` (a lab's view) only its point is named; without, every point has its code.
fn youden_chart(a: &Scored<'_>, b: &Scored<'_>, own: Option<&str>) -> String {
    let on_b: std::collections::HashMap<&str, f64> =
        b.scores.iter().map(|(c, z)| (c.as_str(), *z)).collect();
    let points = a
        .scores
        .iter()
        .filter_map(|(code, za)| {
            let zb = on_b.get(code.as_str())?;
            let shown = match own {
                Some(o) if o != code => String::new(),
                _ => code.clone(),
            };
            Some((shown, *za, *zb))
        })
        .collect();
    youden_svg(&Youden {
        points,
        marked: own.map(str::to_owned),
        x_label: format!("{}（{}）", a.name, a.score_name),
        y_label: format!("{}（{}）", b.name, b.score_name),
    })
}

/// The title of a Youden plot of measurands `a` and `b` (as the report prints it).
fn youden_title(a: &str, b: &str) -> String {
    format!("{a} 与 {b}：Youden 图")
}

/// The result letter of enrolment `enrolment_id` as data: for the lab and those who read
/// its outcomes once the round is released; the provider at any time after evaluating.
pub async fn letter(app: &App, me: &Caller, enrolment_id: i64) -> Result<PtLetter, AppError> {
    let (e, round, outcomes) = lab_outcomes(app, me, enrolment_id).await?;
    compose_letter(app, &e, &round, &outcomes, &mut Densities::default())
}

/// The letter of enrolment `e` from its outcomes (`no_scores` when it has none).
fn compose_letter(
    app: &App,
    e: &Enrolment,
    round: &Round,
    outcomes: &[LabOutcome],
    densities: &mut Densities,
) -> Result<PtLetter, AppError> {
    if outcomes.is_empty() {
        return Err(AppError::Conflict("no_scores"));
    }
    let code = e.sample_code.clone().unwrap_or_default();
    let mut rows = Vec::new();
    let mut charts = Vec::new();
    for o in outcomes {
        let Some(r) = &o.row else { continue };
        let d = (o.measurand.decimals.max(0) as usize).max(2);
        let unit = o.measurand.unit.clone().unwrap_or_default();
        let score_name = score_name(&r.score_kind);
        let score = r.score();
        rows.push(PtLetterRow {
            measurand: o.measurand.name.clone(),
            unit: if o.log10 {
                format!("lg({unit})")
            } else {
                unit.clone()
            },
            result: r.result.clone(),
            assigned: o.expected.clone().unwrap_or_else(|| fmt(o.assigned, d + 1)),
            sigma_pt: fmt(o.sigma_pt, d + 1),
            u_assigned: fmt(o.u_assigned, d + 1),
            assigned_method: if o.expected.is_some() {
                "预期结果".to_owned()
            } else {
                method_zh(&o.method, "assigned", "assigned_clause")
            },
            sigma_method: if o.expected.is_some() {
                "—".to_owned()
            } else {
                method_zh(&o.method, "sigma_pt", "sigma_pt_clause")
            },
            score_name: score_name.to_owned(),
            score: fmt(score, 2),
            class: r
                .class
                .map_or_else(|| "未评价".to_owned(), |c| c.zh().to_owned()),
            zeta: r.zeta.map(|v| format!("{v:.2}")),
            en: r.en.map(|v| format!("{v:.2}")),
            late: r.late,
        });
        if let (Some(assigned), Some(sigma_pt)) = (o.assigned, o.sigma_pt) {
            charts.push(PtChart {
                title: format!("{}：结果分布（本实验室已标出）", o.measurand.name),
                svg: distribution_chart(
                    &o.measurand,
                    &o.values,
                    densities.of(&o.measurand, &o.values),
                    assigned,
                    sigma_pt,
                    r.value,
                ),
            });
            charts.push(PtChart {
                title: match ranked_step(o.scores.len()) {
                    1 => format!("{}：{} 值排序", o.measurand.name, score_name),
                    step => format!(
                        "{}：{} 值排序（共 {} 家，按名次每 {step} 家绘 1 条）",
                        o.measurand.name,
                        score_name,
                        o.scores.len()
                    ),
                },
                // Other labs' bars carry no code in a lab's letter (the round report
                // names every participant by code); the chart names only this lab.
                svg: ranked_scores_svg(
                    &ranked_bars(&o.scores, Some(&code)),
                    Some(&code),
                    score_name,
                ),
            });
        }
    }
    let issued_on = round
        .released_at
        .unwrap_or_else(|| app.clock.now())
        .with_timezone(&SHANGHAI)
        .date_naive();
    let mut notes = vec![
        "其他参加机构仅以样品编号标识。".to_owned(),
        "|z| ≤ 2.0 为满意；2.0 < |z| < 3.0 为有问题；|z| ≥ 3.0 为不满意（ISO 13528:2022 9.4）。"
            .to_owned(),
    ];
    if rows.iter().any(|r| r.late) {
        notes.push("标注“逾期提交”的结果在截止时间后提交，已照常评价。".to_owned());
    }
    Ok(PtLetter {
        provider: round.provider_name.clone(),
        round_code: round.code.clone(),
        round_title: round.title.clone(),
        scheme: round.scheme_name.clone(),
        lab_name: e.lab_name.clone(),
        lab_code: code,
        issued_on,
        rows,
        notes,
        charts,
    })
}

/// The result letter as a PDF.
pub async fn letter_pdf(app: &App, me: &Caller, enrolment_id: i64) -> Result<PdfFile, AppError> {
    let l = letter(app, me, enrolment_id).await?;
    let name = format!("能力验证结果通知书-{}-{}.pdf", l.round_code, l.lab_code);
    let fallback = format!("pt-letter-{}-{}.pdf", l.round_code, l.lab_code);
    let pdf = render(app, move |r| r.pt_letter(&l)).await?;
    Ok(PdfFile {
        bytes: pdf.bytes,
        filename: name,
        fallback,
    })
}

/// Letters typeset at once while the zip is streamed (the machine's two cores).
const RENDER_AHEAD: usize = 2;

/// Every approved lab's result letter of round `round_id` as a zip, streamed letter by
/// letter (rendered on blocking threads, [`RENDER_AHEAD`] at a time): for the
/// provider once every measurand is evaluated. Letters are named by sample code.
pub async fn letters_zip(
    app: &App,
    me: &Caller,
    round_id: i64,
) -> Result<(String, crate::reporting::exports::ByteStream), AppError> {
    let round = super::round_to_run(app, me, round_id).await?;
    let enrolments: Vec<Enrolment> = renke_store::pt::enrolments(&app.db, round.id)
        .await?
        .into_iter()
        .filter(|e| e.status == "approved")
        .collect();
    if enrolments.is_empty() {
        return Err(AppError::Conflict("no_participants"));
    }
    // The round's evaluations are read once for every letter: the provider's view, the
    // latest versions before release and the released ones after.
    let outcomes =
        super::RoundOutcomes::load(app, &round, round_status(&round)? != RoundStatus::Released)
            .await?;
    let mut densities = Densities::default();
    // The first letter is made here, so a round without evaluations is refused up front.
    let first = enrolments
        .iter()
        .find_map(|e| {
            compose_letter(app, e, &round, &outcomes.of(e.id), &mut densities)
                .ok()
                .map(|l| (e.id, l))
        })
        .ok_or(AppError::Conflict("no_scores"))?;
    let name = format!("{}-结果通知书.zip", round.code);
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    let app2 = app.clone();
    tokio::spawn(async move {
        use futures_util::StreamExt;
        let mut first = Some(first);
        // Letters are composed here in order (the density cache is shared) and typeset
        // RENDER_AHEAD at a time on blocking threads; the zip still gets them in order.
        let composed = enrolments.into_iter().enumerate().filter_map(|(i, e)| {
            let l = match first.take_if(|f| f.0 == e.id) {
                Some((_, l)) => Ok(l),
                None => compose_letter(&app2, &e, &round, &outcomes.of(e.id), &mut densities),
            };
            match l {
                // A participant without a scored result has no letter.
                Err(AppError::Conflict("no_scores")) => None,
                Err(x) => Some(Err(anyhow::anyhow!("letter {i}: {x}"))),
                Ok(l) => Some(Ok((i, l))),
            }
        });
        let mut letters = futures_util::stream::iter(composed)
            .map(|c| {
                let app = app2.clone();
                async move {
                    let (i, l) = c?;
                    let name = format!("{}-{}.pdf", l.round_code, l.lab_code);
                    render(&app, move |r| r.pt_letter(&l))
                        .await
                        .map(|pdf| (name, crate::reporting::exports::in_memory(pdf.bytes)))
                        .map_err(|x| anyhow::anyhow!("letter {i}: {x}"))
                }
            })
            .buffered(RENDER_AHEAD);
        while let Some(item) = letters.next().await {
            let failed = item.is_err();
            if tx.send(item).await.is_err() || failed {
                break;
            }
        }
    });
    Ok((
        name,
        crate::reporting::exports::zip_stream(rx, "pt letters"),
    ))
}

/// The round report (能力验证结果报告) as data: every measurand's statistics, methods,
/// charts and each participant's result and score by code, then a Youden plot per pair of
/// paired samples. For the provider at any time after evaluating (the latest versions);
/// once released, for the participants and the administration above the provider (the
/// released versions).
pub async fn report(app: &App, me: &Caller, round_id: i64) -> Result<PtReport, AppError> {
    let round = renke_store::pt::round(&app.db, round_id).await?;
    let a = me.actor();
    let provider = super::path(&round.provider_path)?;
    let runs = a.runs_pt(&provider);
    let released = round.status == "released";
    let enrolled = renke_store::pt::enrolment_of(&app.db, round.id, me.org_id)
        .await?
        .is_some_and(|e| e.status == "approved");
    let oversees = me.actor().oversees_pt(&provider);
    if !(runs || released && (enrolled || oversees)) {
        return Err(AppError::NotFound);
    }
    let all = renke_store::pt::current_evaluations(&app.db, round.id).await?;
    let participants = renke_store::pt::submission_counts(&app.db, round.id)
        .await?
        .1 as usize;
    let mut measurands = Vec::new();
    let scheme_measurands = renke_store::pt::measurands(&app.db, round.scheme_id).await?;
    // Each measurand's scores by code and the name of its score, for the Youden plots.
    let mut scored: Vec<(i64, &'static str, ByCode)> = Vec::new();
    for m in scheme_measurands.iter().cloned() {
        let Some(ev) = all
            .iter()
            .rev()
            .filter(|x| x.measurand_id == m.id)
            .find(|x| x.released || runs && !released)
        else {
            continue;
        };
        let o: super::Outcome =
            serde_json::from_str(&ev.outcome).map_err(|x| AppError::Internal(x.into()))?;
        let d = (m.decimals.max(0) as usize).max(2);
        let values: Vec<f64> = o.rows.iter().filter_map(|r| r.value).collect();
        let mut counts = [0usize; 3];
        let mut rows = Vec::new();
        let mut scores = Vec::new();
        for r in &o.rows {
            if let Some(c) = r.class {
                counts[match c {
                    ScoreClass::Satisfactory => 0,
                    ScoreClass::Questionable => 1,
                    ScoreClass::Unsatisfactory => 2,
                }] += 1;
            }
            let score = r.score();
            if let Some(s) = score {
                scores.push((r.sample_code.clone(), s));
            }
            rows.push(PtReportRow {
                code: r.sample_code.clone(),
                result: r.result.clone(),
                score: fmt(score, 2),
                class: r
                    .class
                    .map_or_else(|| "未评价".to_owned(), |c| c.zh().to_owned()),
                late: r.late,
            });
        }
        let unit = m.unit.clone().unwrap_or_default();
        let name = o
            .rows
            .iter()
            .map(|r| score_name(&r.score_kind))
            .find(|n| *n != "—")
            .unwrap_or("z");
        let mut charts = Vec::new();
        if let (Some(assigned), Some(sigma_pt)) = (o.assigned, o.sigma_pt) {
            charts.push(PtChart {
                title: format!("{}：结果分布与核密度", m.name),
                svg: distribution_chart(&m, &values, density(&values), assigned, sigma_pt, None),
            });
            charts.push(PtChart {
                title: format!("{}：{name} 值排序", m.name),
                svg: ranked_scores_svg(&scores, None, name),
            });
        }
        if !scores.is_empty() {
            scored.push((m.id, name, scores));
        }
        measurands.push(PtReportMeasurand {
            name: m.name.clone(),
            unit: if o.log10 { format!("lg({unit})") } else { unit },
            n: o.n,
            assigned: o.expected.clone().unwrap_or_else(|| fmt(o.assigned, d + 1)),
            u_assigned: fmt(o.u_assigned, d + 1),
            sigma_pt: fmt(o.sigma_pt, d + 1),
            assigned_method: if o.expected.is_some() {
                "预期结果".to_owned()
            } else {
                method_zh(&o.method, "assigned", "assigned_clause")
            },
            sigma_method: if o.expected.is_some() {
                "—".to_owned()
            } else {
                method_zh(&o.method, "sigma_pt", "sigma_pt_clause")
            },
            method_lines: o.method.iter().map(|(k, v)| format!("{k}: {v}")).collect(),
            counts,
            rows,
            charts,
        });
    }
    if measurands.is_empty() {
        return Err(AppError::Conflict("no_scores"));
    }
    let scored_of = |i: usize| {
        let m = scheme_measurands.get(i)?;
        let (_, score_name, scores) = scored.iter().find(|x| x.0 == m.id)?;
        Some(Scored {
            name: &m.name,
            score_name,
            scores,
        })
    };
    let youden = paired(&scheme_measurands)
        .into_iter()
        .filter_map(|(a, b)| {
            let (a, b) = (scored_of(a)?, scored_of(b)?);
            Some(PtChart {
                title: youden_title(a.name, b.name),
                svg: youden_chart(&a, &b, None),
            })
        })
        .collect();
    Ok(PtReport {
        provider: round.provider_name.clone(),
        round_code: round.code.clone(),
        round_title: round.title.clone(),
        scheme: round.scheme_name.clone(),
        issued_on: round
            .released_at
            .unwrap_or_else(|| app.clock.now())
            .with_timezone(&SHANGHAI)
            .date_naive(),
        participants,
        measurands,
        youden,
    })
}

/// The round report as a PDF.
pub async fn report_pdf(app: &App, me: &Caller, round_id: i64) -> Result<PdfFile, AppError> {
    let r = report(app, me, round_id).await?;
    let name = format!("能力验证结果报告-{}.pdf", r.round_code);
    let fallback = format!("pt-report-{}.pdf", r.round_code);
    let pdf = render(app, move |x| x.pt_report(&r)).await?;
    Ok(PdfFile {
        bytes: pdf.bytes,
        filename: name,
        fallback,
    })
}

/// A round's charts for its page (结果分布): per measurand the distribution of the results
/// and the ranked scores, and a Youden plot per pair of paired samples.
#[derive(Debug, Clone, Default)]
pub struct RoundCharts {
    /// The caller's lab's sample code when these are a lab's charts: its result, bar and
    /// point are marked, and no other participant's code appears (as in its letter).
    pub own: Option<String>,
    pub measurands: Vec<MeasurandCharts>,
    pub youden: Vec<YoudenChart>,
}

/// The charts of one measurand (SVG from `renke_render::chart`).
#[derive(Debug, Clone)]
pub struct MeasurandCharts {
    pub measurand_id: i64,
    pub name: String,
    /// `z` or `z′`.
    pub score_name: &'static str,
    /// How many participants were scored.
    pub scored: usize,
    /// The ranked chart draws a bar every `step` ranks (1: every participant).
    pub step: usize,
    pub distribution: String,
    pub ranked: String,
}

/// The Youden plot of two paired measurands.
#[derive(Debug, Clone)]
pub struct YoudenChart {
    pub a: String,
    pub b: String,
    pub svg: String,
}

/// What one measurand's charts are drawn from.
struct Charted {
    measurand: Measurand,
    assigned: Option<f64>,
    sigma_pt: Option<f64>,
    values: Arc<[f64]>,
    scores: Arc<[(String, f64)]>,
    score_name: &'static str,
    marked: Option<f64>,
}

/// Round `round_id`'s charts for its page. The provider and the administration overseeing
/// it see the latest evaluation of each measurand with every code; an approved lab, once
/// the round is released, the released evaluations of the measurands it was scored in,
/// drawn as in its letter (its own result marked, no other code). `None` for anyone else
/// (a lab before release): the page shows no charts. Qualitative measurands have none.
pub async fn round_charts(
    app: &App,
    me: &Caller,
    round_id: i64,
) -> Result<Option<RoundCharts>, AppError> {
    let round = renke_store::pt::round(&app.db, round_id).await?;
    let provider = super::path(&round.provider_path)?;
    let a = me.actor();
    let mut own = None;
    let mut charted = Vec::new();
    if a.runs_pt(&provider) || a.oversees_pt(&provider) {
        for me_ev in super::evaluations(app, me, round_id).await? {
            let Some(v) = me_ev.latest else { continue };
            let o = v.outcome;
            charted.push(Charted {
                measurand: me_ev.measurand,
                assigned: o.assigned,
                sigma_pt: o.sigma_pt,
                values: o.rows.iter().filter_map(|r| r.value).collect(),
                scores: o
                    .rows
                    .iter()
                    .filter_map(|r| Some((r.sample_code.clone(), r.score()?)))
                    .collect(),
                score_name: o
                    .rows
                    .iter()
                    .map(|r| score_name(&r.score_kind))
                    .find(|n| *n != "—")
                    .unwrap_or("z"),
                marked: None,
            });
        }
    } else {
        let mine = renke_store::pt::enrolment_of(&app.db, round.id, me.org_id).await?;
        let Some(e) = mine.filter(|e| e.status == "approved" && round.status == "released") else {
            return Ok(None);
        };
        let (e, _, outcomes) = lab_outcomes(app, me, e.id).await?;
        own = Some(e.sample_code.unwrap_or_default());
        for o in outcomes {
            let Some(r) = o.row else { continue };
            charted.push(Charted {
                measurand: o.measurand,
                assigned: o.assigned,
                sigma_pt: o.sigma_pt,
                values: o.values,
                scores: o.scores,
                score_name: score_name(&r.score_kind),
                marked: r.value,
            });
        }
    }
    let mut out = RoundCharts {
        own: own.clone(),
        ..RoundCharts::default()
    };
    for c in &charted {
        let (Some(assigned), Some(sigma_pt)) = (c.assigned, c.sigma_pt) else {
            continue;
        };
        out.measurands.push(MeasurandCharts {
            measurand_id: c.measurand.id,
            name: c.measurand.name.clone(),
            score_name: c.score_name,
            scored: c.scores.len(),
            step: ranked_step(c.scores.len()),
            distribution: distribution_chart(
                &c.measurand,
                &c.values,
                density(&c.values),
                assigned,
                sigma_pt,
                c.marked,
            ),
            ranked: ranked_scores_svg(
                &ranked_bars(&c.scores, own.as_deref()),
                own.as_deref(),
                c.score_name,
            ),
        });
    }
    let measurands = renke_store::pt::measurands(&app.db, round.scheme_id).await?;
    let scored_of = |i: usize| {
        let m = measurands.get(i)?;
        let c = charted
            .iter()
            .find(|c| c.measurand.id == m.id && !c.scores.is_empty())?;
        Some(Scored {
            name: &c.measurand.name,
            score_name: c.score_name,
            scores: &c.scores,
        })
    };
    for (a, b) in paired(&measurands) {
        let (Some(a), Some(b)) = (scored_of(a), scored_of(b)) else {
            continue;
        };
        out.youden.push(YoudenChart {
            a: a.name.to_owned(),
            b: b.name.to_owned(),
            svg: youden_chart(&a, &b, own.as_deref()),
        });
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letters_ranked_chart_thins_large_rounds_and_names_only_the_lab() {
        let scores: Vec<(String, f64)> = (0..10_000)
            .map(|i| (format!("C{i:05}"), (i as f64 - 5000.0) / 1000.0))
            .collect();
        let bars = ranked_bars(&scores, Some("C04321"));
        assert_eq!(ranked_step(10_000), 20);
        assert_eq!(bars.len(), 501, "every 20th of 10,000, and the lab's own");
        assert_eq!(bars.iter().filter(|b| !b.0.is_empty()).count(), 1);
        assert!(
            bars.iter()
                .any(|b| b.0 == "C04321" && (b.1 - (-0.679)).abs() < 1e-9)
        );
        assert!(bars.windows(2).all(|w| w[0].1 <= w[1].1), "in rank order");
        assert_eq!((bars[0].1, bars[bars.len() - 1].1 < 5.0), (-5.0, true));
        // A small round keeps every bar.
        let small = ranked_bars(&scores[..40], Some("C00003"));
        assert_eq!(small.len(), 40);
        assert_eq!(small.iter().filter(|b| !b.0.is_empty()).count(), 1);
        // The provider's chart keeps every code it draws.
        let all = ranked_bars(&scores, None);
        assert_eq!(all.len(), 500);
        assert!(all.iter().all(|b| b.0.starts_with('C')));
        assert_eq!(ranked_step(500), 1);
    }
}
