//! Personal settings: language, e-mail notifications, password, API tokens.

use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::{Identity, LANG_COOKIE, User, set_cookie};
use crate::error::{AppError, PageError};
use crate::view::{Chrome, Errors, local_time, render};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use renke_app::auth::PasswordChange;
use renke_domain::account::MailDigest;
use serde::Deserialize;

struct TokenRow {
    id: i64,
    name: String,
    created: String,
    last_used: String,
    expires: String,
    expired: bool,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    c: Chrome,
    locale: String,
    /// The account's e-mail address, where its digests go.
    email: Option<String>,
    mail_digest: MailDigest,
    errors: Errors,
    pw_fields: Vec<(&'static str, &'static str, &'static str)>,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
}

async fn page(
    state: &AppState,
    user: &User,
    errors: Errors,
    flash: Option<String>,
    new_token: Option<String>,
) -> Result<SettingsPage, PageError> {
    let now = state.clock.now();
    let me = renke_app::accounts::me(state, &user.account).await?;
    let tokens = renke_app::auth::list_tokens(state, &user.account)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            created: local_time(&t.created_at),
            last_used: t
                .last_used_at
                .as_ref()
                .map(local_time)
                .unwrap_or_else(|| "—".into()),
            expires: t
                .expires_at
                .as_ref()
                .map(local_time)
                .unwrap_or_else(|| "—".into()),
            expired: t.expires_at.is_none_or(|e| e <= now),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    Ok(SettingsPage {
        c: Chrome::new(&user.ctx, "settings", user.ctx.tr.t("nav.settings")).with_flash(flash),
        locale: user.account.locale.clone().unwrap_or_default(),
        email: me.email.filter(|e| !e.is_empty()),
        mail_digest: me.mail_digest,
        errors,
        pw_fields: vec![
            ("current", "pw.current", "current-password"),
            ("new", "pw.new", "new-password"),
            ("repeat", "pw.repeat", "new-password"),
        ],
        tokens,
        new_token,
    })
}

pub async fn show(State(state): State<AppState>, user: User) -> Result<Response, PageError> {
    Ok(render(
        &page(&state, &user, Errors::default(), None, None).await?,
    ))
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    locale: String,
}

pub async fn language(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<LanguageForm>,
) -> Result<Response, PageError> {
    let locale = Some(f.locale.as_str()).filter(|s| !s.is_empty());
    renke_app::auth::set_locale(&state, &user.account, locale).await?;
    // The stored choice also becomes this browser's (the cookie wins over the account's);
    // "follow the browser" clears the cookie.
    let locale = locale.and_then(crate::i18n::Locale::parse);
    let cookie = match locale {
        Some(l) => set_cookie(&state, LANG_COOKIE, l.code(), Some(365 * 24 * 3600)),
        None => set_cookie(&state, LANG_COOKIE, "", Some(0)),
    };
    let mut res = Redirect::to("/settings").into_response();
    if let Ok(v) = cookie.parse() {
        res.headers_mut().append(axum::http::header::SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Deserialize)]
pub struct MailForm {
    #[serde(default)]
    mail_digest: String,
}

/// 邮件通知: how the account hears of its messages by e-mail.
pub async fn mail(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<MailForm>,
) -> Result<Response, PageError> {
    match renke_app::auth::set_mail_digest(&state, &user.account, &f.mail_digest).await {
        Ok(d) => {
            let saved = format!(
                "{}{}",
                user.ctx
                    .tr
                    .pick("邮件通知已保存：", "E-mail notifications saved: "),
                user.ctx.tr.pick(d.zh(), d.en())
            );
            Ok(render(
                &page(&state, &user, Errors::default(), Some(saved), None).await?,
            ))
        }
        Err(AppError::Invalid(inv)) => {
            let p = page(
                &state,
                &user,
                Errors::from_invalid(user.ctx.tr, &inv),
                None,
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn password(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<PasswordChange>,
) -> Result<Response, PageError> {
    let session = match &user.ctx.identity {
        Identity::Session { token_hash, .. } => Some(token_hash.clone()),
        _ => None,
    };
    match renke_app::auth::change_password(&state, &user.account, &f, session.as_deref()).await {
        Ok(()) => Ok(render(
            &page(
                &state,
                &user,
                Errors::default(),
                Some(user.ctx.tr.t("pw.changed").into()),
                None,
            )
            .await?,
        )),
        Err(AppError::Invalid(inv)) => {
            let p = page(
                &state,
                &user,
                Errors::from_invalid(user.ctx.tr, &inv),
                None,
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    /// Days the token lasts (a select of 30, 90, 180, 365).
    #[serde(default)]
    days: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    user: User,
    Form(f): Form<TokenForm>,
) -> Result<Response, PageError> {
    // A value that is not a number is out of range, and is refused on the `days` field.
    let days = match f.days.trim() {
        "" => None,
        d => Some(d.parse().unwrap_or(0)),
    };
    match renke_app::auth::create_token(&state, &user.account, &f.name, days).await {
        Ok(t) => Ok(render(
            &page(&state, &user, Errors::default(), None, Some(t)).await?,
        )),
        Err(AppError::Invalid(inv)) => {
            let p = page(
                &state,
                &user,
                Errors::from_invalid(user.ctx.tr, &inv),
                None,
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    renke_app::auth::revoke_token(&state, &user.account, id).await?;
    Ok(Redirect::to("/settings").into_response())
}
