//! The JSON report (SPEC §5, schema version 1): the stable machine contract.

use super::Report;

pub fn render(report: &Report) -> String {
    let mut json = serde_json::to_string_pretty(report).expect("the report serializes");
    json.push('\n');
    json
}
