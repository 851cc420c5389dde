//! The certificate of participation (能力验证参加证明) of one lab in a released round: the
//! measurands it took part in, each with its overall class from the released evaluation.

use super::evaluate::lab_outcomes;
use crate::error::AppError;
use crate::pdf::{PdfFile, render};
use crate::{App, Caller};
use renke_domain::clock::SHANGHAI;
use renke_render::pdf::{PtCertificate, PtCertificateRow};
use renke_store::pt as store;

/// What a measurand the lab took part in but that has no class prints.
const NOT_EVALUATED: &str = "未评价";

/// The certificate number of enrolment `enrolment_id` in round `round_code`: the round's
/// code and the enrolment's number, so a certificate always has the same number. Not the
/// blind sample code: a certificate is shown to others, and the code would tie the lab to
/// its results in the round report.
pub fn certificate_number(round_code: &str, enrolment_id: i64) -> String {
    format!("{round_code}-{enrolment_id:05}")
}

/// The certificate of enrolment `enrolment_id` as data: once the round is released, for
/// the lab and whoever reads its outcomes (the letter's rule) and the provider; only for an
/// approved lab. `NotFound` otherwise, before release too.
pub async fn certificate(
    app: &App,
    me: &Caller,
    enrolment_id: i64,
) -> Result<PtCertificate, AppError> {
    let (e, round, outcomes) = lab_outcomes(app, me, enrolment_id).await?;
    let (Some(released_at), "released", "approved") =
        (round.released_at, round.status.as_str(), e.status.as_str())
    else {
        return Err(AppError::NotFound);
    };
    let taken = store::measurands_of_enrolment(&app.db, e.id).await?;
    let rows = store::measurands(&app.db, round.scheme_id)
        .await?
        .into_iter()
        .filter(|m| taken.contains(&m.id))
        .map(|m| {
            let class = outcomes
                .iter()
                .find(|o| o.measurand.id == m.id)
                .and_then(|o| o.row.as_ref()?.class)
                .map_or(NOT_EVALUATED, |c| c.zh());
            PtCertificateRow {
                measurand: m.name,
                class: class.to_owned(),
            }
        })
        .collect();
    Ok(PtCertificate {
        number: certificate_number(&round.code, e.id),
        lab_name: e.lab_name.clone(),
        provider: round.provider_name.clone(),
        round_code: round.code.clone(),
        round_title: round.title.clone(),
        scheme: round.scheme_name.clone(),
        field: round.field.clone(),
        rows,
        released_on: released_at.with_timezone(&SHANGHAI).date_naive(),
    })
}

/// The certificate as a PDF.
pub async fn certificate_pdf(
    app: &App,
    me: &Caller,
    enrolment_id: i64,
) -> Result<PdfFile, AppError> {
    let c = certificate(app, me, enrolment_id).await?;
    let filename = format!("能力验证参加证明-{}.pdf", c.number);
    let fallback = format!("pt-certificate-{}.pdf", c.number);
    let pdf = render(app, move |r| r.pt_certificate(&c)).await?;
    Ok(PdfFile {
        bytes: pdf.bytes,
        filename,
        fallback,
    })
}
