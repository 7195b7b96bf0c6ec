//! The catalog's invariants: every rule has a unique id equal to its file, is registered,
//! documented with the required sections, has a fresh page under rules/, and fires in at least
//! one recorded scenario.

use std::collections::BTreeSet;
use std::path::Path;

use oms_preflight::check;
use oms_preflight::collect::bundle::Bundle;
use oms_preflight::facts::{Fact, Facts};
use oms_preflight::i18n::{self, Text};
use oms_preflight::plan::{date::Date, waiver_file::Waivers};
use oms_preflight::report::Report;
use oms_preflight::rules::engine::{self, Status};
use oms_preflight::rules::{Area, Need, Rule, Stage, docs, registry};

#[path = "i18n/catalog_zh.rs"]
mod catalog_zh;

/// The areas, as ids: the folders under src/rules/.
fn areas() -> [&'static str; 7] {
    Area::ALL.map(Area::as_str)
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn ids_are_unique_well_formed_and_in_catalog_order_by_area() {
    let mut seen = BTreeSet::new();
    let mut last_area = Area::ALL[0];
    for rule in registry::ALL {
        assert!(seen.insert(rule.id), "{} is registered twice", rule.id);
        let (area, name) = rule.id.split_once('.').expect("ids are area.name");
        assert!(areas().contains(&area), "{}: unknown area {area}", rule.id);
        // The registry is the catalog's order: areas as Area::ALL lists them, never revisited.
        let area = Area::of(area).expect("a known area");
        assert!(
            area >= last_area,
            "{} ({area}) comes after a rule of area {last_area}: registry::ALL is grouped by area in Area::ALL's order",
            rule.id
        );
        last_area = area;
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
    for area in areas() {
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
    pages_are_fresh(&root().join("rules"), "rules", &expected, update);
}

/// Each `(file name, text)` of `expected` is what `dir` holds (written there instead when
/// `update`), and `dir` holds no other page.
pub fn pages_are_fresh(
    dir: &std::path::Path,
    shown_as: &str,
    expected: &[(String, String)],
    update: bool,
) {
    for (name, text) in expected {
        let path = dir.join(name);
        if update {
            std::fs::write(&path, text).unwrap();
            continue;
        }
        let found = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            found == *text,
            "{shown_as}/{name} is stale: run `OMS_PREFLIGHT_UPDATE_DOCS=1 cargo test --test catalog`"
        );
    }
    // No page for a rule that no longer exists.
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".md") {
            assert!(
                expected.iter().any(|(known, _)| *known == name),
                "{shown_as}/{name} belongs to no rule"
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
            path if path.exists() => Waivers::load(&path, &registry::Catalog).unwrap().list,
            _ => Vec::new(),
        };
        for stage in Stage::ALL {
            let options = check::Options {
                stage: Some(stage),
                waivers: &waivers,
                today,
                ..check::Options::default()
            };
            let report = check::run(&plan, Some(&bundle.facts), &rules, &options);
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

/// What a withheld fact's reason says in English: a Chinese report must never show it.
const WITHHELD_EN: &str = "withheld by the test";

/// Makes `need` unavailable in `facts` (on both tenants for a tenant fact), with a reason in
/// both languages, as the collectors give it. Exhaustive on purpose: a new kind of fact must say
/// here how it goes missing.
fn withhold(need: Need, facts: &mut Facts) {
    let withheld = || Text::new(WITHHELD_EN, "测试时扣下");
    for tenant in [&mut facts.a, &mut facts.b] {
        match need {
            Need::Server => tenant.server = Fact::unavailable(withheld()),
            Need::Mode => tenant.mode = Fact::unavailable(withheld()),
            Need::Variables => tenant.variables = Fact::unavailable(withheld()),
            Need::Grants => tenant.grants = Fact::unavailable(withheld()),
            Need::Databases => tenant.databases = Fact::unavailable(withheld()),
            Need::Tables => tenant.tables = Fact::unavailable(withheld()),
            Need::Views => tenant.views = Fact::unavailable(withheld()),
            Need::Triggers => tenant.triggers = Fact::unavailable(withheld()),
            Need::Partitions => tenant.partitions = Fact::unavailable(withheld()),
            Need::ForeignKeys => tenant.foreign_keys = Fact::unavailable(withheld()),
            Need::LogStreams => tenant.log_streams = Fact::unavailable(withheld()),
            Need::Archive => tenant.archive = Fact::unavailable(withheld()),
            Need::TenantRole => tenant.tenant_role = Fact::unavailable(withheld()),
            Need::Rows => tenant.rows = Fact::unavailable(withheld()),
            Need::DrcLogin => tenant.drc_login = Some(Fact::unavailable(withheld())),
            Need::Sessions => tenant.sessions = Fact::unavailable(withheld()),
            Need::Clock => tenant.clock = Fact::unavailable(withheld()),
            Need::OmsDataSources
            | Need::OmsForward
            | Need::OmsReverse
            | Need::OmsOthers
            | Need::OmsClock => {}
        }
    }
    if let Some(oms) = &mut facts.oms {
        match need {
            Need::OmsDataSources => oms.data_sources = Fact::unavailable(withheld()),
            Need::OmsForward => oms.forward = Fact::unavailable(withheld()),
            Need::OmsReverse => oms.reverse = Fact::unavailable(withheld()),
            Need::OmsOthers => oms.others = Fact::unavailable(withheld()),
            Need::OmsClock => oms.clock = Fact::unavailable(withheld()),
            _ => {}
        }
    }
}

/// The facts of a bundle, with every English-only text a bundle recorded before reasons were
/// said in both languages may hold (a reason, a fallback reason, the mode's evidence) given a
/// Chinese; and those English texts, which a Chinese report must then never show. What is
/// tested is what the rules and the engine make of a reason, not how old the recording is.
fn recorded_in_both(facts: &Facts) -> (Facts, Vec<String>) {
    fn walk(value: &mut serde_json::Value, english: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(object) => {
                if object.len() == 1
                    && let Some(serde_json::Value::String(en)) = object.get("en")
                {
                    english.push(en.clone());
                    object.insert("zh".into(), "录制时的原因".into());
                    return;
                }
                object.values_mut().for_each(|value| walk(value, english));
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| walk(v, english)),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(facts).unwrap();
    let mut english = Vec::new();
    walk(&mut value, &mut english);
    english.sort();
    english.dedup();
    (serde_json::from_value(value).unwrap(), english)
}

/// Every rule on every scenario bundle, first as recorded, then with each fact it declares
/// made unavailable in turn: it never panics, never reads a fact it did not declare, and a
/// missing needed fact leaves it inconclusive (or skipped), never passed or failed. Whatever it
/// says is said in Chinese too, the collectors' reasons included: no English reason, recorded
/// or withheld, reaches a Chinese report.
#[test]
fn every_rule_reads_only_declared_facts_and_is_inconclusive_without_a_needed_one() {
    for entry in std::fs::read_dir(root().join("fixtures/scenarios")).unwrap() {
        let dir = entry.unwrap().path();
        let bundle = Bundle::read(&dir.join("bundle.json")).unwrap();
        let plan = bundle.plan().unwrap();
        let scenario = dir.file_name().unwrap().to_string_lossy().to_string();
        let (recorded, mut english) = recorded_in_both(&bundle.facts);
        english.push(WITHHELD_EN.to_string());
        for rule in registry::ALL {
            let declared: BTreeSet<Need> =
                rule.needs.iter().chain(rule.optional).copied().collect();
            let variants = std::iter::once(None).chain(declared.iter().copied().map(Some));
            for withheld in variants {
                let mut facts = recorded.clone();
                if let Some(need) = withheld {
                    withhold(need, &mut facts);
                }
                for stage in Stage::ALL {
                    let options = check::Options {
                        stage: Some(stage),
                        ..check::Options::default()
                    };
                    let report = check::run(&plan, Some(&facts), &[rule], &options);
                    let outcome = &report.outcomes[0];
                    let reason = outcome.reason.as_ref().map_or("", |reason| reason.en());
                    said_in_chinese(rule, &report, &scenario, &english);
                    assert!(
                        !reason.contains("without declaring it"),
                        "{scenario}, {}: {reason}: add the fact to its `needs` or `optional`",
                        rule.id
                    );
                    let needed = withheld.is_some_and(|need| rule.needs.contains(&need));
                    let oms_absent =
                        withheld.is_some_and(|need| need.is_oms()) && facts.oms.is_none();
                    if needed && !oms_absent {
                        assert!(
                            matches!(outcome.status, Status::Inconclusive | Status::Skipped),
                            "{scenario}, {} at {}: {:?} unavailable, yet {:?}",
                            rule.id,
                            stage.as_str(),
                            withheld,
                            outcome.status
                        );
                    }
                }
            }
        }
    }
}

/// Everything `rule` said in `report` — its reason, its findings' messages and help — has its
/// Chinese, and that Chinese holds none of the `english` reasons of the facts.
fn said_in_chinese(rule: &Rule, report: &Report, scenario: &str, english: &[String]) {
    let chinese = |text: &Text| text.has_zh() && i18n::has_chinese(text.zh());
    let said = report
        .outcomes
        .iter()
        .filter_map(|o| o.reason.as_ref())
        .chain(
            report
                .findings
                .iter()
                .flat_map(|f| std::iter::once(&f.message).chain(&f.help)),
        );
    for text in said {
        assert!(
            chinese(text),
            "{scenario}, {}: not said in Chinese: {text}",
            rule.id
        );
        if let Some(leaked) = english.iter().find(|en| text.zh().contains(en.as_str())) {
            panic!(
                "{scenario}, {}: a collector's reason in English inside the Chinese: {leaked:?} in {:?}",
                rule.id,
                text.zh()
            );
        }
    }
}

/// What is said about a rule's waivability and comparisons is derived from the rule: the page
/// says when it cannot be waived, and a waiver for such a rule is refused.
#[test]
fn unwaivable_rules_say_so_and_refuse_waivers() {
    let unwaivable: Vec<_> = registry::ALL.iter().filter(|rule| !rule.waivable).collect();
    assert!(!unwaivable.is_empty());
    for rule in registry::ALL {
        let page = docs::page(rule);
        assert_eq!(
            page.contains("cannot be waived"),
            !rule.waivable,
            "rules/{}.md must say whether the rule can be waived",
            rule.id
        );
        let text = format!(
            "[[waiver]]\nrule = \"{}\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2099-01-01\"\n",
            rule.id
        );
        let parsed = Waivers::parse("w.toml", &text, &registry::Catalog);
        assert_eq!(
            parsed.is_ok(),
            rule.waivable,
            "{}: a waiver must be accepted exactly when the rule is waivable",
            rule.id
        );
    }
}

/// The precheck items of OMS CE V4.1.1–V4.2.2, as the page *Modify system parameters* of
/// `oceanbase/oms-doc` lists them (branch V4.2.2, commit a6fa8ac4,
/// `zh-CN/1000.system-management/400.system-parameters/100.modify-system-parameters.md`).
const OMS_PRECHECK_ITEMS: [&str; 66] = [
    "RDB_CONNECT",
    "DB_NODE_CONNECT",
    "DB_VERSION",
    "DB_MASTER_SLAVE",
    "DB_TIME_SYNC",
    "DB_MAX_ALLOWED_PACKET",
    "DB_INCR_LOG",
    "DB_ACCOUNT_FULL_READ_PRIVILEGE",
    "DB_ACCOUNT_INCR_READ_PRIVILEGE",
    "DB_ACCOUNT_WRITER_PRIVILEGE",
    "DB_ACCOUNT_CREATE_PRIVILEGE",
    "DB_STRUCT_PRIVILEGE",
    "DB_MEMSTORE_READ_PRIVILEGE",
    "OB_SYS_STAT_VIEW_READ_PRIV",
    "OB_MYSQL_SYS_VIEW_READ_PRIV",
    "STRUCT_SYS_VIEW_READ_PRIV",
    "DB_STRUCT_OB_SYSTEM_VIEW_READ_PRIVILEGE",
    "DB_INNER_ACCOUNT_FULL_READ_PRIVILEGE",
    "DB_CHARSET",
    "DB_TIMEZONE",
    "DB_SQL_MODE",
    "DB_LOWER_CASE_TABLE_NAMES",
    "DB_CASE_SENSITIVE",
    "RDB_SCHEMA_EXIST",
    "RDB_TABLE_EXIST",
    "DB_UK_INDEX",
    "DB_PSEUDO_COLUMN_CHECK",
    "DB_TABLE_LOB_SIZE",
    "LOB_FIELD_NOT_EXIST",
    "DB_COLUMN_COUNT",
    "DB_DATA_TYPE",
    "DB_DATA_TYPE_INDEX",
    "DB_FUNCTION_BASED",
    "DB_TABLE_TYPE",
    "DB_CONSTRAINT",
    "DB_FOREIGN_REFERENCE",
    "DB_NO_FOREIGN_KEY",
    "RDB_OBJECT_DEPENDENCY_INTEGRITY",
    "DB_TABLE_NAME_UNIQUE",
    "SYNC_SCHEMA_CONSISTENCY",
    "DB_WHITE_LIST_LENGTH",
    "DB_REVERSE_LIMIT",
    "DB_TABLE_CYCLICALLY",
    "LOGIC_TABLE_SAME_SOURCE_AND_DEST",
    "ROW_MOVEMENT",
    "DB_ROW_MOVEMENT",
    "DB_ORACLE_REVERSE_LIMIT",
    "DB_ORACLE_FK_SUPPORT_CHECK",
    "DB_ORACLE_MIN_PRIVILEGE",
    "DB_COL_LEVEL_SUPPLEMENTAL_LOG",
    "DB_ENGINE",
    "DB_WAL_LEVEL",
    "DB_MYSQL_CREATE_PRIVILEGE",
    "DB_MYSQL_UPDATE_HEARTBEAT_PRIVILEGE",
    "DB_MYSQL_SHOW_VIEW_PRIVILEGE",
    "MQ_CONNECT",
    "MQ_TOPIC_EXIST",
    "TIDB_KAFKA_TOPIC_EXIST",
    "DATAHUB_TOPIC_NOT_EXIST",
    "LOGIC_DB_CONNECT",
    "LOGIC_TABLE_EXIST",
    "LOGIC_DB_ACCOUNT_INCR_DRC_READ_PRIVILEGE",
    "LOGIC_TABLE_SCHEMA_CONSISTENCY",
    "LOGIC_TABLE_UK_INDEX",
    "LOGIC_DB_ACCOUNT_FULL_READ_PRIVILEGE",
    "LOGIC_DB_ACCOUNT_INCR_READ_PRIVILEGE",
];

/// docs/oms-prechecks.md and its Chinese twin list every OMS precheck item, and name only rule
/// ids the catalog has.
#[test]
fn the_precheck_parity_tables_name_every_item_and_only_rules_that_exist() {
    for page in ["docs/oms-prechecks.md", "docs/zh-CN/oms-prechecks.md"] {
        let text = std::fs::read_to_string(root().join(page)).unwrap();
        let mut listed = BTreeSet::new();
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("| `") else {
                continue;
            };
            let (item, rest) = rest.split_once('`').unwrap();
            if !item.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                continue;
            }
            listed.insert(item.to_string());
            // The third cell: what covers it. Every `area.name` there is a rule.
            let covering = rest
                .split(" | ")
                .nth(2)
                .unwrap_or_else(|| panic!("{page}: {line}"));
            for id in covering.split('`').skip(1).step_by(2) {
                assert!(
                    registry::find(id).is_some(),
                    "{page}: {item} names {id}, which is not a rule"
                );
            }
        }
        for item in OMS_PRECHECK_ITEMS {
            assert!(
                listed.contains(item),
                "{page} does not list OMS's precheck item {item}"
            );
        }
    }
}
