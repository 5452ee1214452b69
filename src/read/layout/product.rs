//! Product codes and their level (the number of digits), shared by every layout that has codes.

use polars::prelude::*;

use crate::schema::TOTAL;

/// Product code as upper-case text (`TOTAL` kept) and its level: 0 for TOTAL, digit count for
/// numeric codes, null for anything else (a custom category).
pub(super) fn product(code: Expr) -> (Expr, Expr) {
    // Only TOTAL is case-folded: other codes are digits, and category slugs stay as written.
    // "TOTAL" in any case, by set membership rather than upper-casing every code (which builds a
    // new string per row): the 32 ways of writing it.
    let spellings: Vec<String> = (0u32..32)
        .map(|mask| {
            TOTAL
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if mask & (1 << i) != 0 {
                        c.to_ascii_lowercase()
                    } else {
                        c
                    }
                })
                .collect()
        })
        .collect();
    let is_total = code
        .clone()
        .is_in(super::expr::series(spellings).implode(true), false);
    let p = when(is_total.clone()).then(lit(TOTAL)).otherwise(code);
    let level = when(is_total)
        .then(lit(0i32))
        .when(p.clone().cast(DataType::Int64).is_not_null())
        .then(p.clone().str().len_chars().cast(DataType::Int32))
        .otherwise(lit(NULL).cast(DataType::Int32));
    (p, level)
}

/// Digit counts of HS codes and their national extensions (CN8, HS10): chapter, heading,
/// subheading and beyond, always written zero-padded to an even width.
const HS_DIGITS: [i32; 5] = [2, 4, 6, 8, 10];

/// The level of codes whose classification the file does not state (`unstated`): when every
/// such code of the file looks like HS (2, 4, 6, 8 or 10 digits), their digit count, so HS
/// names, sections and the parent/child rules apply; otherwise the codes are the file's own
/// categories (1..20 are not chapters 01..20), with no level: grouped as they are, never
/// named from the HS table, never taken for each other's parents. One odd-width code is
/// enough: HS codes are zero-padded, so `1` or `101` cannot be one. `TOTAL` keeps level 0.
/// The test spans the whole file (an aggregate over its rows).
pub(super) fn own_code_level(level: Expr, unstated: Expr) -> Expr {
    let hs_like = level
        .clone()
        .is_null()
        .or(level.clone().eq(lit(0)))
        .or(level.clone().is_in(
            lit(Series::new(PlSmallStr::EMPTY, HS_DIGITS.to_vec())).implode(true),
            false,
        ));
    let file_is_hs_like = hs_like.or(unstated.clone().not()).all(true);
    when(
        unstated
            .not()
            .or(file_is_hs_like)
            .or(level.clone().eq(lit(0))),
    )
    .then(level)
    .otherwise(lit(NULL).cast(DataType::Int32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::ints;

    fn levels(codes: &[&str], stated: bool) -> Vec<Option<i64>> {
        let df = df!("p" => codes).unwrap();
        let (_, level) = product(col("p"));
        let out = df
            .lazy()
            .select([own_code_level(level, lit(!stated)).alias("l")])
            .collect()
            .unwrap();
        ints(&out, "l").unwrap()
    }

    #[test]
    fn categories_1_to_20_are_not_hs_chapters() {
        let codes: Vec<String> = (1..=20).map(|c| c.to_string()).collect();
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        assert!(levels(&codes, false).iter().all(Option::is_none));
        // Stated as a classification (SITC, say), the digit counts stay.
        assert_eq!(levels(&codes, true)[0], Some(1));
    }

    #[test]
    fn total_in_any_case_is_the_total() {
        let df = df!("p" => ["total", "Total", "tOtAl", "TOTALS", "TOTA", "0101"]).unwrap();
        let (p, level) = product(col("p"));
        let out = df
            .lazy()
            .select([p.alias("p"), level.alias("l")])
            .collect()
            .unwrap();
        let p: Vec<Option<String>> = crate::frame::strings(&out, "p").unwrap();
        assert_eq!(
            p[..3],
            [
                Some("TOTAL".into()),
                Some("TOTAL".into()),
                Some("TOTAL".into())
            ]
        );
        assert_eq!(p[3].as_deref(), Some("TOTALS"));
        assert_eq!(
            ints(&out, "l").unwrap(),
            [Some(0), Some(0), Some(0), None, None, Some(4)]
        );
    }

    #[test]
    fn zero_padded_codes_look_like_hs() {
        assert_eq!(
            levels(&["01", "0101", "010121", "TOTAL"], false),
            [Some(2), Some(4), Some(6), Some(0)]
        );
        assert_eq!(
            levels(&["TOTAL", "101", "meat"], false),
            [Some(0), None, None]
        );
    }
}
