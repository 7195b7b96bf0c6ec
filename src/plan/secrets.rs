//! Passwords: reading them from where the plan says they are, and keeping them out of every
//! text the tool shows or stores.
//!
//! The plan's text is redacted as it is read ([`Redaction`]). What a server says cannot be
//! redacted by where it is written: an OMS `message`, a MySQL error text, a step's error may
//! repeat the password it was sent. But the run knows every password it sends, so once the
//! collection is done it blanks each, wherever it stands, in every string of the facts
//! ([`Secrets::blank_in`]) and of the plan ([`Secrets::blank_plan`]) the rest of the run reads:
//! reports in every format, bundles, fix scripts and stderr are all made from those two.

use std::borrow::Cow;

use base64::Engine;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::blank;
use super::errors::{PlanErrors, PlanProblem};
use super::input;
use super::model::{DdlSync, Plan, Secret, SecretSource, Span, TenantPlan};
use super::redact::Redaction;
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
    /// Everything above as a server may repeat it.
    known: Known,
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
            (Ok(a), Ok(b), Ok(oms), Ok(drc_a), Ok(drc_b)) => {
                let oms_user = plan.oms.as_ref().map(|oms| oms.user.as_str());
                let known = Known::of(&[&a, &b], oms_user.zip(oms.as_ref()), &[&drc_a, &drc_b]);
                Ok(Secrets {
                    a,
                    b,
                    oms,
                    drc_a,
                    drc_b,
                    known,
                })
            }
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

    /// `text` with every password of this run blanked (each reads [`MARKER`](super::MARKER)).
    pub fn blank<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let found = self.known.occurrences(text);
        match found.is_empty() {
            true => Cow::Borrowed(text),
            false => Cow::Owned(Redaction::of_spans(text, found).apply(text)),
        }
    }

    /// `value` (the facts of a collection) with every password of this run blanked in every
    /// string it holds, whatever field a server's words landed in.
    pub fn blank_in<T: Serialize + DeserializeOwned>(&self, value: T) -> T {
        // Most collections hold no password at all: looking costs a walk, rewriting a copy.
        if !blank::any_string(&value, &|text| self.known.occurs_in(text)) {
            return value;
        }
        // Strings are rewritten, never types, names or numbers: a value that serializes reads
        // back (every scenario's facts do, in plan::blank's tests).
        blank::every_string(&value, &|text: &str| self.blank(text))
            .expect("facts read back with their strings blanked")
    }

    /// `plan` as the rest of a run may show and store it once the collection no longer needs
    /// its values: every password of this run blanked in its strings and in its text (where a
    /// plan spells one out: a user named like its password, a project named after it), its
    /// spans moved onto that text. Its own password sources are left as they are.
    pub fn blank_plan(&self, plan: &Plan) -> Plan {
        let mut plan = plan.clone();
        if self.known.is_empty() {
            return plan;
        }
        let redaction = Redaction::of_found(&plan.source, |text| self.known.occurrences(text));
        let text = |value: &mut String| {
            if let Cow::Owned(blanked) = self.blank(value) {
                *value = blanked;
            }
        };
        let optional = |value: &mut Option<String>| value.iter_mut().for_each(text);
        let span = |span: &mut Span| *span = redaction.map(span.clone());
        let optional_span = |at: &mut Option<Span>| at.iter_mut().for_each(&span);
        let source = |source: &mut SecretSource| match source {
            SecretSource::Env {
                var: name,
                span: at,
            }
            | SecretSource::File {
                path: name,
                span: at,
            } => {
                text(name);
                span(at);
            }
            SecretSource::Inline { span: at, .. } => span(at),
        };
        text(&mut plan.path);
        plan.source = redaction.apply(&plan.source);
        optional_span(&mut plan.topology_span);
        if let Some(oms) = &mut plan.oms {
            text(&mut oms.url);
            text(&mut oms.user);
            source(&mut oms.password);
            optional(&mut oms.version);
            optional(&mut oms.ca);
            span(&mut oms.span);
        }
        for tenant in [&mut plan.a, &mut plan.b] {
            text(&mut tenant.host);
            text(&mut tenant.user);
            source(&mut tenant.password);
            optional(&mut tenant.tenant_name);
            optional_span(&mut tenant.tenant_name_span);
            optional(&mut tenant.tls_ca);
            optional(&mut tenant.drc_user);
            tenant.drc_password.iter_mut().for_each(source);
            span(&mut tenant.span);
        }
        for link in [&mut plan.forward, &mut plan.reverse] {
            text(&mut link.project);
            link.databases.iter_mut().for_each(text);
            for table in &mut link.tables {
                text(&mut table.database);
                text(&mut table.table);
            }
            if let DdlSync::Types(types) = &mut link.ddl_sync {
                types.iter_mut().for_each(text);
            }
            span(&mut link.span);
            optional_span(&mut link.migration_span);
            optional_span(&mut link.ddl_sync_span);
            optional_span(&mut link.ddl_side_span);
        }
        optional(&mut plan.waivers);
        plan
    }
}

/// Below this many characters a password is blanked only where it stands alone, not inside a
/// longer run of letters and digits: blanking every `x` of a report would leave nothing to
/// read, and a password that short protects little.
const SHORTEST_BLANKED_ANYWHERE: usize = 4;

/// The passwords a run sends, in every form a server may repeat them: each as it is, and the
/// OMS one also as the `Authorization: Basic` token it travels in (an echo of the request's
/// headers). None empty; where two overlap in a text, both are blanked as one.
#[derive(Default)]
struct Known(Vec<String>);

impl Known {
    fn of(tenants: &[&Secret], oms: Option<(&str, &Secret)>, drc: &[&Option<Secret>]) -> Known {
        let mut forms: Vec<String> = tenants
            .iter()
            .copied()
            .chain(oms.map(|(_, password)| password))
            .chain(drc.iter().filter_map(|secret| secret.as_ref()))
            .map(|secret| secret.expose().to_string())
            .collect();
        if let Some((user, password)) = oms {
            // What reqwest's basic_auth sends: base64 of `user:password`, standard alphabet.
            forms.push(
                base64::engine::general_purpose::STANDARD
                    .encode(format!("{user}:{}", password.expose())),
            );
        }
        forms.retain(|form| !form.is_empty());
        forms.sort();
        forms.dedup();
        Known(forms)
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a password stands in `text` (see [`Known::occurrences`]).
    fn occurs_in(&self, text: &str) -> bool {
        self.0.iter().any(|form| text.contains(form.as_str())) && !self.occurrences(text).is_empty()
    }

    /// Where a password stands in `text`: everywhere for one of
    /// [`SHORTEST_BLANKED_ANYWHERE`] characters or more, else where it stands alone.
    fn occurrences(&self, text: &str) -> Vec<Span> {
        let mut found = Vec::new();
        for form in &self.0 {
            let anywhere = form.chars().count() >= SHORTEST_BLANKED_ANYWHERE;
            let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            found.extend(
                text.match_indices(form.as_str())
                    .map(|(at, _)| at..at + form.len())
                    .filter(|at| {
                        anywhere
                            || !(word(text[..at.start].chars().next_back())
                                || word(text[at.end..].chars().next()))
                    }),
            );
        }
        found
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

    /// Secrets from a plan whose passwords are all written inline (no environment needed).
    fn inline_secrets(tenant_a: &str, tenant_b: &str, oms: &str) -> (Plan, Secrets) {
        let text = format!(
            "[oms]\nurl = \"http://oms:8089\"\nuser = \"admin\"\npassword = \"{oms}\"\n{}",
            PLAN_WITH_INLINE_PASSWORD
                .replace("Inline-Secret-1", tenant_a)
                .replace(
                    "password_env = \"X\"",
                    &format!("password = \"{tenant_b}\"")
                )
        );
        let plan = Plan::parse("p.toml", &text).unwrap();
        let secrets = Secrets::resolve(
            &plan,
            &crate::plan::input::NamedFiles::start([], std::time::Duration::from_secs(1)),
        )
        .unwrap();
        (plan, secrets)
    }

    #[test]
    fn every_password_a_run_sends_is_blanked_in_any_text() {
        let (_, secrets) = inline_secrets("A-Secret-8", "B-Secret-9", "Oms-Secret-7");
        let said = "ERROR 1045: denied for A-Secret-8; B-Secret-9B-Secret-9 and Oms-Secret-7!";
        assert_eq!(
            secrets.blank(said),
            "ERROR 1045: denied for <redacted>; <redacted> and <redacted>!"
        );
        // The OMS password as its Authorization header carries it: base64 of `admin:password`.
        let header = format!(
            "Authorization: Basic {}",
            base64::engine::general_purpose::STANDARD.encode("admin:Oms-Secret-7")
        );
        assert_eq!(secrets.blank(&header), "Authorization: Basic <redacted>");
        assert!(matches!(secrets.blank("nothing here"), Cow::Borrowed(_)));
        // A password inside another is blanked with it, whichever comes first.
        let (_, nested) = inline_secrets("Secret", "Longer-Secret-2", "Oms-Secret-7");
        assert_eq!(nested.blank("x Longer-Secret-2 y"), "x <redacted> y");
    }

    #[test]
    fn a_very_short_password_is_blanked_where_it_stands_alone() {
        let (_, secrets) = inline_secrets("pw1", "B-Secret-9", "Oms-Secret-7");
        assert_eq!(
            secrets.blank("password 'pw1' refused; pw1"),
            "password '<redacted>' refused; <redacted>"
        );
        assert_eq!(secrets.blank("spw1 and pw12"), "spw1 and pw12");
    }

    /// The plan the rest of a run reads, when a password is spelt out in its other values: a
    /// user named like its password, a project after it, a value written with escapes. Every
    /// field of the plan is in its `Debug`, so none is missed; the text still parses, with its
    /// spans on it.
    #[test]
    fn a_password_spelt_out_in_the_plan_is_blanked_in_every_value_and_its_text() {
        let (plan, secrets) = inline_secrets("A-Secret-8", "B-Secret-9", "Oms-Secret-7");
        let written = format!("waivers = \"A-Secret-8.toml\"\n{}", plan.source)
            .replace("user = \"admin\"", "user = \"admin-Oms-Secret-7\"\nca = \"/etc/Oms-Secret-7.pem\"")
            .replace(
                "[tenants.a]\nhost = \"h\"\nuser = \"u\"",
                "[tenants.a]\nhost = \"A-Secret-8.db\"\nuser = \"A-Secret-8\"\ntenant = \"t_A-Secret-8\"\ntls = { ca = \"A-Secret-8.pem\" }\ndrc_user = \"drc_A-Secret-8\"",
            )
            .replace("project = \"f\"", "project = \"B\\u002dSecret-9\"\nddl_sync = [\"A-Secret-8\"]")
            .replace("tables = [\"app.orders\"]", "tables = [\"app.orders\", \"app_A-Secret-8.B-Secret-9\"]");
        let plan = Plan::parse("p.toml", &written).unwrap();
        assert_eq!(plan.forward.project, "B-Secret-9");
        let shown = secrets.blank_plan(&plan);
        let everything = format!("{shown:?}");
        for secret in [
            "A-Secret-8",
            "B-Secret-9",
            "Oms-Secret-7",
            "B\\u002dSecret-9",
        ] {
            assert!(!everything.contains(secret), "{secret} in {everything}");
        }
        assert_eq!(shown.forward.project, "<redacted>");
        assert_eq!(shown.a.user, "<redacted>");
        assert!(
            shown.source.contains("host = \"<redacted>.db\""),
            "{}",
            shown.source
        );
        assert_eq!(&shown.source[shown.forward.span.clone()][..9], "[forward]");
        assert_eq!(&shown.source[shown.a.span.clone()][..11], "[tenants.a]");
        Plan::parse("p.toml", &shown.source).unwrap();
        // A plan that spells out no password is the plan.
        let (plain, _) = inline_secrets("A-Secret-8", "B-Secret-9", "Oms-Secret-7");
        assert_eq!(secrets.blank_plan(&plain).source, plain.source);
    }

    #[test]
    fn facts_come_out_of_a_collection_with_every_password_blanked() {
        let (_, secrets) = inline_secrets("A-Secret-8", "B-Secret-9", "Oms-Secret-7");
        let healthy = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/scenarios/healthy/bundle.json"
        );
        let facts = crate::collect::bundle::Bundle::read(std::path::Path::new(healthy))
            .unwrap()
            .facts;
        let mut said = facts.clone();
        said.b.login = crate::facts::Fact::unavailable(crate::i18n::Text::new(
            "ERROR 1045 (28000): Access denied for password 'B-Secret-9'",
            "ERROR 1045 (28000)：密码 'B-Secret-9' 被拒绝",
        ));
        said.a.user = "A-Secret-8".into();
        let blanked = secrets.blank_in(said);
        let json = serde_json::to_string(&blanked).unwrap();
        assert!(!json.contains("Secret"), "{json}");
        let reason = blanked.b.login.unavailable_reason().unwrap();
        assert_eq!(
            reason.en(),
            "ERROR 1045 (28000): Access denied for password '<redacted>'"
        );
        // Both languages of a reason are blanked.
        assert_eq!(reason.zh(), "ERROR 1045 (28000)：密码 '<redacted>' 被拒绝");
        // Nothing else changes.
        let mut expected = facts;
        expected.b.login = blanked.b.login.clone();
        expected.a.user = "<redacted>".into();
        assert!(blanked == expected);
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
    fn a_password_typed_where_a_name_or_a_path_belongs_is_a_plan_error_that_does_not_echo_it() {
        for (written, message) in [
            (
                "password_env = \"Typed-Secret-4\"",
                "`tenants.b.password_env` is not the name of an environment variable",
            ),
            (
                "password_file = \"Typed-Secret-4!\"",
                "`tenants.b.password_file` is not a file path",
            ),
            (
                "password_env = \"X\"\ndrc_user = \"d\"\ndrc_password_env = \"Typed Secret-4\"",
                "`tenants.b.drc_password_env` is not the name of an environment variable",
            ),
            (
                "password_env = \"X\"\ndrc_user = \"d\"\ndrc_password_file = \"\"\"\nTyped-Secret-4\n\"\"\"",
                "`tenants.b.drc_password_file` is not a file path",
            ),
        ] {
            let text = PLAN_WITH_INLINE_PASSWORD.replace("password_env = \"X\"", written);
            let rendered = diagnostics(&text);
            assert!(rendered.contains(message), "{written}:\n{rendered}");
            assert!(
                rendered.contains("not shown: it may be a password"),
                "{rendered}"
            );
            assert!(!rendered.contains("Typed"), "{written}:\n{rendered}");
            // One problem: the refused source still counts as the section's source.
            assert!(rendered.contains(": 1 problem"), "{written}:\n{rendered}");
        }
    }

    #[test]
    fn credentials_in_a_host_or_a_url_query_are_a_plan_error_that_does_not_echo_them() {
        let host = PLAN_WITH_INLINE_PASSWORD.replace(
            "host = \"h\"\nuser = \"u\"\npassword_env",
            "host = \"u:Host-Secret-5@10.0.0.2\"\nuser = \"u\"\npassword_env",
        );
        assert_ne!(host, PLAN_WITH_INLINE_PASSWORD);
        let rendered = diagnostics(&host);
        assert!(
            rendered.contains("`tenants.b.host` holds credentials"),
            "{rendered}"
        );
        assert!(
            rendered.contains("host = \"u:<redacted>@10.0.0.2\""),
            "{rendered}"
        );
        assert!(!rendered.contains("Host-Secret-5"), "{rendered}");
        // A user name alone is refused too: it would not be the user the plan names.
        let user_only = host.replace("u:Host-Secret-5@", "u@");
        assert!(diagnostics(&user_only).contains("`tenants.b.host` holds credentials"));

        let query = format!(
            "[oms]\nurl = \"http://oms:8089/?token=Query-Secret-6\"\nuser = \"admin\"\npassword_env = \"OMS_PASSWORD\"\n{PLAN_WITH_INLINE_PASSWORD}"
        );
        let rendered = diagnostics(&query);
        assert!(
            rendered.contains("`oms.url` holds credentials in a url query"),
            "{rendered}"
        );
        assert!(rendered.contains("?token=<redacted>\""), "{rendered}");
        assert!(!rendered.contains("Query-Secret-6"), "{rendered}");
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
