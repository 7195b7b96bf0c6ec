//! JUnit XML: one test suite per area, one test case per rule × (side, object): failure for a
//! failing finding, error for an inconclusive rule, skipped for a skipped rule or a waived
//! finding (with the reason), success otherwise. The class name is the rule id and the case
//! name its side and object, so GitLab, which keys cases by both, keeps every case.

use std::collections::BTreeMap;

use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use super::printable::printable;
use super::{Report, ReportedFinding};
use crate::i18n::{Label, Lang};
use crate::rules::engine::Status;
use crate::rules::registry;

pub fn render(report: &Report) -> String {
    render_in(report, Lang::En)
}

/// Messages, help and reasons in `lang`; suites, class names and case names stay.
pub fn render_in(report: &Report, lang: Lang) -> String {
    let reason = |outcome: &super::Outcome| {
        outcome.reason.as_ref().map_or(String::new(), |reason| {
            printable(reason.get(lang)).into_owned()
        })
    };
    let mut junit = JunitReport::new(report.tool.name.clone());
    let mut suites: BTreeMap<usize, TestSuite> = BTreeMap::new();
    for outcome in &report.outcomes {
        let area = super::area_of(outcome.rule);
        let order = registry::ALL
            .iter()
            .position(|rule| rule.area() == area)
            .unwrap_or(usize::MAX);
        let suite = suites.entry(order).or_insert_with(|| TestSuite::new(area));
        let findings: Vec<&ReportedFinding> = report
            .findings
            .iter()
            .filter(|f| f.rule == outcome.rule)
            .collect();
        if findings.is_empty() {
            let status = match outcome.status {
                Status::Inconclusive => {
                    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                    status.set_message(format!(
                        "{}{}",
                        Label::InconclusivePrefix.get(lang),
                        reason(outcome)
                    ));
                    status.set_type("inconclusive");
                    status
                }
                Status::Skipped => {
                    let mut status = TestCaseStatus::skipped();
                    status.set_message(reason(outcome));
                    status
                }
                _ => TestCaseStatus::success(),
            };
            let mut case = TestCase::new("(rule)", status);
            case.set_classname(outcome.rule);
            suite.add_test_case(case);
            continue;
        }
        let mut groups: BTreeMap<(&str, &str), Vec<&ReportedFinding>> = BTreeMap::new();
        for finding in findings {
            groups
                .entry((
                    finding.side.as_str(),
                    finding.object.as_deref().unwrap_or("-"),
                ))
                .or_default()
                .push(finding);
        }
        for ((side, object), group) in groups {
            let text = group
                .iter()
                .map(|f| {
                    let mut line = format!(
                        "{}{} {}",
                        f.severity.label().get(lang),
                        if lang.is_zh() { "：" } else { ":" },
                        printable(f.message.get(lang))
                    );
                    if let Some(help) = &f.help {
                        line.push_str(&format!(
                            "\n{}{}",
                            Label::HelpPrefix.get(lang),
                            printable(help.get(lang))
                        ));
                    }
                    for fix in &f.fix {
                        line.push_str(&format!(
                            "\n{}{}",
                            Label::FixPrefix.get(lang),
                            printable(fix)
                        ));
                    }
                    line
                })
                .collect::<Vec<_>>()
                .join("\n");
            let status = if group.iter().all(|f| f.waiver.is_some()) {
                let waiver = group[0].waiver.as_ref().expect("all waived");
                let mut status = TestCaseStatus::skipped();
                status.set_message(printable(&waiver.describe()));
                status.set_description(text);
                status
            } else {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_message(printable(group[0].message.get(lang)));
                status.set_type(group[0].severity.as_str());
                status.set_description(text);
                status
            };
            let mut case = TestCase::new(format!("{side}:{}", printable(object)), status);
            case.set_classname(outcome.rule);
            suite.add_test_case(case);
        }
    }
    junit.add_test_suites(suites.into_values());
    junit.to_string().expect("JUnit serializes")
}
