//! Results: a lab enters its results on a form (saved, then submitted with a confirmation),
//! the provider may enter them on a lab's behalf with a note, and a script loads a whole
//! round through the API. Results after the deadline are accepted, flagged late and scored.

use super::{kind_of, path, round_status};
use crate::error::AppError;
use crate::{App, Caller};
use renke_domain::pt::{ResultEntry, ResultRaw, RoundStatus};
use renke_domain::text::Line;
use renke_domain::{FieldError, Invalid};
use renke_store::pt::{self as store, Enrolment, Measurand, Round};
use serde::{Deserialize, Serialize};

/// One measurand's result as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct ResultInput {
    pub measurand_id: i64,
    /// The value; "<0.01" for below the limit of quantification; a category (检出) for a
    /// qualitative measurand.
    #[serde(default)]
    pub value: String,
    /// Replicates, separated by commas.
    #[serde(default)]
    pub replicates: String,
    /// Expanded uncertainty U.
    #[serde(default)]
    pub u: String,
    /// Coverage factor k of U (2 when empty).
    #[serde(default)]
    pub k: String,
    /// The method (standard) used.
    #[serde(default)]
    pub method: String,
    /// Why it was not tested (every other field empty then).
    #[serde(default)]
    pub not_tested: String,
}

/// A lab's results, as saved from the form.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct ResultsForm {
    pub results: Vec<ResultInput>,
    /// Required when the provider enters them on the lab's behalf: why (e.g. 实验室邮件报送，由提供者代录).
    #[serde(default)]
    pub behalf_note: String,
}

/// Who is entering results for an enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Enterer {
    Lab,
    Provider,
}

/// Enrolment `enrolment_id` with its round, for a results change by the caller: the lab
/// (acting for itself) or the provider. Only approved enrolments of a round in testing
/// (`round_in_enrolment`, `round_released`).
async fn for_results(
    app: &App,
    me: &Caller,
    enrolment_id: i64,
) -> Result<(Enrolment, Round, Enterer), AppError> {
    let e = store::enrolment(&app.db, enrolment_id).await?;
    let round = store::round(&app.db, e.round_id).await?;
    let who = if me.actor().takes_part_for(&path(&e.lab_path)?) && me.org_id == e.lab_org_id {
        Enterer::Lab
    } else if me.actor().runs_pt(&path(&round.provider_path)?) {
        Enterer::Provider
    } else {
        return Err(AppError::NotFound);
    };
    if e.status != "approved" {
        return Err(AppError::Conflict("not_approved"));
    }
    match round_status(&round)? {
        RoundStatus::Testing => Ok((e, round, who)),
        RoundStatus::Enrolment => Err(AppError::Conflict("round_in_enrolment")),
        RoundStatus::Released => Err(AppError::Conflict("round_released")),
    }
}

/// Whether the caller enters results for enrolment `enrolment_id`: the lab itself (acting
/// for it) or the provider on its behalf. Viewers read the form without entering.
pub async fn may_enter_results(
    app: &App,
    me: &Caller,
    enrolment_id: i64,
) -> Result<bool, AppError> {
    let e = store::enrolment(&app.db, enrolment_id).await?;
    let round = store::round(&app.db, e.round_id).await?;
    Ok(
        me.org_id == e.lab_org_id && me.actor().takes_part_for(&path(&e.lab_path)?)
            || me.actor().runs_pt(&path(&round.provider_path)?),
    )
}

/// Validates `rows` against the enrolment's measurands; errors on `results[i].…`.
fn validate(
    measurands: &[Measurand],
    enrolled: &[i64],
    rows: &[ResultInput],
) -> Result<Vec<(i64, Option<ResultEntry>)>, Invalid> {
    let mut errs = Invalid::default();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, r) in rows.iter().enumerate() {
        let prefix = format!("results[{i}]");
        let Some(m) = measurands.iter().find(|m| m.id == r.measurand_id) else {
            errs.push(
                FieldError::new(format!("{prefix}.measurand_id"), "unknown_measurand")
                    .with("value", r.measurand_id),
            );
            continue;
        };
        if !enrolled.contains(&m.id) {
            errs.push(
                FieldError::new(format!("{prefix}.measurand_id"), "not_enrolled")
                    .with("value", &m.name),
            );
            continue;
        }
        if !seen.insert(m.id) {
            errs.push(FieldError::new(
                format!("{prefix}.measurand_id"),
                "duplicate",
            ));
            continue;
        }
        let raw = ResultRaw {
            value: &r.value,
            replicates: &r.replicates,
            u: &r.u,
            k: &r.k,
            method: &r.method,
            not_tested: &r.not_tested,
        };
        match ResultEntry::parse(&prefix, kind_of(m), &m.category_list(), m.log10, &raw) {
            Ok(entry) => out.push((m.id, entry)),
            Err(e) => errs.0.extend(e.0),
        }
    }
    errs.into_result()?;
    Ok(out)
}

/// Saves enrolment `enrolment_id`'s results (not yet submitted: the lab reviews them and
/// submits). An empty row removes what was saved for its measurand. The provider entering
/// on the lab's behalf gives a note (`required` on `behalf_note`), kept with each result.
pub async fn save_results(
    app: &App,
    me: &Caller,
    enrolment_id: i64,
    f: &ResultsForm,
) -> Result<(), AppError> {
    let (e, round, who) = for_results(app, me, enrolment_id).await?;
    let note = Line::parse_opt("behalf_note", &f.behalf_note, 200)?;
    if who == Enterer::Provider && note.is_none() {
        return Err(AppError::field("behalf_note", "required"));
    }
    let measurands = store::measurands(&app.db, round.scheme_id).await?;
    let enrolled: Vec<i64> = store::enrolment_measurands(&app.db, round.id)
        .await?
        .into_iter()
        .filter(|(en, _)| *en == e.id)
        .map(|(_, m)| m)
        .collect();
    let rows = validate(&measurands, &enrolled, &f.results)?;
    let json: Vec<(i64, Option<Stored>)> = rows
        .iter()
        .map(|(m, entry)| {
            let stored = entry
                .as_ref()
                .map(|en| serde_json::to_string(en).map(|j| (j, en.value())))
                .transpose()
                .map_err(|x| AppError::Internal(x.into()))?;
            Ok::<_, AppError>((*m, stored))
        })
        .collect::<Result<_, _>>()?;
    let saves: Vec<store::SaveResult<'_>> = json
        .iter()
        .filter_map(|(m, s)| {
            s.as_ref().map(|(entry, value)| store::SaveResult {
                measurand_id: *m,
                entry,
                value: *value,
            })
        })
        .collect();
    let behalf = match who {
        Enterer::Provider => note.as_ref().map(Line::as_str),
        Enterer::Lab => None,
    };
    let mut tx = app.db.write().await?;
    for (m, s) in &json {
        if s.is_none() {
            store::clear_result(&mut tx, e.id, *m).await?;
        }
    }
    store::save_results(&mut tx, e.id, &saves, me.id, behalf, app.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// A result as stored: its entry as JSON and the value that enters the statistics.
type Stored = (String, Option<f64>);

/// What a submission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Submitted {
    /// Results submitted now.
    pub count: u64,
    /// After the deadline: accepted, flagged late, and scored like the others.
    pub late: bool,
}

/// Submits every saved result of enrolment `enrolment_id` (`nothing_to_submit` when none
/// waits). After the deadline they are accepted and flagged late.
pub async fn submit_results(
    app: &App,
    me: &Caller,
    enrolment_id: i64,
) -> Result<Submitted, AppError> {
    let (e, round, _) = for_results(app, me, enrolment_id).await?;
    let now = app.clock.now();
    let late = now > round.results_until;
    let mut tx = app.db.write().await?;
    let count = store::submit_results(&mut tx, e.id, late, now).await?;
    if count == 0 {
        return Err(AppError::Conflict("nothing_to_submit"));
    }
    tx.commit().await?;
    Ok(Submitted { count, late })
}

/// The saved and submitted results of enrolment `enrolment_id`, for the lab and its
/// provider (and, after release, those who read the lab's outcomes).
pub async fn results_of(
    app: &App,
    me: &Caller,
    enrolment_id: i64,
) -> Result<(Enrolment, Vec<(store::ResultRow, ResultEntry)>), AppError> {
    let e = store::enrolment(&app.db, enrolment_id).await?;
    let round = store::round(&app.db, e.round_id).await?;
    let lab = path(&e.lab_path)?;
    let a = me.actor();
    let sees = a.runs_pt(&path(&round.provider_path)?)
        || me.org_id == e.lab_org_id && a.reads_pt_of(&lab)
        || round_status(&round)? == RoundStatus::Released && a.reads_pt_of(&lab);
    if !sees {
        return Err(AppError::NotFound);
    }
    let rows = store::results_of(&app.db, e.id).await?;
    let mut out = Vec::new();
    for r in rows {
        let entry: ResultEntry =
            serde_json::from_str(&r.entry).map_err(|x| AppError::Internal(x.into()))?;
        out.push((r, entry));
    }
    Ok((e, out))
}

/// One result of a round loaded through the API or from a spreadsheet.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct LoadRow {
    /// The participant's blind sample code.
    pub sample_code: String,
    /// The measurand's id or name.
    pub measurand: String,
    /// The value (or "<0.01", or a category).
    #[serde(default)]
    pub value: String,
    /// Expanded uncertainty U.
    #[serde(default)]
    pub u: String,
    /// Coverage factor k.
    #[serde(default)]
    pub k: String,
    /// The unit the value is in; must be the measurand's (`unit_mismatch`) when given.
    #[serde(default)]
    pub unit: String,
    /// Replicates, separated by commas.
    #[serde(default)]
    pub replicates: String,
    /// The method (standard) used.
    #[serde(default)]
    pub method: String,
    /// Why it was not tested.
    #[serde(default)]
    pub not_tested: String,
}

/// Results of many participants at once (a script loading a round).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct LoadForm {
    pub rows: Vec<LoadRow>,
    /// Why the provider enters them (kept with each result), e.g. 由脚本批量导入.
    pub note: String,
}

/// Who loads rows, and what becomes of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loader {
    /// The provider: any participant's rows, saved and submitted with its note.
    Provider,
    /// A lab: only its own enrolment's rows, saved for it to review and submit.
    Lab(i64),
}

/// Validates `rows` of round `round` (errors on `{label}.field`, one label per row) and
/// stores them all, or none when any row is wrong. Returns how many results were stored.
async fn load(
    app: &App,
    me: &Caller,
    round: &Round,
    rows: &[(String, LoadRow)],
    note: Option<&str>,
    loader: Loader,
) -> Result<usize, AppError> {
    match round_status(round)? {
        RoundStatus::Testing => {}
        RoundStatus::Enrolment => return Err(AppError::Conflict("round_in_enrolment")),
        RoundStatus::Released => return Err(AppError::Conflict("round_released")),
    }
    let measurands = store::measurands(&app.db, round.scheme_id).await?;
    let enrolments = store::enrolments(&app.db, round.id).await?;
    let pairs: std::collections::HashSet<(i64, i64)> =
        store::enrolment_measurands(&app.db, round.id)
            .await?
            .into_iter()
            .collect();
    let by_code: std::collections::HashMap<&str, &Enrolment> = enrolments
        .iter()
        .filter(|e| e.status == "approved")
        .filter_map(|e| e.sample_code.as_deref().map(|c| (c, e)))
        .collect();
    let mut errs = Invalid::default();
    let mut by_enrolment: std::collections::BTreeMap<i64, Vec<(i64, String, Option<f64>)>> =
        Default::default();
    let mut seen = std::collections::HashSet::new();
    for (p, r) in rows {
        let code = r.sample_code.trim().to_ascii_uppercase();
        let Some(e) = by_code.get(code.as_str()) else {
            errs.push(
                FieldError::new(format!("{p}.sample_code"), "unknown_sample_code")
                    .with("value", r.sample_code.trim()),
            );
            continue;
        };
        if let Loader::Lab(own) = loader
            && e.id != own
        {
            errs.push(
                FieldError::new(format!("{p}.sample_code"), "not_your_sample")
                    .with("value", r.sample_code.trim()),
            );
            continue;
        }
        let wanted = r.measurand.trim();
        let Some(m) = measurands
            .iter()
            .find(|m| m.id.to_string() == wanted || m.name == wanted)
        else {
            errs.push(
                FieldError::new(format!("{p}.measurand"), "unknown_measurand")
                    .with("value", wanted),
            );
            continue;
        };
        if !pairs.contains(&(e.id, m.id)) {
            errs.push(
                FieldError::new(format!("{p}.measurand"), "not_enrolled").with("value", &m.name),
            );
            continue;
        }
        if !seen.insert((e.id, m.id)) {
            errs.push(FieldError::new(format!("{p}.measurand"), "duplicate"));
            continue;
        }
        if !r.unit.trim().is_empty() && Some(r.unit.trim()) != m.unit.as_deref() {
            errs.push(
                FieldError::new(format!("{p}.unit"), "unit_mismatch")
                    .with("value", r.unit.trim())
                    .with("expected", m.unit.as_deref().unwrap_or("")),
            );
            continue;
        }
        let raw = ResultRaw {
            value: &r.value,
            replicates: &r.replicates,
            u: &r.u,
            k: &r.k,
            method: &r.method,
            not_tested: &r.not_tested,
        };
        match ResultEntry::parse(p, kind_of(m), &m.category_list(), m.log10, &raw) {
            Ok(Some(entry)) => {
                let json =
                    serde_json::to_string(&entry).map_err(|x| AppError::Internal(x.into()))?;
                by_enrolment
                    .entry(e.id)
                    .or_default()
                    .push((m.id, json, entry.value()));
            }
            // An empty row of a template is skipped; an empty load is refused below.
            Ok(None) => {}
            Err(x) => errs.0.extend(x.0),
        }
    }
    if errs.is_empty() && by_enrolment.is_empty() {
        errs.push(FieldError::new("rows", "required"));
    }
    errs.into_result()?;
    let now = app.clock.now();
    let late = now > round.results_until;
    let mut n = 0;
    let mut tx = app.db.write().await?;
    for (e, rows) in &by_enrolment {
        let saves: Vec<store::SaveResult<'_>> = rows
            .iter()
            .map(|(m, j, v)| store::SaveResult {
                measurand_id: *m,
                entry: j,
                value: *v,
            })
            .collect();
        store::save_results(&mut tx, *e, &saves, me.id, note, now).await?;
        if loader == Loader::Provider {
            store::submit_results(&mut tx, *e, late, now).await?;
        }
        n += saves.len();
    }
    tx.commit().await?;
    Ok(n)
}

/// The provider loads results of round `round_id` for many participants, saved and
/// submitted at once, all or nothing: any bad row refuses the whole load with errors on
/// `rows[i].…`. Returns how many results were stored.
pub async fn load_results(
    app: &App,
    me: &Caller,
    round_id: i64,
    f: &LoadForm,
) -> Result<usize, AppError> {
    let round = super::round_to_run(app, me, round_id).await?;
    let note = Line::parse("note", &f.note, 200)?;
    let rows: Vec<(String, LoadRow)> = f
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (format!("rows[{i}]"), r.clone()))
        .collect();
    load(
        app,
        me,
        &round,
        &rows,
        Some(note.as_str()),
        Loader::Provider,
    )
    .await
}

/// The columns of the results spreadsheet: (Chinese header, English header).
const COLUMNS: [(&str, &str); 9] = [
    ("样品编号", "sample_code"),
    ("检测项目", "measurand"),
    ("单位", "unit"),
    ("结果", "value"),
    ("平行测定值", "replicates"),
    ("扩展不确定度U", "u"),
    ("包含因子k", "k"),
    ("检测方法", "method"),
    ("未检测原因", "not_tested"),
];

/// The results spreadsheet of round `round_id` to fill in: one row per result expected
/// (the provider: every approved participant's measurands; a lab: its own), with the
/// results saved so far. Headers in Chinese; the import also takes the English names.
pub async fn results_template(app: &App, me: &Caller, round_id: i64) -> Result<Vec<u8>, AppError> {
    let round = store::round(&app.db, round_id).await?;
    let runs = me.actor().runs_pt(&path(&round.provider_path)?);
    let enrolments: Vec<Enrolment> = if runs {
        store::enrolments(&app.db, round.id).await?
    } else {
        match store::enrolment_of(&app.db, round.id, me.org_id).await? {
            Some(e) if me.actor().takes_part_for(&path(&e.lab_path)?) => vec![e],
            _ => return Err(AppError::NotFound),
        }
    };
    let measurands = store::measurands(&app.db, round.scheme_id).await?;
    let pairs = store::enrolment_measurands(&app.db, round.id).await?;
    let mut rows = Vec::new();
    for e in enrolments.iter().filter(|e| e.status == "approved") {
        let saved = store::results_of(&app.db, e.id).await?;
        for m in measurands.iter().filter(|m| pairs.contains(&(e.id, m.id))) {
            let entry: Option<ResultEntry> = saved
                .iter()
                .find(|r| r.measurand_id == m.id)
                .and_then(|r| serde_json::from_str(&r.entry).ok());
            let (value, replicates, u, k, method, not_tested) = match &entry {
                Some(en) => {
                    let (value, reps, nt) = match &en.reported {
                        renke_domain::pt::Reported::Value { value, replicates } => (
                            value.to_string(),
                            replicates
                                .iter()
                                .map(f64::to_string)
                                .collect::<Vec<_>>()
                                .join(", "),
                            String::new(),
                        ),
                        renke_domain::pt::Reported::BelowLoq { limit } => {
                            (format!("<{limit}"), String::new(), String::new())
                        }
                        renke_domain::pt::Reported::Category { category } => {
                            (category.clone(), String::new(), String::new())
                        }
                        renke_domain::pt::Reported::NotTested { reason } => {
                            (String::new(), String::new(), reason.clone())
                        }
                    };
                    (
                        value,
                        reps,
                        en.u.map(|v| v.to_string()).unwrap_or_default(),
                        en.k.map(|v| v.to_string()).unwrap_or_default(),
                        en.method.clone().unwrap_or_default(),
                        nt,
                    )
                }
                None => Default::default(),
            };
            rows.push(vec![
                e.sample_code.clone().unwrap_or_default(),
                m.name.clone(),
                m.unit.clone().unwrap_or_default(),
                value,
                replicates,
                u,
                k,
                method,
                not_tested,
            ]);
        }
    }
    let table = renke_domain::import::Table {
        headers: COLUMNS.iter().map(|(zh, _)| (*zh).to_owned()).collect(),
        rows,
    };
    renke_render::table::write_xlsx(&table).map_err(|e| AppError::Internal(e.into()))
}

/// Imports a filled-in results spreadsheet (.xlsx or .csv) into round `round_id`, all or
/// nothing, errors naming the spreadsheet row and column (`row5.结果`). A lab's rows are
/// saved for it to review and submit (only its own sample code: `not_your_sample`); the
/// provider's are saved and submitted on the labs' behalf with `note` (required).
pub async fn import_results(
    app: &App,
    me: &Caller,
    round_id: i64,
    bytes: &[u8],
    file_name: &str,
    note: &str,
) -> Result<usize, AppError> {
    let round = store::round(&app.db, round_id).await?;
    let runs = me.actor().runs_pt(&path(&round.provider_path)?);
    let loader = if runs {
        Loader::Provider
    } else {
        match store::enrolment_of(&app.db, round.id, me.org_id).await? {
            Some(e) if me.actor().takes_part_for(&path(&e.lab_path)?) => Loader::Lab(e.id),
            _ => return Err(AppError::NotFound),
        }
    };
    let note = match loader {
        Loader::Provider => Some(Line::parse("note", note, 200)?),
        Loader::Lab(_) => None,
    };
    let table = renke_render::table::read_table(bytes, file_name).map_err(|e| {
        AppError::Invalid(Invalid::one(
            FieldError::new("file", "unreadable_table").with("message", e),
        ))
    })?;
    let mut index = [None; 9];
    for (c, h) in table.headers.iter().enumerate() {
        let h = h.trim();
        if let Some(i) = COLUMNS
            .iter()
            .position(|(zh, en)| h == *zh || h.eq_ignore_ascii_case(en))
        {
            index[i] = Some(c);
        }
    }
    for (i, (zh, _)) in COLUMNS.iter().enumerate().take(2) {
        if index[i].is_none() {
            return Err(AppError::Invalid(Invalid::one(
                FieldError::new("file", "missing_column").with("column", zh),
            )));
        }
    }
    let cell = |row: &Vec<String>, i: usize| -> String {
        index[i]
            .and_then(|c| row.get(c))
            .cloned()
            .unwrap_or_default()
    };
    let rows: Vec<(String, LoadRow)> = table
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, r)| {
            (
                format!("row{}", renke_domain::import::Table::row_number(i)),
                LoadRow {
                    sample_code: cell(r, 0),
                    measurand: cell(r, 1),
                    unit: cell(r, 2),
                    value: cell(r, 3),
                    replicates: cell(r, 4),
                    u: cell(r, 5),
                    k: cell(r, 6),
                    method: cell(r, 7),
                    not_tested: cell(r, 8),
                },
            )
        })
        .collect();
    load(
        app,
        me,
        &round,
        &rows,
        note.as_ref().map(Line::as_str),
        loader,
    )
    .await
}
