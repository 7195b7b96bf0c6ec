//! A Markdown report a support engineer pastes into a ticket: who was checked, the verdict, every
//! finding with what to do, and what could not be checked; in English or Chinese (`--lang`).

use std::fmt::Write;

use super::printable::{one_line, printable};
use super::{Report, ReportedFinding};
use crate::facts::CatalogSource;
use crate::i18n::{self, Label, Lang};
use crate::rules::Severity;
use crate::rules::engine::Status;

/// Text safe in a Markdown table cell: on one line, `|` escaped, control characters visible.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

/// The report in English.
pub fn render(report: &Report) -> String {
    render_in(report, Lang::En)
}

/// The report in `lang`.
pub fn render_in(report: &Report, lang: Lang) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let verdict = super::verdict(report.exit_code);
    let stage = i18n::stage(lang, report.stage_shown());
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "## oms-preflight: {} (exit {})\n\nPlan `{}`, stage **{stage}**, oms-preflight {}.\n",
            verdict.en(),
            report.exit_code,
            one_line(&report.plan),
            report.tool.version
        ),
        Lang::ZhCn => writeln!(
            out,
            "## oms-preflight：{}（退出码 {}）\n\n计划 `{}`，阶段 **{stage}**，oms-preflight {}。\n",
            verdict.zh(),
            report.exit_code,
            one_line(&report.plan),
            report.tool.version
        ),
    };
    if let Some(why) = &report.stage_undecided {
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "The stage could not be decided: {}.\n",
                one_line(why.en())
            ),
            Lang::ZhCn => writeln!(out, "阶段无法确定：{}。\n", one_line(why.zh())),
        };
    }
    let _ = writeln!(
        out,
        "{}\n|---|---|---|---|---|",
        Label::EndpointsTableHeader.get(lang)
    );
    let (tenant_a, tenant_b) = (i18n::side(lang, "a"), i18n::side(lang, "b"));
    for (name, endpoint) in [
        (tenant_a.as_str(), &report.endpoints.a),
        (tenant_b.as_str(), &report.endpoints.b),
    ] {
        if let Some(e) = endpoint {
            let catalog = match &e.catalog {
                None => String::new(),
                Some(catalog) => {
                    let source = match catalog.source {
                        CatalogSource::InnerTables => Label::InnerTables.get(lang),
                        CatalogSource::InformationSchema => "information_schema",
                    };
                    match &catalog.fallback_reason {
                        None => source.to_string(),
                        Some(reason) => format!("{source} ({})", cell(reason.get(lang))),
                    }
                }
            };
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {} | {catalog} |",
                cell(&e.user),
                cell(e.kernel.as_deref().unwrap_or(Label::Unknown.get(lang))),
                cell(e.mode.as_deref().unwrap_or(Label::Unknown.get(lang)))
            );
        }
    }
    if let Some(oms) = &report.endpoints.oms {
        let reachable = match oms.reachable {
            Some(true) => Label::Reachable,
            Some(false) => Label::Refused,
            None => Label::NoAnswer,
        }
        .get(lang);
        let _ = writeln!(out, "| OMS | {} | | {reachable} | |", cell(&oms.url));
    }
    for (name, endpoint) in [
        (tenant_a.as_str(), &report.endpoints.a),
        (tenant_b.as_str(), &report.endpoints.b),
    ] {
        if let Some(emptiness) = endpoint.as_ref().and_then(|e| e.emptiness.as_ref()) {
            let said = one_line(&emptiness.describe(lang));
            let _ = match lang {
                Lang::En => writeln!(out, "\nRows on {name}: {said}."),
                Lang::ZhCn => writeln!(out, "\n{name}的数据行：{said}。"),
            };
        }
    }
    if let Some(state) = &report.pair {
        let _ = writeln!(
            out,
            "\n{}\n",
            if lang.is_zh() {
                "**链路**"
            } else {
                "**Links**"
            }
        );
        for line in super::pair::lines(state, lang) {
            let _ = writeln!(out, "- {}", one_line(&line));
        }
    }
    let errors = super::count(lang, s.errors, Severity::Error);
    let warnings = super::count(lang, s.warnings, Severity::Warning);
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "\n**{errors}, {warnings}** — {} rules: {} passed, {} failed, {} inconclusive, {} skipped, {} waived.\n",
            s.rules, s.pass, s.fail, s.inconclusive, s.skipped, s.waived
        ),
        Lang::ZhCn => writeln!(
            out,
            "\n**{errors}，{warnings}** — 共 {} 条规则：{} 条通过，{} 条失败，{} 条无法判定，{} 条已跳过，{} 条已豁免。\n",
            s.rules, s.pass, s.fail, s.inconclusive, s.skipped, s.waived
        ),
    };
    let open: Vec<&ReportedFinding> = report
        .findings
        .iter()
        .filter(|f| f.waiver.is_none())
        .collect();
    for (severity, title) in [
        (Severity::Error, Label::ErrorsHeading),
        (Severity::Warning, Label::WarningsHeading),
        (Severity::Info, Label::NotesHeading),
    ] {
        let group: Vec<&&ReportedFinding> =
            open.iter().filter(|f| f.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "### {}\n\n{}\n|---|---|---|---|---|",
            title.get(lang),
            Label::FindingsTableHeader.get(lang)
        );
        for f in group {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                f.rule,
                f.side.as_str(),
                f.object.as_deref().map(cell).unwrap_or_default(),
                cell(f.message.get(lang)),
                cell(f.help.as_ref().map_or("", |help| help.get(lang)))
            );
        }
        out.push('\n');
    }
    let fixes: Vec<&&ReportedFinding> = open.iter().filter(|f| !f.fix.is_empty()).collect();
    if !fixes.is_empty() {
        let _ = writeln!(out, "### {}\n\n```sql", Label::FixSqlHeading.get(lang));
        for f in fixes {
            let _ = writeln!(out, "-- {}: {}", i18n::side(lang, f.side.as_str()), f.rule);
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
            "### {}\n\n{}\n|---|---|---|---|---|",
            Label::WaivedHeading.get(lang),
            Label::WaivedTableHeader.get(lang)
        );
        for f in waived {
            let w = f.waiver.as_ref().expect("waived");
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                f.rule,
                f.side.as_str(),
                f.object.as_deref().map(cell).unwrap_or_default(),
                cell(f.message.get(lang)),
                cell(&i18n::waived(lang, &w.expires, &w.owner, &w.reason))
            );
        }
        out.push('\n');
    }
    for (status, title) in [
        (Status::Inconclusive, Label::NotCheckedHeading),
        (Status::Skipped, Label::SkippedHeading),
    ] {
        let entries = report.not_run(status);
        if entries.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "### {}\n\n{}\n|---|---|",
            title.get(lang),
            Label::ReasonsTableHeader.get(lang)
        );
        for entry in entries {
            let rules: Vec<String> = entry.rules.iter().map(|rule| format!("`{rule}`")).collect();
            let _ = writeln!(
                out,
                "| {} | {} |",
                rules.join(", "),
                cell(entry.reason.get(lang))
            );
        }
        out.push('\n');
    }
    out
}
