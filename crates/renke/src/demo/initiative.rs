//! Shanghai's industry initiative and its 上海品牌 certificate list in the demo
//! (`renke_domain::demo::initiative`): the association's initiative with the signatures it
//! had by the demo's earliest clock (recorded as on paper, by no account), and the
//! certificates of the ceremony at the online publicity event — written through the store
//! in the shapes the use cases check.

use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};
use renke_domain::ceremony::CertificateInput;
use renke_domain::demo::initiative::{
    self as plan, CEREMONY_ACTIVITY, CERTIFICATES, CERTIFICATES_AT,
};
use renke_domain::initiative::{InitiativeInput, Signer, area};
use renke_store::Db;
use renke_store::initiatives::NewInitiative;

fn beijing(s: &str) -> anyhow::Result<DateTime<Utc>> {
    renke_domain::task::Deadline::parse_any("at", s)
        .map(renke_domain::task::Deadline::at)
        .map_err(|e| anyhow!("demo time {s}: {e}"))
}

/// The id of the demo activity titled `title` in campaign `campaign_id`.
async fn activity_id(db: &Db, campaign_id: i64, title: &str) -> anyhow::Result<i64> {
    renke_store::ceremony::activities_of(db, campaign_id)
        .await?
        .into_iter()
        .find(|a| a.title == title)
        .map(|a| a.id)
        .ok_or_else(|| anyhow!("demo activity {title} is missing"))
}

/// Loads the initiative with its signatures and the ceremony's certificates; returns the
/// initiative's id.
pub async fn load(db: &Db, campaign_id: i64) -> anyhow::Result<i64> {
    let i = plan::initiative();
    let owner = renke_store::orgs::get_by_code(db, i.owner).await?;
    let kinds: Vec<String> = i.kinds.iter().map(|k| (*k).to_owned()).collect();
    let text = InitiativeInput {
        title: i.title,
        body: i.body,
        kinds: &kinds,
    }
    .parse()
    .map_err(|e| anyhow!("demo initiative: {e:?}"))?;
    let publisher = renke_store::accounts::get_by_login(db, "shxh.organiser").await?;
    let area = area(&owner.path, owner.kind);
    let created = renke_store::initiatives::create(
        db,
        &NewInitiative {
            campaign_id,
            activity_id: Some(activity_id(db, campaign_id, i.activity).await?),
            owner_org_id: owner.id,
            area: &area,
            text: &text,
            by: publisher.id,
        },
        beijing(i.published_at)?,
    )
    .await
    .context("演示倡议写入失败 cannot store the demo initiative")?;
    for &(code, name, title, at) in i.signatures {
        let org = renke_store::orgs::get_by_code(db, code).await?;
        let signer = Signer::parse(name, title).map_err(|e| anyhow!("demo signer: {e:?}"))?;
        renke_store::initiatives::sign(db, created.id, org.id, &signer, None, beijing(at)?)
            .await
            .with_context(|| format!("demo signature of {code}"))?;
    }
    let certificates = CERTIFICATES
        .iter()
        .map(|&(organisation, number, scope, body)| {
            CertificateInput {
                organisation,
                number,
                scope,
                body,
            }
            .parse()
            .map_err(|e| anyhow!("demo certificate {number}: {e:?}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let ceremony = activity_id(db, campaign_id, CEREMONY_ACTIVITY).await?;
    renke_store::ceremony::add(db, ceremony, &certificates, None, beijing(CERTIFICATES_AT)?)
        .await
        .context("演示获证名单写入失败 cannot store the demo certificates")?;
    Ok(created.id)
}
