//! Part-of-a-whole charts: a squarified treemap of the composition, and a donut for a few
//! categories.

use std::f64::consts::PI;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartSpec;
use super::canvas::{Canvas, Weight};
use super::data::ShareData;
use super::style::{mix, money, share};
use crate::error::Result;

/// The colour of group `i`: "Other (k groups)" is the remainder, not a category: neutral grey.
fn fill_of<DB: DrawingBackend>(cv: &Canvas<DB>, d: &ShareData, i: usize) -> RGBColor {
    if d.labels[i].starts_with("Other (") {
        mix(cv.c.muted, cv.c.background, 0.35)
    } else {
        cv.c.series(i)
    }
}

/// A rectangle in floating-point pixels: x, y, width, height.
pub(crate) type Tile = (f64, f64, f64, f64);

/// The worst aspect ratio of a row of areas laid along a side of length `side`.
fn worst(row: &[f64], side: f64) -> f64 {
    let s: f64 = row.iter().sum();
    let (mut hi, mut lo) = (f64::MIN, f64::MAX);
    for a in row {
        hi = hi.max(*a);
        lo = lo.min(*a);
    }
    let s2 = s * s;
    let w2 = side * side;
    (w2 * hi / s2).max(s2 / (w2 * lo))
}

/// Squarified treemap (Bruls, Huizing and van Wijk, 2000): tiles for `values` (sorted largest
/// first, all positive) filling `rect`, each as close to a square as the order allows.
pub(crate) fn squarify(values: &[f64], rect: Tile) -> Vec<Tile> {
    let total: f64 = values.iter().sum();
    let (mut x, mut y, mut w, mut h) = rect;
    let mut out = Vec::with_capacity(values.len());
    if total <= 0.0 || w <= 0.0 || h <= 0.0 {
        return vec![(x, y, 0.0, 0.0); values.len()];
    }
    let areas: Vec<f64> = values.iter().map(|v| v / total * w * h).collect();
    let mut i = 0;
    while i < areas.len() {
        let side = w.min(h);
        let mut j = i + 1;
        while j < areas.len() && worst(&areas[i..=j], side) <= worst(&areas[i..j], side) {
            j += 1;
        }
        let row = &areas[i..j];
        let s: f64 = row.iter().sum();
        if w >= h {
            // A column on the left, as wide as the row's area over the height.
            let cw = if h > 0.0 { s / h } else { 0.0 };
            let mut yy = y;
            for a in row {
                let th = if cw > 0.0 { a / cw } else { 0.0 };
                out.push((x, yy, cw, th));
                yy += th;
            }
            x += cw;
            w -= cw;
        } else {
            let rh = if w > 0.0 { s / w } else { 0.0 };
            let mut xx = x;
            for a in row {
                let tw = if rh > 0.0 { a / rh } else { 0.0 };
                out.push((xx, y, tw, rh));
                xx += tw;
            }
            y += rh;
            h -= rh;
        }
        i = j;
    }
    out
}

pub(crate) fn draw_treemap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &ShareData,
    spec: &ChartSpec,
) -> Result<()> {
    let cv = Canvas::new(area, spec)?;
    let c = cv.c.clone();
    let plot = cv.frame(spec, &[])?;
    if d.values.is_empty() {
        return cv.note_centre(plot, "no values to draw");
    }
    let tiles = squarify(
        &d.values,
        (
            f64::from(plot.x0),
            f64::from(plot.y0),
            f64::from(plot.w()),
            f64::from(plot.h()),
        ),
    );
    let gap = cv.px(3.0);
    let pad = cv.px(14.0);
    for (i, (x, y, w, h)) in tiles.iter().enumerate() {
        let (x0, y0) = (x.round() as i32 + gap, y.round() as i32 + gap);
        let (x1, y1) = ((x + w).round() as i32 - gap, (y + h).round() as i32 - gap);
        // A sliver still shows: at least a couple of pixels.
        let (x1, y1) = (x1.max(x0 + 2), y1.max(y0 + 2));
        let fill = fill_of(&cv, d, i);
        cv.rect((x0, y0), (x1, y1), fill)?;
        let ink = c.on(fill);
        let (tw, th) = (x1 - x0 - 2 * pad, y1 - y0 - 2 * pad);
        let value = format!(
            "{}  {}",
            money(d.values[i], &spec.currency),
            share(d.shares[i])
        );
        // The largest text that fits: name (wrapped) and value; else the share alone.
        let mut drawn = false;
        for size in [30.0, 24.0, 19.0, 15.0] {
            let lh = cv.px(size * 1.22);
            if tw < cv.px(size * 2.5) || th < lh * 2 {
                continue;
            }
            let max_lines = ((th / lh) - 1).clamp(1, 4) as usize;
            let name = cv.wrap(&d.labels[i], size, Weight::Bold, tw, max_lines);
            if cv.text_w(&value, size, Weight::Normal) > tw || name.is_empty() {
                continue;
            }
            let mut ty = y0 + pad;
            for l in &name {
                cv.text(
                    l,
                    (x0 + pad, ty),
                    size,
                    Weight::Bold,
                    ink,
                    HPos::Left,
                    VPos::Top,
                )?;
                ty += lh;
            }
            cv.text(
                &value,
                (x0 + pad, ty),
                size,
                Weight::Normal,
                ink,
                HPos::Left,
                VPos::Top,
            )?;
            drawn = true;
            break;
        }
        let (w, h) = (x1 - x0, y1 - y0);
        if !drawn && h > 3 * w && w >= cv.px(26.0) {
            // A tall sliver: its name and share read upwards.
            let size = if w >= cv.px(40.0) { 22.0 } else { 16.0 };
            let text = cv.fit(
                // The share first, so that shortening cuts the name rather than the number.
                &format!("{}  {}", share(d.shares[i]), d.labels[i]),
                size,
                Weight::Normal,
                h - 2 * pad,
            );
            if !text.is_empty() {
                cv.text_up(&text, ((x0 + x1) / 2, (y0 + y1) / 2), size, ink)?;
                drawn = true;
            }
        }
        if !drawn {
            let s = share(d.shares[i]);
            if cv.text_w(&s, 15.0, Weight::Bold) <= x1 - x0 - cv.px(6.0) && y1 - y0 >= cv.px(22.0) {
                cv.text(
                    &s,
                    ((x0 + x1) / 2, (y0 + y1) / 2),
                    15.0,
                    Weight::Bold,
                    ink,
                    HPos::Center,
                    VPos::Center,
                )?;
            }
        }
    }
    Ok(())
}

/// Points of an annular sector from angle `a0` to `a1` (radians, clockwise from the top).
fn sector(cx: f64, cy: f64, r_in: f64, r_out: f64, a0: f64, a1: f64) -> Vec<(i32, i32)> {
    let steps = (((a1 - a0) / (PI / 180.0)).ceil() as usize).max(2);
    let at = |r: f64, a: f64| {
        (
            (cx + r * a.sin()).round() as i32,
            (cy - r * a.cos()).round() as i32,
        )
    };
    let mut pts: Vec<(i32, i32)> = (0..=steps)
        .map(|k| at(r_out, a0 + (a1 - a0) * k as f64 / steps as f64))
        .collect();
    pts.extend(
        (0..=steps)
            .rev()
            .map(|k| at(r_in, a0 + (a1 - a0) * k as f64 / steps as f64)),
    );
    pts
}

pub(crate) fn draw_donut<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &ShareData,
    spec: &ChartSpec,
) -> Result<()> {
    let cv = Canvas::new(area, spec)?;
    let c = cv.c.clone();
    let plot = cv.frame(spec, &[])?;
    if d.values.is_empty() {
        return cv.note_centre(plot, "no values to draw");
    }
    let n = d.values.len();
    // The donut on the left, its legend (every label with value and share) on the right.
    let side = f64::from(plot.h().min(plot.w() / 2));
    let r_out = side / 2.0 - f64::from(cv.px(6.0));
    let r_in = r_out * 0.58;
    let (cx, cy) = (
        f64::from(plot.x0) + side / 2.0,
        f64::from(plot.y0) + f64::from(plot.h()) / 2.0,
    );
    let total: f64 = d.values.iter().sum();
    let mut a = 0.0;
    let min_sweep = 1.5f64.to_radians();
    let mut bounds = Vec::new();
    for i in 0..n {
        let sweep = (d.values[i] / total * 2.0 * PI).max(min_sweep);
        let a1 = (a + sweep).min(2.0 * PI);
        cv.polygon(sector(cx, cy, r_in, r_out, a, a1), fill_of(&cv, d, i))?;
        bounds.push((a, a1));
        a = a1;
    }
    // Thin separators in the background colour keep neighbouring segments apart.
    if n > 1 {
        for (a0, _) in &bounds {
            let p = |r: f64| {
                (
                    (cx + r * a0.sin()).round() as i32,
                    (cy - r * a0.cos()).round() as i32,
                )
            };
            cv.line(&[p(r_in - 2.0), p(r_out + 2.0)], c.background, cv.px(4.0))?;
        }
    }
    for (i, (a0, a1)) in bounds.iter().enumerate() {
        if a1 - a0 < 14f64.to_radians() {
            continue;
        }
        let mid = (a0 + a1) / 2.0;
        let r = (r_in + r_out) / 2.0;
        let p = (
            (cx + r * mid.sin()).round() as i32,
            (cy - r * mid.cos()).round() as i32,
        );
        let ink = c.on(fill_of(&cv, d, i));
        cv.text(
            &share(d.shares[i]),
            p,
            24.0,
            Weight::Bold,
            ink,
            HPos::Center,
            VPos::Center,
        )?;
    }
    let centre = (cx.round() as i32, cy.round() as i32);
    cv.text(
        &money(total, &spec.currency),
        (centre.0, centre.1 - cv.px(6.0)),
        44.0,
        Weight::Bold,
        c.text,
        HPos::Center,
        VPos::Bottom,
    )?;
    cv.text(
        &format!("total, {}", d.year),
        (centre.0, centre.1 + cv.px(6.0)),
        24.0,
        Weight::Normal,
        c.muted,
        HPos::Center,
        VPos::Top,
    )?;

    let lx = plot.x0 + side as i32 + cv.px(60.0);
    let lw = plot.x1 - lx;
    let row = (f64::from(plot.h()) / n as f64).min(f64::from(cv.px(96.0)));
    let size = if row >= f64::from(cv.px(70.0)) {
        26.0
    } else if row >= f64::from(cv.px(44.0)) {
        21.0
    } else {
        16.0
    };
    let top = plot.y0 + ((f64::from(plot.h()) - row * n as f64) / 2.0) as i32;
    for i in 0..n {
        let cy = top + (row * (i as f64 + 0.5)) as i32;
        let s = cv.px(size);
        cv.rect((lx, cy - s / 2), (lx + s, cy + s / 2), fill_of(&cv, d, i))?;
        let value = format!(
            "{}  {}",
            money(d.values[i], &spec.currency),
            share(d.shares[i])
        );
        let vw = cv.text_w(&value, size, Weight::Bold);
        let tx = lx + s + cv.px(16.0);
        let name = cv.fit(
            &d.labels[i],
            size,
            Weight::Normal,
            lw - (tx - lx) - vw - cv.px(24.0),
        );
        cv.text(
            &name,
            (tx, cy),
            size,
            Weight::Normal,
            c.text,
            HPos::Left,
            VPos::Center,
        )?;
        cv.text(
            &value,
            (plot.x1, cy),
            size,
            Weight::Bold,
            c.text,
            HPos::Right,
            VPos::Center,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squarify_fills_the_rectangle_with_proportional_tiles() {
        let values = [6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0];
        let tiles = squarify(&values, (0.0, 0.0, 600.0, 400.0));
        assert_eq!(tiles.len(), values.len());
        let total: f64 = values.iter().sum();
        for (v, t) in values.iter().zip(&tiles) {
            let area = t.2 * t.3;
            assert!((area - v / total * 240_000.0).abs() < 1e-6, "{t:?}");
            assert!(
                t.0 >= -1e-9
                    && t.1 >= -1e-9
                    && t.0 + t.2 <= 600.0 + 1e-6
                    && t.1 + t.3 <= 400.0 + 1e-6
            );
        }
        // Squarified: no tile is a thin sliver for these values.
        assert!(tiles.iter().all(|t| (t.2 / t.3).max(t.3 / t.2) < 4.0));
    }
}
