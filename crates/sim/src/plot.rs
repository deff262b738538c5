//! The origin-load plot: origin requests per second over time for each run, on a log scale,
//! written as a small hand-made SVG.

use std::fmt::Write as _;

use crate::metrics::Measures;

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 480.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;
const COLOURS: [&str; 4] = ["#c0392b", "#1f6fb2", "#2e8b57", "#8e44ad"];
/// Seconds folded into one plotted point (its maximum is drawn).
const POINT_SECONDS: usize = 10;

/// An SVG of origin requests/s for each run, with the origin's capacity (`capacity_rps` per
/// second of the first run's series) dashed.
pub fn origin_load_svg(title: &str, runs: &[&Measures], capacity_rps: &[f64]) -> String {
    let first = runs
        .iter()
        .flat_map(|m| m.rows.first())
        .map(|r| r.second)
        .min()
        .unwrap_or(0);
    let last = runs
        .iter()
        .map(|m| {
            m.rows
                .iter()
                .rposition(|r| r.origin_requests > 0.0)
                .map_or(first, |i| m.rows[i].second)
        })
        .max()
        .unwrap_or(first + 1)
        .max(first + 60);
    let peak = runs
        .iter()
        .map(|m| m.peak_origin_rps)
        .chain(capacity_rps.iter().copied())
        .fold(10.0, f64::max);
    let decades = peak.log10().ceil().max(1.0);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |second: i64| LEFT + (second - first) as f64 / (last - first) as f64 * plot_w;
    let y = |rps: f64| TOP + plot_h - (rps.max(1.0).log10() / decades).min(1.0) * plot_h;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="22" text-anchor="middle" font-size="15">{}</text>"#,
        WIDTH / 2.0,
        escape(title)
    );
    // Axes, decades and minute ticks.
    for decade in 0..=(decades as i32) {
        let value = 10f64.powi(decade);
        let py = y(value);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{py:.1}" x2="{:.1}" y2="{py:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            LEFT + plot_w,
            LEFT - 6.0,
            py + 4.0,
            si(value)
        );
    }
    let span_min = (last - first) as f64 / 60.0;
    let step_min = [5.0, 10.0, 15.0, 30.0, 60.0, 120.0]
        .into_iter()
        .find(|step| span_min / step <= 12.0)
        .unwrap_or(240.0);
    let mut minute = (first as f64 / 60.0 / step_min).ceil() * step_min;
    while minute * 60.0 <= last as f64 {
        let px = x((minute * 60.0) as i64);
        let _ = writeln!(
            svg,
            r##"<line x1="{px:.1}" y1="{TOP}" x2="{px:.1}" y2="{:.1}" stroke="#eee"/><text x="{px:.1}" y="{:.1}" text-anchor="middle">{:+}</text>"##,
            TOP + plot_h,
            TOP + plot_h + 16.0,
            minute as i64
        );
        minute += step_min;
    }
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#333"/>"##
    );
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">minutes from the opening</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 10.0
    );
    let _ = writeln!(
        svg,
        r#"<text transform="translate(16 {:.1}) rotate(-90)" text-anchor="middle">origin requests per second (log scale)</text>"#,
        TOP + plot_h / 2.0
    );
    // Capacity.
    if let Some(run) = runs.first() {
        let mut points = String::new();
        let mut previous: Option<f64> = None;
        for (row, capacity) in run.rows.iter().zip(capacity_rps) {
            if row.second > last {
                break;
            }
            if previous != Some(*capacity) {
                if let Some(before) = previous {
                    let _ = write!(points, "{:.1},{:.1} ", x(row.second), y(before));
                }
                let _ = write!(points, "{:.1},{:.1} ", x(row.second), y(*capacity));
                previous = Some(*capacity);
            }
        }
        if let Some(capacity) = previous {
            let _ = write!(points, "{:.1},{:.1} ", x(last), y(capacity));
        }
        let _ = writeln!(
            svg,
            r##"<polyline points="{points}" fill="none" stroke="#555" stroke-dasharray="6 4"/>"##
        );
    }
    // Series.
    for (index, run) in runs.iter().enumerate() {
        let colour = COLOURS[index % COLOURS.len()];
        let mut points = String::new();
        for chunk in run.rows.chunks(POINT_SECONDS) {
            if chunk[0].second > last {
                break;
            }
            let value = chunk.iter().map(|r| r.origin_requests).fold(0.0, f64::max);
            let _ = write!(points, "{:.1},{:.1} ", x(chunk[0].second), y(value));
        }
        let _ = writeln!(
            svg,
            r#"<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.5"/>"#
        );
    }
    // Legend.
    let mut legend_y = TOP + 16.0;
    for (index, run) in runs.iter().enumerate() {
        let colour = COLOURS[index % COLOURS.len()];
        let _ = writeln!(
            svg,
            r#"<line x1="{:.1}" y1="{legend_y:.1}" x2="{:.1}" y2="{legend_y:.1}" stroke="{colour}" stroke-width="3"/><text x="{:.1}" y="{:.1}">{} (peak {} /s, total {})</text>"#,
            WIDTH - RIGHT - 330.0,
            WIDTH - RIGHT - 305.0,
            WIDTH - RIGHT - 298.0,
            legend_y + 4.0,
            escape(&run.population),
            si(run.peak_origin_rps),
            si(run.origin_requests)
        );
        legend_y += 18.0;
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{:.1}" y1="{legend_y:.1}" x2="{:.1}" y2="{legend_y:.1}" stroke="#555" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}">origin capacity</text>"##,
        WIDTH - RIGHT - 330.0,
        WIDTH - RIGHT - 305.0,
        WIDTH - RIGHT - 298.0,
        legend_y + 4.0
    );
    svg.push_str("</svg>\n");
    svg
}

/// 1, 10, 100, 1k, 10k, 1.5M …
fn si(value: f64) -> String {
    let (scaled, suffix) = if value >= 1e9 {
        (value / 1e9, "G")
    } else if value >= 1e6 {
        (value / 1e6, "M")
    } else if value >= 1e3 {
        (value / 1e3, "k")
    } else {
        (value, "")
    };
    if scaled >= 100.0 || scaled.fract() < 0.05 {
        format!("{scaled:.0}{suffix}")
    } else {
        format!("{scaled:.1}{suffix}")
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
