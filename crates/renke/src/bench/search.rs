//! `renke bench search`: the search index at scale. Builds items of realistic length — half
//! notices (about 1,500 characters, sentences of the seed notices), half publicity
//! materials (a title and about 150 characters of description) — owned by a province and
//! its cities, indexes them in the same transactions as real writes do (500 a
//! transaction), then times common two-word queries as a city's staff (need-to-know) and as
//! a visitor (public only), through the same use cases as the pages. SQLite always,
//! PostgreSQL too with `--postgres-url`; the figures are printed side by side.

use super::{Rng, fmt_ms, percentile};
use anyhow::{Context, anyhow};
use chrono::{Duration as Days, Utc};
use renke_app::search::SearchParams;
use renke_app::{App, Caller, WebConfig};
use renke_domain::clock::Clock;
use renke_domain::org::{AdminLevel, OrgCode, OrgKind};
use renke_domain::perm::Role;
use renke_domain::search::SearchKind;
use renke_store::Db;
use renke_store::orgs::NewOrg;
use renke_store::search::{Doc, put_in};
use std::time::{Duration, Instant};

/// Index many items and time the queries.
#[derive(clap::Args, Debug)]
pub struct SearchBenchArgs {
    /// 条目数 Items to index (half notices, half materials).
    #[arg(long, default_value_t = 100_000)]
    pub items: usize,
    /// 每个查询的次数 Runs of each query per searcher.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// PostgreSQL 空库地址（给出则两库并列）URL of an empty PostgreSQL database: run there
    /// too and print both side by side.
    #[arg(long)]
    pub postgres_url: Option<String>,
}

/// Common two-word queries of a campaign's people.
const QUERIES: [&str; 8] = [
    "世界认可日 宣传",
    "检验检测 机构",
    "能力验证 实验室",
    "质量 提升",
    "市场监管 通知",
    "认证 企业",
    "云开放 直播",
    "培训 中小微企业",
];

/// What one database measured.
struct Figures {
    index_per_item: Duration,
    staff: Vec<Duration>,
    public: Vec<Duration>,
    hits: i64,
}

pub async fn run(args: SearchBenchArgs) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("renke-bench-search-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let sqlite = crate::config::sqlite_url(&dir.join("renke.db"));
    let mut columns = vec![("SQLite", bench_on(&sqlite, &args).await)];
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(url) = &args.postgres_url {
        columns.push(("PostgreSQL", bench_on(url, &args).await));
    }
    let mut figures = Vec::new();
    for (name, result) in columns {
        figures.push((name, result.with_context(|| name)?));
    }
    print(&args, &figures);
    Ok(())
}

fn print(args: &SearchBenchArgs, figures: &[(&str, Figures)]) {
    println!(
        "{} 条（一半通知、一半宣传资料）{} items, half notices, half materials; \
         {} 个两词查询 two-word queries × {} 次 runs",
        args.items,
        args.items,
        QUERIES.len(),
        args.runs
    );
    let header: Vec<String> = figures.iter().map(|(n, _)| format!("{n:>14}")).collect();
    println!("{:<40}{}", "", header.join(""));
    let row = |label: &str, f: &dyn Fn(&Figures) -> String| {
        let cells: Vec<String> = figures
            .iter()
            .map(|(_, x)| format!("{:>14}", f(x)))
            .collect();
        println!("{label:<40}{}", cells.join(""));
    };
    row("索引 indexing, per item", &|x| {
        format!("{:.3} ms", x.index_per_item.as_secs_f64() * 1000.0)
    });
    row("市局工作人员 city staff, p50", &|x| {
        fmt_ms(percentile(&x.staff, 50.0))
    });
    row("市局工作人员 city staff, p99", &|x| {
        fmt_ms(percentile(&x.staff, 99.0))
    });
    row("访客（公开）visitor (public), p50", &|x| {
        fmt_ms(percentile(&x.public, 50.0))
    });
    row("访客（公开）visitor (public), p99", &|x| {
        fmt_ms(percentile(&x.public, 99.0))
    });
    row("结果数（各查询合计）results, all queries", &|x| {
        x.hits.to_string()
    });
}

async fn bench_on(url: &str, args: &SearchBenchArgs) -> anyhow::Result<Figures> {
    let db = crate::open_migrated(url, renke_store::Synchronous::Normal).await?;
    let result = bench(&db, args).await;
    db.close().await;
    result
}

/// Sentences of the seed notices, to build text of realistic length from.
fn sentences() -> Vec<&'static str> {
    let mut notices = renke_domain::demo::notices::notices();
    notices.push(renke_domain::demo::tasks::shanghai_notice());
    notices
        .iter()
        .flat_map(|n| n.body.split_inclusive(['。', '；', '\n']))
        .map(str::trim)
        .filter(|s| s.chars().count() >= 8)
        .collect()
}

/// About `chars` characters of sentences picked by `rng`.
fn text(rng: &mut Rng, pool: &[&str], chars: usize) -> String {
    let mut s = String::new();
    while s.chars().count() < chars {
        s.push_str(rng.pick::<&str>(pool));
    }
    s
}

async fn bench(db: &Db, args: &SearchBenchArgs) -> anyhow::Result<Figures> {
    let now = renke_domain::clock::Clock::System.now();
    let (province, cities) = orgs(db, now).await?;
    let campaign = renke_domain::campaign::CampaignInput {
        title: "压测主题活动".into(),
        day: "2030-06-09".into(),
        owner_org_id: province,
        public: true,
        ..Default::default()
    }
    .validate()
    .map_err(|e| anyhow!("{e}"))?;
    let campaign = renke_store::campaigns::create(db, &campaign, now).await?;

    let pool = sentences();
    let mut rng = Rng::new(2022);
    let owners: Vec<i64> = std::iter::once(province)
        .chain(cities.iter().copied())
        .collect();
    let started = Instant::now();
    let mut i = 0usize;
    while i < args.items {
        let mut tx = db.write().await?;
        for _ in 0..500.min(args.items - i) {
            let notice = i.is_multiple_of(2);
            let title = text(&mut rng, &pool, 20)
                .chars()
                .take(40)
                .collect::<String>();
            let body = text(&mut rng, &pool, if notice { 1500 } else { 150 });
            let doc = Doc {
                kind: if notice {
                    SearchKind::Notice
                } else {
                    SearchKind::Material
                },
                item_id: i as i64 + 1,
                campaign_id: Some(campaign.id),
                owner_org_id: *rng.pick(&owners),
                public: rng.below(3) == 0,
                title: &title,
                body: &body,
                at: now - Days::minutes(rng.below(500_000) as i64),
            };
            put_in(&mut tx, &doc).await?;
            i += 1;
        }
        tx.commit().await?;
    }
    let index_per_item = started.elapsed() / args.items.max(1) as u32;

    let app = App::new(db.clone(), Clock::System, WebConfig::default());
    let staff = caller(db, cities[0], Role::Staff).await?;
    let mut figures = Figures {
        index_per_item,
        staff: Vec::new(),
        public: Vec::new(),
        hits: 0,
    };
    for q in QUERIES {
        let p = SearchParams {
            q: q.into(),
            ..Default::default()
        };
        for run in 0..args.runs.max(1) {
            let t = Instant::now();
            let found = renke_app::search::search(&app, &staff, &p, 20).await?;
            figures.staff.push(t.elapsed());
            let t = Instant::now();
            let public = renke_app::search::search_public(&app, None, campaign.id, &p, 20).await?;
            figures.public.push(t.elapsed());
            if run == 0 {
                figures.hits += found.total + public.total;
            }
        }
    }
    figures.staff.sort();
    figures.public.sort();
    Ok(figures)
}

/// A province and 20 cities below it; their ids.
async fn orgs(db: &Db, now: chrono::DateTime<Utc>) -> anyhow::Result<(i64, Vec<i64>)> {
    let code = |c: &str| OrgCode::parse("code", c).map_err(|e| anyhow!("{e}"));
    let mut province = NewOrg::new(code("BENCH-GD")?, None, "压测省局", OrgKind::Regulator);
    province.admin_level = Some(AdminLevel::Provincial);
    let mut all = vec![province];
    for k in 1..=20 {
        let mut city = NewOrg::new(
            code(&format!("BENCH-GD-C{k:02}"))?,
            Some(code("BENCH-GD")?),
            format!("压测市局{k}"),
            OrgKind::Regulator,
        );
        city.admin_level = Some(AdminLevel::Municipal);
        all.push(city);
    }
    let ids = renke_store::orgs::create_many(db, &all, now)
        .await
        .context("an empty database is needed")?;
    Ok((ids[0], ids[1..].to_vec()))
}

/// A caller of organisation `org_id` with `role`, as a signed-in account would be.
async fn caller(db: &Db, org_id: i64, role: Role) -> anyhow::Result<Caller> {
    let org = renke_store::orgs::get(db, org_id).await?;
    Ok(Caller {
        id: 0,
        login: "bench".into(),
        display_name: "压测".into(),
        org_id,
        org_name: org.name,
        org_code: org.code,
        org_path: org.path,
        org_kind: org.kind,
        role,
        locale: None,
    })
}
