//! `renke search reindex`: rebuilds the search index (检索索引) of every notice, activity,
//! publicity material and published news item from their tables — after an upgrade that
//! brought search to a database with data, or to repair the index. Writes keep the index
//! in step by themselves; the command is for operators.

use crate::backup::DbArgs;
use renke_domain::clock::Clock;

/// The search index.
#[derive(clap::Args, Debug)]
pub struct SearchArgs {
    #[command(subcommand)]
    pub command: SearchCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum SearchCommand {
    /// 重建索引 Rebuild the index of notices, activities, materials and news items.
    Reindex(ReindexArgs),
}

#[derive(clap::Args, Debug)]
pub struct ReindexArgs {
    #[command(flatten)]
    pub db: DbArgs,
}

pub async fn run(args: SearchArgs) -> anyhow::Result<()> {
    match args.command {
        SearchCommand::Reindex(a) => {
            let settings = a.db.settings()?;
            let (db, _) = a.db.open().await?;
            let app = renke_app::App::new(db.clone(), Clock::System, settings.web.clone());
            let started = std::time::Instant::now();
            let done = renke_app::search::reindex(&app).await;
            db.close().await;
            let done = done?;
            println!(
                "已重建检索索引 reindexed: {} 份通知 notices, {} 项活动 activities, \
                 {} 份宣传资料 materials, {} 篇信息稿件 news items, {} 个案例 cases, \
                 {} 份倡议 initiatives ({:.1} s)",
                done.notices,
                done.activities,
                done.materials,
                done.items,
                done.cases,
                done.initiatives,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}
