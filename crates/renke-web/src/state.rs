//! Shared state of the running server: the application and nothing else yet. Handlers
//! reach the use cases through it (`&state` is a `&App`).

pub use renke_app::WebConfig;
use renke_app::{App, Clock, Db};
use std::ops::Deref;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
}

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl From<App> for AppState {
    fn from(app: App) -> AppState {
        AppState { app }
    }
}

impl AppState {
    pub fn new(db: Db, clock: Clock, config: WebConfig) -> Self {
        App::new(db, clock, config).into()
    }
}
