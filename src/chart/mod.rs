//! Presentation charts: PNG and SVG from one drawing code, readable on a slide.
//!
//! Each kind of chart has one drawing function, generic over plotters' `DrawingBackend`; the
//! PNG and SVG outputs are thin wrappers that give it a bitmap or an SVG backend. The data
//! types in [`data`] are built from the frames of the analysis functions, and the look (fonts,
//! colours, number formats) lives in [`style`]. Nothing here prints.

mod bars;
mod canvas;
pub mod compose;
pub mod data;
mod lines;
mod pairs;
mod raster;
pub mod style;
mod tiles;

use std::io::Write;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

pub use data::{
    BalanceData, CompareData, CompareRow, MirrorData, MirrorRow, RankData, ShareData, TrendData,
};
pub use style::{Palette, Theme};

use crate::error::{Error, Result};

/// The kinds of chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Trend,
    Flows,
    Balance,
    Top,
    Composition,
    Compare,
    Mirror,
    Pareto,
}

impl Kind {
    pub const NAMES: [&'static str; 8] = [
        "trend",
        "flows",
        "balance",
        "top",
        "composition",
        "compare",
        "mirror",
        "pareto",
    ];

    pub fn from_name(s: &str) -> Option<Kind> {
        Some(match s.to_ascii_lowercase().as_str() {
            "trend" => Kind::Trend,
            "flows" => Kind::Flows,
            "balance" => Kind::Balance,
            "top" => Kind::Top,
            "composition" | "treemap" => Kind::Composition,
            "compare" | "dumbbell" => Kind::Compare,
            "mirror" => Kind::Mirror,
            "pareto" => Kind::Pareto,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        Kind::NAMES[self as usize]
    }
}

/// Image formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Svg,
}

impl ImageFormat {
    pub fn from_name(s: &str) -> Option<ImageFormat> {
        match s.to_ascii_lowercase().as_str() {
            "png" => Some(ImageFormat::Png),
            "svg" => Some(ImageFormat::Svg),
            _ => None,
        }
    }

    /// The format named by a file's extension (`.png`, `.svg`, any case).
    pub fn from_path(path: &Path) -> Result<ImageFormat> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        ImageFormat::from_name(&ext).ok_or_else(|| {
            Error::Request(format!(
                "{}: unknown image extension '{}'; use .png or .svg, or name the format with --format-image png|svg",
                path.display(),
                ext
            ))
        })
    }
}

/// Named sizes, in pixels (A4 at 300 dpi).
pub const SIZES: [(&str, u32, u32); 4] = [
    ("slide", 1920, 1080),
    ("slide-4x3", 1440, 1080),
    ("square", 1080, 1080),
    ("a4", 2480, 3508),
];

/// The size of a named preset.
pub fn size_preset(name: &str) -> Option<(u32, u32)> {
    SIZES
        .iter()
        .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, w, h)| (*w, *h))
}

/// Everything about a chart that is not its data.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    pub title: String,
    pub subtitle: String,
    /// The source line under the chart ("Source: ...").
    pub footnote: String,
    /// Size in pixels (PNG at scale 1; the SVG's width and height).
    pub width: u32,
    pub height: u32,
    /// PNG pixels per design pixel, for high-DPI screens and print (2 doubles both sides).
    pub scale: f64,
    pub theme: Theme,
    pub palette: Palette,
    /// Currency of the values, for the axis and label units.
    pub currency: String,
}

impl Default for ChartSpec {
    fn default() -> ChartSpec {
        ChartSpec {
            title: String::new(),
            subtitle: String::new(),
            footnote: String::new(),
            width: 1920,
            height: 1080,
            scale: 1.0,
            theme: Theme::Light,
            palette: Palette::OkabeIto,
            currency: "USD".into(),
        }
    }
}

impl ChartSpec {
    /// The PNG size: width and height times the scale.
    pub fn pixels(&self) -> (u32, u32) {
        let s = if self.scale.is_finite() && self.scale > 0.0 {
            self.scale
        } else {
            1.0
        };
        (
            ((f64::from(self.width) * s).round() as u32).max(1),
            ((f64::from(self.height) * s).round() as u32).max(1),
        )
    }

    fn check(&self) -> Result<()> {
        let (w, h) = self.pixels();
        if self.width < 200 || self.height < 150 {
            return Err(Error::Request(format!(
                "a chart of {}x{} pixels is too small to read; use at least 200x150",
                self.width, self.height
            )));
        }
        if !(self.scale.is_finite() && self.scale > 0.0 && self.scale <= 8.0) {
            return Err(Error::Request(format!(
                "--scale {}: expected a number above 0 and at most 8",
                self.scale
            )));
        }
        if u64::from(w) * u64::from(h) > 200_000_000 {
            return Err(Error::Request(format!(
                "a chart of {w}x{h} pixels is too large; lower --width/--height or --scale"
            )));
        }
        Ok(())
    }
}

/// A chart's data, with the options of its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartData {
    /// Lines of exports, imports and turnover; `stacked`: exports and imports as stacked areas.
    Trend { data: TrendData, stacked: bool },
    /// Exports and imports per year as grouped bars, with the balance marked.
    Flows(TrendData),
    /// Diverging bars of the balance per year or per partner.
    Balance(BalanceData),
    /// Horizontal bars of the top N, with values and shares.
    Top(RankData),
    /// A squarified treemap, or a donut.
    Composition { data: ShareData, donut: bool },
    /// A dumbbell between two years.
    Compare(CompareData),
    /// Both sides' declarations of the same flows, with the gap.
    Mirror(MirrorData),
    /// Sorted bars with the cumulative share line.
    Pareto(RankData),
}

impl ChartData {
    pub fn kind(&self) -> Kind {
        match self {
            ChartData::Trend { .. } => Kind::Trend,
            ChartData::Flows(_) => Kind::Flows,
            ChartData::Balance(_) => Kind::Balance,
            ChartData::Top(_) => Kind::Top,
            ChartData::Composition { .. } => Kind::Composition,
            ChartData::Compare(_) => Kind::Compare,
            ChartData::Mirror(_) => Kind::Mirror,
            ChartData::Pareto(_) => Kind::Pareto,
        }
    }
}

/// Draw a chart on any plotters drawing area (the one drawing code behind PNG and SVG).
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
    spec: &ChartSpec,
) -> Result<()> {
    match data {
        ChartData::Trend { data, stacked } => lines::draw_trend(area, data, *stacked, spec),
        ChartData::Flows(d) => bars::draw_flows(area, d, spec),
        ChartData::Balance(d) => bars::draw_balance(area, d, spec),
        ChartData::Top(d) => bars::draw_top(area, d, spec),
        ChartData::Composition { data, donut } => {
            if *donut {
                tiles::draw_donut(area, data, spec)
            } else {
                tiles::draw_treemap(area, data, spec)
            }
        }
        ChartData::Compare(d) => pairs::draw_compare(area, d, spec),
        ChartData::Mirror(d) => pairs::draw_mirror(area, d, spec),
        ChartData::Pareto(d) => bars::draw_pareto(area, d, spec),
    }
}

fn backend_err<E: std::fmt::Display>(e: E) -> Error {
    Error::Chart(e.to_string())
}

/// The chart as an SVG document (text stays text; input text is XML-escaped by the backend).
pub fn to_svg(data: &ChartData, spec: &ChartSpec) -> Result<String> {
    spec.check()?;
    let mut out = String::new();
    {
        let backend = SVGBackend::with_string(&mut out, (spec.width, spec.height));
        let area = backend.into_drawing_area();
        draw(&area, data, spec)?;
        area.present().map_err(backend_err)?;
    }
    // XML 1.0 has no place for most control characters: one in a country or product name from
    // an input file would make the whole SVG invalid. They become spaces.
    Ok(out
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c.is_control() => ' ',
            c => c,
        })
        .collect())
}

/// The chart as raw RGB pixels (width x height x 3), at the spec's scale.
pub fn to_rgb(data: &ChartData, spec: &ChartSpec) -> Result<(Vec<u8>, u32, u32)> {
    spec.check()?;
    let (w, h) = spec.pixels();
    let mut buf = vec![0u8; w as usize * h as usize * 3];
    {
        let area = raster::Raster::new(&mut buf, (w, h)).into_drawing_area();
        draw(&area, data, spec)?;
        area.present().map_err(backend_err)?;
    }
    Ok((buf, w, h))
}

/// The chart as PNG bytes. The pixel density is recorded (96 dpi times the scale; 300 dpi for
/// A4) so slide and print software place the image at its intended size.
pub fn to_png(data: &ChartData, spec: &ChartSpec) -> Result<Vec<u8>> {
    let (rgb, w, h) = to_rgb(data, spec)?;
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let dpi = if (spec.width, spec.height) == (2480, 3508) {
            300.0
        } else {
            96.0
        } * spec.scale;
        let ppm = (dpi / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
        let mut writer = enc.write_header().map_err(backend_err)?;
        writer.write_image_data(&rgb).map_err(backend_err)?;
        writer.finish().map_err(backend_err)?;
    }
    Ok(out)
}

/// The chart in `format` as bytes.
pub fn to_bytes(data: &ChartData, spec: &ChartSpec, format: ImageFormat) -> Result<Vec<u8>> {
    match format {
        ImageFormat::Png => to_png(data, spec),
        ImageFormat::Svg => to_svg(data, spec).map(String::into_bytes),
    }
}

/// Render a chart to `path`, PNG or SVG by `format` or else by the file's extension. The image
/// is drawn in memory first and written to a temporary file renamed into place, so a failure
/// never leaves an empty or half-written file.
pub fn render(
    data: &ChartData,
    spec: &ChartSpec,
    path: &Path,
    format: Option<ImageFormat>,
) -> Result<ImageFormat> {
    let format = match format {
        Some(f) => f,
        None => ImageFormat::from_path(path)?,
    };
    let bytes = to_bytes(data, spec, format)?;
    crate::write::atomic(path, |f| {
        f.write_all(&bytes).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })
    })?;
    Ok(format)
}

#[cfg(test)]
mod tests;
