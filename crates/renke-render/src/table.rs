//! Reading and writing spreadsheet tables: the import files of `renke import` (xlsx or CSV)
//! and the xlsx exports.
//!
//! A [`Table`] is the header row plus the data rows below it; `rows[0]` is spreadsheet
//! row 2, so the row numbers in import reports match what people see in Excel or WPS.

use calamine::{Data, Reader, Xlsx};
use renke_domain::import::Table;
use rust_xlsxwriter::{Format, Workbook};
use std::io::Cursor;

/// Why a file could not be read or a table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error(
        "不支持的文件类型「{name}」：请上传 .xlsx 或 .csv 文件 \
         (unsupported file type {name:?}: use an .xlsx or .csv file)"
    )]
    UnsupportedType { name: String },
    #[error(
        "CSV 文件不是 UTF-8 编码（第{line}行起无法识别）：请在 Excel 或 WPS 中“另存为”\
         “CSV UTF-8（逗号分隔）”后重新上传 \
         (the CSV file is not UTF-8 encoded from line {line}: save it as \"CSV UTF-8\" and try again)"
    )]
    NotUtf8 { line: usize },
    #[error("CSV 文件无法读取 (cannot read the CSV file): {0}")]
    Csv(#[from] csv::Error),
    #[error("xlsx 文件无法读取，请确认文件未损坏且不是旧版 .xls (cannot read the xlsx file): {0}")]
    Xlsx(#[from] calamine::XlsxError),
    #[error("xlsx 文件中没有工作表 (the xlsx file has no worksheet)")]
    NoWorksheet,
    #[error("无法生成 xlsx 文件 (cannot write the xlsx file): {0}")]
    Write(#[from] rust_xlsxwriter::XlsxError),
    #[error(
        "工作表「{sheet}」超出范围：内容延伸到第 {rows} 行、第 {cols} 列，最多读取 {max_rows} 行、{max_cols} 列 \
         (the sheet {sheet:?} reaches row {rows} and column {cols}; at most {max_rows} rows and \
         {max_cols} columns are read)"
    )]
    SheetTooLarge {
        sheet: String,
        rows: u64,
        cols: u64,
        max_rows: u32,
        max_cols: u32,
    },
    #[error(
        "表格过大：xlsx 最多 {max_rows} 行、{max_cols} 列 \
         (table too large for xlsx: at most {max_rows} rows and {max_cols} columns)"
    )]
    TooLarge { max_rows: u32, max_cols: u16 },
}

/// How far into a sheet a reader goes: a sheet with content beyond it is refused
/// ([`TableError::SheetTooLarge`]) before anything is allocated for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetLimit {
    pub rows: u32,
    pub cols: u32,
}

impl SheetLimit {
    /// Imports of organisations and accounts: 200,000 rows × 100 columns.
    pub const IMPORT: SheetLimit = SheetLimit {
        rows: 200_000,
        cols: 100,
    };

    fn refuse(self, sheet: &str, rows: u64, cols: u64) -> TableError {
        TableError::SheetTooLarge {
            sheet: sheet.to_owned(),
            rows,
            cols,
            max_rows: self.rows,
            max_cols: self.cols,
        }
    }

    /// Refuses content reaching row `rows` or column `cols` (1-based) beyond the limit.
    fn check(self, sheet: &str, rows: u64, cols: u64) -> Result<(), TableError> {
        if rows > u64::from(self.rows) || cols > u64::from(self.cols) {
            Err(self.refuse(sheet, rows, cols))
        } else {
            Ok(())
        }
    }
}

/// Reads the table of an uploaded file, chosen by the extension of `file_name`:
/// `.csv` (UTF-8, with or without BOM) or `.xlsx` (the first worksheet). Every cell is
/// trimmed; rows may have different lengths. Empty rows in the middle are kept (blank
/// lines of a CSV file too), so `rows[i]` is spreadsheet row `i + 2` as Excel or WPS shows
/// it; numbers read as people see them (`15`, `2.5`), which parse back to the same value.
/// Reads at most [`SheetLimit::IMPORT`].
pub fn read_table(bytes: &[u8], file_name: &str) -> Result<Table, TableError> {
    read_table_within(bytes, file_name, SheetLimit::IMPORT)
}

/// [`read_table`] refusing a sheet with content beyond `limit`: an xlsx sheet whose
/// declared dimension or whose cells reach past it (a 1 KB file can name a cell at
/// XFD1048576) is refused before its grid is built, a CSV file after it is read.
pub fn read_table_within(
    bytes: &[u8],
    file_name: &str,
    limit: SheetLimit,
) -> Result<Table, TableError> {
    let lower = file_name.trim().to_lowercase();
    if lower.ends_with(".csv") {
        let table = read_csv(bytes)?;
        let rows = table.rows.len() + usize::from(!table.headers.is_empty());
        let cols = table
            .rows
            .iter()
            .map(Vec::len)
            .chain([table.headers.len()])
            .max()
            .unwrap_or(0);
        limit.check(file_name, rows as u64, cols as u64)?;
        Ok(table)
    } else if lower.ends_with(".xlsx") {
        read_xlsx(bytes, limit)
    } else {
        Err(TableError::UnsupportedType {
            name: file_name.to_owned(),
        })
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table, TableError> {
    let text = std::str::from_utf8(bytes).map_err(|e| TableError::NotUtf8 {
        line: 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record?;
        // The CSV reader skips blank lines; they are put back as empty rows, as Excel and
        // WPS show them, so that row numbers stay the spreadsheet's. A record's position is
        // where the reader started looking for it, before the blank lines it skipped.
        if let Some(start) = record.position().map(|p| p.byte() as usize) {
            records.extend(std::iter::repeat_n(Vec::new(), blank_lines_at(text, start)));
        }
        records.push(record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok(split_header(records))
}

/// The blank lines at byte `start` of `text`: the line breaks (`\n`, `\r\n` or `\r`) there,
/// not counting the `\n` of a `\r\n` whose `\r` ended the record before.
fn blank_lines_at(text: &str, start: usize) -> usize {
    let (Some(before), Some(mut rest)) = (text.get(..start), text.get(start..)) else {
        return 0;
    };
    if before.ends_with('\r') {
        rest = rest.strip_prefix('\n').unwrap_or(rest);
    }
    let breaks = &rest[..rest.len() - rest.trim_start_matches(['\r', '\n']).len()];
    breaks.matches("\r\n").count() + breaks.replace("\r\n", "").chars().count()
}

fn split_header(mut records: Vec<Vec<String>>) -> Table {
    if records.is_empty() {
        return Table::default();
    }
    let headers = records.remove(0);
    Table {
        headers,
        rows: records,
    }
}

/// The first worksheet's cells as text, positioned absolutely (leading empty rows and
/// columns kept, so row numbers and column letters stay the spreadsheet's), read cell by
/// cell: the declared dimension is checked first, then every cell with content, so only
/// what is inside `limit` is ever allocated.
fn read_xlsx(bytes: &[u8], limit: SheetLimit) -> Result<Table, TableError> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(TableError::NoWorksheet)?;
    let mut cells = match book.worksheet_cells_reader(&sheet) {
        Ok(r) => r,
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Err(TableError::NoWorksheet),
        Err(e) => return Err(e.into()),
    };
    let declared = cells.dimensions();
    limit.check(
        &sheet,
        u64::from(declared.end.0) + 1,
        u64::from(declared.end.1) + 1,
    )?;
    let mut grid: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells.next_cell()? {
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        let (r, c) = cell.get_position();
        limit.check(&sheet, u64::from(r) + 1, u64::from(c) + 1)?;
        let (r, c) = (r as usize, c as usize);
        if grid.len() <= r {
            grid.resize_with(r + 1, Vec::new);
        }
        let row = &mut grid[r];
        if row.len() <= c {
            row.resize_with(c + 1, String::new);
        }
        row[c] = text;
    }
    Ok(split_header(grid))
}

/// A cell as people read it: integers without `.0`, dates as ISO 8601.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) if dt.is_duration() => {
            let secs = (dt.as_f64() * 86_400.0).round() as i64;
            format!("{}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
        }
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Error(e) => e.to_string(),
    }
}

/// `12` for 12.0, `2.5` for 2.5; large integral values keep all their digits.
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// Writes the table as an xlsx workbook with one worksheet: a bold, frozen header row and
/// every cell as text (so codes such as `001` and phone numbers keep their form).
pub fn write_xlsx(table: &Table) -> Result<Vec<u8>, TableError> {
    write_xlsx_with(table, &[])
}

/// The display width of a cell in character cells: CJK and other wide characters count
/// two, the rest one.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let wide = matches!(c as u32,
                0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
                | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// As [`write_xlsx`], with the cells of the `numeric` columns that hold a whole number
/// written as numbers (so they sort and add up in a spreadsheet). Columns are as wide as
/// their widest cell, counting a Chinese character as two.
pub fn write_xlsx_with(table: &Table, numeric: &[usize]) -> Result<Vec<u8>, TableError> {
    const MAX_ROWS: u32 = 1_048_576;
    const MAX_COLS: u16 = 16_384;
    let too_large = TableError::TooLarge {
        max_rows: MAX_ROWS,
        max_cols: MAX_COLS,
    };
    let widest = table
        .rows
        .iter()
        .map(Vec::len)
        .chain([table.headers.len()])
        .max()
        .unwrap_or(0);
    if table.rows.len() + 1 > MAX_ROWS as usize || widest > MAX_COLS as usize {
        return Err(too_large);
    }

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    for (c, h) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
    }
    let mut widths: Vec<usize> = table.headers.iter().map(|h| display_width(h)).collect();
    widths.resize(widest, 0);
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            widths[c] = widths[c].max(display_width(cell));
            match cell.parse::<i64>() {
                Ok(n) if numeric.contains(&c) => {
                    sheet.write_number(r as u32 + 1, c as u16, n as f64)?;
                }
                _ => {
                    sheet.write_string(r as u32 + 1, c as u16, cell)?;
                }
            }
        }
    }
    if !table.headers.is_empty() {
        sheet.set_freeze_panes(1, 0)?;
    }
    for (c, w) in widths.iter().enumerate() {
        // Excel's width unit is about one narrow character; a little room on each side.
        sheet.set_column_width(c as u16, (*w as f64 + 2.0).min(80.0))?;
    }
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(headers: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            headers: headers.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn xlsx_numbers_and_widths_count_chinese_as_two() {
        assert_eq!(display_width("珠海市市场监督管理局"), 20);
        assert_eq!(display_width("GD-SZ 2"), 7);
        let table = t(
            &["单位", "版本"],
            &[&["珠海市市场监督管理局", "2"], &["广州", "x"]],
        );
        let bytes = write_xlsx_with(&table, &[1]).unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        use calamine::Reader;
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(sheet.get((1, 1)), Some(&calamine::Data::Float(2.0)));
        assert_eq!(sheet.get((2, 1)), Some(&calamine::Data::String("x".into())));
    }

    #[test]
    fn csv_with_bom_trims_cells_and_allows_ragged_rows() {
        let text = "\u{feff}编码, 名称 ,类型\n GD ,广东省市场监督管理局,regulator\nGD-SZ,\"深圳市, 市场监督管理局\"\nX,Y,Z,extra\n";
        let table = read_table(text.as_bytes(), "orgs.CSV").unwrap();
        assert_eq!(
            table,
            t(
                &["编码", "名称", "类型"],
                &[
                    &["GD", "广东省市场监督管理局", "regulator"],
                    &["GD-SZ", "深圳市, 市场监督管理局"],
                    &["X", "Y", "Z", "extra"],
                ]
            )
        );
    }

    #[test]
    fn csv_blank_lines_keep_spreadsheet_row_numbers() {
        // Blank lines (LF, CRLF) stay empty rows; a quoted cell over two lines is one row.
        let text = "\n\ncode,name\r\n\r\nGD,\"广东\n省局\"\nSH,上海\n\n\nX,Y\n\n";
        let table = read_table(text.as_bytes(), "a.csv").unwrap();
        assert_eq!(
            table,
            t(
                &[],
                &[
                    &[],
                    &["code", "name"],
                    &[],
                    &["GD", "广东\n省局"],
                    &["SH", "上海"],
                    &[],
                    &[],
                    &["X", "Y"],
                ]
            )
        );
    }

    #[test]
    fn empty_csv_is_an_empty_table() {
        assert_eq!(read_table(b"", "a.csv").unwrap(), Table::default());
        assert_eq!(
            read_table("\u{feff}".as_bytes(), "a.csv").unwrap(),
            Table::default()
        );
    }

    #[test]
    fn csv_in_gbk_asks_for_utf8() {
        // "code,name\nGD,广东" with 广东 in GBK (B9 E3 B6 AB): line 2 is not UTF-8.
        let mut gbk = b"code,name\nGD,".to_vec();
        gbk.extend_from_slice(&[0xB9, 0xE3, 0xB6, 0xAB]);
        let err = read_table(&gbk, "orgs.csv").unwrap_err();
        assert!(matches!(err, TableError::NotUtf8 { line: 2 }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains("UTF-8") && msg.contains("另存为"), "{msg}");
    }

    #[test]
    fn unknown_extension_is_refused() {
        for name in ["orgs.xls", "orgs.txt", "orgs", "orgs.csv.zip"] {
            let err = read_table(b"a,b", name).unwrap_err();
            assert!(matches!(err, TableError::UnsupportedType { .. }), "{name}");
            assert!(err.to_string().contains(".xlsx"));
        }
    }

    #[test]
    fn broken_xlsx_is_a_clear_error() {
        let err = read_table(b"not a zip file", "orgs.xlsx").unwrap_err();
        assert!(matches!(err, TableError::Xlsx(_)), "{err:?}");
    }

    #[test]
    fn xlsx_round_trip_keeps_chinese_text() {
        let table = t(
            &["编码", "上级编码", "名称", "类型", "行政级别", "联系电话"],
            &[
                &[
                    "SAMR",
                    "",
                    "国家市场监督管理总局",
                    "市场监管部门",
                    "国家级",
                    "",
                ],
                &[
                    "GD",
                    "SAMR",
                    "广东省市场监督管理局",
                    "regulator",
                    "provincial",
                    "020-12345678",
                ],
                &[
                    "GD-001",
                    "GD",
                    "上海自贸区“一带一路”技术交流国际合作中心",
                    "public_institution",
                ],
                &["", "", "", "", "", ""],
                &["007", "GD", "认证认可检验检测：传递质量信任 服务绿色发展"],
            ],
        );
        let bytes = write_xlsx(&table).unwrap();
        let back = read_table(&bytes, "export.xlsx").unwrap();
        // Trailing empty cells are not kept; the empty row in the middle is.
        let mut want = table.clone();
        want.rows[0].truncate(5);
        want.rows[2].truncate(4);
        want.rows[3].clear();
        assert_eq!(back, want);
    }

    #[test]
    fn xlsx_numbers_and_dates_read_as_people_see_them() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        sheet.write_string(0, 0, "a").unwrap();
        sheet.write_string(0, 1, "b").unwrap();
        sheet.write_number(1, 0, 15.0).unwrap();
        sheet.write_number(1, 1, 2.5).unwrap();
        sheet.write_number(1, 2, 13_800_138_000.0).unwrap();
        sheet.write_boolean(1, 3, true).unwrap();
        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2022, 6, 9).unwrap();
        sheet.write_datetime_with_format(2, 0, &day, &date).unwrap();
        let at = rust_xlsxwriter::ExcelDateTime::from_ymd(2022, 6, 9)
            .unwrap()
            .and_hms(10, 0, 0)
            .unwrap();
        sheet
            .write_datetime_with_format(2, 1, &at, &datetime)
            .unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let table = read_table(&bytes, "x.xlsx").unwrap();
        assert_eq!(
            table,
            t(
                &["a", "b"],
                &[
                    &["15", "2.5", "13800138000", "TRUE"],
                    &["2022-06-09", "2022-06-09 10:00:00"]
                ]
            )
        );
    }

    /// Numeric cells read as text that parses back to the very same number (what the PT
    /// statistics of `renke pt` rely on).
    #[test]
    fn xlsx_numbers_parse_back_exactly() {
        let values = [
            0.1 + 0.2,
            1e-7,
            123_456.789,
            -0.000_123_4,
            2.0_f64.sqrt(),
            1e20,
            9_007_199_254_740_993.0,
            -42.0,
        ];
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "value").unwrap();
        for (i, v) in values.iter().enumerate() {
            sheet.write_number(i as u32 + 1, 0, *v).unwrap();
        }
        let bytes = book.save_to_buffer().unwrap();
        let table = read_table(&bytes, "x.xlsx").unwrap();
        let back: Vec<f64> = table.rows.iter().map(|r| r[0].parse().unwrap()).collect();
        assert_eq!(back, values);
    }

    #[test]
    fn xlsx_keeps_row_numbers_when_the_sheet_starts_lower() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        // Row 1 and column A are empty: the header row is still row 1.
        sheet.write_string(1, 1, "code").unwrap();
        sheet.write_string(2, 1, "GD").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let table = read_table(&bytes, "x.xlsx").unwrap();
        assert_eq!(table, t(&[], &[&["", "code"], &["", "GD"]]));
    }

    #[test]
    fn only_the_first_worksheet_is_read() {
        let mut book = Workbook::new();
        book.add_worksheet().write_string(0, 0, "first").unwrap();
        book.add_worksheet().write_string(0, 0, "second").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert_eq!(read_table(&bytes, "x.xlsx").unwrap().headers, ["first"]);
    }

    /// A minimal workbook whose one sheet declares `dimension` and holds `cells` (XML).
    fn hand_made_xlsx(dimension: &str, cells: &str) -> Vec<u8> {
        use std::io::Write;
        let parts = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>"#
                ),
            ),
        ];
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, body) in parts {
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    const FAR_CELLS: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;

    /// Cells at A1 and XFD1048576 in a file of about a kilobyte: refused by the declared
    /// dimension, and by the far cell itself when the dimension says less, naming the sheet
    /// and the limit — never read into a grid of 17 billion cells.
    #[test]
    fn a_sheet_reaching_past_the_limit_is_refused_before_it_is_read() {
        for dimension in ["A1:XFD1048576", "A1"] {
            let bytes = hand_made_xlsx(dimension, FAR_CELLS);
            assert!(bytes.len() < 2048, "{}", bytes.len());
            let err = read_table(&bytes, "orgs.xlsx").unwrap_err();
            assert!(
                matches!(
                    &err,
                    TableError::SheetTooLarge { sheet, rows: 1_048_576, cols: 16_384, max_rows: 200_000, max_cols: 100 }
                        if sheet == "名单"
                ),
                "{dimension}: {err:?}"
            );
            let msg = err.to_string();
            assert!(msg.contains("名单") && msg.contains("200000"), "{msg}");
        }
        // Within the limit the same hand-made file reads as any other.
        let near = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row><row r="3"><c r="CV3"><v>7</v></c></row>"#;
        let table = read_table(&hand_made_xlsx("A1:CV3", near), "orgs.xlsx").unwrap();
        assert_eq!(table.headers, ["code"]);
        assert_eq!(table.rows[1].len(), 100);
        assert_eq!(table.rows[1][99], "7");
        // A smaller limit (one column) refuses it.
        let one = SheetLimit { rows: 10, cols: 1 };
        let err = read_table_within(&hand_made_xlsx("A1", near), "x.xlsx", one).unwrap_err();
        assert!(
            matches!(
                err,
                TableError::SheetTooLarge {
                    rows: 3,
                    cols: 100,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn a_csv_past_the_limit_is_refused_naming_the_file() {
        let limit = SheetLimit { rows: 2, cols: 3 };
        assert!(read_table_within(b"a,b,c\n1,2,3\n", "r.csv", limit).is_ok());
        let err = read_table_within(b"a,b,c\n1,2,3\n4\n", "r.csv", limit).unwrap_err();
        assert!(
            matches!(&err, TableError::SheetTooLarge { sheet, rows: 3, cols: 3, .. } if sheet == "r.csv"),
            "{err:?}"
        );
        let err = read_table_within(b"a,b,c,d\n", "r.csv", limit).unwrap_err();
        assert!(
            matches!(err, TableError::SheetTooLarge { cols: 4, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn empty_table_writes_an_empty_sheet() {
        let bytes = write_xlsx(&Table::default()).unwrap();
        assert_eq!(read_table(&bytes, "x.xlsx").unwrap(), Table::default());
    }
}

#[cfg(test)]
mod import_tests {
    use super::*;
    use renke_domain::import::validate_orgs;

    #[test]
    fn a_csv_file_feeds_the_import_check_with_spreadsheet_row_numbers() {
        let text = "\u{feff}编码,上级编码,名称,类型,行政级别\r\nGD-SZ,GD,深圳市市场监督管理局,regulator,municipal\r\nGD,,广东省市场监督管理局,regulator,provincial\r\nGD-X,GD-XX,某机构,association,\r\n";
        let table = read_table(text.as_bytes(), "orgs.csv").unwrap();
        let errs = validate_orgs(&table, &|_| false).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].to_string(),
            "第4行 上级编码: 上级编码不存在 unknown parent (GD-XX)"
        );
    }
}
