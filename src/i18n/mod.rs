//! The languages of what people read: the human and Markdown reports, `explain`, `rules` and the
//! rule pages, in English or Simplified Chinese (`--lang`, by default from `LC_ALL` / `LANG`).
//!
//! Ids, JSON keys and exit codes never change with the language; every format's messages
//! follow it. The report's chrome (headings, statuses, summaries) is translated here; what a
//! rule or the engine says about a finding or a rule it did not evaluate is a [`Text`],
//! composed in both languages where it is said (fix SQL stays SQL). Each rule's Chinese
//! summary and documentation is one file, `src/i18n/zh-CN/<rule id>.md`, embedded at build
//! time (build.rs): its first line is the summary, then the three sections of [`ZH_SECTIONS`].

mod labels;
mod text;

pub use labels::Label;
pub use text::{Text, bilingual, serialized_in, spaced};

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
pub(crate) fn is_ideograph(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
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
}
