//! Every rule on every recorded scenario in fixtures/scenarios, at both stages: the JSON and
//! the human report, snapshotted. A scenario's README says what it represents.

use oms_preflight::cli::StageArg;
use oms_preflight::collect::bundle::Bundle;
use oms_preflight::exit::FailOn;
use oms_preflight::facts::Facts;
use oms_preflight::rules::{Stage, engine};
use oms_preflight::waivers::{Date, Waiver, Waivers};
use oms_preflight::{app, report};

/// The day scenario reports are judged on, so waiver expiry does not move under the snapshots.
const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 24,
};

/// The scenario's waivers.toml, if it has one.
fn waivers(bundle: &std::path::Path) -> Vec<Waiver> {
    let path = bundle.with_file_name("waivers.toml");
    if path.exists() {
        Waivers::load(&path).unwrap().list
    } else {
        Vec::new()
    }
}

#[test]
fn every_rule_on_every_scenario() {
    insta::glob!("../fixtures/scenarios", "*/bundle.json", |path| {
        let bundle = Bundle::read(path).unwrap();
        let plan = bundle.plan().unwrap();
        let rules = engine::select(&[], &[], None).unwrap();
        let waivers = waivers(path);
        for stage in [Stage::Forward, Stage::Reverse] {
            let report = app::evaluate_with(
                &plan,
                Some(&bundle.facts),
                stage,
                &rules,
                FailOn::Error,
                &waivers,
                TODAY,
            );
            insta::assert_snapshot!(
                format!("{}-json", stage.as_str()),
                report::json::render(&report)
            );
            insta::assert_snapshot!(
                format!("{}-human", stage.as_str()),
                report::human::render(&report, false)
            );
        }
    });
}

/// Rules that compare A with B must find nothing when a tenant is compared with itself.
#[test]
fn comparing_a_tenant_with_itself_finds_no_pair_difference() {
    let comparisons = [
        "tenant.mode",
        "tenant.version-pair",
        "tenant.charset",
        "tenant.lower-case",
        "tenant.time-zone",
        "tenant.sql-mode",
        "schema.forward-complete",
    ];
    insta::glob!("../fixtures/scenarios", "*/bundle.json", |path| {
        let bundle = Bundle::read(path).unwrap();
        let plan = bundle.plan().unwrap();
        let rules: Vec<_> = engine::select(&comparisons.map(String::from), &[], None).unwrap();
        for tenant in [&bundle.facts.a, &bundle.facts.b] {
            let same = Facts {
                a: tenant.clone(),
                b: tenant.clone(),
                oms: bundle.facts.oms.clone(),
            };
            let report = app::evaluate(&plan, Some(&same), Stage::Reverse, &rules, FailOn::Error);
            assert!(
                report.findings.is_empty(),
                "{}: {:#?}",
                path.display(),
                report.findings
            );
        }
    });
}

/// The clean recordings pass at the stage `auto` picks; every other scenario fails or is
/// incomplete at the reverse stage, where every rule applies.
#[test]
fn only_the_clean_scenarios_exit_zero() {
    insta::glob!("../fixtures/scenarios", "*/bundle.json", |path| {
        let bundle = Bundle::read(path).unwrap();
        let plan = bundle.plan().unwrap();
        let rules = engine::select(&[], &[], None).unwrap();
        let name = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let clean = ["healthy", "oms-ready"].contains(&name);
        let stage = if clean {
            app::resolve_stage(StageArg::Auto, &bundle.facts)
        } else {
            Stage::Reverse
        };
        let report = app::evaluate(&plan, Some(&bundle.facts), stage, &rules, FailOn::Error);
        let code = report.exit_code;
        assert_eq!(code == 0, clean, "{name}: exit {code}");
    });
}
