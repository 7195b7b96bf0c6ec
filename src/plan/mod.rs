//! The plan file (docs/plan.md): TOML → [`Plan`], keeping the span of every entry a diagnostic or a
//! finding may point at, and reporting every problem at once. The waiver file is read with the
//! same TOML readers and reports its problems the same way.

mod blank;
pub mod date;
mod errors;
pub mod input;
mod model;
mod redact;
mod secrets;
mod toml;
mod validate;
pub mod waivers;

use std::path::Path;

pub use errors::{PlanErrors, PlanProblem, did_you_mean};
pub use model::{
    DEFAULT_MAX_LAG, DdlSide, DdlSync, LinkPlan, Migration, OmsPlan, Plan, Secret, SecretSource,
    Span, TableRef, TenantPlan, Topology,
};
pub use redact::{MARKER, Redaction, is_secret_key, url_credentials};
pub use secrets::Secrets;

impl Plan {
    /// Reads and validates the plan at `path` (at most [`input::PLAN`] bytes).
    pub fn load(path: &Path) -> Result<Plan, PlanLoadError> {
        let text = input::read_text(path, input::PLAN).map_err(|error| PlanLoadError::Read {
            path: path.display().to_string(),
            error,
        })?;
        Plan::parse(&path.display().to_string(), &text).map_err(PlanLoadError::Invalid)
    }

    /// Validates plan `text`; `path` is only used to name it. The plan, and any diagnostic
    /// about it, hold only the redacted text (see [`Redaction`]): no password leaves this
    /// function but in the plan's [`Secret`] values.
    pub fn parse(path: &str, text: &str) -> Result<Plan, PlanErrors> {
        let redaction = Redaction::of(text);
        let mut problems = Vec::new();
        let plan = validate::parse_document(text, &mut problems);
        let mut plan = match plan {
            Some(plan) if problems.is_empty() => plan,
            _ => {
                return Err(PlanErrors::redacted(
                    "plan", path, text, &redaction, problems,
                ));
            }
        };
        plan.source = text.to_string();
        if !redaction.is_empty() {
            // The plan keeps the redacted text, so its spans are read again from that text;
            // its inline passwords are the ones read from the text as written.
            let shown = redaction.apply(text);
            let mut again = Vec::new();
            match validate::parse_document(&shown, &mut again) {
                Some(mut redacted) if again.is_empty() => {
                    secrets::keep_inline_passwords(&plan, &mut redacted);
                    redacted.source = shown;
                    plan = redacted;
                }
                _ => {
                    return Err(PlanErrors::redacted(
                        "plan",
                        path,
                        &shown,
                        &Redaction::default(),
                        again,
                    ));
                }
            }
        }
        plan.path = path.to_string();
        Ok(plan)
    }
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PlanLoadError {
    #[error("cannot read plan {path}: {error}")]
    #[diagnostic(code(plan::unreadable))]
    Read { path: String, error: std::io::Error },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(PlanErrors),
}

/// A small valid plan, tenant a's password written inline, for the unit tests of the children.
#[cfg(test)]
const PLAN_WITH_INLINE_PASSWORD: &str = r#"
[tenants.a]
host = "h"
user = "u"
password = "Inline-Secret-1"

[tenants.b]
host = "h"
user = "u"
password_env = "X"

[forward]
project = "f"
source = "a"
target = "b"
migration = ["schema", "full", "incremental"]
tables = ["app.orders"]

[reverse]
project = "r"
source = "b"
target = "a"
migration = ["incremental"]
"#;
