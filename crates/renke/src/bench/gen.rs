//! `renke bench gen`: the synthetic national dataset in an empty database.

use super::tree::{self, SynOrg};
use anyhow::{Context, anyhow, bail};
use renke_domain::account::Login;
use renke_domain::clock::Clock;
use renke_domain::org::OrgCode;
use renke_domain::perm::Role;
use renke_store::accounts::NewAccount;
use renke_store::orgs::NewOrg;
use std::time::Instant;

/// The password of every generated account.
pub const BENCH_PASSWORD: &str = "renke-bench-2026";

/// Build a synthetic national tree and accounts in an empty database.
#[derive(clap::Args, Debug)]
pub struct GenArgs {
    /// 机构数 Number of organisations.
    #[arg(long, default_value_t = 150_000)]
    pub orgs: usize,
    /// 账号数 Number of accounts.
    #[arg(long, default_value_t = 500_000)]
    pub accounts: usize,
    /// 数据库地址（须为空库）Database URL; the database must be empty.
    #[arg(long, value_name = "URL")]
    pub database_url: String,
    /// 随机种子 Seed: the same seed gives the same data.
    #[arg(long, default_value_t = 2022)]
    pub seed: u64,
    /// 每个事务的行数 Rows per transaction.
    #[arg(long, default_value_t = 20_000)]
    pub batch: usize,
}

/// Known accounts for the load test: login, role, organisation code.
pub const KNOWN_ACCOUNTS: &[(&str, Role, &str)] = &[
    ("bench.admin", Role::Admin, "SAMR"),
    ("bench.organiser.gd", Role::Organiser, "GD"),
    ("bench.staff.gd", Role::Staff, "GD"),
    ("bench.viewer.sh", Role::Viewer, "SH"),
];

fn new_org(o: &SynOrg, tree: &[SynOrg]) -> anyhow::Result<NewOrg> {
    let code = OrgCode::parse("code", &o.code).map_err(|e| anyhow!("{}: {e}", o.code))?;
    let parent = o
        .parent
        .and_then(|p| tree.get(p))
        .map(|p| OrgCode::parse("parent_code", &p.code))
        .transpose()
        .map_err(|e| anyhow!("{}: {e}", o.code))?;
    let mut n = NewOrg::new(code, parent, o.name.clone(), o.kind);
    n.admin_level = o.admin_level;
    n.cma_level = o.cma_level;
    Ok(n)
}

pub async fn run(args: GenArgs) -> anyhow::Result<()> {
    let total = Instant::now();
    let db = crate::open_migrated(&args.database_url, renke_store::Synchronous::Normal).await?;
    if renke_store::orgs::count(&db).await? > 0 {
        bail!("目标数据库不为空 the database already has organisations; use an empty one");
    }
    let now = Clock::System.now();
    let batch = args.batch.max(1);

    let t = Instant::now();
    let tree = tree::build(args.orgs, args.seed)?;
    let orgs: Vec<NewOrg> = tree
        .iter()
        .map(|o| new_org(o, &tree))
        .collect::<anyhow::Result<_>>()?;
    println!(
        "生成机构 built {} organisations in memory: {:.2} s",
        orgs.len(),
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let mut ids = Vec::with_capacity(orgs.len());
    for chunk in orgs.chunks(batch) {
        ids.extend(renke_store::orgs::create_many(&db, chunk, now).await?);
    }
    let org_secs = t.elapsed().as_secs_f64();
    println!(
        "写入机构 stored {} organisations: {:.2} s ({:.0} rows/s)",
        ids.len(),
        org_secs,
        ids.len() as f64 / org_secs.max(1e-9)
    );

    let hash = renke_app::auth::hash_password(BENCH_PASSWORD)
        .await
        .map_err(|e| anyhow!("argon2: {e}"))?;
    let mut rng = super::Rng::new(args.seed ^ 0xACC0);
    let mut accounts = Vec::with_capacity(args.accounts + KNOWN_ACCOUNTS.len());
    for (login, role, org) in KNOWN_ACCOUNTS {
        accounts.push(NewAccount {
            login: Login::parse("login", login).map_err(|e| anyhow!("{e}"))?,
            display_name: format!("压测账号 {login}"),
            org_code: (*org).to_owned(),
            role: *role,
            email: None,
            phone: None,
            password_hash: hash.clone(),
        });
    }
    for i in 0..args.accounts {
        let org = &tree[rng.below(tree.len())];
        let role = match rng.below(10) {
            0 | 1 => Role::Organiser,
            2..=5 => Role::Staff,
            _ => Role::Viewer,
        };
        accounts.push(NewAccount {
            login: Login::parse("login", &format!("user{:06}", i + 1))
                .map_err(|e| anyhow!("{e}"))?,
            display_name: format!("用户{:06}", i + 1),
            org_code: org.code.clone(),
            role,
            email: None,
            phone: None,
            password_hash: hash.clone(),
        });
    }
    let t = Instant::now();
    let mut stored = 0;
    for chunk in accounts.chunks(batch) {
        stored += renke_store::accounts::create_many(&db, chunk, now)
            .await
            .context("账号写入失败 cannot store accounts")?
            .len();
    }
    let acc_secs = t.elapsed().as_secs_f64();
    println!(
        "写入账号 stored {} accounts: {:.2} s ({:.0} rows/s)",
        stored,
        acc_secs,
        stored as f64 / acc_secs.max(1e-9)
    );
    // The yardstick: the same rows written again by the database's bulk path into empty
    // copies of the tables (same indexes), without the platform's work around it.
    let (org_rows, org_raw) = renke_store::bulk::rewrite_time(&db, "orgs", batch).await?;
    let (acc_rows, acc_raw) = renke_store::bulk::rewrite_time(&db, "accounts", batch).await?;
    let (org_raw, acc_raw) = (org_raw.as_secs_f64(), acc_raw.as_secs_f64());
    println!(
        "原始批量写入 raw bulk write of the same rows: {org_rows} organisations {org_raw:.2} s, \
         {acc_rows} accounts {acc_raw:.2} s"
    );
    println!(
        "相对原始速度 platform speed / raw: organisations {:.2}, accounts {:.2}, together {:.2} (target ≥ 0.7)",
        org_raw / org_secs.max(1e-9),
        acc_raw / acc_secs.max(1e-9),
        (org_raw + acc_raw) / (org_secs + acc_secs).max(1e-9)
    );
    let gd = renke_store::orgs::get_by_code(&db, "GD").await?;
    db.close().await;
    println!("合计 total: {:.2} s", total.elapsed().as_secs_f64());
    println!("\n压测账号 Load-test accounts (password {BENCH_PASSWORD}):");
    for (login, role, org) in KNOWN_ACCOUNTS {
        println!("  {login:<22} {} {:<10} {org}", role.zh(), role.as_str());
    }
    println!(
        "\n例 e.g.: renke serve --database-url {} &\n        renke bench load --url http://127.0.0.1:8080 --login bench.organiser.gd --password {BENCH_PASSWORD} --org {}",
        crate::config::redact_url(&args.database_url),
        gd.id
    );
    Ok(())
}
