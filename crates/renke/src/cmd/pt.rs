//! `renke pt`: proficiency-testing statistics (ISO 13528:2022, CNAS-GL002) on result files.

mod input;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use renke_pt::QuartileRule;
use renke_pt::algorithm_a::{AlgorithmAOptions, ConsistencyFactor, StopRule};
use renke_pt::assigned::{Consensus, MedianScale};
use renke_pt::evaluate::{
    AssignedChoice, EvaluateOptions, Evaluation, MassUnit, SigmaChoice, evaluate,
};
use renke_pt::homogeneity::{Homogeneity, homogeneity};
use renke_pt::stability::{Stability, TTest, stability, t_test};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Proficiency-testing statistics.
#[derive(Args)]
pub struct PtArgs {
    #[command(subcommand)]
    command: PtCommand,
}

#[derive(Subcommand)]
enum PtCommand {
    /// 结果评价 Evaluate a round: FILE has columns participant,value[,uncertainty,k] (CSV or xlsx).
    Evaluate(EvaluateArgs),
    /// 均匀性检验 Homogeneity check: FILE has columns item,replicate,value.
    Homogeneity(HomogeneityArgs),
    /// 稳定性检验 Stability check: FILE (item,replicate,value) against the homogeneity study.
    Stability(StabilityArgs),
    /// 整轮 A whole round: homogeneity and stability (if given) and the evaluation.
    Run(RunArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Quartile {
    Linear,
    #[value(name = "n-plus-1")]
    NPlusOne,
}

#[derive(Clone, Copy, ValueEnum)]
enum Stop {
    Converge,
    #[value(name = "three-figures")]
    ThreeFigures,
}

#[derive(Clone, Copy, ValueEnum)]
enum Factor {
    #[value(name = "1.134")]
    Printed,
    Exact,
}

#[derive(Clone, Copy, ValueEnum)]
enum Unit {
    #[value(name = "mg/kg")]
    MgPerKg,
    #[value(name = "ug/kg")]
    UgPerKg,
    Percent,
    Fraction,
}

#[derive(Args, Clone)]
struct EvalOpts {
    /// 指定值 assigned value: median | algorithm-a | q-hampel | mean | reference:VALUE[:U]
    /// (U = standard uncertainty of the reference value).
    #[arg(long, default_value = "algorithm-a")]
    assigned: String,
    /// 能力评定标准差 σpt: robust | horwitz | rsd:PERCENT | fixed:VALUE.
    #[arg(long = "sigma-pt", default_value = "robust")]
    sigma_pt: String,
    /// 四分位数规则 quartile rule for nIQR: linear ((n−1)p, ISO) or n-plus-1 ((n+1)p).
    #[arg(long, value_enum, default_value = "linear")]
    quartile: Quartile,
    /// 迭代终止 Algorithm A stopping rule.
    #[arg(long, value_enum, default_value = "converge")]
    stop: Stop,
    /// Algorithm A consistency factor: 1.134 (printed) or exact (1.13339…).
    #[arg(long, value_enum, default_value = "1.134")]
    factor: Factor,
    /// 对数转换 evaluate log10 of the values (counts, ISO 13528 E.6).
    #[arg(long)]
    log10: bool,
    /// 中位数的不确定度 scale for u(x_pt) with --assigned median: niqr or made.
    #[arg(long = "median-scale", default_value = "niqr")]
    median_scale: String,
    /// 质量单位 unit of the values for Horwitz (converted to a mass fraction).
    #[arg(long, value_enum, default_value = "mg/kg")]
    unit: Unit,
}

#[derive(Args)]
struct EvaluateArgs {
    /// CSV or xlsx with participant,value[,uncertainty,k].
    file: PathBuf,
    #[command(flatten)]
    opts: EvalOpts,
    /// 输出格式 output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
struct HomogeneityArgs {
    /// CSV or xlsx with item,replicate,value.
    file: PathBuf,
    /// σpt for the criteria: fixed:VALUE, VALUE, or rsd:PERCENT (of the general mean).
    #[arg(long = "sigma-pt")]
    sigma_pt: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
struct StabilityArgs {
    /// Stability study, item,replicate,value.
    file: PathBuf,
    /// Homogeneity study (the first occasion), item,replicate,value.
    #[arg(long)]
    homogeneity: PathBuf,
    /// σpt: fixed:VALUE, VALUE, or rsd:PERCENT (of the homogeneity mean).
    #[arg(long = "sigma-pt")]
    sigma_pt: String,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Args)]
struct RunArgs {
    /// Participant results, participant,value[,uncertainty,k].
    results: PathBuf,
    /// Homogeneity study, item,replicate,value.
    #[arg(long)]
    homogeneity: Option<PathBuf>,
    /// Stability study, item,replicate,value (needs --homogeneity).
    #[arg(long)]
    stability: Option<PathBuf>,
    #[command(flatten)]
    opts: EvalOpts,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(args: PtArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        PtCommand::Evaluate(a) => {
            let e = run_evaluate(&a.file, &a.opts)?;
            match a.format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&e)?),
                Format::Table => print!("{}", table_evaluation(&e)),
            }
        }
        PtCommand::Homogeneity(a) => {
            let items = input::read_items(&a.file)?;
            let h = run_homogeneity(&items, a.sigma_pt.as_deref())?;
            match a.format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&h)?),
                Format::Table => print!("{}", table_homogeneity(&h)),
            }
        }
        PtCommand::Stability(a) => {
            let s = run_stability(&a.file, &a.homogeneity, &a.sigma_pt)?;
            match a.format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&s)?),
                Format::Table => print!("{}", table_stability(&s)),
            }
        }
        PtCommand::Run(a) => {
            let e = run_evaluate(&a.results, &a.opts)?;
            let sigma = format!("fixed:{}", e.sigma_pt);
            let h = match &a.homogeneity {
                Some(p) => Some(run_homogeneity(&input::read_items(p)?, Some(&sigma))?),
                None => None,
            };
            let s = match (&a.stability, &a.homogeneity) {
                (Some(sp), Some(hp)) => Some(run_stability(sp, hp, &sigma)?),
                (Some(_), None) => bail!("--stability 需要 needs --homogeneity"),
                _ => None,
            };
            #[derive(Serialize)]
            struct RoundOut<'a> {
                evaluation: &'a Evaluation,
                homogeneity: Option<&'a Homogeneity>,
                stability: Option<&'a StabilityOut>,
            }
            match a.format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&RoundOut {
                        evaluation: &e,
                        homogeneity: h.as_ref(),
                        stability: s.as_ref(),
                    })?
                ),
                Format::Table => {
                    if let Some(h) = &h {
                        print!("{}", table_homogeneity(h));
                        println!();
                    }
                    if let Some(s) = &s {
                        print!("{}", table_stability(s));
                        println!();
                    }
                    print!("{}", table_evaluation(&e));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_num(s: &str, what: &str) -> anyhow::Result<f64> {
    let v: f64 = s
        .trim()
        .parse()
        .with_context(|| format!("{what}: '{s}' 不是数字 is not a number"))?;
    if !v.is_finite() {
        bail!("{what}: '{s}' 不是有限数 is not finite");
    }
    Ok(v)
}

fn options(o: &EvalOpts) -> anyhow::Result<EvaluateOptions> {
    let algorithm_a = AlgorithmAOptions {
        stop: match o.stop {
            Stop::Converge => StopRule::default(),
            Stop::ThreeFigures => StopRule::ThreeFigures {
                compare_with_start: false,
            },
        },
        factor: match o.factor {
            Factor::Printed => ConsistencyFactor::Printed,
            Factor::Exact => ConsistencyFactor::Exact,
        },
        ..Default::default()
    };
    let median_scale = match o.median_scale.as_str() {
        "niqr" => MedianScale::Niqr,
        "made" => MedianScale::Made,
        other => bail!("--median-scale: '{other}' (niqr | made)"),
    };
    let assigned = match o.assigned.as_str() {
        "median" => AssignedChoice::Consensus(Consensus::Median {
            scale: median_scale,
        }),
        "algorithm-a" => AssignedChoice::Consensus(Consensus::AlgorithmA(algorithm_a)),
        "q-hampel" => AssignedChoice::Consensus(Consensus::QHampel),
        "mean" => AssignedChoice::Consensus(Consensus::Mean),
        other => match other.strip_prefix("reference:") {
            Some(rest) => {
                let mut parts = rest.splitn(2, ':');
                let value = parse_num(parts.next().unwrap_or(""), "--assigned reference VALUE")?;
                let u = match parts.next() {
                    Some(u) => {
                        let u = parse_num(u, "--assigned reference U")?;
                        if u < 0.0 {
                            bail!("--assigned: U {u} 为负 is negative");
                        }
                        Some(u)
                    }
                    None => None,
                };
                AssignedChoice::Reference { value, u }
            }
            None => bail!(
                "--assigned: '{other}' (median | algorithm-a | q-hampel | mean | reference:VALUE[:U])"
            ),
        },
    };
    let sigma_pt = match o.sigma_pt.as_str() {
        "robust" => SigmaChoice::Robust,
        "horwitz" => SigmaChoice::Horwitz(match o.unit {
            Unit::MgPerKg => MassUnit::MgPerKg,
            Unit::UgPerKg => MassUnit::UgPerKg,
            Unit::Percent => MassUnit::Percent,
            Unit::Fraction => MassUnit::Fraction,
        }),
        other => {
            if let Some(p) = other.strip_prefix("rsd:") {
                SigmaChoice::Rsd(parse_num(p.trim_end_matches('%'), "--sigma-pt rsd")?)
            } else if let Some(v) = other.strip_prefix("fixed:") {
                SigmaChoice::Fixed(parse_num(v, "--sigma-pt fixed")?)
            } else {
                bail!("--sigma-pt: '{other}' (robust | horwitz | rsd:PERCENT | fixed:VALUE)")
            }
        }
    };
    Ok(EvaluateOptions {
        assigned,
        sigma_pt,
        quartile_rule: match o.quartile {
            Quartile::Linear => QuartileRule::Linear,
            Quartile::NPlusOne => QuartileRule::NPlusOne,
        },
        algorithm_a,
        log10: o.log10,
        ..Default::default()
    })
}

fn run_evaluate(file: &Path, o: &EvalOpts) -> anyhow::Result<Evaluation> {
    let opts = options(o)?;
    let results = input::read_results(file)?;
    let mut e = evaluate(&results, &opts).map_err(|e| anyhow::anyhow!("{e} [{}]", e.code()))?;
    e.method.insert("file".into(), file.display().to_string());
    Ok(e)
}

fn sigma_for(spec: &str, mean: f64) -> anyhow::Result<f64> {
    let v = if let Some(p) = spec.strip_prefix("rsd:") {
        parse_num(p.trim_end_matches('%'), "--sigma-pt rsd")? / 100.0 * mean.abs()
    } else {
        parse_num(spec.strip_prefix("fixed:").unwrap_or(spec), "--sigma-pt")?
    };
    if v <= 0.0 {
        bail!("--sigma-pt: σpt {v} 必须为正 must be positive");
    }
    Ok(v)
}

fn run_homogeneity(
    items: &[(String, Vec<f64>)],
    sigma: Option<&str>,
) -> anyhow::Result<Homogeneity> {
    let values: Vec<Vec<f64>> = items.iter().map(|(_, v)| v.clone()).collect();
    let n: usize = values.iter().map(Vec::len).sum();
    let mean = values.iter().flatten().sum::<f64>() / n.max(1) as f64;
    let sigma_pt = match sigma {
        Some(s) => Some(sigma_for(s, mean)?),
        None => None,
    };
    homogeneity(&values, sigma_pt).map_err(|e| anyhow::anyhow!("{e} [{}]", e.code()))
}

#[derive(Serialize)]
struct StabilityOut {
    #[serde(flatten)]
    check: Stability,
    sigma_pt: f64,
    t_test: Option<TTest>,
}

fn run_stability(file: &Path, hom: &Path, sigma: &str) -> anyhow::Result<StabilityOut> {
    let s_items = input::read_items(file)?;
    let h_items = input::read_items(hom)?;
    let flat =
        |v: &[(String, Vec<f64>)]| v.iter().flat_map(|(_, x)| x.clone()).collect::<Vec<f64>>();
    let means = |v: &[(String, Vec<f64>)]| {
        v.iter()
            .map(|(_, x)| x.iter().sum::<f64>() / x.len() as f64)
            .collect::<Vec<f64>>()
    };
    let (h, s) = (flat(&h_items), flat(&s_items));
    let hm = h.iter().sum::<f64>() / h.len().max(1) as f64;
    let sigma_pt = sigma_for(sigma, hm)?;
    let check =
        stability(&h, &s, sigma_pt, None).map_err(|e| anyhow::anyhow!("{e} [{}]", e.code()))?;
    let t = t_test(&means(&s_items), &means(&h_items), 0.05).ok();
    Ok(StabilityOut {
        check,
        sigma_pt,
        t_test: t,
    })
}

fn g(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let mag = v.abs().log10().floor() as i32;
    let dp = (5 - mag).clamp(0, 12) as usize;
    format!("{v:.dp$}")
}

fn og(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), g)
}

fn table_evaluation(e: &Evaluation) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let st = &e.statistics;
    let _ = writeln!(
        s,
        "能力验证结果评价 Proficiency-test evaluation (ISO 13528:2022)"
    );
    let _ = writeln!(s, "结果数 n                         {}", e.n);
    let _ = writeln!(s, "算术平均值 mean                  {}", og(st.mean));
    let _ = writeln!(s, "标准差 SD                        {}", og(st.sd));
    let _ = writeln!(s, "中位值 median                    {}", og(st.median));
    let _ = writeln!(
        s,
        "四分位数 Q1 / Q3 ({})        {} / {}",
        e.method.get("quartile_rule").map_or("", String::as_str),
        og(st.q1),
        og(st.q3)
    );
    let _ = writeln!(s, "标准化四分位距 nIQR              {}", og(st.niqr));
    let _ = writeln!(s, "MADe                             {}", og(st.made));
    if let Some(a) = &st.algorithm_a {
        let _ = writeln!(
            s,
            "稳健平均值/标准差 Algorithm A    {} / {} ({} 次迭代 iterations)",
            g(a.mean),
            g(a.sd),
            a.iterations
        );
    }
    if let Some(q) = &st.q_hampel {
        let _ = writeln!(
            s,
            "Q/Hampel x* / s*                 {} / {}",
            g(q.mean),
            g(q.sd)
        );
    }
    let _ = writeln!(s, "Qn (Amd 1:2026)                  {}", og(st.qn));
    let _ = writeln!(
        s,
        "指定值 assigned value x_pt       {}",
        g(e.assigned_value)
    );
    let _ = writeln!(s, "指定值不确定度 u(x_pt)           {}", g(e.u_assigned));
    let _ = writeln!(s, "能力评定标准差 σpt               {}", g(e.sigma_pt));
    let _ = writeln!(
        s,
        "u(x_pt) ≤ 0.3σpt = {}?          {}",
        g(e.u_limit),
        if e.u_negligible {
            "是 yes → z"
        } else {
            "否 no → z′ (9.2.1)"
        }
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{:<14} {:>12} {:>9} {:>9} {:>9} {:>9}  结果 class",
        "参加者 lab", "结果 value", "z", "z′", "ζ", "En"
    );
    for p in &e.participants {
        let _ = writeln!(
            s,
            "{:<14} {:>12} {:>9.2} {:>9.2} {:>9} {:>9}  {} {}",
            p.participant,
            g(p.value),
            p.z,
            p.z_prime,
            p.zeta.map_or_else(|| "—".into(), |v| format!("{v:.2}")),
            p.en.map_or_else(|| "—".into(), |v| format!("{v:.2}")),
            p.class.zh(),
            p.class.en()
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "方法 method:");
    for (k, v) in &e.method {
        let _ = writeln!(s, "  {k}: {v}");
    }
    for w in &e.warnings {
        let _ = writeln!(s, "注意 warning: {w}");
    }
    s
}

fn yes(b: bool) -> &'static str {
    if b { "通过 pass" } else { "不通过 fail" }
}

fn table_homogeneity(h: &Homogeneity) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "均匀性检验 Homogeneity check (ISO 13528:2022 Annex B)");
    let _ = writeln!(s, "样品数 items g                   {}", h.g);
    let _ = writeln!(s, "重复数 replicates m              {}", h.m);
    let _ = writeln!(s, "总平均值 general mean            {}", g(h.mean));
    let _ = writeln!(s, "样品均值标准差 s_x               {}", g(h.s_x));
    let _ = writeln!(s, "样品内标准差 s_w                 {}", g(h.s_w));
    let _ = writeln!(s, "样品间标准差 s_s                 {}", g(h.s_s));
    if let (Some(c), Some(ok)) = (h.criterion, h.sufficient) {
        let _ = writeln!(s, "判据 0.3σpt                      {}  {}", g(c), yes(ok));
    }
    if let (Some(c), Some(ok)) = (h.expanded_criterion, h.sufficient_expanded) {
        let _ = writeln!(
            s,
            "扩展判据 expanded (F1 {:.2}, F2 {:.2}) {}  {}",
            h.f1,
            h.f2,
            g(c),
            yes(ok)
        );
    }
    if let Some(f) = h.f_statistic {
        let _ = writeln!(
            s,
            "方差分析 ANOVA F                 {} (F₀.₉₅ = {}) {}",
            g(f),
            g(h.f_critical),
            if h.f_significant == Some(true) {
                "显著 significant"
            } else {
                "不显著 not significant"
            }
        );
    }
    if let Some(c) = &h.cochran {
        let _ = writeln!(
            s,
            "Cochran C                        {} (95 % {}, 99 % {}) {}",
            g(c.c),
            g(c.critical_95),
            g(c.critical_99),
            if c.outlier {
                "离群 outlier"
            } else if c.straggler {
                "歧离 straggler"
            } else {
                "正常 no outlier"
            }
        );
    }
    s
}

fn table_stability(st: &StabilityOut) -> String {
    use std::fmt::Write;
    let c = &st.check;
    let mut s = String::new();
    let _ = writeln!(s, "稳定性检验 Stability check (ISO 13528:2022 B.5)");
    let _ = writeln!(s, "均匀性均值 homogeneity mean ȳ₁   {}", g(c.mean_1));
    let _ = writeln!(s, "稳定性均值 stability mean ȳ₂     {}", g(c.mean_2));
    let _ = writeln!(s, "差值 |ȳ₁ − ȳ₂|                   {}", g(c.difference));
    let _ = writeln!(
        s,
        "判据 0.3σpt (σpt = {})       {}  {}",
        g(st.sigma_pt),
        g(c.criterion),
        yes(c.stable)
    );
    if let Some(t) = &st.t_test {
        let _ = writeln!(
            s,
            "t 检验 t-test (Welch)            t = {:.3}, df = {:.2}, p = {:.4} {}",
            t.t,
            t.df,
            t.p_value,
            if t.significant {
                "显著 significant"
            } else {
                "不显著 not significant"
            }
        );
    }
    s
}
