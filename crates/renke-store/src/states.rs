//! State columns (a submission's status, a version's outcome, a registration's status):
//! read back into the domain's enums, and guarded in the UPDATEs that change them by the
//! domain's transition rules.
//!
//! A row type declares a state field as the enum and reads it through [`Stored`] (or
//! [`MaybeStored`] for a nullable column or an outer join): `#[sqlx(try_from =
//! "Stored<SubmissionStatus>")]`, or the wrapper in a tuple. Decoding checks the code, so a
//! value that is not one of the enum's codes fails the read with [`crate::StoreError::Corrupt`]
//! naming the table, the column and the value, instead of passing for some default.

use renke_domain::activity::RegistrationStatus;
use renke_domain::task::{SubmissionStatus, VersionOutcome};
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Type};

/// A state enum and where it is stored.
pub(crate) trait StoredState: Sized {
    const TABLE: &'static str;
    const COLUMN: &'static str;
    fn from_code(code: &str) -> Option<Self>;
}

/// A state column that must hold one of `T`'s codes.
pub(crate) struct Stored<T>(pub T);

/// A nullable state column (or one from an outer join): NULL, or one of `T`'s codes.
pub(crate) struct MaybeStored<T>(pub Option<T>);

/// A stored state that is not one of its enum's codes (or NULL where a state is required).
#[derive(Debug, thiserror::Error)]
#[error("{table}.{column}: unknown value {value}")]
pub struct UnknownState {
    pub table: &'static str,
    pub column: &'static str,
    /// The value as stored, quoted; `NULL` for a missing one.
    pub value: String,
}

impl UnknownState {
    fn of<T: StoredState>(value: String) -> BoxDynError {
        Box::new(UnknownState {
            table: T::TABLE,
            column: T::COLUMN,
            value,
        })
    }
}

impl<'r, DB: Database, T: StoredState> Decode<'r, DB> for MaybeStored<T>
where
    Option<String>: Decode<'r, DB>,
{
    fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        match <Option<String> as Decode<'r, DB>>::decode(value)? {
            None => Ok(MaybeStored(None)),
            Some(s) => match T::from_code(&s) {
                Some(v) => Ok(MaybeStored(Some(v))),
                None => Err(UnknownState::of::<T>(format!("{s:?}"))),
            },
        }
    }
}

impl<'r, DB: Database, T: StoredState> Decode<'r, DB> for Stored<T>
where
    Option<String>: Decode<'r, DB>,
{
    fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        match <MaybeStored<T> as Decode<'r, DB>>::decode(value)?.0 {
            Some(v) => Ok(Stored(v)),
            None => Err(UnknownState::of::<T>("NULL".to_owned())),
        }
    }
}

impl<DB: Database, T> Type<DB> for Stored<T>
where
    String: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as Type<DB>>::type_info()
    }
    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as Type<DB>>::compatible(ty)
    }
}

impl<DB: Database, T> Type<DB> for MaybeStored<T>
where
    String: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as Type<DB>>::type_info()
    }
    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as Type<DB>>::compatible(ty)
    }
}

/// Where each state enum is stored, and its conversions from [`Stored`] and [`MaybeStored`]
/// (for `#[sqlx(try_from = …)]`).
macro_rules! stored_in {
    ($ty:ty, $table:literal, $column:literal) => {
        impl StoredState for $ty {
            const TABLE: &'static str = $table;
            const COLUMN: &'static str = $column;
            fn from_code(code: &str) -> Option<Self> {
                <$ty>::from_code(code)
            }
        }

        impl From<Stored<$ty>> for $ty {
            fn from(s: Stored<$ty>) -> Self {
                s.0
            }
        }

        impl From<MaybeStored<$ty>> for Option<$ty> {
            fn from(s: MaybeStored<$ty>) -> Self {
                s.0
            }
        }
    };
}

stored_in!(SubmissionStatus, "submissions", "status");
stored_in!(VersionOutcome, "submission_versions", "outcome");
stored_in!(RegistrationStatus, "registrations", "status");

/// The guard of an UPDATE that makes `event` happen, taken from the domain's rule: the
/// codes of the states in `all` that `event` may leave, as an SQL list for `status IN (…)`,
/// and the state it leads to (the same from each of them, for the events used this way).
/// Codes are constants of the domain (lower-case letters and `_`), never input.
pub(crate) fn guard<S: Copy + PartialEq + std::fmt::Debug, E: Copy>(
    all: &[S],
    event: E,
    transition: impl Fn(S, E) -> Result<S, &'static str>,
    code: impl Fn(S) -> &'static str,
) -> Result<(String, S), crate::StoreError> {
    let mut from = Vec::new();
    let mut to = None;
    for &s in all {
        if let Ok(next) = transition(s, event) {
            debug_assert!(to.is_none_or(|t| t == next), "{s:?} leads elsewhere");
            to = Some(next);
            let c = code(s);
            debug_assert!(c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
            from.push(format!("'{c}'"));
        }
    }
    let to = to.ok_or(crate::StoreError::Rule("no_state_allows_this"))?;
    Ok((from.join(", "), to))
}

#[cfg(test)]
mod tests {
    use super::*;
    use renke_domain::activity::RegistrationEvent;
    use renke_domain::task::SubmissionEvent;

    #[test]
    fn unknown_states_name_table_column_and_value() {
        let e = UnknownState::of::<SubmissionStatus>("\"sent\"".into());
        assert_eq!(e.to_string(), "submissions.status: unknown value \"sent\"");
        let e = UnknownState::of::<RegistrationStatus>("NULL".into());
        assert_eq!(e.to_string(), "registrations.status: unknown value NULL");
        assert_eq!(
            <SubmissionStatus as StoredState>::from_code("returned"),
            Some(SubmissionStatus::Returned)
        );
        assert_eq!(<SubmissionStatus as StoredState>::from_code("草稿"), None);
    }

    #[test]
    fn guards_list_the_states_the_domain_allows() {
        let g = |e| {
            guard(
                SubmissionStatus::ALL,
                e,
                SubmissionStatus::transition,
                SubmissionStatus::as_str,
            )
            .ok()
        };
        assert_eq!(
            g(SubmissionEvent::Submit),
            Some(("'draft', 'returned'".into(), SubmissionStatus::Submitted))
        );
        assert_eq!(
            g(SubmissionEvent::Accept),
            Some(("'submitted'".into(), SubmissionStatus::Accepted))
        );
        assert_eq!(
            g(SubmissionEvent::Return),
            Some(("'submitted'".into(), SubmissionStatus::Returned))
        );
        let r = |e| {
            guard(
                RegistrationStatus::ALL,
                e,
                RegistrationStatus::transition,
                RegistrationStatus::as_str,
            )
            .ok()
        };
        assert_eq!(
            r(RegistrationEvent::Cancel),
            Some((
                "'confirmed', 'waiting'".into(),
                RegistrationStatus::Cancelled
            ))
        );
        assert_eq!(
            r(RegistrationEvent::Promote),
            Some(("'waiting'".into(), RegistrationStatus::Confirmed))
        );
    }
}
