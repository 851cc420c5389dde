//! 催办: when reminders about a deadline go out.
//!
//! A plan names the slots — N days before, on the day, daily while overdue — each at 09:00
//! Asia/Shanghai on its date, plus an escalation to the parent bureau N days after the
//! deadline. At any moment the **current** slot is the latest whose time has come; a
//! scheduler sends the current slot's reminder under a key made of the slot, so running it
//! every minute sends each reminder once, and a scheduler that was down sends only the
//! current reminder, never a pile of stale ones.

use crate::FieldError;
use crate::clock::SHANGHAI;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// The hour (Shanghai) reminders go out.
pub const SEND_HOUR: u32 = 9;
/// Overdue reminders stop after this many days.
pub const MAX_OVERDUE_DAYS: u32 = 30;

/// When to remind about one deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderPlan {
    /// Days before the deadline, e.g. `[3]`.
    pub days_before: Vec<u32>,
    /// On the deadline's day.
    pub on_day: bool,
    /// Every day while overdue.
    pub overdue_daily: bool,
    /// Tell the parent bureau's organisers this many days after the deadline.
    pub escalate_after_days: Option<u32>,
}

impl Default for ReminderPlan {
    /// 3 days before, on the day, daily while overdue; escalation after 3 days overdue.
    fn default() -> Self {
        ReminderPlan {
            days_before: vec![3],
            on_day: true,
            overdue_daily: true,
            escalate_after_days: Some(3),
        }
    }
}

/// One reminder slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "slot", content = "days")]
pub enum Slot {
    Before(u32),
    OnDay,
    Overdue(u32),
}

/// The reminder a scheduler should send now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub slot: Slot,
    /// The slot's date in Shanghai.
    pub date: NaiveDate,
}

impl Due {
    /// A stable key for the slot: `before3@2022-06-17`, `day@2022-06-20`, `overdue2@2022-06-22`.
    pub fn key(&self) -> String {
        let s = match self.slot {
            Slot::Before(d) => format!("before{d}"),
            Slot::OnDay => "day".to_owned(),
            Slot::Overdue(d) => format!("overdue{d}"),
        };
        format!("{s}@{}", self.date)
    }
}

fn at_send_hour(date: NaiveDate) -> DateTime<Utc> {
    let t = date.and_time(NaiveTime::from_hms_opt(SEND_HOUR, 0, 0).unwrap_or_default());
    SHANGHAI
        .from_local_datetime(&t)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(|| t.and_utc())
}

/// The deadline's date in Shanghai.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&SHANGHAI).date_naive()
}

impl ReminderPlan {
    /// Every slot of this plan for `deadline`, with its time, in time order.
    pub fn slots(&self, deadline: DateTime<Utc>) -> Vec<(DateTime<Utc>, Due)> {
        let day = local_date(deadline);
        let mut out = Vec::new();
        for &d in &self.days_before {
            let date = day - Duration::days(i64::from(d));
            out.push((
                at_send_hour(date),
                Due {
                    slot: Slot::Before(d),
                    date,
                },
            ));
        }
        if self.on_day {
            // Before the deadline itself when the deadline is earlier than the send hour.
            let t = at_send_hour(day).min(deadline);
            out.push((
                t,
                Due {
                    slot: Slot::OnDay,
                    date: day,
                },
            ));
        }
        if self.overdue_daily {
            for n in 1..=MAX_OVERDUE_DAYS {
                let date = day + Duration::days(i64::from(n));
                out.push((
                    at_send_hour(date),
                    Due {
                        slot: Slot::Overdue(n),
                        date,
                    },
                ));
            }
        }
        out.sort_by_key(|(t, _)| *t);
        out
    }

    /// The reminder due at `now`: the latest slot whose time has come, if any.
    pub fn due(&self, deadline: DateTime<Utc>, now: DateTime<Utc>) -> Option<Due> {
        self.slots(deadline)
            .into_iter()
            .take_while(|(t, _)| *t <= now)
            .last()
            .map(|(_, d)| d)
    }

    /// Whether the parent bureau should have been told by `now`.
    pub fn escalation_due(&self, deadline: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        self.escalate_after_days
            .is_some_and(|n| now >= deadline + Duration::days(i64::from(n)))
    }

    /// Reads a plan from form fields: `days_before` as `3` or `7,3,1`, `escalate_after_days`
    /// empty for none. Errors name the field.
    pub fn parse(
        days_before: &str,
        on_day: bool,
        overdue_daily: bool,
        escalate_after_days: &str,
    ) -> Result<ReminderPlan, FieldError> {
        let mut days = Vec::new();
        for part in days_before
            .split([',', '，', ' ', '、'])
            .filter(|p| !p.is_empty())
        {
            match part.parse::<u32>() {
                Ok(d) if (1..=60).contains(&d) => days.push(d),
                _ => {
                    return Err(FieldError::new("reminder_days_before", "days_out_of_range")
                        .with("value", part)
                        .with("min", 1)
                        .with("max", 60));
                }
            }
        }
        days.sort_unstable_by(|a, b| b.cmp(a));
        days.dedup();
        let esc = escalate_after_days.trim();
        let escalate_after_days = if esc.is_empty() {
            None
        } else {
            match esc.parse::<u32>() {
                Ok(d) if (1..=30).contains(&d) => Some(d),
                _ => {
                    return Err(FieldError::new(
                        "reminder_escalate_after_days",
                        "days_out_of_range",
                    )
                    .with("value", esc)
                    .with("min", 1)
                    .with("max", 30));
                }
            }
        };
        Ok(ReminderPlan {
            days_before: days,
            on_day,
            overdue_daily,
            escalate_after_days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2022-06-20 17:00 in Shanghai.
    fn deadline() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2022, 6, 20, 9, 0, 0).unwrap()
    }

    /// `h:00` Shanghai on 2022-06-`d`.
    fn sh(d: u32, h: u32) -> DateTime<Utc> {
        SHANGHAI
            .with_ymd_and_hms(2022, 6, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, 6, d).unwrap()
    }

    #[test]
    fn the_default_plan_walks_through_its_slots() {
        let p = ReminderPlan::default();
        let due = |t| p.due(deadline(), t);
        assert_eq!(due(sh(17, 8)), None, "before the first slot");
        assert_eq!(
            due(sh(17, 9)),
            Some(Due {
                slot: Slot::Before(3),
                date: date(17)
            })
        );
        assert_eq!(
            due(sh(19, 23)),
            Some(Due {
                slot: Slot::Before(3),
                date: date(17)
            })
        );
        assert_eq!(
            due(sh(20, 9)),
            Some(Due {
                slot: Slot::OnDay,
                date: date(20)
            })
        );
        assert_eq!(
            due(sh(20, 18)),
            Some(Due {
                slot: Slot::OnDay,
                date: date(20)
            })
        );
        assert_eq!(
            due(sh(21, 9)),
            Some(Due {
                slot: Slot::Overdue(1),
                date: date(21)
            })
        );
        assert_eq!(
            due(sh(23, 10)),
            Some(Due {
                slot: Slot::Overdue(3),
                date: date(23)
            })
        );
        assert_eq!(due(sh(23, 10)).unwrap().key(), "overdue3@2022-06-23");
    }

    #[test]
    fn a_scheduler_that_was_down_sends_only_the_current_slot() {
        let p = ReminderPlan {
            days_before: vec![7, 3, 1],
            ..ReminderPlan::default()
        };
        // Down from the 10th to the 19th at noon: the 1-day reminder is current.
        assert_eq!(
            p.due(deadline(), sh(19, 12)),
            Some(Due {
                slot: Slot::Before(1),
                date: date(19)
            })
        );
    }

    #[test]
    fn an_early_morning_deadline_is_reminded_before_it_passes() {
        let early = sh(20, 8);
        let p = ReminderPlan::default();
        assert_eq!(p.due(early, early).map(|d| d.slot), Some(Slot::OnDay));
        assert_eq!(
            p.due(early, sh(20, 7)).map(|d| d.slot),
            Some(Slot::Before(3))
        );
    }

    #[test]
    fn overdue_reminders_can_be_off_and_stop_after_a_month() {
        let p = ReminderPlan {
            overdue_daily: false,
            ..ReminderPlan::default()
        };
        assert_eq!(
            p.due(deadline(), sh(25, 9)).map(|d| d.slot),
            Some(Slot::OnDay)
        );
        let p = ReminderPlan::default();
        let late = deadline() + Duration::days(90);
        assert_eq!(
            p.due(deadline(), late).map(|d| d.slot),
            Some(Slot::Overdue(30))
        );
    }

    #[test]
    fn escalation_after_n_days_overdue() {
        let p = ReminderPlan::default();
        assert!(!p.escalation_due(
            deadline(),
            deadline() + Duration::days(3) - Duration::seconds(1)
        ));
        assert!(p.escalation_due(deadline(), deadline() + Duration::days(3)));
        let none = ReminderPlan {
            escalate_after_days: None,
            ..p
        };
        assert!(!none.escalation_due(deadline(), deadline() + Duration::days(60)));
    }

    #[test]
    fn plans_parse_from_form_fields_with_field_errors() {
        let p = ReminderPlan::parse("1，7, 3 3", true, false, "").unwrap();
        assert_eq!(p.days_before, vec![7, 3, 1]);
        assert_eq!(p.escalate_after_days, None);
        let e = ReminderPlan::parse("0", true, true, "").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("reminder_days_before", "days_out_of_range")
        );
        let e = ReminderPlan::parse("3", true, true, "abc").unwrap_err();
        assert_eq!(e.field, "reminder_escalate_after_days");
        assert_eq!(e.param("value"), Some("abc"));
    }
}
