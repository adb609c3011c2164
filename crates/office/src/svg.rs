//! Server-side SVG charts (no JavaScript): horizontal bars, a line over time and a donut.
//!
//! Every text is escaped; the charts carry `width`/`height` attributes and a `viewBox` (plus
//! `max-width:100%`) so they print at a fixed size and shrink on a phone. No text is built in,
//! so the caller's translated title, labels and unit are all that appear.

use std::fmt::Write as _;

/// One labelled value.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The label (a category, a group, a month...).
    pub label: String,
    /// The value.
    pub value: f64,
}

const WIDTH: f64 = 640.0;
/// Bar charts are drawn for a phone first: at 360 units wide, a 390 px screen shows them at
/// nearly full size, so their 14-unit labels stay at 12 px or more (finding 19).
pub const BAR_WIDTH: f64 = 360.0;
/// The font size of bar chart labels and values.
pub const BAR_FONT: f64 = 14.0;
const FONT: &str = "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC',sans-serif";
const PALETTE: [&str; 10] =
    ["#c0392b", "#2e86c1", "#f39c12", "#27ae60", "#8e44ad", "#16a085", "#d35400", "#2c3e50", "#7f8c8d", "#e84393"];
const TITLE_H: f64 = 40.0;

/// Escapes text for SVG content and attributes, dropping characters XML cannot carry.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{FFFE}' | '\u{FFFF}' => {}
            c if c.is_control() && c != '\t' && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal.
fn px(v: f64) -> String {
    let v = if v.is_finite() { (v * 10.0).round() / 10.0 } else { 0.0 };
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// A value for display: no decimals on integers, at most two otherwise.
fn value_text(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Shortens a label to `max` characters (the full text stays in a tooltip).
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn open(out: &mut String, title: &str, height: f64) {
    open_sized(out, title, WIDTH, height, 13.0);
}

fn open_sized(out: &mut String, title: &str, width: f64, height: f64, font: f64) {
    let t = escape(title);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" class="chart" style="max-width:100%;height:auto" font-family="{FONT}" font-size="{f}"><title>{t}</title><rect width="{w}" height="{h}" fill="#fff"/><text x="{x}" y="26" text-anchor="middle" font-size="16" font-weight="bold" fill="#222">{t}</text>"##,
        w = px(width),
        h = px(height),
        x = px(width / 2.0),
        f = px(font),
    );
}

/// A step of 1, 2 or 5 times a power of ten giving about `count` intervals over `span`.
fn nice_step(span: f64, count: f64) -> f64 {
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / count;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let step = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    step * mag
}

/// The axis range: includes zero, rounded out to whole steps.
fn axis(values: impl Iterator<Item = f64>) -> (f64, f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi - lo <= 0.0 {
        hi = lo + 1.0;
    }
    let step = nice_step(hi - lo, 5.0);
    ((lo / step).floor() * step, (hi / step).ceil() * step, step)
}

/// Horizontal bars, one row per item, with the value and unit at the end of each bar.
pub fn bar_chart(title: &str, data: &[Series], unit: &str) -> String {
    const ROW: f64 = 30.0;
    const LABEL_W: f64 = 120.0;
    const VALUE_W: f64 = 84.0;
    let height = TITLE_H + ROW * data.len().max(1) as f64 + 20.0;
    let mut out = String::with_capacity(512 + data.len() * 400);
    open_sized(&mut out, title, BAR_WIDTH, height, BAR_FONT);
    let (lo, hi, _) = axis(data.iter().map(|s| s.value));
    let plot_w = BAR_WIDTH - LABEL_W - VALUE_W - 10.0;
    let scale = plot_w / (hi - lo);
    let zero_x = LABEL_W + (0.0 - lo) * scale;
    let unit = escape(unit);
    for (i, s) in data.iter().enumerate() {
        let y = TITLE_H + ROW * i as f64;
        let v = if s.value.is_finite() { s.value } else { 0.0 };
        let (x0, x1) = if v >= 0.0 { (zero_x, zero_x + v * scale) } else { (zero_x + v * scale, zero_x) };
        let color = PALETTE[i % PALETTE.len()];
        let _ = write!(
            out,
            r##"<g><title>{full}: {val}{unit}</title><text x="{lx}" y="{ty}" text-anchor="end" fill="#333">{label}</text><rect x="{x}" y="{by}" width="{bw}" height="{bh}" fill="{color}" rx="2"/><text x="{vx}" y="{ty}" fill="#333">{val}{unit}</text></g>"##,
            full = escape(&s.label),
            label = escape(&shorten(&s.label, 7)),
            lx = px(LABEL_W - 8.0),
            ty = px(y + ROW / 2.0 + 4.5),
            x = px(x0),
            by = px(y + 5.0),
            bw = px((x1 - x0).max(0.0)),
            bh = px(ROW - 10.0),
            vx = px(x1.max(zero_x) + 6.0),
            val = value_text(v),
        );
    }
    let _ = write!(
        out,
        r##"<line x1="{x}" y1="{y0}" x2="{x}" y2="{y1}" stroke="#888"/></svg>"##,
        x = px(zero_x),
        y0 = px(TITLE_H),
        y1 = px(height - 20.0),
    );
    out
}

/// A line over labelled points (months, for example), with a value axis and grid.
///
/// Only as many points as both `labels` and `values` have are drawn; a value that is not
/// finite leaves a gap in the line.
pub fn line_chart(title: &str, labels: &[String], values: &[f64], unit: &str) -> String {
    const HEIGHT: f64 = 320.0;
    const LEFT: f64 = 64.0;
    const RIGHT: f64 = 24.0;
    const BOTTOM: f64 = 48.0;
    let n = labels.len().min(values.len());
    let mut out = String::with_capacity(2048 + n * 200);
    open(&mut out, title, HEIGHT);
    let (lo, hi, step) = axis(values.iter().take(n).copied());
    let (top, bottom) = (TITLE_H + 10.0, HEIGHT - BOTTOM);
    let y_of = |v: f64| bottom - (v - lo) / (hi - lo) * (bottom - top);
    let plot_w = WIDTH - LEFT - RIGHT;
    let x_of = |i: usize| {
        if n <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let unit = escape(unit);
    // Grid and value axis.
    let ticks = ((hi - lo) / step).round().clamp(1.0, 20.0) as usize;
    for k in 0..=ticks {
        let v = lo + step * k as f64;
        let y = y_of(v);
        let _ = write!(
            out,
            r##"<line x1="{l}" y1="{y}" x2="{r}" y2="{y}" stroke="#e3e3e3"/><text x="{tx}" y="{ty}" text-anchor="end" fill="#666" font-size="11">{v}</text>"##,
            l = px(LEFT),
            r = px(WIDTH - RIGHT),
            y = px(y),
            tx = px(LEFT - 6.0),
            ty = px(y + 4.0),
            v = value_text(v),
        );
    }
    if !unit.is_empty() {
        let _ = write!(
            out,
            r##"<text x="{x}" y="{y}" fill="#666" font-size="11">{unit}</text>"##,
            x = px(4.0),
            y = px(top - 4.0),
        );
    }
    // Category labels, thinned out so they do not overlap.
    let every = (n / 12).max(1);
    for (i, label) in labels.iter().take(n).enumerate() {
        if i % every == 0 || i + 1 == n {
            let _ = write!(
                out,
                r##"<text x="{x}" y="{y}" text-anchor="middle" fill="#333" font-size="11">{t}</text>"##,
                x = px(x_of(i)),
                y = px(bottom + 18.0),
                t = escape(&shorten(label, 8)),
            );
        }
    }
    // The line, broken where a value is missing, and its points.
    let mut path = String::new();
    let mut pen_down = false;
    for (i, v) in values.iter().take(n).enumerate() {
        if v.is_finite() {
            let _ = write!(path, "{}{},{} ", if pen_down { "L" } else { "M" }, px(x_of(i)), px(y_of(*v)));
            pen_down = true;
        } else {
            pen_down = false;
        }
    }
    let _ = write!(out, r##"<path d="{}" fill="none" stroke="{}" stroke-width="2.5"/>"##, path.trim_end(), PALETTE[1]);
    for (i, v) in values.iter().take(n).enumerate().filter(|(_, v)| v.is_finite()) {
        let _ = write!(
            out,
            r##"<circle cx="{x}" cy="{y}" r="4" fill="{c}"><title>{l}: {v}{unit}</title></circle>"##,
            x = px(x_of(i)),
            y = px(y_of(*v)),
            c = PALETTE[1],
            l = escape(labels.get(i).map_or("", String::as_str)),
            v = value_text(*v),
        );
    }
    out.push_str("</svg>");
    out
}

/// A donut of shares with a legend giving each label and its percentage.
///
/// Negative and non-finite values count as zero; with nothing to show the ring is grey.
pub fn donut(title: &str, data: &[Series]) -> String {
    const R: f64 = 80.0;
    const STROKE: f64 = 34.0;
    const CX: f64 = 150.0;
    let height = (TITLE_H + 2.0 * (R + STROKE)).max(TITLE_H + 24.0 * data.len() as f64 + 20.0);
    let cy = TITLE_H + (height - TITLE_H) / 2.0;
    let mut out = String::with_capacity(1024 + data.len() * 400);
    open(&mut out, title, height);
    let value = |s: &Series| {
        if s.value.is_finite() && s.value > 0.0 {
            s.value
        } else {
            0.0
        }
    };
    let total: f64 = data.iter().map(value).sum();
    let circumference = 2.0 * std::f64::consts::PI * R;
    let _ = write!(
        out,
        r##"<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="#e3e3e3" stroke-width="{sw}"/>"##,
        cx = px(CX),
        cy = px(cy),
        r = px(R),
        sw = px(STROKE),
    );
    let mut offset = 0.0;
    for (i, s) in data.iter().enumerate() {
        let v = value(s);
        let share = if total > 0.0 { v / total } else { 0.0 };
        let color = PALETTE[i % PALETTE.len()];
        let pct = format!("{:.1}%", share * 100.0);
        if share > 0.0 {
            let len = share * circumference;
            // Start at 12 o'clock and go clockwise.
            let _ = write!(
                out,
                r##"<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{color}" stroke-width="{sw}" stroke-dasharray="{len} {rest}" stroke-dashoffset="{off}" transform="rotate(-90 {cx} {cy})"><title>{l}: {v} ({pct})</title></circle>"##,
                cx = px(CX),
                cy = px(cy),
                r = px(R),
                sw = px(STROKE),
                len = px(len),
                rest = px(circumference - len),
                off = px(-offset),
                l = escape(&s.label),
                v = value_text(v),
            );
            offset += len;
        }
        let ly = TITLE_H + 14.0 + 24.0 * i as f64;
        let _ = write!(
            out,
            r##"<rect x="{x}" y="{y}" width="14" height="14" fill="{color}" rx="2"/><text x="{tx}" y="{ty}" fill="#333">{l} {v}（{pct}）</text>"##,
            x = px(CX + R + STROKE + 30.0),
            y = px(ly),
            tx = px(CX + R + STROKE + 52.0),
            ty = px(ly + 12.0),
            l = escape(&shorten(&s.label, 12)),
            v = value_text(v),
        );
    }
    let _ = write!(
        out,
        r##"<text x="{cx}" y="{cy}" text-anchor="middle" font-size="18" font-weight="bold" fill="#222">{t}</text></svg>"##,
        cx = px(CX),
        cy = px(cy + 6.0),
        t = value_text(total),
    );
    out
}
