//! Placeholders for multi-row statements (`INSERT … VALUES (…), (…)` and `IN (…)` lists),
//! written in chunks of [`ROWS_PER_INSERT`] rows so that a batch of thousands costs a few
//! hundred round trips, not one per row.

use crate::Backend;

/// Rows per multi-row INSERT: at most 14 parameters a row, so 2,800 a statement, well under
/// SQLite's 32,766 and PostgreSQL's 65,535.
pub(crate) const ROWS_PER_INSERT: usize = 200;

/// `rows` groups of `cols` placeholders for `backend`: numbered on PostgreSQL (`($1, $2), ($3, $4)`),
/// plain `?` on SQLite (`(?, ?), (?, ?)`), which binds in the same order. SQLite looks a
/// numbered placeholder up by name through a list, once per parameter, so thousands of
/// `$N` in one statement cost time quadratic in their number; plain `?` have no name.
pub(crate) fn placeholders(backend: Backend, rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=cols).map(|c| param(backend, r * cols + c)).collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Placeholder number `i` (from 1): `$i`, or `?` (see [`placeholders`]).
pub(crate) fn param(backend: Backend, i: usize) -> String {
    match backend {
        Backend::Postgres => format!("${i}"),
        Backend::Sqlite => "?".to_owned(),
    }
}

/// A list of ids as SQL literals (integers only, so nothing to escape); `NULL` for none,
/// so `x IN (NULL)` matches nothing.
pub(crate) fn ints(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "NULL".to_owned();
    }
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_on_postgres_and_not_on_sqlite() {
        assert_eq!(placeholders(Backend::Postgres, 2, 2), "($1, $2), ($3, $4)");
        assert_eq!(placeholders(Backend::Sqlite, 2, 2), "(?, ?), (?, ?)");
    }
}
