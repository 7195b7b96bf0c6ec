//! The catalog as people read it, in every language: one Markdown page per rule and an index,
//! generated from the rules' doc comments and metadata in English and from
//! `src/i18n/zh-CN/<id>.md` in Chinese (embedded at build time by build.rs: its first line the
//! summary, then the sections of [`ZH_SECTIONS`]); the page of an area; each rule's summary,
//! stages and what it reads in either language. `explain` prints a page; `rules/` holds them
//! all, kept fresh by tests/catalog.rs.

use std::fmt::Write;

use super::{Area, Input, Need, Rule, Stage, Topology, registry};
use crate::i18n::{Label, Lang, Text};

include!(concat!(env!("OUT_DIR"), "/zh_cn_rules.rs"));

/// The sections of a rule's Chinese documentation, in this order (the English ones are
/// [`SECTIONS`]).
pub const ZH_SECTIONS: &[&str] = &["## 检查内容", "## 为什么重要", "## 如何修复"];

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

/// A rule's summary and documentation in another language than the source's English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleText {
    /// One line, no trailing full stop.
    pub summary: &'static str,
    /// The sections of [`ZH_SECTIONS`].
    pub body: &'static str,
}

/// The Chinese text of rule `id`, if it has one: `src/i18n/zh-CN/<id>.md`.
pub fn zh_rule(id: &str) -> Option<RuleText> {
    let (_, text) = ZH_CN_RULES.iter().find(|(known, _)| *known == id)?;
    Some(split(text))
}

/// Every rule id with a Chinese text, for the catalog test.
pub fn zh_rule_ids() -> impl Iterator<Item = &'static str> {
    ZH_CN_RULES.iter().map(|(id, _)| *id)
}

fn split(text: &'static str) -> RuleText {
    let text = text.trim_start();
    let (summary, body) = text.split_once('\n').unwrap_or((text, ""));
    RuleText {
        summary: summary.trim(),
        body: body.trim(),
    }
}

/// The summary of `rule` in `lang`; English when it has no text in that language.
pub fn summary(lang: Lang, rule: &Rule) -> &'static str {
    match lang {
        Lang::ZhCn => zh_rule(rule.id).map_or(rule.summary, |text| text.summary),
        Lang::En => rule.summary,
    }
}

/// `forward`, `reverse 和 running`: the stages a rule applies at.
pub fn stages(lang: Lang, rule: &Rule) -> String {
    if rule.stages.is_empty() {
        return Label::EveryStage.get(lang).to_string();
    }
    match lang {
        Lang::En => Stage::list(rule.stages),
        Lang::ZhCn => {
            let names: Vec<&str> = rule.stages.iter().map(|stage| stage.as_str()).collect();
            match names.split_last() {
                None => String::new(),
                Some((last, [])) => last.to_string(),
                Some((last, rest)) => format!("{} 和 {last}", rest.join("、")),
            }
        }
    }
}

/// The page of `rule` in `lang`: the English page, or the Chinese one when the rule has its
/// Chinese text (else the English page).
pub fn page_in(lang: Lang, rule: &Rule) -> String {
    match (lang, zh_rule(rule.id)) {
        (Lang::ZhCn, Some(text)) => {
            let mut page = String::new();
            let _ = writeln!(page, "# `{}`\n", rule.id);
            let _ = writeln!(page, "{}。\n", text.summary);
            let _ = writeln!(page, "| 严重级别 | 阶段 | 拓扑 | 读取 |\n|---|---|---|---|");
            let _ = writeln!(
                page,
                "| {} | {} | {} | {} |\n",
                rule.severity.label().get(lang),
                stages(lang, rule),
                topology_zh(rule),
                reads_zh(rule)
            );
            if !rule.waivable {
                let _ = writeln!(
                    page,
                    "**此规则不可豁免**：无论谁签字认可，它发现的问题都会破坏这一对租户，点名它的豁免会被拒绝。\n"
                );
            }
            let _ = writeln!(page, "{}", text.body);
            page
        }
        _ => page(rule),
    }
}

/// The documentation of `rule` (its sections, without the page's header) in `lang`: the
/// Chinese text when the rule has one, else the doc comment.
pub fn body_in(lang: Lang, rule: &Rule) -> String {
    match (lang, zh_rule(rule.id)) {
        (Lang::ZhCn, Some(text)) => text.body.to_string(),
        _ => body(rule),
    }
}

/// rules/zh-CN/README.md: every rule, in catalog order.
pub fn index_zh() -> String {
    let mut index = String::from(
        "# 规则目录\n\n由 `src/rules/` 中的规则定义和 `src/i18n/zh-CN/` 中的中文文本生成（重新生成：\n\
         `OMS_PREFLIGHT_UPDATE_DOCS=1 cargo test --test catalog`）；`oms-preflight explain ID --lang zh-CN`\n\
         显示其中一页。English: [../README.md](../README.md).\n\n\
         | 规则 | 严重级别 | 阶段 | 检查内容 |\n|---|---|---|---|\n",
    );
    for rule in registry::ALL {
        let _ = writeln!(
            index,
            "| [`{id}`]({id}.md) | {} | {} | {} |",
            rule.severity.label().zh(),
            stages(Lang::ZhCn, rule),
            summary(Lang::ZhCn, rule),
            id = rule.id
        );
    }
    index
}

/// The page of an area (`explain grants`): its name, what it covers, and its rules, one line
/// each, in catalog order; `None` when `id` is not an area.
pub fn area(lang: Lang, id: &str) -> Option<String> {
    let area = Area::ALL.into_iter().find(|area| *area == id)?;
    let rules: Vec<&Rule> = registry::ALL
        .iter()
        .copied()
        .filter(|rule| rule.area() == area)
        .collect();
    let mut page = String::new();
    let (name, docs) = (area.name(), area.docs());
    let _ = match lang {
        Lang::En => writeln!(
            page,
            "# Area `{area}`: {}\n\n{}\n\n{} rules; `oms-preflight explain ID` prints one's page.\n",
            name.en(),
            docs.en(),
            rules.len()
        ),
        Lang::ZhCn => writeln!(
            page,
            "# 区域 `{area}`：{}\n\n{}\n\n共 {} 条规则；`oms-preflight explain ID` 显示其中一条的说明。\n",
            name.zh(),
            docs.zh(),
            rules.len()
        ),
    };
    let _ = writeln!(
        page,
        "| {} | {} | {} | {} |\n|---|---|---|---|",
        Label::RuleId.get(lang),
        Label::Severity.get(lang),
        Label::Stage.get(lang),
        Label::Checks.get(lang)
    );
    for rule in rules {
        let _ = writeln!(
            page,
            "| `{}` | {} | {} | {} |",
            rule.id,
            rule.severity.label().get(lang),
            stages(lang, rule),
            summary(lang, rule)
        );
    }
    Some(page)
}

fn topology_zh(rule: &Rule) -> String {
    match rule.topologies {
        [only] => match only {
            Topology::TwoProjects => "two-projects（两个项目）".to_string(),
            Topology::SingleProject => "single-project（单个容灾双活项目）".to_string(),
        },
        _ => Label::BothTopologies.zh().to_string(),
    }
}

/// What the rule reads in `lang`: the source, then the facts it needs.
pub fn reads_in(lang: Lang, rule: &Rule) -> String {
    match lang {
        Lang::En => reads(rule),
        Lang::ZhCn => reads_zh(rule),
    }
}

/// What the rule reads, in Chinese: the source, then the facts it needs.
fn reads_zh(rule: &Rule) -> String {
    let source = match rule.input {
        Input::Plan => "计划（检查时也读取 OMS 中的实时项目）",
        Input::Tenants => "租户 A 和 B",
        Input::Oms => "OMS API",
    };
    if rule.needs.is_empty() {
        return source.to_string();
    }
    let needs: Vec<Text> = rule.needs.iter().map(|need| need.text()).collect();
    let needs: Vec<&str> = needs.iter().map(Text::zh).collect();
    format!("{source}：{}", needs.join("、"))
}
