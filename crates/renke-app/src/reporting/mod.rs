//! Reporting (报送): tasks on notices, submissions and their review, dashboards, roll-up,
//! exports, and 催办 reminders (the plan per task and the scheduler that sends them).

pub mod exports;
pub mod items;
pub mod reminders;
pub mod scheduler;
pub mod tasks;
