//! The JSON report (schema version 1, docs/report.md): the stable machine contract.

use super::Report;

/// The JSON Schema of this report (`oms-preflight schema`), shipped as schemas/report.schema.json.
pub const SCHEMA: &str = include_str!("../../schemas/report.schema.json");

pub fn render(report: &Report) -> String {
    let mut json = serde_json::to_string_pretty(report).expect("the report serializes");
    json.push('\n');
    json
}
