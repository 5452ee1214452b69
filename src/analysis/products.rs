//! What products are, for the analysis: the names of HS codes in their edition, their broad
//! economic category and end use (BEC), and HS codes of every edition harmonised to one, as
//! expressions over a frame (the tables themselves are in [`crate::reference`]).

use std::sync::OnceLock;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::reference::{Conversion, HS_EDITIONS, bec, hs_conversion, hs_names};

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

/// Harmonise the six-digit HS codes of `lf` to edition `to` (an index of [`HS_EDITIONS`]):
/// each row's code, in the edition of the row ([`edition_of_row`]), becomes the code UNSD's
/// tables give it in `to` ([`crate::reference::HsConversion::convert`]) and its classification
/// `to`; its name, if the code changed, is dropped (the name of the new code comes from the HS
/// table). A code that goes to several codes of `to` (its value cannot be given to one) or
/// that the tables do not know keeps its code and its classification, and
/// [`harmonise_notes`] names it. Values are never split or dropped: totals do not change.
pub fn harmonise(lf: LazyFrame, to: usize) -> LazyFrame {
    let conversion = hs_conversion();
    let (mut keys, mut targets) = (Vec::new(), Vec::new());
    for from in (0..HS_EDITIONS.len()).filter(|&e| e != to) {
        for code in conversion.codes(from) {
            if let Conversion::One(t) = conversion.convert(code, from, to) {
                keys.push(format!("{}:{code}", HS_EDITIONS[from]));
                targets.push(t);
            }
        }
    }
    let edition = edition_of_row(col("classification"), col("year"));
    let target = concat_str([edition.clone(), lit(":"), col("product")], "", false).replace_strict(
        lit(Series::new(PlSmallStr::EMPTY, keys)),
        lit(Series::new(PlSmallStr::EMPTY, targets)),
        Some(lit(NULL).cast(DataType::String)),
        Some(DataType::String),
    );
    let converted = six_digit_hs().and(target.clone().is_not_null());
    let in_target = six_digit_hs().and(edition.eq(lit(HS_EDITIONS[to])));
    lf.with_columns([
        when(converted.clone())
            .then(target.clone())
            .otherwise(col("product"))
            .alias("product"),
        when(converted.clone().or(in_target))
            .then(lit(HS_EDITIONS[to]))
            .otherwise(col("classification"))
            .alias("classification"),
        when(converted.and(target.neq(col("product"))))
            .then(lit(NULL).cast(DataType::String))
            .otherwise(col("product_name"))
            .alias("product_name"),
    ])
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

/// What harmonising `lf` (already harmonised to `to`) left: one note on the edition, and one
/// naming the six-digit codes that kept their edition (several codes of `to`, or not in the
/// tables), with their rows and value.
pub fn harmonise_notes(lf: LazyFrame, to: usize, currency: &str) -> Result<Vec<String>> {
    let name = |e: usize| format!("{} (HS{})", HS_EDITIONS[e], EDITION_YEARS[e].max(1992));
    let mut notes = vec![format!(
        "HS codes harmonised to {} with the UNSD conversion tables (--hs-edition)",
        name(to)
    )];
    let df = lf
        .filter(six_digit_hs().and(col("classification").neq(lit(HS_EDITIONS[to]))))
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
        "{} six-digit {} ({rows} {}, {}) kept {} edition: no single {} code for {}{}",
        df.height(),
        if df.height() == 1 { "code" } else { "codes" },
        if rows == 1 { "row" } else { "rows" },
        crate::output::human_money(value, currency),
        if df.height() == 1 { "its" } else { "their" },
        HS_EDITIONS[to],
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
                "product_name" => rows.iter().map(|_| Some("as given")).collect::<Vec<_>>(),
            )
            .unwrap()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(24))]
            /// Harmonising moves values between codes, never adds, splits or drops them: the
            /// total and the number of rows stay, whatever the editions and the target.
            #[test]
            fn totals_are_invariant(
                picks in proptest::collection::vec((0usize..7, 0usize..5000, 1u32..1_000_000), 1..60),
                to in 0usize..7,
            ) {
                let conversion = hs_conversion();
                let rows: Vec<(String, &str, i32, f64)> = picks
                    .iter()
                    .map(|(e, i, v)| {
                        let mut codes = conversion.codes(*e);
                        codes.sort();
                        (codes[i % codes.len()].to_string(), HS_EDITIONS[*e], 2020, f64::from(*v))
                    })
                    .collect();
                let before: f64 = rows.iter().map(|r| r.3).sum();
                let out = harmonise(frame(&rows).lazy(), to).collect().unwrap();
                prop_assert_eq!(out.height(), rows.len());
                let after: f64 = floats(&out, "value").unwrap().into_iter().flatten().sum();
                prop_assert!((after - before).abs() < 1e-6);
                // Every row is in the target edition, or kept its own with its code.
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
        }

        #[test]
        fn codes_go_to_their_counterpart_and_lose_an_old_name() {
            let rows = vec![
                ("851713".to_string(), "H6", 2022, 70.0),
                ("851712".to_string(), "HS", 2018, 10.0),
                ("870323".to_string(), "H6", 2022, 20.0),
            ];
            let out = harmonise(frame(&rows).lazy(), 5).collect().unwrap();
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
            // Back to HS2022, 851712 has several counterparts: kept, and named in a note.
            let back = harmonise(out.lazy(), 6);
            let notes = harmonise_notes(back.clone(), 6, "USD").unwrap();
            assert!(notes[1].contains("H5 851712"), "{notes:?}");
            assert!(
                notes[1].starts_with("1 six-digit code (2 rows"),
                "{notes:?}"
            );
        }
    }
}
