//! The only place that reads the clock. Everything else takes `now` as a parameter.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Display time zone of the product.
pub const SHANGHAI: Tz = chrono_tz::Asia::Shanghai;

/// A source of the current time: the system clock, or a settable one in tests.
#[derive(Clone, Debug)]
pub enum Clock {
    System,
    /// Milliseconds since the epoch, shared so a test can move time for a running server.
    Fixed(Arc<AtomicI64>),
    /// The system clock moved by a number of milliseconds: a demo that lives on a chosen
    /// day while time still passes.
    Offset(i64),
}

impl Clock {
    /// The system clock, moved so that it reads `at` now and runs on from there.
    #[allow(clippy::disallowed_methods)]
    pub fn starting_at(at: DateTime<Utc>) -> Self {
        Clock::Offset((at - Utc::now()).num_milliseconds())
    }

    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock::Fixed(Arc::new(AtomicI64::new(at.timestamp_millis())))
    }

    #[allow(clippy::disallowed_methods)]
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(ms) => {
                DateTime::from_timestamp_millis(ms.load(Ordering::SeqCst)).unwrap_or_default()
            }
            Clock::Offset(ms) => Utc::now() + chrono::Duration::milliseconds(*ms),
        }
    }

    /// Moves a fixed clock; no effect on the system clock.
    pub fn advance(&self, by: chrono::Duration) {
        if let Clock::Fixed(ms) = self {
            ms.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
        }
    }
}

/// A timestamp shown in Beijing time.
pub fn local_time(t: &DateTime<Utc>) -> String {
    t.with_timezone(&SHANGHAI)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}
