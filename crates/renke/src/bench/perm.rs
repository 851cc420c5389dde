//! `renke bench perm`: the subtree permission check ([`Actor::may`]) timed on every path of
//! the synthetic national tree.

use super::tree;
use renke_domain::org::OrgKind;
use renke_domain::perm::{Action, Actor, Role};
use std::hint::black_box;
use std::time::Instant;

/// Time the permission check on the paths of the synthetic tree.
#[derive(clap::Args, Debug)]
pub struct PermArgs {
    /// 机构数 Organisations in the synthetic tree.
    #[arg(long, default_value_t = 150_000)]
    pub orgs: usize,
    /// 随机种子 Seed (the same as `bench gen`).
    #[arg(long, default_value_t = 2022)]
    pub seed: u64,
    /// 轮数 Passes over every path for every actor.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
}

pub fn run(args: PermArgs) -> anyhow::Result<()> {
    let tree = tree::build(args.orgs, args.seed)?;
    let paths = tree::paths(&tree);
    let find = |code: &str| {
        tree.iter()
            .position(|o| o.code == code)
            .and_then(|i| paths.get(i).cloned())
            .ok_or_else(|| anyhow::anyhow!("no org {code} in the tree"))
    };
    let lab = paths
        .iter()
        .zip(tree.iter())
        .find(|(_, o)| o.code.starts_with("LAB-"))
        .map(|(p, _)| p.clone())
        .ok_or_else(|| anyhow::anyhow!("no lab in the tree"))?;
    let actors = [
        (
            "省局组织者 provincial organiser",
            Role::Organiser,
            find("GD")?,
            OrgKind::Regulator,
        ),
        (
            "市局查看者 municipal viewer",
            Role::Viewer,
            find("GD-M001")?,
            OrgKind::Regulator,
        ),
        (
            "区局工作人员 district staff",
            Role::Staff,
            find("GD-M001-D001")?,
            OrgKind::Regulator,
        ),
        ("实验室工作人员 lab staff", Role::Staff, lab, OrgKind::Lab),
        (
            "总局管理员 national admin",
            Role::Admin,
            find("SAMR")?,
            OrgKind::Regulator,
        ),
    ];
    println!(
        "{} 个路径 paths, depth ≤ {}",
        paths.len(),
        paths.iter().map(|p| p.depth()).max().unwrap_or(0)
    );
    let mut all_checks = 0u64;
    let mut all_ns = 0f64;
    for (label, role, path, org_kind) in actors {
        let actor = Actor {
            account_id: 1,
            role,
            org_path: path,
            org_kind,
        };
        let started = Instant::now();
        let mut allowed = 0u64;
        for _ in 0..args.rounds.max(1) {
            for p in &paths {
                for action in [Action::View, Action::Manage] {
                    if black_box(&actor).may(action, black_box(p)).is_ok() {
                        allowed += 1;
                    }
                }
            }
        }
        let checks = (paths.len() * 2 * args.rounds.max(1)) as u64;
        let ns = started.elapsed().as_nanos() as f64;
        all_checks += checks;
        all_ns += ns;
        println!(
            "{label:<34} {:>8.1} ns/check ({checks} checks, {allowed} allowed)",
            ns / checks as f64
        );
    }
    println!(
        "合计 overall: {:.1} ns per check ({:.3} µs)",
        all_ns / all_checks as f64,
        all_ns / all_checks as f64 / 1000.0
    );
    Ok(())
}
