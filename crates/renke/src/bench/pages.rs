//! `renke bench pages` and `renke bench soak`: pages of a running server side by side.
//!
//! `pages` measures, in one run and in alternated rounds, the static stylesheet (the
//! yardstick: what the same server and machine answer without any data), the public
//! campaign page (anonymous), a province's tree page, the national root (as an
//! administrator) and a task's dashboard page; each for `--duration` with `--connections`
//! keep-alive connections, printing requests/s, p50/p99, the ratio to static and the
//! server's memory before and after. `soak` sends the same mixed load for `--requests`
//! requests and prints the server's memory every `--report-every` requests.

use super::load::{client, get_ok, login, parse_duration, rss};
use super::{fmt_ms, percentile};
use anyhow::{Context, bail};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Which pages, as which accounts.
#[derive(clap::Args, Debug, Clone)]
pub struct Targets {
    /// 服务地址 Base URL of the running server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// 省局账号 A province's account (its tree page), e.g. bench.organiser.gd.
    #[arg(long, default_value = "bench.organiser.gd")]
    pub login: String,
    /// 管理员账号 An administrator (the national root), e.g. bench.admin.
    #[arg(long, default_value = "bench.admin")]
    pub admin: String,
    /// 密码 The accounts' password.
    #[arg(long, default_value = super::r#gen::BENCH_PASSWORD)]
    pub password: String,
    /// 省局机构 id The province (printed by `bench gen`).
    #[arg(long, value_name = "ID")]
    pub province: i64,
    /// 全国根机构 id The national root.
    #[arg(long, value_name = "ID", default_value_t = 1)]
    pub root: i64,
    /// 公开活动 id A campaign with a public page (left out when unset).
    #[arg(long, value_name = "ID")]
    pub campaign: Option<i64>,
    /// 任务 id A task whose dashboard page is read by the administrator, e.g. one from
    /// `bench tasks` (left out when unset).
    #[arg(long, value_name = "ID")]
    pub task: Option<i64>,
    /// 服务进程号 The server's process id, to report its memory (VmRSS).
    #[arg(long)]
    pub pid: Option<u32>,
}

/// Pages side by side against a running server.
#[derive(clap::Args, Debug)]
pub struct PagesArgs {
    #[command(flatten)]
    pub targets: Targets,
    /// 并发连接数 Keep-alive connections per page.
    #[arg(long, default_value_t = 50)]
    pub connections: usize,
    /// 每轮每页时长 Time per page and round, e.g. 10s.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub duration: Duration,
    /// 轮数 Rounds; the pages alternate within each round.
    #[arg(long, default_value_t = 2)]
    pub rounds: usize,
}

/// A mixed page load for a set number of requests, memory printed as it goes.
#[derive(clap::Args, Debug)]
pub struct SoakArgs {
    #[command(flatten)]
    pub targets: Targets,
    /// 并发连接数 Keep-alive connections.
    #[arg(long, default_value_t = 50)]
    pub connections: usize,
    /// 请求总数 Requests in all.
    #[arg(long, default_value_t = 1_000_000)]
    pub requests: u64,
    /// 报告间隔 Print the server's memory every this many requests.
    #[arg(long, default_value_t = 100_000)]
    pub report_every: u64,
}

/// One page: its name, its URL, and the signed-in client that reads it (none: anonymous).
struct Page {
    name: &'static str,
    url: String,
    session: Option<reqwest::Client>,
}

/// The pages `t` names, each checked once (a page that does not answer 200 stops the run
/// with its address rather than producing figures of error pages).
async fn pages(t: &Targets) -> anyhow::Result<Vec<Page>> {
    let base = t.url.trim_end_matches('/').to_owned();
    let province = login(&base, &t.login, &t.password)
        .await
        .with_context(|| format!("login {}", t.login))?;
    let admin = login(&base, &t.admin, &t.password)
        .await
        .with_context(|| format!("login {}", t.admin))?;
    let mut out = vec![Page {
        name: "static /static/style.css",
        url: format!("{base}/static/style.css"),
        session: None,
    }];
    if let Some(c) = t.campaign {
        out.push(Page {
            name: "public campaign page",
            url: format!("{base}/campaigns/{c}"),
            session: None,
        });
    }
    out.push(Page {
        name: "province tree",
        url: format!("{base}/orgs/{}", t.province),
        session: Some(province),
    });
    out.push(Page {
        name: "national root (admin)",
        url: format!("{base}/orgs/{}", t.root),
        session: Some(admin.clone()),
    });
    if let Some(task) = t.task {
        out.push(Page {
            name: "task dashboard (admin)",
            url: format!("{base}/tasks/{task}/dashboard"),
            session: Some(admin),
        });
    }
    for p in &out {
        let c = match &p.session {
            Some(c) => c.clone(),
            None => client()?,
        };
        let r = c.get(&p.url).send().await?;
        if !r.status().is_success() {
            bail!("{} {}: {}", p.name, p.url, r.status());
        }
    }
    Ok(out)
}

/// The figures of one page in one round.
struct Measured {
    requests: u64,
    errors: u64,
    per_second: f64,
    latencies: Vec<Duration>,
}

/// `connections` clients reading `page` for `duration`: sessions share the signed-in
/// client's cookie, each connection its own keep-alive pool.
async fn measure(page: &Page, connections: usize, duration: Duration) -> anyhow::Result<Measured> {
    let until = Instant::now() + duration;
    let start = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..connections {
        // One client per connection (its own pool); a page behind a login shares the cookie.
        let c = match &page.session {
            Some(c) => c.clone(),
            None => client()?,
        };
        let url = page.url.clone();
        handles.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0u64;
            while Instant::now() < until {
                let t = Instant::now();
                if get_ok(&c, &url).await {
                    lat.push(t.elapsed());
                } else {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for h in handles {
        let (l, e) = h.await?;
        latencies.extend(l);
        errors += e;
    }
    let wall = start.elapsed().as_secs_f64().max(1e-9);
    latencies.sort();
    Ok(Measured {
        requests: latencies.len() as u64,
        errors,
        per_second: latencies.len() as f64 / wall,
        latencies,
    })
}

fn memory(pid: Option<u32>) -> String {
    pid.map_or_else(
        || "(no --pid)".to_owned(),
        |p| rss(p).unwrap_or_else(|e| e.to_string()),
    )
}

pub async fn run_pages(args: PagesArgs) -> anyhow::Result<()> {
    let pages = pages(&args.targets).await?;
    println!(
        "{} 个页面 pages × {} 轮 rounds × {} s, {} connections each; memory before: {}",
        pages.len(),
        args.rounds,
        args.duration.as_secs_f64(),
        args.connections,
        memory(args.targets.pid)
    );
    let mut all: Vec<Vec<Measured>> = pages.iter().map(|_| Vec::new()).collect();
    for round in 1..=args.rounds {
        for (i, p) in pages.iter().enumerate() {
            let m = measure(p, args.connections, args.duration).await?;
            println!(
                "  round {round} {:<26} {:>9.0} req/s  p50 {:>9}  p99 {:>9}  errors {}",
                p.name,
                m.per_second,
                fmt_ms(percentile(&m.latencies, 50.0)),
                fmt_ms(percentile(&m.latencies, 99.0)),
                m.errors
            );
            all[i].push(m);
        }
    }
    // Per page over the rounds: the mean rate, the latencies of every round together.
    let summary: Vec<(f64, Vec<Duration>, u64, u64)> = all
        .into_iter()
        .map(|rounds| {
            let rate = rounds.iter().map(|m| m.per_second).sum::<f64>() / rounds.len() as f64;
            let mut lat: Vec<Duration> = rounds.iter().flat_map(|m| m.latencies.clone()).collect();
            lat.sort();
            let n = rounds.iter().map(|m| m.requests).sum();
            let e = rounds.iter().map(|m| m.errors).sum();
            (rate, lat, n, e)
        })
        .collect();
    let yardstick = summary.first().map_or(1.0, |s| s.0.max(1e-9));
    println!(
        "\n{:<26} {:>10} {:>10} {:>10} {:>9} {:>10}",
        "page", "req/s", "p50", "p99", "÷ static", "requests"
    );
    for (p, (rate, lat, n, e)) in pages.iter().zip(&summary) {
        println!(
            "{:<26} {:>10.0} {:>10} {:>10} {:>9.3} {:>10}{}",
            p.name,
            rate,
            fmt_ms(percentile(lat, 50.0)),
            fmt_ms(percentile(lat, 99.0)),
            rate / yardstick,
            n,
            if *e > 0 {
                format!("  ({e} errors)")
            } else {
                String::new()
            }
        );
    }
    println!("memory after: {}", memory(args.targets.pid));
    Ok(())
}

pub async fn run_soak(args: SoakArgs) -> anyhow::Result<()> {
    if args.report_every == 0 {
        bail!("--report-every 须大于 0 must be above 0");
    }
    let pages = Arc::new(pages(&args.targets).await?);
    let sent = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    println!(
        "浸泡 soak: {} requests over {} pages, {} connections; memory at 0: {}",
        args.requests,
        pages.len(),
        args.connections,
        memory(args.targets.pid)
    );
    let start = Instant::now();
    let mut handles = Vec::new();
    for k in 0..args.connections {
        let pages = pages.clone();
        let sent = sent.clone();
        let failed = failed.clone();
        let anonymous = client()?;
        let (total, every, pid) = (args.requests, args.report_every, args.targets.pid);
        handles.push(tokio::spawn(async move {
            // Each connection walks the pages in turn, starting at its own.
            let mut i = k;
            loop {
                let n = sent.fetch_add(1, Ordering::Relaxed) + 1;
                if n > total {
                    break;
                }
                let p = &pages[i % pages.len()];
                i += 1;
                let c = p.session.as_ref().unwrap_or(&anonymous);
                if !get_ok(c, &p.url).await {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
                if n.is_multiple_of(every) {
                    println!(
                        "  {n:>11} requests  {:>8.1} s  {}",
                        start.elapsed().as_secs_f64(),
                        memory(pid)
                    );
                }
            }
        }));
    }
    for h in handles {
        h.await?;
    }
    let wall = start.elapsed().as_secs_f64();
    println!(
        "done: {} requests in {wall:.1} s = {:.0} req/s, {} failed; memory at the end: {}",
        args.requests,
        args.requests as f64 / wall.max(1e-9),
        failed.load(Ordering::Relaxed),
        memory(args.targets.pid)
    );
    Ok(())
}
