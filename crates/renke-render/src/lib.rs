//! renke-render
