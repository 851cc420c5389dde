//! The provider's forms: a scheme with its measurands, and a round.

use super::*;

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
    let (pairs, files): (Vec<(String, String)>, _) =
        crate::pages::read_form_with_files(req).await?;
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
