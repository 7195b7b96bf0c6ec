//! Bounded fuzzing of the three parsers that read untrusted text: the plan, `SHOW GRANTS`
//! lines, and OMS response bodies; and of what keeps passwords out of sight: a password
//! written where it does not belong in a plan, and one a server repeats. cargo-fuzz needs a
//! nightly toolchain (its sanitizer flags are unstable), so this uses proptest on the
//! machine's stable toolchain: random and mutated inputs, asserting that nothing panics and
//! that what parses is consistent. The case counts below are what .ci/run executes (raise
//! them with PROPTEST_CASES).

use oms_preflight::collect::oms::api::{self, DataSourceDto, DescribedDto, ProjectDto, StepDto};
use oms_preflight::collect::tenant::show_grants::parse_grants;
use oms_preflight::facts::GrantLevel;
use oms_preflight::facts::oms::matches;
use oms_preflight::plan::waiver_file::Waivers;
use oms_preflight::plan::{Plan, Secrets};
use oms_preflight::rules::registry;
use proptest::prelude::*;

const VALID_PLAN: &str = include_str!("../fixtures/plans/valid/dr.toml");
const OMS_BODIES: &[&str] = &[
    include_str!("../fixtures/oms/base/ListDataSource.json"),
    include_str!("../fixtures/oms/base/DescribeProject.np_forward.json"),
    include_str!("../fixtures/oms/base/DescribeProjectSteps.np_forward.json"),
    include_str!("../fixtures/oms/forward-failed/DescribeProjectSteps.np_forward.json"),
    include_str!("../fixtures/oms/wildcard-project/DescribeProject.np_rules.json"),
    include_str!("../fixtures/oms/wildcard-project/DescribeProject.np_excluded.json"),
    include_str!("../fixtures/oms/row-filter/DescribeProject.np_forward.json"),
    include_str!("../fixtures/oms/column-selection/DescribeProject.np_forward.json"),
    // The OMS CE API reference's own examples: numbers and booleans as strings, stores named and
    // dated as UTC strings, connExtraAttributes printed `{}`.
    include_str!("../fixtures/oms/conformance/V4.2.2/ListProjects.json"),
    include_str!("../fixtures/oms/conformance/V4.2.2/DescribeProject.json"),
    include_str!("../fixtures/oms/conformance/V4.2.2/DescribeProjectSteps.json"),
    include_str!("../fixtures/oms/conformance/V4.2.2/DescribeProjectComponents.json"),
    include_str!("../fixtures/oms/conformance/V4.2.2/ListProjectFullVerifyResult.json"),
    include_str!("../fixtures/oms/conformance/V4.2.2/ListDataSource.json"),
];

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Edits of a text: (position, kind, character) applied in order.
fn mutate(text: &str, edits: &[(usize, u8, char)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for (position, kind, c) in edits {
        if chars.is_empty() {
            chars.push(*c);
            continue;
        }
        let at = position % chars.len();
        match kind % 4 {
            0 => chars[at] = *c,
            1 => chars.insert(at, *c),
            2 => {
                chars.remove(at);
            }
            _ => chars.truncate(at),
        }
    }
    chars.into_iter().collect()
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, char)>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), prop::char::any()), 1..8)
}

/// A password as people type them: any printable characters (quotes, backslashes, `#`, `@`,
/// spaces, non-ASCII), with `!` in it, so it is neither a variable name nor a path.
fn password() -> impl Strategy<Value = String> {
    "\\PC{0,12}".prop_map(|middle| format!("Pw{}!Zq", middle.replace(['\r', '\n'], "")))
}

/// `value` as a TOML string, written the way `style` picks: a basic string (its quotes and
/// backslashes escaped), a literal one, a multi-line basic one, or with an escape where a
/// letter could be written plainly.
fn toml_string(value: &str, style: usize) -> String {
    let basic = value
        .chars()
        .map(|c| match c {
            '"' => "\\\"".to_string(),
            '\\' => "\\\\".to_string(),
            c if c.is_control() => format!("\\u{:04X}", c as u32),
            c => c.to_string(),
        })
        .collect::<String>();
    match style % 4 {
        1 if !value.contains('\'') => format!("'{value}'"),
        2 => format!("\"\"\"\n{}\"\"\"", basic.replace("\"\"", "\\\"\\\"")),
        3 => format!("\"{}\"", basic.replacen('P', "\\u0050", 1)),
        _ => format!("\"{basic}\""),
    }
}

/// The valid plan with a password written where it does not belong: typed in a password
/// source key (`password_env`, `password_file`, `drc_password_env`, `drc_password_file`), or
/// written in a host or the OMS url's query.
fn misplaced(password: &str, place: usize, style: usize) -> String {
    let quoted = |value: &str| toml_string(value, style);
    let drc = |key: &str| {
        format!(
            "tenant = \"tenant_a\"\ndrc_user = \"drc@sys\"\n{key} = {}",
            quoted(password)
        )
    };
    let (from, to) = match place % 7 {
        0 => (
            "password_env = \"OMS_PASSWORD\"",
            format!("password_env = {}", quoted(password)),
        ),
        1 => (
            "password_env = \"OB_A_PASSWORD\"",
            format!("password_env = {}", quoted(password)),
        ),
        2 => (
            "password_file = \"/run/secrets/ob_b_password\"",
            format!("password_file = {}", quoted(password)),
        ),
        3 => ("tenant = \"tenant_a\"", drc("drc_password_env")),
        4 => ("tenant = \"tenant_a\"", drc("drc_password_file")),
        5 => (
            "host = \"10.0.0.1\"",
            format!("host = {}", quoted(&format!("oms_a:{password}@10.0.0.1"))),
        ),
        _ => (
            "url = \"http://oms.example.internal:8089\"",
            format!(
                "url = {}",
                quoted(&format!(
                    "http://oms.example.internal:8089/?token={password}"
                ))
            ),
        ),
    };
    assert!(VALID_PLAN.contains(from), "{from}");
    VALID_PLAN.replacen(from, &to, 1)
}

proptest! {
    #![proptest_config(cases(10_000))]

    #[test]
    fn the_plan_parser_never_panics_on_random_text(text in "\\PC{0,400}") {
        let _ = Plan::parse("fuzz.toml", &text);
        let _ = Waivers::parse("fuzz.toml", &text, &registry::Catalog);
    }

    #[test]
    fn the_plan_parser_never_panics_on_mutated_plans(edits in edits()) {
        let text = mutate(VALID_PLAN, &edits);
        if let Ok(plan) = Plan::parse("fuzz.toml", &text) {
            // What parses is a whole plan, and its stored text parses again.
            prop_assert!(Plan::parse("again.toml", &plan.source).is_ok());
        }
    }

    #[test]
    fn the_grant_parser_never_panics_on_random_lines(lines in prop::collection::vec("\\PC{0,120}", 0..6)) {
        let grants = parse_grants(lines.iter().map(String::as_str));
        // Every line is a grant, a role grant or kept as unparsed: nothing is invented.
        prop_assert!(grants.grants.len() + grants.unparsed.len() <= lines.len());
    }

    #[test]
    fn the_grant_parser_reads_back_generated_database_grants(
        database in "[a-zA-Z0-9_ '\"$#@-]{1,40}",
        privileges in prop::sample::subsequence(vec!["SELECT", "INSERT", "UPDATE", "DELETE", "CREATE VIEW", "ALTER", "INDEX"], 1..7),
        grant_option in any::<bool>(),
    ) {
        let line = format!(
            "GRANT {} ON `{database}`.* TO 'oms'{}",
            privileges.join(", "),
            if grant_option { " WITH GRANT OPTION" } else { "" }
        );
        let grants = parse_grants([line.as_str()]);
        prop_assert_eq!(grants.unparsed.len(), 0, "{}", line);
        prop_assert_eq!(&grants.grants[0].level, &GrantLevel::Database { database: database.clone() });
        prop_assert_eq!(grants.grants[0].privileges.len(), privileges.len());
        prop_assert_eq!(grants.grants[0].with_grant_option, grant_option);
    }

    #[test]
    fn the_oms_decoder_never_panics_on_random_bodies(body in prop::collection::vec(any::<u8>(), 0..600), status in 100u16..600) {
        let _ = api::decode::<Vec<DataSourceDto>>("ListDataSource", status, &body);
        let _ = api::decode::<ProjectDto>("DescribeProject", status, &body);
        let _ = api::decode::<Vec<StepDto>>("DescribeProjectSteps", status, &body);
    }

    #[test]
    fn matching_rules_never_panic_and_a_name_matches_itself(pattern in "[a-z*?\\[\\]!-]{0,12}", name in "[a-z\\[\\]!-]{0,12}") {
        let _ = matches(&pattern, &name);
        prop_assert!(matches("*", &name));
        // A name free of wildcard characters is a pattern matching exactly itself.
        let literal = name.replace(['[', ']'], "");
        prop_assert!(matches(&literal, &literal.to_uppercase()));
    }

    #[test]
    fn the_oms_decoder_never_panics_on_mutated_bodies(which in 0..OMS_BODIES.len(), edits in edits()) {
        let body = mutate(OMS_BODIES[which], &edits);
        if let Ok(envelope) = api::decode::<Vec<StepDto>>("DescribeProjectSteps", 200, body.as_bytes()) {
            let _ = api::steps(envelope.data.unwrap_or_default());
        }
        if let Ok(envelope) = api::decode::<DescribedDto>("DescribeProject", 200, body.as_bytes())
            && let Some(Ok(dto)) = envelope.data.map(DescribedDto::single)
        {
            let project = api::project(dto, &[], &Default::default());
            let _ = (project.writes_database("app"), project.writes("app", "orders"));
        }
        if let Ok(envelope) = api::decode::<Vec<DataSourceDto>>("ListDataSource", 200, body.as_bytes()) {
            let _ = api::data_sources(envelope.data.unwrap_or_default(), &Default::default());
        }
        if let Ok(envelope) = api::decode::<api::ComponentsDto>("DescribeProjectComponents", 200, body.as_bytes()) {
            let _ = envelope.data.map(api::ComponentsDto::components);
        }
        if let Ok(envelope) = api::decode::<api::VerifyResultDto>("ListProjectFullVerifyResult", 200, body.as_bytes()) {
            let _ = envelope.data.map(api::VerifyResultDto::tables);
        }
    }
}

proptest! {
    // Each case reads a whole plan: fewer cases, as the redaction property in plan::redact.
    #![proptest_config(cases(2_000))]

    /// A password typed where a name or a path belongs, or written in a host or a url's query,
    /// however it is quoted: the plan is refused, and no diagnostic shows the password, whole
    /// or with its line wrapped.
    #[test]
    fn a_misplaced_password_is_refused_and_never_shown(
        password in password(),
        place in 0usize..7,
        style in 0usize..4,
    ) {
        let text = misplaced(&password, place, style);
        let errors = Plan::parse("fuzz.toml", &text);
        prop_assert!(errors.is_err(), "accepted: place {}, style {}", place, style);
        let handler = oms_preflight::report::human::handler(false);
        let shown = oms_preflight::report::human::render_diagnostic(&handler, &errors.unwrap_err());
        let squeezed: String = shown.chars().filter(|c| !c.is_whitespace()).collect();
        let needle: String = password.chars().filter(|c| !c.is_whitespace()).collect();
        prop_assert!(
            !squeezed.contains(&needle),
            "place {}, style {}: the password is shown",
            place,
            style
        );
    }

    /// The passwords a run knows, repeated anywhere in what a server says (between random
    /// text, next to each other, inside a word): never left in a blanked text; a text that
    /// holds none is left as it is.
    #[test]
    fn a_known_password_is_blanked_wherever_it_stands(
        // Ending in a digit and `!`, and without `<` or `>`, no password can be read in the
        // marker that replaced another.
        tenant in "[A-Za-z0-9!#%&*+,./:;=?@^_|~-]{2,14}".prop_map(|p| format!("{p}7!")),
        oms in "[A-Za-z0-9!#%&*+,./:;=?@^_|~-]{2,14}".prop_map(|p| format!("{p}8!")),
        pieces in prop::collection::vec(("\\PC{0,8}", 0usize..3), 0..6),
    ) {
        let inline = |password: &str| format!("password = {}", toml_string(password, 0));
        let text = VALID_PLAN
            .replacen("password_env = \"OB_A_PASSWORD\"", &inline(&tenant), 1)
            .replacen("password_file = \"/run/secrets/ob_b_password\"", &inline(&tenant), 1)
            .replacen("password_env = \"OMS_PASSWORD\"", &inline(&oms), 1);
        let plan = Plan::parse("fuzz.toml", &text).unwrap();
        let Ok(secrets) = Secrets::resolve(&plan, &oms_preflight::plan::input::NamedFiles::start([], std::time::Duration::from_secs(1))) else {
            return Err(TestCaseError::fail("inline passwords resolve"));
        };
        let said: String = pieces
            .iter()
            .map(|(noise, which)| match which {
                0 => noise.clone(),
                1 => format!("{noise}{tenant}"),
                _ => format!("{oms}{noise}{oms}"),
            })
            .collect();
        let blanked = secrets.blank(&said);
        prop_assert!(!blanked.contains(&tenant) && !blanked.contains(&oms), "a password is left");
        if !said.contains(&tenant) && !said.contains(&oms) {
            prop_assert_eq!(blanked.as_ref(), said.as_str());
        }
    }
}
