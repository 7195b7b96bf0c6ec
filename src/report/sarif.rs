//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! Every result is anchored to the plan file at the line of the entry it concerns (GitHub
//! rejects a whole upload when one result lacks a physical location); the database object goes
//! in a logical location beside it. `partialFingerprints` carries our fingerprint so distinct
//! findings anchored to the same line stay distinct. Waived findings are suppressions.

use serde_json::{Value, json};

use super::Report;
use super::printable::printable;
use crate::i18n::{Label, Lang};
use crate::rules::engine::Status;
use crate::rules::{Severity, docs, registry};

pub fn render(report: &Report) -> String {
    render_in(report, Lang::En)
}

/// Results' messages and help in `lang`; ids, levels and fingerprints stay.
pub fn render_in(report: &Report, lang: Lang) -> String {
    let rules: Vec<Value> = registry::ALL
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "name": rule.id,
                "shortDescription": {"text": docs::summary(lang, rule)},
                "fullDescription": {"text": docs::body_in(lang, rule)},
                "help": {"text": docs::body_in(lang, rule), "markdown": docs::page_in(lang, rule)},
                "defaultConfiguration": {"level": level(rule.severity)},
                "properties": {"tags": [rule.area().as_str()]},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|finding| {
            let index = registry::ALL.iter().position(|rule| rule.id == finding.rule).unwrap_or(0);
            let mut result = json!({
                "ruleId": finding.rule,
                "ruleIndex": index,
                "level": level(finding.severity),
                "message": {"text": format!("[{}] {}", finding.side.as_str(), printable(finding.message.get(lang)))},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": report.plan},
                        "region": {"startLine": finding.line},
                    },
                    "logicalLocations": [{
                        "name": printable(finding.object.as_deref().unwrap_or(finding.side.as_str())),
                        "fullyQualifiedName": format!("{}:{}", finding.side.as_str(), printable(finding.object.as_deref().unwrap_or(""))),
                        "kind": "object",
                    }],
                }],
                "partialFingerprints": {"omsPreflight/v1": finding.fingerprint},
            });
            if let Some(help) = &finding.help {
                let fix: Vec<_> = finding.fix.iter().map(|line| printable(line)).collect();
                result["properties"] = json!({"help": printable(help.get(lang)), "fix": fix});
            }
            if let Some(waiver) = &finding.waiver {
                result["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": printable(&format!("{} (owner {}, until {})", waiver.reason, waiver.owner, waiver.expires)),
                }]);
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = report
        .outcomes
        .iter()
        .filter(|outcome| outcome.status == Status::Inconclusive)
        .map(|outcome| {
            json!({
                "level": "warning",
                "message": {"text": format!(
                    "{} {}{} {}",
                    outcome.rule,
                    Label::IsInconclusive.get(lang),
                    if lang.is_zh() { "：" } else { ":" },
                    printable(outcome.reason.as_ref().map_or("", |reason| reason.get(lang)))
                )},
                "descriptor": {"id": outcome.rule},
            })
        })
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": report.tool.name, "version": report.tool.version, "rules": rules}},
            "invocations": [{
                "executionSuccessful": true,
                "exitCode": report.exit_code,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&sarif).expect("SARIF serializes") + "\n"
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
