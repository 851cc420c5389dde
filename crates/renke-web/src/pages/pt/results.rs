//! Results: a lab's form with its confirmation, spreadsheet imports, entry on a lab's behalf.

use super::*;

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
pub(super) fn row_lines(tr: &Tr, errors: &Errors) -> Vec<String> {
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
        crate::pages::XLSX,
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
