//! The public campaign page: no login needed.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::service;
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use renke_domain::campaign::edition_zh;
use renke_store::campaigns::Campaign;

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage {
    c: Chrome,
    campaign: Option<Campaign>,
    edition: Option<String>,
    day: String,
    /// (title key, HTML body) of each public section; later modules fill them.
    sections: Vec<(&'static str, String)>,
}

/// The public sections under the themes. Each module that publishes something (notices,
/// the activity calendar, downloads) contributes its section here; an empty body shows
/// the "published soon" text.
async fn public_sections(
    _state: &AppState,
    _campaign: &Campaign,
) -> Result<Vec<(&'static str, String)>, AppError> {
    Ok(vec![
        ("pub.notices", String::new()),
        ("pub.calendar", String::new()),
        ("pub.downloads", String::new()),
    ])
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    campaign: Option<Campaign>,
) -> Result<Response, AppError> {
    let tr: Tr = ctx.tr;
    let (edition, day, sections, title) = match &campaign {
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
            public_sections(state, k).await?,
            k.title.clone(),
        ),
        None => (
            None,
            String::new(),
            Vec::new(),
            tr.t("pub.title").to_owned(),
        ),
    };
    Ok(render(&PublicPage {
        c: Chrome::new(ctx, "public", title),
        campaign,
        edition,
        day,
        sections,
    }))
}

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let campaign = service::current_public_campaign(&state).await?;
    page(&state, &ctx, campaign).await
}

pub async fn campaign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let k = service::get_campaign(&state, ctx.account(), id).await?;
    page(&state, &ctx, Some(k)).await
}
