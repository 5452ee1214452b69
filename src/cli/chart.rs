//! `tradestat chart`: presentation charts (PNG or SVG) of the analysis results.

use clap::Args;
use tradestat::analysis::{Direction, GroupBy, notes};
use tradestat::chart::compose::{ChartRequest, compose};
use tradestat::chart::{self, ImageFormat, Kind, Palette, Theme};
use tradestat::{Error, Result, load};

use super::common::FilterArgs;
use super::{Global, Inputs};

/// Draw a chart for a slide or a report, as PNG or SVG: title, subtitle, units, labels and
/// the source line included.
#[derive(Debug, Args)]
#[command(after_help = "Kinds:
  trend        exports, imports and turnover over the years (lines; --stacked for areas)
  flows        exports and imports per year as grouped bars, with the balance
  balance      the balance as diverging bars per year (--by partner: per partner, one year)
  top          the top N products or partners (--by partner) as horizontal bars
  composition  a treemap of HS sections, chapters or the data's categories (--donut)
  compare      a dumbbell between two years (--years A,B), overall or per --group
  mirror       each flow as declared by the exporter and by the importer, with the gap
  pareto       sorted bars with the cumulative share line

The format comes from the extension of -o (.png, .svg) or --format-image. Titles name the
countries and years; the footnote lists the sources of the records drawn. The image is
written to a temporary file and renamed, so a failure leaves no file behind.

Examples:
  tradestat chart trend -o trend.png                      the embedded seed data
  tradestat chart flows -o flows.svg --theme dark
  tradestat chart compare --years 2014,2018 -o compare.png --size square
  tradestat chart top h3_china_india.csv -r IND -p CHN --flow imports -n 10 -o top.png
  tradestat chart composition h3_china_india.csv -r IND --flow imports --group section -o comp.svg
  tradestat chart pareto baci.csv -r ZAF --by partner -o pareto.png --scale 2")]
pub struct ChartArgs {
    /// Kind of chart: trend, flows, balance, top, composition, compare, mirror, pareto
    #[arg(value_name = "KIND", value_parser = parse_kind)]
    pub kind: Kind,
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Image format, instead of the extension of -o: png or svg
    #[arg(long, value_name = "FORMAT", value_parser = parse_image)]
    pub format_image: Option<ImageFormat>,
    /// Title, instead of the generated one
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Subtitle, instead of the generated one ("" for none)
    #[arg(long, value_name = "TEXT")]
    pub subtitle: Option<String>,
    /// Source line under the chart, instead of the records' sources
    #[arg(long, value_name = "TEXT")]
    pub footnote: Option<String>,
    /// Size: slide (1920x1080), slide-4x3 (1440x1080), square (1080x1080), a4 (2480x3508)
    #[arg(long, default_value = "slide", value_parser = parse_size)]
    pub size: (u32, u32),
    /// Width in pixels, instead of the size's
    #[arg(long, value_name = "PX")]
    pub width: Option<u32>,
    /// Height in pixels, instead of the size's
    #[arg(long, value_name = "PX")]
    pub height: Option<u32>,
    /// PNG pixels per pixel, for high-DPI screens and print (e.g. 2)
    #[arg(long, default_value_t = 1.0, value_name = "FACTOR")]
    pub scale: f64,
    /// Colours: light or dark
    #[arg(long, default_value = "light", value_parser = parse_theme)]
    pub theme: Theme,
    /// Colour-blind-safe palette: okabe-ito or tol
    #[arg(long, default_value = "okabe-ito", value_parser = parse_palette)]
    pub palette: Palette,
    /// trend: exports and imports as stacked areas
    #[arg(long)]
    pub stacked: bool,
    /// composition: a donut instead of a treemap (at most 8 segments)
    #[arg(long)]
    pub donut: bool,
    /// top, pareto: product or partner; balance: year or partner
    #[arg(long, value_name = "WHAT")]
    pub by: Option<String>,
    /// Direction for top, pareto, composition, compare --group: exports, imports or turnover
    #[arg(long = "flow", value_name = "FLOW")]
    pub direction: Option<Direction>,
    /// How many items to draw (top 10, pareto 20, composition 12, compare groups 10,
    /// mirror 10, balance partners 15); 0 for all
    #[arg(short = 'n', long, value_name = "N")]
    pub n: Option<usize>,
    /// top, pareto: product code length to rank at (2, 4, 6 ...)
    #[arg(long)]
    pub level: Option<i32>,
    /// composition, compare: product grouping: section, chapter, heading, category, bec,
    /// end-use
    #[arg(long, value_parser = super::composition::parse_group)]
    pub group: Option<GroupBy>,
    /// mirror: CIF/FOB factor applied to exporter values
    #[arg(long, default_value_t = 1.0)]
    pub cif_fob: f64,
}

fn parse_kind(s: &str) -> std::result::Result<Kind, String> {
    Kind::from_name(s)
        .ok_or_else(|| format!("unknown chart '{s}'; kinds are {}", Kind::NAMES.join(", ")))
}

fn parse_image(s: &str) -> std::result::Result<ImageFormat, String> {
    ImageFormat::from_name(s).ok_or_else(|| format!("unknown image format '{s}'; use png or svg"))
}

fn parse_size(s: &str) -> std::result::Result<(u32, u32), String> {
    chart::size_preset(s).ok_or_else(|| {
        let names: Vec<&str> = chart::SIZES.iter().map(|(n, _, _)| *n).collect();
        format!("unknown size '{s}'; sizes are {}", names.join(", "))
    })
}

fn parse_theme(s: &str) -> std::result::Result<Theme, String> {
    Theme::from_name(s).ok_or_else(|| format!("unknown theme '{s}'; use light or dark"))
}

fn parse_palette(s: &str) -> std::result::Result<Palette, String> {
    Palette::from_name(s)
        .ok_or_else(|| format!("unknown palette '{s}'; use {}", Palette::NAMES.join(" or ")))
}

impl ChartArgs {
    /// What the chart is asked to show, in the library's terms.
    fn request(&self) -> ChartRequest {
        ChartRequest {
            kind: self.kind,
            title: self.title.clone(),
            subtitle: self.subtitle.clone(),
            footnote: self.footnote.clone(),
            width: self.width.unwrap_or(self.size.0),
            height: self.height.unwrap_or(self.size.1),
            scale: self.scale,
            theme: self.theme,
            palette: self.palette,
            stacked: self.stacked,
            donut: self.donut,
            by: self.by.clone(),
            direction: self.direction,
            n: self.n,
            level: self.level,
            group: self.group,
            cif_fob: self.cif_fob,
        }
    }
}

pub fn run(args: ChartArgs, g: &Global) -> Result<()> {
    let Some(path) = g.out.clone() else {
        return Err(Error::Request(
            "chart needs an output file: -o chart.png or -o chart.svg".into(),
        ));
    };
    // The format and the options are checked before any work, so a typo costs nothing and
    // writes nothing.
    let format = match args.format_image {
        Some(f) => f,
        None => ImageFormat::from_path(&path)?,
    };
    let req = args.request();
    req.check()?;
    // Only the question's rows where the inputs allow it, as for the tables.
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?;
    let (mut ds, q) = req.filters(&args.filters.filters()).prepare(ds)?;
    // Years of two HS editions compare in the later one (a note says so).
    if matches!(args.kind, Kind::Compare | Kind::Composition) {
        tradestat::analysis::products::harmonise_compared_years(&mut ds, &q)?;
    }
    let composed = compose(&ds, &q, &req)?;
    chart::render(&composed.data, &composed.spec, &path, Some(format))?;
    let mut notes = notes::question_notes(&ds, &q)?;
    let (w, h) = match format {
        ImageFormat::Png => composed.spec.pixels(),
        ImageFormat::Svg => (composed.spec.width, composed.spec.height),
    };
    notes.push(format!(
        "wrote {} ({} chart, {w}x{h} {})",
        path.display(),
        args.kind.name(),
        match format {
            ImageFormat::Png => "PNG",
            ImageFormat::Svg => "SVG",
        }
    ));
    g.note(&notes);
    Ok(())
}
