//! History: a lab's scores across rounds per measurand with its rolling pass rate, and a
//! round's participation among the labs eligible for it, by city — the regulator's view of
//! its labs' PT outcomes in the same tree as its notices and tasks.

use super::{path, standing};
use crate::error::AppError;
use crate::{App, Caller};
use renke_domain::pt::{ScoreClass, Standing};
use renke_store::pt::{self as store, HistoryScore};
use serde::Serialize;
use std::collections::BTreeMap;

/// Rounds the rolling pass rate looks back over.
pub const PASS_RATE_ROUNDS: usize = 4;

/// A lab's PT history.
#[derive(Debug, Clone, Serialize)]
pub struct LabHistory {
    pub lab_org_id: i64,
    /// Per measurand name, its scores in round order (the latest released version of each
    /// round).
    pub series: BTreeMap<String, Vec<HistoryScore>>,
    /// The share of satisfactory results over the last [`PASS_RATE_ROUNDS`] rounds the lab
    /// reported into; `None` when nothing of it was judged (no rate, not 0 %).
    pub pass_rate: Option<f64>,
    /// The rounds the rate covers.
    pub rate_rounds: Vec<String>,
}

/// Lab `lab_org_id`'s history, for the lab and the administration above it.
pub async fn lab_history(app: &App, me: &Caller, lab_org_id: i64) -> Result<LabHistory, AppError> {
    let lab = store::lab_orgs(&app.db, &[lab_org_id])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    if !me.actor().reads_pt_of(&path(&lab.path)?) {
        return Err(AppError::NotFound);
    }
    let mut latest: BTreeMap<(i64, i64), HistoryScore> = BTreeMap::new();
    let mut order: Vec<i64> = Vec::new();
    for s in store::lab_history(&app.db, lab_org_id).await? {
        if !order.contains(&s.round_id) {
            order.push(s.round_id);
        }
        latest.insert((s.round_id, s.measurand_id), s);
    }
    let mut series: BTreeMap<String, Vec<HistoryScore>> = BTreeMap::new();
    for r in &order {
        for s in latest.values().filter(|s| s.round_id == *r) {
            series
                .entry(s.measurand_name.clone())
                .or_default()
                .push(s.clone());
        }
    }
    let recent: Vec<i64> = order.iter().rev().take(PASS_RATE_ROUNDS).copied().collect();
    let judged: Vec<&HistoryScore> = latest
        .values()
        .filter(|s| recent.contains(&s.round_id))
        .collect();
    let pass_rate = (!judged.is_empty()).then(|| {
        judged
            .iter()
            .filter(|s| s.class == ScoreClass::Satisfactory.as_str())
            .count() as f64
            / judged.len() as f64
    });
    let rate_rounds = order
        .iter()
        .filter(|r| recent.contains(r))
        .filter_map(|r| latest.values().find(|s| s.round_id == *r))
        .map(|s| s.round_code.clone())
        .collect();
    Ok(LabHistory {
        lab_org_id,
        series,
        pass_rate,
        rate_rounds,
    })
}

/// One city's participation in a round.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CityParticipation {
    /// The city (the labs' parent organisation).
    pub city: String,
    /// Labs eligible: qualifying under the rule, or invited.
    pub eligible: usize,
    /// Of them, those that took part (approved).
    pub enrolled: usize,
    /// Of them, those that reported results.
    pub reported: usize,
}

/// Round `round_id`'s participation among eligible labs per city, for the provider and the
/// administration above it.
pub async fn participation(
    app: &App,
    me: &Caller,
    round_id: i64,
) -> Result<Vec<CityParticipation>, AppError> {
    let round = store::round(&app.db, round_id).await?;
    let provider = path(&round.provider_path)?;
    let a = me.actor();
    if !(a.runs_pt(&provider) || a.oversees_pt(&provider)) {
        return Err(AppError::NotFound);
    }
    let enrolments = store::enrolments(&app.db, round.id).await?;
    let reported = store::reporting_enrolments(&app.db, round.id).await?;
    let mut by_city: BTreeMap<String, CityParticipation> = BTreeMap::new();
    let mut counted = std::collections::HashSet::new();
    for lab in store::provincial_cma_labs(&app.db, &round.scope_path).await? {
        if standing(&round, &lab)? == Standing::Qualifies {
            counted.insert(lab.id);
            let city = lab.parent_name.clone().unwrap_or_default();
            by_city
                .entry(city.clone())
                .or_insert_with(|| CityParticipation {
                    city,
                    ..Default::default()
                })
                .eligible += 1;
        }
    }
    for e in &enrolments {
        let city = e.city_name.clone().unwrap_or_default();
        let c = by_city
            .entry(city.clone())
            .or_insert_with(|| CityParticipation {
                city,
                ..Default::default()
            });
        if counted.insert(e.lab_org_id) {
            c.eligible += 1;
        }
        if e.status == "approved" {
            c.enrolled += 1;
        }
        if reported.contains(&e.id) {
            c.reported += 1;
        }
    }
    Ok(by_city.into_values().collect())
}
