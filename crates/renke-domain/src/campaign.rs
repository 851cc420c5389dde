//! Campaigns such as the yearly World Accreditation Day (世界认可日).

use crate::text::Line;
use crate::{FieldError, Invalid};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A local theme or slogan chosen by one organiser for its area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalTheme {
    pub org_id: i64,
    pub theme: Line,
}

/// A validated campaign, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignDraft {
    pub title: Line,
    /// Which edition, e.g. 15 for 第十五个.
    pub edition: Option<u32>,
    pub day: NaiveDate,
    pub international_theme: Option<Line>,
    pub domestic_theme: Option<Line>,
    pub owner_org_id: i64,
    pub public: bool,
    pub local_themes: Vec<LocalTheme>,
}

/// Campaign form input as typed, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignInput {
    pub title: String,
    #[serde(default)]
    pub edition: String,
    pub day: String,
    #[serde(default)]
    pub international_theme: String,
    #[serde(default)]
    pub domestic_theme: String,
    pub owner_org_id: i64,
    #[serde(default)]
    pub public: bool,
    #[serde(default)]
    pub local_themes: Vec<(i64, String)>,
}

impl CampaignInput {
    /// Validates every field and reports every problem at once.
    pub fn validate(&self) -> Result<CampaignDraft, Invalid> {
        let mut errs = Invalid::default();
        let title = Line::parse("title", &self.title, 200)
            .map_err(|e| errs.push(e))
            .ok();
        let edition = match self.edition.trim() {
            "" => Some(None),
            s => match s.parse::<u32>() {
                Ok(n) if (1..=1000).contains(&n) => Some(Some(n)),
                _ => {
                    errs.push(FieldError::new("edition", "invalid_number").with("value", s));
                    None
                }
            },
        };
        let day = parse_date("day", &self.day).map_err(|e| errs.push(e)).ok();
        let international_theme =
            Line::parse_opt("international_theme", &self.international_theme, 200)
                .map_err(|e| errs.push(e))
                .ok();
        let domestic_theme = Line::parse_opt("domestic_theme", &self.domestic_theme, 200)
            .map_err(|e| errs.push(e))
            .ok();
        let mut local_themes = Vec::new();
        for (i, (org_id, theme)) in self.local_themes.iter().enumerate() {
            match Line::parse_opt(&format!("local_themes[{i}]"), theme, 200) {
                Ok(Some(theme)) => local_themes.push(LocalTheme {
                    org_id: *org_id,
                    theme,
                }),
                Ok(None) => {}
                Err(e) => errs.push(e),
            }
        }
        match (title, edition, day, international_theme, domestic_theme) {
            (
                Some(title),
                Some(edition),
                Some(day),
                Some(international_theme),
                Some(domestic_theme),
            ) if errs.is_empty() => Ok(CampaignDraft {
                title,
                edition,
                day,
                international_theme,
                domestic_theme,
                owner_org_id: self.owner_org_id,
                public: self.public,
                local_themes,
            }),
            _ => Err(errs),
        }
    }
}

/// The years a date typed into Renke may fall in. A date outside them (a deadline in 9999,
/// a session in 0202) is a typing error: `date_out_of_range` with `min` and `max`.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

/// Refuses a date outside [`YEARS`] (`date_out_of_range`, naming the value and the bounds).
pub fn check_year(field: &str, date: NaiveDate, raw: &str) -> Result<NaiveDate, FieldError> {
    use chrono::Datelike;
    if YEARS.contains(&date.year()) {
        Ok(date)
    } else {
        Err(FieldError::new(field, "date_out_of_range")
            .with("value", raw.trim())
            .with("min", YEARS.start())
            .with("max", YEARS.end()))
    }
}

/// Parses an ISO date (2022-06-09), also accepting 2022/6/9 and 2022年6月9日, within
/// [`YEARS`].
pub fn parse_date(field: &str, raw: &str) -> Result<NaiveDate, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let norm: String = s
        .replace(['年', '月', '/', '.'], "-")
        .replace('日', "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let date = NaiveDate::parse_from_str(&norm, "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, "invalid_date").with("value", s))?;
    check_year(field, date, s)
}

/// Chinese ordinal for an edition: 15 → 第十五个.
pub fn edition_zh(n: u32) -> String {
    format!("第{}个", chinese_number(n))
}

/// Chinese numerals for 1..=9999 (十五, 二十一, 一百零五).
pub fn chinese_number(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 {
        return D[0].into();
    }
    if n < 10 {
        return D[n as usize].into();
    }
    if n < 20 {
        return format!(
            "十{}",
            if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            }
        );
    }
    let units = [(1000, "千"), (100, "百"), (10, "十"), (1, "")];
    let mut out = String::new();
    let mut zero = false;
    let mut started = false;
    for (u, name) in units {
        let d = (n / u) % 10;
        if d == 0 {
            zero = started;
        } else {
            if zero {
                out.push_str(D[0]);
                zero = false;
            }
            out.push_str(D[d as usize]);
            out.push_str(name);
            started = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_outside_the_accepted_years_are_refused() {
        assert!(parse_date("day", "2022-06-09").is_ok());
        assert!(parse_date("day", "2099年12月31日").is_ok());
        for raw in ["9999-06-09", "1999-12-31", "2100-01-01", "0202-06-09"] {
            let e = parse_date("day", raw).unwrap_err();
            assert_eq!(e.code, "date_out_of_range", "{raw}");
            assert_eq!(e.param("min"), Some("2000"));
            assert_eq!(e.param("max"), Some("2099"));
        }
        let e = crate::task::Deadline::parse_any("deadline", "9999-06-20 18:00").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("deadline", "date_out_of_range")
        );
        let e = crate::task::Deadline::parse_any("deadline", "9999-06-20").unwrap_err();
        assert_eq!(e.code, "date_out_of_range");
        assert_eq!(
            crate::task::Deadline::parse_any("deadline", "2022-13-01")
                .unwrap_err()
                .code,
            "invalid_deadline"
        );
        let e = crate::activity::parse_local_datetime("starts_at", "2100-06-09 10:00").unwrap_err();
        assert_eq!(e.code, "date_out_of_range");
        assert!(crate::activity::parse_local_datetime("starts_at", "2022-06-09 10:00").is_ok());
    }

    #[test]
    fn numerals() {
        assert_eq!(edition_zh(15), "第十五个");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(21), "二十一");
        assert_eq!(chinese_number(105), "一百零五");
        assert_eq!(chinese_number(2022), "二千零二十二");
    }

    #[test]
    fn dates_in_several_spellings() {
        let d = NaiveDate::from_ymd_opt(2022, 6, 9).unwrap();
        assert_eq!(parse_date("day", "2022-06-09").unwrap(), d);
        assert_eq!(parse_date("day", "2022年6月9日").unwrap(), d);
        assert_eq!(parse_date("day", "2022 年 6 月 9 日").unwrap(), d);
        assert_eq!(parse_date("day", "2022/6/9").unwrap(), d);
        assert_eq!(
            parse_date("day", "6月9日").unwrap_err().code,
            "invalid_date"
        );
    }

    #[test]
    fn campaign_reports_every_bad_field() {
        let input = CampaignInput {
            title: " ".into(),
            edition: "x".into(),
            day: "2022-13-01".into(),
            owner_org_id: 1,
            ..Default::default()
        };
        let errs = input.validate().unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "edition", "day"]);
    }

    #[test]
    fn valid_campaign() {
        let input = CampaignInput {
            title: "第十五个世界认可日".into(),
            edition: "15".into(),
            day: "2022-06-09".into(),
            domestic_theme: "传递质量信任 服务绿色发展".into(),
            owner_org_id: 1,
            public: true,
            local_themes: vec![(2, "".into()), (3, "检测认证助力疫情防控".into())],
            ..Default::default()
        };
        let c = input.validate().unwrap();
        assert_eq!(c.edition, Some(15));
        assert_eq!(c.local_themes.len(), 1);
        assert!(c.international_theme.is_none());
    }
}
