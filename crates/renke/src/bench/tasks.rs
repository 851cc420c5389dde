//! `renke bench tasks`: on the national dataset (`renke bench gen`), a notice from SAMR with
//! a task sent to every lab is issued and distributed; its dashboard is computed; then a
//! deadline rush of concurrent clients each sends 500-character summaries through the real
//! router (in this process, over HTTP on 127.0.0.1) and the count afterwards is compared
//! with the successful answers.

use super::{fmt_ms, percentile, secs};
use anyhow::{Context, anyhow, bail};
use renke_domain::clock::Clock;
use renke_domain::notice::{NoticeInput, RecipientSpec};
use renke_domain::perm::Role;
use renke_domain::task::TaskInput;
use renke_store::accounts::NewAccount;
use renke_store::tasks::{self, Filter, Levels, Scope};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Issue a task to every lab, time its dashboard and a submission rush.
#[derive(clap::Args, Debug)]
pub struct TasksArgs {
    /// 数据库地址（已由 bench gen 生成）Database URL of a `renke bench gen` dataset.
    #[arg(long, value_name = "URL")]
    pub database_url: String,
    /// 并发客户端数 Concurrent clients in the rush.
    #[arg(long, default_value_t = 200)]
    pub clients: usize,
    /// 每个客户端的报送数 Submissions per client (each for another lab of its bureau).
    #[arg(long, default_value_t = 40)]
    pub per_client: usize,
    /// 每份报送的附件大小（KB，0 = 不带附件）Size of the PDF attached to each submission,
    /// in KB; 0 = none.
    #[arg(long, default_value_t = 200)]
    pub attachment_kb: usize,
    /// 连接池大小 Database pool size for the in-process server.
    #[arg(long, default_value_t = 16)]
    pub pool: u32,
    /// 目标到达速率（次/秒，0 = 各客户端收到答复后立即再发）Offered rate of the rush in
    /// submissions/s, spread evenly over the clients; latency counts from each submission's
    /// scheduled time, so falling behind shows. 0 = every client sends its next submission
    /// as soon as the last is answered (closed loop: measures the most the server sustains).
    #[arg(long, default_value_t = 0.0)]
    pub rate: f64,
    /// SQLite 提交同步方式 SQLite's `synchronous` for the run: full (as `renke serve`) or
    /// normal (as `renke demo`).
    #[arg(long, default_value = "full", value_parser = parse_synchronous)]
    pub sqlite_synchronous: renke_store::Synchronous,
    /// 压测已在运行的服务器（可重复）Rush these running servers of the same database
    /// instead of one started in this process, spreading the clients over them in turn
    /// (e.g. two `renke serve` behind a load balancer, files on their shared store).
    #[arg(long = "server", value_name = "URL")]
    pub servers: Vec<String>,
}

fn parse_synchronous(s: &str) -> Result<renke_store::Synchronous, String> {
    renke_store::Synchronous::parse(s)
        .ok_or_else(|| format!("须为 full 或 normal must be full or normal, not {s:?}"))
}

pub async fn run(args: TasksArgs) -> anyhow::Result<()> {
    let options = renke_store::DbOptions {
        max_connections: args.pool,
        sqlite_synchronous: args.sqlite_synchronous,
    };
    println!(
        "SQLite synchronous = {} (PostgreSQL: ignored)",
        args.sqlite_synchronous.as_str()
    );
    let db = renke_store::Db::open(&args.database_url, options)
        .await
        .context("无法连接数据库 cannot open the database")?;
    db.migrate()
        .await
        .context("数据库迁移失败 migrations failed")?;
    let clock = Clock::System;
    let samr = renke_store::orgs::get_by_code(&db, "SAMR")
        .await
        .context("没有 SAMR：请先运行 renke bench gen (no SAMR: run `renke bench gen` first)")?;
    let admin = renke_store::accounts::get_by_login(&db, "bench.admin").await?;
    let labs = tasks::orgs_of_kind(&db, "lab").await?;
    if labs.is_empty() {
        bail!("数据集中没有检验检测机构 the dataset has no labs");
    }
    println!("检验检测机构 labs: {}", labs.len());

    // 1. Issue and distribute: a notice to every lab with a task.
    let now = clock.now();
    let serial = now.timestamp() % 900_000 + 1;
    let input = NoticeInput {
        issuer_org_id: samr.id,
        doc_number: format!("市监认证函〔2022〕{serial}号"),
        title: "关于报送检验检测机构“世界认可日”活动总结的通知（压测）".into(),
        recipients: labs
            .iter()
            .map(|(id, _)| RecipientSpec {
                org_id: *id,
                children_kind: None,
                label: None,
            })
            .collect(),
        body: "请各检验检测机构报送活动总结（500字左右）。".into(),
        written_on: now.date_naive().to_string(),
        publication: "not_public".into(),
        ..Default::default()
    };
    let draft = input
        .validate()
        .map_err(|e| anyhow!("bench notice is invalid: {e}"))?;
    let t = Instant::now();
    let notice = renke_store::notices::create(&db, &draft, admin.id, None, now).await?;
    let created = t.elapsed();
    let t1 = Instant::now();
    let delivered = renke_store::notices::issue(&db, notice.id, admin.id, clock.now()).await?;
    let issued = t1.elapsed();
    let t2 = Instant::now();
    let deadline = (now + chrono::Duration::days(30))
        .with_timezone(&renke_domain::clock::SHANGHAI)
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let task_draft = TaskInput {
        kind: "summary".into(),
        title: "活动总结".into(),
        deadline,
        submit_to_org_id: samr.id,
        length_target: "500".into(),
        attachments: "allowed".into(),
        attachment_types: "pdf".into(),
        ..Default::default()
    }
    .validate(clock.now(), None)
    .map_err(|e| anyhow!("bench task is invalid: {e}"))?;
    let task = tasks::create(&db, notice.id, None, &task_draft, admin.id, clock.now()).await?;
    let tasked = t2.elapsed();
    println!(
        "下发 issue and distribute to {delivered} labs: {} (draft with {} recipients {}, issue {}, task {}) — target < 10 s",
        secs(t.elapsed()),
        labs.len(),
        secs(created),
        secs(issued),
        secs(tasked)
    );

    // 2. The dashboard at SAMR: counts, per child, per level, first page of recipients.
    let mut times = Vec::new();
    let mut counts_only = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let d = tasks::dashboard(
            &db,
            Scope::Task(task.id),
            Levels::All,
            samr.id,
            &samr.path,
            clock.now(),
        )
        .await?;
        counts_only.push(t.elapsed());
        let page = tasks::recipients(&db, &d, Filter::Missing, 0, 50).await?;
        times.push(t.elapsed());
        if d.total.expected != delivered || page.total != delivered || page.items.len() != 50 {
            bail!(
                "dashboard counts {} expected, {} missing; {delivered} delivered",
                d.total.expected,
                page.total
            );
        }
    }
    times.sort();
    counts_only.sort();
    println!(
        "看板计数 dashboard counts alone: median {}",
        fmt_ms(counts_only[counts_only.len() / 2])
    );
    println!(
        "看板 dashboard of {delivered} recipients (counts, children, levels, first page): median {}, max {} over 7 runs — target < 100 ms",
        fmt_ms(times[times.len() / 2]),
        fmt_ms(times[times.len() - 1])
    );

    // 3. The rush: organisers of the bureaus with the most labs, each sending for its labs.
    let mut by_parent: HashMap<i64, Vec<i64>> = HashMap::new();
    for (id, parent) in &labs {
        if let Some(p) = parent {
            by_parent.entry(*p).or_default().push(*id);
        }
    }
    let mut bureaus: Vec<(i64, Vec<i64>)> = by_parent.into_iter().collect();
    bureaus.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    bureaus.truncate(args.clients);
    let hash = renke_app::auth::hash_password(super::r#gen::BENCH_PASSWORD)
        .await
        .map_err(|e| anyhow!("argon2: {e}"))?;
    let mut new_accounts = Vec::new();
    let tag = serial;
    for (i, (bureau, _)) in bureaus.iter().enumerate() {
        let org = renke_store::orgs::get(&db, *bureau).await?;
        new_accounts.push(NewAccount {
            login: renke_domain::account::Login::parse("login", &format!("rush{tag}x{i}"))
                .map_err(|e| anyhow!("{e}"))?,
            display_name: format!("压测报送 {i}"),
            org_code: org.code.clone(),
            role: Role::Organiser,
            email: None,
            phone: None,
            password_hash: hash.clone(),
        });
    }
    renke_store::accounts::create_many(&db, &new_accounts, clock.now()).await?;

    // The servers rushed: the given ones, or one in this process with files on disk as in
    // production, in a directory removed afterwards.
    let files_dir =
        std::env::temp_dir().join(format!("renke-bench-tasks-files-{}", std::process::id()));
    let (bases, server) = if args.servers.is_empty() {
        let state: renke_web::AppState =
            renke_app::App::new(db.clone(), clock.clone(), renke_web::WebConfig::default())
                .with_files(renke_store::files::FileStore::local(&files_dir)?)
                .into();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let app = renke_web::router(state);
        let server = tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
        (vec![format!("http://{addr}")], Some(server))
    } else {
        let bases: Vec<String> = args
            .servers
            .iter()
            .map(|s| s.trim_end_matches('/').to_owned())
            .collect();
        println!("服务器 servers: {}", bases.join(", "));
        (bases, None)
    };
    let summary: Arc<String> = Arc::new(
        "认可传递信任，服务绿色发展。"
            .repeat(36)
            .chars()
            .take(500)
            .collect(),
    );

    // Log every client in first (argon2 is not what is measured).
    let mut clients = Vec::new();
    for (i, (_, labs)) in bureaus.iter().enumerate() {
        // Each client stays on one server; the clients take the servers in turn.
        let base = Arc::new(bases[i % bases.len()].clone());
        let c = reqwest::Client::builder()
            .cookie_store(true)
            .timeout(Duration::from_secs(60))
            .build()?;
        let r = c
            .post(format!("{base}/api/v1/session"))
            .json(&serde_json::json!({"login": format!("rush{tag}x{i}"), "password": super::r#gen::BENCH_PASSWORD}))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("login rush{tag}x{i}: {}", r.status());
        }
        let body: serde_json::Value = r.json().await?;
        let csrf = body["csrf_token"].as_str().unwrap_or("").to_owned();
        let mine: Vec<i64> = labs.iter().take(args.per_client).copied().collect();
        clients.push((base, c, csrf, mine));
    }
    let total_planned: usize = clients.iter().map(|c| c.3.len()).sum();
    println!(
        "报送高峰 rush: {} clients, {total_planned} submissions of {} characters, each with a {} KB attachment",
        clients.len(),
        summary.chars().count(),
        args.attachment_kb
    );
    if args.rate > 0.0 {
        println!(
            "  开环 open loop: offered {:.0} submissions/s spread over the clients",
            args.rate
        );
    } else {
        println!("  闭环 closed loop: each client sends again as soon as it is answered");
    }
    // Open loop: the submissions are numbered round-robin over the clients (clients of
    // smaller bureaus have fewer labs) and submission n is sent at n / rate seconds.
    let mut slots: Vec<Vec<usize>> = vec![Vec::new(); clients.len()];
    let longest = clients.iter().map(|c| c.3.len()).max().unwrap_or(0);
    let mut n = 0usize;
    for k in 0..longest {
        for (i, c) in clients.iter().enumerate() {
            if k < c.3.len() {
                slots[i].push(n);
                n += 1;
            }
        }
    }
    // One PDF-looking file of the asked size (the upload check reads its first bytes).
    let attachment: Arc<Vec<u8>> = Arc::new({
        let mut f = b"%PDF-1.7\n% renke bench attachment\n".to_vec();
        f.resize(args.attachment_kb * 1024, b' ');
        f
    });
    let start = Instant::now();
    let mut handles = Vec::new();
    for ((base, c, csrf, mine), slots) in clients.into_iter().zip(slots) {
        let summary = summary.clone();
        let attachment = attachment.clone();
        let task_id = task.id;
        let rate = args.rate;
        handles.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(mine.len());
            let mut errors = 0u64;
            let mut first_error: Option<String> = None;
            for (lab, slot) in mine.into_iter().zip(slots) {
                let t = if rate > 0.0 {
                    let at = start + Duration::from_secs_f64(slot as f64 / rate);
                    tokio::time::sleep_until(at.into()).await;
                    at
                } else {
                    Instant::now()
                };
                let url = format!("{base}/api/v1/tasks/{task_id}/submission");
                let request = if attachment.is_empty() {
                    c.post(url)
                        .json(&serde_json::json!({"org_id": lab, "summary": summary.as_str()}))
                } else {
                    // Each file differs (files are stored by content, so identical
                    // ones would be stored once).
                    let mut bytes = attachment.to_vec();
                    let tag = format!("% lab {lab}\n");
                    bytes[9..9 + tag.len()].copy_from_slice(tag.as_bytes());
                    let file = reqwest::multipart::Part::bytes(bytes)
                        .file_name("活动总结.pdf")
                        .mime_str("application/pdf")
                        .unwrap_or_else(|_| reqwest::multipart::Part::bytes(Vec::new()));
                    let form = reqwest::multipart::Form::new()
                        .text("org_id", lab.to_string())
                        .text("summary", summary.to_string())
                        .part("file", file);
                    c.post(url).multipart(form)
                };
                let r = request.header("x-csrf-token", &csrf).send().await;
                let ok = match r {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    Ok(r) => {
                        let status = r.status();
                        let body = r.text().await.unwrap_or_default();
                        first_error.get_or_insert(format!("{status} {body}"));
                        false
                    }
                    Err(e) => {
                        first_error.get_or_insert(e.to_string());
                        false
                    }
                };
                if ok {
                    lat.push(t.elapsed());
                } else {
                    errors += 1;
                }
            }
            (lat, errors, first_error)
        }));
    }
    let mut lat = Vec::new();
    let mut errors = 0;
    let mut samples: Vec<String> = Vec::new();
    for h in handles {
        let (l, e, first) = h.await?;
        lat.extend(l);
        errors += e;
        if let Some(f) = first
            && samples.len() < 3
        {
            samples.push(f);
        }
    }
    for s in &samples {
        println!(
            "  失败示例 failure: {}",
            s.chars().take(300).collect::<String>()
        );
    }
    let wall = start.elapsed();
    lat.sort();
    let ok = lat.len();
    println!(
        "报送 submissions: {ok} ok, {errors} failed in {} = {:.0} submissions/s; latency p50 {}, p99 {}, max {} — targets ≥ 300/s, p99 < 200 ms",
        secs(wall),
        ok as f64 / wall.as_secs_f64().max(1e-9),
        fmt_ms(percentile(&lat, 50.0)),
        fmt_ms(percentile(&lat, 99.0)),
        fmt_ms(percentile(&lat, 100.0)),
    );
    let d = tasks::dashboard(
        &db,
        Scope::Task(task.id),
        Levels::All,
        samr.id,
        &samr.path,
        clock.now(),
    )
    .await?;
    println!(
        "核对 count afterwards: {} submitted in the database, {ok} answered ok — {}",
        d.total.submitted,
        if d.total.submitted == ok as i64 {
            "none lost"
        } else {
            "MISMATCH"
        }
    );
    let files = tasks::sent_file_count(&db, task.id).await?;
    let files_expected = if args.attachment_kb > 0 { ok as i64 } else { 0 };
    println!(
        "核对 attachments afterwards: {files} files in sent versions, {files_expected} expected — {}",
        if files == files_expected {
            "none lost"
        } else {
            "MISMATCH"
        }
    );
    // The dashboard reads the tallies kept on write: recount them from the recipients.
    let diffs = renke_store::tallies::check(&db, task.id).await?;
    println!(
        "核对 tallies afterwards: {}",
        if diffs.is_empty() {
            "match a recount".to_owned()
        } else {
            format!("MISMATCH {diffs:?}")
        }
    );
    if let Some(server) = server {
        server.abort();
    }
    if ok > 0 {
        raw_rush(
            &db,
            task.id,
            &attachment,
            ok as f64 / wall.as_secs_f64().max(1e-9),
        )
        .await?;
    }
    db.close().await;
    let _ = std::fs::remove_dir_all(&files_dir);
    if d.total.submitted != ok as i64 || files != files_expected || !diffs.is_empty() {
        bail!("submissions or attachments lost or duplicated, or tallies off");
    }
    Ok(())
}

/// Writers of the rush's yardstick.
const RAW_WRITERS: usize = 4;

/// The rush's yardstick, printed beside it: the rows the rush wrote (each submission's row,
/// version, file lists and file records) written again into empty copies of their tables,
/// one transaction per submission, and each submission's attachment written again to a
/// file, by [`RAW_WRITERS`] writers at once — the database and disk work of the rush
/// without the platform's. `rate` is the rush's submissions/s.
async fn raw_rush(
    db: &renke_store::Db,
    task_id: i64,
    attachment: &Arc<Vec<u8>>,
    rate: f64,
) -> anyhow::Result<()> {
    let rewrite = Arc::new(renke_store::bulk::SubmissionsRewrite::prepare(db, task_id).await?);
    let dir = std::env::temp_dir().join(format!("renke-bench-raw-files-{}", std::process::id()));
    tokio::fs::create_dir_all(&dir).await?;
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let mut writers = Vec::new();
    for _ in 0..RAW_WRITERS {
        let (db, rewrite, next, dir) = (db.clone(), rewrite.clone(), next.clone(), dir.clone());
        let attachment = attachment.clone();
        writers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(id) = rewrite.ids().get(i) else {
                    return anyhow::Ok(());
                };
                if !attachment.is_empty() {
                    tokio::fs::write(dir.join(id.to_string()), attachment.as_slice()).await?;
                }
                rewrite.write(&db, *id).await?;
            }
        }));
    }
    for w in writers {
        w.await??;
    }
    let took = start.elapsed();
    let n = rewrite.ids().len();
    let raw_rate = n as f64 / took.as_secs_f64().max(1e-9);
    println!(
        "原始写入 raw write of the same rows and files ({RAW_WRITERS} writers, a transaction per submission): {n} in {} = {raw_rate:.0}/s",
        secs(took)
    );
    println!(
        "相对原始速度 rush / raw: {:.2} (target ≥ 0.5)",
        rate / raw_rate.max(1e-9)
    );
    let _ = tokio::fs::remove_dir_all(&dir).await;
    if let Ok(rewrite) = Arc::try_unwrap(rewrite) {
        rewrite.finish(db).await?;
    }
    Ok(())
}
