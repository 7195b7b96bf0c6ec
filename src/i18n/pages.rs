//! The catalog's pages in Chinese (`rules/zh-CN/`, `explain --lang zh-CN`), and the page of an
//! area (`explain AREA`) in either language. The English rule pages are `rules::docs`.

use std::fmt::Write;

use super::{Label, Lang, Text, area_name, severity, stages, summary, zh_rule};
use crate::rules::{Input, Rule, Topology, docs, registry};

/// The page of `rule` in `lang`: the English page, or the Chinese one when the rule has its
/// Chinese text (else the English page).
pub fn page(lang: Lang, rule: &Rule) -> String {
    match (lang, zh_rule(rule.id)) {
        (Lang::ZhCn, Some(text)) => {
            let mut page = String::new();
            let _ = writeln!(page, "# `{}`\n", rule.id);
            let _ = writeln!(page, "{}。\n", text.summary);
            let _ = writeln!(page, "| 严重级别 | 阶段 | 拓扑 | 读取 |\n|---|---|---|---|");
            let _ = writeln!(
                page,
                "| {} | {} | {} | {} |\n",
                severity(lang, rule.severity),
                stages(lang, rule),
                topology(rule),
                reads(rule)
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
        _ => docs::page(rule),
    }
}

/// The documentation of `rule` (its sections, without the page's header) in `lang`: the
/// Chinese text when the rule has one, else the doc comment.
pub fn body(lang: Lang, rule: &Rule) -> String {
    match (lang, zh_rule(rule.id)) {
        (Lang::ZhCn, Some(text)) => text.body.to_string(),
        _ => docs::body(rule),
    }
}

/// rules/zh-CN/README.md: every rule, in catalog order.
pub fn index() -> String {
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
            severity(Lang::ZhCn, rule.severity),
            stages(Lang::ZhCn, rule),
            summary(Lang::ZhCn, rule),
            id = rule.id
        );
    }
    index
}

/// The page of an area (`explain grants`): its rules, one line each, in catalog order; `None`
/// when `area` is not one.
pub fn area(lang: Lang, area: &str) -> Option<String> {
    let rules: Vec<&Rule> = registry::ALL
        .iter()
        .copied()
        .filter(|rule| rule.area() == area)
        .collect();
    if rules.is_empty() {
        return None;
    }
    let mut page = String::new();
    let name = area_name(lang, area).map_or(String::new(), |name| format!(": {name}"));
    let _ = match lang {
        Lang::En => writeln!(
            page,
            "# Area `{area}`{name}\n\n{} rules; `oms-preflight explain ID` prints one's page.\n",
            rules.len()
        ),
        Lang::ZhCn => writeln!(
            page,
            "# 区域 `{area}`{}\n\n共 {} 条规则；`oms-preflight explain ID` 显示其中一条的说明。\n",
            name.replacen(": ", "：", 1),
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
            severity(lang, rule.severity),
            stages(lang, rule),
            summary(lang, rule)
        );
    }
    Some(page)
}

fn topology(rule: &Rule) -> String {
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
        Lang::En => docs::reads(rule),
        Lang::ZhCn => reads(rule),
    }
}

/// What the rule reads, in Chinese: the source, then the facts it needs.
fn reads(rule: &Rule) -> String {
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
