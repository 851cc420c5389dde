//! renke-render: file formats and rendering. Pure functions from values to bytes and back;
//! no database, no web, no async (PDF rendering is CPU-heavy: async callers run it on a
//! blocking thread).

pub mod chart;
pub mod ical;
pub mod pdf;
pub mod table;
pub mod text;
