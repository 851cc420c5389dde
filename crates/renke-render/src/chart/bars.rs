//! Charts of industry statistics (行业统计), as SVG text in the style of the other charts:
//! a value per group as horizontal bars ([`bars_svg`]: by sector, by district) and the
//! totals year by year as columns ([`trend_svg`]). Labels may be Chinese; values are
//! written at the end of each bar; a chart with nothing to draw says 无数据.

use super::{BAR, DENSITY, GRID, INK, label_num, line, no_data, num, open, text, text_width};
use std::fmt::Write;

/// Width of both charts, in SVG user units.
const W: f64 = 640.0;
/// Height of one bar's row.
const ROW: f64 = 22.0;
/// Height of the trend chart.
const TREND_H: f64 = 240.0;

/// A number as people read it: thousands separated, at most two decimals.
pub fn grouped(x: f64) -> String {
    let s = label_num(
        (x * 100.0).round() / 100.0,
        if x.fract() == 0.0 { 1.0 } else { 0.01 },
    );
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(a, b)| (a, Some(b)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// One horizontal bar per item, in the order given, scaled to the largest value, with the
/// value (and `unit`) after the bar. Negative and non-finite values draw no bar.
pub fn bars_svg(items: &[(String, f64)], unit: &str) -> String {
    let max = items
        .iter()
        .map(|(_, v)| *v)
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    if items.is_empty() || max <= 0.0 {
        return no_data(W, 120.0);
    }
    let label_w = items
        .iter()
        .map(|(l, _)| text_width(l, 11.0))
        .fold(0.0_f64, f64::max)
        .min(180.0)
        + 8.0;
    let value_w = 90.0;
    let (top, bottom) = (8.0, 8.0);
    let h = top + bottom + ROW * items.len() as f64;
    let plot_w = W - label_w - value_w;
    let mut s = open(W, h);
    line(&mut s, label_w, top, label_w, h - bottom, INK, 1.0, None);
    for (i, (label, v)) in items.iter().enumerate() {
        let y = top + ROW * i as f64;
        text(
            &mut s,
            label_w - 6.0,
            y + ROW / 2.0 + 4.0,
            11.0,
            "end",
            INK,
            label,
        );
        let v = if v.is_finite() { v.max(0.0) } else { 0.0 };
        let bw = plot_w * v / max;
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{BAR}\" stroke=\"{DENSITY}\" stroke-width=\"0.5\"/>",
            num(label_w),
            num(y + 4.0),
            num(bw),
            num(ROW - 8.0)
        );
        let value = format!("{} {}", grouped(v), unit);
        text(
            &mut s,
            label_w + bw + 4.0,
            y + ROW / 2.0 + 4.0,
            10.0,
            "start",
            INK,
            value.trim(),
        );
    }
    s.push_str("</svg>");
    s
}

/// One column per year (oldest first) with its value above it, scaled to the largest.
pub fn trend_svg(points: &[(String, f64)], unit: &str) -> String {
    let max = points
        .iter()
        .map(|(_, v)| *v)
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    if points.is_empty() || max <= 0.0 {
        return no_data(W, TREND_H);
    }
    let (left, right, top, bottom) = (12.0, 12.0, 24.0, 28.0);
    let ph = TREND_H - top - bottom;
    let slot = (W - left - right) / points.len() as f64;
    let bw = (slot * 0.6).min(80.0);
    let mut s = open(W, TREND_H);
    let base = top + ph;
    line(&mut s, left, base, W - right, base, INK, 1.0, None);
    for k in 1..=4 {
        let y = base - ph * f64::from(k) / 4.0;
        line(&mut s, left, y, W - right, y, GRID, 0.5, None);
    }
    for (i, (year, v)) in points.iter().enumerate() {
        let cx = left + slot * (i as f64 + 0.5);
        let v = if v.is_finite() { v.max(0.0) } else { 0.0 };
        let bh = ph * v / max;
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{BAR}\" stroke=\"{DENSITY}\" stroke-width=\"0.5\"/>",
            num(cx - bw / 2.0),
            num(base - bh),
            num(bw),
            num(bh)
        );
        let value = format!("{} {}", grouped(v), unit);
        text(
            &mut s,
            cx,
            base - bh - 6.0,
            10.0,
            "middle",
            INK,
            value.trim(),
        );
        text(&mut s, cx, base + 16.0, 11.0, "middle", INK, year);
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(grouped(1234567.0), "1,234,567");
        assert_eq!(grouped(1250.5), "1,250.5");
        assert_eq!(grouped(0.0), "0");
        assert_eq!(grouped(999.0), "999");
    }

    #[test]
    fn bars_are_scaled_and_labelled() {
        let svg = bars_svg(
            &[
                ("浦东新区".into(), 200.0),
                ("黄浦区".into(), 100.0),
                ("崇明区".into(), 0.0),
            ],
            "万元",
        );
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<rect").count(), 1 + 3);
        assert!(svg.contains(">浦东新区</text>"));
        assert!(svg.contains(">200 万元</text>"));
        // The largest bar fills the plot; the half-size one half of it.
        let widths: Vec<f64> = svg
            .split("<rect x=")
            .skip(1)
            .map(|r| {
                let w = r.split("width=\"").nth(1).unwrap();
                w[..w.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert!((widths[0] - 2.0 * widths[1]).abs() < 0.02, "{widths:?}");
        assert_eq!(widths[2], 0.0);
        assert!(bars_svg(&[], "").contains("无数据"));
    }

    #[test]
    fn trend_has_a_column_per_year() {
        let svg = trend_svg(
            &[
                ("2019".into(), 10.0),
                ("2020".into(), 12.5),
                ("2021".into(), 15.0),
            ],
            "家",
        );
        assert_eq!(svg.matches("<rect").count(), 1 + 3);
        assert!(svg.contains(">2021</text>"));
        assert!(svg.contains(">12.5 家</text>"));
        assert!(trend_svg(&[("2021".into(), f64::NAN)], "").contains("无数据"));
    }
}
