//! The cache of the pages anonymous visitors see: the public campaign page (`/`,
//! `/campaigns/{id}`), public notices (`/notices/{id}`) and the activity calendar
//! (`/activities`).
//!
//! A copy is made the first time a page is asked for and kept with the database's count of
//! public changes at that moment (`renke_app::campaigns::public_changes`: triggers bump it
//! in the transaction of every write to a table those pages read). A copy made at an older
//! count is never served. A server learns the count from the database: at once after a write
//! request of its own, otherwise when its last look is older than [`LOOK_EVERY`] — so
//! servers sharing a database serve a change within that interval, with nothing kept in
//! step between them but the database.
//!
//! Every copy has an `ETag` (a hash of its bytes: the same on every server) and a
//! `Last-Modified` (the time of the last public change), so a browser that revalidates
//! (`Cache-Control: no-cache`) gets `304 Not Modified` while nothing changed.
//!
//! Only visitors without a session are served copies (and the copies are made for them:
//! without the per-browser CSRF token, which these pages' GET forms do not use); a signed-in
//! user's pages are rendered for them every time. Copies are kept per address and query,
//! language and minute (what changes with the time alone is at most a minute old).

use crate::AppState;
use crate::auth::{Ctx, Identity};
use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a server goes without looking at the database's count of public changes.
pub const LOOK_EVERY: Duration = Duration::from_secs(1);
/// The bytes of the copies kept at most.
const MAX_BYTES: usize = 64 << 20;
/// A page larger than this is not kept.
const MAX_PAGE_BYTES: usize = 2 << 20;
/// The routes whose anonymous pages are kept.
const ROUTES: &[&str] = &["/", "/campaigns/{id}", "/notices/{id}", "/activities"];

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    uri: String,
    zh: bool,
    /// The minute on the server's clock: what depends on the time without a write (the
    /// campaign of the day, the calendar's today, whether registration is still open) is
    /// at most a minute old.
    minute: i64,
}

struct Entry {
    generation: i64,
    body: Bytes,
    content_type: HeaderValue,
    etag: HeaderValue,
    last_modified: HeaderValue,
    modified: DateTime<Utc>,
}

#[derive(Clone, Copy)]
struct Known {
    generation: i64,
    changed_at: DateTime<Utc>,
    looked: Option<Instant>,
}

/// The cache, shared by a server's requests ([`AppState::pages`]).
pub struct PageCache {
    entries: Mutex<Kept>,
    known: Mutex<Known>,
}

#[derive(Default)]
struct Kept {
    map: HashMap<Key, Arc<Entry>>,
    /// The bytes of the pages in `map`.
    bytes: usize,
    /// The minute and the count of the copies in `map`.
    at: (i64, i64),
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache {
            entries: Mutex::new(Kept::default()),
            known: Mutex::new(Known {
                generation: -1,
                changed_at: DateTime::UNIX_EPOCH,
                looked: None,
            }),
        }
    }
}

impl PageCache {
    /// The count of public changes: the one last seen when looked at within
    /// [`LOOK_EVERY`], else the database's now. `None` when the database does not answer
    /// (the page is then rendered, not cached).
    async fn current(&self, state: &AppState) -> Option<Known> {
        let seen = *self.known.lock().ok()?;
        if seen.looked.is_some_and(|t| t.elapsed() < LOOK_EVERY) {
            return Some(seen);
        }
        let now = renke_app::campaigns::public_changes(state).await.ok()?;
        let known = Known {
            generation: now.generation,
            changed_at: now.changed_at,
            looked: Some(Instant::now()),
        };
        if let Ok(mut k) = self.known.lock() {
            *k = known;
        }
        Some(known)
    }

    /// This server wrote something: look at the count before the next copy is served.
    fn written(&self) {
        if let Ok(mut k) = self.known.lock() {
            k.looked = None;
        }
    }

    fn get(&self, key: &Key, generation: i64) -> Option<Arc<Entry>> {
        let kept = self.entries.lock().ok()?;
        kept.map
            .get(key)
            .filter(|e| e.generation == generation)
            .cloned()
    }

    /// Keeps a copy. Copies of another minute or count are never served again: they are
    /// dropped when the minute or the count moves on, and the bytes kept stay under
    /// [`MAX_BYTES`].
    fn put(&self, key: Key, entry: Arc<Entry>) {
        let Ok(mut kept) = self.entries.lock() else {
            return;
        };
        let now = (key.minute, entry.generation);
        if kept.at != now || kept.bytes + entry.body.len() > MAX_BYTES {
            kept.map.retain(|k, e| (k.minute, e.generation) == now);
            kept.bytes = kept.map.values().map(|e| e.body.len()).sum();
            kept.at = now;
        }
        if kept.bytes + entry.body.len() > MAX_BYTES {
            return;
        }
        kept.bytes += entry.body.len();
        if let Some(old) = kept.map.insert(key, entry) {
            kept.bytes -= old.body.len();
        }
    }
}

/// The middleware: serves and keeps copies of the anonymous pages, revalidates with `ETag`
/// and `Last-Modified`, and notes this server's writes.
pub async fn serve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let anonymous = req
        .extensions()
        .get::<Ctx>()
        .and_then(|c| match c.identity {
            Identity::Anonymous { expired: false, .. } => Some(c.tr.is_zh()),
            _ => None,
        });
    let cached_route = route.as_deref().is_some_and(|r| ROUTES.contains(&r));
    let partial = req.headers().contains_key("hx-request");
    let zh = match anonymous {
        Some(zh) if method == Method::GET && cached_route && !partial => zh,
        _ => {
            let writes = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
            let response = next.run(req).await;
            if writes {
                state.pages.written();
            }
            return response;
        }
    };
    let Some(known) = state.pages.current(&state).await else {
        return next.run(req).await;
    };
    let key = Key {
        uri: req
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
        zh,
        minute: state.clock.now().timestamp().div_euclid(60),
    };
    if let Some(entry) = state.pages.get(&key, known.generation) {
        return respond(&entry, req.headers());
    }
    let asked = req.headers().clone();
    // The copy is for every visitor: made without this browser's pre-login CSRF token.
    if let Some(ctx) = req.extensions_mut().get_mut::<Ctx>() {
        ctx.identity = Identity::Anonymous {
            expired: false,
            pre_csrf: None,
        };
    }
    let response = next.run(req).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if response.status() != StatusCode::OK
        || !html
        || response.headers().contains_key(header::SET_COOKIE)
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    // A rendered page knows its length; one longer than a copy may be is sent on as it is.
    let size = axum::body::HttpBody::size_hint(&body).upper();
    if size.is_none_or(|n| n > MAX_PAGE_BYTES as u64) {
        return Response::from_parts(parts, body);
    }
    let Ok(body) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Some(entry) = entry(known, body.clone(), &parts.headers) else {
        return Response::from_parts(parts, Body::from(body));
    };
    let entry = Arc::new(entry);
    state.pages.put(key, entry.clone());
    respond(&entry, &asked)
}

fn entry(known: Known, body: Bytes, headers: &HeaderMap) -> Option<Entry> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    let etag = HeaderValue::from_str(&format!("\"{:016x}-{:x}\"", h.finish(), body.len())).ok()?;
    // HTTP dates are whole seconds: a change within the second of a copy's date must not
    // look older than it.
    let modified = DateTime::from_timestamp(known.changed_at.timestamp() + 1, 0)?;
    let last_modified =
        HeaderValue::from_str(&modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string()).ok()?;
    Some(Entry {
        generation: known.generation,
        content_type: headers.get(header::CONTENT_TYPE)?.clone(),
        body,
        etag,
        last_modified,
        modified,
    })
}

/// The copy, or `304 Not Modified` when the browser's copy is the same (`If-None-Match`,
/// or without it `If-Modified-Since`).
fn respond(entry: &Entry, asked: &HeaderMap) -> Response {
    let same = match asked.get(header::IF_NONE_MATCH) {
        Some(tags) => tags.to_str().is_ok_and(|tags| {
            tags.split(',').map(str::trim).any(|t| {
                t == "*" || t.trim_start_matches("W/") == entry.etag.to_str().unwrap_or_default()
            })
        }),
        None => asked
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
            .is_some_and(|since| since >= entry.modified),
    };
    let mut response = if same {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Response::new(Body::from(entry.body.clone()));
        r.headers_mut()
            .insert(header::CONTENT_TYPE, entry.content_type.clone());
        r
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, entry.etag.clone());
    h.insert(header::LAST_MODIFIED, entry.last_modified.clone());
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::VARY,
        HeaderValue::from_static("Cookie, Accept-Language"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(generation: i64, bytes: usize) -> Arc<Entry> {
        let known = Known {
            generation,
            changed_at: DateTime::UNIX_EPOCH,
            looked: None,
        };
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        let body = Bytes::from(vec![b'x'; bytes]);
        entry(known, body, &h)
            .map(Arc::new)
            .unwrap_or_else(|| unreachable!())
    }

    fn key(uri: &str, minute: i64) -> Key {
        Key {
            uri: uri.into(),
            zh: true,
            minute,
        }
    }

    #[test]
    fn copies_of_a_past_minute_or_count_are_dropped_and_the_bytes_stay_bounded() {
        let cache = PageCache::default();
        cache.put(key("/", 1), copy(7, 100));
        cache.put(key("/activities", 1), copy(7, 100));
        assert!(cache.get(&key("/", 1), 7).is_some());
        assert!(cache.get(&key("/", 1), 8).is_none(), "another count");
        cache.put(key("/", 2), copy(7, 100));
        let kept = cache.entries.lock().map(|k| (k.map.len(), k.bytes)).ok();
        assert_eq!(kept, Some((1, 100)), "the past minute's copies are gone");
        cache.put(key("/", 2), copy(8, 50));
        let kept = cache.entries.lock().map(|k| (k.map.len(), k.bytes)).ok();
        assert_eq!(kept, Some((1, 50)), "the older count's copy is replaced");
        for i in 0..70 {
            cache.put(key(&format!("/notices/{i}"), 2), copy(8, 1 << 20));
        }
        let bytes = cache.entries.lock().map(|k| k.bytes).unwrap_or_default();
        assert!(bytes <= MAX_BYTES, "{bytes}");
        assert!(cache.get(&key("/notices/0", 2), 8).is_some());
        assert!(
            cache.get(&key("/notices/69", 2), 8).is_none(),
            "not kept beyond the bound"
        );
    }

    #[test]
    fn a_copy_answers_304_to_its_tag_or_a_date_not_before_its_change() {
        let e = copy(1, 10);
        let mut asked = HeaderMap::new();
        assert_eq!(respond(&e, &asked).status(), StatusCode::OK);
        asked.insert(header::IF_NONE_MATCH, e.etag.clone());
        assert_eq!(respond(&e, &asked).status(), StatusCode::NOT_MODIFIED);
        asked.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert_eq!(
            respond(&e, &asked).status(),
            StatusCode::OK,
            "the tag decides"
        );
        let mut asked = HeaderMap::new();
        asked.insert(header::IF_MODIFIED_SINCE, e.last_modified.clone());
        assert_eq!(respond(&e, &asked).status(), StatusCode::NOT_MODIFIED);
        asked.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"),
        );
        assert_eq!(respond(&e, &asked).status(), StatusCode::OK);
    }
}
