//! renke-web
