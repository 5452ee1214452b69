//! The file layouts tradestat reads, how each is recognised from its header, and the polars
//! expressions that turn its columns (all read as text) into the canonical schema.

use polars::prelude::*;

use super::sniff::Sniffed;
use crate::error::{Error, Result};
use crate::reference::countries;
use crate::schema::{self, TOTAL, WORLD};

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
        } else if s.has_all(&["t", "i", "j", "k", "v"]) {
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
            Layout::Baci => "t,i,j,k,v,q",
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
}

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
    /// Flow of a mapped exporter/importer file: `export` (default) or `import`.
    pub flow: Option<String>,
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
        if !has("year") || !has("value") {
            return Err(Error::Mapping("year= and value= are required".into()));
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

/// Text of a column: trimmed, empty as null.
fn txt(name: &str) -> Expr {
    let t = col(name).str().strip_chars(lit(NULL));
    when(t.clone().eq(lit(""))).then(lit(NULL)).otherwise(t)
}

/// Number of a column (strict: a non-number fails the query).
fn num(name: &str) -> Expr {
    txt(name).strict_cast(DataType::Float64)
}

/// Whole number of a column, accepting `2018.0`.
fn int(name: &str) -> Expr {
    num(name).strict_cast(DataType::Int32)
}

fn series(values: Vec<String>) -> Expr {
    lit(Series::new(PlSmallStr::EMPTY, values))
}

/// A set of strings for `is_in` (imploded to one list, as polars asks).
fn set(values: &[&str]) -> Expr {
    series(values.iter().map(|s| s.to_string()).collect()).implode(true)
}

/// Numeric country codes (Comtrade, BACI, ISO numeric) to canonical codes; unknown codes kept.
fn country_numeric(e: Expr) -> Expr {
    let (old, new) = countries().numeric_pairs();
    e.strict_cast(DataType::Float64)
        .strict_cast(DataType::Int32)
        .cast(DataType::String)
        .replace(series(old), series(new))
}

/// ISO3 (or Comtrade area) codes to canonical codes; unknown codes kept as written.
fn country_iso3(e: Expr) -> Expr {
    let (old, new) = countries().iso3_pairs();
    e.str().to_uppercase().replace(series(old), series(new))
}

/// ISO2 codes (Eurostat) to canonical codes; unknown codes kept as written.
fn country_iso2(e: Expr) -> Expr {
    let (old, new) = countries().iso2_pairs();
    e.str().to_uppercase().replace(series(old), series(new))
}

/// Anything a user may write for a country: numeric code, ISO3, ISO2, name or alias.
fn country_any(e: Expr) -> Expr {
    let c = countries();
    let mut pairs: Vec<(String, String)> = Vec::new();
    let (o, n) = c.numeric_pairs();
    pairs.extend(o.into_iter().zip(n));
    let (o, n) = c.name_pairs();
    pairs.extend(o.into_iter().zip(n));
    let (o, n) = c.iso2_pairs();
    pairs.extend(o.into_iter().map(|s| s.to_lowercase()).zip(n));
    pairs.sort();
    pairs.dedup_by(|a, b| a.0 == b.0);
    let (old, new): (Vec<String>, Vec<String>) = pairs.into_iter().unzip();
    e.clone().str().to_lowercase().replace_strict(
        series(old),
        series(new),
        Some(e),
        Some(DataType::String),
    )
}

/// Flow codes and words of every layout to canonical flow names; unknown flows kept as written.
fn flow_words(e: Expr) -> Expr {
    const MAP: [(&str, &str); 30] = [
        ("x", schema::flow::EXPORT),
        ("m", schema::flow::IMPORT),
        ("rx", schema::flow::RE_EXPORT),
        ("rm", schema::flow::RE_IMPORT),
        ("dx", "domestic-export"),
        ("fm", "foreign-import"),
        ("mip", "import-for-inward-processing"),
        ("mop", "import-after-outward-processing"),
        ("xip", "export-after-inward-processing"),
        ("xop", "export-for-outward-processing"),
        // Comtrade legacy and Comext number their flows.
        ("1", schema::flow::IMPORT),
        ("2", schema::flow::EXPORT),
        ("3", schema::flow::RE_EXPORT),
        ("4", schema::flow::RE_IMPORT),
        ("export", schema::flow::EXPORT),
        ("exports", schema::flow::EXPORT),
        ("import", schema::flow::IMPORT),
        ("imports", schema::flow::IMPORT),
        ("re-export", schema::flow::RE_EXPORT),
        ("re-exports", schema::flow::RE_EXPORT),
        ("re-import", schema::flow::RE_IMPORT),
        ("re-imports", schema::flow::RE_IMPORT),
        ("domestic export", "domestic-export"),
        ("foreign import", "foreign-import"),
        ("turnover", schema::flow::TURNOVER),
        ("trade turnover", schema::flow::TURNOVER),
        ("total trade", schema::flow::TURNOVER),
        ("trade", schema::flow::TURNOVER),
        ("bilateral trade", schema::flow::TURNOVER),
        ("exim", schema::flow::TURNOVER),
    ];
    let old: Vec<String> = MAP.iter().map(|(k, _)| k.to_string()).collect();
    let new: Vec<String> = MAP.iter().map(|(_, v)| v.to_string()).collect();
    e.clone().str().to_lowercase().replace_strict(
        series(old),
        series(new),
        Some(e),
        Some(DataType::String),
    )
}

/// Product code as upper-case text (`TOTAL` kept) and its level: 0 for TOTAL, digit count for
/// numeric codes, null for anything else (a custom category).
fn product(code: Expr) -> (Expr, Expr) {
    // Only TOTAL is case-folded: other codes are digits, and category slugs stay as written.
    let is_total = code.clone().str().to_uppercase().eq(lit(TOTAL));
    let p = when(is_total.clone()).then(lit(TOTAL)).otherwise(code);
    let level = when(is_total)
        .then(lit(0i32))
        .when(p.clone().cast(DataType::Int64).is_not_null())
        .then(p.clone().str().len_chars().cast(DataType::Int32))
        .otherwise(lit(NULL).cast(DataType::Int32));
    (p, level)
}

/// Comtrade quantity unit codes (UN Comtrade reference list) to their abbreviations.
fn qty_unit_code(e: Expr) -> Expr {
    const UNITS: [(&str, &str); 16] = [
        ("2", "m2"),
        ("3", "1000 kWh"),
        ("4", "m"),
        ("5", "u"),
        ("6", "2u"),
        ("7", "l"),
        ("8", "kg"),
        ("9", "1000u"),
        ("10", "U (jeu/pack)"),
        ("11", "12u"),
        ("12", "m3"),
        ("13", "carat"),
        ("14", "km"),
        ("15", "g"),
        ("20", "1000 l"),
        ("21", "1000 kg"),
    ];
    let old: Vec<String> = UNITS.iter().map(|(k, _)| k.to_string()).collect();
    let new: Vec<String> = UNITS.iter().map(|(_, v)| v.to_string()).collect();
    // -1 (N/A) and 1 (no quantity) mean there is no unit.
    let code = e
        .strict_cast(DataType::Float64)
        .cast(DataType::Int32)
        .cast(DataType::String);
    when(code.clone().is_in(set(&["-1", "1"]), false))
        .then(lit(NULL).cast(DataType::String))
        .otherwise(code.clone().replace_strict(
            series(old),
            series(new),
            Some(lit("code ") + code),
            Some(DataType::String),
        ))
}

/// Year and month from a Comtrade/Comext period: `2018`, `201805`, `201852` (annual).
fn period(e: Expr) -> (Expr, Expr) {
    let p = e
        .strict_cast(DataType::Float64)
        .strict_cast(DataType::Int64);
    let year = when(p.clone().gt(lit(9999i64)))
        .then(p.clone() / lit(100i64))
        .otherwise(p.clone())
        .cast(DataType::Int32);
    let m = p.clone() % lit(100i64);
    let month = when(p.gt(lit(9999i64)).and(m.clone().lt_eq(lit(12i64))))
        .then(m)
        .otherwise(lit(NULL))
        .cast(DataType::Int32);
    (year, month)
}

/// Everything a reader needs to know about one file.
pub struct Context<'a> {
    pub sniffed: &'a Sniffed,
    pub source: String,
    pub options: &'a ReadOptions,
    pub layout: Layout,
}

impl Context<'_> {
    fn col_of(&self, names: &[&str]) -> Option<String> {
        self.sniffed
            .find(names)
            .map(|i| self.sniffed.normalised[i].clone())
    }

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
}

/// A layout's plan for one file: the canonical select list and the line checks by column.
pub type Plan = (Vec<Expr>, Vec<(String, Check)>);

/// The canonical select list and the line checks for one file of a given layout.
pub fn plan(ctx: &Context) -> Result<Plan> {
    let mut checks: Vec<(String, Check)> = Vec::new();
    let src = lit(ctx.source.clone());
    let value_unit = ctx.options.value_unit;
    let scaled = |e: Expr, default: f64| e * lit(value_unit.unwrap_or(default));
    let classification = |default: Expr| {
        ctx.options
            .classification
            .as_ref()
            .map(|c| lit(c.clone()))
            .unwrap_or(default)
    };
    let f = lit(false);
    let parts: Vec<(&'static str, Option<Expr>)> = match ctx.layout {
        Layout::Canonical => {
            for c in schema::COLUMNS {
                if ![
                    "month",
                    "product_name",
                    "product_level",
                    "quantity",
                    "quantity_unit",
                    "net_weight_kg",
                    "partner2",
                    "transport_mode",
                    "customs_procedure",
                    "reconciled",
                    "derived",
                    "currency",
                    "classification",
                    "source",
                ]
                .contains(&c)
                    && ctx.col_of(&[c]).is_none()
                {
                    return Err(ctx.missing(c));
                }
            }
            checks.push(("year".into(), Check::Integer));
            checks.push(("value".into(), Check::Value));
            for c in ["reporter", "partner", "flow", "product"] {
                checks.push((c.into(), Check::Required));
            }
            let opt = |c: &str| ctx.col_of(&[&c.replace('_', "")]);
            let (p, level) = product(txt("product"));
            let bool_col = |c: &str| {
                opt(c).map(|n| {
                    txt(&n)
                        .str()
                        .to_lowercase()
                        .is_in(set(&["true", "1", "yes"]), false)
                        .fill_null(lit(false))
                })
            };
            vec![
                ("year", Some(int("year"))),
                ("month", opt("month").map(|c| int(&c))),
                ("reporter", Some(country_any(txt("reporter")))),
                ("partner", Some(country_any(txt("partner")))),
                ("flow", Some(flow_words(txt("flow")))),
                ("product", Some(p)),
                ("product_name", opt("product_name").map(|c| txt(&c))),
                (
                    "product_level",
                    Some(match opt("product_level") {
                        Some(c) => int(&c),
                        None => level,
                    }),
                ),
                (
                    "classification",
                    Some(
                        opt("classification")
                            .map(|c| txt(&c))
                            .unwrap_or(lit("custom")),
                    ),
                ),
                ("value", Some(scaled(num("value"), 1.0))),
                (
                    "currency",
                    Some(
                        opt("currency")
                            .map(|c| txt(&c).str().to_uppercase())
                            .unwrap_or(lit("USD")),
                    ),
                ),
                ("quantity", opt("quantity").map(|c| num(&c))),
                ("quantity_unit", opt("quantity_unit").map(|c| txt(&c))),
                ("net_weight_kg", opt("net_weight_kg").map(|c| num(&c))),
                ("partner2", opt("partner2").map(|c| country_any(txt(&c)))),
                ("transport_mode", opt("transport_mode").map(|c| txt(&c))),
                (
                    "customs_procedure",
                    opt("customs_procedure").map(|c| txt(&c)),
                ),
                (
                    "reconciled",
                    Some(bool_col("reconciled").unwrap_or(f.clone())),
                ),
                ("derived", Some(bool_col("derived").unwrap_or(f))),
                (
                    "source",
                    Some(
                        opt("source")
                            .map(|c| txt(&c).fill_null(src.clone()))
                            .unwrap_or(src),
                    ),
                ),
            ]
        }
        Layout::Baci => {
            // `--format baci` skips detection: a missing column must be reported, not left to
            // fail the scan.
            for c in ["t", "i", "j", "k", "v"] {
                ctx.need(&[c])?;
            }
            for c in ["t", "i", "j", "k"] {
                checks.push((c.into(), Check::Required));
            }
            checks.push(("t".into(), Check::Integer));
            checks.push(("i".into(), Check::Integer));
            checks.push(("j".into(), Check::Integer));
            checks.push(("v".into(), Check::Value));
            let has_q = ctx.col_of(&["q"]).is_some();
            if has_q {
                checks.push(("q".into(), Check::Quantity));
            }
            // BACI's q is quoted, space-padded and "NA" when missing.
            let q = txt("q");
            let q = when(q.clone().eq(lit("NA"))).then(lit(NULL)).otherwise(q);
            // A 5-digit k lost its leading zero (071120 written 71120).
            let (p, level) = product(txt("k").str().zfill(lit(6)));
            vec![
                ("year", Some(int("t"))),
                ("reporter", Some(country_numeric(txt("i")))),
                ("partner", Some(country_numeric(txt("j")))),
                ("flow", Some(lit(schema::flow::EXPORT))),
                ("product", Some(p)),
                ("product_level", Some(level)),
                ("classification", Some(classification(lit("HS")))),
                // v is in thousands of US dollars.
                ("value", Some(scaled(num("v"), 1000.0))),
                ("currency", Some(lit("USD"))),
                ("quantity", has_q.then(|| q.strict_cast(DataType::Float64))),
                (
                    "quantity_unit",
                    has_q.then(|| {
                        when(txt("q").eq(lit("NA")).or(txt("q").is_null()))
                            .then(lit(NULL))
                            .otherwise(lit("t"))
                    }),
                ),
                ("reconciled", Some(lit(true))),
                ("derived", Some(f)),
                ("source", Some(src)),
            ]
        }
        Layout::ComtradePlus => {
            let year = ctx.need(&["refyear"])?;
            let reporter = ctx
                .col_of(&["reportercode"])
                .map(|c| (c, true))
                .or_else(|| ctx.col_of(&["reporteriso"]).map(|c| (c, false)))
                .ok_or_else(|| ctx.missing("reporterCode"))?;
            let partner = ctx
                .col_of(&["partnercode"])
                .map(|c| (c, true))
                .or_else(|| ctx.col_of(&["partneriso"]).map(|c| (c, false)))
                .ok_or_else(|| ctx.missing("partnerCode"))?;
            let flow = ctx.need(&["flowcode", "flowdesc"])?;
            let cmd = ctx.need(&["cmdcode"])?;
            let value = ctx.need(&["primaryvalue"])?;
            checks.push((year.clone(), Check::Integer));
            checks.push((value.clone(), Check::Value));
            for c in [&reporter.0, &partner.0, &flow, &cmd] {
                checks.push((c.clone(), Check::Required));
            }
            let country = |(c, numeric): &(String, bool)| {
                if *numeric {
                    country_numeric(txt(c))
                } else {
                    country_iso3(txt(c))
                }
            };
            let qty = ctx.col_of(&["qty"]);
            if let Some(q) = &qty {
                checks.push((q.clone(), Check::Quantity));
            }
            let unit = ctx
                .col_of(&["qtyunitabbr"])
                .map(|c| {
                    let t = txt(&c);
                    when(t.clone().eq(lit("N/A"))).then(lit(NULL)).otherwise(t)
                })
                .or_else(|| ctx.col_of(&["qtyunitcode"]).map(|c| qty_unit_code(txt(&c))));
            let (p, level) = product(txt(&cmd));
            let month = ctx.col_of(&["refmonth"]).map(|c| {
                let m = int(&c);
                // refMonth 52 marks annual data.
                when(m.clone().eq(lit(52))).then(lit(NULL)).otherwise(m)
            });
            vec![
                ("year", Some(int(&year))),
                ("month", month),
                ("reporter", Some(country(&reporter))),
                ("partner", Some(country(&partner))),
                ("flow", Some(flow_words(txt(&flow)))),
                ("product", Some(p)),
                ("product_name", ctx.col_of(&["cmddesc"]).map(|c| txt(&c))),
                ("product_level", Some(level)),
                (
                    "classification",
                    Some(classification(
                        ctx.col_of(&["classificationcode"])
                            .map(|c| txt(&c))
                            .unwrap_or(lit("HS")),
                    )),
                ),
                ("value", Some(scaled(num(&value), 1.0))),
                ("currency", Some(lit("USD"))),
                ("quantity", qty.map(|c| num(&c))),
                ("quantity_unit", unit),
                ("net_weight_kg", ctx.col_of(&["netwgt"]).map(|c| num(&c))),
                (
                    "partner2",
                    ctx.col_of(&["partner2code"])
                        .map(|c| country_numeric(txt(&c)))
                        .or_else(|| ctx.col_of(&["partner2iso"]).map(|c| country_iso3(txt(&c)))),
                ),
                ("transport_mode", ctx.col_of(&["motcode"]).map(|c| txt(&c))),
                (
                    "customs_procedure",
                    ctx.col_of(&["customscode"]).map(|c| txt(&c)),
                ),
                ("reconciled", Some(f.clone())),
                ("derived", Some(f)),
                ("source", Some(src)),
            ]
        }
        Layout::ComtradeLegacy => {
            let year = ctx.need(&["year"])?;
            let reporter = ctx.need(&["reportercode"])?;
            let partner = ctx.need(&["partnercode"])?;
            let flow = ctx.need(&["tradeflowcode", "tradeflow"])?;
            let cmd = ctx.need(&["commoditycode"])?;
            let value = ctx.need(&["tradevalue(us$)", "tradevalueus", "value"])?;
            checks.push((year.clone(), Check::Integer));
            checks.push((value.clone(), Check::Value));
            for c in [&reporter, &partner, &flow, &cmd] {
                checks.push((c.clone(), Check::Required));
            }
            let qty = ctx.col_of(&["qty", "supplementaryquantity"]);
            if let Some(q) = &qty {
                checks.push((q.clone(), Check::Quantity));
            }
            let (p, level) = product(txt(&cmd));
            let month = ctx.col_of(&["period"]).map(|c| period(txt(&c)).1);
            vec![
                ("year", Some(int(&year))),
                ("month", month),
                ("reporter", Some(country_numeric(txt(&reporter)))),
                ("partner", Some(country_numeric(txt(&partner)))),
                ("flow", Some(flow_words(txt(&flow)))),
                ("product", Some(p)),
                ("product_name", ctx.col_of(&["commodity"]).map(|c| txt(&c))),
                ("product_level", Some(level)),
                (
                    "classification",
                    Some(classification(
                        ctx.col_of(&["classification"])
                            .map(|c| txt(&c))
                            .unwrap_or(lit("HS")),
                    )),
                ),
                ("value", Some(scaled(num(&value), 1.0))),
                ("currency", Some(lit("USD"))),
                ("quantity", qty.map(|c| num(&c))),
                (
                    "quantity_unit",
                    ctx.col_of(&["qtyunitcode", "quantityunitcode"])
                        .map(|c| qty_unit_code(txt(&c))),
                ),
                (
                    "net_weight_kg",
                    ctx.col_of(&["netweight(kg)", "netweightkg"])
                        .map(|c| num(&c)),
                ),
                (
                    "partner2",
                    ctx.col_of(&["2ndpartnercode"])
                        .map(|c| country_numeric(txt(&c))),
                ),
                (
                    "transport_mode",
                    ctx.col_of(&["modeoftransportcode"]).map(|c| txt(&c)),
                ),
                (
                    "customs_procedure",
                    ctx.col_of(&["customsproccode"]).map(|c| txt(&c)),
                ),
                ("reconciled", Some(f.clone())),
                ("derived", Some(f)),
                ("source", Some(src)),
            ]
        }
        Layout::Comext => {
            let reporter = ctx.need(&["declarantiso", "reporter"])?;
            let partner = ctx.need(&["partneriso", "partner"])?;
            let product_col = ctx.need(&["productnc"])?;
            let flow = ctx.need(&["flow"])?;
            let per = ctx.need(&["period"])?;
            let value = ctx.need(&["valueineuros", "valueeur"])?;
            checks.push((per.clone(), Check::Integer));
            checks.push((value.clone(), Check::Value));
            for c in [&reporter, &partner, &flow, &product_col] {
                checks.push((c.clone(), Check::Required));
            }
            let kg = ctx.col_of(&["quantityinkg", "quantitykg"]);
            let supp = ctx.col_of(&["supquantity", "quantitysupplunit"]);
            let (y, m) = period(txt(&per));
            let (p, level) = product(txt(&product_col));
            vec![
                ("year", Some(y)),
                ("month", Some(m)),
                ("reporter", Some(country_iso2(txt(&reporter)))),
                ("partner", Some(country_iso2(txt(&partner)))),
                ("flow", Some(flow_words(txt(&flow)))),
                ("product", Some(p)),
                ("product_level", Some(level)),
                ("classification", Some(classification(lit("CN8")))),
                ("value", Some(scaled(num(&value), 1.0))),
                ("currency", Some(lit("EUR"))),
                ("quantity", supp.map(|c| num(&c))),
                (
                    "quantity_unit",
                    ctx.col_of(&["suppunit", "supplunit"]).map(|c| txt(&c)),
                ),
                ("net_weight_kg", kg.map(|c| num(&c))),
                ("reconciled", Some(f.clone())),
                ("derived", Some(f)),
                ("source", Some(src)),
            ]
        }
        Layout::Mapped => {
            let map = ctx
                .options
                .map
                .as_ref()
                .ok_or_else(|| Error::Mapping("--format mapped needs --map".into()))?;
            let column = |field: &str| -> Result<Option<String>> {
                match map.get(field) {
                    None => Ok(None),
                    Some(c) => ctx.col_of(&[c]).map(Some).ok_or_else(|| {
                        Error::Mapping(format!(
                            "{field}={c}: no column '{c}' in {} (header is [{}])",
                            ctx.source,
                            ctx.sniffed.header_text()
                        ))
                    }),
                }
            };
            let year = column("year")?.expect("checked by Mapping");
            let value = column("value")?.expect("checked by Mapping");
            checks.push((year.clone(), Check::Integer));
            checks.push((value.clone(), Check::Value));
            let (reporter, partner, flow) = match (column("exporter")?, column("importer")?) {
                (Some(x), Some(m)) => {
                    checks.push((x.clone(), Check::Required));
                    checks.push((m.clone(), Check::Required));
                    let as_import = ctx.options.flow.as_deref() == Some(schema::flow::IMPORT);
                    let (r, p) = if as_import { (m, x) } else { (x, m) };
                    let flow = if as_import {
                        schema::flow::IMPORT
                    } else {
                        schema::flow::EXPORT
                    };
                    (country_any(txt(&r)), country_any(txt(&p)), lit(flow))
                }
                _ => {
                    let r = column("reporter")?.expect("checked by Mapping");
                    checks.push((r.clone(), Check::Required));
                    let partner = column("partner")?
                        .map(|p| country_any(txt(&p)))
                        .unwrap_or(lit(WORLD));
                    let flow = match (column("flow")?, &ctx.options.flow) {
                        (Some(c), _) => flow_words(txt(&c)),
                        (None, Some(f)) => lit(f.clone()),
                        (None, None) => {
                            return Err(Error::Mapping(
                                "map flow=COLUMN or give --map-flow export|import|turnover".into(),
                            ));
                        }
                    };
                    (country_any(txt(&r)), partner, flow)
                }
            };
            let (p, level) = match column("product")? {
                Some(c) => {
                    let (p, l) = product(txt(&c));
                    (p.fill_null(lit(TOTAL)), l.fill_null(lit(0)))
                }
                None => (lit(TOTAL), lit(0i32)),
            };
            vec![
                ("year", Some(int(&year))),
                ("month", column("month")?.map(|c| int(&c))),
                ("reporter", Some(reporter)),
                ("partner", Some(partner)),
                ("flow", Some(flow)),
                ("product", Some(p)),
                ("product_name", column("product_name")?.map(|c| txt(&c))),
                ("product_level", Some(level)),
                (
                    "classification",
                    Some(classification(
                        column("classification")?
                            .map(|c| txt(&c))
                            .unwrap_or(lit("custom")),
                    )),
                ),
                ("value", Some(scaled(num(&value), 1.0))),
                (
                    "currency",
                    Some(match (column("currency")?, &ctx.options.currency) {
                        (Some(c), _) => txt(&c).str().to_uppercase(),
                        (None, Some(cur)) => lit(cur.to_uppercase()),
                        (None, None) => lit("USD"),
                    }),
                ),
                ("quantity", column("quantity")?.map(|c| num(&c))),
                ("quantity_unit", column("quantity_unit")?.map(|c| txt(&c))),
                ("reconciled", Some(f.clone())),
                ("derived", Some(f)),
                ("source", Some(src)),
            ]
        }
    };
    Ok((schema::finish(parts), checks))
}
