//! The catalog's invariants: every rule has a unique id equal to its file, is registered,
//! documented with the required sections, has a fresh page under rules/, and fires in at least
//! one recorded scenario.

use std::collections::BTreeSet;
use std::path::Path;

use oms_preflight::app;
use oms_preflight::collect::bundle::Bundle;
use oms_preflight::exit::FailOn;
use oms_preflight::rules::engine::{self, Status};
use oms_preflight::rules::{Stage, docs, registry};
use oms_preflight::waivers::{Date, Waivers};

const AREAS: &[&str] = &["conn", "tenant", "grants", "schema", "link", "oms", "plan"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn ids_are_unique_well_formed_and_in_catalog_order_by_area() {
    let mut seen = BTreeSet::new();
    for rule in registry::ALL {
        assert!(seen.insert(rule.id), "{} is registered twice", rule.id);
        let (area, name) = rule.id.split_once('.').expect("ids are area.name");
        assert!(AREAS.contains(&area), "{}: unknown area {area}", rule.id);
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}: names are lowercase words joined by hyphens",
            rule.id
        );
        assert!(
            !rule.summary.ends_with('.'),
            "{}: summaries have no trailing period",
            rule.id
        );
    }
}

/// Every file under src/rules/<area>/ except mod.rs declares one rule, whose id is
/// `<area>.<file name with hyphens>`, and that rule is registered.
#[test]
fn every_rule_file_is_registered_under_its_own_id() {
    let registered: BTreeSet<&str> = registry::ALL.iter().map(|rule| rule.id).collect();
    let mut files = BTreeSet::new();
    for area in AREAS {
        let Ok(entries) = std::fs::read_dir(root().join("src/rules").join(area)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
            if stem == "mod" {
                continue;
            }
            let id = format!("{area}.{}", stem.replace('_', "-"));
            let source = std::fs::read_to_string(&path).unwrap();
            assert!(
                source.contains(&format!("id: \"{id}\"")),
                "{} must declare the rule `{id}` (the id equals the file name)",
                path.display()
            );
            assert!(
                registered.contains(id.as_str()),
                "{id} is not in src/rules/registry.rs: add `&{area}::{stem}::RULE` to ALL"
            );
            files.insert(id);
        }
    }
    let unfiled: Vec<_> = registered
        .iter()
        .filter(|id| !files.contains(**id))
        .collect();
    assert!(
        unfiled.is_empty(),
        "registered rules without a file of their own: {unfiled:?}"
    );
}

#[test]
fn every_rule_is_documented_with_the_required_sections() {
    for rule in registry::ALL {
        let body = docs::body(rule);
        let mut from = 0;
        for section in docs::SECTIONS {
            let at = body[from..].find(section).unwrap_or_else(|| {
                panic!(
                    "{}: its doc comment needs `{section}` (in this order)",
                    rule.id
                )
            });
            from += at + section.len();
        }
    }
}

/// rules/<id>.md and rules/README.md are what the sources generate. Regenerate with
/// `OMS_PREFLIGHT_UPDATE_DOCS=1 cargo test --test catalog`.
#[test]
fn the_rule_pages_are_fresh() {
    let update = std::env::var_os("OMS_PREFLIGHT_UPDATE_DOCS").is_some();
    let mut expected = vec![("README.md".to_string(), docs::index())];
    expected.extend(
        registry::ALL
            .iter()
            .map(|rule| (format!("{}.md", rule.id), docs::page(rule))),
    );
    for (name, text) in &expected {
        let path = root().join("rules").join(name);
        if update {
            std::fs::write(&path, text).unwrap();
            continue;
        }
        let found = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            found == *text,
            "rules/{name} is stale: run `OMS_PREFLIGHT_UPDATE_DOCS=1 cargo test --test catalog`"
        );
    }
    // No page for a rule that no longer exists.
    for entry in std::fs::read_dir(root().join("rules")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".md") {
            assert!(
                expected.iter().any(|(known, _)| *known == name),
                "rules/{name} belongs to no rule"
            );
        }
    }
}

#[test]
fn every_rule_fires_in_at_least_one_scenario() {
    let mut fired = BTreeSet::new();
    let rules = engine::select(&[], &[], None).unwrap();
    let today = Date {
        year: 2026,
        month: 11,
        day: 24,
    };
    for entry in std::fs::read_dir(root().join("fixtures/scenarios")).unwrap() {
        let dir = entry.unwrap().path();
        let bundle = Bundle::read(&dir.join("bundle.json")).unwrap();
        let plan = bundle.plan().unwrap();
        let waivers = match dir.join("waivers.toml") {
            path if path.exists() => Waivers::load(&path).unwrap().list,
            _ => Vec::new(),
        };
        for stage in [Stage::Forward, Stage::Reverse] {
            let report = app::evaluate_with(
                &plan,
                Some(&bundle.facts),
                stage,
                &rules,
                FailOn::Error,
                &waivers,
                today,
            );
            fired.extend(
                report
                    .outcomes
                    .iter()
                    .filter(|o| o.status == Status::Fail)
                    .map(|o| o.rule),
            );
        }
    }
    let silent: Vec<&str> = registry::ALL
        .iter()
        .map(|rule| rule.id)
        .filter(|id| !fired.contains(id))
        .collect();
    assert!(
        silent.is_empty(),
        "rules that fire in no fixtures/scenarios bundle: {silent:?}"
    );
}
