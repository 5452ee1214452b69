//! Charts of pairs: a dumbbell between two years (compare), and the two declarations of the
//! same flows with their gap (mirror).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartSpec;
use super::canvas::{Canvas, Legend, Linear, Mark, Rect, Weight};
use super::data::{CompareData, MirrorData};
use super::style::{axis_labels, change, mix, money, ticks};
use crate::error::Result;

/// Row labels wrapped to the name column, and the column's width.
fn name_column<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    labels: &[String],
    size: f64,
    max_w: i32,
    lines: usize,
) -> (Vec<Vec<String>>, i32) {
    let wrapped: Vec<Vec<String>> = labels
        .iter()
        .map(|l| cv.wrap(l, size, Weight::Normal, max_w, lines))
        .collect();
    let w = wrapped
        .iter()
        .flatten()
        .map(|l| cv.text_w(l, size, Weight::Normal))
        .max()
        .unwrap_or(0);
    (wrapped, w)
}

fn draw_name<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    lines: &[String],
    x: i32,
    cy: i32,
    size: f64,
    weight: Weight,
) -> Result<()> {
    let lh = cv.px(size * 1.2);
    let mut y = cy - lh * (lines.len() as i32 - 1) / 2;
    for l in lines {
        cv.text(
            l,
            (x, y),
            size,
            weight,
            cv.c.text,
            HPos::Right,
            VPos::Center,
        )?;
        y += lh;
    }
    Ok(())
}

pub(crate) fn draw_compare<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &CompareData,
    spec: &ChartSpec,
) -> Result<()> {
    let cv = Canvas::new(area, spec)?;
    let c = cv.c.clone();
    let legend = vec![
        Legend::new(d.year_a.to_string(), c.text, Mark::Ring),
        Legend::new(d.year_b.to_string(), c.text, Mark::Dot),
        Legend::new(
            format!("change {} to {} on the right", d.year_a, d.year_b),
            c.muted,
            Mark::None,
        ),
    ];
    let mut plot = cv.frame(spec, &legend)?;
    let n = d.rows.len();
    if n == 0 {
        return cv.note_centre(plot, "nothing to compare");
    }
    let vals = d.rows.iter().flat_map(|r| [r.a, r.b]).flatten();
    let hi = vals.clone().fold(0.0f64, f64::max);
    let lo = vals.fold(0.0f64, f64::min);
    let t = ticks(lo, hi, 5);
    let labels = axis_labels(&t, &spec.currency);
    plot.y1 -= cv.px(48.0);
    let row = (f64::from(plot.h()) / n as f64).min(f64::from(cv.px(150.0)));
    let size = if row >= f64::from(cv.px(100.0)) {
        28.0
    } else if row >= f64::from(cv.px(60.0)) {
        24.0
    } else {
        20.0
    };
    let names: Vec<String> = d.rows.iter().map(|r| r.label.clone()).collect();
    let (wrapped, name_w) = name_column(&cv, &names, size, (plot.w() as f64 * 0.26) as i32, 2);
    plot.x0 += name_w + cv.px(24.0);
    // The change column on the right.
    let changes: Vec<(String, bool)> = d
        .rows
        .iter()
        .map(|r| match (r.a, r.b) {
            (Some(a), Some(b)) if a != 0.0 => match crate::analysis::change_pct(a, b) {
                Some(c) => (change(c), true),
                None => (String::new(), false),
            },
            (Some(_), Some(_)) => ("from zero".to_string(), false),
            (Some(_), None) => (format!("{} not reported", d.year_b), false),
            (None, Some(_)) => (format!("{} not reported", d.year_a), false),
            (None, None) => (String::new(), false),
        })
        .collect();
    let change_w = changes
        .iter()
        .map(|(s, pct)| cv.text_w(s, if *pct { size + 2.0 } else { size - 4.0 }, Weight::Bold))
        .max()
        .unwrap_or(0);
    plot.x1 -= change_w + cv.px(30.0);
    let value_texts: Vec<[String; 2]> = d
        .rows
        .iter()
        .map(|r| [r.a, r.b].map(|v| v.map(|v| money(v, &spec.currency)).unwrap_or_default()))
        .collect();
    let value_w = value_texts
        .iter()
        .flatten()
        .map(|s| cv.text_w(s, size - 2.0, Weight::Bold))
        .max()
        .unwrap_or(0);
    let inner = Rect {
        x1: plot.x1 - value_w - cv.px(24.0),
        ..plot
    };
    let xs = Linear::new(t[0], *t.last().unwrap_or(&1.0), inner.x0, inner.x1);
    // Few rows sit in the middle of the plot rather than under the legend.
    let y_top = plot.y0 + ((f64::from(plot.h()) - row * n as f64) / 2.0) as i32;
    let grid = Rect {
        y0: y_top,
        y1: y_top + (row * n as f64) as i32,
        ..inner
    };
    cv.x_grid(grid, &xs, &t, &labels)?;
    for (i, r) in d.rows.iter().enumerate() {
        let cy = y_top + (row * (i as f64 + 0.5)) as i32;
        draw_name(
            &cv,
            &wrapped[i],
            plot.x0 - cv.px(24.0),
            cy,
            size,
            Weight::Normal,
        )?;
        let colour = match r.flow.as_str() {
            "exports" => c.exports,
            "imports" => c.imports,
            "turnover" => c.turnover,
            _ => c.series(0),
        };
        let (pa, pb) = (r.a.map(|v| xs.px(v)), r.b.map(|v| xs.px(v)));
        if let (Some(a), Some(b)) = (pa, pb) {
            cv.line(
                &[(a, cy), (b, cy)],
                mix(colour, c.background, 0.55),
                cv.px(10.0),
            )?;
        }
        let rad = cv.px(15.0);
        if let Some(a) = pa {
            cv.ring((a, cy), rad, cv.px(5.0), colour, c.background)?;
        }
        if let Some(b) = pb {
            cv.dot((b, cy), rad, colour)?;
        }
        // Value labels: the larger value to the right of its dot; the smaller to the left
        // when there is room, else under its dot.
        let [ta, tb] = &value_texts[i];
        let mut marks: Vec<(i32, &String)> = Vec::new();
        if let Some(a) = pa {
            marks.push((a, ta));
        }
        if let Some(b) = pb {
            marks.push((b, tb));
        }
        marks.sort_by_key(|m| m.0);
        let ls = size - 2.0;
        if let Some((x, text)) = marks.last() {
            cv.text(
                text,
                (x + rad + cv.px(12.0), cy),
                ls,
                Weight::Bold,
                c.text,
                HPos::Left,
                VPos::Center,
            )?;
        }
        if marks.len() == 2 {
            let (x, text) = marks[0];
            let w = cv.text_w(text, ls, Weight::Bold);
            if x - rad - cv.px(12.0) - w >= plot.x0 {
                cv.text(
                    text,
                    (x - rad - cv.px(12.0), cy),
                    ls,
                    Weight::Bold,
                    c.text,
                    HPos::Right,
                    VPos::Center,
                )?;
            } else {
                cv.text(
                    text,
                    (x, cy + rad + cv.px(6.0)),
                    ls,
                    Weight::Bold,
                    c.text,
                    HPos::Center,
                    VPos::Top,
                )?;
            }
        }
        let (text, pct) = &changes[i];
        let (cs, weight, ink) = if *pct {
            (size + 2.0, Weight::Bold, c.text)
        } else {
            (size - 4.0, Weight::Normal, c.muted)
        };
        cv.text(
            text,
            (plot.x1 + cv.px(30.0) + change_w, cy),
            cs,
            weight,
            ink,
            HPos::Right,
            VPos::Center,
        )?;
    }
    Ok(())
}

pub(crate) fn draw_mirror<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &MirrorData,
    spec: &ChartSpec,
) -> Result<()> {
    let cv = Canvas::new(area, spec)?;
    let c = cv.c.clone();
    let legend = vec![
        Legend::new("Declared by the exporter", c.exports, Mark::Swatch),
        Legend::new("Declared by the importer", c.imports, Mark::Swatch),
        Legend::new(
            format!("gap = importer - exporter × {:.2}", d.cif_fob),
            c.muted,
            Mark::None,
        ),
    ];
    let mut plot = cv.frame(spec, &legend)?;
    let n = d.rows.len();
    if n == 0 {
        return cv.note_centre(plot, "no flow declared by both sides");
    }
    let hi = d
        .rows
        .iter()
        .flat_map(|r| [r.exporter_value, r.importer_value])
        .flatten()
        .fold(0.0f64, f64::max);
    let t = ticks(0.0, hi, 5);
    let labels = axis_labels(&t, &spec.currency);
    plot.y1 -= cv.px(48.0);
    let row = (f64::from(plot.h()) / n as f64).min(f64::from(cv.px(150.0)));
    let size = if row >= f64::from(cv.px(80.0)) {
        24.0
    } else if row >= f64::from(cv.px(50.0)) {
        19.0
    } else {
        15.0
    };
    let names: Vec<String> = d.rows.iter().map(|r| r.label.clone()).collect();
    let (wrapped, name_w) = name_column(&cv, &names, size, (plot.w() as f64 * 0.24) as i32, 2);
    plot.x0 += name_w + cv.px(24.0);
    let gaps: Vec<String> = d
        .rows
        .iter()
        .map(|r| match (r.gap, r.gap_pct) {
            (Some(g), Some(p)) => format!(
                "gap {}{} ({})",
                if g > 0.0 { "+" } else { "" },
                money(g, &spec.currency),
                change(p)
            ),
            (Some(g), None) => format!(
                "gap {}{}",
                if g > 0.0 { "+" } else { "" },
                money(g, &spec.currency)
            ),
            _ if r.exporter_value.is_none() => "not declared by the exporter".into(),
            _ => "not declared by the importer".into(),
        })
        .collect();
    let gap_w = cv.widest(&gaps, size, Weight::Bold);
    plot.x1 -= gap_w + cv.px(30.0);
    let vals: Vec<[String; 2]> = d
        .rows
        .iter()
        .map(|r| {
            [r.exporter_value, r.importer_value]
                .map(|v| v.map(|v| money(v, &spec.currency)).unwrap_or_default())
        })
        .collect();
    let value_w = vals
        .iter()
        .flatten()
        .map(|s| cv.text_w(s, size - 2.0, Weight::Normal))
        .max()
        .unwrap_or(0);
    let inner = Rect {
        x1: plot.x1 - value_w - cv.px(16.0),
        ..plot
    };
    let xs = Linear::new(0.0, *t.last().unwrap_or(&1.0), inner.x0, inner.x1);
    let y_top = plot.y0 + ((f64::from(plot.h()) - row * n as f64) / 2.0) as i32;
    cv.x_grid(
        Rect {
            y0: y_top,
            y1: y_top + (row * n as f64) as i32,
            ..inner
        },
        &xs,
        &t,
        &labels,
    )?;
    let thick = ((row * 0.28) as i32).max(cv.px(3.0));
    for (i, r) in d.rows.iter().enumerate() {
        let cy = y_top + (row * (i as f64 + 0.5)) as i32;
        draw_name(
            &cv,
            &wrapped[i],
            plot.x0 - cv.px(24.0),
            cy,
            size,
            Weight::Normal,
        )?;
        let zero = xs.px(0.0);
        for (k, (v, colour)) in [(r.exporter_value, c.exports), (r.importer_value, c.imports)]
            .into_iter()
            .enumerate()
        {
            let (y0, y1) = if k == 0 {
                (cy - thick - cv.px(1.0), cy - cv.px(1.0))
            } else {
                (cy + cv.px(1.0), cy + thick + cv.px(1.0))
            };
            match v {
                Some(v) => {
                    let end = xs
                        .px(v)
                        .max(zero + if v > 0.0 { cv.px(5.0) } else { cv.px(2.0) });
                    cv.rect((zero, y0), (end, y1), colour)?;
                    cv.text(
                        &vals[i][k],
                        (end + cv.px(8.0), (y0 + y1) / 2),
                        size - 2.0,
                        Weight::Normal,
                        c.text,
                        HPos::Left,
                        VPos::Center,
                    )?;
                }
                None => {
                    cv.text(
                        "not declared",
                        (zero + cv.px(8.0), (y0 + y1) / 2),
                        size - 4.0,
                        Weight::Normal,
                        c.muted,
                        HPos::Left,
                        VPos::Center,
                    )?;
                }
            }
        }
        let ink = if r.gap.is_some() { c.text } else { c.muted };
        cv.text(
            &gaps[i],
            (plot.x1 + cv.px(30.0) + gap_w, cy),
            size,
            Weight::Bold,
            ink,
            HPos::Right,
            VPos::Center,
        )?;
    }
    Ok(())
}
