//! Fuzz target: the header sniffer (`read::sniff::sniff_bytes`) on arbitrary bytes, the first
//! thing every CSV input goes through.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tradestat::read::sniff;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = sniff::sniff_bytes(Path::new("fuzz.csv"), data) else {
        return;
    };
    // What the readers rely on: one of the three delimiters, one normalised name per header
    // name, and the lookups total.
    assert!(matches!(s.delimiter, b',' | b';' | b'\t'));
    assert_eq!(s.header.len(), s.normalised.len());
    let _ = s.header_text();
    let _ = s.find(&["t", "year", "refyear"]);
    let _ = s.has_all(&["reportercode", "partnercode"]);
    // The layout is picked from what the sniffer found.
    let _ = tradestat::read::layout::Layout::detect(&s);
});
