//! Plan problems as miette diagnostics: each labelled on the TOML span responsible, all shown at
//! once.

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

/// One problem of a plan, labelled on the offending span.
#[derive(Debug, Clone, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(plan))]
pub struct PlanProblem {
    pub message: String,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl PlanProblem {
    pub fn new(
        message: impl Into<String>,
        span: impl Into<SourceSpan>,
        label: impl Into<String>,
    ) -> Self {
        PlanProblem {
            message: message.into(),
            span: span.into(),
            label: label.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Every problem found in one plan file.
#[derive(Debug, Error, Diagnostic)]
#[error("invalid {what} {}: {}", .source_code.name(), summary(.problems))]
#[diagnostic(code(plan::invalid))]
pub struct PlanErrors {
    /// "plan" or "waivers": which file.
    pub what: &'static str,
    #[source_code]
    pub source_code: NamedSource<String>,
    #[related]
    pub problems: Vec<PlanProblem>,
}

fn summary(problems: &[PlanProblem]) -> String {
    match problems.len() {
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    }
}

/// "did you mean `x`?" for a misspelt key, when one of `known` is close enough.
pub fn did_you_mean(unknown: &str, known: &[&str]) -> Option<String> {
    known
        .iter()
        .map(|candidate| (strsim::jaro_winkler(unknown, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|left, right| left.0.total_cmp(&right.0))
        .map(|(_, candidate)| format!("did you mean `{candidate}`?"))
}
