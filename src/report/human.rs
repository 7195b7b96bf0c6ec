//! The human report: a miette diagnostic per finding (errors, then warnings, then notes, then
//! what was waived), a summary table by area, the reasons of every rule that did not run grouped
//! by area, and the verdict; in English or Chinese (`--lang`).

use std::fmt::Write;

use std::sync::Arc;

use comfy_table::{Table, presets};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic};

use super::EndpointCatalog;
use super::excerpt::{self, Excerpted, Source};
use super::printable::printable;
use super::{AppliedWaiver, Report, ReportedFinding, TenantEndpoint, area_of};
use crate::facts::CatalogSource;
use crate::i18n::{self, Label, Lang, Text};
use crate::rules::engine::Status;
use crate::rules::{Area, Severity};

/// Output width for diagnostics; fixed so reports do not depend on the terminal.
const WIDTH: usize = 100;

/// The report in English.
pub fn render(report: &Report, color: bool) -> String {
    render_in(report, color, Lang::En)
}

/// The report in `lang`.
pub fn render_in(report: &Report, color: bool, lang: Lang) -> String {
    let mut out = String::new();
    header(report, lang, &mut out);
    let handler = handler(color);
    // Read once, shared by every finding labelled on it.
    let plan = Source::new(
        Some(printable(&report.plan).into_owned()),
        report.plan_source.clone(),
    );
    // Open findings first, most severe first (the report's order), then the waived ones.
    let (open, waived): (Vec<_>, Vec<_>) = report.findings.iter().partition(|f| f.waiver.is_none());
    for finding in open.into_iter().chain(waived) {
        diagnostic(finding, &plan, &handler, lang, &mut out);
    }
    summary_table(report, lang, &mut out);
    not_run(report, lang, &mut out);
    verdict(report, lang, &mut out);
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
        // Lines break at spaces and between CJK characters, never inside a code or a name.
        .with_word_separator(super::wrap::separator())
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false)
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

fn header(report: &Report, lang: Lang, out: &mut String) {
    let _ = writeln!(
        out,
        "{} {} · {} {} · {} {}",
        report.tool.name,
        report.tool.version,
        Label::Stage.get(lang),
        i18n::stage(lang, report.stage_shown()),
        Label::Plan.get(lang),
        printable(&report.plan)
    );
    if let Some(why) = &report.stage_undecided {
        let _ = match lang {
            Lang::En => writeln!(out, "  stage undecided: {}", printable(why.en())),
            Lang::ZhCn => writeln!(out, "  阶段未定：{}", printable(why.zh())),
        };
    }
    for (name, endpoint) in [("a", &report.endpoints.a), ("b", &report.endpoints.b)] {
        if let Some(TenantEndpoint {
            kernel,
            mode,
            user,
            catalog,
            emptiness,
            ..
        }) = endpoint
        {
            let unknown = Label::Unknown.get(lang);
            let kernel = kernel
                .clone()
                .unwrap_or_else(|| format!("OceanBase {unknown}"));
            let (kernel, mode) = (
                printable(&kernel),
                printable(mode.as_deref().unwrap_or(unknown)),
            );
            let columns = catalog
                .as_ref()
                .map(|catalog| columns_from(catalog, lang))
                .unwrap_or_default();
            let columns = printable(&columns);
            let user = printable(user);
            let _ = match lang {
                Lang::En => writeln!(
                    out,
                    "  tenant {name}: user {user}, {kernel}, mode {mode}{columns}"
                ),
                Lang::ZhCn => writeln!(
                    out,
                    "  租户 {name}：迁移用户 {user}，{kernel}，模式 {mode}{columns}"
                ),
            };
            if let Some(emptiness) = emptiness {
                let said = emptiness.describe(lang);
                let said = printable(&said);
                let _ = match lang {
                    Lang::En => writeln!(out, "    rows: {said}"),
                    Lang::ZhCn => writeln!(out, "    数据行：{said}"),
                };
            }
        }
    }
    if let Some(state) = &report.pair {
        let _ = writeln!(out, "  {}", if lang.is_zh() { "链路：" } else { "links:" });
        for line in super::pair::lines(state, lang) {
            let _ = writeln!(out, "    {}", printable(&line));
        }
    }
    out.push('\n');
}

/// `, columns from ...`: which catalogue was read, and why not the fast one when it was refused.
fn columns_from(catalog: &EndpointCatalog, lang: Lang) -> String {
    match (lang, catalog.source, &catalog.fallback_reason) {
        (Lang::En, CatalogSource::InnerTables, _) => ", columns from the inner tables".to_string(),
        (Lang::En, CatalogSource::InformationSchema, None) => {
            ", columns from information_schema".to_string()
        }
        (Lang::En, CatalogSource::InformationSchema, Some(reason)) => {
            let reason = reason.en();
            format!(", columns from information_schema (inner tables not used: {reason})")
        }
        (Lang::ZhCn, CatalogSource::InnerTables, _) => "，列信息来自内部表".to_string(),
        (Lang::ZhCn, CatalogSource::InformationSchema, None) => {
            "，列信息来自 information_schema".to_string()
        }
        (Lang::ZhCn, CatalogSource::InformationSchema, Some(reason)) => {
            let reason = reason.zh();
            format!("，列信息来自 information_schema（未使用内部表：{reason}）")
        }
    }
}

fn diagnostic(
    finding: &ReportedFinding,
    plan: &Arc<Source>,
    handler: &GraphicalReportHandler,
    lang: Lang,
    out: &mut String,
) {
    let side = i18n::side(lang, finding.side.as_str());
    let colon = if lang.is_zh() { "：" } else { ": " };
    let subject = match (finding.side, &finding.object) {
        (_, Some(object)) => format!("[{side}] {object}{colon}"),
        (_, None) => format!("[{side}] "),
    };
    let waived = finding
        .waiver
        .as_ref()
        .map(|w: &AppliedWaiver| i18n::waived(lang, &w.expires, &w.owner, &w.reason));
    let prefix = if waived.is_some() {
        Label::WaivedPrefix.get(lang)
    } else {
        ""
    };
    let message = format!("{prefix}{subject}{}", finding.message.get(lang));
    let mut diagnostic = MietteDiagnostic::new(printable(&message))
        .with_code(finding.rule)
        .with_severity(match (finding.severity, &waived) {
            (_, Some(_)) | (Severity::Info, _) => miette::Severity::Advice,
            (Severity::Error, None) => miette::Severity::Error,
            (Severity::Warning, None) => miette::Severity::Warning,
        });
    let mut help = printable(finding.help.as_ref().map_or("", |help| help.get(lang))).into_owned();
    if let Some(waived) = waived {
        let _ = write!(help, "\n{}", printable(&waived));
    }
    for line in &finding.fix {
        let _ = write!(help, "\n{}{}", Label::FixPrefix.get(lang), printable(line));
    }
    if !help.is_empty() {
        diagnostic = diagnostic.with_help(help.trim_start());
    }
    if let Some(span) = &finding.plan_span {
        diagnostic = diagnostic.with_label(LabeledSpan::at(span.clone(), Label::SetHere.get(lang)));
    }
    out.push_str(&render_on(handler, &diagnostic, Some(plan)));
    out.push('\n');
}

/// Whether a failed rule failed with an error, or with warnings (or notes) only: a rule whose
/// open findings are all below error is counted under "warn", not "fail".
fn failed_with_error(report: &Report, rule: &str) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.rule == rule && f.waiver.is_none() && f.severity == Severity::Error)
}

/// The areas in catalog order.
fn areas() -> [&'static str; 7] {
    Area::ALL.map(Area::as_str)
}

fn summary_table(report: &Report, lang: Lang, out: &mut String) {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    table.set_header(
        [
            Label::Area,
            Label::RuleCount,
            Label::Pass,
            Label::Fail,
            Label::Warn,
            Label::Inconclusive,
            Label::Skipped,
            Label::Waived,
            Label::ErrorCount,
            Label::WarningCount,
        ]
        .map(|label| label.get(lang)),
    );
    for area in areas() {
        let outcomes: Vec<_> = report
            .outcomes
            .iter()
            .filter(|outcome| area_of(outcome.rule) == area)
            .collect();
        if outcomes.is_empty() {
            continue;
        }
        let count = |status: Status| outcomes.iter().filter(|o| o.status == status).count();
        let failed = |with_error: bool| {
            outcomes
                .iter()
                .filter(|o| {
                    o.status == Status::Fail && failed_with_error(report, o.rule) == with_error
                })
                .count()
        };
        let severity = |severity: Severity| {
            report
                .findings
                .iter()
                .filter(|f| f.severity == severity && f.waiver.is_none() && area_of(f.rule) == area)
                .count()
        };
        table.add_row(vec![
            area.to_string(),
            outcomes.len().to_string(),
            count(Status::Pass).to_string(),
            failed(true).to_string(),
            failed(false).to_string(),
            count(Status::Inconclusive).to_string(),
            count(Status::Skipped).to_string(),
            count(Status::Waived).to_string(),
            severity(Severity::Error).to_string(),
            severity(Severity::Warning).to_string(),
        ]);
    }
    let _ = writeln!(out, "{table}");
}

/// The rules that did not run, by status. A reason shared by rules of several areas (a failed
/// connection, an unreachable OMS) is said once, with its rules by area under it; the others
/// are listed by area, the rules of one reason on one line.
fn not_run(report: &Report, lang: Lang, out: &mut String) {
    for status in [Status::Inconclusive, Status::Skipped] {
        let entries = report.not_run(status);
        if entries.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{}{}",
            super::status_label(status).get(lang),
            if lang.is_zh() { "：" } else { ":" }
        );
        let (shared, own): (Vec<_>, Vec<_>) = entries.iter().partition(|entry| {
            entry.reason.starts_with("blocked by ")
                || entry
                    .rules
                    .iter()
                    .any(|rule| area_of(rule) != area_of(entry.rules[0]))
        });
        for entry in shared {
            let _ = writeln!(out, "  {}", printable(entry.reason.get(lang)));
            for area in areas() {
                let rules: Vec<&str> = entry
                    .rules
                    .iter()
                    .copied()
                    .filter(|rule| area_of(rule) == area)
                    .collect();
                if !rules.is_empty() {
                    let _ = writeln!(out, "    {area}: {}", rules.join(", "));
                }
            }
        }
        for area in areas() {
            let lines: Vec<(&Vec<&str>, &Text)> = own
                .iter()
                .filter(|entry| area_of(entry.rules[0]) == area)
                .map(|entry| (&entry.rules, entry.reason))
                .collect();
            if lines.is_empty() {
                continue;
            }
            let _ = writeln!(out, "  {area}");
            for (rules, reason) in lines {
                let _ = writeln!(
                    out,
                    "    {} — {}",
                    rules.join(", "),
                    printable(reason.get(lang))
                );
            }
        }
    }
}

fn verdict(report: &Report, lang: Lang, out: &mut String) {
    let s = &report.summary;
    let word = super::verdict(report.exit_code).en();
    let warned = report
        .outcomes
        .iter()
        .filter(|o| o.status == Status::Fail && !failed_with_error(report, o.rule))
        .count();
    let failed = s.fail - warned;
    let mut findings = vec![
        super::count(lang, s.errors, Severity::Error),
        super::count(lang, s.warnings, Severity::Warning),
    ];
    if s.infos > 0 {
        findings.push(super::count(lang, s.infos, Severity::Info));
    }
    let line = match lang {
        Lang::En => format!(
            "{word}: {}; {} {}: {} passed, {failed} failed, {warned} with warnings only, {} inconclusive, {} skipped, {} waived (exit {})",
            findings.join(", "),
            s.rules,
            if s.rules == 1 { "rule" } else { "rules" },
            s.pass,
            s.inconclusive,
            s.skipped,
            s.waived,
            report.exit_code
        ),
        Lang::ZhCn => format!(
            "{}：{}；共 {} 条规则：{} 条通过，{failed} 条失败，{warned} 条仅有警告，{} 条无法判定，{} 条已跳过，{} 条已豁免（退出码 {}）",
            super::verdict(report.exit_code).zh(),
            findings.join("，"),
            s.rules,
            s.pass,
            s.inconclusive,
            s.skipped,
            s.waived,
            report.exit_code
        ),
    };
    let _ = writeln!(out, "\n{line}");
}
