//! Fuzz target: the user's mapping files and options. The first line of the bytes is parsed as
//! a `--map FIELD=COLUMN,...` mapping (`Mapping::from_str`); when it parses, the rest is read
//! as an in-memory CSV file through the mapped layout's reader and its plans are collected.
//! The whole text is also parsed as a `--categories FILE` (category name and HS prefixes).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tradestat::analysis::user_categories::UserCategories;
use tradestat::read::layout::{Mapping, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = UserCategories::parse(text, "fuzz.csv");
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let Ok(map) = first.parse::<Mapping>() else {
        return;
    };
    let options = ReadOptions {
        map: Some(map),
        // A file without a year or flow column takes them from the command line.
        year: Some(2021),
        ..ReadOptions::default()
    };
    let countries = ["KAZ".to_string(), "MEX".to_string()];
    let _ = tradestat::read::collect_every_plan(
        "fuzz.csv",
        rest.as_bytes().to_vec(),
        &options,
        &countries,
    );
});
