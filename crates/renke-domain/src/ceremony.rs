//! The certificate ceremony (集中颁证仪式): the list of certified organisations presented at
//! a ceremony activity — for Shanghai, the organisations certified under 上海品牌 — each
//! with its certificate number (unique within the ceremony), the certification's scope and
//! the certification body. The list is shown on the campaign's public page, and anyone may
//! verify a certificate number on its verification page.

use crate::text::Line;
use crate::{FieldError, Invalid};

/// Longest organisation name and certification body name, in characters.
pub const ORG_MAX: usize = 200;
/// Longest certificate number, in characters.
pub const NUMBER_MAX: usize = 64;
/// Longest scope, in characters.
pub const SCOPE_MAX: usize = 1000;

/// One certificate of a ceremony, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// 获证组织
    pub organisation: Line,
    /// 证书编号, as written.
    pub number: Line,
    /// 认证范围
    pub scope: String,
    /// 认证机构
    pub body: Line,
}

impl Certificate {
    /// The number as looked up: without spaces, ASCII letters upper case, full-width
    /// letters and digits as ASCII (`shpp 2022-001` and `ＳＨＰＰ2022-001` are the same
    /// certificate).
    pub fn key(&self) -> String {
        number_key(self.number.as_str())
    }
}

/// See [`Certificate::key`].
pub fn number_key(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The raw fields of a certificate, as typed or read from a row of a file.
#[derive(Debug, Clone, Copy, Default)]
pub struct CertificateInput<'a> {
    pub organisation: &'a str,
    pub number: &'a str,
    pub scope: &'a str,
    pub body: &'a str,
}

impl CertificateInput<'_> {
    /// Every problem at once, each on its field (`organisation`, `number`, `scope`,
    /// `body`): required, too long, single line.
    pub fn parse(&self) -> Result<Certificate, Invalid> {
        let mut errs = Invalid::default();
        let organisation = Line::parse("organisation", self.organisation, ORG_MAX)
            .map_err(|e| errs.push(e))
            .ok();
        let number = Line::parse("number", self.number, NUMBER_MAX)
            .map_err(|e| errs.push(e))
            .ok();
        let scope = self.scope.trim();
        let n = crate::text::char_len(scope);
        if scope.is_empty() {
            errs.push(FieldError::new("scope", "required"));
        } else if n > SCOPE_MAX {
            errs.push(
                FieldError::new("scope", "too_long")
                    .with("max", SCOPE_MAX)
                    .with("actual", n),
            );
        }
        let body = Line::parse("body", self.body, ORG_MAX)
            .map_err(|e| errs.push(e))
            .ok();
        match (organisation, number, body) {
            (Some(organisation), Some(number), Some(body)) if errs.0.is_empty() => {
                Ok(Certificate {
                    organisation,
                    number,
                    scope: scope.to_owned(),
                    body,
                })
            }
            _ => Err(errs),
        }
    }
}

/// The columns of a certificate list file: key, Chinese header, other accepted headers.
pub const COLUMNS: &[(&str, &str, &[&str])] = &[
    (
        "organisation",
        "获证组织",
        &["organisation", "organization", "组织名称", "获证单位"],
    ),
    (
        "number",
        "证书编号",
        &["number", "certificate_number", "certificate no."],
    ),
    ("scope", "认证范围", &["scope", "范围"]),
    (
        "body",
        "认证机构",
        &["body", "certification_body", "发证机构"],
    ),
];

/// Which column of a header row holds each field (in the order of [`COLUMNS`]); the
/// fields whose column is missing are refused on `file` (`missing_column`).
pub fn map_columns(headers: &[String]) -> Result<[usize; 4], Invalid> {
    let mut found = [None; 4];
    for (i, h) in headers.iter().enumerate() {
        let h = h
            .trim()
            .trim_start_matches('\u{feff}')
            .trim_end_matches(['*', '＊']);
        let h = h.trim();
        let matched = COLUMNS.iter().position(|(key, zh, aliases)| {
            h == *key || h == *zh || aliases.iter().any(|a| h.eq_ignore_ascii_case(a))
        });
        if let Some(c) = matched
            && found[c].is_none()
        {
            found[c] = Some(i);
        }
    }
    let mut errs = Invalid::default();
    for (c, (_, zh, _)) in COLUMNS.iter().enumerate() {
        if found[c].is_none() {
            errs.push(FieldError::new("file", "missing_column").with("column", zh));
        }
    }
    errs.into_result()?;
    Ok(found.map(|f| f.unwrap_or_default()))
}

/// The rows of a certificate list (`rows[0]` is spreadsheet row 2) checked one by one:
/// the certificates, or every problem of every row at once, each on `row{N}.{field}`
/// (`row3.number`), including a number that repeats within the file
/// (`duplicate_number`) or is already in the ceremony (`number_exists`). Blank rows are
/// skipped.
pub fn parse_rows(
    rows: &[Vec<String>],
    columns: [usize; 4],
    existing: &[String],
) -> Result<Vec<Certificate>, Invalid> {
    let cell = |r: &Vec<String>, c: usize| r.get(columns[c]).cloned().unwrap_or_default();
    let mut errs = Invalid::default();
    let mut out: Vec<Certificate> = Vec::new();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let row = crate::import::Table::row_number(i);
        let (o, n, s, b) = (cell(r, 0), cell(r, 1), cell(r, 2), cell(r, 3));
        let parsed = CertificateInput {
            organisation: &o,
            number: &n,
            scope: &s,
            body: &b,
        }
        .parse();
        match parsed {
            Ok(c) => {
                let key = c.key();
                if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                    errs.push(
                        FieldError::new(format!("row{row}.number"), "duplicate_number")
                            .with("value", c.number.as_str())
                            .with("first", first),
                    );
                } else if existing.contains(&key) {
                    errs.push(
                        FieldError::new(format!("row{row}.number"), "number_exists")
                            .with("value", c.number.as_str()),
                    );
                } else {
                    seen.push((key, row));
                    out.push(c);
                }
            }
            Err(e) => errs.0.extend(e.0.into_iter().map(|mut f| {
                f.field = format!("row{row}.{}", f.field);
                f
            })),
        }
    }
    if out.is_empty() && errs.0.is_empty() {
        errs.push(FieldError::new("file", "no_rows"));
    }
    errs.into_result()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn numbers_compare_without_spaces_case_or_full_width() {
        assert_eq!(number_key(" shpp 2022-001 "), "SHPP2022-001");
        assert_eq!(number_key("ＳＨＰＰ２０２２-001"), "SHPP2022-001");
    }

    #[test]
    fn a_certificate_needs_every_field() {
        let e = CertificateInput {
            organisation: "上海某公司",
            number: "",
            scope: " ",
            body: "上海品牌国际认证联盟",
        }
        .parse()
        .unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["number", "scope"]);
    }

    /// Row-level validation: every bad row is named with its field, duplicates within the
    /// file and numbers already in the ceremony too; nothing is taken unless all is good.
    #[test]
    fn rows_are_checked_one_by_one() {
        let headers = row(&["获证组织*", "证书编号", "认证范围", "Certification_Body"]);
        let cols = map_columns(&headers).unwrap();
        let rows = vec![
            row(&[
                "甲公司",
                "SHPP-001",
                "电梯的设计、生产",
                "上海品牌国际认证联盟",
            ]),
            row(&["", "", "", ""]),
            row(&["乙公司", "shpp-001", "食用油", "上海品牌国际认证联盟"]),
            row(&["丙公司", "SHPP-009", "", "上海品牌国际认证联盟"]),
            row(&["丁公司", "SHPP-007", "服务", "上海品牌国际认证联盟"]),
        ];
        let e = parse_rows(&rows, cols, &["SHPP-007".to_owned()]).unwrap_err();
        let got: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.code)).collect();
        assert_eq!(
            got,
            vec![
                ("row4.number", "duplicate_number"),
                ("row5.scope", "required"),
                ("row6.number", "number_exists"),
            ]
        );
        let ok = parse_rows(&rows[..2], cols, &[]).unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].body.as_str(), "上海品牌国际认证联盟");
        let missing = map_columns(&row(&["获证组织", "证书编号"])).unwrap_err();
        assert_eq!(missing.0.len(), 2);
        assert_eq!(missing.0[0].code, "missing_column");
    }
}
