//! Passwords: reading them from where the plan says they are, and keeping them out of every
//! text the tool shows or stores.

use super::errors::{PlanErrors, PlanProblem};
use super::input;
use super::model::{Plan, Secret, SecretSource, TenantPlan};
use crate::facts::Tenant;

impl SecretSource {
    /// The password, read from the environment or the file (among `files`, by their deadline).
    /// Problems are labelled on the `password_env` / `password_file` entry of `plan`.
    pub fn resolve(&self, files: &input::NamedFiles) -> Result<Secret, PlanProblem> {
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
            SecretSource::File { path, span } => files
                .text(std::path::Path::new(path), input::PASSWORD_FILE)
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
    pub fn resolve(plan: &Plan, files: &input::NamedFiles) -> Result<Secrets, PlanErrors> {
        let a = plan.a.password.resolve(files);
        let b = plan.b.password.resolve(files);
        let oms = plan
            .oms
            .as_ref()
            .map(|oms| oms.password.resolve(files))
            .transpose();
        let drc = |tenant: &TenantPlan| {
            tenant
                .drc_password
                .as_ref()
                .map(|source| source.resolve(files))
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

/// Puts the inline passwords of `written` (the plan read from its text as written) into
/// `redacted` (the same plan read from its redacted text, where they are the marker).
pub(super) fn keep_inline_passwords(written: &Plan, redacted: &mut Plan) {
    let pairs = [
        (Some(&written.a.password), Some(&mut redacted.a.password)),
        (Some(&written.b.password), Some(&mut redacted.b.password)),
        (
            written.oms.as_ref().map(|oms| &oms.password),
            redacted.oms.as_mut().map(|oms| &mut oms.password),
        ),
        (
            written.a.drc_password.as_ref(),
            redacted.a.drc_password.as_mut(),
        ),
        (
            written.b.drc_password.as_ref(),
            redacted.b.drc_password.as_mut(),
        ),
    ];
    for pair in pairs {
        if let (
            Some(SecretSource::Inline { value: written, .. }),
            Some(SecretSource::Inline { value, .. }),
        ) = pair
        {
            *value = written.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PLAN_WITH_INLINE_PASSWORD;

    /// The diagnostics of an invalid plan `text`, as `lint` prints them.
    fn diagnostics(text: &str) -> String {
        let errors = Plan::parse("p.toml", text).unwrap_err();
        let handler = crate::report::human::handler(false);
        crate::report::human::render_diagnostic(&handler, &errors)
    }

    #[test]
    fn an_inline_password_never_leaves_memory() {
        let plan = Plan::parse("p.toml", PLAN_WITH_INLINE_PASSWORD).unwrap();
        assert!(!plan.source.contains("Inline-Secret-1"));
        assert!(
            plan.source.contains("password = \"<redacted>\""),
            "{}",
            plan.source
        );
        assert!(!format!("{plan:?}").contains("Inline-Secret-1"));
        assert!(
            !serde_json::to_string(&plan)
                .unwrap()
                .contains("Inline-Secret-1")
        );
        let files = input::NamedFiles::start([], std::time::Duration::from_secs(10));
        assert_eq!(
            plan.a.password.resolve(&files).unwrap().expose(),
            "Inline-Secret-1"
        );
        // The plan's spans are on the redacted text, and it is itself a valid plan: bundles
        // replay it.
        let SecretSource::Inline { span, .. } = &plan.a.password else {
            panic!("inline")
        };
        assert_eq!(&plan.source[span.clone()], "<redacted>");
        assert_eq!(&plan.source[plan.forward.span.clone()][..9], "[forward]");
        Plan::parse("p.toml", &plan.source).unwrap();
    }

    #[test]
    fn the_marker_does_not_tell_the_length_of_a_password() {
        let short = PLAN_WITH_INLINE_PASSWORD.replace("Inline-Secret-1", "x");
        let long = PLAN_WITH_INLINE_PASSWORD.replace("Inline-Secret-1", &"y".repeat(64));
        assert_eq!(
            Plan::parse("p.toml", &short).unwrap().source,
            Plan::parse("p.toml", &long).unwrap().source
        );
    }

    #[test]
    fn an_invalid_plan_never_quotes_a_password_however_it_is_written() {
        const AS_WRITTEN: &str = "user = \"u\"\npassword = \"Inline-Secret-1\"";
        for (case, written) in [
            (
                "a section",
                "usr = \"u\"\npassword = \"Inline-Secret-1\"\ndrc_password = \"Drc-Secret-2\"",
            ),
            (
                "an inline table",
                "user = \"u\"\nconn = { host = \"h\", password = \"Inline-Secret-1\", prot = 1 }",
            ),
            (
                "a multi-line string",
                "user = \"u\"\npassword = \"\"\"\nInline-Secret-1\nDrc-Secret-2\"\"\"\nprot = 1",
            ),
            (
                "an escaped key",
                "user = \"u\"\n\"pass\\u0077ord\" = \"Inline-Secret-1\"\nprot = 1",
            ),
            (
                "a quoted dotted key",
                "user = \"u\"\nx.'drc_password' = 'Inline-Secret-1'",
            ),
            (
                "a misspelt key",
                "user = \"u\"\npasword = \"Inline-Secret-1\"",
            ),
            (
                "a commented-out line",
                "usr = \"u\"\n# password = \"Inline-Secret-1\"\npassword = \"Drc-Secret-2\"",
            ),
            (
                "a url",
                "user = \"u\"\npassword_env = \"X\"\nhost = \"mysql://u:Inline-Secret-1@h\"",
            ),
            (
                "a syntax error on its line",
                "user = \"u\"\npassword = \"Inline-Secret-1",
            ),
            (
                "a syntax error in an inline table",
                "user = \"u\"\nconn = { password = \"Inline-Secret-1\", host = }",
            ),
            (
                "a syntax error under an escaped key",
                "user = \"u\"\n\"pass\\u0077ord\" = \"Inline-Secret-1\" x",
            ),
        ] {
            let text = PLAN_WITH_INLINE_PASSWORD.replace(AS_WRITTEN, written);
            assert_ne!(text, PLAN_WITH_INLINE_PASSWORD);
            let rendered = diagnostics(&text);
            assert!(
                rendered.contains("[p.toml:"),
                "{case}: no label\n{rendered}"
            );
            assert!(
                !rendered.contains("Inline-Secret-1") && !rendered.contains("Drc-Secret-2"),
                "{case}:\n{rendered}"
            );
        }
    }

    #[test]
    fn credentials_in_a_url_are_a_plan_error_that_does_not_echo_them() {
        let text = format!(
            "[oms]\nurl = \"http://admin:Oms-Secret-3@oms:8089\"\nuser = \"admin\"\npassword_env = \"OMS_PASSWORD\"\n{PLAN_WITH_INLINE_PASSWORD}"
        );
        let rendered = diagnostics(&text);
        assert!(
            rendered.contains("`oms.url` holds credentials"),
            "{rendered}"
        );
        assert!(rendered.contains("password_env"), "{rendered}");
        assert!(
            rendered.contains("url = \"http://admin:<redacted>@oms:8089\""),
            "{rendered}"
        );
        assert!(!rendered.contains("Oms-Secret-3"), "{rendered}");
        // A user name alone is refused too: it would replace `user` without a word.
        let user_only = text.replace("admin:Oms-Secret-3@", "admin@");
        assert!(diagnostics(&user_only).contains("`oms.url` holds credentials"));
    }
}
