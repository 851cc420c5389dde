//! Follow-ups of questionable and unsatisfactory results.

use super::*;

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
    let added = match crate::pages::read_form_with_files::<Vec<(String, String)>>(req).await {
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
