//! What products are, for the analysis: the names of HS codes in their edition, their broad
//! economic category and end use (BEC), and HS codes of every edition harmonised to one, as
//! expressions over a frame (the tables themselves are in [`crate::reference`]).

use std::sync::OnceLock;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::reference::{HS_EDITIONS, Mapped, bec, hs_conversion, hs_names};

// The short labels of product names, for charts and prose, live beside the names.
pub use super::labels::{SHORT_LABEL_CHARS, product_label, short_label};

/// The HS name of `code` in the edition that `classification` names (`H0`..`H6`); any other
/// classification (`HS`, CN8) takes the name in the newest edition that has the code. Null
/// where the table has no name (a code that does not exist in that edition, CN8's eight
/// digits) or the classification is null. Apply it only to HS codes ([`super::hs_code`]):
/// SITC's `01` is not chapter 01.
pub fn hs_name(code: Expr, classification: Expr) -> Expr {
    static KEYED: OnceLock<(Series, Series)> = OnceLock::new();
    let (keys, names) = KEYED.get_or_init(|| {
        let (k, n) = hs_names().keyed();
        (
            Series::new(PlSmallStr::EMPTY, k),
            Series::new(PlSmallStr::EMPTY, n),
        )
    });
    let cls = classification.str().to_uppercase();
    let editions = Series::new(PlSmallStr::EMPTY, HS_EDITIONS.to_vec());
    let edition = when(cls.clone().is_in(lit(editions).implode(true), false))
        .then(cls.clone())
        .when(cls.is_not_null())
        .then(lit("HS"))
        .otherwise(lit(NULL).cast(DataType::String));
    concat_str([edition, lit(":"), code], "", false).replace_strict(
        lit(keys.clone()),
        lit(names.clone()),
        Some(lit(NULL).cast(DataType::String)),
        Some(DataType::String),
    )
}

/// The first year of each HS edition (H0 covers HS1988 too): a row whose classification does
/// not name its edition (`HS`, CN8) is read in the edition in force in its year.
pub const EDITION_YEARS: [i32; 7] = [1988, 1996, 2002, 2007, 2012, 2017, 2022];

/// The edition of a row (`H0`..`H6`): its classification where that names one, else the
/// edition in force in its year.
pub fn edition_of_row(classification: Expr, year: Expr) -> Expr {
    let cls = classification.str().to_uppercase();
    let editions = Series::new(PlSmallStr::EMPTY, HS_EDITIONS.to_vec());
    // Newest first: each older edition where the year is before the next one began.
    let mut by_year = lit(HS_EDITIONS[HS_EDITIONS.len() - 1]);
    for e in (0..HS_EDITIONS.len() - 1).rev() {
        by_year = when(year.clone().lt(lit(EDITION_YEARS[e + 1])))
            .then(lit(HS_EDITIONS[e]))
            .otherwise(by_year);
    }
    when(cls.clone().is_in(lit(editions).implode(true), false))
        .then(cls)
        .otherwise(by_year)
}

/// How `composition` groups HS codes by the UN's Broad Economic Categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BecGrouping {
    /// The 7 top-level BEC categories (food and beverages, industrial supplies, ...).
    TopLevel,
    /// The end-use classes: capital, intermediate and consumption goods.
    EndUse,
}

/// The group key and label of each row's product (an HS code; the first six digits of a longer
/// national code) in `grouping`, in the edition of the row ([`edition_of_row`]). A code UNSD
/// correlates with categories of several groups is `several`, one the tables do not have
/// (monetary gold, a code of another edition) `unknown`: shown as groups, never dropped.
pub fn bec_group(grouping: BecGrouping) -> (Expr, Expr) {
    static KEYED: OnceLock<(Series, Series, Series)> = OnceLock::new();
    let (keys, top, uses) = KEYED.get_or_init(|| {
        let (k, t, u) = bec().keyed();
        let s = |v: Vec<String>| Series::new(PlSmallStr::EMPTY, v);
        (s(k), s(t), s(u))
    });
    let code = when(col("product_level").gt(lit(6)))
        .then(col("product").str().head(lit(6)))
        .otherwise(col("product"));
    let key = concat_str(
        [
            edition_of_row(col("classification"), col("year")),
            lit(":"),
            code,
        ],
        "",
        false,
    );
    let (groups, labels): (&Series, Vec<(String, String)>) = match grouping {
        BecGrouping::TopLevel => (
            top,
            bec()
                .categories
                .iter()
                .filter(|c| c.code.len() == 1)
                .map(|c| (c.code.clone(), c.description.clone()))
                .chain([("several".to_string(), "Several BEC categories".to_string())])
                .collect(),
        ),
        BecGrouping::EndUse => (
            uses,
            [
                ("capital", "Capital goods"),
                ("intermediate", "Intermediate goods"),
                ("consumption", "Consumption goods"),
                (
                    "unassigned",
                    "No end use in BEC (passenger cars, motor spirit, goods nes)",
                ),
                ("several", "Several end uses"),
            ]
            .iter()
            .map(|(k, l)| (k.to_string(), l.to_string()))
            .collect(),
        ),
    };
    let group = key.replace_strict(
        lit(keys.clone()),
        lit(groups.clone()),
        Some(lit("unknown")),
        Some(DataType::String),
    );
    let (k, l): (Vec<String>, Vec<String>) = labels.into_iter().unzip();
    let label = group.clone().replace_strict(
        lit(Series::new(PlSmallStr::EMPTY, k)),
        lit(Series::new(PlSmallStr::EMPTY, l)),
        Some(lit("Not in the BEC tables")),
        Some(DataType::String),
    );
    (group, label)
}

/// Six-digit HS codes (of HS rows: [`super::hs_code`]).
fn six_digit_hs() -> Expr {
    super::hs_code().and(col("product_level").eq(lit(6)))
}

/// How codes of several counterparts are harmonised (`--hs-split`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HsSplit {
    /// Aggregated to the smallest group of codes that maps exactly (totals exact, the group
    /// comparable across editions).
    #[default]
    Group,
    /// Split among the counterparts with equal weights (stated in a note).
    Equal,
}

/// What the six-digit HS rows of `lf` hold, for [`harmonise`]: its editions (indexes of
/// [`HS_EDITIONS`], in order; the groups are made from the conversions of these only) and the
/// groups of codes written by an earlier harmonisation (`010121+010129`), by edition.
#[derive(Debug, Clone, Default)]
pub struct Present {
    pub editions: Vec<usize>,
    pub groups: Vec<(usize, String)>,
}

impl Present {
    /// Every edition, no group.
    pub fn all() -> Present {
        Present {
            editions: (0..HS_EDITIONS.len()).collect(),
            groups: Vec::new(),
        }
    }
}

/// The editions and groups of codes of `lf` ([`Present`]).
pub fn editions_present(lf: &LazyFrame) -> Result<Present> {
    let df = lf
        .clone()
        .filter(six_digit_hs())
        .select([
            edition_of_row(col("classification"), col("year")).alias("e"),
            col("product"),
        ])
        .group_by([col("e")])
        .agg([col("product")
            .filter(col("product").str().len_bytes().gt(lit(6)))
            .unique()
            .alias("groups")])
        .explode(
            cols(["groups"]),
            ExplodeOptions {
                empty_as_null: true,
                keep_nulls: true,
            },
        )
        .collect()
        .map_err(Error::polars("cannot find the HS editions of the data"))?;
    let index = |e: &str| HS_EDITIONS.iter().position(|h| *h == e);
    let mut out = Present::default();
    let editions = crate::frame::strings(&df, "e")?;
    let groups = crate::frame::strings(&df, "groups")?;
    for (e, g) in editions.iter().zip(groups) {
        let Some(e) = e.as_deref().and_then(index) else {
            continue;
        };
        out.editions.push(e);
        if let Some(g) = g {
            out.groups.push((e, g));
        }
    }
    out.editions.sort_unstable();
    out.editions.dedup();
    out.groups.sort();
    Ok(out)
}

/// The label of a group of codes: its codes joined by `+` (the group's product code, unique
/// and readable as the codes it stands for).
fn group_code(codes: &[String]) -> String {
    codes.join("+")
}

/// A group's name: the edition and its codes, the first few listed.
fn group_name(codes: &[String], to: usize) -> String {
    const SHOWN: usize = 6;
    let mut listed = codes
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if codes.len() > SHOWN {
        listed.push_str(&format!(" and {} more", codes.len() - SHOWN));
    }
    format!(
        "Group of {} HS{} codes mapping exactly across editions: {listed}",
        codes.len(),
        EDITION_YEARS[to].max(1992)
    )
}

/// Harmonise the six-digit HS codes of `lf` to edition `to` (an index of [`HS_EDITIONS`]):
/// each row's code, in the edition of the row ([`edition_of_row`]), becomes what
/// [`crate::reference::HsConversion::plan`] makes of it for the editions and groups the data
/// holds ([`editions_present`]) and its classification `to`. A code with one counterpart
/// moves whole (`1:1`, `n:1`); one with several becomes, by default, the group of codes that
/// maps exactly (product `851713+851714`, named as a group; codes of `to` in that group join
/// it), or with [`HsSplit::Equal`] one row per counterpart, each with an equal share of the
/// value, quantity and weight. A code the tables do not know keeps its code and edition.
/// Two columns record what happened, for [`harmonise_notes`]: `hs_rule` (`1:1`, `n:1`,
/// `grouped`, `split`, null where untouched) and `hs_from` (the row's edition and code).
/// Values are never dropped: totals do not change.
pub fn harmonise(lf: LazyFrame, to: usize, present: &Present, split: HsSplit) -> LazyFrame {
    let plan = hs_conversion().plan(
        &present.editions,
        &present.groups,
        to,
        split == HsSplit::Equal,
    );
    let (mut keys, mut targets, mut rules, mut names) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut entries: Vec<_> = plan.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for ((e, code), mapped) in entries {
        keys.push(format!("{}:{code}", HS_EDITIONS[*e]));
        rules.push(mapped.rule());
        let (target, name) = match mapped {
            Mapped::OneToOne(t) | Mapped::ManyToOne(t) => (t.clone(), None),
            Mapped::Grouped(g) => (group_code(g), Some(group_name(g, to))),
            Mapped::Split(ts) => (ts.join("|"), None),
        };
        targets.push(target);
        names.push(name);
    }
    let edition = edition_of_row(col("classification"), col("year"));
    let key = concat_str([edition.clone(), lit(":"), col("product")], "", false);
    let keys = Series::new(PlSmallStr::EMPTY, keys);
    let look = |values: Series| {
        when(six_digit_hs())
            .then(key.clone().replace_strict(
                lit(keys.clone()),
                lit(values),
                Some(lit(NULL).cast(DataType::String)),
                Some(DataType::String),
            ))
            .otherwise(lit(NULL).cast(DataType::String))
    };
    let target = look(Series::new(PlSmallStr::EMPTY, targets));
    let rule = look(Series::new(PlSmallStr::EMPTY, rules));
    let group = look(Series::new(PlSmallStr::EMPTY, names));
    let in_target = six_digit_hs().and(edition.eq(lit(HS_EDITIONS[to])));
    let lf = lf
        .with_columns([
            target.alias("_hs_target"),
            rule.alias("hs_rule"),
            group.alias("_hs_group"),
            key.alias("_hs_key"),
        ])
        .with_columns([
            when(col("_hs_target").is_not_null())
                .then(col("_hs_target"))
                .otherwise(col("product"))
                .alias("product"),
            when(col("_hs_target").is_not_null().or(in_target))
                .then(lit(HS_EDITIONS[to]))
                .otherwise(col("classification"))
                .alias("classification"),
            // A changed code loses the data's name (the new code's comes from the HS table); a
            // group is named as one.
            when(col("_hs_group").is_not_null())
                .then(col("_hs_group"))
                .when(
                    col("_hs_target")
                        .is_not_null()
                        .and(col("_hs_target").neq(col("product"))),
                )
                .then(lit(NULL).cast(DataType::String))
                .otherwise(col("product_name"))
                .alias("product_name"),
            when(col("_hs_target").is_not_null())
                .then(col("_hs_key"))
                .otherwise(lit(NULL).cast(DataType::String))
                .alias("hs_from"),
        ])
        .drop(cols(["_hs_target", "_hs_group", "_hs_key"]));
    if split == HsSplit::Group {
        return lf;
    }
    // One row per counterpart, each with an equal share: the shares of a row sum to it.
    let share = |c: &str| (col(c) / col("_hs_n")).cast(DataType::Float64).alias(c);
    lf.with_columns([when(col("hs_rule").eq(lit("split")))
        .then(col("product").str().split(lit("|")))
        .otherwise(concat_list([col("product")]).expect("one column"))
        .alias("product")])
        .with_columns([col("product")
            .list()
            .len()
            .cast(DataType::Float64)
            .alias("_hs_n")])
        .with_columns([share("value"), share("quantity"), share("net_weight_kg")])
        .explode(
            cols(["product"]),
            ExplodeOptions {
                empty_as_null: true,
                keep_nulls: true,
            },
        )
        .drop(cols(["_hs_n"]))
}

/// Refuse to harmonise data with HS codes at other levels than six digits in another edition:
/// a chapter or heading cannot be converted, and an aggregate row whose subheadings moved to
/// other headings would become a leaf and be counted twice.
pub fn check_harmonisable(lf: &LazyFrame, to: usize) -> Result<()> {
    let other = super::hs_code()
        .and(col("product_level").neq(lit(6)))
        .and(edition_of_row(col("classification"), col("year")).neq(lit(HS_EDITIONS[to])));
    let df = lf
        .clone()
        .filter(other)
        .group_by([col("product")])
        .agg([len().alias("n")])
        .sort(["product"], SortMultipleOptions::default())
        .collect()
        .map_err(Error::polars("cannot check the HS codes to harmonise"))?;
    let n: i64 = crate::frame::ints(&df, "n")?.into_iter().flatten().sum();
    if n == 0 {
        return Ok(());
    }
    let codes: Vec<String> = crate::frame::strings(&df, "product")?
        .into_iter()
        .flatten()
        .take(5)
        .collect();
    Err(Error::Request(format!(
        "--hs-edition {}: {n} rows have HS codes at other levels than six digits ({}{}), which \
         cannot be harmonised (a chapter or heading of one edition is not one of another, and \
         an aggregate whose subheadings moved would be counted twice); give six-digit data",
        HS_EDITIONS[to],
        codes.join(", "),
        if df.height() > codes.len() {
            ", ..."
        } else {
            ""
        }
    )))
}

/// A command that compares years (`compare`, `composition` over several years) on data whose
/// compared years are in different HS editions, without `--hs-edition`: the six-digit codes
/// are harmonised to the latest of those editions (the codes of the newest year read as they
/// are), and the note returned says so; `--hs-edition` overrides. Data whose codes cannot be
/// harmonised (chapters or headings of another edition) is left as it is, with a note saying
/// the editions differ. `None` when the years share an edition or one was asked for. The note
/// is also kept in the data's options (`hs_compared`), so every question's notes carry it
/// ([`crate::analysis::notes::question_notes`]).
pub fn harmonise_compared_years(
    ds: &mut crate::load::Dataset,
    q: &crate::question::Question,
) -> Result<Option<String>> {
    if ds.options.hs_edition.is_some() {
        return Ok(None);
    }
    // The rows of the question's countries in its years: the same whether only those rows
    // were read or every row (`Filters::prepare`), so both give the same groups.
    let rows = q.keep_years(ds.lf.clone().filter(super::notes::countries_rows(q)));
    let df = rows
        .clone()
        .filter(six_digit_hs())
        .group_by([edition_of_row(col("classification"), col("year")).alias("e")])
        .agg([col("year")
            .unique()
            .sort(SortOptions::default())
            .alias("years")])
        .sort(["e"], SortMultipleOptions::default())
        .collect()
        .map_err(Error::polars(
            "cannot find the HS editions of the years compared",
        ))?;
    let editions: Vec<usize> = crate::frame::strings(&df, "e")?
        .into_iter()
        .flatten()
        .filter_map(|e| HS_EDITIONS.iter().position(|h| *h == e))
        .collect();
    if editions.len() < 2 {
        return Ok(None);
    }
    let to = *editions.iter().max().expect("two editions");
    let listed = editions
        .iter()
        .map(|&e| format!("{} (HS{})", HS_EDITIONS[e], EDITION_YEARS[e].max(1992)))
        .collect::<Vec<_>>()
        .join(", ");
    if let Err(e) = check_harmonisable(&rows, to) {
        return Ok(Some(format!(
            "the years compared are in different HS editions ({listed}) and were not \
             harmonised: {e}"
        )));
    }
    let present = editions_present(&ds.lf)?;
    let split = ds.options.hs_split;
    ds.lf = harmonise(ds.lf.clone(), to, &present, split);
    ds.fast = ds.fast.take().map(|f| harmonise(f, to, &present, split));
    ds.domestic = ds
        .domestic
        .take()
        .map(|d| harmonise(d, to, &present, split));
    ds.options.hs_edition = Some(to);
    ds.options.hs_compared = Some(format!(
        "the years compared are in different HS editions ({listed}): codes harmonised to the \
         later, {} (HS{}), so that the same goods compare; --hs-edition names another",
        HS_EDITIONS[to],
        EDITION_YEARS[to].max(1992)
    ));
    Ok(ds.options.hs_compared.clone())
}

/// The note for HS headings named in rows of an edition before HS2022: the embedded table
/// names headings and chapters in their HS 2022 wording only (no source tradestat embeds gives
/// the older editions' own), so the note says which editions' rows took that wording. `None`
/// when every HS row of the question is of HS2022 or of an unstated edition (named in the
/// newest edition).
pub fn heading_names_note(
    ds: &crate::load::Dataset,
    q: &crate::question::Question,
) -> Result<Option<String>> {
    let older = Series::new(
        PlSmallStr::EMPTY,
        HS_EDITIONS[..HS_EDITIONS.len() - 1].to_vec(),
    );
    let cls = col("classification").str().to_uppercase();
    let df = q
        .keep_years(ds.lf.clone().filter(super::notes::countries_rows(q)))
        .filter(super::hs_code().and(cls.clone().is_in(lit(older).implode(true), false)))
        .select([cls.unique().sort(SortOptions::default()).alias("e")])
        .collect()
        .map_err(Error::polars("cannot find the HS editions of the headings"))?;
    let editions: Vec<String> = crate::frame::strings(&df, "e")?
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let i = HS_EDITIONS.iter().position(|h| *h == e)?;
            Some(format!("{e} (HS{})", EDITION_YEARS[i].max(1992)))
        })
        .collect();
    if editions.is_empty() {
        return Ok(None);
    }
    Ok(Some(format!(
        "headings are named in their HS 2022 wording, also in the rows of {}: no source \
         tradestat embeds gives the headings of older editions their own names (see \
         data/ref/README.md)",
        editions.join(", ")
    )))
}

/// What harmonising `lf` (already harmonised to `to`, [`harmonise`]) did: one note on the
/// edition, one counting the codes and the value each rule touched (`1:1`, `n:1`, grouped,
/// split, unconverted), one on the weights of a split, and one naming the six-digit codes
/// the tables do not know (kept in their edition), with their rows and value.
pub fn harmonise_notes(lf: LazyFrame, to: usize, currency: &str) -> Result<Vec<String>> {
    let name = |e: usize| format!("{} (HS{})", HS_EDITIONS[e], EDITION_YEARS[e].max(1992));
    let mut notes = vec![format!(
        "HS codes harmonised to {} with the UNSD conversion tables (--hs-edition)",
        name(to)
    )];
    let unconverted = six_digit_hs().and(col("classification").neq(lit(HS_EDITIONS[to])));
    let rule = when(unconverted.clone())
        .then(lit("unconverted"))
        .otherwise(col("hs_rule"))
        .alias("rule");
    let code = when(unconverted.clone())
        .then(concat_str(
            [col("classification"), lit(":"), col("product")],
            "",
            false,
        ))
        .otherwise(col("hs_from"));
    let by_rule = lf
        .clone()
        .filter(col("hs_rule").is_not_null().or(unconverted.clone()))
        .group_by([rule])
        .agg([
            code.n_unique().alias("codes"),
            col("product").n_unique().alias("targets"),
            col("value").sum().alias("value"),
        ])
        .collect()
        .map_err(Error::polars("cannot count the codes harmonised"))?;
    let rules = crate::frame::strings(&by_rule, "rule")?;
    let codes = crate::frame::ints(&by_rule, "codes")?;
    let targets = crate::frame::ints(&by_rule, "targets")?;
    let values = crate::frame::floats(&by_rule, "value")?;
    let mut parts = Vec::new();
    for (label, key) in [
        ("1:1", "1:1"),
        ("n:1 (summed)", "n:1"),
        ("grouped (1:n, n:n)", "grouped"),
        ("split (1:n, n:n)", "split"),
        ("unconverted", "unconverted"),
    ] {
        let i = rules.iter().position(|r| r.as_deref() == Some(key));
        let (n, g, v) = match i {
            Some(i) => (
                codes[i].unwrap_or(0),
                targets[i].unwrap_or(0),
                values[i].unwrap_or(0.0),
            ),
            None => (0, 0, 0.0),
        };
        let groups = if key == "grouped" && n > 0 {
            format!(" into {g} {}", if g == 1 { "group" } else { "groups" })
        } else {
            String::new()
        };
        parts.push(format!(
            "{label} {n} {}{groups} ({})",
            if n == 1 { "code" } else { "codes" },
            crate::output::human_money(v, currency)
        ));
    }
    notes.push(format!("HS conversion by rule: {}", parts.join("; ")));
    if rules.iter().any(|r| r.as_deref() == Some("split")) {
        notes.push(
            "--hs-split equal: each code with several counterparts shares its value, quantity \
             and weight equally among them (no trade weights are embedded; a reference year's \
             trade in the target edition would give better ones)"
                .into(),
        );
    }
    let df = lf
        .filter(unconverted)
        .group_by([col("classification"), col("product")])
        .agg([len().alias("n"), col("value").sum().alias("value")])
        .sort(
            ["classification", "product"],
            SortMultipleOptions::default(),
        )
        .collect()
        .map_err(Error::polars("cannot count the codes not harmonised"))?;
    if df.height() == 0 {
        return Ok(notes);
    }
    let (cls, code) = (
        crate::frame::strings(&df, "classification")?,
        crate::frame::strings(&df, "product")?,
    );
    let rows: i64 = crate::frame::ints(&df, "n")?.into_iter().flatten().sum();
    let value: f64 = crate::frame::floats(&df, "value")?
        .into_iter()
        .flatten()
        .sum();
    let listed: Vec<String> = (0..df.height().min(8))
        .map(|i| {
            format!(
                "{} {}",
                cls[i].as_deref().unwrap_or(""),
                code[i].as_deref().unwrap_or("")
            )
        })
        .collect();
    notes.push(format!(
        "{} six-digit {} ({rows} {}, {}) kept {} edition: not in the UNSD tables for it: {}{}",
        df.height(),
        if df.height() == 1 { "code" } else { "codes" },
        if rows == 1 { "row" } else { "rows" },
        crate::output::human_money(value, currency),
        if df.height() == 1 { "its" } else { "their" },
        listed.join(", "),
        if df.height() > listed.len() {
            ", ..."
        } else {
            ""
        }
    ));
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::strings;

    #[test]
    fn names_come_from_the_edition_of_each_row() {
        let df = df!(
            "product" => ["851712", "851712", "851713", "8703", "851713", "01"],
            "classification" => [Some("H0"), Some("HS"), Some("H5"), Some("h3"), None, Some("CN8")],
        )
        .unwrap();
        let out = df
            .lazy()
            .select([hs_name(col("product"), col("classification")).alias("n")])
            .collect()
            .unwrap();
        let n = strings(&out, "n").unwrap();
        let names = hs_names();
        assert_eq!(n[0].as_deref(), names.name("851712", "H0"));
        assert_eq!(n[1].as_deref(), names.name("851712", "H5"));
        assert_eq!(n[2], None, "851713 is new in HS2022");
        assert!(n[3].as_deref().unwrap().starts_with("Motor cars"));
        assert_eq!(n[4], None);
        assert!(n[5].as_deref().unwrap().starts_with("Animals; live"));
    }

    #[test]
    fn rows_are_grouped_by_end_use_in_their_edition() {
        let df = df!(
            "product" => ["870323", "870323", "847130", "84713000", "710820", "0101"],
            "product_level" => [6, 6, 6, 8, 6, 4],
            "classification" => ["H5", "HS", "H4", "CN8", "H2", "H6"],
            "year" => [2018, 2018, 2014, 2014, 2005, 2022],
        )
        .unwrap();
        let (key, label) = bec_group(BecGrouping::EndUse);
        let out = df
            .lazy()
            .select([key.alias("k"), label.alias("l")])
            .collect()
            .unwrap();
        let k = strings(&out, "k").unwrap();
        let want = ["unassigned", "unassigned", "capital", "capital", "unknown"];
        for (got, want) in k.iter().zip(want) {
            assert_eq!(got.as_deref(), Some(want));
        }
        // Horses (0101): breeding animals are capital goods, the others food: several.
        assert_eq!(k[5].as_deref(), Some("several"));
        assert_eq!(
            strings(&out, "l").unwrap()[2].as_deref(),
            Some("Capital goods")
        );
    }

    #[test]
    fn the_edition_in_force_is_read_from_the_year() {
        let df = df!(
            "c" => ["HS", "HS", "HS", "HS", "h1", "CN8"],
            "y" => [1990, 1996, 2016, 2017, 2020, 2023],
        )
        .unwrap();
        let out = df
            .lazy()
            .select([edition_of_row(col("c"), col("y")).alias("e")])
            .collect()
            .unwrap();
        let e: Vec<String> = strings(&out, "e").unwrap().into_iter().flatten().collect();
        assert_eq!(e, ["H0", "H1", "H4", "H5", "H1", "H6"]);
    }

    mod harmonising {
        use super::*;
        use crate::frame::floats;
        use proptest::prelude::*;

        fn frame(rows: &[(String, &str, i32, f64)]) -> DataFrame {
            df!(
                "product" => rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
                "product_level" => rows.iter().map(|r| r.0.len() as i32).collect::<Vec<_>>(),
                "classification" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
                "year" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
                "value" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
                "quantity" => rows.iter().map(|r| Some(r.3 * 2.0)).collect::<Vec<_>>(),
                "net_weight_kg" => rows.iter().map(|_| None::<f64>).collect::<Vec<_>>(),
                "product_name" => rows.iter().map(|_| Some("as given")).collect::<Vec<_>>(),
            )
            .unwrap()
        }

        fn rows_of(picks: &[(usize, usize, u32)]) -> Vec<(String, &'static str, i32, f64)> {
            let conversion = hs_conversion();
            picks
                .iter()
                .map(|(e, i, v)| {
                    let mut codes = conversion.codes(*e);
                    codes.sort();
                    (
                        codes[i % codes.len()].to_string(),
                        HS_EDITIONS[*e],
                        2020,
                        f64::from(*v),
                    )
                })
                .collect()
        }

        fn total(df: &DataFrame, c: &str) -> f64 {
            floats(df, c).unwrap().into_iter().flatten().sum()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(24))]
            /// Harmonising moves values between codes and groups, never adds or drops them:
            /// the total and the number of rows stay, whatever the editions and the target.
            #[test]
            fn totals_are_invariant(
                picks in proptest::collection::vec((0usize..7, 0usize..5000, 1u32..1_000_000), 1..60),
                to in 0usize..7,
            ) {
                let rows = rows_of(&picks);
                let before: f64 = rows.iter().map(|r| r.3).sum();
                let out = harmonise(frame(&rows).lazy(), to, &Present::all(), HsSplit::Group).collect().unwrap();
                prop_assert_eq!(out.height(), rows.len());
                prop_assert!((total(&out, "value") - before).abs() < 1e-6);
                // Every row is in the target edition, or kept its own with its code (unknown).
                let cls = strings(&out, "classification").unwrap();
                let codes = strings(&out, "product").unwrap();
                for (i, r) in rows.iter().enumerate() {
                    let c = cls[i].as_deref().unwrap();
                    if c != HS_EDITIONS[to] {
                        prop_assert_eq!(c, r.1);
                        prop_assert_eq!(codes[i].as_deref(), Some(r.0.as_str()));
                    }
                }
            }

            /// Split with equal weights: more rows, the same value and quantity in total.
            #[test]
            fn totals_are_invariant_when_split(
                picks in proptest::collection::vec((0usize..7, 0usize..5000, 1u32..1_000_000), 1..60),
                to in 0usize..7,
            ) {
                let rows = rows_of(&picks);
                let before: f64 = rows.iter().map(|r| r.3).sum();
                let out = harmonise(frame(&rows).lazy(), to, &Present::all(), HsSplit::Equal).collect().unwrap();
                prop_assert!(out.height() >= rows.len());
                prop_assert!((total(&out, "value") - before).abs() < 1e-6 * before.max(1.0));
                prop_assert!((total(&out, "quantity") - 2.0 * before).abs() < 1e-6 * before.max(1.0));
                // No group: every converted code is a code of the target edition.
                let codes = strings(&out, "product").unwrap();
                prop_assert!(codes.iter().flatten().all(|c| c.len() == 6 && !c.contains('|')));
            }
        }

        /// HS2017 851712 is HS2022 851713 + 851714 (+ others): a 1:n code. By default it
        /// becomes the group of its counterparts, and HS2022 rows of those codes join the same
        /// group, so the two years compare; with equal weights its value is shared.
        #[test]
        fn one_to_many_codes_are_grouped_or_split() {
            let rows = vec![
                ("851712".to_string(), "H5", 2018, 100.0),
                ("851713".to_string(), "H6", 2022, 70.0),
                ("851714".to_string(), "H6", 2022, 30.0),
                ("870323".to_string(), "H6", 2022, 20.0),
            ];
            let out = harmonise(
                frame(&rows).lazy(),
                6,
                &Present {
                    editions: vec![5, 6],
                    groups: Vec::new(),
                },
                HsSplit::Group,
            )
            .collect()
            .unwrap();
            let p = strings(&out, "product").unwrap();
            assert!(p[0].as_deref().unwrap().contains("851713+851714"), "{p:?}");
            assert_eq!(p[0], p[1]);
            assert_eq!(p[1], p[2]);
            assert_eq!(p[3].as_deref(), Some("870323"));
            let n = strings(&out, "product_name").unwrap();
            assert!(n[0].as_deref().unwrap().starts_with("Group of"), "{n:?}");
            let r = strings(&out, "hs_rule").unwrap();
            assert_eq!(r[0].as_deref(), Some("grouped"));
            assert_eq!(
                r[3], None,
                "an HS2022 code outside every group is untouched"
            );
            let notes = harmonise_notes(out.clone().lazy(), 6, "USD").unwrap();
            assert!(
                notes[1].contains("grouped (1:n, n:n) 3 codes into 1 group"),
                "{notes:?}"
            );

            let split = harmonise(
                frame(&rows[..1]).lazy(),
                6,
                &Present {
                    editions: vec![5, 6],
                    groups: Vec::new(),
                },
                HsSplit::Equal,
            )
            .collect()
            .unwrap();
            let p: Vec<String> = strings(&split, "product")
                .unwrap()
                .into_iter()
                .flatten()
                .collect();
            assert!(p.len() > 1 && p.contains(&"851713".to_string()), "{p:?}");
            let v = floats(&split, "value").unwrap();
            let share = 100.0 / p.len() as f64;
            assert!(v.iter().all(|x| (x.unwrap() - share).abs() < 1e-9));
            assert!((total(&split, "value") - 100.0).abs() < 1e-9);
            let notes = harmonise_notes(split.lazy(), 6, "USD").unwrap();
            assert!(notes[1].contains("split (1:n, n:n) 1 code"), "{notes:?}");
            assert!(notes[2].contains("equally"), "{notes:?}");
        }

        #[test]
        fn codes_go_to_their_counterpart_and_lose_an_old_name() {
            let rows = vec![
                ("851713".to_string(), "H6", 2022, 70.0),
                ("851712".to_string(), "HS", 2018, 10.0),
                ("870323".to_string(), "H6", 2022, 20.0),
            ];
            let out = harmonise(
                frame(&rows).lazy(),
                5,
                &Present {
                    editions: vec![5, 6],
                    groups: Vec::new(),
                },
                HsSplit::Group,
            )
            .collect()
            .unwrap();
            let p = strings(&out, "product").unwrap();
            let c = strings(&out, "classification").unwrap();
            let n = strings(&out, "product_name").unwrap();
            assert_eq!(
                p,
                [
                    Some("851712".into()),
                    Some("851712".into()),
                    Some("870323".into())
                ]
            );
            assert!(c.iter().all(|c| c.as_deref() == Some("H5")));
            // The changed code's name was HS2022's; an unchanged code keeps the data's.
            assert_eq!(n, [None, Some("as given".into()), Some("as given".into())]);
            // The rules: 851713 -> 851712 is n:1 (with 851714 and others), 870323 1:1.
            let notes = harmonise_notes(out.lazy(), 5, "USD").unwrap();
            assert!(notes[1].contains("1:1 1 code ($20)"), "{notes:?}");
            assert!(notes[1].contains("n:1 (summed) 1 code ($70)"), "{notes:?}");
        }
    }
}
