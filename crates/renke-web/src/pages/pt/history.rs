//! A lab's history across rounds, and a round's documents.

use super::*;

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
