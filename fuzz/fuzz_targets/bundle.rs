//! The bundle reader (`check --snapshot`) on arbitrary text: reading, the bundled plan, and,
//! when both parse, every rule over the bundled facts. Never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oms_preflight::check::{self, Options};
use oms_preflight::collect::bundle::Bundle;
use oms_preflight::plan::date::Date;
use oms_preflight::rules::registry;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(bundle) = Bundle::from_text("bundle.json", text) else {
        return;
    };
    let Ok(plan) = bundle.plan() else {
        return;
    };
    let options = Options {
        // A fixed day, so a run does not depend on the clock.
        today: Date::parse("2026-01-01").expect("a date"),
        ..Options::default()
    };
    let _ = check::run(&plan, Some(&bundle.facts), registry::ALL, &options);
});
