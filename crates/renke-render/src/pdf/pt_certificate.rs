//! The certificate of participation in a proficiency-testing round (能力验证参加证明): one
//! page naming the laboratory, the round and its scheme, each measurand it took part in
//! with its overall class, the provider and the release date, and a certificate number.

use super::zh_date;
use chrono::NaiveDate;
use serde::Serialize;

/// A laboratory's certificate of participation in one round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtCertificate {
    /// 证书编号, one per laboratory and round (GDPT-2022-01-K7M2QX).
    pub number: String,
    /// The laboratory that took part.
    pub lab_name: String,
    /// 能力验证提供者: who ran the round and issues the certificate.
    pub provider: String,
    /// The round's code (GDPT-2022-01).
    pub round_code: String,
    /// The round's title.
    pub round_title: String,
    /// The scheme (能力验证计划) the round belongs to.
    pub scheme: String,
    /// The scheme's field (领域), e.g. 食品; may be empty.
    pub field: String,
    /// One row per measurand the laboratory took part in, in the scheme's order.
    pub rows: Vec<PtCertificateRow>,
    /// The day the round's results were released (the certificate's date).
    pub released_on: NaiveDate,
}

/// A measurand the laboratory took part in and its overall class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtCertificateRow {
    /// 检测项目.
    pub measurand: String,
    /// 满意, 有问题, 不满意, or 未评价 when the result was not evaluated.
    pub class: String,
}

#[derive(Serialize)]
struct Data<'a> {
    number: &'a str,
    lab_name: &'a str,
    provider: &'a str,
    round_code: &'a str,
    round_title: &'a str,
    scheme: &'a str,
    field: &'a str,
    /// The rows in one table, or split into two tables side by side when there are many,
    /// so the certificate stays one page.
    tables: Vec<Vec<RowData<'a>>>,
    released_on: String,
}

#[derive(Serialize)]
struct RowData<'a> {
    /// 序号, from 1.
    no: usize,
    measurand: &'a str,
    class: &'a str,
}

/// Above this many rows the table is split into two side by side.
const ONE_TABLE_ROWS: usize = 12;

impl PtCertificate {
    fn tables(&self) -> Vec<Vec<RowData<'_>>> {
        let rows: Vec<RowData<'_>> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| RowData {
                no: i + 1,
                measurand: &r.measurand,
                class: &r.class,
            })
            .collect();
        if rows.len() <= ONE_TABLE_ROWS {
            return vec![rows];
        }
        let half = rows.len().div_ceil(2);
        let mut first = rows;
        let second = first.split_off(half);
        vec![first, second]
    }

    pub(super) fn to_data(&self) -> impl Serialize + '_ {
        Data {
            number: &self.number,
            lab_name: &self.lab_name,
            provider: &self.provider,
            round_code: &self.round_code,
            round_title: &self.round_title,
            scheme: &self.scheme,
            field: self.field.trim(),
            tables: self.tables(),
            released_on: zh_date(&self.released_on),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certificate(rows: usize) -> PtCertificate {
        PtCertificate {
            number: "GDPT-2022-01-K7M2QX".into(),
            lab_name: "广州演示检测技术有限公司".into(),
            provider: "广东省市场监督管理局".into(),
            round_code: "GDPT-2022-01".into(),
            round_title: "2022年电气产品绝缘电阻测试能力验证".into(),
            scheme: "电气产品绝缘电阻测试能力验证".into(),
            field: "家电".into(),
            rows: (0..rows)
                .map(|i| PtCertificateRow {
                    measurand: format!("绝缘电阻（样品{}）", i + 1),
                    class: ["满意", "有问题", "不满意", "未评价"][i % 4].into(),
                })
                .collect(),
            released_on: NaiveDate::from_ymd_opt(2022, 6, 20).unwrap_or_default(),
        }
    }

    /// Up to twelve measurands in one table; more in two side by side, numbered through.
    #[test]
    fn many_measurands_are_set_in_two_tables() {
        let sizes =
            |n: usize| -> Vec<usize> { certificate(n).tables().iter().map(Vec::len).collect() };
        assert_eq!(sizes(12), [12]);
        assert_eq!(sizes(13), [7, 6]);
        assert_eq!(sizes(30), [15, 15]);
        let c = certificate(30);
        let tables = c.tables();
        assert_eq!(
            (tables[1][0].no, tables[1][0].measurand),
            (16, "绝缘电阻（样品16）")
        );
    }

    /// One page whatever the number of measurands a scheme may have, every character
    /// covered by the bundled fonts.
    #[test]
    fn a_certificate_is_one_page() {
        for rows in [0, 2, renke_domain::pt::MEASURANDS_MAX] {
            let pdf = crate::pdf::pt_certificate(&certificate(rows)).unwrap();
            assert_eq!(pdf.pages, 1, "{rows} rows");
            assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
            assert_eq!(pdf.missing_chars, Vec::<char>::new());
        }
    }
}
