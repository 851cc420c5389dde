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

/// The settings page after a form: `Ok` shows it with `done`'s flash or new token; a
/// refusal shows it with the errors beside the fields (422); anything else is an error page.
async fn answer(
    state: &AppState,
    user: &User,
    done: Result<(Option<String>, Option<String>), AppError>,
) -> Result<Response, PageError> {
    match done {
        Ok((flash, token)) => Ok(render(
            &page(state, user, Errors::default(), flash, token).await?,
        )),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let p = page(state, user, errors, None, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response())
        }
        Err(e) => Err(e.into()),
    }
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
    let tr = user.ctx.tr;
    let done = renke_app::auth::set_mail_digest(&state, &user.account, &f.mail_digest)
        .await
        .map(|d| {
            let saved = tr.pick("邮件通知已保存：", "E-mail notifications saved: ");
            (Some(format!("{saved}{}", tr.pick(d.zh(), d.en()))), None)
        });
    answer(&state, &user, done).await
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
    let done = renke_app::auth::change_password(&state, &user.account, &f, session.as_deref())
        .await
        .map(|()| (Some(user.ctx.tr.t("pw.changed").to_owned()), None));
    answer(&state, &user, done).await
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
    let done = renke_app::auth::create_token(&state, &user.account, &f.name, days)
        .await
        .map(|t| (None, Some(t)));
    answer(&state, &user, done).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    renke_app::auth::revoke_token(&state, &user.account, id).await?;
    Ok(Redirect::to("/settings").into_response())
}
