//! Small helpers to read collected polars frames into plain Rust values at the edge.

use polars::prelude::*;

use crate::error::{Error, Result};

fn column<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Column> {
    df.column(name)
        .map_err(Error::polars(format!("column '{name}'")))
}

/// A text column as owned strings (nulls as `None`).
pub fn strings(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let c = column(df, name)?
        .cast(&DataType::String)
        .map_err(Error::polars(format!("column '{name}' as text")))?;
    let ca = c
        .str()
        .map_err(Error::polars(format!("column '{name}' as text")))?;
    Ok(ca.iter().map(|v| v.map(str::to_string)).collect())
}

/// A numeric column as f64 (nulls as `None`).
pub fn floats(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let c = column(df, name)?
        .cast(&DataType::Float64)
        .map_err(Error::polars(format!("column '{name}' as number")))?;
    let ca = c
        .f64()
        .map_err(Error::polars(format!("column '{name}' as number")))?;
    Ok(ca.iter().collect())
}

/// A numeric column as i64 (nulls as `None`).
pub fn ints(df: &DataFrame, name: &str) -> Result<Vec<Option<i64>>> {
    let c = column(df, name)?
        .cast(&DataType::Int64)
        .map_err(Error::polars(format!("column '{name}' as integer")))?;
    let ca = c
        .i64()
        .map_err(Error::polars(format!("column '{name}' as integer")))?;
    Ok(ca.iter().collect())
}

/// A boolean column (nulls as `None`).
pub fn bools(df: &DataFrame, name: &str) -> Result<Vec<Option<bool>>> {
    let c = column(df, name)?;
    let ca = c
        .bool()
        .map_err(Error::polars(format!("column '{name}' as boolean")))?;
    Ok(ca.iter().collect())
}
