//! The Chinese catalog: every rule has its Chinese summary and documentation in
//! `src/i18n/zh-CN/<id>.md` (first line the summary, then the sections of `ZH_SECTIONS`), and
//! the Chinese pages under rules/zh-CN/ are what they generate. Included by tests/catalog.rs.

use oms_preflight::i18n::Lang;
use oms_preflight::rules::docs::{self, ZH_SECTIONS};
use oms_preflight::rules::registry;

fn zh_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/zh-CN")
}

#[test]
fn every_rule_has_its_chinese_text() {
    let mut missing = Vec::new();
    for rule in registry::ALL {
        let Some(text) = docs::zh_rule(rule.id) else {
            missing.push(rule.id);
            continue;
        };
        assert!(
            !text.summary.is_empty()
                && !text.summary.starts_with('#')
                && !text.summary.ends_with('。'),
            "src/i18n/zh-CN/{}.md: the first line is the summary, one line without a final 。",
            rule.id
        );
        let mut from = 0;
        for section in ZH_SECTIONS {
            let at = text.body[from..].find(section).unwrap_or_else(|| {
                panic!(
                    "src/i18n/zh-CN/{}.md needs `{section}` (in this order: {ZH_SECTIONS:?})",
                    rule.id
                )
            });
            from += at + section.len();
        }
    }
    assert!(
        missing.is_empty(),
        "rules without their Chinese text: {missing:?}; write src/i18n/zh-CN/<id>.md for each \
         (first line: the summary; then {ZH_SECTIONS:?}), then regenerate the pages with \
         `OMS_PREFLIGHT_UPDATE_DOCS=1 cargo test --test catalog`"
    );
    let orphans: Vec<&str> = docs::zh_rule_ids()
        .filter(|id| registry::find(id).is_none())
        .collect();
    assert!(
        orphans.is_empty(),
        "src/i18n/zh-CN/ has texts for no rule: {orphans:?}"
    );
}

/// rules/zh-CN/<id>.md and rules/zh-CN/README.md are what the sources generate.
#[test]
fn the_chinese_rule_pages_are_fresh() {
    let update = std::env::var_os("OMS_PREFLIGHT_UPDATE_DOCS").is_some();
    let mut expected = vec![("README.md".to_string(), docs::index_zh())];
    expected.extend(
        registry::ALL
            .iter()
            .map(|rule| (format!("{}.md", rule.id), docs::page_in(Lang::ZhCn, rule))),
    );
    if update {
        std::fs::create_dir_all(zh_dir()).unwrap();
    }
    super::pages_are_fresh(&zh_dir(), "rules/zh-CN", &expected, update);
}
