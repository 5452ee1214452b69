//! The file layouts tradestat reads, how each is recognised from its header, and the polars
//! expressions that turn its columns (all read as text) into the canonical schema.
//!
//! This file holds what every layout shares: the [`Layout`] names and detection, the options and
//! the `--map` mapping, the [`Context`] of one file and [`plan`], which hands the file to its
//! layout's module. Each layout's module says which source column becomes which canonical
//! column; the expression helpers they share (text to numbers, country codes, flow words,
//! product codes, quantity units, periods) have a file each.

mod baci;
mod canonical;
mod comext;
mod comtrade_legacy;
mod comtrade_plus;
mod mapped;

mod country;
mod expr;
mod flow;
mod period;
mod product;
mod quantity;

use polars::prelude::*;

use super::sniff::Sniffed;
use crate::error::{Error, Result};
use crate::read::baci as baci_facts;
use crate::schema;

pub(crate) use expr::txt;
pub(crate) use period::{month_ok, year_ok};

/// A known file layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// tradestat's own canonical CSV (the files in `data/`).
    Canonical,
    /// UN Comtrade Plus: API/web CSV (camelCase), comtradr's snake_case, bulk files.
    ComtradePlus,
    /// UN Comtrade legacy: 22-column bulk, 35-column API, short database export.
    ComtradeLegacy,
    /// CEPII BACI `t,i,j,k,v,q`.
    Baci,
    /// Eurostat Comext bulk files.
    Comext,
    /// Any other layout, through `--map`.
    Mapped,
}

impl Layout {
    /// All layouts, as named on the command line.
    pub const NAMES: [&'static str; 6] = [
        "canonical",
        "comtrade-plus",
        "comtrade-legacy",
        "baci",
        "comext",
        "mapped",
    ];

    /// The layout's name as used by `--format` and shown by `inspect`.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Canonical => "canonical",
            Layout::ComtradePlus => "comtrade-plus",
            Layout::ComtradeLegacy => "comtrade-legacy",
            Layout::Baci => "baci",
            Layout::Comext => "comext",
            Layout::Mapped => "mapped",
        }
    }

    /// Parse a `--format` value.
    pub fn from_name(name: &str) -> Option<Layout> {
        match name.to_ascii_lowercase().as_str() {
            "canonical" | "tradestat" => Some(Layout::Canonical),
            "comtrade-plus" | "comtrade" | "plus" => Some(Layout::ComtradePlus),
            "comtrade-legacy" | "legacy" => Some(Layout::ComtradeLegacy),
            "baci" => Some(Layout::Baci),
            "comext" | "eurostat" => Some(Layout::Comext),
            "mapped" => Some(Layout::Mapped),
            _ => None,
        }
    }

    /// Recognise a layout from the normalised header.
    pub fn detect(s: &Sniffed) -> Option<Layout> {
        if s.has_all(&["year", "reporter", "partner", "flow", "product", "value"]) {
            Some(Layout::Canonical)
        } else if s.has_all(&baci_facts::REQUIRED) {
            Some(Layout::Baci)
        } else if s.has_all(&["refyear", "primaryvalue"]) {
            Some(Layout::ComtradePlus)
        } else if s.find(&["reportercode", "reporteriso"]).is_some()
            && s.find(&["tradeflowcode", "tradeflow"]).is_some()
            && s.find(&["tradevalue(us$)", "value", "tradevalueus"])
                .is_some()
        {
            Some(Layout::ComtradeLegacy)
        } else if s.find(&["declarantiso", "declarant", "reporter"]).is_some()
            && s.has_all(&["productnc", "flow", "period"])
        {
            Some(Layout::Comext)
        } else {
            None
        }
    }

    /// A finer description of the variant, for `inspect`.
    pub fn variant(self, s: &Sniffed) -> &'static str {
        match self {
            Layout::ComtradePlus => {
                if s.has_all(&["datasetcode"]) || s.find(&["reporterdesc", "reporteriso"]).is_none()
                {
                    "bulk file (codes only)"
                } else if s.header.iter().any(|h| h.contains('_')) {
                    "snake_case (comtradr)"
                } else {
                    "API/web CSV (camelCase)"
                }
            }
            Layout::ComtradeLegacy => {
                if s.has_all(&["2ndpartnercode"]) {
                    "API CSV (35 columns)"
                } else if s
                    .find(&["estimationcode", "supplementaryquantity"])
                    .is_some()
                {
                    "database export"
                } else {
                    "bulk CSV (22 columns)"
                }
            }
            Layout::Comext => {
                if s.has_all(&["declarantiso"]) {
                    "bulk (19 columns, to 2023)"
                } else {
                    "bulk (18 columns, full_v2)"
                }
            }
            Layout::Baci => baci_facts::HEADER,
            Layout::Canonical => "tradestat canonical",
            Layout::Mapped => "column mapping",
        }
    }
}

/// How a column is checked, line by line, when a file is validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// A whole number (`2018` or `2018.0`); empty is an error.
    Integer,
    /// A non-negative number; empty is allowed (counted as missing).
    Value,
    /// A non-negative number, `NA` or empty (missing).
    Quantity,
    /// Must not be empty.
    Required,
    /// A year in [`YEARS`]; empty is an error.
    Year,
    /// A month, 1 to 12; empty is allowed (an annual row).
    Month,
    /// Comtrade's `refMonth`: a month, 1 to 12, or 52 for a year; empty is allowed.
    RefMonth,
    /// A Comtrade or Comext period: a year (`YYYY`) or a year and month (`YYYYMM`, the month
    /// 01 to 12, or 52 for the year); empty is allowed.
    Period,
}

/// The years a file may hold. Historical trade series reach back to the 18th century (CEPII
/// TRADHIST from 1827, RICardo from 1787; the TRADHIST file the real-file tests read starts in
/// 1870, so 1900 would be too late) and no source publishes years far ahead; a year outside
/// this range is a broken cell (0, -1, a value or a code in the wrong column), never data, and
/// is refused rather than summed as a year no question can name.
pub const YEARS: std::ops::RangeInclusive<i32> = 1700..=2100;

/// The options that shape how a file is read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Layout forced by `--format`.
    pub format: Option<Layout>,
    /// Column mapping from `--map`.
    pub map: Option<Mapping>,
    /// Multiplier from the file's value unit to currency units (`--value-unit`).
    pub value_unit: Option<f64>,
    /// Currency of a mapped file's values (`--currency`).
    pub currency: Option<String>,
    /// Classification to record (`--classification`), e.g. `H0` for a BACI HS92 file.
    pub classification: Option<String>,
    /// `--map-flow`: the flow of every row of a file without a flow column; with an
    /// exporter/importer mapping, `export` or `import` reads each row as that side's one-sided
    /// declaration instead of a flow stated once for both sides (reconciled).
    pub flow: Option<String>,
    /// `--year`: the year of every row of a file without a year column (a cross-section).
    pub year: Option<i32>,
}

/// A `--map` column mapping: canonical field -> source column (normalised).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapping {
    pub pairs: Vec<(String, String)>,
}

/// Fields `--map` understands.
pub const MAP_FIELDS: [&str; 14] = [
    "year",
    "month",
    "reporter",
    "partner",
    "exporter",
    "importer",
    "flow",
    "product",
    "product_name",
    "value",
    "quantity",
    "quantity_unit",
    "classification",
    "currency",
];

impl std::str::FromStr for Mapping {
    type Err = Error;
    fn from_str(s: &str) -> Result<Mapping> {
        let mut pairs = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| {
                Error::Mapping(format!("'{part}' is not FIELD=COLUMN (e.g. year=year)"))
            })?;
            let k = k.trim().to_ascii_lowercase();
            if !MAP_FIELDS.contains(&k.as_str()) {
                return Err(Error::Mapping(format!(
                    "unknown field '{k}'; fields are {}",
                    MAP_FIELDS.join(", ")
                )));
            }
            if pairs.iter().any(|(f, _)| f == &k) {
                return Err(Error::Mapping(format!("field '{k}' is mapped twice")));
            }
            pairs.push((k, super::sniff::normalise(v)));
        }
        let has = |f: &str| pairs.iter().any(|(k, _)| k == f);
        // year= may be left out for a file without a year column: `--year` then fills it
        // (checked when the file is read, where the option is known).
        if !has("value") {
            return Err(Error::Mapping("value= is required".into()));
        }
        let directed = has("exporter") || has("importer");
        if directed && !(has("exporter") && has("importer")) {
            return Err(Error::Mapping("exporter= and importer= go together".into()));
        }
        if directed && (has("reporter") || has("partner") || has("flow")) {
            return Err(Error::Mapping(
                "use either exporter=/importer= or reporter=/partner=/flow=, not both".into(),
            ));
        }
        if !directed && !has("reporter") {
            return Err(Error::Mapping(
                "map exporter= and importer=, or reporter= (with partner= and flow=)".into(),
            ));
        }
        Ok(Mapping { pairs })
    }
}

impl Mapping {
    fn get(&self, field: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.as_str())
    }
}

/// Everything a reader needs to know about one file.
pub struct Context<'a> {
    pub sniffed: &'a Sniffed,
    /// The file's name (without its folder): some sources state facts in it (BACI's HS
    /// edition).
    pub file_name: String,
    pub source: String,
    pub options: &'a ReadOptions,
    pub layout: Layout,
    /// The columns the plan looked up (every column it reads, and a few it only asked about):
    /// see [`Context::used`].
    pub looked_up: std::cell::RefCell<Vec<String>>,
}

impl Context<'_> {
    /// The (normalised) name of the first of `names` the file has.
    fn col_of(&self, names: &[&str]) -> Option<String> {
        let found = self
            .sniffed
            .find(names)
            .map(|i| self.sniffed.normalised[i].clone());
        if let Some(c) = &found {
            self.looked_up.borrow_mut().push(c.clone());
        }
        found
    }

    /// The file's columns the plan may read, sorted, once each: a scan need not parse the others.
    pub fn used(&self) -> Vec<String> {
        let mut v = self.looked_up.borrow().clone();
        v.sort();
        v.dedup();
        v
    }

    /// As [`Context::col_of`], a missing column being an error that names the first of `names`.
    fn need(&self, names: &[&str]) -> Result<String> {
        self.col_of(names).ok_or_else(|| Error::MissingColumn {
            path: self.source.clone().into(),
            layout: self.layout.name().into(),
            column: names[0].into(),
            header: self.sniffed.header_text(),
        })
    }

    fn missing(&self, column: &str) -> Error {
        Error::MissingColumn {
            path: self.source.clone().into(),
            layout: self.layout.name().into(),
            column: column.into(),
            header: self.sniffed.header_text(),
        }
    }

    /// The `source` of every row: the file's label.
    fn source_lit(&self) -> Expr {
        lit(self.source.clone())
    }

    /// A value in currency units: `value` times `--value-unit` when given, else times the
    /// layout's own unit (1 for most; BACI writes thousands).
    fn scaled(&self, value: Expr, unit: f64) -> Expr {
        value * lit(self.options.value_unit.unwrap_or(unit))
    }

    /// The constant year of `--year`, for a file without a year column; an error when the
    /// file has one (`has_column`), since the option would override what the file says.
    fn constant_year(&self, has_column: Option<&str>) -> Result<Option<Expr>> {
        match (self.options.year, has_column) {
            (Some(_), Some(c)) => Err(Error::Request(format!(
                "{}: --year is for a file without a year column, and this file has one ('{c}'); \
                 leave --year out",
                self.source
            ))),
            (Some(y), None) => Ok(Some(lit(y))),
            (None, _) => Ok(None),
        }
    }

    /// `--classification` when given (the user knows the edition a file leaves unsaid), else
    /// what the layout says.
    fn classification(&self, default: Expr) -> Expr {
        self.options
            .classification
            .as_ref()
            .map(|c| lit(c.clone()))
            .unwrap_or(default)
    }
}

/// A layout's plan for one file: the canonical select list and the line checks by column.
pub type Plan = (Vec<Expr>, Vec<(String, Check)>);

/// One layout's share of a [`Plan`]: the canonical columns it fills (a column left out, or
/// `None`, is empty) and the checks of the source columns it reads, in the order they run.
struct Part {
    columns: Vec<(&'static str, Option<Expr>)>,
    checks: Vec<(String, Check)>,
}

/// The canonical select list and the line checks for one file of a given layout.
/// The plan of [`plan`] twice: as text, and with the columns used only as numbers scanned as
/// numbers (the set returned); see [`expr::typed_plan`].
pub fn plans(ctx: &Context) -> Result<(Plan, Plan, std::collections::BTreeSet<String>)> {
    expr::typed_plan(|| plan(ctx))
}

pub fn plan(ctx: &Context) -> Result<Plan> {
    let part = match ctx.layout {
        Layout::Canonical => canonical::part(ctx)?,
        Layout::Baci => baci::part(ctx)?,
        Layout::ComtradePlus => comtrade_plus::part(ctx)?,
        Layout::ComtradeLegacy => comtrade_legacy::part(ctx)?,
        Layout::Comext => comext::part(ctx)?,
        Layout::Mapped => mapped::part(ctx)?,
    };
    Ok((schema::finish(part.columns), part.checks))
}
