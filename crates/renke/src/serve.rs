//! `renke serve`: the web server.

use crate::config::{LogFormat, Overrides, Settings};
use anyhow::Context;
use renke_app::App;
use renke_domain::clock::Clock;
use renke_store::Db;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Run the web server.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// 配置文件 Configuration file (TOML); see config/renke.example.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// 数据库地址 sqlite://PATH or postgres://… [default: sqlite://<data-dir>/renke.db]
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// 监听地址 Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// 数据目录 Data directory [default: ./renke-data].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// 不运行后台任务 Run no jobs here (web servers beside `renke worker` processes).
    #[arg(long)]
    pub no_worker: bool,
}

/// Builds the settings for a command from `--config`, the environment and its flags.
pub fn settings(config: Option<&std::path::Path>, flags: &Overrides) -> anyhow::Result<Settings> {
    Settings::load(config, std::env::vars(), flags)
}

/// Starts logging with `filter` (RUST_LOG, when set, wins) as text. Safe to call twice.
pub fn init_tracing(filter: &str) {
    init_logging(filter, LogFormat::Text);
}

/// Starts logging with `filter` (RUST_LOG, when set, wins) in `format`. Safe to call twice.
pub fn init_logging(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(filter))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Text => fmt.try_init(),
        LogFormat::Json => fmt
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
    };
}

/// `renke serve`.
pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let (db, s) = open(args).await?;
    serve(db, Clock::System, &s).await
}

/// `renke worker`: runs only the job worker (e-mail, 催办 reminders, registration mail),
/// for deployments with several web servers sharing one PostgreSQL database and one or
/// more worker processes. Each job is still run by exactly one of them.
pub async fn worker(args: ServeArgs) -> anyhow::Result<()> {
    let (db, s) = open(args).await?;
    let app = build_app(db.clone(), Clock::System, &s).await?;
    let name = worker_name();
    tracing::info!(name = %name, "任务进程已启动 worker running");
    let worker = renke_app::jobs::Worker::new(app, name);
    let every = Duration::from_secs(s.worker_poll_seconds.max(1));
    // A pass under way when the signal comes is finished (its jobs are not cut halfway).
    worker.run_until(every, shutdown_signal()).await;
    db.close().await;
    tracing::info!("已停止 stopped");
    Ok(())
}

/// Reads the settings, starts logging and opens the migrated database (SQLite's commits
/// as `[database] sqlite_synchronous` says).
pub async fn open(args: ServeArgs) -> anyhow::Result<(Db, Settings)> {
    let s = settings(
        args.config.as_deref(),
        &Overrides {
            database_url: args.database_url,
            data_dir: args.data_dir,
            listen: args.listen,
            no_worker: args.no_worker,
        },
    )?;
    init_logging(&s.log, s.log_format);
    tracing::info!(settings = ?s, "starting");
    let url = s.database_url();
    // Check the scheme before creating anything on disk.
    renke_store::Backend::from_url(&url)?;
    std::fs::create_dir_all(&s.data_dir).with_context(|| {
        format!(
            "无法创建数据目录 cannot create the data directory {}",
            s.data_dir.display()
        )
    })?;
    let db = crate::open_migrated(&url, s.database.sqlite_synchronous).await?;
    Ok((db, s))
}

/// The application as the settings configure it: mail transport, files directory, fonts.
pub async fn build_app(db: Db, clock: Clock, settings: &Settings) -> anyhow::Result<App> {
    let mailer = renke_app::mail::Mailer::from_config(&settings.mail, &settings.data_dir)
        .context("邮件配置有误 invalid [mail] settings")?;
    let files = settings.file_store()?;
    let mut app = App::new(db, clock, settings.web.clone())
        .with_mailer(mailer)
        .with_files(files)
        .with_files_config(settings.files.clone())
        .with_auth(settings.auth.clone())
        .with_oidc(&settings.oidc)
        .map_err(anyhow::Error::msg)?;
    if let Some(dir) = settings.font_dir.clone() {
        // Reads every font file's tables once: blocking I/O, off the runtime.
        let shown = dir.display().to_string();
        let renderer =
            tokio::task::spawn_blocking(move || renke_render::pdf::PdfRenderer::new(Some(&dir)))
                .await
                .context("font scan stopped")??;
        tracing::info!(font_dir = %shown, faces = renderer.fonts().len(), "PDF 字体 fonts");
        app = app.with_pdf(renderer);
    }
    Ok(app)
}

/// Serves the application on `settings.listen` until Ctrl-C or SIGTERM, purging expired
/// sessions every hour and running the job worker.
pub async fn serve(db: Db, clock: Clock, settings: &Settings) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("无法监听 cannot listen on {}", settings.listen))?;
    serve_on(listener, db, clock, settings, shutdown_signal()).await
}

/// [`serve`] on a bound `listener` until `shutdown` completes.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    db: Db,
    clock: Clock,
    settings: &Settings,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let purge = tokio::spawn(purge_sessions(db.clone(), clock.clone()));
    let app = build_app(db.clone(), clock, settings).await?;
    // One stop signal for the server and its worker: the server finishes the requests in
    // flight, the worker the pass under way.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = settings.run_worker.then(|| {
        let worker = renke_app::jobs::Worker::new(app.clone(), worker_name());
        let every = Duration::from_secs(settings.worker_poll_seconds.max(1));
        let mut stopped = stopped.clone();
        tokio::spawn(worker.run_until(every, async move {
            let _ = stopped.wait_for(|s| *s).await;
        }))
    });
    let state = renke_web::AppState::from(app).with_metrics_token(settings.metrics.token.clone());
    let router = renke_web::router(state);
    let limits = limits(&settings.server);
    warn_if_few_files(limits.max_connections);
    tracing::info!(
        listen = %listener.local_addr()?,
        ?limits,
        worker = settings.run_worker,
        "服务已启动 serving"
    );
    crate::server::run(listener, router, limits, async {
        shutdown.await;
        let _ = stop.send(true);
    })
    .await;
    purge.abort();
    if let Some(worker) = worker
        && tokio::time::timeout(WORKER_GRACE, worker).await.is_err()
    {
        tracing::warn!(
            "后台任务未在时限内结束 the worker's pass did not end in time; its jobs are taken over when their lease ends"
        );
    }
    db.close().await;
    tracing::info!("已停止 stopped");
    Ok(())
}

/// How long a stopping server waits for its worker's pass under way.
const WORKER_GRACE: Duration = Duration::from_secs(30);

/// The server's limits as `[server]` sets them.
pub fn limits(s: &crate::config::ServerConfig) -> crate::server::Limits {
    crate::server::Limits {
        header_read_timeout: Duration::from_secs(s.header_read_timeout_seconds),
        keep_alive_timeout: Duration::from_secs(s.keep_alive_timeout_seconds),
        max_connections: s.max_connections,
    }
}

/// Warns when the process may open fewer files than `max_connections` needs (Linux).
fn warn_if_few_files(max_connections: usize) {
    let Ok(limits) = std::fs::read_to_string("/proc/self/limits") else {
        return;
    };
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse::<usize>().ok());
    if let Some(soft) = soft
        && soft < max_connections + 100
    {
        tracing::warn!(
            open_files = soft,
            max_connections,
            "可打开文件数低于连接上限 the open-file limit is below [server] max_connections + 100: \
             raise it (ulimit -n, systemd LimitNOFILE) or lower max_connections"
        );
    }
}

async fn purge_sessions(db: Db, clock: Clock) {
    let mut every = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every.tick().await;
        match renke_store::sessions::purge_expired(&db, clock.now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(purged = n, "expired sessions removed"),
            Err(e) => tracing::warn!(error = %e, "could not purge expired sessions"),
        }
        let before = clock.now() - chrono::Duration::days(renke_app::auth::FAILURES_LOOK_BACK_DAYS);
        match renke_store::sessions::purge_login_failures(&db, before).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(purged = n, "old failed-login records removed"),
            Err(e) => tracing::warn!(error = %e, "could not purge failed-login records"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("正在停止 shutting down");
}

/// A name for this server's job worker, unique among servers sharing a database.
fn worker_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "renke".to_owned());
    format!("{host}:{}", std::process::id())
}
