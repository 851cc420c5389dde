//! `renke import orgs|accounts FILE [--apply]`: bulk imports from xlsx or CSV.
//!
//! A dry run by default: every row is checked and every problem reported (row, column,
//! problem in Chinese and English). With `--apply` a file without problems is written in
//! one transaction; a file with problems writes nothing.

use crate::backup::DbArgs;
use anyhow::{Context, anyhow};
use renke_domain::clock::Clock;
use renke_domain::import::{AccountRow, OrgRow, RowError, Table};
use renke_store::Db;
use renke_store::accounts::NewAccount;
use renke_store::orgs::NewOrg;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Import organisations or accounts from an xlsx or CSV file (dry run unless --apply).
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub what: ImportWhat,
}

#[derive(clap::Subcommand, Debug)]
pub enum ImportWhat {
    /// 导入机构 Organisations: columns code, parent_code, name, short_name, name_en, kind,
    /// admin_level, cma_level, region, contact_name, contact_phone, contact_email
    /// (or their Chinese names 编码, 上级编码, 名称 …).
    Orgs(ImportFile),
    /// 导入账号 Accounts: columns login, display_name, org_code, role, email, phone, password
    /// (or 登录名, 姓名, 机构编码, 角色, 电子邮箱, 联系电话, 初始密码).
    Accounts(ImportFile),
}

#[derive(clap::Args, Debug)]
pub struct ImportFile {
    /// xlsx 或 CSV（UTF-8）文件 The file (.xlsx or UTF-8 .csv).
    pub file: PathBuf,
    /// 写入数据库（全部写入或全部不写）Write the rows, all in one transaction; without it only check.
    #[arg(long)]
    pub apply: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Reads an import file into a table.
pub fn read(path: &Path) -> anyhow::Result<Table> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("无法读取文件 cannot read {}", path.display()))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    Ok(renke_render::table::read_table(&bytes, name)?)
}

/// The report printed for a file with problems.
pub fn report(errors: &[RowError]) -> String {
    let mut out = String::new();
    for e in errors {
        out.push_str(&e.to_string());
        out.push('\n');
    }
    let rows: std::collections::BTreeSet<usize> = errors.iter().map(|e| e.row).collect();
    out.push_str(&format!(
        "共 {} 个问题，涉及 {} 行；未写入任何数据 {} problem(s) in {} row(s); nothing was written\n",
        errors.len(),
        rows.len(),
        errors.len(),
        rows.len()
    ));
    out
}

pub async fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    match args.what {
        ImportWhat::Orgs(f) => {
            let (db, _) = f.db.open().await?;
            let table = read(&f.file)?;
            let code = orgs(&db, &table, f.apply).await?;
            db.close().await;
            Ok(code)
        }
        ImportWhat::Accounts(f) => {
            let (db, _) = f.db.open().await?;
            let table = read(&f.file)?;
            let code = accounts(&db, &table, f.apply).await?;
            db.close().await;
            Ok(code)
        }
    }
}

/// Checks (and with `apply`, writes) an organisation table; prints the report.
pub async fn orgs(db: &Db, table: &Table, apply: bool) -> anyhow::Result<ExitCode> {
    let existing = renke_store::orgs::existing_codes(db).await?;
    let rows = match renke_domain::import::validate_orgs(table, &|c| existing.contains(c)) {
        Ok(rows) => rows,
        Err(errors) => {
            print!("{}", report(&errors));
            return Ok(ExitCode::FAILURE);
        }
    };
    if !apply {
        println!(
            "检查通过：{} 个机构可以导入（试运行，未写入；加 --apply 写入）\
             check passed: {} organisation(s) can be imported (dry run; add --apply to write)",
            rows.len(),
            rows.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let new: Vec<NewOrg> = rows.iter().map(new_org).collect();
    renke_store::orgs::create_many(db, &new, Clock::System.now())
        .await
        .context("写入失败，未导入任何机构 writing failed; nothing was imported")?;
    println!(
        "已导入 {} 个机构 imported {} organisation(s)",
        new.len(),
        new.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn new_org(r: &OrgRow) -> NewOrg {
    let mut n = NewOrg::new(
        r.code.clone(),
        r.parent_code.clone(),
        r.name.as_str(),
        r.kind,
    );
    n.short_name = r.short_name.as_ref().map(|s| s.as_str().to_owned());
    n.name_en = r.name_en.as_ref().map(|s| s.as_str().to_owned());
    n.admin_level = r.admin_level;
    n.cma_level = r.cma_level;
    n.region = r.region;
    n.contact_name = r.contact.name.as_ref().map(|s| s.as_str().to_owned());
    n.contact_phone = r.contact.phone.as_ref().map(|s| s.as_str().to_owned());
    n.contact_email = r.contact.email.as_ref().map(|s| s.as_str().to_owned());
    n
}

/// Checks (and with `apply`, writes) an account table; prints the report.
pub async fn accounts(db: &Db, table: &Table, apply: bool) -> anyhow::Result<ExitCode> {
    let codes = renke_store::orgs::existing_codes(db).await?;
    let logins = renke_store::accounts::existing_logins(db).await?;
    let rows = match renke_domain::import::validate_accounts(table, &|c| codes.contains(c), &|l| {
        logins.contains(l)
    }) {
        Ok(rows) => rows,
        Err(errors) => {
            print!("{}", report(&errors));
            return Ok(ExitCode::FAILURE);
        }
    };
    if !apply {
        println!(
            "检查通过：{} 个账号可以导入（试运行，未写入；加 --apply 写入）\
             check passed: {} account(s) can be imported (dry run; add --apply to write)",
            rows.len(),
            rows.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut new = Vec::with_capacity(rows.len());
    for r in &rows {
        new.push(new_account(r).await?);
    }
    renke_store::accounts::create_many(db, &new, Clock::System.now())
        .await
        .context("写入失败，未导入任何账号 writing failed; nothing was imported")?;
    println!(
        "已导入 {} 个账号 imported {} account(s)",
        new.len(),
        new.len()
    );
    Ok(ExitCode::SUCCESS)
}

async fn new_account(r: &AccountRow) -> anyhow::Result<NewAccount> {
    Ok(NewAccount {
        login: r.login.clone(),
        display_name: r.display_name.as_str().to_owned(),
        org_code: r.org_code.as_str().to_owned(),
        role: r.role,
        email: r.email.as_ref().map(|s| s.as_str().to_owned()),
        phone: r.phone.as_ref().map(|s| s.as_str().to_owned()),
        password_hash: renke_app::auth::hash_password(r.password.expose())
            .await
            .map_err(|e| anyhow!("argon2: {e}"))?,
    })
}
