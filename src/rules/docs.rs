//! The catalog as people read it: one Markdown page per rule and an index, generated from the
//! rules' doc comments and metadata. `explain` prints a page; `rules/` holds them all, kept
//! fresh by tests/catalog.rs.

use std::fmt::Write;

use super::{Input, Need, Rule, Stage, registry};

/// The sections every rule's documentation has, in this order.
pub const SECTIONS: &[&str] = &["## What it checks", "## Why it matters", "## How to fix"];

/// The doc comment as Markdown: one leading space per line removed, trailing space trimmed.
pub fn body(rule: &Rule) -> String {
    let mut text = String::new();
    for line in rule.docs.lines() {
        text.push_str(line.strip_prefix(' ').unwrap_or(line).trim_end());
        text.push('\n');
    }
    text.trim().to_string()
}

/// The stages a rule applies at: `every stage`, `reverse and running`.
pub fn stage(rule: &Rule) -> String {
    if rule.stages.is_empty() {
        return "every stage".into();
    }
    Stage::list(rule.stages)
}

/// The topologies a rule applies to: `both`, `two-projects`.
pub fn topology(rule: &Rule) -> &'static str {
    match rule.topologies {
        [only] => only.as_str(),
        _ => "both",
    }
}

/// What the rule reads, for the page's header and `rules --format json`.
pub fn reads(rule: &Rule) -> String {
    let source = match rule.input {
        Input::Plan => "the plan (and live OMS projects when checked)",
        Input::Tenants => "tenants A and B",
        Input::Oms => "the OMS API",
    };
    if rule.needs.is_empty() {
        return source.to_string();
    }
    let needs: Vec<&str> = rule.needs.iter().map(|need: &Need| need.name()).collect();
    format!("{source}: {}", needs.join(", "))
}

/// The page of `rule` (rules/<id>.md).
pub fn page(rule: &Rule) -> String {
    let mut page = String::new();
    let _ = writeln!(page, "# `{}`\n", rule.id);
    let _ = writeln!(page, "{}.\n", capitalized(rule.summary));
    let _ = writeln!(
        page,
        "| severity | stage | topology | reads |\n|---|---|---|---|"
    );
    let _ = writeln!(
        page,
        "| {} | {} | {} | {} |\n",
        rule.severity.as_str(),
        stage(rule),
        topology(rule),
        reads(rule)
    );
    if !rule.waivable {
        let _ = writeln!(
            page,
            "**This rule cannot be waived**: its findings break the pair whatever anyone signs \
             off, and a waiver naming it is refused.\n"
        );
    }
    let _ = writeln!(page, "{}", body(rule));
    page
}

/// rules/README.md: every rule, in catalog order.
pub fn index() -> String {
    let mut index = String::from(
        "# Rule catalog\n\nGenerated from the rules' doc comments in `src/rules/` (regenerate with\n\
         `OMS_PREFLIGHT_UPDATE_DOCS=1 cargo test --test catalog`); `oms-preflight explain ID` prints a page.\n\
         `versions.toml` is the supported-version matrix `tenant.version-supported` reads;\n\
         `dictionary-layouts.toml` the kernel dictionary, per OceanBase and seekdb version, the collector reads by.\n\
         中文版：[zh-CN/README.md](zh-CN/README.md).\n\n\
         | id | severity | stage | checks |\n|---|---|---|---|\n",
    );
    for rule in registry::ALL {
        let _ = writeln!(
            index,
            "| [`{id}`]({id}.md) | {} | {} | {} |",
            rule.severity.as_str(),
            stage(rule),
            rule.summary,
            id = rule.id
        );
    }
    index
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
