//! The waivers parser on arbitrary text, against the real rule catalog: never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oms_preflight::plan::waiver_file::Waivers;
use oms_preflight::rules::registry::Catalog;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Waivers::parse("waivers.toml", text, &Catalog);
});
