//! OpenID Connect sign-in through a unified identity platform (统一身份认证平台): the
//! authorization-code flow with PKCE (S256), discovery, ID-token validation, linking the
//! person to an account, optional just-in-time accounts, and the provider's logout.
//!
//! [`start`] stores a pending sign-in (state → PKCE verifier, nonce, return path) in the
//! database, so that the callback may reach another server, and answers the provider's
//! authorization address. [`finish`] takes that pending sign-in once, exchanges the code at
//! the token endpoint, validates the ID token (signature against the provider's keys,
//! `iss`, `aud`/`azp`, `exp`/`iat` with [`LEEWAY_SECS`] on the application's clock,
//! `nonce`), finds the account — by its link to the provider (issuer + `sub`), else by the
//! configured claim, which then links it — and opens a session as a password login does.
//! Nothing here knows HTTP servers; the provider is reached with reqwest.

use crate::App;
use crate::auth::{LoggedIn, new_token, token_hash};
use crate::error::AppError;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use renke_domain::account::Login;
use renke_domain::perm::Role;
use renke_domain::text::Line;
use renke_store::StoreError;
use renke_store::accounts::{self, Account, NewAccount};
use renke_store::oidc::{self as store, PendingLogin};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// How long a sign-in may stay at the provider before its callback is refused.
pub const PENDING_MINUTES: i64 = 10;
/// Clock difference tolerated between the provider and Renke when checking `exp` and `iat`.
pub const LEEWAY_SECS: i64 = 60;
/// How long discovery and the provider's keys are kept before they are read again (an
/// unknown key id reads the keys again at once).
pub const CACHE_MINUTES: i64 = 60;

/// Signature algorithms accepted on ID tokens (never `none`, never a shared secret).
const ALGORITHMS: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

// ---------------------------------------------------------------- settings

/// What a first sign-in's claim is matched against (`[oidc] link_to`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkTo {
    /// The account's external id (工号), set by an administrator.
    #[default]
    ExternalId,
    /// The account's login name.
    Login,
}

/// OpenID Connect settings (section `[oidc]` of the binary's configuration). Sign-in
/// through the provider is off while `issuer` is unset.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OidcConfig {
    /// The provider's issuer, e.g. `https://id.example.gov.cn`; its discovery document is
    /// `{issuer}/.well-known/openid-configuration`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The client id Renke is registered under at the provider.
    pub client_id: String,
    /// The client secret; unset for a public client (PKCE only). Set it from the
    /// environment (`RENKE_OIDC__CLIENT_SECRET`), never printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// How the token endpoint is told the secret: `client_secret_basic` or
    /// `client_secret_post`. When unset: basic if the provider offers it (or says
    /// nothing), else post; `none` without a secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_endpoint_auth_method: Option<String>,
    /// Scopes asked for, separated by spaces; must include `openid`.
    pub scopes: String,
    /// The sign-in button's label on the login page.
    pub button_label: String,
    /// The claim a first sign-in is matched by, e.g. `staff_no`.
    pub link_claim: String,
    /// What the claim is matched against: `external_id` (工号) or `login`.
    pub link_to: LinkTo,
    /// Whether a person with no account gets one at the first sign-in (in `create_org`,
    /// with `create_role`); otherwise they are refused.
    pub create_accounts: bool,
    /// The organisation code new accounts belong to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_org: Option<String>,
    /// The role new accounts get: `admin`, `organiser`, `staff` or `viewer`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_role: Option<String>,
}

impl Default for OidcConfig {
    fn default() -> Self {
        OidcConfig {
            issuer: None,
            client_id: String::new(),
            client_secret: None,
            token_endpoint_auth_method: None,
            scopes: "openid profile".into(),
            button_label: "统一身份认证登录".into(),
            link_claim: "staff_no".into(),
            link_to: LinkTo::ExternalId,
            create_accounts: false,
            create_org: None,
            create_role: None,
        }
    }
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field(
                "token_endpoint_auth_method",
                &self.token_endpoint_auth_method,
            )
            .field("scopes", &self.scopes)
            .field("button_label", &self.button_label)
            .field("link_claim", &self.link_claim)
            .field("link_to", &self.link_to)
            .field("create_accounts", &self.create_accounts)
            .field("create_org", &self.create_org)
            .field("create_role", &self.create_role)
            .finish()
    }
}

impl OidcConfig {
    /// Whether sign-in through the provider is configured.
    pub fn enabled(&self) -> bool {
        self.issuer.as_deref().is_some_and(|s| !s.trim().is_empty())
    }

    /// Refuses settings that cannot work, naming the key (`[oidc] client_id …`).
    pub fn check(&self) -> Result<(), String> {
        if !self.enabled() {
            return Ok(());
        }
        let issuer = self.issuer.as_deref().unwrap_or_default().trim();
        match url::Url::parse(issuer) {
            Ok(u) if matches!(u.scheme(), "https" | "http") && u.host().is_some() => {}
            _ => {
                return Err(format!(
                    "[oidc] issuer 须为 http(s) 地址 must be an http(s) address, not {issuer:?}"
                ));
            }
        }
        if self.client_id.trim().is_empty() {
            return Err("[oidc] client_id 未设置 is required when issuer is set".into());
        }
        if !self.scopes.split_whitespace().any(|s| s == "openid") {
            return Err(format!(
                "[oidc] scopes 须包含 openid must include openid: {:?}",
                self.scopes
            ));
        }
        if self.button_label.trim().is_empty() {
            return Err("[oidc] button_label 不得为空 must not be empty".into());
        }
        if self.link_claim.trim().is_empty() {
            return Err("[oidc] link_claim 不得为空 must not be empty".into());
        }
        let secret = self.client_secret.as_deref().is_some_and(|s| !s.is_empty());
        match self.token_endpoint_auth_method.as_deref() {
            None => {}
            Some("client_secret_basic" | "client_secret_post") if secret => {}
            Some("client_secret_basic" | "client_secret_post") => {
                return Err(
                    "[oidc] token_endpoint_auth_method 需要 client_secret needs client_secret"
                        .into(),
                );
            }
            Some("none") if !secret => {}
            Some(other) => {
                return Err(format!(
                    "[oidc] token_endpoint_auth_method 须为 client_secret_basic、client_secret_post \
                     或（无密钥时）none must be client_secret_basic, client_secret_post or (without a \
                     secret) none, not {other:?}"
                ));
            }
        }
        if self.create_accounts {
            if self
                .create_org
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
            {
                return Err(
                    "[oidc] create_accounts = true 需要 create_org needs create_org (an organisation code)"
                        .into(),
                );
            }
            let role = self.create_role.as_deref().unwrap_or_default();
            if Role::parse("create_role", role).is_err() {
                return Err(format!(
                    "[oidc] create_role 须为 admin、organiser、staff 或 viewer \
                     must be admin, organiser, staff or viewer, not {role:?}"
                ));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- the provider

/// The provider as Renke talks to it: the checked settings, the addresses it is sent back
/// to, and what discovery found (kept [`CACHE_MINUTES`]).
pub struct Provider {
    config: OidcConfig,
    issuer: String,
    redirect_uri: String,
    post_logout_uri: String,
    http: reqwest::Client,
    cache: tokio::sync::RwLock<Option<Arc<Discovered>>>,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("config", &self.config)
            .field("redirect_uri", &self.redirect_uri)
            .finish()
    }
}

/// The parts of the discovery document Renke uses.
#[derive(Debug, Clone, Deserialize)]
struct Metadata {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    userinfo_endpoint: Option<String>,
    #[serde(default)]
    end_session_endpoint: Option<String>,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
}

struct Discovered {
    meta: Metadata,
    keys: Vec<Jwk>,
    at: DateTime<Utc>,
}

impl Provider {
    /// The provider the settings describe; `None` when `issuer` is unset. `public_url` is
    /// Renke's own address, which the provider sends the browser back to.
    pub fn new(config: &OidcConfig, public_url: &str) -> Result<Option<Provider>, String> {
        if !config.enabled() {
            return Ok(None);
        }
        config.check()?;
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        let base = public_url.trim_end_matches('/');
        Ok(Some(Provider {
            issuer: config
                .issuer
                .as_deref()
                .unwrap_or_default()
                .trim()
                .trim_end_matches('/')
                .to_owned(),
            redirect_uri: format!("{base}/login/oidc/callback"),
            post_logout_uri: format!("{base}/login"),
            config: config.clone(),
            http,
            cache: tokio::sync::RwLock::new(None),
        }))
    }

    /// The login page's button label.
    pub fn button_label(&self) -> &str {
        &self.config.button_label
    }

    /// The address the provider sends the browser back to.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Discovery and keys, from the cache while fresh.
    async fn discovered(&self, now: DateTime<Utc>) -> Result<Arc<Discovered>, AppError> {
        if let Some(d) = self.cache.read().await.as_ref()
            && now - d.at < Duration::minutes(CACHE_MINUTES)
        {
            return Ok(d.clone());
        }
        let meta: Metadata = self
            .get_json(&format!("{}/.well-known/openid-configuration", self.issuer))
            .await?;
        if meta.issuer.trim_end_matches('/') != self.issuer {
            tracing::error!(configured = %self.issuer, announced = %meta.issuer, "统一身份认证：发现文档的 issuer 与配置不符 discovery names another issuer");
            return Err(AppError::Unauthenticated("oidc_unavailable"));
        }
        let keys = self.fetch_keys(&meta.jwks_uri).await?;
        let d = Arc::new(Discovered {
            meta,
            keys,
            at: now,
        });
        *self.cache.write().await = Some(d.clone());
        Ok(d)
    }

    /// Reads the provider's keys again (a token named a key id not in the cache).
    async fn refresh_keys(
        &self,
        old: &Discovered,
        now: DateTime<Utc>,
    ) -> Result<Arc<Discovered>, AppError> {
        let keys = self.fetch_keys(&old.meta.jwks_uri).await?;
        let d = Arc::new(Discovered {
            meta: old.meta.clone(),
            keys,
            at: now,
        });
        *self.cache.write().await = Some(d.clone());
        Ok(d)
    }

    /// The keys of a JWKS document that Renke can use; others (unknown key types) are
    /// left out rather than failing the whole set.
    async fn fetch_keys(&self, uri: &str) -> Result<Vec<Jwk>, AppError> {
        #[derive(Deserialize)]
        struct Set {
            keys: Vec<Value>,
        }
        let set: Set = self.get_json(uri).await?;
        Ok(set
            .keys
            .into_iter()
            .filter_map(|k| serde_json::from_value::<Jwk>(k).ok())
            .collect())
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, uri: &str) -> Result<T, AppError> {
        let unavailable = |e: &dyn std::fmt::Display| {
            tracing::error!(uri, error = %e, "统一身份认证平台无法访问 the OpenID provider did not answer");
            AppError::Unauthenticated("oidc_unavailable")
        };
        let res = self
            .http
            .get(uri)
            .send()
            .await
            .map_err(|e| unavailable(&e))?;
        let res = res.error_for_status().map_err(|e| unavailable(&e))?;
        res.json().await.map_err(|e| unavailable(&e))
    }

    /// How the token endpoint is told who Renke is.
    fn auth_method(&self, meta: &Metadata) -> &str {
        if let Some(m) = self.config.token_endpoint_auth_method.as_deref() {
            return m;
        }
        if self
            .config
            .client_secret
            .as_deref()
            .is_none_or(str::is_empty)
        {
            return "none";
        }
        match &meta.token_endpoint_auth_methods_supported {
            Some(m) if !m.iter().any(|s| s == "client_secret_basic") => "client_secret_post",
            _ => "client_secret_basic",
        }
    }

    /// The provider's logout address for a session opened with `id_token`, when the
    /// provider has one: it ends the person's session there too and sends them back to
    /// Renke's login page.
    pub async fn end_session_url(&self, now: DateTime<Utc>, id_token: &str) -> Option<String> {
        let d = match self.discovered(now).await {
            Ok(d) => d,
            Err(_) => return None,
        };
        let mut url = url::Url::parse(d.meta.end_session_endpoint.as_deref()?).ok()?;
        url.query_pairs_mut()
            .append_pair("id_token_hint", id_token)
            .append_pair("post_logout_redirect_uri", &self.post_logout_uri)
            .append_pair("client_id", &self.config.client_id);
        Some(url.into())
    }
}

// ---------------------------------------------------------------- PKCE, state, nonce

/// The PKCE S256 challenge of a verifier: BASE64URL(SHA-256(verifier)) without padding
/// (RFC 7636 §4.2).
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A return path that stays on this server: a local absolute path, else `/home`. The
/// web layer chooses it already (`safe_next`); this keeps the stored value safe whatever
/// the caller passed.
pub fn local_return(path: &str) -> String {
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace());
    if ok { path.to_owned() } else { "/home".into() }
}

/// Whether the browser's kept state is the callback's (compared as digests, so the time
/// taken does not tell how much of it matched).
pub fn same_state(browser: Option<&str>, callback: &str) -> bool {
    browser.is_some_and(|b| token_hash(b) == token_hash(callback))
}

/// Whether a pending sign-in begun at `created` has expired at `now`.
pub fn pending_expired(created: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - created > Duration::minutes(PENDING_MINUTES)
}

/// A sign-in begun: the provider's authorization address to send the browser to, and the
/// state, which the browser must also keep (a cookie) so that the callback is known to
/// come back to the browser that began it.
pub struct Started {
    pub url: String,
    pub state: String,
}

/// Begins a sign-in: stores state, nonce and PKCE verifier, and answers the provider's
/// authorization address. `return_to` is where to go after.
pub async fn start(app: &App, return_to: &str) -> Result<Started, AppError> {
    let p = app.oidc.as_deref().ok_or(AppError::NotFound)?;
    let now = app.clock.now();
    let d = p.discovered(now).await?;
    let (state, nonce, verifier) = (new_token(), new_token(), new_token());
    store::begin(
        &app.db,
        &PendingLogin {
            state_hash: token_hash(&state),
            verifier: verifier.clone(),
            nonce: nonce.clone(),
            return_to: local_return(return_to),
            created_at: now,
        },
        now - Duration::minutes(PENDING_MINUTES),
    )
    .await?;
    let mut url = url::Url::parse(&d.meta.authorization_endpoint).map_err(|e| {
        tracing::error!(error = %e, "统一身份认证：授权地址无效 bad authorization_endpoint");
        AppError::Unauthenticated("oidc_unavailable")
    })?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &p.config.client_id)
        .append_pair("redirect_uri", &p.redirect_uri)
        .append_pair("scope", &p.config.scopes)
        .append_pair("state", &state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &pkce_challenge(&verifier))
        .append_pair("code_challenge_method", "S256");
    Ok(Started {
        url: url.into(),
        state,
    })
}

// ---------------------------------------------------------------- the callback

/// What the provider sent the browser back with (the callback's query).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Callback {
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub error_description: Option<String>,
    /// The issuer (RFC 9207), when the provider sends it.
    #[serde(default)]
    pub iss: Option<String>,
}

/// A finished sign-in: the session, and where to go.
pub struct SignedIn {
    pub logged_in: LoggedIn,
    pub return_to: String,
}

/// Finishes a sign-in at the callback: takes the pending sign-in (once), exchanges the
/// code, validates the ID token, finds or creates the account and opens a session.
/// `browser_state` is the state the browser kept when it began (its cookie): a callback
/// carrying another browser's state is refused, so nobody can be signed in as someone
/// else by following a link. Every refusal is `Unauthenticated` with a code the web layer
/// explains (`oidc_state_invalid`, `oidc_access_denied`, `oidc_no_account`, …), never an
/// internal error.
pub async fn finish(
    app: &App,
    cb: &Callback,
    browser_state: Option<&str>,
    ip: &str,
) -> Result<SignedIn, AppError> {
    let p = app.oidc.as_deref().ok_or(AppError::NotFound)?;
    let now = app.clock.now();
    let state = cb.state.as_deref().unwrap_or_default();
    if state.is_empty() {
        return Err(AppError::Unauthenticated("oidc_state_invalid"));
    }
    // Taken before anything else: a state is good for one callback, whatever happens.
    let Some(pending) = store::take(&app.db, &token_hash(state)).await? else {
        tracing::warn!(
            ip,
            "统一身份认证：未知或已使用的 state unknown or used state"
        );
        return Err(AppError::Unauthenticated("oidc_state_invalid"));
    };
    if !same_state(browser_state, state) {
        tracing::warn!(
            ip,
            "统一身份认证：state 不属于此浏览器 the state was begun by another browser"
        );
        return Err(AppError::Unauthenticated("oidc_state_invalid"));
    }
    if pending_expired(pending.created_at, now) {
        return Err(AppError::Unauthenticated("oidc_state_expired"));
    }
    if let Some(error) = cb.error.as_deref() {
        tracing::warn!(
            error,
            description = cb.error_description.as_deref().unwrap_or(""),
            ip,
            "统一身份认证平台拒绝了登录 the provider refused the sign-in"
        );
        return Err(AppError::Unauthenticated(match error {
            "access_denied" => "oidc_access_denied",
            _ => "oidc_provider_error",
        }));
    }
    let d = p.discovered(now).await?;
    if let Some(iss) = cb.iss.as_deref()
        && iss != d.meta.issuer
    {
        tracing::warn!(
            iss,
            "统一身份认证：回调的 iss 不符 callback from another issuer"
        );
        return Err(AppError::Unauthenticated("oidc_token_invalid"));
    }
    let code = cb
        .code
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or(AppError::Unauthenticated("oidc_provider_error"))?;
    let tokens = exchange(p, &d.meta, code, &pending.verifier).await?;
    let claims = match verify_signature(&tokens.id_token, &d.keys) {
        Err(Refused::UnknownKey) => {
            let d = p.refresh_keys(&d, now).await?;
            verify_signature(&tokens.id_token, &d.keys)
        }
        other => other,
    }
    .map_err(|r| refuse_token(&r))?;
    let id = check_claims(
        &claims,
        &d.meta.issuer,
        &p.config.client_id,
        &pending.nonce,
        now,
    )
    .map_err(|r| refuse_token(&r))?;
    let claims = with_userinfo(p, &d.meta, &tokens, &id.sub, claims, &p.config.link_claim).await;
    let account = account_for(app, p, &d.meta.issuer, &id.sub, &claims, now).await?;
    let logged_in = crate::auth::open_session(app, &account, ip, Some(&tokens.id_token)).await?;
    tracing::info!(account = %account.login, ip, "统一身份认证登录 signed in through the OpenID provider");
    Ok(SignedIn {
        logged_in,
        return_to: pending.return_to,
    })
}

struct Tokens {
    id_token: String,
    access_token: Option<String>,
}

/// The token endpoint: the code and the PKCE verifier for the tokens.
async fn exchange(
    p: &Provider,
    meta: &Metadata,
    code: &str,
    verifier: &str,
) -> Result<Tokens, AppError> {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", p.redirect_uri.as_str()),
        ("code_verifier", verifier),
    ];
    let secret = p.config.client_secret.as_deref().unwrap_or_default();
    let mut req = p.http.post(&meta.token_endpoint);
    match p.auth_method(meta) {
        "client_secret_basic" => {
            // RFC 6749 §2.3.1: both parts form-urlencoded before they are joined.
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            req = req.basic_auth(enc(&p.config.client_id), Some(enc(secret)));
        }
        "client_secret_post" => {
            form.push(("client_id", p.config.client_id.as_str()));
            form.push(("client_secret", secret));
        }
        _ => form.push(("client_id", p.config.client_id.as_str())),
    }
    let failed = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "统一身份认证：换取令牌失败 token exchange failed");
        AppError::Unauthenticated("oidc_token_invalid")
    };
    let res = req
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&form)
        .send()
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "统一身份认证平台无法访问 the token endpoint did not answer");
            AppError::Unauthenticated("oidc_unavailable")
        })?;
    let status = res.status();
    let body: Value = res.json().await.map_err(|e| failed(&e))?;
    if !status.is_success() {
        return Err(failed(&format!("{status}: {body}")));
    }
    let id_token = body
        .get("id_token")
        .and_then(Value::as_str)
        .ok_or_else(|| failed(&"no id_token in the answer"))?
        .to_owned();
    Ok(Tokens {
        id_token,
        access_token: body
            .get("access_token")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

/// Adds what the userinfo endpoint says to the ID token's claims when the ID token lacks
/// the link claim or `name` (many providers put profile claims there only). Its `sub`
/// must be the ID token's; a failure leaves the claims as they were.
async fn with_userinfo(
    p: &Provider,
    meta: &Metadata,
    tokens: &Tokens,
    sub: &str,
    mut claims: Map<String, Value>,
    link_claim: &str,
) -> Map<String, Value> {
    if claims.contains_key(link_claim) && claims.contains_key("name") {
        return claims;
    }
    let (Some(endpoint), Some(access)) = (&meta.userinfo_endpoint, &tokens.access_token) else {
        return claims;
    };
    let info: Option<Map<String, Value>> = async {
        let res = p.http.get(endpoint).bearer_auth(access).send().await.ok()?;
        res.error_for_status().ok()?.json().await.ok()
    }
    .await;
    match info {
        Some(info) if info.get("sub").and_then(Value::as_str) == Some(sub) => {
            for (k, v) in info {
                claims.entry(k).or_insert(v);
            }
        }
        Some(_) => tracing::warn!(
            "统一身份认证：userinfo 的 sub 与 ID 令牌不符 userinfo names another subject; ignored"
        ),
        None => tracing::warn!("统一身份认证：userinfo 无法读取 userinfo could not be read"),
    }
    claims
}

// ---------------------------------------------------------------- the ID token

/// Why an ID token is refused (logged; the person sees `oidc_token_invalid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// No key of the provider has the token's key id.
    UnknownKey,
    /// Signature, algorithm or form.
    Signature(String),
    /// A claim that does not hold, named.
    Claim(&'static str),
}

fn refuse_token(r: &Refused) -> AppError {
    tracing::warn!(reason = ?r, "统一身份认证：ID 令牌无效 ID token refused");
    AppError::Unauthenticated("oidc_token_invalid")
}

/// The token's claims if a key of the provider signed it with an accepted algorithm.
pub fn verify_signature(token: &str, keys: &[Jwk]) -> Result<Map<String, Value>, Refused> {
    let header =
        jsonwebtoken::decode_header(token).map_err(|e| Refused::Signature(e.to_string()))?;
    if !ALGORITHMS.contains(&header.alg) {
        return Err(Refused::Signature(format!(
            "algorithm {:?} not accepted",
            header.alg
        )));
    }
    let fits = |k: &&Jwk| match &k.algorithm {
        AlgorithmParameters::RSA(_) => matches!(
            header.alg,
            Algorithm::RS256
                | Algorithm::RS384
                | Algorithm::RS512
                | Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512
        ),
        AlgorithmParameters::EllipticCurve(_) => {
            matches!(header.alg, Algorithm::ES256 | Algorithm::ES384)
        }
        AlgorithmParameters::OctetKeyPair(_) => header.alg == Algorithm::EdDSA,
        _ => false,
    };
    let candidates: Vec<&Jwk> = match &header.kid {
        Some(kid) => keys
            .iter()
            .filter(|k| k.common.key_id.as_deref() == Some(kid.as_str()))
            .filter(fits)
            .collect(),
        None => keys.iter().filter(fits).collect(),
    };
    if candidates.is_empty() {
        return Err(Refused::UnknownKey);
    }
    let mut validation = Validation::new(header.alg);
    // Time, audience and issuer are checked by `check_claims` on the application's clock.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let mut last = String::new();
    for k in candidates {
        let key = match DecodingKey::from_jwk(k) {
            Ok(key) => key,
            Err(e) => {
                last = e.to_string();
                continue;
            }
        };
        match jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation) {
            Ok(data) => return Ok(data.claims),
            Err(e) => last = e.to_string(),
        }
    }
    Err(Refused::Signature(last))
}

/// The ID token's subject, once its claims hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdToken {
    pub sub: String,
}

/// Checks an ID token's claims (OpenID Connect Core §3.1.3.7): `iss` is the provider's,
/// `aud` contains the client id (and with several audiences `azp` is the client id), `exp`
/// is not past and `iat` not ahead, each with [`LEEWAY_SECS`], and `nonce` is the one sent.
pub fn check_claims(
    claims: &Map<String, Value>,
    issuer: &str,
    client_id: &str,
    nonce: &str,
    now: DateTime<Utc>,
) -> Result<IdToken, Refused> {
    let text = |k: &str| claims.get(k).and_then(Value::as_str);
    let number = |k: &str| claims.get(k).and_then(Value::as_f64).map(|n| n as i64);
    if text("iss") != Some(issuer) {
        return Err(Refused::Claim("iss"));
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&client_id) {
        return Err(Refused::Claim("aud"));
    }
    if let Some(azp) = text("azp") {
        if azp != client_id {
            return Err(Refused::Claim("azp"));
        }
    } else if audiences.len() > 1 {
        return Err(Refused::Claim("azp"));
    }
    let now_s = now.timestamp();
    match number("exp") {
        Some(exp) if exp + LEEWAY_SECS > now_s => {}
        _ => return Err(Refused::Claim("exp")),
    }
    match number("iat") {
        Some(iat) if iat - LEEWAY_SECS <= now_s => {}
        _ => return Err(Refused::Claim("iat")),
    }
    if text("nonce") != Some(nonce) {
        return Err(Refused::Claim("nonce"));
    }
    let sub = text("sub")
        .filter(|s| !s.is_empty())
        .ok_or(Refused::Claim("sub"))?;
    Ok(IdToken {
        sub: sub.to_owned(),
    })
}

// ---------------------------------------------------------------- linking

/// What a sign-in does with the accounts it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The account linked to the subject.
    Use(i64),
    /// The account the claim matched: link it to the subject, then use it.
    Link(i64),
    /// No account: create one linked to the subject.
    Create,
    /// Refused, with the code shown.
    Refuse(&'static str),
}

/// Decides a sign-in: the account linked to the subject wins; else the account the claim
/// matched (when it is not linked to another subject of this provider); else a new account
/// when `create` is on and the claim is there; else a refusal. Inactive accounts are
/// refused.
pub fn plan(
    by_subject: Option<(i64, bool)>,
    by_claim: Option<(i64, bool, bool)>,
    claim_present: bool,
    create: bool,
) -> Plan {
    match (by_subject, by_claim) {
        (Some((_, false)), _) => Plan::Refuse("oidc_account_inactive"),
        (Some((id, true)), _) => Plan::Use(id),
        (None, Some((_, _, true))) => Plan::Refuse("oidc_linked_elsewhere"),
        (None, Some((_, false, _))) => Plan::Refuse("oidc_account_inactive"),
        (None, Some((id, true, false))) => Plan::Link(id),
        (None, None) if !claim_present => Plan::Refuse("oidc_claim_missing"),
        (None, None) if create => Plan::Create,
        (None, None) => Plan::Refuse("oidc_no_account"),
    }
}

/// A login name for a new account from the claim's value: lower case, characters a login
/// name may not hold replaced by `-`; `oidc-<digest>` when nothing usable is left.
pub fn login_from_claim(value: &str, subject: &str) -> String {
    let mut s: String = value
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@') {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if s.trim_matches('-').chars().count() < 3 {
        s = format!("oidc-{}", &token_hash(subject)[..12]);
    }
    s
}

/// The claim's value as text (a string, or a number as written).
fn claim_text(claims: &Map<String, Value>, name: &str) -> Option<String> {
    match claims.get(name)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

async fn account_for(
    app: &App,
    p: &Provider,
    issuer: &str,
    sub: &str,
    claims: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<Account, AppError> {
    let by_subject = store::by_subject(&app.db, issuer, sub).await?;
    let claim = claim_text(claims, &p.config.link_claim);
    let by_claim = match (&by_subject, &claim) {
        (None, Some(value)) => match p.config.link_to {
            LinkTo::ExternalId => store::by_external_id(&app.db, value).await?,
            LinkTo::Login => match Login::parse("login", value) {
                Ok(login) => match accounts::get_by_login(&app.db, login.as_str()).await {
                    Ok(a) => Some(a),
                    Err(StoreError::NotFound) => None,
                    Err(e) => return Err(e.into()),
                },
                Err(_) => None,
            },
        },
        _ => None,
    };
    let linked_elsewhere = match &by_claim {
        Some(a) => store::linked_elsewhere(&app.db, a.id, issuer, sub).await?,
        None => false,
    };
    let decided = plan(
        by_subject.as_ref().map(|a| (a.id, a.active)),
        by_claim
            .as_ref()
            .map(|a| (a.id, a.active, linked_elsewhere)),
        claim.is_some(),
        p.config.create_accounts,
    );
    match decided {
        Plan::Use(_) => by_subject.ok_or(AppError::NotFound),
        Plan::Link(id) => {
            store::link(&app.db, id, issuer, sub, now).await?;
            tracing::info!(
                account = id,
                sub,
                "统一身份认证：首次登录，已关联账户 first sign-in linked the account"
            );
            Ok(accounts::get(&app.db, id).await?)
        }
        Plan::Create => create_account(app, p, issuer, sub, claims, claim.as_deref(), now).await,
        Plan::Refuse(code) => {
            tracing::warn!(
                sub,
                claim = claim.as_deref().unwrap_or(""),
                code,
                "统一身份认证：登录被拒绝 sign-in refused"
            );
            Err(AppError::Unauthenticated(code))
        }
    }
}

/// A new account for a first sign-in, linked to the subject, in the configured
/// organisation with the configured role; its password is unusable until an administrator
/// sets one.
async fn create_account(
    app: &App,
    p: &Provider,
    issuer: &str,
    sub: &str,
    claims: &Map<String, Value>,
    claim: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Account, AppError> {
    let value = claim.unwrap_or(sub);
    let role = Role::parse(
        "create_role",
        p.config.create_role.as_deref().unwrap_or_default(),
    )
    .map_err(|_| AppError::Unauthenticated("oidc_no_account"))?;
    let display_name = claim_text(claims, "name")
        .and_then(|n| Line::parse("display_name", &n, 50).ok())
        .map(Line::into_inner)
        .unwrap_or_else(|| value.chars().take(50).collect());
    let external_id = match p.config.link_to {
        LinkTo::ExternalId => claim,
        LinkTo::Login => None,
    };
    let base = login_from_claim(value, sub);
    // The login name may be taken by an unrelated account: then one with the subject's
    // digest appended.
    let digest = &token_hash(sub)[..6];
    for name in [base.clone(), format!("{}-{digest}", truncate(&base, 57))] {
        let Ok(login) = Login::parse("login", &name) else {
            continue;
        };
        let new = NewAccount {
            login,
            display_name: display_name.clone(),
            org_code: p.config.create_org.clone().unwrap_or_default(),
            role,
            email: None,
            phone: None,
            // Not an argon2 hash: no password matches it.
            password_hash: "!oidc".into(),
        };
        match store::create_linked(&app.db, &new, external_id, issuer, sub, now).await {
            Ok(a) => {
                tracing::info!(account = %a.login, org = %a.org_code, "统一身份认证：已创建账户 account created at its first sign-in");
                return Ok(a);
            }
            Err(StoreError::Conflict { constraint }) if constraint == "accounts_login_key" => {}
            Err(StoreError::MissingReference) => {
                tracing::error!(org = ?p.config.create_org, "[oidc] create_org 不存在 names no organisation");
                return Err(AppError::Unauthenticated("oidc_no_account"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Unauthenticated("oidc_no_account"))
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// RFC 7636 Appendix B.
    #[test]
    fn pkce_challenge_of_the_rfc_example() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn fresh_secrets_are_long_enough_for_pkce_and_distinct() {
        let v = new_token();
        // RFC 7636 §4.1: 43 to 128 unreserved characters.
        assert!((43..=128).contains(&v.len()), "{v}");
        assert!(
            v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        );
        assert_ne!(new_token(), v);
        // The state is stored as its digest, never as sent.
        assert_ne!(token_hash(&v), v);
    }

    #[test]
    fn the_callback_must_come_back_to_the_browser_that_began() {
        assert!(same_state(Some("abc"), "abc"));
        assert!(!same_state(Some("abd"), "abc"));
        assert!(!same_state(None, "abc"));
    }

    #[test]
    fn pending_sign_ins_expire_after_ten_minutes() {
        let t = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert!(!pending_expired(t, t + Duration::minutes(10)));
        assert!(pending_expired(
            t,
            t + Duration::minutes(10) + Duration::seconds(1)
        ));
    }

    #[test]
    fn return_paths_stay_local() {
        assert_eq!(local_return("/tasks/3?x=1"), "/tasks/3?x=1");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "/\t/evil",
            "",
        ] {
            assert_eq!(local_return(bad), "/home", "{bad:?}");
        }
    }

    fn claims(now: i64) -> Map<String, Value> {
        json!({
            "iss": "https://id.example.gov.cn", "sub": "u-1", "aud": "renke",
            "exp": now + 300, "iat": now, "nonce": "n-1", "staff_no": "GD-0001"
        })
        .as_object()
        .unwrap()
        .clone()
    }

    #[test]
    fn id_token_claims_are_checked() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let n = now.timestamp();
        let check = |c: &Map<String, Value>| {
            check_claims(c, "https://id.example.gov.cn", "renke", "n-1", now)
        };
        assert_eq!(check(&claims(n)), Ok(IdToken { sub: "u-1".into() }));
        let with = |k: &str, v: Value| {
            let mut c = claims(n);
            c.insert(k.into(), v);
            check(&c)
        };
        assert_eq!(
            with("iss", json!("https://other.example")),
            Err(Refused::Claim("iss"))
        );
        assert_eq!(
            with("aud", json!("someone-else")),
            Err(Refused::Claim("aud"))
        );
        assert_eq!(
            with("aud", json!(["renke", "api"])),
            Err(Refused::Claim("azp")),
            "several audiences need azp"
        );
        let mut both = claims(n);
        both.insert("aud".into(), json!(["renke", "api"]));
        both.insert("azp".into(), json!("renke"));
        assert!(check(&both).is_ok());
        assert_eq!(with("azp", json!("api")), Err(Refused::Claim("azp")));
        // Within the leeway passes, beyond it fails.
        assert!(with("exp", json!(n - LEEWAY_SECS + 1)).is_ok());
        assert_eq!(
            with("exp", json!(n - LEEWAY_SECS)),
            Err(Refused::Claim("exp"))
        );
        assert!(with("iat", json!(n + LEEWAY_SECS)).is_ok());
        assert_eq!(
            with("iat", json!(n + LEEWAY_SECS + 1)),
            Err(Refused::Claim("iat"))
        );
        assert_eq!(with("nonce", json!("n-2")), Err(Refused::Claim("nonce")));
        let mut no_nonce = claims(n);
        no_nonce.remove("nonce");
        assert_eq!(check(&no_nonce), Err(Refused::Claim("nonce")));
        let mut no_exp = claims(n);
        no_exp.remove("exp");
        assert_eq!(check(&no_exp), Err(Refused::Claim("exp")));
    }

    #[test]
    fn tokens_signed_otherwise_are_refused() {
        // alg none, and a shared-secret signature, are never accepted.
        let none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.";
        assert!(matches!(
            verify_signature(none, &[]),
            Err(Refused::Signature(_))
        ));
        let hs = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(Algorithm::HS256),
            &json!({"sub": "x"}),
            &jsonwebtoken::EncodingKey::from_secret(b"secret").unwrap(),
        )
        .unwrap();
        assert!(matches!(
            verify_signature(&hs, &[]),
            Err(Refused::Signature(_))
        ));
        // An accepted algorithm naming a key the provider does not have: read the keys again.
        let rs = "eyJhbGciOiJSUzI1NiIsImtpZCI6Im5vcGUifQ.eyJzdWIiOiJ4In0.c2ln";
        assert_eq!(verify_signature(rs, &[]), Err(Refused::UnknownKey));
    }

    #[test]
    fn linking_decisions() {
        // The link to the subject wins over the claim.
        assert_eq!(
            plan(Some((1, true)), Some((2, true, false)), true, false),
            Plan::Use(1)
        );
        assert_eq!(
            plan(Some((1, false)), None, true, true),
            Plan::Refuse("oidc_account_inactive")
        );
        // First sign-in: the claim's account is linked.
        assert_eq!(
            plan(None, Some((2, true, false)), true, false),
            Plan::Link(2)
        );
        assert_eq!(
            plan(None, Some((2, false, false)), true, true),
            Plan::Refuse("oidc_account_inactive")
        );
        // An account linked to another person of this provider is not taken over.
        assert_eq!(
            plan(None, Some((2, true, true)), true, true),
            Plan::Refuse("oidc_linked_elsewhere")
        );
        // Nobody: created when configured, else refused; no claim at all is refused.
        assert_eq!(plan(None, None, true, true), Plan::Create);
        assert_eq!(
            plan(None, None, true, false),
            Plan::Refuse("oidc_no_account")
        );
        assert_eq!(
            plan(None, None, false, true),
            Plan::Refuse("oidc_claim_missing")
        );
    }

    #[test]
    fn login_names_from_claims() {
        assert_eq!(login_from_claim("GD-0001", "s"), "gd-0001");
        assert_eq!(login_from_claim(" 44 01/23 ", "s"), "44-01-23");
        let odd = login_from_claim("张伟", "subject-1");
        assert!(
            odd.starts_with("oidc-") && Login::parse("login", &odd).is_ok(),
            "{odd}"
        );
        assert_eq!(login_from_claim(&"a".repeat(100), "s").len(), 64);
    }

    #[test]
    fn settings_are_checked_naming_the_key() {
        assert!(OidcConfig::default().check().is_ok(), "off when no issuer");
        let on = OidcConfig {
            issuer: Some("https://id.example.gov.cn".into()),
            client_id: "renke".into(),
            client_secret: Some("s3cret".into()),
            ..OidcConfig::default()
        };
        assert!(on.check().is_ok());
        assert!(!format!("{on:?}").contains("s3cret"));
        let bad = |c: OidcConfig, key: &str| {
            let e = c.check().unwrap_err();
            assert!(e.contains(key), "{e}");
        };
        bad(
            OidcConfig {
                issuer: Some("id.example.gov.cn".into()),
                ..on.clone()
            },
            "[oidc] issuer",
        );
        bad(
            OidcConfig {
                client_id: " ".into(),
                ..on.clone()
            },
            "[oidc] client_id",
        );
        bad(
            OidcConfig {
                scopes: "profile".into(),
                ..on.clone()
            },
            "[oidc] scopes",
        );
        bad(
            OidcConfig {
                link_claim: String::new(),
                ..on.clone()
            },
            "[oidc] link_claim",
        );
        bad(
            OidcConfig {
                token_endpoint_auth_method: Some("private_key_jwt".into()),
                ..on.clone()
            },
            "[oidc] token_endpoint_auth_method",
        );
        bad(
            OidcConfig {
                create_accounts: true,
                ..on.clone()
            },
            "[oidc] create_accounts",
        );
        bad(
            OidcConfig {
                create_accounts: true,
                create_org: Some("GD".into()),
                create_role: Some("boss".into()),
                ..on.clone()
            },
            "[oidc] create_role",
        );
        assert!(
            OidcConfig {
                create_accounts: true,
                create_org: Some("GD".into()),
                create_role: Some("staff".into()),
                ..on
            }
            .check()
            .is_ok()
        );
    }
}
