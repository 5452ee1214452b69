//! Drawing primitives over any plotters backend: sizes in design pixels scaled to the image,
//! text that is measured, shortened and wrapped, and the frame every chart shares (title,
//! subtitle, legend above the data, source footnote below it).
//!
//! The charts draw with these primitives on a plain `DrawingArea` instead of plotters'
//! `ChartBuilder`, because placing labels (never over data, never clipped, tiny values still
//! labelled) needs control over every coordinate.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ChartSpec;
use super::style::{Colours, FONT};
use crate::error::{Error, Result};

/// A rectangle in device pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Rect {
    pub fn w(&self) -> i32 {
        self.x1 - self.x0
    }
    pub fn h(&self) -> i32 {
        self.y1 - self.y0
    }
}

/// A linear map from values to pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Linear {
    pub v0: f64,
    pub v1: f64,
    pub p0: f64,
    pub p1: f64,
}

impl Linear {
    pub fn new(v0: f64, v1: f64, p0: i32, p1: i32) -> Linear {
        let v1 = if v1 == v0 { v0 + 1.0 } else { v1 };
        Linear {
            v0,
            v1,
            p0: f64::from(p0),
            p1: f64::from(p1),
        }
    }
    pub fn f(&self, v: f64) -> f64 {
        self.p0 + (v - self.v0) / (self.v1 - self.v0) * (self.p1 - self.p0)
    }
    pub fn px(&self, v: f64) -> i32 {
        self.f(v).round() as i32
    }
}

/// How a legend entry is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// A filled square swatch (bars, areas, tiles).
    Swatch,
    /// An outlined swatch (a reported total drawn as an outline).
    Outline,
    /// A line with a filled dot (series).
    LineDot,
    /// A line with a filled square.
    LineSquare,
    /// A line with a ring.
    LineRing,
    /// A hollow dot (an earlier year in a dumbbell).
    Ring,
    /// A filled dot.
    Dot,
    /// A dashed line (a reference line or a gap).
    Dashed,
    /// Text only (an explanation in the legend row).
    None,
}

/// One legend entry.
#[derive(Debug, Clone)]
pub(crate) struct Legend {
    pub label: String,
    pub colour: RGBColor,
    pub mark: Mark,
}

impl Legend {
    pub fn new(label: impl Into<String>, colour: RGBColor, mark: Mark) -> Legend {
        Legend {
            label: label.into(),
            colour,
            mark,
        }
    }
}

/// A drawing area with the chart's scale and colours.
pub(crate) struct Canvas<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
    /// Device pixels per design pixel: 1.0 on a 1920x1080 slide, more for bigger or scaled
    /// images, so every chart keeps its proportions at every size.
    pub u: f64,
    pub w: i32,
    pub h: i32,
    pub c: Colours,
}

fn draw_err<E: std::fmt::Display>(e: E) -> Error {
    Error::Chart(e.to_string())
}

/// Text weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Normal,
    Bold,
}

impl<'a, DB: DrawingBackend> Canvas<'a, DB> {
    pub fn new(area: &'a DrawingArea<DB, Shift>, spec: &ChartSpec) -> Result<Canvas<'a, DB>> {
        super::style::fonts()?;
        let (w, h) = area.dim_in_pixel();
        // Sizes are designed for 1920x1080; the geometric mean keeps a square or A4 page
        // proportionate, and the width bound keeps text inside narrow images.
        let u = ((f64::from(w) * f64::from(h)).sqrt() / 1440.0).min(f64::from(w) / 1100.0);
        Ok(Canvas {
            area,
            u: u.max(0.2),
            w: w as i32,
            h: h as i32,
            c: super::style::Colours::new(spec.theme, spec.palette),
        })
    }

    /// Design pixels to device pixels.
    pub fn px(&self, v: f64) -> i32 {
        (v * self.u).round() as i32
    }

    /// A font size in design pixels to device pixels (plotters' text size).
    pub fn fs(&self, v: f64) -> f64 {
        (v * self.u).round().max(6.0)
    }

    fn font(&self, size: f64, weight: Weight) -> FontDesc<'static> {
        let style = match weight {
            Weight::Normal => FontStyle::Normal,
            Weight::Bold => FontStyle::Bold,
        };
        FontDesc::new(FontFamily::Name(FONT), self.fs(size), style)
    }

    /// Width in device pixels of `text` at `size` design pixels.
    pub fn text_w(&self, text: &str, size: f64, weight: Weight) -> i32 {
        let font = self.font(size, weight);
        match font.box_size(text) {
            Ok((w, _)) => w as i32,
            // Without a usable font nothing is drawn anyway; an estimate keeps layout sane.
            Err(_) => (text.chars().count() as f64 * self.fs(size) * 0.55) as i32,
        }
    }

    /// Draw text with its anchor at `(x, y)`.
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &self,
        text: &str,
        (x, y): (i32, i32),
        size: f64,
        weight: Weight,
        colour: RGBColor,
        h: HPos,
        v: VPos,
    ) -> Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        let style = self.font(size, weight).color(&colour).pos(Pos::new(h, v));
        self.area
            .draw(&Text::new(text.to_string(), (x, y), style))
            .map_err(draw_err)
    }

    /// Draw text turned a quarter anticlockwise (reading upwards), centred on `(x, y)`.
    pub fn text_up(
        &self,
        text: &str,
        (x, y): (i32, i32),
        size: f64,
        colour: RGBColor,
    ) -> Result<()> {
        let style = self
            .font(size, Weight::Normal)
            .transform(FontTransform::Rotate270)
            .color(&colour)
            .pos(Pos::new(HPos::Center, VPos::Center));
        self.area
            .draw(&Text::new(text.to_string(), (x, y), style))
            .map_err(draw_err)
    }

    pub fn fill(&self, colour: RGBColor) -> Result<()> {
        self.area.fill(&colour).map_err(draw_err)
    }

    /// A filled rectangle; corners in any order.
    pub fn rect(&self, (x0, y0): (i32, i32), (x1, y1): (i32, i32), colour: RGBColor) -> Result<()> {
        let (a, b) = ((x0.min(x1), y0.min(y1)), (x0.max(x1), y0.max(y1)));
        self.area
            .draw(&Rectangle::new([a, b], colour.filled()))
            .map_err(draw_err)
    }

    /// An outlined rectangle with a border `width` device pixels wide, drawn inside.
    pub fn frame_rect(
        &self,
        (x0, y0): (i32, i32),
        (x1, y1): (i32, i32),
        colour: RGBColor,
        width: i32,
    ) -> Result<()> {
        let (ax, ay, bx, by) = (x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1));
        let w = width.max(1);
        self.rect((ax, ay), (bx, ay + w), colour)?;
        self.rect((ax, by - w), (bx, by), colour)?;
        self.rect((ax, ay), (ax + w, by), colour)?;
        self.rect((bx - w, ay), (bx, by), colour)
    }

    /// A polyline `width` device pixels wide.
    pub fn line(&self, points: &[(i32, i32)], colour: RGBColor, width: i32) -> Result<()> {
        if points.len() < 2 {
            return Ok(());
        }
        let style = ShapeStyle {
            color: colour.to_rgba(),
            filled: false,
            stroke_width: width.max(1) as u32,
        };
        self.area
            .draw(&PathElement::new(points.to_vec(), style))
            .map_err(draw_err)
    }

    /// A dashed straight line.
    pub fn dashed(
        &self,
        a: (i32, i32),
        b: (i32, i32),
        colour: RGBColor,
        width: i32,
        dash: i32,
    ) -> Result<()> {
        let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
        let len = (dx * dx + dy * dy).sqrt();
        if len < 1.0 {
            return Ok(());
        }
        let dash = f64::from(dash.max(2));
        let mut t = 0.0;
        while t < len {
            let e = (t + dash).min(len);
            let p = |s: f64| {
                (
                    a.0 + (dx * s / len).round() as i32,
                    a.1 + (dy * s / len).round() as i32,
                )
            };
            self.line(&[p(t), p(e)], colour, width)?;
            t += dash * 1.8;
        }
        Ok(())
    }

    /// A filled disc.
    pub fn dot(&self, (x, y): (i32, i32), r: i32, colour: RGBColor) -> Result<()> {
        self.area
            .draw(&Circle::new((x, y), r.max(1), colour.filled()))
            .map_err(draw_err)
    }

    /// A ring: a disc of `colour` with a hole of `inner` colour.
    pub fn ring(
        &self,
        (x, y): (i32, i32),
        r: i32,
        width: i32,
        colour: RGBColor,
        inner: RGBColor,
    ) -> Result<()> {
        self.dot((x, y), r, colour)?;
        self.dot((x, y), (r - width).max(1), inner)
    }

    /// A filled polygon.
    pub fn polygon(&self, points: Vec<(i32, i32)>, colour: RGBColor) -> Result<()> {
        self.area
            .draw(&Polygon::new(points, colour.filled()))
            .map_err(draw_err)
    }

    /// `text` shortened with an ellipsis to fit `max_w` device pixels.
    pub fn fit(&self, text: &str, size: f64, weight: Weight, max_w: i32) -> String {
        if self.text_w(text, size, weight) <= max_w {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        // Binary search on the number of characters kept.
        let (mut lo, mut hi) = (0usize, chars.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            let s: String = chars[..mid]
                .iter()
                .collect::<String>()
                .trim_end()
                .to_string()
                + "…";
            if self.text_w(&s, size, weight) <= max_w {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if lo == 0 {
            return String::new();
        }
        // At a word's end where the text has one to cut at ("…, other than jute, cotton or…",
        // not "…cotton or ma…"); a single word longer than the space is cut where it must be.
        let mid_word =
            lo < chars.len() && !chars[lo].is_whitespace() && !chars[lo - 1].is_whitespace();
        if mid_word && let Some(space) = chars[..lo].iter().rposition(|c| c.is_whitespace()) {
            lo = space;
        }
        chars[..lo]
            .iter()
            .collect::<String>()
            .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'))
            .to_string()
            + "…"
    }

    /// `text` wrapped at spaces into at most `max_lines` lines of `max_w` device pixels; the
    /// last line ends with an ellipsis when text is left over.
    pub fn wrap(
        &self,
        text: &str,
        size: f64,
        weight: Weight,
        max_w: i32,
        max_lines: usize,
    ) -> Vec<String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut lines = Vec::new();
        if max_lines == 0 {
            return lines;
        }
        let mut current = String::new();
        for (i, word) in words.iter().enumerate() {
            let candidate = if current.is_empty() {
                word.to_string()
            } else {
                format!("{current} {word}")
            };
            if current.is_empty() || self.text_w(&candidate, size, weight) <= max_w {
                current = candidate;
                continue;
            }
            if lines.len() + 1 == max_lines {
                // The last line takes the rest, shortened with an ellipsis.
                let rest = words[i..].join(" ");
                lines.push(self.fit(&format!("{current} {rest}"), size, weight, max_w));
                return lines;
            }
            // `fit` cuts a single word longer than a line.
            lines.push(self.fit(&current, size, weight, max_w));
            current = word.to_string();
        }
        if !current.is_empty() {
            lines.push(self.fit(&current, size, weight, max_w));
        }
        lines
    }

    /// A legend marker centred vertically on `y`, starting at `x`; returns its width.
    fn marker(&self, item: &Legend, x: i32, y: i32) -> Result<i32> {
        let s = self.px(26.0);
        let bg = self.c.background;
        match item.mark {
            Mark::Swatch => {
                self.rect((x, y - s / 2), (x + s, y + s / 2), item.colour)?;
                Ok(s)
            }
            Mark::Outline => {
                self.frame_rect(
                    (x, y - s / 2),
                    (x + s, y + s / 2),
                    item.colour,
                    self.px(4.0),
                )?;
                Ok(s)
            }
            Mark::LineDot | Mark::LineSquare | Mark::LineRing => {
                let w = self.px(44.0);
                self.line(&[(x, y), (x + w, y)], item.colour, self.px(5.0))?;
                let (cx, r) = (x + w / 2, self.px(9.0));
                match item.mark {
                    Mark::LineDot => self.dot((cx, y), r, item.colour)?,
                    Mark::LineSquare => self.rect((cx - r, y - r), (cx + r, y + r), item.colour)?,
                    _ => self.ring((cx, y), self.px(12.0), self.px(4.0), item.colour, bg)?,
                }
                Ok(w)
            }
            Mark::Ring => {
                let r = self.px(12.0);
                self.ring((x + r, y), r, self.px(4.0), item.colour, bg)?;
                Ok(2 * r)
            }
            Mark::Dot => {
                let r = self.px(12.0);
                self.dot((x + r, y), r, item.colour)?;
                Ok(2 * r)
            }
            Mark::Dashed => {
                let w = self.px(44.0);
                self.dashed((x, y), (x + w, y), item.colour, self.px(4.0), self.px(8.0))?;
                Ok(w)
            }
            Mark::None => Ok(-self.px(12.0)),
        }
    }

    /// Background, title, subtitle, legend and footnote; returns the rectangle left for the
    /// data. The legend sits in its own row above the data, so it never covers it.
    pub fn frame(&self, spec: &ChartSpec, legend: &[Legend]) -> Result<Rect> {
        self.fill(self.c.background)?;
        let pad_x = self.px(64.0);
        let width = self.w - 2 * pad_x;
        let mut y = self.px(48.0);
        let (title_size, sub_size, legend_size, foot_size) = (54.0, 32.0, 28.0, 21.0);
        for line in self.wrap(&spec.title, title_size, Weight::Bold, width, 2) {
            self.text(
                &line,
                (pad_x, y),
                title_size,
                Weight::Bold,
                self.c.text,
                HPos::Left,
                VPos::Top,
            )?;
            y += self.px(title_size * 1.22);
        }
        if !spec.subtitle.is_empty() {
            y += self.px(4.0);
            for line in self.wrap(&spec.subtitle, sub_size, Weight::Normal, width, 2) {
                self.text(
                    &line,
                    (pad_x, y),
                    sub_size,
                    Weight::Normal,
                    self.c.muted,
                    HPos::Left,
                    VPos::Top,
                )?;
                y += self.px(sub_size * 1.3);
            }
        }
        y += self.px(18.0);
        if !legend.is_empty() {
            let row_h = self.px(46.0);
            let gap = self.px(40.0);
            let mut x = pad_x;
            let cy = |y: i32| y + row_h / 2;
            for item in legend {
                let label = self.fit(
                    &item.label,
                    legend_size,
                    Weight::Normal,
                    width - self.px(60.0),
                );
                let need = self.px(60.0) + self.text_w(&label, legend_size, Weight::Normal);
                if x > pad_x && x + need > pad_x + width {
                    x = pad_x;
                    y += row_h;
                }
                let mw = self.marker(item, x, cy(y))?;
                let tx = x + mw + self.px(12.0);
                let colour = if item.mark == Mark::None {
                    self.c.muted
                } else {
                    self.c.text
                };
                self.text(
                    &label,
                    (tx, cy(y)),
                    legend_size,
                    Weight::Normal,
                    colour,
                    HPos::Left,
                    VPos::Center,
                )?;
                x = tx + self.text_w(&label, legend_size, Weight::Normal) + gap;
            }
            y += row_h + self.px(14.0);
        }
        // The footnote: the sources, wrapped to at most three lines, bottom left.
        let foot = self.wrap(&spec.footnote, foot_size, Weight::Normal, width, 3);
        let line_h = self.px(foot_size * 1.35);
        let mut fy = self.h - self.px(34.0) - line_h * foot.len() as i32;
        let bottom = fy - self.px(22.0);
        for line in &foot {
            self.text(
                line,
                (pad_x, fy),
                foot_size,
                Weight::Normal,
                self.c.muted,
                HPos::Left,
                VPos::Top,
            )?;
            fy += line_h;
        }
        Ok(Rect {
            x0: pad_x,
            y0: y,
            x1: self.w - pad_x,
            y1: bottom.max(y + self.px(40.0)),
        })
    }

    /// A horizontal value axis: grid lines across `plot` at each tick with labels left of it.
    pub fn y_grid(
        &self,
        plot: Rect,
        scale: &Linear,
        ticks: &[f64],
        labels: &[String],
    ) -> Result<()> {
        for (t, l) in ticks.iter().zip(labels) {
            let y = scale.px(*t);
            let colour = if *t == 0.0 { self.c.axis } else { self.c.grid };
            let w = if *t == 0.0 {
                self.px(2.5)
            } else {
                self.px(1.5)
            };
            self.rect(
                (plot.x0, y - w / 2),
                (plot.x1, y - w / 2 + w.max(1)),
                colour,
            )?;
            self.text(
                l,
                (plot.x0 - self.px(14.0), y),
                24.0,
                Weight::Normal,
                self.c.muted,
                HPos::Right,
                VPos::Center,
            )?;
        }
        Ok(())
    }

    /// A vertical value axis: grid lines down `plot` at each tick with labels below it.
    pub fn x_grid(
        &self,
        plot: Rect,
        scale: &Linear,
        ticks: &[f64],
        labels: &[String],
    ) -> Result<()> {
        for (t, l) in ticks.iter().zip(labels) {
            let x = scale.px(*t);
            let colour = if *t == 0.0 { self.c.axis } else { self.c.grid };
            let w = if *t == 0.0 {
                self.px(2.5)
            } else {
                self.px(1.5)
            };
            self.rect(
                (x - w / 2, plot.y0),
                (x - w / 2 + w.max(1), plot.y1),
                colour,
            )?;
            self.text(
                l,
                (x, plot.y1 + self.px(12.0)),
                24.0,
                Weight::Normal,
                self.c.muted,
                HPos::Center,
                VPos::Top,
            )?;
        }
        Ok(())
    }

    /// The widest of `labels` at `size`.
    pub fn widest(&self, labels: &[String], size: f64, weight: Weight) -> i32 {
        labels
            .iter()
            .map(|l| self.text_w(l, size, weight))
            .max()
            .unwrap_or(0)
    }

    /// A message in the middle of `plot` (e.g. "no data for 2018").
    pub fn note_centre(&self, plot: Rect, text: &str) -> Result<()> {
        self.text(
            text,
            (plot.x0 + plot.w() / 2, plot.y0 + plot.h() / 2),
            26.0,
            Weight::Normal,
            self.c.muted,
            HPos::Center,
            VPos::Center,
        )
    }
}

/// Move label centres apart so that labels of the given heights do not overlap, keeping them
/// inside `[lo, hi]` and as close as possible to where they want to be. Returns the new centres
/// in the input order.
pub(crate) fn spread(wanted: &[(f64, f64)], lo: f64, hi: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by(|a, b| wanted[*a].0.total_cmp(&wanted[*b].0).then(a.cmp(b)));
    let mut pos: Vec<f64> = order.iter().map(|&i| wanted[i].0).collect();
    let h: Vec<f64> = order.iter().map(|&i| wanted[i].1).collect();
    if pos.is_empty() {
        return pos;
    }
    // Down from the top, then back up from the bottom if the last label fell off.
    pos[0] = pos[0].max(lo + h[0] / 2.0);
    for i in 1..pos.len() {
        let min = pos[i - 1] + (h[i - 1] + h[i]) / 2.0;
        if pos[i] < min {
            pos[i] = min;
        }
    }
    let n = pos.len();
    if pos[n - 1] + h[n - 1] / 2.0 > hi {
        pos[n - 1] = hi - h[n - 1] / 2.0;
        for i in (0..n - 1).rev() {
            let max = pos[i + 1] - (h[i + 1] + h[i]) / 2.0;
            if pos[i] > max {
                pos[i] = max;
            }
        }
    }
    let mut out = vec![0.0; n];
    for (k, &i) in order.iter().enumerate() {
        out[i] = pos[k];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_separates_overlapping_labels_inside_bounds() {
        // Turnover $121.4M and imports $121.229M want nearly the same place.
        let out = spread(&[(100.0, 30.0), (101.0, 30.0), (400.0, 30.0)], 0.0, 500.0);
        assert!((out[1] - out[0]).abs() >= 30.0 - 1e-9);
        assert_eq!(out[2], 400.0);
        let out = spread(&[(495.0, 30.0), (498.0, 30.0)], 0.0, 500.0);
        assert!(out.iter().all(|c| *c + 15.0 <= 500.0 + 1e-9));
        assert!((out[1] - out[0]).abs() >= 30.0 - 1e-9);
    }

    #[test]
    fn linear_maps_both_ways_round() {
        let l = Linear::new(0.0, 100.0, 500, 100);
        assert_eq!(l.px(0.0), 500);
        assert_eq!(l.px(100.0), 100);
        assert_eq!(l.px(50.0), 300);
    }
}
