//! A round's page: schedule, eligibility, measurands; for the provider invitations,
//! enrolments, dispatch, the receipt monitor, testing and release; for a lab its part.

use super::*;

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
    pub(super) fn new(f: &renke_app::model::StoredFile, href: String) -> FileLine {
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
pub(super) async fn round_page(
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
pub(super) async fn after(
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
    let r = match crate::pages::read_upload(req).await {
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
pub(super) fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}
