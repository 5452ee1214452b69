//! The trend chart: exports, imports and turnover over the years as lines (or exports and
//! imports as stacked areas), every point marked and, for short series, labelled.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartSpec;
use super::canvas::{Canvas, Legend, Linear, Mark, Weight, spread};
use super::data::TrendData;
use super::style::{axis_labels, money, ticks};
use crate::error::Result;

#[derive(Clone, Copy, PartialEq)]
enum Marker {
    Dot,
    Square,
    Ring,
}

struct Series {
    name: &'static str,
    values: Vec<Option<f64>>,
    /// The value the line is drawn at (the stack top for stacked areas).
    tops: Vec<Option<f64>>,
    colour: RGBColor,
    marker: Marker,
    flow: &'static str,
}

/// Label size for values on the chart.
const LABEL: f64 = 26.0;

pub(crate) fn draw_trend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &TrendData,
    stacked: bool,
    spec: &ChartSpec,
) -> Result<()> {
    let cv = Canvas::new(area, spec)?;
    let c = cv.c.clone();
    let n = d.years.len();
    let mut series = Vec::new();
    if stacked {
        // Stacked areas only where both directions are known: a year with one of them would
        // stack on a missing value.
        let both: Vec<bool> = (0..n)
            .map(|i| d.exports[i].is_some() && d.imports[i].is_some())
            .collect();
        let pick = |v: &Vec<Option<f64>>| {
            (0..n)
                .map(|i| if both[i] { v[i] } else { None })
                .collect::<Vec<_>>()
        };
        let ex = pick(&d.exports);
        let im = pick(&d.imports);
        let top: Vec<Option<f64>> = (0..n).map(|i| Some(ex[i]? + im[i]?)).collect();
        series.push(Series {
            name: "Exports",
            tops: ex.clone(),
            values: ex,
            colour: c.exports,
            marker: Marker::Dot,
            flow: "exports",
        });
        series.push(Series {
            name: "Imports",
            values: im,
            tops: top,
            colour: c.imports,
            marker: Marker::Square,
            flow: "imports",
        });
    } else {
        for (name, v, colour, marker, flow) in [
            ("Exports", &d.exports, c.exports, Marker::Dot, "exports"),
            ("Imports", &d.imports, c.imports, Marker::Square, "imports"),
            (
                "Turnover",
                &d.turnover,
                c.turnover,
                Marker::Ring,
                "turnover",
            ),
        ] {
            if v.iter().any(Option::is_some) {
                series.push(Series {
                    name,
                    values: v.clone(),
                    tops: v.clone(),
                    colour,
                    marker,
                    flow,
                });
            }
        }
    }
    series.retain(|s| s.values.iter().any(Option::is_some));

    // Legend: one entry per series, then what the marks mean.
    let mut legend: Vec<Legend> = series
        .iter()
        .map(|s| {
            let mark = match (stacked, s.marker) {
                (true, _) => Mark::Swatch,
                (false, Marker::Dot) => Mark::LineDot,
                (false, Marker::Square) => Mark::LineSquare,
                (false, Marker::Ring) => Mark::LineRing,
            };
            Legend::new(s.name, s.colour, mark)
        })
        .collect();
    let gap_years = series.iter().any(|s| {
        let pts: Vec<usize> = (0..n).filter(|&i| s.tops[i].is_some()).collect();
        pts.windows(2)
            .any(|w| d.years[w[1]] - d.years[w[0]] > 1 && w[1] == w[0] + 1)
    });
    if gap_years && !stacked {
        legend.push(Legend::new("years without data", c.muted, Mark::Dashed));
    }
    // Turnover is a ring anyway (and exports + imports by definition when derived): the hint
    // is for a derived direction.
    let any_derived = series.iter().any(|s| {
        s.flow != "turnover" && (0..n).any(|i| s.values[i].is_some() && d.is_derived(i, s.flow))
    });
    if any_derived {
        legend.push(Legend::new(
            "hollow mark: derived from the other figures",
            c.muted,
            Mark::None,
        ));
    }
    let mut plot = cv.frame(spec, &legend)?;
    if series.is_empty() {
        let msg = if stacked {
            "no year with both exports and imports to stack"
        } else {
            "no values to draw"
        };
        return cv.note_centre(plot, msg);
    }

    // Value axis from zero (trade values are not negative) to the highest point.
    let max = series
        .iter()
        .flat_map(|s| s.tops.iter().flatten())
        .fold(0.0f64, |m, v| m.max(*v));
    let t = ticks(0.0, max, 5);
    let labels = axis_labels(&t, &spec.currency);
    plot.x0 += cv.widest(&labels, 24.0, Weight::Normal) + cv.px(22.0);
    plot.y1 -= cv.px(48.0);
    plot.y0 += cv.px(16.0);

    // Which points get a value label: all of them for short series, else the last of each.
    let label_all = n <= 6;
    let text_of = |s: &Series, i: usize| s.values[i].map(|v| money(v, &spec.currency));
    let first_w = series
        .iter()
        .filter_map(|s| text_of(s, 0))
        .map(|l| cv.text_w(&l, LABEL, Weight::Bold))
        .max()
        .unwrap_or(0);
    let last_w = series
        .iter()
        .filter_map(|s| {
            let i = (0..n).rev().find(|&i| s.values[i].is_some())?;
            text_of(s, i)
        })
        .map(|l| cv.text_w(&l, LABEL, Weight::Bold))
        .max()
        .unwrap_or(0);
    let (y0, y1) = (t[0], *t.last().unwrap_or(&1.0));
    let ys = Linear::new(y0, y1, plot.y1, plot.y0);
    cv.y_grid(plot, &ys, &t, &labels)?;

    // Years along the bottom; a single year sits in the middle.
    let left = if label_all && n > 1 {
        first_w + cv.px(40.0)
    } else {
        cv.px(40.0)
    };
    let right = last_w + cv.px(40.0);
    let (first, last) = (d.years[0], d.years[n - 1]);
    let xs = if first == last {
        Linear::new(
            f64::from(first) - 1.0,
            f64::from(first) + 1.0,
            plot.x0,
            plot.x1,
        )
    } else {
        Linear::new(
            f64::from(first),
            f64::from(last),
            plot.x0 + left,
            plot.x1 - right,
        )
    };
    let span = (last - first).max(0);
    let step = if span <= 16 {
        1
    } else {
        ((span as f64 / 12.0).ceil() as i32).max(1)
    };
    let mut yr = first;
    while yr <= last {
        let has = d.years.contains(&yr);
        let colour = if has { c.text } else { c.muted };
        let weight = if has { Weight::Bold } else { Weight::Normal };
        cv.text(
            &yr.to_string(),
            (xs.px(f64::from(yr)), plot.y1 + cv.px(14.0)),
            26.0,
            weight,
            colour,
            HPos::Center,
            VPos::Top,
        )?;
        yr += step;
    }

    let pt = |i: usize, v: f64| (xs.px(f64::from(d.years[i])), ys.px(v));
    let line_w = cv.px(6.0);
    if stacked {
        // Areas: exports from zero, imports on top of exports, over runs of consecutive years
        // with both figures; a lone year is a narrow stacked column.
        let lower: Vec<Option<f64>> = series[0].tops.clone();
        for (k, s) in series.iter().enumerate() {
            let base = |i: usize| if k == 0 { Some(0.0) } else { lower[i] };
            let mut i = 0;
            while i < n {
                if s.tops[i].is_none() {
                    i += 1;
                    continue;
                }
                let mut j = i;
                while j + 1 < n && s.tops[j + 1].is_some() && d.years[j + 1] == d.years[j] + 1 {
                    j += 1;
                }
                if j == i {
                    let (x, half) = (xs.px(f64::from(d.years[i])), cv.px(22.0));
                    let top = ys.px(s.tops[i].unwrap_or(0.0));
                    let bottom = ys.px(base(i).unwrap_or(0.0));
                    cv.rect(
                        (x - half, top.min(bottom - cv.px(3.0))),
                        (x + half, bottom),
                        s.colour,
                    )?;
                } else {
                    let mut poly: Vec<(i32, i32)> = (i..=j)
                        .map(|k2| pt(k2, s.tops[k2].unwrap_or(0.0)))
                        .collect();
                    poly.extend((i..=j).rev().map(|k2| pt(k2, base(k2).unwrap_or(0.0))));
                    cv.polygon(poly, s.colour)?;
                }
                i = j + 1;
            }
        }
    } else {
        for s in &series {
            let idx: Vec<usize> = (0..n).filter(|&i| s.values[i].is_some()).collect();
            for w in idx.windows(2) {
                if w[1] != w[0] + 1 {
                    continue; // a year in between without this figure: no line across it
                }
                let (a, b) = (
                    pt(w[0], s.tops[w[0]].unwrap_or(0.0)),
                    pt(w[1], s.tops[w[1]].unwrap_or(0.0)),
                );
                if d.years[w[1]] - d.years[w[0]] > 1 {
                    cv.dashed(a, b, s.colour, cv.px(4.0), cv.px(12.0))?;
                } else {
                    cv.line(&[a, b], s.colour, line_w)?;
                }
            }
        }
        // Markers, turnover (a ring) first so that imports and exports stay visible inside it.
        for s in series.iter().rev() {
            for i in 0..n {
                let Some(v) = s.tops[i] else { continue };
                let p = pt(i, v);
                let hollow = d.is_derived(i, s.flow);
                let r = cv.px(11.0);
                match s.marker {
                    Marker::Ring => cv.ring(p, cv.px(17.0), cv.px(5.0), s.colour, c.background)?,
                    Marker::Dot if hollow => cv.ring(p, r, cv.px(4.0), s.colour, c.background)?,
                    Marker::Dot => cv.dot(p, r, s.colour)?,
                    Marker::Square => {
                        let r = cv.px(10.0);
                        cv.rect((p.0 - r, p.1 - r), (p.0 + r, p.1 + r), s.colour)?;
                        if hollow {
                            let k = r - cv.px(4.0);
                            cv.rect((p.0 - k, p.1 - k), (p.0 + k, p.1 + k), c.background)?;
                        }
                    }
                }
            }
        }
    }

    // Value labels, per year: left of the first year, right of the last, above in between,
    // moved apart vertically so that none overlaps another.
    let lh = f64::from(cv.px(LABEL * 1.25));
    for i in 0..n {
        let last_of = |s: &Series| (0..n).rev().find(|&k| s.values[k].is_some()) == Some(i);
        let mut wanted = Vec::new();
        let mut items = Vec::new();
        for s in &series {
            let (Some(text), Some(top)) = (text_of(s, i), s.tops[i]) else {
                continue;
            };
            if !label_all && !last_of(s) {
                continue;
            }
            // Stacked: the label sits at the middle of the band; lines: at the point.
            let at = if stacked {
                let low = if s.flow == "imports" {
                    series[0].tops[i].unwrap_or(0.0)
                } else {
                    0.0
                };
                (top + low) / 2.0
            } else {
                top
            };
            wanted.push((ys.f(at), lh));
            items.push((text, s.colour));
        }
        if items.is_empty() {
            continue;
        }
        let x = xs.px(f64::from(d.years[i]));
        let (hpos, dx, lift) = if n == 1 || i == n - 1 || !label_all {
            (HPos::Left, cv.px(30.0), 0.0)
        } else if i == 0 {
            (HPos::Right, -cv.px(30.0), 0.0)
        } else {
            (HPos::Center, 0, f64::from(cv.px(34.0)))
        };
        for w in &mut wanted {
            w.0 -= lift;
        }
        let placed = spread(&wanted, f64::from(plot.y0) - lh, f64::from(plot.y1));
        for ((text, colour), y) in items.iter().zip(placed) {
            cv.text(
                text,
                (x + dx, y.round() as i32),
                LABEL,
                Weight::Bold,
                *colour,
                hpos,
                VPos::Center,
            )?;
        }
    }
    Ok(())
}
