//! Shared state of the running server: the application and nothing else yet. Handlers
//! reach the use cases through it (`&state` is a `&App`).

pub use renke_app::WebConfig;
use renke_app::mail::Mailer;
use renke_app::{App, Clock, Db, FileStore};
use renke_render::pdf::PdfRenderer;
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

    /// Renders PDFs with `renderer` (e.g. one with a configured font directory).
    pub fn with_pdf(self, renderer: PdfRenderer) -> Self {
        self.app.with_pdf(renderer).into()
    }

    /// The same state keeping uploaded files in `files`.
    pub fn with_files(self, files: FileStore) -> Self {
        self.app.with_files(files).into()
    }

    /// The same state sending e-mail through `mailer`.
    pub fn with_mailer(self, mailer: Mailer) -> Self {
        self.app.with_mailer(mailer).into()
    }
}
