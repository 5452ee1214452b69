//! A user's own product categories (`--categories FILE`: category name and HS code prefixes),
//! read, checked and applied to the data so that every analysis groups by them.

use std::path::Path;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::reference::{hs, hs_names};

/// The product code of rows whose code no category's prefixes cover.
pub const OTHER: &str = "uncategorised";

/// One category of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCategory {
    /// The name as the file writes it ("Phones").
    pub name: String,
    /// HS code prefixes (chapters, headings or subheadings), in the file's order.
    pub prefixes: Vec<String>,
}

/// The categories of a file, in its order, with the file's name for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCategories {
    pub file: String,
    pub list: Vec<UserCategory>,
}

fn bad(file: &str, why: String) -> Error {
    Error::Request(format!("--categories {file}: {why}"))
}

impl UserCategories {
    /// Read and check a categories file ([`UserCategories::parse`]).
    pub fn read(path: &Path) -> Result<UserCategories> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        UserCategories::parse(&text, &path.display().to_string())
    }

    /// Parse a CSV of category name and HS code prefixes: a header line, then one category a
    /// line with its prefixes in the next cells or in one cell separated by spaces, `|` or
    /// `;` (a category on several lines gathers them). Refused, naming what is wrong: an
    /// empty file or one without a category; a prefix that is not 2, 4 or 6 digits or not an
    /// HS code of any edition (HS1992-HS2022); a prefix that overlaps another (the same code
    /// twice, or one the start of the other: a code would belong to two categories).
    pub fn parse(text: &str, file: &str) -> Result<UserCategories> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut list: Vec<UserCategory> = Vec::new();
        for (i, r) in rdr.records().enumerate() {
            let r = r.map_err(|e| bad(file, format!("line {}: {e}", i + 2)))?;
            let Some(name) = r.get(0).filter(|n| !n.is_empty()) else {
                if r.iter().all(str::is_empty) {
                    continue;
                }
                return Err(bad(
                    file,
                    format!("line {}: a category without a name", i + 2),
                ));
            };
            let prefixes: Vec<String> = r
                .iter()
                .skip(1)
                .flat_map(|c| c.split([' ', '|', ';']))
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect();
            if prefixes.is_empty() {
                return Err(bad(
                    file,
                    format!("line {}: category '{name}' has no HS code", i + 2),
                ));
            }
            match list.iter_mut().find(|c| c.name == name) {
                Some(c) => c.prefixes.extend(prefixes),
                None => list.push(UserCategory {
                    name: name.to_string(),
                    prefixes,
                }),
            }
        }
        if list.is_empty() {
            return Err(bad(
                file,
                "no categories (expected a header line, then lines of category name and HS code \
                 prefixes, e.g. Phones,851712 851713)"
                    .into(),
            ));
        }
        let all: Vec<(&str, &str)> = list
            .iter()
            .flat_map(|c| c.prefixes.iter().map(|p| (c.name.as_str(), p.as_str())))
            .collect();
        let unknown: Vec<String> = all
            .iter()
            .filter(|(_, p)| !known(p))
            .map(|(c, p)| format!("{p} ({c})"))
            .collect();
        if !unknown.is_empty() {
            return Err(bad(
                file,
                format!(
                    "{} {} not an HS chapter, heading or subheading of any edition: {}",
                    unknown.len(),
                    if unknown.len() == 1 {
                        "code is"
                    } else {
                        "codes are"
                    },
                    unknown.join(", ")
                ),
            ));
        }
        let mut overlaps = Vec::new();
        for (i, (ca, a)) in all.iter().enumerate() {
            for (cb, b) in &all[i + 1..] {
                if a.starts_with(b) || b.starts_with(a) {
                    overlaps.push(format!("{a} ({ca}) and {b} ({cb})"));
                }
            }
        }
        if !overlaps.is_empty() {
            return Err(bad(
                file,
                format!(
                    "{} overlapping {} (a code would belong to two categories): {}",
                    overlaps.len(),
                    if overlaps.len() == 1 {
                        "prefix pair"
                    } else {
                        "prefix pairs"
                    },
                    overlaps.join("; ")
                ),
            ));
        }
        Ok(UserCategories {
            file: file.to_string(),
            list,
        })
    }

    /// The category a code belongs to (by its prefixes), if any.
    pub fn of(&self, code: &str) -> Option<&UserCategory> {
        self.list
            .iter()
            .find(|c| c.prefixes.iter().any(|p| code.starts_with(p.as_str())))
    }
}

/// An HS chapter, heading or subheading of some edition.
fn known(code: &str) -> bool {
    code.bytes().all(|b| b.is_ascii_digit())
        && match code.len() {
            2 => hs().chapter(code).is_some() || !hs_names().editions_of(code).is_empty(),
            4 | 6 => !hs_names().editions_of(code).is_empty(),
            _ => false,
        }
}

/// The category's code in the data: its name in lower case, words joined by `-`.
fn slug(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Refuse data whose HS products are at several levels (chapters beside subheadings): once
/// they are categories, the double-count rules could no longer tell an aggregate from its
/// parts.
pub fn check_levels(lf: &LazyFrame, cats: &UserCategories) -> Result<()> {
    let df = lf
        .clone()
        .filter(super::hs_code())
        .select([col("product_level").unique().sort(SortOptions::default())])
        .collect()
        .map_err(Error::polars("cannot read the product levels"))?;
    let levels: Vec<i64> = crate::frame::ints(&df, "product_level")?
        .into_iter()
        .flatten()
        .collect();
    if levels.len() > 1 {
        return Err(bad(
            &cats.file,
            format!(
                "the data has HS codes at several levels ({} digits): give products at one \
                 level (e.g. six digits only), so that no value is counted twice in a category",
                levels
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(())
}

/// The rows of `lf` with their HS codes replaced by the user's categories: product the
/// category's code (`phones`), its name the category's, no level, classification `custom`;
/// a code in no category becomes [`OTHER`] (kept, never dropped; [`notes`] names the codes).
/// `category_from` keeps each such row's own code.
pub fn apply(lf: LazyFrame, cats: &UserCategories) -> LazyFrame {
    let mut code = lit(OTHER);
    let mut name = lit(format!("Not in the categories of {}", cats.file));
    // Prefixes never overlap (checked), so the order of the tests does not matter.
    for c in cats.list.iter().rev() {
        for p in &c.prefixes {
            let hit = col("product").str().starts_with(lit(p.clone()));
            code = when(hit.clone()).then(lit(slug(&c.name))).otherwise(code);
            name = when(hit).then(lit(c.name.clone())).otherwise(name);
        }
    }
    let on = super::hs_code();
    lf.with_columns([
        when(on.clone())
            .then(col("product"))
            .otherwise(lit(NULL).cast(DataType::String))
            .alias("category_from"),
        when(on.clone())
            .then(code)
            .otherwise(col("product"))
            .alias("product"),
        when(on.clone())
            .then(name)
            .otherwise(col("product_name"))
            .alias("product_name"),
        when(on.clone())
            .then(lit(NULL).cast(DataType::Int32))
            .otherwise(col("product_level"))
            .alias("product_level"),
        when(on)
            .then(lit(crate::schema::CUSTOM))
            .otherwise(col("classification"))
            .alias("classification"),
    ])
}

/// A counted warning on the codes of `lf` (rows of a question, after [`apply`]) that no
/// category covers: how many codes, rows and how much value, the first codes named.
pub fn notes(lf: LazyFrame, cats: &UserCategories, currency: &str) -> Result<Vec<String>> {
    let df = lf
        .filter(col("product").eq(lit(OTHER)))
        .group_by([col("category_from")])
        .agg([len().alias("n"), col("value").sum().alias("value")])
        .sort(["category_from"], SortMultipleOptions::default())
        .collect()
        .map_err(Error::polars("cannot count the codes in no category"))?;
    if df.height() == 0 {
        return Ok(Vec::new());
    }
    let codes: Vec<String> = crate::frame::strings(&df, "category_from")?
        .into_iter()
        .flatten()
        .collect();
    let rows: i64 = crate::frame::ints(&df, "n")?.into_iter().flatten().sum();
    let value: f64 = crate::frame::floats(&df, "value")?
        .into_iter()
        .flatten()
        .sum();
    let shown: Vec<&str> = codes.iter().take(10).map(String::as_str).collect();
    Ok(vec![format!(
        "warning: {} product {} ({rows} {}, {}) in no category of {}, shown as \"{OTHER}\": {}{}",
        codes.len(),
        if codes.len() == 1 { "code" } else { "codes" },
        if rows == 1 { "row" } else { "rows" },
        crate::output::human_money(value, currency),
        cats.file,
        shown.join(", "),
        if codes.len() > shown.len() {
            ", ..."
        } else {
            ""
        },
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_categories_is_read_with_its_prefixes() {
        let c = UserCategories::parse(
            "category,hs\nPhones,851712 851713\nCars,8703\nPhones,851714\nFood,16|17\n",
            "cats.csv",
        )
        .unwrap();
        assert_eq!(c.list.len(), 3);
        assert_eq!(c.list[0].prefixes, ["851712", "851713", "851714"]);
        assert_eq!(c.of("870323").map(|c| c.name.as_str()), Some("Cars"));
        assert_eq!(c.of("170199").map(|c| c.name.as_str()), Some("Food"));
        assert_eq!(c.of("010121"), None);
        assert_eq!(slug("Cars & other vehicles"), "cars-other-vehicles");
    }

    #[test]
    fn bad_files_are_refused_naming_what_is_wrong() {
        let err = |text: &str| {
            UserCategories::parse(text, "c.csv")
                .unwrap_err()
                .to_string()
        };
        assert!(err("").contains("no categories"));
        assert!(err("category,hs\n").contains("no categories"));
        let e = err("category,hs\nPhones,8517\nSmart,851713\n");
        assert!(e.contains("8517 (Phones) and 851713 (Smart)"), "{e}");
        let e = err("category,hs\nA,8703\nB,8703\n");
        assert!(e.contains("overlapping"), "{e}");
        let e = err("category,hs\nA,999998 8703 12345\n");
        assert!(
            e.contains("2 codes are not") && e.contains("999998 (A)"),
            "{e}"
        );
        assert!(e.contains("12345 (A)"), "{e}");
        assert!(err("category,hs\nA,\n").contains("has no HS code"));
    }

    #[test]
    fn codes_become_categories_and_the_rest_is_counted() {
        let cats = UserCategories::parse("category,hs\nPhones,8517\n", "c.csv").unwrap();
        let df = df!(
            "product" => ["851712", "851713", "870323", "TOTAL"],
            "product_name" => [None::<&str>, None, None, None],
            "product_level" => [6, 6, 6, 0],
            "classification" => ["H5", "H6", "H5", "H5"],
            "value" => [1.0, 2.0, 4.0, 7.0],
        )
        .unwrap();
        let out = apply(df.lazy(), &cats).collect().unwrap();
        let p = crate::frame::strings(&out, "product").unwrap();
        assert_eq!(
            p,
            [
                Some("phones".into()),
                Some("phones".into()),
                Some(OTHER.into()),
                Some("TOTAL".into())
            ]
        );
        let total: f64 = crate::frame::floats(&out, "value")
            .unwrap()
            .into_iter()
            .flatten()
            .sum();
        assert_eq!(total, 14.0, "nothing dropped");
        let notes = notes(out.lazy(), &cats, "USD").unwrap();
        assert!(notes[0].contains("1 product code (1 row, $4)"), "{notes:?}");
        assert!(notes[0].contains("870323"), "{notes:?}");
    }
}
