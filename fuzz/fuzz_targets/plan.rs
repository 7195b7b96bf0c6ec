//! The plan parser on arbitrary text: never panics, and what parses is a whole plan whose
//! stored (redacted) text parses again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oms_preflight::plan::Plan;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(plan) = Plan::parse("fuzz.toml", text) {
        assert!(
            Plan::parse("again.toml", &plan.source).is_ok(),
            "a plan's redacted text does not parse again"
        );
    }
});
