//! Text to typed expressions. Every layout reads its columns as text (nothing is guessed by type
//! inference) and parses the ones it uses with these, strictly: a cell that is not a number fails
//! the query instead of becoming empty. [`typed_plan`] also gives a plan whose scan reads the
//! columns used only as numbers as numbers, the fast path when the file allows it.

use std::cell::RefCell;
use std::collections::BTreeSet;

use polars::prelude::*;

/// How the plan being built uses the file's columns, and which columns its scan reads as
/// numbers: see [`typed_plan`].
#[derive(Default)]
struct Uses {
    /// Read through [`num`] or [`int`] only (so far).
    numeric: BTreeSet<String>,
    /// Read as text somewhere ([`txt`]).
    text: BTreeSet<String>,
    /// Columns the scan reads as `Float64`: [`num`] takes them as they are.
    typed: BTreeSet<String>,
}

thread_local! {
    // The plan of one file is built on one thread, by `typed_plan`: the record is set up and
    // taken back around that call, so it never leaks into another file's plan.
    static USES: RefCell<Option<Uses>> = const { RefCell::new(None) };
}

/// Build a layout's plan twice: once as text, recording how each column is used; then with
/// the columns used only as numbers scanned as `Float64`, so polars parses them while it reads
/// the file instead of building a string per cell and converting it (the typed plan). Returns
/// the text plan, the typed plan and the typed columns. The typed scan refuses what the text
/// plan trims and accepts (`" 12"`, a blank cell): a caller that gets an error from the typed
/// plan reads the file with the text plan, whose answers and errors are the reference.
pub(crate) fn typed_plan<T>(
    plan: impl Fn() -> crate::Result<T>,
) -> crate::Result<(T, T, BTreeSet<String>)> {
    USES.with(|u| *u.borrow_mut() = Some(Uses::default()));
    let text = plan();
    let uses = USES.with(|u| u.borrow_mut().take()).unwrap_or_default();
    let text = text?;
    let typed: BTreeSet<String> = uses.numeric.difference(&uses.text).cloned().collect();
    USES.with(|u| {
        *u.borrow_mut() = Some(Uses {
            typed: typed.clone(),
            ..Uses::default()
        })
    });
    let fast = plan();
    USES.with(|u| u.borrow_mut().take());
    Ok((text, fast?, typed))
}

/// Record a use of column `name` in the plan being built; true when its scan reads it as a
/// number.
fn record(name: &str, numeric: bool) -> bool {
    USES.with(|u| {
        let mut u = u.borrow_mut();
        let Some(u) = u.as_mut() else {
            return false;
        };
        if u.typed.contains(name) {
            return true;
        }
        if numeric {
            u.numeric.insert(name.to_string());
        } else {
            u.text.insert(name.to_string());
        }
        false
    })
}

/// Text of a column: trimmed, empty as null.
pub(crate) fn txt(name: &str) -> Expr {
    record(name, false);
    trimmed(name)
}

fn trimmed(name: &str) -> Expr {
    // `replace` rather than `when(t == "").then(null).otherwise(t)`: the same cells, without
    // building a mask and a third copy of the column (measured: a third of the time of reading
    // a Comtrade Plus file's 17 columns went to that).
    col(name)
        .str()
        .strip_chars(lit(NULL))
        .replace(lit(""), lit(NULL).cast(DataType::String))
}

/// Number of a column (strict: a non-number fails the query).
pub(super) fn num(name: &str) -> Expr {
    if record(name, true) {
        // Scanned as a number already.
        return col(name);
    }
    trimmed(name).strict_cast(DataType::Float64)
}

/// Whole number of a column, accepting `2018.0`.
pub(super) fn int(name: &str) -> Expr {
    num(name).strict_cast(DataType::Int32)
}

/// A list of strings as a literal column (the two sides of a `replace`).
pub(super) fn series(values: Vec<String>) -> Expr {
    lit(Series::new(PlSmallStr::EMPTY, values))
}

/// A set of strings for `is_in` (imploded to one list, as polars asks).
pub(super) fn set(values: &[&str]) -> Expr {
    series(values.iter().map(|s| s.to_string()).collect()).implode(true)
}
