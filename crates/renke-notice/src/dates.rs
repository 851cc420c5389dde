//! Dates, times and periods in notice text, and how a date without a year gets one.

use regex::Regex;

/// A date as written: year only when the text gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ymd {
    pub year: YearSpec,
    pub month: u32,
    pub day: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum YearSpec {
    /// `2022年6月9日`
    Explicit(i32),
    /// `明年`/`次年` before the month
    Next,
    /// `6月9日`
    Implied,
}

/// A date found in text, with its byte span.
#[derive(Debug, Clone)]
pub(crate) struct DateHit {
    pub start: usize,
    pub end: usize,
    pub date: Ymd,
    /// `6月8下午`: the day has no 日.
    pub missing_day: bool,
    pub text: String,
}

/// A month or day range such as `5月—6月期间` or `6月1日至10日`.
#[derive(Debug, Clone)]
pub(crate) struct PeriodHit {
    pub start: usize,
    pub from: Ymd,
    pub to: Ymd,
    pub text: String,
}

/// A clock time or a window, after a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimeHit {
    pub start: (u32, u32),
    pub end: Option<(u32, u32)>,
    /// bytes consumed after the date
    pub len: usize,
}

pub(crate) struct DateRx {
    date: Regex,
    month_period: Regex,
    day_range: Regex,
    time: Regex,
}

const TIME_ONE: &str = r"(上午|下午|晚上|中午|早上|傍晚|晚|早)?([0-9]{1,2})(?::([0-9]{2})|时(?:([0-9]{1,2})分|半)?|点(?:([0-9]{1,2})分?|半)?)";

impl DateRx {
    pub fn new() -> Result<Self, regex::Error> {
        Ok(Self {
            date: Regex::new(r"(?:([0-9]{4})年|(明年|次年))?([0-9]{1,2})月([0-9]{1,2})(日|号)?")?,
            month_period: Regex::new(
                r"(?:([0-9]{4})年)?([0-9]{1,2})月?(?:份)?(?:—|-|–|~|～|至|到)+([0-9]{1,2})月(?:份)?(期间|间)?",
            )?,
            day_range: Regex::new(
                r"(?:([0-9]{4})年)?([0-9]{1,2})月([0-9]{1,2})日?(?:—|-|–|~|～|至|到)+(?:([0-9]{1,2})月)?([0-9]{1,2})日(期间|间)?",
            )?,
            time: Regex::new(&format!(
                r"^(?:[（(](?:星期|周)[一二三四五六日天][）)])?{TIME_ONE}(?:(?:至|到|—|-|–|~|～)+{TIME_ONE})?"
            ))?,
        })
    }

    /// Every single date in `s`, in order. Dates whose day lacks 日/号 count only when a time
    /// of day or 前 follows (`6月8下午`), and are flagged.
    pub fn dates(&self, s: &str) -> Vec<DateHit> {
        let mut out = Vec::new();
        if !s.contains('月') {
            return out;
        }
        for c in self.date.captures_iter(s) {
            let Some(m) = c.get(0) else { continue };
            let month: u32 = c.get(3).and_then(|x| x.as_str().parse().ok()).unwrap_or(0);
            let day: u32 = c.get(4).and_then(|x| x.as_str().parse().ok()).unwrap_or(0);
            let has_unit = c.get(5).is_some();
            let after = &s[m.end()..];
            if !has_unit {
                let ok = ["上午", "下午", "晚上", "中午", "早上", "前", "之前", "以前"]
                    .iter()
                    .any(|p| after.starts_with(p));
                if !ok {
                    continue;
                }
            }
            if !valid_md(month, day) {
                continue;
            }
            // a list number glued to a month, `1.8月`, is not part of the date: the regex
            // starts at the month digits already; a preceding digit means `18月` was meant
            // only when no dot separates them, which the regex handles by leftmost matching.
            let year = match (c.get(1), c.get(2)) {
                (Some(y), _) => YearSpec::Explicit(y.as_str().parse().unwrap_or(0)),
                (None, Some(_)) => YearSpec::Next,
                _ => YearSpec::Implied,
            };
            out.push(DateHit {
                start: m.start(),
                end: m.end(),
                date: Ymd { year, month, day },
                missing_day: !has_unit,
                text: m.as_str().to_string(),
            });
        }
        out
    }

    /// The first period (month range or day range) in `s`.
    pub fn first_period(&self, s: &str) -> Option<PeriodHit> {
        let mut best: Option<PeriodHit> = None;
        if !s.contains('月') {
            return None;
        }
        for c in self.day_range.captures_iter(s) {
            let Some(m) = c.get(0) else { continue };
            let y = c.get(1).and_then(|x| x.as_str().parse().ok());
            let m1: u32 = c.get(2).and_then(|x| x.as_str().parse().ok()).unwrap_or(0);
            let d1: u32 = c.get(3).and_then(|x| x.as_str().parse().ok()).unwrap_or(0);
            let m2: u32 = c.get(4).and_then(|x| x.as_str().parse().ok()).unwrap_or(m1);
            let d2: u32 = c.get(5).and_then(|x| x.as_str().parse().ok()).unwrap_or(0);
            if !valid_md(m1, d1) || !valid_md(m2, d2) {
                continue;
            }
            let ys = y.map_or(YearSpec::Implied, YearSpec::Explicit);
            best = Some(PeriodHit {
                start: m.start(),
                from: Ymd {
                    year: ys,
                    month: m1,
                    day: d1,
                },
                to: Ymd {
                    year: ys,
                    month: m2,
                    day: d2,
                },
                text: m.as_str().to_string(),
            });
            break;
        }
        for c in self.month_period.captures_iter(s) {
            let Some(m) = c.get(0) else { continue };
            // `6月1日至…` is a day range, not `6月` `1`…; require the first number to be a month
            let y = c.get(1).and_then(|x| x.as_str().parse().ok());
            let m1: u32 = c.get(2).and_then(|x| x.as_str().parse().ok()).unwrap_or(0);
            let m2: u32 = c.get(3).and_then(|x| x.as_str().parse().ok()).unwrap_or(0);
            if !(1..=12).contains(&m1) || !(1..=12).contains(&m2) || m2 < m1 {
                continue;
            }
            // the first number must be followed by 月 or a dash directly after a 月-less month
            // (`5—6月`); reject `2022年6月9日—` style day ranges handled above
            let text = m.as_str();
            if s[..m.start()].ends_with('月')
                || s[m.start()..].starts_with(|c: char| c.is_ascii_digit())
                    && s[..m.start()].ends_with(|c: char| c.is_ascii_digit())
            {
                continue;
            }
            let ys = y.map_or(YearSpec::Implied, YearSpec::Explicit);
            let hit = PeriodHit {
                start: m.start(),
                from: Ymd {
                    year: ys,
                    month: m1,
                    day: 1,
                },
                to: Ymd {
                    year: ys,
                    month: m2,
                    day: days_in_month(m2),
                },
                text: text.to_string(),
            };
            if best.as_ref().is_none_or(|b| hit.start < b.start) {
                best = Some(hit);
            }
            break;
        }
        best
    }

    /// A time or time window right at the start of `s` (after a date).
    pub fn time_at(&self, s: &str) -> Option<TimeHit> {
        let c = self.time.captures(s)?;
        let m = c.get(0)?;
        let part = |base: usize| -> Option<(Option<&str>, u32, u32)> {
            let marker = c.get(base).map(|x| x.as_str());
            let h: u32 = c.get(base + 1)?.as_str().parse().ok()?;
            let whole = &s[c.get(base + 1)?.start()..];
            let min: u32 = if let Some(x) = c.get(base + 2).or(c.get(base + 3)).or(c.get(base + 4))
            {
                x.as_str().parse().ok()?
            } else if whole
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .starts_with("时半")
                || whole
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .starts_with("点半")
            {
                30
            } else {
                0
            };
            Some((marker, h, min))
        };
        let (m1, h1, min1) = part(1)?;
        let start = to_24(m1, h1, min1)?;
        let end = match part(6) {
            Some((m2, h2, min2)) => {
                let marker = m2.or(m1);
                let e = to_24(marker, h2, min2)?;
                Some(e)
            }
            None => None,
        };
        Some(TimeHit {
            start,
            end,
            len: m.end(),
        })
    }
}

fn to_24(marker: Option<&str>, h: u32, m: u32) -> Option<(u32, u32)> {
    if h > 24 || m > 59 {
        return None;
    }
    let h = match marker {
        Some("下午" | "晚上" | "晚" | "傍晚") if h < 12 => h + 12,
        Some("中午") if h < 11 => h + 12,
        _ => h,
    };
    Some((h, m))
}

pub(crate) fn fmt_time((h, m): (u32, u32)) -> String {
    format!("{h:02}:{m:02}")
}

pub(crate) fn valid_md(month: u32, day: u32) -> bool {
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(month)
}

pub(crate) fn days_in_month(month: u32) -> u32 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// The year context of one notice: its own year, and the month it was issued in (for the
/// next-year rule).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct YearCtx {
    pub year: Option<i32>,
    pub issue_month: Option<u32>,
}

impl YearCtx {
    /// ISO date of `d`. A date without a year takes the notice's year; when the notice was
    /// issued in a month at least six months later than the date's month (a January deadline in
    /// a notice dated November), the date falls in the next year.
    pub fn iso(&self, d: Ymd) -> Option<String> {
        let y = match d.year {
            YearSpec::Explicit(y) => y,
            YearSpec::Next => self.year? + 1,
            YearSpec::Implied => {
                let y = self.year?;
                match self.issue_month {
                    Some(im) if im >= d.month + 6 => y + 1,
                    _ => y,
                }
            }
        };
        let day = if d.month == 2 && d.day == 29 && !is_leap(y) {
            28
        } else {
            d.day
        };
        if !(1900..=2999).contains(&y) {
            return None;
        }
        Some(format!("{y:04}-{:02}-{:02}", d.month, day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rx() -> DateRx {
        DateRx::new().unwrap()
    }

    #[test]
    fn times() {
        let r = rx();
        let t = r.time_at("上午10:00至11:00，").unwrap();
        assert_eq!((t.start, t.end), ((10, 0), Some((11, 0))));
        assert_eq!(r.time_at("下午2:30开始").unwrap().start, (14, 30));
        assert_eq!(r.time_at("10时").unwrap().start, (10, 0));
        let t = r.time_at("（星期四）上午10时至11时").unwrap();
        assert_eq!((t.start, t.end), ((10, 0), Some((11, 0))));
        let t = r.time_at("下午2:30至4:00").unwrap();
        assert_eq!(t.end, Some((16, 0)));
        assert_eq!(r.time_at("下午3点半").unwrap().start, (15, 30));
        assert!(r.time_at("会议室").is_none());
    }

    #[test]
    fn dates_and_periods() {
        let r = rx();
        let d = r.dates("1.8月16日前");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].date.month, d[0].date.day), (8, 16));
        let d = r.dates("从6月8下午2:30开始");
        assert!(d[0].missing_day);
        assert!(r.dates("5月12个").is_empty());
        let p = r.first_period("5月—6月期间，组织").unwrap();
        assert_eq!(p.text, "5月—6月期间");
        assert_eq!((p.to.month, p.to.day), (6, 30));
        let p = r.first_period("6月1日至10日举办").unwrap();
        assert_eq!((p.from.day, p.to.month, p.to.day), (1, 6, 10));
        let ctx = YearCtx {
            year: Some(2022),
            issue_month: Some(11),
        };
        assert_eq!(
            ctx.iso(Ymd {
                year: YearSpec::Implied,
                month: 1,
                day: 15
            })
            .unwrap(),
            "2023-01-15"
        );
        assert_eq!(
            ctx.iso(Ymd {
                year: YearSpec::Implied,
                month: 12,
                day: 1
            })
            .unwrap(),
            "2022-12-01"
        );
    }
}
