//! Search (检索) pages: `/search`, over what the signed-in user may read (the box in the
//! top bar sends there), and `/campaigns/{id}/search`, over a campaign's public content
//! (the form on its public page). Who reads what is decided by `renke_app::search`.

use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::{Ctx, User};
use crate::error::{AppError, PageError};
use crate::view::{Chrome, Errors, Pager, local_time, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use renke_app::search::{self as svc, Found, Hit, SearchParams};
use renke_domain::search::SearchKind;

/// Results per page.
const PAGE_SIZE: i64 = 20;

/// The page of a result: a notice, an activity, a material and an initiative have their
/// own; a news item is on its campaign's public page; a case opens through `/cases/{id}`,
/// which sends the reader to the case or to its place in the published collection.
pub fn hit_url(kind: SearchKind, id: i64, campaign_id: Option<i64>) -> String {
    match kind {
        SearchKind::Notice => format!("/notices/{id}"),
        SearchKind::Activity => format!("/activities/{id}"),
        SearchKind::Material => format!("/publicity/{id}"),
        SearchKind::Item => {
            let campaign =
                campaign_id.map_or_else(|| "/".to_owned(), |c| format!("/campaigns/{c}"));
            format!("{campaign}#s-pub.news")
        }
        SearchKind::Case => format!("/cases/{id}"),
        SearchKind::Initiative => format!("/initiatives/{id}"),
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: Chrome,
    /// Where the form sends the query.
    action: String,
    /// The public search of a campaign (its title), or the signed-in one.
    campaign: Option<String>,
    q: String,
    found: Option<Found>,
    errors: Errors,
    pager: Pager,
}

impl SearchPage {
    fn kind(&self, h: &Hit) -> &'static str {
        self.c.tr.pick(h.kind.zh(), h.kind.en())
    }
    fn url(&self, h: &Hit) -> String {
        hit_url(h.kind, h.id, h.campaign_id)
    }
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    /// "N results for «q»", or that only the newest were looked at.
    fn summary(&self, f: &Found) -> String {
        let key = if f.more {
            "srch.summary_more"
        } else {
            "srch.summary"
        };
        self.c.tr.tf(
            key,
            &[("total", f.total.to_string()), ("q", f.query.clone())],
        )
    }
}

/// The page for `p` at `action`: no query yet shows the form alone; a refused one the
/// form with its problem (422).
async fn page<F>(
    c: Chrome,
    action: String,
    campaign: Option<String>,
    p: SearchParams,
    run: F,
) -> Result<Response, PageError>
where
    F: AsyncFnOnce(&SearchParams) -> Result<Found, AppError>,
{
    let base = {
        let mut qs = url::form_urlencoded::Serializer::new(String::new());
        qs.append_pair("q", p.q.trim());
        if !p.campaign_id.is_empty() {
            qs.append_pair("campaign_id", &p.campaign_id);
        }
        format!("{action}?{}&", qs.finish())
    };
    let (found, errors, status) = if p.q.trim().is_empty() {
        (None, Errors::default(), StatusCode::OK)
    } else {
        match run(&p).await {
            Ok(f) => (Some(f), Errors::default(), StatusCode::OK),
            Err(AppError::Invalid(inv)) => (
                None,
                Errors::from_invalid(c.tr, &inv),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Err(e) => return Err(e.into()),
        }
    };
    let pager = Pager {
        offset: found.as_ref().map_or(0, |f| f.offset),
        limit: PAGE_SIZE,
        total: found.as_ref().map_or(0, |f| f.total),
        base,
    };
    let page = SearchPage {
        c,
        action,
        campaign,
        q: p.q.trim().to_owned(),
        found,
        errors,
        pager,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /search?q=…`: what the caller may read, newest first, each labelled by kind.
pub async fn search(
    State(state): State<AppState>,
    user: User,
    Query(p): Query<SearchParams>,
) -> Result<Response, PageError> {
    let c = Chrome::new(&user.ctx, "search", user.ctx.tr.t("srch.title"));
    let me = &user.account;
    page(c, "/search".into(), None, p, async |p| {
        svc::search(&state, me, p, PAGE_SIZE).await
    })
    .await
}

/// `GET /campaigns/{id}/search?q=…`: the campaign's public content; no login needed.
pub async fn search_public(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
    Query(p): Query<SearchParams>,
) -> Result<Response, PageError> {
    let k = renke_app::campaigns::get_campaign(&state, ctx.account(), id).await?;
    let c = Chrome::new(
        &ctx,
        "public",
        format!("{} · {}", ctx.tr.t("srch.title"), k.title),
    );
    let me = ctx.account();
    page(
        c,
        format!("/campaigns/{id}/search"),
        Some(k.title.clone()),
        p,
        async |p| svc::search_public(&state, me, id, p, PAGE_SIZE).await,
    )
    .await
}
