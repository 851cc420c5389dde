//! Poster distribution (海报寄送) of the demo, after the two seed notices: SAMR's 764号 三(三)
//! — CNCA prints the 世界认可日 posters and CNAS mails them to each unit — and Guangdong's
//! 253号 二(二) — the province forwards them to every city bureau to put up. CNAS ships to
//! every provincial bureau; Guangdong forwards to its 21 cities; a few confirm receipt and
//! put-up, each at its moment, so a demo that starts earlier shows fewer confirmations.

use super::{account_id, beijing};
use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};
use renke_domain::demo;
use renke_domain::org::{AdminLevel, OrgKind};
use renke_domain::shipment::{LineStep, ShipmentInput};
use renke_store::Db;
use renke_store::shipments::{self as store, NewShipment};
use std::collections::HashMap;

/// Who confirms what, when (Beijing time): organisation code, its demo account, the step.
const CONFIRMATIONS: &[(&str, &str, LineStep, &str)] = &[
    ("GD", "gd.staff", LineStep::Receive, "2022-06-02 15:00"),
    ("SH", "sh.staff", LineStep::Receive, "2022-06-02 16:00"),
    ("GD", "gd.staff", LineStep::Post, "2022-06-03 09:30"),
    ("GD-GZ", "gdgz.staff", LineStep::Receive, "2022-06-03 10:00"),
    ("GD-SZ", "gdsz.staff", LineStep::Receive, "2022-06-03 11:00"),
    ("GD-FS", "gdfs.staff", LineStep::Receive, "2022-06-04 09:00"),
    ("GD-GZ", "gdgz.staff", LineStep::Post, "2022-06-05 15:00"),
    ("GD-SZ", "gdsz.staff", LineStep::Post, "2022-06-06 08:00"),
    ("GD-DG", "gddg.staff", LineStep::Receive, "2022-06-08 10:00"),
];

/// Sends one shipment; its id.
#[allow(clippy::too_many_arguments)]
async fn send(
    db: &Db,
    campaign_id: i64,
    sender: (i64, &str),
    to: &[i64],
    quantity: &str,
    courier: &str,
    by: Option<i64>,
    at: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let text = ShipmentInput {
        item: "第十五个“世界认可日”宣传海报",
        print_size: "对开（570×840mm）",
        quantity,
        courier,
        note: "",
    }
    .parse()
    .map_err(|e| anyhow!("demo shipment: {e:?}"))?;
    Ok(store::create(
        db,
        &NewShipment {
            campaign_id,
            sender_org_id: sender.0,
            sender_name: sender.1,
            text: &text,
            addressees: to,
            by,
        },
        at,
    )
    .await?)
}

/// Loads the two shipments and the confirmations made by `now`; their ids.
pub(super) async fn load(
    db: &Db,
    id_of: &HashMap<&str, i64>,
    campaign_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let orgs = demo::orgs();
    let id = |code: &str| {
        id_of
            .get(code)
            .copied()
            .ok_or_else(|| anyhow!("demo organisation {code}"))
    };
    let provinces: Vec<i64> = orgs
        .iter()
        .filter(|o| o.admin_level == Some(AdminLevel::Provincial))
        .map(|o| id(o.code))
        .collect::<anyhow::Result<_>>()?;
    let cities: Vec<i64> = orgs
        .iter()
        .filter(|o| o.parent == Some("GD") && o.kind == OrgKind::Regulator)
        .map(|o| id(o.code))
        .collect::<anyhow::Result<_>>()?;
    let cnas = send(
        db,
        campaign_id,
        (id("CNAS")?, "中国合格评定国家认可中心"),
        &provinces,
        "30",
        "中国邮政EMS",
        None,
        beijing("2022-05-31 10:00")?,
    )
    .await
    .context("CNAS's poster shipment")?;
    let gd = send(
        db,
        campaign_id,
        (id("GD")?, "广东省市场监督管理局"),
        &cities,
        "10",
        "顺丰速运",
        Some(account_id(db, "gd.staff").await?),
        beijing("2022-06-02 14:00")?,
    )
    .await
    .context("Guangdong's poster shipment")?;
    for &(code, login, step, at) in CONFIRMATIONS {
        let at = beijing(at)?;
        if at > now {
            continue;
        }
        let shipment = if matches!(code, "GD" | "SH") {
            cnas
        } else {
            gd
        };
        let line = store::line_for(db, shipment, id(code)?)
            .await?
            .ok_or_else(|| anyhow!("demo shipment line of {code}"))?;
        store::confirm(db, &line, step, None, account_id(db, login).await?, at)
            .await
            .with_context(|| format!("demo confirmation of {code}"))?;
    }
    Ok(vec![cnas, gd])
}
