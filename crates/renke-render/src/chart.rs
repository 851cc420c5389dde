//! Charts for proficiency-testing documents, as SVG text: the distribution of the results
//! ([`distribution_svg`]), the participants' scores in rank order ([`ranked_scores_svg`])
//! and the scores on two paired samples against each other ([`youden_svg`]).
//!
//! Pure functions from values to a string: no I/O, no dependency, the same output for the
//! same input (coordinates are rounded to two decimals and written without trailing zeros,
//! so the text stays short and stable). The PDF templates embed the string with typst's
//! `image(bytes(…), format: "svg")`; labels are set in the bundled CJK fonts, so they may be
//! Chinese. Non-finite values (NaN, ±∞) are skipped; with nothing left to draw, a chart
//! says 无数据 (no data).

use std::fmt::Write;

pub mod bars;

/// The font stack of every label: the bundled CJK families first.
const FONT: &str = "'Noto Sans CJK SC', 'Noto Serif CJK SC', sans-serif";
/// Width and height of the distribution chart, in SVG user units (the PDF scales it).
const DIST_W: f64 = 640.0;
const DIST_H: f64 = 300.0;
/// Width and height of the plot area of the score chart (its height grows with labels).
const RANK_W: f64 = 640.0;
const RANK_PLOT_H: f64 = 240.0;
/// The most histogram bins ([`bin_count`]).
pub const MAX_BINS: usize = 30;
/// How far from the assigned value, in σpt, the distribution chart's axis reaches at most;
/// results further out are counted beside the axis instead of squeezing the others.
pub const DIST_REACH_SIGMA: f64 = 6.0;
/// The score chart's axis runs over ±[`SCORE_LIMIT`]; a bar beyond it stops at the limit
/// and ends in a triangle pointing outwards.
pub const SCORE_LIMIT: f64 = 4.0;

const INK: &str = "#222222";
const GRID: &str = "#d9d9d9";
const BAR: &str = "#9fb3c8";
const DENSITY: &str = "#1f4e79";
const WARN: &str = "#e08a00";
const ACTION: &str = "#c62828";
const MARK: &str = "#0b5d1e";

/// What [`distribution_svg`] draws: the results, their kernel density and the round's
/// assigned value and standard deviation for proficiency assessment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Distribution {
    /// The participants' results (non-finite ones are skipped).
    pub values: Vec<f64>,
    /// Kernel density points `(x, density)` computed by the caller (the density integrates
    /// to one; the chart scales it to the histogram's counts). May be empty.
    pub density: Vec<(f64, f64)>,
    /// The assigned value x_pt: a solid vertical line.
    pub assigned: f64,
    /// σpt: dashed vertical lines at x_pt ± 2σpt and x_pt ± 3σpt (none unless positive).
    pub sigma_pt: f64,
    /// This laboratory's result, drawn as a distinct labelled vertical line.
    pub marked: Option<f64>,
    /// The unit of the results (MΩ), shown with the axis title.
    pub unit: String,
    /// The axis title (绝缘电阻).
    pub x_label: String,
}

/// Sturges' rule, `⌈log₂ n⌉ + 1`, capped at [`MAX_BINS`]: the number of histogram bins for
/// `n` results (one for one result, none for none).
pub fn bin_count(n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let mut k = 1; // ⌈log₂ n⌉ + 1 without floating point
    while (1usize << (k - 1)) < n && k <= MAX_BINS {
        k += 1;
    }
    k.min(MAX_BINS)
}

/// A histogram of the results with the caller's kernel density scaled onto it (expected
/// count per bin = n × bin width × density), vertical lines at x_pt (solid) and x_pt ± 2σpt,
/// ± 3σpt (dashed), and the marked result as a labelled line.
///
/// Bins: [`bin_count`] (Sturges, capped at 30) equal bins between the smallest and the
/// largest result shown. The axis covers the results, x_pt ± 3σpt and the marked value, but
/// reaches no further than x_pt ± [`DIST_REACH_SIGMA`]σpt: results beyond that are left out
/// of the bins and counted in a note at the side they lie on (a marked value beyond it is
/// drawn at the edge with an arrow).
pub fn distribution_svg(d: &Distribution) -> String {
    let values: Vec<f64> = d.values.iter().copied().filter(|v| v.is_finite()).collect();
    if values.is_empty() {
        return no_data(DIST_W, DIST_H);
    }
    let has_sigma = d.assigned.is_finite() && d.sigma_pt.is_finite() && d.sigma_pt > 0.0;
    let has_assigned = d.assigned.is_finite();
    let marked = d.marked.filter(|m| m.is_finite());

    // The reach of the axis, if bounded.
    let (reach_lo, reach_hi) = if has_sigma {
        (
            d.assigned - DIST_REACH_SIGMA * d.sigma_pt,
            d.assigned + DIST_REACH_SIGMA * d.sigma_pt,
        )
    } else {
        (f64::NEG_INFINITY, f64::INFINITY)
    };
    let shown: Vec<f64> = values
        .iter()
        .copied()
        .filter(|v| *v >= reach_lo && *v <= reach_hi)
        .collect();
    let below = values.iter().filter(|v| **v < reach_lo).count();
    let above = values.iter().filter(|v| **v > reach_hi).count();

    // The data range and the axis range.
    let (mut lo, mut hi) = min_max(&shown).unwrap_or((d.assigned, d.assigned));
    let (vmin, vmax) = (lo, hi);
    if has_sigma {
        lo = lo.min(d.assigned - 3.0 * d.sigma_pt);
        hi = hi.max(d.assigned + 3.0 * d.sigma_pt);
    } else if has_assigned {
        lo = lo.min(d.assigned);
        hi = hi.max(d.assigned);
    }
    if let Some(m) = marked {
        lo = lo.min(m.max(reach_lo));
        hi = hi.max(m.min(reach_hi));
    }
    if hi <= lo {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo -= pad;
        hi += pad;
    }
    let pad = (hi - lo) * 0.04;
    let (lo, hi) = (lo - pad, hi + pad);

    // Bins over the shown results.
    let k = bin_count(shown.len()).max(1);
    let (b0, bw) = if vmax > vmin {
        (vmin, (vmax - vmin) / k as f64)
    } else {
        let w = (hi - lo) / 40.0;
        (vmin - w / 2.0, w)
    };
    let mut counts = vec![0usize; k];
    for v in &shown {
        let i = (((v - b0) / bw).floor() as isize).clamp(0, k as isize - 1) as usize;
        if let Some(c) = counts.get_mut(i) {
            *c += 1;
        }
    }
    let scale = values.len() as f64 * bw;
    let curve: Vec<(f64, f64)> = d
        .density
        .iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite() && *x >= lo && *x <= hi)
        .map(|(x, y)| (*x, y.max(0.0) * scale))
        .collect();
    let top_count = counts.iter().copied().max().unwrap_or(0) as f64;
    let top_curve = curve.iter().map(|p| p.1).fold(0.0, f64::max);
    let y_step = nice_step(top_count.max(top_curve).max(1.0), 5.0).max(1.0);
    let y_max = (top_count.max(top_curve).max(1.0) * 1.08 / y_step).ceil() * y_step;

    let (left, right, top, bottom) = (52.0, 16.0, 34.0, 48.0);
    let (pw, ph) = (DIST_W - left - right, DIST_H - top - bottom);
    let sx = |x: f64| left + (x - lo) / (hi - lo) * pw;
    let sy = |y: f64| top + ph - y / y_max * ph;

    let mut s = open(DIST_W, DIST_H);
    // Grid and y axis (counts).
    let mut y = 0.0;
    while y <= y_max + y_step * 1e-9 {
        let py = sy(y);
        line(&mut s, left, py, left + pw, py, GRID, 0.6, None);
        text(
            &mut s,
            left - 6.0,
            py + 3.5,
            10.0,
            "end",
            INK,
            &label_num(y, y_step),
        );
        y += y_step;
    }
    // Bars.
    s.push_str("<path fill=\"");
    s.push_str(BAR);
    s.push_str("\" stroke=\"#ffffff\" stroke-width=\"0.6\" d=\"");
    for (i, c) in counts.iter().enumerate() {
        if *c == 0 {
            continue;
        }
        let x0 = sx(b0 + bw * i as f64);
        let x1 = sx(b0 + bw * (i + 1) as f64);
        let (y0, y1) = (sy(*c as f64), sy(0.0));
        let _ = write!(
            s,
            "M{} {}h{}v{}h{}z",
            num(x0),
            num(y0),
            num(x1 - x0),
            num(y1 - y0),
            num(x0 - x1)
        );
    }
    s.push_str("\"/>");
    // Density.
    if curve.len() > 1 {
        s.push_str("<polyline fill=\"none\" stroke=\"");
        s.push_str(DENSITY);
        s.push_str("\" stroke-width=\"1.6\" points=\"");
        for (i, (x, y)) in curve.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            let _ = write!(s, "{},{}", num(sx(*x)), num(sy(*y)));
        }
        s.push_str("\"/>");
    }
    // Axes.
    line(&mut s, left, top + ph, left + pw, top + ph, INK, 1.0, None);
    line(&mut s, left, top, left, top + ph, INK, 1.0, None);
    let x_step = nice_step(hi - lo, 7.0);
    let mut t = (lo / x_step).ceil() * x_step;
    while t <= hi + x_step * 1e-9 {
        let px = sx(t);
        line(&mut s, px, top + ph, px, top + ph + 4.0, INK, 1.0, None);
        text(
            &mut s,
            px,
            top + ph + 15.0,
            10.0,
            "middle",
            INK,
            &label_num(t, x_step),
        );
        t += x_step;
    }
    let title = if d.unit.is_empty() {
        d.x_label.clone()
    } else {
        format!("{}（{}）", d.x_label, d.unit)
    };
    text(
        &mut s,
        left + pw / 2.0,
        DIST_H - 8.0,
        11.0,
        "middle",
        INK,
        &title,
    );
    text_rotated(&mut s, 14.0, top + ph / 2.0, 11.0, INK, "频数");
    // Reference lines.
    if has_sigma {
        for (k, colour) in [(3.0, ACTION), (2.0, WARN)] {
            for sign in [-1.0, 1.0] {
                let x = d.assigned + sign * k * d.sigma_pt;
                let px = sx(x);
                line(&mut s, px, top, px, top + ph, colour, 1.2, Some("5 3"));
                let name = format!("{}{}σ", if sign < 0.0 { "-" } else { "+" }, k);
                text_sub(&mut s, px, top - 4.0, 9.0, colour, &name, "pt");
            }
        }
    }
    if has_assigned && d.assigned >= lo && d.assigned <= hi {
        let px = sx(d.assigned);
        line(&mut s, px, top, px, top + ph, INK, 1.6, None);
        text_sub(&mut s, px, top - 16.0, 9.0, INK, "x", "pt");
    }
    // Results beyond the axis's reach.
    if below > 0 {
        text(
            &mut s,
            left + 4.0,
            top + 12.0,
            9.0,
            "start",
            ACTION,
            &format!("← 图外 {below} 个"),
        );
    }
    if above > 0 {
        text(
            &mut s,
            left + pw - 4.0,
            top + 12.0,
            9.0,
            "end",
            ACTION,
            &format!("图外 {above} 个 →"),
        );
    }
    // The marked result.
    if let Some(m) = marked {
        let clamped = m.clamp(lo, hi);
        let px = sx(clamped);
        let arrow = if m < lo {
            "← "
        } else if m > hi {
            " →"
        } else {
            ""
        };
        let _ = write!(
            s,
            "<g id=\"marked\"><line x1=\"{x}\" y1=\"{y0}\" x2=\"{x}\" y2=\"{y1}\" stroke=\"{MARK}\" stroke-width=\"2.4\"/>",
            x = num(px),
            y0 = num(top + 14.0),
            y1 = num(top + ph),
        );
        let value = label_num(m, 0.0);
        let caption = match arrow {
            "← " => format!("← 本实验室 {value}"),
            " →" => format!("本实验室 {value} →"),
            _ => format!("本实验室 {value}"),
        };
        let anchor = if px > left + pw * 0.75 {
            "end"
        } else {
            "start"
        };
        let dx = if anchor == "end" { -4.0 } else { 4.0 };
        text(&mut s, px + dx, top + 24.0, 10.0, anchor, MARK, &caption);
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

/// The scores in rank order, one bar per participant (sorted ascending; equal scores by
/// code), with horizontal lines at 0, ±2 (dashed, amber) and ±3 (dashed, red).
///
/// - Bars are coloured by class: |score| ≤ 2 grey-blue, 2 < |score| < 3 amber, |score| ≥ 3
///   red. The axis runs over ±[`SCORE_LIMIT`]; a bar beyond it stops there and ends in a
///   triangle pointing outwards.
/// - The `marked` participant's bar is drawn in green with its code and score above the
///   plot and a guide line down to the bar.
/// - Codes are written under the bars when they fit: level when the bar's slot is wide
///   enough, else turned upright when the slot is at least 6 units wide (about 90 bars),
///   else left out (rank numbers mark the axis instead). An empty code is never written:
///   a letter to one participant passes the others' codes as empty strings.
/// - Bars of one colour are one SVG path, so 10,000 participants make a few paths.
pub fn ranked_scores_svg(
    scores: &[(String, f64)],
    marked: Option<&str>,
    score_label: &str,
) -> String {
    let mut ranked: Vec<(&str, f64)> = scores
        .iter()
        .filter(|(_, z)| z.is_finite())
        .map(|(c, z)| (c.as_str(), *z))
        .collect();
    if ranked.is_empty() {
        return no_data(RANK_W, RANK_PLOT_H + 60.0);
    }
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    let n = ranked.len();
    let (left, right, top) = (44.0, 12.0, 30.0);
    let pw = RANK_W - left - right;
    let slot = pw / n as f64;

    // How codes are written.
    let widest = ranked
        .iter()
        .map(|(c, _)| text_width(c, 1.0))
        .fold(0.0, f64::max);
    let label_size = (slot * 0.8).clamp(4.0, 8.0);
    let labels = if widest == 0.0 {
        Labels::None
    } else if widest * 8.0 + 2.0 <= slot {
        Labels::Level
    } else if slot >= 6.0 {
        Labels::Upright
    } else {
        Labels::None
    };
    let label_room = match labels {
        Labels::Level => 14.0,
        Labels::Upright => widest * label_size + 8.0,
        Labels::None => 16.0,
    };
    let ph = RANK_PLOT_H;
    let height = top + ph + label_room + 22.0;
    let reach = SCORE_LIMIT + 0.5;
    let sy = |z: f64| top + ph / 2.0 - z / reach * (ph / 2.0);
    let zero = sy(0.0);

    let mut s = open(RANK_W, height);
    // Grid and y axis.
    for t in -(SCORE_LIMIT as i32)..=(SCORE_LIMIT as i32) {
        let py = sy(f64::from(t));
        line(&mut s, left, py, left + pw, py, GRID, 0.5, None);
        text(
            &mut s,
            left - 6.0,
            py + 3.5,
            10.0,
            "end",
            INK,
            &t.to_string(),
        );
    }
    text_rotated(&mut s, 14.0, top + ph / 2.0, 11.0, INK, score_label);

    // Bars, one path per colour; the marked bar on its own.
    let gap = if slot >= 4.0 { slot * 0.15 } else { 0.0 };
    let mut paths = [String::new(), String::new(), String::new()];
    let mut clips = String::new();
    let mut marked_bar: Option<(f64, f64, &str)> = None;
    let tri = (slot * 0.8).clamp(3.0, 8.0);
    for (i, (code, z)) in ranked.iter().enumerate() {
        let x = left + slot * i as f64 + gap / 2.0;
        let w = (slot - gap).max(0.05);
        let clipped = z.clamp(-SCORE_LIMIT, SCORE_LIMIT);
        let y = sy(clipped);
        let (y0, h) = if clipped >= 0.0 {
            (y, zero - y)
        } else {
            (zero, y - zero)
        };
        if z.abs() > SCORE_LIMIT {
            let (cx, tip) = (x + w / 2.0, if *z > 0.0 { -tri } else { tri });
            let base = if *z > 0.0 { y - 1.0 } else { y + 1.0 };
            let _ = write!(
                clips,
                "M{} {}l{} {}l{} {}z",
                num(cx - tri / 2.0),
                num(base),
                num(tri / 2.0),
                num(tip),
                num(tri / 2.0),
                num(-tip)
            );
        }
        if marked.is_some_and(|m| !m.is_empty() && m == *code) && marked_bar.is_none() {
            marked_bar = Some((x + w / 2.0, *z, code));
            let _ = write!(
                s,
                "<rect id=\"marked\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{MARK}\"/>",
                num(x - (slot * 0.1).min(1.0)),
                num(y0),
                num(w + (slot * 0.2).min(2.0)),
                num(h.max(0.8)),
            );
            continue;
        }
        let class = if z.abs() >= 3.0 {
            2
        } else if z.abs() > 2.0 {
            1
        } else {
            0
        };
        if let Some(p) = paths.get_mut(class) {
            let _ = write!(
                p,
                "M{} {}h{}v{}h{}z",
                num(x),
                num(y0),
                num(w),
                num(h.max(0.8)),
                num(-w)
            );
        }
    }
    for (d, colour) in paths.iter().zip([BAR, WARN, ACTION]) {
        if !d.is_empty() {
            let _ = write!(s, "<path fill=\"{colour}\" d=\"{d}\"/>");
        }
    }
    if !clips.is_empty() {
        let _ = write!(s, "<path fill=\"{ACTION}\" d=\"{clips}\"/>");
    }
    // Reference lines over the bars.
    line(&mut s, left, zero, left + pw, zero, INK, 1.0, None);
    for (k, colour) in [(2.0, WARN), (3.0, ACTION)] {
        for sign in [-1.0, 1.0] {
            let py = sy(sign * k);
            line(&mut s, left, py, left + pw, py, colour, 1.2, Some("5 3"));
        }
    }
    line(&mut s, left, top, left, top + ph, INK, 1.0, None);

    // Codes, or rank numbers.
    let base = top + ph + 4.0;
    match labels {
        Labels::Level => {
            for (i, (code, _)) in ranked.iter().enumerate() {
                if !code.is_empty() {
                    let cx = left + slot * (i as f64 + 0.5);
                    text(&mut s, cx, base + 8.0, 8.0, "middle", INK, code);
                }
            }
        }
        Labels::Upright => {
            for (i, (code, _)) in ranked.iter().enumerate() {
                if !code.is_empty() {
                    let cx = left + slot * (i as f64 + 0.5) + label_size * 0.35;
                    let _ = write!(
                        s,
                        "<text transform=\"translate({} {}) rotate(-90)\" font-size=\"{}\" text-anchor=\"end\" fill=\"{INK}\">{}</text>",
                        num(cx),
                        num(base),
                        num(label_size),
                        escape(code)
                    );
                }
            }
        }
        Labels::None => {
            let step = nice_step(n as f64, 8.0).max(1.0) as usize;
            let mut ranks = vec![1];
            ranks.extend((step..=n).step_by(step).filter(|r| *r > 1));
            for r in ranks {
                let cx = left + slot * (r as f64 - 0.5);
                line(&mut s, cx, top + ph, cx, top + ph + 3.0, INK, 0.8, None);
                text(&mut s, cx, base + 9.0, 8.0, "middle", INK, &r.to_string());
            }
        }
    }
    text(
        &mut s,
        left + pw / 2.0,
        height - 6.0,
        11.0,
        "middle",
        INK,
        &format!("参加者（按{score_label}值由小到大排列，共 {n} 个）"),
    );
    // The marked participant, labelled above the plot.
    if let Some((cx, z, code)) = marked_bar {
        line(
            &mut s,
            cx,
            top - 6.0,
            cx,
            sy(z.clamp(-SCORE_LIMIT, SCORE_LIMIT)),
            MARK,
            0.8,
            Some("2 2"),
        );
        let anchor = if cx < left + 80.0 {
            "start"
        } else if cx > left + pw - 80.0 {
            "end"
        } else {
            "middle"
        };
        let caption = format!("{code}：{score_label} = {}", label_num(z, 0.01));
        text(&mut s, cx, top - 10.0, 10.0, anchor, MARK, &caption);
    }
    s.push_str("</svg>");
    s
}

/// The side of the Youden plot's square plot area, in SVG units.
const YOUDEN_PLOT: f64 = 380.0;
/// The Youden plot writes every point's code when it has at most this many points.
pub const YOUDEN_ALL_LABELS: usize = 20;
/// With more points, it writes the codes of those outside the ±2 square when there are at
/// most this many of them (and none otherwise).
pub const YOUDEN_LABELS_MAX: usize = 60;

/// What [`youden_svg`] draws: each participant's score on one sample against its score on
/// the paired sample.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Youden {
    /// `(code, score on the first sample, score on the second)`. An empty code is never
    /// written (a lab's own view passes the others' codes empty); a point with a
    /// non-finite score is skipped.
    pub points: Vec<(String, f64, f64)>,
    /// This participant's code: its point is drawn in green and captioned.
    pub marked: Option<String>,
    /// The horizontal axis's title (镉 样品A（z）).
    pub x_label: String,
    /// The vertical axis's title.
    pub y_label: String,
}

/// A Youden plot (ISO 13528:2022 10.5): one point per participant at (score on sample A,
/// score on sample B) over a square of ±[`SCORE_LIMIT`], with dashed lines at ±2 (amber)
/// and ±3 (red) on both axes, the |score| ≤ 2 square shaded, and the 45° line: points far
/// out along it show a bias common to both samples, points far from it a difference
/// between them.
///
/// - A point is coloured by the larger of its two |scores| (≤ 2 blue, < 3 amber, else red);
///   a score beyond ±[`SCORE_LIMIT`] is drawn at the edge as a hollow point.
/// - Codes are written beside the points: every one up to [`YOUDEN_ALL_LABELS`] points,
///   else those outside the ±2 square when they are at most [`YOUDEN_LABELS_MAX`]; the
///   marked participant's point is green and captioned above the plot in any case.
/// - Points of one style are one SVG path, so a large round makes a few paths.
pub fn youden_svg(y: &Youden) -> String {
    let points: Vec<(&str, f64, f64)> = y
        .points
        .iter()
        .filter(|(_, a, b)| a.is_finite() && b.is_finite())
        .map(|(c, a, b)| (c.as_str(), *a, *b))
        .collect();
    let (left, right, top, bottom) = (52.0, 16.0, 30.0, 46.0);
    let side = YOUDEN_PLOT;
    let (w, h) = (left + side + right, top + side + bottom);
    if points.is_empty() {
        return no_data(w, h);
    }
    let n = points.len();
    let reach = SCORE_LIMIT + 0.5;
    let sx = |z: f64| left + (z + reach) / (2.0 * reach) * side;
    let sy = |z: f64| top + side - (z + reach) / (2.0 * reach) * side;

    let mut s = open(w, h);
    // The satisfactory square, grid, reference lines, the 45° line.
    let _ = write!(
        s,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#eef5ee\"/>",
        num(sx(-2.0)),
        num(sy(2.0)),
        num(sx(2.0) - sx(-2.0)),
        num(sy(-2.0) - sy(2.0))
    );
    for t in -(SCORE_LIMIT as i32)..=(SCORE_LIMIT as i32) {
        let z = f64::from(t);
        line(&mut s, sx(z), top, sx(z), top + side, GRID, 0.5, None);
        line(&mut s, left, sy(z), left + side, sy(z), GRID, 0.5, None);
        let label = t.to_string();
        text(&mut s, left - 6.0, sy(z) + 3.5, 10.0, "end", INK, &label);
        text(
            &mut s,
            sx(z),
            top + side + 15.0,
            10.0,
            "middle",
            INK,
            &label,
        );
    }
    line(&mut s, sx(0.0), top, sx(0.0), top + side, INK, 0.8, None);
    line(&mut s, left, sy(0.0), left + side, sy(0.0), INK, 0.8, None);
    for (k, colour) in [(2.0, WARN), (3.0, ACTION)] {
        for z in [-k, k] {
            line(
                &mut s,
                sx(z),
                top,
                sx(z),
                top + side,
                colour,
                1.2,
                Some("5 3"),
            );
            line(
                &mut s,
                left,
                sy(z),
                left + side,
                sy(z),
                colour,
                1.2,
                Some("5 3"),
            );
        }
    }
    let _ = write!(
        s,
        "<line id=\"diagonal\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{DENSITY}\" stroke-width=\"1\"/>",
        num(sx(-reach)),
        num(sy(-reach)),
        num(sx(reach)),
        num(sy(reach))
    );
    let _ = write!(
        s,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{INK}\"/>",
        num(left),
        num(top),
        num(side),
        num(side)
    );

    // Points: one path per colour, filled, and one per colour for the hollow ones.
    let r = if n > 500 { 2.0 } else { 3.5 };
    let mut filled = [String::new(), String::new(), String::new()];
    let mut hollow = [String::new(), String::new(), String::new()];
    let mut marked: Option<(f64, f64, f64, f64, &str)> = None;
    let outside = |a: f64, b: f64| a.abs() > 2.0 || b.abs() > 2.0;
    let all_labelled = n <= YOUDEN_ALL_LABELS;
    let outside_labelled =
        points.iter().filter(|(_, a, b)| outside(*a, *b)).count() <= YOUDEN_LABELS_MAX;
    let mut labels = String::new();
    for (code, a, b) in &points {
        let (px, py) = (
            sx(a.clamp(-SCORE_LIMIT, SCORE_LIMIT)),
            sy(b.clamp(-SCORE_LIMIT, SCORE_LIMIT)),
        );
        let worst = a.abs().max(b.abs());
        if y.marked
            .as_deref()
            .is_some_and(|m| !m.is_empty() && m == *code)
            && marked.is_none()
        {
            marked = Some((px, py, *a, *b, code));
            continue;
        }
        let class = if worst >= 3.0 {
            2
        } else if worst > 2.0 {
            1
        } else {
            0
        };
        let out = if worst > SCORE_LIMIT {
            &mut hollow
        } else {
            &mut filled
        };
        if let Some(d) = out.get_mut(class) {
            let _ = write!(
                d,
                "M{} {}a{r} {r} 0 1 0 {} 0a{r} {r} 0 1 0 {} 0z",
                num(px - r),
                num(py),
                num(2.0 * r),
                num(-2.0 * r)
            );
        }
        if !code.is_empty() && (all_labelled || outside_labelled && outside(*a, *b)) {
            let _ = write!(
                labels,
                "<text x=\"{}\" y=\"{}\" font-size=\"8\" fill=\"{INK}\">{}</text>",
                num(px + r + 1.5),
                num(py - r),
                escape(code)
            );
        }
    }
    let colours = [DENSITY, WARN, ACTION];
    for (d, colour) in filled.iter().zip(colours) {
        if !d.is_empty() {
            let _ = write!(
                s,
                "<path fill=\"{colour}\" fill-opacity=\"0.85\" d=\"{d}\"/>"
            );
        }
    }
    for (d, colour) in hollow.iter().zip(colours) {
        if !d.is_empty() {
            let _ = write!(
                s,
                "<path fill=\"#ffffff\" stroke=\"{colour}\" stroke-width=\"1.2\" d=\"{d}\"/>"
            );
        }
    }
    s.push_str(&labels);
    if let Some((px, py, a, b, code)) = marked {
        let _ = write!(
            s,
            "<g id=\"marked\"><circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{MARK}\" stroke=\"#ffffff\"/>",
            num(px),
            num(py),
            num(r + 1.5)
        );
        line(
            &mut s,
            px,
            top - 6.0,
            px,
            py - r - 1.5,
            MARK,
            0.8,
            Some("2 2"),
        );
        let anchor = if px < left + 80.0 {
            "start"
        } else if px > left + side - 80.0 {
            "end"
        } else {
            "middle"
        };
        let caption = format!("{code}：({}, {})", label_num(a, 0.01), label_num(b, 0.01));
        text(&mut s, px, top - 10.0, 10.0, anchor, MARK, &caption);
        s.push_str("</g>");
    }

    // Axis titles and the count.
    text(
        &mut s,
        left + side / 2.0,
        h - 8.0,
        11.0,
        "middle",
        INK,
        &y.x_label,
    );
    text_rotated(&mut s, 14.0, top + side / 2.0, 11.0, INK, &y.y_label);
    text(
        &mut s,
        w - 4.0,
        h - 8.0,
        9.0,
        "end",
        INK,
        &format!("共 {n} 个"),
    );
    s.push_str("</svg>");
    s
}

/// Width and height of the history chart (a lab's scores across rounds), in SVG units.
const HIST_W: f64 = 480.0;
const HIST_H: f64 = 200.0;

/// A lab's scores of one measurand across rounds, in round order, as a small line chart:
/// the |score| ≤ 2 band shaded, dashed lines at ±2 (amber) and ±3 (red), a point per
/// round coloured by class and joined by a line, the round codes under the axis when they
/// fit. The axis runs over ±[`SCORE_LIMIT`]; a score beyond it is drawn at the limit as a
/// hollow point. Rounds without a numeric score (`None`, qualitative, non-finite) keep
/// their place on the axis and break the line; with none at all the chart says 无数据.
pub fn score_history_svg(points: &[(String, Option<f64>)], score_label: &str) -> String {
    let scored = points
        .iter()
        .filter(|(_, z)| z.is_some_and(f64::is_finite))
        .count();
    if scored == 0 {
        return no_data(HIST_W, HIST_H);
    }
    let n = points.len();
    let (left, right, top, bottom) = (36.0, 12.0, 10.0, 30.0);
    let pw = HIST_W - left - right;
    let ph = HIST_H - top - bottom;
    let reach = SCORE_LIMIT + 0.5;
    let sy = |z: f64| top + ph / 2.0 - z / reach * (ph / 2.0);
    let slot = pw / n as f64;
    let sx = |i: usize| left + slot * (i as f64 + 0.5);

    let mut s = open(HIST_W, HIST_H);
    // The satisfactory band, grid, reference lines.
    let _ = write!(
        s,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#eef5ee\"/>",
        num(left),
        num(sy(2.0)),
        num(pw),
        num(sy(-2.0) - sy(2.0))
    );
    for t in [-4, -2, 0, 2, 4] {
        let py = sy(f64::from(t));
        line(&mut s, left, py, left + pw, py, GRID, 0.5, None);
        text(
            &mut s,
            left - 5.0,
            py + 3.5,
            9.0,
            "end",
            INK,
            &t.to_string(),
        );
    }
    line(&mut s, left, sy(0.0), left + pw, sy(0.0), INK, 0.8, None);
    for (k, colour) in [(2.0, WARN), (3.0, ACTION)] {
        for sign in [-1.0, 1.0] {
            let py = sy(sign * k);
            line(&mut s, left, py, left + pw, py, colour, 1.0, Some("5 3"));
        }
    }
    line(&mut s, left, top, left, top + ph, INK, 1.0, None);
    text_rotated(&mut s, 12.0, top + ph / 2.0, 10.0, INK, score_label);

    // The line through consecutive scored rounds.
    let mut d = String::new();
    let mut pen_down = false;
    for (i, (_, z)) in points.iter().enumerate() {
        match z.filter(|z| z.is_finite()) {
            Some(z) => {
                let cmd = if pen_down { 'L' } else { 'M' };
                let y = sy(z.clamp(-SCORE_LIMIT, SCORE_LIMIT));
                let _ = write!(d, "{cmd}{} {}", num(sx(i)), num(y));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    let _ = write!(
        s,
        "<path d=\"{d}\" fill=\"none\" stroke=\"{DENSITY}\" stroke-width=\"1.5\"/>"
    );
    // Points, and the codes under the axis when they fit.
    let widest = points
        .iter()
        .map(|(c, _)| text_width(c, 1.0))
        .fold(0.0, f64::max);
    let label_size = 8.0;
    let labelled = widest * label_size + 4.0 <= slot;
    for (i, (code, z)) in points.iter().enumerate() {
        let cx = sx(i);
        if let Some(z) = z.filter(|z| z.is_finite()) {
            let colour = if z.abs() >= 3.0 {
                ACTION
            } else if z.abs() > 2.0 {
                WARN
            } else {
                DENSITY
            };
            let y = sy(z.clamp(-SCORE_LIMIT, SCORE_LIMIT));
            let fill = if z.abs() > SCORE_LIMIT {
                "#ffffff"
            } else {
                colour
            };
            let _ = write!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{fill}\" stroke=\"{colour}\" stroke-width=\"1.2\"><title>{}：{} = {}</title></circle>",
                num(cx),
                num(y),
                escape(code),
                escape(score_label),
                label_num(z, 0.01)
            );
        }
        line(&mut s, cx, top + ph, cx, top + ph + 3.0, INK, 0.8, None);
        if labelled && !code.is_empty() {
            text(&mut s, cx, top + ph + 14.0, label_size, "middle", INK, code);
        }
    }
    if !labelled {
        text(
            &mut s,
            left + pw / 2.0,
            top + ph + 14.0,
            9.0,
            "middle",
            INK,
            &format!("共 {n} 轮"),
        );
    }
    s.push_str("</svg>");
    s
}

#[derive(Clone, Copy)]
enum Labels {
    Level,
    Upright,
    None,
}

fn open(w: f64, h: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT}\"><rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>",
        w = num(w),
        h = num(h),
    )
}

fn no_data(w: f64, h: f64) -> String {
    let mut s = open(w, h);
    let _ = write!(
        s,
        "<rect x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{GRID}\"/>",
        num(w - 1.0),
        num(h - 1.0)
    );
    text(
        &mut s,
        w / 2.0,
        h / 2.0 + 5.0,
        14.0,
        "middle",
        INK,
        "无数据",
    );
    s.push_str("</svg>");
    s
}

#[allow(clippy::too_many_arguments)]
fn line(
    s: &mut String,
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
    colour: &str,
    width: f64,
    dash: Option<&str>,
) {
    let _ = write!(
        s,
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"{}\"",
        num(x1),
        num(y1),
        num(x2),
        num(y2),
        num(width)
    );
    if let Some(d) = dash {
        let _ = write!(s, " stroke-dasharray=\"{d}\"");
    }
    s.push_str("/>");
}

fn text(s: &mut String, x: f64, y: f64, size: f64, anchor: &str, colour: &str, content: &str) {
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\" fill=\"{colour}\">{}</text>",
        num(x),
        num(y),
        num(size),
        escape(content)
    );
}

/// Centred text with a subscript: x with pt below.
fn text_sub(s: &mut String, x: f64, y: f64, size: f64, colour: &str, main: &str, sub: &str) {
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\" fill=\"{colour}\">{}<tspan baseline-shift=\"sub\" font-size=\"{}\">{}</tspan></text>",
        num(x),
        num(y),
        num(size),
        escape(main),
        num(size * 0.7),
        escape(sub)
    );
}

fn text_rotated(s: &mut String, x: f64, y: f64, size: f64, colour: &str, content: &str) {
    let _ = write!(
        s,
        "<text transform=\"translate({} {}) rotate(-90)\" font-size=\"{}\" text-anchor=\"middle\" fill=\"{colour}\">{}</text>",
        num(x),
        num(y),
        num(size),
        escape(content)
    );
}

/// Text content and attribute values with `&`, `<`, `>` and `"` escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate: at most two decimals, no trailing zeros, never `-0`.
fn num(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    trim(format!("{r:.2}"))
}

fn trim(s: String) -> String {
    let t = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s.as_str()
    };
    if t == "-0" || t.is_empty() {
        "0".to_owned()
    } else {
        t.to_owned()
    }
}

/// A number for a reader: as many decimals as `step` needs (a tick step), or, with a step
/// of zero, four significant digits; no trailing zeros.
fn label_num(x: f64, step: f64) -> String {
    let decimals = if step > 0.0 {
        (-step.log10().floor()).max(0.0) as usize
    } else if x == 0.0 {
        0
    } else {
        (3.0 - x.abs().log10().floor()).clamp(0.0, 6.0) as usize
    };
    let decimals = decimals.min(6);
    trim(format!("{x:.decimals$}"))
}

/// A step of 1, 2 or 5 × 10ⁿ that cuts `range` into about `target` parts.
fn nice_step(range: f64, target: f64) -> f64 {
    if range <= 0.0 || !range.is_finite() {
        return 1.0;
    }
    let raw = range / target;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let m = if norm < 1.5 {
        1.0
    } else if norm < 3.0 {
        2.0
    } else if norm < 7.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

fn min_max(v: &[f64]) -> Option<(f64, f64)> {
    let first = *v.first()?;
    Some(
        v.iter()
            .fold((first, first), |(lo, hi), x| (lo.min(*x), hi.max(*x))),
    )
}

/// The width of `s` in em: a CJK (or other wide) character is one em, others about half.
fn text_width(s: &str, em: f64) -> f64 {
    s.chars()
        .map(|c| if (c as u32) < 0x2E80 { 0.56 } else { 1.0 })
        .sum::<f64>()
        * em
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    /// Every element opened is closed, in order (a small XML check, enough for our output).
    fn assert_well_formed(svg: &str) {
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.ends_with("</svg>"), "{svg}");
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(i) = rest.find('<') {
            let after = &rest[i + 1..];
            let end = after.find('>').expect("a closed tag");
            let tag = &after[..end];
            assert!(!tag.contains('<'), "{tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "in {svg}");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap_or_default();
                stack.push(name.to_owned());
            }
            // Attribute values are quoted and balanced.
            assert_eq!(tag.matches('"').count() % 2, 0, "{tag}");
            rest = &after[end + 1..];
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    }

    fn sample() -> Distribution {
        let values: Vec<f64> = (0..40)
            .map(|i| 25.0 + f64::from(i % 9) * 0.3 - 1.2)
            .collect();
        let density = (0..50)
            .map(|i| {
                let x = 22.0 + f64::from(i) * 0.12;
                let z = (x - 25.0) / 0.9;
                (
                    x,
                    (-0.5 * z * z).exp() / (0.9 * (2.0 * std::f64::consts::PI).sqrt()),
                )
            })
            .collect();
        Distribution {
            values,
            density,
            assigned: 25.0,
            sigma_pt: 1.2,
            marked: Some(26.1),
            unit: "MΩ".into(),
            x_label: "绝缘电阻".into(),
        }
    }

    #[test]
    fn sturges_bins() {
        assert_eq!(bin_count(0), 0);
        assert_eq!(bin_count(1), 1);
        assert_eq!(bin_count(2), 2);
        assert_eq!(bin_count(8), 4);
        assert_eq!(bin_count(9), 5);
        assert_eq!(bin_count(100), 8);
        assert_eq!(bin_count(1 << 40), MAX_BINS);
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.35");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(label_num(25.0, 0.5), "25");
        assert_eq!(label_num(25.5, 0.5), "25.5");
        assert_eq!(label_num(1.23456, 0.0), "1.235");
        assert_eq!(label_num(-1.25, 0.01), "-1.25");
        assert_eq!(nice_step(10.0, 5.0), 2.0);
        assert_eq!(nice_step(0.7, 7.0), 0.1);
    }

    #[test]
    fn distribution_draws_the_histogram_lines_and_the_marked_value() {
        let svg = distribution_svg(&sample());
        assert_well_formed(&svg);
        assert!(svg.contains("id=\"marked\""));
        assert!(svg.contains("本实验室 26.1"));
        assert!(svg.contains("<polyline"), "density");
        assert_eq!(svg.matches("stroke-dasharray").count(), 4, "±2σ, ±3σ");
        assert!(svg.contains("+3σ<tspan") && svg.contains("-2σ<tspan"));
        assert!(svg.contains("绝缘电阻（MΩ）"));
        assert_eq!(svg, distribution_svg(&sample()), "deterministic");
        let unmarked = distribution_svg(&Distribution {
            marked: None,
            ..sample()
        });
        assert!(!unmarked.contains("id=\"marked\""));
    }

    #[test]
    fn distribution_skips_non_finite_values_and_says_when_empty() {
        let mut d = sample();
        d.values
            .extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
        d.density.push((f64::NAN, 1.0));
        d.marked = Some(f64::NAN);
        let svg = distribution_svg(&d);
        assert_well_formed(&svg);
        assert!(!svg.contains("id=\"marked\""));
        let mut clean = sample();
        clean.marked = None;
        assert_eq!(svg, distribution_svg(&clean));

        for values in [vec![], vec![f64::NAN, f64::INFINITY]] {
            let svg = distribution_svg(&Distribution { values, ..sample() });
            assert_well_formed(&svg);
            assert!(svg.contains("无数据"));
        }
    }

    #[test]
    fn distribution_counts_far_outliers_beside_the_axis() {
        let mut d = sample();
        d.values.push(250.0);
        d.marked = Some(250.0);
        let svg = distribution_svg(&d);
        assert_well_formed(&svg);
        assert!(svg.contains("图外 1 个 →"), "{svg}");
        assert!(svg.contains("本实验室 250 →"), "{svg}");
        // One value, no σ: still a chart.
        let svg = distribution_svg(&Distribution {
            values: vec![3.0],
            density: vec![],
            assigned: f64::NAN,
            sigma_pt: 0.0,
            marked: None,
            unit: String::new(),
            x_label: "x".into(),
        });
        assert_well_formed(&svg);
        assert!(!svg.contains("无数据"));
    }

    fn scores(n: usize) -> Vec<(String, f64)> {
        (0..n)
            .map(|i| {
                let z = ((i * 7919) % 1000) as f64 / 1000.0 * 8.0 - 4.0;
                (format!("GD{:04}", i), z * 1.2)
            })
            .collect()
    }

    #[test]
    fn ranked_scores_highlight_the_marked_bar() {
        let s = scores(30);
        let svg = ranked_scores_svg(&s, Some("GD0007"), "z");
        assert_well_formed(&svg);
        assert!(svg.contains("<rect id=\"marked\""));
        assert!(svg.contains("GD0007：z = "), "{svg}");
        // 30 bars: every code is written.
        for (code, _) in &s {
            assert!(svg.contains(&format!(">{code}<")), "{code}");
        }
        // Lines at 0, ±2, ±3.
        assert_eq!(svg.matches("stroke-dasharray=\"5 3\"").count(), 4);
        // Scores beyond ±4 end in a triangle.
        assert!(svg.contains(&format!("fill=\"{ACTION}\" d=\"M")));
        assert_eq!(svg, ranked_scores_svg(&s, Some("GD0007"), "z"));
        let unmarked = ranked_scores_svg(&s, None, "z");
        assert!(!unmarked.contains("id=\"marked\""));
        let unknown = ranked_scores_svg(&s, Some("XX"), "z");
        assert!(!unknown.contains("id=\"marked\""));
    }

    #[test]
    fn ranked_scores_are_sorted_and_skip_non_finite() {
        let s = vec![
            ("B".to_owned(), 1.5),
            ("A".to_owned(), -0.5),
            ("N".to_owned(), f64::NAN),
            ("I".to_owned(), f64::INFINITY),
            ("C".to_owned(), 3.4),
        ];
        let svg = ranked_scores_svg(&s, Some("C"), "z′");
        assert_well_formed(&svg);
        let (a, b) = (svg.find(">A<").unwrap(), svg.find(">B<").unwrap());
        assert!(a < b, "ascending");
        assert!(!svg.contains(">N<") && !svg.contains(">I<"));
        assert!(svg.contains("共 3 个"));
        assert!(svg.contains("C：z′ = 3.4"));
        let empty = ranked_scores_svg(&[("N".to_owned(), f64::NAN)], None, "z");
        assert_well_formed(&empty);
        assert!(empty.contains("无数据"));
        assert!(ranked_scores_svg(&[], None, "z").contains("无数据"));
    }

    #[test]
    fn codes_are_written_when_they_fit_and_empty_codes_never() {
        let many = scores(200);
        let svg = ranked_scores_svg(&many, Some("GD0100"), "z");
        assert_well_formed(&svg);
        assert!(!svg.contains(">GD0001<"), "no room for 200 codes");
        assert!(
            svg.contains("GD0100：z = "),
            "the marked one is still named"
        );
        let upright = ranked_scores_svg(&scores(60), None, "z");
        assert!(
            upright.matches("rotate(-90)").count() > 60,
            "60 codes and the axis title"
        );
        assert!(upright.contains(">GD0001<"));
        let anonymous: Vec<(String, f64)> = scores(60)
            .into_iter()
            .map(|(c, z)| (if c == "GD0003" { c } else { String::new() }, z))
            .collect();
        let svg = ranked_scores_svg(&anonymous, Some("GD0003"), "z");
        assert_well_formed(&svg);
        assert!(!svg.contains(">GD0001<"));
        assert!(svg.contains("GD0003"));
    }

    #[test]
    fn ten_thousand_bars_are_a_few_paths() {
        let many = scores(10_000);
        let start = std::time::Instant::now();
        let svg = ranked_scores_svg(&many, Some("GD5000"), "z");
        assert!(start.elapsed().as_secs_f64() < 2.0);
        assert_well_formed(&svg);
        assert!(svg.matches("<path").count() <= 4);
        assert!(svg.matches("<text").count() < 40, "no code labels");
        let values: Vec<f64> = many.iter().map(|(_, z)| 25.0 + z).collect();
        let svg = distribution_svg(&Distribution { values, ..sample() });
        assert_well_formed(&svg);
    }
    fn youden(points: Vec<(String, f64, f64)>, marked: Option<&str>) -> Youden {
        Youden {
            points,
            marked: marked.map(str::to_owned),
            x_label: "镉 样品A（z）".into(),
            y_label: "镉 样品B（z）".into(),
        }
    }

    #[test]
    fn youden_plots_each_pair_of_scores_with_its_code() {
        let points = vec![
            ("GD01-K7M2".to_owned(), 0.4, 0.7),
            ("GD02-ABCD".to_owned(), 2.5, 2.2),
            ("GD03-<&>".to_owned(), -3.4, 0.1),
            ("GD04-WXYZ".to_owned(), 6.0, -0.5),
            ("GD05-NAN".to_owned(), f64::NAN, 1.0),
        ];
        let svg = youden_svg(&youden(points.clone(), Some("GD01-K7M2")));
        assert_well_formed(&svg);
        // ±2 and ±3 on both axes, the shaded square and the 45° line.
        assert_eq!(svg.matches("stroke-dasharray=\"5 3\"").count(), 8);
        assert!(svg.contains("fill=\"#eef5ee\"") && svg.contains("id=\"diagonal\""));
        // Four points: three in paths by class (one hollow beyond the axis), the marked one
        // on its own with its caption; every code written, escaped; the NaN one skipped.
        assert_eq!(svg.matches("a3.5 3.5 0 1 0 7 0").count(), 3, "{svg}");
        assert!(svg.contains(&format!("fill=\"{WARN}\" fill-opacity")));
        assert!(svg.contains(&format!("fill=\"#ffffff\" stroke=\"{ACTION}\"")));
        assert!(svg.contains("<g id=\"marked\"><circle"));
        assert!(svg.contains("GD01-K7M2：(0.4, 0.7)"), "{svg}");
        for code in ["GD02-ABCD", "GD03-&lt;&amp;&gt;", "GD04-WXYZ"] {
            assert!(svg.contains(&format!(">{code}<")), "{code}");
        }
        assert!(!svg.contains("GD05-NAN") && svg.contains("共 4 个"));
        assert!(svg.contains(">镉 样品A（z）<") && svg.contains(">镉 样品B（z）<"));
        assert_eq!(svg, youden_svg(&youden(points, Some("GD01-K7M2"))));
    }

    #[test]
    fn youden_with_one_point_none_or_only_others_unnamed() {
        let one = youden_svg(&youden(vec![("GD01".to_owned(), 0.0, 0.0)], None));
        assert_well_formed(&one);
        assert!(one.contains(">GD01<") && one.contains("共 1 个"));
        assert!(!one.contains("id=\"marked\"") && !one.contains("无数据"));
        for empty in [vec![], vec![("X".to_owned(), f64::INFINITY, 0.0)]] {
            let svg = youden_svg(&youden(empty, None));
            assert_well_formed(&svg);
            assert!(svg.contains("无数据"));
        }
        // A lab's view: the others without codes, its own named.
        let mine: Vec<(String, f64, f64)> = (0..30)
            .map(|i| {
                let code = if i == 7 {
                    "GD08-OWN".to_owned()
                } else {
                    String::new()
                };
                (
                    code,
                    f64::from(i) / 10.0 - 1.5,
                    f64::from(i % 7) / 3.0 - 1.0,
                )
            })
            .collect();
        let svg = youden_svg(&youden(mine, Some("GD08-OWN")));
        assert_well_formed(&svg);
        assert_eq!(svg.matches("font-size=\"8\"").count(), 0, "no other code");
        assert!(svg.contains("GD08-OWN：("));
        // 48 points: only the codes of those outside the ±2 square.
        let mid: Vec<(String, f64, f64)> = (0..48)
            .map(|i| {
                (
                    format!("M{i:02}"),
                    if i == 5 { 2.6 } else { 0.1 },
                    f64::from(i % 5) / 4.0,
                )
            })
            .collect();
        let svg = youden_svg(&youden(mid, None));
        assert!(svg.contains(">M05<") && !svg.contains(">M04<"), "{svg}");
        // Many points: no codes, a few paths.
        let many: Vec<(String, f64, f64)> = (0..5000)
            .map(|i| {
                (
                    format!("C{i:05}"),
                    f64::from(i % 97) / 12.0 - 4.0,
                    f64::from(i % 89) / 11.0 - 4.0,
                )
            })
            .collect();
        let svg = youden_svg(&youden(many, None));
        assert_well_formed(&svg);
        assert!(!svg.contains(">C00001<") && svg.contains("共 5000 个"));
        assert!(svg.matches("<path").count() <= 6);
    }

    #[test]
    fn score_history_draws_bands_points_and_breaks() {
        let pts = vec![
            ("GDPT-2021-01".to_owned(), Some(0.4)),
            ("GDPT-2021-02".to_owned(), Some(2.5)),
            ("GDPT-2022-01".to_owned(), None),
            ("GDPT-2022-02".to_owned(), Some(-5.2)),
        ];
        let svg = score_history_svg(&pts, "z");
        assert_well_formed(&svg);
        // ±2 and ±3 dashed, and the band.
        assert_eq!(svg.matches("stroke-dasharray=\"5 3\"").count(), 4);
        assert!(svg.contains("fill=\"#eef5ee\""));
        // Three points; the one beyond the axis hollow; the gap breaks the line.
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("fill=\"#ffffff\" stroke=\"#c62828\""));
        assert!(svg.contains(&format!("fill=\"{WARN}\" stroke=\"{WARN}\"")));
        let d_at = svg.find("<path d=\"").unwrap();
        let d = &svg[d_at..svg[d_at..].find("\"/>").unwrap() + d_at];
        assert_eq!(
            (d.matches('M').count(), d.matches('L').count()),
            (2, 1),
            "{d}"
        );
        assert!(svg.contains(">GDPT-2021-01<") && svg.contains("GDPT-2021-02：z = 2.5"));
        assert_eq!(svg, score_history_svg(&pts, "z"), "stable output");
        // Nothing numeric: no data.
        let none = score_history_svg(&[("A".to_owned(), None)], "z");
        assert_well_formed(&none);
        assert!(none.contains("无数据"));
        assert!(score_history_svg(&[], "z").contains("无数据"));
        // Many rounds: no codes, a count.
        let many: Vec<(String, Option<f64>)> = (0..40)
            .map(|i| (format!("GDPT-20{i:02}-01"), Some(0.1)))
            .collect();
        let svg = score_history_svg(&many, "z′");
        assert_well_formed(&svg);
        assert!(!svg.contains(">GDPT-2000-01<") && svg.contains("共 40 轮"));
    }
}
