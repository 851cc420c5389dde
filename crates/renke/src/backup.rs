//! `renke migrate`, `renke backup`, `renke restore`, and the database options they share
//! with `renke import` and `renke admin`.

use crate::config::Overrides;
use anyhow::Context;
use std::path::PathBuf;

/// Which database a maintenance command works on: `--database-url`, else the configured one
/// (`--config`, `RENKE_DATABASE_URL`, `RENKE_DATA_DIR`), else `sqlite://./renke-data/renke.db`.
#[derive(clap::Args, Debug, Clone)]
pub struct DbArgs {
    /// 配置文件 Configuration file (TOML).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// 数据库地址 sqlite://PATH or postgres://…
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// 数据目录 Data directory (for the default SQLite database).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

impl DbArgs {
    /// The settings in effect (file, environment, these flags).
    pub fn settings(&self) -> anyhow::Result<crate::config::Settings> {
        crate::serve::settings(
            self.config.as_deref(),
            &Overrides {
                database_url: self.database_url.clone(),
                data_dir: self.data_dir.clone(),
                listen: None,
                no_worker: false,
            },
        )
    }

    /// The database URL in effect.
    pub fn url(&self) -> anyhow::Result<String> {
        Ok(self.settings()?.database_url())
    }

    /// Opens the database and applies pending migrations. For SQLite the parent directory
    /// must exist; an unknown scheme is refused before anything is created.
    pub async fn open(&self) -> anyhow::Result<(renke_store::Db, String)> {
        let url = self.url()?;
        renke_store::Backend::from_url(&url)?;
        let db = crate::open_migrated(&url, renke_store::Synchronous::Full).await?;
        Ok((db, url))
    }
}

/// Apply pending migrations to a database.
#[derive(clap::Args, Debug)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub db: DbArgs,
}

/// Write a backup of the database to FILE.
///
/// SQLite: a consistent copy made with `VACUUM INTO`. PostgreSQL: a logical dump of every
/// table taken with `COPY … TO STDOUT` in one read-only snapshot transaction (no pg_dump
/// needed). Restore it with `renke restore`.
#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    /// 备份文件（不能已存在）Backup file to write; must not exist.
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Restore a backup made by `renke backup` into an empty database.
///
/// The target must be empty and migrated (it is migrated here if it is new) and of the
/// same kind as the backup. A PostgreSQL backup is a COPY-based logical dump; restoring it
/// replays every table with `COPY … FROM STDIN` in one transaction and resets the id sequences.
#[derive(clap::Args, Debug)]
pub struct RestoreArgs {
    /// 备份文件 Backup file made by `renke backup`.
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

pub async fn migrate(args: MigrateArgs) -> anyhow::Result<()> {
    let (db, url) = args.db.open().await?;
    println!(
        "数据库已迁移到版本 {} database migrated to version {}: {}",
        db.applied_migration().await?,
        db.latest_migration(),
        crate::config::redact_url(&url)
    );
    db.close().await;
    Ok(())
}

pub async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let url = args.db.url()?;
    renke_store::Backend::from_url(&url)?;
    let db = renke_store::Db::connect(&url).await?;
    let started = std::time::Instant::now();
    renke_store::backup::backup(&db, &args.to)
        .await
        .with_context(|| format!("备份失败 backup failed: {}", args.to.display()))?;
    let size = std::fs::metadata(&args.to).map(|m| m.len()).unwrap_or(0);
    println!(
        "已备份 backed up {} ({:?}) → {} ({} bytes, {:.1} s)",
        crate::config::redact_url(&url),
        db.backend(),
        args.to.display(),
        size,
        started.elapsed().as_secs_f64()
    );
    db.close().await;
    Ok(())
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let url = args.db.url()?;
    let db = {
        renke_store::Backend::from_url(&url)?;
        if let Some(path) = url.strip_prefix("sqlite://")
            && let Some(parent) = std::path::Path::new(path).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)?;
        }
        crate::open_migrated(&url, renke_store::Synchronous::Full).await?
    };
    let started = std::time::Instant::now();
    renke_store::backup::restore(&db, &args.from)
        .await
        .with_context(|| format!("恢复失败 restore failed: {}", args.from.display()))?;
    println!(
        "已恢复 restored {} → {} ({} 个机构 organisations, {} 个账号 accounts; {:.1} s)",
        args.from.display(),
        crate::config::redact_url(&url),
        renke_store::orgs::count(&db).await?,
        renke_store::accounts::count(&db).await?,
        started.elapsed().as_secs_f64()
    );
    db.close().await;
    Ok(())
}
