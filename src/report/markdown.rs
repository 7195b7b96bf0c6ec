//! A Markdown report a support engineer pastes into a ticket: who was checked, the verdict, every
//! finding with what to do, and what could not be checked.

use std::fmt::Write;

use super::text::{one_line, printable};
use super::{Report, ReportedFinding};
use crate::rules::Severity;
use crate::rules::engine::Status;

/// Text safe in a Markdown table cell: on one line, `|` escaped, control characters visible.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let verdict = match report.exit_code {
        0 => "PASSED",
        1 => "FAILED",
        3 => "INCOMPLETE",
        _ => "ERROR",
    };
    let _ = writeln!(
        out,
        "## oms-preflight: {verdict} (exit {})\n",
        report.exit_code
    );
    let _ = writeln!(
        out,
        "Plan `{}`, stage **{}**, oms-preflight {}.\n",
        one_line(&report.plan),
        report.stage_shown(),
        report.tool.version
    );
    if let Some(why) = &report.stage_undecided {
        let _ = writeln!(out, "The stage could not be decided: {}.\n", one_line(why));
    }
    let _ = writeln!(
        out,
        "| endpoint | user | OceanBase | mode | columns from |\n|---|---|---|---|---|"
    );
    for (name, endpoint) in [
        ("tenant a", &report.endpoints.a),
        ("tenant b", &report.endpoints.b),
    ] {
        if let Some(e) = endpoint {
            let catalog = match &e.catalog {
                None => String::new(),
                Some(catalog) => match &catalog.fallback_reason {
                    None => catalog.source.as_str().to_string(),
                    Some(reason) => format!("{} ({})", catalog.source.as_str(), cell(reason)),
                },
            };
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {} | {catalog} |",
                cell(&e.user),
                cell(e.ob_version.as_deref().unwrap_or("unknown")),
                cell(e.mode.as_deref().unwrap_or("unknown"))
            );
        }
    }
    if let Some(oms) = &report.endpoints.oms {
        let reachable = match oms.reachable {
            Some(true) => "reachable",
            Some(false) => "refused",
            None => "no answer",
        };
        let _ = writeln!(out, "| OMS | {} | | {reachable} | |", cell(&oms.url));
    }
    let _ = writeln!(
        out,
        "\n**{} rules**: {} passed, {} failed, {} inconclusive, {} skipped, {} waived — {} errors, {} warnings.\n",
        s.rules, s.pass, s.fail, s.inconclusive, s.skipped, s.waived, s.errors, s.warnings
    );
    let open: Vec<&ReportedFinding> = report
        .findings
        .iter()
        .filter(|f| f.waiver.is_none())
        .collect();
    for (severity, title) in [
        (Severity::Error, "Errors"),
        (Severity::Warning, "Warnings"),
        (Severity::Info, "Notes"),
    ] {
        let group: Vec<&&ReportedFinding> =
            open.iter().filter(|f| f.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "### {title}\n\n| rule | side | object | finding | what to do |\n|---|---|---|---|---|"
        );
        for f in group {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                f.rule,
                f.side.as_str(),
                f.object.as_deref().map(cell).unwrap_or_default(),
                cell(&f.message),
                cell(f.help.as_deref().unwrap_or(""))
            );
        }
        out.push('\n');
    }
    let fixes: Vec<&&ReportedFinding> = open.iter().filter(|f| !f.fix.is_empty()).collect();
    if !fixes.is_empty() {
        let _ = writeln!(
            out,
            "### Fix SQL (review before running; oms-preflight never runs it)\n\n```sql"
        );
        for f in fixes {
            let _ = writeln!(out, "-- tenant {}: {}", f.side.as_str(), f.rule);
            for line in &f.fix {
                let _ = writeln!(out, "{}", printable(line));
            }
        }
        let _ = writeln!(out, "```\n");
    }
    let waived: Vec<&ReportedFinding> = report
        .findings
        .iter()
        .filter(|f| f.waiver.is_some())
        .collect();
    if !waived.is_empty() {
        let _ = writeln!(
            out,
            "### Waived\n\n| rule | side | object | finding | waiver |\n|---|---|---|---|---|"
        );
        for f in waived {
            let w = f.waiver.as_ref().expect("waived");
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | until {} by {}: {} |",
                f.rule,
                f.side.as_str(),
                f.object.as_deref().map(cell).unwrap_or_default(),
                cell(&f.message),
                w.expires,
                cell(&w.owner),
                cell(&w.reason)
            );
        }
        out.push('\n');
    }
    for (status, title) in [
        (Status::Inconclusive, "Not checked (inconclusive)"),
        (Status::Skipped, "Skipped"),
    ] {
        let entries = report.not_run(status);
        if entries.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title}\n\n| rule | why |\n|---|---|");
        for entry in entries {
            let rules: Vec<String> = entry.rules.iter().map(|rule| format!("`{rule}`")).collect();
            let _ = writeln!(out, "| {} | {} |", rules.join(", "), cell(entry.reason));
        }
        out.push('\n');
    }
    out
}
