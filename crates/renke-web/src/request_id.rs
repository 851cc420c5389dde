//! Request ids: every request carries one — the `X-Request-Id` a reverse proxy sent, or a
//! new random one — in its response's `X-Request-Id` header and in every log line written
//! while it is served, so an error a user reports can be found in the logs of whichever
//! server answered. Each request ends with one access-log line (`renke_web::access`).

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

/// The id of a request as received, when it is one we keep: 1–64 characters of letters,
/// digits, `-`, `_` and `.` (anything else could forge log lines or headers).
fn received(req: &Request) -> Option<String> {
    let v = req.headers().get(HEADER)?.to_str().ok()?;
    let ok = (1..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    ok.then(|| v.to_owned())
}

/// A new id: 16 random hexadecimal digits.
fn fresh() -> String {
    use rand::RngExt;
    format!("{:016x}", rand::rng().random::<u64>())
}

/// Gives the request its id, serves it inside a span naming the id, method and path, logs
/// its status and time, and returns the id in the response.
pub async fn tag(mut req: Request, next: Next) -> Response {
    let id = received(&req).unwrap_or_else(fresh);
    let value = HeaderValue::from_str(&id).ok();
    if let Some(v) = &value {
        req.headers_mut().insert(HEADER, v.clone());
    }
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        path = %req.uri().path()
    );
    let start = Instant::now();
    let mut res = next.run(req).instrument(span.clone()).await;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        tracing::info!(target: "renke_web::access", status = res.status().as_u16(), ms, "served");
    });
    if let Some(v) = value {
        res.headers_mut().insert(HEADER, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(id: &str) -> Request {
        Request::builder()
            .header(HEADER, id)
            .body(axum::body::Body::empty())
            .unwrap()
    }

    #[test]
    fn a_received_id_is_kept_only_when_it_is_safe() {
        assert_eq!(
            received(&with("abc-123_x.y")).as_deref(),
            Some("abc-123_x.y")
        );
        assert_eq!(received(&with("a b")), None);
        assert_eq!(received(&with("a/b")), None);
        assert_eq!(received(&with(&"a".repeat(65))), None);
        assert_eq!(received(&with(&"a".repeat(64))).map(|s| s.len()), Some(64));
    }

    #[test]
    fn fresh_ids_differ() {
        let a = fresh();
        assert_eq!(a.len(), 16);
        assert_ne!(a, fresh());
    }
}
