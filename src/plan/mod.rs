//! The plan file (docs/plan.md): TOML → [`Plan`], keeping the span of every entry a diagnostic or a
//! finding may point at, and reporting every problem at once. The waiver file is read with the
//! same TOML readers and reports its problems the same way.

mod blank;
mod certificates;
pub mod credentials;
pub mod date;
mod errors;
pub mod input;
mod model;
mod redact;
mod secrets;
mod toml;
mod validate;
mod validate_secrets;
pub mod waiver_file;

use std::path::Path;

pub use certificates::Certificates;
pub use credentials::{is_secret_key, url_credentials};
pub use errors::{PlanErrors, PlanProblem, did_you_mean};
pub use model::{
    DEFAULT_MAX_LAG, DEFAULT_MIN_WINDOW, DdlSide, DdlSync, LinkPlan, Migration, OmsPlan, Plan,
    Secret, SecretSource, Span, TableRef, TenantPlan, Topology, user_name,
};
pub use redact::{MARKER, Redaction};
pub use secrets::Secrets;

/// The passwords and CA files `plan` names, read before any connection so that a file that
/// cannot be read is a plan error (exit 2) and not an endpoint that looks down. All of them
/// together wait at most `timeout` (the run's `--timeout`) for a pipe or a device; every
/// problem is reported at once.
pub fn read_named_files(
    plan: &Plan,
    timeout: std::time::Duration,
) -> Result<(Secrets, Certificates), PlanErrors> {
    let files = input::NamedFiles::start(named_files(plan), timeout);
    match (
        Secrets::resolve(plan, &files),
        Certificates::read(plan, &files),
    ) {
        (Ok(secrets), Ok(certificates)) => Ok((secrets, certificates)),
        (secrets, certificates) => {
            let problems = [secrets.err(), certificates.err()]
                .into_iter()
                .flatten()
                .flat_map(|errors| errors.problems)
                .collect();
            Err(PlanErrors {
                what: "plan",
                source_code: miette::NamedSource::new(&plan.path, plan.source.clone()),
                problems,
            })
        }
    }
}

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
                return Err(redaction.errors("plan", path, text, problems));
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
                    return Err(Redaction::default().errors("plan", path, &shown, again));
                }
            }
        }
        plan.path = path.to_string();
        Ok(plan)
    }
}

/// Every file `plan` names: its password files and CA files.
fn named_files(plan: &Plan) -> Vec<&str> {
    let tenants = [&plan.a, &plan.b];
    let passwords = tenants
        .iter()
        .flat_map(|tenant| [Some(&tenant.password), tenant.drc_password.as_ref()])
        .chain([plan.oms.as_ref().map(|oms| &oms.password)])
        .flatten()
        .filter_map(|source| match source {
            SecretSource::File { path, .. } => Some(path.as_str()),
            SecretSource::Env { .. } | SecretSource::Inline { .. } => None,
        });
    let certificates = tenants
        .iter()
        .map(|tenant| tenant.tls_ca.as_deref())
        .chain([plan.oms.as_ref().and_then(|oms| oms.ca.as_deref())])
        .flatten();
    passwords.chain(certificates).collect()
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
