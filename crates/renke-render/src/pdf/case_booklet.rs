//! The booklet of a published case collection (案例集): a cover with the collection's title,
//! the organisation that ran the call and the publication date, a table of contents, then
//! each selected case on its own pages (title, unit, summary, text).

use super::zh_date;
use chrono::NaiveDate;
use serde::Serialize;

/// A published collection of cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseBooklet {
    /// The collection's title, e.g. 2022年度上海市检验检测创新案例.
    pub title: String,
    /// The organisation that ran the call.
    pub organisation: String,
    /// The call's description, printed as the foreword (paragraphs split on line breaks).
    pub foreword: Option<String>,
    pub published_on: NaiveDate,
    /// The selected cases, in the order of the collection.
    pub cases: Vec<BookletCase>,
}

/// One case of a booklet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookletCase {
    pub title: String,
    /// The unit that submitted it.
    pub unit: String,
    pub summary: Option<String>,
    /// The case's text (paragraphs split on line breaks).
    pub body: String,
}

#[derive(Serialize)]
struct Data<'a> {
    title: &'a str,
    organisation: &'a str,
    foreword: Vec<&'a str>,
    published_on: String,
    cases: Vec<CaseData<'a>>,
}

#[derive(Serialize)]
struct CaseData<'a> {
    no: usize,
    title: &'a str,
    unit: &'a str,
    summary: Option<&'a str>,
    paragraphs: Vec<&'a str>,
}

fn paragraphs(s: &str) -> Vec<&str> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
}

impl CaseBooklet {
    pub(super) fn to_data(&self) -> impl Serialize + '_ {
        Data {
            title: &self.title,
            organisation: &self.organisation,
            foreword: self.foreword.as_deref().map(paragraphs).unwrap_or_default(),
            published_on: zh_date(&self.published_on),
            cases: self
                .cases
                .iter()
                .enumerate()
                .map(|(i, c)| CaseData {
                    no: i + 1,
                    title: &c.title,
                    unit: &c.unit,
                    summary: c.summary.as_deref(),
                    paragraphs: paragraphs(&c.body),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cover, a contents page and each case on its own page; text a user typed prints as
    /// itself.
    #[test]
    fn a_booklet_has_a_cover_contents_and_a_page_per_case() {
        let case = |i: usize| BookletCase {
            title: format!("案例{i}：#set page(paper: \"a5\") 检验检测服务“放管服”改革"),
            unit: "上海市质量监督检验技术研究院".into(),
            summary: Some("以数字化手段缩短检测周期。".into()),
            body: "一、背景\n实验室 *强调* $x$ 与 @引用。\n\n二、做法\n推行线上委托。".into(),
        };
        let b = CaseBooklet {
            title: "2022年度上海市检验检测创新案例".into(),
            organisation: "上海市市场监督管理局".into(),
            foreword: Some("为展示本市检验检测机构创新成果，特汇编本案例集。".into()),
            published_on: NaiveDate::from_ymd_opt(2022, 6, 9).unwrap_or_default(),
            cases: (1..=2).map(case).collect(),
        };
        let pdf = crate::pdf::case_booklet(&b).unwrap();
        assert_eq!(pdf.pages, 4);
        assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
        assert_eq!(pdf.missing_chars, Vec::<char>::new());
    }
}
