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
    /// The 7 top-level Broad Economic Categories (BEC Rev.4) of HS codes.
    Bec,
    /// The end use of HS codes: capital, intermediate or consumption goods (BEC Rev.4).
    EndUse,
}

impl std::str::FromStr for GroupBy {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<GroupBy, String> {
        match s {
            "section" | "sections" => Ok(GroupBy::Section),
            "chapter" | "chapters" | "hs2" => Ok(GroupBy::Chapter),
            "heading" | "headings" | "hs4" => Ok(GroupBy::Heading),
            "category" | "categories" => Ok(GroupBy::Category),
            "bec" => Ok(GroupBy::Bec),
            "end-use" | "enduse" | "end_use" => Ok(GroupBy::EndUse),
            _ => Err(format!(
                "unknown group '{s}'; use section, chapter, heading, category, bec or end-use"
            )),
        }
    }
}

/// Totals and shares of products grouped by section, chapter, heading or category, per year.
/// HS codes are rolled up from their leaves; codes that are not HS (the data's own categories,
/// SITC) are grouped as they are, whatever the grouping asked, and never named from the HS
/// table (see [`hs_code`]). Named categories without values (press releases) are listed with
/// an empty value.
pub fn composition(
    lf: LazyFrame,
    reporter: &str,
    partners: &Partners,
    direction: Direction,
    group: GroupBy,
) -> LazyFrame {
    let d = directions(reporter, partners);
    let named = named_rows(lf.clone(), reporter, partners, direction);
    // Products with values: HS codes at their leaves, and codes without a level (categories).
    let products = leaves(usable(involving(lf, reporter, partners))).filter(
        col("product_level")
            .gt(lit(0))
            .or(col("product_level").is_null()),
    );
    let in_direction = match direction {
        Direction::Exports => col("_dir").eq(lit("x")),
        Direction::Imports => col("_dir").eq(lit("m")),
        Direction::Turnover => col("_dir").is_not_null(),
    };
    let tagged = tag(
        products,
        &Directions {
            turnover: lit(false),
            ..d
        },
    )
    .filter(in_direction);
    // The World rule over the year, as for any one figure.
    let coded =
        world_rule(tagged.with_column(lit("x").alias("_dir")), partners).drop(cols(["_dir"]));
    let hs = hs_code();
    let chapter = col("product").str().head(lit(2));
    let as_is = |key: Expr, label: Expr| {
        (
            when(hs.clone()).then(key).otherwise(col("product")),
            when(hs.clone()).then(label).otherwise(col("product_name")),
        )
    };
    // A heading is named from the HS table in the row's edition (a leaf's own name is that of
    // a subheading); a code as it is, by the data, else by the HS table.
    let heading = col("product").str().head(lit(4));
    let own_name = |code: Expr| {
        col("product_name").fill_null(
            when(hs.clone())
                .then(super::products::hs_name(code, col("classification")))
                .otherwise(lit(NULL).cast(DataType::String)),
        )
    };
    let (key, label): (Expr, Expr) = match group {
        GroupBy::Chapter => as_is(chapter.clone(), chapter_label(chapter)),
        GroupBy::Heading => as_is(
            heading.clone(),
            super::products::hs_name(heading, col("classification")),
        ),
        GroupBy::Section => {
            let (key, label) = section_of(chapter);
            as_is(key, label)
        }
        GroupBy::Category => (col("product"), own_name(col("product"))),
        GroupBy::Bec => {
            let (key, label) = super::products::bec_group(super::products::BecGrouping::TopLevel);
            as_is(key, label)
        }
        GroupBy::EndUse => {
            let (key, label) = super::products::bec_group(super::products::BecGrouping::EndUse);
            as_is(key, label)
        }
    };
    let coded = coded
        .group_by([col("year"), key.clone().alias("group")])
        .agg([
            col("value").sum().alias("value"),
            label.drop_nulls().first().alias("label"),
        ]);
    // Listed without a value, unless the same category has one.
    let named = named
        .group_by([col("year"), col("product").alias("group")])
        .agg([col("product_name").first().alias("label")])
        .with_column(lit(NULL).cast(DataType::Float64).alias("value"));
    let named = anti(
        named,
        coded.clone().select([col("year"), col("group")]),
        vec![col("year"), col("group")],
    );
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

/// Whether the products the reporter trades with `partners` (in `year`, else in any year) are
/// the data's own categories only, no HS code among them (see [`hs_code`]): sections,
/// chapters and headings then do not apply, and tables and charts say "category".
pub fn own_categories(
    lf: LazyFrame,
    reporter: &str,
    partners: &Partners,
    year: Option<i32>,
) -> crate::Result<bool> {
    let d = directions(reporter, partners);
    let in_year = year.map_or(lit(true), |y| col("year").eq(lit(y)));
    let df = usable(involving(lf, reporter, partners))
        .filter(
            in_year
                .and(d.exports.or(d.imports))
                .and(col("product").neq(lit(crate::schema::TOTAL))),
        )
        .select([
            hs_code().cast(DataType::UInt32).sum().alias("hs"),
            len().alias("n"),
        ])
        .collect()
        .map_err(crate::Error::polars(
            "cannot tell the kind of product codes",
        ))?;
    let (hs, n) = (
        crate::frame::ints(&df, "hs")?[0].unwrap_or(0),
        crate::frame::ints(&df, "n")?[0].unwrap_or(0),
    );
    Ok(hs == 0 && n > 0)
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

/// Rows of categories named without a value (press releases) in `direction` of the
/// reporter's trade with `partners`, taken from either side (Mexico's exports to Kazakhstan
/// are Kazakhstan's imports).
fn named_rows(
    lf: LazyFrame,
    reporter: &str,
    partners: &Partners,
    direction: Direction,
) -> LazyFrame {
    let (d, m) = (directions(reporter, partners), mirror(reporter, partners));
    let keep = match direction {
        Direction::Exports => d.exports.or(m.exports),
        Direction::Imports => d.imports.or(m.imports),
        Direction::Turnover => d.exports.or(d.imports).or(m.exports).or(m.imports),
    };
    lf.filter(
        col("product_level")
            .is_null()
            .and(col("value").is_null())
            .and(keep),
    )
}

/// The product categories the sources name, without values (press releases, the seed
/// documents: "Kazakhstan mostly imports metal pipes, ..."), for the reporter's trade with
/// `partners`, either way: one row per category as its source states it, in the source's
/// order within a year. Columns year, reporter, partner, flow, product, product_name, source.
pub fn named_categories(lf: LazyFrame, reporter: &str, partners: &Partners) -> LazyFrame {
    named_rows(lf, reporter, partners, Direction::Turnover)
        .select([
            col("year"),
            col("reporter"),
            col("partner"),
            col("flow"),
            col("product"),
            col("product_name"),
            col("source"),
        ])
        .sort(
            ["year"],
            SortMultipleOptions::default().with_maintain_order(true),
        )
}
