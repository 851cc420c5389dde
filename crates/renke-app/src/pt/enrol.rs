//! Enrolment: the provider invites the labs that qualify (and, one by one, those the rule
//! admits by invitation), labs apply with the measurands they take part in, the provider
//! approves (the lab gets its blind sample code) or declines, then starts testing; samples
//! are dispatched and their receipt confirmed by the lab.

use super::{ok, path, round_status, round_to_run, standing};
use crate::error::AppError;
use crate::orgs::org_by_code;
use crate::{App, Caller};
use renke_domain::campaign::parse_date;
use renke_domain::pt::{RoundStatus, SampleCondition, Standing};
use renke_domain::text::Line;
use renke_domain::{FieldError, Invalid};
use renke_store::StoreError;
use renke_store::pt as store;
use serde::{Deserialize, Serialize};

/// Invites every lab that qualifies under round `round_id`'s rule (provincial CMA inside
/// its scope); labs already enrolled or invited keep their enrolment. Returns how many were
/// invited now. Only in enrolment (`round_in_enrolment` otherwise: the state's code).
pub async fn invite_qualifying(app: &App, me: &Caller, round_id: i64) -> Result<u64, AppError> {
    let round = round_to_run(app, me, round_id).await?;
    if round_status(&round)? != RoundStatus::Enrolment {
        return Err(AppError::Conflict("enrolment_over"));
    }
    if !super::rule_of(&round)?.provincial_cma {
        return Ok(0);
    }
    let labs = store::provincial_cma_labs(&app.db, &round.scope_path).await?;
    let ids: Vec<i64> = labs.iter().map(|l| l.id).collect();
    let mut tx = app.db.write().await?;
    let n = store::invite(&mut tx, round.id, &ids, app.clock.now()).await?;
    tx.commit().await?;
    Ok(n)
}

/// An invitation of one lab.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct InviteForm {
    /// The lab's organisation code (or name).
    pub lab_code: String,
}

/// Invites one lab the rule admits (`not_eligible` on `lab_code` otherwise).
pub async fn invite_lab(
    app: &App,
    me: &Caller,
    round_id: i64,
    f: &InviteForm,
) -> Result<(), AppError> {
    let round = round_to_run(app, me, round_id).await?;
    if round_status(&round)? != RoundStatus::Enrolment {
        return Err(AppError::Conflict("enrolment_over"));
    }
    let mut errs = Invalid::default();
    let org = org_by_code(app, &mut errs, "lab_code", &f.lab_code).await?;
    let (Some(org), true) = (org, errs.is_empty()) else {
        return Err(errs.into());
    };
    let lab = store::lab_orgs(&app.db, &[org.id])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    if standing(&round, &lab)? == Standing::NotEligible {
        return Err(AppError::field("lab_code", "not_eligible"));
    }
    let mut tx = app.db.write().await?;
    store::invite(&mut tx, round.id, &[lab.id], app.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Labs that may be invited one by one (national CMA, Hong Kong and Macau) matching `q`,
/// with where each stands under round `round_id`'s rule: the invitation picker.
pub async fn invitable(
    app: &App,
    me: &Caller,
    round_id: i64,
    q: &str,
) -> Result<Vec<(store::LabOrg, Standing)>, AppError> {
    let round = round_to_run(app, me, round_id).await?;
    let mut out = Vec::new();
    for lab in store::invitable_labs(&app.db, q).await? {
        let s = standing(&round, &lab)?;
        if s != Standing::NotEligible {
            out.push((lab, s));
        }
    }
    Ok(out)
}

/// A lab's application (or its answer to an invitation).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct ApplyForm {
    /// The measurands it takes part in (ids of the scheme's measurands), at least one.
    #[serde(default)]
    pub measurand_ids: Vec<i64>,
}

/// The caller's lab applies to round `round_id` with the measurands it takes part in. A lab
/// that qualifies may apply; one admitted by invitation only when invited
/// (`invitation_required`); others `not_eligible`. Only while enrolment is open
/// (`enrolment_closed`).
pub async fn apply(app: &App, me: &Caller, round_id: i64, f: &ApplyForm) -> Result<i64, AppError> {
    let round = store::round(&app.db, round_id).await?;
    if !me.actor().takes_part_for(&me.org_path) {
        return Err(AppError::Forbidden);
    }
    let lab = store::lab_orgs(&app.db, &[me.org_id])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let existing = store::enrolment_of(&app.db, round.id, me.org_id).await?;
    let st = standing(&round, &lab)?;
    match (st, &existing) {
        (Standing::NotEligible, _) => return Err(AppError::Conflict("not_eligible")),
        (Standing::ByInvitation, None) => return Err(AppError::Conflict("invitation_required")),
        _ => {}
    }
    if round_status(&round)? != RoundStatus::Enrolment || app.clock.now() > round.enrol_until {
        return Err(AppError::Conflict("enrolment_closed"));
    }
    let measurands = store::measurands(&app.db, round.scheme_id).await?;
    let mut ids: Vec<i64> = f.measurand_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(AppError::field("measurand_ids", "required"));
    }
    if let Some(bad) = ids.iter().find(|i| !measurands.iter().any(|m| m.id == **i)) {
        return Err(AppError::Invalid(Invalid::one(
            FieldError::new("measurand_ids", "unknown_measurand").with("value", bad),
        )));
    }
    let mut tx = app.db.write().await?;
    let id = store::apply(&mut tx, round.id, me.org_id, &ids, app.clock.now()).await?;
    tx.commit().await?;
    Ok(id)
}

/// The provider approves (the lab gets its blind sample code) or declines an application.
/// Only applications are decided (`not_applied`), and only in enrolment.
pub async fn decide(
    app: &App,
    me: &Caller,
    enrolment_id: i64,
    approve: bool,
) -> Result<(), AppError> {
    let e = store::enrolment(&app.db, enrolment_id).await?;
    let round = round_to_run(app, me, e.round_id).await?;
    if round_status(&round)? == RoundStatus::Released {
        return Err(AppError::Conflict("round_released"));
    }
    if e.status != "applied" {
        return Err(AppError::Conflict("not_applied"));
    }
    // A drawn code is taken with a chance below 10⁻⁵ in a round of 10,000 labs: draw again.
    for _ in 0..8 {
        let code = approve.then(store::new_sample_code);
        let mut tx = app.db.write().await?;
        match store::decide(&mut tx, e.id, code.as_deref(), me.id, app.clock.now()).await {
            Ok(()) => {
                tx.commit().await?;
                return Ok(());
            }
            Err(StoreError::Conflict { constraint })
                if constraint == "pt_enrolments_round_id_sample_code_key" =>
            {
                continue;
            }
            Err(other) => return Err(other.into()),
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "no free sample code after 8 draws"
    )))
}

/// Ends enrolment of round `round_id`: samples go out and results come in. Needs an
/// approved lab (`no_participants`).
pub async fn start_testing(app: &App, me: &Caller, round_id: i64) -> Result<(), AppError> {
    let round = round_to_run(app, me, round_id).await?;
    let next = round_status(&round)?
        .next("start_testing")
        .map_err(AppError::Conflict)?;
    let (approved, _) = store::submission_counts(&app.db, round_id).await?;
    if approved == 0 {
        return Err(AppError::Conflict("no_participants"));
    }
    let mut tx = app.db.write().await?;
    if store::lock_round(&mut tx, round_id).await?.status != round.status {
        return Err(AppError::Conflict("round_changed"));
    }
    store::set_round_status(&mut tx, round_id, next.as_str(), app.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// A dispatch of samples.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct DispatchForm {
    /// 快递公司, e.g. 顺丰速运.
    pub courier: String,
    /// 运单号.
    pub tracking: String,
    /// Sent on (2022-05-23).
    pub sent_on: String,
}

/// Records a dispatch (or a re-dispatch) of samples to an approved lab.
pub async fn dispatch(
    app: &App,
    me: &Caller,
    enrolment_id: i64,
    f: &DispatchForm,
) -> Result<i64, AppError> {
    let e = store::enrolment(&app.db, enrolment_id).await?;
    let round = round_to_run(app, me, e.round_id).await?;
    if e.status != "approved" {
        return Err(AppError::Conflict("not_approved"));
    }
    if round_status(&round)? == RoundStatus::Released {
        return Err(AppError::Conflict("round_released"));
    }
    let mut errs = Invalid::default();
    let courier = ok(Line::parse("courier", &f.courier, 50), &mut errs);
    let tracking = ok(Line::parse("tracking", &f.tracking, 50), &mut errs);
    let sent_on = ok(parse_date("sent_on", &f.sent_on), &mut errs);
    let (Some(courier), Some(tracking), Some(sent_on), true) =
        (courier, tracking, sent_on, errs.is_empty())
    else {
        return Err(errs.into());
    };
    let mut tx = app.db.write().await?;
    let id = store::insert_dispatch(
        &mut tx,
        e.id,
        courier.as_str(),
        tracking.as_str(),
        sent_on,
        me.id,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The lab's confirmation of receipt.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct ReceiptForm {
    /// `intact` 完好, `damaged` 破损, `temperature` 温度异常.
    pub condition: String,
    /// What was wrong, when not intact.
    #[serde(default)]
    pub note: String,
}

/// The lab confirms receipt of dispatch `dispatch_id` with the samples' condition (the lab
/// itself: NotFound for anyone else); a sample not intact needs a note (`required` on
/// `note`).
pub async fn confirm_receipt(
    app: &App,
    me: &Caller,
    round_id: i64,
    dispatch_id: i64,
    f: &ReceiptForm,
) -> Result<(), AppError> {
    let ds = store::dispatches(&app.db, round_id).await?;
    let d = ds
        .iter()
        .find(|d| d.id == dispatch_id)
        .ok_or(AppError::NotFound)?;
    let e = store::enrolment(&app.db, d.enrolment_id).await?;
    // The lab itself confirms what it received (as it enters its results).
    if !(me.org_id == e.lab_org_id && me.actor().takes_part_for(&path(&e.lab_path)?)) {
        return Err(AppError::NotFound);
    }
    let mut errs = Invalid::default();
    let condition = ok(SampleCondition::parse("condition", &f.condition), &mut errs);
    let note = ok(Line::parse_opt("note", &f.note, 200), &mut errs).flatten();
    if condition.is_some_and(|c| c != SampleCondition::Intact) && note.is_none() {
        errs.push(FieldError::new("note", "required"));
    }
    let (Some(condition), true) = (condition, errs.is_empty()) else {
        return Err(errs.into());
    };
    let mut tx = app.db.write().await?;
    store::confirm_receipt(
        &mut tx,
        d.id,
        condition.as_str(),
        note.as_ref().map(Line::as_str),
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
