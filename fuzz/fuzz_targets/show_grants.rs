//! The `SHOW GRANTS` parser on arbitrary lines: never panics, and invents nothing (each line
//! is at most one privilege grant or one unparsed line).
#![no_main]

use libfuzzer_sys::fuzz_target;
use oms_preflight::collect::tenant::show_grants::parse_grants;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines: Vec<&str> = text.lines().collect();
    let grants = parse_grants(lines.iter().copied());
    assert!(grants.grants.len() + grants.unparsed.len() <= lines.len());
});
