//! Comtrade and Comext periods (`2018`, `201805`, `201852`) to a year and a month, and the
//! guards that make a scan fail on a year or a month no source writes (the line checks then
//! explain it with the file's line).

use polars::prelude::*;

use super::YEARS;

/// A year is in [`YEARS`] (for the line checks and the BACI lane).
pub(crate) fn year_ok(y: i64) -> bool {
    (i64::from(*YEARS.start())..=i64::from(*YEARS.end())).contains(&y)
}

/// A month is 1 to 12, or 52 (Comtrade's and Comext's mark of a year) when `annual` allows it.
pub(crate) fn month_ok(m: i64, annual: bool) -> bool {
    (1..=12).contains(&m) || (annual && m == 52)
}

/// `e` (whole numbers) as `Int32`, failing the query where `ok` is false. Polars has no
/// expression that raises an error, so a refused cell becomes -1 and the strict cast to an
/// unsigned type fails on it; empty cells pass (they are checked elsewhere).
fn guarded(e: Expr, ok: Expr) -> Expr {
    when(ok.fill_null(lit(true)))
        .then(e.clone().cast(DataType::Int64))
        .otherwise(lit(-1i64))
        .strict_cast(DataType::UInt32)
        .cast(DataType::Int32)
}

/// A year column, refused outside [`YEARS`].
pub(super) fn year(e: Expr) -> Expr {
    let ok = e
        .clone()
        .gt_eq(lit(*YEARS.start()))
        .and(e.clone().lt_eq(lit(*YEARS.end())));
    guarded(e, ok)
}

/// A month column, refused outside 1..=12 (and 52 when `annual`, which becomes empty: the
/// row is the year's).
pub(super) fn month(e: Expr, annual: bool) -> Expr {
    let mut ok = e.clone().gt_eq(lit(1)).and(e.clone().lt_eq(lit(12)));
    if annual {
        ok = ok.or(e.clone().eq(lit(52)));
    }
    let m = guarded(e, ok);
    when(m.clone().eq(lit(52))).then(lit(NULL)).otherwise(m)
}

/// Year and month from a Comtrade/Comext period: `2018`, `201805`, `201852` (annual). A year
/// outside [`YEARS`] or a month part other than 01-12 and 52 fails the query.
pub(super) fn period(e: Expr) -> (Expr, Expr) {
    let p = e
        .strict_cast(DataType::Float64)
        .strict_cast(DataType::Int64);
    let six = p.clone().gt(lit(9999i64));
    let year = year(
        when(six.clone())
            .then(p.clone() / lit(100i64))
            .otherwise(p.clone()),
    );
    // Six digits are YYYYMM; a month part of 52 marks a year. A four-digit period has no
    // month part to check (its last two digits are the year's).
    let m = when(six)
        .then(p % lit(100i64))
        .otherwise(lit(NULL).cast(DataType::Int64));
    (year, month(m, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(values: &[i64], e: impl Fn(Expr) -> Expr) -> PolarsResult<DataFrame> {
        df!("p" => values)?
            .lazy()
            .select([e(col("p")).alias("p")])
            .collect()
    }

    /// The scan of a file larger than the line checks read first must fail on the cells the
    /// line checks refuse (the checks then name the line): the guards are what makes it fail.
    #[test]
    fn the_plans_fail_on_years_and_months_out_of_range() {
        for bad in [0, -1, 999_999_999, 1699, 2101] {
            assert!(collect(&[2021, bad], year).is_err(), "year {bad}");
        }
        let ok = collect(&[1700, 2100], year).unwrap();
        assert_eq!(
            crate::frame::ints(&ok, "p").unwrap(),
            [Some(1700), Some(2100)]
        );
        for bad in [0, 13, 51, 53] {
            assert!(
                collect(&[1, bad], |e| month(e, true)).is_err(),
                "month {bad}"
            );
        }
        assert!(collect(&[52], |e| month(e, false)).is_err());
        let m = collect(&[1, 12, 52], |e| month(e, true)).unwrap();
        assert_eq!(
            crate::frame::ints(&m, "p").unwrap(),
            [Some(1), Some(12), None]
        );
        for bad in [201813, 201800, 169912, 0] {
            let r = collect(&[201801, bad], |e| {
                let (y, m) = period(e.cast(DataType::String));
                y.alias("y") + m.fill_null(lit(0))
            });
            assert!(r.is_err(), "period {bad}");
        }
        let (y, m) = period(col("p").cast(DataType::String));
        let df = df!("p" => [201805i64, 201852, 2018])
            .unwrap()
            .lazy()
            .select([y.alias("y"), m.alias("m")])
            .collect()
            .unwrap();
        assert_eq!(crate::frame::ints(&df, "y").unwrap(), [Some(2018); 3]);
        assert_eq!(crate::frame::ints(&df, "m").unwrap(), [Some(5), None, None]);
    }
}
