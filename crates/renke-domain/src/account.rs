//! Account values: login names, passwords, display names.

use crate::FieldError;
use crate::text::char_len;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A login name: 3–64 characters of ASCII letters, digits and `.`, `_`, `-`, `@`.
/// Stored lower-case, so `GD.Organiser` and `gd.organiser` are the same account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Login(String);

impl Login {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim().to_ascii_lowercase();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return Err(FieldError::new(field, "invalid_login"));
        }
        let n = s.chars().count();
        if !(3..=64).contains(&n) {
            return Err(FieldError::new(field, "length_out_of_range")
                .with("min", 3)
                .with("max", 64)
                .with("actual", n));
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Login {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse("login", &s)
    }
}
impl From<Login> for String {
    fn from(l: Login) -> String {
        l.0
    }
}
impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password as chosen by a person: 8–128 characters, not only digits.
/// Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN: usize = 8;

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let n = char_len(raw);
        if n < Self::MIN {
            return Err(FieldError::new(field, "password_too_short")
                .with("min", Self::MIN)
                .with("actual", n));
        }
        if n > 128 {
            return Err(FieldError::new(field, "too_long")
                .with("max", 128)
                .with("actual", n));
        }
        if raw.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(field, "password_only_digits"));
        }
        Ok(Self(raw.to_owned()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins() {
        assert_eq!(
            Login::parse("login", " GD.Organiser ").unwrap().as_str(),
            "gd.organiser"
        );
        assert_eq!(
            Login::parse("login", "ab").unwrap_err().code,
            "length_out_of_range"
        );
        assert_eq!(
            Login::parse("login", "张三").unwrap_err().code,
            "invalid_login"
        );
    }

    #[test]
    fn passwords() {
        assert_eq!(
            NewPassword::parse("password", "short").unwrap_err().code,
            "password_too_short"
        );
        assert_eq!(
            NewPassword::parse("password", "12345678").unwrap_err().code,
            "password_only_digits"
        );
        let p = NewPassword::parse("password", "renke-2022").unwrap();
        assert_eq!(format!("{p:?}"), "NewPassword(***)");
    }
}

crate::org::string_enum! {
    /// How an account hears of its messages by e-mail. In-app it always does; by e-mail it
    /// gets at most one digest per period, listing every unread message that arrived since
    /// the last one (a rush of 21 submissions is one mail, not 21).
    MailDigest {
        Off = "off", "不发邮件", "No e-mail";
        Hourly = "hourly", "每小时汇总一封", "One digest an hour";
        Daily = "daily", "每天上午8时汇总一封", "One digest a day at 8:00";
    }
}

impl MailDigest {
    /// Beijing time at which the daily digest goes out.
    pub const DAILY_HOUR: u32 = 8;

    /// The start of the period whose digest is due at `now`: the hour begun (hourly), or
    /// the last 08:00 Beijing time (daily). An account's digest is due when it was last
    /// sent before this moment. `None` for no e-mail.
    pub fn slot(self, now: chrono::DateTime<chrono::Utc>) -> Option<chrono::DateTime<chrono::Utc>> {
        use chrono::{Duration, TimeZone, Timelike};
        match self {
            MailDigest::Off => None,
            MailDigest::Hourly => now
                .with_nanosecond(0)
                .and_then(|t| t.with_second(0))
                .and_then(|t| t.with_minute(0)),
            MailDigest::Daily => {
                let local = now.with_timezone(&crate::clock::SHANGHAI);
                let mut day = local.date_naive();
                if local.hour() < Self::DAILY_HOUR {
                    day -= Duration::days(1);
                }
                let at = day.and_hms_opt(Self::DAILY_HOUR, 0, 0)?;
                crate::clock::SHANGHAI
                    .from_local_datetime(&at)
                    .single()
                    .map(|t| t.with_timezone(&chrono::Utc))
            }
        }
    }
}

#[cfg(test)]
mod digest_tests {
    use super::MailDigest;
    use chrono::{TimeZone, Utc};

    #[test]
    fn digest_slots() {
        // 2022-06-09 10:25 Beijing time.
        let now = Utc.with_ymd_and_hms(2022, 6, 9, 2, 25, 13).unwrap();
        assert_eq!(
            MailDigest::Hourly.slot(now),
            Some(Utc.with_ymd_and_hms(2022, 6, 9, 2, 0, 0).unwrap())
        );
        assert_eq!(
            MailDigest::Daily.slot(now),
            Some(Utc.with_ymd_and_hms(2022, 6, 9, 0, 0, 0).unwrap()),
            "08:00 Beijing time today"
        );
        // 07:59 Beijing time: the day's digest is still yesterday's.
        let early = Utc.with_ymd_and_hms(2022, 6, 8, 23, 59, 0).unwrap();
        assert_eq!(
            MailDigest::Daily.slot(early),
            Some(Utc.with_ymd_and_hms(2022, 6, 8, 0, 0, 0).unwrap())
        );
        assert_eq!(MailDigest::Off.slot(now), None);
        assert_eq!(
            MailDigest::parse("mail_digest", "每小时汇总一封"),
            Ok(MailDigest::Hourly)
        );
    }
}
