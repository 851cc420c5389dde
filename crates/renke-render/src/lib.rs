//! renke-render: file formats and rendering. Pure functions from bytes to values and back;
//! no database, no web, no async.

pub mod ical;
pub mod table;
