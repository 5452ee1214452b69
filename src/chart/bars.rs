//! Bar charts: exports and imports per year (flows), the balance as diverging bars, the top N
//! as horizontal bars, and the Pareto chart (sorted bars with the cumulative share).
//!
//! A value that is not zero always gets a bar at least a few pixels thick and a label, so
//! Kazakhstan's $171K of exports stays visible beside $121M of imports.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartSpec;
use super::canvas::{Canvas, Legend, Linear, Mark, Rect, Weight};
use super::data::{BalanceData, RankData, TrendData};
use super::style::{axis_labels, mix, money, percent_labels, share, ticks};
use crate::error::Result;

const LABEL: f64 = 26.0;

/// A vertical bar from `base` to `value` at `x` (centre) `half` pixels either side, at least
/// `min` pixels tall unless the value is exactly the base. Returns the bar's far end (pixel y).
fn vbar<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    ys: &Linear,
    x: i32,
    half: i32,
    value: f64,
    colour: RGBColor,
    hollow: bool,
) -> Result<i32> {
    let zero = ys.px(0.0);
    let mut end = ys.px(value);
    let min = cv.px(5.0);
    if value > 0.0 && zero - end < min {
        end = zero - min;
    } else if value < 0.0 && end - zero < min {
        end = zero + min;
    } else if value == 0.0 {
        // Zero is a real figure: a flat mark on the axis, labelled "$0".
        cv.rect(
            (x - half, zero - cv.px(2.0)),
            (x + half, zero + cv.px(2.0)),
            colour,
        )?;
        return Ok(zero);
    }
    if hollow {
        // Derived figures: a lighter fill inside the flow's colour.
        cv.rect((x - half, end), (x + half, zero), colour)?;
        let k = cv.px(4.0);
        let inner = mix(colour, cv.c.background, 0.6);
        if (zero - end).abs() > 2 * k {
            let (a, b) = (end.min(zero) + k, end.max(zero) - k);
            cv.rect((x - half + k, a), (x + half - k, b), inner)?;
        }
    } else {
        cv.rect((x - half, end), (x + half, zero), colour)?;
    }
    Ok(end)
}

/// The value axis range and labels for values, from zero.
fn value_axis(values: impl Iterator<Item = f64>, currency: &str) -> (Vec<f64>, Vec<String>) {
    padded_axis(values, currency, 0.0)
}

/// As [`value_axis`], with room beyond the extreme values for a label: `pad` is the label's
/// height as a fraction of the plot's height, so a label under the lowest bar never runs into
/// the axis labels.
fn padded_axis(
    values: impl Iterator<Item = f64>,
    currency: &str,
    pad: f64,
) -> (Vec<f64>, Vec<String>) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let room = (hi - lo) * pad;
    let lo = if lo < 0.0 { lo - room } else { lo };
    let hi = if hi > 0.0 { hi + room } else { hi };
    let t = ticks(lo, hi, 5);
    let l = axis_labels(&t, currency);
    (t, l)
}

// The loops index several parallel columns of one year or item.
#[allow(clippy::needless_range_loop)]
pub(crate) fn draw_flows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &TrendData,
    spec: &ChartSpec,
) -> Result<()> {
    let cv = Canvas::new(area, spec)?;
    let c = cv.c.clone();
    let n = d.years.len();
    let only_turnover: Vec<bool> = (0..n)
        .map(|i| d.exports[i].is_none() && d.imports[i].is_none() && d.turnover[i].is_some())
        .collect();
    // One legend entry per way a flow is drawn: reported (solid) or derived (lighter).
    let mut legend = Vec::new();
    for (name, values, flow, colour, how) in [
        (
            "Exports",
            &d.exports,
            "exports",
            c.exports,
            "Exports, derived (turnover - imports)",
        ),
        (
            "Imports",
            &d.imports,
            "imports",
            c.imports,
            "Imports, derived (turnover - exports)",
        ),
    ] {
        let has =
            |derived: bool| (0..n).any(|i| values[i].is_some() && d.is_derived(i, flow) == derived);
        // A flow with no bar has no legend entry: a one-sided file draws exports only.
        if has(false) {
            legend.push(Legend::new(name, colour, Mark::Swatch));
        }
        if has(true) {
            legend.push(Legend::new(
                how,
                mix(colour, c.background, 0.6),
                Mark::Swatch,
            ));
        }
    }
    if only_turnover.iter().any(|b| *b) {
        legend.push(Legend::new(
            "Turnover (no split reported)",
            c.turnover,
            Mark::Outline,
        ));
    }
    let mut plot = cv.frame(spec, &legend)?;
    if !d.has_values() {
        return cv.note_centre(plot, "no values to draw");
    }
    let vals = (0..n).flat_map(|i| {
        let t = if only_turnover[i] {
            d.turnover[i]
        } else {
            None
        };
        [d.exports[i], d.imports[i], t].into_iter().flatten()
    });
    let (t, labels) = value_axis(vals, &spec.currency);
    plot.x0 += cv.widest(&labels, 24.0, Weight::Normal) + cv.px(22.0);
    let has_balance_row = d.balance.iter().any(Option::is_some) || only_turnover.iter().any(|b| *b);
    // How the balance row fits under the years: "balance -$125.8M" under each year when it
    // fits, else the figures alone (smaller if need be) after a "Balance" row label, else on
    // two staggered lines; a figure is never cut short.
    let gw = f64::from(plot.w()) / n.max(1) as f64;
    let balances: Vec<Option<String>> = d
        .balance
        .iter()
        .map(|b| b.map(|b| money(b, &spec.currency)))
        .collect();
    let balance_size = if gw > f64::from(cv.px(300.0)) {
        24.0
    } else {
        19.0
    };
    let widest_at = |size: f64, words: bool| {
        balances
            .iter()
            .flatten()
            .map(|b| {
                let text = if words {
                    format!("balance {b}")
                } else {
                    b.clone()
                };
                cv.text_w(&text, size, Weight::Bold)
            })
            .max()
            .unwrap_or(0)
    };
    let room = |span: f64| (span as i32 - cv.px(8.0)).max(cv.px(40.0));
    // Readable sizes first: two staggered lines at 17 px read better than one at 13.
    let fits = |size: f64, span: f64| widest_at(size, false) <= room(span);
    let layout = if widest_at(balance_size, true) <= room(gw) {
        BalanceRow::Words(balance_size)
    } else if let Some(size) = [balance_size, 17.0].into_iter().find(|s| fits(*s, gw)) {
        BalanceRow::Figures(size)
    } else if let Some(size) = [balance_size, 17.0, 15.0]
        .into_iter()
        .find(|s| fits(*s, 2.0 * gw))
    {
        BalanceRow::Staggered(size)
    } else if fits(13.0, gw) {
        BalanceRow::Figures(13.0)
    } else {
        BalanceRow::Staggered(13.0)
    };
    let extra = if matches!(layout, BalanceRow::Staggered(_)) {
        28.0
    } else {
        0.0
    };
    plot.y1 -= cv.px(if has_balance_row { 96.0 + extra } else { 52.0 });
    plot.y0 += cv.px(40.0); // room for the labels above the tallest bar
    let ys = Linear::new(t[0], *t.last().unwrap_or(&1.0), plot.y1, plot.y0);
    cv.y_grid(plot, &ys, &t, &labels)?;
    if !matches!(layout, BalanceRow::Words(_)) && balances.iter().any(Option::is_some) {
        // The row's name, once, in the axis labels' column.
        let gutter = plot.x0 - cv.px(64.0) - cv.px(10.0);
        cv.text(
            &cv.fit("Balance", 19.0, Weight::Bold, gutter),
            (plot.x0 - cv.px(10.0), plot.y1 + cv.px(52.0)),
            19.0,
            Weight::Bold,
            c.text,
            HPos::Right,
            VPos::Top,
        )?;
    }

    let bw = (gw * 0.3).min(f64::from(cv.px(170.0))) as i32;
    let gap = cv.px(6.0);
    let label_size = if gw > f64::from(cv.px(260.0)) {
        LABEL
    } else {
        20.0
    };
    for i in 0..n {
        let gx = plot.x0 + (gw * (i as f64 + 0.5)) as i32;
        cv.text(
            &d.years[i].to_string(),
            (gx, plot.y1 + cv.px(14.0)),
            26.0,
            Weight::Bold,
            c.text,
            HPos::Center,
            VPos::Top,
        )?;
        let bar = |x: i32, half: i32, v: f64, colour: RGBColor, hollow: bool| -> Result<()> {
            let end = vbar(&cv, &ys, x, half, v, colour, hollow)?;
            let text = money(v, &spec.currency);
            // Labels must not run into the neighbouring bar's label.
            if cv.text_w(&text, label_size, Weight::Bold) <= (gw / 2.0) as i32 - cv.px(4.0)
                || n == 1
            {
                cv.text(
                    &text,
                    (x, end - cv.px(8.0)),
                    label_size,
                    Weight::Bold,
                    c.text,
                    HPos::Center,
                    VPos::Bottom,
                )?;
            }
            Ok(())
        };
        if only_turnover[i] {
            if let Some(v) = d.turnover[i] {
                let half = bw + gap / 2;
                let zero = ys.px(0.0);
                let top = ys.px(v).min(zero - cv.px(5.0));
                cv.frame_rect((gx - half, top), (gx + half, zero), c.turnover, cv.px(5.0))?;
                let text = money(v, &spec.currency);
                cv.text(
                    &text,
                    (gx, top - cv.px(8.0)),
                    label_size,
                    Weight::Bold,
                    c.text,
                    HPos::Center,
                    VPos::Bottom,
                )?;
            }
        } else {
            if let Some(v) = d.exports[i] {
                bar(
                    gx - gap / 2 - bw / 2,
                    bw / 2,
                    v,
                    c.exports,
                    d.is_derived(i, "exports"),
                )?;
            }
            if let Some(v) = d.imports[i] {
                bar(
                    gx + gap / 2 + bw / 2,
                    bw / 2,
                    v,
                    c.imports,
                    d.is_derived(i, "imports"),
                )?;
            }
        }
        // The balance, under the year: the gap between the two bars, in words.
        let mut row_y = plot.y1 + cv.px(52.0);
        let max_w = room(gw);
        let size = balance_size;
        if let (Some(b), Some(figure)) = (d.balance[i], &balances[i]) {
            let colour = if b < 0.0 { c.deficit } else { c.surplus };
            let (text, size) = match layout {
                BalanceRow::Words(size) => (format!("balance {figure}"), size),
                BalanceRow::Figures(size) => (figure.clone(), size),
                BalanceRow::Staggered(size) => {
                    row_y += cv.px(28.0) * (i % 2) as i32;
                    (cv.fit(figure, size, Weight::Bold, room(2.0 * gw)), size)
                }
            };
            cv.text(
                &text,
                (gx, row_y),
                size,
                Weight::Bold,
                colour,
                HPos::Center,
                VPos::Top,
            )?;
        } else if only_turnover[i] {
            let text = cv.fit(
                "exports and imports not reported",
                size,
                Weight::Normal,
                max_w,
            );
            cv.text(
                &text,
                (gx, row_y),
                size,
                Weight::Normal,
                c.muted,
                HPos::Center,
                VPos::Top,
            )?;
        }
    }
    Ok(())
}

/// How the flows chart writes the balance under the years, and at what size.
#[derive(Debug, Clone, Copy)]
enum BalanceRow {
    /// "balance -$125.8M" under each year.
    Words(f64),
    /// "-$125.8M" under each year, after a "Balance" row label.
    Figures(f64),
    /// As `Figures`, every other year one line lower.
    Staggered(f64),
}

pub(crate) fn draw_balance<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &BalanceData,
    spec: &ChartSpec,
) -> Result<()> {
    let cv = Canvas::new(area, spec)?;
    let c = cv.c.clone();
    let mut legend = Vec::new();
    if d.values.iter().flatten().any(|v| *v >= 0.0) {
        legend.push(Legend::new(
            "Surplus (exports above imports)",
            c.surplus,
            Mark::Swatch,
        ));
    }
    if d.values.iter().flatten().any(|v| *v < 0.0) {
        legend.push(Legend::new(
            "Deficit (imports above exports)",
            c.deficit,
            Mark::Swatch,
        ));
    }
    let mut plot = cv.frame(spec, &legend)?;
    if d.values.iter().all(Option::is_none) {
        return cv.note_centre(
            plot,
            "no year with both exports and imports: no balance to draw",
        );
    }
    let pad = if d.by_partner {
        0.0
    } else {
        f64::from(cv.px(44.0)) / f64::from(plot.h().max(1))
    };
    let (t, labels) = padded_axis(d.values.iter().flatten().copied(), &spec.currency, pad);
    let colour = |v: f64| if v < 0.0 { c.deficit } else { c.surplus };
    let n = d.labels.len();
    if !d.by_partner {
        plot.x0 += cv.widest(&labels, 24.0, Weight::Normal) + cv.px(22.0);
        plot.y1 -= cv.px(96.0);
        plot.y0 += cv.px(40.0);
        let ys = Linear::new(t[0], *t.last().unwrap_or(&1.0), plot.y1, plot.y0);
        cv.y_grid(plot, &ys, &t, &labels)?;
        let gw = f64::from(plot.w()) / n.max(1) as f64;
        let half = ((gw * 0.28).min(f64::from(cv.px(120.0))) as i32).max(cv.px(3.0));
        let size = if gw > f64::from(cv.px(200.0)) {
            LABEL
        } else {
            19.0
        };
        for i in 0..n {
            let gx = plot.x0 + (gw * (i as f64 + 0.5)) as i32;
            // Year labels under the plot, clear of bars that go down to its bottom.
            cv.text(
                &d.labels[i],
                (gx, plot.y1 + cv.px(56.0)),
                26.0,
                Weight::Bold,
                c.text,
                HPos::Center,
                VPos::Top,
            )?;
            match d.values[i] {
                Some(v) => {
                    let end = vbar(&cv, &ys, gx, half, v, colour(v), false)?;
                    let text = money(v, &spec.currency);
                    if cv.text_w(&text, size, Weight::Bold) < gw as i32 - cv.px(6.0) || n == 1 {
                        let (y, vpos) = if v < 0.0 {
                            (end + cv.px(8.0), VPos::Top)
                        } else {
                            (end - cv.px(8.0), VPos::Bottom)
                        };
                        cv.text(
                            &text,
                            (gx, y),
                            size,
                            Weight::Bold,
                            colour(v),
                            HPos::Center,
                            vpos,
                        )?;
                    }
                }
                None => {
                    let zero = ys.px(0.0);
                    let text = cv.fit(
                        "turnover only: no balance",
                        22.0,
                        Weight::Normal,
                        gw as i32 - cv.px(6.0),
                    );
                    let y = if zero > plot.y0 + plot.h() / 2 {
                        zero - cv.px(12.0)
                    } else {
                        zero + cv.px(12.0)
                    };
                    let vpos = if zero > plot.y0 + plot.h() / 2 {
                        VPos::Bottom
                    } else {
                        VPos::Top
                    };
                    cv.text(
                        &text,
                        (gx, y),
                        22.0,
                        Weight::Normal,
                        c.muted,
                        HPos::Center,
                        vpos,
                    )?;
                }
            }
        }
        return Ok(());
    }
    // Per partner: horizontal bars diverging from a zero line, names on the left.
    let names: Vec<String> = d.labels.clone();
    let name_w = cv.widest(&names, 24.0, Weight::Normal).min(plot.w() / 4);
    plot.x0 += name_w + cv.px(20.0);
    plot.y1 -= cv.px(48.0);
    let texts: Vec<String> = d
        .values
        .iter()
        .map(|v| v.map(|v| money(v, &spec.currency)).unwrap_or_default())
        .collect();
    let neg_w = d
        .values
        .iter()
        .zip(&texts)
        .filter(|(v, _)| v.is_some_and(|v| v < 0.0))
        .map(|(_, t)| cv.text_w(t, 22.0, Weight::Bold))
        .max()
        .map_or(0, |w| w + cv.px(16.0));
    let pos_w = d
        .values
        .iter()
        .zip(&texts)
        .filter(|(v, _)| v.is_some_and(|v| v >= 0.0))
        .map(|(_, t)| cv.text_w(t, 22.0, Weight::Bold))
        .max()
        .map_or(0, |w| w + cv.px(16.0));
    let inner = Rect {
        x0: plot.x0 + neg_w,
        x1: plot.x1 - pos_w,
        ..plot
    };
    let xs = Linear::new(t[0], *t.last().unwrap_or(&1.0), inner.x0, inner.x1);
    cv.x_grid(
        Rect {
            x0: inner.x0,
            x1: inner.x1,
            ..plot
        },
        &xs,
        &t,
        &labels,
    )?;
    let row = f64::from(plot.h()) / n.max(1) as f64;
    let half = ((row * 0.32) as i32).clamp(cv.px(2.0), cv.px(28.0));
    let size = if row > f64::from(cv.px(40.0)) {
        22.0
    } else {
        17.0
    };
    for i in 0..n {
        let cy = plot.y0 + (row * (i as f64 + 0.5)) as i32;
        let name = cv.fit(&names[i], size + 2.0, Weight::Normal, name_w);
        cv.text(
            &name,
            (plot.x0 - cv.px(20.0), cy),
            size + 2.0,
            Weight::Normal,
            c.text,
            HPos::Right,
            VPos::Center,
        )?;
        let Some(v) = d.values[i] else { continue };
        let zero = xs.px(0.0);
        let mut end = xs.px(v);
        let min = cv.px(5.0);
        if v > 0.0 && end - zero < min {
            end = zero + min;
        } else if v < 0.0 && zero - end < min {
            end = zero - min;
        }
        cv.rect((zero, cy - half), (end, cy + half), colour(v))?;
        let (x, hpos) = if v < 0.0 {
            (end - cv.px(8.0), HPos::Right)
        } else {
            (end + cv.px(8.0), HPos::Left)
        };
        cv.text(
            &texts[i],
            (x, cy),
            size,
            Weight::Bold,
            colour(v),
            hpos,
            VPos::Center,
        )?;
    }
    Ok(())
}

/// The colour of ranked item `i`: its country's for partners, the flow's for products.
fn rank_colour<DB: DrawingBackend>(cv: &Canvas<DB>, d: &RankData, i: usize) -> RGBColor {
    if d.partners {
        cv.c.country(&d.codes[i])
    } else {
        match d.flow.as_str() {
            "imports" => cv.c.imports,
            "turnover" => cv.c.turnover,
            _ => cv.c.exports,
        }
    }
}

/// "8517 Telephone sets" for products with a name, the name for partners.
fn rank_label(d: &RankData, i: usize) -> String {
    let (code, name) = (&d.codes[i], &d.names[i]);
    if d.partners || name.is_empty() || name == code {
        if name.is_empty() {
            code.clone()
        } else {
            name.clone()
        }
    } else {
        format!("{code} {name}")
    }
}

pub(crate) fn draw_top<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &RankData,
    spec: &ChartSpec,
) -> Result<()> {
    let cv = Canvas::new(area, spec)?;
    let c = cv.c.clone();
    // No legend: the bars are named, and the subtitle says what the share is of.
    let mut plot = cv.frame(spec, &[])?;
    let n = d.values.len();
    if n == 0 {
        return cv.note_centre(plot, "nothing to rank");
    }
    let (t, labels) = value_axis(d.values.iter().copied(), &spec.currency);
    plot.y1 -= cv.px(48.0);
    let row = (f64::from(plot.h()) / n as f64).min(f64::from(cv.px(110.0)));
    let size = if row >= f64::from(cv.px(56.0)) {
        24.0
    } else if row >= f64::from(cv.px(34.0)) {
        20.0
    } else {
        15.0
    };
    let lines = if row >= f64::from(cv.px(60.0)) { 2 } else { 1 };
    let name_col = (plot.w() as f64 * 0.34) as i32;
    let wrapped: Vec<Vec<String>> = (0..n)
        .map(|i| cv.wrap(&rank_label(d, i), size, Weight::Normal, name_col, lines))
        .collect();
    let name_w = wrapped
        .iter()
        .flatten()
        .map(|l| cv.text_w(l, size, Weight::Normal))
        .max()
        .unwrap_or(0);
    let values: Vec<String> = (0..n)
        .map(|i| match d.shares[i] {
            Some(s) => format!("{}  {}", money(d.values[i], &spec.currency), share(s)),
            None => money(d.values[i], &spec.currency),
        })
        .collect();
    let value_w = cv.widest(&values, size, Weight::Bold);
    plot.x0 += name_w + cv.px(20.0);
    let inner = Rect {
        x1: plot.x1 - value_w - cv.px(16.0),
        ..plot
    };
    let xs = Linear::new(0.0, *t.last().unwrap_or(&1.0), inner.x0, inner.x1);
    let y_top = plot.y0 + ((f64::from(plot.h()) - row * n as f64) / 2.0) as i32;
    let axis_rect = Rect {
        y0: y_top,
        y1: y_top + (row * n as f64) as i32,
        ..inner
    };
    cv.x_grid(axis_rect, &xs, &t, &labels)?;
    let half = ((row * 0.33) as i32).max(cv.px(2.0));
    let lh = cv.px(size * 1.2);
    for i in 0..n {
        let cy = y_top + (row * (i as f64 + 0.5)) as i32;
        let ls = &wrapped[i];
        let mut y = cy - lh * (ls.len() as i32 - 1) / 2;
        for l in ls {
            cv.text(
                l,
                (plot.x0 - cv.px(20.0), y),
                size,
                Weight::Normal,
                c.text,
                HPos::Right,
                VPos::Center,
            )?;
            y += lh;
        }
        let zero = xs.px(0.0);
        let end = xs.px(d.values[i]).max(
            zero + if d.values[i] > 0.0 {
                cv.px(5.0)
            } else {
                cv.px(2.0)
            },
        );
        cv.rect((zero, cy - half), (end, cy + half), rank_colour(&cv, d, i))?;
        cv.text(
            &values[i],
            (end + cv.px(10.0), cy),
            size,
            Weight::Bold,
            c.text,
            HPos::Left,
            VPos::Center,
        )?;
    }
    Ok(())
}

// The loops index several parallel columns of one year or item.
#[allow(clippy::needless_range_loop)]
pub(crate) fn draw_pareto<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &RankData,
    spec: &ChartSpec,
) -> Result<()> {
    let cv = Canvas::new(area, spec)?;
    let c = cv.c.clone();
    let n = d.values.len();
    let bar_colour = if d.partners {
        c.series(0)
    } else {
        rank_colour(&cv, d, 0)
    };
    let line_colour = c.text;
    let mut legend = vec![
        Legend::new("Value", bar_colour, Mark::Swatch),
        Legend::new("Cumulative share (right axis)", line_colour, Mark::LineDot),
        Legend::new("80%", c.muted, Mark::Dashed),
    ];
    if d.total_items > n {
        legend.push(Legend::new(
            format!("first {n} of {} items", d.total_items),
            c.muted,
            Mark::None,
        ));
    }
    let mut plot = cv.frame(spec, &legend)?;
    if n == 0 {
        return cv.note_centre(plot, "nothing to rank");
    }
    let (t, labels) = value_axis(d.values.iter().copied(), &spec.currency);
    let pt: Vec<f64> = (0..=5).map(|k| f64::from(k) * 0.2).collect();
    let pl = percent_labels(&pt);
    plot.x0 += cv.widest(&labels, 24.0, Weight::Normal) + cv.px(22.0);
    plot.x1 -= cv.widest(&pl, 24.0, Weight::Normal) + cv.px(22.0);
    plot.y0 += cv.px(50.0);
    // Codes under the bars, turned upright when they do not fit side by side.
    let codes: Vec<String> = (0..n)
        .map(|i| {
            if d.partners && !d.names[i].is_empty() {
                d.names[i].clone()
            } else {
                d.codes[i].clone()
            }
        })
        .collect();
    let slot = f64::from(plot.w()) / n as f64;
    let code_size = if slot > f64::from(cv.px(90.0)) {
        22.0
    } else {
        18.0
    };
    let upright = cv.widest(&codes, code_size, Weight::Normal) > slot as i32 - cv.px(6.0);
    let max_code = cv.px(260.0);
    let code_h = if upright {
        cv.widest(&codes, code_size, Weight::Normal).min(max_code) + cv.px(20.0)
    } else {
        cv.px(44.0)
    };
    plot.y1 -= code_h;
    let ys = Linear::new(t[0], *t.last().unwrap_or(&1.0), plot.y1, plot.y0);
    let ps = Linear::new(0.0, 1.0, plot.y1, plot.y0);
    cv.y_grid(plot, &ys, &t, &labels)?;
    for (v, l) in pt.iter().zip(&pl) {
        cv.text(
            l,
            (plot.x1 + cv.px(14.0), ps.px(*v)),
            24.0,
            Weight::Normal,
            c.muted,
            HPos::Left,
            VPos::Center,
        )?;
    }
    let half = ((slot * 0.36) as i32).max(cv.px(1.0));
    let mut points = Vec::new();
    for i in 0..n {
        let x = plot.x0 + (slot * (i as f64 + 0.5)) as i32;
        vbar(&cv, &ys, x, half, d.values[i], bar_colour, false)?;
        if upright {
            let code = cv.fit(&codes[i], code_size, Weight::Normal, max_code);
            let w = cv.text_w(&code, code_size, Weight::Normal);
            cv.text_up(&code, (x, plot.y1 + cv.px(12.0) + w / 2), code_size, c.text)?;
        } else {
            cv.text(
                &codes[i],
                (x, plot.y1 + cv.px(12.0)),
                code_size,
                Weight::Normal,
                c.text,
                HPos::Center,
                VPos::Top,
            )?;
        }
        if let Some(s) = d.cumulative[i] {
            points.push((x, ps.px(s.clamp(0.0, 1.0)), s));
        }
    }
    cv.dashed(
        (plot.x0, ps.px(0.8)),
        (plot.x1, ps.px(0.8)),
        c.muted,
        cv.px(3.0),
        cv.px(10.0),
    )?;
    let xy: Vec<(i32, i32)> = points.iter().map(|p| (p.0, p.1)).collect();
    cv.line(&xy, line_colour, cv.px(5.0))?;
    for p in &points {
        cv.dot((p.0, p.1), cv.px(8.0), line_colour)?;
    }
    // The cumulative share where it first reaches 80%, and at the last bar.
    let cross = points.iter().position(|p| p.2 >= 0.8);
    let last = points.len().saturating_sub(1);
    // The last point's label only when it does not crowd the 80% one.
    let near = cross.is_some_and(|k| last - k < 3);
    for (k, p) in points.iter().enumerate() {
        if Some(k) == cross || (k == last && !near) {
            cv.text(
                &share(p.2),
                (p.0, p.1 - cv.px(16.0)),
                LABEL,
                Weight::Bold,
                line_colour,
                HPos::Center,
                VPos::Bottom,
            )?;
        }
    }
    Ok(())
}
