//! iCalendar (RFC 5545) feeds and attachments: events in Beijing time with `TZID=Asia/Shanghai`
//! and the matching `VTIMEZONE`, so every calendar program shows the same hours; periods
//! (5月—6月) as all-day events.

use chrono::{DateTime, NaiveDate, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, EventLike};

/// The time zone every event is written in.
pub const TZID: &str = "Asia/Shanghai";

/// China Standard Time: UTC+8 all year, no daylight saving since 1991.
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nX-LIC-LOCATION:Asia/Shanghai\r\n\
BEGIN:STANDARD\r\nTZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nTZNAME:CST\r\nDTSTART:19700101T000000\r\n\
END:STANDARD\r\nEND:VTIMEZONE\r\n";

/// When an event happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// From one moment to another, written in Beijing time.
    Window {
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    },
    /// Whole days, `to` included.
    Days { from: NaiveDate, to: NaiveDate },
}

/// One event of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsEvent {
    /// Stable across feeds and updates, e.g. `session-12@renke`.
    pub uid: String,
    pub summary: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub when: When,
    pub stamp: DateTime<Utc>,
    /// `CANCELLED` events tell calendars to drop them.
    pub cancelled: bool,
}

fn local(t: &DateTime<Utc>) -> CalendarDateTime {
    CalendarDateTime::WithTimezone {
        date_time: t.with_timezone(&chrono_tz::Asia::Shanghai).naive_local(),
        tzid: TZID.to_owned(),
    }
}

/// A calendar named `name` holding `events`, as iCalendar text.
pub fn calendar(name: &str, events: &[IcsEvent]) -> String {
    let mut cal = Calendar::new();
    cal.name(name).timezone(TZID);
    for e in events {
        let mut ev = icalendar::Event::new();
        ev.uid(&e.uid).summary(&e.summary).timestamp(e.stamp);
        match &e.when {
            When::Window { starts_at, ends_at } => {
                ev.starts(local(starts_at)).ends(local(ends_at));
            }
            When::Days { from, to } => {
                ev.starts(*from).ends(*to + chrono::Duration::days(1));
            }
        }
        if let Some(d) = &e.description {
            ev.description(d);
        }
        if let Some(l) = &e.location {
            ev.location(l);
        }
        if let Some(u) = &e.url {
            ev.url(u);
        }
        if e.cancelled {
            ev.status(icalendar::EventStatus::Cancelled);
        }
        cal.push(ev.done());
    }
    // The VTIMEZONE is spliced in as text: the library's components always get a DTSTAMP
    // and a UID, which a VTIMEZONE must not have.
    let mut text = cal.done().to_string();
    let at = text
        .find("BEGIN:VEVENT")
        .or_else(|| text.find("END:VCALENDAR"))
        .unwrap_or(text.len());
    text.insert_str(at, VTIMEZONE);
    text
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use icalendar::{CalendarComponent, DatePerhapsTime};

    #[test]
    fn round_trip_with_chinese_text_and_beijing_time() {
        let start = Utc.with_ymd_and_hms(2022, 6, 9, 2, 0, 0).unwrap();
        let events = vec![
            IcsEvent {
                uid: "activity-1@renke".into(),
                summary: "第十五个“世界认可日”主场活动".into(),
                description: Some("主办：国家市场监督管理总局；承办：中国合格评定国家认可中心，协办：总局认证认可技术研究中心、中国认证认可协会".into()),
                location: Some("三里河办公区10层中会议室".into()),
                url: Some("https://renke.example.org/activities/1".into()),
                when: When::Window {
                    starts_at: start,
                    ends_at: start + chrono::Duration::hours(1),
                },
                stamp: start,
                cancelled: false,
            },
            IcsEvent {
                uid: "activity-2@renke".into(),
                summary: "检验检测机构能力验证".into(),
                description: None,
                location: None,
                url: None,
                when: When::Days {
                    from: NaiveDate::from_ymd_opt(2022, 5, 1).unwrap(),
                    to: NaiveDate::from_ymd_opt(2022, 6, 30).unwrap(),
                },
                stamp: start,
                cancelled: true,
            },
        ];
        let text = calendar("世界认可日活动日历", &events);
        assert!(text.contains("BEGIN:VTIMEZONE"), "{text}");
        let tz_block =
            &text[text.find("BEGIN:VTIMEZONE").unwrap()..text.find("END:VTIMEZONE").unwrap()];
        assert!(
            !tz_block.contains("UID") && !tz_block.contains("DTSTAMP"),
            "{tz_block}"
        );
        assert!(
            text.contains("DTSTART;TZID=Asia/Shanghai:20220609T100000"),
            "{text}"
        );
        let parsed: Calendar = text.parse().unwrap();
        assert_eq!(parsed.get_name(), Some("世界认可日活动日历"));
        let tz = parsed
            .components
            .iter()
            .any(|c| matches!(c, CalendarComponent::Other(o) if o.component_kind() == "VTIMEZONE"));
        assert!(tz, "VTIMEZONE parsed back");
        let evs: Vec<_> = parsed.events().collect();
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[0].get_summary(), Some("第十五个“世界认可日”主场活动"));
        assert_eq!(evs[0].get_location(), Some("三里河办公区10层中会议室"));
        assert!(
            evs[0]
                .get_description()
                .unwrap()
                .contains("中国合格评定国家认可中心，协办")
        );
        match evs[0].get_start().unwrap() {
            DatePerhapsTime::DateTime(dt) => {
                match &dt {
                    CalendarDateTime::WithTimezone { date_time, tzid } => {
                        assert_eq!(tzid, TZID);
                        assert_eq!(date_time.to_string(), "2022-06-09 10:00:00");
                    }
                    other => panic!("not in Beijing time: {other:?}"),
                }
                assert_eq!(dt.try_into_utc(), Some(start));
            }
            other => panic!("{other:?}"),
        }
        match evs[1].get_start().unwrap() {
            DatePerhapsTime::Date(d) => assert_eq!(d.to_string(), "2022-05-01"),
            other => panic!("{other:?}"),
        }
        match evs[1].get_end().unwrap() {
            DatePerhapsTime::Date(d) => assert_eq!(d.to_string(), "2022-07-01", "exclusive end"),
            other => panic!("{other:?}"),
        }
        assert_eq!(evs[1].get_status(), Some(icalendar::EventStatus::Cancelled));
    }
}
