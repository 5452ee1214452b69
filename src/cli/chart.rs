//! `tradestat chart`: presentation charts (PNG or SVG) of the analysis results.

use clap::Args;
use tradestat::analysis::{self, By, Direction, GroupBy, Partners};
use tradestat::chart::{
    self, BalanceData, ChartData, ChartSpec, CompareData, ImageFormat, Kind, MirrorData, Palette,
    RankData, ShareData, Theme, TrendData,
};
use tradestat::frame::floats;
use tradestat::output::percent;
use tradestat::reference::countries;
use tradestat::{Dataset, Error, Result, load};

use super::common::{Filters, Question};
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
    pub filters: Filters,
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
    /// composition, compare: product grouping: section, chapter, heading, category
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

fn currency_words(c: &str) -> String {
    match c.to_ascii_uppercase().as_str() {
        "USD" => "US dollars".into(),
        "EUR" => "euros".into(),
        "GBP" => "pounds sterling".into(),
        other => other.to_string(),
    }
}

fn flow_words(d: Direction) -> &'static str {
    match d {
        Direction::Exports => "exports",
        Direction::Imports => "imports",
        Direction::Turnover => "turnover",
    }
}

fn group_words(g: GroupBy) -> &'static str {
    match g {
        GroupBy::Section => "HS section",
        GroupBy::Chapter => "HS chapter",
        GroupBy::Heading => "HS heading",
        GroupBy::Category => "product category",
    }
}

/// "2014-2018", "2018".
fn span(years: &[i32]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}

/// Names for titles: the reporter, and the partner side ("Mexico", "the world", a region,
/// "3 partners").
struct Names {
    reporter: String,
    partner: String,
}

impl Names {
    fn new(q: &Question, filters: &Filters) -> Names {
        let t = countries();
        let partner = match (&q.partners, &filters.region) {
            (_, Some(r)) => r.clone(),
            (Partners::World, None) => "the world".into(),
            (Partners::Some(p), None) if p.len() == 1 => t.name_of(&p[0]),
            (Partners::Some(p), None) => format!("{} partners", p.len()),
        };
        Names {
            reporter: t.name_of(&q.reporter),
            partner,
        }
    }

    /// "Kazakhstan - Mexico".
    fn pair(&self) -> String {
        let p = self.partner.strip_prefix("the ").unwrap_or(&self.partner);
        let p = if p == "world" { "World" } else { p };
        format!("{} - {}", self.reporter, p)
    }

    /// "to Mexico" / "from Mexico" / "with Mexico".
    fn towards(&self, d: Direction) -> String {
        match d {
            Direction::Exports => format!("to {}", self.partner),
            Direction::Imports => format!("from {}", self.partner),
            Direction::Turnover => format!("with {}", self.partner),
        }
    }
}

/// What a kind needs, found in the data: the chart's data, title, subtitle and extra notes
/// for the footnote.
struct Drawn {
    data: ChartData,
    title: String,
    subtitle: String,
    notes: Vec<String>,
}

pub fn run(args: ChartArgs, g: &Global) -> Result<()> {
    let Some(path) = g.out.clone() else {
        return Err(Error::Request(
            "chart needs an output file: -o chart.png or -o chart.svg".into(),
        ));
    };
    // The format is checked before any work, so a typo costs nothing and writes nothing.
    let format = match args.format_image {
        Some(f) => f,
        None => ImageFormat::from_path(&path)?,
    };
    if args.donut && args.kind != Kind::Composition {
        return Err(Error::Request(
            "--donut is an option of the composition chart".into(),
        ));
    }
    if args.stacked && args.kind != Kind::Trend {
        return Err(Error::Request(
            "--stacked is an option of the trend chart".into(),
        ));
    }
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?.materialise()?;
    let by = args.by.as_deref().map(str::to_ascii_lowercase);
    let by_partner = matches!(by.as_deref(), Some("partner" | "partners"));
    match (args.kind, by.as_deref()) {
        (_, None) => {}
        (Kind::Top | Kind::Pareto, Some("product" | "products" | "partner" | "partners")) => {}
        (Kind::Balance, Some("year" | "years" | "partner" | "partners")) => {}
        (k, Some(b)) => {
            return Err(Error::Request(format!(
                "--by {b} does not apply to the {} chart (top and pareto: product or partner; balance: year or partner)",
                k.name()
            )));
        }
    }
    // Partners are ranked, not chosen: without --partner or --region a ranking covers the world.
    let mut filters = args.filters.clone();
    let ranks_partners =
        by_partner && matches!(args.kind, Kind::Top | Kind::Pareto | Kind::Balance);
    if ranks_partners && filters.partner.is_none() && filters.region.is_none() {
        filters.partner = Some("world".into());
    }
    let (ds, q) = filters.apply(ds)?;
    let names = Names::new(&q, &args.filters);
    let cur = q.currency.clone();
    let money_words = currency_words(&cur);
    let drawn = match args.kind {
        Kind::Trend | Kind::Flows => trend_like(&args, &ds, &q, &names, &money_words)?,
        Kind::Balance if by_partner => balance_by_partner(&args, &ds, &q, &names, &money_words)?,
        Kind::Balance => trend_like(&args, &ds, &q, &names, &money_words)?,
        Kind::Top | Kind::Pareto => ranking(&args, &ds, &q, &names, by_partner, &money_words)?,
        Kind::Composition => composition(&args, &ds, &q, &names, &money_words)?,
        Kind::Compare => compare(&args, &ds, &q, &names, &money_words)?,
        Kind::Mirror => mirror(&args, &ds, &q, &names, &money_words)?,
    };
    let sources = super::common::sources(&ds)?;
    let mut footnote = match &args.footnote {
        Some(f) => f.clone(),
        None if sources.is_empty() => String::new(),
        None => format!("Source: {sources}."),
    };
    for n in &drawn.notes {
        footnote.push(' ');
        footnote.push_str(n);
    }
    let spec = ChartSpec {
        title: args.title.clone().unwrap_or(drawn.title),
        subtitle: args.subtitle.clone().unwrap_or(drawn.subtitle),
        footnote: footnote.trim().to_string(),
        width: args.width.unwrap_or(args.size.0),
        height: args.height.unwrap_or(args.size.1),
        scale: args.scale,
        theme: args.theme,
        palette: args.palette,
        currency: cur,
    };
    chart::render(&drawn.data, &spec, &path, Some(format))?;
    let mut notes = super::common::left_out_notes(&ds)?;
    let (w, h) = match format {
        ImageFormat::Png => spec.pixels(),
        ImageFormat::Svg => (spec.width, spec.height),
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

/// The summary per year, with a clear error when the filters leave nothing.
fn summary(ds: &Dataset, q: &Question, names: &Names) -> Result<TrendData> {
    let df = ds.collect(
        q.keep_years(analysis::summary(ds.lf.clone(), &q.reporter, &q.partners)),
        "the summary",
    )?;
    let t = TrendData::from_summary(&df)?;
    if !t.has_values() {
        return Err(Error::Request(format!(
            "no trade between {} in the data for the years asked",
            names.pair()
        )));
    }
    Ok(t)
}

/// "Imports 2014 derived as turnover minus exports."
fn derived_note(t: &TrendData) -> Option<String> {
    let mut parts = Vec::new();
    for (i, y) in t.years.iter().enumerate() {
        // A turnover summed from exports and imports is the definition, not worth a note.
        for (flow, how) in [
            ("exports", "turnover minus imports"),
            ("imports", "turnover minus exports"),
        ] {
            if t.is_derived(i, flow) {
                parts.push(format!("{flow} {y} = {how}"));
            }
        }
    }
    (!parts.is_empty()).then(|| {
        let mut s = format!("Derived: {}.", parts.join("; "));
        if let Some(first) = s.get_mut(9..10) {
            first.make_ascii_uppercase();
        }
        s
    })
}

fn trend_like(
    args: &ChartArgs,
    ds: &Dataset,
    q: &Question,
    names: &Names,
    cur: &str,
) -> Result<Drawn> {
    let t = summary(ds, q, names)?;
    let years = span(&t.years);
    let notes: Vec<String> = derived_note(&t).into_iter().collect();
    let (data, title, subtitle) = match args.kind {
        Kind::Trend => (
            ChartData::Trend {
                data: t.clone(),
                stacked: args.stacked,
            },
            format!("{} trade, {years}", names.pair()),
            if args.stacked {
                format!(
                    "{}'s exports to and imports from {}, stacked (together the turnover), {cur}",
                    names.reporter, names.partner
                )
            } else {
                format!(
                    "{}'s exports to and imports from {}, and the turnover (their sum), {cur}",
                    names.reporter, names.partner
                )
            },
        ),
        Kind::Flows => (
            ChartData::Flows(t.clone()),
            format!("{}: exports and imports, {years}", names.pair()),
            format!(
                "{}'s exports to and imports from {} per year; balance = exports - imports, {cur}",
                names.reporter, names.partner
            ),
        ),
        _ => {
            let b = BalanceData::per_year(&t);
            if b.values.iter().all(Option::is_none) {
                return Err(Error::Request(format!(
                    "the balance needs exports and imports of the same year; {} has only {} for {years}",
                    names.pair(),
                    "turnover or one direction"
                )));
            }
            (
                ChartData::Balance(b),
                format!(
                    "{}'s trade balance with {}, {years}",
                    names.reporter, names.partner
                ),
                format!("Exports minus imports per year, {cur}"),
            )
        }
    };
    Ok(Drawn {
        data,
        title,
        subtitle,
        notes,
    })
}

fn balance_by_partner(
    args: &ChartArgs,
    ds: &Dataset,
    q: &Question,
    names: &Names,
    cur: &str,
) -> Result<Drawn> {
    let year = q.one_year()?;
    let df = ds.collect(
        analysis::partners(
            ds.lf.clone(),
            &q.reporter,
            &q.partners,
            year,
            Direction::Turnover,
        ),
        "the partner ranking",
    )?;
    let n = args.n.unwrap_or(15);
    let b = BalanceData::per_partner(&df, n, |c| countries().name_of(c))?;
    if b.labels.is_empty() {
        return Err(Error::Request(format!(
            "no partner of {} with exports or imports in {year}",
            names.reporter
        )));
    }
    let within = if names.partner == "the world" {
        String::new()
    } else {
        format!(" ({})", names.partner)
    };
    Ok(Drawn {
        data: ChartData::Balance(b),
        title: format!("{}'s trade balance by partner, {year}", names.reporter),
        subtitle: format!(
            "Exports minus imports, the {} largest surpluses and deficits{within}, {cur}",
            if n == 0 {
                "all".to_string()
            } else {
                n.to_string()
            }
        ),
        notes: vec![],
    })
}

fn ranking(
    args: &ChartArgs,
    ds: &Dataset,
    q: &Question,
    names: &Names,
    by_partner: bool,
    cur: &str,
) -> Result<Drawn> {
    let year = q.one_year()?;
    let direction = args.direction.unwrap_or(Direction::Exports);
    let n = args
        .n
        .unwrap_or(if args.kind == Kind::Top { 10 } else { 20 });
    let by = if by_partner { By::Partner } else { By::Product };
    let df = ds.collect(
        analysis::top(
            ds.lf.clone(),
            &q.reporter,
            &q.partners,
            analysis::Ranking {
                direction,
                by,
                year,
                level: args.level,
                // All items: shares and the cumulative share are of the whole.
                n: 0,
            },
        ),
        "the ranking",
    )?;
    let table = countries();
    let hs = tradestat::reference::hs();
    let mut d = RankData::from_top(&df, by_partner, n, |code, name| {
        if by_partner {
            return table.name_of(code);
        }
        match name {
            Some(n) if !n.trim().is_empty() => n.to_string(),
            // Files with codes only: the chapter says what kind of good it is.
            _ => match code.get(..2).and_then(|ch| hs.chapter(ch)) {
                Some(ch) if code.len() > 2 => format!("(chapter {}: {})", ch.code, ch.label),
                Some(ch) => ch.label.clone(),
                None => String::new(),
            },
        }
    })?;
    d.flow = flow_words(direction).to_string();
    if d.values.is_empty() {
        return Err(Error::Request(format!(
            "the {} chart needs {} by product with values; {} has none for {year} (the data may hold totals or named categories only)",
            args.kind.name(),
            flow_words(direction),
            names.pair()
        )));
    }
    let what = if by_partner { "partners" } else { "products" };
    let flow = flow_words(direction);
    let (title, subtitle) = if args.kind == Kind::Top {
        let title = if by_partner {
            format!(
                "{}'s top {} partners for {flow}, {year}",
                names.reporter,
                d.values.len()
            )
        } else {
            format!(
                "{}'s top {} {} {}, {year}",
                names.reporter,
                d.values.len(),
                if direction == Direction::Turnover {
                    "traded products"
                } else {
                    flow
                },
                names.towards(direction)
            )
        };
        (
            title,
            format!(
                "Value and share of the total of all {} {what}, {cur}",
                d.total_items
            ),
        )
    } else {
        let k80 = d
            .cumulative
            .iter()
            .position(|c| c.is_some_and(|c| c >= 0.8 - 1e-12));
        let lead = match k80 {
            Some(k) => format!(
                "{} of {} {what} make 80% of the total",
                k + 1,
                d.total_items
            ),
            None => format!("{} of {} {what} shown", d.values.len(), d.total_items),
        };
        (
            format!(
                "Concentration of {}'s {flow} {}, {year}",
                names.reporter,
                if by_partner {
                    String::new()
                } else {
                    names.towards(direction)
                }
            )
            .replace(" ,", ","),
            format!("{lead}; values sorted, with the cumulative share, {cur}"),
        )
    };
    Ok(Drawn {
        data: if args.kind == Kind::Top {
            ChartData::Top(d)
        } else {
            ChartData::Pareto(d)
        },
        title,
        subtitle,
        notes: vec![],
    })
}

fn composition(
    args: &ChartArgs,
    ds: &Dataset,
    q: &Question,
    names: &Names,
    cur: &str,
) -> Result<Drawn> {
    let direction = args.direction.unwrap_or(Direction::Turnover);
    let group = args.group.unwrap_or(GroupBy::Chapter);
    let df = ds.collect(
        q.keep_years(analysis::composition(
            ds.lf.clone(),
            &q.reporter,
            &q.partners,
            direction,
            group,
        )),
        "the composition",
    )?;
    // The year: the one asked, else the latest with a value.
    let year = match &q.years {
        Some(ys) => *ys.last().unwrap_or(&0),
        None => {
            let (y, v) = (tradestat::frame::ints(&df, "year")?, floats(&df, "value")?);
            (0..df.height())
                .filter(|&i| v[i].is_some())
                .filter_map(|i| y[i])
                .max()
                .map(|y| y as i32)
                .unwrap_or_else(|| q.data_years.last().copied().unwrap_or(0))
        }
    };
    let mut d = ShareData::from_composition(&df, year)?;
    if d.values.is_empty() {
        let named = if d.unvalued.is_empty() {
            String::new()
        } else {
            format!(
                "; it names {} {} without values ({})",
                d.unvalued.len(),
                match group {
                    GroupBy::Category => "product categories",
                    GroupBy::Section => "HS sections",
                    GroupBy::Chapter => "HS chapters",
                    GroupBy::Heading => "HS headings",
                },
                d.unvalued
                    .iter()
                    .take(4)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
                    + if d.unvalued.len() > 4 { ", ..." } else { "" }
            )
        };
        return Err(Error::Request(format!(
            "the composition chart needs product detail with values: {} has no {} by product with a value in {year}{named}",
            names.pair(),
            flow_words(direction)
        )));
    }
    let limit = args.n.unwrap_or(if args.donut { 8 } else { 12 });
    let limit = if args.donut { limit.clamp(1, 8) } else { limit };
    d.limit(limit);
    let mut notes = Vec::new();
    if !d.unvalued.is_empty() {
        notes.push(format!(
            "Also named, without values: {}.",
            d.unvalued.join(", ")
        ));
    }
    let verb = match direction {
        Direction::Exports => format!("{} exports to {}", names.reporter, names.partner),
        Direction::Imports => format!("{} imports from {}", names.reporter, names.partner),
        Direction::Turnover => format!("{} and {} trade", names.reporter, names.partner),
    };
    Ok(Drawn {
        title: format!("What {verb}, {year}"),
        subtitle: format!(
            "{} by {}, share of the total, {cur}",
            capitalise(flow_words(direction)),
            group_words(group)
        ),
        data: ChartData::Composition {
            data: d,
            donut: args.donut,
        },
        notes,
    })
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn compare(
    args: &ChartArgs,
    ds: &Dataset,
    q: &Question,
    names: &Names,
    cur: &str,
) -> Result<Drawn> {
    let years: Vec<i32> = match &q.years {
        Some(ys) => ys.clone(),
        None => match (q.data_years.first(), q.data_years.last()) {
            (Some(a), Some(b)) if a != b => vec![*a, *b],
            _ => q.data_years.clone(),
        },
    };
    let [ya, yb] = years.as_slice() else {
        return Err(Error::Request(format!(
            "the compare chart needs two years, e.g. --years 2014,2018; years in the data: {}",
            q.data_years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let (ya, yb) = (*ya, *yb);
    let (data, subtitle, notes) = match args.group {
        None => {
            let df = ds.collect(
                analysis::summary(ds.lf.clone(), &q.reporter, &q.partners),
                "the summary",
            )?;
            let t = TrendData::from_summary(&df)?;
            let d = CompareData::overall(&t, ya, yb);
            let turnover = d
                .rows
                .iter()
                .find(|r| r.flow == "turnover")
                .and_then(|r| Some((r.a?, r.b?)))
                .filter(|(a, _)| *a != 0.0)
                .map(|(a, b)| format!("; turnover {}", percent((b - a) / a)))
                .unwrap_or_default();
            let mut keep = t.clone();
            keep.retain_years(|y| y == ya || y == yb);
            (
                d,
                format!("Exports, imports and turnover in {ya} and {yb}{turnover}, {cur}"),
                derived_note(&keep).into_iter().collect::<Vec<_>>(),
            )
        }
        Some(group) => {
            let direction = args.direction.unwrap_or(Direction::Turnover);
            let df = ds.collect(
                analysis::composition(ds.lf.clone(), &q.reporter, &q.partners, direction, group),
                "the composition",
            )?;
            let n = args.n.unwrap_or(10);
            (
                CompareData::per_group(&df, ya, yb, n)?,
                format!(
                    "{} by {}, the {} largest, {cur}",
                    capitalise(flow_words(direction)),
                    group_words(group),
                    if n == 0 {
                        "all".to_string()
                    } else {
                        n.to_string()
                    }
                ),
                vec![],
            )
        }
    };
    if data.rows.iter().all(|r| r.a.is_none() && r.b.is_none()) {
        return Err(Error::Request(format!(
            "nothing to compare: {} has no values in {ya} or {yb}{}",
            names.pair(),
            if args.group.is_some() {
                " by product group"
            } else {
                ""
            }
        )));
    }
    Ok(Drawn {
        title: format!("{} trade: {ya} vs {yb}", names.pair()),
        data: ChartData::Compare(data),
        subtitle,
        notes,
    })
}

fn mirror(args: &ChartArgs, ds: &Dataset, q: &Question, names: &Names, cur: &str) -> Result<Drawn> {
    let df = super::common::mirror_frame(ds, q, args.cif_fob, "the mirror chart", &names.pair())?;
    let d = MirrorData::from_mirror(&df, args.cif_fob, args.n.unwrap_or(10), |c| {
        countries().name_of(c)
    })?;
    let years: Vec<i32> = {
        let mut y: Vec<i32> = tradestat::frame::ints(&df, "year")?
            .into_iter()
            .flatten()
            .map(|v| v as i32)
            .collect();
        y.sort();
        y
    };
    Ok(Drawn {
        title: format!("Mirror statistics: {}, {}", names.pair(), span(&years)),
        subtitle: format!(
            "Each flow as declared by the exporter and by the importer, largest gaps first, {cur}"
        ),
        data: ChartData::Mirror(d),
        notes: vec![],
    })
}
