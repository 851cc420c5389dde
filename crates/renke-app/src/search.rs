//! Search (检索) over notices, activities, publicity materials, published news items (and,
//! as their modules index them, cases and the initiative): a signed-in user finds what it
//! may read, a visitor what a campaign has made public.
//!
//! The query is cut into words with jieba ([`renke_domain::search::Query`]); the store
//! finds the items holding every word, already narrowed to what the reader could read
//! ([`renke_store::search::Reader`]); each candidate then goes through the policy
//! ([`Actor::reads_found`](renke_domain::perm::Actor::reads_found)) before it is counted,
//! so a result is never an item the reader may not read. The page shown gets its title and
//! a snippet with the words found in `<mark>`.

use crate::App;
use crate::Caller;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use renke_domain::FieldError;
use renke_domain::search::{Query, SearchKind, highlight, snippet};
use renke_store::search::{self as store, Candidate, Reader};
use serde::{Deserialize, Serialize};

/// At most this many candidates are looked at per search (the newest); a search finding
/// more says so ([`Found::more`]) and asks for more words.
pub const CANDIDATES_MAX: i64 = 2000;
/// Characters of text around the first word found.
pub const SNIPPET_WIDTH: usize = 120;

/// What is searched for, as typed (a query string).
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct SearchParams {
    /// 检索词 The words to look for (at most 100 characters); an item must hold every one.
    #[serde(default)]
    pub q: String,
    /// 主题活动编号 Only this campaign's items (optional; the public search names it in
    /// its path).
    #[serde(default)]
    pub campaign_id: String,
    /// How many results to skip (paging).
    #[serde(default)]
    pub offset: i64,
}

impl SearchParams {
    /// The campaign named, if any (`campaign_id`: `unknown_value` when not a number).
    pub fn campaign(&self) -> Result<Option<i64>, FieldError> {
        let s = self.campaign_id.trim();
        if s.is_empty() {
            return Ok(None);
        }
        s.parse()
            .map(Some)
            .map_err(|_| FieldError::new("campaign_id", "unknown_value").with("value", s))
    }
}

/// One result, ready to show.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub kind: SearchKind,
    pub id: i64,
    /// The title as HTML: escaped, with the words found in `<mark>`.
    pub title_html: String,
    /// About [`SNIPPET_WIDTH`] characters of the text around the first word found, as HTML.
    pub snippet_html: String,
    pub campaign_id: Option<i64>,
    pub campaign_title: Option<String>,
    /// The organisation that issued, uploaded or owns it.
    pub owner_name: String,
    pub public: bool,
    pub at: DateTime<Utc>,
}

/// A page of results.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    /// The query as typed (trimmed) and the words looked for.
    pub query: String,
    pub terms: Vec<String>,
    pub hits: Vec<Hit>,
    /// Results the reader may read, in all.
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
    /// More than [`CANDIDATES_MAX`] items held the words: only the newest were looked at.
    pub more: bool,
}

/// Searches what `me` may read, `limit` results a page, in the campaign `p` names when it
/// names one. `q` is checked (`q`: required, too long, no word in it).
pub async fn search(
    app: &App,
    me: &Caller,
    p: &SearchParams,
    limit: i64,
) -> Result<Found, AppError> {
    let campaign = p.campaign()?;
    let query = Query::parse(&p.q)?;
    let actor = me.actor();
    let around = actor.search_around();
    let reader = match &around {
        None => Reader::All,
        Some(path) => Reader::Around {
            around: path,
            org_id: me.org_id,
        },
    };
    let candidates =
        store::candidates(&app.db, &query.terms, &reader, campaign, CANDIDATES_MAX + 1).await?;
    let readable =
        |c: &Candidate| c.public || actor.reads_found(c.kind, &c.owner_path, c.addressed);
    page(app, query, candidates, readable, p.offset, limit).await
}

/// Searches the public content of campaign `campaign_id` (its public page): what anyone
/// may read, `limit` results a page. The campaign must be one `me` (or a visitor) may see;
/// `p`'s own campaign is not looked at.
pub async fn search_public(
    app: &App,
    me: Option<&Caller>,
    campaign_id: i64,
    p: &SearchParams,
    limit: i64,
) -> Result<Found, AppError> {
    crate::campaigns::get_campaign(app, me, campaign_id).await?;
    let query = Query::parse(&p.q)?;
    let candidates = store::candidates(
        &app.db,
        &query.terms,
        &Reader::Public,
        Some(campaign_id),
        CANDIDATES_MAX + 1,
    )
    .await?;
    page(app, query, candidates, |c| c.public, p.offset, limit).await
}

/// Keeps the candidates `readable` passes, and shows the page `offset`..`offset + limit`.
async fn page(
    app: &App,
    query: Query,
    mut candidates: Vec<Candidate>,
    readable: impl Fn(&Candidate) -> bool,
    offset: i64,
    limit: i64,
) -> Result<Found, AppError> {
    let limit = limit.clamp(1, 100);
    let offset = offset.max(0);
    let more = candidates.len() as i64 > CANDIDATES_MAX;
    candidates.truncate(CANDIDATES_MAX as usize);
    candidates.retain(|c| readable(c));
    let keys: Vec<(SearchKind, i64)> = candidates
        .iter()
        .skip(offset as usize)
        .take(limit as usize)
        .map(|c| (c.kind, c.item_id))
        .collect();
    let hits = store::shown(&app.db, &keys)
        .await?
        .into_iter()
        .map(|s| Hit {
            kind: s.kind,
            id: s.item_id,
            title_html: highlight(&s.title, &query.terms),
            snippet_html: snippet(&s.body, &query.terms, SNIPPET_WIDTH),
            campaign_id: s.campaign_id,
            campaign_title: s.campaign_title,
            owner_name: s.owner_name,
            public: s.public,
            at: s.at,
        })
        .collect();
    Ok(Found {
        query: query.text,
        terms: query.terms,
        hits,
        total: candidates.len() as i64,
        offset,
        limit,
        more,
    })
}

/// Rebuilds the index of every notice, activity, material and news item (`renke search
/// reindex`): after an upgrade that adds search, or to repair it.
pub async fn reindex(app: &App) -> Result<store::Reindexed, AppError> {
    Ok(store::reindex(&app.db).await?)
}
