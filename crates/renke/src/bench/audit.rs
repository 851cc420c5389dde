//! `renke bench audit`: what the audit trail (审计日志) costs a write. The same writes — a
//! campaign created (an insert of a wide row) and an organisation's contact changed (an
//! update), each its own transaction on someone's behalf — with the audit triggers and
//! without them, alternated in rounds on one database so both see the same machine. SQLite
//! always, PostgreSQL too with `--postgres-url`.

use super::secs;
use anyhow::{Context, anyhow};
use renke_domain::org::{AdminLevel, OrgCode, OrgKind};
use renke_store::Db;
use renke_store::audit::{self, Context as AuditContext};
use renke_store::orgs::{NewOrg, OrgUpdate};
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
pub struct AuditBenchArgs {
    /// 每轮写入次数 Writes per round (half inserts, half updates).
    #[arg(long, default_value_t = 2000)]
    pub writes: usize,
    /// 轮数 Rounds of each (with and without the trail, alternated).
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// PostgreSQL 空库地址 URL of an empty PostgreSQL database: run there too.
    #[arg(long)]
    pub postgres_url: Option<String>,
}

pub async fn run(args: AuditBenchArgs) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("renke-bench-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let sqlite = crate::config::sqlite_url(&dir.join("renke.db"));
    let mut columns = vec![("SQLite", bench_on(&sqlite, &args).await)];
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(url) = &args.postgres_url {
        columns.push(("PostgreSQL", bench_on(url, &args).await));
    }
    println!(
        "{} 次写入/轮（一半新建、一半修改，每次一个事务）{} writes a round (half inserts, half \
         updates, one transaction each), {} rounds each, alternated",
        args.writes, args.writes, args.rounds
    );
    println!(
        "{:<12}{:>16}{:>16}{:>10}",
        "", "有审计 with", "无审计 without", "ratio"
    );
    for (name, r) in columns {
        let (with, without) = r.with_context(|| name)?;
        let rate = |d: Duration| args.writes as f64 / d.as_secs_f64();
        let best = |v: &[Duration]| v.iter().min().copied().unwrap_or_default();
        let (w, wo) = (best(&with), best(&without));
        println!(
            "{name:<12}{:>12.0} w/s{:>12.0} w/s{:>10.2}",
            rate(w),
            rate(wo),
            w.as_secs_f64() / wo.as_secs_f64()
        );
        let rounds = |v: &[Duration]| v.iter().map(|d| secs(*d)).collect::<Vec<_>>().join(", ");
        println!(
            "  rounds with: {}; without: {}",
            rounds(&with),
            rounds(&without)
        );
    }
    Ok(())
}

async fn bench_on(
    url: &str,
    args: &AuditBenchArgs,
) -> anyhow::Result<(Vec<Duration>, Vec<Duration>)> {
    let db = crate::open_migrated(url, renke_store::Synchronous::Normal).await?;
    let result = bench(&db, args).await;
    // Leave the database as a server would find it.
    let restored = audit::install(&db).await;
    db.close().await;
    restored?;
    result
}

async fn bench(db: &Db, args: &AuditBenchArgs) -> anyhow::Result<(Vec<Duration>, Vec<Duration>)> {
    let now = renke_domain::clock::Clock::System.now();
    let code = |c: &str| OrgCode::parse("code", c).map_err(|e| anyhow!("{e}"));
    let mut province = NewOrg::new(code("BENCH-AUDIT")?, None, "压测省局", OrgKind::Regulator);
    province.admin_level = Some(AdminLevel::Provincial);
    let id = renke_store::orgs::create_many(db, &[province], now)
        .await
        .context("an empty database is needed")?[0];
    let org = renke_store::orgs::get(db, id).await?;
    let ctx = AuditContext {
        at: now,
        account_id: Some(1),
        login: Some("bench.organiser".into()),
        org_id: Some(id),
        role: Some("organiser".into()),
        address: Some("127.0.0.1".into()),
        request_id: Some("bench".into()),
        action: "POST /bench".into(),
    };
    let (mut with, mut without) = (Vec::new(), Vec::new());
    let mut n = 0usize;
    for _ in 0..args.rounds {
        for on in [true, false] {
            if on {
                audit::install(db).await?;
            } else {
                audit::uninstall(db).await?;
            }
            let start = Instant::now();
            for i in 0..args.writes {
                n += 1;
                let write = async {
                    if i % 2 == 0 {
                        let input = renke_domain::campaign::CampaignInput {
                            title: format!("压测主题活动 {n}"),
                            day: "2030-06-09".into(),
                            owner_org_id: id,
                            public: true,
                            ..Default::default()
                        }
                        .validate()
                        .map_err(|e| anyhow!("{e}"))?;
                        renke_store::campaigns::create(db, &input, now).await?;
                    } else {
                        let u = OrgUpdate {
                            name: org.name.clone(),
                            short_name: org.short_name.clone(),
                            name_en: org.name_en.clone(),
                            kind: org.kind,
                            admin_level: org.admin_level,
                            cma_level: org.cma_level,
                            region: org.region,
                            contact_name: Some(format!("联系人{n}")),
                            contact_phone: org.contact_phone.clone(),
                            contact_email: org.contact_email.clone(),
                        };
                        renke_store::orgs::update(db, id, &u, now).await?;
                    }
                    anyhow::Ok(())
                };
                audit::scope(ctx.clone(), write).await?;
            }
            let took = start.elapsed();
            if on {
                with.push(took);
            } else {
                without.push(took);
            }
        }
    }
    Ok((with, without))
}
