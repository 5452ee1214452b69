//! Fuzz target: the TOML deck spec (`report deck --spec`, `report::spec::Deck::parse`) on
//! arbitrary text, and what is asked of a parsed spec before a deck is built.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tradestat::report::spec::Deck;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(deck) = Deck::parse(text, "fuzz.toml") else {
        return;
    };
    let _ = deck.aspect();
    let _ = deck.slide_order();
    // Every slide a parsed spec lists names one of its charts or tables.
    for s in deck.slides.iter().flatten() {
        assert!(deck.slide_item(s).is_ok(), "slide '{s}'");
    }
});
