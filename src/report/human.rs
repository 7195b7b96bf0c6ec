//! The human report: a miette diagnostic per finding, then a summary table by area, the
//! reasons of every rule that did not run, and the verdict.

use std::fmt::Write;

use std::sync::Arc;

use comfy_table::{Table, presets};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic};

use super::excerpt::{self, Excerpted, Source};
use super::text::printable;
use super::{AppliedWaiver, Report, ReportedFinding, TenantEndpoint, area_of};
use crate::exit;
use crate::facts::Side;
use crate::facts::{Catalog, CatalogSource};
use crate::rules::engine::Status;
use crate::rules::{Severity, registry};

/// Output width for diagnostics; fixed so reports do not depend on the terminal.
const WIDTH: usize = 100;

pub fn render(report: &Report, color: bool) -> String {
    let mut out = String::new();
    header(report, &mut out);
    let handler = handler(color);
    // Read once, shared by every finding labelled on it.
    let plan = Source::new(
        Some(printable(&report.plan).into_owned()),
        report.plan_source.clone(),
    );
    for finding in &report.findings {
        diagnostic(finding, &plan, &handler, &mut out);
    }
    summary_table(report, &mut out);
    not_run(report, &mut out);
    verdict(report, &mut out);
    out
}

/// The graphical miette handler every diagnostic of the tool is rendered with, through
/// [`render_diagnostic`].
pub fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false)
        .with_context_lines(excerpt::CONTEXT_LINES)
}

/// `diagnostic` rendered by `handler` on an excerpt of its source (long lines cut around the
/// labels, control characters escaped), whatever the length of the source's lines; its plain
/// message should the handler fail.
pub fn render_diagnostic(
    handler: &GraphicalReportHandler,
    diagnostic: &dyn miette::Diagnostic,
) -> String {
    render_on(handler, diagnostic, None)
}

fn render_on(
    handler: &GraphicalReportHandler,
    diagnostic: &dyn miette::Diagnostic,
    source: Option<&Arc<Source>>,
) -> String {
    let mut rendered = String::new();
    if handler
        .render_report(&mut rendered, &Excerpted::on(diagnostic, source))
        .is_err()
    {
        rendered = format!("{}\n", printable(&diagnostic.to_string()));
    }
    rendered
}

fn header(report: &Report, out: &mut String) {
    let _ = writeln!(
        out,
        "{} {} · stage {} · plan {}",
        report.tool.name,
        report.tool.version,
        report.stage_shown(),
        printable(&report.plan)
    );
    if let Some(why) = &report.stage_undecided {
        let _ = writeln!(out, "  stage undecided: {}", printable(why));
    }
    for (name, endpoint) in [("a", &report.endpoints.a), ("b", &report.endpoints.b)] {
        if let Some(TenantEndpoint {
            ob_version,
            mode,
            user,
            catalog,
        }) = endpoint
        {
            let _ = writeln!(
                out,
                "  tenant {name}: user {}, OceanBase {}, mode {}{}",
                printable(user),
                printable(ob_version.as_deref().unwrap_or("unknown")),
                printable(mode.as_deref().unwrap_or("unknown")),
                printable(&catalog.as_ref().map(columns_from).unwrap_or_default())
            );
        }
    }
    out.push('\n');
}

/// `, columns from ...`: which catalogue was read, and why not the fast one when it was refused.
fn columns_from(catalog: &Catalog) -> String {
    match (catalog.source, &catalog.fallback_reason) {
        (CatalogSource::InnerTables, _) => ", columns from the inner tables".to_string(),
        (CatalogSource::InformationSchema, None) => ", columns from information_schema".to_string(),
        (CatalogSource::InformationSchema, Some(reason)) => {
            format!(", columns from information_schema (inner tables not used: {reason})")
        }
    }
}

fn diagnostic(
    finding: &ReportedFinding,
    plan: &Arc<Source>,
    handler: &GraphicalReportHandler,
    out: &mut String,
) {
    let subject = match (finding.side, &finding.object) {
        (Side::A | Side::B, Some(object)) => {
            format!("[tenant {}] {object}: ", finding.side.as_str())
        }
        (Side::A | Side::B, None) => format!("[tenant {}] ", finding.side.as_str()),
        (side, Some(object)) => format!("[{}] {object}: ", side.as_str()),
        (side, None) => format!("[{}] ", side.as_str()),
    };
    let waived = finding.waiver.as_ref().map(AppliedWaiver::describe);
    let prefix = if waived.is_some() { "(waived) " } else { "" };
    let message = format!("{prefix}{subject}{}", finding.message);
    let mut diagnostic = MietteDiagnostic::new(printable(&message))
        .with_code(finding.rule)
        .with_severity(match (finding.severity, &waived) {
            (_, Some(_)) | (Severity::Info, _) => miette::Severity::Advice,
            (Severity::Error, None) => miette::Severity::Error,
            (Severity::Warning, None) => miette::Severity::Warning,
        });
    let mut help = printable(finding.help.as_deref().unwrap_or_default()).into_owned();
    if let Some(waived) = waived {
        let _ = write!(help, "\n{}", printable(&waived));
    }
    for line in &finding.fix {
        let _ = write!(help, "\nfix: {}", printable(line));
    }
    if !help.is_empty() {
        diagnostic = diagnostic.with_help(help.trim_start());
    }
    if let Some(span) = &finding.plan_span {
        diagnostic = diagnostic.with_label(LabeledSpan::at(span.clone(), "set here"));
    }
    out.push_str(&render_on(handler, &diagnostic, Some(plan)));
    out.push('\n');
}

fn summary_table(report: &Report, out: &mut String) {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    table.set_header(vec![
        "area",
        "rules",
        "pass",
        "fail",
        "inconclusive",
        "skipped",
        "waived",
        "errors",
        "warnings",
    ]);
    let mut areas: Vec<&str> = Vec::new();
    for rule in registry::ALL {
        if !areas.contains(&rule.area()) {
            areas.push(rule.area());
        }
    }
    for area in areas {
        let outcomes: Vec<_> = report
            .outcomes
            .iter()
            .filter(|outcome| area_of(outcome.rule) == area)
            .collect();
        if outcomes.is_empty() {
            continue;
        }
        let count = |status: Status| {
            outcomes
                .iter()
                .filter(|o| o.status == status)
                .count()
                .to_string()
        };
        let severity = |severity: Severity| {
            report
                .findings
                .iter()
                .filter(|f| f.severity == severity && f.waiver.is_none() && area_of(f.rule) == area)
                .count()
                .to_string()
        };
        table.add_row(vec![
            area.to_string(),
            outcomes.len().to_string(),
            count(Status::Pass),
            count(Status::Fail),
            count(Status::Inconclusive),
            count(Status::Skipped),
            count(Status::Waived),
            severity(Severity::Error),
            severity(Severity::Warning),
        ]);
    }
    let _ = writeln!(out, "{table}");
}

fn not_run(report: &Report, out: &mut String) {
    for (status, title) in [
        (Status::Inconclusive, "inconclusive"),
        (Status::Skipped, "skipped"),
    ] {
        let entries = report.not_run(status);
        if entries.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}:");
        for entry in entries {
            let _ = writeln!(
                out,
                "  {} — {}",
                entry.rules.join(", "),
                printable(entry.reason)
            );
        }
    }
}

fn verdict(report: &Report, out: &mut String) {
    let s = &report.summary;
    let word = match report.exit_code {
        exit::OK => "PASSED",
        exit::FINDINGS => "FAILED",
        exit::INCOMPLETE => "INCOMPLETE",
        _ => "ERROR",
    };
    let _ = writeln!(
        out,
        "\n{word}: {} rules, {} passed, {} failed, {} inconclusive, {} skipped, {} waived; {} errors, {} warnings (exit {})",
        s.rules,
        s.pass,
        s.fail,
        s.inconclusive,
        s.skipped,
        s.waived,
        s.errors,
        s.warnings,
        report.exit_code
    );
}
