//! What products are, for the analysis: the names of HS codes in their edition and their
//! broad economic category and end use (BEC), as expressions over a frame (the tables
//! themselves are in [`crate::reference`]).

use std::sync::OnceLock;

use polars::prelude::*;

use crate::reference::{HS_EDITIONS, bec, hs_names};

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
}
