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

mod evaluation;
mod followups;
mod forms;
mod history;
mod results;
mod round;

pub use evaluation::*;
pub use followups::*;
pub use forms::*;
pub use history::*;
pub use results::*;
pub use round::*;

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
