//! The `renke` binary's commands as a library, so integration tests can call them directly.
//! `main.rs` only parses the command line and dispatches here.

pub mod admin;
pub mod backup;
pub mod bench;
pub mod config;
pub mod demo;
pub mod files;
pub mod import;
pub mod search;
pub mod serve;
pub mod server;

/// Opens the database named by `url` (SQLite's commits as `sync` says) and applies every
/// pending migration.
pub async fn open_migrated(
    url: &str,
    sync: renke_store::Synchronous,
) -> anyhow::Result<renke_store::Db> {
    use anyhow::Context;
    let options = renke_store::DbOptions {
        sqlite_synchronous: sync,
        ..renke_store::DbOptions::default()
    };
    let db = renke_store::Db::open(url, options).await.with_context(|| {
        format!(
            "无法连接数据库 cannot open the database {}",
            config::redact_url(url)
        )
    })?;
    db.migrate()
        .await
        .context("数据库迁移失败 migrations failed")?;
    Ok(db)
}

/// The Tokio runtime a command runs on.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
