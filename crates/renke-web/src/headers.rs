//! Security headers on every response: a Content-Security-Policy that allows no inline
//! script, no `eval` and no inline style (pages take their scripts and styles from
//! `/static`, and htmx runs with `allowEval: false`), no framing, no MIME sniffing, the
//! referrer kept to this site, HSTS when the public URL is https, and `no-store` on every
//! response but the static files (pages, the API, downloads: nothing of an account's stays
//! in a shared cache or the browser's disk cache).

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The Content-Security-Policy of every response.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// The policy of the API's documentation (`/api/docs/`): Swagger UI, a third-party bundle,
/// sets `style` attributes from its script, so inline styles are allowed there and only
/// there; scripts stay as strict as everywhere.
pub const DOCS_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
     connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; \
     form-action 'self'";

/// `Strict-Transport-Security` when the public URL is https: a year.
pub const HSTS: &str = "max-age=31536000";

/// Adds the security headers (see the module's documentation) to every response; a
/// handler's own `Cache-Control` (downloads, the service worker) is kept.
pub async fn security(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cacheable = req.uri().path().starts_with("/static/");
    let csp = if req.uri().path().starts_with("/api/docs") {
        DOCS_CONTENT_SECURITY_POLICY
    } else {
        CONTENT_SECURITY_POLICY
    };
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, csp),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in fixed {
        h.insert(name, HeaderValue::from_static(value));
    }
    if !cacheable && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.secure_cookies() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    res
}
