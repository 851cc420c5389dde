//! Follow-ups of questionable and unsatisfactory results: opened at release, answered by
//! the lab (root cause, corrective action), closed or returned by the provider, and seen by
//! the bureaus above the lab — the regulator's view of its labs' PT outcomes.

use super::path;
use crate::error::AppError;
use crate::{App, Caller};
use renke_domain::Invalid;
use renke_domain::notice::parse_text;
use renke_domain::pt::FollowupStatus;
use renke_store::pt::{self as store, Followup};
use serde::{Deserialize, Serialize};

/// A follow-up with what the caller may do to it.
#[derive(Debug, Clone, Serialize)]
pub struct FollowupItem {
    pub followup: Followup,
    pub status: FollowupStatus,
    /// The caller answers for the lab.
    pub may_answer: bool,
    /// The caller reviews for the provider.
    pub may_review: bool,
}

async fn item(app: &App, me: &Caller, f: Followup) -> Result<Option<FollowupItem>, AppError> {
    let round = store::round(&app.db, f.round_id).await?;
    let a = me.actor();
    let lab = path(&f.lab_path)?;
    let runs = a.runs_pt(&path(&round.provider_path)?);
    if !(runs || a.reads_pt_of(&lab)) {
        return Ok(None);
    }
    let status = FollowupStatus::from_code(&f.status)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("follow-up status {}", f.status)))?;
    Ok(Some(FollowupItem {
        may_answer: a.takes_part_for(&lab)
            && me.org_id == f.lab_org_id
            && status.next("submit").is_ok(),
        may_review: runs && status == FollowupStatus::Submitted,
        status,
        followup: f,
    }))
}

/// The follow-ups the caller sees: of round `round_id` (its provider, or the caller's
/// lab's), or without a round those of the labs in the caller's subtree (a lab's own; a
/// bureau's labs by city).
pub async fn followups(
    app: &App,
    me: &Caller,
    round_id: Option<i64>,
) -> Result<Vec<FollowupItem>, AppError> {
    let within = if me.actor().is_admin() {
        None
    } else if let Some(r) = round_id {
        let round = store::round(&app.db, r).await?;
        if me.actor().runs_pt(&path(&round.provider_path)?) {
            None
        } else {
            Some(me.org_path.as_str().to_owned())
        }
    } else {
        Some(me.org_path.as_str().to_owned())
    };
    let rows = store::followups(&app.db, round_id, within.as_deref()).await?;
    let mut out = Vec::new();
    for f in rows {
        if let Some(i) = item(app, me, f).await? {
            out.push(i);
        }
    }
    Ok(out)
}

/// Follow-up `id` as the caller sees it.
pub async fn followup(app: &App, me: &Caller, id: i64) -> Result<FollowupItem, AppError> {
    let f = store::followup(&app.db, id).await?;
    item(app, me, f).await?.ok_or(AppError::NotFound)
}

/// The lab's answer.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct FollowupAnswer {
    /// 原因分析.
    pub root_cause: String,
    /// 纠正措施.
    pub action: String,
}

/// The lab answers follow-up `id` (root cause and corrective action, both required): open
/// or returned → submitted.
pub async fn answer_followup(
    app: &App,
    me: &Caller,
    id: i64,
    f: &FollowupAnswer,
) -> Result<(), AppError> {
    let it = followup(app, me, id).await?;
    if !(me.actor().takes_part_for(&path(&it.followup.lab_path)?)
        && me.org_id == it.followup.lab_org_id)
    {
        return Err(AppError::Forbidden);
    }
    let next = it.status.next("submit").map_err(AppError::Conflict)?;
    let mut errs = Invalid::default();
    let cause = parse_text("root_cause", &f.root_cause, 5000)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    let action = parse_text("action", &f.action, 5000)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    if cause.is_none() && errs.0.iter().all(|e| e.field != "root_cause") {
        errs.push(renke_domain::FieldError::new("root_cause", "required"));
    }
    if action.is_none() && errs.0.iter().all(|e| e.field != "action") {
        errs.push(renke_domain::FieldError::new("action", "required"));
    }
    errs.into_result()?;
    let mut tx = app.db.write().await?;
    store::update_followup(
        &mut tx,
        id,
        it.status.as_str(),
        next.as_str(),
        cause.as_deref(),
        action.as_deref(),
        None,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The provider's review.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct FollowupReview {
    /// `close` 关闭 or `return` 退回.
    pub decision: String,
    /// Why it is returned (required then).
    #[serde(default)]
    pub note: String,
}

/// The provider closes follow-up `id` or returns it with a note: submitted → closed or
/// returned.
pub async fn review_followup(
    app: &App,
    me: &Caller,
    id: i64,
    f: &FollowupReview,
) -> Result<(), AppError> {
    let it = followup(app, me, id).await?;
    let round = store::round(&app.db, it.followup.round_id).await?;
    if !me.actor().runs_pt(&path(&round.provider_path)?) {
        return Err(AppError::Forbidden);
    }
    let event = match f.decision.trim() {
        "close" => "close",
        "return" => "return",
        other => {
            return Err(AppError::Invalid(Invalid::one(
                renke_domain::FieldError::new("decision", "unknown_value").with("value", other),
            )));
        }
    };
    let next = it.status.next(event).map_err(AppError::Conflict)?;
    let note = parse_text("note", &f.note, 2000)?;
    if event == "return" && note.is_none() {
        return Err(AppError::field("note", "required"));
    }
    let mut tx = app.db.write().await?;
    store::update_followup(
        &mut tx,
        id,
        it.status.as_str(),
        next.as_str(),
        None,
        None,
        note.as_deref(),
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
