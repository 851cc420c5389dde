//! Reading result tables (CSV or xlsx) for `renke pt`, with row-level validation. The file
//! is read by `renke_render::table::read_table`, the reader of `renke import` too.

use anyhow::{Context, bail};
use renke_render::table::{SheetLimit, read_table_within};
use std::path::Path;

/// A table: lower-cased header and the non-empty rows below it, each with its 1-based row
/// number in the file as a spreadsheet shows it.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The header is the first non-empty row (a sheet may start lower than row 1).
    fn from_sheet(sheet: renke_domain::import::Table) -> Table {
        let mut numbered = std::iter::once((1, sheet.headers)).chain(
            sheet
                .rows
                .into_iter()
                .enumerate()
                .map(|(i, r)| (renke_domain::import::Table::row_number(i), r)),
        );
        let header = numbered
            .by_ref()
            .map(|(_, r)| r)
            .find(|r| !is_blank(r))
            .unwrap_or_default()
            .iter()
            .map(|h| h.to_lowercase())
            .collect();
        let rows = numbered.filter(|(_, r)| !is_blank(r)).collect();
        Table { header, rows }
    }
}

fn is_blank(row: &[String]) -> bool {
    row.iter().all(String::is_empty)
}

/// How much of a sheet PT reads: a round's results (participants × a few columns of
/// results, uncertainties and homogeneity replicates) fit easily.
pub const PT_SHEET: SheetLimit = SheetLimit {
    rows: 20_000,
    cols: 50,
};

/// Reads a `.csv` (UTF-8) or `.xlsx` file (the first worksheet), refusing a sheet beyond
/// [`PT_SHEET`].
pub fn read_table(path: &Path) -> anyhow::Result<Table> {
    let bytes =
        std::fs::read(path).with_context(|| format!("无法打开 cannot open {}", path.display()))?;
    let sheet = read_table_within(&bytes, &path.to_string_lossy(), PT_SHEET)
        .with_context(|| format!("无法读取 cannot read {}", path.display()))?;
    Ok(Table::from_sheet(sheet))
}

/// Collects row problems; `finish` refuses the file when there are any.
#[derive(Default)]
pub struct Problems(Vec<String>);

impl Problems {
    pub fn add(&mut self, row: usize, msg: impl Into<String>) {
        self.0
            .push(format!("第 {row} 行 row {row}: {}", msg.into()));
    }
    pub fn finish(self, path: &Path) -> anyhow::Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        bail!(
            "{} 有 {} 处错误，文件未被接受 has {} problem(s), file refused:\n  {}",
            path.display(),
            self.0.len(),
            self.0.len(),
            self.0.join("\n  ")
        )
    }
}

fn cell(row: &[String], i: Option<usize>) -> &str {
    i.and_then(|i| row.get(i)).map_or("", |s| s.as_str())
}

/// Parses a finite number; records a problem otherwise.
pub fn number(p: &mut Problems, row: usize, name: &str, text: &str) -> Option<f64> {
    if text.is_empty() {
        p.add(row, format!("{name} 为空 is empty"));
        return None;
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        Ok(_) => {
            p.add(
                row,
                format!("{name} '{text}' 不是有限数 is not a finite number"),
            );
            None
        }
        Err(_) => {
            p.add(row, format!("{name} '{text}' 不是数字 is not a number"));
            None
        }
    }
}

fn require(table: &Table, path: &Path, cols: &[&str]) -> anyhow::Result<()> {
    let missing: Vec<&str> = cols
        .iter()
        .filter(|c| table.col(c).is_none())
        .copied()
        .collect();
    if !missing.is_empty() {
        bail!(
            "{}: 缺少列 missing column(s) {} (表头 header: {})",
            path.display(),
            missing.join(", "),
            table.header.join(",")
        );
    }
    Ok(())
}

/// `participant,value[,uncertainty,k]`.
pub fn read_results(path: &Path) -> anyhow::Result<Vec<renke_pt::evaluate::ParticipantResult>> {
    let t = read_table(path)?;
    require(&t, path, &["participant", "value"])?;
    let (cp, cv, cu, ck) = (
        t.col("participant"),
        t.col("value"),
        t.col("uncertainty"),
        t.col("k"),
    );
    let mut p = Problems::default();
    let mut out = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (row, cells) in &t.rows {
        let name = cell(cells, cp).to_string();
        if name.is_empty() {
            p.add(*row, "participant 为空 is empty");
        } else if let Some(first) = seen.insert(name.clone(), *row) {
            p.add(
                *row,
                format!("participant '{name}' 重复 repeats row {first}"),
            );
        }
        let value = number(&mut p, *row, "value", cell(cells, cv));
        let u_text = cell(cells, cu);
        let uncertainty = if u_text.is_empty() {
            None
        } else {
            match number(&mut p, *row, "uncertainty", u_text) {
                Some(u) if u < 0.0 => {
                    p.add(*row, format!("uncertainty {u} 为负 is negative"));
                    None
                }
                other => other,
            }
        };
        let k_text = cell(cells, ck);
        let k = if k_text.is_empty() {
            None
        } else {
            match number(&mut p, *row, "k", k_text) {
                Some(k) if k <= 0.0 => {
                    p.add(*row, format!("k {k} 必须为正 must be positive"));
                    None
                }
                other => other,
            }
        };
        if k.is_some() && uncertainty.is_none() && u_text.is_empty() {
            p.add(*row, "k 无 uncertainty given without an uncertainty");
        }
        if let Some(value) = value {
            out.push(renke_pt::evaluate::ParticipantResult {
                participant: name.into(),
                value,
                uncertainty,
                k,
            });
        }
    }
    if t.rows.is_empty() {
        bail!("{}: 没有数据行 no data rows", path.display());
    }
    p.finish(path)?;
    Ok(out)
}

/// `item,replicate,value`, balanced: items in order of first appearance, replicates sorted.
pub fn read_items(path: &Path) -> anyhow::Result<Vec<(String, Vec<f64>)>> {
    let t = read_table(path)?;
    require(&t, path, &["item", "replicate", "value"])?;
    let (ci, cr, cv) = (t.col("item"), t.col("replicate"), t.col("value"));
    let mut p = Problems::default();
    let mut items: Vec<(String, Vec<(String, f64)>)> = Vec::new();
    for (row, cells) in &t.rows {
        let item = cell(cells, ci).to_string();
        let rep = cell(cells, cr).to_string();
        if item.is_empty() {
            p.add(*row, "item 为空 is empty");
        }
        if rep.is_empty() {
            p.add(*row, "replicate 为空 is empty");
        }
        let v = number(&mut p, *row, "value", cell(cells, cv));
        if item.is_empty() || rep.is_empty() {
            continue;
        }
        let Some(v) = v else { continue };
        let entry = match items.iter_mut().position(|(n, _)| *n == item) {
            Some(i) => &mut items[i].1,
            None => {
                items.push((item.clone(), Vec::new()));
                let last = items.len() - 1;
                &mut items[last].1
            }
        };
        if entry.iter().any(|(r, _)| *r == rep) {
            p.add(
                *row,
                format!("item '{item}' replicate '{rep}' 重复 repeats"),
            );
            continue;
        }
        entry.push((rep, v));
    }
    if t.rows.is_empty() {
        bail!("{}: 没有数据行 no data rows", path.display());
    }
    p.finish(path)?;
    Ok(items
        .into_iter()
        .map(|(n, mut reps)| {
            reps.sort_by(|a, b| a.0.cmp(&b.0));
            (n, reps.into_iter().map(|(_, v)| v).collect())
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static N: AtomicUsize = AtomicUsize::new(0);

    fn temp(bytes: &[u8], ext: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("renke-pt-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(format!("{}.{ext}", N.fetch_add(1, Ordering::Relaxed)));
        std::fs::write(&p, bytes).unwrap();
        p
    }

    use std::path::PathBuf;

    /// An xlsx sheet (through renke-render's reader) whose header is not on row 1, with a
    /// blank row and a bad value: the header is found, row numbers are the sheet's.
    #[test]
    fn xlsx_header_below_row_one_and_sheet_row_numbers() {
        let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let sheet = renke_domain::import::Table {
            headers: row(&[]),
            rows: vec![
                row(&["", "Participant", "VALUE"]),
                row(&["", "L01", "1.5"]),
                row(&[]),
                row(&["", "L02", "x"]),
                row(&["", "L03", "2.25"]),
            ],
        };
        let bytes = renke_render::table::write_xlsx(&sheet).unwrap();
        let p = temp(&bytes, "xlsx");
        let e = read_results(&p).unwrap_err().to_string();
        assert!(e.contains("row 5: value 'x'"), "{e}");
        assert!(e.contains("1 处错误"), "{e}");
        let t = read_table(&p).unwrap();
        assert_eq!(t.header, ["", "participant", "value"]);
        let numbers: Vec<usize> = t.rows.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [3, 5, 6]);
        let _ = std::fs::remove_file(p);
    }

    #[test]
    fn other_file_types_are_refused_clearly() {
        let p = temp(b"participant,value\nL01,1\n", "txt");
        let e = format!("{:#}", read_results(&p).unwrap_err());
        assert!(e.contains(".xlsx") && e.contains(".csv"), "{e}");
        let _ = std::fs::remove_file(p);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Arbitrary bytes: the readers return Ok or an error, never panic.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let p = temp(&bytes, "csv");
            let _ = read_results(&p);
            let _ = read_items(&p);
            let x = temp(&bytes, "xlsx");
            let _ = read_results(&x);
            let _ = std::fs::remove_file(p);
            let _ = std::fs::remove_file(x);
        }

        /// CSV-shaped text with arbitrary cells.
        #[test]
        fn arbitrary_csv_cells_never_panic(rows in prop::collection::vec(
            prop::collection::vec("[ -~]{0,8}", 0..5), 0..12)) {
            let mut text = String::from("participant,value,uncertainty,k\n");
            for r in &rows { text.push_str(&r.join(",")); text.push('\n'); }
            let p = temp(text.as_bytes(), "csv");
            if let Ok(rs) = read_results(&p) {
                for r in rs { prop_assert!(r.value.is_finite()); }
            }
            let _ = std::fs::remove_file(p);
        }
    }
}
