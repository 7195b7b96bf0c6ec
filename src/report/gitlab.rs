//! GitLab Code Quality JSON (the Code Climate subset GitLab reads). Every issue is anchored to
//! the plan file; the fingerprint is ours, stable across runs. Waived findings stay, as `info`
//! with the waiver in the description.

use serde_json::{Value, json};

use super::Report;
use super::printable::printable;
use crate::i18n::Lang;
use crate::rules::Severity;

pub fn render(report: &Report) -> String {
    render_in(report, Lang::En)
}

/// Descriptions in `lang`; check names, fingerprints and severities stay.
pub fn render_in(report: &Report, lang: Lang) -> String {
    let issues: Vec<Value> = report
        .findings
        .iter()
        .map(|finding| {
            let object = finding.object.as_deref().map(|o| format!(" {o}")).unwrap_or_default();
            let (severity, waived) = match &finding.waiver {
                Some(waiver) => (
                    "info",
                    format!(" ({})", waiver.describe()),
                ),
                None => (
                    match finding.severity {
                        Severity::Error => "critical",
                        Severity::Warning => "minor",
                        Severity::Info => "info",
                    },
                    String::new(),
                ),
            };
            json!({
                "type": "issue",
                "description": printable(&format!("[{}{object}] {}{waived}", finding.side.as_str(), finding.message.get(lang))),
                "check_name": finding.rule,
                "categories": ["Bug Risk"],
                "fingerprint": finding.fingerprint,
                "severity": severity,
                "location": {"path": report.plan, "lines": {"begin": finding.line}},
            })
        })
        .collect();
    serde_json::to_string_pretty(&issues).expect("Code Quality serializes") + "\n"
}
