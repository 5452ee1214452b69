//! What products are, for the analysis: the names of HS codes in their edition, as
//! expressions over a frame (the tables themselves are in [`crate::reference`]).

use std::sync::OnceLock;

use polars::prelude::*;

use crate::reference::{HS_EDITIONS, hs_names};

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
}
