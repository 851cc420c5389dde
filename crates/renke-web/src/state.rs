//! Shared state of the running server: the application and nothing else yet. Handlers
//! reach the use cases through it (`&state` is a `&App`).

pub use renke_app::WebConfig;
use renke_app::{App, Clock, Db};
use std::ops::Deref;
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// The bearer token `/metrics` asks for; `None`: `/metrics` is not served (404).
    pub metrics_token: Option<Arc<str>>,
    /// Copies of the pages anonymous visitors see ([`crate::page_cache`]).
    pub pages: Arc<crate::page_cache::PageCache>,
}

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl From<App> for AppState {
    fn from(app: App) -> AppState {
        AppState {
            app,
            metrics_token: None,
            pages: Arc::default(),
        }
    }
}

impl AppState {
    pub fn new(db: Db, clock: Clock, config: WebConfig) -> Self {
        App::new(db, clock, config).into()
    }

    /// The same state serving `/metrics` to requests bearing `token` (none when `None` or
    /// blank).
    pub fn with_metrics_token(mut self, token: Option<String>) -> Self {
        self.metrics_token = token
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .map(Arc::from);
        self
    }
}
