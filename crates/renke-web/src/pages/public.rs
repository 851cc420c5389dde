//! The public campaign page: no login needed.

use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::Ctx;
use crate::error::{PageError, escape};
use crate::i18n::Tr;
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use renke_app::model::Campaign;
use renke_app::publicity::ZoneQuery;
use renke_domain::campaign::edition_zh;

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage {
    c: Chrome,
    campaign: Option<Campaign>,
    edition: Option<String>,
    day: String,
    /// (title key, HTML body) of each public section; later modules fill them.
    sections: Vec<(&'static str, String)>,
    /// 组织单位 after the owner: the hosts of the public activities (the owner aside).
    hosts: Vec<String>,
}

/// The public sections under the themes. Each module that publishes something (notices,
/// the activity calendar, news, the download zone filtered by `zone`) contributes its
/// section here; an empty body shows the "published soon" text (the download zone says
/// itself what to expect when it has nothing).
async fn public_sections(
    state: &AppState,
    ctx: &Ctx,
    tr: &Tr,
    campaign: &Campaign,
    zone: ZoneQuery,
) -> Result<(Vec<(&'static str, String)>, Vec<String>), PageError> {
    let (calendar, hosts) = super::activities::public_section(state, tr, campaign).await?;
    Ok((
        vec![
            ("pub.notices", notices_section(state, campaign).await?),
            ("pub.calendar", calendar),
            ("pub.news", news_section(state, campaign).await?),
            (
                "pub.downloads",
                super::publicity::zone_section(state, ctx, tr, campaign, zone).await?,
            ),
            (
                "stat.public_reports",
                super::industry_stats::public_section(state, ctx, campaign.id).await?,
            ),
            (
                "pub.initiatives",
                super::initiatives::public_section(state, tr, campaign).await?,
            ),
            (
                "pub.ceremony",
                super::ceremony::public_section(state, tr, campaign).await?,
            ),
        ],
        hosts,
    ))
}

/// Issued 主动公开 notices of the campaign, newest first: title, 发文字号, issuer, date.
async fn notices_section(state: &AppState, campaign: &Campaign) -> Result<String, PageError> {
    let list = renke_app::notices::public_notices(state, campaign).await?;
    if list.is_empty() {
        return Ok(String::new());
    }
    let mut html = String::from("<ul class=\"plain notices\">");
    for n in list {
        html.push_str(&format!(
            "<li><a href=\"/notices/{}\">{}</a> <span class=\"muted\">{} · {} · {}</span></li>",
            n.id,
            escape(&n.title),
            escape(
                n.doc_number
                    .as_deref()
                    .unwrap_or(renke_domain::notice::NO_DOC_NUMBER)
            ),
            escape(&n.issuer_name),
            n.written_on.format("%Y-%m-%d"),
        ));
    }
    html.push_str("</ul>");
    Ok(html)
}

/// The news items published from the campaign's stream tasks (信息和新闻稿件), newest
/// first: title, unit, date, and the text.
async fn news_section(state: &AppState, campaign: &Campaign) -> Result<String, PageError> {
    let list = renke_app::reporting::items::published(state, campaign.id).await?;
    if list.is_empty() {
        return Ok(String::new());
    }
    let mut html = String::from("<ul class=\"plain news\">");
    for i in list {
        let date = i
            .published_at
            .map(|t| crate::view::local_time(&t))
            .unwrap_or_default();
        html.push_str(&format!(
            "<li><details><summary>{}</summary><p class=\"muted\">{} · {}</p><p class=\"pre\">{}</p></details></li>",
            escape(&i.title),
            escape(&i.org_name),
            escape(&date),
            escape(&i.body),
        ));
    }
    html.push_str("</ul>");
    Ok(html)
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    campaign: Option<Campaign>,
    zone: ZoneQuery,
) -> Result<Response, PageError> {
    let tr: Tr = ctx.tr;
    let (edition, day, (sections, hosts), title) = match &campaign {
        Some(k) => (
            k.edition.map(|e| {
                if tr.is_zh() {
                    edition_zh(e as u32)
                } else {
                    format!("No. {e}")
                }
            }),
            if tr.is_zh() {
                k.day.format("%Y年%-m月%-d日").to_string()
            } else {
                k.day.format("%-d %B %Y").to_string()
            },
            public_sections(state, ctx, &tr, k, zone).await?,
            k.title.clone(),
        ),
        None => (
            None,
            String::new(),
            (Vec::new(), Vec::new()),
            tr.t("pub.title").to_owned(),
        ),
    };
    let hosts = hosts
        .into_iter()
        .filter(|h| campaign.as_ref().is_none_or(|k| *h != k.owner_name))
        .collect();
    Ok(render(&PublicPage {
        c: Chrome::new(ctx, "public", title),
        campaign,
        edition,
        day,
        sections,
        hosts,
    }))
}

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let campaign = renke_app::campaigns::current_public_campaign(&state).await?;
    page(&state, &ctx, campaign, ZoneQuery::default()).await
}

pub async fn campaign(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
    Query(zone): Query<ZoneQuery>,
) -> Result<Response, PageError> {
    let k = renke_app::campaigns::get_campaign(&state, ctx.account(), id).await?;
    page(&state, &ctx, Some(k), zone).await
}
