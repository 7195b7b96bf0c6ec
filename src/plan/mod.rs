//! The plan file (SPEC §3): TOML → [`Plan`], keeping the span of every entry a diagnostic or a
//! finding may point at, and reporting every problem at once. The waiver file is read with the
//! same TOML readers and reports its problems the same way.

pub mod date;
mod errors;
mod model;
mod secrets;
mod toml;
mod validate;
pub mod waivers;

use std::path::Path;

use miette::NamedSource;

pub use errors::{PlanErrors, PlanProblem, did_you_mean};
pub use model::{
    DdlSync, LinkPlan, Migration, OmsPlan, Plan, Secret, SecretSource, Span, TableRef, TenantPlan,
};
pub use secrets::{Secrets, blank_password_values, redact};

impl Plan {
    /// Reads and validates the plan at `path`.
    pub fn load(path: &Path) -> Result<Plan, PlanLoadError> {
        let text = std::fs::read_to_string(path).map_err(|error| PlanLoadError::Read {
            path: path.display().to_string(),
            error,
        })?;
        Plan::parse(&path.display().to_string(), &text).map_err(PlanLoadError::Invalid)
    }

    /// Validates plan `text`; `path` is only used to name it.
    pub fn parse(path: &str, text: &str) -> Result<Plan, PlanErrors> {
        let mut problems = Vec::new();
        let plan = validate::parse_document(text, &mut problems);
        match plan {
            Some(mut plan) if problems.is_empty() => {
                plan.path = path.to_string();
                plan.source = redact(text, &plan);
                Ok(plan)
            }
            // The diagnostics quote the file around each problem: blank anything that looks like
            // a password first, since an invalid plan has no spans to trust.
            _ => Err(PlanErrors {
                what: "plan",
                source_code: NamedSource::new(path, blank_password_values(text)),
                problems,
            }),
        }
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
