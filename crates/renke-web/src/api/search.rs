//! Search (检索): what the caller may read, and a campaign's public content. Who reads what
//! is decided by `renke_app::search`.

use super::ApiResult;
use super::extract::{ApiPath, ApiQuery};
use super::schema::form;
use crate::AppState;
use crate::auth::{ApiUser, Ctx};
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use renke_app::search::{self as svc, Found, Hit, SearchParams};
use serde::Serialize;
use utoipa::ToSchema;

/// Results per page of the API.
const LIMIT: i64 = 20;

/// One result.
#[derive(Debug, Serialize, ToSchema)]
pub struct HitDto {
    /// notice, activity, material, item (a published news item), case, initiative.
    pub kind: String,
    pub kind_zh: String,
    pub id: i64,
    /// The title as HTML: escaped, the words found in `<mark>`.
    pub title_html: String,
    /// Text around the first word found, as HTML: escaped, the words found in `<mark>`.
    pub snippet_html: String,
    /// The page that shows it.
    pub url: String,
    pub campaign_id: Option<i64>,
    pub campaign_title: Option<String>,
    /// The organisation that issued, uploaded or owns it.
    pub owner_name: String,
    /// Shown to anyone.
    pub public: bool,
    /// Issued, published or (an activity) starting at.
    pub at: DateTime<Utc>,
}

/// A page of results, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchDto {
    /// The query as read, and the words looked for (an item holds every one).
    pub query: String,
    pub terms: Vec<String>,
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
    /// Too many items held the words: only the newest 2,000 were looked at.
    pub more: bool,
    pub hits: Vec<HitDto>,
}

impl From<Hit> for HitDto {
    fn from(h: Hit) -> HitDto {
        HitDto {
            kind: h.kind.as_str().to_owned(),
            kind_zh: h.kind.zh().to_owned(),
            url: crate::pages::search::hit_url(h.kind, h.id, h.campaign_id),
            id: h.id,
            title_html: h.title_html,
            snippet_html: h.snippet_html,
            campaign_id: h.campaign_id,
            campaign_title: h.campaign_title,
            owner_name: h.owner_name,
            public: h.public,
            at: h.at,
        }
    }
}

impl From<Found> for SearchDto {
    fn from(f: Found) -> SearchDto {
        SearchDto {
            query: f.query,
            terms: f.terms,
            total: f.total,
            offset: f.offset,
            limit: f.limit,
            more: f.more,
            hits: f.hits.into_iter().map(Into::into).collect(),
        }
    }
}

/// Search what the caller may read: notices, activities, publicity materials, published
/// news items (an item must hold every word of `q`, cut as jieba cuts Chinese), newest
/// first; optionally in one campaign.
#[utoipa::path(
    get, path = "/api/v1/search", tag = "search",
    params(form::SearchParams),
    responses(
        (status = 200, description = "检索结果 Results", body = SearchDto),
        (status = 422, description = "`q`: `required`, `too_long`, `no_terms`; `campaign_id`: `unknown_value`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = [])),
)]
pub async fn search(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<SearchParams>,
) -> ApiResult<Json<SearchDto>> {
    Ok(Json(
        svc::search(&state, &user.account, &q, LIMIT).await?.into(),
    ))
}

/// Search a campaign's public content (what its public page shows: 主动公开 notices,
/// public activities, published materials and news items). No login needed.
#[utoipa::path(
    get, path = "/api/v1/campaigns/{id}/search", tag = "search",
    params(("id" = i64, Path, description = "主题活动编号 Campaign id"), form::SearchParams),
    responses(
        (status = 200, description = "检索结果 Results", body = SearchDto),
        (status = 404, description = "没有这个主题活动 No such campaign", body = ErrorBody),
        (status = 422, description = "`q`: `required`, `too_long`, `no_terms`", body = ErrorBody),
    ),
    security((), ("session" = []), ("bearer" = [])),
)]
pub async fn search_public(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<SearchParams>,
) -> ApiResult<Json<SearchDto>> {
    Ok(Json(
        svc::search_public(&state, ctx.account(), id, &q, LIMIT)
            .await?
            .into(),
    ))
}
