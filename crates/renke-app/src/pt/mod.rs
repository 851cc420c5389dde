//! Proficiency testing (能力验证) in the platform: a provider's schemes and rounds, the
//! labs' enrolment under the round's eligibility rule, blind sample codes, dispatch and
//! receipt, results, evaluation with `renke-pt`, release, letters and follow-ups.
//!
//! Who may do what is the domain's policy: the provider runs its rounds
//! (`Actor::runs_pt`), a lab takes part for itself (`Actor::takes_part_for`), and the lab
//! and the administration above it read its outcomes (`Actor::reads_pt_of`). A lab never
//! sees another lab's name or results; after release it sees the anonymised distribution.

mod certificate;
mod enrol;
mod evaluate;
mod files;
mod followups;
mod history;
mod letters;
mod results;
mod revision;
mod runs;
mod studies;

pub use certificate::*;
pub use enrol::*;
pub use evaluate::*;
pub use files::*;
pub use followups::*;
pub use history::*;
pub use letters::*;
pub use results::*;
pub use revision::*;
pub use runs::*;
pub use studies::*;

use crate::error::AppError;
use crate::orgs::org_by_code;
use crate::{App, Caller};
use renke_domain::org::{CmaLevel, OrgKind, OrgPath, Region};
use renke_domain::pt::{
    Eligibility, LabFacts, MEASURANDS_MAX, MeasurandKind, MeasurandRaw, MeasurandSpec, RoundStatus,
    Schedule, Standing, measurand_pairs, parse_round_code,
};
use renke_domain::text::Line;
use renke_domain::{FieldError, Invalid};
use renke_store::StoreError;
use renke_store::pt::{self as store, LabOrg, Measurand, Round, Scheme};
use serde::{Deserialize, Serialize};

fn ok<T>(r: Result<T, FieldError>, errs: &mut Invalid) -> Option<T> {
    r.map_err(|e| errs.push(e)).ok()
}

pub(crate) fn path(p: &str) -> Result<OrgPath, AppError> {
    OrgPath::from_stored(p.to_owned())
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("stored path {p}")))
}

// ---------------------------------------------------------------- schemes

/// A measurand row as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct MeasurandInput {
    /// 检测项目, e.g. 绝缘电阻.
    pub name: String,
    /// Unit, e.g. MΩ, mg/kg, CFU/g; empty for a qualitative measurand.
    #[serde(default)]
    pub unit: String,
    /// Decimals reported (0–6, default 2).
    #[serde(default)]
    pub decimals: String,
    /// `quantitative` 定量 (default) or `qualitative` 定性.
    #[serde(default)]
    pub kind: String,
    /// Counts evaluated on log10.
    #[serde(default)]
    pub log10: bool,
    /// A qualitative measurand's categories, e.g. 检出/未检出.
    #[serde(default)]
    pub categories: String,
    /// 配对样品组: two quantitative measurands with the same unit and the same non-empty
    /// group (e.g. `A`) are paired samples, plotted against each other in a Youden plot.
    #[serde(default)]
    pub pair_group: String,
}

/// A new scheme (能力验证计划).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct SchemeForm {
    /// The provider's organisation code (or name); default: the caller's organisation.
    #[serde(default)]
    pub provider_code: String,
    /// Name, e.g. 电气产品绝缘电阻测试能力验证.
    pub name: String,
    /// Field (领域), e.g. 家电, 食品, 防疫产品.
    pub field: String,
    pub measurands: Vec<MeasurandInput>,
}

/// Creates a scheme with its measurands; the caller runs PT for the provider.
pub async fn create_scheme(app: &App, me: &Caller, f: &SchemeForm) -> Result<i64, AppError> {
    let mut errs = Invalid::default();
    let provider = if f.provider_code.trim().is_empty() {
        Some((me.org_id, me.org_path.clone()))
    } else {
        org_by_code(app, &mut errs, "provider_code", &f.provider_code)
            .await?
            .map(|o| (o.id, o.path))
    };
    let name = ok(Line::parse("name", &f.name, 200), &mut errs);
    let field = ok(Line::parse("field", &f.field, 50), &mut errs);
    if f.measurands.is_empty() {
        errs.push(FieldError::new("measurands", "required"));
    } else if f.measurands.len() > MEASURANDS_MAX {
        errs.push(FieldError::new("measurands", "too_many").with("max", MEASURANDS_MAX));
    }
    let mut specs = Vec::new();
    for (i, m) in f.measurands.iter().enumerate() {
        let raw = MeasurandRaw {
            name: &m.name,
            unit: &m.unit,
            decimals: &m.decimals,
            kind: &m.kind,
            log10: m.log10,
            categories: &m.categories,
            pair_group: &m.pair_group,
        };
        match MeasurandSpec::parse(&format!("measurands[{i}]"), &raw) {
            Ok(s) => specs.push((i, s)),
            Err(e) => errs.0.extend(e.0),
        }
    }
    let rows: Vec<(usize, &MeasurandSpec)> = specs.iter().map(|(i, s)| (*i, s)).collect();
    if let Err(e) = measurand_pairs("measurands", &rows) {
        errs.0.extend(e.0);
    }
    let specs: Vec<MeasurandSpec> = specs.into_iter().map(|(_, s)| s).collect();
    if let Some((_, p)) = &provider
        && !me.actor().runs_pt(p)
    {
        return Err(AppError::Forbidden);
    }
    let (Some((provider_id, _)), Some(name), Some(field), true) =
        (provider, name, field, errs.is_empty())
    else {
        return Err(errs.into());
    };
    let mut tx = app.db.write().await?;
    let id = store::insert_scheme(
        &mut tx,
        provider_id,
        name.as_str(),
        field.as_str(),
        &specs,
        me.id,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Whether the caller runs proficiency testing for its own organisation, i.e. may create
/// schemes with it as the provider (the 新建计划 link on the list of rounds).
pub fn may_provide(me: &Caller) -> bool {
    me.actor().runs_pt(&me.org_path)
}

/// The schemes the caller may start rounds of (its provider organisations' and below).
pub async fn my_schemes(app: &App, me: &Caller) -> Result<Vec<Scheme>, AppError> {
    let within = (!me.actor().is_admin()).then(|| me.org_path.as_str().to_owned());
    let all = store::schemes_within(&app.db, within.as_deref()).await?;
    let mut out = Vec::new();
    for s in all {
        if me.actor().runs_pt(&path(&s.provider_path)?) {
            out.push(s);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- rounds

/// A new round (能力验证轮次).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct RoundForm {
    pub scheme_id: i64,
    /// Round code, e.g. GDPT-2022-01.
    pub code: String,
    pub title: String,
    /// The campaign it belongs to, if any.
    #[serde(default)]
    pub campaign_id: Option<i64>,
    /// The organisation whose subtree is the round's scope (the province); default: the
    /// scheme's provider.
    #[serde(default)]
    pub scope_code: String,
    /// Enrolment closes (Beijing time, 2022-05-20 17:00).
    pub enrol_until: String,
    /// Samples go out (2022-05-23).
    pub dispatch_on: String,
    /// Results are due (Beijing time).
    pub results_until: String,
    /// Labs with a provincial CMA in the scope qualify.
    #[serde(default)]
    pub provincial_cma: bool,
    /// Labs with a national CMA may be invited.
    #[serde(default)]
    pub national_cma_by_invitation: bool,
    /// Hong Kong and Macau labs may be invited.
    #[serde(default)]
    pub hk_macau_by_invitation: bool,
    /// 作业指导书: instructions to the participants.
    #[serde(default)]
    pub instructions: String,
}

/// Creates a round of a scheme, in enrolment; the caller runs PT for the scheme's provider.
/// A taken code is refused on `code` (`code_taken`).
pub async fn create_round(app: &App, me: &Caller, f: &RoundForm) -> Result<i64, AppError> {
    create_round_with_instructions(app, me, f, None).await
}

/// [`create_round`] with its instructions document (作业指导书), checked with the form
/// (refusals on `instructions_file`) and stored in the round's transaction.
pub async fn create_round_with_instructions(
    app: &App,
    me: &Caller,
    f: &RoundForm,
    instructions_file: Option<&crate::reporting::tasks::UploadedFile>,
) -> Result<i64, AppError> {
    let scheme = match store::scheme(&app.db, f.scheme_id).await {
        Ok(s) => s,
        Err(StoreError::NotFound) => return Err(AppError::field("scheme_id", "not_found")),
        Err(e) => return Err(e.into()),
    };
    if !me.actor().runs_pt(&path(&scheme.provider_path)?) {
        return Err(AppError::Forbidden);
    }
    let mut errs = Invalid::default();
    let code = ok(parse_round_code("code", &f.code), &mut errs);
    let title = ok(Line::parse("title", &f.title, 200), &mut errs);
    let scope = if f.scope_code.trim().is_empty() {
        Some(scheme.provider_org_id)
    } else {
        org_by_code(app, &mut errs, "scope_code", &f.scope_code)
            .await?
            .map(|o| o.id)
    };
    let schedule = Schedule::parse(&f.enrol_until, &f.dispatch_on, &f.results_until)
        .map_err(|e| errs.0.extend(e.0))
        .ok();
    let instructions = ok(
        renke_domain::notice::parse_text("instructions", &f.instructions, 5000),
        &mut errs,
    );
    let file = match instructions_file {
        Some(file) => ok(
            files::check_instructions("instructions_file", file),
            &mut errs,
        )
        .map(|checked| (checked, file)),
        None => None,
    };
    if let Some(s) = schedule
        && s.enrol_until <= app.clock.now()
    {
        errs.push(FieldError::new("enrol_until", "in_the_past"));
    }
    // As for an activity: a campaign the caller may not read is as unknown as one that
    // does not exist.
    if let Some(cid) = f.campaign_id {
        match renke_store::campaigns::get(&app.db, cid).await {
            Ok(c) if crate::campaigns::may_see_campaign(Some(me), &c) => {}
            Ok(_) | Err(StoreError::NotFound) => {
                errs.push(FieldError::new("campaign_id", "not_found").with("value", cid))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let (Some(s), Some(code), Some(title), Some(scope), true) =
        (schedule, code, title, scope, errs.is_empty())
    else {
        return Err(errs.into());
    };
    let rule = Eligibility {
        provincial_cma: f.provincial_cma,
        national_cma_by_invitation: f.national_cma_by_invitation,
        hk_macau_by_invitation: f.hk_macau_by_invitation,
    };
    let rule = serde_json::to_string(&rule).map_err(|e| AppError::Internal(e.into()))?;
    let instructions = instructions.flatten();
    let staged = match file {
        Some(checked) => {
            files::stage(
                app,
                me,
                "instructions_file",
                scheme.provider_org_id,
                &[checked],
            )
            .await?
        }
        None => Vec::new(),
    };
    let mut tx = app.db.write().await?;
    let instructions_file_id = match staged.first() {
        Some(s) => Some(s.insert(&mut tx, app.clock.now()).await?),
        None => None,
    };
    let id = store::insert_round(
        &mut tx,
        &store::NewRound {
            scheme_id: scheme.id,
            campaign_id: f.campaign_id,
            code: &code,
            title: title.as_str(),
            scope_org_id: scope,
            eligibility: &rule,
            enrol_until: s.enrol_until,
            dispatch_on: s.dispatch_on,
            results_until: s.results_until,
            instructions: instructions.as_deref(),
            instructions_file_id,
        },
        me.id,
        app.clock.now(),
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict { constraint } if constraint == "pt_rounds_code_key" => {
            AppError::field("code", "code_taken")
        }
        // The scheme and the scope were read above: the one reference left is the campaign.
        StoreError::MissingReference => AppError::field("campaign_id", "not_found"),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(id)
}

/// A round in a list, with the caller's part in it.
#[derive(Debug, Clone, Serialize)]
pub struct RoundItem {
    pub round: Round,
    pub status: RoundStatus,
    /// The caller runs it.
    pub runs: bool,
    /// The caller's lab's enrolment status, if any.
    pub my_status: Option<String>,
}

/// The rounds the caller sees: those it runs (its subtree's providers), those its lab is
/// enrolled in or invited to, and for a lab those open for enrolment that it may join.
pub async fn rounds(app: &App, me: &Caller) -> Result<Vec<RoundItem>, AppError> {
    let actor = me.actor();
    let provider_within = if actor.is_admin() {
        Some("/".to_owned())
    } else if actor.is_administration() {
        Some(me.org_path.as_str().to_owned())
    } else {
        None
    };
    let is_lab = me.org_kind == OrgKind::Lab;
    let rows =
        store::rounds_for(&app.db, provider_within.as_deref(), Some(me.org_id), is_lab).await?;
    let me_lab = if is_lab {
        store::lab_orgs(&app.db, &[me.org_id]).await?.pop()
    } else {
        None
    };
    let mut mine_by_round: std::collections::HashMap<i64, String> =
        store::enrolments_of_lab(&app.db, me.org_id)
            .await?
            .into_iter()
            .map(|e| (e.round_id, e.status))
            .collect();
    let mut out = Vec::new();
    for round in rows {
        let status = round_status(&round)?;
        let provider = path(&round.provider_path)?;
        let runs = actor.runs_pt(&provider);
        let mine = mine_by_round.remove(&round.id);
        let open_to_me = match &me_lab {
            Some(lab) if status == RoundStatus::Enrolment => {
                standing(&round, lab)? == Standing::Qualifies
            }
            _ => false,
        };
        if runs || mine.is_some() || open_to_me || actor.oversees_pt(&provider) {
            out.push(RoundItem {
                round,
                status,
                runs,
                my_status: mine,
            });
        }
    }
    Ok(out)
}

pub(crate) fn round_status(r: &Round) -> Result<RoundStatus, AppError> {
    RoundStatus::from_code(&r.status)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("round {} status {}", r.id, r.status)))
}

pub(crate) fn rule_of(r: &Round) -> Result<Eligibility, AppError> {
    serde_json::from_str(&r.eligibility).map_err(|e| AppError::Internal(e.into()))
}

/// Where organisation `lab` stands under round `r`'s rule.
pub(crate) fn standing(r: &Round, lab: &LabOrg) -> Result<Standing, AppError> {
    let facts = LabFacts {
        kind: OrgKind::from_code(&lab.kind).unwrap_or(OrgKind::Company),
        cma: lab.cma_level.as_deref().and_then(CmaLevel::from_code),
        region: Region::from_code(&lab.region).unwrap_or(Region::Mainland),
        in_scope: path(&lab.path)?.is_within(&path(&r.scope_path)?),
    };
    Ok(rule_of(r)?.standing(&facts))
}

/// Everything a round's page shows, cut to what the caller may see.
#[derive(Debug, Clone, Serialize)]
pub struct RoundView {
    pub round: Round,
    pub status: RoundStatus,
    pub measurands: Vec<Measurand>,
    /// The eligibility rule in Chinese and English.
    pub rule_zh: String,
    pub rule_en: String,
    /// The caller runs the round: every enrolment, dispatch and evaluation below.
    pub runs: bool,
    /// The caller's lab's enrolment (with its measurands), if any.
    pub mine: Option<MyEnrolment>,
    /// Where the caller's organisation stands under the rule, when it is a lab.
    pub my_standing: Option<Standing>,
    /// Whether the caller's lab may apply now.
    pub may_apply: bool,
    /// The enrolments with their measurands and dispatches (for the provider).
    pub enrolments: Vec<EnrolmentRow>,
    /// Approved enrolments and those that submitted results.
    pub approved: i64,
    pub submitted: i64,
}

/// The caller's lab's enrolment.
#[derive(Debug, Clone, Serialize)]
pub struct MyEnrolment {
    pub enrolment: store::Enrolment,
    pub measurand_ids: Vec<i64>,
    pub dispatches: Vec<store::Dispatch>,
}

/// An enrolment on the provider's list.
#[derive(Debug, Clone, Serialize)]
pub struct EnrolmentRow {
    pub enrolment: store::Enrolment,
    pub measurand_ids: Vec<i64>,
    pub dispatches: Vec<store::Dispatch>,
    /// Dispatched at least `RECEIPT_DAYS` days ago with no receipt confirmed.
    pub receipt_overdue: bool,
}

/// Days after dispatch a lab has to confirm receipt before the monitor lists it.
pub const RECEIPT_DAYS: i64 = 3;

/// Round `id` as the caller may see it: the provider (and the administration above it)
/// sees everything; a lab sees the round when it is open to it or it is enrolled, and only
/// its own enrolment. Others: `NotFound`.
pub async fn round_view(app: &App, me: &Caller, id: i64) -> Result<RoundView, AppError> {
    let round = store::round(&app.db, id).await?;
    let status = round_status(&round)?;
    let actor = me.actor();
    let provider = path(&round.provider_path)?;
    let runs = actor.runs_pt(&provider);
    let oversees = me.actor().oversees_pt(&provider);
    let mine_row = store::enrolment_of(&app.db, id, me.org_id).await?;
    let me_lab = if me.org_kind == OrgKind::Lab {
        store::lab_orgs(&app.db, &[me.org_id]).await?.pop()
    } else {
        None
    };
    let my_standing = me_lab.as_ref().map(|l| standing(&round, l)).transpose()?;
    if !(runs || oversees || mine_row.is_some() || my_standing == Some(Standing::Qualifies)) {
        return Err(AppError::NotFound);
    }
    let measurands = store::measurands(&app.db, round.scheme_id).await?;
    let pairs = store::enrolment_measurands(&app.db, id).await?;
    let ids_of = |e: i64| -> Vec<i64> {
        pairs
            .iter()
            .filter(|(en, _)| *en == e)
            .map(|(_, m)| *m)
            .collect()
    };
    let dispatches = store::dispatches(&app.db, id).await?;
    let now = app.clock.now();
    let mut enrolments = Vec::new();
    if runs || oversees {
        for e in store::enrolments(&app.db, id).await? {
            let ds: Vec<store::Dispatch> = dispatches
                .iter()
                .filter(|d| d.enrolment_id == e.id)
                .cloned()
                .collect();
            let receipt_overdue = ds.last().is_some_and(|d| {
                let today = now
                    .with_timezone(&renke_domain::clock::SHANGHAI)
                    .date_naive();
                d.received_at.is_none() && (today - d.sent_on).num_days() >= RECEIPT_DAYS
            });
            enrolments.push(EnrolmentRow {
                measurand_ids: ids_of(e.id),
                dispatches: ds,
                receipt_overdue,
                enrolment: e,
            });
        }
    }
    let mine = mine_row.map(|e| MyEnrolment {
        measurand_ids: ids_of(e.id),
        dispatches: dispatches
            .iter()
            .filter(|d| d.enrolment_id == e.id)
            .cloned()
            .collect(),
        enrolment: e,
    });
    let may_apply = status == RoundStatus::Enrolment
        && now <= round.enrol_until
        && actor.takes_part_for(&me.org_path)
        && match (&mine, my_standing) {
            (Some(m), _) => matches!(m.enrolment.status.as_str(), "invited" | "applied"),
            (None, Some(s)) => s == Standing::Qualifies,
            (None, None) => false,
        };
    let (approved, submitted) = store::submission_counts(&app.db, id).await?;
    let rule = rule_of(&round)?;
    Ok(RoundView {
        rule_zh: rule.describe_zh(&round.scope_name),
        rule_en: rule.describe_en(&round.scope_name),
        round,
        status,
        measurands,
        runs,
        mine,
        my_standing,
        may_apply,
        enrolments,
        approved,
        submitted,
    })
}

/// Round `id` when the caller may see it, by the rule of its page ([`round_view`]): the
/// provider and the administration above it, a lab enrolled in or invited to it, and a lab
/// it is open to. Others: `NotFound`.
pub(crate) async fn readable_round(app: &App, me: &Caller, id: i64) -> Result<Round, AppError> {
    let round = store::round(&app.db, id).await?;
    let provider = path(&round.provider_path)?;
    let a = me.actor();
    if a.runs_pt(&provider)
        || a.oversees_pt(&provider)
        || store::enrolment_of(&app.db, id, me.org_id).await?.is_some()
    {
        return Ok(round);
    }
    if me.org_kind == OrgKind::Lab
        && let Some(lab) = store::lab_orgs(&app.db, &[me.org_id]).await?.pop()
        && standing(&round, &lab)? == Standing::Qualifies
    {
        return Ok(round);
    }
    Err(AppError::NotFound)
}

/// Round `id` for a change by the provider: NotFound when the caller may not see it,
/// Forbidden when it sees but does not run it.
pub(crate) async fn round_to_run(app: &App, me: &Caller, id: i64) -> Result<Round, AppError> {
    let round = store::round(&app.db, id).await?;
    if me.actor().runs_pt(&path(&round.provider_path)?) {
        Ok(round)
    } else if me.actor().oversees_pt(&path(&round.provider_path)?) {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

/// The measurand kind of `m`.
pub(crate) fn kind_of(m: &Measurand) -> MeasurandKind {
    MeasurandKind::from_code(&m.kind).unwrap_or(MeasurandKind::Quantitative)
}

/// Something a lab has to do in proficiency testing, for its home page.
#[derive(Debug, Clone, Serialize)]
pub struct PtTask {
    /// `answer_invitation`, `confirm_receipt`, `submit_results`, `answer_followup`.
    pub kind: &'static str,
    pub round_code: String,
    pub title: String,
    /// Where it is done.
    pub link: String,
    /// By when (enrolment closes, results are due), if there is a deadline.
    pub due: Option<chrono::DateTime<chrono::Utc>>,
    /// The follow-up's due date.
    pub due_on: Option<chrono::NaiveDate>,
}

/// What the caller's lab has to do in proficiency testing: invitations to answer while
/// enrolment is open, samples to confirm, results to submit, follow-ups to answer. Empty
/// for those who do not take part for their organisation (viewers, bureaus).
pub async fn my_tasks(app: &App, me: &Caller) -> Result<Vec<PtTask>, AppError> {
    if !me.actor().takes_part_for(&me.org_path) {
        return Ok(Vec::new());
    }
    let now = app.clock.now();
    let mut out = Vec::new();
    for r in store::lab_rounds(&app.db, me.org_id).await? {
        let round_link = format!("/pt/rounds/{}", r.round_id);
        match (r.round_status.as_str(), r.enrolment_status.as_str()) {
            ("enrolment", "invited") if now <= r.enrol_until => out.push(PtTask {
                kind: "answer_invitation",
                round_code: r.round_code.clone(),
                title: r.round_title.clone(),
                link: round_link,
                due: Some(r.enrol_until),
                due_on: None,
            }),
            ("testing", "approved") => {
                if r.unreceived > 0 {
                    out.push(PtTask {
                        kind: "confirm_receipt",
                        round_code: r.round_code.clone(),
                        title: r.round_title.clone(),
                        link: round_link,
                        due: None,
                        due_on: None,
                    });
                }
                if r.submitted < r.measurands {
                    out.push(PtTask {
                        kind: "submit_results",
                        round_code: r.round_code.clone(),
                        title: r.round_title.clone(),
                        link: format!("/pt/enrolments/{}/results", r.enrolment_id),
                        due: Some(r.results_until),
                        due_on: None,
                    });
                }
            }
            _ => {}
        }
    }
    for f in store::followups(&app.db, None, Some(me.org_path.as_str())).await? {
        if f.lab_org_id == me.org_id && matches!(f.status.as_str(), "open" | "returned") {
            out.push(PtTask {
                kind: "answer_followup",
                round_code: f.round_code.clone(),
                title: f.measurand_name.clone(),
                link: format!("/pt/followups/{}", f.id),
                due: None,
                due_on: Some(f.due_on),
            });
        }
    }
    Ok(out)
}
