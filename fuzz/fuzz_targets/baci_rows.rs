//! Fuzz target: the BACI row parser of the fast lane (`read::baci_rows::scan`) on arbitrary
//! bytes read as an in-memory BACI CSV file: the header is sniffed as the lane does, then every
//! row is parsed on the worker threads. A row it returns must hold what the lane sums.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use tradestat::read::Data;
use tradestat::read::baci_rows::{Columns, scan};
use tradestat::read::layout::YEARS;
use tradestat::read::sniff::sniff_bytes;

fuzz_target!(|data: &[u8]| {
    let Ok(sniffed) = sniff_bytes(Path::new("fuzz.csv"), data) else {
        return;
    };
    let Some(columns) = Columns::find(&sniffed.normalised) else {
        return;
    };
    let bytes = Data::Bytes(Arc::new(data.to_vec()));
    let Ok(Some(states)) = scan(
        "fuzz.csv",
        &bytes,
        sniffed.delimiter,
        &columns,
        Vec::new,
        |rows, row| rows.push(row),
    ) else {
        return;
    };
    for row in states.into_iter().flatten() {
        assert!(YEARS.contains(&row.t), "year {}", row.t);
        assert!(row.i >= 0 && row.j >= 0 && row.k >= 0, "{row:?}");
        if let Some(v) = row.v {
            assert!(v.is_finite() && v >= 0.0, "value {v}");
        }
    }
});
