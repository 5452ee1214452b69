//! A deck: the charts and tables a TOML specification lists, each with its own filters, drawn
//! from inputs loaded once and returned as files (name, bytes) for the caller to write: each
//! chart and table on its own, every table in one workbook, and the slides in one PowerPoint
//! file.

use std::path::Path;

use crate::analysis::answers::Summary;
use crate::analysis::notes;
use crate::analysis::{By, Direction, GroupBy};
use crate::chart::compose::{ChartRequest, compose};
use crate::chart::{self, Kind, Theme};
use crate::output::{Format, Table};
use crate::question::Filters;
use crate::report::build::flow_name;
use crate::report::spec::{Deck, ItemFilters, SlideItem, TableSpec};
use crate::report::{SlideChart, pptx};
use crate::tables::{
    composition_table, indicators_table, mirror_table, partners_table, summary_table, top_table,
};
use crate::xlsx;
use crate::{Dataset, Error, LoadOptions, Result, load};

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

/// A table of the deck, the currency of its values and the sources of the rows it used.
fn deck_table(
    ds: Dataset,
    kind: &str,
    item: &TableSpec,
    filters: &Filters,
) -> Result<(Table, String, String)> {
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
            let s = Summary::of(&ds, &q)?;
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
            .ok_or_else(|| none("values to rank (totals are not products)"))?
        }
        "composition" => {
            let group = parse("group", &item.group, |s| s.parse::<GroupBy>().ok())?
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
            .ok_or_else(|| none("trade between the two"))?,
        other => {
            return Err(Error::Request(format!(
                "table {}: unknown kind '{other}'; kinds are summary, top, composition, partners, mirror, indicators",
                item.name
            )));
        }
    };
    Ok((t, q.currency, notes::sources(&ds)?))
}

/// The inputs of a deck, relative to the spec file's folder.
pub fn inputs(deck: &Deck, spec: &Path) -> Vec<String> {
    let base = spec.parent().unwrap_or(Path::new(""));
    deck.inputs
        .iter()
        .map(|i| base.join(i).to_string_lossy().into_owned())
        .collect()
}

/// Render every chart and table of `deck` from its inputs, loaded once: the files to write
/// (`NAME.png`, `NAME.svg`, `NAME.csv`, `NAME.md`) in the spec's order, then `tables.xlsx`
/// (every table, one sheet each) and `deck.pptx` (the title slide and the slides in the spec's
/// order). `command_line` goes into the workbook's notes sheet. Any item the data cannot
/// support is an error naming the item: a deck is all or nothing.
pub fn render(
    deck: &Deck,
    spec: &Path,
    options: &LoadOptions,
    command_line: &[String],
) -> Result<Vec<(String, Vec<u8>)>> {
    // The spec names its inputs: errors about them show no text of the files (see
    // `Error::without_file_text`).
    let ds = load(&inputs(deck, spec), options)
        .and_then(Dataset::materialise)
        .map_err(Error::without_file_text)?;
    let aspect = deck.aspect();
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut chart_slides: Vec<pptx::Slide> = Vec::new();
    let mut table_slides: Vec<pptx::Slide> = Vec::new();
    let mut tables: Vec<(String, Table, String)> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    let mut add_source = |s: String| {
        if !s.is_empty() && !sources.contains(&s) {
            sources.push(s);
        }
    };
    let notes_of = |n: &Option<String>| -> Vec<String> {
        n.iter()
            .flat_map(|t| t.split("\n\n"))
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()
    };
    for item in &deck.charts {
        let kind = parse("chart kind", &Some(item.kind.clone()), Kind::from_name)?
            .ok_or_else(|| Error::Request("chart without kind".into()))?;
        let mut req = ChartRequest::new(kind);
        (req.width, req.height) =
            parse("size", &item.size, chart::size_preset)?.unwrap_or((1920, 1080));
        if let Some(w) = item.width {
            req.width = w;
        }
        if let Some(h) = item.height {
            req.height = h;
        }
        req.scale = item.scale.unwrap_or(1.0);
        req.theme = parse("theme", &item.theme, Theme::from_name)?.unwrap_or(Theme::Light);
        req.title = item.title.clone();
        req.subtitle = item.subtitle.clone();
        req.by = item.by.clone();
        req.direction = parse("flow", &item.flow, |s| s.parse::<Direction>().ok())?;
        req.n = item.n;
        req.group = parse("group", &item.group, |s| s.parse::<GroupBy>().ok())?;
        req.stacked = item.stacked.unwrap_or(false);
        req.donut = item.donut.unwrap_or(false);
        let formats = item
            .formats
            .clone()
            .unwrap_or_else(|| vec!["png".into(), "svg".into()]);
        for f in &formats {
            if !matches!(f.as_str(), "png" | "svg") {
                return Err(Error::Request(format!(
                    "chart {}: unknown format '{f}'; use png or svg",
                    item.name
                )));
            }
        }
        let in_chart = |e: Error| match e {
            Error::Request(why) => Error::Request(format!("chart {}: {why}", item.name)),
            e => e,
        };
        req.check().map_err(in_chart)?;
        let filters = req.filters(&to_filters(&item.filters.or(&deck.defaults)));
        let (ds, q) = filters.apply(ds.clone()).map_err(in_chart)?;
        let composed = compose(&ds, &q, &req).map_err(in_chart)?;
        add_source(notes::sources(&ds)?);
        let slide = SlideChart::draw(&composed.data, &composed.spec, aspect)?;
        chart_slides.push(slide.slide(None, notes_of(&item.notes)));
        for f in formats {
            let bytes = match f.as_str() {
                "png" => chart::to_png(&composed.data, &composed.spec)?,
                _ => chart::to_svg(&composed.data, &composed.spec)?.into_bytes(),
            };
            out.push((format!("{}.{f}", item.name), bytes));
        }
    }
    for item in &deck.tables {
        let filters = to_filters(&item.filters.or(&deck.defaults));
        let (mut t, cur, src) = deck_table(ds.clone(), &item.kind, item, &filters)?;
        if let Some(title) = &item.title {
            t.title = Some(title.clone());
        }
        for (ext, format) in [("csv", Format::Csv), ("md", Format::Markdown)] {
            out.push((
                format!("{}.{ext}", item.name),
                t.render(format, &cur).into_bytes(),
            ));
        }
        table_slides.push(table_slide(
            &t,
            &item.name,
            &cur,
            &src,
            notes_of(&item.notes),
        ));
        add_source(src);
        tables.push((item.name.clone(), t, cur));
    }
    if !tables.is_empty() {
        // One workbook holds one currency's display format: the first table's (a deck mixing
        // currencies keeps each value as it is; only the sign shown would differ).
        let currency = tables[0].2.clone();
        let refs: Vec<(&str, &Table)> = tables.iter().map(|(n, t, _)| (n.as_str(), t)).collect();
        let about = xlsx::About {
            title: deck.title.clone(),
            sources: sources.clone(),
            command_line: command_line.to_vec(),
        };
        out.push((
            "tables.xlsx".into(),
            xlsx::workbook(&refs, &currency, &about)?,
        ));
    }
    let slides = deck
        .slide_order()
        .into_iter()
        .map(|s| match s {
            SlideItem::Chart(i) => chart_slides[i].clone(),
            SlideItem::Table(i) => table_slides[i].clone(),
        })
        .collect();
    let presentation = pptx::Presentation {
        title: deck
            .title
            .clone()
            .unwrap_or_else(|| "Trade statistics".into()),
        subtitle: deck.subtitle.clone(),
        date: deck.date.clone(),
        author: deck.author.clone(),
        aspect,
        notes: notes_of(&deck.notes),
        slides,
    };
    out.push(("deck.pptx".into(), pptx::package(&presentation)?));
    Ok(out)
}

/// A table's slide: the whole table when it is short enough, else its first rows, with the
/// source line saying how many and where the rest is.
fn table_slide(
    t: &Table,
    name: &str,
    currency: &str,
    sources: &str,
    notes: Vec<String>,
) -> pptx::Slide {
    let mut shown = t.clone();
    let mut source = if sources.is_empty() {
        String::new()
    } else {
        format!("Source: {sources}.")
    };
    if shown.rows.len() > pptx::MAX_TABLE_ROWS {
        shown.rows.truncate(pptx::MAX_TABLE_ROWS);
        source = format!(
            "The first {} of {} rows; the whole table is in tables.xlsx (sheet {name}) and {name}.csv. {source}",
            pptx::MAX_TABLE_ROWS,
            t.rows.len()
        );
    }
    if shown.columns.len() > pptx::MAX_TABLE_COLUMNS {
        shown.columns.truncate(pptx::MAX_TABLE_COLUMNS);
        for r in &mut shown.rows {
            r.truncate(pptx::MAX_TABLE_COLUMNS);
        }
        source = format!(
            "The first {} of {} columns; the whole table is in tables.xlsx. {source}",
            pptx::MAX_TABLE_COLUMNS,
            t.columns.len()
        );
    }
    pptx::Slide {
        title: t.title.clone().unwrap_or_else(|| name.to_string()),
        body: pptx::Body::Table {
            table: shown,
            currency: currency.to_string(),
        },
        source: (!source.is_empty()).then(|| source.trim().to_string()),
        notes,
    }
}
