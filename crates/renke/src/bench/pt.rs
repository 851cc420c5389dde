//! `renke bench pt`: a proficiency-testing round of many labs × 3 measurands through the
//! platform's own use cases, the way the provider runs it: the results of every lab loaded
//! at once (validated, all or nothing), each measurand evaluated (read back, `renke-pt`,
//! the outcome and every score written; by the worker, as a server does for a large round),
//! the round released, and every lab's result letter streamed as one zip (as the provider
//! downloads them).
//! With `--pt13528-python`, the same statistics (Algorithm A consensus, σpt = s*, every z and
//! its class) are timed in pt13528 on the same values, alternating with the platform's
//! evaluation, and the ratio is printed.

use super::secs;
use anyhow::{Context, anyhow, bail};
use futures_util::StreamExt;
use renke_app::pt::{
    self, EvaluationForm, LoadForm, LoadRow, MeasurandInput, RoundForm, SchemeForm,
};
use renke_app::{App, Caller, WebConfig};
use renke_domain::clock::Clock;
use renke_domain::org::{AdminLevel, CmaLevel, OrgCode, OrgKind};
use renke_domain::perm::Role;
use renke_store::Db;
use renke_store::orgs::NewOrg;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A round of many labs.
#[derive(clap::Args, Debug)]
pub struct PtArgs {
    /// 数据库地址（须为空库；默认在临时目录新建 SQLite）Database URL of an empty database;
    /// default: a new SQLite file in the temporary directory.
    #[arg(long)]
    pub database_url: Option<String>,
    /// 参加实验室数 Labs taking part (each reports all 3 measurands).
    #[arg(long, default_value_t = 10_000)]
    pub labs: usize,
    /// 交替轮数 Alternations of the platform's evaluation and pt13528's.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// 装有 pt13528 0.1.8 与 numpy 的 Python（如 /root/.cache/pt13528-venv/bin/python）
    /// A Python with pt13528 0.1.8 and numpy, to time the same statistics side by side.
    #[arg(long)]
    pub pt13528_python: Option<PathBuf>,
    /// 连接池大小 Database pool size.
    #[arg(long, default_value_t = 8)]
    pub pool: u32,
}

pub async fn run(args: PtArgs) -> anyhow::Result<()> {
    let (url, tmp) = match &args.database_url {
        Some(u) => (u.clone(), None),
        None => {
            let dir = std::env::temp_dir().join(format!("renke-bench-pt-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            (crate::config::sqlite_url(&dir.join("renke.db")), Some(dir))
        }
    };
    let db = Db::connect_with(&url, args.pool).await?;
    db.migrate().await?;
    let result = bench(&db, &args, tmp.as_deref()).await;
    db.close().await;
    if let Some(dir) = tmp {
        let _ = std::fs::remove_dir_all(dir);
    }
    result
}

/// A small deterministic generator (SplitMix64), so every run loads the same results.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A normal deviate (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = self.next().max(1e-300);
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * self.next()).cos()
    }
}

/// The three measurands: name, unit, decimals, log10, and how a lab's value is drawn
/// (centre, spread; 2 % of labs far off).
const MEASURANDS: [(&str, &str, &str, bool, f64, f64); 3] = [
    ("绝缘电阻", "MΩ", "1", false, 100.0, 5.0),
    ("镉", "mg/kg", "3", false, 0.200, 0.020),
    ("菌落总数", "CFU/g", "0", true, 4.0, 0.25),
];

fn value(rng: &mut Rng, m: usize) -> f64 {
    let (_, _, _, log10, centre, spread) = MEASURANDS[m];
    let off = if rng.next() < 0.02 { 5.0 } else { 0.0 };
    let v = centre + spread * (rng.normal() + off);
    if log10 {
        10f64.powf(v).round().max(1.0)
    } else {
        v
    }
}

async fn bench(db: &Db, args: &PtArgs, tmp: Option<&std::path::Path>) -> anyhow::Result<()> {
    if args.labs < 5 {
        bail!("--labs must be at least 5");
    }
    let clock = Clock::System;
    let now = clock.now();
    let t = Instant::now();
    let mut province = NewOrg::new(
        OrgCode::parse("code", "BPT").map_err(|e| anyhow!("{e}"))?,
        None,
        "压测省局",
        OrgKind::Regulator,
    );
    province.admin_level = Some(AdminLevel::Provincial);
    let mut orgs = vec![province];
    for i in 0..args.labs {
        let mut lab = NewOrg::new(
            OrgCode::parse("code", &format!("BPT-L{i:05}")).map_err(|e| anyhow!("{e}"))?,
            Some(OrgCode::parse("code", "BPT").map_err(|e| anyhow!("{e}"))?),
            format!("压测检测机构{i:05}"),
            OrgKind::Lab,
        );
        lab.cma_level = Some(CmaLevel::Provincial);
        orgs.push(lab);
    }
    let ids = renke_store::orgs::create_many(db, &orgs, now)
        .await
        .context("an empty database is needed")?;
    let account = renke_store::accounts::create(
        db,
        &renke_store::accounts::NewAccount {
            login: renke_domain::account::Login::parse("login", "bench.provider")
                .map_err(|e| anyhow!("{e}"))?,
            display_name: "压测能力验证提供者".into(),
            org_code: "BPT".into(),
            role: Role::Organiser,
            email: None,
            phone: None,
            password_hash: "-".into(),
        },
        now,
    )
    .await?;
    let me = Caller::from(account);
    let app = App::new(db.clone(), clock.clone(), WebConfig::default());
    let scheme = pt::create_scheme(
        &app,
        &me,
        &SchemeForm {
            name: "压测能力验证计划".into(),
            field: "综合".into(),
            measurands: MEASURANDS
                .iter()
                .map(|(name, unit, decimals, log10, ..)| MeasurandInput {
                    name: (*name).into(),
                    unit: (*unit).into(),
                    decimals: (*decimals).into(),
                    log10: *log10,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| anyhow!("scheme: {e}"))?;
    let local = |d: i64| renke_domain::activity::local_input(&(now + chrono::Duration::days(d)));
    let round = pt::create_round(
        &app,
        &me,
        &RoundForm {
            scheme_id: scheme,
            code: "BPT-2030-01".into(),
            title: "压测轮次".into(),
            enrol_until: local(7),
            dispatch_on: local(8)[..10].to_owned(),
            results_until: local(30),
            provincial_cma: true,
            ..Default::default()
        },
    )
    .await
    .map_err(|e| anyhow!("round: {e}"))?;
    pt::invite_qualifying(&app, &me, round)
        .await
        .map_err(|e| anyhow!("invite: {e}"))?;
    let measurand_ids: Vec<i64> = renke_store::pt::measurands(db, scheme)
        .await?
        .iter()
        .map(|m| m.id)
        .collect();
    // Applications and approvals as one transaction each (the labs' and the provider's
    // clicks are not what is measured here).
    let mut tx = db.write().await?;
    let mut enrolments = Vec::with_capacity(args.labs);
    for lab in &ids[1..] {
        enrolments.push(renke_store::pt::apply(&mut tx, round, *lab, &measurand_ids, now).await?);
    }
    tx.commit().await?;
    let mut codes = std::collections::HashSet::new();
    let mut tx = db.write().await?;
    for e in &enrolments {
        let code = loop {
            let c = renke_store::pt::new_sample_code();
            if codes.insert(c.clone()) {
                break c;
            }
        };
        renke_store::pt::decide(&mut tx, *e, Some(&code), me.id, now).await?;
    }
    tx.commit().await?;
    pt::start_testing(&app, &me, round)
        .await
        .map_err(|e| anyhow!("start testing: {e}"))?;
    let view = pt::round_view(&app, &me, round)
        .await
        .map_err(|e| anyhow!("round view: {e}"))?;
    let setup = t.elapsed();

    // The results, by sample code, as a script would send them.
    let mut rng = Rng(2022);
    let mut rows = Vec::with_capacity(args.labs * 3);
    let mut data: Vec<Vec<f64>> = vec![Vec::new(); 3];
    for e in &view.enrolments {
        let code = e.enrolment.sample_code.clone().unwrap_or_default();
        for (m, (name, unit, ..)) in MEASURANDS.iter().enumerate() {
            let v = value(&mut rng, m);
            data[m].push(if MEASURANDS[m].3 { v.log10() } else { v });
            rows.push(LoadRow {
                sample_code: code.clone(),
                measurand: (*name).into(),
                value: format!("{v}"),
                u: format!("{}", (v * 0.05).abs()),
                k: "2".into(),
                unit: (*unit).into(),
                ..Default::default()
            });
        }
    }
    let t = Instant::now();
    let loaded = pt::load_results(
        &app,
        &me,
        round,
        &LoadForm {
            rows,
            note: "压测：脚本批量导入".into(),
        },
    )
    .await
    .map_err(|e| anyhow!("load: {e}"))?;
    let import = t.elapsed();

    let python = match &args.pt13528_python {
        Some(p) => {
            let dir = tmp
                .map(std::path::Path::to_path_buf)
                .unwrap_or_else(std::env::temp_dir);
            let file = dir.join("pt13528-data.json");
            std::fs::write(&file, serde_json::to_vec(&data)?)?;
            Some((p.clone(), file))
        }
        None => None,
    };
    let mut ours = Vec::new();
    let mut stats = Vec::new();
    let mut theirs = Vec::new();
    let options = renke_pt::evaluate::EvaluateOptions {
        report: renke_pt::evaluate::Report::ROUND_ONLY,
        ..Default::default()
    };
    for _ in 0..args.rounds.max(1) {
        // The statistics' input, made just before the clock starts as pt13528's is (it reads
        // its JSON just before timing): the results with their participants, as the
        // evaluation has them. Made once for all rounds, the platform's evaluation in between
        // left the 30,000 ids out of cache and the clock timed their misses on one side only.
        let inputs: Vec<Vec<renke_pt::evaluate::ParticipantResult>> = data
            .iter()
            .map(|x| {
                x.iter()
                    .enumerate()
                    .map(|(i, v)| renke_pt::evaluate::ParticipantResult::new(&i.to_string(), *v))
                    .collect()
            })
            .collect();
        // The statistics alone, as the evaluation runs them (Algorithm A consensus, σpt = s*,
        // every z and class), on the values pt13528 gets.
        let t = Instant::now();
        for rs in &inputs {
            renke_pt::evaluate::evaluate(rs, &options).map_err(|e| anyhow!("statistics: {e}"))?;
        }
        stats.push(t.elapsed());
        let t = Instant::now();
        for m in &measurand_ids {
            let done = pt::evaluate(
                &app,
                &me,
                round,
                &EvaluationForm {
                    measurand_id: *m,
                    assigned: "algorithm_a".into(),
                    sigma: "robust".into(),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| anyhow!("evaluate: {e}"))?;
            // A large round is evaluated by the worker, as on a server.
            if let pt::Evaluated::Run(run) = done {
                renke_app::jobs::Worker::new(app.clone(), "bench")
                    .run_once()
                    .await?;
                let r = pt::evaluation_run(&app, &me, round, run)
                    .await
                    .map_err(|e| anyhow!("evaluation run: {e}"))?;
                if r.run.status != "done" {
                    bail!("evaluation run {run}: {} {:?}", r.run.status, r.run.error);
                }
            }
        }
        ours.push(t.elapsed());
        if let Some((py, file)) = &python {
            theirs.push(pt13528(py, file)?);
        }
    }
    let t = Instant::now();
    pt::release(&app, &me, round)
        .await
        .map_err(|e| anyhow!("release: {e}"))?;
    let release = t.elapsed();

    // Every letter, as the provider downloads them: one zip streamed letter by letter.
    let t = Instant::now();
    let (_, mut zip) = pt::letters_zip(&app, &me, round)
        .await
        .map_err(|x| anyhow!("letters: {x}"))?;
    let mut zip_bytes = 0usize;
    let mut first_byte = None;
    while let Some(chunk) = zip.next().await {
        zip_bytes += chunk.context("letters zip")?.len();
        first_byte.get_or_insert_with(|| t.elapsed());
    }
    let letters = t.elapsed();
    let n_letters = args.labs;

    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let ours_m = median(&mut ours);
    let stats_m = median(&mut stats);
    println!("renke bench pt: {} labs × 3 measurands", args.labs);
    println!(
        "  setup (directory, scheme, round, enrolment)  {}",
        secs(setup)
    );
    println!(
        "  result import ({loaded} results, all or nothing)  {} ({:.0} results/s)",
        secs(import),
        loaded as f64 / import.as_secs_f64()
    );
    println!(
        "  evaluation, 3 measurands (median of {})     {}",
        ours.len(),
        secs(ours_m)
    );
    println!(
        "  of which the statistics alone (renke-pt, median of {})  {}",
        stats.len(),
        secs(stats_m)
    );
    let mut missed = None;
    if !theirs.is_empty() {
        let theirs_m = median(&mut theirs);
        println!(
            "  pt13528 0.1.8, the same statistics (median of {})  {}",
            theirs.len(),
            secs(theirs_m)
        );
        // The target compares the same statistics on both sides: pt13528 reads nothing
        // and stores nothing, so the platform's figure (reading the results, writing the
        // outcome and every score) is printed beside it, not in its place.
        let ratio = theirs_m.as_secs_f64() / stats_m.as_secs_f64();
        println!("  ratio pt13528 / renke-pt, the same statistics {ratio:.2}× (target ≥ 10×)");
        if ratio < TARGET_RATIO {
            missed = Some(ratio);
        }
        println!(
            "  ratio pt13528 / the platform's evaluation (with reads and writes) {:.2}×",
            theirs_m.as_secs_f64() / ours_m.as_secs_f64()
        );
    }
    println!(
        "  release (locks, opens follow-ups)            {}",
        secs(release)
    );
    println!(
        "  result letters, one streamed zip: {n_letters} in {} = {:.1} letters/s, \
         {:.1} MB ({:.0} KB a letter, {:.2} MB/s), first byte after {}",
        secs(letters),
        n_letters as f64 / letters.as_secs_f64(),
        zip_bytes as f64 / 1e6,
        zip_bytes as f64 / n_letters.max(1) as f64 / 1024.0,
        zip_bytes as f64 / 1e6 / letters.as_secs_f64(),
        secs(first_byte.unwrap_or_default())
    );
    if let Some(r) = missed {
        bail!("未达到目标 target missed: pt13528 / renke-pt {r:.2}× < {TARGET_RATIO}×");
    }
    Ok(())
}

/// How many times faster than pt13528 the same statistics must run (issue 18).
const TARGET_RATIO: f64 = 10.0;

/// pt13528 on the three data sets in `file` (a JSON list of lists): Algorithm A consensus,
/// σpt = s*, every z and its class; the seconds of one whole pass.
fn pt13528(python: &PathBuf, file: &std::path::Path) -> anyhow::Result<Duration> {
    const SCRIPT: &str = r#"
import json, sys, time
from pt13528 import assigned_value, scores
data = json.load(open(sys.argv[1]))
s = time.perf_counter()
for x in data:
    av = assigned_value.consensus(x, "algorithm_a")
    sigma = av.scale
    zs = [scores.z_score(v, av.x_pt, sigma) for v in x]
    cls = [scores.classify_z(z) for z in zs]
print(time.perf_counter() - s)
"#;
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(SCRIPT)
        .arg(file)
        .output()
        .with_context(|| format!("running {}", python.display()))?;
    if !out.status.success() {
        bail!("pt13528: {}", String::from_utf8_lossy(&out.stderr));
    }
    let s: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .context("pt13528's time")?;
    Ok(Duration::from_secs_f64(s))
}
