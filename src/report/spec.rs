//! The deck specification (TOML) of `tradestat render`: a list of charts and tables, each with
//! its filters, title and size.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::report::pptx::Aspect;

/// Filters shared by the defaults and each item; an item's own value wins.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ItemFilters {
    pub reporter: Option<String>,
    pub partner: Option<String>,
    pub region: Option<String>,
    pub years: Option<String>,
    pub products: Option<String>,
}

impl ItemFilters {
    /// `self` with the gaps filled from `defaults`.
    pub fn or(&self, defaults: &ItemFilters) -> ItemFilters {
        ItemFilters {
            reporter: self.reporter.clone().or(defaults.reporter.clone()),
            partner: self.partner.clone().or(defaults.partner.clone()),
            region: self.region.clone().or(defaults.region.clone()),
            years: self.years.clone().or(defaults.years.clone()),
            products: self.products.clone().or(defaults.products.clone()),
        }
    }
}

/// One chart of the deck.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChartItem {
    /// Output file stem (NAME.png / NAME.svg).
    pub name: String,
    /// trend, flows, balance, top, composition, compare, mirror, pareto.
    pub kind: String,
    #[serde(flatten)]
    pub filters: ItemFilters,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    /// slide, slide-4x3, square, a4.
    pub size: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub scale: Option<f64>,
    pub theme: Option<String>,
    /// png, svg; default both.
    pub formats: Option<Vec<String>>,
    pub flow: Option<String>,
    pub by: Option<String>,
    pub n: Option<usize>,
    pub group: Option<String>,
    pub stacked: Option<bool>,
    pub donut: Option<bool>,
    /// Speaker notes of the chart's slide.
    pub notes: Option<String>,
}

/// One table of the deck.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// Output file stem (NAME.csv / NAME.md).
    pub name: String,
    /// summary, top, composition, partners, mirror, indicators.
    pub kind: String,
    #[serde(flatten)]
    pub filters: ItemFilters,
    pub title: Option<String>,
    pub flow: Option<String>,
    pub by: Option<String>,
    pub n: Option<usize>,
    pub group: Option<String>,
    /// Speaker notes of the table's slide.
    pub notes: Option<String>,
}

/// A deck: inputs (relative to the spec file; none: the seed data), records to fetch from the
/// UN Comtrade API (`[data]`, read beside the inputs), defaults, charts, tables.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Deck {
    /// The title slide: title, subtitle, date and author line (text as written).
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
    /// "16:9" (the default) or "4:3".
    pub aspect: Option<String>,
    /// Speaker notes of the title slide.
    pub notes: Option<String>,
    /// The slides after the title slide, by item name ("trend"; "chart:trend" or
    /// "table:trend" where a chart and a table share a name); default: the charts, then the
    /// tables, in the order of the file. Items not listed get no slide.
    pub slides: Option<Vec<String>>,
    #[serde(default)]
    pub inputs: Vec<String>,
    /// `[data]`: a fetch query (reporters, partners, years, flows, products, level,
    /// classification, monthly), fetched through the cache before the deck is rendered.
    pub data: Option<crate::fetch::QueryText>,
    #[serde(default)]
    pub defaults: ItemFilters,
    #[serde(default, rename = "chart")]
    pub charts: Vec<ChartItem>,
    #[serde(default, rename = "table")]
    pub tables: Vec<TableSpec>,
}

/// A slide of the deck: the chart or table at this index of [`Deck::charts`] or [`Deck::tables`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SlideItem {
    Chart(usize),
    Table(usize),
}

fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.')
}

impl Deck {
    /// Parse a deck from TOML text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Deck> {
        let deck: Deck =
            toml::from_str(text).map_err(|e| Error::Request(format!("{origin}: {e}")))?;
        if deck.charts.is_empty() && deck.tables.is_empty() {
            return Err(Error::Request(format!(
                "{origin}: no [[chart]] or [[table]] to render"
            )));
        }
        let mut seen = std::collections::BTreeSet::new();
        let names = deck
            .charts
            .iter()
            .map(|c| ("chart", &c.name))
            .chain(deck.tables.iter().map(|t| ("table", &t.name)));
        for (what, name) in names {
            if !plain_name(name) {
                return Err(Error::Request(format!(
                    "{origin}: {what} name '{name}': use letters, digits, '-', '_' and '.'"
                )));
            }
            if !seen.insert((what, name.clone())) {
                return Err(Error::Request(format!(
                    "{origin}: two {what}s are named '{name}'"
                )));
            }
        }
        if let Some(a) = &deck.aspect
            && Aspect::from_name(a).is_none()
        {
            return Err(Error::Request(format!(
                "{origin}: aspect '{a}': use \"16:9\" or \"4:3\""
            )));
        }
        let mut listed = std::collections::BTreeSet::new();
        for s in deck.slides.iter().flatten() {
            let item = deck.slide_item(s).map_err(|e| match e {
                Error::Request(why) => Error::Request(format!("{origin}: {why}")),
                e => e,
            })?;
            if !listed.insert(item) {
                return Err(Error::Request(format!(
                    "{origin}: slides: '{s}' is listed twice"
                )));
            }
        }
        Ok(deck)
    }

    /// The slide shape the spec asks for.
    pub fn aspect(&self) -> Aspect {
        self.aspect
            .as_deref()
            .and_then(Aspect::from_name)
            .unwrap_or_default()
    }

    /// The item a `slides` entry names.
    pub fn slide_item(&self, entry: &str) -> Result<SlideItem> {
        let (kind, name) = match entry.split_once(':') {
            Some((k @ ("chart" | "table"), n)) => (Some(k), n),
            _ => (None, entry),
        };
        let chart = self.charts.iter().position(|c| c.name == name);
        let table = self.tables.iter().position(|t| t.name == name);
        match (kind, chart, table) {
            (Some("chart") | None, Some(i), None) | (Some("chart"), Some(i), Some(_)) => {
                Ok(SlideItem::Chart(i))
            }
            (Some("table") | None, None, Some(i)) | (Some("table"), Some(_), Some(i)) => {
                Ok(SlideItem::Table(i))
            }
            (None, Some(_), Some(_)) => Err(Error::Request(format!(
                "slides: '{name}' is a chart and a table; write chart:{name} or table:{name}"
            ))),
            _ => Err(Error::Request(format!(
                "slides: no chart or table is named '{entry}'"
            ))),
        }
    }

    /// The slides after the title slide, in order.
    pub fn slide_order(&self) -> Vec<SlideItem> {
        match &self.slides {
            Some(list) => list
                .iter()
                .filter_map(|s| self.slide_item(s).ok())
                .collect(),
            None => (0..self.charts.len())
                .map(SlideItem::Chart)
                .chain((0..self.tables.len()).map(SlideItem::Table))
                .collect(),
        }
    }

    /// Read and parse a deck file.
    pub fn read(path: &Path) -> Result<Deck> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Deck::parse(&text, &path.display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_deck_parses() {
        let text = include_str!("../../examples/deck.toml");
        let d = Deck::parse(text, "deck.toml").unwrap();
        assert!(!d.charts.is_empty());
        assert!(!d.tables.is_empty());
    }

    #[test]
    fn slides_are_ordered_by_name() {
        let text = "aspect = \"4:3\"\nslides = [\"table:a\", \"b\", \"chart:a\"]\n[[chart]]\nname = \"a\"\nkind = \"trend\"\n[[chart]]\nname = \"b\"\nkind = \"flows\"\n[[table]]\nname = \"a\"\nkind = \"summary\"\n";
        let d = Deck::parse(text, "x").unwrap();
        assert_eq!(d.aspect(), Aspect::Standard);
        assert_eq!(
            d.slide_order(),
            [
                SlideItem::Table(0),
                SlideItem::Chart(1),
                SlideItem::Chart(0)
            ]
        );
        let ambiguous = text.replace("\"chart:a\"", "\"a\"");
        let e = Deck::parse(&ambiguous, "x").unwrap_err().to_string();
        assert!(e.contains("chart:a or table:a"), "{e}");
        let missing = text.replace("\"b\", \"chart", "\"zz\", \"chart");
        assert!(Deck::parse(&missing, "x").is_err());
        let twice = text.replace("\"b\", \"chart", "\"table:a\", \"chart");
        assert!(Deck::parse(&twice, "x").is_err());
        assert!(Deck::parse(&text.replace("4:3", "5:4"), "x").is_err());
        let default = Deck::parse(&text.replace("slides = ", "# "), "x").unwrap();
        assert_eq!(
            default.slide_order(),
            [
                SlideItem::Chart(0),
                SlideItem::Chart(1),
                SlideItem::Table(0)
            ]
        );
    }

    #[test]
    fn item_filters_fall_back_to_defaults() {
        let d = Deck::parse(
            "[defaults]\nreporter = \"KAZ\"\nyears = \"2014,2018\"\n[[chart]]\nname = \"t\"\nkind = \"trend\"\nyears = \"2014\"\n",
            "x",
        )
        .unwrap();
        let f = d.charts[0].filters.or(&d.defaults);
        assert_eq!(f.reporter.as_deref(), Some("KAZ"));
        assert_eq!(f.years.as_deref(), Some("2014"));
    }

    #[test]
    fn bad_decks_are_refused() {
        assert!(Deck::parse("", "x").is_err());
        assert!(Deck::parse("[[chart]]\nname = \"../evil\"\nkind = \"trend\"\n", "x").is_err());
        assert!(
            Deck::parse(
                "[[chart]]\nname = \"a\"\nkind = \"trend\"\nbogus = 1\n",
                "x"
            )
            .is_err()
        );
        assert!(
            Deck::parse(
                "[[table]]\nname = \"a\"\nkind = \"summary\"\n[[table]]\nname = \"a\"\nkind = \"top\"\n",
                "x"
            )
            .is_err()
        );
    }
}
