//! `renke bench register`: many people register at once for one session with limited
//! places, through the same service call as the registration page and API. Prints how many
//! were confirmed and put on the waiting list, whether any were lost, and the latency of
//! each registration (p50, p99, max).

use super::{ms, percentile};
use anyhow::{Context, anyhow, bail};
use renke_app::activities::{RegistrationForm, register};
use renke_app::{App, WebConfig};
use renke_domain::activity::RegistrationStatus;
use renke_domain::clock::Clock;
use renke_domain::org::{AdminLevel, OrgCode, OrgKind};
use renke_store::Db;
use renke_store::activities::{self, NewActivity};
use renke_store::orgs::NewOrg;
use std::time::{Duration, Instant};

/// Registrations racing for a session's places.
#[derive(clap::Args, Debug)]
pub struct RegisterArgs {
    /// 数据库地址（须为空库；默认在临时目录新建 SQLite）Database URL of an empty database;
    /// default: a new SQLite file in the temporary directory.
    #[arg(long)]
    pub database_url: Option<String>,
    /// 报名人数 Number of registrations, all started at once.
    #[arg(long, default_value_t = 2000)]
    pub registrations: usize,
    /// 名额 Places in the session.
    #[arg(long, default_value_t = 500)]
    pub capacity: i32,
    /// 连接池大小 Database pool size.
    #[arg(long, default_value_t = 16)]
    pub pool: u32,
}

pub async fn run(args: RegisterArgs) -> anyhow::Result<()> {
    let (url, tmp) = match &args.database_url {
        Some(u) => (u.clone(), None),
        None => {
            let dir =
                std::env::temp_dir().join(format!("renke-bench-register-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            (crate::config::sqlite_url(&dir.join("renke.db")), Some(dir))
        }
    };
    let db = Db::connect_with(&url, args.pool).await?;
    db.migrate().await?;
    let result = bench(&db, &args).await;
    db.close().await;
    if let Some(dir) = tmp {
        let _ = std::fs::remove_dir_all(dir);
    }
    result
}

async fn bench(db: &Db, args: &RegisterArgs) -> anyhow::Result<()> {
    let clock = Clock::System;
    let now = clock.now();
    let mut org = NewOrg::new(
        OrgCode::parse("code", "BENCH-GD").map_err(|e| anyhow!("{e}"))?,
        None,
        "压测省局",
        OrgKind::Regulator,
    );
    org.admin_level = Some(AdminLevel::Provincial);
    let org_id = renke_store::orgs::create_many(db, &[org], now)
        .await
        .context("an empty database is needed")?[0];
    let campaign = renke_domain::campaign::CampaignInput {
        title: "压测主题活动".into(),
        day: "2030-06-09".into(),
        owner_org_id: org_id,
        public: true,
        ..Default::default()
    }
    .validate()
    .map_err(|e| anyhow!("{e}"))?;
    let campaign = renke_store::campaigns::create(db, &campaign, now).await?;
    let start = renke_domain::activity::local_input(&(now + chrono::Duration::days(30)));
    let end = renke_domain::activity::local_input(
        &(now + chrono::Duration::days(30) + chrono::Duration::hours(3)),
    );
    let draft = renke_domain::activity::ActivityInput {
        campaign_id: campaign.id,
        owner_org_id: org_id,
        kind: "training".into(),
        title: "压测：中小微企业质量管理体系培训".into(),
        schedule_kind: "window".into(),
        starts_at: start.clone(),
        ends_at: end.clone(),
        mode: "offline".into(),
        public: true,
        form_fields: vec!["name".into(), "company".into(), "phone".into()],
        ..Default::default()
    }
    .validate()
    .map_err(|e| anyhow!("{e}"))?;
    let session = renke_domain::activity::SessionInput {
        title: "现场培训".into(),
        starts_at: start,
        ends_at: end,
        capacity: args.capacity.to_string(),
        ..Default::default()
    }
    .validate()
    .map_err(|e| anyhow!("{e}"))?;
    let sessions = [(session, None)];
    let parts = NewActivity {
        sessions: &sessions,
        ..Default::default()
    };
    let aid = activities::create(db, &draft, &parts, None, now).await?;
    let sid = activities::get(db, aid).await?.sessions[0].id;
    let app = App::new(db.clone(), clock, WebConfig::default());

    let began = Instant::now();
    let mut tasks = Vec::with_capacity(args.registrations);
    for i in 0..args.registrations {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let form = RegistrationForm {
                name: format!("压测学员{i}"),
                company: "压测企业".into(),
                phone: format!("139{i:08}"),
                ..Default::default()
            };
            let t = Instant::now();
            let r = register(&app, None, sid, &form).await;
            (t.elapsed(), r.map(|r| r.status))
        }));
    }
    let mut lat: Vec<Duration> = Vec::with_capacity(args.registrations);
    let (mut confirmed, mut waiting, mut failed) = (0usize, 0usize, 0usize);
    for t in tasks {
        let (d, r) = t.await?;
        lat.push(d);
        match r {
            Ok(RegistrationStatus::Confirmed) => confirmed += 1,
            Ok(RegistrationStatus::Waiting) => waiting += 1,
            _ => failed += 1,
        }
    }
    let wall = began.elapsed();
    lat.sort();
    let s = activities::session(db, sid).await?;
    println!(
        "renke bench register · {} · pool {}",
        db_label(db),
        args.pool
    );
    println!(
        "{} registrations at once for {} places: confirmed {confirmed}, waiting {waiting}, failed {failed}",
        args.registrations, args.capacity
    );
    println!(
        "in the database: confirmed {}, waiting {}, total {}",
        s.confirmed,
        s.waiting,
        s.confirmed + s.waiting
    );
    println!(
        "latency per registration: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; all done in {:.2} s ({:.0} registrations/s)",
        ms(percentile(&lat, 50.0)),
        ms(percentile(&lat, 99.0)),
        ms(lat.last().copied().unwrap_or_default()),
        wall.as_secs_f64(),
        args.registrations as f64 / wall.as_secs_f64().max(1e-9)
    );
    let places = usize::try_from(args.capacity)
        .unwrap_or(0)
        .min(args.registrations);
    if confirmed != places
        || s.confirmed as usize != places
        || confirmed + waiting != args.registrations
        || (s.confirmed + s.waiting) as usize != args.registrations
        || failed > 0
    {
        bail!("wrong outcome: expected exactly {places} confirmed, the rest waiting, none lost");
    }
    println!("ok: exactly {places} confirmed, the rest on the waiting list, none lost");
    Ok(())
}

fn db_label(db: &Db) -> &'static str {
    match db.backend() {
        renke_store::Backend::Sqlite => "SQLite",
        renke_store::Backend::Postgres => "PostgreSQL",
    }
}
