//! Composition: products grouped by HS section, chapter, heading or the data's own
//! categories, with totals and shares per year.

use polars::prelude::*;

use super::*;

/// How `composition` groups products.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// The 21 HS sections.
    Section,
    /// HS chapters (2 digits).
    Chapter,
    /// HS headings (4 digits).
    Heading,
    /// The product categories named in the data (custom codes), and codes as they are.
    Category,
}

impl std::str::FromStr for GroupBy {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<GroupBy, String> {
        match s {
            "section" | "sections" => Ok(GroupBy::Section),
            "chapter" | "chapters" | "hs2" => Ok(GroupBy::Chapter),
            "heading" | "headings" | "hs4" => Ok(GroupBy::Heading),
            "category" | "categories" => Ok(GroupBy::Category),
            _ => Err(format!(
                "unknown group '{s}'; use section, chapter, heading or category"
            )),
        }
    }
}

/// Totals and shares of products grouped by section, chapter, heading or category, per year.
/// Numeric codes are rolled up from their leaves; named categories without values are listed
/// with an empty value.
pub fn composition(
    lf: LazyFrame,
    reporter: &str,
    partners: &Partners,
    direction: Direction,
    group: GroupBy,
) -> LazyFrame {
    let d = directions(reporter, partners);
    let keep = match direction {
        Direction::Exports => d.exports,
        Direction::Imports => d.imports,
        Direction::Turnover => d.exports.or(d.imports),
    };
    // Named categories (press releases) may carry no value: keep them so they are listed, and
    // take them from either side (Mexico's exports to Kazakhstan are Kazakhstan's imports).
    let m = mirror(reporter, partners);
    let named_keep = match direction {
        Direction::Exports => keep.clone().or(m.exports),
        Direction::Imports => keep.clone().or(m.imports),
        Direction::Turnover => keep.clone().or(m.exports).or(m.imports),
    };
    let named = lf
        .clone()
        .filter(col("product_level").is_null().and(named_keep));
    let coded = leaves(usable(lf)).filter(col("product_level").gt(lit(0)).and(keep));
    let coded =
        world_rule(coded.with_column(lit("x").alias("_dir")), partners).drop(cols(["_dir"]));
    let chapter = col("product").str().head(lit(2));
    let (key, label): (Expr, Expr) = match group {
        GroupBy::Chapter => (chapter.clone(), chapter_label(chapter)),
        GroupBy::Heading => (col("product").str().head(lit(4)), col("product_name")),
        GroupBy::Section => section_of(chapter),
        GroupBy::Category => (col("product"), col("product_name")),
    };
    let coded = coded
        .filter(col("product_level").is_not_null())
        .group_by([col("year"), key.clone().alias("group")])
        .agg([
            col("value").sum().alias("value"),
            label.first().alias("label"),
        ]);
    let named = named
        .group_by([col("year"), col("product").alias("group")])
        .agg([
            col("value").sum().alias("value"),
            col("value").is_not_null().any(true).alias("_has"),
            col("product_name").first().alias("label"),
        ])
        .with_column(
            when(col("_has"))
                .then(col("value"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("value"),
        )
        .drop(cols(["_has"]));
    let all = concat(
        [coded, named],
        UnionArgs {
            diagonal: true,
            ..UnionArgs::default()
        },
    )
    .expect("compatible schemas");
    all.with_column(
        (col("value")
            / col("value")
                .sum()
                .over([col("year")])
                .expect("a non-empty partition"))
        .alias("share"),
    )
    .sort_by_exprs(
        [col("year"), col("value"), col("group")],
        SortMultipleOptions::default()
            .with_order_descending_multi([false, true, false])
            .with_nulls_last(true),
    )
    .select([
        col("year"),
        col("group"),
        col("label"),
        col("value"),
        col("share"),
    ])
}

pub(crate) fn chapter_label(chapter: Expr) -> Expr {
    let hs = crate::reference::hs();
    let old: Vec<String> = hs.chapters.iter().map(|c| c.code.clone()).collect();
    let new: Vec<String> = hs.chapters.iter().map(|c| c.label.clone()).collect();
    chapter.replace_strict(
        lit(Series::new(PlSmallStr::EMPTY, old)),
        lit(Series::new(PlSmallStr::EMPTY, new)),
        Some(lit(NULL).cast(DataType::String)),
        Some(DataType::String),
    )
}

pub(crate) fn section_of(chapter: Expr) -> (Expr, Expr) {
    let hs = crate::reference::hs();
    let old: Vec<String> = hs.chapters.iter().map(|c| c.code.clone()).collect();
    let roman: Vec<String> = hs
        .chapters
        .iter()
        .map(|c| {
            if c.section.is_empty() {
                "other".to_string()
            } else {
                c.section.clone()
            }
        })
        .collect();
    let label: Vec<String> = hs
        .chapters
        .iter()
        .map(|c| {
            hs.section(&c.section)
                .map(|s| s.label.clone())
                .unwrap_or_else(|| "Special and unspecified".into())
        })
        .collect();
    let map = |new: Vec<String>| {
        chapter.clone().replace_strict(
            lit(Series::new(PlSmallStr::EMPTY, old.clone())),
            lit(Series::new(PlSmallStr::EMPTY, new)),
            Some(lit("unknown")),
            Some(DataType::String),
        )
    };
    (map(roman), map(label))
}
