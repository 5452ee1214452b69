//! Integration tests: the `tradestat` binary driven end to end with `assert_cmd`.
//!
//! This is the project's single integration-test crate: one module per command or concern,
//! shared helpers in `common`. Real third-party files are read in place from
//! `../shared/data/real/` (beside the checkout, never copied into the project); without that
//! folder those tests return early and one line at the end of the run says how many did
//! (`TRADESTAT_REQUIRE_REAL=1` makes them fail instead, as on CI). Small excerpts of openly
//! licensed real files are committed in `tests/data/` so that a plain clone still tests real
//! data; our own tiny fixtures are in `tests/fixtures/` or written into a tempdir by the test.

mod common;

// Loading: inspect and convert.
mod bad_input;
mod code_tables;
mod comext;
mod convert_output;
mod parquet;
mod real_files;
mod seed;
mod several_inputs;

mod help;

// Analysis, charts, reports.
mod analysis;
mod analysis_notes;
mod annual_and_months;
mod charts;
mod report;
// Workbooks and slide decks.
mod decks;

// Scale: the BACI fast lane of `profile` and `world`.
mod fast_lane;

// Unknown is not zero; one-sided files, negative bases, partial coverage (issue 12).
mod unknowns;

// One library, one door: inputs loaded once, one engine door, one formatter.
mod one_door;

// Scale: only the question's rows of Comtrade Plus files are parsed (issue 11).
mod question_rows;

// Hostile and broken input; outputs that must not damage anything else.
mod hostile;

// Numbers you can cite: codes and names, messages.
mod codes_and_messages;

// Products people can read: names in every HS edition, the categories the sources name,
// end-use groups, HS editions harmonised.
mod products;

// Short labels of product names in charts and the narrative, full names in tables.
mod short_labels;

// Shapes of real files: domestic flows, exporter -> importer files, a file's own categories,
// files without a year column.
mod data_shapes;

// Getting the data: `fetch` against a local stand-in for the UN Comtrade API.
mod fetch;
