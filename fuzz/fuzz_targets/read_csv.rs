//! Fuzz target: every layout reader. The bytes (after a first byte choosing the layout: detected
//! from the header, or forced as `--format` forces it) are read as an in-memory CSV file through
//! `read::read_csv` with validation, and every plan is collected: the typed plan, the all-text
//! plan and the plans keeping a question's countries (with the first pass over the bytes).
//! Errors are expected; a panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tradestat::read::layout::{Layout, ReadOptions};

/// `None` (detect) and every layout `--format` can force; `Mapped` needs `--map` (the `mapping`
/// target) and is left out.
const FORMATS: [Option<Layout>; 6] = [
    None,
    Some(Layout::Canonical),
    Some(Layout::ComtradePlus),
    Some(Layout::ComtradeLegacy),
    Some(Layout::Baci),
    Some(Layout::Comext),
];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, text)) = data.split_first() else {
        return;
    };
    let options = ReadOptions {
        format: FORMATS[usize::from(choice) % FORMATS.len()],
        // A value unit and a year as the command line gives them, sometimes.
        value_unit: (choice & 0x40 != 0).then_some(1000.0),
        year: (choice & 0x80 != 0).then_some(2021),
        ..ReadOptions::default()
    };
    // Countries as codes (Comtrade's numeric ones are read to ISO3 by the plans).
    let countries = ["KAZ".to_string(), "MEX".to_string(), "USA".to_string()];
    let Ok(every) =
        tradestat::read::collect_every_plan("fuzz.csv", text.to_vec(), &options, &countries)
    else {
        return;
    };
    // The typed plan is a faster reading of the same cells: when both plans read the file, they
    // must give the same table (the all-text plan is the reference).
    if let (Ok(typed), Some(Ok(text))) = (&every.typed, &every.text) {
        assert!(
            typed.equals_missing(text),
            "typed and text plans differ:\n{typed}\n{text}"
        );
    }
});
