//! GitHub Actions workflow commands: `::error file=...,line=...,title=...::message`, escaped as
//! GitHub requires, at most 10 annotations per level (GitHub drops the rest silently), then a
//! plain line saying how many were left out. With `$GITHUB_STEP_SUMMARY` set, the command
//! appends the full Markdown report there (`app::emit`; renderers only render).

use std::fmt::Write;

use super::Report;
use crate::i18n::Lang;
use crate::rules::Severity;
use crate::rules::engine::Status;

/// GitHub shows at most this many annotations per level and step.
pub const PER_LEVEL: usize = 10;

/// `%`, CR and LF in a message as GitHub decodes them; any other control character shown
/// escaped (GitHub would pass it to the log raw).
fn escape_data(text: &str) -> String {
    let encoded = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    super::printable::printable(&encoded).into_owned()
}

/// The same plus `:` and `,` in a property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report) -> String {
    render_in(report, Lang::En)
}

/// Annotations' messages in `lang`; levels, files, lines and titles stay.
pub fn render_in(report: &Report, lang: Lang) -> String {
    let mut annotations: Vec<(&str, String, usize, String)> = Vec::new();
    for finding in &report.findings {
        let (level, prefix) = match (&finding.waiver, finding.severity) {
            (Some(_), _) => ("notice", crate::i18n::Label::WaivedPrefix.get(lang)),
            (None, Severity::Error) => ("error", ""),
            (None, Severity::Warning) => ("warning", ""),
            (None, Severity::Info) => ("notice", ""),
        };
        let object = finding
            .object
            .as_deref()
            .map(|o| format!(" {o}"))
            .unwrap_or_default();
        let mut message = format!(
            "{prefix}[{}{object}] {}",
            finding.side.as_str(),
            finding.message.get(lang)
        );
        if let Some(help) = &finding.help {
            let label = if lang.is_zh() {
                "处理建议："
            } else {
                "help: "
            };
            message.push_str(&format!("\n{label}{}", help.get(lang)));
        }
        annotations.push((level, finding.rule.to_string(), finding.line, message));
    }
    for outcome in report
        .outcomes
        .iter()
        .filter(|o| o.status == Status::Inconclusive)
    {
        let label = if lang.is_zh() {
            "未检查："
        } else {
            "not checked: "
        };
        let reason = outcome
            .reason
            .as_ref()
            .map_or("", |reason| reason.get(lang));
        let message = format!("{label}{reason}");
        annotations.push((
            "warning",
            format!("{} (inconclusive)", outcome.rule),
            1,
            message,
        ));
    }
    let mut out = String::new();
    for level in ["error", "warning", "notice"] {
        let of_level: Vec<_> = annotations.iter().filter(|a| a.0 == level).collect();
        for (_, title, line, message) in of_level.iter().take(PER_LEVEL) {
            let _ = writeln!(
                out,
                "::{level} file={},line={line},title={}::{}",
                escape_property(&report.plan),
                escape_property(title),
                escape_data(message)
            );
        }
        if of_level.len() > PER_LEVEL {
            let _ = writeln!(
                out,
                "oms-preflight: {} more {level} annotations not shown (GitHub shows {PER_LEVEL} per level); see the job summary or the other reports",
                of_level.len() - PER_LEVEL
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_ten_annotations_per_level_then_a_count() {
        use crate::check;
        use crate::facts::Fact;
        use crate::rules::{Stage, engine, testing};
        let facts = testing::facts(|f| {
            if let Fact::Observed(tables) = &mut f.a.tables {
                for i in 0..12 {
                    let keyless = testing::table(&[("x", "int(11)", true)], &[]);
                    tables
                        .get_mut("app")
                        .unwrap()
                        .insert(format!("log_{i:02}"), keyless);
                }
            }
        });
        let rules = engine::select(&[], &[], None).unwrap();
        let options = check::Options {
            stage: Some(Stage::Forward),
            ..check::Options::default()
        };
        let report = check::run(&testing::plan(), Some(&facts), &rules, &options);
        let text = render(&report);
        assert_eq!(
            text.lines().filter(|l| l.starts_with("::error ")).count(),
            PER_LEVEL
        );
        assert!(
            text.contains("oms-preflight: 2 more error annotations not shown"),
            "{text}"
        );
    }

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(escape_data("db\u{0}\u{1b}[2J"), "db\\u{0}\\u{1b}[2J");
    }
}
