//! tradestat: load trade-flow records of every common layout into one canonical polars table,
//! and turn them into correct numbers, charts and reports.
//!
//! Data flows one way: files ([`read`], [`load`]) -> the canonical table ([`schema`]) -> the
//! question ([`question`]) -> answers ([`analysis`]) -> tables, charts and reports ([`tables`],
//! [`chart`], [`report`]). [`fetch`] downloads Comtrade Plus records from the UN Comtrade API
//! into a file the readers take as it is. The `tradestat` binary (`src/main.rs`, `src/cli/`) only parses
//! arguments and prints what these modules return.

pub mod analysis;
pub mod chart;
pub mod cleanup;
pub mod error;
pub mod fetch;
pub mod frame;
pub mod inspect;
pub mod load;
pub mod output;
pub mod question;
pub mod read;
pub mod reference;
pub mod report;
pub mod schema;
pub mod tables;
pub mod validate;
pub mod write;
pub mod xlsx;

pub use error::{Error, Result};
pub use load::{Dataset, LoadOptions, load};
