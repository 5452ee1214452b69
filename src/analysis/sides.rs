//! Who a question is about: the partner set, the reporter's exports, imports and reported
//! turnover with it, the partner's mirror declarations, and the World rule.

use polars::prelude::*;

use super::*;
use crate::error::{Error, Result};
use crate::reference::countries;
use crate::schema::{WORLD, flow};

/// Which partners a question is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Partners {
    /// The world: the reporter's `WLD` rows where it has them, else all its partners.
    World,
    /// One country or a region's countries.
    Some(Vec<String>),
}

/// Resolve a country typed by a user (code, ISO2/3, legacy code, name) to the canonical code.
pub fn resolve_country(text: &str) -> String {
    countries()
        .resolve(text)
        .unwrap_or_else(|| text.trim().to_uppercase())
}

/// Resolve `--partner` / `--region` into a partner set.
pub fn resolve_partners(partner: Option<&str>, region: Option<&str>) -> Result<Partners> {
    match (partner, region) {
        (Some(p), _) if p.eq_ignore_ascii_case("world") || p.eq_ignore_ascii_case(WORLD) => {
            Ok(Partners::World)
        }
        (Some(p), _) => Ok(Partners::Some(p.split(',').map(resolve_country).collect())),
        (None, Some(r)) => countries()
            .region_members(r)
            .map(Partners::Some)
            .ok_or_else(|| {
                Error::Request(format!(
                    "unknown region '{r}'; regions are: {}",
                    countries().region_names().join(", ")
                ))
            }),
        (None, None) => Ok(Partners::World),
    }
}

pub(crate) fn is_flow(f: &str) -> Expr {
    col("flow").eq(lit(f.to_string()))
}

/// Row selectors for the reporter's exports, imports and reported turnover with the partners.
pub(crate) struct Directions {
    pub(crate) exports: Expr,
    pub(crate) imports: Expr,
    pub(crate) turnover: Expr,
}

pub(crate) fn directions(reporter: &str, partners: &Partners) -> Directions {
    let r = || lit(reporter.to_string());
    let in_p = |c: &str| match partners {
        Partners::World => lit(true),
        Partners::Some(p) => col(c).is_in(set(p), false),
    };
    let rec = col("reconciled");
    let exports = col("reporter")
        .eq(r())
        .and(in_p("partner"))
        .and(is_flow(flow::EXPORT));
    let imports = col("reporter")
        .eq(r())
        .and(in_p("partner"))
        .and(is_flow(flow::IMPORT))
        .and(rec.clone().not())
        .or(rec
            .and(is_flow(flow::EXPORT))
            .and(col("partner").eq(r()))
            .and(in_p("reporter")));
    let turnover = is_flow(flow::TURNOVER).and(
        col("reporter")
            .eq(r())
            .and(in_p("partner"))
            .or(col("partner").eq(r()).and(in_p("reporter"))),
    );
    Directions {
        exports,
        imports,
        turnover,
    }
}

/// The partner's own reports of the same flows: its imports from the reporter (the reporter's
/// exports) and its exports to the reporter (the reporter's imports).
pub(crate) fn mirror(reporter: &str, partners: &Partners) -> Directions {
    let r = || lit(reporter.to_string());
    let by_p = match partners {
        Partners::World => col("reporter").neq(r()),
        Partners::Some(p) => col("reporter").is_in(set(p), false),
    };
    let base = by_p
        .and(col("partner").eq(r()))
        .and(col("reconciled").not());
    Directions {
        exports: base.clone().and(is_flow(flow::IMPORT)),
        imports: base.and(is_flow(flow::EXPORT)),
        turnover: lit(false),
    }
}

/// For the world, use the reporter's `WLD` rows for a (year, direction) when it has them, and
/// the sum over its partners otherwise: never both.
pub(crate) fn world_rule(lf: LazyFrame, partners: &Partners) -> LazyFrame {
    if *partners != Partners::World {
        return lf;
    }
    world_rule_by(lf, &["year", "_dir"])
}

/// [`world_rule`] within each group of `keys` (which include `_dir`).
pub(crate) fn world_rule_by(lf: LazyFrame, keys: &[&str]) -> LazyFrame {
    let is_w = col("partner")
        .eq(lit(WORLD))
        .or(col("reporter").eq(lit(WORLD)));
    lf.with_column(is_w.clone().alias("_w"))
        .with_column(
            col("_w")
                .cast(DataType::UInt32)
                .sum()
                .over(keys.iter().map(|k| col(*k)).collect::<Vec<_>>())
                .expect("a non-empty partition")
                .alias("_nw"),
        )
        .filter(
            col("_nw")
                .gt(lit(0))
                .and(col("_w"))
                .or(col("_nw").eq(lit(0))),
        )
        .drop(cols(["_w", "_nw"]))
}

/// The rows a question about `reporter` and `partners` can use: the reporter's own rows with
/// the partners, and the partners' rows with the reporter (mirror and reconciled flows). Every
/// selector of [`directions`] and [`mirror`] picks among these rows only.
///
/// Applied before the double-count rules, this is what makes the general engine's cost follow
/// the question rather than the file: [`usable`], [`top_level`] and [`leaves`] decide within
/// groups that share a reporter and a partner (see `rules::GROUP`), so a filter on those two
/// columns keeps or drops whole groups and changes none of their decisions; the rules then
/// join over the question's rows (hundreds) instead of the file's (millions).
pub(crate) fn involving(lf: LazyFrame, reporter: &str, partners: &Partners) -> LazyFrame {
    let r = || lit(reporter.to_string());
    let keep = match partners {
        Partners::World => col("reporter").eq(r()).or(col("partner").eq(r())),
        Partners::Some(p) => col("reporter")
            .eq(r())
            .and(col("partner").is_in(set(p), false))
            .or(col("partner")
                .eq(r())
                .and(col("reporter").is_in(set(p), false))),
    };
    lf.filter(keep.fill_null(lit(false)))
}

/// Tag each usable top-level row with its direction for the reporter (`x`, `m`, `t`), and drop
/// rows that are none of these.
pub(crate) fn directed(lf: LazyFrame, reporter: &str, partners: &Partners) -> LazyFrame {
    let d = directions(reporter, partners);
    world_rule(
        tag(top_level(usable(involving(lf, reporter, partners))), &d),
        partners,
    )
}

/// Tag rows with their direction for the reporter (`_dir`: `x` exports, `m` imports, `t`
/// reported turnover) and drop the rows that are none of these. A domestic flow stated once for
/// both sides (reconciled), counted with `--keep-domestic`, is at once the country's export and
/// its import: it is tagged twice, as any reconciled row counts for its exporter and its
/// importer.
pub(crate) fn tag(rows: LazyFrame, d: &Directions) -> LazyFrame {
    let rows = rows.cache();
    let once = rows
        .clone()
        .with_column(
            when(d.exports.clone())
                .then(lit("x"))
                .when(d.imports.clone())
                .then(lit("m"))
                .when(d.turnover.clone())
                .then(lit("t"))
                .otherwise(lit(NULL).cast(DataType::String))
                .alias("_dir"),
        )
        .filter(col("_dir").is_not_null());
    let again = rows
        .filter(d.exports.clone().and(d.imports.clone()))
        .with_column(lit("m").alias("_dir"));
    concat([once, again], UnionArgs::default()).expect("same schema")
}

/// Who declares which side of the flows, per year: `year`, `country`, `what`, one row each.
/// `x`: the country declares its exports; `m`: it declares its imports (its own import
/// records); `xr`: its exports are reconciled rows (BACI), each of which is also the
/// importer's import from it. With `by_partner`, only records partner by partner count: a
/// World total says what the country traded in all, not with any one partner.
///
/// A declarer lists every partner it traded with, so a partner it does not list had no such
/// trade that year: that figure is zero. A side nobody declares is unknown (empty), never zero.
pub(crate) fn declarers(lf: LazyFrame, by_partner: bool) -> LazyFrame {
    let mut rows = lf.filter(
        usable_expr()
            .and(col("reporter").neq(lit(WORLD)))
            .and(col("partner").is_not_null()),
    );
    if by_partner {
        rows = rows.filter(col("partner").neq(lit(WORLD)));
    }
    let rec = col("reconciled");
    let pick = |keep: Expr, what: &str| {
        rows.clone().filter(keep).select([
            col("year"),
            col("reporter").alias("country"),
            lit(what.to_string()).alias("what"),
        ])
    };
    concat(
        [
            pick(is_flow(flow::EXPORT), "x"),
            pick(is_flow(flow::IMPORT).and(rec.clone().not()), "m"),
            pick(is_flow(flow::EXPORT).and(rec), "xr"),
        ],
        UnionArgs::default(),
    )
    .expect("same schema")
    .unique(None, UniqueKeepStrategy::Any)
}

/// Per year: whether the reporter's exports to the partners (`_kx`) and imports from them
/// (`_km`) are known from [`declarers`], even where no row carries them. Exports: the reporter
/// declares its exports. Imports: it declares its imports, or one of the partners (for the
/// world: any other country) is an exporter whose reconciled rows the data holds.
pub(crate) fn known_sides(lf: LazyFrame, reporter: &str, partners: &Partners) -> LazyFrame {
    let by_partner = *partners != Partners::World;
    let is_r = || col("country").eq(lit(reporter.to_string()));
    let is_p = match partners {
        Partners::World => is_r().not(),
        Partners::Some(p) => col("country").is_in(set(p), false),
    };
    let what = |w: &str| col("what").eq(lit(w.to_string()));
    declarers(lf, by_partner).group_by([col("year")]).agg([
        is_r().and(what("x")).any(true).alias("_kx"),
        is_r()
            .and(what("m"))
            .or(is_p.and(what("xr")))
            .any(true)
            .alias("_km"),
    ])
}

/// [`known_sides`] joined to a frame with a `year` column (`false` for years nobody declares).
pub(crate) fn with_known_sides(
    lf: LazyFrame,
    data: LazyFrame,
    reporter: &str,
    partners: &Partners,
) -> LazyFrame {
    lf.join(
        known_sides(data, reporter, partners),
        [col("year")],
        [col("year")],
        JoinArgs::new(JoinType::Left),
    )
    .with_columns([
        col("_kx").fill_null(lit(false)),
        col("_km").fill_null(lit(false)),
    ])
}
