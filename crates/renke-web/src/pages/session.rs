//! Login, logout, language switch and the dashboard.

use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::{
    ClientIp, Ctx, Identity, LANG_COOKIE, PRE_CSRF_COOKIE, SESSION_COOKIE, User, set_cookie,
};
use crate::error::{AppError, ErrorView, PageError};
use crate::i18n::Tr;
use crate::view::{Chrome, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use renke_app::Caller;
use renke_app::model::Campaign;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    next: String,
    login: String,
    message: String,
    is_error: bool,
    /// Whether the password form is shown (`[auth] password_login`).
    password: bool,
    /// The OpenID provider's button label, when sign-in through it is configured.
    oidc_button: Option<String>,
}

impl LoginPage {
    /// The address of the OpenID sign-in, keeping where to go after.
    fn oidc_href(&self) -> String {
        let next = url::form_urlencoded::byte_serialize(self.next.as_bytes()).collect::<String>();
        format!("/login/oidc?next={next}")
    }
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    reason: String,
}

/// Only local paths are followed after login (no open redirects).
/// Where to send the browser after login or a language switch: `next` if it is a path on
/// this server, else `fallback`. A path with control characters or whitespace is refused
/// (browsers drop a tab from `Location`, so `/\t/evil.example` would become
/// `//evil.example`, another site), and so is anything that resolves against the public
/// address to another origin (`//host`, `/\\host`, `https:…`).
pub(crate) fn safe_next(state: &AppState, next: &str, fallback: &str) -> String {
    let plain = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    let base = url::Url::parse(&state.config.public_url).ok();
    let same_origin = base.as_ref().and_then(|b| {
        let joined = b.join(next).ok()?;
        (joined.origin() == b.origin()).then_some(joined)
    });
    match (plain, same_origin) {
        (true, Some(u)) => {
            let mut out = u.path().to_owned();
            if let Some(q) = u.query() {
                out.push('?');
                out.push_str(q);
            }
            out
        }
        _ => fallback.to_owned(),
    }
}

pub async fn login_form(
    State(state): State<AppState>,
    mut ctx: Ctx,
    Query(q): Query<LoginQuery>,
) -> Response {
    let mut cookie = None;
    if let Identity::Anonymous { pre_csrf, .. } = &mut ctx.identity
        && pre_csrf.is_none()
    {
        let t = renke_app::auth::new_token();
        cookie = Some(set_cookie(&state, PRE_CSRF_COOKIE, &t, None));
        *pre_csrf = Some(t);
    }
    let message = match q.reason.as_str() {
        "session_expired" => ctx.tr.t("auth.expired"),
        "logged_out" => ctx.tr.t("auth.logged_out"),
        _ => "",
    };
    let options = renke_app::auth::login_options(&state);
    let page = LoginPage {
        c: Chrome::new(&ctx, "login", ctx.tr.t("auth.login")),
        next: safe_next(&state, &q.next, "/home"),
        login: String::new(),
        message: message.to_owned(),
        is_error: q.reason == "session_expired",
        password: options.password,
        oidc_button: options.oidc_button,
    };
    let mut res = render(&page);
    if let Some(c) = cookie
        && let Ok(v) = c.parse()
    {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    ip: ClientIp,
    Form(f): Form<LoginForm>,
) -> Response {
    match renke_app::auth::login(&state, &f.login, &f.password, &ip.0).await {
        Ok(done) => {
            let mut res = Redirect::to(&safe_next(&state, &f.next, "/home")).into_response();
            let cookie = set_cookie(&state, SESSION_COOKIE, &done.token, Some(done.max_age_secs));
            if let Ok(v) = cookie.parse() {
                res.headers_mut().append(SET_COOKIE, v);
            }
            res
        }
        Err(e @ (AppError::Unauthenticated(_) | AppError::TooMany { .. })) => {
            let options = renke_app::auth::login_options(&state);
            let page = LoginPage {
                c: Chrome::new(&ctx, "login", ctx.tr.t("auth.login")),
                next: safe_next(&state, &f.next, "/home"),
                login: f.login.clone(),
                message: e.message(ctx.tr),
                is_error: true,
                password: options.password,
                oidc_button: options.oidc_button,
            };
            crate::error::with_retry_after(&e, (e.status(), render(&page)).into_response())
        }
        Err(e) => PageError(e).into_response(),
    }
}

/// The page that sends the browser on to the OpenID provider's logout after Renke's own
/// session ended. A page, not a redirect: the logout form's `form-action 'self'` would
/// stop a browser from following a redirect to the provider.
#[derive(Template)]
#[template(path = "oidc_logout.html")]
struct ProviderLogout {
    url: String,
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let mut provider = None;
    if let Identity::Session { token_hash, .. } = &ctx.identity {
        provider = renke_app::auth::logout(&state, token_hash).await?;
    }
    let mut res = match provider {
        Some(url) => render(&ProviderLogout { url }),
        None => Redirect::to("/login?reason=logged_out").into_response(),
    };
    if let Ok(v) = set_cookie(&state, SESSION_COOKIE, "", Some(0)).parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Deserialize, Default)]
pub struct Back {
    #[serde(default)]
    back: String,
}

/// Switches the language of this browser (a cookie, which wins over the account's stored
/// choice): a GET link changes nothing stored. The stored choice is made in 设置.
pub async fn switch_language(
    State(state): State<AppState>,
    PagePath(code): PagePath<String>,
    Query(b): Query<Back>,
) -> Result<Response, PageError> {
    let locale = crate::i18n::Locale::parse(&code).ok_or(AppError::NotFound)?;
    let back = safe_next(&state, &b.back, "/");
    let mut res = Redirect::to(&back).into_response();
    if let Ok(v) = set_cookie(&state, LANG_COOKIE, locale.code(), Some(365 * 24 * 3600)).parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    welcome: String,
    account: Caller,
    subtree: i64,
    campaigns: Vec<Campaign>,
    due: Vec<renke_app::model::Due>,
    collecting: Vec<renke_app::model::Collecting>,
    alerts: Vec<renke_app::model::Message>,
    /// Notices delivered and not yet acknowledged (the first few), and how many in all.
    unacknowledged: Vec<renke_app::model::InboxItem>,
    unacknowledged_total: i64,
    /// The 签收 progress of the latest notices issued: notice, reached, acknowledged.
    issued: Vec<(renke_app::model::NoticeRef, i64, i64)>,
    /// What the caller's lab has to do in proficiency testing.
    pt_tasks: Vec<renke_app::pt::PtTask>,
    now: chrono::DateTime<chrono::Utc>,
}

impl HomePage {
    /// What a PT task asks, in the reader's language.
    fn pt_task(&self, t: &renke_app::pt::PtTask) -> &'static str {
        let tr = self.c.tr;
        match t.kind {
            "answer_invitation" => tr.pick("答复参加邀请", "Answer the invitation"),
            "confirm_receipt" => tr.pick("确认收样", "Confirm receipt of samples"),
            "submit_results" => tr.pick("提交检测结果", "Submit results"),
            _ => tr.pick("填报整改情况", "Answer the follow-up"),
        }
    }
    /// How long until a due task's deadline, in words: 还有 3 天, 今日截止, 已逾期 2 天, or
    /// 及时报送 for a task without one.
    fn left(&self, d: &renke_app::model::Due) -> String {
        // A task without a deadline (及时报送) says so once, where its deadline stands.
        let tr = self.c.tr;
        let Some(at) = d.deadline else {
            return String::new();
        };
        let (zh, en) = renke_domain::task::standing(at, self.now);
        if tr.is_zh() { zh } else { en }
    }
    fn chip(&self, d: &renke_app::model::Due) -> (&'static str, &'static str) {
        let chip = d.chip(self.now);
        (
            chip.colour(),
            if self.c.tr.is_zh() {
                chip.zh()
            } else {
                chip.en()
            },
        )
    }
}

pub async fn dashboard(State(state): State<AppState>, user: User) -> Result<Response, PageError> {
    let tr: Tr = user.ctx.tr;
    let subtree = renke_app::orgs::own_subtree_count(&state, &user.account).await?;
    let campaigns = renke_app::campaigns::list_campaigns(&state, &user.account, 0, 10)
        .await?
        .items;
    let (due, collecting) = renke_app::reporting::tasks::home(&state, &user.account).await?;
    let alerts = renke_app::reporting::reminders::account_alerts(&state, &user.account).await?;
    let (inbox, unacknowledged_total) =
        renke_app::notices::notice_inbox(&state, &user.account, 0, 5).await?;
    let unacknowledged = inbox
        .items
        .into_iter()
        .filter(|i| i.acknowledged_at.is_none())
        .collect();
    let issued = renke_app::notices::sent_progress(&state, &user.account, 5).await?;
    let pt_tasks = renke_app::pt::my_tasks(&state, &user.account).await?;
    let page = HomePage {
        c: Chrome::new(&user.ctx, "home", tr.t("nav.home")),
        welcome: tr.tf(
            "home.welcome",
            &[("name", user.account.display_name.clone())],
        ),
        account: user.account,
        subtree,
        campaigns,
        due,
        collecting,
        alerts,
        unacknowledged,
        unacknowledged_total,
        issued,
        pt_tasks,
        now: state.clock.now(),
    };
    Ok(render(&page))
}
