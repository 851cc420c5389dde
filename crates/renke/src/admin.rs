//! `renke admin create`: an account made from the command line, e.g. the first administrator.

use crate::backup::DbArgs;
use anyhow::{Context, anyhow, bail};
use renke_domain::account::{Login, NewPassword};
use renke_domain::clock::Clock;
use renke_domain::perm::Role;
use renke_store::StoreError;
use renke_store::accounts::NewAccount;
use std::io::BufRead;

/// Administer accounts.
#[derive(clap::Args, Debug)]
pub struct AdminArgs {
    #[command(subcommand)]
    pub command: AdminCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum AdminCommand {
    /// 创建账号 Create an account; the password is read from standard input (one line).
    ///
    /// Example: `echo 'a-long-password' | renke admin create --org SAMR --role admin --login root`
    Create(CreateArgs),
}

#[derive(clap::Args, Debug)]
pub struct CreateArgs {
    /// 机构编码 Code of the organisation the account acts for.
    #[arg(long, value_name = "CODE")]
    pub org: String,
    /// 角色 Role: admin (系统管理员), organiser (组织者), staff (工作人员), viewer (查看者).
    #[arg(long, value_name = "ROLE")]
    pub role: String,
    /// 登录名 Login name.
    #[arg(long, value_name = "NAME")]
    pub login: String,
    /// 显示名称 Display name [default: the login].
    #[arg(long, value_name = "DISPLAY")]
    pub name: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

fn field(e: renke_domain::FieldError) -> anyhow::Error {
    let zh = renke_domain::import::describe_zh(e.code);
    let en = renke_domain::import::describe_en(e.code);
    anyhow!("{}: {zh} {en} ({})", e.field, e.code)
}

pub async fn run(args: AdminArgs) -> anyhow::Result<()> {
    match args.command {
        AdminCommand::Create(c) => create(c).await,
    }
}

async fn create(args: CreateArgs) -> anyhow::Result<()> {
    let login = Login::parse("--login", &args.login).map_err(field)?;
    let role = Role::parse("--role", &args.role).map_err(field)?;
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("无法从标准输入读取密码 cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        bail!("请在标准输入中提供密码 give the password on standard input (one line)");
    }
    let password = NewPassword::parse("password", password).map_err(field)?;
    let (db, _) = args.db.open().await?;
    let org = match renke_store::orgs::get_by_code(&db, &args.org).await {
        Ok(o) => o,
        Err(StoreError::NotFound) => {
            bail!("机构编码不存在 unknown organisation code {:?}", args.org)
        }
        Err(e) => return Err(e.into()),
    };
    let hash = renke_app::auth::hash_password(password.expose())
        .await
        .map_err(|e| anyhow!("argon2: {e}"))?;
    let new = NewAccount {
        login: login.clone(),
        display_name: args
            .name
            .clone()
            .unwrap_or_else(|| login.as_str().to_owned()),
        org_code: org.code.clone(),
        role,
        email: None,
        phone: None,
        password_hash: hash,
    };
    let account = match renke_store::accounts::create(&db, &new, Clock::System.now()).await {
        Ok(a) => a,
        Err(StoreError::Conflict { .. }) => {
            bail!("登录名已存在 login already exists: {}", login)
        }
        Err(e) => return Err(e.into()),
    };
    println!(
        "已创建账号 created account {} (#{}): {} {} @ {} ({})",
        account.login,
        account.id,
        role.zh(),
        role.as_str(),
        org.name,
        org.code
    );
    db.close().await;
    Ok(())
}
