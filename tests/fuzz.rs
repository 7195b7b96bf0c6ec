//! Bounded fuzzing of the three parsers that read untrusted text: the plan, `SHOW GRANTS`
//! lines, and OMS response bodies. cargo-fuzz needs a nightly toolchain (its sanitizer flags
//! are unstable), so this uses proptest on the machine's stable toolchain: random and mutated
//! inputs, asserting that nothing panics and that what parses is consistent. The case counts
//! below are what .ci/run executes (raise them with PROPTEST_CASES).

use oms_preflight::collect::oms::api::{self, DataSourceDto, DescribedDto, ProjectDto, StepDto};
use oms_preflight::collect::tenant::show_grants::parse_grants;
use oms_preflight::facts::GrantLevel;
use oms_preflight::facts::oms::matches;
use oms_preflight::plan::Plan;
use oms_preflight::plan::waivers::Waivers;
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
    }
}
