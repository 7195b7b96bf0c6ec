//! Every rule on every recorded scenario in fixtures/scenarios, at both stages: the JSON and
//! the human report, snapshotted. A scenario's README says what it represents.

use oms_preflight::collect::bundle::Bundle;
use oms_preflight::facts::Facts;
use oms_preflight::plan::date::Date;
use oms_preflight::plan::waiver_file::{Waiver, Waivers};
use oms_preflight::rules::{Stage, engine, registry};
use oms_preflight::{check, report};

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
        Waivers::load(&path, &registry::Catalog).unwrap().list
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
        for stage in Stage::ALL {
            let options = check::Options {
                stage: Some(stage),
                waivers: &waivers,
                today: TODAY,
                ..check::Options::default()
            };
            let report = check::run(&plan, Some(&bundle.facts), &rules, &options);
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

/// Rules that compare A with B (`compares_sides`) must find nothing when a tenant is compared
/// with itself. What such a rule says about OMS's own records (side `oms`: a data source
/// registered with another time zone than its tenant's) is no difference between A and B.
#[test]
fn comparing_a_tenant_with_itself_finds_no_pair_difference() {
    let rules: Vec<_> = registry::ALL
        .iter()
        .copied()
        .filter(|rule| rule.compares_sides)
        .collect();
    assert!(!rules.is_empty(), "no rule declares compares_sides");
    insta::glob!("../fixtures/scenarios", "*/bundle.json", |path| {
        let bundle = Bundle::read(path).unwrap();
        let plan = bundle.plan().unwrap();
        for tenant in [&bundle.facts.a, &bundle.facts.b] {
            let same = Facts {
                a: tenant.clone(),
                b: tenant.clone(),
                oms: bundle.facts.oms.clone(),
            };
            let options = check::Options {
                stage: Some(Stage::Reverse),
                ..check::Options::default()
            };
            let report = check::run(&plan, Some(&same), &rules, &options);
            let between: Vec<_> = report
                .findings
                .iter()
                .filter(|finding| finding.side != oms_preflight::facts::Side::Oms)
                .collect();
            assert!(between.is_empty(), "{}: {between:#?}", path.display());
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
        let clean = ["healthy", "oms-ready", "single-project-running"].contains(&name);
        if clean {
            // At the stage `auto` picks, nothing to report.
            let report = check::run(
                &plan,
                Some(&bundle.facts),
                &rules,
                &check::Options::default(),
            );
            let code = report.exit_code;
            assert_eq!(code, 0, "{name}: exit {code}");
        } else {
            // Some stage where the scenario's rules apply finds something.
            let codes: Vec<u8> = Stage::ALL
                .into_iter()
                .map(|stage| {
                    let options = check::Options {
                        stage: Some(stage),
                        fail_on: oms_preflight::exit::FailOn::Warning,
                        ..check::Options::default()
                    };
                    check::run(&plan, Some(&bundle.facts), &rules, &options).exit_code
                })
                .collect();
            assert!(
                codes.iter().any(|code| *code != 0),
                "{name}: exits {codes:?}"
            );
        }
    });
}

/// Every finding of a report has its own fingerprint, so a code-scanning or CI baseline can tell
/// any two apart.
#[test]
fn every_finding_has_its_own_fingerprint() {
    insta::glob!("../fixtures/scenarios", "*/bundle.json", |path| {
        let bundle = Bundle::read(path).unwrap();
        let plan = bundle.plan().unwrap();
        let rules = engine::select(&[], &[], None).unwrap();
        for stage in Stage::ALL {
            let options = check::Options {
                stage: Some(stage),
                ..check::Options::default()
            };
            let report = check::run(&plan, Some(&bundle.facts), &rules, &options);
            let mut seen = std::collections::BTreeSet::new();
            for finding in &report.findings {
                assert!(
                    seen.insert(finding.fingerprint.clone()),
                    "{}: two findings share the fingerprint of {} on {:?}",
                    path.display(),
                    finding.rule,
                    finding.object
                );
            }
        }
    });
}
