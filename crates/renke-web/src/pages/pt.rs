//! Proficiency-testing pages (能力验证): the rounds the caller sees; the provider's forms for
//! a scheme with its measurands and for a round; a round's page — schedule, eligibility,
//! measurands, and for the provider invitations, enrolments with approve/decline, dispatch
//! and the receipt monitor, 开始检测 and release; for a lab its application, sample code,
//! receipts, results and (after release) its scores and letter; the results form with its
//! confirmation; the evaluation page with "how this was computed"; follow-ups. Every form
//! posts urlencoded and works without JavaScript; a refused form comes back with each
//! message next to its field (by the field names the use cases give) and what was typed.

use super::PAGE_SIZE;
use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::User;
use crate::error::{AppError, PageError};
use crate::i18n::Tr;
use crate::view::{Chrome, Errors, Pager, local_time, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use renke_app::pt as svc;
use renke_domain::pt::{
    AssignedMethod, EnrolmentStatus, FollowupStatus, MeasurandKind, Reported, ResultEntry,
    RoundStatus, SampleCondition, ScoreClass, SigmaMethod, Standing,
};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Measurand rows the scheme form shows at least.
const MEASURAND_ROWS_MIN: usize = 3;
/// Rows 再加几行 adds.
const MEASURAND_ROWS_MORE: usize = 3;

// ---------------------------------------------------------------- shared pieces

/// A stored code's label in the page's language, by the enum that owns it (the code itself
/// when unknown).
macro_rules! label_fn {
    ($name:ident, $enum:ty) => {
        fn $name(tr: &Tr, code: &str) -> String {
            <$enum>::from_code(code)
                .map(|v| tr.pick(v.zh(), v.en()).to_owned())
                .unwrap_or_else(|| code.to_owned())
        }
    };
}
label_fn!(enrolment_label, EnrolmentStatus);
label_fn!(condition_label, SampleCondition);
label_fn!(followup_label, FollowupStatus);
label_fn!(kind_label, MeasurandKind);

fn round_chip(s: RoundStatus) -> &'static str {
    match s {
        RoundStatus::Enrolment => "yellow",
        RoundStatus::Testing => "green",
        RoundStatus::Released => "grey",
    }
}

/// The round page's participant filters (besides all).
const ENROLLED_FILTERS: [&str; 4] = ["applied", "approved", "declined", "overdue"];

/// Whether enrolment `e` is listed under participant filter `f` (empty: every enrolment
/// past the invitation).
fn enrolled_under(e: &EnrolRow, f: &str) -> bool {
    match f {
        "" => e.status != "invited",
        "overdue" => e.receipt_overdue,
        status => e.status == status,
    }
}

fn enrolment_chip(code: &str) -> &'static str {
    match code {
        "approved" => "green",
        "applied" => "yellow",
        "declined" => "red",
        _ => "grey",
    }
}

fn class_chip(c: Option<ScoreClass>) -> &'static str {
    match c {
        Some(ScoreClass::Satisfactory) => "green",
        Some(ScoreClass::Questionable) => "yellow",
        Some(ScoreClass::Unsatisfactory) => "red",
        None => "grey",
    }
}

fn class_label(tr: &Tr, c: Option<ScoreClass>) -> String {
    match c {
        Some(c) => tr.pick(c.zh(), c.en()).to_owned(),
        None => tr.t("pt.not_scored").to_owned(),
    }
}

fn followup_chip(s: FollowupStatus) -> &'static str {
    match s {
        FollowupStatus::Open | FollowupStatus::Returned => "red",
        FollowupStatus::Submitted => "yellow",
        FollowupStatus::Closed => "green",
    }
}

/// `v` with `d` decimals, or "—".
fn num(v: Option<f64>, d: usize) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format!("{v:.d$}"))
}

/// The decimals x_pt, u(x_pt) and σpt are shown with: one more than the results', at
/// least three (as the letter prints them).
fn fig_decimals(decimals: i32) -> usize {
    (decimals.max(0) as usize).max(2) + 1
}

/// A number as typed back into a form (shortest form that reads back the same).
fn typed_number(v: f64) -> String {
    format!("{v}")
}

/// A number with the measurand's `decimals` when that reads back the same (51.0 for a
/// result reported with one decimal), else as typed.
fn reported_number(v: f64, decimals: i32) -> String {
    let d = decimals.max(0) as usize;
    let s = format!("{v:.d$}");
    if s.parse::<f64>() == Ok(v) {
        s
    } else {
        typed_number(v)
    }
}

/// `results[3].value` → `(3, "value")` for `prefix` `results`.
fn indexed<'a>(key: &'a str, prefix: &str) -> Option<(usize, &'a str)> {
    let rest = key.strip_prefix(prefix)?.strip_prefix('[')?;
    let (i, rest) = rest.split_once(']')?;
    let part = rest.strip_prefix('.')?;
    Some((i.parse().ok()?, part))
}

/// Whether a check box came with the form.
fn ticked(v: &str) -> bool {
    !v.is_empty() && v != "0" && v != "false"
}

/// A refused form or button of a page: which form (its key), the messages next to its
/// fields, what was typed, and the messages that have no field of their own.
#[derive(Default)]
struct Refused {
    form: String,
    errors: Errors,
    typed: Vec<(String, String)>,
    messages: Vec<String>,
}

impl Refused {
    /// The refusal of `form` for `e` (422 with the fields, 409 with the state's message);
    /// any other error is the page's failure. Field errors outside `shown` become messages.
    fn of(
        tr: Tr,
        form: &str,
        typed: Vec<(String, String)>,
        shown: &[&str],
        e: AppError,
    ) -> Result<(StatusCode, Refused), PageError> {
        Refused::of_where(tr, form, typed, |f| shown.contains(&f), e)
    }

    /// [`Refused::of`] with the fields shown on the page told by `shown` (a study's
    /// `data.line3`, an import's `row5.value`).
    fn of_where(
        tr: Tr,
        form: &str,
        typed: Vec<(String, String)>,
        shown: impl Fn(&str) -> bool,
        e: AppError,
    ) -> Result<(StatusCode, Refused), PageError> {
        match e {
            AppError::Invalid(inv) => {
                let errors = Errors::from_invalid(tr, &inv);
                let messages = inv
                    .0
                    .iter()
                    .filter(|f| !shown(f.field.as_str()))
                    .map(|f| tr.field_error(f))
                    .collect();
                Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Refused {
                        form: form.to_owned(),
                        errors,
                        typed,
                        messages,
                    },
                ))
            }
            AppError::Conflict(code) => Ok((
                StatusCode::CONFLICT,
                Refused {
                    form: form.to_owned(),
                    typed,
                    messages: vec![tr.t(&format!("err.{code}")).to_owned()],
                    ..Default::default()
                },
            )),
            other => Err(other.into()),
        }
    }

    /// The message next to `field` of `form`, or empty.
    fn err(&self, form: &str, field: &str) -> String {
        if self.form == form {
            self.errors.of(field)
        } else {
            String::new()
        }
    }

    /// What was typed into `field` of `form` when it was refused, or empty.
    fn typed(&self, form: &str, field: &str) -> String {
        if self.form != form {
            return String::new();
        }
        self.typed
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// What a redirect after a change asks the next page to say, and the page's own
/// parameters (the invitation picker's search, the scheme a new round is of, a sort).
#[derive(Debug, Default, Deserialize)]
pub struct PtQuery {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    n: Option<u64>,
    #[serde(default)]
    late: Option<bool>,
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    scheme_id: Option<i64>,
    #[serde(default)]
    sort: Option<String>,
    #[serde(default)]
    round: Option<i64>,
    /// The round page's participant filter: `applied`, `approved`, `declined`, `overdue`.
    #[serde(default)]
    enrolled: Option<String>,
    /// The round page's participant list offset.
    #[serde(default)]
    offset: i64,
}

impl PtQuery {
    fn flash(&self, tr: &Tr) -> Option<String> {
        let n = self.n.unwrap_or(0).to_string();
        let msg = match self.done.as_deref()? {
            "scheme_created" => tr.t("pt.flash.scheme_created").to_owned(),
            "round_created" => tr.t("pt.flash.round_created").to_owned(),
            "invited" => tr.tf("pt.flash.invited", &[("n", n)]),
            "invited_one" => tr.t("pt.flash.invited_one").to_owned(),
            "applied" => tr.t("pt.flash.applied").to_owned(),
            "approved" => tr.t("pt.flash.approved").to_owned(),
            "declined" => tr.t("pt.flash.declined").to_owned(),
            "testing" => tr.t("pt.flash.testing").to_owned(),
            "dispatched" => tr.t("pt.flash.dispatched").to_owned(),
            "received" => tr.t("pt.flash.received").to_owned(),
            "saved" => tr.t("pt.flash.saved").to_owned(),
            "submitted" if self.late == Some(true) => tr.tf("pt.flash.submitted_late", &[("n", n)]),
            "submitted" => tr.tf("pt.flash.submitted", &[("n", n)]),
            "evaluated" => tr.t("pt.flash.evaluated").to_owned(),
            "evaluation_queued" => tr.t("pt.flash.evaluation_queued").to_owned(),
            "revision_released" => tr.tf("pt.flash.revision_released", &[("n", n)]),
            "released" => tr.t("pt.flash.released").to_owned(),
            "answered" => tr.t("pt.flash.answered").to_owned(),
            "closed" => tr.t("pt.flash.closed").to_owned(),
            "returned" => tr.t("pt.flash.returned").to_owned(),
            "study_recorded" => tr.t("pt.flash.study_recorded").to_owned(),
            "imported" => tr.tf("pt.flash.imported", &[("n", n)]),
            "imported_all" => tr.tf("pt.flash.imported_all", &[("n", n)]),
            "instructions_uploaded" => tr.t("pt.flash.instructions_uploaded").to_owned(),
            "evidence_added" => tr.tf("pt.flash.evidence_added", &[("n", n)]),
            "evidence_removed" => tr.t("pt.flash.evidence_removed").to_owned(),
            _ => return None,
        };
        Some(msg)
    }
}

fn see_other(to: String) -> Response {
    Redirect::to(&to).into_response()
}

// ---------------------------------------------------------------- the list of rounds

/// A round on the list.
pub struct RoundRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub scheme: String,
    pub provider: String,
    pub status: String,
    pub chip: &'static str,
    pub enrol_until: String,
    pub results_until: String,
    /// The caller's part: 提供者, its enrolment's status, 可报名, or 监督 (overseeing).
    pub part: String,
    pub part_chip: &'static str,
}

#[derive(Template)]
#[template(path = "pt_rounds.html")]
struct RoundsPage {
    c: Chrome,
    rows: Vec<RoundRow>,
    may_provide: bool,
    has_schemes: bool,
}

/// `GET /pt`: the rounds the caller sees, with its part in each.
pub async fn list(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<PtQuery>,
) -> Result<Response, PageError> {
    let tr = user.ctx.tr;
    let me = &user.account;
    let items = svc::rounds(&state, me).await?;
    let rows = items
        .into_iter()
        .map(|it| {
            let (part, part_chip) = if it.runs {
                (tr.t("pt.part.provider").to_owned(), "green")
            } else if let Some(s) = &it.my_status {
                (enrolment_label(&tr, s), enrolment_chip(s))
            } else if it.status == RoundStatus::Enrolment
                && me.org_kind == renke_domain::org::OrgKind::Lab
            {
                (tr.t("pt.part.open").to_owned(), "yellow")
            } else {
                (tr.t("pt.part.oversees").to_owned(), "grey")
            };
            RoundRow {
                id: it.round.id,
                code: it.round.code.clone(),
                title: it.round.title.clone(),
                scheme: it.round.scheme_name.clone(),
                provider: it.round.provider_name.clone(),
                status: tr.pick(it.status.zh(), it.status.en()).to_owned(),
                chip: round_chip(it.status),
                enrol_until: local_time(&it.round.enrol_until),
                results_until: local_time(&it.round.results_until),
                part,
                part_chip,
            }
        })
        .collect();
    let may_provide = svc::may_provide(me);
    let has_schemes = !svc::my_schemes(&state, me).await?.is_empty();
    let page = RoundsPage {
        c: Chrome::new(&user.ctx, "pt", tr.t("pt.title")).with_flash(q.flash(&tr)),
        rows,
        may_provide,
        has_schemes,
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------- the scheme form

/// One measurand row of the scheme form, with the messages next to its inputs.
pub struct MeasurandRow {
    pub i: usize,
    pub name: String,
    pub unit: String,
    pub decimals: String,
    pub kind: String,
    pub log10: bool,
    pub categories: String,
    pub pair_group: String,
    pub name_err: String,
    pub unit_err: String,
    pub decimals_err: String,
    pub kind_err: String,
    pub log10_err: String,
    pub categories_err: String,
    pub pair_group_err: String,
}

impl MeasurandRow {
    pub fn is_kind(&self, code: &str) -> bool {
        MeasurandKind::parse("", &self.kind)
            .map(|k| k.as_str() == code)
            .unwrap_or(code == "quantitative")
    }
    pub fn has_error(&self) -> bool {
        [
            &self.name_err,
            &self.unit_err,
            &self.decimals_err,
            &self.kind_err,
            &self.log10_err,
            &self.categories_err,
            &self.pair_group_err,
        ]
        .iter()
        .any(|e| !e.is_empty())
    }
}

#[derive(Template)]
#[template(path = "pt_scheme_form.html")]
struct SchemePage {
    c: Chrome,
    f: svc::SchemeForm,
    rows: Vec<MeasurandRow>,
    errors: Errors,
}

impl SchemePage {
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        MeasurandKind::ALL
            .iter()
            .map(|k| (k.as_str(), self.c.tr.pick(k.zh(), k.en())))
            .collect()
    }
    fn other_errors(&self) -> Vec<String> {
        let mut shown = vec!["name".to_owned(), "field".to_owned()];
        for r in &self.rows {
            for p in [
                "name",
                "unit",
                "decimals",
                "kind",
                "log10",
                "categories",
                "pair_group",
            ] {
                shown.push(format!("measurands[{}].{p}", r.i));
            }
        }
        let refs: Vec<&str> = shown.iter().map(String::as_str).collect();
        self.errors.others(&refs)
    }
}

/// The scheme form's fields from its pairs: rows left empty are dropped (so the messages'
/// row numbers are those shown again), and how many more rows were asked for.
fn scheme_from_pairs(pairs: &[(String, String)]) -> (svc::SchemeForm, usize) {
    let mut f = svc::SchemeForm::default();
    let mut rows: BTreeMap<usize, svc::MeasurandInput> = BTreeMap::new();
    let mut more = 0;
    for (k, v) in pairs {
        match k.as_str() {
            "name" => f.name = v.clone(),
            "field" => f.field = v.clone(),
            "more" => more = MEASURAND_ROWS_MORE,
            _ => {
                if let Some((i, part)) = indexed(k, "measurands") {
                    let r = rows.entry(i).or_default();
                    match part {
                        "name" => r.name = v.clone(),
                        "unit" => r.unit = v.clone(),
                        "decimals" => r.decimals = v.clone(),
                        "kind" => r.kind = v.clone(),
                        "log10" => r.log10 = ticked(v),
                        "categories" => r.categories = v.clone(),
                        "pair_group" => r.pair_group = v.clone(),
                        _ => {}
                    }
                }
            }
        }
    }
    f.measurands = rows
        .into_values()
        .filter(|r| {
            !(r.name.trim().is_empty()
                && r.unit.trim().is_empty()
                && r.decimals.trim().is_empty()
                && r.categories.trim().is_empty()
                && r.pair_group.trim().is_empty()
                && !r.log10)
        })
        .collect();
    (f, more)
}

fn measurand_rows(f: &svc::SchemeForm, errors: &Errors, extra: usize) -> Vec<MeasurandRow> {
    let n = (f.measurands.len() + 1).max(MEASURAND_ROWS_MIN) + extra;
    (0..n)
        .map(|i| {
            let e = |p: &str| errors.of(&format!("measurands[{i}].{p}"));
            let m = f.measurands.get(i).cloned().unwrap_or_default();
            MeasurandRow {
                i,
                name: m.name,
                unit: m.unit,
                decimals: m.decimals,
                kind: m.kind,
                log10: m.log10,
                categories: m.categories,
                pair_group: m.pair_group,
                name_err: e("name"),
                unit_err: e("unit"),
                decimals_err: e("decimals"),
                kind_err: e("kind"),
                log10_err: e("log10"),
                categories_err: e("categories"),
                pair_group_err: e("pair_group"),
            }
        })
        .collect()
}

fn scheme_page(user: &User, f: svc::SchemeForm, errors: Errors, extra: usize) -> Response {
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let rows = measurand_rows(&f, &errors, extra);
    let page = SchemePage {
        c: Chrome::new(&user.ctx, "pt", user.ctx.tr.t("pt.scheme.new")),
        f,
        rows,
        errors,
    };
    (status, render(&page)).into_response()
}

/// `GET /pt/schemes/new`.
pub async fn new_scheme_form(user: User) -> Result<Response, PageError> {
    if !svc::may_provide(&user.account) {
        return Err(AppError::Forbidden.into());
    }
    Ok(scheme_page(
        &user,
        svc::SchemeForm::default(),
        Errors::default(),
        0,
    ))
}

/// `POST /pt/schemes/new`: creates the scheme (then on to a round of it), or — with
/// 再加几行 — shows the form again with more rows.
pub async fn create_scheme(
    State(state): State<AppState>,
    user: User,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (f, more) = scheme_from_pairs(&pairs);
    if more > 0 {
        return Ok(scheme_page(&user, f, Errors::default(), more));
    }
    match svc::create_scheme(&state, &user.account, &f).await {
        Ok(id) => Ok(see_other(format!(
            "/pt/rounds/new?scheme_id={id}&done=scheme_created"
        ))),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            Ok(scheme_page(&user, f, errors, 0))
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- the round form

#[derive(Template)]
#[template(path = "pt_round_form.html")]
struct RoundFormPage {
    c: Chrome,
    f: svc::RoundForm,
    /// (id, label) of the schemes the caller may start rounds of.
    schemes: Vec<(i64, String)>,
    /// Organisations to pick as the scope (code, name).
    orgs: Vec<(String, String)>,
    errors: Errors,
}

impl RoundFormPage {
    fn other_errors(&self) -> Vec<String> {
        self.errors.others(&[
            "scheme_id",
            "code",
            "title",
            "scope_code",
            "enrol_until",
            "dispatch_on",
            "results_until",
            "instructions",
            "instructions_file",
        ])
    }
}

fn round_from_pairs(pairs: &[(String, String)]) -> svc::RoundForm {
    let mut f = svc::RoundForm::default();
    for (k, v) in pairs {
        match k.as_str() {
            "scheme_id" => f.scheme_id = v.trim().parse().unwrap_or(0),
            "code" => f.code = v.clone(),
            "title" => f.title = v.clone(),
            "scope_code" => f.scope_code = v.clone(),
            "enrol_until" => f.enrol_until = v.clone(),
            "dispatch_on" => f.dispatch_on = v.clone(),
            "results_until" => f.results_until = v.clone(),
            "provincial_cma" => f.provincial_cma = ticked(v),
            "national_cma_by_invitation" => f.national_cma_by_invitation = ticked(v),
            "hk_macau_by_invitation" => f.hk_macau_by_invitation = ticked(v),
            "instructions" => f.instructions = v.clone(),
            _ => {}
        }
    }
    f
}

async fn round_form_page(
    state: &AppState,
    user: &User,
    f: svc::RoundForm,
    errors: Errors,
    flash: Option<String>,
) -> Result<Response, PageError> {
    let me = &user.account;
    let schemes = svc::my_schemes(state, me)
        .await?
        .into_iter()
        .map(|s| (s.id, format!("{}（{}）", s.name, s.provider_name)))
        .collect();
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = RoundFormPage {
        c: Chrome::new(&user.ctx, "pt", user.ctx.tr.t("pt.round.new")).with_flash(flash),
        f,
        schemes,
        orgs: renke_app::orgs::directory_choices(state, me, 500).await?,
        errors,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /pt/rounds/new`: the round form, the scheme chosen when the address names it, every
/// eligibility box ticked.
pub async fn new_round_form(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<PtQuery>,
) -> Result<Response, PageError> {
    let f = svc::RoundForm {
        scheme_id: q.scheme_id.unwrap_or(0),
        provincial_cma: true,
        national_cma_by_invitation: true,
        hk_macau_by_invitation: true,
        ..Default::default()
    };
    let flash = q.flash(&user.ctx.tr);
    round_form_page(&state, &user, f, Errors::default(), flash).await
}

/// `POST /pt/rounds/new` (multipart, with the instructions document when one is chosen).
pub async fn create_round(
    State(state): State<AppState>,
    user: User,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let (pairs, files): (Vec<(String, String)>, _) = super::read_form_with_files(req).await?;
    let f = round_from_pairs(&pairs);
    match svc::create_round_with_instructions(&state, &user.account, &f, files.first()).await {
        Ok(id) => Ok(see_other(format!("/pt/rounds/{id}?done=round_created"))),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            round_form_page(&state, &user, f, errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- the round page

/// A measurand as the round page lists it.
pub struct MeasurandLine {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub decimals: i32,
    pub kind: String,
    /// log10, or the categories of a qualitative measurand.
    pub detail: String,
}

/// A dispatch of samples with its receipt.
#[derive(Clone)]
pub struct DispatchLine {
    pub id: i64,
    pub courier: String,
    pub tracking: String,
    pub sent_on: String,
    /// When received, with the condition and the note; empty while not.
    pub received: String,
    pub chip: &'static str,
}

impl DispatchLine {
    pub fn is_received(&self) -> bool {
        !self.received.is_empty()
    }
}

/// An enrolment on the provider's table.
#[derive(Clone)]
pub struct EnrolRow {
    pub id: i64,
    pub lab: String,
    pub city: String,
    pub status: String,
    pub status_label: String,
    pub chip: &'static str,
    pub invited: bool,
    pub sample_code: String,
    pub measurands: String,
    pub applied_at: String,
    pub dispatches: Vec<DispatchLine>,
    pub receipt_overdue: bool,
}

/// The caller's lab's enrolment.
pub struct MyLine {
    pub id: i64,
    pub status: String,
    pub status_label: String,
    pub chip: &'static str,
    pub sample_code: String,
    pub measurand_ids: Vec<i64>,
    pub measurands: String,
    pub dispatches: Vec<DispatchLine>,
}

/// An uploaded file as a page lists it: its name and size, and where it downloads.
pub struct FileLine {
    pub id: i64,
    pub name: String,
    pub size: String,
    pub href: String,
}

impl FileLine {
    fn new(f: &renke_app::model::StoredFile, href: String) -> FileLine {
        FileLine {
            id: f.id,
            name: f.name.clone(),
            size: renke_domain::file::human_size(f.size.max(0) as u64),
            href,
        }
    }
}

/// The lab's released outcome for one measurand, as its page and its letter print it.
pub struct OutcomeLine {
    pub measurand_id: i64,
    pub measurand: String,
    pub unit: String,
    pub result: String,
    pub assigned: String,
    pub u_assigned: String,
    pub sigma_pt: String,
    pub score_name: String,
    pub score: String,
    pub class: String,
    pub chip: &'static str,
    pub zeta: String,
    pub en: String,
    pub late: bool,
}

/// A chart on the round page: its caption and its SVG (from `renke_render::chart`, which
/// escapes every text it writes, so the page inlines it as it is).
pub struct ChartLine {
    pub id: String,
    pub caption: String,
    pub svg: String,
}

/// 结果分布 on the round page: per measurand its charts, then the Youden plots.
pub struct ChartsView {
    /// A lab's view (its own result marked, others without codes).
    pub lab: bool,
    pub measurands: Vec<(String, Vec<ChartLine>)>,
    pub youden: Vec<ChartLine>,
}

impl ChartsView {
    fn of(tr: &Tr, ch: svc::RoundCharts) -> ChartsView {
        let measurands = ch
            .measurands
            .into_iter()
            .map(|m| {
                let name = ("name", m.name.clone());
                let score = ("score", m.score_name.to_owned());
                let ranked = if m.step > 1 {
                    tr.tf(
                        "pt.charts.ranked_thinned",
                        &[
                            name.clone(),
                            score,
                            ("n", m.scored.to_string()),
                            ("step", m.step.to_string()),
                        ],
                    )
                } else {
                    tr.tf("pt.charts.ranked", &[name.clone(), score])
                };
                let charts = vec![
                    ChartLine {
                        id: format!("distribution-{}", m.measurand_id),
                        caption: tr.tf("pt.charts.distribution", &[name]),
                        svg: m.distribution,
                    },
                    ChartLine {
                        id: format!("ranked-{}", m.measurand_id),
                        caption: ranked,
                        svg: m.ranked,
                    },
                ];
                (m.name, charts)
            })
            .collect();
        let youden = ch
            .youden
            .into_iter()
            .enumerate()
            .map(|(i, y)| ChartLine {
                id: format!("youden-{}", i + 1),
                caption: tr.tf("pt.charts.youden", &[("a", y.a), ("b", y.b)]),
                svg: y.svg,
            })
            .collect();
        ChartsView {
            lab: ch.own.is_some(),
            measurands,
            youden,
        }
    }
    fn is_empty(&self) -> bool {
        self.measurands.is_empty() && self.youden.is_empty()
    }
}

#[derive(Template)]
#[template(path = "pt_round.html")]
struct RoundPage {
    c: Chrome,
    id: i64,
    code: String,
    title: String,
    scheme: String,
    field: String,
    provider: String,
    status: RoundStatus,
    enrol_until: String,
    dispatch_on: String,
    results_until: String,
    instructions: Option<String>,
    /// The instructions document (作业指导书), if uploaded.
    instructions_file: Option<FileLine>,
    /// The provider may upload or replace it (until release).
    may_upload_instructions: bool,
    rule: String,
    measurands: Vec<MeasurandLine>,
    runs: bool,
    may_apply: bool,
    standing: Option<Standing>,
    mine: Option<MyLine>,
    /// Every enrolment (the counts and the invited-only list are over all of them).
    enrolments: Vec<EnrolRow>,
    /// The page of enrolments past the invitation shown, under `enrolled`.
    shown: Vec<EnrolRow>,
    /// The participant filter chosen (empty for all).
    enrolled: String,
    pager: Pager,
    approved: i64,
    submitted: i64,
    /// The invitation picker: labs the rule admits by invitation (code, label).
    invitable: Vec<(String, String)>,
    q: String,
    outcomes: Vec<OutcomeLine>,
    refused: Refused,
    /// The round report may be downloaded: the provider once every measurand is
    /// evaluated, a participant and the bureaus above the provider once released.
    report: bool,
    /// 下载全部结果通知书: the provider once every measurand is evaluated.
    letters: bool,
    /// Participation by city, for the provider and the administration above it.
    participation: Option<Vec<svc::CityParticipation>>,
    /// The caller's lab, whose history its released scores link to.
    history_lab: Option<i64>,
    /// A refused spreadsheet import's rows.
    import_rows: Vec<String>,
    /// 结果分布: the round's charts for those who may see them (none in enrolment, and
    /// none for a lab before release).
    charts: Option<ChartsView>,
}

impl RoundPage {
    fn participation_total(&self) -> (usize, usize, usize) {
        self.participation.as_ref().map_or((0, 0, 0), |list| {
            list.iter().fold((0, 0, 0), |(a, b, c), p| {
                (a + p.eligible, b + p.enrolled, c + p.reported)
            })
        })
    }
    fn status_label(&self) -> &'static str {
        self.c.tr.pick(self.status.zh(), self.status.en())
    }
    fn status_chip(&self) -> &'static str {
        round_chip(self.status)
    }
    fn in_enrolment(&self) -> bool {
        self.status == RoundStatus::Enrolment
    }
    fn in_testing(&self) -> bool {
        self.status == RoundStatus::Testing
    }
    fn released(&self) -> bool {
        self.status == RoundStatus::Released
    }
    fn err(&self, form: &str, field: &str) -> String {
        self.refused.err(form, field)
    }
    fn typed(&self, form: &str, field: &str) -> String {
        self.refused.typed(form, field)
    }
    fn dispatch_form(&self, e: &i64) -> String {
        format!("dispatch-{e}")
    }
    fn receipt_form(&self, d: &i64) -> String {
        format!("receipt-{d}")
    }
    fn standing_text(&self) -> &'static str {
        match self.standing {
            Some(Standing::Qualifies) => self.c.tr.t("pt.standing.qualifies"),
            Some(Standing::ByInvitation) => self.c.tr.t("pt.standing.by_invitation"),
            Some(Standing::NotEligible) => self.c.tr.t("pt.standing.not_eligible"),
            None => "",
        }
    }
    /// Whether the apply form ticks measurand `id`: what was typed when refused, else the
    /// lab's enrolment's, else every one.
    fn apply_ticks(&self, id: &i64) -> bool {
        if self.refused.form == "apply" {
            return self
                .refused
                .typed
                .iter()
                .any(|(k, v)| k == "measurand_ids" && v == &id.to_string());
        }
        match &self.mine {
            Some(m) if !m.measurand_ids.is_empty() => m.measurand_ids.contains(id),
            _ => true,
        }
    }
    fn conditions(&self) -> Vec<(&'static str, &'static str)> {
        SampleCondition::ALL
            .iter()
            .map(|c| (c.as_str(), self.c.tr.pick(c.zh(), c.en())))
            .collect()
    }
    /// Whether the receipt form of dispatch `d` has condition `code` chosen (完好 unless
    /// typed otherwise).
    fn condition_is(&self, d: &i64, code: &str) -> bool {
        let typed = self.typed(&self.receipt_form(d), "condition");
        if typed.is_empty() {
            code == "intact"
        } else {
            typed == code
        }
    }
    /// The participant filters with their labels and counts.
    fn enrolled_filters(&self) -> Vec<(&'static str, String)> {
        ENROLLED_FILTERS
            .iter()
            .map(|f| {
                let n = self
                    .enrolments
                    .iter()
                    .filter(|e| enrolled_under(e, f))
                    .count();
                (
                    *f,
                    format!("{}（{n}）", self.c.tr.t(&format!("pt.enrolled.{f}"))),
                )
            })
            .collect()
    }
    /// Labs invited that have not answered yet.
    fn invited_only(&self) -> Vec<&EnrolRow> {
        self.enrolments
            .iter()
            .filter(|e| e.status == "invited")
            .collect()
    }
    fn invited_line(&self, n: usize) -> String {
        self.c
            .tr
            .tf("pt.enrolments.invited_only", &[("n", n.to_string())])
    }
    fn dispatched(&self) -> usize {
        self.enrolments
            .iter()
            .filter(|e| !e.dispatches.is_empty())
            .count()
    }
    fn received(&self) -> usize {
        self.enrolments
            .iter()
            .filter(|e| e.dispatches.last().is_some_and(DispatchLine::is_received))
            .count()
    }
    fn overdue(&self) -> Vec<&EnrolRow> {
        self.enrolments
            .iter()
            .filter(|e| e.receipt_overdue)
            .collect()
    }
    fn counts_line(&self) -> String {
        self.c.tr.tf(
            "pt.round.counts",
            &[
                ("enrolled", self.enrolments.len().to_string()),
                ("approved", self.approved.to_string()),
                ("submitted", self.submitted.to_string()),
            ],
        )
    }
    fn receipt_line(&self) -> String {
        self.c.tr.tf(
            "pt.receipt.line",
            &[
                ("dispatched", self.dispatched().to_string()),
                ("received", self.received().to_string()),
                ("days", svc::RECEIPT_DAYS.to_string()),
            ],
        )
    }
}

fn dispatch_lines(tr: &Tr, ds: &[DispatchRef<'_>]) -> Vec<DispatchLine> {
    ds.iter()
        .map(|d| {
            let condition = d
                .condition
                .map(|c| condition_label(tr, c))
                .unwrap_or_default();
            let received = match d.received_at {
                Some(t) => {
                    let mut s = format!("{} · {condition}", local_time(t));
                    if let Some(n) = d.note {
                        s.push_str(&format!("（{n}）"));
                    }
                    s
                }
                None => String::new(),
            };
            DispatchLine {
                id: d.id,
                courier: d.courier.to_owned(),
                tracking: d.tracking.to_owned(),
                sent_on: d.sent_on.to_string(),
                received,
                chip: match d.condition {
                    Some("intact") => "green",
                    Some(_) => "red",
                    None => "grey",
                },
            }
        })
        .collect()
}

/// The fields of a dispatch the page shows, borrowed from the read model.
struct DispatchRef<'a> {
    id: i64,
    courier: &'a str,
    tracking: &'a str,
    sent_on: chrono::NaiveDate,
    received_at: Option<&'a chrono::DateTime<chrono::Utc>>,
    condition: Option<&'a str>,
    note: Option<&'a str>,
}

macro_rules! dispatch_refs {
    ($list:expr) => {
        $list
            .iter()
            .map(|d| DispatchRef {
                id: d.id,
                courier: &d.courier,
                tracking: &d.tracking,
                sent_on: d.sent_on,
                received_at: d.received_at.as_ref(),
                condition: d.condition.as_deref(),
                note: d.receipt_note.as_deref(),
            })
            .collect::<Vec<_>>()
    };
}

/// Renders round `id` for the caller (the refused form's status when one was refused).
async fn round_page(
    state: &AppState,
    user: &User,
    id: i64,
    q: &PtQuery,
    status: StatusCode,
    refused: Refused,
) -> Result<Response, PageError> {
    let tr = user.ctx.tr;
    let me = &user.account;
    let v = svc::round_view(state, me, id).await?;
    let names: BTreeMap<i64, String> = v
        .measurands
        .iter()
        .map(|m| (m.id, m.name.clone()))
        .collect();
    let names_of = |ids: &[i64]| {
        ids.iter()
            .filter_map(|i| names.get(i).cloned())
            .collect::<Vec<_>>()
            .join("、")
    };
    let measurands = v
        .measurands
        .iter()
        .map(|m| {
            let kind = MeasurandKind::from_code(&m.kind).unwrap_or(MeasurandKind::Quantitative);
            let mut detail = match kind {
                MeasurandKind::Qualitative => m.category_list().join(" / "),
                MeasurandKind::Quantitative if m.log10 => tr.t("pt.log10_note").to_owned(),
                MeasurandKind::Quantitative => String::new(),
            };
            if let Some(g) = m.pair_group.as_deref().filter(|g| !g.is_empty()) {
                if !detail.is_empty() {
                    detail.push_str(" · ");
                }
                detail.push_str(&tr.tf("pt.measurand.paired", &[("group", g.to_owned())]));
            }
            MeasurandLine {
                id: m.id,
                name: m.name.clone(),
                unit: m.unit.clone().unwrap_or_default(),
                decimals: m.decimals,
                kind: kind_label(&tr, &m.kind),
                detail,
            }
        })
        .collect();
    let enrolments = v
        .enrolments
        .iter()
        .map(|r| {
            let e = &r.enrolment;
            EnrolRow {
                id: e.id,
                lab: e.lab_name.clone(),
                city: e.city_name.clone().unwrap_or_default(),
                status: e.status.clone(),
                status_label: enrolment_label(&tr, &e.status),
                chip: enrolment_chip(&e.status),
                invited: e.invited,
                sample_code: e.sample_code.clone().unwrap_or_default(),
                measurands: names_of(&r.measurand_ids),
                applied_at: e.applied_at.as_ref().map(local_time).unwrap_or_default(),
                dispatches: dispatch_lines(&tr, &dispatch_refs!(r.dispatches)),
                receipt_overdue: r.receipt_overdue,
            }
        })
        .collect::<Vec<EnrolRow>>();
    let enrolled = q
        .enrolled
        .clone()
        .filter(|f| ENROLLED_FILTERS.contains(&f.as_str()))
        .unwrap_or_default();
    let listed: Vec<&EnrolRow> = enrolments
        .iter()
        .filter(|e| enrolled_under(e, &enrolled))
        .collect();
    let total = listed.len() as i64;
    let last_page = (total - 1).max(0) / PAGE_SIZE * PAGE_SIZE;
    let pager = Pager {
        offset: q.offset.clamp(0, last_page),
        limit: PAGE_SIZE,
        total,
        base: if enrolled.is_empty() {
            format!("/pt/rounds/{id}?")
        } else {
            format!("/pt/rounds/{id}?enrolled={enrolled}&")
        },
    };
    let shown = listed
        .into_iter()
        .skip(pager.offset as usize)
        .take(PAGE_SIZE as usize)
        .cloned()
        .collect();
    let mine = v.mine.as_ref().map(|m| MyLine {
        id: m.enrolment.id,
        status: m.enrolment.status.clone(),
        status_label: enrolment_label(&tr, &m.enrolment.status),
        chip: enrolment_chip(&m.enrolment.status),
        sample_code: m.enrolment.sample_code.clone().unwrap_or_default(),
        measurand_ids: m.measurand_ids.clone(),
        measurands: names_of(&m.measurand_ids),
        dispatches: dispatch_lines(&tr, &dispatch_refs!(m.dispatches)),
    });
    let q_text = q.q.clone().unwrap_or_default();
    let invitable = if v.runs && v.status == RoundStatus::Enrolment {
        svc::invitable(state, me, id, &q_text)
            .await?
            .into_iter()
            .map(|(lab, standing)| {
                let note = match standing {
                    Standing::Qualifies => tr.t("pt.standing.short.qualifies"),
                    _ => tr.t("pt.standing.short.by_invitation"),
                };
                let cma = lab
                    .cma_level
                    .as_deref()
                    .map(|c| format!(" · CMA {c}"))
                    .unwrap_or_default();
                let label = format!("{}（{}{cma} · {note}）", lab.name, lab.code);
                (lab.code, label)
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut outcomes = Vec::new();
    if v.status == RoundStatus::Released
        && let Some(m) = &mine
        && m.status == "approved"
    {
        let (_, _, list) = svc::lab_outcomes(state, me, m.id).await?;
        for o in list {
            let Some(r) = &o.row else { continue };
            let d = fig_decimals(o.measurand.decimals);
            let (score_name, score) = match r.score_kind.as_str() {
                "z" => ("z", r.z),
                "z_prime" => ("z′", r.z_prime),
                _ => ("—", None),
            };
            let unit = o.measurand.unit.clone().unwrap_or_default();
            outcomes.push(OutcomeLine {
                measurand_id: o.measurand.id,
                measurand: o.measurand.name.clone(),
                unit: if o.log10 { format!("lg({unit})") } else { unit },
                result: r.result.clone(),
                assigned: o.expected.clone().unwrap_or_else(|| num(o.assigned, d)),
                u_assigned: num(o.u_assigned, d),
                sigma_pt: num(o.sigma_pt, d),
                score_name: score_name.to_owned(),
                score: num(score, 2),
                class: class_label(&tr, r.class),
                chip: class_chip(r.class),
                zeta: num(r.zeta, 2),
                en: num(r.en, 2),
                late: r.late,
            });
        }
    }
    // The documents of the round, and who sees the participation by city.
    let participation = if v.runs || v.mine.is_none() {
        match svc::participation(state, me, id).await {
            Ok(list) => Some(list),
            Err(AppError::NotFound | AppError::Forbidden) => None,
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let evaluated = if v.runs && v.status != RoundStatus::Enrolment {
        let list = svc::evaluations(state, me, id).await?;
        !list.is_empty() && list.iter().all(|m| m.latest.is_some())
    } else {
        false
    };
    let released = v.status == RoundStatus::Released;
    let approved_here = mine.as_ref().is_some_and(|m| m.status == "approved");
    let report = (v.runs && evaluated)
        || (released && (approved_here || (!v.runs && participation.is_some())));
    let history_lab = v
        .mine
        .as_ref()
        .filter(|_| released && approved_here)
        .map(|m| m.enrolment.lab_org_id);
    let import_rows = if refused.form == "import" {
        row_lines(&tr, &refused.errors)
    } else {
        Vec::new()
    };
    let instructions_file = svc::instructions_file(state, me, id)
        .await?
        .map(|f| FileLine::new(&f, format!("/pt/rounds/{id}/instructions")));
    let charts = if v.status == RoundStatus::Enrolment {
        None
    } else {
        svc::round_charts(state, me, id)
            .await?
            .map(|ch| ChartsView::of(&tr, ch))
    };
    let r = &v.round;
    let page = RoundPage {
        charts,
        instructions_file,
        may_upload_instructions: v.runs && v.status != RoundStatus::Released,
        report,
        letters: v.runs && evaluated,
        participation,
        history_lab,
        import_rows,
        c: Chrome::new(&user.ctx, "pt", format!("{} · {}", r.code, r.title))
            .with_flash(q.flash(&tr)),
        id: r.id,
        code: r.code.clone(),
        title: r.title.clone(),
        scheme: r.scheme_name.clone(),
        field: r.field.clone(),
        provider: r.provider_name.clone(),
        status: v.status,
        enrol_until: local_time(&r.enrol_until),
        dispatch_on: r.dispatch_on.to_string(),
        results_until: local_time(&r.results_until),
        instructions: r.instructions.clone(),
        rule: if tr.is_zh() {
            v.rule_zh.clone()
        } else {
            v.rule_en.clone()
        },
        measurands,
        runs: v.runs,
        may_apply: v.may_apply,
        standing: v.my_standing,
        mine,
        enrolments,
        shown,
        enrolled,
        pager,
        approved: v.approved,
        submitted: v.submitted,
        invitable,
        q: q_text,
        outcomes,
        refused,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /pt/rounds/{id}`.
pub async fn show_round(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(q): Query<PtQuery>,
) -> Result<Response, PageError> {
    round_page(&state, &user, id, &q, StatusCode::OK, Refused::default()).await
}

/// After a round page's form: back to the page with its flash, or the page again with the
/// refusal.
async fn after(
    state: &AppState,
    user: &User,
    id: i64,
    form: &str,
    typed: Vec<(String, String)>,
    shown: &[&str],
    result: Result<String, AppError>,
) -> Result<Response, PageError> {
    match result {
        Ok(to) => Ok(see_other(to)),
        Err(e) => {
            let (status, refused) = Refused::of(user.ctx.tr, form, typed, shown, e)?;
            round_page(state, user, id, &PtQuery::default(), status, refused).await
        }
    }
}

/// `GET /pt/rounds/{id}/instructions`: the instructions document, for whoever sees the
/// round.
pub async fn instructions(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let (file, bytes) = svc::instructions_download(&state, &user.account, id).await?;
    Ok(crate::download::stored(&file, bytes))
}

/// `POST /pt/rounds/{id}/instructions`: the provider uploads the instructions document,
/// replacing any earlier one; a refused file shows the round with the reason.
pub async fn upload_instructions(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let r = match super::read_upload(req).await {
        Ok(up) => svc::attach_instructions(&state, &user.account, id, &up.file)
            .await
            .map(|_| format!("/pt/rounds/{id}?done=instructions_uploaded#instructions")),
        Err(e) => Err(e),
    };
    after(&state, &user, id, "instructions", Vec::new(), &["file"], r).await
}

/// `GET /pt/enrolments/{id}/certificate.pdf`: the lab's certificate of participation.
pub async fn certificate_pdf(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let file = svc::certificate_pdf(&state, &user.account, id).await?;
    Ok(crate::download::pdf(file))
}

/// `POST /pt/rounds/{id}/invite-qualifying`: 邀请符合条件的机构.
pub async fn invite_qualifying(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let r = svc::invite_qualifying(&state, &user.account, id)
        .await
        .map(|n| format!("/pt/rounds/{id}?done=invited&n={n}#enrolments"));
    after(&state, &user, id, "invite-qualifying", Vec::new(), &[], r).await
}

/// `POST /pt/rounds/{id}/invite`: invites one lab chosen in the picker.
pub async fn invite_lab(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = svc::InviteForm {
        lab_code: field(&pairs, "lab_code"),
    };
    let r = svc::invite_lab(&state, &user.account, id, &f)
        .await
        .map(|()| format!("/pt/rounds/{id}?done=invited_one#enrolments"));
    after(&state, &user, id, "invite", pairs, &["lab_code"], r).await
}

/// `POST /pt/rounds/{id}/apply`: the caller's lab applies with the measurands ticked.
pub async fn apply(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = svc::ApplyForm {
        measurand_ids: pairs
            .iter()
            .filter(|(k, _)| k == "measurand_ids")
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect(),
    };
    let r = svc::apply(&state, &user.account, id, &f)
        .await
        .map(|_| format!("/pt/rounds/{id}?done=applied#mine"));
    after(&state, &user, id, "apply", pairs, &["measurand_ids"], r).await
}

/// Where a provider's form on the participant list was sent from (the filter and the page
/// offset, as hidden fields), as query parameters to return there.
fn list_place(pairs: &[(String, String)]) -> String {
    let mut place = String::new();
    let f = field(pairs, "enrolled");
    if ENROLLED_FILTERS.contains(&f.as_str()) {
        place.push_str(&format!("&enrolled={f}"));
    }
    if let Ok(o) = field(pairs, "offset").parse::<u32>()
        && o > 0
    {
        place.push_str(&format!("&offset={o}"));
    }
    place
}

/// `POST /pt/rounds/{id}/enrolments/{enrolment}/decide`: approve or decline.
pub async fn decide(
    State(state): State<AppState>,
    user: User,
    PagePath((id, enrolment)): PagePath<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let approve = field(&pairs, "decision") == "approve";
    let r = svc::decide(&state, &user.account, enrolment, approve)
        .await
        .map(|()| {
            let done = if approve { "approved" } else { "declined" };
            let place = list_place(&pairs);
            format!("/pt/rounds/{id}?done={done}{place}#enrolment-{enrolment}")
        });
    after(&state, &user, id, "decide", Vec::new(), &[], r).await
}

/// `POST /pt/rounds/{id}/start`: 开始检测.
pub async fn start_testing(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let r = svc::start_testing(&state, &user.account, id)
        .await
        .map(|()| format!("/pt/rounds/{id}?done=testing"));
    after(&state, &user, id, "start", Vec::new(), &[], r).await
}

/// `POST /pt/rounds/{id}/enrolments/{enrolment}/dispatch`: records samples sent.
pub async fn dispatch(
    State(state): State<AppState>,
    user: User,
    PagePath((id, enrolment)): PagePath<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = svc::DispatchForm {
        courier: field(&pairs, "courier"),
        tracking: field(&pairs, "tracking"),
        sent_on: field(&pairs, "sent_on"),
    };
    let r = svc::dispatch(&state, &user.account, enrolment, &f)
        .await
        .map(|_| {
            let place = list_place(&pairs);
            format!("/pt/rounds/{id}?done=dispatched{place}#enrolment-{enrolment}")
        });
    let form = format!("dispatch-{enrolment}");
    let shown = ["courier", "tracking", "sent_on"];
    after(&state, &user, id, &form, pairs, &shown, r).await
}

/// `POST /pt/rounds/{id}/dispatches/{dispatch}/receipt`: the lab confirms receipt.
pub async fn confirm_receipt(
    State(state): State<AppState>,
    user: User,
    PagePath((id, dispatch)): PagePath<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = svc::ReceiptForm {
        condition: field(&pairs, "condition"),
        note: field(&pairs, "note"),
    };
    let r = svc::confirm_receipt(&state, &user.account, id, dispatch, &f)
        .await
        .map(|()| format!("/pt/rounds/{id}?done=received#mine"));
    let form = format!("receipt-{dispatch}");
    after(&state, &user, id, &form, pairs, &["condition", "note"], r).await
}

/// `POST /pt/rounds/{id}/release`: publishes the latest evaluations.
pub async fn release(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let r = svc::release(&state, &user.account, id)
        .await
        .map(|()| format!("/pt/rounds/{id}?done=released"));
    after(&state, &user, id, "release", Vec::new(), &[], r).await
}

/// The value of `name` in a form's pairs (the last one), or empty.
fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

// ---------------------------------------------------------------- results

/// One measurand's row of the results form.
pub struct ResultLine {
    pub i: usize,
    pub measurand_id: i64,
    pub name: String,
    pub unit: String,
    pub decimals: i32,
    pub qualitative: bool,
    pub categories: Vec<String>,
    pub value: String,
    pub replicates: String,
    pub u: String,
    pub k: String,
    pub method: String,
    pub not_tested: String,
    /// Submitted at (and 逾期 when late); empty while only saved or not entered.
    pub submitted: String,
    pub saved: bool,
    pub row_err: String,
    pub value_err: String,
    pub replicates_err: String,
    pub u_err: String,
    pub k_err: String,
    pub method_err: String,
    pub not_tested_err: String,
}

impl ResultLine {
    pub fn has_error(&self) -> bool {
        [
            &self.row_err,
            &self.value_err,
            &self.replicates_err,
            &self.u_err,
            &self.k_err,
            &self.method_err,
            &self.not_tested_err,
        ]
        .iter()
        .any(|e| !e.is_empty())
    }
    pub fn is_category(&self, c: &str) -> bool {
        self.value == c
    }
}

/// The typed fields of a stored result, as the form shows them again.
fn raw_of(entry: &ResultEntry, decimals: i32) -> [String; 6] {
    let (value, replicates, not_tested) = match &entry.reported {
        Reported::Value { value, replicates } => (
            reported_number(*value, decimals),
            replicates
                .iter()
                .map(|v| reported_number(*v, decimals))
                .collect::<Vec<_>>()
                .join(", "),
            String::new(),
        ),
        Reported::BelowLoq { limit } => (
            format!("<{}", typed_number(*limit)),
            String::new(),
            String::new(),
        ),
        Reported::NotTested { reason } => (String::new(), String::new(), reason.clone()),
        Reported::Category { category } => (category.clone(), String::new(), String::new()),
    };
    [
        value,
        replicates,
        entry.u.map(typed_number).unwrap_or_default(),
        entry.k.map(typed_number).unwrap_or_default(),
        entry.method.clone().unwrap_or_default(),
        not_tested,
    ]
}

#[derive(Template)]
#[template(path = "pt_results.html")]
struct ResultsPage {
    c: Chrome,
    enrolment_id: i64,
    round_id: i64,
    round_code: String,
    round_title: String,
    lab: String,
    sample_code: String,
    results_until: String,
    /// The deadline has passed: a submission now is flagged late.
    past_deadline: bool,
    /// The form is open (the round is testing and the enrolment approved).
    editable: bool,
    /// The provider enters on the lab's behalf (the note is asked for).
    behalf: bool,
    behalf_note: String,
    rows: Vec<ResultLine>,
    errors: Errors,
    /// A refused spreadsheet import (form `import`), and its rows' messages.
    import: Refused,
    import_rows: Vec<String>,
}

impl ResultsPage {
    fn import_err(&self, field: &str) -> String {
        self.import.err("import", field)
    }
    fn other_errors(&self) -> Vec<String> {
        let mut shown = vec!["behalf_note".to_owned()];
        for r in &self.rows {
            for p in [
                "measurand_id",
                "value",
                "replicates",
                "u",
                "k",
                "method",
                "not_tested",
            ] {
                shown.push(format!("results[{}].{p}", r.i));
            }
        }
        let refs: Vec<&str> = shown.iter().map(String::as_str).collect();
        self.errors.others(&refs)
    }
    fn value_help(&self, r: &ResultLine) -> String {
        self.c
            .tr
            .tf("pt.results.value_help", &[("d", r.decimals.to_string())])
    }
    fn waiting_line(&self) -> String {
        self.c
            .tr
            .tf("pt.results.waiting", &[("n", self.waiting().to_string())])
    }
    fn waiting(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.saved && r.submitted.is_empty())
            .count()
    }
}

/// What the results pages know of an enrolment: the caller's view of its round, the
/// enrolment's fields, its measurands, its stored results, and whether the caller enters
/// on the lab's behalf.
struct ResultsContext {
    round_id: i64,
    round_code: String,
    round_title: String,
    results_until: chrono::DateTime<chrono::Utc>,
    testing: bool,
    lab: String,
    sample_code: String,
    approved: bool,
    behalf: bool,
    /// The caller enters results (the lab itself, or the provider); viewers only read.
    may_enter: bool,
    /// (id, name, unit, decimals, kind, categories) of the enrolment's measurands.
    measurands: Vec<(i64, String, String, i32, MeasurandKind, Vec<String>)>,
    /// Stored results by measurand.
    stored: BTreeMap<i64, StoredResult>,
}

/// A stored result: the entry, when it was submitted (none while only saved), whether
/// late, and the provider's note when it entered it for the lab.
struct StoredResult {
    entry: ResultEntry,
    submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    late: bool,
    behalf_note: Option<String>,
}

async fn results_context(
    state: &AppState,
    user: &User,
    enrolment_id: i64,
) -> Result<ResultsContext, PageError> {
    let me = &user.account;
    let (e, rows) = svc::results_of(state, me, enrolment_id).await?;
    let v = svc::round_view(state, me, e.round_id).await?;
    let mine = v.mine.as_ref().filter(|m| m.enrolment.id == e.id);
    let ids: Vec<i64> = match mine {
        Some(m) => m.measurand_ids.clone(),
        None => v
            .enrolments
            .iter()
            .find(|r| r.enrolment.id == e.id)
            .map(|r| r.measurand_ids.clone())
            .unwrap_or_default(),
    };
    let measurands = v
        .measurands
        .iter()
        .filter(|m| ids.contains(&m.id))
        .map(|m| {
            (
                m.id,
                m.name.clone(),
                m.unit.clone().unwrap_or_default(),
                m.decimals,
                MeasurandKind::from_code(&m.kind).unwrap_or(MeasurandKind::Quantitative),
                m.category_list(),
            )
        })
        .collect();
    let stored = rows
        .into_iter()
        .map(|(r, entry)| {
            let stored = StoredResult {
                entry,
                submitted_at: r.submitted_at,
                late: r.late,
                behalf_note: r.behalf_note,
            };
            (r.measurand_id, stored)
        })
        .collect();
    Ok(ResultsContext {
        round_id: v.round.id,
        round_code: v.round.code.clone(),
        round_title: v.round.title.clone(),
        results_until: v.round.results_until,
        testing: v.status == RoundStatus::Testing,
        lab: e.lab_name.clone(),
        sample_code: e.sample_code.clone().unwrap_or_default(),
        approved: e.status == "approved",
        behalf: v.runs && mine.is_none(),
        may_enter: svc::may_enter_results(state, me, e.id).await?,
        measurands,
        stored,
    })
}

/// The typed results of the form's pairs, row by row, and the note and the button pressed.
fn results_from_pairs(pairs: &[(String, String)]) -> (svc::ResultsForm, String) {
    let mut rows: BTreeMap<usize, svc::ResultInput> = BTreeMap::new();
    let mut f = svc::ResultsForm::default();
    let mut action = String::new();
    for (k, v) in pairs {
        match k.as_str() {
            "behalf_note" => f.behalf_note = v.clone(),
            "action" => action = v.clone(),
            _ => {
                if let Some((i, part)) = indexed(k, "results") {
                    let r = rows.entry(i).or_default();
                    match part {
                        "measurand_id" => r.measurand_id = v.trim().parse().unwrap_or(0),
                        "value" => r.value = v.clone(),
                        "replicates" => r.replicates = v.clone(),
                        "u" => r.u = v.clone(),
                        "k" => r.k = v.clone(),
                        "method" => r.method = v.clone(),
                        "not_tested" => r.not_tested = v.clone(),
                        _ => {}
                    }
                }
            }
        }
    }
    f.results = rows.into_values().collect();
    (f, action)
}

async fn results_page(
    state: &AppState,
    user: &User,
    enrolment_id: i64,
    typed: Option<svc::ResultsForm>,
    errors: Errors,
    flash: Option<String>,
    import: Refused,
) -> Result<Response, PageError> {
    let tr = user.ctx.tr;
    let cx = results_context(state, user, enrolment_id).await?;
    let mut behalf_note = String::new();
    let rows = cx
        .measurands
        .iter()
        .enumerate()
        .map(|(i, (id, name, unit, decimals, kind, categories))| {
            let stored = cx.stored.get(id);
            let [value, replicates, u, k, method, not_tested] = match &typed {
                Some(f) => match f.results.iter().find(|r| r.measurand_id == *id) {
                    Some(r) => [
                        r.value.clone(),
                        r.replicates.clone(),
                        r.u.clone(),
                        r.k.clone(),
                        r.method.clone(),
                        r.not_tested.clone(),
                    ],
                    None => Default::default(),
                },
                None => stored
                    .map(|x| raw_of(&x.entry, *decimals))
                    .unwrap_or_default(),
            };
            if let Some(n) = stored.and_then(|x| x.behalf_note.as_ref())
                && behalf_note.is_empty()
            {
                behalf_note = n.clone();
            }
            let submitted = match stored {
                Some(x) if x.submitted_at.is_some() => {
                    let mut s = x.submitted_at.as_ref().map(local_time).unwrap_or_default();
                    if x.late {
                        s.push_str(&format!(" · {}", tr.t("pt.late")));
                    }
                    s
                }
                _ => String::new(),
            };
            let e = |p: &str| errors.of(&format!("results[{i}].{p}"));
            ResultLine {
                i,
                measurand_id: *id,
                name: name.clone(),
                unit: unit.clone(),
                decimals: *decimals,
                qualitative: *kind == MeasurandKind::Qualitative,
                categories: categories.clone(),
                value,
                replicates,
                u,
                k,
                method,
                not_tested,
                submitted,
                saved: stored.is_some(),
                row_err: e("measurand_id"),
                value_err: e("value"),
                replicates_err: e("replicates"),
                u_err: e("u"),
                k_err: e("k"),
                method_err: e("method"),
                not_tested_err: e("not_tested"),
            }
        })
        .collect();
    if let Some(f) = &typed {
        behalf_note = f.behalf_note.clone();
    }
    let status = if errors.any() || import.errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if !import.messages.is_empty() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let import_rows = row_lines(&tr, &import.errors);
    let page = ResultsPage {
        c: Chrome::new(
            &user.ctx,
            "pt",
            format!("{} · {}", tr.t("pt.results.title"), cx.round_code),
        )
        .with_flash(flash),
        enrolment_id,
        round_id: cx.round_id,
        round_code: cx.round_code,
        round_title: cx.round_title,
        lab: cx.lab,
        sample_code: cx.sample_code,
        results_until: local_time(&cx.results_until),
        past_deadline: state.clock.now() > cx.results_until,
        editable: cx.testing && cx.approved && cx.may_enter,
        behalf: cx.behalf,
        behalf_note,
        rows,
        errors,
        import,
        import_rows,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /pt/enrolments/{id}/results`: the results form (read-only outside testing).
pub async fn results_form(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(q): Query<PtQuery>,
) -> Result<Response, PageError> {
    let flash = q.flash(&user.ctx.tr);
    results_page(
        &state,
        &user,
        id,
        None,
        Errors::default(),
        flash,
        Refused::default(),
    )
    .await
}

/// `POST /pt/enrolments/{id}/results`: 保存 keeps the results; 提交 keeps them and shows
/// what will be submitted, to confirm.
pub async fn save_results(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (f, action) = results_from_pairs(&pairs);
    match svc::save_results(&state, &user.account, id, &f).await {
        Ok(()) if action == "review" => {
            Ok(see_other(format!("/pt/enrolments/{id}/results/confirm")))
        }
        Ok(()) => Ok(see_other(format!("/pt/enrolments/{id}/results?done=saved"))),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            results_page(&state, &user, id, Some(f), errors, None, Refused::default()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether `f` is a field of an imported spreadsheet's row (`row5.value`).
fn is_row_field(f: &str) -> bool {
    f.strip_prefix("row")
        .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
}

/// A spreadsheet column's label, by the field name the import gives it.
fn column_label(tr: &Tr, col: &str) -> String {
    let key = match col {
        "sample_code" => "pt.sample_code",
        "measurand" => "pt.measurand",
        "unit" => "pt.measurand.unit",
        "value" => "pt.results.value",
        "replicates" => "pt.results.replicates",
        "u" => "pt.results.u",
        "k" => "pt.results.k",
        "method" => "pt.results.method",
        "not_tested" => "pt.results.not_tested",
        other => return other.to_owned(),
    };
    tr.t(key).to_owned()
}

/// An import's errors on its rows, one line each: 第 5 行 · 结果：不是有效的数字：五十.
fn row_lines(tr: &Tr, errors: &Errors) -> Vec<String> {
    errors
        .matching(is_row_field)
        .into_iter()
        .map(|(f, m)| {
            let rest = &f["row".len()..];
            let (row, col) = rest.split_once('.').unwrap_or((rest, ""));
            let head = tr.tf("pt.import.row", &[("n", row.to_owned())]);
            if col.is_empty() {
                format!("{head}{}{m}", tr.colon())
            } else {
                format!("{head} · {}{}{m}", column_label(tr, col), tr.colon())
            }
        })
        .collect()
}

/// The import form's fields beside their inputs (or in the list of rows).
fn is_import_field(f: &str) -> bool {
    matches!(f, "file" | "note") || is_row_field(f)
}

/// The spreadsheet (file name, bytes) and the note of a results import form (multipart;
/// `_csrf` was checked by the guard, or the API's caller has a token).
pub(crate) async fn read_import(
    req: axum::extract::Request,
) -> Result<(String, axum::body::Bytes, String), AppError> {
    let form = crate::form::multipart_form(req)
        .await?
        .ok_or_else(|| AppError::field("file", "upload_unreadable"))?;
    let file = form
        .files("file")
        .into_iter()
        .next()
        .ok_or_else(|| AppError::field("file", "required"))?;
    let bytes = file
        .read_whole("file", renke_app::files::WHOLE_MAX_BYTES)
        .await?;
    Ok((file.name, bytes, form.text("note").unwrap_or_default()))
}

/// `GET /pt/rounds/{id}/results.xlsx`: the results spreadsheet to fill in (the provider:
/// every participant's rows; a lab: its own).
pub async fn results_template(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let bytes = svc::results_template(&state, &user.account, id).await?;
    let code = svc::round_view(&state, &user.account, id)
        .await?
        .round
        .code
        .clone();
    Ok(crate::download::download(
        &format!("能力验证结果-{code}.xlsx"),
        super::XLSX,
        bytes,
    ))
}

/// `POST /pt/enrolments/{id}/results/import`: the lab's filled-in spreadsheet, saved for it
/// to review and submit; a refused one shows the results page with each row's message.
pub async fn import_own_results(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let cx = results_context(&state, &user, id).await?;
    let result = match read_import(req).await {
        Ok((name, bytes, _)) => {
            svc::import_results(&state, &user.account, cx.round_id, &bytes, &name, "").await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(n) => Ok(see_other(format!(
            "/pt/enrolments/{id}/results?done=imported&n={n}"
        ))),
        Err(e) => {
            let (_, refused) =
                Refused::of_where(user.ctx.tr, "import", Vec::new(), is_import_field, e)?;
            results_page(&state, &user, id, None, Errors::default(), None, refused).await
        }
    }
}

/// `POST /pt/rounds/{id}/results/import`: the provider's spreadsheet of many labs'
/// results, saved and submitted on their behalf with the note.
pub async fn import_round_results(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let (typed, result) = match read_import(req).await {
        Ok((name, bytes, note)) => {
            let r = svc::import_results(&state, &user.account, id, &bytes, &name, &note).await;
            (vec![("note".to_owned(), note)], r)
        }
        Err(e) => (Vec::new(), Err(e)),
    };
    match result {
        Ok(n) => Ok(see_other(format!(
            "/pt/rounds/{id}?done=imported_all&n={n}#import"
        ))),
        Err(e) => {
            let (status, refused) =
                Refused::of_where(user.ctx.tr, "import", typed, is_import_field, e)?;
            round_page(&state, &user, id, &PtQuery::default(), status, refused).await
        }
    }
}

/// A result as the confirmation lists it.
pub struct ConfirmLine {
    pub name: String,
    pub unit: String,
    pub result: String,
    pub replicates: String,
    pub u: String,
    pub method: String,
}

#[derive(Template)]
#[template(path = "pt_results_confirm.html")]
struct ConfirmPage {
    c: Chrome,
    enrolment_id: i64,
    round_id: i64,
    round_code: String,
    round_title: String,
    lab: String,
    sample_code: String,
    results_until: String,
    late: bool,
    behalf: bool,
    rows: Vec<ConfirmLine>,
    /// Results submitted earlier that stay as they are.
    already: usize,
    refusal: Option<String>,
}

async fn confirm_page(
    state: &AppState,
    user: &User,
    id: i64,
    status: StatusCode,
    refusal: Option<String>,
) -> Result<Response, PageError> {
    let tr = user.ctx.tr;
    let cx = results_context(state, user, id).await?;
    let mut rows = Vec::new();
    let mut already = 0;
    for (mid, name, unit, decimals, _, _) in &cx.measurands {
        let Some(StoredResult {
            entry,
            submitted_at,
            ..
        }) = cx.stored.get(mid)
        else {
            continue;
        };
        if submitted_at.is_some() {
            already += 1;
            continue;
        }
        let raw = raw_of(entry, *decimals);
        let u = match (entry.u, entry.k) {
            (Some(u), Some(k)) => format!("{} (k={})", typed_number(u), typed_number(k)),
            (Some(u), None) => format!("{} (k=2)", typed_number(u)),
            _ => "—".to_owned(),
        };
        rows.push(ConfirmLine {
            name: name.clone(),
            unit: unit.clone(),
            result: entry.display((*decimals).max(0) as u8),
            replicates: raw[1].clone(),
            u,
            method: raw[4].clone(),
        });
    }
    let page = ConfirmPage {
        c: Chrome::new(
            &user.ctx,
            "pt",
            format!("{} · {}", tr.t("pt.confirm.title"), cx.round_code),
        ),
        enrolment_id: id,
        round_id: cx.round_id,
        round_code: cx.round_code,
        round_title: cx.round_title,
        lab: cx.lab,
        sample_code: cx.sample_code,
        results_until: local_time(&cx.results_until),
        late: state.clock.now() > cx.results_until,
        behalf: cx.behalf,
        rows,
        already,
        refusal,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /pt/enrolments/{id}/results/confirm`: what 确认提交 will submit.
pub async fn confirm_results(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    confirm_page(&state, &user, id, StatusCode::OK, None).await
}

/// `POST /pt/enrolments/{id}/results/submit`: submits every saved result.
pub async fn submit_results(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    match svc::submit_results(&state, &user.account, id).await {
        Ok(s) => {
            let cx = results_context(&state, &user, id).await?;
            Ok(see_other(format!(
                "/pt/rounds/{}?done=submitted&n={}&late={}#mine",
                cx.round_id, s.count, s.late
            )))
        }
        Err(AppError::Conflict(code)) => {
            let msg = user.ctx.tr.t(&format!("err.{code}")).to_owned();
            confirm_page(&state, &user, id, StatusCode::CONFLICT, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /pt/enrolments/{id}/letter.pdf`: the lab's result letter.
pub async fn letter_pdf(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let file = svc::letter_pdf(&state, &user.account, id).await?;
    Ok(crate::download::pdf(file))
}

// ---------------------------------------------------------------- evaluation

/// The evaluation form's fields for one measurand: as typed when refused, else the latest
/// evaluation's options, else the defaults.
pub struct EvalInputs {
    pub assigned: String,
    pub assigned_value: String,
    pub assigned_u: String,
    pub sigma: String,
    pub sigma_value: String,
    pub quartile_rule: String,
    pub stop: String,
    pub factor: String,
    pub expected: String,
    pub acceptance_low: String,
    pub acceptance_high: String,
}

impl EvalInputs {
    fn of(f: &svc::EvaluationForm) -> EvalInputs {
        let or = |s: &str, d: &str| {
            if s.trim().is_empty() {
                d.to_owned()
            } else {
                s.trim().to_owned()
            }
        };
        EvalInputs {
            assigned: or(&f.assigned, "algorithm_a"),
            assigned_value: f.assigned_value.clone(),
            assigned_u: f.assigned_u.clone(),
            sigma: or(&f.sigma, "robust"),
            sigma_value: f.sigma_value.clone(),
            quartile_rule: or(&f.quartile_rule, "n_plus_1"),
            stop: or(&f.stop, "converge"),
            factor: or(&f.factor, "printed"),
            expected: f.expected.clone(),
            acceptance_low: f.acceptance_low.clone(),
            acceptance_high: f.acceptance_high.clone(),
        }
    }
}

/// A participant's line of an evaluation.
pub struct EvalRow {
    pub code: String,
    pub result: String,
    pub z: String,
    pub z_prime: String,
    pub zeta: String,
    pub en: String,
    pub used: String,
    pub class: String,
    pub chip: &'static str,
    pub late: bool,
    pub reason: String,
}

/// The figures of an evaluation and how they were computed.
pub struct EvalFigures {
    pub version: i32,
    pub created_at: String,
    pub released: bool,
    pub n: usize,
    pub x_pt: String,
    pub u_x_pt: String,
    pub sigma_pt: String,
    pub u_limit: String,
    /// u(x_pt) ≤ 0.3σpt: true, false, or none (qualitative).
    pub u_negligible: Option<bool>,
    pub expected: String,
    /// The sealed target's acceptance range that judged the values, if any.
    pub acceptance: String,
    pub rows: Vec<EvalRow>,
    /// (label, value) of every option with its clause.
    pub method: Vec<(String, String)>,
    pub warnings: Vec<String>,
    /// The assigned value's method: name, clause and iterations.
    pub trace_head: String,
    /// (iteration, x*, s*) of Algorithm A.
    pub trace: Vec<(String, String, String)>,
    /// (name, value) of the summary statistics.
    pub statistics: Vec<(String, String)>,
}

/// One measurand's part of the evaluation page.
pub struct EvalSection {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub qualitative: bool,
    pub categories: Vec<String>,
    pub f: EvalInputs,
    pub errors: Errors,
    pub refusals: Vec<String>,
    pub latest: Option<EvalFigures>,
    pub versions: usize,
    pub released_version: Option<i32>,
    /// The measurand's homogeneity and stability studies, oldest first.
    pub studies: Vec<StudyLine>,
    /// The study form: as typed when refused.
    pub study: svc::StudyForm,
    pub study_errors: Errors,
    pub study_refusals: Vec<String>,
    /// The u_hom and u_stab the next evaluation carries into u(x_pt) (the latest study of
    /// each kind; 0 without one).
    pub u_hom: String,
    pub u_stab: String,
    /// The newest background run while it is under way, when it failed after the latest
    /// evaluation, or when it wrote the latest evaluation.
    pub current_run: Option<RunLine>,
    /// The measurand's latest background runs, newest first.
    pub runs: Vec<RunLine>,
    /// The released version against a newer one.
    pub diff: Option<DiffView>,
}

/// A background evaluation run as the evaluation page shows it.
pub struct RunLine {
    pub id: i64,
    pub status: String,
    pub chip: &'static str,
    pub stage: String,
    pub done: i64,
    pub total: i64,
    /// Rows written of total, in words.
    pub progress: String,
    pub active: bool,
    pub finished: bool,
    /// Why it failed, in the page's language (empty unless failed).
    pub error: String,
    pub created_at: String,
}

fn run_line(tr: &Tr, v: &svc::RunView) -> RunLine {
    let r = &v.run;
    let error = match (&v.error_code, &v.error_detail) {
        (Some(code), detail) => {
            let key = format!("err.{code}");
            let detail = detail.clone().unwrap_or_default();
            match crate::i18n::keys().find(|k| *k == key) {
                Some(k) => tr.tf(k, &[("message", detail)]),
                None => format!("{code} {detail}"),
            }
        }
        (None, Some(detail)) => detail.clone(),
        (None, None) => String::new(),
    };
    let label = |prefix: &str, code: &str| {
        let key = format!("{prefix}.{code}");
        match crate::i18n::keys().find(|k| *k == key) {
            Some(k) => tr.t(k).to_owned(),
            None => code.to_owned(),
        }
    };
    RunLine {
        id: r.id,
        status: label("pt.run.status", &r.status),
        chip: match r.status.as_str() {
            "done" => "green",
            "failed" => "red",
            "running" => "yellow",
            _ => "grey",
        },
        stage: label("pt.run.stage", &r.stage),
        done: r.done,
        total: r.total,
        progress: tr.tf(
            "pt.run.progress",
            &[("done", r.done.to_string()), ("total", r.total.to_string())],
        ),
        active: v.active(),
        finished: r.status == "done",
        error: if r.status == "failed" {
            error
        } else {
            String::new()
        },
        created_at: local_time(&r.created_at),
    }
}

/// A participant in the difference between the released version and the revision.
pub struct DiffLine {
    pub code: String,
    pub released_score: String,
    pub released_class: String,
    pub released_chip: &'static str,
    pub new_score: String,
    pub new_class: String,
    pub new_chip: &'static str,
    pub changed: bool,
    pub opens_followup: bool,
}

/// The released version against the revision: figures old and new, every participant.
pub struct DiffView {
    pub old_version: i32,
    pub new_version: i32,
    pub changed: usize,
    /// (label, released, revision) of x_pt, u(x_pt), σpt and n.
    pub figures: Vec<(String, String, String)>,
    pub rows: Vec<DiffLine>,
    /// 发布修订版本: the provider, once the round is released.
    pub may_release: bool,
}

fn diff_view(tr: &Tr, d: &svc::EvaluationDiff, decimals: i32, may_release: bool) -> DiffView {
    let fd = fig_decimals(decimals);
    let (o, n) = (&d.released, &d.revision);
    DiffView {
        old_version: o.version,
        new_version: n.version,
        changed: d.changed(),
        figures: vec![
            (
                "x<sub>pt</sub>".to_owned(),
                num(o.assigned, fd),
                num(n.assigned, fd),
            ),
            (
                "u(x<sub>pt</sub>)".to_owned(),
                num(o.u_assigned, fd),
                num(n.u_assigned, fd),
            ),
            (
                "σ<sub>pt</sub>".to_owned(),
                num(o.sigma_pt, fd),
                num(n.sigma_pt, fd),
            ),
            ("n".to_owned(), o.n.to_string(), n.n.to_string()),
        ],
        rows: d
            .rows
            .iter()
            .map(|r| DiffLine {
                code: r.sample_code.clone(),
                released_score: num(r.released_score, 2),
                released_class: class_label(tr, r.released_class),
                released_chip: class_chip(r.released_class),
                new_score: num(r.new_score, 2),
                new_class: class_label(tr, r.new_class),
                new_chip: class_chip(r.new_class),
                changed: r.changed(),
                opens_followup: r.opens_followup(),
            })
            .collect(),
        may_release,
    }
}

impl EvalSection {
    pub fn err(&self, field: &str) -> String {
        self.errors.of(field)
    }
    pub fn study_err(&self, field: &str) -> String {
        self.study_errors.of(field)
    }
    pub fn study_kind_is(&self, kind: &str) -> bool {
        match self.study.kind.as_str() {
            "" => kind == "homogeneity",
            k => k == kind,
        }
    }
}

/// A recorded homogeneity or stability study as the evaluation page lists it.
pub struct StudyLine {
    pub id: i64,
    pub kind: String,
    pub created_at: String,
    pub u: String,
    pub passed: bool,
    /// The key figures: s_s and the criterion 0.3σpt (homogeneity); |ȳ₁ − ȳ₂| and the
    /// criterion (stability).
    pub figures: String,
}

/// A study's figure with three significant digits ("—" when absent).
fn sig3(v: Option<f64>) -> String {
    match v {
        None => "—".to_owned(),
        Some(x) if x == 0.0 || !x.is_finite() => typed_number(x),
        Some(x) => {
            let d = (2.0 - x.abs().log10().floor()).clamp(0.0, 12.0) as usize;
            format!("{x:.d$}")
        }
    }
}

fn study_line(tr: &Tr, v: &svc::StudyView) -> StudyLine {
    let d = &v.outcome.detail;
    let homogeneity = v.study.kind == "homogeneity";
    let criterion = sig3(d["criterion"].as_f64());
    let figures = if homogeneity {
        let mut s = format!("s<sub>s</sub> = {}", sig3(d["s_s"].as_f64()));
        s.push_str(&format!(" · 0.3σ<sub>pt</sub> = {criterion}"));
        if d["criterion"].is_null() {
            s.push_str(&format!(" · {}", tr.t("pt.study.no_sigma")));
        }
        s
    } else {
        format!(
            "|ȳ<sub>1</sub> − ȳ<sub>2</sub>| = {} · 0.3σ<sub>pt</sub> = {criterion}",
            sig3(d["difference"].as_f64())
        )
    };
    StudyLine {
        id: v.study.id,
        kind: if homogeneity {
            tr.t("pt.study.homogeneity").to_owned()
        } else {
            tr.t("pt.study.stability").to_owned()
        },
        created_at: local_time(&v.study.created_at),
        u: sig3(Some(v.outcome.u)),
        passed: v.outcome.passed,
        figures,
    }
}

/// A refused study form: the measurand, what was typed, and why.
struct StudyRefused {
    measurand_id: i64,
    f: svc::StudyForm,
    errors: Errors,
    messages: Vec<String>,
}

/// The study form's fields shown beside their inputs (a line of the data beside the data).
fn is_study_field(f: &str) -> bool {
    matches!(f, "kind" | "data" | "second" | "sigma_pt") || f.starts_with("data.line")
}

#[derive(Template)]
#[template(path = "pt_evaluation.html")]
struct EvaluationPage {
    c: Chrome,
    id: i64,
    code: String,
    title: String,
    status: RoundStatus,
    runs: bool,
    approved: i64,
    submitted: i64,
    sections: Vec<EvalSection>,
    release_refusals: Vec<String>,
}

impl EvaluationPage {
    fn status_label(&self) -> &'static str {
        self.c.tr.pick(self.status.zh(), self.status.en())
    }
    fn status_chip(&self) -> &'static str {
        round_chip(self.status)
    }
    fn may_release(&self) -> bool {
        self.runs && self.status == RoundStatus::Testing
    }
    fn may_evaluate(&self) -> bool {
        self.runs && self.status != RoundStatus::Enrolment
    }
    fn assigned_methods(&self) -> Vec<(&'static str, &'static str)> {
        AssignedMethod::ALL
            .iter()
            .map(|m| (m.as_str(), self.c.tr.pick(m.zh(), m.en())))
            .collect()
    }
    fn sigma_methods(&self) -> Vec<(&'static str, &'static str)> {
        SigmaMethod::ALL
            .iter()
            .map(|m| (m.as_str(), self.c.tr.pick(m.zh(), m.en())))
            .collect()
    }
    fn quartile_rules(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("n_plus_1", self.c.tr.t("pt.eval.quartile.n_plus_1")),
            ("linear", self.c.tr.t("pt.eval.quartile.linear")),
        ]
    }
    fn stop_rules(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("converge", self.c.tr.t("pt.eval.stop.converge")),
            ("three_figures", self.c.tr.t("pt.eval.stop.three_figures")),
        ]
    }
    fn factors(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("printed", self.c.tr.t("pt.eval.factor.printed")),
            ("exact", self.c.tr.t("pt.eval.factor.exact")),
        ]
    }
    /// The messages of a study's data: the field's own and each line's (第 3 行：…).
    fn data_errors(&self, sec: &EvalSection) -> Vec<String> {
        sec.study_errors
            .matching(|f| f == "data" || f.starts_with("data.line"))
            .into_iter()
            .map(|(f, m)| match f.strip_prefix("data.line") {
                Some(n) => format!(
                    "{}{}{m}",
                    self.c.tr.tf("pt.study.line", &[("n", n.to_owned())]),
                    self.c.tr.colon()
                ),
                None => m,
            })
            .collect()
    }
    fn carried_line(&self, sec: &EvalSection) -> String {
        self.c.tr.tf(
            "pt.study.carried",
            &[("hom", sec.u_hom.clone()), ("stab", sec.u_stab.clone())],
        )
    }
    fn version_of(&self, v: &i32) -> String {
        self.c.tr.tf("pt.eval.version", &[("v", v.to_string())])
    }
    fn diff_line(&self, d: &DiffView) -> String {
        self.c.tr.tf(
            "pt.diff.lead",
            &[
                ("old", d.old_version.to_string()),
                ("new", d.new_version.to_string()),
                ("n", d.changed.to_string()),
            ],
        )
    }
    fn version_line(&self, f: &EvalFigures) -> String {
        self.c
            .tr
            .tf("pt.eval.version", &[("v", f.version.to_string())])
    }
    fn check_line(&self, f: &EvalFigures) -> String {
        match f.u_negligible {
            Some(true) => self.c.tr.tf(
                "pt.eval.check_ok",
                &[("u", f.u_x_pt.clone()), ("limit", f.u_limit.clone())],
            ),
            Some(false) => self.c.tr.tf(
                "pt.eval.check_not",
                &[("u", f.u_x_pt.clone()), ("limit", f.u_limit.clone())],
            ),
            None => String::new(),
        }
    }
}

/// The label of a method-record key in the page's language (the key itself when unknown).
fn method_key_label(tr: &Tr, key: &str) -> String {
    let k = format!("pt.m.{key}");
    match crate::i18n::keys().find(|x| *x == k) {
        Some(found) => tr.t(found).to_owned(),
        None => key.to_owned(),
    }
}

/// The order "how this was computed" lists a method record in: x_pt, σpt, the options,
/// the scores; a σpt option after its method; keys it does not know last, by name.
fn method_rank(key: &str) -> (usize, usize, String) {
    const ORDER: [&str; 19] = [
        "assigned",
        "assigned_clause",
        "u_assigned_formula",
        "median_u_scale",
        "sigma_pt",
        "sigma_pt_clause",
        "quartile_rule",
        "stop",
        "factor",
        "log10",
        "k_default",
        "qn",
        "uncertainty_check",
        "scores_clause",
        "boundaries",
        "class_basis",
        "statistics",
        "expected",
        "rule",
    ];
    let at = |k: &str| ORDER.iter().position(|x| *x == k);
    match (at(key), key.strip_prefix("sigma_pt.")) {
        (Some(i), _) => (i, 0, String::new()),
        (None, Some(_)) => (at("sigma_pt_clause").unwrap_or(0), 1, key.to_owned()),
        (None, None) => (ORDER.len(), 0, key.to_owned()),
    }
}

/// A figure of the stored statistics: numbers with four significant decimals.
fn json_number(v: &serde_json::Value) -> Option<String> {
    let x = v.as_f64()?;
    Some(if v.is_u64() || v.is_i64() {
        format!("{x}")
    } else {
        format!("{x:.4}")
    })
}

fn statistics_lines(v: &serde_json::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(obj) = v.as_object() {
        for (k, x) in obj {
            if let Some(n) = json_number(x) {
                out.push((k.clone(), n));
            } else if let Some(inner) = x.as_object() {
                for (k2, y) in inner {
                    if let Some(n) = json_number(y) {
                        out.push((format!("{k}.{k2}"), n));
                    }
                }
            }
        }
    }
    out
}

fn figures(tr: &Tr, v: &svc::EvaluationView, decimals: i32) -> EvalFigures {
    let o = &v.outcome;
    let d = fig_decimals(decimals);
    let rows = o
        .rows
        .iter()
        .map(|r| EvalRow {
            code: r.sample_code.clone(),
            result: r.result.clone(),
            z: num(r.z, 2),
            z_prime: num(r.z_prime, 2),
            zeta: num(r.zeta, 2),
            en: num(r.en, 2),
            used: match r.score_kind.as_str() {
                "z" => "z".to_owned(),
                "z_prime" => "z′".to_owned(),
                "qualitative" => tr.t("pt.eval.qualitative_score").to_owned(),
                _ => "—".to_owned(),
            },
            class: class_label(tr, r.class),
            chip: class_chip(r.class),
            late: r.late,
            reason: match r.reason.as_deref() {
                Some("below_loq") => tr.t("pt.reason.below_loq").to_owned(),
                Some("not_scored") => tr.t("pt.not_scored").to_owned(),
                Some(other) => format!("{}：{other}", tr.t("pt.reason.not_tested")),
                None => String::new(),
            },
        })
        .collect();
    let mut keys: Vec<&String> = o.method.keys().collect();
    keys.sort_by_key(|k| method_rank(k));
    let method = keys
        .into_iter()
        .map(|k| {
            let x = &o.method[k];
            let shown = match x.as_str() {
                "true" => tr.t("common.yes").to_owned(),
                "false" => tr.t("common.no").to_owned(),
                _ => x.clone(),
            };
            (method_key_label(tr, k), shown)
        })
        .collect();
    let m = &o.trace["method"];
    let trace = m["trace"]
        .as_array()
        .map(|steps| {
            steps
                .iter()
                .map(|s| {
                    (
                        s["iteration"].as_u64().unwrap_or(0).to_string(),
                        num(s["location"].as_f64(), d + 2),
                        num(s["scale"].as_f64(), d + 2),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let trace_head = match (m["name"].as_str(), m["clause"].as_str()) {
        (Some(name), Some(clause)) => {
            let mut s = format!("{name} · {clause}");
            if let Some(n) = m["iterations"].as_u64() {
                s.push_str(&format!(
                    " · {}",
                    tr.tf("pt.eval.iterations", &[("n", n.to_string())])
                ));
            }
            s
        }
        _ => String::new(),
    };
    EvalFigures {
        version: v.evaluation.version,
        created_at: local_time(&v.evaluation.created_at),
        released: v.evaluation.released,
        n: o.n,
        x_pt: num(o.assigned, d),
        u_x_pt: num(o.u_assigned, d),
        sigma_pt: num(o.sigma_pt, d),
        u_limit: num(o.u_limit, d),
        u_negligible: o.u_negligible,
        expected: o.expected.clone().unwrap_or_default(),
        acceptance: o
            .acceptance
            .map(|a| {
                let show = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), typed_number);
                format!("[{}, {}]", show(a.low), show(a.high))
            })
            .unwrap_or_default(),
        rows,
        method,
        warnings: o.warnings.clone(),
        trace_head,
        trace,
        statistics: statistics_lines(&o.statistics),
    }
}

/// A refused evaluation form: the measurand, what was typed, and why.
struct EvalRefused {
    measurand_id: i64,
    /// What was typed; `None` for a refusal of another form of the measurand (发布修订版本).
    f: Option<svc::EvaluationForm>,
    errors: Errors,
    messages: Vec<String>,
}

const EVAL_FIELDS: [&str; 11] = [
    "assigned",
    "assigned_value",
    "assigned_u",
    "sigma",
    "sigma_value",
    "quartile_rule",
    "stop",
    "factor",
    "expected",
    "acceptance_low",
    "acceptance_high",
];

#[allow(clippy::too_many_arguments)]
async fn evaluation_page(
    state: &AppState,
    user: &User,
    id: i64,
    flash: Option<String>,
    status: StatusCode,
    refused: Option<EvalRefused>,
    release_refusals: Vec<String>,
    study_refused: Option<StudyRefused>,
) -> Result<Response, PageError> {
    let tr = user.ctx.tr;
    let me = &user.account;
    let list = svc::evaluations(state, me, id).await?;
    let v = svc::round_view(state, me, id).await?;
    let studies = match svc::studies(state, me, id).await {
        Ok(list) => list,
        Err(AppError::NotFound | AppError::Forbidden) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let mut refused = refused;
    let mut study_refused = study_refused;
    let sections = list
        .into_iter()
        .map(|me_| {
            let m = &me_.measurand;
            let kind = MeasurandKind::from_code(&m.kind).unwrap_or(MeasurandKind::Quantitative);
            let mine = refused.take_if(|r| r.measurand_id == m.id);
            let (typed, errors, refusals) = match mine {
                Some(r) => (r.f, r.errors, r.messages),
                None => (None, Errors::default(), Vec::new()),
            };
            let f = match typed {
                Some(typed) => EvalInputs::of(&typed),
                None => me_
                    .latest
                    .as_ref()
                    .map(|l| EvalInputs::of(&l.options))
                    .unwrap_or_else(|| EvalInputs::of(&svc::EvaluationForm::default())),
            };
            let mine: Vec<&svc::StudyView> = studies
                .iter()
                .filter(|x| x.study.measurand_id == m.id)
                .collect();
            let latest_u = |kind: &str| {
                let u = mine
                    .iter()
                    .rev()
                    .find(|x| x.study.kind == kind)
                    .map_or(0.0, |x| x.outcome.u);
                sig3(Some(u))
            };
            let (study, study_errors, study_refusals) =
                match study_refused.take_if(|r| r.measurand_id == m.id) {
                    Some(r) => (r.f, r.errors, r.messages),
                    None => (
                        svc::StudyForm {
                            measurand_id: m.id,
                            ..Default::default()
                        },
                        Errors::default(),
                        Vec::new(),
                    ),
                };
            let runs: Vec<RunLine> = me_.runs.iter().map(|r| run_line(&tr, r)).collect();
            let latest_at = me_.latest.as_ref().map(|l| l.evaluation.created_at);
            let latest_id = me_.latest.as_ref().map(|l| l.evaluation.id);
            let current_run = me_
                .runs
                .first()
                .filter(|r| {
                    r.active()
                        || r.run.status == "failed"
                            && latest_at.is_none_or(|t| r.run.created_at >= t)
                        || r.run.evaluation_id.is_some() && r.run.evaluation_id == latest_id
                })
                .map(|r| run_line(&tr, r));
            let diff = me_.diff.as_ref().map(|d| {
                diff_view(
                    &tr,
                    d,
                    m.decimals,
                    v.runs && v.status == RoundStatus::Released,
                )
            });
            EvalSection {
                current_run,
                runs,
                diff,
                studies: mine.iter().map(|x| study_line(&tr, x)).collect(),
                study,
                study_errors,
                study_refusals,
                u_hom: latest_u("homogeneity"),
                u_stab: latest_u("stability"),
                id: m.id,
                name: m.name.clone(),
                unit: m.unit.clone().unwrap_or_default(),
                qualitative: kind == MeasurandKind::Qualitative,
                categories: m.category_list(),
                f,
                errors,
                refusals,
                latest: me_.latest.as_ref().map(|l| figures(&tr, l, m.decimals)),
                versions: me_.versions,
                released_version: me_.released.as_ref().map(|r| r.evaluation.version),
            }
        })
        .collect();
    let page = EvaluationPage {
        c: Chrome::new(
            &user.ctx,
            "pt",
            format!("{} · {}", tr.t("pt.eval.title"), v.round.code),
        )
        .with_flash(flash),
        id,
        code: v.round.code.clone(),
        title: v.round.title.clone(),
        status: v.status,
        runs: v.runs,
        approved: v.approved,
        submitted: v.submitted,
        sections,
        release_refusals,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /pt/rounds/{id}/evaluation`.
pub async fn evaluation(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(q): Query<PtQuery>,
) -> Result<Response, PageError> {
    let flash = q.flash(&user.ctx.tr);
    evaluation_page(
        &state,
        &user,
        id,
        flash,
        StatusCode::OK,
        None,
        Vec::new(),
        None,
    )
    .await
}

/// `POST /pt/rounds/{id}/evaluation`: evaluates one measurand with the options chosen (a
/// new version).
pub async fn evaluate(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = svc::EvaluationForm {
        measurand_id: field(&pairs, "measurand_id").trim().parse().unwrap_or(0),
        assigned: field(&pairs, "assigned"),
        assigned_value: field(&pairs, "assigned_value"),
        assigned_u: field(&pairs, "assigned_u"),
        sigma: field(&pairs, "sigma"),
        sigma_value: field(&pairs, "sigma_value"),
        quartile_rule: field(&pairs, "quartile_rule"),
        stop: field(&pairs, "stop"),
        factor: field(&pairs, "factor"),
        expected: field(&pairs, "expected"),
        acceptance_low: field(&pairs, "acceptance_low"),
        acceptance_high: field(&pairs, "acceptance_high"),
    };
    match svc::evaluate(&state, &user.account, id, &f).await {
        Ok(done) => Ok(see_other(format!(
            "/pt/rounds/{id}/evaluation?done={}#m-{}",
            match done {
                svc::Evaluated::Evaluation(_) => "evaluated",
                svc::Evaluated::Run(_) => "evaluation_queued",
            },
            f.measurand_id
        ))),
        Err(e) => {
            let tr = user.ctx.tr;
            let (status, r) = Refused::of(tr, "", Vec::new(), &EVAL_FIELDS, e)?;
            let refused = EvalRefused {
                measurand_id: f.measurand_id,
                f: Some(f),
                errors: r.errors,
                messages: r.messages,
            };
            evaluation_page(
                &state,
                &user,
                id,
                None,
                status,
                Some(refused),
                Vec::new(),
                None,
            )
            .await
        }
    }
}

/// `POST /pt/rounds/{id}/studies`: records a homogeneity or stability study of one
/// measurand from the evaluation page.
pub async fn record_study(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = svc::StudyForm {
        measurand_id: field(&pairs, "measurand_id").trim().parse().unwrap_or(0),
        kind: field(&pairs, "kind"),
        data: field(&pairs, "data"),
        second: field(&pairs, "second"),
        sigma_pt: field(&pairs, "sigma_pt"),
    };
    match svc::record_study(&state, &user.account, id, &f).await {
        Ok(_) => Ok(see_other(format!(
            "/pt/rounds/{id}/evaluation?done=study_recorded#studies-{}",
            f.measurand_id
        ))),
        Err(e) => {
            let (status, r) =
                Refused::of_where(user.ctx.tr, "study", Vec::new(), is_study_field, e)?;
            let refused = StudyRefused {
                measurand_id: f.measurand_id,
                f,
                errors: r.errors,
                messages: r.messages,
            };
            evaluation_page(
                &state,
                &user,
                id,
                None,
                status,
                None,
                Vec::new(),
                Some(refused),
            )
            .await
        }
    }
}

/// `POST /pt/rounds/{id}/evaluation/release`: 发布结果 from the evaluation page.
pub async fn release_from_evaluation(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    match svc::release(&state, &user.account, id).await {
        Ok(()) => Ok(see_other(format!("/pt/rounds/{id}?done=released"))),
        Err(e) => {
            let (status, r) = Refused::of(user.ctx.tr, "release", Vec::new(), &[], e)?;
            evaluation_page(&state, &user, id, None, status, None, r.messages, None).await
        }
    }
}

/// `POST /pt/rounds/{id}/evaluation/revision`: 发布修订版本 of one measurand
/// (`measurand_id`) of a released round.
pub async fn release_revision(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m: i64 = field(&pairs, "measurand_id").trim().parse().unwrap_or(0);
    match svc::release_revision(&state, &user.account, id, m).await {
        Ok(r) => Ok(see_other(format!(
            "/pt/rounds/{id}/evaluation?done=revision_released&n={}#m-{m}",
            r.followups
        ))),
        Err(e) => {
            let (status, r) = Refused::of(user.ctx.tr, "release", Vec::new(), &[], e)?;
            let refused = EvalRefused {
                measurand_id: m,
                f: None,
                errors: Errors::default(),
                messages: r.messages,
            };
            evaluation_page(
                &state,
                &user,
                id,
                None,
                status,
                Some(refused),
                Vec::new(),
                None,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------- follow-ups

/// A follow-up on the list.
pub struct FollowupRow {
    pub id: i64,
    pub lab_org_id: i64,
    pub lab: String,
    pub city: String,
    pub round_id: i64,
    pub round_code: String,
    pub measurand: String,
    pub class: String,
    pub class_chip: &'static str,
    pub status: String,
    pub status_chip: &'static str,
    pub due_on: String,
}

#[derive(Template)]
#[template(path = "pt_followups.html")]
struct FollowupsPage {
    c: Chrome,
    /// (city, rows) when grouped by city; one group with an empty name otherwise.
    groups: Vec<(String, Vec<FollowupRow>)>,
    by_city: bool,
    round: Option<i64>,
    total: usize,
    /// The caller reads the labs' PT from above (a bureau, the provider): lab names link to
    /// their history.
    bureau: bool,
}

impl FollowupsPage {
    fn sort_link(&self, sort: &str) -> String {
        match self.round {
            Some(r) => format!("/pt/followups?round={r}&sort={sort}"),
            None => format!("/pt/followups?sort={sort}"),
        }
    }
}

/// `GET /pt/followups`: a lab's own follow-ups; a bureau's labs' by city (`sort=due`: by
/// due date); a round's (`round=ID`) for its provider.
pub async fn followups(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<PtQuery>,
) -> Result<Response, PageError> {
    let tr = user.ctx.tr;
    let items = svc::followups(&state, &user.account, q.round).await?;
    let mut rows: Vec<FollowupRow> = items
        .into_iter()
        .map(|it| {
            let f = it.followup;
            let class = ScoreClass::from_code(&f.class);
            FollowupRow {
                id: f.id,
                lab_org_id: f.lab_org_id,
                lab: f.lab_name,
                city: f.city_name.unwrap_or_default(),
                round_id: f.round_id,
                round_code: f.round_code,
                measurand: f.measurand_name,
                class: class_label(&tr, class),
                class_chip: class_chip(class),
                status: followup_label(&tr, it.status.as_str()),
                status_chip: followup_chip(it.status),
                due_on: f.due_on.to_string(),
            }
        })
        .collect();
    let labs: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.lab.as_str()).collect();
    let by_city = q.sort.as_deref() != Some("due") && labs.len() > 1;
    let total = rows.len();
    let groups = if by_city {
        rows.sort_by(|a, b| (&a.city, &a.lab, &a.due_on).cmp(&(&b.city, &b.lab, &b.due_on)));
        let mut groups: Vec<(String, Vec<FollowupRow>)> = Vec::new();
        for r in rows {
            match groups.last_mut() {
                Some((city, list)) if *city == r.city => list.push(r),
                _ => groups.push((r.city.clone(), vec![r])),
            }
        }
        groups
    } else {
        vec![(String::new(), rows)]
    };
    let page = FollowupsPage {
        c: Chrome::new(&user.ctx, "pt", tr.t("pt.followups.title")).with_flash(q.flash(&tr)),
        groups,
        by_city,
        round: q.round,
        total,
        bureau: user.account.org_kind != renke_domain::org::OrgKind::Lab,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "pt_followup.html")]
struct FollowupPage {
    c: Chrome,
    it: svc::FollowupItem,
    class: String,
    class_chip: &'static str,
    status: String,
    status_chip: &'static str,
    updated_at: String,
    /// The evidence files (证据材料).
    files: Vec<FileLine>,
    evidence_max: usize,
    refused: Refused,
}

impl FollowupPage {
    fn err(&self, form: &str, field: &str) -> String {
        self.refused.err(form, field)
    }
    fn evidence_help(&self) -> String {
        self.c.tr.tf(
            "pt.evidence.help",
            &[("max", self.evidence_max.to_string())],
        )
    }
    /// The answer's field: typed when refused, else stored.
    fn answer(&self, field: &str) -> String {
        if self.refused.form == "answer" {
            return self.refused.typed("answer", field);
        }
        let f = &self.it.followup;
        match field {
            "root_cause" => f.root_cause.clone().unwrap_or_default(),
            "action" => f.action.clone().unwrap_or_default(),
            _ => String::new(),
        }
    }
    fn decision_is(&self, code: &str) -> bool {
        let typed = self.refused.typed("review", "decision");
        if typed.is_empty() {
            code == "close"
        } else {
            typed == code
        }
    }
}

async fn followup_page(
    state: &AppState,
    user: &User,
    id: i64,
    flash: Option<String>,
    status: StatusCode,
    refused: Refused,
) -> Result<Response, PageError> {
    let tr = user.ctx.tr;
    let it = svc::followup(state, &user.account, id).await?;
    let class = ScoreClass::from_code(&it.followup.class);
    let files = svc::evidence(state, &user.account, id)
        .await?
        .iter()
        .map(|f| FileLine::new(f, format!("/pt/followups/{id}/files/{}", f.id)))
        .collect();
    let page = FollowupPage {
        files,
        evidence_max: svc::EVIDENCE_MAX,
        c: Chrome::new(
            &user.ctx,
            "pt",
            format!(
                "{} · {} · {}",
                tr.t("pt.followup.title"),
                it.followup.round_code,
                it.followup.measurand_name
            ),
        )
        .with_flash(flash),
        class: class_label(&tr, class),
        class_chip: class_chip(class),
        status: followup_label(&tr, it.status.as_str()),
        status_chip: followup_chip(it.status),
        updated_at: local_time(&it.followup.updated_at),
        it,
        refused,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /pt/followups/{id}`.
pub async fn followup(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(q): Query<PtQuery>,
) -> Result<Response, PageError> {
    let flash = q.flash(&user.ctx.tr);
    followup_page(&state, &user, id, flash, StatusCode::OK, Refused::default()).await
}

/// `POST /pt/followups/{id}/answer`: the lab's root cause and corrective action.
pub async fn answer_followup(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = svc::FollowupAnswer {
        root_cause: field(&pairs, "root_cause"),
        action: field(&pairs, "action"),
    };
    match svc::answer_followup(&state, &user.account, id, &f).await {
        Ok(()) => Ok(see_other(format!("/pt/followups/{id}?done=answered"))),
        Err(e) => {
            let (status, r) =
                Refused::of(user.ctx.tr, "answer", pairs, &["root_cause", "action"], e)?;
            followup_page(&state, &user, id, None, status, r).await
        }
    }
}

/// `POST /pt/followups/{id}/files`: the lab adds evidence files; refused ones show the
/// follow-up with the reasons.
pub async fn add_evidence(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let added = match super::read_form_with_files::<Vec<(String, String)>>(req).await {
        Ok((_, files)) => svc::add_evidence(&state, &user.account, id, &files)
            .await
            .map(|_| files.len()),
        Err(e) => Err(e),
    };
    match added {
        Ok(n) => Ok(see_other(format!(
            "/pt/followups/{id}?done=evidence_added&n={n}#evidence"
        ))),
        Err(e) => {
            let (status, r) = Refused::of(user.ctx.tr, "evidence", Vec::new(), &["file"], e)?;
            followup_page(&state, &user, id, None, status, r).await
        }
    }
}

/// `GET /pt/followups/{id}/files/{file_id}`: an evidence file, for whoever sees the
/// follow-up.
pub async fn evidence_file(
    State(state): State<AppState>,
    user: User,
    PagePath((id, file_id)): PagePath<(i64, i64)>,
) -> Result<Response, PageError> {
    let (file, bytes) = svc::evidence_download(&state, &user.account, id, file_id).await?;
    Ok(crate::download::stored(&file, bytes))
}

/// `POST /pt/followups/{id}/files/{file_id}/remove`: the lab removes an evidence file.
pub async fn remove_evidence(
    State(state): State<AppState>,
    user: User,
    PagePath((id, file_id)): PagePath<(i64, i64)>,
) -> Result<Response, PageError> {
    match svc::remove_evidence(&state, &user.account, id, file_id).await {
        Ok(()) => Ok(see_other(format!(
            "/pt/followups/{id}?done=evidence_removed#evidence"
        ))),
        Err(e) => {
            let (status, r) = Refused::of(user.ctx.tr, "evidence", Vec::new(), &["file"], e)?;
            followup_page(&state, &user, id, None, status, r).await
        }
    }
}

/// `POST /pt/followups/{id}/review`: the provider closes it or returns it with a note.
pub async fn review_followup(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = svc::FollowupReview {
        decision: field(&pairs, "decision"),
        note: field(&pairs, "note"),
    };
    let done = if f.decision.trim() == "return" {
        "returned"
    } else {
        "closed"
    };
    match svc::review_followup(&state, &user.account, id, &f).await {
        Ok(()) => Ok(see_other(format!("/pt/followups/{id}?done={done}"))),
        Err(e) => {
            let (status, r) = Refused::of(user.ctx.tr, "review", pairs, &["decision", "note"], e)?;
            followup_page(&state, &user, id, None, status, r).await
        }
    }
}

// ---------------------------------------------------------------- history

/// A round's score on a lab's history.
pub struct HistoryLine {
    pub round_id: i64,
    pub round_code: String,
    pub kind: String,
    pub score: String,
    pub class: String,
    pub chip: &'static str,
}

/// One measurand's scores across rounds, with their chart.
pub struct HistorySeries {
    pub name: String,
    pub rows: Vec<HistoryLine>,
    pub svg: String,
}

#[derive(Template)]
#[template(path = "pt_history.html")]
struct HistoryPage {
    c: Chrome,
    lab: String,
    series: Vec<HistorySeries>,
    /// The pass rate over the last rounds, "—" when nothing was judged.
    pass_rate: String,
    rate_rounds: String,
}

/// `GET /pt/labs/{id}/history`: a lab's released scores per measurand across rounds, each
/// with a chart, and its pass rate over the last rounds it reported into — for the lab and
/// the administration above it.
pub async fn lab_history(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let tr = user.ctx.tr;
    let h = svc::lab_history(&state, &user.account, id).await?;
    let lab = match renke_app::orgs::get_org(&state, &user.account, id).await {
        Ok(o) => o.name,
        Err(AppError::NotFound | AppError::Forbidden) => String::new(),
        Err(e) => return Err(e.into()),
    };
    let kind_name = |k: &str| match k {
        "z" => "z".to_owned(),
        "z_prime" => "z′".to_owned(),
        "qualitative" => tr.t("pt.eval.qualitative_score").to_owned(),
        other => other.to_owned(),
    };
    let series = h
        .series
        .into_iter()
        .map(|(name, scores)| {
            let label = scores
                .iter()
                .find(|x| x.score.is_some())
                .map_or_else(|| "z".to_owned(), |x| kind_name(&x.score_kind));
            let points: Vec<(String, Option<f64>)> = scores
                .iter()
                .map(|x| (x.round_code.clone(), x.score))
                .collect();
            let rows = scores
                .iter()
                .map(|x| {
                    let class = ScoreClass::from_code(&x.class);
                    HistoryLine {
                        round_id: x.round_id,
                        round_code: x.round_code.clone(),
                        kind: kind_name(&x.score_kind),
                        score: num(x.score, 2),
                        class: class_label(&tr, class),
                        chip: class_chip(class),
                    }
                })
                .collect();
            HistorySeries {
                name,
                rows,
                svg: renke_render::chart::score_history_svg(&points, &label),
            }
        })
        .collect();
    let pass_rate = h
        .pass_rate
        .map_or_else(|| "—".to_owned(), |r| format!("{:.0}%", r * 100.0));
    let title = if lab.is_empty() {
        tr.t("pt.history.title").to_owned()
    } else {
        format!("{} · {lab}", tr.t("pt.history.title"))
    };
    let page = HistoryPage {
        c: Chrome::new(&user.ctx, "pt", title),
        lab,
        series,
        pass_rate,
        rate_rounds: h.rate_rounds.join("、"),
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------- round documents

/// `GET /pt/rounds/{id}/report.pdf`: the round report (codes only, never names).
pub async fn report_pdf(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let file = svc::report_pdf(&state, &user.account, id).await?;
    Ok(crate::download::pdf(file))
}

/// `GET /pt/rounds/{id}/letters.zip`: every participant's result letter, streamed.
pub async fn letters_zip(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let (name, stream) = svc::letters_zip(&state, &user.account, id).await?;
    Ok(crate::download::download(
        &name,
        "application/zip",
        axum::body::Body::from_stream(stream),
    ))
}
