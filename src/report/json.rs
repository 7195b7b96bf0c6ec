//! The JSON report (schema version 1, docs/report.md): the stable machine contract.

use super::Report;
use crate::i18n::{self, Lang};

/// The JSON Schema of this report (`oms-preflight schema`), shipped as schemas/report.schema.json.
pub const SCHEMA: &str = include_str!("../../schemas/report.schema.json");

pub fn render(report: &Report) -> String {
    render_in(report, Lang::En)
}

/// The report with its messages, help and reasons in `lang`; keys and values stay.
pub fn render_in(report: &Report, lang: Lang) -> String {
    let mut json = i18n::serialized_in(lang, || serde_json::to_string_pretty(report))
        .expect("the report serializes");
    json.push('\n');
    json
}
