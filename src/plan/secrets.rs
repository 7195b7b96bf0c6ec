//! Passwords: reading them from where the plan says they are, and keeping them out of every
//! text the tool shows or stores.

use super::errors::{PlanErrors, PlanProblem};
use super::model::{Plan, Secret, SecretSource, Span, TenantPlan};
use crate::facts::Tenant;

impl SecretSource {
    /// The password, read from the environment or the file. Problems are labelled on the
    /// `password_env` / `password_file` entry of `plan`.
    pub fn resolve(&self) -> Result<Secret, PlanProblem> {
        match self {
            SecretSource::Inline { value, .. } => Ok(value.clone()),
            SecretSource::Env { var, span } => std::env::var(var).map(Secret::new).map_err(|_| {
                PlanProblem::new(
                    format!("environment variable `{var}` is not set"),
                    span.clone(),
                    "the password is read from here",
                )
                .help(format!("export {var} before running, or use password_file"))
            }),
            SecretSource::File { path, span } => std::fs::read_to_string(path)
                .map(|text| Secret::new(text.trim_end_matches(['\r', '\n']).to_string()))
                .map_err(|error| {
                    PlanProblem::new(
                        format!("cannot read password file `{path}`: {error}"),
                        span.clone(),
                        "the password is read from this file",
                    )
                    .help("check the path (relative paths are relative to the working directory)")
                }),
        }
    }
}

/// The passwords a live collection needs, read before any connection is opened so a missing
/// variable is a plan error (exit 2), not an unreachable tenant.
pub struct Secrets {
    a: Secret,
    b: Secret,
    oms: Option<Secret>,
    drc_a: Option<Secret>,
    drc_b: Option<Secret>,
}

impl Secrets {
    pub fn resolve(plan: &Plan) -> Result<Secrets, PlanErrors> {
        let a = plan.a.password.resolve();
        let b = plan.b.password.resolve();
        let oms = plan
            .oms
            .as_ref()
            .map(|oms| oms.password.resolve())
            .transpose();
        let drc = |tenant: &TenantPlan| {
            tenant
                .drc_password
                .as_ref()
                .map(|source| source.resolve())
                .transpose()
        };
        let (drc_a, drc_b) = (drc(&plan.a), drc(&plan.b));
        match (a, b, oms, drc_a, drc_b) {
            (Ok(a), Ok(b), Ok(oms), Ok(drc_a), Ok(drc_b)) => Ok(Secrets {
                a,
                b,
                oms,
                drc_a,
                drc_b,
            }),
            (a, b, oms, drc_a, drc_b) => Err(PlanErrors {
                what: "plan",
                source_code: miette::NamedSource::new(&plan.path, plan.source.clone()),
                problems: [a.err(), b.err(), oms.err(), drc_a.err(), drc_b.err()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<PlanProblem>>(),
            }),
        }
    }

    /// The password of `tenant`'s user.
    pub fn password(&self, tenant: Tenant) -> &Secret {
        match tenant {
            Tenant::A => &self.a,
            Tenant::B => &self.b,
        }
    }

    /// The password of `tenant`'s DRC user, when the plan names its source.
    pub fn drc_password(&self, tenant: Tenant) -> Option<&Secret> {
        match tenant {
            Tenant::A => self.drc_a.as_ref(),
            Tenant::B => self.drc_b.as_ref(),
        }
    }

    /// The OMS password, when the plan has an `[oms]` section.
    pub fn oms_password(&self) -> Option<&Secret> {
        self.oms.as_ref()
    }
}

/// Every span at which an inline password is written.
fn inline_secret_spans(plan: &Plan) -> Vec<Span> {
    let oms = plan.oms.as_ref().map(|oms| &oms.password);
    [Some(&plan.a.password), Some(&plan.b.password), oms]
        .into_iter()
        .flatten()
        .filter_map(|source| match source {
            SecretSource::Inline { span, .. } => Some(span.clone()),
            _ => None,
        })
        .collect()
}

/// `text` with every inline password replaced by asterisks of the same length, so spans stay
/// valid and the text can be shown or stored.
pub fn redact(text: &str, plan: &Plan) -> String {
    let mut redacted = text.to_string();
    for span in inline_secret_spans(plan) {
        // toml-span's string spans cover the contents without the quotes; should they ever
        // include them, keep the quotes so the text stays valid TOML.
        let Some(literal) = redacted.get(span.clone()) else {
            continue;
        };
        let quotes = ['"', '\''];
        let inner =
            if literal.len() >= 2 && literal.starts_with(quotes) && literal.ends_with(quotes) {
                span.start + 1..span.end - 1
            } else {
                span.clone()
            };
        let stars = "*".repeat(redacted[inner.clone()].chars().count());
        redacted.replace_range(inner, &stars);
    }
    redacted
}

/// `text` with the value of every `...password... = value` line (other than `*_env` and
/// `*_file` keys) replaced by asterisks of the same length, so spans stay valid.
pub fn blank_password_values(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let Some((key, value)) = line.split_once('=') else {
                return line.to_string();
            };
            let key_name = key.trim().trim_matches('"').to_ascii_lowercase();
            let names_a_secret = key_name.contains("password")
                && !key_name.ends_with("_env")
                && !key_name.ends_with("_file");
            if !names_a_secret {
                return line.to_string();
            }
            let blanked: String = value
                .chars()
                .map(|c| if c.is_whitespace() { c } else { '*' })
                .collect();
            format!("{key}={blanked}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PLAN_WITH_INLINE_PASSWORD;

    #[test]
    fn an_inline_password_never_leaves_memory() {
        let plan = Plan::parse("p.toml", PLAN_WITH_INLINE_PASSWORD).unwrap();
        assert!(!plan.source.contains("Inline-Secret-1"));
        assert!(
            plan.source.contains("password = \"***************\""),
            "{}",
            plan.source
        );
        assert!(!format!("{plan:?}").contains("Inline-Secret-1"));
        assert!(
            !serde_json::to_string(&plan)
                .unwrap()
                .contains("Inline-Secret-1")
        );
        assert_eq!(
            plan.a.password.resolve().unwrap().expose(),
            "Inline-Secret-1"
        );
        // The redacted text is itself a valid plan: bundles replay it.
        Plan::parse("p.toml", &plan.source).unwrap();
    }

    #[test]
    fn an_invalid_plan_never_quotes_a_password() {
        let text = PLAN_WITH_INLINE_PASSWORD.replace(
            "user = \"u\"\npassword = \"Inline-Secret-1\"",
            "usr = \"u\"\npassword = \"Inline-Secret-1\"\ndrc_password = \"Drc-Secret-2\"",
        );
        let errors = Plan::parse("p.toml", &text).unwrap_err();
        let handler =
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
        let mut rendered = String::new();
        handler.render_report(&mut rendered, &errors).unwrap();
        assert!(
            rendered.contains("unknown key `tenants.a.drc_password`"),
            "{rendered}"
        );
        assert!(
            !rendered.contains("Inline-Secret-1") && !rendered.contains("Drc-Secret-2"),
            "{rendered}"
        );
        assert_eq!(
            blank_password_values("password_env = \"X\"\n"),
            "password_env = \"X\"\n"
        );
    }
}
