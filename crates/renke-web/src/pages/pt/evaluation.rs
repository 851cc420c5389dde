//! Evaluation: the provider's choices per measurand, runs, release, and "how this was
//! computed".

use super::*;

/// The evaluation form's fields for one measurand: as typed when refused, else the latest
/// evaluation's options, else the defaults.
pub struct EvalInputs {
    pub assigned: String,
    pub assigned_value: String,
    pub assigned_u: String,
    pub sigma: String,
    pub sigma_value: String,
    pub quartile_rule: String,
    pub stop: String,
    pub factor: String,
    pub expected: String,
    pub acceptance_low: String,
    pub acceptance_high: String,
}

impl EvalInputs {
    fn of(f: &svc::EvaluationForm) -> EvalInputs {
        let or = |s: &str, d: &str| {
            if s.trim().is_empty() {
                d.to_owned()
            } else {
                s.trim().to_owned()
            }
        };
        EvalInputs {
            assigned: or(&f.assigned, "algorithm_a"),
            assigned_value: f.assigned_value.clone(),
            assigned_u: f.assigned_u.clone(),
            sigma: or(&f.sigma, "robust"),
            sigma_value: f.sigma_value.clone(),
            quartile_rule: or(&f.quartile_rule, "n_plus_1"),
            stop: or(&f.stop, "converge"),
            factor: or(&f.factor, "printed"),
            expected: f.expected.clone(),
            acceptance_low: f.acceptance_low.clone(),
            acceptance_high: f.acceptance_high.clone(),
        }
    }
}

/// A participant's line of an evaluation.
pub struct EvalRow {
    pub code: String,
    pub result: String,
    pub z: String,
    pub z_prime: String,
    pub zeta: String,
    pub en: String,
    pub used: String,
    pub class: String,
    pub chip: &'static str,
    pub late: bool,
    pub reason: String,
}

/// The figures of an evaluation and how they were computed.
pub struct EvalFigures {
    pub version: i32,
    pub created_at: String,
    pub released: bool,
    pub n: usize,
    pub x_pt: String,
    pub u_x_pt: String,
    pub sigma_pt: String,
    pub u_limit: String,
    /// u(x_pt) ≤ 0.3σpt: true, false, or none (qualitative).
    pub u_negligible: Option<bool>,
    pub expected: String,
    /// The sealed target's acceptance range that judged the values, if any.
    pub acceptance: String,
    pub rows: Vec<EvalRow>,
    /// (label, value) of every option with its clause.
    pub method: Vec<(String, String)>,
    pub warnings: Vec<String>,
    /// The assigned value's method: name, clause and iterations.
    pub trace_head: String,
    /// (iteration, x*, s*) of Algorithm A.
    pub trace: Vec<(String, String, String)>,
    /// (name, value) of the summary statistics.
    pub statistics: Vec<(String, String)>,
}

/// One measurand's part of the evaluation page.
pub struct EvalSection {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub qualitative: bool,
    pub categories: Vec<String>,
    pub f: EvalInputs,
    pub errors: Errors,
    pub refusals: Vec<String>,
    pub latest: Option<EvalFigures>,
    pub versions: usize,
    pub released_version: Option<i32>,
    /// The measurand's homogeneity and stability studies, oldest first.
    pub studies: Vec<StudyLine>,
    /// The study form: as typed when refused.
    pub study: svc::StudyForm,
    pub study_errors: Errors,
    pub study_refusals: Vec<String>,
    /// The u_hom and u_stab the next evaluation carries into u(x_pt) (the latest study of
    /// each kind; 0 without one).
    pub u_hom: String,
    pub u_stab: String,
    /// The newest background run while it is under way, when it failed after the latest
    /// evaluation, or when it wrote the latest evaluation.
    pub current_run: Option<RunLine>,
    /// The measurand's latest background runs, newest first.
    pub runs: Vec<RunLine>,
    /// The released version against a newer one.
    pub diff: Option<DiffView>,
}

/// A background evaluation run as the evaluation page shows it.
pub struct RunLine {
    pub id: i64,
    pub status: String,
    pub chip: &'static str,
    pub stage: String,
    pub done: i64,
    pub total: i64,
    /// Rows written of total, in words.
    pub progress: String,
    pub active: bool,
    pub finished: bool,
    /// Why it failed, in the page's language (empty unless failed).
    pub error: String,
    pub created_at: String,
}

fn run_line(tr: &Tr, v: &svc::RunView) -> RunLine {
    let r = &v.run;
    let error = match (&v.error_code, &v.error_detail) {
        (Some(code), detail) => {
            let key = format!("err.{code}");
            let detail = detail.clone().unwrap_or_default();
            match crate::i18n::keys().find(|k| *k == key) {
                Some(k) => tr.tf(k, &[("message", detail)]),
                None => format!("{code} {detail}"),
            }
        }
        (None, Some(detail)) => detail.clone(),
        (None, None) => String::new(),
    };
    let label = |prefix: &str, code: &str| {
        let key = format!("{prefix}.{code}");
        match crate::i18n::keys().find(|k| *k == key) {
            Some(k) => tr.t(k).to_owned(),
            None => code.to_owned(),
        }
    };
    RunLine {
        id: r.id,
        status: label("pt.run.status", &r.status),
        chip: match r.status.as_str() {
            "done" => "green",
            "failed" => "red",
            "running" => "yellow",
            _ => "grey",
        },
        stage: label("pt.run.stage", &r.stage),
        done: r.done,
        total: r.total,
        progress: tr.tf(
            "pt.run.progress",
            &[("done", r.done.to_string()), ("total", r.total.to_string())],
        ),
        active: v.active(),
        finished: r.status == "done",
        error: if r.status == "failed" {
            error
        } else {
            String::new()
        },
        created_at: local_time(&r.created_at),
    }
}

/// A participant in the difference between the released version and the revision.
pub struct DiffLine {
    pub code: String,
    pub released_score: String,
    pub released_class: String,
    pub released_chip: &'static str,
    pub new_score: String,
    pub new_class: String,
    pub new_chip: &'static str,
    pub changed: bool,
    pub opens_followup: bool,
}

/// The released version against the revision: figures old and new, every participant.
pub struct DiffView {
    pub old_version: i32,
    pub new_version: i32,
    pub changed: usize,
    /// (label, released, revision) of x_pt, u(x_pt), σpt and n.
    pub figures: Vec<(String, String, String)>,
    pub rows: Vec<DiffLine>,
    /// 发布修订版本: the provider, once the round is released.
    pub may_release: bool,
}

fn diff_view(tr: &Tr, d: &svc::EvaluationDiff, decimals: i32, may_release: bool) -> DiffView {
    let fd = fig_decimals(decimals);
    let (o, n) = (&d.released, &d.revision);
    DiffView {
        old_version: o.version,
        new_version: n.version,
        changed: d.changed(),
        figures: vec![
            (
                "x<sub>pt</sub>".to_owned(),
                num(o.assigned, fd),
                num(n.assigned, fd),
            ),
            (
                "u(x<sub>pt</sub>)".to_owned(),
                num(o.u_assigned, fd),
                num(n.u_assigned, fd),
            ),
            (
                "σ<sub>pt</sub>".to_owned(),
                num(o.sigma_pt, fd),
                num(n.sigma_pt, fd),
            ),
            ("n".to_owned(), o.n.to_string(), n.n.to_string()),
        ],
        rows: d
            .rows
            .iter()
            .map(|r| DiffLine {
                code: r.sample_code.clone(),
                released_score: num(r.released_score, 2),
                released_class: class_label(tr, r.released_class),
                released_chip: class_chip(r.released_class),
                new_score: num(r.new_score, 2),
                new_class: class_label(tr, r.new_class),
                new_chip: class_chip(r.new_class),
                changed: r.changed(),
                opens_followup: r.opens_followup(),
            })
            .collect(),
        may_release,
    }
}

impl EvalSection {
    pub fn err(&self, field: &str) -> String {
        self.errors.of(field)
    }
    pub fn study_err(&self, field: &str) -> String {
        self.study_errors.of(field)
    }
    pub fn study_kind_is(&self, kind: &str) -> bool {
        match self.study.kind.as_str() {
            "" => kind == "homogeneity",
            k => k == kind,
        }
    }
}

/// A recorded homogeneity or stability study as the evaluation page lists it.
pub struct StudyLine {
    pub id: i64,
    pub kind: String,
    pub created_at: String,
    pub u: String,
    pub passed: bool,
    /// The key figures: s_s and the criterion 0.3σpt (homogeneity); |ȳ₁ − ȳ₂| and the
    /// criterion (stability).
    pub figures: String,
}

/// A study's figure with three significant digits ("—" when absent).
fn sig3(v: Option<f64>) -> String {
    match v {
        None => "—".to_owned(),
        Some(x) if x == 0.0 || !x.is_finite() => typed_number(x),
        Some(x) => {
            let d = (2.0 - x.abs().log10().floor()).clamp(0.0, 12.0) as usize;
            format!("{x:.d$}")
        }
    }
}

fn study_line(tr: &Tr, v: &svc::StudyView) -> StudyLine {
    let d = &v.outcome.detail;
    let homogeneity = v.study.kind == "homogeneity";
    let criterion = sig3(d["criterion"].as_f64());
    let figures = if homogeneity {
        let mut s = format!("s<sub>s</sub> = {}", sig3(d["s_s"].as_f64()));
        s.push_str(&format!(" · 0.3σ<sub>pt</sub> = {criterion}"));
        if d["criterion"].is_null() {
            s.push_str(&format!(" · {}", tr.t("pt.study.no_sigma")));
        }
        s
    } else {
        format!(
            "|ȳ<sub>1</sub> − ȳ<sub>2</sub>| = {} · 0.3σ<sub>pt</sub> = {criterion}",
            sig3(d["difference"].as_f64())
        )
    };
    StudyLine {
        id: v.study.id,
        kind: if homogeneity {
            tr.t("pt.study.homogeneity").to_owned()
        } else {
            tr.t("pt.study.stability").to_owned()
        },
        created_at: local_time(&v.study.created_at),
        u: sig3(Some(v.outcome.u)),
        passed: v.outcome.passed,
        figures,
    }
}

/// A refused study form: the measurand, what was typed, and why.
struct StudyRefused {
    measurand_id: i64,
    f: svc::StudyForm,
    errors: Errors,
    messages: Vec<String>,
}

/// The study form's fields shown beside their inputs (a line of the data beside the data).
fn is_study_field(f: &str) -> bool {
    matches!(f, "kind" | "data" | "second" | "sigma_pt") || f.starts_with("data.line")
}

#[derive(Template)]
#[template(path = "pt_evaluation.html")]
struct EvaluationPage {
    c: Chrome,
    id: i64,
    code: String,
    title: String,
    status: RoundStatus,
    runs: bool,
    approved: i64,
    submitted: i64,
    sections: Vec<EvalSection>,
    release_refusals: Vec<String>,
}

impl EvaluationPage {
    fn status_label(&self) -> &'static str {
        self.c.tr.pick(self.status.zh(), self.status.en())
    }
    fn status_chip(&self) -> &'static str {
        round_chip(self.status)
    }
    fn may_release(&self) -> bool {
        self.runs && self.status == RoundStatus::Testing
    }
    fn may_evaluate(&self) -> bool {
        self.runs && self.status != RoundStatus::Enrolment
    }
    fn assigned_methods(&self) -> Vec<(&'static str, &'static str)> {
        AssignedMethod::ALL
            .iter()
            .map(|m| (m.as_str(), self.c.tr.pick(m.zh(), m.en())))
            .collect()
    }
    fn sigma_methods(&self) -> Vec<(&'static str, &'static str)> {
        SigmaMethod::ALL
            .iter()
            .map(|m| (m.as_str(), self.c.tr.pick(m.zh(), m.en())))
            .collect()
    }
    fn quartile_rules(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("n_plus_1", self.c.tr.t("pt.eval.quartile.n_plus_1")),
            ("linear", self.c.tr.t("pt.eval.quartile.linear")),
        ]
    }
    fn stop_rules(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("converge", self.c.tr.t("pt.eval.stop.converge")),
            ("three_figures", self.c.tr.t("pt.eval.stop.three_figures")),
        ]
    }
    fn factors(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("printed", self.c.tr.t("pt.eval.factor.printed")),
            ("exact", self.c.tr.t("pt.eval.factor.exact")),
        ]
    }
    /// The messages of a study's data: the field's own and each line's (第 3 行：…).
    fn data_errors(&self, sec: &EvalSection) -> Vec<String> {
        sec.study_errors
            .matching(|f| f == "data" || f.starts_with("data.line"))
            .into_iter()
            .map(|(f, m)| match f.strip_prefix("data.line") {
                Some(n) => format!(
                    "{}{}{m}",
                    self.c.tr.tf("pt.study.line", &[("n", n.to_owned())]),
                    self.c.tr.colon()
                ),
                None => m,
            })
            .collect()
    }
    fn carried_line(&self, sec: &EvalSection) -> String {
        self.c.tr.tf(
            "pt.study.carried",
            &[("hom", sec.u_hom.clone()), ("stab", sec.u_stab.clone())],
        )
    }
    fn version_of(&self, v: &i32) -> String {
        self.c.tr.tf("pt.eval.version", &[("v", v.to_string())])
    }
    fn diff_line(&self, d: &DiffView) -> String {
        self.c.tr.tf(
            "pt.diff.lead",
            &[
                ("old", d.old_version.to_string()),
                ("new", d.new_version.to_string()),
                ("n", d.changed.to_string()),
            ],
        )
    }
    fn version_line(&self, f: &EvalFigures) -> String {
        self.c
            .tr
            .tf("pt.eval.version", &[("v", f.version.to_string())])
    }
    fn check_line(&self, f: &EvalFigures) -> String {
        match f.u_negligible {
            Some(true) => self.c.tr.tf(
                "pt.eval.check_ok",
                &[("u", f.u_x_pt.clone()), ("limit", f.u_limit.clone())],
            ),
            Some(false) => self.c.tr.tf(
                "pt.eval.check_not",
                &[("u", f.u_x_pt.clone()), ("limit", f.u_limit.clone())],
            ),
            None => String::new(),
        }
    }
}

/// The label of a method-record key in the page's language (the key itself when unknown).
fn method_key_label(tr: &Tr, key: &str) -> String {
    let k = format!("pt.m.{key}");
    match crate::i18n::keys().find(|x| *x == k) {
        Some(found) => tr.t(found).to_owned(),
        None => key.to_owned(),
    }
}

/// The order "how this was computed" lists a method record in: x_pt, σpt, the options,
/// the scores; a σpt option after its method; keys it does not know last, by name.
fn method_rank(key: &str) -> (usize, usize, String) {
    const ORDER: [&str; 19] = [
        "assigned",
        "assigned_clause",
        "u_assigned_formula",
        "median_u_scale",
        "sigma_pt",
        "sigma_pt_clause",
        "quartile_rule",
        "stop",
        "factor",
        "log10",
        "k_default",
        "qn",
        "uncertainty_check",
        "scores_clause",
        "boundaries",
        "class_basis",
        "statistics",
        "expected",
        "rule",
    ];
    let at = |k: &str| ORDER.iter().position(|x| *x == k);
    match (at(key), key.strip_prefix("sigma_pt.")) {
        (Some(i), _) => (i, 0, String::new()),
        (None, Some(_)) => (at("sigma_pt_clause").unwrap_or(0), 1, key.to_owned()),
        (None, None) => (ORDER.len(), 0, key.to_owned()),
    }
}

/// A figure of the stored statistics: numbers with four significant decimals.
fn json_number(v: &serde_json::Value) -> Option<String> {
    let x = v.as_f64()?;
    Some(if v.is_u64() || v.is_i64() {
        format!("{x}")
    } else {
        format!("{x:.4}")
    })
}

fn statistics_lines(v: &serde_json::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(obj) = v.as_object() {
        for (k, x) in obj {
            if let Some(n) = json_number(x) {
                out.push((k.clone(), n));
            } else if let Some(inner) = x.as_object() {
                for (k2, y) in inner {
                    if let Some(n) = json_number(y) {
                        out.push((format!("{k}.{k2}"), n));
                    }
                }
            }
        }
    }
    out
}

fn figures(tr: &Tr, v: &svc::EvaluationView, decimals: i32) -> EvalFigures {
    let o = &v.outcome;
    let d = fig_decimals(decimals);
    let rows = o
        .rows
        .iter()
        .map(|r| EvalRow {
            code: r.sample_code.clone(),
            result: r.result.clone(),
            z: num(r.z, 2),
            z_prime: num(r.z_prime, 2),
            zeta: num(r.zeta, 2),
            en: num(r.en, 2),
            used: match r.score_kind.as_str() {
                "z" => "z".to_owned(),
                "z_prime" => "z′".to_owned(),
                "qualitative" => tr.t("pt.eval.qualitative_score").to_owned(),
                _ => "—".to_owned(),
            },
            class: class_label(tr, r.class),
            chip: class_chip(r.class),
            late: r.late,
            reason: match r.reason.as_deref() {
                Some("below_loq") => tr.t("pt.reason.below_loq").to_owned(),
                Some("not_scored") => tr.t("pt.not_scored").to_owned(),
                Some(other) => format!("{}：{other}", tr.t("pt.reason.not_tested")),
                None => String::new(),
            },
        })
        .collect();
    let mut keys: Vec<&String> = o.method.keys().collect();
    keys.sort_by_key(|k| method_rank(k));
    let method = keys
        .into_iter()
        .map(|k| {
            let x = &o.method[k];
            let shown = match x.as_str() {
                "true" => tr.t("common.yes").to_owned(),
                "false" => tr.t("common.no").to_owned(),
                _ => x.clone(),
            };
            (method_key_label(tr, k), shown)
        })
        .collect();
    let m = &o.trace["method"];
    let trace = m["trace"]
        .as_array()
        .map(|steps| {
            steps
                .iter()
                .map(|s| {
                    (
                        s["iteration"].as_u64().unwrap_or(0).to_string(),
                        num(s["location"].as_f64(), d + 2),
                        num(s["scale"].as_f64(), d + 2),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let trace_head = match (m["name"].as_str(), m["clause"].as_str()) {
        (Some(name), Some(clause)) => {
            let mut s = format!("{name} · {clause}");
            if let Some(n) = m["iterations"].as_u64() {
                s.push_str(&format!(
                    " · {}",
                    tr.tf("pt.eval.iterations", &[("n", n.to_string())])
                ));
            }
            s
        }
        _ => String::new(),
    };
    EvalFigures {
        version: v.evaluation.version,
        created_at: local_time(&v.evaluation.created_at),
        released: v.evaluation.released,
        n: o.n,
        x_pt: num(o.assigned, d),
        u_x_pt: num(o.u_assigned, d),
        sigma_pt: num(o.sigma_pt, d),
        u_limit: num(o.u_limit, d),
        u_negligible: o.u_negligible,
        expected: o.expected.clone().unwrap_or_default(),
        acceptance: o
            .acceptance
            .map(|a| {
                let show = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), typed_number);
                format!("[{}, {}]", show(a.low), show(a.high))
            })
            .unwrap_or_default(),
        rows,
        method,
        warnings: o.warnings.clone(),
        trace_head,
        trace,
        statistics: statistics_lines(&o.statistics),
    }
}

/// A refused evaluation form: the measurand, what was typed, and why.
struct EvalRefused {
    measurand_id: i64,
    /// What was typed; `None` for a refusal of another form of the measurand (发布修订版本).
    f: Option<svc::EvaluationForm>,
    errors: Errors,
    messages: Vec<String>,
}

const EVAL_FIELDS: [&str; 11] = [
    "assigned",
    "assigned_value",
    "assigned_u",
    "sigma",
    "sigma_value",
    "quartile_rule",
    "stop",
    "factor",
    "expected",
    "acceptance_low",
    "acceptance_high",
];

#[allow(clippy::too_many_arguments)]
async fn evaluation_page(
    state: &AppState,
    user: &User,
    id: i64,
    flash: Option<String>,
    status: StatusCode,
    refused: Option<EvalRefused>,
    release_refusals: Vec<String>,
    study_refused: Option<StudyRefused>,
) -> Result<Response, PageError> {
    let tr = user.ctx.tr;
    let me = &user.account;
    let list = svc::evaluations(state, me, id).await?;
    let v = svc::round_view(state, me, id).await?;
    let studies = match svc::studies(state, me, id).await {
        Ok(list) => list,
        Err(AppError::NotFound | AppError::Forbidden) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let mut refused = refused;
    let mut study_refused = study_refused;
    let sections = list
        .into_iter()
        .map(|me_| {
            let m = &me_.measurand;
            let kind = MeasurandKind::from_code(&m.kind).unwrap_or(MeasurandKind::Quantitative);
            let mine = refused.take_if(|r| r.measurand_id == m.id);
            let (typed, errors, refusals) = match mine {
                Some(r) => (r.f, r.errors, r.messages),
                None => (None, Errors::default(), Vec::new()),
            };
            let f = match typed {
                Some(typed) => EvalInputs::of(&typed),
                None => me_
                    .latest
                    .as_ref()
                    .map(|l| EvalInputs::of(&l.options))
                    .unwrap_or_else(|| EvalInputs::of(&svc::EvaluationForm::default())),
            };
            let mine: Vec<&svc::StudyView> = studies
                .iter()
                .filter(|x| x.study.measurand_id == m.id)
                .collect();
            let latest_u = |kind: &str| {
                let u = mine
                    .iter()
                    .rev()
                    .find(|x| x.study.kind == kind)
                    .map_or(0.0, |x| x.outcome.u);
                sig3(Some(u))
            };
            let (study, study_errors, study_refusals) =
                match study_refused.take_if(|r| r.measurand_id == m.id) {
                    Some(r) => (r.f, r.errors, r.messages),
                    None => (
                        svc::StudyForm {
                            measurand_id: m.id,
                            ..Default::default()
                        },
                        Errors::default(),
                        Vec::new(),
                    ),
                };
            let runs: Vec<RunLine> = me_.runs.iter().map(|r| run_line(&tr, r)).collect();
            let latest_at = me_.latest.as_ref().map(|l| l.evaluation.created_at);
            let latest_id = me_.latest.as_ref().map(|l| l.evaluation.id);
            let current_run = me_
                .runs
                .first()
                .filter(|r| {
                    r.active()
                        || r.run.status == "failed"
                            && latest_at.is_none_or(|t| r.run.created_at >= t)
                        || r.run.evaluation_id.is_some() && r.run.evaluation_id == latest_id
                })
                .map(|r| run_line(&tr, r));
            let diff = me_.diff.as_ref().map(|d| {
                diff_view(
                    &tr,
                    d,
                    m.decimals,
                    v.runs && v.status == RoundStatus::Released,
                )
            });
            EvalSection {
                current_run,
                runs,
                diff,
                studies: mine.iter().map(|x| study_line(&tr, x)).collect(),
                study,
                study_errors,
                study_refusals,
                u_hom: latest_u("homogeneity"),
                u_stab: latest_u("stability"),
                id: m.id,
                name: m.name.clone(),
                unit: m.unit.clone().unwrap_or_default(),
                qualitative: kind == MeasurandKind::Qualitative,
                categories: m.category_list(),
                f,
                errors,
                refusals,
                latest: me_.latest.as_ref().map(|l| figures(&tr, l, m.decimals)),
                versions: me_.versions,
                released_version: me_.released.as_ref().map(|r| r.evaluation.version),
            }
        })
        .collect();
    let page = EvaluationPage {
        c: Chrome::new(
            &user.ctx,
            "pt",
            format!("{} · {}", tr.t("pt.eval.title"), v.round.code),
        )
        .with_flash(flash),
        id,
        code: v.round.code.clone(),
        title: v.round.title.clone(),
        status: v.status,
        runs: v.runs,
        approved: v.approved,
        submitted: v.submitted,
        sections,
        release_refusals,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /pt/rounds/{id}/evaluation`.
pub async fn evaluation(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(q): Query<PtQuery>,
) -> Result<Response, PageError> {
    let flash = q.flash(&user.ctx.tr);
    evaluation_page(
        &state,
        &user,
        id,
        flash,
        StatusCode::OK,
        None,
        Vec::new(),
        None,
    )
    .await
}

/// `POST /pt/rounds/{id}/evaluation`: evaluates one measurand with the options chosen (a
/// new version).
pub async fn evaluate(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = svc::EvaluationForm {
        measurand_id: field(&pairs, "measurand_id").trim().parse().unwrap_or(0),
        assigned: field(&pairs, "assigned"),
        assigned_value: field(&pairs, "assigned_value"),
        assigned_u: field(&pairs, "assigned_u"),
        sigma: field(&pairs, "sigma"),
        sigma_value: field(&pairs, "sigma_value"),
        quartile_rule: field(&pairs, "quartile_rule"),
        stop: field(&pairs, "stop"),
        factor: field(&pairs, "factor"),
        expected: field(&pairs, "expected"),
        acceptance_low: field(&pairs, "acceptance_low"),
        acceptance_high: field(&pairs, "acceptance_high"),
    };
    match svc::evaluate(&state, &user.account, id, &f).await {
        Ok(done) => Ok(see_other(format!(
            "/pt/rounds/{id}/evaluation?done={}#m-{}",
            match done {
                svc::Evaluated::Evaluation(_) => "evaluated",
                svc::Evaluated::Run(_) => "evaluation_queued",
            },
            f.measurand_id
        ))),
        Err(e) => {
            let tr = user.ctx.tr;
            let (status, r) = Refused::of(tr, "", Vec::new(), &EVAL_FIELDS, e)?;
            let refused = EvalRefused {
                measurand_id: f.measurand_id,
                f: Some(f),
                errors: r.errors,
                messages: r.messages,
            };
            evaluation_page(
                &state,
                &user,
                id,
                None,
                status,
                Some(refused),
                Vec::new(),
                None,
            )
            .await
        }
    }
}

/// `POST /pt/rounds/{id}/studies`: records a homogeneity or stability study of one
/// measurand from the evaluation page.
pub async fn record_study(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = svc::StudyForm {
        measurand_id: field(&pairs, "measurand_id").trim().parse().unwrap_or(0),
        kind: field(&pairs, "kind"),
        data: field(&pairs, "data"),
        second: field(&pairs, "second"),
        sigma_pt: field(&pairs, "sigma_pt"),
    };
    match svc::record_study(&state, &user.account, id, &f).await {
        Ok(_) => Ok(see_other(format!(
            "/pt/rounds/{id}/evaluation?done=study_recorded#studies-{}",
            f.measurand_id
        ))),
        Err(e) => {
            let (status, r) =
                Refused::of_where(user.ctx.tr, "study", Vec::new(), is_study_field, e)?;
            let refused = StudyRefused {
                measurand_id: f.measurand_id,
                f,
                errors: r.errors,
                messages: r.messages,
            };
            evaluation_page(
                &state,
                &user,
                id,
                None,
                status,
                None,
                Vec::new(),
                Some(refused),
            )
            .await
        }
    }
}

/// `POST /pt/rounds/{id}/evaluation/release`: 发布结果 from the evaluation page.
pub async fn release_from_evaluation(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    match svc::release(&state, &user.account, id).await {
        Ok(()) => Ok(see_other(format!("/pt/rounds/{id}?done=released"))),
        Err(e) => {
            let (status, r) = Refused::of(user.ctx.tr, "release", Vec::new(), &[], e)?;
            evaluation_page(&state, &user, id, None, status, None, r.messages, None).await
        }
    }
}

/// `POST /pt/rounds/{id}/evaluation/revision`: 发布修订版本 of one measurand
/// (`measurand_id`) of a released round.
pub async fn release_revision(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m: i64 = field(&pairs, "measurand_id").trim().parse().unwrap_or(0);
    match svc::release_revision(&state, &user.account, id, m).await {
        Ok(r) => Ok(see_other(format!(
            "/pt/rounds/{id}/evaluation?done=revision_released&n={}#m-{m}",
            r.followups
        ))),
        Err(e) => {
            let (status, r) = Refused::of(user.ctx.tr, "release", Vec::new(), &[], e)?;
            let refused = EvalRefused {
                measurand_id: m,
                f: None,
                errors: Errors::default(),
                messages: r.messages,
            };
            evaluation_page(
                &state,
                &user,
                id,
                None,
                status,
                Some(refused),
                Vec::new(),
                None,
            )
            .await
        }
    }
}
