//! `tradestat report` and `tradestat render`: a self-contained HTML and Markdown report with
//! charts, tables and narrative; a TOML deck of charts and tables rendered in one run.

use std::path::{Path, PathBuf};

use clap::Args;
use polars::prelude::*;
use tradestat::analysis::indicators as ind;
use tradestat::analysis::{self, By, Direction, GroupBy, Partners};
use tradestat::chart::{self, Kind, Palette, Theme};
use tradestat::frame::{floats, ints, strings};
use tradestat::output::{Cell, Format, Kind as Col, Table};
use tradestat::reference::countries;
use tradestat::report::files::{self, Entry};
use tradestat::report::spec::{Deck, ItemFilters};
use tradestat::report::{Chart, Report, Section, Sentence, TableItem, narrative};
use tradestat::{Dataset, Error, Result, load};

use super::chart::ChartArgs;
use super::common::{Filters, Question};
use super::{Global, Inputs};

/// Write a report on a bilateral relationship (or a reporter and the world) into a directory:
/// index.html (self-contained, prints to A4), report.md, charts/ (PNG and SVG), tables/ (CSV)
/// and manifest.json (inputs with SHA-256, version, command line, files written).
#[derive(Debug, Args, Default)]
#[command(
    after_help = "Sections appear only where the data supports them: key figures, narrative, trend, flows
and balance, composition, top products, partner ranking, mirror comparison, indicators, data and
method notes. The narrative is generated from the numbers; each figure cites its sources.
An existing directory is not wiped: files tradestat did not write are left alone, and the
files replaced are named on stderr. Every file is written to a temporary file and renamed.

Examples:
  tradestat report                                   the embedded seed data into report/
  tradestat report comtrade.csv -r KAZ -p MEX --years 2014-2018 -o kaz-mex/
  tradestat report baci.csv -r ZAF -o zaf/"
)]
pub struct ReportArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub filters: Filters,
}

/// Render the charts and tables of a deck specification (TOML) into a directory.
#[derive(Debug, Args)]
#[command(
    after_help = "The spec lists [[chart]] items (name, kind, filters, title, subtitle, size or
width/height, scale, theme, formats, flow, by, n, group, stacked, donut) and [[table]] items
(name, kind = summary|top|composition|partners|mirror|indicators, filters, title, flow, by, n,
group); [defaults] holds filters for every item; inputs are relative to the spec file (none:
the seed data). Charts are written as NAME.png and NAME.svg, tables as NAME.csv and NAME.md.

Examples:
  tradestat render examples/deck.toml -o deck/"
)]
pub struct RenderArgs {
    /// The deck specification (TOML)
    #[arg(value_name = "SPEC.toml")]
    pub spec: PathBuf,
}

// --- charts, drawn by `tradestat chart` itself ---

fn chart_args(kind: Kind, inputs: &Inputs, filters: &Filters) -> ChartArgs {
    ChartArgs {
        kind,
        inputs: inputs.clone(),
        filters: filters.clone(),
        format_image: None,
        title: None,
        subtitle: None,
        footnote: None,
        size: (1600, 900),
        width: None,
        height: None,
        scale: 1.0,
        theme: Theme::Light,
        palette: Palette::OkabeIto,
        stacked: false,
        donut: false,
        by: None,
        direction: None,
        n: None,
        level: None,
        group: None,
        cif_fob: 1.0,
    }
}

/// A copy of chart arguments (`ChartArgs` is not `Clone`).
fn copy_args(a: &ChartArgs) -> ChartArgs {
    ChartArgs {
        kind: a.kind,
        inputs: a.inputs.clone(),
        filters: a.filters.clone(),
        format_image: a.format_image,
        title: a.title.clone(),
        subtitle: a.subtitle.clone(),
        footnote: a.footnote.clone(),
        size: a.size,
        width: a.width,
        height: a.height,
        scale: a.scale,
        theme: a.theme,
        palette: a.palette,
        stacked: a.stacked,
        donut: a.donut,
        by: a.by.clone(),
        direction: a.direction,
        n: a.n,
        level: a.level,
        group: a.group,
        cif_fob: a.cif_fob,
    }
}

/// Draw one chart to `path` with `tradestat chart`; `Ok(false)` (and the reason) when the data
/// does not support it.
fn draw_to(a: &ChartArgs, g: &Global, path: &Path) -> Result<std::result::Result<(), String>> {
    let mut g2 = g.clone();
    g2.out = Some(path.to_path_buf());
    g2.quiet = true;
    match super::chart::run(copy_args(a), &g2) {
        Ok(()) => Ok(Ok(())),
        Err(Error::Request(m)) => Ok(Err(m)),
        Err(e) => Err(e),
    }
}

/// A temporary directory for drawing, removed when dropped.
struct Staging(PathBuf);

impl Staging {
    fn new() -> Result<Staging> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p =
            std::env::temp_dir().join(format!("tradestat-report-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).map_err(|source| Error::Write {
            path: p.clone(),
            source,
        })?;
        Ok(Staging(p))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Draw a chart as SVG and PNG in memory (through the staging directory).
fn draw(
    a: &ChartArgs,
    g: &Global,
    staging: &Staging,
    name: &str,
    caption: String,
    skipped: &mut Vec<String>,
) -> Result<Option<Chart>> {
    let svg_path = staging.0.join(format!("{name}.svg"));
    let png_path = staging.0.join(format!("{name}.png"));
    // The two formats are drawn side by side: each run loads and analyses the data again.
    let (svg, png) = std::thread::scope(|scope| {
        let png = scope.spawn(|| draw_to(a, g, &png_path));
        let svg = draw_to(a, g, &svg_path);
        (
            svg,
            png.join()
                .unwrap_or_else(|_| Err(Error::Chart("the PNG drawing panicked".into()))),
        )
    });
    for drawn in [svg?, png?] {
        if let Err(why) = drawn {
            skipped.push(format!("no {} chart: {why}", a.kind.name()));
            return Ok(None);
        }
    }
    let read = |p: &Path| {
        std::fs::read(p).map_err(|source| Error::Io {
            path: p.to_path_buf(),
            source,
        })
    };
    Ok(Some(Chart {
        name: name.to_string(),
        caption,
        svg: String::from_utf8_lossy(&read(&svg_path)?).into_owned(),
        png: read(&png_path)?,
    }))
}

// --- tables from the analysis engine ---

/// The summary per year, as numbers.
struct Summary {
    years: Vec<i32>,
    exports: Vec<Option<f64>>,
    imports: Vec<Option<f64>>,
    turnover: Vec<Option<f64>>,
    balance: Vec<Option<f64>>,
    coverage: Vec<Option<f64>>,
    growth: Vec<Option<f64>>,
    derived: Vec<Option<String>>,
}

fn summary(ds: &Dataset, q: &Question) -> Result<Summary> {
    let df = ds.collect(
        q.keep_years(analysis::summary(ds.lf.clone(), &q.reporter, &q.partners)),
        "the summary",
    )?;
    Ok(Summary {
        years: ints(&df, "year")?
            .into_iter()
            .map(|y| y.unwrap_or(0) as i32)
            .collect(),
        exports: floats(&df, "exports")?,
        imports: floats(&df, "imports")?,
        turnover: floats(&df, "turnover")?,
        balance: floats(&df, "balance")?,
        coverage: floats(&df, "coverage")?,
        growth: floats(&df, "growth")?,
        derived: strings(&df, "derived")?,
    })
}

fn num(v: Option<f64>) -> Cell {
    v.map(Cell::Num).unwrap_or(Cell::Empty)
}

fn text(v: Option<String>) -> Cell {
    v.map(Cell::Text).unwrap_or(Cell::Empty)
}

fn summary_table(s: &Summary, title: String) -> Table {
    let mut t = Table::new(vec![
        ("year", Col::Text),
        ("exports", Col::Money),
        ("imports", Col::Money),
        ("turnover", Col::Money),
        ("balance", Col::Money),
        ("coverage", Col::Ratio),
        ("growth", Col::Percent),
        ("derived", Col::Text),
    ]);
    t.title = Some(title);
    for i in 0..s.years.len() {
        t.push(vec![
            Cell::Text(s.years[i].to_string()),
            num(s.exports[i]),
            num(s.imports[i]),
            num(s.turnover[i]),
            num(s.balance[i]),
            num(s.coverage[i]),
            num(s.growth[i]),
            text(s.derived[i].clone()),
        ]);
    }
    t
}

/// First and last years with a turnover.
fn span(s: &Summary) -> Option<((i32, f64), (i32, f64))> {
    let pts: Vec<(i32, f64)> = (0..s.years.len())
        .filter_map(|i| s.turnover[i].map(|v| (s.years[i], v)))
        .collect();
    Some((*pts.first()?, *pts.last()?))
}

fn key_table(s: &Summary, title: String) -> Option<Table> {
    let ((ya, _), (yb, _)) = span(s)?;
    let at = |c: &[Option<f64>], y: i32| s.years.iter().position(|x| *x == y).and_then(|i| c[i]);
    let two = ya != yb;
    let mut cols = vec![("measure", Col::Text)];
    let (a, b) = (ya.to_string(), yb.to_string());
    if two {
        cols.push((&a, Col::Money));
    }
    cols.push((&b, Col::Money));
    if two {
        cols.push(("change_pct", Col::Percent));
    }
    let mut t = Table::new(cols);
    t.title = Some(title);
    for (name, c) in [
        ("exports", &s.exports),
        ("imports", &s.imports),
        ("turnover", &s.turnover),
        ("balance", &s.balance),
    ] {
        let (va, vb) = (at(c, ya), at(c, yb));
        if va.is_none() && vb.is_none() {
            continue;
        }
        let mut row = vec![Cell::Text(name.into())];
        if two {
            row.push(num(va));
        }
        row.push(num(vb));
        if two {
            row.push(num(va
                .zip(vb)
                .and_then(|(a, b)| (a != 0.0).then(|| (b - a) / a.abs()))));
        }
        t.push(row);
    }
    Some(t)
}

/// The top `n` products (or partners) in `year`; rows: (code, name, value, share).
fn top_table(
    ds: &Dataset,
    q: &Question,
    direction: Direction,
    by: By,
    n: usize,
    title: String,
) -> Result<Option<Table>> {
    let year = q.one_year()?;
    let df = ds.collect(
        analysis::top(
            ds.lf.clone(),
            &q.reporter,
            &q.partners,
            analysis::Ranking {
                direction,
                by,
                year,
                level: None,
                n,
            },
        ),
        "the ranking",
    )?;
    let value = floats(&df, "value")?;
    if !value.iter().any(|v| v.is_some_and(|v| v != 0.0)) {
        return Ok(None);
    }
    let mut t = Table::new(vec![
        ("rank", Col::Integer),
        ("code", Col::Text),
        ("name", Col::Text),
        ("value", Col::Money),
        ("share", Col::Percent),
        ("cumulative_share", Col::Percent),
    ]);
    t.title = Some(title);
    let (rank, code, name, share, cum) = (
        ints(&df, "rank")?,
        strings(&df, "code")?,
        strings(&df, "name")?,
        floats(&df, "share")?,
        floats(&df, "cumulative_share")?,
    );
    for i in 0..df.height() {
        let c = code[i].clone().unwrap_or_default();
        let nm = match by {
            By::Partner => countries().name_of(&c),
            By::Product => name[i].clone().unwrap_or_default(),
        };
        t.push(vec![
            rank[i].map(Cell::Int).unwrap_or(Cell::Empty),
            Cell::Text(c),
            Cell::Text(nm),
            num(value[i]),
            num(share[i]),
            num(cum[i]),
        ]);
    }
    Ok(Some(t))
}

fn composition_table(
    ds: &Dataset,
    q: &Question,
    direction: Direction,
    group: GroupBy,
    title: String,
) -> Result<Option<Table>> {
    let year = q.one_year()?;
    let df = ds.collect(
        analysis::composition(ds.lf.clone(), &q.reporter, &q.partners, direction, group)
            .filter(col("year").eq(lit(year))),
        "the composition",
    )?;
    let v = floats(&df, "value")?;
    if !v.iter().any(|v| v.is_some_and(|v| v != 0.0)) {
        return Ok(None);
    }
    let mut t = Table::new(vec![
        ("year", Col::Text),
        ("group", Col::Text),
        ("label", Col::Text),
        ("value", Col::Money),
        ("share", Col::Percent),
    ]);
    t.title = Some(title);
    let (gr, l, s) = (
        strings(&df, "group")?,
        strings(&df, "label")?,
        floats(&df, "share")?,
    );
    for i in 0..df.height() {
        t.push(vec![
            Cell::Text(year.to_string()),
            text(gr[i].clone()),
            text(l[i].clone()),
            num(v[i]),
            num(s[i]),
        ]);
    }
    Ok(Some(t))
}

fn partners_table(
    ds: &Dataset,
    q: &Question,
    by: Direction,
    n: usize,
    title: String,
) -> Result<Option<Table>> {
    let year = q.one_year()?;
    let df = ds.collect(
        analysis::partners(ds.lf.clone(), &q.reporter, &q.partners, year, by),
        "the partner ranking",
    )?;
    if df.height() < 2 {
        return Ok(None);
    }
    let mut t = Table::new(vec![
        ("rank", Col::Integer),
        ("partner", Col::Text),
        ("name", Col::Text),
        ("exports", Col::Money),
        ("imports", Col::Money),
        ("turnover", Col::Money),
        ("balance", Col::Money),
        ("share", Col::Percent),
    ]);
    t.title = Some(title);
    let rank = ints(&df, "rank")?;
    let partner = strings(&df, "partner")?;
    let nums: Vec<Vec<Option<f64>>> = ["exports", "imports", "turnover", "balance", "share"]
        .iter()
        .map(|c| floats(&df, c))
        .collect::<Result<_>>()?;
    let limit = if n == 0 {
        df.height()
    } else {
        n.min(df.height())
    };
    for i in 0..limit {
        let p = partner[i].clone().unwrap_or_default();
        let mut row = vec![
            rank[i].map(Cell::Int).unwrap_or(Cell::Empty),
            Cell::Text(p.clone()),
            Cell::Text(countries().name_of(&p)),
        ];
        row.extend(nums.iter().map(|c| num(c[i])));
        t.push(row);
    }
    Ok(Some(t))
}

fn mirror_table(ds: &Dataset, q: &Question, title: String) -> Result<Option<Table>> {
    let df = ds.collect(
        q.keep_years(ind::mirror(ds.lf.clone(), &q.reporter, &q.partners, 1.0)),
        "mirror statistics",
    )?;
    let (ev, iv) = (
        floats(&df, "exporter_value")?,
        floats(&df, "importer_value")?,
    );
    if !(0..df.height()).any(|i| ev[i].is_some() && iv[i].is_some()) {
        return Ok(None);
    }
    let mut t = Table::new(vec![
        ("year", Col::Text),
        ("exporter", Col::Text),
        ("importer", Col::Text),
        ("exporter_value", Col::Money),
        ("importer_value", Col::Money),
        ("gap", Col::Money),
        ("gap_pct", Col::Percent),
    ]);
    t.title = Some(title);
    let (y, ex, im, gap, pct) = (
        ints(&df, "year")?,
        strings(&df, "exporter")?,
        strings(&df, "importer")?,
        floats(&df, "gap")?,
        floats(&df, "gap_pct")?,
    );
    for i in 0..df.height() {
        t.push(vec![
            text(y[i].map(|y| y.to_string())),
            text(ex[i].clone()),
            text(im[i].clone()),
            num(ev[i]),
            num(iv[i]),
            num(gap[i]),
            num(pct[i]),
        ]);
    }
    Ok(Some(t))
}

fn indicators_table(ds: &Dataset, q: &Question, title: String) -> Result<Option<Table>> {
    let year = q.one_year()?;
    let df = ds.collect(
        ind::indicators(
            ind::declared(ds.lf.clone(), year, None),
            &q.reporter,
            &q.partners,
        ),
        "the indicators",
    )?;
    let mut t = Table::new(vec![("indicator", Col::Text), ("value", Col::Ratio)]);
    t.title = Some(title);
    let get =
        |name: &str| -> Result<Option<f64>> { Ok(floats(&df, name)?.first().copied().flatten()) };
    // Indicators need trade between the two and product detail (more than one product).
    let trade = get("x_ij")?.unwrap_or(0.0) + get("m_ij")?.unwrap_or(0.0);
    let products = get("products_exported")?.unwrap_or(0.0);
    if trade <= 0.0 || products < 2.0 {
        return Ok(None);
    }
    for name in ind::INDICATORS {
        if let Some(v) = get(name)? {
            t.push(vec![Cell::Text(name.to_string()), Cell::Num(v)]);
        }
    }
    t.notes.push("world = all reporters in the input".into());
    Ok(Some(t))
}

/// Sources of the reporter's usable rows in `years`.
fn sources_in(ds: &Dataset, q: &Question, years: &[i32]) -> Result<Vec<String>> {
    let r = lit(q.reporter.clone());
    let df =
        ds.collect(
            analysis::usable(ds.lf.clone())
                .filter(col("reporter").eq(r.clone()).or(col("partner").eq(r)).and(
                    col("year").is_in(
                        lit(Series::new(PlSmallStr::EMPTY, years.to_vec())).implode(true),
                        false,
                    ),
                ))
                .select([col("source")])
                .unique(None, UniqueKeepStrategy::Any)
                .sort(["source"], SortMultipleOptions::default()),
            "the sources",
        )?;
    Ok(strings(&df, "source")?.into_iter().flatten().collect())
}

/// "Gold (7108)", or "product 7108" when the data has no name.
fn product_words(name: &str, code: &str) -> String {
    if name.trim().is_empty() || name == code {
        format!("product {code}")
    } else {
        format!("{name} ({code})")
    }
}

fn partner_words(q: &Question, filters: &Filters) -> String {
    match (&q.partners, &filters.region) {
        (_, Some(r)) => r.clone(),
        (Partners::World, None) => "the world".into(),
        (Partners::Some(p), None) if p.len() == 1 => countries().name_of(&p[0]),
        (Partners::Some(p), None) => format!("{} partners", p.len()),
    }
}

fn flow_name(d: Direction) -> &'static str {
    match d {
        Direction::Exports => "exports",
        Direction::Imports => "imports",
        Direction::Turnover => "turnover",
    }
}

/// Build the whole report in memory.
fn build(args: &ReportArgs, g: &Global, ds: &Dataset, q: &Question) -> Result<Report> {
    let staging = Staging::new()?;
    let cur = q.currency.clone();
    let reporter = countries().name_of(&q.reporter);
    let partner = partner_words(q, &args.filters);
    let pair = format!(
        "{reporter} - {}",
        if partner == "the world" {
            "World"
        } else {
            &partner
        }
    );
    let s = summary(ds, q)?;
    if !s.turnover.iter().any(Option::is_some) {
        return Err(Error::Request(format!(
            "no trade between {pair} in the data for the years asked"
        )));
    }
    let years_text = match span(&s) {
        Some(((a, _), (b, _))) if a != b => format!("{a}-{b}"),
        Some(((a, _), _)) => a.to_string(),
        None => String::new(),
    };
    let mut r = Report {
        title: format!("{pair}: trade report"),
        subtitle: format!(
            "{years_text}; values in {cur}; generated by tradestat {} from {}",
            env!("CARGO_PKG_VERSION"),
            if ds.seed {
                "the embedded seed data (data/seed.csv)".to_string()
            } else {
                args.inputs.files.join(", ")
            }
        ),
        currency: cur.clone(),
        ..Report::default()
    };
    let mut skipped: Vec<String> = Vec::new();
    let mut narrative: Vec<Sentence> = Vec::new();
    let cite = |r: &mut Report, years: &[i32]| -> Result<Vec<usize>> {
        Ok(sources_in(ds, q, years)?
            .iter()
            .map(|src| r.cite(src))
            .collect())
    };

    // Key figures and the headline sentence.
    let mut key = Section::new("key-figures", "Key figures");
    if let Some(t) = key_table(&s, format!("Key figures: {pair}")) {
        key.tables.push(TableItem {
            name: "key-figures".into(),
            table: t,
        });
    }
    if let Some((first, last)) = span(&s) {
        let text = if first.0 != last.0 {
            narrative::turnover_change(&reporter, &partner, first, last, &cur)
        } else {
            narrative::turnover_one_year(&reporter, &partner, last.0, last.1, &cur)
        };
        let cites = cite(&mut r, &[first.0, last.0])?;
        narrative.push(Sentence { text, cites });
    }
    // The latest year with both exports and imports.
    if let Some(i) = (0..s.years.len())
        .rev()
        .find(|&i| s.exports[i].is_some() && s.imports[i].is_some())
    {
        let mut text = narrative::flows(
            &reporter,
            &partner,
            s.years[i],
            s.exports[i].unwrap_or(0.0),
            s.imports[i].unwrap_or(0.0),
            &cur,
        );
        // A turnover summed from exports and imports is the definition; a derived flow is news.
        let derived: Vec<&str> = s.derived[i]
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|d| matches!(*d, "exports" | "imports"))
            .collect();
        if !derived.is_empty() {
            text.push_str(&format!(
                " The {} figure is derived from the reported turnover and the other flow.",
                derived.join(" and ")
            ));
        }
        let cites = cite(&mut r, &[s.years[i]])?;
        narrative.push(Sentence { text, cites });
    }
    let inputs = &args.inputs;
    let filters = &args.filters;

    // Trend.
    let mut trend = Section::new("trend", "Trend");
    if let Some(c) = draw(
        &chart_args(Kind::Trend, inputs, filters),
        g,
        &staging,
        "trend",
        format!("{pair}: exports, imports and turnover, {years_text}"),
        &mut skipped,
    )? {
        trend.charts.push(c);
    }
    if let Some(((a, _), (b, _))) = span(&s).filter(|(a, b)| a.0 != b.0) {
        let mut f = filters.clone();
        f.years = Some(format!("{a},{b}"));
        if let Some(c) = draw(
            &chart_args(Kind::Compare, inputs, &f),
            g,
            &staging,
            "compare",
            format!("{pair}: {a} against {b}"),
            &mut skipped,
        )? {
            trend.charts.push(c);
        }
    }
    trend.tables.push(TableItem {
        name: "summary".into(),
        table: summary_table(&s, format!("Trade summary: {pair}")),
    });

    // Flows and balance.
    let mut flows = Section::new("flows-balance", "Flows and balance");
    if s.exports.iter().chain(&s.imports).any(Option::is_some) {
        if let Some(c) = draw(
            &chart_args(Kind::Flows, inputs, filters),
            g,
            &staging,
            "flows",
            format!("{pair}: exports and imports per year"),
            &mut skipped,
        )? {
            flows.charts.push(c);
        }
        if let Some(c) = draw(
            &chart_args(Kind::Balance, inputs, filters),
            g,
            &staging,
            "balance",
            format!("{reporter}'s trade balance with {partner}"),
            &mut skipped,
        )? {
            flows.charts.push(c);
        }
    } else {
        skipped.push("no flows and balance: the data has turnover only".into());
    }

    // Composition.
    let year = q.one_year()?;
    let mut comp = Section::new("composition", "Composition");
    if let Some(t) = composition_table(
        ds,
        q,
        Direction::Turnover,
        GroupBy::Section,
        format!("Turnover by HS section: {pair}, {year}"),
    )? {
        let mut a = chart_args(Kind::Composition, inputs, filters);
        a.direction = Some(Direction::Turnover);
        a.group = Some(GroupBy::Section);
        let mut f = filters.clone();
        f.years = Some(year.to_string());
        a.filters = f;
        if let Some(c) = draw(
            &a,
            g,
            &staging,
            "composition",
            format!("{pair}: turnover by HS section, {year}"),
            &mut skipped,
        )? {
            comp.charts.push(c);
        }
        if let Some(top) = t.rows.first()
            && let (Cell::Text(label), Cell::Num(v), Cell::Num(sh)) = (&top[2], &top[3], &top[4])
        {
            let cites = cite(&mut r, &[year])?;
            narrative.push(Sentence {
                text: narrative::largest("section of turnover", year, label, *v, *sh, &cur),
                cites,
            });
        }
        comp.tables.push(TableItem {
            name: "composition".into(),
            table: t,
        });
    } else {
        skipped.push(format!(
            "no composition: no product values for {pair} in {year}"
        ));
    }

    // Top products: exports, else imports.
    let mut top = Section::new("top-products", "Top products");
    for dir in [Direction::Exports, Direction::Imports] {
        let Some(t) = top_table(
            ds,
            q,
            dir,
            By::Product,
            10,
            format!(
                "Top {} products: {pair}, {year}",
                flow_name(dir).trim_end_matches('s')
            ),
        )?
        else {
            continue;
        };
        let mut a = chart_args(Kind::Top, inputs, filters);
        a.direction = Some(dir);
        let mut f = filters.clone();
        f.years = Some(year.to_string());
        a.filters = f;
        if let Some(c) = draw(
            &a,
            g,
            &staging,
            &format!("top-{}", flow_name(dir)),
            format!(
                "{pair}: top {} products, {year}",
                flow_name(dir).trim_end_matches('s')
            ),
            &mut skipped,
        )? {
            top.charts.push(c);
        }
        if let Some(row) = t.rows.first()
            && let (Cell::Text(code), Cell::Text(name), Cell::Num(v), Cell::Num(sh)) =
                (&row[1], &row[2], &row[3], &row[4])
        {
            let what = format!("{} product", flow_name(dir).trim_end_matches('s'));
            let cites = cite(&mut r, &[year])?;
            narrative.push(Sentence {
                text: narrative::largest(&what, year, &product_words(name, code), *v, *sh, &cur),
                cites,
            });
        }
        top.tables.push(TableItem {
            name: format!("top-{}", flow_name(dir)),
            table: t,
        });
    }
    if top.tables.is_empty() {
        skipped.push(format!("no top products: no product values in {year}"));
    }

    // Partner ranking: only when the report covers several partners.
    let mut partners = Section::new("partners", "Partner ranking");
    if !matches!(&q.partners, Partners::Some(p) if p.len() == 1) {
        if let Some(t) = partners_table(
            ds,
            q,
            Direction::Turnover,
            15,
            format!("Partners of {reporter} by turnover, {year}"),
        )? {
            let mut a = chart_args(Kind::Top, inputs, filters);
            a.by = Some("partner".into());
            a.direction = Some(Direction::Turnover);
            a.n = Some(15);
            let mut f = filters.clone();
            f.years = Some(year.to_string());
            a.filters = f;
            if let Some(c) = draw(
                &a,
                g,
                &staging,
                "partners",
                format!("{reporter}'s largest partners by turnover, {year}"),
                &mut skipped,
            )? {
                partners.charts.push(c);
            }
            if let Some(row) = t.rows.first()
                && let (Cell::Text(name), Cell::Num(v), Cell::Num(sh)) = (&row[2], &row[5], &row[7])
            {
                let cites = cite(&mut r, &[year])?;
                narrative.push(Sentence {
                    text: format!(
                        "{name} was {reporter}'s largest trading partner in {year}, with a turnover of {} ({} of the total).",
                        narrative::money(*v, &cur),
                        narrative::share(*sh)
                    ),
                    cites,
                });
            }
            partners.tables.push(TableItem {
                name: "partners".into(),
                table: t,
            });
        }
    } else {
        skipped.push(format!(
            "no partner ranking: the report covers one partner ({partner})"
        ));
    }

    // Mirror comparison.
    let mut mirror = Section::new("mirror", "Mirror comparison");
    if let Some(t) = mirror_table(ds, q, format!("Mirror statistics: {pair}"))? {
        if let Some(c) = draw(
            &chart_args(Kind::Mirror, inputs, filters),
            g,
            &staging,
            "mirror",
            format!("{pair}: flows as declared by exporter and importer"),
            &mut skipped,
        )? {
            mirror.charts.push(c);
        }
        mirror.tables.push(TableItem {
            name: "mirror".into(),
            table: t,
        });
    } else {
        skipped
            .push("no mirror comparison: no flow is declared by both exporter and importer".into());
    }

    // Indicators.
    let mut indicators = Section::new("indicators", "Indicators");
    if let Some(t) = indicators_table(ds, q, format!("Indicators: {pair}, {year}"))? {
        indicators.tables.push(TableItem {
            name: "indicators".into(),
            table: t,
        });
    } else {
        skipped.push(format!(
            "no indicators: no trade with product detail in {year}"
        ));
    }

    // Data and method notes.
    let mut notes = Section::new("notes", "Data and method notes");
    notes.paragraphs.push(vec![Sentence::plain(format!(
        "Figures for {reporter} with {partner}, {years_text}, in {cur}. Exports and imports are {reporter}'s; turnover is the reported turnover where the source gives one, else exports plus imports. Growth is on the previous calendar year; change % = (last - first) / first."
    ))]);
    for (i, y) in s.years.iter().enumerate() {
        if let Some(d) = s.derived[i].as_deref().filter(|d| !d.is_empty()) {
            notes
                .bullets
                .push(format!("Derived value: {d} {y} (computed from the other figures of that year, not reported)."));
        }
    }
    for n in super::common::left_out_notes(ds)? {
        notes.bullets.push(format!("Rows: {n}."));
    }
    for n in &skipped {
        notes.bullets.push(format!("Left out: {n}."));
    }
    let all = super::common::sources(ds)?;
    for src in all.split("; ").filter(|s| !s.is_empty()) {
        r.cite(src);
    }
    if ds.seed {
        notes.bullets.push(
            "Input: the embedded seed dataset (data/seed.csv), each row citing the document it comes from.".into(),
        );
    }

    let mut narr = Section::new("narrative", "Narrative");
    narr.paragraphs.push(narrative);
    for sec in [
        key, narr, trend, flows, comp, top, partners, mirror, indicators, notes,
    ] {
        let has = !sec.charts.is_empty()
            || !sec.tables.is_empty()
            || sec.paragraphs.iter().any(|p| !p.is_empty())
            || sec.id == "notes";
        if has {
            r.sections.push(sec);
        }
    }
    Ok(r)
}

fn input_entries(ds: &Dataset, inputs: &Inputs) -> Result<Vec<Entry>> {
    if ds.seed {
        return Ok(vec![Entry::of(
            "data/seed.csv",
            tradestat::load::SEED_CSV.as_bytes(),
        )]);
    }
    tradestat::load::expand(&inputs.files)?
        .iter()
        .map(|p| files::entry_of_file(p))
        .collect()
}

fn note_written(g: &Global, dir: &Path, written: usize, replaced: &[String]) {
    let mut notes = Vec::new();
    if !replaced.is_empty() {
        notes.push(format!(
            "replaced {} file(s) in {}: {}",
            replaced.len(),
            dir.display(),
            replaced.join(", ")
        ));
    }
    notes.push(format!("wrote {written} file(s) to {}", dir.display()));
    g.note(&notes);
}

pub fn run(args: ReportArgs, g: &Global) -> Result<()> {
    let dir = g.out.clone().unwrap_or_else(|| PathBuf::from("report"));
    if dir.is_file() {
        return Err(Error::Request(format!(
            "-o {}: a report is a directory, and this is a file",
            dir.display()
        )));
    }
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?.materialise()?;
    let (ds, q) = args.filters.apply(ds)?;
    let report = build(&args, g, &ds, &q)?;
    let out = report.files();
    let inputs = input_entries(&ds, &args.inputs)?;
    let replaced = files::write(
        &dir,
        &out,
        env!("CARGO_PKG_VERSION"),
        std::env::args().collect(),
        inputs,
    )?;
    note_written(g, &dir, out.len() + 1, &replaced);
    Ok(())
}

// --- render: a deck of charts and tables ---

fn to_filters(f: &ItemFilters) -> Filters {
    Filters {
        reporter: f.reporter.clone(),
        partner: f.partner.clone(),
        region: f.region.clone(),
        years: f.years.clone(),
        products: f.products.clone(),
        fx: None,
    }
}

fn parse<T>(what: &str, v: &Option<String>, f: impl Fn(&str) -> Option<T>) -> Result<Option<T>> {
    v.as_deref()
        .map(|s| f(s).ok_or_else(|| Error::Request(format!("unknown {what} '{s}'"))))
        .transpose()
}

fn deck_table(
    ds: Dataset,
    kind: &str,
    item: &tradestat::report::spec::TableSpec,
    filters: &Filters,
) -> Result<(Table, String)> {
    let mut filters = filters.clone();
    if kind == "partners" && filters.partner.is_none() && filters.region.is_none() {
        filters.partner = Some("world".into());
    }
    let (ds, q) = filters.apply(ds)?;
    let dir = parse("flow", &item.flow, |s| s.parse::<Direction>().ok())?;
    let n = item.n.unwrap_or(10);
    let none = |what: &str| Error::Request(format!("table {}: no {what} in the data", item.name));
    let t = match kind {
        "summary" => {
            let s = summary(&ds, &q)?;
            if s.years.is_empty() {
                return Err(none("summary"));
            }
            summary_table(&s, format!("Trade summary: {}", q.title()))
        }
        "top" => {
            let by = match item.by.as_deref() {
                None | Some("product") => By::Product,
                Some("partner") => By::Partner,
                Some(o) => return Err(Error::Request(format!("unknown by '{o}'"))),
            };
            let d = dir.unwrap_or(Direction::Exports);
            top_table(
                &ds,
                &q,
                d,
                by,
                n,
                format!("Top {}: {}", flow_name(d), q.title()),
            )?
            .ok_or_else(|| none("values to rank"))?
        }
        "composition" => {
            let group = parse("group", &item.group, |s| {
                super::composition::parse_group(s).ok()
            })?
            .unwrap_or(GroupBy::Section);
            let d = dir.unwrap_or(Direction::Turnover);
            composition_table(&ds, &q, d, group, format!("Composition: {}", q.title()))?
                .ok_or_else(|| none("product values"))?
        }
        "partners" => partners_table(
            &ds,
            &q,
            dir.unwrap_or(Direction::Turnover),
            n,
            format!("Partners: {}", q.title()),
        )?
        .ok_or_else(|| none("partners to rank"))?,
        "mirror" => mirror_table(&ds, &q, format!("Mirror statistics: {}", q.title()))?
            .ok_or_else(|| none("flows declared by both sides"))?,
        "indicators" => indicators_table(&ds, &q, format!("Indicators: {}", q.title()))?
            .ok_or_else(|| none("product detail"))?,
        other => {
            return Err(Error::Request(format!(
                "table {}: unknown kind '{other}'; kinds are summary, top, composition, partners, mirror, indicators",
                item.name
            )));
        }
    };
    Ok((t, q.currency))
}

pub fn render(args: RenderArgs, g: &Global) -> Result<()> {
    let deck = Deck::read(&args.spec)?;
    let Some(dir) = g.out.clone() else {
        return Err(Error::Request(
            "render needs an output directory: -o DIR".into(),
        ));
    };
    let base = args.spec.parent().unwrap_or(Path::new(""));
    let inputs = Inputs {
        files: deck
            .inputs
            .iter()
            .map(|i| base.join(i).to_string_lossy().into_owned())
            .collect(),
    };
    // Everything is checked and drawn in a staging directory first, then moved into place.
    let staging = Staging::new()?;
    let mut made: Vec<String> = Vec::new();
    for item in &deck.charts {
        let kind = parse("chart kind", &Some(item.kind.clone()), Kind::from_name)?
            .ok_or_else(|| Error::Request("chart without kind".into()))?;
        let filters = to_filters(&item.filters.or(&deck.defaults));
        let mut a = chart_args(kind, &inputs, &filters);
        a.size = parse("size", &item.size, chart::size_preset)?.unwrap_or((1920, 1080));
        a.width = item.width;
        a.height = item.height;
        a.scale = item.scale.unwrap_or(1.0);
        a.theme = parse("theme", &item.theme, Theme::from_name)?.unwrap_or(Theme::Light);
        a.title = item.title.clone();
        a.subtitle = item.subtitle.clone();
        a.by = item.by.clone();
        a.direction = parse("flow", &item.flow, |s| s.parse::<Direction>().ok())?;
        a.n = item.n;
        a.group = parse("group", &item.group, |s| {
            super::composition::parse_group(s).ok()
        })?;
        a.stacked = item.stacked.unwrap_or(false);
        a.donut = item.donut.unwrap_or(false);
        let formats = item
            .formats
            .clone()
            .unwrap_or_else(|| vec!["png".into(), "svg".into()]);
        for f in formats {
            if !matches!(f.as_str(), "png" | "svg") {
                return Err(Error::Request(format!(
                    "chart {}: unknown format '{f}'; use png or svg",
                    item.name
                )));
            }
            let name = format!("{}.{f}", item.name);
            if let Err(why) = draw_to(&a, g, &staging.0.join(&name))? {
                return Err(Error::Request(format!("chart {}: {why}", item.name)));
            }
            made.push(name);
        }
    }
    for item in &deck.tables {
        let ds = load(&inputs.files, &g.load_options(Default::default())?)?.materialise()?;
        let filters = to_filters(&item.filters.or(&deck.defaults));
        let (mut t, cur) = deck_table(ds, &item.kind, item, &filters)?;
        if let Some(title) = &item.title {
            t.title = Some(title.clone());
        }
        for (ext, format) in [("csv", Format::Csv), ("md", Format::Markdown)] {
            let name = format!("{}.{ext}", item.name);
            tradestat::write::text(&staging.0.join(&name), &t.render(format, &cur))?;
            made.push(name);
        }
    }
    let mut out = Vec::new();
    for name in &made {
        let p = staging.0.join(name);
        let bytes = std::fs::read(&p).map_err(|source| Error::Io { path: p, source })?;
        out.push((name.clone(), bytes));
    }
    let replaced = files::write_plain(&dir, &out)?;
    note_written(g, &dir, out.len(), &replaced);
    Ok(())
}
