//! Guangdong's three proficiency-testing rounds of the demo (`renke_domain::demo::pt`),
//! loaded through the platform's use cases (`renke_app::pt`) with the demo accounts as
//! callers — `gd.organiser` runs the rounds, each lab's own account applies, confirms
//! receipt and enters its results — each step on a clock set to the moment it happened,
//! so every deadline and state is checked as it would have been then.

use anyhow::{Context, anyhow};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use renke_app::pt::{
    self, ApplyForm, DispatchForm, EvaluationForm, InviteForm, MeasurandInput, ReceiptForm,
    ResultInput, ResultsForm, RoundForm, SchemeForm, StudyForm,
};
use renke_app::{App, AppError, Caller, WebConfig};
use renke_domain::clock::{Clock, SHANGHAI};
use renke_domain::demo::pt::{self as plan, DemoRound};
use renke_store::Db;
use std::collections::HashMap;
use std::sync::atomic::Ordering;

/// The demo's use-case caller for each login, read once.
struct Callers<'a> {
    db: &'a Db,
    by_login: HashMap<String, Caller>,
}

impl Callers<'_> {
    async fn get(&mut self, login: &str) -> anyhow::Result<Caller> {
        if let Some(c) = self.by_login.get(login) {
            return Ok(c.clone());
        }
        let account = renke_store::accounts::get_by_login(self.db, login)
            .await
            .with_context(|| format!("demo account {login}"))?;
        let c = Caller::from(account);
        self.by_login.insert(login.to_owned(), c.clone());
        Ok(c)
    }
}

/// Sets the app's (fixed) clock to `t`, Beijing time.
fn set_clock(app: &App, t: NaiveDateTime) -> anyhow::Result<DateTime<Utc>> {
    let at = SHANGHAI
        .from_local_datetime(&t)
        .single()
        .ok_or_else(|| anyhow!("demo time {t}"))?
        .with_timezone(&Utc);
    if let Clock::Fixed(ms) = &app.clock {
        ms.store(at.timestamp_millis(), Ordering::SeqCst);
    }
    Ok(at)
}

/// A use case's refusal, with the step it refused.
fn refused(round: &str, step: &str, lab: &str) -> impl FnOnce(AppError) -> anyhow::Error {
    let what = format!("演示能力验证 demo PT {round} {step} {lab}");
    move |e| anyhow!("{what}: {e:?}")
}

/// One step of a round, at its time.
#[derive(Debug, Clone, Copy)]
enum Step {
    Apply(usize),
    Decide(usize),
    Study(usize),
    StartTesting,
    Dispatch(usize),
    Receipt(usize),
    Save(usize),
    Submit(usize),
    Evaluate,
    Release,
}

/// The steps of round `r` after its set-up and invitations, in the order they happened.
fn steps(r: &DemoRound) -> Vec<(NaiveDateTime, Step)> {
    let mut v = Vec::new();
    for (i, e) in r.enrolments.iter().enumerate() {
        v.extend(e.applied.map(|t| (t, Step::Apply(i))));
        v.extend(e.decision.map(|(_, t)| (t, Step::Decide(i))));
        v.extend(e.dispatch.as_ref().map(|d| (d.at, Step::Dispatch(i))));
        v.extend(e.receipt.as_ref().map(|d| (d.at, Step::Receipt(i))));
        v.extend(e.saved.map(|t| (t, Step::Save(i))));
        v.extend(e.submitted.map(|t| (t, Step::Submit(i))));
    }
    for (j, s) in r.studies.iter().enumerate() {
        v.push((s.at, Step::Study(j)));
    }
    v.extend(r.testing_from.map(|t| (t, Step::StartTesting)));
    v.extend(r.evaluated.map(|t| (t, Step::Evaluate)));
    v.extend(r.released.map(|t| (t, Step::Release)));
    // Stable: steps at the same moment keep the order above.
    v.sort_by_key(|(t, _)| *t);
    v
}

/// Loads Guangdong's rounds (attached to campaign `campaign_id`); their ids, in the order
/// of `renke_domain::demo::pt::rounds()`.
pub(super) async fn load(db: &Db, campaign_id: i64) -> anyhow::Result<Vec<i64>> {
    let app = App::new(
        db.clone(),
        Clock::fixed(DateTime::UNIX_EPOCH),
        WebConfig::default(),
    );
    let mut callers = Callers {
        db,
        by_login: HashMap::new(),
    };
    let mut ids = Vec::new();
    for r in plan::rounds() {
        ids.push(load_round(&app, &mut callers, campaign_id, &r).await?);
    }
    Ok(ids)
}

async fn load_round(
    app: &App,
    callers: &mut Callers<'_>,
    campaign_id: i64,
    r: &DemoRound,
) -> anyhow::Result<i64> {
    let code = r.code;
    let gd = callers.get(plan::PROVIDER_LOGIN).await?;
    set_clock(app, r.created)?;
    let scheme_id = pt::create_scheme(
        app,
        &gd,
        &SchemeForm {
            provider_code: plan::PROVIDER.into(),
            name: r.scheme.into(),
            field: r.field.into(),
            measurands: r
                .measurands
                .iter()
                .map(|m| MeasurandInput {
                    name: m.name.into(),
                    unit: m.unit.into(),
                    decimals: m.decimals.into(),
                    kind: m.kind.into(),
                    log10: m.log10,
                    categories: m.categories.into(),
                    pair_group: String::new(),
                })
                .collect(),
        },
    )
    .await
    .map_err(refused(code, "scheme", ""))?;
    let measurand_ids: Vec<i64> = renke_store::pt::measurands(&app.db, scheme_id)
        .await?
        .iter()
        .map(|m| m.id)
        .collect();
    let round_id = pt::create_round(
        app,
        &gd,
        &RoundForm {
            scheme_id,
            code: code.into(),
            title: r.title.into(),
            campaign_id: Some(campaign_id),
            scope_code: plan::PROVIDER.into(),
            enrol_until: r.enrol_until.into(),
            dispatch_on: r.dispatch_on.into(),
            results_until: r.results_until.into(),
            // As 253号 puts it: provincial CMA in Guangdong; national CMA and Hong Kong and
            // Macau labs by invitation.
            provincial_cma: true,
            national_cma_by_invitation: true,
            hk_macau_by_invitation: true,
            instructions: r.instructions.into(),
        },
    )
    .await
    .map_err(refused(code, "round", ""))?;
    set_clock(app, r.invited)?;
    pt::invite_qualifying(app, &gd, round_id)
        .await
        .map_err(refused(code, "invite", ""))?;
    for lab in &r.by_invitation {
        pt::invite_lab(
            app,
            &gd,
            round_id,
            &InviteForm {
                lab_code: (*lab).into(),
            },
        )
        .await
        .map_err(refused(code, "invite", lab))?;
    }

    let mut enrolment_of: HashMap<usize, i64> = HashMap::new();
    let mut dispatch_of: HashMap<usize, i64> = HashMap::new();
    let enrolment = |i: usize, map: &HashMap<usize, i64>| {
        map.get(&i)
            .copied()
            .ok_or_else(|| anyhow!("demo PT {code}: step before the application"))
    };
    for (t, step) in steps(r) {
        set_clock(app, t)?;
        match step {
            Step::Apply(i) => {
                let e = &r.enrolments[i];
                let me = callers.get(&plan::applying_login(e.lab)).await?;
                let form = ApplyForm {
                    measurand_ids: e.measurands.iter().map(|m| measurand_ids[*m]).collect(),
                };
                let id = pt::apply(app, &me, round_id, &form)
                    .await
                    .map_err(refused(code, "apply", e.lab))?;
                enrolment_of.insert(i, id);
            }
            Step::Decide(i) => {
                let e = &r.enrolments[i];
                let approve = e.decision.is_some_and(|d| d.0);
                pt::decide(app, &gd, enrolment(i, &enrolment_of)?, approve)
                    .await
                    .map_err(refused(code, "decide", e.lab))?;
            }
            Step::Study(j) => {
                let s = &r.studies[j];
                let form = StudyForm {
                    measurand_id: measurand_ids[s.measurand],
                    kind: s.kind.into(),
                    data: s.data.clone(),
                    second: s.second.clone(),
                    sigma_pt: s.sigma_pt.into(),
                };
                pt::record_study(app, &gd, round_id, &form)
                    .await
                    .map_err(refused(code, s.kind, ""))?;
            }
            Step::StartTesting => {
                pt::start_testing(app, &gd, round_id)
                    .await
                    .map_err(refused(code, "start testing", ""))?;
            }
            Step::Dispatch(i) => {
                let e = &r.enrolments[i];
                let Some(d) = &e.dispatch else { continue };
                let form = DispatchForm {
                    courier: d.courier.into(),
                    tracking: d.tracking.clone(),
                    sent_on: d.at.date().to_string(),
                };
                let id = pt::dispatch(app, &gd, enrolment(i, &enrolment_of)?, &form)
                    .await
                    .map_err(refused(code, "dispatch", e.lab))?;
                dispatch_of.insert(i, id);
            }
            Step::Receipt(i) => {
                let e = &r.enrolments[i];
                let Some(rc) = &e.receipt else { continue };
                let me = callers.get(&plan::acting_login(e.lab)).await?;
                let dispatch = enrolment(i, &dispatch_of)?;
                let form = ReceiptForm {
                    condition: rc.condition.into(),
                    note: rc.note.into(),
                };
                pt::confirm_receipt(app, &me, round_id, dispatch, &form)
                    .await
                    .map_err(refused(code, "receipt", e.lab))?;
            }
            Step::Save(i) => {
                let e = &r.enrolments[i];
                let me = callers.get(&plan::acting_login(e.lab)).await?;
                let form = ResultsForm {
                    results: e
                        .results
                        .iter()
                        .map(|x| ResultInput {
                            measurand_id: measurand_ids[x.measurand],
                            value: x.value.clone(),
                            replicates: x.replicates.clone(),
                            u: x.u.clone(),
                            k: x.k.clone(),
                            method: x.method.into(),
                            not_tested: x.not_tested.into(),
                        })
                        .collect(),
                    behalf_note: String::new(),
                };
                pt::save_results(app, &me, enrolment(i, &enrolment_of)?, &form)
                    .await
                    .map_err(refused(code, "save results", e.lab))?;
            }
            Step::Submit(i) => {
                let e = &r.enrolments[i];
                let me = callers.get(&plan::acting_login(e.lab)).await?;
                pt::submit_results(app, &me, enrolment(i, &enrolment_of)?)
                    .await
                    .map_err(refused(code, "submit results", e.lab))?;
            }
            Step::Evaluate => {
                // Every measurand with results: consensus by Algorithm A, σpt the robust
                // standard deviation, as 13528 suggests for a round of this size.
                for (m, id) in measurand_ids.iter().enumerate() {
                    let reported = r.enrolments.iter().any(|e| {
                        e.submitted.is_some() && e.results.iter().any(|x| x.measurand == m)
                    });
                    if !reported {
                        continue;
                    }
                    let form = EvaluationForm {
                        measurand_id: *id,
                        assigned: "algorithm_a".into(),
                        sigma: "robust".into(),
                        ..Default::default()
                    };
                    pt::evaluate(app, &gd, round_id, &form)
                        .await
                        .map_err(refused(code, "evaluate", ""))?;
                }
            }
            Step::Release => {
                pt::release(app, &gd, round_id)
                    .await
                    .map_err(refused(code, "release", ""))?;
            }
        }
    }
    Ok(round_id)
}
