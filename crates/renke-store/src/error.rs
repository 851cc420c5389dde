//! Store errors. Unique-constraint violations are mapped by constraint name, so callers get
//! "this code is taken" without checking first.

/// What went wrong in the database layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "不支持的数据库地址 unsupported database URL {url:?}: use sqlite://PATH or postgres://…"
    )]
    UnknownScheme { url: String },
    #[error("not found")]
    NotFound,
    /// A unique constraint was violated; `constraint` is its name, e.g. `orgs_code_key`.
    #[error("already exists ({constraint})")]
    Conflict { constraint: String },
    /// A foreign key points at nothing.
    #[error("refers to something that does not exist")]
    MissingReference,
    /// The operation is not possible in the current state (e.g. moving an org under itself).
    #[error("{0}")]
    Rule(&'static str),
    /// The record is not in a state that allows this (e.g. editing an issued notice); the
    /// code says which (`notice_issued`, `already_acknowledged`).
    #[error("state: {0}")]
    State(&'static str),
    /// A stored value could not be read back as its domain type; for a state column the
    /// message names the table, the column and the value (`submissions.status: unknown
    /// value "sent"`).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// A job payload could not be written as JSON.
    #[error("job payload: {0}")]
    Payload(String),
    #[error("backup: {0}")]
    Backup(String),
    /// A write transaction was opened while the same task held one on the same database,
    /// opened at `outer` (debug builds; see `Db::write`). On SQLite the second would wait
    /// for ever for the first.
    #[error(
        "nested write transaction: this task already holds one, opened at {outer}; \
         run the inner statements on that transaction (&mut Tx) instead"
    )]
    NestedWrite { outer: String },
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("database: {0}")]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            // A state column holding a value its enum does not know (see `states`).
            sqlx::Error::ColumnDecode { source, .. }
                if source.is::<crate::states::UnknownState>() =>
            {
                StoreError::Corrupt(source.to_string())
            }
            sqlx::Error::Database(d) => {
                if d.is_unique_violation() {
                    // PostgreSQL names the constraint; SQLite names the columns, which we
                    // map back to the constraint names used in the migrations.
                    let constraint = d
                        .constraint()
                        .map(str::to_owned)
                        .unwrap_or_else(|| sqlite_constraint_name(d.message()));
                    StoreError::Conflict { constraint }
                } else if d.is_foreign_key_violation() {
                    StoreError::MissingReference
                } else {
                    StoreError::Db(e)
                }
            }
            _ => StoreError::Db(e),
        }
    }
}

/// SQLite reports `UNIQUE constraint failed: orgs.code`; turn that into `orgs_code_key`.
fn sqlite_constraint_name(message: &str) -> String {
    let cols = message.rsplit(": ").next().unwrap_or(message);
    let mut table = "";
    let mut names = Vec::new();
    for part in cols.split(", ") {
        if let Some((t, c)) = part.split_once('.') {
            table = t;
            names.push(c);
        }
    }
    match (table, names.as_slice()) {
        ("api_tokens", ["token_hash"]) => "api_tokens_hash_key".into(),
        ("", _) => message.to_owned(),
        (t, cs) => format!("{t}_{}_key", cs.join("_")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_messages_map_to_constraint_names() {
        assert_eq!(
            super::sqlite_constraint_name("UNIQUE constraint failed: orgs.code"),
            "orgs_code_key"
        );
        assert_eq!(
            super::sqlite_constraint_name("UNIQUE constraint failed: accounts.login"),
            "accounts_login_key"
        );
    }
}
