//! The languages of what people read: the human and Markdown reports, `explain`, `rules` and the
//! rule pages, in English or Simplified Chinese (`--lang`, by default from `LC_ALL` / `LANG`).
//!
//! Ids, JSON keys and exit codes never change with the language; every format's messages
//! follow it. The report's chrome (headings, statuses, summaries) is translated here; what a
//! rule or the engine says about a finding or a rule it did not evaluate is a [`Text`],
//! composed in both languages where it is said (fix SQL stays SQL). Each rule's Chinese
//! summary and documentation is one file, `src/i18n/zh-CN/<rule id>.md`, embedded at build
//! time (build.rs): its first line is the summary, then the three sections of [`ZH_SECTIONS`].

pub mod pages;
mod text;

pub use text::{Text, bilingual, serialized_in, spaced};

use crate::rules::{Rule, Severity, Stage};

include!(concat!(env!("OUT_DIR"), "/zh_cn_rules.rs"));

/// The sections of a rule's Chinese documentation, in this order (the English ones are
/// `rules::docs::SECTIONS`).
pub const ZH_SECTIONS: &[&str] = &["## 检查内容", "## 为什么重要", "## 如何修复"];

/// A language of the reports people read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    #[value(name = "en")]
    En,
    /// Simplified Chinese.
    #[value(name = "zh-CN", alias = "zh-cn", alias = "zh")]
    ZhCn,
}

impl Lang {
    /// The language of the environment, in POSIX order: `LC_ALL`, `LC_MESSAGES`, then `LANG`;
    /// a `zh*` locale is Chinese, anything else English.
    pub fn from_env() -> Lang {
        Lang::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Lang::from_env`] over any source of variables.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|name| var(name).filter(|value| !value.is_empty()))
            .map_or(Lang::En, |locale| Lang::from_locale(&locale))
    }

    /// `zh_CN.UTF-8`, `zh_TW`, `zh` → Chinese; `C`, `POSIX`, `en_US.UTF-8` → English.
    pub fn from_locale(locale: &str) -> Lang {
        match locale.to_ascii_lowercase().starts_with("zh") {
            true => Lang::ZhCn,
            false => Lang::En,
        }
    }

    pub fn is_zh(self) -> bool {
        self == Lang::ZhCn
    }
}

/// `english`, or its Chinese when the language is Chinese and the phrase is known: the fixed
/// words of the reports.
pub fn tr(lang: Lang, english: &'static str) -> &'static str {
    if !lang.is_zh() {
        return english;
    }
    WORDS
        .iter()
        .find(|(en, _)| *en == english)
        .map_or(english, |(_, zh)| zh)
}

/// The fixed words of the reports, English → Chinese, in OMS's and OceanBase's own terms.
const WORDS: &[(&str, &str)] = &[
    // Statuses and severities.
    ("pass", "通过"),
    ("fail", "失败"),
    ("warn", "仅警告"),
    ("inconclusive", "无法判定"),
    ("skipped", "已跳过"),
    ("waived", "已豁免"),
    ("error", "错误"),
    ("warning", "警告"),
    ("info", "提示"),
    ("errors", "错误数"),
    ("warnings", "警告数"),
    // Verdicts.
    ("PASSED", "通过"),
    ("FAILED", "未通过"),
    ("INCOMPLETE", "检查不完整"),
    ("ERROR", "出错"),
    // Summary table.
    ("area", "区域"),
    ("rules", "规则数"),
    // Header and diagnostics.
    ("stage", "阶段"),
    ("plan", "计划"),
    ("undecided", "未定"),
    ("unknown", "未知"),
    ("set here", "在此设置"),
    ("fix: ", "修复："),
    ("(waived) ", "（已豁免）"),
    // Markdown.
    ("Errors", "错误"),
    ("Warnings", "警告"),
    ("Notes", "提示"),
    ("Waived", "已豁免"),
    ("Skipped", "已跳过"),
    ("Not checked (inconclusive)", "未检查（无法判定）"),
    (
        "Fix SQL (review before running; oms-preflight never runs it)",
        "修复 SQL（执行前请审阅；oms-preflight 从不执行）",
    ),
    (
        "| rule | side | object | finding | what to do |",
        "| 规则 | 端 | 对象 | 问题 | 处理建议 |",
    ),
    (
        "| rule | side | object | finding | waiver |",
        "| 规则 | 端 | 对象 | 问题 | 豁免 |",
    ),
    ("| rule | why |", "| 规则 | 原因 |"),
    (
        "| endpoint | user | OceanBase | mode | columns from |",
        "| 端点 | 用户 | OceanBase | 模式 | 列信息来源 |",
    ),
    ("reachable", "可达"),
    ("refused", "拒绝访问"),
    ("no answer", "无应答"),
    ("inner_tables", "内部表"),
    // Catalog and pages.
    ("id", "规则"),
    ("severity", "严重级别"),
    ("checks", "检查内容"),
    ("topology", "拓扑"),
    ("reads", "读取"),
    ("every stage", "所有阶段"),
    ("both", "两种拓扑"),
];

/// A stage as people read it: the value `--stage` takes, and in Chinese what it means.
pub fn stage(lang: Lang, stage: &str) -> String {
    let gloss = match stage {
        "forward" => "创建正向项目前",
        "reverse" => "启动反向增量前",
        "running" => "双向链路运行中",
        "undecided" => "未定",
        _ => return stage.to_string(),
    };
    match lang {
        Lang::En => stage.to_string(),
        Lang::ZhCn if stage == "undecided" => gloss.to_string(),
        Lang::ZhCn => format!("{stage}（{gloss}）"),
    }
}

/// A severity's name: `error`, `错误`.
pub fn severity(lang: Lang, severity: Severity) -> &'static str {
    tr(lang, severity.as_str())
}

/// `2 errors`, `1 warning`, `2 个错误`.
pub fn count(lang: Lang, n: usize, one: &'static str, many: &'static str) -> String {
    match lang {
        Lang::En if n == 1 => format!("1 {one}"),
        Lang::En => format!("{n} {many}"),
        Lang::ZhCn => format!("{n} 个{}", tr(lang, one)),
    }
}

/// Who a finding is about, before its object: `tenant b`, `租户 b`, `pair`, `两端`.
pub fn side(lang: Lang, side: &str) -> String {
    match (lang, side) {
        (Lang::En, "a" | "b") => format!("tenant {side}"),
        (Lang::En, other) => other.to_string(),
        (Lang::ZhCn, "a" | "b") => format!("租户 {side}"),
        (Lang::ZhCn, "pair") => "两端".to_string(),
        (Lang::ZhCn, "plan") => "计划".to_string(),
        (Lang::ZhCn, "oms") => "OMS".to_string(),
        (Lang::ZhCn, other) => other.to_string(),
    }
}

/// "waived until 2027-03-31 by dba@example.com: the reason".
pub fn waived(lang: Lang, expires: &str, owner: &str, reason: &str) -> String {
    match lang {
        Lang::En => format!("waived until {expires} by {owner}: {reason}"),
        Lang::ZhCn => format!("已豁免至 {expires}，负责人 {owner}：{reason}"),
    }
}

/// Whether `text` holds a Chinese character (CJK Unified Ideographs).
pub fn has_chinese(text: &str) -> bool {
    text.chars().any(is_ideograph)
}

/// A CJK Unified Ideograph: a Chinese character.
fn is_ideograph(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
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
        return tr(lang, "every stage").to_string();
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

/// The Chinese name of an area, shown beside its id.
pub fn area_name(lang: Lang, area: &str) -> Option<&'static str> {
    let (en, zh) = match area {
        "conn" => ("connections", "连接"),
        "tenant" => ("tenant settings", "租户设置"),
        "grants" => ("migration users' privileges", "迁移用户权限"),
        "schema" => ("schemas", "结构"),
        "link" => ("links", "链路"),
        "oms" => ("OMS projects and data sources", "OMS 项目与数据源"),
        "plan" => ("the plan", "计划"),
        _ => return None,
    };
    Some(match lang {
        Lang::En => en,
        Lang::ZhCn => zh,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_comes_from_lc_all_then_lang() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            }
        };
        assert_eq!(Lang::from_vars(env(&[])), Lang::En);
        assert_eq!(Lang::from_vars(env(&[("LANG", "zh_CN.UTF-8")])), Lang::ZhCn);
        assert_eq!(
            Lang::from_vars(env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_vars(env(&[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")])),
            Lang::ZhCn
        );
        assert_eq!(Lang::from_vars(env(&[("LANG", "en_US.UTF-8")])), Lang::En);
    }

    #[test]
    fn counts_agree_with_their_number() {
        assert_eq!(count(Lang::En, 1, "error", "errors"), "1 error");
        assert_eq!(count(Lang::En, 2, "error", "errors"), "2 errors");
        assert_eq!(count(Lang::En, 0, "warning", "warnings"), "0 warnings");
        assert_eq!(count(Lang::ZhCn, 2, "error", "errors"), "2 个错误");
    }
}
