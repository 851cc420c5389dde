//! renke-store
