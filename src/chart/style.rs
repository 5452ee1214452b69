//! Look of the charts: themes, colour-blind-safe palettes with fixed colours per flow and per
//! country, the bundled font, and the number formats of axes and labels.

use std::sync::OnceLock;

use plotters::style::{FontStyle, RGBColor, register_font};

use crate::error::{Error, Result};
use crate::output::{human_money, percent, thousands};

/// The font family every chart uses. Registered with plotters under this name (a CSS family
/// list), so SVG viewers that have DejaVu Sans show the same font as the PNG, and fall back to
/// their own sans-serif otherwise.
pub const FONT: &str = "DejaVu Sans, sans-serif";

/// Register the bundled DejaVu Sans (regular and bold) with plotters' ab_glyph renderer, once.
///
/// plotters keeps registered fonts in a global table; registering once per process is enough,
/// and PNGs then never depend on the fonts installed on the machine.
pub fn fonts() -> Result<()> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        register_font(FONT, FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && register_font(FONT, FontStyle::Bold, dejavu::sans::bold()).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Chart(
            "the bundled DejaVu Sans font could not be read".into(),
        ))
    }
}

/// Light (white background) or dark (for dark slide templates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

impl Theme {
    pub const NAMES: [&'static str; 2] = ["light", "dark"];

    pub fn from_name(s: &str) -> Option<Theme> {
        match s.to_ascii_lowercase().as_str() {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
}

/// A colour-blind-safe palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Palette {
    /// Okabe & Ito (2008), distinguishable with every common colour-vision deficiency.
    #[default]
    OkabeIto,
    /// Paul Tol's "bright" qualitative scheme, also colour-blind safe.
    Tol,
}

impl Palette {
    pub const NAMES: [&'static str; 2] = ["okabe-ito", "tol"];

    pub fn from_name(s: &str) -> Option<Palette> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "okabe-ito" | "okabeito" | "okabe" => Some(Palette::OkabeIto),
            "tol" | "tol-bright" => Some(Palette::Tol),
            _ => None,
        }
    }
}

/// Every colour a chart uses, resolved from a theme and a palette.
#[derive(Debug, Clone)]
pub struct Colours {
    pub background: RGBColor,
    pub text: RGBColor,
    pub muted: RGBColor,
    pub grid: RGBColor,
    pub axis: RGBColor,
    /// One fixed colour per flow, the same in every chart.
    pub exports: RGBColor,
    pub imports: RGBColor,
    pub turnover: RGBColor,
    /// Balance: surplus in the balance colour, deficit in its own colour.
    pub surplus: RGBColor,
    pub deficit: RGBColor,
    /// Categories (treemap tiles, countries), in order.
    pub series: Vec<RGBColor>,
}

const fn hex(v: u32) -> RGBColor {
    RGBColor((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

impl Colours {
    pub fn new(theme: Theme, palette: Palette) -> Colours {
        let (background, text, muted, grid, axis) = match theme {
            Theme::Light => (
                hex(0xFFFFFF),
                hex(0x1F2328),
                hex(0x5C636E),
                hex(0xE3E5E8),
                hex(0x8A9099),
            ),
            Theme::Dark => (
                hex(0x16181D),
                hex(0xECEEF1),
                hex(0xA9AFB8),
                hex(0x343842),
                hex(0x7A808A),
            ),
        };
        match palette {
            Palette::OkabeIto => {
                // Okabe-Ito: blue, orange, reddish purple, bluish green, vermilion, sky blue,
                // yellow; black (light theme) or grey (dark) last. On a dark background the
                // dark blue is too faint, so exports take the sky blue there.
                let exports = match theme {
                    Theme::Light => hex(0x0072B2),
                    Theme::Dark => hex(0x56B4E9),
                };
                let last = match theme {
                    Theme::Light => hex(0x4D4D4D),
                    Theme::Dark => hex(0xBBBBBB),
                };
                Colours {
                    background,
                    text,
                    muted,
                    grid,
                    axis,
                    exports,
                    imports: hex(0xE69F00),
                    turnover: hex(0xCC79A7),
                    surplus: hex(0x009E73),
                    deficit: hex(0xD55E00),
                    series: vec![
                        hex(0x0072B2),
                        hex(0xE69F00),
                        hex(0x009E73),
                        hex(0xCC79A7),
                        hex(0x56B4E9),
                        hex(0xD55E00),
                        hex(0xF0E442),
                        last,
                    ],
                }
            }
            Palette::Tol => Colours {
                background,
                text,
                muted,
                grid,
                axis,
                exports: hex(0x4477AA),
                imports: hex(0xCCBB44),
                turnover: hex(0xAA3377),
                surplus: hex(0x228833),
                deficit: hex(0xEE6677),
                series: vec![
                    hex(0x4477AA),
                    hex(0xEE6677),
                    hex(0x228833),
                    hex(0xCCBB44),
                    hex(0x66CCEE),
                    hex(0xAA3377),
                    hex(0xBBBBBB),
                ],
            },
        }
    }

    /// The i-th category colour, cycling.
    pub fn series(&self, i: usize) -> RGBColor {
        self.series[i % self.series.len()]
    }

    /// A fixed colour for a country code: a stable hash of the code (FNV-1a), so a country
    /// has the same colour in every chart and every run.
    pub fn country(&self, code: &str) -> RGBColor {
        let mut h: u32 = 0x811C_9DC5;
        for b in code.trim().to_ascii_uppercase().bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
        self.series(h as usize)
    }

    /// Near-black or white, whichever has the higher WCAG contrast on `c` (white text on
    /// Okabe-Ito orange or sky blue would fail it).
    pub fn on(&self, c: RGBColor) -> RGBColor {
        let l = luminance(c);
        let (black, white) = (
            (l + 0.05) / (luminance(hex(0x111111)) + 0.05),
            1.05 / (l + 0.05),
        );
        if black >= white {
            hex(0x111111)
        } else {
            hex(0xFFFFFF)
        }
    }
}

/// Relative luminance (WCAG), 0 black to 1 white.
pub fn luminance(c: RGBColor) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
}

/// Mix `c` with `other`: `t = 0` is `c`, `t = 1` is `other`.
pub fn mix(c: RGBColor, other: RGBColor, t: f64) -> RGBColor {
    let m = |a: u8, b: u8| (f64::from(a) * (1.0 - t) + f64::from(b) * t).round() as u8;
    RGBColor(m(c.0, other.0), m(c.1, other.1), m(c.2, other.2))
}

/// A value label: "$121.4M", "$171K", "-$121.058M" (the same format as the tables).
pub fn money(v: f64, currency: &str) -> String {
    human_money(v, currency)
}

/// A share: "23.4%" ("<0.1%" for a tiny positive share, so it never reads as zero).
pub fn share(s: f64) -> String {
    if s > 0.0 && s < 0.0005 {
        "<0.1%".into()
    } else {
        percent(s)
    }
}

/// A signed change: "+12.5%", "-81.1%".
pub fn change(s: f64) -> String {
    // The tables' rounding (decimal, half away from zero): -0.8105 is -81.1%, as printed there.
    let p = percent(s);
    if s > 0.0 && p != "0.0%" {
        format!("+{p}")
    } else {
        p
    }
}

/// Nice axis ticks covering `[lo, hi]` with about `target` intervals: steps of 1, 2, 2.5 or 5
/// times a power of ten. Returns the ticks, which start at or below `lo` and end at or above
/// `hi`.
pub fn ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else if hi == 0.0 {
        (0.0, 1.0)
    } else {
        (lo.min(0.0), hi.abs().max(lo.abs()))
    };
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let n = (last - first) as i64;
    (0..=n)
        .map(|i| {
            let v = (first + i as f64) * step;
            // -0 and float dust print badly.
            if v.abs() < step * 1e-9 { 0.0 } else { v }
        })
        .collect()
}

/// Axis labels for a set of ticks, in one unit for the whole axis so they read as a scale:
/// "$0", "$25M", "$50M", "$75M"; below ten thousand, thousands separators: "$2,500".
pub fn axis_labels(ticks: &[f64], currency: &str) -> Vec<String> {
    let top = ticks.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let (div, suffix) = if top >= 1e12 {
        (1e12, "T")
    } else if top >= 1e9 {
        (1e9, "B")
    } else if top >= 1e6 {
        (1e6, "M")
    } else if top >= 1e4 {
        (1e3, "K")
    } else {
        (1.0, "")
    };
    let prefix = match currency.trim().to_ascii_uppercase().as_str() {
        "USD" => "$".to_string(),
        "EUR" => "€".to_string(),
        "GBP" => "£".to_string(),
        "" => String::new(),
        other => format!("{other} "),
    };
    ticks
        .iter()
        .map(|v| {
            let m = v / div;
            let body = thousands(m.abs());
            let sign = if *v < 0.0 && body != "0" { "-" } else { "" };
            if body == "0" {
                format!("{prefix}0")
            } else {
                format!("{sign}{prefix}{body}{suffix}")
            }
        })
        .collect()
}

/// Percent axis labels: "0%", "20%", ... "100%".
pub fn percent_labels(ticks: &[f64]) -> Vec<String> {
    ticks
        .iter()
        .map(|v| format!("{}%", thousands((v * 100.0).round())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice_and_cover_the_range() {
        assert_eq!(
            ticks(0.0, 121.4e6, 5),
            vec![0.0, 25e6, 50e6, 75e6, 100e6, 125e6]
        );
        assert_eq!(ticks(0.0, 1.0, 4), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        let t = ticks(-121.058e6, 0.0, 5);
        assert!(t[0] <= -121.058e6 && *t.last().unwrap() == 0.0);
        // A zero range still gives an axis.
        assert_eq!(ticks(0.0, 0.0, 4).len(), 5);
    }

    #[test]
    fn axis_labels_share_one_unit() {
        let t = [0.0, 25e6, 50e6, 75e6, 100e6, 125e6];
        assert_eq!(
            axis_labels(&t, "USD"),
            ["$0", "$25M", "$50M", "$75M", "$100M", "$125M"]
        );
        assert_eq!(
            axis_labels(&[0.0, 0.5e6, 1e6], "USD"),
            ["$0", "$0.5M", "$1M"]
        );
        assert_eq!(
            axis_labels(&[0.0, 2500.0, 5000.0], "USD"),
            ["$0", "$2,500", "$5,000"]
        );
        assert_eq!(axis_labels(&[-50e6, 0.0], "EUR"), ["-€50M", "€0"]);
        assert_eq!(percent_labels(&[0.0, 0.8, 1.0]), ["0%", "80%", "100%"]);
    }

    #[test]
    fn labels_keep_tiny_values_visible() {
        assert_eq!(money(171_000.0, "USD"), "$171K");
        assert_eq!(share(0.0001), "<0.1%");
        assert_eq!(share(0.234), "23.4%");
        assert_eq!(change(-0.8105), "-81.1%");
        assert_eq!(change(0.125), "+12.5%");
    }

    #[test]
    fn colours_are_fixed_per_flow_and_country() {
        let c = Colours::new(Theme::Light, Palette::OkabeIto);
        assert_eq!(c.exports, RGBColor(0x00, 0x72, 0xB2));
        assert_eq!(c.country("KAZ"), c.country("kaz"));
        assert_eq!(
            c.country("MEX"),
            Colours::new(Theme::Light, Palette::OkabeIto).country("MEX")
        );
        assert_eq!(c.on(RGBColor(255, 255, 255)), RGBColor(0x11, 0x11, 0x11));
        assert_eq!(c.on(RGBColor(0, 0, 0)), RGBColor(255, 255, 255));
        // Dark text on orange, white on blue.
        assert_eq!(c.on(c.imports), RGBColor(0x11, 0x11, 0x11));
        assert_eq!(c.on(c.exports), RGBColor(255, 255, 255));
        fonts().expect("the bundled font registers");
    }
}
