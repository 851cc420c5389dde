//! Proficiency testing (能力验证): schemes, rounds and their eligibility rule, invitations
//! and applications, approval with blind sample codes, dispatch and receipt of samples,
//! results (entered by a lab, or loaded for a whole round by a script), evaluation with
//! ISO 13528 statistics, release, each lab's outcomes and result letter, and the
//! follow-ups of questionable and unsatisfactory results. Who may do what is decided by
//! the use cases in `renke_app::pt`; a lab never sees another lab's name.

use super::ApiResult;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::schema::form;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{ApiError, AppError, ErrorBody};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use renke_app::model::{
    Dispatch, Enrolment, Evaluation, Followup, HistoryScore, LabOrg, Measurand, Round, Scheme,
    Study,
};
use renke_app::pt::{
    self as svc, ApplyForm, DiffRow, DiffSide, DispatchForm, EnrolmentRow, EvaluationDiff,
    EvaluationForm, EvaluationView, FollowupAnswer, FollowupItem, FollowupReview, InviteForm,
    LabOutcome, LoadForm, MeasurandEvaluations, MyEnrolment, Outcome, OutcomeRow, ReceiptForm,
    ResultsForm, RoundForm, RoundItem, RoundView, RunView, SchemeForm,
};
use renke_domain::FieldError;
use renke_domain::pt::{Eligibility, Reported, ResultEntry, RoundStatus, Standing};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

// ---------------------------------------------------------------- DTOs

/// A new record's id.
#[derive(Debug, Serialize, ToSchema)]
pub struct PtIdDto {
    pub id: i64,
}

/// A PT scheme (能力验证计划) of a provider.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeDto {
    pub id: i64,
    pub provider_org_id: i64,
    pub provider_name: String,
    pub name: String,
    /// 领域, e.g. 食品.
    pub field: String,
}

impl From<Scheme> for SchemeDto {
    fn from(s: Scheme) -> Self {
        SchemeDto {
            id: s.id,
            provider_org_id: s.provider_org_id,
            provider_name: s.provider_name,
            name: s.name,
            field: s.field,
        }
    }
}

/// A measurand (检测项目) of a scheme.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasurandDto {
    pub id: i64,
    pub position: i32,
    pub name: String,
    pub unit: Option<String>,
    pub decimals: i32,
    /// `quantitative` or `qualitative`.
    pub kind: String,
    /// Counts evaluated on log10.
    pub log10: bool,
    /// A qualitative measurand's categories.
    pub categories: Vec<String>,
    /// 配对样品组: the scheme's other measurand with the same group is its paired sample
    /// (a Youden plot of the two in the report).
    pub pair_group: Option<String>,
}

impl From<Measurand> for MeasurandDto {
    fn from(m: Measurand) -> Self {
        MeasurandDto {
            categories: m.category_list(),
            id: m.id,
            position: m.position,
            name: m.name,
            unit: m.unit,
            decimals: m.decimals,
            kind: m.kind,
            log10: m.log10,
            pair_group: m.pair_group,
        }
    }
}

/// Who may take part in a round, as stored with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EligibilityDto {
    /// Labs with a provincial CMA inside the scope qualify (and are invited together).
    pub provincial_cma: bool,
    /// Labs with a national CMA may be invited one by one.
    pub national_cma_by_invitation: bool,
    /// Hong Kong and Macau labs may be invited one by one.
    pub hk_macau_by_invitation: bool,
}

/// A round (能力验证轮次).
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundDto {
    pub id: i64,
    pub scheme_id: i64,
    pub scheme_name: String,
    pub field: String,
    pub provider_org_id: i64,
    pub provider_name: String,
    pub campaign_id: Option<i64>,
    /// e.g. GDPT-2022-01.
    pub code: String,
    pub title: String,
    /// `enrolment` 报名中, `testing` 检测与结果提交, `released` 结果已发布.
    pub status: String,
    pub status_zh: String,
    /// The organisation whose subtree is the round's scope.
    pub scope_org_id: i64,
    pub scope_name: String,
    pub eligibility: EligibilityDto,
    pub enrol_until: DateTime<Utc>,
    pub dispatch_on: NaiveDate,
    pub results_until: DateTime<Utc>,
    /// 作业指导书.
    pub instructions: Option<String>,
    /// The instructions document (作业指导书), downloaded at
    /// `/api/v1/pt/rounds/{id}/instructions`.
    pub instructions_file_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub released_at: Option<DateTime<Utc>>,
}

impl From<Round> for RoundDto {
    fn from(r: Round) -> Self {
        let rule: Option<Eligibility> = serde_json::from_str(&r.eligibility).ok();
        let status_zh = RoundStatus::from_code(&r.status)
            .map(|s| s.zh().to_owned())
            .unwrap_or_default();
        RoundDto {
            eligibility: EligibilityDto {
                provincial_cma: rule.is_some_and(|e| e.provincial_cma),
                national_cma_by_invitation: rule.is_some_and(|e| e.national_cma_by_invitation),
                hk_macau_by_invitation: rule.is_some_and(|e| e.hk_macau_by_invitation),
            },
            status_zh,
            id: r.id,
            scheme_id: r.scheme_id,
            scheme_name: r.scheme_name,
            field: r.field,
            provider_org_id: r.provider_org_id,
            provider_name: r.provider_name,
            campaign_id: r.campaign_id,
            code: r.code,
            title: r.title,
            status: r.status,
            scope_org_id: r.scope_org_id,
            scope_name: r.scope_name,
            enrol_until: r.enrol_until,
            dispatch_on: r.dispatch_on,
            results_until: r.results_until,
            instructions: r.instructions,
            instructions_file_id: r.instructions_file_id,
            created_at: r.created_at,
            released_at: r.released_at,
        }
    }
}

/// A round in a list, with the caller's part in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundItemDto {
    #[serde(flatten)]
    pub round: RoundDto,
    /// The caller runs the round.
    pub runs: bool,
    /// The caller's lab's enrolment status (`invited`, `applied`, `approved`, `declined`).
    pub my_status: Option<String>,
}

impl From<RoundItem> for RoundItemDto {
    fn from(i: RoundItem) -> Self {
        RoundItemDto {
            round: i.round.into(),
            runs: i.runs,
            my_status: i.my_status,
        }
    }
}

/// A dispatch of samples and its receipt.
#[derive(Debug, Serialize, ToSchema)]
pub struct DispatchDto {
    pub id: i64,
    pub enrolment_id: i64,
    pub courier: String,
    pub tracking: String,
    pub sent_on: NaiveDate,
    pub received_at: Option<DateTime<Utc>>,
    /// `intact`, `damaged`, `temperature`.
    pub condition: Option<String>,
    pub receipt_note: Option<String>,
}

impl From<Dispatch> for DispatchDto {
    fn from(d: Dispatch) -> Self {
        DispatchDto {
            id: d.id,
            enrolment_id: d.enrolment_id,
            courier: d.courier,
            tracking: d.tracking,
            sent_on: d.sent_on,
            received_at: d.received_at,
            condition: d.condition,
            receipt_note: d.receipt_note,
        }
    }
}

/// A lab's enrolment in a round. The lab sees only its own; the provider sees every one.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentDto {
    pub id: i64,
    pub round_id: i64,
    pub lab_org_id: i64,
    pub lab_code: String,
    pub lab_name: String,
    /// `mainland`, `hong_kong`, `macau`.
    pub lab_region: String,
    /// The organisation the lab sits under (its city bureau).
    pub city_name: Option<String>,
    /// `invited`, `applied`, `approved`, `declined`.
    pub status: String,
    pub invited: bool,
    /// The blind sample code (样品编号), once approved: six characters from
    /// `23456789ABCDEFGHJKMNPQRSTVWXYZ`, drawn at random.
    pub sample_code: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The measurands it takes part in.
    pub measurand_ids: Vec<i64>,
    pub dispatches: Vec<DispatchDto>,
    /// Dispatched days ago and no receipt confirmed (provider's list only).
    pub receipt_overdue: bool,
}

impl EnrolmentDto {
    fn new(
        e: Enrolment,
        measurand_ids: Vec<i64>,
        dispatches: Vec<Dispatch>,
        receipt_overdue: bool,
    ) -> Self {
        EnrolmentDto {
            id: e.id,
            round_id: e.round_id,
            lab_org_id: e.lab_org_id,
            lab_code: e.lab_code,
            lab_name: e.lab_name,
            lab_region: e.lab_region,
            city_name: e.city_name,
            status: e.status,
            invited: e.invited,
            sample_code: e.sample_code,
            applied_at: e.applied_at,
            decided_at: e.decided_at,
            measurand_ids,
            dispatches: dispatches.into_iter().map(Into::into).collect(),
            receipt_overdue,
        }
    }
}

impl From<EnrolmentRow> for EnrolmentDto {
    fn from(r: EnrolmentRow) -> Self {
        EnrolmentDto::new(
            r.enrolment,
            r.measurand_ids,
            r.dispatches,
            r.receipt_overdue,
        )
    }
}

impl From<MyEnrolment> for EnrolmentDto {
    fn from(m: MyEnrolment) -> Self {
        EnrolmentDto::new(m.enrolment, m.measurand_ids, m.dispatches, false)
    }
}

fn standing_code(s: Standing) -> &'static str {
    match s {
        Standing::Qualifies => "qualifies",
        Standing::ByInvitation => "by_invitation",
        Standing::NotEligible => "not_eligible",
    }
}

/// A round as the caller may see it: the provider (and the administration above it) with
/// every enrolment; a lab with its own enrolment only, never another lab's code or name.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundViewDto {
    pub round: RoundDto,
    pub measurands: Vec<MeasurandDto>,
    /// The eligibility rule as shown on the round, in Chinese.
    pub rule_zh: String,
    pub rule_en: String,
    /// The caller runs the round.
    pub runs: bool,
    /// The caller's lab's enrolment, if any.
    pub mine: Option<EnrolmentDto>,
    /// Where the caller's organisation stands under the rule, when it is a lab:
    /// `qualifies`, `by_invitation` (only when invited), `not_eligible`.
    pub my_standing: Option<String>,
    /// The caller's lab may apply now.
    pub may_apply: bool,
    /// Every enrolment (for the provider and those above it; empty for a lab).
    pub enrolments: Vec<EnrolmentDto>,
    /// Approved enrolments.
    pub approved: i64,
    /// Approved enrolments that submitted results.
    pub submitted: i64,
}

impl From<RoundView> for RoundViewDto {
    fn from(v: RoundView) -> Self {
        RoundViewDto {
            round: v.round.into(),
            measurands: v.measurands.into_iter().map(Into::into).collect(),
            rule_zh: v.rule_zh,
            rule_en: v.rule_en,
            runs: v.runs,
            mine: v.mine.map(Into::into),
            my_standing: v.my_standing.map(|s| standing_code(s).to_owned()),
            may_apply: v.may_apply,
            enrolments: v.enrolments.into_iter().map(Into::into).collect(),
            approved: v.approved,
            submitted: v.submitted,
        }
    }
}

/// Invite every lab that qualifies (`{"all_qualifying": true}`) or one lab the rule admits
/// by invitation (`{"lab_code": "GD-SZ-JLY"}`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct InvitationBody {
    /// Invite every lab with a provincial CMA inside the round's scope.
    #[serde(default)]
    pub all_qualifying: bool,
    /// The organisation code (or name) of one lab to invite.
    #[serde(default)]
    pub lab_code: Option<String>,
}

/// How many labs were invited now (those already enrolled or invited are not counted).
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitedDto {
    pub invited: u64,
}

/// A lab that may be invited, with where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitableDto {
    pub org_id: i64,
    pub code: String,
    pub name: String,
    pub cma_level: Option<String>,
    pub region: String,
    pub parent_name: Option<String>,
    /// `qualifies` or `by_invitation`.
    pub standing: String,
}

impl InvitableDto {
    fn new(l: LabOrg, s: Standing) -> Self {
        InvitableDto {
            org_id: l.id,
            code: l.code,
            name: l.name,
            cma_level: l.cma_level,
            region: l.region,
            parent_name: l.parent_name,
            standing: standing_code(s).to_owned(),
        }
    }
}

/// The provider's decision on an application.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionBody {
    /// `true`: approved, the lab gets its blind sample code; `false`: declined.
    pub approve: bool,
}

/// One stored result.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultDto {
    pub measurand_id: i64,
    /// `value`, `below_loq`, `not_tested` or `category`.
    pub reported: String,
    /// The value that enters the statistics.
    pub value: Option<f64>,
    pub replicates: Vec<f64>,
    /// The limit of quantification of a result below it.
    pub limit: Option<f64>,
    /// Why it was not tested.
    pub reason: Option<String>,
    /// A qualitative result's category.
    pub category: Option<String>,
    /// Expanded uncertainty U and its coverage factor k.
    pub u: Option<f64>,
    pub k: Option<f64>,
    pub method: Option<String>,
    pub saved_at: DateTime<Utc>,
    /// Null while saved and not yet submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Submitted after the deadline (accepted and scored all the same).
    pub late: bool,
    /// Why the provider entered it on the lab's behalf.
    pub behalf_note: Option<String>,
}

/// An enrolment's results.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultsDto {
    pub enrolment_id: i64,
    pub round_id: i64,
    pub sample_code: Option<String>,
    pub results: Vec<ResultDto>,
}

fn results_dto(e: Enrolment, rows: Vec<(renke_app::model::ResultRow, ResultEntry)>) -> ResultsDto {
    ResultsDto {
        enrolment_id: e.id,
        round_id: e.round_id,
        sample_code: e.sample_code,
        results: rows
            .into_iter()
            .map(|(r, entry)| {
                let mut d = ResultDto {
                    measurand_id: r.measurand_id,
                    reported: String::new(),
                    value: None,
                    replicates: Vec::new(),
                    limit: None,
                    reason: None,
                    category: None,
                    u: entry.u,
                    k: entry.k,
                    method: entry.method,
                    saved_at: r.saved_at,
                    submitted_at: r.submitted_at,
                    late: r.late,
                    behalf_note: r.behalf_note,
                };
                d.reported = match entry.reported {
                    Reported::Value { value, replicates } => {
                        d.value = Some(value);
                        d.replicates = replicates;
                        "value"
                    }
                    Reported::BelowLoq { limit } => {
                        d.limit = Some(limit);
                        "below_loq"
                    }
                    Reported::NotTested { reason } => {
                        d.reason = Some(reason);
                        "not_tested"
                    }
                    Reported::Category { category } => {
                        d.category = Some(category);
                        "category"
                    }
                }
                .to_owned();
                d
            })
            .collect(),
    }
}

/// What a submission did.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedDto {
    /// Results submitted now.
    pub count: u64,
    /// After the deadline: accepted, flagged late, scored like the others.
    pub late: bool,
}

/// How many results a load stored (saved and submitted).
#[derive(Debug, Serialize, ToSchema)]
pub struct LoadedDto {
    pub stored: usize,
}

/// One participant's line of an evaluation, by blind sample code.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeRowDto {
    pub sample_code: String,
    pub enrolment_id: i64,
    /// The result as shown (formatted, `<0.01`, a category).
    pub result: String,
    /// The value evaluated (log10 for counts), if it entered the statistics.
    pub value: Option<f64>,
    pub z: Option<f64>,
    pub z_prime: Option<f64>,
    pub zeta: Option<f64>,
    pub en: Option<f64>,
    pub d_percent: Option<f64>,
    /// `z`, `z_prime` (u(x_pt) > 0.3σpt), `qualitative`, or `none` (not scored).
    pub score_kind: String,
    /// `satisfactory`, `questionable`, `unsatisfactory`; null when not scored.
    pub class: Option<String>,
    /// Submitted after the deadline.
    pub late: bool,
    /// Why it was not scored (`below_loq`, the reason it was not tested).
    pub reason: Option<String>,
}

impl From<OutcomeRow> for OutcomeRowDto {
    fn from(r: OutcomeRow) -> Self {
        OutcomeRowDto {
            sample_code: r.sample_code,
            enrolment_id: r.enrolment_id,
            result: r.result,
            value: r.value,
            z: r.z,
            z_prime: r.z_prime,
            zeta: r.zeta,
            en: r.en,
            d_percent: r.d_percent,
            score_kind: r.score_kind,
            class: r.class.map(|c| c.as_str().to_owned()),
            late: r.late,
            reason: r.reason,
        }
    }
}

/// What an evaluation computed: x_pt, σpt, the method with its clauses, the statistics,
/// and every participant's scores.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeDto {
    /// `quantitative` or `qualitative`.
    pub kind: String,
    pub n: usize,
    pub assigned: Option<f64>,
    pub u_assigned: Option<f64>,
    pub sigma_pt: Option<f64>,
    /// 0.3·σpt.
    pub u_limit: Option<f64>,
    /// u(x_pt) ≤ 0.3·σpt: z is used; otherwise z′.
    pub u_negligible: Option<bool>,
    pub log10: bool,
    /// A qualitative measurand's expected category.
    pub expected: Option<String>,
    /// The sealed target's acceptance range, when it judged instead of the peer z.
    pub acceptance: Option<AcceptanceDto>,
    /// Every option with its clause of ISO 13528:2022.
    pub method: BTreeMap<String, String>,
    /// Summary statistics (null for a qualitative measurand).
    #[schema(value_type = Option<Object>)]
    pub statistics: Option<serde_json::Value>,
    /// The assigned value's record with the iteration trace (null for a qualitative
    /// measurand).
    #[schema(value_type = Option<Object>)]
    pub trace: Option<serde_json::Value>,
    pub warnings: Vec<String>,
    pub rows: Vec<OutcomeRowDto>,
}

impl From<Outcome> for OutcomeDto {
    fn from(o: Outcome) -> Self {
        OutcomeDto {
            kind: o.kind.as_str().to_owned(),
            n: o.n,
            assigned: o.assigned,
            u_assigned: o.u_assigned,
            sigma_pt: o.sigma_pt,
            u_limit: o.u_limit,
            u_negligible: o.u_negligible,
            log10: o.log10,
            expected: o.expected,
            acceptance: o.acceptance.map(|a| AcceptanceDto {
                low: a.low,
                high: a.high,
            }),
            method: o.method,
            statistics: Some(o.statistics).filter(|v| !v.is_null()),
            trace: Some(o.trace).filter(|v| !v.is_null()),
            warnings: o.warnings,
            rows: o.rows.into_iter().map(Into::into).collect(),
        }
    }
}

/// A sealed target's acceptance range: values within it are satisfactory, others
/// unsatisfactory.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptanceDto {
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// One evaluation (a version) of a measurand.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationDto {
    pub id: i64,
    pub round_id: i64,
    pub measurand_id: i64,
    /// 1, 2, … per measurand.
    pub version: i32,
    /// Published to the labs.
    pub released: bool,
    pub created_at: DateTime<Utc>,
    /// The options it was computed with.
    #[schema(value_type = form::EvaluationForm)]
    pub options: EvaluationForm,
    pub outcome: OutcomeDto,
}

impl EvaluationDto {
    fn new(e: Evaluation, options: EvaluationForm, outcome: Outcome) -> Self {
        EvaluationDto {
            id: e.id,
            round_id: e.round_id,
            measurand_id: e.measurand_id,
            version: e.version,
            released: e.released,
            created_at: e.created_at,
            options,
            outcome: outcome.into(),
        }
    }
}

impl From<EvaluationView> for EvaluationDto {
    fn from(v: EvaluationView) -> Self {
        EvaluationDto::new(v.evaluation, v.options, v.outcome)
    }
}

/// A measurand's evaluations: the latest version, the released one, and how many; its
/// latest background runs; the difference to release when a newer version than the
/// released one exists.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasurandEvaluationsDto {
    pub measurand: MeasurandDto,
    pub latest: Option<EvaluationDto>,
    pub released: Option<EvaluationDto>,
    pub versions: usize,
    /// Its latest background runs, newest first.
    pub runs: Vec<EvaluationRunDto>,
    /// The released version against the newer one (null unless one is newer).
    pub diff: Option<EvaluationDiffDto>,
}

impl From<MeasurandEvaluations> for MeasurandEvaluationsDto {
    fn from(m: MeasurandEvaluations) -> Self {
        MeasurandEvaluationsDto {
            measurand: m.measurand.into(),
            latest: m.latest.map(Into::into),
            released: m.released.map(Into::into),
            versions: m.versions,
            runs: m.runs.into_iter().map(Into::into).collect(),
            diff: m.diff.map(Into::into),
        }
    }
}

/// An evaluation of one measurand run in the background (a round of many results), with
/// its progress.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationRunDto {
    pub id: i64,
    pub round_id: i64,
    pub measurand_id: i64,
    /// `queued` 排队中, `running` 计算中, `done` 已完成, `failed` 失败.
    pub status: String,
    /// `queued`, `reading` (results), `computing`, `writing` (scores), `done`.
    pub stage: String,
    /// Rows written of `total` (the submitted results).
    pub done: i64,
    pub total: i64,
    /// Why it failed: a message code (`statistics_failed`, `no_results`, `internal`) when
    /// known.
    pub error_code: Option<String>,
    /// The failure's detail (the statistics' message, or the error as recorded).
    pub error: Option<String>,
    /// The evaluation it wrote (its id, once writing began).
    pub evaluation_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The options it evaluates with.
    #[schema(value_type = form::EvaluationForm)]
    pub options: EvaluationForm,
}

impl From<RunView> for EvaluationRunDto {
    fn from(v: RunView) -> Self {
        EvaluationRunDto {
            id: v.run.id,
            round_id: v.run.round_id,
            measurand_id: v.run.measurand_id,
            status: v.run.status,
            stage: v.run.stage,
            done: v.run.done,
            total: v.run.total,
            error_code: v.error_code,
            error: v.error_detail,
            evaluation_id: v.run.evaluation_id,
            created_at: v.run.created_at,
            updated_at: v.run.updated_at,
            options: v.options,
        }
    }
}

/// One version in a difference: x_pt, u(x_pt) and σpt.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiffSideDto {
    pub evaluation_id: i64,
    pub version: i32,
    pub assigned: Option<f64>,
    pub u_assigned: Option<f64>,
    pub sigma_pt: Option<f64>,
    pub n: usize,
}

impl From<DiffSide> for DiffSideDto {
    fn from(d: DiffSide) -> Self {
        DiffSideDto {
            evaluation_id: d.evaluation_id,
            version: d.version,
            assigned: d.assigned,
            u_assigned: d.u_assigned,
            sigma_pt: d.sigma_pt,
            n: d.n,
        }
    }
}

/// A participant (by sample code) in the released version and in the newer one.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiffRowDto {
    pub sample_code: String,
    pub enrolment_id: i64,
    /// The score used (z or z′) in the released version.
    pub released_score: Option<f64>,
    /// `satisfactory`, `questionable`, `unsatisfactory`; null when not scored.
    pub released_class: Option<String>,
    pub new_score: Option<f64>,
    pub new_class: Option<String>,
    /// The class differs.
    pub changed: bool,
    /// Releasing the newer version opens a follow-up for it (newly questionable or
    /// unsatisfactory).
    pub opens_followup: bool,
}

impl From<DiffRow> for DiffRowDto {
    fn from(r: DiffRow) -> Self {
        DiffRowDto {
            changed: r.changed(),
            opens_followup: r.opens_followup(),
            sample_code: r.sample_code,
            enrolment_id: r.enrolment_id,
            released_score: r.released_score,
            released_class: r.released_class.map(|c| c.as_str().to_owned()),
            new_score: r.new_score,
            new_class: r.new_class.map(|c| c.as_str().to_owned()),
        }
    }
}

/// The released version of a measurand against a newer version (修订版本).
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationDiffDto {
    pub measurand_id: i64,
    pub released: DiffSideDto,
    pub revision: DiffSideDto,
    /// How many participants' classes change.
    pub changed: usize,
    pub rows: Vec<DiffRowDto>,
}

impl From<EvaluationDiff> for EvaluationDiffDto {
    fn from(d: EvaluationDiff) -> Self {
        EvaluationDiffDto {
            changed: d.changed(),
            measurand_id: d.measurand_id,
            released: d.released.into(),
            revision: d.revision.into(),
            rows: d.rows.into_iter().map(Into::into).collect(),
        }
    }
}

/// What releasing a revision did.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionReleasedDto {
    pub evaluation_id: i64,
    pub version: i32,
    /// Follow-ups opened for results newly questionable or unsatisfactory.
    pub followups: u64,
}

/// A score by blind sample code (never a lab's name).
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeScoreDto {
    pub sample_code: String,
    pub score: f64,
}

/// A lab's outcome for one measurand with the anonymised distribution of the round.
#[derive(Debug, Serialize, ToSchema)]
pub struct LabOutcomeDto {
    pub measurand: MeasurandDto,
    pub row: Option<OutcomeRowDto>,
    pub assigned: Option<f64>,
    pub u_assigned: Option<f64>,
    pub sigma_pt: Option<f64>,
    pub method: BTreeMap<String, String>,
    pub expected: Option<String>,
    /// Every participant's evaluated value (no codes).
    pub values: Vec<f64>,
    /// Every participant's score by sample code.
    pub scores: Vec<CodeScoreDto>,
    pub log10: bool,
}

impl From<LabOutcome> for LabOutcomeDto {
    fn from(o: LabOutcome) -> Self {
        LabOutcomeDto {
            measurand: o.measurand.into(),
            row: o.row.map(Into::into),
            assigned: o.assigned,
            u_assigned: o.u_assigned,
            sigma_pt: o.sigma_pt,
            method: o.method,
            expected: o.expected,
            values: o.values.to_vec(),
            scores: o
                .scores
                .iter()
                .map(|(sample_code, score)| CodeScoreDto {
                    sample_code: sample_code.clone(),
                    score: *score,
                })
                .collect(),
            log10: o.log10,
        }
    }
}

/// An enrolment's outcomes: released ones for the lab and those above it; the provider's
/// latest before release.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomesDto {
    pub enrolment_id: i64,
    pub round_id: i64,
    pub round_code: String,
    pub sample_code: Option<String>,
    pub outcomes: Vec<LabOutcomeDto>,
}

/// A follow-up (整改跟踪) of a questionable or unsatisfactory result.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowupDto {
    pub id: i64,
    pub enrolment_id: i64,
    pub measurand_id: i64,
    pub measurand_name: String,
    pub round_id: i64,
    pub round_code: String,
    pub lab_org_id: i64,
    pub lab_name: String,
    pub city_name: Option<String>,
    /// `questionable` or `unsatisfactory`.
    pub class: String,
    /// `open`, `submitted`, `returned`, `closed`.
    pub status: String,
    /// 原因分析.
    pub root_cause: Option<String>,
    /// 纠正措施.
    pub action: Option<String>,
    /// The provider's note when it returned the answer.
    pub review_note: Option<String>,
    pub due_on: NaiveDate,
    pub updated_at: DateTime<Utc>,
    /// The caller answers for the lab now.
    pub may_answer: bool,
    /// The caller reviews for the provider now.
    pub may_review: bool,
}

impl From<FollowupItem> for FollowupDto {
    fn from(i: FollowupItem) -> Self {
        let f: Followup = i.followup;
        FollowupDto {
            id: f.id,
            enrolment_id: f.enrolment_id,
            measurand_id: f.measurand_id,
            measurand_name: f.measurand_name,
            round_id: f.round_id,
            round_code: f.round_code,
            lab_org_id: f.lab_org_id,
            lab_name: f.lab_name,
            city_name: f.city_name,
            class: f.class,
            status: i.status.as_str().to_owned(),
            root_cause: f.root_cause,
            action: f.action,
            review_note: f.review_note,
            due_on: f.due_on,
            updated_at: f.updated_at,
            may_answer: i.may_answer,
            may_review: i.may_review,
        }
    }
}

/// Which follow-ups: those of one round, or (without it) those of the labs in the caller's
/// subtree.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowupQuery {
    /// The round.
    pub round_id: Option<i64>,
}

/// The labs that may be invited, by name or code.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitableQuery {
    /// Part of the lab's name or code.
    #[serde(default)]
    pub q: String,
}

// ---------------------------------------------------------------- handlers

/// The schemes the caller may start rounds of.
#[utoipa::path(
    get, path = "/api/v1/pt/schemes", tag = "pt",
    responses((status = 200, description = "能力验证计划 Schemes", body = Vec<SchemeDto>)),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn schemes(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Json<Vec<SchemeDto>>> {
    let list = svc::my_schemes(&state, &user.account).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Create a scheme with its measurands; the caller runs PT for the provider.
#[utoipa::path(
    post, path = "/api/v1/pt/schemes", tag = "pt",
    request_body = form::SchemeForm,
    responses(
        (status = 201, description = "已创建 Created", body = SchemeDto),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn create_scheme(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<SchemeForm>,
) -> ApiResult<(StatusCode, Json<SchemeDto>)> {
    let id = svc::create_scheme(&state, &user.account, &body).await?;
    let scheme = svc::my_schemes(&state, &user.account)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(scheme.into())))
}

/// The rounds the caller sees: those it runs, those its lab is enrolled in or invited to,
/// and for a lab those open for enrolment that it qualifies for.
#[utoipa::path(
    get, path = "/api/v1/pt/rounds", tag = "pt",
    responses((status = 200, description = "轮次 Rounds", body = Vec<RoundItemDto>)),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn rounds(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Json<Vec<RoundItemDto>>> {
    let list = svc::rounds(&state, &user.account).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Create a round of a scheme, in enrolment, with its schedule and eligibility rule. A
/// taken code is refused on `code` (`code_taken`).
#[utoipa::path(
    post, path = "/api/v1/pt/rounds", tag = "pt",
    request_body = form::RoundForm,
    responses(
        (status = 201, description = "已创建 Created", body = RoundViewDto),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn create_round(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<RoundForm>,
) -> ApiResult<(StatusCode, Json<RoundViewDto>)> {
    let id = svc::create_round(&state, &user.account, &body).await?;
    let v = svc::round_view(&state, &user.account, id).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// A round as the caller may see it (404 for a lab the round is not open to).
#[utoipa::path(
    get, path = "/api/v1/pt/rounds/{id}", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    responses(
        (status = 200, description = "轮次 The round", body = RoundViewDto),
        (status = 404, description = "没有或无权查看 No such round, or not shown to the caller", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn round(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RoundViewDto>> {
    let v = svc::round_view(&state, &user.account, id).await?;
    Ok(Json(v.into()))
}

/// Invite every lab that qualifies (`{"all_qualifying": true}`), or one lab the rule
/// admits by invitation (`{"lab_code": "…"}`; `not_eligible` on `lab_code` otherwise).
/// Only in enrolment (409 `enrolment_over`).
#[utoipa::path(
    post, path = "/api/v1/pt/rounds/{id}/invitations", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    request_body = InvitationBody,
    responses(
        (status = 200, description = "邀请的机构数 How many were invited now", body = InvitedDto),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
        (status = 409, description = "报名已结束 Enrolment is over: `enrolment_over`", body = ErrorBody),
        (status = 422, description = "不符合条件 `not_eligible`, or neither or both of the two", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn invite(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<InvitationBody>,
) -> ApiResult<Json<InvitedDto>> {
    let lab = body
        .lab_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let invited = match (body.all_qualifying, lab) {
        (true, None) => svc::invite_qualifying(&state, &user.account, id).await?,
        (false, Some(code)) => {
            let f = InviteForm {
                lab_code: code.to_owned(),
            };
            svc::invite_lab(&state, &user.account, id, &f).await?;
            1
        }
        (false, None) => return Err(ApiError(AppError::field("lab_code", "required"))),
        (true, Some(_)) => {
            return Err(ApiError(AppError::from(
                FieldError::new("body", "unknown_value")
                    .with("value", "all_qualifying and lab_code: one of the two"),
            )));
        }
    };
    Ok(Json(InvitedDto { invited }))
}

/// The labs that may be invited one by one (national CMA, Hong Kong and Macau) matching
/// `q`, with where each stands under the round's rule.
#[utoipa::path(
    get, path = "/api/v1/pt/rounds/{id}/invitable", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id"), InvitableQuery),
    responses(
        (status = 200, description = "可邀请的机构 Labs that may be invited", body = Vec<InvitableDto>),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn invitable(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<InvitableQuery>,
) -> ApiResult<Json<Vec<InvitableDto>>> {
    let list = svc::invitable(&state, &user.account, id, &q.q).await?;
    Ok(Json(
        list.into_iter()
            .map(|(l, s)| InvitableDto::new(l, s))
            .collect(),
    ))
}

/// The caller's lab applies (or answers its invitation) with the measurands it takes part
/// in. 409 `invitation_required` for a lab admitted only by invitation and not invited,
/// `not_eligible` for one the rule does not admit, `enrolment_closed` after enrolment.
#[utoipa::path(
    post, path = "/api/v1/pt/rounds/{id}/applications", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    request_body = form::ApplyForm,
    responses(
        (status = 201, description = "已报名 Applied", body = EnrolmentDto),
        (status = 403, description = "无权代表本机构 Not allowed to act for the lab", body = ErrorBody),
        (status = 409, description = "`invitation_required`, `not_eligible`, `enrolment_closed`, `enrolment_decided`", body = ErrorBody),
        (status = 422, description = "没有或未知的检测项目 No or unknown measurands", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn apply(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ApplyForm>,
) -> ApiResult<(StatusCode, Json<EnrolmentDto>)> {
    svc::apply(&state, &user.account, id, &body).await?;
    let v = svc::round_view(&state, &user.account, id).await?;
    let mine = v.mine.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(mine.into())))
}

/// The provider approves an application (the lab gets its blind sample code) or declines
/// it. Only applications are decided (409 `not_applied`).
#[utoipa::path(
    post, path = "/api/v1/pt/enrolments/{id}/decision", tag = "pt",
    params(("id" = i64, Path, description = "报名编号 Enrolment id")),
    request_body = DecisionBody,
    responses(
        (status = 204, description = "已决定 Decided"),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
        (status = 409, description = "`not_applied`, `round_released`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn decide(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> ApiResult<StatusCode> {
    svc::decide(&state, &user.account, id, body.approve).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End enrolment: samples go out and results come in. Needs an approved lab (409
/// `no_participants`).
#[utoipa::path(
    post, path = "/api/v1/pt/rounds/{id}/testing", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    responses(
        (status = 200, description = "检测开始 Testing", body = RoundViewDto),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
        (status = 409, description = "`no_participants`, `round_testing`, `round_released`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn start_testing(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RoundViewDto>> {
    svc::start_testing(&state, &user.account, id).await?;
    let v = svc::round_view(&state, &user.account, id).await?;
    Ok(Json(v.into()))
}

/// Record a dispatch (or a re-dispatch) of samples to an approved lab.
#[utoipa::path(
    post, path = "/api/v1/pt/enrolments/{id}/dispatches", tag = "pt",
    params(("id" = i64, Path, description = "报名编号 Enrolment id")),
    request_body = form::DispatchForm,
    responses(
        (status = 201, description = "已记录 Recorded", body = PtIdDto),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
        (status = 409, description = "`not_approved`, `round_released`", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn dispatch(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DispatchForm>,
) -> ApiResult<(StatusCode, Json<PtIdDto>)> {
    let id = svc::dispatch(&state, &user.account, id, &body).await?;
    Ok((StatusCode::CREATED, Json(PtIdDto { id })))
}

/// The lab confirms receipt of a dispatch with the samples' condition; a sample not intact
/// needs a note.
#[utoipa::path(
    post, path = "/api/v1/pt/rounds/{id}/dispatches/{dispatch_id}/receipt", tag = "pt",
    params(
        ("id" = i64, Path, description = "轮次编号 Round id"),
        ("dispatch_id" = i64, Path, description = "寄送编号 Dispatch id"),
    ),
    request_body = form::ReceiptForm,
    responses(
        (status = 204, description = "已确认 Confirmed"),
        (status = 409, description = "已确认过 `already_received`", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn confirm_receipt(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, dispatch_id)): ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<ReceiptForm>,
) -> ApiResult<StatusCode> {
    svc::confirm_receipt(&state, &user.account, id, dispatch_id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An enrolment's saved and submitted results: for the lab and its provider, and after
/// release for those who read the lab's outcomes.
#[utoipa::path(
    get, path = "/api/v1/pt/enrolments/{id}/results", tag = "pt",
    params(("id" = i64, Path, description = "报名编号 Enrolment id")),
    responses(
        (status = 200, description = "结果 Results", body = ResultsDto),
        (status = 404, description = "没有或无权查看 No such enrolment, or not the caller's", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn results(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ResultsDto>> {
    let (e, rows) = svc::results_of(&state, &user.account, id).await?;
    Ok(Json(results_dto(e, rows)))
}

/// Save an enrolment's results (not yet submitted). An empty row removes what was saved
/// for its measurand; the provider entering on the lab's behalf gives `behalf_note`. Only
/// while the round is in testing (409 `round_in_enrolment`, `round_released`).
#[utoipa::path(
    put, path = "/api/v1/pt/enrolments/{id}/results", tag = "pt",
    params(("id" = i64, Path, description = "报名编号 Enrolment id")),
    request_body = form::ResultsForm,
    responses(
        (status = 200, description = "已保存 Saved", body = ResultsDto),
        (status = 404, description = "没有或无权 No such enrolment, or not the caller's", body = ErrorBody),
        (status = 409, description = "`round_in_enrolment`, `round_released`, `not_approved`", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field (`results[i].…`)", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn save_results(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ResultsForm>,
) -> ApiResult<Json<ResultsDto>> {
    svc::save_results(&state, &user.account, id, &body).await?;
    let (e, rows) = svc::results_of(&state, &user.account, id).await?;
    Ok(Json(results_dto(e, rows)))
}

/// Submit every saved result of an enrolment. After the deadline they are accepted,
/// flagged late and scored (`late: true`). 409 `nothing_to_submit` when none waits.
#[utoipa::path(
    post, path = "/api/v1/pt/enrolments/{id}/results/submit", tag = "pt",
    params(("id" = i64, Path, description = "报名编号 Enrolment id")),
    responses(
        (status = 200, description = "已提交 Submitted", body = SubmittedDto),
        (status = 404, description = "没有或无权 No such enrolment, or not the caller's", body = ErrorBody),
        (status = 409, description = "`nothing_to_submit`, `round_in_enrolment`, `round_released`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn submit_results(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SubmittedDto>> {
    let s = svc::submit_results(&state, &user.account, id).await?;
    Ok(Json(SubmittedDto {
        count: s.count,
        late: s.late,
    }))
}

/// The provider loads results of many participants at once, by blind sample code, saved
/// and submitted together, all or nothing: any bad row refuses the load with errors on
/// `rows[i].…` (`unknown_sample_code`, `unknown_measurand`, `unit_mismatch`, …).
#[utoipa::path(
    post, path = "/api/v1/pt/rounds/{id}/results", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    request_body = form::LoadForm,
    responses(
        (status = 200, description = "已载入 Loaded", body = LoadedDto),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
        (status = 409, description = "`round_in_enrolment`, `round_released`", body = ErrorBody),
        (status = 422, description = "每个有问题的行 Every bad row", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn load_results(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<LoadForm>,
) -> ApiResult<Json<LoadedDto>> {
    let stored = svc::load_results(&state, &user.account, id, &body).await?;
    Ok(Json(LoadedDto { stored }))
}

/// Evaluate one measurand of a round (x_pt, σpt and the estimators' options) and store it
/// as the measurand's next version (201). A measurand with many submitted results (more
/// than 500 by default) is evaluated in the background instead: 202 with the run, whose
/// progress `GET …/evaluation-runs/{run}` tells. Options are checked first either way;
/// statistical failures are refused on `assigned` (in the background: the run fails with
/// `statistics_failed`).
#[utoipa::path(
    post, path = "/api/v1/pt/rounds/{id}/evaluations", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    request_body = form::EvaluationForm,
    responses(
        (status = 201, description = "已评价 Evaluated", body = EvaluationDto),
        (status = 202, description = "已排队后台计算 Queued to run in the background", body = EvaluationRunDto),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
        (status = 409, description = "`round_in_enrolment`, `no_results`, `evaluation_running`", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn evaluate(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<EvaluationForm>,
) -> Result<Response, ApiError> {
    match svc::evaluate(&state, &user.account, id, &body).await? {
        svc::Evaluated::Evaluation(eid) => {
            let view = svc::evaluations(&state, &user.account, id)
                .await?
                .into_iter()
                .filter_map(|m| m.latest)
                .find(|v| v.evaluation.id == eid)
                .ok_or(AppError::NotFound)?;
            Ok((StatusCode::CREATED, Json(EvaluationDto::from(view))).into_response())
        }
        svc::Evaluated::Run(run) => {
            let v = svc::evaluation_run(&state, &user.account, id, run).await?;
            Ok((StatusCode::ACCEPTED, Json(EvaluationRunDto::from(v))).into_response())
        }
    }
}

/// A round's background evaluation runs, newest first, for its provider and the
/// administration above it.
#[utoipa::path(
    get, path = "/api/v1/pt/rounds/{id}/evaluation-runs", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    responses(
        (status = 200, description = "后台评价 Runs", body = Vec<EvaluationRunDto>),
        (status = 404, description = "没有或无权查看 No such round, or not the caller's", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn evaluation_runs(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<EvaluationRunDto>>> {
    let list = svc::evaluation_runs(&state, &user.account, id).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// One background evaluation run with its status, stage and progress (rows written of
/// total), to poll until it is `done` (its `evaluation_id` is then the new version) or
/// `failed` (with its error).
#[utoipa::path(
    get, path = "/api/v1/pt/rounds/{id}/evaluation-runs/{run}", tag = "pt",
    params(
        ("id" = i64, Path, description = "轮次编号 Round id"),
        ("run" = i64, Path, description = "后台评价编号 Run id"),
    ),
    responses(
        (status = 200, description = "后台评价 The run", body = EvaluationRunDto),
        (status = 404, description = "没有或无权查看 No such run, or not the caller's", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn evaluation_run(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, run)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<EvaluationRunDto>> {
    let v = svc::evaluation_run(&state, &user.account, id, run).await?;
    Ok(Json(v.into()))
}

/// The difference between a measurand's released version and its newer version (a
/// re-evaluation after release): every participant's score and class in both, and x_pt,
/// u(x_pt) and σpt old and new.
#[utoipa::path(
    get, path = "/api/v1/pt/rounds/{id}/measurands/{measurand}/evaluation-diff", tag = "pt",
    params(
        ("id" = i64, Path, description = "轮次编号 Round id"),
        ("measurand" = i64, Path, description = "检测项目编号 Measurand id"),
    ),
    responses(
        (status = 200, description = "版本差异 The difference", body = EvaluationDiffDto),
        (status = 404, description = "没有或无权查看 No such round or measurand, or not the caller's", body = ErrorBody),
        (status = 409, description = "没有比已发布版本更新的评价 Nothing newer than the released version: `no_revision`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn evaluation_diff(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, measurand)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<EvaluationDiffDto>> {
    let d = svc::evaluation_diff(&state, &user.account, id, measurand).await?;
    Ok(Json(d.into()))
}

/// Release the revision (发布修订版本): the latest version of a measurand of a released
/// round becomes what labs see (the version released before stays stored), and each result
/// it newly judges questionable or unsatisfactory gets a follow-up.
#[utoipa::path(
    post, path = "/api/v1/pt/rounds/{id}/measurands/{measurand}/release-revision", tag = "pt",
    params(
        ("id" = i64, Path, description = "轮次编号 Round id"),
        ("measurand" = i64, Path, description = "检测项目编号 Measurand id"),
    ),
    responses(
        (status = 200, description = "已发布修订版本 Released", body = RevisionReleasedDto),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
        (status = 404, description = "没有或无权查看 No such round or measurand, or not the caller's", body = ErrorBody),
        (status = 409, description = "`round_not_released`, `no_revision`, `evaluation_running`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn release_revision(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, measurand)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<RevisionReleasedDto>> {
    let r = svc::release_revision(&state, &user.account, id, measurand).await?;
    Ok(Json(RevisionReleasedDto {
        evaluation_id: r.evaluation_id,
        version: r.version,
        followups: r.followups,
    }))
}

/// A round's evaluations per measurand (latest and released versions), for its provider
/// and the administration above it.
#[utoipa::path(
    get, path = "/api/v1/pt/rounds/{id}/evaluations", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    responses(
        (status = 200, description = "评价 Evaluations", body = Vec<MeasurandEvaluationsDto>),
        (status = 404, description = "没有或无权查看 No such round, or not the caller's", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn evaluations(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<MeasurandEvaluationsDto>>> {
    let list = svc::evaluations(&state, &user.account, id).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Release a round: the latest evaluations become what labs and their bureaus see,
/// results lock, and each questionable or unsatisfactory result opens a follow-up.
#[utoipa::path(
    post, path = "/api/v1/pt/rounds/{id}/release", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    responses(
        (status = 200, description = "已发布 Released", body = RoundViewDto),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
        (status = 409, description = "`round_in_enrolment`, `round_released`, `no_results`, `evaluation_running`", body = ErrorBody),
        (status = 422, description = "有检测项目未评价或评价后又有结果提交 A measurand is not evaluated, or results came after its evaluation: `not_evaluated`, `evaluation_outdated`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn release(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RoundViewDto>> {
    svc::release(&state, &user.account, id).await?;
    let v = svc::round_view(&state, &user.account, id).await?;
    Ok(Json(v.into()))
}

/// An enrolment's outcomes: for the lab and those who read its outcomes once the round is
/// released (404 before); the provider sees the latest evaluations at any time.
#[utoipa::path(
    get, path = "/api/v1/pt/enrolments/{id}/outcomes", tag = "pt",
    params(("id" = i64, Path, description = "报名编号 Enrolment id")),
    responses(
        (status = 200, description = "结果评价 Outcomes", body = OutcomesDto),
        (status = 404, description = "没有、未发布或无权查看 Not found, not released, or not the caller's", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn outcomes(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<OutcomesDto>> {
    let (e, round, list) = svc::lab_outcomes(&state, &user.account, id).await?;
    Ok(Json(OutcomesDto {
        enrolment_id: e.id,
        round_id: round.id,
        round_code: round.code,
        sample_code: e.sample_code,
        outcomes: list.into_iter().map(Into::into).collect(),
    }))
}

/// The lab's result letter (能力验证结果通知书) as a PDF: its results, scores and classes,
/// x_pt and σpt with their methods, and the distribution with the lab marked by its code.
#[utoipa::path(
    get, path = "/api/v1/pt/enrolments/{id}/letter.pdf", tag = "pt",
    params(("id" = i64, Path, description = "报名编号 Enrolment id")),
    responses(
        (status = 200, description = "结果通知书 PDF The letter as PDF", body = [u8], content_type = "application/pdf"),
        (status = 404, description = "没有、未发布或无权查看 Not found, not released, or not the caller's", body = ErrorBody),
        (status = 409, description = "尚无评价结果 No scores yet: `no_scores`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn letter_pdf(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let file = svc::letter_pdf(&state, &user.account, id).await?;
    Ok(crate::download::pdf(file))
}

/// The follow-ups the caller sees: of a round (its provider, or the caller's lab's), or
/// without `round_id` those of the labs in the caller's subtree.
#[utoipa::path(
    get, path = "/api/v1/pt/followups", tag = "pt",
    params(FollowupQuery),
    responses(
        (status = 200, description = "整改跟踪 Follow-ups", body = Vec<FollowupDto>),
        (status = 404, description = "没有这个轮次 No such round", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn followups(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<FollowupQuery>,
) -> ApiResult<Json<Vec<FollowupDto>>> {
    let list = svc::followups(&state, &user.account, q.round_id).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// One follow-up.
#[utoipa::path(
    get, path = "/api/v1/pt/followups/{id}", tag = "pt",
    params(("id" = i64, Path, description = "整改编号 Follow-up id")),
    responses(
        (status = 200, description = "整改跟踪 The follow-up", body = FollowupDto),
        (status = 404, description = "没有或无权查看 Not found, or not the caller's", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn followup(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<FollowupDto>> {
    let f = svc::followup(&state, &user.account, id).await?;
    Ok(Json(f.into()))
}

/// The lab answers a follow-up with its root cause and corrective action: open or
/// returned → submitted.
#[utoipa::path(
    post, path = "/api/v1/pt/followups/{id}/answer", tag = "pt",
    params(("id" = i64, Path, description = "整改编号 Follow-up id")),
    request_body = form::FollowupAnswer,
    responses(
        (status = 200, description = "已提交 Submitted", body = FollowupDto),
        (status = 403, description = "不能代表该实验室 Not acting for the lab", body = ErrorBody),
        (status = 409, description = "`followup_submitted`, `followup_closed`", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn answer_followup(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<FollowupAnswer>,
) -> ApiResult<Json<FollowupDto>> {
    svc::answer_followup(&state, &user.account, id, &body).await?;
    let f = svc::followup(&state, &user.account, id).await?;
    Ok(Json(f.into()))
}

/// The provider closes a submitted follow-up (`{"decision": "close"}`) or returns it
/// with a note (`{"decision": "return", "note": "…"}`).
#[utoipa::path(
    post, path = "/api/v1/pt/followups/{id}/review", tag = "pt",
    params(("id" = i64, Path, description = "整改编号 Follow-up id")),
    request_body = form::FollowupReview,
    responses(
        (status = 200, description = "已审核 Reviewed", body = FollowupDto),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
        (status = 409, description = "`followup_not_submitted`, `followup_closed`", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn review_followup(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<FollowupReview>,
) -> ApiResult<Json<FollowupDto>> {
    svc::review_followup(&state, &user.account, id, &body).await?;
    let f = svc::followup(&state, &user.account, id).await?;
    Ok(Json(f.into()))
}

// ---------------------------------------------------------------- reports and history

/// The round report (能力验证结果报告) as a PDF: every measurand's statistics, methods and
/// charts and each participant's result and score by sample code. For the provider once
/// evaluated; once released, for the participants and the administration above.
#[utoipa::path(
    get, path = "/api/v1/pt/rounds/{id}/report.pdf", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    responses(
        (status = 200, description = "结果报告 PDF The report as PDF", body = [u8], content_type = "application/pdf"),
        (status = 404, description = "没有、未发布或无权查看 Not found, not released, or not the caller's", body = ErrorBody),
        (status = 409, description = "尚无评价结果 No scores yet: `no_scores`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn report_pdf(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let file = svc::report_pdf(&state, &user.account, id).await?;
    Ok(crate::download::pdf(file))
}

/// Every approved lab's result letter as a zip (named by sample code), for the provider.
#[utoipa::path(
    get, path = "/api/v1/pt/rounds/{id}/letters.zip", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    responses(
        (status = 200, description = "结果通知书 The letters", content_type = "application/zip"),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
        (status = 409, description = "`no_participants`, `no_scores`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn letters_zip(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (name, stream) = svc::letters_zip(&state, &user.account, id).await?;
    Ok(crate::download::download(
        &name,
        "application/zip",
        axum::body::Body::from_stream(stream),
    ))
}

/// One city's participation in a round.
#[derive(Debug, Serialize, ToSchema)]
pub struct CityParticipationDto {
    /// The city (the labs' parent organisation).
    pub city: String,
    /// Labs eligible: qualifying under the rule, or invited.
    pub eligible: usize,
    /// Of them, those that took part (approved).
    pub enrolled: usize,
    /// Of them, those that reported results.
    pub reported: usize,
}

/// A round's participation among the labs eligible for it, by city, for the provider and
/// the administration above it.
#[utoipa::path(
    get, path = "/api/v1/pt/rounds/{id}/participation", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    responses(
        (status = 200, description = "各市参加情况 Participation by city", body = Vec<CityParticipationDto>),
        (status = 404, description = "没有或无权查看 No such round, or not the caller's", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn participation(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<CityParticipationDto>>> {
    let list = svc::participation(&state, &user.account, id).await?;
    Ok(Json(
        list.into_iter()
            .map(|c| CityParticipationDto {
                city: c.city,
                eligible: c.eligible,
                enrolled: c.enrolled,
                reported: c.reported,
            })
            .collect(),
    ))
}

/// A lab's score in one released round.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryScoreDto {
    pub round_id: i64,
    pub round_code: String,
    pub released_at: Option<DateTime<Utc>>,
    pub measurand_id: i64,
    pub measurand_name: String,
    /// `z`, `z_prime`, `qualitative`.
    pub score_kind: String,
    pub score: Option<f64>,
    /// `satisfactory`, `questionable`, `unsatisfactory`.
    pub class: String,
    /// The released evaluation's version.
    pub version: i32,
}

impl From<HistoryScore> for HistoryScoreDto {
    fn from(s: HistoryScore) -> Self {
        HistoryScoreDto {
            round_id: s.round_id,
            round_code: s.round_code,
            released_at: s.released_at,
            measurand_id: s.measurand_id,
            measurand_name: s.measurand_name,
            score_kind: s.score_kind,
            score: s.score,
            class: s.class,
            version: s.version,
        }
    }
}

/// A lab's PT history: its scores per measurand across released rounds, and its pass rate.
#[derive(Debug, Serialize, ToSchema)]
pub struct LabHistoryDto {
    pub lab_org_id: i64,
    /// Per measurand name, its scores in round order.
    pub series: BTreeMap<String, Vec<HistoryScoreDto>>,
    /// The share of satisfactory results over the last rounds (`rate_rounds`); null when
    /// nothing was judged.
    pub pass_rate: Option<f64>,
    pub rate_rounds: Vec<String>,
}

/// A lab's PT history, for the lab and the administration above it (404 for others).
#[utoipa::path(
    get, path = "/api/v1/pt/labs/{id}/history", tag = "pt",
    params(("id" = i64, Path, description = "实验室机构编号 The lab's organisation id")),
    responses(
        (status = 200, description = "历次结果 History", body = LabHistoryDto),
        (status = 404, description = "没有或无权查看 Not found, or not the caller's", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn lab_history(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<LabHistoryDto>> {
    let h = svc::lab_history(&state, &user.account, id).await?;
    Ok(Json(LabHistoryDto {
        lab_org_id: h.lab_org_id,
        series: h
            .series
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().map(Into::into).collect()))
            .collect(),
        pass_rate: h.pass_rate,
        rate_rounds: h.rate_rounds,
    }))
}

// ---------------------------------------------------------------- studies, spreadsheets

/// A homogeneity or stability study of a measurand (ISO 13528:2022 Annex B).
#[derive(Debug, Serialize, ToSchema)]
pub struct StudyDto {
    pub id: i64,
    pub round_id: i64,
    pub measurand_id: i64,
    /// `homogeneity` or `stability`.
    pub kind: String,
    /// The standard uncertainty it carries into u(x_pt).
    pub u: f64,
    /// Whether the samples pass.
    pub passed: bool,
    /// Every figure of the check (s_x, s_w, s_s, F, the criterion …).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

impl From<svc::StudyView> for StudyDto {
    fn from(v: svc::StudyView) -> Self {
        let s: Study = v.study;
        StudyDto {
            id: s.id,
            round_id: s.round_id,
            measurand_id: s.measurand_id,
            kind: s.kind,
            u: v.outcome.u,
            passed: v.outcome.passed,
            detail: v.outcome.detail,
            created_at: s.created_at,
        }
    }
}

/// A round's homogeneity and stability studies, for the provider and the administration
/// above it.
#[utoipa::path(
    get, path = "/api/v1/pt/rounds/{id}/studies", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    responses(
        (status = 200, description = "均匀性和稳定性检验 Studies", body = Vec<StudyDto>),
        (status = 404, description = "没有或无权查看 No such round, or not the caller's", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn studies(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<StudyDto>>> {
    let list = svc::studies(&state, &user.account, id).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Record a homogeneity or stability study of one measurand (the provider only); its
/// standard uncertainty is carried into u(x_pt) at evaluation.
#[utoipa::path(
    post, path = "/api/v1/pt/rounds/{id}/studies", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    request_body = form::StudyForm,
    responses(
        (status = 201, description = "已记录 Recorded", body = StudyDto),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
        (status = 422, description = "每个有问题的字段 Every bad field", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn record_study(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<svc::StudyForm>,
) -> ApiResult<(StatusCode, Json<StudyDto>)> {
    let sid = svc::record_study(&state, &user.account, id, &body).await?;
    let study = svc::studies(&state, &user.account, id)
        .await?
        .into_iter()
        .find(|s| s.study.id == sid)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(study.into())))
}

/// The results spreadsheet to fill in: one row per result expected (the provider: every
/// approved participant's; a lab: its own), with what was saved so far.
#[utoipa::path(
    get, path = "/api/v1/pt/rounds/{id}/results.xlsx", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    responses(
        (status = 200, description = "结果表 The spreadsheet", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, description = "没有或无权 No such round, or not the caller's", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn results_template(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let bytes = svc::results_template(&state, &user.account, id).await?;
    Ok(crate::download::download(
        &format!("能力验证结果-{id}.xlsx"),
        crate::pages::XLSX,
        bytes,
    ))
}

/// The upload of a filled-in results spreadsheet.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ResultsUploadDto {
    /// 结果表 The spreadsheet (.xlsx or .csv).
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
    /// Why the provider enters them on the labs' behalf (required for the provider).
    note: Option<String>,
}

/// Import a filled-in results spreadsheet (multipart: `file`, and `note` for the
/// provider), all or nothing, errors naming the row and column (`row5.结果`). A lab's rows
/// are saved for it to submit; the provider's are saved and submitted with the note.
#[utoipa::path(
    post, path = "/api/v1/pt/rounds/{id}/results.xlsx", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    request_body(content = ResultsUploadDto, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "已导入 Imported", body = LoadedDto),
        (status = 404, description = "没有或无权 No such round, or not the caller's", body = ErrorBody),
        (status = 409, description = "`round_in_enrolment`, `round_released`", body = ErrorBody),
        (status = 422, description = "每个有问题的单元格 Every bad cell", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn import_results(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    req: axum::extract::Request,
) -> ApiResult<Json<LoadedDto>> {
    let (name, bytes, note) = crate::pages::pt::read_import(req).await?;
    let stored = svc::import_results(&state, &user.account, id, &bytes, &name, &note).await?;
    Ok(Json(LoadedDto { stored }))
}

// ---------------------------------------------------------------- files and certificate

/// A file of proficiency testing: a round's instructions document (作业指导书) or a
/// follow-up's evidence (证据材料).
#[derive(Debug, Serialize, ToSchema)]
pub struct PtFileDto {
    pub id: i64,
    pub name: String,
    /// `pdf`, `docx`, `jpg` …
    pub kind: String,
    /// Bytes.
    pub size: i64,
    pub uploaded_at: DateTime<Utc>,
}

impl From<renke_app::model::StoredFile> for PtFileDto {
    fn from(f: renke_app::model::StoredFile) -> Self {
        PtFileDto {
            id: f.id,
            name: f.name,
            kind: f.kind.as_str().to_owned(),
            size: f.size,
            uploaded_at: f.created_at,
        }
    }
}

/// The upload form of one file.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PtUploadDto {
    /// 文件 The file.
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
}

/// The upload form of evidence: one or more `file` parts.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PtUploadsDto {
    /// 文件 The files.
    #[schema(format = Binary, value_type = Vec<String>)]
    file: Vec<Vec<u8>>,
}

/// The `file` parts of a multipart body (none for another body).
async fn uploads(
    req: axum::extract::Request,
) -> Result<Vec<renke_app::reporting::tasks::UploadedFile>, AppError> {
    let (_, files): (BTreeMap<String, String>, _) = crate::pages::read_form_with_files(req).await?;
    Ok(files)
}

/// Upload the round's instructions document (作业指导书; multipart `file`: PDF, OFD or an
/// office document up to 20 MB), replacing any earlier one; the provider, until release.
#[utoipa::path(
    post, path = "/api/v1/pt/rounds/{id}/instructions", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    request_body(content = PtUploadDto, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "已上传 Uploaded", body = PtFileDto),
        (status = 403, description = "不是提供者 Not the provider", body = ErrorBody),
        (status = 404, description = "没有或无权查看 No such round, or not shown to the caller", body = ErrorBody),
        (status = 409, description = "结果已发布 `round_released`", body = ErrorBody),
        (status = 422, description = "文件不符合要求 On `file`: `required`, `too_many_files` (max 1), `file_too_large`, `file_type_refused`, `file_content_mismatch`, `storage_quota_exceeded` (limit, used)", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn upload_instructions(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    req: axum::extract::Request,
) -> ApiResult<Json<PtFileDto>> {
    let mut files = uploads(req).await?;
    if files.len() > 1 {
        let e = FieldError::new("file", "too_many_files").with("max", 1);
        return Err(AppError::Invalid(renke_domain::Invalid::one(e)).into());
    }
    let Some(file) = files.pop() else {
        return Err(AppError::field("file", "required").into());
    };
    let f = svc::attach_instructions(&state, &user.account, id, &file).await?;
    Ok(Json(f.into()))
}

/// Download the round's instructions document, for whoever sees the round.
#[utoipa::path(
    get, path = "/api/v1/pt/rounds/{id}/instructions", tag = "pt",
    params(("id" = i64, Path, description = "轮次编号 Round id")),
    responses(
        (status = 200, description = "作业指导书 The document", content_type = "*/*"),
        (status = 404, description = "没有、无权查看或未上传 No such round, not shown to the caller, or no document", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn instructions(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (file, bytes) = svc::instructions_download(&state, &user.account, id).await?;
    Ok(crate::download::stored(&file, bytes))
}

/// The evidence files (证据材料) of a follow-up, for whoever sees it.
#[utoipa::path(
    get, path = "/api/v1/pt/followups/{id}/files", tag = "pt",
    params(("id" = i64, Path, description = "整改编号 Follow-up id")),
    responses(
        (status = 200, description = "证据材料 The evidence", body = Vec<PtFileDto>),
        (status = 404, description = "没有或无权查看 Not found, or not the caller's", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn evidence(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<PtFileDto>>> {
    let list = svc::evidence(&state, &user.account, id).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// The lab adds evidence files to its follow-up while answering it (open or returned):
/// multipart, one or more `file` parts (images, PDF, OFD or office documents up to 20 MB
/// each, at most 10 files in all). Every refused file is named on `file`; nothing is
/// stored unless all pass.
#[utoipa::path(
    post, path = "/api/v1/pt/followups/{id}/files", tag = "pt",
    params(("id" = i64, Path, description = "整改编号 Follow-up id")),
    request_body(content = PtUploadsDto, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "已上传，现有证据材料 Uploaded; the evidence now", body = Vec<PtFileDto>),
        (status = 403, description = "不能代表该实验室 Not acting for the lab", body = ErrorBody),
        (status = 404, description = "没有或无权查看 Not found, or not the caller's", body = ErrorBody),
        (status = 409, description = "`followup_submitted`, `followup_closed`, `followup_changed`", body = ErrorBody),
        (status = 422, description = "On `file`: `required`, `too_many_files` (max), `file_too_large`, `file_type_refused`, `file_content_mismatch`, `storage_quota_exceeded` (limit, used)", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn add_evidence(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    req: axum::extract::Request,
) -> ApiResult<(StatusCode, Json<Vec<PtFileDto>>)> {
    let files = uploads(req).await?;
    let list = svc::add_evidence(&state, &user.account, id, &files).await?;
    Ok((
        StatusCode::CREATED,
        Json(list.into_iter().map(Into::into).collect()),
    ))
}

/// Download one evidence file of a follow-up, for whoever sees it.
#[utoipa::path(
    get, path = "/api/v1/pt/followups/{id}/files/{file_id}", tag = "pt",
    params(
        ("id" = i64, Path, description = "整改编号 Follow-up id"),
        ("file_id" = i64, Path, description = "文件编号 File id"),
    ),
    responses(
        (status = 200, description = "文件 The file", content_type = "*/*"),
        (status = 404, description = "没有或无权查看 Not found, or not the caller's", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn evidence_file(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, file_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Response> {
    let (file, bytes) = svc::evidence_download(&state, &user.account, id, file_id).await?;
    Ok(crate::download::stored(&file, bytes))
}

/// The lab removes one of its evidence files while answering (open or returned).
#[utoipa::path(
    delete, path = "/api/v1/pt/followups/{id}/files/{file_id}", tag = "pt",
    params(
        ("id" = i64, Path, description = "整改编号 Follow-up id"),
        ("file_id" = i64, Path, description = "文件编号 File id"),
    ),
    responses(
        (status = 204, description = "已删除 Removed"),
        (status = 403, description = "不能代表该实验室 Not acting for the lab", body = ErrorBody),
        (status = 404, description = "没有或无权查看 Not found, or not the caller's", body = ErrorBody),
        (status = 409, description = "`followup_submitted`, `followup_closed`, `followup_changed`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn remove_evidence(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath((id, file_id)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    svc::remove_evidence(&state, &user.account, id, file_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The lab's certificate of participation (能力验证参加证明) as a one-page PDF: the
/// measurands it took part in, each with its class from the released evaluation. Once
/// released, for the lab, whoever reads its outcomes, and the provider.
#[utoipa::path(
    get, path = "/api/v1/pt/enrolments/{id}/certificate.pdf", tag = "pt",
    params(("id" = i64, Path, description = "报名编号 Enrolment id")),
    responses(
        (status = 200, description = "参加证明 PDF The certificate as PDF", body = [u8], content_type = "application/pdf"),
        (status = 404, description = "没有、未发布、未参加或无权查看 Not found, not released, not a participant, or not the caller's", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn certificate_pdf(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let file = svc::certificate_pdf(&state, &user.account, id).await?;
    Ok(crate::download::pdf(file))
}
